//! WebP without metadata: the EXIF and XMP chunks (and unknown chunks) leave the RIFF
//! container, the VP8X header stops announcing them, and the RIFF size is recomputed.

use crate::{MediaError, le32};

const KIND: &str = "WebP";

fn bad(detail: &'static str) -> MediaError {
    MediaError::malformed(KIND, detail)
}

/// VP8X flag bits (first byte of the VP8X payload).
const FLAG_EXIF: u8 = 0x08;
const FLAG_XMP: u8 = 0x04;

/// Chunks kept: image data, alpha, animation, colour profile, and the extended header.
const KEEP: [&[u8; 4]; 7] = [
    b"VP8 ", b"VP8L", b"VP8X", b"ALPH", b"ANIM", b"ANMF", b"ICCP",
];

/// The WebP without EXIF, XMP and unknown chunks; data after the RIFF body is dropped.
pub fn strip(b: &[u8]) -> Result<Vec<u8>, MediaError> {
    if b.len() < 12 || &b[0..4] != b"RIFF" || &b[8..12] != b"WEBP" {
        return Err(bad("no RIFF/WEBP header"));
    }
    let riff_len = usize::try_from(le32(b, 4).ok_or(bad("truncated header"))?)
        .map_err(|_| bad("RIFF size too large"))?;
    // The RIFF size counts from byte 8; a file shorter than it claims is truncated.
    let body_end = riff_len.checked_add(8).ok_or(bad("RIFF size too large"))?;
    if body_end > b.len() || riff_len < 4 {
        return Err(bad("truncated file"));
    }
    let mut chunks: Vec<Vec<u8>> = Vec::new();
    let mut pos = 12;
    let mut image = false;
    while pos < body_end {
        let fourcc = b.get(pos..pos + 4).ok_or(bad("truncated chunk header"))?;
        let len = usize::try_from(le32(b, pos + 4).ok_or(bad("truncated chunk header"))?)
            .map_err(|_| bad("chunk too long"))?;
        let padded = len.checked_add(len & 1).ok_or(bad("chunk too long"))?;
        let end = pos
            .checked_add(8)
            .and_then(|e| e.checked_add(padded))
            .ok_or(bad("chunk too long"))?;
        // The pad byte of the last chunk is sometimes missing; accept that.
        let data_end = pos + 8 + len;
        if data_end > body_end {
            return Err(bad("truncated chunk"));
        }
        if KEEP.iter().any(|k| &k[..] == fourcc) {
            let mut chunk = b[pos..data_end].to_vec();
            if len & 1 == 1 {
                chunk.push(0);
            }
            if fourcc == b"VP8X" {
                let flags = chunk.get_mut(8).ok_or(bad("VP8X chunk too short"))?;
                *flags &= !(FLAG_EXIF | FLAG_XMP);
            }
            if matches!(fourcc, b"VP8 " | b"VP8L" | b"ANMF") {
                image = true;
            }
            chunks.push(chunk);
        }
        pos = end;
    }
    if !image {
        return Err(bad("no image data"));
    }
    let body: usize = 4 + chunks.iter().map(Vec::len).sum::<usize>();
    let body = u32::try_from(body).map_err(|_| bad("file too large"))?;
    let mut out = Vec::with_capacity(b.len());
    out.extend_from_slice(b"RIFF");
    out.extend_from_slice(&body.to_le_bytes());
    out.extend_from_slice(b"WEBP");
    for c in chunks {
        out.extend_from_slice(&c);
    }
    Ok(out)
}

/// The chunk FourCCs of a WebP in order (for tests and diagnostics).
pub fn chunk_types(b: &[u8]) -> Vec<[u8; 4]> {
    let mut out = Vec::new();
    let mut pos = 12;
    while let (Some(t), Some(len)) = (b.get(pos..pos + 4), le32(b, pos + 4)) {
        let mut ty = [0u8; 4];
        ty.copy_from_slice(t);
        out.push(ty);
        let Ok(len) = usize::try_from(len) else { break };
        match pos.checked_add(8 + len + (len & 1)) {
            Some(n) => pos = n,
            None => break,
        }
    }
    out
}
