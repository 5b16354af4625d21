//! The executives' dashboard (for the clerk, executives, internal audit, council and
//! administrators): key figures and charts of the current plan for a fiscal year —
//! progress by dimension, KPIs achieved by dimension, budget planned vs disbursed per
//! year, the ITA score against the plan's targets, corruption cases against the
//! reduction targets, the risk heat map.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use prongsai_domain::{FiscalYear, thai};
use prongsai_store::dashboard::{self, DimensionKpis, DimensionProgress};
use prongsai_store::{ita, plans, risk};
use serde::Deserialize;

use crate::AppState;
use crate::charts::{self, Chart, Series, palette, thousands};
use crate::error::Error;
use crate::i18n::{Lang, t};
use crate::middleware::staff::{Staff, need};
use crate::page::Page;
use crate::views::html_status;

/// The four statuses as chart series, in the order of [`DimensionProgress`].
pub fn status_series(lang: Lang) -> [Series<'static>; 4] {
    [
        Series {
            label: t(lang, "dash.done"),
            color: palette::GREEN,
        },
        Series {
            label: t(lang, "dash.in_progress"),
            color: palette::BLUE,
        },
        Series {
            label: t(lang, "dash.not_started"),
            color: palette::GREY,
        },
        Series {
            label: t(lang, "dash.could_not"),
            color: palette::VERMILLION,
        },
    ]
}

fn progress_values(d: &DimensionProgress) -> Vec<f64> {
    vec![
        d.done as f64,
        d.in_progress as f64,
        d.not_started as f64,
        d.could_not as f64,
    ]
}

/// The three KPI results as chart series, in the order of [`DimensionKpis`].
pub fn kpi_series(lang: Lang) -> [Series<'static>; 3] {
    [
        Series {
            label: t(lang, "dash.kpi_achieved"),
            color: palette::GREEN,
        },
        Series {
            label: t(lang, "dash.kpi_not_achieved"),
            color: palette::VERMILLION,
        },
        Series {
            label: t(lang, "dash.kpi_not_reported"),
            color: palette::GREY,
        },
    ]
}

/// KPIs achieved by dimension as stacked bars; each row's label also says "n/m" so the
/// achieved count is written even when its segment is too narrow to hold it.
pub fn kpi_chart(lang: Lang, id: &str, kpis: &[DimensionKpis]) -> String {
    let rows: Vec<(String, Vec<f64>)> = kpis
        .iter()
        .map(|d| {
            (
                format!(
                    "{} {} ({}/{})",
                    t(lang, "dash.dimension"),
                    d.dimension,
                    d.achieved,
                    d.total()
                ),
                vec![
                    d.achieved as f64,
                    d.not_achieved as f64,
                    d.not_reported as f64,
                ],
            )
        })
        .collect();
    charts::stacked_bars(
        &Chart {
            id,
            title: t(lang, "dash.kpi_title"),
            desc: t(lang, "dash.kpi_desc"),
        },
        &kpi_series(lang),
        &rows,
    )
}

/// Baht in a chart label: millions with one decimal from a million up.
fn baht_short(v: f64) -> String {
    if v >= 1_000_000.0 {
        format!("{:.1}M", v / 1_000_000.0)
    } else {
        thousands(v.round() as i64)
    }
}

#[derive(Template)]
#[template(path = "staff/dashboard_charts.html")]
struct DashboardPage {
    p: Page,
    base: String,
    year: i64,
    years: Vec<i64>,
    has_plan: bool,
    projects: i64,
    done: i64,
    kpis_achieved: i64,
    kpis_total: i64,
    planned: String,
    disbursed: String,
    ita: String,
    ita_target: String,
    high_risks: usize,
    risks: usize,
    progress_chart: String,
    kpi_chart: String,
    money_chart: String,
    ita_chart: String,
    cases_chart: String,
    heat: String,
}

#[derive(Deserialize)]
pub struct YearQuery {
    year: Option<String>,
}

