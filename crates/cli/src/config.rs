//! Where things are: flags and environment variables win over the settings file
//! (`--config FILE`, or `<data-dir>/prongsai.toml` when present), which wins over the
//! defaults.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::{CliError, Result};

/// The settings file. Every field is optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    /// Database URL (as `--database`).
    pub database_url: Option<String>,
    /// Address to listen on (as `serve --listen`).
    pub listen: Option<String>,
    /// As `serve --behind-tls`.
    pub behind_tls: Option<bool>,
}

/// The settings in effect.
#[derive(Debug)]
pub struct Settings {
    pub data_dir: PathBuf,
    pub database_url: String,
    pub file: FileConfig,
}

pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";

impl Settings {
    pub fn resolve(
        data_dir: PathBuf,
        database: Option<String>,
        config: Option<&Path>,
    ) -> Result<Settings> {
        let file = match config {
            Some(p) => read_config(p)?,
            None => {
                let p = data_dir.join("prongsai.toml");
                if p.exists() {
                    read_config(&p)?
                } else {
                    FileConfig::default()
                }
            }
        };
        let database_url = database
            .or_else(|| file.database_url.clone())
            .unwrap_or_else(|| format!("sqlite://{}", data_dir.join("prongsai.sqlite").display()));
        Ok(Settings {
            data_dir,
            database_url,
            file,
        })
    }

    pub fn files_dir(&self) -> PathBuf {
        self.data_dir.join("files")
    }
}

fn read_config(path: &Path) -> Result<FileConfig> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        CliError::usage(format!("cannot read settings file {}: {e}", path.display()))
    })?;
    toml::from_str(&text)
        .map_err(|e| CliError::usage(format!("settings file {}: {e}", path.display())))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn flags_win_over_the_file_which_wins_over_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path().to_path_buf();
        let s = Settings::resolve(d.clone(), None, None).unwrap();
        assert_eq!(
            s.database_url,
            format!("sqlite://{}/prongsai.sqlite", d.display())
        );
        std::fs::write(
            d.join("prongsai.toml"),
            "database_url = \"postgres://x/y\"\nlisten = \"0.0.0.0:80\"\n",
        )
        .unwrap();
        let s = Settings::resolve(d.clone(), None, None).unwrap();
        assert_eq!(s.database_url, "postgres://x/y");
        assert_eq!(s.file.listen.as_deref(), Some("0.0.0.0:80"));
        let s = Settings::resolve(d.clone(), Some("sqlite://z".into()), None).unwrap();
        assert_eq!(s.database_url, "sqlite://z");
        std::fs::write(d.join("bad.toml"), "nonsense = 1\n").unwrap();
        assert!(Settings::resolve(d.clone(), None, Some(&d.join("bad.toml"))).is_err());
    }
}
