//! Rewriting rendered HTML one tag at a time, in one linear pass.
//!
//! Used where HTML must change after Markdown made it: making a feed's URLs
//! absolute, making a summary's relative URLs site-root paths, finding the
//! first image, and flattening nesting too deep for the sanitizer. It runs
//! html5ever's tokenizer only, never its tree builder, so its time is linear
//! in the input whatever the markup (the tree builder scans the stack of open
//! elements for many tags, which is quadratic in the nesting depth). The output
//! is the same document re-serialized: tags, text and comments, with text and
//! attribute values escaped again.

use std::cell::{Cell, RefCell};

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{
    BufferQueue, Tag, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};
use url::Url;

use super::plain_form::{Markup, StartTag};

/// Attributes whose value is one URL (and `data`, on `<object>` only).
pub const URL_ATTRIBUTES: &[&str] = &[
    "href",
    "src",
    "poster",
    "cite",
    "action",
    "formaction",
    "background",
    "longdesc",
];

/// Attributes whose value is a list of image candidates (`a.jpg 1x, b.jpg 2x`).
pub const SRCSET_ATTRIBUTES: &[&str] = &["srcset", "imagesrcset"];

/// Elements that never have content, so never nest.
const VOID_ELEMENTS: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr",
];

/// Elements a start tag of the same name closes (`<li>a<li>b` are siblings).
const SIBLING_CLOSED: &[&str] = &["li", "p", "dt", "dd", "tr", "td", "th", "option"];

/// Re-serializes `html`, letting `filter` change each tag or drop it (by
/// returning `false`; the text inside a dropped tag is kept).
fn rewrite_tags(html: &str, filter: impl FnMut(&mut Tag) -> bool) -> String {
    let sink = Rewriter {
        out: RefCell::new(String::with_capacity(html.len() + html.len() / 8)),
        raw: Cell::new(false),
        filter: RefCell::new(filter),
    };
    let tokenizer = Tokenizer::new(sink, TokenizerOpts::default());
    let input = BufferQueue::default();
    input.push_back(StrTendril::from_slice(html));
    // The sink never asks to pause for a script, so one feed consumes it all.
    let _ = tokenizer.feed(&input);
    tokenizer.end();
    tokenizer.sink.out.into_inner()
}

struct Rewriter<F> {
    out: RefCell<String>,
    /// Inside `<script>`, `<style>` and the like, whose text is not escaped.
    raw: Cell<bool>,
    filter: RefCell<F>,
}

impl<F: FnMut(&mut Tag) -> bool> TokenSink for Rewriter<F> {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        let mut out = self.out.borrow_mut();
        match token {
            Token::TagToken(mut tag) => {
                // The tokenizer's state follows the tag whether or not it is kept,
                // as a browser's would.
                let next = match tag.kind {
                    TagKind::StartTag => text_state(&tag.name),
                    TagKind::EndTag => TokenSinkResult::Continue,
                };
                self.raw.set(matches!(
                    next,
                    TokenSinkResult::RawData(RawKind::Rawtext | RawKind::ScriptData)
                        | TokenSinkResult::Plaintext
                ));
                if (self.filter.borrow_mut())(&mut tag) {
                    write_tag(&mut out, &tag);
                }
                return next;
            }
            Token::CharacterTokens(text) if self.raw.get() => out.push_str(&text),
            Token::CharacterTokens(text) => escape(&mut out, &text, false),
            Token::CommentToken(text) => {
                out.push_str("<!--");
                out.push_str(&text);
                out.push_str("-->");
            }
            Token::DoctypeToken(_)
            | Token::NullCharacterToken
            | Token::EOFToken
            | Token::ParseError(_) => {}
        }
        TokenSinkResult::Continue
    }
}

/// How the text after a start tag is tokenized (as the HTML tree builder
/// would tell the tokenizer).
fn text_state(name: &str) -> TokenSinkResult<()> {
    match name {
        "script" => TokenSinkResult::RawData(RawKind::ScriptData),
        "style" | "xmp" | "iframe" | "noembed" | "noframes" => {
            TokenSinkResult::RawData(RawKind::Rawtext)
        }
        "title" | "textarea" => TokenSinkResult::RawData(RawKind::Rcdata),
        "plaintext" => TokenSinkResult::Plaintext,
        _ => TokenSinkResult::Continue,
    }
}

fn write_tag(out: &mut String, tag: &Tag) {
    out.push('<');
    if tag.kind == TagKind::EndTag {
        out.push('/');
    }
    out.push_str(&tag.name);
    for attr in &tag.attrs {
        out.push(' ');
        out.push_str(&attr.name.local);
        out.push_str("=\"");
        escape(out, &attr.value, true);
        out.push('"');
    }
    if tag.self_closing {
        out.push_str(" /");
    }
    out.push('>');
}

