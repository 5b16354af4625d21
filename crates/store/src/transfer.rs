//! Moving one organization between installations: `export_org` writes everything the
//! organization owns as one JSON document, `import_org` reads it into another
//! installation (on either backend).
//!
//! The document holds no database ids: rows refer to each other by stable names
//! (division codes, usernames) and lists are in a stable order, with object keys
//! sorted. So exporting on SQLite, importing on PostgreSQL and exporting again gives
//! the same bytes.
//!
//! The document is a list of **sections**, one per area ([`SECTIONS`]). An area added
//! later (plans, complaints, …) adds its own [`Section`] with an export function (rows
//! of this organization → JSON) and an import function (JSON → rows, mapping names to
//! the new ids through [`ImportCtx`]), and appends it to [`SECTIONS`] before `audit`.
//! Imports run in the order of that list, so a section may use what earlier sections
//! put into the context (`divisions`, `users`).
//!
//! Accounts are installation-wide. An imported member whose username already exists is
//! reused only if it is the same account (same display name, e-mail and password
//! hash); otherwise the import is refused with a message naming the account. References
//! to accounts (division heads, uploaders) are kept only for members of the
//! organization, the people whose accounts travel with it.
//!
//! The audit trail travels without its hashes: the importing installation chains the
//! entries again with its own key, keeping their times, actors and contents. The
//! import itself is recorded in the installation's chain (org 0), so the organization's
//! own trail stays as it was exported.
//!
//! An import runs in one transaction: on any error nothing is written (files already
//! stored are removed again).

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use data_encoding::BASE64;
use prongsai_domain::{OrgType, Role, Slug};
use serde_json::{Map, Value, json};
use sqlx::{AnyConnection, Row};

use crate::audit::{self, Actor, Change};
use crate::db::Db;
use crate::error::{Result, StoreError};
use crate::files::{self, BlobStore};
use crate::orgs::{self, Organization};

/// What the document's `format` says.
pub const FORMAT: &str = "prongsai-org-export";
/// Bumped when a section changes shape.
pub const FORMAT_VERSION: i64 = 1;
/// The largest document `import_org` reads.
pub const MAX_DOCUMENT_BYTES: usize = 2 << 30;

/// A boxed future, so sections can be listed in a table of plain functions.
pub type BoxFut<'a, T> = Pin<Box<dyn Future<Output = Result<T>> + Send + 'a>>;

/// What an export section is given.
pub struct ExportCtx {
    pub org_id: i64,
    pub blobs: Arc<dyn BlobStore>,
}

/// What an import section is given, and what it leaves for the sections after it.
pub struct ImportCtx {
    /// The new organization's id (set by the `organization` section).
    pub org_id: i64,
    pub audit_key: Vec<u8>,
    pub blobs: Arc<dyn BlobStore>,
    /// Division code → new id.
    pub divisions: BTreeMap<String, i64>,
    /// Username → account id, for the organization's members.
    pub users: BTreeMap<String, i64>,
    /// Blob keys written so far (removed again if the import fails).
    pub written_blobs: Vec<String>,
    /// Audit entries re-chained.
    pub audit_entries: u64,
}

/// One area's part of the document.
pub struct Section {
    pub name: &'static str,
    pub export: for<'a> fn(&'a mut AnyConnection, &'a ExportCtx) -> BoxFut<'a, Value>,
    pub import: for<'a> fn(&'a mut AnyConnection, &'a mut ImportCtx, &'a Value) -> BoxFut<'a, ()>,
}

