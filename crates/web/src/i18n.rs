//! The interface's words in Thai and English. Every string a person reads comes from
//! `locales/th.toml` or `locales/en.toml`, looked up by key (`nav.home`); the two files
//! must hold exactly the same keys (a test checks, and that every key used exists).

use std::collections::HashMap;
use std::sync::OnceLock;

/// The interface language. Thai is the default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Th,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Th => "th",
            Lang::En => "en",
        }
    }

    pub fn from_code(s: &str) -> Option<Lang> {
        match s.trim() {
            "th" => Some(Lang::Th),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The language a switch link offers.
    pub fn other(self) -> Lang {
        match self {
            Lang::Th => Lang::En,
            Lang::En => Lang::Th,
        }
    }

    /// A date in this language: B.E. with Thai month names in Thai, C.E. in English.
    pub fn date(self, d: time::Date) -> String {
        match self {
            Lang::Th => prongsai_domain::thai::format_date_th(d),
            Lang::En => prongsai_domain::thai::format_date_en(d),
        }
    }

    /// A Bangkok date and time in this language (B.E. in Thai, C.E. in English).
    pub fn datetime(self, t: time::OffsetDateTime) -> String {
        match self {
            Lang::Th => prongsai_domain::thai::format_datetime_th(t),
            Lang::En => prongsai_domain::thai::format_datetime_en(t),
        }
    }

    /// Picks the Thai or English form of something.
    pub fn pick<'a>(self, th: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Th => th,
            // An English name is optional in the data: fall back to Thai.
            Lang::En if en.trim().is_empty() => th,
            Lang::En => en,
        }
    }
}

/// Marks a string literal as a translation key chosen at run time (so the key test
/// finds it): `key!("error.not_found")`.
#[macro_export]
macro_rules! key {
    ($k:literal) => {
        $k
    };
}

const TH_SOURCE: &str = include_str!("../locales/th.toml");
const EN_SOURCE: &str = include_str!("../locales/en.toml");

struct Catalog {
    th: HashMap<String, String>,
    en: HashMap<String, String>,
}

fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| Catalog {
        th: flatten_source(TH_SOURCE),
        en: flatten_source(EN_SOURCE),
    })
}

/// Parses a locale file into dotted keys. A broken file yields an empty catalog (the
/// tests refuse such a build long before it ships).
pub(crate) fn flatten_source(src: &str) -> HashMap<String, String> {
    let mut out = HashMap::new();
    if let Ok(table) = src.parse::<toml::Table>() {
        flatten("", &table, &mut out);
    }
    out
}

fn flatten(prefix: &str, table: &toml::Table, out: &mut HashMap<String, String>) {
    for (k, v) in table {
        let key = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        match v {
            toml::Value::Table(t) => flatten(&key, t, out),
            toml::Value::String(s) => {
                out.insert(key, s.clone());
            }
            // Locale files hold only strings; anything else is left out (and the
            // key test reports it missing).
            _ => {}
        }
    }
}

/// The text for `key` in `lang`; the key itself if missing (never panics).
pub fn t(lang: Lang, key: &str) -> &'static str {
    let c = catalog();
    let map = match lang {
        Lang::Th => &c.th,
        Lang::En => &c.en,
    };
    match map.get(key) {
        Some(s) => s.as_str(),
        None => {
            tracing::warn!(key, "missing translation");
            // Leak-free fallback: the key is 'static when it comes from code; otherwise
            // show a neutral marker.
            "…"
        }
    }
}

/// The text for `key` in `lang`, if the catalogue has it (for keys made from stored
/// codes, such as audit actions, where a missing one is expected and has a fallback).
pub fn try_t(lang: Lang, key: &str) -> Option<&'static str> {
    let c = catalog();
    let map = match lang {
        Lang::Th => &c.th,
        Lang::En => &c.en,
    };
    map.get(key).map(String::as_str)
}

/// [`t`] with `{name}` placeholders filled in.
pub fn tf(lang: Lang, key: &str, args: &[(&str, &str)]) -> String {
    let mut s = t(lang, key).to_string();
    for (name, value) in args {
        s = s.replace(&format!("{{{name}}}"), value);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;
    use std::path::Path;

    fn keys(src: &str) -> BTreeSet<String> {
        flatten_source(src).into_keys().collect()
    }

    #[test]
    fn both_locales_parse_and_hold_the_same_keys() {
        assert!(
            TH_SOURCE.parse::<toml::Table>().is_ok(),
            "th.toml does not parse"
        );
        assert!(
            EN_SOURCE.parse::<toml::Table>().is_ok(),
            "en.toml does not parse"
        );
        let th = keys(TH_SOURCE);
        let en = keys(EN_SOURCE);
        assert!(th.len() > 50, "th.toml looks empty");
        let only_th: Vec<_> = th.difference(&en).collect();
        let only_en: Vec<_> = en.difference(&th).collect();
        assert!(
            only_th.is_empty() && only_en.is_empty(),
            "only in th: {only_th:?}; only in en: {only_en:?}"
        );
    }

    /// Collects every string literal passed as a key: `t("…")`, `t(lang, "…")`,
    /// `tf(lang, "…"` and the `key!("…")` marker used where a key is chosen at run time.
    fn used_keys(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        for pat in [
            "t(\"",
            "t(lang, \"",
            "tf(lang, \"",
            "t(self.lang, \"",
            "key!(\"",
            "t(p.lang, \"",
        ] {
            let mut rest = text;
            while let Some(i) = rest.find(pat) {
                // Only whole identifiers `t`/`tf`/`key!`: the character before must not be
                // part of a longer name.
                let before = rest[..i].chars().last();
                let tail = &rest[i + pat.len()..];
                let whole = !before.is_some_and(|c| c.is_alphanumeric() || c == '_');
                if let (true, Some(end)) = (whole, tail.find('"')) {
                    let k = &tail[..end];
                    // Keys look like `section.name`.
                    let is_key = k.contains('.')
                        && k.chars()
                            .all(|c| c.is_ascii_lowercase() || c == '.' || c == '_');
                    if is_key {
                        out.push(k.to_string());
                    }
                }
                rest = tail;
            }
        }
        out
    }

    fn scan(dir: &Path, found: &mut Vec<(String, String)>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                scan(&p, found);
            } else if p.extension().is_some_and(|x| x == "rs" || x == "html") {
                let text = std::fs::read_to_string(&p).unwrap_or_default();
                for k in used_keys(&text) {
                    found.push((p.display().to_string(), k));
                }
            }
        }
    }

    #[test]
    fn every_key_used_in_code_and_templates_exists() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut found = Vec::new();
        scan(&root.join("src"), &mut found);
        scan(&root.join("templates"), &mut found);
        assert!(
            found.len() > 50,
            "the scan found too few keys: {}",
            found.len()
        );
        let th = keys(TH_SOURCE);
        let missing: Vec<_> = found
            .iter()
            .filter(|(_, k)| !th.contains(k) && k != "no.such.key")
            .collect();
        assert!(
            missing.is_empty(),
            "keys used but not in the locale files: {missing:?}"
        );
    }

    #[test]
    fn lookups_fall_back_quietly() {
        assert_eq!(t(Lang::Th, "no.such.key"), "…");
        assert!(!tf(Lang::En, "login.locked", &[]).is_empty());
    }
}
