//! Online backups of a whole installation, and restoring them into an empty database
//! (on either backend: a SQLite backup restores into PostgreSQL and back).
//!
//! A backup is a zip file:
//! - `manifest.json`: format and schema version, the source backend, when, and every
//!   table with its row count ([`Manifest`]);
//! - `tables/<table>.jsonl`: every row of every table, one JSON object per line;
//!   integers and floats as numbers, text as strings, bytes as `{"b64": "…"}`;
//! - `files/<key>`: the bytes of every file the `files` table (and the sealed evidence
//!   of `corruption_report_files`) refers to.
//!
//! All rows are read inside one read transaction (REPEATABLE READ on PostgreSQL; on
//! SQLite in WAL mode a read transaction is a snapshot), so the backup is consistent
//! while the server keeps writing. Blobs are immutable, so copying them after the
//! transaction is safe. Tables are found by reading the schema, so tables added by later
//! migrations are included without changing this module.
//!
//! Restoring reads a zip someone handed us, so it trusts nothing: entry names are
//! checked (no paths outside `tables/` and `files/`, file keys as [`valid_key`]), and
//! every entry is read through a size cap rather than its declared size.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use data_encoding::BASE64;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use sqlx::any::{AnyRow, AnyTypeInfoKind};
use sqlx::{AnyConnection, Row, ValueRef as _};

use crate::db::{Backend, Db};
use crate::error::{Result, StoreError};
use crate::files::{BlobStore, valid_key};
use crate::schema::{self, Column, ColumnKind, MIGRATIONS_TABLE};

/// What the manifest's `format` says.
pub const FORMAT: &str = "prongsai-backup";
/// Bumped when the layout of the zip changes.
pub const FORMAT_VERSION: i64 = 1;

const MAX_MANIFEST_BYTES: u64 = 1 << 20;
const MAX_TABLE_BYTES: u64 = 16 << 30;
const MAX_LINE_BYTES: u64 = 256 << 20;
const MAX_FILE_BYTES: u64 = 2 << 30;
const MAX_ENTRIES: usize = 10_000_000;
const PAGE_ROWS: i64 = 2000;
const BATCH_ROWS: usize = 500;

/// The table of contents of a backup.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    pub format_version: i64,
    /// The last migration applied to the database the backup came from.
    pub schema_version: i64,
    /// `sqlite` or `postgres`.
    pub backend: String,
    /// Milliseconds since the epoch, UTC.
    pub created_at: i64,
    pub tables: Vec<TableCount>,
    /// How many files (blobs) the backup holds.
    pub files: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableCount {
    pub name: String,
    pub rows: u64,
}

/// Told how a long operation advances (the CLI draws a progress bar from it).
pub trait Progress: Send + Sync {
    /// A stage begins with `total` steps (rows, files).
    fn stage(&self, _name: &str, _total: u64) {}
    fn advance(&self, _n: u64) {}
    fn finish(&self) {}
}

/// No progress reports.
#[derive(Debug, Clone, Copy, Default)]
pub struct Quiet;
impl Progress for Quiet {}

/// One row: column name → value.
pub type JsonRow = Map<String, Value>;

fn bad(msg: impl Into<String>) -> StoreError {
    StoreError::Invalid(msg.into())
}

fn zip_err(e: zip::result::ZipError) -> StoreError {
    match e {
        zip::result::ZipError::Io(e) => StoreError::Io(e),
        other => bad(format!("not a readable backup zip: {other}")),
    }
}

fn quote(ident: &str) -> String {
    format!("\"{}\"", ident.replace('"', "\"\""))
}