/// Every section, in import order. New areas go before `audit`.
pub const SECTIONS: &[Section] = &[
    Section {
        name: "organization",
        export: |c, x| Box::pin(export_profile(c, x)),
        import: |c, x, v| Box::pin(import_profile(c, x, v)),
    },
    Section {
        name: "divisions",
        export: |c, x| Box::pin(export_divisions(c, x)),
        import: |c, x, v| Box::pin(import_divisions(c, x, v)),
    },
    Section {
        name: "members",
        export: |c, x| Box::pin(export_members(c, x)),
        import: |c, x, v| Box::pin(import_members(c, x, v)),
    },
    Section {
        name: "division_heads",
        export: |c, x| Box::pin(export_heads(c, x)),
        import: |c, x, v| Box::pin(import_heads(c, x, v)),
    },
    Section {
        name: "files",
        export: |c, x| Box::pin(export_files(c, x)),
        import: |c, x, v| Box::pin(import_files(c, x, v)),
    },
    Section {
        name: "api_keys",
        export: |c, x| Box::pin(export_api_keys(c, x)),
        import: |c, x, v| Box::pin(import_api_keys(c, x, v)),
    },
    Section {
        name: "plans",
        export: crate::plans::export_section,
        import: crate::plans::import_section,
    },
    Section {
        name: "progress",
        export: crate::progress::export_section,
        import: crate::progress::import_section,
    },
    Section {
        name: "complaints",
        export: crate::complaints::export_section,
        import: crate::complaints::import_section,
    },
    Section {
        name: "procurement",
        export: crate::procurement::export_section,
        import: crate::procurement::import_section,
    },
    Section {
        name: "disclosure",
        export: crate::disclosure::export_section,
        import: crate::disclosure::import_section,
    },
    Section {
        name: "oit",
        export: crate::oit::export_section,
        import: crate::oit::import_section,
    },
    Section {
        name: "visits",
        export: crate::visits::export_section,
        import: crate::visits::import_section,
    },
    Section {
        name: "ita",
        export: crate::ita::export_section,
        import: crate::ita::import_section,
    },
    Section {
        name: "risks",
        export: crate::risk::export_section,
        import: crate::risk::import_section,
    },
    Section {
        name: "audit",
        export: |c, x| Box::pin(export_audit(c, x)),
        import: |c, x, v| Box::pin(import_audit(c, x, v)),
    },
];

fn bad(msg: impl Into<String>) -> StoreError {
    StoreError::Invalid(msg.into())
}

/// Rebuilds objects with their keys in sorted order, whatever map serde_json uses.
fn canonical(v: Value) -> Value {
    match v {
        Value::Object(m) => {
            let sorted: BTreeMap<String, Value> =
                m.into_iter().map(|(k, v)| (k, canonical(v))).collect();
            Value::Object(sorted.into_iter().collect())
        }
        Value::Array(a) => Value::Array(a.into_iter().map(canonical).collect()),
        other => other,
    }
}

/// The whole organization as a JSON value.
pub async fn export_org(
    conn: &mut AnyConnection,
    blobs: Arc<dyn BlobStore>,
    org_id: i64,
) -> Result<Value> {
    if orgs::by_id(conn, org_id).await?.is_none() {
        return Err(StoreError::NotFound("organization".into()));
    }
    let ctx = ExportCtx { org_id, blobs };
    let mut sections = Map::new();
    for s in SECTIONS {
        sections.insert(s.name.to_string(), (s.export)(conn, &ctx).await?);
    }
    Ok(canonical(json!({
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "sections": Value::Object(sections),
    })))
}

/// [`export_org`] as text: pretty-printed, keys sorted, ending in a newline.
pub async fn export_org_string(
    conn: &mut AnyConnection,
    blobs: Arc<dyn BlobStore>,
    org_id: i64,
) -> Result<String> {
    let v = export_org(conn, blobs, org_id).await?;
    let mut s =
        serde_json::to_string_pretty(&v).map_err(|e| bad(format!("cannot write JSON: {e}")))?;
    s.push('\n');
    Ok(s)
}

