//! The audit trail's hash chain (บันทึกการตรวจสอบ).
//!
//! Each entry's hash is an HMAC-SHA256, keyed with the installation's audit key (kept
//! outside the database), over the previous entry's hash and the entry's own fields.
//! Editing, inserting or deleting a row in the database breaks the chain at that row,
//! and without the key nobody can forge a consistent chain. Each organization has its
//! own chain (chain 0 is the installation's), so chains shard with the organization.

use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

/// The fields of an audit entry that the hash covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditFields {
    /// Organization whose chain this is; 0 for the installation.
    pub org_id: i64,
    /// Position in the chain, from 1, without gaps.
    pub seq: i64,
    /// Unix time in milliseconds (UTC).
    pub at_ms: i64,
    /// Who acted: a user id, or 0 for the system / command line.
    pub actor_id: i64,
    /// A readable label of the actor (user name or "cli").
    pub actor: String,
    /// What happened, e.g. `user.create`, `org.update`.
    pub action: String,
    /// The kind of thing changed, e.g. `user`.
    pub entity: String,
    /// Its id, as text.
    pub entity_id: String,
    /// JSON of the state before (or `null`).
    pub before: String,
    /// JSON of the state after (or `null`).
    pub after: String,
}

/// The hash of the empty chain: 32 zero bytes, hex.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Hashes an entry given the previous entry's hash (hex). Fields are length-prefixed so
/// that no two different entries hash the same input.
pub fn entry_hash(key: &[u8], prev_hash: &str, f: &AuditFields) -> String {
    let mut mac = match Hmac::<Sha256>::new_from_slice(key) {
        Ok(m) => m,
        // HMAC accepts keys of any length; this arm cannot be reached.
        Err(_) => return String::new(),
    };
    let mut put = |s: &[u8]| {
        mac.update(&(s.len() as u64).to_be_bytes());
        mac.update(s);
    };
    put(prev_hash.as_bytes());
    put(&f.org_id.to_be_bytes());
    put(&f.seq.to_be_bytes());
    put(&f.at_ms.to_be_bytes());
    put(&f.actor_id.to_be_bytes());
    put(f.actor.as_bytes());
    put(f.action.as_bytes());
    put(f.entity.as_bytes());
    put(f.entity_id.as_bytes());
    put(f.before.as_bytes());
    put(f.after.as_bytes());
    data_encoding::HEXLOWER.encode(&mac.finalize().into_bytes())
}

/// A stored entry as read back for verification.
#[derive(Debug, Clone)]
pub struct StoredEntry {
    pub fields: AuditFields,
    pub prev_hash: String,
    pub hash: String,
}

/// Where and how a chain is broken.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainBreak {
    pub org_id: i64,
    /// The sequence number of the first row that does not fit.
    pub seq: i64,
    pub kind: BreakKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BreakKind {
    /// The row's content no longer matches its hash: it was edited.
    Edited,
    /// A row is missing before this one: rows were deleted.
    Deleted,
    /// This row does not follow from the one before: it was inserted.
    Inserted,
    /// The chain ends before the recorded head: rows were deleted from the end.
    Truncated,
}

impl BreakKind {
    pub fn message_en(self) -> &'static str {
        match self {
            BreakKind::Edited => "row was edited outside Prongsai",
            BreakKind::Deleted => "rows before this one were deleted",
            BreakKind::Inserted => "row was inserted outside Prongsai",
            BreakKind::Truncated => "rows after this one were deleted",
        }
    }
}

