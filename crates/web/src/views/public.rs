//! What anyone may see without signing in: the list of organizations (or a redirect to
//! the only one), an organization's home page, the stylesheet, the language switch.
//! Kept cheap: no session lookup and no database write for anonymous visitors.

use std::sync::Arc;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use prongsai_store::orgs::{self, Organization};
use serde::Deserialize;

use crate::AppState;
use crate::cache::OrgPublic;
use crate::error::{Error, see_other};
use crate::i18n::Lang;
use crate::middleware::cookies::{self, CookieOpts};
use crate::middleware::lang::{Here, LANG_COOKIE, ReqLang};
use crate::middleware::session::MaybeSession;
use crate::page::{OrgNav, Page, safe_next};
use crate::views::html;

pub async fn healthz() -> &'static str {
    "ok"
}

const STYLESHEET: &str = include_str!("../../static/app.css");

pub async fn stylesheet() -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/css; charset=utf-8"),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=86400"),
            ),
        ],
        STYLESHEET,
    )
        .into_response()
}

#[derive(Template)]
#[template(path = "index.html")]
struct IndexPage {
    p: Page,
    orgs: Vec<Organization>,
}

/// `/`: the only organization's home, or the list of organizations.
pub async fn index(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
) -> Result<Response, Error> {
    if let Some(slug) = state.orgs.sole_slug(&state.db).await? {
        return Ok(see_other(&format!("/{slug}/")));
    }
    let mut conn = state.db.pool.acquire().await?;
    let orgs = orgs::list(&mut conn, 1000, 0).await?;
    html(&IndexPage {
        p: Page::new(lang, "/", "index.title"),
        orgs,
    })
}

/// `GET /{org}`: 308 to `/{org}/` (the query kept).
pub async fn org_slash(
    Path(org): Path<String>,
    axum::extract::RawQuery(q): axum::extract::RawQuery,
) -> Result<Response, Error> {
    if prongsai_domain::Slug::parse(&org).is_err() {
        return Err(Error::NotFound);
    }
    Ok(crate::error::permanent_redirect(&with_query(
        &format!("/{org}/"),
        q.as_deref(),
    )))
}

/// A path with the query string it came with, if any.
pub fn with_query(path: &str, query: Option<&str>) -> String {
    match query {
        Some(q) if !q.is_empty() => format!("{path}?{q}"),
        _ => path.to_string(),
    }
}

#[derive(Template)]
#[template(path = "org_home.html")]
struct OrgHomePage {
    p: Page,
    o: Arc<OrgPublic>,
    type_label: &'static str,
    about: String,
    /// The organization's public pages that exist (see `disclosure_public`).
    nav: Vec<crate::views::disclosure_public::NavItem>,
}

/// Looks up a public organization by the slug in a URL (404 when there is none).
pub async fn public_org(state: &AppState, slug: &str) -> Result<Arc<OrgPublic>, Error> {
    if prongsai_domain::Slug::parse(slug).is_err() {
        return Err(Error::NotFound);
    }
    state
        .orgs
        .get(&state.db, slug)
        .await?
        .ok_or(Error::NotFound)
}

/// `/{org}/`: who we are, how to reach us, our divisions.
pub async fn org_home(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    ReqLang(lang): ReqLang,
    Here(here): Here,
) -> Result<Response, Error> {
    let o = public_org(&state, &slug).await?;
    let org = &o.org;
    let mut p = Page::new(lang, &here, "org.title");
    p.title = lang.pick(&org.name_th, &org.name_en).to_string();
    p.org = Some(OrgNav {
        slug: org.slug.clone(),
        name: p.title.clone(),
    });
    let type_label = match lang {
        Lang::Th => org.org_type.label_th(),
        Lang::En => org.org_type.label_en(),
    };
    let about = lang.pick(&org.about_th, &org.about_en).to_string();
    let nav = crate::views::disclosure_public::public_nav(lang, &org.slug);
    let mut r = html(&OrgHomePage {
        p,
        o: o.clone(),
        type_label,
        about,
        nav,
    })?;
    // Public and the same for everyone: let browsers and proxies keep it briefly.
    r.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=60"),
    );
    r.headers_mut()
        .insert(header::VARY, HeaderValue::from_static("Cookie"));
    Ok(r)
}

#[derive(Deserialize)]
pub struct LangQuery {
    to: Option<String>,
    next: Option<String>,
}

/// `/lang?to=en&next=/x/`: remembers the language in a cookie (and on the account of a
/// signed-in person), then goes back.
pub async fn switch_lang(
    State(state): State<AppState>,
    MaybeSession(session): MaybeSession,
    Query(q): Query<LangQuery>,
) -> Result<Response, Error> {
    let lang =
        q.to.as_deref()
            .and_then(Lang::from_code)
            .unwrap_or_default();
    if let Some(s) = session {
        let mut conn = state.db.pool.acquire().await?;
        prongsai_store::users::set_lang(&mut conn, s.user.id, lang.code()).await?;
    }
    let next = safe_next(q.next.as_deref()).unwrap_or_else(|| "/".into());
    let mut r = see_other(&next);
    r.headers_mut().append(
        header::SET_COOKIE,
        cookies::set(
            LANG_COOKIE,
            lang.code(),
            CookieOpts {
                max_age: Some(365 * 24 * 3600),
                http_only: false,
                secure: state.config.behind_tls,
            },
        ),
    );
    Ok(r)
}
