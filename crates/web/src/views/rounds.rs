//! Reporting rounds (รอบการรายงาน 6/12 เดือน) in the staff area: the list of rounds per
//! fiscal year with the clerk's submit / correct, the report of one round as a web page
//! (the latest submitted version, an older one with `?version=n`, or the live draft),
//! and its downloads: XLSX, PDF, and the e-PlanNACC CSV and XLSX.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use prongsai_docs::rounds::Edition;
use prongsai_domain::progress::format_baht;
use prongsai_domain::reports::RoundReport;
use prongsai_domain::{FiscalYear, ReportingRound};
use prongsai_store::StoreError;
use prongsai_store::rounds::{self, RoundVersion};
use serde::Deserialize;

use crate::AppState;
use crate::error::{Error, see_other};
use crate::i18n::{Lang, t};
use crate::middleware::csrf;
use crate::middleware::staff::{Staff, need};
use crate::page::Page;
use crate::views::progress::{download, parse_year, status_label};
use crate::views::{Form, html};

/// A round from the path (`6m`, `12m`); anything else is 404.
pub fn parse_round(s: &str) -> Result<ReportingRound, Error> {
    match s {
        "6m" => Ok(ReportingRound::SixMonths),
        "12m" => Ok(ReportingRound::TwelveMonths),
        _ => Err(Error::NotFound),
    }
}

pub fn round_label(lang: Lang, r: ReportingRound) -> &'static str {
    lang.pick(r.label_th(), r.label_en())
}

/// How a version is labelled in documents (Thai, as the documents are).
pub fn edition(v: Option<&RoundVersion>) -> Edition {
    match v {
        Some(v) => Edition::Submitted {
            version: v.version,
            submitted_on: prongsai_domain::thai::format_datetime_th(prongsai_store::from_ms(
                v.submitted_at,
            )),
            submitted_by: v.submitted_by_name.clone(),
        },
        None => Edition::LiveDraft {
            printed_on: prongsai_domain::thai::format_datetime_th(time::OffsetDateTime::now_utc()),
        },
    }
}

/// One version in a history list.
pub struct VersionRow {
    pub version: i64,
    /// "ฉบับที่ส่ง" or "ฉบับแก้ไขครั้งที่ n".
    pub label: String,
    pub when: String,
    pub who: String,
    pub note: String,
    pub current: bool,
}

pub fn version_label(lang: Lang, version: i64) -> String {
    if version <= 1 {
        t(lang, "rounds.original").to_string()
    } else {
        format!("{} {}", t(lang, "rounds.correction"), version - 1)
    }
}

pub fn version_rows(p: &Page, versions: &[RoundVersion], shown: Option<i64>) -> Vec<VersionRow> {
    versions
        .iter()
        .rev()
        .map(|v| VersionRow {
            version: v.version,
            label: version_label(p.lang, v.version),
            when: p.datetime(&v.submitted_at),
            who: v.submitted_by_name.clone(),
            note: v.note.clone(),
            current: Some(v.version) == shown,
        })
        .collect()
}

/// The report, formatted for the page (`round_report_partial.html`).
pub struct ReportView {
    pub title: String,
    pub org_name: String,
    pub dims: Vec<DimRow>,
    pub total: DimRow,
    pub projects: Vec<ProjectRow>,
}

pub struct DimRow {
    pub label: String,
    pub projects: i64,
    pub done: i64,
    pub in_progress: i64,
    pub not_started: i64,
    pub could_not: i64,
    pub planned: String,
    pub disbursed: String,
    pub kpis: String,
}

pub struct ProjectRow {
    /// Set on the first project of a dimension: the dimension's heading.
    pub dimension: String,
    pub no: i64,
    pub mission: String,
    pub name: String,
    pub status: &'static str,
    pub status_code: &'static str,
    pub planned: String,
    pub disbursed: String,
    pub kpis: String,
    pub reason: String,
}

fn dim_row(label: String, s: &prongsai_domain::reports::Summary) -> DimRow {
    DimRow {
        label,
        projects: s.projects,
        done: s.done,
        in_progress: s.in_progress,
        not_started: s.not_started,
        could_not: s.could_not_be_done,
        planned: format_baht(s.planned_baht * 100),
        disbursed: format_baht(s.disbursed_satang),
        kpis: format!("{}/{}", s.kpis_achieved, s.kpis_total),
    }
}

