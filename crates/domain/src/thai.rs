//! Thai digits (๐–๙), Buddhist-era years and Thai month names.
//!
//! Users type numbers with Thai or Arabic digits; both must be accepted everywhere.
//! Dates are shown in the Buddhist Era (B.E. = A.D. + 543) with Thai month names, in
//! the Asia/Bangkok time zone (UTC+7, no daylight saving).

use time::{Date, OffsetDateTime, UtcOffset};

/// Offset between the Buddhist Era and the Common Era.
pub const BE_OFFSET: i32 = 543;

/// Bangkok is UTC+7 all year round.
pub const BANGKOK: UtcOffset = match UtcOffset::from_hms(7, 0, 0) {
    Ok(o) => o,
    Err(_) => UtcOffset::UTC,
};

pub const MONTHS_TH: [&str; 12] = [
    "มกราคม",
    "กุมภาพันธ์",
    "มีนาคม",
    "เมษายน",
    "พฤษภาคม",
    "มิถุนายน",
    "กรกฎาคม",
    "สิงหาคม",
    "กันยายน",
    "ตุลาคม",
    "พฤศจิกายน",
    "ธันวาคม",
];
pub const MONTHS_TH_SHORT: [&str; 12] = [
    "ม.ค.",
    "ก.พ.",
    "มี.ค.",
    "เม.ย.",
    "พ.ค.",
    "มิ.ย.",
    "ก.ค.",
    "ส.ค.",
    "ก.ย.",
    "ต.ค.",
    "พ.ย.",
    "ธ.ค.",
];
pub const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// Replaces Thai digits ๐–๙ with ASCII 0–9; every other character is kept.
pub fn normalize_digits(s: &str) -> String {
    s.chars().map(thai_digit_to_ascii).collect()
}

/// One character: a Thai digit becomes its ASCII digit, anything else is unchanged.
pub fn thai_digit_to_ascii(c: char) -> char {
    match c {
        '๐'..='๙' => char::from(b'0' + (c as u32 - '๐' as u32) as u8),
        _ => c,
    }
}

/// Writes ASCII digits as Thai digits (for documents that want them).
pub fn to_thai_digits(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '0'..='9' => char::from_u32('๐' as u32 + (c as u32 - '0' as u32)).unwrap_or(c),
            _ => c,
        })
        .collect()
}

/// Why a typed number was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NumberError {
    #[error("not a number: {0:?}")]
    NotANumber(String),
    #[error("number out of range: {0:?}")]
    OutOfRange(String),
}

impl NumberError {
    pub fn message_th(&self) -> String {
        match self {
            NumberError::NotANumber(s) => format!("\"{s}\" ไม่ใช่ตัวเลข"),
            NumberError::OutOfRange(s) => format!("ตัวเลข \"{s}\" อยู่นอกช่วงที่รับได้"),
        }
    }
}

/// Parses an integer typed by a person: Thai or Arabic digits, optional sign, thousands
/// separators (`,`), surrounding spaces, and a trailing `บาท` are accepted.
pub fn parse_int(input: &str) -> Result<i64, NumberError> {
    let cleaned = clean_number(input);
    if cleaned.is_empty() {
        return Err(NumberError::NotANumber(input.to_string()));
    }
    if !cleaned
        .trim_start_matches(['-', '+'])
        .chars()
        .all(|c| c.is_ascii_digit())
    {
        return Err(NumberError::NotANumber(input.to_string()));
    }
    cleaned
        .parse::<i64>()
        .map_err(|_| NumberError::OutOfRange(input.to_string()))
}

/// Parses a decimal number typed by a person (Thai or Arabic digits, `,` separators).
pub fn parse_decimal(input: &str) -> Result<f64, NumberError> {
    let cleaned = clean_number(input);
    let ok = !cleaned.is_empty()
        && cleaned
            .trim_start_matches(['-', '+'])
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.')
        && cleaned.matches('.').count() <= 1
        && cleaned.trim_start_matches(['-', '+']) != ".";
    if !ok {
        return Err(NumberError::NotANumber(input.to_string()));
    }
    let v: f64 = cleaned
        .parse()
        .map_err(|_| NumberError::NotANumber(input.to_string()))?;
    if v.is_finite() {
        Ok(v)
    } else {
        Err(NumberError::OutOfRange(input.to_string()))
    }
}

/// A whole number with thousands separators: 1234567 → "1,234,567".
pub fn thousands(v: i64) -> String {
    let out = group_digits(&v.unsigned_abs().to_string());
    if v < 0 { format!("-{out}") } else { out }
}

