//! The ITA disclosure (OIT) readiness view for the clerk, `/{org}/staff/oit`: each
//! checklist item of the assessment year as ready / stale / missing, with the absolute
//! public link to paste into the ITA system. An item is published by a linked info
//! item (ready unless stale), by a live source Prongsai computes (ready when its page
//! exists in this build and its data is there and current), or at an address
//! elsewhere. Loading the shipped list and linking items needs `PublishInformation`.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, header};
use axum::response::Response;
use prongsai_domain::disclosure::Readiness;
use prongsai_domain::{FiscalYear, Permission};
use prongsai_store::disclosure;
use prongsai_store::oit::{self, OitItem};
use serde::Deserialize;
use time::OffsetDateTime;

use crate::AppState;
use crate::error::{Error, see_other};
use crate::i18n::t;
use crate::key;
use crate::middleware::csrf;
use crate::middleware::staff::{Staff, need};
use crate::page::Page;
use crate::views::disclosure_public::route_exists;
use crate::views::{Form, html};

/// The public page a live source is published on: the route pattern that must exist,
/// and the path to link (`{org}` replaced; `{month}` is last month).
fn source_page(source: &str) -> Option<(&'static str, &'static str)> {
    Some(match source {
        "executives" | "contact" => ("/{org}/", "/{org}/"),
        "complaint_stats" => ("/{org}/complaints/stats", "/{org}/complaints/stats"),
        "complaint_channel" => ("/{org}/complaints/new", "/{org}/complaints/new"),
        "corruption_channel" => ("/{org}/integrity/report", "/{org}/integrity/report"),
        "corruption_stats" => ("/{org}/integrity/stats", "/{org}/integrity/stats"),
        "procurement_plan" | "procurement_announcements" => {
            ("/{org}/procurement", "/{org}/procurement")
        }
        "procurement_monthly" => (
            "/{org}/procurement/summary/{month}",
            "/{org}/procurement/summary/{month}",
        ),
        "procurement_yearly" => ("/{org}/procurement/analysis", "/{org}/procurement/analysis"),
        "risks" | "risk_followup" => ("/{org}/risks", "/{org}/risks"),
        "plan" => ("/{org}/plan", "/{org}/plan"),
        "plan_report_6" | "plan_report_12" => ("/{org}/reports", "/{org}/reports"),
        _ => return None,
    })
}

/// The public base URL: `PRONGSAI_PUBLIC_URL`, or the request's Host.
pub fn public_base(headers: &HeaderMap, behind_tls: bool) -> String {
    if let Ok(u) = std::env::var("PRONGSAI_PUBLIC_URL") {
        let u = u.trim().trim_end_matches('/');
        if u.starts_with("http://") || u.starts_with("https://") {
            return u.to_string();
        }
    }
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            h.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
        })
        .unwrap_or("localhost");
    format!("{}://{host}", if behind_tls { "https" } else { "http" })
}

/// One row of the readiness view.
pub struct RowView {
    pub it: OitItem,
    pub readiness: Readiness,
    pub label: &'static str,
    pub class: &'static str,
    pub link: String,
    pub note: String,
}

#[derive(Template)]
#[template(path = "staff/oit.html")]
struct OitPage {
    p: Page,
    base: String,
    year: i64,
    years: Vec<i64>,
    shipped_year: i64,
    basis: String,
    rows: Vec<RowView>,
    ready: usize,
    stale: usize,
    missing: usize,
    can_edit: bool,
}

#[derive(Deserialize)]
pub struct YearQuery {
    year: Option<i64>,
    ok: Option<String>,
}

fn label(lang: crate::i18n::Lang, r: Readiness) -> (&'static str, &'static str) {
    match r {
        Readiness::Ready => (t(lang, "oit.ready"), "badge-done"),
        Readiness::Stale => (t(lang, "oit.stale"), "badge-in_progress"),
        Readiness::Missing => (t(lang, "oit.missing"), "badge-could_not_be_done"),
    }
}

