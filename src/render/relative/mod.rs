//! Portable pages: every link of a page to the site's own files made relative
//! to the page (`[build] urls = "relative"`, the default).
//!
//! Templates, views and content all write site-root URLs (`/tags/iran/`, with
//! the base path in front). Opened from disk or served from another folder,
//! those resolve against the wrong root: the page shows unstyled, with dead
//! links. A site's own templates may write such URLs anywhere, so their pages
//! get this pass once each, whole, as they are handed to the output: it
//! covers every template, every view URL and every link an author wrote in
//! Markdown, whatever depth the page is at. The built-in theme writes URLs
//! only from its views, so its pages get the same links from a [`Linker`]
//! instead: the views' URLs and the content they show (an article's summary
//! is shown on pages at several depths, so it is made relative per page)
//! are passed through the very functions the pass uses.
//!
//! Each URL attribute (`href`, `src`, `srcset`, `action`, …, and the target of
//! `<meta http-equiv="refresh">`) whose path starts with the base path becomes
//! a path from the page's own folder; a link to a folder names its
//! `index.html`, because from `file://` a folder URL opens a directory listing
//! rather than the page. A relative link an author wrote to a folder (`../a/`)
//! gets its `index.html` too. Queries and fragments are kept. Everything else
//! is left byte for byte as it was: absolute URLs (canonical, Open Graph),
//! other hosts and schemes, paths outside the base path (which `check`
//! reports), text (code shown in `<pre>` is text), and the contents of
//! `<script>` and `<style>`.
//!
//! It uses `lol_html`, a streaming rewriter that tokenizes as browsers do and
//! writes every byte it is not asked to change unchanged: only the start tags
//! whose URLs change are written anew. It never builds a tree, so its time is
//! linear in the page.

mod plain;

use std::borrow::Cow;
use std::sync::atomic::{AtomicBool, Ordering};

use lol_html::html_content::Element;
use lol_html::{RewriteStrSettings, element, rewrite_str};

use super::chars::remove_unwritable;
use crate::error::Error;
use crate::markdown::{SRCSET_ATTRIBUTES, URL_ATTRIBUTES, map_srcset};

/// How the links a page's views hand to templates are written: as site-root
/// URLs (with the base path), or already relative to the page.
///
/// When the built-in theme renders a page, every URL it writes comes from a
/// view, and every piece of HTML it writes unescaped is content: so making
/// the views' URLs and the content relative here gives the page the pass
/// above would, without that pass over the whole page (the largest single
/// cost of a build). A site's own templates may write site-root URLs of their
/// own, so their pages keep site-root views and get the whole-page pass.
#[derive(Debug)]
pub struct Linker<'p> {
    base_path: &'p str,
    /// The page's output path (`tags/iran/index.html`) and folder, when its
    /// links are made relative here.
    page: Option<(&'p str, PageFolder<'p>)>,
    /// Set when some content, read alone, may not have ended as text.
    whole_page: AtomicBool,
}

impl<'p> Linker<'p> {
    /// Links as site-root URLs, as written.
    pub fn site_root(base_path: &'p str) -> Self {
        Linker {
            base_path,
            page: None,
            whole_page: AtomicBool::new(false),
        }
    }

    /// Links relative to the page written at `page` (a path under the output
    /// folder).
    pub fn relative_to(page: &'p str, base_path: &'p str) -> Self {
        Linker {
            base_path,
            page: Some((page, PageFolder::of(page))),
            whole_page: AtomicBool::new(false),
        }
    }

    /// Whether links are made relative here.
    pub fn is_relative(&self) -> bool {
        self.page.is_some()
    }

    /// `url`, a URL attribute's value, as the whole-page pass would write it.
    /// (That pass reads the page without the characters no output holds.)
    pub fn url(&self, url: &str) -> String {
        self.page
            .as_ref()
            .and_then(|(_, folder)| relative_url(&remove_unwritable(url), folder, self.base_path))
            .unwrap_or_else(|| url.to_string())
    }

