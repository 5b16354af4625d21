//! Administration: the organization's accounts (create, role and division, password
//! reset, removal) and the audit trail. Every change is made through the store, which
//! records it in the organization's audit chain. An account is touched only when it
//! is a member of the organization in the URL.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use prongsai_domain::{Role, thai};
use prongsai_store::StoreError;
use prongsai_store::audit::{self, Entry};
use prongsai_store::orgs::{self, Division};
use prongsai_store::users::{self, Member};
use serde::Deserialize;

use crate::AppState;
use crate::error::{Error, see_other};
use crate::i18n::t;
use crate::key;
use crate::middleware::csrf;
use crate::middleware::staff::{Staff, StaffCtx, need};
use crate::page::Page;
use crate::views::staff::{OkQuery, ok_notice};
use crate::views::{Form, html_status};

/// Roles an administrator may hand out here (citizens have no staff membership).
pub const ASSIGNABLE_ROLES: [Role; 8] = [
    Role::Officer,
    Role::DivisionHead,
    Role::Clerk,
    Role::Executive,
    Role::InternalAuditor,
    Role::IntegrityOfficer,
    Role::CouncilMember,
    Role::Admin,
];

#[derive(Template)]
#[template(path = "staff/users.html")]
struct UsersPage {
    p: Page,
    members: Vec<Member>,
    divisions: Vec<Division>,
    roles: &'static [Role],
    me: i64,
    form: NewUserForm,
    now: i64,
}

impl UsersPage {
    fn division_name(&self, id: &Option<i64>) -> String {
        id.and_then(|id| self.divisions.iter().find(|d| d.id == id))
            .map(|d| self.p.pick(&d.name_th, &d.name_en).to_string())
            .unwrap_or_default()
    }
}

