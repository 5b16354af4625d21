//! The ITA disclosure checklist (OIT, การเปิดเผยข้อมูลสาธารณะ): the items assessed in a
//! year, loaded per organization from the list shipped in `data/oit-<year>.json` and
//! editable afterwards (earlier years are kept). Each item is published by an info
//! item, by a live source Prongsai computes from its own data, or at an address
//! elsewhere; [`source_state`] tells whether a live source has current data.

use prongsai_domain::disclosure::Readiness;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sqlx::{AnyConnection, Connection, Row};

use crate::audit::{self, Actor, Change};
use crate::error::{Result, StoreError};
use crate::transfer::{BoxFut, ExportCtx, ImportCtx};

fn bad(msg: impl Into<String>) -> StoreError {
    StoreError::Invalid(msg.into())
}

/// The shipped lists: (assessment year B.E., JSON).
pub const SHIPPED: &[(i64, &str)] = &[(2568, include_str!("../data/oit-2568.json"))];

/// A shipped list as written in `data/oit-<year>.json`.
#[derive(Debug, Clone, Deserialize)]
pub struct ShippedList {
    pub year: i64,
    /// Which official list it follows (shown to the clerk).
    pub basis: String,
    pub indicators: std::collections::BTreeMap<String, String>,
    pub items: Vec<ShippedItem>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ShippedItem {
    pub code: String,
    pub indicator: String,
    pub title: String,
    pub source: String,
    pub description: String,
}

/// The shipped list of a year.
pub fn shipped(year: i64) -> Result<Option<ShippedList>> {
    match SHIPPED.iter().find(|(y, _)| *y == year) {
        Some((_, text)) => serde_json::from_str(text)
            .map(Some)
            .map_err(|e| bad(format!("the shipped OIT list {year} is not valid: {e}"))),
        None => Ok(None),
    }
}

/// The newest shipped year.
pub fn latest_shipped_year() -> i64 {
    SHIPPED.iter().map(|(y, _)| *y).max().unwrap_or(2568)
}

/// The live sources Prongsai can feed an item from (see [`source_state`]). `info`
/// means "published as an info item".
pub const SOURCES: &[&str] = &[
    "info",
    "executives",
    "contact",
    "complaint_stats",
    "complaint_channel",
    "corruption_channel",
    "corruption_stats",
    "procurement_plan",
    "procurement_announcements",
    "procurement_monthly",
    "procurement_yearly",
    "risks",
    "risk_followup",
    "plan",
    "plan_report_6",
    "plan_report_12",
    "satisfaction",
    "eservice",
];

/// One checklist item of an organization.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OitItem {
    pub id: i64,
    pub year: i64,
    pub code: String,
    pub sort: i64,
    pub indicator: String,
    pub title: String,
    pub description: String,
    pub source: String,
    /// The info item that publishes it, when one is linked.
    pub info_no: Option<i64>,
    /// An address elsewhere that publishes it ('' when none).
    pub url: String,
}

fn from_row(r: &sqlx::any::AnyRow) -> Result<OitItem> {
    Ok(OitItem {
        id: r.try_get("id")?,
        year: r.try_get("year")?,
        code: r.try_get("code")?,
        sort: r.try_get("sort")?,
        indicator: r.try_get("indicator")?,
        title: r.try_get("title")?,
        description: r.try_get("description")?,
        source: r.try_get("source")?,
        info_no: r.try_get("info_no")?,
        url: r.try_get("url")?,
    })
}

const COLS: &str = "id, year, code, sort, indicator, title, description, source, info_no, url";

/// The years an organization has a checklist for, newest first.
pub async fn years(conn: &mut AnyConnection, org_id: i64) -> Result<Vec<i64>> {
    let rows: Vec<(i64,)> =
        sqlx::query_as("SELECT DISTINCT year FROM oit_items WHERE org_id = $1 ORDER BY year DESC")
            .bind(org_id)
            .fetch_all(&mut *conn)
            .await?;
    Ok(rows.into_iter().map(|(y,)| y).collect())
}

/// A year's checklist, in the official order.
pub async fn items(conn: &mut AnyConnection, org_id: i64, year: i64) -> Result<Vec<OitItem>> {
    let rows = sqlx::query(&format!(
        "SELECT {COLS} FROM oit_items WHERE org_id = $1 AND year = $2 ORDER BY sort, code"
    ))
    .bind(org_id)
    .bind(year)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(from_row).collect()
}

