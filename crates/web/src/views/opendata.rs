//! Open data: every public list as CSV (UTF-8 with a BOM, so spreadsheet programs read
//! Thai) and JSON; procurement as OCDS 1.1 release and record packages; and the CKAN
//! Action API subset (`/api/3/action/{action}` and `/api/action/{action}`, GET and
//! POST) over a catalogue built from every organization's public lists, so that
//! `ckanapi` and CKAN harvesters (data.go.th's agency catalogues) can read them.
//!
//! The formats themselves live in `prongsai_opendata`; this module maps our records to
//! them and serves the bytes.

use std::collections::BTreeMap;

use axum::body::Bytes;
use axum::extract::{Path, Query, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use prongsai_domain::procurement::{self as dp, Method};
use prongsai_opendata::ckan::{
    self, Catalog, Group, OrganizationRef, Package, Resource, SiteInfo, Tag, ThaiGdcFields,
    ThaiGdcResourceFields,
};
use prongsai_opendata::ocds::{
    self, BidStatus, Bidder, Category, DocumentKind, DocumentRef, OcdsConfig, PlanLink,
    ProcurementDates,
};
use prongsai_store::procurement::{self as store, Procurement};
use prongsai_store::{complaints, orgs, plans, risk};
use serde::Deserialize;
use serde_json::{Value, json};
use time::OffsetDateTime;

use crate::AppState;
use crate::error::Error;
use crate::views::public::public_org;

// ---- CSV and JSON ------------------------------------------------------------------------

/// A table for CSV and JSON: column names and rows of JSON values.
pub struct Table {
    pub columns: Vec<&'static str>,
    pub rows: Vec<Vec<Value>>,
}

impl Table {
    pub fn new(columns: Vec<&'static str>) -> Table {
        Table {
            columns,
            rows: Vec::new(),
        }
    }

    /// RFC 4180 CSV with a UTF-8 BOM and CRLF line ends.
    pub fn to_csv(&self) -> Vec<u8> {
        let header = self
            .columns
            .iter()
            .map(|c| c.to_string())
            .collect::<Vec<_>>();
        let rows = self.rows.iter().map(|r| {
            r.iter()
                .map(|v| match v {
                    Value::Null => String::new(),
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .collect::<Vec<_>>()
        });
        prongsai_docs::csv_text(std::iter::once(header).chain(rows)).into_bytes()
    }

    /// A JSON array of objects, keys in column order.
    pub fn to_json(&self) -> String {
        let mut out = String::from("[");
        for (i, r) in self.rows.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push('{');
            for (j, (c, v)) in self.columns.iter().zip(r).enumerate() {
                if j > 0 {
                    out.push(',');
                }
                out.push_str(&format!("{}:{}", Value::String((*c).to_string()), v));
            }
            out.push('}');
        }
        out.push(']');
        out
    }
}

/// `csv` or `json`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Json,
}

impl Format {
    /// From a file name's extension (`records.csv`).
    pub fn from_name(name: &str) -> Option<(&str, Format)> {
        if let Some(stem) = name.strip_suffix(".csv") {
            Some((stem, Format::Csv))
        } else {
            name.strip_suffix(".json").map(|stem| (stem, Format::Json))
        }
    }
}

fn with_type(body: impl Into<axum::body::Body>, content_type: &'static str) -> Response {
    let mut r = (StatusCode::OK, body.into()).into_response();
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    r.headers_mut().insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    r
}

/// Serves a table as CSV or JSON.
pub fn table_response(t: &Table, f: Format, file_stem: &str) -> Response {
    let mut r = match f {
        Format::Csv => with_type(t.to_csv(), "text/csv; charset=utf-8"),
        Format::Json => with_type(t.to_json(), "application/json; charset=utf-8"),
    };
    if f == Format::Csv
        && let Ok(v) = HeaderValue::from_str(&format!("inline; filename=\"{file_stem}.csv\""))
    {
        r.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    r
}

/// JSON text as a response.
pub fn json_text(body: String) -> Response {
    with_type(body, "application/json; charset=utf-8")
}

/// Satang as a JSON number of baht (two decimals at most).
pub fn baht(satang: i64) -> Value {
    if satang % 100 == 0 {
        json!(satang / 100)
    } else {
        json!(dp::satang_to_baht(satang))
    }
}

fn obaht(satang: Option<i64>) -> Value {
    satang.map_or(Value::Null, baht)
}

/// The public base URL: configured, or from the request's Host header.
pub fn base_url(state: &AppState, headers: &HeaderMap) -> String {
    if let Some(u) = &state.config.public_url {
        return u.trim_end_matches('/').to_string();
    }
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            h.chars()
                .all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c))
        })
        .unwrap_or("localhost");
    let scheme = if state.config.behind_tls {
        "https"
    } else {
        "http"
    };
    format!("{scheme}://{host}")
}

