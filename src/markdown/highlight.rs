//! Fenced-code highlighting with syntect, as CSS classes plus one stylesheet.

use std::sync::OnceLock;

use syntect::highlighting::{Color, Theme, ThemeSet};
use syntect::html::{ClassStyle, ClassedHTMLGenerator, css_for_theme_with_class_style};
use syntect::parsing::{SyntaxReference, SyntaxSet};
use syntect::util::LinesWithEndings;

/// Prefix of every highlighting class, so they cannot clash with the theme's own.
const CLASS_STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

/// The syntax definitions, loaded on first use: a site without code never pays.
fn syntaxes() -> &'static SyntaxSet {
    static SYNTAXES: OnceLock<SyntaxSet> = OnceLock::new();
    SYNTAXES.get_or_init(SyntaxSet::load_defaults_newlines)
}

/// A `<pre><code>` block, highlighted when the language is known.
pub(super) fn code_block(language: &str, code: &str) -> String {
    let escaped_language = escape_html(language);
    let set = syntaxes();
    let inner = (!language.is_empty())
        .then(|| set.find_syntax_by_token(language))
        .flatten()
        .and_then(|syntax| highlighted(syntax, set, code))
        // Unknown language, or syntect gave up: show the code plain rather than lose it.
        .unwrap_or_else(|| escape_html(code));
    format!(
        "<pre class=\"code\"><code{}>{inner}</code></pre>\n",
        language_class(&escaped_language)
    )
}

fn highlighted(syntax: &SyntaxReference, set: &SyntaxSet, code: &str) -> Option<String> {
    let mut generator = ClassedHTMLGenerator::new_with_class_style(syntax, set, CLASS_STYLE);
    for line in LinesWithEndings::from(code) {
        generator
            .parse_html_for_line_which_includes_newline(line)
            .ok()?;
    }
    Some(generator.finalize())
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

/// The stylesheet for the highlighting classes in the named syntect theme.
pub fn stylesheet(theme_name: &str) -> Result<String, HighlightError> {
    let themes = ThemeSet::load_defaults();
    let unknown = || HighlightError {
        name: theme_name.to_string(),
        known: themes.themes.keys().cloned().collect(),
    };
    let theme = themes.themes.get(theme_name).ok_or_else(unknown)?;
    let theme = readable(theme);
    let classes = css_for_theme_with_class_style(&theme, CLASS_STYLE).map_err(|_| unknown())?;
    Ok(format!("{classes}{}", code_block_colours(&theme)))
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
