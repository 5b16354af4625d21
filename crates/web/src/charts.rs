//! Server-rendered SVG charts: no JavaScript, no inline styles (the CSP forbids both),
//! only presentation attributes. Each chart is an accessible image (`role="img"` with a
//! `<title>` and `<desc>`), writes its numbers as text next to the marks, uses the Thai
//! font stack and the Okabe–Ito colour-blind-safe palette, and never relies on colour
//! alone (legends, value labels, dashed target lines).
//!
//! Pure functions from numbers to markup; every string that reaches the markup is
//! escaped here, so templates may insert the result with `|safe`.

use std::fmt::Write as _;

/// Okabe–Ito colours.
pub mod palette {
    pub const GREEN: &str = "#009E73";
    pub const BLUE: &str = "#0072B2";
    pub const SKY: &str = "#56B4E9";
    pub const ORANGE: &str = "#E69F00";
    pub const VERMILLION: &str = "#D55E00";
    pub const YELLOW: &str = "#F0E442";
    pub const PURPLE: &str = "#CC79A7";
    pub const GREY: &str = "#9A9A9A";
    pub const PALE: &str = "#DCEFD8";
    pub const INK: &str = "#1a1a1a";
}

const FONT: &str = "Sarabun, 'TH Sarabun New', 'Noto Sans Thai', Tahoma, sans-serif";

/// Escapes text for XML content and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// A whole number with thousands separators: 1234567 → "1,234,567".
pub use prongsai_domain::thai::thousands;

/// A number as a chart label: whole numbers with separators, else up to two decimals
/// (ITA scores are published as 87.34).
pub fn num(v: f64) -> String {
    if (v - v.round()).abs() < 0.005 {
        thousands(v.round() as i64)
    } else {
        format!("{v:.2}").trim_end_matches('0').to_string()
    }
}

/// A category with its value and its target, for the charts that compare them.
pub type Point = (String, Option<f64>, Option<f64>);

/// What every chart needs: an id (unique in the page, for aria references), a title and
/// a description a screen reader reads.
#[derive(Debug, Clone)]
pub struct Chart<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub desc: &'a str,
}

/// One series of a chart: its legend label and colour.
#[derive(Debug, Clone, Copy)]
pub struct Series<'a> {
    pub label: &'a str,
    pub color: &'a str,
}

fn open(c: &Chart<'_>, w: f64, h: f64) -> String {
    let id = esc(c.id);
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" role=\"img\" viewBox=\"0 0 {w} {h}\" \
         width=\"100%\" preserveAspectRatio=\"xMinYMin meet\" aria-labelledby=\"{id}-t {id}-d\" \
         font-family=\"{FONT}\" font-size=\"13\" fill=\"{ink}\">\
         <title id=\"{id}-t\">{}</title><desc id=\"{id}-d\">{}</desc>",
        esc(c.title),
        esc(c.desc),
        ink = palette::INK,
    )
}

