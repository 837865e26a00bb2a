//! One article's part of the search index: its documents (the article and
//! each comment, as heading text, body text and shown fields), the one
//! tokenizer, and the encoding of an article's postings.
//!
//! Reads only the article, its thread, the names of its authors and tags,
//! and `[build] urls`, so that a part can be stored and reused while they
//! are unchanged; it knows nothing of files, shards or other articles
//! (the merge in the parent module does).

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::config::UrlStyle;
use crate::site::{Article, Comment, Site};

use super::{MAX_SHARDS, MAX_TERM_CHARS, SHOWN_TEXT_CHARS, shard_of};
use crate::render::plan::output_path;
use crate::render::views::ISO_DAY;

/// The index terms of a text: lowercased, then cut into runs of letters
/// and digits, each at most [`MAX_TERM_CHARS`] long, in order (with
/// repeats). The client lowercases and splits queries in the same order.
pub fn terms(text: &str) -> Vec<String> {
    split_terms(&lowercase(text)).map(str::to_string).collect()
}

/// `text` lowercased, exactly as [`str::to_lowercase`] lowercases it, but
/// fast on the usual text: ASCII with a few characters beyond it that have
/// no lowercase of their own (`’`, `é`, `—`). `str::to_lowercase` looks up
/// every character once it has met one beyond ASCII; every article and
/// comment is lowercased once per build.
pub(super) fn lowercase(text: &str) -> String {
    let mut rest = text;
    while let Some(at) = first_beyond_ascii(rest.as_bytes()) {
        let Some(c) = rest[at..].chars().next() else {
            break;
        };
        // A letter that changes (`É`, and `Σ`, whose lowercase depends on
        // its place in the word) needs the full rules. General punctuation
        // (`’`, `—`, `“`), the most common beyond ASCII, has no case.
        if !('\u{2000}'..='\u{206f}').contains(&c) && !c.to_lowercase().eq([c]) {
            return text.to_lowercase();
        }
        rest = &rest[at + c.len_utf8()..];
    }
    text.to_ascii_lowercase()
}

/// Where the first byte beyond ASCII of `bytes` is: found a block at a time
/// (`<[u8]>::is_ascii` tests a word at once), then a byte at a time.
fn first_beyond_ascii(bytes: &[u8]) -> Option<usize> {
    let mut start = 0;
    for block in bytes.chunks(32) {
        if !block.is_ascii() {
            return block
                .iter()
                .position(|b| !b.is_ascii())
                .map(|at| start + at);
        }
        start += block.len();
    }
    None
}

/// The terms of an already lowercased text.
pub(super) fn split_terms(lowercase: &str) -> impl Iterator<Item = &str> {
    Words {
        text: lowercase,
        at: 0,
    }
    // No more bytes than the limit means no more characters either.
    .filter(|word| word.len() <= MAX_TERM_CHARS || word.chars().count() <= MAX_TERM_CHARS)
}

/// The runs of letters and digits (`char::is_alphanumeric`) of a text, as
/// `text.split(|c: char| !c.is_alphanumeric())` without the empty pieces,
/// but a byte at a time through ASCII: every word of every article and
/// comment passes here once per build.
struct Words<'t> {
    text: &'t str,
    at: usize,
}

/// What each byte is to [`Words`]: 1 for an ASCII letter or digit, 0 for
/// any other ASCII byte, [`BEYOND_ASCII`] for a byte of a character beyond
/// ASCII (decoded to be told). One load a byte, where the tests take several.
static BYTE_CLASSES: [u8; 256] = {
    let mut classes = [BEYOND_ASCII; 256];
    let mut byte = 0;
    while byte < 128 {
        classes[byte] = (byte as u8).is_ascii_alphanumeric() as u8;
        byte += 1;
    }
    classes
};

/// The class in [`BYTE_CLASSES`] of the bytes of characters beyond ASCII.
const BEYOND_ASCII: u8 = 2;

impl<'t> Words<'t> {
    /// Moves past characters while `is_word` of them equals `word`.
    fn skip_while(&mut self, word: bool) {
        let bytes = self.text.as_bytes();
        let wanted = u8::from(word);
        while let Some(&byte) = bytes.get(self.at) {
            let class = BYTE_CLASSES[usize::from(byte)];
            if class == wanted {
                self.at += 1;
                continue;
            }
            if class != BEYOND_ASCII {
                return;
            }
            let c = self.text[self.at..].chars().next().unwrap_or(' ');
            if c.is_alphanumeric() != word {
                return;
            }
            self.at += c.len_utf8();
        }
    }
}

