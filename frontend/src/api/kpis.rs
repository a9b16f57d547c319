//! The KPI board (`kpis`; managers and admins): every KPI of the sheet over a range of days, with
//! its target, status and one point per day for the trend charts.

use serde::Deserialize;
use serde_json::json;
use shared::kpi::{Direction, KpiGroup, KpiStatus, Unit};

use super::{Api, ApiError};

/// The fields the dashboard reads of a KPI.
const KPI_FIELDS: &str = "id group section nameKo nameEn unit direction scoped value status sampleSize \
    target { kind min max text byFileType { text audio video } } \
    byFileType { text audio video } details { key value } \
    series { date value byFileType { text audio video } }";

/// Values per file type; absent where there was none of that type.
#[derive(Debug, Clone, Copy, Default, PartialEq, Deserialize)]
pub struct FileTypeValues {
    /// Text transcripts.
    pub text: Option<f64>,
    /// Audio recordings.
    pub audio: Option<f64>,
    /// Video recordings.
    pub video: Option<f64>,
}

/// The kind of a KPI's target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TargetKind {
    /// Met at `min` or more.
    AtLeast,
    /// Met at `max` or less.
    AtMost,
    /// Met between `min` and `max`.
    Between,
    /// One upper bound per file type.
    PerFileTypeAtMost,
    /// A mix of file types to approach, in percent.
    FileTypeMix,
    /// Met within the provider's daily quota (`max`, when configured).
    WithinQuota,
    /// Tracked without a target.
    Untargeted,
}

/// A KPI's target as the sheet states it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KpiTarget {
    /// The kind of target.
    pub kind: TargetKind,
    /// Lower bound.
    pub min: Option<f64>,
    /// Upper bound.
    pub max: Option<f64>,
    /// Bounds or shares per file type.
    pub by_file_type: Option<FileTypeValues>,
    /// The sheet's Korean wording.
    pub text: String,
}

/// A figure reported beside a KPI's value.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct KpiDetail {
    /// What it is (`net_promoter_score`, `counselor_rating` …).
    pub key: String,
    /// Its value, when there was data.
    pub value: Option<f64>,
}

/// One day of a KPI's series.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KpiPoint {
    /// The day, `YYYY-MM-DD`.
    pub date: String,
    /// The value, when there was data.
    pub value: Option<f64>,
    /// Values per file type (per-file-type KPIs).
    pub by_file_type: Option<FileTypeValues>,
}

/// One KPI over the range.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KpiResult {
    /// Stable id (`daily_uploads` …).
    pub id: String,
    /// The sheet's group.
    pub group: KpiGroup,
    /// The sheet's section (`1.1` …).
    pub section: String,
    /// Korean name.
    pub name_ko: String,
    /// English name.
    pub name_en: String,
    /// What the value is counted in.
    pub unit: Unit,
    /// Which way is better.
    pub direction: Direction,
    /// Whether the team filter applies.
    pub scoped: bool,
    /// The value over the range, when there was data.
    pub value: Option<f64>,
    /// Values per file type (per-file-type KPIs).
    pub by_file_type: Option<FileTypeValues>,
    /// How the value compares with the target.
    pub status: KpiStatus,
    /// How many records the value is computed from.
    pub sample_size: i64,
    /// The sheet's target.
    pub target: KpiTarget,
    /// Figures reported beside the value.
    pub details: Vec<KpiDetail>,
    /// One point per day.
    pub series: Vec<KpiPoint>,
}

/// How many KPIs meet their target.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KpiSummary {
    /// Met.
    pub met: i64,
    /// Not met.
    pub not_met: i64,
    /// Without data or target.
    pub no_data: i64,
}

/// Every KPI over a range.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KpiBoard {
    /// First day.
    pub from: String,
    /// Last day (included).
    pub to: String,
    /// The time zone days are counted in, minutes east of UTC.
    pub utc_offset_minutes: i32,
    /// The team filter, when given.
    pub team_id: Option<String>,
    /// The counts by status.
    pub summary: KpiSummary,
    /// The KPIs in the sheet's order.
    pub kpis: Vec<KpiResult>,
}

/// The KPI board over `from..=to` (`YYYY-MM-DD`), for one team or (`None`) the organisation.
pub async fn kpi_board(
    api: Api,
    from: &str,
    to: &str,
    team_id: Option<&str>,
) -> Result<KpiBoard, ApiError> {
    #[derive(Deserialize)]
    struct Data {
        kpis: KpiBoard,
    }
    let query = format!(
        "query($range: DayRangeInput!, $teamId: ID) {{ kpis(range: $range, teamId: $teamId) {{ \
         from to utcOffsetMinutes teamId summary {{ met notMet noData }} kpis {{ {KPI_FIELDS} }} }} }}"
    );
    let data: Data = api
        .graphql(
            &query,
            json!({ "range": { "from": from, "to": to }, "teamId": team_id }),
        )
        .await?;
    Ok(data.kpis)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_board_answer_deserialises_with_per_file_type_values_and_gaps() {
        let board: KpiBoard = serde_json::from_value(json!({
            "from": "2026-11-01", "to": "2026-11-02", "utcOffsetMinutes": 540, "teamId": null,
            "summary": { "met": 1, "notMet": 0, "noData": 41 },
            "kpis": [{
                "id": "processing_time", "group": "PROCESSING", "section": "2.1",
                "nameKo": "평균 처리 시간", "nameEn": "Average processing time",
                "unit": "SECONDS", "direction": "LOWER_IS_BETTER", "scoped": true,
                "value": null, "status": "MET", "sampleSize": 3,
                "target": { "kind": "PER_FILE_TYPE_AT_MOST", "min": null, "max": null,
                            "byFileType": { "text": 30.0, "audio": 120.0, "video": 300.0 },
                            "text": "텍스트 30초" },
                "byFileType": { "text": 2.5, "audio": null, "video": null },
                "details": [],
                "series": [
                    { "date": "2026-11-01", "value": null, "byFileType": { "text": 2.5, "audio": null, "video": null } },
                    { "date": "2026-11-02", "value": null, "byFileType": null }
                ]
            }]
        }))
        .unwrap_or_else(|e| panic!("{e}"));
        let kpi = &board.kpis[0];
        assert_eq!(kpi.group, KpiGroup::Processing);
        assert_eq!(kpi.target.kind, TargetKind::PerFileTypeAtMost);
        assert_eq!(kpi.by_file_type.and_then(|v| v.text), Some(2.5));
        assert_eq!(kpi.series.len(), 2);
        assert_eq!(board.summary.no_data, 41);
    }
}
