//! Plans: importing versions (one transaction, previous versions kept, audit-logged
//! with the change), the tables under a version, division matching, scoping, and the
//! plan travelling with `org export` / `org import` and with backups.

use crate::both_backends;
use crate::common::{TestDb, make_org, populate};
use prongsai_plan::{ParseOutcome, Severity};
use prongsai_store::audit::{self, Actor};
use prongsai_store::backup::{self, Quiet};
use prongsai_store::orgs::{self, Division};
use prongsai_store::transfer::{export_org_string, import_org};
use prongsai_store::{StoreError, plans};

fn seed() -> (ParseOutcome, Vec<prongsai_plan::Finding>) {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/plans/chachoengsao-2566-2570-b.txt");
    let outcome = prongsai_plan::parse_file(&p).unwrap();
    let findings = prongsai_plan::lint(&outcome);
    (outcome, findings)
}

const SHA: &str = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

async fn import(
    t: &TestDb,
    org_id: i64,
    outcome: &ParseOutcome,
    findings: &[prongsai_plan::Finding],
) -> Result<(plans::PlanVersion, prongsai_plan::diff::PlanDiff), StoreError> {
    let mut c = t.conn().await;
    plans::import(
        &mut c,
        t.key(),
        org_id,
        "plan.txt",
        SHA,
        outcome,
        findings,
        &Actor::user(7, "somchai"),
    )
    .await
}

fn division(id: i64, name: &str) -> Division {
    Division {
        id,
        org_id: 1,
        code: format!("d{id}"),
        name_th: name.into(),
        name_en: String::new(),
        head_user_id: None,
        sort_order: id,
    }
}

#[test]
fn responsible_units_match_divisions_tolerantly() {
    let divs = vec![
        division(1, "สำนักปลัดเทศบาล"),
        division(2, "กองคลัง"),
        division(3, "หน่วยตรวจสอบภายใน"),
        division(4, "กองการเจ้าหน้าที่"),
    ];
    let org = ["เทศบาลเมืองฉะเชิงเทรา"];
    let m = |s: &str| plans::match_division(s, &org, &divs).map(|d| d.id);
    assert_eq!(m("กองคลัง"), Some(2));
    assert_eq!(m("คลัง"), Some(2));
    assert_eq!(m("กอง คลัง"), Some(2));
    assert_eq!(m("สำนักปลัดเทศบาล"), Some(1));
    assert_eq!(m("สำนักปลัด"), Some(1));
    assert_eq!(m("หน่วยงานตรวจสอบภายใน เทศบาลเมืองฉะเชิงเทรา"), Some(3));
    assert_eq!(m("กองการเจ้าหน้าที่ / กองคลัง"), Some(4), "the first unit named");
    assert_eq!(m("ทุกสำนัก/กอง ของเทศบาลเมืองฉะเชิงเทรา"), None);
    assert_eq!(m("กองช่าง"), None);
    assert_eq!(m(""), None);
}

