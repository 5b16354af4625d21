//! Consistency checks over a parsed plan. Every finding names the line, the
//! project and the section, and quotes the text to fix.

use std::collections::BTreeMap;

use crate::ParseOutcome;
use crate::diff::baht;
use crate::kpi::has_dangling_percent;
use crate::model::{Finding, Kpi, Severity};
use crate::parse::{name_key, parse_baht, section_heading};
use crate::text::{normalize_line, quote, similarity, strip_spaces};

/// Similarity (0..1) above which a risk control counts as carried out by a project.
pub const CONTROL_MATCH_THRESHOLD: f64 = 0.75;

fn finding(
    code: &str,
    severity: Severity,
    project: Option<u32>,
    line: Option<usize>,
    th: String,
    en: String,
) -> Finding {
    Finding {
        code: code.to_string(),
        severity,
        project,
        line,
        message_th: th,
        message_en: en,
    }
}

fn line_text(o: &ParseOutcome, line: usize) -> String {
    o.source_lines
        .get(line.wrapping_sub(1))
        .map(|l| normalize_line(l))
        .unwrap_or_default()
}

pub(crate) fn lint_impl(o: &ParseOutcome) -> Vec<Finding> {
    let mut out = Vec::new();
    declared_counts(o, &mut out);
    numbering(o, &mut out);
    part2_part3(o, &mut out);
    budget_sums(o, &mut out);
    placeholders(o, &mut out);
    kpis(o, &mut out);
    risk_controls(o, &mut out);
    unit_variants(o, &mut out);
    heading_typos(o, &mut out);
    duplicates(o, &mut out);
    out.sort_by(|a, b| {
        a.line
            .unwrap_or(0)
            .cmp(&b.line.unwrap_or(0))
            .then(a.code.cmp(&b.code))
    });
    out
}

fn declared_counts(o: &ParseOutcome, out: &mut Vec<Finding>) {
    let plan = &o.plan;
    let ev = &o.evidence;
    let total = plan.projects.len() as u32;
    let per_dim = |d: u32| plan.projects.iter().filter(|p| p.dimension == d).count() as u32;
    let p2_total = ev.projects.iter().filter(|p| p.part2.is_some()).count() as u32;
    let p2_dim = |d: u32| {
        ev.projects
            .iter()
            .filter(|p| p.part2.as_ref().is_some_and(|r| r.dimension == Some(d)))
            .count() as u32
    };
    for dc in &ev.declared_counts {
        let (actual, what_en, what_th) = match (dc.dimension, dc.source.as_str()) {
            (Some(d), "part2") => (
                p2_dim(d),
                format!("dimension {d} in the Part 2 table"),
                format!("มิติที่ {d} ในตารางส่วนที่ 2"),
            ),
            (None, "part2") => (
                p2_total,
                "the Part 2 table".to_string(),
                "ตารางส่วนที่ 2".to_string(),
            ),
            (Some(d), _) => (per_dim(d), format!("dimension {d}"), format!("มิติที่ {d}")),
            (None, _) => (total, "the whole plan".to_string(), "ทั้งแผน".to_string()),
        };
        if dc.count != actual {
            let q = quote(&dc.quote, 120);
            out.push(finding(
                "declared-count-mismatch",
                Severity::Error,
                None,
                Some(dc.line),
                format!(
                    "บรรทัด {}: ข้อความระบุจำนวน {} โครงการสำหรับ{} (“{}”) แต่ในแผนมีจริง {} โครงการ กรุณาแก้ตัวเลขในข้อความนี้ให้ตรงกับจำนวนโครงการ",
                    dc.line, dc.count, what_th, q, actual
                ),
                format!(
                    "Line {}: the text states {} projects for {} (\"{}\"), but {} are actually listed. Correct the number in this sentence.",
                    dc.line, dc.count, what_en, q, actual
                ),
            ));
        }
    }
}

