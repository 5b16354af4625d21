//! The complaint centre's background work, started by [`crate::serve`]: the overdue rule
//! (every open case past its deadline gets a public explanation), closing resolutions
//! the complainant left unanswered for 7 days, and sending the mail outbox. Each step is
//! idempotent and claims its rows with conditional UPDATEs, so several server processes
//! may run it against one database.

use std::time::Duration;

use crate::AppState;
use crate::mail::{self, Mailer};

/// How often the overdue and closing sweeps run.
pub const SWEEP_EVERY: Duration = Duration::from_secs(60);
/// How often the outbox is looked at when nobody wakes the worker.
pub const MAIL_EVERY: Duration = Duration::from_secs(5);

/// Starts the loop on the current runtime.
pub fn spawn(state: AppState) {
    let mailer = match (&state.config.smtp_url, &state.config.mail_from) {
        (Some(url), from) => {
            let from = from.clone().unwrap_or_else(|| "prongsai@localhost".into());
            match Mailer::new(url, &from) {
                Ok(m) => Some(m),
                Err(e) => {
                    tracing::error!(error = %e, "e-mail is not configured correctly; notices wait in the outbox");
                    None
                }
            }
        }
        (None, _) => None,
    };
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(MAIL_EVERY);
        let mut last_sweep: Option<tokio::time::Instant> = None;
        loop {
            tokio::select! {
                _ = tick.tick() => {}
                _ = state.mail_wake.notified() => {}
            }
            if last_sweep.is_none_or(|t| t.elapsed() >= SWEEP_EVERY) {
                last_sweep = Some(tokio::time::Instant::now());
                let now = prongsai_store::now_ms();
                if let Err(e) = prongsai_store::complaints::overdue_sweep(&state.db, now).await {
                    tracing::warn!(error = %e, "overdue sweep failed");
                }
                if let Err(e) = prongsai_store::complaints::close_unconfirmed_sweep(
                    &state.db,
                    &state.keys.audit,
                    now,
                )
                .await
                {
                    tracing::warn!(error = %e, "closing unconfirmed resolutions failed");
                }
            }
            if let Some(m) = &mailer
                && let Err(e) = mail::drain(&state.db, m).await
            {
                tracing::warn!(error = %e, "sending the mail outbox failed");
            }
        }
    });
}
