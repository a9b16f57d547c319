//! The analysis report (ARCHITECTURE §7). The local analyzer produces a complete one alone; LLM providers
//! refine it; the API, the web app and exports all read it.

use serde::{Deserialize, Serialize};

/// Version of the report schema; bumped on incompatible changes.
pub const SCHEMA_VERSION: u32 = 1;
/// Fewest improvement items a normal consultation's report carries.
pub const MIN_IMPROVEMENTS: usize = 3;
/// Most improvement items a report carries.
pub const MAX_IMPROVEMENTS: usize = 5;

/// A GraphQL fragment (`ReportFields`) selecting every field of `Report` and its nested objects,
/// so an answer decodes straight into [`Report`] (the web app's queries and the API tests use it).
pub const GRAPHQL_FRAGMENT: &str = "fragment ReportFields on Report {
  schemaVersion language summary
  scores {
    attitude { score rationale strengths weaknesses }
    problemSolving { score rationale strengths weaknesses }
    communication { score rationale strengths weaknesses }
    overall { score rationale strengths weaknesses }
  }
  improvements {
    code category title issue recommendation examplePhrase priority
    evidence { turn startMs quote }
  }
  improvementsNote
  moments { kind turn }
  metrics {
    agentTalkRatio turns agentTurns customerTurns agentWordsPerMinute longestAgentMonologueS
    deadAirTotalS interruptions avgResponseLatencyS customerSentimentStart customerSentimentEnd
    audio {
      durationS agentTalkS customerTalkS deadAirS longestSilenceS overlapS agentInterruptions
      customerInterruptions speakersByChannel engine model
    }
  }
  pii { kind count }
  analyzer { name model version fallbackCode note }
}";

/// The complete analysis of one consultation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
#[serde(rename_all = "camelCase")]
pub struct Report {
    /// Version of this schema ([`SCHEMA_VERSION`]).
    pub schema_version: u32,
    /// BCP-47 language of the consultation (`ko` or `en`).
    pub language: String,
    /// A short summary of the consultation and the coaching verdict.
    pub summary: String,
    /// The category scores.
    pub scores: Scores,
    /// Three to five concrete improvement items, most impactful first.
    pub improvements: Vec<Improvement>,
    /// Why there are fewer than three items, when the conversation was too short for more.
    pub improvements_note: Option<String>,
    /// Notable moments found in the conversation.
    pub moments: Vec<Moment>,
    /// Conversation metrics.
    pub metrics: Metrics,
    /// How many PII items of each kind were redacted.
    pub pii: Vec<PiiCount>,
    /// Which analyzer produced the report.
    pub analyzer: AnalyzerInfo,
}

impl Report {
    /// How many of the three categories (attitude, problem solving, communication) the report
    /// explains with a rationale: the KPI sheet's "분석 항목 커버리지".
    pub fn covered_categories(&self) -> u8 {
        [
            &self.scores.attitude,
            &self.scores.problem_solving,
            &self.scores.communication,
        ]
        .iter()
        .map(|s| u8::from(!s.rationale.trim().is_empty()))
        .sum()
    }

    /// Number of characters of coaching text (summary, rationales, items): the KPI sheet's "분석 결과 길이".
    pub fn result_chars(&self) -> usize {
        let scores = [
            &self.scores.attitude,
            &self.scores.problem_solving,
            &self.scores.communication,
            &self.scores.overall,
        ];
        let score_chars: usize = scores
            .iter()
            .map(|s| {
                s.rationale.chars().count()
                    + s.strengths.iter().map(|x| x.chars().count()).sum::<usize>()
                    + s.weaknesses
                        .iter()
                        .map(|x| x.chars().count())
                        .sum::<usize>()
            })
            .sum();
        let item_chars: usize = self
            .improvements
            .iter()
            .map(|i| {
                i.title.chars().count()
                    + i.issue.chars().count()
                    + i.recommendation.chars().count()
                    + i.example_phrase.as_deref().map_or(0, |p| p.chars().count())
            })
            .sum();
        self.summary.chars().count() + score_chars + item_chars
    }
}

/// The four scores of a report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
#[serde(rename_all = "camelCase")]
pub struct Scores {
    /// Attitude (태도): courtesy, empathy, honorifics.
    pub attitude: CategoryScore,
    /// Problem solving (문제해결): understanding, solution, next steps.
    pub problem_solving: CategoryScore,
    /// Communication (커뮤니케이션): clarity, balance, confirmation.
    pub communication: CategoryScore,
    /// The weighted overall score.
    pub overall: CategoryScore,
}

