//! GraphQL of acknowledgements and disputes: `acknowledgeReport`, `disputeItem`,
//! `resolveDispute`, `disputes`, and `Consultation.acknowledgedAt` / `Consultation.disputes` (in
//! the consultations domain's type).

pub mod mutation;
pub mod query;
pub mod types;
