//! The public side of the complaint centre (ศูนย์รับเรื่องร้องทุกข์, project 29): the
//! phone-first form that needs no account and no JavaScript, the tracking page for a
//! code (status, public replies, confirm or reopen), and the statistics page with its
//! CSV.
//!
//! Spam protection without third-party services: a hidden honeypot field, a signed
//! timestamp that must be a few seconds old (people take longer than bots), a
//! per-address rate limit kept in the database (shared by every server process), and
//! size limits on every field and file. A submission is committed before its code is
//! shown.

use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use data_encoding::HEXLOWER;
use hmac::{Hmac, Mac};
use prongsai_domain::complaint::{
    self as rules, Category, Channel, ComplaintAction, ComplaintStats, ComplaintStatus, StatsRow,
};
use prongsai_domain::thai;
use prongsai_media::{Limits, MediaError, MediaType};
use prongsai_store::complaints::{self, Complaint, Event, NewAttachment, NewComplaint, Who};
use prongsai_store::{from_ms, sessions};
use serde::Deserialize;
use sha2::Sha256;

use crate::AppState;
use crate::error::{Error, see_other};
use crate::i18n::{Lang, t, tf};
use crate::key;
use crate::middleware::client_ip::ClientIp;
use crate::middleware::csrf::AnonCsrf;
use crate::middleware::lang::{Here, ReqLang};
use crate::page::{OrgNav, Page};
use crate::views::public::public_org;
use crate::views::{Form, html_status};

/// The largest form body accepted (three files and the text).
pub const FORM_BODY_LIMIT: usize = 48 * 1024 * 1024;
/// At most this many attachments.
pub const MAX_FILES: usize = 3;
/// A form sent sooner than this after it was shown is a bot's.
pub const MIN_FILL_MS: i64 = 2_000;
/// A form older than this has expired.
pub const MAX_FORM_AGE_MS: i64 = 24 * 60 * 60 * 1000;
/// Submissions per address per hour (web form and JSON API together).
pub const SUBMISSIONS_PER_HOUR: i64 = 10;
/// Tracking-page lookups per address per minute (codes must not be guessable).
pub const LOOKUPS_PER_MINUTE: i64 = 60;

// ---- shared helpers ---------------------------------------------------------------------

/// A category's label in a language (the code itself when unknown).
pub fn category_label(lang: Lang, code: &str) -> String {
    rules::find_category(&rules::default_categories(), code)
        .map(|c| lang.pick(&c.label_th, &c.label_en).to_string())
        .unwrap_or_else(|| code.to_string())
}

pub fn status_label(lang: Lang, s: ComplaintStatus) -> &'static str {
    match lang {
        Lang::Th => s.label_th(),
        Lang::En => s.label_en(),
    }
}

pub fn channel_label(lang: Lang, c: Channel) -> &'static str {
    match lang {
        Lang::Th => c.label_th(),
        Lang::En => c.label_en(),
    }
}

/// A stored instant as a date in Bangkok: B.E. in Thai.
pub fn date_label(lang: Lang, ms: i64) -> String {
    lang.date(thai::to_bangkok(from_ms(ms)).date())
}

/// What a history entry is called.
pub fn event_label(lang: Lang, e: &Event) -> String {
    match e.kind.as_str() {
        "filed" => t(lang, key!("complaint.event_filed")).to_string(),
        "reply" => t(lang, key!("complaint.event_reply")).to_string(),
        "note" => t(lang, key!("complaint.event_note")).to_string(),
        "overdue_notice" => t(lang, key!("complaint.event_overdue_notice")).to_string(),
        _ => format!(
            "{}: {}",
            t(lang, key!("complaint.event_action")),
            status_label(lang, e.status_after)
        ),
    }
}

/// A history entry ready for a template.
pub struct EventView {
    pub when: String,
    pub label: String,
    pub body: String,
    pub public: bool,
    pub who: String,
}

pub fn event_views(lang: Lang, events: &[Event], with_actor: bool) -> Vec<EventView> {
    events
        .iter()
        .map(|e| EventView {
            when: lang.datetime(from_ms(e.at_ms)),
            label: event_label(lang, e),
            body: e.body.clone(),
            public: e.public,
            who: if with_actor {
                e.actor_label.clone()
            } else {
                String::new()
            },
        })
        .collect()
}

