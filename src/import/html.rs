//! HTML from an export → clean Markdown, losing no text.
//!
//! WordPress stores bodies as HTML with automatic paragraphs and shortcodes;
//! Disqus stores messages as HTML. This module expands the common shortcodes,
//! applies WordPress's paragraph rules, turns the result into Markdown with
//! htmd (keeping as inline HTML what Markdown cannot say), and then checks
//! that every word of the original is still there once the Markdown is
//! rendered — if not, it keeps the HTML instead. It reads no files and knows
//! nothing of posts, comments or sites.

use std::collections::HashMap;
use std::sync::LazyLock;

use htmd::HtmlToMarkdown;
use htmd::options::{Options, TranslationMode};

use crate::markdown::Highlighting;

/// The export's media library, for `[gallery]`: attachment URLs by id, and each
/// post's attachments in export order.
#[derive(Debug, Default)]
pub(crate) struct MediaLibrary {
    urls: HashMap<u64, String>,
    by_parent: HashMap<u64, Vec<u64>>,
}

impl MediaLibrary {
    /// Records one attachment.
    pub(crate) fn add(&mut self, id: u64, parent: Option<u64>, url: String) {
        self.urls.insert(id, url);
        if let Some(parent) = parent {
            self.by_parent.entry(parent).or_default().push(id);
        }
    }

    /// The URLs of a gallery: the ids it names, else the post's own attachments.
    fn gallery(&self, ids: Option<&str>, post_id: u64) -> Vec<&str> {
        let ids: Vec<u64> = match ids {
            Some(ids) => ids
                .split(',')
                .filter_map(|id| id.trim().parse().ok())
                .collect(),
            None => self.by_parent.get(&post_id).cloned().unwrap_or_default(),
        };
        ids.iter()
            .filter_map(|id| self.urls.get(id).map(String::as_str))
            .collect()
    }
}

/// Markdown made from export HTML, with what the conversion noticed.
#[derive(Debug, Default)]
pub(crate) struct Converted {
    /// The Markdown, ending with one newline (or empty).
    pub(crate) markdown: String,
    /// What was noticed on the way, for the import report.
    pub(crate) notes: Vec<ConversionNote>,
}

/// Something the conversion noticed that the import report should say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ConversionNote {
    /// A shortcode the converter does not know, kept as text: its name.
    UnknownShortcode(String),
    /// Markdown would have lost text, so the HTML was kept as it was.
    KeptAsHtml,
    /// A `[gallery]` none of whose images are in the export.
    EmptyGallery,
}

/// Stands for `<!--more-->` while the body is converted; no real text holds it.
const MORE_TOKEN: &str = "SCHOLIAMOREBREAK7F3A";

/// Block-level tags: a chunk that starts with one is not wrapped in `<p>`.
const BLOCK_TAGS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "details",
    "div",
    "dl",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "iframe",
    "li",
    "math",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "ul",
    "audio",
    "video",
    "object",
    "embed",
    "script",
    "style",
];

/// Shortcodes that wrap content, `[name …]…[/name]`.
const ENCLOSING: &[&str] = &["caption", "wp_caption", "embed", "video", "audio"];
/// How far a shortcode's `]` and its closing `[/name]` are looked for: bounds
/// the work on text full of stray brackets, which would otherwise be quadratic.
const SHORTCODE_REACH: usize = 64 * 1024;
/// Elements nested deeper than this are kept as HTML: htmd recurses once per
/// level and would overflow the stack on hostile input.
const MAX_NESTING: usize = 200;

static CONVERTER: LazyLock<HtmlToMarkdown> = LazyLock::new(|| {
    HtmlToMarkdown::builder()
        .options(Options {
            translation_mode: TranslationMode::Faithful,
            ..Options::default()
        })
        // Markdown tables need a header row; WordPress tables rarely have one.
        .add_handler(
            vec!["table"],
            |_: &dyn htmd::element_handler::Handlers, element: htmd::Element| {
                Some(htmd::element_handler::HandlerResult::from(format!(
                    "\n\n{}\n\n",
                    outer_html(element.node)
                )))
            },
        )
        .build()
});

