//! The information centre over HTTP: an officer drafts, a head publishes, the public
//! page, search, CSV/JSON, the OIT readiness view with live links, visitor counts.
#![allow(clippy::unwrap_used)]

use prongsai_domain::Role;
use prongsai_domain::disclosure::{InfoGroup, UpdateRhythm};
use prongsai_store::audit::Actor;
use prongsai_store::disclosure::{self, ItemDraft};

use crate::helpers::{TestApp, location};

/// An item (number 1, no division) with a file on its draft, for the authorization
/// matrix: returns (item number, file id).
pub async fn seed_item(app: &TestApp) -> (i64, i64) {
    let mut conn = app.db.pool.acquire().await.expect("conn");
    let it = disclosure::create(
        &mut conn,
        &app.keys.audit,
        app.org.id,
        &ItemDraft {
            group: InfoGroup::Basic,
            title: "โครงสร้างองค์กร".into(),
            body: "แผนผังโครงสร้าง".into(),
            item_date: String::new(),
            fiscal_year: 2568,
            rhythm: UpdateRhythm::Yearly,
            links: String::new(),
            division_id: None,
        },
        &Actor::cli(),
    )
    .await
    .expect("item");
    // File metadata only: the matrix removes it, nobody downloads it.
    let f = prongsai_store::files::insert_meta(
        &mut conn,
        app.org.id,
        "org-1/seeded",
        "a.pdf",
        "application/pdf",
        b"%PDF-",
        None,
        1,
    )
    .await
    .expect("file");
    sqlx::query("INSERT INTO info_files (org_id, item_id, version, file_id, sort) VALUES ($1, $2, 0, $3, 0)")
        .bind(app.org.id)
        .bind(it.id)
        .bind(f.id)
        .execute(&mut *conn)
        .await
        .expect("attach");
    prongsai_store::oit::load_shipped(&mut conn, &app.keys.audit, app.org.id, 2568, &Actor::cli())
        .await
        .expect("oit");
    (it.no, f.id)
}

fn form<'a>(csrf: &'a str, title: &'a str, body: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf", csrf),
        ("group", "budget"),
        ("title", title),
        ("body", body),
        ("item_date", "2025-01-31"),
        ("fiscal_year", "๒๕๖๘"),
        ("rhythm", "monthly"),
        ("links", "e-GP | https://process3.gprocurement.go.th/"),
        ("division", ""),
    ]
}

