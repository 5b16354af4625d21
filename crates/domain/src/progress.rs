//! Yearly progress (ผลการดำเนินงาน) of one plan project: its status, why it could not be
//! done, the approval of the division head, and whether each KPI target (ตัวชี้วัด) was
//! achieved. Pure rules, no IO; the store keeps the values and the web shows them.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Where a project stands in a fiscal year (สถานะการดำเนินงาน).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum ProgressStatus {
    /// ยังไม่ดำเนินการ
    #[default]
    NotStarted,
    /// อยู่ระหว่างดำเนินการ
    InProgress,
    /// ดำเนินการแล้วเสร็จ
    Done,
    /// ไม่สามารถดำเนินการได้ (with a [`NotDoneReason`])
    CouldNotBeDone,
}

impl ProgressStatus {
    pub const ALL: [ProgressStatus; 4] = [
        ProgressStatus::NotStarted,
        ProgressStatus::InProgress,
        ProgressStatus::Done,
        ProgressStatus::CouldNotBeDone,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ProgressStatus::NotStarted => "not_started",
            ProgressStatus::InProgress => "in_progress",
            ProgressStatus::Done => "done",
            ProgressStatus::CouldNotBeDone => "could_not_be_done",
        }
    }

    pub fn label_th(self) -> &'static str {
        match self {
            ProgressStatus::NotStarted => "ยังไม่ดำเนินการ",
            ProgressStatus::InProgress => "อยู่ระหว่างดำเนินการ",
            ProgressStatus::Done => "ดำเนินการแล้วเสร็จ",
            ProgressStatus::CouldNotBeDone => "ไม่สามารถดำเนินการได้",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            ProgressStatus::NotStarted => "Not started",
            ProgressStatus::InProgress => "In progress",
            ProgressStatus::Done => "Done",
            ProgressStatus::CouldNotBeDone => "Could not be done",
        }
    }
}

impl fmt::Display for ProgressStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for ProgressStatus {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ProgressStatus::ALL
            .into_iter()
            .find(|v| v.code() == s.trim())
            .ok_or_else(|| {
                format!(
                    "unknown status {s:?}: use not_started, in_progress, done or could_not_be_done"
                )
            })
    }
}

/// Why a project could not be done (เหตุผลที่ไม่สามารถดำเนินการได้), as e-PlanNACC asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NotDoneReason {
    /// ไม่ได้รับงบประมาณ
    NoBudget,
    /// นโยบายเปลี่ยนแปลง
    PolicyChanged,
    /// บุคลากรไม่เพียงพอ
    NotEnoughStaff,
    /// อื่น ๆ (the text says what)
    Other,
}

impl NotDoneReason {
    pub const ALL: [NotDoneReason; 4] = [
        NotDoneReason::NoBudget,
        NotDoneReason::PolicyChanged,
        NotDoneReason::NotEnoughStaff,
        NotDoneReason::Other,
    ];

    pub fn code(self) -> &'static str {
        match self {
            NotDoneReason::NoBudget => "no_budget",
            NotDoneReason::PolicyChanged => "policy_changed",
            NotDoneReason::NotEnoughStaff => "not_enough_staff",
            NotDoneReason::Other => "other",
        }
    }

    pub fn label_th(self) -> &'static str {
        match self {
            NotDoneReason::NoBudget => "ไม่ได้รับงบประมาณ",
            NotDoneReason::PolicyChanged => "นโยบายเปลี่ยนแปลง",
            NotDoneReason::NotEnoughStaff => "บุคลากรไม่เพียงพอ",
            NotDoneReason::Other => "อื่น ๆ",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            NotDoneReason::NoBudget => "No budget",
            NotDoneReason::PolicyChanged => "Policy changed",
            NotDoneReason::NotEnoughStaff => "Not enough staff",
            NotDoneReason::Other => "Other",
        }
    }
}

impl FromStr for NotDoneReason {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        NotDoneReason::ALL
            .into_iter()
            .find(|v| v.code() == s.trim())
            .ok_or_else(|| {
                format!(
                    "unknown reason {s:?}: use no_budget, policy_changed, not_enough_staff or other"
                )
            })
    }
}