fn legend(out: &mut String, series: &[Series<'_>], x: f64, y: f64) {
    let mut x = x;
    for s in series {
        let _ = write!(
            out,
            "<g class=\"legend\"><rect x=\"{x:.1}\" y=\"{:.1}\" width=\"12\" height=\"12\" fill=\"{}\"/>\
             <text x=\"{:.1}\" y=\"{y:.1}\">{}</text></g>",
            y - 10.0,
            esc(s.color),
            x + 16.0,
            esc(s.label)
        );
        // Thai glyphs are about 7 px wide at 13 px.
        x += 16.0 + s.label.chars().count() as f64 * 7.0 + 18.0;
    }
}

/// Horizontal stacked bars: one row per category, one segment per series, each bar as
/// long as its total relative to the largest total; counts written in each segment
/// wide enough to hold them, and the total after the bar.
pub fn stacked_bars(c: &Chart<'_>, series: &[Series<'_>], rows: &[(String, Vec<f64>)]) -> String {
    let (label_w, bar_w, row_h) = (190.0, 380.0, 30.0);
    let w = label_w + bar_w + 70.0;
    let h = 34.0 + rows.len() as f64 * row_h + 10.0;
    let max = rows
        .iter()
        .map(|(_, v)| v.iter().sum::<f64>())
        .fold(0.0, f64::max);
    let mut out = open(c, w, h);
    legend(&mut out, series, 4.0, 16.0);
    for (r, (label, values)) in rows.iter().enumerate() {
        let y = 30.0 + r as f64 * row_h;
        let _ = write!(
            out,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            label_w - 8.0,
            y + 17.0,
            esc(label)
        );
        let mut x = label_w;
        for (i, v) in values.iter().enumerate() {
            let len = if max > 0.0 { v / max * bar_w } else { 0.0 };
            if len <= 0.0 {
                continue;
            }
            let s = series.get(i).copied().unwrap_or(Series {
                label: "",
                color: palette::GREY,
            });
            let _ = write!(
                out,
                "<rect class=\"bar\" data-value=\"{v}\" x=\"{x:.2}\" y=\"{y:.1}\" width=\"{len:.2}\" height=\"22\" fill=\"{}\">\
                 <title>{}: {}</title></rect>",
                esc(s.color),
                esc(s.label),
                num(*v)
            );
            if len >= 10.0 + num(*v).len() as f64 * 7.0 {
                let _ = write!(
                    out,
                    "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"#ffffff\" font-weight=\"700\">{}</text>",
                    x + len / 2.0,
                    y + 16.0,
                    num(*v)
                );
            }
            x += len;
        }
        let total: f64 = values.iter().sum();
        let _ = write!(
            out,
            "<text x=\"{:.1}\" y=\"{:.1}\">{}</text>",
            x + 6.0,
            y + 16.0,
            num(total)
        );
    }
    out.push_str("</svg>");
    out
}

