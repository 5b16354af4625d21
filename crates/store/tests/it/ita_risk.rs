//! ITA scores and corruption cases against the plan's targets; the risk register seeded
//! from the seed plan's Part 1 (four risks, controls linked to projects), reviewed with
//! history, levels from a configurable matrix; scoping and audit.

use crate::both_backends;
use crate::common::{TestDb, make_org, populate};
use prongsai_domain::ita::ItaResult;
use prongsai_domain::risk::{RiskLevel, RiskMatrix};
use prongsai_store::audit::{self, Actor};
use prongsai_store::{ita, plans, risk};

async fn import_seed(t: &TestDb, org_id: i64) -> plans::PlanVersion {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/plans/chachoengsao-2566-2570-b.txt");
    let outcome = prongsai_plan::parse_file(&p).unwrap();
    let findings = prongsai_plan::lint(&outcome);
    let mut c = t.conn().await;
    plans::import(
        &mut c,
        t.key(),
        org_id,
        "plan.txt",
        &"ab".repeat(32),
        &outcome,
        &findings,
        &Actor::cli(),
    )
    .await
    .unwrap()
    .0
}

both_backends! {
    async fn ita_scores_and_cases_against_the_plan(t: TestDb) {
        let org = populate(&t, "chachoengsao").await;
        import_seed(&t, org.id).await;
        let mut c = t.conn().await;
        let clerk = Actor::user(1, "clerk");
        ita::set_score(&mut c, t.key(), org.id, &ItaResult { fiscal_year: 2566, score: 63.5, iit: Some(70.0), eit: Some(60.25), oit: None }, "", &clerk).await.unwrap();
        ita::set_score(&mut c, t.key(), org.id, &ItaResult { fiscal_year: 2567, score: 71.0, iit: None, eit: None, oit: Some(88.0) }, "รอบ ๒", &clerk).await.unwrap();
        // A correction replaces the year's score.
        let s = ita::set_score(&mut c, t.key(), org.id, &ItaResult { fiscal_year: 2566, score: 66.0, iit: Some(70.0), eit: Some(60.25), oit: None }, "แก้ไข", &clerk).await.unwrap();
        assert_eq!(s.score, 66.0);
        assert_eq!(s.eit, Some(60.25));
        assert!(ita::set_score(&mut c, t.key(), org.id, &ItaResult { fiscal_year: 2568, score: 101.0, iit: None, eit: None, oit: None }, "", &clerk).await.is_err());
        ita::set_cases(&mut c, t.key(), org.id, 2565, 10, "ฐาน", &clerk).await.unwrap();
        ita::set_cases(&mut c, t.key(), org.id, 2566, 9, "", &clerk).await.unwrap();
        ita::set_cases(&mut c, t.key(), org.id, 2567, 9, "", &clerk).await.unwrap();
        assert!(ita::set_cases(&mut c, t.key(), org.id, 2567, -1, "", &clerk).await.is_err());

        let cmp = ita::comparison(&mut c, org.id).await.unwrap();
        assert_eq!(cmp.baseline_cases, Some(10));
        let years: Vec<i64> = cmp.years.iter().map(|y| y.fiscal_year).collect();
        assert_eq!(years, [2566, 2567, 2568, 2569, 2570]);
        let targets: Vec<Option<f64>> = cmp.years.iter().map(|y| y.ita_target).collect();
        assert_eq!(targets, [Some(65.0), Some(70.0), Some(75.0), Some(80.0), Some(85.0)]);
        let y66 = &cmp.years[0];
        assert_eq!(y66.ita_met, Some(true));
        assert_eq!(y66.reduction_target, Some(10.0));
        assert_eq!(y66.allowed_cases, Some(9));
        assert_eq!(y66.cases_met, Some(true));
        let y67 = &cmp.years[1];
        assert_eq!(y67.ita_met, Some(true));
        assert_eq!(y67.allowed_cases, Some(8));
        assert_eq!(y67.cases_met, Some(false), "9 cases, 20 % down allows 8");
        assert_eq!(cmp.years[2].ita, None);

        let trail = audit::recent(&mut c, org.id, 50, None).await.unwrap();
        assert_eq!(trail.iter().filter(|e| e.action == "ita.score").count(), 3);
        assert_eq!(trail.iter().filter(|e| e.action == "ita.cases").count(), 3);
        // Another organization sees none of it.
        let other = make_org(&t, "other").await;
        let mut c = t.conn().await;
        assert!(ita::scores(&mut c, other.id).await.unwrap().is_empty());
        assert_eq!(ita::comparison(&mut c, other.id).await.unwrap().baseline_cases, None);
    }

    async fn the_seed_plans_four_risks_seed_the_register(t: TestDb) {
        let org = populate(&t, "chachoengsao").await;
        let plan = import_seed(&t, org.id).await;
        let mut c = t.conn().await;
        let out = risk::seed_from_plan(&mut c, t.key(), org.id, &Actor::cli()).await.unwrap();
        assert_eq!(out.created, 4);
        let risks = risk::list(&mut c, org.id).await.unwrap();
        assert_eq!(risks.len(), 4);
        assert!(risks[0].process.contains("การบริหารงานของ"), "{}", risks[0].process);
        assert!(risks[1].process.contains("บริหารงานบุคคล"));
        // The plan's words: ปานกลาง, ปานกลาง, "สูง ปานกลาง", สูง.
        let levels: Vec<RiskLevel> = risks.iter().map(|r| r.level).collect();
        assert_eq!(levels, [RiskLevel::Medium, RiskLevel::Medium, RiskLevel::High, RiskLevel::High]);
        assert!(risks.iter().all(|r| r.source_plan_id == Some(plan.id)));
        assert_eq!(risks[0].controls.len(), 7);
        assert_eq!(risks[3].issues.len(), 3);
        let projects = plans::projects(&mut c, org.id, plan.id).await.unwrap();
        for r in &risks {
            let linked: Vec<_> = r.controls.iter().filter(|x| x.project_key.is_some()).collect();
            assert!(!linked.is_empty(), "risk {}: no control linked", r.no);
            for x in linked {
                let p = projects.iter().find(|p| Some(p.project_key) == x.project_key).unwrap();
                assert_eq!(x.project_name.as_deref(), Some(p.name.as_str()));
                assert_eq!(x.project_no, Some(p.no));
            }
        }
        let coi = risks[2].controls.iter().find(|x| x.text.contains("ทับซ้อน")).unwrap();
        assert!(coi.project_key.is_some(), "ของหน่วยงาน ~ ของเทศบาลเมืองฉะเชิงเทรา: {coi:?}");
        // Controls no project carries out stay unlinked, for someone to notice.
        let values = risks[0].controls.iter().find(|x| x.text.contains("ค่านิยม")).unwrap();
        assert_eq!(values.project_key, None);
        let no_gift = risks[3].controls.iter().find(|x| x.text.contains("Gift")).unwrap();
        assert!(no_gift.project_name.as_deref().unwrap_or_default().contains("Gift"), "{no_gift:?}");
        assert_eq!(out.linked + out.unlinked, risks.iter().map(|r| r.controls.len()).sum::<usize>());

        // Seeding again adds nothing twice.
        let again = risk::seed_from_plan(&mut c, t.key(), org.id, &Actor::cli()).await.unwrap();
        assert_eq!((again.created, again.skipped), (0, 4));
        assert_eq!(risk::list(&mut c, org.id).await.unwrap().len(), 4);

        // A yearly review changes the scores and keeps the history.
        let id = risks[0].id;
        risk::review(&mut c, t.key(), org.id, id, 2567, 4, 4, "2025-09-30", "ทบทวนประจำปี", &Actor::user(1, "clerk")).await.unwrap();
        risk::review(&mut c, t.key(), org.id, id, 2568, 2, 2, "", "ดีขึ้น", &Actor::user(1, "clerk")).await.unwrap();
        let r = risk::get(&mut c, org.id, id).await.unwrap().unwrap();
        assert_eq!((r.likelihood, r.impact, r.level), (2, 2, RiskLevel::Medium));
        assert_eq!(r.review_date, "2025-09-30");
        let history = risk::reviews(&mut c, org.id, id).await.unwrap();
        assert_eq!(history.iter().map(|h| h.fiscal_year).collect::<Vec<_>>(), [2568, 2567]);
        assert_eq!(history[1].level, RiskLevel::VeryHigh);
        assert!(risk::review(&mut c, t.key(), org.id, id, 2568, 6, 1, "", "", &Actor::cli()).await.is_err());
        assert!(risk::review(&mut c, t.key(), org.id, id, 2568, 1, 1, "30/09/2568", "", &Actor::cli()).await.is_err());

        // A stricter matrix re-rates every risk.
        risk::set_matrix(&mut c, t.key(), org.id, RiskMatrix::new(2, 4, 6).unwrap(), &Actor::cli()).await.unwrap();
        assert_eq!(risk::matrix(&mut c, org.id).await.unwrap(), RiskMatrix::new(2, 4, 6).unwrap());
        let r = risk::get(&mut c, org.id, id).await.unwrap().unwrap();
        assert_eq!(r.level, RiskLevel::High, "2 × 2 = 4");

        // Editing: controls re-linked by hand, owner must be a division of this org.
        let mut input = risk::RiskInput {
            process: r.process.clone(),
            issues: r.issues.clone(),
            likelihood: 1,
            impact: 1,
            owner_division_id: None,
            review_date: String::new(),
            controls: vec![("มาตรการใหม่".into(), Some(projects[0].project_key))],
        };
        let r = risk::update(&mut c, t.key(), org.id, id, &input, &Actor::cli()).await.unwrap();
        assert_eq!(r.controls.len(), 1);
        assert_eq!(r.controls[0].project_no, Some(projects[0].no));
        assert_eq!(r.level, RiskLevel::Low);

        let other = make_org(&t, "other").await;
        let mut c = t.conn().await;
        let foreign = prongsai_store::orgs::create_division(&mut c, t.key(), other.id, "x", "กองอื่น", "", &Actor::cli()).await.unwrap();
        input.owner_division_id = Some(foreign.id);
        assert!(risk::update(&mut c, t.key(), org.id, id, &input, &Actor::cli()).await.is_err());
        assert_eq!(risk::get(&mut c, other.id, id).await.unwrap(), None, "A's risk through B");
        assert!(risk::list(&mut c, other.id).await.unwrap().is_empty());
        assert!(risk::update(&mut c, t.key(), other.id, id, &input, &Actor::cli()).await.is_err());

        let trail = audit::recent(&mut c, org.id, 100, None).await.unwrap();
        for action in ["risk.seed", "risk.review", "risk.matrix", "risk.update"] {
            assert!(trail.iter().any(|e| e.action == action), "{action} not audited");
        }
        assert!(audit::verify_all(&mut c, t.key()).await.unwrap().first_break.is_none());
    }
}
