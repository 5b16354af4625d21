//! A fresh database per test, on SQLite or PostgreSQL, and the macro that runs each test
//! on both.
//!
//! SQLite tests use a temporary file and always run. PostgreSQL tests create a database
//! `prongsai_t_<random>` through the server named by `PRONGSAI_TEST_POSTGRES` (e.g.
//! `postgres://root@127.0.0.1:5432/test`) and drop it afterwards, even when the test
//! fails. They are `#[ignore]`d by default; CI runs them with
//! `cargo nextest run -p prongsai-store --run-ignored only -E 'test(/postgres/)'`.
//! Run without the variable, they fail: a skipped test must never look like a pass.

use std::future::Future;
use std::sync::{Arc, Mutex};

use prongsai_store::files::{BlobStore, LocalDir};
use prongsai_store::{Backend, Db, Keys};
use sqlx::Connection;

pub const PG_ENV: &str = "PRONGSAI_TEST_POSTGRES";

/// One fresh database with its keys and file store.
pub struct TestDb {
    pub db: Db,
    pub keys: Keys,
    pub blobs: Arc<dyn BlobStore>,
    /// The database URL (for tools that connect on their own).
    #[allow(dead_code)]
    pub url: String,
    pub dir: tempfile::TempDir,
    created: Arc<Mutex<Vec<String>>>,
}

impl TestDb {
    /// A pooled connection.
    pub async fn conn(&self) -> sqlx::pool::PoolConnection<sqlx::Any> {
        self.db.pool.acquire().await.expect("acquire a connection")
    }

    pub fn key(&self) -> &[u8] {
        &self.keys.audit
    }

    /// Another fresh, empty database on the same backend (e.g. to restore into).
    pub async fn another(&self) -> TestDb {
        fresh(self.db.backend, self.created.clone()).await
    }

    /// A fresh, empty database on the given backend.
    pub async fn another_on(&self, backend: Backend) -> TestDb {
        fresh(backend, self.created.clone()).await
    }
}

fn random_suffix() -> String {
    use rand::Rng;
    let mut r = rand::thread_rng();
    (0..12)
        .map(|_| char::from(b'a' + r.gen_range(0..26u8)))
        .collect()
}

/// The URL of another database on the same PostgreSQL server.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (url, String::new()),
    };
    let scheme_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let host_part = match base[scheme_end..].find('/') {
        Some(i) => &base[..scheme_end + i],
        None => base,
    };
    format!("{host_part}/{name}{query}")
}

fn pg_admin_url() -> String {
    std::env::var(PG_ENV).unwrap_or_else(|_| {
        panic!("this test needs PostgreSQL: set {PG_ENV}, e.g. postgres://root@127.0.0.1:5432/test")
    })
}

async fn fresh(backend: Backend, created: Arc<Mutex<Vec<String>>>) -> TestDb {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = match backend {
        Backend::Sqlite => format!("sqlite://{}", dir.path().join("test.sqlite").display()),
        Backend::Postgres => {
            let admin = pg_admin_url();
            let name = format!("prongsai_t_{}", random_suffix());
            let mut c = sqlx::PgConnection::connect(&admin)
                .await
                .expect("connect to PRONGSAI_TEST_POSTGRES");
            sqlx::query(&format!("CREATE DATABASE {name}"))
                .execute(&mut c)
                .await
                .expect("create test database");
            let _ = c.close().await;
            created.lock().expect("lock").push(name.clone());
            with_database(&admin, &name)
        }
    };
    let db = Db::connect(&url).await.expect("connect and migrate");
    let blobs: Arc<dyn BlobStore> =
        Arc::new(LocalDir::new(dir.path().join("files")).expect("file store"));
    TestDb {
        db,
        keys: Keys::for_tests(),
        blobs,
        url,
        dir,
        created,
    }
}

