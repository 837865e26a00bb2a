//! Text written by the public: Markdown → HTML → allowlist sanitizer.
//!
//! The sanitizer (ammonia, built on html5ever's spec-compliant parser) decides what
//! survives, so broken-markup tricks are parsed the way a browser would parse them
//! before anything is kept. Bare URLs become links first, so they are sanitized too.
//!
//! A comment whose Markdown makes only markup the sanitizer keeps as it is
//! (no raw HTML; paragraphs, emphasis, lists, quotes, code, links to web and
//! mail addresses) is written straight from the parser's events in the
//! sanitizer's own output form, sparing its parse: the output is the same
//! byte for byte, which the tests and the `sanitizer` fuzz target hold it to.

use std::borrow::Cow;
use std::collections::HashSet;
use std::sync::OnceLock;

use linkify::{LinkFinder, LinkKind};
use pulldown_cmark::{CowStr, Event, LinkType, Options, Parser, Tag, TagEnd};

/// Tags a comment may keep: text formatting, quotes, lists, code, tables, links.
/// No images (tracking pixels), no headings, nothing that loads or runs anything.
const COMMENT_TAGS: &[&str] = &[
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "cite",
    "code",
    "del",
    "em",
    "hr",
    "i",
    "li",
    "ol",
    "p",
    "pre",
    "q",
    "s",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "u",
    "ul",
];

/// URL schemes a link in a comment may use.
const COMMENT_URL_SCHEMES: &[&str] = &["http", "https", "mailto"];

/// The `rel` every link in a comment carries: no endorsement, user-generated, and
/// no handle on the opener.
pub(super) const COMMENT_LINK_REL: &str = "nofollow ugc noopener";

fn sanitizer() -> &'static ammonia::Builder<'static> {
    static SANITIZER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    SANITIZER.get_or_init(|| {
        let mut builder = ammonia::Builder::empty();
        builder
            .tags(COMMENT_TAGS.iter().copied().collect::<HashSet<_>>())
            .url_schemes(COMMENT_URL_SCHEMES.iter().copied().collect::<HashSet<_>>())
            .link_rel(Some(COMMENT_LINK_REL))
            .add_tag_attributes("a", ["href", "title"])
            .add_tag_attributes("abbr", ["title"])
            .add_tag_attributes("ol", ["start"])
            .add_tag_attributes("td", ["align"])
            .add_tag_attributes("th", ["align"])
            .strip_comments(true);
        builder
    })
}

/// The dialect of comments: the site's, without footnotes (their anchors would
/// be stripped by the sanitizer and could clash between comments).
fn comment_options() -> Options {
    super::options() - Options::ENABLE_FOOTNOTES
}

/// The deepest nesting of elements a comment keeps. Deeper quotes and lists
/// are unwrapped (their text kept): no reply needs more, and the sanitizer's
/// HTML parser takes time quadratic in the depth, so 10,000 nested `>` would
/// stall the build for seconds per comment.
pub(crate) const MAX_COMMENT_NESTING: usize = 32;

/// Renders Markdown written by the public to safe HTML: exactly what the
/// sanitizer makes of the parser's HTML ([`render_untrusted_by_sanitizer`]),
/// written directly when the comment holds only markup the sanitizer keeps
/// as it is (most comments: paragraphs, emphasis, lists, quotes, code and
/// web links), which spares the sanitizer's parse of every comment.
pub fn render_untrusted(markdown: &str) -> String {
    match written_as_sanitized(markdown) {
        Some(html) => super::exact_size(html),
        None => render_untrusted_by_sanitizer(markdown),
    }
}

/// Renders Markdown written by the public to safe HTML through the
/// sanitizer, whatever it holds. [`render_untrusted`] gives the same HTML;
/// public so that the fuzz target can hold it to that.
pub fn render_untrusted_by_sanitizer(markdown: &str) -> String {
    let (html, has_raw_html) = markdown_html(markdown);
    let html = if may_nest_too_deep(&html, has_raw_html) {
        super::html::cap_nesting(&html, MAX_COMMENT_NESTING)
    } else {
        html
    };
    super::exact_size(sanitizer().clean(&html).to_string())
}