impl<'t> Iterator for Words<'t> {
    type Item = &'t str;

    fn next(&mut self) -> Option<&'t str> {
        self.skip_while(false);
        let start = self.at;
        self.skip_while(true);
        (self.at > start).then(|| &self.text[start..self.at])
    }
}

/// The first character of a final digit of an encoded number (`'0'`, then
/// on through `'O'` for 31).
pub(super) const FINAL_DIGIT: u32 = 0x30;

/// The first character of a digit that more digits follow (`'^'`, then on
/// through `'}'` for 31). Neither range holds `"` or `\`, so an encoded
/// list is a JSON string as it is.
pub(super) const MORE_DIGIT: u32 = 0x5e;

/// Appends `value` to `out` as base-32 digits, most significant first, the
/// last from the final range: numbers need no separator.
pub(super) fn push_number(out: &mut String, value: u32) {
    let mut digits = [0u32; 7];
    let mut count = 0;
    let mut rest = value;
    loop {
        digits[count] = rest & 31;
        count += 1;
        rest >>= 5;
        if rest == 0 {
            break;
        }
    }
    for (n, &digit) in digits[..count].iter().rev().enumerate() {
        let base = if n + 1 == count {
            FINAL_DIGIT
        } else {
            MORE_DIGIT
        };
        out.push(char::from_u32(base + digit).unwrap_or('0'));
    }
}

/// The numbers of an encoded list (see [`push_number`]).
#[cfg(test)]
pub(super) fn numbers(encoded: &str) -> impl Iterator<Item = u32> + '_ {
    let mut value = 0u32;
    encoded.bytes().filter_map(move |byte| {
        let byte = u32::from(byte);
        if byte >= MORE_DIGIT {
            value = (value << 5) | (byte - MORE_DIGIT);
            None
        } else {
            let number = (value << 5) | (byte.wrapping_sub(FINAL_DIGIT) & 31);
            value = 0;
            Some(number)
        }
    })
}

/// Appends one article's postings of a term (`(local id << 1) | heading`,
/// ascending) to `out` as the index writes them: each the gap from the
/// local id before it (the first from 0), doubled, plus the heading bit,
/// doubled again, plus 1 on the article's last. The article's number goes
/// before them, in the merge.
pub(super) fn push_local_postings(out: &mut String, postings: &[u32]) {
    let mut previous = 0;
    for (n, &posting) in postings.iter().enumerate() {
        let id = posting >> 1;
        let last = u32::from(n + 1 == postings.len());
        push_number(out, ((((id - previous) << 1) | (posting & 1)) << 1) | last);
        previous = id;
    }
}

/// One article's part of the index: what merging the index's files needs
/// of it ([`super::SearchIndex::build_reusing`]), with document ids local
/// to the article (0 is the article, `n` its `n`th comment in thread
/// order). Made by [`entries_for`]; a cache may store it, keyed by what that
/// reads, and hand it back to the merge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct ArticleSearchEntries {
    /// The article's URL and title, as the two JSON array items that every
    /// file of shown fields holding one of its documents lists once.
    pub(super) article: String,
    /// The number of documents: the article and its comments.
    pub(super) documents: usize,
    /// Each document's own shown fields, as JSON array items without the
    /// brackets: `"by","date","text"`, plus `,"id"` for a comment. Dropped
    /// once the docs files are made (and in the build cache).
    pub(super) shown: Vec<String>,
    /// Each term of the article's documents once, each followed by a
    /// space: by class ([`term_class`]), then in byte order.
    pub(super) terms: String,
    /// For each term of `terms`, its shard among [`MAX_SHARDS`]: its shard
    /// among any smaller count (a power of two, dividing it) is this modulo
    /// that count. Kept so that finding the terms of a few shards, in a
    /// build through a cache, hashes no term.
    pub(super) residues: Vec<u16>,
    /// For each term of `terms`, its postings within the article (local ids,
    /// encoded as the index files write them after the article's number),
    /// each list followed by a space.
    pub(super) postings: String,
    /// Where each class of terms starts (see [`term_class`]): the number of
    /// its first term, and where that term and its list start in `terms`
    /// and `postings`; then the same past the last term.
    pub(super) class_starts: Vec<(usize, usize, usize)>,
}

