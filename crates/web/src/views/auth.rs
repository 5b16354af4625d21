//! Signing in (password, then the TOTP code when the account has one) and out.
//!
//! Defences: a CSRF token on every form (double-submit for the anonymous sign-in form),
//! rate limits per address and per account name (429), the account lock after
//! repeated failures, the same answer and about the same time for unknown names and
//! wrong passwords, and a new session token at every sign-in.

use std::sync::OnceLock;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::Response;
use prongsai_store::{orgs, sessions, users};
use serde::Deserialize;

use crate::AppState;
use crate::error::{Error, see_other};
use crate::i18n::{Lang, t};
use crate::key;
use crate::middleware::client_ip::ClientIp;
use crate::middleware::cookies::{self, CookieOpts};
use crate::middleware::csrf::{self, AnonCsrf};
use crate::middleware::lang::{LANG_COOKIE, ReqLang};
use crate::middleware::session::{self, MaybeSession};
use crate::page::{Page, safe_next, url_encode};
use crate::totp;
use crate::views::{Form, html_status};

/// Sign-in attempts per client address per minute.
pub const LOGIN_PER_IP_PER_MINUTE: i64 = 10;
/// Sign-in attempts per account name per 15 minutes (above the lock threshold, so the
/// person sees the lock message rather than "too many requests").
pub const LOGIN_PER_ACCOUNT_PER_15_MIN: i64 = 8;
/// TOTP codes tried per account per 5 minutes.
pub const TOTP_PER_ACCOUNT_PER_5_MIN: i64 = 5;

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    p: Page,
    token: String,
    next: String,
    username: String,
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

fn login_page(
    state: &AppState,
    lang: Lang,
    anon: &AnonCsrf,
    next: &str,
    username: &str,
    alert: Option<&'static str>,
    status: StatusCode,
) -> Result<Response, Error> {
    let mut p = Page::new(
        lang,
        &format!("/login?next={}", url_encode(next)),
        "login.title",
    );
    p.alert = alert.map(|k| t(lang, k).to_string());
    let page = LoginPage {
        p,
        token: anon.token(&state.keys.cookie),
        next: next.to_string(),
        username: username.to_string(),
    };
    let mut r = html_status(status, &page)?;
    if let Some(c) = anon.set_cookie(state) {
        r.headers_mut().append(header::SET_COOKIE, c);
    }
    Ok(r)
}

/// `GET /login`
pub async fn login_form(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    anon: AnonCsrf,
    MaybeSession(current): MaybeSession,
    Query(q): Query<NextQuery>,
) -> Result<Response, Error> {
    let next = safe_next(q.next.as_deref()).unwrap_or_default();
    if current.as_ref().is_some_and(|s| s.complete()) {
        return Ok(see_other(if next.is_empty() { "/account" } else { &next }));
    }
    login_page(&state, lang, &anon, &next, "", None, StatusCode::OK)
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

/// A hash to verify against when the account does not exist, so that an unknown name
/// costs as much time as a wrong password.
fn dummy_hash() -> &'static str {
    static H: OnceLock<String> = OnceLock::new();
    H.get_or_init(|| users::hash_password("prongsai-dummy-password").unwrap_or_default())
}

pub(crate) async fn hit(
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

/// Where to go after signing in when no `next` was given: the first staff area the
/// person belongs to, else their account page.
async fn landing(state: &AppState, user_id: i64) -> Result<String, Error> {
    let mut conn = state.db.pool.acquire().await?;
    let staff = users::memberships_of(&mut conn, user_id)
        .await?
        .into_iter()
        .filter(|m| m.role.is_staff());
    for m in staff {
        if let Some(o) = orgs::by_id(&mut conn, m.org_id).await? {
            return Ok(format!("/{}/staff/", o.slug));
        }
    }
    Ok("/account".into())
}

/// `POST /login`
pub async fn login_submit(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    ClientIp(ip): ClientIp,
    anon: AnonCsrf,
    MaybeSession(previous): MaybeSession,
    Form(f): Form<LoginForm>,
) -> Result<Response, Error> {
    anon.verify(&state.keys.cookie, &f.csrf)?;
    hit(
        &state,
        &format!("login-ip:{ip}"),
        LOGIN_PER_IP_PER_MINUTE,
        60_000,
    )
    .await?;
    let username = f.username.trim().to_lowercase();
    let next = safe_next(Some(&f.next)).unwrap_or_default();
    let again = |alert: &'static str, status: StatusCode| {
        login_page(&state, lang, &anon, &next, &username, Some(alert), status)
    };
    if username.is_empty() || f.password.is_empty() || username.len() > 64 || f.password.len() > 200
    {
        return again(key!("login.failed"), StatusCode::UNPROCESSABLE_ENTITY);
    }
    let user = {
        let mut conn = state.db.pool.acquire().await?;
        users::by_username(&mut conn, &username).await?
    };
    if user
        .as_ref()
        .is_some_and(|u| u.locked_until > prongsai_store::now_ms())
    {
        return again(key!("login.locked"), StatusCode::FORBIDDEN);
    }
    hit(
        &state,
        &format!("login-user:{username}"),
        LOGIN_PER_ACCOUNT_PER_15_MIN,
        15 * 60_000,
    )
    .await?;
    let hash = user
        .as_ref()
        .map(|u| u.password_hash.clone())
        .unwrap_or_else(|| dummy_hash().to_string());
    let password = f.password.clone();
    // argon2 is deliberately slow: keep it off the async workers.
    let ok = tokio::task::spawn_blocking(move || users::verify_password(&password, &hash))
        .await
        .map_err(|e| Error::Internal(e.to_string()))?;
    let user = match (user, ok) {
        (Some(u), true) if !u.disabled => u,
        (Some(u), _) => {
            let mut conn = state.db.pool.acquire().await?;
            users::note_failed_login(&mut conn, u.id).await?;
            if u.failed_logins + 1 >= users::MAX_FAILED_LOGINS {
                return again(key!("login.locked"), StatusCode::FORBIDDEN);
            }
            return again(key!("login.failed"), StatusCode::UNPROCESSABLE_ENTITY);
        }
        (None, _) => return again(key!("login.failed"), StatusCode::UNPROCESSABLE_ENTITY),
    };
    let mut conn = state.db.pool.acquire().await?;
    users::note_successful_login(&mut conn, user.id).await?;
    if let Some(old) = previous {
        sessions::delete(&mut conn, &old.token).await?;
    }
    let (token, _) = sessions::create(&mut conn, user.id, !user.totp_enabled).await?;
    drop(conn);
    let to = if user.totp_enabled {
        format!("/login/totp?next={}", url_encode(&next))
    } else if next.is_empty() {
        landing(&state, user.id).await?
    } else {
        next
    };
    let mut r = see_other(&to);
    r.headers_mut()
        .append(header::SET_COOKIE, session::session_cookie(&state, &token));
    let user_lang = Lang::from_code(&user.lang).unwrap_or_default();
    r.headers_mut().append(
        header::SET_COOKIE,
        cookies::set(
            LANG_COOKIE,
            user_lang.code(),
            CookieOpts {
                max_age: Some(365 * 24 * 3600),
                http_only: false,
                secure: state.config.behind_tls,
            },
        ),
    );
    Ok(r)
}

