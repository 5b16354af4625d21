//! Storage of corruption and misconduct reports (แจ้งเบาะแสการทุจริตและประพฤติมิชอบ),
//! apart from general complaints (migration 0006).
//!
//! What protects the reporter here:
//! - identity, contact, every free-text field, every message and every evidence file are
//!   sealed ([`prongsai_domain::seal`]) under the installation's reports key, bound to
//!   (organization, report id, field); the database holds only ciphertext;
//! - the receipt is kept only as a keyed hash ([`codes::receipt_hash`]) with a pepper
//!   derived from the same key, so a copy of the database cannot test receipts;
//! - no IP address, user agent or file name is stored;
//! - audit entries name ids, statuses and counts — never identity, contact or text.
//!
//! Submissions go through [`crate::group_commit`]: the receipt is returned only after
//! the row is committed.

use prongsai_domain::Role;
use prongsai_domain::codes::{self, Receipt};
use prongsai_domain::corruption_report::{
    self as cr, DivisionId, NamedOfficer, PersonId, ReportAction, ReportFacts, ReportStatus, Viewer,
};
use prongsai_domain::seal::{Aad, KeyId, Keyring, SealKey};
use serde::{Deserialize, Serialize};
use sqlx::{AnyConnection, Row};

use crate::audit::{self, Actor, Change};
use crate::error::{Result, StoreError};
use crate::files::BlobStore;
use crate::group_commit::GroupCommit;
use crate::keys::Keys;

/// Default retention: five years (ระยะเวลาเก็บรักษา), counted from conclusion.
pub const DEFAULT_RETENTION_DAYS: i64 = 5 * 365 + 1;
/// The shortest retention an organization may set.
pub const MIN_RETENTION_DAYS: i64 = 30;
/// Limits on what a reporter may send (characters per field, files per submission).
pub const MAX_FIELD_CHARS: usize = 10_000;
pub const MAX_SHORT_FIELD_CHARS: usize = 300;
pub const MAX_FILES: usize = 3;
pub const MAX_FILE_BYTES: usize = 5 * 1024 * 1024;

/// The reporter's identity, when they chose to give it.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identity {
    pub name: String,
    pub contact: String,
}

impl std::fmt::Debug for Identity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Identity([redacted])")
    }
}

/// What the report says: who (name, position, division), what, when, where, and how
/// the reporter knows.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Details {
    pub who_name: String,
    pub who_position: String,
    pub who_division: String,
    pub what: String,
    pub when: String,
    #[serde(rename = "where")]
    pub where_: String,
    pub how_known: String,
}

impl std::fmt::Debug for Details {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Details([redacted])")
    }
}

impl Details {
    /// Checks lengths and that there is something to act on.
    pub fn validate(&self) -> std::result::Result<(), &'static str> {
        if self.what.trim().is_empty() {
            return Err("what");
        }
        for (v, max) in [
            (&self.who_name, MAX_SHORT_FIELD_CHARS),
            (&self.who_position, MAX_SHORT_FIELD_CHARS),
            (&self.who_division, MAX_SHORT_FIELD_CHARS),
            (&self.when, MAX_SHORT_FIELD_CHARS),
            (&self.where_, MAX_SHORT_FIELD_CHARS),
            (&self.what, MAX_FIELD_CHARS),
            (&self.how_known, MAX_FIELD_CHARS),
        ] {
            if v.chars().count() > max {
                return Err("too_long");
            }
        }
        Ok(())
    }
}

/// An evidence file, already checked and stripped of metadata by the caller.
#[derive(Clone)]
pub struct Evidence {
    pub content_type: String,
    pub bytes: Vec<u8>,
}

impl std::fmt::Debug for Evidence {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Evidence({}, {} bytes)",
            self.content_type,
            self.bytes.len()
        )
    }
}

/// Why an evidence file was refused; `key` names the message shown (an i18n key of the
/// web layer's `integrity` table).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvidenceRefused {
    pub key: &'static str,
}

/// Checks an uploaded file (type from its bytes, size) and removes its metadata.
/// PDFs whose metadata cannot be removed safely are refused rather than kept: an
/// author name in a PDF could point at the reporter.
pub fn prepare_evidence(bytes: &[u8]) -> std::result::Result<Evidence, EvidenceRefused> {
    use prongsai_media::{Limits, MediaError};
    let limits = Limits {
        max_image_bytes: MAX_FILE_BYTES,
        max_pdf_bytes: MAX_FILE_BYTES,
    };
    let refused = |e: MediaError| EvidenceRefused {
        key: match e {
            MediaError::TooLarge { .. } => "integrity.file_too_large",
            MediaError::PdfNotStrippable(_) => "integrity.file_pdf_metadata",
            _ => "integrity.file_type",
        },
    };
    let t = prongsai_media::check(bytes, limits).map_err(refused)?;
    let clean = prongsai_media::strip_metadata(bytes).map_err(refused)?;
    Ok(Evidence {
        content_type: t.mime().to_string(),
        bytes: clean,
    })
}

