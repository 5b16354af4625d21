//! The staff area's shell: the dashboard, the divisions (สำนัก/กอง) and the
//! organization's settings. Each handler states its permission in its extractor.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use prongsai_domain::{Permission, Role, thai};
use prongsai_store::StoreError;
use prongsai_store::orgs::{self, Division, OrgProfile, Organization};
use prongsai_store::users::{self, Member};
use serde::Deserialize;

use crate::AppState;
use crate::error::{Error, see_other};
use crate::i18n::t;
use crate::key;
use crate::middleware::csrf;
use crate::middleware::staff::{Staff, StaffCtx, need};
use crate::page::Page;
use crate::queries;
use crate::views::{Form, checked, html_status};

#[derive(Deserialize)]
pub struct OkQuery {
    pub ok: Option<String>,
}

/// The notice for a `?ok=` after a successful change.
pub fn ok_notice(ok: Option<&str>) -> Option<&'static str> {
    match ok? {
        "saved" => Some(key!("common.saved")),
        "created" => Some(key!("common.created")),
        "removed" => Some(key!("common.removed")),
        _ => None,
    }
}

#[derive(Template)]
#[template(path = "staff/dashboard.html")]
struct DashboardPage {
    p: Page,
    org_name: String,
    role: Role,
    members: i64,
    divisions: usize,
    audit_entries: Option<i64>,
    can_users: bool,
    can_settings: bool,
}

/// `GET /{org}/staff`: 308 to `/{org}/staff/` (the query kept) for the organization's
/// staff; others get what the staff area gives them (sign-in, 403).
pub async fn staff_slash(
    s: Staff<need::StaffArea>,
    axum::extract::RawQuery(q): axum::extract::RawQuery,
) -> Result<Response, Error> {
    Ok(crate::error::permanent_redirect(
        &crate::views::public::with_query(&format!("{}/", s.base()), q.as_deref()),
    ))
}

/// `GET /{org}/staff/`
pub async fn dashboard(
    State(state): State<AppState>,
    s: Staff<need::StaffArea>,
) -> Result<Response, Error> {
    let mut conn = state.db.pool.acquire().await?;
    let members = queries::member_count(&mut conn, s.org.id).await?;
    let divisions = orgs::divisions(&mut conn, s.org.id).await?.len();
    let audit_entries = if s.may(Permission::ViewAuditTrail) {
        Some(queries::audit_count(&mut conn, s.org.id).await?)
    } else {
        None
    };
    let page = DashboardPage {
        p: s.page("dashboard.title", ""),
        org_name: s.lang.pick(&s.org.name_th, &s.org.name_en).to_string(),
        role: s.role(),
        members,
        divisions,
        audit_entries,
        can_users: s.may(Permission::ManageUsers),
        can_settings: s.may(Permission::ManageOrganization),
    };
    html_status(StatusCode::OK, &page)
}

pub struct DivisionRow {
    pub d: Division,
    pub name: String,
    pub head: String,
    /// The head's user id, 0 for none (easy to compare in templates).
    pub head_id: i64,
}

#[derive(Template)]
#[template(path = "staff/divisions.html")]
struct DivisionsPage {
    p: Page,
    rows: Vec<DivisionRow>,
    members: Vec<Member>,
    can_manage: bool,
    form: DivisionForm,
}

async fn divisions_page(
    state: &AppState,
    s: &StaffCtx,
    notice: Option<&'static str>,
    alert: Option<&'static str>,
    form: DivisionForm,
    status: StatusCode,
) -> Result<Response, Error> {
    let mut conn = state.db.pool.acquire().await?;
    let members = users::members(&mut conn, s.org.id).await?;
    let rows = orgs::divisions(&mut conn, s.org.id)
        .await?
        .into_iter()
        .map(|d| DivisionRow {
            name: s.lang.pick(&d.name_th, &d.name_en).to_string(),
            head: d
                .head_user_id
                .and_then(|id| members.iter().find(|m| m.user.id == id))
                .map(|m| m.user.display_name.clone())
                .unwrap_or_default(),
            head_id: d.head_user_id.unwrap_or(0),
            d,
        })
        .collect();
    let mut p = s.page("divisions.title", "divisions");
    p.notice = notice.map(|k| t(s.lang, k).to_string());
    p.alert = alert.map(|k| t(s.lang, k).to_string());
    let page = DivisionsPage {
        p,
        rows,
        members,
        can_manage: s.may(Permission::ManageOrganization),
        form,
    };
    html_status(status, &page)
}

