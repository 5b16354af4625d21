//! The integrity officers' area for corruption reports, under
//! `/{org}/staff/integrity/`: the queue with late cases highlighted, one report with its
//! workflow, replies to the reporter, linking named officers (which hides the report
//! from them and their supervisors), the audited "show identity" action, evidence
//! downloads, and the channel's settings (retention, target days).
//!
//! Every handler takes `Staff<need::HandleCorruptionReports>`: only integrity officers
//! get in; everyone else gets 403. Every change is audited in its transaction, with ids
//! and statuses only — never identity, contact or text.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use prongsai_domain::corruption_report::{self as cr, Outcome, ReportAction, ReportStatus};
use prongsai_domain::thai;
use prongsai_store::corruption_reports::{
    self as store, Details, Hierarchy, Identity, Settings, StoredReport, Subject,
};
use prongsai_store::users::{self, Member};
use serde::Deserialize;

use crate::AppState;
use crate::error::{Error, see_other};
use crate::i18n::{Lang, t};
use crate::key;
use crate::middleware::csrf;
use crate::middleware::staff::{Staff, StaffCtx, need};
use crate::views::corruption_public::status_label;
use crate::views::{Form, html};

type Officer = Staff<need::HandleCorruptionReports>;

/// One line of the queue.
pub struct QueueRow {
    pub id: i64,
    pub received_at: i64,
    pub acknowledge_by: i64,
    pub status: String,
    pub late: bool,
    pub concluded: bool,
    pub has_identity: bool,
    pub updated_at: i64,
}

#[derive(Template)]
#[template(path = "staff/corruption_list.html")]
struct ListPage {
    p: crate::page::Page,
    base: String,
    rows: Vec<QueueRow>,
    late: usize,
}

#[derive(Template)]
#[template(path = "staff/corruption_detail.html")]
struct DetailPage {
    p: crate::page::Page,
    base: String,
    r: StoredReport,
    status: String,
    late: bool,
    acknowledge_by: i64,
    conclude_by: Option<i64>,
    d: Details,
    disciplinary: String,
    identity: Option<Identity>,
    messages: Vec<crate::views::corruption_public::MessageView>,
    files: Vec<store::EvidenceFile>,
    subjects: Vec<Subject>,
    members: Vec<Member>,
    can_acknowledge: bool,
    can_investigate: bool,
    can_conclude: bool,
    outcomes: Vec<(&'static str, &'static str)>,
}

#[derive(Template)]
#[template(path = "staff/corruption_settings.html")]
struct SettingsPage {
    p: crate::page::Page,
    base: String,
    retention_days: i64,
    conclude_days: String,
}

fn base(s: &StaffCtx) -> String {
    format!("{}/integrity", s.base())
}

/// Messages a redirect may ask the next page to show (`?m=`), by code.
fn flash(code: Option<&str>) -> Option<&'static str> {
    Some(match code? {
        "status" => key!("integrity.flash_status"),
        "replied" => key!("integrity.flash_replied"),
        "linked" => key!("integrity.flash_linked"),
        "saved" => key!("integrity.flash_saved"),
        "bad_transition" => key!("integrity.flash_bad_transition"),
        "disciplinary_required" => key!("integrity.flash_disciplinary_required"),
        "reason_required" => key!("integrity.flash_reason_required"),
        "empty" => key!("integrity.flash_empty"),
        "not_member" => key!("integrity.flash_not_member"),
        "bad_settings" => key!("integrity.flash_bad_settings"),
        _ => return None,
    })
}

#[derive(Deserialize)]
pub struct FlashQuery {
    m: Option<String>,
}

fn conclude_days(s: &Settings) -> Option<u32> {
    s.conclude_days.and_then(|d| u32::try_from(d).ok())
}

/// The report, if this officer may see it: the role was checked by the extractor; here
/// the conflict rule (named officers and their supervisors) is applied.
async fn visible(
    state: &AppState,
    s: &StaffCtx,
    report_id: i64,
) -> Result<(StoredReport, Vec<Subject>), Error> {
    let mut conn = state.db.pool.acquire().await?;
    let report = store::get(&mut conn, s.org.id, report_id)
        .await?
        .ok_or(Error::NotFound)?;
    let subjects = store::subjects(&mut conn, s.org.id, report_id).await?;
    if !subjects.is_empty() {
        let h = Hierarchy::load(&mut conn, s.org.id).await?;
        let named: Vec<_> = subjects.iter().map(|x| h.named(x.user_id)).collect();
        if !cr::may_view(&named, &h.viewer(s.user.id)) {
            return Err(Error::Forbidden);
        }
    }
    Ok((report, subjects))
}

