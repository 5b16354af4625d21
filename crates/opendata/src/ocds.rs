//! OCDS 1.1 release and record packages from a plain procurement model.
//!
//! One procurement becomes one contracting process (one `ocid`) with up to four releases,
//! one per stage that has happened: `planning`, `tender`, `award`, `contract`. Each release
//! is cumulative (it repeats what earlier releases said, as OCDS allows), so the compiled
//! release of a record is the latest release with `tag: ["compiled"]`. Release ids are
//! `{ocid}-{stage}` and never change once a stage has happened. Bid details use the bids
//! extension (`bids.details[]`), listed in the package's `extensions`.
//!
//! Output is deterministic: the same input gives the same bytes (struct field order, no
//! clocks read here; the caller passes the package's `publishedDate`).

use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use time::{Date, OffsetDateTime};

use crate::w3c::{date_start_bangkok, format_w3c_bangkok};

/// The OCDS version written into packages.
pub const OCDS_VERSION: &str = "1.1";
/// Canonical URL of the bids extension (v1.1.5), as listed in the extension registry.
pub const BIDS_EXTENSION_URL: &str = "https://raw.githubusercontent.com/open-contracting-extensions/ocds_bid_extension/v1.1.5/extension.json";
/// An OCID prefix that is clearly not registered with the Open Contracting Partnership.
/// Tests and demo data use it; a real installation registers its own prefix
/// (`ocds-` followed by six characters) with OCP and configures it.
pub const TEST_OCID_PREFIX: &str = "ocds-prongsai";
/// Identifier scheme used for Thai 13-digit tax identification numbers.
pub const DEFAULT_TAX_ID_SCHEME: &str = "TH-RD";

/// Errors building OCDS data or reading Cardinal output.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum OcdsError {
    #[error("procurement {id}: {problem}")]
    Invalid { id: String, problem: String },
    #[error("cardinal output is not valid: {0}")]
    Cardinal(String),
}

/// Amount of money in satang (1/100 baht). Integers avoid rounding drift.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Satang(pub i64);

impl Satang {
    #[must_use]
    pub fn from_baht(baht: i64) -> Self {
        Satang(baht * 100)
    }
    fn to_value(self) -> Value {
        #[allow(clippy::cast_precision_loss)]
        let baht = self.0 as f64 / 100.0;
        serde_json::Number::from_f64(baht).map_or(Value::Null, Value::Number)
    }
}

/// The organization (LAO) that buys: a เทศบาล, อบต. or อบจ.
#[derive(Debug, Clone, PartialEq)]
pub struct Organization {
    /// URL slug used inside OCIDs, e.g. `chachoengsao`.
    pub slug: String,
    pub name_th: String,
    pub name_en: Option<String>,
    /// 13-digit tax identification number (เลขประจำตัวผู้เสียภาษี), if known.
    pub tax_id: Option<String>,
}

/// Thai e-GP procurement methods (พ.ร.บ.การจัดซื้อจัดจ้างฯ พ.ศ. 2560).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    /// วิธีประกาศเชิญชวนทั่วไป — ประกวดราคาอิเล็กทรอนิกส์ (e-bidding).
    EBidding,
    /// วิธีประกาศเชิญชวนทั่วไป — ตลาดอิเล็กทรอนิกส์ (e-market).
    EMarket,
    /// วิธีประกาศเชิญชวนทั่วไป — สอบราคา (price inquiry, where e-GP cannot be used).
    PriceInquiry,
    /// วิธีคัดเลือก (selection among invited suppliers).
    Selection,
    /// วิธีเฉพาะเจาะจง (specific: one supplier invited to quote and negotiate).
    Specific,
}

impl Method {
    /// OCDS `procurementMethod` (closed codelist `method`).
    #[must_use]
    pub fn ocds_code(self) -> &'static str {
        match self {
            Method::EBidding | Method::EMarket | Method::PriceInquiry => "open",
            Method::Selection => "selective",
            Method::Specific => "direct",
        }
    }
    /// `procurementMethodDetails`, in Thai as e-GP names it.
    #[must_use]
    pub fn details_th(self) -> &'static str {
        match self {
            Method::EBidding => "วิธีประกาศเชิญชวนทั่วไป (ประกวดราคาอิเล็กทรอนิกส์ e-bidding)",
            Method::EMarket => "วิธีประกาศเชิญชวนทั่วไป (ตลาดอิเล็กทรอนิกส์ e-market)",
            Method::PriceInquiry => "วิธีประกาศเชิญชวนทั่วไป (สอบราคา)",
            Method::Selection => "วิธีคัดเลือก",
            Method::Specific => "วิธีเฉพาะเจาะจง",
        }
    }
    fn submission_method(self) -> Option<&'static str> {
        match self {
            Method::EBidding => Some("electronicSubmission"),
            Method::EMarket => Some("electronicAuction"),
            Method::PriceInquiry | Method::Selection | Method::Specific => None,
        }
    }
}

/// OCDS `mainProcurementCategory`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Category {
    Goods,
    Works,
    Services,
}

impl Category {
    fn code(self) -> &'static str {
        match self {
            Category::Goods => "goods",
            Category::Works => "works",
            Category::Services => "services",
        }
    }
}

/// Bid status, as in the bids extension's closed `bidStatus` codelist.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BidStatus {
    Invited,
    Pending,
    Valid,
    Disqualified,
    Withdrawn,
}

impl BidStatus {
    fn code(self) -> &'static str {
        match self {
            BidStatus::Invited => "invited",
            BidStatus::Pending => "pending",
            BidStatus::Valid => "valid",
            BidStatus::Disqualified => "disqualified",
            BidStatus::Withdrawn => "withdrawn",
        }
    }
    /// Cardinal's "submitted": pending, valid or disqualified.
    #[must_use]
    pub fn is_submitted(self) -> bool {
        matches!(
            self,
            BidStatus::Pending | BidStatus::Valid | BidStatus::Disqualified
        )
    }
}

/// One bidder and their bid.
#[derive(Debug, Clone, PartialEq)]
pub struct Bidder {
    pub name: String,
    pub tax_id: Option<String>,
    pub amount: Option<Satang>,
    pub date: Option<OffsetDateTime>,
    pub status: BidStatus,
}

/// Kinds of documents, mapped to OCDS `documentType` codes and to the stage they belong to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentKind {
    /// แผนการจัดซื้อจัดจ้าง
    ProcurementPlan,
    /// ประกาศเชิญชวน
    TenderNotice,
    /// เอกสารประกวดราคา / TOR
    BiddingDocuments,
    /// ประกาศผู้ชนะ
    AwardNotice,
    /// สัญญา / ใบสั่งซื้อสั่งจ้าง
    ContractSigned,
}