#[derive(Template)]
#[template(path = "login_totp.html")]
struct TotpPage {
    p: Page,
    next: String,
}

fn totp_page(
    lang: Lang,
    s: &session::SignedIn,
    next: &str,
    alert: Option<&'static str>,
    status: StatusCode,
) -> Result<Response, Error> {
    let mut p = Page::new(
        lang,
        &format!("/login/totp?next={}", url_encode(next)),
        "totp.title",
    );
    p.csrf = s.session.csrf_token.clone();
    p.alert = alert.map(|k| t(lang, k).to_string());
    html_status(
        status,
        &TotpPage {
            p,
            next: next.to_string(),
        },
    )
}

/// `GET /login/totp`: the second step, for accounts with a second factor.
pub async fn totp_form(
    ReqLang(lang): ReqLang,
    MaybeSession(current): MaybeSession,
    Query(q): Query<NextQuery>,
) -> Result<Response, Error> {
    let next = safe_next(q.next.as_deref()).unwrap_or_default();
    match current {
        None => Err(Error::LoginRequired {
            next: "/login/totp".into(),
        }),
        Some(s) if s.complete() => Ok(see_other(if next.is_empty() { "/account" } else { &next })),
        Some(s) => totp_page(lang, &s, &next, None, StatusCode::OK),
    }
}

#[derive(Deserialize)]
pub struct TotpForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    next: String,
}

/// `POST /login/totp`
pub async fn totp_submit(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    MaybeSession(current): MaybeSession,
    Form(f): Form<TotpForm>,
) -> Result<Response, Error> {
    let Some(s) = current else {
        return Err(Error::LoginRequired {
            next: "/login/totp".into(),
        });
    };
    csrf::check_session(&s.session.csrf_token, &f.csrf)?;
    let next = safe_next(Some(&f.next)).unwrap_or_default();
    if s.complete() {
        return Ok(see_other(if next.is_empty() { "/account" } else { &next }));
    }
    hit(
        &state,
        &format!("totp-user:{}", s.user.id),
        TOTP_PER_ACCOUNT_PER_5_MIN,
        5 * 60_000,
    )
    .await?;
    let secret = s.user.totp_secret.clone().unwrap_or_default();
    let mut conn = state.db.pool.acquire().await?;
    // A wrong code and a code already used (a replay) are refused alike.
    if !totp::accept(&mut conn, s.user.id, &secret, &f.code).await? {
        users::note_failed_login(&mut conn, s.user.id).await?;
        return totp_page(
            lang,
            &s,
            &next,
            Some(key!("totp.wrong_code")),
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    }
    sessions::mark_totp_verified(&mut conn, &s.token).await?;
    drop(conn);
    let to = if next.is_empty() {
        landing(&state, s.user.id).await?
    } else {
        next
    };
    Ok(see_other(&to))
}

#[derive(Deserialize)]
pub struct LogoutForm {
    #[serde(default)]
    csrf: String,
}

/// `POST /logout`: ends the session here and in the database.
pub async fn logout(
    State(state): State<AppState>,
    MaybeSession(current): MaybeSession,
    Form(f): Form<LogoutForm>,
) -> Result<Response, Error> {
    let Some(s) = current else {
        return Ok(see_other("/"));
    };
    csrf::check_session(&s.session.csrf_token, &f.csrf)?;
    let mut conn = state.db.pool.acquire().await?;
    sessions::delete(&mut conn, &s.token).await?;
    let mut r = see_other("/");
    r.headers_mut()
        .append(header::SET_COOKIE, session::clear_session_cookie(&state));
    Ok(r)
}
