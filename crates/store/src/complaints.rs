//! General complaints (เรื่องร้องทุกข์/ร้องเรียน): filing, the staff workflow, public
//! replies and internal notes, attachments, routing to divisions, the overdue rule,
//! statistics facts, and the organization-export section.
//!
//! The rules (which move is allowed, deadlines) are in `prongsai_domain::complaint`; this
//! module stores their outcome. Every write runs in one transaction whose first
//! statement is a write (so SQLite writers queue instead of deadlocking), and a notice to
//! the complainant is put in the mail outbox ([`crate::mail_outbox`]) in that same
//! transaction: it is sent after commit, and never for a change that was rolled back.

use std::collections::BTreeMap;

use prongsai_domain::codes::{TrackingCode, be_year_bangkok};
use prongsai_domain::complaint::{
    self as rules, Actor as RuleActor, Channel, ComplaintAction, ComplaintFacts, ComplaintStatus,
    TransitionContext, TransitionError,
};
use prongsai_domain::thai;
use serde::Serialize;
use serde_json::{Value, json};
use sqlx::{AnyConnection, Row, any::AnyRow};

use crate::audit::{self, Actor, Change, snapshot};
use crate::db::Db;
use crate::error::{Result, StoreError};
use crate::files::{self, BlobStore};
use crate::orgs::{self, Organization};
use crate::transfer::{BoxFut, ExportCtx, ImportCtx};
use crate::{from_ms, mail_outbox};

/// Longest description accepted (characters).
pub const MAX_DESCRIPTION_CHARS: usize = 5000;
/// Longest short text (location, name, reply) accepted (characters).
pub const MAX_TEXT_CHARS: usize = 2000;

/// One complaint as stored. Contact fields are for staff only: never publish them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Complaint {
    pub id: i64,
    pub org_id: i64,
    /// The tracking code without prefix, `2569-7K4M-Q2PX`.
    pub code: String,
    pub status: ComplaintStatus,
    pub category: String,
    pub division_id: Option<i64>,
    pub channel: Channel,
    pub location_text: String,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub description: String,
    pub contact_name: String,
    pub contact_phone: String,
    pub contact_email: String,
    pub privacy_accepted_at: i64,
    pub filed_by: Option<i64>,
    pub received_at: i64,
    pub deadline_at: i64,
    pub resolved_at: Option<i64>,
    pub closed_at: Option<i64>,
    pub last_public_reply_at: Option<i64>,
    pub forwarded_to: String,
    pub merged_into: String,
    pub updated_at: i64,
}

impl Complaint {
    /// Whole Bangkok days to the deadline (negative: late).
    pub fn days_left(&self, now_ms: i64) -> i64 {
        rules::days_left(from_ms(self.deadline_at), from_ms(now_ms))
    }

    /// Still open past its deadline.
    pub fn is_overdue(&self, now_ms: i64) -> bool {
        self.status.is_open() && now_ms > self.deadline_at
    }
}

const COLS: &str = "id, org_id, code_key, status, category, division_id, channel, location_text, \
     lat, lon, description, contact_name, contact_phone, contact_email, privacy_accepted_at, \
     filed_by, received_at, deadline_at, resolved_at, closed_at, last_public_reply_at, \
     forwarded_to, merged_into, updated_at";

fn bad(msg: impl Into<String>) -> StoreError {
    StoreError::Invalid(msg.into())
}

fn from_row(r: &AnyRow) -> Result<Complaint> {
    let status: String = r.try_get("status")?;
    let channel: String = r.try_get("channel")?;
    Ok(Complaint {
        id: r.try_get("id")?,
        org_id: r.try_get("org_id")?,
        code: r.try_get("code_key")?,
        status: ComplaintStatus::from_code(&status)
            .ok_or_else(|| bad(format!("unknown complaint status {status:?}")))?,
        category: r.try_get("category")?,
        division_id: r.try_get("division_id")?,
        channel: Channel::from_code(&channel)
            .ok_or_else(|| bad(format!("unknown channel {channel:?}")))?,
        location_text: r.try_get("location_text")?,
        lat: r.try_get("lat")?,
        lon: r.try_get("lon")?,
        description: r.try_get("description")?,
        contact_name: r.try_get("contact_name")?,
        contact_phone: r.try_get("contact_phone")?,
        contact_email: r.try_get("contact_email")?,
        privacy_accepted_at: r.try_get("privacy_accepted_at")?,
        filed_by: r.try_get("filed_by")?,
        received_at: r.try_get("received_at")?,
        deadline_at: r.try_get("deadline_at")?,
        resolved_at: r.try_get("resolved_at")?,
        closed_at: r.try_get("closed_at")?,
        last_public_reply_at: r.try_get("last_public_reply_at")?,
        forwarded_to: r.try_get("forwarded_to")?,
        merged_into: r.try_get("merged_into")?,
        updated_at: r.try_get("updated_at")?,
    })
}

/// An attachment as uploaded and checked by the caller.
#[derive(Debug, Clone)]
pub struct NewAttachment {
    pub original_name: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
    /// The bytes have had their metadata stripped and may be shown on the public page.
    pub public: bool,
}

/// What it takes to file a complaint. The caller has checked the category, lengths and
/// the privacy notice; [`file`] checks them again.
#[derive(Debug, Clone)]
pub struct NewComplaint {
    pub category: String,
    pub channel: Channel,
    pub location_text: String,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub description: String,
    pub contact_name: String,
    pub contact_phone: String,
    pub contact_email: String,
    /// The officer who types it in for a citizen (audited); `None` for the citizen.
    pub filed_by: Option<Actor>,
    pub attachments: Vec<NewAttachment>,
}

