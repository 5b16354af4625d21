//! Reports of corruption and misconduct (แจ้งเบาะแสการทุจริตและประพฤติมิชอบ), projects 35
//! and 36 of the plan: a channel apart from general complaints that protects whoever
//! reports (ผู้แจ้งเบาะแส).
//!
//! What is here has no IO: the workflow ([`transition`]), its deadlines, who may *not*
//! see a report ([`view_conflict`]), when a report must be deleted ([`expired`]), and
//! the public statistics with small counts suppressed ([`public_stats`]).
//!
//! ```text
//! received ─► acknowledged (within 7 days) ─► under_investigation ─► concluded(outcome)
//!                    └────────────────────────────────────────────► concluded(outcome)
//! ```

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use time::{Duration, OffsetDateTime};

use crate::complaint;
use crate::fiscal::FiscalYear;
use crate::thai::to_bangkok;

/// Days within which a report must be acknowledged (ตอบรับภายใน 7 วัน).
pub const ACKNOWLEDGE_DAYS: u32 = 7;

/// How a report ended (ผลการพิจารณา).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// มีมูล: the facts were established; a disciplinary outcome follows.
    Substantiated,
    /// ไม่มีมูล.
    NotSubstantiated,
    /// ส่งสำนักงาน ป.ป.ช. (National Anti-Corruption Commission).
    ForwardedNacc,
    /// ส่งสำนักงาน ป.ป.ท. (Public Sector Anti-Corruption Commission).
    ForwardedPacc,
    /// ส่งพนักงานสอบสวน/ตำรวจ.
    ForwardedPolice,
}

impl Outcome {
    pub const ALL: [Outcome; 5] = [
        Outcome::Substantiated,
        Outcome::NotSubstantiated,
        Outcome::ForwardedNacc,
        Outcome::ForwardedPacc,
        Outcome::ForwardedPolice,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Outcome::Substantiated => "substantiated",
            Outcome::NotSubstantiated => "not_substantiated",
            Outcome::ForwardedNacc => "forwarded_nacc",
            Outcome::ForwardedPacc => "forwarded_pacc",
            Outcome::ForwardedPolice => "forwarded_police",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|o| o.code() == code)
    }

    pub fn label_th(self) -> &'static str {
        match self {
            Outcome::Substantiated => "มีมูล",
            Outcome::NotSubstantiated => "ไม่มีมูล",
            Outcome::ForwardedNacc => "ส่งเรื่องให้สำนักงาน ป.ป.ช.",
            Outcome::ForwardedPacc => "ส่งเรื่องให้สำนักงาน ป.ป.ท.",
            Outcome::ForwardedPolice => "ส่งเรื่องให้พนักงานสอบสวน",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Outcome::Substantiated => "Substantiated",
            Outcome::NotSubstantiated => "Not substantiated",
            Outcome::ForwardedNacc => "Forwarded to the NACC",
            Outcome::ForwardedPacc => "Forwarded to the PACC",
            Outcome::ForwardedPolice => "Forwarded to the police",
        }
    }
}

/// Where a report is (สถานะเรื่องแจ้งเบาะแส). Stored and serialized as a flat code:
/// `received`, `acknowledged`, `under_investigation`, `concluded:<outcome>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum ReportStatus {
    /// รับเรื่องแล้ว.
    Received,
    /// ตอบรับเรื่องแล้ว: the reporter was told the report is being handled.
    Acknowledged,
    /// อยู่ระหว่างตรวจสอบข้อเท็จจริง.
    UnderInvestigation,
    /// ได้ข้อยุติแล้ว.
    Concluded(Outcome),
}

impl ReportStatus {
    pub fn code(self) -> String {
        match self {
            ReportStatus::Received => "received".into(),
            ReportStatus::Acknowledged => "acknowledged".into(),
            ReportStatus::UnderInvestigation => "under_investigation".into(),
            ReportStatus::Concluded(o) => format!("concluded:{}", o.code()),
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "received" => Some(ReportStatus::Received),
            "acknowledged" => Some(ReportStatus::Acknowledged),
            "under_investigation" => Some(ReportStatus::UnderInvestigation),
            c => c
                .strip_prefix("concluded:")
                .and_then(Outcome::from_code)
                .map(ReportStatus::Concluded),
        }
    }

