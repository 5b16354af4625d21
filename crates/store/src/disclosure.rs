//! The information centre's items (ข้อมูลข่าวสาร): officers draft, a head or the clerk
//! publishes, and every published version is kept. The public sees only published
//! versions; publishing also indexes the item for search. Also the executives list of
//! the public home page.

use prongsai_domain::disclosure::{InfoGroup, UpdateRhythm, parse_links};
use serde::Serialize;
use serde_json::{Value, json};
use sqlx::{AnyConnection, Connection, Row};

use crate::audit::{self, Actor, Change, snapshot};
use crate::error::{Result, StoreError};
use crate::files::{self, BlobStore, FileMeta};
use crate::search;
use crate::transfer::{BoxFut, ExportCtx, ImportCtx};

/// The search index's kind for info items.
pub const DOC_KIND: &str = "info";
/// The longest title and body, in characters.
pub const MAX_TITLE: usize = 300;
pub const MAX_BODY: usize = 50_000;
/// At most this many files per item.
pub const MAX_FILES: usize = 20;

fn bad(msg: impl Into<String>) -> StoreError {
    StoreError::Invalid(msg.into())
}

/// What staff type into an item's form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ItemDraft {
    pub group: InfoGroup,
    pub title: String,
    pub body: String,
    /// 'YYYY-MM-DD' or ''.
    pub item_date: String,
    /// B.E.
    pub fiscal_year: i64,
    pub rhythm: UpdateRhythm,
    /// One link a line (see `prongsai_domain::disclosure::parse_links`).
    pub links: String,
    pub division_id: Option<i64>,
}

impl ItemDraft {
    /// Checks lengths, the date, the year and the links.
    pub fn validate(&self) -> Result<()> {
        let title = self.title.trim();
        if title.is_empty() || title.chars().count() > MAX_TITLE {
            return Err(bad("the title must be 1–300 characters"));
        }
        if self.body.chars().count() > MAX_BODY {
            return Err(bad("the text is too long"));
        }
        if !self.item_date.is_empty()
            && time::Date::parse(
                &self.item_date,
                time::macros::format_description!("[year]-[month]-[day]"),
            )
            .is_err()
        {
            return Err(bad("the date must be YYYY-MM-DD"));
        }
        if !(2500..=2700).contains(&self.fiscal_year) {
            return Err(bad(
                "the fiscal year must be a Buddhist-era year (e.g. 2568)",
            ));
        }
        parse_links(&self.links).map_err(bad)?;
        Ok(())
    }
}

/// An item as staff see it: the draft and where it stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InfoItem {
    pub id: i64,
    pub org_id: i64,
    /// The item's number in the organization (URLs use it).
    pub no: i64,
    pub group: InfoGroup,
    pub title: String,
    pub body: String,
    pub item_date: String,
    pub fiscal_year: i64,
    pub rhythm: UpdateRhythm,
    pub links: String,
    pub division_id: Option<i64>,
    /// The latest published version (0: never published).
    pub version: i64,
    /// The draft differs from the latest published version.
    pub draft_changed: bool,
    pub withdrawn: bool,
    pub created_by: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub published_at: Option<i64>,
}

impl InfoItem {
    /// Published and not withdrawn.
    pub fn is_public(&self) -> bool {
        self.version > 0 && !self.withdrawn
    }

    /// Published, but not updated within its rhythm.
    pub fn is_stale(&self, now_ms: i64) -> bool {
        self.is_public() && self.rhythm.is_stale(self.published_at, now_ms)
    }
}

/// A published version, as the public sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InfoVersion {
    pub item_id: i64,
    pub version: i64,
    pub title: String,
    pub body: String,
    pub item_date: String,
    pub fiscal_year: i64,
    pub links: String,
    pub published_at: i64,
    pub published_by: String,
}

/// A published item with its current version, for public lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PublicItem {
    pub no: i64,
    pub group: InfoGroup,
    pub rhythm: UpdateRhythm,
    pub current: InfoVersion,
}