pub fn report_view(lang: Lang, r: &RoundReport) -> ReportView {
    let dim_word = t(lang, "report.dimension");
    let mut projects = Vec::new();
    for d in &r.dimensions {
        let mut first = true;
        for p in r.projects_of(d.no) {
            projects.push(ProjectRow {
                dimension: if first {
                    format!("{dim_word} {} {}", d.no, d.title)
                } else {
                    String::new()
                },
                no: p.no,
                mission: p.mission.clone(),
                name: p.name.clone(),
                status: status_label(lang, p.status),
                status_code: p.status.code(),
                planned: format_baht(p.planned_baht * 100),
                disbursed: p
                    .disbursed_satang
                    .map(format_baht)
                    .unwrap_or_else(|| "-".into()),
                kpis: prongsai_docs::rounds::kpi_cell(p),
                reason: match lang {
                    Lang::Th => p.reason_th(),
                    Lang::En => p
                        .reason
                        .map(|r| r.label_en().to_string())
                        .unwrap_or_default(),
                },
            });
            first = false;
        }
    }
    ReportView {
        title: match lang {
            Lang::Th => r.title_th(),
            Lang::En => format!(
                "Anti-corruption plan progress report, {}, {}",
                r.round.label_en(),
                r.fiscal_year.label_en()
            ),
        },
        org_name: r.org_name.clone(),
        dims: r
            .dimensions
            .iter()
            .map(|d| dim_row(format!("{dim_word} {} {}", d.no, d.title), &d.summary))
            .collect(),
        total: dim_row(t(lang, "report.total").to_string(), &r.total),
        projects,
    }
}

pub struct RoundRow {
    pub year: i64,
    pub code: &'static str,
    pub label: &'static str,
    pub status: String,
    pub submitted: bool,
}

#[derive(Template)]
#[template(path = "staff/rounds.html")]
struct RoundsPage {
    p: Page,
    base: String,
    rows: Vec<RoundRow>,
    has_plan: bool,
}

/// `GET /{org}/staff/rounds`
pub async fn list(
    State(state): State<AppState>,
    s: Staff<need::ViewProgress>,
) -> Result<Response, Error> {
    let mut conn = state.db.pool.acquire().await?;
    let current = prongsai_store::plans::current(&mut conn, s.org.id).await?;
    let submitted = rounds::submitted(&mut conn, s.org.id).await?;
    let p = s.page("rounds.title", "rounds");
    let mut years: Vec<i64> = current
        .as_ref()
        .map(|v| (v.first_year..=v.last_year).filter(|y| *y > 0).collect())
        .unwrap_or_default();
    for r in &submitted {
        if !years.contains(&r.latest.fiscal_year) {
            years.push(r.latest.fiscal_year);
        }
    }
    if years.is_empty() {
        years.push(i64::from(prongsai_domain::FiscalYear::current().be()));
    }
    years.sort_unstable_by(|a, b| b.cmp(a));
    let mut rows = Vec::new();
    for y in years {
        for r in [ReportingRound::TwelveMonths, ReportingRound::SixMonths] {
            let sub = submitted
                .iter()
                .find(|x| x.latest.fiscal_year == y && x.latest.round == r.code());
            rows.push(RoundRow {
                year: y,
                code: r.code(),
                label: round_label(s.lang, r),
                status: match sub {
                    Some(x) => format!(
                        "{} · {} · {}",
                        version_label(s.lang, x.latest.version),
                        p.datetime(&x.latest.submitted_at),
                        x.latest.submitted_by_name
                    ),
                    None => t(s.lang, "rounds.not_submitted").to_string(),
                },
                submitted: sub.is_some(),
            });
        }
    }
    html(&RoundsPage {
        base: s.base(),
        rows,
        has_plan: current.is_some(),
        p,
    })
}

#[derive(Deserialize, Default)]
pub struct VersionQuery {
    pub version: Option<String>,
    pub ok: Option<String>,
    pub err: Option<String>,
}