async fn drop_databases(names: Vec<String>) {
    if names.is_empty() {
        return;
    }
    let admin = pg_admin_url();
    if let Ok(mut c) = sqlx::PgConnection::connect(&admin).await {
        for name in names {
            let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .execute(&mut c)
                .await;
        }
        let _ = c.close().await;
    }
}

/// Runs a test body on a fresh database, then drops every PostgreSQL database it made,
/// whether the body passed or panicked.
pub async fn run<F, Fut>(backend: Backend, body: F)
where
    F: FnOnce(TestDb) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let created = Arc::new(Mutex::new(Vec::new()));
    let t = fresh(backend, created.clone()).await;
    let outcome = tokio::spawn(body(t)).await;
    let names = std::mem::take(&mut *created.lock().expect("lock"));
    drop_databases(names).await;
    if let Err(e) = outcome {
        if e.is_panic() {
            std::panic::resume_unwind(e.into_panic());
        }
        panic!("test task failed: {e}");
    }
}

/// Defines a test that runs on both backends: `<name>::sqlite` (always) and
/// `<name>::postgres` (ignored unless asked for; fails without `PRONGSAI_TEST_POSTGRES`).
#[macro_export]
macro_rules! both_backends {
    ($(async fn $name:ident($t:ident: $ty:ty) $body:block)*) => {$(
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            async fn body($t: $ty) $body

            #[tokio::test]
            async fn sqlite() {
                $crate::common::run(prongsai_store::Backend::Sqlite, body).await
            }

            #[tokio::test]
            #[ignore = "needs PostgreSQL: set PRONGSAI_TEST_POSTGRES"]
            async fn postgres() {
                $crate::common::run(prongsai_store::Backend::Postgres, body).await
            }
        }
    )*};
}

/// A small organization used by many tests.
pub async fn make_org(t: &TestDb, slug: &str) -> prongsai_store::orgs::Organization {
    use prongsai_domain::{OrgType, Slug};
    use prongsai_store::audit::Actor;
    use prongsai_store::orgs::{self, NewOrganization};
    let mut c = t.conn().await;
    orgs::create(
        &mut c,
        t.key(),
        &NewOrganization {
            slug: Slug::parse(slug).expect("slug"),
            name_th: format!("เทศบาลทดสอบ {slug}"),
            name_en: format!("Test {slug}"),
            org_type: OrgType::TownMunicipality,
            province: "ฉะเชิงเทรา".into(),
        },
        &Actor::cli(),
    )
    .await
    .expect("create org")
}

/// An organization with some of everything: divisions, members in several roles, a
/// session, a rate-limit window, files, an API key and a trail of audit entries.
pub async fn populate(t: &TestDb, slug: &str) -> prongsai_store::orgs::Organization {
    use prongsai_domain::Role;
    use prongsai_store::audit::Actor;
    use prongsai_store::{files, orgs, sessions, users};
    let org = make_org(t, slug).await;
    let mut c = t.conn().await;
    let k = t.key();
    let a = Actor::cli();
    let office = orgs::create_division(
        &mut c,
        k,
        org.id,
        "office",
        "สำนักปลัดเทศบาล",
        "Office of the Clerk",
        &a,
    )
    .await
    .expect("division");
    let finance = orgs::create_division(
        &mut c,
        k,
        org.id,
        "finance",
        "กองคลัง",
        "Finance Division",
        &a,
    )
    .await
    .expect("division");
    let mut ids = Vec::new();
    for (name, role, div) in [
        ("clerk", Role::Clerk, None),
        ("officer", Role::Officer, Some(finance.id)),
        ("head", Role::DivisionHead, Some(office.id)),
    ] {
        let username = format!("{slug}-{name}");
        let u = users::create(
            &mut c,
            k,
            org.id,
            &username,
            &format!("ผู้ใช้ {name}"),
            &format!("{name}@example.org"),
            "correct horse battery",
            &a,
        )
        .await
        .expect("user");
        users::set_role(&mut c, k, org.id, u.id, role, div, &a)
            .await
            .expect("role");
        ids.push(u.id);
    }
    orgs::set_division_head(
        &mut c,
        k,
        org.id,
        office.id,
        Some(ids[2]),
        &Actor::user(ids[0], &format!("{slug}-clerk")),
    )
    .await
    .expect("head");
    sessions::create(&mut c, ids[0], true)
        .await
        .expect("session");
    sessions::rate_limit_hit(&mut c, &format!("login:{slug}"), 5, 60_000)
        .await
        .expect("rate limit");
    files::upload(
        &mut c,
        t.blobs.as_ref(),
        org.id,
        "แผน.pdf",
        "application/pdf",
        "plan bytes ๑๒๓".as_bytes(),
        Some(ids[0]),
    )
    .await
    .expect("file");
    files::upload(
        &mut c,
        t.blobs.as_ref(),
        org.id,
        "photo.jpg",
        "image/jpeg",
        &[0u8, 1, 2, 255, 254],
        None,
    )
    .await
    .expect("file");
    sqlx::query("INSERT INTO api_keys (org_id, name, key_hash, created_at, revoked) VALUES ($1, $2, $3, $4, 0)")
        .bind(org.id)
        .bind("open311 client")
        .bind(format!("hash-of-{slug}"))
        .bind(1_700_000_000_000i64)
        .execute(&mut *c)
        .await
        .expect("api key");
    drop(c);
    add_complaints(t, &org, finance.id, ids[1], slug).await;
    crate::disclosure::add_disclosure(t, &org).await;
    org
}

