//! The pipeline stepper: one item per stage, marked done as events arrive.

use leptos::prelude::*;
use shared::progress::Stage;

use crate::api::progress::ProgressEvent;
use crate::i18n::use_i18n;

/// Stages always shown, in pipeline order (`FAILED` is appended only when it happens).
pub const STAGES: [Stage; 6] = [
    Stage::Queued,
    Stage::Decoding,
    Stage::Transcribing,
    Stage::Redacting,
    Stage::Analyzing,
    Stage::Completed,
];

/// The wire name of a stage (`QUEUED`, …).
pub fn stage_code(stage: Stage) -> &'static str {
    match stage {
        Stage::Queued => "QUEUED",
        Stage::Decoding => "DECODING",
        Stage::Transcribing => "TRANSCRIBING",
        Stage::Redacting => "REDACTING",
        Stage::Analyzing => "ANALYZING",
        Stage::Completed => "COMPLETED",
        Stage::Failed => "FAILED",
    }
}

/// What one stage shows, derived from the events received so far.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct StageView {
    /// The stage.
    pub stage: Stage,
    /// An event of this stage was received.
    pub done: bool,
    /// This stage is the latest event's.
    pub current: bool,
    /// The latest percent reported for this stage.
    pub percent: Option<i32>,
    /// The latest message for this stage.
    pub message: Option<String>,
}

/// Derives the stepper rows from the events (sorted by `seq`).
pub fn stage_views(events: &[ProgressEvent]) -> Vec<StageView> {
    let failed = events.iter().any(|e| e.stage == Stage::Failed);
    let latest = events.last().map(|e| e.stage);
    STAGES
        .iter()
        .copied()
        .chain(failed.then_some(Stage::Failed))
        .map(|stage| {
            let last = events.iter().rev().find(|e| e.stage == stage);
            StageView {
                stage,
                done: last.is_some(),
                current: latest == Some(stage),
                percent: last.and_then(|e| e.percent),
                message: last.map(|e| e.message.clone()).filter(|m| !m.is_empty()),
            }
        })
        .collect()
}

/// The stepper (`ol#stages`).
#[component]
pub fn StageList(
    /// Events received so far, sorted by `seq`.
    #[prop(into)]
    events: Signal<Vec<ProgressEvent>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let rows = Memo::new(move |_| events.with(|e| stage_views(e)));
    view! {
        <ol id="stages" class="stages">
            <For each=move || rows.get() key=|row| row.clone() let:row>
                {
                    let StageView { stage, done, current, percent, message } = row;
                    let mut class = String::from("stage");
                    if done {
                        class.push_str(" done");
                    }
                    if current {
                        class.push_str(" current");
                    }
                    if stage == Stage::Failed {
                        class.push_str(" failed");
                    }
                    let show_percent = percent.filter(|_| current && !stage.is_terminal());
                    view! {
                        <li class=class data-stage=stage_code(stage)>
                            <span class="stage-marker" aria-hidden="true"></span>
                            <div class="stage-body">
                                <span class="stage-name">{move || i18n.t().stage(stage)}</span>
                                {show_percent.map(|p| view! {
                                    <span class="stage-percent">{format!("{}%", p.clamp(0, 100))}</span>
                                    <span class="stage-bar"><span style:width=format!("{}%", p.clamp(0, 100))></span></span>
                                })}
                                {message.map(|m| view! { <span class="stage-message">{m}</span> })}
                            </div>
                        </li>
                    }
                }
            </For>
        </ol>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(seq: i64, stage: Stage, percent: Option<i32>) -> ProgressEvent {
        ProgressEvent {
            seq,
            stage,
            percent,
            message: format!("m{seq}"),
            at: String::new(),
        }
    }

    #[test]
    fn stages_are_done_once_seen_and_the_latest_is_current() {
        let rows = stage_views(&[
            event(1, Stage::Queued, None),
            event(2, Stage::Decoding, Some(10)),
            event(3, Stage::Decoding, Some(100)),
        ]);
        assert_eq!(rows.len(), 6);
        assert!(rows[0].done && !rows[0].current);
        assert!(rows[1].done && rows[1].current);
        assert_eq!(rows[1].percent, Some(100));
        assert_eq!(rows[1].message.as_deref(), Some("m3"));
        assert!(!rows[2].done);
    }

    #[test]
    fn failed_is_appended_only_when_it_happens() {
        assert!(
            stage_views(&[])
                .iter()
                .all(|r| r.stage != Stage::Failed && !r.done)
        );
        let rows = stage_views(&[event(1, Stage::Queued, None), event(2, Stage::Failed, None)]);
        assert_eq!(rows.len(), 7);
        assert!(rows.last().is_some_and(|r| r.current));
    }
}
