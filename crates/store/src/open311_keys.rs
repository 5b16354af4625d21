//! API keys for machine clients (Open311 `POST requests`, chat bots). A key is shown
//! once when created; only its SHA-256 is stored (`api_keys.key_hash`). A fast hash is
//! enough: keys are 160 random bits, not passwords.

use sqlx::AnyConnection;

use crate::audit::{self, Actor, Change};
use crate::error::Result;

/// A new key's text: `p311_` and 32 base32 symbols.
fn new_key_text() -> String {
    use rand::RngCore;
    let mut b = [0u8; 20];
    rand::rngs::OsRng.fill_bytes(&mut b);
    format!(
        "p311_{}",
        data_encoding::BASE32_NOPAD.encode(&b).to_ascii_lowercase()
    )
}

/// The stored form of a key.
pub fn key_hash(key: &str) -> String {
    crate::files::sha256_hex(key.trim().as_bytes())
}

/// Creates a key for an organization and returns its text (shown once). Audited.
pub async fn create(
    conn: &mut AnyConnection,
    audit_key: &[u8],
    org_id: i64,
    name: &str,
    actor: &Actor,
) -> Result<String> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(crate::StoreError::Invalid(
            "API key name is empty or too long".into(),
        ));
    }
    let key = new_key_text();
    sqlx::query("INSERT INTO api_keys (org_id, name, key_hash, created_at, revoked) VALUES ($1, $2, $3, $4, 0)")
        .bind(org_id)
        .bind(name)
        .bind(key_hash(&key))
        .bind(crate::now_ms())
        .execute(&mut *conn)
        .await?;
    audit::record(
        conn,
        audit_key,
        org_id,
        actor,
        Change {
            action: "api_key.create",
            entity: "api_key",
            entity_id: name.to_string(),
        },
        "null".into(),
        audit::snapshot(Some(&name)),
    )
    .await?;
    Ok(key)
}

/// The organization a key belongs to, if the key is known and not revoked.
pub async fn org_of(conn: &mut AnyConnection, key: &str) -> Result<Option<i64>> {
    let row: Option<(i64,)> =
        sqlx::query_as("SELECT org_id FROM api_keys WHERE key_hash = $1 AND revoked = 0")
            .bind(key_hash(key))
            .fetch_optional(&mut *conn)
            .await?;
    Ok(row.map(|r| r.0))
}