const ITEM_COLS: &str = "id, org_id, item_no, group_code, title, body, item_date, fiscal_year, rhythm, links, \
     division_id, version, draft_changed, withdrawn, created_by, created_at, updated_at, published_at";

fn item_from_row(r: &sqlx::any::AnyRow) -> Result<InfoItem> {
    let group: String = r.try_get("group_code")?;
    let rhythm: String = r.try_get("rhythm")?;
    Ok(InfoItem {
        id: r.try_get("id")?,
        org_id: r.try_get("org_id")?,
        no: r.try_get("item_no")?,
        group: InfoGroup::from_code(&group).ok_or_else(|| bad(format!("unknown group {group}")))?,
        title: r.try_get("title")?,
        body: r.try_get("body")?,
        item_date: r.try_get("item_date")?,
        fiscal_year: r.try_get("fiscal_year")?,
        rhythm: UpdateRhythm::from_code(&rhythm)
            .ok_or_else(|| bad(format!("unknown rhythm {rhythm}")))?,
        links: r.try_get("links")?,
        division_id: r.try_get("division_id")?,
        version: r.try_get("version")?,
        draft_changed: r.try_get::<i64, _>("draft_changed")? != 0,
        withdrawn: r.try_get::<i64, _>("withdrawn")? != 0,
        created_by: r.try_get("created_by")?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
        published_at: r.try_get("published_at")?,
    })
}

const VERSION_COLS: &str =
    "item_id, version, title, body, item_date, fiscal_year, links, published_at, published_by";

fn version_from_row(r: &sqlx::any::AnyRow) -> Result<InfoVersion> {
    Ok(InfoVersion {
        item_id: r.try_get("item_id")?,
        version: r.try_get("version")?,
        title: r.try_get("title")?,
        body: r.try_get("body")?,
        item_date: r.try_get("item_date")?,
        fiscal_year: r.try_get("fiscal_year")?,
        links: r.try_get("links")?,
        published_at: r.try_get("published_at")?,
        published_by: r.try_get("published_by")?,
    })
}

