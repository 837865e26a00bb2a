//! Markdown to HTML.
//!
//! Owns the Markdown dialect (CommonMark with tables, footnotes, strikethrough and
//! task lists; smart punctuation off so archived text stays as written), code
//! highlighting and the sanitizing of text written by the public. Trusted text (the
//! site owner's articles, bios and pages) is rendered as written, raw HTML
//! included; untrusted text (comments) goes through [`render_untrusted`]. It
//! also rewrites the URLs inside rendered HTML when asked (absolute for feeds,
//! site-root for summaries shown on other pages), but knows nothing of pages,
//! the site's URL scheme or templates.

mod description;
mod highlight;
mod html;
pub(crate) mod plain_form;
mod untrusted;

use std::collections::HashSet;

use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};

use crate::slug::slugify;

pub use description::description;
pub use highlight::{HighlightError, Highlighting, built_in_theme};
pub use html::{
    SRCSET_ATTRIBUTES, URL_ATTRIBUTES, absolute_urls, absolute_urls_by_rewriter, first_image,
    map_srcset, site_root_urls,
};
pub use untrusted::{
    may_link_into_site, render_untrusted, render_untrusted_by_sanitizer, safe_url,
};

/// The marker that ends an article's summary when it has no `summary` key.
pub const SUMMARY_MARKER: &str = "<!-- more -->";

/// The extensions scholia's Markdown dialect turns on.
fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
}

/// Renders trusted Markdown (the site owner's) to HTML: fenced code is
/// highlighted as `highlighting` says and every heading gets an id to link to.
pub fn render_trusted(markdown: &str, highlighting: &Highlighting) -> String {
    let parser = Parser::new_ext(markdown, options() | Options::ENABLE_HEADING_ATTRIBUTES);
    let events = anchor_headings(highlight_code(parser, highlighting).collect());
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    exact_size(html)
}

/// `text` in an allocation of its own length, for text the model keeps
/// until the pages are written: spare room would be held by every article
/// and comment at once. Copied rather than shrunk: an allocator may keep a
/// block in place when it shrinks by less than half (mimalloc does), so
/// `shrink_to_fit` can leave the room held while `capacity` says it is gone
/// (on the 10k archive, 46 MiB of the article bodies' 100).
pub(crate) fn exact_size(text: String) -> String {
    if text.capacity() == text.len() {
        return text;
    }
    text.as_str().to_owned()
}

/// Replaces each fenced code block with its highlighted HTML.
fn highlight_code<'a>(
    events: impl Iterator<Item = Event<'a>>,
    highlighting: &Highlighting,
) -> impl Iterator<Item = Event<'a>> {
    let mut code: Option<(String, String)> = None; // (language, text) inside a fenced block
    events.filter_map(move |event| match event {
        Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) => {
            let language = info.split([',', ' ']).next().unwrap_or("").to_string();
            code = Some((language, String::new()));
            None
        }
        Event::Text(text) if code.is_some() => {
            if let Some((_, body)) = code.as_mut() {
                body.push_str(&text);
            }
            None
        }
        Event::End(TagEnd::CodeBlock) if code.is_some() => code
            .take()
            .map(|(language, body)| Event::Html(highlighting.code_block(&language, &body).into())),
        other => Some(other),
    })
}

