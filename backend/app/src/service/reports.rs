//! The weekly KPI report (KPI sheet §8): the sheet's template filled with the week's figures and
//! targets, the largest gaps listed as issues, improvements against the week before, a plan
//! derived from them, and every KPI in an appendix. Korean, with an English rendering beside it.
//!
//! `serve` writes last week's report on its own once the week is over; `consult-coach report
//! weekly` and the `generateWeeklyReport` mutation (re)write a week's on demand. Reports are
//! stored in `weekly_reports`, one per week (Monday), and read by managers and admins.

use chrono::{Datelike, Duration as Days, NaiveDate};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
    TransactionTrait,
};
use shared::inputs::{DayRange, InputError};
use shared::kpi::{Kpi, KpiGroup, KpiStatus, KpiValue, Target, Unit};

use crate::auth::Viewer;
use crate::config::KpiSettings;
use crate::db::try_job_lock;
use crate::entity::weekly_reports;
use crate::error::AccessError;
use crate::service::kpi::evaluate::Outcome;
use crate::service::kpi::sources::KpiScope;
use crate::service::kpi::{KpiError, compute_outcomes};
use shared::access::ApiScope;
use shared::language::Language;

/// What made a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportTrigger {
    /// `serve`, once the week was over.
    Scheduled,
    /// The CLI or a manager.
    Manual,
}

impl ReportTrigger {
    fn as_str(self) -> &'static str {
        match self {
            Self::Scheduled => "scheduled",
            Self::Manual => "manual",
        }
    }
}

/// The Monday of `day`'s week.
pub fn week_start_of(day: NaiveDate) -> NaiveDate {
    day - Days::days(i64::from(day.weekday().num_days_from_monday()))
}

/// Today in the KPI time zone.
pub fn today(settings: &KpiSettings, now_ms: i64) -> NaiveDate {
    shared::clock::to_datetime(now_ms + i64::from(settings.utc_offset_minutes) * 60_000)
        .date_naive()
}

/// The Monday of the last complete week.
pub fn last_complete_week(settings: &KpiSettings, now_ms: i64) -> NaiveDate {
    week_start_of(today(settings, now_ms)) - Days::days(7)
}

fn week_range(start: NaiveDate) -> Result<DayRange, InputError> {
    let end = start + Days::days(6);
    DayRange::parse(&start.to_string(), &end.to_string())
}

/// Parses a `YYYY-MM-DD` day and returns the Monday of its week.
pub fn parse_week(raw: &str) -> Result<NaiveDate, InputError> {
    let range = DayRange::parse(raw, raw)?;
    Ok(week_start_of(range.from()))
}

/// Computes and stores the report of the week starting `week_start` (a Monday), replacing an
/// earlier one of that week.
#[tracing::instrument(skip(db, settings))]
pub async fn write_weekly_report(
    db: &DatabaseConnection,
    settings: &KpiSettings,
    week_start: NaiveDate,
    trigger: ReportTrigger,
    now_ms: i64,
) -> Result<weekly_reports::Model, KpiError> {
    let week = compute_outcomes(
        db,
        settings,
        week_range(week_start)?,
        KpiScope::default(),
        now_ms,
    )
    .await?;
    let previous = compute_outcomes(
        db,
        settings,
        week_range(week_start - Days::days(7))?,
        KpiScope::default(),
        now_ms,
    )
    .await?;
    let row = weekly_reports::ActiveModel {
        id: Set(uuid::Uuid::now_v7().to_string()),
        week_start: Set(week_start.to_string()),
        trigger: Set(trigger.as_str().to_owned()),
        generated_at: Set(now_ms),
        markdown_ko: Set(render(week_start, &week, &previous, Language::Ko)),
        markdown_en: Set(render(week_start, &week, &previous, Language::En)),
    };
    weekly_reports::Entity::insert(row)
        .on_conflict(
            OnConflict::column(weekly_reports::Column::WeekStart)
                .update_columns([
                    weekly_reports::Column::Trigger,
                    weekly_reports::Column::GeneratedAt,
                    weekly_reports::Column::MarkdownKo,
                    weekly_reports::Column::MarkdownEn,
                ])
                .to_owned(),
        )
        .exec(db)
        .await?;
    stored_report(db, week_start)
        .await?
        .ok_or(KpiError::NoReport)
}

