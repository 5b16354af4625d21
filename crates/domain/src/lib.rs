//! Prongsai's domain model: the words of a Thai municipality's anti-corruption plan as
//! plain Rust types, with no IO. Everything here is unit-tested without a database.
//!
//! - [`fiscal`]: the Thai fiscal year (ปีงบประมาณ, October–September) and reporting rounds.
//! - [`thai`]: Thai digits, Buddhist-era dates and Thai month names.
//! - [`org`]: organizations (องค์กรปกครองส่วนท้องถิ่น), their types and slugs.
//! - [`role`]: staff roles and what each may do.
//! - [`audit`]: the hash chain that makes the audit trail tamper-evident.

pub mod audit;
pub mod fiscal;
pub mod org;
pub mod role;
pub mod thai;

pub use fiscal::{FiscalYear, ReportingRound};
pub use org::{OrgType, Slug};
pub use role::{Permission, Role};
