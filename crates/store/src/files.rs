//! Uploaded files go through one interface, [`BlobStore`]. The default keeps them in a
//! local directory; an S3-compatible store is the scale-out path (a second
//! implementation of the same trait, e.g. on the `object_store` crate).
//!
//! Blobs are written once and never changed: a new version is a new key. That is what
//! lets a backup copy files while the server keeps running.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::{Result, StoreError};

/// Where uploaded bytes live. Methods block; call them from `spawn_blocking`.
pub trait BlobStore: Send + Sync + std::fmt::Debug {
    /// Stores bytes under a new key. Fails if the key exists (blobs are immutable).
    fn put(&self, key: &str, bytes: &[u8]) -> Result<()>;
    fn get(&self, key: &str) -> Result<Vec<u8>>;
    fn delete(&self, key: &str) -> Result<()>;
    /// Every key, sorted.
    fn list(&self) -> Result<Vec<String>>;
}

/// Files in a local directory, written atomically (temporary file, fsync, rename).
#[derive(Debug, Clone)]
pub struct LocalDir {
    root: PathBuf,
}

impl LocalDir {
    pub fn new(root: impl Into<PathBuf>) -> Result<LocalDir> {
        let root = root.into();
        std::fs::create_dir_all(&root)?;
        Ok(LocalDir { root })
    }

    fn path(&self, key: &str) -> Result<PathBuf> {
        if !valid_key(key) {
            return Err(StoreError::Invalid(format!("bad file key {key:?}")));
        }
        Ok(self.root.join(key))
    }
}

/// Keys are relative paths of `[a-z0-9._-]` segments: no `..`, no absolute paths.
pub fn valid_key(key: &str) -> bool {
    !key.is_empty()
        && key.len() <= 300
        && key.split('/').all(|seg| {
            !seg.is_empty()
                && seg != "."
                && seg != ".."
                && seg.chars().all(|c| {
                    c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-')
                })
        })
}

impl BlobStore for LocalDir {
    fn put(&self, key: &str, bytes: &[u8]) -> Result<()> {
        let path = self.path(key)?;
        if path.exists() {
            return Err(StoreError::Conflict(format!("file {key}")));
        }
        let dir = path.parent().unwrap_or(&self.root);
        std::fs::create_dir_all(dir)?;
        let tmp = dir.join(format!(".tmp-{}", crate::sessions::random_token()));
        {
            let mut f = std::fs::File::create(&tmp)?;
            f.write_all(bytes)?;
            f.sync_all()?;
        }
        std::fs::rename(&tmp, &path)?;
        Ok(())
    }

    fn get(&self, key: &str) -> Result<Vec<u8>> {
        let path = self.path(key)?;
        std::fs::read(&path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => StoreError::NotFound(format!("file {key}")),
            _ => StoreError::Io(e),
        })
    }

    fn delete(&self, key: &str) -> Result<()> {
        let path = self.path(key)?;
        match std::fs::remove_file(path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(e.into()),
        }
    }

    fn list(&self) -> Result<Vec<String>> {
        let mut out = Vec::new();
        walk(&self.root, &self.root, &mut out)?;
        out.sort();
        Ok(out)
    }
}

fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) -> Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let p = entry.path();
        let name = entry.file_name();
        if name.to_string_lossy().starts_with(".tmp-") {
            continue;
        }
        if entry.file_type()?.is_dir() {
            walk(root, &p, out)?;
        } else if let Ok(rel) = p.strip_prefix(root) {
            out.push(rel.to_string_lossy().replace('\\', "/"));
        }
    }
    Ok(())
}

/// The metadata of an uploaded file (its bytes live in the [`BlobStore`]).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FileMeta {
    pub id: i64,
    pub org_id: i64,
    /// Where the bytes are in the blob store; installation-specific.
    pub storage_key: String,
    pub original_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    /// Hex SHA-256 of the bytes.
    pub sha256: String,
    pub uploaded_by: Option<i64>,
    pub created_at: i64,
}

/// A fresh, unguessable blob key for an organization's file: `org-<id>/<32 hex>`.
pub fn new_key(org_id: i64) -> String {
    use rand::RngCore;
    let mut b = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut b);
    format!("org-{org_id}/{}", data_encoding::HEXLOWER.encode(&b))
}

/// Hex SHA-256 of some bytes, as stored in `files.sha256`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    data_encoding::HEXLOWER.encode(&sha2::Sha256::digest(bytes))
}