/// The frame for a public page of an organization.
fn org_page(
    lang: Lang,
    here: &str,
    title_key: &str,
    o: &prongsai_store::orgs::Organization,
) -> Page {
    let mut p = Page::new(lang, here, title_key);
    p.org = Some(OrgNav {
        slug: o.slug.clone(),
        name: lang.pick(&o.name_th, &o.name_en).to_string(),
    });
    p
}

async fn rate_limit(
    state: &AppState,
    bucket: &str,
    limit: i64,
    window_ms: i64,
) -> Result<(), Error> {
    let mut conn = state.db.pool.acquire().await?;
    if sessions::rate_limit_hit(&mut conn, bucket, limit, window_ms).await? {
        Ok(())
    } else {
        Err(Error::TooManyRequests)
    }
}

/// Counts a public submission against the sender's address.
pub async fn count_submission(state: &AppState, ip: &ClientIp) -> Result<(), Error> {
    rate_limit(
        state,
        &format!("complaint:{}", ip.0),
        SUBMISSIONS_PER_HOUR,
        3_600_000,
    )
    .await
}

/// The signed "form shown at" stamp: `ms.hmac`.
fn form_stamp(key: &[u8], at_ms: i64) -> String {
    let mut mac = match Hmac::<Sha256>::new_from_slice(key) {
        Ok(m) => m,
        Err(_) => return String::new(),
    };
    mac.update(format!("complaint-form|{at_ms}").as_bytes());
    format!("{at_ms}.{}", HEXLOWER.encode(&mac.finalize().into_bytes()))
}

/// Whether a stamp is ours, old enough and not expired.
fn stamp_ok(key: &[u8], stamp: &str, now_ms: i64) -> bool {
    let Some((at, _)) = stamp.split_once('.') else {
        return false;
    };
    let Ok(at_ms) = at.parse::<i64>() else {
        return false;
    };
    crate::middleware::csrf::constant_time_eq(&form_stamp(key, at_ms), stamp)
        && now_ms - at_ms >= MIN_FILL_MS
        && now_ms - at_ms <= MAX_FORM_AGE_MS
}

/// Checks an upload and returns what to store: stripped bytes (public) or, for a PDF
/// whose metadata cannot be removed safely, the bytes as sent (staff only).
pub fn prepare_attachment(name: &str, bytes: Vec<u8>) -> Result<NewAttachment, &'static str> {
    let kind = prongsai_media::check(&bytes, Limits::default()).map_err(|e| match e {
        MediaError::TooLarge { .. } => key!("complaint.err_file_size"),
        _ => key!("complaint.err_file_type"),
    })?;
    let safe_name: String = name
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '/' | '\\'))
        .take(120)
        .collect();
    let safe_name = if safe_name.trim().is_empty() {
        format!("attachment.{}", kind.extension())
    } else {
        safe_name
    };
    match prongsai_media::strip_metadata(&bytes) {
        Ok(clean) => Ok(NewAttachment {
            original_name: safe_name,
            content_type: kind.mime().into(),
            bytes: clean,
            public: true,
        }),
        Err(MediaError::PdfNotStrippable(_)) if kind == MediaType::Pdf => Ok(NewAttachment {
            original_name: safe_name,
            content_type: kind.mime().into(),
            bytes,
            public: false,
        }),
        Err(_) => Err(key!("complaint.err_file_type")),
    }
}

/// Reads an optional coordinate (Thai digits allowed).
fn coord(s: &str) -> Result<Option<f64>, ()> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    thai::normalize_digits(s)
        .parse::<f64>()
        .map(Some)
        .map_err(|_| ())
}

/// The fields of the form (citizen's and staff's), as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ComplaintFields {
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub location_text: String,
    #[serde(default)]
    pub lat: String,
    #[serde(default)]
    pub lon: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub contact_name: String,
    #[serde(default)]
    pub contact_phone: String,
    #[serde(default)]
    pub contact_email: String,
    #[serde(default)]
    pub channel: String,
}

