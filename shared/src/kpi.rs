//! The KPI catalogue: every KPI of sections 1-5 of the original specification
//! (the original Korean KPI sheet, 42 KPIs; `tests/tests/material` checks this list against it) with its Korean and English name, unit, the sheet's
//! target, and how this product measures it. Where the sheet's measurement names the seed's stack
//! (Celery, Redis, Django, Supabase, SSE, Gemini), [`Kpi::measured_by`] names this system's
//! equivalent (job queue, database, `consult-coach serve`, object storage, GraphQL subscriptions,
//! any configured LLM provider).
//!
//! The server computes the values (`service::kpi`); this module only says what each KPI is and how
//! a value compares with its target ([`Kpi::status`]).

use serde::{Deserialize, Serialize};

/// The sheet's KPI groups (its `###` sections).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum KpiGroup {
    /// 1.1 상담 업로드 활동.
    UploadActivity,
    /// 1.2 사용자 참여도.
    Engagement,
    /// 2.1 처리 성능.
    Processing,
    /// 2.2 시스템 가용성.
    Availability,
    /// 2.3 리소스 사용량.
    Resources,
    /// 3.1 분석 품질.
    AnalysisQuality,
    /// 3.2 AI API 사용 효율성.
    AiApiEfficiency,
    /// 4.1 상담 품질 개선.
    QualityImprovement,
    /// 4.2 사용자 가치.
    UserValue,
    /// 5.1 데이터 관리.
    DataManagement,
    /// 5.2 보안 및 안정성.
    Security,
}

impl KpiGroup {
    /// Every group, in the sheet's order.
    pub const ALL: [Self; 11] = [
        Self::UploadActivity,
        Self::Engagement,
        Self::Processing,
        Self::Availability,
        Self::Resources,
        Self::AnalysisQuality,
        Self::AiApiEfficiency,
        Self::QualityImprovement,
        Self::UserValue,
        Self::DataManagement,
        Self::Security,
    ];

    /// The sheet's section number (`1.1` … `5.2`).
    pub const fn section(self) -> &'static str {
        match self {
            Self::UploadActivity => "1.1",
            Self::Engagement => "1.2",
            Self::Processing => "2.1",
            Self::Availability => "2.2",
            Self::Resources => "2.3",
            Self::AnalysisQuality => "3.1",
            Self::AiApiEfficiency => "3.2",
            Self::QualityImprovement => "4.1",
            Self::UserValue => "4.2",
            Self::DataManagement => "5.1",
            Self::Security => "5.2",
        }
    }

    /// The sheet's Korean title.
    pub const fn name_ko(self) -> &'static str {
        match self {
            Self::UploadActivity => "상담 업로드 활동",
            Self::Engagement => "사용자 참여도",
            Self::Processing => "처리 성능",
            Self::Availability => "시스템 가용성",
            Self::Resources => "리소스 사용량",
            Self::AnalysisQuality => "분석 품질",
            Self::AiApiEfficiency => "AI API 사용 효율성",
            Self::QualityImprovement => "상담 품질 개선",
            Self::UserValue => "사용자 가치",
            Self::DataManagement => "데이터 관리",
            Self::Security => "보안 및 안정성",
        }
    }

    /// The English title.
    pub const fn name_en(self) -> &'static str {
        match self {
            Self::UploadActivity => "Upload activity",
            Self::Engagement => "User engagement",
            Self::Processing => "Processing performance",
            Self::Availability => "System availability",
            Self::Resources => "Resource usage",
            Self::AnalysisQuality => "Analysis quality",
            Self::AiApiEfficiency => "AI API efficiency",
            Self::QualityImprovement => "Consultation quality improvement",
            Self::UserValue => "User value",
            Self::DataManagement => "Data management",
            Self::Security => "Security and stability",
        }
    }
}

/// What a KPI's values are counted in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Unit {
    /// A number of things (uploads, calls, files, incidents).
    Count,
    /// A number of people.
    Users,
    /// Percent, 0-100.
    Percent,
    /// Seconds.
    Seconds,
    /// Milliseconds.
    Milliseconds,
    /// Characters of text.
    Characters,
    /// Items per analysis.
    Items,
    /// Uploads per session.
    PerSession,
    /// A score out of 5.
    // The GraphQL name; serde alone would write `OUT_OF5`.
    #[serde(rename = "OUT_OF_5")]
    OutOf5,
    /// A score out of 10.
    #[serde(rename = "OUT_OF_10")]
    OutOf10,
    /// Mebibytes.
    Megabytes,
    /// Backups per day.
    PerDay,
}

