//! The link pass over content in the plain form Markdown's writer gives,
//! without the rewriter.
//!
//! Every article body, summary, bio and comment shown on a built-in page goes
//! through [`super::Linker::content`]; tokenizing each with `lol_html` was
//! the larger part of that. For content in the plain form
//! ([`crate::markdown::plain_form`]) this pass finds the same elements and
//! attribute values the rewriter would, and writes each changed tag as the
//! rewriter writes it. Anything else (another form, an element whose content
//! is not markup, a `<meta>` or `<object>`, a repeated attribute) makes it
//! give up, and the content takes the rewriter. The fuzz target `article`
//! holds the two to the same output.
//!
//! Owns nothing but that equivalence: what a URL becomes is
//! [`super::relative_url`]'s and [`super::changed`]'s.

use std::borrow::Cow;

use crate::markdown::plain_form::{Markup, StartTag};
use crate::markdown::{SRCSET_ATTRIBUTES, URL_ATTRIBUTES, map_srcset};

use super::{PageFolder, changed, relative_url};

/// Elements this pass leaves to the rewriter besides those not in the plain
/// form: the two whose URL depends on more than one attribute.
const LEFT_TO_THE_REWRITER: &[&str] = &["meta", "object"];

/// `html` with its URLs into the site relative to `from`, exactly as
/// [`super::relative_urls`] would write it (borrowed when no URL changes),
/// or `None` when `html` is not in the plain form (see the module comment).
pub(super) fn relative_plain<'h>(
    html: &'h str,
    from: &PageFolder<'_>,
    base_path: &str,
) -> Option<Cow<'h, str>> {
    let bytes = html.as_bytes();
    let mut out = String::new();
    let mut copied = 0;
    let mut at = 0;
    while let Some(found) = memchr::memchr(b'<', &bytes[at..]) {
        let start = at + found;
        let markup = Markup::at(&html[start..])?;
        if let Markup::Start(tag) = &markup {
            if LEFT_TO_THE_REWRITER.contains(&tag.name) {
                return None;
            }
            if let Some(rewritten) = relative_tag(tag, from, base_path)? {
                if out.capacity() == 0 {
                    // Room for the whole once the first URL changes.
                    out.reserve(html.len() + html.len() / 8);
                }
                out.push_str(&html[copied..start]);
                out.push_str(&rewritten);
                copied = start + tag.len;
            }
        }
        at = start + markup.len();
    }
    if copied == 0 {
        return Some(Cow::Borrowed(html));
    }
    out.push_str(&html[copied..]);
    Some(Cow::Owned(out))
}

/// `tag` as the rewriter writes it once its URLs are made relative to
/// `from`, `Some(None)` when no URL changes (it is then left byte for byte),
/// or `None` when the tag is not one this pass can be sure of.
fn relative_tag(
    tag: &StartTag<'_>,
    from: &PageFolder<'_>,
    base_path: &str,
) -> Option<Option<String>> {
    let holds_url =
        |name: &str| URL_ATTRIBUTES.contains(&name) || SRCSET_ATTRIBUTES.contains(&name);
    // The rewriter is handed only elements with a URL attribute.
    if !tag.attributes().any(|(name, _)| holds_url(name)) {
        return Some(None);
    }
    // A repeated attribute: the rewriter's rule for it is its own.
    if tag.repeats_an_attribute() {
        return None;
    }
    let url = |value: &str| relative_url(value, from, base_path);
    let new_values: Vec<Option<String>> = tag
        .attributes()
        .map(|(name, value)| {
            if URL_ATTRIBUTES.contains(&name) {
                changed(value, &url)
            } else if SRCSET_ATTRIBUTES.contains(&name) {
                changed(value, &|v| map_srcset(v, &url))
            } else {
                None
            }
        })
        .collect();
    if new_values.iter().all(Option::is_none) {
        return Some(None);
    }
    // As the rewriter writes a changed tag: one space before each
    // attribute, and a space before the `/` of a self-closing one.
    let mut written = format!("<{}", tag.name);
    for ((name, value), new) in tag.attributes().zip(&new_values) {
        written.push(' ');
        written.push_str(name);
        written.push_str("=\"");
        written.push_str(new.as_deref().unwrap_or(value));
        written.push('"');
    }
    written.push_str(if tag.self_closing { " />" } else { ">" });
    Some(Some(written))
}