/// Appends `text` to `out` with `&` escaped, and `<` and `>` in text or `"`
/// in an attribute value. The runs between them are copied whole (all four
/// are ASCII, so a run never ends inside a character).
fn escape(out: &mut String, text: &str, in_attribute: bool) {
    let bytes = text.as_bytes();
    let mut from = 0;
    let mut escape_at = |at: usize| {
        out.push_str(&text[from..at]);
        out.push_str(match bytes[at] {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            _ => "&quot;",
        });
        from = at + 1;
    };
    if in_attribute {
        memchr::memchr2_iter(b'&', b'"', bytes).for_each(&mut escape_at);
    } else {
        memchr::memchr3_iter(b'&', b'<', b'>', bytes).for_each(&mut escape_at);
    }
    out.push_str(&text[from..]);
}

/// `html` with every URL in a link, image, media or quote attribute (`href`,
/// `src`, `srcset`, `poster`, `cite`, …) resolved against `base`, as a browser
/// showing the page at `base` would resolve it. A feed's content is read far
/// from the page, where a relative URL would resolve against the feed's URL.
pub fn absolute_urls(html: &str, base: &Url) -> String {
    // Most comments' HTML is in the plain form with only absolute links:
    // the tokenizer would give it back byte for byte.
    if unchanged_by_absolute_urls(html, base) {
        return html.to_string();
    }
    absolute_urls_by_rewriter(html, base)
}

/// [`absolute_urls`] always through the tokenizer: the definition that its
/// way round is held to, by tests and the fuzz targets.
pub fn absolute_urls_by_rewriter(html: &str, base: &Url) -> String {
    rewrite_tags(html, |tag| {
        if tag.kind == TagKind::StartTag {
            let is_object = &*tag.name == "object";
            for attr in &mut tag.attrs {
                let name = &*attr.name.local;
                if URL_ATTRIBUTES.contains(&name) || (is_object && name == "data") {
                    attr.value = resolve(base, &attr.value).into();
                } else if SRCSET_ATTRIBUTES.contains(&name) {
                    let resolved = map_srcset(&attr.value, &|url| Some(resolve(base, url)));
                    attr.value = resolved.unwrap_or_default().into();
                }
            }
        }
        true
    })
}

/// Whether [`absolute_urls_by_rewriter`] gives `html` back byte for byte:
/// it is in the plain form ([`super::plain_form`]) and holds no `&` (no
/// character reference, which would be decoded and written back otherwise),
/// no carriage return or NUL (which a tokenizer changes), no `>` outside a
/// tag (written back as `&gt;`) and no `<object>`; its self-closing tags end
/// with ` />`, no tag repeats an attribute, and each URL is absolute as the
/// URL standard writes it.
fn unchanged_by_absolute_urls(html: &str, base: &Url) -> bool {
    let bytes = html.as_bytes();
    if memchr::memchr3(b'&', b'\r', b'\0', bytes).is_some() {
        return false;
    }
    let mut at = 0;
    while let Some(found) = memchr::memchr2(b'<', b'>', &bytes[at..]) {
        let start = at + found;
        let Some(markup) = (bytes[start] == b'<')
            .then(|| Markup::at(&html[start..]))
            .flatten()
        else {
            return false;
        };
        if let Markup::Start(tag) = &markup
            && !start_tag_unchanged(tag, base)
        {
            return false;
        }
        at = start + markup.len();
    }
    true
}

/// Whether the rewriter writes `tag` back as it is (see
/// [`unchanged_by_absolute_urls`]).
fn start_tag_unchanged(tag: &StartTag<'_>, base: &Url) -> bool {
    if tag.name == "object" || (tag.self_closing && !tag.spaced_slash) || tag.repeats_an_attribute()
    {
        return false;
    }
    tag.attributes().all(|(name, value)| {
        if URL_ATTRIBUTES.contains(&name) {
            resolve(base, value) == value
        } else if SRCSET_ATTRIBUTES.contains(&name) {
            map_srcset(value, &|url| Some(resolve(base, url))).is_some_and(|all| all == value)
        } else {
            true
        }
    })
}