fn check_new(n: &NewComplaint) -> Result<()> {
    if !prongsai_domain::complaint::Category::is_valid_code(&n.category) {
        return Err(bad("category code"));
    }
    let desc = n.description.trim();
    if desc.is_empty() || desc.chars().count() > MAX_DESCRIPTION_CHARS {
        return Err(bad("description is empty or too long"));
    }
    for t in [
        &n.location_text,
        &n.contact_name,
        &n.contact_phone,
        &n.contact_email,
    ] {
        if t.chars().count() > MAX_TEXT_CHARS {
            return Err(bad("a field is too long"));
        }
    }
    if n.lat.is_some() != n.lon.is_some()
        || n.lat.is_some_and(|v| !(-90.0..=90.0).contains(&v))
        || n.lon.is_some_and(|v| !(-180.0..=180.0).contains(&v))
    {
        return Err(bad("latitude and longitude"));
    }
    if !n.contact_email.is_empty() && !valid_email(&n.contact_email) {
        return Err(bad("e-mail address"));
    }
    Ok(())
}

/// A plausible e-mail address: one `@`, something on both sides, a dot in the domain,
/// no spaces or header-breaking characters.
pub fn valid_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
        && s.len() <= 254
        && !s
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | ',' | ';'))
}

/// The default division for a category, by division code: the division whose code is
/// the category's code, else a usual owner, else the clerk's office, else none.
fn default_division_codes(category: &str) -> &'static [&'static str] {
    match category {
        "roads" | "building" | "electricity" => &["engineering", "works", "public-works"],
        "waste" | "health" => &["health", "environment"],
        "water" => &["water", "waterworks", "engineering"],
        "welfare" => &["welfare"],
        "education" => &["education"],
        "tax" => &["finance", "revenue"],
        "conduct" => &["personnel", "office"],
        _ => &[],
    }
}

/// The division a new complaint of `category` goes to: the organization's routing
/// table, else the default by category code.
pub async fn route_for(
    conn: &mut AnyConnection,
    org_id: i64,
    category: &str,
) -> Result<Option<i64>> {
    let set: Option<(i64,)> = sqlx::query_as(
        "SELECT division_id FROM complaint_routes WHERE org_id = $1 AND category = $2",
    )
    .bind(org_id)
    .bind(category)
    .fetch_optional(&mut *conn)
    .await?;
    if let Some((d,)) = set {
        return Ok(Some(d));
    }
    let divisions = orgs::divisions(conn, org_id).await?;
    let by_code = |code: &str| divisions.iter().find(|d| d.code == code).map(|d| d.id);
    if let Some(d) = by_code(category) {
        return Ok(Some(d));
    }
    for code in default_division_codes(category) {
        if let Some(d) = by_code(code) {
            return Ok(Some(d));
        }
    }
    Ok(by_code("office").or_else(|| divisions.first().map(|d| d.id)))
}

/// The routing table: category → division id, as set by the organization.
pub async fn routes(conn: &mut AnyConnection, org_id: i64) -> Result<BTreeMap<String, i64>> {
    let rows: Vec<(String, i64)> = sqlx::query_as(
        "SELECT category, division_id FROM complaint_routes WHERE org_id = $1 ORDER BY category",
    )
    .bind(org_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.into_iter().collect())
}