/// `GET /{org}/staff/divisions`: every member may see the divisions.
pub async fn divisions(
    State(state): State<AppState>,
    s: Staff<need::StaffArea>,
    Query(q): Query<OkQuery>,
) -> Result<Response, Error> {
    divisions_page(
        &state,
        &s,
        ok_notice(q.ok.as_deref()),
        None,
        DivisionForm::default(),
        StatusCode::OK,
    )
    .await
}

#[derive(Deserialize, Default)]
pub struct DivisionForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub name_th: String,
    #[serde(default)]
    pub name_en: String,
}

/// `POST /{org}/staff/divisions`
pub async fn create_division(
    State(state): State<AppState>,
    s: Staff<need::ManageOrganization>,
    Form(f): Form<DivisionForm>,
) -> Result<Response, Error> {
    csrf::check_session(s.csrf(), &f.csrf)?;
    let code = f.code.trim().to_lowercase();
    let alert = if !orgs::valid_division_code(&code) {
        Some(key!("divisions.bad_code"))
    } else if f.name_th.trim().is_empty()
        || f.name_th.chars().count() > 200
        || f.name_en.chars().count() > 200
    {
        Some(key!("divisions.bad_name"))
    } else {
        None
    };
    if alert.is_some() {
        return divisions_page(&state, &s, None, alert, f, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    let mut tx = state.db.begin().await?;
    match orgs::create_division(
        &mut tx,
        &state.keys.audit,
        s.org.id,
        &code,
        &f.name_th,
        &f.name_en,
        &s.actor(),
    )
    .await
    {
        Ok(_) => {}
        Err(StoreError::Conflict(_)) => {
            drop(tx);
            return divisions_page(
                &state,
                &s,
                None,
                Some(key!("divisions.exists")),
                f,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
        Err(e) => return Err(e.into()),
    }
    tx.commit().await?;
    state.orgs.clear();
    Ok(see_other(&format!("{}/divisions?ok=created", s.base())))
}

#[derive(Deserialize)]
pub struct HeadForm {
    #[serde(default)]
    csrf: String,
    /// A member's user id, or empty for none.
    #[serde(default)]
    head: String,
}

/// `POST /{org}/staff/divisions/{division_id}/head`: the head must be a member here.
pub async fn set_division_head(
    State(state): State<AppState>,
    s: Staff<need::ManageOrganization>,
    Path((_org, division_id)): Path<(String, String)>,
    Form(f): Form<HeadForm>,
) -> Result<Response, Error> {
    csrf::check_session(s.csrf(), &f.csrf)?;
    let division_id = thai::parse_int(&division_id).map_err(|_| Error::NotFound)?;
    let head = if f.head.trim().is_empty() {
        None
    } else {
        Some(thai::parse_int(&f.head).map_err(|_| Error::BadRequest(key!("error.bad_request")))?)
    };
    let mut tx = state.db.begin().await?;
    let head_is_member = match head {
        Some(h) => users::membership(&mut tx, s.org.id, h).await?.is_some(),
        None => true,
    };
    if !head_is_member {
        return Err(Error::BadRequest(key!("divisions.head_not_member")));
    }
    orgs::set_division_head(
        &mut tx,
        &state.keys.audit,
        s.org.id,
        division_id,
        head,
        &s.actor(),
    )
    .await?;
    tx.commit().await?;
    state.orgs.clear();
    Ok(see_other(&format!("{}/divisions?ok=saved", s.base())))
}

#[derive(Template)]
#[template(path = "staff/settings.html")]
struct SettingsPage {
    p: Page,
    o: Organization,
    deadline: String,
}

/// `GET /{org}/staff/settings`
pub async fn settings(
    s: Staff<need::ManageOrganization>,
    Query(q): Query<OkQuery>,
) -> Result<Response, Error> {
    let mut p = s.page("settings.title", "settings");
    p.notice = ok_notice(q.ok.as_deref()).map(|k| t(s.lang, k).to_string());
    let deadline = s.org.complaint_deadline_days.to_string();
    html_status(
        StatusCode::OK,
        &SettingsPage {
            p,
            o: s.org.clone(),
            deadline,
        },
    )
}

#[derive(Deserialize)]
pub struct SettingsForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name_th: String,
    #[serde(default)]
    name_en: String,
    #[serde(default)]
    province: String,
    #[serde(default)]
    address: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    website: String,
    #[serde(default)]
    about_th: String,
    #[serde(default)]
    about_en: String,
    require_staff_totp: Option<String>,
    #[serde(default)]
    complaint_deadline_days: String,
    /// `thai` or `arabic`: the digits of the organization's Thai pages.
    #[serde(default)]
    digits: String,
}

/// `POST /{org}/staff/settings`: the profile; numbers may be typed in Thai digits.
pub async fn save_settings(
    State(state): State<AppState>,
    s: Staff<need::ManageOrganization>,
    Form(f): Form<SettingsForm>,
) -> Result<Response, Error> {
    csrf::check_session(s.csrf(), &f.csrf)?;
    let deadline = thai::parse_int(&f.complaint_deadline_days)
        .ok()
        .filter(|d| (1..=365).contains(d));
    let too_long = [&f.name_en, &f.province, &f.phone, &f.email, &f.website]
        .iter()
        .any(|v| v.chars().count() > 300)
        || [&f.address, &f.about_th, &f.about_en]
            .iter()
            .any(|v| v.chars().count() > 5000);
    let alert = if f.name_th.trim().is_empty() || f.name_th.chars().count() > 200 {
        Some(key!("settings.bad_name"))
    } else if deadline.is_none() {
        Some(key!("settings.bad_deadline"))
    } else if too_long {
        Some(key!("settings.too_long"))
    } else {
        None
    };
    let profile = OrgProfile {
        name_th: f.name_th.clone(),
        name_en: f.name_en.clone(),
        province: f.province.clone(),
        address: f.address.clone(),
        phone: f.phone.clone(),
        email: f.email.clone(),
        website: f.website.clone(),
        about_th: f.about_th.clone(),
        about_en: f.about_en.clone(),
        require_staff_totp: checked(&f.require_staff_totp),
        complaint_deadline_days: deadline.unwrap_or(s.org.complaint_deadline_days),
    };
    let thai_digits = match f.digits.as_str() {
        "thai" => true,
        "arabic" => false,
        _ => s.org.thai_digits,
    };
    if let Some(a) = alert {
        let mut p = s.page("settings.title", "settings");
        p.alert = Some(t(s.lang, a).to_string());
        let mut o = s.org.clone();
        o.name_th = profile.name_th;
        o.name_en = profile.name_en;
        o.province = profile.province;
        o.address = profile.address;
        o.phone = profile.phone;
        o.email = profile.email;
        o.website = profile.website;
        o.about_th = profile.about_th;
        o.about_en = profile.about_en;
        o.require_staff_totp = profile.require_staff_totp;
        o.thai_digits = thai_digits;
        let page = SettingsPage {
            p,
            o,
            deadline: f.complaint_deadline_days.clone(),
        };
        return html_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
    }
    let mut tx = state.db.begin().await?;
    orgs::update_profile(&mut tx, &state.keys.audit, s.org.id, &profile, &s.actor()).await?;
    orgs::set_thai_digits(
        &mut tx,
        &state.keys.audit,
        s.org.id,
        thai_digits,
        &s.actor(),
    )
    .await?;
    tx.commit().await?;
    state.orgs.clear();
    Ok(see_other(&format!("{}/settings?ok=saved", s.base())))
}
