//! [`Refiner`]: asks the configured provider to refine the local report, validates the answer
//! against the schema and the transcript, asks once more with the validation problems when it
//! fails, and merges — or falls back to the local report with a stable reason and a note. An
//! analysis never fails because the provider did. Every call is recorded in `llm_calls`.

use std::sync::Arc;

use shared::report::{AnalyzerInfo, MIN_IMPROVEMENTS, Report, Scores};
use shared::transcript::Turn;

use super::calls::{CallRecord, CallRecorder, Purpose};
use super::schema::{
    Expectations, Refinement, parse_refinement, response_schema, to_category_score,
    to_improvements, validate,
};
use super::settings::{AnalyzerSettings, ProvidersSettings};
use super::{ChatMessage, ChatRequest, ChatRole, LlmError, Provider, prompt};
use coach_analyzer::local::LocalAnalyzer;
use shared::language::Language;

/// Version of the prompt and merge rules, appended to the local rules' version in reports.
pub const PROMPT_VERSION: &str = "llm-1";

/// Refines local reports with an LLM provider.
#[derive(Debug, Clone)]
pub struct Refiner {
    provider: Provider,
    calls: Arc<dyn CallRecorder>,
    local: LocalAnalyzer,
    max_output_tokens: u32,
    temperature: f32,
}

/// How one round went.
enum Round {
    /// A valid refinement.
    Valid(Box<Refinement>, Option<String>),
    /// An answer that failed parsing or validation: the answer and the problems.
    Invalid { answer: String, problems: String },
    /// The call failed.
    Failed(LlmError),
}

impl Refiner {
    /// The refiner the settings ask for, or `None` for the local analyzer alone; every call is
    /// handed to `calls`.
    ///
    /// Errors: [`LlmError::Config`] when the provider's HTTP client cannot be built.
    pub fn from_settings(
        analyzer: &AnalyzerSettings,
        providers: &ProvidersSettings,
        calls: Arc<dyn CallRecorder>,
    ) -> Result<Option<Self>, LlmError> {
        Ok(
            Provider::for_analyzer(analyzer, providers)?.map(|provider| Self {
                provider,
                calls,
                local: LocalAnalyzer::default(),
                max_output_tokens: analyzer.max_output_tokens,
                temperature: analyzer.temperature,
            }),
        )
    }

