//! `prongsai serve`: the web server (and the demonstration set-up with `--demo`).

use std::process::ExitCode;

use prongsai_web::{AppState, WebConfig};
use tracing::info;

use super::Ctx;
use crate::ServeArgs;
use crate::config::DEFAULT_LISTEN;
use crate::error::{CliError, Result};

pub async fn run(ctx: &Ctx, args: ServeArgs) -> Result<ExitCode> {
    let listen = args
        .listen
        .or_else(|| ctx.settings.file.listen.clone())
        .unwrap_or_else(|| DEFAULT_LISTEN.to_string());
    let behind_tls = args.behind_tls || ctx.settings.file.behind_tls.unwrap_or(false);
    let keys = ctx.keys()?;
    let db = ctx.db().await?;
    let blobs = ctx.blobs()?;
    let listener = tokio::net::TcpListener::bind(&listen)
        .await
        .map_err(|e| CliError::usage(format!("cannot listen on {listen}: {e}")))?;
    let addr = listener.local_addr()?;
    if args.demo {
        crate::demo::set_up(
            &db,
            &keys,
            &ctx.settings.data_dir,
            &format!("http://{addr}"),
            behind_tls,
        )
        .await?;
    }
    info!(%addr, backend = db.backend.name(), data_dir = %ctx.settings.data_dir.display(), "serving");
    println!("Prongsai is listening on http://{addr}");
    // Spelled with `..` so that settings the web layer adds later keep their defaults.
    #[allow(clippy::needless_update)]
    let config = WebConfig {
        behind_tls,
        smtp_url: std::env::var("PRONGSAI_SMTP_URL")
            .ok()
            .filter(|s| !s.is_empty()),
        mail_from: std::env::var("PRONGSAI_MAIL_FROM")
            .ok()
            .filter(|s| !s.is_empty()),
        ocid_prefix: std::env::var("PRONGSAI_OCID_PREFIX")
            .ok()
            .filter(|s| !s.is_empty()),
        public_url: std::env::var("PRONGSAI_PUBLIC_URL")
            .ok()
            .filter(|s| !s.is_empty()),
        ..WebConfig::default()
    };
    let state = AppState::new(db, keys, blobs, config);
    prongsai_web::serve(state, listener).await?;
    Ok(ExitCode::SUCCESS)
}
