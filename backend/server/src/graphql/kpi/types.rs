//! GraphQL types of the KPIs.

use async_graphql::{Enum, ID, InputObject, SimpleObject};
use shared::kpi::{Direction, KpiGroup, KpiStatus, KpiValue, Target, Unit};

use coach_app::entity::weekly_reports;
use coach_app::service::kpi::KpiBoard as Board;
use coach_app::service::kpi::evaluate::{Outcome, Point};
use coach_app::service::kpi::sources::Window;
use shared::language::Language;

/// A range of whole days, both included, in the server's KPI time zone.
#[derive(InputObject, Debug, Clone)]
pub struct DayRangeInput {
    /// First day, `YYYY-MM-DD`.
    pub from: String,
    /// Last day (included), `YYYY-MM-DD`; at most 731 days after `from`.
    pub to: String,
}

/// One value per file type.
#[derive(SimpleObject, Debug, Clone, Copy, PartialEq)]
pub struct FileTypeValues {
    /// Text transcripts.
    pub text: Option<f64>,
    /// Audio recordings.
    pub audio: Option<f64>,
    /// Video recordings.
    pub video: Option<f64>,
}

/// The kind of a KPI's target.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum TargetKind {
    /// Met at `min` or more.
    AtLeast,
    /// Met at `max` or less.
    AtMost,
    /// Met between `min` and `max`.
    Between,
    /// One upper bound per file type (`byFileType`).
    PerFileTypeAtMost,
    /// A mix of file types to approach (`byFileType`, percent, ±10 points).
    FileTypeMix,
    /// Met while within the provider's configured daily quota (`max`, when configured).
    WithinQuota,
    /// Tracked without a target.
    Untargeted,
}

/// A KPI's target, as the sheet states it.
#[derive(SimpleObject, Debug, Clone, PartialEq)]
pub struct KpiTarget {
    /// The kind of target.
    pub kind: TargetKind,
    /// Lower bound, when there is one.
    pub min: Option<f64>,
    /// Upper bound, when there is one.
    pub max: Option<f64>,
    /// Bounds or shares per file type.
    pub by_file_type: Option<FileTypeValues>,
    /// The sheet's wording (`10건/일`, `95% 이상` …).
    pub text: String,
}

/// One day of a KPI's series.
#[derive(SimpleObject, Debug, Clone, PartialEq)]
pub struct KpiPoint {
    /// The day, `YYYY-MM-DD`.
    pub date: String,
    /// The value, when there was data (per-file-type KPIs: see `byFileType`).
    pub value: Option<f64>,
    /// Values per file type, for the processing-time and file-type-mix KPIs.
    pub by_file_type: Option<FileTypeValues>,
}

/// A figure reported beside a KPI's value.
#[derive(SimpleObject, Debug, Clone, PartialEq)]
pub struct KpiDetail {
    /// What it is: `net_promoter_score` (-100..100), `counselor_rating` and
    /// `survey_satisfaction` (1-5), `attitude_change`, `problem_solving_change` and
    /// `communication_change` (percent against the counselors' baselines), `perceived_quality`
    /// (1-5).
    pub key: String,
    /// Its value, when there was data.
    pub value: Option<f64>,
}

/// One KPI of the sheet over a range.
#[derive(SimpleObject, Debug, Clone, PartialEq)]
pub struct KpiResult {
    /// Stable identifier (`daily_uploads`, `uptime` …).
    pub id: String,
    /// The sheet's group.
    pub group: KpiGroup,
    /// The sheet's section (`1.1` … `5.2`).
    pub section: String,
    /// Korean name, as in the sheet.
    pub name_ko: String,
    /// English name.
    pub name_en: String,
    /// What the value is counted in.
    pub unit: Unit,
    /// Which way is better.
    pub direction: Direction,
    /// The sheet's target.
    pub target: KpiTarget,
    /// How this product measures it.
    pub measured_by: String,
    /// Whether the team or counselor filter applies (false: a figure of the whole system).
    pub scoped: bool,
    /// The value over the range (per-file-type KPIs: see `byFileType`); absent without data.
    pub value: Option<f64>,
    /// Values per file type, for the processing-time and file-type-mix KPIs.
    pub by_file_type: Option<FileTypeValues>,
    /// How the value compares with the target.
    pub status: KpiStatus,
    /// How many records the value is computed from.
    pub sample_size: i64,
    /// Figures reported beside the value.
    pub details: Vec<KpiDetail>,
    /// One point per day of the range.
    pub series: Vec<KpiPoint>,
}

/// How many KPIs meet their target.
#[derive(SimpleObject, Debug, Clone, Copy, PartialEq, Eq)]
pub struct KpiSummary {
    /// Met.
    pub met: i32,
    /// Not met.
    pub not_met: i32,
    /// Without data (or without a target).
    pub no_data: i32,
}

/// Every KPI of the sheet over a range.
#[derive(SimpleObject, Debug, Clone)]
pub struct KpiBoard {
    /// First day, `YYYY-MM-DD`.
    pub from: String,
    /// Last day (included), `YYYY-MM-DD`.
    pub to: String,
    /// The time zone days are counted in, minutes east of UTC.
    pub utc_offset_minutes: i32,
    /// The team filter, when given.
    pub team_id: Option<ID>,
    /// The counselor filter, when given.
    pub counselor_id: Option<ID>,
    /// How many KPIs meet their target.
    pub summary: KpiSummary,
    /// The KPIs in the sheet's order.
    pub kpis: Vec<KpiResult>,
}