/// The HTML the sanitizer would make of `markdown`, written from the
/// parser's events without it, if every event is one whose HTML the
/// sanitizer keeps as it is, apart from how it escapes text and attributes
/// and the `rel` it gives links; `None` for anything else (raw HTML,
/// images, headings, tables, task lists, rules, links other than to web
/// and mail addresses, deep nesting, control characters), which then takes
/// the sanitizer.
///
/// The events are mapped so that the parser's own HTML writer writes the
/// sanitizer's output: text and inline code are escaped as the sanitizer's
/// serializer escapes them and handed over as written HTML, links are
/// written with the `rel` the sanitizer adds, void elements lose their
/// `/`, and a code block loses its language class.
fn written_as_sanitized(markdown: &str) -> Option<String> {
    // The sanitizer's parser turns a carriage return into a line feed and
    // drops NUL: such comments take the sanitizer.
    // Folded without an early exit, so that it runs many bytes at a time.
    if markdown
        .bytes()
        .fold(false, |any, b| any | (b < 0x20 && b != b'\n' && b != b'\t'))
    {
        return None;
    }
    let parser = pulldown_cmark::TextMergeStream::new(Parser::new_ext(markdown, comment_options()));
    let mut events = Vec::new();
    let mut depth = 0usize;
    for event in linkify_bare_urls(parser) {
        match event {
            Event::Start(_) => depth += 1,
            Event::End(_) => depth = depth.saturating_sub(1),
            _ => {}
        }
        // Far below the cap: nothing here is one the cap would unwrap.
        if depth > MAX_COMMENT_NESTING / 2 {
            return None;
        }
        events.push(as_sanitized(event)?);
    }
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    Some(html)
}

/// `event` mapped so that the parser's HTML writer writes what the
/// sanitizer keeps of it (see [`written_as_sanitized`]), or `None` if the
/// sanitizer would change it otherwise.
fn as_sanitized(event: Event<'_>) -> Option<Event<'_>> {
    let html = |html: String| Some(Event::InlineHtml(html.into()));
    match event {
        // Most text needs no escaping: its own string is handed on.
        Event::Text(text) => match escaped_text(&text) {
            Cow::Owned(escaped) => html(escaped),
            Cow::Borrowed(_) => Some(Event::InlineHtml(text)),
        },
        Event::Code(code) => html(format!("<code>{}</code>", escaped_text(&code))),
        Event::SoftBreak => Some(Event::SoftBreak),
        Event::HardBreak => html("<br>\n".into()),
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            ..
        }) => html(link_start_tag(link_type, &dest_url, &title)?),
        Event::End(TagEnd::Link) => html("</a>".into()),
        Event::Start(Tag::CodeBlock(_)) => Some(Event::Start(Tag::CodeBlock(
            pulldown_cmark::CodeBlockKind::Fenced("".into()),
        ))),
        Event::Start(
            tag @ (Tag::Paragraph
            | Tag::Emphasis
            | Tag::Strong
            | Tag::Strikethrough
            | Tag::List(_)
            | Tag::Item
            | Tag::BlockQuote(None)),
        ) => Some(Event::Start(tag)),
        Event::End(
            tag @ (TagEnd::Paragraph
            | TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::List(_)
            | TagEnd::Item
            | TagEnd::BlockQuote(None)
            | TagEnd::CodeBlock),
        ) => Some(Event::End(tag)),
        _ => None,
    }
}

/// The start tag the sanitizer writes for a Markdown link to `dest` with
/// `title`, if it keeps the link's address: an absolute URL of an allowed
/// scheme. (It keeps relative ones too; they are rare in comments and take
/// the sanitizer.)
fn link_start_tag(link_type: LinkType, dest: &str, title: &str) -> Option<String> {
    let mut written = String::new();
    if link_type == LinkType::Email {
        written.push_str("mailto:");
    }
    pulldown_cmark_escape::escape_href(&mut written, dest).ok()?;
    // The address as the sanitizer reads it from the parser's attribute.
    let href = html_escape::decode_html_entities(&written);
    let url = url::Url::parse(&href).ok()?;
    if !COMMENT_URL_SCHEMES.contains(&url.scheme()) {
        return None;
    }
    let mut tag = format!("<a href=\"{}\"", escaped_attribute(&href));
    if !title.is_empty() {
        tag.push_str(&format!(" title=\"{}\"", escaped_attribute(title)));
    }
    tag.push_str(&format!(" rel=\"{COMMENT_LINK_REL}\">"));
    Some(tag)
}

/// Text escaped as the sanitizer's serializer escapes it.
fn escaped_text(text: &str) -> Cow<'_, str> {
    escaped(text, false)
}

