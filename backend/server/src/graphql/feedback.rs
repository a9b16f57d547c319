//! GraphQL of analysis feedback: `rateAnalysis`, and `Consultation.feedback` (in the
//! consultations domain's type).

pub mod mutation;
pub mod types;
