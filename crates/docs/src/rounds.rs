//! A reporting round's report (รายงานผลการดำเนินงาน รอบ 6/12 เดือน) as a document: a
//! summary by dimension, then the plan's Part 2 table (มิติ / ภารกิจ / โครงการ / budget
//! per year) with the round's result columns — status, the amounts in the local
//! development plan and the ordinance, disbursed, KPIs achieved, the reason — with a
//! subtotal per dimension and a grand total. The same [`ReportDoc`] becomes the PDF
//! (A4 landscape) and the XLSX.

use prongsai_domain::progress::{ProgressStatus, format_baht};
use prongsai_domain::reports::{ProjectResult, RoundReport};

use crate::report::{Totals, satang_cell};
use crate::{Cell, Column, ColumnKind, DocsError, ReportDoc, ReportTable, Row};

/// Which version of the report a document shows, for its subtitle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Edition {
    /// Not submitted: the numbers as they stand now.
    LiveDraft { printed_on: String },
    /// A submitted version: 1 is the submission, n > 1 a correction.
    Submitted {
        version: i64,
        submitted_on: String,
        submitted_by: String,
    },
}

impl Edition {
    /// "ฉบับร่าง (ยังไม่ได้ส่ง) ข้อมูล ณ …", "ฉบับที่ส่ง เมื่อ … โดย …" or
    /// "ฉบับแก้ไขครั้งที่ n เมื่อ … โดย …".
    pub fn label_th(&self) -> String {
        match self {
            Edition::LiveDraft { printed_on } => {
                format!("ฉบับร่าง (ยังไม่ได้ส่ง) ข้อมูล ณ วันที่ {printed_on}")
            }
            Edition::Submitted {
                version,
                submitted_on,
                submitted_by,
            } if *version <= 1 => {
                format!("ฉบับที่ส่ง เมื่อ {submitted_on} โดย {submitted_by}")
            }
            Edition::Submitted {
                version,
                submitted_on,
                submitted_by,
            } => {
                format!(
                    "ฉบับแก้ไขครั้งที่ {} เมื่อ {submitted_on} โดย {submitted_by}",
                    version - 1
                )
            }
        }
    }
}

/// A project kind's Thai name.
pub(crate) fn kind_th(kind: &str) -> &'static str {
    match kind {
        "activity" => "กิจกรรม",
        "measure" => "มาตรการ",
        _ => "โครงการ",
    }
}

/// "2/3" KPIs achieved of those with a target ("-" when none has a target).
pub fn kpi_cell(p: &ProjectResult) -> String {
    let m = p.kpis_with_target();
    if m == 0 {
        "-".to_string()
    } else {
        format!("{}/{}", p.kpis_achieved(), m)
    }
}

/// The reason a project could not be done, and problems, in one cell.
fn remarks(p: &ProjectResult) -> String {
    let mut out = p.reason_th();
    if !p.problems.trim().is_empty() {
        if !out.is_empty() {
            out.push_str("; ");
        }
        out.push_str("ปัญหา: ");
        out.push_str(p.problems.trim());
    }
    out
}

/// The summary by dimension.
pub fn summary_table(r: &RoundReport) -> ReportTable {
    let mut t = ReportTable::new(
        "สรุปผลการดำเนินงานตามมิติ",
        vec![
            Column::new("มิติ", ColumnKind::Text, 46.0),
            Column::new("จำนวน\nโครงการ", ColumnKind::Number, 10.0),
            Column::new("ดำเนินการ\nแล้วเสร็จ", ColumnKind::Number, 11.0),
            Column::new("อยู่ระหว่าง\nดำเนินการ", ColumnKind::Number, 11.0),
            Column::new("ยังไม่\nดำเนินการ", ColumnKind::Number, 10.0),
            Column::new("ไม่สามารถ\nดำเนินการได้", ColumnKind::Number, 11.0),
            Column::new("งบประมาณ\nตามแผน (บาท)", ColumnKind::Baht, 15.0),
            Column::new("เบิกจ่าย\n(บาท)", ColumnKind::Baht, 15.0),
            Column::new("ตัวชี้วัด\nที่บรรลุ", ColumnKind::Number, 10.0),
            Column::new("ตัวชี้วัด\nทั้งหมด", ColumnKind::Number, 10.0),
        ],
    );
    t.sheet_name = "สรุปตามมิติ".into();
    for d in &r.dimensions {
        let s = d.summary;
        t.rows.push(Row::data([
            Cell::from(format!("มิติที่ {} {}", d.no, d.title)),
            Cell::from(s.projects),
            Cell::from(s.done),
            Cell::from(s.in_progress),
            Cell::from(s.not_started),
            Cell::from(s.could_not_be_done),
            Cell::from(s.planned_baht),
            satang_cell(Some(s.disbursed_satang)),
            Cell::from(s.kpis_achieved),
            Cell::from(s.kpis_total),
        ]));
    }
    t.totals = Some(Totals {
        label: "รวมทั้งสิ้น".into(),
        label_column: 0,
    });
    t
}

