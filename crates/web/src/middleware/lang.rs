//! The interface language of a request: the `prongsai_lang` cookie, else Thai. A
//! signed-in person's choice is also stored on their account and restored at sign-in.

use axum::extract::FromRequestParts;
use axum::http::HeaderMap;
use axum::http::request::Parts;

use crate::i18n::Lang;
use crate::middleware::cookies;

pub const LANG_COOKIE: &str = "prongsai_lang";

pub fn from_headers(h: &HeaderMap) -> Lang {
    cookies::get(h, LANG_COOKIE)
        .and_then(|v| Lang::from_code(&v))
        .unwrap_or_default()
}

/// Extractor: the request's language. Never fails.
#[derive(Debug, Clone, Copy)]
pub struct ReqLang(pub Lang);

impl<S: Send + Sync> FromRequestParts<S> for ReqLang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ReqLang(from_headers(&parts.headers)))
    }
}

/// Extractor: the path and query of the request, for links back to it.
#[derive(Debug, Clone)]
pub struct Here(pub String);

impl<S: Send + Sync> FromRequestParts<S> for Here {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Here(
            parts
                .uri
                .path_and_query()
                .map(|p| p.as_str().to_string())
                .unwrap_or_else(|| "/".into()),
        ))
    }
}
