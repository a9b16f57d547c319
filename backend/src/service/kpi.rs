//! The product's measurements of itself (KPI sheet, `../shared/spec/kpi-sheet.ko.md`): each
//! submodule computes one group of figures from the product's own records over a time range.
//!
//! * [`pipeline`]: processing performance (§2.1) and the job queue (§2.3) from `consultations` and
//!   `jobs`.

pub mod pipeline;
