//! The architecture's rules that the compiler cannot check, checked against
//! `docs/ARCHITECTURE.md`: every table is written only by its owning service, and the background
//! tasks the docs list are the ones the code starts.
#![expect(clippy::unwrap_used, reason = "tests fail loudly on unexpected errors")]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use coach_app::tasks::{BACKGROUND_TASKS, ProcessRole};
use regex::Regex;
use tests::workspace_root;

fn architecture() -> String {
    std::fs::read_to_string(workspace_root().join("docs/ARCHITECTURE.md")).unwrap()
}

/// The rows of the markdown table that follows `heading`, as cells.
fn table_after(doc: &str, heading: &str) -> Vec<Vec<String>> {
    let start = doc
        .find(heading)
        .unwrap_or_else(|| panic!("{heading} is missing"));
    doc[start..]
        .lines()
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .skip(2)
        .map(|l| {
            l.trim_matches('|')
                .split('|')
                .map(|c| c.trim().to_owned())
                .collect()
        })
        .collect()
}

/// Every `.rs` file under `dir`.
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The module path of a source file of `coach-app` (`service::kpi::sources`), or the file's path
/// relative to the workspace for the other crates.
fn module_of(path: &Path) -> String {
    let root = workspace_root();
    let relative = path
        .strip_prefix(&root)
        .unwrap()
        .to_string_lossy()
        .into_owned();
    match relative.strip_prefix("backend/app/src/") {
        Some(module) => module.trim_end_matches(".rs").replace('/', "::"),
        None => relative,
    }
}

#[test]
fn every_table_is_written_only_by_the_service_the_architecture_names() {
    let doc = architecture();
    let mut owners: BTreeMap<String, String> = BTreeMap::new();
    for row in table_after(&doc, "## 3. Which service writes which table") {
        let owner = row[1].trim_matches('`').to_owned();
        for table in row[0].split(',') {
            owners.insert(table.trim().trim_matches('`').to_owned(), owner.clone());
        }
    }
    assert!(owners.len() > 25, "{owners:?}");
    let writes = Regex::new(
        r"(?x)
        \b([a-z_]+)::ActiveModel\s*\{
        | \b([a-z_]+)::Entity::(?:update_many|delete_many|delete_by_id|insert|insert_many)\b
        | :\s*([a-z_]+)::ActiveModel\b
        | (?:INSERT\s+INTO|DELETE\s+FROM)\s+([a-z_]+)
        | \bUPDATE\s+([a-z_]+)\s+SET\b",
    )
    .unwrap();
    let mut files = Vec::new();
    for krate in ["analyzer", "engines", "app", "server"] {
        rust_files(
            &workspace_root().join("backend").join(krate).join("src"),
            &mut files,
        );
    }
    let mut wrong = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        // Unit tests set up rows as they need.
        let code = text.split("#[cfg(test)]").next().unwrap_or_default();
        let module = module_of(&file);
        for captures in writes.captures_iter(code) {
            let table = (1..=5).find_map(|i| captures.get(i)).unwrap().as_str();
            let Some(owner) = owners.get(table) else {
                wrong.push(format!(
                    "{module}: writes `{table}`, which §3 does not list"
                ));
                continue;
            };
            if module != *owner && !module.starts_with(&format!("{owner}::")) {
                wrong.push(format!("{module}: writes `{table}`, owned by {owner}"));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn the_background_tasks_the_architecture_lists_are_the_ones_each_role_starts() {
    let documented: Vec<(String, Vec<ProcessRole>)> =
        table_after(&architecture(), "## 4. Background tasks of each process")
            .into_iter()
            .map(|row| {
                let roles = row[1]
                    .split(',')
                    .map(|r| match r.trim() {
                        "serve" => ProcessRole::Serve,
                        "worker" => ProcessRole::Worker,
                        other => panic!("unknown role {other}"),
                    })
                    .collect();
                (row[0].clone(), roles)
            })
            .collect();
    let started: Vec<(String, Vec<ProcessRole>)> = BACKGROUND_TASKS
        .iter()
        .map(|t| (t.name.to_owned(), t.roles.to_vec()))
        .collect();
    assert_eq!(documented, started);
    let schedules: Vec<&str> = BACKGROUND_TASKS.iter().map(|t| t.schedule).collect();
    let documented_schedules: Vec<String> =
        table_after(&architecture(), "## 4. Background tasks of each process")
            .into_iter()
            .map(|row| row[2].clone())
            .collect();
    assert_eq!(documented_schedules, schedules);
}

/// The modules of `coach-app`, lowest first: each may use only the modules before it.
const APP_LAYERS: &[&str] = &[
    "config",
    "entity",
    "error",
    "db",
    "storage",
    "telemetry",
    "auth",
    "events",
    "service",
    "jobs",
    "tasks",
];

#[test]
fn the_modules_of_the_app_crate_use_only_the_layers_below_them() {
    let uses = Regex::new(r"crate::([a-z_]+)").unwrap();
    let src = workspace_root().join("backend/app/src");
    let mut upward = Vec::new();
    for (level, module) in APP_LAYERS.iter().enumerate() {
        let mut files = Vec::new();
        if src.join(module).is_dir() {
            rust_files(&src.join(module), &mut files);
        }
        files.push(src.join(format!("{module}.rs")));
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap();
            let code = text.split("#[cfg(test)]").next().unwrap_or_default();
            for line in code.lines().filter(|l| !l.trim_start().starts_with("//")) {
                for used in uses.captures_iter(line) {
                    let used = &used[1];
                    let used_level = APP_LAYERS.iter().position(|m| *m == used);
                    if used_level.is_none_or(|l| l >= level) && used != *module {
                        upward.push(format!("{}: uses crate::{used}", module_of(&file)));
                    }
                }
            }
        }
    }
    assert!(upward.is_empty(), "{}", upward.join("\n"));
}
