//! Fenced-code highlighting with syntect, as short CSS classes plus one
//! stylesheet.
//!
//! Each token gets the style the site's theme gives it, written as at most a
//! colour class (`hl-0`, `hl-1`, … one per colour of the theme) and a font
//! style class (`hl-b`, `hl-i`, `hl-u`), adjacent tokens of one style in one
//! span. syntect's own HTML nests a span for every scope, each naming all of
//! its scope's atoms: on the benchmark archive that made 24.9 MB of markup for
//! 1.1 MB of code.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::{Mutex, OnceLock, PoisonError};

use syntect::highlighting::{Color, FontStyle, Highlighter, Style, Theme, ThemeSet};
use syntect::parsing::{ParseState, Scope, ScopeStack, SyntaxReference, SyntaxSet};
use syntect::util::LinesWithEndings;

/// The syntax definitions, loaded on first use: a site without code never pays.
fn syntaxes() -> &'static SyntaxSet {
    static SYNTAXES: OnceLock<SyntaxSet> = OnceLock::new();
    SYNTAXES.get_or_init(SyntaxSet::load_defaults_newlines)
}

/// The built-in themes, loaded once.
fn themes() -> &'static ThemeSet {
    static THEMES: OnceLock<ThemeSet> = OnceLock::new();
    THEMES.get_or_init(ThemeSet::load_defaults)
}

/// The built-in theme named `theme_name`.
pub fn built_in_theme(theme_name: &str) -> Result<&'static Theme, HighlightError> {
    let themes = themes();
    themes.themes.get(theme_name).ok_or_else(|| HighlightError {
        name: theme_name.to_string(),
        known: themes.themes.keys().cloned().collect(),
    })
}

/// How fenced code is highlighted: with one theme's styles, or not at all.
#[derive(Debug)]
pub struct Highlighting {
    /// The theme, every token colour made readable ([`readable`]); none to
    /// leave code plain.
    theme: Option<Theme>,
    /// The theme's token colours other than its text colour, sorted and
    /// distinct: colour `i` is class `hl-i`.
    colours: Vec<u32>,
    /// The classes of each scope stack met so far. Matching the theme's
    /// selectors against a stack is a third of the cost of highlighting, and
    /// a site's code has a few thousand distinct stacks, each met many times.
    classes_by_scopes: Mutex<ClassesByScopes>,
}

/// Classes (as [`Highlighting::classes`] writes them) by scope stack.
type ClassesByScopes = HashMap<Vec<Scope>, String, foldhash::fast::FixedState>;

impl Highlighting {
    /// Highlighting with the built-in theme named `theme_name`.
    pub fn of(theme_name: &str) -> Result<Highlighting, HighlightError> {
        let theme = readable(built_in_theme(theme_name)?);
        let text = packed(text_colour(&theme));
        let mut colours: Vec<u32> = theme
            .scopes
            .iter()
            .filter_map(|item| item.style.foreground)
            .map(packed)
            .filter(|&colour| colour != text)
            .collect();
        colours.sort_unstable();
        colours.dedup();
        Ok(Highlighting {
            theme: Some(theme),
            colours,
            classes_by_scopes: Mutex::default(),
        })
    }

    /// No highlighting: code is shown as plain text (for callers that only
    /// compare a text's words).
    pub fn plain() -> Highlighting {
        Highlighting {
            theme: None,
            colours: Vec::new(),
            classes_by_scopes: Mutex::default(),
        }
    }

    /// The stylesheet for the classes this highlighting writes.
    pub fn stylesheet(&self) -> String {
        let Some(theme) = &self.theme else {
            return String::new();
        };
        let mut css = String::new();
        for (i, &colour) in self.colours.iter().enumerate() {
            let _ = writeln!(css, ".hl-{i} {{ color: #{:06x}; }}", colour >> 8);
        }
        css.push_str(".hl-b { font-weight: bold; }\n");
        css.push_str(".hl-i { font-style: italic; }\n");
        css.push_str(".hl-u { text-decoration: underline; }\n");
        css.push_str(&code_block_colours(theme));
        css
    }

