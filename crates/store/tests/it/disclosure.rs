//! The information centre: drafting and publishing items with versions, Thai word
//! search, the OIT checklist and its live sources, visitor counts.

use crate::both_backends;
use crate::common::{TestDb, make_org};
use prongsai_domain::disclosure::{InfoGroup, Readiness, UpdateRhythm};
use prongsai_store::audit::Actor;
use prongsai_store::disclosure::{self, ItemDraft};
use prongsai_store::{oit, search, visits};

pub fn draft(title: &str, body: &str) -> ItemDraft {
    ItemDraft {
        group: InfoGroup::Budget,
        title: title.into(),
        body: body.into(),
        item_date: "2025-01-31".into(),
        fiscal_year: 2568,
        rhythm: UpdateRhythm::Monthly,
        links: "e-GP | https://process3.gprocurement.go.th/".into(),
        division_id: None,
    }
}

/// Published items (one with two versions and a file) and executives, for the
/// transfer tests.
pub async fn add_disclosure(t: &TestDb, org: &prongsai_store::orgs::Organization) {
    let mut c = t.conn().await;
    let a = Actor::cli();
    let it = disclosure::create(
        &mut c,
        t.key(),
        org.id,
        &draft(
            "ประกาศผลการจัดซื้อจัดจ้าง",
            "สรุปผลการจัดซื้อจัดจ้างประจำเดือนมกราคม ๒๕๖๘",
        ),
        &a,
    )
    .await
    .unwrap();
    disclosure::add_file(
        &mut c,
        t.key(),
        t.blobs.as_ref(),
        org.id,
        it.no,
        "สขร1.pdf",
        b"%PDF-1.4\n%%EOF\n",
        &a,
    )
    .await
    .unwrap();
    disclosure::publish_at(
        &mut c,
        t.key(),
        org.id,
        &org.slug,
        it.no,
        &a,
        1_735_000_000_000,
    )
    .await
    .unwrap();
    disclosure::update(
        &mut c,
        t.key(),
        org.id,
        it.no,
        &draft("ประกาศผลการจัดซื้อจัดจ้าง (แก้ไข)", "ฉบับแก้ไข"),
        &a,
    )
    .await
    .unwrap();
    disclosure::publish_at(
        &mut c,
        t.key(),
        org.id,
        &org.slug,
        it.no,
        &a,
        1_736_000_000_000,
    )
    .await
    .unwrap();
    disclosure::create(&mut c, t.key(), org.id, &draft("ร่างที่ยังไม่เผยแพร่", "ร่าง"), &a)
        .await
        .unwrap();
    disclosure::set_executives(
        &mut c,
        t.key(),
        org.id,
        &disclosure::parse_executives("นายสมชาย ใจดี | นายกเทศมนตรี").unwrap(),
        &a,
    )
    .await
    .unwrap();
    oit::load_shipped(&mut c, t.key(), org.id, 2568, &a)
        .await
        .unwrap();
    oit::set_link(&mut c, t.key(), org.id, 2568, "o23", Some(it.no), "", &a)
        .await
        .unwrap();
    drop(c);
    visits::add_counts(
        &t.db,
        &[visits::ViewCount {
            org_id: org.id,
            day: "2025-02-01".into(),
            path: format!("/{}/", org.slug),
            views: 3,
        }],
    )
    .await
    .unwrap();
}

