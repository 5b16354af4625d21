//! Budget and procurement (การจัดซื้อจัดจ้าง, plan projects 4, 10 and 12) as plain data:
//! the e-GP methods, money in satang typed by people, the monthly summary in the
//! official form แบบ สขร.1, the yearly procurement analysis of project 10 (by method, by
//! division, supplier concentration, purchases split under an approval threshold,
//! single-bidder procurements) and the red flags shown to staff per procurement.
//!
//! Red-flag codes follow OCP Cardinal where an indicator means the same thing
//! (`R018` single bid received, `R003` short submission period); the others are ours
//! (`PS01` split purchase, `PS02` supplier concentration, `PS03` award above the
//! reference price). No IO: the store loads [`Record`]s, this module computes.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use time::Date;

use crate::thai;

/// Thai e-GP procurement methods (พ.ร.บ.การจัดซื้อจัดจ้างฯ พ.ศ. ๒๕๖๐).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// ประกวดราคาอิเล็กทรอนิกส์ (e-bidding).
    EBidding,
    /// ตลาดอิเล็กทรอนิกส์ (e-market).
    EMarket,
    /// สอบราคา.
    PriceInquiry,
    /// วิธีคัดเลือก.
    Selection,
    /// วิธีเฉพาะเจาะจง.
    Specific,
}

impl Method {
    pub const ALL: [Method; 5] = [
        Method::EBidding,
        Method::EMarket,
        Method::PriceInquiry,
        Method::Selection,
        Method::Specific,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Method::EBidding => "e_bidding",
            Method::EMarket => "e_market",
            Method::PriceInquiry => "price_inquiry",
            Method::Selection => "selection",
            Method::Specific => "specific",
        }
    }

    pub fn from_code(s: &str) -> Option<Method> {
        Method::ALL.into_iter().find(|m| m.code() == s)
    }

    pub fn label_th(self) -> &'static str {
        match self {
            Method::EBidding => "ประกวดราคาอิเล็กทรอนิกส์ (e-bidding)",
            Method::EMarket => "ตลาดอิเล็กทรอนิกส์ (e-market)",
            Method::PriceInquiry => "สอบราคา",
            Method::Selection => "คัดเลือก",
            Method::Specific => "เฉพาะเจาะจง",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Method::EBidding => "Electronic bidding (e-bidding)",
            Method::EMarket => "Electronic market (e-market)",
            Method::PriceInquiry => "Price inquiry",
            Method::Selection => "Selection",
            Method::Specific => "Specific (direct)",
        }
    }

    /// Methods open to every supplier or to several invited ones: where a single bid
    /// means competition failed (Cardinal's R018 looks at `open` and `selective`).
    pub fn is_competitive(self) -> bool {
        !matches!(self, Method::Specific)
    }

    /// Methods announced publicly, with a submission period.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            Method::EBidding | Method::EMarket | Method::PriceInquiry
        )
    }
}

/// Parses an amount of baht typed by a person (Thai or Arabic digits, `,` separators,
/// up to two decimals, optional "บาท") into satang.
pub fn parse_baht(input: &str) -> Option<i64> {
    let s: String = thai::normalize_digits(input)
        .replace("บาท", "")
        .chars()
        .filter(|c| *c != ',' && !c.is_whitespace())
        .collect();
    if s.is_empty() || s.starts_with('-') {
        return None;
    }
    let (whole, frac) = match s.split_once('.') {
        Some((w, f)) => (w, f),
        None => (s.as_str(), ""),
    };
    if whole.is_empty()
        || !whole.chars().all(|c| c.is_ascii_digit())
        || frac.len() > 2
        || !frac.chars().all(|c| c.is_ascii_digit())
    {
        return None;
    }
    let w: i64 = whole.parse().ok()?;
    let f: i64 = if frac.is_empty() {
        0
    } else if frac.len() == 1 {
        frac.parse::<i64>().ok()? * 10
    } else {
        frac.parse().ok()?
    };
    w.checked_mul(100)?.checked_add(f)
}

/// Satang written as baht with separators: `1234550` → `12,345.50`; whole baht without
/// decimals (`500000` satang → `5,000`).
pub fn format_baht(satang: i64) -> String {
    let neg = satang < 0;
    let a = satang.unsigned_abs();
    let mut out = thai::group_digits(&(a / 100).to_string());
    if !a.is_multiple_of(100) {
        out.push_str(&format!(".{:02}", a % 100));
    }
    if neg { format!("-{out}") } else { out }
}

