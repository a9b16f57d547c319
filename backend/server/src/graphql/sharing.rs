//! GraphQL of report exports and share links: `exportReport`, `createShareLink`,
//! `revokeShareLink`, the public `sharedReport` / `exportSharedReport`, and
//! `Consultation.shareLinks` (in the consultations domain's type).

pub mod mutation;
pub mod query;
pub mod types;