/// `GET /{org}/staff/dashboard?year=2567`
pub async fn dashboard(
    State(state): State<AppState>,
    s: Staff<need::ViewAllWork>,
    Query(q): Query<YearQuery>,
) -> Result<Response, Error> {
    let lang = s.lang;
    let now_year = i64::from(FiscalYear::current().be());
    let mut conn = state.db.pool.acquire().await?;
    let plan = plans::current(&mut conn, s.org.id).await?;
    let money = dashboard::money_by_year(&mut conn, s.org.id).await?;
    let years: Vec<i64> = money.iter().map(|m| m.fiscal_year).collect();
    let default_year = if years.contains(&now_year) {
        now_year
    } else {
        years
            .iter()
            .copied()
            .filter(|y| *y <= now_year)
            .max()
            .or(years.first().copied())
            .unwrap_or(now_year)
    };
    let year = q
        .year
        .as_deref()
        .and_then(|y| thai::normalize_digits(y.trim()).parse::<i64>().ok())
        .filter(|y| (2500..=2700).contains(y))
        .unwrap_or(default_year);
    let dims = dashboard::progress_by_dimension(&mut conn, s.org.id, year).await?;
    let kpis = dashboard::kpis_by_dimension(&mut conn, s.org.id, year).await?;
    let cmp = ita::comparison(&mut conn, s.org.id).await?;
    let register = risk::list(&mut conn, s.org.id).await?;
    let matrix = risk::matrix(&mut conn, s.org.id).await?;

    let rows: Vec<(String, Vec<f64>)> = dims
        .iter()
        .map(|d| {
            (
                format!("{} {}", t(lang, "dash.dimension"), d.dimension),
                progress_values(d),
            )
        })
        .collect();
    let series = status_series(lang);
    let progress_chart = charts::stacked_bars(
        &Chart {
            id: "dash-progress",
            title: t(lang, "dash.progress_title"),
            desc: t(lang, "dash.progress_desc"),
        },
        &series,
        &rows,
    );
    let money_rows: Vec<(String, Vec<f64>)> = money
        .iter()
        .map(|m| {
            (
                m.fiscal_year.to_string(),
                vec![m.planned_baht as f64, m.disbursed_satang as f64 / 100.0],
            )
        })
        .collect();
    let money_chart = charts::grouped_bars(
        &Chart {
            id: "dash-money",
            title: t(lang, "dash.money_title"),
            desc: t(lang, "dash.money_desc"),
        },
        &[
            Series {
                label: t(lang, "dash.planned"),
                color: palette::SKY,
            },
            Series {
                label: t(lang, "dash.disbursed"),
                color: palette::BLUE,
            },
        ],
        &money_rows,
        baht_short,
    );
    let this_year = money
        .iter()
        .find(|m| m.fiscal_year == year)
        .cloned()
        .unwrap_or_default();
    let y = cmp.years.iter().find(|r| r.fiscal_year == year);
    let page = DashboardPage {
        p: s.page("dash.title", "dashboard"),
        base: s.base(),
        year,
        years,
        has_plan: plan.is_some(),
        projects: dims.iter().map(DimensionProgress::total).sum(),
        done: dims.iter().map(|d| d.done).sum(),
        kpis_achieved: kpis.iter().map(|d| d.achieved).sum(),
        kpis_total: kpis.iter().map(DimensionKpis::total).sum(),
        planned: thousands(this_year.planned_baht),
        disbursed: thousands(this_year.disbursed_satang / 100),
        ita: y
            .and_then(|r| r.ita.as_ref())
            .map_or_else(|| "-".into(), |s| charts::num(s.score)),
        ita_target: y
            .and_then(|r| r.ita_target)
            .map_or_else(|| "-".into(), charts::num),
        high_risks: register
            .iter()
            .filter(|r| {
                matches!(
                    r.level,
                    prongsai_domain::risk::RiskLevel::High
                        | prongsai_domain::risk::RiskLevel::VeryHigh
                )
            })
            .count(),
        risks: register.len(),
        progress_chart,
        kpi_chart: kpi_chart(lang, "dash-kpis", &kpis),
        money_chart,
        ita_chart: crate::views::ita::ita_chart(lang, "dash-ita", &cmp),
        cases_chart: crate::views::ita::cases_chart(lang, "dash-cases", &cmp),
        heat: crate::views::risk::heat_map_svg(lang, "dash-heat", &matrix, &register),
    };
    html_status(StatusCode::OK, &page)
}