impl ArticleSearchEntries {
    /// The number of documents: the article and its comments.
    pub(super) fn documents(&self) -> usize {
        self.documents
    }

    /// Each term with its encoded local postings, and where both start in
    /// `terms` and `postings`.
    pub(super) fn term_lists(&self) -> impl Iterator<Item = (usize, usize, &str)> {
        self.lists_between(
            (0, 0, 0),
            (self.residues.len(), self.terms.len(), self.postings.len()),
        )
        .map(|(_, term_at, list_at, term)| (term_at, list_at, term))
    }

    /// Each term of class `class` (see [`term_class`]) with its number and
    /// its encoded list.
    pub(super) fn class_terms(&self, class: usize) -> impl Iterator<Item = (usize, &str, &str)> {
        let (first, term_from, list_from) = self.class_starts[class];
        let (_, term_to, list_to) = self.class_starts[class + 1];
        let terms = space_terminated(&self.terms[term_from..term_to]);
        let lists = space_terminated(&self.postings[list_from..list_to]);
        (first..)
            .zip(terms.zip(lists))
            .map(|(item, (term, list))| (item, term, list))
    }

    /// The terms from `start` to `end` (each a term's number and where it
    /// and its list start), each with its number, where it and its list
    /// start, and itself.
    fn lists_between(
        &self,
        (first, term_from, list_from): (usize, usize, usize),
        (_, term_to, list_to): (usize, usize, usize),
    ) -> impl Iterator<Item = (usize, usize, usize, &str)> {
        let terms = space_terminated(&self.terms[term_from..term_to]);
        let lists = space_terminated(&self.postings[list_from..list_to]);
        let (mut term_at, mut list_at) = (term_from, list_from);
        (first..)
            .zip(terms.zip(lists))
            .map(move |(item, (term, list))| {
                let found = (item, term_at, list_at, term);
                term_at += term.len() + 1;
                list_at += list.len() + 1;
                found
            })
    }

    /// The shard among `shards` of the term numbered `item`.
    pub(super) fn shard_at(&self, item: usize, shards: usize) -> usize {
        usize::from(self.residues[item]) % shards
    }

    /// The class of each term, in order.
    pub(super) fn classes(&self) -> impl Iterator<Item = usize> + '_ {
        self.residues
            .iter()
            .map(|&residue| term_class(residue.into()))
    }

    /// The shards of the article's terms, for `shards` shards.
    pub(super) fn shards(&self, shards: usize) -> impl Iterator<Item = usize> + '_ {
        self.residues
            .iter()
            .map(move |&residue| usize::from(residue) % shards)
    }

    /// The encoded list starting at byte `at` of `postings`.
    pub(super) fn list_at(&self, at: usize) -> &str {
        until_space(&self.postings[at..])
    }
}

/// `text` up to its first space.
pub(super) fn until_space(text: &str) -> &str {
    // Terms and lists are a few bytes long: a plain scan finds the space
    // sooner than a call into memchr would.
    let end = text.bytes().position(|b| b == b' ').unwrap_or(text.len());
    &text[..end]
}

/// The items of `text` that a space ends (`text.split_terminator(' ')`),
/// found as [`until_space`] finds them.
fn space_terminated(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let item = until_space(rest);
        rest = rest.get(item.len() + 1..).unwrap_or("");
        Some(item)
    })
}