/// `GET /{org}/staff/integrity/`
pub async fn list(
    State(state): State<AppState>,
    s: Officer,
    Query(q): Query<FlashQuery>,
) -> Result<Response, Error> {
    let mut conn = state.db.pool.acquire().await?;
    let settings = store::settings(&mut conn, s.org.id).await?;
    let reports = store::list(&mut conn, s.org.id).await?;
    let links = store::all_subjects(&mut conn, s.org.id).await?;
    let h = Hierarchy::load(&mut conn, s.org.id).await?;
    let viewer = h.viewer(s.user.id);
    let days = conclude_days(&settings);
    let rows: Vec<QueueRow> = reports
        .into_iter()
        .filter(|r| {
            let named: Vec<_> = links
                .iter()
                .filter(|(rid, _)| *rid == r.id)
                .map(|(_, u)| h.named(*u))
                .collect();
            cr::may_view(&named, &viewer)
        })
        .map(|r| QueueRow {
            id: r.id,
            received_at: r.received_at,
            acknowledge_by: r.acknowledge_by(),
            status: status_label(s.lang, r.status),
            late: r.is_late(days),
            concluded: r.status.is_concluded(),
            has_identity: r.has_identity(),
            updated_at: r.updated_at,
        })
        .collect();
    let late = rows.iter().filter(|r| r.late).count();
    let mut p = s.page("integrity.queue_title", "integrity/");
    p.notice = flash(q.m.as_deref()).map(|k| t(s.lang, k).to_string());
    html(&ListPage {
        p,
        base: base(&s),
        rows,
        late,
    })
}

async fn detail_page(
    state: &AppState,
    s: &StaffCtx,
    report: StoredReport,
    subjects: Vec<Subject>,
    identity: Option<Identity>,
    notice: Option<&'static str>,
) -> Result<Response, Error> {
    let keys = state.whistle.keys(state)?;
    let mut conn = state.db.pool.acquire().await?;
    let settings = store::settings(&mut conn, s.org.id).await?;
    let messages = store::messages(&mut conn, keys, s.org.id, report.id)
        .await?
        .into_iter()
        .map(|m| crate::views::corruption_public::MessageView {
            from_officer: m.author == store::Author::Officer,
            body: m.body,
            at: m.created_at,
        })
        .collect();
    let files = store::files(&mut conn, s.org.id, report.id).await?;
    let members = users::members(&mut conn, s.org.id)
        .await?
        .into_iter()
        .filter(|m| m.membership.role.is_staff())
        .collect();
    let d = report.details(keys)?;
    let disciplinary = report.disciplinary(keys)?.unwrap_or_default();
    let days = conclude_days(&settings);
    let status = report.status;
    let mut p = s.page("integrity.report_heading", "integrity/");
    p.notice = notice.map(|k| t(s.lang, k).to_string());
    let outcomes = Outcome::ALL
        .iter()
        .map(|o| {
            (
                o.code(),
                match s.lang {
                    Lang::Th => o.label_th(),
                    Lang::En => o.label_en(),
                },
            )
        })
        .collect();
    html(&DetailPage {
        p,
        base: base(s),
        status: status_label(s.lang, status),
        late: report.is_late(days),
        acknowledge_by: report.acknowledge_by(),
        conclude_by: days.map(|d| {
            let t = cr::conclude_by(prongsai_store::from_ms(report.received_at), d);
            (t.unix_timestamp_nanos() / 1_000_000) as i64
        }),
        d,
        disciplinary,
        identity,
        messages,
        files,
        subjects,
        members,
        can_acknowledge: status == ReportStatus::Received,
        can_investigate: status == ReportStatus::Acknowledged,
        can_conclude: matches!(
            status,
            ReportStatus::Acknowledged | ReportStatus::UnderInvestigation
        ),
        outcomes,
        r: report,
    })
}

/// `GET /{org}/staff/integrity/{report_id}`
pub async fn detail(
    State(state): State<AppState>,
    s: Officer,
    Path((_, report_id)): Path<(String, i64)>,
    Query(q): Query<FlashQuery>,
) -> Result<Response, Error> {
    let (report, subjects) = visible(&state, &s, report_id).await?;
    detail_page(&state, &s, report, subjects, None, flash(q.m.as_deref())).await
}

