//! Moving an organization between installations: export, import elsewhere, export
//! again gives the same bytes; conflicts are refused with nothing half-written.

use crate::both_backends;
use crate::common::{TestDb, populate};
use prongsai_domain::progress::{ApprovalAction, NotDoneReason, ProgressStatus};
use prongsai_domain::{FiscalYear, ReportingRound};
use prongsai_store::audit::{self, Actor};
use prongsai_store::backup;
use prongsai_store::plans;
use prongsai_store::progress::{self, KpiEntry, ProgressInput, StepTick};
use prongsai_store::rounds;
use prongsai_store::transfer::{export_org_string, import_org};
use prongsai_store::users;
use prongsai_store::{ita, risk};

async fn export(t: &TestDb, org_id: i64) -> String {
    let mut c = t.conn().await;
    export_org_string(&mut c, t.blobs.clone(), org_id)
        .await
        .unwrap()
}

async fn round_trip_into(t: &TestDb, target: &TestDb) {
    populate(t, "other").await; // another organization, which must not travel
    let org = populate(t, "bang-pra").await;
    add_progress(t, org.id).await;
    add_ita_and_risks(t, org.id).await;
    let first = export(t, org.id).await;
    check_progress_section(&first);
    check_ita_risk_section(&first);
    assert!(
        !first.contains("other-clerk"),
        "only this organization's data"
    );
    assert!(first.contains("\"password_hash\": \"$argon2id$"));
    assert!(
        !first.contains("\"storage_key\""),
        "no installation-specific keys"
    );

    // The target already has an unrelated organization, so ids differ.
    populate(target, "first-here").await;
    populate(target, "second-here").await;
    let imported = import_org(
        &target.db,
        target.key(),
        target.blobs.clone(),
        &first,
        &Actor::cli(),
    )
    .await
    .unwrap();
    assert_eq!(imported.slug, "bang-pra");
    assert_ne!(imported.id, org.id);
    let second = export(target, imported.id).await;
    assert_eq!(
        first, second,
        "export → import → export gives the same bytes"
    );

    let mut c = target.conn().await;
    assert_eq!(
        audit::verify_all(&mut c, target.key())
            .await
            .unwrap()
            .first_break,
        None
    );
    let entries = audit::recent(&mut c, imported.id, 1000, None)
        .await
        .unwrap();
    let mut src = t.conn().await;
    let original = audit::recent(&mut src, org.id, 1000, None).await.unwrap();
    assert_eq!(entries.len(), original.len());
    assert_eq!(entries[0].at_ms, original[0].at_ms, "times are kept");
    let clerk = users::by_username(&mut c, "bang-pra-clerk")
        .await
        .unwrap()
        .unwrap();
    assert!(
        users::verify_password("correct horse battery", &clerk.password_hash),
        "people sign in as before"
    );
    let last_install = audit::recent(&mut c, 0, 1, None).await.unwrap();
    assert_eq!(last_install[0].action, "org.import");
    drop(c);
    check_progress_imported(t, org.id, target, imported.id).await;
    check_ita_risks_imported(t, org.id, target, imported.id).await;
}

// ---- progress, evidence and reporting rounds travel too ------------------------------

const PLAN_SHA: &str = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

/// The key of the project numbered `no` in the organization's current plan.
async fn key_of(t: &TestDb, org_id: i64, no: i64) -> i64 {
    let mut c = t.conn().await;
    let v = plans::current(&mut c, org_id).await.unwrap().unwrap();
    plans::projects(&mut c, org_id, v.id)
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.no == no)
        .unwrap()
        .project_key
}

async fn actor(t: &TestDb, username: &str) -> Actor {
    let mut c = t.conn().await;
    let u = users::by_username(&mut c, username).await.unwrap().unwrap();
    Actor::user(u.id, username)
}