    pub fn label_th(self) -> String {
        match self {
            ReportStatus::Received => "รับเรื่องแล้ว".into(),
            ReportStatus::Acknowledged => "ตอบรับเรื่องแล้ว".into(),
            ReportStatus::UnderInvestigation => "อยู่ระหว่างตรวจสอบข้อเท็จจริง".into(),
            ReportStatus::Concluded(o) => format!("ได้ข้อยุติแล้ว: {}", o.label_th()),
        }
    }

    pub fn label_en(self) -> String {
        match self {
            ReportStatus::Received => "Received".into(),
            ReportStatus::Acknowledged => "Acknowledged".into(),
            ReportStatus::UnderInvestigation => "Under investigation".into(),
            ReportStatus::Concluded(o) => format!("Concluded: {}", o.label_en()),
        }
    }

    pub fn is_concluded(self) -> bool {
        matches!(self, ReportStatus::Concluded(_))
    }
}

impl fmt::Display for ReportStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.code())
    }
}

impl TryFrom<String> for ReportStatus {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::from_code(&s).ok_or_else(|| format!("unknown report status {s:?}"))
    }
}

impl From<ReportStatus> for String {
    fn from(s: ReportStatus) -> String {
        s.code()
    }
}

/// A move asked for by an integrity officer (the web layer checks the role).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum ReportAction {
    Acknowledge,
    StartInvestigation,
    /// `disciplinary_outcome` (ผลการดำเนินการทางวินัย) says what was decided or where the
    /// case went; it is required when the report is substantiated.
    Conclude {
        outcome: Outcome,
        disciplinary_outcome: String,
    },
}

impl ReportAction {
    pub fn code(&self) -> &'static str {
        match self {
            ReportAction::Acknowledge => "acknowledge",
            ReportAction::StartInvestigation => "start_investigation",
            ReportAction::Conclude { .. } => "conclude",
        }
    }
}

/// Why a move was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReportTransitionError {
    #[error("a report that is {} cannot take the step {action:?}", .from.label_en().to_lowercase())]
    NotAllowed {
        from: ReportStatus,
        action: &'static str,
    },
    #[error("a substantiated report needs the disciplinary outcome")]
    DisciplinaryOutcomeRequired,
}

impl ReportTransitionError {
    pub fn message_th(&self) -> String {
        match self {
            ReportTransitionError::NotAllowed { from, action } => format!(
                "เรื่องที่อยู่ในสถานะ \"{}\" ไม่สามารถ{}ได้",
                from.label_th(),
                match *action {
                    "acknowledge" => "ตอบรับเรื่อง",
                    "start_investigation" => "เริ่มตรวจสอบข้อเท็จจริง",
                    _ => "สรุปผล",
                }
            ),
            ReportTransitionError::DisciplinaryOutcomeRequired => {
                "เรื่องที่มีมูลต้องระบุผลการดำเนินการทางวินัย".into()
            }
        }
    }
}

/// The status after `action`. Allowed: acknowledge a received report; start investigating
/// an acknowledged one; conclude an acknowledged report (e.g. forwarded at once to the
/// NACC) or one under investigation. A concluded report never moves again.
pub fn transition(
    current: ReportStatus,
    action: &ReportAction,
) -> Result<ReportStatus, ReportTransitionError> {
    use ReportStatus as S;
    let not_allowed = || ReportTransitionError::NotAllowed {
        from: current,
        action: action.code(),
    };
    match (current, action) {
        (S::Received, ReportAction::Acknowledge) => Ok(S::Acknowledged),
        (S::Acknowledged, ReportAction::StartInvestigation) => Ok(S::UnderInvestigation),
        (
            S::Acknowledged | S::UnderInvestigation,
            ReportAction::Conclude {
                outcome,
                disciplinary_outcome,
            },
        ) => {
            if *outcome == Outcome::Substantiated && disciplinary_outcome.trim().is_empty() {
                Err(ReportTransitionError::DisciplinaryOutcomeRequired)
            } else {
                Ok(S::Concluded(*outcome))
            }
        }
        _ => Err(not_allowed()),
    }
}