/// The users page again with an alert and 422, after a refused change.
async fn refuse(
    state: &AppState,
    s: &StaffCtx,
    alert: Option<&'static str>,
) -> Result<Response, Error> {
    users_page(
        state,
        s,
        None,
        alert,
        NewUserForm::default(),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

async fn users_page(
    state: &AppState,
    s: &StaffCtx,
    notice: Option<&'static str>,
    alert: Option<&'static str>,
    form: NewUserForm,
    status: StatusCode,
) -> Result<Response, Error> {
    let mut conn = state.db.pool.acquire().await?;
    let members = users::members(&mut conn, s.org.id).await?;
    let divisions = orgs::divisions(&mut conn, s.org.id).await?;
    let mut p = s.page("users.title", "users");
    p.notice = notice.map(|k| t(s.lang, k).to_string());
    p.alert = alert.map(|k| t(s.lang, k).to_string());
    let page = UsersPage {
        p,
        members,
        divisions,
        roles: &ASSIGNABLE_ROLES,
        me: s.user.id,
        form,
        now: prongsai_store::now_ms(),
    };
    html_status(status, &page)
}

/// `GET /{org}/staff/users`
pub async fn users(
    State(state): State<AppState>,
    s: Staff<need::ManageUsers>,
    Query(q): Query<OkQuery>,
) -> Result<Response, Error> {
    users_page(
        &state,
        &s,
        ok_notice(q.ok.as_deref()),
        None,
        NewUserForm::default(),
        StatusCode::OK,
    )
    .await
}

#[derive(Deserialize, Default)]
pub struct NewUserForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    pub username: String,
    #[serde(default)]
    pub display_name: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    pub role: String,
    #[serde(default)]
    pub division: String,
}

fn parse_role(s: &str) -> Option<Role> {
    s.parse::<Role>()
        .ok()
        .filter(|r| ASSIGNABLE_ROLES.contains(r))
}

fn parse_division(s: &str) -> Result<Option<i64>, ()> {
    if s.trim().is_empty() {
        Ok(None)
    } else {
        thai::parse_int(s).map(Some).map_err(|_| ())
    }
}

/// `POST /{org}/staff/users`: a new account with a role here.
pub async fn create_user(
    State(state): State<AppState>,
    s: Staff<need::ManageUsers>,
    Form(f): Form<NewUserForm>,
) -> Result<Response, Error> {
    csrf::check_session(s.csrf(), &f.csrf)?;
    let username = f.username.trim().to_lowercase();
    let role = parse_role(&f.role);
    let division = parse_division(&f.division);
    let alert = if !users::valid_username(&username) {
        Some(key!("users.bad_username"))
    } else if f.display_name.trim().is_empty()
        || f.display_name.chars().count() > 200
        || f.email.len() > 200
    {
        Some(key!("users.bad_name"))
    } else if users::check_password_strength(&f.password).is_err() {
        Some(key!("account.weak"))
    } else if role.is_none() {
        Some(key!("users.bad_role"))
    } else if !matches!(division, Ok(d) if d.is_some() || !matches!(role, Some(Role::Officer | Role::DivisionHead)))
    {
        Some(key!("users.needs_division"))
    } else {
        None
    };
    let (Some(role), Ok(division), None) = (role, division, alert) else {
        return users_page(&state, &s, None, alert, f, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    let mut tx = state.db.begin().await?;
    let actor = s.actor();
    let created = users::create(
        &mut tx,
        &state.keys.audit,
        s.org.id,
        &username,
        &f.display_name,
        &f.email,
        &f.password,
        &actor,
    )
    .await;
    let user = match created {
        Ok(u) => u,
        Err(e) if e.is_unique_violation() => {
            drop(tx);
            return users_page(
                &state,
                &s,
                None,
                Some(key!("users.exists")),
                f,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
        Err(e) => return Err(e.into()),
    };
    match users::set_role(
        &mut tx,
        &state.keys.audit,
        s.org.id,
        user.id,
        role,
        division,
        &actor,
    )
    .await
    {
        Ok(_) => {}
        Err(StoreError::NotFound(_) | StoreError::Invalid(_)) => {
            drop(tx);
            return users_page(
                &state,
                &s,
                None,
                Some(key!("users.needs_division")),
                f,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
        Err(e) => return Err(e.into()),
    }
    tx.commit().await?;
    Ok(see_other(&format!("{}/users?ok=created", s.base())))
}

/// The target of a per-member action: a user id that is a member of this organization
/// (anything else is 404, so ids of other organizations' people reveal nothing).
async fn member_target(
    conn: &mut sqlx::AnyConnection,
    s: &StaffCtx,
    raw_id: &str,
) -> Result<users::Membership, Error> {
    let id = thai::parse_int(raw_id).map_err(|_| Error::NotFound)?;
    users::membership(conn, s.org.id, id)
        .await?
        .ok_or(Error::NotFound)
}

#[derive(Deserialize)]
pub struct RoleForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    division: String,
}

/// `POST /{org}/staff/users/{user_id}/role`
pub async fn set_role(
    State(state): State<AppState>,
    s: Staff<need::ManageUsers>,
    Path((_org, user_id)): Path<(String, String)>,
    Form(f): Form<RoleForm>,
) -> Result<Response, Error> {
    csrf::check_session(s.csrf(), &f.csrf)?;
    let mut tx = state.db.begin().await?;
    let target = member_target(&mut tx, &s, &user_id).await?;
    let role = parse_role(&f.role);
    let division = parse_division(&f.division);
    let alert = match (role, &division) {
        (None, _) => Some(key!("users.bad_role")),
        (_, Err(())) => Some(key!("users.needs_division")),
        // Administrators cannot demote themselves (and so lock everyone out).
        (Some(r), _) if target.user_id == s.user.id && r != s.role() => {
            Some(key!("users.not_self"))
        }
        _ => None,
    };
    let (Some(role), Ok(division), None) = (role, division, alert) else {
        drop(tx);
        return refuse(&state, &s, alert).await;
    };
    match users::set_role(
        &mut tx,
        &state.keys.audit,
        s.org.id,
        target.user_id,
        role,
        division,
        &s.actor(),
    )
    .await
    {
        Ok(_) => {}
        Err(StoreError::NotFound(_) | StoreError::Invalid(_)) => {
            drop(tx);
            return refuse(&state, &s, Some(key!("users.needs_division"))).await;
        }
        Err(e) => return Err(e.into()),
    }
    tx.commit().await?;
    Ok(see_other(&format!("{}/users?ok=saved", s.base())))
}

#[derive(Deserialize)]
pub struct ResetForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    password: String,
}

/// `POST /{org}/staff/users/{user_id}/password`: a new password, told to the person
/// out of band; their sessions end and the lock is lifted.
pub async fn reset_password(
    State(state): State<AppState>,
    s: Staff<need::ManageUsers>,
    Path((_org, user_id)): Path<(String, String)>,
    Form(f): Form<ResetForm>,
) -> Result<Response, Error> {
    csrf::check_session(s.csrf(), &f.csrf)?;
    let mut tx = state.db.begin().await?;
    let target = member_target(&mut tx, &s, &user_id).await?;
    if users::check_password_strength(&f.password).is_err() {
        drop(tx);
        return refuse(&state, &s, Some(key!("account.weak"))).await;
    }
    if !may_manage_account(&mut tx, &s, target.user_id).await? {
        drop(tx);
        return refuse(&state, &s, Some(key!("users.other_orgs"))).await;
    }
    users::set_password(
        &mut tx,
        &state.keys.audit,
        s.org.id,
        target.user_id,
        &f.password,
        &s.actor(),
    )
    .await?;
    tx.commit().await?;
    Ok(see_other(&format!("{}/users?ok=saved", s.base())))
}

#[derive(Deserialize)]
pub struct RemoveForm {
    #[serde(default)]
    csrf: String,
}

/// `POST /{org}/staff/users/{user_id}/remove`: ends the membership here (the account
/// itself may belong to other organizations).
pub async fn remove_member(
    State(state): State<AppState>,
    s: Staff<need::ManageUsers>,
    Path((_org, user_id)): Path<(String, String)>,
    Form(f): Form<RemoveForm>,
) -> Result<Response, Error> {
    csrf::check_session(s.csrf(), &f.csrf)?;
    let mut tx = state.db.begin().await?;
    let target = member_target(&mut tx, &s, &user_id).await?;
    if target.user_id == s.user.id {
        drop(tx);
        return refuse(&state, &s, Some(key!("users.not_self"))).await;
    }
    users::remove_membership(
        &mut tx,
        &state.keys.audit,
        s.org.id,
        target.user_id,
        &s.actor(),
    )
    .await?;
    tx.commit().await?;
    Ok(see_other(&format!("{}/users?ok=removed", s.base())))
}

/// Whether this organization's administrator may take over the credentials of an
/// account (new password, TOTP reset): only when every other organization the account
/// belongs to is also administered by the same person. Otherwise an administrator could
/// add another organization's administrator here (`POST …/users/add`) and then reset
/// their password or second factor.
async fn may_manage_account(
    conn: &mut sqlx::AnyConnection,
    s: &StaffCtx,
    user_id: i64,
) -> Result<bool, Error> {
    for m in users::memberships_of(conn, user_id).await? {
        if m.org_id == s.org.id {
            continue;
        }
        let mine = users::membership(conn, m.org_id, s.user.id).await?;
        if !mine.is_some_and(|me| me.role.allows(prongsai_domain::Permission::ManageUsers)) {
            return Ok(false);
        }
    }
    Ok(true)
}

#[derive(Deserialize, Default)]
pub struct AddExistingForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    division: String,
}

/// `POST /{org}/staff/users/add`: an account that already exists (a member of another
/// organization, say) gets a role here. Someone already a member keeps their role (it
/// is changed in the list).
pub async fn add_existing(
    State(state): State<AppState>,
    s: Staff<need::ManageUsers>,
    Form(f): Form<AddExistingForm>,
) -> Result<Response, Error> {
    csrf::check_session(s.csrf(), &f.csrf)?;
    let role = parse_role(&f.role);
    let division = parse_division(&f.division);
    let mut tx = state.db.begin().await?;
    let user = users::by_username(&mut tx, &f.username).await?;
    let member = match &user {
        Some(u) => users::membership(&mut tx, s.org.id, u.id).await?,
        None => None,
    };
    let alert = if user.is_none() {
        Some(key!("users.no_such_account"))
    } else if member.is_some() {
        Some(key!("users.already_member"))
    } else if role.is_none() {
        Some(key!("users.bad_role"))
    } else if !matches!(division, Ok(d) if d.is_some() || !matches!(role, Some(Role::Officer | Role::DivisionHead)))
    {
        Some(key!("users.needs_division"))
    } else {
        None
    };
    let (Some(user), Some(role), Ok(division), None) = (user, role, division, alert) else {
        drop(tx);
        return refuse(&state, &s, alert).await;
    };
    match users::set_role(
        &mut tx,
        &state.keys.audit,
        s.org.id,
        user.id,
        role,
        division,
        &s.actor(),
    )
    .await
    {
        Ok(_) => {}
        Err(StoreError::NotFound(_) | StoreError::Invalid(_)) => {
            drop(tx);
            return refuse(&state, &s, Some(key!("users.needs_division"))).await;
        }
        Err(e) => return Err(e.into()),
    }
    tx.commit().await?;
    Ok(see_other(&format!("{}/users?ok=created", s.base())))
}

#[derive(Deserialize)]
pub struct TotpResetForm {
    #[serde(default)]
    csrf: String,
}

/// `POST /{org}/staff/users/{user_id}/totp-reset`: turns a member's second factor off
/// (a lost phone); they sign in with the password alone and enrol again. Not for one's
/// own account (that is `/account`, with the password and a code).
pub async fn totp_reset(
    State(state): State<AppState>,
    s: Staff<need::ManageUsers>,
    Path((_org, user_id)): Path<(String, String)>,
    Form(f): Form<TotpResetForm>,
) -> Result<Response, Error> {
    csrf::check_session(s.csrf(), &f.csrf)?;
    let mut tx = state.db.begin().await?;
    let target = member_target(&mut tx, &s, &user_id).await?;
    let alert = if target.user_id == s.user.id {
        Some(key!("users.not_self"))
    } else if !may_manage_account(&mut tx, &s, target.user_id).await? {
        Some(key!("users.other_orgs"))
    } else {
        None
    };
    if alert.is_some() {
        drop(tx);
        return refuse(&state, &s, alert).await;
    }
    let user = users::by_id(&mut tx, target.user_id)
        .await?
        .ok_or(Error::NotFound)?;
    if user.totp_secret.is_some() || user.totp_enabled {
        users::reset_totp(
            &mut tx,
            &state.keys.audit,
            s.org.id,
            target.user_id,
            &s.actor(),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(see_other(&format!("{}/users?ok=saved", s.base())))
}

/// Entries per audit page.
pub const AUDIT_PAGE: i64 = 50;

#[derive(Template)]
#[template(path = "staff/audit.html")]
struct AuditPage {
    p: Page,
    entries: Vec<Entry>,
    older: Option<String>,
}

impl AuditPage {
    /// What an entry did, in the page's language: `audit_action.<action>` from the
    /// catalogue, else the entity's name (the code itself is shown beside it).
    fn action_label(&self, e: &Entry) -> String {
        let key = format!("audit_action.{}", e.action.replace('.', "_"));
        match crate::i18n::try_t(self.p.lang, &key) {
            Some(l) => l.to_string(),
            None => self.entity_label(&e.entity),
        }
    }

    /// The kind of record an entry touched, in the page's language.
    fn entity_label(&self, entity: &str) -> String {
        crate::i18n::try_t(self.p.lang, &format!("audit_entity.{entity}"))
            .unwrap_or_else(|| self.p.t("audit.record"))
            .to_string()
    }

    /// A stored JSON snapshot, indented for reading (`null` shown as a dash).
    fn pretty(&self, json: &str) -> String {
        match serde_json::from_str::<serde_json::Value>(json) {
            Ok(serde_json::Value::Null) => "—".into(),
            Ok(v) => serde_json::to_string_pretty(&v).unwrap_or_else(|_| json.to_string()),
            Err(_) => json.to_string(),
        }
    }
}

#[derive(Deserialize)]
pub struct AuditQuery {
    before: Option<String>,
}

/// `GET /{org}/staff/audit?before=SEQ`: the trail, newest first, a page at a time,
/// with the state before and after each change.
pub async fn audit(
    State(state): State<AppState>,
    s: Staff<need::ViewAuditTrail>,
    Query(q): Query<AuditQuery>,
) -> Result<Response, Error> {
    let before = q.before.as_deref().and_then(|b| thai::parse_int(b).ok());
    let mut conn = state.db.pool.acquire().await?;
    let entries = audit::recent(&mut conn, s.org.id, AUDIT_PAGE, before).await?;
    let older = (entries.len() as i64 == AUDIT_PAGE)
        .then(|| {
            entries
                .last()
                .map(|e| format!("{}/audit?before={}", s.base(), e.seq))
        })
        .flatten();
    let page = AuditPage {
        p: s.page("audit.title", "audit"),
        entries,
        older,
    };
    html_status(StatusCode::OK, &page)
}