/// The part of the index of `article` (with its comments) in `site`: its
/// documents' shown fields and its terms' postings. Reads only the article,
/// its thread, the names of its authors and tags, and `[build] urls`.
pub(crate) fn entries_for(site: &Site, article: &Article) -> ArticleSearchEntries {
    let documents: Vec<Document> = article_documents(site, article).collect();
    // Borrowed from `documents`: no term is copied until it is written.
    // Sized from the text at about one new term per 16 bytes, an overestimate
    // for most articles that saves growing the map a dozen times.
    let text: usize = documents
        .iter()
        .map(|d| d.heading.len() + d.body.len())
        .sum();
    let mut lists: HashMap<&str, Vec<u32>, foldhash::fast::RandomState> =
        HashMap::with_capacity_and_hasher(text / 16, Default::default());
    for (id, document) in (0u32..).zip(&documents) {
        // Heading terms come first, so a term's first posting for a
        // document is the one that knows whether the heading holds it.
        let heading = split_terms(&document.heading).map(|term| (term, 1));
        let body = split_terms(&document.body).map(|term| (term, 0));
        for (term, in_heading) in heading.chain(body) {
            let list = lists.entry(term).or_default();
            if list.last().is_none_or(|last| last >> 1 != id) {
                list.push((id << 1) | in_heading);
            }
        }
    }
    let index = TermIndex::of(lists);
    let url = result_url(site, &article.permalink);
    let shown: Vec<String> = documents.into_iter().map(|d| d.shown).collect();
    ArticleSearchEntries {
        documents: shown.len(),
        residues: index.residues,
        article: format!("{},{}", json_string(&url), json_string(&article.title)),
        shown,
        terms: index.terms,
        postings: index.postings,
        class_starts: index.class_starts,
    }
}

/// Terms are grouped by their shard modulo this, a power of two dividing
/// [`MAX_SHARDS`], as many as the batches the term files are made in: the
/// terms of a batch's shards are then a few ranges of each article's.
pub(super) const TERM_CLASSES: usize = 8;

/// The class of a term whose shard among [`MAX_SHARDS`] is `residue`: its
/// shard among any count of shards, modulo [`TERM_CLASSES`] (or that count,
/// if smaller), is its class modulo the same.
pub(super) fn term_class(residue: usize) -> usize {
    residue % TERM_CLASSES
}

/// An article's terms with their lists, as [`ArticleSearchEntries`] keeps
/// them (see its fields of the same names).
pub(super) struct TermIndex {
    pub(super) terms: String,
    pub(super) postings: String,
    pub(super) residues: Vec<u16>,
    pub(super) class_starts: Vec<(usize, usize, usize)>,
}

impl TermIndex {
    /// The index of each term with its local postings (each posting
    /// `(id << 1) | in_heading`), in any order.
    pub(super) fn of<'t>(lists: impl IntoIterator<Item = (&'t str, Vec<u32>)>) -> Self {
        // By class, then by their first eight bytes, then whole: most terms
        // differ in those, and comparing them is one instruction rather than
        // a memcmp call.
        let mut sorted: Vec<(usize, u64, &str, Vec<u32>)> = lists
            .into_iter()
            .map(|(term, list)| {
                let residue = shard_of(term, MAX_SHARDS);
                (residue, leading_bytes(term), term, list)
            })
            .collect();
        let key = |entry: &(usize, u64, &str, Vec<u32>)| (term_class(entry.0), entry.1);
        sorted.sort_unstable_by(|a, b| key(a).cmp(&key(b)).then_with(|| a.2.cmp(b.2)));
        let mut index = TermIndex {
            terms: String::new(),
            postings: String::new(),
            residues: Vec::with_capacity(sorted.len()),
            class_starts: Vec::with_capacity(TERM_CLASSES + 1),
        };
        for (residue, _, term, list) in sorted {
            index.start_classes_up_to(term_class(residue));
            index.residues.push(u16::try_from(residue).unwrap_or(0));
            index.terms.push_str(term);
            index.terms.push(' ');
            push_local_postings(&mut index.postings, &list);
            index.postings.push(' ');
        }
        index.start_classes_up_to(TERM_CLASSES);
        // Parts are kept until the merge: no spare capacity.
        index.terms.shrink_to_fit();
        index.postings.shrink_to_fit();
        index
    }

    /// Notes that classes up to `class` start here (those with no term
    /// start where the next one does).
    fn start_classes_up_to(&mut self, class: usize) {
        while self.class_starts.len() <= class {
            let here = (self.residues.len(), self.terms.len(), self.postings.len());
            self.class_starts.push(here);
        }
    }
}

/// The first eight bytes of `term` as a number that orders as they do
/// (zeros after a shorter term: no term holds a zero byte).
fn leading_bytes(term: &str) -> u64 {
    let mut bytes = [0u8; 8];
    let len = term.len().min(8);
    bytes[..len].copy_from_slice(&term.as_bytes()[..len]);
    u64::from_be_bytes(bytes)
}

/// The shown fields of each of `article`'s documents (see
/// [`ArticleSearchEntries::shown`]).
pub(super) fn shown_fields_of(site: &Site, article: &Article) -> Vec<String> {
    article_documents(site, article).map(|d| d.shown).collect()
}

