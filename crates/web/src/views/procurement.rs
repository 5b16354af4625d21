//! Budget and procurement pages (plan projects 4, 10, 11, 12).
//!
//! Public, under `/{org}/procurement`: the year's spending and procurement plans and
//! procurement records, one record with its documents, the monthly summary in the
//! official form แบบ สขร.1 (page, CSV, JSON, XLSX, PDF) and the yearly analysis.
//!
//! Staff, under `/{org}/staff/procurement` (`ManageProcurement`): records and plan
//! lines, one record with its red flags (ours, and Cardinal's when an `ocdscardinal`
//! binary is installed) and conflict-of-interest matches, document uploads; spending
//! checks (`CheckSpending`); under `/{org}/staff/coi`: one's own declarations
//! (every staff member) and the matches for heads (`ReviewConflicts`).

use std::collections::BTreeMap;
use std::path::PathBuf;

use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use prongsai_domain::procurement::{self as dp, Method};
use prongsai_domain::{Permission, thai};
use prongsai_opendata::ocds;
use prongsai_store::StoreError;
use prongsai_store::procurement::{
    self as store, BidderInput, DeclarationInput, PlanItemInput, ProcurementInput,
    SpendingCheckInput,
};
use serde::Deserialize;

use crate::AppState;
use crate::error::{Error, see_other};
use crate::i18n::Lang;
use crate::middleware::csrf;
use crate::middleware::lang::ReqLang;
use crate::middleware::staff::{Staff, StaffCtx, need};
use crate::page::Page;
use crate::views::opendata::{self, Format, YearQuery};
use crate::views::public::public_org;
use crate::views::{Form, checked, html};

// ---- shared --------------------------------------------------------------------------------

fn money(s: i64) -> String {
    dp::format_baht(s)
}

fn omoney(s: Option<i64>) -> String {
    s.map(money).unwrap_or_else(|| "-".into())
}

fn method_label(lang: Lang, m: Method) -> &'static str {
    lang.pick(m.label_th(), m.label_en())
}

impl RecordPage {
    fn kind_label(&self, kind: &str) -> &'static str {
        doc_kind_label(self.p.lang, kind)
    }
}

impl StaffDetail {
    fn kind_label(&self, kind: &str) -> &'static str {
        doc_kind_label(self.p.lang, kind)
    }
}

/// An OCDS document type (`tenderNotice`, …) as a person reads it.
fn doc_kind_label(lang: Lang, kind: &str) -> &'static str {
    match kind {
        "tenderNotice" => crate::i18n::t(lang, "procurement.doc_tender_notice"),
        "biddingDocuments" => crate::i18n::t(lang, "procurement.doc_bidding_documents"),
        "awardNotice" => crate::i18n::t(lang, "procurement.doc_award_notice"),
        "contractSigned" => crate::i18n::t(lang, "procurement.doc_contract_signed"),
        _ => crate::i18n::t(lang, "procurement.doc_other"),
    }
}

/// The bid statuses the store accepts (OCDS `bidStatus` codes) with their labels.
const BID_STATUSES: &[(&str, &str)] = &[
    ("valid", "procurement.bid_valid"),
    ("disqualified", "procurement.bid_disqualified"),
    ("pending", "procurement.bid_pending"),
    ("withdrawn", "procurement.bid_withdrawn"),
];

/// A bid status as a person reads it; an unknown code is shown as a dash.
fn bid_status_label(lang: Lang, code: &str) -> &'static str {
    BID_STATUSES
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, k)| crate::i18n::t(lang, k))
        .unwrap_or("-")
}

/// A typed bid status: the code or its Thai or English label (any case).
fn bid_status_code(typed: &str) -> String {
    let typed = typed.trim();
    BID_STATUSES
        .iter()
        .find(|(c, k)| {
            c.eq_ignore_ascii_case(typed)
                || crate::i18n::t(Lang::Th, k) == typed
                || crate::i18n::t(Lang::En, k).eq_ignore_ascii_case(typed)
        })
        .map(|(c, _)| c.to_string())
        .unwrap_or_else(|| typed.to_string())
}

fn date_label(lang: Lang, iso: &str) -> String {
    match store::parse_iso(iso) {
        Some(d) => lang.date(d),
        None => "-".into(),
    }
}

fn month_label(lang: Lang, y: i32, m: u8) -> String {
    let d = time::Date::from_calendar_date(
        y,
        time::Month::try_from(m).unwrap_or(time::Month::January),
        1,
    )
    .unwrap_or(time::Date::MIN);
    let full = lang.date(d);
    // "1 มกราคม 2566" → "มกราคม 2566"
    full.split_once(' ')
        .map_or(full.clone(), |(_, rest)| rest.to_string())
}

fn current_fy() -> i64 {
    i64::from(prongsai_domain::FiscalYear::current().be())
}

/// One line of a list of procurements.
pub struct Row {
    pub id: i64,
    pub ref_no: String,
    pub subject: String,
    pub division: String,
    pub method: &'static str,
    pub budget: String,
    pub winner: String,
    pub agreed: String,
    pub awarded: String,
    pub flags: usize,
}

fn rows(
    lang: Lang,
    list: &[store::Procurement],
    names: &BTreeMap<i64, String>,
    flags: &[dp::Flag],
) -> Vec<Row> {
    list.iter()
        .map(|p| Row {
            id: p.id,
            ref_no: p.ref_no.clone(),
            subject: p.subject.clone(),
            division: p
                .division_id
                .and_then(|d| names.get(&d))
                .cloned()
                .unwrap_or_default(),
            method: method_label(lang, p.method),
            budget: money(p.budget),
            winner: p.winner().map(|b| b.name.clone()).unwrap_or_default(),
            agreed: omoney(
                p.contract_amount
                    .or_else(|| p.winner().and_then(|b| b.amount)),
            ),
            awarded: date_label(lang, &p.awarded_on),
            flags: flags.iter().filter(|f| f.procurement_id == p.id).count(),
        })
        .collect()
}

pub struct PlanRow {
    pub kind: String,
    pub seq: i64,
    pub subject: String,
    pub division: String,
    pub method: String,
    pub budget: String,
    pub month: String,
}