    /// The classes of a token under `scopes`, from the record shared by every
    /// block, worked out (and recorded) if it has none yet.
    fn shared_classes(&self, highlighter: &Highlighter<'_>, scopes: &[Scope]) -> String {
        // Poisoned only if a thread panicked while holding it; the record is
        // never left half-written.
        let mut shared = self
            .classes_by_scopes
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(known) = shared.get(scopes) {
            return known.clone();
        }
        let known = self.classes(highlighter.style_for_stack(scopes));
        shared.insert(scopes.to_vec(), known.clone());
        known
    }

    /// The classes of a token of `style`, space-separated; empty for the
    /// theme's plain text.
    fn classes(&self, style: Style) -> String {
        let mut classes = String::new();
        if let Ok(i) = self.colours.binary_search(&packed(style.foreground)) {
            let _ = write!(classes, "hl-{i}");
        }
        for (flag, class) in [
            (FontStyle::BOLD, "hl-b"),
            (FontStyle::ITALIC, "hl-i"),
            (FontStyle::UNDERLINE, "hl-u"),
        ] {
            if style.font_style.contains(flag) {
                if !classes.is_empty() {
                    classes.push(' ');
                }
                classes.push_str(class);
            }
        }
        classes
    }

    /// A `<pre><code>` block, highlighted when the language is known.
    pub(super) fn code_block(&self, language: &str, code: &str) -> String {
        let escaped_language = escape_html(language);
        let set = syntaxes();
        let inner = self
            .theme
            .as_ref()
            .filter(|_| !language.is_empty())
            .and_then(|theme| Some((theme, set.find_syntax_by_token(language)?)))
            .and_then(|(theme, syntax)| self.highlighted(theme, syntax, set, code))
            // Unknown language, or syntect gave up: show the code plain rather than lose it.
            .unwrap_or_else(|| escape_html(code));
        format!(
            "<pre class=\"code\"><code{}>{inner}</code></pre>\n",
            language_class(&escaped_language)
        )
    }

    /// `code` as HTML, each run of tokens of one style in a span of its
    /// classes; none if syntect cannot parse it.
    fn highlighted(
        &self,
        theme: &Theme,
        syntax: &SyntaxReference,
        set: &SyntaxSet,
        code: &str,
    ) -> Option<String> {
        let mut parse = ParseState::new(syntax);
        let mut stack = ScopeStack::new();
        let mut classes = BlockClasses {
            highlighting: self,
            highlighter: Highlighter::new(theme),
            known: ClassesByScopes::default(),
        };
        let mut html = StyledHtml::with_capacity(code.len() * 2);
        for line in LinesWithEndings::from(code) {
            // Each operation on the scope stack applies from its byte on.
            let mut from = 0;
            for (at, operation) in parse.parse_line(line, set).ok()? {
                html.push(classes.of(stack.as_slice()), line.get(from..at)?);
                stack.apply(&operation).ok()?;
                from = at;
            }
            html.push(classes.of(stack.as_slice()), line.get(from..)?);
        }
        Some(html.finish())
    }
}

/// The classes of each scope stack met in one block: the block's own record
/// first, then the one shared by every block (which needs a lock).
struct BlockClasses<'h> {
    highlighting: &'h Highlighting,
    highlighter: Highlighter<'h>,
    known: ClassesByScopes,
}

impl BlockClasses<'_> {
    fn of(&mut self, scopes: &[Scope]) -> &str {
        if !self.known.contains_key(scopes) {
            let classes = self.highlighting.shared_classes(&self.highlighter, scopes);
            self.known.insert(scopes.to_vec(), classes);
        }
        &self.known[scopes]
    }
}

/// HTML of text runs, each in a span of its classes, adjacent runs of the
/// same classes sharing one.
struct StyledHtml {
    html: String,
    /// The classes of the span open at the end of `html`, if one is.
    open: Option<String>,
}

impl StyledHtml {
    fn with_capacity(capacity: usize) -> StyledHtml {
        StyledHtml {
            html: String::with_capacity(capacity),
            open: None,
        }
    }

