//! PDF rendering of an export's blocks with `krilla`: A4 pages, a Korean-capable TrueType font
//! (embedded as a subset, with a ToUnicode map so the text can be searched and copied), greedy line
//! breaking at spaces (and between any two CJK characters), page numbers.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use krilla::Document;
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::paint::Fill;
use krilla::text::{Font, TextDirection};

use super::document::Block;

const PAGE_W: f32 = 595.0;
const PAGE_H: f32 = 842.0;
const MARGIN: f32 = 56.0;
const FOOTER: f32 = 28.0;

/// Fonts looked for when none is configured: Debian's `fonts-nanum`, then `fonts-noto-cjk`.
const REGULAR_CANDIDATES: [&str; 3] = [
    "/usr/share/fonts/truetype/nanum/NanumGothic.ttf",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/noto/NotoSansCJK-Regular.ttc",
];
const BOLD_CANDIDATES: [&str; 3] = [
    "/usr/share/fonts/truetype/nanum/NanumGothicBold.ttf",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/truetype/noto/NotoSansCJK-Bold.ttc",
];

/// One loaded font: its bytes (for measuring) and the PDF font.
#[derive(Clone)]
struct LoadedFont {
    data: Arc<Vec<u8>>,
    font: Font,
    units_per_em: f32,
}

impl LoadedFont {
    fn load(path: &Path) -> Option<Self> {
        let data = Arc::new(std::fs::read(path).ok()?);
        let units_per_em = f32::from(ttf_parser::Face::parse(&data, 0).ok()?.units_per_em());
        let font = Font::new(data.clone().into(), 0)?;
        Some(Self {
            data,
            font,
            units_per_em,
        })
    }
}

impl LoadedFont {
    fn face(&self) -> Result<(ttf_parser::Face<'_>, f32), PdfError> {
        ttf_parser::Face::parse(&self.data, 0)
            .map(|face| (face, self.units_per_em))
            .map_err(|e| PdfError::Render(e.to_string()))
    }
}

#[derive(Clone)]
struct LoadedFonts {
    regular: LoadedFont,
    bold: LoadedFont,
}

/// The fonts PDF exports use, loaded on first use and kept for the process.
#[derive(Clone, Default)]
pub struct PdfFonts {
    regular: Option<PathBuf>,
    bold: Option<PathBuf>,
    loaded: Arc<OnceLock<Option<LoadedFonts>>>,
}

impl std::fmt::Debug for PdfFonts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PdfFonts")
            .field("regular", &self.regular)
            .field("bold", &self.bold)
            .finish_non_exhaustive()
    }
}

impl PdfFonts {
    /// Fonts from the configuration; `None` means "look for an installed Korean font".
    pub fn new(regular: Option<PathBuf>, bold: Option<PathBuf>) -> Self {
        Self {
            regular,
            bold,
            loaded: Arc::default(),
        }
    }

    /// Whether a usable font was found (loads the fonts on first use).
    pub fn available(&self) -> bool {
        self.get().is_some()
    }

    fn get(&self) -> Option<&LoadedFonts> {
        self.loaded
            .get_or_init(|| {
                let pick = |configured: &Option<PathBuf>, candidates: &[&str]| match configured {
                    Some(path) => LoadedFont::load(path),
                    None => candidates
                        .iter()
                        .find_map(|c| LoadedFont::load(Path::new(c))),
                };
                let regular = pick(&self.regular, &REGULAR_CANDIDATES);
                let loaded = regular.map(|regular| LoadedFonts {
                    bold: pick(&self.bold, &BOLD_CANDIDATES).unwrap_or_else(|| regular.clone()),
                    regular,
                });
                if loaded.is_none() {
                    tracing::warn!(
                        configured = ?self.regular,
                        "no Korean font for PDF exports; install fonts-nanum or set exports.pdf_font"
                    );
                }
                loaded
            })
            .as_ref()
    }
}

/// Why a PDF could not be made.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    /// No usable font was found.
    #[error("no font for PDF exports")]
    NoFont,
    /// krilla refused the document.
    #[error("pdf: {0}")]
    Render(String),
}

#[derive(Clone, Copy)]
struct Style {
    size: f32,
    bold: bool,
    colour: (u8, u8, u8),
    indent: f32,
    space_before: f32,
    space_after: f32,
}

const TEXT: (u8, u8, u8) = (33, 37, 41);
const MUTED: (u8, u8, u8) = (108, 117, 125);
const ACCENT: (u8, u8, u8) = (29, 78, 137);

