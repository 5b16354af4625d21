//! The real plan (fixtures/plans/chachoengsao-2566-2570-*): both extractions
//! must read the same, and the plan's real inconsistencies must be found.
#![allow(clippy::unwrap_used)]

mod common;
use common::{seed_a, seed_b, seed_both};
use prongsai_plan::{Finding, Op, ParseOutcome, Plan, ProjectKind, Severity, lint, parse_text};

fn a() -> ParseOutcome {
    parse_text(&seed_a()).unwrap()
}
fn b() -> ParseOutcome {
    parse_text(&seed_b()).unwrap()
}

fn codes<'a>(f: &'a [Finding], code: &str) -> Vec<&'a Finding> {
    f.iter().filter(|x| x.code == code).collect()
}

#[test]
fn header_fields() {
    for o in [a(), b()] {
        let p = &o.plan;
        assert_eq!(p.organization, "เทศบาลเมืองฉะเชิงเทรา");
        assert!(p.title.starts_with(
            "แผนปฏิบัติการป้องกันการทุจริตเพื่อยกระดับคุณธรรมและความโปร่งใสของเทศบาลเมืองฉะเชิงเทรา"
        ));
        assert_eq!(p.fiscal_years, vec![2566, 2567, 2568, 2569, 2570]);
        let ita: Vec<f64> = p.targets.ita_score.values().copied().collect();
        assert_eq!(ita, vec![65.0, 70.0, 75.0, 80.0, 85.0]);
        let red: Vec<f64> = p
            .targets
            .corruption_case_reduction_percent
            .values()
            .copied()
            .collect();
        assert_eq!(red, vec![10.0, 20.0, 30.0, 40.0, 50.0]);
        assert!(p.targets.ita_score.contains_key("2566"));
    }
}

#[test]
fn risks() {
    let p = b().plan;
    assert_eq!(p.risks.len(), 4);
    let levels: Vec<Vec<String>> = p.risks.iter().map(|r| r.levels.clone()).collect();
    assert_eq!(
        levels,
        vec![
            vec!["ปานกลาง"],
            vec!["ปานกลาง"],
            vec!["สูง", "ปานกลาง"],
            vec!["สูง"]
        ]
    );
    let counts: Vec<(usize, usize)> = p
        .risks
        .iter()
        .map(|r| (r.issues.len(), r.controls.len()))
        .collect();
    assert_eq!(counts, vec![(3, 7), (1, 4), (2, 6), (3, 6)]);
    assert_eq!(p.risks[3].controls[0], "มาตรการ NO Gift Policy");
    assert_eq!(p.risks[1].process, "การบริหารงานบุคคล");
}

