//! One's own account: profile (display name, e-mail) and memberships, changing the
//! password, and the second factor (TOTP): generate a secret, show it (and its
//! `otpauth://` URI) for an authenticator app, confirm with a code; turn it off again
//! with the password and a current code, unless an organization requires it of its
//! staff. Every code is accepted once (`totp::accept`).

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
    /// A staff membership in an organization that requires TOTP: it cannot be turned off.
    totp_locked: bool,
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
    typed: Option<(&str, &str)>,
) -> Result<Response, Error> {
    let mut conn = state.db.pool.acquire().await?;
    // Read again: the account may have changed since the session was loaded.
    let user = users::by_id(&mut conn, s.user.id)
        .await?
        .ok_or(Error::NotFound)?;
    let mut memberships = Vec::new();
    let mut totp_locked = false;
    for m in users::memberships_of(&mut conn, user.id).await? {
        if let Some(o) = orgs::by_id(&mut conn, m.org_id).await? {
            totp_locked |= o.require_staff_totp && m.role.is_staff();
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
    // What was typed into a refused profile form, else what is stored.
    let (display_name, email) = match typed {
        Some((n, e)) => (n.to_string(), e.to_string()),
        None => (user.display_name.clone(), user.email.clone()),
    };
    let page = AccountPage {
        p,
        username: user.username.clone(),
        display_name,
        email,
        memberships,
        totp_enabled: user.totp_enabled,
        pending_secret,
        pending_uri,
        totp_required,
        totp_locked,
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
        Some("profile") => Some(key!("account.profile_saved")),
        Some("totp_off") => Some(key!("account.totp_disabled")),
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
        None,
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
                None,
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
    // The first code is used up too: it cannot sign in afterwards.
    if !totp::accept(&mut conn, user.id, &secret, &f.code).await? {
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
            None,
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

#[derive(Deserialize)]
pub struct ProfileForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    email: String,
}

/// `POST /account/profile`: one's display name (1–120 characters) and e-mail address.
pub async fn save_profile(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    Auth(s): Auth,
    Form(f): Form<ProfileForm>,
) -> Result<Response, Error> {
    csrf::check_session(&s.session.csrf_token, &f.csrf)?;
    let name = f.display_name.trim();
    let email = f.email.trim();
    let n = name.chars().count();
    let alert = if n == 0 || n > users::MAX_DISPLAY_NAME || name.chars().any(char::is_control) {
        Some(key!("account.bad_display_name"))
    } else if !users::valid_email(email) {
        Some(key!("account.bad_email"))
    } else {
        None
    };
    if let Some(alert) = alert {
        return render(
            &state,
            lang,
            "/account",
            &s,
            None,
            Some(alert),
            false,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some((&f.display_name, &f.email)),
        )
        .await;
    }
    let mut tx = state.db.begin().await?;
    let actor = Actor::user(s.user.id, &s.user.username);
    users::update_profile(&mut tx, &state.keys.audit, s.user.id, name, email, &actor).await?;
    tx.commit().await?;
    Ok(see_other("/account?ok=profile"))
}

#[derive(Deserialize)]
pub struct TotpOffForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    code: String,
}

/// `POST /account/totp/off`: turns one's own second factor off, with the password and a
/// current code; refused while an organization one is staff of requires it.
pub async fn totp_off(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    Auth(s): Auth,
    Form(f): Form<TotpOffForm>,
) -> Result<Response, Error> {
    csrf::check_session(&s.session.csrf_token, &f.csrf)?;
    // The same budget as codes at sign-in: guessing here is no cheaper.
    crate::views::auth::hit(
        &state,
        &format!("totp-user:{}", s.user.id),
        crate::views::auth::TOTP_PER_ACCOUNT_PER_5_MIN,
        5 * 60_000,
    )
    .await?;
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
                None,
            )
            .await
        }
    };
    let mut conn = state.db.pool.acquire().await?;
    let user = users::by_id(&mut conn, s.user.id)
        .await?
        .ok_or(Error::NotFound)?;
    let Some(secret) = user.totp_secret.clone().filter(|_| user.totp_enabled) else {
        return Ok(see_other("/account#totp"));
    };
    for m in users::memberships_of(&mut conn, user.id).await? {
        if !m.role.is_staff() {
            continue;
        }
        if let Some(o) = orgs::by_id(&mut conn, m.org_id).await?
            && o.require_staff_totp
        {
            drop(conn);
            return fail(key!("account.totp_off_required")).await;
        }
    }
    drop(conn);
    let hash = user.password_hash.clone();
    let password = f.password.clone();
    let ok = tokio::task::spawn_blocking(move || users::verify_password(&password, &hash))
        .await
        .map_err(|e| Error::Internal(e.to_string()))?;
    if !ok {
        return fail(key!("account.wrong_current")).await;
    }
    let mut tx = state.db.begin().await?;
    if !totp::accept(&mut tx, user.id, &secret, &f.code).await? {
        drop(tx);
        return fail(key!("totp.wrong_code")).await;
    }
    let actor = Actor::user(s.user.id, &s.user.username);
    users::set_totp(&mut tx, &state.keys.audit, user.id, None, false, &actor).await?;
    tx.commit().await?;
    Ok(see_other("/account?ok=totp_off"))
}
