//! One small synthetic plan; each lint code is switched on by one knob
//! (positive case) and must stay silent on the consistent default (negative).
#![allow(clippy::unwrap_used)]

mod common;
use common::Synth;
use prongsai_plan::{Finding, Severity, lint, parse_text};

fn findings(s: &Synth) -> Vec<Finding> {
    let o = parse_text(&s.text()).unwrap();
    lint(&o)
}

fn with_code<'a>(f: &'a [Finding], code: &str) -> Vec<&'a Finding> {
    f.iter().filter(|x| x.code == code).collect()
}

#[test]
fn the_consistent_plan_parses_fully_and_has_no_findings() {
    let o = parse_text(&Synth::default().text()).unwrap();
    let p = &o.plan;
    assert_eq!(p.organization, "เทศบาลตำบลทดสอบ");
    assert_eq!(p.fiscal_years, vec![2566, 2567, 2568, 2569, 2570]);
    assert_eq!(p.projects.len(), 3);
    assert_eq!(p.projects[0].budget.get("2566"), Some(&10_000));
    assert_eq!(p.projects[2].dimension, 2);
    assert_eq!(p.projects[2].mission, "2.1");
    assert_eq!(p.risks.len(), 1);
    assert_eq!(p.risks[0].levels, vec!["สูง", "ปานกลาง"]);
    assert_eq!(p.risks[0].issues.len(), 2);
    assert_eq!(p.targets.ita_score.get("2570"), Some(&85.0));
    let f = lint(&o);
    assert!(f.is_empty(), "{f:#?}");
}

#[test]
fn declared_count_mismatch_total_and_per_dimension() {
    let f = findings(&Synth {
        total_declared: 4,
        ..Default::default()
    });
    let d = with_code(&f, "declared-count-mismatch");
    assert_eq!(d.len(), 1, "{d:#?}");
    assert!(
        d[0].message_en
            .contains("states 4 projects for the whole plan")
    );
    assert!(d[0].message_en.contains("3 are actually listed"));
    assert_eq!(d[0].severity, Severity::Error);

    let f = findings(&Synth {
        dim1_declared: 5,
        ..Default::default()
    });
    let d = with_code(&f, "declared-count-mismatch");
    assert_eq!(d.len(), 1);
    assert!(d[0].message_en.contains("dimension 1"));
    assert!(d[0].message_th.contains("มิติที่ 1"));
}

#[test]
fn numbering_slip_in_sheets() {
    let f = findings(&Synth {
        sheet2_no: 5,
        ..Default::default()
    });
    let n = with_code(&f, "numbering");
    assert_eq!(n.len(), 1, "{n:#?}");
    assert_eq!(n[0].project, Some(2));
    assert!(n[0].message_en.contains("ลำดับที่ 5"));
    assert!(n[0].message_en.contains("should read \"ลำดับที่ 2\""));

    // a repeated number
    let f = findings(&Synth {
        sheet3_no: 2,
        ..Default::default()
    });
    let n = with_code(&f, "numbering");
    assert_eq!(n.len(), 1);
    assert!(n[0].message_en.contains("used more than once"));
}

#[test]
fn part2_part3_mismatches() {
    let f = findings(&Synth {
        sheet2_name: "กิจกรรมค่ายเยาวชนรักความซื่อสัตย์",
        ..Default::default()
    });
    let m = with_code(&f, "part2-part3-mismatch");
    assert_eq!(m.len(), 1, "{m:#?}");
    assert_eq!(m[0].project, Some(2));
    assert!(m[0].message_en.contains("รักความซื่อสัตย์"));

    let f = findings(&Synth {
        sheet1_budget: "25,000 บาท",
        ..Default::default()
    });
    let m = with_code(&f, "part2-part3-mismatch");
    assert_eq!(m.len(), 1, "{m:#?}");
    assert_eq!(m[0].severity, Severity::Error);
    assert!(m[0].message_en.contains("25,000"));

    let f = findings(&Synth {
        sheet1_mission: "1.3",
        ..Default::default()
    });
    let m = with_code(&f, "part2-part3-mismatch");
    assert_eq!(m.len(), 1);
    assert!(m[0].message_en.contains("mission 1.1") && m[0].message_en.contains("1.3"));

    let f = findings(&Synth {
        with_sheet3: false,
        ..Default::default()
    });
    let m = with_code(&f, "part2-part3-mismatch");
    assert_eq!(m.len(), 1);
    assert!(m[0].message_en.contains("no detail sheet"));
}

#[test]
fn budget_sum_mismatch() {
    let f = findings(&Synth {
        dim1_total_row: "20,000 บาท",
        ..Default::default()
    });
    let b = with_code(&f, "budget-sum");
    // one per fiscal year column
    assert_eq!(b.len(), 5, "{b:#?}");
    assert!(b[0].message_en.contains("20,000") && b[0].message_en.contains("10,000"));
}

