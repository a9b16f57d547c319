//! The product's measurements of itself (KPI sheet, `../shared/spec/kpi-sheet.ko.md`): each
//! submodule computes one group of figures from the product's own records over a time range.
//!
//! * [`pipeline`]: processing performance (§2.1) and the job queue (§2.3) from `consultations` and
//!   `jobs`.
//! * [`records`]: analysis quality (§3.1, §4.1), AI API efficiency (§3.2), storage (§5.1) and
//!   managers' surveys (§4.2) from `analyses`, `feedback`, `llm_calls`, `storage_events` and
//!   `surveys`.

pub mod pipeline;
pub mod records;