/// Satang as a decimal number of baht (for spreadsheets and JSON).
pub fn satang_to_baht(satang: i64) -> f64 {
    satang as f64 / 100.0
}

// ---- names and identity numbers -------------------------------------------------------

/// Checks a Thai 13-digit identification number (บัตรประชาชน, or a juristic person's
/// tax id, which uses the same check digit). Thai digits, spaces and dashes are allowed;
/// returns the 13 ASCII digits.
pub fn parse_thai_id(input: &str) -> Option<String> {
    let digits: String = thai::normalize_digits(input)
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect();
    if digits.len() != 13 || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let d: Vec<u32> = digits.chars().filter_map(|c| c.to_digit(10)).collect();
    let sum: u32 = d[..12]
        .iter()
        .enumerate()
        .map(|(i, v)| v * (13 - i as u32))
        .sum();
    let check = (11 - sum % 11) % 10;
    (check == d[12]).then_some(digits)
}

/// Titles and company forms written before a name (longest first).
const NAME_PREFIXES: &[&str] = &[
    "ห้างหุ้นส่วนจำกัด",
    "ห้างหุ้นส่วนสามัญ",
    "บริษัท",
    "นางสาว",
    "หจก.",
    "บจก.",
    "บมจ.",
    "น.ส.",
    "ด.ช.",
    "ด.ญ.",
    "นาย",
    "นาง",
    "คุณ",
    "ร้าน",
];

/// Company forms written after a name.
const NAME_SUFFIXES: &[&str] = &["(มหาชน)", "มหาชน", "จำกัด"];

/// Latin titles and company forms, removed as whole words.
const NAME_WORDS: &[&str] = &[
    "company", "co.", "co.,", "limited", "ltd", "ltd.", "mr", "mr.", "mrs", "mrs.", "ms", "ms.",
];

/// A name reduced for comparison: Thai digits to ASCII, Latin lower-cased, titles and
/// company forms removed, SARA AM and NIKHAHIT written one way, and no spaces, dots,
/// brackets or zero-width characters. `"บริษัท สมชาย ใจดี จำกัด"` and `"นายสมชาย  ใจดี"`
/// both become `"สมชายใจดี"`. Only for comparing: never shown.
pub fn normalize_name(name: &str) -> String {
    let s = thai::normalize_digits(name)
        .to_lowercase()
        .replace(['\u{200B}', '\u{200C}', '\u{200D}', '\u{FEFF}'], "");
    let tokens: Vec<String> = s
        .split_whitespace()
        .filter(|t| !NAME_WORDS.contains(t))
        .map(|t| {
            let mut t = t;
            for p in NAME_PREFIXES {
                if let Some(rest) = t.strip_prefix(p) {
                    t = rest;
                    break;
                }
            }
            for x in NAME_SUFFIXES {
                if let Some(rest) = t.strip_suffix(x) {
                    t = rest;
                    break;
                }
            }
            t.to_string()
        })
        .collect();
    tokens
        .concat()
        // SARA AM is NIKHAHIT + SARA AA; people type either, with the tone mark before
        // or after the NIKHAHIT. Decompose, then drop the NIKHAHIT.
        .replace('\u{0E33}', "\u{0E32}")
        .replace('\u{0E4D}', "")
        .chars()
        .filter(|c| c.is_alphanumeric() || ('\u{0E00}'..='\u{0E7F}').contains(c))
        .collect()
}

/// How a bidder matched a declaration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchKind {
    /// Same 13-digit tax / identity number.
    TaxId,
    /// Same name once titles and company forms are removed.
    Name,
    /// One name contains the other (e.g. a shop named after the relative): a lead for
    /// the head to check, weaker than [`MatchKind::Name`].
    NameContains,
}

impl MatchKind {
    pub fn code(self) -> &'static str {
        match self {
            MatchKind::TaxId => "tax_id",
            MatchKind::Name => "name",
            MatchKind::NameContains => "name_contains",
        }
    }
    pub fn from_code(s: &str) -> Option<MatchKind> {
        [MatchKind::TaxId, MatchKind::Name, MatchKind::NameContains]
            .into_iter()
            .find(|m| m.code() == s)
    }
}

/// Shortest normalized name that may match by containment: shorter names ("สม") would
/// flag everything.
pub const MIN_CONTAINED_NAME: usize = 6;