fn plan_rows(lang: Lang, items: &[store::PlanItem], names: &BTreeMap<i64, String>) -> Vec<PlanRow> {
    items
        .iter()
        .map(|i| PlanRow {
            kind: i.kind.clone(),
            seq: i.seq,
            subject: i.subject.clone(),
            division: i
                .division_id
                .and_then(|d| names.get(&d))
                .cloned()
                .unwrap_or_default(),
            method: Method::from_code(&i.method)
                .map(|m| method_label(lang, m).to_string())
                .unwrap_or_default(),
            budget: money(i.budget),
            month: if i.planned_month > 0 {
                month_label(lang, 2000, i.planned_month as u8)
                    .replace(" 2543", "")
                    .replace(" 2000", "")
            } else {
                "-".into()
            },
        })
        .collect()
}

// ---- public --------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "procurement_public.html")]
struct PublicIndex {
    p: Page,
    slug: String,
    year: i64,
    years: Vec<i64>,
    plans: Vec<PlanRow>,
    rows: Vec<Row>,
    months: Vec<(String, String)>,
}

/// `GET /{org}/procurement?year=`
pub async fn public_index(
    State(state): State<AppState>,
    Path(org): Path<String>,
    Query(q): Query<YearQuery>,
    ReqLang(lang): ReqLang,
) -> Result<Response, Error> {
    let o = public_org(&state, &org).await?;
    let mut conn = state.db.pool.acquire().await?;
    let years = store::fiscal_years(&mut conn, o.org.id).await?;
    let year = q
        .year()
        .or_else(|| years.first().copied())
        .unwrap_or_else(current_fy);
    let names = store::division_names(&mut conn, o.org.id).await?;
    let list = store::list(&mut conn, o.org.id, Some(year)).await?;
    let items = store::plan_items(&mut conn, o.org.id, year, None).await?;
    let months = store::summary_months(&mut conn, o.org.id)
        .await?
        .into_iter()
        .map(|(y, m)| (format!("{y:04}-{m:02}"), month_label(lang, y, m)))
        .collect();
    let mut p = Page::new(
        lang,
        &format!("/{org}/procurement"),
        "procurement.public_title",
    );
    p.org = Some(crate::page::OrgNav {
        slug: o.org.slug.clone(),
        name: lang.pick(&o.org.name_th, &o.org.name_en).to_string(),
    });
    html(&PublicIndex {
        rows: rows(lang, &list, &names, &[]),
        plans: plan_rows(lang, &items, &names),
        p,
        slug: o.org.slug.clone(),
        year,
        years,
        months,
    })
}

#[derive(Template)]
#[template(path = "procurement_record.html")]
struct RecordPage {
    p: Page,
    slug: String,
    r: store::Procurement,
    division: String,
    method: &'static str,
    budget: String,
    reference: String,
    agreed: String,
    bids: Vec<(String, String, String, bool)>,
    dates: Vec<(&'static str, String)>,
}

/// `GET /{org}/procurement/records/{id}`
pub async fn public_record(
    State(state): State<AppState>,
    Path((org, id)): Path<(String, i64)>,
    ReqLang(lang): ReqLang,
) -> Result<Response, Error> {
    let o = public_org(&state, &org).await?;
    let mut conn = state.db.pool.acquire().await?;
    let r = store::get(&mut conn, o.org.id, id)
        .await?
        .ok_or(Error::NotFound)?;
    let names = store::division_names(&mut conn, o.org.id).await?;
    let mut p = Page::new(
        lang,
        &format!("/{org}/procurement/records/{id}"),
        "procurement.record_title",
    );
    p.org = Some(crate::page::OrgNav {
        slug: o.org.slug.clone(),
        name: lang.pick(&o.org.name_th, &o.org.name_en).to_string(),
    });
    p.title = r.subject.clone();
    html(&RecordPage {
        p,
        slug: o.org.slug.clone(),
        division: r
            .division_id
            .and_then(|d| names.get(&d))
            .cloned()
            .unwrap_or_default(),
        method: method_label(lang, r.method),
        budget: money(r.budget),
        reference: omoney(r.reference_price),
        agreed: omoney(r.contract_amount),
        bids: r
            .bidders
            .iter()
            .map(|b| {
                (
                    b.name.clone(),
                    omoney(b.amount),
                    bid_status_label(lang, &b.status).to_string(),
                    Some(b.seq) == r.winner_seq,
                )
            })
            .collect(),
        dates: vec![
            (
                "procurement.announced_on",
                date_label(lang, &r.announced_on),
            ),
            (
                "procurement.tender_end_on",
                date_label(lang, &r.tender_end_on),
            ),
            ("procurement.awarded_on", date_label(lang, &r.awarded_on)),
            (
                "procurement.contract_date",
                date_label(lang, &r.contract_date),
            ),
        ],
        r,
    })
}

/// `GET /{org}/procurement/records/{id}/files/{file_id}`: a document, downloaded.
pub async fn public_file(
    State(state): State<AppState>,
    Path((org, id, file_id)): Path<(String, i64, i64)>,
) -> Result<Response, Error> {
    let o = public_org(&state, &org).await?;
    let mut conn = state.db.pool.acquire().await?;
    if !store::is_public_document(&mut conn, o.org.id, id, file_id).await? {
        return Err(Error::NotFound);
    }
    let f = prongsai_store::files::by_id(&mut conn, o.org.id, file_id)
        .await?
        .ok_or(Error::NotFound)?;
    let blobs = state.blobs.clone();
    let key = f.storage_key.clone();
    let bytes = tokio::task::spawn_blocking(move || blobs.get(&key))
        .await
        .map_err(|e| Error::Internal(e.to_string()))??;
    let mut r = bytes.into_response();
    if let Ok(v) = HeaderValue::from_str(&f.content_type) {
        r.headers_mut().insert(header::CONTENT_TYPE, v);
    }
    r.headers_mut().insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment"),
    );
    Ok(r)
}

#[derive(Deserialize, Default)]
pub struct FormatQuery {
    format: Option<String>,
    year: Option<String>,
}

#[derive(Template)]
#[template(path = "procurement_summary.html")]
struct SummaryPage {
    p: Page,
    slug: String,
    key: String,
    rows: Vec<Vec<String>>,
    total_budget: String,
    total_agreed: String,
}