/// A document before indexing: its heading text (title, authors, tags) and
/// its body text, both lowercased, and its own shown fields (see
/// [`ArticleSearchEntries::shown`]).
pub(super) struct Document {
    pub(super) heading: String,
    pub(super) body: String,
    pub(super) shown: String,
}

/// A JSON string literal of `s`.
pub(super) fn json_string(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

/// A document's own shown fields: who, when, and the start of its text,
/// then `more` (a comment's id).
pub(super) fn shown_fields(by: &str, date: &str, text: &str, more: Option<&str>) -> String {
    let text = shown_text(text);
    let fields = [by, date, &text].into_iter().chain(more);
    // Written straight into one buffer: every comment's fields are made
    // once a build, and a string each then joined cost two more copies.
    let mut json = Vec::with_capacity(fields.clone().map(|f| f.len() + 3).sum());
    for (n, field) in fields.enumerate() {
        if n > 0 {
            json.push(b',');
        }
        // Writing into memory does not fail.
        let _ = serde_json::to_writer(&mut json, field);
    }
    // Kept until the index files are made: no spare capacity (an escape
    // may have grown it).
    json.shrink_to_fit();
    String::from_utf8(json).unwrap_or_default()
}

/// An article's document followed by one per comment, in thread order.
pub(super) fn article_documents<'s>(
    site: &'s Site,
    article: &'s Article,
) -> impl Iterator<Item = Document> + 's {
    let date = ISO_DAY.of(&article.date);
    let authors: Vec<&str> = article
        .authors
        .iter()
        .map(|&a| site.authors[a].name.as_str())
        .collect();
    let tags = article.tags.iter().map(|&t| site.tags[t].name.as_str());
    let heading = [article.title.as_str()]
        .into_iter()
        .chain(authors.iter().copied())
        .chain(tags)
        .collect::<Vec<_>>()
        .join(" ");
    let body = html_text(&article.text().content_html);
    let article_doc = Document {
        heading: lowercase(&heading),
        shown: shown_fields(&authors.join(", "), &date, &body, None),
        body: lowercase(&body),
    };
    let comments = article.text().thread.comments.iter().map(comment_document);
    std::iter::once(article_doc).chain(comments)
}

/// A comment's document: found by its author's name and its text, shown
/// under its article's title, linking to its anchor (`#comment-<id>`).
pub(super) fn comment_document(comment: &Comment) -> Document {
    let body = html_text(&comment.body_html);
    let date = ISO_DAY.of(&comment.date);
    Document {
        heading: lowercase(&comment.author),
        shown: shown_fields(&comment.author, &date, &body, Some(&comment.id)),
        body: lowercase(&body),
    }
}

/// The URL a result links to, relative to the site root (the script adds
/// the root it was loaded from), for the page at `permalink`: the portable
/// form (`/articles/a/` → `articles/a/index.html`), which opens from disk,
/// unless the site asks for site-root URLs (`articles/a/`).
pub(super) fn result_url(site: &Site, permalink: &str) -> String {
    match site.config.build.urls {
        UrlStyle::Relative => output_path(permalink),
        UrlStyle::Root => permalink.trim_start_matches('/').to_string(),
    }
}

/// The start of a document's text (as [`html_text`] gives it) with its
/// whitespace collapsed, cut at a character boundary.
pub(super) fn shown_text(text: &str) -> String {
    // Only what is shown is collapsed: a longer start of the text is taken
    // until its collapsed form is longer than what is shown. Collapsing a
    // start of the text gives a start of the collapsed whole.
    let mut taken = SHOWN_TEXT_CHARS + SHOWN_TEXT_CHARS / 4;
    loop {
        let start = &text[..char_boundary_at_or_before(text, taken)];
        let mut collapsed = collapse_whitespace(start);
        if let Some(end) = char_start(&collapsed, SHOWN_TEXT_CHARS) {
            collapsed.truncate(end);
            collapsed.push('…');
            return collapsed;
        }
        if start.len() == text.len() {
            return collapsed;
        }
        taken = taken.saturating_mul(2);
    }
}

/// Where the character numbered `n` (from 0) of `text` starts, if it has
/// that many; counted without decoding when the text is ASCII, as most is.
fn char_start(text: &str, n: usize) -> Option<usize> {
    if text.is_ascii() {
        (text.len() > n).then_some(n)
    } else {
        text.char_indices().nth(n).map(|(at, _)| at)
    }
}

