//! General complaints and grievances (เรื่องร้องทุกข์/ร้องเรียน), project 29 of the plan.
//!
//! What is here is the part with no IO: the states a complaint goes through and every
//! move allowed between them ([`transition`]), the channels it comes in by ([`Channel`]),
//! the service areas it is filed under ([`Category`]), the 15-day answer deadline
//! ([`deadline`], [`needs_overdue_notice`]) and the statistics the plan asks to publish
//! ([`ComplaintStats`]).
//!
//! ```text
//! received ─► acknowledged ─► in_progress ─► resolved ─► closed        (confirmed, or 7 days passed)
//!    │             │              │             └──────► reopened ─► (back to work)
//!    └─────────────┴──────────────┴─► rejected (reason) | forwarded (to whom) | merged (duplicate)
//! ```

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use time::{Date, Duration, Month, OffsetDateTime, Time};

use crate::fiscal::FiscalYear;
use crate::thai::{BANGKOK, BE_OFFSET, MONTHS_TH_SHORT, to_bangkok};

/// Days the complainant has to confirm or reopen a resolution (ยืนยันหรือขอเปิดเรื่องใหม่).
pub const CONFIRMATION_WINDOW_DAYS: i64 = 7;

/// Days to answer a complaint unless the organization sets another number.
pub const DEFAULT_DEADLINE_DAYS: u32 = 15;

/// Where a complaint is in its handling (สถานะเรื่องร้องเรียน).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ComplaintStatus {
    /// รับเรื่องแล้ว: filed, nobody has looked at it yet.
    Received,
    /// ตอบรับเรื่องแล้ว: the responsible division has taken it.
    Acknowledged,
    /// กำลังดำเนินการ.
    InProgress,
    /// ดำเนินการแล้วเสร็จ: fixed or explained; the complainant may confirm or reopen it
    /// for [`CONFIRMATION_WINDOW_DAYS`].
    Resolved,
    /// ไม่รับเรื่อง: refused, with a reason given to the complainant.
    Rejected,
    /// ส่งต่อหน่วยงานอื่น: sent to another agency that is responsible.
    Forwarded,
    /// เปิดเรื่องใหม่: the complainant was not satisfied with the resolution.
    Reopened,
    /// ปิดเรื่อง: resolution confirmed, or the confirmation window passed.
    Closed,
    /// รวมกับเรื่องซ้ำ: closed as a duplicate of another complaint.
    Merged,
}

impl ComplaintStatus {
    pub const ALL: [ComplaintStatus; 9] = [
        ComplaintStatus::Received,
        ComplaintStatus::Acknowledged,
        ComplaintStatus::InProgress,
        ComplaintStatus::Resolved,
        ComplaintStatus::Rejected,
        ComplaintStatus::Forwarded,
        ComplaintStatus::Reopened,
        ComplaintStatus::Closed,
        ComplaintStatus::Merged,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ComplaintStatus::Received => "received",
            ComplaintStatus::Acknowledged => "acknowledged",
            ComplaintStatus::InProgress => "in_progress",
            ComplaintStatus::Resolved => "resolved",
            ComplaintStatus::Rejected => "rejected",
            ComplaintStatus::Forwarded => "forwarded",
            ComplaintStatus::Reopened => "reopened",
            ComplaintStatus::Closed => "closed",
            ComplaintStatus::Merged => "merged",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn label_th(self) -> &'static str {
        match self {
            ComplaintStatus::Received => "รับเรื่องแล้ว",
            ComplaintStatus::Acknowledged => "ตอบรับเรื่องแล้ว",
            ComplaintStatus::InProgress => "กำลังดำเนินการ",
            ComplaintStatus::Resolved => "ดำเนินการแล้วเสร็จ",
            ComplaintStatus::Rejected => "ไม่รับเรื่อง",
            ComplaintStatus::Forwarded => "ส่งต่อหน่วยงานอื่น",
            ComplaintStatus::Reopened => "เปิดเรื่องใหม่",
            ComplaintStatus::Closed => "ปิดเรื่อง",
            ComplaintStatus::Merged => "รวมกับเรื่องที่ซ้ำกัน",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            ComplaintStatus::Received => "Received",
            ComplaintStatus::Acknowledged => "Acknowledged",
            ComplaintStatus::InProgress => "In progress",
            ComplaintStatus::Resolved => "Resolved",
            ComplaintStatus::Rejected => "Rejected",
            ComplaintStatus::Forwarded => "Forwarded",
            ComplaintStatus::Reopened => "Reopened",
            ComplaintStatus::Closed => "Closed",
            ComplaintStatus::Merged => "Merged into a duplicate",
        }
    }

    /// Still waiting for an answer: the deadline clock runs.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            ComplaintStatus::Received
                | ComplaintStatus::Acknowledged
                | ComplaintStatus::InProgress
                | ComplaintStatus::Reopened
        )
    }

    /// No move leaves this state.
    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            ComplaintStatus::Rejected
                | ComplaintStatus::Forwarded
                | ComplaintStatus::Closed
                | ComplaintStatus::Merged
        )
    }
}

impl fmt::Display for ComplaintStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// Who asks for a move.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Actor {
    /// An officer of the organization (permissions are checked by the caller).
    Staff,
    /// The person who filed the complaint, identified by the tracking code.
    Complainant,
    /// Prongsai itself (scheduled jobs).
    System,
}

impl Actor {
    fn label_th(self) -> &'static str {
        match self {
            Actor::Staff => "เจ้าหน้าที่",
            Actor::Complainant => "ผู้ร้องเรียน",
            Actor::System => "ระบบ",
        }
    }
}