/// Imports an exported organization in one transaction. Returns it as created.
pub async fn import_org(
    db: &Db,
    audit_key: &[u8],
    blobs: Arc<dyn BlobStore>,
    document: &str,
    actor: &Actor,
) -> Result<Organization> {
    if document.len() > MAX_DOCUMENT_BYTES {
        return Err(bad("the export file is too large"));
    }
    let doc: Value = serde_json::from_str(document).map_err(|e| {
        bad(format!(
            "not a Prongsai organization export (not JSON: {e})"
        ))
    })?;
    if doc.get("format").and_then(Value::as_str) != Some(FORMAT) {
        return Err(bad(
            "not a Prongsai organization export (no \"format\": \"prongsai-org-export\")",
        ));
    }
    let version = doc
        .get("format_version")
        .and_then(Value::as_i64)
        .unwrap_or(0);
    if version != FORMAT_VERSION {
        return Err(bad(format!(
            "export format version {version} is not supported (this version reads {FORMAT_VERSION})"
        )));
    }
    let sections = doc
        .get("sections")
        .and_then(Value::as_object)
        .ok_or_else(|| bad("the export has no sections"))?;
    if let Some(unknown) = sections
        .keys()
        .find(|k| !SECTIONS.iter().any(|s| s.name == k.as_str()))
    {
        return Err(bad(format!(
            "the export has a section {unknown:?} this version does not know; import it with a newer Prongsai"
        )));
    }
    if !sections.contains_key("organization") {
        return Err(bad("the export has no organization section"));
    }
    let mut ctx = ImportCtx {
        org_id: 0,
        audit_key: audit_key.to_vec(),
        blobs: blobs.clone(),
        divisions: BTreeMap::new(),
        users: BTreeMap::new(),
        written_blobs: Vec::new(),
        audit_entries: 0,
    };
    let empty = Value::Array(Vec::new());
    let result: Result<Organization> = async {
        let mut tx = db.begin().await?;
        for s in SECTIONS {
            let v = sections.get(s.name).unwrap_or(&empty);
            (s.import)(&mut tx, &mut ctx, v)
                .await
                .map_err(|e| match e {
                    StoreError::Invalid(m) => bad(format!("section {}: {m}", s.name)),
                    other => other,
                })?;
        }
        // Search: what every section imported is indexed again (info items are
        // indexed by their own section).
        crate::search::rebuild_published(&mut tx, ctx.org_id).await?;
        let org = orgs::by_id(&mut tx, ctx.org_id)
            .await?
            .ok_or_else(|| StoreError::NotFound("imported organization".into()))?;
        audit::record(
            &mut tx,
            audit_key,
            0,
            actor,
            Change {
                action: "org.import",
                entity: "organization",
                entity_id: org.id.to_string(),
            },
            "null".into(),
            json!({
                "slug": org.slug,
                "members": ctx.users.len(),
                "files": ctx.written_blobs.len(),
                "audit_entries": ctx.audit_entries,
            })
            .to_string(),
        )
        .await?;
        tx.commit().await?;
        Ok(org)
    }
    .await;
    if result.is_err() {
        for k in &ctx.written_blobs {
            let _ = blobs.delete(k);
        }
    }
    result
}

// ---- reading values out of the document ---------------------------------------------

fn field<'a>(v: &'a Value, name: &str) -> Result<&'a Value> {
    v.get(name)
        .ok_or_else(|| bad(format!("missing field {name:?}")))
}
fn text(v: &Value, name: &str) -> Result<String> {
    field(v, name)?
        .as_str()
        .map(str::to_string)
        .ok_or_else(|| bad(format!("field {name:?} must be text")))
}
fn opt_text(v: &Value, name: &str) -> Result<Option<String>> {
    match v.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(bad(format!("field {name:?} must be text or null"))),
    }
}
fn int(v: &Value, name: &str) -> Result<i64> {
    field(v, name)?
        .as_i64()
        .ok_or_else(|| bad(format!("field {name:?} must be a whole number")))
}
fn flag(v: &Value, name: &str) -> Result<bool> {
    field(v, name)?
        .as_bool()
        .ok_or_else(|| bad(format!("field {name:?} must be true or false")))
}
fn list(v: &Value) -> Result<&Vec<Value>> {
    v.as_array().ok_or_else(|| bad("must be a list"))
}

/// The username of a member of the organization, or `None`.
async fn member_username(
    conn: &mut AnyConnection,
    org_id: i64,
    user_id: Option<i64>,
) -> Result<Option<String>> {
    let Some(uid) = user_id else { return Ok(None) };
    let row: Option<(String,)> = sqlx::query_as(
        "SELECT u.username FROM users u JOIN memberships m ON m.user_id = u.id \
         WHERE m.org_id = $1 AND u.id = $2",
    )
    .bind(org_id)
    .bind(uid)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.map(|(u,)| u))
}

// ---- organization ----------------------------------------------------------------------

async fn export_profile(conn: &mut AnyConnection, x: &ExportCtx) -> Result<Value> {
    let o = orgs::by_id(conn, x.org_id)
        .await?
        .ok_or_else(|| StoreError::NotFound("organization".into()))?;
    Ok(json!({
        "slug": o.slug, "name_th": o.name_th, "name_en": o.name_en, "org_type": o.org_type.code(),
        "province": o.province, "address": o.address, "phone": o.phone, "email": o.email,
        "website": o.website, "about_th": o.about_th, "about_en": o.about_en,
        "require_staff_totp": o.require_staff_totp,
        "complaint_deadline_days": o.complaint_deadline_days, "thai_digits": o.thai_digits,
        "created_at": o.created_at,
    }))
}

