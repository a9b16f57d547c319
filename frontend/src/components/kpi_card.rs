//! One KPI of the dashboard: name, value with its unit, the sheet's target, a status colour, the
//! figures reported beside the value and the daily trend.

use leptos::prelude::*;
use shared::consultation::FileType;
use shared::kpi::KpiStatus;

use crate::api::kpis::{FileTypeValues, KpiResult, TargetKind};
use crate::components::kpi_trend::{KpiTrend, has_data, trend_points};
use crate::format::format_number;
use crate::i18n::{Lang, Texts, use_i18n};

/// The CSS suffix and wire name of a status.
pub fn status_parts(status: KpiStatus) -> (&'static str, &'static str) {
    match status {
        KpiStatus::Met => ("met", "MET"),
        KpiStatus::NotMet => ("not-met", "NOT_MET"),
        KpiStatus::NoData => ("no-data", "NO_DATA"),
    }
}

/// A value with its unit, or a dash without data.
fn with_unit(value: Option<f64>, suffix: &str) -> String {
    value.map_or_else(
        || "—".to_owned(),
        |v| format!("{}{suffix}", format_number(v)),
    )
}

/// Values per file type: `대화록 2.5초 · 음성 — · 영상 —`.
fn per_file_type(values: FileTypeValues, t: Texts, suffix: &str) -> String {
    [
        (FileType::Text, values.text),
        (FileType::Audio, values.audio),
        (FileType::Video, values.video),
    ]
    .into_iter()
    .map(|(kind, value)| format!("{} {}", t.file_type(kind), with_unit(value, suffix)))
    .collect::<Vec<_>>()
    .join(" · ")
}

/// The KPI's value over the range, as shown on its card.
pub fn value_text(kpi: &KpiResult, t: Texts) -> String {
    let suffix = t.unit_suffix(kpi.unit);
    match kpi.by_file_type {
        Some(values) => per_file_type(values, t, suffix),
        None => with_unit(kpi.value, suffix),
    }
}

/// The target as shown: the sheet's own wording in Korean, a formula in English.
pub fn target_text(kpi: &KpiResult, t: Texts) -> String {
    let target = &kpi.target;
    if t.0 == Lang::Ko && !target.text.is_empty() {
        return target.text.clone();
    }
    let suffix = t.unit_suffix(kpi.unit);
    let bound = |v: Option<f64>| with_unit(v, suffix);
    match target.kind {
        TargetKind::AtLeast => format!("≥ {}", bound(target.min)),
        TargetKind::AtMost => format!("≤ {}", bound(target.max)),
        TargetKind::Between => format!("{} – {}", bound(target.min), bound(target.max)),
        TargetKind::PerFileTypeAtMost => {
            format!(
                "≤ {}",
                per_file_type(target.by_file_type.unwrap_or_default(), t, suffix)
            )
        }
        TargetKind::FileTypeMix => per_file_type(target.by_file_type.unwrap_or_default(), t, "%"),
        TargetKind::WithinQuota => match target.max {
            Some(max) => format!("{} (≤ {})", t.target_quota(), format_number(max)),
            None => t.target_quota().to_owned(),
        },
        TargetKind::Untargeted => t.target_none().to_owned(),
    }
}

/// The target's bounds to draw on the trend (scalar KPIs only).
fn target_lines(kpi: &KpiResult) -> Vec<f64> {
    if kpi.by_file_type.is_some() {
        return Vec::new();
    }
    let t = &kpi.target;
    match t.kind {
        TargetKind::AtLeast => t.min.into_iter().collect(),
        TargetKind::AtMost | TargetKind::WithinQuota => t.max.into_iter().collect(),
        TargetKind::Between => t.min.into_iter().chain(t.max).collect(),
        _ => Vec::new(),
    }
}

/// A detail's value: score changes are percentages.
fn detail_text(key: &str, value: Option<f64>) -> String {
    let suffix = if key.ends_with("_change") { "%" } else { "" };
    with_unit(value, suffix)
}

