//! The text parser: lines → paragraphs → Part 1 (risks, targets), Part 2 (plan
//! table), Part 3 (project sheets) → one joined record per project.

use std::collections::BTreeMap;

use crate::ParseOutcome;
use crate::error::{MAX_INPUT_BYTES, PlanError};
use crate::evidence::*;
use crate::kpi::extract_targets;
use crate::model::*;
use crate::text::*;

/// One logical paragraph: a run of physical lines joined (PDF-broken lines),
/// or one table row.
#[derive(Debug, Clone)]
pub(crate) struct Para {
    /// 1-based line number (in the whole input) of its first line.
    pub line: usize,
    pub text: String,
    pub table: bool,
}

impl Para {
    fn cells(&self) -> Vec<&str> {
        self.text.split('\t').collect()
    }
}

pub(crate) fn parse_text_impl(text: &str) -> Result<ParseOutcome, PlanError> {
    if text.len() > MAX_INPUT_BYTES {
        return Err(PlanError::TooLarge {
            size: text.len() as u64,
            limit: MAX_INPUT_BYTES as u64,
        });
    }
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let body = text.strip_suffix('\n').unwrap_or(text);
    let source_lines: Vec<String> = body
        .split('\n')
        .flat_map(|l| {
            // a lone '\r' is a line break too
            l.strip_suffix('\r').unwrap_or(l).split('\r')
        })
        .map(str::to_string)
        .collect();
    let norm: Vec<String> = source_lines.iter().map(|l| normalize_line(l)).collect();
    let segments = find_segments(&norm);

    let mut parsed: Vec<Segment> = Vec::new();
    for (start, end) in &segments {
        let slice = norm.get(*start..*end).unwrap_or(&[]);
        parsed.push((*start, *end, parse_segment(slice, *start)));
    }
    let Some(first_idx) = parsed.iter().position(|p| p.2.is_some()) else {
        return Err(PlanError::NotAPlan);
    };
    let (start, end, main) = parsed.remove(first_idx);
    let Some((plan, mut evidence)) = main else {
        return Err(PlanError::NotAPlan);
    };
    evidence.segment = (start + 1, end);
    let mut notes = Vec::new();
    for (s, e, other) in parsed {
        let info = match other {
            Some((p2, _)) => {
                let same = same_plan(&plan, &p2);
                let differences = if same {
                    plan_differences(&plan, &p2)
                } else {
                    Vec::new()
                };
                CopyInfo {
                    start_line: s + 1,
                    end_line: e,
                    same_plan: same,
                    has_plan: true,
                    differences,
                }
            }
            None => {
                // Text outside any plan (e.g. a cover letter) is not a copy.
                if s < start {
                    continue;
                }
                CopyInfo {
                    start_line: s + 1,
                    end_line: e,
                    same_plan: false,
                    has_plan: false,
                    differences: vec![],
                }
            }
        };
        if info.same_plan {
            notes.push(format!(
                "the file holds the same plan twice (second copy from line {} to {}); the second copy was ignored",
                info.start_line, info.end_line
            ));
        } else if info.has_plan {
            notes.push(format!(
                "the file holds another plan from line {} to {}; only the first plan was read",
                info.start_line, info.end_line
            ));
        }
        evidence.copies.push(info);
    }
    for n in &evidence.notes {
        notes.push(n.clone());
    }
    Ok(ParseOutcome {
        plan,
        notes,
        source_lines,
        evidence,
    })
}

/// A line range of the input and the plan read from it, if any.
type Segment = (usize, usize, Option<(Plan, Evidence)>);

/// Split the input where the document starts over again (the same first
/// line recurring after project sheets have been seen).
fn find_segments(lines: &[String]) -> Vec<(usize, usize)> {
    let first = lines.iter().position(|l| !l.is_empty());
    let key = first.map(|i| strip_spaces(lines.get(i).map(String::as_str).unwrap_or("")));
    let mut starts = vec![0usize];
    if let (Some(f), Some(key)) = (first, key)
        && key.chars().count() >= 8
    {
        let mut seen_sheet = false;
        for (i, l) in lines.iter().enumerate().skip(f + 1) {
            if is_sheet_marker(l) {
                seen_sheet = true;
            }
            if seen_sheet && !l.contains('\t') && strip_spaces(l) == key {
                starts.push(i);
                seen_sheet = false;
            }
        }
    }
    let mut out = Vec::new();
    for (k, s) in starts.iter().enumerate() {
        let e = starts.get(k + 1).copied().unwrap_or(lines.len());
        out.push((*s, e));
    }
    out
}

fn is_sheet_marker(l: &str) -> bool {
    let (_, rest) = strip_marker(l);
    starts_spaced(l, "ลำดับที่") || starts_spaced(rest, "ชื่อโครงการ")
}

fn same_plan(a: &Plan, b: &Plan) -> bool {
    if a.projects.is_empty() || b.projects.is_empty() {
        return a.organization == b.organization && a.title == b.title;
    }
    if a.organization != b.organization {
        return false;
    }
    let n = a.projects.len().max(b.projects.len());
    let matching = a
        .projects
        .iter()
        .zip(b.projects.iter())
        .filter(|(x, y)| similarity(&x.name, &y.name) > 0.6)
        .count();
    matching * 10 >= n * 8
}

fn plan_differences(a: &Plan, b: &Plan) -> Vec<String> {
    let mut d = Vec::new();
    if a.projects.len() != b.projects.len() {
        d.push(format!(
            "{} projects in the first copy, {} in the second",
            a.projects.len(),
            b.projects.len()
        ));
    }
    for (x, y) in a.projects.iter().zip(b.projects.iter()) {
        if strip_spaces(&x.name) != strip_spaces(&y.name) {
            d.push(format!(
                "project {}: name \"{}\" vs \"{}\"",
                x.no,
                quote(&x.name, 80),
                quote(&y.name, 80)
            ));
        }
        if x.budget != y.budget {
            d.push(format!("project {}: budget differs", x.no));
        }
        if strip_spaces(&x.responsible) != strip_spaces(&y.responsible) {
            d.push(format!(
                "project {}: responsible unit \"{}\" vs \"{}\"",
                x.no, x.responsible, y.responsible
            ));
        }
    }
    d
}

// ---------------------------------------------------------------------------
// Paragraphs