/// A requested move (การดำเนินการกับเรื่องร้องเรียน). The texts are what the complainant
/// or the record will show; the caller stores them with the event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum ComplaintAction {
    /// Staff: the division takes the case.
    Acknowledge,
    /// Staff: work has started.
    StartWork,
    /// Staff: fixed or explained; `reply` is the public answer.
    Resolve { reply: String },
    /// Staff: refuse the complaint; the reason is told to the complainant.
    Reject { reason: String },
    /// Staff: send to another agency (`to` names it).
    Forward { to: String },
    /// Staff: move to another division; the status does not change.
    Reassign { division: String },
    /// Staff: this complaint duplicates `into` (a tracking-code key); it is closed.
    MergeInto { into: String },
    /// Complainant: satisfied with the resolution.
    Confirm,
    /// Complainant: not satisfied; the case goes back to work.
    Reopen { reason: String },
    /// System: the confirmation window passed without an answer.
    CloseUnconfirmed,
}

impl ComplaintAction {
    pub fn code(&self) -> &'static str {
        match self {
            ComplaintAction::Acknowledge => "acknowledge",
            ComplaintAction::StartWork => "start_work",
            ComplaintAction::Resolve { .. } => "resolve",
            ComplaintAction::Reject { .. } => "reject",
            ComplaintAction::Forward { .. } => "forward",
            ComplaintAction::Reassign { .. } => "reassign",
            ComplaintAction::MergeInto { .. } => "merge_into",
            ComplaintAction::Confirm => "confirm",
            ComplaintAction::Reopen { .. } => "reopen",
            ComplaintAction::CloseUnconfirmed => "close_unconfirmed",
        }
    }

    fn allowed_actor(&self) -> Actor {
        match self {
            ComplaintAction::Confirm | ComplaintAction::Reopen { .. } => Actor::Complainant,
            ComplaintAction::CloseUnconfirmed => Actor::System,
            _ => Actor::Staff,
        }
    }
}

/// What a move needs to know besides the state: who asks, when, and when the case was
/// last resolved (for the confirmation window).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TransitionContext {
    pub actor: Actor,
    pub now: OffsetDateTime,
    pub resolved_at: Option<OffsetDateTime>,
}

/// Why a move was refused. `Display` is English; [`TransitionError::message_th`] is Thai.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    #[error("a complaint that is {} cannot be {}", .from.label_en().to_lowercase(), action_en(.action))]
    NotAllowed {
        from: ComplaintStatus,
        action: &'static str,
    },
    #[error("this step ({action}) can only be taken by {}", actor_en(*.allowed))]
    WrongActor {
        action: &'static str,
        allowed: Actor,
    },
    #[error("{0} must not be empty")]
    MissingText(&'static str),
    #[error("the {CONFIRMATION_WINDOW_DAYS} days to confirm or reopen the resolution have passed")]
    ConfirmationWindowClosed,
    #[error("the complainant still has time to confirm or reopen the resolution")]
    ConfirmationWindowOpen,
    #[error("the resolution date is missing")]
    MissingResolvedAt,
}

fn action_en(code: &str) -> String {
    match code {
        "start_work" => "started".into(),
        "merge_into" => "merged into another complaint".into(),
        "close_unconfirmed" => "closed without confirmation".into(),
        "acknowledge" => "acknowledged".into(),
        "resolve" => "resolved".into(),
        "reject" => "rejected".into(),
        "forward" => "forwarded".into(),
        "reassign" => "reassigned".into(),
        "confirm" => "confirmed".into(),
        "reopen" => "reopened".into(),
        other => other.replace('_', " "),
    }
}

fn action_th(code: &str) -> &'static str {
    match code {
        "acknowledge" => "ตอบรับเรื่อง",
        "start_work" => "เริ่มดำเนินการ",
        "resolve" => "แจ้งผลการดำเนินการ",
        "reject" => "ไม่รับเรื่อง",
        "forward" => "ส่งต่อหน่วยงานอื่น",
        "reassign" => "โอนเรื่องไปยังกองอื่น",
        "merge_into" => "รวมกับเรื่องที่ซ้ำกัน",
        "confirm" => "ยืนยันผลการดำเนินการ",
        "reopen" => "ขอเปิดเรื่องใหม่",
        "close_unconfirmed" => "ปิดเรื่องโดยไม่มีการยืนยัน",
        _ => "ดำเนินการ",
    }
}

fn actor_en(a: Actor) -> &'static str {
    match a {
        Actor::Staff => "staff",
        Actor::Complainant => "the complainant",
        Actor::System => "the system",
    }
}

impl TransitionError {
    pub fn message_th(&self) -> String {
        match self {
            TransitionError::NotAllowed { from, action } => format!(
                "เรื่องที่อยู่ในสถานะ \"{}\" ไม่สามารถ{}ได้",
                from.label_th(),
                action_th(action)
            ),
            TransitionError::WrongActor { action, allowed } => {
                format!("เฉพาะ{}เท่านั้นที่{}ได้", allowed.label_th(), action_th(action))
            }
            TransitionError::MissingText(what) => format!("ต้องระบุ{}", field_th(what)),
            TransitionError::ConfirmationWindowClosed => {
                format!("พ้นกำหนด {CONFIRMATION_WINDOW_DAYS} วันสำหรับยืนยันหรือขอเปิดเรื่องใหม่แล้ว")
            }
            TransitionError::ConfirmationWindowOpen => {
                "ผู้ร้องเรียนยังอยู่ในระยะเวลายืนยันหรือขอเปิดเรื่องใหม่".into()
            }
            TransitionError::MissingResolvedAt => "ไม่พบวันที่ดำเนินการแล้วเสร็จ".into(),
        }
    }
}