/// Loads the shipped list of a year into an organization: adds the items it does not
/// have yet, keeps the ones it has (with their links). Returns how many were added.
pub async fn load_shipped(
    conn: &mut AnyConnection,
    key: &[u8],
    org_id: i64,
    year: i64,
    actor: &Actor,
) -> Result<usize> {
    let list = shipped(year)?.ok_or_else(|| StoreError::NotFound(format!("OIT list {year}")))?;
    let mut tx = conn.begin().await?;
    let now = crate::now_ms();
    let mut added = 0;
    for (n, it) in list.items.iter().enumerate() {
        let res = sqlx::query(
            "INSERT INTO oit_items (org_id, year, code, sort, indicator, title, description, source, info_no, url, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULL, '', $9) ON CONFLICT (org_id, year, code) DO NOTHING",
        )
        .bind(org_id)
        .bind(year)
        .bind(&it.code)
        .bind(n as i64 + 1)
        .bind(&it.indicator)
        .bind(&it.title)
        .bind(&it.description)
        .bind(&it.source)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        added += res.rows_affected() as usize;
    }
    audit::record(
        &mut tx,
        key,
        org_id,
        actor,
        Change {
            action: "oit.load",
            entity: "oit",
            entity_id: year.to_string(),
        },
        "null".into(),
        json!({"year": year, "added": added}).to_string(),
    )
    .await?;
    tx.commit().await?;
    Ok(added)
}

