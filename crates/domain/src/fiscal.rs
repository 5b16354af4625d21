//! The Thai fiscal year (ปีงบประมาณ) and the plan's reporting rounds.
//!
//! Fiscal year N (B.E.) runs from 1 October of year N−544 A.D. to 30 September of year
//! N−543 A.D.: fiscal 2566 = 1 Oct 2022 – 30 Sep 2023. Progress is reported after six
//! months (October–March) and after twelve months.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use time::{Date, Month};

use crate::thai::{BE_OFFSET, normalize_digits};

/// A Thai fiscal year, identified by its Buddhist-era number (e.g. 2567).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "i32", into = "i32")]
pub struct FiscalYear(i32);

/// A fiscal year outside the range Prongsai accepts.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("fiscal year must be a Buddhist-era year between 2500 and 2700, got {0}")]
pub struct FiscalYearError(pub String);

impl FiscalYearError {
    pub fn message_th(&self) -> String {
        format!(
            "ปีงบประมาณต้องเป็นปี พ.ศ. ระหว่าง 2500 ถึง 2700 (ได้รับ \"{}\")",
            self.0
        )
    }
}

impl FiscalYear {
    pub const MIN: i32 = 2500;
    pub const MAX: i32 = 2700;

    /// A fiscal year from its B.E. number.
    pub fn new(be_year: i32) -> Result<Self, FiscalYearError> {
        if (Self::MIN..=Self::MAX).contains(&be_year) {
            Ok(Self(be_year))
        } else {
            Err(FiscalYearError(be_year.to_string()))
        }
    }

    /// The fiscal year a calendar date falls in.
    pub fn containing(d: Date) -> Self {
        let ce = if u8::from(d.month()) >= 10 {
            d.year() + 1
        } else {
            d.year()
        };
        Self((ce + BE_OFFSET).clamp(Self::MIN, Self::MAX))
    }

    /// The fiscal year of today's date in Bangkok.
    pub fn current() -> Self {
        Self::containing(crate::thai::to_bangkok(time::OffsetDateTime::now_utc()).date())
    }

    /// The B.E. number, e.g. 2567.
    pub fn be(self) -> i32 {
        self.0
    }

    /// The Common-Era year in which the fiscal year ends.
    pub fn ce_end_year(self) -> i32 {
        self.0 - BE_OFFSET
    }

    /// 1 October of the previous Common-Era year.
    pub fn first_day(self) -> Date {
        Date::from_calendar_date(self.ce_end_year() - 1, Month::October, 1).unwrap_or(Date::MIN)
    }

    /// 30 September.
    pub fn last_day(self) -> Date {
        Date::from_calendar_date(self.ce_end_year(), Month::September, 30).unwrap_or(Date::MAX)
    }

    pub fn contains(self, d: Date) -> bool {
        self.first_day() <= d && d <= self.last_day()
    }

    pub fn next(self) -> Self {
        Self((self.0 + 1).min(Self::MAX))
    }

    pub fn label_th(self) -> String {
        format!("ปีงบประมาณ พ.ศ. {}", self.0)
    }

    pub fn label_en(self) -> String {
        format!(
            "Fiscal year {} B.E. ({}–{})",
            self.0,
            self.ce_end_year() - 1,
            self.ce_end_year()
        )
    }

    /// Every fiscal year from `a` to `b` inclusive.
    pub fn range(a: FiscalYear, b: FiscalYear) -> impl Iterator<Item = FiscalYear> {
        (a.0..=b.0).map(FiscalYear)
    }
}

impl TryFrom<i32> for FiscalYear {
    type Error = FiscalYearError;
    fn try_from(v: i32) -> Result<Self, Self::Error> {
        Self::new(v)
    }
}

impl From<FiscalYear> for i32 {
    fn from(f: FiscalYear) -> i32 {
        f.0
    }
}

impl fmt::Display for FiscalYear {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl FromStr for FiscalYear {
    type Err = FiscalYearError;
    /// Accepts "2567", "๒๕๖๗", "พ.ศ. 2567".
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let digits: String = normalize_digits(s)
            .chars()
            .filter(|c| c.is_ascii_digit())
            .collect();
        let v: i32 = digits.parse().map_err(|_| FiscalYearError(s.to_string()))?;
        Self::new(v).map_err(|_| FiscalYearError(s.to_string()))
    }
}

