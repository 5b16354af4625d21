//! Installation-wide pages for a host that serves many organizations: the national
//! summary (`/national`) by province and organization type, and one province's summary
//! (`/national/{province}`) with its organizations. Public; figures for one fiscal year.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use prongsai_domain::{FiscalYear, thai};
use prongsai_store::national::{self, Figures, Row, Summary};
use serde::Deserialize;

use crate::AppState;
use crate::charts::{self, Chart, thousands};
use crate::error::Error;
use crate::i18n::{Lang, t};
use crate::middleware::lang::{Here, ReqLang};
use crate::page::{Page, url_encode};
use crate::views::html_status;

/// A row as the tables show it.
pub struct Line {
    pub key: String,
    pub href: String,
    pub label: String,
    pub orgs: String,
    pub projects: String,
    pub done: String,
    pub in_progress: String,
    pub not_started: String,
    pub could_not: String,
    pub planned: String,
    pub disbursed: String,
    pub ita: String,
    pub target: String,
    pub ita_met: String,
    pub high_risks: String,
}

fn line(key: &str, href: String, label: &str, f: &Figures) -> Line {
    let avg = |v: Option<f64>| v.map_or_else(|| "-".to_string(), |v| format!("{v:.2}"));
    Line {
        key: key.to_string(),
        href,
        label: label.to_string(),
        orgs: thousands(f.organizations),
        projects: thousands(f.projects),
        done: thousands(f.done),
        in_progress: thousands(f.in_progress),
        not_started: thousands(f.not_started),
        could_not: thousands(f.could_not),
        planned: thousands(f.planned_baht),
        disbursed: thousands(f.disbursed_baht()),
        ita: avg(f.ita_avg()),
        target: avg(f.target_avg()),
        ita_met: format!("{} / {}", thousands(f.ita_met), thousands(f.ita_count)),
        high_risks: thousands(f.high_risks),
    }
}

#[derive(Template)]
#[template(path = "national.html")]
struct NationalPage {
    p: Page,
    year: i64,
    province: Option<String>,
    total: Line,
    by_province: Vec<Line>,
    by_type: Vec<Line>,
    by_org: Vec<Line>,
    chart: String,
}

#[derive(Deserialize)]
pub struct YearQuery {
    year: Option<String>,
}

fn year_of(q: &YearQuery) -> i64 {
    q.year
        .as_deref()
        .and_then(|y| thai::normalize_digits(y.trim()).parse::<i64>().ok())
        .filter(|y| (2500..=2700).contains(y))
        .unwrap_or_else(|| i64::from(FiscalYear::current().be()))
}

fn render(lang: Lang, here: &str, s: Summary) -> Result<Response, Error> {
    let mut p = Page::new(lang, here, "national.title");
    if let Some(pr) = &s.province {
        p.title = format!("{} · {pr}", t(lang, "national.province_title"));
    }
    let year_q = format!("?year={}", s.fiscal_year);
    let rows: Vec<(String, Vec<f64>)> = s
        .by_type
        .iter()
        .map(|r: &Row| {
            let f = &r.figures;
            (
                r.label.clone(),
                vec![
                    f.done as f64,
                    f.in_progress as f64,
                    f.not_started as f64,
                    f.could_not as f64,
                ],
            )
        })
        .collect();
    let series = crate::views::dashboard::status_series(lang);
    let chart = charts::stacked_bars(
        &Chart {
            id: "national-progress",
            title: t(lang, "national.chart_title"),
            desc: t(lang, "national.chart_desc"),
        },
        &series,
        &rows,
    );
    let page = NationalPage {
        total: line("", String::new(), t(lang, "national.total"), &s.total),
        by_province: s
            .by_province
            .iter()
            .map(|r| {
                line(
                    &r.key,
                    format!("/national/{}{year_q}", url_encode(&r.key)),
                    &r.label,
                    &r.figures,
                )
            })
            .collect(),
        by_type: s
            .by_type
            .iter()
            .map(|r| line(&r.key, String::new(), &r.label, &r.figures))
            .collect(),
        by_org: s
            .by_org
            .iter()
            .map(|r| line(&r.key, format!("/{}/", r.key), &r.label, &r.figures))
            .collect(),
        year: s.fiscal_year,
        province: s.province,
        chart,
        p,
    };
    let mut r = html_status(StatusCode::OK, &page)?;
    r.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=60"),
    );
    r.headers_mut()
        .insert(header::VARY, HeaderValue::from_static("Cookie"));
    Ok(r)
}

/// `GET /national?year=2567`
pub async fn national(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    Here(here): Here,
    Query(q): Query<YearQuery>,
) -> Result<Response, Error> {
    let mut conn = state.db.pool.acquire().await?;
    let s = national::summary(&mut conn, year_of(&q), None).await?;
    render(lang, &here, s)
}

/// `GET /national/{province}?year=2567`
pub async fn province(
    State(state): State<AppState>,
    Path(province): Path<String>,
    ReqLang(lang): ReqLang,
    Here(here): Here,
    Query(q): Query<YearQuery>,
) -> Result<Response, Error> {
    if province.trim().is_empty() || province.chars().count() > 100 {
        return Err(Error::NotFound);
    }
    let mut conn = state.db.pool.acquire().await?;
    let s = national::summary(&mut conn, year_of(&q), Some(&province)).await?;
    if s.total.organizations == 0 {
        return Err(Error::NotFound);
    }
    render(lang, &here, s)
}
