//! The risk register (seeded from the seed plan: its four risks with controls linked to
//! projects, published), ITA entry (clerk yes, officer 403, audited), the dashboard's
//! charts, and the national pages against a small generated set.

#![allow(clippy::unwrap_used)]

use prongsai_domain::Role;
use prongsai_store::audit::{self, Actor};
use prongsai_store::backup::Quiet;
use prongsai_store::generate::{self, Options};
use prongsai_store::plans;

use crate::helpers::{TestApp, location};

async fn import_seed_plan(app: &TestApp) {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/plans/chachoengsao-2566-2570-b.txt");
    let outcome = prongsai_plan::parse_file(&p).expect("seed plan");
    let findings = prongsai_plan::lint(&outcome);
    let mut conn = app.db.pool.acquire().await.expect("conn");
    plans::import(
        &mut conn,
        &app.keys.audit,
        app.org.id,
        "plan.txt",
        &"ab".repeat(32),
        &outcome,
        &findings,
        &Actor::cli(),
    )
    .await
    .expect("import");
}

#[tokio::test]
async fn the_public_risk_page_shows_the_seed_plans_four_risks_with_linked_projects() {
    let app = TestApp::spawn().await;
    import_seed_plan(&app).await;
    let clerk = app.user("clerk", Role::Clerk).await;
    let (c, csrf) = app.signed_in(&clerk).await;
    let slug = &app.org.slug;
    let r = c
        .post(app.url(&format!("/{slug}/staff/risks/seed")))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert!(location(&r).ends_with("?ok=seeded"), "{}", location(&r));

    let (anon, _) = app.client();
    let r = anon
        .get(app.url(&format!("/{slug}/risks")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert_eq!(
        html.matches("<li class=\"risk\"").count(),
        4,
        "four risk events"
    );
    for process in ["การบริหารงานบุคคล", "การให้บริการสาธารณะ", "ปานกลาง", "สูง"]
    {
        assert!(html.contains(process), "{process} missing");
    }
    // Controls link to the plan's projects, e.g. No Gift Policy.
    let links = html
        .matches(&format!("href=\"/{slug}/plan/projects/"))
        .count();
    assert!(links >= 8, "only {links} controls linked to projects");
    let gift = html.find("NO Gift Policy").expect("No Gift measure");
    assert!(
        html[gift..]
            .find(&format!("/{slug}/plan/projects/"))
            .expect("linked")
            < 200
    );
    assert!(
        html.contains("<svg") && html.contains("role=\"img\""),
        "heat map"
    );
    assert!(!html.contains("style="), "no inline styles (CSP)");

    // The staff register and one risk's page; a review is kept as history.
    let page = c
        .get(app.url(&format!("/{slug}/staff/risks")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let prefix = format!("href=\"/{slug}/staff/risks/");
    let at = page.find(&prefix).expect("a risk link") + prefix.len();
    let id: String = page[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    assert!(!id.is_empty());
    let r = c
        .post(app.url(&format!("/{slug}/staff/risks/{id}/review")))
        .form(&[
            ("csrf", csrf.as_str()),
            ("fiscal_year", "๒๕๖๗"),
            ("likelihood", "5"),
            ("impact", "5"),
            ("next_review", "2025-09-30"),
            ("note", "ทบทวน"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let one = c
        .get(app.url(&format!("/{slug}/staff/risks/{id}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(one.contains("สูงมาก") && one.contains("ทบทวน") && one.contains("2567"));
    let bad = c
        .post(app.url(&format!("/{slug}/staff/risks/{id}/review")))
        .form(&[
            ("csrf", csrf.as_str()),
            ("fiscal_year", "2567"),
            ("likelihood", "9"),
            ("impact", "1"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 422);
}

#[tokio::test]
async fn ita_is_entered_by_the_clerk_audited_and_refused_to_officers() {
    let app = TestApp::spawn().await;
    import_seed_plan(&app).await;
    let slug = &app.org.slug;
    let officer = app.user("officer", Role::Officer).await;
    let (oc, ocsrf) = app.signed_in(&officer).await;
    let r = oc
        .post(app.url(&format!("/{slug}/staff/ita/score")))
        .form(&[
            ("csrf", ocsrf.as_str()),
            ("fiscal_year", "2566"),
            ("score", "70"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    assert_eq!(
        oc.get(app.url(&format!("/{slug}/staff/ita")))
            .send()
            .await
            .unwrap()
            .status(),
        403
    );

    let clerk = app.user("clerk", Role::Clerk).await;
    let (c, csrf) = app.signed_in(&clerk).await;
    for (y, s) in [("2566", "๖๘.๕"), ("2567", "72.25")] {
        let r = c
            .post(app.url(&format!("/{slug}/staff/ita/score")))
            .form(&[
                ("csrf", csrf.as_str()),
                ("fiscal_year", y),
                ("score", s),
                ("iit", "80"),
                ("eit", ""),
                ("oit", "90"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303, "{y}");
    }
    let r = c
        .post(app.url(&format!("/{slug}/staff/ita/cases")))
        .form(&[
            ("csrf", csrf.as_str()),
            ("fiscal_year", "2565"),
            ("cases", "10"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let r = c
        .post(app.url(&format!("/{slug}/staff/ita/score")))
        .form(&[
            ("csrf", csrf.as_str()),
            ("fiscal_year", "2566"),
            ("score", "120"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let r = c
        .post(app.url(&format!("/{slug}/staff/ita/score")))
        .form(&[("csrf", "wrong"), ("fiscal_year", "2566"), ("score", "70")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403, "CSRF");

    let mut conn = app.db.pool.acquire().await.unwrap();
    let trail = audit::recent(&mut conn, app.org.id, 50, None)
        .await
        .unwrap();
    assert_eq!(
        trail
            .iter()
            .filter(|e| e.action == "ita.score" && e.actor == "clerk")
            .count(),
        2
    );

    let (anon, _) = app.client();
    let html = anon
        .get(app.url(&format!("/{slug}/ita")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for s in ["68.5", "72.25", "65", "85", "IIT 80"] {
        assert!(html.contains(s), "{s} missing on the public ITA page");
    }
    assert!(html.contains("class=\"target\""), "target line");

    // KPI results of the school project (dimension 1) for 2567: two achieved, one not.
    {
        use prongsai_domain::progress::ProgressStatus;
        use prongsai_store::progress::{self, KpiEntry, ProgressInput};
        let mut conn = app.db.pool.acquire().await.unwrap();
        let v = plans::current(&mut conn, app.org.id)
            .await
            .unwrap()
            .unwrap();
        let school = plans::projects(&mut conn, app.org.id, v.id)
            .await
            .unwrap()
            .into_iter()
            .find(|p| p.no == 2)
            .unwrap()
            .project_key;
        let kpi = |kind: &str, seq, actual| KpiEntry {
            kind: kind.into(),
            seq,
            actual: Some(actual),
            baseline: None,
        };
        let input = ProgressInput {
            status: ProgressStatus::InProgress,
            kpis: vec![
                kpi("output", 1, 100.0),
                kpi("outcome", 1, 85.0),
                kpi("outcome", 2, 70.0),
            ],
            ..ProgressInput::default()
        };
        progress::save(
            &mut conn,
            &app.keys.audit,
            app.org.id,
            school,
            2567,
            &input,
            &Actor::user(clerk.id, "clerk"),
        )
        .await
        .unwrap();
    }

    // The dashboard draws every chart for the clerk; officers may not see it.
    let dash = c
        .get(app.url(&format!("/{slug}/staff/dashboard?year=2567")))
        .send()
        .await
        .unwrap();
    assert_eq!(dash.status(), 200);
    let dash = dash.text().await.unwrap();
    for id in [
        "dash-progress",
        "dash-kpis",
        "dash-money",
        "dash-ita",
        "dash-cases",
        "dash-heat",
    ] {
        assert!(
            dash.contains(&format!("aria-labelledby=\"{id}-t {id}-d\"")),
            "{id} missing"
        );
    }
    assert!(dash.contains("มิติที่ 4"));
    // KPI achievement: 2 of the plan's 63 KPIs with a target achieved in 2567.
    assert!(
        dash.contains("<span class=\"n\">2 / 63</span> ตัวชี้วัดบรรลุค่าเป้าหมาย"),
        "KPI key figure"
    );
    let start = dash
        .find("aria-labelledby=\"dash-kpis-t dash-kpis-d\"")
        .unwrap();
    let kpis = &dash[start..start + dash[start..].find("</svg>").unwrap()];
    for s in [
        "การบรรลุตัวชี้วัดตามมิติ",
        "มิติที่ 1 (2/6)",
        "มิติที่ 2 (0/44)",
        "มิติที่ 3 (0/2)",
        "มิติที่ 4 (0/11)",
        "<title>บรรลุเป้าหมาย: 2</title>",
        "<title>ไม่บรรลุเป้าหมาย: 1</title>",
        "<title>ยังไม่รายงานผล: 3</title>",
        "<title>ยังไม่รายงานผล: 44</title>",
        ">44</text>",
    ] {
        assert!(kpis.contains(s), "{s} missing in the KPI chart");
    }
    assert_eq!(
        oc.get(app.url(&format!("/{slug}/staff/dashboard")))
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
}

/// A number as the page writes it.
fn th(v: i64) -> String {
    prongsai_web::charts::thousands(v)
}

#[tokio::test]
async fn the_national_pages_add_up_a_generated_set() {
    let app = TestApp::spawn().await;
    let opts = Options {
        orgs: 80,
        first_year: 2566,
        last_year: 2570,
        seed: 3,
        current_year: 2568,
        batch: 50,
    };
    generate::generate(&app.db, &opts, &Quiet)
        .await
        .expect("generate");
    // Independently: straight from the rows.
    let mut conn = app.db.pool.acquire().await.unwrap();
    let (orgs,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM organizations")
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    let (planned,): (i64,) = sqlx::query_as(
        "SELECT CAST(SUM(amount) AS BIGINT) FROM plan_budgets WHERE fiscal_year = 2567",
    )
    .fetch_one(&mut *conn)
    .await
    .unwrap();
    let (done,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM progress WHERE fiscal_year = 2567 AND status = 'done'",
    )
    .fetch_one(&mut *conn)
    .await
    .unwrap();
    let (disbursed,): (i64,) = sqlx::query_as(
        "SELECT CAST(SUM(disbursed_satang) AS BIGINT) FROM progress WHERE fiscal_year = 2567",
    )
    .fetch_one(&mut *conn)
    .await
    .unwrap();
    let scores: Vec<(f64,)> =
        sqlx::query_as("SELECT score FROM ita_scores WHERE fiscal_year = 2567")
            .fetch_all(&mut *conn)
            .await
            .unwrap();
    let avg = scores.iter().map(|s| s.0).sum::<f64>() / scores.len() as f64;

    let (anon, _) = app.client();
    let r = anon
        .get(app.url("/national?year=2567"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    let figure = |id: &str| -> String {
        let at = html
            .find(&format!("id=\"{id}\">"))
            .unwrap_or_else(|| panic!("{id}"))
            + id.len()
            + 6;
        html[at..].split('<').next().unwrap().to_string()
    };
    assert_eq!(figure("total-orgs"), th(orgs));
    assert_eq!(figure("total-planned"), th(planned));
    assert_eq!(figure("total-done"), th(done));
    assert_eq!(figure("total-disbursed"), th(disbursed / 100));
    assert_eq!(figure("total-ita"), format!("{avg:.2}"));
    assert!(html.contains("กระบี่") && html.contains("องค์การบริหารส่วนตำบล"));

    // A province: the organizations in it, linked.
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM organizations WHERE province = 'ตาก'")
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    let r = anon
        .get(app.url("/national/%E0%B8%95%E0%B8%B2%E0%B8%81?year=2567"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(html.contains(&format!("id=\"total-orgs\">{n}<")));
    assert_eq!(html.matches("href=\"/gen-").count() as i64, n);
    assert_eq!(
        anon.get(app.url("/national/nowhere"))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
}
