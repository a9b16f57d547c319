//! Where the tests find material outside the crate: the workspace, and the shared evaluation
//! recordings and the original KPI sheet, which a public clone does not have.
//!
//! The shared material is found through settings: `CONSULT_COACH_EVAL_DIR` (default
//! `../shared/eval` beside the workspace) and `CONSULT_COACH_SPEC_DIR` (default `../shared/spec`).
//! Tests that need it live in modules named `shared_material`; the test command runs them when
//! the material is there and otherwise lists them as skipped with the reason (`scripts/test.sh`).
//! Run on their own without the material, they fail with a message that says what is missing.

use std::path::PathBuf;

/// The setting naming the evaluation material's directory.
pub const EVAL_DIR_SETTING: &str = "CONSULT_COACH_EVAL_DIR";
/// The setting naming the original specification's directory.
pub const SPEC_DIR_SETTING: &str = "CONSULT_COACH_SPEC_DIR";

/// The workspace root (where `frontend/dist` lives).
pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(PathBuf::from)
        .unwrap_or_default()
}

/// The directory `setting` names, or `../shared/<default>` beside the workspace.
fn shared_dir(setting: &str, default: &str) -> PathBuf {
    std::env::var_os(setting)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("..").join("shared").join(default))
}

/// The evaluation material's directory (`CONSULT_COACH_EVAL_DIR`).
pub fn eval_dir() -> PathBuf {
    shared_dir(EVAL_DIR_SETTING, "eval")
}

/// The original specification's directory (`CONSULT_COACH_SPEC_DIR`).
pub fn spec_dir() -> PathBuf {
    shared_dir(SPEC_DIR_SETTING, "spec")
}

/// A file of the evaluation material (recordings, reference transcripts, sample chats).
///
/// # Panics
/// When the file is missing: only `shared_material` tests call this, and the test command skips
/// them (saying why) where the material is absent.
pub fn eval_path(relative: &str) -> PathBuf {
    material(eval_dir().join(relative), EVAL_DIR_SETTING)
}

/// A file of the original specification (the Korean KPI sheet).
///
/// # Panics
/// As [`eval_path`].
pub fn spec_path(relative: &str) -> PathBuf {
    material(spec_dir().join(relative), SPEC_DIR_SETTING)
}

fn material(path: PathBuf, setting: &str) -> PathBuf {
    assert!(
        path.exists(),
        "{} is missing: this test needs the shared evaluation material (set {setting}; \
         scripts/test.sh skips these tests when it is absent)",
        path.display()
    );
    path
}