/// Compares a bidder with one declared tie. `bidder_id_hash` and `declared_id_hash` are
/// keyed hashes of the 13-digit numbers (the store never keeps the numbers themselves).
pub fn match_tie(
    bidder_name_norm: &str,
    bidder_id_hash: Option<&str>,
    declared_name_norm: &str,
    declared_id_hash: Option<&str>,
) -> Option<MatchKind> {
    if let (Some(a), Some(b)) = (bidder_id_hash, declared_id_hash)
        && !a.is_empty()
        && a == b
    {
        return Some(MatchKind::TaxId);
    }
    if bidder_name_norm.is_empty() || declared_name_norm.is_empty() {
        return None;
    }
    if bidder_name_norm == declared_name_norm {
        return Some(MatchKind::Name);
    }
    let (short, long) = if bidder_name_norm.chars().count() < declared_name_norm.chars().count() {
        (bidder_name_norm, declared_name_norm)
    } else {
        (declared_name_norm, bidder_name_norm)
    };
    (short.chars().count() >= MIN_CONTAINED_NAME && long.contains(short))
        .then_some(MatchKind::NameContains)
}

// ---- records, the monthly summary and the yearly analysis ---------------------------

/// One bidder of a procurement as the analysis sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bid {
    pub name: String,
    /// The bid in satang, when known.
    pub amount: Option<i64>,
    /// Disqualified bids count as submitted (as Cardinal counts them).
    pub disqualified: bool,
}

/// A procurement record, reduced to what the summary and the analysis need.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    pub id: i64,
    /// e-GP project number or the organization's own reference.
    pub ref_no: String,
    pub subject: String,
    pub division: String,
    pub method: Method,
    /// Budget (วงเงินงบประมาณ), satang.
    pub budget: i64,
    /// Reference price (ราคากลาง), satang.
    pub reference_price: Option<i64>,
    pub bids: Vec<Bid>,
    /// Index into `bids` of the winner.
    pub winner: Option<usize>,
    /// Contract amount (ราคาที่ตกลง), satang.
    pub contract_amount: Option<i64>,
    /// Why the winner was chosen (เหตุผลที่คัดเลือก).
    pub selection_reason: String,
    pub contract_no: String,
    pub contract_date: Option<Date>,
    pub announced_on: Option<Date>,
    pub tender_end_on: Option<Date>,
    /// The day the winner was chosen: the record's month in แบบ สขร.1.
    pub awarded_on: Option<Date>,
}

impl Record {
    pub fn winner_bid(&self) -> Option<&Bid> {
        self.winner.and_then(|i| self.bids.get(i))
    }

    /// What was agreed: the contract amount, else the winning bid.
    pub fn agreed_amount(&self) -> Option<i64> {
        self.contract_amount
            .or_else(|| self.winner_bid().and_then(|b| b.amount))
    }

    /// The supplier's key for counting: its normalized name.
    pub fn supplier_key(&self) -> Option<String> {
        self.winner_bid()
            .map(|b| normalize_name(&b.name))
            .filter(|k| !k.is_empty())
    }

    pub fn submitted_bids(&self) -> usize {
        self.bids.len()
    }
}

/// One line of แบบ สขร.1.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SummaryRow {
    /// ลำดับ.
    pub no: usize,
    pub procurement_id: i64,
    /// งานที่จัดซื้อจัดจ้าง.
    pub subject: String,
    /// วงเงินงบประมาณ (satang).
    pub budget: i64,
    /// ราคากลาง (satang).
    pub reference_price: Option<i64>,
    /// วิธีซื้อหรือจ้าง.
    pub method: Method,
    /// รายชื่อผู้เสนอราคาและราคาที่เสนอ.
    pub bidders: Vec<(String, Option<i64>)>,
    /// ผู้ได้รับการคัดเลือกและราคาที่ตกลง.
    pub winner: Option<(String, Option<i64>)>,
    /// เหตุผลที่คัดเลือกโดยสังเขป.
    pub reason: String,
    /// เลขที่และวันที่ของสัญญาหรือข้อตกลง.
    pub contract_no: String,
    pub contract_date: Option<Date>,
}

/// The monthly summary (แบบ สขร.1) of one month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthlySummary {
    pub year: i32,
    pub month: u8,
    pub rows: Vec<SummaryRow>,
    /// Sum of budgets, satang.
    pub total_budget: i64,
    /// Sum of agreed amounts, satang.
    pub total_agreed: i64,
}

/// The default reason when none was recorded: the regulation's usual wording.
pub const DEFAULT_REASON_TH: &str = "ผู้เสนอราคาต่ำสุดและคุณสมบัติถูกต้องตามเงื่อนไข";