/// Checks the fields; the error is an i18n key.
pub fn validate(f: &ComplaintFields, channel: Channel) -> Result<NewComplaint, &'static str> {
    let cats = rules::default_categories();
    if rules::find_category(&cats, f.category.trim()).is_none() {
        return Err(key!("complaint.err_category"));
    }
    let desc = f.description.trim();
    if desc.is_empty() || desc.chars().count() > complaints::MAX_DESCRIPTION_CHARS {
        return Err(key!("complaint.err_description"));
    }
    for s in [
        &f.location_text,
        &f.contact_name,
        &f.contact_phone,
        &f.contact_email,
    ] {
        if s.chars().count() > complaints::MAX_TEXT_CHARS {
            return Err(key!("complaint.err_too_long"));
        }
    }
    let (lat, lon) = match (coord(&f.lat), coord(&f.lon)) {
        (Ok(a), Ok(b)) if a.is_some() == b.is_some() => (a, b),
        _ => return Err(key!("complaint.err_latlon")),
    };
    if lat.is_some_and(|v| !(-90.0..=90.0).contains(&v))
        || lon.is_some_and(|v| !(-180.0..=180.0).contains(&v))
    {
        return Err(key!("complaint.err_latlon"));
    }
    let email = f.contact_email.trim();
    if !email.is_empty() && !complaints::valid_email(email) {
        return Err(key!("complaint.err_email"));
    }
    Ok(NewComplaint {
        category: f.category.trim().to_string(),
        channel,
        location_text: f.location_text.trim().to_string(),
        lat,
        lon,
        description: desc.to_string(),
        contact_name: f.contact_name.trim().to_string(),
        contact_phone: f.contact_phone.trim().to_string(),
        contact_email: email.to_string(),
        filed_by: None,
        attachments: vec![],
    })
}

// ---- the form ---------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "complaints/new.html")]
struct NewPage {
    p: Page,
    slug: String,
    intro: String,
    categories: Vec<(String, String)>,
    token: String,
    stamp: String,
    f: ComplaintFields,
    privacy: bool,
}

fn categories(lang: Lang) -> Vec<(String, String)> {
    rules::default_categories()
        .into_iter()
        .map(|c: Category| {
            let label = lang.pick(&c.label_th, &c.label_en).to_string();
            (c.code, label)
        })
        .collect()
}

#[allow(clippy::too_many_arguments)]
fn form_page(
    state: &AppState,
    lang: Lang,
    here: &str,
    o: &prongsai_store::orgs::Organization,
    anon: &AnonCsrf,
    f: ComplaintFields,
    privacy: bool,
    alert: Option<&'static str>,
    status: StatusCode,
) -> Result<Response, Error> {
    let mut p = org_page(lang, here, key!("complaint.new_title"), o);
    p.alert = alert.map(|k| t(lang, k).to_string());
    let page = NewPage {
        intro: tf(
            lang,
            key!("complaint.new_intro"),
            &[("days", &o.complaint_deadline_days.to_string())],
        ),
        p,
        slug: o.slug.clone(),
        categories: categories(lang),
        token: anon.token(&state.keys.cookie),
        stamp: form_stamp(&state.keys.cookie, prongsai_store::now_ms()),
        f,
        privacy,
    };
    let mut r = html_status(status, &page)?;
    if let Some(c) = anon.set_cookie(state) {
        r.headers_mut().append(header::SET_COOKIE, c);
    }
    Ok(r)
}

/// `GET /{org}/complaints/new`
pub async fn new_form(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    ReqLang(lang): ReqLang,
    Here(here): Here,
    anon: AnonCsrf,
) -> Result<Response, Error> {
    let o = public_org(&state, &slug).await?;
    form_page(
        &state,
        lang,
        &here,
        &o.org,
        &anon,
        ComplaintFields::default(),
        false,
        None,
        StatusCode::OK,
    )
}

#[derive(Template)]
#[template(path = "complaints/filed.html")]
struct FiledPage {
    p: Page,
    slug: String,
    code: String,
    deadline: String,
    has_email: bool,
}

