//! Text: the embedded fonts, shaping, measuring, wrapping.
//!
//! Both renderers lay out with the same measurements (the HTML's SVG charts
//! truncate labels where the PDF does), so layout decisions agree.

use std::collections::HashMap;
use std::ops::Range;
use std::rc::Rc;
use std::sync::OnceLock;

use rustybuzz::{Direction, UnicodeBuffer};
use unicode_bidi::BidiInfo;

use crate::ReportError;

/// DejaVu Sans Condensed: wide Unicode coverage (Latin, Greek, Cyrillic,
/// Hebrew, Arabic) in a face narrow enough for roster tables.
pub(crate) static REGULAR_TTF: &[u8] = include_bytes!("../fonts/DejaVuSansCondensed.ttf");
/// The bold face, for headings, table headers and markings.
pub(crate) static BOLD_TTF: &[u8] = include_bytes!("../fonts/DejaVuSansCondensed-Bold.ttf");

/// The CSS font stack the HTML asks for: the same family when installed.
pub(crate) const CSS_FONTS: &str =
    "'DejaVu Sans Condensed', 'DejaVu Sans', 'Arial Narrow', Arial, sans-serif";

/// Which of the two embedded faces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Weight {
    Regular,
    Bold,
}

/// A parsed face, kept for the life of the process: parsing is cheap but
/// a render shapes tens of thousands of strings.
struct Face {
    face: rustybuzz::Face<'static>,
    units_per_em: f32,
    /// U+FFFD's glyph and advance (font units), drawn for characters the
    /// font lacks instead of .notdef: a PDF cannot map .notdef back to
    /// text, so the first missing character would vanish from the text layer.
    replacement: Option<(u32, f32)>,
}

fn face(weight: Weight) -> Result<&'static Face, ReportError> {
    static FACES: OnceLock<[Option<Face>; 2]> = OnceLock::new();
    let faces = FACES.get_or_init(|| {
        let load = |data: &'static [u8]| {
            rustybuzz::Face::from_slice(data, 0).map(|face| {
                let replacement = face.glyph_index('\u{FFFD}').map(|g| {
                    let advance = face.glyph_hor_advance(g).unwrap_or(0);
                    (u32::from(g.0), f32::from(advance))
                });
                Face {
                    units_per_em: face.units_per_em() as f32,
                    replacement,
                    face,
                }
            })
        };
        [load(REGULAR_TTF), load(BOLD_TTF)]
    });
    let (slot, name) = match weight {
        Weight::Regular => (&faces[0], "DejaVuSansCondensed"),
        Weight::Bold => (&faces[1], "DejaVuSansCondensed-Bold"),
    };
    slot.as_ref().ok_or(ReportError::Font(name))
}

/// One glyph of shaped text, with advances in em units (multiply by the font size).
#[derive(Debug, Clone)]
pub(crate) struct Glyph {
    pub(crate) id: u32,
    /// The bytes of the run's text this glyph's cluster covers, so the PDF
    /// maps every glyph back to the characters it shows.
    pub(crate) text_range: Range<usize>,
    pub(crate) x_advance: f32,
    pub(crate) x_offset: f32,
    pub(crate) y_offset: f32,
}

/// A run of one direction, in visual order.
#[derive(Debug, Clone)]
pub(crate) struct Run {
    pub(crate) text: String,
    pub(crate) glyphs: Vec<Glyph>,
}

/// A line of text shaped for drawing: its runs in visual (left to right) order.
#[derive(Debug, Clone)]
pub(crate) struct Shaped {
    pub(crate) runs: Vec<Run>,
    /// Width in em units.
    pub(crate) width: f32,
}

/// Shapes and measures text, caching by (weight, text): rosters repeat the
/// same statuses and unit types thousands of times.
pub(crate) struct TextEngine {
    regular: &'static Face,
    bold: &'static Face,
    cache: HashMap<(Weight, String), Rc<Shaped>>,
}

