//! Search across everything published: plan projects, procurement records, the risk
//! register and submitted report rounds are indexed in the transaction that changes
//! them, replaced without stale hits, scoped by organization and rebuilt on
//! `org import`. (Information items: `disclosure.rs`.)

use prongsai_domain::{FiscalYear, ReportingRound};
use prongsai_plan::ParseOutcome;
use prongsai_store::audit::Actor;
use prongsai_store::procurement::{self as p, BidderInput, ProcurementInput};
use prongsai_store::search::{self, Hit};
use prongsai_store::transfer::{export_org_string, import_org};
use prongsai_store::{plans, risk, rounds};

use crate::both_backends;
use crate::common::{TestDb, make_org};

const SHA: &str = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

fn seed() -> ParseOutcome {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/plans/chachoengsao-2566-2570-b.txt");
    prongsai_plan::parse_file(&p).unwrap()
}

async fn import_plan(t: &TestDb, org_id: i64, outcome: &ParseOutcome) -> plans::PlanVersion {
    let mut c = t.conn().await;
    let findings = prongsai_plan::lint(outcome);
    plans::import(
        &mut c,
        t.key(),
        org_id,
        "plan.txt",
        SHA,
        outcome,
        &findings,
        &Actor::cli(),
    )
    .await
    .unwrap()
    .0
}

async fn find(t: &TestDb, org_id: i64, q: &str) -> Vec<Hit> {
    let mut c = t.conn().await;
    search::search(&mut c, org_id, q, 50).await.unwrap()
}

fn procurement(ref_no: &str, subject: &str, winner: &str) -> ProcurementInput {
    ProcurementInput {
        ref_no: ref_no.into(),
        fiscal_year: 2568,
        subject: subject.into(),
        description: "รายละเอียดภายในไม่เผยแพร่ ลับเฉพาะ".into(),
        method: "specific".into(),
        budget: 5_000_000,
        bidders: vec![BidderInput {
            name: winner.into(),
            ..BidderInput::default()
        }],
        winner: Some(0),
        awarded_on: "2025-01-15".into(),
        ..ProcurementInput::default()
    }
}

fn a_risk(process: &str, issue: &str, control: &str) -> risk::RiskInput {
    risk::RiskInput {
        process: process.into(),
        issues: vec![issue.into()],
        likelihood: 3,
        impact: 4,
        owner_division_id: None,
        review_date: String::new(),
        controls: vec![(control.into(), None)],
    }
}

