//! Yearly progress and reporting rounds on the seed plan: saving progress with steps,
//! money and KPI results; the head's approval; evidence with type and size checks;
//! the round report's totals; submitting and correcting a round; scoping and audit.

use crate::both_backends;
use crate::common::{TestDb, make_org};
use prongsai_domain::progress::{ApprovalAction, ApprovalState, NotDoneReason, ProgressStatus};
use prongsai_domain::{FiscalYear, ReportingRound};
use prongsai_store::audit::{self, Actor};
use prongsai_store::plans;
use prongsai_store::progress::{self, EvidenceKind, KpiEntry, ProgressInput, StepTick};
use prongsai_store::rounds;

const SHA: &str = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

pub(crate) async fn with_seed_plan(t: &TestDb, slug: &str) -> i64 {
    let org = make_org(t, slug).await;
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/plans/chachoengsao-2566-2570-b.txt");
    let outcome = prongsai_plan::parse_file(&p).unwrap();
    let findings = prongsai_plan::lint(&outcome);
    let mut c = t.conn().await;
    plans::import(
        &mut c,
        t.key(),
        org.id,
        "plan.txt",
        SHA,
        &outcome,
        &findings,
        &Actor::cli(),
    )
    .await
    .unwrap();
    org.id
}

/// The key of the project numbered `no` in the current plan.
pub(crate) async fn key_of(t: &TestDb, org_id: i64, no: i64) -> i64 {
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

fn fy() -> FiscalYear {
    FiscalYear::new(2567).unwrap()
}

both_backends! {
    async fn progress_is_saved_approved_and_reported(t: TestDb) {
        let org = with_seed_plan(&t, "chacho").await;
        let school = key_of(&t, org, 2).await; // โครงการโรงเรียนคุณธรรม, 120,000 baht in 2567
        let forum = key_of(&t, org, 26).await; // โครงการจัดเวทีประชาคม, 90,000 baht
        let mut c = t.conn().await;
        let officer = Actor::user(11, "officer");
        let head = Actor::user(12, "head");

        let input = ProgressInput {
            status: ProgressStatus::Done,
            dev_plan_satang: Some(12_000_000),
            ordinance_satang: Some(12_000_000),
            disbursed_satang: Some(9_550_050),
            problems: "ฝนตก".into(),
            steps: vec![
                StepTick { seq: 1, done: true, done_on: Some("2023-11-15".into()) },
                StepTick { seq: 2, done: true, done_on: None },
            ],
            // output 1: ร้อยละ 100; outcomes 1 and 2: ไม่น้อยกว่าร้อยละ 80
            kpis: vec![
                KpiEntry { kind: "output".into(), seq: 1, actual: Some(100.0), baseline: None },
                KpiEntry { kind: "outcome".into(), seq: 1, actual: Some(85.0), baseline: None },
                KpiEntry { kind: "outcome".into(), seq: 2, actual: Some(70.0), baseline: None },
            ],
            ..ProgressInput::default()
        };
        let saved = progress::save(&mut c, t.key(), org, school, 2567, &input, &officer).await.unwrap();
        assert_eq!(saved.approval, ApprovalState::Draft);
        let back = progress::get(&mut c, org, school, 2567).await.unwrap();
        assert_eq!(back.input, input);
        assert!(back.exists);

        // Could not be done needs a reason.
        let bad = ProgressInput { status: ProgressStatus::CouldNotBeDone, ..ProgressInput::default() };
        assert!(progress::save(&mut c, t.key(), org, forum, 2567, &bad, &officer).await.is_err());
        let ok = ProgressInput { reason: Some(NotDoneReason::NoBudget), ..bad };
        progress::save(&mut c, t.key(), org, forum, 2567, &ok, &officer).await.unwrap();

        // Approval: submit, locked, return with comment, edit, submit, approve.
        assert!(progress::decide(&mut c, t.key(), org, school, 2567, ApprovalAction::Approve, "", &head).await.is_err());
        progress::decide(&mut c, t.key(), org, school, 2567, ApprovalAction::Submit, "", &officer).await.unwrap();
        assert!(progress::save(&mut c, t.key(), org, school, 2567, &input, &officer).await.is_err(), "locked while waiting");
        assert!(progress::decide(&mut c, t.key(), org, school, 2567, ApprovalAction::Return, " ", &head).await.is_err(), "a return needs a comment");
        let r = progress::decide(&mut c, t.key(), org, school, 2567, ApprovalAction::Return, "แนบรูปด้วย", &head).await.unwrap();
        assert_eq!((r.approval, r.approval_comment.as_str()), (ApprovalState::Returned, "แนบรูปด้วย"));
        progress::save(&mut c, t.key(), org, school, 2567, &input, &officer).await.unwrap();
        progress::decide(&mut c, t.key(), org, school, 2567, ApprovalAction::Submit, "", &officer).await.unwrap();
        let a = progress::decide(&mut c, t.key(), org, school, 2567, ApprovalAction::Approve, "", &head).await.unwrap();
        assert_eq!((a.approval, a.decided_by.as_str()), (ApprovalState::Approved, "head"));

        // Evidence: a link, a PNG photo; a text file is refused.
        progress::add_link(&mut c, t.key(), org, school, 2567, "https://example.org/news", "ข่าว", &officer).await.unwrap();
        assert!(progress::add_link(&mut c, t.key(), org, school, 2567, "javascript:alert(1)", "", &officer).await.is_err());
        let png = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../media/tests/fixtures/tiny.png")).unwrap();
        let e = progress::add_file(&mut c, t.blobs.as_ref(), t.key(), org, school, 2567, "รูป.png", &png, "ภาพกิจกรรม", &officer).await.unwrap();
        assert_eq!((e.kind, e.content_type.as_str(), e.added_by_name.as_str()), (EvidenceKind::Photo, "image/png", "officer"));
        assert!(progress::add_file(&mut c, t.blobs.as_ref(), t.key(), org, school, 2567, "x.html", b"<script>", "", &officer).await.is_err());
        assert_eq!(progress::evidence(&mut c, org, school, 2567).await.unwrap().len(), 2);
        // Adding evidence re-opens approved progress.
        assert_eq!(progress::get(&mut c, org, school, 2567).await.unwrap().approval, ApprovalState::Draft);

        // The report of the 6-month round.
        let report = rounds::live_report(&mut c, org, fy(), ReportingRound::SixMonths).await.unwrap().unwrap();
        assert_eq!(report.projects.len(), 36);
        assert_eq!(report.dimensions.len(), 4);
        let t_ = report.total;
        assert_eq!((t_.projects, t_.done, t_.could_not_be_done, t_.in_progress, t_.not_started), (36, 1, 1, 0, 34));
        assert_eq!(t_.planned_baht, 310_000);
        assert_eq!(t_.disbursed_satang, 9_550_050);
        let p2 = report.projects.iter().find(|p| p.no == 2).unwrap();
        assert_eq!((p2.steps_done, p2.steps_total, p2.evidence_count), (2, 7, 2));
        assert_eq!((p2.kpis_achieved(), p2.kpis_with_target()), (2, 3), "{:?}", p2.kpis);
        let d1 = &report.dimensions[0].summary;
        assert_eq!((d1.projects, d1.done, d1.planned_baht), (2, 1, 120_000));

        // Submit: version 1, then a correction must say what changed.
        let v1 = rounds::submit(&mut c, t.key(), org, fy(), ReportingRound::SixMonths, "", &Actor::user(13, "clerk")).await.unwrap();
        assert_eq!(v1.version, 1);
        assert!(rounds::submit(&mut c, t.key(), org, fy(), ReportingRound::SixMonths, "", &Actor::user(13, "clerk")).await.is_err());
        let more = ProgressInput { disbursed_satang: Some(10_000_000), ..input.clone() };
        progress::save(&mut c, t.key(), org, school, 2567, &more, &officer).await.unwrap();
        let v2 = rounds::submit(&mut c, t.key(), org, fy(), ReportingRound::SixMonths, "แก้ยอดเบิกจ่าย", &Actor::user(13, "clerk")).await.unwrap();
        assert_eq!((v2.version, v2.correction()), (2, 1));
        let (_, frozen1) = rounds::report(&mut c, org, fy(), ReportingRound::SixMonths, Some(1)).await.unwrap().unwrap();
        let (latest, frozen2) = rounds::report(&mut c, org, fy(), ReportingRound::SixMonths, None).await.unwrap().unwrap();
        assert_eq!(frozen1.total.disbursed_satang, 9_550_050, "version 1 never changes");
        assert_eq!((latest.version, frozen2.total.disbursed_satang), (2, 10_000_000));
        assert_eq!(rounds::versions(&mut c, org, fy(), ReportingRound::SixMonths).await.unwrap().len(), 2);
        let list = rounds::submitted(&mut c, org).await.unwrap();
        assert_eq!((list.len(), list[0].versions), (1, 2));
        assert!(rounds::report(&mut c, org, fy(), ReportingRound::TwelveMonths, None).await.unwrap().is_none());

        // Every change is in the audit chain, and the chain still verifies.
        let actions: Vec<String> = audit::recent(&mut c, org, 200, None).await.unwrap().into_iter().map(|e| e.action).collect();
        for a in ["progress.save", "progress.submit", "progress.return", "progress.approve", "progress.evidence_add", "round.submit", "round.correct"] {
            assert!(actions.iter().any(|x| x == a), "{a} not audited: {actions:?}");
        }
        assert!(audit::verify_all(&mut c, t.key()).await.unwrap().first_break.is_none());
    }

    async fn progress_of_one_org_is_not_seen_through_another(t: TestDb) {
        let a = with_seed_plan(&t, "org-a").await;
        let b = make_org(&t, "org-b").await;
        let key = key_of(&t, a, 2).await;
        let mut c = t.conn().await;
        let input = ProgressInput { status: ProgressStatus::InProgress, ..ProgressInput::default() };
        progress::save(&mut c, t.key(), a, key, 2567, &input, &Actor::cli()).await.unwrap();
        progress::add_link(&mut c, t.key(), a, key, 2567, "https://example.org/", "", &Actor::cli()).await.unwrap();
        assert!(!progress::get(&mut c, b.id, key, 2567).await.unwrap().exists);
        assert!(progress::list_year(&mut c, b.id, 2567).await.unwrap().is_empty());
        assert!(progress::evidence(&mut c, b.id, key, 2567).await.unwrap().is_empty());
        let id = progress::evidence(&mut c, a, key, 2567).await.unwrap()[0].id;
        assert!(progress::evidence_item(&mut c, b.id, id).await.unwrap().is_none());
        assert!(rounds::live_report(&mut c, b.id, fy(), ReportingRound::SixMonths).await.unwrap().is_none());
        assert!(rounds::submit(&mut c, t.key(), b.id, fy(), ReportingRound::SixMonths, "", &Actor::cli()).await.is_err());
    }
}
