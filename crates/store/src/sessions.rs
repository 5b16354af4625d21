//! Server-side sessions and rate-limit counters, kept in the database so that several
//! server processes behind a load balancer share them.

use data_encoding::{BASE64URL_NOPAD, HEXLOWER};
use rand::RngCore;
use sha2::{Digest, Sha256};
use sqlx::{AnyConnection, Row};

use crate::error::Result;

/// How long a session lives without use.
pub const IDLE_MS: i64 = 8 * 60 * 60 * 1000;
/// The longest a session lives at all.
pub const MAX_MS: i64 = 7 * 24 * 60 * 60 * 1000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub token_hash: String,
    pub user_id: i64,
    pub csrf_token: String,
    /// The second factor has been checked (or is not needed).
    pub totp_verified: bool,
    pub created_at: i64,
    pub expires_at: i64,
}

/// A fresh random token: 32 bytes, URL-safe base64.
pub fn random_token() -> String {
    let mut b = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut b);
    BASE64URL_NOPAD.encode(&b)
}

/// What is stored instead of a token.
pub fn token_hash(token: &str) -> String {
    HEXLOWER.encode(&Sha256::digest(token.as_bytes()))
}

/// Starts a session; returns the cookie token (only its hash is stored).
pub async fn create(
    conn: &mut AnyConnection,
    user_id: i64,
    totp_verified: bool,
) -> Result<(String, Session)> {
    let token = random_token();
    let now = crate::now_ms();
    let s = Session {
        token_hash: token_hash(&token),
        user_id,
        csrf_token: random_token(),
        totp_verified,
        created_at: now,
        expires_at: now + IDLE_MS,
    };
    sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, csrf_token, totp_verified, created_at, last_seen_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $5, $6)",
    )
    .bind(&s.token_hash)
    .bind(s.user_id)
    .bind(&s.csrf_token)
    .bind(i64::from(s.totp_verified))
    .bind(now)
    .bind(s.expires_at)
    .execute(&mut *conn)
    .await?;
    Ok((token, s))
}

/// Finds a live session by its cookie token, extending its idle deadline now and then.
pub async fn find(conn: &mut AnyConnection, token: &str) -> Result<Option<Session>> {
    let h = token_hash(token);
    let now = crate::now_ms();
    let row = sqlx::query(
        "SELECT token_hash, user_id, csrf_token, totp_verified, created_at, expires_at \
         FROM sessions WHERE token_hash = $1 AND expires_at > $2",
    )
    .bind(&h)
    .bind(now)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(r) = row else { return Ok(None) };
    let mut s = Session {
        token_hash: r.try_get(0)?,
        user_id: r.try_get(1)?,
        csrf_token: r.try_get(2)?,
        totp_verified: r.try_get::<i64, _>(3)? != 0,
        created_at: r.try_get(4)?,
        expires_at: r.try_get(5)?,
    };
    if now - s.created_at > MAX_MS {
        delete(conn, token).await?;
        return Ok(None);
    }
    // Extend at most once a minute, to keep reads cheap.
    if s.expires_at - now < IDLE_MS - 60_000 {
        s.expires_at = now + IDLE_MS;
        sqlx::query("UPDATE sessions SET last_seen_at = $1, expires_at = $2 WHERE token_hash = $3")
            .bind(now)
            .bind(s.expires_at)
            .bind(&h)
            .execute(&mut *conn)
            .await?;
    }
    Ok(Some(s))
}

pub async fn mark_totp_verified(conn: &mut AnyConnection, token: &str) -> Result<()> {
    sqlx::query("UPDATE sessions SET totp_verified = 1 WHERE token_hash = $1")
        .bind(token_hash(token))
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub async fn delete(conn: &mut AnyConnection, token: &str) -> Result<()> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(token_hash(token))
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Removes expired sessions and stale rate-limit windows.
pub async fn sweep(conn: &mut AnyConnection) -> Result<u64> {
    let now = crate::now_ms();
    let a = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
        .bind(now)
        .execute(&mut *conn)
        .await?
        .rows_affected();
    let b = sqlx::query("DELETE FROM rate_limits WHERE window_start < $1")
        .bind(now - 24 * 60 * 60 * 1000)
        .execute(&mut *conn)
        .await?
        .rows_affected();
    Ok(a + b)
}

/// Counts one hit in a fixed window; returns whether it is within `limit`.
pub async fn rate_limit_hit(
    conn: &mut AnyConnection,
    bucket: &str,
    limit: i64,
    window_ms: i64,
) -> Result<bool> {
    let now = crate::now_ms();
    let start = now - now.rem_euclid(window_ms);
    let row = sqlx::query(
        "INSERT INTO rate_limits (bucket, window_start, hits) VALUES ($1, $2, 1) \
         ON CONFLICT (bucket) DO UPDATE SET \
           hits = CASE WHEN rate_limits.window_start = excluded.window_start THEN rate_limits.hits + 1 ELSE 1 END, \
           window_start = excluded.window_start \
         RETURNING hits",
    )
    .bind(bucket)
    .bind(start)
    .fetch_one(&mut *conn)
    .await?;
    let hits: i64 = row.try_get(0)?;
    Ok(hits <= limit)
}