fn numbering(o: &ParseOutcome, out: &mut Vec<Finding>) {
    let ev = &o.evidence;
    // Project sheets: "ลำดับที่ N"
    let sheets: Vec<(u32, usize, u32)> = ev
        .projects
        .iter()
        .enumerate()
        .filter_map(|(i, p)| {
            let s = p.sheet.as_ref()?;
            Some((s.declared_no?, s.line, (i + 1) as u32))
        })
        .collect();
    let mut counts: BTreeMap<u32, usize> = BTreeMap::new();
    for s in &sheets {
        *counts.entry(s.0).or_default() += 1;
    }
    let mut prev: Option<u32> = None;
    for (k, (declared, line, project)) in sheets.iter().enumerate() {
        let expected_seq = prev.map(|p| p + 1).unwrap_or(1);
        let position = (k + 1) as u32;
        if *declared != expected_seq && *declared != position {
            let dup = counts.get(declared).copied().unwrap_or(0) > 1;
            let dup_en = if dup {
                format!(" Number {declared} is used more than once.")
            } else {
                String::new()
            };
            let dup_th = if dup {
                format!(" และเลข {declared} ถูกใช้ซ้ำ")
            } else {
                String::new()
            };
            let after_en = prev
                .map(|p| format!(" after ลำดับที่ {p}"))
                .unwrap_or_default();
            let after_th = prev.map(|p| format!(" ต่อจากลำดับที่ {p}")).unwrap_or_default();
            out.push(finding(
                "numbering",
                Severity::Warning,
                Some(*project),
                Some(*line),
                format!(
                    "บรรทัด {line}: รายละเอียดโครงการในส่วนที่ 3 ระบุ “ลำดับที่ {declared}”{after_th} แต่เป็นโครงการที่ {project} ของแผน ควรแก้เป็น “ลำดับที่ {position}”{dup_th}"
                ),
                format!(
                    "Line {line}: the Part 3 sheet is headed \"ลำดับที่ {declared}\"{after_en}, but it is project {project} of the plan; it should read \"ลำดับที่ {position}\".{dup_en}"
                ),
            ));
        }
        prev = Some(*declared);
    }
    // Part 2 table: "1) … 2) …", restarting per dimension or running through.
    let rows: Vec<(Option<u32>, u32, usize, u32, String)> = ev
        .projects
        .iter()
        .enumerate()
        .filter_map(|(i, p)| {
            let r = p.part2.as_ref()?;
            Some((
                r.dimension,
                r.local_no?,
                r.line,
                (i + 1) as u32,
                r.name.clone(),
            ))
        })
        .collect();
    let mut prev: Option<(Option<u32>, u32)> = None;
    for (dim, n, line, project, name) in &rows {
        let ok = match prev {
            None => *n == 1,
            Some((pd, pn)) if pd == *dim => *n == pn + 1,
            Some((_, pn)) => *n == 1 || *n == pn + 1,
        };
        if !ok {
            let exp = match prev {
                Some((pd, pn)) if pd == *dim => pn + 1,
                Some((_, _)) => 1,
                None => 1,
            };
            out.push(finding(
                "numbering",
                Severity::Warning,
                Some(*project),
                Some(*line),
                format!("บรรทัด {line}: ตารางส่วนที่ 2 ใช้เลข “{n})” หน้า “{}” แต่ลำดับควรเป็น {exp}", quote(name, 60)),
                format!("Line {line}: the Part 2 table numbers \"{}\" as {n}), but the sequence calls for {exp}).", quote(name, 60)),
            ));
        }
        prev = Some((*dim, *n));
    }
    for ln in &ev.list_numbering {
        out.push(finding(
            "numbering",
            Severity::Info,
            None,
            Some(ln.line),
            format!(
                "บรรทัด {}: ในรายการ{} ข้อ “{}. {}” ควรเป็นข้อ {} (ลำดับข้ามหรือซ้ำ)",
                ln.line,
                ln.context.replace("risk", "ความเสี่ยงที่").replace("control measures", " มาตรการควบคุม"),
                ln.found,
                quote(&ln.quote, 50),
                ln.expected
            ),
            format!(
                "Line {}: in the list of {}, item \"{}. {}\" should be number {} (a number is skipped or repeated).",
                ln.line,
                ln.context,
                ln.found,
                quote(&ln.quote, 50),
                ln.expected
            ),
        ));
    }
}