fn style_of(block: &Block) -> Style {
    let base = Style {
        size: 10.5,
        bold: false,
        colour: TEXT,
        indent: 0.0,
        space_before: 0.0,
        space_after: 5.0,
    };
    match block {
        Block::Title(_) => Style {
            size: 20.0,
            bold: true,
            colour: ACCENT,
            space_after: 8.0,
            ..base
        },
        Block::Meta(_) => Style {
            size: 9.0,
            colour: MUTED,
            space_after: 2.0,
            ..base
        },
        Block::Heading(_) => Style {
            size: 14.0,
            bold: true,
            colour: ACCENT,
            space_before: 12.0,
            space_after: 6.0,
            ..base
        },
        Block::Subheading(_) => Style {
            size: 11.5,
            bold: true,
            space_before: 4.0,
            space_after: 4.0,
            ..base
        },
        Block::Paragraph(_) => base,
        Block::Bullet(_) => Style {
            indent: 12.0,
            space_after: 3.0,
            ..base
        },
        Block::Quote(_) => Style {
            colour: ACCENT,
            indent: 12.0,
            ..base
        },
        Block::Turn { .. } => Style {
            size: 10.0,
            indent: 0.0,
            space_after: 4.0,
            ..base
        },
    }
}

/// A line placed on a page (y is the baseline from the top).
struct Placed {
    x: f32,
    y: f32,
    text: String,
    style: Style,
}

struct Measure<'a> {
    regular: (ttf_parser::Face<'a>, f32),
    bold: (ttf_parser::Face<'a>, f32),
}

impl Measure<'_> {
    fn width(&self, text: &str, size: f32, bold: bool) -> f32 {
        let (face, upem) = if bold { &self.bold } else { &self.regular };
        let units: f32 = text
            .chars()
            .map(|c| {
                face.glyph_index(c)
                    .and_then(|g| face.glyph_hor_advance(g))
                    .map_or(*upem / 2.0, f32::from)
            })
            .sum();
        units / upem * size
    }
}

/// Chinese and Japanese characters, between which lines may break. Korean breaks at spaces
/// (like CSS `word-break: keep-all`), so Hangul is not in this list.
fn breaks_anywhere(c: char) -> bool {
    matches!(u32::from(c), 0x3000..=0x9FFF | 0xF900..=0xFAFF | 0xFF00..=0xFFEF)
}

/// Splits `text` into lines no wider than `max`: after the last space or Chinese/Japanese
/// character that fits, or (for one overlong word) anywhere.
fn wrap(text: &str, max: f32, size: f32, bold: bool, measure: &Measure<'_>) -> Vec<String> {
    let mut lines = Vec::new();
    for paragraph in text.lines() {
        let chars: Vec<char> = paragraph.chars().collect();
        let mut start = 0;
        while start < chars.len() {
            let mut end = start;
            let mut last_break = None;
            let mut width = 0.0;
            while end < chars.len() {
                let w = measure.width(&chars[end].to_string(), size, bold);
                if width + w > max && end > start {
                    break;
                }
                width += w;
                if chars[end] == ' ' || breaks_anywhere(chars[end]) {
                    last_break = Some(end + 1);
                }
                end += 1;
            }
            let cut = if end < chars.len() {
                last_break.filter(|&b| b > start).unwrap_or(end)
            } else {
                end
            };
            let line: String = chars[start..cut].iter().collect();
            lines.push(line.trim_end().to_owned());
            start = cut;
            while start < chars.len() && chars[start] == ' ' {
                start += 1;
            }
        }
        if chars.is_empty() {
            lines.push(String::new());
        }
    }
    lines
}

fn layout(blocks: &[Block], measure: &Measure<'_>) -> Vec<Vec<Placed>> {
    let mut pages: Vec<Vec<Placed>> = vec![Vec::new()];
    let mut y = MARGIN;
    let bottom = PAGE_H - MARGIN - FOOTER;
    for block in blocks {
        let style = style_of(block);
        let line_height = style.size * 1.45;
        y += style.space_before;
        let (prefix, text, label) = match block {
            Block::Bullet(t) => ("• ", t.as_str(), None),
            Block::Turn { label, text } => ("", text.as_str(), Some(label.as_str())),
            Block::Title(t)
            | Block::Meta(t)
            | Block::Heading(t)
            | Block::Subheading(t)
            | Block::Paragraph(t)
            | Block::Quote(t) => ("", t.as_str(), None),
        };
        let mut lines = Vec::new();
        if let Some(label) = label {
            lines.push((
                label.to_owned(),
                Style {
                    bold: true,
                    colour: ACCENT,
                    ..style
                },
                0.0,
            ));
        }
        let indent = style.indent + if label.is_some() { 14.0 } else { 0.0 };
        let prefix_w = measure.width(prefix, style.size, style.bold);
        let max = PAGE_W - 2.0 * MARGIN - indent - prefix_w;
        for (i, line) in wrap(text, max, style.size, style.bold, measure)
            .into_iter()
            .enumerate()
        {
            let (shown, x) = if i == 0 {
                (format!("{prefix}{line}"), indent)
            } else {
                (line, indent + prefix_w)
            };
            lines.push((shown, style, x));
        }
        for (text, line_style, x) in lines {
            if y + line_height > bottom {
                pages.push(Vec::new());
                y = MARGIN;
            }
            y += line_height;
            if let Some(page) = pages.last_mut() {
                page.push(Placed {
                    x: MARGIN + x,
                    y,
                    text,
                    style: line_style,
                });
            }
        }
        y += style.space_after;
    }
    pages
}