/// `POST /{org}/complaints/new` (multipart, so that photos can come along).
pub async fn submit(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    ReqLang(lang): ReqLang,
    Here(here): Here,
    ip: ClientIp,
    anon: AnonCsrf,
    mut form: Multipart,
) -> Result<Response, Error> {
    let o = public_org(&state, &slug).await?;
    let org = &o.org;
    let mut f = ComplaintFields::default();
    let (mut csrf, mut stamp, mut honeypot, mut privacy) =
        (String::new(), String::new(), String::new(), false);
    let mut uploads: Vec<(String, Vec<u8>)> = Vec::new();
    let mut too_many_files = false;
    while let Some(field) = form
        .next_field()
        .await
        .map_err(|_| Error::BadRequest(key!("error.bad_request")))?
    {
        let name = field.name().unwrap_or_default().to_string();
        if name == "attachments" {
            let file_name = field.file_name().unwrap_or_default().to_string();
            let bytes = field
                .bytes()
                .await
                .map_err(|_| Error::BadRequest(key!("error.too_large")))?;
            if bytes.is_empty() {
                continue;
            }
            if uploads.len() >= MAX_FILES {
                too_many_files = true;
                continue;
            }
            uploads.push((file_name, bytes.to_vec()));
            continue;
        }
        let value = field
            .text()
            .await
            .map_err(|_| Error::BadRequest(key!("error.bad_request")))?;
        if value.len() > 64 * 1024 {
            return Err(Error::BadRequest(key!("error.too_large")));
        }
        match name.as_str() {
            "csrf" => csrf = value,
            "t" => stamp = value,
            "website" => honeypot = value,
            "privacy" => privacy = crate::views::checked(&Some(value)),
            "category" => f.category = value,
            "location_text" => f.location_text = value,
            "lat" => f.lat = value,
            "lon" => f.lon = value,
            "description" => f.description = value,
            "contact_name" => f.contact_name = value,
            "contact_phone" => f.contact_phone = value,
            "contact_email" => f.contact_email = value,
            _ => {}
        }
    }
    anon.verify(&state.keys.cookie, &csrf)?;
    if !honeypot.trim().is_empty() {
        return Err(Error::BadRequest(key!("error.bad_request")));
    }
    count_submission(&state, &ip).await?;
    let again = |alert: &'static str, f: ComplaintFields| {
        form_page(
            &state,
            lang,
            &here,
            org,
            &anon,
            f,
            privacy,
            Some(alert),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
    };
    if !stamp_ok(&state.keys.cookie, &stamp, prongsai_store::now_ms()) {
        return again(key!("complaint.err_too_fast"), f);
    }
    if too_many_files {
        return again(key!("complaint.err_file_count"), f);
    }
    let mut new = match validate(&f, Channel::Web) {
        Ok(n) => n,
        Err(k) => return again(k, f),
    };
    if !privacy {
        return again(key!("complaint.err_privacy"), f);
    }
    for (name, bytes) in uploads {
        match tokio::task::spawn_blocking(move || prepare_attachment(&name, bytes)).await {
            Ok(Ok(a)) => new.attachments.push(a),
            Ok(Err(k)) => return again(k, f),
            Err(e) => return Err(Error::Internal(e.to_string())),
        }
    }
    let c = complaints::file(
        &state.db,
        &state.keys.audit,
        state.blobs.as_ref(),
        org,
        &new,
    )
    .await?;
    state.mail_wake.notify_one();
    let p = org_page(lang, &here, key!("complaint.filed_title"), org);
    html_status(
        StatusCode::CREATED,
        &FiledPage {
            p,
            slug: org.slug.clone(),
            deadline: date_label(lang, c.deadline_at),
            code: c.code,
            has_email: !new.contact_email.is_empty(),
        },
    )
}

// ---- tracking ---------------------------------------------------------------------------

#[derive(Deserialize)]
pub struct CodeQuery {
    code: Option<String>,
}

#[derive(Template)]
#[template(path = "complaints/track_form.html")]
struct TrackFormPage {
    p: Page,
    slug: String,
    code: String,
}

/// `GET /{org}/complaints/track[?code=…]`: the form, or on to the code's page.
pub async fn track_form(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    ReqLang(lang): ReqLang,
    Here(here): Here,
    Query(q): Query<CodeQuery>,
) -> Result<Response, Error> {
    let o = public_org(&state, &slug).await?;
    let typed = q.code.unwrap_or_default();
    let mut p = org_page(lang, &here, key!("complaint.track_title"), &o.org);
    if !typed.trim().is_empty() {
        match prongsai_domain::codes::TrackingCode::parse(&typed) {
            Ok(code) => {
                return Ok(see_other(&format!(
                    "/{}/complaints/track/{}",
                    o.org.slug,
                    code.key()
                )));
            }
            Err(e) => {
                p.alert = Some(match lang {
                    Lang::Th => e.message_th(),
                    Lang::En => e.to_string(),
                })
            }
        }
    }
    let status = if p.alert.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    html_status(
        status,
        &TrackFormPage {
            p,
            slug: o.org.slug.clone(),
            code: typed,
        },
    )
}