/// The seed plan, progress on three projects of 2567 (approved, waiting, could not be
/// done; steps, money, KPI results with and without baselines, fractions), a link and a
/// PNG as evidence, and the 6-month round submitted and then corrected.
async fn add_progress(t: &TestDb, org_id: i64) {
    let plan = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/plans/chachoengsao-2566-2570-b.txt");
    let outcome = prongsai_plan::parse_file(&plan).unwrap();
    let findings = prongsai_plan::lint(&outcome);
    let mut c = t.conn().await;
    plans::import(
        &mut c,
        t.key(),
        org_id,
        "plan.txt",
        PLAN_SHA,
        &outcome,
        &findings,
        &Actor::cli(),
    )
    .await
    .unwrap();
    drop(c);
    let (school, forum, budget) = (
        key_of(t, org_id, 2).await,
        key_of(t, org_id, 26).await,
        key_of(t, org_id, 4).await,
    );
    let officer = actor(t, "bang-pra-officer").await;
    let head = actor(t, "bang-pra-head").await;
    let clerk = actor(t, "bang-pra-clerk").await;
    let mut c = t.conn().await;
    let done = ProgressInput {
        status: ProgressStatus::Done,
        dev_plan_satang: Some(12_000_000),
        ordinance_satang: Some(12_000_000),
        disbursed_satang: Some(9_550_050),
        problems: "ฝนตกหนักช่วงจัดกิจกรรม".into(),
        notes: "ครูและนักเรียนเข้าร่วม ๓๒๐ คน".into(),
        steps: vec![
            StepTick {
                seq: 1,
                done: true,
                done_on: Some("2023-11-15".into()),
            },
            StepTick {
                seq: 2,
                done: true,
                done_on: None,
            },
        ],
        kpis: vec![
            KpiEntry {
                kind: "output".into(),
                seq: 1,
                actual: Some(100.0),
                baseline: None,
            },
            KpiEntry {
                kind: "outcome".into(),
                seq: 1,
                actual: Some(85.25),
                baseline: None,
            },
            KpiEntry {
                kind: "outcome".into(),
                seq: 2,
                actual: None,
                baseline: Some(0.1),
            },
        ],
        ..ProgressInput::default()
    };
    progress::save(&mut c, t.key(), org_id, school, 2567, &done, &officer)
        .await
        .unwrap();
    progress::add_link(
        &mut c,
        t.key(),
        org_id,
        school,
        2567,
        "https://example.org/ข่าว?id=1",
        "ข่าวประชาสัมพันธ์",
        &officer,
    )
    .await
    .unwrap();
    let png = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../media/tests/fixtures/tiny.png"
    ))
    .unwrap();
    progress::add_file(
        &mut c,
        t.blobs.as_ref(),
        t.key(),
        org_id,
        school,
        2567,
        "ภาพกิจกรรม.png",
        &png,
        "ภาพกิจกรรม",
        &officer,
    )
    .await
    .unwrap();
    progress::decide(
        &mut c,
        t.key(),
        org_id,
        school,
        2567,
        ApprovalAction::Submit,
        "",
        &officer,
    )
    .await
    .unwrap();
    progress::decide(
        &mut c,
        t.key(),
        org_id,
        school,
        2567,
        ApprovalAction::Approve,
        "",
        &head,
    )
    .await
    .unwrap();
    let not_done = ProgressInput {
        status: ProgressStatus::CouldNotBeDone,
        reason: Some(NotDoneReason::Other),
        reason_text: "เลื่อนไปปีถัดไป".into(),
        ..ProgressInput::default()
    };
    progress::save(
        &mut c,
        t.key(),
        org_id,
        forum,
        2567,
        &not_done,
        &Actor::cli(),
    )
    .await
    .unwrap();
    let waiting = ProgressInput {
        status: ProgressStatus::InProgress,
        disbursed_satang: Some(0),
        ..ProgressInput::default()
    };
    progress::save(&mut c, t.key(), org_id, budget, 2567, &waiting, &officer)
        .await
        .unwrap();
    progress::decide(
        &mut c,
        t.key(),
        org_id,
        budget,
        2567,
        ApprovalAction::Submit,
        "",
        &officer,
    )
    .await
    .unwrap();
    let fy = FiscalYear::new(2567).unwrap();
    rounds::submit(
        &mut c,
        t.key(),
        org_id,
        fy,
        ReportingRound::SixMonths,
        "",
        &clerk,
    )
    .await
    .unwrap();
    progress::save(
        &mut c,
        t.key(),
        org_id,
        forum,
        2566,
        &waiting,
        &Actor::cli(),
    )
    .await
    .unwrap();
    rounds::submit(
        &mut c,
        t.key(),
        org_id,
        fy,
        ReportingRound::SixMonths,
        "แก้ไขยอดเบิกจ่าย",
        &clerk,
    )
    .await
    .unwrap();
}

