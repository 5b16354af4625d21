//! .docx → text: paragraphs become lines; table rows become tab-separated
//! lines (cells joined by a tab, paragraphs inside a cell by a space). The
//! zip is read defensively: entry count, per-entry and total size limits
//! (never trusting headers: reads go through a `take()` limit) and a
//! compression-ratio guard against zip bombs.

use std::io::{Cursor, Read};

use quick_xml::Reader;
use quick_xml::events::Event;

use crate::error::{MAX_INPUT_BYTES, PlanError};

pub const MAX_ZIP_ENTRIES: usize = 2_000;
pub const MAX_ENTRY_BYTES: u64 = 50 * 1024 * 1024;
pub const MAX_TOTAL_BYTES: u64 = 200 * 1024 * 1024;
/// Largest uncompressed:compressed ratio accepted for an entry bigger than
/// [`RATIO_FLOOR_BYTES`]. Real Word XML compresses about 5–20:1.
pub const MAX_RATIO: u64 = 100;
pub const RATIO_FLOOR_BYTES: u64 = 1024 * 1024;

const DOCUMENT: &str = "word/document.xml";

pub(crate) fn docx_to_text(bytes: &[u8]) -> Result<String, PlanError> {
    if bytes.len() > MAX_INPUT_BYTES {
        return Err(PlanError::TooLarge {
            size: bytes.len() as u64,
            limit: MAX_INPUT_BYTES as u64,
        });
    }
    let xml = read_document_xml(bytes)?;
    xml_to_text(&xml)
}

fn read_document_xml(bytes: &[u8]) -> Result<Vec<u8>, PlanError> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| PlanError::DocxInvalid(format!("not a readable zip file ({e})")))?;
    let count = zip.len();
    if count > MAX_ZIP_ENTRIES {
        return Err(PlanError::DocxTooManyEntries {
            count,
            limit: MAX_ZIP_ENTRIES,
        });
    }
    // Declared sizes: cheap first checks (they can lie; reads are limited below).
    let mut total: u64 = 0;
    for i in 0..count {
        let f = zip
            .by_index_raw(i)
            .map_err(|e| PlanError::DocxInvalid(format!("damaged zip entry ({e})")))?;
        let size = f.size();
        if size > MAX_ENTRY_BYTES {
            return Err(PlanError::DocxEntryTooLarge {
                name: f.name().to_string(),
                limit: MAX_ENTRY_BYTES,
            });
        }
        total = total.saturating_add(size);
        if total > MAX_TOTAL_BYTES {
            return Err(PlanError::DocxTotalTooLarge {
                limit: MAX_TOTAL_BYTES,
            });
        }
        check_ratio(f.name(), size, f.compressed_size())?;
    }
    let mut f = match zip.by_name(DOCUMENT) {
        Ok(f) => f,
        Err(zip::result::ZipError::FileNotFound) => {
            return Err(PlanError::DocxInvalid(format!(
                "{DOCUMENT} is missing: this is a zip file but not a Word document"
            )));
        }
        Err(e) => {
            return Err(PlanError::DocxInvalid(format!(
                "cannot open {DOCUMENT} ({e})"
            )));
        }
    };
    let compressed = f.compressed_size();
    let mut buf = Vec::new();
    (&mut f)
        .take(MAX_ENTRY_BYTES + 1)
        .read_to_end(&mut buf)
        .map_err(|e| PlanError::DocxInvalid(format!("cannot unpack {DOCUMENT} ({e})")))?;
    if buf.len() as u64 > MAX_ENTRY_BYTES {
        return Err(PlanError::DocxEntryTooLarge {
            name: DOCUMENT.to_string(),
            limit: MAX_ENTRY_BYTES,
        });
    }
    check_ratio(DOCUMENT, buf.len() as u64, compressed)?;
    Ok(buf)
}

fn check_ratio(name: &str, size: u64, compressed: u64) -> Result<(), PlanError> {
    if size > RATIO_FLOOR_BYTES {
        let ratio = size / compressed.max(1);
        if ratio > MAX_RATIO {
            return Err(PlanError::DocxZipBomb {
                name: name.to_string(),
                ratio,
            });
        }
    }
    Ok(())
}

#[derive(Default)]
struct Cell {
    paras: Vec<String>,
    span: usize,
}