#[tokio::test]
async fn an_officer_drafts_a_head_publishes_and_the_public_finds_it() {
    let app = TestApp::spawn().await;
    let officer = app.user("info-officer", Role::Officer).await;
    let head = app.user("info-head", Role::DivisionHead).await;
    let (oc, ocsrf) = app.signed_in(&officer).await;
    let (hc, hcsrf) = app.signed_in(&head).await;
    let (anon, _) = app.client();
    let slug = &app.org.slug;

    let r = oc
        .post(app.url(&format!("/{slug}/staff/info/new")))
        .form(&form(
            &ocsrf,
            "ประกาศผลการจัดซื้อจัดจ้างประจำเดือน",
            "สรุปผล <script>alert(1)</script>\n\nดู https://example.org/x",
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let item_url = location(&r);
    assert!(
        item_url.starts_with(&format!("/{slug}/staff/info/1")),
        "{item_url}"
    );
    // Not public yet.
    assert_eq!(
        anon.get(app.url(&format!("/{slug}/info/1")))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    // The officer may not publish.
    let r = oc
        .post(app.url(&format!("/{slug}/staff/info/1/publish")))
        .form(&[("csrf", ocsrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let r = hc
        .post(app.url(&format!("/{slug}/staff/info/1/publish")))
        .form(&[("csrf", hcsrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);

    let page = anon
        .get(app.url(&format!("/{slug}/info/1")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("ประกาศผลการจัดซื้อจัดจ้างประจำเดือน"));
    assert!(
        page.contains("alert(1)") && !page.contains("<script>alert"),
        "user text is escaped"
    );
    assert!(
        page.contains("<a href=\"https://example.org/x\""),
        "addresses become links"
    );
    let index = anon
        .get(app.url(&format!("/{slug}/info")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(index.contains("การบริหารเงินงบประมาณ") && index.contains(&format!("/{slug}/info/1")));

    // A Thai word inside the title, found by search.
    let found = anon
        .get(app.url(&format!("/{slug}/search?q=จัดซื้อจัดจ้าง")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        found.contains(&format!("href=\"/{slug}/info/1\"")),
        "{found}"
    );
    let json: serde_json::Value = anon
        .get(app.url(&format!("/{slug}/search?q=จัดซื้อ&format=json")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(json["results"].as_array().map(Vec::len), Some(1));

    // Every public list as CSV and JSON, by suffix or query.
    let csv = anon
        .get(app.url(&format!("/{slug}/info.csv")))
        .send()
        .await
        .unwrap();
    assert!(
        csv.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    assert!(
        csv.text()
            .await
            .unwrap()
            .contains("ประกาศผลการจัดซื้อจัดจ้างประจำเดือน")
    );
    let j: serde_json::Value = anon
        .get(app.url(&format!("/{slug}/info?format=json")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(j["items"][0]["no"], 1);
    let j2: serde_json::Value = anon
        .get(app.url(&format!("/{slug}/info.json")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(j, j2);

    // A second version: the public sees both in the version list.
    let r = oc
        .post(app.url(&format!("/{slug}/staff/info/1")))
        .form(&form(&ocsrf, "ประกาศผลการจัดซื้อจัดจ้าง (แก้ไข)", "ฉบับแก้ไข"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    hc.post(app.url(&format!("/{slug}/staff/info/1/publish")))
        .form(&[("csrf", hcsrf.as_str())])
        .send()
        .await
        .unwrap();
    let page = anon
        .get(app.url(&format!("/{slug}/info/1")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("ฉบับแก้ไข") && page.contains("?v=1"));
    let old = anon
        .get(app.url(&format!("/{slug}/info/1?v=1")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(old.contains("สรุปผล"));

    // Staff list: the item and its state.
    let list = oc
        .get(app.url(&format!("/{slug}/staff/info")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(list.contains("ประกาศผลการจัดซื้อจัดจ้าง (แก้ไข)"));
    // Bad input comes back with a message, not an error page.
    let r = oc
        .post(app.url(&format!("/{slug}/staff/info/new")))
        .form(&form(&ocsrf, "", "x"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
}

#[tokio::test]
async fn the_oit_view_shows_live_links_and_home_links_existing_pages() {
    let app = TestApp::spawn().await;
    let clerk = app.user("oit-clerk", Role::Clerk).await;
    let (c, csrf) = app.signed_in(&clerk).await;
    let slug = &app.org.slug;
    let r = c
        .post(app.url(&format!("/{slug}/staff/oit/load")))
        .form(&[("csrf", csrf.as_str()), ("year", "2568")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let page = c
        .get(app.url(&format!("/{slug}/staff/oit")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    // The corruption-report channel exists in this build: ready, with an absolute link.
    let host_link = format!("http://{}/{slug}/integrity/report", app.addr);
    assert!(page.contains(&host_link), "absolute live link");
    assert!(page.contains("o43"));
    // Link an item to a published info item.
    let (no, _) = {
        let mut conn = app.db.pool.acquire().await.unwrap();
        let it = disclosure::create(
            &mut conn,
            &app.keys.audit,
            app.org.id,
            &ItemDraft {
                group: InfoGroup::Basic,
                title: "โครงสร้าง".into(),
                body: String::new(),
                item_date: String::new(),
                fiscal_year: 2568,
                rhythm: UpdateRhythm::Once,
                links: String::new(),
                division_id: None,
            },
            &Actor::cli(),
        )
        .await
        .unwrap();
        disclosure::publish(
            &mut conn,
            &app.keys.audit,
            app.org.id,
            slug,
            it.no,
            &Actor::cli(),
        )
        .await
        .unwrap();
        (it.no, ())
    };
    let r = c
        .post(app.url(&format!("/{slug}/staff/oit/o1/link")))
        .form(&[
            ("csrf", csrf.as_str()),
            ("year", "2568"),
            ("info_no", &no.to_string()),
            ("url", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let page = c
        .get(app.url(&format!("/{slug}/staff/oit")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains(&format!("http://{}/{slug}/info/{no}", app.addr)));

    // The public home links the pages this build has, and the executives.
    let mut conn = app.db.pool.acquire().await.unwrap();
    disclosure::set_executives(
        &mut conn,
        &app.keys.audit,
        app.org.id,
        &disclosure::parse_executives("นายสมชาย ใจดี | นายกเทศมนตรี").unwrap(),
        &Actor::cli(),
    )
    .await
    .unwrap();
    let (anon, _) = app.client();
    let home = anon
        .get(app.url(&format!("/{slug}/")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(home.contains(&format!("href=\"/{slug}/info\"")));
    assert!(home.contains(&format!("href=\"/{slug}/search\"")));
    assert!(home.contains("นายสมชาย ใจดี"));
}

#[tokio::test]
async fn visits_are_counted_without_personal_data() {
    let app = TestApp::spawn().await;
    let slug = &app.org.slug;
    let (anon, _) = app.client();
    for _ in 0..3 {
        assert_eq!(
            anon.get(app.url(&format!("/{slug}/")))
                .send()
                .await
                .unwrap()
                .status(),
            200
        );
    }
    anon.get(app.url(&format!("/{slug}/info")))
        .send()
        .await
        .unwrap();
    anon.get(app.url("/nobody-here/")).send().await.unwrap();
    let clerk = app.user("visits-clerk", Role::Clerk).await;
    let (c, _) = app.signed_in(&clerk).await;
    let page = c
        .get(app.url(&format!("/{slug}/staff/visits")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains(&format!("/{slug}/info")));
    let mut conn = app.db.pool.acquire().await.unwrap();
    let (n,): (i64,) = sqlx::query_as(
        "SELECT CAST(SUM(views) AS BIGINT) FROM page_views WHERE org_id = $1 AND path = $2",
    )
    .bind(app.org.id)
    .bind(format!("/{slug}/"))
    .fetch_one(&mut *conn)
    .await
    .unwrap();
    assert_eq!(n, 3);
    let (cols,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM page_views WHERE org_id <> $1")
        .bind(app.org.id)
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    assert_eq!(cols, 0, "unknown organizations are not counted");
}

#[tokio::test]
async fn search_finds_information_items_and_procurement_records() {
    use prongsai_store::procurement::{self, BidderInput, ProcurementInput};
    let app = TestApp::spawn().await;
    let slug = &app.org.slug;
    let mut conn = app.db.pool.acquire().await.unwrap();
    let a = Actor::cli();
    let it = disclosure::create(
        &mut conn,
        &app.keys.audit,
        app.org.id,
        &ItemDraft {
            group: InfoGroup::Budget,
            title: "ประกาศผลการจัดซื้อจัดจ้างประจำเดือนมกราคม".into(),
            body: "ตามเอกสารแนบ".into(),
            item_date: String::new(),
            fiscal_year: 2568,
            rhythm: UpdateRhythm::Monthly,
            links: String::new(),
            division_id: None,
        },
        &a,
    )
    .await
    .unwrap();
    disclosure::publish(&mut conn, &app.keys.audit, app.org.id, slug, it.no, &a)
        .await
        .unwrap();
    let (rec, _) = procurement::create(
        &mut conn,
        &app.keys.audit,
        &app.keys.reports,
        app.org.id,
        &ProcurementInput {
            ref_no: "S-1".into(),
            fiscal_year: 2568,
            subject: "การจัดซื้อจัดจ้างวัสดุก่อสร้างถนน".into(),
            method: "specific".into(),
            budget: 100_000,
            bidders: vec![BidderInput {
                name: "ร้านรุ่งเรืองวัสดุ".into(),
                ..BidderInput::default()
            }],
            winner: Some(0),
            ..ProcurementInput::default()
        },
        &a,
    )
    .await
    .unwrap();
    drop(conn);
    let (anon, _) = app.client();
    let page = anon
        .get(app.url(&format!("/{slug}/search?q=จัดซื้อจัดจ้าง")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains(&format!("href=\"/{slug}/info/{}\"", it.no)),
        "{page}"
    );
    assert!(
        page.contains(&format!("href=\"/{slug}/procurement/records/{}\"", rec.id)),
        "{page}"
    );
    // Each result says what it is.
    assert!(
        page.contains("<span class=\"badge\">ข้อมูลข่าวสาร</span>"),
        "{page}"
    );
    assert!(
        page.contains("<span class=\"badge\">การจัดซื้อจัดจ้าง</span>"),
        "{page}"
    );
    let json: serde_json::Value = anon
        .get(app.url(&format!("/{slug}/search?q=จัดซื้อจัดจ้าง&format=json")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut kinds: Vec<&str> = json["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["kind"].as_str().unwrap())
        .collect();
    kinds.sort_unstable();
    assert_eq!(kinds, ["info", "procurement"]);
    // The winner's name finds the record too.
    let en = anon
        .get(app.url(&format!("/{slug}/search?q=รุ่งเรือง")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        en.contains(&format!("href=\"/{slug}/procurement/records/{}\"", rec.id)),
        "{en}"
    );
}
