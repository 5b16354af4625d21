//! Time-based one-time passwords (RFC 6238): HMAC-SHA1, 6 digits, 30-second steps, and
//! one step of clock drift either way. Secrets are 20 random bytes, shown in base32.

use data_encoding::BASE32_NOPAD;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha1::Sha1;

pub const STEP_SECONDS: u64 = 30;
pub const DIGITS: u32 = 6;

/// A fresh secret, base32 without padding (what authenticator apps expect).
pub fn new_secret() -> String {
    let mut b = [0u8; 20];
    rand::rngs::OsRng.fill_bytes(&mut b);
    BASE32_NOPAD.encode(&b)
}

/// The code for a secret at a step counter (RFC 4226 HOTP), or `None` for a bad secret.
pub fn hotp(secret_b32: &str, counter: u64) -> Option<u32> {
    let key = BASE32_NOPAD
        .decode(secret_b32.trim().to_ascii_uppercase().as_bytes())
        .ok()?;
    let mut mac = Hmac::<Sha1>::new_from_slice(&key).ok()?;
    mac.update(&counter.to_be_bytes());
    let h = mac.finalize().into_bytes();
    let offset = usize::from(h[h.len() - 1] & 0x0f);
    let bin = (u32::from(h[offset] & 0x7f) << 24)
        | (u32::from(h[offset + 1]) << 16)
        | (u32::from(h[offset + 2]) << 8)
        | u32::from(h[offset + 3]);
    Some(bin % 10u32.pow(DIGITS))
}

/// The 6-digit code at a Unix time, zero-padded.
pub fn code_at(secret_b32: &str, unix_seconds: u64) -> Option<String> {
    hotp(secret_b32, unix_seconds / STEP_SECONDS).map(|c| format!("{c:06}"))
}

/// Checks a typed code (Thai digits and spaces allowed) at a time, ±1 step.
pub fn verify_at(secret_b32: &str, typed: &str, unix_seconds: u64) -> bool {
    matching_step_at(secret_b32, typed, unix_seconds).is_some()
}

/// The time step (±1 around `unix_seconds`) whose code was typed, the latest if several
/// match, or `None`. Callers that accept the code claim the step with
/// `prongsai_store::users::use_totp_step`, so that no code works twice.
pub fn matching_step_at(secret_b32: &str, typed: &str, unix_seconds: u64) -> Option<u64> {
    let code: String = prongsai_domain::thai::normalize_digits(typed)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    if code.len() != DIGITS as usize || !code.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let step = unix_seconds / STEP_SECONDS;
    [step + 1, step, step.saturating_sub(1)]
        .into_iter()
        .find(|s| {
            hotp(secret_b32, *s)
                .map(|c| crate::middleware::csrf::constant_time_eq(&format!("{c:06}"), &code))
                .unwrap_or(false)
        })
}

/// The step of a typed code now (see [`matching_step_at`]).
pub fn matching_step(secret_b32: &str, typed: &str) -> Option<u64> {
    matching_step_at(secret_b32, typed, now())
}

/// Checks a typed code now and claims its step for the account: false for a wrong code
/// and for a code (or an earlier one) already used — a replay.
pub async fn accept(
    conn: &mut sqlx::AnyConnection,
    user_id: i64,
    secret_b32: &str,
    typed: &str,
) -> Result<bool, prongsai_store::StoreError> {
    let Some(step) = matching_step(secret_b32, typed).and_then(|s| i64::try_from(s).ok()) else {
        return Ok(false);
    };
    prongsai_store::users::use_totp_step(conn, user_id, step).await
}

/// Checks a typed code now.
pub fn verify(secret_b32: &str, typed: &str) -> bool {
    verify_at(secret_b32, typed, now())
}

pub fn now() -> u64 {
    u64::try_from(time::OffsetDateTime::now_utc().unix_timestamp()).unwrap_or(0)
}

/// The `otpauth://` URI an authenticator app reads.
pub fn otpauth_uri(secret_b32: &str, issuer: &str, account: &str) -> String {
    let enc = crate::page::url_encode;
    format!(
        "otpauth://totp/{}:{}?secret={}&issuer={}&algorithm=SHA1&digits={}&period={}",
        enc(issuer),
        enc(account),
        secret_b32,
        enc(issuer),
        DIGITS,
        STEP_SECONDS
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B, SHA-1 rows (secret "12345678901234567890"), last 6 digits.
    #[test]
    fn rfc6238_test_vectors() {
        let secret = BASE32_NOPAD.encode(b"12345678901234567890");
        for (t, code) in [
            (59, "287082"),
            (1111111109, "081804"),
            (1111111111, "050471"),
            (1234567890, "005924"),
            (2000000000, "279037"),
        ] {
            assert_eq!(code_at(&secret, t).as_deref(), Some(code), "t = {t}");
        }
    }

    #[test]
    fn accepts_one_step_of_drift_and_thai_digits() {
        let s = new_secret();
        let t = 1_700_000_000;
        let code = code_at(&s, t).unwrap_or_default();
        assert!(verify_at(&s, &code, t));
        assert!(verify_at(&s, &code, t + 30));
        assert!(verify_at(&s, &code, t - 30));
        assert!(!verify_at(&s, &code, t + 90));
        let thai = prongsai_domain::thai::to_thai_digits(&code);
        assert!(verify_at(&s, &thai, t));
        assert!(!verify_at(&s, "12345", t));
        assert!(!verify_at("not base32!", "123456", t));
    }

    #[test]
    fn the_matching_step_is_the_codes_own() {
        let s = new_secret();
        let t = 1_700_000_010;
        let step = t / STEP_SECONDS;
        let code = code_at(&s, t).unwrap_or_default();
        assert_eq!(matching_step_at(&s, &code, t), Some(step));
        assert_eq!(matching_step_at(&s, &code, t + 30), Some(step));
        assert_eq!(matching_step_at(&s, &code, t - 30), Some(step));
        assert_eq!(matching_step_at(&s, &code, t + 90), None);
    }
}