fn starts_new_para(l: &str) -> bool {
    let (m, rest) = strip_marker(l);
    if m != Marker::None {
        return true;
    }
    if rest.starts_with('(') && rest.chars().nth(1).is_some_and(|c| c.is_ascii_digit()) {
        return true;
    }
    const WORDS: &[&str] = &["ลำดับที่", "มิติที่", "มติที่", "ผลผลิต", "ผลลัพธ์", "ส่วนที่", "ตัวชี้วัด"];
    WORDS.iter().any(|w| starts_spaced(l, w))
}

/// A heading that does not carry its content on the same line: the next
/// line is content, never a continuation.
fn is_bare_heading(l: &str) -> bool {
    if starts_spaced(l, "ลำดับที่") || starts_spaced(l, "ส่วนที่") {
        return strip_spaces(l).chars().count() < 20;
    }
    if let Some((_, _, content)) = section_heading(l) {
        return content.is_empty();
    }
    let s = strip_spaces(l);
    s == "ผลผลิต" || s == "ผลลัพธ์" || s.starts_with("ผลผลิต/ผลลัพธ์")
}

pub(crate) fn build_paras(lines: &[String], offset: usize) -> Vec<Para> {
    let mut out: Vec<Para> = Vec::new();
    let mut open = false;
    for (i, l) in lines.iter().enumerate() {
        let line_no = offset + i + 1;
        if l.is_empty() {
            open = false;
            continue;
        }
        if l.contains('\t') {
            out.push(Para {
                line: line_no,
                text: l.clone(),
                table: true,
            });
            open = false;
            continue;
        }
        if open
            && !starts_new_para(l)
            && let Some(p) = out.last_mut()
            && !p.table
            && !is_bare_heading(&p.text)
        {
            join_broken(&mut p.text, l);
            continue;
        }
        out.push(Para {
            line: line_no,
            text: l.clone(),
            table: false,
        });
        open = true;
    }
    out
}

// ---------------------------------------------------------------------------
// Headings

/// Section keywords (spaces removed) of the nine-section project sheet.
const SECTIONS: &[(u8, &[&str])] = &[
    (1, &["ชื่อโครงการ", "ชื่อกิจกรรม", "ชื่อมาตรการ", "ชื่อ"]),
    (
        2,
        &["หลักการและเหตุผล", "หลักการ", "ความเป็นมา", "ที่มา", "เหตุผล"],
    ),
    (3, &["วัตถุประสงค์"]),
    (4, &["กลุ่มเป้าหมาย", "เป้าหมาย", "พื้นที่ดำเนินการ"]),
    (
        5,
        &[
            "วิธีดำเนินการ",
            "วิธีการดำเนิน",
            "วิธีดำเนินงาน",
            "ขั้นตอนการดำเนิน",
            "ขั้นตอนดำเนิน",
            "วิธีการ",
        ],
    ),
    (6, &["ระยะเวลา"]),
    (7, &["งบประมาณ"]),
    (
        8,
        &[
            "ผู้รับผิดชอบ",
            "หน่วยงานรับผิดชอบ",
            "หน่วยงานผู้รับผิดชอบ",
            "หน่วยงานที่รับผิดชอบ",
        ],
    ),
    (9, &["ผลผลิต", "ผลลัพธ์", "ตัวชี้วัด", "ผลที่คาดว่าจะได้รับ", "ผลที่คาด"]),
];

/// "N. keyword[: content]" → (section, written number, inline content).
pub(crate) fn section_heading(l: &str) -> Option<(u8, u32, String)> {
    let (n, rest) = leading_number(l.trim_start())?;
    let rest = rest.strip_prefix('.')?;
    if rest.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let rest = rest.trim_start();
    for (sec, kws) in SECTIONS {
        for kw in *kws {
            if let Some(after) = strip_prefix_spaced(rest, kw) {
                let content = inline_content(after, *sec);
                return Some((*sec, n as u32, content));
            }
        }
    }
    None
}

/// A section heading whose keyword is misspelt: (section, written keyword, expected).
pub(crate) fn section_heading_typo(l: &str) -> Option<(u8, String, &'static str)> {
    let (n, rest) = leading_number(l.trim_start())?;
    if !(1..=9).contains(&n) {
        return None;
    }
    let rest = rest.strip_prefix('.')?.trim_start();
    if rest.starts_with(|c: char| c.is_ascii_digit()) || rest.chars().count() > 60 {
        return None;
    }
    let (sec, kws) = SECTIONS.iter().find(|(s, _)| u64::from(*s) == n)?;
    let kw = kws.first()?;
    let head: String = strip_spaces(rest)
        .chars()
        .take(kw.chars().count())
        .collect();
    let s = similarity(&head, kw);
    if (0.6..1.0).contains(&s) && !head.is_empty() {
        Some((*sec, head, kw))
    } else {
        None
    }
}

fn inline_content(after: &str, sec: u8) -> String {
    // "ชื่อโครงการ : X", "ชื่อโครงการ/กิจกรรม/มาตรการ : X", "งบประมาณ 10,000 บาท"
    if let Some(p) = after.find(':') {
        let head = after.get(..p).unwrap_or("");
        if head.chars().count() <= 40 {
            return collapse_spaces(after.get(p + 1..).unwrap_or(""));
        }
    }
    let mut a = after.trim_start();
    if sec == 1 {
        for w in ["/กิจกรรม/มาตรการ", "/มาตรการ", "/กิจกรรม", "/โครงการ"]
        {
            if let Some(r) = strip_prefix_spaced(a, w) {
                a = r;
            }
        }
        return collapse_spaces(a.trim_start_matches([':', ' ']));
    }
    if sec == 7 && a.contains(|c: char| c.is_ascii_digit()) {
        return collapse_spaces(a);
    }
    // Other headings carry a tail such as "/ที่มาของโครงการ": no content.
    String::new()
}

/// "มิติที่ N title" (or the misspelling "มติที่") → (N, title, misspelt).
fn dimension_heading(l: &str) -> Option<(u32, String, bool)> {
    let (rest, typo) = if let Some(r) = strip_prefix_spaced(l, "มิติที่") {
        (r, false)
    } else if let Some(r) = strip_prefix_spaced(l, "มติที่") {
        (r, true)
    } else {
        return None;
    };
    let (n, title) = leading_number(rest.trim_start())?;
    if n == 0 || n > 20 {
        return None;
    }
    Some((
        n as u32,
        collapse_spaces(title.trim_start_matches(['.', ' ', ':']).trim()),
        typo,
    ))
}