both_backends! {
    async fn a_thai_word_is_found_inside_a_sentence(t: TestDb) {
        let org = make_org(&t, "search-th").await;
        let other = make_org(&t, "search-other").await;
        let mut c = t.conn().await;
        let a = Actor::cli();
        let it = disclosure::create(&mut c, t.key(), org.id, &draft("ประกาศผลการจัดซื้อจัดจ้างประจำเดือน", "รายละเอียดตามเอกสารแนบ ปีงบประมาณ ๒๕๖๘"), &a).await.unwrap();
        // A draft is not searchable.
        assert!(search::search(&mut c, org.id, "จัดซื้อจัดจ้าง", 20).await.unwrap().is_empty());
        disclosure::publish(&mut c, t.key(), org.id, &org.slug, it.no, &a).await.unwrap();
        for q in ["จัดซื้อจัดจ้าง", "จัดซื้อ", "ประกาศ", "จัดซื้อจัดจ้าง 2568"] {
            let hits = search::search(&mut c, org.id, q, 20).await.unwrap();
            assert_eq!(hits.len(), 1, "{q}");
            assert_eq!(hits[0].url, format!("/search-th/info/{}", it.no));
        }
        assert!(search::search(&mut c, org.id, "งบประมาณรายจ่าย ร้องเรียน", 20).await.unwrap().is_empty());
        assert!(search::search(&mut c, other.id, "จัดซื้อจัดจ้าง", 20).await.unwrap().is_empty(), "scoped by organization");
        // Ranked by hits: the item that says it more often comes first.
        let two = disclosure::create(&mut c, t.key(), org.id, &draft("จัดซื้อจัดจ้าง", "จัดซื้อจัดจ้าง จัดซื้อจัดจ้าง"), &a).await.unwrap();
        disclosure::publish(&mut c, t.key(), org.id, &org.slug, two.no, &a).await.unwrap();
        let hits = search::search(&mut c, org.id, "จัดซื้อจัดจ้าง", 20).await.unwrap();
        assert_eq!(hits.iter().map(|h| h.id).collect::<Vec<_>>(), vec![two.no, it.no]);
        // Withdrawn: out of search.
        disclosure::withdraw(&mut c, t.key(), org.id, two.no, &a).await.unwrap();
        assert_eq!(search::search(&mut c, org.id, "จัดซื้อจัดจ้าง", 20).await.unwrap().len(), 1);
    }

    async fn publishing_keeps_every_version(t: TestDb) {
        let org = make_org(&t, "info-versions").await;
        let mut c = t.conn().await;
        let a = Actor::user(0, "head");
        let it = disclosure::create(&mut c, t.key(), org.id, &draft("งบแสดงฐานะการเงิน", "ฉบับแรก"), &a).await.unwrap();
        assert_eq!(it.no, 1);
        assert!(disclosure::public_list(&mut c, org.id).await.unwrap().is_empty(), "drafts are not public");
        let f = disclosure::add_file(&mut c, t.key(), t.blobs.as_ref(), org.id, it.no, "งบ.pdf", b"%PDF-1.4\n%%EOF\n", &a).await.unwrap();
        assert!(disclosure::add_file(&mut c, t.key(), t.blobs.as_ref(), org.id, it.no, "x.exe", b"MZ\x90\x00", &a).await.is_err(), "media-checked");
        assert!(disclosure::public_file(&mut c, org.id, it.no, f.id).await.unwrap().is_none(), "a draft's file is not public");
        assert_eq!(disclosure::publish(&mut c, t.key(), org.id, &org.slug, it.no, &a).await.unwrap(), 1);
        assert!(disclosure::public_file(&mut c, org.id, it.no, f.id).await.unwrap().is_some());
        disclosure::update(&mut c, t.key(), org.id, it.no, &draft("งบแสดงฐานะการเงิน", "ฉบับที่สอง"), &a).await.unwrap();
        // The public still sees version 1 until the head publishes.
        let public = disclosure::public_list(&mut c, org.id).await.unwrap();
        assert_eq!(public[0].current.body, "ฉบับแรก");
        disclosure::remove_file(&mut c, t.key(), org.id, it.no, f.id, &a).await.unwrap();
        assert_eq!(disclosure::publish(&mut c, t.key(), org.id, &org.slug, it.no, &a).await.unwrap(), 2);
        let vs = disclosure::versions(&mut c, org.id, it.id).await.unwrap();
        assert_eq!(vs.iter().map(|v| v.body.as_str()).collect::<Vec<_>>(), vec!["ฉบับที่สอง", "ฉบับแรก"]);
        assert_eq!(disclosure::files_of(&mut c, org.id, it.id, 1).await.unwrap().len(), 1, "version 1 keeps its file");
        assert!(disclosure::files_of(&mut c, org.id, it.id, 2).await.unwrap().is_empty());
        // Staleness: a monthly item published long ago.
        let item = disclosure::get(&mut c, org.id, it.no).await.unwrap().unwrap();
        assert!(!item.is_stale(prongsai_store::now_ms()));
        assert!(item.is_stale(prongsai_store::now_ms() + 60 * 86_400_000));
        // Bad input is refused.
        let mut bad = draft("x", "y");
        bad.links = "javascript:alert(1)".into();
        assert!(disclosure::create(&mut c, t.key(), org.id, &bad, &a).await.is_err());
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM audit_log WHERE org_id = $1 AND entity = 'info_item'")
            .bind(org.id).fetch_one(&mut *c).await.unwrap();
        assert_eq!(n, 6);
    }

    async fn the_oit_checklist_loads_and_live_sources_check_data(t: TestDb) {
        let org = make_org(&t, "oit-live").await;
        let mut c = t.conn().await;
        let a = Actor::cli();
        let n = oit::load_shipped(&mut c, t.key(), org.id, 2568, &a).await.unwrap();
        assert!(n >= 33);
        assert_eq!(oit::load_shipped(&mut c, t.key(), org.id, 2568, &a).await.unwrap(), 0, "loading again keeps what is there");
        let items = oit::items(&mut c, org.id, 2568).await.unwrap();
        assert_eq!(items[0].code, "o1");
        assert!(items.iter().all(|i| oit::SOURCES.contains(&i.source.as_str())), "every shipped source is known");
        assert_eq!(oit::years(&mut c, org.id).await.unwrap(), vec![2568]);
        let fy_start = 1_727_715_600_000; // 1 Oct 2024, Bangkok
        let s = oit::source_state(&mut c, org.id, "executives", 2568, fy_start).await;
        assert_eq!(s.readiness, Readiness::Missing);
        disclosure::set_executives(&mut c, t.key(), org.id, &disclosure::parse_executives("ก | นายก").unwrap(), &a).await.unwrap();
        assert_eq!(oit::source_state(&mut c, org.id, "executives", 2568, fy_start).await.readiness, Readiness::Ready);
        assert_eq!(oit::source_state(&mut c, org.id, "complaint_stats", 2568, fy_start).await.readiness, Readiness::Missing);
        assert_eq!(oit::source_state(&mut c, org.id, "eservice", 2568, fy_start).await.readiness, Readiness::Missing);
        assert_eq!(oit::source_state(&mut c, org.id, "plan", 2568, fy_start).await.readiness, Readiness::Missing);
        oit::set_link(&mut c, t.key(), org.id, 2568, "o16", None, "https://example.org/survey", &a).await.unwrap();
        assert!(oit::set_link(&mut c, t.key(), org.id, 2568, "o16", None, "javascript:x", &a).await.is_err());
        assert!(oit::set_link(&mut c, t.key(), org.id, 2568, "o999", None, "", &a).await.is_err());
    }

    async fn visits_are_counted_in_batches(t: TestDb) {
        let org = make_org(&t, "visits").await;
        let b = |day: &str, path: &str, n| visits::ViewCount { org_id: org.id, day: day.into(), path: path.into(), views: n };
        visits::add_counts(&t.db, &[b("2025-02-01", "/visits/", 2), b("2025-02-01", "/visits/info", 1)]).await.unwrap();
        visits::add_counts(&t.db, &[b("2025-02-01", "/visits/", 3), b("2025-02-02", "/visits/", 1)]).await.unwrap();
        let mut c = t.conn().await;
        assert_eq!(visits::per_day(&mut c, org.id, "2025-01-01").await.unwrap(), vec![("2025-02-01".into(), 6), ("2025-02-02".into(), 1)]);
        assert_eq!(visits::top_paths(&mut c, org.id, "2025-01-01", 10).await.unwrap()[0], ("/visits/".to_string(), 6));
        assert_eq!(visits::total(&mut c, org.id).await.unwrap(), 7);
    }
}