/// The `src` of the first `<img>` in rendered HTML, as written. Most articles
/// have none, and are not tokenized at all.
pub fn first_image(html: &str) -> Option<String> {
    let bytes = html.as_bytes();
    let img_at = |at: usize| {
        bytes
            .get(at + 1..at + 4)
            .is_some_and(|name| name.eq_ignore_ascii_case(b"img"))
    };
    if !memchr::memchr_iter(b'<', bytes).any(img_at) {
        return None;
    }
    let mut found = None;
    rewrite_tags(html, |tag| {
        if found.is_none() && tag.kind == TagKind::StartTag && &*tag.name == "img" {
            found = tag
                .attrs
                .iter()
                .find(|a| &*a.name.local == "src")
                .map(|a| {
                    a.value
                        .trim_matches(|c: char| c.is_ascii_whitespace())
                        .to_string()
                })
                .filter(|src| !src.is_empty());
        }
        true
    });
    found
}

/// `html`, shown on the page whose site-root path is `page`
/// (`/archive/articles/a/`), with every relative URL made a site-root path
/// (`map.png` → `/archive/articles/a/map.png`), so that it leads to the same
/// place wherever the HTML is shown: an article's summary is also shown on
/// listings at other depths. Returned as it is when nothing in it is relative.
pub fn site_root_urls(html: &str, page: &str) -> String {
    let Ok(base) = Url::parse("http://site.invalid").and_then(|origin| origin.join(page)) else {
        return html.to_string();
    };
    let from_root = |url: &str| -> Option<String> {
        let trimmed = url.trim_matches(|c: char| c.is_ascii_whitespace());
        let before_path_end = trimmed.find(['/', '?', '#']).unwrap_or(trimmed.len());
        let has_scheme = trimmed[..before_path_end].contains(':');
        if trimmed.is_empty() || trimmed.starts_with('/') || has_scheme {
            return None;
        }
        let resolved = base.join(trimmed).ok()?;
        Some(resolved[url::Position::BeforePath..].to_string())
    };
    let mut changed = false;
    let rewritten = rewrite_tags(html, |tag| {
        if tag.kind == TagKind::StartTag {
            let is_object = &*tag.name == "object";
            for attr in &mut tag.attrs {
                let name = &*attr.name.local;
                let new = if URL_ATTRIBUTES.contains(&name) || (is_object && name == "data") {
                    from_root(&attr.value)
                } else if SRCSET_ATTRIBUTES.contains(&name) {
                    map_srcset(&attr.value, &from_root)
                } else {
                    None
                };
                if let Some(new) = new {
                    attr.value = new.into();
                    changed = true;
                }
            }
        }
        true
    });
    if changed { rewritten } else { html.to_string() }
}

/// A `srcset` (`a.jpg 1x, b.jpg 2x`) with each candidate's URL changed by
/// `change` (`None`: kept), or `None` when no URL changes. Candidates keep
/// their descriptors.
pub fn map_srcset(srcset: &str, change: &dyn Fn(&str) -> Option<String>) -> Option<String> {
    let mut changed = false;
    let candidates: Vec<String> = srcset
        .split(',')
        .map(|candidate| {
            let candidate = candidate.trim();
            let (url, descriptor) = candidate
                .split_once(|c: char| c.is_ascii_whitespace())
                .unwrap_or((candidate, ""));
            match change(url) {
                Some(new) if descriptor.is_empty() => {
                    changed = true;
                    new
                }
                Some(new) => {
                    changed = true;
                    format!("{new} {}", descriptor.trim())
                }
                None => candidate.to_string(),
            }
        })
        .collect();
    changed.then(|| candidates.join(", "))
}

/// `url` resolved against `base`; as written if it cannot be parsed.
fn resolve(base: &Url, url: &str) -> String {
    // Browsers ignore white space around a URL attribute's value.
    let trimmed = url.trim_matches(|c: char| c.is_ascii_whitespace());
    base.join(trimmed)
        .map_or_else(|_| url.to_string(), String::from)
}

