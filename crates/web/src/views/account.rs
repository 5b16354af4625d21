//! One's own account: profile and memberships, changing the password, and enrolling a
//! second factor (TOTP): generate a secret, show it (and its `otpauth://` URI) for an
//! authenticator app, confirm with a code.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::Response;
use prongsai_domain::Role;
use prongsai_store::audit::Actor;
use prongsai_store::{orgs, sessions, users};
use serde::Deserialize;

use crate::AppState;
use crate::error::{Error, see_other};
use crate::i18n::{Lang, t};
use crate::key;
use crate::middleware::csrf;
use crate::middleware::lang::{Here, ReqLang};
use crate::middleware::session::{self, Auth, SignedIn};
use crate::page::Page;
use crate::totp;
use crate::views::{Form, html_status};

pub struct MembershipRow {
    pub slug: String,
    pub org_name: String,
    pub role: Role,
    pub staff: bool,
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    p: Page,
    username: String,
    display_name: String,
    email: String,
    memberships: Vec<MembershipRow>,
    totp_enabled: bool,
    /// A secret waiting for its first code.
    pending_secret: Option<String>,
    pending_uri: String,
    totp_required: bool,
}

#[derive(Deserialize)]
pub struct AccountQuery {
    totp: Option<String>,
    ok: Option<String>,
}

#[allow(clippy::too_many_arguments)]
async fn render(
    state: &AppState,
    lang: Lang,
    here: &str,
    s: &SignedIn,
    notice: Option<&'static str>,
    alert: Option<&'static str>,
    totp_required: bool,
    status: StatusCode,
) -> Result<Response, Error> {
    let mut conn = state.db.pool.acquire().await?;
    // Read again: the account may have changed since the session was loaded.
    let user = users::by_id(&mut conn, s.user.id)
        .await?
        .ok_or(Error::NotFound)?;
    let mut memberships = Vec::new();
    for m in users::memberships_of(&mut conn, user.id).await? {
        if let Some(o) = orgs::by_id(&mut conn, m.org_id).await? {
            memberships.push(MembershipRow {
                org_name: lang.pick(&o.name_th, &o.name_en).to_string(),
                slug: o.slug,
                role: m.role,
                staff: m.role.is_staff(),
            });
        }
    }
    let pending_secret = if user.totp_enabled {
        None
    } else {
        user.totp_secret.clone()
    };
    let pending_uri = pending_secret
        .as_deref()
        .map(|sec| totp::otpauth_uri(sec, "Prongsai", &user.username))
        .unwrap_or_default();
    let mut p = Page::new(lang, here, "account.title");
    p.user_name = Some(user.display_name.clone());
    p.csrf = s.session.csrf_token.clone();
    p.notice = notice.map(|k| t(lang, k).to_string());
    p.alert = alert.map(|k| t(lang, k).to_string());
    let page = AccountPage {
        p,
        username: user.username.clone(),
        display_name: user.display_name.clone(),
        email: user.email.clone(),
        memberships,
        totp_enabled: user.totp_enabled,
        pending_secret,
        pending_uri,
        totp_required,
    };
    html_status(status, &page)
}

/// `GET /account`
pub async fn page(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    Here(here): Here,
    Auth(s): Auth,
    Query(q): Query<AccountQuery>,
) -> Result<Response, Error> {
    let notice = match q.ok.as_deref() {
        Some("password") => Some(key!("account.password_changed")),
        Some("totp") => Some(key!("account.totp_enabled")),
        _ => None,
    };
    let required = q.totp.as_deref() == Some("required");
    render(
        &state,
        lang,
        &here,
        &s,
        notice,
        None,
        required,
        StatusCode::OK,
    )
    .await
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    current: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    confirm: String,
}

/// `POST /account/password`: checks the current password; every session of the account
/// ends, and this browser gets a fresh one.
pub async fn change_password(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    Auth(s): Auth,
    Form(f): Form<PasswordForm>,
) -> Result<Response, Error> {
    csrf::check_session(&s.session.csrf_token, &f.csrf)?;
    let fail = |k: &'static str| {
        let (state, s) = (state.clone(), s.clone());
        async move {
            render(
                &state,
                lang,
                "/account",
                &s,
                None,
                Some(k),
                false,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    };
    let hash = s.user.password_hash.clone();
    let current = f.current.clone();
    let ok = tokio::task::spawn_blocking(move || users::verify_password(&current, &hash))
        .await
        .map_err(|e| Error::Internal(e.to_string()))?;
    if !ok {
        return fail(key!("account.wrong_current")).await;
    }
    if f.new_password != f.confirm {
        return fail(key!("account.mismatch")).await;
    }
    if users::check_password_strength(&f.new_password).is_err() {
        return fail(key!("account.weak")).await;
    }
    let mut tx = state.db.begin().await?;
    let actor = Actor::user(s.user.id, &s.user.username);
    users::set_password(
        &mut tx,
        &state.keys.audit,
        0,
        s.user.id,
        &f.new_password,
        &actor,
    )
    .await?;
    let (token, _) = sessions::create(&mut tx, s.user.id, true).await?;
    tx.commit().await?;
    let mut r = see_other("/account?ok=password");
    r.headers_mut()
        .append(header::SET_COOKIE, session::session_cookie(&state, &token));
    Ok(r)
}

#[derive(Deserialize)]
pub struct CsrfOnly {
    #[serde(default)]
    csrf: String,
}

/// `POST /account/totp/start`: a new secret, not active until confirmed.
pub async fn totp_start(
    State(state): State<AppState>,
    Auth(s): Auth,
    Form(f): Form<CsrfOnly>,
) -> Result<Response, Error> {
    csrf::check_session(&s.session.csrf_token, &f.csrf)?;
    if s.user.totp_enabled {
        return Ok(see_other("/account#totp"));
    }
    let secret = totp::new_secret();
    let mut conn = state.db.pool.acquire().await?;
    let actor = Actor::user(s.user.id, &s.user.username);
    users::set_totp(
        &mut conn,
        &state.keys.audit,
        s.user.id,
        Some(&secret),
        false,
        &actor,
    )
    .await?;
    Ok(see_other("/account#totp"))
}

#[derive(Deserialize)]
pub struct ConfirmForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    code: String,
}

/// `POST /account/totp/confirm`: a correct code turns the second factor on.
pub async fn totp_confirm(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    Auth(s): Auth,
    Form(f): Form<ConfirmForm>,
) -> Result<Response, Error> {
    csrf::check_session(&s.session.csrf_token, &f.csrf)?;
    let mut conn = state.db.pool.acquire().await?;
    let user = users::by_id(&mut conn, s.user.id)
        .await?
        .ok_or(Error::NotFound)?;
    let Some(secret) = user.totp_secret.clone().filter(|_| !user.totp_enabled) else {
        return Ok(see_other("/account#totp"));
    };
    if !totp::verify(&secret, &f.code) {
        drop(conn);
        return render(
            &state,
            lang,
            "/account",
            &s,
            None,
            Some(key!("totp.wrong_code")),
            false,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    drop(conn);
    let mut tx = state.db.begin().await?;
    let actor = Actor::user(s.user.id, &s.user.username);
    users::set_totp(
        &mut tx,
        &state.keys.audit,
        s.user.id,
        Some(&secret),
        true,
        &actor,
    )
    .await?;
    sessions::mark_totp_verified(&mut tx, &s.token).await?;
    tx.commit().await?;
    Ok(see_other("/account?ok=totp"))
}
