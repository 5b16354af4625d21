//! The storage layer's tests, each run on SQLite and on PostgreSQL (see `common`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

mod audit;
mod backup;
mod complaints;
mod dashboard;
mod disclosure;
mod generate;
mod ita_risk;
mod orgs;
mod plans;
mod procurement;
mod progress;
mod scoping;
mod search;
mod sessions;
mod transfer;
mod users;