/// Verifies one organization's chain, given its entries in `seq` order and the head
/// (last seq and hash) recorded when the last entry was appended. Returns the first break.
pub fn verify_chain(
    key: &[u8],
    org_id: i64,
    entries: impl IntoIterator<Item = StoredEntry>,
    head: Option<(i64, String)>,
) -> Result<u64, ChainBreak> {
    let mut prev = GENESIS.to_string();
    let mut expect_seq = 1i64;
    let mut count = 0u64;
    for e in entries {
        let seq = e.fields.seq;
        if seq > expect_seq {
            // A gap: were rows deleted, or is this one inserted with a made-up number?
            let kind = if e.prev_hash == prev {
                BreakKind::Inserted
            } else {
                BreakKind::Deleted
            };
            return Err(ChainBreak { org_id, seq, kind });
        }
        if seq < expect_seq {
            return Err(ChainBreak {
                org_id,
                seq,
                kind: BreakKind::Inserted,
            });
        }
        let computed = entry_hash(key, &e.prev_hash, &e.fields);
        if computed != e.hash {
            return Err(ChainBreak {
                org_id,
                seq,
                kind: BreakKind::Edited,
            });
        }
        if e.prev_hash != prev {
            return Err(ChainBreak {
                org_id,
                seq,
                kind: BreakKind::Inserted,
            });
        }
        prev = e.hash;
        expect_seq += 1;
        count += 1;
    }
    if let Some((head_seq, head_hash)) = head {
        let last = expect_seq - 1;
        if head_seq > last {
            return Err(ChainBreak {
                org_id,
                seq: last,
                kind: BreakKind::Truncated,
            });
        }
        if head_seq == last && head_hash != prev {
            return Err(ChainBreak {
                org_id,
                seq: last,
                kind: BreakKind::Edited,
            });
        }
    }
    Ok(count)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    const KEY: &[u8] = b"test key";

    fn chain(n: i64) -> Vec<StoredEntry> {
        let mut prev = GENESIS.to_string();
        (1..=n)
            .map(|seq| {
                let fields = AuditFields {
                    org_id: 7,
                    seq,
                    at_ms: 1_700_000_000_000 + seq,
                    actor_id: 1,
                    actor: "clerk".into(),
                    action: "org.update".into(),
                    entity: "org".into(),
                    entity_id: "7".into(),
                    before: format!("{{\"n\":{}}}", seq - 1),
                    after: format!("{{\"n\":{seq}}}"),
                };
                let hash = entry_hash(KEY, &prev, &fields);
                let e = StoredEntry {
                    fields,
                    prev_hash: prev.clone(),
                    hash: hash.clone(),
                };
                prev = hash;
                e
            })
            .collect()
    }

    fn head(c: &[StoredEntry]) -> Option<(i64, String)> {
        c.last().map(|e| (e.fields.seq, e.hash.clone()))
    }

    #[test]
    fn intact_chain_verifies() {
        let c = chain(5);
        let h = head(&c);
        assert_eq!(verify_chain(KEY, 7, c, h), Ok(5));
    }

    #[test]
    fn edited_row_is_found() {
        let mut c = chain(5);
        let h = head(&c);
        c[2].fields.after = "{\"n\":999}".into();
        let err = verify_chain(KEY, 7, c, h).unwrap_err();
        assert_eq!((err.seq, err.kind), (3, BreakKind::Edited));
    }

    #[test]
    fn deleted_row_is_found() {
        let mut c = chain(5);
        let h = head(&c);
        c.remove(1);
        let err = verify_chain(KEY, 7, c, h).unwrap_err();
        assert_eq!((err.seq, err.kind), (3, BreakKind::Deleted));
    }

    #[test]
    fn inserted_row_is_found() {
        let mut c = chain(5);
        let h = head(&c);
        let mut fake = c[1].clone();
        fake.fields.action = "user.create".into();
        c.insert(2, fake);
        let err = verify_chain(KEY, 7, c, h).unwrap_err();
        assert_eq!(err.seq, 2);
        assert!(matches!(err.kind, BreakKind::Inserted | BreakKind::Edited));
    }

    #[test]
    fn truncated_tail_is_found() {
        let mut c = chain(5);
        let h = head(&c);
        c.truncate(3);
        let err = verify_chain(KEY, 7, c, h).unwrap_err();
        assert_eq!(err.kind, BreakKind::Truncated);
    }

    #[test]
    fn another_key_cannot_forge() {
        let c = chain(3);
        let h = head(&c);
        assert!(verify_chain(b"other", 7, c, h).is_err());
    }
}