/// A status with the reason it needs: "could not be done" must say why, "other" must
/// say it in words, and the other statuses carry no reason.
pub fn check_status(
    status: ProgressStatus,
    reason: Option<NotDoneReason>,
    reason_text: &str,
) -> Result<(), ProgressError> {
    match (status, reason) {
        (ProgressStatus::CouldNotBeDone, None) => Err(ProgressError::ReasonMissing),
        (ProgressStatus::CouldNotBeDone, Some(NotDoneReason::Other))
            if reason_text.trim().is_empty() =>
        {
            Err(ProgressError::ReasonTextMissing)
        }
        (ProgressStatus::CouldNotBeDone, Some(_)) => Ok(()),
        (_, Some(_)) => Err(ProgressError::ReasonNotAllowed),
        (_, None) => Ok(()),
    }
}

/// The division head's approval of a project's yearly progress.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum ApprovalState {
    /// ร่าง: officers edit.
    #[default]
    Draft,
    /// รออนุมัติ: sent to the division head; locked for officers.
    SubmittedForApproval,
    /// อนุมัติแล้ว
    Approved,
    /// ส่งกลับแก้ไข, with the head's comment; officers edit again.
    Returned,
}

/// What someone does to a project's progress.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApprovalAction {
    /// Officer saves the form (or adds evidence).
    Edit,
    /// Officer sends to the division head.
    Submit,
    /// Head approves.
    Approve,
    /// Head sends back with a comment.
    Return,
}

impl ApprovalState {
    pub const ALL: [ApprovalState; 4] = [
        ApprovalState::Draft,
        ApprovalState::SubmittedForApproval,
        ApprovalState::Approved,
        ApprovalState::Returned,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ApprovalState::Draft => "draft",
            ApprovalState::SubmittedForApproval => "submitted_for_approval",
            ApprovalState::Approved => "approved",
            ApprovalState::Returned => "returned",
        }
    }

    pub fn label_th(self) -> &'static str {
        match self {
            ApprovalState::Draft => "ร่าง",
            ApprovalState::SubmittedForApproval => "รออนุมัติ",
            ApprovalState::Approved => "อนุมัติแล้ว",
            ApprovalState::Returned => "ส่งกลับแก้ไข",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            ApprovalState::Draft => "Draft",
            ApprovalState::SubmittedForApproval => "Waiting for approval",
            ApprovalState::Approved => "Approved",
            ApprovalState::Returned => "Returned for changes",
        }
    }

    /// The state after `action`, or why it is not allowed now. Editing approved
    /// progress re-opens it as a draft (it must be approved again); progress waiting
    /// for the head cannot be edited until the head returns it.
    pub fn after(self, action: ApprovalAction) -> Result<ApprovalState, ProgressError> {
        use ApprovalAction as A;
        use ApprovalState as S;
        match (self, action) {
            (S::Draft | S::Returned | S::Approved, A::Edit) => Ok(S::Draft),
            (S::SubmittedForApproval, A::Edit) => Err(ProgressError::Locked),
            (S::Draft | S::Returned, A::Submit) => Ok(S::SubmittedForApproval),
            (S::SubmittedForApproval, A::Approve) => Ok(S::Approved),
            (S::SubmittedForApproval, A::Return) => Ok(S::Returned),
            (from, _) => Err(ProgressError::Transition { from }),
        }
    }

    /// Officers may change the values.
    pub fn is_editable(self) -> bool {
        self != ApprovalState::SubmittedForApproval
    }
}

impl FromStr for ApprovalState {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ApprovalState::ALL
            .into_iter()
            .find(|v| v.code() == s.trim())
            .ok_or_else(|| format!("unknown approval state {s:?}"))
    }
}

/// A progress rule that was broken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProgressError {
    #[error("a project that could not be done needs a reason")]
    ReasonMissing,
    #[error("the reason \"other\" needs a few words saying what it was")]
    ReasonTextMissing,
    #[error("a reason is given only when the project could not be done")]
    ReasonNotAllowed,
    #[error("the progress is waiting for the division head's approval and cannot be changed")]
    Locked,
    #[error("not allowed while the progress is {}", from.code())]
    Transition { from: ApprovalState },
}

impl ProgressError {
    pub fn message_th(&self) -> String {
        match self {
            ProgressError::ReasonMissing => "โครงการที่ไม่สามารถดำเนินการได้ต้องระบุเหตุผล".into(),
            ProgressError::ReasonTextMissing => "เหตุผล \"อื่น ๆ\" ต้องระบุรายละเอียด".into(),
            ProgressError::ReasonNotAllowed => "ระบุเหตุผลได้เฉพาะโครงการที่ไม่สามารถดำเนินการได้".into(),
            ProgressError::Locked => "ผลการดำเนินงานอยู่ระหว่างรออนุมัติ แก้ไขไม่ได้".into(),
            ProgressError::Transition { from } => {
                format!("ทำรายการนี้ไม่ได้ขณะที่สถานะเป็น \"{}\"", from.label_th())
            }
        }
    }
}