/// A run of ASCII digits with a `,` between each group of three: "1234567" → "1,234,567".
pub fn group_digits(digits: &str) -> String {
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn clean_number(input: &str) -> String {
    let s = normalize_digits(input.trim());
    let s = s.trim_end_matches("บาท").trim();
    s.chars().filter(|c| *c != ',' && *c != ' ').collect()
}

/// Converts a UTC instant to Bangkok local time.
pub fn to_bangkok(t: OffsetDateTime) -> OffsetDateTime {
    t.to_offset(BANGKOK)
}

/// "26 พฤศจิกายน 2569" — a date in Thai with a Buddhist-era year.
pub fn format_date_th(d: Date) -> String {
    format!(
        "{} {} {}",
        d.day(),
        MONTHS_TH[usize::from(u8::from(d.month())) - 1],
        d.year() + BE_OFFSET
    )
}

/// "26 ม.ค. 2569" — the short form used in tables.
pub fn format_date_th_short(d: Date) -> String {
    format!(
        "{} {} {}",
        d.day(),
        MONTHS_TH_SHORT[usize::from(u8::from(d.month())) - 1],
        d.year() + BE_OFFSET
    )
}

/// "26 November 2026" — the English form (Common Era, as English readers expect).
pub fn format_date_en(d: Date) -> String {
    format!(
        "{} {} {}",
        d.day(),
        MONTHS_EN[usize::from(u8::from(d.month())) - 1],
        d.year()
    )
}

/// A UTC instant shown in Bangkok time, Thai form: "26 พฤศจิกายน 2569 14:05 น."
pub fn format_datetime_th(t: OffsetDateTime) -> String {
    let l = to_bangkok(t);
    format!(
        "{} {:02}:{:02} น.",
        format_date_th(l.date()),
        l.hour(),
        l.minute()
    )
}

/// A UTC instant shown in Bangkok time, English form.
pub fn format_datetime_en(t: OffsetDateTime) -> String {
    let l = to_bangkok(t);
    format!(
        "{} {:02}:{:02}",
        format_date_en(l.date()),
        l.hour(),
        l.minute()
    )
}

/// Parses a date typed as `YYYY-MM-DD` or `DD/MM/YYYY`, in Thai or Arabic digits. A year
/// above 2400 is read as Buddhist Era (what Thai users type); otherwise as Common Era.
pub fn parse_date(input: &str) -> Option<Date> {
    let s = normalize_digits(input.trim());
    let parts: Vec<&str> = if s.contains('-') {
        s.split('-').collect()
    } else {
        let mut p: Vec<&str> = s.split('/').collect();
        p.reverse();
        p
    };
    if parts.len() != 3 {
        return None;
    }
    let mut year: i32 = parts[0].trim().parse().ok()?;
    let month: u8 = parts[1].trim().parse().ok()?;
    let day: u8 = parts[2].trim().parse().ok()?;
    if year > 2400 {
        year -= BE_OFFSET;
    }
    let month = time::Month::try_from(month).ok()?;
    Date::from_calendar_date(year, month, day).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    #[test]
    fn thai_digits_round_trip() {
        assert_eq!(normalize_digits("๒๕๖๖ ปี 12"), "2566 ปี 12");
        assert_eq!(to_thai_digits("2566"), "๒๕๖๖");
    }

    #[test]
    fn parse_int_accepts_thai_digits_and_separators() {
        assert_eq!(parse_int("๑๐,๐๐๐"), Ok(10_000));
        assert_eq!(parse_int(" 25,000 บาท"), Ok(25_000));
        assert_eq!(parse_int("-๕"), Ok(-5));
        assert!(parse_int("สิบ").is_err());
        assert!(parse_int("").is_err());
        assert!(parse_int("1.5").is_err());
        assert!(matches!(
            parse_int("99999999999999999999"),
            Err(NumberError::OutOfRange(_))
        ));
    }

    #[test]
    fn parse_decimal_accepts_thai_digits() {
        assert_eq!(parse_decimal("๘๕.๕"), Ok(85.5));
        assert!(parse_decimal("1.2.3").is_err());
        assert!(parse_decimal(".").is_err());
    }

    #[test]
    fn dates_are_buddhist_era_with_thai_months() {
        assert_eq!(format_date_th(date!(2026 - 11 - 26)), "26 พฤศจิกายน 2569");
        assert_eq!(format_date_th_short(date!(2023 - 01 - 02)), "2 ม.ค. 2566");
        assert_eq!(format_date_en(date!(2026 - 11 - 26)), "26 November 2026");
    }

    #[test]
    fn instants_are_shown_in_bangkok_time() {
        // 20:30 UTC is 03:30 the next morning in Bangkok.
        let t = datetime!(2026-11-26 20:30 UTC);
        assert_eq!(format_datetime_th(t), "27 พฤศจิกายน 2569 03:30 น.");
    }

    #[test]
    fn typed_dates_in_either_era() {
        assert_eq!(parse_date("๒๕๖๙-๑๑-๒๖"), Some(date!(2026 - 11 - 26)));
        assert_eq!(parse_date("26/11/2569"), Some(date!(2026 - 11 - 26)));
        assert_eq!(parse_date("2026-11-26"), Some(date!(2026 - 11 - 26)));
        assert_eq!(parse_date("2026-02-30"), None);
        assert_eq!(parse_date("hello"), None);
    }
}
