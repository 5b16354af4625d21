//! Metadata stripping, one test per format, on files assembled here around tiny real
//! images (`fixtures/`, made once with Pillow). Where Pillow or poppler is installed, the
//! cleaned files are also decoded by them.
#![allow(clippy::unwrap_used)]

use prongsai_media::{MediaError, MediaType, jpeg, png, sniff, strip_metadata, webp};
use proptest::prelude::*;
use std::process::Command;

const TINY_JPEG: &[u8] = include_bytes!("fixtures/tiny.jpg");
const TINY_PNG: &[u8] = include_bytes!("fixtures/tiny.png");
const WEBP_WITH_META: &[u8] = include_bytes!("fixtures/tiny_meta.webp");

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

fn segment(marker: u8, payload: &[u8]) -> Vec<u8> {
    let mut s = vec![0xFF, marker];
    s.extend_from_slice(&u16::try_from(payload.len() + 2).unwrap().to_be_bytes());
    s.extend_from_slice(payload);
    s
}

/// An EXIF APP1 payload, big-endian TIFF, whose IFD0 points to a GPS IFD holding
/// latitude 13°41'N and longitude 101°4'E (Chachoengsao).
fn exif_with_gps() -> Vec<u8> {
    let mut t = Vec::new();
    t.extend_from_slice(b"MM\x00\x2A\x00\x00\x00\x08");
    // IFD0 at 8: one entry, GPSInfo (0x8825) LONG 1 → offset 26.
    t.extend_from_slice(&1u16.to_be_bytes());
    t.extend_from_slice(&[0x88, 0x25, 0x00, 0x04, 0, 0, 0, 1, 0, 0, 0, 26]);
    t.extend_from_slice(&0u32.to_be_bytes());
    // GPS IFD at 26: four entries, values after it at 26 + 2 + 4*12 + 4 = 80.
    t.extend_from_slice(&4u16.to_be_bytes());
    t.extend_from_slice(&[0x00, 0x01, 0x00, 0x02, 0, 0, 0, 2, b'N', 0, 0, 0]);
    t.extend_from_slice(&[0x00, 0x02, 0x00, 0x05, 0, 0, 0, 3, 0, 0, 0, 80]);
    t.extend_from_slice(&[0x00, 0x03, 0x00, 0x02, 0, 0, 0, 2, b'E', 0, 0, 0]);
    t.extend_from_slice(&[0x00, 0x04, 0x00, 0x05, 0, 0, 0, 3, 0, 0, 0, 104]);
    t.extend_from_slice(&0u32.to_be_bytes());
    for (num, den) in [(13u32, 1u32), (41, 1), (0, 1), (101, 1), (4, 1), (0, 1)] {
        t.extend_from_slice(&num.to_be_bytes());
        t.extend_from_slice(&den.to_be_bytes());
    }
    let mut p = b"Exif\0\0".to_vec();
    p.extend_from_slice(&t);
    p
}

/// The tiny JPEG with EXIF (GPS), XMP, an ICC profile, IPTC, a comment and a JFIF
/// thumbnail spliced in after SOI.
fn jpeg_with_metadata() -> Vec<u8> {
    assert_eq!(&TINY_JPEG[..4], &[0xFF, 0xD8, 0xFF, 0xE0]);
    let app0_len = usize::from(u16::from_be_bytes([TINY_JPEG[4], TINY_JPEG[5]]));
    let rest = &TINY_JPEG[4 + app0_len..];
    let mut j = vec![0xFF, 0xD8];
    // JFIF with a 1×1 RGB thumbnail.
    j.extend(segment(
        0xE0,
        b"JFIF\0\x01\x01\x00\x00\x01\x00\x01\x01\x01\xAA\xBB\xCC",
    ));
    j.extend(segment(0xE1, &exif_with_gps()));
    j.extend(segment(
        0xE1,
        b"http://ns.adobe.com/xap/1.0/\0<x:xmpmeta>xmp-marker-jpeg</x:xmpmeta>",
    ));
    j.extend(segment(0xE2, b"ICC_PROFILE\0\x01\x01icc-bytes"));
    j.extend(segment(0xE2, b"MPF\0mpf-marker"));
    j.extend(segment(0xED, b"Photoshop 3.0\08BIMiptc-marker"));
    j.extend(segment(0xFE, b"comment-marker"));
    j.extend_from_slice(rest);
    j
}