/// The sheet's target for a KPI.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum Target {
    /// Met when the value is at least this.
    AtLeast(f64),
    /// Met when the value is at most this.
    AtMost(f64),
    /// Met when the value is within these bounds (inclusive).
    Between(f64, f64),
    /// One upper bound per file type (text, audio, video), in the KPI's unit.
    PerFileTypeAtMost {
        /// Text transcripts.
        text: f64,
        /// Audio recordings.
        audio: f64,
        /// Video recordings.
        video: f64,
    },
    /// A mix of file types to approach, in percent; met when every share is within
    /// [`MIX_TOLERANCE_POINTS`] of it.
    FileTypeMix {
        /// Text transcripts.
        text: f64,
        /// Audio recordings.
        audio: f64,
        /// Video recordings.
        video: f64,
    },
    /// Met while the value stays within the provider's configured daily quota.
    WithinQuota,
    /// Tracked without a target (the sheet's `-`).
    Untargeted,
}

/// How far (percentage points) a file-type share may be from the sheet's mix and still meet it.
pub const MIX_TOLERANCE_POINTS: f64 = 10.0;

/// Which way is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Direction {
    /// More is better.
    HigherIsBetter,
    /// Less is better.
    LowerIsBetter,
    /// Inside a range (or a mix) is best.
    InRange,
    /// Tracked, neither way is better.
    Neutral,
}

impl Target {
    /// Which way is better for this target.
    pub const fn direction(&self) -> Direction {
        match self {
            Self::AtLeast(_) => Direction::HigherIsBetter,
            Self::AtMost(_) | Self::PerFileTypeAtMost { .. } | Self::WithinQuota => {
                Direction::LowerIsBetter
            }
            Self::Between(..) | Self::FileTypeMix { .. } => Direction::InRange,
            Self::Untargeted => Direction::Neutral,
        }
    }
}

/// A KPI's value over a range.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum KpiValue {
    /// One number, in the KPI's unit.
    Scalar(f64),
    /// One number per file type (absent when there was none of that type).
    PerFileType {
        /// Text transcripts.
        text: Option<f64>,
        /// Audio recordings.
        audio: Option<f64>,
        /// Video recordings.
        video: Option<f64>,
    },
}

/// A value compared with its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum KpiStatus {
    /// The target is met.
    Met,
    /// The target is not met.
    NotMet,
    /// No data in the range (or no target to compare with).
    NoData,
}

/// One KPI of the sheet.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Kpi {
    /// Stable identifier (`snake_case`), used by the API and the dashboard.
    pub id: &'static str,
    /// The sheet's group.
    pub group: KpiGroup,
    /// The sheet's name.
    pub name_ko: &'static str,
    /// English name.
    pub name_en: &'static str,
    /// What the values are counted in.
    pub unit: Unit,
    /// The sheet's target.
    pub target: Target,
    /// The sheet's target as written (`10건/일`, `95% 이상` …).
    pub target_ko: &'static str,
    /// How this product measures it, from which of its own records.
    pub measured_by: &'static str,
}

impl Kpi {
    /// Compares `value` with the target; `quota` is the daily call quota for
    /// [`Target::WithinQuota`] (none configured: the target counts as met while there is data).
    pub fn status(&self, value: Option<KpiValue>, quota: Option<f64>) -> KpiStatus {
        let Some(value) = value else {
            return KpiStatus::NoData;
        };
        let verdict = |met: bool| {
            if met {
                KpiStatus::Met
            } else {
                KpiStatus::NotMet
            }
        };
        match (self.target, value) {
            (Target::Untargeted, _) => KpiStatus::NoData,
            (Target::AtLeast(bound), KpiValue::Scalar(v)) => verdict(v >= bound),
            (Target::AtMost(bound), KpiValue::Scalar(v)) => verdict(v <= bound),
            (Target::Between(low, high), KpiValue::Scalar(v)) => verdict((low..=high).contains(&v)),
            (Target::WithinQuota, KpiValue::Scalar(v)) => verdict(quota.is_none_or(|q| v <= q)),
            (
                Target::PerFileTypeAtMost { text, audio, video },
                KpiValue::PerFileType {
                    text: t,
                    audio: a,
                    video: v,
                },
            ) => {
                let checks = [(t, text), (a, audio), (v, video)];
                if checks.iter().all(|(value, _)| value.is_none()) {
                    return KpiStatus::NoData;
                }
                verdict(
                    checks
                        .iter()
                        .all(|(value, bound)| value.is_none_or(|x| x <= *bound)),
                )
            }
            (
                Target::FileTypeMix { text, audio, video },
                KpiValue::PerFileType {
                    text: t,
                    audio: a,
                    video: v,
                },
            ) => verdict(
                [(t, text), (a, audio), (v, video)]
                    .iter()
                    .all(|(share, goal)| {
                        (share.unwrap_or(0.0) - goal).abs() <= MIX_TOLERANCE_POINTS
                    }),
            ),
            // A value of the wrong shape cannot be compared.
            _ => KpiStatus::NoData,
        }
    }
}

