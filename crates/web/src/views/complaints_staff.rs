//! The staff side of the complaint centre: the queue (days left, overdue first, filters),
//! the case page (workflow moves, public replies, internal notes, merging, reassigning),
//! filing on a citizen's behalf with the channel recorded, statistics and routing.
//!
//! Who sees what: officers and division heads see their own division's cases; the clerk
//! sees every case; roles that see all work (executives, audit, council, admin) read
//! every case but change nothing (the POST routes need `HandleComplaints`).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use prongsai_domain::complaint::{self as rules, Channel, ComplaintAction, ComplaintStatus};
use prongsai_domain::{Permission, Role};
use prongsai_store::complaints::{self, Complaint, QueueFilter, Who};
use prongsai_store::orgs::{self, Division};
use serde::Deserialize;

use crate::AppState;
use crate::error::{Error, see_other};
use crate::i18n::{Lang, t, tf};
use crate::key;
use crate::middleware::csrf::check_session;
use crate::middleware::staff::{Staff, StaffCtx, need};
use crate::page::Page;
use crate::views::complaints::{
    ComplaintFields, EventView, StatsPage, category_label, channel_label, date_label,
    days_left_label, event_views, file_response, stats_tables, status_label, validate,
};
use crate::views::{Form, html, html_status};

/// Which cases a member may see: `None` all, `Some(division)` only that division's.
fn scope(s: &StaffCtx) -> Option<Option<i64>> {
    match s.role() {
        Role::Officer | Role::DivisionHead => Some(s.membership.division_id),
        _ => None,
    }
}

/// The case, if this member may see it (403 for another division's case).
async fn visible_case(state: &AppState, s: &StaffCtx, id: i64) -> Result<Complaint, Error> {
    let mut conn = state.db.pool.acquire().await?;
    let c = complaints::by_id(&mut conn, s.org.id, id)
        .await?
        .ok_or(Error::NotFound)?;
    match scope(s) {
        Some(d) if c.division_id != d || d.is_none() => Err(Error::Forbidden),
        _ => Ok(c),
    }
}

fn division_name(lang: Lang, divisions: &[Division], id: Option<i64>) -> String {
    id.and_then(|id| divisions.iter().find(|d| d.id == id))
        .map(|d| lang.pick(&d.name_th, &d.name_en).to_string())
        .unwrap_or_else(|| "-".into())
}

pub struct QueueRow {
    pub id: i64,
    pub code: String,
    pub status: &'static str,
    pub category: String,
    pub division: String,
    pub channel: &'static str,
    pub received: String,
    pub days_left: String,
    pub overdue: bool,
    pub open: bool,
}