#[test]
fn jpeg_loses_exif_gps_xmp_iptc_and_comments() {
    let dirty = jpeg_with_metadata();
    assert_eq!(sniff(&dirty), Some(MediaType::Jpeg));
    assert!(contains(&dirty, b"Exif\0\0") && contains(&dirty, &[0x88, 0x25]));
    let clean = strip_metadata(&dirty).unwrap();
    for gone in [
        &b"Exif\0\0"[..],
        &[0x88, 0x25], // the GPSInfo tag
        b"MM\x00\x2A",
        b"xmp-marker",
        b"mpf-marker",
        b"iptc-marker",
        b"comment-marker",
        &[0xAA, 0xBB, 0xCC], // the thumbnail
    ] {
        assert!(!contains(&clean, gone), "{gone:?} survived");
    }
    assert!(
        contains(&clean, b"ICC_PROFILE\0"),
        "the colour profile stays"
    );
    // Structure: SOI, JFIF, tables, frame, scan, EOI — and the scan data unchanged.
    let markers: Vec<u8> = jpeg::segments(&clean).iter().map(|s| s.0).collect();
    assert_eq!(markers.first(), Some(&0xD8));
    assert_eq!(markers.last(), Some(&0xD9));
    assert!(markers.contains(&0xC0), "SOF0 kept: {markers:x?}");
    assert!(markers.contains(&0xDA), "SOS kept");
    assert!(
        markers.contains(&0xDB) && markers.contains(&0xC4),
        "tables kept"
    );
    assert!(
        !markers
            .iter()
            .any(|m| matches!(m, 0xE1 | 0xE3..=0xED | 0xFE))
    );
    let sos = |b: &[u8]| {
        let at = jpeg::segments(b).iter().find(|s| s.0 == 0xDA).unwrap().1;
        b[at..].to_vec()
    };
    assert_eq!(sos(&clean), sos(TINY_JPEG), "scan and EOI byte for byte");
    // Cleaning twice changes nothing more.
    assert_eq!(strip_metadata(&clean).unwrap(), clean);
    decodes_with_pillow(&clean, "jpg", (16, 8));
}