/// The last moment to acknowledge a report received at `received_at`: the end of the
/// 7th Bangkok day after receipt (same counting as [`complaint::deadline`]).
pub fn acknowledge_by(received_at: OffsetDateTime) -> OffsetDateTime {
    complaint::deadline(received_at, ACKNOWLEDGE_DAYS)
}

/// The organization's target for concluding, counted from receipt the same way.
pub fn conclude_by(received_at: OffsetDateTime, days: u32) -> OffsetDateTime {
    complaint::deadline(received_at, days)
}

/// Whether a report is late at `now`: not yet acknowledged after [`acknowledge_by`], or
/// not concluded after `conclude_days` (if the organization set a target).
pub fn is_late(
    status: ReportStatus,
    received_at: OffsetDateTime,
    conclude_days: Option<u32>,
    now: OffsetDateTime,
) -> bool {
    let ack_late = status == ReportStatus::Received && now > acknowledge_by(received_at);
    let conclude_late =
        !status.is_concluded() && conclude_days.is_some_and(|d| now > conclude_by(received_at, d));
    ack_late || conclude_late
}

/// A staff member, by user id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct PersonId(pub i64);

/// A division (กอง/สำนัก), by id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct DivisionId(pub i64);

/// An officer a report names (ผู้ถูกกล่าวหา), as linked by an integrity officer, with
/// where they sit in the hierarchy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NamedOfficer {
    pub person: PersonId,
    /// Their division, if any: its head is their supervisor.
    pub division: Option<DivisionId>,
    /// Everyone above them besides the head of their division — municipal clerk,
    /// deputies, mayor — as the caller knows the line of command.
    pub supervisors: Vec<PersonId>,
}

/// Who wants to read the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Viewer {
    pub person: PersonId,
    /// Divisions this person heads (ผู้อำนวยการกอง).
    pub heads_divisions: Vec<DivisionId>,
}

/// Why a viewer may not see a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ViewConflict {
    /// The viewer is named in the report.
    Named,
    /// The viewer heads the division of someone named.
    HeadsDivisionOfNamed,
    /// The viewer is above someone named in the line of command.
    SupervisesNamed,
}

impl ViewConflict {
    pub fn message_en(self) -> &'static str {
        match self {
            ViewConflict::Named => "You are named in this report, so you cannot see it.",
            ViewConflict::HeadsDivisionOfNamed | ViewConflict::SupervisesNamed => {
                "You supervise someone named in this report, so you cannot see it."
            }
        }
    }

    pub fn message_th(self) -> &'static str {
        match self {
            ViewConflict::Named => "ท่านถูกระบุชื่อในเรื่องนี้ จึงไม่สามารถเข้าดูได้",
            ViewConflict::HeadsDivisionOfNamed | ViewConflict::SupervisesNamed => {
                "ท่านเป็นผู้บังคับบัญชาของผู้ถูกระบุชื่อในเรื่องนี้ จึงไม่สามารถเข้าดูได้"
            }
        }
    }
}

/// The conflict rule: an officer named in a report, or any of their supervisors, cannot
/// see that report — even an integrity officer. `None` means no conflict (the role check
/// is separate). The rule sees only officers linked to the report by id; free text that
/// names someone protects them only once it is linked.
pub fn view_conflict(named: &[NamedOfficer], viewer: &Viewer) -> Option<ViewConflict> {
    if named.iter().any(|n| n.person == viewer.person) {
        return Some(ViewConflict::Named);
    }
    if named
        .iter()
        .filter_map(|n| n.division)
        .any(|d| viewer.heads_divisions.contains(&d))
    {
        return Some(ViewConflict::HeadsDivisionOfNamed);
    }
    if named.iter().any(|n| n.supervisors.contains(&viewer.person)) {
        return Some(ViewConflict::SupervisesNamed);
    }
    None
}

