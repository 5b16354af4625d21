//! Codes given to the public: complaint tracking codes (รหัสติดตามเรื่องร้องเรียน) and
//! corruption-report receipts (รหัสรับแจ้งเบาะแส).
//!
//! A **tracking code** is short and meant to be typed on a phone: `CCS-2569-7K4M-Q2PX`,
//! that is an optional organization prefix, the Buddhist-era year of receipt (Bangkok
//! calendar year), seven random symbols and one check symbol. Symbols come from Crockford's
//! base32 alphabet (`0–9` and `A–Z` without `I L O U`), so nothing looks like anything
//! else; when reading, `O` is taken as `0` and `I`/`L` as `1`. The check symbol is a
//! weighted sum over GF(32) of the year digits and the random symbols: it catches every
//! single mistyped symbol and every swap of two neighbouring symbols. Seven random symbols
//! (35 bits) make guessing a code of a busy municipality about a one-in-three-million shot
//! per try; the public page still needs a rate limit. Storage keys on [`TrackingCode::key`]
//! (no prefix): the prefix is only for people.
//!
//! A **receipt** is what an anonymous whistleblower keeps to follow their report. It is the
//! only key to the report, so it is long — 27 random symbols (135 bits) and a check symbol,
//! read aloud in seven groups of four — and it is never stored: only
//! [`receipt_hash`] (HMAC-SHA-256 under a server pepper) is. A fast keyed hash is enough
//! because 135 random bits cannot be brute-forced; a slow password hash would only slow
//! the lookup. A receipt never prints itself in `Debug`, and has no `Display`.

use hmac::{Hmac, Mac};
use rand::Rng;
use sha2::Sha256;
use std::fmt;
use std::str::FromStr;
use subtle::ConstantTimeEq;
use time::OffsetDateTime;

use crate::thai::{BE_OFFSET, to_bangkok};

/// Crockford's base32 alphabet: no I, L, O or U.
pub const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// Random symbols in a tracking code.
pub const TRACKING_RANDOM_LEN: usize = 7;
/// Random symbols in a receipt (5 bits each: 135 bits).
pub const RECEIPT_RANDOM_LEN: usize = 27;

/// Why a typed code or receipt was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CodeError {
    #[error("the code has the wrong length: check that no character is missing or extra")]
    WrongLength,
    #[error("the code contains a character that cannot be part of a code: {0:?}")]
    BadCharacter(char),
    #[error("the year in the code is not a Buddhist-era year")]
    BadYear,
    #[error("the organization prefix must be 2 to 6 Latin letters")]
    BadPrefix,
    #[error("the code has a typing mistake: please check it again")]
    CheckFailed,
}

impl CodeError {
    pub fn message_th(&self) -> String {
        match self {
            CodeError::WrongLength => "จำนวนตัวอักษรของรหัสไม่ถูกต้อง กรุณาตรวจว่าไม่ขาดหรือเกิน".into(),
            CodeError::BadCharacter(c) => format!("รหัสมีตัวอักษรที่ใช้ไม่ได้: \"{c}\""),
            CodeError::BadYear => "ปีในรหัสไม่ใช่ปี พ.ศ.".into(),
            CodeError::BadPrefix => "อักษรนำหน้ารหัสต้องเป็นอักษรอังกฤษ 2 ถึง 6 ตัว".into(),
            CodeError::CheckFailed => "รหัสพิมพ์ผิด กรุณาตรวจสอบอีกครั้ง".into(),
        }
    }
}

/// The value (0–31) of a Crockford symbol, accepting the usual misreadings.
fn symbol_value(c: char) -> Option<u8> {
    let c = match c.to_ascii_uppercase() {
        'O' => '0',
        'I' | 'L' => '1',
        c => c,
    };
    ALPHABET
        .iter()
        .position(|&a| char::from(a) == c)
        .and_then(|p| u8::try_from(p).ok())
}

fn symbol(v: u8) -> char {
    char::from(ALPHABET[usize::from(v & 31)])
}

