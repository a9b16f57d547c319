//! Security bookkeeping behind the KPI sheet's §5.2: recorded dependency audits (보안 취약점 수).
//!
//! The advisory database lives on GitHub, which a production host may not reach; an operator
//! runs `cargo audit --json` wherever it can and records the result with
//! `consult-coach audit record <file>`. The vulnerabilities KPI reads the latest record.

use sea_orm::{ActiveModelTrait, ConnectionTrait, DbErr, Set};

use crate::entity::{security_audits, security_incidents};

/// The vulnerabilities one audit found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditSummary {
    /// Number of vulnerabilities.
    pub count: i32,
    /// Their advisory ids (`RUSTSEC-…`).
    pub advisories: Vec<String>,
}

/// Why an audit report could not be read.
#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    /// Not JSON, or not `cargo audit --json` output.
    #[error("not a `cargo audit --json` report ({0}) / cargo audit --json 결과가 아닙니다 ({0})")]
    Format(String),
    /// Database failure.
    #[error("database: {0}")]
    Db(#[from] DbErr),
}

/// Reads the output of `cargo audit --json`: `vulnerabilities.count` and the advisory ids of
/// `vulnerabilities.list`.
pub fn parse_cargo_audit(json: &str) -> Result<AuditSummary, AuditError> {
    let value: serde_json::Value =
        serde_json::from_str(json).map_err(|e| AuditError::Format(e.to_string()))?;
    let vulnerabilities = value
        .get("vulnerabilities")
        .ok_or_else(|| AuditError::Format("no `vulnerabilities` object".into()))?;
    let count = vulnerabilities
        .get("count")
        .and_then(serde_json::Value::as_u64)
        .and_then(|n| i32::try_from(n).ok())
        .ok_or_else(|| AuditError::Format("no `vulnerabilities.count` number".into()))?;
    let advisories = vulnerabilities
        .get("list")
        .and_then(serde_json::Value::as_array)
        .map(|list| {
            list.iter()
                .filter_map(|v| {
                    v.pointer("/advisory/id")
                        .and_then(serde_json::Value::as_str)
                })
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    Ok(AuditSummary { count, advisories })
}

/// Stores an audit made by `tool` at `now_ms`.
#[tracing::instrument(skip(conn))]
pub async fn record_audit<C: ConnectionTrait>(
    conn: &C,
    tool: &str,
    summary: &AuditSummary,
    now_ms: i64,
) -> Result<(), AuditError> {
    security_audits::ActiveModel {
        id: Set(uuid::Uuid::now_v7().to_string()),
        at: Set(now_ms),
        tool: Set(tool.chars().take(64).collect()),
        advisories: Set(summary.count),
        details: Set((!summary.advisories.is_empty()).then(|| summary.advisories.join(","))),
    }
    .insert(conn)
    .await?;
    Ok(())
}

/// Records a secret found where it must not be (a log line, a provider error): the key-exposure
/// KPI counts these.
///
/// Errors: the database's.
pub async fn record_incident<C: ConnectionTrait>(
    conn: &C,
    incident: &crate::telemetry::secrets::Incident,
) -> Result<(), DbErr> {
    security_incidents::ActiveModel {
        id: Set(uuid::Uuid::now_v7().to_string()),
        at: Set(incident.at),
        kind: Set("key_exposure".to_owned()),
        source: Set(incident.source.to_owned()),
        detail: Set(incident.secret.clone()),
    }
    .insert(conn)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cargo_audit_report_gives_its_vulnerability_count_and_advisory_ids() {
        let report = r#"{"database":{"advisory-count":800},"lockfile":{"dependency-count":412},
            "vulnerabilities":{"found":true,"count":2,"list":[
              {"advisory":{"id":"RUSTSEC-2023-0071","package":"rsa","title":"Marvin Attack"}},
              {"advisory":{"id":"RUSTSEC-2024-0421","package":"idna","title":"punycode"}}]},
            "warnings":{}}"#;
        let summary = parse_cargo_audit(report).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(summary.count, 2);
        assert_eq!(
            summary.advisories,
            ["RUSTSEC-2023-0071", "RUSTSEC-2024-0421"]
        );
        let clean = r#"{"vulnerabilities":{"found":false,"count":0,"list":[]}}"#;
        assert_eq!(parse_cargo_audit(clean).map(|s| s.count).ok(), Some(0));
        assert!(parse_cargo_audit("not json").is_err());
        assert!(parse_cargo_audit(r#"{"warnings":{}}"#).is_err());
    }
}