#[derive(Template)]
#[template(path = "complaints/track.html")]
struct TrackPage {
    p: Page,
    slug: String,
    c: Complaint,
    status: &'static str,
    category: String,
    received: String,
    deadline: String,
    events: Vec<EventView>,
    files: Vec<(i64, String)>,
    can_answer: bool,
    token: String,
}

async fn find_public(state: &AppState, org_id: i64, code: &str) -> Result<Complaint, Error> {
    let mut conn = state.db.pool.acquire().await?;
    complaints::by_code(&mut conn, org_id, code)
        .await?
        .ok_or(Error::NotFound)
}

/// `GET /{org}/complaints/track/{code}`
pub async fn track(
    State(state): State<AppState>,
    Path((slug, code)): Path<(String, String)>,
    ReqLang(lang): ReqLang,
    Here(here): Here,
    ip: ClientIp,
    anon: AnonCsrf,
    Query(q): Query<DoneQuery>,
) -> Result<Response, Error> {
    let o = public_org(&state, &slug).await?;
    rate_limit(
        &state,
        &format!("complaint-track:{}", ip.0),
        LOOKUPS_PER_MINUTE,
        60_000,
    )
    .await?;
    let c = find_public(&state, o.org.id, &code).await?;
    let mut conn = state.db.pool.acquire().await?;
    let events = complaints::events(&mut conn, o.org.id, c.id, true).await?;
    let files = complaints::attachments(&mut conn, o.org.id, c.id, true)
        .await?
        .into_iter()
        .map(|a| (a.file.id, a.file.original_name))
        .collect();
    drop(conn);
    let mut p = org_page(lang, &here, key!("complaint.track_title"), &o.org);
    p.title = tf(lang, key!("complaint.case_title"), &[("code", &c.code)]);
    p.notice = match q.done.as_deref() {
        Some("confirm") => Some(t(lang, key!("complaint.confirmed")).to_string()),
        Some("reopen") => Some(t(lang, key!("complaint.reopened")).to_string()),
        _ => None,
    };
    let can_answer = c.status == ComplaintStatus::Resolved
        && c.resolved_at.is_some_and(|r| {
            rules::confirmation_window_open(from_ms(r), from_ms(prongsai_store::now_ms()))
        });
    let page = TrackPage {
        p,
        slug: o.org.slug.clone(),
        status: status_label(lang, c.status),
        category: category_label(lang, &c.category),
        received: date_label(lang, c.received_at),
        deadline: date_label(lang, c.deadline_at),
        events: event_views(lang, &events, false),
        files,
        can_answer,
        token: anon.token(&state.keys.cookie),
        c,
    };
    let mut r = html_status(StatusCode::OK, &page)?;
    if let Some(cookie) = anon.set_cookie(&state) {
        r.headers_mut().append(header::SET_COOKIE, cookie);
    }
    Ok(r)
}

#[derive(Deserialize)]
pub struct DoneQuery {
    done: Option<String>,
}

#[derive(Deserialize)]
pub struct AnswerForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    reason: String,
}

async fn answer(
    state: &AppState,
    slug: &str,
    code: &str,
    anon: &AnonCsrf,
    form: &AnswerForm,
    action: ComplaintAction,
    lang: Lang,
) -> Result<Response, Error> {
    anon.verify(&state.keys.cookie, &form.csrf)?;
    let o = public_org(state, slug).await?;
    let c = find_public(state, o.org.id, code).await?;
    let done = action.code();
    match complaints::apply(
        &state.db,
        &state.keys.audit,
        &o.org,
        c.id,
        &action,
        &Who::Complainant,
    )
    .await
    {
        Ok(_) => {
            state.mail_wake.notify_one();
            Ok(see_other(&format!(
                "/{}/complaints/track/{}?done={done}",
                o.org.slug, c.code
            )))
        }
        Err(complaints::ApplyError::Rule(e)) => {
            let msg = match lang {
                Lang::Th => e.message_th(),
                Lang::En => e.to_string(),
            };
            Ok(message_page(
                lang,
                &o.org,
                &c.code,
                &msg,
                StatusCode::CONFLICT,
            )?)
        }
        Err(complaints::ApplyError::Store(e)) => Err(e.into()),
        Err(_) => Err(Error::BadRequest(key!("error.bad_request"))),
    }
}

