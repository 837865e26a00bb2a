//! HTML in the plain form Markdown's writer gives, read without a tokenizer.
//!
//! Content the writer made (and most an author writes by hand) is in a form
//! whose tokenization leaves no room for doubt: every `<` opens a lowercase
//! start tag whose attributes are each one space then `name="value"`, a
//! lowercase end tag, or a comment that ends at its first `-->`. The passes
//! that rewrite URLs in rendered HTML (relative for pages, absolute for
//! feeds) read such HTML here, a byte scan, and hand anything else to their
//! tokenizer. Each pass keeps its own test that both ways give the same.

/// Elements whose content a tokenizer does not read as plain markup: text
/// or raw text up to their end tag, or foreign content.
const NOT_PLAIN: &[&str] = &[
    "textarea",
    "title",
    "script",
    "style",
    "xmp",
    "iframe",
    "noembed",
    "noframes",
    "noscript",
    "plaintext",
    "svg",
    "math",
];

/// A piece of markup in the plain form, at a `<`.
pub(crate) enum Markup<'h> {
    /// A start tag.
    Start(StartTag<'h>),
    /// An end tag or a comment, this many bytes long.
    Other(usize),
}

impl Markup<'_> {
    /// The markup `rest` starts with (at a `<`), or `None` when it is not in
    /// the plain form or names an element of [`NOT_PLAIN`].
    pub(crate) fn at(rest: &str) -> Option<Markup<'_>> {
        if rest.starts_with("<!--") {
            comment_len(rest).map(Markup::Other)
        } else if rest.starts_with("</") {
            end_tag_len(rest).map(Markup::Other)
        } else {
            StartTag::read(rest).map(Markup::Start)
        }
    }

    /// How many bytes it is long.
    pub(crate) fn len(&self) -> usize {
        match self {
            Markup::Start(tag) => tag.len,
            Markup::Other(len) => *len,
        }
    }
}

/// A start tag in the plain form: `<name`, then ` attribute="value"` any
/// number of times, then `>`, `/>` or ` />`.
pub(crate) struct StartTag<'h> {
    /// The element's name.
    pub(crate) name: &'h str,
    /// The attributes as written, without the space before the first.
    attributes: &'h str,
    /// Whether it ends with `/>` (or ` />`).
    pub(crate) self_closing: bool,
    /// Whether it ends with ` />`, as a serializer writes a self-closing tag.
    pub(crate) spaced_slash: bool,
    /// The whole tag's length.
    pub(crate) len: usize,
}

impl<'h> StartTag<'h> {
    /// The start tag `rest` starts with, or `None` (see [`Markup::at`]).
    fn read(rest: &'h str) -> Option<Self> {
        let name = tag_name(&rest[1..]);
        if name.is_empty() || NOT_PLAIN.contains(&name) {
            return None;
        }
        let attributes_start = 1 + name.len();
        let mut at = attributes_start;
        let bytes = rest.as_bytes();
        loop {
            let (self_closing, spaced_slash, end) = match &bytes[at..] {
                [b'>', ..] => (false, false, at + 1),
                [b'/', b'>', ..] => (true, false, at + 2),
                [b' ', b'/', b'>', ..] => (true, true, at + 3),
                [b' ', after @ ..] => {
                    at += 1 + attribute_len(after)?;
                    continue;
                }
                _ => return None,
            };
            return Some(StartTag {
                name,
                attributes: rest[attributes_start..at].trim_start_matches(' '),
                self_closing,
                spaced_slash,
                len: end,
            });
        }
    }

    /// The attributes, each as its name and its value as written.
    pub(crate) fn attributes(&self) -> impl Iterator<Item = (&'h str, &'h str)> {
        let mut rest = self.attributes;
        std::iter::from_fn(move || {
            // `read` checked the form: each is `name="value"`.
            let len = attribute_len(rest.as_bytes())?;
            let (name, quoted) = rest[..len].split_once('=')?;
            rest = rest[len..].trim_start_matches(' ');
            Some((name, &quoted[1..quoted.len() - 1]))
        })
    }

    /// Whether an attribute's name is written twice (a tokenizer keeps the
    /// first; the passes leave such tags to it).
    pub(crate) fn repeats_an_attribute(&self) -> bool {
        self.attributes()
            .enumerate()
            .any(|(i, (name, _))| self.attributes().take(i).any(|(seen, _)| seen == name))
    }
}

/// The length of the comment `rest` starts with, or `None` when it is one
/// whose end a tokenizer finds other than at the first `-->` (`<!-->`,
/// `<!--->`, `--!>`) or has no end.
fn comment_len(rest: &str) -> Option<usize> {
    let body = &rest["<!--".len()..];
    if body.starts_with('>') || body.starts_with("->") {
        return None;
    }
    let end = memchr::memmem::find(body.as_bytes(), b"-->")?;
    if memchr::memmem::find(&body.as_bytes()[..end + 2], b"--!").is_some() {
        return None;
    }
    Some("<!--".len() + end + "-->".len())
}

/// The length of the end tag `rest` starts with (`</name>`), or `None`.
fn end_tag_len(rest: &str) -> Option<usize> {
    let name = tag_name(&rest[2..]);
    (!name.is_empty() && rest.as_bytes().get(2 + name.len()) == Some(&b'>'))
        .then_some(2 + name.len() + 1)
}

/// The lowercase letters and digits `text` starts with, when it starts with
/// a letter: a tag name in the plain form.
fn tag_name(text: &str) -> &str {
    if !text.starts_with(|c: char| c.is_ascii_lowercase()) {
        return "";
    }
    let len = text
        .bytes()
        .take_while(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        .count();
    &text[..len]
}

/// The length of the `name="value"` attribute `bytes` starts with (a name of
/// lowercase letters, digits and `-`), or `None`.
fn attribute_len(bytes: &[u8]) -> Option<usize> {
    let name = bytes
        .iter()
        .take_while(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || **b == b'-')
        .count();
    if name == 0 || !bytes[0].is_ascii_lowercase() || bytes.get(name..name + 2)? != b"=\"" {
        return None;
    }
    let value = memchr::memchr(b'"', &bytes[name + 2..])?;
    Some(name + 2 + value + 1)
}