/// The keys this module derives from the installation's reports key.
#[derive(Clone)]
pub struct ReportKeys {
    pub keyring: Keyring,
    /// Pepper of the receipt hash.
    pub pepper: Vec<u8>,
    /// Key for hashing client addresses in rate limits.
    pub rate_limit: Vec<u8>,
}

impl std::fmt::Debug for ReportKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ReportKeys { <redacted> }")
    }
}

fn derive(key: &[u8], label: &str) -> Vec<u8> {
    use sha2::Digest;
    let mut h = sha2::Sha256::new();
    h.update(b"prongsai-reports-kdf\0");
    h.update(label.as_bytes());
    h.update([0]);
    h.update(key);
    h.finalize().to_vec()
}

impl ReportKeys {
    /// Builds the keyring and derived keys from [`Keys::reports`]. The key id is a
    /// fingerprint of the key, so a new key gets a new id and values sealed under the
    /// old one are told apart (see `docs/corruption-reports.md` on rotation).
    pub fn from_keys(keys: &Keys) -> Result<ReportKeys> {
        let k = &keys.reports;
        let bytes: [u8; 32] = k
            .get(..32)
            .and_then(|s| s.try_into().ok())
            .ok_or_else(|| StoreError::Invalid("the reports key must hold 32 bytes".into()))?;
        let fp = data_encoding::HEXLOWER.encode(&derive(k, "key-id")[..4]);
        let id = KeyId::parse(&format!("r{fp}")).map_err(|e| StoreError::Invalid(e.to_string()))?;
        let keyring = Keyring::new(SealKey::new(id, bytes), Vec::new())
            .map_err(|e| StoreError::Invalid(e.to_string()))?;
        Ok(ReportKeys {
            keyring,
            pepper: derive(k, "receipt-pepper"),
            rate_limit: derive(k, "rate-limit"),
        })
    }

    fn seal(&self, org_id: i64, report_id: i64, field: &str, text: &str) -> Result<String> {
        self.keyring
            .seal(text, &Aad::new(org_id, report_id, field))
            .map_err(|e| StoreError::Invalid(e.to_string()))
    }

    fn open(&self, org_id: i64, report_id: i64, field: &str, sealed: &str) -> Result<String> {
        self.keyring
            .open(sealed, &Aad::new(org_id, report_id, field))
            .map_err(|e| StoreError::Invalid(format!("a sealed field could not be opened: {e}")))
    }

    /// The keyed hash a client address is counted under in rate limits, changing every
    /// `window_ms`: the address itself is never stored, and buckets of two windows
    /// cannot be linked.
    pub fn address_bucket(&self, scope: &str, address: &str, window_ms: i64) -> String {
        use sha2::Digest;
        let now = crate::now_ms();
        let window = now.div_euclid(window_ms.max(1));
        let mut h = sha2::Sha256::new();
        h.update(&self.rate_limit);
        h.update(format!("|{scope}|{window}|{address}").as_bytes());
        let d = h.finalize();
        format!("{scope}:{}", data_encoding::HEXLOWER.encode(&d[..12]))
    }
}

/// A random positive id below 2^53 (exact in JavaScript).
fn random_id() -> i64 {
    use rand::Rng;
    rand::thread_rng().gen_range(1..(1i64 << 53))
}

fn blob_key(org_id: i64) -> String {
    use rand::RngCore;
    let mut b = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut b);
    format!(
        "whistle/org-{org_id}/{}",
        data_encoding::HEXLOWER.encode(&b)
    )
}

struct SealedFile {
    id: i64,
    key: String,
    content_type: String,
    size: i64,
}

/// Seals files and writes them to the blob store (blocking; call from
/// `spawn_blocking`). On error, what was written is removed again.
fn put_files(
    blobs: &dyn BlobStore,
    keys: &ReportKeys,
    org_id: i64,
    report_id: i64,
    files: &[Evidence],
) -> Result<Vec<SealedFile>> {
    let mut out: Vec<SealedFile> = Vec::new();
    for f in files {
        let id = random_id();
        let text = data_encoding::BASE64.encode(&f.bytes);
        let sealed = keys.seal(org_id, report_id, &format!("file:{id}"), &text)?;
        let key = blob_key(org_id);
        if let Err(e) = blobs.put(&key, sealed.as_bytes()) {
            for w in &out {
                let _ = blobs.delete(&w.key);
            }
            return Err(e);
        }
        out.push(SealedFile {
            id,
            key,
            content_type: f.content_type.clone(),
            size: f.bytes.len() as i64,
        });
    }
    Ok(out)
}