impl Scores {
    /// The score of one category.
    pub fn of(&self, category: Category) -> &CategoryScore {
        match category {
            Category::Attitude => &self.attitude,
            Category::ProblemSolving => &self.problem_solving,
            Category::Communication => &self.communication,
        }
    }
}

/// One category's score with its explanation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
#[serde(rename_all = "camelCase")]
pub struct CategoryScore {
    /// Score from 0 to 100.
    pub score: u8,
    /// Why the score is what it is, naming the moments and metrics behind it.
    pub rationale: String,
    /// What went well.
    pub strengths: Vec<String>,
    /// What went less well.
    pub weaknesses: Vec<String>,
}

/// The coaching category an improvement item belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Category {
    /// 태도.
    Attitude,
    /// 문제해결.
    ProblemSolving,
    /// 커뮤니케이션.
    Communication,
}

impl Category {
    /// The stable lower-case code stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Attitude => "attitude",
            Self::ProblemSolving => "problem_solving",
            Self::Communication => "communication",
        }
    }

    /// The category of a stored code ([`Self::as_str`]).
    pub fn from_db(code: &str) -> Option<Self> {
        [Self::Attitude, Self::ProblemSolving, Self::Communication]
            .into_iter()
            .find(|c| c.as_str() == code)
    }
}

/// How urgent an improvement item is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Priority {
    /// Fix first.
    High,
    /// Worth working on.
    Medium,
    /// Polish.
    Low,
}

impl Priority {
    /// The stable lower-case code stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::High => "high",
            Self::Medium => "medium",
            Self::Low => "low",
        }
    }
}

/// One concrete thing the counselor can do better, with evidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
#[serde(rename_all = "camelCase")]
pub struct Improvement {
    /// Stable code of the rule that raised it (e.g. `no_greeting`), used to track coaching effect.
    pub code: String,
    /// The category it improves.
    pub category: Category,
    /// A short title.
    pub title: String,
    /// What happened.
    pub issue: String,
    /// What to do instead.
    pub recommendation: String,
    /// A phrase to use next time, in the consultation's language.
    pub example_phrase: Option<String>,
    /// How urgent it is.
    pub priority: Priority,
    /// Where in the conversation it shows.
    pub evidence: Vec<Evidence>,
}

/// A quote from the conversation that supports an item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
#[serde(rename_all = "camelCase")]
pub struct Evidence {
    /// Zero-based index of the turn.
    pub turn: u32,
    /// Start of the turn in milliseconds, when known.
    pub start_ms: Option<u64>,
    /// The exact quote from the (redacted) turn.
    pub quote: String,
}

/// The kinds of notable moments the analyzers detect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum MomentKind {
    /// 인사.
    Greeting,
    /// 자기소개.
    SelfIntro,
    /// 공감 표현.
    Empathy,
    /// 사과.
    Apology,
    /// 쿠션어.
    Cushion,
    /// 확인/복창.
    Confirmation,
    /// 해결책 제시.
    Solution,
    /// 마무리 인사.
    Closing,
    /// 부정적 표현.
    NegativePhrasing,
    /// 말 끊기.
    Interruption,
    /// 침묵.
    DeadAir,
    /// 군말.
    Filler,
    /// 상급자 이관 신호.
    Escalation,
}

/// A notable moment and the turn it occurs in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
#[serde(rename_all = "camelCase")]
pub struct Moment {
    /// What kind of moment.
    pub kind: MomentKind,
    /// Zero-based index of the turn.
    pub turn: u32,
}