/// The แบบ สขร.1 document (PDF/XLSX) for a month.
pub fn summary_doc(org_name: &str, s: &dp::MonthlySummary) -> prongsai_docs::ReportDoc {
    use prongsai_docs::{Cell, Column, ColumnKind, ReportDoc, ReportTable, Row as DocRow};
    let mut t = ReportTable::new(
        "",
        vec![
            Column::new("ลำดับ", ColumnKind::Text, 5.0),
            Column::new("งานที่จัดซื้อจัดจ้าง", ColumnKind::Text, 20.0),
            Column::new("วงเงินงบประมาณ\n(บาท)", ColumnKind::Baht, 11.0),
            Column::new("ราคากลาง\n(บาท)", ColumnKind::Baht, 11.0),
            Column::new("วิธีซื้อหรือจ้าง", ColumnKind::Text, 10.0),
            Column::new("รายชื่อผู้เสนอราคา\nและราคาที่เสนอ", ColumnKind::Text, 20.0),
            Column::new("ผู้ได้รับการคัดเลือก\nและราคาที่ตกลง", ColumnKind::Text, 16.0),
            Column::new("เหตุผลที่คัดเลือก\nโดยสังเขป", ColumnKind::Text, 14.0),
            Column::new("เลขที่และวันที่ของสัญญา\nหรือข้อตกลง", ColumnKind::Text, 14.0),
        ],
    );
    t.sheet_name = "สขร.1".into();
    for r in &s.rows {
        t.rows.push(DocRow::data([
            Cell::from(r.no.to_string()),
            Cell::from(r.subject.clone()),
            Cell::from(dp::satang_to_baht(r.budget)),
            r.reference_price
                .map_or(Cell::Empty, |v| Cell::from(dp::satang_to_baht(v))),
            Cell::from(r.method.label_th()),
            Cell::from(opendata::bidders_text(&r.bidders).replace("; ", "\n")),
            Cell::from(
                r.winner
                    .as_ref()
                    .map(|w| opendata::bidders_text(std::slice::from_ref(w)))
                    .unwrap_or_default(),
            ),
            Cell::from(r.reason.clone()),
            Cell::from(opendata::contract_text(&r.contract_no, r.contract_date)),
        ]));
    }
    t.totals = Some(prongsai_docs::report::Totals {
        label: "รวม".into(),
        label_column: 1,
    });
    let mut doc = ReportDoc::new("สรุปผลการดำเนินการจัดซื้อจัดจ้างในรอบเดือน (แบบ สขร.1)");
    doc.subtitle = vec![
        org_name.to_string(),
        format!("ประจำเดือน {}", month_label(Lang::Th, s.year, s.month)),
    ];
    doc.footer = Some(format!("{org_name} · แบบ สขร.1"));
    doc.tables.push(t);
    doc
}

fn parse_month(key: &str) -> Option<(i32, u8)> {
    let (y, m) = key.split_once('-')?;
    let y: i32 = y.parse().ok()?;
    let m: u8 = m.parse().ok()?;
    ((1..=12).contains(&m) && (1900..=2200).contains(&y)).then_some((y, m))
}

fn bytes_response(bytes: Vec<u8>, content_type: &'static str, filename: &str) -> Response {
    let mut r = bytes.into_response();
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{filename}\"")) {
        r.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    r
}

/// `GET /{org}/procurement/summary/{month}?format=html|csv|json|xlsx|pdf` (month `YYYY-MM`, C.E.).
pub async fn summary(
    State(state): State<AppState>,
    Path((org, month)): Path<(String, String)>,
    Query(q): Query<FormatQuery>,
    ReqLang(lang): ReqLang,
) -> Result<Response, Error> {
    let o = public_org(&state, &org).await?;
    let (y, m) = parse_month(&month).ok_or(Error::NotFound)?;
    let mut conn = state.db.pool.acquire().await?;
    let records = store::records(&mut conn, o.org.id, None).await?;
    let s = dp::monthly_summary(&records, y, m);
    let stem = format!("sor-kor-ror-1-{month}");
    match q.format.as_deref().unwrap_or("html") {
        "csv" => Ok(opendata::table_response(
            &opendata::summary_table(&s),
            Format::Csv,
            &stem,
        )),
        "json" => Ok(opendata::table_response(
            &opendata::summary_table(&s),
            Format::Json,
            &stem,
        )),
        "pdf" => {
            let doc = summary_doc(&o.org.name_th, &s);
            let bytes = prongsai_docs::to_pdf(&doc).map_err(|e| Error::Internal(e.to_string()))?;
            Ok(bytes_response(
                bytes,
                "application/pdf",
                &format!("{stem}.pdf"),
            ))
        }
        "xlsx" => {
            let doc = summary_doc(&o.org.name_th, &s);
            let bytes = prongsai_docs::to_xlsx(&doc).map_err(|e| Error::Internal(e.to_string()))?;
            Ok(bytes_response(
                bytes,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                &format!("{stem}.xlsx"),
            ))
        }
        "html" => {
            let mut p = Page::new(
                lang,
                &format!("/{org}/procurement/summary/{month}"),
                "procurement.summary_title",
            );
            p.org = Some(crate::page::OrgNav {
                slug: o.org.slug.clone(),
                name: lang.pick(&o.org.name_th, &o.org.name_en).to_string(),
            });
            p.title = format!("{} — {}", p.title, month_label(lang, y, m));
            let t = opendata::summary_table(&s);
            html(&SummaryPage {
                p,
                slug: o.org.slug.clone(),
                key: month,
                rows: t
                    .rows
                    .iter()
                    .map(|r| {
                        r.iter()
                            .enumerate()
                            .map(|(i, v)| match v {
                                serde_json::Value::String(s) => s.clone(),
                                serde_json::Value::Null => "-".into(),
                                n if i == 2 || i == 3 => n
                                    .as_f64()
                                    .map(|f| money((f * 100.0).round() as i64))
                                    .unwrap_or_default(),
                                other => other.to_string(),
                            })
                            .collect()
                    })
                    .collect(),
                total_budget: money(s.total_budget),
                total_agreed: money(s.total_agreed),
            })
        }
        _ => Err(Error::NotFound),
    }
}

#[derive(Template)]
#[template(path = "procurement_analysis.html")]
struct AnalysisPage {
    p: Page,
    slug: String,
    year: i64,
    a: dp::Analysis,
    methods: Vec<(String, usize, String, String, String)>,
    divisions: Vec<(String, usize, String, String, String)>,
    suppliers: Vec<(String, usize, String, String)>,
    top_share: String,
    splits: Vec<(String, String, String)>,
    single: Vec<String>,
}

fn pct(bp: i64) -> String {
    format!("{}.{:02} %", bp / 100, bp % 100)
}