async fn insert_files(
    conn: &mut AnyConnection,
    org_id: i64,
    report_id: i64,
    files: &[SealedFile],
    now: i64,
) -> Result<()> {
    for f in files {
        sqlx::query(
            "INSERT INTO corruption_report_files (id, org_id, report_id, storage_key, content_type, size_bytes, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(f.id)
        .bind(org_id)
        .bind(report_id)
        .bind(&f.key)
        .bind(&f.content_type)
        .bind(f.size)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Files a new report. Returns its receipt only once the report is committed.
#[allow(clippy::too_many_arguments)]
pub async fn submit(
    gc: &GroupCommit,
    blobs: std::sync::Arc<dyn BlobStore>,
    keys: &ReportKeys,
    org_id: i64,
    identity: Option<Identity>,
    details: Details,
    files: Vec<Evidence>,
) -> Result<Receipt> {
    let id = random_id();
    let receipt = Receipt::generate(&mut rand::rngs::OsRng);
    let hash = codes::receipt_hash(&receipt, &keys.pepper);
    let identity_sealed =
        match identity.filter(|i| !(i.name.trim().is_empty() && i.contact.trim().is_empty())) {
            Some(i) => Some(keys.seal(org_id, id, "identity", &json(&i)?)?),
            None => None,
        };
    let details_sealed = keys.seal(org_id, id, "details", &json(&details)?)?;
    let sealed_files = if files.is_empty() {
        Vec::new()
    } else {
        let (b, k) = (blobs.clone(), keys.clone());
        tokio::task::spawn_blocking(move || put_files(b.as_ref(), &k, org_id, id, &files))
            .await
            .map_err(|e| StoreError::Io(std::io::Error::other(e.to_string())))??
    };
    let keys_written: Vec<String> = sealed_files.iter().map(|f| f.key.clone()).collect();
    let res = gc
        .run(move |c| {
            Box::pin(async move {
                let now = crate::now_ms();
                sqlx::query(
                    "INSERT INTO corruption_reports (id, org_id, receipt_hash, status, identity_sealed, \
                     details_sealed, received_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
                )
                .bind(id)
                .bind(org_id)
                .bind(&hash)
                .bind(ReportStatus::Received.code())
                .bind(identity_sealed)
                .bind(details_sealed)
                .bind(now)
                .execute(&mut *c)
                .await?;
                insert_files(c, org_id, id, &sealed_files, now).await
            })
        })
        .await;
    if let Err(e) = res {
        for k in keys_written {
            let _ = blobs.delete(&k);
        }
        return Err(e);
    }
    Ok(receipt)
}

fn json<T: Serialize>(v: &T) -> Result<String> {
    serde_json::to_string(v).map_err(|e| StoreError::Invalid(e.to_string()))
}

/// A report as stored: ids, status, times; sealed fields still sealed.
#[derive(Clone)]
pub struct StoredReport {
    pub id: i64,
    pub org_id: i64,
    pub status: ReportStatus,
    pub identity_sealed: Option<String>,
    pub details_sealed: String,
    pub disciplinary_sealed: Option<String>,
    pub received_at: i64,
    pub acknowledged_at: Option<i64>,
    pub investigating_at: Option<i64>,
    pub concluded_at: Option<i64>,
    pub updated_at: i64,
}

impl std::fmt::Debug for StoredReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoredReport")
            .field("id", &self.id)
            .field("org_id", &self.org_id)
            .field("status", &self.status)
            .finish_non_exhaustive()
    }
}

impl StoredReport {
    pub fn has_identity(&self) -> bool {
        self.identity_sealed.is_some()
    }

    pub fn details(&self, keys: &ReportKeys) -> Result<Details> {
        let text = keys.open(self.org_id, self.id, "details", &self.details_sealed)?;
        serde_json::from_str(&text).map_err(|e| StoreError::Invalid(e.to_string()))
    }

    /// The disciplinary outcome written at conclusion, if any.
    pub fn disciplinary(&self, keys: &ReportKeys) -> Result<Option<String>> {
        self.disciplinary_sealed
            .as_deref()
            .map(|s| keys.open(self.org_id, self.id, "disciplinary", s))
            .transpose()
    }

    /// Whether the report is late now (unacknowledged after 7 days, or not concluded in
    /// the organization's target).
    pub fn is_late(&self, conclude_days: Option<u32>) -> bool {
        cr::is_late(
            self.status,
            crate::from_ms(self.received_at),
            conclude_days,
            time::OffsetDateTime::now_utc(),
        )
    }

    pub fn acknowledge_by(&self) -> i64 {
        to_ms(cr::acknowledge_by(crate::from_ms(self.received_at)))
    }
}

fn to_ms(t: time::OffsetDateTime) -> i64 {
    (t.unix_timestamp_nanos() / 1_000_000) as i64
}

const REPORT_COLS: &str = "id, org_id, status, identity_sealed, details_sealed, disciplinary_sealed, \
    received_at, acknowledged_at, investigating_at, concluded_at, updated_at";

fn report_from_row(r: &sqlx::any::AnyRow) -> Result<StoredReport> {
    let status: String = r.try_get("status")?;
    Ok(StoredReport {
        id: r.try_get("id")?,
        org_id: r.try_get("org_id")?,
        status: ReportStatus::from_code(&status)
            .ok_or_else(|| StoreError::Invalid(format!("unknown report status {status:?}")))?,
        identity_sealed: r.try_get("identity_sealed")?,
        details_sealed: r.try_get("details_sealed")?,
        disciplinary_sealed: r.try_get("disciplinary_sealed")?,
        received_at: r.try_get("received_at")?,
        acknowledged_at: r.try_get("acknowledged_at")?,
        investigating_at: r.try_get("investigating_at")?,
        concluded_at: r.try_get("concluded_at")?,
        updated_at: r.try_get("updated_at")?,
    })
}

/// One report of an organization.
pub async fn get(conn: &mut AnyConnection, org_id: i64, id: i64) -> Result<Option<StoredReport>> {
    let row = sqlx::query(&format!(
        "SELECT {REPORT_COLS} FROM corruption_reports WHERE org_id = $1 AND id = $2"
    ))
    .bind(org_id)
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    row.as_ref().map(report_from_row).transpose()
}

/// Every report of an organization, newest first.
pub async fn list(conn: &mut AnyConnection, org_id: i64) -> Result<Vec<StoredReport>> {
    let rows = sqlx::query(&format!(
        "SELECT {REPORT_COLS} FROM corruption_reports WHERE org_id = $1 ORDER BY received_at DESC, id"
    ))
    .bind(org_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(report_from_row).collect()
}

/// The report a receipt belongs to (any organization), if the receipt is right.
pub async fn by_receipt(
    conn: &mut AnyConnection,
    keys: &ReportKeys,
    receipt: &Receipt,
) -> Result<Option<StoredReport>> {
    let hash = codes::receipt_hash(receipt, &keys.pepper);
    let row = sqlx::query(&format!(
        "SELECT {REPORT_COLS}, receipt_hash FROM corruption_reports WHERE receipt_hash = $1"
    ))
    .bind(&hash)
    .fetch_optional(&mut *conn)
    .await?;
    match row {
        Some(r) => {
            let stored: String = r.try_get("receipt_hash")?;
            // The index found it; compare again in constant time all the same.
            if codes::verify_receipt(receipt, &keys.pepper, &stored) {
                Ok(Some(report_from_row(&r)?))
            } else {
                Ok(None)
            }
        }
        None => Ok(None),
    }
}

/// Who wrote a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Author {
    Reporter,
    Officer,
}

impl Author {
    fn code(self) -> &'static str {
        match self {
            Author::Reporter => "reporter",
            Author::Officer => "officer",
        }
    }
}