fn field_th(what: &str) -> &'static str {
    match what {
        "reply" => "คำตอบถึงผู้ร้องเรียน",
        "reason" => "เหตุผล",
        "forwarded to" => "หน่วยงานที่ส่งต่อ",
        "division" => "กองที่รับผิดชอบ",
        "duplicate of" => "เรื่องที่ซ้ำกัน",
        _ => "ข้อความ",
    }
}

fn require(text: &str, what: &'static str) -> Result<(), TransitionError> {
    if text.trim().is_empty() {
        Err(TransitionError::MissingText(what))
    } else {
        Ok(())
    }
}

/// Whether the confirmation window of a resolution made at `resolved_at` is still open.
pub fn confirmation_window_open(resolved_at: OffsetDateTime, now: OffsetDateTime) -> bool {
    now < resolved_at + Duration::days(CONFIRMATION_WINDOW_DAYS)
}

/// The state after `action`, or why the move is refused. Every allowed move is here:
///
/// - staff, on an open case (received, acknowledged, in progress, reopened): acknowledge
///   (from received), start work (from received, acknowledged, reopened), resolve (reply
///   required), reject (reason required), forward (destination required), reassign
///   (division required; the status stays), merge into a duplicate (closes this one);
/// - the complainant, on a resolved case, within [`CONFIRMATION_WINDOW_DAYS`] of
///   `ctx.resolved_at`: confirm (→ closed) or reopen (reason required → reopened);
/// - the system, on a resolved case whose window has passed: close.
///
/// Rejected, forwarded, closed and merged cases never move again.
pub fn transition(
    current: ComplaintStatus,
    action: &ComplaintAction,
    ctx: &TransitionContext,
) -> Result<ComplaintStatus, TransitionError> {
    use ComplaintAction as A;
    use ComplaintStatus as S;

    let not_allowed = || TransitionError::NotAllowed {
        from: current,
        action: action.code(),
    };
    if current.is_terminal() {
        return Err(not_allowed());
    }
    let allowed = action.allowed_actor();
    if ctx.actor != allowed {
        return Err(TransitionError::WrongActor {
            action: action.code(),
            allowed,
        });
    }
    match action {
        A::Acknowledge => match current {
            S::Received => Ok(S::Acknowledged),
            _ => Err(not_allowed()),
        },
        A::StartWork => match current {
            S::Received | S::Acknowledged | S::Reopened => Ok(S::InProgress),
            _ => Err(not_allowed()),
        },
        A::Resolve { reply } if current.is_open() => require(reply, "reply").map(|_| S::Resolved),
        A::Reject { reason } if current.is_open() => require(reason, "reason").map(|_| S::Rejected),
        A::Forward { to } if current.is_open() => require(to, "forwarded to").map(|_| S::Forwarded),
        A::Reassign { division } if current.is_open() => {
            require(division, "division").map(|_| current)
        }
        A::MergeInto { into } if current.is_open() => {
            require(into, "duplicate of").map(|_| S::Merged)
        }
        A::Confirm | A::Reopen { .. } if current == S::Resolved => {
            let resolved_at = ctx.resolved_at.ok_or(TransitionError::MissingResolvedAt)?;
            if !confirmation_window_open(resolved_at, ctx.now) {
                return Err(TransitionError::ConfirmationWindowClosed);
            }
            match action {
                A::Reopen { reason } => require(reason, "reason").map(|_| S::Reopened),
                _ => Ok(S::Closed),
            }
        }
        A::CloseUnconfirmed if current == S::Resolved => {
            let resolved_at = ctx.resolved_at.ok_or(TransitionError::MissingResolvedAt)?;
            if confirmation_window_open(resolved_at, ctx.now) {
                Err(TransitionError::ConfirmationWindowOpen)
            } else {
                Ok(S::Closed)
            }
        }
        _ => Err(not_allowed()),
    }
}

/// How a complaint came in (ช่องทางการร้องเรียน). Staff who file on a citizen's behalf
/// record the channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Web,
    Phone,
    WalkIn,
    Letter,
    ComplaintBox,
    SocialMedia,
    Line,
    Open311,
    Api,
}

impl Channel {
    pub const ALL: [Channel; 9] = [
        Channel::Web,
        Channel::Phone,
        Channel::WalkIn,
        Channel::Letter,
        Channel::ComplaintBox,
        Channel::SocialMedia,
        Channel::Line,
        Channel::Open311,
        Channel::Api,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Channel::Web => "web",
            Channel::Phone => "phone",
            Channel::WalkIn => "walk_in",
            Channel::Letter => "letter",
            Channel::ComplaintBox => "complaint_box",
            Channel::SocialMedia => "social_media",
            Channel::Line => "line",
            Channel::Open311 => "open311",
            Channel::Api => "api",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.code() == code)
    }

    pub fn label_th(self) -> &'static str {
        match self {
            Channel::Web => "เว็บไซต์",
            Channel::Phone => "โทรศัพท์",
            Channel::WalkIn => "ติดต่อด้วยตนเอง",
            Channel::Letter => "หนังสือ/จดหมาย",
            Channel::ComplaintBox => "ตู้รับเรื่องร้องเรียน",
            Channel::SocialMedia => "สื่อสังคมออนไลน์",
            Channel::Line => "ไลน์ (LINE)",
            Channel::Open311 => "Open311",
            Channel::Api => "ระบบอื่นผ่าน API",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Channel::Web => "Website",
            Channel::Phone => "Phone",
            Channel::WalkIn => "Walk-in",
            Channel::Letter => "Letter",
            Channel::ComplaintBox => "Complaint box",
            Channel::SocialMedia => "Social media",
            Channel::Line => "LINE",
            Channel::Open311 => "Open311",
            Channel::Api => "API",
        }
    }

    /// Channels where an officer types the complaint in for the citizen.
    pub fn is_staff_entered(self) -> bool {
        matches!(
            self,
            Channel::Phone
                | Channel::WalkIn
                | Channel::Letter
                | Channel::ComplaintBox
                | Channel::SocialMedia
                | Channel::Line
        )
    }
}