/// `GET /{org}/procurement/analysis?year=&format=json`: the yearly analysis (project 10).
pub async fn analysis(
    State(state): State<AppState>,
    Path(org): Path<String>,
    Query(q): Query<FormatQuery>,
    ReqLang(lang): ReqLang,
) -> Result<Response, Error> {
    let o = public_org(&state, &org).await?;
    let mut conn = state.db.pool.acquire().await?;
    let years = store::fiscal_years(&mut conn, o.org.id).await?;
    let yq = YearQuery {
        year: q.year.clone(),
    };
    let year = yq
        .year()
        .or_else(|| years.first().copied())
        .unwrap_or_else(current_fy);
    let records = store::records(&mut conn, o.org.id, Some(year)).await?;
    let a = dp::analyse(&records, &dp::AnalysisConfig::default());
    if q.format.as_deref() == Some("json") {
        let v = serde_json::json!({"fiscal_year": year, "currency": "THB", "amounts_in": "satang", "analysis": a});
        return Ok(opendata::json_text(v.to_string()));
    }
    let by_id: BTreeMap<i64, &dp::Record> = records.iter().map(|r| (r.id, r)).collect();
    let group = |g: &dp::GroupTotals, label: String| {
        (
            label,
            g.count,
            money(g.budget),
            money(g.agreed),
            money(g.saving),
        )
    };
    let mut p = Page::new(
        lang,
        &format!("/{org}/procurement/analysis"),
        "procurement.analysis_title",
    );
    p.org = Some(crate::page::OrgNav {
        slug: o.org.slug.clone(),
        name: lang.pick(&o.org.name_th, &o.org.name_en).to_string(),
    });
    html(&AnalysisPage {
        methods: a
            .by_method
            .iter()
            .map(|g| {
                group(
                    g,
                    Method::from_code(&g.key)
                        .map(|m| method_label(lang, m).to_string())
                        .unwrap_or_default(),
                )
            })
            .collect(),
        divisions: a
            .by_division
            .iter()
            .map(|g| group(g, g.key.clone()))
            .collect(),
        suppliers: a
            .suppliers
            .iter()
            .map(|s| (s.name.clone(), s.awards, money(s.value), pct(s.share_bp)))
            .collect(),
        top_share: pct(a.top_share_bp),
        splits: a
            .splits
            .iter()
            .map(|s| {
                let subjects: Vec<String> = s
                    .procurement_ids
                    .iter()
                    .filter_map(|i| by_id.get(i))
                    .map(|r| r.subject.clone())
                    .collect();
                (
                    subjects.join("; "),
                    money(s.total),
                    format!(
                        "{} – {}",
                        date_label(lang, &s.first.to_string()),
                        date_label(lang, &s.last.to_string())
                    ),
                )
            })
            .collect(),
        single: a
            .single_bidder
            .iter()
            .filter_map(|i| by_id.get(i))
            .map(|r| r.subject.clone())
            .collect(),
        p,
        slug: o.org.slug.clone(),
        year,
        a,
    })
}

// ---- staff: records ------------------------------------------------------------------

type Officer = Staff<need::ManageProcurement>;

#[derive(Template)]
#[template(path = "staff/procurement.html")]
struct StaffList {
    p: Page,
    base: String,
    year: i64,
    /// Other fiscal years with records, to move between.
    years: Vec<i64>,
    rows: Vec<Row>,
    plans: Vec<PlanRow>,
    divisions: Vec<(i64, String)>,
    methods: Vec<(&'static str, &'static str)>,
    members: Vec<(String, String)>,
    may_check: bool,
    may_review: bool,
}

#[derive(Deserialize, Default)]
pub struct FlashQuery {
    m: Option<String>,
    year: Option<String>,
}

async fn staff_list_page(
    state: &AppState,
    s: &StaffCtx,
    year: Option<i64>,
    alert: Option<String>,
    notice: Option<&'static str>,
) -> Result<Response, Error> {
    let mut conn = state.db.pool.acquire().await?;
    let year = year.unwrap_or_else(current_fy);
    let names = store::division_names(&mut conn, s.org.id).await?;
    let list = store::list(&mut conn, s.org.id, Some(year)).await?;
    let records = store::records(&mut conn, s.org.id, Some(year)).await?;
    let years: Vec<i64> = store::fiscal_years(&mut conn, s.org.id)
        .await?
        .into_iter()
        .filter(|y| *y != year)
        .collect();
    let flags = dp::red_flags(&records, &dp::AnalysisConfig::default());
    let items = store::plan_items(&mut conn, s.org.id, year, None).await?;
    let members = prongsai_store::users::members(&mut conn, s.org.id)
        .await?
        .into_iter()
        .filter(|m| m.membership.role.is_staff())
        .map(|m| (m.user.username, m.user.display_name))
        .collect();
    let mut p = s.page("procurement.staff_title", "procurement");
    p.alert = alert;
    p.notice = notice.map(|k| p.t(k).to_string());
    html(&StaffList {
        base: format!("{}/procurement", s.base()),
        year,
        years,
        rows: rows(s.lang, &list, &names, &flags),
        plans: plan_rows(s.lang, &items, &names),
        divisions: names.into_iter().collect(),
        methods: Method::ALL
            .iter()
            .map(|m| (m.code(), method_label(s.lang, *m)))
            .collect(),
        members,
        may_check: s.may(Permission::CheckSpending),
        may_review: s.may(Permission::ReviewConflicts),
        p,
    })
}

/// `GET /{org}/staff/procurement`
pub async fn staff_list(
    State(state): State<AppState>,
    s: Officer,
    Query(q): Query<FlashQuery>,
) -> Result<Response, Error> {
    let year = YearQuery { year: q.year }.year();
    let notice = match q.m.as_deref() {
        Some("created") => Some(crate::key!("procurement.flash_created")),
        Some("conflict") => Some(crate::key!("procurement.flash_conflict")),
        Some("plan") => Some(crate::key!("procurement.flash_plan")),
        _ => None,
    };
    staff_list_page(&state, &s, year, None, notice).await
}

fn store_alert(lang: Lang, e: StoreError) -> Result<String, Error> {
    match e {
        StoreError::Invalid(_) | StoreError::Conflict(_) => Ok(match lang {
            Lang::Th => e.message_th(),
            Lang::En => e.to_string(),
        }),
        other => Err(other.into()),
    }
}

fn money_field(s: &str) -> Result<Option<i64>, String> {
    if s.trim().is_empty() {
        Ok(None)
    } else {
        dp::parse_baht(s).map(Some).ok_or_else(|| format!("{s:?}"))
    }
}