fn part2_part3(o: &ParseOutcome, out: &mut Vec<Finding>) {
    let years = &o.evidence.fiscal_years;
    for (i, pe) in o.evidence.projects.iter().enumerate() {
        let no = (i + 1) as u32;
        match (&pe.part2, &pe.sheet) {
            (Some(r), None) => out.push(finding(
                "part2-part3-mismatch",
                Severity::Error,
                Some(no),
                Some(r.line),
                format!("บรรทัด {}: โครงการที่ {no} “{}” อยู่ในตารางส่วนที่ 2 แต่ไม่มีรายละเอียดโครงการในส่วนที่ 3 กรุณาเพิ่มรายละเอียดโครงการ", r.line, quote(&r.name, 80)),
                format!("Line {}: project {no} \"{}\" is in the Part 2 table but has no detail sheet in Part 3. Add its sheet.", r.line, quote(&r.name, 80)),
            )),
            (None, Some(s)) => out.push(finding(
                "part2-part3-mismatch",
                Severity::Error,
                Some(no),
                Some(s.line),
                format!("บรรทัด {}: รายละเอียดโครงการ “{}” ในส่วนที่ 3 ไม่มีในตารางส่วนที่ 2 กรุณาเพิ่มโครงการนี้ในตารางพร้อมงบประมาณ", s.line, quote(&s.name, 80)),
                format!("Line {}: the Part 3 sheet for \"{}\" has no row in the Part 2 table. Add it to the table with its budget.", s.line, quote(&s.name, 80)),
            )),
            (Some(r), Some(s)) => {
                let line = s.name_line.unwrap_or(s.line);
                if !s.name.is_empty() && name_key(&r.name) != name_key(&s.name) {
                    out.push(finding(
                        "part2-part3-mismatch",
                        Severity::Warning,
                        Some(no),
                        Some(line),
                        format!(
                            "บรรทัด {line}: ชื่อโครงการที่ {no} ในส่วนที่ 3 (หัวข้อ 1 ชื่อโครงการ) “{}” ไม่ตรงกับชื่อในตารางส่วนที่ 2 บรรทัด {} “{}” กรุณาใช้ชื่อเดียวกัน",
                            quote(&s.name, 100), r.line, quote(&r.name, 100)
                        ),
                        format!(
                            "Line {line}: project {no}'s name in its Part 3 sheet (section 1) \"{}\" differs from the Part 2 table (line {}) \"{}\". Use one name.",
                            quote(&s.name, 100), r.line, quote(&r.name, 100)
                        ),
                    ));
                }
                if let (Some(a), Some(b)) = (r.dimension, s.dimension)
                    && a != b {
                        out.push(finding(
                            "part2-part3-mismatch",
                            Severity::Warning,
                            Some(no),
                            Some(s.line),
                            format!("บรรทัด {}: โครงการที่ {no} อยู่ในมิติที่ {a} ตามตารางส่วนที่ 2 (บรรทัด {}) แต่รายละเอียดในส่วนที่ 3 อยู่ใต้หัวข้อมิติที่ {b}", s.line, r.line),
                            format!("Line {}: project {no} is in dimension {a} in the Part 2 table (line {}), but its Part 3 sheet sits under the heading of dimension {b}.", s.line, r.line),
                        ));
                    }
                if let (Some(a), Some(b)) = (&r.mission, &s.mission)
                    && a != b {
                        out.push(finding(
                            "part2-part3-mismatch",
                            Severity::Warning,
                            Some(no),
                            Some(s.line),
                            format!("บรรทัด {}: โครงการที่ {no} อยู่ในภารกิจ {a} ตามตารางส่วนที่ 2 (บรรทัด {}) แต่รายละเอียดในส่วนที่ 3 อยู่ใต้หัวข้อภารกิจ {b} กรุณาแก้เลขภารกิจให้ตรงกัน", s.line, r.line),
                            format!("Line {}: project {no} is under mission {a} in the Part 2 table (line {}), but its Part 3 sheet sits under mission heading {b}. Make the mission numbers agree.", s.line, r.line),
                        ));
                    }
                if let Some(text) = &s.budget_text {
                    let sheet_amount = parse_baht(text);
                    let yearly: Vec<i64> = r.budget.clone();
                    let sum: i64 = yearly.iter().sum();
                    let bad = match sheet_amount {
                        Some(0) => sum != 0,
                        Some(a) => !(yearly.iter().all(|v| *v == a) || sum == a || (yearly.contains(&a) && yearly.iter().all(|v| *v == 0 || *v == a))),
                        None => false,
                    };
                    if bad {
                        let bl = s.budget_line.unwrap_or(s.line);
                        let table: Vec<String> = years.iter().zip(yearly.iter()).map(|(y, v)| format!("{y}: {}", baht(*v))).collect();
                        out.push(finding(
                            "part2-part3-mismatch",
                            Severity::Error,
                            Some(no),
                            Some(bl),
                            format!(
                                "บรรทัด {bl}: งบประมาณของโครงการที่ {no} ในส่วนที่ 3 (หัวข้อ 7 งบประมาณ) “{}” ไม่ตรงกับตารางส่วนที่ 2 บรรทัด {} ({})",
                                quote(text, 80), r.line, table.join(", ")
                            ),
                            format!(
                                "Line {bl}: project {no}'s budget in its Part 3 sheet (section 7) \"{}\" does not match the Part 2 table, line {} ({}).",
                                quote(text, 80), r.line, table.join(", ")
                            ),
                        ));
                    }
                }
            }
            (None, None) => {}
        }
    }
}