#[test]
fn projects_dimensions_missions_budgets() {
    for o in [a(), b()] {
        let p = &o.plan;
        assert_eq!(p.projects.len(), 36);
        let nos: Vec<u32> = p.projects.iter().map(|x| x.no).collect();
        assert_eq!(nos, (1..=36).collect::<Vec<_>>());
        let per_dim: Vec<usize> = (1..=4)
            .map(|d| p.projects.iter().filter(|x| x.dimension == d).count())
            .collect();
        assert_eq!(per_dim, vec![2, 23, 4, 7]);
        let missions: Vec<&str> = p.projects.iter().map(|x| x.mission.as_str()).collect();
        assert_eq!(&missions[..6], &["1.1", "1.2", "2.1", "2.1", "2.1", "2.2"]);
        assert_eq!(missions[18], "2.3");
        assert_eq!(missions[28], "3.2");
        assert_eq!(missions[35], "4.3");
        for x in &p.projects {
            assert_eq!(x.budget.len(), 5, "project {}", x.no);
            let expect = match x.no {
                2 => 120_000,
                26 => 90_000,
                33 => 100_000,
                _ => 0,
            };
            assert!(
                x.budget.values().all(|v| *v == expect),
                "project {} budget {:?}",
                x.no,
                x.budget
            );
            assert!(
                !x.responsible.is_empty() && !x.objectives.is_empty() && !x.steps.is_empty(),
                "project {}",
                x.no
            );
            assert!(
                !x.outputs.is_empty() && !x.outcomes.is_empty(),
                "project {}",
                x.no
            );
            assert!(x.period.contains("2566"), "project {}", x.no);
        }
        assert_eq!(p.projects[0].kind, ProjectKind::Project);
        assert_eq!(p.projects[2].kind, ProjectKind::Measure);
        assert_eq!(p.projects[8].kind, ProjectKind::Activity);
        assert_eq!(p.projects[1].name, "โครงการโรงเรียนคุณธรรม");
        assert_eq!(p.projects[1].responsible, "กองการศึกษา");
        assert_eq!(p.projects[12].responsible, "คลัง");
        assert_eq!(p.dimensions.len(), 4);
        let codes: Vec<Vec<&str>> = p
            .dimensions
            .iter()
            .map(|d| d.missions.iter().map(|m| m.code.as_str()).collect())
            .collect();
        assert_eq!(
            codes,
            vec![
                vec!["1.1", "1.2"],
                vec!["2.1", "2.2", "2.3"],
                vec!["3.1", "3.2"],
                vec!["4.1", "4.2", "4.3"]
            ]
        );
        assert_eq!(
            p.dimensions[3].title,
            "การยกระดับกลไกการตรวจสอบการดำเนินงานขององค์กรปกครองส่วนท้องถิ่น"
        );
    }
}

#[test]
fn kpi_targets_of_project_1() {
    let p = b().plan;
    let out = &p.projects[0].outputs;
    // "อย่างน้อย ๕ ช่องทาง และไม่น้อยกว่าปีละ ๔ ครั้ง" gives two KPIs, then "ไม่น้อยกว่าร้อยละ ๘๐"
    assert_eq!(out.len(), 3);
    let t: Vec<(Op, Option<f64>, Option<&str>)> = out
        .iter()
        .map(|k| {
            k.target
                .as_ref()
                .map(|t| (t.op, t.value, t.unit.as_deref()))
                .unwrap()
        })
        .collect();
    assert_eq!(
        t,
        vec![
            (Op::Ge, Some(5.0), Some("channels")),
            (Op::Ge, Some(4.0), Some("times_per_year")),
            (Op::Ge, Some(80.0), Some("percent"))
        ]
    );
    assert_eq!(out[0].text, out[1].text);
    // outcome without a target
    assert_eq!(p.projects[0].outcomes.len(), 1);
    assert!(p.projects[0].outcomes[0].target.is_none());
    // "จำนวน ๑ ฉบับ"
    let t = p.projects[6].outputs[0].target.as_ref().unwrap();
    assert_eq!(
        (t.op, t.value, t.unit.as_deref()),
        (Op::Eq, Some(1.0), Some("documents"))
    );
    // "ลดลง"
    let t = p.projects[3].outcomes[0].target.as_ref().unwrap();
    assert_eq!((t.op, t.value), (Op::Decrease, None));
}

fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

