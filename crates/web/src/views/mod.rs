//! HTML pages, one file per page group:
//! [`public`] (what citizens see), [`auth`] (signing in and out), [`account`] (one's own
//! password and second factor), [`staff`] (dashboard, divisions, settings) and
//! [`admin`] (accounts and the audit trail).

pub mod account;
pub mod admin;
pub mod auth;
pub mod complaints;
pub mod complaints_staff;
pub mod corruption_public;
pub mod corruption_staff;
pub mod dashboard;
pub mod disclosure_public;
pub mod disclosure_staff;
pub mod ita;
pub mod national;
pub mod oit;
pub mod opendata;
pub mod plan;
pub mod procurement;
pub mod progress;
pub mod public;
pub mod reports;
pub mod risk;
pub mod rounds;
pub mod staff;
pub mod visits;

use askama::Template;
use axum::extract::{FromRequest, Request};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use serde::de::DeserializeOwned;

use crate::error::Error;

/// Renders a page with 200 OK.
pub fn html<T: Template>(t: &T) -> Result<Response, Error> {
    html_status(StatusCode::OK, t)
}

/// Renders a page with a status (a form shown again with its error: 422).
pub fn html_status<T: Template>(status: StatusCode, t: &T) -> Result<Response, Error> {
    let mut r = Html(t.render()?).into_response();
    *r.status_mut() = status;
    // Pages may hold a person's data: never keep them in shared caches.
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(r)
}

/// A request body (form, JSON, multipart) that could not be read: "too large" for a
/// 413, else a plain 400.
pub fn body_error(status: StatusCode) -> Error {
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        Error::BadRequest(crate::key!("error.too_large"))
    } else {
        Error::BadRequest(crate::key!("error.bad_request"))
    }
}

/// A URL-encoded form. A body that does not parse is a 400 page, not a panic or a
/// plain-text rejection.
pub struct Form<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Form<T> {
    type Rejection = Error;

    async fn from_request(req: Request, state: &S) -> Result<Self, Error> {
        match axum::Form::<T>::from_request(req, state).await {
            Ok(axum::Form(v)) => Ok(Form(v)),
            Err(rej) => Err(body_error(rej.status())),
        }
    }
}

/// A typed date (`วว/ดด/ปปปป` with a B.E. year, `DD/MM/YYYY` C.E., or `YYYY-MM-DD`, in
/// Thai or Arabic digits) as the store keeps dates: `YYYY-MM-DD`. Empty stays empty;
/// `None` for anything else, which is an error for the field.
pub fn date_field(typed: &str) -> Option<String> {
    let typed = typed.trim();
    if typed.is_empty() {
        return Some(String::new());
    }
    let d = prongsai_domain::thai::parse_date(typed)?;
    Some(format!(
        "{:04}-{:02}-{:02}",
        d.year(),
        u8::from(d.month()),
        d.day()
    ))
}

/// A form's checkbox: present means on.
pub fn checked(v: &Option<String>) -> bool {
    v.as_deref()
        .is_some_and(|s| !s.is_empty() && s != "0" && s != "off")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_typed_in_buddhist_era_and_kept_as_iso() {
        assert_eq!(date_field("15/06/2569"), Some("2026-06-15".into()));
        assert_eq!(date_field("๑๕/๐๖/๒๕๖๙"), Some("2026-06-15".into()));
        assert_eq!(date_field("15/06/2026"), Some("2026-06-15".into()));
        assert_eq!(date_field("2026-06-15"), Some("2026-06-15".into()));
        assert_eq!(date_field(" "), Some(String::new()));
        assert!(date_field("31/02/2569").is_none());
        assert!(date_field("พรุ่งนี้").is_none());
    }
}
