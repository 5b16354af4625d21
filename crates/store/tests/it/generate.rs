//! `dev generate` and the national / provincial summaries: the summary's figures equal
//! sums computed here straight from the generated rows.

use crate::both_backends;
use crate::common::TestDb;
use prongsai_store::backup::Quiet;
use prongsai_store::generate::{self, Options};
use prongsai_store::{national, plans, risk};

fn options(orgs: usize) -> Options {
    Options {
        orgs,
        first_year: 2566,
        last_year: 2570,
        seed: 7,
        current_year: 2568,
        batch: 40,
    }
}

both_backends! {
    async fn generated_organizations_add_up_nationally(t: TestDb) {
        let g = generate::generate(&t.db, &options(90), &Quiet).await.unwrap();
        assert_eq!(g.organizations, 90);
        assert_eq!(g.projects, 90 * 36);
        assert_eq!(g.budgets, 90 * 36 * 5);
        assert_eq!(g.risks, 90 * 4);
        assert!(g.progress > 0);
        // More can be added later without clashing slugs.
        generate::generate(&t.db, &Options { seed: 8, ..options(5) }, &Quiet).await.unwrap();
        let mut c = t.conn().await;

        let (planned,): (i64,) = sqlx::query_as("SELECT CAST(SUM(amount) AS BIGINT) FROM plan_budgets WHERE fiscal_year = 2567")
            .fetch_one(&mut *c).await.unwrap();
        let (done,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM progress WHERE fiscal_year = 2567 AND status = 'done'")
            .fetch_one(&mut *c).await.unwrap();
        let (disbursed,): (i64,) = sqlx::query_as("SELECT CAST(SUM(disbursed_satang) AS BIGINT) FROM progress WHERE fiscal_year = 2567")
            .fetch_one(&mut *c).await.unwrap();
        let scores: Vec<(f64,)> = sqlx::query_as("SELECT score FROM ita_scores WHERE fiscal_year = 2567").fetch_all(&mut *c).await.unwrap();
        let avg = scores.iter().map(|s| s.0).sum::<f64>() / scores.len() as f64;

        let s = national::summary(&mut c, 2567, None).await.unwrap();
        assert_eq!(s.total.organizations, 95);
        assert_eq!(s.total.with_plan, 95);
        assert_eq!(s.total.projects, 95 * 36);
        assert_eq!(s.total.planned_baht, planned);
        assert_eq!(s.total.done, done);
        assert_eq!(s.total.disbursed_satang, disbursed);
        assert_eq!(s.total.done + s.total.in_progress + s.total.could_not + s.total.not_started, 95 * 36);
        assert!((s.total.ita_avg().unwrap() - avg).abs() < 1e-9);
        assert_eq!(s.total.target_avg(), Some(70.0));
        assert_eq!(s.total.risks, 95 * 4);
        assert_eq!(s.by_province.len(), 76);
        assert_eq!(s.by_province.iter().map(|r| r.figures.organizations).sum::<i64>(), 95);
        assert_eq!(s.by_province[0].label, "กระบี่");
        assert_eq!(s.by_type[0].key, "provincial");
        assert_eq!(s.by_type[0].figures.organizations, 76);
        assert_eq!(s.by_type.iter().map(|r| r.figures.planned_baht).sum::<i64>(), planned);
        assert!(s.by_org.is_empty());

        // A province: its organizations only.
        let p = national::summary(&mut c, 2567, Some("กระบี่")).await.unwrap();
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM organizations WHERE province = 'กระบี่'").fetch_one(&mut *c).await.unwrap();
        assert_eq!(p.total.organizations, n);
        assert_eq!(p.by_org.len() as i64, n);
        assert_eq!(p.total, s.by_province[0].figures);

        // A generated organization reads like an imported one.
        let org = prongsai_store::orgs::by_slug(&mut c, "gen-00003").await.unwrap().unwrap();
        let plan = plans::current(&mut c, org.id).await.unwrap().unwrap();
        assert_eq!(plans::plan(&mut c, org.id, plan.id).await.unwrap().unwrap().projects.len(), 36);
        let risks = risk::list(&mut c, org.id).await.unwrap();
        assert_eq!(risks.len(), 4);
        assert!(risks.iter().all(|r| r.controls.iter().all(|x| x.project_name.is_some())));
    }
}