/// A service area a complaint is filed under (ประเภทเรื่องร้องเรียน). Organizations edit
/// their own list later; [`default_categories`] is what a new organization starts with.
/// The code is stable (used in URLs, Open311 `service_code`, statistics); labels may change.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Category {
    pub code: String,
    pub label_th: String,
    pub label_en: String,
}

impl Category {
    pub fn new(code: &str, label_th: &str, label_en: &str) -> Self {
        Self {
            code: code.to_string(),
            label_th: label_th.to_string(),
            label_en: label_en.to_string(),
        }
    }

    /// A category code is 1–32 characters of a–z, 0–9 and `_`.
    pub fn is_valid_code(code: &str) -> bool {
        (1..=32).contains(&code.len())
            && code
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    }
}

/// The service areas of a Thai municipality, with the fallback `other`.
pub fn default_categories() -> Vec<Category> {
    [
        (
            "roads",
            "ถนน ทางเท้า และระบบระบายน้ำ",
            "Roads, footpaths and drainage",
        ),
        ("waste", "ขยะและความสะอาด", "Waste and cleanliness"),
        ("water", "น้ำประปา", "Water supply"),
        (
            "electricity",
            "ไฟฟ้าและไฟส่องสว่างสาธารณะ",
            "Electricity and street lights",
        ),
        (
            "health",
            "สาธารณสุขและเหตุเดือดร้อนรำคาญ",
            "Public health and nuisance",
        ),
        ("building", "อาคารและผังเมือง", "Building and town planning"),
        ("welfare", "สวัสดิการสังคม", "Social welfare"),
        ("education", "การศึกษา", "Education"),
        ("tax", "ภาษีและค่าธรรมเนียม", "Taxes and fees"),
        ("conduct", "พฤติกรรมการให้บริการของเจ้าหน้าที่", "Officer conduct"),
        ("other", "อื่น ๆ", "Other"),
    ]
    .into_iter()
    .map(|(c, th, en)| Category::new(c, th, en))
    .collect()
}

/// The category with `code` in `list`.
pub fn find_category<'a>(list: &'a [Category], code: &str) -> Option<&'a Category> {
    list.iter().find(|c| c.code == code)
}

/// The answer deadline (กำหนดเวลาตอบ) of a complaint received at `received_at`, given
/// `days` to answer.
///
/// Rule: calendar days, counted in Bangkok. As in Thai law on periods of time, the day of
/// receipt is not counted: day 1 is the next day, and the deadline is the very end
/// (23:59:59.999…) of day `days`, Bangkok time. A complaint received on 1 March, at any
/// hour, with 15 days is due by the end of 16 March. Weekends and holidays count.
pub fn deadline(received_at: OffsetDateTime, days: u32) -> OffsetDateTime {
    let local_day = to_bangkok(received_at).date();
    let due_day = local_day
        .checked_add(Duration::days(i64::from(days)))
        .unwrap_or(Date::MAX);
    let end = Time::from_hms_nano(23, 59, 59, 999_999_999).unwrap_or(Time::MIDNIGHT);
    due_day
        .with_time(end)
        .assume_offset(BANGKOK)
        .to_offset(time::UtcOffset::UTC)
}

/// Whole Bangkok calendar days from `now` to the deadline: 0 means due today, 1 due
/// tomorrow, −2 two days late. What the staff queue shows.
pub fn days_left(deadline: OffsetDateTime, now: OffsetDateTime) -> i64 {
    (to_bangkok(deadline).date() - to_bangkok(now).date()).whole_days()
}

/// Whether the deadline has passed at `now`.
pub fn is_overdue(deadline: OffsetDateTime, now: OffsetDateTime) -> bool {
    now > deadline
}

/// "An overdue case cannot stay silent": true when a complaint is still open past its
/// deadline and nobody has written a public reply since the deadline passed, so the
/// complainant must now be told why it takes longer and what happens next. A reply
/// written before the deadline does not count: it cannot explain the delay.
pub fn needs_overdue_notice(
    status: ComplaintStatus,
    deadline: OffsetDateTime,
    last_public_reply_at: Option<OffsetDateTime>,
    now: OffsetDateTime,
) -> bool {
    status.is_open()
        && is_overdue(deadline, now)
        && last_public_reply_at.is_none_or(|r| r <= deadline)
}

/// The facts about one complaint that statistics need — nothing that identifies anyone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComplaintFacts {
    pub received_at: OffsetDateTime,
    /// When the case got its answer: resolved, rejected or forwarded. `None` while open.
    pub resolved_at: Option<OffsetDateTime>,
    pub status: ComplaintStatus,
    pub category: String,
    pub division: String,
    pub channel: Channel,
    pub deadline: OffsetDateTime,
}

/// A calendar month in Bangkok, which knows its Thai fiscal year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct MonthKey {
    /// Common-Era year (sorts correctly; shown as B.E.).
    pub year: i32,
    pub month: u8,
}

impl MonthKey {
    /// The Bangkok month an instant falls in.
    pub fn of(t: OffsetDateTime) -> Self {
        let d = to_bangkok(t).date();
        Self {
            year: d.year(),
            month: u8::from(d.month()),
        }
    }

