//! The export's content as a flat list of blocks, built once from a report and its transcript and
//! rendered by each format (Markdown, PDF), so both say exactly the same.

use shared::report::{Category, Improvement, Priority, Report};
use shared::transcript::{Speaker, Turn};

use shared::language::Language;

/// One piece of the exported document.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// The document title.
    Title(String),
    /// A small grey line under the title (date, file type, analyzer).
    Meta(String),
    /// A section heading.
    Heading(String),
    /// A sub-section heading.
    Subheading(String),
    /// A paragraph.
    Paragraph(String),
    /// A bullet point.
    Bullet(String),
    /// A quoted phrase.
    Quote(String),
    /// One transcript turn: its label (time and speaker) and what was said.
    Turn {
        /// `[00:12] 상담원`.
        label: String,
        /// The (redacted) text.
        text: String,
    },
}

/// What an export shows about a consultation.
#[derive(Debug, Clone)]
pub struct ReportDocument {
    /// The consultation's title; `None` in shared exports (it may name the customer).
    pub title: Option<String>,
    /// Upload time, epoch ms.
    pub uploaded_at: i64,
    /// Analysis time, epoch ms.
    pub analysed_at: Option<i64>,
    /// `text`, `audio` or `video`.
    pub file_type: String,
    /// The report.
    pub report: Report,
    /// The redacted transcript.
    pub turns: Vec<Turn>,
    /// Offset from UTC used for the times shown, minutes.
    pub utc_offset_minutes: i32,
}

/// `YYYY-MM-DD HH:MM (UTC+9)` in the given offset.
pub fn format_time(at_ms: i64, utc_offset_minutes: i32) -> String {
    use chrono::Offset;
    let offset =
        chrono::FixedOffset::east_opt(utc_offset_minutes * 60).unwrap_or_else(|| chrono::Utc.fix());
    let Some(at) = chrono::DateTime::from_timestamp_millis(at_ms) else {
        return String::new();
    };
    let hours = utc_offset_minutes / 60;
    let minutes = (utc_offset_minutes % 60).abs();
    let zone = if minutes == 0 {
        format!("UTC{hours:+}")
    } else {
        format!("UTC{hours:+}:{minutes:02}")
    };
    format!(
        "{} ({zone})",
        at.with_timezone(&offset).format("%Y-%m-%d %H:%M")
    )
}

/// `mm:ss` or `h:mm:ss`.
pub fn format_offset(ms: u64) -> String {
    let total = ms / 1000;
    let (h, m, s) = (total / 3600, (total / 60) % 60, total % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m:02}:{s:02}")
    }
}

fn category_name(category: Category, lang: Language) -> &'static str {
    match category {
        Category::Attitude => lang.pick("태도", "Attitude"),
        Category::ProblemSolving => lang.pick("문제해결", "Problem solving"),
        Category::Communication => lang.pick("커뮤니케이션", "Communication"),
    }
}

fn priority_name(priority: Priority, lang: Language) -> &'static str {
    match priority {
        Priority::High => lang.pick("높음", "high"),
        Priority::Medium => lang.pick("보통", "medium"),
        Priority::Low => lang.pick("낮음", "low"),
    }
}

/// The speaker's name in the export's language.
pub fn speaker_name(speaker: Speaker, lang: Language) -> &'static str {
    match speaker {
        Speaker::Agent => lang.pick("상담원", "Agent"),
        Speaker::Customer => lang.pick("고객", "Customer"),
        Speaker::Unknown => lang.pick("화자 미상", "Unknown speaker"),
    }
}

fn score_line(name: &str, score: u8, lang: Language) -> String {
    match lang {
        Language::Ko => format!("{name}: {score}점"),
        Language::En => format!("{name}: {score} / 100"),
    }
}

fn improvement_blocks(n: usize, item: &Improvement, turns: &[Turn], lang: Language) -> Vec<Block> {
    let mut blocks = vec![
        Block::Subheading(format!(
            "{n}. {} ({} · {} {})",
            item.title,
            category_name(item.category, lang),
            lang.pick("우선순위", "priority"),
            priority_name(item.priority, lang)
        )),
        Block::Paragraph(item.issue.clone()),
        Block::Paragraph(format!(
            "{}: {}",
            lang.pick("권장", "Instead"),
            item.recommendation
        )),
    ];
    if let Some(phrase) = &item.example_phrase {
        blocks.push(Block::Quote(format!(
            "{}: “{phrase}”",
            lang.pick("이렇게 말해 보세요", "Try saying")
        )));
    }
    for evidence in &item.evidence {
        let at = evidence
            .start_ms
            .or_else(|| {
                turns
                    .get(usize::try_from(evidence.turn).unwrap_or(usize::MAX))
                    .and_then(|t| t.start_ms)
            })
            .map(|ms| format!(" [{}]", format_offset(ms)))
            .unwrap_or_default();
        blocks.push(Block::Bullet(format!(
            "{} {}{at}: “{}”",
            lang.pick("근거 · 발화", "Evidence · turn"),
            evidence.turn + 1,
            evidence.quote
        )));
    }
    blocks
}

