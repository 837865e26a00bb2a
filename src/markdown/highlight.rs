//! Fenced-code highlighting with syntect, as CSS classes plus one stylesheet.

use std::sync::OnceLock;

use syntect::highlighting::ThemeSet;
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
    css_for_theme_with_class_style(theme, CLASS_STYLE).map_err(|_| unknown())
}
