//! What every page shares: the language, the signed-in person, the organization in the
//! header, the staff menu, and small formatting helpers for templates.

use prongsai_domain::{FiscalYear, Permission, Role, thai};
use time::OffsetDateTime;

use crate::i18n::{self, Lang};

/// The frame around every page (`templates/base.html`).
#[derive(Debug, Clone, Default)]
pub struct Page {
    pub lang: Lang,
    /// The current path and query, for the language switch to come back to.
    pub path: String,
    /// The page's title (already translated).
    pub title: String,
    /// The signed-in person's display name.
    pub user_name: Option<String>,
    /// The session's CSRF token, for the sign-out form.
    pub csrf: String,
    /// The organization shown in the header.
    pub org: Option<OrgNav>,
    /// The staff menu: (href, label, current).
    pub staff_nav: Vec<NavLink>,
    /// A one-line notice at the top of the page (already translated).
    pub notice: Option<String>,
    /// An error message at the top of the page (already translated).
    pub alert: Option<String>,
}

#[derive(Debug, Clone)]
pub struct OrgNav {
    pub slug: String,
    pub name: String,
}

#[derive(Debug, Clone)]
pub struct NavLink {
    pub href: String,
    pub label: &'static str,
    pub current: bool,
}

impl Page {
    pub fn new(lang: Lang, path: &str, title_key: &str) -> Page {
        Page {
            lang,
            path: path.to_string(),
            title: i18n::t(lang, title_key).to_string(),
            ..Page::default()
        }
    }

    /// The text for an i18n key in this page's language.
    pub fn t(&self, key: &str) -> &'static str {
        i18n::t(self.lang, key)
    }

    pub fn lang_code(&self) -> &'static str {
        self.lang.code()
    }

    /// The link that switches to the other language and comes back here.
    pub fn lang_switch_href(&self) -> String {
        format!(
            "/lang?to={}&next={}",
            self.lang.other().code(),
            url_encode(&self.path)
        )
    }

    pub fn lang_switch_label(&self) -> &'static str {
        match self.lang {
            Lang::Th => "English",
            Lang::En => "ภาษาไทย",
        }
    }

    pub fn lang_switch_hreflang(&self) -> &'static str {
        self.lang.other().code()
    }

    /// A role's name in this page's language.
    pub fn role_label(&self, role: &Role) -> &'static str {
        match self.lang {
            Lang::Th => role.label_th(),
            Lang::En => role.label_en(),
        }
    }

    /// A stored instant (ms, UTC) in Bangkok time: B.E. and Thai months in Thai, C.E. in English.
    pub fn datetime(&self, ms: &i64) -> String {
        self.lang.datetime(prongsai_store::from_ms(*ms))
    }

    /// A stored calendar date (`YYYY-MM-DD`) as this page writes dates (B.E. and Thai
    /// months in Thai); a dash for none, the text itself if it is not a date.
    pub fn iso_date(&self, s: &str) -> String {
        if s.trim().is_empty() {
            return "—".into();
        }
        match thai::parse_date(s) {
            Some(d) => self.lang.date(d),
            None => s.to_string(),
        }
    }

    /// A stored date (`YYYY-MM-DD`) as a date field shows it: `วว/ดด/ปปปป` with the B.E.
    /// year on Thai pages, `DD/MM/YYYY` C.E. on English ones; what the person typed is
    /// shown back unchanged when it is not a date.
    pub fn date_input(&self, s: &str) -> String {
        match (s.trim().is_empty(), thai::parse_date(s)) {
            (true, _) => String::new(),
            (false, Some(d)) => {
                let year = match self.lang {
                    crate::i18n::Lang::Th => d.year() + thai::BE_OFFSET,
                    crate::i18n::Lang::En => d.year(),
                };
                format!("{:02}/{:02}/{year}", d.day(), u8::from(d.month()))
            }
            (false, None) => s.to_string(),
        }
    }

    /// A change made by no account — the server's command line, its own jobs, or the
    /// complainant — in words; `None` for an account name (shown as written, in `<code>`).
    pub fn system_actor(&self, actor: &str) -> Option<&'static str> {
        match actor {
            "cli" => Some(self.t("audit.actor_cli")),
            "system" => Some(self.t("audit.actor_system")),
            "complainant" => Some(self.t("complaint.by_complainant")),
            _ => None,
        }
    }

    /// The hint under a date field ("วว/ดด/ปปปป (พ.ศ.)").
    pub fn date_hint(&self) -> &'static str {
        self.t("common.date_hint")
    }

    /// Today's date in Bangkok, in this page's language.
    pub fn today(&self) -> String {
        self.lang
            .date(thai::to_bangkok(OffsetDateTime::now_utc()).date())
    }

    /// The current fiscal year's label.
    pub fn fiscal_year(&self) -> String {
        let fy = FiscalYear::current();
        match self.lang {
            Lang::Th => fy.label_th(),
            Lang::En => fy.label_en(),
        }
    }

    /// `/{org}/staff` for the organization in the header.
    pub fn staff_base(&self) -> String {
        match &self.org {
            Some(o) => format!("/{}/staff", o.slug),
            None => String::new(),
        }
    }

    /// Picks the Thai or English form of a name.
    pub fn pick<'a>(&self, th: &'a str, en: &'a str) -> &'a str {
        self.lang.pick(th, en)
    }
}

/// The staff menu for a role in an organization: only what the role may open.
pub fn staff_nav(org_slug: &str, role: Role, current: &str, lang: Lang) -> Vec<NavLink> {
    crate::routes::STAFF_MENU
        .iter()
        .filter(|(_, _, perm)| role.allows(Permission::StaffArea) && role.allows(*perm))
        .map(|(suffix, label, _)| NavLink {
            href: format!("/{org_slug}/staff/{suffix}"),
            label: i18n::t(lang, label),
            current: *suffix == current,
        })
        .collect()
}

/// Percent-encodes a string for a URL query value.
pub fn url_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(char::from(b))
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// A `next=` target is followed only when it is a path on this site.
pub fn safe_next(next: Option<&str>) -> Option<String> {
    let n = next?.trim();
    let ok = n.starts_with('/')
        && !n.starts_with("//")
        && !n.contains('\\')
        && !n.chars().any(|c| c.is_control())
        && n.len() < 2000;
    ok.then(|| n.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_must_stay_on_this_site() {
        assert_eq!(safe_next(Some("/a/staff/")), Some("/a/staff/".into()));
        assert_eq!(safe_next(Some("//evil.example/")), None);
        assert_eq!(safe_next(Some("https://evil.example/")), None);
        assert_eq!(safe_next(Some("/\\evil")), None);
        assert_eq!(safe_next(None), None);
    }

    #[test]
    fn url_encoding_keeps_paths_readable() {
        assert_eq!(
            url_encode("/a/b?x=1&y=ไทย"),
            "/a/b%3Fx%3D1%26y%3D%E0%B9%84%E0%B8%97%E0%B8%A2"
        );
    }
}
