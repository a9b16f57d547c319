//! Types that the Consult Coach server, its web app and its API consumers all speak.
//!
//! * [`report`]: the analysis report (ARCHITECTURE §7), produced by every analyzer.
//! * [`progress`]: pipeline stages and progress events streamed to subscribers.
//! * [`consultation`]: consultation file types and statuses.
//! * [`inputs`]: validated input newtypes (`parse() -> Result`), used by the SPA and the server alike.
//! * [`kpi`]: the catalogue of the KPI sheet's 42 KPIs, their targets and how a value meets them.
//! * [`transcript`]: speaker-labelled turns.
//! * [`errors`]: every error code of the API and the web app.
//! * [`access`]: roles and API-key scopes.
//! * [`language`]: the languages of pages, messages and reports (Korean first).
//! * [`clock`]: epoch-millisecond timestamps (server side).
//! * [`settings`]: validation helpers of the server crates' typed settings.

pub mod access;
pub mod clock;
pub mod consultation;
pub mod errors;
pub mod inputs;
pub mod kpi;
pub mod language;
pub mod progress;
pub mod report;
pub mod settings;
pub mod system;
pub mod transcript;
