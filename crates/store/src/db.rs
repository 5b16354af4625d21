//! Connecting to SQLite or PostgreSQL, picked from the URL, and applying migrations.

use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::{AnyPool, Executor};
use std::time::Duration;
use tracing::info;

use crate::error::{Result, StoreError};

/// A transaction on either backend.
pub type Tx = sqlx::Transaction<'static, sqlx::Any>;

/// Which database engine an installation runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// Picks the backend from a database URL, with a clear error for anything else.
    pub fn from_url(url: &str) -> Result<Backend> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Backend::Postgres)
        } else {
            Err(StoreError::Unsupported(format!(
                "database URL must start with sqlite: or postgres:// (got {:?})",
                url.split(':').next().unwrap_or_default()
            )))
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// The database handle shared by the whole process. Cheap to clone.
#[derive(Clone)]
pub struct Db {
    pub pool: AnyPool,
    pub backend: Backend,
}

impl std::fmt::Debug for Db {
    // The URL may hold a password: never print it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Db")
            .field("backend", &self.backend)
            .finish()
    }
}

/// A migration: its number, name, and SQL written once for both backends with the
/// placeholders `{id}` (an auto-increment primary key) and `{blob}` (bytes).
struct Migration {
    version: i64,
    name: &'static str,
    sql: &'static str,
}

const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "foundation",
        sql: include_str!("../migrations/0001_foundation.sql"),
    },
    Migration {
        version: 2,
        name: "plans",
        sql: include_str!("../migrations/0002_plans.sql"),
    },
    Migration {
        version: 3,
        name: "progress",
        sql: include_str!("../migrations/0003_progress.sql"),
    },
    Migration {
        version: 4,
        name: "ita_risks",
        sql: include_str!("../migrations/0004_ita_risks.sql"),
    },
    Migration {
        version: 5,
        name: "complaints",
        sql: include_str!("../migrations/0005_complaints.sql"),
    },
    Migration {
        version: 6,
        name: "corruption_reports",
        sql: include_str!("../migrations/0006_corruption_reports.sql"),
    },
    Migration {
        version: 7,
        name: "disclosure",
        sql: include_str!("../migrations/0007_disclosure.sql"),
    },
    Migration {
        version: 8,
        name: "procurement",
        sql: include_str!("../migrations/0008_procurement.sql"),
    },
    Migration {
        version: 9,
        name: "totp_step",
        sql: include_str!("../migrations/0009_totp_step.sql"),
    },
    Migration {
        version: 15,
        name: "digit_style",
        sql: include_str!("../migrations/0015_digit_style.sql"),
    },
];

impl Db {
    /// Connects, tunes SQLite for a server, and applies pending migrations.
    pub async fn connect(url: &str) -> Result<Db> {
        let db = Self::connect_without_migrating(url).await?;
        db.migrate().await?;
        Ok(db)
    }

    /// Connects without touching the schema (for `db migrate --check` and backups).
    pub async fn connect_without_migrating(url: &str) -> Result<Db> {
        install_default_drivers();
        let backend = Backend::from_url(url)?;
        let url = match backend {
            // Create the file on first use.
            Backend::Sqlite if !url.contains("mode=") => {
                if url.contains('?') {
                    format!("{url}&mode=rwc")
                } else {
                    format!("{url}?mode=rwc")
                }
            }
            _ => url.to_string(),
        };
        let opts = AnyPoolOptions::new()
            .max_connections(match backend {
                Backend::Sqlite => 8,
                Backend::Postgres => 16,
            })
            .acquire_timeout(Duration::from_secs(10));
        let opts = match backend {
            Backend::Sqlite => opts.after_connect(|conn, _| {
                Box::pin(async move {
                    // WAL lets readers run beside the writer; NORMAL sync is durable
                    // across a process crash (the WAL is fsynced at checkpoints).
                    conn.execute("PRAGMA journal_mode = WAL").await?;
                    conn.execute("PRAGMA synchronous = NORMAL").await?;
                    conn.execute("PRAGMA busy_timeout = 10000").await?;
                    conn.execute("PRAGMA foreign_keys = ON").await?;
                    Ok(())
                })
            }),
            Backend::Postgres => opts,
        };
        let pool = opts.connect(&url).await?;
        Ok(Db { pool, backend })
    }

    /// Begins a transaction. On SQLite the first statement of a writing transaction
    /// should be a write, so that two writers never deadlock upgrading a read lock.
    pub async fn begin(&self) -> Result<Tx> {
        Ok(self.pool.begin().await?)
    }

    /// The schema SQL of a migration for this backend.
    fn render(&self, sql: &str) -> String {
        match self.backend {
            Backend::Sqlite => sql
                .replace("{id}", "INTEGER PRIMARY KEY AUTOINCREMENT")
                .replace("{blob}", "BLOB"),
            Backend::Postgres => sql
                .replace(
                    "{id}",
                    "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
                )
                .replace("{blob}", "BYTEA"),
        }
    }

    /// Applies every migration not yet applied, each in its own transaction.
    /// Returns the versions applied.
    pub async fn migrate(&self) -> Result<Vec<i64>> {
        self.pool
            .execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations (\
                 version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)",
            )
            .await?;
        let mut applied = Vec::new();
        for m in MIGRATIONS {
            let done: Option<(i64,)> =
                sqlx::query_as("SELECT version FROM schema_migrations WHERE version = $1")
                    .bind(m.version)
                    .fetch_optional(&self.pool)
                    .await?;
            if done.is_some() {
                continue;
            }
            let mut tx = self.pool.begin().await?;
            for stmt in split_statements(&self.render(m.sql)) {
                tx.execute(stmt.as_str()).await?;
            }
            sqlx::query(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
            )
            .bind(m.version)
            .bind(m.name)
            .bind(crate::now_ms())
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            info!(version = m.version, name = m.name, "applied migration");
            applied.push(m.version);
        }
        Ok(applied)
    }

    /// The latest migration this binary knows.
    pub fn latest_version() -> i64 {
        MIGRATIONS.last().map(|m| m.version).unwrap_or(0)
    }

    /// Whether this database has at least one organization.
    pub async fn is_empty(&self) -> Result<bool> {
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM organizations")
            .fetch_one(&self.pool)
            .await?;
        Ok(n == 0)
    }
}

/// Splits a migration file on `;` at line ends (no procedural code in our migrations),
/// dropping `--` comment lines.
fn split_statements(sql: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    for line in sql.lines() {
        let t = line.trim();
        if t.starts_with("--") || t.is_empty() {
            continue;
        }
        cur.push_str(line);
        cur.push('\n');
        if t.ends_with(';') {
            out.push(std::mem::take(&mut cur));
        }
    }
    if !cur.trim().is_empty() {
        out.push(cur);
    }
    out
}
