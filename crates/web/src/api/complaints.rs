//! `/api/v1/` for complaints: filing (`POST /orgs/{org}/complaints`) for apps and chat
//! bots, and the public status of a tracking code (`GET /complaints/{tracking_code}`).
//! The status never carries contact data or the complaint's text, only what the public
//! tracking page shows.

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use prongsai_domain::complaint::Channel;
use prongsai_store::complaints;
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::error::Error;
use crate::i18n::Lang;
use crate::key;
use crate::middleware::client_ip::ClientIp;
use crate::views::complaints::{
    ComplaintFields, category_label, count_submission, date_label, validate,
};
use crate::views::public::public_org;

#[derive(Debug, Deserialize)]
pub struct NewComplaintIn {
    pub category: String,
    pub description: String,
    #[serde(default)]
    pub location_text: String,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    #[serde(default)]
    pub contact_name: String,
    #[serde(default)]
    pub contact_phone: String,
    #[serde(default)]
    pub contact_email: String,
    /// The complainant accepted the privacy notice (PDPA); required.
    #[serde(default)]
    pub privacy_accepted: bool,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct Filed {
    pub tracking_code: String,
    /// RFC 3339, the end of the last day to answer (Bangkok time).
    pub deadline: String,
    /// The deadline as a Thai date (B.E.).
    pub deadline_th: String,
    pub status: String,
}

fn rfc3339(ms: i64) -> String {
    prongsai_opendata::format_w3c_bangkok(prongsai_store::from_ms(ms))
}

/// `POST /api/v1/orgs/{org}/complaints`
pub async fn create(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    ip: ClientIp,
    body: Result<Json<NewComplaintIn>, JsonRejection>,
) -> Result<Response, Error> {
    let o = public_org(&state, &slug).await?;
    let Json(b) = body.map_err(|_| Error::BadRequest(key!("error.bad_request")))?;
    count_submission(&state, &ip).await?;
    if !b.privacy_accepted {
        return Err(Error::BadRequest(key!("complaint.err_privacy")));
    }
    let fields = ComplaintFields {
        category: b.category,
        description: b.description,
        location_text: b.location_text,
        lat: b.lat.map(|v| v.to_string()).unwrap_or_default(),
        lon: b.lon.map(|v| v.to_string()).unwrap_or_default(),
        contact_name: b.contact_name,
        contact_phone: b.contact_phone,
        contact_email: b.contact_email,
        channel: String::new(),
    };
    let new = validate(&fields, Channel::Api).map_err(Error::BadRequest)?;
    let c = complaints::file(
        &state.db,
        &state.keys.audit,
        state.blobs.as_ref(),
        &o.org,
        &new,
    )
    .await?;
    state.mail_wake.notify_one();
    Ok((
        StatusCode::CREATED,
        Json(Filed {
            deadline: rfc3339(c.deadline_at),
            deadline_th: date_label(Lang::Th, c.deadline_at),
            status: c.status.code().to_string(),
            tracking_code: c.code,
        }),
    )
        .into_response())
}

#[derive(Debug, Serialize, Deserialize)]
pub struct Reply {
    pub at: String,
    /// `filed`, an action (`acknowledge`, `resolve` …), `reply` or `overdue_notice`.
    pub kind: String,
    pub status: String,
    pub text: String,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct PublicStatus {
    pub tracking_code: String,
    pub organization: String,
    pub status: String,
    pub status_th: String,
    pub category: String,
    pub category_th: String,
    pub received_at: String,
    pub deadline: String,
    pub resolved_at: Option<String>,
    pub overdue: bool,
    pub replies: Vec<Reply>,
}

/// `GET /api/v1/complaints/{tracking_code}`
pub async fn status(
    State(state): State<AppState>,
    Path(code): Path<String>,
    ip: ClientIp,
) -> Result<Json<PublicStatus>, Error> {
    let mut conn = state.db.pool.acquire().await?;
    if !prongsai_store::sessions::rate_limit_hit(
        &mut conn,
        &format!("complaint-track:{}", ip.0),
        crate::views::complaints::LOOKUPS_PER_MINUTE,
        60_000,
    )
    .await?
    {
        return Err(Error::TooManyRequests);
    }
    let c = complaints::by_code_anywhere(&mut conn, &code)
        .await?
        .ok_or(Error::NotFound)?;
    let org = prongsai_store::orgs::by_id(&mut conn, c.org_id)
        .await?
        .ok_or(Error::NotFound)?;
    let events = complaints::events(&mut conn, c.org_id, c.id, true).await?;
    Ok(Json(PublicStatus {
        organization: org.slug,
        status: c.status.code().into(),
        status_th: c.status.label_th().into(),
        category_th: category_label(Lang::Th, &c.category),
        category: c.category.clone(),
        received_at: rfc3339(c.received_at),
        deadline: rfc3339(c.deadline_at),
        resolved_at: c.resolved_at.map(rfc3339),
        overdue: c.is_overdue(prongsai_store::now_ms()),
        replies: events
            .into_iter()
            .map(|e| Reply {
                at: rfc3339(e.at_ms),
                kind: e.kind,
                status: e.status_after.code().into(),
                text: e.body,
            })
            .collect(),
        tracking_code: c.code,
    }))
}