/// "N.N title" (not "N.N.N", not "N.N)") → (dimension, code, title).
fn mission_heading(l: &str) -> Option<(u32, String, String)> {
    let (a, rest) = leading_number(l.trim_start())?;
    let rest = rest.strip_prefix('.')?;
    let (b, rest) = leading_number(rest)?;
    if rest.starts_with('.') || rest.starts_with(')') {
        return None;
    }
    if a == 0 || a > 20 || b > 50 {
        return None;
    }
    let title = collapse_spaces(rest);
    if title.is_empty() || title.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    Some((a as u32, format!("{a}.{b}"), title))
}

fn sub_mission_heading(l: &str) -> bool {
    let Some((_, rest)) = leading_number(l.trim_start()) else {
        return false;
    };
    let Some(rest) = rest.strip_prefix('.') else {
        return false;
    };
    let Some((_, rest)) = leading_number(rest) else {
        return false;
    };
    let Some(rest) = rest.strip_prefix('.') else {
        return false;
    };
    let Some((_, rest)) = leading_number(rest) else {
        return false;
    };
    !rest.starts_with(')')
}

/// "ลำดับที่ N" → N
fn sheet_number(l: &str) -> Option<u32> {
    let rest = strip_prefix_spaced(l, "ลำดับที่")?;
    let (n, tail) = leading_number(rest.trim_start())?;
    if strip_spaces(tail).chars().count() > 10 {
        return None;
    }
    u32::try_from(n).ok()
}

fn kind_of(name: &str) -> Option<ProjectKind> {
    let n = name.trim_start_matches(|c: char| c.is_whitespace() || "\"“”'".contains(c));
    if starts_spaced(n, "โครงการ") {
        Some(ProjectKind::Project)
    } else if starts_spaced(n, "กิจกรรม") {
        Some(ProjectKind::Activity)
    } else if starts_spaced(n, "มาตรการ") {
        Some(ProjectKind::Measure)
    } else {
        None
    }
}

/// The number before "โครงการ" in "จำนวน 36 โครงการ" / "รวมทั้งสิ้นจำนวน 35 โครงการ".
pub(crate) fn declared_count(text: &str) -> Option<u32> {
    let mut search = 0;
    while let Some(p) = text.get(search..).and_then(|t| t.find("โครงการ")) {
        let abs = search + p;
        let before = text.get(..abs).unwrap_or("").trim_end();
        let digits: String = before
            .chars()
            .rev()
            .take_while(|c| c.is_ascii_digit() || *c == ',')
            .collect();
        if !digits.is_empty() {
            let num: String = digits
                .chars()
                .rev()
                .filter(|c| c.is_ascii_digit())
                .collect();
            let head = before
                .get(..before.len().saturating_sub(digits.len()))
                .unwrap_or("");
            let head_s = strip_spaces(head);
            let tail: String = head_s
                .chars()
                .rev()
                .take(12)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            if tail.contains("จำนวน") || tail.contains("รวม") {
                return num.parse().ok();
            }
        }
        search = abs + "โครงการ".len();
    }
    None
}