/// The stored report of the week starting `week_start`, if any.
async fn stored_report(
    db: &DatabaseConnection,
    week_start: NaiveDate,
) -> Result<Option<weekly_reports::Model>, sea_orm::DbErr> {
    weekly_reports::Entity::find()
        .filter(weekly_reports::Column::WeekStart.eq(week_start.to_string()))
        .one(db)
        .await
}

fn require_reader(viewer: &Viewer) -> Result<(), AccessError> {
    if viewer.is_manager_or_admin() && viewer.has_scope(ApiScope::KpisRead) {
        Ok(())
    } else {
        Err(AccessError::Forbidden)
    }
}

/// (Re)writes the report of the week containing `week_of` (default: the last complete week) on
/// a manager's or admin's request; API keys may read reports but not write them.
pub async fn generate_on_request(
    db: &DatabaseConnection,
    viewer: &Viewer,
    settings: &KpiSettings,
    week_of: Option<&str>,
    now_ms: i64,
) -> Result<weekly_reports::Model, KpiError> {
    if !viewer.is_manager_or_admin() || viewer.scopes.is_some() {
        return Err(AccessError::Forbidden.into());
    }
    let week_start = match week_of {
        Some(raw) => parse_week(raw)?,
        None => last_complete_week(settings, now_ms),
    };
    write_weekly_report(db, settings, week_start, ReportTrigger::Manual, now_ms).await
}

/// Stored reports, newest week first (managers and admins).
pub async fn list_reports(
    db: &DatabaseConnection,
    viewer: &Viewer,
    limit: u64,
) -> Result<Vec<weekly_reports::Model>, KpiError> {
    require_reader(viewer)?;
    Ok(weekly_reports::Entity::find()
        .order_by_desc(weekly_reports::Column::WeekStart)
        .limit(limit.clamp(1, 104))
        .all(db)
        .await?)
}

/// The stored report of the week containing `week_of` (managers and admins).
pub async fn find_report(
    db: &DatabaseConnection,
    viewer: &Viewer,
    week_of: &str,
) -> Result<weekly_reports::Model, KpiError> {
    require_reader(viewer)?;
    let week_start = parse_week(week_of)?;
    stored_report(db, week_start)
        .await?
        .ok_or(KpiError::NoReport)
}

/// The advisory lock key of scheduled weekly reports.
const REPORT_LOCK: i64 = 7_263_505;

/// Writes last week's report when it is missing. On PostgreSQL a transaction-scoped advisory
/// lock lets one of several `serve` processes do it.
pub async fn write_if_missing(db: &DatabaseConnection, settings: &KpiSettings) {
    let outcome: Result<(), KpiError> = async {
        let now = shared::clock::now_ms();
        let week = last_complete_week(settings, now);
        // Held while the report is written, so a second server waits for the next check.
        let lock = db.begin().await?;
        if !try_job_lock(&lock, REPORT_LOCK).await? {
            return Ok(());
        }
        if stored_report(db, week).await?.is_none() {
            write_weekly_report(db, settings, week, ReportTrigger::Scheduled, now).await?;
            tracing::info!(week = %week, "weekly KPI report written");
        }
        lock.commit().await?;
        Ok(())
    }
    .await;
    if let Err(error) = outcome {
        tracing::warn!(%error, "weekly report not written");
    }
}

// ---- rendering ----

fn find<'a>(outcomes: &'a [Outcome], id: &str) -> Option<&'a Outcome> {
    outcomes.iter().find(|o| o.kpi.id == id)
}

fn name(kpi: &Kpi, lang: Language) -> &'static str {
    lang.pick(kpi.name_ko, kpi.name_en)
}

fn no_data(lang: Language) -> &'static str {
    lang.pick("데이터 없음", "no data")
}

fn number(value: f64) -> String {
    if (value - value.round()).abs() < 1e-9 {
        format!("{value:.0}")
    } else {
        format!("{value:.1}")
    }
}

