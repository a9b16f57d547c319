//! Tests on the shared evaluation recordings (`CONSULT_COACH_EVAL_DIR`, default
//! `../shared/eval`): the test command runs them where the material is present and lists them as
//! skipped, with the reason, where it is not.

mod accuracy;
mod recordings;
