//! Sealing whistleblower fields at rest (การเข้ารหัสข้อมูลผู้แจ้งเบาะแส).
//!
//! The identity, contact and free text of a corruption report are stored only sealed:
//! XChaCha20-Poly1305 under a 32-byte key that lives outside the database (a key file in
//! the data directory or an environment variable), so a copy of the database or a backup
//! alone reveals nothing.
//!
//! A sealed value is text: `v1:<key id>:<base64url(nonce ‖ ciphertext ‖ tag)>`. The
//! 24-byte nonce is random for every seal. The associated data ([`Aad`]) binds the value to
//! its organization, its report and its field name, so a sealed field copied into another
//! row or another column fails to open instead of showing the wrong person's data.
//!
//! Keys rotate through a [`Keyring`]: new values are sealed under the current key, old
//! values open under the key their prefix names, and [`Keyring::needs_reseal`] tells
//! which stored values to re-seal before an old key is retired.
//!
//! [`Redacted`] wraps any value that must never reach a log: its `Debug` and `Display`
//! print `[redacted]`.

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore;
use serde::{Deserialize, Deserializer};
use std::fmt;

const VERSION: &str = "v1";
const NONCE_LEN: usize = 24;
const TAG_LEN: usize = 16;
const B64: data_encoding::Encoding = data_encoding::BASE64URL_NOPAD;

/// Why a value could not be sealed or opened, or a key not read. The messages never
/// contain the plaintext or key material.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SealError {
    #[error("sealed value is malformed")]
    Malformed,
    #[error("sealed value has unknown version {0:?}")]
    UnknownVersion(String),
    #[error("no key with id {0:?} in the keyring: was a retired key removed too early?")]
    UnknownKey(String),
    #[error("sealed value does not open: wrong key, wrong record or field, or tampered with")]
    Tampered,
    #[error("opened value is not UTF-8 text")]
    NotText,
    #[error("key ids are 1–16 characters of a–z, 0–9, '_' or '-', got {0:?}")]
    BadKeyId(String),
    #[error("a sealing key must be 32 bytes in base64 or hex")]
    BadKey,
    #[error("keyring: {0}")]
    BadKeyring(String),
    #[error("value too large to seal")]
    TooLarge,
}

impl SealError {
    pub fn message_th(&self) -> String {
        match self {
            SealError::Malformed => "ข้อมูลที่เข้ารหัสไว้มีรูปแบบไม่ถูกต้อง".into(),
            SealError::UnknownVersion(v) => format!("ไม่รู้จักรุ่นการเข้ารหัส \"{v}\""),
            SealError::UnknownKey(k) => {
                format!("ไม่พบกุญแจรหัส \"{k}\" ในชุดกุญแจ (อาจถอดกุญแจเก่าออกเร็วเกินไป)")
            }
            SealError::Tampered => "ถอดรหัสไม่ได้: กุญแจผิด ระเบียนหรือช่องข้อมูลไม่ตรง หรือข้อมูลถูกแก้ไข".into(),
            SealError::NotText => "ข้อมูลที่ถอดรหัสแล้วไม่ใช่ข้อความ".into(),
            SealError::BadKeyId(k) => {
                format!("รหัสกุญแจต้องยาว 1–16 ตัว ใช้ a–z, 0–9, '_' หรือ '-' เท่านั้น (ได้รับ \"{k}\")")
            }
            SealError::BadKey => "กุญแจเข้ารหัสต้องยาว 32 ไบต์ ในรูป base64 หรือเลขฐานสิบหก".into(),
            SealError::BadKeyring(m) => format!("ชุดกุญแจไม่ถูกต้อง: {m}"),
            SealError::TooLarge => "ข้อมูลใหญ่เกินกว่าจะเข้ารหัสได้".into(),
        }
    }
}

/// A key's name, written in every value sealed with it (e.g. `k2025a`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct KeyId(String);