    /// Adds `text` with `classes` (none: plain text).
    fn push(&mut self, classes: &str, text: &str) {
        if text.is_empty() {
            return;
        }
        // Blank text shows no colour: it joins the open span, unless that
        // span underlines.
        let blank = text.bytes().all(|b| b.is_ascii_whitespace());
        let joins = match &self.open {
            Some(open) => open == classes || (blank && !open.contains("hl-u")),
            None => classes.is_empty() || blank,
        };
        if !joins {
            self.close();
            if !classes.is_empty() {
                let _ = write!(self.html, "<span class=\"{classes}\">");
                self.open = Some(classes.to_string());
            }
        }
        pulldown_cmark_escape::escape_html_body_text(&mut self.html, text)
            .expect("writing to a String cannot fail");
    }

    fn close(&mut self) {
        if self.open.take().is_some() {
            self.html.push_str("</span>");
        }
    }

    fn finish(mut self) -> String {
        self.close();
        self.html
    }
}

/// A colour as one number, `0xRRGGBBAA`, to sort and compare by.
fn packed(colour: Color) -> u32 {
    u32::from_be_bytes([colour.r, colour.g, colour.b, colour.a])
}

/// The theme's colour for plain text.
fn text_colour(theme: &Theme) -> Color {
    theme.settings.foreground.unwrap_or(Color::BLACK)
}

fn language_class(escaped_language: &str) -> String {
    if escaped_language.is_empty() {
        String::new()
    } else {
        format!(" class=\"language-{escaped_language}\"")
    }
}

/// Escapes text for an HTML body or a quoted attribute.
fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    pulldown_cmark_escape::escape_html(&mut out, text).expect("writing to a String cannot fail");
    out
}

/// The highlighting theme named in `site.toml` does not exist.
#[derive(Debug, thiserror::Error)]
#[error("[highlight] theme `{name}` is not a known theme; use one of: {}", known.join(", "))]
pub struct HighlightError {
    /// The name asked for.
    pub name: String,
    /// The names available, sorted.
    pub known: Vec<String>,
}

/// The contrast every token colour keeps against the code background: WCAG's
/// AA level for normal text, which the browser tests check with axe-core.
const MIN_CONTRAST: f64 = 4.5;

/// `theme` with every token colour that is too faint on the theme's
/// background moved towards black (light themes) or white (dark themes) until
/// it reads. Several built-in themes have comments and numbers near 3:1.
fn readable(theme: &Theme) -> Theme {
    let mut theme = theme.clone();
    let background = code_background(&theme);
    let fix = |colour: &mut Option<Color>| {
        if let Some(c) = colour.as_mut() {
            *c = with_contrast(*c, background);
        }
    };
    fix(&mut theme.settings.foreground);
    for item in &mut theme.scopes {
        fix(&mut item.style.foreground);
        // Contrast is measured against the block's background, so a token
        // keeps no background of its own.
        item.style.background = None;
    }
    theme
}

fn code_background(theme: &Theme) -> Color {
    theme.settings.background.unwrap_or(Color::WHITE)
}

/// The block's own colours: `.hl-code` above is syntect's name for them, but
/// code blocks are `<pre class="code">`, and without this they would take the
/// page's colours (light text on the theme's light background in dark mode).
fn code_block_colours(theme: &Theme) -> String {
    let background = code_background(theme);
    let foreground = theme.settings.foreground.unwrap_or(Color::BLACK);
    format!(
        "\npre.code {{\n color: {};\n background-color: {};\n}}\n",
        hex(foreground),
        hex(background)
    )
}

fn hex(c: Color) -> String {
    format!("#{:02x}{:02x}{:02x}", c.r, c.g, c.b)
}