/// How a KPI target compares (the parsed plan's `op`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum KpiOp {
    #[serde(rename = ">=")]
    AtLeast,
    #[serde(rename = "<=")]
    AtMost,
    #[serde(rename = "=")]
    Exactly,
    /// ลดลง: compared with a baseline (the value before).
    #[serde(rename = "decrease")]
    Decrease,
    /// เพิ่มขึ้น: compared with a baseline.
    #[serde(rename = "increase")]
    Increase,
}

impl KpiOp {
    /// From the plan's stored code (`>=`, `<=`, `=`, `decrease`, `increase`).
    pub fn from_code(s: &str) -> Option<KpiOp> {
        match s.trim() {
            ">=" => Some(KpiOp::AtLeast),
            "<=" => Some(KpiOp::AtMost),
            "=" => Some(KpiOp::Exactly),
            "decrease" => Some(KpiOp::Decrease),
            "increase" => Some(KpiOp::Increase),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            KpiOp::AtLeast => ">=",
            KpiOp::AtMost => "<=",
            KpiOp::Exactly => "=",
            KpiOp::Decrease => "decrease",
            KpiOp::Increase => "increase",
        }
    }

    /// Whether a baseline is needed to judge the result.
    pub fn needs_baseline(self) -> bool {
        matches!(self, KpiOp::Decrease | KpiOp::Increase)
    }
}

/// A KPI target as parsed from the plan: "ไม่น้อยกว่าร้อยละ 80" is `>= 80 percent`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KpiTarget {
    pub op: KpiOp,
    pub value: Option<f64>,
    pub unit: Option<String>,
}

const EPS: f64 = 1e-9;

impl KpiTarget {
    /// Whether `actual` meets the target; `None` when it cannot be judged (no actual
    /// value, a comparison without a number, or a decrease/increase without a baseline).
    ///
    /// - `>=`, `<=`, `=` compare the actual value with the target's value.
    /// - `decrease`/`increase` compare with the baseline: with no number, any change in
    ///   the right direction counts; with a percent ("ลดลงร้อยละ 10"), the change must be at
    ///   least that share of the baseline; with another unit, at least that amount.
    pub fn achieved(&self, actual: Option<f64>, baseline: Option<f64>) -> Option<bool> {
        let actual = actual.filter(|v| v.is_finite())?;
        match self.op {
            KpiOp::AtLeast => Some(actual + EPS >= self.value?),
            KpiOp::AtMost => Some(actual <= self.value? + EPS),
            KpiOp::Exactly => Some((actual - self.value?).abs() <= EPS),
            KpiOp::Decrease | KpiOp::Increase => {
                let base = baseline.filter(|v| v.is_finite())?;
                // How far it moved in the wanted direction.
                let moved = if self.op == KpiOp::Decrease {
                    base - actual
                } else {
                    actual - base
                };
                match self.value {
                    None => Some(moved > EPS),
                    Some(v) if self.unit.as_deref() == Some("percent") => {
                        if base.abs() <= EPS {
                            // A share of nothing: only "no change needed" (v = 0) passes.
                            Some(v <= EPS && moved >= -EPS)
                        } else {
                            Some(moved / base.abs() * 100.0 + EPS >= v)
                        }
                    }
                    Some(v) => Some(moved + EPS >= v),
                }
            }
        }
    }
}

/// Money typed by a person, in satang (1/100 baht): Thai or Arabic digits, `,`
/// separators, a trailing "บาท", at most two decimals. Empty means "not entered".
pub fn parse_baht(input: &str) -> Result<Option<i64>, crate::thai::NumberError> {
    let t = input.trim();
    if t.is_empty() || t == "-" {
        return Ok(None);
    }
    let v = crate::thai::parse_decimal(t)?;
    if !(0.0..=1e13).contains(&v) {
        return Err(crate::thai::NumberError::OutOfRange(input.to_string()));
    }
    let cleaned = crate::thai::normalize_digits(t);
    if let Some((_, frac)) = cleaned.trim_end_matches("บาท").trim().split_once('.')
        && frac.trim().len() > 2
    {
        return Err(crate::thai::NumberError::NotANumber(input.to_string()));
    }
    Ok(Some((v * 100.0).round() as i64))
}

/// Satang as baht for display (the one shared formatter).
pub use crate::procurement::format_baht;

#[cfg(test)]
mod tests {
    use super::*;