fn fill(colour: (u8, u8, u8)) -> Option<Fill> {
    Some(Fill {
        paint: rgb::Color::new(colour.0, colour.1, colour.2).into(),
        ..Fill::default()
    })
}

/// Renders the blocks as a PDF (`title` and `language` go into the document's metadata).
pub fn render(
    blocks: &[Block],
    fonts: &PdfFonts,
    title: &str,
    language: &str,
) -> Result<Vec<u8>, PdfError> {
    let fonts = fonts.get().ok_or(PdfError::NoFont)?;
    let measure = Measure {
        regular: fonts.regular.face()?,
        bold: fonts.bold.face()?,
    };
    let pages = layout(blocks, &measure);
    let total = pages.len();
    let mut document = Document::new();
    document.set_metadata(
        Metadata::new()
            .title(title.to_owned())
            .language(language.to_owned())
            .creator("Consult Coach".to_owned()),
    );
    let settings = PageSettings::from_wh(PAGE_W, PAGE_H)
        .ok_or_else(|| PdfError::Render("page size".into()))?;
    for (n, lines) in pages.into_iter().enumerate() {
        let mut page = document.start_page_with(settings.clone());
        let mut surface = page.surface();
        // A thin accent rule at the top of every page.
        if let Some(rect) = Rect::from_xywh(MARGIN, MARGIN - 18.0, PAGE_W - 2.0 * MARGIN, 1.5) {
            let mut path = PathBuilder::new();
            path.push_rect(rect);
            if let Some(path) = path.finish() {
                surface.set_fill(fill(ACCENT));
                surface.draw_path(&path);
            }
        }
        for line in lines {
            let font = if line.style.bold {
                &fonts.bold.font
            } else {
                &fonts.regular.font
            };
            surface.set_fill(fill(line.style.colour));
            surface.draw_text(
                Point::from_xy(line.x, line.y),
                font.clone(),
                line.style.size,
                &line.text,
                false,
                TextDirection::Auto,
            );
        }
        let footer = format!("{} / {total}", n + 1);
        let width = measure.width(&footer, 8.5, false);
        surface.set_fill(fill(MUTED));
        surface.draw_text(
            Point::from_xy((PAGE_W - width) / 2.0, PAGE_H - MARGIN + 6.0),
            fonts.regular.font.clone(),
            8.5,
            &footer,
            false,
            TextDirection::Auto,
        );
        surface.finish();
        page.finish();
    }
    document
        .finish()
        .map_err(|e| PdfError::Render(format!("{e:?}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_korean_text_wraps_within_the_margins_and_flows_onto_new_pages() {
        let fonts = PdfFonts::new(None, None);
        let Some(loaded) = fonts.get() else {
            panic!("install fonts-nanum (scripts/test.sh does) to run the PDF tests");
        };
        let measure = Measure {
            regular: loaded.regular.face().unwrap_or_else(|e| panic!("{e}")),
            bold: loaded.bold.face().unwrap_or_else(|e| panic!("{e}")),
        };
        let text = "고객님께서 문의하신 환불 절차를 안내해 드리겠습니다. ".repeat(40);
        let lines = wrap(&text, 300.0, 10.5, false, &measure);
        assert!(lines.len() > 10);
        assert!(
            lines
                .iter()
                .all(|l| measure.width(l, 10.5, false) <= 300.0 + 0.01)
        );
        assert_eq!(lines.concat().replace(' ', ""), text.replace(' ', ""));

        let blocks: Vec<Block> = (0..200)
            .map(|i| Block::Paragraph(format!("문단 {i}")))
            .collect();
        let pages = layout(&blocks, &measure);
        assert!(pages.len() > 2);
        assert!(
            pages
                .iter()
                .flatten()
                .all(|p| p.y <= PAGE_H - MARGIN - FOOTER)
        );
        let pdf = render(&blocks, &fonts, "보고서", "ko").unwrap_or_else(|e| panic!("{e}"));
        assert!(pdf.starts_with(b"%PDF-"));
    }

    #[test]
    fn a_missing_configured_font_is_reported_not_panicked_on() {
        let fonts = PdfFonts::new(Some("/nonexistent/font.ttf".into()), None);
        assert!(matches!(
            render(&[Block::Title("x".into())], &fonts, "x", "en"),
            Err(PdfError::NoFont)
        ));
    }
}
