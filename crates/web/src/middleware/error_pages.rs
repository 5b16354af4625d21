//! Turns every error status into something a person (or a program) can read: an HTML
//! page in the request's language, or `{ "error": { "code", "message", "message_th" } }`
//! under `/api/`. Handles axum's own rejections (bad path, body too large, wrong
//! method) the same way, so nothing internal leaks.

use askama::Template;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::ErrorDetail;
use crate::i18n::{self, Lang};
use crate::key;
use crate::middleware::lang;
use crate::page::Page;

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    p: Page,
    status: u16,
    message: &'static str,
}

fn default_detail(status: StatusCode) -> ErrorDetail {
    match status.as_u16() {
        400 | 422 => ErrorDetail {
            key: key!("error.bad_request"),
            code: "bad_request",
        },
        403 => ErrorDetail {
            key: key!("error.forbidden"),
            code: "forbidden",
        },
        404 => ErrorDetail {
            key: key!("error.not_found"),
            code: "not_found",
        },
        405 => ErrorDetail {
            key: key!("error.method"),
            code: "method_not_allowed",
        },
        413 => ErrorDetail {
            key: key!("error.too_large"),
            code: "payload_too_large",
        },
        429 => ErrorDetail {
            key: key!("error.too_many"),
            code: "too_many_requests",
        },
        _ => ErrorDetail {
            key: key!("error.internal"),
            code: "internal",
        },
    }
}

pub async fn render(req: Request, next: Next) -> Response {
    let lang = lang::from_headers(req.headers());
    let path = req.uri().path().to_string();
    let is_api = path.starts_with("/api/");
    let res = next.run(req).await;
    let status = res.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return res;
    }
    let detail = res.extensions().get::<ErrorDetail>().copied();
    if detail.is_none() {
        // A handler that rendered its own page (a form shown again with a message)
        // keeps it.
        let ct = res
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        // (Open311 answers its errors in its own XML.)
        if ct.starts_with("text/html")
            || ct.starts_with("application/json")
            || ct.starts_with("text/xml")
        {
            return res;
        }
    }
    let detail = detail.unwrap_or_else(|| default_detail(status));
    let (parts, _) = res.into_parts();
    let mut out = if is_api {
        axum::Json(serde_json::json!({
            "error": {
                "code": detail.code,
                "message": i18n::t(Lang::En, detail.key),
                "message_th": i18n::t(Lang::Th, detail.key),
            }
        }))
        .into_response()
    } else {
        let p = Page::new(lang, &path, detail.key);
        let page = ErrorPage {
            p,
            status: status.as_u16(),
            message: i18n::t(lang, detail.key),
        };
        match page.render() {
            Ok(html) => axum::response::Html(html).into_response(),
            Err(_) => Response::new(Body::from(status.as_u16().to_string())),
        }
    };
    *out.status_mut() = status;
    // Keep meaningful headers (Retry-After, Set-Cookie, Allow), not the old body's.
    for (name, value) in parts.headers.iter() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            out.headers_mut().append(name.clone(), value.clone());
        }
    }
    out.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    out
}