/// Decodes one column of a row by the kind of value the driver reports.
fn value_at(row: &AnyRow, i: usize) -> Result<Value> {
    let kind = {
        let raw = row.try_get_raw(i)?;
        if raw.is_null() {
            return Ok(Value::Null);
        }
        raw.type_info().kind()
    };
    Ok(match kind {
        AnyTypeInfoKind::Null => Value::Null,
        AnyTypeInfoKind::Bool => Value::from(i64::from(row.try_get::<bool, _>(i)?)),
        AnyTypeInfoKind::SmallInt => Value::from(row.try_get::<i16, _>(i)?),
        AnyTypeInfoKind::Integer => Value::from(row.try_get::<i32, _>(i)?),
        AnyTypeInfoKind::BigInt => Value::from(row.try_get::<i64, _>(i)?),
        AnyTypeInfoKind::Real => Value::from(f64::from(row.try_get::<f32, _>(i)?)),
        AnyTypeInfoKind::Double => Value::from(row.try_get::<f64, _>(i)?),
        AnyTypeInfoKind::Text => Value::from(row.try_get::<String, _>(i)?),
        AnyTypeInfoKind::Blob => {
            let b: Vec<u8> = row.try_get(i)?;
            let mut m = Map::new();
            m.insert("b64".into(), Value::from(BASE64.encode(&b)));
            Value::Object(m)
        }
    })
}

fn json_row(row: &AnyRow, cols: &[Column]) -> Result<JsonRow> {
    let mut m = Map::new();
    for (i, c) in cols.iter().enumerate() {
        m.insert(c.name.clone(), value_at(row, i)?);
    }
    Ok(m)
}

/// Reads a table a page at a time, in a stable order (by every column).
async fn read_pages(
    conn: &mut AnyConnection,
    table: &str,
    cols: &[Column],
    mut each: impl FnMut(JsonRow) -> Result<()>,
) -> Result<u64> {
    if cols.is_empty() {
        return Ok(0);
    }
    let list = cols
        .iter()
        .map(|c| quote(&c.name))
        .collect::<Vec<_>>()
        .join(", ");
    let order = (1..=cols.len())
        .map(|i| i.to_string())
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "SELECT {list} FROM {} ORDER BY {order} LIMIT $1 OFFSET $2",
        quote(table)
    );
    let mut offset = 0i64;
    let mut n = 0u64;
    loop {
        let rows = sqlx::query(&sql)
            .bind(PAGE_ROWS)
            .bind(offset)
            .fetch_all(&mut *conn)
            .await?;
        let got = rows.len() as i64;
        for r in &rows {
            each(json_row(r, cols)?)?;
            n += 1;
        }
        if got < PAGE_ROWS {
            return Ok(n);
        }
        offset += got;
    }
}

async fn schema_version(conn: &mut AnyConnection) -> Result<i64> {
    let (v,): (i64,) = sqlx::query_as(&format!(
        "SELECT COALESCE(MAX(version), 0) FROM {MIGRATIONS_TABLE}"
    ))
    .fetch_one(&mut *conn)
    .await?;
    Ok(v)
}

/// Tables whose rows name blobs in their `storage_key` column: the blobs go into the
/// backup with them (corruption-report evidence is sealed, so the backup holds only
/// ciphertext for it).
const BLOB_TABLES: &[&str] = &["files", "corruption_report_files"];

async fn data_tables(conn: &mut AnyConnection, backend: Backend) -> Result<Vec<String>> {
    Ok(schema::tables(conn, backend)
        .await?
        .into_iter()
        .filter(|t| t != MIGRATIONS_TABLE)
        .collect())
}

/// Begins a read transaction that sees one snapshot of the whole database.
async fn snapshot_tx(db: &Db) -> Result<crate::db::Tx> {
    let mut tx = db.begin().await?;
    if db.backend == Backend::Postgres {
        sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            .execute(&mut *tx)
            .await?;
    }
    Ok(tx)
}

/// Every row of every table (but the migrations table), read in one snapshot, in a
/// stable order. Two databases with the same content give equal dumps whatever their
/// backend: tests compare them to check a restore.
pub async fn logical_dump(db: &Db) -> Result<BTreeMap<String, Vec<JsonRow>>> {
    let mut tx = snapshot_tx(db).await?;
    let mut out = BTreeMap::new();
    for t in data_tables(&mut tx, db.backend).await? {
        let cols = schema::columns(&mut tx, db.backend, &t).await?;
        let mut rows = Vec::new();
        read_pages(&mut tx, &t, &cols, |r| {
            rows.push(r);
            Ok(())
        })
        .await?;
        out.insert(t, rows);
    }
    tx.rollback().await?;
    Ok(out)
}

