//! Prongsai's storage layer: one schema on SQLite (one municipality, a small server)
//! and PostgreSQL (a province or the whole country).
//!
//! Queries are written once, with `$1` placeholders that both databases accept, and run
//! through sqlx's `Any` driver; the few places where the dialects differ ask
//! [`Backend`]. Every organization-owned table carries `org_id` and every query on it is
//! scoped by it, so PostgreSQL can be sharded by organization (see
//! `docs/architecture.md`).
//!
//! One module per area: [`orgs`], [`users`], [`sessions`], [`audit`], [`files`],
//! [`backup`] and [`transfer`] (moving an organization between installations).

pub mod audit;
pub mod backup;
pub mod complaints;
pub mod corruption_reports;
pub mod dashboard;
pub mod db;
pub mod disclosure;
pub mod error;
pub mod files;
pub mod generate;
pub mod group_commit;
pub mod ita;
pub mod keys;
pub mod mail_outbox;
pub mod national;
pub mod oit;
pub mod open311_keys;
pub mod orgs;
pub mod plans;
pub mod procurement;
pub mod procurement_demo;
pub mod progress;
pub mod risk;
pub mod rounds;
pub mod schema;
pub mod search;
pub mod sessions;
pub mod transfer;
pub mod users;
pub mod visits;

pub use db::{Backend, Db, Tx};
pub use error::StoreError;
pub use keys::Keys;

/// Milliseconds since the Unix epoch, UTC: how instants are stored.
pub fn now_ms() -> i64 {
    (time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64
}

/// An instant from stored milliseconds.
pub fn from_ms(ms: i64) -> time::OffsetDateTime {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
}
