//! The executive dashboard's KPI achievement on the seed plan: KPIs with a target by
//! dimension and result for one fiscal year, the same counts as the round report,
//! scoped to the organization and the year.

use crate::both_backends;
use crate::common::TestDb;
use crate::progress::{key_of, with_seed_plan};
use prongsai_domain::progress::ProgressStatus;
use prongsai_domain::{FiscalYear, ReportingRound};
use prongsai_store::audit::Actor;
use prongsai_store::dashboard::{self, DimensionKpis};
use prongsai_store::plans;
use prongsai_store::progress::{self, KpiEntry, ProgressInput};
use prongsai_store::rounds;

fn kpi(kind: &str, seq: i64, actual: Option<f64>, baseline: Option<f64>) -> KpiEntry {
    KpiEntry {
        kind: kind.into(),
        seq,
        actual,
        baseline,
    }
}

fn counts(d: &[DimensionKpis]) -> Vec<(i64, i64, i64, i64)> {
    d.iter()
        .map(|d| (d.dimension, d.achieved, d.not_achieved, d.not_reported))
        .collect()
}

both_backends! {
    async fn dashboard_counts_kpis_achieved_by_dimension(t: TestDb) {
        let org = with_seed_plan(&t, "chacho").await;
        let other = with_seed_plan(&t, "other").await;
        let officer = Actor::user(11, "officer");
        let mut c = t.conn().await;

        // Nothing reported yet: every KPI with a target is "not yet reported".
        let before = dashboard::kpis_by_dimension(&mut c, org, 2567).await.unwrap();
        assert_eq!(counts(&before), [(1, 0, 0, 6), (2, 0, 0, 44), (3, 0, 0, 2), (4, 0, 0, 11)]);

        // The first KPI with a "decrease" target (it needs a baseline to be judged).
        let v = plans::current(&mut c, org).await.unwrap().unwrap();
        let down = plans::kpis(&mut c, org, v.id)
            .await
            .unwrap()
            .into_iter()
            .find(|k| k.op.as_deref() == Some("decrease"))
            .unwrap();
        let down_key = key_of(&t, org, down.project_no).await;
        let school = key_of(&t, org, 2).await; // dimension 1
        assert_eq!((down.project_no, down.kind.as_str(), down.seq), (4, "outcome", 1)); // dimension 2

        // School, 2567: output 1 (ร้อยละ 100) and outcome 1 (>= 80) achieved, outcome 2
        // (>= 80) not achieved.
        let school_2567 = ProgressInput {
            status: ProgressStatus::InProgress,
            kpis: vec![
                kpi("output", 1, Some(100.0), None),
                kpi("outcome", 1, Some(85.0), None),
                kpi("outcome", 2, Some(70.0), None),
            ],
            ..ProgressInput::default()
        };
        progress::save(&mut c, t.key(), org, school, 2567, &school_2567, &officer).await.unwrap();
        // The decrease KPI: a value without a baseline cannot be judged yet.
        let down_2567 = ProgressInput {
            status: ProgressStatus::InProgress,
            kpis: vec![kpi(&down.kind, down.seq, Some(3.0), None)],
            ..ProgressInput::default()
        };
        progress::save(&mut c, t.key(), org, down_key, 2567, &down_2567, &officer).await.unwrap();
        // Another year and another organization do not count.
        let all_met = ProgressInput {
            status: ProgressStatus::Done,
            kpis: vec![
                kpi("output", 1, Some(100.0), None),
                kpi("outcome", 1, Some(100.0), None),
                kpi("outcome", 2, Some(100.0), None),
            ],
            ..ProgressInput::default()
        };
        progress::save(&mut c, t.key(), org, school, 2568, &all_met, &officer).await.unwrap();
        let other_school = key_of(&t, other, 2).await;
        progress::save(&mut c, t.key(), other, other_school, 2567, &all_met, &officer).await.unwrap();

        let after = dashboard::kpis_by_dimension(&mut c, org, 2567).await.unwrap();
        assert_eq!(counts(&after), [(1, 2, 1, 3), (2, 0, 0, 44), (3, 0, 0, 2), (4, 0, 0, 11)]);
        assert_eq!(after.iter().map(DimensionKpis::total).sum::<i64>(), 63);

        // The same n/m per dimension as the round report.
        let report = rounds::live_report(&mut c, org, FiscalYear::new(2567).unwrap(), ReportingRound::SixMonths)
            .await
            .unwrap()
            .unwrap();
        let from_report: Vec<(i64, i64, i64)> = report
            .dimensions
            .iter()
            .filter(|d| d.summary.kpis_total > 0)
            .map(|d| (d.no, d.summary.kpis_achieved, d.summary.kpis_total))
            .collect();
        let ours: Vec<(i64, i64, i64)> = after.iter().map(|d| (d.dimension, d.achieved, d.total())).collect();
        assert_eq!(ours, from_report);

        // The other organization sees its own result only; a year without progress has
        // nothing reported.
        let theirs = dashboard::kpis_by_dimension(&mut c, other, 2567).await.unwrap();
        assert_eq!(counts(&theirs), [(1, 3, 0, 3), (2, 0, 0, 44), (3, 0, 0, 2), (4, 0, 0, 11)]);
        assert_eq!(dashboard::kpis_by_dimension(&mut c, org, 2569).await.unwrap(), before);
        assert!(dashboard::kpis_by_dimension(&mut c, 999_999, 2567).await.unwrap().is_empty());

        // With a baseline the decrease is judged: 3 down from 5 is achieved.
        let judged = ProgressInput {
            kpis: vec![kpi(&down.kind, down.seq, Some(3.0), Some(5.0))],
            ..down_2567
        };
        progress::save(&mut c, t.key(), org, down_key, 2567, &judged, &officer).await.unwrap();
        let judged = dashboard::kpis_by_dimension(&mut c, org, 2567).await.unwrap();
        assert_eq!(counts(&judged), [(1, 2, 1, 3), (2, 1, 0, 43), (3, 0, 0, 2), (4, 0, 0, 11)]);
    }
}
