//! What the parser saw and where: the material `lint` works from. Line
//! numbers are 1-based lines of the whole input.

/// Everything the linter needs beyond the `Plan` itself.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Evidence {
    /// Lines (first, last) of the copy of the plan that was read.
    pub segment: (usize, usize),
    pub fiscal_years: Vec<u32>,
    /// Counts the text states ("จำนวน 35 โครงการ").
    pub declared_counts: Vec<DeclaredCount>,
    /// Budget total rows of the Part 2 table ("รวม", "รวมทั้งสิ้น").
    pub budget_totals: Vec<BudgetTotal>,
    /// One per `plan.projects` entry, same order.
    pub projects: Vec<ProjectEvidence>,
    /// Line of each Part 1 risk row, same order as `plan.risks`.
    pub risk_lines: Vec<usize>,
    pub heading_typos: Vec<HeadingTypo>,
    /// Other copies of a plan found in the same file.
    pub copies: Vec<CopyInfo>,
    /// Numbering slips inside inline lists (e.g. risk control measures).
    pub list_numbering: Vec<ListNumbering>,
    /// Part 2 rows with budgets but no project to give them to.
    pub orphan_budget_rows: Vec<usize>,
    /// Extra notes for people.
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DeclaredCount {
    /// `None`: the whole plan.
    pub dimension: Option<u32>,
    pub count: u32,
    pub line: usize,
    pub quote: String,
    /// "preface" or "part2"
    pub source: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct BudgetTotal {
    /// `None`: grand total.
    pub dimension: Option<u32>,
    /// One per fiscal year column; `None` where the cell was blank.
    pub amounts: Vec<Option<i64>>,
    pub line: usize,
    pub quote: String,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProjectEvidence {
    pub part2: Option<Part2Ref>,
    pub sheet: Option<SheetRef>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Part2Ref {
    pub line: usize,
    pub dimension: Option<u32>,
    pub mission: Option<String>,
    /// The number written before the name ("3)").
    pub local_no: Option<u32>,
    pub name: String,
    /// One per fiscal year.
    pub budget: Vec<i64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SheetRef {
    pub line: usize,
    pub end_line: usize,
    /// "ลำดับที่ N"
    pub declared_no: Option<u32>,
    pub name: String,
    pub name_line: Option<usize>,
    /// From the "มิติที่ N" heading above the sheet.
    pub dimension: Option<u32>,
    /// From the "N.N" mission heading above the sheet.
    pub mission: Option<String>,
    /// Section 7 text.
    pub budget_text: Option<String>,
    pub budget_line: Option<usize>,
    pub responsible_line: Option<usize>,
    pub target_group_line: Option<usize>,
    /// Line of each output item (before splitting into one KPI per target).
    pub output_lines: Vec<usize>,
    pub outcome_lines: Vec<usize>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct HeadingTypo {
    pub line: usize,
    pub found: String,
    pub expected: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CopyInfo {
    pub start_line: usize,
    pub end_line: usize,
    /// It is the same plan (organisation and project names agree).
    pub same_plan: bool,
    /// A plan could be read from it at all.
    pub has_plan: bool,
    /// Differences found between the copies.
    pub differences: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ListNumbering {
    pub line: usize,
    pub context: String,
    pub found: u32,
    pub expected: u32,
    pub quote: String,
}