/// Conversation metrics computed from the turns (and timestamps where present).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
#[serde(rename_all = "camelCase")]
pub struct Metrics {
    /// Share of the words (or syllables) spoken by the agent, 0-1.
    pub agent_talk_ratio: f64,
    /// Number of turns.
    pub turns: u32,
    /// Agent turns.
    pub agent_turns: u32,
    /// Customer turns.
    pub customer_turns: u32,
    /// Agent speaking rate, when timestamps are known (syllables per minute for Korean).
    pub agent_words_per_minute: Option<f64>,
    /// Longest uninterrupted agent stretch in seconds, when timestamps are known.
    pub longest_agent_monologue_s: Option<f64>,
    /// Total silence between turns longer than the dead-air threshold, when timestamps are known.
    pub dead_air_total_s: Option<f64>,
    /// Overlapping turns, when timestamps are known.
    pub interruptions: Option<u32>,
    /// Mean agent response latency in seconds, when timestamps are known.
    pub avg_response_latency_s: Option<f64>,
    /// Longest agent response latency in seconds (customer turn end → agent turn start), when
    /// timestamps are known.
    #[serde(default)]
    pub max_response_latency_s: Option<f64>,
    /// Longest silence between two turns in seconds, when timestamps are known.
    #[serde(default)]
    pub longest_gap_s: Option<f64>,
    /// Open questions asked by the agent (what, how, 어떤, 어떻게 …).
    #[serde(default)]
    pub open_questions: u32,
    /// Closed (yes/no or confirming) questions asked by the agent.
    #[serde(default)]
    pub closed_questions: u32,
    /// Customer turns that repeat a complaint the customer had already made.
    #[serde(default)]
    pub customer_repeats: u32,
    /// Customer sentiment at the start, -1 (negative) to 1 (positive).
    pub customer_sentiment_start: f64,
    /// Customer sentiment at the end, -1 (negative) to 1 (positive).
    pub customer_sentiment_end: f64,
    /// Sentiment of every customer turn, in turn order.
    #[serde(default)]
    pub customer_sentiment_by_turn: Vec<TurnSentiment>,
    /// Timing measured on the recording itself (audio and video consultations only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audio: Option<AudioMetrics>,
}

/// Timing measured on a recording by voice activity detection, and how it was transcribed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
#[serde(rename_all = "camelCase")]
pub struct AudioMetrics {
    /// Length of the recording in seconds.
    pub duration_s: f64,
    /// Seconds the agent speaks (on a mono recording: everyone's speech).
    pub agent_talk_s: f64,
    /// Seconds the customer speaks (stereo recordings only).
    pub customer_talk_s: Option<f64>,
    /// Silences of 3 s or more between the first and the last speech, summed, in seconds.
    pub dead_air_s: f64,
    /// The longest silence between the first and the last speech, in seconds.
    pub longest_silence_s: f64,
    /// Seconds both speak at once (stereo only).
    pub overlap_s: Option<f64>,
    /// Times the agent started speaking over the customer for at least 0.5 s (stereo only).
    pub agent_interruptions: Option<u32>,
    /// Times the customer started speaking over the agent for at least 0.5 s (stereo only).
    pub customer_interruptions: Option<u32>,
    /// Whether speakers come from the recording's channels (stereo) rather than the mono
    /// heuristic (check the roles in the transcript then).
    pub speakers_by_channel: bool,
    /// Speech-to-text engine (`whisper.cpp`, `openai`, `gemini`).
    pub engine: String,
    /// Its model.
    pub model: String,
}

/// The sentiment of one customer turn.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
#[serde(rename_all = "camelCase")]
pub struct TurnSentiment {
    /// Zero-based index of the turn.
    pub turn: u32,
    /// Sentiment from -1 (negative) to 1 (positive), after negation handling.
    pub score: f64,
}

/// How many PII items of one kind were redacted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
#[serde(rename_all = "camelCase")]
pub struct PiiCount {
    /// The kind (`phone`, `email`, `rrn`, `card`, `account`, `address`).
    pub kind: String,
    /// How many were replaced.
    pub count: u32,
}

/// Which analyzer produced a report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
#[serde(rename_all = "camelCase")]
pub struct AnalyzerInfo {
    /// `local`, `gemini` or `openai`.
    pub name: String,
    /// The model, for LLM providers.
    pub model: Option<String>,
    /// Version of the analyzer's rules.
    pub version: String,
    /// When an LLM provider was configured but its refinement could not be used, the stable
    /// reason (`LLM_TIMEOUT`, `LLM_RATE_LIMITED`, `LLM_UNAVAILABLE`, `LLM_CONFIG_ERROR`,
    /// `LLM_INVALID_OUTPUT` …); the report is then the local analyzer's.
    #[serde(default)]
    pub fallback_code: Option<String>,
    /// A note for people about how the report was made, in the report's language (e.g. why the
    /// LLM refinement was not used).
    #[serde(default)]
    pub note: Option<String>,
}