async fn import_profile(conn: &mut AnyConnection, x: &mut ImportCtx, v: &Value) -> Result<()> {
    let slug_text = text(v, "slug")?;
    let slug = Slug::parse(&slug_text).map_err(|e| bad(e.to_string()))?;
    let org_type: OrgType = text(v, "org_type")?.parse().map_err(bad)?;
    if orgs::by_slug(conn, slug.as_str()).await?.is_some() {
        return Err(StoreError::Conflict(format!(
            "organization {slug} (this installation already has an organization with that slug)"
        )));
    }
    let name_th = text(v, "name_th")?;
    if name_th.trim().is_empty() {
        return Err(bad("the Thai name (name_th) is empty"));
    }
    let row = sqlx::query(
        "INSERT INTO organizations (slug, name_th, name_en, org_type, province, address, phone, email, \
         website, about_th, about_en, require_staff_totp, complaint_deadline_days, thai_digits, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id",
    )
    .bind(slug.as_str())
    .bind(name_th)
    .bind(text(v, "name_en")?)
    .bind(org_type.code())
    .bind(text(v, "province")?)
    .bind(text(v, "address")?)
    .bind(text(v, "phone")?)
    .bind(text(v, "email")?)
    .bind(text(v, "website")?)
    .bind(text(v, "about_th")?)
    .bind(text(v, "about_en")?)
    .bind(i64::from(flag(v, "require_staff_totp")?))
    .bind(int(v, "complaint_deadline_days")?)
    // Absent in exports made before the setting existed.
    .bind(i64::from(v.get("thai_digits").and_then(Value::as_bool).unwrap_or(false)))
    .bind(int(v, "created_at")?)
    .fetch_one(&mut *conn)
    .await?;
    x.org_id = row.try_get(0)?;
    Ok(())
}

// ---- divisions -------------------------------------------------------------------------

async fn export_divisions(conn: &mut AnyConnection, x: &ExportCtx) -> Result<Value> {
    let divs = orgs::divisions(conn, x.org_id).await?;
    Ok(Value::Array(
        divs.into_iter()
            .map(|d| json!({"code": d.code, "name_th": d.name_th, "name_en": d.name_en, "sort_order": d.sort_order}))
            .collect(),
    ))
}