/// Every item of an organization (drafts too), by group then number.
pub async fn list(conn: &mut AnyConnection, org_id: i64) -> Result<Vec<InfoItem>> {
    let rows = sqlx::query(&format!(
        "SELECT {ITEM_COLS} FROM info_items WHERE org_id = $1 ORDER BY item_no"
    ))
    .bind(org_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(item_from_row).collect()
}

/// One item by its number.
pub async fn get(conn: &mut AnyConnection, org_id: i64, no: i64) -> Result<Option<InfoItem>> {
    let row = sqlx::query(&format!(
        "SELECT {ITEM_COLS} FROM info_items WHERE org_id = $1 AND item_no = $2"
    ))
    .bind(org_id)
    .bind(no)
    .fetch_optional(&mut *conn)
    .await?;
    row.as_ref().map(item_from_row).transpose()
}

/// Every published version of an item, newest first.
pub async fn versions(
    conn: &mut AnyConnection,
    org_id: i64,
    item_id: i64,
) -> Result<Vec<InfoVersion>> {
    let rows = sqlx::query(&format!(
        "SELECT {VERSION_COLS} FROM info_versions WHERE org_id = $1 AND item_id = $2 ORDER BY version DESC"
    ))
    .bind(org_id)
    .bind(item_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(version_from_row).collect()
}

/// One published version.
pub async fn version(
    conn: &mut AnyConnection,
    org_id: i64,
    item_id: i64,
    version: i64,
) -> Result<Option<InfoVersion>> {
    let row = sqlx::query(&format!(
        "SELECT {VERSION_COLS} FROM info_versions WHERE org_id = $1 AND item_id = $2 AND version = $3"
    ))
    .bind(org_id)
    .bind(item_id)
    .bind(version)
    .fetch_optional(&mut *conn)
    .await?;
    row.as_ref().map(version_from_row).transpose()
}

/// Every public item with its current version, by group then date (newest first).
pub async fn public_list(conn: &mut AnyConnection, org_id: i64) -> Result<Vec<PublicItem>> {
    let rows = sqlx::query(
        "SELECT i.item_no, i.group_code, i.rhythm, v.item_id, v.version, v.title, v.body, v.item_date, \
         v.fiscal_year, v.links, v.published_at, v.published_by \
         FROM info_items i JOIN info_versions v ON v.org_id = i.org_id AND v.item_id = i.id AND v.version = i.version \
         WHERE i.org_id = $1 AND i.version > 0 AND i.withdrawn = 0 \
         ORDER BY i.group_code, v.item_date DESC, i.item_no DESC",
    )
    .bind(org_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut out = Vec::new();
    for r in &rows {
        let group: String = r.try_get("group_code")?;
        let rhythm: String = r.try_get("rhythm")?;
        out.push(PublicItem {
            no: r.try_get("item_no")?,
            group: InfoGroup::from_code(&group).ok_or_else(|| bad("unknown group"))?,
            rhythm: UpdateRhythm::from_code(&rhythm).ok_or_else(|| bad("unknown rhythm"))?,
            current: version_from_row(r)?,
        });
    }
    out.sort_by_key(|i| i.group);
    Ok(out)
}

/// The files of an item's draft (version 0) or of a published version.
pub async fn files_of(
    conn: &mut AnyConnection,
    org_id: i64,
    item_id: i64,
    version: i64,
) -> Result<Vec<FileMeta>> {
    let ids: Vec<(i64,)> = sqlx::query_as(
        "SELECT file_id FROM info_files WHERE org_id = $1 AND item_id = $2 AND version = $3 ORDER BY sort, file_id",
    )
    .bind(org_id)
    .bind(item_id)
    .bind(version)
    .fetch_all(&mut *conn)
    .await?;
    let mut out = Vec::new();
    for (id,) in ids {
        if let Some(f) = files::by_id(conn, org_id, id).await? {
            out.push(f);
        }
    }
    Ok(out)
}

/// A file the public may download: one of a published version of a public item.
pub async fn public_file(
    conn: &mut AnyConnection,
    org_id: i64,
    no: i64,
    file_id: i64,
) -> Result<Option<FileMeta>> {
    let found: Option<(i64,)> = sqlx::query_as(
        "SELECT f.file_id FROM info_files f JOIN info_items i ON i.org_id = f.org_id AND i.id = f.item_id \
         WHERE f.org_id = $1 AND i.item_no = $2 AND f.file_id = $3 AND f.version > 0 \
         AND i.version > 0 AND i.withdrawn = 0",
    )
    .bind(org_id)
    .bind(no)
    .bind(file_id)
    .fetch_optional(&mut *conn)
    .await?;
    match found {
        Some((id,)) => files::by_id(conn, org_id, id).await,
        None => Ok(None),
    }
}

#[allow(clippy::too_many_arguments)]
async fn record(
    conn: &mut AnyConnection,
    key: &[u8],
    org_id: i64,
    actor: &Actor,
    action: &str,
    no: i64,
    before: String,
    after: String,
) -> Result<()> {
    audit::record(
        conn,
        key,
        org_id,
        actor,
        Change {
            action,
            entity: "info_item",
            entity_id: no.to_string(),
        },
        before,
        after,
    )
    .await?;
    Ok(())
}

/// Creates a draft item with the next number.
pub async fn create(
    conn: &mut AnyConnection,
    key: &[u8],
    org_id: i64,
    draft: &ItemDraft,
    actor: &Actor,
) -> Result<InfoItem> {
    draft.validate()?;
    let now = crate::now_ms();
    let mut tx = conn.begin().await?;
    // The insert computes the next number itself, so the write comes first (SQLite's
    // lock) and two creators cannot take the same number.
    let row = sqlx::query(&format!(
        "INSERT INTO info_items (org_id, item_no, group_code, title, body, item_date, fiscal_year, rhythm, links, \
         division_id, version, draft_changed, withdrawn, created_by, created_at, updated_at) \
         VALUES ($1, (SELECT COALESCE(MAX(item_no), 0) + 1 FROM info_items WHERE org_id = $1), \
         $2, $3, $4, $5, $6, $7, $8, $9, 0, 1, 0, $10, $11, $11) RETURNING {ITEM_COLS}"
    ))
    .bind(org_id)
    .bind(draft.group.code())
    .bind(draft.title.trim())
    .bind(&draft.body)
    .bind(&draft.item_date)
    .bind(draft.fiscal_year)
    .bind(draft.rhythm.code())
    .bind(&draft.links)
    .bind(draft.division_id)
    .bind(&actor.label)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    let item = item_from_row(&row)?;
    record(
        &mut tx,
        key,
        org_id,
        actor,
        "info.create",
        item.no,
        "null".into(),
        snapshot(Some(draft)),
    )
    .await?;
    tx.commit().await?;
    Ok(item)
}

/// Changes an item's draft.
pub async fn update(
    conn: &mut AnyConnection,
    key: &[u8],
    org_id: i64,
    no: i64,
    draft: &ItemDraft,
    actor: &Actor,
) -> Result<InfoItem> {
    draft.validate()?;
    let mut tx = conn.begin().await?;
    let n = sqlx::query(
        "UPDATE info_items SET group_code = $3, title = $4, body = $5, item_date = $6, fiscal_year = $7, \
         rhythm = $8, links = $9, division_id = $10, draft_changed = 1, updated_at = $11 \
         WHERE org_id = $1 AND item_no = $2",
    )
    .bind(org_id)
    .bind(no)
    .bind(draft.group.code())
    .bind(draft.title.trim())
    .bind(&draft.body)
    .bind(&draft.item_date)
    .bind(draft.fiscal_year)
    .bind(draft.rhythm.code())
    .bind(&draft.links)
    .bind(draft.division_id)
    .bind(crate::now_ms())
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if n == 0 {
        return Err(StoreError::NotFound("information item".into()));
    }
    let after = get(&mut tx, org_id, no).await?;
    record(
        &mut tx,
        key,
        org_id,
        actor,
        "info.update",
        no,
        "null".into(),
        snapshot(Some(draft)),
    )
    .await?;
    tx.commit().await?;
    after.ok_or_else(|| StoreError::NotFound("information item".into()))
}

/// Attaches a file to an item's draft. The bytes must be a file type Prongsai accepts
/// (`prongsai_media::check`); photos and documents lose their metadata before they
/// are stored, since they are for publication.
#[allow(clippy::too_many_arguments)]
pub async fn add_file(
    conn: &mut AnyConnection,
    key: &[u8],
    blobs: &dyn BlobStore,
    org_id: i64,
    no: i64,
    original_name: &str,
    bytes: &[u8],
    actor: &Actor,
) -> Result<FileMeta> {
    let t = prongsai_media::check(bytes, prongsai_media::Limits::default())
        .map_err(|e| bad(e.to_string()))?;
    let cleaned = prongsai_media::strip_metadata(bytes).unwrap_or_else(|_| bytes.to_vec());
    let name: String = original_name
        .trim()
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '/' | '\\'))
        .take(200)
        .collect();
    let name = if name.is_empty() {
        format!("file.{}", t.extension())
    } else {
        name
    };
    let mut tx = conn.begin().await?;
    let touched = sqlx::query("UPDATE info_items SET draft_changed = 1, updated_at = $3 WHERE org_id = $1 AND item_no = $2")
        .bind(org_id)
        .bind(no)
        .bind(crate::now_ms())
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if touched == 0 {
        return Err(StoreError::NotFound("information item".into()));
    }
    let item = get(&mut tx, org_id, no)
        .await?
        .ok_or_else(|| StoreError::NotFound("information item".into()))?;
    if files_of(&mut tx, org_id, item.id, 0).await?.len() >= MAX_FILES {
        return Err(bad("an item holds at most 20 files"));
    }
    let meta = files::upload(
        &mut tx,
        blobs,
        org_id,
        &name,
        t.mime(),
        &cleaned,
        Some(actor.id),
    )
    .await?;
    sqlx::query("INSERT INTO info_files (org_id, item_id, version, file_id, sort) VALUES ($1, $2, 0, $3, $4)")
        .bind(org_id)
        .bind(item.id)
        .bind(meta.id)
        .bind(meta.created_at)
        .execute(&mut *tx)
        .await?;
    record(
        &mut tx,
        key,
        org_id,
        actor,
        "info.add_file",
        no,
        "null".into(),
        json!({"file": name, "sha256": meta.sha256}).to_string(),
    )
    .await?;
    match tx.commit().await {
        Ok(()) => Ok(meta),
        Err(e) => {
            let _ = blobs.delete(&meta.storage_key);
            Err(e.into())
        }
    }
}

/// Takes a file off an item's draft (published versions keep theirs).
pub async fn remove_file(
    conn: &mut AnyConnection,
    key: &[u8],
    org_id: i64,
    no: i64,
    file_id: i64,
    actor: &Actor,
) -> Result<()> {
    let mut tx = conn.begin().await?;
    let item = get(&mut tx, org_id, no)
        .await?
        .ok_or_else(|| StoreError::NotFound("information item".into()))?;
    let n = sqlx::query("DELETE FROM info_files WHERE org_id = $1 AND item_id = $2 AND version = 0 AND file_id = $3")
        .bind(org_id)
        .bind(item.id)
        .bind(file_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if n == 0 {
        return Err(StoreError::NotFound("file".into()));
    }
    sqlx::query(
        "UPDATE info_items SET draft_changed = 1, updated_at = $3 WHERE org_id = $1 AND id = $2",
    )
    .bind(org_id)
    .bind(item.id)
    .bind(crate::now_ms())
    .execute(&mut *tx)
    .await?;
    record(
        &mut tx,
        key,
        org_id,
        actor,
        "info.remove_file",
        no,
        json!({"file_id": file_id}).to_string(),
        "null".into(),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The public path of an item.
pub fn public_path(org_slug: &str, no: i64) -> String {
    format!("/{org_slug}/info/{no}")
}

/// Publishes the draft as a new version (kept for ever), makes the item public again
/// if it was withdrawn, and indexes it for search. Returns the new version number.
pub async fn publish(
    conn: &mut AnyConnection,
    key: &[u8],
    org_id: i64,
    org_slug: &str,
    no: i64,
    actor: &Actor,
) -> Result<i64> {
    publish_at(conn, key, org_id, org_slug, no, actor, crate::now_ms()).await
}

/// [`publish`] at a given time (demo data and tests of staleness).
pub async fn publish_at(
    conn: &mut AnyConnection,
    key: &[u8],
    org_id: i64,
    org_slug: &str,
    no: i64,
    actor: &Actor,
    now: i64,
) -> Result<i64> {
    let mut tx = conn.begin().await?;
    let bumped = sqlx::query(
        "UPDATE info_items SET version = version + 1, draft_changed = 0, withdrawn = 0, published_at = $3 \
         WHERE org_id = $1 AND item_no = $2",
    )
    .bind(org_id)
    .bind(no)
    .bind(now)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if bumped == 0 {
        return Err(StoreError::NotFound("information item".into()));
    }
    let item = get(&mut tx, org_id, no)
        .await?
        .ok_or_else(|| StoreError::NotFound("information item".into()))?;
    sqlx::query(
        "INSERT INTO info_versions (org_id, item_id, version, title, body, item_date, fiscal_year, links, published_at, published_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(org_id)
    .bind(item.id)
    .bind(item.version)
    .bind(&item.title)
    .bind(&item.body)
    .bind(&item.item_date)
    .bind(item.fiscal_year)
    .bind(&item.links)
    .bind(now)
    .bind(&actor.label)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO info_files (org_id, item_id, version, file_id, sort) \
         SELECT org_id, item_id, $3, file_id, sort FROM info_files WHERE org_id = $1 AND item_id = $2 AND version = 0",
    )
    .bind(org_id)
    .bind(item.id)
    .bind(item.version)
    .execute(&mut *tx)
    .await?;
    index(&mut tx, org_id, org_slug, &item, now).await?;
    record(
        &mut tx,
        key,
        org_id,
        actor,
        "info.publish",
        no,
        "null".into(),
        json!({"version": item.version, "title": item.title}).to_string(),
    )
    .await?;
    tx.commit().await?;
    Ok(item.version)
}

async fn index(
    conn: &mut AnyConnection,
    org_id: i64,
    org_slug: &str,
    item: &InfoItem,
    at: i64,
) -> Result<()> {
    let url = public_path(org_slug, item.no);
    search::index_document(
        conn,
        org_id,
        &search::Document {
            kind: DOC_KIND,
            id: item.no,
            title: &item.title,
            body: &item.body,
            url: &url,
            at_ms: at,
        },
    )
    .await
}

/// Takes a published item off the public pages and out of search (its versions are
/// kept; publishing again brings it back).
pub async fn withdraw(
    conn: &mut AnyConnection,
    key: &[u8],
    org_id: i64,
    no: i64,
    actor: &Actor,
) -> Result<()> {
    let mut tx = conn.begin().await?;
    let n = sqlx::query(
        "UPDATE info_items SET withdrawn = 1 WHERE org_id = $1 AND item_no = $2 AND version > 0",
    )
    .bind(org_id)
    .bind(no)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if n == 0 {
        return Err(StoreError::NotFound("published information item".into()));
    }
    search::remove_document(&mut tx, org_id, DOC_KIND, no).await?;
    record(
        &mut tx,
        key,
        org_id,
        actor,
        "info.withdraw",
        no,
        "null".into(),
        "null".into(),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

// ---- executives ---------------------------------------------------------------------

/// An executive (ผู้บริหาร) on the public home page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Executive {
    pub name: String,
    pub position: String,
}

pub async fn executives(conn: &mut AnyConnection, org_id: i64) -> Result<Vec<Executive>> {
    let rows: Vec<(String, String)> =
        sqlx::query_as("SELECT name, position FROM org_executives WHERE org_id = $1 ORDER BY sort")
            .bind(org_id)
            .fetch_all(&mut *conn)
            .await?;
    Ok(rows
        .into_iter()
        .map(|(name, position)| Executive { name, position })
        .collect())
}

/// Parses the executives field: one a line, "name | position".
pub fn parse_executives(field: &str) -> Result<Vec<Executive>> {
    let mut out = Vec::new();
    for line in field.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let (name, position) = line.split_once('|').unwrap_or((line, ""));
        let (name, position) = (name.trim(), position.trim());
        if name.is_empty() || name.chars().count() > 200 || position.chars().count() > 200 {
            return Err(bad("each line: a name (up to 200 characters) | a position"));
        }
        out.push(Executive {
            name: name.into(),
            position: position.into(),
        });
    }
    if out.len() > 50 {
        return Err(bad("at most 50 executives"));
    }
    Ok(out)
}

/// Replaces the executives list.
pub async fn set_executives(
    conn: &mut AnyConnection,
    key: &[u8],
    org_id: i64,
    list: &[Executive],
    actor: &Actor,
) -> Result<()> {
    let mut tx = conn.begin().await?;
    sqlx::query("DELETE FROM org_executives WHERE org_id = $1")
        .bind(org_id)
        .execute(&mut *tx)
        .await?;
    let before = "null".to_string();
    for (i, e) in list.iter().enumerate() {
        sqlx::query(
            "INSERT INTO org_executives (org_id, sort, name, position) VALUES ($1, $2, $3, $4)",
        )
        .bind(org_id)
        .bind(i as i64)
        .bind(&e.name)
        .bind(&e.position)
        .execute(&mut *tx)
        .await?;
    }
    audit::record(
        &mut tx,
        key,
        org_id,
        actor,
        Change {
            action: "info.executives",
            entity: "organization",
            entity_id: org_id.to_string(),
        },
        before,
        snapshot(Some(&list.to_vec())),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

// ---- moving an organization ---------------------------------------------------------

fn file_ref(f: &FileMeta) -> Value {
    json!({"sha256": f.sha256, "original_name": f.original_name, "created_at": f.created_at})
}

/// Export: items with their draft, versions and files (by content), and executives.
pub fn export_section<'a>(conn: &'a mut AnyConnection, x: &'a ExportCtx) -> BoxFut<'a, Value> {
    Box::pin(async move {
        let codes: std::collections::BTreeMap<i64, String> = crate::orgs::divisions(conn, x.org_id)
            .await?
            .into_iter()
            .map(|d| (d.id, d.code))
            .collect();
        let mut items = Vec::new();
        for it in list(conn, x.org_id).await? {
            let mut vs = Vec::new();
            for v in versions(conn, x.org_id, it.id).await?.into_iter().rev() {
                let fs: Vec<Value> = files_of(conn, x.org_id, it.id, v.version)
                    .await?
                    .iter()
                    .map(file_ref)
                    .collect();
                vs.push(json!({
                    "version": v.version, "title": v.title, "body": v.body, "item_date": v.item_date,
                    "fiscal_year": v.fiscal_year, "links": v.links, "published_at": v.published_at,
                    "published_by": v.published_by, "files": fs,
                }));
            }
            let draft_files: Vec<Value> = files_of(conn, x.org_id, it.id, 0)
                .await?
                .iter()
                .map(file_ref)
                .collect();
            items.push(json!({
                "no": it.no, "group": it.group.code(), "title": it.title, "body": it.body,
                "item_date": it.item_date, "fiscal_year": it.fiscal_year, "rhythm": it.rhythm.code(),
                "links": it.links, "division": it.division_id.and_then(|d| codes.get(&d).cloned()),
                "version": it.version, "draft_changed": it.draft_changed, "withdrawn": it.withdrawn,
                "created_by": it.created_by, "created_at": it.created_at, "updated_at": it.updated_at,
                "published_at": it.published_at, "files": draft_files, "versions": vs,
            }));
        }
        let execs: Vec<Value> = executives(conn, x.org_id)
            .await?
            .into_iter()
            .map(|e| json!({"name": e.name, "position": e.position}))
            .collect();
        Ok(json!({"items": items, "executives": execs}))
    })
}

fn s(v: &Value, k: &str) -> Result<String> {
    v.get(k)
        .and_then(Value::as_str)
        .map(str::to_string)
        .ok_or_else(|| bad(format!("missing text {k:?}")))
}
fn i(v: &Value, k: &str) -> Result<i64> {
    v.get(k)
        .and_then(Value::as_i64)
        .ok_or_else(|| bad(format!("missing number {k:?}")))
}
fn arr<'v>(v: &'v Value, k: &str) -> Result<&'v Vec<Value>> {
    static EMPTY: Vec<Value> = Vec::new();
    match v.get(k) {
        None | Some(Value::Null) => Ok(&EMPTY),
        Some(Value::Array(a)) => Ok(a),
        Some(_) => Err(bad(format!("{k:?} must be a list"))),
    }
}

async fn find_file(conn: &mut AnyConnection, org_id: i64, f: &Value) -> Result<i64> {
    let found: Option<(i64,)> = sqlx::query_as(
        "SELECT id FROM files WHERE org_id = $1 AND sha256 = $2 AND original_name = $3 AND created_at = $4 ORDER BY id LIMIT 1",
    )
    .bind(org_id)
    .bind(s(f, "sha256")?)
    .bind(s(f, "original_name")?)
    .bind(i(f, "created_at")?)
    .fetch_optional(&mut *conn)
    .await?;
    found.map(|(id,)| id).ok_or_else(|| {
        bad(format!(
            "file {:?} is not among the files",
            s(f, "original_name").unwrap_or_default()
        ))
    })
}

async fn import_files(
    conn: &mut AnyConnection,
    org_id: i64,
    item_id: i64,
    version: i64,
    list: &[Value],
) -> Result<()> {
    for f in list {
        let id = find_file(conn, org_id, f).await?;
        sqlx::query("INSERT INTO info_files (org_id, item_id, version, file_id, sort) VALUES ($1, $2, $3, $4, $5)")
            .bind(org_id)
            .bind(item_id)
            .bind(version)
            .bind(id)
            .bind(i(f, "created_at")?)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Import: the inverse of [`export_section`] (after `divisions`, `members`, `files`).
/// The items are indexed for search from their published versions (everything else
/// published is indexed after the last section, by [`search::rebuild_published`]).
pub fn import_section<'a>(
    conn: &'a mut AnyConnection,
    x: &'a mut ImportCtx,
    v: &'a Value,
) -> BoxFut<'a, ()> {
    Box::pin(async move {
        if v.is_array() {
            return Ok(());
        }
        let slug = crate::orgs::by_id(conn, x.org_id)
            .await?
            .map(|o| o.slug)
            .ok_or_else(|| StoreError::NotFound("organization".into()))?;
        for it in arr(v, "items")? {
            let no = i(it, "no")?;
            let group = s(it, "group")?;
            let rhythm = s(it, "rhythm")?;
            if InfoGroup::from_code(&group).is_none() || UpdateRhythm::from_code(&rhythm).is_none()
            {
                return Err(bad(format!(
                    "information item {no}: unknown group or rhythm"
                )));
            }
            let division = match it.get("division").and_then(Value::as_str) {
                Some(c) => Some(*x.divisions.get(c).ok_or_else(|| {
                    bad(format!("information item {no}: unknown division {c:?}"))
                })?),
                None => None,
            };
            let flag = |k: &str| i64::from(it.get(k).and_then(Value::as_bool).unwrap_or(false));
            let row = sqlx::query(
                "INSERT INTO info_items (org_id, item_no, group_code, title, body, item_date, fiscal_year, rhythm, links, \
                 division_id, version, draft_changed, withdrawn, created_by, created_at, updated_at, published_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) RETURNING id",
            )
            .bind(x.org_id)
            .bind(no)
            .bind(&group)
            .bind(s(it, "title")?)
            .bind(s(it, "body")?)
            .bind(s(it, "item_date")?)
            .bind(i(it, "fiscal_year")?)
            .bind(&rhythm)
            .bind(s(it, "links")?)
            .bind(division)
            .bind(i(it, "version")?)
            .bind(flag("draft_changed"))
            .bind(flag("withdrawn"))
            .bind(s(it, "created_by")?)
            .bind(i(it, "created_at")?)
            .bind(i(it, "updated_at")?)
            .bind(it.get("published_at").and_then(Value::as_i64))
            .fetch_one(&mut *conn)
            .await?;
            let id: i64 = row.try_get(0)?;
            import_files(conn, x.org_id, id, 0, arr(it, "files")?).await?;
            for ver in arr(it, "versions")? {
                let n = i(ver, "version")?;
                sqlx::query(
                    "INSERT INTO info_versions (org_id, item_id, version, title, body, item_date, fiscal_year, links, published_at, published_by) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                )
                .bind(x.org_id)
                .bind(id)
                .bind(n)
                .bind(s(ver, "title")?)
                .bind(s(ver, "body")?)
                .bind(s(ver, "item_date")?)
                .bind(i(ver, "fiscal_year")?)
                .bind(s(ver, "links")?)
                .bind(i(ver, "published_at")?)
                .bind(s(ver, "published_by")?)
                .execute(&mut *conn)
                .await?;
                import_files(conn, x.org_id, id, n, arr(ver, "files")?).await?;
            }
            let item = get(conn, x.org_id, no)
                .await?
                .ok_or_else(|| bad("information item vanished"))?;
            if item.is_public()
                && let Some(cur) = version(conn, x.org_id, id, item.version).await?
            {
                let public = InfoItem {
                    title: cur.title,
                    body: cur.body,
                    ..item
                };
                index(conn, x.org_id, &slug, &public, cur.published_at).await?;
            }
        }
        for (n, e) in arr(v, "executives")?.iter().enumerate() {
            sqlx::query(
                "INSERT INTO org_executives (org_id, sort, name, position) VALUES ($1, $2, $3, $4)",
            )
            .bind(x.org_id)
            .bind(n as i64)
            .bind(s(e, "name")?)
            .bind(s(e, "position")?)
            .execute(&mut *conn)
            .await?;
        }
        Ok(())
    })
}