/// `GET /{org}/staff/oit?year=`
pub async fn readiness(
    State(state): State<AppState>,
    s: Staff<need::ViewAllWork>,
    headers: HeaderMap,
    Query(q): Query<YearQuery>,
) -> Result<Response, Error> {
    let mut conn = state.db.pool.acquire().await?;
    let years = oit::years(&mut conn, s.org.id).await?;
    let shipped_year = oit::latest_shipped_year();
    let year = q
        .year
        .or_else(|| years.first().copied())
        .unwrap_or(shipped_year);
    let items = oit::items(&mut conn, s.org.id, year).await?;
    let today = prongsai_domain::thai::to_bangkok(OffsetDateTime::now_utc()).date();
    let fy = FiscalYear::containing(today);
    let fy_start = fy
        .first_day()
        .midnight()
        .assume_offset(time::macros::offset!(+7))
        .unix_timestamp()
        * 1000;
    let last_month = {
        let first = today.replace_day(1).unwrap_or(today);
        let prev = first.previous_day().unwrap_or(first);
        format!("{:04}-{:02}", prev.year(), u8::from(prev.month()))
    };
    let base_url = public_base(&headers, state.config.behind_tls);
    let now = prongsai_store::now_ms();
    let slug = &s.org.slug;
    let mut rows = Vec::new();
    for it in items {
        let (readiness, link, note) = if let Some(no) = it.info_no {
            match disclosure::get(&mut conn, s.org.id, no).await? {
                Some(i) if i.is_public() => {
                    let r = if i.is_stale(now) {
                        Readiness::Stale
                    } else {
                        Readiness::Ready
                    };
                    (
                        r,
                        format!("{base_url}{}", disclosure::public_path(slug, no)),
                        format!("{} #{no}: {}", t(s.lang, "oit.via_info"), i.title),
                    )
                }
                _ => (
                    Readiness::Missing,
                    String::new(),
                    format!("{} #{no}", t(s.lang, "oit.info_unpublished")),
                ),
            }
        } else if !it.url.is_empty() {
            (
                Readiness::Ready,
                it.url.clone(),
                t(s.lang, "oit.via_url").to_string(),
            )
        } else if let Some((pattern, path)) = source_page(&it.source) {
            if route_exists(pattern) {
                let st = oit::source_state(
                    &mut conn,
                    s.org.id,
                    &it.source,
                    i64::from(fy.be()),
                    fy_start,
                )
                .await;
                let link = if st.readiness == Readiness::Missing {
                    String::new()
                } else {
                    format!(
                        "{base_url}{}",
                        path.replace("{org}", slug).replace("{month}", &last_month)
                    )
                };
                (st.readiness, link, st.note)
            } else {
                (
                    Readiness::Missing,
                    String::new(),
                    t(s.lang, "oit.not_built").to_string(),
                )
            }
        } else {
            (
                Readiness::Missing,
                String::new(),
                t(s.lang, "oit.link_info").to_string(),
            )
        };
        let (label, class) = label(s.lang, readiness);
        rows.push(RowView {
            it,
            readiness,
            label,
            class,
            link,
            note,
        });
    }
    let count = |r: Readiness| rows.iter().filter(|x| x.readiness == r).count();
    let (ready, stale, missing) = (
        count(Readiness::Ready),
        count(Readiness::Stale),
        count(Readiness::Missing),
    );
    let basis = oit::shipped(year)
        .ok()
        .flatten()
        .map(|l| l.basis)
        .unwrap_or_default();
    let mut p = s.page("oit.title", "oit");
    p.notice = match q.ok.as_deref() {
        Some("loaded") => Some(t(s.lang, "oit.loaded").to_string()),
        Some("saved") => Some(t(s.lang, "common.saved").to_string()),
        _ => None,
    };
    html(&OitPage {
        p,
        base: s.base(),
        year,
        years,
        shipped_year,
        basis,
        rows,
        ready,
        stale,
        missing,
        can_edit: s.may(Permission::PublishInformation),
    })
}

#[derive(Deserialize)]
pub struct LoadForm {
    #[serde(default)]
    csrf: String,
    year: i64,
}

/// `POST /{org}/staff/oit/load`: adds the shipped list of a year (keeps what is there).
pub async fn load(
    State(state): State<AppState>,
    s: Staff<need::PublishInformation>,
    Form(f): Form<LoadForm>,
) -> Result<Response, Error> {
    csrf::check_session(s.csrf(), &f.csrf)?;
    let mut conn = state.db.pool.acquire().await?;
    oit::load_shipped(&mut conn, &state.keys.audit, s.org.id, f.year, &s.actor()).await?;
    Ok(see_other(&format!(
        "{}/oit?year={}&ok=loaded",
        s.base(),
        f.year
    )))
}

#[derive(Deserialize)]
pub struct LinkForm {
    #[serde(default)]
    csrf: String,
    year: i64,
    #[serde(default)]
    info_no: String,
    #[serde(default)]
    url: String,
}

/// `POST /{org}/staff/oit/{code}/link`: links an item to an info item or an address.
pub async fn link(
    State(state): State<AppState>,
    s: Staff<need::PublishInformation>,
    Path((_, code)): Path<(String, String)>,
    Form(f): Form<LinkForm>,
) -> Result<Response, Error> {
    csrf::check_session(s.csrf(), &f.csrf)?;
    let info_no = match f.info_no.trim() {
        "" => None,
        n => Some(
            prongsai_domain::thai::parse_int(n)
                .map_err(|_| Error::BadRequest(key!("oit.err_link")))?,
        ),
    };
    let mut conn = state.db.pool.acquire().await?;
    match oit::set_link(
        &mut conn,
        &state.keys.audit,
        s.org.id,
        f.year,
        &code,
        info_no,
        &f.url,
        &s.actor(),
    )
    .await
    {
        Ok(()) => Ok(see_other(&format!(
            "{}/oit?year={}&ok=saved#{}",
            s.base(),
            f.year,
            code
        ))),
        Err(prongsai_store::StoreError::Invalid(_)) => Err(Error::BadRequest(key!("oit.err_link"))),
        Err(e) => Err(e.into()),
    }
}