/// The plan's Part 2 table with the round's results.
pub fn projects_table(r: &RoundReport) -> ReportTable {
    // Widths are shares of the landscape page (and characters in XLSX): the name gets
    // the most; amounts are in baht (said once in the title).
    let mut columns = vec![
        Column::new("ภารกิจตามมิติ", ColumnKind::Text, 14.0),
        Column::new("ที่", ColumnKind::Text, 3.5),
        Column::new("โครงการ/กิจกรรม/มาตรการ", ColumnKind::Text, 36.0),
    ];
    for y in &r.plan_years {
        columns.push(Column::new(format!("ปี {y}"), ColumnKind::Baht, 8.5));
    }
    columns.extend([
        Column::new("สถานะ", ColumnKind::Text, 10.0),
        Column::new("แผนพัฒนา\nท้องถิ่น", ColumnKind::Baht, 9.0),
        Column::new("ข้อบัญญัติ", ColumnKind::Baht, 9.0),
        Column::new("เบิกจ่าย", ColumnKind::Baht, 9.0),
        Column::new("ตัวชี้วัด\nที่บรรลุ", ColumnKind::Text, 6.0),
        Column::new("เหตุผล/ปัญหา", ColumnKind::Text, 16.0),
    ]);
    let mut t = ReportTable::new(
        format!(
            "ผลการดำเนินงานรายโครงการ ปีงบประมาณ พ.ศ. {} (งบประมาณตามแผนรายปี และผลการดำเนินงาน หน่วย: บาท)",
            r.fiscal_year.be()
        ),
        columns,
    );
    t.sheet_name = "ผลรายโครงการ".into();
    for d in &r.dimensions {
        t.rows
            .push(Row::section(format!("มิติที่ {} {}", d.no, d.title)));
        let mut last_mission = String::new();
        for p in r.projects_of(d.no) {
            let mission = if p.mission != last_mission {
                last_mission = p.mission.clone();
                format!("{} {}", p.mission, p.mission_title)
                    .trim()
                    .to_string()
            } else {
                String::new()
            };
            let mut cells = vec![
                Cell::from(mission),
                Cell::from(p.no.to_string()),
                Cell::from(format!("{} ({})", p.name, kind_th(&p.kind))),
            ];
            for y in &r.plan_years {
                let amount = p
                    .budgets
                    .iter()
                    .find(|(by, _)| by == y)
                    .map_or(0, |(_, a)| *a);
                cells.push(if amount == 0 {
                    Cell::Empty
                } else {
                    Cell::from(amount)
                });
            }
            cells.extend([
                Cell::from(status_th(p.status)),
                satang_cell(p.dev_plan_satang),
                satang_cell(p.ordinance_satang),
                satang_cell(p.disbursed_satang),
                Cell::from(kpi_cell(p)),
                Cell::from(remarks(p)),
            ]);
            t.rows.push(Row::data(cells));
        }
        let mut sub = vec![Cell::Empty; 2];
        sub.push(Cell::from(format!(
            "รวมมิติที่ {} ({} โครงการ)",
            d.no, d.summary.projects
        )));
        t.rows.push(Row::subtotal(sub));
    }
    t.totals = Some(Totals {
        label: format!("รวมทั้งสิ้น ({} โครงการ)", r.total.projects),
        label_column: 2,
    });
    t
}

fn status_th(s: ProgressStatus) -> &'static str {
    s.label_th()
}

/// The whole report as a document.
pub fn round_doc(r: &RoundReport, edition: &Edition) -> ReportDoc {
    let mut doc = ReportDoc::new(r.title_th());
    doc.subtitle = vec![
        r.org_name.clone(),
        format!("ระยะเวลา 1 ตุลาคม – {}", period_end_th(r)),
        edition.label_th(),
    ];
    let s = r.total;
    doc.paragraphs = vec![format!(
        "โครงการ/กิจกรรม/มาตรการทั้งหมด {} รายการ ดำเนินการแล้วเสร็จ {} อยู่ระหว่างดำเนินการ {} ยังไม่ดำเนินการ {} \
         ไม่สามารถดำเนินการได้ {} งบประมาณตามแผน {} บาท เบิกจ่าย {} บาท ตัวชี้วัดบรรลุเป้าหมาย {} จาก {} ตัวชี้วัด",
        s.projects,
        s.done,
        s.in_progress,
        s.not_started,
        s.could_not_be_done,
        format_baht(s.planned_baht * 100),
        format_baht(s.disbursed_satang),
        s.kpis_achieved,
        s.kpis_total,
    )];
    doc.footer = Some(format!("{} · {}", r.org_name, edition.label_th()));
    doc.tables = vec![summary_table(r), projects_table(r)];
    doc
}

/// "31 มีนาคม 2567" from the report's ISO period end.
fn period_end_th(r: &RoundReport) -> String {
    let d = r.round.period_end(r.fiscal_year);
    prongsai_domain::thai::format_date_th(d)
}

/// The report as PDF bytes (A4 landscape, Thai shaped, font embedded).
pub fn round_pdf(r: &RoundReport, edition: &Edition) -> Result<Vec<u8>, DocsError> {
    crate::to_pdf(&round_doc(r, edition))
}

/// The report as XLSX bytes: a summary sheet and the Part 2 sheet.
pub fn round_xlsx(r: &RoundReport, edition: &Edition) -> Result<Vec<u8>, DocsError> {
    crate::to_xlsx(&round_doc(r, edition))
}
