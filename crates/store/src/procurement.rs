//! Budget and procurement (plan projects 4, 10, 12) and conflicts of interest (project
//! 11): the yearly spending and procurement plans, procurement records with bidders,
//! staff involved and documents, spending checks per disbursement, staff declarations
//! of relatives and business ties, and the matches between bidders and declarations.
//!
//! Money is satang (`BIGINT`). Dates are ISO `YYYY-MM-DD` text, `''` when unknown.
//! Identity and tax numbers of declared ties are never stored: only an HMAC-SHA-256
//! under a key kept outside the database ([`id_hash`]) and the last four digits. A
//! bidding business's tax id is public (e-GP publishes it) and kept as typed.
//!
//! Every change is audited in its transaction; saving a procurement re-checks its
//! bidders against the declarations of its staff in the same transaction, so a
//! conflict can never be stored without its flag.

use std::collections::BTreeMap;

use hmac::{Hmac, Mac};
use prongsai_domain::procurement::{self as dp, MatchKind, Method};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Connection, Row};
use time::Date;

use crate::audit::{self, Actor, Change, snapshot};
use crate::error::{Result, StoreError};
use crate::orgs;
use crate::transfer::{BoxFut, ExportCtx, ImportCtx};

fn bad(msg: impl Into<String>) -> StoreError {
    StoreError::Invalid(msg.into())
}

/// The keyed hash of a 13-digit identity or tax number, as stored and compared.
/// `key` is a secret of the installation (the web layer passes its reports key).
pub fn id_hash(key: &[u8], digits: &str) -> String {
    let Ok(mut mac) = Hmac::<sha2::Sha256>::new_from_slice(key) else {
        return String::new();
    };
    mac.update(b"prongsai-coi-id\0");
    mac.update(digits.as_bytes());
    data_encoding::HEXLOWER.encode(&mac.finalize().into_bytes())
}

fn check_date(s: &str, what: &str) -> Result<String> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(String::new());
    }
    prongsai_domain::thai::parse_date(s)
        .map(|d| d.to_string())
        .ok_or_else(|| {
            bad(format!(
                "{what}: {s:?} is not a date (YYYY-MM-DD or DD/MM/YYYY)"
            ))
        })
}

/// A stored ISO date.
pub fn parse_iso(s: &str) -> Option<Date> {
    if s.is_empty() {
        return None;
    }
    Date::parse(
        s,
        &time::macros::format_description!("[year]-[month]-[day]"),
    )
    .ok()
}

// ---- plans ------------------------------------------------------------------------------

/// Which yearly plan a line belongs to.
pub const PLAN_KINDS: [&str; 2] = ["spending", "procurement"];

/// A line of the spending plan or the procurement plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanItem {
    pub id: i64,
    pub org_id: i64,
    pub fiscal_year: i64,
    pub kind: String,
    pub seq: i64,
    pub subject: String,
    pub division_id: Option<i64>,
    /// A method code, or '' for spending lines.
    pub method: String,
    pub budget: i64,
    /// 1–12 (calendar month), 0 when not planned.
    pub planned_month: i64,
    pub project_key: Option<i64>,
}

/// What staff enter for a plan line.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanItemInput {
    pub fiscal_year: i64,
    pub kind: String,
    pub subject: String,
    pub division_id: Option<i64>,
    pub method: String,
    pub budget: i64,
    pub planned_month: i64,
    pub project_key: Option<i64>,
}

fn plan_item_from_row(r: &AnyRow) -> Result<PlanItem> {
    Ok(PlanItem {
        id: r.try_get("id")?,
        org_id: r.try_get("org_id")?,
        fiscal_year: r.try_get("fiscal_year")?,
        kind: r.try_get("kind")?,
        seq: r.try_get("seq")?,
        subject: r.try_get("subject")?,
        division_id: r.try_get("division_id")?,
        method: r.try_get("method")?,
        budget: r.try_get("budget")?,
        planned_month: r.try_get("planned_month")?,
        project_key: r.try_get("project_key")?,
    })
}

const PLAN_COLS: &str = "id, org_id, fiscal_year, kind, seq, subject, division_id, method, budget, planned_month, project_key";

async fn check_division(conn: &mut AnyConnection, org_id: i64, d: Option<i64>) -> Result<()> {
    if let Some(d) = d
        && orgs::division(conn, org_id, d).await?.is_none()
    {
        return Err(bad("the division is not one of this organization's"));
    }
    Ok(())
}

/// Adds a line to a yearly plan, audited.
pub async fn add_plan_item(
    conn: &mut AnyConnection,
    audit_key: &[u8],
    org_id: i64,
    input: &PlanItemInput,
    actor: &Actor,
) -> Result<PlanItem> {
    if !PLAN_KINDS.contains(&input.kind.as_str()) {
        return Err(bad("plan kind must be spending or procurement"));
    }
    if input.subject.trim().is_empty() {
        return Err(bad("the item needs a subject"));
    }
    if input.budget < 0 || !(0..=12).contains(&input.planned_month) {
        return Err(bad(
            "budget must not be negative and the month must be 1–12",
        ));
    }
    if !input.method.is_empty() && Method::from_code(&input.method).is_none() {
        return Err(bad(format!("unknown method {:?}", input.method)));
    }
    let mut tx = conn.begin().await?;
    check_division(&mut tx, org_id, input.division_id).await?;
    let (seq,): (i64,) = sqlx::query_as(
        "SELECT CAST(COALESCE(MAX(seq), 0) + 1 AS BIGINT) FROM procurement_plan_items \
         WHERE org_id = $1 AND fiscal_year = $2 AND kind = $3",
    )
    .bind(org_id)
    .bind(input.fiscal_year)
    .bind(&input.kind)
    .fetch_one(&mut *tx)
    .await?;
    let now = crate::now_ms();
    let row = sqlx::query(&format!(
        "INSERT INTO procurement_plan_items (org_id, fiscal_year, kind, seq, subject, division_id, method, \
         budget, planned_month, project_key, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING {PLAN_COLS}"
    ))
    .bind(org_id)
    .bind(input.fiscal_year)
    .bind(&input.kind)
    .bind(seq)
    .bind(input.subject.trim())
    .bind(input.division_id)
    .bind(&input.method)
    .bind(input.budget)
    .bind(input.planned_month)
    .bind(input.project_key)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    let item = plan_item_from_row(&row)?;
    audit::record(
        &mut tx,
        audit_key,
        org_id,
        actor,
        Change {
            action: "procurement.plan_item.add",
            entity: "procurement_plan_item",
            entity_id: item.id.to_string(),
        },
        "null".into(),
        snapshot(Some(&item)),
    )
    .await?;
    tx.commit().await?;
    Ok(item)
}

/// A year's plan lines of one kind (or both when `kind` is `None`), in order.
pub async fn plan_items(
    conn: &mut AnyConnection,
    org_id: i64,
    fiscal_year: i64,
    kind: Option<&str>,
) -> Result<Vec<PlanItem>> {
    let rows = sqlx::query(&format!(
        "SELECT {PLAN_COLS} FROM procurement_plan_items WHERE org_id = $1 AND fiscal_year = $2 \
         AND ($3 = '' OR kind = $3) ORDER BY kind, seq"
    ))
    .bind(org_id)
    .bind(fiscal_year)
    .bind(kind.unwrap_or(""))
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(plan_item_from_row).collect()
}

// ---- procurements ---------------------------------------------------------------------

/// A bidder and their bid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bidder {
    pub seq: i64,
    pub name: String,
    /// 13 digits, or '' when not known.
    pub tax_id: String,
    pub amount: Option<i64>,
    /// `valid`, `disqualified` or `pending`.
    pub status: String,
}

/// A document of a procurement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Document {
    pub file_id: i64,
    /// `tenderNotice`, `biddingDocuments`, `awardNotice`, `contractSigned`, `other`.
    pub kind: String,
    pub title: String,
    pub original_name: String,
    pub content_type: String,
}

/// Document kinds staff may choose.
pub const DOCUMENT_KINDS: [&str; 5] = [
    "tenderNotice",
    "biddingDocuments",
    "awardNotice",
    "contractSigned",
    "other",
];

/// Someone of the staff involved in a procurement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffInvolved {
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
    /// Free text: "กรรมการพิจารณาผล", "เจ้าหน้าที่พัสดุ", …
    pub duty: String,
}

