//! The corruption risk register (ทะเบียนความเสี่ยงการทุจริต): likelihood (โอกาส) × impact
//! (ผลกระทบ) → a risk level (ระดับความเสี่ยง) from an organization's matrix, the
//! default scores for the level words a plan's Part 1 table uses, and the tolerant
//! matching of a control measure (มาตรการควบคุม) to the plan project that carries it out.
//!
//! Plain Rust, no IO: the store keeps the register, the web shows it.

use serde::{Deserialize, Serialize};

/// A risk level, highest first. Thai labels as NACC's risk assessment guide writes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RiskLevel {
    /// ต่ำ
    Low,
    /// ปานกลาง
    Medium,
    /// สูง
    High,
    /// สูงมาก
    VeryHigh,
}

impl RiskLevel {
    /// Highest first, as registers and legends list them.
    pub const ALL: [RiskLevel; 4] = [
        RiskLevel::VeryHigh,
        RiskLevel::High,
        RiskLevel::Medium,
        RiskLevel::Low,
    ];

    pub fn code(self) -> &'static str {
        match self {
            RiskLevel::Low => "low",
            RiskLevel::Medium => "medium",
            RiskLevel::High => "high",
            RiskLevel::VeryHigh => "very_high",
        }
    }

    pub fn from_code(s: &str) -> Option<RiskLevel> {
        RiskLevel::ALL.into_iter().find(|l| l.code() == s.trim())
    }

    pub fn label_th(self) -> &'static str {
        match self {
            RiskLevel::Low => "ต่ำ",
            RiskLevel::Medium => "ปานกลาง",
            RiskLevel::High => "สูง",
            RiskLevel::VeryHigh => "สูงมาก",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            RiskLevel::Low => "Low",
            RiskLevel::Medium => "Medium",
            RiskLevel::High => "High",
            RiskLevel::VeryHigh => "Very high",
        }
    }

    /// The highest level named in a plan's level cell(s): "สูง ปานกลาง" (one word per
    /// risk issue) is สูง. Spaces inside words (PDF extractions) are ignored; English
    /// words are read too. `None` when no level word appears.
    pub fn highest_named<S: AsRef<str>>(cells: &[S]) -> Option<RiskLevel> {
        let mut best: Option<RiskLevel> = None;
        for cell in cells {
            let mut rest: String = cell
                .as_ref()
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect::<String>()
                .to_lowercase();
            // Longest words first, each occurrence consumed so "สูงมาก" is not also "สูง".
            for (word, level) in [
                ("สูงมาก", RiskLevel::VeryHigh),
                ("veryhigh", RiskLevel::VeryHigh),
                ("ปานกลาง", RiskLevel::Medium),
                ("medium", RiskLevel::Medium),
                ("สูง", RiskLevel::High),
                ("high", RiskLevel::High),
                ("ต่ำ", RiskLevel::Low),
                ("low", RiskLevel::Low),
            ] {
                if rest.contains(word) {
                    rest = rest.replace(word, " ");
                    best = best.max(Some(level));
                }
            }
        }
        best
    }

    /// The likelihood and impact a risk seeded from a plan gets for its level word: the
    /// middle of the level's band in the default matrix (the plan gives only a word, so
    /// the register starts from a typical cell that staff then review).
    pub fn default_scores(self) -> (Score, Score) {
        let (l, i) = match self {
            RiskLevel::VeryHigh => (4, 5),
            RiskLevel::High => (4, 3),
            RiskLevel::Medium => (3, 2),
            RiskLevel::Low => (1, 2),
        };
        (Score(l), Score(i))
    }
}

/// A likelihood or impact score: 1 (rare / minor) to 5 (almost certain / severe).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct Score(u8);

impl Score {
    pub fn new(v: i64) -> Option<Score> {
        (1..=5).contains(&v).then_some(Score(v as u8))
    }

    pub fn get(self) -> u8 {
        self.0
    }
}

impl TryFrom<u8> for Score {
    type Error = String;
    fn try_from(v: u8) -> Result<Score, String> {
        Score::new(i64::from(v)).ok_or_else(|| format!("a score must be 1–5 (got {v})"))
    }
}