impl TextEngine {
    pub(crate) fn new() -> Result<Self, ReportError> {
        Ok(Self {
            regular: face(Weight::Regular)?,
            bold: face(Weight::Bold)?,
            cache: HashMap::new(),
        })
    }

    /// The shaped form of one line (no `\n` expected; callers wrap first).
    pub(crate) fn shape(&mut self, weight: Weight, text: &str) -> Rc<Shaped> {
        if let Some(hit) = self.cache.get(&(weight, text.to_owned())) {
            return Rc::clone(hit);
        }
        let face = match weight {
            Weight::Regular => self.regular,
            Weight::Bold => self.bold,
        };
        let shaped = Rc::new(shape_line(face, text));
        self.cache
            .insert((weight, text.to_owned()), Rc::clone(&shaped));
        shaped
    }

    /// The width of one line in points at `size`.
    pub(crate) fn width(&mut self, weight: Weight, size: f32, text: &str) -> f32 {
        self.shape(weight, text).width * size
    }

    /// Breaks text into lines no wider than `max` points. A `\n` always
    /// breaks; a word wider than a line is broken between clusters, so no
    /// text is ever lost or drawn outside its box.
    pub(crate) fn wrap(&mut self, weight: Weight, size: f32, max: f32, text: &str) -> Vec<String> {
        let clean = sanitize(text);
        let space = self.width(weight, size, " ");
        let mut lines = Vec::new();
        for hard in clean.split('\n') {
            let mut cur = String::new();
            let mut cur_w = 0.0;
            for word in hard.split(' ').filter(|w| !w.is_empty()) {
                let w = self.width(weight, size, word);
                if !cur.is_empty() && cur_w + space + w <= max {
                    cur.push(' ');
                    cur.push_str(word);
                    cur_w += space + w;
                    continue;
                }
                if !cur.is_empty() {
                    lines.push(std::mem::take(&mut cur));
                }
                if w <= max {
                    cur = word.to_owned();
                    cur_w = w;
                } else {
                    let mut pieces = self.break_word(weight, size, max, word);
                    let last = pieces.pop().unwrap_or_default();
                    lines.extend(pieces);
                    cur_w = self.width(weight, size, &last);
                    cur = last;
                }
            }
            lines.push(cur);
        }
        lines
    }

    /// Like [`Self::wrap`], but at most `max_lines` lines, the last one cut
    /// with an ellipsis when text remains: for chart labels, whose room is fixed.
    pub(crate) fn wrap_clipped(
        &mut self,
        weight: Weight,
        size: f32,
        max: f32,
        max_lines: usize,
        text: &str,
    ) -> Vec<String> {
        let mut lines = self.wrap(weight, size, max, text);
        if lines.len() > max_lines {
            lines.truncate(max_lines.max(1));
            if let Some(last) = lines.last_mut() {
                let more = format!("{last} …");
                *last = self.ellipsize(weight, size, max, &more);
                if !last.ends_with('…') {
                    last.push('…');
                }
            }
        }
        lines
    }

    /// The text cut to `max` points with a trailing ellipsis, or unchanged if it fits.
    pub(crate) fn ellipsize(&mut self, weight: Weight, size: f32, max: f32, text: &str) -> String {
        let clean = sanitize(text).replace('\n', " ");
        if self.width(weight, size, &clean) <= max {
            return clean;
        }
        let room = max - self.width(weight, size, "…");
        let cut = self.fit_prefix(weight, size, room, &clean);
        let mut out = clean[..cut].trim_end().to_owned();
        out.push('…');
        out
    }

    /// Splits a word too wide for a line into pieces that each fit (at
    /// least one cluster per piece, even in an absurdly narrow column).
    fn break_word(&mut self, weight: Weight, size: f32, max: f32, word: &str) -> Vec<String> {
        let clusters = self.cluster_widths(weight, word);
        let mut pieces = Vec::new();
        let mut start = 0;
        let mut acc = 0.0;
        for (i, &(at, w)) in clusters.iter().enumerate() {
            let w = w * size;
            if i > 0 && at > start && acc + w > max {
                pieces.push(word[start..at].to_owned());
                start = at;
                acc = 0.0;
            }
            acc += w;
        }
        pieces.push(word[start..].to_owned());
        pieces
    }

