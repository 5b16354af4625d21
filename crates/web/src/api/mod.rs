//! The JSON API. Versioned by path: [`v1`] lives under `/api/v1/` and is described by
//! the OpenAPI document it serves at `/api/v1/openapi.json`. Errors are
//! `{ "error": { "code", "message", "message_th" } }` (see
//! [`crate::middleware::error_pages`]).

pub mod complaints;
pub mod corruption_reports;
pub mod open311;
pub mod v1;
