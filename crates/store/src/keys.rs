//! Secret keys kept outside the database: the audit-chain key, the cookie/CSRF key and
//! the key that encrypts whistleblowers' identities. Each is 32 random bytes, read from
//! an environment variable (hex) when set — so that several server processes share
//! them — or else from `<data-dir>/keys/<name>.key`, created on first start with
//! owner-only permissions.

use data_encoding::HEXLOWER_PERMISSIVE;
use rand::RngCore;
use std::path::Path;

use crate::error::{Result, StoreError};

#[derive(Clone)]
pub struct Keys {
    pub audit: Vec<u8>,
    pub cookie: Vec<u8>,
    pub reports: Vec<u8>,
}

impl std::fmt::Debug for Keys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Keys { <redacted> }")
    }
}

impl Keys {
    /// Loads (or creates) the keys for a data directory.
    pub fn load(data_dir: &Path) -> Result<Keys> {
        let dir = data_dir.join("keys");
        Ok(Keys {
            audit: load_one(&dir, "audit", "PRONGSAI_AUDIT_KEY")?,
            cookie: load_one(&dir, "cookie", "PRONGSAI_COOKIE_KEY")?,
            reports: load_one(&dir, "reports", "PRONGSAI_REPORTS_KEY")?,
        })
    }

    /// Fixed keys for tests.
    pub fn for_tests() -> Keys {
        Keys {
            audit: vec![1; 32],
            cookie: vec![2; 32],
            reports: vec![3; 32],
        }
    }
}

fn load_one(dir: &Path, name: &str, env: &str) -> Result<Vec<u8>> {
    if let Ok(hex) = std::env::var(env) {
        let k = HEXLOWER_PERMISSIVE
            .decode(hex.trim().as_bytes())
            .map_err(|_| StoreError::Invalid(format!("{env} must be hex")))?;
        if k.len() < 32 {
            return Err(StoreError::Invalid(format!(
                "{env} must hold at least 32 bytes (64 hex digits)"
            )));
        }
        return Ok(k);
    }
    let path = dir.join(format!("{name}.key"));
    match std::fs::read_to_string(&path) {
        Ok(s) => HEXLOWER_PERMISSIVE
            .decode(s.trim().as_bytes())
            .map_err(|_| StoreError::Invalid(format!("{} is not a hex key", path.display()))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            std::fs::create_dir_all(dir)?;
            let mut k = vec![0u8; 32];
            rand::rngs::OsRng.fill_bytes(&mut k);
            write_private(&path, data_encoding::HEXLOWER.encode(&k).as_bytes())?;
            Ok(k)
        }
        Err(e) => Err(e.into()),
    }
}

fn write_private(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(path)?;
    f.write_all(bytes)?;
    f.sync_all()?;
    Ok(())
}