/// A WordPress post or page body as Markdown.
pub(crate) fn article_markdown(html: &str, post_id: u64, media: &MediaLibrary) -> Converted {
    let mut notes = Vec::new();
    let html = strip_comments(html, true);
    let html = expand_shortcodes(&html, post_id, media, &mut notes);
    let html = media_lines_as_links(&html);
    convert(&autop(&html), notes)
}

/// A comment's HTML (WordPress `comment_content`, Disqus `message`) as Markdown.
pub(crate) fn comment_markdown(html: &str) -> Converted {
    let html = strip_comments(html, false);
    convert(&autop(&html), Vec::new())
}

/// A plain-text field (title, name, tag) with its HTML entities decoded, even
/// when escaped twice, and any tags removed.
pub(crate) fn plain_text(text: &str) -> String {
    let mut current = text.to_string();
    for _ in 0..3 {
        let next = html_escape::decode_html_entities(&strip_tags(&current)).into_owned();
        if next == current {
            break;
        }
        current = next;
    }
    current
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .filter(|c| !c.is_control())
        .collect()
}

/// Converts processed HTML, falling back to the HTML itself when the
/// Markdown would lose words (or when it is too deep to convert safely).
fn convert(html: &str, mut notes: Vec<ConversionNote>) -> Converted {
    let markdown = if nesting_depth(html) > MAX_NESTING {
        None
    } else {
        // A bug in the converter must cost one body its Markdown, not the import.
        std::panic::catch_unwind(|| CONVERTER.convert(html).ok()).unwrap_or(None)
    };
    let markdown = markdown.unwrap_or_default();
    let markdown = markdown
        .lines()
        .map(|line| {
            if line.trim() == MORE_TOKEN {
                crate::markdown::SUMMARY_MARKER
            } else {
                line
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    let rendered = crate::markdown::render_trusted(&markdown, &Highlighting::plain());
    let markdown = if words(html) == words(&rendered) {
        markdown
    } else {
        notes.push(ConversionNote::KeptAsHtml);
        html_as_markdown(html)
    };
    let markdown = markdown.trim().to_string();
    Converted {
        markdown: if markdown.is_empty() {
            markdown
        } else {
            markdown + "\n"
        },
        notes,
    }
}

/// The deepest nesting of elements in some HTML, counted from its tags
/// (void elements and self-closing tags do not nest).
fn nesting_depth(html: &str) -> usize {
    const VOID: &[&str] = &[
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr",
    ];
    let (mut depth, mut deepest) = (0usize, 0usize);
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        rest = &rest[open + 1..];
        let closing = rest.starts_with('/');
        let name: String = rest
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        if name.is_empty() || VOID.contains(&name.as_str()) {
            continue;
        }
        let self_closing = rest.find('>').is_some_and(|end| rest[..end].ends_with('/'));
        if closing {
            depth = depth.saturating_sub(1);
        } else if !self_closing {
            depth += 1;
            deepest = deepest.max(depth);
        }
    }
    deepest
}

/// HTML kept as one raw HTML block: blank lines, which would end the block,
/// are closed up (the HTML has its `<p>`s already).
fn html_as_markdown(html: &str) -> String {
    let body: Vec<&str> = html.lines().filter(|l| !l.trim().is_empty()).collect();
    let body = body.join("\n").replace(MORE_TOKEN, "");
    format!("<div>\n{body}\n</div>")
}

/// The words of some HTML's visible text, in order.
fn words(html: &str) -> Vec<String> {
    let fragment = scraper::Html::parse_fragment(html);
    let text: String = fragment.root_element().text().collect();
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && *w != MORE_TOKEN)
        .map(str::to_lowercase)
        .collect()
}

/// The HTML of a node and its children, as written.
fn outer_html(node: &std::rc::Rc<htmd::Node>) -> String {
    let mut out = Vec::new();
    let handle: markup5ever_rcdom::SerializableHandle = node.clone().into();
    let _ = html5ever::serialize(
        &mut out,
        &handle,
        html5ever::serialize::SerializeOpts {
            traversal_scope: html5ever::serialize::TraversalScope::IncludeNode,
            ..Default::default()
        },
    );
    String::from_utf8_lossy(&out).into_owned()
}

/// HTML comments removed; with `more`, the first `<!--more-->` becomes the
/// summary break's stand-in.
fn strip_comments(html: &str, more: bool) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    let mut seen_more = false;
    while let Some(start) = rest.find("<!--") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 4..];
        let Some(end) = after.find("-->") else {
            // An unclosed comment: keep it as text rather than lose what follows.
            out.push_str(&rest[start..]);
            return out;
        };
        let comment = after[..end].trim();
        if more && !seen_more && (comment == "more" || comment.starts_with("more ")) {
            seen_more = true;
            out.push_str(&format!("\n\n{MORE_TOKEN}\n\n"));
        }
        rest = &after[end + 3..];
    }
    out.push_str(rest);
    out
}

