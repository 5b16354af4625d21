//! ITA scores and corruption cases against the plan's targets: the public page (trend
//! charts and table) and the staff page where the clerk or an administrator records
//! each year's score (with its IIT/EIT/OIT parts) and case count (audited).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use prongsai_domain::ita::{BASELINE_YEAR, ItaResult};
use prongsai_domain::{Permission, thai};
use prongsai_store::StoreError;
use prongsai_store::ita::{self, Comparison};
use serde::Deserialize;

use crate::AppState;
use crate::charts::{self, Chart, Series, palette};
use crate::error::{Error, see_other};
use crate::i18n::{Lang, t};
use crate::key;
use crate::middleware::csrf;
use crate::middleware::lang::{Here, ReqLang};
use crate::middleware::staff::{Staff, StaffCtx, need};
use crate::page::{OrgNav, Page};
use crate::views::public::public_org;
use crate::views::staff::OkQuery;
use crate::views::{Form, html_status};

/// The ITA score per year against the plan's target (65 → 85).
pub fn ita_chart(lang: Lang, id: &str, cmp: &Comparison) -> String {
    let points: Vec<(String, Option<f64>, Option<f64>)> = cmp
        .years
        .iter()
        .map(|y| {
            (
                y.fiscal_year.to_string(),
                y.ita.as_ref().map(|s| s.score),
                y.ita_target,
            )
        })
        .collect();
    charts::line_with_target(
        &Chart {
            id,
            title: t(lang, "ita.chart_title"),
            desc: t(lang, "ita.chart_desc"),
        },
        Series {
            label: t(lang, "ita.score"),
            color: palette::BLUE,
        },
        Series {
            label: t(lang, "ita.target"),
            color: palette::VERMILLION,
        },
        &points,
        100.0,
    )
}

/// Corruption cases per year (with the 2565 baseline) against the most each year's
/// reduction target allows.
pub fn cases_chart(lang: Lang, id: &str, cmp: &Comparison) -> String {
    let mut items = vec![(
        BASELINE_YEAR.to_string(),
        cmp.baseline_cases.map(|c| c as f64),
        None,
    )];
    items.extend(cmp.years.iter().map(|y| {
        (
            y.fiscal_year.to_string(),
            y.cases.map(|c| c as f64),
            y.allowed_cases.map(|c| c as f64),
        )
    }));
    charts::bars_vs_target(
        &Chart {
            id,
            title: t(lang, "ita.cases_title"),
            desc: t(lang, "ita.cases_desc"),
        },
        Series {
            label: t(lang, "ita.cases"),
            color: palette::ORANGE,
        },
        Series {
            label: t(lang, "ita.allowed"),
            color: palette::BLUE,
        },
        &items,
    )
}

/// A row of the table, formatted.
pub struct YearLine {
    pub year: i64,
    pub target: String,
    pub score: String,
    pub parts: String,
    pub met: &'static str,
    pub cut_target: String,
    pub allowed: String,
    pub cases: String,
    pub cases_met: &'static str,
}

fn opt(v: Option<f64>) -> String {
    v.map_or_else(|| "-".to_string(), charts::num)
}

fn yes_no(lang: Lang, v: Option<bool>) -> &'static str {
    match v {
        Some(true) => t(lang, "ita.met"),
        Some(false) => t(lang, "ita.not_met"),
        None => "-",
    }
}

