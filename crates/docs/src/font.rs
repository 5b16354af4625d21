//! The embedded fonts, text shaping with rustybuzz, and the per-document glyph → CID
//! bookkeeping that the PDF writer needs (subsetting, widths, ToUnicode).

use std::collections::HashMap;

use rustybuzz::{Face, Language, UnicodeBuffer};
use subsetter::GlyphRemapper;

use crate::DocsError;

/// TLWG Laksaman (TH Sarabun design), regular. GPL-2+ with font exception.
pub static LAKSAMAN_REGULAR: &[u8] = include_bytes!("../../../assets/fonts/Laksaman.ttf");
/// TLWG Laksaman, bold.
pub static LAKSAMAN_BOLD: &[u8] = include_bytes!("../../../assets/fonts/Laksaman-Bold.ttf");

/// Which of the embedded faces to use.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Weight {
    Regular,
    Bold,
}

/// Glyph ids that shaping `text` with the embedded font gives, in order. A 0 is
/// `.notdef`: the font has no glyph for a character and a viewer would draw a box.
pub fn glyph_ids(text: &str, weight: Weight) -> Result<Vec<u16>, DocsError> {
    Ok(FontFace::load(weight)?
        .shape(text)
        .iter()
        .map(|g| g.gid)
        .collect())
}

/// One parsed font face.
pub(crate) struct FontFace {
    pub(crate) data: &'static [u8],
    pub(crate) face: Face<'static>,
    pub(crate) postscript_name: &'static str,
    pub(crate) units_per_em: f32,
    pub(crate) ascender: f32,
    pub(crate) descender: f32,
    pub(crate) cap_height: f32,
    pub(crate) bbox: [f32; 4],
    pub(crate) language: Option<Language>,
}

/// A glyph as shaped: glyph id in the original font, the byte offset of its cluster in
/// the shaped text, and positioning in font units.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ShapedGlyph {
    pub(crate) gid: u16,
    pub(crate) cluster: usize,
    pub(crate) x_advance: i32,
    pub(crate) x_offset: i32,
    pub(crate) y_offset: i32,
}

impl FontFace {
    pub(crate) fn load(weight: Weight) -> Result<Self, DocsError> {
        let (data, postscript_name) = match weight {
            Weight::Regular => (LAKSAMAN_REGULAR, "Laksaman"),
            Weight::Bold => (LAKSAMAN_BOLD, "Laksaman-Bold"),
        };
        let face =
            Face::from_slice(data, 0).ok_or(DocsError::Font("cannot parse embedded font"))?;
        let units_per_em = face.units_per_em() as f32;
        let r = face.global_bounding_box();
        let bbox = [
            f32::from(r.x_min),
            f32::from(r.y_min),
            f32::from(r.x_max),
            f32::from(r.y_max),
        ];
        let cap_height = face.capital_height().map_or(units_per_em * 0.7, f32::from);
        Ok(Self {
            data,
            ascender: f32::from(face.ascender()),
            descender: f32::from(face.descender()),
            face,
            postscript_name,
            units_per_em,
            cap_height,
            bbox,
            language: "th".parse().ok(),
        })
    }

    /// Shape `text` as one left-to-right run. Text with any Thai letter is shaped with
    /// the Thai script (so the Thai shaper and the font's `thai` GSUB/GPOS lookups run,
    /// which place the marks); other text lets the buffer guess.
    pub(crate) fn shape(&self, text: &str) -> Vec<ShapedGlyph> {
        let mut buf = UnicodeBuffer::new();
        buf.push_str(text);
        buf.set_direction(rustybuzz::Direction::LeftToRight);
        if text.chars().any(crate::text::is_thai) {
            buf.set_script(rustybuzz::script::THAI);
            if let Some(lang) = &self.language {
                buf.set_language(lang.clone());
            }
        } else {
            buf.guess_segment_properties();
        }
        let out = rustybuzz::shape(&self.face, &[], buf);
        out.glyph_infos()
            .iter()
            .zip(out.glyph_positions())
            .map(|(info, pos)| ShapedGlyph {
                gid: u16::try_from(info.glyph_id).unwrap_or(0),
                cluster: info.cluster as usize,
                x_advance: pos.x_advance,
                x_offset: pos.x_offset,
                y_offset: pos.y_offset,
            })
            .collect()
    }