fn version_param(q: &VersionQuery) -> Result<Option<i64>, Error> {
    match q
        .version
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
    {
        None => Ok(None),
        Some(v) => v
            .parse::<i64>()
            .ok()
            .filter(|v| *v > 0)
            .map(Some)
            .ok_or(Error::NotFound),
    }
}

/// The report to show: a given version, the latest submitted, or the live draft.
async fn load(
    state: &AppState,
    org_id: i64,
    fy: FiscalYear,
    round: ReportingRound,
    version: Option<i64>,
) -> Result<(Option<RoundVersion>, RoundReport), Error> {
    let mut conn = state.db.pool.acquire().await?;
    if let Some(v) = version {
        let (v, r) = rounds::report(&mut conn, org_id, fy, round, Some(v))
            .await?
            .ok_or(Error::NotFound)?;
        return Ok((Some(v), r));
    }
    rounds::latest_or_live(&mut conn, org_id, fy, round)
        .await?
        .ok_or(Error::NotFound)
}

#[derive(Template)]
#[template(path = "staff/round.html")]
struct RoundPage {
    p: Page,
    base: String,
    year: i64,
    round: &'static str,
    round_label: &'static str,
    edition: String,
    is_draft: bool,
    version_query: String,
    versions: Vec<VersionRow>,
    rep: ReportView,
    can_submit: bool,
    /// Projects whose progress the head has not approved yet (a warning before submitting).
    unapproved: i64,
}

/// `GET /{org}/staff/rounds/{year}/{round}`
pub async fn page(
    State(state): State<AppState>,
    s: Staff<need::ViewProgress>,
    Path((_, year, round)): Path<(String, String, String)>,
    Query(q): Query<VersionQuery>,
) -> Result<Response, Error> {
    let fy = parse_year(&year)?;
    let r = parse_round(&round)?;
    let version = version_param(&q)?;
    let (v, report) = load(&state, s.org.id, fy, r, version).await?;
    let mut conn = state.db.pool.acquire().await?;
    let versions = rounds::versions(&mut conn, s.org.id, fy, r).await?;
    let mut p = s.page("rounds.report_title", "rounds");
    p.notice = match q.ok.as_deref() {
        Some("submitted") => Some(t(s.lang, "rounds.ok_submitted").to_string()),
        _ => None,
    };
    p.alert = match q.err.as_deref() {
        Some("note") => Some(t(s.lang, "rounds.err_note").to_string()),
        Some("state") => Some(t(s.lang, "rounds.err_state").to_string()),
        _ => None,
    };
    let can_submit = s.may(prongsai_domain::Permission::SubmitRound);
    // What a submission would freeze now: how much of it the heads have not approved.
    let unapproved = if can_submit {
        rounds::live_report(&mut conn, s.org.id, fy, r)
            .await?
            .map_or(0, |live| live.total.projects - live.total.approved)
    } else {
        0
    };
    let page = RoundPage {
        base: s.base(),
        year: i64::from(fy.be()),
        round: r.code(),
        round_label: round_label(s.lang, r),
        edition: edition(v.as_ref()).label_th(),
        is_draft: v.is_none(),
        version_query: v
            .as_ref()
            .filter(|_| version.is_some())
            .map(|v| format!("?version={}", v.version))
            .unwrap_or_default(),
        versions: version_rows(&p, &versions, v.as_ref().map(|v| v.version)),
        rep: report_view(s.lang, &report),
        can_submit,
        unapproved,
        p,
    };
    html(&page)
}

#[derive(Deserialize, Default)]
pub struct SubmitForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    note: String,
}

/// `POST /{org}/staff/rounds/{year}/{round}/submit`: the clerk submits (version 1) or
/// corrects (version 2, 3 …, with a note saying what changed).
pub async fn submit(
    State(state): State<AppState>,
    s: Staff<need::SubmitRound>,
    Path((_, year, round)): Path<(String, String, String)>,
    Form(f): Form<SubmitForm>,
) -> Result<Response, Error> {
    csrf::check_session(s.csrf(), &f.csrf)?;
    let fy = parse_year(&year)?;
    let r = parse_round(&round)?;
    let mut conn = state.db.pool.acquire().await?;
    let here = format!("{}/rounds/{}/{}", s.base(), fy.be(), r.code());
    match rounds::submit(
        &mut conn,
        &state.keys.audit,
        s.org.id,
        fy,
        r,
        &f.note,
        &s.actor(),
    )
    .await
    {
        Ok(_) => Ok(see_other(&format!("{here}?ok=submitted"))),
        Err(StoreError::Invalid(msg)) if msg.contains("what was corrected") => {
            Ok(see_other(&format!("{here}?err=note")))
        }
        Err(StoreError::Invalid(_)) => Ok(see_other(&format!("{here}?err=state"))),
        Err(e) => Err(e.into()),
    }
}