fn budget_sums(o: &ParseOutcome, out: &mut Vec<Finding>) {
    let ev = &o.evidence;
    for bt in &ev.budget_totals {
        let rows: Vec<&Vec<i64>> = ev
            .projects
            .iter()
            .filter_map(|p| p.part2.as_ref())
            .filter(|r| bt.dimension.is_none() || r.dimension == bt.dimension)
            .map(|r| &r.budget)
            .collect();
        for (k, stated) in bt.amounts.iter().enumerate() {
            let Some(stated) = stated else { continue };
            let sum: i64 = rows.iter().map(|b| b.get(k).copied().unwrap_or(0)).sum();
            if sum != *stated {
                let year = ev
                    .fiscal_years
                    .get(k)
                    .map(|y| y.to_string())
                    .unwrap_or_else(|| format!("column {}", k + 1));
                let (what_en, what_th) = match bt.dimension {
                    Some(d) => (
                        format!("the total row of dimension {d}"),
                        format!("แถวรวมของมิติที่ {d}"),
                    ),
                    None => ("the grand total row".to_string(), "แถวรวมทั้งสิ้น".to_string()),
                };
                out.push(finding(
                    "budget-sum",
                    Severity::Error,
                    None,
                    Some(bt.line),
                    format!(
                        "บรรทัด {}: {what_th}ในตารางส่วนที่ 2 ระบุงบประมาณปี {year} เป็น {} บาท แต่ผลรวมงบประมาณของโครงการเท่ากับ {} บาท (“{}”)",
                        bt.line, baht(*stated), baht(sum), quote(&bt.quote, 100)
                    ),
                    format!(
                        "Line {}: {what_en} of the Part 2 table states {} baht for {year}, but the projects' budgets add up to {} baht (\"{}\").",
                        bt.line, baht(*stated), baht(sum), quote(&bt.quote, 100)
                    ),
                ));
            }
        }
    }
    for line in &ev.orphan_budget_rows {
        out.push(finding(
            "budget-sum",
            Severity::Warning,
            None,
            Some(*line),
            format!("บรรทัด {line}: แถวงบประมาณในตารางส่วนที่ 2 นี้ไม่มีโครงการที่จะรับงบประมาณ กรุณาตรวจสอบว่างบประมาณเป็นของโครงการใด"),
            format!("Line {line}: this budget row of the Part 2 table belongs to no project. Check which project the amounts are for."),
        ));
    }
}

/// Which project sheet and section a line falls in.
fn locate(o: &ParseOutcome, line: usize) -> (Option<u32>, Option<u8>) {
    for (i, pe) in o.evidence.projects.iter().enumerate() {
        if let Some(s) = &pe.sheet
            && line >= s.line
            && line <= s.end_line.max(s.line)
        {
            let mut sec = None;
            let mut l = line;
            while l >= s.line && l > 0 {
                if let Some((n, _, _)) = section_heading(&line_text(o, l)) {
                    sec = Some(n);
                    break;
                }
                l -= 1;
            }
            return (Some((i + 1) as u32), sec);
        }
    }
    (None, None)
}