/// A message, opened.
#[derive(Clone, Serialize)]
pub struct Message {
    #[serde(skip)]
    pub id: i64,
    pub author: Author,
    pub body: String,
    #[serde(skip)]
    pub author_user_id: Option<i64>,
    pub created_at: i64,
}

impl std::fmt::Debug for Message {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Message")
            .field("id", &self.id)
            .field("author", &self.author)
            .finish_non_exhaustive()
    }
}

/// Every message of a report, oldest first, opened.
pub async fn messages(
    conn: &mut AnyConnection,
    keys: &ReportKeys,
    org_id: i64,
    report_id: i64,
) -> Result<Vec<Message>> {
    let rows = sqlx::query(
        "SELECT id, author, author_user_id, body_sealed, created_at FROM corruption_report_messages \
         WHERE org_id = $1 AND report_id = $2 ORDER BY created_at, id",
    )
    .bind(org_id)
    .bind(report_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            let id: i64 = r.try_get("id")?;
            let author: String = r.try_get("author")?;
            let sealed: String = r.try_get("body_sealed")?;
            Ok(Message {
                id,
                author: if author == "officer" {
                    Author::Officer
                } else {
                    Author::Reporter
                },
                body: keys.open(org_id, report_id, &format!("message:{id}"), &sealed)?,
                author_user_id: r.try_get("author_user_id")?,
                created_at: r.try_get("created_at")?,
            })
        })
        .collect()
}