// ---- ITA results, case counts and the risk register travel too -----------------------

/// ITA scores (with and without parts, fractions), case counts from the 2565 baseline,
/// a stricter risk matrix, the register seeded from the plan (controls linked to
/// projects by key, some unlinked), a risk entered by hand with an owner division and
/// a review date, and two yearly reviews.
async fn add_ita_and_risks(t: &TestDb, org_id: i64) {
    use prongsai_domain::ita::ItaResult;
    use prongsai_domain::risk::RiskMatrix;
    let clerk = actor(t, "bang-pra-clerk").await;
    let projects = (key_of(t, org_id, 2).await, key_of(t, org_id, 4).await);
    let mut c = t.conn().await;
    for (year, score, iit, eit, oit) in [
        (2566, 63.5, Some(70.0), Some(60.25), None),
        (2567, 71.17, None, None, Some(88.0)),
    ] {
        let r = ItaResult {
            fiscal_year: year,
            score,
            iit,
            eit,
            oit,
        };
        ita::set_score(&mut c, t.key(), org_id, &r, "ผลประเมินจาก ป.ป.ช.", &clerk)
            .await
            .unwrap();
    }
    for (year, n) in [(2565, 10), (2566, 9), (2567, 7)] {
        ita::set_cases(&mut c, t.key(), org_id, year, n, "", &clerk)
            .await
            .unwrap();
    }
    risk::set_matrix(
        &mut c,
        t.key(),
        org_id,
        RiskMatrix::new(3, 8, 16).unwrap(),
        &clerk,
    )
    .await
    .unwrap();
    let seeded = risk::seed_from_plan(&mut c, t.key(), org_id, &Actor::cli())
        .await
        .unwrap();
    assert_eq!(seeded.created, 4);
    let finance = prongsai_store::orgs::divisions(&mut c, org_id)
        .await
        .unwrap()
        .into_iter()
        .find(|d| d.code == "finance")
        .unwrap();
    let input = risk::RiskInput {
        process: "การจัดซื้อจัดจ้างวิธีเฉพาะเจาะจง".into(),
        issues: vec!["แบ่งซื้อแบ่งจ้าง".into(), "กำหนดคุณลักษณะเอื้อผู้ขาย".into()],
        likelihood: 4,
        impact: 3,
        owner_division_id: Some(finance.id),
        review_date: "2024-09-30".into(),
        controls: vec![
            ("เผยแพร่แผนจัดซื้อจัดจ้าง".into(), Some(projects.1)),
            ("อบรมเจ้าหน้าที่พัสดุ".into(), Some(projects.0)),
            ("ตรวจสอบโดยผู้ตรวจสอบภายใน".into(), None),
        ],
    };
    let r = risk::create(&mut c, t.key(), org_id, &input, &clerk)
        .await
        .unwrap();
    risk::review(
        &mut c,
        t.key(),
        org_id,
        r.id,
        2567,
        3,
        3,
        "2025-09-30",
        "ทบทวนประจำปี",
        &clerk,
    )
    .await
    .unwrap();
    risk::review(&mut c, t.key(), org_id, r.id, 2568, 2, 3, "", "ดีขึ้น", &clerk)
        .await
        .unwrap();
}