const SECTION_TH: [&str; 10] = [
    "",
    "ชื่อโครงการ",
    "หลักการและเหตุผล",
    "วัตถุประสงค์",
    "กลุ่มเป้าหมาย",
    "วิธีดำเนินการ",
    "ระยะเวลาดำเนินการ",
    "งบประมาณ",
    "ผู้รับผิดชอบ",
    "ผลผลิต/ผลลัพธ์",
];
const SECTION_EN: [&str; 10] = [
    "",
    "name",
    "rationale",
    "objectives",
    "target group",
    "method",
    "period",
    "budget",
    "responsible unit",
    "outputs/outcomes",
];

fn where_text(project: Option<u32>, sec: Option<u8>) -> (String, String) {
    match (project, sec) {
        (Some(p), Some(s)) => {
            let k = s as usize;
            (
                format!(
                    " (โครงการที่ {p} หัวข้อ {s} {})",
                    SECTION_TH.get(k).copied().unwrap_or("")
                ),
                format!(
                    " (project {p}, section {s} {})",
                    SECTION_EN.get(k).copied().unwrap_or("")
                ),
            )
        }
        (Some(p), None) => (format!(" (โครงการที่ {p})"), format!(" (project {p})")),
        _ => (String::new(), String::new()),
    }
}

fn placeholder_hit(text: &str) -> Option<String> {
    let s = strip_spaces(text);
    for p in [
        "(ระบุ",
        "[ระบุ",
        "<ระบุ",
        "{ระบุ",
        "ระบุจำนวน",
        "ระบุชื่อ",
        "ระบุวันที่",
        "ระบุปี",
        "ระบุงบประมาณ",
        "ระบุหน่วยงาน",
        "ระบุกลุ่ม",
    ] {
        if s.contains(p) {
            return Some(p.trim_start_matches(['(', '[', '<', '{']).to_string());
        }
    }
    if s.contains("....") {
        return Some("....".into());
    }
    if s.contains("……") || s.contains("…….") {
        return Some("……".into());
    }
    if s.contains("___") {
        return Some("___".into());
    }
    // "xx", "XXX" as a whole token
    let mut tok = String::new();
    for c in text.chars().chain(std::iter::once(' ')) {
        if c.is_ascii_alphanumeric() {
            tok.push(c);
        } else {
            if tok.len() >= 2 && tok.chars().all(|c| c == 'x' || c == 'X') {
                return Some(tok);
            }
            tok.clear();
        }
    }
    None
}

fn placeholders(o: &ParseOutcome, out: &mut Vec<Finding>) {
    let (from, to) = o.evidence.segment;
    for line in from.max(1)..=to.min(o.source_lines.len()) {
        // cheap prefilter on the raw line before normalising it
        let raw = o
            .source_lines
            .get(line - 1)
            .map(String::as_str)
            .unwrap_or("");
        if !(raw.contains("ระบุ")
            || raw.contains("..")
            || raw.contains('…')
            || raw.contains("__")
            || raw.contains("xx")
            || raw.contains("XX")
            || raw.contains("xX")
            || raw.contains("Xx"))
        {
            continue;
        }
        let text = line_text(o, line);
        let Some(hit) = placeholder_hit(&text) else {
            continue;
        };
        let (project, sec) = locate(o, line);
        let (wt, we) = where_text(project, sec);
        out.push(finding(
            "placeholder",
            Severity::Error,
            project,
            Some(line),
            format!("บรรทัด {line}{wt}: ยังมีข้อความแม่แบบ “{hit}” ค้างอยู่ในข้อความ “{}” กรุณากรอกข้อมูลจริง", quote(&text, 120)),
            format!("Line {line}{we}: template text \"{hit}\" was left in \"{}\". Fill in the real value.", quote(&text, 120)),
        ));
    }
}