#[test]
fn jpeg_structure_errors_are_errors() {
    let mut no_eoi = TINY_JPEG.to_vec();
    no_eoi.truncate(no_eoi.len() - 2);
    assert!(matches!(
        strip_metadata(&no_eoi),
        Err(MediaError::Malformed { .. })
    ));
    assert!(
        strip_metadata(b"\xFF\xD8\xFF\xD9").is_err(),
        "no image data"
    );
    assert!(strip_metadata(b"\xFF\xD8\xFF\xE1\x00").is_err());
    assert!(strip_metadata(b"\xFF\xD8\xFF\xE1\x00\x01").is_err());
    // Junk after EOI is dropped.
    let mut trailing = TINY_JPEG.to_vec();
    trailing.extend_from_slice(b"secret-trailer");
    assert!(!contains(
        &strip_metadata(&trailing).unwrap(),
        b"secret-trailer"
    ));
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

fn png_chunk(ty: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut c = u32::try_from(data.len()).unwrap().to_be_bytes().to_vec();
    c.extend_from_slice(ty);
    c.extend_from_slice(data);
    let mut crc_in = ty.to_vec();
    crc_in.extend_from_slice(data);
    c.extend_from_slice(&crc32(&crc_in).to_be_bytes());
    c
}

#[test]
fn png_loses_text_time_and_exif_chunks() {
    // IHDR is 8 + 25 bytes; insert metadata chunks after it.
    let (head, tail) = TINY_PNG.split_at(8 + 25);
    let mut dirty = head.to_vec();
    dirty.extend(png_chunk(b"tEXt", b"Author\0text-marker"));
    dirty.extend(png_chunk(
        b"iTXt",
        b"XML:com.adobe.xmp\0\0\0\0\0itxt-marker",
    ));
    dirty.extend(png_chunk(b"zTXt", b"Comment\0\0ztxt-marker"));
    dirty.extend(png_chunk(b"eXIf", b"MM\x00\x2Aexif-marker"));
    dirty.extend(png_chunk(b"tIME", &[0x07, 0xE9, 1, 2, 3, 4, 5]));
    dirty.extend(png_chunk(b"prVt", b"private-marker"));
    dirty.extend(png_chunk(b"pHYs", &[0, 0, 0x0B, 0x13, 0, 0, 0x0B, 0x13, 1]));
    dirty.extend_from_slice(tail);
    let clean = strip_metadata(&dirty).unwrap();
    for gone in [
        &b"text-marker"[..],
        b"itxt-marker",
        b"ztxt-marker",
        b"exif-marker",
        b"tIME",
        b"private-marker",
    ] {
        assert!(!contains(&clean, gone), "{gone:?} survived");
    }
    let types: Vec<[u8; 4]> = png::chunk_types(&clean);
    assert_eq!(types.first(), Some(b"IHDR"));
    assert_eq!(types.last(), Some(b"IEND"));
    assert!(types.contains(b"pHYs") && types.contains(b"IDAT"));
    // Kept chunks are the original bytes, CRCs included.
    assert!(contains(&clean, &TINY_PNG[8..8 + 25]));
    assert!(contains(&clean, tail));
    assert_eq!(strip_metadata(TINY_PNG).unwrap(), TINY_PNG);
    decodes_with_pillow(&clean, "png", (16, 8));
    // Not starting with IHDR, or truncated: refused.
    let mut bad = png::SIGNATURE.to_vec();
    bad.extend(png_chunk(b"tEXt", b"a\0b"));
    assert!(strip_metadata(&bad).is_err());
    assert!(strip_metadata(&TINY_PNG[..TINY_PNG.len() - 5]).is_err());
}

#[test]
fn webp_loses_exif_and_xmp_and_fixes_header() {
    assert!(contains(WEBP_WITH_META, b"CameraMaker-marker"));
    assert!(contains(WEBP_WITH_META, b"xmp-marker-webp"));
    let clean = strip_metadata(WEBP_WITH_META).unwrap();
    assert!(!contains(&clean, b"CameraMaker-marker"));
    assert!(!contains(&clean, b"xmp-marker-webp"));
    let types = webp::chunk_types(&clean);
    assert!(
        !types.iter().any(|t| t == b"EXIF" || t == b"XMP "),
        "{types:?}"
    );
    assert_eq!(types[0], *b"VP8X");
    let flags = clean[20];
    assert_eq!(flags & 0x0C, 0, "EXIF and XMP flags cleared");
    let riff = u32::from_le_bytes([clean[4], clean[5], clean[6], clean[7]]);
    assert_eq!(usize::try_from(riff).unwrap(), clean.len() - 8);
    assert_eq!(strip_metadata(&clean).unwrap(), clean);
    decodes_with_pillow(&clean, "webp", (16, 8));
    // A RIFF size larger than the file: refused.
    let mut lying = WEBP_WITH_META.to_vec();
    lying[4] = 0xFF;
    assert!(strip_metadata(&lying).is_err());
}

/// A small PDF with an information dictionary and an XMP stream, with a correct
/// cross-reference table.
fn pdf_with_metadata() -> Vec<u8> {
    let xmp = "<?xpacket begin=''?><x:xmpmeta><dc:creator>xmp-author-marker</dc:creator></x:xmpmeta><?xpacket end='w'?>";
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R /Metadata 5 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] >>".to_string(),
        "<< /Author (Somchai \\(author-marker\\)) /Creator <6372656174>\n   /Producer (producer-marker) /Title 6 0 R\n   /CreationDate (D:20250101120000+07'00') /Trapped /False >>".to_string(),
        format!("<< /Type /Metadata /Subtype /XML /Length {} >>\nstream\n{xmp}\nendstream", xmp.len() + 1),
        "(title-marker)".to_string(),
    ];
    let mut pdf = b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n{body}\nendobj\n", i + 1).as_bytes());
    }
    let xref = pdf.len();
    pdf.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for o in offsets {
        pdf.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    pdf.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R /Info 4 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    pdf
}