/// Multiplication in GF(32) with the primitive polynomial x⁵ + x² + 1.
fn gf32_mul(mut a: u8, mut b: u8) -> u8 {
    let mut p = 0u8;
    while b != 0 {
        if b & 1 != 0 {
            p ^= a;
        }
        b >>= 1;
        a <<= 1;
        if a & 0x20 != 0 {
            a ^= 0x25;
        }
    }
    p & 31
}

/// The check value of a sequence of 5-bit values: Σ αⁱ⁺¹·vᵢ over GF(32), α = x. The
/// weights are distinct and non-zero for up to 31 positions, which is what makes every
/// single substitution and every neighbour swap change the sum.
fn check_value(values: &[u8]) -> u8 {
    let mut weight = 2u8; // α¹
    let mut sum = 0u8;
    for &v in values {
        sum ^= gf32_mul(weight, v & 31);
        weight = gf32_mul(weight, 2);
    }
    sum
}

/// Upper-cases, turns Thai digits into ASCII, and drops spaces, dashes, dots and
/// underscores (what people put between groups).
fn normalize(input: &str) -> String {
    input
        .chars()
        .map(crate::thai::thai_digit_to_ascii)
        .filter(|c| !c.is_whitespace() && !matches!(c, '-' | '–' | '—' | '_' | '.' | '/'))
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// The Buddhist-era calendar year of an instant, in Bangkok.
pub fn be_year_bangkok(t: OffsetDateTime) -> i32 {
    to_bangkok(t).year() + BE_OFFSET
}

/// An organization's prefix for its tracking codes (e.g. `CCS`): 2–6 Latin letters.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CodePrefix(String);

impl CodePrefix {
    pub fn parse(s: &str) -> Result<Self, CodeError> {
        let s = s.trim().to_ascii_uppercase();
        if (2..=6).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_uppercase()) {
            Ok(Self(s))
        } else {
            Err(CodeError::BadPrefix)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A complaint tracking code (รหัสติดตามเรื่อง), e.g. `CCS-2569-7K4M-Q2PX`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TrackingCode {
    prefix: Option<CodePrefix>,
    be_year: u16,
    /// Seven random values and the check value, each 0–31.
    body: [u8; TRACKING_RANDOM_LEN + 1],
}

impl TrackingCode {
    /// A new random code for a complaint received in Buddhist-era year `be_year`.
    /// Storage must still retry on a (rare) collision with an existing code.
    pub fn generate<R: Rng + ?Sized>(
        rng: &mut R,
        prefix: Option<CodePrefix>,
        be_year: i32,
    ) -> Result<Self, CodeError> {
        let be_year = valid_year(be_year)?;
        let mut body = [0u8; TRACKING_RANDOM_LEN + 1];
        for v in body.iter_mut().take(TRACKING_RANDOM_LEN) {
            *v = rng.gen_range(0..32);
        }
        body[TRACKING_RANDOM_LEN] = tracking_check(be_year, &body[..TRACKING_RANDOM_LEN]);
        Ok(Self {
            prefix,
            be_year,
            body,
        })
    }

    /// Reads a code as a person typed it: any case, with or without spaces and dashes,
    /// Thai or Arabic digits, `O` for `0`, `I`/`L` for `1`, with or without the prefix.
    pub fn parse(input: &str) -> Result<Self, CodeError> {
        let s = normalize(input);
        let chars: Vec<char> = s.chars().collect();
        let body_len = 4 + TRACKING_RANDOM_LEN + 1;
        if chars.len() < body_len {
            return Err(CodeError::WrongLength);
        }
        let (prefix_chars, rest) = chars.split_at(chars.len() - body_len);
        let prefix = if prefix_chars.is_empty() {
            None
        } else if prefix_chars.iter().all(|c| c.is_ascii_uppercase()) {
            if prefix_chars.len() > 6 {
                return Err(CodeError::WrongLength);
            }
            Some(CodePrefix::parse(&prefix_chars.iter().collect::<String>())?)
        } else if let Some(&c) = prefix_chars.iter().find(|c| !c.is_ascii_alphanumeric()) {
            return Err(CodeError::BadCharacter(c));
        } else {
            return Err(CodeError::WrongLength);
        };
        let (year_chars, body_chars) = rest.split_at(4);
        let mut year: u16 = 0;
        for &c in year_chars {
            let v = symbol_value(c).ok_or(CodeError::BadCharacter(c))?;
            if v > 9 {
                return Err(CodeError::BadYear);
            }
            year = year * 10 + u16::from(v);
        }
        let be_year = valid_year(i32::from(year))?;
        let mut body = [0u8; TRACKING_RANDOM_LEN + 1];
        for (slot, &c) in body.iter_mut().zip(body_chars) {
            *slot = symbol_value(c).ok_or(CodeError::BadCharacter(c))?;
        }
        if tracking_check(be_year, &body[..TRACKING_RANDOM_LEN]) != body[TRACKING_RANDOM_LEN] {
            return Err(CodeError::CheckFailed);
        }
        Ok(Self {
            prefix,
            be_year,
            body,
        })
    }

    /// The Buddhist-era year in the code.
    pub fn be_year(&self) -> i32 {
        i32::from(self.be_year)
    }

    pub fn prefix(&self) -> Option<&CodePrefix> {
        self.prefix.as_ref()
    }

    /// The code without its prefix, `2569-7K4M-Q2PX`: what storage looks codes up by, so
    /// that a citizen who leaves the prefix out still finds their case.
    pub fn key(&self) -> String {
        let b: String = self.body.iter().map(|&v| symbol(v)).collect();
        format!("{}-{}-{}", self.be_year, &b[..4], &b[4..])
    }
}

fn valid_year(y: i32) -> Result<u16, CodeError> {
    if (2500..=2999).contains(&y) {
        u16::try_from(y).map_err(|_| CodeError::BadYear)
    } else {
        Err(CodeError::BadYear)
    }
}

fn tracking_check(be_year: u16, random: &[u8]) -> u8 {
    let mut values: Vec<u8> = be_year
        .to_string()
        .bytes()
        .map(|b| b.wrapping_sub(b'0'))
        .collect();
    values.extend_from_slice(random);
    check_value(&values)
}

impl fmt::Display for TrackingCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.prefix {
            Some(p) => write!(f, "{}-{}", p.as_str(), self.key()),
            None => f.write_str(&self.key()),
        }
    }
}

impl FromStr for TrackingCode {
    type Err = CodeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

/// A corruption-report receipt (รหัสรับแจ้งเบาะแส): 135 random bits and a check symbol.
/// Shown to the reporter once; only its [`receipt_hash`] is stored.
#[derive(Clone, PartialEq, Eq)]
pub struct Receipt {
    values: [u8; RECEIPT_RANDOM_LEN + 1],
}

impl Receipt {
    pub fn generate<R: Rng + ?Sized>(rng: &mut R) -> Self {
        let mut values = [0u8; RECEIPT_RANDOM_LEN + 1];
        for v in values.iter_mut().take(RECEIPT_RANDOM_LEN) {
            *v = rng.gen_range(0..32);
        }
        values[RECEIPT_RANDOM_LEN] = check_value(&values[..RECEIPT_RANDOM_LEN]);
        Self { values }
    }

    /// Reads a receipt as typed: any case, spaces or dashes anywhere, Thai digits, `O`/`I`/`L`.
    pub fn parse(input: &str) -> Result<Self, CodeError> {
        let s = normalize(input);
        let mut values = [0u8; RECEIPT_RANDOM_LEN + 1];
        let mut n = 0;
        for c in s.chars() {
            let v = symbol_value(c).ok_or(CodeError::BadCharacter(c))?;
            if n == values.len() {
                return Err(CodeError::WrongLength);
            }
            values[n] = v;
            n += 1;
        }
        if n != values.len() {
            return Err(CodeError::WrongLength);
        }
        if check_value(&values[..RECEIPT_RANDOM_LEN]) != values[RECEIPT_RANDOM_LEN] {
            return Err(CodeError::CheckFailed);
        }
        Ok(Self { values })
    }

    /// The receipt in seven groups of four for showing (once) and reading aloud:
    /// `7K4M-Q2PX-…`. Named so that every place that reveals it is easy to find.
    pub fn reveal_grouped(&self) -> String {
        let s = self.canonical();
        let groups: Vec<&str> = (0..s.len())
            .step_by(4)
            .filter_map(|i| s.get(i..(i + 4).min(s.len())))
            .collect();
        groups.join("-")
    }

    /// Without separators: what is hashed.
    fn canonical(&self) -> String {
        self.values.iter().map(|&v| symbol(v)).collect()
    }
}

impl fmt::Debug for Receipt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Receipt([redacted])")
    }
}