impl KeyId {
    pub fn parse(s: &str) -> Result<Self, SealError> {
        let ok = (1..=16).contains(&s.len())
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-');
        if ok {
            Ok(Self(s.to_string()))
        } else {
            Err(SealError::BadKeyId(s.to_string()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A 32-byte sealing key with its id. `Debug` shows only the id.
#[derive(Clone)]
pub struct SealKey {
    id: KeyId,
    bytes: [u8; 32],
}

impl SealKey {
    pub fn new(id: KeyId, bytes: [u8; 32]) -> Self {
        Self { id, bytes }
    }

    /// A fresh random key.
    pub fn generate<R: RngCore + ?Sized>(rng: &mut R, id: KeyId) -> Self {
        let mut bytes = [0u8; 32];
        rng.fill_bytes(&mut bytes);
        Self { id, bytes }
    }

    /// A key from its text form: 32 bytes as base64 (standard or URL-safe, padded or not)
    /// or as 64 hex digits, as kept in a key file or an environment variable.
    pub fn from_text(id: KeyId, text: &str) -> Result<Self, SealError> {
        let t = text.trim();
        let decoded = if t.len() == 64 && t.bytes().all(|b| b.is_ascii_hexdigit()) {
            data_encoding::HEXLOWER_PERMISSIVE.decode(t.as_bytes()).ok()
        } else {
            let t = t.trim_end_matches('=');
            data_encoding::BASE64_NOPAD
                .decode(t.as_bytes())
                .or_else(|_| B64.decode(t.as_bytes()))
                .ok()
        };
        let bytes: [u8; 32] = decoded
            .and_then(|v| v.try_into().ok())
            .ok_or(SealError::BadKey)?;
        Ok(Self { id, bytes })
    }

    /// The key as base64 for a key file.
    pub fn to_text(&self) -> String {
        data_encoding::BASE64.encode(&self.bytes)
    }

    pub fn id(&self) -> &KeyId {
        &self.id
    }
}

impl fmt::Debug for SealKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SealKey({}, [redacted])", self.id.0)
    }
}

/// What a sealed value belongs to: organization, report and field. Sealing and opening
/// must name the same three, so ciphertexts cannot be moved between rows or columns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Aad {
    bytes: Vec<u8>,
}

impl Aad {
    /// `org_id` and `report_id` are the stored ids (as text, whatever their type);
    /// `field` names the column, e.g. `"reporter_name"`.
    pub fn new(org_id: impl fmt::Display, report_id: impl fmt::Display, field: &str) -> Self {
        let mut bytes = Vec::new();
        // Length-prefixed parts: ("1","23") and ("12","3") must differ.
        for part in [
            "prongsai-seal".to_string(),
            VERSION.to_string(),
            org_id.to_string(),
            report_id.to_string(),
            field.to_string(),
        ] {
            bytes.extend_from_slice(&(part.len() as u64).to_be_bytes());
            bytes.extend_from_slice(part.as_bytes());
        }
        Self { bytes }
    }
}

/// Seals `plaintext` under `key` for the record and field `aad` names, with a random nonce.
pub fn seal(key: &SealKey, plaintext: &str, aad: &Aad) -> Result<String, SealError> {
    seal_with_rng(&mut rand::rngs::OsRng, key, plaintext, aad)
}

/// [`seal`] with a given source of randomness (for deterministic tests).
pub fn seal_with_rng<R: RngCore + ?Sized>(
    rng: &mut R,
    key: &SealKey,
    plaintext: &str,
    aad: &Aad,
) -> Result<String, SealError> {
    let mut nonce = [0u8; NONCE_LEN];
    rng.fill_bytes(&mut nonce);
    let cipher = XChaCha20Poly1305::new((&key.bytes).into());
    let ct = cipher
        .encrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: plaintext.as_bytes(),
                aad: &aad_with_key(aad, &key.id),
            },
        )
        .map_err(|_| SealError::TooLarge)?;
    let mut out = Vec::with_capacity(NONCE_LEN + ct.len());
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&ct);
    Ok(format!("{VERSION}:{}:{}", key.id.0, B64.encode(&out)))
}

/// The key id is authenticated too: editing the prefix can only make opening fail.
fn aad_with_key(aad: &Aad, id: &KeyId) -> Vec<u8> {
    let mut v = aad.bytes.clone();
    v.extend_from_slice(&(id.0.len() as u64).to_be_bytes());
    v.extend_from_slice(id.0.as_bytes());
    v
}

/// The version and key id of a sealed value, without opening it.
pub fn sealed_key_id(sealed: &str) -> Result<KeyId, SealError> {
    let mut parts = sealed.splitn(3, ':');
    let (Some(version), Some(id), Some(_)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(SealError::Malformed);
    };
    if version != VERSION {
        return Err(SealError::UnknownVersion(version.chars().take(8).collect()));
    }
    KeyId::parse(id).map_err(|_| SealError::Malformed)
}

