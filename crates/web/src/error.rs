//! The web layer's one error type. It knows its HTTP status; the page (or the JSON body
//! under `/api/`) is rendered in the user's language by
//! [`crate::middleware::error_pages`], which also dresses axum's own rejections. Internal
//! details are logged, never shown.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use prongsai_store::StoreError;

use crate::key;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("not found")]
    NotFound,
    #[error("forbidden")]
    Forbidden,
    /// The form's CSRF token is missing or wrong (or the form is too old).
    #[error("CSRF token missing or wrong")]
    Csrf,
    /// A request the server cannot read; the key names the message shown.
    #[error("bad request ({0})")]
    BadRequest(&'static str),
    #[error("too many requests")]
    TooManyRequests,
    /// Not signed in: send the person to the sign-in page, then back.
    #[error("sign-in required")]
    LoginRequired { next: String },
    /// Something must happen first (TOTP code, TOTP enrolment): go there.
    #[error("redirect to {0}")]
    Redirect(String),
    #[error("internal error: {0}")]
    Internal(String),
}

/// Attached to an error response so the error-page middleware knows what to say.
#[derive(Debug, Clone, Copy)]
pub struct ErrorDetail {
    /// The i18n key of the message.
    pub key: &'static str,
    /// A stable code for the JSON API.
    pub code: &'static str,
}

impl Error {
    pub fn status(&self) -> StatusCode {
        match self {
            Error::NotFound => StatusCode::NOT_FOUND,
            Error::Forbidden | Error::Csrf => StatusCode::FORBIDDEN,
            Error::BadRequest(_) => StatusCode::BAD_REQUEST,
            Error::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            Error::LoginRequired { .. } | Error::Redirect(_) => StatusCode::SEE_OTHER,
            Error::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn detail(&self) -> ErrorDetail {
        match self {
            Error::NotFound => ErrorDetail {
                key: key!("error.not_found"),
                code: "not_found",
            },
            Error::Forbidden => ErrorDetail {
                key: key!("error.forbidden"),
                code: "forbidden",
            },
            Error::Csrf => ErrorDetail {
                key: key!("error.csrf"),
                code: "csrf",
            },
            Error::BadRequest(k) => ErrorDetail {
                key: k,
                code: "bad_request",
            },
            Error::TooManyRequests => ErrorDetail {
                key: key!("error.too_many"),
                code: "too_many_requests",
            },
            Error::LoginRequired { .. } | Error::Redirect(_) => ErrorDetail {
                key: key!("error.login_required"),
                code: "login_required",
            },
            Error::Internal(_) => ErrorDetail {
                key: key!("error.internal"),
                code: "internal",
            },
        }
    }
}

/// A 303 redirect to a local path.
pub fn see_other(location: &str) -> Response {
    let mut r = StatusCode::SEE_OTHER.into_response();
    if let Ok(v) = HeaderValue::from_str(location) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    r
}

/// A 308 Permanent Redirect (the method and body are kept; browsers remember it).
pub fn permanent_redirect(location: &str) -> Response {
    let mut r = StatusCode::PERMANENT_REDIRECT.into_response();
    if let Ok(v) = HeaderValue::from_str(location) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    r
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        match &self {
            Error::LoginRequired { next } => {
                return see_other(&format!("/login?next={}", crate::page::url_encode(next)));
            }
            Error::Redirect(to) => return see_other(to),
            Error::Internal(msg) => tracing::error!(error = %msg, "internal error"),
            _ => {}
        }
        let mut r = self.status().into_response();
        if matches!(self, Error::TooManyRequests) {
            r.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("60"));
        }
        r.extensions_mut().insert(self.detail());
        r
    }
}

impl From<StoreError> for Error {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(_) => Error::NotFound,
            other => Error::Internal(other.to_string()),
        }
    }
}

impl From<sqlx::Error> for Error {
    fn from(e: sqlx::Error) -> Self {
        Error::Internal(e.to_string())
    }
}

impl From<askama::Error> for Error {
    fn from(e: askama::Error) -> Self {
        Error::Internal(format!("template: {e}"))
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
