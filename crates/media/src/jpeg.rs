//! JPEG without metadata: the segments that carry EXIF (with GPS), XMP, IPTC, comments
//! and thumbnails are dropped; the tables, frame header and entropy-coded data are copied
//! unchanged.

use crate::{MediaError, be16};

const KIND: &str = "JPEG";

fn bad(detail: &'static str) -> MediaError {
    MediaError::malformed(KIND, detail)
}

/// Segment markers (the byte after 0xFF).
pub const SOI: u8 = 0xD8;
pub const EOI: u8 = 0xD9;
pub const SOS: u8 = 0xDA;
pub const COM: u8 = 0xFE;
pub const APP0: u8 = 0xE0;
pub const APP1: u8 = 0xE1;
pub const APP2: u8 = 0xE2;
pub const APP14: u8 = 0xEE;

/// Whether a marker starts a frame (SOF0–SOF15 minus DHT, JPG and DAC).
fn is_sof(m: u8) -> bool {
    (0xC0..=0xCF).contains(&m) && !matches!(m, 0xC4 | 0xC8 | 0xCC)
}

/// What to do with one marker segment, given its payload (after the length).
enum Keep {
    Yes,
    No,
    /// JFIF APP0 rewritten without its thumbnail.
    Rewrite(Vec<u8>),
}

fn decide(marker: u8, payload: &[u8]) -> Keep {
    match marker {
        APP0 => {
            if payload.starts_with(b"JFIF\0") && payload.len() >= 14 {
                // Keep version, units and density; no thumbnail.
                let mut seg = vec![0xFF, APP0, 0x00, 16];
                seg.extend_from_slice(&payload[..12]);
                seg.extend_from_slice(&[0, 0]);
                Keep::Rewrite(seg)
            } else {
                // JFXX (thumbnails) and anything else.
                Keep::No
            }
        }
        APP2 if payload.starts_with(b"ICC_PROFILE\0") => Keep::Yes,
        APP14 if payload.starts_with(b"Adobe") => Keep::Yes,
        0xE1..=0xEF | COM => Keep::No,
        _ => Keep::Yes,
    }
}

/// The JPEG without metadata segments. Refuses files that do not have the structure of a
/// JPEG image (SOI, a frame header, a scan, EOI); data after EOI is dropped.
pub fn strip(b: &[u8]) -> Result<Vec<u8>, MediaError> {
    if !b.starts_with(&[0xFF, SOI]) {
        return Err(bad("no start-of-image marker"));
    }
    let mut out = Vec::with_capacity(b.len());
    out.extend_from_slice(&[0xFF, SOI]);
    let mut pos = 2;
    let mut seen_sof = false;
    let mut seen_sos = false;
    loop {
        // A marker: one or more 0xFF, then the code.
        if b.get(pos) != Some(&0xFF) {
            return Err(bad("expected a marker"));
        }
        while b.get(pos) == Some(&0xFF) {
            pos += 1;
        }
        let marker = *b.get(pos).ok_or(bad("truncated"))?;
        pos += 1;
        match marker {
            EOI => {
                if !(seen_sof && seen_sos) {
                    return Err(bad("no image data"));
                }
                out.extend_from_slice(&[0xFF, EOI]);
                return Ok(out);
            }
            SOI | 0x00 => return Err(bad("unexpected marker")),
            0x01 | 0xD0..=0xD7 => {
                // Standalone markers without a length.
                out.extend_from_slice(&[0xFF, marker]);
                continue;
            }
            _ => {}
        }
        let len = usize::from(be16(b, pos).ok_or(bad("truncated segment length"))?);
        if len < 2 {
            return Err(bad("segment length too small"));
        }
        let end = pos + len;
        let payload = b.get(pos + 2..end).ok_or(bad("truncated segment"))?;
        let segment = &b[pos - 2..end];
        if is_sof(marker) {
            seen_sof = true;
        }
        match decide(marker, payload) {
            Keep::Yes => out.extend_from_slice(segment),
            Keep::No => {}
            Keep::Rewrite(seg) => out.extend_from_slice(&seg),
        }
        pos = end;
        if marker == SOS {
            if !seen_sof {
                return Err(bad("scan before frame header"));
            }
            seen_sos = true;
            // Entropy-coded data runs to the next marker that is not a stuffed 0xFF00
            // or a restart marker.
            let start = pos;
            loop {
                let ff = b[pos..]
                    .iter()
                    .position(|&x| x == 0xFF)
                    .map(|i| pos + i)
                    .ok_or(bad("scan data runs to the end of the file"))?;
                match b.get(ff + 1) {
                    None => return Err(bad("truncated scan data")),
                    Some(0x00) | Some(0xD0..=0xD7) | Some(0xFF) => pos = ff + 1,
                    Some(_) => {
                        pos = ff;
                        break;
                    }
                }
            }
            out.extend_from_slice(&b[start..pos]);
        }
    }
}

/// Marker segments of a JPEG in order, as (marker, offset of the 0xFF): for tests and
/// diagnostics. Stops quietly at the first thing it does not understand.
pub fn segments(b: &[u8]) -> Vec<(u8, usize)> {
    let mut out = Vec::new();
    let mut pos = 0;
    while pos + 1 < b.len() && b[pos] == 0xFF {
        let at = pos;
        while b.get(pos) == Some(&0xFF) {
            pos += 1;
        }
        let Some(&m) = b.get(pos) else { break };
        pos += 1;
        out.push((m, at));
        if m == EOI {
            break;
        }
        if matches!(m, SOI | 0x01 | 0xD0..=0xD7) {
            continue;
        }
        let Some(len) = be16(b, pos) else { break };
        pos += usize::from(len);
        if m == SOS {
            while pos + 1 < b.len()
                && (b[pos] != 0xFF || matches!(b[pos + 1], 0x00 | 0xD0..=0xD7 | 0xFF))
            {
                pos += 1;
            }
        }
    }
    out
}
