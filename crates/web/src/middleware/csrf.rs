//! CSRF protection for every state-changing form.
//!
//! - Signed in: the session's own random `csrf_token` goes in a hidden `csrf` field.
//! - Anonymous (the sign-in form): a double-submit token. The browser gets a random
//!   `prongsai_csrf` cookie; the form carries HMAC-SHA256(cookie key, that value). A
//!   forged form on another site can neither read the cookie nor compute the HMAC.
//!
//! Comparisons are constant-time.

use axum::extract::FromRequestParts;
use axum::http::HeaderValue;
use axum::http::request::Parts;
use data_encoding::HEXLOWER;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::AppState;
use crate::error::Error;
use crate::middleware::cookies::{self, CookieOpts};

pub const ANON_COOKIE: &str = "prongsai_csrf";

/// Equal without leaking where two strings differ.
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Checks a signed-in form's token against its session's.
pub fn check_session(expected: &str, got: &str) -> Result<(), Error> {
    if !expected.is_empty() && constant_time_eq(expected, got) {
        Ok(())
    } else {
        Err(Error::Csrf)
    }
}

/// Extractor: the anonymous double-submit cookie (a fresh one if the browser has none).
#[derive(Debug, Clone)]
pub struct AnonCsrf {
    cookie: String,
    fresh: bool,
}

impl FromRequestParts<AppState> for AnonCsrf {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, Self::Rejection> {
        match cookies::get(&parts.headers, ANON_COOKIE) {
            Some(c) if (20..=100).contains(&c.len()) => Ok(AnonCsrf {
                cookie: c,
                fresh: false,
            }),
            _ => Ok(AnonCsrf {
                cookie: prongsai_store::sessions::random_token(),
                fresh: true,
            }),
        }
    }
}

impl AnonCsrf {
    /// The hidden field's value for this browser.
    pub fn token(&self, key: &[u8]) -> String {
        // HMAC accepts keys of any length.
        match Hmac::<Sha256>::new_from_slice(key) {
            Ok(mut mac) => {
                mac.update(b"prongsai-csrf|");
                mac.update(self.cookie.as_bytes());
                HEXLOWER.encode(&mac.finalize().into_bytes())
            }
            Err(_) => String::new(),
        }
    }

    /// Checks a submitted form. A browser that had no cookie cannot pass.
    pub fn verify(&self, key: &[u8], got: &str) -> Result<(), Error> {
        if self.fresh {
            return Err(Error::Csrf);
        }
        let expected = self.token(key);
        check_session(&expected, got)
    }

    /// The `Set-Cookie` to send when the browser had no cookie yet.
    pub fn set_cookie(&self, state: &AppState) -> Option<HeaderValue> {
        self.fresh.then(|| {
            cookies::set(
                ANON_COOKIE,
                &self.cookie,
                CookieOpts {
                    max_age: None,
                    http_only: true,
                    secure: state.config.behind_tls,
                },
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constant_time_comparison() {
        assert!(constant_time_eq("abc", "abc"));
        assert!(!constant_time_eq("abc", "abd"));
        assert!(!constant_time_eq("abc", "ab"));
        assert!(check_session("", "").is_err());
    }

    #[test]
    fn anonymous_tokens_depend_on_key_and_cookie() {
        let a = AnonCsrf {
            cookie: "c".repeat(43),
            fresh: false,
        };
        let b = AnonCsrf {
            cookie: "d".repeat(43),
            fresh: false,
        };
        assert_ne!(a.token(b"k1"), a.token(b"k2"));
        assert_ne!(a.token(b"k1"), b.token(b"k1"));
        assert!(a.verify(b"k1", &a.token(b"k1")).is_ok());
        assert!(a.verify(b"k1", &b.token(b"k1")).is_err());
        let fresh = AnonCsrf {
            fresh: true,
            ..a.clone()
        };
        assert!(fresh.verify(b"k1", &a.token(b"k1")).is_err());
    }
}
