//! One module per subcommand group; [`run`] dispatches.

mod audit;
mod backup;
mod corruption_reports;
pub mod dev;
mod open311_keys;
mod org;
pub mod report;
mod serve;
mod user;

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use prongsai_store::files::{BlobStore, LocalDir};
use prongsai_store::{Db, Keys};

use crate::config::Settings;
use crate::error::{CliError, Result};
use crate::{Cli, Command, DbCommand};

/// What every command that touches data needs.
pub struct Ctx {
    pub settings: Settings,
}

impl Ctx {
    /// Connects and brings the schema up to date.
    pub async fn db(&self) -> Result<Db> {
        std::fs::create_dir_all(&self.settings.data_dir)?;
        Ok(Db::connect(&self.settings.database_url).await?)
    }

    pub fn keys(&self) -> Result<Keys> {
        std::fs::create_dir_all(&self.settings.data_dir)?;
        Ok(Keys::load(&self.settings.data_dir)?)
    }

    pub fn blobs(&self) -> Result<Arc<dyn BlobStore>> {
        Ok(Arc::new(LocalDir::new(self.settings.files_dir())?))
    }
}

fn data_dir(cli_value: Option<PathBuf>) -> PathBuf {
    cli_value.unwrap_or_else(|| PathBuf::from("./data"))
}

pub async fn run(cli: Cli) -> Result<ExitCode> {
    // `serve --demo` without a data directory runs in a fresh temporary one.
    let demo_fresh = matches!(&cli.command, Command::Serve(a) if a.demo) && cli.data_dir.is_none();
    let dir = if demo_fresh {
        crate::demo::fresh_data_dir()?
    } else {
        data_dir(cli.data_dir)
    };
    let settings = Settings::resolve(dir, cli.database, cli.config.as_deref())?;
    let ctx = Ctx { settings };
    match cli.command {
        Command::Serve(args) => serve::run(&ctx, args).await,
        Command::Db(DbCommand::Migrate) => {
            let db = Db::connect_without_migrating(&ctx.settings.database_url).await?;
            let applied = db.migrate().await?;
            if applied.is_empty() {
                println!(
                    "database is up to date (schema version {})",
                    Db::latest_version()
                );
            } else {
                println!(
                    "applied migrations {applied:?}; schema version {}",
                    Db::latest_version()
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Org(c) => org::run(&ctx, c).await,
        Command::User(c) => user::run(&ctx, c).await,
        Command::Audit(c) => audit::run(&ctx, c).await,
        Command::Plan(c) => crate::plan_cmd::run(&ctx, c).await,
        Command::Report(c) => report::run(&ctx, c).await,
        Command::Integrity(c) => corruption_reports::run(&ctx, c).await,
        Command::Dev(c) => dev::run(&ctx, c).await,
        Command::Backup { out } => backup::backup(&ctx, &out).await,
        Command::Restore { file } => backup::restore(&ctx, &file).await,
    }
}

/// Looks an organization up by slug, with a clear error.
pub async fn org_by_slug(
    conn: &mut sqlx::AnyConnection,
    slug: &str,
) -> Result<prongsai_store::orgs::Organization> {
    prongsai_store::orgs::by_slug(conn, slug)
        .await?
        .ok_or_else(|| {
            CliError::usage(format!(
                "no organization with slug {slug:?} (see `prongsai org list`)"
            ))
        })
}

pub use user::generate_password;

/// A short random lowercase suffix for names.
pub fn random_suffix() -> String {
    use rand::Rng;
    let mut r = rand::thread_rng();
    (0..10)
        .map(|_| char::from(b'a' + r.gen_range(0..26u8)))
        .collect()
}
