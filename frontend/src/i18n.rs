//! The one typed catalogue of every user-visible string, in Korean (the default) and English.
//!
//! Components never hard-code text: they read [`I18n`] from context and call one method of
//! [`Texts`] per string, so a missing translation is a compile error rather than a blank label.
//! The chosen language is stored in `localStorage["cc.lang"]` and sent to the server as
//! `Accept-Language`, which localises error messages.

use leptos::prelude::*;
use shared::consultation::{ConsultationStatus, FileType};
use shared::kpi::{KpiGroup, KpiStatus, Unit};
use shared::progress::Stage;
use shared::report::{Category, MomentKind, Priority};
use shared::transcript::Speaker;

use crate::api::api_keys::Scope;
use crate::api::auth::Role;
use crate::state;

/// `localStorage` key of the chosen language.
const LANG_KEY: &str = "cc.lang";

/// A language of the user interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// Korean, the default.
    #[default]
    Ko,
    /// English.
    En,
}

impl Lang {
    /// The BCP-47 code, also sent as `Accept-Language`.
    pub fn code(self) -> &'static str {
        match self {
            Self::Ko => "ko",
            Self::En => "en",
        }
    }

    /// Parses a stored code; anything unknown is `None`.
    pub fn from_code(code: &str) -> Option<Self> {
        match code.trim() {
            "ko" => Some(Self::Ko),
            "en" => Some(Self::En),
            _ => None,
        }
    }

    /// The other language (what the toggle switches to).
    pub fn other(self) -> Self {
        match self {
            Self::Ko => Self::En,
            Self::En => Self::Ko,
        }
    }
}

/// The language context: a signal holding the current [`Lang`].
#[derive(Debug, Clone, Copy)]
pub struct I18n {
    lang: RwSignal<Lang>,
}

impl I18n {
    /// Creates the context from the stored choice (Korean when nothing is stored).
    pub fn load() -> Self {
        let lang = state::storage_get(LANG_KEY)
            .and_then(|code| Lang::from_code(&code))
            .unwrap_or_default();
        Self {
            lang: RwSignal::new(lang),
        }
    }

    /// The current language (tracked: views re-render when it changes).
    pub fn lang(self) -> Lang {
        self.lang.get()
    }

    /// The current language without subscribing (for requests and event handlers).
    pub fn lang_untracked(self) -> Lang {
        self.lang.get_untracked()
    }

    /// The catalogue in the current language (tracked).
    pub fn t(self) -> Texts {
        Texts(self.lang())
    }

    /// The catalogue in the current language, without subscribing.
    pub fn t_untracked(self) -> Texts {
        Texts(self.lang_untracked())
    }

    /// Switches to the other language and remembers the choice; returns the new language.
    pub fn toggle(self) -> Lang {
        let next = self.lang.get_untracked().other();
        self.set_lang(next);
        next
    }

    /// Switches to a language and remembers the choice in this browser.
    pub fn set_lang(self, lang: Lang) {
        state::storage_set(LANG_KEY, lang.code());
        if self.lang.get_untracked() != lang {
            self.lang.set(lang);
        }
    }

    /// Follows a language change another tab stored.
    pub fn sync_from_storage(self) {
        if let Some(lang) = state::storage_get(LANG_KEY).and_then(|code| Lang::from_code(&code))
            && self.lang.get_untracked() != lang
        {
            self.lang.set(lang);
        }
    }
}

/// Provides the language context and keeps `<html lang>` and the document title in sync.
pub fn provide_i18n() -> I18n {
    let i18n = I18n::load();
    provide_context(i18n);
    Effect::new(move |_| {
        let lang = i18n.lang();
        if let Some(document) = web_sys::window().and_then(|w| w.document()) {
            if let Some(root) = document.document_element() {
                // Failing to set an attribute only affects screen readers' language guess.
                let _ = root.set_attribute("lang", lang.code());
            }
            document.set_title(Texts(lang).document_title());
        }
    });
    i18n
}

/// The language context provided by [`provide_i18n`].
pub fn use_i18n() -> I18n {
    use_context::<I18n>().unwrap_or_else(I18n::load)
}

/// Every user-visible string in one language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Texts(pub Lang);

/// Declares one method per fixed string: `name => "한국어", "English";`.
macro_rules! catalogue {
    ($($name:ident => $ko:literal, $en:literal;)*) => {
        impl Texts {
            $(
                #[doc = concat!("\u{201c}", $ko, "\u{201d} / \u{201c}", $en, "\u{201d}")]
                pub fn $name(self) -> &'static str {
                    match self.0 {
                        Lang::Ko => $ko,
                        Lang::En => $en,
                    }
                }
            )*
        }
    };
}