/// `colour`, darkened or lightened in small steps until it has
/// [`MIN_CONTRAST`] against `background`.
fn with_contrast(colour: Color, background: Color) -> Color {
    let target = if luminance(background) > 0.5 {
        0.0
    } else {
        255.0
    };
    let mut c = colour;
    for step in 1..=20 {
        if contrast(c, background) >= MIN_CONTRAST {
            break;
        }
        let t = f64::from(step) / 20.0;
        let mix = |from: u8| (f64::from(from) + (target - f64::from(from)) * t).round() as u8;
        c = Color {
            r: mix(colour.r),
            g: mix(colour.g),
            b: mix(colour.b),
            a: 0xff,
        };
    }
    c
}

/// WCAG 2 relative luminance.
fn luminance(c: Color) -> f64 {
    let channel = |v: u8| {
        let s = f64::from(v) / 255.0;
        if s <= 0.03928 {
            s / 12.92
        } else {
            ((s + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b)
}

/// WCAG 2 contrast ratio of two colours (1 to 21).
fn contrast(a: Color, b: Color) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_built_in_theme_gets_readable_token_colours() {
        for (name, theme) in ThemeSet::load_defaults().themes {
            let theme = readable(&theme);
            let background = code_background(&theme);
            let colours = theme.scopes.iter().filter_map(|item| item.style.foreground);
            for colour in colours.chain(theme.settings.foreground) {
                let ratio = contrast(colour, background);
                assert!(
                    ratio >= MIN_CONTRAST,
                    "{name}: {} on {} is {ratio:.2}:1",
                    hex(colour),
                    hex(background)
                );
            }
        }
    }

    /// `html` without its tags, unescaped.
    fn text_of(html: &str) -> String {
        let mut text = String::new();
        let mut in_tag = false;
        for c in html.chars() {
            match c {
                '<' => in_tag = true,
                '>' => in_tag = false,
                c if !in_tag => text.push(c),
                _ => {}
            }
        }
        text.replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&amp;", "&")
    }

    #[test]
    fn every_theme_styles_each_class_it_writes_and_keeps_the_code_whole() {
        let code = "fn main() {\n    let s = \"<b>&\"; // note\n}\n";
        for name in themes().themes.keys() {
            let highlighting = Highlighting::of(name).unwrap();
            let html = highlighting.code_block("rust", code);
            let css = highlighting.stylesheet();
            let classes = html
                .split("<span class=\"")
                .skip(1)
                .flat_map(|rest| rest[..rest.find('"').unwrap()].split(' '));
            let mut spans = 0;
            for class in classes {
                spans += 1;
                assert!(css.contains(&format!(".{class} {{")), "{name}: {class}");
            }
            assert!(spans > 3, "{name}: {html}");
            // The block ends with a line break after `</pre>`.
            assert_eq!(text_of(&html), format!("{code}\n"), "{name}");
        }
        let plain = Highlighting::plain().code_block("rust", code);
        assert!(!plain.contains("<span"), "{plain}");
        assert_eq!(text_of(&plain), format!("{code}\n"));
        assert_eq!(Highlighting::plain().stylesheet(), "");
    }

    #[test]
    fn runs_of_one_style_share_a_span_and_blanks_join_them() {
        let mut html = StyledHtml::with_capacity(0);
        html.push("hl-1", "let");
        html.push("", " ");
        html.push("hl-1", "mut");
        html.push("", " x");
        html.push("hl-2 hl-u", "a");
        html.push("", " ");
        html.push("hl-2 hl-u", "b");
        assert_eq!(
            html.finish(),
            "<span class=\"hl-1\">let mut</span> x<span class=\"hl-2 hl-u\">a</span> \
             <span class=\"hl-2 hl-u\">b</span>"
        );
    }

    #[test]
    fn a_colour_that_already_reads_is_kept() {
        let white = Color::WHITE;
        let dark = Color {
            r: 0x32,
            g: 0x32,
            b: 0x32,
            a: 0xff,
        };
        assert_eq!(hex(with_contrast(dark, white)), "#323232");
        let faint = Color {
            r: 0x96,
            g: 0x98,
            b: 0x96,
            a: 0xff,
        };
        assert!(contrast(with_contrast(faint, white), white) >= MIN_CONTRAST);
        assert!(contrast(faint, white) < MIN_CONTRAST);
    }
}