/// Every KPI of the sheet, in its order.
pub const CATALOGUE: [Kpi; 42] = [
    // 1.1 상담 업로드 활동
    Kpi {
        id: "daily_uploads",
        group: KpiGroup::UploadActivity,
        name_ko: "일일 업로드 수",
        name_en: "Daily uploads",
        unit: Unit::Count,
        target: Target::AtLeast(10.0),
        target_ko: "10건/일",
        measured_by: "consultations created per day (average over the range's days)",
    },
    Kpi {
        id: "weekly_uploads",
        group: KpiGroup::UploadActivity,
        name_ko: "주간 업로드 수",
        name_en: "Weekly uploads",
        unit: Unit::Count,
        target: Target::AtLeast(50.0),
        target_ko: "50건/주",
        measured_by: "consultations created in the range, per 7 days (each day's point: the 7 days ending on it)",
    },
    Kpi {
        id: "monthly_uploads",
        group: KpiGroup::UploadActivity,
        name_ko: "월간 업로드 수",
        name_en: "Monthly uploads",
        unit: Unit::Count,
        target: Target::AtLeast(200.0),
        target_ko: "200건/월",
        measured_by: "consultations created in the range, per 30 days (each day's point: the 30 days ending on it)",
    },
    Kpi {
        id: "file_type_mix",
        group: KpiGroup::UploadActivity,
        name_ko: "파일 타입별 분포",
        name_en: "Uploads by file type",
        unit: Unit::Percent,
        target: Target::FileTypeMix {
            text: 60.0,
            audio: 30.0,
            video: 10.0,
        },
        target_ko: "텍스트 60%, 오디오 30%, 비디오 10%",
        measured_by: "share of consultations.file_type among uploads in the range",
    },
    // 1.2 사용자 참여도
    Kpi {
        id: "dau",
        group: KpiGroup::Engagement,
        name_ko: "활성 사용자 수 (DAU)",
        name_en: "Daily active uploaders (DAU)",
        unit: Unit::Users,
        target: Target::AtLeast(5.0),
        target_ko: "5명/일",
        measured_by: "distinct users with an upload activity event per day (average)",
    },
    Kpi {
        id: "wau",
        group: KpiGroup::Engagement,
        name_ko: "활성 사용자 수 (WAU)",
        name_en: "Weekly active uploaders (WAU)",
        unit: Unit::Users,
        target: Target::AtLeast(20.0),
        target_ko: "20명/주",
        measured_by: "distinct users with an upload activity event in the 7 days ending on each day (average over the range)",
    },
    Kpi {
        id: "return_rate",
        group: KpiGroup::Engagement,
        name_ko: "재방문율",
        name_en: "Return rate",
        unit: Unit::Percent,
        target: Target::AtLeast(40.0),
        target_ko: "40%",
        measured_by: "of the users who uploaded before the range, the share who upload again in it",
    },
    Kpi {
        id: "uploads_per_session",
        group: KpiGroup::Engagement,
        name_ko: "평균 세션당 업로드 수",
        name_en: "Uploads per session",
        unit: Unit::PerSession,
        target: Target::AtLeast(2.0),
        target_ko: "2건/세션",
        measured_by: "uploads over sessions with an upload (a session is a sign-in, split after 30 idle minutes)",
    },
    // 2.1 처리 성능
    Kpi {
        id: "avg_processing_time",
        group: KpiGroup::Processing,
        name_ko: "평균 분석 처리 시간",
        name_en: "Average processing time",
        unit: Unit::Seconds,
        target: Target::PerFileTypeAtMost {
            text: 30.0,
            audio: 120.0,
            video: 300.0,
        },
        target_ko: "텍스트: 30초 이내, 오디오: 2분 이내, 비디오: 5분 이내",
        measured_by: "average completed_at - created_at of completed consultations, per file type",
    },
    Kpi {
        id: "analysis_success_rate",
        group: KpiGroup::Processing,
        name_ko: "분석 성공률",
        name_en: "Analysis success rate",
        unit: Unit::Percent,
        target: Target::AtLeast(95.0),
        target_ko: "95% 이상",
        measured_by: "completed over finished (completed + failed) consultations",
    },
    Kpi {
        id: "analysis_failure_rate",
        group: KpiGroup::Processing,
        name_ko: "분석 실패율",
        name_en: "Analysis failure rate",
        unit: Unit::Percent,
        target: Target::AtMost(5.0),
        target_ko: "5% 이하",
        measured_by: "failed over finished (completed + failed) consultations",
    },
    Kpi {
        id: "queue_wait",
        group: KpiGroup::Processing,
        name_ko: "처리 대기 시간",
        name_en: "Queue wait",
        unit: Unit::Seconds,
        target: Target::AtMost(5.0),
        target_ko: "5초 이내",
        measured_by: "average processing_started_at - created_at (the first attempt's start); the sheet's Celery queue is this system's job queue",
    },
    // 2.2 시스템 가용성
    Kpi {
        id: "api_response_time",
        group: KpiGroup::Availability,
        name_ko: "API 응답 시간",
        name_en: "API response time",
        unit: Unit::Milliseconds,
        target: Target::AtMost(200.0),
        target_ko: "200ms 이내",
        measured_by: "average duration of GraphQL HTTP requests from the server's request metrics",
    },
    Kpi {
        id: "uptime",
        group: KpiGroup::Availability,
        name_ko: "시스템 가동률",
        name_en: "Uptime",
        unit: Unit::Percent,
        target: Target::AtLeast(99.0),
        target_ko: "99% 이상",
        measured_by: "share of the server's periodic health checks (database answering) that passed",
    },
    Kpi {
        id: "error_rate",
        group: KpiGroup::Availability,
        name_ko: "에러율",
        name_en: "Error rate",
        unit: Unit::Percent,
        target: Target::AtMost(1.0),
        target_ko: "1% 이하",
        measured_by: "requests answered with a server error (5xx or INTERNAL / SERVICE_UNAVAILABLE) over all requests",
    },
    Kpi {
        id: "subscription_connection_success",
        group: KpiGroup::Availability,
        name_ko: "SSE 연결 안정성",
        name_en: "Live-progress connection success",
        unit: Unit::Percent,
        target: Target::AtLeast(98.0),
        target_ko: "98% 이상",
        measured_by: "GraphQL subscription connections acknowledged over attempted (the seed's SSE stream is this system's graphql-transport-ws subscription)",
    },
    // 2.3 리소스 사용량
    Kpi {
        id: "queue_length",
        group: KpiGroup::Resources,
        name_ko: "Celery 작업 큐 대기 시간",
        name_en: "Job queue length",
        unit: Unit::Count,
        target: Target::AtMost(5.0),
        target_ko: "평균 5개 이하",
        measured_by: "average number of queued jobs (the sheet counts waiting jobs despite its name; Celery's queue is this system's jobs table)",
    },
    Kpi {
        id: "queue_memory",
        group: KpiGroup::Resources,
        name_ko: "Redis 메모리 사용량",
        name_en: "Queue and database memory use",
        unit: Unit::Percent,
        target: Target::AtMost(80.0),
        target_ko: "80% 이하",
        measured_by: "there is no Redis: the queue lives in the database, so this is the database's share of its memory or size budget",
    },
    Kpi {
        id: "server_cpu",
        group: KpiGroup::Resources,
        name_ko: "서버 CPU 사용률",
        name_en: "Server CPU use",
        unit: Unit::Percent,
        target: Target::AtMost(70.0),
        target_ko: "70% 이하",
        measured_by: "CPU use of the consult-coach processes (the sheet's Django server)",
    },
    Kpi {
        id: "server_memory",
        group: KpiGroup::Resources,
        name_ko: "서버 메모리 사용률",
        name_en: "Server memory use",
        unit: Unit::Percent,
        target: Target::AtMost(80.0),
        target_ko: "80% 이하",
        measured_by: "resident memory of the consult-coach processes over the machine's memory",
    },
    // 3.1 분석 품질
    Kpi {
        id: "result_length",
        group: KpiGroup::AnalysisQuality,
        name_ko: "분석 결과 길이",
        name_en: "Analysis length",
        unit: Unit::Characters,
        target: Target::Between(500.0, 2000.0),
        target_ko: "500-2000자",
        measured_by: "average analyses.result_chars (summary, rationales and items as read)",
    },
    Kpi {
        id: "category_coverage",
        group: KpiGroup::AnalysisQuality,
        name_ko: "분석 항목 커버리지",
        name_en: "Category coverage",
        unit: Unit::Percent,
        target: Target::AtLeast(80.0),
        target_ko: "80% 이상",
        measured_by: "share of analyses whose three categories (attitude, problem solving, communication) each have a rationale",
    },
    Kpi {
        id: "user_satisfaction",
        group: KpiGroup::AnalysisQuality,
        name_ko: "사용자 만족도",
        name_en: "User satisfaction",
        unit: Unit::OutOf5,
        target: Target::AtLeast(4.0),
        target_ko: "4.0/5.0 이상",
        measured_by: "average rating counselors give analyses (feedback), with managers' survey satisfaction",
    },
    Kpi {
        id: "reanalysis_rate",
        group: KpiGroup::AnalysisQuality,
        name_ko: "재분석 요청률",
        name_en: "Re-analysis rate",
        unit: Unit::Percent,
        target: Target::AtMost(10.0),
        target_ko: "10% 이하",
        measured_by: "consultations with reanalysis_of set (same file re-uploaded or reanalyze) over all uploads",
    },
    // 3.2 AI API 사용 효율성
    Kpi {
        id: "llm_success_rate",
        group: KpiGroup::AiApiEfficiency,
        name_ko: "Gemini API 호출 성공률",
        name_en: "LLM API success rate",
        unit: Unit::Percent,
        target: Target::AtLeast(95.0),
        target_ko: "95% 이상",
        measured_by: "llm_calls answered with HTTP 2xx over all calls, for whichever provider is configured (Gemini or OpenAI-compatible)",
    },
    Kpi {
        id: "llm_retry_rate",
        group: KpiGroup::AiApiEfficiency,
        name_ko: "API 재시도율",
        name_en: "LLM API retry rate",
        unit: Unit::Percent,
        target: Target::AtMost(5.0),
        target_ko: "5% 이하",
        measured_by: "llm_calls that needed at least one retry over all calls",
    },
    Kpi {
        id: "llm_response_time",
        group: KpiGroup::AiApiEfficiency,
        name_ko: "평균 API 응답 시간",
        name_en: "Average LLM API response time",
        unit: Unit::Seconds,
        target: Target::AtMost(10.0),
        target_ko: "10초 이내",
        measured_by: "average llm_calls.latency_ms (retries and waits included)",
    },
    Kpi {
        id: "llm_daily_calls",
        group: KpiGroup::AiApiEfficiency,
        name_ko: "일일 API 호출 수",
        name_en: "Daily LLM API calls",
        unit: Unit::Count,
        target: Target::WithinQuota,
        target_ko: "할당량 내",
        measured_by: "llm_calls per day (average), against the provider's configured daily quota",
    },
    // 4.1 상담 품질 개선
    Kpi {
        id: "improvement_derivation_rate",
        group: KpiGroup::QualityImprovement,
        name_ko: "개선 사항 도출률",
        name_en: "Improvement derivation rate",
        unit: Unit::Percent,
        target: Target::AtLeast(90.0),
        target_ko: "90% 이상",
        measured_by: "analyses with at least one improvement item over all analyses",
    },
    Kpi {
        id: "avg_improvement_items",
        group: KpiGroup::QualityImprovement,
        name_ko: "평균 개선 항목 수",
        name_en: "Improvement items per analysis",
        unit: Unit::Items,
        target: Target::Between(3.0, 5.0),
        target_ko: "3-5개",
        measured_by: "average analyses.improvement_count",
    },
    Kpi {
        id: "quality_score_change",
        group: KpiGroup::QualityImprovement,
        name_ko: "상담 품질 점수 개선",
        name_en: "Quality score change",
        unit: Unit::Percent,
        target: Target::AtLeast(20.0),
        target_ko: "20% 향상",
        measured_by: "change of each analysis' overall score against its counselor's baseline (the average of their first five analyses), in percent; managers' perceived quality from surveys beside it",
    },
    Kpi {
        id: "coaching_effectiveness",
        group: KpiGroup::QualityImprovement,
        name_ko: "코칭 효과성",
        name_en: "Coaching effectiveness",
        unit: Unit::Percent,
        target: Target::AtLeast(60.0),
        target_ko: "60% 이상",
        measured_by: "improvement items whose follow-up window ended in the range: those the same counselor's later consultations no longer trigger (or whose category score rose), over those followed up",
    },
    // 4.2 사용자 가치
    Kpi {
        id: "time_saved",
        group: KpiGroup::UserValue,
        name_ko: "시간 절약",
        name_en: "Time saved",
        unit: Unit::Percent,
        target: Target::AtLeast(80.0),
        target_ko: "80% 절약",
        measured_by: "managers' survey estimate of time saved against manual review",
    },
    Kpi {
        id: "result_utilisation",
        group: KpiGroup::UserValue,
        name_ko: "분석 결과 활용률",
        name_en: "Report utilisation",
        unit: Unit::Percent,
        target: Target::AtLeast(70.0),
        target_ko: "70% 이상",
        measured_by: "completed analyses that were downloaded or shared at least once",
    },
    Kpi {
        id: "nps",
        group: KpiGroup::UserValue,
        name_ko: "사용자 추천 의향 (NPS)",
        name_en: "Likelihood to recommend (NPS)",
        unit: Unit::OutOf10,
        target: Target::AtLeast(7.0),
        target_ko: "7/10 이상",
        measured_by: "average 0-10 recommendation answer of managers' surveys (the net promoter score is reported beside it)",
    },
    // 5.1 데이터 관리
    Kpi {
        id: "db_size",
        group: KpiGroup::DataManagement,
        name_ko: "데이터베이스 크기",
        name_en: "Database size",
        unit: Unit::Megabytes,
        target: Target::AtMost(100.0),
        target_ko: "100MB 이하",
        measured_by: "size of the SQLite file (with its WAL) or of the PostgreSQL database",
    },
    Kpi {
        id: "stored_files",
        group: KpiGroup::DataManagement,
        name_ko: "저장된 파일 수",
        name_en: "Stored files",
        unit: Unit::Count,
        target: Target::Untargeted,
        target_ko: "-",
        measured_by: "uploaded files kept in object storage (local directory or S3-compatible, the sheet's Supabase)",
    },
    Kpi {
        id: "storage_upload_success",
        group: KpiGroup::DataManagement,
        name_ko: "Supabase 업로드 성공률",
        name_en: "Storage upload success rate",
        unit: Unit::Percent,
        target: Target::AtLeast(95.0),
        target_ko: "95% 이상",
        measured_by: "storage_events uploads that succeeded, whichever object storage is configured",
    },
    Kpi {
        id: "file_download_success",
        group: KpiGroup::DataManagement,
        name_ko: "파일 다운로드 성공률",
        name_en: "File download success rate",
        unit: Unit::Percent,
        target: Target::AtLeast(98.0),
        target_ko: "98% 이상",
        measured_by: "storage_events downloads that succeeded",
    },
    // 5.2 보안 및 안정성
    Kpi {
        id: "vulnerabilities",
        group: KpiGroup::Security,
        name_ko: "보안 취약점 수",
        name_en: "Known vulnerabilities",
        unit: Unit::Count,
        target: Target::AtMost(0.0),
        target_ko: "0개",
        measured_by: "advisories reported by the last recorded dependency audit",
    },
    Kpi {
        id: "backup_frequency",
        group: KpiGroup::Security,
        name_ko: "데이터 백업 빈도",
        name_en: "Backup frequency",
        unit: Unit::PerDay,
        target: Target::AtLeast(1.0),
        target_ko: "일 1회",
        measured_by: "successful backups recorded per day",
    },
    Kpi {
        id: "key_exposures",
        group: KpiGroup::Security,
        name_ko: "API 키 노출 사고",
        name_en: "API key exposures",
        unit: Unit::Count,
        target: Target::AtMost(0.0),
        target_ko: "0회",
        measured_by: "secrets found by the log scanner in logs, errors and stored provider messages",
    },
];