/// Vertical grouped bars: one group per category (a fiscal year), one bar per series,
/// heights proportional to the values from zero, each value written above its bar.
pub fn grouped_bars(
    c: &Chart<'_>,
    series: &[Series<'_>],
    groups: &[(String, Vec<f64>)],
    fmt: fn(f64) -> String,
) -> String {
    let (left, top, plot_h) = (10.0, 36.0, 200.0);
    let bar_w = 34.0;
    let group_w = series.len().max(1) as f64 * bar_w + 44.0;
    let w = (left * 2.0 + groups.len() as f64 * group_w).max(320.0);
    let h = top + plot_h + 44.0;
    let max = groups
        .iter()
        .flat_map(|(_, v)| v.iter().copied())
        .fold(0.0, f64::max);
    let mut out = open(c, w, h);
    legend(&mut out, series, 4.0, 16.0);
    let base = top + plot_h;
    let _ = write!(
        out,
        "<line x1=\"{left}\" y1=\"{base}\" x2=\"{:.1}\" y2=\"{base}\" stroke=\"{}\"/>",
        w - left,
        palette::INK
    );
    for (g, (label, values)) in groups.iter().enumerate() {
        let gx = left + g as f64 * group_w + 22.0;
        for (i, v) in values.iter().enumerate() {
            let bh = if max > 0.0 {
                v / max * (plot_h - 18.0)
            } else {
                0.0
            };
            let x = gx + i as f64 * bar_w;
            let s = series.get(i).copied().unwrap_or(Series {
                label: "",
                color: palette::GREY,
            });
            let _ = write!(
                out,
                "<rect class=\"bar\" data-value=\"{v}\" x=\"{x:.1}\" y=\"{:.2}\" width=\"{:.1}\" height=\"{bh:.2}\" fill=\"{}\">\
                 <title>{} {}: {}</title></rect>\
                 <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"10\">{}</text>",
                base - bh,
                bar_w - 4.0,
                esc(s.color),
                esc(label),
                esc(s.label),
                esc(&fmt(*v)),
                x + (bar_w - 4.0) / 2.0,
                base - bh - 4.0,
                esc(&fmt(*v))
            );
        }
        let _ = write!(
            out,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
            gx + values.len() as f64 * bar_w / 2.0,
            base + 18.0,
            esc(label)
        );
    }
    out.push_str("</svg>");
    out
}

/// A value per category against a target per category, on a 0–`y_max` scale: the
/// actual values as a solid line with dots and labels, the targets as a dashed line
/// with their own labels.
pub fn line_with_target(
    c: &Chart<'_>,
    actual: Series<'_>,
    target: Series<'_>,
    points: &[Point],
    y_max: f64,
) -> String {
    let (left, top, plot_w, plot_h) = (40.0, 36.0, 520.0, 200.0);
    let w = left + plot_w + 30.0;
    let h = top + plot_h + 40.0;
    let mut out = open(c, w, h);
    legend(&mut out, &[actual, target], 4.0, 16.0);
    let n = points.len().max(1) as f64;
    let step = plot_w / n;
    let x_of = |i: usize| left + step * (i as f64 + 0.5);
    let y_of = |v: f64| top + plot_h - (v.clamp(0.0, y_max) / y_max) * plot_h;
    for tick in [0.0, y_max / 2.0, y_max] {
        let y = y_of(tick);
        let _ = write!(
            out,
            "<line x1=\"{left}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\" stroke=\"#d0d0d0\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\" font-size=\"11\">{}</text>",
            left + plot_w,
            left - 4.0,
            y + 4.0,
            num(tick)
        );
    }
    let path = |pick: &dyn Fn(&Point) -> Option<f64>| -> String {
        points
            .iter()
            .enumerate()
            .filter_map(|(i, p)| pick(p).map(|v| format!("{:.1},{:.1}", x_of(i), y_of(v))))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let t = path(&|p| p.2);
    if !t.is_empty() {
        let _ = write!(
            out,
            "<polyline class=\"target\" points=\"{t}\" fill=\"none\" stroke=\"{}\" stroke-width=\"2\" stroke-dasharray=\"6 4\"/>",
            esc(target.color)
        );
    }
    let a = path(&|p| p.1);
    if !a.is_empty() {
        let _ = write!(
            out,
            "<polyline class=\"actual\" points=\"{a}\" fill=\"none\" stroke=\"{}\" stroke-width=\"3\"/>",
            esc(actual.color)
        );
    }
    for (i, (label, v, tv)) in points.iter().enumerate() {
        let x = x_of(i);
        if let Some(tv) = tv {
            let _ = write!(
                out,
                "<text class=\"target-label\" x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"11\" fill=\"{}\">{}</text>",
                y_of(*tv) + 15.0,
                palette::INK,
                num(*tv)
            );
        }
        if let Some(v) = v {
            let _ = write!(
                out,
                "<circle class=\"point\" data-value=\"{v}\" cx=\"{x:.1}\" cy=\"{:.2}\" r=\"5\" fill=\"{}\"><title>{}: {}</title></circle>\
                 <text x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-weight=\"700\">{}</text>",
                y_of(*v),
                esc(actual.color),
                esc(label),
                num(*v),
                y_of(*v) - 9.0,
                num(*v)
            );
        }
        let _ = write!(
            out,
            "<text x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
            top + plot_h + 20.0,
            esc(label)
        );
    }
    out.push_str("</svg>");
    out
}

/// Bars (e.g. corruption cases per year) against a per-category ceiling (the most the
/// reduction target allows), drawn as a dashed line across each bar with its value.
pub fn bars_vs_target(
    c: &Chart<'_>,
    actual: Series<'_>,
    target: Series<'_>,
    items: &[Point],
) -> String {
    let (left, top, plot_h, slot) = (10.0, 36.0, 180.0, 80.0);
    let w = (left * 2.0 + items.len() as f64 * slot).max(320.0);
    let h = top + plot_h + 40.0;
    let max = items
        .iter()
        .flat_map(|(_, a, t)| [a.unwrap_or(0.0), t.unwrap_or(0.0)])
        .fold(0.0, f64::max)
        .max(1.0);
    let mut out = open(c, w, h);
    legend(&mut out, &[actual, target], 4.0, 16.0);
    let base = top + plot_h;
    let y_of = |v: f64| base - v / max * (plot_h - 20.0);
    let _ = write!(
        out,
        "<line x1=\"{left}\" y1=\"{base}\" x2=\"{:.1}\" y2=\"{base}\" stroke=\"{}\"/>",
        w - left,
        palette::INK
    );
    for (i, (label, a, t)) in items.iter().enumerate() {
        let x = left + i as f64 * slot + 20.0;
        if let Some(a) = a {
            let _ = write!(
                out,
                "<rect class=\"bar\" data-value=\"{a}\" x=\"{x:.1}\" y=\"{:.2}\" width=\"40\" height=\"{:.2}\" fill=\"{}\">\
                 <title>{}: {}</title></rect>\
                 <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-weight=\"700\">{}</text>",
                y_of(*a),
                base - y_of(*a),
                esc(actual.color),
                esc(label),
                num(*a),
                x + 20.0,
                y_of(*a) - 4.0,
                num(*a)
            );
        }
        if let Some(t) = t {
            let _ = write!(
                out,
                "<line class=\"target\" data-value=\"{t}\" x1=\"{:.1}\" y1=\"{:.2}\" x2=\"{:.1}\" y2=\"{:.2}\" stroke=\"{}\" \
                 stroke-width=\"3\" stroke-dasharray=\"5 3\"/>\
                 <text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\">≤{}</text>",
                x - 6.0,
                y_of(*t),
                x + 46.0,
                y_of(*t),
                esc(target.color),
                x + 48.0,
                y_of(*t) + 4.0,
                num(*t)
            );
        }
        let _ = write!(
            out,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
            x + 20.0,
            base + 18.0,
            esc(label)
        );
    }
    out.push_str("</svg>");
    out
}

/// A 5 × 5 risk heat map: likelihood 5 at the top down to 1, impact 1 to 5 across;
/// each cell coloured and named by its level (`cells[row][col]`: label, colour) and
/// showing how many risks sit in it (`counts[likelihood-1][impact-1]`).
pub fn heat_map(
    c: &Chart<'_>,
    cells: &[[(&str, &str); 5]; 5],
    counts: &[[usize; 5]; 5],
    likelihood_label: &str,
    impact_label: &str,
) -> String {
    let (left, top, cell) = (60.0, 14.0, 70.0);
    let w = left + 5.0 * cell + 16.0;
    let h = top + 5.0 * cell + 50.0;
    let mut out = open(c, w, h);
    for (r, row) in cells.iter().enumerate() {
        let likelihood = 5 - r;
        let y = top + r as f64 * cell;
        let _ = write!(
            out,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\" font-weight=\"700\">{likelihood}</text>",
            left - 8.0,
            y + cell / 2.0 + 5.0
        );
        for (col, (label, color)) in row.iter().enumerate() {
            let impact = col + 1;
            let x = left + col as f64 * cell;
            let n = counts
                .get(likelihood - 1)
                .and_then(|row| row.get(col))
                .copied()
                .unwrap_or(0);
            let _ = write!(
                out,
                "<rect class=\"cell\" data-likelihood=\"{likelihood}\" data-impact=\"{impact}\" data-count=\"{n}\" \
                 x=\"{x:.1}\" y=\"{y:.1}\" width=\"{cell}\" height=\"{cell}\" fill=\"{}\" stroke=\"#ffffff\" stroke-width=\"2\">\
                 <title>{likelihood} × {impact} = {}: {}</title></rect>\
                 <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"11\">{}</text>",
                esc(color),
                likelihood * impact,
                esc(label),
                x + cell / 2.0,
                y + 18.0,
                esc(label)
            );
            if n > 0 {
                let _ = write!(
                    out,
                    "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"15\" fill=\"#ffffff\" stroke=\"{}\"/>\
                     <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"16\" font-weight=\"700\">{n}</text>",
                    x + cell / 2.0,
                    y + cell / 2.0 + 10.0,
                    palette::INK,
                    x + cell / 2.0,
                    y + cell / 2.0 + 16.0
                );
            }
        }
    }
    for col in 0..5 {
        let _ = write!(
            out,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-weight=\"700\">{}</text>",
            left + col as f64 * cell + cell / 2.0,
            top + 5.0 * cell + 18.0,
            col + 1
        );
    }
    let _ = write!(
        out,
        "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{} →</text>\
         <text x=\"14\" y=\"{:.1}\" text-anchor=\"middle\" transform=\"rotate(-90 14 {:.1})\">{} →</text>",
        left + 2.5 * cell,
        top + 5.0 * cell + 40.0,
        esc(impact_label),
        top + 2.5 * cell,
        top + 2.5 * cell,
        esc(likelihood_label)
    );
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use quick_xml::Reader;
    use quick_xml::events::Event;

    /// Every element with its attributes, parsed as XML (fails on malformed markup).
    fn elements(svg: &str) -> Vec<(String, Vec<(String, String)>)> {
        let mut r = Reader::from_str(svg);
        let mut out = Vec::new();
        loop {
            match r.read_event().unwrap() {
                Event::Start(e) | Event::Empty(e) => {
                    let name = String::from_utf8(e.name().as_ref().to_vec()).unwrap();
                    let attrs = e
                        .attributes()
                        .map(|a| {
                            let a = a.unwrap();
                            (
                                String::from_utf8(a.key.as_ref().to_vec()).unwrap(),
                                a.unescape_value().unwrap().to_string(),
                            )
                        })
                        .collect();
                    out.push((name, attrs));
                }
                Event::Eof => break,
                _ => {}
            }
        }
        out
    }

    fn attr(e: &(String, Vec<(String, String)>), k: &str) -> f64 {
        e.1.iter().find(|(n, _)| n == k).unwrap().1.parse().unwrap()
    }

    fn texts(svg: &str) -> Vec<String> {
        let mut r = Reader::from_str(svg);
        let mut out = Vec::new();
        loop {
            match r.read_event().unwrap() {
                Event::Text(t) => out.push(t.unescape().unwrap().to_string()),
                Event::Eof => break,
                _ => {}
            }
        }
        out
    }

    const C: Chart<'static> = Chart {
        id: "c",
        title: "ชื่อ <กราฟ> & \"คำอธิบาย\"",
        desc: "รายละเอียด",
    };
    const S: [Series<'static>; 2] = [
        Series {
            label: "แล้วเสร็จ",
            color: palette::GREEN,
        },
        Series {
            label: "ระหว่างดำเนินการ",
            color: palette::BLUE,
        },
    ];

    #[test]
    fn stacked_bar_lengths_are_proportional_to_counts() {
        let svg = stacked_bars(
            &C,
            &S,
            &[
                ("มิติที่ ๑".into(), vec![6.0, 2.0]),
                ("มิติที่ ๒".into(), vec![3.0, 0.0]),
            ],
        );
        let els = elements(&svg);
        assert_eq!(els[0].0, "svg");
        assert!(els.iter().any(|e| e.0 == "title"));
        let bars: Vec<_> = els
            .iter()
            .filter(|e| e.1.iter().any(|(k, v)| k == "class" && v == "bar"))
            .collect();
        assert_eq!(bars.len(), 3, "zero segments are not drawn");
        let widths: Vec<f64> = bars.iter().map(|b| attr(b, "width")).collect();
        let values: Vec<f64> = bars.iter().map(|b| attr(b, "data-value")).collect();
        for (w, v) in widths.iter().zip(&values) {
            assert!(
                (w / v - widths[0] / values[0]).abs() < 0.01,
                "{widths:?} vs {values:?}"
            );
        }
        // Segments of a row follow each other.
        assert!((attr(bars[1], "x") - (attr(bars[0], "x") + widths[0])).abs() < 0.01);
        let t = texts(&svg);
        assert!(
            t.contains(&"ชื่อ <กราฟ> & \"คำอธิบาย\"".to_string()),
            "title escaped and readable"
        );
        assert!(t.contains(&"8".to_string()), "row total written");
        assert!(!svg.contains("style="), "no inline styles (CSP)");
    }

    #[test]
    fn grouped_bar_heights_are_proportional_and_labelled() {
        let svg = grouped_bars(
            &C,
            &S,
            &[
                ("2566".into(), vec![1_000_000.0, 250_000.0]),
                ("2567".into(), vec![500_000.0, 0.0]),
            ],
            |v| thousands(v as i64),
        );
        let els = elements(&svg);
        let bars: Vec<_> = els
            .iter()
            .filter(|e| e.1.iter().any(|(k, v)| k == "class" && v == "bar"))
            .collect();
        assert_eq!(bars.len(), 4);
        let h = |i: usize| attr(bars[i], "height");
        assert!((h(0) / h(1) - 4.0).abs() < 0.01);
        assert!((h(0) / h(2) - 2.0).abs() < 0.01);
        assert_eq!(h(3), 0.0);
        // Bars stand on the same baseline.
        assert!(((attr(bars[0], "y") + h(0)) - (attr(bars[1], "y") + h(1))).abs() < 0.01);
        assert!(texts(&svg).contains(&"1,000,000".to_string()));
    }

    #[test]
    fn the_line_chart_places_points_by_value_and_draws_the_target() {
        let pts = vec![
            ("2566".to_string(), Some(60.0), Some(65.0)),
            ("2567".to_string(), Some(80.0), Some(70.0)),
            ("2568".to_string(), None, Some(75.0)),
        ];
        let svg = line_with_target(&C, S[0], S[1], &pts, 100.0);
        let els = elements(&svg);
        let pts: Vec<_> = els.iter().filter(|e| e.0 == "circle").collect();
        assert_eq!(pts.len(), 2, "no point for a year without a score");
        // y grows downwards: 80 sits higher than 60, at the proportional height.
        let (y60, y80) = (attr(pts[0], "cy"), attr(pts[1], "cy"));
        let base = 36.0 + 200.0;
        assert!(((base - y80) / (base - y60) - 80.0 / 60.0).abs() < 0.01);
        let target = els
            .iter()
            .find(|e| e.1.iter().any(|(k, v)| k == "class" && v == "target"))
            .unwrap();
        assert_eq!(
            target
                .1
                .iter()
                .find(|(k, _)| k == "points")
                .unwrap()
                .1
                .split(' ')
                .count(),
            3
        );
        assert!(
            els.iter()
                .any(|e| e.1.iter().any(|(k, _)| k == "stroke-dasharray"))
        );
        let t = texts(&svg);
        assert!(t.contains(&"65".to_string()) && t.contains(&"80".to_string()));
    }

    #[test]
    fn bars_against_targets() {
        let svg = bars_vs_target(
            &C,
            S[0],
            S[1],
            &[
                ("2565".into(), Some(10.0), None),
                ("2566".into(), Some(5.0), Some(9.0)),
            ],
        );
        let els = elements(&svg);
        let bars: Vec<_> = els
            .iter()
            .filter(|e| e.1.iter().any(|(k, v)| k == "class" && v == "bar"))
            .collect();
        assert!((attr(bars[0], "height") / attr(bars[1], "height") - 2.0).abs() < 0.01);
        let line = els
            .iter()
            .find(|e| e.0 == "line" && e.1.iter().any(|(k, v)| k == "class" && v == "target"))
            .unwrap();
        let base = 36.0 + 180.0;
        assert!(
            ((base - attr(line, "y1")) / attr(bars[0], "height") - 0.9).abs() < 0.01,
            "9 against 10"
        );
    }

    #[test]
    fn heat_map_has_25_cells_with_counts() {
        let cells = [[("ต่ำ", palette::PALE); 5]; 5];
        let mut counts = [[0usize; 5]; 5];
        counts[4][3] = 2; // likelihood 5, impact 4
        let svg = heat_map(&C, &cells, &counts, "โอกาส", "ผลกระทบ");
        let els = elements(&svg);
        let cs: Vec<_> = els
            .iter()
            .filter(|e| e.1.iter().any(|(k, v)| k == "class" && v == "cell"))
            .collect();
        assert_eq!(cs.len(), 25);
        let hot = cs.iter().find(|e| attr(e, "data-count") == 2.0).unwrap();
        assert_eq!(
            (attr(hot, "data-likelihood"), attr(hot, "data-impact")),
            (5.0, 4.0)
        );
        assert_eq!(attr(hot, "y"), 14.0, "likelihood 5 is the top row");
        assert!(texts(&svg).contains(&"2".to_string()));
    }

    #[test]
    fn numbers() {
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(thousands(-1000), "-1,000");
        assert_eq!(thousands(999), "999");
        assert_eq!(num(72.5), "72.5");
        assert_eq!(num(70.0), "70");
        assert_eq!(num(87.34), "87.34");
    }
}