/// One shortcode found in the text.
struct Shortcode<'a> {
    name: &'a str,
    attrs: &'a str,
    inner: Option<&'a str>,
    /// Bytes of the text it spans, from its `[`.
    len: usize,
}

/// Parses a shortcode at the start of `text` (which starts with `[`).
fn shortcode_at(text: &str) -> Option<Shortcode<'_>> {
    let close = within_reach(text).find(']')?;
    let tag = &text[1..close];
    if tag.contains('[') || tag.contains('\n') {
        return None;
    }
    let name_end = tag
        .find(|c: char| c.is_whitespace() || c == '=')
        .unwrap_or(tag.len());
    let name = &tag[..name_end];
    let named = !name.is_empty()
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-');
    if !named {
        return None;
    }
    let attrs = tag[name_end..].trim_start_matches('=').trim();
    let after = &text[close + 1..];
    let closing = format!("[/{name}]");
    if ENCLOSING.contains(&name)
        && let Some(end) = within_reach(after).find(&closing)
    {
        return Some(Shortcode {
            name,
            attrs,
            inner: Some(&after[..end]),
            len: close + 1 + end + closing.len(),
        });
    }
    Some(Shortcode {
        name,
        attrs,
        inner: None,
        len: close + 1,
    })
}

/// The start of `text`, at most [`SHORTCODE_REACH`] bytes (on a character boundary).
fn within_reach(text: &str) -> &str {
    let mut end = text.len().min(SHORTCODE_REACH);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// The known shortcodes expanded to HTML; unknown ones kept as text (and noted
/// when they look like shortcodes rather than bracketed prose like `[sic]`).
fn expand_shortcodes(
    html: &str,
    post_id: u64,
    media: &MediaLibrary,
    notes: &mut Vec<ConversionNote>,
) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(open) = rest.find('[') {
        out.push_str(&rest[..open]);
        let text = &rest[open..];
        let Some(code) = shortcode_at(text) else {
            out.push('[');
            rest = &text[1..];
            continue;
        };
        match expand(&code, post_id, media, notes) {
            Some(expanded) => {
                out.push_str(&expanded);
                rest = &text[code.len..];
            }
            None => {
                let looks_like_one = code.attrs.contains('=')
                    || within_reach(&text[code.len..]).contains(&format!("[/{}]", code.name));
                let note = ConversionNote::UnknownShortcode(code.name.to_string());
                if looks_like_one && !notes.contains(&note) {
                    notes.push(note);
                }
                out.push('[');
                rest = &text[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The HTML a known shortcode stands for; `None` to keep it as text.
fn expand(
    code: &Shortcode<'_>,
    post_id: u64,
    media: &MediaLibrary,
    notes: &mut Vec<ConversionNote>,
) -> Option<String> {
    match (code.name, code.inner) {
        ("caption" | "wp_caption", Some(inner)) => Some(caption(code.attrs, inner)),
        ("gallery", _) => {
            let urls = media.gallery(attr(code.attrs, "ids").as_deref(), post_id);
            if urls.is_empty() {
                notes.push(ConversionNote::EmptyGallery);
                return None;
            }
            let images: String = urls
                .iter()
                .map(|url| format!("<img src=\"{}\" alt=\"\">", escape_attr(url)))
                .collect();
            Some(format!(
                "\n\n<figure class=\"gallery\">{images}</figure>\n\n"
            ))
        }
        ("embed", Some(inner)) => link_paragraph(inner.trim()),
        ("video" | "audio", inner) => {
            let src = [
                "src", "mp4", "m4v", "webm", "ogv", "mp3", "ogg", "wav", "m4a",
            ]
            .iter()
            .find_map(|key| attr(code.attrs, key))
            .or_else(|| inner.map(|i| i.trim().to_string()))?;
            link_paragraph(&src)
        }
        ("youtube", None) => link_paragraph(code.attrs.trim()),
        _ => None,
    }
}

/// `[caption]`'s image and text as a figure.
fn caption(attrs: &str, inner: &str) -> String {
    let inner = inner.trim();
    let image_end = if inner.starts_with("<a") {
        inner.find("</a>").map(|i| i + 4)
    } else if inner.starts_with("<img") {
        inner.find('>').map(|i| i + 1)
    } else {
        None
    };
    let (image, text) = match image_end {
        Some(end) => (&inner[..end], inner[end..].trim()),
        None => ("", inner),
    };
    let text = match attr(attrs, "caption") {
        Some(caption) if text.is_empty() => caption,
        _ => text.to_string(),
    };
    format!("\n\n<figure>{image}<figcaption>{text}</figcaption></figure>\n\n")
}

/// A paragraph linking to `url`, when it is an http(s) URL.
fn link_paragraph(url: &str) -> Option<String> {
    let url = url.trim_matches(['"', '\'']);
    (url.starts_with("http://") || url.starts_with("https://")).then(|| {
        let url = escape_attr(url);
        format!("\n\n<p><a href=\"{url}\">{url}</a></p>\n\n")
    })
}

/// The value of `name="…"` (or `name='…'`, or `name=bare`) in shortcode attributes.
fn attr(attrs: &str, name: &str) -> Option<String> {
    let mut rest = attrs;
    while let Some(at) = rest.find(name) {
        let before_ok = at == 0 || rest[..at].ends_with(char::is_whitespace);
        let after = rest[at + name.len()..].trim_start();
        if before_ok && let Some(value) = after.strip_prefix('=') {
            let value = value.trim_start();
            let quoted = value
                .strip_prefix('"')
                .and_then(|v| v.split_once('"'))
                .or_else(|| value.strip_prefix('\'').and_then(|v| v.split_once('\'')));
            return Some(match quoted {
                Some((inside, _)) => inside.to_string(),
                None => value.split_whitespace().next().unwrap_or("").to_string(),
            });
        }
        rest = &rest[at + name.len()..];
    }
    None
}

/// Text made safe for a double-quoted attribute.
fn escape_attr(text: &str) -> String {
    html_escape::encode_double_quoted_attribute(text).into_owned()
}

/// A URL alone on its line (WordPress embeds it) becomes a link to it.
fn media_lines_as_links(html: &str) -> String {
    outside_pre(html, |text| {
        text.split('\n')
            .map(|line| {
                let trimmed = line.trim();
                let bare = (trimmed.starts_with("http://") || trimmed.starts_with("https://"))
                    && !trimmed.contains(char::is_whitespace)
                    && !trimmed.contains(['<', '>', '"']);
                if bare {
                    link_paragraph(trimmed).unwrap_or_else(|| line.to_string())
                } else {
                    line.to_string()
                }
            })
            .collect::<Vec<_>>()
            .join("\n")
    })
}

/// WordPress's automatic paragraphs: chunks between blank lines become
/// paragraphs, and single newlines inside them line breaks, unless a chunk
/// starts with a block-level tag. `<pre>` is never touched.
fn autop(html: &str) -> String {
    outside_pre(html, |text| {
        let normalized = text.replace("\r\n", "\n");
        normalized
            .split("\n\n")
            .map(str::trim)
            .filter(|chunk| !chunk.is_empty())
            .map(|chunk| {
                if starts_with_block(chunk) || chunk == MORE_TOKEN {
                    chunk.to_string()
                } else {
                    let lines: Vec<&str> = chunk.lines().map(str::trim_end).collect();
                    format!("<p>{}</p>", lines.join("<br>\n"))
                }
            })
            .collect::<Vec<_>>()
            .join("\n\n")
    })
}

/// Whether a chunk of HTML starts with a block-level tag.
fn starts_with_block(chunk: &str) -> bool {
    let Some(rest) = chunk.strip_prefix('<') else {
        return false;
    };
    let rest = rest.strip_prefix('/').unwrap_or(rest);
    let name: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase();
    BLOCK_TAGS.contains(&name.as_str())
}

/// Applies `change` to the text between `<pre>…</pre>` blocks, which stay
/// as they are, each as its own chunk.
fn outside_pre(html: &str, change: impl Fn(&str) -> String) -> String {
    // ASCII lowercasing keeps byte offsets, so positions found in `lower`
    // are positions in `html`.
    let lower = html.to_ascii_lowercase();
    let mut out = String::with_capacity(html.len());
    let mut at = 0;
    while let Some(found) = lower[at..].find("<pre") {
        let start = at + found;
        let end = lower[start..]
            .find("</pre>")
            .map_or(html.len(), |e| start + e + "</pre>".len());
        out.push_str(&change(&html[at..start]));
        out.push_str("\n\n");
        out.push_str(&html[start..end]);
        out.push_str("\n\n");
        at = end;
    }
    out.push_str(&change(&html[at..]));
    out
}

/// Text with its tags removed (a `<` not followed by a letter, `/` or `!` is text).
fn strip_tags(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('<') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let is_tag = after.starts_with(|c: char| c.is_ascii_alphabetic() || c == '/' || c == '!');
        match after.find('>').filter(|_| is_tag) {
            Some(close) => rest = &after[close + 1..],
            None => {
                out.push('<');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(html: &str) -> String {
        article_markdown(html, 1, &MediaLibrary::default()).markdown
    }

    #[test]
    fn blank_lines_are_paragraphs_and_newlines_breaks() {
        let md = body("First line\nsecond line\n\nNext <em>para</em>.");
        let html = crate::markdown::render_trusted(&md, &Highlighting::plain());
        assert!(html.contains("<p>First line<br"), "{md}\n{html}");
        assert!(html.contains("<em>para</em>"), "{html}");
    }

    #[test]
    fn pre_is_left_as_it_is() {
        let md = body("Intro\n\n<pre>a\n\n  b &lt;c&gt;</pre>\n\nOutro");
        assert!(md.contains("  b"), "{md}");
        let html = crate::markdown::render_trusted(&md, &Highlighting::plain());
        assert!(html.contains("Outro"), "{html}");
    }

    #[test]
    fn the_more_comment_is_the_summary_break() {
        let md = body("Intro.\n<!--more Read on-->\nRest.<!--more-->");
        assert_eq!(
            md.matches(crate::markdown::SUMMARY_MARKER).count(),
            1,
            "{md}"
        );
        let (before, after) = md.split_once(crate::markdown::SUMMARY_MARKER).unwrap();
        assert!(before.contains("Intro.") && after.contains("Rest."), "{md}");
    }

    #[test]
    fn captions_become_figures() {
        let md = body(
            "[caption id=\"a\" align=\"alignleft\" width=\"300\"]<a href=\"https://x.example.org/p.jpg\"><img src=\"https://x.example.org/p.jpg\" alt=\"\" /></a> A <em>photo</em>[/caption]\n\nText.",
        );
        let html = crate::markdown::render_trusted(&md, &Highlighting::plain());
        let page = scraper::Html::parse_fragment(&html);
        let sel = scraper::Selector::parse("figure img").unwrap();
        assert_eq!(page.select(&sel).count(), 1, "{html}");
        let sel = scraper::Selector::parse("figure figcaption").unwrap();
        let caption: String = page.select(&sel).next().unwrap().text().collect();
        assert_eq!(caption.trim(), "A photo");
    }

    #[test]
    fn galleries_show_their_images() {
        let mut media = MediaLibrary::default();
        media.add(5, Some(1), "https://x.example.org/a.jpg".into());
        media.add(6, Some(2), "https://x.example.org/b.jpg".into());
        let own = article_markdown("[gallery]", 1, &media).markdown;
        assert!(own.contains("a.jpg") && !own.contains("b.jpg"), "{own}");
        let named = article_markdown("[gallery ids=\"6,5\"]", 9, &media).markdown;
        assert!(named.find("b.jpg") < named.find("a.jpg"), "{named}");
        let empty = article_markdown("[gallery]", 3, &media);
        assert_eq!(empty.notes, [ConversionNote::EmptyGallery]);
        assert!(empty.markdown.contains("gallery"), "{}", empty.markdown);
    }

    #[test]
    fn embeds_and_bare_media_lines_become_links() {
        let md = body(
            "[embed]https://video.example.org/v/1[/embed]\n\nhttps://video.example.org/v/2\n\n[video src=\"https://x.example.org/a.mp4\"]",
        );
        for n in ["v/1", "v/2", "a.mp4"] {
            assert!(
                md.contains(&format!("({}", "https://")) && md.contains(n),
                "{n}: {md}"
            );
        }
    }

    #[test]
    fn unknown_shortcodes_are_kept_and_noted() {
        let converted = article_markdown(
            "Before [pullquote align=\"left\"]Quoted[/pullquote] after [sic] [1].",
            1,
            &MediaLibrary::default(),
        );
        assert_eq!(
            converted.notes,
            [ConversionNote::UnknownShortcode("pullquote".into())]
        );
        let text = words(&crate::markdown::render_trusted(
            &converted.markdown,
            &Highlighting::plain(),
        ));
        for w in ["pullquote", "quoted", "sic", "1"] {
            assert!(text.contains(&w.to_string()), "{w}: {}", converted.markdown);
        }
    }

    #[test]
    fn tables_stay_tables() {
        let md = body("<table><tr><td>a</td><td>b</td></tr></table>");
        let html = crate::markdown::render_trusted(&md, &Highlighting::plain());
        assert!(html.contains("<td>a</td>"), "{md}");
    }

    #[test]
    fn gutenberg_blocks_keep_their_html() {
        let md =
            body("<!-- wp:paragraph -->\n<p>One <strong>two</strong></p>\n<!-- /wp:paragraph -->");
        assert_eq!(md, "One **two**\n");
    }

    #[test]
    fn comments_keep_every_word() {
        let md =
            comment_markdown("I *really* think 1986. was\n\n<blockquote>quoted</blockquote> [x]")
                .markdown;
        let html = crate::markdown::render_trusted(&md, &Highlighting::plain());
        assert_eq!(
            words(&html),
            ["i", "really", "think", "1986", "was", "quoted", "x"],
            "{md}"
        );
    }

    #[test]
    fn html_is_kept_when_markdown_would_lose_text() {
        let converted = convert("<p>a</p>", Vec::new());
        assert!(converted.notes.is_empty());
        let kept = html_as_markdown("<p>one</p>\n\n<p>two</p>");
        assert_eq!(
            words(&crate::markdown::render_trusted(
                &kept,
                &Highlighting::plain()
            )),
            ["one", "two"]
        );
    }

    #[test]
    fn plain_text_decodes_twice_escaped_entities_and_drops_tags() {
        assert_eq!(plain_text("Tom &amp;amp; Jerry"), "Tom & Jerry");
        assert_eq!(
            plain_text("Iran&#8217;s  <em>Russia</em>\n policy"),
            "Iran’s Russia policy"
        );
        assert_eq!(plain_text("a < b"), "a < b");
    }

    #[test]
    fn deep_nesting_is_kept_as_html_without_recursing() {
        let deep = format!("{}text{}", "<em>".repeat(5000), "</em>".repeat(5000));
        let converted = comment_markdown(&deep);
        assert_eq!(converted.notes, [ConversionNote::KeptAsHtml]);
        assert_eq!(words(&converted.markdown), ["text"]);
    }

    #[test]
    fn brackets_and_pre_blocks_by_the_thousand_stay_linear() {
        // Quadratic scans would take minutes here, even in a release build.
        let brackets = "[caption ".repeat(20_000) + &"[x".repeat(50_000);
        let converted = article_markdown(&brackets, 1, &MediaLibrary::default());
        assert!(converted.markdown.contains("caption"));
        let pres = "<pre>a</pre>\n\nb\n\n".repeat(5_000);
        assert_eq!(words(&body(&pres)).len(), 10_000);
    }

    #[test]
    fn garbage_does_not_panic() {
        for input in [
            "[caption",
            "<!-- open",
            "<p><em>",
            "]]][[[",
            "[gallery ids=",
            "<pre>",
            "[/caption]",
            "\u{0}",
        ] {
            let _ = article_markdown(input, 1, &MediaLibrary::default());
            let _ = comment_markdown(input);
        }
    }
}