/// An attribute value escaped as the sanitizer's serializer escapes it.
fn escaped_attribute(value: &str) -> Cow<'_, str> {
    escaped(value, true)
}

/// `text` escaped as html5ever's serializer escapes text (`&`, no-break
/// space, `<`, `>`) or, in an attribute, also `"`; borrowed when nothing in
/// it is escaped, as in most of a comment's text.
fn escaped(text: &str, attribute: bool) -> Cow<'_, str> {
    let bytes = text.as_bytes();
    // Found many bytes at a time: a lead byte 0xC2 may start a no-break space.
    let first = [
        memchr::memchr3(b'&', b'<', b'>', bytes),
        memchr::memchr(0xc2, bytes),
        memchr::memchr(b'"', bytes).filter(|_| attribute),
    ]
    .into_iter()
    .flatten()
    .min();
    let Some(first) = first else {
        return Cow::Borrowed(text);
    };
    let mut out = String::with_capacity(text.len() + 16);
    let mut from = 0;
    // Every character escaped is ASCII but the no-break space (C2 A0), so
    // the text is scanned a byte at a time, never split inside a character.
    for (at, &byte) in bytes.iter().enumerate().skip(first) {
        let escape = match byte {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' if attribute => "&quot;",
            0xc2 if bytes.get(at + 1) == Some(&0xa0) => "&nbsp;",
            _ => continue,
        };
        out.push_str(&text[from..at]);
        out.push_str(escape);
        from = at + if byte == 0xc2 { 2 } else { 1 };
    }
    out.push_str(&text[from..]);
    Cow::Owned(out)
}

/// The HTML the Markdown parser writes for `markdown`, before sanitizing, and
/// whether the comment holds raw HTML.
fn markdown_html(markdown: &str) -> (String, bool) {
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    let mut has_raw_html = false;
    // The parser splits text at escapes (`x\_y`); a URL must be seen whole.
    let parser = pulldown_cmark::TextMergeStream::new(Parser::new_ext(markdown, comment_options()))
        .inspect(|event| has_raw_html |= matches!(event, Event::Html(_) | Event::InlineHtml(_)));
    pulldown_cmark::html::push_html(&mut html, linkify_bare_urls(parser));
    (html, has_raw_html)
}

/// Whether `html` may need [`super::html::cap_nesting`]: it holds raw HTML
/// (whose tags may be unbalanced), or more tags than the deepest nesting
/// allowed. Without raw HTML every `<` the parser writes opens or closes one of
/// its own balanced tags (a `<` in text is escaped), so a comment with fewer
/// than [`MAX_COMMENT_NESTING`] of them cannot nest deeper. Most comments are a
/// few paragraphs: they skip a tokenizing pass that was a quarter of the time
/// spent on comments.
fn may_nest_too_deep(html: &str, has_raw_html: bool) -> bool {
    has_raw_html || memchr::memchr_iter(b'<', html.as_bytes()).count() > MAX_COMMENT_NESTING
}

/// Turns bare `http(s)://` URLs in text into links, leaving alone text inside
/// links (Markdown or raw HTML) and code.
fn linkify_bare_urls<'a>(
    events: impl Iterator<Item = Event<'a>>,
) -> impl Iterator<Item = Event<'a>> {
    let mut finder = LinkFinder::new();
    finder.kinds(&[LinkKind::Url]);
    let mut inside = 0usize; // depth of links and code blocks around the text
    events.flat_map(move |event| {
        match &event {
            Event::Start(Tag::Link { .. } | Tag::CodeBlock(_)) => inside += 1,
            Event::End(TagEnd::Link | TagEnd::CodeBlock) => inside = inside.saturating_sub(1),
            Event::InlineHtml(html) | Event::Html(html) => {
                let tag = html.trim_start().to_ascii_lowercase();
                if tag.starts_with("<a ") || tag.starts_with("<a>") {
                    inside += 1;
                } else if tag.starts_with("</a") {
                    inside = inside.saturating_sub(1);
                }
            }
            Event::Text(text) if inside == 0 && finder.links(text).next().is_some() => {
                return split_links(&finder, text);
            }
            _ => {}
        }
        vec![event]
    })
}