fn with_unit(unit: Unit, value: f64, lang: Language) -> String {
    let n = number(value);
    match (unit, lang) {
        (Unit::Count, Language::Ko) => format!("{n}건"),
        (Unit::Users, Language::Ko) => format!("{n}명"),
        (Unit::Characters, Language::Ko) => format!("{n}자"),
        (Unit::Items, Language::Ko) => format!("{n}개"),
        (Unit::PerSession, Language::Ko) => format!("{n}건/세션"),
        (Unit::Seconds, Language::Ko) => format!("{n}초"),
        (Unit::PerDay, Language::Ko) => format!("{n}회/일"),
        (Unit::Count, Language::En) => n,
        (Unit::Users, Language::En) => format!("{n} users"),
        (Unit::Characters, Language::En) => format!("{n} characters"),
        (Unit::Items, Language::En) => format!("{n} items"),
        (Unit::PerSession, Language::En) => format!("{n} per session"),
        (Unit::Seconds, Language::En) => format!("{n} s"),
        (Unit::PerDay, Language::En) => format!("{n} per day"),
        (Unit::Percent, _) => format!("{n}%"),
        (Unit::Milliseconds, _) => format!("{n}ms"),
        (Unit::OutOf5, _) => format!("{n}/5"),
        (Unit::OutOf10, _) => format!("{n}/10"),
        (Unit::Megabytes, _) => format!("{n}MB"),
    }
}

fn file_types(lang: Language) -> [&'static str; 3] {
    match lang {
        Language::Ko => ["텍스트", "오디오", "비디오"],
        Language::En => ["text", "audio", "video"],
    }
}

/// A KPI's value as the report writes it.
fn value_text(outcome: &Outcome, lang: Language) -> String {
    let unit = outcome.kpi.unit;
    match outcome.value {
        None => no_data(lang).to_owned(),
        Some(KpiValue::Scalar(v)) => with_unit(unit, v, lang),
        Some(KpiValue::PerFileType { text, audio, video }) => file_types(lang)
            .iter()
            .zip([text, audio, video])
            .map(|(label, v)| {
                let shown =
                    v.map_or_else(|| no_data(lang).to_owned(), |v| with_unit(unit, v, lang));
                format!("{label} {shown}")
            })
            .collect::<Vec<_>>()
            .join(", "),
    }
}

/// A KPI's target as the report writes it: the sheet's words in Korean.
fn target_text(kpi: &Kpi, lang: Language) -> String {
    if lang == Language::Ko {
        return kpi.target_ko.to_owned();
    }
    let unit = kpi.unit;
    match kpi.target {
        Target::AtLeast(v) => format!("≥ {}", with_unit(unit, v, lang)),
        Target::AtMost(v) => format!("≤ {}", with_unit(unit, v, lang)),
        Target::Between(a, b) => format!("{}-{}", number(a), with_unit(unit, b, lang)),
        Target::PerFileTypeAtMost { text, audio, video } => format!(
            "text ≤ {}, audio ≤ {}, video ≤ {}",
            with_unit(unit, text, lang),
            with_unit(unit, audio, lang),
            with_unit(unit, video, lang)
        ),
        Target::FileTypeMix { text, audio, video } => {
            format!("text {text}%, audio {audio}%, video {video}%")
        }
        Target::WithinQuota => "within the provider's quota".to_owned(),
        Target::Untargeted => "-".to_owned(),
    }
}

fn status_text(status: KpiStatus, lang: Language) -> &'static str {
    match status {
        KpiStatus::Met => lang.pick("달성", "met"),
        KpiStatus::NotMet => lang.pick("미달", "not met"),
        KpiStatus::NoData => lang.pick("데이터 없음", "no data"),
    }
}

