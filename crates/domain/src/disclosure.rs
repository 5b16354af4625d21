//! Public disclosure (การเปิดเผยข้อมูลสาธารณะ, plan projects 3 and 5): the plan's five
//! groups of public information, how often an item should be updated and when it is
//! stale, the plain-text body format (paragraphs and links, never HTML), and the ITA
//! disclosure checklist's (OIT) readiness.

use serde::{Deserialize, Serialize};

/// The five groups the plan orders information published in (ข้อมูลข่าวสาร 5 ด้าน).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum InfoGroup {
    /// ข้อมูลพื้นฐาน
    Basic,
    /// การบริหารงาน
    Administration,
    /// การบริหารเงินงบประมาณ
    Budget,
    /// การบริหารและพัฒนาทรัพยากรบุคคล
    HumanResources,
    /// การส่งเสริมความโปร่งใส
    Transparency,
}

impl InfoGroup {
    pub const ALL: [InfoGroup; 5] = [
        InfoGroup::Basic,
        InfoGroup::Administration,
        InfoGroup::Budget,
        InfoGroup::HumanResources,
        InfoGroup::Transparency,
    ];

    /// The stored and URL code.
    pub fn code(self) -> &'static str {
        match self {
            InfoGroup::Basic => "basic",
            InfoGroup::Administration => "administration",
            InfoGroup::Budget => "budget",
            InfoGroup::HumanResources => "hr",
            InfoGroup::Transparency => "transparency",
        }
    }

    pub fn from_code(s: &str) -> Option<InfoGroup> {
        InfoGroup::ALL.into_iter().find(|g| g.code() == s)
    }

    pub fn label_th(self) -> &'static str {
        match self {
            InfoGroup::Basic => "ข้อมูลพื้นฐาน",
            InfoGroup::Administration => "การบริหารงาน",
            InfoGroup::Budget => "การบริหารเงินงบประมาณ",
            InfoGroup::HumanResources => "การบริหารและพัฒนาทรัพยากรบุคคล",
            InfoGroup::Transparency => "การส่งเสริมความโปร่งใส",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            InfoGroup::Basic => "Basic information",
            InfoGroup::Administration => "Administration",
            InfoGroup::Budget => "Budget management",
            InfoGroup::HumanResources => "Human resources",
            InfoGroup::Transparency => "Promoting transparency",
        }
    }
}

/// How often an item is expected to be brought up to date (รอบการปรับปรุง).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum UpdateRhythm {
    Monthly,
    Quarterly,
    Yearly,
    /// Published once; never stale.
    Once,
}

/// A day in milliseconds.
const DAY_MS: i64 = 86_400_000;

impl UpdateRhythm {
    pub const ALL: [UpdateRhythm; 4] = [
        UpdateRhythm::Monthly,
        UpdateRhythm::Quarterly,
        UpdateRhythm::Yearly,
        UpdateRhythm::Once,
    ];

    pub fn code(self) -> &'static str {
        match self {
            UpdateRhythm::Monthly => "monthly",
            UpdateRhythm::Quarterly => "quarterly",
            UpdateRhythm::Yearly => "yearly",
            UpdateRhythm::Once => "once",
        }
    }

    pub fn from_code(s: &str) -> Option<UpdateRhythm> {
        UpdateRhythm::ALL.into_iter().find(|r| r.code() == s)
    }

    pub fn label_th(self) -> &'static str {
        match self {
            UpdateRhythm::Monthly => "ทุกเดือน",
            UpdateRhythm::Quarterly => "ทุกไตรมาส",
            UpdateRhythm::Yearly => "ทุกปี",
            UpdateRhythm::Once => "ครั้งเดียว",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            UpdateRhythm::Monthly => "monthly",
            UpdateRhythm::Quarterly => "quarterly",
            UpdateRhythm::Yearly => "yearly",
            UpdateRhythm::Once => "once",
        }
    }

    /// How long after its last publication an item may go without an update before
    /// it is stale: the period plus a grace of about a week (a monthly summary is
    /// due within days after the month ends).
    pub fn allowed_age_ms(self) -> Option<i64> {
        match self {
            UpdateRhythm::Monthly => Some(38 * DAY_MS),
            UpdateRhythm::Quarterly => Some(99 * DAY_MS),
            UpdateRhythm::Yearly => Some(372 * DAY_MS),
            UpdateRhythm::Once => None,
        }
    }

    /// Whether an item last published at `published_at` (ms) is stale at `now` (ms).
    /// An item never published is not stale: it is missing (see [`Readiness`]).
    pub fn is_stale(self, published_at: Option<i64>, now: i64) -> bool {
        match (published_at, self.allowed_age_ms()) {
            (Some(at), Some(age)) => now - at > age,
            _ => false,
        }
    }
}

/// Whether an ITA disclosure item can be scored: published and current, published but
/// out of date, or not published at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Readiness {
    Ready,
    Stale,
    Missing,
}

