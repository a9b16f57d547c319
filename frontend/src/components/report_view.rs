//! The coaching report (`section#report`): summary, four score cards, improvement items, metrics,
//! notable moments, redacted-PII counts and, when given, the transcript with evidence highlighted.

use std::collections::BTreeSet;

use leptos::prelude::*;
use shared::report::{AudioMetrics, Category, Metrics, Report};
use shared::transcript::Turn;

use super::improvement_item::ImprovementItem;
use super::score_card::{ScoreCard, ScoreKind};
use super::transcript_view::TranscriptView;
use crate::format::{format_ratio, format_sentiment};
use crate::i18n::{Texts, use_i18n};

/// Turn indices quoted as evidence by any improvement item.
pub fn evidence_turns(report: &Report) -> BTreeSet<u32> {
    report
        .improvements
        .iter()
        .flat_map(|i| i.evidence.iter().map(|e| e.turn))
        .collect()
}

/// The full report, followed by the transcript.
#[component]
pub fn ReportView(
    /// The report.
    report: Report,
    /// The (redacted) transcript the report refers to.
    transcript: Vec<Turn>,
) -> impl IntoView {
    let i18n = use_i18n();
    let highlighted = evidence_turns(&report);
    let Report {
        summary,
        scores,
        improvements,
        improvements_note,
        moments,
        metrics,
        pii,
        analyzer,
        ..
    } = report;

    let audio = metrics.audio.clone();
    let score_cards = [
        (ScoreKind::Overall, scores.overall),
        (ScoreKind::Category(Category::Attitude), scores.attitude),
        (
            ScoreKind::Category(Category::ProblemSolving),
            scores.problem_solving,
        ),
        (
            ScoreKind::Category(Category::Communication),
            scores.communication,
        ),
    ]
    .into_iter()
    .map(|(kind, score)| view! { <ScoreCard kind score /> })
    .collect_view();

    let items = improvements
        .into_iter()
        .enumerate()
        .map(|(i, item)| view! { <ImprovementItem item position=i + 1 /> })
        .collect_view();

    let has_moments = !moments.is_empty();
    let moment_chips = moments
        .into_iter()
        .map(|m| {
            let turn = m.turn;
            view! {
                <li>
                    <a class="moment-chip" href=format!("#turn-{turn}")>
                        <span>{move || i18n.t().moment(m.kind)}</span>
                        <span class="turn-ref">{move || i18n.t().turn_number(turn)}</span>
                    </a>
                </li>
            }
        })
        .collect_view();

    let pii_view = if pii.is_empty() {
        view! { <p class="muted">{move || i18n.t().pii_none()}</p> }.into_any()
    } else {
        view! {
            <ul class="pii-list">
                {pii.into_iter().map(|p| {
                    let kind = p.kind;
                    let count = p.count;
                    view! {
                        <li>
                            <span>{move || i18n.t().pii_kind(&kind)}</span>
                            <span class="pii-count">{move || i18n.t().pii_count(count)}</span>
                        </li>
                    }
                }).collect_view()}
            </ul>
        }
        .into_any()
    };

    let fallback = analyzer.fallback_code.clone().map(|code| {
        view! { <p class="analyzer-fallback notice" role="note">{move || i18n.t().analyzer_fallback(&code)}</p> }
    });
    let analyzer_line = move || {
        i18n.t()
            .analyzer_info(&analyzer.name, analyzer.model.as_deref(), &analyzer.version)
    };

    view! {
        <section id="report" class="report">
            <div class="card summary-card">
                <h2 class="card-title">{move || i18n.t().report_title()}</h2>
                <h3 class="section-label">{move || i18n.t().summary_title()}</h3>
                <p class="summary">{summary}</p>
                <p class="analyzer muted">
                    {move || i18n.t().analyzer_label()}": "{analyzer_line}
                </p>
                {fallback}
            </div>

            <h3 class="section-heading">{move || i18n.t().scores_title()}</h3>
            <div class="score-grid">{score_cards}</div>

            <div class="card improvements-card">
                <h3 class="card-title">{move || i18n.t().improvements_title()}</h3>
                {improvements_note.map(|note| view! { <p class="note">{note}</p> })}
                <ol class="improvements">{items}</ol>
            </div>

            <div class="insight-grid">
                <div class="card metrics-card">
                    <h3 class="card-title">{move || i18n.t().metrics_title()}</h3>
                    <MetricsList metrics />
                </div>
                <div class="card">
                    {has_moments.then(|| view! {
                        <h3 class="card-title">{move || i18n.t().moments_title()}</h3>
                        <ul class="moments">{moment_chips}</ul>
                    })}
                    <h3 class="card-title">{move || i18n.t().pii_title()}</h3>
                    {pii_view}
                </div>
            </div>

            {audio.map(|audio| view! { <AudioCard audio /> })}

            <div class="card transcript-card">
                <h3 class="card-title">{move || i18n.t().transcript_title()}</h3>
                <p class="muted hint">{move || i18n.t().transcript_hint()}</p>
                <TranscriptView turns=transcript highlighted />
            </div>
        </section>
    }
}