/// How far a value is from its target, relative to it (0 when met or without data).
fn gap(outcome: &Outcome) -> f64 {
    if outcome.status != KpiStatus::NotMet {
        return 0.0;
    }
    let relative = |distance: f64, scale: f64| distance / scale.abs().max(1.0);
    match (outcome.kpi.target, outcome.value) {
        (Target::AtLeast(b), Some(KpiValue::Scalar(v))) => relative(b - v, b),
        (Target::AtMost(b), Some(KpiValue::Scalar(v))) => relative(v - b, b),
        (Target::Between(a, b), Some(KpiValue::Scalar(v))) => {
            relative(if v < a { a - v } else { v - b }, b - a)
        }
        (
            Target::PerFileTypeAtMost { text, audio, video },
            Some(KpiValue::PerFileType {
                text: t,
                audio: a,
                video: v,
            }),
        ) => [(t, text), (a, audio), (v, video)]
            .iter()
            .filter_map(|(value, bound)| value.map(|x| relative(x - bound, *bound)))
            .fold(0.0, f64::max),
        (
            Target::FileTypeMix { text, audio, video },
            Some(KpiValue::PerFileType {
                text: t,
                audio: a,
                video: v,
            }),
        ) => [(t, text), (a, audio), (v, video)]
            .iter()
            .map(|(share, goal)| (share.unwrap_or(0.0) - goal).abs() / 100.0)
            .fold(0.0, f64::max),
        _ => 1.0,
    }
}