#[derive(Template)]
#[template(path = "complaints/track_form.html")]
struct MessagePage {
    p: Page,
    slug: String,
    code: String,
}

fn message_page(
    lang: Lang,
    org: &prongsai_store::orgs::Organization,
    code: &str,
    msg: &str,
    status: StatusCode,
) -> Result<Response, Error> {
    let mut p = org_page(
        lang,
        &format!("/{}/complaints/track/{code}", org.slug),
        key!("complaint.track_title"),
        org,
    );
    p.alert = Some(msg.to_string());
    html_status(
        status,
        &MessagePage {
            p,
            slug: org.slug.clone(),
            code: code.to_string(),
        },
    )
}

/// `POST /{org}/complaints/track/{code}/confirm`
pub async fn confirm(
    State(state): State<AppState>,
    Path((slug, code)): Path<(String, String)>,
    ReqLang(lang): ReqLang,
    anon: AnonCsrf,
    Form(form): Form<AnswerForm>,
) -> Result<Response, Error> {
    answer(
        &state,
        &slug,
        &code,
        &anon,
        &form,
        ComplaintAction::Confirm,
        lang,
    )
    .await
}

/// `POST /{org}/complaints/track/{code}/reopen`
pub async fn reopen(
    State(state): State<AppState>,
    Path((slug, code)): Path<(String, String)>,
    ReqLang(lang): ReqLang,
    anon: AnonCsrf,
    Form(form): Form<AnswerForm>,
) -> Result<Response, Error> {
    let reason = form.reason.trim().to_string();
    answer(
        &state,
        &slug,
        &code,
        &anon,
        &form,
        ComplaintAction::Reopen { reason },
        lang,
    )
    .await
}

