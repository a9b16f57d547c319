//! A KPI's daily trend as a small SVG line chart: one line for the value, or one per file type,
//! with the target's bounds as dashed grey lines, a dot on every day with data (each with a
//! tooltip), and the first and last day on the axis. Drawn by hand rather than with a chart
//! library: the one for Leptos 0.8 cost 180 KB of the web app's 600 KB budget (DESIGN-DECISIONS).

use chrono::{Datelike, NaiveDate};
use leptos::prelude::*;
use shared::consultation::FileType;

use crate::api::kpis::KpiPoint;
use crate::format::{format_number, parse_day};
use crate::i18n::use_i18n;

/// The drawing area in SVG units (the SVG scales to the card's width).
pub const WIDTH: f64 = 320.0;
/// See [`WIDTH`].
pub const HEIGHT: f64 = 150.0;
/// Room for the value labels on the left and the day labels below.
pub const LEFT: f64 = 38.0;
/// See [`LEFT`].
pub const RIGHT: f64 = 10.0;
/// See [`LEFT`].
pub const TOP: f64 = 8.0;
/// See [`LEFT`].
pub const BOTTOM: f64 = 20.0;

/// Colours: the value (the app's primary), text, audio, video, and the target.
pub const VALUE_COLOUR: &str = "#3b5bdb";
const AUDIO_COLOUR: &str = "#2b8a3e";
const VIDEO_COLOUR: &str = "#c77700";
const TARGET_COLOUR: &str = "#9aa3b5";

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

/// Maps days and values to SVG coordinates.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Frame {
    first_day: f64,
    last_day: f64,
    low: f64,
    high: f64,
}

impl Frame {
    /// The frame that holds every finite value and target: from zero (or the lowest value when
    /// negative) to a little above the highest.
    pub fn fit(days: &[f64], values: impl Iterator<Item = f64>) -> Self {
        let (mut low, mut high) = (0.0_f64, f64::NEG_INFINITY);
        for v in values.filter(|v| v.is_finite()) {
            low = low.min(v);
            high = high.max(v);
        }
        if !high.is_finite() || high <= low {
            high = low + 1.0;
        } else {
            high += (high - low) * 0.08;
        }
        let first_day = days.first().copied().unwrap_or(0.0);
        let last_day = days.last().copied().unwrap_or(first_day);
        Self {
            first_day,
            last_day,
            low,
            high,
        }
    }

    /// The x of a day (a single day sits in the middle).
    pub fn x(self, day: f64) -> f64 {
        let span = self.last_day - self.first_day;
        if span <= 0.0 {
            return LEFT + (WIDTH - LEFT - RIGHT) / 2.0;
        }
        LEFT + (day - self.first_day) / span * (WIDTH - LEFT - RIGHT)
    }

    /// The y of a value.
    pub fn y(self, value: f64) -> f64 {
        TOP + (self.high - value) / (self.high - self.low) * (HEIGHT - TOP - BOTTOM)
    }
}

/// The SVG path of a line through `(day, value)` points, broken where a value is missing.
pub fn line_path(frame: Frame, points: impl Iterator<Item = (f64, f64)>) -> String {
    let mut path = String::new();
    let mut pen_down = false;
    for (day, value) in points {
        if !value.is_finite() {
            pen_down = false;
            continue;
        }
        let command = if pen_down { 'L' } else { 'M' };
        path.push_str(&format!(
            "{command}{:.1} {:.1} ",
            frame.x(day),
            frame.y(value)
        ));
        pen_down = true;
    }
    path.trim_end().to_owned()
}