/// A stored procurement record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Procurement {
    pub id: i64,
    pub org_id: i64,
    pub ref_no: String,
    pub fiscal_year: i64,
    pub subject: String,
    pub description: String,
    pub division_id: Option<i64>,
    pub method: Method,
    /// `goods`, `works`, `services` or ''.
    pub category: String,
    pub budget: i64,
    pub reference_price: Option<i64>,
    pub winner_seq: Option<i64>,
    pub contract_amount: Option<i64>,
    pub contract_no: String,
    pub selection_reason: String,
    pub announced_on: String,
    pub tender_end_on: String,
    pub awarded_on: String,
    pub contract_date: String,
    pub contract_start: String,
    pub contract_end: String,
    pub project_key: Option<i64>,
    pub plan_item_id: Option<i64>,
    pub created_by: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub bidders: Vec<Bidder>,
    pub staff: Vec<StaffInvolved>,
    pub documents: Vec<Document>,
}

impl Procurement {
    pub fn winner(&self) -> Option<&Bidder> {
        self.winner_seq
            .and_then(|s| self.bidders.iter().find(|b| b.seq == s))
    }

    /// The record as the pure analysis sees it (`division` already named).
    pub fn to_record(&self, division: &str) -> dp::Record {
        dp::Record {
            id: self.id,
            ref_no: self.ref_no.clone(),
            subject: self.subject.clone(),
            division: division.to_string(),
            method: self.method,
            budget: self.budget,
            reference_price: self.reference_price,
            bids: self
                .bidders
                .iter()
                .filter(|b| b.status != "withdrawn")
                .map(|b| dp::Bid {
                    name: b.name.clone(),
                    amount: b.amount,
                    disqualified: b.status == "disqualified",
                })
                .collect(),
            winner: self.winner_seq.and_then(|s| {
                self.bidders
                    .iter()
                    .filter(|b| b.status != "withdrawn")
                    .position(|b| b.seq == s)
            }),
            contract_amount: self.contract_amount,
            selection_reason: self.selection_reason.clone(),
            contract_no: self.contract_no.clone(),
            contract_date: parse_iso(&self.contract_date),
            announced_on: parse_iso(&self.announced_on),
            tender_end_on: parse_iso(&self.tender_end_on),
            awarded_on: parse_iso(&self.awarded_on),
        }
    }
}

/// A bidder as staff enter it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BidderInput {
    pub name: String,
    pub tax_id: String,
    pub amount: Option<i64>,
    pub status: String,
}

/// What staff enter for a procurement. `winner` is an index into `bidders`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcurementInput {
    pub ref_no: String,
    pub fiscal_year: i64,
    pub subject: String,
    pub description: String,
    pub division_id: Option<i64>,
    pub method: String,
    pub category: String,
    pub budget: i64,
    pub reference_price: Option<i64>,
    pub bidders: Vec<BidderInput>,
    pub winner: Option<usize>,
    pub contract_amount: Option<i64>,
    pub contract_no: String,
    pub selection_reason: String,
    pub announced_on: String,
    pub tender_end_on: String,
    pub awarded_on: String,
    pub contract_date: String,
    pub contract_start: String,
    pub contract_end: String,
    pub project_key: Option<i64>,
    pub plan_item_id: Option<i64>,
    /// (user id, duty).
    pub staff: Vec<(i64, String)>,
}

const PROC_COLS: &str = "id, org_id, ref_no, fiscal_year, subject, description, division_id, method, category, \
     budget, reference_price, winner_seq, contract_amount, contract_no, selection_reason, announced_on, \
     tender_end_on, awarded_on, contract_date, contract_start, contract_end, project_key, plan_item_id, \
     created_by, created_at, updated_at";

fn proc_from_row(r: &AnyRow) -> Result<Procurement> {
    let method: String = r.try_get("method")?;
    Ok(Procurement {
        id: r.try_get("id")?,
        org_id: r.try_get("org_id")?,
        ref_no: r.try_get("ref_no")?,
        fiscal_year: r.try_get("fiscal_year")?,
        subject: r.try_get("subject")?,
        description: r.try_get("description")?,
        division_id: r.try_get("division_id")?,
        method: Method::from_code(&method)
            .ok_or_else(|| bad(format!("stored method {method:?} is unknown")))?,
        category: r.try_get("category")?,
        budget: r.try_get("budget")?,
        reference_price: r.try_get("reference_price")?,
        winner_seq: r.try_get("winner_seq")?,
        contract_amount: r.try_get("contract_amount")?,
        contract_no: r.try_get("contract_no")?,
        selection_reason: r.try_get("selection_reason")?,
        announced_on: r.try_get("announced_on")?,
        tender_end_on: r.try_get("tender_end_on")?,
        awarded_on: r.try_get("awarded_on")?,
        contract_date: r.try_get("contract_date")?,
        contract_start: r.try_get("contract_start")?,
        contract_end: r.try_get("contract_end")?,
        project_key: r.try_get("project_key")?,
        plan_item_id: r.try_get("plan_item_id")?,
        created_by: r.try_get("created_by")?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
        bidders: vec![],
        staff: vec![],
        documents: vec![],
    })
}

/// Checks an input and returns it cleaned (dates as ISO, tax ids as digits).
fn clean(input: &ProcurementInput) -> Result<ProcurementInput> {
    let mut p = input.clone();
    p.ref_no = p.ref_no.trim().to_string();
    p.subject = p.subject.trim().to_string();
    if p.ref_no.is_empty() || p.ref_no.chars().count() > 64 {
        return Err(bad(
            "the procurement needs a reference number (up to 64 characters)",
        ));
    }
    if p.subject.is_empty() {
        return Err(bad("the procurement needs a subject"));
    }
    if Method::from_code(&p.method).is_none() {
        return Err(bad(format!("unknown procurement method {:?}", p.method)));
    }
    if !["", "goods", "works", "services"].contains(&p.category.as_str()) {
        return Err(bad("category must be goods, works or services"));
    }
    if !(2400..=2700).contains(&p.fiscal_year) {
        return Err(bad("the fiscal year must be a Buddhist-era year"));
    }
    let money = [Some(p.budget), p.reference_price, p.contract_amount];
    if money.iter().flatten().any(|m| *m < 0) {
        return Err(bad("amounts must not be negative"));
    }
    for b in &mut p.bidders {
        b.name = b.name.trim().to_string();
        if b.name.is_empty() {
            return Err(bad("every bidder needs a name"));
        }
        b.tax_id = match b.tax_id.trim() {
            "" => String::new(),
            t => dp::parse_thai_id(t).ok_or_else(|| {
                bad(format!(
                    "bidder {}: {t:?} is not a valid 13-digit tax id",
                    b.name
                ))
            })?,
        };
        if b.status.is_empty() {
            b.status = "valid".into();
        }
        if !["valid", "disqualified", "pending", "withdrawn"].contains(&b.status.as_str()) {
            return Err(bad(format!(
                "bidder {}: unknown status {:?}",
                b.name, b.status
            )));
        }
        if b.amount.is_some_and(|a| a < 0) {
            return Err(bad("amounts must not be negative"));
        }
    }
    if let Some(w) = p.winner
        && w >= p.bidders.len()
    {
        return Err(bad("the winner must be one of the bidders"));
    }
    p.announced_on = check_date(&p.announced_on, "announced")?;
    p.tender_end_on = check_date(&p.tender_end_on, "submission deadline")?;
    p.awarded_on = check_date(&p.awarded_on, "award date")?;
    p.contract_date = check_date(&p.contract_date, "contract date")?;
    p.contract_start = check_date(&p.contract_start, "contract start")?;
    p.contract_end = check_date(&p.contract_end, "contract end")?;
    Ok(p)
}

