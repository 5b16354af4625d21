//! `/api/v1/…corruption-reports…`: the corruption-report channel for programs (a chat
//! bot, a kiosk). The receipt travels only in JSON bodies, never in a URL. Bodies that
//! do not parse get a generic 400 that echoes nothing of what was sent.

use axum::Json;
use axum::extract::{FromRequest, Path, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use prongsai_domain::codes::Receipt;
use prongsai_store::corruption_reports::{self as store, Details, Evidence, Identity};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use time::format_description::well_known::Rfc3339;

use crate::AppState;
use crate::error::Error;
use crate::middleware::client_ip::ClientIp;
use crate::views::corruption_public::stats_rows;
use crate::views::public::public_org;
use crate::whistle::Limit;

/// A JSON body whose rejection says nothing about its content.
pub struct Body<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Body<T> {
    type Rejection = Error;

    async fn from_request(req: Request, state: &S) -> Result<Self, Error> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(v)) => Ok(Body(v)),
            Err(rej) => Err(crate::views::body_error(rej.status())),
        }
    }
}

#[derive(Deserialize)]
pub struct FileIn {
    /// The file's bytes, base64.
    data_base64: String,
}

#[derive(Deserialize)]
pub struct NewReportIn {
    #[serde(default)]
    who_name: String,
    #[serde(default)]
    who_position: String,
    #[serde(default)]
    who_division: String,
    what: String,
    #[serde(default)]
    when: String,
    #[serde(default, rename = "where")]
    where_: String,
    #[serde(default)]
    how_known: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    contact: String,
    #[serde(default)]
    files: Vec<FileIn>,
}

#[derive(Serialize)]
pub struct ReceiptOut {
    /// Shown once: only its hash is kept.
    pub receipt: String,
    pub status: String,
}

fn unprocessable(key: &'static str) -> Error {
    Error::BadRequest(key)
}

fn evidence(files: Vec<FileIn>) -> Result<Vec<Evidence>, Error> {
    if files.len() > store::MAX_FILES {
        return Err(unprocessable(crate::key!("integrity.file_count")));
    }
    files
        .into_iter()
        .map(|f| {
            let bytes = data_encoding::BASE64
                .decode(f.data_base64.trim().as_bytes())
                .map_err(|_| unprocessable(crate::key!("error.bad_request")))?;
            store::prepare_evidence(&bytes).map_err(|r| unprocessable(r.key))
        })
        .collect()
}

/// `POST /api/v1/orgs/{org}/corruption-reports` → 201 `{receipt, status}`.
pub async fn create(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    ClientIp(ip): ClientIp,
    Body(b): Body<NewReportIn>,
) -> Result<Response, Error> {
    let o = public_org(&state, &slug).await?;
    state.whistle.hit(&state, ip, Limit::Submission)?;
    let details = Details {
        who_name: b.who_name.trim().to_string(),
        who_position: b.who_position.trim().to_string(),
        who_division: b.who_division.trim().to_string(),
        what: b.what.trim().to_string(),
        when: b.when.trim().to_string(),
        where_: b.where_.trim().to_string(),
        how_known: b.how_known.trim().to_string(),
    };
    match details.validate() {
        Err("what") => return Err(unprocessable(crate::key!("integrity.what_required"))),
        Err(_) => return Err(unprocessable(crate::key!("integrity.too_long"))),
        Ok(()) => {}
    }
    if b.name.chars().count() > store::MAX_SHORT_FIELD_CHARS
        || b.contact.chars().count() > store::MAX_SHORT_FIELD_CHARS
    {
        return Err(unprocessable(crate::key!("integrity.too_long")));
    }
    let files = evidence(b.files)?;
    let keys = state.whistle.keys(&state)?;
    let receipt = store::submit(
        &state.writes,
        state.blobs.clone(),
        keys,
        o.org.id,
        Some(Identity {
            name: b.name.trim().to_string(),
            contact: b.contact.trim().to_string(),
        }),
        details,
        files,
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        [(axum::http::header::CACHE_CONTROL, "no-store")],
        Json(ReceiptOut {
            receipt: receipt.reveal_grouped(),
            status: "received".into(),
        }),
    )
        .into_response())
}

#[derive(Deserialize)]
pub struct LookupIn {
    receipt: String,
}

#[derive(Serialize)]
pub struct MessageOut {
    pub author: store::Author,
    pub body: String,
    pub created_at: String,
}