fn kpis(o: &ParseOutcome, out: &mut Vec<Finding>) {
    for (i, p) in o.plan.projects.iter().enumerate() {
        let sheet = o.evidence.projects.get(i).and_then(|e| e.sheet.as_ref());
        for (kind, list, lines) in [
            (
                "output",
                &p.outputs,
                sheet.map(|s| s.output_lines.clone()).unwrap_or_default(),
            ),
            (
                "outcome",
                &p.outcomes,
                sheet.map(|s| s.outcome_lines.clone()).unwrap_or_default(),
            ),
        ] {
            // group KPIs of one item (same text, consecutive)
            let mut items: Vec<Vec<&Kpi>> = Vec::new();
            for k in list.iter() {
                match items.last_mut() {
                    Some(last) if last.first().is_some_and(|f| f.text == k.text) => last.push(k),
                    _ => items.push(vec![k]),
                }
            }
            for (idx, item) in items.iter().enumerate() {
                let Some(first) = item.first() else { continue };
                let line = lines.get(idx).copied();
                let lt = line.map(|l| format!("บรรทัด {l} ")).unwrap_or_default();
                let le = line.map(|l| format!("Line {l}: ")).unwrap_or_default();
                let (kth, ken) = if kind == "output" {
                    ("ผลผลิต", "output")
                } else {
                    ("ผลลัพธ์", "outcome")
                };
                let no = p.no;
                let q = quote(&first.text, 120);
                if has_dangling_percent(&first.text) {
                    out.push(finding(
                        "kpi-no-target",
                        Severity::Warning,
                        Some(no),
                        line,
                        format!("{lt}(โครงการที่ {no} หัวข้อ 9 {kth}): ตัวชี้วัด “{q}” เขียนว่า “ร้อยละ” แต่ไม่มีตัวเลข กรุณาระบุค่าเป้าหมาย"),
                        format!("{le}project {no}, section 9 {ken}: \"{q}\" says ร้อยละ (percent) but gives no number. State the target value."),
                    ));
                } else if item.iter().all(|k| k.target.is_none()) {
                    let existence = strip_spaces(&first.text).starts_with("มี");
                    let (sev, th_extra, en_extra) = if kind == "output" && existence {
                        (
                            Severity::Info,
                            "(เป็นผลผลิตแบบมี/ไม่มี อาจระบุจำนวนให้ชัดเจน)",
                            "(a yes/no output; consider stating a count)",
                        )
                    } else {
                        (
                            Severity::Warning,
                            "กรุณาระบุตัวเลขเป้าหมายหรือทิศทาง เช่น “ไม่น้อยกว่าร้อยละ 80” หรือ “ลดลง”",
                            "State a number or a direction, e.g. \"ไม่น้อยกว่าร้อยละ 80\" or \"ลดลง\".",
                        )
                    };
                    out.push(finding(
                        "kpi-no-target",
                        sev,
                        Some(no),
                        line,
                        format!("{lt}(โครงการที่ {no} หัวข้อ 9 {kth}): ตัวชี้วัด “{q}” ไม่มีค่าเป้าหมายที่วัดได้ {th_extra}"),
                        format!("{le}project {no}, section 9 {ken}: \"{q}\" has no measurable target. {en_extra}"),
                    ));
                }
            }
        }
    }
}

/// Key for matching control measures with project names.
fn control_key(name: &str, org: &str) -> String {
    let mut k = name_key(name);
    let org_k = strip_spaces(org).to_lowercase();
    for generic in [
        org_k.as_str(),
        "องค์กรปกครองส่วนท้องถิ่น",
        "องค์การปกครองส่วนท้องถิ่น",
        "หน่วยงาน",
    ] {
        if generic.is_empty() {
            continue;
        }
        k = k.replace(&format!("ของ{generic}"), "").replace(generic, "");
    }
    k
}