fn split(value: Option<KpiValue>) -> (Option<f64>, Option<FileTypeValues>) {
    match value {
        Some(KpiValue::Scalar(v)) => (Some(v), None),
        Some(KpiValue::PerFileType { text, audio, video }) => {
            (None, Some(FileTypeValues { text, audio, video }))
        }
        None => (None, None),
    }
}

fn date_of(window: Window, day: i64) -> String {
    let start = window.day_start(day) + window.offset_ms;
    // `NaiveDate`'s `Display` is `%Y-%m-%d` without parsing a format string (a board formats
    // about 1,300 dates).
    shared::clock::to_datetime(start).date_naive().to_string()
}

fn target_of(target: Target, text: &str, quota: Option<f64>) -> KpiTarget {
    let per_type = |text: f64, audio: f64, video: f64| {
        Some(FileTypeValues {
            text: Some(text),
            audio: Some(audio),
            video: Some(video),
        })
    };
    let (kind, min, max, by_file_type) = match target {
        Target::AtLeast(v) => (TargetKind::AtLeast, Some(v), None, None),
        Target::AtMost(v) => (TargetKind::AtMost, None, Some(v), None),
        Target::Between(a, b) => (TargetKind::Between, Some(a), Some(b), None),
        Target::PerFileTypeAtMost { text, audio, video } => (
            TargetKind::PerFileTypeAtMost,
            None,
            None,
            per_type(text, audio, video),
        ),
        Target::FileTypeMix { text, audio, video } => (
            TargetKind::FileTypeMix,
            None,
            None,
            per_type(text, audio, video),
        ),
        Target::WithinQuota => (TargetKind::WithinQuota, None, quota, None),
        Target::Untargeted => (TargetKind::Untargeted, None, None, None),
    };
    KpiTarget {
        kind,
        min,
        max,
        by_file_type,
        text: text.to_owned(),
    }
}

impl KpiResult {
    /// Converts a service outcome; `quota` is the configured daily LLM quota.
    pub fn from_outcome(outcome: Outcome, window: Window, quota: Option<f64>) -> Self {
        let kpi = outcome.kpi;
        let (value, by_file_type) = split(outcome.value);
        Self {
            id: kpi.id.to_owned(),
            group: kpi.group,
            section: kpi.group.section().to_owned(),
            name_ko: kpi.name_ko.to_owned(),
            name_en: kpi.name_en.to_owned(),
            unit: kpi.unit,
            direction: kpi.target.direction(),
            target: target_of(kpi.target, kpi.target_ko, quota),
            measured_by: kpi.measured_by.to_owned(),
            scoped: outcome.scoped,
            value,
            by_file_type,
            status: outcome.status,
            sample_size: outcome.sample_size,
            details: outcome
                .details
                .into_iter()
                .map(|(key, value)| KpiDetail {
                    key: key.to_owned(),
                    value,
                })
                .collect(),
            series: outcome
                .series
                .into_iter()
                .map(|Point { day, value }| {
                    let (value, by_file_type) = split(value);
                    KpiPoint {
                        date: date_of(window, day),
                        value,
                        by_file_type,
                    }
                })
                .collect(),
        }
    }
}

impl KpiBoard {
    /// Converts the service's board.
    pub fn from_board(board: Board, quota: Option<f64>) -> Self {
        let window = board.window;
        let kpis: Vec<KpiResult> = board
            .outcomes
            .into_iter()
            .map(|o| KpiResult::from_outcome(o, window, quota))
            .collect();
        let count = |status: KpiStatus| {
            i32::try_from(kpis.iter().filter(|k| k.status == status).count()).unwrap_or(i32::MAX)
        };
        Self {
            from: board.range.from().to_string(),
            to: board.range.to().to_string(),
            utc_offset_minutes: i32::try_from(window.offset_ms / 60_000).unwrap_or(0),
            team_id: board.scope.team_id.map(ID),
            counselor_id: board.scope.user_id.map(ID),
            summary: KpiSummary {
                met: count(KpiStatus::Met),
                not_met: count(KpiStatus::NotMet),
                no_data: count(KpiStatus::NoData),
            },
            kpis,
        }
    }
}

/// A weekly KPI report (the sheet's §8 template, filled in).
#[derive(SimpleObject, Debug, Clone)]
pub struct WeeklyReport {
    /// Identifier.
    pub id: ID,
    /// The week's Monday, `YYYY-MM-DD`.
    pub week_start: String,
    /// The week's Sunday, `YYYY-MM-DD`.
    pub week_end: String,
    /// `scheduled` (written once the week was over) or `manual`.
    pub trigger: String,
    /// When it was (last) written.
    pub generated_at: chrono::DateTime<chrono::Utc>,
    /// The report as Markdown in the request's language (`Accept-Language`; Korean by default).
    pub markdown: String,
    /// The report in Korean.
    pub markdown_ko: String,
    /// The report in English.
    pub markdown_en: String,
}

impl WeeklyReport {
    /// Converts a stored report for a reader of `lang`.
    pub fn from_row(row: weekly_reports::Model, lang: Language) -> Self {
        let week_end = chrono::NaiveDate::parse_from_str(&row.week_start, "%Y-%m-%d")
            .map(|d| {
                (d + chrono::Duration::days(6))
                    .format("%Y-%m-%d")
                    .to_string()
            })
            .unwrap_or_default();
        Self {
            id: ID(row.id),
            week_end,
            trigger: row.trigger,
            generated_at: shared::clock::to_datetime(row.generated_at),
            markdown: lang.pick(&row.markdown_ko, &row.markdown_en).to_owned(),
            markdown_ko: row.markdown_ko,
            markdown_en: row.markdown_en,
            week_start: row.week_start,
        }
    }
}
