//! A small in-process cache of organizations' public profiles (with divisions), so the
//! public pages — the busiest ones — usually skip the database. Entries live a few
//! seconds; staff changes clear the cache at once in this process, and other processes
//! see them within the TTL.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use prongsai_store::Db;
use prongsai_store::orgs::{self, Division, Organization};

use crate::error::Error;

const TTL: Duration = Duration::from_secs(5);
/// Bounds memory when many organizations are served.
const MAX_ENTRIES: usize = 10_000;

/// An organization as the public sees it.
#[derive(Debug, Clone)]
pub struct OrgPublic {
    pub org: Organization,
    pub divisions: Vec<Division>,
    /// Executives (ผู้บริหาร) for the home page.
    pub executives: Vec<prongsai_store::disclosure::Executive>,
}

#[derive(Default)]
pub struct OrgCache {
    by_slug: RwLock<HashMap<String, (Instant, Arc<OrgPublic>)>>,
    /// The single organization's slug, when there is exactly one.
    sole: RwLock<Option<(Instant, Option<String>)>>,
    /// Whether an organization's Thai pages use Thai digits (unknown slugs: false).
    digits: RwLock<HashMap<String, (Instant, bool)>>,
}

impl OrgCache {
    pub async fn get(&self, db: &Db, slug: &str) -> Result<Option<Arc<OrgPublic>>, Error> {
        let hit = self.by_slug.read().ok().and_then(|map| {
            map.get(slug)
                .filter(|(at, _)| at.elapsed() < TTL)
                .map(|(_, v)| v.clone())
        });
        if hit.is_some() {
            return Ok(hit);
        }
        let mut conn = db.pool.acquire().await?;
        let Some(org) = orgs::by_slug(&mut conn, slug).await? else {
            return Ok(None);
        };
        let divisions = orgs::divisions(&mut conn, org.id).await?;
        let executives = prongsai_store::disclosure::executives(&mut conn, org.id).await?;
        let v = Arc::new(OrgPublic {
            org,
            divisions,
            executives,
        });
        if let Ok(mut map) = self.by_slug.write() {
            if map.len() >= MAX_ENTRIES {
                map.clear();
            }
            map.insert(slug.to_string(), (Instant::now(), v.clone()));
        }
        Ok(Some(v))
    }

    /// The slug of the installation's only organization, if it has exactly one.
    pub async fn sole_slug(&self, db: &Db) -> Result<Option<String>, Error> {
        let hit = self.sole.read().ok().and_then(|s| {
            s.as_ref()
                .filter(|(at, _)| at.elapsed() < TTL)
                .map(|(_, v)| v.clone())
        });
        if let Some(v) = hit {
            return Ok(v);
        }
        let mut conn = db.pool.acquire().await?;
        let v = orgs::sole(&mut conn).await?.map(|o| o.slug);
        if let Ok(mut s) = self.sole.write() {
            *s = Some((Instant::now(), v.clone()));
        }
        Ok(v)
    }

    /// Whether the organization with this slug writes its Thai pages in Thai digits
    /// (one small query per slug and TTL; no organization: false).
    pub async fn thai_digits(&self, db: &Db, slug: &str) -> Result<bool, Error> {
        let hit = self.digits.read().ok().and_then(|m| {
            m.get(slug)
                .filter(|(at, _)| at.elapsed() < TTL)
                .map(|(_, v)| *v)
        });
        if let Some(v) = hit {
            return Ok(v);
        }
        let mut conn = db.pool.acquire().await?;
        let v = orgs::thai_digits(&mut conn, slug).await?;
        if let Ok(mut m) = self.digits.write() {
            if m.len() >= MAX_ENTRIES {
                m.clear();
            }
            m.insert(slug.to_string(), (Instant::now(), v));
        }
        Ok(v)
    }

    /// Forgets everything (after a staff change).
    pub fn clear(&self) {
        if let Ok(mut m) = self.digits.write() {
            m.clear();
        }
        if let Ok(mut m) = self.by_slug.write() {
            m.clear();
        }
        if let Ok(mut s) = self.sole.write() {
            *s = None;
        }
    }
}