fn risk_controls(o: &ParseOutcome, out: &mut Vec<Finding>) {
    let org = &o.plan.organization;
    let mut names: Vec<(u32, String, String)> = Vec::new();
    for (i, p) in o.plan.projects.iter().enumerate() {
        let no = (i + 1) as u32;
        names.push((no, p.name.clone(), control_key(&p.name, org)));
        if let Some(r) = o.evidence.projects.get(i).and_then(|e| e.part2.as_ref()) {
            names.push((no, r.name.clone(), control_key(&r.name, org)));
        }
    }
    for (ri, risk) in o.plan.risks.iter().enumerate() {
        let line = o.evidence.risk_lines.get(ri).copied();
        for c in &risk.controls {
            let ck = control_key(c, org);
            let best = names
                .iter()
                .map(|(no, n, k)| (similarity(&ck, k), *no, n))
                .max_by(|a, b| a.0.partial_cmp(&b.0).unwrap_or(std::cmp::Ordering::Equal));
            let (score, bno, bname) = match best {
                Some((s, n, name)) => (s, n, name.clone()),
                None => (0.0, 0, String::new()),
            };
            if score < CONTROL_MATCH_THRESHOLD {
                let lt = line.map(|l| format!("บรรทัด {l}: ")).unwrap_or_default();
                let le = line.map(|l| format!("Line {l}: ")).unwrap_or_default();
                let (near_th, near_en) = if bno > 0 && score >= 0.4 {
                    (
                        format!(" (ใกล้เคียงที่สุดคือโครงการที่ {bno} “{}”)", quote(&bname, 60)),
                        format!(" (closest: project {bno} \"{}\")", quote(&bname, 60)),
                    )
                } else {
                    (String::new(), String::new())
                };
                out.push(finding(
                    "risk-control-unplanned",
                    Severity::Warning,
                    None,
                    line,
                    format!(
                        "{lt}มาตรการควบคุมความเสี่ยง “{}” ในตารางประเมินความเสี่ยง (ส่วนที่ 1 ความเสี่ยงที่ {}) ไม่มีโครงการใดในแผนดำเนินการ{near_th} กรุณาเพิ่มโครงการ หรือแก้ชื่อมาตรการให้ตรงกับโครงการ",
                        quote(c, 100), risk.no
                    ),
                    format!(
                        "{le}risk control measure \"{}\" (Part 1 risk table, risk {}) is carried out by no project in the plan{near_en}. Add a project, or name the control as the project is named.",
                        quote(c, 100), risk.no
                    ),
                ));
            }
        }
    }
}

fn unit_key(raw: &str, org: &str) -> String {
    let mut s = strip_spaces(raw);
    let org_s = strip_spaces(org);
    if !org_s.is_empty() {
        s = s.replace(&format!("ของ{org_s}"), "").replace(&org_s, "");
    }
    for suf in ["ของเทศบาล", "เทศบาล"] {
        if s.len() > suf.len() + 3
            && let Some(r) = s.strip_suffix(suf)
        {
            s = r.to_string();
        }
    }
    for pre in ["กอง", "สำนัก"] {
        if let Some(r) = s.strip_prefix(pre) {
            if !r.is_empty() {
                s = r.to_string();
            }
            break;
        }
    }
    s
}