catalogue! {
    app_name => "Consult Coach", "Consult Coach";
    document_title => "Consult Coach · 상담 코칭", "Consult Coach · consultation coaching";
    tagline => "AI 상담 코칭", "AI consultation coaching";
    lang_toggle => "English", "한국어";
    lang_toggle_aria => "Switch to English", "한국어로 보기";
    logout => "로그아웃", "Sign out";
    nav_main_aria => "주 메뉴", "Main menu";
    nav_consultations => "상담", "Consultations";
    nav_users => "사용자 관리", "Users";
    nav_api_keys => "API 키", "API keys";
    nav_progress => "내 성장", "My progress";
    nav_team => "팀 현황", "Team";
    period_label => "기간", "Period";
    score_overall => "종합 점수", "Overall score";
    trend_chart_aria => "상담별 점수 추이 (종합, 태도, 문제해결, 커뮤니케이션)",
        "Scores per consultation (overall, attitude, problem solving, communication)";
    growth_title => "내 성장", "My progress";
    progress_intro => "분석된 상담의 점수 변화와 자주 반복되는 개선 항목입니다. 같은 파일의 재분석은 한 번만 셉니다.",
        "How your analysed consultations score over time, and the improvement items that keep coming back. A re-analysis of the same file counts once.";
    progress_none => "이 기간에 분석된 상담이 없습니다.", "No analysed consultations in this period.";
    progress_consultations => "분석된 상담", "Analysed consultations";
    progress_change => "점수 변화", "Change";
    progress_change_hint => "점수 변화: 기간 후반 상담의 평균 종합 점수 − 전반 상담의 평균.",
        "Change: the later half's mean overall score minus the earlier half's.";
    progress_chart => "상담별 점수", "Scores per consultation";
    progress_recurring => "반복되는 개선 항목", "Recurring improvement items";
    progress_recurring_none => "이 기간에 제시된 개선 항목이 없습니다.", "No improvement items in this period.";
    progress_recent => "최근 상담", "Recent consultations";
    team_title => "팀 현황", "Team overview";
    team_intro => "팀 상담원별 분석 건수, 평균 점수와 변화, 반복되는 개선 항목입니다. 이름을 누르면 상담원의 성장 추이를 봅니다.",
        "Each counselor's analysed consultations, mean score and its change, and recurring items. Open a name for their progress.";
    team_none => "이 기간에 표시할 상담원이 없습니다.", "No counselors to show for this period.";
    team_col_counselor => "상담원", "Counselor";
    team_col_last => "최근 분석", "Latest analysis";
    nav_profile_aria => "내 정보", "My profile";
    lang_ko => "한국어", "한국어 (Korean)";
    lang_en => "English (영어)", "English";
    saving => "저장 중…", "Saving…";
    saved => "저장했습니다.", "Saved.";
    forbidden_title => "권한이 없습니다", "Not allowed";
    forbidden_body => "이 페이지를 볼 권한이 없습니다. 필요하면 관리자에게 문의해 주세요.",
        "You are not allowed to see this page. Ask an administrator if you need access.";
    you_marker => "(나)", "(you)";
    loading => "불러오는 중…", "Loading…";
    retry => "다시 시도", "Try again";
    not_found_title => "페이지를 찾을 수 없습니다", "Page not found";
    not_found_body => "주소가 바뀌었거나 삭제된 페이지입니다.", "The page moved or no longer exists.";
    back_home => "홈으로", "Back to home";

    login_title => "로그인", "Sign in";
    login_subtitle => "상담 기록을 올리면 AI 코치가 강점과 개선점을 알려 드립니다.",
        "Upload a consultation and get concrete, evidence-based coaching.";
    email_label => "이메일", "E-mail";
    email_placeholder => "name@company.com", "name@company.com";
    password_label => "비밀번호", "Password";
    login_submit => "로그인", "Sign in";
    logging_in => "로그인 중…", "Signing in…";

    profile_title => "내 정보", "Profile";
    profile_account => "계정", "Account";
    profile_name => "이름", "Name";
    profile_email => "이메일", "E-mail";
    profile_role => "역할", "Role";
    profile_team => "팀", "Team";
    language_title => "언어", "Language";
    language_label => "화면 언어", "Display language";
    language_hint => "선택하면 바로 적용되고 계정에 저장되어 다음 로그인에도 유지됩니다.",
        "Applied at once and saved to your account for your next sign-in.";
    password_title => "비밀번호 변경", "Change password";
    password_hint => "새 비밀번호는 12자 이상이어야 합니다. 변경하면 다른 기기의 로그인은 종료됩니다.",
        "New passwords need at least 12 characters. Changing it signs you out on other devices.";
    current_password_label => "현재 비밀번호", "Current password";
    new_password_label => "새 비밀번호", "New password";
    confirm_password_label => "새 비밀번호 확인", "Confirm new password";
    password_submit => "비밀번호 변경", "Change password";
    password_changing => "변경 중…", "Changing…";
    password_changed => "비밀번호를 변경했습니다. 다른 기기의 로그인은 종료되었습니다.",
        "Your password was changed. Other devices were signed out.";
    password_mismatch => "새 비밀번호와 확인이 일치하지 않습니다.", "The new passwords do not match.";
    password_same => "새 비밀번호가 현재 비밀번호와 같습니다.", "The new password is the same as the current one.";
    current_password_required => "현재 비밀번호를 입력해 주세요.", "Please enter your current password.";
    current_password_wrong => "현재 비밀번호가 올바르지 않습니다.", "The current password is incorrect.";

    users_title => "사용자 관리", "Users";
    users_intro => "계정을 만들고 역할, 팀, 활성 상태를 관리합니다. 비활성화된 사용자는 로그인할 수 없습니다.",
        "Create accounts and manage roles, teams and whether they are active. Inactive users cannot sign in.";
    users_list_title => "사용자", "Users";
    users_empty => "사용자가 없습니다.", "There are no users.";
    col_name => "이름", "Name";
    col_email => "이메일", "E-mail";
    col_role => "역할", "Role";
    col_team => "팀", "Team";
    col_active => "활성", "Active";
    no_team => "팀 없음", "No team";
    user_active => "활성", "Active";
    user_inactive => "비활성", "Inactive";
    user_saved => "변경 사항을 저장했습니다.", "Changes saved.";
    new_user_title => "사용자 추가", "Add a user";
    new_user_name => "이름 (선택)", "Name (optional)";
    new_user_name_hint => "비워 두면 이메일의 @ 앞부분을 사용합니다.", "Defaults to the part of the e-mail before @.";
    new_user_password => "초기 비밀번호", "Initial password";
    new_user_password_hint => "12자 이상. 사용자에게 안전하게 전달하고 첫 로그인 후 변경하도록 안내해 주세요.",
        "At least 12 characters. Share it safely and ask the user to change it after signing in.";
    new_user_submit => "사용자 추가", "Add user";
    creating => "만드는 중…", "Creating…";
    teams_title => "팀", "Teams";
    teams_empty => "아직 팀이 없습니다.", "There are no teams yet.";
    team_name_label => "팀 이름", "Team name";
    team_name_required => "팀 이름을 입력해 주세요 (100자 이하).", "Please enter a team name (at most 100 characters).";
    new_team_submit => "팀 추가", "Add team";

    keys_title => "API 키", "API keys";
    keys_intro => "API 키로 다른 시스템이 GraphQL API를 사용할 수 있습니다. 키는 만든 사람의 권한 안에서, 선택한 범위만 사용할 수 있습니다.",
        "API keys let other systems use the GraphQL API, within their creator's access and only for the chosen scopes.";
    keys_list_title => "발급된 키", "Issued keys";
    keys_empty => "발급된 API 키가 없습니다.", "No API keys have been issued.";
    col_prefix => "접두사", "Prefix";
    col_scopes => "권한 범위", "Scopes";
    col_owner => "소유자", "Owner";
    col_last_used => "마지막 사용", "Last used";
    col_actions => "작업", "Actions";
    never_used => "사용 기록 없음", "Never";
    key_active => "사용 중", "Active";
    key_revoked => "폐기됨", "Revoked";
    key_revoke => "폐기", "Revoke";
    key_revoked_notice => "API 키를 폐기했습니다.", "The API key was revoked.";
    new_key_title => "새 API 키", "New API key";
    key_name_label => "이름", "Name";
    key_name_placeholder => "예: 사내 대시보드", "e.g. Internal dashboard";
    key_name_required => "키 이름을 입력해 주세요.", "Please name the key.";
    scopes_legend => "권한 범위", "Scopes";
    scopes_required => "권한 범위를 하나 이상 선택해 주세요.", "Please choose at least one scope.";
    new_key_submit => "API 키 만들기", "Create API key";
    secret_title => "새 API 키가 만들어졌습니다", "Your new API key";
    secret_warning => "이 비밀 키는 지금 한 번만 표시됩니다. 복사해서 안전한 곳에 보관해 주세요.",
        "This secret is shown only once. Copy it and keep it somewhere safe.";
    secret_label => "비밀 키", "Secret";
    copy => "복사", "Copy";
    copied => "복사했습니다.", "Copied.";
    copy_failed => "복사하지 못했습니다. 키를 직접 선택해 복사해 주세요.", "Could not copy. Select the key and copy it yourself.";
    secret_done => "복사해 두었습니다", "I have copied it";

    upload_title => "새 상담 분석", "Analyse a new consultation";
    upload_hint => "대화록(.txt, .srt, .vtt, .json, .csv) 또는 녹음·녹화 파일을 올리면 바로 분석을 시작합니다.",
        "Upload a transcript (.txt, .srt, .vtt, .json, .csv) or an audio/video recording; analysis starts right away.";
    file_label => "상담 파일", "Consultation file";
    title_label => "제목 (선택)", "Title (optional)";
    spoken_label => "녹음 언어", "Language spoken (recordings)";
    spoken_default => "서버 기본값 (보통 한국어)", "Server default (usually Korean)";
    spoken_ko => "한국어", "Korean";
    spoken_en => "영어", "English";
    spoken_ja => "일본어", "Japanese";
    spoken_zh => "중국어", "Chinese";
    spoken_hint => "음성·영상 파일을 받아쓸 때 사용합니다. 텍스트 기록에는 영향이 없습니다.",
        "Used to transcribe audio and video files; text transcripts are not affected.";
    title_placeholder => "비워 두면 파일 이름을 사용합니다", "Defaults to the file name";
    upload_submit => "업로드하고 분석하기", "Upload and analyse";
    uploading => "업로드 중…", "Uploading…";
    file_required => "분석할 파일을 선택해 주세요.", "Please choose a file to analyse.";

    list_title => "최근 상담", "Recent consultations";
    list_empty => "아직 올린 상담이 없습니다. 위에서 첫 상담을 올려 보세요.",
        "No consultations yet. Upload your first one above.";
    col_title => "제목", "Title";
    col_type => "유형", "Type";
    col_status => "상태", "Status";
    col_size => "크기", "Size";
    col_created => "등록일", "Created";
    load_more => "더 보기", "Load more";
    refresh => "새로고침", "Refresh";

    back_to_list => "← 상담 목록", "← All consultations";
    progress_title => "분석 진행 상황", "Analysis progress";
    status_label => "상태", "Status";
    live_connecting => "실시간 연결 중…", "Connecting…";
    live_on => "실시간 업데이트 중", "Live";
    live_polling => "연결이 불안정해 주기적으로 확인하고 있습니다", "Connection unstable: checking periodically";
    failure_title => "분석에 실패했습니다", "The analysis failed";
    report_pending => "분석이 끝나면 코칭 리포트가 여기에 표시됩니다.",
        "The coaching report appears here as soon as the analysis finishes.";
    meta_type => "유형", "Type";
    meta_size => "크기", "Size";
    meta_created => "등록", "Uploaded";
    meta_completed => "완료", "Completed";

    report_title => "코칭 리포트", "Coaching report";
    summary_title => "요약", "Summary";
    scores_title => "평가 점수", "Scores";
    score_out_of => "/ 100", "/ 100";
    strengths => "잘한 점", "Strengths";
    weaknesses => "아쉬운 점", "Weaknesses";
    improvements_title => "개선 포인트", "What to improve";
    issue_label => "무엇이 있었나요", "What happened";
    recommendation_label => "이렇게 바꿔 보세요", "What to do instead";
    example_phrase_label => "이렇게 말해 보세요", "Try saying";
    evidence_label => "근거", "Evidence";
    moments_title => "주요 순간", "Key moments";
    metrics_title => "대화 지표", "Conversation metrics";
    metric_talk_ratio => "상담원 발화 비중", "Agent talk share";
    metric_turns => "발화 수 (상담원 / 고객)", "Turns (agent / customer)";
    metric_wpm => "말 속도 (분당)", "Speaking rate (per minute)";
    metric_monologue => "최장 연속 발화", "Longest monologue";
    metric_dead_air => "침묵 합계", "Total dead air";
    metric_interruptions => "말 겹침", "Interruptions";
    metric_latency => "평균 응답 지연", "Average response latency";
    metric_sentiment => "고객 감정 (시작 → 끝)", "Customer sentiment (start → end)";
    pii_title => "가려진 개인정보", "Redacted personal data";
    pii_none => "발견된 개인정보가 없습니다.", "No personal data was found.";
    analyzer_label => "분석기", "Analyzer";
    transcript_title => "대화 내용", "Transcript";
    transcript_empty => "표시할 대화 내용이 없습니다.", "There is no transcript to show.";
    recording_title => "녹음", "Recording";
    recording_hint => "대화의 시각을 누르면 그 부분부터 재생됩니다.", "Click a turn's time to play from there.";
    seek_label => "이 발화부터 재생", "Play from this turn";
    audio_title => "녹음에서 잰 시간", "Measured on the recording";
    audio_duration => "녹음 길이", "Length";
    audio_agent_talk => "상담원 발화", "Agent speaking";
    audio_customer_talk => "고객 발화", "Customer speaking";
    audio_dead_air => "3초 이상 침묵 합계", "Silences of 3 s or more";
    audio_overlap => "동시 발화", "Both speaking";
    audio_interruptions => "끼어들기 (상담원 / 고객)", "Interruptions (agent / customer)";
    audio_by_channel => "화자: 스테레오 채널로 구분했습니다.", "Speakers: told apart by the stereo channels.";
    audio_heuristic => "화자: 모노 녹음이라 말 사이의 쉼과 상담원 표현으로 추정했습니다. 대화에서 화자를 확인해 주세요.", "Speakers: a mono recording, so they were guessed from pauses and counselor phrases. Check the roles in the transcript.";
    audio_engine => "음성 인식", "Speech recognition";
    transcript_hint => "근거로 인용된 발화는 강조 표시됩니다.", "Turns quoted as evidence are highlighted.";

    nav_dashboard => "KPI 대시보드", "KPI dashboard";
    dashboard_title => "KPI 대시보드", "KPI dashboard";
    dashboard_intro => "기획서의 모든 KPI를 제품이 직접 기록한 데이터로 계산합니다. 기간과 팀을 골라 목표 달성 여부와 일별 추이를 확인하세요.",
        "Every KPI of the specification, computed from the product's own records. Pick a period and a team to see each target's status and daily trend.";
    range_from => "시작일", "From";
    range_to => "종료일", "To";
    range_last_7 => "최근 7일", "Last 7 days";
    range_last_30 => "최근 30일", "Last 30 days";
    range_last_90 => "최근 90일", "Last 90 days";
    range_invalid => "시작일과 종료일을 확인해 주세요. 시작일은 종료일보다 늦을 수 없고 기간은 최대 731일입니다.",
        "Please check the dates: the start cannot be after the end, and a period spans at most 731 days.";
    team_filter => "팀", "Team";
    all_teams => "전체 조직", "Whole organisation";
    kpi_met => "달성", "Met";
    kpi_not_met => "미달", "Not met";
    kpi_no_data => "데이터 없음", "No data";
    kpi_summary_aria => "목표 달성 현황", "Targets at a glance";
    kpi_groups_aria => "KPI 그룹", "KPI groups";
    kpi_target => "목표", "Target";
    kpi_value_label => "값", "Value";
    kpi_sample => "표본", "Sample";
    kpi_system_wide => "시스템 전체 지표 (팀 필터 미적용)", "System-wide figure (team filter does not apply)";
    kpi_no_series => "이 기간에는 기록이 없습니다.", "No records in this period.";
    kpi_trend_aria => "일별 추이", "Daily trend";
    kpi_days_in_tz => "날짜 기준 시간대", "Days counted in";
    target_none => "목표 없음 (추적 지표)", "No target (tracked)";
    target_quota => "일일 호출 한도 이내", "Within the daily quota";

    responses_title => "보고서 활용", "Use this report";
    export_title => "내려받기", "Download";
    share_title => "공유 링크", "Share link";
    share_intro => "계정이 없는 사람도 이 보고서를 읽을 수 있는 링크입니다. 제목과 상담원·올린 사람의 이름은 빠지고, 대화 기록에서는 자동으로 찾은 이름, 생년월일, 전화번호, 이메일, 주민등록번호, 카드·계좌 번호, 주소, 안내하는 회사 이름이 가려집니다. 자동 가림은 완벽하지 않으니 공유 전에 대화 기록을 확인해 주세요.",
        "A link that lets someone without an account read this report. It leaves out the title and the counselor's and uploader's names; in the transcript, the names, dates of birth, phone numbers, e-mail addresses, resident registration numbers, card and account numbers, addresses and the company's name that were found automatically are hidden. Automatic redaction is not perfect: check the transcript before sharing.";
    share_expiry_label => "유효 기간", "Valid for";
    share_create => "링크 만들기", "Create link";
    share_url_label => "공유 링크 주소", "Share link address";
    share_once => "이 주소는 지금 한 번만 보여 드립니다. 복사해 두세요.", "This address is shown only now. Copy it.";
    share_active => "사용 중", "Active";
    share_inactive => "만료·취소됨", "Expired or revoked";
    share_revoke => "공유 취소", "Revoke";
    share_revoked => "공유 링크를 취소했습니다.", "The share link was revoked.";
    ack_title => "확인", "Acknowledgement";
    ack_intro => "보고서를 읽었다면 확인을 눌러 주세요. 팀장님께 확인 여부가 보입니다.",
        "Once you have read the report, acknowledge it. Your manager sees that you did.";
    ack_button => "보고서를 확인했습니다", "I have read this report";
    ack_missing => "상담원이 아직 확인하지 않았습니다.", "The counselor has not acknowledged it yet.";
    rating_title => "분석 평가", "Rate this analysis";
    rating_question => "이 분석이 얼마나 도움이 되었나요?", "How useful was this analysis?";
    rating_scale_hint => "1 = 도움 안 됨, 5 = 매우 도움 됨", "1 = not useful, 5 = very useful";
    rating_comment_label => "의견 (선택)", "Comment (optional)";
    rating_submit => "평가 저장", "Save rating";
    rating_saved => "평가를 저장했습니다. 고맙습니다.", "Your rating was saved. Thank you.";
    rating_required => "1점부터 5점 중 하나를 골라 주세요.", "Choose a rating from 1 to 5.";
    helpful_question => "이 항목이 도움이 되었나요?", "Was this item helpful?";
    helpful_yes => "도움 됨", "Helpful";
    helpful_no => "도움 안 됨", "Not helpful";
    dispute_button => "이의 제기", "Dispute";
    dispute_edit => "사유 수정", "Edit reason";
    dispute_reason_label => "이의 사유 (5자 이상)", "Reason (at least 5 characters)";
    dispute_submit => "이의 제기 보내기", "Send dispute";
    dispute_sent => "이의 제기를 보냈습니다. 팀장님이 검토합니다.", "Your dispute was sent. Your manager will review it.";
    ratings_title => "상담원 평가와 확인", "Counselor's rating and acknowledgement";
    ratings_none => "아직 평가가 없습니다.", "No rating yet.";
    disputes_link => "이의 제기 검토하기", "Review disputes";
    shared_title => "공유된 상담 분석 보고서", "Shared consultation report";
    shared_unavailable => "보고서를 열 수 없습니다", "This report cannot be opened";
    nav_disputes => "이의 제기", "Disputes";
    disputes_title => "이의 제기 검토", "Disputes to review";
    my_disputes_title => "내 이의 제기", "My disputes";
    disputes_intro => "상담원이 동의하지 않은 개선 항목입니다. 수용하면 그 항목은 부당했다고 기록되고, 유지하면 항목이 그대로 남습니다.",
        "Improvement items counselors disagree with. Accepting records that the item was not deserved; keeping it leaves the item as it is.";
    disputes_filter_aria => "상태별 보기", "Show by status";
    disputes_all => "전체", "All";
    disputes_none => "해당하는 이의 제기가 없습니다.", "No disputes here.";
    dispute_note_label => "상담원에게 남길 메모 (선택)", "Note for the counselor (optional)";
    dispute_accept => "수용", "Accept";
    dispute_reject => "유지", "Keep the item";
    nav_survey => "설문", "Survey";
    survey_title => "관리자 설문", "Manager survey";
    survey_intro => "Consult Coach가 팀 코칭에 얼마나 도움이 되는지 알려 주세요. 답변은 KPI 대시보드의 만족도, NPS, 시간 절약 지표가 됩니다.",
        "Tell us how much Consult Coach helps you coach your team. Your answers feed the satisfaction, NPS and time-saved KPIs.";
    survey_answered => " · 이번 기간에 답변했습니다 (수정 가능)", " · answered for this period (you can change it)";
    survey_satisfaction => "분석 결과에 얼마나 만족하시나요?", "How satisfied are you with the analyses?";
    survey_nps => "동료에게 Consult Coach를 추천할 가능성은 얼마나 되나요?", "How likely are you to recommend Consult Coach to a colleague?";
    survey_time_saved => "직접 검토할 때보다 줄어든 시간 (%)", "Time saved compared with reviewing by hand (%)";
    survey_quality => "팀의 상담 품질을 어떻게 평가하시나요?", "How would you rate your team's consultation quality?";
    survey_scale_5 => "1 = 매우 낮음, 5 = 매우 높음", "1 = very low, 5 = very high";
    survey_scale_10 => "0 = 전혀 아님, 10 = 매우 그렇다", "0 = not at all, 10 = extremely likely";
    survey_submit => "설문 제출", "Submit survey";
    survey_update => "답변 수정", "Update answers";
    survey_saved => "설문을 저장했습니다. 고맙습니다.", "Your answers were saved. Thank you.";
    survey_incomplete => "모든 척도 질문에 답해 주세요.", "Please answer every scale question.";
    survey_time_saved_invalid => "줄어든 시간은 0에서 100 사이의 숫자로 입력해 주세요.", "Enter the time saved as a number from 0 to 100.";
    survey_reminder => "이번 기간의 관리자 설문이 아직 남아 있습니다. 2분이면 끝납니다.", "This period's manager survey is waiting for you. It takes two minutes.";
    survey_open => "설문 하기", "Take the survey";
    drop_hint => "파일을 여기로 끌어다 놓거나 선택하세요. 여러 개를 한 번에 올릴 수 있습니다.", "Drag files here or choose them. You can upload several at once.";
    title_several => "여러 파일은 각각의 파일 이름이 제목이 됩니다", "With several files, each is titled by its file name";
    upload_waiting => "대기 중", "Waiting";
    upload_done => "업로드 완료 · 분석 보기", "Uploaded · see the analysis";
    filter_search => "제목 검색", "Search titles";
    filter_search_placeholder => "예: 배송", "e.g. refund";
    filter_all => "전체", "All";
    filter_from => "시작일", "From";
    filter_to => "종료일", "To";
    list_no_match => "조건에 맞는 상담이 없습니다.", "No consultation matches these filters.";
    nav_reports => "주간 리포트", "Weekly reports";
    reports_title => "주간 KPI 리포트", "Weekly KPI reports";
    reports_intro => "기획서 8장 양식의 주간 리포트입니다. 매주 월요일에 지난주 리포트가 자동으로 작성되며, 지금의 수치로 다시 작성할 수도 있습니다.",
        "The weekly report in the specification's §8 template. Last week's is written every Monday; you can also rewrite it with the current figures.";
    reports_week => "주", "Week";
    reports_generate => "지난주 리포트 지금 작성", "Write last week's report now";
    reports_download => "마크다운 내려받기", "Download Markdown";
    reports_none => "아직 작성된 리포트가 없습니다.", "No report has been written yet.";
    nav_system => "시스템", "System";
    system_title => "시스템 상태", "System status";
    system_intro => "이 서버가 쓰는 데이터베이스, 저장소, 분석기와 음성 인식 엔진입니다. 비밀 값(API 키, 비밀번호)은 표시하지 않습니다.",
        "The database, storage, analyzer and speech-to-text engine this server runs with. Secrets (API keys, passwords) are never shown.";
    system_engines => "사용 중인 구성", "In use";
    system_version => "버전", "Version";
    system_database => "데이터베이스", "Database";
    system_storage => "파일 저장소", "File storage";
    system_analyzer => "분석기", "Analyzer";
    system_local_analyzer => "내장 오프라인 분석기", "Built-in offline analyzer";
    system_key => "API 키 설정됨", "API key configured";
    system_stt => "음성 인식", "Speech-to-text";
    system_stt_none => "꺼짐 (녹음 파일은 받지 않습니다)", "Off (recordings are refused)";
    system_workers => "분석 작업자 수", "Analysis workers";
    system_pdf_font => "PDF 한글 글꼴", "Korean font for PDFs";
    system_backups => "데이터베이스 백업", "Database backups";
    system_back_up_now => "지금 백업", "Back up now";
    system_backing_up => "백업 중…", "Backing up…";
    system_no_backups => "아직 백업이 없습니다.", "No backup yet.";
    system_backup_file => "파일", "File";
    system_backup_ok => "성공", "Done";
    err_bad_response => "서버 응답을 이해할 수 없습니다.", "The server sent an unexpected response.";
    err_file_too_large => "파일이 너무 큽니다.", "The file is too large.";
    err_session_expired => "로그인이 만료되었습니다. 다시 로그인해 주세요.",
        "Your session has expired. Please sign in again.";
    err_bad_input => "입력값을 확인해 주세요.", "Please check your input.";
}