    /// `html`, content shown on the page, with its URLs as the whole-page
    /// pass would write them. Most content has no attribute that could hold
    /// a URL, and is returned as it is. Content that, read alone, may not end
    /// as text is noted: see [`Self::needs_whole_page`].
    pub fn content<'h>(&self, html: &'h str) -> Result<Cow<'h, str>, Error> {
        let Some((page, folder)) = &self.page else {
            return Ok(Cow::Borrowed(html));
        };
        // As the whole-page pass, which reads the page without them: a
        // vertical tab between a tag's name and its `href` is a space there.
        let writable = remove_unwritable(html);
        // Content in the plain form ends as text: its markup is whole, and
        // none of it opens an element whose content is text.
        match plain::relative_plain(&writable, folder, self.base_path) {
            Some(Cow::Owned(relative)) => return Ok(Cow::Owned(relative)),
            Some(Cow::Borrowed(_)) => return Ok(Cow::Borrowed(html)),
            None => {}
        }
        if may_end_inside_markup(&writable) {
            self.whole_page.store(true, Ordering::Relaxed);
        }
        if may_hold_attribute_value(&writable) {
            relative_page(&writable, page, self.base_path).map(Cow::Owned)
        } else {
            Ok(Cow::Borrowed(html))
        }
    }

    /// Whether some content given to [`Self::content`] may, read alone, end
    /// inside a tag, a comment, or an element whose content is text (an
    /// author's unclosed `<img` or `<textarea>`). On the page, such content
    /// takes in the markup after it, which the whole-page pass reads as the
    /// browser does and a pass over the content alone cannot: the page must
    /// then be made with site-root views and that pass.
    pub fn needs_whole_page(&self) -> bool {
        self.whole_page.load(Ordering::Relaxed)
    }
}

/// Elements whose content is text, not markup, up to their end tag
/// (`plaintext` has none: its end tag is text too, so it stays open).
const TEXT_ELEMENTS: &[&[u8]] = &[
    b"textarea",
    b"title",
    b"script",
    b"style",
    b"xmp",
    b"iframe",
    b"noembed",
    b"noframes",
    b"noscript",
    b"plaintext",
];

/// Whether `html`, read alone, may end anywhere but in text: inside a tag
/// (no `>` after the last `<`, or an odd number of quotes after it), inside a
/// comment (no `-->` after the last `<!--`), or inside an element of
/// [`TEXT_ELEMENTS`] (one opened and not closed after it). Conservative: a tag
/// written inside a comment or an attribute value can only make balanced
/// HTML seem to need the whole page.
fn may_end_inside_markup(html: &str) -> bool {
    let bytes = html.as_bytes();
    let Some(last_tag) = memchr::memrchr(b'<', bytes) else {
        return false;
    };
    let tail = &bytes[last_tag..];
    let odd = |quote: u8| memchr::memchr_iter(quote, tail).count() % 2 == 1;
    if memchr::memchr(b'>', tail).is_none() || odd(b'"') || odd(b'\'') {
        return true;
    }
    // The last comment, found forwards: `<!--` cannot overlap itself, and
    // the forward search is many times faster than the reverse one.
    if let Some(comment) = memchr::memmem::find_iter(bytes, b"<!--").last()
        && memchr::memmem::find(&bytes[comment + 4..], b"-->").is_none()
    {
        return true;
    }
    // Inside a text element, only its own end tag counts, as for a browser.
    let mut inside: Option<&[u8]> = None;
    for at in memchr::memchr_iter(b'<', bytes) {
        let (closing, rest) = match bytes.get(at + 1) {
            Some(b'/') => (true, &bytes[at + 2..]),
            _ => (false, &bytes[at + 1..]),
        };
        let Some(name) = TEXT_ELEMENTS.iter().copied().find(|name| names(rest, name)) else {
            continue;
        };
        match inside {
            None if !closing => inside = Some(name),
            Some(open) if closing && open == name && name != b"plaintext" => inside = None,
            _ => {}
        }
    }
    inside.is_some()
}

