//! Types that the Consult Coach server, its web app and its API consumers all speak.
//!
//! * [`report`]: the analysis report (DESIGN §4), produced by every analyzer.
//! * [`progress`]: pipeline stages and progress events streamed to subscribers.
//! * [`consultation`]: consultation file types and statuses.
//! * [`inputs`]: validated input newtypes (`parse() -> Result`), used by the SPA and the server alike.
//! * [`kpi`]: the catalogue of the KPI sheet's 42 KPIs, their targets and how a value meets them.
//! * [`transcript`]: speaker-labelled turns.

pub mod consultation;
pub mod inputs;
pub mod kpi;
pub mod progress;
pub mod report;
pub mod system;
pub mod transcript;
