//! Organizations (องค์กรปกครองส่วนท้องถิ่น, local administrative organizations) and the
//! slugs that name them in URLs (`/{slug}/…`).

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The five kinds of Thai local government organization.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrgType {
    /// องค์การบริหารส่วนจังหวัด (อบจ.), provincial administrative organization.
    Provincial,
    /// เทศบาลนคร, city municipality.
    CityMunicipality,
    /// เทศบาลเมือง, town municipality.
    TownMunicipality,
    /// เทศบาลตำบล, subdistrict municipality.
    SubdistrictMunicipality,
    /// องค์การบริหารส่วนตำบล (อบต.), subdistrict administrative organization.
    Subdistrict,
}

impl OrgType {
    pub const ALL: [OrgType; 5] = [
        OrgType::Provincial,
        OrgType::CityMunicipality,
        OrgType::TownMunicipality,
        OrgType::SubdistrictMunicipality,
        OrgType::Subdistrict,
    ];

    pub fn code(self) -> &'static str {
        match self {
            OrgType::Provincial => "provincial",
            OrgType::CityMunicipality => "city_municipality",
            OrgType::TownMunicipality => "town_municipality",
            OrgType::SubdistrictMunicipality => "subdistrict_municipality",
            OrgType::Subdistrict => "subdistrict",
        }
    }

    pub fn label_th(self) -> &'static str {
        match self {
            OrgType::Provincial => "องค์การบริหารส่วนจังหวัด",
            OrgType::CityMunicipality => "เทศบาลนคร",
            OrgType::TownMunicipality => "เทศบาลเมือง",
            OrgType::SubdistrictMunicipality => "เทศบาลตำบล",
            OrgType::Subdistrict => "องค์การบริหารส่วนตำบล",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            OrgType::Provincial => "Provincial Administrative Organization",
            OrgType::CityMunicipality => "City Municipality",
            OrgType::TownMunicipality => "Town Municipality",
            OrgType::SubdistrictMunicipality => "Subdistrict Municipality",
            OrgType::Subdistrict => "Subdistrict Administrative Organization",
        }
    }

    /// Guesses the type from a Thai organization name ("เทศบาลเมืองฉะเชิงเทรา").
    pub fn from_thai_name(name: &str) -> Option<OrgType> {
        let n: String = name.chars().filter(|c| !c.is_whitespace()).collect();
        if n.starts_with("องค์การบริหารส่วนจังหวัด") || n.starts_with("อบจ.")
        {
            Some(OrgType::Provincial)
        } else if n.starts_with("เทศบาลนคร") {
            Some(OrgType::CityMunicipality)
        } else if n.starts_with("เทศบาลเมือง") {
            Some(OrgType::TownMunicipality)
        } else if n.starts_with("เทศบาลตำบล") {
            Some(OrgType::SubdistrictMunicipality)
        } else if n.starts_with("องค์การบริหารส่วนตำบล") || n.starts_with("อบต.")
        {
            Some(OrgType::Subdistrict)
        } else {
            None
        }
    }
}

impl FromStr for OrgType {
    type Err = String;
    /// Accepts the code (`town_municipality`), the Thai name or abbreviation (อบต.).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        for ty in OrgType::ALL {
            if t == ty.code() || t == ty.label_th() {
                return Ok(ty);
            }
        }
        match t {
            "อบจ." | "อบจ" => Ok(OrgType::Provincial),
            "อบต." | "อบต" => Ok(OrgType::Subdistrict),
            _ => Err(format!(
                "unknown organization type {t:?}: use one of provincial, city_municipality, \
                 town_municipality, subdistrict_municipality, subdistrict"
            )),
        }
    }
}

/// Path segments that can never be an organization's slug.
pub const RESERVED_SLUGS: &[&str] = &[
    "api",
    "open311",
    "static",
    "staff",
    "login",
    "logout",
    "healthz",
    "admin",
    "assets",
    "favicon.ico",
    "robots.txt",
    "lang",
    "account",
    "national",
    "search",
];

/// An organization's URL name: 2–63 characters of lowercase ASCII letters, digits and
/// hyphens, starting with a letter, not a reserved path.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Slug(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "invalid organization slug {0:?}: use 2–63 lowercase letters a–z, digits and hyphens, starting with a letter"
)]
pub struct SlugError(pub String);

impl SlugError {
    pub fn message_th(&self) -> String {
        format!(
            "ชื่อย่อองค์กร \"{}\" ใช้ไม่ได้: ใช้ตัวอักษรอังกฤษพิมพ์เล็ก ตัวเลข และขีด (-) 2–63 ตัว ขึ้นต้นด้วยตัวอักษร",
            self.0
        )
    }
}

impl Slug {
    pub fn parse(s: &str) -> Result<Self, SlugError> {
        let ok = (2..=63).contains(&s.len())
            && s.chars().next().is_some_and(|c| c.is_ascii_lowercase())
            && s.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            && !s.ends_with('-')
            && !RESERVED_SLUGS.contains(&s);
        if ok {
            Ok(Slug(s.to_string()))
        } else {
            Err(SlugError(s.to_string()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Slug {
    type Error = SlugError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Slug::parse(&s)
    }
}

impl From<Slug> for String {
    fn from(s: Slug) -> String {
        s.0
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert!(Slug::parse("chachoengsao").is_ok());
        assert!(Slug::parse("ban-pho-2").is_ok());
        for bad in [
            "",
            "a",
            "Chachoengsao",
            "1abc",
            "api",
            "a b",
            "ฉะเชิงเทรา",
            "abc-",
        ] {
            assert!(Slug::parse(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn org_type_from_names() {
        assert_eq!(
            OrgType::from_thai_name("เทศบาลเมืองฉะเชิงเทรา"),
            Some(OrgType::TownMunicipality)
        );
        assert_eq!(
            OrgType::from_thai_name("องค์การบริหารส่วนตำบลบางพระ"),
            Some(OrgType::Subdistrict)
        );
        assert_eq!("อบต.".parse::<OrgType>(), Ok(OrgType::Subdistrict));
        assert_eq!(
            "เทศบาลนคร".parse::<OrgType>(),
            Ok(OrgType::CityMunicipality)
        );
        assert!("city".parse::<OrgType>().is_err());
    }
}
