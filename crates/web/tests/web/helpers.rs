//! Starting the app and acting like a browser.

use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};

use prongsai_domain::{OrgType, Role, Slug};
use prongsai_store::audit::Actor;
use prongsai_store::files::LocalDir;
use prongsai_store::orgs::{self, Division, NewOrganization, Organization};
use prongsai_store::users::{self, User};
use prongsai_store::{Db, Keys, sessions};
use prongsai_web::{AppState, WebConfig};
use reqwest::cookie::Jar;

pub const PASSWORD: &str = "correct-horse-battery";

pub struct TestApp {
    pub addr: SocketAddr,
    pub db: Db,
    pub keys: Keys,
    /// The organization every test starts with ("testville"), with two divisions.
    pub org: Organization,
    pub divisions: Vec<Division>,
    _dir: tempfile::TempDir,
}

/// One argon2 hash shared by every test account (hashing is slow on purpose).
fn password_hash() -> &'static str {
    static H: OnceLock<String> = OnceLock::new();
    H.get_or_init(|| users::hash_password(PASSWORD).expect("hash"))
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        Self::spawn_with(WebConfig::default()).await
    }

    pub async fn spawn_with(config: WebConfig) -> TestApp {
        let dir = tempfile::tempdir().expect("tempdir");
        let url = format!("sqlite://{}/test.sqlite", dir.path().display());
        let db = Db::connect(&url).await.expect("db");
        let keys = Keys::for_tests();
        let blobs = Arc::new(LocalDir::new(dir.path().join("files")).expect("blobs"));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let state = AppState::new(db.clone(), keys.clone(), blobs, config);
        tokio::spawn(async move {
            let _ = prongsai_web::serve(state, listener).await;
        });
        let mut app = TestApp {
            addr,
            db,
            keys,
            org: dummy_org(),
            divisions: vec![],
            _dir: dir,
        };
        app.org = app.create_org("testville", "เทศบาลเมืองทดสอบ").await;
        let mut conn = app.db.pool.acquire().await.expect("conn");
        for (code, th, en) in [
            ("office", "สำนักปลัด", "Clerk's Office"),
            ("finance", "กองคลัง", "Finance Division"),
        ] {
            let d = orgs::create_division(
                &mut conn,
                &app.keys.audit,
                app.org.id,
                code,
                th,
                en,
                &Actor::cli(),
            )
            .await
            .expect("division");
            app.divisions.push(d);
        }
        app
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    pub async fn create_org(&self, slug: &str, name_th: &str) -> Organization {
        let mut conn = self.db.pool.acquire().await.expect("conn");
        let new = NewOrganization {
            slug: Slug::parse(slug).expect("slug"),
            name_th: name_th.into(),
            name_en: format!("{slug} Town"),
            org_type: OrgType::TownMunicipality,
            province: "ฉะเชิงเทรา".into(),
        };
        orgs::create(&mut conn, &self.keys.audit, &new, &Actor::cli())
            .await
            .expect("org")
    }

    /// An account with a role in an organization (officers and heads get a division).
    pub async fn user_in(&self, org_id: i64, username: &str, role: Role) -> User {
        let mut conn = self.db.pool.acquire().await.expect("conn");
        let u = users::create_with_hash(
            &mut conn,
            &self.keys.audit,
            org_id,
            username,
            &format!("คุณ {username}"),
            "",
            password_hash(),
            &Actor::cli(),
        )
        .await
        .expect("user");
        let division = if matches!(role, Role::Officer | Role::DivisionHead) {
            let divs = orgs::divisions(&mut conn, org_id).await.expect("divisions");
            if divs.is_empty() {
                let d = orgs::create_division(
                    &mut conn,
                    &self.keys.audit,
                    org_id,
                    "main",
                    "สำนักงาน",
                    "",
                    &Actor::cli(),
                )
                .await
                .expect("division");
                Some(d.id)
            } else {
                Some(divs[0].id)
            }
        } else {
            None
        };
        users::set_role(
            &mut conn,
            &self.keys.audit,
            org_id,
            u.id,
            role,
            division,
            &Actor::cli(),
        )
        .await
        .expect("role");
        u
    }

    /// A complaint filed by a citizen and routed to `division`, with one photo
    /// attachment: (complaint id, file id).
    pub async fn complaint_in_division(&self, division: i64) -> (i64, i64) {
        use prongsai_domain::complaint::Channel;
        use prongsai_store::complaints::{self, NewAttachment, NewComplaint};
        let blobs = LocalDir::new(self._dir.path().join("files")).expect("blobs");
        let c = complaints::file(
            &self.db,
            &self.keys.audit,
            &blobs,
            &self.org,
            &NewComplaint {
                category: "roads".into(),
                channel: Channel::Web,
                location_text: "ซอย ๑".into(),
                lat: None,
                lon: None,
                description: "ถนนเป็นหลุม".into(),
                contact_name: String::new(),
                contact_phone: String::new(),
                contact_email: String::new(),
                filed_by: None,
                attachments: vec![NewAttachment {
                    original_name: "photo.jpg".into(),
                    content_type: "image/jpeg".into(),
                    bytes: vec![0xFF, 0xD8, 0xFF, 0xD9],
                    public: true,
                }],
            },
        )
        .await
        .expect("complaint");
        let mut conn = self.db.pool.acquire().await.expect("conn");
        sqlx::query("UPDATE complaints SET division_id = $1 WHERE id = $2")
            .bind(division)
            .bind(c.id)
            .execute(&mut *conn)
            .await
            .expect("route");
        let files = complaints::attachments(&mut conn, self.org.id, c.id, false)
            .await
            .expect("files");
        (c.id, files[0].file.id)
    }

    pub async fn user(&self, username: &str, role: Role) -> User {
        self.user_in(self.org.id, username, role).await
    }

    /// A browser-like client: keeps cookies, does not follow redirects.
    pub fn client(&self) -> (reqwest::Client, Arc<Jar>) {
        let jar = Arc::new(Jar::default());
        let c = reqwest::Client::builder()
            .cookie_provider(jar.clone())
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        (c, jar)
    }

    /// A client already signed in as `user` (session made directly in the store, so
    /// that tests of authorization do not trip the sign-in rate limits). Returns the
    /// session's CSRF token too.
    pub async fn signed_in(&self, user: &User) -> (reqwest::Client, String) {
        let mut conn = self.db.pool.acquire().await.expect("conn");
        let (token, s) = sessions::create(&mut conn, user.id, true)
            .await
            .expect("session");
        let (c, jar) = self.client();
        let url: reqwest::Url = self.url("/").parse().expect("url");
        jar.add_cookie_str(&format!("prongsai_session={token}; Path=/"), &url);
        (c, s.csrf_token)
    }

    /// Signs in through the form, as a person would. Returns the POST's response.
    pub async fn login(
        &self,
        c: &reqwest::Client,
        username: &str,
        password: &str,
    ) -> reqwest::Response {
        self.login_from(c, username, password, None).await
    }

    pub async fn login_from(
        &self,
        c: &reqwest::Client,
        username: &str,
        password: &str,
        forwarded_for: Option<&str>,
    ) -> reqwest::Response {
        let page = c
            .get(self.url("/login"))
            .send()
            .await
            .expect("GET /login")
            .text()
            .await
            .expect("body");
        let token = hidden(&page, "csrf");
        let mut req = c.post(self.url("/login")).form(&[
            ("csrf", token.as_str()),
            ("username", username),
            ("password", password),
            ("next", ""),
        ]);
        if let Some(ip) = forwarded_for {
            req = req.header("x-forwarded-for", ip);
        }
        req.send().await.expect("POST /login")
    }
}

fn dummy_org() -> Organization {
    Organization {
        id: 0,
        slug: String::new(),
        name_th: String::new(),
        name_en: String::new(),
        org_type: OrgType::TownMunicipality,
        province: String::new(),
        address: String::new(),
        phone: String::new(),
        email: String::new(),
        website: String::new(),
        about_th: String::new(),
        about_en: String::new(),
        require_staff_totp: false,
        complaint_deadline_days: 15,
        thai_digits: false,
        created_at: 0,
    }
}

/// The value of a hidden input in a page.
pub fn hidden(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    html.find(&marker)
        .map(|i| {
            let rest = &html[i + marker.len()..];
            rest[..rest.find('"').unwrap_or(0)].to_string()
        })
        .unwrap_or_default()
}

pub fn location(r: &reqwest::Response) -> String {
    r.headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}
