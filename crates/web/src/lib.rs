//! Prongsai's web layer: server-rendered, Thai-first HTML pages for citizens and staff,
//! and the JSON API under `/api/v1/`. Handlers are thin: parse, call the store and the
//! domain, render.
//!
//! - [`routes`]: every route in one table, including [`routes::STAFF_ROUTES`], the list
//!   the authorization tests and `docs/web.md` are checked against.
//! - [`views`]: HTML pages, one file per page group.
//! - [`api`]: the JSON API.
//! - [`middleware`]: security headers, sessions and the staff extractor, CSRF, language.
//! - [`error`]: the one error type, rendered as a page (or JSON) in the user's language.

pub mod api;
pub mod cache;
pub mod charts;
pub mod complaint_jobs;
pub mod error;
pub mod i18n;
pub mod mail;
pub mod middleware;
pub mod page;
pub mod queries;
pub mod routes;
pub mod totp;
pub mod views;
pub mod whistle;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use prongsai_store::files::BlobStore;
use prongsai_store::{Db, Keys};

pub use error::Error;

/// Settings the web layer needs beyond the database.
#[derive(Debug, Clone, Default)]
pub struct WebConfig {
    /// Set when Prongsai is served over HTTPS (directly or behind a TLS proxy): turns on
    /// HSTS and `Secure` cookies.
    pub behind_tls: bool,
    /// `smtp://host:port` for complaint notices (`PRONGSAI_SMTP_URL`); none: notices
    /// wait in the outbox.
    pub smtp_url: Option<String>,
    /// The sender of notices (`PRONGSAI_MAIL_FROM`).
    pub mail_from: Option<String>,
    /// OCDS `ocid` prefix registered with the Open Contracting Partnership
    /// (`PRONGSAI_OCID_PREFIX`, e.g. `ocds-abc123`); none: `ocds-prongsai` (unregistered,
    /// for tests and demos).
    pub ocid_prefix: Option<String>,
    /// The public base URL (`PRONGSAI_PUBLIC_URL`, e.g. `https://data.example.go.th`) for
    /// absolute links in OCDS and CKAN output; none: taken from the request's Host.
    pub public_url: Option<String>,
}

/// Everything a request handler can reach. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub keys: Arc<Keys>,
    pub blobs: Arc<dyn BlobStore>,
    pub config: Arc<WebConfig>,
    /// Short-lived copies of organizations' public profiles (the public pages' hot path).
    pub(crate) orgs: Arc<cache::OrgCache>,
    /// Public submissions are written through this group commit (one transaction per
    /// batch, each request answered after its batch commits).
    pub writes: prongsai_store::group_commit::GroupCommit,
    /// The corruption-report channel's keys and address rate limits.
    pub(crate) whistle: Arc<whistle::Whistle>,
    /// Visitor counts waiting to be written (see `views::visits`).
    pub(crate) visits: Arc<views::visits::Counter>,
    /// Wakes the complaint mail worker after a commit that queued a notice.
    pub mail_wake: Arc<tokio::sync::Notify>,
}

impl AppState {
    pub fn new(db: Db, keys: Keys, blobs: Arc<dyn BlobStore>, config: WebConfig) -> AppState {
        AppState {
            writes: prongsai_store::group_commit::GroupCommit::new(db.clone()),
            whistle: Arc::new(whistle::Whistle::default()),
            visits: Arc::new(views::visits::Counter::default()),
            db,
            keys: Arc::new(keys),
            blobs,
            config: Arc::new(config),
            orgs: Arc::new(cache::OrgCache::default()),
            mail_wake: Arc::new(tokio::sync::Notify::new()),
        }
    }
}

/// The whole application's routes.
pub fn router(state: AppState) -> Router {
    routes::build(state)
}

/// Serves until Ctrl-C or SIGTERM, then finishes the requests under way.
pub async fn serve(state: AppState, listener: tokio::net::TcpListener) -> std::io::Result<()> {
    whistle::spawn_retention(state.clone());
    complaint_jobs::spawn(state.clone());
    let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}
