//! The e-PlanNACC export: one row per project with the fields the NACC's national
//! e-PlanNACC system asks for — type, dimension, mission, budget, target group,
//! objectives, and for the round: the amounts in the local development plan and in the
//! budget ordinance, disbursed, status and the reason it could not be done — as CSV
//! (UTF-8 with a byte-order mark, so that Excel shows Thai) and as XLSX.
//!
//! The official import specification is not public; the columns follow the plan
//! template and the round's report fields (see `docs/eplannacc.md`).

use prongsai_domain::reports::{ProjectResult, RoundReport};

use crate::report::{csv_text, satang_cell};
use crate::rounds::kind_th;
use crate::{Cell, Column, ColumnKind, DocsError, ReportTable, Row};

/// One column: its Thai header, its kind and width, and how to fill it.
struct Field {
    header: &'static str,
    kind: ColumnKind,
    width: f32,
    value: fn(&RoundReport, &ProjectResult) -> Cell,
}

fn text(s: impl Into<String>) -> Cell {
    Cell::Text(s.into())
}

fn dimension(r: &RoundReport, p: &ProjectResult) -> String {
    r.dimensions
        .iter()
        .find(|d| d.no == p.dimension)
        .map_or_else(
            || format!("มิติที่ {}", p.dimension),
            |d| format!("มิติที่ {} {}", d.no, d.title),
        )
}

fn objectives(p: &ProjectResult) -> String {
    p.objectives
        .iter()
        .enumerate()
        .map(|(i, o)| format!("{}) {}", i + 1, o.trim()))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The columns, in order. Keep `docs/eplannacc.md` in step.
const FIELDS: &[Field] = &[
    Field {
        header: "ปีงบประมาณ",
        kind: ColumnKind::Text,
        width: 10.0,
        value: |r, _| text(r.fiscal_year.be().to_string()),
    },
    Field {
        header: "รอบการรายงาน",
        kind: ColumnKind::Text,
        width: 12.0,
        value: |r, _| text(round_th(r)),
    },
    Field {
        header: "ลำดับในแผน",
        kind: ColumnKind::Text,
        width: 8.0,
        value: |_, p| text(p.no.to_string()),
    },
    Field {
        header: "ประเภท",
        kind: ColumnKind::Text,
        width: 10.0,
        value: |_, p| text(kind_th(&p.kind)),
    },
    Field {
        header: "มิติ",
        kind: ColumnKind::Text,
        width: 30.0,
        value: |r, p| text(dimension(r, p)),
    },
    Field {
        header: "ภารกิจตามมิติ",
        kind: ColumnKind::Text,
        width: 30.0,
        value: |_, p| {
            text(
                format!("{} {}", p.mission, p.mission_title)
                    .trim()
                    .to_string(),
            )
        },
    },
    Field {
        header: "ชื่อโครงการ/กิจกรรม/มาตรการ",
        kind: ColumnKind::Text,
        width: 40.0,
        value: |_, p| text(p.name.clone()),
    },
    Field {
        header: "งบประมาณตามแผน (บาท)",
        kind: ColumnKind::Baht,
        width: 14.0,
        value: |_, p| Cell::from(p.planned_baht),
    },
    Field {
        header: "กลุ่มเป้าหมาย",
        kind: ColumnKind::Text,
        width: 30.0,
        value: |_, p| text(p.target_group.clone()),
    },
    Field {
        header: "วัตถุประสงค์",
        kind: ColumnKind::Text,
        width: 40.0,
        value: |_, p| text(objectives(p)),
    },
    Field {
        header: "หน่วยงานรับผิดชอบ",
        kind: ColumnKind::Text,
        width: 20.0,
        value: |_, p| text(p.responsible.clone()),
    },
    Field {
        header: "งบประมาณในแผนพัฒนาท้องถิ่น (บาท)",
        kind: ColumnKind::Baht,
        width: 14.0,
        value: |_, p| satang_cell(p.dev_plan_satang),
    },
    Field {
        header: "งบประมาณตามข้อบัญญัติ (บาท)",
        kind: ColumnKind::Baht,
        width: 14.0,
        value: |_, p| satang_cell(p.ordinance_satang),
    },
    Field {
        header: "เบิกจ่าย (บาท)",
        kind: ColumnKind::Baht,
        width: 14.0,
        value: |_, p| satang_cell(p.disbursed_satang),
    },
    Field {
        header: "สถานะการดำเนินงาน",
        kind: ColumnKind::Text,
        width: 18.0,
        value: |_, p| text(p.status.label_th()),
    },
    Field {
        header: "เหตุผลที่ไม่สามารถดำเนินการได้",
        kind: ColumnKind::Text,
        width: 24.0,
        value: |_, p| text(p.reason_th()),
    },
    Field {
        header: "ตัวชี้วัดที่บรรลุ",
        kind: ColumnKind::Text,
        width: 10.0,
        value: |_, p| text(crate::rounds::kpi_cell(p)),
    },
];

fn round_th(r: &RoundReport) -> &'static str {
    match r.round {
        prongsai_domain::ReportingRound::SixMonths => "รอบ 6 เดือน",
        prongsai_domain::ReportingRound::TwelveMonths => "รอบ 12 เดือน",
    }
}