async fn write_children(
    conn: &mut AnyConnection,
    org_id: i64,
    id: i64,
    p: &ProcurementInput,
) -> Result<()> {
    sqlx::query("DELETE FROM procurement_bidders WHERE org_id = $1 AND procurement_id = $2")
        .bind(org_id)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM procurement_staff WHERE org_id = $1 AND procurement_id = $2")
        .bind(org_id)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    for (i, b) in p.bidders.iter().enumerate() {
        sqlx::query(
            "INSERT INTO procurement_bidders (org_id, procurement_id, seq, name, tax_id, amount, status) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(org_id)
        .bind(id)
        .bind(i as i64 + 1)
        .bind(&b.name)
        .bind(&b.tax_id)
        .bind(b.amount)
        .bind(&b.status)
        .execute(&mut *conn)
        .await?;
    }
    let mut seen = Vec::new();
    for (user_id, duty) in &p.staff {
        if seen.contains(user_id) {
            continue;
        }
        seen.push(*user_id);
        if crate::users::membership(conn, org_id, *user_id)
            .await?
            .is_none()
        {
            return Err(bad(
                "the staff involved must be members of the organization",
            ));
        }
        sqlx::query(
            "INSERT INTO procurement_staff (org_id, procurement_id, user_id, duty) VALUES ($1, $2, $3, $4)",
        )
        .bind(org_id)
        .bind(id)
        .bind(user_id)
        .bind(duty.trim())
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Records a procurement, audited, and checks its bidders for conflicts of interest in
/// the same transaction. Returns the record and the new conflict flags.
pub async fn create(
    conn: &mut AnyConnection,
    audit_key: &[u8],
    hash_key: &[u8],
    org_id: i64,
    input: &ProcurementInput,
    actor: &Actor,
) -> Result<(Procurement, Vec<CoiFlag>)> {
    let p = clean(input)?;
    let mut tx = conn.begin().await?;
    check_division(&mut tx, org_id, p.division_id).await?;
    let exists: Option<(i64,)> =
        sqlx::query_as("SELECT id FROM procurements WHERE org_id = $1 AND ref_no = $2")
            .bind(org_id)
            .bind(&p.ref_no)
            .fetch_optional(&mut *tx)
            .await?;
    if exists.is_some() {
        return Err(bad(format!(
            "a procurement numbered {} already exists",
            p.ref_no
        )));
    }
    let now = crate::now_ms();
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO procurements (org_id, ref_no, fiscal_year, subject, description, division_id, method, \
         category, budget, reference_price, winner_seq, contract_amount, contract_no, selection_reason, \
         announced_on, tender_end_on, awarded_on, contract_date, contract_start, contract_end, project_key, \
         plan_item_id, created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, \
         $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $24) RETURNING id",
    )
    .bind(org_id)
    .bind(&p.ref_no)
    .bind(p.fiscal_year)
    .bind(&p.subject)
    .bind(p.description.trim())
    .bind(p.division_id)
    .bind(&p.method)
    .bind(&p.category)
    .bind(p.budget)
    .bind(p.reference_price)
    .bind(p.winner.map(|w| w as i64 + 1))
    .bind(p.contract_amount)
    .bind(p.contract_no.trim())
    .bind(p.selection_reason.trim())
    .bind(&p.announced_on)
    .bind(&p.tender_end_on)
    .bind(&p.awarded_on)
    .bind(&p.contract_date)
    .bind(&p.contract_start)
    .bind(&p.contract_end)
    .bind(p.project_key)
    .bind(p.plan_item_id)
    .bind(&actor.label)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    write_children(&mut tx, org_id, id, &p).await?;
    let stored = get(&mut tx, org_id, id)
        .await?
        .ok_or_else(|| bad("the procurement just written is missing"))?;
    index(&mut tx, &stored).await?;
    audit::record(
        &mut tx,
        audit_key,
        org_id,
        actor,
        Change {
            action: "procurement.create",
            entity: "procurement",
            entity_id: id.to_string(),
        },
        "null".into(),
        snapshot(Some(&stored)),
    )
    .await?;
    let flags = check_conflicts(&mut tx, audit_key, hash_key, org_id, id, actor).await?;
    tx.commit().await?;
    Ok((stored, flags))
}

/// Replaces a procurement's data (bidders and staff too), audited, and checks it again.
pub async fn update(
    conn: &mut AnyConnection,
    audit_key: &[u8],
    hash_key: &[u8],
    org_id: i64,
    id: i64,
    input: &ProcurementInput,
    actor: &Actor,
) -> Result<(Procurement, Vec<CoiFlag>)> {
    let p = clean(input)?;
    let mut tx = conn.begin().await?;
    // A write first (SQLite takes the write lock before anything is read).
    sqlx::query("UPDATE procurements SET updated_at = updated_at WHERE org_id = $1 AND id = $2")
        .bind(org_id)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    let before = get(&mut tx, org_id, id).await?;
    let n = sqlx::query(
        "UPDATE procurements SET ref_no = $1, fiscal_year = $2, subject = $3, description = $4, division_id = $5, \
         method = $6, category = $7, budget = $8, reference_price = $9, winner_seq = $10, contract_amount = $11, \
         contract_no = $12, selection_reason = $13, announced_on = $14, tender_end_on = $15, awarded_on = $16, \
         contract_date = $17, contract_start = $18, contract_end = $19, project_key = $20, plan_item_id = $21, \
         updated_at = $22 WHERE org_id = $23 AND id = $24",
    )
    .bind(&p.ref_no)
    .bind(p.fiscal_year)
    .bind(&p.subject)
    .bind(p.description.trim())
    .bind(p.division_id)
    .bind(&p.method)
    .bind(&p.category)
    .bind(p.budget)
    .bind(p.reference_price)
    .bind(p.winner.map(|w| w as i64 + 1))
    .bind(p.contract_amount)
    .bind(p.contract_no.trim())
    .bind(p.selection_reason.trim())
    .bind(&p.announced_on)
    .bind(&p.tender_end_on)
    .bind(&p.awarded_on)
    .bind(&p.contract_date)
    .bind(&p.contract_start)
    .bind(&p.contract_end)
    .bind(p.project_key)
    .bind(p.plan_item_id)
    .bind(crate::now_ms())
    .bind(org_id)
    .bind(id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if n == 0 {
        return Err(StoreError::NotFound("record".into()));
    }
    check_division(&mut tx, org_id, p.division_id).await?;
    write_children(&mut tx, org_id, id, &p).await?;
    let stored = get(&mut tx, org_id, id)
        .await?
        .ok_or_else(|| StoreError::NotFound("procurement".into()))?;
    index(&mut tx, &stored).await?;
    audit::record(
        &mut tx,
        audit_key,
        org_id,
        actor,
        Change {
            action: "procurement.update",
            entity: "procurement",
            entity_id: id.to_string(),
        },
        snapshot(before.as_ref()),
        snapshot(Some(&stored)),
    )
    .await?;
    let flags = check_conflicts(&mut tx, audit_key, hash_key, org_id, id, actor).await?;
    tx.commit().await?;
    Ok((stored, flags))
}

/// The search index's kind for procurement records.
pub const DOC_KIND: &str = "procurement";

/// Indexes a procurement record for search: its subject, number, method and the
/// winner's name (never a tax id, nor the description the public page does not
/// show), linked to its public page.
async fn index(conn: &mut AnyConnection, p: &Procurement) -> Result<()> {
    let slug = crate::search::org_slug(conn, p.org_id).await?;
    let winner = p
        .bidders
        .iter()
        .find(|b| Some(b.seq) == p.winner_seq)
        .map(|b| b.name.as_str())
        .unwrap_or_default();
    let body = [
        p.ref_no.as_str(),
        p.method.label_th(),
        p.method.label_en(),
        winner,
    ]
    .iter()
    .filter(|s| !s.is_empty())
    .copied()
    .collect::<Vec<_>>()
    .join("\n");
    crate::search::index_document(
        conn,
        p.org_id,
        &crate::search::Document {
            kind: DOC_KIND,
            id: p.id,
            title: &p.subject,
            body: &body,
            url: &format!("/{slug}/procurement/records/{}", p.id),
            at_ms: p.updated_at,
        },
    )
    .await
}

/// Indexes every procurement record of an organization again (after `org import`).
pub async fn index_all(conn: &mut AnyConnection, org_id: i64) -> Result<()> {
    crate::search::remove_kind(conn, org_id, DOC_KIND).await?;
    for p in list(conn, org_id, None).await? {
        index(conn, &p).await?;
    }
    Ok(())
}

/// One procurement with its bidders, staff and documents.
pub async fn get(conn: &mut AnyConnection, org_id: i64, id: i64) -> Result<Option<Procurement>> {
    let row = sqlx::query(&format!(
        "SELECT {PROC_COLS} FROM procurements WHERE org_id = $1 AND id = $2"
    ))
    .bind(org_id)
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let mut p = proc_from_row(&row)?;
    fill(conn, &mut p).await?;
    Ok(Some(p))
}

async fn fill(conn: &mut AnyConnection, p: &mut Procurement) -> Result<()> {
    let rows = sqlx::query(
        "SELECT seq, name, tax_id, amount, status FROM procurement_bidders \
         WHERE org_id = $1 AND procurement_id = $2 ORDER BY seq",
    )
    .bind(p.org_id)
    .bind(p.id)
    .fetch_all(&mut *conn)
    .await?;
    p.bidders = rows
        .iter()
        .map(|r| {
            Ok(Bidder {
                seq: r.try_get("seq")?,
                name: r.try_get("name")?,
                tax_id: r.try_get("tax_id")?,
                amount: r.try_get("amount")?,
                status: r.try_get("status")?,
            })
        })
        .collect::<Result<_>>()?;
    let staff: Vec<(i64, String, String, String)> = sqlx::query_as(
        "SELECT s.user_id, u.username, u.display_name, s.duty FROM procurement_staff s \
         JOIN users u ON u.id = s.user_id WHERE s.org_id = $1 AND s.procurement_id = $2 ORDER BY u.username",
    )
    .bind(p.org_id)
    .bind(p.id)
    .fetch_all(&mut *conn)
    .await?;
    p.staff = staff
        .into_iter()
        .map(|(user_id, username, display_name, duty)| StaffInvolved {
            user_id,
            username,
            display_name,
            duty,
        })
        .collect();
    let docs: Vec<(i64, String, String, String, String)> = sqlx::query_as(
        "SELECT d.file_id, d.kind, d.title, f.original_name, f.content_type FROM procurement_documents d \
         JOIN files f ON f.id = d.file_id WHERE d.org_id = $1 AND d.procurement_id = $2 ORDER BY d.file_id",
    )
    .bind(p.org_id)
    .bind(p.id)
    .fetch_all(&mut *conn)
    .await?;
    p.documents = docs
        .into_iter()
        .map(
            |(file_id, kind, title, original_name, content_type)| Document {
                file_id,
                kind,
                title,
                original_name,
                content_type,
            },
        )
        .collect();
    Ok(())
}

/// A year's procurements (every year when `None`), newest award first, then by number.
pub async fn list(
    conn: &mut AnyConnection,
    org_id: i64,
    fiscal_year: Option<i64>,
) -> Result<Vec<Procurement>> {
    let rows = sqlx::query(&format!(
        "SELECT {PROC_COLS} FROM procurements WHERE org_id = $1 AND ($2 = 0 OR fiscal_year = $2) \
         ORDER BY fiscal_year, awarded_on, ref_no"
    ))
    .bind(org_id)
    .bind(fiscal_year.unwrap_or(0))
    .fetch_all(&mut *conn)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let mut p = proc_from_row(&r)?;
        fill(conn, &mut p).await?;
        out.push(p);
    }
    Ok(out)
}

/// The fiscal years that have procurements or plan lines, newest first.
pub async fn fiscal_years(conn: &mut AnyConnection, org_id: i64) -> Result<Vec<i64>> {
    let rows: Vec<(i64,)> = sqlx::query_as(
        "SELECT fiscal_year FROM procurements WHERE org_id = $1 UNION \
         SELECT fiscal_year FROM procurement_plan_items WHERE org_id = $1 ORDER BY 1 DESC",
    )
    .bind(org_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// Division id → Thai name, for the analysis and the public pages.
pub async fn division_names(
    conn: &mut AnyConnection,
    org_id: i64,
) -> Result<BTreeMap<i64, String>> {
    Ok(orgs::divisions(conn, org_id)
        .await?
        .into_iter()
        .map(|d| (d.id, d.name_th))
        .collect())
}

/// A year's procurements as the pure analysis sees them.
pub async fn records(
    conn: &mut AnyConnection,
    org_id: i64,
    fiscal_year: Option<i64>,
) -> Result<Vec<dp::Record>> {
    let names = division_names(conn, org_id).await?;
    Ok(list(conn, org_id, fiscal_year)
        .await?
        .iter()
        .map(|p| {
            let d = p
                .division_id
                .and_then(|d| names.get(&d).cloned())
                .unwrap_or_default();
            p.to_record(&d)
        })
        .collect())
}

/// The calendar months (year, month) that have awards, newest first.
pub async fn summary_months(conn: &mut AnyConnection, org_id: i64) -> Result<Vec<(i32, u8)>> {
    let rows: Vec<(String,)> = sqlx::query_as(
        "SELECT DISTINCT awarded_on FROM procurements WHERE org_id = $1 AND awarded_on <> '' ORDER BY 1 DESC",
    )
    .bind(org_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut out: Vec<(i32, u8)> = rows
        .iter()
        .filter_map(|(d,)| parse_iso(d))
        .map(|d| (d.year(), u8::from(d.month())))
        .collect();
    out.dedup();
    Ok(out)
}

/// Attaches an already stored (media-checked) file to a procurement, audited.
#[allow(clippy::too_many_arguments)]
pub async fn add_document(
    conn: &mut AnyConnection,
    audit_key: &[u8],
    org_id: i64,
    procurement_id: i64,
    file_id: i64,
    kind: &str,
    title: &str,
    actor: &Actor,
) -> Result<()> {
    if !DOCUMENT_KINDS.contains(&kind) {
        return Err(bad(format!("unknown document kind {kind:?}")));
    }
    let mut tx = conn.begin().await?;
    if get(&mut tx, org_id, procurement_id).await?.is_none()
        || crate::files::by_id(&mut tx, org_id, file_id)
            .await?
            .is_none()
    {
        return Err(StoreError::NotFound("record".into()));
    }
    sqlx::query(
        "INSERT INTO procurement_documents (org_id, procurement_id, file_id, kind, title) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(org_id)
    .bind(procurement_id)
    .bind(file_id)
    .bind(kind)
    .bind(title.trim())
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        audit_key,
        org_id,
        actor,
        Change {
            action: "procurement.document.add",
            entity: "procurement",
            entity_id: procurement_id.to_string(),
        },
        "null".into(),
        json!({"file_id": file_id, "kind": kind, "title": title}).to_string(),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Whether a file is a document of one of the organization's procurements (public).
pub async fn is_public_document(
    conn: &mut AnyConnection,
    org_id: i64,
    procurement_id: i64,
    file_id: i64,
) -> Result<bool> {
    let r: Option<(i64,)> = sqlx::query_as(
        "SELECT file_id FROM procurement_documents WHERE org_id = $1 AND procurement_id = $2 AND file_id = $3",
    )
    .bind(org_id)
    .bind(procurement_id)
    .bind(file_id)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(r.is_some())
}

// ---- spending checks --------------------------------------------------------------------

/// A spending check of one disbursement (project 12).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpendingCheck {
    pub id: i64,
    pub fiscal_year: i64,
    pub procurement_id: Option<i64>,
    pub disbursement_ref: String,
    pub paid_on: String,
    pub amount: i64,
    /// ถูกต้องตามกฎหมาย.
    pub lawful: bool,
    /// ตรงตามวัตถุประสงค์.
    pub on_purpose: bool,
    /// คุ้มค่า.
    pub worth_it: bool,
    /// มีประสิทธิภาพ.
    pub efficient: bool,
    pub notes: String,
    pub checked_by: String,
    pub checked_at: i64,
}

impl SpendingCheck {
    pub fn all_passed(&self) -> bool {
        self.lawful && self.on_purpose && self.worth_it && self.efficient
    }
}

/// What the checker enters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpendingCheckInput {
    pub fiscal_year: i64,
    pub procurement_id: Option<i64>,
    pub disbursement_ref: String,
    pub paid_on: String,
    pub amount: i64,
    pub lawful: bool,
    pub on_purpose: bool,
    pub worth_it: bool,
    pub efficient: bool,
    pub notes: String,
}

const CHECK_COLS: &str = "id, fiscal_year, procurement_id, disbursement_ref, paid_on, amount, lawful, on_purpose, \
     worth_it, efficient, notes, checked_by, checked_at";

fn check_from_row(r: &AnyRow) -> Result<SpendingCheck> {
    Ok(SpendingCheck {
        id: r.try_get("id")?,
        fiscal_year: r.try_get("fiscal_year")?,
        procurement_id: r.try_get("procurement_id")?,
        disbursement_ref: r.try_get("disbursement_ref")?,
        paid_on: r.try_get("paid_on")?,
        amount: r.try_get("amount")?,
        lawful: r.try_get::<i64, _>("lawful")? != 0,
        on_purpose: r.try_get::<i64, _>("on_purpose")? != 0,
        worth_it: r.try_get::<i64, _>("worth_it")? != 0,
        efficient: r.try_get::<i64, _>("efficient")? != 0,
        notes: r.try_get("notes")?,
        checked_by: r.try_get("checked_by")?,
        checked_at: r.try_get("checked_at")?,
    })
}

/// Records a spending check, audited. A failed point needs a note saying why.
pub async fn add_spending_check(
    conn: &mut AnyConnection,
    audit_key: &[u8],
    org_id: i64,
    input: &SpendingCheckInput,
    actor: &Actor,
) -> Result<SpendingCheck> {
    if input.disbursement_ref.trim().is_empty() || input.amount < 0 {
        return Err(bad(
            "a spending check needs the disbursement's reference and amount",
        ));
    }
    let all = input.lawful && input.on_purpose && input.worth_it && input.efficient;
    if !all && input.notes.trim().is_empty() {
        return Err(bad("say in the notes why a point of the check failed"));
    }
    let paid_on = check_date(&input.paid_on, "paid on")?;
    let mut tx = conn.begin().await?;
    if let Some(p) = input.procurement_id
        && get(&mut tx, org_id, p).await?.is_none()
    {
        return Err(bad("the procurement is not one of this organization's"));
    }
    let row = sqlx::query(&format!(
        "INSERT INTO spending_checks (org_id, fiscal_year, procurement_id, disbursement_ref, paid_on, amount, \
         lawful, on_purpose, worth_it, efficient, notes, checked_by, checked_at) VALUES ($1, $2, $3, $4, $5, \
         $6, $7, $8, $9, $10, $11, $12, $13) RETURNING {CHECK_COLS}"
    ))
    .bind(org_id)
    .bind(input.fiscal_year)
    .bind(input.procurement_id)
    .bind(input.disbursement_ref.trim())
    .bind(&paid_on)
    .bind(input.amount)
    .bind(i64::from(input.lawful))
    .bind(i64::from(input.on_purpose))
    .bind(i64::from(input.worth_it))
    .bind(i64::from(input.efficient))
    .bind(input.notes.trim())
    .bind(&actor.label)
    .bind(crate::now_ms())
    .fetch_one(&mut *tx)
    .await?;
    let c = check_from_row(&row)?;
    audit::record(
        &mut tx,
        audit_key,
        org_id,
        actor,
        Change {
            action: "procurement.spending_check",
            entity: "spending_check",
            entity_id: c.id.to_string(),
        },
        "null".into(),
        snapshot(Some(&c)),
    )
    .await?;
    tx.commit().await?;
    Ok(c)
}

/// A year's spending checks, by payment date.
pub async fn spending_checks(
    conn: &mut AnyConnection,
    org_id: i64,
    fiscal_year: i64,
) -> Result<Vec<SpendingCheck>> {
    let rows = sqlx::query(&format!(
        "SELECT {CHECK_COLS} FROM spending_checks WHERE org_id = $1 AND fiscal_year = $2 ORDER BY paid_on, id"
    ))
    .bind(org_id)
    .bind(fiscal_year)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(check_from_row).collect()
}

// ---- conflicts of interest ------------------------------------------------------------

/// A declared relative or business tie of a staff member. The identity number is gone:
/// only whether one was given and its last four digits remain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Declaration {
    pub id: i64,
    pub user_id: i64,
    /// `relative` or `business`.
    pub kind: String,
    pub name: String,
    /// "บิดา", "คู่สมรส", "ผู้ถือหุ้น", …
    pub relation: String,
    /// Last four digits of the identity / tax number, '' when none was given.
    pub id_last4: String,
    pub created_at: i64,
}

/// What a staff member declares.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeclarationInput {
    pub kind: String,
    pub name: String,
    pub relation: String,
    /// 13 digits (checked with the check digit), or ''.
    pub id_number: String,
}

/// Records a declaration of the user's own, audited without the identity number.
pub async fn declare(
    conn: &mut AnyConnection,
    audit_key: &[u8],
    hash_key: &[u8],
    org_id: i64,
    user_id: i64,
    input: &DeclarationInput,
    actor: &Actor,
) -> Result<Declaration> {
    if !["relative", "business"].contains(&input.kind.as_str()) {
        return Err(bad("a declaration is of a relative or a business"));
    }
    let name = input.name.trim();
    let norm = dp::normalize_name(name);
    if name.is_empty() || norm.is_empty() {
        return Err(bad("a declaration needs a name"));
    }
    let (hash, last4) = match input.id_number.trim() {
        "" => (String::new(), String::new()),
        s => {
            let digits = dp::parse_thai_id(s).ok_or_else(|| {
                bad("the identity / tax number must be 13 digits with a valid check digit")
            })?;
            (id_hash(hash_key, &digits), digits[9..].to_string())
        }
    };
    let mut tx = conn.begin().await?;
    let now = crate::now_ms();
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO coi_declarations (org_id, user_id, kind, name, name_norm, relation, id_hash, id_last4, \
         created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id",
    )
    .bind(org_id)
    .bind(user_id)
    .bind(&input.kind)
    .bind(name)
    .bind(&norm)
    .bind(input.relation.trim())
    .bind(&hash)
    .bind(&last4)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    let d = Declaration {
        id,
        user_id,
        kind: input.kind.clone(),
        name: name.to_string(),
        relation: input.relation.trim().to_string(),
        id_last4: last4,
        created_at: now,
    };
    audit::record(
        &mut tx,
        audit_key,
        org_id,
        actor,
        Change {
            action: "coi.declare",
            entity: "coi_declaration",
            entity_id: id.to_string(),
        },
        "null".into(),
        snapshot(Some(&d)),
    )
    .await?;
    tx.commit().await?;
    Ok(d)
}

/// A user's declarations.
pub async fn declarations_of(
    conn: &mut AnyConnection,
    org_id: i64,
    user_id: i64,
) -> Result<Vec<Declaration>> {
    let rows: Vec<(i64, i64, String, String, String, String, i64)> = sqlx::query_as(
        "SELECT id, user_id, kind, name, relation, id_last4, created_at FROM coi_declarations \
         WHERE org_id = $1 AND user_id = $2 ORDER BY id",
    )
    .bind(org_id)
    .bind(user_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(id, user_id, kind, name, relation, id_last4, created_at)| Declaration {
                id,
                user_id,
                kind,
                name,
                relation,
                id_last4,
                created_at,
            },
        )
        .collect())
}

/// Removes one of the user's own declarations, audited.
pub async fn remove_declaration(
    conn: &mut AnyConnection,
    audit_key: &[u8],
    org_id: i64,
    user_id: i64,
    id: i64,
    actor: &Actor,
) -> Result<()> {
    let mut tx = conn.begin().await?;
    let n =
        sqlx::query("DELETE FROM coi_declarations WHERE org_id = $1 AND user_id = $2 AND id = $3")
            .bind(org_id)
            .bind(user_id)
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
    if n == 0 {
        return Err(StoreError::NotFound("record".into()));
    }
    audit::record(
        &mut tx,
        audit_key,
        org_id,
        actor,
        Change {
            action: "coi.remove",
            entity: "coi_declaration",
            entity_id: id.to_string(),
        },
        "null".into(),
        "null".into(),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A match between a bidder and a declaration of a staff member involved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CoiFlag {
    pub id: i64,
    pub procurement_id: i64,
    pub procurement_ref: String,
    pub procurement_subject: String,
    pub division_id: Option<i64>,
    pub bidder_seq: i64,
    pub bidder_name: String,
    pub user_id: i64,
    pub username: String,
    pub declaration_id: i64,
    pub declared_name: String,
    pub relation: String,
    pub match_kind: MatchKind,
    /// `open`, `cleared` or `confirmed`.
    pub status: String,
    pub note: String,
    pub flagged_at: i64,
    pub resolved_by: String,
}

const FLAG_SELECT: &str = "SELECT f.id, f.procurement_id, p.ref_no, p.subject, p.division_id, f.bidder_seq, \
     f.bidder_name, f.user_id, u.username, f.declaration_id, d.name AS declared_name, d.relation, f.match_kind, \
     f.status, f.note, f.flagged_at, f.resolved_by FROM coi_flags f \
     JOIN procurements p ON p.id = f.procurement_id JOIN users u ON u.id = f.user_id \
     JOIN coi_declarations d ON d.id = f.declaration_id";

fn flag_from_row(r: &AnyRow) -> Result<CoiFlag> {
    let kind: String = r.try_get("match_kind")?;
    Ok(CoiFlag {
        id: r.try_get("id")?,
        procurement_id: r.try_get("procurement_id")?,
        procurement_ref: r.try_get("ref_no")?,
        procurement_subject: r.try_get("subject")?,
        division_id: r.try_get("division_id")?,
        bidder_seq: r.try_get("bidder_seq")?,
        bidder_name: r.try_get("bidder_name")?,
        user_id: r.try_get("user_id")?,
        username: r.try_get("username")?,
        declaration_id: r.try_get("declaration_id")?,
        declared_name: r.try_get("declared_name")?,
        relation: r.try_get("relation")?,
        match_kind: MatchKind::from_code(&kind)
            .ok_or_else(|| bad(format!("stored match kind {kind:?} is unknown")))?,
        status: r.try_get("status")?,
        note: r.try_get("note")?,
        flagged_at: r.try_get("flagged_at")?,
        resolved_by: r.try_get("resolved_by")?,
    })
}

/// Checks a procurement's bidders against the declarations of the staff involved (by
/// keyed tax-id hash and by normalized name), records every new match as an open flag
/// (audited) and returns the new flags. Matches already flagged are not repeated.
/// Call inside the transaction that saved the procurement.
pub async fn check_conflicts(
    conn: &mut AnyConnection,
    audit_key: &[u8],
    hash_key: &[u8],
    org_id: i64,
    procurement_id: i64,
    actor: &Actor,
) -> Result<Vec<CoiFlag>> {
    let p = get(conn, org_id, procurement_id)
        .await?
        .ok_or_else(|| StoreError::NotFound("procurement".into()))?;
    let mut new_ids = Vec::new();
    for s in &p.staff {
        let decls: Vec<(i64, String, String)> = sqlx::query_as(
            "SELECT id, name_norm, id_hash FROM coi_declarations WHERE org_id = $1 AND user_id = $2 ORDER BY id",
        )
        .bind(org_id)
        .bind(s.user_id)
        .fetch_all(&mut *conn)
        .await?;
        for b in &p.bidders {
            let b_norm = dp::normalize_name(&b.name);
            let b_hash = (!b.tax_id.is_empty()).then(|| id_hash(hash_key, &b.tax_id));
            for (decl_id, d_norm, d_hash) in &decls {
                let Some(kind) = dp::match_tie(
                    &b_norm,
                    b_hash.as_deref(),
                    d_norm,
                    (!d_hash.is_empty()).then_some(d_hash.as_str()),
                ) else {
                    continue;
                };
                let exists: Option<(i64,)> = sqlx::query_as(
                    "SELECT id FROM coi_flags WHERE org_id = $1 AND procurement_id = $2 AND bidder_seq = $3 \
                     AND declaration_id = $4",
                )
                .bind(org_id)
                .bind(procurement_id)
                .bind(b.seq)
                .bind(decl_id)
                .fetch_optional(&mut *conn)
                .await?;
                if exists.is_some() {
                    continue;
                }
                let (id,): (i64,) = sqlx::query_as(
                    "INSERT INTO coi_flags (org_id, procurement_id, bidder_seq, bidder_name, user_id, declaration_id, \
                     match_kind, status, note, flagged_at, resolved_by) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, 'open', '', $8, '') RETURNING id",
                )
                .bind(org_id)
                .bind(procurement_id)
                .bind(b.seq)
                .bind(&b.name)
                .bind(s.user_id)
                .bind(decl_id)
                .bind(kind.code())
                .bind(crate::now_ms())
                .fetch_one(&mut *conn)
                .await?;
                audit::record(
                    conn,
                    audit_key,
                    org_id,
                    actor,
                    Change {
                        action: "coi.flag",
                        entity: "coi_flag",
                        entity_id: id.to_string(),
                    },
                    "null".into(),
                    json!({"procurement_id": procurement_id, "bidder_seq": b.seq, "user_id": s.user_id,
                        "declaration_id": decl_id, "match": kind.code()})
                    .to_string(),
                )
                .await?;
                new_ids.push(id);
            }
        }
    }
    let all = flags_for_procurement(conn, org_id, procurement_id).await?;
    Ok(all
        .into_iter()
        .filter(|f| new_ids.contains(&f.id))
        .collect())
}

/// The flags of one procurement.
pub async fn flags_for_procurement(
    conn: &mut AnyConnection,
    org_id: i64,
    procurement_id: i64,
) -> Result<Vec<CoiFlag>> {
    let rows = sqlx::query(&format!(
        "{FLAG_SELECT} WHERE f.org_id = $1 AND f.procurement_id = $2 ORDER BY f.id"
    ))
    .bind(org_id)
    .bind(procurement_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(flag_from_row).collect()
}

/// The organization's flags (open ones first), optionally only one division's
/// procurements (what a division head is shown).
pub async fn flags(
    conn: &mut AnyConnection,
    org_id: i64,
    division_id: Option<i64>,
) -> Result<Vec<CoiFlag>> {
    let rows = sqlx::query(&format!(
        "{FLAG_SELECT} WHERE f.org_id = $1 AND ($2 = 0 OR p.division_id = $2) \
         ORDER BY CASE WHEN f.status = 'open' THEN 0 ELSE 1 END, f.flagged_at DESC, f.id"
    ))
    .bind(org_id)
    .bind(division_id.unwrap_or(0))
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(flag_from_row).collect()
}

/// Clears (no conflict) or confirms a flag with a note, audited.
pub async fn resolve_flag(
    conn: &mut AnyConnection,
    audit_key: &[u8],
    org_id: i64,
    flag_id: i64,
    status: &str,
    note: &str,
    actor: &Actor,
) -> Result<()> {
    if !["cleared", "confirmed"].contains(&status) {
        return Err(bad("a flag is cleared or confirmed"));
    }
    if note.trim().is_empty() {
        return Err(bad("say why in the note"));
    }
    let mut tx = conn.begin().await?;
    let n = sqlx::query(
        "UPDATE coi_flags SET status = $1, note = $2, resolved_by = $3, resolved_at = $4 \
         WHERE org_id = $5 AND id = $6",
    )
    .bind(status)
    .bind(note.trim())
    .bind(&actor.label)
    .bind(crate::now_ms())
    .bind(org_id)
    .bind(flag_id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if n == 0 {
        return Err(StoreError::NotFound("record".into()));
    }
    audit::record(
        &mut tx,
        audit_key,
        org_id,
        actor,
        Change {
            action: "coi.resolve",
            entity: "coi_flag",
            entity_id: flag_id.to_string(),
        },
        "null".into(),
        json!({"status": status, "note": note.trim()}).to_string(),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

// ---- moving an organization -----------------------------------------------------------

async fn user_names(conn: &mut AnyConnection, org_id: i64) -> Result<BTreeMap<i64, String>> {
    Ok(sqlx::query_as::<_, (i64, String)>(
        "SELECT u.id, u.username FROM users u JOIN memberships m ON m.user_id = u.id WHERE m.org_id = $1",
    )
    .bind(org_id)
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .collect())
}

/// The `procurement` section of an organization export: plan lines, procurements
/// (bidders, staff by username, documents by file SHA-256 and name), spending checks,
/// declarations (with their keyed hashes: they match again only on an installation
/// with the same reports key) and flags. No database ids.
pub fn export_section<'a>(conn: &'a mut AnyConnection, x: &'a ExportCtx) -> BoxFut<'a, Value> {
    Box::pin(async move {
        let org_id = x.org_id;
        let codes: BTreeMap<i64, String> = orgs::divisions(conn, org_id)
            .await?
            .into_iter()
            .map(|d| (d.id, d.code))
            .collect();
        let users = user_names(conn, org_id).await?;
        let div = |d: Option<i64>| d.and_then(|d| codes.get(&d).cloned());
        let rows = sqlx::query(&format!(
            "SELECT {PLAN_COLS} FROM procurement_plan_items WHERE org_id = $1 ORDER BY fiscal_year, kind, seq"
        ))
        .bind(org_id)
        .fetch_all(&mut *conn)
        .await?;
        let mut plan_keys: BTreeMap<i64, (i64, String, i64)> = BTreeMap::new();
        let mut plan = Vec::new();
        for r in &rows {
            let i = plan_item_from_row(r)?;
            plan_keys.insert(i.id, (i.fiscal_year, i.kind.clone(), i.seq));
            plan.push(json!({"fiscal_year": i.fiscal_year, "kind": i.kind, "seq": i.seq, "subject": i.subject,
                "division": div(i.division_id), "method": i.method, "budget": i.budget,
                "planned_month": i.planned_month, "project_key": i.project_key}));
        }
        let mut procs = Vec::new();
        let all = list(conn, org_id, None).await?;
        let mut refs: BTreeMap<i64, String> = BTreeMap::new();
        for p in &all {
            refs.insert(p.id, p.ref_no.clone());
            let mut docs = Vec::new();
            for d in &p.documents {
                let f = crate::files::by_id(conn, org_id, d.file_id)
                    .await?
                    .ok_or_else(|| bad("a procurement document's file is missing"))?;
                docs.push(json!({"sha256": f.sha256, "original_name": f.original_name, "created_at": f.created_at,
                    "kind": d.kind, "title": d.title}));
            }
            procs.push(json!({
                "ref_no": p.ref_no, "fiscal_year": p.fiscal_year, "subject": p.subject,
                "description": p.description, "division": div(p.division_id), "method": p.method.code(),
                "category": p.category, "budget": p.budget, "reference_price": p.reference_price,
                "winner_seq": p.winner_seq, "contract_amount": p.contract_amount, "contract_no": p.contract_no,
                "selection_reason": p.selection_reason, "announced_on": p.announced_on,
                "tender_end_on": p.tender_end_on, "awarded_on": p.awarded_on, "contract_date": p.contract_date,
                "contract_start": p.contract_start, "contract_end": p.contract_end,
                "project_key": p.project_key,
                "plan_item": p.plan_item_id.and_then(|i| plan_keys.get(&i)).map(|(y, k, s)| json!([y, k, s])),
                "created_by": p.created_by, "created_at": p.created_at, "updated_at": p.updated_at,
                "bidders": p.bidders.iter().map(|b| json!({"seq": b.seq, "name": b.name, "tax_id": b.tax_id,
                    "amount": b.amount, "status": b.status})).collect::<Vec<_>>(),
                "staff": p.staff.iter().map(|s| json!({"username": s.username, "duty": s.duty})).collect::<Vec<_>>(),
                "documents": docs,
            }));
        }
        let checks_rows = sqlx::query(&format!(
            "SELECT {CHECK_COLS} FROM spending_checks WHERE org_id = $1 ORDER BY fiscal_year, paid_on, checked_at, disbursement_ref"
        ))
        .bind(org_id)
        .fetch_all(&mut *conn)
        .await?;
        let mut checks = Vec::new();
        for r in &checks_rows {
            let c = check_from_row(r)?;
            checks.push(json!({"fiscal_year": c.fiscal_year,
                "procurement": c.procurement_id.and_then(|i| refs.get(&i).cloned()),
                "disbursement_ref": c.disbursement_ref, "paid_on": c.paid_on, "amount": c.amount,
                "lawful": c.lawful, "on_purpose": c.on_purpose, "worth_it": c.worth_it, "efficient": c.efficient,
                "notes": c.notes, "checked_by": c.checked_by, "checked_at": c.checked_at}));
        }
        let decl_rows: Vec<DeclRow> = sqlx::query_as(
            "SELECT id, user_id, kind, name, name_norm, relation, id_hash, id_last4, created_at, updated_at \
             FROM coi_declarations WHERE org_id = $1",
        )
        .bind(org_id)
        .fetch_all(&mut *conn)
        .await?;
        // A declaration's stable name: (username, position among that user's by time).
        let mut decl_key: BTreeMap<i64, (String, i64)> = BTreeMap::new();
        let mut decls: Vec<(String, i64, i64, Value)> = Vec::new();
        let mut sorted = decl_rows.clone();
        sorted.sort_by(|a, b| (users.get(&a.1), a.8, &a.3).cmp(&(users.get(&b.1), b.8, &b.3)));
        let mut counter: BTreeMap<String, i64> = BTreeMap::new();
        for (id, user_id, kind, name, name_norm, relation, hash, last4, created, updated) in sorted
        {
            let Some(u) = users.get(&user_id).cloned() else {
                continue;
            };
            let n = counter.entry(u.clone()).or_insert(0);
            *n += 1;
            decl_key.insert(id, (u.clone(), *n));
            decls.push((
                u.clone(),
                *n,
                created,
                json!({"username": u, "n": *n, "kind": kind, "name": name,
                "name_norm": name_norm, "relation": relation, "id_hash": hash, "id_last4": last4,
                "created_at": created, "updated_at": updated}),
            ));
        }
        let flag_rows: Vec<FlagRow> =
            sqlx::query_as(
                "SELECT procurement_id, bidder_seq, bidder_name, user_id, declaration_id, match_kind, status, note, \
                 flagged_at, resolved_by, resolved_at FROM coi_flags WHERE org_id = $1",
            )
            .bind(org_id)
            .fetch_all(&mut *conn)
            .await?;
        let mut flags: Vec<Value> = flag_rows
            .into_iter()
            .filter_map(|(pid, seq, bname, uid, did, kind, status, note, at, by, res_at)| {
                let (du, dn) = decl_key.get(&did)?.clone();
                Some(json!({"procurement": refs.get(&pid)?, "bidder_seq": seq, "bidder_name": bname,
                    "username": users.get(&uid)?, "declaration": [du, dn], "match_kind": kind, "status": status,
                    "note": note, "flagged_at": at, "resolved_by": by, "resolved_at": res_at}))
            })
            .collect();
        flags.sort_by_key(|v| v.to_string());
        Ok(json!({
            "plan_items": plan,
            "procurements": procs,
            "spending_checks": checks,
            "declarations": decls.into_iter().map(|d| d.3).collect::<Vec<_>>(),
            "coi_flags": flags,
        }))
    })
}

/// A `coi_declarations` row: id, user_id, kind, name, name_norm, relation, id_hash,
/// id_last4, created_at, updated_at.
type DeclRow = (
    i64,
    i64,
    String,
    String,
    String,
    String,
    String,
    String,
    i64,
    i64,
);
/// A `coi_flags` row: procurement_id, bidder_seq, bidder_name, user_id, declaration_id,
/// match_kind, status, note, flagged_at, resolved_by, resolved_at.
type FlagRow = (
    i64,
    i64,
    String,
    i64,
    i64,
    String,
    String,
    String,
    i64,
    String,
    Option<i64>,
);

fn arr<'a>(v: &'a Value, name: &str) -> Result<&'a Vec<Value>> {
    static EMPTY: Vec<Value> = Vec::new();
    match v.get(name) {
        None | Some(Value::Null) => Ok(&EMPTY),
        Some(Value::Array(a)) => Ok(a),
        Some(_) => Err(bad(format!("procurement: {name} must be a list"))),
    }
}
fn s(v: &Value, name: &str) -> Result<String> {
    v.get(name)
        .and_then(Value::as_str)
        .map(str::to_string)
        .ok_or_else(|| bad(format!("procurement: field {name:?} must be text")))
}
fn i(v: &Value, name: &str) -> Result<i64> {
    v.get(name).and_then(Value::as_i64).ok_or_else(|| {
        bad(format!(
            "procurement: field {name:?} must be a whole number"
        ))
    })
}
fn oi(v: &Value, name: &str) -> Option<i64> {
    v.get(name).and_then(Value::as_i64)
}
fn b(v: &Value, name: &str) -> Result<bool> {
    v.get(name)
        .and_then(Value::as_bool)
        .ok_or_else(|| bad(format!("procurement: field {name:?} must be true or false")))
}

/// Reads the `procurement` section back (after `divisions`, `members` and `files`).
pub fn import_section<'a>(
    conn: &'a mut AnyConnection,
    x: &'a mut ImportCtx,
    v: &'a Value,
) -> BoxFut<'a, ()> {
    Box::pin(async move {
        if v.is_null() {
            return Ok(());
        }
        let org_id = x.org_id;
        let division = |code: Option<&str>| -> Result<Option<i64>> {
            match code {
                None => Ok(None),
                Some(c) => x
                    .divisions
                    .get(c)
                    .copied()
                    .map(Some)
                    .ok_or_else(|| bad(format!("procurement: unknown division {c:?}"))),
            }
        };
        let user = |name: &str| -> Result<i64> {
            x.users
                .get(name)
                .copied()
                .ok_or_else(|| bad(format!("procurement: {name} is not a member")))
        };
        let mut plan_ids: BTreeMap<(i64, String, i64), i64> = BTreeMap::new();
        for p in arr(v, "plan_items")? {
            let key = (i(p, "fiscal_year")?, s(p, "kind")?, i(p, "seq")?);
            let (id,): (i64,) = sqlx::query_as(
                "INSERT INTO procurement_plan_items (org_id, fiscal_year, kind, seq, subject, division_id, method, \
                 budget, planned_month, project_key, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 0, 0) RETURNING id",
            )
            .bind(org_id)
            .bind(key.0)
            .bind(&key.1)
            .bind(key.2)
            .bind(s(p, "subject")?)
            .bind(division(p.get("division").and_then(Value::as_str))?)
            .bind(s(p, "method")?)
            .bind(i(p, "budget")?)
            .bind(i(p, "planned_month")?)
            .bind(oi(p, "project_key"))
            .fetch_one(&mut *conn)
            .await?;
            plan_ids.insert(key, id);
        }
        let mut proc_ids: BTreeMap<String, i64> = BTreeMap::new();
        for p in arr(v, "procurements")? {
            let ref_no = s(p, "ref_no")?;
            let method = s(p, "method")?;
            if Method::from_code(&method).is_none() {
                return Err(bad(format!(
                    "procurement {ref_no}: unknown method {method:?}"
                )));
            }
            let plan_item = match p.get("plan_item").and_then(Value::as_array) {
                Some(k) if k.len() == 3 => {
                    let key = (
                        k[0].as_i64().unwrap_or_default(),
                        k[1].as_str().unwrap_or_default().to_string(),
                        k[2].as_i64().unwrap_or_default(),
                    );
                    plan_ids.get(&key).copied()
                }
                _ => None,
            };
            let (id,): (i64,) = sqlx::query_as(
                "INSERT INTO procurements (org_id, ref_no, fiscal_year, subject, description, division_id, method, \
                 category, budget, reference_price, winner_seq, contract_amount, contract_no, selection_reason, \
                 announced_on, tender_end_on, awarded_on, contract_date, contract_start, contract_end, project_key, \
                 plan_item_id, created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, \
                 $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25) RETURNING id",
            )
            .bind(org_id)
            .bind(&ref_no)
            .bind(i(p, "fiscal_year")?)
            .bind(s(p, "subject")?)
            .bind(s(p, "description")?)
            .bind(division(p.get("division").and_then(Value::as_str))?)
            .bind(&method)
            .bind(s(p, "category")?)
            .bind(i(p, "budget")?)
            .bind(oi(p, "reference_price"))
            .bind(oi(p, "winner_seq"))
            .bind(oi(p, "contract_amount"))
            .bind(s(p, "contract_no")?)
            .bind(s(p, "selection_reason")?)
            .bind(s(p, "announced_on")?)
            .bind(s(p, "tender_end_on")?)
            .bind(s(p, "awarded_on")?)
            .bind(s(p, "contract_date")?)
            .bind(s(p, "contract_start")?)
            .bind(s(p, "contract_end")?)
            .bind(oi(p, "project_key"))
            .bind(plan_item)
            .bind(s(p, "created_by")?)
            .bind(i(p, "created_at")?)
            .bind(i(p, "updated_at")?)
            .fetch_one(&mut *conn)
            .await?;
            proc_ids.insert(ref_no.clone(), id);
            for bd in arr(p, "bidders")? {
                sqlx::query(
                    "INSERT INTO procurement_bidders (org_id, procurement_id, seq, name, tax_id, amount, status) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(org_id)
                .bind(id)
                .bind(i(bd, "seq")?)
                .bind(s(bd, "name")?)
                .bind(s(bd, "tax_id")?)
                .bind(oi(bd, "amount"))
                .bind(s(bd, "status")?)
                .execute(&mut *conn)
                .await?;
            }
            for st in arr(p, "staff")? {
                sqlx::query(
                    "INSERT INTO procurement_staff (org_id, procurement_id, user_id, duty) VALUES ($1, $2, $3, $4)",
                )
                .bind(org_id)
                .bind(id)
                .bind(user(&s(st, "username")?)?)
                .bind(s(st, "duty")?)
                .execute(&mut *conn)
                .await?;
            }
            for d in arr(p, "documents")? {
                let sha = s(d, "sha256")?;
                let name = s(d, "original_name")?;
                let file: Option<(i64,)> = sqlx::query_as(
                    "SELECT id FROM files WHERE org_id = $1 AND sha256 = $2 AND original_name = $3 \
                     AND created_at = $4 ORDER BY id LIMIT 1",
                )
                .bind(org_id)
                .bind(&sha)
                .bind(&name)
                .bind(i(d, "created_at")?)
                .fetch_optional(&mut *conn)
                .await?;
                let (file_id,) = file.ok_or_else(|| {
                    bad(format!(
                        "procurement {ref_no}: document {name} is not among the files"
                    ))
                })?;
                sqlx::query(
                    "INSERT INTO procurement_documents (org_id, procurement_id, file_id, kind, title) \
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(org_id)
                .bind(id)
                .bind(file_id)
                .bind(s(d, "kind")?)
                .bind(s(d, "title")?)
                .execute(&mut *conn)
                .await?;
            }
        }
        for c in arr(v, "spending_checks")? {
            let pid = c
                .get("procurement")
                .and_then(Value::as_str)
                .and_then(|r| proc_ids.get(r).copied());
            sqlx::query(
                "INSERT INTO spending_checks (org_id, fiscal_year, procurement_id, disbursement_ref, paid_on, amount, \
                 lawful, on_purpose, worth_it, efficient, notes, checked_by, checked_at) VALUES ($1, $2, $3, $4, $5, \
                 $6, $7, $8, $9, $10, $11, $12, $13)",
            )
            .bind(org_id)
            .bind(i(c, "fiscal_year")?)
            .bind(pid)
            .bind(s(c, "disbursement_ref")?)
            .bind(s(c, "paid_on")?)
            .bind(i(c, "amount")?)
            .bind(i64::from(b(c, "lawful")?))
            .bind(i64::from(b(c, "on_purpose")?))
            .bind(i64::from(b(c, "worth_it")?))
            .bind(i64::from(b(c, "efficient")?))
            .bind(s(c, "notes")?)
            .bind(s(c, "checked_by")?)
            .bind(i(c, "checked_at")?)
            .execute(&mut *conn)
            .await?;
        }
        let mut decl_ids: BTreeMap<(String, i64), i64> = BTreeMap::new();
        for d in arr(v, "declarations")? {
            let username = s(d, "username")?;
            let (id,): (i64,) = sqlx::query_as(
                "INSERT INTO coi_declarations (org_id, user_id, kind, name, name_norm, relation, id_hash, id_last4, \
                 created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
            )
            .bind(org_id)
            .bind(user(&username)?)
            .bind(s(d, "kind")?)
            .bind(s(d, "name")?)
            .bind(s(d, "name_norm")?)
            .bind(s(d, "relation")?)
            .bind(s(d, "id_hash")?)
            .bind(s(d, "id_last4")?)
            .bind(i(d, "created_at")?)
            .bind(i(d, "updated_at")?)
            .fetch_one(&mut *conn)
            .await?;
            decl_ids.insert((username, i(d, "n")?), id);
        }
        for f in arr(v, "coi_flags")? {
            let r = s(f, "procurement")?;
            let pid = *proc_ids
                .get(&r)
                .ok_or_else(|| bad(format!("coi flag: unknown procurement {r}")))?;
            let dk = f
                .get("declaration")
                .and_then(Value::as_array)
                .filter(|a| a.len() == 2)
                .ok_or_else(|| bad("coi flag: declaration must be [username, n]"))?;
            let key = (
                dk[0].as_str().unwrap_or_default().to_string(),
                dk[1].as_i64().unwrap_or_default(),
            );
            let did = *decl_ids
                .get(&key)
                .ok_or_else(|| bad("coi flag: unknown declaration"))?;
            sqlx::query(
                "INSERT INTO coi_flags (org_id, procurement_id, bidder_seq, bidder_name, user_id, declaration_id, \
                 match_kind, status, note, flagged_at, resolved_by, resolved_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
            )
            .bind(org_id)
            .bind(pid)
            .bind(i(f, "bidder_seq")?)
            .bind(s(f, "bidder_name")?)
            .bind(user(&s(f, "username")?)?)
            .bind(did)
            .bind(s(f, "match_kind")?)
            .bind(s(f, "status")?)
            .bind(s(f, "note")?)
            .bind(i(f, "flagged_at")?)
            .bind(s(f, "resolved_by")?)
            .bind(oi(f, "resolved_at"))
            .execute(&mut *conn)
            .await?;
        }
        Ok(())
    })
}
