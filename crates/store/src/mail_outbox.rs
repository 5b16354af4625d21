//! The outbox of e-mail notices (จดหมายแจ้งผู้ร้องเรียน). A notice is written in the same
//! transaction as the change it tells about, so a rolled-back change sends nothing and
//! a committed one is never forgotten; a worker ([`claim_due`] → send → [`mark_sent`] or
//! [`mark_failed`]) sends it afterwards and retries with back-off. Claims expire, so a
//! worker that dies mid-send leaves the message to another; several server processes
//! may run workers at once (a claim is a conditional UPDATE).

use sqlx::{AnyConnection, Row};

use crate::db::Db;
use crate::error::Result;

/// How long a claim protects a message being sent.
pub const CLAIM_MS: i64 = 60_000;
/// Attempts after which a message is given up (kept, with its last error, for staff).
pub const MAX_ATTEMPTS: i64 = 20;

/// A message waiting to be sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxMail {
    pub id: i64,
    pub org_id: i64,
    pub to_addr: String,
    pub subject: String,
    pub body: String,
    pub attempts: i64,
}

/// Queues a message (call inside the transaction of the change).
pub async fn enqueue(
    conn: &mut AnyConnection,
    org_id: i64,
    to: &str,
    subject: &str,
    body: &str,
) -> Result<i64> {
    let now = crate::now_ms();
    let row = sqlx::query(
        "INSERT INTO mail_outbox (org_id, to_addr, subject, body, created_at, attempts, next_attempt_at, claimed_until, sent_at, last_error) \
         VALUES ($1, $2, $3, $4, $5, 0, $5, 0, NULL, '') RETURNING id",
    )
    .bind(org_id)
    .bind(to)
    .bind(subject)
    .bind(body)
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    Ok(row.try_get(0)?)
}

/// Claims up to `limit` messages that are due, for this worker only.
pub async fn claim_due(db: &Db, now_ms: i64, limit: i64) -> Result<Vec<OutboxMail>> {
    let ids: Vec<(i64,)> = sqlx::query_as(
        "SELECT id FROM mail_outbox WHERE sent_at IS NULL AND next_attempt_at <= $1 AND claimed_until < $1 \
         AND attempts < $2 ORDER BY id LIMIT $3",
    )
    .bind(now_ms)
    .bind(MAX_ATTEMPTS)
    .bind(limit)
    .fetch_all(&db.pool)
    .await?;
    let mut out = Vec::new();
    for (id,) in ids {
        let row = sqlx::query(
            "UPDATE mail_outbox SET claimed_until = $1, attempts = attempts + 1 \
             WHERE id = $2 AND sent_at IS NULL AND claimed_until < $3 \
             RETURNING id, org_id, to_addr, subject, body, attempts",
        )
        .bind(now_ms + CLAIM_MS)
        .bind(id)
        .bind(now_ms)
        .fetch_optional(&db.pool)
        .await?;
        if let Some(r) = row {
            out.push(OutboxMail {
                id: r.try_get("id")?,
                org_id: r.try_get("org_id")?,
                to_addr: r.try_get("to_addr")?,
                subject: r.try_get("subject")?,
                body: r.try_get("body")?,
                attempts: r.try_get("attempts")?,
            });
        }
    }
    Ok(out)
}

/// The message went out.
pub async fn mark_sent(db: &Db, id: i64) -> Result<()> {
    sqlx::query(
        "UPDATE mail_outbox SET sent_at = $1, claimed_until = 0, last_error = '' WHERE id = $2",
    )
    .bind(crate::now_ms())
    .bind(id)
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// Sending failed: try again later (30 s, 1 min, 2 min … up to an hour).
pub async fn mark_failed(db: &Db, id: i64, attempts: i64, error: &str) -> Result<()> {
    let backoff = 30_000i64
        .saturating_mul(1 << attempts.clamp(0, 7))
        .min(3_600_000);
    let error: String = error.chars().take(500).collect();
    sqlx::query("UPDATE mail_outbox SET next_attempt_at = $1, claimed_until = 0, last_error = $2 WHERE id = $3")
        .bind(crate::now_ms() + backoff)
        .bind(error)
        .bind(id)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// Messages not sent yet (for tests and the staff overview).
pub async fn pending(db: &Db) -> Result<i64> {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM mail_outbox WHERE sent_at IS NULL")
        .fetch_one(&db.pool)
        .await?;
    Ok(n)
}