/// The sections hold everything, by year, code, plan version and project key; no ids.
fn check_ita_risk_section(doc: &str) {
    let v: serde_json::Value = serde_json::from_str(doc).unwrap();
    let ita = &v["sections"]["ita"];
    assert_eq!(ita["scores"].as_array().unwrap().len(), 2, "{ita}");
    assert_eq!(ita["scores"][0]["eit"], 60.25);
    assert_eq!(ita["scores"][0]["oit"], serde_json::Value::Null);
    assert_eq!(ita["cases"].as_array().unwrap().len(), 3);
    assert_eq!(ita["cases"][0]["fiscal_year"], 2565);
    let sec = &v["sections"]["risks"];
    assert_eq!(sec["matrix"]["high_from"], 8, "{sec}");
    let risks = sec["risks"].as_array().unwrap();
    assert_eq!(risks.len(), 5);
    assert!(risks[..4].iter().all(|r| r["source"]["plan_version"] == 1));
    assert!(
        risks[..4].iter().any(|r| r["controls"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["project_key"].is_null())),
        "seeded controls no project carries out"
    );
    let mine = &risks[4];
    assert_eq!(mine["owner_division"], "finance");
    assert_eq!(mine["source"], serde_json::Value::Null);
    assert_eq!(mine["review_date"], "2025-09-30");
    assert_eq!(mine["controls"].as_array().unwrap().len(), 3);
    assert!(mine["controls"][0]["project_key"].is_i64());
    let reviews = mine["reviews"].as_array().unwrap();
    assert_eq!(reviews.len(), 2);
    assert_eq!(reviews[0]["fiscal_year"], 2567, "oldest first");
    assert_eq!(reviews[1]["reviewed_by"], "bang-pra-clerk");
    for s in [ita, sec] {
        for key in [
            "\"id\"",
            "\"org_id\"",
            "\"risk_id\"",
            "_division_id\"",
            "plan_id\"",
        ] {
            assert!(!s.to_string().contains(key), "{key} in {s}");
        }
    }
}