/// Whether `viewer` may see the report (no conflict).
pub fn may_view(named: &[NamedOfficer], viewer: &Viewer) -> bool {
    view_conflict(named, viewer).is_none()
}

/// The instant a report's retention period counts from: its conclusion, or its receipt
/// while it is not concluded.
pub fn retention_anchor(
    received_at: OffsetDateTime,
    concluded_at: Option<OffsetDateTime>,
) -> OffsetDateTime {
    concluded_at.unwrap_or(received_at)
}

/// Retention (ระยะเวลาเก็บรักษา): whether a report whose period counts from `anchor`
/// (see [`retention_anchor`]) must now be deleted for good — `retention_days` full days
/// have passed.
pub fn expired(anchor: OffsetDateTime, retention_days: u32, now: OffsetDateTime) -> bool {
    now >= anchor + Duration::days(i64::from(retention_days))
}

/// The facts public statistics need about one report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportFacts {
    pub received_at: OffsetDateTime,
    pub status: ReportStatus,
}

/// One published number: a count, or suppressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "value")]
pub enum Cell {
    Count(u64),
    Suppressed,
}

impl Cell {
    /// What a page or CSV shows: the number, or `*` (explained under the table by
    /// [`SuppressionRule::note_th`]).
    pub fn display(self) -> String {
        match self {
            Cell::Count(n) => n.to_string(),
            Cell::Suppressed => "*".into(),
        }
    }
}

/// The small-cell rule for public statistics of reports.
///
/// A public count between 1 and k−1 could point at a person ("the one report about the
/// engineering division this year"), so:
///
/// 1. every count from 1 to k−1 is suppressed (primary suppression); zero is shown;
/// 2. in each fiscal year, received = concluded + in progress. If exactly one of the
///    parts is suppressed while received is shown, the other part is suppressed too
///    (complementary suppression), so no subtraction gives it back;
/// 3. all suppressed cells look the same (`*`): a reader cannot tell a small count from
///    a complementary one;
/// 4. no total over years is published: it would give a suppressed year back by
///    difference;
/// 5. k is at least 4 — with k = 3 the row (*, *, *) could only be (2, 1, 1).
///
/// The statistics should be published at the plan's reporting rounds, not live: two
/// snapshots a day apart differ by one report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SuppressionRule {
    k: u64,
}

impl Default for SuppressionRule {
    fn default() -> Self {
        Self { k: 5 }
    }
}

impl SuppressionRule {
    pub const MIN_K: u64 = 4;

    /// A rule suppressing counts below `k` (at least [`Self::MIN_K`]).
    pub fn new(k: u64) -> Result<Self, String> {
        if (Self::MIN_K..=1000).contains(&k) {
            Ok(Self { k })
        } else {
            Err(format!(
                "the small-cell threshold must be between {} and 1000, got {k}",
                Self::MIN_K
            ))
        }
    }

    pub fn k(self) -> u64 {
        self.k
    }

    fn small(self, n: u64) -> bool {
        (1..self.k).contains(&n)
    }

    /// The published row for a true (received, concluded, in progress).
    pub fn apply(self, received: u64, concluded: u64, in_progress: u64) -> PublicRow {
        let r = self.small(received);
        let mut c = self.small(concluded);
        let mut p = self.small(in_progress);
        if r {
            // The parts are at most the total, so any non-zero part is small too.
            c |= concluded > 0;
            p |= in_progress > 0;
        }
        if !r && c != p {
            // Exactly one part hidden while the total shows: hide the other part.
            c = true;
            p = true;
        }
        // Suppressing the total too is never needed: with both parts hidden the row has
        // one equation and two unknowns, each at least 1.
        let cell = |hide: bool, n: u64| {
            if hide {
                Cell::Suppressed
            } else {
                Cell::Count(n)
            }
        };
        PublicRow {
            received: cell(r, received),
            concluded: cell(c, concluded),
            in_progress: cell(p, in_progress),
        }
    }

