//! A KPI's daily trend as a line chart (leptos-chartistry): one line for the value, or one per
//! file type, with the target's bounds as flat grey lines.

use chrono::{Datelike, NaiveDate};
use leptos::prelude::*;
use leptos_chartistry::{
    AspectRatio, AxisMarker, Colour, IntoInner, Line, Marker, MarkerShape, Series, TickLabels,
    Tooltip, TooltipPlacement, XGuideLine, YGridLine,
};
use shared::consultation::FileType;

use crate::api::kpis::KpiPoint;
use crate::format::parse_day;
use crate::i18n::use_i18n;

/// Height of a trend chart, pixels (the width follows the card).
const CHART_HEIGHT: f64 = 150.0;

/// Colours: the value (the app's primary), text, audio, video, and the target.
const VALUE_COLOUR: Colour = Colour::from_rgb(0x3b, 0x5b, 0xdb);
const TEXT_COLOUR: Colour = VALUE_COLOUR;
const AUDIO_COLOUR: Colour = Colour::from_rgb(0x2b, 0x8a, 0x3e);
const VIDEO_COLOUR: Colour = Colour::from_rgb(0xc7, 0x77, 0x00);
const TARGET_COLOUR: Colour = Colour::from_rgb(0x9a, 0xa3, 0xb5);

/// One day of the chart; `NAN` where there was no data (the line breaks there).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrendPoint {
    /// The day, as days since 0001-01-01 (a plain number keeps chrono's formatting machinery out
    /// of the WASM; [`day_label`] writes it).
    pub day: f64,
    /// The KPI's value.
    pub value: f64,
    /// Text transcripts' value.
    pub text: f64,
    /// Audio recordings' value.
    pub audio: f64,
    /// Video recordings' value.
    pub video: f64,
}

/// The chart's points from the API's series; days that do not parse are skipped.
pub fn trend_points(series: &[KpiPoint]) -> Vec<TrendPoint> {
    let or_gap = |v: Option<f64>| v.unwrap_or(f64::NAN);
    series
        .iter()
        .filter_map(|point| {
            let day = f64::from(parse_day(&point.date)?.num_days_from_ce());
            let by_type = point.by_file_type.unwrap_or_default();
            Some(TrendPoint {
                day,
                value: or_gap(point.value),
                text: or_gap(by_type.text),
                audio: or_gap(by_type.audio),
                video: or_gap(by_type.video),
            })
        })
        .collect()
}

/// The `MM/DD` label of an axis position; empty between days.
pub fn day_label(day: f64) -> String {
    if day.fract() != 0.0 || !day.is_finite() {
        return String::new();
    }
    // In range: positions come from `num_days_from_ce` of real dates.
    NaiveDate::from_num_days_from_ce_opt(day as i32)
        .map(|d| format!("{:02}/{:02}", d.month(), d.day()))
        .unwrap_or_default()
}

/// Whether any point has a value to draw.
pub fn has_data(points: &[TrendPoint], per_file_type: bool) -> bool {
    points.iter().any(|p| {
        if per_file_type {
            [p.text, p.audio, p.video].iter().any(|v| v.is_finite())
        } else {
            p.value.is_finite()
        }
    })
}

/// The mark on each day with a value, so a single day of data still shows.
fn dot() -> Marker {
    Marker::from_shape(MarkerShape::Circle).with_scale(0.8)
}

/// Tick labels of the day axis.
fn days() -> TickLabels<f64> {
    TickLabels::aligned_floats().with_format(|day: &f64, _| day_label(*day))
}

/// The trend chart of one KPI.
#[component]
pub fn KpiTrend(
    /// The points, oldest first.
    points: Vec<TrendPoint>,
    /// One line per file type instead of one for the value.
    per_file_type: bool,
    /// Bounds of the target to draw as flat lines.
    targets: Vec<f64>,
    /// The accessible name of the chart (the KPI's name).
    #[prop(into)]
    label: Signal<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let data = Signal::stored(points);
    let aria = move || format!("{} · {}", label.get(), i18n.t().kpi_trend_aria());
    move || {
        let t = i18n.t();
        let mut series = Series::new(|p: &TrendPoint| p.day);
        if per_file_type {
            series = series
                .line(
                    Line::new(|p: &TrendPoint| p.text)
                        .with_name(t.file_type(FileType::Text))
                        .with_colour(TEXT_COLOUR)
                        .with_marker(dot()),
                )
                .line(
                    Line::new(|p: &TrendPoint| p.audio)
                        .with_name(t.file_type(FileType::Audio))
                        .with_colour(AUDIO_COLOUR)
                        .with_marker(dot()),
                )
                .line(
                    Line::new(|p: &TrendPoint| p.video)
                        .with_name(t.file_type(FileType::Video))
                        .with_colour(VIDEO_COLOUR)
                        .with_marker(dot()),
                );
        } else {
            series = series.line(
                Line::new(|p: &TrendPoint| p.value)
                    .with_name(t.kpi_value_label())
                    .with_colour(VALUE_COLOUR)
                    .with_marker(dot()),
            );
        }
        for bound in targets.iter().copied() {
            series = series.line(
                Line::new(move |_: &TrendPoint| bound)
                    .with_name(t.kpi_target())
                    .with_colour(TARGET_COLOUR)
                    .with_width(1.0),
            );
        }
        view! {
            <div class="kpi-trend" role="img" aria-label=aria>
                <leptos_chartistry::Chart
                    aspect_ratio=AspectRatio::from_env_width(CHART_HEIGHT)
                    font_height=11.0
                    font_width=7.0
                    series=series
                    data=data
                    left=TickLabels::aligned_floats().with_min_chars(4)
                    bottom=days()
                    tooltip=Tooltip::new(TooltipPlacement::LeftCursor, days(), TickLabels::aligned_floats())
                        .skip_missing(true)
                    inner=[
                        AxisMarker::left_edge().into_inner(),
                        AxisMarker::bottom_edge().into_inner(),
                        YGridLine::default().into_inner(),
                        XGuideLine::over_data().into_inner(),
                    ]
                />
            </div>
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::kpis::FileTypeValues;

    #[test]
    fn missing_days_become_gaps_and_bad_dates_are_skipped() {
        let series = vec![
            KpiPoint {
                date: "2026-11-01".into(),
                value: Some(3.0),
                by_file_type: None,
            },
            KpiPoint {
                date: "not a day".into(),
                value: Some(4.0),
                by_file_type: None,
            },
            KpiPoint {
                date: "2026-11-02".into(),
                value: None,
                by_file_type: Some(FileTypeValues {
                    text: Some(1.5),
                    audio: None,
                    video: None,
                }),
            },
        ];
        let points = trend_points(&series);
        assert_eq!(points.len(), 2);
        assert!((points[0].value - 3.0).abs() < f64::EPSILON);
        assert!(points[0].text.is_nan());
        assert!(points[1].value.is_nan());
        assert!((points[1].text - 1.5).abs() < f64::EPSILON);
        assert!(has_data(&points, false));
        assert!(has_data(&points[1..], true));
        assert!(!has_data(&points[1..], false));
        assert_eq!(day_label(points[1].day), "11/02");
        assert_eq!(day_label(points[1].day + 0.5), "");
    }
}
