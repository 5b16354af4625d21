//! Appending to and verifying the audit trail (see `prongsai_domain::audit`).
//!
//! Every change made by staff is recorded in the same transaction as the change, with
//! who, what, when and the state before and after.

use prongsai_domain::audit::{
    AuditFields, ChainBreak, GENESIS, StoredEntry, entry_hash, verify_chain,
};
use serde::Serialize;
use sqlx::{AnyConnection, Row};

use crate::error::Result;

/// Who made a change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// User id, or 0 for the command line and the system itself.
    pub id: i64,
    /// User name, or `cli` / `system`.
    pub label: String,
}

impl Actor {
    pub fn user(id: i64, username: &str) -> Actor {
        Actor {
            id,
            label: username.to_string(),
        }
    }
    pub fn cli() -> Actor {
        Actor {
            id: 0,
            label: "cli".into(),
        }
    }
    pub fn system() -> Actor {
        Actor {
            id: 0,
            label: "system".into(),
        }
    }
}

/// What was changed: the action name and the entity it touched.
pub struct Change<'a> {
    pub action: &'a str,
    pub entity: &'a str,
    pub entity_id: String,
}

/// Serializes a state for the trail; `None` becomes `null`.
pub fn snapshot<T: Serialize>(v: Option<&T>) -> String {
    match v {
        Some(v) => serde_json::to_string(v).unwrap_or_else(|_| "null".into()),
        None => "null".into(),
    }
}

/// Appends one entry to an organization's chain (org 0: the installation). Call it
/// inside the transaction that makes the change.
pub async fn record(
    conn: &mut AnyConnection,
    key: &[u8],
    org_id: i64,
    actor: &Actor,
    change: Change<'_>,
    before: String,
    after: String,
) -> Result<i64> {
    record_at(
        conn,
        key,
        org_id,
        actor,
        change,
        before,
        after,
        crate::now_ms(),
    )
    .await
}

/// [`record`] with an explicit time (imports keep the original times).
#[allow(clippy::too_many_arguments)]
pub async fn record_at(
    conn: &mut AnyConnection,
    key: &[u8],
    org_id: i64,
    actor: &Actor,
    change: Change<'_>,
    before: String,
    after: String,
    at_ms: i64,
) -> Result<i64> {
    // Writing the head first takes the write lock (SQLite) or the row lock (PostgreSQL)
    // before anything is read, so concurrent appends queue instead of forking the chain.
    let row = sqlx::query(
        "INSERT INTO audit_heads (org_id, seq, hash) VALUES ($1, 0, $2) \
         ON CONFLICT (org_id) DO UPDATE SET seq = audit_heads.seq \
         RETURNING seq, hash",
    )
    .bind(org_id)
    .bind(GENESIS)
    .fetch_one(&mut *conn)
    .await?;
    let prev_seq: i64 = row.try_get(0)?;
    let prev_hash: String = row.try_get(1)?;
    let fields = AuditFields {
        org_id,
        seq: prev_seq + 1,
        at_ms,
        actor_id: actor.id,
        actor: actor.label.clone(),
        action: change.action.to_string(),
        entity: change.entity.to_string(),
        entity_id: change.entity_id,
        before,
        after,
    };
    let hash = entry_hash(key, &prev_hash, &fields);
    sqlx::query(
        "INSERT INTO audit_log (org_id, seq, at_ms, actor_id, actor, action, entity, entity_id, \
         before_json, after_json, prev_hash, hash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(fields.org_id)
    .bind(fields.seq)
    .bind(fields.at_ms)
    .bind(fields.actor_id)
    .bind(&fields.actor)
    .bind(&fields.action)
    .bind(&fields.entity)
    .bind(&fields.entity_id)
    .bind(&fields.before)
    .bind(&fields.after)
    .bind(&prev_hash)
    .bind(&hash)
    .execute(&mut *conn)
    .await?;
    sqlx::query("UPDATE audit_heads SET seq = $1, hash = $2 WHERE org_id = $3")
        .bind(fields.seq)
        .bind(&hash)
        .bind(org_id)
        .execute(&mut *conn)
        .await?;
    Ok(fields.seq)
}

/// One row of the trail as shown to auditors.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Entry {
    pub org_id: i64,
    pub seq: i64,
    pub at_ms: i64,
    pub actor_id: i64,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub before: String,
    pub after: String,
    pub hash: String,
}

