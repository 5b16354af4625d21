//! Open311 GeoReport v2 at `/open311/v2/` (<http://wiki.open311.org/GeoReport_v2>), so
//! 311 clients and chat bots can file and follow complaints: discovery, services (the
//! complaint categories), service definitions, requests (GET with the spec's filters,
//! POST with an API key) and one request by id, each as `.json` or `.xml`. The wire
//! format is `prongsai_opendata::open311`.
//!
//! `jurisdiction_id` is the organization's slug; it may be left out when the
//! installation serves one organization. `service_request_id` is the tracking code.
//! Contact data is never returned.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use prongsai_domain::complaint::{self as rules, Channel};
use prongsai_opendata::open311::{
    Discovery, Document, Endpoint, ErrorResponse, Format, PostOptions, PostResponse, PostResult,
    Service, ServiceDefinition, ServiceList, ServiceRequest, ServiceRequests, ServiceType, Status,
    parse_post_request,
};
use prongsai_store::complaints::{self, Complaint, NewComplaint, QueueFilter};
use prongsai_store::orgs::{self, Organization};
use serde::Deserialize;

use crate::AppState;
use crate::i18n::Lang;
use crate::middleware::client_ip::ClientIp;
use crate::views::complaints::category_label;

fn doc<D: Document>(status: u16, d: &D, f: Format) -> Response {
    let mut r = d.render(f).into_response();
    *r.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(f.content_type()),
    );
    r
}

fn err(f: Format, status: u16, msg: &str) -> Response {
    let e = ErrorResponse::new(status, msg);
    doc(e.status, &e, f)
}

/// `name.ext` → (name, format); `None` for another extension.
fn split(file: &str) -> Option<(&str, Format)> {
    let (name, ext) = file.rsplit_once('.')?;
    Format::from_extension(ext).map(|f| (name, f))
}

fn bad_format() -> Response {
    err(Format::Json, 404, "format must be json or xml")
}

/// The organization a request is about.
async fn jurisdiction(
    state: &AppState,
    id: Option<&str>,
    f: Format,
) -> Result<Organization, Response> {
    let mut conn = state
        .db
        .pool
        .acquire()
        .await
        .map_err(|_| err(f, 500, "database unavailable"))?;
    match id.map(str::trim).filter(|s| !s.is_empty()) {
        Some(slug) => orgs::by_slug(&mut conn, slug)
            .await
            .ok()
            .flatten()
            .ok_or_else(|| err(f, 404, "jurisdiction_id not found")),
        None => match orgs::sole(&mut conn).await {
            Ok(Some(o)) => Ok(o),
            _ => Err(err(f, 400, "jurisdiction_id was not provided")),
        },
    }
}

fn services(lang: Lang) -> Vec<Service> {
    rules::default_categories()
        .into_iter()
        .map(|c| Service {
            service_name: lang.pick(&c.label_th, &c.label_en).to_string(),
            description: c.label_en.clone(),
            service_code: c.code,
            metadata: false,
            kind: ServiceType::Realtime,
            keywords: String::new(),
            group: String::new(),
        })
        .collect()
}

#[derive(Debug, Default, Deserialize)]
pub struct Params {
    jurisdiction_id: Option<String>,
    service_request_id: Option<String>,
    service_code: Option<String>,
    start_date: Option<String>,
    end_date: Option<String>,
    status: Option<String>,
}

/// `GET /open311/v2/{discovery|services|requests}.{json|xml}`
pub async fn resource(
    State(state): State<AppState>,
    Path(file): Path<String>,
    Query(q): Query<Params>,
    headers: HeaderMap,
) -> Response {
    let Some((name, f)) = split(&file) else {
        return bad_format();
    };
    match name {
        "discovery" => discovery(&headers, f),
        "services" => {
            if let Err(r) = jurisdiction(&state, q.jurisdiction_id.as_deref(), f).await {
                return r;
            }
            doc(200, &ServiceList(services(Lang::Th)), f)
        }
        "requests" => list_requests(&state, &q, f).await,
        _ => err(f, 404, "no such resource"),
    }
}

fn base_url(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            h.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | ':' | '-' | '[' | ']'))
        })
        .unwrap_or("localhost");
    format!("http://{host}/open311/v2/")
}

fn discovery(headers: &HeaderMap, f: Format) -> Response {
    let d = Discovery {
        changeset: "2026-01-01T00:00:00+07:00".into(),
        contact: "ศูนย์รับเรื่องร้องเรียนขององค์กรปกครองส่วนท้องถิ่น".into(),
        key_service: "prongsai org api-key create SLUG NAME".into(),
        endpoints: vec![Endpoint {
            specification: "http://wiki.open311.org/GeoReport_v2".into(),
            url: base_url(headers),
            changeset: "2026-01-01T00:00:00+07:00".into(),
            kind: "production".into(),
            formats: vec!["text/xml".into(), "application/json".into()],
        }],
    };
    doc(200, &d, f)
}