#[derive(Serialize)]
pub struct StatusOut {
    pub status: String,
    pub status_th: String,
    pub status_en: String,
    pub received_at: String,
    pub messages: Vec<MessageOut>,
    pub files: usize,
}

fn rfc3339(ms: i64) -> String {
    prongsai_store::from_ms(ms)
        .format(&Rfc3339)
        .unwrap_or_default()
}

async fn find(state: &AppState, receipt: &str) -> Result<store::StoredReport, Error> {
    let r = Receipt::parse(receipt).map_err(|_| Error::NotFound)?;
    let keys = state.whistle.keys(state)?;
    let mut conn = state.db.pool.acquire().await?;
    store::by_receipt(&mut conn, keys, &r)
        .await?
        .ok_or(Error::NotFound)
}

/// `POST /api/v1/corruption-reports/lookup` with `{receipt}` → status and replies.
pub async fn lookup(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Body(b): Body<LookupIn>,
) -> Result<Response, Error> {
    state.whistle.hit(&state, ip, Limit::Lookup)?;
    let report = find(&state, &b.receipt).await?;
    let keys = state.whistle.keys(&state)?;
    let mut conn = state.db.pool.acquire().await?;
    let messages = store::messages(&mut conn, keys, report.org_id, report.id)
        .await?
        .into_iter()
        .map(|m| MessageOut {
            author: m.author,
            body: m.body,
            created_at: rfc3339(m.created_at),
        })
        .collect();
    let files = store::files(&mut conn, report.org_id, report.id)
        .await?
        .len();
    Ok((
        [(axum::http::header::CACHE_CONTROL, "no-store")],
        Json(StatusOut {
            status: report.status.code(),
            status_th: report.status.label_th(),
            status_en: report.status.label_en(),
            received_at: rfc3339(report.received_at),
            messages,
            files,
        }),
    )
        .into_response())
}

#[derive(Deserialize)]
pub struct MessageIn {
    receipt: String,
    #[serde(default)]
    message: String,
    #[serde(default)]
    files: Vec<FileIn>,
}

/// `POST /api/v1/corruption-reports/messages` with `{receipt, message}` → 201.
pub async fn add_message(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Body(b): Body<MessageIn>,
) -> Result<Response, Error> {
    state.whistle.hit(&state, ip, Limit::Submission)?;
    let report = find(&state, &b.receipt).await?;
    let message = b.message.trim().to_string();
    if message.chars().count() > store::MAX_FIELD_CHARS {
        return Err(unprocessable(crate::key!("integrity.too_long")));
    }
    let files = evidence(b.files)?;
    if message.is_empty() && files.is_empty() {
        return Err(unprocessable(crate::key!("integrity.nothing_added")));
    }
    let keys = state.whistle.keys(&state)?;
    store::add_reporter_message(
        &state.writes,
        state.blobs.clone(),
        keys,
        &report,
        message,
        files,
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(serde_json::json!({ "added": true })),
    )
        .into_response())
}

#[derive(Serialize)]
pub struct YearOut {
    /// Buddhist-era fiscal year (ปีงบประมาณ พ.ศ.).
    pub fiscal_year: i32,
    /// `null`: suppressed (a small count, or one that would give a small count away).
    pub received: Option<u64>,
    pub concluded: Option<u64>,
    pub in_progress: Option<u64>,
}

#[derive(Serialize)]
pub struct StatsOut {
    pub years: Vec<YearOut>,
    pub note_th: String,
    pub note_en: String,
}

/// `GET /api/v1/orgs/{org}/corruption-reports/stats`: public counts per fiscal year.
pub async fn stats(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Json<StatsOut>, Error> {
    use prongsai_domain::corruption_report::{Cell, SuppressionRule};
    let o = public_org(&state, &slug).await?;
    let cell = |c: Cell| match c {
        Cell::Count(n) => Some(n),
        Cell::Suppressed => None,
    };
    let years = stats_rows(&state, o.org.id)
        .await?
        .into_iter()
        .map(|(fy, r)| YearOut {
            fiscal_year: fy.be(),
            received: cell(r.received),
            concluded: cell(r.concluded),
            in_progress: cell(r.in_progress),
        })
        .collect();
    let rule = SuppressionRule::default();
    Ok(Json(StatsOut {
        years,
        note_th: rule.note_th(),
        note_en: rule.note_en(),
    }))
}