/// Writes a consistent backup of the whole installation to `out` (via a temporary file
/// beside it, renamed at the end, so a failed backup leaves nothing half-written).
pub async fn backup(
    db: &Db,
    blobs: &dyn BlobStore,
    out: &Path,
    progress: &dyn Progress,
) -> Result<Manifest> {
    let tmp = partial_path(out);
    let res = backup_into(db, blobs, &tmp, progress).await;
    match res {
        Ok(m) => {
            std::fs::rename(&tmp, out)?;
            progress.finish();
            Ok(m)
        }
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            Err(e)
        }
    }
}

fn partial_path(out: &Path) -> PathBuf {
    let mut name = out
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(".partial");
    out.with_file_name(name)
}

async fn backup_into(
    db: &Db,
    blobs: &dyn BlobStore,
    tmp: &Path,
    progress: &dyn Progress,
) -> Result<Manifest> {
    use zip::write::SimpleFileOptions;
    let opts = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(true);
    let file = std::fs::File::create(tmp)?;
    let mut zip = zip::ZipWriter::new(std::io::BufWriter::new(file));

    let mut tx = snapshot_tx(db).await?;
    let version = schema_version(&mut tx).await?;
    let tables = data_tables(&mut tx, db.backend).await?;
    let mut counts = Vec::new();
    let mut total = 0u64;
    for t in &tables {
        let (n,): (i64,) = sqlx::query_as(&format!("SELECT COUNT(*) FROM {}", quote(t)))
            .fetch_one(&mut *tx)
            .await?;
        total += n.max(0) as u64;
    }
    progress.stage("rows", total);
    let mut keys = Vec::new();
    for t in &tables {
        let cols = schema::columns(&mut tx, db.backend, t).await?;
        zip.start_file(format!("tables/{t}.jsonl"), opts)
            .map_err(zip_err)?;
        let is_files = BLOB_TABLES.contains(&t.as_str());
        let n = read_pages(&mut tx, t, &cols, |r| {
            if is_files && let Some(Value::String(k)) = r.get("storage_key") {
                keys.push(k.clone());
            }
            serde_json::to_writer(&mut zip, &r).map_err(|e| StoreError::Io(e.into()))?;
            zip.write_all(b"\n")?;
            progress.advance(1);
            Ok(())
        })
        .await?;
        counts.push(TableCount {
            name: t.clone(),
            rows: n,
        });
    }
    // Nothing was written: ending the snapshot either way is the same.
    tx.rollback().await?;

    progress.stage("files", keys.len() as u64);
    keys.sort();
    keys.dedup();
    for k in &keys {
        let bytes = blobs.get(k)?;
        zip.start_file(format!("files/{k}"), opts)
            .map_err(zip_err)?;
        zip.write_all(&bytes)?;
        progress.advance(1);
    }

    let manifest = Manifest {
        format: FORMAT.into(),
        format_version: FORMAT_VERSION,
        schema_version: version,
        backend: db.backend.name().into(),
        created_at: crate::now_ms(),
        tables: counts,
        files: keys.len() as u64,
    };
    zip.start_file("manifest.json", opts).map_err(zip_err)?;
    serde_json::to_writer_pretty(&mut zip, &manifest).map_err(|e| StoreError::Io(e.into()))?;
    let w = zip.finish().map_err(zip_err)?;
    let f = w.into_inner().map_err(|e| StoreError::Io(e.into_error()))?;
    f.sync_all()?;
    Ok(manifest)
}