fn back(s: &StaffCtx, report_id: i64, m: &str) -> Response {
    see_other(&format!("{}/{report_id}?m={m}", base(s)))
}

#[derive(Deserialize)]
pub struct StatusForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    disciplinary: String,
}

/// `POST /{org}/staff/integrity/{report_id}/status`
pub async fn set_status(
    State(state): State<AppState>,
    s: Officer,
    Path((_, report_id)): Path<(String, i64)>,
    Form(f): Form<StatusForm>,
) -> Result<Response, Error> {
    csrf::check_session(s.csrf(), &f.csrf)?;
    visible(&state, &s, report_id).await?;
    let action = match f.action.as_str() {
        "acknowledge" => ReportAction::Acknowledge,
        "start_investigation" => ReportAction::StartInvestigation,
        "conclude" => match Outcome::from_code(&f.outcome) {
            Some(outcome) => ReportAction::Conclude {
                outcome,
                disciplinary_outcome: f.disciplinary.chars().take(10_000).collect(),
            },
            None => return Ok(back(&s, report_id, "bad_transition")),
        },
        _ => return Ok(back(&s, report_id, "bad_transition")),
    };
    let keys = state.whistle.keys(&state)?;
    let mut tx = state.db.begin().await?;
    let res = store::apply_action(
        &mut tx,
        &state.keys.audit,
        keys,
        s.org.id,
        report_id,
        &action,
        &s.actor(),
    )
    .await?;
    match res {
        Ok(_) => {
            tx.commit().await?;
            Ok(back(&s, report_id, "status"))
        }
        Err(e) => {
            tx.rollback().await?;
            Ok(back(
                &s,
                report_id,
                match e {
                    cr::ReportTransitionError::DisciplinaryOutcomeRequired => {
                        "disciplinary_required"
                    }
                    _ => "bad_transition",
                },
            ))
        }
    }
}

#[derive(Deserialize)]
pub struct ReplyForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    body: String,
}

/// `POST /{org}/staff/integrity/{report_id}/reply`: a message the reporter reads with
/// the receipt.
pub async fn reply(
    State(state): State<AppState>,
    s: Officer,
    Path((_, report_id)): Path<(String, i64)>,
    Form(f): Form<ReplyForm>,
) -> Result<Response, Error> {
    csrf::check_session(s.csrf(), &f.csrf)?;
    let (report, _) = visible(&state, &s, report_id).await?;
    let body = f.body.trim();
    if body.is_empty() || body.chars().count() > store::MAX_FIELD_CHARS {
        return Ok(back(&s, report_id, "empty"));
    }
    let keys = state.whistle.keys(&state)?;
    let mut tx = state.db.begin().await?;
    store::reply(&mut tx, &state.keys.audit, keys, &report, &s.actor(), body).await?;
    tx.commit().await?;
    Ok(back(&s, report_id, "replied"))
}

#[derive(Deserialize)]
pub struct IdentityForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    reason: String,
}

/// `POST /{org}/staff/integrity/{report_id}/identity`: shows the reporter's identity
/// once, for a stated reason that goes into the audit trail.
pub async fn reveal_identity(
    State(state): State<AppState>,
    s: Officer,
    Path((_, report_id)): Path<(String, i64)>,
    Form(f): Form<IdentityForm>,
) -> Result<Response, Error> {
    csrf::check_session(s.csrf(), &f.csrf)?;
    let (report, subjects) = visible(&state, &s, report_id).await?;
    let reason = f.reason.trim();
    if reason.chars().count() < 5 || reason.chars().count() > 1000 {
        return Ok(back(&s, report_id, "reason_required"));
    }
    let keys = state.whistle.keys(&state)?;
    let mut tx = state.db.begin().await?;
    let identity = store::reveal_identity(
        &mut tx,
        &state.keys.audit,
        keys,
        &report,
        &s.actor(),
        reason,
    )
    .await?;
    tx.commit().await?;
    let identity = Some(identity.unwrap_or_default());
    detail_page(&state, &s, report, subjects, identity, None).await
}

#[derive(Deserialize)]
pub struct OfficerForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    user_id: String,
    #[serde(default)]
    op: String,
}