/// Whether `rest` (what follows `<` or `</`) starts with the tag name `name`,
/// in any case.
fn names(rest: &[u8], name: &[u8]) -> bool {
    rest.len() >= name.len()
        && rest[..name.len()].eq_ignore_ascii_case(name)
        && rest
            .get(name.len())
            .is_none_or(|b| b.is_ascii_whitespace() || matches!(b, b'/' | b'>'))
}

/// Whether some tag in `html` may have an attribute with a value: whether a
/// `=` follows a `<` before the next `>`. A tag's first attribute value comes
/// before any `>` of the tag (a `>` outside quotes ends it, and quotes only
/// come after a `=`), so HTML for which this is false has no URL to change.
fn may_hold_attribute_value(html: &str) -> bool {
    let bytes = html.as_bytes();
    let mut in_tag = false;
    for at in memchr::memchr3_iter(b'<', b'>', b'=', bytes) {
        match bytes[at] {
            b'<' => in_tag = true,
            b'>' => in_tag = false,
            _ if in_tag => return true,
            _ => {}
        }
    }
    false
}

/// The elements that may hold a URL of [`URL_ATTRIBUTES`] or
/// [`SRCSET_ATTRIBUTES`] (or a refresh). Handing only these to the
/// rewriter, rather than every element, halves the cost of the pass.
const ELEMENTS_WITH_URLS: &str = "[href], [src], [action], [formaction], [poster], [cite], \
     [background], [longdesc], [srcset], [imagesrcset], object[data], meta[http-equiv]";

/// `html`, the page written at `page` (a path under the output folder, such as
/// `tags/iran/index.html`), with every URL into the site relative to the page.
/// `base_path` is the path of the site root (`""` or `/archive`).
pub fn relative_urls(
    html: &str,
    page: &str,
    base_path: &str,
) -> Result<String, lol_html::errors::RewritingError> {
    let from = PageFolder::of(page);
    let settings = RewriteStrSettings::new()
        .append_element_content_handler(element!(ELEMENTS_WITH_URLS, |el| {
            rewrite_element(el, &from, base_path);
            Ok(())
        }))
        // Strict mode refuses some malformed markup outright; this pass only
        // changes attribute values, which no parsing ambiguity can turn into
        // markup, so it goes on as a browser would.
        .with_strict(false);
    rewrite_str(html, settings)
}

/// [`relative_urls`], failing with an error that names the page.
pub fn relative_page(html: &str, page: &str, base_path: &str) -> Result<String, Error> {
    relative_urls(html, page, base_path).map_err(|e| Error::RelativeUrls {
        page: page.to_string(),
        message: e.to_string(),
    })
}

/// Changes the URL attributes of one element that lead into the site.
///
/// The attributes are read in one pass: looking each URL attribute up by name
/// would lowercase the name and re-read the tag's attributes a dozen times per
/// element, which was a third of this pass's time.
fn rewrite_element(el: &mut Element<'_, '_>, from: &PageFolder<'_>, base_path: &str) {
    let url = |value: &str| relative_url(value, from, base_path);
    let tag = el.tag_name();
    let mut changes: Vec<(String, String)> = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    let mut refresh = None;
    let mut is_refresh = false;
    for attribute in el.attributes() {
        let name = attribute.name();
        // A repeated attribute is ignored by browsers: the first one counts.
        if seen.contains(&name) {
            continue;
        }
        let rewrite: &dyn Fn(&str) -> Option<String> = match name.as_str() {
            n if URL_ATTRIBUTES.contains(&n) => &url,
            "data" if tag == "object" => &url,
            n if SRCSET_ATTRIBUTES.contains(&n) => &|value| map_srcset(value, &url),
            "http-equiv" => {
                is_refresh = attribute.value().trim().eq_ignore_ascii_case("refresh");
                seen.push(name);
                continue;
            }
            "content" if tag == "meta" => {
                refresh = Some(attribute.value());
                seen.push(name);
                continue;
            }
            _ => continue,
        };
        if let Some(new) = changed(&attribute.value(), rewrite) {
            changes.push((name.clone(), new));
        }
        seen.push(name);
    }
    let refresh_target = |content: &str| relative_refresh(content, from, base_path);
    if let Some(new) = refresh
        .filter(|_| is_refresh)
        .and_then(|content| changed(&content, &refresh_target))
    {
        changes.push(("content".into(), new));
    }
    for (name, value) in changes {
        // A name read from the tag, so a valid attribute name.
        let _ = el.set_attribute(&name, &value);
    }
}

