//! Group commit (การบันทึกแบบรวมชุด): durable public submissions at a rate one
//! transaction per request cannot reach.
//!
//! A submission (a complaint, a corruption report) must be on disk before the citizen
//! is shown a code. Committing each one alone costs a commit per request; on SQLite the
//! writers also queue for the one write lock. Here every process runs a few writer
//! tasks; a request hands its write to [`GroupCommit::run`], a writer takes every job
//! waiting (up to [`GroupCommit::max_batch`]) and runs them in **one** transaction,
//! each inside its own savepoint, and only after that transaction commits does each
//! request get its answer. A job that fails is rolled back to its savepoint and answered
//! with its error; the others still commit. If the commit itself fails, every job of the
//! batch gets the error — none was answered with a code, so none is lost.
//!
//! It is generic: a job is any closure that writes through the connection it is given
//! and returns a value, which the caller receives after the commit.
//!
//! Several processes may each run their own writers against one database: SQLite's
//! `busy_timeout` and PostgreSQL's row locks order them, as for any other writer.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, OnceLock};

use sqlx::AnyConnection;
use tokio::sync::{Mutex, mpsc, oneshot};

use crate::db::{Backend, Db};
use crate::error::{Result, StoreError};

/// The future a job returns, borrowing the batch's connection.
pub type JobFut<'c, T> = Pin<Box<dyn Future<Output = Result<T>> + Send + 'c>>;

/// What a job leaves once its statements ran: whether they succeeded, and how to answer
/// the caller once the batch's fate is known.
struct Staged {
    ok: bool,
    finish: Box<dyn FnOnce(std::result::Result<(), String>) + Send>,
}

type Work = Box<
    dyn for<'c> FnOnce(&'c mut AnyConnection) -> Pin<Box<dyn Future<Output = Staged> + Send + 'c>>
        + Send,
>;

/// The queue in front of the writer tasks. Cheap to clone; the writers start on first
/// use (so a value can be built outside a Tokio runtime).
#[derive(Clone)]
pub struct GroupCommit {
    db: Db,
    inner: Arc<OnceLock<mpsc::Sender<Work>>>,
    max_batch: usize,
    writers: usize,
}

impl std::fmt::Debug for GroupCommit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GroupCommit")
            .field("max_batch", &self.max_batch)
            .field("writers", &self.writers)
            .finish()
    }
}

impl GroupCommit {
    /// A queue for `db`: one writer on SQLite (there is one write lock anyway), four on
    /// PostgreSQL; batches of at most 256 jobs.
    pub fn new(db: Db) -> GroupCommit {
        let writers = match db.backend {
            Backend::Sqlite => 1,
            Backend::Postgres => 4,
        };
        GroupCommit {
            db,
            inner: Arc::new(OnceLock::new()),
            max_batch: 256,
            writers,
        }
    }

    /// The largest number of jobs committed together.
    pub fn max_batch(&self) -> usize {
        self.max_batch
    }

    fn sender(&self) -> &mpsc::Sender<Work> {
        self.inner.get_or_init(|| {
            let (tx, rx) = mpsc::channel::<Work>(self.max_batch * 16);
            let rx = Arc::new(Mutex::new(rx));
            for _ in 0..self.writers {
                tokio::spawn(writer(self.db.clone(), rx.clone(), self.max_batch));
            }
            tx
        })
    }

    /// Runs `job` in the next batch and returns its value once the batch has committed.
    /// An error from the job, or from the commit, is returned instead.
    pub async fn run<T, F>(&self, job: F) -> Result<T>
    where
        T: Send + 'static,
        F: for<'c> FnOnce(&'c mut AnyConnection) -> JobFut<'c, T> + Send + 'static,
    {
        let (tx, rx) = oneshot::channel::<Result<T>>();
        let work: Work = Box::new(move |conn| {
            Box::pin(async move {
                match job(conn).await {
                    Ok(v) => Staged {
                        ok: true,
                        finish: Box::new(move |commit| {
                            let _ = tx.send(commit.map(|()| v).map_err(batch_error));
                        }),
                    },
                    Err(e) => Staged {
                        ok: false,
                        finish: Box::new(move |_| {
                            let _ = tx.send(Err(e));
                        }),
                    },
                }
            })
        });
        self.sender()
            .send(work)
            .await
            .map_err(|_| batch_error("the writer has stopped".into()))?;
        rx.await
            .map_err(|_| batch_error("the batch was abandoned".into()))?
    }
}