    fn t(op: KpiOp, value: Option<f64>, unit: Option<&str>) -> KpiTarget {
        KpiTarget {
            op,
            value,
            unit: unit.map(str::to_string),
        }
    }

    #[test]
    fn at_least_at_most_exactly() {
        let ge = t(KpiOp::AtLeast, Some(80.0), Some("percent"));
        assert_eq!(ge.achieved(Some(80.0), None), Some(true));
        assert_eq!(ge.achieved(Some(79.99), None), Some(false));
        assert_eq!(ge.achieved(None, None), None);
        let le = t(KpiOp::AtMost, Some(15.0), Some("days"));
        assert_eq!(le.achieved(Some(15.0), None), Some(true));
        assert_eq!(le.achieved(Some(16.0), None), Some(false));
        let eq = t(KpiOp::Exactly, Some(0.0), Some("complaints"));
        assert_eq!(eq.achieved(Some(0.0), None), Some(true));
        assert_eq!(eq.achieved(Some(1.0), None), Some(false));
        assert_eq!(
            t(KpiOp::AtLeast, None, None).achieved(Some(5.0), None),
            None
        );
    }

    #[test]
    fn decrease_and_increase_need_a_baseline() {
        let down = t(KpiOp::Decrease, None, None);
        assert_eq!(down.achieved(Some(3.0), None), None);
        assert_eq!(down.achieved(Some(3.0), Some(5.0)), Some(true));
        assert_eq!(down.achieved(Some(5.0), Some(5.0)), Some(false));
        let down10 = t(KpiOp::Decrease, Some(10.0), Some("percent"));
        assert_eq!(down10.achieved(Some(90.0), Some(100.0)), Some(true));
        assert_eq!(down10.achieved(Some(91.0), Some(100.0)), Some(false));
        let up = t(KpiOp::Increase, Some(2.0), Some("channels"));
        assert_eq!(up.achieved(Some(7.0), Some(5.0)), Some(true));
        assert_eq!(up.achieved(Some(6.0), Some(5.0)), Some(false));
        assert_eq!(down10.achieved(Some(0.0), Some(0.0)), Some(false));
    }

    #[test]
    fn approval_flow() {
        use ApprovalAction as A;
        use ApprovalState as S;
        assert_eq!(S::Draft.after(A::Submit), Ok(S::SubmittedForApproval));
        assert_eq!(
            S::SubmittedForApproval.after(A::Edit),
            Err(ProgressError::Locked)
        );
        assert_eq!(S::SubmittedForApproval.after(A::Return), Ok(S::Returned));
        assert_eq!(S::Returned.after(A::Edit), Ok(S::Draft));
        assert_eq!(S::SubmittedForApproval.after(A::Approve), Ok(S::Approved));
        assert_eq!(S::Approved.after(A::Edit), Ok(S::Draft));
        assert!(S::Draft.after(A::Approve).is_err());
        assert!(S::Approved.after(A::Submit).is_err());
    }

    #[test]
    fn reasons_only_when_not_done() {
        use NotDoneReason as R;
        use ProgressStatus as P;
        assert!(check_status(P::Done, None, "").is_ok());
        assert_eq!(
            check_status(P::CouldNotBeDone, None, ""),
            Err(ProgressError::ReasonMissing)
        );
        assert_eq!(
            check_status(P::CouldNotBeDone, Some(R::Other), " "),
            Err(ProgressError::ReasonTextMissing)
        );
        assert!(check_status(P::CouldNotBeDone, Some(R::NoBudget), "").is_ok());
        assert_eq!(
            check_status(P::Done, Some(R::NoBudget), ""),
            Err(ProgressError::ReasonNotAllowed)
        );
        assert_eq!("could_not_be_done".parse::<P>(), Ok(P::CouldNotBeDone));
        assert!("finished".parse::<P>().is_err());
    }

    #[test]
    fn money_in_thai_digits() {
        assert_eq!(parse_baht("๑๒,๓๔๕.๕๐ บาท"), Ok(Some(1_234_550)));
        assert_eq!(parse_baht("20000"), Ok(Some(2_000_000)));
        assert_eq!(parse_baht(""), Ok(None));
        assert_eq!(parse_baht("-"), Ok(None));
        assert!(parse_baht("12.345").is_err());
        assert!(parse_baht("-5").is_err());
        assert!(parse_baht("abc").is_err());
        assert_eq!(format_baht(1_234_550), "12,345.50");
        assert_eq!(format_baht(100_000_000), "1,000,000");
        assert_eq!(format_baht(0), "0");
    }
}
