//! The public reports (รายงานผลการดำเนินงานตามแผน): every submitted reporting round of
//! an organization, and one round's report — always the latest submitted version, with
//! the history of its versions ("ฉบับแก้ไขครั้งที่ n" and when). Drafts never appear
//! here. PDF and XLSX of the same report can be downloaded.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::Response;
use prongsai_store::rounds;

use crate::AppState;
use crate::error::Error;
use crate::i18n::t;
use crate::middleware::lang::{Here, ReqLang};
use crate::page::{OrgNav, Page};
use crate::views::html;
use crate::views::progress::{download, parse_year};
use crate::views::public::public_org;
use crate::views::rounds::{
    Download, ReportView, VersionQuery, VersionRow, parse_round, render, report_view, round_label,
    version_label, version_rows,
};

pub struct PublicRound {
    pub year: i64,
    pub code: String,
    pub label: &'static str,
    pub status: String,
}

#[derive(Template)]
#[template(path = "reports.html")]
struct ListPage {
    p: Page,
    slug: String,
    rows: Vec<PublicRound>,
}

fn public_page(
    lang: crate::i18n::Lang,
    here: &str,
    title_key: &str,
    slug: &str,
    name: &str,
) -> Page {
    let mut p = Page::new(lang, here, title_key);
    p.org = Some(OrgNav {
        slug: slug.to_string(),
        name: name.to_string(),
    });
    p
}

fn cacheable(mut r: Response) -> Response {
    r.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=60"),
    );
    r.headers_mut()
        .insert(header::VARY, HeaderValue::from_static("Cookie"));
    r
}

/// `GET /{org}/reports`
pub async fn list(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    ReqLang(lang): ReqLang,
    Here(here): Here,
) -> Result<Response, Error> {
    let o = public_org(&state, &slug).await?;
    let mut conn = state.db.pool.acquire().await?;
    let p = public_page(
        lang,
        &here,
        "reports.title",
        &o.org.slug,
        lang.pick(&o.org.name_th, &o.org.name_en),
    );
    let rows = rounds::submitted(&mut conn, o.org.id)
        .await?
        .into_iter()
        .filter_map(|s| {
            let r = parse_round(&s.latest.round).ok()?;
            Some(PublicRound {
                year: s.latest.fiscal_year,
                label: round_label(lang, r),
                status: format!(
                    "{} · {}",
                    version_label(lang, s.latest.version),
                    p.datetime(&s.latest.submitted_at)
                ),
                code: s.latest.round,
            })
        })
        .collect();
    Ok(cacheable(html(&ListPage {
        p,
        slug: o.org.slug.clone(),
        rows,
    })?))
}

#[derive(Template)]
#[template(path = "report.html")]
struct ReportPage {
    p: Page,
    slug: String,
    year: i64,
    round: &'static str,
    version_label: String,
    when: String,
    versions: Vec<VersionRow>,
    version_query: String,
    rep: ReportView,
}

/// `GET /{org}/reports/{year}/{round}` (`?version=n` for an earlier version).
pub async fn page(
    State(state): State<AppState>,
    Path((slug, year, round)): Path<(String, String, String)>,
    Query(q): Query<VersionQuery>,
    ReqLang(lang): ReqLang,
    Here(here): Here,
) -> Result<Response, Error> {
    let o = public_org(&state, &slug).await?;
    let fy = parse_year(&year)?;
    let r = parse_round(&round)?;
    let version = q
        .version
        .as_deref()
        .and_then(|v| v.trim().parse::<i64>().ok());
    let mut conn = state.db.pool.acquire().await?;
    let (v, report) = rounds::report(&mut conn, o.org.id, fy, r, version)
        .await?
        .ok_or(Error::NotFound)?;
    let versions = rounds::versions(&mut conn, o.org.id, fy, r).await?;
    let mut p = public_page(
        lang,
        &here,
        "reports.title",
        &o.org.slug,
        lang.pick(&o.org.name_th, &o.org.name_en),
    );
    p.title = format!(
        "{} · {} {}",
        t(lang, "reports.title"),
        round_label(lang, r),
        fy.be()
    );
    let mut rows = version_rows(&p, &versions, Some(v.version));
    // The public sees when, not which account.
    for row in &mut rows {
        row.who.clear();
    }
    let page = ReportPage {
        slug: o.org.slug.clone(),
        year: i64::from(fy.be()),
        round: r.code(),
        version_label: version_label(lang, v.version),
        when: p.datetime(&v.submitted_at),
        versions: rows,
        version_query: if version.is_some() {
            format!("?version={}", v.version)
        } else {
            String::new()
        },
        rep: report_view(lang, &report),
        p,
    };
    Ok(cacheable(html(&page)?))
}

async fn public_download(
    state: AppState,
    slug: String,
    year: String,
    round: String,
    q: VersionQuery,
    kind: Download,
) -> Result<Response, Error> {
    let o = public_org(&state, &slug).await?;
    let fy = parse_year(&year)?;
    let r = parse_round(&round)?;
    let version = q
        .version
        .as_deref()
        .and_then(|v| v.trim().parse::<i64>().ok());
    let mut conn = state.db.pool.acquire().await?;
    let (v, report) = rounds::report(&mut conn, o.org.id, fy, r, version)
        .await?
        .ok_or(Error::NotFound)?;
    let (bytes, ty, name) = tokio::task::spawn_blocking(move || render(kind, Some(&v), &report))
        .await
        .map_err(|e| Error::Internal(e.to_string()))??;
    Ok(download(bytes, ty, &name))
}

/// `GET /{org}/reports/{year}/{round}/report.pdf`
pub async fn pdf(
    State(state): State<AppState>,
    Path((slug, year, round)): Path<(String, String, String)>,
    Query(q): Query<VersionQuery>,
) -> Result<Response, Error> {
    public_download(state, slug, year, round, q, Download::Pdf).await
}

/// `GET /{org}/reports/{year}/{round}/report.xlsx`
pub async fn xlsx(
    State(state): State<AppState>,
    Path((slug, year, round)): Path<(String, String, String)>,
    Query(q): Query<VersionQuery>,
) -> Result<Response, Error> {
    public_download(state, slug, year, round, q, Download::Xlsx).await
}