fn batch_error(msg: String) -> StoreError {
    StoreError::Db(sqlx::Error::Protocol(format!("group commit failed: {msg}")))
}

async fn writer(db: Db, rx: Arc<Mutex<mpsc::Receiver<Work>>>, max_batch: usize) {
    loop {
        let batch = {
            let mut rx = rx.lock().await;
            let Some(first) = rx.recv().await else {
                return;
            };
            let mut batch = vec![first];
            while batch.len() < max_batch {
                match rx.try_recv() {
                    Ok(w) => batch.push(w),
                    Err(_) => break,
                }
            }
            batch
        };
        // A panicking job must not take the writer down: run the batch in its own task.
        // Its callers then see their answer channel dropped (an error), never a success.
        let db = db.clone();
        let _ = tokio::spawn(async move { run_batch(&db, batch).await }).await;
    }
}

async fn run_batch(db: &Db, batch: Vec<Work>) {
    let mut tx = match db.begin().await {
        Ok(tx) => tx,
        Err(e) => {
            // Nothing ran: dropping the jobs answers each caller with an error.
            tracing::warn!(error = %e, jobs = batch.len(), "group commit could not begin a transaction");
            return;
        }
    };
    let mut staged = Vec::with_capacity(batch.len());
    for work in batch {
        if let Err(e) = sqlx::query("SAVEPOINT gc_job").execute(&mut *tx).await {
            tracing::warn!(error = %e, "group commit savepoint failed");
            drop(work);
            continue;
        }
        let s = work(&mut tx).await;
        let undo = if s.ok {
            "RELEASE SAVEPOINT gc_job"
        } else {
            "ROLLBACK TO SAVEPOINT gc_job"
        };
        if let Err(e) = sqlx::query(undo).execute(&mut *tx).await {
            // The transaction is in an unknown state: give up the whole batch.
            let msg = e.to_string();
            (s.finish)(Err(msg.clone()));
            for s in staged {
                let Staged { finish, .. } = s;
                finish(Err(msg.clone()));
            }
            let _ = tx.rollback().await;
            return;
        }
        if !s.ok {
            (s.finish)(Ok(()));
        } else {
            staged.push(s);
        }
    }
    let commit = tx.commit().await.map_err(|e| e.to_string());
    for s in staged {
        (s.finish)(commit.clone());
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[tokio::test]
    async fn batches_commit_and_failures_stay_alone() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::connect(&format!("sqlite://{}/gc.sqlite", dir.path().display()))
            .await
            .unwrap();
        sqlx::query("CREATE TABLE gc_t (id BIGINT PRIMARY KEY)")
            .execute(&db.pool)
            .await
            .unwrap();
        let gc = GroupCommit::new(db.clone());
        let mut handles = Vec::new();
        for i in 0..200i64 {
            let gc = gc.clone();
            handles.push(tokio::spawn(async move {
                gc.run(move |c| {
                    Box::pin(async move {
                        // Every tenth job writes a duplicate and must fail alone.
                        let id = if i % 10 == 9 { i - 1 } else { i };
                        sqlx::query("INSERT INTO gc_t (id) VALUES ($1)")
                            .bind(id)
                            .execute(&mut *c)
                            .await?;
                        Ok(id)
                    })
                })
                .await
            }));
        }
        let mut ok = 0;
        let mut failed = 0;
        for h in handles {
            match h.await.unwrap() {
                Ok(_) => ok += 1,
                Err(_) => failed += 1,
            }
        }
        assert_eq!((ok, failed), (180, 20));
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM gc_t")
            .fetch_one(&db.pool)
            .await
            .unwrap();
        assert_eq!(n, 180);
    }
}
