//! PNG without metadata: critical chunks and the ancillary chunks that only describe
//! pixels are copied unchanged (CRCs included); every other chunk — tEXt, iTXt, zTXt,
//! eXIf, tIME and any unknown ancillary chunk — is dropped.

use crate::{MediaError, be32};

pub const SIGNATURE: &[u8; 8] = b"\x89PNG\r\n\x1a\n";

const KIND: &str = "PNG";

fn bad(detail: &'static str) -> MediaError {
    MediaError::malformed(KIND, detail)
}

/// Ancillary chunks kept: colour space, transparency, background, physical size,
/// suggested palette, histogram, and APNG animation control/frames.
const KEEP_ANCILLARY: [&[u8; 4]; 16] = [
    b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"iCCP", b"sBIT", b"bKGD", b"pHYs", b"hIST", b"sPLT",
    b"cICP", b"mDCV", b"cLLI", b"acTL", b"fcTL", b"fdAT",
];

/// Whether a chunk type is critical (upper-case first letter): those are always kept.
fn is_critical(t: &[u8]) -> bool {
    t.first().is_some_and(|c| c.is_ascii_uppercase())
}

fn keep(t: &[u8]) -> bool {
    is_critical(t) || KEEP_ANCILLARY.iter().any(|k| &k[..] == t)
}

/// The PNG without metadata chunks; data after IEND is dropped.
pub fn strip(b: &[u8]) -> Result<Vec<u8>, MediaError> {
    if !b.starts_with(SIGNATURE) {
        return Err(bad("no PNG signature"));
    }
    let mut out = Vec::with_capacity(b.len());
    out.extend_from_slice(SIGNATURE);
    let mut pos = SIGNATURE.len();
    let mut first = true;
    loop {
        let len = usize::try_from(be32(b, pos).ok_or(bad("truncated chunk header"))?)
            .map_err(|_| bad("chunk too long"))?;
        let t = b
            .get(pos + 4..pos + 8)
            .ok_or(bad("truncated chunk header"))?;
        if !t.iter().all(u8::is_ascii_alphabetic) {
            return Err(bad("invalid chunk type"));
        }
        let end = pos
            .checked_add(12)
            .and_then(|e| e.checked_add(len))
            .ok_or(bad("chunk too long"))?;
        let chunk = b.get(pos..end).ok_or(bad("truncated chunk"))?;
        if first && t != b"IHDR" {
            return Err(bad("first chunk is not IHDR"));
        }
        first = false;
        if keep(t) {
            out.extend_from_slice(chunk);
        }
        pos = end;
        if t == b"IEND" {
            return Ok(out);
        }
    }
}

/// The chunk types of a PNG in order (for tests and diagnostics).
pub fn chunk_types(b: &[u8]) -> Vec<[u8; 4]> {
    let mut out = Vec::new();
    let mut pos = SIGNATURE.len();
    while let (Some(len), Some(t)) = (be32(b, pos), b.get(pos + 4..pos + 8)) {
        let mut ty = [0u8; 4];
        ty.copy_from_slice(t);
        out.push(ty);
        match usize::try_from(len)
            .ok()
            .and_then(|l| pos.checked_add(12 + l))
        {
            Some(next) if &ty != b"IEND" => pos = next,
            _ => break,
        }
    }
    out
}