impl Texts {
    /// The message for a stable error code (`extensions.code`) whose meaning the code alone
    /// carries; `None` for codes whose server message adds details (input errors, limits).
    pub fn error_code(self, code: &str) -> Option<&'static str> {
        let (ko, en) = match code {
            "NETWORK_ERROR" => (
                "서버에 연결할 수 없습니다. 잠시 후 다시 시도해 주세요.",
                "Cannot reach the server. Please try again shortly.",
            ),
            "INVALID_CREDENTIALS" => (
                "이메일 또는 비밀번호가 올바르지 않습니다.",
                "The e-mail or password is incorrect.",
            ),
            "FORBIDDEN" => (
                "이 작업을 할 권한이 없습니다.",
                "You are not allowed to do this.",
            ),
            "NOT_FOUND" => (
                "찾을 수 없습니다. 삭제되었거나 볼 권한이 없습니다.",
                "Not found: it was removed or you cannot see it.",
            ),
            "EMAIL_TAKEN" => (
                "이미 등록된 이메일입니다.",
                "This e-mail is already registered.",
            ),
            "TEAM_NAME_TAKEN" => (
                "같은 이름의 팀이 이미 있습니다.",
                "A team with this name already exists.",
            ),
            "SIGNUP_DISABLED" => (
                "직접 가입할 수 없습니다. 관리자에게 계정을 요청해 주세요.",
                "Sign-up is disabled. Ask an administrator for an account.",
            ),
            "EMPTY_FILE" => ("빈 파일입니다.", "The file is empty."),
            "TOO_MANY_FILES" => (
                "한 번에 하나의 파일만 올릴 수 있습니다.",
                "Upload one file at a time.",
            ),
            "SUBSCRIPTION_FAILED" => ("실시간 연결에 실패했습니다.", "The live connection failed."),
            "SHARE_LINK_EXPIRED" => (
                "공유 링크의 유효 기간이 지났습니다. 보고서를 공유한 사람에게 새 링크를 요청하세요.",
                "This share link has expired. Ask the person who shared it for a new link.",
            ),
            "SHARE_LINK_REVOKED" => ("공유가 취소된 링크입니다.", "This share link was revoked."),
            "DISPUTE_RESOLVED" => (
                "이미 검토가 끝난 이의 제기입니다.",
                "This dispute has already been reviewed.",
            ),
            "NOT_ANALYSED" => (
                "아직 분석이 끝나지 않았습니다.",
                "The analysis is not finished yet.",
            ),
            "INTERNAL" => (
                "서버에서 오류가 발생했습니다. 잠시 후 다시 시도해 주세요.",
                "Something went wrong on the server. Please try again shortly.",
            ),
            _ => return None,
        };
        Some(match self.0 {
            Lang::Ko => ko,
            Lang::En => en,
        })
    }

    /// "Saved report.pdf".
    pub fn export_saved(self, file_name: &str) -> String {
        match self.0 {
            Lang::Ko => format!("{file_name} 파일을 내려받았습니다."),
            Lang::En => format!("Downloaded {file_name}."),
        }
    }

    /// The label of an export button by format (`PDF`, `MARKDOWN`, `JSON`).
    pub fn export_format(self, format: &str) -> &'static str {
        match (format, self.0) {
            ("PDF", _) => "PDF",
            ("MARKDOWN", Lang::Ko) => "마크다운",
            ("MARKDOWN", Lang::En) => "Markdown",
            _ => "JSON",
        }
    }

    /// A share-link lifetime.
    pub fn share_hours(self, hours: u32) -> String {
        match (self.0, hours.is_multiple_of(24)) {
            (Lang::Ko, true) => format!("{}일", hours / 24),
            (Lang::Ko, false) => format!("{hours}시간"),
            (Lang::En, true) if hours == 24 => "1 day".to_owned(),
            (Lang::En, true) => format!("{} days", hours / 24),
            (Lang::En, false) => format!("{hours} hours"),
        }
    }

    /// "Expires …".
    pub fn share_expires(self, at: &str) -> String {
        match self.0 {
            Lang::Ko => format!("{at}까지"),
            Lang::En => format!("until {at}"),
        }
    }

    /// "Opened n times".
    pub fn share_views(self, views: u32) -> String {
        match self.0 {
            Lang::Ko => format!("{views}회 열람"),
            Lang::En if views == 1 => "opened once".to_owned(),
            Lang::En => format!("opened {views} times"),
        }
    }

    /// "Acknowledged on …".
    pub fn ack_done(self, at: &str) -> String {
        match self.0 {
            Lang::Ko => format!("{at}에 확인했습니다."),
            Lang::En => format!("Acknowledged on {at}."),
        }
    }

    /// When a weekly report was written, and whether on request.
    pub fn reports_generated(self, at: &str, manual: bool) -> String {
        match (self.0, manual) {
            (Lang::Ko, true) => format!("{at}에 요청으로 작성"),
            (Lang::Ko, false) => format!("{at}에 자동 작성"),
            (Lang::En, true) => format!("Written on request on {at}"),
            (Lang::En, false) => format!("Written automatically on {at}"),
        }
    }

    /// "예" / "Yes".
    pub fn yes_no(self, yes: bool) -> &'static str {
        match (self.0, yes) {
            (Lang::Ko, true) => "예",
            (Lang::Ko, false) => "아니요",
            (Lang::En, true) => "Yes",
            (Lang::En, false) => "No",
        }
    }

    /// "Showing 20 of 134".
    pub fn list_count(self, shown: usize, total: u64) -> String {
        match self.0 {
            Lang::Ko => format!("전체 {total}건 중 {shown}건"),
            Lang::En => format!("Showing {shown} of {total}"),
        }
    }

    /// "Period 2026-11".
    pub fn survey_period(self, period: &str) -> String {
        match self.0 {
            Lang::Ko => format!("설문 기간: {period}"),
            Lang::En => format!("Survey period: {period}"),
        }
    }

    /// What a shared report is and until when the link works.
    pub fn shared_intro(self, uploaded: &str, expires: &str) -> String {
        match self.0 {
            Lang::Ko => format!(
                "{uploaded}에 올라온 상담의 분석입니다. 대화 기록에서 자동으로 찾은 이름, 생년월일, 연락처, 주민등록번호, 카드·계좌 번호, 주소와 회사 이름은 가려져 있습니다. 이 링크는 {expires}까지 열립니다."
            ),
            Lang::En => format!(
                "The analysis of a consultation uploaded on {uploaded}. Names, dates of birth, contact details, national ID, card and account numbers, addresses and the company's name found automatically in the transcript are hidden. This link works until {expires}."
            ),
        }
    }

    /// The name of a dispute status (`OPEN`, `ACCEPTED`, `REJECTED`).
    pub fn dispute_status(self, status: &str) -> &'static str {
        match (status, self.0) {
            ("ACCEPTED", Lang::Ko) => "수용됨",
            ("ACCEPTED", Lang::En) => "Accepted",
            ("REJECTED", Lang::Ko) => "유지됨",
            ("REJECTED", Lang::En) => "Kept",
            (_, Lang::Ko) => "검토 대기",
            (_, Lang::En) => "Awaiting review",
        }
    }

    /// Too many sign-in attempts, with the wait when the server said it.
    pub fn err_too_many_attempts(self, retry_after_seconds: Option<u64>) -> String {
        match (self.0, retry_after_seconds) {
            (Lang::Ko, Some(secs)) => {
                format!("로그인 시도가 너무 많습니다. {secs}초 후에 다시 시도해 주세요.")
            }
            (Lang::En, Some(secs)) => {
                format!("Too many sign-in attempts. Please try again in {secs} seconds.")
            }
            (Lang::Ko, None) => {
                "로그인 시도가 너무 많습니다. 잠시 후 다시 시도해 주세요.".to_owned()
            }
            (Lang::En, None) => "Too many sign-in attempts. Please try again later.".to_owned(),
        }
    }

    /// A role's name.
    pub fn role(self, role: Role) -> &'static str {
        match (role, self.0) {
            (Role::Counselor, Lang::Ko) => "상담원",
            (Role::Counselor, Lang::En) => "Counselor",
            (Role::Manager, Lang::Ko) => "매니저",
            (Role::Manager, Lang::En) => "Manager",
            (Role::Admin, Lang::Ko) => "관리자",
            (Role::Admin, Lang::En) => "Administrator",
        }
    }

    /// An API key scope's description.
    pub fn scope(self, scope: Scope) -> &'static str {
        match (scope, self.0) {
            (Scope::ConsultationsRead, Lang::Ko) => "상담·리포트 읽기",
            (Scope::ConsultationsRead, Lang::En) => "Read consultations and reports",
            (Scope::ConsultationsWrite, Lang::Ko) => "상담 업로드·재분석",
            (Scope::ConsultationsWrite, Lang::En) => "Upload and re-analyse consultations",
            (Scope::KpisRead, Lang::Ko) => "KPI 읽기",
            (Scope::KpisRead, Lang::En) => "Read KPIs",
        }
    }

    /// Asks before deactivating a user.
    pub fn confirm_deactivate(self, name: &str) -> String {
        match self.0 {
            Lang::Ko => {
                format!("{name} 계정을 비활성화할까요? 로그인 중인 세션도 모두 종료됩니다.")
            }
            Lang::En => format!("Deactivate {name}? Their open sessions end as well."),
        }
    }

    /// Asks before changing a user's role.
    pub fn confirm_role_change(self, name: &str, role: Role) -> String {
        let role = self.role(role);
        match self.0 {
            Lang::Ko => format!("{name}의 역할을 '{role}'(으)로 바꿀까요?"),
            Lang::En => format!("Change {name}'s role to {role}?"),
        }
    }

    /// Asks before revoking an API key.
    pub fn confirm_revoke_key(self, name: &str) -> String {
        match self.0 {
            Lang::Ko => {
                format!("API 키 '{name}'을(를) 폐기할까요? 이 키를 쓰는 연동은 즉시 중단됩니다.")
            }
            Lang::En => format!("Revoke the API key “{name}”? Integrations using it stop at once."),
        }
    }

    /// A user was created.
    pub fn user_created(self, email: &str) -> String {
        match self.0 {
            Lang::Ko => format!("{email} 계정을 만들었습니다."),
            Lang::En => format!("Created the account {email}."),
        }
    }

    /// A team was created.
    pub fn team_created(self, name: &str) -> String {
        match self.0 {
            Lang::Ko => format!("'{name}' 팀을 만들었습니다."),
            Lang::En => format!("Created the team “{name}”."),
        }
    }

    /// How many members a team has.
    pub fn member_count(self, count: usize) -> String {
        match self.0 {
            Lang::Ko => format!("{count}명"),
            Lang::En if count == 1 => "1 member".to_owned(),
            Lang::En => format!("{count} members"),
        }
    }

    /// Upload progress with a percentage.
    pub fn uploading_percent(self, percent: u32) -> String {
        match self.0 {
            Lang::Ko => format!("업로드 중… {percent}%"),
            Lang::En => format!("Uploading… {percent}%"),
        }
    }

    /// A generic server failure with its HTTP status.
    pub fn err_http(self, status: u16) -> String {
        match self.0 {
            Lang::Ko => format!("서버 오류가 발생했습니다 (HTTP {status})."),
            Lang::En => format!("The server failed (HTTP {status})."),
        }
    }

    /// The live connection is being re-established.
    pub fn live_reconnecting(self, attempt: u32) -> String {
        match self.0 {
            Lang::Ko => format!("다시 연결하는 중… ({attempt})"),
            Lang::En => format!("Reconnecting… ({attempt})"),
        }
    }

    /// A one-based turn number as shown next to evidence quotes and transcript turns.
    pub fn turn_number(self, index: u32) -> String {
        let n = u64::from(index) + 1;
        match self.0 {
            Lang::Ko => format!("{n}번째 발화"),
            Lang::En => format!("Turn {n}"),
        }
    }

    /// A duration in seconds.
    pub fn seconds(self, seconds: f64) -> String {
        match self.0 {
            Lang::Ko => format!("{seconds:.1}초"),
            Lang::En => format!("{seconds:.1} s"),
        }
    }

    /// A speaking rate.
    pub fn per_minute(self, rate: f64) -> String {
        match self.0 {
            Lang::Ko => format!("{rate:.0}회/분"),
            Lang::En => format!("{rate:.0} / min"),
        }
    }

    /// A count of redacted items.
    pub fn pii_count(self, count: u32) -> String {
        match self.0 {
            Lang::Ko => format!("{count}건"),
            Lang::En => format!("{count}"),
        }
    }

    /// The analyzer name, model and rules version.
    pub fn analyzer_info(self, name: &str, model: Option<&str>, version: &str) -> String {
        let name = match (name, self.0) {
            ("local", Lang::Ko) => "로컬 규칙 분석기",
            ("local", Lang::En) => "local rule-based analyzer",
            (other, _) => other,
        };
        match model {
            Some(model) => format!("{name} · {model} · v{version}"),
            None => format!("{name} · v{version}"),
        }
    }

    /// Why an LLM refinement was not used (from the report's stable fallback code).
    pub fn analyzer_fallback(self, code: &str) -> String {
        let reason = match (code, self.0) {
            ("LLM_RATE_LIMITED", Lang::Ko) => "AI 서비스의 요청 한도를 넘었습니다",
            ("LLM_RATE_LIMITED", Lang::En) => "the AI service is rate limiting requests",
            ("LLM_UNAVAILABLE", Lang::Ko) => "AI 서비스가 일시적으로 응답하지 않습니다",
            ("LLM_UNAVAILABLE", Lang::En) => "the AI service is temporarily unavailable",
            ("LLM_TIMEOUT", Lang::Ko) => "AI 서비스의 응답 시간이 초과되었습니다",
            ("LLM_TIMEOUT", Lang::En) => "the AI service did not answer in time",
            ("LLM_UNREACHABLE", Lang::Ko) => "AI 서비스에 연결할 수 없습니다",
            ("LLM_UNREACHABLE", Lang::En) => "the AI service could not be reached",
            ("LLM_CONFIG_ERROR", Lang::Ko) => {
                "AI 서비스 설정 오류로 요청이 거부되었습니다(관리자에게 문의하세요)"
            }
            ("LLM_CONFIG_ERROR", Lang::En) => {
                "the AI service rejected the request: a configuration error (contact your administrator)"
            }
            ("LLM_INVALID_OUTPUT", Lang::Ko) => "AI의 답변이 상담 기록과 맞지 않았습니다",
            ("LLM_INVALID_OUTPUT", Lang::En) => "the AI's answer did not match the transcript",
            (_, Lang::Ko) => "AI 답변을 사용할 수 없었습니다",
            (_, Lang::En) => "the AI's answer could not be used",
        };
        match self.0 {
            Lang::Ko => {
                format!("규칙 기반 분석 결과입니다. AI 보완을 적용하지 못했습니다: {reason}.")
            }
            Lang::En => format!(
                "This is the rule-based analysis; the AI refinement was not applied: {reason}."
            ),
        }
    }

    /// The kind of uploaded file.
    pub fn file_type(self, file_type: FileType) -> &'static str {
        match (file_type, self.0) {
            (FileType::Text, Lang::Ko) => "대화록",
            (FileType::Text, Lang::En) => "Transcript",
            (FileType::Audio, Lang::Ko) => "음성",
            (FileType::Audio, Lang::En) => "Audio",
            (FileType::Video, Lang::Ko) => "영상",
            (FileType::Video, Lang::En) => "Video",
        }
    }

    /// A consultation status.
    pub fn status(self, status: ConsultationStatus) -> &'static str {
        match (status, self.0) {
            (ConsultationStatus::Pending, Lang::Ko) => "대기 중",
            (ConsultationStatus::Pending, Lang::En) => "Pending",
            (ConsultationStatus::Processing, Lang::Ko) => "분석 중",
            (ConsultationStatus::Processing, Lang::En) => "Processing",
            (ConsultationStatus::Completed, Lang::Ko) => "완료",
            (ConsultationStatus::Completed, Lang::En) => "Completed",
            (ConsultationStatus::Failed, Lang::Ko) => "실패",
            (ConsultationStatus::Failed, Lang::En) => "Failed",
        }
    }

    /// Whether a KPI meets its target.
    pub fn kpi_status(self, status: KpiStatus) -> &'static str {
        match status {
            KpiStatus::Met => self.kpi_met(),
            KpiStatus::NotMet => self.kpi_not_met(),
            KpiStatus::NoData => self.kpi_no_data(),
        }
    }

    /// A KPI group's title (the sheet's own in Korean).
    pub fn kpi_group(self, group: KpiGroup) -> &'static str {
        match self.0 {
            Lang::Ko => group.name_ko(),
            Lang::En => group.name_en(),
        }
    }

    /// What is written after a KPI value of this unit (empty for plain counts in English).
    pub fn unit_suffix(self, unit: Unit) -> &'static str {
        match (unit, self.0) {
            (Unit::Count, Lang::Ko) => "건",
            (Unit::Count, Lang::En) => "",
            (Unit::Users, Lang::Ko) => "명",
            (Unit::Users, Lang::En) => " users",
            (Unit::Percent, _) => "%",
            (Unit::Seconds, Lang::Ko) => "초",
            (Unit::Seconds, Lang::En) => " s",
            (Unit::Milliseconds, _) => " ms",
            (Unit::Characters, Lang::Ko) => "자",
            (Unit::Characters, Lang::En) => " chars",
            (Unit::Items, Lang::Ko) => "개",
            (Unit::Items, Lang::En) => " items",
            (Unit::PerSession, Lang::Ko) => "건/세션",
            (Unit::PerSession, Lang::En) => " per session",
            (Unit::OutOf5, _) => " / 5",
            (Unit::OutOf10, _) => " / 10",
            (Unit::Megabytes, _) => " MB",
            (Unit::PerDay, Lang::Ko) => "회/일",
            (Unit::PerDay, Lang::En) => " per day",
        }
    }

    /// The label of a figure reported beside a KPI (`KpiDetail.key`); `None` for unknown keys.
    pub fn kpi_detail(self, key: &str) -> Option<&'static str> {
        let (ko, en) = match key {
            "net_promoter_score" => ("순추천지수 (-100~100)", "Net promoter score (-100..100)"),
            "counselor_rating" => ("상담원 평가 (1~5)", "Counselor rating (1-5)"),
            "survey_satisfaction" => (
                "매니저 설문 만족도 (1~5)",
                "Manager survey satisfaction (1-5)",
            ),
            "attitude_change" => ("태도 점수 변화", "Attitude score change"),
            "problem_solving_change" => ("문제해결 점수 변화", "Problem-solving score change"),
            "communication_change" => ("커뮤니케이션 점수 변화", "Communication score change"),
            "perceived_quality" => (
                "체감 상담 품질 (1~5)",
                "Perceived consultation quality (1-5)",
            ),
            _ => return None,
        };
        Some(match self.0 {
            Lang::Ko => ko,
            Lang::En => en,
        })
    }

    /// A pipeline stage.
    pub fn stage(self, stage: Stage) -> &'static str {
        match (stage, self.0) {
            (Stage::Queued, Lang::Ko) => "대기열 등록",
            (Stage::Queued, Lang::En) => "Queued",
            (Stage::Decoding, Lang::Ko) => "파일 읽기",
            (Stage::Decoding, Lang::En) => "Decoding",
            (Stage::Transcribing, Lang::Ko) => "대화 추출",
            (Stage::Transcribing, Lang::En) => "Transcribing",
            (Stage::Redacting, Lang::Ko) => "개인정보 가림",
            (Stage::Redacting, Lang::En) => "Redacting personal data",
            (Stage::Analyzing, Lang::Ko) => "코칭 분석",
            (Stage::Analyzing, Lang::En) => "Analysing",
            (Stage::Completed, Lang::Ko) => "완료",
            (Stage::Completed, Lang::En) => "Completed",
            (Stage::Failed, Lang::Ko) => "실패",
            (Stage::Failed, Lang::En) => "Failed",
        }
    }

    /// A coaching category.
    pub fn category(self, category: Category) -> &'static str {
        match (category, self.0) {
            (Category::Attitude, Lang::Ko) => "태도",
            (Category::Attitude, Lang::En) => "Attitude",
            (Category::ProblemSolving, Lang::Ko) => "문제해결",
            (Category::ProblemSolving, Lang::En) => "Problem solving",
            (Category::Communication, Lang::Ko) => "커뮤니케이션",
            (Category::Communication, Lang::En) => "Communication",
        }
    }

    /// The overall score's label.
    pub fn overall(self) -> &'static str {
        match self.0 {
            Lang::Ko => "종합",
            Lang::En => "Overall",
        }
    }

    /// A verbal band for a 0-100 score.
    pub fn score_band(self, score: u8) -> &'static str {
        match (score, self.0) {
            (85.., Lang::Ko) => "우수",
            (85.., Lang::En) => "Excellent",
            (70..=84, Lang::Ko) => "양호",
            (70..=84, Lang::En) => "Good",
            (50..=69, Lang::Ko) => "보통",
            (50..=69, Lang::En) => "Fair",
            (_, Lang::Ko) => "개선 필요",
            (_, Lang::En) => "Needs work",
        }
    }

    /// An improvement priority.
    pub fn priority(self, priority: Priority) -> &'static str {
        match (priority, self.0) {
            (Priority::High, Lang::Ko) => "우선순위 높음",
            (Priority::High, Lang::En) => "High priority",
            (Priority::Medium, Lang::Ko) => "우선순위 보통",
            (Priority::Medium, Lang::En) => "Medium priority",
            (Priority::Low, Lang::Ko) => "우선순위 낮음",
            (Priority::Low, Lang::En) => "Low priority",
        }
    }

    /// A speaker.
    pub fn speaker(self, speaker: Speaker) -> &'static str {
        match (speaker, self.0) {
            (Speaker::Agent, Lang::Ko) => "상담원",
            (Speaker::Agent, Lang::En) => "Agent",
            (Speaker::Customer, Lang::Ko) => "고객",
            (Speaker::Customer, Lang::En) => "Customer",
            (Speaker::Unknown, Lang::Ko) => "화자 미상",
            (Speaker::Unknown, Lang::En) => "Unknown",
        }
    }

    /// A kind of notable moment.
    pub fn moment(self, kind: MomentKind) -> &'static str {
        let (ko, en) = match kind {
            MomentKind::Greeting => ("인사", "Greeting"),
            MomentKind::SelfIntro => ("자기소개", "Self-introduction"),
            MomentKind::Empathy => ("공감 표현", "Empathy"),
            MomentKind::Apology => ("사과", "Apology"),
            MomentKind::Cushion => ("쿠션어", "Cushion phrase"),
            MomentKind::Confirmation => ("확인·복창", "Confirmation"),
            MomentKind::Solution => ("해결책 제시", "Solution offered"),
            MomentKind::Closing => ("마무리 인사", "Closing"),
            MomentKind::NegativePhrasing => ("부정적 표현", "Negative phrasing"),
            MomentKind::Interruption => ("말 끊기", "Interruption"),
            MomentKind::DeadAir => ("침묵", "Dead air"),
            MomentKind::Filler => ("군말", "Filler words"),
            MomentKind::Escalation => ("이관 신호", "Escalation signal"),
        };
        match self.0 {
            Lang::Ko => ko,
            Lang::En => en,
        }
    }

    /// A kind of redacted personal data; unknown kinds are shown as sent.
    pub fn pii_kind(self, kind: &str) -> String {
        let known = match kind {
            "phone" => Some(("전화번호", "Phone numbers")),
            "email" => Some(("이메일 주소", "E-mail addresses")),
            "rrn" => Some(("주민등록번호", "Resident registration numbers")),
            "card" => Some(("카드 번호", "Card numbers")),
            "account" => Some(("계좌 번호", "Account numbers")),
            "address" => Some(("주소", "Addresses")),
            "name" => Some(("이름", "Names")),
            "birth_date" => Some(("생년월일", "Dates of birth")),
            "organization" => Some(("회사 이름", "Company names")),
            _ => None,
        };
        match (known, self.0) {
            (Some((ko, _)), Lang::Ko) => ko.to_owned(),
            (Some((_, en)), Lang::En) => en.to_owned(),
            (None, _) => kind.to_owned(),
        }
    }

    /// The localised message of a rejected input from `shared::inputs`.
    pub fn input_error(self, error: &shared::inputs::InputError) -> String {
        match self.0 {
            Lang::Ko => error.message_ko.clone(),
            Lang::En => error.message_en.clone(),
        }
    }
}