/// The KPI with this id.
pub fn kpi(id: &str) -> Option<&'static Kpi> {
    CATALOGUE.iter().find(|k| k.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The web app reads these enums with serde from GraphQL answers: both names must agree.
    #[cfg(feature = "graphql")]
    fn serde_names_are_graphql_names<T>()
    where
        T: async_graphql::resolver_utils::EnumType + Serialize,
    {
        for item in T::items() {
            let serde = serde_json::to_value(item.value).unwrap_or_default();
            assert_eq!(serde, item.name, "{}", std::any::type_name::<T>());
        }
    }

    #[cfg(feature = "graphql")]
    #[test]
    fn every_kpi_enum_has_the_same_name_in_serde_and_graphql() {
        serde_names_are_graphql_names::<KpiGroup>();
        serde_names_are_graphql_names::<Unit>();
        serde_names_are_graphql_names::<Direction>();
        serde_names_are_graphql_names::<KpiStatus>();
    }

    #[test]
    fn ids_are_unique_snake_case_and_every_kpi_says_how_it_is_measured() {
        let mut ids: Vec<&str> = CATALOGUE.iter().map(|k| k.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), CATALOGUE.len());
        for kpi in &CATALOGUE {
            assert!(
                kpi.id
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'),
                "{}",
                kpi.id
            );
            assert!(
                !kpi.name_en.is_empty() && kpi.measured_by.len() > 20,
                "{}",
                kpi.id
            );
            assert!(!kpi.target_ko.is_empty(), "{}", kpi.id);
        }
        assert_eq!(kpi("nps").map(|k| k.group), Some(KpiGroup::UserValue));
        assert!(kpi("unknown").is_none());
    }

    #[test]
    fn statuses_follow_each_kind_of_target() {
        let status =
            |id: &str, value: Option<KpiValue>| kpi(id).map(|k| k.status(value, Some(1000.0)));
        use KpiStatus::{Met, NoData, NotMet};
        use KpiValue::Scalar;
        assert_eq!(
            status("analysis_success_rate", Some(Scalar(95.0))),
            Some(Met)
        );
        assert_eq!(
            status("analysis_success_rate", Some(Scalar(94.9))),
            Some(NotMet)
        );
        assert_eq!(status("analysis_success_rate", None), Some(NoData));
        assert_eq!(status("queue_wait", Some(Scalar(5.0))), Some(Met));
        assert_eq!(status("queue_wait", Some(Scalar(5.1))), Some(NotMet));
        assert_eq!(status("result_length", Some(Scalar(1200.0))), Some(Met));
        assert_eq!(status("result_length", Some(Scalar(450.0))), Some(NotMet));
        assert_eq!(status("llm_daily_calls", Some(Scalar(999.0))), Some(Met));
        assert_eq!(
            status("llm_daily_calls", Some(Scalar(1001.0))),
            Some(NotMet)
        );
        assert_eq!(status("stored_files", Some(Scalar(3.0))), Some(NoData));
        let per_type = |text, audio, video| KpiValue::PerFileType { text, audio, video };
        assert_eq!(
            status(
                "avg_processing_time",
                Some(per_type(Some(12.0), Some(110.0), None))
            ),
            Some(Met)
        );
        assert_eq!(
            status(
                "avg_processing_time",
                Some(per_type(Some(12.0), Some(130.0), None))
            ),
            Some(NotMet)
        );
        assert_eq!(
            status("avg_processing_time", Some(per_type(None, None, None))),
            Some(NoData)
        );
        assert_eq!(
            status(
                "file_type_mix",
                Some(per_type(Some(65.0), Some(27.0), Some(8.0)))
            ),
            Some(Met)
        );
        assert_eq!(
            status("file_type_mix", Some(per_type(Some(100.0), None, None))),
            Some(NotMet)
        );
        assert_eq!(
            status("avg_processing_time", Some(Scalar(1.0))),
            Some(NoData)
        );
        assert_eq!(
            kpi("queue_wait").map(|k| k.target.direction()),
            Some(Direction::LowerIsBetter)
        );
    }
}