/// Baht in a budget cell: blank → None; "-", "ไม่ใช้งบประมาณ" → 0; "120,000 บาท" → 120000.
pub(crate) fn parse_baht(cell: &str) -> Option<i64> {
    let s = strip_spaces(cell);
    if s.is_empty() {
        return None;
    }
    if s.contains("ไม่ใช้") || s.contains("ไม่มีงบ") {
        return Some(0);
    }
    let digits_at = s.find(|c: char| c.is_ascii_digit());
    match digits_at {
        Some(p) => {
            let (v, _) = leading_amount(s.get(p..).unwrap_or(""))?;
            if v.is_finite() && v < 1e15 {
                Some(v.round() as i64)
            } else {
                None
            }
        }
        None => {
            if s.contains('-') || s.contains('–') || s.contains("บาท") {
                Some(0)
            } else {
                None
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Segment parser

struct P2Row {
    line: usize,
    dim: Option<u32>,
    mission: Option<String>,
    local_no: Option<u32>,
    name: String,
    budget: Option<Vec<i64>>,
}

#[derive(Default)]
struct Sheet {
    start_line: usize,
    declared_no: Option<u32>,
    dim: Option<u32>,
    mission: Option<String>,
    name: String,
    name_line: Option<usize>,
    section: u8,
    closed: bool,
    content: [Vec<(usize, String)>; 10],
    section_line: [Option<usize>; 10],
    kpi_mode: u8, // 1 outputs, 2 outcomes
    outputs: Vec<(usize, String)>,
    outcomes: Vec<(usize, String)>,
    end_line: usize,
}

fn parse_segment(lines: &[String], offset: usize) -> Option<(Plan, Evidence)> {
    let paras = build_paras(lines, offset);
    let mut ev = Evidence::default();

    // --- Part 2 header
    let p2_header = paras.iter().position(|p| {
        p.table && {
            let cells = p.cells();
            cells.iter().any(|c| c.contains("ภารกิจ")) && cells.iter().any(|c| c.contains("โครงการ"))
        }
    })?;

    // --- title & organisation
    let title_para = paras.iter().find(|p| !p.table);
    let title = title_para.map(|p| p.text.clone()).unwrap_or_default();
    let organization = find_organization(&title, &paras);

    // --- heading typos & declared counts & dimension title candidates (before Part 2)
    let mut dim_titles: BTreeMap<u32, Vec<String>> = BTreeMap::new();
    for p in paras.iter().take(p2_header) {
        if p.table {
            continue;
        }
        if let Some((n, title, typo)) = dimension_heading(&p.text) {
            if typo {
                ev.heading_typos.push(HeadingTypo {
                    line: p.line,
                    found: "มติที่".into(),
                    expected: "มิติที่".into(),
                });
            }
            let mut t = title.clone();
            if let Some(c) = declared_count(&title) {
                ev.declared_counts.push(DeclaredCount {
                    dimension: Some(n),
                    count: c,
                    line: p.line,
                    quote: p.text.clone(),
                    source: "preface".into(),
                });
                if let Some(pos) = t.find("จำนวน") {
                    t = collapse_spaces(t.get(..pos).unwrap_or(""));
                }
            }
            if !t.is_empty() {
                dim_titles.entry(n).or_default().push(t);
            }
        } else if let Some(c) = declared_count(&p.text) {
            let s = strip_spaces(&p.text);
            if s.contains("รวม") {
                ev.declared_counts.push(DeclaredCount {
                    dimension: None,
                    count: c,
                    line: p.line,
                    quote: p.text.clone(),
                    source: "preface".into(),
                });
            }
        }
    }

    // --- Part 1: risks and targets (tables before the Part 2 header)
    let risks = parse_risks(paras.get(..p2_header).unwrap_or(&[]), &mut ev);
    let (targets, target_years) = parse_targets(paras.get(..p2_header).unwrap_or(&[]));

    // --- Part 2 table
    let first_sheet = paras
        .iter()
        .enumerate()
        .skip(p2_header)
        .find(|(_, p)| {
            !p.table
                && (sheet_number(&p.text).is_some()
                    || section_heading(&p.text).is_some_and(|s| s.0 == 1))
        })
        .map(|(i, _)| i)
        .unwrap_or(paras.len());
    let (p2rows, p2dims, years_from_table, p2_last) =
        parse_part2(paras.get(p2_header..first_sheet).unwrap_or(&[]), &mut ev);
    let p3_start = p2_header + p2_last + 1;

    // --- fiscal years
    let fiscal_years = fiscal_years_from(&title)
        .or(years_from_table.clone())
        .or(target_years)
        .unwrap_or_default();

    // --- Part 3 sheets
    let mut mission_titles: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let sheets = parse_part3(
        paras.get(p3_start..).unwrap_or(&[]),
        &mut ev,
        &mut dim_titles,
        &mut mission_titles,
    );

    // --- join
    let pairs = align(&p2rows, &sheets);
    let year_keys: Vec<String> = fiscal_years.iter().map(|y| y.to_string()).collect();
    let mut projects = Vec::new();
    for (k, (pi, si)) in pairs.iter().enumerate() {
        let p2 = pi.and_then(|i| p2rows.get(i));
        let sh = si.and_then(|i| sheets.get(i));
        let no = (k + 1) as u32;
        let project = build_project(no, p2, sh, &year_keys);
        ev.projects.push(ProjectEvidence {
            part2: p2.map(|r| Part2Ref {
                line: r.line,
                dimension: r.dim,
                mission: r.mission.clone(),
                local_no: r.local_no,
                name: r.name.clone(),
                budget: r.budget.clone().unwrap_or_default(),
            }),
            sheet: sh.map(|s| SheetRef {
                line: s.start_line,
                end_line: s.end_line,
                declared_no: s.declared_no,
                name: s.name.clone(),
                name_line: s.name_line,
                dimension: s.dim,
                mission: s.mission.clone(),
                budget_text: join_content(&s.content[7]),
                budget_line: s.section_line[7],
                responsible_line: s.content[8].first().map(|c| c.0).or(s.section_line[8]),
                target_group_line: s.content[4].first().map(|c| c.0),
                output_lines: kpi_items(&s.outputs).iter().map(|k| k.0).collect(),
                outcome_lines: kpi_items(&s.outcomes).iter().map(|k| k.0).collect(),
            }),
        });
        projects.push(project);
    }

    // --- dimensions
    let mut dimensions: Vec<Dimension> = Vec::new();
    for (n, t, missions) in p2dims {
        let cands = dim_titles.get(&n).cloned().unwrap_or_default();
        let title = pick_title(&t, &cands);
        let ms = missions
            .into_iter()
            .map(|(code, mt)| {
                let mut c = mission_titles.get(&code).cloned().unwrap_or_default();
                // a Part 3 heading with the same title under another code is a candidate too
                for v in mission_titles.values() {
                    c.extend(v.iter().cloned());
                }
                Mission {
                    title: pick_title(&mt, &c),
                    code,
                }
            })
            .collect();
        dimensions.push(Dimension {
            no: n,
            title,
            missions: ms,
        });
    }
    // dimensions that only appear in project sheets
    for p in &projects {
        if p.dimension > 0 && !dimensions.iter().any(|d| d.no == p.dimension) {
            let title = dim_titles
                .get(&p.dimension)
                .and_then(|v| v.last().cloned())
                .unwrap_or_default();
            dimensions.push(Dimension {
                no: p.dimension,
                title,
                missions: vec![],
            });
        }
    }
    dimensions.sort_by_key(|d| d.no);

    ev.fiscal_years = fiscal_years.clone();
    let plan = Plan {
        organization,
        title,
        fiscal_years,
        targets,
        risks,
        dimensions,
        projects,
    };
    Some((plan, ev))
}

/// Prefer, among candidates equal to `base` ignoring spaces, the one with the
/// fewest spaces (stray spaces come from PDF extraction).
fn pick_title(base: &str, cands: &[String]) -> String {
    let key = strip_spaces(base);
    let mut best = base.to_string();
    let spaces = |s: &str| s.chars().filter(|c| *c == ' ').count();
    for c in cands.iter() {
        if strip_spaces(c) == key && spaces(c) < spaces(&best) {
            best = c.clone();
        }
    }
    if best.is_empty()
        && let Some(c) = cands.first()
    {
        best = c.clone();
    }
    best
}

fn find_organization(title: &str, paras: &[Para]) -> String {
    const PREFIXES: &[&str] = &[
        "องค์การบริหารส่วนจังหวัด",
        "องค์การบริหารส่วนตำบล",
        "เทศบาลนคร",
        "เทศบาลเมือง",
        "เทศบาลตำบล",
        "เทศบาล",
        "อบต.",
        "อบจ.",
        "กรุงเทพมหานคร",
        "เมืองพัทยา",
    ];
    let find_in = |s: &str| -> Option<String> {
        let mut best: Option<(usize, &str)> = None;
        for p in PREFIXES {
            if let Some(pos) = s.find(p)
                && best.is_none_or(|(b, _)| pos < b)
            {
                best = Some((pos, p));
            }
        }
        let (pos, _) = best?;
        let rest = s.get(pos..)?;
        let end = rest
            .find(|c: char| c.is_whitespace() || c == '(' || c == ',')
            .unwrap_or(rest.len());
        let org = rest.get(..end)?.to_string();
        if org.chars().count() > 6 {
            Some(org)
        } else {
            None
        }
    };
    if let Some(o) = find_in(title) {
        return o;
    }
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for p in paras.iter().take(200) {
        if let Some(o) = find_in(&p.text) {
            *counts.entry(o).or_default() += 1;
        }
    }
    counts
        .into_iter()
        .max_by_key(|(_, c)| *c)
        .map(|(o, _)| o)
        .unwrap_or_default()
}

fn fiscal_years_from(title: &str) -> Option<Vec<u32>> {
    let p = title.find("พ.ศ.")?;
    let rest = title.get(p + "พ.ศ.".len()..)?.trim_start();
    let (a, rest) = leading_number(rest)?;
    let rest = rest
        .trim_start()
        .trim_start_matches(['-', '–', '—'])
        .trim_start();
    let (b, _) = leading_number(rest)?;
    if (2400..=2700).contains(&a) && a <= b && b - a <= 10 {
        Some((a as u32..=b as u32).collect())
    } else {
        None
    }
}

fn years_in(cell: &str) -> Option<u32> {
    let s = strip_spaces(cell);
    let p = s.find(|c: char| c.is_ascii_digit())?;
    let (n, _) = leading_number(s.get(p..)?)?;
    if (2400..=2700).contains(&n) {
        Some(n as u32)
    } else if (1900..=2200).contains(&n) {
        Some(n as u32 + 543)
    } else {
        None
    }
}

fn parse_risks(paras: &[Para], ev: &mut Evidence) -> Vec<Risk> {
    let Some(h) = paras.iter().position(|p| {
        p.table && {
            let c = p.cells();
            c.iter().any(|x| x.contains("ความเสี่ยง"))
                && c.iter()
                    .any(|x| x.contains("มาตรการ") || x.contains("ควบคุม"))
        }
    }) else {
        return vec![];
    };
    let header = paras.get(h).map(|p| p.cells()).unwrap_or_default();
    let find = |pred: &dyn Fn(&str) -> bool, default: usize| {
        header.iter().position(|c| pred(c)).unwrap_or(default)
    };
    let c_no = find(&|c| c.contains("ลำดับ") || strip_spaces(c) == "ที่", 0);
    let c_proc = find(
        &|c| c.contains("ขั้นตอน") || c.contains("กระบวนการ") || c.contains("ภารกิจ"),
        1,
    );
    let c_ctrl = find(&|c| c.contains("มาตรการ") || c.contains("ควบคุม"), 4);
    let c_level = find(
        &|c| c.contains("Risk") || c.contains("ระดับ") || c.contains("Score"),
        3,
    );
    let c_issue = header
        .iter()
        .enumerate()
        .position(|(i, c)| c.contains("ความเสี่ยง") && i != c_ctrl && i != c_level)
        .unwrap_or(2);
    let mut risks: Vec<Risk> = Vec::new();
    for p in paras.iter().skip(h + 1) {
        if !p.table {
            break;
        }
        let cells = p.cells();
        let get = |i: usize| cells.get(i).copied().unwrap_or("");
        if get(c_proc).contains("ขั้นตอน") && get(c_ctrl).contains("มาตรการ")
        {
            continue; // repeated header
        }
        let no = leading_number(get(c_no).trim()).map(|(n, _)| n as u32);
        let split = |t: &str| -> Vec<String> {
            split_numbered(t, '.')
                .into_iter()
                .map(|(_, s)| s)
                .filter(|s| !s.is_empty())
                .collect()
        };
        let controls_numbered = split_numbered(get(c_ctrl), '.');
        match no {
            Some(n) => {
                let mut prev_num: Option<u32> = None;
                for (num, text) in &controls_numbered {
                    if let (Some(a), Some(b)) = (prev_num, num)
                        && *b != a + 1
                    {
                        ev.list_numbering.push(ListNumbering {
                            line: p.line,
                            context: format!("risk {n} control measures"),
                            found: *b,
                            expected: a + 1,
                            quote: text.clone(),
                        });
                    }
                    if num.is_some() {
                        prev_num = *num;
                    }
                }
                ev.risk_lines.push(p.line);
                risks.push(Risk {
                    no: n,
                    process: collapse_spaces(get(c_proc)),
                    issues: split(get(c_issue)),
                    levels: get(c_level)
                        .split(|c: char| c.is_whitespace() || c == '/' || c == ',')
                        .filter(|s| !s.is_empty())
                        .map(str::to_string)
                        .collect(),
                    controls: controls_numbered
                        .into_iter()
                        .map(|(_, s)| s)
                        .filter(|s| !s.is_empty())
                        .collect(),
                });
            }
            None => {
                // continuation row of the previous risk
                if let Some(r) = risks.last_mut() {
                    if !get(c_proc).is_empty() {
                        join_broken(&mut r.process, get(c_proc));
                    }
                    r.issues.extend(split(get(c_issue)));
                    r.controls.extend(split(get(c_ctrl)));
                }
            }
        }
    }
    risks
}

fn parse_targets(paras: &[Para]) -> (Targets, Option<Vec<u32>>) {
    let mut t = Targets::default();
    let mut years_out = None;
    let mut i = 0;
    while i < paras.len() {
        let Some(p) = paras.get(i) else { break };
        i += 1;
        if !p.table || p.text.contains("ภารกิจ") {
            continue;
        }
        let cells = p.cells();
        let years: Vec<(usize, u32)> = cells
            .iter()
            .enumerate()
            .filter_map(|(k, c)| years_in(c).map(|y| (k, y)))
            .collect();
        if years.len() < 2 {
            continue;
        }
        years_out = Some(years.iter().map(|y| y.1).collect());
        while let Some(row) = paras.get(i) {
            if !row.table {
                break;
            }
            i += 1;
            let rc = row.cells();
            let label = rc.first().map(|s| strip_spaces(s)).unwrap_or_default();
            let dest = if label.contains("ITA") || label.contains("คะแนน") {
                &mut t.ita_score
            } else if label.contains("คดี") || label.contains("ทุจริต") {
                &mut t.corruption_case_reduction_percent
            } else {
                continue;
            };
            for (k, y) in &years {
                let cell = rc.get(*k).map(|s| strip_spaces(s)).unwrap_or_default();
                if let Some(p) = cell.find(|c: char| c.is_ascii_digit())
                    && let Some((v, _)) = cell.get(p..).and_then(leading_amount)
                {
                    dest.insert(y.to_string(), v);
                }
            }
        }
        if !t.ita_score.is_empty() || !t.corruption_case_reduction_percent.is_empty() {
            break;
        }
    }
    (t, years_out)
}

type P2Dims = Vec<(u32, String, Vec<(String, String)>)>;

/// Returns rows, dimensions (with missions), year columns, and the index (in
/// `paras`) of the last Part 2 table row.
fn parse_part2(paras: &[Para], ev: &mut Evidence) -> (Vec<P2Row>, P2Dims, Option<Vec<u32>>, usize) {
    let mut rows: Vec<P2Row> = Vec::new();
    let mut dims: P2Dims = Vec::new();
    let mut last = 0;
    let Some(header) = paras.first() else {
        return (rows, dims, None, 0);
    };
    let hc = header.cells();
    let c_dim = hc
        .iter()
        .position(|c| (c.contains("มิติ") || c.contains("มติ")) && !c.contains("ภารกิจ"))
        .unwrap_or(0);
    let c_mis = hc.iter().position(|c| c.contains("ภารกิจ")).unwrap_or(1);
    let c_proj = hc.iter().position(|c| c.contains("โครงการ")).unwrap_or(2);
    let year_cols: Vec<(usize, u32)> = hc
        .iter()
        .enumerate()
        .filter_map(|(k, c)| years_in(c).map(|y| (k, y)))
        .collect();
    let year_cols: Vec<usize> = if year_cols.is_empty() {
        (c_proj + 1..c_proj + 6).collect()
    } else {
        year_cols.iter().map(|y| y.0).collect()
    };
    let years: Option<Vec<u32>> = {
        let v: Vec<u32> = hc.iter().filter_map(|c| years_in(c)).collect();
        if v.is_empty() { None } else { Some(v) }
    };

    let mut cur_dim: Option<u32> = None;
    let mut cur_mis: Option<String> = None;
    let mut first_of_row: Vec<usize> = Vec::new(); // rows indices whose budgets are pending, per mission group
    for (idx, p) in paras.iter().enumerate() {
        if !p.table {
            continue;
        }
        let cells = p.cells();
        let get = |i: usize| cells.get(i).copied().unwrap_or("").trim();
        // header rows (first and repeated per page)
        if cells.iter().any(|c| c.contains("ภารกิจ")) && cells.iter().any(|c| c.contains("โครงการ"))
        {
            for c in &cells {
                let s = strip_spaces(c);
                if s == "มติ" || s.contains("ตามมติ") {
                    ev.heading_typos.push(HeadingTypo {
                        line: p.line,
                        found: s.clone(),
                        expected: s.replace("มติ", "มิติ"),
                    });
                }
            }
            last = idx;
            continue;
        }
        let budgets: Vec<Option<i64>> = year_cols.iter().map(|k| parse_baht(get(*k))).collect();
        let all_blank_budgets = budgets.iter().all(Option::is_none);
        // sub-header row: "งบประมาณ (บาท)"
        if cells
            .iter()
            .all(|c| c.trim().is_empty() || c.contains("งบประมาณ") || c.contains("(บาท)"))
        {
            last = idx;
            continue;
        }
        last = idx;
        let dcell = get(c_dim);
        if !dcell.is_empty() {
            let parsed = dimension_heading(dcell)
                .map(|(n, t, _)| (n, t))
                .or_else(|| {
                    let (n, rest) = leading_number(dcell)?;
                    let rest = rest.trim_start_matches(['.', ')']).trim();
                    Some((n as u32, collapse_spaces(rest)))
                });
            if let Some((n, t)) = parsed {
                cur_dim = Some(n);
                cur_mis = None;
                if !dims.iter().any(|d| d.0 == n) {
                    dims.push((n, t, vec![]));
                }
            }
        }
        let mcell = get(c_mis);
        let mstripped = strip_spaces(mcell);
        let pcell = get(c_proj);
        if mstripped.starts_with("รวม")
            || (mcell.is_empty() && strip_spaces(pcell).starts_with("รวม"))
        {
            let grand = mstripped.contains("ทั้งสิ้น")
                || mstripped.contains("ทั้งหมด")
                || strip_spaces(pcell).contains("ทั้งสิ้น");
            let dim = if grand { None } else { cur_dim };
            if let Some(c) = declared_count(pcell).or_else(|| {
                // "จำนวน 2 โครงการ" may sit in the mission cell too
                declared_count(mcell)
            }) {
                ev.declared_counts.push(DeclaredCount {
                    dimension: dim,
                    count: c,
                    line: p.line,
                    quote: format!("{} {}", mcell, pcell).trim().to_string(),
                    source: "part2".into(),
                });
            }
            if !all_blank_budgets {
                ev.budget_totals.push(BudgetTotal {
                    dimension: dim,
                    amounts: budgets.clone(),
                    line: p.line,
                    quote: cells
                        .iter()
                        .map(|c| c.trim())
                        .filter(|c| !c.is_empty())
                        .collect::<Vec<_>>()
                        .join(" | "),
                });
            }
            first_of_row.clear();
            continue;
        }
        if !mcell.is_empty()
            && let Some((_, code, title)) = mission_heading(mcell)
        {
            cur_mis = Some(code.clone());
            first_of_row.clear();
            if let Some(d) = dims.iter_mut().find(|d| Some(d.0) == cur_dim) {
                if !d.2.iter().any(|m| m.0 == code) {
                    d.2.push((code, title));
                }
            } else if let Some(n) = cur_dim {
                dims.push((n, String::new(), vec![(code, title)]));
            }
        }
        let items: Vec<(Option<u32>, String)> = split_numbered(pcell, ')')
            .into_iter()
            .filter(|(_, s)| !s.is_empty())
            .collect();
        let mut row_first: Option<usize> = None;
        for (n, name) in items {
            rows.push(P2Row {
                line: p.line,
                dim: cur_dim,
                mission: cur_mis.clone(),
                local_no: n,
                name,
                budget: None,
            });
            let i = rows.len() - 1;
            if row_first.is_none() {
                row_first = Some(i);
            }
            first_of_row.push(i);
        }
        if !all_blank_budgets {
            let vals: Vec<i64> = budgets.iter().map(|b| b.unwrap_or(0)).collect();
            // the first project (of this row, else of the group) without a budget yet
            let target = first_of_row
                .iter()
                .copied()
                .find(|i| rows.get(*i).is_some_and(|r| r.budget.is_none()));
            match target {
                Some(i) => {
                    if let Some(r) = rows.get_mut(i) {
                        r.budget = Some(vals);
                    }
                }
                None => ev.orphan_budget_rows.push(p.line),
            }
        }
    }
    for r in rows.iter_mut() {
        if r.budget.is_none() {
            r.budget = Some(vec![0; year_cols.len()]);
        }
    }
    (rows, dims, years, last)
}

fn parse_part3(
    paras: &[Para],
    ev: &mut Evidence,
    dim_titles: &mut BTreeMap<u32, Vec<String>>,
    mission_titles: &mut BTreeMap<String, Vec<String>>,
) -> Vec<Sheet> {
    let mut sheets: Vec<Sheet> = Vec::new();
    let mut cur_dim: Option<u32> = None;
    let mut cur_mis: Option<String> = None;
    for p in paras {
        let text: String = if p.table {
            collapse_spaces(&p.text.replace('\t', " "))
        } else {
            p.text.clone()
        };
        if text.is_empty() {
            continue;
        }
        let between = sheets
            .last()
            .is_none_or(|s| s.closed || s.section >= 9 || s.section == 0);
        if !p.table {
            if let Some((n, title, typo)) = dimension_heading(&text) {
                if typo {
                    ev.heading_typos.push(HeadingTypo {
                        line: p.line,
                        found: "มติที่".into(),
                        expected: "มิติที่".into(),
                    });
                }
                cur_dim = Some(n);
                cur_mis = None;
                if !title.is_empty() {
                    dim_titles.entry(n).or_default().push(title);
                }
                if let Some(s) = sheets.last_mut() {
                    close_sheet(s, p.line);
                }
                continue;
            }
            if between && text.chars().count() < 300 {
                if let Some((d, code, title)) = mission_heading(&text)
                    && cur_dim.is_none_or(|c| c == d)
                {
                    cur_dim = Some(d);
                    cur_mis = Some(code.clone());
                    mission_titles.entry(code).or_default().push(title);
                    if let Some(s) = sheets.last_mut() {
                        close_sheet(s, p.line);
                    }
                    continue;
                }
                if sub_mission_heading(&text) {
                    if let Some(s) = sheets.last_mut() {
                        close_sheet(s, p.line);
                    }
                    continue;
                }
            }
            if let Some(n) = sheet_number(&text) {
                if let Some(s) = sheets.last_mut() {
                    close_sheet(s, p.line);
                }
                sheets.push(Sheet {
                    start_line: p.line,
                    declared_no: Some(n),
                    dim: cur_dim,
                    mission: cur_mis.clone(),
                    ..Default::default()
                });
                continue;
            }
            let sec = section_heading(&text).or_else(|| {
                let (sec, found, expected) = section_heading_typo(&text)?;
                ev.heading_typos.push(HeadingTypo {
                    line: p.line,
                    found,
                    expected: expected.to_string(),
                });
                Some((sec, 0, String::new()))
            });
            if let Some((sec, _, content)) = sec {
                if sec == 1 {
                    let reuse = sheets
                        .last()
                        .is_some_and(|s| s.name_line.is_none() && s.section == 0 && !s.closed);
                    if !reuse {
                        if let Some(s) = sheets.last_mut() {
                            close_sheet(s, p.line);
                        }
                        sheets.push(Sheet {
                            start_line: p.line,
                            dim: cur_dim,
                            mission: cur_mis.clone(),
                            ..Default::default()
                        });
                    }
                    if let Some(s) = sheets.last_mut() {
                        s.name = content.clone();
                        s.name_line = Some(p.line);
                        s.section = 1;
                        s.section_line[1] = Some(p.line);
                    }
                    continue;
                }
                if let Some(s) = sheets.last_mut() {
                    s.section = sec;
                    s.closed = false;
                    if let Some(slot) = s.section_line.get_mut(sec as usize) {
                        *slot = Some(p.line);
                    }
                    if sec == 9 {
                        let h = strip_spaces(&text);
                        s.kpi_mode = if h.contains("ผลลัพธ์") && !h.contains("ผลผลิต")
                        {
                            2
                        } else {
                            1
                        };
                    }
                    if !content.is_empty()
                        && let Some(c) = s.content.get_mut(sec as usize)
                    {
                        c.push((p.line, content));
                    }
                }
                continue;
            }
        }
        let Some(s) = sheets.last_mut() else { continue };
        if s.closed || s.section == 0 {
            continue;
        }
        if s.section == 9 {
            let st = strip_spaces(&text);
            for (w, mode) in [("ผลผลิต", 1u8), ("ผลลัพธ์", 2u8)] {
                if st.starts_with(w)
                    && (st.chars().count() <= w.chars().count() + 1
                        || st.get(w.len()..).is_some_and(|r| r.starts_with(':')))
                {
                    s.kpi_mode = mode;
                }
            }
            let is_sub =
                ["ผลผลิต", "ผลลัพธ์"].iter().any(|w| st.starts_with(w)) && st.chars().count() <= 8;
            if is_sub {
                continue;
            }
            let inline = ["ผลผลิต", "ผลลัพธ์"].iter().find_map(|w| {
                strip_prefix_spaced(&text, w)
                    .and_then(|r| r.trim_start().strip_prefix(':'))
                    .map(|r| r.trim().to_string())
            });
            let body = inline.unwrap_or(text.clone());
            if body.is_empty() {
                continue;
            }
            if s.kpi_mode == 2 {
                s.outcomes.push((p.line, body));
            } else {
                s.outputs.push((p.line, body));
            }
            continue;
        }
        let sec = s.section as usize;
        if let Some(c) = s.content.get_mut(sec) {
            c.push((p.line, text));
        }
    }
    if let Some(s) = sheets.last_mut()
        && !s.closed
    {
        s.end_line = paras.last().map(|p| p.line).unwrap_or(s.start_line);
    }
    sheets
}

fn close_sheet(s: &mut Sheet, line: usize) {
    if !s.closed {
        s.closed = true;
        s.end_line = line.saturating_sub(1);
    }
}

fn join_content(c: &[(usize, String)]) -> Option<String> {
    if c.is_empty() {
        None
    } else {
        Some(c.iter().map(|x| x.1.as_str()).collect::<Vec<_>>().join(" "))
    }
}

/// List items of a section: one per paragraph, top-level markers removed.
fn list_items(c: &[(usize, String)]) -> Vec<String> {
    c.iter()
        .map(|(_, t)| match strip_marker(t) {
            (Marker::SubNumbered, _) => t.trim_start_matches(['-', ' ', '•']).to_string(),
            (_, rest) => rest.to_string(),
        })
        .filter(|s| !s.is_empty())
        .collect()
}

/// KPI items: numbered paragraphs start items; bullets, sub-items and
/// parenthesised notes after a numbered item belong to it.
pub(crate) fn kpi_items(c: &[(usize, String)]) -> Vec<(usize, String)> {
    let mut out: Vec<(usize, String)> = Vec::new();
    let mut last_numbered = false;
    for (line, t) in c {
        let (m, rest) = strip_marker(t);
        // In a numbered list every new item has a number: anything else
        // (bullets, sub-items, notes, a paragraph split by a page break)
        // belongs to the numbered item before it.
        let attach =
            last_numbered && matches!(m, Marker::Bullet | Marker::SubNumbered | Marker::None);
        if attach && let Some(last) = out.last_mut() {
            last.1.push(' ');
            last.1.push_str(rest);
            continue;
        }
        if rest.is_empty() {
            continue;
        }
        out.push((*line, rest.to_string()));
        last_numbered = matches!(m, Marker::Numbered(_));
    }
    out
}

fn to_kpis(c: &[(usize, String)]) -> Vec<Kpi> {
    let mut out = Vec::new();
    for (_, text) in kpi_items(c) {
        let targets = extract_targets(&text);
        if targets.is_empty() {
            out.push(Kpi { text, target: None });
        } else {
            for t in targets {
                out.push(Kpi {
                    text: text.clone(),
                    target: Some(t),
                });
            }
        }
    }
    out
}

fn build_project(no: u32, p2: Option<&P2Row>, sh: Option<&Sheet>, years: &[String]) -> Project {
    let name = sh
        .map(|s| s.name.clone())
        .filter(|n| !n.is_empty())
        .or_else(|| p2.map(|r| r.name.clone()))
        .unwrap_or_default();
    let kind = kind_of(&name)
        .or_else(|| p2.and_then(|r| kind_of(&r.name)))
        .unwrap_or_default();
    let mut budget = BTreeMap::new();
    match p2.and_then(|r| r.budget.as_ref()) {
        Some(b) => {
            for (k, y) in years.iter().enumerate() {
                budget.insert(y.clone(), b.get(k).copied().unwrap_or(0));
            }
        }
        None => {
            let amount = sh
                .and_then(|s| join_content(&s.content[7]))
                .and_then(|t| parse_baht(&t))
                .unwrap_or(0);
            for y in years {
                budget.insert(y.clone(), amount);
            }
        }
    }
    let text_of = |sec: usize| {
        sh.and_then(|s| s.content.get(sec).and_then(|c| join_content(c)))
            .unwrap_or_default()
    };
    Project {
        no,
        dimension: p2
            .and_then(|r| r.dim)
            .or_else(|| sh.and_then(|s| s.dim))
            .unwrap_or(0),
        mission: p2
            .and_then(|r| r.mission.clone())
            .or_else(|| sh.and_then(|s| s.mission.clone()))
            .unwrap_or_default(),
        kind,
        name,
        budget,
        responsible: sh
            .map(|s| {
                s.content[8]
                    .iter()
                    .map(|c| c.1.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .unwrap_or_default(),
        rationale: sh
            .map(|s| {
                s.content[2]
                    .iter()
                    .map(|c| c.1.as_str())
                    .collect::<Vec<_>>()
                    .join("\n")
            })
            .unwrap_or_default(),
        objectives: sh.map(|s| list_items(&s.content[3])).unwrap_or_default(),
        target_group: text_of(4),
        steps: sh.map(|s| list_items(&s.content[5])).unwrap_or_default(),
        period: text_of(6),
        outputs: sh.map(|s| to_kpis(&s.outputs)).unwrap_or_default(),
        outcomes: sh.map(|s| to_kpis(&s.outcomes)).unwrap_or_default(),
    }
}

/// Normalised name for matching: no spaces, quotes, kind prefix.
pub(crate) fn name_key(name: &str) -> String {
    let mut s: String = strip_spaces(name)
        .chars()
        .filter(|c| !"\"“”'‘’()（）".contains(*c))
        .collect();
    for p in ["โครงการ", "กิจกรรม", "มาตรการ"] {
        if let Some(r) = s.strip_prefix(p) {
            s = r.to_string();
            break;
        }
    }
    s.to_lowercase()
}

/// Align Part 2 rows and Part 3 sheets (both in plan order) by name similarity.
fn align(p2: &[P2Row], sheets: &[Sheet]) -> Vec<(Option<usize>, Option<usize>)> {
    let n = p2.len();
    let m = sheets.len();
    if n == 0 || m == 0 || n > 600 || m > 600 {
        let len = n.max(m);
        return (0..len)
            .map(|i| {
                (
                    if i < n { Some(i) } else { None },
                    if i < m { Some(i) } else { None },
                )
            })
            .collect();
    }
    let ka: Vec<String> = p2.iter().map(|r| name_key(&r.name)).collect();
    let kb: Vec<String> = sheets.iter().map(|s| name_key(&s.name)).collect();
    let w = |i: usize, j: usize| -> f64 {
        let sim = similarity(&ka[i], &kb[j]);
        let dim_bonus = match (p2[i].dim, sheets[j].dim) {
            (Some(a), Some(b)) if a == b => 0.15,
            _ => 0.0,
        };
        let v = sim + dim_bonus;
        if v >= 0.3 { v } else { f64::NEG_INFINITY }
    };
    // dp[i][j]: best score aligning first i rows and j sheets
    let mut dp = vec![vec![0.0f64; m + 1]; n + 1];
    let mut back = vec![vec![0u8; m + 1]; n + 1];
    for i in 0..=n {
        for j in 0..=m {
            if i == 0 && j == 0 {
                continue;
            }
            let mut best = f64::NEG_INFINITY;
            let mut b = 0u8;
            if i > 0 && dp[i - 1][j] > best {
                best = dp[i - 1][j];
                b = 1;
            }
            if j > 0 && dp[i][j - 1] > best {
                best = dp[i][j - 1];
                b = 2;
            }
            if i > 0 && j > 0 {
                let v = dp[i - 1][j - 1] + w(i - 1, j - 1);
                if v >= best {
                    best = v;
                    b = 3;
                }
            }
            dp[i][j] = best;
            back[i][j] = b;
        }
    }
    let mut out = Vec::new();
    let (mut i, mut j) = (n, m);
    while i > 0 || j > 0 {
        match back[i][j] {
            3 => {
                out.push((Some(i - 1), Some(j - 1)));
                i -= 1;
                j -= 1;
            }
            1 => {
                out.push((Some(i - 1), None));
                i -= 1;
            }
            _ if j > 0 => {
                out.push((None, Some(j - 1)));
                j -= 1;
            }
            _ => {
                out.push((Some(i - 1), None));
                i -= 1;
            }
        }
    }
    out.reverse();
    out
}