#[test]
fn placeholders() {
    for (tg, hit) in [
        ("พนักงาน จำนวน (ระบุจำนวน) คน", "ระบุจำนวน"),
        ("พนักงาน จำนวน xx คน", "xx"),
        ("พนักงาน จำนวน ....... คน", "...."),
    ] {
        let f = findings(&Synth {
            target_group1: tg,
            ..Default::default()
        });
        let p = with_code(&f, "placeholder");
        assert_eq!(p.len(), 1, "{tg}: {p:#?}");
        assert_eq!(p[0].project, Some(1));
        assert!(p[0].message_en.contains("section 4"), "{}", p[0].message_en);
        assert!(p[0].message_en.contains(hit));
    }
}

#[test]
fn kpi_without_target() {
    let f = findings(&Synth {
        outcome1: "จำนวนข้อร้องเรียนการทุจริต",
        ..Default::default()
    });
    let k = with_code(&f, "kpi-no-target");
    assert_eq!(k.len(), 1, "{k:#?}");
    assert_eq!(k[0].project, Some(1));
    assert_eq!(k[0].severity, Severity::Warning);

    let f = findings(&Synth {
        outcome1: "การทุจริตลดลงร้อยละ",
        ..Default::default()
    });
    let k = with_code(&f, "kpi-no-target");
    assert_eq!(k.len(), 1);
    assert!(k[0].message_en.contains("gives no number"));
}

#[test]
fn risk_control_not_planned() {
    let f = findings(&Synth {
        extra_control: "โครงการเสริมสร้างค่านิยมต่อต้านการทุจริต",
        ..Default::default()
    });
    let r = with_code(&f, "risk-control-unplanned");
    assert_eq!(r.len(), 1, "{r:#?}");
    assert!(r[0].message_en.contains("ค่านิยมต่อต้านการทุจริต"));
    // tolerant matching: spaces, kind prefix and a small typo still match
    let f = findings(&Synth {
        extra_control: "โครงการค่าย เยาวชนสุจริต",
        ..Default::default()
    });
    assert!(with_code(&f, "risk-control-unplanned").is_empty());
    let f = findings(&Synth {
        extra_control: "กิจกรรมค่ายเยาวชนสุจริด",
        ..Default::default()
    });
    assert!(with_code(&f, "risk-control-unplanned").is_empty());
}

#[test]
fn unit_name_variants() {
    let f = findings(&Synth {
        unit3: "สำนักปลัด เทศบาล",
        ..Default::default()
    });
    let u = with_code(&f, "unit-name-variant");
    assert_eq!(u.len(), 1, "{u:#?}");
    assert_eq!(u[0].project, Some(3));
    assert!(u[0].message_en.contains("สำนักปลัดเทศบาล"));
    let f = findings(&Synth {
        unit3: "ปลัดเทศบาล",
        ..Default::default()
    });
    assert_eq!(with_code(&f, "unit-name-variant").len(), 1);
}

#[test]
fn heading_typo() {
    let f = findings(&Synth {
        dim_word: "มติที่",
        ..Default::default()
    });
    let h = with_code(&f, "heading-typo");
    assert_eq!(h.len(), 1, "{h:#?}");
    assert!(h[0].message_en.contains("มิติที่"));
    // and the plan still reads the same
    let a = parse_text(
        &Synth {
            dim_word: "มติที่",
            ..Default::default()
        }
        .text(),
    )
    .unwrap();
    let b = parse_text(&Synth::default().text()).unwrap();
    assert_eq!(a.plan, b.plan);
}

#[test]
fn duplicate_document() {
    let o = parse_text(
        &Synth {
            twice: true,
            ..Default::default()
        }
        .text(),
    )
    .unwrap();
    assert_eq!(o.plan.projects.len(), 3);
    assert!(o.notes.iter().any(|n| n.contains("same plan twice")));
    let f = lint(&o);
    let d = with_code(&f, "duplicate-document");
    assert_eq!(d.len(), 1, "{d:#?}");
    // findings of the second copy are not repeated
    assert_eq!(f.len(), 1, "{f:#?}");
}

#[test]
fn arabic_and_thai_digits_read_the_same() {
    let text = Synth::default().text();
    let thai: String = text
        .chars()
        .map(|c| {
            if c.is_ascii_digit() {
                char::from_u32(c as u32 - '0' as u32 + '๐' as u32).unwrap()
            } else {
                c
            }
        })
        .collect();
    assert_eq!(
        parse_text(&thai).unwrap().plan,
        parse_text(&text).unwrap().plan
    );
}

#[test]
fn crlf_and_extra_spaces_read_the_same() {
    let text = Synth::default().text();
    let crlf = text
        .replace('\n', "\r\n")
        .replace("ชื่อโครงการ", "ชื่อ โครงการ");
    assert_eq!(
        parse_text(&crlf).unwrap().plan,
        parse_text(&text).unwrap().plan
    );
}
