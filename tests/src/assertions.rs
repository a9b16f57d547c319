//! Reading answers: error codes and KPIs of GraphQL responses.

use serde_json::Value;

/// The `extensions.code` of a GraphQL response's first error, or `"ok"` when there is none.
pub fn error_code(body: &Value) -> &str {
    body["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or("ok")
}

/// One KPI of a `kpis` board, by id.
pub fn kpi_of(board: &Value, id: &str) -> Value {
    board["kpis"]
        .as_array()
        .and_then(|all| all.iter().find(|k| k["id"] == id).cloned())
        .unwrap_or_else(|| panic!("no KPI {id} in {board}"))
}

/// Today in the default KPI time zone (Korea, UTC+9), `YYYY-MM-DD`.
pub fn kpi_today() -> String {
    shared::clock::to_datetime(shared::clock::now_ms() + 9 * 3_600_000)
        .format("%Y-%m-%d")
        .to_string()
}