async fn insert_message(
    conn: &mut AnyConnection,
    keys: &ReportKeys,
    org_id: i64,
    report_id: i64,
    author: Author,
    user_id: Option<i64>,
    body: &str,
) -> Result<i64> {
    let id = random_id();
    let sealed = keys.seal(org_id, report_id, &format!("message:{id}"), body)?;
    let now = crate::now_ms();
    sqlx::query(
        "INSERT INTO corruption_report_messages (id, org_id, report_id, author, author_user_id, body_sealed, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(id)
    .bind(org_id)
    .bind(report_id)
    .bind(author.code())
    .bind(user_id)
    .bind(sealed)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    sqlx::query("UPDATE corruption_reports SET updated_at = $1 WHERE org_id = $2 AND id = $3")
        .bind(now)
        .bind(org_id)
        .bind(report_id)
        .execute(&mut *conn)
        .await?;
    Ok(id)
}

/// The reporter adds information (and files) with their receipt.
pub async fn add_reporter_message(
    gc: &GroupCommit,
    blobs: std::sync::Arc<dyn BlobStore>,
    keys: &ReportKeys,
    report: &StoredReport,
    body: String,
    files: Vec<Evidence>,
) -> Result<()> {
    let (org_id, report_id) = (report.org_id, report.id);
    let sealed_files = if files.is_empty() {
        Vec::new()
    } else {
        let (b, k) = (blobs.clone(), keys.clone());
        tokio::task::spawn_blocking(move || put_files(b.as_ref(), &k, org_id, report_id, &files))
            .await
            .map_err(|e| StoreError::Io(std::io::Error::other(e.to_string())))??
    };
    let written: Vec<String> = sealed_files.iter().map(|f| f.key.clone()).collect();
    let k = keys.clone();
    let res = gc
        .run(move |c| {
            Box::pin(async move {
                if !body.trim().is_empty() {
                    insert_message(c, &k, org_id, report_id, Author::Reporter, None, &body).await?;
                }
                insert_files(c, org_id, report_id, &sealed_files, crate::now_ms()).await
            })
        })
        .await;
    if let Err(e) = res {
        for key in written {
            let _ = blobs.delete(&key);
        }
        return Err(e);
    }
    Ok(())
}

/// An integrity officer replies to the reporter (audited: the message id, not its text).
pub async fn reply(
    conn: &mut AnyConnection,
    audit_key: &[u8],
    keys: &ReportKeys,
    report: &StoredReport,
    actor: &Actor,
    body: &str,
) -> Result<i64> {
    let id = insert_message(
        conn,
        keys,
        report.org_id,
        report.id,
        Author::Officer,
        Some(actor.id),
        body,
    )
    .await?;
    audit::record(
        conn,
        audit_key,
        report.org_id,
        actor,
        Change {
            action: "corruption_report.reply",
            entity: "corruption_report",
            entity_id: report.id.to_string(),
        },
        "null".into(),
        serde_json::json!({ "message_id": id }).to_string(),
    )
    .await?;
    Ok(id)
}

/// Moves a report through its workflow; returns the new status.
pub async fn apply_action(
    conn: &mut AnyConnection,
    audit_key: &[u8],
    keys: &ReportKeys,
    org_id: i64,
    report_id: i64,
    action: &ReportAction,
    actor: &Actor,
) -> Result<std::result::Result<ReportStatus, cr::ReportTransitionError>> {
    // Write first, so two officers acting at once queue instead of both reading.
    let now = crate::now_ms();
    sqlx::query("UPDATE corruption_reports SET updated_at = $1 WHERE org_id = $2 AND id = $3")
        .bind(now)
        .bind(org_id)
        .bind(report_id)
        .execute(&mut *conn)
        .await?;
    let report = get(conn, org_id, report_id)
        .await?
        .ok_or_else(|| StoreError::NotFound("report".into()))?;
    let next = match cr::transition(report.status, action) {
        Ok(s) => s,
        Err(e) => return Ok(Err(e)),
    };
    let column = match action {
        ReportAction::Acknowledge => "acknowledged_at",
        ReportAction::StartInvestigation => "investigating_at",
        ReportAction::Conclude { .. } => "concluded_at",
    };
    let disciplinary = match action {
        ReportAction::Conclude {
            disciplinary_outcome,
            ..
        } if !disciplinary_outcome.trim().is_empty() => Some(keys.seal(
            org_id,
            report_id,
            "disciplinary",
            disciplinary_outcome.trim(),
        )?),
        _ => report.disciplinary_sealed.clone(),
    };
    sqlx::query(&format!(
        "UPDATE corruption_reports SET status = $1, {column} = $2, disciplinary_sealed = $3 \
         WHERE org_id = $4 AND id = $5"
    ))
    .bind(next.code())
    .bind(now)
    .bind(disciplinary)
    .bind(org_id)
    .bind(report_id)
    .execute(&mut *conn)
    .await?;
    audit::record(
        conn,
        audit_key,
        org_id,
        actor,
        Change {
            action: "corruption_report.status",
            entity: "corruption_report",
            entity_id: report_id.to_string(),
        },
        serde_json::json!({ "status": report.status.code() }).to_string(),
        serde_json::json!({ "status": next.code() }).to_string(),
    )
    .await?;
    Ok(Ok(next))
}

/// Opens the reporter's identity for an integrity officer, writing the reveal and its
/// reason (never the identity) to the audit trail in the same transaction.
pub async fn reveal_identity(
    conn: &mut AnyConnection,
    audit_key: &[u8],
    keys: &ReportKeys,
    report: &StoredReport,
    actor: &Actor,
    reason: &str,
) -> Result<Option<Identity>> {
    let Some(sealed) = &report.identity_sealed else {
        return Ok(None);
    };
    let text = keys.open(report.org_id, report.id, "identity", sealed)?;
    let identity: Identity =
        serde_json::from_str(&text).map_err(|e| StoreError::Invalid(e.to_string()))?;
    audit::record(
        conn,
        audit_key,
        report.org_id,
        actor,
        Change {
            action: "corruption_report.reveal_identity",
            entity: "corruption_report",
            entity_id: report.id.to_string(),
        },
        "null".into(),
        serde_json::json!({ "reason": reason }).to_string(),
    )
    .await?;
    Ok(Some(identity))
}

/// An evidence file's metadata.
#[derive(Debug, Clone, Serialize)]
pub struct EvidenceFile {
    pub id: i64,
    #[serde(skip)]
    pub org_id: i64,
    #[serde(skip)]
    pub report_id: i64,
    #[serde(skip)]
    pub storage_key: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub created_at: i64,
}

impl EvidenceFile {
    /// A download name made from the id and type (the original name was never kept).
    pub fn file_name(&self) -> String {
        let ext = match self.content_type.as_str() {
            "image/jpeg" => "jpg",
            "image/png" => "png",
            "image/webp" => "webp",
            "application/pdf" => "pdf",
            _ => "bin",
        };
        format!("evidence-{}.{ext}", self.id)
    }
}

pub async fn files(
    conn: &mut AnyConnection,
    org_id: i64,
    report_id: i64,
) -> Result<Vec<EvidenceFile>> {
    let rows = sqlx::query(
        "SELECT id, org_id, report_id, storage_key, content_type, size_bytes, created_at \
         FROM corruption_report_files WHERE org_id = $1 AND report_id = $2 ORDER BY created_at, id",
    )
    .bind(org_id)
    .bind(report_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(EvidenceFile {
                id: r.try_get("id")?,
                org_id: r.try_get("org_id")?,
                report_id: r.try_get("report_id")?,
                storage_key: r.try_get("storage_key")?,
                content_type: r.try_get("content_type")?,
                size_bytes: r.try_get("size_bytes")?,
                created_at: r.try_get("created_at")?,
            })
        })
        .collect()
}