/// Opens a value sealed with [`seal`] under `key` for the same `aad`.
pub fn open(key: &SealKey, sealed: &str, aad: &Aad) -> Result<String, SealError> {
    let id = sealed_key_id(sealed)?;
    if id != key.id {
        return Err(SealError::UnknownKey(id.0));
    }
    let body = sealed.splitn(3, ':').nth(2).ok_or(SealError::Malformed)?;
    let raw = B64
        .decode(body.as_bytes())
        .map_err(|_| SealError::Malformed)?;
    if raw.len() < NONCE_LEN + TAG_LEN {
        return Err(SealError::Malformed);
    }
    let (nonce, ct) = raw.split_at(NONCE_LEN);
    let cipher = XChaCha20Poly1305::new((&key.bytes).into());
    let pt = cipher
        .decrypt(
            XNonce::from_slice(nonce),
            Payload {
                msg: ct,
                aad: &aad_with_key(aad, &key.id),
            },
        )
        .map_err(|_| SealError::Tampered)?;
    String::from_utf8(pt).map_err(|_| SealError::NotText)
}

/// Every key an installation holds, and which one seals new values.
#[derive(Debug, Clone)]
pub struct Keyring {
    current: KeyId,
    keys: Vec<SealKey>,
}

impl Keyring {
    /// A keyring whose current key is `current`; `older` keys only open.
    pub fn new(current: SealKey, older: Vec<SealKey>) -> Result<Self, SealError> {
        let mut keys = vec![current];
        for k in older {
            if keys.iter().any(|o| o.id == k.id) {
                return Err(SealError::BadKeyring(format!("key id {:?} twice", k.id.0)));
            }
            keys.push(k);
        }
        Ok(Self {
            current: keys[0].id.clone(),
            keys,
        })
    }

    /// Reads a key file:
    ///
    /// ```text
    /// # Prongsai sealing keys. Keep this file out of backups of the database.
    /// current = k2
    /// k1 = <32 bytes, base64>
    /// k2 = <32 bytes, base64>
    /// ```
    ///
    /// Without a `current` line, the last key listed is current.
    pub fn parse(text: &str) -> Result<Self, SealError> {
        let mut current: Option<String> = None;
        let mut keys: Vec<SealKey> = Vec::new();
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let Some((name, value)) = line.split_once('=') else {
                return Err(SealError::BadKeyring(format!(
                    "line {}: expected name = value",
                    n + 1
                )));
            };
            let (name, value) = (name.trim(), value.trim());
            if name == "current" {
                current = Some(value.to_string());
                continue;
            }
            let key = SealKey::from_text(KeyId::parse(name)?, value)
                .map_err(|_| SealError::BadKeyring(format!("line {}: bad key {name:?}", n + 1)))?;
            if keys.iter().any(|k| k.id == key.id) {
                return Err(SealError::BadKeyring(format!("key id {name:?} twice")));
            }
            keys.push(key);
        }
        let current_id = match current {
            Some(c) => KeyId::parse(&c)?,
            None => keys
                .last()
                .map(|k| k.id.clone())
                .ok_or_else(|| SealError::BadKeyring("no keys".into()))?,
        };
        if !keys.iter().any(|k| k.id == current_id) {
            return Err(SealError::UnknownKey(current_id.0));
        }
        Ok(Self {
            current: current_id,
            keys,
        })
    }

    /// The key file text for this keyring (see [`Keyring::parse`]).
    pub fn to_text(&self) -> String {
        let mut s = format!(
            "# Prongsai sealing keys (XChaCha20-Poly1305).\ncurrent = {}\n",
            self.current.0
        );
        for k in &self.keys {
            s.push_str(&format!("{} = {}\n", k.id.0, k.to_text()));
        }
        s
    }

    pub fn current(&self) -> &SealKey {
        // `new` and `parse` guarantee the current key is in the ring.
        self.get(&self.current).unwrap_or(&self.keys[0])
    }

    pub fn get(&self, id: &KeyId) -> Option<&SealKey> {
        self.keys.iter().find(|k| &k.id == id)
    }

    /// Seals under the current key.
    pub fn seal(&self, plaintext: &str, aad: &Aad) -> Result<String, SealError> {
        seal(self.current(), plaintext, aad)
    }

    /// Opens with whichever key the value names.
    pub fn open(&self, sealed: &str, aad: &Aad) -> Result<String, SealError> {
        let id = sealed_key_id(sealed)?;
        let key = self.get(&id).ok_or(SealError::UnknownKey(id.0))?;
        open(key, sealed, aad)
    }

    /// Whether a stored value was sealed under an older key (or is unreadable).
    pub fn needs_reseal(&self, sealed: &str) -> bool {
        sealed_key_id(sealed).map_or(true, |id| id != self.current)
    }

    /// Opens and seals again under the current key (key rotation).
    pub fn reseal(&self, sealed: &str, aad: &Aad) -> Result<String, SealError> {
        let plain = self.open(sealed, aad)?;
        self.seal(&plain, aad)
    }
}