/// The template's first three sections: title and (KPI, Korean label, English label) lines. The
/// template words some KPIs differently from the sheet's tables; its "Gemini API 성공률" is
/// whichever provider is configured.
/// A template line: the KPI, its Korean and its English label.
type TemplateLine = (&'static str, &'static str, &'static str);

const TEMPLATE: [(&str, &str, [TemplateLine; 3]); 3] = [
    (
        "1. 사용자 활동",
        "1. User activity",
        [
            ("weekly_uploads", "주간 업로드 수", "Weekly uploads"),
            ("wau", "활성 사용자 수", "Active users"),
            ("file_type_mix", "파일 타입 분포", "File types"),
        ],
    ),
    (
        "2. 시스템 성능",
        "2. System performance",
        [
            (
                "analysis_success_rate",
                "분석 성공률",
                "Analysis success rate",
            ),
            (
                "avg_processing_time",
                "평균 처리 시간",
                "Average processing time",
            ),
            ("api_response_time", "API 응답 시간", "API response time"),
        ],
    ),
    (
        "3. AI 분석 품질",
        "3. AI analysis quality",
        [
            ("llm_success_rate", "AI API 성공률", "AI API success rate"),
            (
                "result_length",
                "평균 분석 결과 길이",
                "Average result length",
            ),
            ("llm_retry_rate", "API 재시도율", "API retry rate"),
        ],
    ),
];

/// One line of the template: its own label (the template words some KPIs differently from the
/// sheet's tables), the value and the target.
fn line(outcomes: &[Outcome], id: &str, label: (&str, &str), lang: Language) -> String {
    match find(outcomes, id) {
        Some(o) => format!(
            "   - {}: {} ({}: {})",
            lang.pick(label.0, label.1),
            value_text(o, lang),
            lang.pick("목표", "target"),
            target_text(o.kpi, lang)
        ),
        None => String::new(),
    }
}

fn section(title: &str, lines: Vec<String>) -> String {
    let mut out = format!("{title}\n");
    for l in lines.into_iter().filter(|l| !l.is_empty()) {
        out.push_str(&l);
        out.push('\n');
    }
    out
}

/// Whether a KPI moved towards its target since the previous week.
fn improved(now: &Outcome, before: &Outcome) -> Option<(f64, f64)> {
    let (Some(KpiValue::Scalar(v)), Some(KpiValue::Scalar(p))) = (now.value, before.value) else {
        return None;
    };
    let better = match now.kpi.target {
        Target::AtLeast(_) => v > p,
        Target::AtMost(_) | Target::WithinQuota => v < p,
        Target::Between(a, b) => {
            let distance = |x: f64| {
                if x < a {
                    a - x
                } else if x > b {
                    x - b
                } else {
                    0.0
                }
            };
            distance(v) < distance(p)
        }
        _ => false,
    };
    (better && (v - p).abs() > 1e-9).then_some((p, v))
}

/// The report's Markdown for the week starting `week_start`, from this week's and the previous
/// week's outcomes.
pub fn render(
    week_start: NaiveDate,
    week: &[Outcome],
    previous: &[Outcome],
    lang: Language,
) -> String {
    let end = week_start + Days::days(6);
    let mut out = match lang {
        Language::Ko => format!("📊 주간 KPI 리포트 ({week_start} ~ {end})\n\n"),
        Language::En => format!("📊 Weekly KPI report ({week_start} – {end})\n\n"),
    };
    for (title_ko, title_en, lines) in TEMPLATE {
        let lines = lines
            .iter()
            .map(|(id, ko, en)| line(week, id, (ko, en), lang))
            .collect();
        out.push_str(&section(lang.pick(title_ko, title_en), lines));
        out.push('\n');
    }

    let mut gaps: Vec<&Outcome> = week
        .iter()
        .filter(|o| o.status == KpiStatus::NotMet)
        .collect();
    gaps.sort_by(|a, b| gap(b).total_cmp(&gap(a)));
    let mut issues: Vec<String> = gaps
        .iter()
        .take(5)
        .map(|o| {
            format!(
                "   - [{}] {}: {} ({}: {})",
                lang.pick("미달", "gap"),
                name(o.kpi, lang),
                value_text(o, lang),
                lang.pick("목표", "target"),
                target_text(o.kpi, lang)
            )
        })
        .collect();
    if issues.is_empty() {
        issues.push(format!(
            "   - {}",
            lang.pick(
                "목표에 미달한 KPI가 없습니다.",
                "Every measured KPI met its target."
            )
        ));
    }
    for now in week {
        if let Some(before) = find(previous, now.kpi.id)
            && let Some((p, v)) = improved(now, before)
        {
            issues.push(format!(
                "   - [{}] {}: {} → {}",
                lang.pick("개선", "better"),
                name(now.kpi, lang),
                with_unit(now.kpi.unit, p, lang),
                with_unit(now.kpi.unit, v, lang)
            ));
        }
    }
    out.push_str(&section(
        lang.pick(
            "4. 주요 이슈 및 개선 사항",
            "4. Main issues and improvements",
        ),
        issues,
    ));
    out.push('\n');

    let mut plan: Vec<String> = gaps
        .iter()
        .take(3)
        .map(|o| match lang {
            Language::Ko => format!(
                "   - {} 목표({}) 달성",
                name(o.kpi, lang),
                target_text(o.kpi, lang)
            ),
            Language::En => format!(
                "   - Reach the {} target ({})",
                name(o.kpi, lang),
                target_text(o.kpi, lang)
            ),
        })
        .collect();
    let unmeasured: Vec<&str> = week
        .iter()
        .filter(|o| o.status == KpiStatus::NoData && o.kpi.target != Target::Untargeted)
        .map(|o| name(o.kpi, lang))
        .take(5)
        .collect();
    if !unmeasured.is_empty() {
        plan.push(format!(
            "   - {}: {}",
            lang.pick("측정 데이터 확보", "Collect data for"),
            unmeasured.join(", ")
        ));
    }
    if plan.is_empty() {
        plan.push(format!(
            "   - {}",
            lang.pick("현재 수준 유지", "Keep the current level")
        ));
    }
    out.push_str(&section(
        lang.pick("5. 다음 주 계획", "5. Plan for next week"),
        plan,
    ));

    let count = |status: KpiStatus| week.iter().filter(|o| o.status == status).count();
    out.push_str(&match lang {
        Language::Ko => format!(
            "\n---\n\n부록: 전체 KPI ({}개 — 달성 {}, 미달 {}, 데이터 없음 {})\n\n| 구분 | KPI | 값 | 목표 | 상태 |\n|---|---|---|---|---|\n",
            week.len(),
            count(KpiStatus::Met),
            count(KpiStatus::NotMet),
            count(KpiStatus::NoData)
        ),
        Language::En => format!(
            "\n---\n\nAppendix: every KPI ({} — met {}, not met {}, no data {})\n\n| section | KPI | value | target | status |\n|---|---|---|---|---|\n",
            week.len(),
            count(KpiStatus::Met),
            count(KpiStatus::NotMet),
            count(KpiStatus::NoData)
        ),
    });
    for group in KpiGroup::ALL {
        for o in week.iter().filter(|o| o.kpi.group == group) {
            out.push_str(&format!(
                "| {} | {} | {} | {} | {} |\n",
                group.section(),
                name(o.kpi, lang),
                value_text(o, lang),
                target_text(o.kpi, lang),
                status_text(o.status, lang)
            ));
        }
    }
    out
}