impl From<Score> for u8 {
    fn from(s: Score) -> u8 {
        s.0
    }
}

/// An organization's risk matrix: the lowest likelihood × impact product (1–25) of
/// each level above ต่ำ. The default is the common Thai public-sector matrix: 1–3 ต่ำ,
/// 4–8 ปานกลาง, 9–14 สูง, 15–25 สูงมาก.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RiskMatrix {
    pub medium_from: u8,
    pub high_from: u8,
    pub very_high_from: u8,
}

impl Default for RiskMatrix {
    fn default() -> Self {
        RiskMatrix {
            medium_from: 4,
            high_from: 9,
            very_high_from: 15,
        }
    }
}

impl RiskMatrix {
    /// A matrix whose thresholds rise strictly within 2–25.
    pub fn new(
        medium_from: i64,
        high_from: i64,
        very_high_from: i64,
    ) -> Result<RiskMatrix, String> {
        if !(2 <= medium_from
            && medium_from < high_from
            && high_from < very_high_from
            && very_high_from <= 25)
        {
            return Err(format!(
                "thresholds must rise within 2–25: medium {medium_from}, high {high_from}, very high {very_high_from}"
            ));
        }
        Ok(RiskMatrix {
            medium_from: medium_from as u8,
            high_from: high_from as u8,
            very_high_from: very_high_from as u8,
        })
    }

    /// The level of a cell.
    pub fn level(&self, likelihood: Score, impact: Score) -> RiskLevel {
        let s = likelihood.get() * impact.get();
        if s >= self.very_high_from {
            RiskLevel::VeryHigh
        } else if s >= self.high_from {
            RiskLevel::High
        } else if s >= self.medium_from {
            RiskLevel::Medium
        } else {
            RiskLevel::Low
        }
    }

    /// Every cell's level: rows are likelihood 5 down to 1 (as a heat map is drawn),
    /// columns impact 1 to 5.
    pub fn grid(&self) -> [[RiskLevel; 5]; 5] {
        let mut g = [[RiskLevel::Low; 5]; 5];
        for (r, row) in g.iter_mut().enumerate() {
            for (c, cell) in row.iter_mut().enumerate() {
                *cell = self.level(Score(5 - r as u8), Score(c as u8 + 1));
            }
        }
        g
    }
}

// ---- matching control measures to plan projects -----------------------------------------

/// A project or control name as compared: no whitespace, no list numbering, no quotes or
/// punctuation, lowercase.
pub fn name_core(s: &str) -> String {
    let t = s.trim();
    // Drop a leading list number ("๑.", "2)", "(3)").
    let t =
        t.trim_start_matches(|c: char| c == '(' || c.is_ascii_digit() || ('๐'..='๙').contains(&c));
    let t = t.trim_start_matches(['.', ')', ' ']);
    t.chars()
        .filter(|c| {
            !c.is_whitespace()
                && !matches!(
                    c,
                    '"' | '“' | '”' | '\'' | '‘' | '’' | '(' | ')' | '.' | ',' | '-' | '–'
                )
        })
        .collect::<String>()
        .to_lowercase()
}

fn bigrams(s: &str) -> Vec<(char, char)> {
    let chars: Vec<char> = s.chars().collect();
    let mut v: Vec<(char, char)> = chars.windows(2).map(|w| (w[0], w[1])).collect();
    v.sort_unstable();
    v
}

/// Dice coefficient over character bigrams of two cores.
fn dice(a: &str, b: &str) -> f64 {
    let (x, y) = (bigrams(a), bigrams(b));
    if x.is_empty() || y.is_empty() {
        return 0.0;
    }
    let (mut i, mut j, mut common) = (0, 0, 0usize);
    while i < x.len() && j < y.len() {
        match x[i].cmp(&y[j]) {
            std::cmp::Ordering::Equal => {
                common += 1;
                i += 1;
                j += 1;
            }
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
        }
    }
    (2 * common) as f64 / (x.len() + y.len()) as f64
}

/// Words that stand for the organization itself, dropped before comparing: a plan's
/// risk table says "ของหน่วยงาน" where its project says "ของเทศบาลเมือง…".
const SELF_WORDS: [&str; 2] = ["องค์กรปกครองส่วนท้องถิ่น", "หน่วยงาน"];

