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
                && seg
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'))
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
        assert!(s.put("org-1/a.pdf", b"again").is_err(), "blobs are immutable");
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
