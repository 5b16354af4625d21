//! Prongsai's domain model: the words of a Thai municipality's anti-corruption plan as
//! plain Rust types, with no IO. Everything here is unit-tested without a database.
//!
//! - [`fiscal`]: the Thai fiscal year (ปีงบประมาณ, October–September) and reporting rounds.
//! - [`thai`]: Thai digits, Buddhist-era dates and Thai month names.
//! - [`org`]: organizations (องค์กรปกครองส่วนท้องถิ่น), their types and slugs.
//! - [`role`]: staff roles and what each may do.
//! - [`audit`]: the hash chain that makes the audit trail tamper-evident.
//! - [`complaint`]: general complaints (ร้องทุกข์/ร้องเรียน): states, deadlines, statistics.
//! - [`corruption_report`]: corruption and misconduct reports (แจ้งเบาะแสการทุจริต):
//!   workflow, who may see a report, retention, suppressed public statistics.
//! - [`disclosure`]: the information centre's five groups, update rhythms and
//!   staleness, plain-text bodies, OIT readiness.
//! - [`codes`]: complaint tracking codes and corruption-report receipts.
//! - [`ita`]: ITA scores against the plan's targets; corruption cases against the
//!   reduction targets.
//! - [`national`]: the 76 provinces, for installation-wide summaries.
//! - [`risk`]: the corruption risk register's matrix (likelihood × impact → level).
//! - [`procurement`]: e-GP methods, แบบ สขร.1, the yearly procurement analysis, red
//!   flags, Thai ID check digits and name matching for conflicts of interest.
//! - [`progress`]: a project's yearly progress: status, reasons, approval, KPI results.
//! - [`reports`]: the 6- and 12-month round report, added up per dimension.
//! - [`seal`]: encryption of whistleblower fields at rest, and [`seal::Redacted`].

pub mod audit;
pub mod codes;
pub mod complaint;
pub mod corruption_report;
pub mod disclosure;
pub mod fiscal;
pub mod ita;
pub mod national;
pub mod org;
pub mod procurement;
pub mod progress;
pub mod reports;
pub mod risk;
pub mod role;
pub mod seal;
pub mod thai;

pub use fiscal::{FiscalYear, ReportingRound};
pub use org::{OrgType, Slug};
pub use role::{Permission, Role};
