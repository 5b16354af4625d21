//! Prongsai's web layer: server-rendered, Thai-first HTML pages for citizens and staff,
//! and the JSON API under `/api/v1/`. Handlers are thin: parse, call the store and the
//! domain, render.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::routing::get;
use prongsai_store::files::BlobStore;
use prongsai_store::{Db, Keys};

/// Settings the web layer needs beyond the database.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Set when Prongsai is served over HTTPS (directly or behind a TLS proxy): turns on
    /// HSTS and `Secure` cookies.
    pub behind_tls: bool,
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig { behind_tls: false }
    }
}

/// Everything a request handler can reach. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub keys: Arc<Keys>,
    pub blobs: Arc<dyn BlobStore>,
    pub config: Arc<WebConfig>,
}

impl AppState {
    pub fn new(db: Db, keys: Keys, blobs: Arc<dyn BlobStore>, config: WebConfig) -> AppState {
        AppState { db, keys: Arc::new(keys), blobs, config: Arc::new(config) }
    }
}

/// The whole application's routes.
pub fn router(state: AppState) -> Router {
    Router::new().route("/healthz", get(|| async { "ok" })).with_state(state)
}

/// Serves until Ctrl-C or SIGTERM, then finishes the requests under way.
pub async fn serve(state: AppState, listener: tokio::net::TcpListener) -> std::io::Result<()> {
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
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}