    /// Advance width of a glyph from `hmtx`, in font units.
    pub(crate) fn advance(&self, gid: u16) -> f32 {
        self.face
            .glyph_hor_advance(rustybuzz::ttf_parser::GlyphId(gid))
            .map_or(0.0, f32::from)
    }

    /// Scale from font units to points at `size`.
    pub(crate) fn scale(&self, size: f32) -> f32 {
        size / self.units_per_em
    }
}

/// Per-byte prefix widths of a shaped text, so that the width of any byte range can be
/// read in O(1) while wrapping. Glyphs count towards the byte offset of their cluster.
pub(crate) struct Measure {
    prefix: Vec<f32>,
}

impl Measure {
    pub(crate) fn new(font: &FontFace, text: &str, size: f32) -> Self {
        let mut per_byte = vec![0.0f32; text.len() + 1];
        let scale = font.scale(size);
        for g in font.shape(text) {
            if let Some(slot) = per_byte.get_mut(g.cluster) {
                *slot += g.x_advance as f32 * scale;
            }
        }
        let mut prefix = Vec::with_capacity(per_byte.len() + 1);
        let mut acc = 0.0;
        prefix.push(0.0);
        for w in per_byte {
            acc += w;
            prefix.push(acc);
        }
        Self { prefix }
    }

    pub(crate) fn width(&self, start: usize, end: usize) -> f32 {
        let a = self.prefix.get(start).copied().unwrap_or(0.0);
        let b = self.prefix.get(end).copied().unwrap_or(a);
        b - a
    }
}

/// A glyph placed for output: its CID in the document's font and its position relative
/// to the start of the run, in points.
#[derive(Clone, Copy, Debug)]
pub(crate) struct PlacedGlyph {
    pub(crate) cid: u16,
    pub(crate) x: f32,
    pub(crate) y: f32,
}

/// What the PDF needs to know about one CID.
pub(crate) struct CidEntry {
    pub(crate) gid: u16,
    pub(crate) text: String,
}

/// One font as used by one document. Every distinct (glyph, text) pair gets its own CID,
/// so the ToUnicode map can give each glyph occurrence exactly the text it came from
/// even when one glyph serves different text (or a cluster has several glyphs).
pub(crate) struct DocFont {
    pub(crate) face: FontFace,
    pub(crate) cids: HashMap<(u16, String), u16>,
    pub(crate) entries: Vec<CidEntry>,
}

impl DocFont {
    pub(crate) fn new(face: FontFace) -> Self {
        Self {
            face,
            cids: HashMap::new(),
            // CID 0 is .notdef.
            entries: vec![CidEntry {
                gid: 0,
                text: String::new(),
            }],
        }
    }

    pub(crate) fn is_used(&self) -> bool {
        self.entries.len() > 1
    }

    fn cid_for(&mut self, gid: u16, text: &str) -> Result<u16, DocsError> {
        if let Some(&cid) = self.cids.get(&(gid, text.to_string())) {
            return Ok(cid);
        }
        let cid = u16::try_from(self.entries.len()).map_err(|_| DocsError::TooManyGlyphs)?;
        self.entries.push(CidEntry {
            gid,
            text: text.to_string(),
        });
        self.cids.insert((gid, text.to_string()), cid);
        Ok(cid)
    }