#[derive(Template)]
#[template(path = "staff/complaints.html")]
struct QueuePage {
    p: Page,
    rows: Vec<QueueRow>,
    statuses: Vec<(&'static str, &'static str)>,
    categories: Vec<(String, String)>,
    divisions: Vec<(i64, String)>,
    q: QueueQuery,
    can_handle: bool,
    can_route: bool,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct QueueQuery {
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub division: String,
    #[serde(default)]
    pub category: String,
}

/// `GET /{org}/staff/complaints`
pub async fn queue(
    s: Staff<need::ViewComplaints>,
    State(state): State<AppState>,
    Query(q): Query<QueueQuery>,
) -> Result<Response, Error> {
    let lang = s.lang;
    let mut conn = state.db.pool.acquire().await?;
    let divisions = orgs::divisions(&mut conn, s.org.id).await?;
    let filter = QueueFilter {
        status: ComplaintStatus::from_code(q.status.trim()),
        open_only: q.status.trim() == "open",
        division_id: q.division.trim().parse().ok(),
        category: Some(q.category.trim().to_string()).filter(|c| !c.is_empty()),
        only_division: scope(&s),
        limit: 500,
        ..Default::default()
    };
    let list = complaints::list(&mut conn, s.org.id, &filter).await?;
    drop(conn);
    let now = prongsai_store::now_ms();
    let rows = list
        .iter()
        .map(|c| QueueRow {
            id: c.id,
            code: c.code.clone(),
            status: status_label(lang, c.status),
            category: category_label(lang, &c.category),
            division: division_name(lang, &divisions, c.division_id),
            channel: channel_label(lang, c.channel),
            received: date_label(lang, c.received_at),
            days_left: if c.status.is_open() {
                days_left_label(lang, c, now)
            } else {
                "-".into()
            },
            overdue: c.is_overdue(now),
            open: c.status.is_open(),
        })
        .collect();
    let page = QueuePage {
        p: s.page(key!("complaint.queue_title"), "complaints"),
        rows,
        statuses: ComplaintStatus::ALL
            .iter()
            .map(|st| (st.code(), status_label(lang, *st)))
            .collect(),
        categories: rules::default_categories()
            .into_iter()
            .map(|c| {
                let l = lang.pick(&c.label_th, &c.label_en).to_string();
                (c.code, l)
            })
            .collect(),
        divisions: divisions
            .iter()
            .map(|d| (d.id, lang.pick(&d.name_th, &d.name_en).to_string()))
            .collect(),
        q,
        can_handle: s.may(Permission::HandleComplaints),
        can_route: s.may(Permission::ManageOrganization),
    };
    html(&page)
}

#[derive(Template)]
#[template(path = "staff/complaint_case.html")]
struct CasePage {
    p: Page,
    c: Complaint,
    status: &'static str,
    category: String,
    division: String,
    channel: &'static str,
    received: String,
    deadline: String,
    days_left: String,
    overdue: bool,
    events: Vec<EventView>,
    files: Vec<(i64, String, bool)>,
    divisions: Vec<(String, String)>,
    can_handle: bool,
    open: bool,
}

#[derive(Deserialize)]
pub struct DoneQuery {
    done: Option<String>,
    error: Option<String>,
}

/// `GET /{org}/staff/complaints/{complaint_id}`
pub async fn case(
    s: Staff<need::ViewComplaints>,
    State(state): State<AppState>,
    Path((_, id)): Path<(String, String)>,
    Query(dq): Query<DoneQuery>,
) -> Result<Response, Error> {
    let id: i64 = id.parse().map_err(|_| Error::NotFound)?;
    let lang = s.lang;
    let c = visible_case(&state, &s, id).await?;
    let mut conn = state.db.pool.acquire().await?;
    let divisions = orgs::divisions(&mut conn, s.org.id).await?;
    let events = complaints::events(&mut conn, s.org.id, c.id, false).await?;
    let files = complaints::attachments(&mut conn, s.org.id, c.id, false)
        .await?
        .into_iter()
        .map(|a| (a.file.id, a.file.original_name, a.public))
        .collect();
    drop(conn);
    let now = prongsai_store::now_ms();
    let mut p = s.page(key!("complaint.queue_title"), "complaints");
    p.title = tf(lang, key!("complaint.case_title"), &[("code", &c.code)]);
    if dq.done.is_some() {
        p.notice = Some(t(lang, key!("complaint.done")).to_string());
    }
    p.alert = dq
        .error
        .filter(|e| !e.is_empty() && e.chars().count() < 300);
    let page = CasePage {
        p,
        status: status_label(lang, c.status),
        category: category_label(lang, &c.category),
        division: division_name(lang, &divisions, c.division_id),
        channel: channel_label(lang, c.channel),
        received: date_label(lang, c.received_at),
        deadline: date_label(lang, c.deadline_at),
        days_left: days_left_label(lang, &c, now),
        overdue: c.is_overdue(now),
        events: event_views(lang, &events, true),
        files,
        divisions: divisions
            .iter()
            .map(|d| {
                (
                    d.code.clone(),
                    lang.pick(&d.name_th, &d.name_en).to_string(),
                )
            })
            .collect(),
        can_handle: s.may(Permission::HandleComplaints),
        open: c.status.is_open(),
        c,
    };
    html(&page)
}

#[derive(Deserialize)]
pub struct ActionForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    division: String,
}

fn case_url(s: &StaffCtx, id: i64) -> String {
    format!("{}/complaints/{id}", s.base())
}