#[test]
fn pdf_loses_info_strings_and_xmp_in_place() {
    let dirty = pdf_with_metadata();
    let clean = strip_metadata(&dirty).unwrap();
    assert_eq!(
        clean.len(),
        dirty.len(),
        "offsets in the xref table stay valid"
    );
    for gone in [
        &b"author-marker"[..],
        b"Somchai",
        b"<6372656174>",
        b"producer-marker",
        b"title-marker",
        b"D:2025",
        b"xmp-author-marker",
        b"xpacket",
    ] {
        assert!(
            !contains(&clean, gone),
            "{:?} survived",
            String::from_utf8_lossy(gone)
        );
    }
    assert!(contains(&clean, b"/Author ()"));
    assert!(contains(&clean, b"<</Type/Metadata/Subtype/XML/Length "));
    assert!(contains(&clean, b"/Trapped /False"));
    assert_eq!(strip_metadata(&clean).unwrap(), clean);
    if let Some(info) = pdfinfo(&dirty) {
        assert!(
            info.contains("author-marker"),
            "pdfinfo reads the fixture: {info}"
        );
        let after = pdfinfo(&clean).expect("pdfinfo reads the cleaned PDF");
        assert!(!after.contains("marker"), "{after}");
        assert!(
            after.contains("Pages:") && after.contains("200 x 100"),
            "{after}"
        );
    }
}

#[test]
fn pdfs_that_cannot_be_cleaned_safely_are_refused() {
    let mut encrypted = pdf_with_metadata();
    let at = encrypted.windows(5).position(|w| w == b"/Info").unwrap();
    encrypted.splice(at..at, b"/Encrypt 9 0 R ".iter().copied());
    assert!(matches!(
        strip_metadata(&encrypted),
        Err(MediaError::PdfNotStrippable(_))
    ));
    // /Info pointing at an object that is not written out plainly (object stream).
    let hidden =
        String::from_utf8_lossy(&pdf_with_metadata()).replace("/Info 4 0 R", "/Info 9 0 R");
    assert!(matches!(
        strip_metadata(hidden.as_bytes()),
        Err(MediaError::PdfNotStrippable(_))
    ));
    assert!(!MediaError::PdfNotStrippable("x").message_th().is_empty());
}

#[test]
fn only_accepted_types_are_stripped() {
    assert_eq!(
        strip_metadata(b"<svg onload='x'/>"),
        Err(MediaError::Unsupported)
    );
    assert_eq!(strip_metadata(b""), Err(MediaError::Empty));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn never_panics_on_random_bytes(body in proptest::collection::vec(any::<u8>(), 0..300), kind in 0usize..5) {
        let prefix: &[u8] = match kind {
            0 => b"\xFF\xD8\xFF",
            1 => png::SIGNATURE,
            2 => b"RIFF\x20\x00\x00\x00WEBP",
            3 => b"%PDF-1.4\n",
            _ => b"",
        };
        let mut b = prefix.to_vec();
        b.extend_from_slice(&body);
        let _ = strip_metadata(&b);
        let _ = sniff(&b);
        let _ = jpeg::segments(&b);
        let _ = png::chunk_types(&b);
        let _ = webp::chunk_types(&b);
    }

    #[test]
    fn never_panics_on_truncated_or_mutated_files(
        which in 0usize..4,
        cut in any::<prop::sample::Index>(),
        flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..4),
    ) {
        let full = match which {
            0 => jpeg_with_metadata(),
            1 => TINY_PNG.to_vec(),
            2 => WEBP_WITH_META.to_vec(),
            _ => pdf_with_metadata(),
        };
        let mut b = full[..cut.index(full.len() + 1)].to_vec();
        if !b.is_empty() {
            for (i, v) in &flips {
                let at = i.index(b.len());
                b[at] = *v;
            }
        }
        if let Ok(clean) = strip_metadata(&b) {
            // Whatever comes out is still the same type of file.
            prop_assert_eq!(sniff(&clean), sniff(&b));
            if sniff(&b) == Some(MediaType::Pdf) {
                prop_assert_eq!(clean.len(), b.len());
            }
        }
    }
}