pub fn lines(lang: Lang, cmp: &Comparison) -> Vec<YearLine> {
    cmp.years
        .iter()
        .map(|y| YearLine {
            year: y.fiscal_year,
            target: opt(y.ita_target),
            score: opt(y.ita.as_ref().map(|s| s.score)),
            parts: y
                .ita
                .as_ref()
                .map(|s| {
                    format!(
                        "IIT {} · EIT {} · OIT {}",
                        opt(s.iit),
                        opt(s.eit),
                        opt(s.oit)
                    )
                })
                .unwrap_or_default(),
            met: yes_no(lang, y.ita_met),
            cut_target: y
                .reduction_target
                .map_or_else(|| "-".to_string(), |v| format!("{} %", charts::num(v))),
            allowed: y
                .allowed_cases
                .map_or_else(|| "-".to_string(), |v| v.to_string()),
            cases: y.cases.map_or_else(|| "-".to_string(), |v| v.to_string()),
            cases_met: yes_no(lang, y.cases_met),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "ita_public.html")]
struct PublicPage {
    p: Page,
    chart: String,
    cases: String,
    rows: Vec<YearLine>,
    baseline: String,
}

/// `GET /{org}/ita`
pub async fn public_ita(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    ReqLang(lang): ReqLang,
    Here(here): Here,
) -> Result<Response, Error> {
    let o = public_org(&state, &slug).await?;
    let org = &o.org;
    let mut p = Page::new(lang, &here, "ita.public_title");
    p.org = Some(OrgNav {
        slug: org.slug.clone(),
        name: lang.pick(&org.name_th, &org.name_en).to_string(),
    });
    let mut conn = state.db.pool.acquire().await?;
    let cmp = ita::comparison(&mut conn, org.id).await?;
    let page = PublicPage {
        p,
        chart: ita_chart(lang, "ita-trend", &cmp),
        cases: cases_chart(lang, "ita-cases", &cmp),
        rows: lines(lang, &cmp),
        baseline: cmp
            .baseline_cases
            .map_or_else(|| "-".to_string(), |v| v.to_string()),
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

#[derive(Template)]
#[template(path = "staff/ita.html")]
struct StaffPage {
    p: Page,
    base: String,
    slug: String,
    chart: String,
    cases: String,
    rows: Vec<YearLine>,
    baseline: String,
    can_edit: bool,
    form: ScoreForm,
}

async fn staff_page(
    state: &AppState,
    s: &StaffCtx,
    notice: Option<&'static str>,
    alert: Option<&'static str>,
    form: ScoreForm,
    status: StatusCode,
) -> Result<Response, Error> {
    let mut conn = state.db.pool.acquire().await?;
    let cmp = ita::comparison(&mut conn, s.org.id).await?;
    let mut p = s.page("ita.title", "ita");
    p.notice = notice.map(|k| t(s.lang, k).to_string());
    p.alert = alert.map(|k| t(s.lang, k).to_string());
    let page = StaffPage {
        p,
        base: s.base(),
        slug: s.org.slug.clone(),
        chart: ita_chart(s.lang, "ita-trend", &cmp),
        cases: cases_chart(s.lang, "ita-cases", &cmp),
        rows: lines(s.lang, &cmp),
        baseline: cmp
            .baseline_cases
            .map_or_else(|| "-".to_string(), |v| v.to_string()),
        can_edit: s.may(Permission::ManagePlan),
        form,
    };
    html_status(status, &page)
}

/// `GET /{org}/staff/ita`
pub async fn staff_ita(
    State(state): State<AppState>,
    s: Staff<need::ViewAllWork>,
    Query(q): Query<OkQuery>,
) -> Result<Response, Error> {
    let notice = match q.ok.as_deref() {
        Some("saved") => Some(key!("common.saved")),
        _ => None,
    };
    staff_page(
        &state,
        &s,
        notice,
        None,
        ScoreForm::default(),
        StatusCode::OK,
    )
    .await
}

#[derive(Deserialize, Default)]
pub struct ScoreForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    pub fiscal_year: String,
    #[serde(default)]
    pub score: String,
    #[serde(default)]
    pub iit: String,
    #[serde(default)]
    pub eit: String,
    #[serde(default)]
    pub oit: String,
    #[serde(default)]
    pub cases: String,
    #[serde(default)]
    pub note: String,
}

/// A number typed by a person: Thai or Arabic digits, optional thousands separators.
fn number(s: &str) -> Option<f64> {
    let s = thai::normalize_digits(s.trim()).replace(',', "");
    if s.is_empty() {
        None
    } else {
        s.parse().ok().filter(|v: &f64| v.is_finite())
    }
}

/// An optional part score: empty is none, anything else must read.
fn part(s: &str) -> Result<Option<f64>, ()> {
    if s.trim().is_empty() {
        Ok(None)
    } else {
        number(s).map(Some).ok_or(())
    }
}

/// `POST /{org}/staff/ita/score`
pub async fn save_score(
    State(state): State<AppState>,
    s: Staff<need::ManagePlan>,
    Form(f): Form<ScoreForm>,
) -> Result<Response, Error> {
    csrf::check_session(s.csrf(), &f.csrf)?;
    let parsed = (|| {
        let r = ItaResult {
            fiscal_year: number(&f.fiscal_year).ok_or(())? as i64,
            score: number(&f.score).ok_or(())?,
            iit: part(&f.iit)?,
            eit: part(&f.eit)?,
            oit: part(&f.oit)?,
        };
        r.validate().map_err(|_| ())?;
        Ok::<_, ()>(r)
    })();
    let Ok(r) = parsed else {
        return staff_page(
            &state,
            &s,
            None,
            Some(key!("ita.bad_score")),
            f,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let mut tx = state.db.begin().await?;
    match ita::set_score(
        &mut tx,
        &state.keys.audit,
        s.org.id,
        &r,
        &f.note,
        &s.actor(),
    )
    .await
    {
        Ok(_) => {
            tx.commit().await?;
            Ok(see_other(&format!("{}/ita?ok=saved", s.base())))
        }
        Err(StoreError::Invalid(_)) => {
            drop(tx);
            staff_page(
                &state,
                &s,
                None,
                Some(key!("ita.bad_score")),
                f,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /{org}/staff/ita/cases`
pub async fn save_cases(
    State(state): State<AppState>,
    s: Staff<need::ManagePlan>,
    Form(f): Form<ScoreForm>,
) -> Result<Response, Error> {
    csrf::check_session(s.csrf(), &f.csrf)?;
    let (year, count) = (number(&f.fiscal_year), number(&f.cases));
    let (Some(year), Some(count)) = (year, count) else {
        return staff_page(
            &state,
            &s,
            None,
            Some(key!("ita.bad_cases")),
            f,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let mut tx = state.db.begin().await?;
    match ita::set_cases(
        &mut tx,
        &state.keys.audit,
        s.org.id,
        year as i64,
        count as i64,
        &f.note,
        &s.actor(),
    )
    .await
    {
        Ok(_) => {
            tx.commit().await?;
            Ok(see_other(&format!("{}/ita?ok=saved", s.base())))
        }
        Err(StoreError::Invalid(_)) => {
            drop(tx);
            staff_page(
                &state,
                &s,
                None,
                Some(key!("ita.bad_cases")),
                f,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}
