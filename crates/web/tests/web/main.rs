//! Black-box tests: each starts the real application on a random port with a fresh
//! SQLite database, and talks to it over HTTP like a browser would.

mod api;
mod auth;
mod authz;
mod helpers;
mod ita_risk;
mod plan;
mod progress;
mod public;
mod security;