/// The card of one KPI.
#[component]
pub fn KpiCard(
    /// The KPI with its value and series.
    kpi: KpiResult,
) -> impl IntoView {
    let i18n = use_i18n();
    let (status_class, status_code) = status_parts(kpi.status);
    let status = kpi.status;
    let points = trend_points(&kpi.series);
    let per_type = kpi.by_file_type.is_some();
    let charted = has_data(&points, per_type);
    let targets = target_lines(&kpi);
    let title_id = format!("kpi-{}-title", kpi.id);
    let labelled_by = title_id.clone();
    let kpi = StoredValue::new(kpi);
    let name = Signal::derive(move || {
        kpi.with_value(|k| match i18n.lang() {
            Lang::Ko => k.name_ko.clone(),
            Lang::En => k.name_en.clone(),
        })
    });
    let (id, scoped, sample, details) =
        kpi.with_value(|k| (k.id.clone(), k.scoped, k.sample_size, k.details.clone()));

    view! {
        <article
            class=format!("card kpi-card kpi-{status_class}")
            data-kpi=id
            data-status=status_code
            aria-labelledby=labelled_by
        >
            <header class="kpi-head">
                <h3 class="kpi-name" id=title_id>{name}</h3>
                <span class=format!("badge kpi-badge kpi-badge-{status_class}")>
                    <span class="badge-dot" aria-hidden="true"></span>
                    {move || i18n.t().kpi_status(status)}
                </span>
            </header>
            <p class="kpi-value">{move || kpi.with_value(|k| value_text(k, i18n.t()))}</p>
            <p class="kpi-target">
                <span class="muted">{move || i18n.t().kpi_target()}</span>
                " "
                <span class="kpi-target-text">{move || kpi.with_value(|k| target_text(k, i18n.t()))}</span>
            </p>
            {(!details.is_empty()).then(|| view! {
                <dl class="kpi-details">
                    {details.into_iter().map(|d| {
                        let key = d.key.clone();
                        view! {
                            <div class="kpi-detail" data-detail=d.key.clone()>
                                <dt>{move || i18n.t().kpi_detail(&key).unwrap_or_default()}</dt>
                                <dd>{detail_text(&d.key, d.value)}</dd>
                            </div>
                        }
                    }).collect_view()}
                </dl>
            })}
            {if charted {
                view! { <KpiTrend points per_file_type=per_type targets label=name /> }.into_any()
            } else {
                view! { <p class="kpi-trend-empty muted">{move || i18n.t().kpi_no_series()}</p> }.into_any()
            }}
            <p class="kpi-foot muted">
                <span>{move || i18n.t().kpi_sample()} " " {format_number(sample as f64)}</span>
                {(!scoped).then(|| view! {
                    <span class="kpi-system" title=move || i18n.t().kpi_system_wide()>
                        {move || i18n.t().kpi_system_wide()}
                    </span>
                })}
            </p>
        </article>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::kpis::KpiTarget;
    use shared::kpi::{Direction, KpiGroup, Unit};

    fn kpi(unit: Unit, target: KpiTarget, value: Option<f64>) -> KpiResult {
        KpiResult {
            id: "x".into(),
            group: KpiGroup::Processing,
            section: "2.1".into(),
            name_ko: "이름".into(),
            name_en: "Name".into(),
            unit,
            direction: Direction::HigherIsBetter,
            scoped: true,
            value,
            by_file_type: None,
            status: KpiStatus::Met,
            sample_size: 1,
            target,
            details: Vec::new(),
            series: Vec::new(),
        }
    }

    fn target(kind: TargetKind, min: Option<f64>, max: Option<f64>, text: &str) -> KpiTarget {
        KpiTarget {
            kind,
            min,
            max,
            by_file_type: None,
            text: text.into(),
        }
    }

    #[test]
    fn korean_shows_the_sheets_target_and_english_a_formula_with_units() {
        let k = kpi(
            Unit::Percent,
            target(TargetKind::AtLeast, Some(95.0), None, "95% 이상"),
            Some(97.26),
        );
        assert_eq!(target_text(&k, Texts(Lang::Ko)), "95% 이상");
        assert_eq!(target_text(&k, Texts(Lang::En)), "≥ 95%");
        assert_eq!(value_text(&k, Texts(Lang::En)), "97.3%");
        assert_eq!(target_lines(&k), vec![95.0]);
        let between = kpi(
            Unit::Characters,
            target(TargetKind::Between, Some(500.0), Some(2000.0), "500~2000자"),
            None,
        );
        assert_eq!(
            target_text(&between, Texts(Lang::En)),
            "500 chars – 2,000 chars"
        );
        assert_eq!(value_text(&between, Texts(Lang::Ko)), "—");
        assert_eq!(target_lines(&between), vec![500.0, 2000.0]);
    }

    #[test]
    fn per_file_type_values_and_targets_name_each_type() {
        let mut k = kpi(
            Unit::Seconds,
            KpiTarget {
                by_file_type: Some(FileTypeValues {
                    text: Some(30.0),
                    audio: Some(120.0),
                    video: Some(300.0),
                }),
                ..target(TargetKind::PerFileTypeAtMost, None, None, "")
            },
            None,
        );
        k.by_file_type = Some(FileTypeValues {
            text: Some(2.5),
            audio: None,
            video: None,
        });
        assert_eq!(
            value_text(&k, Texts(Lang::Ko)),
            "대화록 2.5초 · 음성 — · 영상 —"
        );
        assert_eq!(
            target_text(&k, Texts(Lang::En)),
            "≤ Transcript 30 s · Audio 120 s · Video 300 s"
        );
        assert!(target_lines(&k).is_empty());
        assert_eq!(detail_text("attitude_change", Some(4.0)), "4%");
        assert_eq!(detail_text("net_promoter_score", None), "—");
    }
}