fn split_links<'a>(finder: &LinkFinder, text: &str) -> Vec<Event<'a>> {
    let mut out = Vec::new();
    for span in finder.spans(text) {
        let piece: CowStr<'a> = span.as_str().to_string().into();
        // Only web links: the sanitizer would strip any other scheme's href
        // and leave a link to nowhere.
        let is_web = span.kind().is_some() && safe_url(span.as_str()).is_some();
        if is_web {
            out.push(Event::Start(Tag::Link {
                link_type: LinkType::Autolink,
                dest_url: piece.clone(),
                title: "".into(),
                id: "".into(),
            }));
            out.push(Event::Text(piece));
            out.push(Event::End(TagEnd::Link));
        } else {
            out.push(Event::Text(piece));
        }
    }
    out
}

/// Whether `html`, as [`render_untrusted`] wrote it, may link into the site:
/// whether one of its links is other than an absolute `http(s)` or `mailto`
/// URL or a fragment (`#x`), and so may have to be made relative to the page
/// it is shown on. The sanitizer keeps one URL attribute, a link's `href`,
/// and writes every attribute as ` name="value"`, so each link is found by
/// its ` href="`; text that only reads like one makes the answer a needless
/// yes, never a wrong no.
pub fn may_link_into_site(html: &str) -> bool {
    const ATTRIBUTE: &[u8] = b" href=\"";
    const ELSEWHERE: [&str; 4] = ["https://", "http://", "mailto:", "#"];
    memchr::memmem::find_iter(html.as_bytes(), ATTRIBUTE).any(|at| {
        let value = &html[at + ATTRIBUTE.len()..];
        !ELSEWHERE.iter().any(|start| value.starts_with(start))
    })
}

