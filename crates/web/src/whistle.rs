//! The corruption-report channel's plumbing shared by its pages
//! ([`crate::views::corruption_public`], [`crate::views::corruption_staff`]) and its API
//! ([`crate::api::corruption_reports`]): the sealing keys, rate limits per client
//! address, and reading multipart submissions.
//!
//! Nothing here logs. Rate limits count a keyed hash of the client address that changes
//! every window ([`ReportKeys::address_bucket`]), kept in memory only: the address is
//! never stored, written to the database or logged. The limits are per server process.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Mutex, OnceLock};

use axum::extract::Multipart;
use prongsai_store::corruption_reports::{Evidence, MAX_FILES, ReportKeys, prepare_evidence};

use crate::AppState;
use crate::error::Error;

/// The rate-limit window.
pub const WINDOW_MS: i64 = 10 * 60 * 1000;
/// Submissions (new reports and additions) per client address per window, unless
/// `PRONGSAI_WHISTLE_RATE_LIMIT` says otherwise (the load test raises it).
pub const DEFAULT_SUBMISSIONS_PER_WINDOW: u32 = 10;
/// Receipt look-ups per client address per window.
pub const LOOKUPS_PER_WINDOW: u32 = 30;
/// The largest multipart body of a submission (three 5 MiB files and the text).
pub const UPLOAD_BODY_LIMIT: usize = 17 * 1024 * 1024;

#[derive(Default)]
pub struct Whistle {
    keys: OnceLock<Result<ReportKeys, String>>,
    hits: Mutex<Counter>,
}

#[derive(Default)]
struct Counter {
    window: i64,
    hits: HashMap<String, u32>,
}

fn submissions_per_window() -> u32 {
    static N: OnceLock<u32> = OnceLock::new();
    *N.get_or_init(|| {
        std::env::var("PRONGSAI_WHISTLE_RATE_LIMIT")
            .ok()
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(DEFAULT_SUBMISSIONS_PER_WINDOW)
    })
}

/// What is counted.
#[derive(Debug, Clone, Copy)]
pub enum Limit {
    Submission,
    Lookup,
}

impl Whistle {
    /// The channel's keys (derived once from the installation's reports key).
    pub fn keys(&self, state: &AppState) -> Result<&ReportKeys, Error> {
        self.keys
            .get_or_init(|| ReportKeys::from_keys(&state.keys).map_err(|e| e.to_string()))
            .as_ref()
            .map_err(|e| Error::Internal(format!("reports key: {e}")))
    }

    /// Counts one request from `ip`; `Err(TooManyRequests)` past the limit.
    pub fn hit(&self, state: &AppState, ip: IpAddr, what: Limit) -> Result<(), Error> {
        let keys = self.keys(state)?;
        let (scope, limit) = match what {
            Limit::Submission => ("whistle-submit", submissions_per_window()),
            Limit::Lookup => (
                "whistle-lookup",
                LOOKUPS_PER_WINDOW.max(submissions_per_window()),
            ),
        };
        let bucket = keys.address_bucket(scope, &ip.to_string(), WINDOW_MS);
        let window = prongsai_store::now_ms().div_euclid(WINDOW_MS);
        let mut c = self
            .hits
            .lock()
            .map_err(|_| Error::Internal("rate-limit lock".into()))?;
        if c.window != window {
            c.window = window;
            c.hits.clear();
        }
        let n = c.hits.entry(bucket).or_insert(0);
        *n += 1;
        if *n > limit {
            Err(Error::TooManyRequests)
        } else {
            Ok(())
        }
    }
}

/// A multipart submission: its text fields and its (checked, cleaned) files.
#[derive(Default)]
pub struct Submission {
    fields: HashMap<String, String>,
    pub files: Vec<Evidence>,
    /// The message key of the first refused file, if any.
    pub refused: Option<&'static str>,
}

impl Submission {
    pub fn field(&self, name: &str) -> String {
        self.fields.get(name).cloned().unwrap_or_default()
    }
}

/// Reads a multipart form: text fields, and up to [`MAX_FILES`] files in fields named
/// `files`. Empty file inputs are skipped. Errors never echo what was sent.
pub async fn read_multipart(mut mp: Multipart) -> Result<Submission, Error> {
    let mut out = Submission::default();
    let bad = || Error::BadRequest(crate::key!("error.bad_request"));
    while let Some(field) = mp.next_field().await.map_err(|_| bad())? {
        let name = field.name().unwrap_or_default().to_string();
        if name == "files" {
            let bytes = field.bytes().await.map_err(|_| bad())?;
            if bytes.is_empty() {
                continue;
            }
            if out.files.len() >= MAX_FILES {
                out.refused
                    .get_or_insert(crate::key!("integrity.file_count"));
                continue;
            }
            match prepare_evidence(&bytes) {
                Ok(e) => out.files.push(e),
                Err(r) => {
                    out.refused.get_or_insert(r.key);
                }
            }
        } else {
            let text = field.text().await.map_err(|_| bad())?;
            if out.fields.len() < 32 {
                out.fields.insert(name, text);
            }
        }
    }
    Ok(out)
}

/// How often the server deletes reports past their retention period.
pub const PURGE_EVERY: std::time::Duration = std::time::Duration::from_secs(60 * 60);

/// Starts the retention task: a minute after start, then every [`PURGE_EVERY`], it
/// deletes expired reports of every organization. Idempotent and safe with several
/// server processes (each report is deleted and counted once, by whoever gets there
/// first; see `prongsai_store::corruption_reports::purge_expired`).
pub fn spawn_retention(state: AppState) {
    tokio::spawn(async move {
        tokio::time::sleep(std::time::Duration::from_secs(60)).await;
        loop {
            let res = prongsai_store::corruption_reports::purge_expired(
                &state.db,
                &state.keys.audit,
                state.blobs.as_ref(),
                None,
                time::OffsetDateTime::now_utc(),
                &prongsai_store::audit::Actor::system(),
            )
            .await;
            match res {
                Ok(0) => {}
                Ok(n) => tracing::info!(deleted = n, "expired corruption reports deleted"),
                Err(e) => tracing::warn!(error = %e, "corruption-report retention failed"),
            }
            tokio::time::sleep(PURGE_EVERY).await;
        }
    });
}