impl Texts {
    /// "Last N days" of a period button.
    pub fn period_days(self, days: i64) -> String {
        match (self.0, days) {
            (Lang::Ko, 365) => "최근 1년".to_owned(),
            (Lang::En, 365) => "Last year".to_owned(),
            (Lang::Ko, n) => format!("최근 {n}일"),
            (Lang::En, n) => format!("Last {n} days"),
        }
    }

    /// The title of a team member's progress page.
    pub fn growth_title_of(self, name: &str) -> String {
        match self.0 {
            Lang::Ko => format!("{name} 님의 성장"),
            Lang::En => format!("{name}'s progress"),
        }
    }

    /// How often an item was raised.
    pub fn progress_times(self, times: u32) -> String {
        match self.0 {
            Lang::Ko => format!("{times}회"),
            Lang::En if times == 1 => "once".to_owned(),
            Lang::En => format!("{times} times"),
        }
    }

    /// How many followed-up items improved.
    pub fn progress_improved(self, improved: u32, settled: u32) -> String {
        match self.0 {
            Lang::Ko => format!("코칭 후 개선 {improved}/{settled}"),
            Lang::En => format!("improved after coaching {improved}/{settled}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_codes_round_trip_and_unknown_codes_are_rejected() {
        for lang in [Lang::Ko, Lang::En] {
            assert_eq!(Lang::from_code(lang.code()), Some(lang));
            assert_eq!(lang.other().other(), lang);
        }
        assert_eq!(Lang::from_code("fr"), None);
        assert_eq!(Lang::default(), Lang::Ko);
    }

    #[test]
    fn every_redaction_kind_has_a_label_in_both_languages() {
        for kind in [
            "phone",
            "email",
            "rrn",
            "card",
            "account",
            "address",
            "name",
            "birth_date",
            "organization",
        ] {
            assert_ne!(Texts(Lang::Ko).pii_kind(kind), kind);
            assert_ne!(Texts(Lang::En).pii_kind(kind), kind);
        }
    }

    #[test]
    fn share_link_lifetimes_read_as_days_or_hours_in_both_languages() {
        assert_eq!(Texts(Lang::Ko).share_hours(168), "7일");
        assert_eq!(Texts(Lang::En).share_hours(24), "1 day");
        assert_eq!(Texts(Lang::En).share_hours(720), "30 days");
        assert_eq!(Texts(Lang::Ko).share_hours(5), "5시간");
        assert_eq!(Texts(Lang::En).dispute_status("REJECTED"), "Kept");
    }

    #[test]
    fn the_toggle_is_labelled_with_the_other_language() {
        assert_eq!(Texts(Lang::Ko).lang_toggle(), "English");
        assert_eq!(Texts(Lang::En).lang_toggle(), "한국어");
        assert_eq!(Texts(Lang::Ko).example_phrase_label(), "이렇게 말해 보세요");
        assert_eq!(Texts(Lang::En).example_phrase_label(), "Try saying");
    }
}
