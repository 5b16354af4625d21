//! The search index behind `/{org}/search`: what the public may find, cut into Thai
//! and English words by `prongsai-search`, stored as one row per document and term in
//! `search_terms` (indexed on `(org_id, term)`), with a title, link and snippet per
//! document in `search_docs`. The same SQL on SQLite and PostgreSQL: no full-text
//! engine of either database is used, so both find the same things.
//!
//! Any module indexes what it publishes with [`index_document`] (and takes it out again
//! with [`remove_document`]) inside the transaction that publishes it.

use sqlx::{AnyConnection, Row};

use crate::error::Result;

/// One document to index.
#[derive(Debug, Clone)]
pub struct Document<'a> {
    /// What kind of thing it is: `info`, `procurement`, … (one per module).
    pub kind: &'a str,
    /// Its id within that kind (stable per organization, e.g. an item number).
    pub id: i64,
    pub title: &'a str,
    pub body: &'a str,
    /// The public path, e.g. `/demo/info/3`.
    pub url: &'a str,
    /// When it was published (ms): newer documents rank first among equals.
    pub at_ms: i64,
}

/// A search result.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Hit {
    pub kind: String,
    pub id: i64,
    pub title: String,
    pub url: String,
    pub snippet: String,
    pub at_ms: i64,
    /// How often the query's terms occur in the document.
    pub score: i64,
}

/// The longest snippet kept, in characters.
const SNIPPET_CHARS: usize = 240;

/// Indexes (or re-indexes) a document: replaces its terms and its entry.
pub async fn index_document(
    conn: &mut AnyConnection,
    org_id: i64,
    doc: &Document<'_>,
) -> Result<()> {
    remove_document(conn, org_id, doc.kind, doc.id).await?;
    let snippet: String = doc
        .body
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .take(SNIPPET_CHARS)
        .collect();
    sqlx::query(
        "INSERT INTO search_docs (org_id, doc_kind, doc_id, title, url, snippet, doc_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(org_id)
    .bind(doc.kind)
    .bind(doc.id)
    .bind(doc.title)
    .bind(doc.url)
    .bind(&snippet)
    .bind(doc.at_ms)
    .execute(&mut *conn)
    .await?;
    // The title counts double: a word in the title says more about the document.
    let mut terms = prongsai_search::index_terms(doc.body);
    for (t, n) in prongsai_search::index_terms(doc.title) {
        *terms.entry(t).or_default() += 2 * n;
    }
    for (term, hits) in terms {
        sqlx::query(
            "INSERT INTO search_terms (org_id, doc_kind, doc_id, term, hits) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(org_id)
        .bind(doc.kind)
        .bind(doc.id)
        .bind(&term)
        .bind(hits)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Takes a document out of the index.
pub async fn remove_document(
    conn: &mut AnyConnection,
    org_id: i64,
    kind: &str,
    id: i64,
) -> Result<()> {
    sqlx::query("DELETE FROM search_terms WHERE org_id = $1 AND doc_kind = $2 AND doc_id = $3")
        .bind(org_id)
        .bind(kind)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM search_docs WHERE org_id = $1 AND doc_kind = $2 AND doc_id = $3")
        .bind(org_id)
        .bind(kind)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The documents that hold every term of the query, best first (more hits, then
/// newer). An empty query finds nothing.
pub async fn search(
    conn: &mut AnyConnection,
    org_id: i64,
    query: &str,
    limit: i64,
) -> Result<Vec<Hit>> {
    let terms = prongsai_search::query_terms(query);
    if terms.is_empty() {
        return Ok(Vec::new());
    }
    let placeholders: Vec<String> = (0..terms.len()).map(|i| format!("${}", i + 2)).collect();
    let n = terms.len();
    let sql = format!(
        "SELECT d.doc_kind, d.doc_id, d.title, d.url, d.snippet, d.doc_at, m.score FROM \
         (SELECT doc_kind, doc_id, CAST(SUM(hits) AS BIGINT) AS score, COUNT(*) AS matched \
          FROM search_terms WHERE org_id = $1 AND term IN ({}) GROUP BY doc_kind, doc_id) m \
         JOIN search_docs d ON d.org_id = $1 AND d.doc_kind = m.doc_kind AND d.doc_id = m.doc_id \
         WHERE m.matched = {n} ORDER BY m.score DESC, d.doc_at DESC, d.doc_kind, d.doc_id LIMIT ${}",
        placeholders.join(", "),
        n + 2
    );
    let mut q = sqlx::query(&sql).bind(org_id);
    for t in &terms {
        q = q.bind(t);
    }
    let rows = q.bind(limit).fetch_all(&mut *conn).await?;
    rows.iter()
        .map(|r| {
            Ok(Hit {
                kind: r.try_get(0)?,
                id: r.try_get(1)?,
                title: r.try_get(2)?,
                url: r.try_get(3)?,
                snippet: r.try_get(4)?,
                at_ms: r.try_get(5)?,
                score: r.try_get(6)?,
            })
        })
        .collect()
}

/// Takes every document of one kind of an organization out of the index (before the
/// kind is indexed again as a whole, e.g. a new plan version's projects).
pub async fn remove_kind(conn: &mut AnyConnection, org_id: i64, kind: &str) -> Result<()> {
    sqlx::query("DELETE FROM search_terms WHERE org_id = $1 AND doc_kind = $2")
        .bind(org_id)
        .bind(kind)
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM search_docs WHERE org_id = $1 AND doc_kind = $2")
        .bind(org_id)
        .bind(kind)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Indexes again everything an organization publishes apart from information items
/// (which `disclosure` indexes itself): the current plan's projects, procurement
/// records, the risk register and submitted report rounds. Each kind is dropped from
/// the index first, so nothing stale is left. `org import` runs it after its last
/// section, in its transaction.
pub async fn rebuild_published(conn: &mut AnyConnection, org_id: i64) -> Result<()> {
    crate::plans::index_current(conn, org_id).await?;
    crate::procurement::index_all(conn, org_id).await?;
    crate::risk::index_all(conn, org_id).await?;
    crate::rounds::index_all(conn, org_id).await?;
    Ok(())
}

/// The organization's slug, for the public paths of indexed documents.
pub(crate) async fn org_slug(conn: &mut AnyConnection, org_id: i64) -> Result<String> {
    crate::orgs::by_id(conn, org_id)
        .await?
        .map(|o| o.slug)
        .ok_or_else(|| crate::error::StoreError::NotFound("organization".into()))
}