const FILE_COLS: &str = "id, org_id, storage_key, original_name, content_type, size_bytes, sha256, uploaded_by, created_at";

fn file_from_row(r: &sqlx::any::AnyRow) -> Result<FileMeta> {
    use sqlx::Row;
    Ok(FileMeta {
        id: r.try_get("id")?,
        org_id: r.try_get("org_id")?,
        storage_key: r.try_get("storage_key")?,
        original_name: r.try_get("original_name")?,
        content_type: r.try_get("content_type")?,
        size_bytes: r.try_get("size_bytes")?,
        sha256: r.try_get("sha256")?,
        uploaded_by: r.try_get("uploaded_by")?,
        created_at: r.try_get("created_at")?,
    })
}

/// Records a file whose bytes are already in the blob store under `storage_key`.
#[allow(clippy::too_many_arguments)]
pub async fn insert_meta(
    conn: &mut sqlx::AnyConnection,
    org_id: i64,
    storage_key: &str,
    original_name: &str,
    content_type: &str,
    bytes: &[u8],
    uploaded_by: Option<i64>,
    created_at: i64,
) -> Result<FileMeta> {
    if !valid_key(storage_key) {
        return Err(StoreError::Invalid(format!("bad file key {storage_key:?}")));
    }
    let row = sqlx::query(&format!(
        "INSERT INTO files (org_id, storage_key, original_name, content_type, size_bytes, sha256, \
         uploaded_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING {FILE_COLS}"
    ))
    .bind(org_id)
    .bind(storage_key)
    .bind(original_name)
    .bind(content_type)
    .bind(bytes.len() as i64)
    .bind(sha256_hex(bytes))
    .bind(uploaded_by)
    .bind(created_at)
    .fetch_one(&mut *conn)
    .await?;
    file_from_row(&row)
}

/// Stores bytes under a new key and records them, in that order: a failed insert
/// leaves at most an unreferenced blob, never a row without bytes.
pub async fn upload(
    conn: &mut sqlx::AnyConnection,
    blobs: &dyn BlobStore,
    org_id: i64,
    original_name: &str,
    content_type: &str,
    bytes: &[u8],
    uploaded_by: Option<i64>,
) -> Result<FileMeta> {
    let key = new_key(org_id);
    blobs.put(&key, bytes)?;
    match insert_meta(
        conn,
        org_id,
        &key,
        original_name,
        content_type,
        bytes,
        uploaded_by,
        crate::now_ms(),
    )
    .await
    {
        Ok(m) => Ok(m),
        Err(e) => {
            let _ = blobs.delete(&key);
            Err(e)
        }
    }
}

/// One file of an organization.
pub async fn by_id(
    conn: &mut sqlx::AnyConnection,
    org_id: i64,
    id: i64,
) -> Result<Option<FileMeta>> {
    let row = sqlx::query(&format!(
        "SELECT {FILE_COLS} FROM files WHERE org_id = $1 AND id = $2"
    ))
    .bind(org_id)
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    row.as_ref().map(file_from_row).transpose()
}

/// Every file of an organization, oldest first.
pub async fn list_for_org(conn: &mut sqlx::AnyConnection, org_id: i64) -> Result<Vec<FileMeta>> {
    let rows = sqlx::query(&format!(
        "SELECT {FILE_COLS} FROM files WHERE org_id = $1 ORDER BY created_at, sha256, original_name, id"
    ))
    .bind(org_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(file_from_row).collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn put_get_list_delete() {
        let dir = tempfile::tempdir().unwrap();
        let s = LocalDir::new(dir.path()).unwrap();
        s.put("org-1/a.pdf", b"hello").unwrap();
        assert_eq!(s.get("org-1/a.pdf").unwrap(), b"hello");
        assert!(
            s.put("org-1/a.pdf", b"again").is_err(),
            "blobs are immutable"
        );
        assert_eq!(s.list().unwrap(), vec!["org-1/a.pdf".to_string()]);
        s.delete("org-1/a.pdf").unwrap();
        assert!(matches!(s.get("org-1/a.pdf"), Err(StoreError::NotFound(_))));
    }

    #[test]
    fn keys_cannot_escape_the_directory() {
        for bad in ["../x", "/etc/passwd", "a//b", "a/../b", "A.pdf", ""] {
            assert!(!valid_key(bad), "{bad:?}");
        }
    }
}