#[cfg(test)]
mod tests {
    use super::super::relative_urls;
    use super::*;

    fn both(html: &str, page: &str, base: &str) -> (Option<String>, String) {
        let plain = relative_plain(html, &PageFolder::of(page), base).map(Cow::into_owned);
        (plain, relative_urls(html, page, base).unwrap())
    }

    #[test]
    fn plain_content_is_written_as_the_rewriter_writes_it() {
        let page = "articles/a/index.html";
        for html in [
            "",
            "<p>No links.</p>",
            "<p>See <a href=\"/articles/b/\">b</a> and <a href=\"https://e.example/\">e</a>.</p>",
            "<!-- more -->\n<p><a href=\"/tags/x/#top\" title=\"a &amp; b\">x</a></p>",
            "<p><img src=\"/img/a.png\" alt=\"a\" /><img src=\"/img/b.png\"/><br></p>",
            "<img srcset=\"/a.png 1x, /b.png 2x\" src=\"/a.png\" loading=\"lazy\">",
            "<a href=\"/don&#39;t/\" data-x=\"/y/\">q</a><a href=\"../c/\">c</a>",
            "<h2 id=\"a-brief-history\">A brief history</h2><sup class=\"footnote-reference\"><a href=\"#1\">1</a></sup>",
            "<pre><code class=\"language-rust\"><span class=\"k\">fn</span> a &lt;b&gt;</code></pre>",
            "<blockquote cite=\"/sources/\"><p>q</p></blockquote><!---x--><p>a > b</p>",
            "<th style=\"text-align: left\">h</th><input disabled=\"\" type=\"checkbox\"/>",
        ] {
            let (plain, rewriter) = both(html, page, "");
            assert_eq!(plain.as_deref(), Some(rewriter.as_str()), "{html}");
        }
    }

    #[test]
    fn what_markdown_writes_is_in_the_plain_form() {
        // The fuzz seed: links, an image, a footnote, code, a table, raw
        // HTML written as the writer writes it, and the summary marker.
        let seed = include_str!("../../../fuzz/seeds/article/links.md");
        let markdown = seed.rsplit("+++").next().unwrap();
        let markdown = format!(
            "{markdown}\n```rust\nfn main() {{}}\n```\n\n| a | b |\n|:--|--:|\n| 1 | 2 |\n\nNote.[^1]\n\n[^1]: A [note](/notes/).\n"
        );
        let html =
            crate::markdown::render_trusted(&markdown, &crate::markdown::Highlighting::plain());
        let (plain, rewriter) = both(&html, "tags/one/page/2/index.html", "");
        assert_eq!(plain.as_deref(), Some(rewriter.as_str()), "{html}");
        assert_ne!(rewriter, html, "no link was made relative");
    }

    #[test]
    fn other_forms_are_left_to_the_rewriter() {
        for html in [
            "<A HREF=\"/x/\">x</A>",
            "<a href='/x/'>x</a>",
            "<a href=/x/>x</a>",
            "<a  href=\"/x/\">x</a>",
            "<a href=\"/x/\" href=\"/y/\">x</a>",
            "<a\thref=\"/x/\">x</a>",
            "<p>a < b</p>",
            "<!-->x<a href=\"/x/\">",
            "<!--->x",
            "<!-- a --!> <a href=\"/x/\">",
            "<!-- unclosed",
            "<script>\"<a href='/x/'>\"</script>",
            "<textarea><a href=\"/x/\"></textarea>",
            "<svg><a href=\"/x/\"/></svg>",
            "<meta http-equiv=\"refresh\" content=\"0; url=/x/\">",
            "<object data=\"/x/\"></object>",
            "<!DOCTYPE html>",
            "<a href=\"/x/\"",
            "</p >",
        ] {
            assert_eq!(
                relative_plain(html, &PageFolder::of("a/index.html"), ""),
                None,
                "{html}"
            );
        }
    }

    #[test]
    fn a_base_path_and_a_deep_page_are_handled_as_the_rewriter_does() {
        let html = "<p><a href=\"/archive/tags/x/\">x</a><a href=\"/other/\">o</a></p>";
        let (plain, rewriter) = both(html, "archive-page/2/index.html", "/archive");
        assert_eq!(plain.as_deref(), Some(rewriter.as_str()));
        assert!(rewriter.contains("../../tags/x/index.html"), "{rewriter}");
    }
}