/// Builds แบบ สขร.1 for a calendar month from the records awarded in it, in award
/// order (then id).
pub fn monthly_summary(records: &[Record], year: i32, month: u8) -> MonthlySummary {
    let mut chosen: Vec<&Record> = records
        .iter()
        .filter(|r| {
            r.awarded_on
                .is_some_and(|d| d.year() == year && u8::from(d.month()) == month)
        })
        .collect();
    chosen.sort_by_key(|r| (r.awarded_on, r.id));
    let rows: Vec<SummaryRow> = chosen
        .iter()
        .enumerate()
        .map(|(i, r)| SummaryRow {
            no: i + 1,
            procurement_id: r.id,
            subject: r.subject.clone(),
            budget: r.budget,
            reference_price: r.reference_price,
            method: r.method,
            bidders: r.bids.iter().map(|b| (b.name.clone(), b.amount)).collect(),
            winner: r.winner_bid().map(|b| (b.name.clone(), r.agreed_amount())),
            reason: if r.selection_reason.trim().is_empty() {
                DEFAULT_REASON_TH.to_string()
            } else {
                r.selection_reason.clone()
            },
            contract_no: r.contract_no.clone(),
            contract_date: r.contract_date,
        })
        .collect();
    MonthlySummary {
        year,
        month,
        total_budget: rows.iter().map(|r| r.budget).sum(),
        total_agreed: rows
            .iter()
            .filter_map(|r| r.winner.as_ref().and_then(|w| w.1))
            .sum(),
        rows,
    }
}

/// Settings of the yearly analysis.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnalysisConfig {
    /// The approval threshold purchases may be split under (satang). Default 500,000
    /// baht: the limit of the specific method for most purchases (ระเบียบฯ ข้อ 79).
    pub split_threshold: i64,
    /// Purchases within this many days of the first are looked at together.
    pub split_window_days: i64,
    /// How many top suppliers the concentration share adds up.
    pub top_n: usize,
    /// A supplier with at least this share of the year's value (in basis points,
    /// 2500 = 25 %) and at least two awards is flagged `PS02`.
    pub concentration_flag_bp: i64,
    /// Open methods announced fewer days than this before the deadline are flagged R003.
    pub min_tender_days: i64,
}

impl Default for AnalysisConfig {
    fn default() -> Self {
        AnalysisConfig {
            split_threshold: 500_000 * 100,
            split_window_days: 30,
            top_n: 3,
            concentration_flag_bp: 2500,
            min_tender_days: 5,
        }
    }
}

/// Counts and sums of one group (a method or a division).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupTotals {
    pub key: String,
    pub count: usize,
    pub budget: i64,
    pub agreed: i64,
    /// Budget minus agreed amount, over records with an agreed amount.
    pub saving: i64,
}

/// A supplier's share of the year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupplierShare {
    pub key: String,
    /// The name as first written.
    pub name: String,
    pub awards: usize,
    pub value: i64,
    /// Share of the year's agreed value in basis points (1/100 of a percent).
    pub share_bp: i64,
}

/// Purchases that look split to stay under the threshold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SplitGroup {
    /// `supplier` or `subject`: what the purchases share.
    pub by: String,
    pub key: String,
    pub procurement_ids: Vec<i64>,
    pub total: i64,
    pub first: Date,
    pub last: Date,
}

/// The yearly procurement analysis (รายงานผลการวิเคราะห์การจัดซื้อจัดจ้าง, project 10).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Analysis {
    pub count: usize,
    pub total_budget: i64,
    pub total_agreed: i64,
    pub by_method: Vec<GroupTotals>,
    pub by_division: Vec<GroupTotals>,
    /// Suppliers by value, largest first.
    pub suppliers: Vec<SupplierShare>,
    /// Share of the top `top_n` suppliers, basis points.
    pub top_share_bp: i64,
    /// Herfindahl–Hirschman index of supplier shares, 0–10,000.
    pub hhi: i64,
    pub splits: Vec<SplitGroup>,
    /// Competitive procurements with one bid.
    pub single_bidder: Vec<i64>,
}

fn add_to(groups: &mut BTreeMap<String, GroupTotals>, key: &str, r: &Record) {
    let g = groups
        .entry(key.to_string())
        .or_insert_with(|| GroupTotals {
            key: key.to_string(),
            ..GroupTotals::default()
        });
    g.count += 1;
    g.budget += r.budget;
    if let Some(a) = r.agreed_amount() {
        g.agreed += a;
        g.saving += r.budget - a;
    }
}