/// The register and results read back the same through the store.
async fn check_ita_risks_imported(src: &TestDb, src_org: i64, dst: &TestDb, dst_org: i64) {
    let (mut a, mut b) = (src.conn().await, dst.conn().await);
    assert_eq!(
        ita::comparison(&mut a, src_org).await.unwrap(),
        ita::comparison(&mut b, dst_org).await.unwrap()
    );
    assert_eq!(
        risk::matrix(&mut a, src_org).await.unwrap(),
        risk::matrix(&mut b, dst_org).await.unwrap()
    );
    let (ra, rb) = (
        risk::list(&mut a, src_org).await.unwrap(),
        risk::list(&mut b, dst_org).await.unwrap(),
    );
    assert_eq!(ra.len(), rb.len());
    let plan_b = plans::current(&mut b, dst_org).await.unwrap().unwrap();
    let code_of = |divisions: Vec<prongsai_store::orgs::Division>, id: Option<i64>| {
        id.map(|id| divisions.into_iter().find(|d| d.id == id).unwrap().code)
    };
    for (x, y) in ra.iter().zip(&rb) {
        assert_eq!(
            (
                &x.process,
                &x.issues,
                x.likelihood,
                x.impact,
                x.level,
                &x.review_date
            ),
            (
                &y.process,
                &y.issues,
                y.likelihood,
                y.impact,
                y.level,
                &y.review_date
            )
        );
        assert_eq!(
            x.controls, y.controls,
            "controls with their linked projects"
        );
        assert_eq!(x.source_seq, y.source_seq);
        if x.source_plan_id.is_some() {
            assert_eq!(y.source_plan_id, Some(plan_b.id));
        }
        assert_eq!(
            code_of(
                prongsai_store::orgs::divisions(&mut a, src_org)
                    .await
                    .unwrap(),
                x.owner_division_id
            ),
            code_of(
                prongsai_store::orgs::divisions(&mut b, dst_org)
                    .await
                    .unwrap(),
                y.owner_division_id
            ),
            "the owner division, by code"
        );
        let (ha, hb) = (
            risk::reviews(&mut a, src_org, x.id).await.unwrap(),
            risk::reviews(&mut b, dst_org, y.id).await.unwrap(),
        );
        let strip = |h: Vec<risk::Review>| {
            h.into_iter()
                .map(|r| {
                    (
                        r.fiscal_year,
                        r.likelihood,
                        r.impact,
                        r.level,
                        r.note,
                        r.reviewed_by,
                        r.reviewed_at,
                    )
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(strip(ha), strip(hb));
    }
    assert_eq!(
        risk::reviews(&mut b, dst_org, rb[4].id)
            .await
            .unwrap()
            .len(),
        2
    );
}

/// The section holds everything, with no database ids and no storage keys.
fn check_progress_section(doc: &str) {
    let v: serde_json::Value = serde_json::from_str(doc).unwrap();
    let sec = &v["sections"]["progress"];
    assert_eq!(sec["progress"].as_array().unwrap().len(), 4, "{sec}");
    assert_eq!(sec["evidence"].as_array().unwrap().len(), 2);
    let rounds = sec["rounds"].as_array().unwrap();
    assert_eq!(rounds.len(), 2);
    assert_eq!(
        (rounds[1]["version"].as_i64(), rounds[1]["note"].as_str()),
        (Some(2), Some("แก้ไขยอดเบิกจ่าย"))
    );
    assert_eq!(rounds[0]["submitted_by"], "bang-pra-clerk");
    let photo = sec["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "photo")
        .unwrap();
    assert_eq!(photo["added_by"], "bang-pra-officer");
    assert_eq!(photo["file"]["original_name"], "ภาพกิจกรรม.png");
    let sha = photo["file"]["sha256"].as_str().unwrap();
    assert!(
        v["sections"]["files"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["sha256"] == sha && f["content_base64"].is_string()),
        "the photo's bytes travel in the files section"
    );
    for key in ["\"id\"", "\"org_id\"", "\"file_id\"", "\"storage_key\""] {
        assert!(
            !sec.to_string().contains(key),
            "{key} in the progress section"
        );
    }
}

/// What was imported reads back the same through the store.
async fn check_progress_imported(src: &TestDb, src_org: i64, dst: &TestDb, dst_org: i64) {
    let school = key_of(src, src_org, 2).await;
    let fy = FiscalYear::new(2567).unwrap();
    let (mut a, mut b) = (src.conn().await, dst.conn().await);
    for key in [school, key_of(src, src_org, 26).await] {
        let (mut pa, mut pb) = (
            progress::get(&mut a, src_org, key, 2567).await.unwrap(),
            progress::get(&mut b, dst_org, key, 2567).await.unwrap(),
        );
        pa.org_id = 0;
        pb.org_id = 0;
        assert_eq!(pa, pb, "progress of project {key}");
    }
    let ev = progress::evidence(&mut b, dst_org, school, 2567)
        .await
        .unwrap();
    assert_eq!(ev.len(), 2);
    let photo = ev
        .iter()
        .find(|e| e.kind == progress::EvidenceKind::Photo)
        .unwrap();
    let (_, meta) = progress::evidence_item(&mut b, dst_org, photo.id)
        .await
        .unwrap()
        .unwrap();
    let meta = meta.unwrap();
    assert_eq!(meta.content_type, "image/png");
    assert!(
        dst.blobs
            .get(&meta.storage_key)
            .unwrap()
            .starts_with(b"\x89PNG"),
        "the photo's bytes came along"
    );
    let officer = users::by_username(&mut b, "bang-pra-officer")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        photo.added_by, officer.id,
        "who added it, as the new installation's account"
    );
    for version in [Some(1), None] {
        let (va, ra) = rounds::report(&mut a, src_org, fy, ReportingRound::SixMonths, version)
            .await
            .unwrap()
            .unwrap();
        let (vb, rb) = rounds::report(&mut b, dst_org, fy, ReportingRound::SixMonths, version)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (va.version, va.note, va.submitted_at),
            (vb.version, vb.note, vb.submitted_at)
        );
        assert_eq!(ra, rb, "the frozen report is the same");
    }
}

both_backends! {
    async fn export_import_export_is_byte_identical(t: TestDb) {
        let target = t.another().await;
        round_trip_into(&t, &target).await;
    }

    async fn refuses_conflicts_and_garbage_without_writing(t: TestDb) {
        let org = populate(&t, "bang-pra").await;
        let doc = export(&t, org.id).await;
        let target = t.another().await;
        // A different account with the same user name already lives there.
        let mut c = target.conn().await;
        users::create(&mut c, target.key(), 0, "bang-pra-officer", "คนอื่น", "", "another password!", &Actor::cli()).await.unwrap();
        drop(c);
        let before = backup::logical_dump(&target.db).await.unwrap();
        let err = import_org(&target.db, target.key(), target.blobs.clone(), &doc, &Actor::cli()).await.unwrap_err();
        assert!(err.to_string().contains("bang-pra-officer"), "{err}");
        assert_eq!(backup::logical_dump(&target.db).await.unwrap(), before, "nothing half-written");
        assert!(target.blobs.list().unwrap().is_empty(), "no stray files");

        // The same slug twice.
        let err = import_org(&t.db, t.key(), t.blobs.clone(), &doc, &Actor::cli()).await.unwrap_err();
        assert!(err.to_string().contains("bang-pra"), "{err}");

        for garbage in ["", "not json", "{}", "{\"format\":\"prongsai-org-export\",\"format_version\":99,\"sections\":{}}",
                        "{\"format\":\"prongsai-org-export\",\"format_version\":1,\"sections\":{\"plans\":[]}}"] {
            let err = import_org(&target.db, target.key(), target.blobs.clone(), garbage, &Actor::cli()).await.unwrap_err();
            assert!(matches!(err, prongsai_store::StoreError::Invalid(_)), "{garbage:?}: {err}");
        }
        // A tampered file is refused, after the first file was already stored.
        let clean = t.another().await;
        let before = backup::logical_dump(&clean.db).await.unwrap();
        let tampered = doc.replacen("\"size_bytes\": 5", "\"size_bytes\": 6", 1);
        assert_ne!(tampered, doc);
        let err = import_org(&clean.db, clean.key(), clean.blobs.clone(), &tampered, &Actor::cli()).await.unwrap_err();
        assert!(err.to_string().contains("does not match"), "{err}");
        assert_eq!(backup::logical_dump(&clean.db).await.unwrap(), before);
        assert!(clean.blobs.list().unwrap().is_empty(), "the stored file is removed again");
    }

    async fn reuses_the_same_account(t: TestDb) {
        let org = populate(&t, "bang-pra").await;
        let doc = export(&t, org.id).await;
        // Rename the organization at the source and import the export back: the
        // accounts are the very same, so they are reused.
        let mut c = t.conn().await;
        sqlx::query("UPDATE organizations SET slug = 'bang-pra-old' WHERE id = $1").bind(org.id).execute(&mut *c).await.unwrap();
        // API keys are unique in an installation: the old copy gives its keys up.
        sqlx::query("DELETE FROM api_keys WHERE org_id = $1").bind(org.id).execute(&mut *c).await.unwrap();
        drop(c);
        let again = import_org(&t.db, t.key(), t.blobs.clone(), &doc, &Actor::cli()).await.unwrap();
        let mut c = t.conn().await;
        let clerk = users::by_username(&mut c, "bang-pra-clerk").await.unwrap().unwrap();
        assert_eq!(users::memberships_of(&mut c, clerk.id).await.unwrap().len(), 2);
        assert_eq!(export(&t, again.id).await, doc);
    }
}

/// Export on SQLite, import on PostgreSQL, export again: the same bytes.
mod sqlite_export_imports_into {
    use super::*;

    #[tokio::test]
    #[ignore = "needs PostgreSQL: set PRONGSAI_TEST_POSTGRES"]
    async fn postgres() {
        crate::common::run(prongsai_store::Backend::Sqlite, |t: TestDb| async move {
            let target = t.another_on(prongsai_store::Backend::Postgres).await;
            round_trip_into(&t, &target).await;
        })
        .await
    }
}