#[test]
fn both_extractions_give_the_same_plan_where_it_matters() {
    let (pa, pb) = (a().plan, b().plan);
    assert_eq!(pa.organization, pb.organization);
    assert_eq!(pa.fiscal_years, pb.fiscal_years);
    assert_eq!(pa.targets, pb.targets);
    assert_eq!(pa.projects.len(), pb.projects.len());
    for (x, y) in pa.projects.iter().zip(&pb.projects) {
        assert_eq!(
            (x.no, x.dimension, &x.mission, x.kind),
            (y.no, y.dimension, &y.mission, y.kind)
        );
        assert_eq!(x.budget, y.budget, "project {}", x.no);
        assert_eq!(x.responsible, y.responsible, "project {}", x.no);
        let tx: Vec<_> = x
            .outputs
            .iter()
            .chain(&x.outcomes)
            .map(|k| k.target.clone())
            .collect();
        let ty: Vec<_> = y
            .outputs
            .iter()
            .chain(&y.outcomes)
            .map(|k| k.target.clone())
            .collect();
        assert_eq!(tx, ty, "KPI targets of project {}", x.no);
        assert_eq!(
            (x.outputs.len(), x.outcomes.len()),
            (y.outputs.len(), y.outcomes.len())
        );
        if x.no != 29 {
            // project 29's name really differs: "เรื่องร้องทุกข์" (A) vs "เรื่องราวจ้างทุกข์" (B)
            assert_eq!(x.name, y.name);
        }
    }
    // dimensions: same numbers, codes and titles (A's table cells carry stray spaces)
    assert_eq!(pa.dimensions.len(), pb.dimensions.len());
    for (x, y) in pa.dimensions.iter().zip(&pb.dimensions) {
        assert_eq!(x.no, y.no);
        assert_eq!(x.title, y.title);
        for (m, n) in x.missions.iter().zip(&y.missions) {
            assert_eq!(m.code, n.code);
            assert_eq!(squash(&m.title), squash(&n.title));
        }
    }
    assert_eq!(pa.risks.len(), pb.risks.len());
}

#[test]
fn whole_seed_file_is_one_plan_read_once() {
    let both = parse_text(&seed_both()).unwrap();
    assert_eq!(both.plan, a().plan);
    assert_eq!(both.notes.len(), 1, "{:?}", both.notes);
    assert!(both.notes[0].contains("same plan twice"));
    let f = lint(&both);
    let d = codes(&f, "duplicate-document");
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].line, Some(2625 + 5));
    // the copies differ (sheet 28's number, project 29's name): the finding says so
    assert_eq!(d[0].severity, Severity::Warning);
    assert!(
        d[0].message_en.contains("project 29"),
        "{}",
        d[0].message_en
    );
    // no other finding comes from the second copy
    assert!(
        f.iter()
            .all(|x| x.line.is_none_or(|l| l <= 2624) || x.code == "duplicate-document")
    );
    assert!(codes(&lint(&a()), "duplicate-document").is_empty());
}

#[test]
fn seed_declared_counts() {
    for o in [a(), b()] {
        let f = lint(&o);
        let d = codes(&f, "declared-count-mismatch");
        let got: Vec<(Option<usize>, bool)> = d
            .iter()
            .map(|x| (x.line, x.severity == Severity::Error))
            .collect();
        assert_eq!(
            got,
            vec![(Some(37), true), (Some(41), true), (Some(43), true)]
                .into_iter()
                .map(|(l, e)| (l.map(|l| l + usize::from(o.source_lines.len() > 2625)), e))
                .collect::<Vec<_>>()
        );
        assert!(
            d[0].message_en
                .contains("states 35 projects for the whole plan")
                && d[0].message_en.contains("36 are actually listed")
        );
        assert!(
            d[1].message_en.contains("21 projects for dimension 2")
                && d[1].message_en.contains("23 are")
        );
        assert!(
            d[2].message_en.contains("5 projects for dimension 3")
                && d[2].message_en.contains("4 are")
        );
    }
}

#[test]
fn seed_numbering() {
    let f = lint(&a());
    let n: Vec<Option<u32>> = codes(&f, "numbering")
        .iter()
        .filter(|x| x.project.is_some())
        .map(|x| x.project)
        .collect();
    assert_eq!(n, vec![Some(6)]);
    let f = lint(&b());
    let n: Vec<&Finding> = codes(&f, "numbering")
        .into_iter()
        .filter(|x| x.project.is_some())
        .collect();
    assert_eq!(
        n.iter().map(|x| x.project).collect::<Vec<_>>(),
        vec![Some(6), Some(28)]
    );
    assert!(n[0].message_th.contains("ลำดับที่ 2") && n[0].message_th.contains("ลำดับที่ 6"));
    assert_eq!(n[1].line, Some(1957));
    // the risk table skips control number 5 in risk 3
    assert_eq!(
        codes(&f, "numbering")
            .iter()
            .filter(|x| x.project.is_none())
            .count(),
        1
    );
}