/// The only form of a receipt that is stored: hex HMAC-SHA-256 of the canonical receipt
/// under the server's pepper (a secret kept outside the database, like the sealing keys).
/// Deterministic, so storage finds a report by the hash of the typed receipt.
pub fn receipt_hash(receipt: &Receipt, pepper: &[u8]) -> String {
    // HMAC accepts keys of any length; an empty pepper still gives a (weaker) hash.
    let mut mac = match Hmac::<Sha256>::new_from_slice(pepper) {
        Ok(m) => m,
        Err(_) => return String::new(),
    };
    mac.update(b"prongsai-receipt-v1\0");
    mac.update(receipt.canonical().as_bytes());
    data_encoding::HEXLOWER.encode(&mac.finalize().into_bytes())
}

/// Whether `receipt` hashes to `stored_hash`, compared in constant time.
pub fn verify_receipt(receipt: &Receipt, pepper: &[u8], stored_hash: &str) -> bool {
    constant_time_eq(
        receipt_hash(receipt, pepper).as_bytes(),
        stored_hash.as_bytes(),
    )
}

/// Compares two byte strings without leaking, through timing, where they first differ.
/// (Lengths are not secret: a length mismatch returns at once.)
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && bool::from(a.ct_eq(b))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use proptest::prelude::*;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    fn rng() -> StdRng {
        StdRng::seed_from_u64(7)
    }

    #[test]
    fn generated_code_has_the_documented_shape() {
        let code =
            TrackingCode::generate(&mut rng(), Some(CodePrefix::parse("ccs").unwrap()), 2569)
                .unwrap();
        let s = code.to_string();
        assert_eq!(s.len(), "CCS-2569-7K4M-Q2PX".len(), "{s}");
        assert!(s.starts_with("CCS-2569-"));
        assert!(
            s[9..]
                .chars()
                .all(|c| c == '-' || ALPHABET.contains(&(c as u8)))
        );
        assert_eq!(TrackingCode::parse(&s).unwrap(), code);
        assert_eq!(code.key(), s[4..]);
    }

    #[test]
    fn parse_is_tolerant_of_how_people_type() {
        let code = TrackingCode::generate(&mut rng(), None, 2569).unwrap();
        let key = code.key();
        let variants = [
            key.to_lowercase(),
            key.replace('-', ""),
            key.replace('-', " "),
            format!("  {}  ", key.replace('-', " - ")),
            crate::thai::to_thai_digits(&key),
            format!("ccs-{key}"),
            key.replace('0', "O").replace('1', "l"),
        ];
        for v in variants {
            let parsed = TrackingCode::parse(&v).unwrap_or_else(|e| panic!("{v:?}: {e}"));
            assert_eq!(parsed.key(), key, "{v:?}");
        }
    }

    #[test]
    fn parse_refuses_nonsense() {
        assert_eq!(TrackingCode::parse(""), Err(CodeError::WrongLength));
        assert_eq!(
            TrackingCode::parse("2569-7K4M"),
            Err(CodeError::WrongLength)
        );
        assert!(TrackingCode::parse("1999-7K4M-Q2PX").is_err());
        assert!(matches!(
            TrackingCode::parse("2569-7K4M-Q2P!"),
            Err(CodeError::BadCharacter('!'))
        ));
        assert!(TrackingCode::parse("TOOLONGPREFIX-2569-7K4M-Q2PX").is_err());
        assert!(CodePrefix::parse("C").is_err());
        assert!(CodePrefix::parse("C1").is_err());
        // Messages exist in both languages.
        assert!(!CodeError::CheckFailed.message_th().is_empty());
    }

    #[test]
    fn every_single_substitution_and_neighbour_swap_is_caught() {
        let mut r = rng();
        for _ in 0..50 {
            let code = TrackingCode::generate(&mut r, None, 2569).unwrap();
            let key: Vec<char> = code.key().replace('-', "").chars().collect();
            for i in 0..key.len() {
                for &a in ALPHABET {
                    let a = char::from(a);
                    if a == key[i] || (i < 4 && !a.is_ascii_digit()) {
                        continue;
                    }
                    let mut typo = key.clone();
                    typo[i] = a;
                    let s: String = typo.iter().collect();
                    assert!(TrackingCode::parse(&s).is_err(), "{s} accepted");
                }
                if i + 1 < key.len() && key[i] != key[i + 1] {
                    let mut typo = key.clone();
                    typo.swap(i, i + 1);
                    let s: String = typo.iter().collect();
                    assert!(TrackingCode::parse(&s).is_err(), "swap {s} accepted");
                }
            }
        }
    }

    #[test]
    fn receipt_round_trips_and_is_long() {
        let r = Receipt::generate(&mut rng());
        let shown = r.reveal_grouped();
        assert_eq!(shown.split('-').count(), 7);
        assert!(shown.split('-').all(|g| g.len() == 4));
        const { assert!(RECEIPT_RANDOM_LEN * 5 >= 128) };
        assert_eq!(Receipt::parse(&shown).unwrap(), r);
        assert_eq!(
            Receipt::parse(&shown.to_lowercase().replace('-', " ")).unwrap(),
            r
        );
        assert_eq!(format!("{r:?}"), "Receipt([redacted])");
        assert!(!format!("{r:?}").contains(&shown[..4]));
        // A typo is reported as a typo, not as "no such report".
        let mut typo: Vec<char> = shown.chars().collect();
        typo[0] = if typo[0] == 'A' { 'B' } else { 'A' };
        let typo: String = typo.into_iter().collect();
        assert_eq!(Receipt::parse(&typo), Err(CodeError::CheckFailed));
        assert_eq!(Receipt::parse("ABCD"), Err(CodeError::WrongLength));
    }

    #[test]
    fn receipts_differ_and_hashes_depend_on_the_pepper() {
        let mut g = rng();
        let a = Receipt::generate(&mut g);
        let b = Receipt::generate(&mut g);
        assert_ne!(a, b);
        let h = receipt_hash(&a, b"pepper-1");
        assert_eq!(h.len(), 64);
        assert_eq!(
            h,
            receipt_hash(&Receipt::parse(&a.reveal_grouped()).unwrap(), b"pepper-1")
        );
        assert_ne!(h, receipt_hash(&a, b"pepper-2"));
        assert_ne!(h, receipt_hash(&b, b"pepper-1"));
        assert!(!h.contains(&a.canonical()));
        assert!(verify_receipt(&a, b"pepper-1", &h));
        assert!(!verify_receipt(&b, b"pepper-1", &h));
        assert!(!verify_receipt(&a, b"pepper-1", &h[..63]));
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }

    proptest! {
        #[test]
        fn parse_never_panics(s in "\\PC{0,40}") {
            let _ = TrackingCode::parse(&s);
            let _ = Receipt::parse(&s);
        }

        #[test]
        fn generated_codes_round_trip(seed in any::<u64>(), year in 2500i32..=2999) {
            let mut r = StdRng::seed_from_u64(seed);
            let c = TrackingCode::generate(&mut r, None, year).unwrap();
            prop_assert_eq!(TrackingCode::parse(&c.to_string()).unwrap(), c.clone());
            prop_assert_eq!(c.be_year(), year);
            let rc = Receipt::generate(&mut r);
            prop_assert_eq!(Receipt::parse(&rc.reveal_grouped()).unwrap(), rc);
        }
    }

    #[test]
    fn be_year_uses_bangkok_calendar() {
        use time::macros::datetime;
        // 31 Dec 2025 18:00 UTC is already 1 Jan 2026 in Bangkok.
        assert_eq!(be_year_bangkok(datetime!(2025-12-31 18:00 UTC)), 2569);
        assert_eq!(be_year_bangkok(datetime!(2025-12-31 16:00 UTC)), 2568);
    }
}