    /// `gemini` or `openai`.
    pub fn provider_name(&self) -> &'static str {
        self.provider.name()
    }

    /// The model asked.
    pub fn model(&self) -> &str {
        self.provider.model()
    }

    /// The refined report, or `local` with the reason it could not be refined.
    #[tracing::instrument(skip_all, fields(provider = self.provider.name(), consultation = consultation_id))]
    pub async fn refine(&self, consultation_id: &str, turns: &[Turn], local: Report) -> Report {
        let expect = Expectations {
            turns,
            language: &local.language,
            min_items: local.improvements.len().clamp(1, MIN_IMPROVEMENTS),
        };
        let mut request = ChatRequest {
            system: prompt::system_instruction(&local.language),
            messages: vec![ChatMessage {
                role: ChatRole::User,
                text: prompt::user_prompt(turns, &local),
            }],
            schema: response_schema(),
            max_output_tokens: self.max_output_tokens,
            temperature: self.temperature,
        };
        let first = self
            .round(consultation_id, &request, Purpose::Analysis, &expect)
            .await;
        let outcome = match first {
            Round::Invalid { answer, problems } => {
                tracing::info!(%problems, "the model's answer failed validation; asking once more");
                request.messages.push(ChatMessage {
                    role: ChatRole::Model,
                    text: answer,
                });
                request.messages.push(ChatMessage {
                    role: ChatRole::User,
                    text: prompt::correction_prompt(&local.language, &problems),
                });
                self.round(consultation_id, &request, Purpose::AnalysisRepair, &expect)
                    .await
            }
            other => other,
        };
        match outcome {
            Round::Valid(refinement, model_version) => {
                self.merge(&refinement, model_version, turns, local)
            }
            Round::Invalid { problems, .. } => self.fall_back(local, &LlmError::Invalid(problems)),
            Round::Failed(error) => self.fall_back(local, &error),
        }
    }

    async fn round(
        &self,
        consultation_id: &str,
        request: &ChatRequest,
        purpose: Purpose,
        expect: &Expectations<'_>,
    ) -> Round {
        let (stats, result) = self.provider.chat(request).await;
        let round = match result {
            Err(error) => Round::Failed(error),
            Ok(answer) => {
                let checked =
                    parse_refinement(&answer.text).and_then(|r| validate(&r, expect).map(|()| r));
                match checked {
                    Ok(refinement) => Round::Valid(Box::new(refinement), answer.model_version),
                    Err(problems) => Round::Invalid {
                        answer: answer.text,
                        problems,
                    },
                }
            }
        };
        let error = match &round {
            Round::Valid(..) => None,
            Round::Invalid { problems, .. } => Some(LlmError::Invalid(problems.clone())),
            Round::Failed(error) => Some(error.clone()),
        };
        let record = CallRecord {
            provider: self.provider.name(),
            model: self.provider.model(),
            purpose,
            consultation_id: Some(consultation_id),
            stats: &stats,
            error: error.as_ref(),
            prompt_tokens: stats.usage.prompt_tokens,
            output_tokens: stats.usage.output_tokens,
        };
        self.calls.record(record).await;
        round
    }

    fn merge(
        &self,
        refinement: &Refinement,
        model_version: Option<String>,
        turns: &[Turn],
        local: Report,
    ) -> Report {
        let language = if local.language == "ko" {
            Language::Ko
        } else {
            Language::En
        };
        let attitude = to_category_score(&refinement.scores.attitude);
        let problem_solving = to_category_score(&refinement.scores.problem_solving);
        let communication = to_category_score(&refinement.scores.communication);
        let overall =
            self.local
                .score_overall(&attitude, &problem_solving, &communication, language);
        let improvements = to_improvements(refinement, turns);
        let improvements_note = if improvements.len() >= MIN_IMPROVEMENTS {
            None
        } else {
            local.improvements_note.clone()
        };
        Report {
            summary: refinement.summary.trim().to_owned(),
            scores: Scores {
                attitude,
                problem_solving,
                communication,
                overall,
            },
            improvements,
            improvements_note,
            analyzer: AnalyzerInfo {
                name: self.provider.name().to_owned(),
                model: Some(model_version.unwrap_or_else(|| self.provider.model().to_owned())),
                version: format!("{}+{PROMPT_VERSION}", local.analyzer.version),
                fallback_code: None,
                note: None,
            },
            ..local
        }
    }

    fn fall_back(&self, mut local: Report, error: &LlmError) -> Report {
        if matches!(error, LlmError::Config { .. }) {
            tracing::error!(%error, provider = self.provider.name(), "the provider rejected the request; using the local report");
        } else {
            tracing::warn!(%error, provider = self.provider.name(), "the provider call failed; using the local report");
        }
        local.analyzer.fallback_code = Some(error.fallback_code().to_owned());
        local.analyzer.note = Some(fallback_note(&local.language, self.provider.name(), error));
        local
    }
}

/// The note shown with a report whose refinement failed, in the report's language.
fn fallback_note(language: &str, provider: &str, error: &LlmError) -> String {
    let (ko, en) = match error {
        LlmError::RateLimited { .. } => ("요청 한도를 넘었습니다", "it is rate limiting us"),
        LlmError::Unavailable { .. } => (
            "서비스가 일시적으로 응답하지 않습니다",
            "it is temporarily unavailable",
        ),
        LlmError::Timeout(_) => ("응답 시간이 초과되었습니다", "it did not answer in time"),
        LlmError::Network(_) => ("연결할 수 없습니다", "it could not be reached"),
        LlmError::Malformed(_) => (
            "응답 형식을 이해할 수 없습니다",
            "its answer could not be read",
        ),
        LlmError::Config { .. } => (
            "설정 오류로 요청이 거부되었습니다(관리자에게 문의하세요)",
            "it rejected the request because of a configuration error (contact your administrator)",
        ),
        LlmError::Refused(_) => (
            "모델이 답변을 완성하지 않았습니다",
            "the model did not complete an answer",
        ),
        LlmError::Invalid(_) => (
            "모델의 답변이 상담 기록과 맞지 않았습니다",
            "the model's answer did not match the transcript",
        ),
    };
    if language == "ko" {
        format!("AI 분석({provider})을 사용하지 못해 규칙 기반 분석 결과를 보여 드립니다: {ko}.")
    } else {
        format!(
            "The AI refinement ({provider}) could not be used, so this is the rule-based analysis: {en}."
        )
    }
}
