//! Black-box tests: each starts the real application on a random port with a fresh
//! SQLite database, and talks to it over HTTP like a browser would.

mod account;
mod api;
mod auth;
mod corruption_reports;
mod disclosure;
mod authz;
mod complaints;
mod helpers;
mod ita_risk;
mod plan;
mod procurement;
mod progress;
mod open311;
mod public;
mod security;