/// `url` if it is an absolute http(s) URL (for a commenter's website), else nothing.
pub fn safe_url(url: &str) -> Option<&str> {
    let url = url.trim();
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    let ok = (lower.starts_with("http://") || lower.starts_with("https://"))
        && !url
            .chars()
            .any(|c| c.is_control() || c.is_whitespace() || c == '"' || c == '<' || c == '>');
    ok.then_some(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_and_handlers_are_removed() {
        let html = render_untrusted(
            "Hi <script>alert(1)</script><img src=x onerror=alert(1)> <a href=\"javascript:alert(1)\">x</a>",
        );
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("onerror"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
    }

    #[test]
    fn bare_urls_become_nofollow_links() {
        let html = render_untrusted("See https://example.org/x now");
        assert!(
            html.contains("<a href=\"https://example.org/x\" rel=\"nofollow ugc noopener\">https://example.org/x</a>"),
            "{html}"
        );
    }

    #[test]
    fn a_bare_url_with_an_escaped_character_is_linked_whole() {
        let html = render_untrusted(r"See https://a.example.org/x\_y now");
        assert!(
            html.contains(r#"href="https://a.example.org/x_y""#),
            "{html}"
        );
    }

    /// Comments of the markup the sanitizer keeps as it is are written
    /// without it, and come out exactly as they would through it.
    #[test]
    fn comments_written_without_the_sanitizer_are_what_it_writes() {
        let comments = [
            "",
            "Plain text.",
            "Quotes \" and ' and 1 < 2 > 0 & ampersands &amp; &lt;x&gt; and\u{a0}no-break spaces.",
            "*em* **strong** ~~struck~~ `code <b> & \"q\"` ***both***",
            "Line one\nline two  \nhard break\\\nagain",
            "> quoted\n>\n> > twice\n\nafter",
            "1. one\n2. two\n   - nested *x*\n   - more\n\n7. seven\n8. eight",
            "- tight\n- list\n\n* loose\n\n* list",
            "```rust\nfn x() -> &'static str { \"<a>\" }\n```\n\n    indented <code>\n\n~~~\nplain\n~~~",
            "[link](https://a.example/x?y=1&z=2 \"T & \\\"q\\\" <t>\") and [m](mailto:reader@example.org)",
            "[odd](https://a.example/it's%20(x)?q=\"\"&r=é#frag) [shout](HTTPS://A.EXAMPLE/)",
            "<https://c.example/a_b> <reader@example.org> and bare https://b.example/x\\_y?q=1&r=2.",
            "Bare www.example.org and http://d.example:8080/p, then text.",
            "Tabs\tinside and trailing spaces   \n\nÜnïcode — ’quotes’ 日本語 \u{1f600}",
            "&copy; &#169; &#xA0; &nbsp; &unknown; & alone",
            // The fuzz target's seed for this path, which must stay on it.
            include_str!("../../fuzz/seeds/sanitizer/written-directly.md"),
        ];
        for comment in comments {
            let written = written_as_sanitized(comment);
            assert!(written.is_some(), "took the sanitizer: {comment:?}");
            assert_eq!(
                written.unwrap(),
                render_untrusted_by_sanitizer(comment),
                "{comment:?}"
            );
        }
    }

    /// Comments the sanitizer would change otherwise take it, and come out
    /// the same through [`render_untrusted`].
    #[test]
    fn comments_the_sanitizer_changes_take_it() {
        let comments = [
            "raw <b>bold</b>",
            "<script>alert(1)</script>",
            "![img](https://a.example/x.png)",
            "# heading",
            "| a |\n|---|\n| 1 |",
            "- [x] task",
            "above\n\n---\n\nbelow",
            "[relative](/tags/oil/) [fragment](#comment-2)",
            "[script](javascript:alert(1)) [data](data:text/html,x)",
            "[broken](http://exa%20mple/)",
            "carriage\r\nreturn",
            "nul\0byte",
        ];
        for comment in comments {
            assert!(written_as_sanitized(comment).is_none(), "{comment:?}");
            assert_eq!(
                render_untrusted(comment),
                render_untrusted_by_sanitizer(comment),
                "{comment:?}"
            );
        }
        let deep = format!("{}deep", "> ".repeat(MAX_COMMENT_NESTING / 2 + 1));
        assert!(written_as_sanitized(&deep).is_none());
    }

    /// Comments that skip the nesting cap come out as they would through it:
    /// markup of every kind the parser writes, and counts of tags on either
    /// side of the limit.
    #[test]
    fn skipping_the_nesting_cap_changes_nothing() {
        let mut comments = vec![
            "Plain *text* with **strong**, `code`, ~~gone~~ and a [link](https://a.example/x?y=1&z=2 \"T\").".to_string(),
            "> quoted\n>> twice\n\n1. one\n2. two\n   - nested\n\n---\n\nline  \nbreak".to_string(),
            "| a | b |\n|:--|--:|\n| 1 < 2 | \"q\" & 'a' |\n\n```rust\nfn x() {}\n```".to_string(),
            "Bare https://b.example/ and <https://c.example/> and ![img](/x.png) and - [x] task".to_string(),
        ];
        for depth in [10, 15, 16, 17, 20, 33] {
            comments.push(format!("{}deep", "> ".repeat(depth)));
            comments.push(format!("{}item", "- ".repeat(depth)));
        }
        for comment in &comments {
            let (html, has_raw_html) = markdown_html(comment);
            assert!(!has_raw_html, "{comment}");
            let capped = super::super::html::cap_nesting(&html, MAX_COMMENT_NESTING);
            if !may_nest_too_deep(&html, has_raw_html) {
                assert_eq!(
                    sanitizer().clean(&html).to_string(),
                    sanitizer().clean(&capped).to_string(),
                    "{comment}"
                );
            }
        }
        let (_, has_raw_html) = markdown_html("a <b>b</b>");
        assert!(has_raw_html);
    }

    /// A comment said not to link into the site has nothing the page's
    /// relative-link pass would change; one that does is said to.
    #[test]
    fn comments_that_may_link_into_the_site_are_told_apart() {
        let elsewhere = [
            "Plain text, *emphasis*.",
            "See https://a.example/x and [b](http://b.example/?q=1&r=2 \"B\") and <mailto:reader@example.org>.",
            "[up](#comment-2) and a text that reads href=/x/, unquoted.",
        ];
        let into_site = [
            "[tag](/tags/oil/)",
            "[sibling](../b/)",
            "[file](notes.txt)",
            "[shout](HTTPS://A.EXAMPLE/)",
            "Text that reads <code> href=\"https://a.example/\"</code> then [x](/y/).",
        ];
        let page = "articles/a/index.html";
        for comment in elsewhere {
            let html = render_untrusted(comment);
            assert!(!may_link_into_site(&html), "{comment}: {html}");
            let relative = crate::render::relative::relative_urls(&html, page, "").unwrap();
            assert_eq!(relative, html, "{comment}");
        }
        for comment in into_site {
            let html = render_untrusted(comment);
            assert!(may_link_into_site(&html), "{comment}: {html}");
        }
    }

    #[test]
    fn only_http_author_urls_are_kept() {
        assert_eq!(safe_url("https://a.org"), Some("https://a.org"));
        assert_eq!(safe_url("javascript:alert(1)"), None);
        assert_eq!(safe_url("data:text/html,x"), None);
        assert_eq!(safe_url("https://a.org\" onmouseover=\"x"), None);
    }
}