/// The last character boundary of `text` at or before byte `at` (its end
/// when `at` is past it).
fn char_boundary_at_or_before(text: &str, at: usize) -> usize {
    if at >= text.len() {
        return text.len();
    }
    (0..=at)
        .rev()
        .find(|&i| text.is_char_boundary(i))
        .unwrap_or(0)
}

/// Inline elements: their tags do not separate words.
const INLINE_TAGS: &[&str] = &[
    "a", "abbr", "b", "code", "del", "em", "i", "ins", "kbd", "mark", "q", "s", "small", "span",
    "strong", "sub", "sup", "u",
];

/// The text of rendered (trusted or sanitized) HTML: tags dropped (a block
/// tag leaves a space, so that words of two paragraphs do not run together),
/// `script` and `style` contents dropped, entities decoded. Its whitespace
/// is as written: the terms do not depend on it, and only the part shown
/// needs it collapsed (see [`shown_text`]).
pub(super) fn html_text(html: &str) -> String {
    // Every article and comment passes here once per build: no allocation
    // per tag.
    let mut text = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(open) = memchr::memchr(b'<', rest.as_bytes()) {
        text.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = tag_end(after) else {
            rest = "";
            break;
        };
        let tag = &after[..close];
        let name = tag_name(tag);
        rest = &after[close + 1..];
        if !INLINE_TAGS
            .iter()
            .any(|inline| inline.eq_ignore_ascii_case(name))
        {
            text.push(' ');
        }
        let is_raw_text = ["script", "style"]
            .iter()
            .any(|raw| raw.eq_ignore_ascii_case(name));
        if is_raw_text && !tag.starts_with('/') {
            let end_tag = format!("</{}", name.to_ascii_lowercase());
            rest = match rest.to_ascii_lowercase().find(&end_tag) {
                Some(end) => &rest[end..],
                None => "",
            };
        }
    }
    text.push_str(rest);
    if memchr::memchr(b'&', text.as_bytes()).is_some() {
        html_escape::decode_html_entities(&text).into_owned()
    } else {
        text
    }
}

/// `text` with each run of whitespace (`char::is_whitespace`) made one
/// space and none at either end: `split_whitespace` joined by spaces, but
/// copying the text between unusual whitespace whole (a single space between
/// two words is kept as it is).
fn collapse_whitespace(text: &str) -> String {
    let mut collapsed = String::with_capacity(text.len());
    let bytes = text.as_bytes();
    // The start of the text not yet copied, which begins with no whitespace.
    let mut kept_from = 0;
    let mut at = 0;
    // Letters, digits and punctuation: skipped a byte at a time.
    while let Some(skip) = bytes[at..].iter().position(|&b| !b.is_ascii_graphic()) {
        at += skip;
        // The usual case, told without decoding: one space between words.
        if bytes[at] == b' '
            && at > kept_from
            && bytes.get(at + 1).is_some_and(u8::is_ascii_graphic)
        {
            at += 1;
            continue;
        }
        let space_len = whitespace_at(text, at);
        if space_len == 0 {
            at += utf8_len(bytes[at]);
            continue;
        }
        let after = at + space_len;
        // One space between two words stays in the copied run.
        if bytes[at] == b' '
            && at > kept_from
            && after < bytes.len()
            && whitespace_at(text, after) == 0
        {
            at = after;
            continue;
        }
        push_words(&mut collapsed, &text[kept_from..at]);
        at = after;
        while at < bytes.len() {
            match whitespace_at(text, at) {
                0 => break,
                len => at += len,
            }
        }
        kept_from = at;
    }
    push_words(&mut collapsed, &text[kept_from..]);
    collapsed
}

/// Appends `words` (no whitespace at either end) to `collapsed`, after a
/// space if `collapsed` already holds some.
fn push_words(collapsed: &mut String, words: &str) {
    if !words.is_empty() {
        if !collapsed.is_empty() {
            collapsed.push(' ');
        }
        collapsed.push_str(words);
    }
}