    pub fn fiscal_year(self) -> FiscalYear {
        let month = Month::try_from(self.month).unwrap_or(Month::January);
        let d = Date::from_calendar_date(self.year, month, 1).unwrap_or(Date::MIN);
        FiscalYear::containing(d)
    }

    /// "ต.ค. 2568".
    pub fn label_th(self) -> String {
        let i = usize::from(self.month.clamp(1, 12)) - 1;
        format!("{} {}", MONTHS_TH_SHORT[i], self.year + BE_OFFSET)
    }

    /// "2025-10".
    pub fn code(self) -> String {
        format!("{:04}-{:02}", self.year, self.month)
    }
}

/// The counts of one group of complaints. Every complaint is in exactly one of
/// `resolved`, `in_progress`, `rejected`, `forwarded`, `merged`, so those add up to
/// `received`; `overdue` is the part of `in_progress` past its deadline.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StatsRow {
    /// รับเรื่อง.
    pub received: u64,
    /// ดำเนินการแล้วเสร็จ: resolved or closed.
    pub resolved: u64,
    /// อยู่ระหว่างดำเนินการ: received, acknowledged, in progress or reopened.
    pub in_progress: u64,
    /// เกินกำหนด: in progress and past the deadline.
    pub overdue: u64,
    pub rejected: u64,
    pub forwarded: u64,
    pub merged: u64,
    /// Median days from receipt to answer over resolved cases (fractional days).
    pub median_days_to_resolve: Option<f64>,
    /// Share (0–1) of cases answered by their deadline, among cases whose deadline
    /// outcome is known: answered (resolved, closed, rejected, forwarded) cases, and open
    /// cases already past the deadline (which count as late). Merged duplicates and open
    /// cases still within their deadline are left out.
    pub answered_within_deadline: Option<f64>,
}

#[derive(Default)]
struct Acc {
    row: StatsRow,
    resolve_days: Vec<f64>,
    on_time: u64,
    judged: u64,
}

impl Acc {
    fn add(&mut self, f: &ComplaintFacts, now: OffsetDateTime) {
        use ComplaintStatus as S;
        let r = &mut self.row;
        r.received += 1;
        match f.status {
            S::Resolved | S::Closed => r.resolved += 1,
            S::Rejected => r.rejected += 1,
            S::Forwarded => r.forwarded += 1,
            S::Merged => r.merged += 1,
            S::Received | S::Acknowledged | S::InProgress | S::Reopened => {
                r.in_progress += 1;
                if is_overdue(f.deadline, now) {
                    r.overdue += 1;
                }
            }
        }
        match (f.status, f.resolved_at) {
            (S::Merged, _) => {}
            (s, Some(at)) if !s.is_open() => {
                if matches!(s, S::Resolved | S::Closed) {
                    self.resolve_days
                        .push((at - f.received_at).as_seconds_f64() / 86_400.0);
                }
                self.judged += 1;
                if at <= f.deadline {
                    self.on_time += 1;
                }
            }
            (s, _) if s.is_open() && is_overdue(f.deadline, now) => self.judged += 1,
            _ => {}
        }
    }

    fn finish(mut self) -> StatsRow {
        self.row.median_days_to_resolve = median(&mut self.resolve_days);
        self.row.answered_within_deadline =
            (self.judged > 0).then(|| self.on_time as f64 / self.judged as f64);
        self.row
    }
}

fn median(v: &mut [f64]) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let n = v.len();
    Some(if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    })
}

/// Complaint statistics (สถิติเรื่องร้องเรียน) for the public page and CSV: the total and
/// the same counts by month of receipt, fiscal year, category, division and channel.
/// Each complaint counts in the month and fiscal year it was received (Bangkok time).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ComplaintStats {
    pub total: StatsRow,
    pub by_month: Vec<(MonthKey, StatsRow)>,
    pub by_fiscal_year: Vec<(FiscalYear, StatsRow)>,
    pub by_category: Vec<(String, StatsRow)>,
    pub by_division: Vec<(String, StatsRow)>,
    pub by_channel: Vec<(Channel, StatsRow)>,
}

impl ComplaintStats {
    /// Counts `facts` as they stand at `now` (overdue is judged at `now`).
    pub fn compute(facts: &[ComplaintFacts], now: OffsetDateTime) -> Self {
        let mut total = Acc::default();
        let mut month: BTreeMap<MonthKey, Acc> = BTreeMap::new();
        let mut fy: BTreeMap<FiscalYear, Acc> = BTreeMap::new();
        let mut cat: BTreeMap<String, Acc> = BTreeMap::new();
        let mut div: BTreeMap<String, Acc> = BTreeMap::new();
        let mut chan: BTreeMap<Channel, Acc> = BTreeMap::new();
        for f in facts {
            let m = MonthKey::of(f.received_at);
            total.add(f, now);
            month.entry(m).or_default().add(f, now);
            fy.entry(m.fiscal_year()).or_default().add(f, now);
            cat.entry(f.category.clone()).or_default().add(f, now);
            div.entry(f.division.clone()).or_default().add(f, now);
            chan.entry(f.channel).or_default().add(f, now);
        }
        fn done<K>(m: BTreeMap<K, Acc>) -> Vec<(K, StatsRow)> {
            m.into_iter().map(|(k, a)| (k, a.finish())).collect()
        }
        Self {
            total: total.finish(),
            by_month: done(month),
            by_fiscal_year: done(fy),
            by_category: done(cat),
            by_division: done(div),
            by_channel: done(chan),
        }
    }
}