/// [`name_core`] without the organization's own name(s) (`org_names`) and the generic
/// words that stand for it.
fn core_without(s: &str, org_names: &[&str]) -> String {
    let mut t = name_core(s);
    for n in org_names.iter().copied().chain(SELF_WORDS) {
        let n = name_core(n);
        if n.chars().count() >= 4 {
            t = t.replace(&format!("ของ{n}"), "").replace(&n, "");
        }
    }
    t
}

/// How close a control measure's text is to a project's name, 0–1, ignoring the
/// organization's name. Equal cores are 1; one containing the other (a control that
/// abbreviates or extends the name) is 0.9; otherwise the bigram similarity.
pub fn name_similarity(control: &str, project: &str, org_names: &[&str]) -> f64 {
    let (a, b) = (
        core_without(control, org_names),
        core_without(project, org_names),
    );
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    if a == b {
        return 1.0;
    }
    let shorter = a.chars().count().min(b.chars().count());
    if shorter >= 12 && (a.contains(&b) || b.contains(&a)) {
        return 0.9;
    }
    dice(&a, &b)
}

/// The similarity from which a control is taken to be a project.
pub const LINK_THRESHOLD: f64 = 0.72;

/// The project (by key) a control measure names, when one is close enough: the most
/// similar name at or above [`LINK_THRESHOLD`]; ties go to the first listed. Controls
/// that no project carries out stay unlinked: real plans have them, and the register
/// shows them so that someone notices.
pub fn match_control<'a, K: Copy>(
    control: &str,
    projects: impl IntoIterator<Item = (K, &'a str)>,
    org_names: &[&str],
) -> Option<K> {
    let mut best: Option<(f64, K)> = None;
    for (key, name) in projects {
        let s = name_similarity(control, name, org_names);
        if s >= LINK_THRESHOLD && best.as_ref().is_none_or(|(b, _)| s > *b) {
            best = Some((s, key));
        }
    }
    best.map(|(_, k)| k)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: u8) -> Score {
        Score(v)
    }

    #[test]
    fn default_matrix_levels() {
        let m = RiskMatrix::default();
        assert_eq!(m.level(s(1), s(1)), RiskLevel::Low);
        assert_eq!(m.level(s(1), s(3)), RiskLevel::Low);
        assert_eq!(m.level(s(2), s(2)), RiskLevel::Medium);
        assert_eq!(m.level(s(2), s(4)), RiskLevel::Medium);
        assert_eq!(m.level(s(3), s(3)), RiskLevel::High);
        assert_eq!(m.level(s(2), s(5)), RiskLevel::High);
        assert_eq!(m.level(s(3), s(5)), RiskLevel::VeryHigh);
        assert_eq!(m.level(s(5), s(5)), RiskLevel::VeryHigh);
        // Symmetric in likelihood and impact.
        for l in 1..=5 {
            for i in 1..=5 {
                assert_eq!(m.level(s(l), s(i)), m.level(s(i), s(l)));
            }
        }
    }

    #[test]
    fn a_custom_matrix_moves_the_bands() {
        let m = RiskMatrix::new(3, 6, 12).unwrap();
        assert_eq!(m.level(s(1), s(3)), RiskLevel::Medium);
        assert_eq!(m.level(s(2), s(3)), RiskLevel::High);
        assert_eq!(m.level(s(3), s(4)), RiskLevel::VeryHigh);
        assert!(RiskMatrix::new(5, 5, 10).is_err());
        assert!(RiskMatrix::new(1, 5, 10).is_err());
        assert!(RiskMatrix::new(4, 9, 26).is_err());
    }

    #[test]
    fn grid_is_drawn_likelihood_down_impact_across() {
        let g = RiskMatrix::default().grid();
        assert_eq!(
            g[0][4],
            RiskLevel::VeryHigh,
            "likelihood 5 × impact 5, top right"
        );
        assert_eq!(
            g[4][0],
            RiskLevel::Low,
            "likelihood 1 × impact 1, bottom left"
        );
        assert_eq!(g[2][2], RiskLevel::High, "3 × 3");
        let count = |lv| g.iter().flatten().filter(|c| **c == lv).count();
        assert_eq!(count(RiskLevel::Low), 5); // 1×1 1×2 2×1 1×3 3×1
        assert_eq!(count(RiskLevel::VeryHigh), 6); // 3×5 5×3 4×4 4×5 5×4 5×5
    }

    #[test]
    fn scores_are_one_to_five() {
        assert!(Score::new(0).is_none());
        assert!(Score::new(6).is_none());
        assert_eq!(Score::new(5).map(Score::get), Some(5));
        assert!(serde_json::from_str::<Score>("7").is_err());
    }

    #[test]
    fn plan_level_words_map_to_the_highest_level_and_its_default_cell() {
        assert_eq!(
            RiskLevel::highest_named(&["ปานกลาง"]),
            Some(RiskLevel::Medium)
        );
        assert_eq!(
            RiskLevel::highest_named(&["สูง", "ปานกลาง"]),
            Some(RiskLevel::High)
        );
        assert_eq!(
            RiskLevel::highest_named(&["สูง ปานกลาง"]),
            Some(RiskLevel::High)
        );
        assert_eq!(
            RiskLevel::highest_named(&["ปาน กลาง"]),
            Some(RiskLevel::Medium),
            "PDF spaces"
        );
        assert_eq!(
            RiskLevel::highest_named(&["สูงมาก"]),
            Some(RiskLevel::VeryHigh)
        );
        assert_eq!(RiskLevel::highest_named(&["ต่ำ"]), Some(RiskLevel::Low));
        assert_eq!(RiskLevel::highest_named(&["High"]), Some(RiskLevel::High));
        assert_eq!(RiskLevel::highest_named::<&str>(&[]), None);
        assert_eq!(RiskLevel::highest_named(&["-"]), None);
        // Every level's default cell lies in that level's band of the default matrix.
        let m = RiskMatrix::default();
        for lv in RiskLevel::ALL {
            let (l, i) = lv.default_scores();
            assert_eq!(m.level(l, i), lv, "{lv:?}");
        }
    }

    #[test]
    fn controls_match_project_names_tolerantly() {
        let projects = [
            (1, "โครงการส่งเสริมการบริหารงานตามหลักธรรมาภิบาลเพื่อป้องกันการทุจริต"),
            (2, "มาตรการ “NO Gift Policy” ของเทศบาลเมืองฉะเชิงเทรา"),
            (
                3,
                "โครงการพัฒนาระบบการให้บริการประชาชนผ่านระบบอิเล็กทรอนิกส์ (E-Service)",
            ),
            (4, "กิจกรรมวิเคราะห์ผลการจัดซื้อจัดจ้างประจำปี"),
            (5, "มาตรการป้องกันผลประโยชน์ทับซ้อนของเทศบาลเมืองฉะเชิงเทรา"),
            (6, "โครงการเสริมสร้างความโปร่งใสในการบริหารงบประมาณ"),
        ];
        let org = ["เทศบาลเมืองฉะเชิงเทรา"];
        let m = |c: &str| match_control(c, projects.iter().map(|(k, n)| (*k, *n)), &org);
        assert_eq!(
            m("๑. โครงการส่งเสริมการบริหารงาน ตามหลักธรรมาภิบาลเพื่อป้องกันการ ทุจริต"),
            Some(1)
        );
        assert_eq!(m("มาตรการ NO Gift Policy"), Some(2));
        assert_eq!(
            m("โครงการพัฒนาระบบการ ให้บริการประชาชนผ่านระบบ อิเล็กทรอนิกส์ (E-Service)"),
            Some(3)
        );
        assert_eq!(m("กิจกรรมวิเคราะห์ผลการจัดซื้อจัด จ้างประจำปี"), Some(4));
        assert_eq!(
            m("มาตรการป้องกันผลประโยชน์ ทับซ้อนของหน่วยงาน"),
            Some(5),
            "the org's name ~ หน่วยงาน"
        );
        assert_eq!(
            m("มาตรการสร้างความโปร่งใสในการ บริหารงานบุคคล"),
            None,
            "similar words, another measure"
        );
        assert_eq!(m("โครงการปลูกต้นไม้ริมถนน"), None);
        assert_eq!(m(""), None);
    }
}