/// `POST /{org}/staff/integrity/{report_id}/officers`: links (or unlinks) a member of
/// the organization named in the report.
pub async fn set_officer(
    State(state): State<AppState>,
    s: Officer,
    Path((_, report_id)): Path<(String, i64)>,
    Form(f): Form<OfficerForm>,
) -> Result<Response, Error> {
    csrf::check_session(s.csrf(), &f.csrf)?;
    visible(&state, &s, report_id).await?;
    let Ok(user_id) = thai::parse_int(&f.user_id) else {
        return Ok(back(&s, report_id, "not_member"));
    };
    let mut tx = state.db.begin().await?;
    if users::membership(&mut tx, s.org.id, user_id)
        .await?
        .is_none()
    {
        return Ok(back(&s, report_id, "not_member"));
    }
    store::set_subject(
        &mut tx,
        &state.keys.audit,
        s.org.id,
        report_id,
        user_id,
        f.op != "unlink",
        &s.actor(),
    )
    .await?;
    tx.commit().await?;
    if user_id == s.user.id && f.op != "unlink" {
        // Naming oneself takes one off the case at once.
        return Ok(see_other(&format!("{}/?m=linked", base(&s))));
    }
    Ok(back(&s, report_id, "linked"))
}

/// `GET /{org}/staff/integrity/{report_id}/files/{file_id}`: an evidence file, opened.
pub async fn file(
    State(state): State<AppState>,
    s: Officer,
    Path((_, report_id, file_id)): Path<(String, i64, i64)>,
) -> Result<Response, Error> {
    let (report, _) = visible(&state, &s, report_id).await?;
    let mut conn = state.db.pool.acquire().await?;
    let f = store::files(&mut conn, s.org.id, report.id)
        .await?
        .into_iter()
        .find(|f| f.id == file_id)
        .ok_or(Error::NotFound)?;
    drop(conn);
    let keys = state.whistle.keys(&state)?.clone();
    let blobs = state.blobs.clone();
    let meta = f.clone();
    let bytes = tokio::task::spawn_blocking(move || store::open_file(blobs.as_ref(), &keys, &meta))
        .await
        .map_err(|e| Error::Internal(e.to_string()))??;
    let mut r = bytes.into_response();
    let h = r.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&f.content_type) {
        h.insert(header::CONTENT_TYPE, v);
    }
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{}\"", f.file_name())) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(r)
}

/// `GET /{org}/staff/integrity/settings`
pub async fn settings(
    State(state): State<AppState>,
    s: Officer,
    Query(q): Query<FlashQuery>,
) -> Result<Response, Error> {
    let mut conn = state.db.pool.acquire().await?;
    let st = store::settings(&mut conn, s.org.id).await?;
    let mut p = s.page("integrity.settings_title", "integrity/");
    p.notice = flash(q.m.as_deref()).map(|k| t(s.lang, k).to_string());
    html(&SettingsPage {
        p,
        base: base(&s),
        retention_days: st.retention_days,
        conclude_days: st.conclude_days.map(|d| d.to_string()).unwrap_or_default(),
    })
}

#[derive(Deserialize)]
pub struct SettingsForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    retention_days: String,
    #[serde(default)]
    conclude_days: String,
}

/// `POST /{org}/staff/integrity/settings`
pub async fn save_settings(
    State(state): State<AppState>,
    s: Officer,
    Form(f): Form<SettingsForm>,
) -> Result<Response, Error> {
    csrf::check_session(s.csrf(), &f.csrf)?;
    let retention = thai::parse_int(&f.retention_days).ok();
    let conclude = if f.conclude_days.trim().is_empty() {
        Ok(None)
    } else {
        thai::parse_int(&f.conclude_days).map(Some)
    };
    let dest = format!("{}/settings", base(&s));
    let (Some(retention_days), Ok(conclude_days)) = (retention, conclude) else {
        return Ok(see_other(&format!("{dest}?m=bad_settings")));
    };
    let mut tx = state.db.begin().await?;
    let res = store::save_settings(
        &mut tx,
        &state.keys.audit,
        s.org.id,
        Settings {
            retention_days,
            conclude_days,
        },
        &s.actor(),
    )
    .await;
    match res {
        Ok(()) => {
            tx.commit().await?;
            Ok(see_other(&format!("{dest}?m=saved")))
        }
        Err(prongsai_store::StoreError::Invalid(_)) => {
            tx.rollback().await?;
            Ok(see_other(&format!("{dest}?m=bad_settings")))
        }
        Err(e) => Err(e.into()),
    }
}
