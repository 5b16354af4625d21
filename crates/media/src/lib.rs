//! Files attached to complaints (เรื่องร้องเรียน) and corruption reports (เบาะแส):
//! what type they are, whether they are small enough, and the same file without the
//! metadata that could identify who made it (ข้อมูลแฝงในไฟล์: EXIF, GPS, XMP, ผู้สร้างเอกสาร).
//!
//! - [`sniff`] decides the type from the first bytes, never from the file name or the
//!   browser's claim. Only JPEG, PNG, WebP and PDF are accepted; SVG, HTML and everything
//!   else are refused, because they can carry scripts.
//! - [`check`] adds the size limits ([`Limits`]).
//! - [`strip_metadata`] rewrites the file without metadata:
//!   - JPEG ([`jpeg`]): drops APP1 (EXIF with GPS, XMP), APP2 except ICC profiles,
//!     APP3–APP13 and APP15 (IPTC lives in APP13), COM, and JFIF thumbnails; keeps the
//!     image data byte for byte. APP14 "Adobe" stays: it tells decoders how to read the
//!     colours of CMYK images and holds nothing personal.
//!   - PNG ([`png`]): keeps critical chunks and a short list of ancillary chunks that
//!     only describe pixels (colour, transparency, animation); drops the rest, which
//!     includes tEXt, iTXt, zTXt, eXIf and tIME. Kept chunks are copied with their CRCs.
//!   - WebP ([`webp`]): drops EXIF, XMP and unknown chunks, clears the EXIF and XMP flags
//!     of VP8X, fixes the RIFF size.
//!   - PDF ([`pdf`]): blanks, in place and without changing the file's length (so the
//!     cross-reference offsets stay right), every string in the document information
//!     dictionary (Author, Creator, Producer, Title, Subject, Keywords, CreationDate,
//!     ModDate, and custom keys) and the content of every XMP metadata stream. Encrypted
//!     PDFs, and PDFs whose information dictionary sits in a compressed object stream,
//!     are refused with [`MediaError::PdfNotStrippable`]: those are kept as uploaded, for
//!     staff only, and never published. Text and images *inside* a PDF page are content,
//!     not metadata: a PDF is published only after a person has looked at it.
//!
//! Nothing here panics on any input, however malformed (tested with random and truncated
//! bytes).

pub mod jpeg;
pub mod pdf;
pub mod png;
pub mod webp;

use serde::{Deserialize, Serialize};

/// The file types Prongsai accepts as attachments.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MediaType {
    Jpeg,
    Png,
    WebP,
    Pdf,
}

impl MediaType {
    pub fn mime(self) -> &'static str {
        match self {
            MediaType::Jpeg => "image/jpeg",
            MediaType::Png => "image/png",
            MediaType::WebP => "image/webp",
            MediaType::Pdf => "application/pdf",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            MediaType::Jpeg => "jpg",
            MediaType::Png => "png",
            MediaType::WebP => "webp",
            MediaType::Pdf => "pdf",
        }
    }

    pub fn is_image(self) -> bool {
        !matches!(self, MediaType::Pdf)
    }
}

/// The type of a file from its magic bytes, or `None` for anything not accepted.
pub fn sniff(bytes: &[u8]) -> Option<MediaType> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(MediaType::Jpeg)
    } else if bytes.starts_with(png::SIGNATURE) {
        Some(MediaType::Png)
    } else if bytes.len() >= 12 && &bytes[0..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some(MediaType::WebP)
    } else if bytes.starts_with(b"%PDF-") {
        Some(MediaType::Pdf)
    } else {
        None
    }
}

/// Size limits for one uploaded file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limits {
    pub max_image_bytes: usize,
    pub max_pdf_bytes: usize,
}

impl Default for Limits {
    /// 10 MiB for a photo (a phone camera's JPEG is 2–6 MiB), 20 MiB for a PDF.
    fn default() -> Self {
        Self {
            max_image_bytes: 10 * 1024 * 1024,
            max_pdf_bytes: 20 * 1024 * 1024,
        }
    }
}

impl Limits {
    pub fn max_for(self, t: MediaType) -> usize {
        if t.is_image() {
            self.max_image_bytes
        } else {
            self.max_pdf_bytes
        }
    }
}

/// Why an upload was refused or could not be cleaned.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MediaError {
    #[error("the file is empty")]
    Empty,
    #[error("only JPEG, PNG, WebP and PDF files are accepted")]
    Unsupported,
    #[error("the file is too large: {size} bytes, at most {max} bytes for this type")]
    TooLarge { size: usize, max: usize },
    #[error("the file is damaged or not a valid {kind}: {detail}")]
    Malformed {
        kind: &'static str,
        detail: &'static str,
    },
    #[error("the PDF's metadata cannot be removed safely ({0}); it is kept for staff only")]
    PdfNotStrippable(&'static str),
}