// ---- the public lists -------------------------------------------------------------------

#[derive(Deserialize, Default)]
pub struct YearQuery {
    pub year: Option<String>,
}

impl YearQuery {
    /// The fiscal year asked for (B.E.), if any.
    pub fn year(&self) -> Option<i64> {
        self.year
            .as_deref()
            .and_then(|y| prongsai_domain::thai::parse_int(y).ok())
            .filter(|y| (2400..=2700).contains(y))
    }
}

/// Procurement records as a table.
pub fn records_table(list: &[Procurement], names: &BTreeMap<i64, String>) -> Table {
    let mut t = Table::new(vec![
        "id",
        "ref_no",
        "fiscal_year",
        "subject",
        "division",
        "method",
        "method_th",
        "budget_baht",
        "reference_price_baht",
        "bidders",
        "winner",
        "contract_amount_baht",
        "contract_no",
        "announced_on",
        "awarded_on",
        "contract_date",
        "plan_project_key",
    ]);
    for p in list {
        t.rows.push(vec![
            json!(p.id),
            json!(p.ref_no),
            json!(p.fiscal_year),
            json!(p.subject),
            json!(
                p.division_id
                    .and_then(|d| names.get(&d))
                    .cloned()
                    .unwrap_or_default()
            ),
            json!(p.method.code()),
            json!(p.method.label_th()),
            baht(p.budget),
            obaht(p.reference_price),
            json!(
                p.bidders
                    .iter()
                    .map(|b| match b.amount {
                        Some(a) => format!("{} ({})", b.name, dp::format_baht(a)),
                        None => b.name.clone(),
                    })
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
            json!(p.winner().map(|b| b.name.clone()).unwrap_or_default()),
            obaht(p.contract_amount),
            json!(p.contract_no),
            json!(p.announced_on),
            json!(p.awarded_on),
            json!(p.contract_date),
            json!(p.project_key),
        ]);
    }
    t
}

/// The spending and procurement plans as a table.
pub fn plan_table(items: &[store::PlanItem], names: &BTreeMap<i64, String>) -> Table {
    let mut t = Table::new(vec![
        "fiscal_year",
        "plan",
        "seq",
        "subject",
        "division",
        "method",
        "budget_baht",
        "planned_month",
        "plan_project_key",
    ]);
    for i in items {
        t.rows.push(vec![
            json!(i.fiscal_year),
            json!(i.kind),
            json!(i.seq),
            json!(i.subject),
            json!(
                i.division_id
                    .and_then(|d| names.get(&d))
                    .cloned()
                    .unwrap_or_default()
            ),
            json!(i.method),
            baht(i.budget),
            json!(i.planned_month),
            json!(i.project_key),
        ]);
    }
    t
}

/// แบบ สขร.1 rows as a table.
pub fn summary_table(s: &dp::MonthlySummary) -> Table {
    let mut t = Table::new(vec![
        "no",
        "subject",
        "budget_baht",
        "reference_price_baht",
        "method",
        "bidders_and_prices",
        "selected_and_agreed_price",
        "reason",
        "contract_no_and_date",
    ]);
    for r in &s.rows {
        t.rows.push(vec![
            json!(r.no),
            json!(r.subject),
            baht(r.budget),
            obaht(r.reference_price),
            json!(r.method.label_th()),
            json!(bidders_text(&r.bidders)),
            json!(
                r.winner
                    .as_ref()
                    .map(|w| bidders_text(std::slice::from_ref(w)))
                    .unwrap_or_default()
            ),
            json!(r.reason),
            json!(contract_text(&r.contract_no, r.contract_date)),
        ]);
    }
    t
}

pub fn bidders_text(b: &[(String, Option<i64>)]) -> String {
    b.iter()
        .map(|(n, a)| match a {
            Some(a) => format!("{n} ราคา {} บาท", dp::format_baht(*a)),
            None => n.clone(),
        })
        .collect::<Vec<_>>()
        .join("; ")
}

pub fn contract_text(no: &str, d: Option<time::Date>) -> String {
    match d {
        Some(d) => format!("{no} ลงวันที่ {}", prongsai_domain::thai::format_date_th(d))
            .trim()
            .to_string(),
        None => no.to_string(),
    }
}

/// `GET /{org}/procurement/{file}`: `records.csv|json`, `plans.csv|json`
/// (`?year=` to pick a fiscal year), `analysis.json`.
pub async fn procurement_file(
    State(state): State<AppState>,
    Path((org, file)): Path<(String, String)>,
    Query(q): Query<YearQuery>,
) -> Result<Response, Error> {
    let o = public_org(&state, &org).await?;
    let (stem, f) = Format::from_name(&file).ok_or(Error::NotFound)?;
    let mut conn = state.db.pool.acquire().await?;
    let names = store::division_names(&mut conn, o.org.id).await?;
    match stem {
        "records" => {
            let list = store::list(&mut conn, o.org.id, q.year()).await?;
            Ok(table_response(
                &records_table(&list, &names),
                f,
                "procurement-records",
            ))
        }
        "plans" => {
            let mut items = Vec::new();
            let years = match q.year() {
                Some(y) => vec![y],
                None => store::fiscal_years(&mut conn, o.org.id).await?,
            };
            for y in years.iter().rev() {
                items.extend(store::plan_items(&mut conn, o.org.id, *y, None).await?);
            }
            Ok(table_response(
                &plan_table(&items, &names),
                f,
                "procurement-plans",
            ))
        }
        _ => Err(Error::NotFound),
    }
}

/// `GET /{org}/opendata/{file}`: the other public lists: `plan-budgets`,
/// `complaint-stats`, `risks`, each `.csv` or `.json`.
pub async fn list_file(
    State(state): State<AppState>,
    Path((org, file)): Path<(String, String)>,
) -> Result<Response, Error> {
    let o = public_org(&state, &org).await?;
    let (stem, f) = Format::from_name(&file).ok_or(Error::NotFound)?;
    let mut conn = state.db.pool.acquire().await?;
    let t = match stem {
        "plan-budgets" => plan_budgets_table(&mut conn, o.org.id).await?,
        "complaint-stats" => complaint_stats_table(&mut conn, o.org.id).await?,
        "risks" => risks_table(&mut conn, o.org.id).await?,
        _ => return Err(Error::NotFound),
    };
    Ok(table_response(&t, f, stem))
}

async fn plan_budgets_table(conn: &mut sqlx::AnyConnection, org_id: i64) -> Result<Table, Error> {
    let mut t = Table::new(vec![
        "project_no",
        "project_key",
        "dimension",
        "kind",
        "name",
        "responsible",
        "fiscal_year",
        "budget_baht",
    ]);
    if let Some(v) = plans::current(conn, org_id).await? {
        let projects: BTreeMap<i64, plans::PlanProject> = plans::projects(conn, org_id, v.id)
            .await?
            .into_iter()
            .map(|p| (p.no, p))
            .collect();
        for b in plans::budgets(conn, org_id, v.id).await? {
            if let Some(p) = projects.get(&b.project_no) {
                t.rows.push(vec![
                    json!(p.no),
                    json!(p.project_key),
                    json!(p.dimension),
                    json!(p.kind),
                    json!(p.name),
                    json!(p.responsible),
                    json!(b.fiscal_year),
                    json!(b.amount),
                ]);
            }
        }
    }
    Ok(t)
}

async fn complaint_stats_table(
    conn: &mut sqlx::AnyConnection,
    org_id: i64,
) -> Result<Table, Error> {
    let facts = complaints::facts(conn, org_id).await?;
    let stats =
        prongsai_domain::complaint::ComplaintStats::compute(&facts, OffsetDateTime::now_utc());
    let mut t = Table::new(vec![
        "year",
        "month",
        "received",
        "resolved",
        "in_progress",
        "overdue",
        "rejected",
        "forwarded",
    ]);
    for (m, r) in &stats.by_month {
        t.rows.push(vec![
            json!(m.year + 543),
            json!(m.month),
            json!(r.received),
            json!(r.resolved),
            json!(r.in_progress),
            json!(r.overdue),
            json!(r.rejected),
            json!(r.forwarded),
        ]);
    }
    Ok(t)
}

async fn risks_table(conn: &mut sqlx::AnyConnection, org_id: i64) -> Result<Table, Error> {
    let mut t = Table::new(vec![
        "no",
        "process",
        "issues",
        "likelihood",
        "impact",
        "level",
        "controls",
    ]);
    for r in risk::list(conn, org_id).await? {
        t.rows.push(vec![
            json!(r.no),
            json!(r.process),
            json!(r.issues.join("; ")),
            json!(r.likelihood),
            json!(r.impact),
            json!(format!("{:?}", r.level)),
            json!(
                r.controls
                    .iter()
                    .map(|c| c.text.clone())
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
        ]);
    }
    Ok(t)
}

// ---- OCDS ------------------------------------------------------------------------------

/// The OCDS settings of this installation.
pub fn ocds_config(state: &AppState, base: &str) -> OcdsConfig {
    let mut c = OcdsConfig::for_tests(base);
    if let Some(p) = &state.config.ocid_prefix {
        c.ocid_prefix = p.clone();
    }
    c.publisher_uri = Some(base.to_string());
    c
}

fn bangkok(d: Option<time::Date>) -> Option<OffsetDateTime> {
    // Noon in Bangkok: a date without a time, that stays the same day in every zone
    // a reader might convert it to.
    d.map(|d| {
        d.with_hms(12, 0, 0)
            .unwrap_or(d.midnight())
            .assume_offset(time::macros::offset!(+7))
    })
}

fn method(m: Method) -> ocds::Method {
    match m {
        Method::EBidding => ocds::Method::EBidding,
        Method::EMarket => ocds::Method::EMarket,
        Method::PriceInquiry => ocds::Method::PriceInquiry,
        Method::Selection => ocds::Method::Selection,
        Method::Specific => ocds::Method::Specific,
    }
}

/// One stored procurement as the OCDS model.
pub fn to_ocds(
    org: &orgs::Organization,
    p: &Procurement,
    division: &str,
    base: &str,
    project: Option<(i64, String)>,
) -> ocds::Procurement {
    let winner = p
        .winner_seq
        .and_then(|s| p.bidders.iter().position(|b| b.seq == s));
    ocds::Procurement {
        org: ocds::Organization {
            slug: org.slug.clone(),
            name_th: org.name_th.clone(),
            name_en: (!org.name_en.is_empty()).then(|| org.name_en.clone()),
            tax_id: None,
        },
        id: p.ref_no.clone(),
        subject: p.subject.clone(),
        description: (!p.description.is_empty()).then(|| p.description.clone()),
        division: division.to_string(),
        method: method(p.method),
        category: match p.category.as_str() {
            "goods" => Some(Category::Goods),
            "works" => Some(Category::Works),
            "services" => Some(Category::Services),
            _ => None,
        },
        budget: Some(ocds::Satang(p.budget)),
        reference_price: p.reference_price.map(ocds::Satang),
        bidders: p
            .bidders
            .iter()
            .map(|b| Bidder {
                name: b.name.clone(),
                tax_id: (!b.tax_id.is_empty()).then(|| b.tax_id.clone()),
                amount: b.amount.map(ocds::Satang),
                date: None,
                status: match b.status.as_str() {
                    "disqualified" => BidStatus::Disqualified,
                    "pending" => BidStatus::Pending,
                    "withdrawn" => BidStatus::Withdrawn,
                    _ => BidStatus::Valid,
                },
            })
            .collect(),
        winner,
        contract_amount: p.contract_amount.map(ocds::Satang),
        dates: ProcurementDates {
            planned: None,
            // A specific-method purchase has no public announcement: its tender stage
            // (the invitation to quote) is dated with the award.
            announced: bangkok(
                store::parse_iso(&p.announced_on).or_else(|| store::parse_iso(&p.awarded_on)),
            ),
            tender_start: bangkok(store::parse_iso(&p.announced_on)),
            tender_end: bangkok(store::parse_iso(&p.tender_end_on)),
            awarded: bangkok(store::parse_iso(&p.awarded_on)),
            contract_signed: bangkok(store::parse_iso(&p.contract_date)),
            contract_start: store::parse_iso(&p.contract_start),
            contract_end: store::parse_iso(&p.contract_end),
        },
        // Documents of kind "other" have no OCDS stage: they stay on our pages only.
        documents: p
            .documents
            .iter()
            .filter_map(|d| {
                let kind = match d.kind.as_str() {
                    "tenderNotice" => DocumentKind::TenderNotice,
                    "biddingDocuments" => DocumentKind::BiddingDocuments,
                    "awardNotice" => DocumentKind::AwardNotice,
                    "contractSigned" => DocumentKind::ContractSigned,
                    _ => return None,
                };
                Some(DocumentRef {
                    url: format!(
                        "{base}/{}/procurement/records/{}/files/{}",
                        org.slug, p.id, d.file_id
                    ),
                    title: if d.title.is_empty() {
                        d.original_name.clone()
                    } else {
                        d.title.clone()
                    },
                    kind,
                })
            })
            .collect(),
        plan_project: project.map(|(no, name)| PlanLink {
            project_id: no.to_string(),
            title: name,
            url: Some(format!("{base}/{}/plan/projects/{no}", org.slug)),
        }),
        fiscal_year: p.fiscal_year as i32,
    }
}

/// An organization's procurements as OCDS models.
pub async fn ocds_procurements(
    conn: &mut sqlx::AnyConnection,
    org: &orgs::Organization,
    base: &str,
) -> Result<Vec<ocds::Procurement>, Error> {
    let names = store::division_names(conn, org.id).await?;
    let mut projects: BTreeMap<i64, (i64, String)> = BTreeMap::new();
    if let Some(v) = plans::current(conn, org.id).await? {
        for p in plans::projects(conn, org.id, v.id).await? {
            projects.insert(p.project_key, (p.no, p.name));
        }
    }
    Ok(store::list(conn, org.id, None)
        .await?
        .iter()
        .map(|p| {
            let d = p
                .division_id
                .and_then(|d| names.get(&d))
                .cloned()
                .unwrap_or_default();
            let proj = p.project_key.and_then(|k| projects.get(&k).cloned());
            to_ocds(org, p, &d, base, proj)
        })
        .collect())
}

/// `GET /{org}/procurement/ocds/{file}`: `releases.json` (a release package) or
/// `records.json` (a record package).
pub async fn ocds_package(
    State(state): State<AppState>,
    Path((org, file)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, Error> {
    let o = public_org(&state, &org).await?;
    let base = base_url(&state, &headers);
    let mut cfg = ocds_config(&state, &base);
    cfg.publisher_name = o.org.name_th.clone();
    let mut conn = state.db.pool.acquire().await?;
    let list = ocds_procurements(&mut conn, &o.org, &base).await?;
    let published = OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH);
    let uri = format!("{}/procurement/ocds/{file}", o.org.slug);
    let v = match file.as_str() {
        "releases.json" => ocds::release_package(&cfg, &list, published, &uri),
        "records.json" => ocds::record_package(&cfg, &list, published, &uri),
        _ => return Err(Error::NotFound),
    }
    .map_err(|e| Error::Internal(e.to_string()))?;
    Ok(json_text(ocds::to_json_text(&v)))
}

// ---- CKAN ------------------------------------------------------------------------------

fn ckan_time(ms: i64) -> String {
    ckan::ckan_timestamp(prongsai_store::from_ms(ms))
}

fn group(
    id: &str,
    name: &str,
    title: &str,
    description: &str,
    created: &str,
    is_org: bool,
) -> Group {
    Group {
        id: id.to_string(),
        name: name.to_string(),
        title: title.to_string(),
        display_name: title.to_string(),
        description: description.to_string(),
        image_url: String::new(),
        image_display_url: String::new(),
        created: created.to_string(),
        is_organization: is_org,
        approval_status: "approved".into(),
        state: "active".into(),
        kind: if is_org {
            "organization".into()
        } else {
            "group".into()
        },
        package_count: 0,
        packages: None,
    }
}

/// The topic groups datasets belong to (the plan's disclosure groups they fall in).
const GROUPS: &[(&str, &str, &str)] = &[
    ("budget", "การบริหารเงินงบประมาณ", "Budget and procurement"),
    ("administration", "การบริหารงาน", "Administration"),
    (
        "transparency",
        "การส่งเสริมความโปร่งใส",
        "Transparency promotion",
    ),
];

struct DatasetSpec {
    name: String,
    title: String,
    notes: String,
    tags: Vec<&'static str>,
    group: &'static str,
    frequency: &'static str,
    /// (name, url, format)
    resources: Vec<(String, String, &'static str)>,
    modified_ms: i64,
    first_year: Option<i64>,
    last_year: Option<i64>,
    objective: &'static str,
}

fn package(org: &orgs::Organization, owner: &Group, spec: DatasetSpec) -> Package {
    let modified = ckan_time(spec.modified_ms);
    let created = ckan_time(org.created_at);
    let id = format!("{}-{}", org.slug, spec.name);
    let g = GROUPS
        .iter()
        .find(|g| g.0 == spec.group)
        .map(|(n, th, en)| group(&format!("group-{n}"), n, th, en, &created, false).as_ref_dict());
    let formats: Vec<String> = spec.resources.iter().map(|r| r.2.to_string()).collect();
    let mut p = Package {
        id: id.clone(),
        name: id,
        title: format!("{} — {}", spec.title, org.name_th),
        notes: Some(spec.notes),
        owner_org: Some(owner.id.clone()),
        organization: Some(OrganizationRef::from(owner)),
        resources: spec
            .resources
            .into_iter()
            .enumerate()
            .map(|(i, (name, url, format))| Resource {
                id: format!("{}-{}-{i}", org.slug, spec.name),
                package_id: String::new(),
                name,
                description: String::new(),
                format: format.to_string(),
                mimetype: Some(match format {
                    "CSV" => "text/csv".into(),
                    _ => "application/json".into(),
                }),
                url,
                size: None,
                created: created.clone(),
                last_modified: Some(modified.clone()),
                metadata_modified: modified.clone(),
                position: i,
                state: "active".into(),
                url_type: None,
                gdc: ThaiGdcResourceFields {
                    resource_accessible_condition: Some("ไม่มีเงื่อนไข".into()),
                    resource_data_collect: Some("ข้อมูลที่ไม่ใช่ข้อมูลส่วนบุคคล".into()),
                    resource_first_year_of_data: spec.first_year.map(|y| y.to_string()),
                    resource_last_year_of_data: spec.last_year.map(|y| y.to_string()),
                    resource_created_date: Some(created[..10].to_string()),
                    resource_last_updated_date: Some(modified[..10].to_string()),
                },
            })
            .collect(),
        tags: spec.tags.iter().map(|t| Tag::new(t)).collect(),
        groups: g.into_iter().collect(),
        license_id: Some("Open Data Common".into()),
        license_title: Some("Open Data Common".into()),
        license_url: Some("https://gdhelppage.nso.go.th/p01_01_license.html".into()),
        isopen: true,
        author: Some(org.name_th.clone()),
        author_email: (!org.email.is_empty()).then(|| org.email.clone()),
        maintainer: Some(org.name_th.clone()),
        maintainer_email: (!org.email.is_empty()).then(|| org.email.clone()),
        url: None,
        version: None,
        metadata_created: created.clone(),
        metadata_modified: modified.clone(),
        creator_user_id: None,
        num_resources: 0,
        num_tags: 0,
        state: "active".into(),
        kind: "dataset".into(),
        private: false,
        extras: vec![],
        gdc: ThaiGdcFields {
            data_type: Some("ข้อมูลระเบียน".into()),
            allow_harvest: Some("True".into()),
            objective: vec![spec.objective.to_string()],
            update_frequency_unit: Some(spec.frequency.into()),
            update_frequency_interval: Some("1".into()),
            geo_coverage: Some("เทศบาล/อบต.".into()),
            data_source: Some(org.name_th.clone()),
            data_format: formats,
            data_category: Some("ข้อมูลสาธารณะ".into()),
            accessible_condition: Some("ไม่มีเงื่อนไข".into()),
            data_support: Some("หน่วยงานของรัฐ".into()),
            data_collect: Some("ข้อมูลที่ไม่ใช่ข้อมูลส่วนบุคคล".into()),
            data_language: vec!["ไทย".into()],
            created_date: Some(created[..10].to_string()),
            last_updated_date: Some(modified[..10].to_string()),
            first_year_of_data: spec.first_year.map(|y| y.to_string()),
            last_year_of_data: spec.last_year.map(|y| y.to_string()),
            high_value_dataset: Some("False".into()),
            reference_data: Some("False".into()),
            official_statistics: Some("False".into()),
            ..ThaiGdcFields::default()
        },
    };
    p.normalize();
    p
}

async fn max_ms(
    conn: &mut sqlx::AnyConnection,
    sql: &str,
    org_id: i64,
    fallback: i64,
) -> Result<i64, Error> {
    let (m,): (Option<i64>,) = sqlx::query_as(sql)
        .bind(org_id)
        .fetch_one(&mut *conn)
        .await?;
    Ok(m.unwrap_or(fallback))
}

/// The catalogue: one CKAN organization per Prongsai organization, its public lists as
/// datasets with CSV/JSON resources, and the topic groups.
pub async fn catalog(state: &AppState, base: &str) -> Result<Catalog, Error> {
    let mut conn = state.db.pool.acquire().await?;
    let mut packages = Vec::new();
    let mut organizations = Vec::new();
    for org in orgs::list(&mut conn, 10_000, 0).await? {
        let created = ckan_time(org.created_at);
        let owner = group(
            &format!("org-{}", org.slug),
            &org.slug,
            &org.name_th,
            &org.about_th,
            &created,
            true,
        );
        let s = &org.slug;
        let years = store::fiscal_years(&mut conn, org.id).await?;
        let (first, last) = (years.last().copied(), years.first().copied());
        let proc_ms = max_ms(
            &mut conn,
            "SELECT CAST(MAX(updated_at) AS BIGINT) FROM procurements WHERE org_id = $1",
            org.id,
            org.created_at,
        )
        .await?;
        if !years.is_empty() {
            packages.push(package(&org, &owner, DatasetSpec {
                name: "procurement-records".into(),
                title: "ผลการจัดซื้อจัดจ้าง".into(),
                notes: "รายการจัดซื้อจัดจ้างทุกรายการ: งานที่จัดซื้อจัดจ้าง วงเงินงบประมาณ ราคากลาง วิธีการ ผู้เสนอราคา ผู้ได้รับคัดเลือก และสัญญา (procurement records; OCDS 1.1 packages included)".into(),
                tags: vec!["จัดซื้อจัดจ้าง", "procurement", "OCDS"],
                group: "budget",
                frequency: "เดือน",
                resources: vec![
                    ("ผลการจัดซื้อจัดจ้าง (CSV)".into(), format!("{base}/{s}/procurement/records.csv"), "CSV"),
                    ("ผลการจัดซื้อจัดจ้าง (JSON)".into(), format!("{base}/{s}/procurement/records.json"), "JSON"),
                    ("OCDS release package".into(), format!("{base}/{s}/procurement/ocds/releases.json"), "JSON"),
                    ("OCDS record package".into(), format!("{base}/{s}/procurement/ocds/records.json"), "JSON"),
                ],
                modified_ms: proc_ms,
                first_year: first,
                last_year: last,
                objective: "ยุทธศาสตร์ชาติ",
            }));
            let months = store::summary_months(&mut conn, org.id).await?;
            let mut res = Vec::new();
            for (y, m) in &months {
                let key = format!("{y:04}-{m:02}");
                res.push((
                    format!("สขร.1 {key} (CSV)"),
                    format!("{base}/{s}/procurement/summary/{key}?format=csv"),
                    "CSV",
                ));
                res.push((
                    format!("สขร.1 {key} (JSON)"),
                    format!("{base}/{s}/procurement/summary/{key}?format=json"),
                    "JSON",
                ));
            }
            if !res.is_empty() {
                packages.push(package(&org, &owner, DatasetSpec {
                    name: "procurement-monthly-summary".into(),
                    title: "สรุปผลการจัดซื้อจัดจ้างรายเดือน (แบบ สขร.1)".into(),
                    notes: "สรุปผลการดำเนินการจัดซื้อจัดจ้างในรอบเดือน ตามแบบ สขร.1 (monthly procurement summaries)".into(),
                    tags: vec!["จัดซื้อจัดจ้าง", "สขร1"],
                    group: "budget",
                    frequency: "เดือน",
                    resources: res,
                    modified_ms: proc_ms,
                    first_year: first,
                    last_year: last,
                    objective: "ยุทธศาสตร์ชาติ",
                }));
            }
            packages.push(package(&org, &owner, DatasetSpec {
                name: "procurement-plans".into(),
                title: "แผนการใช้จ่ายงบประมาณและแผนการจัดซื้อจัดจ้าง".into(),
                notes: "แผนการใช้จ่ายงบประมาณประจำปีและแผนการจัดซื้อจัดจ้าง (spending and procurement plans)".into(),
                tags: vec!["งบประมาณ", "จัดซื้อจัดจ้าง"],
                group: "budget",
                frequency: "ปี",
                resources: vec![
                    ("แผน (CSV)".into(), format!("{base}/{s}/procurement/plans.csv"), "CSV"),
                    ("แผน (JSON)".into(), format!("{base}/{s}/procurement/plans.json"), "JSON"),
                ],
                modified_ms: proc_ms,
                first_year: first,
                last_year: last,
                objective: "ยุทธศาสตร์ชาติ",
            }));
        }
        if let Some(v) = plans::current(&mut conn, org.id).await? {
            packages.push(package(
                &org,
                &owner,
                DatasetSpec {
                    name: "anti-corruption-plan-budgets".into(),
                    title: "งบประมาณแผนปฏิบัติการป้องกันการทุจริต".into(),
                    notes: format!("งบประมาณรายโครงการ/กิจกรรม/มาตรการ ตาม{}", v.title),
                    tags: vec!["งบประมาณ", "ป้องกันการทุจริต"],
                    group: "transparency",
                    frequency: "ปี",
                    resources: vec![
                        (
                            "งบประมาณรายโครงการ (CSV)".into(),
                            format!("{base}/{s}/opendata/plan-budgets.csv"),
                            "CSV",
                        ),
                        (
                            "งบประมาณรายโครงการ (JSON)".into(),
                            format!("{base}/{s}/opendata/plan-budgets.json"),
                            "JSON",
                        ),
                    ],
                    modified_ms: v.imported_at,
                    first_year: (v.first_year > 0).then_some(v.first_year),
                    last_year: (v.last_year > 0).then_some(v.last_year),
                    objective: "แผนปฏิบัติการ",
                },
            ));
        }
        let complaints_ms = max_ms(
            &mut conn,
            "SELECT CAST(MAX(received_at) AS BIGINT) FROM complaints WHERE org_id = $1",
            org.id,
            org.created_at,
        )
        .await?;
        packages.push(package(&org, &owner, DatasetSpec {
            name: "complaint-statistics".into(),
            title: "สถิติเรื่องร้องเรียนร้องทุกข์".into(),
            notes: "จำนวนเรื่องร้องเรียนที่รับ ดำเนินการแล้วเสร็จ อยู่ระหว่างดำเนินการ และเกินกำหนด รายเดือน (complaint statistics)".into(),
            tags: vec!["ร้องเรียน", "สถิติ"],
            group: "transparency",
            frequency: "เดือน",
            resources: vec![
                ("สถิติรายเดือน (CSV)".into(), format!("{base}/{s}/opendata/complaint-stats.csv"), "CSV"),
                ("สถิติรายเดือน (JSON)".into(), format!("{base}/{s}/opendata/complaint-stats.json"), "JSON"),
            ],
            modified_ms: complaints_ms,
            first_year: None,
            last_year: None,
            objective: "ยุทธศาสตร์ชาติ",
        }));
        let (n_risks,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM risks WHERE org_id = $1")
            .bind(org.id)
            .fetch_one(&mut *conn)
            .await?;
        if n_risks > 0 {
            let risk_ms = max_ms(
                &mut conn,
                "SELECT CAST(MAX(updated_at) AS BIGINT) FROM risks WHERE org_id = $1",
                org.id,
                org.created_at,
            )
            .await?;
            packages.push(package(
                &org,
                &owner,
                DatasetSpec {
                    name: "corruption-risk-register".into(),
                    title: "ทะเบียนความเสี่ยงการทุจริต".into(),
                    notes: "การประเมินความเสี่ยงการทุจริตและมาตรการควบคุม (corruption risk register)"
                        .into(),
                    tags: vec!["ความเสี่ยง", "ป้องกันการทุจริต"],
                    group: "administration",
                    frequency: "ปี",
                    resources: vec![
                        (
                            "ทะเบียนความเสี่ยง (CSV)".into(),
                            format!("{base}/{s}/opendata/risks.csv"),
                            "CSV",
                        ),
                        (
                            "ทะเบียนความเสี่ยง (JSON)".into(),
                            format!("{base}/{s}/opendata/risks.json"),
                            "JSON",
                        ),
                    ],
                    modified_ms: risk_ms,
                    first_year: None,
                    last_year: None,
                    objective: "แผนปฏิบัติการ",
                },
            ));
        }
        let mut owner = owner;
        owner.package_count = packages
            .iter()
            .filter(|p| p.owner_org.as_deref() == Some(owner.id.as_str()))
            .count();
        organizations.push(owner);
    }
    let groups = GROUPS
        .iter()
        .map(|(n, th, en)| {
            let mut g = group(
                &format!("group-{n}"),
                n,
                th,
                en,
                "2023-01-01T00:00:00.000000",
                false,
            );
            g.package_count = packages
                .iter()
                .filter(|p| p.groups.iter().any(|x| x.name == *n))
                .count();
            g
        })
        .collect();
    Ok(Catalog {
        site: SiteInfo {
            site_url: base.to_string(),
            site_title: "Prongsai open data".into(),
            site_description: "ข้อมูลเปิดขององค์กรปกครองส่วนท้องถิ่น".into(),
            locale_default: "th".into(),
            extensions: vec!["scheming_datasets".into(), "thai_gdc".into()],
        },
        packages,
        organizations,
        groups,
    })
}

fn ckan_response(r: ckan::ActionResponse) -> Response {
    let mut resp = (
        StatusCode::from_u16(r.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        r.body,
    )
        .into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json;charset=utf-8"),
    );
    resp.headers_mut().insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    resp
}

/// `GET /api/3/action/{action}` and `/api/action/{action}`.
pub async fn ckan_get(
    State(state): State<AppState>,
    Path(action): Path<String>,
    RawQuery(q): RawQuery,
    headers: HeaderMap,
) -> Result<Response, Error> {
    let base = base_url(&state, &headers);
    let cat = catalog(&state, &base).await?;
    let params = ckan::params_from_query_string(q.as_deref().unwrap_or(""));
    Ok(ckan_response(ckan::handle_action(&cat, &action, &params)))
}

/// `POST /api/3/action/{action}` and `/api/action/{action}` with a JSON body (an empty
/// body is no parameters, as CKAN takes it).
pub async fn ckan_post(
    State(state): State<AppState>,
    Path(action): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Error> {
    let base = base_url(&state, &headers);
    let help = ckan::help_url(&base, &action);
    let params = if body.iter().all(u8::is_ascii_whitespace) {
        serde_json::Map::new()
    } else if headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"))
    {
        ckan::params_from_query_string(&String::from_utf8_lossy(&body))
    } else {
        match ckan::params_from_json_body(&body) {
            Ok(p) => p,
            Err(e) => return Ok(ckan_response(ckan::error_response(&help, &e))),
        }
    };
    let cat = catalog(&state, &base).await?;
    Ok(ckan_response(ckan::handle_action(&cat, &action, &params)))
}