    pub fn note_th(self) -> String {
        format!(
            "* ไม่เปิดเผยจำนวนที่น้อยกว่า {} เรื่อง และจำนวนที่อาจใช้คำนวณย้อนกลับได้ เพื่อคุ้มครองผู้แจ้งเบาะแส",
            self.k
        )
    }

    pub fn note_en(self) -> String {
        format!(
            "* Counts below {} are not shown, nor counts from which they could be worked out, to protect those who report.",
            self.k
        )
    }
}

/// One fiscal year of public report statistics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicRow {
    /// รับแจ้ง.
    pub received: Cell,
    /// ได้ข้อยุติแล้ว.
    pub concluded: Cell,
    /// อยู่ระหว่างดำเนินการ.
    pub in_progress: Cell,
}

/// True counts of one fiscal year, before suppression (for staff only).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct YearCounts {
    pub received: u64,
    pub concluded: u64,
    pub in_progress: u64,
}

/// True counts per fiscal year of receipt (Bangkok time): reports received that year,
/// and of those how many are concluded and how many still in progress.
pub fn year_counts(facts: &[ReportFacts]) -> BTreeMap<FiscalYear, YearCounts> {
    let mut out: BTreeMap<FiscalYear, YearCounts> = BTreeMap::new();
    for f in facts {
        let fy = FiscalYear::containing(to_bangkok(f.received_at).date());
        let c = out.entry(fy).or_default();
        c.received += 1;
        if f.status.is_concluded() {
            c.concluded += 1;
        } else {
            c.in_progress += 1;
        }
    }
    out
}