    /// The longest prefix (in bytes, on a cluster boundary) no wider than `max`.
    fn fit_prefix(&mut self, weight: Weight, size: f32, max: f32, text: &str) -> usize {
        let mut acc = 0.0;
        for (at, w) in self.cluster_widths(weight, text) {
            acc += w * size;
            if acc > max {
                return at;
            }
        }
        text.len()
    }

    /// (cluster start byte, width in em) in logical order, whatever the direction.
    fn cluster_widths(&mut self, weight: Weight, text: &str) -> Vec<(usize, f32)> {
        let face = match weight {
            Weight::Regular => self.regular,
            Weight::Bold => self.bold,
        };
        let mut widths: Vec<(usize, f32)> = Vec::new();
        for (offset, run_text, rtl) in bidi_runs(text) {
            for glyph in shape_run(face, run_text, rtl).glyphs {
                widths.push((offset + glyph.text_range.start, glyph.x_advance));
            }
        }
        widths.sort_by_key(|&(at, _)| at);
        let mut merged: Vec<(usize, f32)> = Vec::with_capacity(widths.len());
        for (at, w) in widths {
            match merged.last_mut() {
                Some(last) if last.0 == at => last.1 += w,
                _ => merged.push((at, w)),
            }
        }
        merged
    }
}

/// Replaces what no font draws and no reader expects: control characters
/// become U+FFFD (visible, so nothing hides), tabs spaces, and every line
/// ending a `\n`.
pub(crate) fn sanitize(text: &str) -> String {
    let text = text.replace("\r\n", "\n");
    text.chars()
        .map(|c| match c {
            '\n' => '\n',
            '\r' | '\u{2028}' | '\u{2029}' | '\u{85}' => '\n',
            '\t' => ' ',
            c if c.is_control() => '\u{FFFD}',
            c => c,
        })
        .collect()
}

/// The text split into runs of one direction, in visual order:
/// (byte offset in `text`, run text, right to left).
fn bidi_runs(text: &str) -> Vec<(usize, &str, bool)> {
    // Fast path: nothing at or above U+0590 has strong RTL direction.
    if text.chars().all(|c| (c as u32) < 0x0590) {
        return vec![(0, text, false)];
    }
    let info = BidiInfo::new(text, None);
    let mut out = Vec::new();
    for para in &info.paragraphs {
        let (levels, runs) = info.visual_runs(para, para.range.clone());
        for run in runs {
            let rtl = levels.get(run.start).is_some_and(|l| l.is_rtl());
            out.push((run.start, &text[run], rtl));
        }
    }
    out
}

fn shape_line(face: &Face, text: &str) -> Shaped {
    let mut runs = Vec::new();
    let mut width = 0.0;
    for (_, run_text, rtl) in bidi_runs(text) {
        let run = shape_run(face, run_text, rtl);
        width += run.glyphs.iter().map(|g| g.x_advance).sum::<f32>();
        runs.push(run);
    }
    Shaped { runs, width }
}