/// One drawn line: its name, colour and value per point.
struct Line {
    name: &'static str,
    colour: &'static str,
    value: fn(&TrendPoint) -> f64,
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
    let aria = move || format!("{} · {}", label.get(), i18n.t().kpi_trend_aria());
    move || {
        let t = i18n.t();
        let lines: Vec<Line> = if per_file_type {
            vec![
                Line {
                    name: t.file_type(FileType::Text),
                    colour: VALUE_COLOUR,
                    value: |p| p.text,
                },
                Line {
                    name: t.file_type(FileType::Audio),
                    colour: AUDIO_COLOUR,
                    value: |p| p.audio,
                },
                Line {
                    name: t.file_type(FileType::Video),
                    colour: VIDEO_COLOUR,
                    value: |p| p.video,
                },
            ]
        } else {
            vec![Line {
                name: t.kpi_value_label(),
                colour: VALUE_COLOUR,
                value: |p| p.value,
            }]
        };
        let days: Vec<f64> = points.iter().map(|p| p.day).collect();
        let frame = Frame::fit(
            &days,
            lines
                .iter()
                .flat_map(|l| points.iter().map(l.value))
                .chain(targets.iter().copied()),
        );
        let (x0, x1) = (LEFT, WIDTH - RIGHT);
        let grid = [frame.low, (frame.low + frame.high) / 2.0, frame.high]
            .into_iter()
            .map(|v| {
                let y = frame.y(v);
                view! {
                    <line class="grid" x1=x0 x2=x1 y1=y y2=y stroke="#e3e7ef" stroke-width="1" />
                    <text x=LEFT - 4.0 y=y + 3.0 text-anchor="end" font-size="9" fill="#6b7588">{format_number(v)}</text>
                }
            })
            .collect_view();
        let target_lines = targets
            .iter()
            .map(|&bound| {
                let y = frame.y(bound);
                view! {
                    <line class="target" x1=x0 x2=x1 y1=y y2=y stroke=TARGET_COLOUR stroke-width="1" stroke-dasharray="4 3">
                        <title>{format!("{}: {}", t.kpi_target(), format_number(bound))}</title>
                    </line>
                }
            })
            .collect_view();
        let day_labels = {
            let mut shown: Vec<f64> = days.first().copied().into_iter().collect();
            if let Some(&last) = days.last().filter(|&&l| Some(l) != days.first().copied()) {
                shown.push(last);
            }
            shown
                .into_iter()
                .map(|day| {
                    let anchor = if days.len() > 1 && Some(day) == days.last().copied() { "end" } else if days.len() > 1 { "start" } else { "middle" };
                    view! {
                        <text x=frame.x(day) y=HEIGHT - 5.0 text-anchor=anchor font-size="9" fill="#6b7588">{day_label(day)}</text>
                    }
                })
                .collect_view()
        };
        let series = lines
            .iter()
            .map(|line| {
                let path = line_path(frame, points.iter().map(|p| (p.day, (line.value)(p))));
                let dots = points
                    .iter()
                    .filter(|p| (line.value)(p).is_finite())
                    .map(|p| {
                        let v = (line.value)(p);
                        let tip = format!("{} · {}: {}", day_label(p.day), line.name, format_number(v));
                        view! {
                            <circle cx=frame.x(p.day) cy=frame.y(v) r="2.6" fill=line.colour>
                                <title>{tip}</title>
                            </circle>
                        }
                    })
                    .collect_view();
                view! {
                    <g class="series" data-name=line.name>
                        <path d=path fill="none" stroke=line.colour stroke-width="1.8" stroke-linejoin="round" stroke-linecap="round" />
                        {dots}
                    </g>
                }
            })
            .collect_view();
        let legend = per_file_type.then(|| {
            lines
                .iter()
                .map(|l| view! { <span class="legend-item"><span class="legend-swatch" style:background=l.colour></span>{l.name}</span> })
                .collect_view()
        });
        view! {
            <div class="kpi-trend" role="img" aria-label=aria>
                <svg viewBox=format!("0 0 {WIDTH} {HEIGHT}") width="100%" preserveAspectRatio="xMidYMid meet">
                    {grid}
                    <line x1=x0 x2=x0 y1=TOP y2=HEIGHT - BOTTOM stroke="#cfd6e3" stroke-width="1" />
                    {target_lines}
                    {series}
                    {day_labels}
                </svg>
                {legend.map(|items| view! { <div class="kpi-legend">{items}</div> })}
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

    #[test]
    fn lines_break_at_missing_days_and_fit_the_frame() {
        let days = [10.0, 11.0, 12.0, 13.0];
        let frame = Frame::fit(&days, [50.0, f64::NAN, 100.0, 95.0].into_iter());
        assert!((frame.x(10.0) - LEFT).abs() < 1e-9);
        assert!((frame.x(13.0) - (WIDTH - RIGHT)).abs() < 1e-9);
        assert!(
            (frame.y(0.0) - (HEIGHT - BOTTOM)).abs() < 1e-9,
            "zero is the floor"
        );
        assert!(frame.y(100.0) > TOP, "headroom above the highest value");
        let path = line_path(
            frame,
            days.iter().copied().zip([50.0, f64::NAN, 100.0, 95.0]),
        );
        assert_eq!(path.matches('M').count(), 2, "{path}");
        assert_eq!(path.matches('L').count(), 1, "{path}");
        let single = Frame::fit(&[5.0], [3.0].into_iter());
        assert!((single.x(5.0) - (LEFT + (WIDTH - LEFT - RIGHT) / 2.0)).abs() < 1e-9);
        assert_eq!(
            line_path(single, [(5.0, 3.0)].into_iter())
                .matches('M')
                .count(),
            1
        );
    }
}