impl DocumentKind {
    fn code(self) -> &'static str {
        match self {
            DocumentKind::ProcurementPlan => "procurementPlan",
            DocumentKind::TenderNotice => "tenderNotice",
            DocumentKind::BiddingDocuments => "biddingDocuments",
            DocumentKind::AwardNotice => "awardNotice",
            DocumentKind::ContractSigned => "contractSigned",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct DocumentRef {
    pub url: String,
    pub title: String,
    pub kind: DocumentKind,
}

/// Link to the anti-corruption/development plan project this purchase belongs to.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanLink {
    pub project_id: String,
    pub title: String,
    pub url: Option<String>,
}

/// Dates of a procurement. A stage's release exists once its date is known.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProcurementDates {
    /// Procurement plan published (planning release).
    pub planned: Option<OffsetDateTime>,
    /// Announcement (tender release). Also the tender period start if none is given.
    pub announced: Option<OffsetDateTime>,
    pub tender_start: Option<OffsetDateTime>,
    pub tender_end: Option<OffsetDateTime>,
    /// Winner announced (award release).
    pub awarded: Option<OffsetDateTime>,
    /// Contract signed (contract release).
    pub contract_signed: Option<OffsetDateTime>,
    pub contract_start: Option<Date>,
    pub contract_end: Option<Date>,
}

/// A procurement record as Prongsai keeps it.
#[derive(Debug, Clone, PartialEq)]
pub struct Procurement {
    pub org: Organization,
    /// Local identifier (e.g. the e-GP project number). Unique within the organization.
    pub id: String,
    /// เรื่อง, in Thai.
    pub subject: String,
    pub description: Option<String>,
    /// กอง/สำนัก responsible.
    pub division: String,
    pub method: Method,
    pub category: Option<Category>,
    /// งบประมาณ.
    pub budget: Option<Satang>,
    /// ราคากลาง.
    pub reference_price: Option<Satang>,
    pub bidders: Vec<Bidder>,
    /// Index into `bidders` of the winner.
    pub winner: Option<usize>,
    pub contract_amount: Option<Satang>,
    pub dates: ProcurementDates,
    pub documents: Vec<DocumentRef>,
    pub plan_project: Option<PlanLink>,
    /// Fiscal year, Buddhist Era (e.g. 2566).
    pub fiscal_year: i32,
}

/// Publication settings.
#[derive(Debug, Clone, PartialEq)]
pub struct OcdsConfig {
    /// OCID prefix registered with OCP (e.g. `ocds-213czf`); [`TEST_OCID_PREFIX`] in tests.
    pub ocid_prefix: String,
    pub publisher_name: String,
    pub publisher_uri: Option<String>,
    /// Base URL where packages are published, e.g. `https://example.go.th/opendata/ocds`.
    pub base_uri: String,
    pub tax_id_scheme: String,
    pub license: Option<String>,
    pub publication_policy: Option<String>,
}

impl OcdsConfig {
    /// A configuration for tests and demos, with [`TEST_OCID_PREFIX`].
    #[must_use]
    pub fn for_tests(base_uri: &str) -> Self {
        OcdsConfig {
            ocid_prefix: TEST_OCID_PREFIX.to_owned(),
            publisher_name: "Prongsai (test publisher)".to_owned(),
            publisher_uri: None,
            base_uri: base_uri.trim_end_matches('/').to_owned(),
            tax_id_scheme: DEFAULT_TAX_ID_SCHEME.to_owned(),
            license: Some("https://opendefinition.org/licenses/odc-by/".to_owned()),
            publication_policy: None,
        }
    }
}

/// Keeps `[A-Za-z0-9._-]`, maps everything else (including `#`) to `-`.
fn id_safe(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '-'
            }
        })
        .collect()
}

/// The OCID of a procurement: `{prefix}-{org slug}-{id}`.
#[must_use]
pub fn ocid(cfg: &OcdsConfig, p: &Procurement) -> String {
    format!(
        "{}-{}-{}",
        cfg.ocid_prefix.trim_end_matches('-'),
        id_safe(&p.org.slug),
        id_safe(&p.id)
    )
}

/// FNV-1a, for stable ids of parties without a tax id.
fn fnv1a(s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.as_bytes() {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

fn party_id(cfg: &OcdsConfig, tax_id: Option<&str>, name: &str) -> String {
    match tax_id {
        Some(t) if !t.trim().is_empty() => format!("{}-{}", cfg.tax_id_scheme, t.trim()),
        _ => format!("name-{:016x}", fnv1a(name.trim())),
    }
}

fn money(s: Satang) -> Value {
    let mut m = Map::new();
    m.insert("amount".into(), s.to_value());
    m.insert("currency".into(), Value::String("THB".into()));
    Value::Object(m)
}

fn dt(t: OffsetDateTime) -> Value {
    Value::String(format_w3c_bangkok(t))
}

fn org_ref(id: &str, name: &str) -> Value {
    let mut m = Map::new();
    m.insert("id".into(), Value::String(id.to_owned()));
    m.insert("name".into(), Value::String(name.to_owned()));
    Value::Object(m)
}

/// Stages, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Stage {
    Planning,
    Tender,
    Award,
    Contract,
}

impl Stage {
    fn tag(self) -> &'static str {
        match self {
            Stage::Planning => "planning",
            Stage::Tender => "tender",
            Stage::Award => "award",
            Stage::Contract => "contract",
        }
    }
}

// ---- Release structure (field order = output order) ----

#[derive(Serialize, Clone, Debug)]
#[serde(rename_all = "camelCase")]
struct Release {
    ocid: String,
    id: String,
    date: String,
    tag: Vec<&'static str>,
    initiation_type: &'static str,
    language: &'static str,
    parties: Vec<Value>,
    buyer: Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    planning: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tender: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    bids: Option<Value>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    awards: Vec<Value>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    contracts: Vec<Value>,
}

fn check(p: &Procurement) -> Result<(), OcdsError> {
    let bad = |problem: &str| {
        Err(OcdsError::Invalid {
            id: p.id.clone(),
            problem: problem.to_owned(),
        })
    };
    if p.id.trim().is_empty() {
        return bad("empty id");
    }
    if p.org.slug.trim().is_empty() {
        return bad("empty organization slug");
    }
    if p.winner.is_some_and(|w| w >= p.bidders.len()) {
        return bad("winner is not one of the bidders");
    }
    if p.dates.awarded.is_some() && p.dates.announced.is_none() {
        return bad("awarded without an announcement date");
    }
    if p.dates.contract_signed.is_some() && (p.winner.is_none() || p.dates.awarded.is_none()) {
        return bad("contract signed without an award (winner and award date)");
    }
    Ok(())
}

fn stage_date(p: &Procurement, s: Stage) -> Option<OffsetDateTime> {
    match s {
        Stage::Planning => p.dates.planned,
        Stage::Tender => p.dates.announced,
        Stage::Award => p.dates.awarded,
        Stage::Contract => p.dates.contract_signed,
    }
}

/// Stages that have happened, in order.
#[must_use]
pub fn stages(p: &Procurement) -> Vec<Stage> {
    [
        Stage::Planning,
        Stage::Tender,
        Stage::Award,
        Stage::Contract,
    ]
    .into_iter()
    .filter(|s| stage_date(p, *s).is_some())
    .collect()
}

