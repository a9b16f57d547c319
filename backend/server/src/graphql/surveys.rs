//! GraphQL of manager surveys: `surveyStatus`, `mySurveys`, `submitSurvey`.

pub mod mutation;
pub mod query;
pub mod types;