both_backends! {
    async fn published_things_are_found_by_a_thai_word(t: TestDb) {
        let org = make_org(&t, "search-all").await;
        let other = make_org(&t, "search-b").await;
        let a = Actor::cli();

        // A project whose name, rationale and objectives say things no other project does.
        let mut plan = seed();
        plan.plan.projects[0].name = "โครงการอบรมไดโนเสาร์ต้านการทุจริต".into();
        plan.plan.projects[0].rationale = "เพื่อให้เยาวชนรู้จักพิพิธภัณฑ์ท้องถิ่น".into();
        plan.plan.projects[0].objectives = vec!["เพื่อปลูกฝังความซื่อสัตย์ผ่านนิทานพื้นบ้าน".into()];
        let no = plan.plan.projects[0].no;
        import_plan(&t, org.id, &plan).await;
        for q in ["ไดโนเสาร์", "พิพิธภัณฑ์", "นิทาน"] {
            let hits = find(&t, org.id, q).await;
            assert_eq!(hits.len(), 1, "{q}: {hits:?}");
            assert_eq!((hits[0].kind.as_str(), hits[0].id), ("project", i64::from(no)));
            assert_eq!(hits[0].url, format!("/search-all/plan/projects/{no}"));
        }

        // A procurement record: subject, method, winner; never its unpublished description.
        let mut c = t.conn().await;
        let (rec, _) = p::create(&mut c, t.key(), &t.keys.reports, org.id,
            &procurement("P-1", "จ้างเหมาซ่อมแซมถนนคอนกรีตเสริมเหล็กหมู่ที่ ๓", "ห้างหุ้นส่วนจำกัดรุ่งเรืองวิศวกรรม"), &a).await.unwrap();
        for q in ["ถนนคอนกรีต", "ซ่อมแซม", "รุ่งเรือง", "เฉพาะเจาะจง"] {
            let hits = find(&t, org.id, q).await;
            assert!(hits.iter().any(|h| h.kind == "procurement" && h.url == format!("/search-all/procurement/records/{}", rec.id)), "{q}: {hits:?}");
        }
        assert!(find(&t, org.id, "ลับเฉพาะ").await.is_empty(), "the description is not public");
        // Edited: the old subject is no longer found, the new one is.
        let mut changed = procurement("P-1", "จัดซื้อวัสดุสำนักงาน", "ห้างหุ้นส่วนจำกัดรุ่งเรืองวิศวกรรม");
        changed.awarded_on = "2025-01-16".into();
        p::update(&mut c, t.key(), &t.keys.reports, org.id, rec.id, &changed, &a).await.unwrap();
        drop(c);
        assert!(find(&t, org.id, "ถนนคอนกรีต").await.is_empty());
        assert_eq!(find(&t, org.id, "วัสดุสำนักงาน").await.len(), 1);

        // The risk register: the process, its issues and its control measures.
        let mut c = t.conn().await;
        let r = risk::create(&mut c, t.key(), org.id,
            &a_risk("การตรวจรับงานก่อสร้างอาคารเรียน", "ตรวจรับงานไม่ตรงตามแบบแปลน", "หมุนเวียนคณะกรรมการตรวจรับพัสดุทุกไตรมาส"), &a).await.unwrap();
        for q in ["อาคารเรียน", "แบบแปลน", "ไตรมาส"] {
            let hits = find(&t, org.id, q).await;
            assert_eq!(hits.len(), 1, "{q}: {hits:?}");
            assert_eq!(hits[0].kind, "risk");
            assert_eq!(hits[0].url, format!("/search-all/risks#risk-{}", r.no));
        }
        // Edited: no stale hit.
        risk::update(&mut c, t.key(), org.id, r.id,
            &a_risk("การเบิกจ่ายค่าตอบแทนล่วงเวลา", "เบิกเกินจริง", "ตรวจสอบบันทึกเวลาทำงาน"), &a).await.unwrap();
        drop(c);
        assert!(find(&t, org.id, "อาคารเรียน").await.is_empty());
        assert!(find(&t, org.id, "ไตรมาส").await.is_empty());
        assert_eq!(find(&t, org.id, "ล่วงเวลา").await.len(), 1);

        // A submitted report round, by its title.
        let mut c = t.conn().await;
        rounds::submit(&mut c, t.key(), org.id, FiscalYear::new(2568).unwrap(), ReportingRound::SixMonths, "", &a).await.unwrap();
        drop(c);
        let hits = find(&t, org.id, "รายงานผลการดำเนินงาน 2568").await;
        assert!(hits.iter().any(|h| h.kind == "report" && h.url == "/search-all/reports/2568/6m"), "{hits:?}");

        // Organization B has the same kind of things; neither sees the other's.
        import_plan(&t, other.id, &plan).await;
        let mut c = t.conn().await;
        p::create(&mut c, t.key(), &t.keys.reports, other.id,
            &procurement("B-1", "จ้างเหมาซ่อมแซมถนนคอนกรีตสายบ้านนา", "ร้านรุ่งเรืองการช่าง"), &a).await.unwrap();
        drop(c);
        let b = find(&t, other.id, "รุ่งเรือง").await;
        assert_eq!(b.len(), 1);
        assert!(b[0].url.starts_with("/search-b/"), "{b:?}");
        for q in ["รุ่งเรือง", "ไดโนเสาร์", "ถนนคอนกรีต"] {
            assert!(find(&t, org.id, q).await.iter().all(|h| h.url.starts_with("/search-all/")), "{q}");
            assert!(find(&t, other.id, q).await.iter().all(|h| h.url.starts_with("/search-b/")), "{q}");
        }
        assert!(find(&t, other.id, "ล่วงเวลา").await.is_empty(), "B has no risks");
    }

    async fn a_new_plan_version_drops_the_old_projects(t: TestDb) {
        let org = make_org(&t, "search-plan").await;
        let mut v1 = seed();
        v1.plan.projects[0].name = "โครงการอบรมไดโนเสาร์ต้านการทุจริต".into();
        import_plan(&t, org.id, &v1).await;
        assert_eq!(find(&t, org.id, "ไดโนเสาร์").await.len(), 1);
        let n1 = find(&t, org.id, "โครงการ").await.len();
        assert!(n1 > 1);

        let v2 = seed();
        let pv2 = import_plan(&t, org.id, &v2).await;
        assert!(find(&t, org.id, "ไดโนเสาร์").await.is_empty(), "the old version's project is gone");
        let name = &v2.plan.projects[0].name;
        let hits = find(&t, org.id, "โครงการ").await;
        assert_eq!(hits.len(), n1, "one document per project of the current version");
        assert!(hits.iter().all(|h| h.kind == "project" && h.at_ms == pv2.imported_at));
        assert!(hits.iter().any(|h| &h.title == name));
    }

    async fn org_import_rebuilds_the_index(t: TestDb) {
        let org = make_org(&t, "search-move").await;
        let mut plan = seed();
        plan.plan.projects[0].name = "โครงการอบรมไดโนเสาร์ต้านการทุจริต".into();
        import_plan(&t, org.id, &plan).await;
        let mut c = t.conn().await;
        p::create(&mut c, t.key(), &t.keys.reports, org.id,
            &procurement("M-1", "จ้างเหมาซ่อมแซมถนนคอนกรีตเสริมเหล็ก", "ห้างหุ้นส่วนจำกัดรุ่งเรืองวิศวกรรม"), &Actor::cli()).await.unwrap();
        let r = risk::create(&mut c, t.key(), org.id,
            &a_risk("การตรวจรับงานก่อสร้างอาคารเรียน", "ตรวจรับงานไม่ตรงตามแบบแปลน", "หมุนเวียนคณะกรรมการตรวจรับพัสดุทุกไตรมาส"), &Actor::cli()).await.unwrap();
        let doc = export_org_string(&mut c, t.blobs.clone(), org.id).await.unwrap();
        drop(c);

        let there = t.another().await;
        let moved = import_org(&there.db, there.key(), there.blobs.clone(), &doc, &Actor::cli()).await.unwrap();
        let hits = find(&there, moved.id, "ไดโนเสาร์").await;
        assert_eq!(hits.len(), 1, "{hits:?}");
        assert_eq!(hits[0].kind, "project");
        let mut c = there.conn().await;
        let rec = p::list(&mut c, moved.id, None).await.unwrap();
        drop(c);
        let hits = find(&there, moved.id, "ถนนคอนกรีต").await;
        assert_eq!(hits.len(), 1, "{hits:?}");
        assert_eq!(hits[0].url, format!("/search-move/procurement/records/{}", rec[0].id));
        // The risks section is imported after the information centre's: indexed all the same.
        let hits = find(&there, moved.id, "อาคารเรียน").await;
        assert_eq!(hits.len(), 1, "{hits:?}");
        assert_eq!(hits[0].url, format!("/search-move/risks#risk-{}", r.no));
    }
}