/// What `rewrite` makes of an attribute value as written, written back the
/// same way (`None`: left as it is).
fn changed(written: &str, rewrite: &dyn Fn(&str) -> Option<String>) -> Option<String> {
    // The value comes as written, character references and all (templates
    // write `'` as `&#39;`): the URL is the text they stand for. What must
    // be a reference is made one again.
    let value = html_escape::decode_html_entities(written);
    rewrite(&value).map(|new| html_escape::encode_double_quoted_attribute(&new).into_owned())
}

/// The folder a page is in, as path segments under the output folder.
#[derive(Debug)]
struct PageFolder<'p> {
    segments: Vec<&'p str>,
}

impl<'p> PageFolder<'p> {
    /// The folder of the file at `page` (`articles/a/index.html` → `articles/a`).
    fn of(page: &'p str) -> Self {
        let folder = page.rsplit_once('/').map_or("", |(folder, _)| folder);
        PageFolder {
            segments: folder.split('/').filter(|s| !s.is_empty()).collect(),
        }
    }
}

/// `url` made relative to the page in `from`, or `None` when it stays as
/// written: not a path into the site, or already relative and not to a folder.
fn relative_url(url: &str, from: &PageFolder<'_>, base_path: &str) -> Option<String> {
    // Browsers ignore white space around a URL attribute's value.
    let url = url.trim_matches(|c: char| c.is_ascii_whitespace());
    let split = memchr::memchr2(b'?', b'#', url.as_bytes()).unwrap_or(url.len());
    let (path, suffix) = url.split_at(split);
    if path.is_empty() {
        return None; // `#comments`, `?q=x`: this page already
    }
    if let Some(rooted) = path.strip_prefix('/') {
        // `//host/x` is another host; browsers read `/\host` the same way.
        if rooted.starts_with(['/', '\\']) {
            return None;
        }
        // Links are usually written without `.` or `..`: nothing to resolve.
        let has_dot_segment = path.contains('.') && path.split('/').any(|s| s == "." || s == "..");
        let normalized = if has_dot_segment {
            Cow::Owned(normalize_rooted(path))
        } else {
            Cow::Borrowed(path)
        };
        let inside = inside_base_path(&normalized, base_path)?;
        let (folders, name) = super::plan::output_file(inside);
        return Some(from.path_to(folders, name, suffix));
    }
    let first_segment = path.split('/').next().unwrap_or(path);
    if first_segment.contains(':') {
        return None; // `https:`, `mailto:`, …
    }
    let last = path.rsplit('/').next().unwrap_or(path);
    if path.ends_with('/') {
        Some(format!("{path}index.html{suffix}"))
    } else if last == "." || last == ".." {
        Some(format!("{path}/index.html{suffix}"))
    } else {
        None
    }
}

/// A site-root path with `.` and `..` segments resolved as a browser does
/// (never above the root); a trailing `/` is kept.
fn normalize_rooted(path: &str) -> String {
    let mut segments: Vec<&str> = Vec::new();
    let mut parts = path.split('/').skip(1).peekable();
    let mut folder = false;
    while let Some(part) = parts.next() {
        let is_last = parts.peek().is_none();
        match part {
            "." => folder = is_last,
            ".." => {
                segments.pop();
                folder = is_last;
            }
            "" if is_last => folder = true,
            other => {
                segments.push(other);
                folder = false;
            }
        }
    }
    let mut out = format!("/{}", segments.join("/"));
    if folder && !segments.is_empty() {
        out.push('/');
    }
    out
}