/// Subject reduced to its kind: normalized, with digits and "ครั้งที่/งวดที่/ชุดที่"
/// removed, so "วัสดุสำนักงาน ครั้งที่ 2" and "… ครั้งที่ 3" are the same kind.
pub fn subject_kind(subject: &str) -> String {
    let s = thai::normalize_digits(subject);
    let s = ["ครั้งที่", "งวดที่", "ชุดที่", "รายการที่"]
        .iter()
        .fold(s, |acc, w| acc.replace(w, ""));
    s.chars()
        .filter(|c| !c.is_ascii_digit())
        .filter(|c| c.is_alphanumeric() || ('\u{0E00}'..='\u{0E7F}').contains(c))
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_lowercase()
}

/// Purchases grouped by what they share (`supplier`/`subject`, key): record, award
/// date, agreed amount.
type SplitCandidates<'a> = BTreeMap<(String, String), Vec<(&'a Record, Date, i64)>>;

fn find_splits(records: &[Record], cfg: &AnalysisConfig) -> Vec<SplitGroup> {
    let mut groups: SplitCandidates<'_> = BTreeMap::new();
    for r in records {
        let (Some(d), Some(amount)) = (r.awarded_on, r.agreed_amount()) else {
            continue;
        };
        if amount >= cfg.split_threshold {
            continue;
        }
        if let Some(k) = r.supplier_key() {
            groups
                .entry(("supplier".into(), k))
                .or_default()
                .push((r, d, amount));
        }
        let kind = subject_kind(&r.subject);
        if !kind.is_empty() {
            groups
                .entry(("subject".into(), kind))
                .or_default()
                .push((r, d, amount));
        }
    }
    let mut out: Vec<SplitGroup> = Vec::new();
    let mut seen: BTreeSet<Vec<i64>> = BTreeSet::new();
    for ((by, key), mut items) in groups {
        items.sort_by_key(|(r, d, _)| (*d, r.id));
        let mut covered_until = 0;
        for start in 0..items.len() {
            let first = items[start].1;
            let window: Vec<&(&Record, Date, i64)> = items[start..]
                .iter()
                .take_while(|(_, d, _)| (*d - first).whole_days() <= cfg.split_window_days)
                .collect();
            let end = start + window.len();
            if window.len() < 2 || end <= covered_until {
                continue;
            }
            let total: i64 = window.iter().map(|(_, _, a)| a).sum();
            if total <= cfg.split_threshold {
                continue;
            }
            let mut ids: Vec<i64> = window.iter().map(|(r, _, _)| r.id).collect();
            ids.sort_unstable();
            covered_until = end;
            if seen.insert(ids.clone()) {
                out.push(SplitGroup {
                    by: by.clone(),
                    key: key.clone(),
                    procurement_ids: ids,
                    total,
                    first,
                    last: window.last().map_or(first, |w| w.1),
                });
            }
        }
    }
    out.sort_by(|a, b| (a.first, &a.procurement_ids).cmp(&(b.first, &b.procurement_ids)));
    out
}

/// Computes the yearly analysis over a year's records.
pub fn analyse(records: &[Record], cfg: &AnalysisConfig) -> Analysis {
    let mut by_method = BTreeMap::new();
    let mut by_division = BTreeMap::new();
    let mut suppliers: BTreeMap<String, SupplierShare> = BTreeMap::new();
    for r in records {
        add_to(&mut by_method, r.method.code(), r);
        add_to(&mut by_division, &r.division, r);
        if let (Some(k), Some(a), Some(b)) = (r.supplier_key(), r.agreed_amount(), r.winner_bid()) {
            let s = suppliers.entry(k.clone()).or_insert_with(|| SupplierShare {
                key: k,
                name: b.name.clone(),
                awards: 0,
                value: 0,
                share_bp: 0,
            });
            s.awards += 1;
            s.value += a;
        }
    }
    let awarded_value: i64 = suppliers.values().map(|s| s.value).sum();
    let mut suppliers: Vec<SupplierShare> = suppliers.into_values().collect();
    for s in &mut suppliers {
        s.share_bp = share_bp(s.value, awarded_value);
    }
    suppliers.sort_by(|a, b| b.value.cmp(&a.value).then(a.key.cmp(&b.key)));
    let top_share_bp = share_bp(
        suppliers.iter().take(cfg.top_n).map(|s| s.value).sum(),
        awarded_value,
    );
    let hhi = if awarded_value == 0 {
        0
    } else {
        // Σ (share in percent)², computed exactly then rounded.
        let sum_sq: i128 = suppliers
            .iter()
            .map(|s| i128::from(s.value) * i128::from(s.value))
            .sum();
        let total_sq = i128::from(awarded_value) * i128::from(awarded_value);
        ((sum_sq * 10_000 + total_sq / 2) / total_sq) as i64
    };
    let mut method_list: Vec<GroupTotals> = by_method.into_values().collect();
    method_list.sort_by_key(|g| Method::from_code(&g.key).map_or(usize::MAX, |m| m as usize));
    Analysis {
        count: records.len(),
        total_budget: records.iter().map(|r| r.budget).sum(),
        total_agreed: records.iter().filter_map(Record::agreed_amount).sum(),
        by_method: method_list,
        by_division: by_division.into_values().collect(),
        top_share_bp,
        hhi,
        splits: find_splits(records, cfg),
        single_bidder: records
            .iter()
            .filter(|r| r.method.is_competitive() && r.submitted_bids() == 1)
            .map(|r| r.id)
            .collect(),
        suppliers,
    }
}