/// A value that must never appear in logs, error pages or debug output — a reporter's
/// name, contact, a report's text. `Debug` and `Display` print `[redacted]`; the value is
/// reached only through [`Redacted::expose`], which is easy to grep for.
///
/// It deserializes transparently (so form and JSON bodies can hold it) but deliberately
/// does not implement `Serialize`: writing it anywhere must be a visible decision.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Redacted<T>(T);

impl<T> Redacted<T> {
    pub fn new(value: T) -> Self {
        Self(value)
    }

    pub fn expose(&self) -> &T {
        &self.0
    }

    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> From<T> for Redacted<T> {
    fn from(value: T) -> Self {
        Self(value)
    }
}

impl<T> fmt::Debug for Redacted<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl<T> fmt::Display for Redacted<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Redacted<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        T::deserialize(d).map(Redacted)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use proptest::prelude::*;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    fn key(id: &str, seed: u64) -> SealKey {
        SealKey::generate(&mut StdRng::seed_from_u64(seed), KeyId::parse(id).unwrap())
    }

    const NAME: &str = "สมชาย ใจดี (unique-marker-8f3a)";

    #[test]
    fn round_trip_and_format() {
        let k = key("k1", 1);
        let aad = Aad::new(3, 41, "reporter_name");
        let sealed = seal(&k, NAME, &aad).unwrap();
        assert!(sealed.starts_with("v1:k1:"), "{sealed}");
        assert!(!sealed.contains("unique-marker"));
        assert_eq!(open(&k, &sealed, &aad).unwrap(), NAME);
        // Random nonce: sealing twice gives different text.
        assert_ne!(seal(&k, NAME, &aad).unwrap(), sealed);
        assert_eq!(open(&k, &seal(&k, "", &aad).unwrap(), &aad).unwrap(), "");
    }

    #[test]
    fn wrong_aad_wrong_key_and_tampering_are_refused() {
        let k = key("k1", 1);
        let aad = Aad::new(3, 41, "reporter_name");
        let sealed = seal(&k, NAME, &aad).unwrap();
        // Another field, another report, another organization.
        for other in [
            Aad::new(3, 41, "reporter_contact"),
            Aad::new(3, 42, "reporter_name"),
            Aad::new(4, 41, "reporter_name"),
            Aad::new(34, 1, "reporter_name"),
        ] {
            assert_eq!(open(&k, &sealed, &other), Err(SealError::Tampered));
        }
        // Same id, different key material.
        let impostor = SealKey::new(KeyId::parse("k1").unwrap(), [9; 32]);
        assert_eq!(open(&impostor, &sealed, &aad), Err(SealError::Tampered));
        // Different key id.
        assert!(matches!(
            open(&key("k2", 1), &sealed, &aad),
            Err(SealError::UnknownKey(_))
        ));
        // Every flipped symbol of the body is caught.
        let prefix = "v1:k1:".len();
        for i in prefix..sealed.len() {
            let mut bytes = sealed.clone().into_bytes();
            bytes[i] = if bytes[i] == b'A' { b'B' } else { b'A' };
            let t = String::from_utf8(bytes).unwrap();
            if t == sealed {
                continue;
            }
            assert!(open(&k, &t, &aad).is_err(), "tampered byte {i} accepted");
        }
        // Truncation, garbage, other versions.
        assert!(open(&k, &sealed[..sealed.len() - 3], &aad).is_err());
        assert_eq!(open(&k, "v1:k1:AAAA", &aad), Err(SealError::Malformed));
        assert_eq!(open(&k, "plain text", &aad), Err(SealError::Malformed));
        assert!(matches!(
            open(&k, "v9:k1:AAAA", &aad),
            Err(SealError::UnknownVersion(_))
        ));
    }