/// The part of a site-root path after the base path (`/archive/tags/` →
/// `/tags/` when the base path is `/archive`), or `None` when it is outside.
fn inside_base_path<'p>(path: &'p str, base_path: &str) -> Option<&'p str> {
    let rest = path.strip_prefix(base_path)?;
    if rest.is_empty() {
        Some("/")
    } else if rest.starts_with('/') {
        Some(rest)
    } else {
        None // `/archived/` is not inside `/archive`
    }
}

impl PageFolder<'_> {
    /// The relative path from this folder to the file `name` in `folders`
    /// (a path under the output folder, `""` for its root), then `suffix`.
    fn path_to(&self, folders: &str, name: &str, suffix: &str) -> String {
        // `""` is the root, no segment (splitting it would give one).
        let target = || folders.split('/').filter(|_| !folders.is_empty());
        let common = self
            .segments
            .iter()
            .zip(target())
            .take_while(|(a, b)| **a == *b)
            .count();
        let ups = self.segments.len() - common;
        let mut out =
            String::with_capacity(3 * ups + folders.len() + name.len() + suffix.len() + 1);
        for _ in 0..ups {
            out.push_str("../");
        }
        for segment in target().skip(common) {
            out.push_str(segment);
            out.push('/');
        }
        out.push_str(name);
        out.push_str(suffix);
        out
    }
}

