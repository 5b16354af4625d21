//! Black-box tests: each starts the real application on a random port with a fresh
//! SQLite database, and talks to it over HTTP like a browser would.

mod account;
mod api;
mod auth;
mod authz;
mod complaints;
mod corruption_reports;
mod digits;
mod disclosure;
mod helpers;
mod ita_risk;
mod open311;
mod plan;
mod procurement;
mod progress;
mod public;
mod security;