/// Links an item to an info item and/or an address elsewhere (both may be empty).
#[allow(clippy::too_many_arguments)]
pub async fn set_link(
    conn: &mut AnyConnection,
    key: &[u8],
    org_id: i64,
    year: i64,
    code: &str,
    info_no: Option<i64>,
    url: &str,
    actor: &Actor,
) -> Result<()> {
    let url = url.trim();
    let web = url.starts_with("https://") || url.starts_with("http://");
    if (!url.is_empty() && !web) || url.len() > 2000 {
        return Err(bad("the address must start with https:// or http://"));
    }
    let mut tx = conn.begin().await?;
    let n = sqlx::query("UPDATE oit_items SET info_no = $4, url = $5, updated_at = $6 WHERE org_id = $1 AND year = $2 AND code = $3")
        .bind(org_id)
        .bind(year)
        .bind(code)
        .bind(info_no)
        .bind(url)
        .bind(crate::now_ms())
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if n == 0 {
        return Err(StoreError::NotFound("OIT item".into()));
    }
    audit::record(
        &mut tx,
        key,
        org_id,
        actor,
        Change {
            action: "oit.link",
            entity: "oit",
            entity_id: format!("{year}/{code}"),
        },
        "null".into(),
        json!({"info_no": info_no, "url": url}).to_string(),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// What a live source holds now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceState {
    pub readiness: Readiness,
    /// Why, in a few words (Thai), for the clerk.
    pub note: String,
}

fn st(readiness: Readiness, note: &str) -> SourceState {
    SourceState {
        readiness,
        note: note.to_string(),
    }
}

async fn count(conn: &mut AnyConnection, sql: &str, binds: &[i64]) -> Option<i64> {
    // A module not built yet (its table missing) is "no data", not an error.
    let mut q = sqlx::query(sql);
    for b in binds {
        q = q.bind(*b);
    }
    let r = q.fetch_one(&mut *conn).await.ok()?;
    r.try_get::<i64, _>(0).ok()
}

/// Whether a live source has data, and current data, for fiscal year `fy` (B.E.) at
/// `now` (ms). `fy_start_ms` is when that fiscal year began. Sources whose module is
/// not built (or has no data) are missing.
pub async fn source_state(
    conn: &mut AnyConnection,
    org_id: i64,
    source: &str,
    fy: i64,
    fy_start_ms: i64,
) -> SourceState {
    use Readiness::*;
    let prev = fy - 1;
    match source {
        "executives" => match count(conn, "SELECT COUNT(*) FROM org_executives WHERE org_id = $1", &[org_id]).await {
            Some(n) if n > 0 => st(Ready, "มีรายชื่อผู้บริหาร"),
            _ => st(Missing, "ยังไม่มีรายชื่อผู้บริหาร"),
        },
        "contact" => match count(
            conn,
            "SELECT COUNT(*) FROM organizations WHERE id = $1 AND (phone <> '' OR address <> '' OR email <> '')",
            &[org_id],
        )
        .await
        {
            Some(n) if n > 0 => st(Ready, "มีข้อมูลการติดต่อ"),
            _ => st(Missing, "ยังไม่ได้กรอกที่อยู่/โทรศัพท์/อีเมล"),
        },
        "complaint_stats" => {
            let this = count(conn, "SELECT COUNT(*) FROM complaints WHERE org_id = $1 AND received_at >= $2", &[org_id, fy_start_ms]).await;
            let any = count(conn, "SELECT COUNT(*) FROM complaints WHERE org_id = $1", &[org_id]).await;
            match (this, any) {
                (Some(n), _) if n > 0 => st(Ready, "มีสถิติเรื่องร้องเรียนของปีงบประมาณนี้"),
                (_, Some(n)) if n > 0 => st(Stale, "ยังไม่มีเรื่องร้องเรียนในปีงบประมาณนี้"),
                _ => st(Missing, "ยังไม่มีข้อมูลเรื่องร้องเรียน"),
            }
        }
        "complaint_channel" | "corruption_channel" => st(Ready, "ช่องทางออนไลน์เปิดอยู่"),
        "corruption_stats" => match count(conn, "SELECT COUNT(*) FROM corruption_reports WHERE org_id = $1", &[org_id]).await {
            // Zero reports is a statistic too: the page shows the year's counts live.
            Some(_) => st(Ready, "สถิติคำนวณจากข้อมูลจริงทุกครั้งที่เปิด"),
            None => st(Missing, "ยังไม่มีระบบรับแจ้งเบาะแส"),
        },
        "procurement_plan" => match count(conn, "SELECT COUNT(*) FROM procurement_plan_items WHERE org_id = $1 AND fiscal_year = $2 AND kind = 'procurement'", &[org_id, fy]).await {
            Some(n) if n > 0 => st(Ready, "มีแผนการจัดซื้อจัดจ้างของปีนี้"),
            Some(_) => st(Missing, "ยังไม่มีแผนการจัดซื้อจัดจ้างของปีนี้"),
            None => st(Missing, "ยังไม่มีระบบจัดซื้อจัดจ้าง"),
        },
        "procurement_announcements" | "procurement_monthly" => {
            let this = count(conn, "SELECT COUNT(*) FROM procurements WHERE org_id = $1 AND fiscal_year = $2", &[org_id, fy]).await;
            let earlier = count(conn, "SELECT COUNT(*) FROM procurements WHERE org_id = $1 AND fiscal_year < $2", &[org_id, fy]).await;
            match (this, earlier) {
                (Some(n), _) if n > 0 => st(Ready, "มีข้อมูลการจัดซื้อจัดจ้างของปีนี้"),
                (_, Some(n)) if n > 0 => st(Stale, "ยังไม่มีข้อมูลการจัดซื้อจัดจ้างของปีนี้"),
                (Some(_), _) => st(Missing, "ยังไม่มีข้อมูลการจัดซื้อจัดจ้าง"),
                _ => st(Missing, "ยังไม่มีระบบจัดซื้อจัดจ้าง"),
            }
        }
        "procurement_yearly" => {
            let last = count(conn, "SELECT COUNT(*) FROM procurements WHERE org_id = $1 AND fiscal_year >= $2 AND fiscal_year <= $3", &[org_id, prev, fy]).await;
            match last {
                Some(n) if n > 0 => st(Ready, "มีข้อมูลการจัดซื้อจัดจ้างสำหรับรายงานประจำปี"),
                Some(_) => st(Missing, "ยังไม่มีข้อมูลการจัดซื้อจัดจ้างของปีที่ผ่านมา"),
                None => st(Missing, "ยังไม่มีระบบจัดซื้อจัดจ้าง"),
            }
        }
        "risks" => {
            let fresh = count(conn, "SELECT COUNT(*) FROM risks WHERE org_id = $1 AND (updated_at >= $2 OR created_at >= $2)", &[org_id, fy_start_ms]).await;
            let reviewed = count(conn, "SELECT COUNT(*) FROM risk_reviews WHERE org_id = $1 AND fiscal_year = $2", &[org_id, fy]).await;
            let any = count(conn, "SELECT COUNT(*) FROM risks WHERE org_id = $1", &[org_id]).await;
            match (fresh, reviewed, any) {
                (Some(a), Some(b), _) if a + b > 0 => st(Ready, "ประเมินความเสี่ยงแล้วในปีงบประมาณนี้"),
                (_, _, Some(n)) if n > 0 => st(Stale, "ยังไม่ได้ทบทวนความเสี่ยงในปีงบประมาณนี้"),
                _ => st(Missing, "ยังไม่มีทะเบียนความเสี่ยง"),
            }
        }
        "risk_followup" => match count(conn, "SELECT COUNT(*) FROM risk_reviews WHERE org_id = $1 AND fiscal_year = $2", &[org_id, fy]).await {
            Some(n) if n > 0 => st(Ready, "มีการติดตามความเสี่ยงในปีงบประมาณนี้"),
            _ => match count(conn, "SELECT COUNT(*) FROM risk_reviews WHERE org_id = $1", &[org_id]).await {
                Some(n) if n > 0 => st(Stale, "ยังไม่มีการติดตามความเสี่ยงในปีงบประมาณนี้"),
                _ => st(Missing, "ยังไม่มีการติดตามความเสี่ยง"),
            },
        },
        "plan" => match count(
            conn,
            "SELECT COUNT(*) FROM plans WHERE org_id = $1 AND is_current = 1 AND (first_year = 0 OR first_year <= $2) AND (last_year = 0 OR last_year >= $3)",
            &[org_id, fy, fy],
        )
        .await
        {
            Some(n) if n > 0 => st(Ready, "แผนปัจจุบันครอบคลุมปีงบประมาณนี้"),
            _ => match count(conn, "SELECT COUNT(*) FROM plans WHERE org_id = $1", &[org_id]).await {
                Some(n) if n > 0 => st(Stale, "แผนที่มีไม่ครอบคลุมปีงบประมาณนี้"),
                _ => st(Missing, "ยังไม่ได้นำเข้าแผนปฏิบัติการ"),
            },
        },
        "plan_report_6" => match count(conn, "SELECT COUNT(*) FROM report_rounds WHERE org_id = $1 AND fiscal_year = $2 AND round = '6m'", &[org_id, fy]).await {
            Some(n) if n > 0 => st(Ready, "ส่งรายงานรอบ 6 เดือนของปีนี้แล้ว"),
            _ => match count(conn, "SELECT COUNT(*) FROM report_rounds WHERE org_id = $1 AND fiscal_year = $2 AND round = '6m'", &[org_id, prev]).await {
                Some(n) if n > 0 => st(Stale, "มีเฉพาะรายงานรอบ 6 เดือนของปีก่อน"),
                _ => st(Missing, "ยังไม่มีรายงานรอบ 6 เดือน"),
            },
        },
        "plan_report_12" => match count(conn, "SELECT COUNT(*) FROM report_rounds WHERE org_id = $1 AND fiscal_year >= $2 AND round = '12m'", &[org_id, prev]).await {
            Some(n) if n > 0 => st(Ready, "มีรายงานผลประจำปีล่าสุด"),
            _ => match count(conn, "SELECT COUNT(*) FROM report_rounds WHERE org_id = $1 AND round = '12m'", &[org_id]).await {
                Some(n) if n > 0 => st(Stale, "รายงานผลประจำปีล่าสุดเก่ากว่าปีที่แล้ว"),
                _ => st(Missing, "ยังไม่มีรายงานผลประจำปี"),
            },
        },
        // Satisfaction surveys and e-services are not built yet.
        "satisfaction" | "eservice" => st(Missing, "ยังไม่มีระบบนี้ใน Prongsai: เชื่อมกับรายการข้อมูลข่าวสาร"),
        _ => st(Missing, "ยังไม่ได้เชื่อมกับรายการข้อมูลข่าวสาร"),
    }
}

// ---- moving an organization ---------------------------------------------------------

/// Export: every year's checklist with its links.
pub fn export_section<'a>(conn: &'a mut AnyConnection, x: &'a ExportCtx) -> BoxFut<'a, Value> {
    Box::pin(async move {
        let mut out = Vec::new();
        for y in years(conn, x.org_id).await?.into_iter().rev() {
            for it in items(conn, x.org_id, y).await? {
                out.push(json!({
                    "year": it.year, "code": it.code, "sort": it.sort, "indicator": it.indicator,
                    "title": it.title, "description": it.description, "source": it.source,
                    "info_no": it.info_no, "url": it.url,
                }));
            }
        }
        Ok(Value::Array(out))
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
        let list = v.as_array().unwrap_or(&empty);
        let now = crate::now_ms();
        for it in list {
            let s = |k: &str| {
                it.get(k)
                    .and_then(Value::as_str)
                    .map(str::to_string)
                    .ok_or_else(|| bad(format!("OIT item: missing {k:?}")))
            };
            let n = |k: &str| {
                it.get(k)
                    .and_then(Value::as_i64)
                    .ok_or_else(|| bad(format!("OIT item: missing {k:?}")))
            };
            sqlx::query(
                "INSERT INTO oit_items (org_id, year, code, sort, indicator, title, description, source, info_no, url, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            )
            .bind(x.org_id)
            .bind(n("year")?)
            .bind(s("code")?)
            .bind(n("sort")?)
            .bind(s("indicator")?)
            .bind(s("title")?)
            .bind(s("description")?)
            .bind(s("source")?)
            .bind(it.get("info_no").and_then(Value::as_i64))
            .bind(s("url")?)
            .bind(now)
            .execute(&mut *conn)
            .await?;
        }
        Ok(())
    })
}