fn docs_of(p: &Procurement, kinds: &[DocumentKind]) -> Vec<Value> {
    p.documents
        .iter()
        .enumerate()
        .filter(|(_, d)| kinds.contains(&d.kind))
        .map(|(i, d)| {
            let mut m = Map::new();
            m.insert("id".into(), Value::String(format!("doc-{}", i + 1)));
            m.insert("documentType".into(), Value::String(d.kind.code().into()));
            m.insert("title".into(), Value::String(d.title.clone()));
            m.insert("url".into(), Value::String(d.url.clone()));
            m.insert("language".into(), Value::String("th".into()));
            Value::Object(m)
        })
        .collect()
}

fn build_release(cfg: &OcdsConfig, p: &Procurement, stage: Stage) -> Release {
    let ocid = ocid(cfg, p);
    let at = |s: Stage| stage >= s && stage_date(p, s).is_some();
    let buyer_id = party_id(cfg, p.org.tax_id.as_deref(), &p.org.name_th);

    // Parties: the buyer, then bidders (known from the award on), in input order.
    let mut parties = Vec::new();
    {
        let mut m = Map::new();
        m.insert("name".into(), Value::String(p.org.name_th.clone()));
        m.insert("id".into(), Value::String(buyer_id.clone()));
        if let Some(t) = p.org.tax_id.as_deref().filter(|t| !t.trim().is_empty()) {
            let mut ident = Map::new();
            ident.insert("scheme".into(), Value::String(cfg.tax_id_scheme.clone()));
            ident.insert("id".into(), Value::String(t.trim().to_owned()));
            ident.insert("legalName".into(), Value::String(p.org.name_th.clone()));
            m.insert("identifier".into(), Value::Object(ident));
        }
        let mut address = Map::new();
        address.insert("countryName".into(), Value::String("ประเทศไทย".into()));
        m.insert("address".into(), Value::Object(address));
        let mut cp = Map::new();
        cp.insert("name".into(), Value::String(p.division.clone()));
        m.insert("contactPoint".into(), Value::Object(cp));
        m.insert(
            "roles".into(),
            serde_json::json!(["buyer", "procuringEntity"]),
        );
        parties.push(Value::Object(m));
    }
    let bidder_ids: Vec<String> = p
        .bidders
        .iter()
        .map(|b| party_id(cfg, b.tax_id.as_deref(), &b.name))
        .collect();
    if at(Stage::Award) {
        let mut seen = BTreeMap::new();
        for (i, b) in p.bidders.iter().enumerate() {
            let id = &bidder_ids[i];
            let winner = p.winner == Some(i);
            let entry = seen
                .entry(id.clone())
                .or_insert_with(|| (parties.len(), false));
            if entry.0 == parties.len() {
                let mut m = Map::new();
                m.insert("name".into(), Value::String(b.name.clone()));
                m.insert("id".into(), Value::String(id.clone()));
                if let Some(t) = b.tax_id.as_deref().filter(|t| !t.trim().is_empty()) {
                    let mut ident = Map::new();
                    ident.insert("scheme".into(), Value::String(cfg.tax_id_scheme.clone()));
                    ident.insert("id".into(), Value::String(t.trim().to_owned()));
                    ident.insert("legalName".into(), Value::String(b.name.clone()));
                    m.insert("identifier".into(), Value::Object(ident));
                }
                m.insert("roles".into(), serde_json::json!(["tenderer"]));
                parties.push(Value::Object(m));
            }
            if winner {
                entry.1 = true;
            }
        }
        for (idx, is_winner) in seen.values() {
            if let (true, Some(Value::Object(m))) = (*is_winner, parties.get_mut(*idx)) {
                m.insert("roles".into(), serde_json::json!(["tenderer", "supplier"]));
            }
        }
    }

    let planning = if at(Stage::Planning) || p.budget.is_some() || p.plan_project.is_some() {
        let mut budget = Map::new();
        budget.insert("id".into(), Value::String(format!("FY{}", p.fiscal_year)));
        budget.insert(
            "description".into(),
            Value::String(format!(
                "งบประมาณรายจ่ายประจำปีงบประมาณ พ.ศ. {}",
                p.fiscal_year
            )),
        );
        if let Some(b) = p.budget {
            budget.insert("amount".into(), money(b));
        }
        if let Some(pl) = &p.plan_project {
            budget.insert("project".into(), Value::String(pl.title.clone()));
            budget.insert("projectID".into(), Value::String(pl.project_id.clone()));
            if let Some(u) = &pl.url {
                budget.insert("uri".into(), Value::String(u.clone()));
            }
        }
        let mut m = Map::new();
        m.insert("budget".into(), Value::Object(budget));
        let docs = docs_of(p, &[DocumentKind::ProcurementPlan]);
        if !docs.is_empty() {
            m.insert("documents".into(), Value::Array(docs));
        }
        Some(Value::Object(m))
    } else {
        None
    };

    let submitted: Vec<usize> = (0..p.bidders.len())
        .filter(|i| p.bidders[*i].status.is_submitted())
        .collect();

    let tender = if at(Stage::Tender) {
        let mut m = Map::new();
        m.insert("id".into(), Value::String(id_safe(&p.id)));
        m.insert("title".into(), Value::String(p.subject.clone()));
        if let Some(d) = &p.description {
            m.insert("description".into(), Value::String(d.clone()));
        }
        let status = if at(Stage::Award) {
            if p.winner.is_some() {
                "complete"
            } else {
                "unsuccessful"
            }
        } else {
            "active"
        };
        m.insert("status".into(), Value::String(status.into()));
        m.insert("procuringEntity".into(), org_ref(&buyer_id, &p.org.name_th));
        if let Some(rp) = p.reference_price {
            m.insert("value".into(), money(rp));
        }
        m.insert(
            "procurementMethod".into(),
            Value::String(p.method.ocds_code().into()),
        );
        m.insert(
            "procurementMethodDetails".into(),
            Value::String(p.method.details_th().into()),
        );
        if let Some(c) = p.category {
            m.insert(
                "mainProcurementCategory".into(),
                Value::String(c.code().into()),
            );
        }
        if let Some(sm) = p.method.submission_method() {
            m.insert("submissionMethod".into(), serde_json::json!([sm]));
        }
        let start = p.dates.tender_start.or(p.dates.announced);
        if start.is_some() || p.dates.tender_end.is_some() {
            let mut per = Map::new();
            if let Some(s) = start {
                per.insert("startDate".into(), dt(s));
            }
            if let Some(e) = p.dates.tender_end {
                per.insert("endDate".into(), dt(e));
            }
            m.insert("tenderPeriod".into(), Value::Object(per));
        }
        if at(Stage::Award) {
            let mut ids: Vec<&String> = submitted.iter().map(|i| &bidder_ids[*i]).collect();
            ids.sort();
            ids.dedup();
            m.insert("numberOfTenderers".into(), Value::from(ids.len()));
            let mut tenderers = Vec::new();
            let mut seen = std::collections::BTreeSet::new();
            for i in &submitted {
                if seen.insert(bidder_ids[*i].clone()) {
                    tenderers.push(org_ref(&bidder_ids[*i], &p.bidders[*i].name));
                }
            }
            m.insert("tenderers".into(), Value::Array(tenderers));
        }
        let docs = docs_of(
            p,
            &[DocumentKind::TenderNotice, DocumentKind::BiddingDocuments],
        );
        if !docs.is_empty() {
            m.insert("documents".into(), Value::Array(docs));
        }
        Some(Value::Object(m))
    } else {
        None
    };

    let bids = if at(Stage::Award) && !p.bidders.is_empty() {
        let details: Vec<Value> = p
            .bidders
            .iter()
            .enumerate()
            .map(|(i, b)| {
                let mut m = Map::new();
                m.insert(
                    "id".into(),
                    Value::String(format!("{}-bid-{}", id_safe(&p.id), i + 1)),
                );
                if let Some(d) = b.date {
                    m.insert("date".into(), dt(d));
                }
                m.insert("status".into(), Value::String(b.status.code().into()));
                m.insert(
                    "tenderers".into(),
                    Value::Array(vec![org_ref(&bidder_ids[i], &b.name)]),
                );
                if let Some(a) = b.amount {
                    m.insert("value".into(), money(a));
                }
                Value::Object(m)
            })
            .collect();
        let mut m = Map::new();
        m.insert("details".into(), Value::Array(details));
        Some(Value::Object(m))
    } else {
        None
    };

    let mut awards = Vec::new();
    if let (true, Some(w), Some(ad)) = (at(Stage::Award), p.winner, p.dates.awarded) {
        {
            let b = &p.bidders[w];
            let mut m = Map::new();
            m.insert(
                "id".into(),
                Value::String(format!("{}-award-1", id_safe(&p.id))),
            );
            m.insert("title".into(), Value::String(p.subject.clone()));
            m.insert("status".into(), Value::String("active".into()));
            m.insert("date".into(), dt(ad));
            if let Some(a) = b.amount.or(p.contract_amount) {
                m.insert("value".into(), money(a));
            }
            m.insert(
                "suppliers".into(),
                Value::Array(vec![org_ref(&bidder_ids[w], &b.name)]),
            );
            m.insert(
                "relatedBid".into(),
                Value::String(format!("{}-bid-{}", id_safe(&p.id), w + 1)),
            );
            let docs = docs_of(p, &[DocumentKind::AwardNotice]);
            if !docs.is_empty() {
                m.insert("documents".into(), Value::Array(docs));
            }
            awards.push(Value::Object(m));
        }
    }

    let mut contracts = Vec::new();
    if let (true, Some(signed)) = (
        at(Stage::Contract) && !awards.is_empty(),
        p.dates.contract_signed,
    ) {
        {
            let mut m = Map::new();
            m.insert(
                "id".into(),
                Value::String(format!("{}-contract-1", id_safe(&p.id))),
            );
            m.insert(
                "awardID".into(),
                Value::String(format!("{}-award-1", id_safe(&p.id))),
            );
            m.insert("title".into(), Value::String(p.subject.clone()));
            m.insert("status".into(), Value::String("active".into()));
            if let Some(a) = p.contract_amount {
                m.insert("value".into(), money(a));
            }
            if p.dates.contract_start.is_some() || p.dates.contract_end.is_some() {
                let mut per = Map::new();
                if let Some(s) = p.dates.contract_start {
                    per.insert("startDate".into(), dt(date_start_bangkok(s)));
                }
                if let Some(e) = p.dates.contract_end {
                    per.insert("endDate".into(), dt(date_start_bangkok(e)));
                }
                m.insert("period".into(), Value::Object(per));
            }
            m.insert("dateSigned".into(), dt(signed));
            let docs = docs_of(p, &[DocumentKind::ContractSigned]);
            if !docs.is_empty() {
                m.insert("documents".into(), Value::Array(docs));
            }
            contracts.push(Value::Object(m));
        }
    }

    let date = stage_date(p, stage).map_or_else(String::new, format_w3c_bangkok);
    Release {
        id: format!("{ocid}-{}", stage.tag()),
        ocid,
        date,
        tag: vec![stage.tag()],
        initiation_type: "tender",
        language: "th",
        parties,
        buyer: org_ref(&buyer_id, &p.org.name_th),
        planning,
        tender,
        bids,
        awards,
        contracts,
    }
}