/// The length in bytes of the whitespace character (`char::is_whitespace`)
/// at byte `at` of `text`, or 0 if the character there is not whitespace.
fn whitespace_at(text: &str, at: usize) -> usize {
    let byte = text.as_bytes()[at];
    if byte.is_ascii() {
        // `char::is_whitespace` of ASCII: also the vertical tab.
        usize::from(byte.is_ascii_whitespace() || byte == 0x0b)
    } else {
        match text[at..].chars().next() {
            Some(c) if c.is_whitespace() => c.len_utf8(),
            _ => 0,
        }
    }
}

/// The length of the UTF-8 sequence that `lead` starts.
fn utf8_len(lead: u8) -> usize {
    match lead {
        0xf0.. => 4,
        0xe0.. => 3,
        0xc0.. => 2,
        _ => 1,
    }
}

/// The name of the element a tag (the text between `<` and `>`) opens or
/// closes, as written. A custom element's name (`style-guide`) runs on past
/// its letters.
fn tag_name(tag: &str) -> &str {
    let tag = tag.trim_start_matches('/');
    let end = tag
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .unwrap_or(tag.len());
    &tag[..end]
}

/// Where the tag that `after` (the text after a `<`) opens ends: its `>`,
/// outside quoted attribute values (a sanitized `title="a>b"` keeps its `>`).
pub(super) fn tag_end(after: &str) -> Option<usize> {
    let mut quote = None;
    for (at, byte) in after.bytes().enumerate() {
        match (quote, byte) {
            (None, b'>') => return Some(at),
            (None, b'"' | b'\'') => quote = Some(byte),
            (Some(q), _) if q == byte => quote = None,
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_of_html_keeps_words_apart_and_together() {
        let html = "<p>One <em>tw</em>o</p><p>three&amp;four</p><script>x()</script><pre>a</pre>";
        assert_eq!(
            collapse_whitespace(&html_text(html)),
            "One two three&four a"
        );
    }

    #[test]
    fn text_of_html_skips_whole_tags_and_only_real_style_elements() {
        let html = r#"<p><a href="x" title="a>b">link</a> <img alt="c>d" src="y"></p><style-guide>kept</style-guide>"#;
        assert_eq!(collapse_whitespace(&html_text(html)), "link kept");
    }

    #[test]
    fn whitespace_collapses_as_split_whitespace_joins() {
        for text in [
            "",
            "   ",
            " one  two\tthree\n",
            "x",
            " x ",
            "a b  c   d e\n\nf g",
            "a\u{0b}b\u{0c}c\rd",
            "nbsp\u{a0}and\u{2003}em\u{3000}ideographic\u{85}next",
            "é — ’ 日本 \u{200b}zero-width\u{200b}",
        ] {
            let joined = text.split_whitespace().collect::<Vec<_>>().join(" ");
            assert_eq!(collapse_whitespace(text), joined, "{text:?}");
        }
    }

    /// Many texts drawn from characters each scan treats differently (ASCII
    /// and Unicode letters, digits and whitespace, controls, punctuation),
    /// by a fixed sequence so that every run sees the same texts.
    fn mixed_texts() -> impl Iterator<Item = String> {
        const ALPHABET: [char; 16] = [
            'a',
            'Z',
            '7',
            ' ',
            ' ',
            '\t',
            '\n',
            '\u{b}',
            '\u{1}',
            '-',
            '’',
            'é',
            '\u{a0}',
            '\u{2003}',
            '日',
            '\u{1f600}',
        ];
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        (0..2000).map(move |n| {
            (0..n % 24)
                .map(|_| {
                    state = state
                        .wrapping_mul(6_364_136_223_846_793_005)
                        .wrapping_add(1);
                    ALPHABET[(state >> 60) as usize]
                })
                .collect()
        })
    }

    #[test]
    fn byte_wise_scans_match_the_standard_library_on_mixed_text() {
        for text in mixed_texts() {
            let joined = text.split_whitespace().collect::<Vec<_>>().join(" ");
            assert_eq!(collapse_whitespace(&text), joined, "{text:?}");
            let split: Vec<&str> = text
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .collect();
            let found: Vec<&str> = Words { text: &text, at: 0 }.collect();
            assert_eq!(found, split, "{text:?}");
        }
    }

    #[test]
    fn words_are_the_nonempty_runs_of_alphanumerics() {
        // Every ASCII byte, each between two letters: one class each.
        let ascii: String = (0u8..128).flat_map(|b| ['a', char::from(b)]).collect();
        for text in [
            "",
            "--",
            "iran’s jcpoa, 2016-08 ünïcode",
            "a1b2 ٣٤ 日本語 x\u{301}y ½ ⅷ",
            "end.",
            &ascii,
        ] {
            let split: Vec<&str> = text
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .collect();
            let found: Vec<&str> = Words { text, at: 0 }.collect();
            assert_eq!(found, split, "{text:?}");
        }
    }

    #[test]
    fn terms_are_lowercase_runs_of_letters_and_digits() {
        let found = terms("Iran’s JCPOA, 2016-08 Ünïcode");
        assert_eq!(found, ["iran", "s", "jcpoa", "2016", "08", "ünïcode"]);
    }

    #[test]
    fn numbers_need_no_separator_and_stay_json_strings() {
        let values = [0, 1, 31, 32, 1023, 1024, 205_158 << 1 | 1, u32::MAX];
        let mut encoded = String::new();
        for value in values {
            push_number(&mut encoded, value);
        }
        assert_eq!(&encoded[..3], "01O", "one digit each below 32");
        assert_eq!(numbers(&encoded).collect::<Vec<_>>(), values);
        assert!(!encoded.contains(['"', '\\', ' ']));
    }

    #[test]
    fn lowercase_is_the_standard_lowercase() {
        for text in [
            "",
            "Plain ASCII, With CAPS and 123.",
            "Iran’s “JCPOA” — é, ß, 日本",
            "ÉLYSÉE and Straße",
            "ΟΔΟΣ ΑΣ Σ",
            "İstanbul",
            "mixed ’ then É then ’",
        ] {
            assert_eq!(lowercase(text), text.to_lowercase(), "{text}");
        }
        // Every character of the Basic Multilingual Plane, alone and in a word.
        for c in (0..0x1_0000u32).filter_map(char::from_u32) {
            let word = format!("A{c}b{c}");
            assert_eq!(lowercase(&word), word.to_lowercase(), "{c:?}");
        }
        // A capital beyond ASCII at either side of a block's edge.
        for before in [0, 31, 32, 33, 64, 100] {
            let text = format!("{}É’x", "A".repeat(before));
            assert_eq!(lowercase(&text), text.to_lowercase(), "{before}");
        }
    }

    #[test]
    fn space_terminated_items_are_those_split_terminator_gives() {
        for text in ["", " ", "a", "a ", "a b", "ab c ", "a  b ", "  "] {
            let split: Vec<&str> = text.split_terminator(' ').collect();
            assert_eq!(
                space_terminated(text).collect::<Vec<_>>(),
                split,
                "{text:?}"
            );
        }
    }

    #[test]
    fn shown_text_is_cut_on_a_character() {
        let long = "é".repeat(SHOWN_TEXT_CHARS + 5);
        assert_eq!(shown_text(&long).chars().count(), SHOWN_TEXT_CHARS + 1);
    }

    #[test]
    fn shown_text_is_the_start_of_the_whole_text_collapsed() {
        let whole = |text: &str| {
            let collapsed = collapse_whitespace(text);
            match collapsed.char_indices().nth(SHOWN_TEXT_CHARS) {
                Some((end, _)) => format!("{}…", &collapsed[..end]),
                None => collapsed,
            }
        };
        let word = "word ".repeat(SHOWN_TEXT_CHARS / 5);
        for text in [
            String::new(),
            "  short \n text  ".to_string(),
            // Just under, at and just over what is shown, collapsed.
            word[..word.len() - 1].to_string(),
            format!("{word}x"),
            format!("{word}xy"),
            // Whitespace runs longer than what is taken at first.
            format!("a{}b", " ".repeat(SHOWN_TEXT_CHARS * 3)),
            format!("{}{word}{word}", "\n".repeat(SHOWN_TEXT_CHARS * 5)),
            format!("{word}{}\u{a0}tail", " \u{3000}".repeat(SHOWN_TEXT_CHARS)),
            "é’—日本 ".repeat(SHOWN_TEXT_CHARS),
        ]
        .into_iter()
        // Mixed texts of 200 to 500 characters, many around the cut.
        .chain({
            let short: Vec<String> = mixed_texts().collect();
            (0..70).map(move |k| short[k * 25..k * 25 + 18 + k % 25].concat())
        }) {
            assert_eq!(shown_text(&text), whole(&text), "{text:?}");
        }
    }
}
