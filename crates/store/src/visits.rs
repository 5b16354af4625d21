//! Visitor statistics (สถิติผู้เข้าชม, plan project 5), kept privately: a count of page
//! views per organization, public path and Bangkok day. No address, cookie, agent or
//! referrer is stored, and no third party sees anything. The web layer adds counts
//! up in memory and writes them in batches ([`add_counts`]).

use serde_json::{Value, json};
use sqlx::{AnyConnection, Connection};

use crate::db::Db;
use crate::error::{Result, StoreError};
use crate::transfer::{BoxFut, ExportCtx, ImportCtx};

/// One batch line: this many views of `path` on `day` ('YYYY-MM-DD', Bangkok).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ViewCount {
    pub org_id: i64,
    pub day: String,
    pub path: String,
    pub views: i64,
}

/// Adds a batch of counts in one transaction.
pub async fn add_counts(db: &Db, batch: &[ViewCount]) -> Result<()> {
    if batch.is_empty() {
        return Ok(());
    }
    let mut conn = db.pool.acquire().await?;
    let mut tx = conn.begin().await?;
    for c in batch {
        sqlx::query(
            "INSERT INTO page_views (org_id, day, path, views) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (org_id, day, path) DO UPDATE SET views = page_views.views + excluded.views",
        )
        .bind(c.org_id)
        .bind(&c.day)
        .bind(&c.path)
        .bind(c.views)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Views per day since `since_day` (inclusive), oldest first.
pub async fn per_day(
    conn: &mut AnyConnection,
    org_id: i64,
    since_day: &str,
) -> Result<Vec<(String, i64)>> {
    Ok(sqlx::query_as(
        "SELECT day, CAST(SUM(views) AS BIGINT) FROM page_views WHERE org_id = $1 AND day >= $2 GROUP BY day ORDER BY day",
    )
    .bind(org_id)
    .bind(since_day)
    .fetch_all(&mut *conn)
    .await?)
}

/// The most viewed paths since `since_day`, most first.
pub async fn top_paths(
    conn: &mut AnyConnection,
    org_id: i64,
    since_day: &str,
    limit: i64,
) -> Result<Vec<(String, i64)>> {
    Ok(sqlx::query_as(
        "SELECT path, CAST(SUM(views) AS BIGINT) AS n FROM page_views WHERE org_id = $1 AND day >= $2 \
         GROUP BY path ORDER BY n DESC, path LIMIT $3",
    )
    .bind(org_id)
    .bind(since_day)
    .bind(limit)
    .fetch_all(&mut *conn)
    .await?)
}

/// All views ever counted.
pub async fn total(conn: &mut AnyConnection, org_id: i64) -> Result<i64> {
    let (n,): (Option<i64>,) =
        sqlx::query_as("SELECT CAST(SUM(views) AS BIGINT) FROM page_views WHERE org_id = $1")
            .bind(org_id)
            .fetch_one(&mut *conn)
            .await?;
    Ok(n.unwrap_or(0))
}

/// Export: every counter.
pub fn export_section<'a>(conn: &'a mut AnyConnection, x: &'a ExportCtx) -> BoxFut<'a, Value> {
    Box::pin(async move {
        let rows: Vec<(String, String, i64)> = sqlx::query_as(
            "SELECT day, path, views FROM page_views WHERE org_id = $1 ORDER BY day, path",
        )
        .bind(x.org_id)
        .fetch_all(&mut *conn)
        .await?;
        Ok(Value::Array(
            rows.into_iter()
                .map(|(day, path, views)| json!({"day": day, "path": path, "views": views}))
                .collect(),
        ))
    })
}

/// Import: the inverse of [`export_section`].
pub fn import_section<'a>(
    conn: &'a mut AnyConnection,
    x: &'a mut ImportCtx,
    v: &'a Value,
) -> BoxFut<'a, ()> {
    Box::pin(async move {
        let empty = Vec::new();
        for r in v.as_array().unwrap_or(&empty) {
            let bad = || StoreError::Invalid("visits: each entry needs day, path and views".into());
            sqlx::query(
                "INSERT INTO page_views (org_id, day, path, views) VALUES ($1, $2, $3, $4)",
            )
            .bind(x.org_id)
            .bind(r.get("day").and_then(Value::as_str).ok_or_else(bad)?)
            .bind(r.get("path").and_then(Value::as_str).ok_or_else(bad)?)
            .bind(r.get("views").and_then(Value::as_i64).ok_or_else(bad)?)
            .execute(&mut *conn)
            .await?;
        }
        Ok(())
    })
}