/// The bytes of an evidence file, opened (blocking).
pub fn open_file(blobs: &dyn BlobStore, keys: &ReportKeys, f: &EvidenceFile) -> Result<Vec<u8>> {
    let sealed = blobs.get(&f.storage_key)?;
    let sealed =
        String::from_utf8(sealed).map_err(|_| StoreError::Invalid("sealed file".into()))?;
    let text = keys.open(f.org_id, f.report_id, &format!("file:{}", f.id), &sealed)?;
    data_encoding::BASE64
        .decode(text.as_bytes())
        .map_err(|_| StoreError::Invalid("sealed file".into()))
}

/// A staff member linked to a report as named in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subject {
    pub user_id: i64,
    pub display_name: String,
}

pub async fn subjects(
    conn: &mut AnyConnection,
    org_id: i64,
    report_id: i64,
) -> Result<Vec<Subject>> {
    let rows = sqlx::query(
        "SELECT s.user_id, u.display_name FROM corruption_report_subjects s JOIN users u ON u.id = s.user_id \
         WHERE s.org_id = $1 AND s.report_id = $2 ORDER BY u.display_name, s.user_id",
    )
    .bind(org_id)
    .bind(report_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Subject {
                user_id: r.try_get(0)?,
                display_name: r.try_get(1)?,
            })
        })
        .collect()
}

/// Links (or unlinks) a member of the organization as named in a report. Audited.
pub async fn set_subject(
    conn: &mut AnyConnection,
    audit_key: &[u8],
    org_id: i64,
    report_id: i64,
    user_id: i64,
    linked: bool,
    actor: &Actor,
) -> Result<()> {
    let member = crate::users::membership(conn, org_id, user_id).await?;
    if member.is_none() {
        return Err(StoreError::NotFound("member".into()));
    }
    if linked {
        sqlx::query(
            "INSERT INTO corruption_report_subjects (org_id, report_id, user_id, linked_at) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (report_id, user_id) DO NOTHING",
        )
        .bind(org_id)
        .bind(report_id)
        .bind(user_id)
        .bind(crate::now_ms())
        .execute(&mut *conn)
        .await?;
    } else {
        sqlx::query(
            "DELETE FROM corruption_report_subjects WHERE org_id = $1 AND report_id = $2 AND user_id = $3",
        )
        .bind(org_id)
        .bind(report_id)
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    }
    audit::record(
        conn,
        audit_key,
        org_id,
        actor,
        Change {
            action: if linked {
                "corruption_report.link_officer"
            } else {
                "corruption_report.unlink_officer"
            },
            entity: "corruption_report",
            entity_id: report_id.to_string(),
        },
        "null".into(),
        serde_json::json!({ "user_id": user_id }).to_string(),
    )
    .await?;
    Ok(())
}