/// Opens a backup, reads its manifest and checks every entry name. Returns the manifest
/// and the file keys the zip holds.
fn open_and_check(path: &Path) -> Result<(Manifest, Vec<String>)> {
    let f = std::fs::File::open(path)?;
    let mut zip = zip::ZipArchive::new(f).map_err(zip_err)?;
    if zip.len() > MAX_ENTRIES {
        return Err(bad(format!(
            "backup has {} entries; at most {MAX_ENTRIES} are accepted",
            zip.len()
        )));
    }
    let manifest: Manifest = {
        let entry = zip
            .by_name("manifest.json")
            .map_err(|_| bad("not a Prongsai backup: manifest.json is missing"))?;
        let mut buf = Vec::new();
        entry.take(MAX_MANIFEST_BYTES + 1).read_to_end(&mut buf)?;
        if buf.len() as u64 > MAX_MANIFEST_BYTES {
            return Err(bad("manifest.json is too large"));
        }
        serde_json::from_slice(&buf).map_err(|e| bad(format!("manifest.json is not valid: {e}")))?
    };
    if manifest.format != FORMAT {
        return Err(bad(format!(
            "not a Prongsai backup (format {:?})",
            manifest.format
        )));
    }
    if manifest.format_version != FORMAT_VERSION {
        return Err(bad(format!(
            "backup format version {} is not supported (this version reads {FORMAT_VERSION})",
            manifest.format_version
        )));
    }
    let tables: BTreeSet<&str> = manifest.tables.iter().map(|t| t.name.as_str()).collect();
    for t in &tables {
        if !schema_name_ok(t) {
            return Err(bad(format!("backup names a table {t:?} that cannot exist")));
        }
    }
    let mut keys = Vec::new();
    for name in zip.file_names() {
        if name == "manifest.json" {
            continue;
        }
        if let Some(t) = name
            .strip_prefix("tables/")
            .and_then(|r| r.strip_suffix(".jsonl"))
            && tables.contains(t)
        {
            continue;
        }
        if let Some(k) = name.strip_prefix("files/")
            && valid_key(k)
        {
            keys.push(k.to_string());
            continue;
        }
        return Err(bad(format!(
            "unexpected entry {name:?} in backup; refusing it"
        )));
    }
    keys.sort();
    Ok((manifest, keys))
}

