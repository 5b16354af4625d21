//! The public information centre (ศูนย์ข้อมูลข่าวสาร): `/{org}/info` (the five groups
//! and their items, also as CSV and JSON), `/{org}/info/{no}` (an item's current
//! version, its files and links, and its earlier versions), its files, and Thai word
//! search over everything published (`/{org}/search?q=`). Also the public navigation
//! of an organization's pages, built from the routes that exist.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use prongsai_domain::disclosure::{InfoGroup, ItemLink, Span, paragraphs, parse_links};
use prongsai_store::disclosure::{self, InfoVersion, PublicItem};
use prongsai_store::files::FileMeta;
use prongsai_store::search::{self, Hit};
use serde::Deserialize;
use serde_json::json;

use crate::AppState;
use crate::error::Error;
use crate::i18n::{Lang, t};
use crate::middleware::lang::{Here, ReqLang};
use crate::page::{OrgNav, Page};
use crate::views::html;
use crate::views::public::public_org;

/// Every public GET route pattern the router registers.
fn public_routes() -> &'static BTreeSet<&'static str> {
    static SET: OnceLock<BTreeSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| {
        crate::routes::registered()
            .into_iter()
            .filter(|(m, p)| *m == "GET" && !p.contains("/staff/"))
            .map(|(_, p)| p)
            .collect()
    })
}

/// Whether the router serves a public page at this pattern (e.g. `/{org}/risks`).
pub fn route_exists(pattern: &str) -> bool {
    public_routes().contains(pattern)
}

/// A link in an organization's public navigation.
#[derive(Debug, Clone)]
pub struct NavItem {
    pub href: String,
    pub label: &'static str,
}

/// The organization's public pages, in the order citizens look for them; only pages
/// this build serves are listed.
pub fn public_nav(lang: Lang, slug: &str) -> Vec<NavItem> {
    const PAGES: &[(&str, &str)] = &[
        ("/{org}/info", "info.nav"),
        ("/{org}/plan", "info.nav_plan"),
        ("/{org}/reports", "info.nav_reports"),
        ("/{org}/risks", "info.nav_risks"),
        ("/{org}/ita", "info.nav_ita"),
        ("/{org}/procurement", "info.nav_procurement"),
        ("/{org}/complaints/new", "info.nav_complaint"),
        ("/{org}/complaints/stats", "info.nav_complaint_stats"),
        ("/{org}/integrity/report", "info.nav_integrity"),
        ("/{org}/integrity/stats", "info.nav_integrity_stats"),
        ("/{org}/search", "info.nav_search"),
    ];
    PAGES
        .iter()
        .filter(|(p, _)| route_exists(p))
        .map(|(p, label)| NavItem {
            href: p.replace("{org}", slug),
            label: t(lang, label),
        })
        .collect()
}

fn public_page(
    lang: Lang,
    here: &str,
    title_key: &str,
    org: &prongsai_store::orgs::Organization,
) -> Page {
    let mut p = Page::new(lang, here, title_key);
    p.org = Some(OrgNav {
        slug: org.slug.clone(),
        name: lang.pick(&org.name_th, &org.name_en).to_string(),
    });
    p
}

/// Public and the same for everyone: browsers and proxies may keep it briefly.
fn cache_briefly(mut r: Response) -> Response {
    r.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=60"),
    );
    r.headers_mut()
        .insert(header::VARY, HeaderValue::from_static("Cookie"));
    r
}

pub fn group_label(lang: Lang, g: InfoGroup) -> &'static str {
    lang.pick(g.label_th(), g.label_en())
}

/// How a list is wanted: a page, CSV or JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Html,
    Csv,
    Json,
}

impl Format {
    /// From a `.csv`/`.json` suffix or `?format=`.
    pub fn pick(suffix: Option<&str>, query: Option<&str>) -> Result<Format, Error> {
        match suffix.or(query).unwrap_or("html") {
            "html" | "" => Ok(Format::Html),
            "csv" => Ok(Format::Csv),
            "json" => Ok(Format::Json),
            _ => Err(Error::NotFound),
        }
    }
}

/// A cell that a spreadsheet would run as a formula, prefixed with `'`.
fn defuse_formula(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@']) {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

/// A CSV document (UTF-8 with a byte-order mark, so spreadsheet programs read Thai),
/// formula-looking cells defused.
pub fn csv_response(name: &str, rows: Vec<Vec<String>>) -> Response {
    let out = prongsai_docs::csv_text(
        rows.iter()
            .map(|r| r.iter().map(|f| defuse_formula(f)).collect::<Vec<_>>()),
    );
    let disp = format!("attachment; filename=\"{name}\"");
    let mut r = (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/csv; charset=utf-8"),
        )],
        out,
    )
        .into_response();
    if let Ok(v) = HeaderValue::from_str(&disp) {
        r.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    cache_briefly(r)
}

