//! Sample progress for the demo (`serve --demo`): fiscal year 2567 of the seed plan, a
//! realistic mix — projects done and approved, in progress (one waiting for the head,
//! one returned with a comment), one that could not be done for lack of budget, one not
//! started — with amounts disbursed, steps ticked off, KPI results and a link as
//! evidence.
//!
//! Left for people to do in the browser (and for `tests/browser/plan_run.mjs`): project
//! 4 (โครงการเสริมสร้างความโปร่งใสในการบริหารงบประมาณ, กองคลัง — the `officer` and
//! `head` accounts' division) has nothing recorded, project 12 of the same division is a
//! draft, and no reporting round is submitted.
//!
//! Written once: a demo restarted on the same data directory keeps what people entered.

use prongsai_domain::progress::{ApprovalAction, NotDoneReason, ProgressStatus};
use prongsai_store::audit::Actor;
use prongsai_store::progress::{self, KpiEntry, ProgressInput, StepTick};
use prongsai_store::{Db, Keys, plans, users};

use crate::error::Result;

/// The demo's fiscal year.
pub const YEAR: i64 = 2567;

/// Where a sample ends up.
#[derive(Clone, Copy)]
enum Approval {
    Draft,
    Waiting,
    Approved,
    Returned(&'static str),
}

struct Sample {
    /// The project's number in the seed plan.
    no: i64,
    status: ProgressStatus,
    reason: Option<NotDoneReason>,
    /// Baht: in the local development plan, in the ordinance, disbursed.
    money: (Option<i64>, Option<i64>, Option<i64>),
    /// Satang added to the disbursed amount (for a non-round figure).
    disbursed_satang_extra: i64,
    /// How many of the plan's steps are done (dated from November 2023, a week apart).
    steps_done: i64,
    /// (kind, seq, actual, baseline)
    kpis: &'static [(&'static str, i64, f64, Option<f64>)],
    problems: &'static str,
    notes: &'static str,
    approval: Approval,
}

const fn sample(no: i64, status: ProgressStatus, approval: Approval) -> Sample {
    Sample {
        no,
        status,
        reason: None,
        money: (None, None, None),
        disbursed_satang_extra: 0,
        steps_done: 0,
        kpis: &[],
        problems: "",
        notes: "",
        approval,
    }
}

/// Total disbursed by the samples, in satang (checked below; `plan_run.mjs` relies on it).
#[cfg(test)]
const SAMPLE_DISBURSED_SATANG: i64 = 9_550_050 + 4_500_000;

fn samples() -> Vec<Sample> {
    use ProgressStatus::{CouldNotBeDone, Done, InProgress, NotStarted};
    vec![
        Sample {
            steps_done: 5,
            kpis: &[
                ("output", 1, 6.0, None),
                ("output", 2, 4.0, None),
                ("output", 3, 86.5, None),
            ],
            notes: "เผยแพร่ทางเว็บไซต์ เฟซบุ๊ก ไลน์ บอร์ดประชาสัมพันธ์ และเสียงตามสาย",
            ..sample(1, Done, Approval::Approved)
        },
        Sample {
            money: (Some(120_000), Some(120_000), Some(95_500)),
            disbursed_satang_extra: 50,
            steps_done: 7,
            kpis: &[
                ("output", 1, 100.0, None),
                ("outcome", 1, 85.0, None),
                ("outcome", 2, 78.0, None),
            ],
            problems: "ฝนตกหนักในวันจัดกิจกรรมกลางแจ้ง ต้องย้ายเข้าหอประชุม",
            notes: "นักเรียนเข้าร่วม ๓๒๐ คน",
            ..sample(2, Done, Approval::Approved)
        },
        Sample {
            steps_done: 6,
            kpis: &[
                ("output", 1, 1.0, None),
                ("output", 2, 100.0, None),
                ("outcome", 1, 0.0, None),
            ],
            ..sample(7, Done, Approval::Approved)
        },
        Sample {
            steps_done: 2,
            kpis: &[("output", 1, 1.0, None)],
            ..sample(10, InProgress, Approval::Waiting)
        },
        Sample {
            steps_done: 6,
            kpis: &[("output", 1, 1.0, None)],
            ..sample(11, Done, Approval::Approved)
        },
        Sample {
            steps_done: 3,
            notes: "อยู่ระหว่างร่างประกาศ",
            ..sample(12, InProgress, Approval::Draft)
        },
        Sample {
            steps_done: 4,
            kpis: &[("outcome", 1, 3.0, Some(5.0))],
            ..sample(
                14,
                InProgress,
                Approval::Returned("กรุณาแนบผลสำรวจความพึงพอใจรอบแรกเป็นหลักฐาน"),
            )
        },
        sample(17, NotStarted, Approval::Draft),
        Sample {
            reason: Some(NotDoneReason::NoBudget),
            money: (Some(90_000), Some(0), Some(0)),
            problems: "ไม่ได้รับการจัดสรรงบประมาณในเทศบัญญัติ ปี ๒๕๖๗",
            ..sample(26, CouldNotBeDone, Approval::Approved)
        },
        Sample {
            steps_done: 5,
            ..sample(30, Done, Approval::Approved)
        },
        Sample {
            steps_done: 4,
            kpis: &[("output", 1, 1.0, None), ("output", 3, 2.0, None)],
            ..sample(32, InProgress, Approval::Approved)
        },
        Sample {
            money: (Some(100_000), Some(100_000), Some(45_000)),
            steps_done: 3,
            kpis: &[("output", 1, 1.0, None)],
            notes: "อบรมรุ่นที่ ๑ แล้ว รุ่นที่ ๒ เดือนพฤษภาคม",
            ..sample(33, InProgress, Approval::Waiting)
        },
    ]
}