/// Who sits where in an organization, for the conflict rule.
#[derive(Debug, Clone, Default)]
pub struct Hierarchy {
    /// user → (role, division)
    members: std::collections::BTreeMap<i64, (Role, Option<i64>)>,
    /// division → head
    heads: std::collections::BTreeMap<i64, i64>,
}

fn rank(role: Role) -> u8 {
    match role {
        Role::Executive => 3,
        Role::Clerk => 2,
        Role::DivisionHead => 1,
        _ => 0,
    }
}

impl Hierarchy {
    pub async fn load(conn: &mut AnyConnection, org_id: i64) -> Result<Hierarchy> {
        let mut h = Hierarchy::default();
        for m in crate::users::members(conn, org_id).await? {
            h.members
                .insert(m.user.id, (m.membership.role, m.membership.division_id));
        }
        for d in crate::orgs::divisions(conn, org_id).await? {
            if let Some(head) = d.head_user_id {
                h.heads.insert(d.id, head);
            }
        }
        Ok(h)
    }

    /// A linked officer as the domain's conflict rule sees them: their division, and
    /// above them the clerk and executives (everyone of a higher rank).
    pub fn named(&self, user_id: i64) -> NamedOfficer {
        let (role, division) = self
            .members
            .get(&user_id)
            .copied()
            .unwrap_or((Role::Officer, None));
        let supervisors = self
            .members
            .iter()
            .filter(|(id, (r, _))| **id != user_id && rank(*r) >= 2 && rank(*r) > rank(role))
            .map(|(id, _)| PersonId(*id))
            .collect();
        NamedOfficer {
            person: PersonId(user_id),
            division: division.map(DivisionId),
            supervisors,
        }
    }

    pub fn viewer(&self, user_id: i64) -> Viewer {
        Viewer {
            person: PersonId(user_id),
            heads_divisions: self
                .heads
                .iter()
                .filter(|(_, h)| **h == user_id)
                .map(|(d, _)| DivisionId(*d))
                .collect(),
        }
    }
}

/// Every (report, linked officer) pair of an organization.
pub async fn all_subjects(conn: &mut AnyConnection, org_id: i64) -> Result<Vec<(i64, i64)>> {
    let rows =
        sqlx::query("SELECT report_id, user_id FROM corruption_report_subjects WHERE org_id = $1")
            .bind(org_id)
            .fetch_all(&mut *conn)
            .await?;
    rows.iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
        .collect()
}

/// The organization's settings for this channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Settings {
    pub retention_days: i64,
    /// Target days to conclude (none: only the 7-day acknowledgement is tracked).
    pub conclude_days: Option<i64>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            retention_days: DEFAULT_RETENTION_DAYS,
            conclude_days: Some(90),
        }
    }
}

pub async fn settings(conn: &mut AnyConnection, org_id: i64) -> Result<Settings> {
    let row = sqlx::query(
        "SELECT retention_days, conclude_days FROM corruption_report_settings WHERE org_id = $1",
    )
    .bind(org_id)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(match row {
        Some(r) => Settings {
            retention_days: r.try_get(0)?,
            conclude_days: r.try_get(1)?,
        },
        None => Settings::default(),
    })
}

pub async fn save_settings(
    conn: &mut AnyConnection,
    audit_key: &[u8],
    org_id: i64,
    s: Settings,
    actor: &Actor,
) -> Result<()> {
    if s.retention_days < MIN_RETENTION_DAYS || s.retention_days > 100 * 366 {
        return Err(StoreError::Invalid(format!(
            "retention must be between {MIN_RETENTION_DAYS} days and 100 years"
        )));
    }
    if s.conclude_days.is_some_and(|d| !(1..=3650).contains(&d)) {
        return Err(StoreError::Invalid(
            "the target must be 1 to 3650 days".into(),
        ));
    }
    let before = settings(conn, org_id).await?;
    sqlx::query(
        "INSERT INTO corruption_report_settings (org_id, retention_days, conclude_days, updated_at) \
         VALUES ($1, $2, $3, $4) ON CONFLICT (org_id) DO UPDATE SET retention_days = excluded.retention_days, \
         conclude_days = excluded.conclude_days, updated_at = excluded.updated_at",
    )
    .bind(org_id)
    .bind(s.retention_days)
    .bind(s.conclude_days)
    .bind(crate::now_ms())
    .execute(&mut *conn)
    .await?;
    audit::record(
        conn,
        audit_key,
        org_id,
        actor,
        Change {
            action: "corruption_report.settings",
            entity: "organization",
            entity_id: org_id.to_string(),
        },
        audit::snapshot(Some(&before)),
        audit::snapshot(Some(&s)),
    )
    .await?;
    Ok(())
}