/// `GET /open311/v2/services/{service_code}.{json|xml}`
pub async fn service_definition(
    State(state): State<AppState>,
    Path(file): Path<String>,
    Query(q): Query<Params>,
) -> Response {
    let Some((code, f)) = split(&file) else {
        return bad_format();
    };
    if let Err(r) = jurisdiction(&state, q.jurisdiction_id.as_deref(), f).await {
        return r;
    }
    if rules::find_category(&rules::default_categories(), code).is_none() {
        return err(f, 404, "service_code not found");
    }
    doc(
        200,
        &ServiceDefinition {
            service_code: code.to_string(),
            attributes: vec![],
        },
        f,
    )
}

fn to_request(
    c: &Complaint,
    events_note: Option<String>,
    division: Option<String>,
) -> ServiceRequest {
    let t = prongsai_store::from_ms;
    ServiceRequest {
        service_request_id: c.code.clone(),
        status: if c.status.is_open() {
            Status::Open
        } else {
            Status::Closed
        },
        status_notes: events_note,
        service_name: category_label(Lang::Th, &c.category),
        service_code: c.category.clone(),
        description: None,
        agency_responsible: division,
        service_notice: Some(c.status.label_th().to_string()),
        requested_datetime: t(c.received_at),
        updated_datetime: Some(t(c.updated_at)),
        expected_datetime: Some(t(c.deadline_at)),
        address: Some(c.location_text.clone()).filter(|s| !s.is_empty()),
        address_id: None,
        zipcode: None,
        lat: c.lat,
        long: c.lon,
        media_url: None,
    }
}

async fn request_docs(
    state: &AppState,
    org: &Organization,
    list: &[Complaint],
) -> Result<Vec<ServiceRequest>, Response> {
    let mut conn = state
        .db
        .pool
        .acquire()
        .await
        .map_err(|_| err(Format::Json, 500, "database unavailable"))?;
    let divisions = orgs::divisions(&mut conn, org.id).await.unwrap_or_default();
    let mut out = Vec::new();
    for c in list {
        let note = complaints::events(&mut conn, org.id, c.id, true)
            .await
            .unwrap_or_default()
            .into_iter()
            .rev()
            .find(|e| !e.body.is_empty())
            .map(|e| e.body);
        let division = c
            .division_id
            .and_then(|d| divisions.iter().find(|x| x.id == d))
            .map(|d| d.name_th.clone());
        out.push(to_request(c, note, division));
    }
    Ok(out)
}

async fn list_requests(state: &AppState, q: &Params, f: Format) -> Response {
    let org = match jurisdiction(state, q.jurisdiction_id.as_deref(), f).await {
        Ok(o) => o,
        Err(r) => return r,
    };
    let mut conn = match state.db.pool.acquire().await {
        Ok(c) => c,
        Err(_) => return err(f, 500, "database unavailable"),
    };
    let mut list: Vec<Complaint> = Vec::new();
    if let Some(ids) = q
        .service_request_id
        .as_deref()
        .filter(|s| !s.trim().is_empty())
    {
        // Per the spec, the other parameters are ignored when ids are given.
        for id in ids.split(',') {
            if let Ok(Some(c)) = complaints::by_code(&mut conn, org.id, id).await {
                list.push(c);
            }
        }
    } else {
        let parse = |s: &Option<String>| -> Result<Option<i64>, ()> {
            match s.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
                None => Ok(None),
                Some(v) => prongsai_opendata::parse_w3c(v)
                    .map(|t| Some(i64::try_from(t.unix_timestamp_nanos() / 1_000_000).unwrap_or(0)))
                    .ok_or(()),
            }
        };
        let (Ok(start), Ok(end)) = (parse(&q.start_date), parse(&q.end_date)) else {
            return err(f, 400, "start_date and end_date must be W3C date-times");
        };
        // The spec's default window: the last 90 days.
        let start = match (start, end) {
            (None, None) => Some(prongsai_store::now_ms() - 90 * 86_400_000),
            (s, _) => s,
        };
        let status = match q.status.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => None,
            Some(s) => match Status::parse(s) {
                Some(st) => Some(st),
                None => return err(f, 400, "status must be open or closed"),
            },
        };
        let filter = QueueFilter {
            category: q.service_code.clone().filter(|s| !s.trim().is_empty()),
            open_only: status == Some(Status::Open),
            since_ms: start,
            until_ms: end,
            limit: 1000,
            ..Default::default()
        };
        list = match complaints::list(&mut conn, org.id, &filter).await {
            Ok(l) => l,
            Err(_) => return err(f, 500, "database unavailable"),
        };
        if status == Some(Status::Closed) {
            list.retain(|c| !c.status.is_open());
        }
        list.sort_by_key(|c| std::cmp::Reverse(c.received_at));
    }
    drop(conn);
    match request_docs(state, &org, &list).await {
        Ok(d) => doc(200, &ServiceRequests(d), f),
        Err(r) => r,
    }
}