/// A refresh `content` (`0; url=/articles/a/`) with its URL made relative, or
/// `None` when it has no URL into the site.
fn relative_refresh(content: &str, from: &PageFolder<'_>, base_path: &str) -> Option<String> {
    let separator = content.find([';', ','])?;
    let after = &content[separator + 1..];
    let mut start = separator + 1 + (after.len() - after.trim_start().len());
    let rest = &content[start..];
    if rest
        .get(..3)
        .is_some_and(|word| word.eq_ignore_ascii_case("url"))
    {
        let after_url = rest[3..].trim_start();
        if let Some(value) = after_url.strip_prefix('=') {
            start = content.len() - value.trim_start().len();
        }
    }
    let mut value = &content[start..];
    let quote = value.chars().next().filter(|c| *c == '\'' || *c == '"');
    if let Some(q) = quote {
        start += 1;
        value = &value[1..];
        value = value.split(q).next().unwrap_or(value);
    }
    let new = relative_url(value, from, base_path)?;
    Some(format!(
        "{}{new}{}",
        &content[..start],
        &content[start + value.len()..]
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rel(url: &str, page: &str, base: &str) -> Option<String> {
        relative_url(url, &PageFolder::of(page), base)
    }

    #[test]
    fn site_root_paths_become_paths_from_the_page_folder() {
        let page = "tags/iran/page/2/index.html";
        assert_eq!(
            rel("/style.css", page, "").as_deref(),
            Some("../../../../style.css")
        );
        assert_eq!(
            rel("/tags/russia/", page, "").as_deref(),
            Some("../../../russia/index.html")
        );
        assert_eq!(
            rel("/tags/iran/", page, "").as_deref(),
            Some("../../index.html")
        );
        assert_eq!(rel("/", "index.html", "").as_deref(), Some("index.html"));
        assert_eq!(
            rel("/articles/a/", "articles/a/index.html", "").as_deref(),
            Some("index.html")
        );
        assert_eq!(
            rel("/articles/a/photo.jpg", "articles/a/index.html", "").as_deref(),
            Some("photo.jpg")
        );
        assert_eq!(
            rel("/articles/a", "old.html", "").as_deref(),
            Some("articles/a/index.html")
        );
    }

    #[test]
    fn queries_and_fragments_are_kept() {
        let page = "articles/a/index.html";
        assert_eq!(
            rel("/articles/a/#comment-3", page, "").as_deref(),
            Some("index.html#comment-3")
        );
        assert_eq!(
            rel("/search/?q=x#top", page, "").as_deref(),
            Some("../../search/index.html?q=x#top")
        );
        assert_eq!(rel("#comments", page, ""), None);
        assert_eq!(rel("?q=x", page, ""), None);
    }

    #[test]
    fn only_paths_under_the_base_path_are_rewritten() {
        let page = "tags/iran/index.html";
        assert_eq!(
            rel("/archive/tags/", page, "/archive").as_deref(),
            Some("../index.html")
        );
        assert_eq!(
            rel("/archive", page, "/archive").as_deref(),
            Some("../../index.html")
        );
        assert_eq!(rel("/archived/x/", page, "/archive"), None);
        assert_eq!(rel("/tags/", page, "/archive"), None);
    }

    #[test]
    fn other_hosts_schemes_and_plain_relative_links_stay() {
        let page = "articles/a/index.html";
        for url in [
            "https://example.org/x/",
            "//example.org/x/",
            "/\\example.org/x/",
            "mailto:a@example.org",
            "javascript:alert(1)",
            "photo.jpg",
            "../b/photo.jpg",
            "",
        ] {
            assert_eq!(rel(url, page, ""), None, "{url}");
        }
    }

    #[test]
    fn relative_links_to_folders_name_their_index() {
        let page = "articles/a/index.html";
        assert_eq!(rel("../b/", page, "").as_deref(), Some("../b/index.html"));
        assert_eq!(
            rel("../b/#c", page, "").as_deref(),
            Some("../b/index.html#c")
        );
        assert_eq!(rel("..", page, "").as_deref(), Some("../index.html"));
    }

    #[test]
    fn dot_segments_resolve_before_the_base_path_is_matched() {
        let page = "index.html";
        assert_eq!(
            rel("/a/../b/./c/", page, "").as_deref(),
            Some("b/c/index.html")
        );
        assert_eq!(rel("/../../x.css", page, "").as_deref(), Some("x.css"));
        assert_eq!(rel("/archive/../etc/", page, "/archive"), None);
    }

    #[test]
    fn content_that_may_not_end_as_text_is_told_apart() {
        for ends_as_text in [
            "",
            "<p>Plain.</p>",
            "<p>A <a href=\"/x/\" title=\"a>b\">link</a>.</p>",
            "<!-- more --><p>x</p>",
            "<script>if (a < b) {}</script><p>it's</p>",
            "<TEXTAREA>x</textarea>",
            "<pre>&lt;textarea&gt;</pre>",
        ] {
            assert!(!may_end_inside_markup(ends_as_text), "{ends_as_text}");
        }
        for may_not in [
            "<div><img alt=\"x\" src=\"/a.png\"",
            "<img alt=\"x>\" src=\"/a.png",
            "<p>x</p><!-- unclosed",
            "<textarea>open",
            "<Style>a { color: red }",
            "<script>\"</textarea>\"</script><title>",
            "<plaintext>x</plaintext>",
        ] {
            assert!(may_end_inside_markup(may_not), "{may_not}");
        }
    }

    #[test]
    fn content_is_read_without_the_characters_no_page_holds() {
        let linker = Linker::relative_to("articles/a/index.html", "");
        let html = "<a\u{b}href=\"/tags/x/\">a</a><a href=\"\u{1}/about/\">b</a>";
        assert_eq!(
            linker.content(html).unwrap(),
            "<a href=\"../../tags/x/index.html\">a</a><a href=\"../../about/index.html\">b</a>"
        );
        assert_eq!(linker.url("\u{b}/about/"), "../../about/index.html");
        assert!(!linker.needs_whole_page());
        linker.content("<textarea>").unwrap();
        assert!(linker.needs_whole_page());
    }

    #[test]
    fn pages_keep_every_byte_but_the_urls_into_the_site() {
        let html = concat!(
            "<!DOCTYPE html>\n<html><head><link rel=\"stylesheet\" href=\"/b/style.css\">",
            "<link rel=\"canonical\" href=\"https://example.org/b/articles/a/\">",
            "<meta http-equiv=\"refresh\" content=\"0; url=/b/articles/x/\">",
            "<style>a[href=\"/b/\"] { color: red }</style></head>\n",
            "<body><A HREF='/b/tags/' class=x>t</A> <img src=\"/b/i.png\" srcset=\"/b/i.png 1x, https://e.example/j.png 2x\">",
            "<pre>&lt;a href=\"/b/x/\"&gt;</pre><script>const u = \"/b/x/\"; if (a < b) {}</script>",
            "<form action=\"/b/search/\"><input name=q></form><a href=\"/elsewhere/\">o</a></body></html>"
        );
        let out = relative_urls(html, "articles/a/index.html", "/b").unwrap();
        assert_eq!(
            out,
            concat!(
                "<!DOCTYPE html>\n<html><head><link rel=\"stylesheet\" href=\"../../style.css\">",
                "<link rel=\"canonical\" href=\"https://example.org/b/articles/a/\">",
                "<meta http-equiv=\"refresh\" content=\"0; url=../x/index.html\">",
                "<style>a[href=\"/b/\"] { color: red }</style></head>\n",
                "<body><A HREF=\"../../tags/index.html\" class=x>t</A> <img src=\"../../i.png\" srcset=\"../../i.png 1x, https://e.example/j.png 2x\">",
                "<pre>&lt;a href=\"/b/x/\"&gt;</pre><script>const u = \"/b/x/\"; if (a < b) {}</script>",
                "<form action=\"../../search/index.html\"><input name=q></form><a href=\"/elsewhere/\">o</a></body></html>"
            )
        );
    }

    #[test]
    fn urls_with_character_references_are_read_as_the_text_they_stand_for() {
        let html =
            r#"<a href="/don&#39;t-panic/">a</a><a href="/q/?a=1&amp;b=&quot;2&quot;">b</a>"#;
        let out = relative_urls(html, "tags/x/index.html", "").unwrap();
        let page = scraper::Html::parse_fragment(&out);
        let hrefs: Vec<&str> = page
            .select(&scraper::Selector::parse("a").unwrap())
            .filter_map(|a| a.value().attr("href"))
            .collect();
        assert_eq!(
            hrefs,
            [
                "../../don't-panic/index.html",
                "../../q/index.html?a=1&b=\"2\""
            ]
        );
    }

    #[test]
    fn a_refresh_with_any_characters_is_read_without_panicking() {
        let from = PageFolder::of("a/index.html");
        assert_eq!(
            relative_refresh("0; /€/", &from, "").as_deref(),
            Some("0; ../€/index.html")
        );
        assert_eq!(relative_refresh("0;é", &from, ""), None);
    }

    #[test]
    fn the_first_of_a_repeated_attribute_counts_and_attribute_order_does_not_matter() {
        let html = concat!(
            "<a href=\"/x/\" href=\"/y/\">a</a>",
            "<meta content=\"0; url=/a/\" http-equiv=\"Refresh\">",
            "<meta content=\"/a/\" name=\"x\"><object data=\"/o/\"></object><div data=\"/d/\"></div>"
        );
        assert_eq!(
            relative_urls(html, "p/index.html", "").unwrap(),
            concat!(
                "<a href=\"../x/index.html\" href=\"/y/\">a</a>",
                "<meta content=\"0; url=../a/index.html\" http-equiv=\"Refresh\">",
                "<meta content=\"/a/\" name=\"x\"><object data=\"../o/index.html\"></object><div data=\"/d/\"></div>"
            )
        );
    }

    #[test]
    fn refresh_targets_in_every_written_form() {
        let from = PageFolder::of("old/index.html");
        for (content, expected) in [
            ("0; url=/a/", "0; url=../a/index.html"),
            ("0;URL='/a/'", "0;URL='../a/index.html'"),
            ("5, /a/", "5, ../a/index.html"),
            ("0; url = \"/a/#x\"", "0; url = \"../a/index.html#x\""),
        ] {
            assert_eq!(
                relative_refresh(content, &from, "").as_deref(),
                Some(expected),
                "{content}"
            );
        }
        assert_eq!(relative_refresh("30", &from, ""), None);
        assert_eq!(
            relative_refresh("0; url=https://e.example/", &from, ""),
            None
        );
    }
}
