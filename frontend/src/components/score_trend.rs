//! A counselor's scores over their consultations as an SVG line chart: the overall score and the
//! three categories, one point per analysed consultation (oldest left), each dot with a tooltip
//! naming the consultation. Drawn with the KPI charts' frame (`kpi_trend`), no chart library.

use leptos::prelude::*;
use shared::report::Category;

use crate::api::coaching::{Scores, TrendPoint};
use crate::components::kpi_trend::{
    BOTTOM, Frame, HEIGHT, LEFT, RIGHT, TOP, VALUE_COLOUR, WIDTH, line_path,
};
use crate::format::format_number;
use crate::i18n::{Texts, use_i18n};

/// One drawn line: its name, colour and score.
struct Line {
    name: fn(Texts) -> &'static str,
    colour: &'static str,
    score: fn(&Scores) -> f64,
    /// The overall line is drawn thicker.
    width: &'static str,
}

const LINES: [Line; 4] = [
    Line {
        name: Texts::score_overall,
        colour: VALUE_COLOUR,
        score: |s| s.overall,
        width: "2.4",
    },
    Line {
        name: |t| t.category(Category::Attitude),
        colour: "#2b8a3e",
        score: |s| s.attitude,
        width: "1.4",
    },
    Line {
        name: |t| t.category(Category::ProblemSolving),
        colour: "#c77700",
        score: |s| s.problem_solving,
        width: "1.4",
    },
    Line {
        name: |t| t.category(Category::Communication),
        colour: "#9c36b5",
        score: |s| s.communication,
        width: "1.4",
    },
];

/// The `MM/DD` of an RFC 3339 time (its UTC date; enough for an axis).
fn short_day(rfc3339: &str) -> String {
    rfc3339
        .get(5..10)
        .map(|md| md.replace('-', "/"))
        .unwrap_or_default()
}

/// The score trend of a counselor.
#[component]
pub fn ScoreTrend(
    /// The analysed consultations, oldest first.
    points: Vec<TrendPoint>,
) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        let t = i18n.t();
        let xs: Vec<f64> = (0..points.len()).map(|i| i as f64).collect();
        // Scores are 0-100: a fixed frame keeps charts of different people comparable.
        let frame = Frame::fit(&xs, [0.0, 100.0].into_iter());
        let (x0, x1) = (LEFT, WIDTH - RIGHT);
        let grid = [0.0, 50.0, 100.0]
            .into_iter()
            .map(|v| {
                let y = frame.y(v);
                view! {
                    <line x1=x0 x2=x1 y1=y y2=y stroke="#e3e7ef" stroke-width="1" />
                    <text x=LEFT - 4.0 y=y + 3.0 text-anchor="end" font-size="9" fill="#6b7588">{format_number(v)}</text>
                }
            })
            .collect_view();
        let labels = [points.first(), points.last().filter(|_| points.len() > 1)]
            .into_iter()
            .flatten()
            .enumerate()
            .map(|(i, p)| {
                let (x, anchor) = match (i, points.len()) {
                    (_, 1) => (frame.x(0.0), "middle"),
                    (0, _) => (frame.x(0.0), "start"),
                    _ => (frame.x(xs.last().copied().unwrap_or(0.0)), "end"),
                };
                view! { <text x=x y=HEIGHT - 5.0 text-anchor=anchor font-size="9" fill="#6b7588">{short_day(&p.at)}</text> }
            })
            .collect_view();
        let series = LINES
            .iter()
            .map(|line| {
                let name = (line.name)(t);
                let path = line_path(frame, points.iter().enumerate().map(|(i, p)| (i as f64, (line.score)(&p.scores))));
                let dots = points
                    .iter()
                    .enumerate()
                    .map(|(i, p)| {
                        let v = (line.score)(&p.scores);
                        let tip = format!("{} · {} · {name}: {}", short_day(&p.at), p.title, format_number(v));
                        view! {
                            <circle cx=frame.x(i as f64) cy=frame.y(v) r="2.4" fill=line.colour>
                                <title>{tip}</title>
                            </circle>
                        }
                    })
                    .collect_view();
                view! {
                    <g class="series" data-name=name>
                        <path d=path fill="none" stroke=line.colour stroke-width=line.width stroke-linejoin="round" stroke-linecap="round" />
                        {dots}
                    </g>
                }
            })
            .collect_view();
        let legend = LINES
            .iter()
            .map(|l| view! { <span class="legend-item"><span class="legend-swatch" style:background=l.colour></span>{(l.name)(t)}</span> })
            .collect_view();
        view! {
            <div class="kpi-trend score-trend" id="score-trend" role="img" aria-label=t.trend_chart_aria()>
                <svg viewBox=format!("0 0 {WIDTH} {HEIGHT}") width="100%" preserveAspectRatio="xMidYMid meet">
                    {grid}
                    <line x1=x0 x2=x0 y1=TOP y2=HEIGHT - BOTTOM stroke="#cfd6e3" stroke-width="1" />
                    {series}
                    {labels}
                </svg>
                <div class="kpi-legend">{legend}</div>
            </div>
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axis_days_are_month_and_day() {
        assert_eq!(short_day("2026-11-29T03:00:00Z"), "11/29");
        assert_eq!(short_day("bad"), "");
    }
}