#[derive(Deserialize, Default)]
pub struct NewProcurement {
    csrf: String,
    ref_no: String,
    fiscal_year: String,
    subject: String,
    #[serde(default)]
    description: String,
    division_id: Option<String>,
    method: String,
    #[serde(default)]
    category: String,
    budget: String,
    #[serde(default)]
    reference_price: String,
    /// One bidder per line: `name | tax id | bid | status`.
    #[serde(default)]
    bidders: String,
    /// 1-based line of the winner, empty for none.
    #[serde(default)]
    winner: String,
    #[serde(default)]
    contract_amount: String,
    #[serde(default)]
    contract_no: String,
    #[serde(default)]
    selection_reason: String,
    #[serde(default)]
    announced_on: String,
    #[serde(default)]
    tender_end_on: String,
    #[serde(default)]
    awarded_on: String,
    #[serde(default)]
    contract_date: String,
    #[serde(default)]
    project_no: String,
    /// One per line: `username | duty`.
    #[serde(default)]
    staff: String,
}

async fn to_input(
    state: &AppState,
    s: &StaffCtx,
    f: &NewProcurement,
) -> Result<Result<ProcurementInput, String>, Error> {
    let bad = |what: &str| {
        Ok(Err(format!(
            "{}: {what}",
            s.lang.pick("ข้อมูลไม่ถูกต้อง", "Invalid")
        )))
    };
    let Ok(fiscal_year) = thai::parse_int(&f.fiscal_year) else {
        return bad("fiscal_year");
    };
    let Ok(Some(budget)) = money_field(&f.budget) else {
        return bad("budget");
    };
    let Ok(reference_price) = money_field(&f.reference_price) else {
        return bad("reference_price");
    };
    let Ok(contract_amount) = money_field(&f.contract_amount) else {
        return bad("contract_amount");
    };
    let mut bidders = Vec::new();
    for line in f.bidders.lines().filter(|l| !l.trim().is_empty()) {
        let parts: Vec<&str> = line.split('|').map(str::trim).collect();
        let Ok(amount) = money_field(parts.get(2).copied().unwrap_or("")) else {
            return bad("bidders");
        };
        bidders.push(BidderInput {
            name: parts[0].to_string(),
            tax_id: parts.get(1).copied().unwrap_or("").to_string(),
            amount,
            status: bid_status_code(parts.get(3).copied().unwrap_or("")),
        });
    }
    let winner = match f.winner.trim() {
        "" => None,
        w => match thai::parse_int(w) {
            Ok(n) if n >= 1 => Some((n - 1) as usize),
            _ => return bad("winner"),
        },
    };
    let mut conn = state.db.pool.acquire().await?;
    let mut staff = Vec::new();
    for line in f.staff.lines().filter(|l| !l.trim().is_empty()) {
        let (u, duty) = line.split_once('|').unwrap_or((line, ""));
        match prongsai_store::users::by_username(&mut conn, u.trim()).await? {
            Some(user) => staff.push((user.id, duty.trim().to_string())),
            None => return bad(&format!("staff {:?}", u.trim())),
        }
    }
    let project_key = match f.project_no.trim() {
        "" => None,
        n => {
            let Ok(no) = thai::parse_int(n) else {
                return bad("project_no");
            };
            let mut key = None;
            if let Some(v) = prongsai_store::plans::current(&mut conn, s.org.id).await? {
                key = prongsai_store::plans::projects(&mut conn, s.org.id, v.id)
                    .await?
                    .into_iter()
                    .find(|p| p.no == no)
                    .map(|p| p.project_key);
            }
            if key.is_none() {
                return bad("project_no");
            }
            key
        }
    };
    Ok(Ok(ProcurementInput {
        ref_no: f.ref_no.clone(),
        fiscal_year,
        subject: f.subject.clone(),
        description: f.description.clone(),
        division_id: f.division_id.as_deref().and_then(|d| d.parse().ok()),
        method: f.method.clone(),
        category: f.category.clone(),
        budget,
        reference_price,
        bidders,
        winner,
        contract_amount,
        contract_no: f.contract_no.clone(),
        selection_reason: f.selection_reason.clone(),
        announced_on: f.announced_on.clone(),
        tender_end_on: f.tender_end_on.clone(),
        awarded_on: f.awarded_on.clone(),
        contract_date: f.contract_date.clone(),
        project_key,
        staff,
        ..ProcurementInput::default()
    }))
}

/// `POST /{org}/staff/procurement`: records a procurement and checks it for conflicts.
pub async fn staff_create(
    State(state): State<AppState>,
    s: Officer,
    Form(f): Form<NewProcurement>,
) -> Result<Response, Error> {
    csrf::check_session(s.csrf(), &f.csrf)?;
    let input = match to_input(&state, &s, &f).await? {
        Ok(i) => i,
        Err(msg) => return staff_list_page(&state, &s, None, Some(msg), None).await,
    };
    let mut conn = state.db.pool.acquire().await?;
    match store::create(
        &mut conn,
        &state.keys.audit,
        &state.keys.reports,
        s.org.id,
        &input,
        &s.actor(),
    )
    .await
    {
        Ok((p, flags)) => {
            let m = if flags.is_empty() {
                "created"
            } else {
                "conflict"
            };
            Ok(see_other(&format!(
                "{}/procurement/{}?m={m}",
                s.base(),
                p.id
            )))
        }
        Err(e) => {
            let msg = store_alert(s.lang, e)?;
            staff_list_page(&state, &s, Some(input.fiscal_year), Some(msg), None).await
        }
    }
}

#[derive(Deserialize)]
pub struct NewPlanItem {
    csrf: String,
    fiscal_year: String,
    kind: String,
    subject: String,
    division_id: Option<String>,
    #[serde(default)]
    method: String,
    budget: String,
    #[serde(default)]
    planned_month: String,
}

/// `POST /{org}/staff/procurement/plan`: a line of the spending or procurement plan.
pub async fn staff_add_plan(
    State(state): State<AppState>,
    s: Officer,
    Form(f): Form<NewPlanItem>,
) -> Result<Response, Error> {
    csrf::check_session(s.csrf(), &f.csrf)?;
    let (Ok(fy), Ok(Some(budget))) = (thai::parse_int(&f.fiscal_year), money_field(&f.budget))
    else {
        return staff_list_page(
            &state,
            &s,
            None,
            Some(s.lang.pick("ข้อมูลไม่ถูกต้อง", "Invalid").into()),
            None,
        )
        .await;
    };
    let input = PlanItemInput {
        fiscal_year: fy,
        kind: f.kind.clone(),
        subject: f.subject.clone(),
        division_id: f.division_id.as_deref().and_then(|d| d.parse().ok()),
        method: f.method.clone(),
        budget,
        planned_month: thai::parse_int(&f.planned_month).unwrap_or(0),
        project_key: None,
    };
    let mut conn = state.db.pool.acquire().await?;
    match store::add_plan_item(&mut conn, &state.keys.audit, s.org.id, &input, &s.actor()).await {
        Ok(_) => Ok(see_other(&format!(
            "{}/procurement?year={fy}&m=plan",
            s.base()
        ))),
        Err(e) => {
            let msg = store_alert(s.lang, e)?;
            staff_list_page(&state, &s, Some(fy), Some(msg), None).await
        }
    }
}