/// `POST /{org}/staff/complaints/{complaint_id}/action`
pub async fn action(
    s: Staff<need::HandleComplaints>,
    State(state): State<AppState>,
    Path((_, id)): Path<(String, String)>,
    Form(f): Form<ActionForm>,
) -> Result<Response, Error> {
    check_session(s.csrf(), &f.csrf)?;
    let id: i64 = id.parse().map_err(|_| Error::NotFound)?;
    let c = visible_case(&state, &s, id).await?;
    let text = f.text.trim().to_string();
    let action = match f.action.as_str() {
        "acknowledge" => ComplaintAction::Acknowledge,
        "start_work" => ComplaintAction::StartWork,
        "resolve" => ComplaintAction::Resolve { reply: text },
        "reject" => ComplaintAction::Reject { reason: text },
        "forward" => ComplaintAction::Forward { to: text },
        "reassign" => ComplaintAction::Reassign {
            division: f.division.trim().to_string(),
        },
        "merge_into" => ComplaintAction::MergeInto { into: text },
        _ => return Err(Error::BadRequest(key!("error.bad_request"))),
    };
    match complaints::apply(
        &state.db,
        &state.keys.audit,
        &s.org,
        c.id,
        &action,
        &Who::Staff(s.actor()),
    )
    .await
    {
        Ok(_) => {
            state.mail_wake.notify_one();
            Ok(see_other(&format!("{}?done=1", case_url(&s, c.id))))
        }
        Err(complaints::ApplyError::Store(e)) => Err(e.into()),
        Err(e) => {
            let msg = match s.lang {
                Lang::Th => e.message_th(),
                Lang::En => e.to_string(),
            };
            Ok(see_other(&format!(
                "{}?error={}",
                case_url(&s, c.id),
                crate::page::url_encode(&msg)
            )))
        }
    }
}

#[derive(Deserialize)]
pub struct NoteForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    public: Option<String>,
}

/// `POST /{org}/staff/complaints/{complaint_id}/note`: an internal note, or with
/// `public=1` a public reply.
pub async fn note(
    s: Staff<need::HandleComplaints>,
    State(state): State<AppState>,
    Path((_, id)): Path<(String, String)>,
    Form(f): Form<NoteForm>,
) -> Result<Response, Error> {
    check_session(s.csrf(), &f.csrf)?;
    let id: i64 = id.parse().map_err(|_| Error::NotFound)?;
    let c = visible_case(&state, &s, id).await?;
    let public = crate::views::checked(&f.public);
    if f.text.trim().is_empty() {
        return Ok(see_other(&case_url(&s, c.id)));
    }
    complaints::add_message(
        &state.db,
        &state.keys.audit,
        &s.org,
        c.id,
        &f.text,
        public,
        &s.actor(),
    )
    .await
    .map_err(|e| match e {
        prongsai_store::StoreError::Invalid(_) => Error::BadRequest(key!("complaint.err_too_long")),
        other => other.into(),
    })?;
    if public {
        state.mail_wake.notify_one();
    }
    Ok(see_other(&format!("{}?done=1", case_url(&s, c.id))))
}