async fn import_divisions(conn: &mut AnyConnection, x: &mut ImportCtx, v: &Value) -> Result<()> {
    for d in list(v)? {
        let code = text(d, "code")?;
        if !orgs::valid_division_code(&code) {
            return Err(bad(format!("division code {code:?} is not valid")));
        }
        if x.divisions.contains_key(&code) {
            return Err(bad(format!("division {code} appears twice")));
        }
        let row = sqlx::query(
            "INSERT INTO divisions (org_id, code, name_th, name_en, sort_order) VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(x.org_id)
        .bind(&code)
        .bind(text(d, "name_th")?)
        .bind(text(d, "name_en")?)
        .bind(int(d, "sort_order")?)
        .fetch_one(&mut *conn)
        .await?;
        x.divisions.insert(code, row.try_get(0)?);
    }
    Ok(())
}

// ---- members ---------------------------------------------------------------------------

async fn export_members(conn: &mut AnyConnection, x: &ExportCtx) -> Result<Value> {
    let rows = sqlx::query(
        "SELECT u.username, u.display_name, u.email, u.password_hash, u.totp_secret, u.totp_enabled, \
         u.disabled, u.lang, m.role, d.code AS division, m.created_at \
         FROM memberships m JOIN users u ON u.id = m.user_id \
         LEFT JOIN divisions d ON d.id = m.division_id AND d.org_id = m.org_id \
         WHERE m.org_id = $1 ORDER BY u.username",
    )
    .bind(x.org_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut out = Vec::new();
    for r in rows {
        out.push(json!({
            "username": r.try_get::<String, _>("username")?,
            "display_name": r.try_get::<String, _>("display_name")?,
            "email": r.try_get::<String, _>("email")?,
            "password_hash": r.try_get::<String, _>("password_hash")?,
            "totp_secret": r.try_get::<Option<String>, _>("totp_secret")?,
            "totp_enabled": r.try_get::<i64, _>("totp_enabled")? != 0,
            "disabled": r.try_get::<i64, _>("disabled")? != 0,
            "lang": r.try_get::<String, _>("lang")?,
            "role": r.try_get::<String, _>("role")?,
            "division": r.try_get::<Option<String>, _>("division")?,
            "member_since": r.try_get::<i64, _>("created_at")?,
        }));
    }
    Ok(Value::Array(out))
}

async fn import_members(conn: &mut AnyConnection, x: &mut ImportCtx, v: &Value) -> Result<()> {
    for m in list(v)? {
        let username = text(m, "username")?;
        if !crate::users::valid_username(&username) {
            return Err(bad(format!("user name {username:?} is not valid")));
        }
        let role: Role = text(m, "role")?.parse().map_err(bad)?;
        let division = match opt_text(m, "division")? {
            Some(code) => Some(*x.divisions.get(&code).ok_or_else(|| {
                bad(format!(
                    "member {username} is in division {code}, which is not in the export"
                ))
            })?),
            None => None,
        };
        let display_name = text(m, "display_name")?;
        let email = text(m, "email")?;
        let password_hash = text(m, "password_hash")?;
        let user_id = match crate::users::by_username(conn, &username).await? {
            Some(existing) => {
                if existing.password_hash != password_hash
                    || existing.display_name != display_name
                    || existing.email != email
                {
                    return Err(StoreError::Conflict(format!(
                        "account {username}: this installation already has a different account with that \
                         user name (display name, e-mail or password differ); rename one of them first"
                    )));
                }
                existing.id
            }
            None => {
                let row = sqlx::query(
                    "INSERT INTO users (username, display_name, email, password_hash, totp_secret, totp_enabled, \
                     disabled, lang, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
                )
                .bind(&username)
                .bind(&display_name)
                .bind(&email)
                .bind(&password_hash)
                .bind(opt_text(m, "totp_secret")?)
                .bind(i64::from(flag(m, "totp_enabled")?))
                .bind(i64::from(flag(m, "disabled")?))
                .bind(text(m, "lang")?)
                .bind(crate::now_ms())
                .fetch_one(&mut *conn)
                .await?;
                row.try_get(0)?
            }
        };
        if x.users.insert(username.clone(), user_id).is_some() {
            return Err(bad(format!("member {username} appears twice")));
        }
        sqlx::query(
            "INSERT INTO memberships (org_id, user_id, role, division_id, created_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(x.org_id)
        .bind(user_id)
        .bind(role.code())
        .bind(division)
        .bind(int(m, "member_since")?)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

// ---- division heads (after members, since heads are members) ---------------------------

async fn export_heads(conn: &mut AnyConnection, x: &ExportCtx) -> Result<Value> {
    let mut out = Map::new();
    for d in orgs::divisions(conn, x.org_id).await? {
        if let Some(u) = member_username(conn, x.org_id, d.head_user_id).await? {
            out.insert(d.code, Value::from(u));
        }
    }
    Ok(Value::Object(out))
}

async fn import_heads(conn: &mut AnyConnection, x: &mut ImportCtx, v: &Value) -> Result<()> {
    let Some(heads) = v.as_object() else {
        // An empty list stands for "no section".
        return if v.as_array().is_some_and(Vec::is_empty) {
            Ok(())
        } else {
            Err(bad("must be an object"))
        };
    };
    for (code, user) in heads {
        let div = x
            .divisions
            .get(code)
            .ok_or_else(|| bad(format!("unknown division {code}")))?;
        let username = user
            .as_str()
            .ok_or_else(|| bad(format!("head of {code} must be a user name")))?;
        let uid = x
            .users
            .get(username)
            .ok_or_else(|| bad(format!("head of {code}, {username}, is not a member")))?;
        sqlx::query("UPDATE divisions SET head_user_id = $1 WHERE org_id = $2 AND id = $3")
            .bind(uid)
            .bind(x.org_id)
            .bind(div)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

// ---- files -----------------------------------------------------------------------------

async fn export_files(conn: &mut AnyConnection, x: &ExportCtx) -> Result<Value> {
    let mut out = Vec::new();
    for f in files::list_for_org(conn, x.org_id).await? {
        let blobs = x.blobs.clone();
        let key = f.storage_key.clone();
        let bytes = tokio::task::spawn_blocking(move || blobs.get(&key))
            .await
            .map_err(|e| StoreError::Io(std::io::Error::other(e)))??;
        out.push(json!({
            "original_name": f.original_name,
            "content_type": f.content_type,
            "size_bytes": f.size_bytes,
            "sha256": f.sha256,
            "uploaded_by": member_username(conn, x.org_id, f.uploaded_by).await?,
            "created_at": f.created_at,
            "content_base64": BASE64.encode(&bytes),
        }));
    }
    Ok(Value::Array(out))
}

async fn import_files(conn: &mut AnyConnection, x: &mut ImportCtx, v: &Value) -> Result<()> {
    for f in list(v)? {
        let name = text(f, "original_name")?;
        let bytes = BASE64
            .decode(text(f, "content_base64")?.as_bytes())
            .map_err(|_| bad(format!("file {name}: content is not base64")))?;
        if files::sha256_hex(&bytes) != text(f, "sha256")?
            || bytes.len() as i64 != int(f, "size_bytes")?
        {
            return Err(bad(format!(
                "file {name}: content does not match its size and SHA-256"
            )));
        }
        let uploader = match opt_text(f, "uploaded_by")? {
            Some(u) => Some(
                *x.users
                    .get(&u)
                    .ok_or_else(|| bad(format!("file {name}: uploader {u} is not a member")))?,
            ),
            None => None,
        };
        let key = files::new_key(x.org_id);
        let blobs = x.blobs.clone();
        let (k2, b2) = (key.clone(), bytes.clone());
        tokio::task::spawn_blocking(move || blobs.put(&k2, &b2))
            .await
            .map_err(|e| StoreError::Io(std::io::Error::other(e)))??;
        x.written_blobs.push(key.clone());
        files::insert_meta(
            conn,
            x.org_id,
            &key,
            &name,
            &text(f, "content_type")?,
            &bytes,
            uploader,
            int(f, "created_at")?,
        )
        .await?;
    }
    Ok(())
}

// ---- API keys --------------------------------------------------------------------------

async fn export_api_keys(conn: &mut AnyConnection, x: &ExportCtx) -> Result<Value> {
    let rows: Vec<(String, String, i64, i64)> = sqlx::query_as(
        "SELECT name, key_hash, created_at, revoked FROM api_keys WHERE org_id = $1 ORDER BY created_at, key_hash",
    )
    .bind(x.org_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(Value::Array(
        rows.into_iter()
            .map(|(name, key_hash, created_at, revoked)| {
                json!({"name": name, "key_hash": key_hash, "created_at": created_at, "revoked": revoked != 0})
            })
            .collect(),
    ))
}

async fn import_api_keys(conn: &mut AnyConnection, x: &mut ImportCtx, v: &Value) -> Result<()> {
    for k in list(v)? {
        let res = sqlx::query("INSERT INTO api_keys (org_id, name, key_hash, created_at, revoked) VALUES ($1, $2, $3, $4, $5)")
            .bind(x.org_id)
            .bind(text(k, "name")?)
            .bind(text(k, "key_hash")?)
            .bind(int(k, "created_at")?)
            .bind(i64::from(flag(k, "revoked")?))
            .execute(&mut *conn)
            .await;
        match res {
            Ok(_) => {}
            Err(sqlx::Error::Database(d)) if d.is_unique_violation() => {
                return Err(StoreError::Conflict(format!(
                    "API key {:?} (this installation already has a key with the same hash)",
                    text(k, "name")?
                )));
            }
            Err(e) => return Err(e.into()),
        }
    }
    Ok(())
}

// ---- audit trail -----------------------------------------------------------------------

async fn export_audit(conn: &mut AnyConnection, x: &ExportCtx) -> Result<Value> {
    let rows = sqlx::query(
        "SELECT at_ms, actor, action, entity, entity_id, before_json, after_json FROM audit_log \
         WHERE org_id = $1 ORDER BY seq",
    )
    .bind(x.org_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut out = Vec::new();
    for r in rows {
        out.push(json!({
            "at_ms": r.try_get::<i64, _>("at_ms")?,
            "actor": r.try_get::<String, _>("actor")?,
            "action": r.try_get::<String, _>("action")?,
            "entity": r.try_get::<String, _>("entity")?,
            "entity_id": r.try_get::<String, _>("entity_id")?,
            "before": r.try_get::<String, _>("before_json")?,
            "after": r.try_get::<String, _>("after_json")?,
        }));
    }
    Ok(Value::Array(out))
}

async fn import_audit(conn: &mut AnyConnection, x: &mut ImportCtx, v: &Value) -> Result<()> {
    for e in list(v)? {
        let label = text(e, "actor")?;
        let actor = Actor {
            id: x.users.get(&label).copied().unwrap_or(0),
            label,
        };
        audit::record_at(
            conn,
            &x.audit_key,
            x.org_id,
            &actor,
            Change {
                action: &text(e, "action")?,
                entity: &text(e, "entity")?,
                entity_id: text(e, "entity_id")?,
            },
            text(e, "before")?,
            text(e, "after")?,
            int(e, "at_ms")?,
        )
        .await?;
        x.audit_entries += 1;
    }
    Ok(())
}