#[test]
fn seed_part2_part3_mismatches() {
    let f = lint(&b());
    let m = codes(&f, "part2-part3-mismatch");
    let projects: Vec<u32> = m.iter().filter_map(|x| x.project).collect();
    // missions 1.1/1.2 sit under heading 1.3; names of 6, 9 and 29 differ
    assert_eq!(projects, vec![1, 2, 6, 9, 29]);
    assert!(m[2].message_en.contains("เจตนาธรรมณ์") && m[2].message_en.contains("เจตนากรณี"));
    assert!(m[3].message_en.contains("เลื่อนชั้น") && m[3].message_en.contains("เลื่อนขั้น"));
    let fa = lint(&a());
    let pa: Vec<u32> = codes(&fa, "part2-part3-mismatch")
        .iter()
        .filter_map(|x| x.project)
        .collect();
    assert_eq!(pa, vec![1, 2, 6, 9]);
}

#[test]
fn seed_other_findings() {
    let f = lint(&b());
    // budgets add up in the seed
    assert!(codes(&f, "budget-sum").is_empty());
    // "จำนวน ระบุจำนวนกลุ่มเป้าหมาย คน" in project 1's target group
    let p = codes(&f, "placeholder");
    assert_eq!(p.len(), 1);
    assert_eq!((p[0].project, p[0].line), (Some(1), Some(211)));
    // "การทุจริตในองค์กรปกครองส่วนท้องถิ่นลดลงร้อยละ" (no number) and an outcome without direction
    let k = codes(&f, "kpi-no-target");
    assert!(
        k.iter()
            .any(|x| x.project == Some(30) && x.message_en.contains("gives no number"))
    );
    assert!(
        k.iter().any(|x| x.project == Some(11)
            && x.message_en.contains("จำนวนข้อร้องเรียนเกี่ยวกับการจัดซื้อจัดจ้าง\""))
    );
    assert!(!k.iter().any(|x| x.project == Some(2)));
    // units: คลัง vs กองคลัง; two spellings of ทุกสำนัก/กอง; internal audit with and without the town's name
    let u: Vec<u32> = codes(&f, "unit-name-variant")
        .iter()
        .filter_map(|x| x.project)
        .collect();
    assert_eq!(u, vec![13, 19, 30]);
    // risk controls that no project carries out
    let r = codes(&f, "risk-control-unplanned");
    assert_eq!(r.len(), 11, "{r:#?}");
    assert!(r.iter().any(|x| x.message_en.contains("ค่านิยมต่อต้าน")));
    assert!(!r.iter().any(|x| x.message_en.contains("NO Gift")));
    assert!(
        !r.iter().any(|x| x.message_en.contains("เจตนาภรณ์")),
        "typo-tolerant match with project 6"
    );
    // "มติ" for "มิติ": 4 on the cover, 2 table headers × 2 cells, 4 Part 3 headings
    assert_eq!(codes(&f, "heading-typo").len(), 12);
    assert!(
        f.iter()
            .all(|x| !x.message_th.is_empty() && !x.message_en.is_empty())
    );
}

#[test]
fn plan_round_trips_through_json() {
    let p = b().plan;
    let json = serde_json::to_string(&p).unwrap();
    let back: Plan = serde_json::from_str(&json).unwrap();
    assert_eq!(back, p);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["projects"][0]["kind"], "project");
    assert_eq!(v["projects"][0]["outputs"][0]["target"]["op"], ">=");
    assert_eq!(v["projects"][1]["budget"]["2566"], 120000);
}