fn unit_variants(o: &ParseOutcome, out: &mut Vec<Finding>) {
    let org = &o.plan.organization;
    // (key, spelling) -> projects
    let mut units: Vec<(String, String, Vec<u32>)> = Vec::new();
    for p in &o.plan.projects {
        for raw in p.responsible.split([',', '\n', ';']) {
            let raw = raw.trim();
            if raw.is_empty() {
                continue;
            }
            let key = unit_key(raw, org);
            match units.iter_mut().find(|u| u.1 == raw) {
                Some(u) => u.2.push(p.no),
                None => units.push((key, raw.to_string(), vec![p.no])),
            }
        }
    }
    // group spellings whose keys are equal or nearly so
    let mut group_of: Vec<usize> = (0..units.len()).collect();
    for i in 0..units.len() {
        for j in 0..i {
            let (Some(a), Some(b)) = (units.get(i), units.get(j)) else {
                continue;
            };
            if a.0 == b.0 || (a.0.chars().count() >= 4 && similarity(&a.0, &b.0) >= 0.85) {
                let g = group_of.get(j).copied().unwrap_or(j);
                if let Some(slot) = group_of.get_mut(i) {
                    *slot = g;
                }
                break;
            }
        }
    }
    let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (i, g) in group_of.iter().enumerate() {
        groups.entry(*g).or_default().push(i);
    }
    let spaces = |s: &str| s.chars().filter(|c| c.is_whitespace()).count();
    for members in groups.values() {
        if members.len() < 2 {
            continue;
        }
        let mut ms: Vec<&(String, String, Vec<u32>)> =
            members.iter().filter_map(|i| units.get(*i)).collect();
        // canonical: most used, then fewest spaces, then longest
        ms.sort_by(|a, b| {
            b.2.len()
                .cmp(&a.2.len())
                .then(spaces(&a.1).cmp(&spaces(&b.1)))
                .then(b.1.chars().count().cmp(&a.1.chars().count()))
        });
        let Some(canon) = ms.first() else { continue };
        let list = |v: &[u32]| {
            v.iter()
                .map(|n| n.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        };
        for v in ms.iter().skip(1) {
            for pno in &v.2 {
                let line = o
                    .evidence
                    .projects
                    .get((*pno as usize).wrapping_sub(1))
                    .and_then(|e| e.sheet.as_ref())
                    .and_then(|s| s.responsible_line);
                out.push(finding(
                    "unit-name-variant",
                    Severity::Warning,
                    Some(*pno),
                    line,
                    format!(
                        "{}โครงการที่ {pno} หัวข้อ 8 ผู้รับผิดชอบ เขียนชื่อหน่วยงานว่า “{}” แต่โครงการอื่นเขียนว่า “{}” (โครงการที่ {}) กรุณาใช้ชื่อเดียวกัน",
                        line.map(|l| format!("บรรทัด {l}: ")).unwrap_or_default(), v.1, canon.1, list(&canon.2)
                    ),
                    format!(
                        "{}project {pno}, section 8 responsible unit, spells the unit \"{}\", but other projects write \"{}\" (projects {}). Use one spelling.",
                        line.map(|l| format!("Line {l}: ")).unwrap_or_default(), v.1, canon.1, list(&canon.2)
                    ),
                ));
            }
        }
    }
}

fn heading_typos(o: &ParseOutcome, out: &mut Vec<Finding>) {
    for t in &o.evidence.heading_typos {
        let text = line_text(o, t.line);
        out.push(finding(
            "heading-typo",
            Severity::Info,
            locate(o, t.line).0,
            Some(t.line),
            format!(
                "บรรทัด {}: หัวข้อ “{}” สะกดผิด ควรเป็น “{}” (“{}”)",
                t.line,
                t.found,
                t.expected,
                quote(&text, 80)
            ),
            format!(
                "Line {}: heading \"{}\" is misspelt; the template has \"{}\" (\"{}\").",
                t.line,
                t.found,
                t.expected,
                quote(&text, 80)
            ),
        ));
    }
}

fn duplicates(o: &ParseOutcome, out: &mut Vec<Finding>) {
    for c in &o.evidence.copies {
        if !c.has_plan {
            continue;
        }
        let (from, to) = o.evidence.segment;
        if c.same_plan {
            let diff_en = if c.differences.is_empty() {
                String::new()
            } else {
                format!(
                    " The copies differ: {}{}.",
                    c.differences
                        .iter()
                        .take(5)
                        .cloned()
                        .collect::<Vec<_>>()
                        .join("; "),
                    if c.differences.len() > 5 {
                        format!("; and {} more", c.differences.len() - 5)
                    } else {
                        String::new()
                    }
                )
            };
            let diff_th = if c.differences.is_empty() {
                String::new()
            } else {
                format!(
                    " และสองชุดมีข้อความต่างกัน {} จุด: {}",
                    c.differences.len(),
                    c.differences
                        .iter()
                        .take(5)
                        .cloned()
                        .collect::<Vec<_>>()
                        .join("; ")
                )
            };
            out.push(finding(
                "duplicate-document",
                if c.differences.is_empty() { Severity::Info } else { Severity::Warning },
                None,
                Some(c.start_line),
                format!(
                    "บรรทัด {}–{}: ไฟล์มีแผนเดียวกันซ้ำสองชุด ระบบอ่านเฉพาะชุดแรก (บรรทัด {from}–{to}) และไม่สนใจชุดที่สอง{diff_th} กรุณาลบชุดที่ซ้ำออก",
                    c.start_line, c.end_line
                ),
                format!(
                    "Lines {}–{}: the file holds the same plan a second time; only the first copy (lines {from}–{to}) was read.{diff_en} Remove the duplicate.",
                    c.start_line, c.end_line
                ),
            ));
        } else {
            out.push(finding(
                "duplicate-document",
                Severity::Warning,
                None,
                Some(c.start_line),
                format!("บรรทัด {}–{}: ไฟล์มีแผนอีกฉบับหนึ่งต่อท้าย ระบบอ่านเฉพาะแผนแรก กรุณาแยกเป็นคนละไฟล์", c.start_line, c.end_line),
                format!("Lines {}–{}: the file holds another plan after the first; only the first was read. Put each plan in its own file.", c.start_line, c.end_line),
            ));
        }
    }
}