pub fn json_response(v: serde_json::Value) -> Response {
    cache_briefly(axum::Json(v).into_response())
}

#[derive(Deserialize)]
pub struct FormatQuery {
    format: Option<String>,
}

/// One group on the index page.
pub struct GroupView {
    pub code: &'static str,
    pub label: &'static str,
    pub items: Vec<PublicItem>,
}

#[derive(Template)]
#[template(path = "info_index.html")]
struct IndexPage {
    p: Page,
    slug: String,
    groups: Vec<GroupView>,
}

fn item_json(slug: &str, i: &PublicItem) -> serde_json::Value {
    json!({
        "no": i.no,
        "group": i.group.code(),
        "group_th": i.group.label_th(),
        "title": i.current.title,
        "date": i.current.item_date,
        "fiscal_year": i.current.fiscal_year,
        "version": i.current.version,
        "published_at": i.current.published_at,
        "url": disclosure::public_path(slug, i.no),
    })
}

async fn index_as(
    state: AppState,
    slug: String,
    lang: Lang,
    here: String,
    format: Format,
) -> Result<Response, Error> {
    let o = public_org(&state, &slug).await?;
    let org = &o.org;
    let mut conn = state.db.pool.acquire().await?;
    let items = disclosure::public_list(&mut conn, org.id).await?;
    match format {
        Format::Csv => {
            let mut rows = vec![
                [
                    "no",
                    "group",
                    "title",
                    "date",
                    "fiscal_year",
                    "version",
                    "url",
                ]
                .map(String::from)
                .to_vec(),
            ];
            for i in &items {
                rows.push(vec![
                    i.no.to_string(),
                    i.group.label_th().to_string(),
                    i.current.title.clone(),
                    i.current.item_date.clone(),
                    i.current.fiscal_year.to_string(),
                    i.current.version.to_string(),
                    disclosure::public_path(&org.slug, i.no),
                ]);
            }
            Ok(csv_response("info.csv", rows))
        }
        Format::Json => Ok(json_response(json!({
            "organization": org.slug,
            "items": items.iter().map(|i| item_json(&org.slug, i)).collect::<Vec<_>>(),
        }))),
        Format::Html => {
            let groups = InfoGroup::ALL
                .into_iter()
                .map(|g| GroupView {
                    code: g.code(),
                    label: group_label(lang, g),
                    items: items.iter().filter(|i| i.group == g).cloned().collect(),
                })
                .collect();
            let p = public_page(lang, &here, "info.title", org);
            Ok(cache_briefly(html(&IndexPage {
                p,
                slug: org.slug.clone(),
                groups,
            })?))
        }
    }
}

/// `GET /{org}/info`: the five groups and their items (`?format=csv|json` too).
pub async fn index(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    ReqLang(lang): ReqLang,
    Here(here): Here,
    Query(q): Query<FormatQuery>,
) -> Result<Response, Error> {
    let f = Format::pick(None, q.format.as_deref())?;
    index_as(state, slug, lang, here, f).await
}

/// `GET /{org}/info.csv`
pub async fn index_csv(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    ReqLang(lang): ReqLang,
    Here(here): Here,
) -> Result<Response, Error> {
    index_as(state, slug, lang, here, Format::Csv).await
}

/// `GET /{org}/info.json`
pub async fn index_json(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    ReqLang(lang): ReqLang,
    Here(here): Here,
) -> Result<Response, Error> {
    index_as(state, slug, lang, here, Format::Json).await
}

#[derive(Template)]
#[template(path = "info_item.html")]
struct ItemPage {
    p: Page,
    slug: String,
    no: i64,
    group: &'static str,
    group_code: &'static str,
    shown: InfoVersion,
    is_current: bool,
    current_version: i64,
    body: Vec<Vec<Span>>,
    links: Vec<ItemLink>,
    files: Vec<FileMeta>,
    versions: Vec<InfoVersion>,
}

impl ItemPage {
    fn date(&self, ms: &i64) -> String {
        self.p.datetime(ms)
    }
}

#[derive(Deserialize)]
pub struct ItemQuery {
    v: Option<i64>,
}