fn metric_blocks(report: &Report, lang: Language) -> Vec<Block> {
    let m = &report.metrics;
    let mut lines = vec![
        format!(
            "{}: {:.0}%",
            lang.pick("상담원 발화 비율", "Agent talk share"),
            m.agent_talk_ratio * 100.0
        ),
        format!(
            "{}: {} ({} {}, {} {})",
            lang.pick("발화 수", "Turns"),
            m.turns,
            lang.pick("상담원", "agent"),
            m.agent_turns,
            lang.pick("고객", "customer"),
            m.customer_turns
        ),
        format!(
            "{}: {} / {}",
            lang.pick("열린 질문 / 닫힌 질문", "Open / closed questions"),
            m.open_questions,
            m.closed_questions
        ),
        format!(
            "{}: {:+.2} → {:+.2}",
            lang.pick("고객 감정 (시작 → 끝)", "Customer sentiment (start → end)"),
            m.customer_sentiment_start,
            m.customer_sentiment_end
        ),
    ];
    if let Some(rate) = m.agent_words_per_minute {
        lines.push(format!(
            "{}: {rate:.0}",
            lang.pick(
                "상담원 말 속도 (분당 음절)",
                "Agent speaking rate (per minute)"
            )
        ));
    }
    if let Some(dead) = m.dead_air_total_s {
        lines.push(format!(
            "{}: {dead:.1}s",
            lang.pick("침묵 합계", "Dead air")
        ));
    }
    if let Some(latency) = m.avg_response_latency_s {
        lines.push(format!(
            "{}: {latency:.1}s",
            lang.pick("평균 응답 지연", "Average response latency")
        ));
    }
    if let Some(n) = m.interruptions {
        lines.push(format!("{}: {n}", lang.pick("말 겹침", "Interruptions")));
    }
    lines.into_iter().map(Block::Bullet).collect()
}

/// The blocks of an export, in the given language.
pub fn build(doc: &ReportDocument, lang: Language) -> Vec<Block> {
    let report = &doc.report;
    let mut blocks = vec![Block::Title(
        lang.pick("상담 분석 보고서", "Consultation analysis report")
            .to_owned(),
    )];
    if let Some(title) = &doc.title {
        blocks.push(Block::Meta(format!(
            "{}: {title}",
            lang.pick("상담", "Consultation")
        )));
    }
    let file_type = match doc.file_type.as_str() {
        "audio" => lang.pick("음성", "audio"),
        "video" => lang.pick("영상", "video"),
        _ => lang.pick("텍스트", "text"),
    };
    blocks.push(Block::Meta(format!(
        "{}: {} · {file_type}",
        lang.pick("업로드", "Uploaded"),
        format_time(doc.uploaded_at, doc.utc_offset_minutes)
    )));
    if let Some(at) = doc.analysed_at {
        let analyzer = match &report.analyzer.model {
            Some(model) => format!("{} ({model})", report.analyzer.name),
            None => report.analyzer.name.clone(),
        };
        blocks.push(Block::Meta(format!(
            "{}: {} · {analyzer} {}",
            lang.pick("분석", "Analysed"),
            format_time(at, doc.utc_offset_minutes),
            report.analyzer.version
        )));
    }
    blocks.push(Block::Heading(lang.pick("요약", "Summary").to_owned()));
    blocks.push(Block::Paragraph(report.summary.clone()));

    blocks.push(Block::Heading(lang.pick("점수", "Scores").to_owned()));
    blocks.push(Block::Bullet(score_line(
        lang.pick("종합", "Overall"),
        report.scores.overall.score,
        lang,
    )));
    for category in [
        Category::Attitude,
        Category::ProblemSolving,
        Category::Communication,
    ] {
        let score = report.scores.of(category);
        blocks.push(Block::Subheading(score_line(
            category_name(category, lang),
            score.score,
            lang,
        )));
        if !score.rationale.is_empty() {
            blocks.push(Block::Paragraph(score.rationale.clone()));
        }
        for strength in &score.strengths {
            blocks.push(Block::Bullet(format!(
                "{}: {strength}",
                lang.pick("잘한 점", "Strength")
            )));
        }
        for weakness in &score.weaknesses {
            blocks.push(Block::Bullet(format!(
                "{}: {weakness}",
                lang.pick("아쉬운 점", "To improve")
            )));
        }
    }

    blocks.push(Block::Heading(
        lang.pick("개선 항목", "Improvement items").to_owned(),
    ));
    for (i, item) in report.improvements.iter().enumerate() {
        blocks.extend(improvement_blocks(i + 1, item, &doc.turns, lang));
    }
    if let Some(note) = &report.improvements_note {
        blocks.push(Block::Paragraph(note.clone()));
    }

    blocks.push(Block::Heading(
        lang.pick("대화 지표", "Conversation metrics").to_owned(),
    ));
    blocks.extend(metric_blocks(report, lang));
    if !report.pii.is_empty() {
        blocks.push(Block::Heading(
            lang.pick("개인정보 가림", "Redacted personal data")
                .to_owned(),
        ));
        for pii in &report.pii {
            blocks.push(Block::Bullet(format!("{}: {}", pii.kind, pii.count)));
        }
    }

    if !doc.turns.is_empty() {
        blocks.push(Block::Heading(
            lang.pick("대화 기록 (개인정보 가림)", "Transcript (redacted)")
                .to_owned(),
        ));
        for turn in &doc.turns {
            let time = turn
                .start_ms
                .map(|ms| format!("[{}] ", format_offset(ms)))
                .unwrap_or_default();
            blocks.push(Block::Turn {
                label: format!("{time}{}", speaker_name(turn.speaker, lang)),
                text: turn.text.clone(),
            });
        }
    }
    blocks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_shown_in_the_configured_offset() {
        assert_eq!(format_time(0, 540), "1970-01-01 09:00 (UTC+9)");
        assert_eq!(format_time(0, -330), "1969-12-31 18:30 (UTC-5:30)");
        assert_eq!(format_offset(83_000), "01:23");
        assert_eq!(format_offset(3_723_000), "1:02:03");
    }
}
