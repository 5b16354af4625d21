//! Visitor statistics, kept privately (plan project 5): a middleware counts successful
//! GETs of an organization's public pages per path and Bangkok day, in memory, and
//! writes the counts in batches (at most every few seconds, in a background task), so
//! the public pages never wait on a database write. No address, cookie, agent or
//! referrer is kept. Staff see the counts at `/{org}/staff/visits` (`ViewAllWork`).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use askama::Template;
use axum::extract::{Request, State};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use prongsai_domain::thai;
use prongsai_store::visits::{self, ViewCount};
use time::OffsetDateTime;

use crate::AppState;
use crate::error::Error;
use crate::middleware::staff::{Staff, need};
use crate::page::Page;
use crate::views::html;

/// How often counts are written at most.
const FLUSH_EVERY: Duration = Duration::from_secs(5);
/// Distinct (org, day, path) keys held before a write is forced.
const MAX_PENDING: usize = 5_000;
/// Paths longer than this are not counted (no one links to them).
const MAX_PATH: usize = 200;

/// Views per (organization, day, path), and when they were last written.
type Pending = (Instant, HashMap<(i64, String, String), i64>);

/// Counts waiting to be written.
#[derive(Debug)]
pub struct Counter {
    pending: Mutex<Pending>,
}

impl Default for Counter {
    fn default() -> Self {
        Counter {
            pending: Mutex::new((Instant::now(), HashMap::new())),
        }
    }
}

impl Counter {
    /// Adds a view; returns a batch to write when it is time.
    fn add(&self, org_id: i64, day: String, path: String) -> Option<Vec<ViewCount>> {
        let mut g = self.pending.lock().ok()?;
        *g.1.entry((org_id, day, path)).or_default() += 1;
        if g.0.elapsed() >= FLUSH_EVERY || g.1.len() >= MAX_PENDING {
            Some(Self::take(&mut g))
        } else {
            None
        }
    }

    fn take(g: &mut Pending) -> Vec<ViewCount> {
        g.0 = Instant::now();
        let mut out: Vec<ViewCount> = std::mem::take(&mut g.1)
            .into_iter()
            .map(|((org_id, day, path), views)| ViewCount {
                org_id,
                day,
                path,
                views,
            })
            .collect();
        // A stable order: concurrent batches lock rows in the same order.
        out.sort();
        out
    }

    /// Writes everything pending now (the staff page does, before it reads).
    pub async fn flush(&self, db: &prongsai_store::Db) -> Result<(), Error> {
        let batch = match self.pending.lock() {
            Ok(mut g) => Self::take(&mut g),
            Err(_) => return Ok(()),
        };
        visits::add_counts(db, &batch).await?;
        Ok(())
    }
}

fn today() -> String {
    let d = thai::to_bangkok(OffsetDateTime::now_utc()).date();
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// The organization slug of a public page's path, or None for paths not counted
/// (staff pages, the API, static files, files and data downloads).
fn counted_slug(path: &str) -> Option<&str> {
    let rest = path.strip_prefix('/')?;
    let (slug, tail) = rest.split_once('/').unwrap_or((rest, ""));
    let skip = slug.is_empty()
        || matches!(
            slug,
            "api" | "static" | "login" | "logout" | "account" | "lang" | "healthz" | "admin"
        )
        || tail.starts_with("staff")
        || tail.contains("/files/")
        || path.len() > MAX_PATH;
    (!skip).then_some(slug)
}

/// Middleware: counts a successful GET of a public page of a known organization.
pub async fn count(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let counted = (req.method() == Method::GET)
        .then(|| {
            counted_slug(req.uri().path()).map(|s| (s.to_string(), req.uri().path().to_string()))
        })
        .flatten();
    let res = next.run(req).await;
    if let Some((slug, path)) = counted
        && res.status() == StatusCode::OK
        && prongsai_domain::Slug::parse(&slug).is_ok()
        // The organization is almost always in the cache already: the page just
        // looked it up.
        && let Ok(Some(o)) = state.orgs.get(&state.db, &slug).await
        && let Some(batch) = state.visits.add(o.org.id, today(), path)
    {
        let db = state.db.clone();
        tokio::spawn(async move {
            if let Err(e) = visits::add_counts(&db, &batch).await {
                tracing::warn!(error = %e, "could not write visitor counts");
            }
        });
    }
    res
}

#[derive(Template)]
#[template(path = "staff/visits.html")]
struct VisitsPage {
    p: Page,
    since: String,
    days: Vec<(String, i64)>,
    paths: Vec<(String, i64)>,
    total: i64,
    max_day: i64,
}

/// `GET /{org}/staff/visits`: the last 30 days, per day and per page.
pub async fn staff_page(
    State(state): State<AppState>,
    s: Staff<need::ViewAllWork>,
) -> Result<Response, Error> {
    state.visits.flush(&state.db).await?;
    let d = thai::to_bangkok(OffsetDateTime::now_utc()).date() - time::Duration::days(29);
    let since = format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day());
    let mut conn = state.db.pool.acquire().await?;
    let days = visits::per_day(&mut conn, s.org.id, &since).await?;
    let paths = visits::top_paths(&mut conn, s.org.id, &since, 30).await?;
    let total = visits::total(&mut conn, s.org.id).await?;
    let max_day = days.iter().map(|(_, n)| *n).max().unwrap_or(0);
    html(&VisitsPage {
        p: s.page("visits.title", "visits"),
        since: crate::i18n::Lang::date(s.lang, d),
        days,
        paths,
        total,
        max_day,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn only_public_pages_are_counted() {
        assert_eq!(counted_slug("/demo/"), Some("demo"));
        assert_eq!(counted_slug("/demo/info/3"), Some("demo"));
        assert_eq!(counted_slug("/demo/staff/"), None);
        assert_eq!(counted_slug("/api/v1/orgs"), None);
        assert_eq!(counted_slug("/static/app.css"), None);
        assert_eq!(counted_slug("/demo/info/3/files/9"), None);
    }

    #[test]
    fn counts_add_up_before_a_batch() {
        let c = Counter::default();
        assert!(c.add(1, "2025-01-01".into(), "/a/".into()).is_none());
        assert!(c.add(1, "2025-01-01".into(), "/a/".into()).is_none());
        let mut g = c.pending.lock().unwrap();
        let batch = Counter::take(&mut g);
        assert_eq!(
            batch,
            vec![ViewCount {
                org_id: 1,
                day: "2025-01-01".into(),
                path: "/a/".into(),
                views: 2
            }]
        );
    }
}
