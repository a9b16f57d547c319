//! One component per route; pages own data loading and hand data to [`crate::components`].

pub mod admin_users_page;
pub mod api_keys_page;
pub mod consultation_page;
pub mod dashboard_page;
pub mod disputes_page;
pub mod home_page;
pub mod login_page;
pub mod not_found_page;
pub mod profile_page;
pub mod progress_page;
pub mod report_responses;
pub mod shared_report_page;
pub mod survey_page;
pub mod system_page;
pub mod team_page;
pub mod weekly_reports_page;
