//! The signed-in person. Sessions live on the server (`prongsai_store::sessions`); the
//! browser holds only a random token in the `prongsai_session` cookie (HttpOnly,
//! SameSite=Lax, Secure over HTTPS). Anonymous visitors cost nothing: no cookie, no
//! database read.

use axum::extract::FromRequestParts;
use axum::http::HeaderValue;
use axum::http::request::Parts;
use prongsai_store::sessions::{self, Session};
use prongsai_store::users::{self, User};

use crate::AppState;
use crate::error::Error;
use crate::middleware::cookies::{self, CookieOpts};

pub const SESSION_COOKIE: &str = "prongsai_session";

/// A live session and its person.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub token: String,
    pub session: Session,
    pub user: User,
}

impl SignedIn {
    /// Whether the person has passed every factor their account needs.
    pub fn complete(&self) -> bool {
        self.session.totp_verified || !self.user.totp_enabled
    }
}

/// The cookie that carries a new session token.
pub fn session_cookie(state: &AppState, token: &str) -> HeaderValue {
    cookies::set(
        SESSION_COOKIE,
        token,
        CookieOpts {
            max_age: None,
            http_only: true,
            secure: state.config.behind_tls,
        },
    )
}

/// The cookie that ends a session in the browser.
pub fn clear_session_cookie(state: &AppState) -> HeaderValue {
    cookies::set(
        SESSION_COOKIE,
        "",
        CookieOpts {
            max_age: Some(0),
            http_only: true,
            secure: state.config.behind_tls,
        },
    )
}

async fn load(parts: &mut Parts, state: &AppState) -> Result<Option<SignedIn>, Error> {
    if let Some(cached) = parts.extensions.get::<Option<SignedIn>>() {
        return Ok(cached.clone());
    }
    let found = match cookies::get(&parts.headers, SESSION_COOKIE) {
        // Tokens are 43 URL-safe characters; anything else is not worth a query.
        Some(token) if (20..=100).contains(&token.len()) => {
            let mut conn = state.db.pool.acquire().await?;
            match sessions::find(&mut conn, &token).await? {
                Some(session) => match users::by_id(&mut conn, session.user_id).await? {
                    Some(user) if !user.disabled => Some(SignedIn {
                        token,
                        session,
                        user,
                    }),
                    _ => None,
                },
                None => None,
            }
        }
        _ => None,
    };
    parts.extensions.insert(found.clone());
    Ok(found)
}

/// Extractor: any live session, even one still waiting for its TOTP code.
#[derive(Debug, Clone)]
pub struct MaybeSession(pub Option<SignedIn>);

impl FromRequestParts<AppState> for MaybeSession {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Error> {
        Ok(MaybeSession(load(parts, state).await?))
    }
}

/// Extractor: a fully signed-in person (password, and the TOTP code when enrolled).
/// Otherwise: to the sign-in page (or the TOTP step), then back here.
#[derive(Debug, Clone)]
pub struct Auth(pub SignedIn);

impl FromRequestParts<AppState> for Auth {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Error> {
        let next = parts
            .uri
            .path_and_query()
            .map(|p| p.as_str().to_string())
            .unwrap_or_else(|| "/".into());
        match load(parts, state).await? {
            Some(s) if s.complete() => Ok(Auth(s)),
            Some(_) => Err(Error::Redirect(format!(
                "/login/totp?next={}",
                crate::page::url_encode(&next)
            ))),
            None => Err(Error::LoginRequired { next }),
        }
    }
}