/// What was measured on a recording (`#audio-metrics`), and how its speakers were told apart.
#[component]
fn AudioCard(audio: AudioMetrics) -> impl IntoView {
    let i18n = use_i18n();
    type Row = (fn(Texts) -> &'static str, String);
    let seconds = |s: f64| format!("{s:.1}s");
    let mut rows: Vec<Row> = vec![
        (Texts::audio_duration, seconds(audio.duration_s)),
        (Texts::audio_agent_talk, seconds(audio.agent_talk_s)),
    ];
    if let Some(v) = audio.customer_talk_s {
        rows.push((Texts::audio_customer_talk, seconds(v)));
    }
    rows.push((Texts::audio_dead_air, seconds(audio.dead_air_s)));
    if let Some(v) = audio.overlap_s {
        rows.push((Texts::audio_overlap, seconds(v)));
    }
    if let (Some(agent), Some(customer)) = (audio.agent_interruptions, audio.customer_interruptions)
    {
        rows.push((Texts::audio_interruptions, format!("{agent} / {customer}")));
    }
    let engine = format!("{} · {}", audio.engine, audio.model);
    let by_channel = audio.speakers_by_channel;
    view! {
        <div class="card audio-card" id="audio-metrics">
            <h3 class="card-title">{move || i18n.t().audio_title()}</h3>
            <dl class="metrics">
                {rows.into_iter().map(|(label, value)| view! {
                    <div class="metric"><dt>{move || label(i18n.t())}</dt><dd>{value}</dd></div>
                }).collect_view()}
                <div class="metric"><dt>{move || i18n.t().audio_engine()}</dt><dd>{engine}</dd></div>
            </dl>
            <p class=if by_channel { "note" } else { "note warning" } id="speaker-note">
                {move || if by_channel { i18n.t().audio_by_channel() } else { i18n.t().audio_heuristic() }}
            </p>
        </div>
    }
}

/// The conversation metrics as a definition list; metrics that need timestamps are omitted
/// when unknown.
#[component]
fn MetricsList(metrics: Metrics) -> impl IntoView {
    let i18n = use_i18n();
    type Row = (
        fn(Texts) -> &'static str,
        Box<dyn Fn(Texts) -> String + Send + Sync>,
    );
    let mut rows: Vec<Row> = vec![
        (Texts::metric_talk_ratio, {
            let v = metrics.agent_talk_ratio;
            Box::new(move |_| format_ratio(v))
        }),
        (Texts::metric_turns, {
            let (agent, customer) = (metrics.agent_turns, metrics.customer_turns);
            Box::new(move |_| format!("{agent} / {customer}"))
        }),
    ];
    if let Some(v) = metrics.agent_words_per_minute {
        rows.push((Texts::metric_wpm, Box::new(move |t| t.per_minute(v))));
    }
    if let Some(v) = metrics.longest_agent_monologue_s {
        rows.push((Texts::metric_monologue, Box::new(move |t| t.seconds(v))));
    }
    if let Some(v) = metrics.dead_air_total_s {
        rows.push((Texts::metric_dead_air, Box::new(move |t| t.seconds(v))));
    }
    if let Some(v) = metrics.interruptions {
        rows.push((
            Texts::metric_interruptions,
            Box::new(move |_| v.to_string()),
        ));
    }
    if let Some(v) = metrics.avg_response_latency_s {
        rows.push((Texts::metric_latency, Box::new(move |t| t.seconds(v))));
    }
    let (start, end) = (
        metrics.customer_sentiment_start,
        metrics.customer_sentiment_end,
    );
    rows.push((
        Texts::metric_sentiment,
        Box::new(move |_| format!("{} → {}", format_sentiment(start), format_sentiment(end))),
    ));
    view! {
        <dl class="metrics">
            {rows.into_iter().map(|(label, value)| view! {
                <div class="metric">
                    <dt>{move || label(i18n.t())}</dt>
                    <dd>{move || value(i18n.t())}</dd>
                </div>
            }).collect_view()}
        </dl>
    }
}