fn shape_run(face: &Face, text: &str, rtl: bool) -> Run {
    if text.is_empty() {
        return Run {
            text: String::new(),
            glyphs: Vec::new(),
        };
    }
    let mut buffer = UnicodeBuffer::new();
    buffer.push_str(text);
    buffer.set_direction(if rtl {
        Direction::RightToLeft
    } else {
        Direction::LeftToRight
    });
    buffer.guess_segment_properties();
    let out = rustybuzz::shape(&face.face, &[], buffer);
    let mut starts: Vec<usize> = out
        .glyph_infos()
        .iter()
        .map(|g| g.cluster as usize)
        .collect();
    starts.sort_unstable();
    starts.dedup();
    let upem = face.units_per_em;
    let glyphs = out
        .glyph_infos()
        .iter()
        .zip(out.glyph_positions())
        .map(|(info, pos)| {
            let start = info.cluster as usize;
            let end = match starts.binary_search(&start) {
                Ok(i) => starts.get(i + 1).copied().unwrap_or(text.len()),
                Err(_) => text.len(),
            };
            match face.replacement {
                Some((id, advance)) if info.glyph_id == 0 => Glyph {
                    id,
                    text_range: start..end,
                    x_advance: advance / upem,
                    x_offset: 0.0,
                    y_offset: 0.0,
                },
                _ => Glyph {
                    id: info.glyph_id,
                    text_range: start..end,
                    x_advance: pos.x_advance as f32 / upem,
                    x_offset: pos.x_offset as f32 / upem,
                    y_offset: pos.y_offset as f32 / upem,
                },
            }
        })
        .collect();
    Run {
        text: text.to_owned(),
        glyphs,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn engine() -> TextEngine {
        TextEngine::new().expect("embedded fonts load")
    }

    #[test]
    fn fonts_cover_hebrew_and_arabic() {
        let mut e = engine();
        let missing = e.shape(Weight::Regular, "\u{FFFD}").runs[0].glyphs[0].id;
        for text in ["שלום", "مرحبا", "Ωμέγα", "Привет"] {
            let shaped = e.shape(Weight::Regular, text);
            assert!(
                shaped
                    .runs
                    .iter()
                    .flat_map(|r| &r.glyphs)
                    .all(|g| g.id != 0 && g.id != missing),
                "{text} has a missing glyph"
            );
        }
        // What the font lacks is drawn as U+FFFD, never .notdef.
        let heli = e.shape(Weight::Regular, "🚁");
        assert_eq!(heli.runs[0].glyphs[0].id, missing);
    }

    #[test]
    fn wrap_keeps_every_word_and_respects_width() {
        let mut e = engine();
        let text = "the quick brown fox jumps over the lazy dog ".repeat(20);
        let lines = e.wrap(Weight::Regular, 10.0, 120.0, &text);
        assert!(lines.len() > 5);
        for line in &lines {
            assert!(
                e.width(Weight::Regular, 10.0, line) <= 120.0 + 0.01,
                "{line}"
            );
        }
        assert_eq!(lines.join(" ").split_whitespace().count(), 180);
    }

    #[test]
    fn long_words_break_without_losing_text() {
        let mut e = engine();
        let word = "x".repeat(10_000);
        let lines = e.wrap(Weight::Regular, 9.0, 100.0, &word);
        assert!(lines.len() > 100);
        assert_eq!(lines.concat(), word);
        // A column narrower than one glyph still makes progress.
        let lines = e.wrap(Weight::Bold, 9.0, 0.5, "abc");
        assert_eq!(lines, ["a", "b", "c"]);
    }

    #[test]
    fn empty_and_newlines() {
        let mut e = engine();
        assert_eq!(e.wrap(Weight::Regular, 9.0, 100.0, ""), [""]);
        assert_eq!(
            e.wrap(Weight::Regular, 9.0, 100.0, "a\r\nb\n\nc"),
            ["a", "b", "", "c"]
        );
    }

    #[test]
    fn ellipsize_fits() {
        let mut e = engine();
        let cut = e.ellipsize(Weight::Regular, 8.0, 50.0, &"long label ".repeat(10));
        assert!(cut.ends_with('…'));
        assert!(e.width(Weight::Regular, 8.0, &cut) <= 50.0 + 0.01);
        assert_eq!(e.ellipsize(Weight::Regular, 8.0, 50.0, "ok"), "ok");
    }

    #[test]
    fn mixed_direction_text_is_split_into_runs() {
        let mut e = engine();
        let shaped = e.shape(Weight::Regular, "unit שלום 42");
        assert!(shaped.runs.len() >= 2);
        let total: String = shaped.runs.iter().map(|r| r.text.as_str()).collect();
        assert_eq!(total.chars().count(), "unit שלום 42".chars().count());
    }

    #[test]
    fn control_characters_are_made_visible() {
        assert_eq!(sanitize("a\u{0}b\tc\r"), "a\u{FFFD}b c\n");
    }
}