/// `html` with elements nested deeper than `max_depth` unwrapped: their tags
/// are dropped and their text kept, so the text reads the same but the tree
/// is never deeper than `max_depth`. Depth is counted as a browser would for
/// well-formed HTML; an end tag with no matching open element is dropped.
pub(crate) fn cap_nesting(html: &str, max_depth: usize) -> String {
    let mut open: Vec<String> = Vec::new();
    rewrite_tags(html, |tag| {
        let name: &str = &tag.name;
        match tag.kind {
            TagKind::StartTag if tag.self_closing || VOID_ELEMENTS.contains(&name) => true,
            TagKind::StartTag => {
                if SIBLING_CLOSED.contains(&name) && open.last().is_some_and(|n| n == name) {
                    open.pop();
                }
                if open.len() >= max_depth {
                    return false;
                }
                open.push(name.to_string());
                true
            }
            TagKind::EndTag => match open.iter().rposition(|n| n == name) {
                Some(at) => {
                    open.truncate(at);
                    true
                }
                None => false,
            },
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_the_rewriter_would_give_back_skips_it() {
        let base = Url::parse("https://example.org/articles/a/").unwrap();
        let comment = crate::markdown::render_untrusted(
            "A *point*, see https://example.org/x and [this](https://b.example/p?q=1).\n\n> quoted\n\n- one\n- two",
        );
        for (html, skips) in [
            (comment.as_str(), true),
            ("<p>Plain ’ text — \u{a0}here.</p>\n<!-- more -->", true),
            (
                "<p><img src=\"https://e.example/a.png\" alt=\"a\" /></p>",
                true,
            ),
            ("<p>1 &lt; 2</p>", false),
            ("<p>a > b</p>", false),
            ("<p><a href=\"other/\">x</a></p>", false),
            ("<p><a href=\"https://E.example\">x</a></p>", false),
            ("<p><br/></p>", false),
            ("<p><A HREF=\"https://e.example/\">x</A></p>", false),
            ("<p>x\r\ny</p>", false),
            (
                "<p><a href=\"https://e.example/\" href=\"x\">x</a></p>",
                false,
            ),
            (
                "<img srcset=\"https://e.example/a.png 1x,https://e.example/b.png 2x\">",
                false,
            ),
            ("<object data=\"https://e.example/o\"></object>", false),
        ] {
            assert_eq!(unchanged_by_absolute_urls(html, &base), skips, "{html}");
            assert_eq!(
                absolute_urls(html, &base),
                absolute_urls_by_rewriter(html, &base),
                "{html}"
            );
        }
    }

    #[test]
    fn relative_urls_resolve_against_the_base() {
        let base = Url::parse("https://example.org/articles/a/").unwrap();
        let html = absolute_urls(
            r##"<p><a href="other/">x</a> <img src="photo.jpg" srcset="s.jpg 1x, /l.jpg 2x"> <a href="/root">r</a> <a href="https://b.org/">b</a> <a href="#n">n</a> 1 &lt; 2 &amp; "q"</p>"##,
            &base,
        );
        for expected in [
            r#"href="https://example.org/articles/a/other/""#,
            r#"src="https://example.org/articles/a/photo.jpg""#,
            r#"srcset="https://example.org/articles/a/s.jpg 1x, https://example.org/l.jpg 2x""#,
            r#"href="https://example.org/root""#,
            r#"href="https://b.org/""#,
            r##"href="https://example.org/articles/a/#n""##,
            r#"1 &lt; 2 &amp; "q""#,
        ] {
            assert!(html.contains(expected), "{expected} missing in {html}");
        }
    }

    #[test]
    fn first_image_is_the_first_img_with_a_source() {
        assert_eq!(first_image("<p>No picture.</p>"), None);
        assert_eq!(
            first_image(
                r#"<!-- <img src="hidden.png"> --><IMG alt="x"><img src=" a.jpg "><img src="b.jpg">"#
            ),
            Some("a.jpg".to_string())
        );
    }

    #[test]
    fn relative_urls_become_site_root_paths_of_the_page() {
        let html = r##"<p><a href="other/">x</a> <img src="map.png" srcset="map.png 1x, /big.png 2x"> <a href="/root">r</a> <a href="#n">n</a> <a href="https://b.example/">b</a></p>"##;
        let rooted = site_root_urls(html, "/blog/articles/a/");
        for expected in [
            r#"href="/blog/articles/a/other/""#,
            r#"src="/blog/articles/a/map.png""#,
            r#"srcset="/blog/articles/a/map.png 1x, /big.png 2x""#,
            r#"href="/root""#,
            r##"href="/blog/articles/a/#n""##,
            r#"href="https://b.example/""#,
        ] {
            assert!(rooted.contains(expected), "{expected} missing in {rooted}");
        }
        // Nothing relative: the very same text, not re-serialized.
        let plain = "<p>a <a href='/x/'>b</a><br/></p>";
        assert_eq!(site_root_urls(plain, "/a/"), plain);
    }

    #[test]
    fn script_text_is_kept_as_written() {
        let base = Url::parse("https://example.org/").unwrap();
        let html = absolute_urls("<script>if (a < b && c) {}</script>", &base);
        assert_eq!(html, "<script>if (a < b && c) {}</script>");
    }

    #[test]
    fn nesting_is_capped_and_text_kept() {
        let deep = "<blockquote>".repeat(10) + "deep" + &"</blockquote>".repeat(10);
        let capped = cap_nesting(&deep, 3);
        assert_eq!(
            capped,
            "<blockquote><blockquote><blockquote>deep</blockquote></blockquote></blockquote>"
        );
        let siblings = cap_nesting("<ul><li>a<li>b<li>c</ul>", 3);
        assert_eq!(siblings, "<ul><li>a<li>b<li>c</ul>");
    }
}