fn schema_name_ok(t: &str) -> bool {
    !t.is_empty()
        && t.len() <= 63
        && t.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// What the zip-reading thread tells the inserting side.
enum Msg {
    Rows(String, Vec<JsonRow>),
    File,
}

/// Restores a backup into an empty database and blob store. Refuses a database that
/// holds any row, and a backup made at another schema version. Rows keep their ids.
/// Everything happens in one transaction: on any error nothing is left behind (files
/// already copied are removed again).
pub async fn restore(
    db: &Db,
    blobs: Arc<dyn BlobStore>,
    zip_path: &Path,
    progress: &dyn Progress,
) -> Result<Manifest> {
    let path = zip_path.to_path_buf();
    let (manifest, present_keys) = tokio::task::spawn_blocking(move || open_and_check(&path))
        .await
        .map_err(|e| StoreError::Io(std::io::Error::other(e)))??;

    let mut conn = db.pool.acquire().await?;
    let here = schema_version(&mut conn).await?;
    if here != manifest.schema_version {
        return Err(bad(format!(
            "the backup was made at schema version {}, this database is at version {here}; \
             restore it with the Prongsai version that made it",
            manifest.schema_version
        )));
    }
    let target_tables = data_tables(&mut conn, db.backend).await?;
    for t in &target_tables {
        let (n,): (i64,) = sqlx::query_as(&format!("SELECT COUNT(*) FROM {}", quote(t)))
            .fetch_one(&mut *conn)
            .await?;
        if n > 0 {
            return Err(bad(format!(
                "restore needs an empty database, but table {t} has {n} rows; \
                 restore into a new database (or a new data directory)"
            )));
        }
    }
    let mut columns: BTreeMap<String, Vec<Column>> = BTreeMap::new();
    for t in &manifest.tables {
        if !target_tables.contains(&t.name) {
            return Err(bad(format!(
                "the backup has a table {:?} this database does not have",
                t.name
            )));
        }
        columns.insert(
            t.name.clone(),
            schema::columns(&mut conn, db.backend, &t.name).await?,
        );
    }
    let fks = schema::foreign_keys(&mut conn, db.backend).await?;
    drop(conn);
    let names: Vec<String> = manifest.tables.iter().map(|t| t.name.clone()).collect();
    let order = schema::insert_order(&names, &fks);

    let (tx_msg, mut rx) = tokio::sync::mpsc::channel::<Msg>(4);
    let path = zip_path.to_path_buf();
    let reader_blobs = blobs.clone();
    let reader_order = order.clone();
    let reader = tokio::task::spawn_blocking(move || {
        let mut written = Vec::new();
        let r = read_zip(
            &path,
            &reader_order,
            &present_keys,
            reader_blobs.as_ref(),
            &tx_msg,
            &mut written,
        );
        (r, written)
    });

    let total_rows: u64 = manifest.tables.iter().map(|t| t.rows).sum();
    progress.stage("rows", total_rows);
    let inserted = insert_all(db, &columns, &mut rx, progress, manifest.files).await;
    drop(rx);
    let (read_result, written) = reader
        .await
        .map_err(|e| StoreError::Io(std::io::Error::other(e)))?;
    let outcome = match (inserted, read_result) {
        (Err(e), _) => Err(e),
        (Ok(_), Err(e)) => Err(e),
        (Ok((tx, referenced)), Ok(())) => {
            let have: BTreeSet<&String> = written.iter().collect();
            match referenced.iter().find(|k| !have.contains(k)) {
                Some(k) => Err(bad(format!("the backup lacks the bytes of file {k}"))),
                None => tx.commit().await.map_err(StoreError::from),
            }
        }
    };
    match outcome {
        Ok(()) => {
            progress.finish();
            Ok(manifest)
        }
        Err(e) => {
            for k in &written {
                let _ = blobs.delete(k);
            }
            Err(e)
        }
    }
}

/// The blocking half of a restore: streams table rows in insert order, then copies the
/// files into the blob store. Stops quietly when the inserting side hangs up.
fn read_zip(
    path: &Path,
    order: &[String],
    keys: &[String],
    blobs: &dyn BlobStore,
    tx: &tokio::sync::mpsc::Sender<Msg>,
    written: &mut Vec<String>,
) -> Result<()> {
    let f = std::fs::File::open(path)?;
    let mut zip = zip::ZipArchive::new(f).map_err(zip_err)?;
    for t in order {
        let entry = zip
            .by_name(&format!("tables/{t}.jsonl"))
            .map_err(|_| bad(format!("the backup lacks tables/{t}.jsonl")))?;
        let mut reader = BufReader::new(entry.take(MAX_TABLE_BYTES));
        let mut batch = Vec::new();
        let mut line = Vec::new();
        let mut line_no = 0u64;
        loop {
            line.clear();
            let n = (&mut reader)
                .take(MAX_LINE_BYTES + 1)
                .read_until(b'\n', &mut line)?;
            if n == 0 {
                break;
            }
            line_no += 1;
            if n as u64 > MAX_LINE_BYTES {
                return Err(bad(format!("tables/{t}.jsonl line {line_no} is too long")));
            }
            if line.iter().all(|b| b.is_ascii_whitespace()) {
                continue;
            }
            let row: JsonRow = serde_json::from_slice(&line)
                .map_err(|e| bad(format!("tables/{t}.jsonl line {line_no}: {e}")))?;
            batch.push(row);
            if batch.len() >= BATCH_ROWS
                && tx
                    .blocking_send(Msg::Rows(t.clone(), std::mem::take(&mut batch)))
                    .is_err()
            {
                return Ok(());
            }
        }
        if !batch.is_empty() && tx.blocking_send(Msg::Rows(t.clone(), batch)).is_err() {
            return Ok(());
        }
    }
    for k in keys {
        let mut entry = zip.by_name(&format!("files/{k}")).map_err(zip_err)?;
        let mut bytes = Vec::new();
        (&mut entry)
            .take(MAX_FILE_BYTES + 1)
            .read_to_end(&mut bytes)?;
        if bytes.len() as u64 > MAX_FILE_BYTES {
            return Err(bad(format!(
                "file {k} in the backup is larger than {MAX_FILE_BYTES} bytes"
            )));
        }
        blobs.put(k, &bytes)?;
        written.push(k.clone());
        if tx.blocking_send(Msg::File).is_err() {
            return Ok(());
        }
    }
    Ok(())
}

/// The async half of a restore: inserts the rows it is sent inside one transaction,
/// then moves PostgreSQL's identity sequences past the restored ids. Returns the open
/// transaction (committed by the caller once the files are in) and the file keys the
/// `files` rows refer to.
async fn insert_all(
    db: &Db,
    columns: &BTreeMap<String, Vec<Column>>,
    rx: &mut tokio::sync::mpsc::Receiver<Msg>,
    progress: &dyn Progress,
    files: u64,
) -> Result<(crate::db::Tx, Vec<String>)> {
    let mut tx = db.begin().await?;
    if db.backend == Backend::Sqlite {
        sqlx::query("PRAGMA defer_foreign_keys = ON")
            .execute(&mut *tx)
            .await?;
    }
    let mut referenced = Vec::new();
    let mut files_stage = false;
    while let Some(msg) = rx.recv().await {
        match msg {
            Msg::Rows(table, rows) => {
                let cols = columns
                    .get(&table)
                    .ok_or_else(|| bad(format!("unknown table {table}")))?;
                for row in rows {
                    if BLOB_TABLES.contains(&table.as_str())
                        && let Some(Value::String(k)) = row.get("storage_key")
                    {
                        referenced.push(k.clone());
                    }
                    insert_row(&mut tx, &table, cols, row).await?;
                    progress.advance(1);
                }
            }
            Msg::File => {
                if !files_stage {
                    progress.stage("files", files);
                    files_stage = true;
                }
                progress.advance(1);
            }
        }
    }
    if db.backend == Backend::Postgres {
        for (table, cols) in columns {
            if cols
                .iter()
                .any(|c| c.name == "id" && c.kind == ColumnKind::Int)
            {
                let t = quote(table);
                sqlx::query(&format!(
                    "SELECT setval(pg_get_serial_sequence($1, 'id'), m) FROM (SELECT MAX(id) AS m FROM {t}) s \
                     WHERE m IS NOT NULL AND pg_get_serial_sequence($1, 'id') IS NOT NULL"
                ))
                .bind(table)
                .execute(&mut *tx)
                .await?;
            }
        }
    }
    Ok((tx, referenced))
}

async fn insert_row(
    tx: &mut crate::db::Tx,
    table: &str,
    cols: &[Column],
    row: JsonRow,
) -> Result<()> {
    let mut names = Vec::with_capacity(row.len());
    let mut values = Vec::with_capacity(row.len());
    for (name, v) in row {
        let col = cols
            .iter()
            .find(|c| c.name == name)
            .ok_or_else(|| bad(format!("table {table} has no column {name:?}")))?;
        names.push(quote(&name));
        values.push((col.kind, name, v));
    }
    let params = (1..=names.len())
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "INSERT INTO {} ({}) VALUES ({params})",
        quote(table),
        names.join(", ")
    );
    let mut q = sqlx::query(&sql);
    for (kind, name, v) in values {
        let wrong = || {
            bad(format!(
                "table {table}, column {name}: unexpected value {v}"
            ))
        };
        q = match kind {
            ColumnKind::Int => q.bind(match &v {
                Value::Null => None,
                Value::Bool(b) => Some(i64::from(*b)),
                Value::Number(n) => Some(n.as_i64().ok_or_else(wrong)?),
                _ => return Err(wrong()),
            }),
            // sqlx's Any driver sends a NULL f64 to PostgreSQL as a float4, and the
            // cached statement then refuses the next row's f64; a NULL f32 goes as a float8.
            ColumnKind::Float if v.is_null() => q.bind(Option::<f32>::None),
            ColumnKind::Float => q.bind(match &v {
                Value::Number(n) => n.as_f64().ok_or_else(wrong)?,
                _ => return Err(wrong()),
            }),
            ColumnKind::Text => q.bind(match &v {
                Value::Null => None,
                Value::String(s) => Some(s.clone()),
                _ => return Err(wrong()),
            }),
            ColumnKind::Blob => q.bind(match &v {
                Value::Null => None,
                Value::Object(m) => match m.get("b64") {
                    Some(Value::String(s)) => {
                        Some(BASE64.decode(s.as_bytes()).map_err(|_| wrong())?)
                    }
                    _ => return Err(wrong()),
                },
                _ => return Err(wrong()),
            }),
        };
    }
    q.execute(&mut **tx).await?;
    Ok(())
}
