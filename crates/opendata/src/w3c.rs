//! W3C-profile ISO 8601 date-times ("1994-11-05T08:15:30-05:00"), shown in Asia/Bangkok.

use time::format_description::well_known::Rfc3339;
use time::macros::{format_description, offset};
use time::{Date, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

/// Thailand's offset. Thailand has had no daylight saving time since 1920, so a fixed
/// +07:00 is exactly Asia/Bangkok.
pub const BANGKOK: UtcOffset = offset!(+7);

/// Formats an instant as `YYYY-MM-DDTHH:MM:SS+07:00` (seconds precision, Bangkok offset).
#[must_use]
pub fn format_w3c_bangkok(t: OffsetDateTime) -> String {
    let t = t.to_offset(BANGKOK);
    let fmt = format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second][offset_hour sign:mandatory]:[offset_minute]"
    );
    // The description above only uses components every OffsetDateTime has.
    t.format(&fmt)
        .unwrap_or_else(|_| t.unix_timestamp().to_string())
}

/// A calendar date as the start of that day in Bangkok.
#[must_use]
pub fn date_start_bangkok(d: Date) -> OffsetDateTime {
    PrimitiveDateTime::new(d, Time::MIDNIGHT).assume_offset(BANGKOK)
}

/// Parses a W3C/RFC 3339 date-time that carries a zone (`Z` or `±HH:MM`).
pub fn parse_w3c(s: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(s.trim(), &Rfc3339).ok()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use time::macros::datetime;

    #[test]
    fn formats_in_bangkok() {
        let t = datetime!(2023-01-15 03:00:00 UTC);
        assert_eq!(format_w3c_bangkok(t), "2023-01-15T10:00:00+07:00");
        assert_eq!(parse_w3c("2023-01-15T10:00:00+07:00"), Some(t));
        assert_eq!(
            parse_w3c("1994-11-05T13:15:30Z"),
            parse_w3c("1994-11-05T08:15:30-05:00")
        );
        assert_eq!(parse_w3c("2023-01-15"), None);
    }
}