/// Complaints with history, an attachment and a routing entry (see `complaints`).
pub async fn add_complaints(
    t: &TestDb,
    org: &prongsai_store::orgs::Organization,
    division: i64,
    officer: i64,
    slug: &str,
) {
    use prongsai_domain::complaint::{Channel, ComplaintAction};
    use prongsai_store::audit::Actor;
    use prongsai_store::complaints::{self, NewAttachment, NewComplaint, Who};
    let staff = Actor::user(officer, &format!("{slug}-officer"));
    complaints::set_route(&t.db, t.key(), org.id, "roads", Some(division), &staff)
        .await
        .expect("route");
    let new = NewComplaint {
        category: "roads".into(),
        channel: Channel::Web,
        location_text: "ซอยวัดโสธร ๓".into(),
        lat: Some(13.6904),
        lon: Some(101.0779),
        description: "ถนนเป็นหลุมลึก รถจักรยานยนต์ล้ม".into(),
        contact_name: "สมหญิง".into(),
        contact_phone: "0812345678".into(),
        contact_email: "somying@example.org".into(),
        filed_by: None,
        attachments: vec![NewAttachment {
            original_name: "หลุม.jpg".into(),
            content_type: "image/jpeg".into(),
            bytes: vec![0xFF, 0xD8, 0xFF, 0xD9],
            public: true,
        }],
    };
    let c = complaints::file(&t.db, t.key(), t.blobs.as_ref(), org, &new)
        .await
        .expect("file complaint");
    complaints::apply(
        &t.db,
        t.key(),
        org,
        c.id,
        &ComplaintAction::Acknowledge,
        &Who::Staff(staff.clone()),
    )
    .await
    .expect("acknowledge");
    complaints::add_message(&t.db, t.key(), org, c.id, "โทรนัดตรวจพื้นที่แล้ว", false, &staff)
        .await
        .expect("note");
    let by_phone = NewComplaint {
        category: "tax".into(),
        channel: Channel::Phone,
        location_text: String::new(),
        lat: None,
        lon: None,
        description: "สอบถามภาษีที่ดิน".into(),
        contact_name: String::new(),
        contact_phone: String::new(),
        contact_email: String::new(),
        filed_by: Some(staff.clone()),
        attachments: vec![],
    };
    complaints::file(&t.db, t.key(), t.blobs.as_ref(), org, &by_phone)
        .await
        .expect("file by phone");
}