fn step_date(i: i64) -> String {
    let d = time::macros::date!(2023 - 11 - 01) + time::Duration::weeks(i);
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// Stores the samples unless the organization already has progress for [`YEAR`].
pub async fn seed(db: &Db, keys: &Keys, org_id: i64) -> Result<()> {
    let mut conn = db.pool.acquire().await?;
    if !progress::list_year(&mut conn, org_id, YEAR)
        .await?
        .is_empty()
    {
        return Ok(());
    }
    let Some(v) = plans::current(&mut conn, org_id).await? else {
        return Ok(());
    };
    let projects = plans::projects(&mut conn, org_id, v.id).await?;
    let finance = prongsai_store::orgs::division_by_code(&mut conn, org_id, "finance")
        .await?
        .map(|d| d.id);
    let mut accounts = Vec::new();
    for name in ["officer", "head"] {
        accounts.push(
            users::by_username(&mut conn, name)
                .await?
                .map_or_else(Actor::system, |u| Actor::user(u.id, name)),
        );
    }
    let (officer, head) = (accounts[0].clone(), accounts[1].clone());
    let mut stored = 0;
    for s in samples() {
        let Some(pp) = projects.iter().find(|p| p.no == s.no) else {
            continue;
        };
        // The finance division's projects are entered by the demo's officer and head;
        // the others by "system".
        let (by, approver) = if pp.division_id.is_some() && pp.division_id == finance {
            (officer.clone(), head.clone())
        } else {
            (Actor::system(), Actor::system())
        };
        let satang = |b: Option<i64>| b.map(|b| b * 100);
        let input = ProgressInput {
            status: s.status,
            reason: s.reason,
            reason_text: String::new(),
            dev_plan_satang: satang(s.money.0),
            ordinance_satang: satang(s.money.1),
            disbursed_satang: satang(s.money.2).map(|d| d + s.disbursed_satang_extra),
            problems: s.problems.to_string(),
            notes: s.notes.to_string(),
            steps: (1..=s.steps_done)
                .map(|seq| StepTick {
                    seq,
                    done: true,
                    done_on: Some(step_date(seq)),
                })
                .collect(),
            kpis: s
                .kpis
                .iter()
                .map(|(kind, seq, actual, baseline)| KpiEntry {
                    kind: (*kind).to_string(),
                    seq: *seq,
                    actual: Some(*actual),
                    baseline: *baseline,
                })
                .collect(),
        };
        let key = pp.project_key;
        progress::save(&mut conn, &keys.audit, org_id, key, YEAR, &input, &by).await?;
        if s.no == 2 {
            progress::add_link(
                &mut conn,
                &keys.audit,
                org_id,
                key,
                YEAR,
                "https://www.chachoengsaocity.go.th/",
                "ข่าวกิจกรรมโรงเรียนคุณธรรมบนเว็บไซต์เทศบาล",
                &by,
            )
            .await?;
        }
        let steps: &[(ApprovalAction, &str, &Actor)] = match s.approval {
            Approval::Draft => &[],
            Approval::Waiting => &[(ApprovalAction::Submit, "", &by)],
            Approval::Approved => &[
                (ApprovalAction::Submit, "", &by),
                (ApprovalAction::Approve, "", &approver),
            ],
            Approval::Returned(comment) => &[
                (ApprovalAction::Submit, "", &by),
                (ApprovalAction::Return, comment, &approver),
            ],
        };
        for (action, comment, who) in steps {
            progress::decide(
                &mut conn,
                &keys.audit,
                org_id,
                key,
                YEAR,
                *action,
                comment,
                who,
            )
            .await?;
        }
        stored += 1;
    }
    println!("sample progress for {YEAR}: {stored} projects");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samples_follow_the_rules() {
        let all = samples();
        for s in &all {
            assert!(
                prongsai_domain::progress::check_status(s.status, s.reason, "").is_ok(),
                "project {}",
                s.no
            );
        }
        // Project 4 (the finance division) is left for the browser test.
        assert!(!all.iter().any(|s| s.no == 4));
        let disbursed: i64 = all
            .iter()
            .filter_map(|s| s.money.2.map(|b| b * 100 + s.disbursed_satang_extra))
            .sum();
        assert_eq!(disbursed, SAMPLE_DISBURSED_SATANG);
        assert_eq!(step_date(1), "2023-11-08");
    }
}