/// A reporting round of a fiscal year (รอบการรายงาน).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum ReportingRound {
    /// รอบ 6 เดือน: 1 October – 31 March.
    #[serde(rename = "6m")]
    SixMonths,
    /// รอบ 12 เดือน: the whole fiscal year.
    #[serde(rename = "12m")]
    TwelveMonths,
}

impl ReportingRound {
    pub const ALL: [ReportingRound; 2] = [ReportingRound::SixMonths, ReportingRound::TwelveMonths];

    pub fn code(self) -> &'static str {
        match self {
            ReportingRound::SixMonths => "6m",
            ReportingRound::TwelveMonths => "12m",
        }
    }

    pub fn label_th(self) -> &'static str {
        match self {
            ReportingRound::SixMonths => "รอบ 6 เดือน (ตุลาคม – มีนาคม)",
            ReportingRound::TwelveMonths => "รอบ 12 เดือน (ตุลาคม – กันยายน)",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            ReportingRound::SixMonths => "6-month round (October–March)",
            ReportingRound::TwelveMonths => "12-month round (October–September)",
        }
    }

    /// The last day the round covers.
    pub fn period_end(self, fy: FiscalYear) -> Date {
        match self {
            ReportingRound::SixMonths => {
                Date::from_calendar_date(fy.ce_end_year(), Month::March, 31).unwrap_or(Date::MAX)
            }
            ReportingRound::TwelveMonths => fy.last_day(),
        }
    }
}

impl FromStr for ReportingRound {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match normalize_digits(s.trim()).to_lowercase().as_str() {
            "6m" | "6" | "h1" => Ok(ReportingRound::SixMonths),
            "12m" | "12" | "fy" => Ok(ReportingRound::TwelveMonths),
            other => Err(format!("unknown reporting round {other:?}: use 6m or 12m")),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use time::macros::date;

    #[test]
    fn fiscal_2566_is_oct_2022_to_sep_2023() {
        let fy = FiscalYear::new(2566).unwrap();
        assert_eq!(fy.first_day(), date!(2022 - 10 - 01));
        assert_eq!(fy.last_day(), date!(2023 - 09 - 30));
        assert!(fy.contains(date!(2023 - 03 - 31)));
        assert!(!fy.contains(date!(2023 - 10 - 01)));
    }

    #[test]
    fn containing_switches_on_first_of_october() {
        assert_eq!(FiscalYear::containing(date!(2022 - 09 - 30)).be(), 2565);
        assert_eq!(FiscalYear::containing(date!(2022 - 10 - 01)).be(), 2566);
        assert_eq!(FiscalYear::containing(date!(2026 - 11 - 26)).be(), 2570);
    }

    #[test]
    fn parses_thai_digits_and_rejects_nonsense() {
        assert_eq!("๒๕๖๗".parse::<FiscalYear>().unwrap().be(), 2567);
        assert_eq!("พ.ศ. 2567".parse::<FiscalYear>().unwrap().be(), 2567);
        assert!("2023".parse::<FiscalYear>().is_err());
        assert!("abc".parse::<FiscalYear>().is_err());
        assert!(serde_json::from_str::<FiscalYear>("1999").is_err());
        assert_eq!(
            serde_json::to_string(&FiscalYear::new(2570).unwrap()).unwrap(),
            "2570"
        );
    }

    #[test]
    fn six_month_round_ends_in_march() {
        let fy = FiscalYear::new(2567).unwrap();
        assert_eq!(
            ReportingRound::SixMonths.period_end(fy),
            date!(2024 - 03 - 31)
        );
        assert_eq!(
            ReportingRound::TwelveMonths.period_end(fy),
            date!(2024 - 09 - 30)
        );
        assert_eq!(
            "6m".parse::<ReportingRound>(),
            Ok(ReportingRound::SixMonths)
        );
        assert!("9m".parse::<ReportingRound>().is_err());
    }
}