    /// Shape one line of text and give every glyph a CID and a position.
    /// Returns the glyphs and the advance width of the whole line in points.
    pub(crate) fn place(
        &mut self,
        text: &str,
        size: f32,
    ) -> Result<(Vec<PlacedGlyph>, f32), DocsError> {
        let glyphs = self.face.shape(text);
        let scale = self.face.scale(size);
        // Clusters are monotonic for left-to-right text; a cluster's text runs from its
        // offset to the next larger offset.
        let mut boundaries: Vec<usize> = glyphs.iter().map(|g| g.cluster).collect();
        boundaries.push(text.len());
        boundaries.sort_unstable();
        boundaries.dedup();
        let mut placed = Vec::with_capacity(glyphs.len());
        let mut pen = 0.0f32;
        let mut prev_cluster = None;
        for g in &glyphs {
            let first_of_cluster = prev_cluster != Some(g.cluster);
            prev_cluster = Some(g.cluster);
            let cluster_text = if first_of_cluster {
                let end = boundaries
                    .iter()
                    .copied()
                    .find(|&b| b > g.cluster)
                    .unwrap_or(text.len());
                text.get(g.cluster..end).unwrap_or("")
            } else {
                ""
            };
            let cid = self.cid_for(g.gid, cluster_text)?;
            placed.push(PlacedGlyph {
                cid,
                x: pen + g.x_offset as f32 * scale,
                y: g.y_offset as f32 * scale,
            });
            pen += g.x_advance as f32 * scale;
        }
        Ok((placed, pen))
    }

    /// Width of a CID's glyph in PDF glyph space (1/1000 em).
    pub(crate) fn cid_width(&self, cid: u16) -> f32 {
        self.entries.get(usize::from(cid)).map_or(0.0, |e| {
            self.face.advance(e.gid) * 1000.0 / self.face.units_per_em
        })
    }

    /// Subset the font to the glyphs used. Returns the font program and, per CID, the
    /// glyph id in the subset.
    pub(crate) fn subset(&self) -> Result<(Vec<u8>, Vec<u16>), DocsError> {
        let mut remapper = GlyphRemapper::new();
        let cid_to_gid: Vec<u16> = self.entries.iter().map(|e| remapper.remap(e.gid)).collect();
        let program = subsetter::subset(self.face.data, 0, &remapper)
            .map_err(|e| DocsError::Subset(e.to_string()))?;
        Ok((program, cid_to_gid))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thai_text_shapes_to_real_glyphs() -> Result<(), DocsError> {
        for w in [Weight::Regular, Weight::Bold] {
            let f = FontFace::load(w)?;
            for text in [
                "โครงการส่งเสริมการปฏิบัติงานตามประมวลจริยธรรม",
                "ผู้ที่มีส่วนได้เสีย น้ำ ปั้น ฤๅษี ญาติ ฐาน",
                "ปี ๒๕๖๖ ร้อยละ ๘๐ (2566) 120,000 บาท",
            ] {
                let glyphs = f.shape(text);
                assert!(!glyphs.is_empty());
                assert!(
                    glyphs.iter().all(|g| g.gid != 0),
                    "{text}: .notdef (tofu) in {glyphs:?}"
                );
            }
        }
        Ok(())
    }

    #[test]
    fn marks_are_positioned_and_take_no_advance() -> Result<(), DocsError> {
        let f = FontFace::load(Weight::Regular)?;
        // ป + ั + ้ : the tone mark over MAI HAN-AKAT must be lifted (GPOS mark-to-mark)
        // or replaced by a raised glyph (GSUB); either way the marks add no width.
        let g = f.shape("ปั้");
        assert_eq!(g.len(), 3, "{g:?}");
        assert!(g[0].x_advance > 0);
        assert_eq!(g[1].x_advance, 0, "{g:?}");
        assert_eq!(g[2].x_advance, 0, "{g:?}");
        // The tone mark alone after a consonant with no upper vowel sits lower than
        // the one stacked on MAI HAN-AKAT: compare the glyph or the offset.
        let plain = f.shape("ป้");
        assert!(
            plain[1].gid != g[2].gid || plain[1].y_offset < g[2].y_offset,
            "tone mark not raised above the vowel: {plain:?} vs {g:?}"
        );
        Ok(())
    }

    #[test]
    fn sara_am_cluster_keeps_its_text() -> Result<(), DocsError> {
        let mut f = DocFont::new(FontFace::load(Weight::Regular)?);
        let (placed, width) = f.place("น้ำ", 16.0)?;
        assert!(width > 0.0);
        let text: String = placed
            .iter()
            .map(|p| f.entries[usize::from(p.cid)].text.as_str())
            .collect();
        assert_eq!(text, "น้ำ");
        Ok(())
    }
}
