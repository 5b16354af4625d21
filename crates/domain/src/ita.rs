//! The Integrity and Transparency Assessment (ITA, การประเมินคุณธรรมและความโปร่งใสในการ
//! ดำเนินงานของหน่วยงานภาครัฐ) and the plan's corruption-case targets: whether a year's
//! score meets the plan's target, and how many corruption cases a reduction target
//! allows against the 2565 baseline.

use serde::{Deserialize, Serialize};

/// The fiscal year (B.E.) the plan's corruption-case reductions are measured against.
pub const BASELINE_YEAR: i64 = 2565;

/// A score out of 100 with two decimals at most (NACC publishes scores like 87.34).
pub fn valid_score(v: f64) -> bool {
    v.is_finite() && (0.0..=100.0).contains(&v)
}

/// One year's ITA result: the total and its three parts (IIT: internal stakeholders,
/// EIT: external stakeholders, OIT: open data), each out of 100.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ItaResult {
    pub fiscal_year: i64,
    pub score: f64,
    pub iit: Option<f64>,
    pub eit: Option<f64>,
    pub oit: Option<f64>,
}

impl ItaResult {
    /// Checks the year and every score, with a message a person can act on.
    pub fn validate(&self) -> Result<(), String> {
        if !(2500..=2700).contains(&self.fiscal_year) {
            return Err(format!(
                "fiscal year {} is not a B.E. year",
                self.fiscal_year
            ));
        }
        for (name, v) in [
            ("ITA", Some(self.score)),
            ("IIT", self.iit),
            ("EIT", self.eit),
            ("OIT", self.oit),
        ] {
            if let Some(v) = v
                && !valid_score(v)
            {
                return Err(format!("the {name} score must be 0–100 (got {v})"));
            }
        }
        Ok(())
    }
}

/// Whether a score meets a target (at or above it, compared to two decimals).
pub fn meets(score: f64, target: f64) -> bool {
    (score * 100.0).round() >= (target * 100.0).round()
}

/// The most corruption cases a year may have to meet a reduction target of
/// `percent` against `baseline` cases: 10 cases and "down 30 %" allow 7. Fractions
/// round down (a target is met only by reaching it).
pub fn allowed_cases(baseline: i64, percent: f64) -> i64 {
    if baseline <= 0 {
        return 0;
    }
    let v = baseline as f64 * (1.0 - percent / 100.0);
    (v + 1e-9).floor().max(0.0) as i64
}

/// The reduction actually achieved against the baseline, in percent (negative when
/// cases went up); `None` without a baseline.
pub fn reduction_percent(baseline: i64, cases: i64) -> Option<f64> {
    (baseline > 0).then(|| (baseline - cases) as f64 * 100.0 / baseline as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_and_cases() {
        assert!(meets(65.0, 65.0));
        assert!(meets(85.004, 85.0));
        assert!(!meets(84.99, 85.0));
        assert_eq!(allowed_cases(10, 10.0), 9);
        assert_eq!(allowed_cases(10, 30.0), 7);
        assert_eq!(allowed_cases(10, 50.0), 5);
        assert_eq!(allowed_cases(3, 10.0), 2, "2.7 rounds down");
        assert_eq!(allowed_cases(0, 10.0), 0);
        assert_eq!(reduction_percent(10, 7), Some(30.0));
        assert_eq!(reduction_percent(4, 5), Some(-25.0));
        assert_eq!(reduction_percent(0, 1), None);
    }

    #[test]
    fn results_are_validated() {
        let ok = ItaResult {
            fiscal_year: 2566,
            score: 87.34,
            iit: Some(90.0),
            eit: Some(85.5),
            oit: None,
        };
        assert!(ok.validate().is_ok());
        assert!(ItaResult { score: 100.5, ..ok }.validate().is_err());
        assert!(
            ItaResult {
                oit: Some(-1.0),
                ..ok
            }
            .validate()
            .is_err()
        );
        assert!(
            ItaResult {
                fiscal_year: 2023,
                ..ok
            }
            .validate()
            .is_err()
        );
        assert!(
            ItaResult {
                score: f64::NAN,
                ..ok
            }
            .validate()
            .is_err()
        );
    }
}