fn share_bp(part: i64, whole: i64) -> i64 {
    if whole == 0 {
        0
    } else {
        ((i128::from(part) * 10_000 + i128::from(whole) / 2) / i128::from(whole)) as i64
    }
}

/// A red flag on one procurement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Flag {
    pub procurement_id: i64,
    /// Cardinal's indicator code where it means the same, else ours (`PS…`).
    pub code: String,
    /// Where the flag came from: `prongsai` or `cardinal`.
    pub source: String,
}

/// Titles of our own indicator codes (English, Thai); Cardinal's come from
/// `prongsai_opendata::ocds::indicator_title`.
pub fn own_indicator_title(code: &str) -> Option<(&'static str, &'static str)> {
    Some(match code {
        "PS01" => (
            "Purchases split under the approval threshold",
            "แบ่งซื้อแบ่งจ้างให้ต่ำกว่าวงเงินอนุมัติ",
        ),
        "PS02" => ("High supplier concentration", "ผู้ขายรายเดียวได้งานสัดส่วนสูง"),
        "PS03" => ("Award above the reference price", "ราคาที่ตกลงสูงกว่าราคากลาง"),
        _ => return None,
    })
}

/// The red flags of a year's procurements, computed from our own records: `R018`
/// single bid received (competitive methods), `R003` short submission period (open
/// methods), `PS01` split purchase, `PS02` a supplier with a high share of the year,
/// `PS03` agreed amount above the reference price. Sorted by procurement, then code.
pub fn red_flags(records: &[Record], cfg: &AnalysisConfig) -> Vec<Flag> {
    let a = analyse(records, cfg);
    let mut out: BTreeSet<(i64, String)> = BTreeSet::new();
    for id in &a.single_bidder {
        out.insert((*id, "R018".into()));
    }
    for r in records {
        if r.method.is_open()
            && let (Some(s), Some(e)) = (r.announced_on, r.tender_end_on)
            && (e - s).whole_days() < cfg.min_tender_days
        {
            out.insert((r.id, "R003".into()));
        }
        if let (Some(agreed), Some(reference)) = (r.agreed_amount(), r.reference_price)
            && agreed > reference
        {
            out.insert((r.id, "PS03".into()));
        }
    }
    for s in &a.splits {
        for id in &s.procurement_ids {
            out.insert((*id, "PS01".into()));
        }
    }
    let concentrated: BTreeSet<&str> = a
        .suppliers
        .iter()
        .filter(|s| s.awards >= 2 && s.share_bp >= cfg.concentration_flag_bp)
        .map(|s| s.key.as_str())
        .collect();
    for r in records {
        if r.supplier_key()
            .is_some_and(|k| concentrated.contains(k.as_str()))
        {
            out.insert((r.id, "PS02".into()));
        }
    }
    out.into_iter()
        .map(|(procurement_id, code)| Flag {
            procurement_id,
            code,
            source: "prongsai".into(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use time::macros::date;

    fn rec(
        id: i64,
        subject: &str,
        method: Method,
        budget_baht: i64,
        bids: &[(&str, i64)],
        day: Date,
    ) -> Record {
        Record {
            id,
            ref_no: format!("R{id}"),
            subject: subject.into(),
            division: "กองคลัง".into(),
            method,
            budget: budget_baht * 100,
            reference_price: Some(budget_baht * 100),
            bids: bids
                .iter()
                .map(|(n, a)| Bid {
                    name: (*n).into(),
                    amount: Some(a * 100),
                    disqualified: false,
                })
                .collect(),
            winner: if bids.is_empty() { None } else { Some(0) },
            contract_amount: bids.first().map(|b| b.1 * 100),
            selection_reason: String::new(),
            contract_no: format!("{id}/2566"),
            contract_date: Some(day),
            announced_on: None,
            tender_end_on: None,
            awarded_on: Some(day),
        }
    }

    #[test]
    fn thai_ids_are_checked() {
        // 1-1017-00230-71-6: weights 13…2 give 148, 148 mod 11 = 5, (11 − 5) mod 10 = 6.
        assert_eq!(
            parse_thai_id("1-1017-00230-71-6").as_deref(),
            Some("1101700230716")
        );
        assert_eq!(
            parse_thai_id("๑๑๐๑๗๐๐๒๓๐๗๑๖").as_deref(),
            Some("1101700230716")
        );
        assert!(parse_thai_id("1101700230719").is_none());
        assert!(parse_thai_id("110170023071").is_none());
        assert!(parse_thai_id("11017002307a6").is_none());
        // A juristic person's number uses the same check digit.
        assert_eq!(
            parse_thai_id("0105536092641").as_deref(),
            Some("0105536092641")
        );
    }

    #[test]
    fn names_are_normalized() {
        assert_eq!(normalize_name("บริษัท สมชาย ใจดี จำกัด"), "สมชายใจดี");
        assert_eq!(normalize_name("นายสมชาย  ใจดี"), "สมชายใจดี");
        assert_eq!(normalize_name("หจก. รุ่งเรือง การช่าง"), "รุ่งเรืองการช่าง");
        assert_eq!(normalize_name("น.ส.สมศรี ใจงาม"), "สมศรีใจงาม");
        // SARA AM typed as NIKHAHIT + SARA AA.
        assert_eq!(
            normalize_name("ร้านน\u{0E4D}\u{0E49}\u{0E32}ดี"),
            normalize_name("ร้านน้ำดี")
        );
        assert_eq!(normalize_name("Somchai Co., Ltd."), "somchai");
        assert_eq!(
            match_tie("สมชายใจดี", None, "สมชายใจดี", None),
            Some(MatchKind::Name)
        );
        assert_eq!(
            match_tie("สมชายใจดีการค้า", None, "สมชายใจดี", None),
            Some(MatchKind::NameContains)
        );
        assert_eq!(match_tie("สมชาย", None, "สมชายใจดี", None), None);
        assert_eq!(
            match_tie("ก", Some("h1"), "ข", Some("h1")),
            Some(MatchKind::TaxId)
        );
        assert_eq!(match_tie("ก", Some(""), "ข", Some("")), None);
    }

    #[test]
    fn baht_in_satang() {
        assert_eq!(parse_baht("1,234.5"), Some(123_450));
        assert_eq!(parse_baht("๕๐๐,๐๐๐ บาท"), Some(50_000_000));
        assert_eq!(parse_baht("12.345"), None);
        assert_eq!(parse_baht("-5"), None);
        assert_eq!(parse_baht(""), None);
        assert_eq!(format_baht(123_450), "1,234.50");
        assert_eq!(format_baht(50_000_000), "500,000");
    }

    fn year() -> Vec<Record> {
        vec![
            // Three purchases of office supplies from one shop within 20 days, each
            // under 500,000, together 1,260,000: split.
            rec(
                1,
                "จัดซื้อวัสดุสำนักงาน ครั้งที่ 1",
                Method::Specific,
                480_000,
                &[("ร้านรุ่งเรืองพาณิชย์", 450_000)],
                date!(2023 - 01 - 05),
            ),
            rec(
                2,
                "จัดซื้อวัสดุสำนักงาน ครั้งที่ 2",
                Method::Specific,
                480_000,
                &[("ร้าน รุ่งเรืองพาณิชย์", 420_000)],
                date!(2023 - 01 - 12),
            ),
            rec(
                3,
                "จัดซื้อวัสดุสำนักงาน ครั้งที่ 3",
                Method::Specific,
                480_000,
                &[("ร้านรุ่งเรืองพาณิชย์", 390_000)],
                date!(2023 - 01 - 25),
            ),
            // A single-bid e-bidding, awarded above the reference price.
            {
                let mut r = rec(
                    4,
                    "ก่อสร้างถนน คสล.",
                    Method::EBidding,
                    3_000_000,
                    &[("บริษัท ถนนดี จำกัด", 2_950_000)],
                    date!(2023 - 02 - 10),
                );
                r.reference_price = Some(2_900_000 * 100);
                r.announced_on = Some(date!(2023 - 01 - 30));
                r.tender_end_on = Some(date!(2023 - 02 - 02));
                r
            },
            // A competitive e-bidding with three bids.
            rec(
                5,
                "จัดซื้อรถบรรทุกขยะ",
                Method::EBidding,
                2_500_000,
                &[
                    ("บริษัท รถดี จำกัด", 2_400_000),
                    ("บริษัท รถเร็ว จำกัด", 2_450_000),
                    ("บริษัท รถถูก จำกัด", 2_480_000),
                ],
                date!(2023 - 01 - 20),
            ),
        ]
    }

    #[test]
    fn monthly_summary_adds_up() {
        let rs = year();
        let s = monthly_summary(&rs, 2023, 1);
        let ids: Vec<i64> = s.rows.iter().map(|r| r.procurement_id).collect();
        assert_eq!(ids, [1, 2, 5, 3]);
        assert_eq!(s.rows[0].no, 1);
        assert_eq!(s.total_budget, (480_000 * 3 + 2_500_000) * 100);
        assert_eq!(
            s.total_agreed,
            (450_000 + 420_000 + 390_000 + 2_400_000) * 100
        );
        assert_eq!(s.rows[2].bidders.len(), 3);
        assert_eq!(s.rows[0].reason, DEFAULT_REASON_TH);
        assert_eq!(monthly_summary(&rs, 2023, 2).rows.len(), 1);
        assert!(monthly_summary(&rs, 2023, 3).rows.is_empty());
    }

    #[test]
    fn yearly_analysis_exact_numbers() {
        let a = analyse(&year(), &AnalysisConfig::default());
        assert_eq!(a.count, 5);
        assert_eq!(a.total_agreed, 6_610_000 * 100);
        let spec = a.by_method.iter().find(|g| g.key == "specific").unwrap();
        assert_eq!(
            (spec.count, spec.budget, spec.agreed, spec.saving),
            (3, 144_000_000, 126_000_000, 18_000_000)
        );
        assert_eq!(a.by_method[0].key, "e_bidding");
        // Suppliers: ถนนดี 2,950,000; รถดี 2,400,000; รุ่งเรืองพาณิชย์ 1,260,000 (3 awards).
        assert_eq!(a.suppliers.len(), 3);
        assert_eq!(a.suppliers[0].key, "ถนนดี");
        assert_eq!(a.suppliers[2].awards, 3);
        // Shares of the awarded value 6,610,000.
        assert_eq!(a.suppliers[0].share_bp, 4463); // 2,950,000 / 6,610,000
        assert_eq!(a.suppliers[1].share_bp, 3631);
        assert_eq!(a.suppliers[2].share_bp, 1906);
        assert_eq!(a.top_share_bp, 10_000);
        // HHI = 44.63² + 36.31² + 19.06² ≈ 1992 + 1318 + 363 = 3674.
        assert_eq!(a.hhi, 3673);
        assert_eq!(a.splits.len(), 1);
        assert_eq!(a.splits[0].procurement_ids, [1, 2, 3]);
        assert_eq!(a.splits[0].total, 126_000_000);
        assert_eq!(a.single_bidder, [4]);
    }

    #[test]
    fn red_flags_per_procurement() {
        let f = red_flags(&year(), &AnalysisConfig::default());
        let got: Vec<(i64, &str)> = f
            .iter()
            .map(|f| (f.procurement_id, f.code.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                (1, "PS01"),
                (2, "PS01"),
                (3, "PS01"),
                (4, "PS03"),
                (4, "R003"),
                (4, "R018"),
            ]
        );
        // With a 15 % concentration limit, the shop with three awards (19.06 %) is flagged.
        let cfg = AnalysisConfig {
            concentration_flag_bp: 1500,
            ..AnalysisConfig::default()
        };
        let ps02: Vec<i64> = red_flags(&year(), &cfg)
            .iter()
            .filter(|f| f.code == "PS02")
            .map(|f| f.procurement_id)
            .collect();
        assert_eq!(ps02, [1, 2, 3]);
        assert!(own_indicator_title("PS01").is_some());
    }
}