impl MediaError {
    pub fn message_th(&self) -> String {
        match self {
            MediaError::Empty => "ไฟล์ว่างเปล่า".into(),
            MediaError::Unsupported => "รับเฉพาะไฟล์ JPEG, PNG, WebP และ PDF".into(),
            MediaError::TooLarge { size, max } => {
                format!("ไฟล์ใหญ่เกินไป ({size} ไบต์) ขนาดสูงสุด {max} ไบต์")
            }
            MediaError::Malformed { kind, .. } => {
                format!("ไฟล์เสียหายหรือไม่ใช่ไฟล์ {kind} ที่ถูกต้อง")
            }
            MediaError::PdfNotStrippable(_) => {
                "ไม่สามารถลบข้อมูลแฝงในไฟล์ PDF นี้ได้อย่างปลอดภัย ไฟล์จะเก็บไว้ให้เจ้าหน้าที่ดูเท่านั้น".into()
            }
        }
    }

    pub(crate) fn malformed(kind: &'static str, detail: &'static str) -> Self {
        MediaError::Malformed { kind, detail }
    }
}

/// The type of an upload, if it is accepted and within `limits`.
pub fn check(bytes: &[u8], limits: Limits) -> Result<MediaType, MediaError> {
    if bytes.is_empty() {
        return Err(MediaError::Empty);
    }
    let t = sniff(bytes).ok_or(MediaError::Unsupported)?;
    let max = limits.max_for(t);
    if bytes.len() > max {
        return Err(MediaError::TooLarge {
            size: bytes.len(),
            max,
        });
    }
    Ok(t)
}

/// The file without its metadata (see the module documentation for what is removed).
pub fn strip_metadata(bytes: &[u8]) -> Result<Vec<u8>, MediaError> {
    if bytes.is_empty() {
        return Err(MediaError::Empty);
    }
    match sniff(bytes).ok_or(MediaError::Unsupported)? {
        MediaType::Jpeg => jpeg::strip(bytes),
        MediaType::Png => png::strip(bytes),
        MediaType::WebP => webp::strip(bytes),
        MediaType::Pdf => pdf::strip(bytes),
    }
}

/// Reads a big-endian u16 at `at`, if there.
pub(crate) fn be16(b: &[u8], at: usize) -> Option<u16> {
    let s = b.get(at..at.checked_add(2)?)?;
    Some(u16::from_be_bytes([s[0], s[1]]))
}

/// Reads a big-endian u32 at `at`, if there.
pub(crate) fn be32(b: &[u8], at: usize) -> Option<u32> {
    let s = b.get(at..at.checked_add(4)?)?;
    Some(u32::from_be_bytes([s[0], s[1], s[2], s[3]]))
}

/// Reads a little-endian u32 at `at`, if there.
pub(crate) fn le32(b: &[u8], at: usize) -> Option<u32> {
    let s = b.get(at..at.checked_add(4)?)?;
    Some(u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_by_magic_bytes_only() {
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0]), Some(MediaType::Jpeg));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n...."), Some(MediaType::Png));
        assert_eq!(sniff(b"RIFF\0\0\0\0WEBPVP8 "), Some(MediaType::WebP));
        assert_eq!(sniff(b"%PDF-1.7\n"), Some(MediaType::Pdf));
        for refused in [
            &b"<svg xmlns='http://www.w3.org/2000/svg'/>"[..],
            b"<?xml version='1.0'?><svg/>",
            b"<!DOCTYPE html><script>alert(1)</script>",
            b"<html>",
            b"GIF89a",
            b"PK\x03\x04",
            b"RIFF\0\0\0\0WAVE",
            b"\xEF\xBB\xBF%PDF-1.4",
            b"",
            b"\xFF\xD8",
        ] {
            assert_eq!(sniff(refused), None, "{refused:?}");
        }
    }

    #[test]
    fn size_limits() {
        let limits = Limits {
            max_image_bytes: 12,
            max_pdf_bytes: 20,
        };
        let png = b"\x89PNG\r\n\x1a\n0123";
        assert_eq!(check(png, limits), Ok(MediaType::Png));
        let mut big = png.to_vec();
        big.extend_from_slice(&[0; 10]);
        assert_eq!(
            check(&big, limits),
            Err(MediaError::TooLarge { size: 22, max: 12 })
        );
        assert_eq!(check(b"", limits), Err(MediaError::Empty));
        assert_eq!(check(b"<svg/>", limits), Err(MediaError::Unsupported));
        assert!(!MediaError::Unsupported.message_th().is_empty());
        assert_eq!(Limits::default().max_for(MediaType::Pdf), 20 * 1024 * 1024);
    }
}