/// Serves an attachment's bytes, as a download, never rendered inline as a page.
pub fn file_response(content_type: &str, name: &str, bytes: Vec<u8>) -> Response {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut r = bytes.into_response();
    let h = r.headers_mut();
    if let Ok(v) = HeaderValue::from_str(content_type) {
        h.insert(header::CONTENT_TYPE, v);
    }
    if let Ok(v) = HeaderValue::from_str(&format!("inline; filename=\"{ascii}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

/// `GET /{org}/complaints/track/{code}/files/{file_id}`: a published (stripped) attachment.
pub async fn public_file(
    State(state): State<AppState>,
    Path((slug, code, file_id)): Path<(String, String, i64)>,
) -> Result<Response, Error> {
    let o = public_org(&state, &slug).await?;
    let c = find_public(&state, o.org.id, &code).await?;
    let mut conn = state.db.pool.acquire().await?;
    let a = complaints::attachments(&mut conn, o.org.id, c.id, true)
        .await?
        .into_iter()
        .find(|a| a.file.id == file_id)
        .ok_or(Error::NotFound)?;
    drop(conn);
    let blobs = state.blobs.clone();
    let key = a.file.storage_key.clone();
    let bytes = tokio::task::spawn_blocking(move || blobs.get(&key))
        .await
        .map_err(|e| Error::Internal(e.to_string()))??;
    Ok(file_response(
        &a.file.content_type,
        &a.file.original_name,
        bytes,
    ))
}

// ---- statistics -------------------------------------------------------------------------

/// One table row for the statistics page.
pub struct StatsLine {
    pub label: String,
    pub received: u64,
    pub resolved: u64,
    pub in_progress: u64,
    pub overdue: u64,
    pub median: String,
    pub within: String,
}

fn line(label: String, r: &StatsRow) -> StatsLine {
    StatsLine {
        label,
        received: r.received,
        resolved: r.resolved,
        in_progress: r.in_progress,
        overdue: r.overdue,
        median: r
            .median_days_to_resolve
            .map(|m| format!("{m:.1}"))
            .unwrap_or_else(|| "-".into()),
        within: r
            .answered_within_deadline
            .map(|s| format!("{:.0}%", s * 100.0))
            .unwrap_or_else(|| "-".into()),
    }
}

/// The four breakdowns the plan asks for, with the total: (heading key, lines).
pub struct StatsTables {
    pub total: StatsLine,
    pub groups: Vec<(&'static str, Vec<StatsLine>)>,
}

pub async fn stats_tables(state: &AppState, org_id: i64, lang: Lang) -> Result<StatsTables, Error> {
    let mut conn = state.db.pool.acquire().await?;
    let facts = complaints::facts(&mut conn, org_id).await?;
    drop(conn);
    let st = ComplaintStats::compute(&facts, from_ms(prongsai_store::now_ms()));
    let months = st
        .by_month
        .iter()
        .map(|(m, r)| {
            line(
                if lang == Lang::Th {
                    m.label_th()
                } else {
                    m.code()
                },
                r,
            )
        })
        .collect();
    let cats = st
        .by_category
        .iter()
        .map(|(c, r)| line(category_label(lang, c), r))
        .collect();
    let divs = st
        .by_division
        .iter()
        .map(|(d, r)| line(d.clone(), r))
        .collect();
    let chans = st
        .by_channel
        .iter()
        .map(|(c, r)| line(channel_label(lang, *c).to_string(), r))
        .collect();
    Ok(StatsTables {
        total: line(t(lang, key!("complaint.total")).to_string(), &st.total),
        groups: vec![
            (key!("complaint.by_month"), months),
            (key!("complaint.by_category"), cats),
            (key!("complaint.by_division"), divs),
            (key!("complaint.by_channel"), chans),
        ],
    })
}

#[derive(Template)]
#[template(path = "complaints/stats.html")]
pub struct StatsPage {
    pub p: Page,
    pub csv_href: String,
    pub s: StatsTables,
}

/// `GET /{org}/complaints/stats`
pub async fn stats(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    ReqLang(lang): ReqLang,
    Here(here): Here,
) -> Result<Response, Error> {
    let o = public_org(&state, &slug).await?;
    let s = stats_tables(&state, o.org.id, lang).await?;
    let p = org_page(lang, &here, key!("complaint.stats_title"), &o.org);
    html_status(
        StatusCode::OK,
        &StatsPage {
            p,
            csv_href: format!("/{}/complaints/stats.csv", o.org.slug),
            s,
        },
    )
}

/// The statistics as CSV, UTF-8 with a byte-order mark (so spreadsheet programs read the
/// Thai correctly).
pub fn stats_csv_text(s: &StatsTables, lang: Lang) -> String {
    let head = [
        "group",
        "label",
        key!("complaint.col_received"),
        key!("complaint.col_resolved"),
        key!("complaint.col_in_progress"),
        key!("complaint.col_overdue"),
        key!("complaint.col_median"),
        key!("complaint.col_within"),
    ];
    let cols: Vec<String> = head
        .iter()
        .enumerate()
        .map(|(i, k)| {
            if i < 2 {
                (*k).to_string()
            } else {
                t(lang, k).to_string()
            }
        })
        .collect();
    let row = |group: &str, l: &StatsLine| {
        vec![
            group.to_string(),
            l.label.clone(),
            l.received.to_string(),
            l.resolved.to_string(),
            l.in_progress.to_string(),
            l.overdue.to_string(),
            l.median.clone(),
            l.within.clone(),
        ]
    };
    let mut rows = vec![cols, row(t(lang, key!("complaint.total")), &s.total)];
    for (k, lines) in &s.groups {
        for l in lines {
            rows.push(row(t(lang, k), l));
        }
    }
    prongsai_docs::csv_text(rows)
}

/// `GET /{org}/complaints/stats.csv`
pub async fn stats_csv(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    ReqLang(lang): ReqLang,
) -> Result<Response, Error> {
    let o = public_org(&state, &slug).await?;
    let s = stats_tables(&state, o.org.id, lang).await?;
    let body = stats_csv_text(&s, lang);
    let mut r = body.into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!(
        "attachment; filename=\"complaints-{}.csv\"",
        o.org.slug
    )) {
        r.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(r)
}

/// The days-left label for the queue.
pub fn days_left_label(lang: Lang, c: &Complaint, now_ms: i64) -> String {
    let d = c.days_left(now_ms);
    if d < 0 {
        tf(
            lang,
            key!("complaint.late_days"),
            &[("n", &(-d).to_string())],
        )
    } else {
        tf(lang, key!("complaint.days"), &[("n", &d.to_string())])
    }
}