fn stored(r: &sqlx::any::AnyRow) -> Result<StoredEntry> {
    Ok(StoredEntry {
        fields: AuditFields {
            org_id: r.try_get("org_id")?,
            seq: r.try_get("seq")?,
            at_ms: r.try_get("at_ms")?,
            actor_id: r.try_get("actor_id")?,
            actor: r.try_get("actor")?,
            action: r.try_get("action")?,
            entity: r.try_get("entity")?,
            entity_id: r.try_get("entity_id")?,
            before: r.try_get("before_json")?,
            after: r.try_get("after_json")?,
        },
        prev_hash: r.try_get("prev_hash")?,
        hash: r.try_get("hash")?,
    })
}

const COLS: &str = "org_id, seq, at_ms, actor_id, actor, action, entity, entity_id, \
                    before_json, after_json, prev_hash, hash";

/// The newest entries of an organization's trail, newest first.
pub async fn recent(
    conn: &mut AnyConnection,
    org_id: i64,
    limit: i64,
    before_seq: Option<i64>,
) -> Result<Vec<Entry>> {
    let rows = sqlx::query(&format!(
        "SELECT {COLS} FROM audit_log WHERE org_id = $1 AND seq < $2 ORDER BY seq DESC LIMIT $3"
    ))
    .bind(org_id)
    .bind(before_seq.unwrap_or(i64::MAX))
    .bind(limit)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            let s = stored(r)?;
            Ok(Entry {
                org_id: s.fields.org_id,
                seq: s.fields.seq,
                at_ms: s.fields.at_ms,
                actor_id: s.fields.actor_id,
                actor: s.fields.actor,
                action: s.fields.action,
                entity: s.fields.entity,
                entity_id: s.fields.entity_id,
                before: s.fields.before,
                after: s.fields.after,
                hash: s.hash,
            })
        })
        .collect()
}

/// The result of verifying every chain.
#[derive(Debug, Clone, Serialize)]
pub struct VerifyReport {
    pub chains: u64,
    pub entries: u64,
    pub first_break: Option<ChainBreak>,
}

/// Verifies every chain in the database and reports the first broken row.
pub async fn verify_all(conn: &mut AnyConnection, key: &[u8]) -> Result<VerifyReport> {
    // Chains known from either table: a chain whose rows were all deleted still has a head.
    let orgs: Vec<(i64,)> = sqlx::query_as(
        "SELECT org_id FROM audit_heads UNION SELECT DISTINCT org_id FROM audit_log ORDER BY 1",
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut report = VerifyReport {
        chains: 0,
        entries: 0,
        first_break: None,
    };
    for (org_id,) in orgs {
        let head: Option<(i64, String)> =
            sqlx::query_as("SELECT seq, hash FROM audit_heads WHERE org_id = $1")
                .bind(org_id)
                .fetch_optional(&mut *conn)
                .await?;
        let rows = sqlx::query(&format!(
            "SELECT {COLS} FROM audit_log WHERE org_id = $1 ORDER BY seq"
        ))
        .bind(org_id)
        .fetch_all(&mut *conn)
        .await?;
        let entries = rows.iter().map(stored).collect::<Result<Vec<_>>>()?;
        report.chains += 1;
        match verify_chain(key, org_id, entries, head) {
            Ok(n) => report.entries += n,
            Err(b) => {
                report.first_break = Some(b);
                return Ok(report);
            }
        }
    }
    Ok(report)
}
