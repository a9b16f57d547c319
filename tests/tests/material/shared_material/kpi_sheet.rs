//! The KPI catalogue (`shared::kpi::CATALOGUE`) against the original Korean KPI sheet: every KPI
//! of the sheet, in its order, with its Korean name.

use shared::kpi::CATALOGUE;
use tests::spec_path;

/// `(section, bold KPI name)` of every table row of the sheet's sections 1-5.
fn sheet_rows() -> Vec<(String, String)> {
    let path = spec_path("kpi-sheet.ko.md");
    let sheet = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("the KPI sheet is read from {}: {e}", path.display()));
    let mut section = String::new();
    let mut rows = Vec::new();
    for line in sheet.lines() {
        if let Some(title) = line.strip_prefix("### ") {
            section = title
                .split_whitespace()
                .next()
                .unwrap_or_default()
                .to_owned();
        } else if let Some(rest) = line.strip_prefix("| **")
            && let Some((name, _)) = rest.split_once("** |")
        {
            rows.push((section.clone(), name.to_owned()));
        }
    }
    rows
}

#[test]
fn the_catalogue_lists_every_kpi_of_the_sheet_in_its_order_with_its_korean_name() {
    let rows = sheet_rows();
    assert_eq!(rows.len(), 42, "{rows:?}");
    let catalogue: Vec<(String, String)> = CATALOGUE
        .iter()
        .map(|k| (k.group.section().to_owned(), k.name_ko.to_owned()))
        .collect();
    assert_eq!(catalogue, rows);
}