/// `GET /{org}/info/{no}`: the current version (or `?v=N`, an earlier one).
pub async fn item(
    State(state): State<AppState>,
    Path((slug, no)): Path<(String, String)>,
    ReqLang(lang): ReqLang,
    Here(here): Here,
    Query(q): Query<ItemQuery>,
) -> Result<Response, Error> {
    let no: i64 = no.parse().map_err(|_| Error::NotFound)?;
    let o = public_org(&state, &slug).await?;
    let org = &o.org;
    let mut conn = state.db.pool.acquire().await?;
    let it = disclosure::get(&mut conn, org.id, no)
        .await?
        .ok_or(Error::NotFound)?;
    if !it.is_public() {
        return Err(Error::NotFound);
    }
    let versions = disclosure::versions(&mut conn, org.id, it.id).await?;
    let want = q.v.unwrap_or(it.version);
    let shown = versions
        .iter()
        .find(|v| v.version == want)
        .cloned()
        .ok_or(Error::NotFound)?;
    let files = disclosure::files_of(&mut conn, org.id, it.id, shown.version).await?;
    let mut p = public_page(lang, &here, "info.title", org);
    p.title = shown.title.clone();
    let page = ItemPage {
        p,
        slug: org.slug.clone(),
        no,
        group: group_label(lang, it.group),
        group_code: it.group.code(),
        body: paragraphs(&shown.body),
        links: parse_links(&shown.links).unwrap_or_default(),
        is_current: shown.version == it.version,
        current_version: it.version,
        shown,
        files,
        versions,
    };
    Ok(cache_briefly(html(&page)?))
}

/// `GET /{org}/info/{no}/files/{file_id}`: a file of a published version.
pub async fn file(
    State(state): State<AppState>,
    Path((slug, no, file_id)): Path<(String, String, String)>,
) -> Result<Response, Error> {
    let no: i64 = no.parse().map_err(|_| Error::NotFound)?;
    let file_id: i64 = file_id.parse().map_err(|_| Error::NotFound)?;
    let o = public_org(&state, &slug).await?;
    let mut conn = state.db.pool.acquire().await?;
    let f = disclosure::public_file(&mut conn, o.org.id, no, file_id)
        .await?
        .ok_or(Error::NotFound)?;
    drop(conn);
    let blobs = state.blobs.clone();
    let key = f.storage_key.clone();
    let bytes = tokio::task::spawn_blocking(move || blobs.get(&key))
        .await
        .map_err(|e| Error::Internal(e.to_string()))??;
    let ct = HeaderValue::from_str(&f.content_type)
        .unwrap_or(HeaderValue::from_static("application/octet-stream"));
    let mut r = ([(header::CONTENT_TYPE, ct)], bytes).into_response();
    let ascii: String = f
        .original_name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
        .collect();
    let disp = format!(
        "inline; filename=\"{}\"; filename*=UTF-8''{}",
        if ascii.is_empty() {
            "file".to_string()
        } else {
            ascii
        },
        crate::page::url_encode(&f.original_name)
    );
    if let Ok(v) = HeaderValue::from_str(&disp) {
        r.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    r.headers_mut().insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    Ok(cache_briefly(r))
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    p: Page,
    slug: String,
    q: String,
    /// Each hit with the label of its kind.
    hits: Vec<(Hit, &'static str)>,
    searched: bool,
}

/// The locale key naming a search hit's kind (information item, plan project, …).
fn kind_key(kind: &str) -> &'static str {
    match kind {
        "project" => "search.kind_project",
        "procurement" => "search.kind_procurement",
        "risk" => "search.kind_risk",
        "report" => "search.kind_report",
        _ => "search.kind_info",
    }
}

#[derive(Deserialize)]
pub struct SearchQuery {
    q: Option<String>,
    format: Option<String>,
}

/// `GET /{org}/search?q=`: Thai word search over everything published.
pub async fn search_page(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    ReqLang(lang): ReqLang,
    Here(here): Here,
    Query(q): Query<SearchQuery>,
) -> Result<Response, Error> {
    let format = Format::pick(None, q.format.as_deref())?;
    let o = public_org(&state, &slug).await?;
    let org = &o.org;
    let query: String = q.q.unwrap_or_default().chars().take(200).collect();
    let hits = if query.trim().is_empty() {
        Vec::new()
    } else {
        let mut conn = state.db.pool.acquire().await?;
        search::search(&mut conn, org.id, &query, 50).await?
    };
    match format {
        Format::Json => Ok(json_response(json!({"query": query, "results": hits}))),
        Format::Csv => {
            let mut rows = vec![["title", "url", "kind", "score"].map(String::from).to_vec()];
            rows.extend(hits.iter().map(|h| {
                vec![
                    h.title.clone(),
                    h.url.clone(),
                    h.kind.clone(),
                    h.score.to_string(),
                ]
            }));
            Ok(csv_response("search.csv", rows))
        }
        Format::Html => {
            let p = public_page(lang, &here, "search.title", org);
            let searched = !query.trim().is_empty();
            Ok(cache_briefly(html(&SearchPage {
                p,
                slug: org.slug.clone(),
                q: query,
                hits: hits
                    .into_iter()
                    .map(|h| {
                        let label = t(lang, kind_key(&h.kind));
                        (h, label)
                    })
                    .collect(),
                searched,
            })?))
        }
    }
}