/// Convert WordprocessingML to lines of text.
fn xml_to_text(xml: &[u8]) -> Result<String, PlanError> {
    let mut reader = Reader::from_reader(xml);
    reader.config_mut().trim_text(false);
    let mut out: Vec<String> = Vec::new();
    let mut para = String::new();
    let mut in_text = false;
    let mut in_run = false;
    // table stack: each level holds the current row's cells and the current cell
    let mut tables: Vec<(Vec<Cell>, Option<Cell>)> = Vec::new();
    let mut buf = Vec::new();
    loop {
        let ev = reader
            .read_event_into(&mut buf)
            .map_err(|e| PlanError::DocxInvalid(format!("{DOCUMENT} is not valid XML ({e})")))?;
        match ev {
            Event::Start(e) => match e.local_name().as_ref() {
                b"t" => in_text = true,
                b"r" => in_run = true,
                b"tbl" => tables.push((Vec::new(), None)),
                b"tr" => {
                    if let Some(t) = tables.last_mut() {
                        t.0.clear();
                    }
                }
                b"tc" => {
                    if let Some(t) = tables.last_mut() {
                        t.1 = Some(Cell {
                            paras: vec![],
                            span: 1,
                        });
                    }
                }
                b"p" => para.clear(),
                _ => {}
            },
            Event::Empty(e) => match e.local_name().as_ref() {
                b"tab" if in_run => para.push(if tables.is_empty() { '\t' } else { ' ' }),
                b"br" | b"cr" if in_run => {
                    if tables.is_empty() {
                        out.push(std::mem::take(&mut para));
                    } else {
                        para.push(' ');
                    }
                }
                b"noBreakHyphen" => para.push('-'),
                b"gridSpan" => {
                    let span = e
                        .attributes()
                        .flatten()
                        .find(|a| a.key.local_name().as_ref() == b"val")
                        .and_then(|a| {
                            std::str::from_utf8(&a.value)
                                .ok()
                                .and_then(|v| v.trim().parse::<usize>().ok())
                        })
                        .unwrap_or(1);
                    if let Some(Some(c)) = tables.last_mut().map(|t| t.1.as_mut()) {
                        c.span = span.clamp(1, 64);
                    }
                }
                // an empty paragraph
                b"p" if tables.is_empty() => out.push(String::new()),
                _ => {}
            },
            Event::Text(t) if in_text => {
                let s = t
                    .unescape()
                    .map_err(|e| PlanError::DocxInvalid(format!("bad text in {DOCUMENT} ({e})")))?;
                para.push_str(&s);
            }
            Event::CData(t) if in_text => {
                para.push_str(&String::from_utf8_lossy(&t));
            }
            Event::End(e) => match e.local_name().as_ref() {
                b"t" => in_text = false,
                b"r" => in_run = false,
                b"p" => {
                    let p = std::mem::take(&mut para);
                    match tables.last_mut() {
                        None => out.push(p),
                        Some((_, Some(cell))) => cell.paras.push(p.replace(['\t', '\n'], " ")),
                        Some((_, None)) => {}
                    }
                }
                b"tc" => {
                    if let Some(t) = tables.last_mut()
                        && let Some(c) = t.1.take()
                    {
                        t.0.push(c);
                    }
                }
                b"tr" => {
                    if let Some(t) = tables.last_mut() {
                        let mut cells: Vec<String> = Vec::new();
                        for c in t.0.drain(..) {
                            let text = c
                                .paras
                                .iter()
                                .map(|p| p.trim())
                                .filter(|p| !p.is_empty())
                                .collect::<Vec<_>>()
                                .join(" ");
                            cells.push(text);
                            for _ in 1..c.span {
                                cells.push(String::new());
                            }
                        }
                        let line = cells.join("\t");
                        if tables.len() == 1 {
                            out.push(line);
                        } else if let Some(outer) =
                            tables.len().checked_sub(2).and_then(|i| tables.get_mut(i))
                        {
                            // nested table: its rows become text of the outer cell
                            if let Some(c) = outer.1.as_mut() {
                                c.paras.push(line.replace('\t', " "));
                            }
                        }
                    }
                }
                b"tbl" => {
                    tables.pop();
                }
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
        if out.len() > 5_000_000 {
            return Err(PlanError::DocxInvalid("too many paragraphs".into()));
        }
    }
    Ok(out.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_and_tables() {
        let xml = br#"<w:document xmlns:w="x"><w:body>
<w:p><w:r><w:t>Hello</w:t></w:r><w:r><w:t xml:space="preserve"> world &amp; co</w:t></w:r></w:p>
<w:p/>
<w:tbl><w:tr><w:tc><w:p><w:r><w:t>a</w:t></w:r></w:p><w:p><w:r><w:t>b</w:t></w:r></w:p></w:tc><w:tc><w:tcPr><w:gridSpan w:val="2"/></w:tcPr><w:p/></w:tc><w:tc><w:p><w:r><w:t>c</w:t></w:r></w:p></w:tc></w:tr></w:tbl>
<w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="720"/></w:tabs></w:pPr><w:r><w:t>end</w:t></w:r><w:r><w:tab/><w:t>x</w:t></w:r></w:p></w:body></w:document>"#;
        let t = xml_to_text(xml).unwrap_or_default();
        assert_eq!(t, "Hello world & co\n\na b\t\t\tc\nend\tx");
    }
}