#[derive(Template)]
#[template(path = "staff/procurement_detail.html")]
struct StaffDetail {
    p: Page,
    base: String,
    slug: String,
    r: store::Procurement,
    method: &'static str,
    budget: String,
    reference: String,
    agreed: String,
    bids: Vec<(String, String, String, String, bool)>,
    red_flags: Vec<(String, String, String)>,
    cardinal_ran: bool,
    conflicts: Vec<store::CoiFlag>,
    /// (OCDS documentType code, label).
    kinds: Vec<(&'static str, &'static str)>,
}

/// Where the Cardinal binary is: `OCDSCARDINAL`, else `ocdscardinal` on `PATH`.
pub fn cardinal_binary() -> Option<PathBuf> {
    std::env::var_os("OCDSCARDINAL")
        .map(PathBuf::from)
        .filter(|p| p.is_file())
        .or_else(|| {
            std::env::var_os("PATH").and_then(|p| {
                std::env::split_paths(&p)
                    .map(|d| d.join("ocdscardinal"))
                    .find(|c| c.is_file())
            })
        })
}

/// Runs Cardinal's `prepare` and `indicators` on compiled releases (JSON lines) and
/// parses its flags; `None` when the binary is absent or fails.
pub fn run_cardinal(bin: &std::path::Path, jsonl: &str) -> Option<Vec<ocds::RedFlag>> {
    use std::process::Command;
    let dir = std::env::temp_dir().join(format!(
        "prongsai-cardinal-{}",
        prongsai_store::files::new_key(0).replace('/', "-")
    ));
    std::fs::create_dir_all(&dir).ok()?;
    let run = || -> Option<Vec<ocds::RedFlag>> {
        let settings = dir.join("settings.ini");
        std::fs::write(&settings, "currency = THB\n\n[defaults]\nbid_status = valid\n\n[R018]\n[R024]\n[R025]\n[R035]\n[R036]\n[R038]\n").ok()?;
        let input = dir.join("input.jsonl");
        std::fs::write(&input, jsonl).ok()?;
        let prepared = Command::new(bin)
            .args(["prepare", "--settings"])
            .arg(&settings)
            .arg(&input)
            .output()
            .ok()?;
        if !prepared.status.success() {
            return None;
        }
        let prepared_path = dir.join("prepared.jsonl");
        std::fs::write(&prepared_path, &prepared.stdout).ok()?;
        let ind = Command::new(bin)
            .args(["indicators", "--settings"])
            .arg(&settings)
            .arg(&prepared_path)
            .output()
            .ok()?;
        if !ind.status.success() {
            return None;
        }
        ocds::red_flags_from_cardinal_output(&String::from_utf8_lossy(&ind.stdout)).ok()
    };
    let out = run();
    let _ = std::fs::remove_dir_all(&dir);
    out
}

fn flag_title(lang: Lang, code: &str) -> String {
    dp::own_indicator_title(code)
        .or_else(|| ocds::indicator_title(code))
        .map(|(en, th)| lang.pick(th, en).to_string())
        .unwrap_or_else(|| code.to_string())
}

async fn detail_page(
    state: &AppState,
    s: &StaffCtx,
    id: i64,
    notice: Option<&'static str>,
    alert: Option<String>,
    headers: &HeaderMap,
) -> Result<Response, Error> {
    let mut conn = state.db.pool.acquire().await?;
    let r = store::get(&mut conn, s.org.id, id)
        .await?
        .ok_or(Error::NotFound)?;
    let records = store::records(&mut conn, s.org.id, Some(r.fiscal_year)).await?;
    let mut red: Vec<(String, String, String)> =
        dp::red_flags(&records, &dp::AnalysisConfig::default())
            .into_iter()
            .filter(|f| f.procurement_id == id)
            .map(|f| {
                (
                    f.code.clone(),
                    flag_title(s.lang, &f.code),
                    crate::i18n::t(s.lang, "app.name").to_string(),
                )
            })
            .collect();
    let mut cardinal_ran = false;
    if let Some(bin) = cardinal_binary() {
        let base = opendata::base_url(state, headers);
        let cfg = opendata::ocds_config(state, &base);
        let all = opendata::ocds_procurements(&mut conn, &s.org, &base).await?;
        if let Ok(jsonl) = ocds::compiled_releases_jsonl(&cfg, &all)
            && let Some(target) = all.iter().find(|p| p.id == r.ref_no)
        {
            let ocid = ocds::ocid(&cfg, target);
            if let Ok(Some(flags)) =
                tokio::task::spawn_blocking(move || run_cardinal(&bin, &jsonl)).await
            {
                cardinal_ran = true;
                for f in ocds::flags_for_ocid(&flags, &ocid) {
                    red.push((
                        f.code.clone(),
                        flag_title(s.lang, &f.code),
                        "OCP Cardinal".into(),
                    ));
                }
            }
        }
    }
    let conflicts = store::flags_for_procurement(&mut conn, s.org.id, id).await?;
    let mut p = s.page("procurement.staff_title", "procurement");
    p.title = r.subject.clone();
    p.notice = notice.map(|k| p.t(k).to_string());
    p.alert = alert;
    html(&StaffDetail {
        base: format!("{}/procurement", s.base()),
        slug: s.org.slug.clone(),
        method: method_label(s.lang, r.method),
        budget: money(r.budget),
        reference: omoney(r.reference_price),
        agreed: omoney(r.contract_amount),
        bids: r
            .bidders
            .iter()
            .map(|b| {
                (
                    b.name.clone(),
                    b.tax_id.clone(),
                    omoney(b.amount),
                    bid_status_label(s.lang, &b.status).to_string(),
                    Some(b.seq) == r.winner_seq,
                )
            })
            .collect(),
        red_flags: red,
        cardinal_ran,
        conflicts,
        kinds: store::DOCUMENT_KINDS
            .iter()
            .map(|k| (*k, doc_kind_label(s.lang, k)))
            .collect(),
        p,
        r,
    })
}