/// Gives each heading without an explicit `{#id}` an id made from its text,
/// unique in the page. Ids the article page uses itself (`comments`,
/// `comment-…`) are never given to a heading, even one that asks for them, so
/// `#comment-3` always means the comment.
fn anchor_headings(mut events: Vec<Event<'_>>) -> Vec<Event<'_>> {
    let mut used: HashSet<String> = events
        .iter()
        .filter_map(|e| match e {
            Event::Start(Tag::Heading { id: Some(id), .. }) if !is_page_id(id) => {
                Some(id.to_string())
            }
            _ => None,
        })
        .collect();
    for i in 0..events.len() {
        let base = match &events[i] {
            Event::Start(Tag::Heading { id: None, .. }) => slugify(&heading_text(&events[i + 1..])),
            Event::Start(Tag::Heading { id: Some(id), .. }) if is_page_id(id) => id.to_string(),
            _ => continue,
        };
        let base = match base {
            base if base.is_empty() => "section".to_string(),
            base if is_page_id(&base) => format!("{base}-section"),
            base => base,
        };
        let unique = (1..)
            .map(|n| {
                if n == 1 {
                    base.clone()
                } else {
                    format!("{base}-{n}")
                }
            })
            .find(|candidate| !used.contains(candidate))
            .expect("some suffix is free");
        used.insert(unique.clone());
        if let Event::Start(Tag::Heading { id, .. }) = &mut events[i] {
            *id = Some(unique.into());
        }
    }
    events
}

/// Whether an id is one the article page gives its thread and comments.
fn is_page_id(id: &str) -> bool {
    id == "comments" || id.starts_with("comment-")
}

/// The text of a heading, from the events after its start.
fn heading_text(events: &[Event<'_>]) -> String {
    events
        .iter()
        .take_while(|e| !matches!(e, Event::End(TagEnd::Heading(_))))
        .filter_map(|e| match e {
            Event::Text(t) | Event::Code(t) => Some(t.as_ref()),
            _ => None,
        })
        .collect()
}

/// The HTML of the first paragraph of rendered HTML, if it has one.
pub fn first_paragraph(html: &str) -> Option<&str> {
    let start = html.find("<p>")?;
    let end = html[start..].find("</p>")? + start + "</p>".len();
    Some(&html[start..end])
}

/// An article's summary as HTML: `summary` if given, else the body before
/// `<!-- more -->`, else its first paragraph.
pub fn summary_html(
    explicit: Option<&str>,
    body: &str,
    body_html: &str,
    highlighting: &Highlighting,
) -> String {
    if let Some(summary) = explicit {
        return render_trusted(summary, highlighting);
    }
    if let Some(cut) = body.find(SUMMARY_MARKER) {
        return render_trusted(&body[..cut], highlighting);
    }
    first_paragraph(body_html).unwrap_or("").to_string()
}

/// An article's summary as plain text, for `<meta name="description">` and feed
/// summaries: the same choice as [`summary_html`] (without a `summary` or a
/// marker, the first paragraph), without markup.
pub fn summary_text(explicit: Option<&str>, body: &str) -> String {
    let (source, first_paragraph_only) = match (explicit, body.find(SUMMARY_MARKER)) {
        (Some(summary), _) => (summary, false),
        (None, Some(cut)) => (&body[..cut], false),
        (None, None) => (body, true),
    };
    let mut text = String::new();
    let mut in_paragraph = false;
    for event in Parser::new_ext(source, options()) {
        match event {
            Event::Start(Tag::Paragraph) => in_paragraph = true,
            Event::End(TagEnd::Paragraph) if first_paragraph_only => break,
            Event::Text(t) | Event::Code(t) if in_paragraph || !first_paragraph_only => {
                text.push_str(&t)
            }
            // Block ends and line breaks separate words; inline ends do not.
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::BlockQuote(_)
                | TagEnd::CodeBlock
                | TagEnd::TableCell,
            )
            | Event::SoftBreak
            | Event::HardBreak => text.push(' '),
            _ => {}
        }
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The default theme's highlighting.
    fn themed() -> Highlighting {
        Highlighting::of("InspiredGitHub").unwrap()
    }

    #[test]
    fn keeps_straight_quotes_and_dashes() {
        let html = render_trusted("\"Quoted\" -- text...", &themed());
        assert!(html.contains("\"Quoted\" -- text..."), "{html}");
    }

    #[test]
    fn renders_tables_footnotes_strikethrough_and_tasks() {
        let html = render_trusted(
            "| a |\n|---|\n| b |\n\n~~x~~ [^1]\n\n[^1]: note\n\n- [x] done\n",
            &themed(),
        );
        for fragment in [
            "<table>",
            "<del>x</del>",
            "footnote-definition",
            "type=\"checkbox\"",
        ] {
            assert!(html.contains(fragment), "{fragment} missing in {html}");
        }
    }

    #[test]
    fn highlights_fenced_code_with_classes() {
        let html = render_trusted("```rust\nfn main() {}\n```\n", &themed());
        assert!(html.contains("class=\"hl-"), "{html}");
        assert!(!html.contains("style="), "{html}");
    }

    #[test]
    fn headings_get_unique_ids() {
        let html = render_trusted(
            "# Intro\n\n## Intro\n\n## Comments\n\n## Mine {#kept}\n",
            &themed(),
        );
        for id in [
            "id=\"intro\"",
            "id=\"intro-2\"",
            "id=\"comments-section\"",
            "id=\"kept\"",
        ] {
            assert!(html.contains(id), "{id} missing in {html}");
        }
    }

    #[test]
    fn summary_text_is_plain() {
        let body = "<figure>x</figure>\n\nOne *two*\nthree.\n\nFour.\n";
        assert_eq!(summary_text(None, body), "One two three.");
        assert_eq!(summary_text(Some("A `b`."), body), "A b.");
        assert_eq!(
            summary_text(None, "## Background\n\nFirst para.\n"),
            "First para."
        );
        assert_eq!(summary_text(Some("## Head\n\nText"), ""), "Head Text");
        assert_eq!(summary_text(Some("A **b**."), ""), "A b.");
    }

    #[test]
    fn summary_prefers_explicit_then_marker_then_first_paragraph() {
        let body = "One.\n\nTwo.\n";
        let html = render_trusted(body, &themed());
        assert_eq!(
            summary_html(Some("S"), body, &html, &themed()),
            "<p>S</p>\n"
        );
        assert_eq!(summary_html(None, body, &html, &themed()), "<p>One.</p>");
        let marked = "One.\n\nTwo.\n<!-- more -->\nThree.\n";
        let html = render_trusted(marked, &themed());
        assert!(summary_html(None, marked, &html, &themed()).contains("Two."));
    }
}