/// The Thai column headers, in order.
pub fn headers() -> Vec<&'static str> {
    FIELDS.iter().map(|f| f.header).collect()
}

/// The export as a table (one row per project, no totals: it is meant to be imported).
pub fn table(r: &RoundReport) -> ReportTable {
    let mut t = ReportTable::new(
        "e-PlanNACC",
        FIELDS
            .iter()
            .map(|f| Column::new(f.header, f.kind, f.width))
            .collect(),
    );
    t.sheet_name = "e-PlanNACC".into();
    for p in &r.projects {
        t.rows
            .push(Row::data(FIELDS.iter().map(|f| (f.value)(r, p))));
    }
    t
}

fn csv_value(c: &Cell) -> String {
    match c {
        Cell::Empty => String::new(),
        Cell::Text(t) => t.clone(),
        // Amounts without separators; satang only when there are some.
        Cell::Number(v) if v.fract().abs() < 1e-9 => format!("{}", v.round() as i64),
        Cell::Number(v) => format!("{v:.2}"),
    }
}

/// The export as CSV: UTF-8 with a byte-order mark, CRLF line ends, a header row.
pub fn to_csv(r: &RoundReport) -> Vec<u8> {
    let t = table(r);
    let header: Vec<String> = t.columns.iter().map(|c| c.header.clone()).collect();
    let rows = t
        .rows
        .iter()
        .map(|row| row.cells.iter().map(csv_value).collect::<Vec<_>>());
    csv_text(std::iter::once(header).chain(rows)).into_bytes()
}

/// The export as XLSX: one sheet, the header in the first row.
pub fn to_xlsx(r: &RoundReport) -> Result<Vec<u8>, DocsError> {
    let mut book = crate::xlsx::XlsxBook::new();
    book.add_table_sheet(&[], &table(r))?;
    book.finish()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use prongsai_domain::progress::{NotDoneReason, ProgressStatus};
    use prongsai_domain::reports::{ReportHeader, build};
    use prongsai_domain::{FiscalYear, ReportingRound};

    fn report() -> RoundReport {
        let p = ProjectResult {
            project_key: 2,
            no: 2,
            dimension: 1,
            mission: "1.2".into(),
            kind: "project".into(),
            name: "โครงการโรงเรียนคุณธรรม, \"ดี\"".into(),
            objectives: vec!["เพื่อปลูกฝัง".into(), "เพื่อส่งเสริม".into()],
            planned_baht: 120_000,
            disbursed_satang: Some(9_550_050),
            status: ProgressStatus::CouldNotBeDone,
            reason: Some(NotDoneReason::NoBudget),
            ..ProjectResult::default()
        };
        build(
            ReportHeader {
                org_name: "เทศบาล".into(),
                fiscal_year: FiscalYear::new(2567).unwrap(),
                round: ReportingRound::SixMonths,
                plan_title: String::new(),
                plan_version: 1,
                plan_years: vec![2567],
                dimensions: vec![(1, "การสร้างวัฒนธรรมสุจริต".into())],
            },
            vec![p],
        )
    }

    #[test]
    fn csv_has_a_bom_thai_headers_and_quoted_fields() {
        let csv = String::from_utf8(to_csv(&report())).unwrap();
        assert!(csv.starts_with("\u{FEFF}ปีงบประมาณ,รอบการรายงาน,"));
        let lines: Vec<&str> = csv.split("\r\n").collect();
        assert_eq!(lines.len(), 3, "header, one row, and the final line end");
        assert!(lines[1].starts_with("2567,รอบ 6 เดือน,2,โครงการ,มิติที่ 1 การสร้างวัฒนธรรมสุจริต,1.2,"));
        assert!(lines[1].contains("\"โครงการโรงเรียนคุณธรรม, \"\"ดี\"\"\""));
        assert!(lines[1].contains(",120000,"));
        assert!(lines[1].contains(",95500.50,ไม่สามารถดำเนินการได้,ไม่ได้รับงบประมาณ,-"));
        assert!(lines[1].contains("1) เพื่อปลูกฝัง 2) เพื่อส่งเสริม"));
        assert_eq!(headers().len(), lines[0].split(',').count());
    }

    #[test]
    fn xlsx_is_a_zip() {
        let x = to_xlsx(&report()).unwrap();
        assert!(x.starts_with(b"PK"));
    }
}