/// Which download.
#[derive(Debug, Clone, Copy)]
pub enum Download {
    Xlsx,
    Pdf,
    EplanCsv,
    EplanXlsx,
}

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// The bytes, type and file name of a download.
pub fn render(
    kind: Download,
    v: Option<&RoundVersion>,
    report: &RoundReport,
) -> Result<(Vec<u8>, &'static str, String), Error> {
    let ed = edition(v);
    let base = format!(
        "{}-{}{}",
        report.fiscal_year.be(),
        report.round.code(),
        v.map(|v| format!("-v{}", v.version))
            .unwrap_or_else(|| "-draft".into())
    );
    let docs = |e: prongsai_docs::DocsError| Error::Internal(e.to_string());
    Ok(match kind {
        Download::Xlsx => (
            prongsai_docs::rounds::round_xlsx(report, &ed).map_err(docs)?,
            XLSX,
            format!("report-{base}.xlsx"),
        ),
        Download::Pdf => (
            prongsai_docs::rounds::round_pdf(report, &ed).map_err(docs)?,
            "application/pdf",
            format!("report-{base}.pdf"),
        ),
        Download::EplanCsv => (
            prongsai_docs::eplannacc::to_csv(report),
            "text/csv; charset=utf-8",
            format!("eplannacc-{base}.csv"),
        ),
        Download::EplanXlsx => (
            prongsai_docs::eplannacc::to_xlsx(report).map_err(docs)?,
            XLSX,
            format!("eplannacc-{base}.xlsx"),
        ),
    })
}

async fn staff_download(
    state: AppState,
    org_id: i64,
    year: String,
    round: String,
    q: VersionQuery,
    kind: Download,
) -> Result<Response, Error> {
    let fy = parse_year(&year)?;
    let r = parse_round(&round)?;
    let (v, report) = load(&state, org_id, fy, r, version_param(&q)?).await?;
    // PDF layout is CPU work: keep it off the async workers.
    let (bytes, ty, name) = tokio::task::spawn_blocking(move || render(kind, v.as_ref(), &report))
        .await
        .map_err(|e| Error::Internal(e.to_string()))??;
    Ok(download(bytes, ty, &name))
}

/// `GET …/report.xlsx`
pub async fn xlsx(
    State(state): State<AppState>,
    s: Staff<need::ViewProgress>,
    Path((_, year, round)): Path<(String, String, String)>,
    Query(q): Query<VersionQuery>,
) -> Result<Response, Error> {
    staff_download(state, s.org.id, year, round, q, Download::Xlsx).await
}

/// `GET …/report.pdf`
pub async fn pdf(
    State(state): State<AppState>,
    s: Staff<need::ViewProgress>,
    Path((_, year, round)): Path<(String, String, String)>,
    Query(q): Query<VersionQuery>,
) -> Result<Response, Error> {
    staff_download(state, s.org.id, year, round, q, Download::Pdf).await
}

/// `GET …/eplannacc.csv`
pub async fn eplannacc_csv(
    State(state): State<AppState>,
    s: Staff<need::ViewProgress>,
    Path((_, year, round)): Path<(String, String, String)>,
    Query(q): Query<VersionQuery>,
) -> Result<Response, Error> {
    staff_download(state, s.org.id, year, round, q, Download::EplanCsv).await
}

/// `GET …/eplannacc.xlsx`
pub async fn eplannacc_xlsx(
    State(state): State<AppState>,
    s: Staff<need::ViewProgress>,
    Path((_, year, round)): Path<(String, String, String)>,
    Query(q): Query<VersionQuery>,
) -> Result<Response, Error> {
    staff_download(state, s.org.id, year, round, q, Download::EplanXlsx).await
}