/// Sets (or, with `None`, removes) the division a category goes to. Audited.
pub async fn set_route(
    db: &Db,
    key: &[u8],
    org_id: i64,
    category: &str,
    division_id: Option<i64>,
    actor: &Actor,
) -> Result<()> {
    if !prongsai_domain::complaint::Category::is_valid_code(category) {
        return Err(bad("category code"));
    }
    let mut tx = db.begin().await?;
    // A write first: SQLite writers queue instead of deadlocking.
    let before: Option<(i64,)> = sqlx::query_as(
        "DELETE FROM complaint_routes WHERE org_id = $1 AND category = $2 RETURNING division_id",
    )
    .bind(org_id)
    .bind(category)
    .fetch_optional(&mut *tx)
    .await?;
    if let Some(d) = division_id {
        if orgs::division(&mut tx, org_id, d).await?.is_none() {
            return Err(StoreError::NotFound("division".into()));
        }
        sqlx::query(
            "INSERT INTO complaint_routes (org_id, category, division_id) VALUES ($1, $2, $3)",
        )
        .bind(org_id)
        .bind(category)
        .bind(d)
        .execute(&mut *tx)
        .await?;
    }
    audit::record(
        &mut tx,
        key,
        org_id,
        actor,
        Change {
            action: "complaint.route",
            entity: "complaint_route",
            entity_id: category.to_string(),
        },
        snapshot(before.map(|b| b.0).as_ref()),
        snapshot(division_id.as_ref()),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A tracking code not used anywhere in the installation yet.
async fn fresh_code(db: &Db, now: time::OffsetDateTime) -> Result<String> {
    let year = be_year_bangkok(now);
    for _ in 0..8 {
        let code = TrackingCode::generate(&mut rand::rngs::OsRng, None, year)
            .map_err(|e| bad(e.to_string()))?
            .key();
        let taken: Option<(i64,)> = sqlx::query_as("SELECT id FROM complaints WHERE code_key = $1")
            .bind(&code)
            .fetch_optional(&db.pool)
            .await?;
        if taken.is_none() {
            return Ok(code);
        }
    }
    Err(StoreError::Conflict("tracking code".into()))
}

/// Files a complaint durably: when this returns, the complaint, its attachments and its
/// first history entry are committed. Attachments' bytes are written to the blob store
/// before the transaction (a failure leaves at most unreferenced blobs).
pub async fn file(
    db: &Db,
    key: &[u8],
    blobs: &dyn BlobStore,
    org: &Organization,
    new: &NewComplaint,
) -> Result<Complaint> {
    check_new(new)?;
    let now_ms = crate::now_ms();
    let now = from_ms(now_ms);
    let division = {
        let mut conn = db.pool.acquire().await?;
        route_for(&mut conn, org.id, &new.category).await?
    };
    let days = u32::try_from(org.complaint_deadline_days.clamp(1, 365)).unwrap_or(15);
    let deadline_ms = ms(rules::deadline(now, days));
    let mut stored = Vec::new();
    for a in &new.attachments {
        let k = files::new_key(org.id);
        blobs.put(&k, &a.bytes)?;
        stored.push(k);
    }
    let result = async {
        let code = fresh_code(db, now).await?;
        let mut tx = db.begin().await?;
        let sql = format!(
            "INSERT INTO complaints (org_id, code_key, status, category, division_id, channel, \
             location_text, lat, lon, description, contact_name, contact_phone, contact_email, \
             privacy_accepted_at, filed_by, received_at, deadline_at, resolved_at, closed_at, \
             last_public_reply_at, forwarded_to, merged_into, updated_at) VALUES \
             ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, NULL, NULL, NULL, '', '', $16) \
             RETURNING {COLS}"
        );
        let q = sqlx::query(&sql)
        .bind(org.id)
        .bind(&code)
        .bind(ComplaintStatus::Received.code())
        .bind(&new.category)
        .bind(division)
        .bind(new.channel.code())
        .bind(new.location_text.trim());
        let q = bind_f64(bind_f64(q, new.lat), new.lon);
        let row = q
        .bind(new.description.trim())
        .bind(new.contact_name.trim())
        .bind(new.contact_phone.trim())
        .bind(new.contact_email.trim())
        .bind(now_ms)
        .bind(new.filed_by.as_ref().map(|a| a.id))
        .bind(now_ms)
        .bind(deadline_ms)
        .fetch_one(&mut *tx)
        .await?;
        let c = from_row(&row)?;
        let (actor_id, label) = match &new.filed_by {
            Some(a) => (Some(a.id), a.label.clone()),
            None => (None, "complainant".to_string()),
        };
        insert_event(&mut tx, &c, now_ms, "filed", true, "", actor_id, &label).await?;
        for (a, k) in new.attachments.iter().zip(&stored) {
            let meta = files::insert_meta(
                &mut tx,
                org.id,
                k,
                &a.original_name,
                &a.content_type,
                &a.bytes,
                actor_id,
                now_ms,
            )
            .await?;
            sqlx::query(
                "INSERT INTO complaint_files (org_id, complaint_id, file_id, public) VALUES ($1, $2, $3, $4)",
            )
            .bind(org.id)
            .bind(c.id)
            .bind(meta.id)
            .bind(i64::from(a.public))
            .execute(&mut *tx)
            .await?;
        }
        if let Some(staff) = &new.filed_by {
            audit::record(
                &mut tx,
                key,
                org.id,
                staff,
                Change {
                    action: "complaint.file",
                    entity: "complaint",
                    entity_id: c.code.clone(),
                },
                "null".into(),
                snapshot(Some(&json!({
                    "code": c.code, "category": c.category, "channel": c.channel.code(),
                    "division_id": c.division_id,
                }))),
            )
            .await?;
        }
        queue_notice(&mut tx, org, &c, None).await?;
        tx.commit().await?;
        Ok::<Complaint, StoreError>(c)
    }
    .await;
    if result.is_err() {
        for k in &stored {
            let _ = blobs.delete(k);
        }
    }
    result
}

type AnyQuery<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>;

/// Binds an optional float so PostgreSQL keeps the parameter a float8 (see plans.rs:
/// a NULL f64 would change the cached statement's parameter type).
fn bind_f64(q: AnyQuery<'_>, v: Option<f64>) -> AnyQuery<'_> {
    match v {
        Some(v) => q.bind(v),
        None => q.bind(Option::<f32>::None),
    }
}

fn ms(t: time::OffsetDateTime) -> i64 {
    i64::try_from(t.unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX)
}

#[allow(clippy::too_many_arguments)]
async fn insert_event(
    conn: &mut AnyConnection,
    c: &Complaint,
    at_ms: i64,
    kind: &str,
    public: bool,
    body: &str,
    actor_id: Option<i64>,
    actor_label: &str,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO complaint_events (org_id, complaint_id, at_ms, kind, public, status_after, body, actor_id, actor_label) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(c.org_id)
    .bind(c.id)
    .bind(at_ms)
    .bind(kind)
    .bind(i64::from(public))
    .bind(c.status.code())
    .bind(body)
    .bind(actor_id)
    .bind(actor_label)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Puts an e-mail notice to the complainant in the outbox, when they gave an address.
/// `message` is the public text that came with the change.
async fn queue_notice(
    conn: &mut AnyConnection,
    org: &Organization,
    c: &Complaint,
    message: Option<&str>,
) -> Result<()> {
    if c.contact_email.is_empty() {
        return Ok(());
    }
    let (subject, body) = notice_text(org, c, message);
    mail_outbox::enqueue(conn, org.id, &c.contact_email, &subject, &body).await?;
    Ok(())
}

/// The Thai subject and body of a notice about complaint `c` in its current state.
pub fn notice_text(org: &Organization, c: &Complaint, message: Option<&str>) -> (String, String) {
    let subject = format!(
        "[{}] เรื่องร้องเรียน {}: {}",
        org.name_th,
        c.code,
        c.status.label_th()
    );
    let deadline = thai::format_date_th(thai::to_bangkok(from_ms(c.deadline_at)).date());
    let mut body = format!(
        "เรียน {}\n\nเรื่องร้องเรียนรหัส {} ของท่านถึง{}\nสถานะปัจจุบัน: {}\nกำหนดแล้วเสร็จ: {}\n",
        if c.contact_name.is_empty() {
            "ผู้ร้องเรียน"
        } else {
            &c.contact_name
        },
        c.code,
        org.name_th,
        c.status.label_th(),
        deadline,
    );
    if let Some(m) = message.filter(|m| !m.trim().is_empty()) {
        body.push_str(&format!("\nข้อความจากเจ้าหน้าที่:\n{}\n", m.trim()));
    }
    body.push_str(&format!(
        "\nติดตามสถานะได้ที่ /{}/complaints/track/{}\nรหัสติดตามเรื่องของท่าน: {}\n\n{}\n",
        org.slug, c.code, c.code, org.name_th
    ));
    (subject, body)
}

/// One complaint of an organization by id.
pub async fn by_id(conn: &mut AnyConnection, org_id: i64, id: i64) -> Result<Option<Complaint>> {
    let row = sqlx::query(&format!(
        "SELECT {COLS} FROM complaints WHERE org_id = $1 AND id = $2"
    ))
    .bind(org_id)
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    row.as_ref().map(from_row).transpose()
}

/// One complaint of an organization by tracking code (as typed: any form
/// [`TrackingCode::parse`] reads).
pub async fn by_code(
    conn: &mut AnyConnection,
    org_id: i64,
    code: &str,
) -> Result<Option<Complaint>> {
    let Ok(code) = TrackingCode::parse(code) else {
        return Ok(None);
    };
    let row = sqlx::query(&format!(
        "SELECT {COLS} FROM complaints WHERE org_id = $1 AND code_key = $2"
    ))
    .bind(org_id)
    .bind(code.key())
    .fetch_optional(&mut *conn)
    .await?;
    row.as_ref().map(from_row).transpose()
}

/// A complaint by tracking code in any organization (codes are unique in the
/// installation). For the public API, which has the code and nothing else.
pub async fn by_code_anywhere(conn: &mut AnyConnection, code: &str) -> Result<Option<Complaint>> {
    let Ok(code) = TrackingCode::parse(code) else {
        return Ok(None);
    };
    let row = sqlx::query(&format!(
        "SELECT {COLS} FROM complaints WHERE code_key = $1 ORDER BY received_at DESC, id DESC LIMIT 1"
    ))
        .bind(code.key())
        .fetch_optional(&mut *conn)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// What the staff queue shows.
#[derive(Debug, Clone, Default)]
pub struct QueueFilter {
    pub status: Option<ComplaintStatus>,
    /// Only cases still waiting for an answer.
    pub open_only: bool,
    pub division_id: Option<i64>,
    pub category: Option<String>,
    /// An officer sees only their own division's cases: `Some(their division)`.
    pub only_division: Option<Option<i64>>,
    /// Received at or after / before (ms), for Open311 date filters.
    pub since_ms: Option<i64>,
    pub until_ms: Option<i64>,
    pub limit: i64,
}

/// Complaints for the queue: open ones by deadline first, then the rest newest first.
pub async fn list(
    conn: &mut AnyConnection,
    org_id: i64,
    f: &QueueFilter,
) -> Result<Vec<Complaint>> {
    let mut sql = format!("SELECT {COLS} FROM complaints WHERE org_id = $1");
    let mut n = 1;
    let mut next = || {
        n += 1;
        format!("${n}")
    };
    if f.status.is_some() {
        sql.push_str(&format!(" AND status = {}", next()));
    }
    if f.open_only {
        sql.push_str(" AND status IN ('received', 'acknowledged', 'in_progress', 'reopened')");
    }
    if f.division_id.is_some() {
        sql.push_str(&format!(" AND division_id = {}", next()));
    }
    if f.category.is_some() {
        sql.push_str(&format!(" AND category = {}", next()));
    }
    match f.only_division {
        Some(Some(_)) => sql.push_str(&format!(" AND division_id = {}", next())),
        Some(None) => sql.push_str(" AND 1 = 0"),
        None => {}
    }
    if f.since_ms.is_some() {
        sql.push_str(&format!(" AND received_at >= {}", next()));
    }
    if f.until_ms.is_some() {
        sql.push_str(&format!(" AND received_at <= {}", next()));
    }
    sql.push_str(&format!(
        " ORDER BY CASE WHEN status IN ('received', 'acknowledged', 'in_progress', 'reopened') THEN 0 ELSE 1 END, \
         CASE WHEN status IN ('received', 'acknowledged', 'in_progress', 'reopened') THEN deadline_at ELSE -received_at END, id \
         LIMIT {}",
        next()
    ));
    let mut q = sqlx::query(&sql).bind(org_id);
    if let Some(s) = f.status {
        q = q.bind(s.code());
    }
    if let Some(d) = f.division_id {
        q = q.bind(d);
    }
    if let Some(c) = &f.category {
        q = q.bind(c.clone());
    }
    if let Some(Some(d)) = f.only_division {
        q = q.bind(d);
    }
    if let Some(s) = f.since_ms {
        q = q.bind(s);
    }
    if let Some(u) = f.until_ms {
        q = q.bind(u);
    }
    let limit = if f.limit <= 0 { 500 } else { f.limit.min(5000) };
    let rows = q.bind(limit).fetch_all(&mut *conn).await?;
    rows.iter().map(from_row).collect()
}

/// One entry of a complaint's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Event {
    pub id: i64,
    pub at_ms: i64,
    /// `filed`, an action code (`acknowledge`, `resolve` …), `reply`, `note` or
    /// `overdue_notice`.
    pub kind: String,
    pub public: bool,
    pub status_after: ComplaintStatus,
    pub body: String,
    pub actor_label: String,
}

/// A complaint's history, oldest first; `public_only` for the tracking page.
pub async fn events(
    conn: &mut AnyConnection,
    org_id: i64,
    complaint_id: i64,
    public_only: bool,
) -> Result<Vec<Event>> {
    let rows = sqlx::query(&format!(
        "SELECT id, at_ms, kind, public, status_after, body, actor_label FROM complaint_events \
         WHERE org_id = $1 AND complaint_id = $2{} ORDER BY at_ms, id",
        if public_only { " AND public = 1" } else { "" }
    ))
    .bind(org_id)
    .bind(complaint_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            let s: String = r.try_get("status_after")?;
            Ok(Event {
                id: r.try_get("id")?,
                at_ms: r.try_get("at_ms")?,
                kind: r.try_get("kind")?,
                public: r.try_get::<i64, _>("public")? != 0,
                status_after: ComplaintStatus::from_code(&s)
                    .ok_or_else(|| bad(format!("unknown status {s:?}")))?,
                body: r.try_get("body")?,
                actor_label: r.try_get("actor_label")?,
            })
        })
        .collect()
}

/// An attachment of a complaint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Attachment {
    pub file: files::FileMeta,
    pub public: bool,
}

/// A complaint's attachments; `public_only` for the tracking page.
pub async fn attachments(
    conn: &mut AnyConnection,
    org_id: i64,
    complaint_id: i64,
    public_only: bool,
) -> Result<Vec<Attachment>> {
    let rows: Vec<(i64, i64)> = sqlx::query_as(&format!(
        "SELECT file_id, public FROM complaint_files WHERE org_id = $1 AND complaint_id = $2{} ORDER BY file_id",
        if public_only { " AND public = 1" } else { "" }
    ))
    .bind(org_id)
    .bind(complaint_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut out = Vec::new();
    for (file_id, public) in rows {
        if let Some(file) = files::by_id(conn, org_id, file_id).await? {
            out.push(Attachment {
                file,
                public: public != 0,
            });
        }
    }
    Ok(out)
}

/// Who asks for a move.
#[derive(Debug, Clone)]
pub enum Who {
    Staff(Actor),
    /// The complainant, identified by the tracking code.
    Complainant,
    System,
}

impl Who {
    fn rule_actor(&self) -> RuleActor {
        match self {
            Who::Staff(_) => RuleActor::Staff,
            Who::Complainant => RuleActor::Complainant,
            Who::System => RuleActor::System,
        }
    }
    fn id_label(&self) -> (Option<i64>, String) {
        match self {
            Who::Staff(a) => (Some(a.id), a.label.clone()),
            Who::Complainant => (None, "complainant".into()),
            Who::System => (None, "system".into()),
        }
    }
}

/// Why a move on a complaint failed.
#[derive(Debug, thiserror::Error)]
pub enum ApplyError {
    #[error(transparent)]
    Rule(#[from] TransitionError),
    #[error("the complaint to merge into was not found, or is this one")]
    MergeTarget,
    #[error("no such division")]
    Division,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for ApplyError {
    fn from(e: sqlx::Error) -> Self {
        ApplyError::Store(e.into())
    }
}

impl ApplyError {
    pub fn message_th(&self) -> String {
        match self {
            ApplyError::Rule(e) => e.message_th(),
            ApplyError::MergeTarget => "ไม่พบเรื่องที่จะรวม หรือเป็นเรื่องเดียวกัน".into(),
            ApplyError::Division => "ไม่พบกองที่ระบุ".into(),
            ApplyError::Store(e) => e.message_th(),
        }
    }
}

/// Takes the write lock on a complaint (SQLite: the database; PostgreSQL: the row) and
/// reads it, so concurrent moves on one case queue.
async fn lock(conn: &mut AnyConnection, org_id: i64, id: i64) -> Result<Option<Complaint>> {
    sqlx::query("UPDATE complaints SET updated_at = updated_at WHERE org_id = $1 AND id = $2")
        .bind(org_id)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    by_id(conn, org_id, id).await
}

/// Applies a move to a complaint (see [`rules::transition`]), with its history entry,
/// the audit entry (staff) and the notice to the complainant, in one transaction.
pub async fn apply(
    db: &Db,
    key: &[u8],
    org: &Organization,
    complaint_id: i64,
    action: &ComplaintAction,
    who: &Who,
) -> Result<Complaint, ApplyError> {
    let now_ms = crate::now_ms();
    let mut tx = db.begin().await?;
    let before = lock(&mut tx, org.id, complaint_id)
        .await?
        .ok_or_else(|| StoreError::NotFound("complaint".into()))?;
    let ctx = TransitionContext {
        actor: who.rule_actor(),
        now: from_ms(now_ms),
        resolved_at: before.resolved_at.map(from_ms),
    };
    let to = rules::transition(before.status, action, &ctx)?;
    let mut after = before.clone();
    after.status = to;
    after.updated_at = now_ms;
    let mut public = true;
    let text: String = match action {
        ComplaintAction::Resolve { reply } => {
            after.resolved_at = Some(now_ms);
            after.last_public_reply_at = Some(now_ms);
            reply.trim().into()
        }
        ComplaintAction::Reject { reason } => {
            after.resolved_at = Some(now_ms);
            after.last_public_reply_at = Some(now_ms);
            reason.trim().into()
        }
        ComplaintAction::Forward { to } => {
            after.resolved_at = Some(now_ms);
            after.last_public_reply_at = Some(now_ms);
            after.forwarded_to = to.trim().into();
            to.trim().into()
        }
        ComplaintAction::Reassign { division } => {
            let d = orgs::division_by_code(&mut tx, org.id, division.trim())
                .await?
                .ok_or(ApplyError::Division)?;
            after.division_id = Some(d.id);
            public = false;
            d.name_th
        }
        ComplaintAction::MergeInto { into } => {
            let target = by_code(&mut tx, org.id, into)
                .await?
                .filter(|t| t.id != before.id)
                .ok_or(ApplyError::MergeTarget)?;
            after.merged_into = target.code.clone();
            after.resolved_at = Some(now_ms);
            after.closed_at = Some(now_ms);
            target.code
        }
        ComplaintAction::Reopen { reason } => {
            after.resolved_at = None;
            reason.trim().into()
        }
        ComplaintAction::Confirm | ComplaintAction::CloseUnconfirmed => {
            after.closed_at = Some(now_ms);
            String::new()
        }
        ComplaintAction::Acknowledge | ComplaintAction::StartWork => String::new(),
    };
    sqlx::query(
        "UPDATE complaints SET status = $1, division_id = $2, resolved_at = $3, closed_at = $4, \
         last_public_reply_at = $5, forwarded_to = $6, merged_into = $7, updated_at = $8 \
         WHERE org_id = $9 AND id = $10",
    )
    .bind(after.status.code())
    .bind(after.division_id)
    .bind(after.resolved_at)
    .bind(after.closed_at)
    .bind(after.last_public_reply_at)
    .bind(&after.forwarded_to)
    .bind(&after.merged_into)
    .bind(now_ms)
    .bind(org.id)
    .bind(before.id)
    .execute(&mut *tx)
    .await?;
    let (actor_id, label) = who.id_label();
    insert_event(
        &mut tx,
        &after,
        now_ms,
        action.code(),
        public,
        &text,
        actor_id,
        &label,
    )
    .await?;
    if let Who::Staff(a) = who {
        audit::record(
            &mut tx,
            key,
            org.id,
            a,
            Change {
                action: "complaint.action",
                entity: "complaint",
                entity_id: before.code.clone(),
            },
            snapshot(Some(&json!({"status": before.status.code(), "division_id": before.division_id}))),
            snapshot(Some(&json!({"action": action.code(), "status": after.status.code(), "division_id": after.division_id, "text": text}))),
        )
        .await?;
    }
    if public {
        let msg = match action {
            ComplaintAction::Resolve { .. }
            | ComplaintAction::Reject { .. }
            | ComplaintAction::Forward { .. } => Some(text.as_str()),
            _ => None,
        };
        queue_notice(&mut tx, org, &after, msg).await?;
    }
    tx.commit().await?;
    Ok(after)
}

/// Adds a public reply (shown on the tracking page and e-mailed) or an internal note
/// (staff only) without changing the status. Audited.
pub async fn add_message(
    db: &Db,
    key: &[u8],
    org: &Organization,
    complaint_id: i64,
    text: &str,
    public: bool,
    actor: &Actor,
) -> Result<Complaint> {
    let text = text.trim();
    if text.is_empty() || text.chars().count() > MAX_DESCRIPTION_CHARS {
        return Err(bad("message is empty or too long"));
    }
    let now_ms = crate::now_ms();
    let mut tx = db.begin().await?;
    let mut c = lock(&mut tx, org.id, complaint_id)
        .await?
        .ok_or_else(|| StoreError::NotFound("complaint".into()))?;
    let kind = if public { "reply" } else { "note" };
    if public {
        c.last_public_reply_at = Some(now_ms);
        sqlx::query("UPDATE complaints SET last_public_reply_at = $1, updated_at = $1 WHERE org_id = $2 AND id = $3")
            .bind(now_ms)
            .bind(org.id)
            .bind(c.id)
            .execute(&mut *tx)
            .await?;
    }
    insert_event(
        &mut tx,
        &c,
        now_ms,
        kind,
        public,
        text,
        Some(actor.id),
        &actor.label,
    )
    .await?;
    audit::record(
        &mut tx,
        key,
        org.id,
        actor,
        Change {
            action: if public {
                "complaint.reply"
            } else {
                "complaint.note"
            },
            entity: "complaint",
            entity_id: c.code.clone(),
        },
        "null".into(),
        snapshot(Some(&text)),
    )
    .await?;
    if public {
        queue_notice(&mut tx, org, &c, Some(text)).await?;
    }
    tx.commit().await?;
    Ok(c)
}

const OPEN_SQL: &str = "status IN ('received', 'acknowledged', 'in_progress', 'reopened')";

/// The explanation posted on a case past its deadline.
pub fn overdue_text(c: &Complaint, division: Option<&str>) -> String {
    let deadline = thai::format_date_th(thai::to_bangkok(from_ms(c.deadline_at)).date());
    format!(
        "เรื่องร้องเรียนของท่านยังดำเนินการไม่แล้วเสร็จภายในกำหนด ({deadline}) เนื่องจากอยู่ระหว่างการตรวจสอบและแก้ไขของ{} \
         ซึ่งต้องใช้เวลามากกว่าที่กำหนดไว้ หน่วยงานขออภัยในความล่าช้า และจะแจ้งความคืบหน้าให้ท่านทราบ \
         จนกว่าเรื่องจะแล้วเสร็จ ท่านติดตามสถานะได้ด้วยรหัส {}",
        division.unwrap_or("หน่วยงานที่รับผิดชอบ"),
        c.code
    )
}

/// The overdue rule: every open case past its deadline with no public reply since the
/// deadline gets an explanatory public reply and an e-mail notice. Idempotent and safe
/// to run from several server processes at once: each case is claimed by a conditional
/// UPDATE, and only the process whose UPDATE changed the row writes the reply.
/// Returns how many cases got a notice.
pub async fn overdue_sweep(db: &Db, now_ms: i64) -> Result<u64> {
    let due: Vec<(i64, i64)> = sqlx::query_as(&format!(
        "SELECT org_id, id FROM complaints WHERE {OPEN_SQL} AND deadline_at < $1 \
         AND (last_public_reply_at IS NULL OR last_public_reply_at <= deadline_at) ORDER BY id LIMIT 500"
    ))
    .bind(now_ms)
    .fetch_all(&db.pool)
    .await?;
    let mut n = 0;
    for (org_id, id) in due {
        let mut tx = db.begin().await?;
        let claimed = sqlx::query(&format!(
            "UPDATE complaints SET last_public_reply_at = $1, updated_at = $1 WHERE org_id = $2 AND id = $3 \
             AND {OPEN_SQL} AND deadline_at < $1 AND (last_public_reply_at IS NULL OR last_public_reply_at <= deadline_at)"
        ))
        .bind(now_ms)
        .bind(org_id)
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if claimed != 1 {
            tx.rollback().await?;
            continue;
        }
        let (Some(c), Some(org)) = (
            by_id(&mut tx, org_id, id).await?,
            orgs::by_id(&mut tx, org_id).await?,
        ) else {
            tx.rollback().await?;
            continue;
        };
        let division = match c.division_id {
            Some(d) => orgs::division(&mut tx, org_id, d).await?.map(|d| d.name_th),
            None => None,
        };
        let text = overdue_text(&c, division.as_deref());
        insert_event(
            &mut tx,
            &c,
            now_ms,
            "overdue_notice",
            true,
            &text,
            None,
            "system",
        )
        .await?;
        queue_notice(&mut tx, &org, &c, Some(&text)).await?;
        tx.commit().await?;
        n += 1;
    }
    Ok(n)
}

/// Closes resolved cases whose confirmation window has passed. Safe to run anywhere,
/// any number of times. Returns how many were closed.
pub async fn close_unconfirmed_sweep(db: &Db, key: &[u8], now_ms: i64) -> Result<u64> {
    let window = rules::CONFIRMATION_WINDOW_DAYS * 24 * 60 * 60 * 1000;
    let due: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT org_id, id FROM complaints WHERE status = 'resolved' AND resolved_at < $1 ORDER BY id LIMIT 500",
    )
    .bind(now_ms - window)
    .fetch_all(&db.pool)
    .await?;
    let mut n = 0;
    for (org_id, id) in due {
        let Some(org) = ({
            let mut conn = db.pool.acquire().await?;
            orgs::by_id(&mut conn, org_id).await?
        }) else {
            continue;
        };
        match apply(
            db,
            key,
            &org,
            id,
            &ComplaintAction::CloseUnconfirmed,
            &Who::System,
        )
        .await
        {
            Ok(_) => n += 1,
            // Another process got there first, or the complainant answered.
            Err(ApplyError::Rule(_)) => {}
            Err(ApplyError::Store(e)) => return Err(e),
            Err(_) => {}
        }
    }
    Ok(n)
}

/// The facts statistics need, for every complaint of an organization (no personal data).
pub async fn facts(conn: &mut AnyConnection, org_id: i64) -> Result<Vec<ComplaintFacts>> {
    let names: BTreeMap<i64, String> = orgs::divisions(conn, org_id)
        .await?
        .into_iter()
        .map(|d| (d.id, d.name_th))
        .collect();
    let rows = sqlx::query(
        "SELECT received_at, resolved_at, status, category, division_id, channel, deadline_at \
         FROM complaints WHERE org_id = $1 ORDER BY received_at, id",
    )
    .bind(org_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let status: String = r.try_get("status")?;
        let channel: String = r.try_get("channel")?;
        let division: Option<i64> = r.try_get("division_id")?;
        out.push(ComplaintFacts {
            received_at: from_ms(r.try_get("received_at")?),
            resolved_at: r.try_get::<Option<i64>, _>("resolved_at")?.map(from_ms),
            status: ComplaintStatus::from_code(&status).ok_or_else(|| bad("status"))?,
            category: r.try_get("category")?,
            division: division
                .and_then(|d| names.get(&d).cloned())
                .unwrap_or_else(|| "-".into()),
            channel: Channel::from_code(&channel).ok_or_else(|| bad("channel"))?,
            deadline: from_ms(r.try_get("deadline_at")?),
        });
    }
    Ok(out)
}

// ---- organization export / import -------------------------------------------------------

/// Export: every complaint with its history, attachments (by file identity) and the
/// routing table. Contact data travels: the receiving installation takes over the cases.
pub fn export_section<'a>(conn: &'a mut AnyConnection, x: &'a ExportCtx) -> BoxFut<'a, Value> {
    Box::pin(async move {
        let codes: BTreeMap<i64, String> = orgs::divisions(conn, x.org_id)
            .await?
            .into_iter()
            .map(|d| (d.id, d.code))
            .collect();
        let usernames: BTreeMap<i64, String> = sqlx::query_as::<_, (i64, String)>(
            "SELECT u.id, u.username FROM users u JOIN memberships m ON m.user_id = u.id WHERE m.org_id = $1",
        )
        .bind(x.org_id)
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .collect();
        let routes: Vec<Value> = routes(conn, x.org_id)
            .await?
            .into_iter()
            .filter_map(|(cat, d)| {
                codes
                    .get(&d)
                    .map(|code| json!({"category": cat, "division": code}))
            })
            .collect();
        let rows = sqlx::query(&format!(
            "SELECT {COLS} FROM complaints WHERE org_id = $1 ORDER BY received_at, code_key"
        ))
        .bind(x.org_id)
        .fetch_all(&mut *conn)
        .await?;
        let mut list = Vec::new();
        for r in rows {
            let c = from_row(&r)?;
            let evs: Vec<Value> = events(conn, x.org_id, c.id, false)
                .await?
                .into_iter()
                .map(|e| {
                    json!({"at_ms": e.at_ms, "kind": e.kind, "public": e.public,
                        "status_after": e.status_after.code(), "body": e.body, "actor": e.actor_label})
                })
                .collect();
            let files: Vec<Value> = attachments(conn, x.org_id, c.id, false)
                .await?
                .into_iter()
                .map(|a| {
                    json!({"sha256": a.file.sha256, "original_name": a.file.original_name,
                        "created_at": a.file.created_at, "public": a.public})
                })
                .collect();
            list.push(json!({
                "code": c.code, "status": c.status.code(), "category": c.category,
                "division": c.division_id.and_then(|d| codes.get(&d).cloned()),
                "channel": c.channel.code(), "location_text": c.location_text,
                "lat": c.lat, "lon": c.lon, "description": c.description,
                "contact_name": c.contact_name, "contact_phone": c.contact_phone,
                "contact_email": c.contact_email, "privacy_accepted_at": c.privacy_accepted_at,
                "filed_by": c.filed_by.and_then(|u| usernames.get(&u).cloned()),
                "received_at": c.received_at, "deadline_at": c.deadline_at,
                "resolved_at": c.resolved_at, "closed_at": c.closed_at,
                "last_public_reply_at": c.last_public_reply_at,
                "forwarded_to": c.forwarded_to, "merged_into": c.merged_into,
                "updated_at": c.updated_at, "events": evs, "files": files,
            }));
        }
        Ok(json!({"routes": routes, "complaints": list}))
    })
}

fn s(v: &Value, k: &str) -> Result<String> {
    v.get(k)
        .and_then(Value::as_str)
        .map(str::to_string)
        .ok_or_else(|| bad(format!("complaints: field {k:?} must be text")))
}
fn i(v: &Value, k: &str) -> Result<i64> {
    v.get(k)
        .and_then(Value::as_i64)
        .ok_or_else(|| bad(format!("complaints: field {k:?} must be a whole number")))
}
fn oi(v: &Value, k: &str) -> Option<i64> {
    v.get(k).and_then(Value::as_i64)
}
fn of(v: &Value, k: &str) -> Option<f64> {
    v.get(k).and_then(Value::as_f64)
}
fn arr<'a>(v: &'a Value, k: &str) -> Result<&'a Vec<Value>> {
    v.get(k)
        .and_then(Value::as_array)
        .ok_or_else(|| bad(format!("complaints: field {k:?} must be a list")))
}

/// Import: the inverse of [`export_section`]; runs after `divisions`, `members` and
/// `files`.
pub fn import_section<'a>(
    conn: &'a mut AnyConnection,
    x: &'a mut ImportCtx,
    v: &'a Value,
) -> BoxFut<'a, ()> {
    Box::pin(async move {
        let division = |code: Option<&str>| -> Result<Option<i64>> {
            match code {
                None => Ok(None),
                Some(c) => x
                    .divisions
                    .get(c)
                    .copied()
                    .map(Some)
                    .ok_or_else(|| bad(format!("complaints: unknown division {c:?}"))),
            }
        };
        for r in arr(v, "routes")? {
            let d = division(Some(&s(r, "division")?))?;
            sqlx::query(
                "INSERT INTO complaint_routes (org_id, category, division_id) VALUES ($1, $2, $3)",
            )
            .bind(x.org_id)
            .bind(s(r, "category")?)
            .bind(d)
            .execute(&mut *conn)
            .await?;
        }
        for c in arr(v, "complaints")? {
            let code = s(c, "code")?;
            let status = s(c, "status")?;
            let channel = s(c, "channel")?;
            if ComplaintStatus::from_code(&status).is_none()
                || Channel::from_code(&channel).is_none()
            {
                return Err(bad(format!("complaint {code}: unknown status or channel")));
            }
            let div = division(c.get("division").and_then(Value::as_str))?;
            let filed_by = c
                .get("filed_by")
                .and_then(Value::as_str)
                .and_then(|u| x.users.get(u).copied());
            let q = sqlx::query(
                "INSERT INTO complaints (org_id, code_key, status, category, division_id, channel, \
                 location_text, lat, lon, description, contact_name, contact_phone, contact_email, \
                 privacy_accepted_at, filed_by, received_at, deadline_at, resolved_at, closed_at, \
                 last_public_reply_at, forwarded_to, merged_into, updated_at) VALUES \
                 ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23) \
                 RETURNING id",
            )
            .bind(x.org_id)
            .bind(&code)
            .bind(&status)
            .bind(s(c, "category")?)
            .bind(div)
            .bind(&channel)
            .bind(s(c, "location_text")?);
            let q = bind_f64(bind_f64(q, of(c, "lat")), of(c, "lon"));
            let res = q
                .bind(s(c, "description")?)
                .bind(s(c, "contact_name")?)
                .bind(s(c, "contact_phone")?)
                .bind(s(c, "contact_email")?)
                .bind(i(c, "privacy_accepted_at")?)
                .bind(filed_by)
                .bind(i(c, "received_at")?)
                .bind(i(c, "deadline_at")?)
                .bind(oi(c, "resolved_at"))
                .bind(oi(c, "closed_at"))
                .bind(oi(c, "last_public_reply_at"))
                .bind(s(c, "forwarded_to")?)
                .bind(s(c, "merged_into")?)
                .bind(i(c, "updated_at")?)
                .fetch_one(&mut *conn)
                .await;
            let id: i64 = match res {
                Ok(row) => row.try_get(0)?,
                Err(sqlx::Error::Database(d)) if d.is_unique_violation() => {
                    return Err(StoreError::Conflict(format!(
                        "complaint {code} (this installation already has a complaint with that tracking code)"
                    )));
                }
                Err(e) => return Err(e.into()),
            };
            for e in arr(c, "events")? {
                let label = s(e, "actor")?;
                sqlx::query(
                    "INSERT INTO complaint_events (org_id, complaint_id, at_ms, kind, public, status_after, body, actor_id, actor_label) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                )
                .bind(x.org_id)
                .bind(id)
                .bind(i(e, "at_ms")?)
                .bind(s(e, "kind")?)
                .bind(i64::from(e.get("public").and_then(Value::as_bool).unwrap_or(false)))
                .bind(s(e, "status_after")?)
                .bind(s(e, "body")?)
                .bind(x.users.get(&label).copied())
                .bind(&label)
                .execute(&mut *conn)
                .await?;
            }
            for f in arr(c, "files")? {
                let found: Option<(i64,)> = sqlx::query_as(
                    "SELECT id FROM files WHERE org_id = $1 AND sha256 = $2 AND original_name = $3 AND created_at = $4 \
                     ORDER BY id LIMIT 1",
                )
                .bind(x.org_id)
                .bind(s(f, "sha256")?)
                .bind(s(f, "original_name")?)
                .bind(i(f, "created_at")?)
                .fetch_optional(&mut *conn)
                .await?;
                let (file_id,) = found.ok_or_else(|| {
                    bad(format!(
                        "complaint {code}: attachment {:?} is not among the files",
                        s(f, "original_name").unwrap_or_default()
                    ))
                })?;
                sqlx::query("INSERT INTO complaint_files (org_id, complaint_id, file_id, public) VALUES ($1, $2, $3, $4)")
                    .bind(x.org_id)
                    .bind(id)
                    .bind(file_id)
                    .bind(i64::from(f.get("public").and_then(Value::as_bool).unwrap_or(false)))
                    .execute(&mut *conn)
                    .await?;
            }
        }
        Ok(())
    })
}
