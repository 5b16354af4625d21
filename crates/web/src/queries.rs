//! Read-only SQL the web layer needs that `prongsai_store` does not offer yet. Each is
//! a candidate to move into the store crate; kept here so the two crates can be worked
//! on side by side.

use sqlx::AnyConnection;

use crate::error::Error;

/// How many entries an organization's audit trail holds.
pub async fn audit_count(conn: &mut AnyConnection, org_id: i64) -> Result<i64, Error> {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM audit_log WHERE org_id = $1")
        .bind(org_id)
        .fetch_one(&mut *conn)
        .await?;
    Ok(n)
}

/// How many members an organization has.
pub async fn member_count(conn: &mut AnyConnection, org_id: i64) -> Result<i64, Error> {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM memberships WHERE org_id = $1")
        .bind(org_id)
        .fetch_one(&mut *conn)
        .await?;
    Ok(n)
}