/// The facts the public statistics need, for every report of an organization.
pub async fn facts(conn: &mut AnyConnection, org_id: i64) -> Result<Vec<ReportFacts>> {
    let rows = sqlx::query("SELECT received_at, status FROM corruption_reports WHERE org_id = $1")
        .bind(org_id)
        .fetch_all(&mut *conn)
        .await?;
    rows.iter()
        .map(|r| {
            let status: String = r.try_get(1)?;
            Ok(ReportFacts {
                received_at: crate::from_ms(r.try_get(0)?),
                status: ReportStatus::from_code(&status)
                    .ok_or_else(|| StoreError::Invalid("report status".into()))?,
            })
        })
        .collect()
}

/// Deletes for good every report past its organization's retention (rows, messages,
/// files, sealed data), recording the count per organization in the audit trail.
/// Safe to run again and from several processes at once: each report is deleted by
/// whichever process gets there first and counted only by it. Returns how many this
/// call deleted.
pub async fn purge_expired(
    db: &crate::Db,
    audit_key: &[u8],
    blobs: &dyn BlobStore,
    org_id: Option<i64>,
    now: time::OffsetDateTime,
    actor: &Actor,
) -> Result<u64> {
    let orgs: Vec<i64> = match org_id {
        Some(id) => vec![id],
        None => {
            let rows =
                sqlx::query("SELECT DISTINCT org_id FROM corruption_reports ORDER BY org_id")
                    .fetch_all(&db.pool)
                    .await?;
            rows.iter()
                .map(|r| r.try_get::<i64, _>(0))
                .collect::<std::result::Result<_, _>>()?
        }
    };
    let mut total = 0;
    for org in orgs {
        let mut conn = db.pool.acquire().await?;
        let s = settings(&mut conn, org).await?;
        let days = u32::try_from(s.retention_days).unwrap_or(u32::MAX);
        let candidates: Vec<i64> = sqlx::query(
            "SELECT id, received_at, concluded_at FROM corruption_reports WHERE org_id = $1",
        )
        .bind(org)
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .filter_map(|r| {
            let id: i64 = r.try_get(0).ok()?;
            let received: i64 = r.try_get(1).ok()?;
            let concluded: Option<i64> = r.try_get(2).ok()?;
            let anchor =
                cr::retention_anchor(crate::from_ms(received), concluded.map(crate::from_ms));
            cr::expired(anchor, days, now).then_some(id)
        })
        .collect();
        drop(conn);
        if candidates.is_empty() {
            continue;
        }
        let mut tx = db.begin().await?;
        let mut deleted = 0u64;
        let mut blob_keys = Vec::new();
        for id in &candidates {
            for t in ["corruption_report_messages", "corruption_report_subjects"] {
                sqlx::query(&format!(
                    "DELETE FROM {t} WHERE org_id = $1 AND report_id = $2"
                ))
                .bind(org)
                .bind(*id)
                .execute(&mut *tx)
                .await?;
            }
            let keys: Vec<String> = sqlx::query(
                "DELETE FROM corruption_report_files WHERE org_id = $1 AND report_id = $2 RETURNING storage_key",
            )
            .bind(org)
            .bind(*id)
            .fetch_all(&mut *tx)
            .await?
            .iter()
            .filter_map(|r| r.try_get::<String, _>(0).ok())
            .collect();
            blob_keys.extend(keys);
            deleted += sqlx::query("DELETE FROM corruption_reports WHERE org_id = $1 AND id = $2")
                .bind(org)
                .bind(*id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
        }
        if deleted > 0 {
            audit::record(
                &mut tx,
                audit_key,
                org,
                actor,
                Change {
                    action: "corruption_report.purge",
                    entity: "corruption_report",
                    entity_id: "*".into(),
                },
                "null".into(),
                serde_json::json!({ "deleted": deleted, "retention_days": s.retention_days })
                    .to_string(),
            )
            .await?;
        }
        tx.commit().await?;
        // After the commit: a crash here leaves sealed blobs no row refers to, which the
        // next run cannot open either (their key and ids are gone with the rows).
        for k in blob_keys {
            blobs.delete(&k)?;
        }
        total += deleted;
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn derived_keys_differ_and_debug_hides_secrets() {
        let k = ReportKeys::from_keys(&Keys::for_tests()).unwrap();
        assert_ne!(k.pepper, k.rate_limit);
        assert!(!format!("{k:?}").contains("3"));
        let d = Details {
            what: "secret".into(),
            ..Details::default()
        };
        assert!(!format!("{d:?}").contains("secret"));
        let a = k.address_bucket("cr", "192.0.2.1", 600_000);
        assert!(!a.contains("192"));
        assert_ne!(a, k.address_bucket("cr", "192.0.2.2", 600_000));
    }
}