fn to_value<T: Serialize>(t: &T) -> Value {
    serde_json::to_value(t).unwrap_or(Value::Null)
}

/// The releases of one procurement, one per stage that has happened, oldest first.
pub fn releases(cfg: &OcdsConfig, p: &Procurement) -> Result<Vec<Value>, OcdsError> {
    check(p)?;
    Ok(stages(p)
        .into_iter()
        .map(|s| to_value(&build_release(cfg, p, s)))
        .collect())
}

/// The compiled release: the latest state, `tag: ["compiled"]`, `id: {ocid}-{date}`.
/// `None` if no stage has happened yet.
pub fn compiled_release(cfg: &OcdsConfig, p: &Procurement) -> Result<Option<Value>, OcdsError> {
    check(p)?;
    let Some(last) = stages(p).last().copied() else {
        return Ok(None);
    };
    let mut r = build_release(cfg, p, last);
    r.tag = vec!["compiled"];
    r.id = format!("{}-{}", r.ocid, r.date);
    Ok(Some(to_value(&r)))
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Publisher {
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ReleasePackage {
    uri: String,
    version: &'static str,
    extensions: Vec<&'static str>,
    published_date: String,
    publisher: Publisher,
    #[serde(skip_serializing_if = "Option::is_none")]
    license: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    publication_policy: Option<String>,
    releases: Vec<Value>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Record {
    ocid: String,
    releases: Vec<Value>,
    compiled_release: Value,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RecordPackage {
    uri: String,
    version: &'static str,
    extensions: Vec<&'static str>,
    published_date: String,
    publisher: Publisher,
    #[serde(skip_serializing_if = "Option::is_none")]
    license: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    publication_policy: Option<String>,
    records: Vec<Record>,
}

fn publisher(cfg: &OcdsConfig) -> Publisher {
    Publisher {
        name: cfg.publisher_name.clone(),
        uri: cfg.publisher_uri.clone(),
    }
}

/// A release package with every release of every procurement (procurements in input
/// order, releases oldest first). `name` becomes the last path segment of the package URI.
pub fn release_package(
    cfg: &OcdsConfig,
    procurements: &[Procurement],
    published: OffsetDateTime,
    name: &str,
) -> Result<Value, OcdsError> {
    let mut all = Vec::new();
    for p in procurements {
        all.extend(releases(cfg, p)?);
    }
    Ok(to_value(&ReleasePackage {
        uri: format!("{}/{}", cfg.base_uri.trim_end_matches('/'), name),
        version: OCDS_VERSION,
        extensions: vec![BIDS_EXTENSION_URL],
        published_date: format_w3c_bangkok(published),
        publisher: publisher(cfg),
        license: cfg.license.clone(),
        publication_policy: cfg.publication_policy.clone(),
        releases: all,
    }))
}

/// A record package: one record per procurement that has at least one release, each with
/// its embedded releases and compiled release.
pub fn record_package(
    cfg: &OcdsConfig,
    procurements: &[Procurement],
    published: OffsetDateTime,
    name: &str,
) -> Result<Value, OcdsError> {
    let mut records = Vec::new();
    for p in procurements {
        let rels = releases(cfg, p)?;
        if let Some(compiled) = compiled_release(cfg, p)? {
            records.push(Record {
                ocid: ocid(cfg, p),
                releases: rels,
                compiled_release: compiled,
            });
        }
    }
    Ok(to_value(&RecordPackage {
        uri: format!("{}/{}", cfg.base_uri.trim_end_matches('/'), name),
        version: OCDS_VERSION,
        extensions: vec![BIDS_EXTENSION_URL],
        published_date: format_w3c_bangkok(published),
        publisher: publisher(cfg),
        license: cfg.license.clone(),
        publication_policy: cfg.publication_policy.clone(),
        records,
    }))
}

/// Compiled releases as line-delimited JSON: the input format of OCP's Cardinal
/// (`ocdscardinal prepare` / `ocdscardinal indicators`).
pub fn compiled_releases_jsonl(
    cfg: &OcdsConfig,
    procurements: &[Procurement],
) -> Result<String, OcdsError> {
    let mut out = String::new();
    for p in procurements {
        if let Some(c) = compiled_release(cfg, p)? {
            out.push_str(&serde_json::to_string(&c).unwrap_or_default());
            out.push('\n');
        }
    }
    Ok(out)
}

/// Pretty, deterministic JSON text of a package (2-space indent, UTF-8, trailing newline).
#[must_use]
pub fn to_json_text(v: &Value) -> String {
    let mut s = serde_json::to_string_pretty(v).unwrap_or_default();
    s.push('\n');
    s
}

// ---- Cardinal ----

/// Which kind of identifier a Cardinal result is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum FlagGroup {
    /// A contracting process; the id is its `ocid`.
    Ocid,
    /// `/buyer/id`.
    Buyer,
    /// `/tender/procuringEntity/id`.
    ProcuringEntity,
    /// `/bids/details[]/tenderers[]/id`.
    Tenderer,
}

impl FlagGroup {
    fn from_key(k: &str) -> Option<Self> {
        match k {
            "OCID" => Some(FlagGroup::Ocid),
            "Buyer" => Some(FlagGroup::Buyer),
            "ProcuringEntity" => Some(FlagGroup::ProcuringEntity),
            "Tenderer" => Some(FlagGroup::Tenderer),
            _ => None,
        }
    }
}

/// One red flag or indicator result from Cardinal.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RedFlag {
    pub group: FlagGroup,
    /// The ocid, buyer id, procuring entity id or tenderer id.
    pub id: String,
    /// Indicator code, e.g. `R018`.
    pub code: String,
    /// Cardinal's output value (always a decimal; 1.0 for yes/no flags).
    pub value: f64,
}

impl RedFlag {
    /// English and Thai titles of the indicators Cardinal documents; `None` for codes
    /// this version does not know (they are still returned, with their code).
    #[must_use]
    pub fn title(&self) -> Option<(&'static str, &'static str)> {
        indicator_title(&self.code)
    }
}

/// Titles of Cardinal's red-flag indicators (English from Cardinal's documentation, Thai
/// ours).
#[must_use]
pub fn indicator_title(code: &str) -> Option<(&'static str, &'static str)> {
    Some(match code {
        "R003" => ("Short submission period", "ระยะเวลายื่นข้อเสนอสั้นผิดปกติ"),
        "R018" => ("Single bid received", "มีผู้ยื่นข้อเสนอเพียงรายเดียว"),
        "R024" => (
            "Price close to winning bid",
            "ราคาผู้ชนะใกล้กับราคาต่ำสุดลำดับถัดไปผิดปกติ",
        ),
        "R025" => ("Excessive unsuccessful bids", "ผู้ยื่นข้อเสนอแพ้บ่อยผิดปกติ"),
        "R028" => ("Identical bid prices", "ราคาเสนอเท่ากันทุกบาท"),
        "R030" => ("Late bid won", "ข้อเสนอที่ยื่นล่าช้าได้รับคัดเลือก"),
        "R035" => ("All except winning bid disqualified", "ตัดสิทธิ์ทุกรายยกเว้นผู้ชนะ"),
        "R036" => ("Lowest bid disqualified", "ตัดสิทธิ์ผู้เสนอราคาต่ำสุด"),
        "R038" => ("Excessive disqualified bids", "ตัดสิทธิ์ผู้ยื่นข้อเสนอมากผิดปกติ"),
        "R044" => (
            "Business similarities between suppliers",
            "ผู้ยื่นข้อเสนอมีความเชื่อมโยงกัน",
        ),
        "R048" => (
            "Heterogeneous supplier",
            "ผู้ขายรายเดียวรับงานหลากหลายประเภทผิดปกติ",
        ),
        "R055" => ("Wide disparity in bid prices", "ราคาเสนอแตกต่างกันมากผิดปกติ"),
        "R058" => ("Heavily discounted bid", "ราคาเสนอต่ำกว่าราคากลางมากผิดปกติ"),
        _ => return None,
    })
}

/// Parses the JSON printed by `ocdscardinal indicators` into flags, sorted by group, id
/// and code. The `Meta` and `Maps` keys are ignored; unknown groups are an error.
pub fn red_flags_from_cardinal_output(json: &str) -> Result<Vec<RedFlag>, OcdsError> {
    let v: Value = serde_json::from_str(json).map_err(|e| OcdsError::Cardinal(e.to_string()))?;
    let Value::Object(top) = v else {
        return Err(OcdsError::Cardinal("top level is not an object".into()));
    };
    let mut out = Vec::new();
    for (key, groupv) in &top {
        if key == "Meta" || key == "Maps" {
            continue;
        }
        let group = FlagGroup::from_key(key)
            .ok_or_else(|| OcdsError::Cardinal(format!("unknown group {key:?}")))?;
        let Value::Object(ids) = groupv else {
            return Err(OcdsError::Cardinal(format!(
                "group {key:?} is not an object"
            )));
        };
        for (id, results) in ids {
            let Value::Object(results) = results else {
                return Err(OcdsError::Cardinal(format!(
                    "results of {id:?} are not an object"
                )));
            };
            for (code, value) in results {
                let value = value
                    .as_f64()
                    .ok_or_else(|| OcdsError::Cardinal(format!("{id:?} {code}: not a number")))?;
                out.push(RedFlag {
                    group,
                    id: id.clone(),
                    code: code.clone(),
                    value,
                });
            }
        }
    }
    out.sort_by(|a, b| (a.group, &a.id, &a.code).cmp(&(b.group, &b.id, &b.code)));
    Ok(out)
}

/// The flags about one contracting process.
#[must_use]
pub fn flags_for_ocid<'a>(flags: &'a [RedFlag], ocid: &str) -> Vec<&'a RedFlag> {
    flags
        .iter()
        .filter(|f| f.group == FlagGroup::Ocid && f.id == ocid)
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use time::macros::datetime;

    fn org() -> Organization {
        Organization {
            slug: "chachoengsao".into(),
            name_th: "เทศบาลเมืองฉะเชิงเทรา".into(),
            name_en: Some("Chachoengsao Town Municipality".into()),
            tax_id: Some("0994000123456".into()),
        }
    }

    fn single_bid() -> Procurement {
        Procurement {
            org: org(),
            id: "66017001234".into(),
            subject: "ประกวดราคาจ้างก่อสร้างถนน คสล. ซอยสุขาภิบาล ๓".into(),
            description: None,
            division: "กองช่าง".into(),
            method: Method::EBidding,
            category: Some(Category::Works),
            budget: Some(Satang::from_baht(2_500_000)),
            reference_price: Some(Satang::from_baht(2_480_000)),
            bidders: vec![Bidder {
                name: "ห้างหุ้นส่วนจำกัด ทดสอบการโยธา".into(),
                tax_id: Some("0243555000111".into()),
                amount: Some(Satang(247_000_050)),
                date: Some(datetime!(2023-02-01 09:30 +7)),
                status: BidStatus::Valid,
            }],
            winner: Some(0),
            contract_amount: Some(Satang(247_000_050)),
            dates: ProcurementDates {
                planned: Some(datetime!(2022-10-20 10:00 +7)),
                announced: Some(datetime!(2023-01-16 10:00 +7)),
                tender_start: None,
                tender_end: Some(datetime!(2023-02-01 16:30 +7)),
                awarded: Some(datetime!(2023-02-10 14:00 +7)),
                contract_signed: Some(datetime!(2023-02-20 10:00 +7)),
                contract_start: Some(time::macros::date!(2023 - 02 - 21)),
                contract_end: Some(time::macros::date!(2023 - 06 - 20)),
            },
            documents: vec![],
            plan_project: None,
            fiscal_year: 2566,
        }
    }

    #[test]
    fn ocid_and_release_ids_are_stable() {
        let cfg = OcdsConfig::for_tests("https://example.invalid/ocds");
        let p = single_bid();
        assert_eq!(ocid(&cfg, &p), "ocds-prongsai-chachoengsao-66017001234");
        let rels = releases(&cfg, &p).unwrap();
        let ids: Vec<&str> = rels.iter().map(|r| r["id"].as_str().unwrap()).collect();
        assert_eq!(
            ids,
            [
                "ocds-prongsai-chachoengsao-66017001234-planning",
                "ocds-prongsai-chachoengsao-66017001234-tender",
                "ocds-prongsai-chachoengsao-66017001234-award",
                "ocds-prongsai-chachoengsao-66017001234-contract"
            ]
        );
        let c = compiled_release(&cfg, &p).unwrap().unwrap();
        assert_eq!(c["tag"], serde_json::json!(["compiled"]));
        assert_eq!(c["tender"]["numberOfTenderers"], 1);
        assert_eq!(c["tender"]["procurementMethod"], "open");
        assert_eq!(c["bids"]["details"][0]["value"]["amount"], 2_470_000.5);
        assert_eq!(c["parties"][0]["identifier"]["scheme"], "TH-RD");
        assert_eq!(
            c["parties"][1]["roles"],
            serde_json::json!(["tenderer", "supplier"])
        );
        assert_eq!(
            c["contracts"][0]["period"]["endDate"],
            "2023-06-20T00:00:00+07:00"
        );
    }

    #[test]
    fn deterministic_bytes() {
        let cfg = OcdsConfig::for_tests("https://example.invalid/ocds");
        let ps = vec![single_bid()];
        let t = datetime!(2023-03-01 00:00 UTC);
        let a = to_json_text(&record_package(&cfg, &ps, t, "records.json").unwrap());
        let b = to_json_text(&record_package(&cfg, &ps, t, "records.json").unwrap());
        assert_eq!(a, b);
    }

    #[test]
    fn bad_winner_is_rejected() {
        let cfg = OcdsConfig::for_tests("https://example.invalid/ocds");
        let mut p = single_bid();
        p.winner = Some(3);
        assert!(matches!(releases(&cfg, &p), Err(OcdsError::Invalid { .. })));
    }

    #[test]
    fn cardinal_output_is_parsed() {
        // The output format documented by Cardinal (docs/cli/indicators/index.md).
        let out = r#"{"OCID":{"ocds-6550wx-JRFPFA-DAF-CM-2021-0012":{"R036":1.0}},
            "Buyer":{"DO-RPE-55216":{"R038":0.8}},
            "Meta":{"R024":{"q1":66.6667,"q3":100.0,"lower_fence":16.6667}}}"#;
        let flags = red_flags_from_cardinal_output(out).unwrap();
        assert_eq!(flags.len(), 2);
        assert_eq!(flags[0].group, FlagGroup::Ocid);
        assert_eq!(flags[0].code, "R036");
        assert_eq!(flags[1].group, FlagGroup::Buyer);
        assert!((flags[1].value - 0.8).abs() < 1e-9);
        assert_eq!(
            flags_for_ocid(&flags, "ocds-6550wx-JRFPFA-DAF-CM-2021-0012").len(),
            1
        );
        // R018's documented demonstration output.
        let r018 = red_flags_from_cardinal_output(r#"{"OCID":{"F":{"R018":1.0}}}"#).unwrap();
        assert_eq!(r018[0].title().map(|t| t.0), Some("Single bid received"));
        assert!(red_flags_from_cardinal_output(r#"{"Nope":{}}"#).is_err());
        assert!(red_flags_from_cardinal_output("[]").is_err());
    }
}

/// A realistic demo set: fiscal year 2566 purchases of เทศบาลเมืองฉะเชิงเทรา (names of
/// suppliers and tax ids are invented). It has every method, a single-bid e-bidding, three
/// เฉพาะเจาะจง purchases of the same goods split just under the 500,000-baht limit in one
/// month, a supplier that wins repeatedly, and a tender still open. Used by the tests and
/// available for demo data.
pub mod sample {
    use super::{
        BidStatus, Bidder, Category, DocumentKind, DocumentRef, Method, Organization, PlanLink,
        Procurement, ProcurementDates, Satang,
    };
    use time::macros::{date, datetime};

    fn org() -> Organization {
        Organization {
            slug: "chachoengsao".into(),
            name_th: "เทศบาลเมืองฉะเชิงเทรา".into(),
            name_en: Some("Chachoengsao Town Municipality".into()),
            tax_id: Some("0994000598012".into()),
        }
    }

    fn bidder(
        name: &str,
        tax: &str,
        baht: i64,
        status: BidStatus,
        at: time::OffsetDateTime,
    ) -> Bidder {
        Bidder {
            name: name.into(),
            tax_id: Some(tax.into()),
            amount: Some(Satang::from_baht(baht)),
            date: Some(at),
            status,
        }
    }

    fn doc(kind: DocumentKind, title: &str, n: &str) -> DocumentRef {
        DocumentRef {
            url: format!("https://example.invalid/egp/{n}.pdf"),
            title: title.into(),
            kind,
        }
    }

    const ELECTRIC: (&str, &str) = ("ร้านรุ่งเรืองการไฟฟ้า", "3240100456781");

    /// The demo procurements.
    #[must_use]
    #[allow(clippy::too_many_lines)]
    pub fn procurements() -> Vec<Procurement> {
        let plan = |id: &str, title: &str| {
            Some(PlanLink {
                project_id: id.into(),
                title: title.into(),
                url: Some(format!("https://example.invalid/plan/{id}")),
            })
        };
        let split = |n: u8, baht: i64, day: time::OffsetDateTime| Procurement {
            org: org(),
            id: format!("6605000{n}"),
            subject: format!("จัดซื้อวัสดุไฟฟ้าและวิทยุ สำหรับซ่อมแซมไฟฟ้าส่องสว่าง ชุดที่ {n}"),
            description: None,
            division: "กองช่าง".into(),
            method: Method::Specific,
            category: Some(Category::Goods),
            budget: Some(Satang::from_baht(500_000)),
            reference_price: Some(Satang::from_baht(baht)),
            bidders: vec![bidder(ELECTRIC.0, ELECTRIC.1, baht, BidStatus::Valid, day)],
            winner: Some(0),
            contract_amount: Some(Satang::from_baht(baht)),
            dates: ProcurementDates {
                planned: None,
                announced: Some(day),
                tender_start: None,
                tender_end: None,
                awarded: Some(day + time::Duration::days(1)),
                contract_signed: Some(day + time::Duration::days(2)),
                contract_start: Some((day + time::Duration::days(2)).date()),
                contract_end: Some((day + time::Duration::days(9)).date()),
            },
            documents: vec![doc(
                DocumentKind::ContractSigned,
                "ใบสั่งซื้อ",
                &format!("po-6605000{n}"),
            )],
            plan_project: None,
            fiscal_year: 2566,
        };
        vec![
            Procurement {
                org: org(),
                id: "66019012345".into(),
                subject: "ประกวดราคาจ้างก่อสร้างถนนคอนกรีตเสริมเหล็ก ซอยมรุพงษ์ ๒ ด้วยวิธีประกวดราคาอิเล็กทรอนิกส์ (e-bidding)".into(),
                description: Some("ผิวจราจรกว้าง ๕ เมตร ยาว ๓๒๐ เมตร หนา ๐.๑๕ เมตร".into()),
                division: "กองช่าง".into(),
                method: Method::EBidding,
                category: Some(Category::Works),
                budget: Some(Satang::from_baht(3_200_000)),
                reference_price: Some(Satang::from_baht(3_150_000)),
                bidders: vec![
                    bidder("ห้างหุ้นส่วนจำกัด ฉะเชิงเทราโยธากิจ", "0243547000123", 2_990_000, BidStatus::Valid, datetime!(2023-01-30 10:12 +7)),
                    bidder("บริษัท แปดริ้วคอนสตรัคชั่น จำกัด", "0245560000456", 3_050_000, BidStatus::Valid, datetime!(2023-01-30 11:40 +7)),
                    bidder("ห้างหุ้นส่วนจำกัด บางปะกงก่อสร้าง", "0243551000789", 2_870_000, BidStatus::Disqualified, datetime!(2023-01-30 13:05 +7)),
                ],
                winner: Some(0),
                contract_amount: Some(Satang::from_baht(2_990_000)),
                dates: ProcurementDates {
                    planned: Some(datetime!(2022-10-25 09:00 +7)),
                    announced: Some(datetime!(2023-01-16 10:00 +7)),
                    tender_start: Some(datetime!(2023-01-23 08:30 +7)),
                    tender_end: Some(datetime!(2023-01-30 16:30 +7)),
                    awarded: Some(datetime!(2023-02-08 14:00 +7)),
                    contract_signed: Some(datetime!(2023-02-20 10:00 +7)),
                    contract_start: Some(date!(2023 - 02 - 21)),
                    contract_end: Some(date!(2023 - 06 - 20)),
                },
                documents: vec![
                    doc(DocumentKind::ProcurementPlan, "แผนการจัดซื้อจัดจ้าง ประจำปีงบประมาณ พ.ศ. ๒๕๖๖", "plan-2566"),
                    doc(DocumentKind::TenderNotice, "ประกาศเชิญชวน", "notice-66019012345"),
                    doc(DocumentKind::BiddingDocuments, "เอกสารประกวดราคา", "tor-66019012345"),
                    doc(DocumentKind::AwardNotice, "ประกาศผู้ชนะการเสนอราคา", "award-66019012345"),
                    doc(DocumentKind::ContractSigned, "สัญญาจ้าง", "contract-66019012345"),
                ],
                plan_project: plan("dev-2566-3.1.4", "โครงการก่อสร้างถนน คสล. ซอยมรุพงษ์ ๒"),
                fiscal_year: 2566,
            },
            Procurement {
                org: org(),
                id: "66029001122".into(),
                subject: "ประกวดราคาจ้างก่อสร้างรางระบายน้ำ คสล. ถนนศุขประยูร ด้วยวิธีประกวดราคาอิเล็กทรอนิกส์ (e-bidding)".into(),
                description: None,
                division: "กองช่าง".into(),
                method: Method::EBidding,
                category: Some(Category::Works),
                budget: Some(Satang::from_baht(1_850_000)),
                reference_price: Some(Satang::from_baht(1_842_000)),
                bidders: vec![bidder("ห้างหุ้นส่วนจำกัด ฉะเชิงเทราโยธากิจ", "0243547000123", 1_838_500, BidStatus::Valid, datetime!(2023-03-06 15:55 +7))],
                winner: Some(0),
                contract_amount: Some(Satang::from_baht(1_838_500)),
                dates: ProcurementDates {
                    planned: Some(datetime!(2022-10-25 09:00 +7)),
                    announced: Some(datetime!(2023-02-20 10:00 +7)),
                    tender_start: Some(datetime!(2023-02-27 08:30 +7)),
                    tender_end: Some(datetime!(2023-03-06 16:30 +7)),
                    awarded: Some(datetime!(2023-03-14 11:00 +7)),
                    contract_signed: Some(datetime!(2023-03-24 10:00 +7)),
                    contract_start: Some(date!(2023 - 03 - 25)),
                    contract_end: Some(date!(2023 - 07 - 22)),
                },
                documents: vec![doc(DocumentKind::TenderNotice, "ประกาศเชิญชวน", "notice-66029001122")],
                plan_project: plan("dev-2566-3.2.1", "โครงการก่อสร้างรางระบายน้ำ ถนนศุขประยูร"),
                fiscal_year: 2566,
            },
            Procurement {
                org: org(),
                id: "66037004455".into(),
                subject: "ซื้อถุงพลาสติกสำหรับใส่ขยะ ด้วยวิธีตลาดอิเล็กทรอนิกส์ (e-market)".into(),
                description: None,
                division: "กองสาธารณสุขและสิ่งแวดล้อม".into(),
                method: Method::EMarket,
                category: Some(Category::Goods),
                budget: Some(Satang::from_baht(620_000)),
                reference_price: Some(Satang::from_baht(615_000)),
                bidders: vec![
                    bidder("บริษัท พลาสติกไทยรุ่งเรือง จำกัด", "0105548000111", 540_000, BidStatus::Valid, datetime!(2023-04-10 10:00 +7)),
                    bidder("ร้านสมบูรณ์พาณิชย์", "3240100111223", 552_500, BidStatus::Valid, datetime!(2023-04-10 10:05 +7)),
                    bidder("บริษัท ตะวันออกแพ็คเกจจิ้ง จำกัด", "0245559000777", 561_000, BidStatus::Valid, datetime!(2023-04-10 10:07 +7)),
                    bidder("ห้างหุ้นส่วนจำกัด แปดริ้วซัพพลาย", "0243560000999", 575_000, BidStatus::Withdrawn, datetime!(2023-04-10 10:09 +7)),
                ],
                winner: Some(0),
                contract_amount: Some(Satang::from_baht(540_000)),
                dates: ProcurementDates {
                    planned: None,
                    announced: Some(datetime!(2023-03-31 10:00 +7)),
                    tender_start: Some(datetime!(2023-04-03 08:30 +7)),
                    tender_end: Some(datetime!(2023-04-07 16:30 +7)),
                    awarded: Some(datetime!(2023-04-12 15:00 +7)),
                    contract_signed: Some(datetime!(2023-04-18 10:00 +7)),
                    contract_start: Some(date!(2023 - 04 - 18)),
                    contract_end: Some(date!(2023 - 05 - 17)),
                },
                documents: vec![doc(DocumentKind::AwardNotice, "ประกาศผู้ชนะการเสนอราคา", "award-66037004455")],
                plan_project: None,
                fiscal_year: 2566,
            },
            Procurement {
                org: org(),
                id: "66049007788".into(),
                subject: "ซื้อรถบรรทุกขยะ ขนาด ๖ ตัน ๖ ล้อ แบบอัดท้าย จำนวน ๑ คัน โดยวิธีคัดเลือก".into(),
                description: None,
                division: "กองสาธารณสุขและสิ่งแวดล้อม".into(),
                method: Method::Selection,
                category: Some(Category::Goods),
                budget: Some(Satang::from_baht(2_500_000)),
                reference_price: Some(Satang::from_baht(2_480_000)),
                bidders: vec![
                    bidder("บริษัท ตะวันออกยานยนต์ จำกัด", "0245549000321", 2_450_000, BidStatus::Valid, datetime!(2023-05-15 10:00 +7)),
                    bidder("บริษัท สยามทรัคเซอร์วิส จำกัด", "0105551000654", 2_475_000, BidStatus::Valid, datetime!(2023-05-15 10:30 +7)),
                    Bidder { name: "บริษัท ชลบุรีมอเตอร์ จำกัด".into(), tax_id: Some("0205552000987".into()), amount: None, date: None, status: BidStatus::Invited },
                ],
                winner: Some(0),
                contract_amount: Some(Satang::from_baht(2_450_000)),
                dates: ProcurementDates {
                    planned: Some(datetime!(2022-10-25 09:00 +7)),
                    announced: Some(datetime!(2023-05-08 09:00 +7)),
                    tender_start: None,
                    tender_end: Some(datetime!(2023-05-15 12:00 +7)),
                    awarded: Some(datetime!(2023-05-22 14:00 +7)),
                    contract_signed: Some(datetime!(2023-05-30 10:00 +7)),
                    contract_start: Some(date!(2023 - 05 - 30)),
                    contract_end: Some(date!(2023 - 08 - 28)),
                },
                documents: vec![],
                plan_project: plan("dev-2566-5.1.2", "โครงการจัดหารถบรรทุกขยะ"),
                fiscal_year: 2566,
            },
            split(1, 495_000, datetime!(2023-06-05 10:00 +7)),
            split(2, 489_000, datetime!(2023-06-12 10:00 +7)),
            split(3, 492_500, datetime!(2023-06-19 10:00 +7)),
            Procurement {
                org: org(),
                id: "66079003344".into(),
                subject: "จ้างซ่อมแซมระบบไฟฟ้าอาคารสำนักงานเทศบาล".into(),
                description: None,
                division: "สำนักปลัดเทศบาล".into(),
                method: Method::Specific,
                category: Some(Category::Services),
                budget: Some(Satang::from_baht(150_000)),
                reference_price: Some(Satang::from_baht(148_000)),
                bidders: vec![bidder(ELECTRIC.0, ELECTRIC.1, 147_500, BidStatus::Valid, datetime!(2023-07-03 09:00 +7))],
                winner: Some(0),
                contract_amount: Some(Satang::from_baht(147_500)),
                dates: ProcurementDates {
                    planned: None,
                    announced: Some(datetime!(2023-07-03 09:00 +7)),
                    tender_start: None,
                    tender_end: None,
                    awarded: Some(datetime!(2023-07-04 09:00 +7)),
                    contract_signed: Some(datetime!(2023-07-05 09:00 +7)),
                    contract_start: Some(date!(2023 - 07 - 05)),
                    contract_end: Some(date!(2023 - 07 - 19)),
                },
                documents: vec![],
                plan_project: None,
                fiscal_year: 2566,
            },
            Procurement {
                org: org(),
                id: "66099005566".into(),
                subject: "ประกวดราคาจ้างปรับปรุงสวนสาธารณะริมแม่น้ำบางปะกง ด้วยวิธีประกวดราคาอิเล็กทรอนิกส์ (e-bidding)".into(),
                description: None,
                division: "กองช่าง".into(),
                method: Method::EBidding,
                category: Some(Category::Works),
                budget: Some(Satang::from_baht(4_800_000)),
                reference_price: Some(Satang::from_baht(4_750_000)),
                bidders: vec![],
                winner: None,
                contract_amount: None,
                dates: ProcurementDates {
                    planned: Some(datetime!(2022-10-25 09:00 +7)),
                    announced: Some(datetime!(2023-09-11 10:00 +7)),
                    tender_start: Some(datetime!(2023-09-18 08:30 +7)),
                    tender_end: Some(datetime!(2023-09-25 16:30 +7)),
                    ..ProcurementDates::default()
                },
                documents: vec![doc(DocumentKind::TenderNotice, "ประกาศเชิญชวน", "notice-66099005566")],
                plan_project: plan("dev-2566-4.3.1", "โครงการปรับปรุงภูมิทัศน์ริมแม่น้ำบางปะกง"),
                fiscal_year: 2566,
            },
        ]
    }

    /// The id of the single-bid e-bidding in [`procurements`].
    pub const SINGLE_BID_ID: &str = "66029001122";
}