impl Readiness {
    pub fn code(self) -> &'static str {
        match self {
            Readiness::Ready => "ready",
            Readiness::Stale => "stale",
            Readiness::Missing => "missing",
        }
    }
}

/// A piece of a paragraph of an item's body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Span {
    Text(String),
    /// An `http(s)://` address written in the text.
    Link(String),
}

/// The body of an item as paragraphs of text and links. Bodies are plain text: blank
/// lines separate paragraphs and web addresses become links; nothing a user types is
/// ever taken as HTML (templates escape every span).
pub fn paragraphs(body: &str) -> Vec<Vec<Span>> {
    let norm = body.replace("\r\n", "\n");
    norm.split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(spans)
        .collect()
}

fn spans(par: &str) -> Vec<Span> {
    let mut out = Vec::new();
    let mut text = String::new();
    let mut rest = par;
    while let Some(i) = find_url(rest) {
        text.push_str(&rest[..i]);
        let tail = &rest[i..];
        let end = tail
            .find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"'))
            .unwrap_or(tail.len());
        let mut url = &tail[..end];
        // A sentence's closing punctuation is not part of the address.
        while let Some(last) = url.chars().last() {
            if matches!(last, '.' | ',' | ')' | ';' | ':' | '!' | '?') {
                url = &url[..url.len() - last.len_utf8()];
            } else {
                break;
            }
        }
        if !text.is_empty() {
            out.push(Span::Text(std::mem::take(&mut text)));
        }
        out.push(Span::Link(url.to_string()));
        rest = &tail[url.len()..];
    }
    text.push_str(rest);
    if !text.is_empty() {
        out.push(Span::Text(text));
    }
    out
}

fn find_url(s: &str) -> Option<usize> {
    match (s.find("https://"), s.find("http://")) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// A link attached to an item: "label | https://…" or just the address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ItemLink {
    pub label: String,
    pub url: String,
}

/// Parses the links field (one a line). Only `http(s)://` addresses are kept, so a
/// `javascript:` link can never be published.
pub fn parse_links(field: &str) -> Result<Vec<ItemLink>, String> {
    let mut out = Vec::new();
    for (n, line) in field.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let (label, url) = match line.rsplit_once('|') {
            Some((l, u)) => (l.trim(), u.trim()),
            None => ("", line),
        };
        if !(url.starts_with("https://") || url.starts_with("http://"))
            || url
                .chars()
                .any(|c| c.is_whitespace() || c == '"' || c == '<' || c == '>')
        {
            return Err(format!(
                "บรรทัดที่ {}: ลิงก์ต้องขึ้นต้นด้วย https:// หรือ http://",
                n + 1
            ));
        }
        out.push(ItemLink {
            label: if label.is_empty() {
                url.to_string()
            } else {
                label.to_string()
            },
            url: url.to_string(),
        });
    }
    Ok(out)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn groups_and_rhythms_round_trip() {
        for g in InfoGroup::ALL {
            assert_eq!(InfoGroup::from_code(g.code()), Some(g));
        }
        for r in UpdateRhythm::ALL {
            assert_eq!(UpdateRhythm::from_code(r.code()), Some(r));
        }
        assert_eq!(InfoGroup::from_code("nope"), None);
    }

    #[test]
    fn staleness_follows_the_rhythm() {
        let now = 1_000 * DAY_MS;
        assert!(!UpdateRhythm::Monthly.is_stale(Some(now - 30 * DAY_MS), now));
        assert!(UpdateRhythm::Monthly.is_stale(Some(now - 40 * DAY_MS), now));
        assert!(!UpdateRhythm::Yearly.is_stale(Some(now - 300 * DAY_MS), now));
        assert!(UpdateRhythm::Quarterly.is_stale(Some(now - 120 * DAY_MS), now));
        assert!(!UpdateRhythm::Once.is_stale(Some(0), now));
        assert!(!UpdateRhythm::Monthly.is_stale(None, now));
    }

    #[test]
    fn bodies_are_paragraphs_of_text_and_links() {
        let p = paragraphs("ดูรายละเอียดที่ https://example.org/a?b=1.\n\n<script>x</script>");
        assert_eq!(p.len(), 2);
        assert_eq!(
            p[0],
            vec![
                Span::Text("ดูรายละเอียดที่ ".into()),
                Span::Link("https://example.org/a?b=1".into()),
                Span::Text(".".into())
            ]
        );
        // HTML stays text; the template escapes it.
        assert_eq!(p[1], vec![Span::Text("<script>x</script>".into())]);
    }

    #[test]
    fn only_web_links_are_kept() {
        let l = parse_links("ประกาศ | https://example.org/x\nhttp://a.example\n").unwrap();
        assert_eq!(l[0].label, "ประกาศ");
        assert_eq!(l[1].label, "http://a.example");
        assert!(parse_links("javascript:alert(1)").is_err());
        assert!(parse_links("x | javascript:alert(1)").is_err());
    }
}