/// `GET /{org}/staff/procurement/{id}`
pub async fn staff_detail(
    State(state): State<AppState>,
    s: Officer,
    Path((_org, id)): Path<(String, i64)>,
    Query(q): Query<FlashQuery>,
    headers: HeaderMap,
) -> Result<Response, Error> {
    let notice = match q.m.as_deref() {
        Some("created") => Some(crate::key!("procurement.flash_created")),
        Some("conflict") => Some(crate::key!("procurement.flash_conflict")),
        Some("document") => Some(crate::key!("procurement.flash_document")),
        _ => None,
    };
    detail_page(&state, &s, id, notice, None, &headers).await
}

/// `POST /{org}/staff/procurement/{id}/documents` (multipart: csrf, kind, title, file):
/// a media-checked PDF or image.
pub async fn staff_upload(
    State(state): State<AppState>,
    s: Officer,
    Path((_org, id)): Path<(String, i64)>,
    headers: HeaderMap,
    mp: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, Error> {
    // A form that did not come as multipart changes nothing: back to the page.
    let Ok(mut mp) = mp else {
        return Ok(see_other(&format!("{}/procurement/{id}", s.base())));
    };
    let bad = || Error::BadRequest(crate::key!("error.bad_request"));
    let (mut csrf_v, mut kind, mut title, mut file) =
        (String::new(), String::new(), String::new(), None);
    while let Some(field) = mp.next_field().await.map_err(|_| bad())? {
        let name = field.name().unwrap_or_default().to_string();
        let fname = field.file_name().map(str::to_string);
        match name.as_str() {
            "file" => {
                let b = field.bytes().await.map_err(|_| bad())?;
                if !b.is_empty() {
                    file = Some((fname.unwrap_or_else(|| "document".into()), b.to_vec()));
                }
            }
            "csrf" => csrf_v = field.text().await.map_err(|_| bad())?,
            "kind" => kind = field.text().await.map_err(|_| bad())?,
            "title" => title = field.text().await.map_err(|_| bad())?,
            _ => {}
        }
    }
    csrf::check_session(s.csrf(), &csrf_v)?;
    let Some((name, bytes)) = file else {
        return detail_page(
            &state,
            &s,
            id,
            None,
            Some(s.lang.pick("กรุณาเลือกไฟล์", "Choose a file").into()),
            &headers,
        )
        .await;
    };
    let media = match prongsai_media::check(&bytes, prongsai_media::Limits::default()) {
        Ok(m) => m,
        Err(e) => {
            return detail_page(
                &state,
                &s,
                id,
                None,
                Some(match s.lang {
                    Lang::Th => e.message_th(),
                    Lang::En => e.to_string(),
                }),
                &headers,
            )
            .await;
        }
    };
    let bytes = if media.is_image() {
        prongsai_media::strip_metadata(&bytes).map_err(|e| Error::Internal(e.to_string()))?
    } else {
        bytes
    };
    let mut conn = state.db.pool.acquire().await?;
    store::get(&mut conn, s.org.id, id)
        .await?
        .ok_or(Error::NotFound)?;
    let meta = prongsai_store::files::upload(
        &mut conn,
        state.blobs.as_ref(),
        s.org.id,
        &name,
        media.mime(),
        &bytes,
        Some(s.user.id),
    )
    .await?;
    match store::add_document(
        &mut conn,
        &state.keys.audit,
        s.org.id,
        id,
        meta.id,
        &kind,
        &title,
        &s.actor(),
    )
    .await
    {
        Ok(()) => Ok(see_other(&format!(
            "{}/procurement/{id}?m=document",
            s.base()
        ))),
        Err(e) => {
            let msg = store_alert(s.lang, e)?;
            detail_page(&state, &s, id, None, Some(msg), &headers).await
        }
    }
}

// ---- staff: spending checks -------------------------------------------------------------

#[derive(Template)]
#[template(path = "staff/spending_checks.html")]
struct ChecksPage {
    p: Page,
    base: String,
    year: i64,
    checks: Vec<(store::SpendingCheck, String, String)>,
}

async fn checks_page(
    state: &AppState,
    s: &StaffCtx,
    year: Option<i64>,
    alert: Option<String>,
) -> Result<Response, Error> {
    let year = year.unwrap_or_else(current_fy);
    let mut conn = state.db.pool.acquire().await?;
    let checks = store::spending_checks(&mut conn, s.org.id, year)
        .await?
        .into_iter()
        .map(|c| {
            let amount = money(c.amount);
            let paid = date_label(s.lang, &c.paid_on);
            (c, amount, paid)
        })
        .collect();
    let mut p = s.page("procurement.checks_title", "procurement/checks");
    p.alert = alert;
    html(&ChecksPage {
        p,
        base: format!("{}/procurement", s.base()),
        year,
        checks,
    })
}

/// `GET /{org}/staff/procurement/checks`
pub async fn staff_checks(
    State(state): State<AppState>,
    s: Staff<need::CheckSpending>,
    Query(q): Query<FlashQuery>,
) -> Result<Response, Error> {
    checks_page(&state, &s, YearQuery { year: q.year }.year(), None).await
}

#[derive(Deserialize)]
pub struct NewCheck {
    csrf: String,
    fiscal_year: String,
    #[serde(default)]
    procurement_ref: String,
    disbursement_ref: String,
    #[serde(default)]
    paid_on: String,
    amount: String,
    lawful: Option<String>,
    on_purpose: Option<String>,
    worth_it: Option<String>,
    efficient: Option<String>,
    #[serde(default)]
    notes: String,
}

/// `POST /{org}/staff/procurement/checks`
pub async fn staff_add_check(
    State(state): State<AppState>,
    s: Staff<need::CheckSpending>,
    Form(f): Form<NewCheck>,
) -> Result<Response, Error> {
    csrf::check_session(s.csrf(), &f.csrf)?;
    let (Ok(fy), Ok(Some(amount))) = (thai::parse_int(&f.fiscal_year), money_field(&f.amount))
    else {
        return checks_page(
            &state,
            &s,
            None,
            Some(s.lang.pick("ข้อมูลไม่ถูกต้อง", "Invalid").into()),
        )
        .await;
    };
    let mut conn = state.db.pool.acquire().await?;
    let procurement_id = if f.procurement_ref.trim().is_empty() {
        None
    } else {
        store::list(&mut conn, s.org.id, None)
            .await?
            .into_iter()
            .find(|p| p.ref_no == f.procurement_ref.trim())
            .map(|p| p.id)
    };
    let input = SpendingCheckInput {
        fiscal_year: fy,
        procurement_id,
        disbursement_ref: f.disbursement_ref.clone(),
        paid_on: f.paid_on.clone(),
        amount,
        lawful: checked(&f.lawful),
        on_purpose: checked(&f.on_purpose),
        worth_it: checked(&f.worth_it),
        efficient: checked(&f.efficient),
        notes: f.notes.clone(),
    };
    match store::add_spending_check(&mut conn, &state.keys.audit, s.org.id, &input, &s.actor())
        .await
    {
        Ok(_) => Ok(see_other(&format!(
            "{}/procurement/checks?year={fy}",
            s.base()
        ))),
        Err(e) => {
            let msg = store_alert(s.lang, e)?;
            checks_page(&state, &s, Some(fy), Some(msg)).await
        }
    }
}

// ---- staff: conflicts of interest -------------------------------------------------------

#[derive(Template)]
#[template(path = "staff/coi.html")]
struct CoiPage {
    p: Page,
    base: String,
    declarations: Vec<store::Declaration>,
    may_review: bool,
}

async fn coi_page(
    state: &AppState,
    s: &StaffCtx,
    alert: Option<String>,
) -> Result<Response, Error> {
    let mut conn = state.db.pool.acquire().await?;
    let declarations = store::declarations_of(&mut conn, s.org.id, s.user.id).await?;
    let mut p = s.page("coi.title", "coi");
    p.alert = alert;
    html(&CoiPage {
        p,
        base: format!("{}/coi", s.base()),
        declarations,
        may_review: s.may(Permission::ReviewConflicts),
    })
}

/// `GET /{org}/staff/coi`: one's own declarations.
pub async fn coi(
    State(state): State<AppState>,
    s: Staff<need::StaffArea>,
) -> Result<Response, Error> {
    coi_page(&state, &s, None).await
}

#[derive(Deserialize)]
pub struct NewDeclaration {
    csrf: String,
    kind: String,
    name: String,
    #[serde(default)]
    relation: String,
    #[serde(default)]
    id_number: String,
}

/// `POST /{org}/staff/coi`
pub async fn coi_declare(
    State(state): State<AppState>,
    s: Staff<need::StaffArea>,
    Form(f): Form<NewDeclaration>,
) -> Result<Response, Error> {
    csrf::check_session(s.csrf(), &f.csrf)?;
    let mut conn = state.db.pool.acquire().await?;
    let input = DeclarationInput {
        kind: f.kind,
        name: f.name,
        relation: f.relation,
        id_number: f.id_number,
    };
    match store::declare(
        &mut conn,
        &state.keys.audit,
        &state.keys.reports,
        s.org.id,
        s.user.id,
        &input,
        &s.actor(),
    )
    .await
    {
        Ok(_) => Ok(see_other(&format!("{}/coi", s.base()))),
        Err(e) => {
            let msg = store_alert(s.lang, e)?;
            coi_page(&state, &s, Some(msg)).await
        }
    }
}

#[derive(Deserialize)]
pub struct CsrfOnly {
    csrf: String,
}

/// `POST /{org}/staff/coi/{declaration_id}/remove`
pub async fn coi_remove(
    State(state): State<AppState>,
    s: Staff<need::StaffArea>,
    Path((_org, id)): Path<(String, i64)>,
    Form(f): Form<CsrfOnly>,
) -> Result<Response, Error> {
    csrf::check_session(s.csrf(), &f.csrf)?;
    let mut conn = state.db.pool.acquire().await?;
    // Only one's own declarations can be removed; one already gone is not an error.
    match store::remove_declaration(
        &mut conn,
        &state.keys.audit,
        s.org.id,
        s.user.id,
        id,
        &s.actor(),
    )
    .await
    {
        Ok(()) | Err(StoreError::NotFound(_)) => Ok(see_other(&format!("{}/coi", s.base()))),
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "staff/coi_flags.html")]
struct FlagsPage {
    p: Page,
    base: String,
    flags: Vec<(store::CoiFlag, String)>,
}

async fn flags_page(
    state: &AppState,
    s: &StaffCtx,
    alert: Option<String>,
) -> Result<Response, Error> {
    let mut conn = state.db.pool.acquire().await?;
    // Division heads see their division's procurements; the clerk and audit see all.
    let division = if s.role() == prongsai_domain::Role::DivisionHead {
        s.membership.division_id.or(Some(-1))
    } else {
        None
    };
    let flags = store::flags(&mut conn, s.org.id, division)
        .await?
        .into_iter()
        .map(|f| {
            let kind = match f.match_kind {
                dp::MatchKind::TaxId => s.lang.pick("เลขประจำตัวผู้เสียภาษีตรงกัน", "Same tax id"),
                dp::MatchKind::Name => s.lang.pick("ชื่อตรงกัน", "Same name"),
                dp::MatchKind::NameContains => s.lang.pick("ชื่อคล้ายกัน", "Similar name"),
            };
            (f, kind.to_string())
        })
        .collect();
    let mut p = s.page("coi.flags_title", "coi/flags");
    p.alert = alert;
    html(&FlagsPage {
        p,
        base: format!("{}/coi/flags", s.base()),
        flags,
    })
}

/// `GET /{org}/staff/coi/flags`: the matches, for heads, the clerk and audit.
pub async fn coi_flags(
    State(state): State<AppState>,
    s: Staff<need::ReviewConflicts>,
) -> Result<Response, Error> {
    flags_page(&state, &s, None).await
}

#[derive(Deserialize)]
pub struct Resolve {
    csrf: String,
    status: String,
    #[serde(default)]
    note: String,
}

/// `POST /{org}/staff/coi/flags/{flag_id}`: clear or confirm a match.
pub async fn coi_resolve(
    State(state): State<AppState>,
    s: Staff<need::ReviewConflicts>,
    Path((_org, id)): Path<(String, i64)>,
    Form(f): Form<Resolve>,
) -> Result<Response, Error> {
    csrf::check_session(s.csrf(), &f.csrf)?;
    let mut conn = state.db.pool.acquire().await?;
    match store::resolve_flag(
        &mut conn,
        &state.keys.audit,
        s.org.id,
        id,
        &f.status,
        &f.note,
        &s.actor(),
    )
    .await
    {
        Ok(()) => Ok(see_other(&format!("{}/coi/flags", s.base()))),
        Err(e) => {
            let msg = store_alert(s.lang, e)?;
            flags_page(&state, &s, Some(msg)).await
        }
    }
}