both_backends! {
    async fn import_versions_and_diff(t: TestDb) {
        let org = populate(&t, "chachoengsao").await;
        let (outcome, findings) = seed();
        let (v1, d1) = import(&t, org.id, &outcome, &findings).await.unwrap();
        assert_eq!((v1.version, v1.project_count, v1.is_current), (1, 36, true));
        assert_eq!((v1.first_year, v1.last_year), (2566, 2570));
        assert_eq!(v1.error_count, findings.iter().filter(|f| f.severity == Severity::Error).count() as i64);
        assert_eq!(v1.imported_by, "somchai");
        assert_eq!(d1.projects_added.len(), 36, "first version: all new");

        let mut c = t.conn().await;
        let projects = plans::projects(&mut c, org.id, v1.id).await.unwrap();
        assert_eq!(projects.len(), 36);
        assert_eq!(projects.iter().map(|p| p.project_key).collect::<Vec<_>>(), (1..=36).collect::<Vec<_>>());
        let divs = orgs::divisions(&mut c, org.id).await.unwrap();
        let finance = divs.iter().find(|d| d.code == "finance").unwrap().id;
        let office = divs.iter().find(|d| d.code == "office").unwrap().id;
        for p in &projects {
            let want = match p.responsible.as_str() {
                "กองคลัง" | "คลัง" => Some(finance),
                "สำนักปลัดเทศบาล" => Some(office),
                _ => None,
            };
            assert_eq!(p.division_id, want, "project {} ({})", p.no, p.responsible);
        }
        let budgets = plans::budgets(&mut c, org.id, v1.id).await.unwrap();
        assert_eq!(budgets.len(), 36 * 5);
        assert!(budgets.iter().filter(|b| b.project_no == 2).all(|b| b.amount == 120_000));
        assert_eq!(plans::budget_totals(&mut c, org.id, v1.id).await.unwrap(), (2566..=2570).map(|y| (y, 310_000)).collect::<Vec<_>>());
        let kpis = plans::kpis(&mut c, org.id, v1.id).await.unwrap();
        assert!(kpis.iter().any(|k| k.op.as_deref() == Some(">=") && k.value == Some(80.0) && k.unit.as_deref() == Some("percent")));
        let targets = plans::targets(&mut c, org.id, v1.id).await.unwrap();
        let ita: Vec<f64> = targets.iter().filter(|x| x.kind == "ita_score").map(|x| x.value).collect();
        assert_eq!(ita, [65.0, 70.0, 75.0, 80.0, 85.0]);
        assert_eq!(plans::risks(&mut c, org.id, v1.id).await.unwrap().len(), 4);
        assert_eq!(plans::plan(&mut c, org.id, v1.id).await.unwrap().unwrap(), outcome.plan);
        assert_eq!(plans::findings(&mut c, org.id, v1.id).await.unwrap(), findings);
        drop(c);

        // Version 2: a budget and the ITA target changed, a project renamed, one removed.
        let mut changed = outcome.clone();
        changed.plan.projects[1].budget.insert("2567".into(), 150_000);
        changed.plan.targets.ita_score.insert("2570".into(), 90.0);
        changed.plan.projects[4].name.push_str(" (ปรับปรุง)");
        let removed = changed.plan.projects.remove(35);
        let (v2, d2) = import(&t, org.id, &changed, &findings).await.unwrap();
        assert_eq!((v2.version, v2.project_count, v2.is_current), (2, 35, true));
        assert!(d2.budget_changes.iter().any(|b| b.project_no == 2 && b.fiscal_year == 2567 && b.old == 120_000 && b.new == 150_000), "{d2:?}");
        assert!(d2.target_changes.iter().any(|x| x.kind == "ita_score" && x.fiscal_year == 2570 && x.new == Some(90.0)));
        assert_eq!(d2.projects_removed.iter().map(|p| p.name.clone()).collect::<Vec<_>>(), [removed.name]);
        assert_eq!(d2.projects_renamed.len(), 1);
        assert!(d2.projects_added.is_empty());

        let mut c = t.conn().await;
        let versions = plans::versions(&mut c, org.id).await.unwrap();
        assert_eq!(versions.iter().map(|v| (v.version, v.is_current)).collect::<Vec<_>>(), [(2, true), (1, false)]);
        assert_eq!(plans::current(&mut c, org.id).await.unwrap().map(|v| v.id), Some(v2.id));
        assert_eq!(plans::by_version(&mut c, org.id, 1).await.unwrap().map(|v| v.id), Some(v1.id));
        // Version 1 is kept whole.
        assert_eq!(plans::projects(&mut c, org.id, v1.id).await.unwrap().len(), 36);
        // The renamed project keeps its key.
        let p2 = plans::projects(&mut c, org.id, v2.id).await.unwrap();
        assert_eq!(p2[4].project_key, 5);
        assert_eq!(plans::diff_with_previous(&mut c, org.id, 2).await.unwrap().unwrap(), d2);

        // Version 3 adds a project back: it gets a new key.
        let (v3, d3) = import(&t, org.id, &outcome, &findings).await.unwrap();
        assert_eq!(d3.projects_added.len(), 1);
        let p3 = plans::projects(&mut c, org.id, v3.id).await.unwrap();
        assert_eq!(p3[35].project_key, 37);

        // Audit: one entry per import, with the change as `after`.
        let entries: Vec<_> = audit::recent(&mut c, org.id, 100, None).await.unwrap().into_iter().filter(|e| e.action == "plan.import").collect();
        assert_eq!(entries.iter().map(|e| e.entity_id.as_str()).collect::<Vec<_>>(), ["3", "2", "1"]);
        assert_eq!(entries[2].before, "null");
        let after: serde_json::Value = serde_json::from_str(&entries[1].after).unwrap();
        assert_eq!(after["version"], 2);
        assert_eq!(after["previous_version"], 1);
        assert_eq!(after["changes"]["budget_changes"][0]["new"], 150_000);
        assert_eq!(entries[1].actor, "somchai");
        assert_eq!(audit::verify_all(&mut c, t.key()).await.unwrap().first_break, None);
    }

    async fn a_failed_import_writes_nothing(t: TestDb) {
        let org = make_org(&t, "bang-pra").await;
        let (outcome, findings) = seed();
        import(&t, org.id, &outcome, &findings).await.unwrap();
        let before = backup::logical_dump(&t.db).await.unwrap();
        // A budget year that is not a year fails half-way through the writes.
        let mut bad = outcome.clone();
        bad.plan.projects[20].budget.insert("ปีหน้า".into(), 5);
        let err = import(&t, org.id, &bad, &findings).await.unwrap_err();
        assert!(matches!(err, StoreError::Invalid(_)), "{err}");
        assert_eq!(backup::logical_dump(&t.db).await.unwrap(), before, "nothing half-written");
        let mut c = t.conn().await;
        let bad_sha = plans::import(&mut c, t.key(), org.id, "x.txt", "not-a-sha", &outcome, &findings, &Actor::cli()).await;
        assert!(matches!(bad_sha, Err(StoreError::Invalid(_))), "{bad_sha:?}");
        let no_org = plans::import(&mut c, t.key(), 999, "x.txt", SHA, &outcome, &findings, &Actor::cli()).await;
        assert!(matches!(no_org, Err(StoreError::NotFound(_))), "{no_org:?}");
        drop(c);
        assert_eq!(backup::logical_dump(&t.db).await.unwrap(), before, "nothing half-written");
        // The next good import is version 2, and version 1 is still current until then.
        let mut c = t.conn().await;
        assert_eq!(plans::current(&mut c, org.id).await.unwrap().map(|v| v.version), Some(1));
        drop(c);
        let (v2, d2) = import(&t, org.id, &outcome, &findings).await.unwrap();
        assert_eq!(v2.version, 2);
        assert!(d2.is_empty(), "{d2:?}");
    }

    async fn scoped_by_organization(t: TestDb) {
        let a = make_org(&t, "bang-pra").await;
        let b = make_org(&t, "ampher").await;
        let (outcome, findings) = seed();
        let (va, _) = import(&t, a.id, &outcome, &findings).await.unwrap();
        let mut c = t.conn().await;
        assert_eq!(plans::current(&mut c, b.id).await.unwrap(), None);
        assert!(plans::versions(&mut c, b.id).await.unwrap().is_empty());
        assert_eq!(plans::by_version(&mut c, b.id, 1).await.unwrap(), None);
        assert_eq!(plans::plan(&mut c, b.id, va.id).await.unwrap(), None, "A's plan through B");
        assert!(plans::projects(&mut c, b.id, va.id).await.unwrap().is_empty());
        assert!(plans::budgets(&mut c, b.id, va.id).await.unwrap().is_empty());
        assert!(plans::kpis(&mut c, b.id, va.id).await.unwrap().is_empty());
        assert!(plans::targets(&mut c, b.id, va.id).await.unwrap().is_empty());
        assert!(plans::risks(&mut c, b.id, va.id).await.unwrap().is_empty());
        assert!(plans::findings(&mut c, b.id, va.id).await.unwrap().is_empty());
        drop(c);
        // B's own first import is B's version 1, with B's own project keys.
        let (vb, _) = import(&t, b.id, &outcome, &findings).await.unwrap();
        assert_eq!(vb.version, 1);
        let mut c = t.conn().await;
        assert_eq!(plans::projects(&mut c, b.id, vb.id).await.unwrap()[0].project_key, 1);
        assert_eq!(plans::current(&mut c, a.id).await.unwrap().map(|v| v.id), Some(va.id));
    }

    async fn plans_travel_with_org_export_and_backups(t: TestDb) {
        let org = populate(&t, "chachoengsao").await;
        let (outcome, findings) = seed();
        import(&t, org.id, &outcome, &findings).await.unwrap();
        let mut changed = outcome.clone();
        changed.plan.projects[0].budget.insert("2566".into(), 1);
        import(&t, org.id, &changed, &findings).await.unwrap();

        let mut c = t.conn().await;
        let first = export_org_string(&mut c, t.blobs.clone(), org.id).await.unwrap();
        drop(c);
        let doc: serde_json::Value = serde_json::from_str(&first).unwrap();
        let section = doc["sections"]["plans"].as_array().unwrap();
        assert_eq!(section.len(), 2);
        assert_eq!(section[1]["is_current"], true);
        assert_eq!(section[0]["projects"].as_array().unwrap().len(), 36);
        assert!(section[0]["projects"].as_array().unwrap().iter().any(|p| p["division"] == "finance"));
        for key in ["\"id\"", "\"plan_id\"", "\"org_id\"", "\"division_id\""] {
            assert!(!section.iter().any(|v| v.to_string().contains(key)), "{key} in the plans section");
        }

        let target = t.another().await;
        make_org(&target, "first-here").await;
        let imported = import_org(&target.db, target.key(), target.blobs.clone(), &first, &Actor::cli()).await.unwrap();
        let mut c = target.conn().await;
        let second = export_org_string(&mut c, target.blobs.clone(), imported.id).await.unwrap();
        assert_eq!(first, second, "export → import → export gives the same bytes");
        let cur = plans::current(&mut c, imported.id).await.unwrap().unwrap();
        assert_eq!(cur.version, 2);
        let finance = orgs::division_by_code(&mut c, imported.id, "finance").await.unwrap().unwrap();
        assert!(plans::projects(&mut c, imported.id, cur.id).await.unwrap().iter().any(|p| p.division_id == Some(finance.id)));
        assert_eq!(plans::budgets(&mut c, imported.id, cur.id).await.unwrap().len(), 36 * 5);
        drop(c);

        // A backup holds the plan tables and restores them.
        let zip = t.dir.path().join("backup.zip");
        let m = backup::backup(&t.db, t.blobs.as_ref(), &zip, &Quiet).await.unwrap();
        assert!(m.tables.iter().any(|x| x.name == "plan_budgets" && x.rows == 2 * 36 * 5), "{:?}", m.tables);
        let restored = t.another().await;
        backup::restore(&restored.db, restored.blobs.clone(), &zip, &Quiet).await.unwrap();
        assert_eq!(backup::logical_dump(&restored.db).await.unwrap(), backup::logical_dump(&t.db).await.unwrap());
    }
}