/// The public statistics per fiscal year (สถิติการแจ้งเบาะแส) with `rule` applied.
pub fn public_stats(facts: &[ReportFacts], rule: SuppressionRule) -> Vec<(FiscalYear, PublicRow)> {
    year_counts(facts)
        .into_iter()
        .map(|(fy, c)| (fy, rule.apply(c.received, c.concluded, c.in_progress)))
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use proptest::prelude::*;
    use time::macros::datetime;

    #[test]
    fn workflow() {
        use ReportStatus as S;
        let s = transition(S::Received, &ReportAction::Acknowledge).unwrap();
        let s = transition(s, &ReportAction::StartInvestigation).unwrap();
        assert_eq!(s, S::UnderInvestigation);
        let c = ReportAction::Conclude {
            outcome: Outcome::Substantiated,
            disciplinary_outcome: "ลงโทษภาคทัณฑ์".into(),
        };
        assert_eq!(transition(s, &c), Ok(S::Concluded(Outcome::Substantiated)));
        let bare = ReportAction::Conclude {
            outcome: Outcome::Substantiated,
            disciplinary_outcome: " ".into(),
        };
        assert_eq!(
            transition(s, &bare),
            Err(ReportTransitionError::DisciplinaryOutcomeRequired)
        );
        // Forwarding straight after acknowledging needs no investigation here.
        let fwd = ReportAction::Conclude {
            outcome: Outcome::ForwardedNacc,
            disciplinary_outcome: String::new(),
        };
        assert_eq!(
            transition(S::Acknowledged, &fwd),
            Ok(S::Concluded(Outcome::ForwardedNacc))
        );
        // Not before acknowledging, never after concluding.
        assert!(transition(S::Received, &fwd).is_err());
        let e = transition(
            S::Concluded(Outcome::NotSubstantiated),
            &ReportAction::Acknowledge,
        )
        .unwrap_err();
        assert!(e.to_string().contains("concluded"));
        assert!(e.message_th().contains("ได้ข้อยุติแล้ว"));
    }

    #[test]
    fn status_codes_round_trip() {
        let mut all = vec![
            ReportStatus::Received,
            ReportStatus::Acknowledged,
            ReportStatus::UnderInvestigation,
        ];
        all.extend(Outcome::ALL.map(ReportStatus::Concluded));
        for s in all {
            assert_eq!(ReportStatus::from_code(&s.code()), Some(s));
            let json = serde_json::to_string(&s).unwrap();
            assert_eq!(serde_json::from_str::<ReportStatus>(&json).unwrap(), s);
        }
        assert_eq!(
            serde_json::to_string(&ReportStatus::Concluded(Outcome::ForwardedPacc)).unwrap(),
            "\"concluded:forwarded_pacc\""
        );
        assert!(serde_json::from_str::<ReportStatus>("\"concluded:maybe\"").is_err());
    }

    #[test]
    fn deadlines() {
        let received = datetime!(2026-03-01 03:00 UTC);
        assert_eq!(
            to_bangkok(acknowledge_by(received)).date(),
            time::macros::date!(2026 - 03 - 08)
        );
        let day9 = datetime!(2026-03-09 03:00 UTC);
        assert!(is_late(ReportStatus::Received, received, None, day9));
        assert!(!is_late(ReportStatus::Acknowledged, received, None, day9));
        assert!(is_late(
            ReportStatus::UnderInvestigation,
            received,
            Some(5),
            day9
        ));
        assert!(!is_late(
            ReportStatus::Concluded(Outcome::NotSubstantiated),
            received,
            Some(5),
            day9
        ));
    }

    #[test]
    fn named_officers_and_their_supervisors_cannot_see() {
        let named = vec![NamedOfficer {
            person: PersonId(10),
            division: Some(DivisionId(2)),
            supervisors: vec![PersonId(1), PersonId(3)],
        }];
        let viewer = |p: i64, heads: &[i64]| Viewer {
            person: PersonId(p),
            heads_divisions: heads.iter().map(|&d| DivisionId(d)).collect(),
        };
        assert_eq!(
            view_conflict(&named, &viewer(10, &[])),
            Some(ViewConflict::Named)
        );
        assert_eq!(
            view_conflict(&named, &viewer(20, &[2])),
            Some(ViewConflict::HeadsDivisionOfNamed)
        );
        assert_eq!(
            view_conflict(&named, &viewer(3, &[])),
            Some(ViewConflict::SupervisesNamed)
        );
        assert!(may_view(&named, &viewer(20, &[5])));
        assert!(may_view(&[], &viewer(10, &[2])));
        assert!(!ViewConflict::Named.message_th().is_empty());
    }

    #[test]
    fn retention() {
        let received = datetime!(2020-01-01 00:00 UTC);
        let concluded = datetime!(2021-01-01 00:00 UTC);
        let anchor = retention_anchor(received, Some(concluded));
        assert_eq!(anchor, concluded);
        assert!(!expired(anchor, 365, datetime!(2021-12-31 23:59 UTC)));
        assert!(expired(anchor, 365, datetime!(2022-01-01 00:00 UTC)));
        assert_eq!(retention_anchor(received, None), received);
    }

    #[test]
    fn public_stats_per_fiscal_year() {
        let mk = |t, s| ReportFacts {
            received_at: t,
            status: s,
        };
        let mut facts = Vec::new();
        // Fiscal 2568: 12 reports, 10 concluded, 2 in progress.
        for i in 0..12 {
            let s = if i < 10 {
                ReportStatus::Concluded(Outcome::NotSubstantiated)
            } else {
                ReportStatus::UnderInvestigation
            };
            facts.push(mk(datetime!(2025-01-10 03:00 UTC), s));
        }
        // Fiscal 2569: 1 report.
        facts.push(mk(datetime!(2025-10-10 03:00 UTC), ReportStatus::Received));
        let rows = public_stats(&facts, SuppressionRule::default());
        assert_eq!(rows[0].0.be(), 2568);
        assert_eq!(
            rows[0].1,
            PublicRow {
                received: Cell::Count(12),
                concluded: Cell::Suppressed,
                in_progress: Cell::Suppressed,
            }
        );
        assert_eq!(rows[1].1.received, Cell::Suppressed);
        assert_eq!(rows[1].1.concluded, Cell::Count(0));
        assert_eq!(Cell::Suppressed.display(), "*");
        assert!(SuppressionRule::new(3).is_err());
        assert!(SuppressionRule::default().note_th().contains('5'));
    }

    /// Every true row (r, c, p) with r = c + p and r ≤ bound that `rule` publishes as
    /// `published`: what a reader who knows the rule could believe.
    fn candidates(rule: SuppressionRule, published: PublicRow, bound: u64) -> Vec<(u64, u64, u64)> {
        let mut out = Vec::new();
        for r in 0..=bound {
            for c in 0..=r {
                if rule.apply(r, c, r - c) == published {
                    out.push((r, c, r - c));
                }
            }
        }
        out
    }

    #[test]
    fn no_small_cell_can_be_worked_out() {
        // Exhaustive over small rows and thresholds: for every cell whose true value is
        // 1..k−1, the published row is consistent with at least two values of that cell,
        // so neither the cell nor a difference with the total gives it away.
        for k in SuppressionRule::MIN_K..=8 {
            let rule = SuppressionRule::new(k).unwrap();
            let bound = 4 * k;
            for r in 0..=(3 * k) {
                for c in 0..=r {
                    let p = r - c;
                    let published = rule.apply(r, c, p);
                    let cands = candidates(rule, published, bound);
                    let values = |f: fn(&(u64, u64, u64)) -> u64| {
                        let mut v: Vec<u64> = cands.iter().map(f).collect();
                        v.sort();
                        v.dedup();
                        v
                    };
                    for (truth, vals, name) in [
                        (r, values(|t| t.0), "received"),
                        (c, values(|t| t.1), "concluded"),
                        (p, values(|t| t.2), "in progress"),
                    ] {
                        if (1..k).contains(&truth) {
                            assert!(
                                vals.len() >= 2,
                                "k={k} row ({r},{c},{p}) leaks {name}: {published:?} → {vals:?}"
                            );
                        }
                    }
                    // Shown numbers are true numbers.
                    for (cell, truth) in [
                        (published.received, r),
                        (published.concluded, c),
                        (published.in_progress, p),
                    ] {
                        if let Cell::Count(n) = cell {
                            assert_eq!(n, truth);
                            assert!(!(1..k).contains(&n), "small count {n} shown");
                        }
                    }
                }
            }
        }
    }

    proptest! {
        #[test]
        fn no_small_count_is_ever_shown(
            days in proptest::collection::vec((0i64..1500, 0u8..3), 0..80),
            k in 4u64..10,
        ) {
            let facts: Vec<ReportFacts> = days
                .iter()
                .map(|&(d, s)| ReportFacts {
                    received_at: datetime!(2022-01-01 00:00 UTC) + Duration::days(d),
                    status: match s {
                        0 => ReportStatus::Received,
                        1 => ReportStatus::UnderInvestigation,
                        _ => ReportStatus::Concluded(Outcome::ForwardedPolice),
                    },
                })
                .collect();
            let rule = SuppressionRule::new(k).unwrap();
            let truth = year_counts(&facts);
            prop_assert_eq!(truth.values().map(|c| c.received).sum::<u64>(), facts.len() as u64);
            for (fy, row) in public_stats(&facts, rule) {
                let t = truth[&fy];
                prop_assert_eq!(t.received, t.concluded + t.in_progress);
                let cells = [(row.received, t.received), (row.concluded, t.concluded), (row.in_progress, t.in_progress)];
                for (cell, n) in cells {
                    match cell {
                        Cell::Count(shown) => {
                            prop_assert_eq!(shown, n);
                            prop_assert!(!(1..k).contains(&shown));
                        }
                        Cell::Suppressed => prop_assert!(n > 0),
                    }
                }
                // Never exactly one hidden cell in the row's equation.
                let hidden = cells.iter().filter(|(c, _)| *c == Cell::Suppressed).count();
                prop_assert!(hidden != 1, "{:?}", row);
            }
        }
    }
}