/// `GET /{org}/staff/complaints/{complaint_id}/files/{file_id}`: any attachment, for staff.
pub async fn staff_file(
    s: Staff<need::ViewComplaints>,
    State(state): State<AppState>,
    Path((_, id, file_id)): Path<(String, String, String)>,
) -> Result<Response, Error> {
    let id: i64 = id.parse().map_err(|_| Error::NotFound)?;
    let file_id: i64 = file_id.parse().map_err(|_| Error::NotFound)?;
    let c = visible_case(&state, &s, id).await?;
    let mut conn = state.db.pool.acquire().await?;
    let a = complaints::attachments(&mut conn, s.org.id, c.id, false)
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

#[derive(Template)]
#[template(path = "staff/complaint_new.html")]
struct NewPage {
    p: Page,
    categories: Vec<(String, String)>,
    channels: Vec<(&'static str, &'static str)>,
    f: ComplaintFields,
}

fn new_page(
    s: &StaffCtx,
    f: ComplaintFields,
    alert: Option<&'static str>,
    status: StatusCode,
) -> Result<Response, Error> {
    let lang = s.lang;
    let mut p = s.page(key!("complaint.file_new"), "complaints");
    p.alert = alert.map(|k| t(lang, k).to_string());
    html_status(
        status,
        &NewPage {
            p,
            categories: rules::default_categories()
                .into_iter()
                .map(|c| {
                    let l = lang.pick(&c.label_th, &c.label_en).to_string();
                    (c.code, l)
                })
                .collect(),
            channels: Channel::ALL
                .iter()
                .filter(|c| c.is_staff_entered())
                .map(|c| (c.code(), channel_label(lang, *c)))
                .collect(),
            f,
        },
    )
}

/// `GET /{org}/staff/complaints/new`
pub async fn new_form(s: Staff<need::HandleComplaints>) -> Result<Response, Error> {
    new_page(&s, ComplaintFields::default(), None, StatusCode::OK)
}

#[derive(Deserialize)]
pub struct StaffNewForm {
    #[serde(default)]
    csrf: String,
    #[serde(flatten)]
    f: ComplaintFields,
}

/// `POST /{org}/staff/complaints/new`: filed on a citizen's behalf, channel recorded.
pub async fn create(
    s: Staff<need::HandleComplaints>,
    State(state): State<AppState>,
    Form(form): Form<StaffNewForm>,
) -> Result<Response, Error> {
    check_session(s.csrf(), &form.csrf)?;
    let channel = match Channel::from_code(form.f.channel.trim()).filter(|c| c.is_staff_entered()) {
        Some(c) => c,
        None => {
            return new_page(
                &s,
                form.f,
                Some(key!("error.bad_request")),
                StatusCode::UNPROCESSABLE_ENTITY,
            );
        }
    };
    let mut new = match validate(&form.f, channel) {
        Ok(n) => n,
        Err(k) => return new_page(&s, form.f, Some(k), StatusCode::UNPROCESSABLE_ENTITY),
    };
    new.filed_by = Some(s.actor());
    let c = complaints::file(
        &state.db,
        &state.keys.audit,
        state.blobs.as_ref(),
        &s.org,
        &new,
    )
    .await?;
    state.mail_wake.notify_one();
    Ok(see_other(&format!("{}?done=1", case_url(&s, c.id))))
}

/// `GET /{org}/staff/complaints/stats`
pub async fn stats(
    s: Staff<need::ViewComplaints>,
    State(state): State<AppState>,
) -> Result<Response, Error> {
    let st = stats_tables(&state, s.org.id, s.lang).await?;
    html(&StatsPage {
        p: s.page(key!("complaint.stats_title"), "complaints"),
        csv_href: format!("/{}/complaints/stats.csv", s.org.slug),
        s: st,
    })
}

pub struct RouteRow {
    pub code: String,
    pub label: String,
    /// The chosen division's id, `""` for the default.
    pub selected: String,
}

#[derive(Template)]
#[template(path = "staff/complaint_routing.html")]
struct RoutingPage {
    p: Page,
    rows: Vec<RouteRow>,
    divisions: Vec<(i64, String)>,
}

/// `GET /{org}/staff/complaints/routing`
pub async fn routing(
    s: Staff<need::ManageOrganization>,
    State(state): State<AppState>,
) -> Result<Response, Error> {
    let lang = s.lang;
    let mut conn = state.db.pool.acquire().await?;
    let set = complaints::routes(&mut conn, s.org.id).await?;
    let divisions = orgs::divisions(&mut conn, s.org.id).await?;
    let rows = rules::default_categories()
        .into_iter()
        .map(|c| RouteRow {
            selected: set.get(&c.code).map(|d| d.to_string()).unwrap_or_default(),
            label: lang.pick(&c.label_th, &c.label_en).to_string(),
            code: c.code,
        })
        .collect();
    html(&RoutingPage {
        p: s.page(key!("complaint.routing_title"), "complaints"),
        rows,
        divisions: divisions
            .iter()
            .map(|d| (d.id, lang.pick(&d.name_th, &d.name_en).to_string()))
            .collect(),
    })
}

#[derive(Deserialize)]
pub struct RoutingForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    division: String,
}

/// `POST /{org}/staff/complaints/routing`: one category's division (empty: default).
pub async fn save_routing(
    s: Staff<need::ManageOrganization>,
    State(state): State<AppState>,
    Form(f): Form<RoutingForm>,
) -> Result<Response, Error> {
    check_session(s.csrf(), &f.csrf)?;
    if rules::find_category(&rules::default_categories(), f.category.trim()).is_none() {
        return Err(Error::BadRequest(key!("complaint.err_category")));
    }
    let division = match f.division.trim() {
        "" => None,
        d => Some(
            d.parse::<i64>()
                .map_err(|_| Error::BadRequest(key!("error.bad_request")))?,
        ),
    };
    complaints::set_route(
        &state.db,
        &state.keys.audit,
        s.org.id,
        f.category.trim(),
        division,
        &s.actor(),
    )
    .await?;
    Ok(see_other(&format!("{}/complaints/routing", s.base())))
}