/// Only the facts of complaints received in fiscal year `fy` (Bangkok time).
pub fn in_fiscal_year(facts: &[ComplaintFacts], fy: FiscalYear) -> Vec<ComplaintFacts> {
    facts
        .iter()
        .filter(|f| fy.contains(to_bangkok(f.received_at).date()))
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use proptest::prelude::*;
    use time::macros::datetime;

    fn staff(now: OffsetDateTime) -> TransitionContext {
        TransitionContext {
            actor: Actor::Staff,
            now,
            resolved_at: None,
        }
    }

    const NOW: OffsetDateTime = datetime!(2026-03-10 03:00 UTC);

    #[test]
    fn the_usual_path() {
        use ComplaintAction as A;
        use ComplaintStatus as S;
        let c = staff(NOW);
        let s = transition(S::Received, &A::Acknowledge, &c).unwrap();
        assert_eq!(s, S::Acknowledged);
        let s = transition(s, &A::StartWork, &c).unwrap();
        assert_eq!(s, S::InProgress);
        let s = transition(
            s,
            &A::Reassign {
                division: "กองช่าง".into(),
            },
            &c,
        )
        .unwrap();
        assert_eq!(s, S::InProgress, "reassign keeps the status");
        let s = transition(
            s,
            &A::Resolve {
                reply: "ซ่อมแล้ว".into(),
            },
            &c,
        )
        .unwrap();
        assert_eq!(s, S::Resolved);
        let citizen = TransitionContext {
            actor: Actor::Complainant,
            now: NOW + Duration::days(2),
            resolved_at: Some(NOW),
        };
        assert_eq!(transition(s, &A::Confirm, &citizen).unwrap(), S::Closed);
        let reopened = transition(
            s,
            &A::Reopen {
                reason: "ยังไม่ซ่อม".into(),
            },
            &citizen,
        )
        .unwrap();
        assert_eq!(reopened, S::Reopened);
        assert_eq!(
            transition(reopened, &A::StartWork, &c).unwrap(),
            S::InProgress
        );
    }

    #[test]
    fn texts_are_required() {
        use ComplaintAction as A;
        use ComplaintStatus as S;
        let c = staff(NOW);
        for a in [
            A::Reject {
                reason: "  ".into(),
            },
            A::Forward { to: "".into() },
            A::Resolve { reply: "".into() },
            A::Reassign {
                division: "".into(),
            },
            A::MergeInto { into: " ".into() },
        ] {
            let e = transition(S::InProgress, &a, &c).unwrap_err();
            assert!(matches!(e, TransitionError::MissingText(_)), "{a:?}");
            assert!(e.message_th().starts_with("ต้องระบุ"));
        }
        assert_eq!(
            transition(
                S::InProgress,
                &A::Reject {
                    reason: "ไม่ใช่อำนาจหน้าที่".into()
                },
                &c
            ),
            Ok(S::Rejected)
        );
        assert_eq!(
            transition(
                S::Received,
                &A::Forward {
                    to: "การไฟฟ้าส่วนภูมิภาค".into()
                },
                &c
            ),
            Ok(S::Forwarded)
        );
        assert_eq!(
            transition(
                S::Acknowledged,
                &A::MergeInto {
                    into: "2569-7K4M-Q2PX".into()
                },
                &c
            ),
            Ok(S::Merged)
        );
    }

    #[test]
    fn confirmation_window_is_seven_days() {
        use ComplaintAction as A;
        use ComplaintStatus as S;
        let resolved_at = NOW;
        let at = |d: Duration, actor| TransitionContext {
            actor,
            now: resolved_at + d,
            resolved_at: Some(resolved_at),
        };
        let late = at(Duration::days(7), Actor::Complainant);
        assert_eq!(
            transition(S::Resolved, &A::Confirm, &late),
            Err(TransitionError::ConfirmationWindowClosed)
        );
        let just_in = at(Duration::days(7) - Duration::seconds(1), Actor::Complainant);
        assert_eq!(
            transition(S::Resolved, &A::Confirm, &just_in),
            Ok(S::Closed)
        );
        // The system closes only after the window.
        assert_eq!(
            transition(
                S::Resolved,
                &A::CloseUnconfirmed,
                &at(Duration::days(3), Actor::System)
            ),
            Err(TransitionError::ConfirmationWindowOpen)
        );
        assert_eq!(
            transition(
                S::Resolved,
                &A::CloseUnconfirmed,
                &at(Duration::days(8), Actor::System)
            ),
            Ok(S::Closed)
        );
        let no_date = TransitionContext {
            actor: Actor::Complainant,
            now: NOW,
            resolved_at: None,
        };
        assert_eq!(
            transition(S::Resolved, &A::Confirm, &no_date),
            Err(TransitionError::MissingResolvedAt)
        );
    }

    #[test]
    fn actors_are_checked_and_messages_are_bilingual() {
        use ComplaintAction as A;
        use ComplaintStatus as S;
        let e = transition(S::Received, &A::Confirm, &staff(NOW)).unwrap_err();
        assert_eq!(
            e.to_string(),
            "this step (confirm) can only be taken by the complainant"
        );
        assert!(e.message_th().contains("ผู้ร้องเรียน"));
        let citizen = TransitionContext {
            actor: Actor::Complainant,
            now: NOW,
            resolved_at: None,
        };
        assert!(matches!(
            transition(S::Received, &A::Acknowledge, &citizen),
            Err(TransitionError::WrongActor { .. })
        ));
        let e = transition(S::Closed, &A::StartWork, &staff(NOW)).unwrap_err();
        assert_eq!(
            e.to_string(),
            "a complaint that is closed cannot be started"
        );
        assert_eq!(
            e.message_th(),
            "เรื่องที่อยู่ในสถานะ \"ปิดเรื่อง\" ไม่สามารถเริ่มดำเนินการได้"
        );
    }

    #[test]
    fn codes_round_trip() {
        for s in ComplaintStatus::ALL {
            assert_eq!(ComplaintStatus::from_code(s.code()), Some(s));
            assert_eq!(
                serde_json::to_string(&s).unwrap(),
                format!("\"{}\"", s.code())
            );
        }
        for c in Channel::ALL {
            assert_eq!(Channel::from_code(c.code()), Some(c));
            assert!(!c.label_th().is_empty());
        }
        let cats = default_categories();
        assert_eq!(cats.len(), 11);
        assert!(cats.iter().all(|c| Category::is_valid_code(&c.code)));
        assert_eq!(
            find_category(&cats, "water").unwrap().label_en,
            "Water supply"
        );
        assert!(find_category(&cats, "nope").is_none());
    }

    #[test]
    fn deadline_is_end_of_bangkok_day_n() {
        // 1 March 2026, 10:00 Bangkok = 03:00 UTC.
        let d = deadline(datetime!(2026-03-01 03:00 UTC), 15);
        assert_eq!(to_bangkok(d).date(), time::macros::date!(2026 - 03 - 16));
        assert_eq!((to_bangkok(d).hour(), to_bangkok(d).minute()), (23, 59));
        // 23:30 UTC on 28 Feb is already 1 March in Bangkok: same deadline.
        assert_eq!(deadline(datetime!(2026-02-28 18:30 UTC), 15), d);
        // 16:59 UTC on 28 Feb is still 28 Feb in Bangkok: a day earlier.
        assert_eq!(
            to_bangkok(deadline(datetime!(2026-02-28 16:59 UTC), 15)).date(),
            time::macros::date!(2026 - 03 - 15)
        );
        assert_eq!(days_left(d, datetime!(2026-03-01 03:00 UTC)), 15);
        assert_eq!(days_left(d, datetime!(2026-03-16 16:00 UTC)), 0);
        assert!(!is_overdue(d, datetime!(2026-03-16 16:59:59 UTC)));
        assert!(is_overdue(d, datetime!(2026-03-16 17:00 UTC)));
        assert_eq!(days_left(d, datetime!(2026-03-18 03:00 UTC)), -2);
    }

    #[test]
    fn overdue_cases_cannot_stay_silent() {
        let dl = datetime!(2026-03-16 16:59:59.999999999 UTC);
        let after = dl + Duration::hours(1);
        use ComplaintStatus as S;
        assert!(!needs_overdue_notice(
            S::InProgress,
            dl,
            None,
            dl - Duration::hours(1)
        ));
        assert!(needs_overdue_notice(S::InProgress, dl, None, after));
        assert!(needs_overdue_notice(
            S::Acknowledged,
            dl,
            Some(dl - Duration::days(3)),
            after
        ));
        assert!(!needs_overdue_notice(
            S::InProgress,
            dl,
            Some(dl + Duration::minutes(5)),
            after
        ));
        assert!(!needs_overdue_notice(S::Resolved, dl, None, after));
        assert!(!needs_overdue_notice(S::Forwarded, dl, None, after));
    }

    fn fact(
        received: OffsetDateTime,
        resolved_after_days: Option<i64>,
        status: ComplaintStatus,
        category: &str,
    ) -> ComplaintFacts {
        ComplaintFacts {
            received_at: received,
            resolved_at: resolved_after_days.map(|d| received + Duration::days(d)),
            status,
            category: category.into(),
            division: "กองช่าง".into(),
            channel: Channel::Web,
            deadline: deadline(received, 15),
        }
    }

    #[test]
    fn statistics_by_month_and_fiscal_year() {
        use ComplaintStatus as S;
        let sep = datetime!(2025-09-20 03:00 UTC); // fiscal 2568
        let oct = datetime!(2025-10-02 03:00 UTC); // fiscal 2569
        let facts = vec![
            fact(sep, Some(2), S::Closed, "roads"),
            fact(sep, Some(20), S::Resolved, "roads"),
            fact(oct, Some(4), S::Resolved, "water"),
            fact(oct, None, S::InProgress, "water"),
            fact(oct, Some(1), S::Rejected, "other"),
            fact(oct, None, S::Merged, "water"),
        ];
        let now = datetime!(2025-12-01 00:00 UTC);
        let st = ComplaintStats::compute(&facts, now);
        assert_eq!(st.total.received, 6);
        assert_eq!(st.total.resolved, 3);
        assert_eq!(st.total.in_progress, 1);
        assert_eq!(st.total.overdue, 1);
        assert_eq!(st.total.rejected, 1);
        assert_eq!(st.total.merged, 1);
        assert_eq!(st.total.median_days_to_resolve, Some(4.0));
        // Answered on time: 2, 4 and 1 days; late: 20 days, and the open overdue case.
        assert_eq!(st.total.answered_within_deadline, Some(3.0 / 5.0));
        let fys: Vec<i32> = st.by_fiscal_year.iter().map(|(f, _)| f.be()).collect();
        assert_eq!(fys, vec![2568, 2569]);
        assert_eq!(st.by_month[1].0.label_th(), "ต.ค. 2568");
        assert_eq!(st.by_month[1].0.fiscal_year().be(), 2569);
        assert_eq!(st.by_month[0].1.median_days_to_resolve, Some(11.0));
        assert_eq!(st.by_category.len(), 3);
        assert_eq!(
            in_fiscal_year(&facts, FiscalYear::new(2569).unwrap()).len(),
            4
        );
        assert_eq!(ComplaintStats::compute(&[], now).total, StatsRow::default());
    }

    fn arb_status() -> impl Strategy<Value = ComplaintStatus> {
        proptest::sample::select(ComplaintStatus::ALL.to_vec())
    }

    fn arb_action() -> impl Strategy<Value = ComplaintAction> {
        use ComplaintAction as A;
        let text = proptest::sample::select(vec!["", " ", "เหตุผล"]).prop_map(String::from);
        prop_oneof![
            Just(A::Acknowledge),
            Just(A::StartWork),
            text.clone().prop_map(|reply| A::Resolve { reply }),
            text.clone().prop_map(|reason| A::Reject { reason }),
            text.clone().prop_map(|to| A::Forward { to }),
            text.clone().prop_map(|division| A::Reassign { division }),
            text.clone().prop_map(|into| A::MergeInto { into }),
            Just(A::Confirm),
            text.prop_map(|reason| A::Reopen { reason }),
            Just(A::CloseUnconfirmed),
        ]
    }

    fn arb_facts() -> impl Strategy<Value = Vec<ComplaintFacts>> {
        let one = (
            0i64..800,
            proptest::option::of(0i64..40),
            arb_status(),
            0usize..4,
            0usize..3,
            proptest::sample::select(Channel::ALL.to_vec()),
        )
            .prop_map(|(day, res, status, cat, div, channel)| {
                let received = datetime!(2024-01-01 00:00 UTC) + Duration::hours(day * 13);
                ComplaintFacts {
                    received_at: received,
                    resolved_at: res.map(|d| received + Duration::days(d)),
                    status,
                    category: ["roads", "water", "tax", "other"][cat].into(),
                    division: ["a", "b", "c"][div].into(),
                    channel,
                    deadline: deadline(received, 15),
                }
            });
        proptest::collection::vec(one, 0..60)
    }

    fn adds_up(r: &StatsRow) -> bool {
        r.received == r.resolved + r.in_progress + r.rejected + r.forwarded + r.merged
            && r.overdue <= r.in_progress
            && r.answered_within_deadline
                .is_none_or(|s| (0.0..=1.0).contains(&s))
            && r.median_days_to_resolve.is_none_or(|m| m >= 0.0)
    }

    proptest! {
        #[test]
        fn terminal_states_never_move(
            from in arb_status(),
            action in arb_action(),
            actor in proptest::sample::select(vec![Actor::Staff, Actor::Complainant, Actor::System]),
            hours in 0i64..400,
            resolved in proptest::option::of(0i64..400),
        ) {
            let ctx = TransitionContext {
                actor,
                now: NOW + Duration::hours(hours),
                resolved_at: resolved.map(|h| NOW + Duration::hours(h)),
            };
            let result = transition(from, &action, &ctx);
            if from.is_terminal() {
                prop_assert!(result.is_err());
            }
            if let Ok(to) = result {
                // Leaving "resolved" only by the confirm/reopen/close rules.
                if from == ComplaintStatus::Resolved {
                    let by_rule = matches!(
                        action,
                        ComplaintAction::Confirm | ComplaintAction::Reopen { .. } | ComplaintAction::CloseUnconfirmed
                    );
                    prop_assert!(by_rule);
                    let r = ctx.resolved_at.unwrap();
                    let open = confirmation_window_open(r, ctx.now);
                    prop_assert_eq!(open, !matches!(action, ComplaintAction::CloseUnconfirmed));
                }
                // Only staff change an open case; the status is one a case can have next.
                if from.is_open() {
                    prop_assert_eq!(actor, Actor::Staff);
                    prop_assert!(to != ComplaintStatus::Closed);
                    prop_assert!(to == from || (to != ComplaintStatus::Received && to != ComplaintStatus::Reopened));
                }
                if matches!(action, ComplaintAction::Reassign { .. }) {
                    prop_assert_eq!(to, from);
                }
            }
            // Error messages are never empty, in either language.
            if let Err(e) = transition(from, &action, &ctx) {
                prop_assert!(!e.to_string().is_empty() && !e.message_th().is_empty());
            }
        }

        #[test]
        fn stats_counts_add_up(facts in arb_facts(), now_h in 0i64..30_000) {
            let now = datetime!(2024-01-01 00:00 UTC) + Duration::hours(now_h);
            let st = ComplaintStats::compute(&facts, now);
            prop_assert_eq!(st.total.received as usize, facts.len());
            prop_assert!(adds_up(&st.total));
            let sum = |rows: Vec<&StatsRow>| -> (u64, u64, u64, u64) {
                rows.iter().fold((0, 0, 0, 0), |a, r| {
                    (a.0 + r.received, a.1 + r.resolved, a.2 + r.in_progress, a.3 + r.overdue)
                })
            };
            let t = &st.total;
            let want = (t.received, t.resolved, t.in_progress, t.overdue);
            prop_assert_eq!(sum(st.by_month.iter().map(|(_, r)| r).collect()), want);
            prop_assert_eq!(sum(st.by_fiscal_year.iter().map(|(_, r)| r).collect()), want);
            prop_assert_eq!(sum(st.by_category.iter().map(|(_, r)| r).collect()), want);
            prop_assert_eq!(sum(st.by_division.iter().map(|(_, r)| r).collect()), want);
            prop_assert_eq!(sum(st.by_channel.iter().map(|(_, r)| r).collect()), want);
            for (_, r) in st.by_month.iter() {
                prop_assert!(adds_up(r));
            }
            for (m, _) in st.by_month.iter() {
                prop_assert!(st.by_fiscal_year.iter().any(|(f, _)| *f == m.fiscal_year()));
            }
        }
    }
}