/// `GET /open311/v2/requests/{service_request_id}.{json|xml}`
pub async fn one_request(
    State(state): State<AppState>,
    Path(file): Path<String>,
    Query(q): Query<Params>,
) -> Response {
    let Some((id, f)) = split(&file) else {
        return bad_format();
    };
    let org = match jurisdiction(&state, q.jurisdiction_id.as_deref(), f).await {
        Ok(o) => o,
        Err(r) => return r,
    };
    let found = match state.db.pool.acquire().await {
        Ok(mut conn) => complaints::by_code(&mut conn, org.id, id)
            .await
            .ok()
            .flatten(),
        Err(_) => None,
    };
    let Some(c) = found else {
        return err(f, 404, "service_request_id not found");
    };
    match request_docs(&state, &org, &[c]).await {
        Ok(d) => doc(200, &ServiceRequests(d), f),
        Err(r) => r,
    }
}

/// `POST /open311/v2/requests.{json|xml}` (form-urlencoded, API key required)
pub async fn create_request(
    State(state): State<AppState>,
    Path(file): Path<String>,
    ip: ClientIp,
    body: Bytes,
) -> Response {
    let Some((name, f)) = split(&file) else {
        return bad_format();
    };
    if name != "requests" {
        return err(f, 404, "no such resource");
    }
    let Ok(body) = std::str::from_utf8(&body) else {
        return err(f, 400, "the body must be UTF-8 form data");
    };
    let several = match state.db.pool.acquire().await {
        Ok(mut conn) => orgs::count(&mut conn).await.unwrap_or(2) != 1,
        Err(_) => true,
    };
    let req = match parse_post_request(
        body,
        PostOptions {
            require_jurisdiction: several,
            require_api_key: true,
            definition: None,
        },
    ) {
        Ok(r) => r,
        Err(e) => return doc(e.status, &e, f),
    };
    let org = match jurisdiction(&state, req.jurisdiction_id.as_deref(), f).await {
        Ok(o) => o,
        Err(r) => return r,
    };
    let key_org = match state.db.pool.acquire().await {
        Ok(mut conn) => prongsai_store::open311_keys::org_of(
            &mut conn,
            req.api_key.as_deref().unwrap_or_default(),
        )
        .await
        .ok()
        .flatten(),
        Err(_) => None,
    };
    if key_org != Some(org.id) {
        return err(
            f,
            403,
            "Invalid api_key received -- can't proceed with create_request.",
        );
    }
    if crate::views::complaints::count_submission(&state, &ip)
        .await
        .is_err()
    {
        return err(f, 429, "too many requests: try again later");
    }
    if rules::find_category(&rules::default_categories(), &req.service_code).is_none() {
        return err(f, 404, "service_code not found");
    }
    let name = [req.first_name.as_deref(), req.last_name.as_deref()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    let (lat, lon) = match req.location.lat_long {
        Some((a, b)) => (Some(a), Some(b)),
        None => (None, None),
    };
    let location = [
        req.location.address_string.clone(),
        req.location.address_id.clone(),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" ");
    let new = NewComplaint {
        category: req.service_code.clone(),
        channel: Channel::Open311,
        location_text: location.chars().take(complaints::MAX_TEXT_CHARS).collect(),
        lat,
        lon,
        description: req
            .description
            .clone()
            .unwrap_or_else(|| category_label(Lang::Th, &req.service_code)),
        contact_name: name.chars().take(200).collect(),
        contact_phone: req
            .phone
            .clone()
            .unwrap_or_default()
            .chars()
            .take(50)
            .collect(),
        contact_email: req
            .email
            .clone()
            .filter(|e| complaints::valid_email(e))
            .unwrap_or_default(),
        filed_by: None,
        attachments: vec![],
    };
    let c = match complaints::file(
        &state.db,
        &state.keys.audit,
        state.blobs.as_ref(),
        &org,
        &new,
    )
    .await
    {
        Ok(c) => c,
        Err(prongsai_store::StoreError::Invalid(m)) => {
            return err(f, 400, &format!("invalid request: {m}"));
        }
        Err(e) => {
            tracing::error!(error = %e, "Open311 request not stored");
            return err(f, 500, "the request could not be stored");
        }
    };
    state.mail_wake.notify_one();
    let deadline = crate::views::complaints::date_label(Lang::Th, c.deadline_at);
    doc(
        200,
        &PostResponse(vec![PostResult {
            service_request_id: Some(c.code),
            token: None,
            service_notice: Some(format!("รับเรื่องแล้ว กำหนดแล้วเสร็จ {deadline}")),
            account_id: None,
        }]),
        f,
    )
}