    #[test]
    fn key_id_is_authenticated() {
        // Two keys with the same material but different ids: relabeling must not open.
        let a = SealKey::new(KeyId::parse("a").unwrap(), [5; 32]);
        let b = SealKey::new(KeyId::parse("b").unwrap(), [5; 32]);
        let aad = Aad::new(1, 1, "f");
        let sealed = seal(&a, "x", &aad).unwrap();
        let relabeled = sealed.replacen("v1:a:", "v1:b:", 1);
        assert_eq!(open(&b, &relabeled, &aad), Err(SealError::Tampered));
    }

    #[test]
    fn keyring_rotation() {
        let old = key("k1", 1);
        let new = key("k2", 2);
        let aad = Aad::new(1, 9, "details");
        let old_ring = Keyring::new(old.clone(), vec![]).unwrap();
        let stored = old_ring.seal("เงินทอนในโครงการถนน", &aad).unwrap();

        let ring = Keyring::new(new.clone(), vec![old.clone()]).unwrap();
        assert!(ring.needs_reseal(&stored));
        assert_eq!(ring.open(&stored, &aad).unwrap(), "เงินทอนในโครงการถนน");
        let resealed = ring.reseal(&stored, &aad).unwrap();
        assert!(resealed.starts_with("v1:k2:"));
        assert!(!ring.needs_reseal(&resealed));
        // After the old key is retired, only re-sealed values open.
        let retired = Keyring::new(new, vec![]).unwrap();
        assert!(matches!(
            retired.open(&stored, &aad),
            Err(SealError::UnknownKey(_))
        ));
        assert!(retired.open(&resealed, &aad).is_ok());
        assert!(Keyring::new(old.clone(), vec![old]).is_err());
    }

    #[test]
    fn keyring_file_round_trip_and_errors() {
        let ring = Keyring::new(key("k2", 2), vec![key("k1", 1)]).unwrap();
        let text = ring.to_text();
        let back = Keyring::parse(&text).unwrap();
        assert_eq!(back.current().id().as_str(), "k2");
        let aad = Aad::new(1, 1, "f");
        assert_eq!(
            back.open(&ring.seal("x", &aad).unwrap(), &aad).unwrap(),
            "x"
        );
        // No current line: the last key is current.
        let k = key("z", 3);
        let hex = data_encoding::HEXLOWER.encode(&k.bytes);
        let ring2 = Keyring::parse(&format!("a = {}\nz = {hex}\n", key("a", 4).to_text())).unwrap();
        assert_eq!(ring2.current().id().as_str(), "z");
        assert!(Keyring::parse("").is_err());
        assert!(Keyring::parse("k1 = short").is_err());
        assert!(
            Keyring::parse("current = k9\nk1 = AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")
                .is_err()
        );
        assert!(Keyring::parse("Bad Id = AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=").is_err());
        assert!(KeyId::parse("").is_err());
        assert!(KeyId::parse("k:1").is_err());
        // Key material never shows in Debug.
        let dbg = format!("{ring:?}");
        assert!(!dbg.contains(&ring.current().to_text()), "{dbg}");
    }

    #[test]
    fn redacted_never_prints_its_value() {
        let r = Redacted::new(NAME.to_string());
        assert_eq!(format!("{r:?}"), "[redacted]");
        assert_eq!(format!("{r}"), "[redacted]");
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct Form {
            name: Redacted<String>,
            phone: Option<Redacted<String>>,
        }
        let f: Form =
            serde_json::from_str(&format!(r#"{{"name":"{NAME}","phone":"0812345678"}}"#)).unwrap();
        let dbg = format!("{f:?}");
        assert!(
            !dbg.contains("unique-marker") && !dbg.contains("0812345678"),
            "{dbg}"
        );
        assert_eq!(f.name.expose(), NAME);
        assert_eq!(Redacted::from(5).into_inner(), 5);
    }

    proptest! {
        #[test]
        fn open_never_panics(s in "\\PC{0,80}") {
            let k = key("k1", 1);
            let _ = open(&k, &s, &Aad::new(1, 1, "f"));
            let _ = open(&k, &format!("v1:k1:{s}"), &Aad::new(1, 1, "f"));
        }

        #[test]
        fn any_text_round_trips(s in "\\PC{0,200}", org in any::<i64>(), id in any::<i64>()) {
            let k = key("k1", 1);
            let aad = Aad::new(org, id, "details");
            let sealed = seal(&k, &s, &aad).unwrap();
            prop_assert_eq!(open(&k, &sealed, &aad).unwrap(), s);
        }
    }
}