/// Decodes `bytes` with Pillow (from the tests' Python venv) and checks the size.
fn decodes_with_pillow(bytes: &[u8], ext: &str, size: (u32, u32)) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(format!("clean.{ext}"));
    std::fs::write(&path, bytes).unwrap();
    let out = Command::new(clients_python())
        .args([
            "-c",
            "import sys; from PIL import Image\nim = Image.open(sys.argv[1]); im.load()\nprint(im.size[0], im.size[1], 'exif' in im.info, 'xmp' in im.info)",
        ])
        .arg(&path)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "Pillow failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(stdout.trim(), format!("{} {} False False", size.0, size.1));
}

/// `pdfinfo` output, if poppler-utils is installed.
fn pdfinfo(bytes: &[u8]) -> Option<String> {
    let dir = tempfile::tempdir().ok()?;
    let path = dir.path().join("doc.pdf");
    std::fs::write(&path, bytes).ok()?;
    let out = Command::new("pdfinfo").arg(&path).output().ok()?;
    if !out.status.success() {
        return Some(format!(
            "pdfinfo failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Files written by Pillow itself — a progressive JPEG and a lossless WebP, both with
/// EXIF GPS data — come out without it and still decode. Skipped without Pillow.
#[test]
fn pillow_made_files_with_gps_are_cleaned() {
    let dir = tempfile::tempdir().unwrap();
    let script = r#"
import sys
from PIL import Image
im = Image.new('RGB', (40, 30), (200, 30, 30))
exif = Image.Exif()
exif[0x010f] = 'maker-marker'
exif.get_ifd(0x8825)[2] = (13.0, 41.0, 0.0)
exif.get_ifd(0x8825)[1] = 'N'
d = sys.argv[1]
im.save(d + '/p.jpg', 'JPEG', progressive=True, exif=exif.tobytes(), comment=b'comment-marker')
im.save(d + '/l.webp', 'WEBP', lossless=True, exif=exif.tobytes())
"#;
    let made = Command::new(clients_python())
        .args(["-c", script])
        .arg(dir.path())
        .output();
    if !made.as_ref().is_ok_and(|o| o.status.success()) {
        panic!("Pillow could not write the test images: {made:?}");
    }
    for (name, ext) in [("p.jpg", "jpg"), ("l.webp", "webp")] {
        let dirty = std::fs::read(dir.path().join(name)).unwrap();
        assert!(contains(&dirty, b"maker-marker"), "{name} fixture has EXIF");
        let clean = strip_metadata(&dirty).unwrap();
        assert!(!contains(&clean, b"maker-marker"), "{name}");
        assert!(!contains(&clean, b"comment-marker"), "{name}");
        assert!(!contains(&clean, b"Exif\0\0"), "{name}");
        decodes_with_pillow(&clean, ext, (40, 30));
    }
}

/// The Python of `tests/clients/.venv` (libcoveocds, ocdscardinal, ckanapi, openpyxl,
/// pillow), created or updated on first use by `tests/clients/setup.sh` (pip, from PyPI).
fn clients_python() -> std::path::PathBuf {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/clients");
    let out = std::process::Command::new("bash")
        .arg(dir.join("setup.sh"))
        .output()
        .expect("bash runs tests/clients/setup.sh");
    assert!(
        out.status.success(),
        "tests/clients/setup.sh failed (it needs python3 with venv and access to PyPI):\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    dir.join(".venv/bin/python")
}
