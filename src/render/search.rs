//! The search index: every article and comment of the model as a document,
//! written as small script files that the search page loads only as a query
//! needs them.
//!
//! Owns the index format (docs/search.md) and the one tokenizer the index is
//! built with; `templates/search.js` splits queries the same way and must
//! follow any change here. Every index file is a JavaScript file that hands
//! its data to `scholiaSearch.load(key, data)`, so it loads through a
//! `<script>` tag, from any static host and from `file://` (where `fetch()`
//! of a data file is refused). Builds from the model only: it never reads
//! pages back, and it renders nothing but its own files.
//!
//! The files, under `search/`:
//! - `manifest.js`: the format version and how the rest is cut up;
//! - `terms/<n>.js`: the terms whose hash falls in shard `n`, each with its
//!   postings (a query loads only the shards of its terms);
//! - `docs/<n>.js`: the shown fields of [`DOCS_PER_CHUNK`] documents (a query
//!   loads only the chunks of the results it shows).

use std::collections::HashMap;

use rayon::prelude::*;
use serde::Serialize;

use crate::config::UrlStyle;
use crate::site::{Article, Comment, Site};

use super::plan::output_path;
use super::views::anchor;

/// The folder, under the output root, of the index files.
pub const SEARCH_DIR: &str = "search";

/// The version of the index format, written in the manifest; the client
/// refuses an index of another version.
const FORMAT_VERSION: u32 = 1;

/// Documents per file of shown fields: small enough that the results of one
/// query download little beyond themselves.
const DOCS_PER_CHUNK: usize = 32;

/// At most this many term shards, whatever the site's size.
const MAX_SHARDS: usize = 4096;

/// Aimed-for documents per term shard, which sets the shard count.
const DOCS_PER_SHARD: usize = 64;

/// A term longer than this many characters (a URL, a hash) is not indexed;
/// the client drops it from queries the same way.
const MAX_TERM_CHARS: usize = 40;

/// A document's shown text is cut after this many characters: the excerpt
/// is taken from it, so a match further into a long article is shown with
/// the article's opening instead.
const SHOWN_TEXT_CHARS: usize = 300;

/// The number of term shards for a site of `documents` documents: a power
/// of two, so that the client's `hash % shards` needs no big numbers.
pub(super) fn shard_count(documents: usize) -> usize {
    (documents / DOCS_PER_SHARD)
        .next_power_of_two()
        .clamp(1, MAX_SHARDS)
}

/// The number of files of shown fields for `documents` documents.
pub(super) fn chunk_count(documents: usize) -> usize {
    documents.div_ceil(DOCS_PER_CHUNK).max(1)
}

/// The number of documents `site` has: each article and each comment.
pub(super) fn document_count(site: &Site) -> usize {
    site.articles.len() + site.comment_count()
}

/// The shard of a term: FNV-1a (32 bits) of its UTF-8 bytes, modulo the
/// shard count. The client computes the same.
pub fn shard_of(term: &str, shards: usize) -> usize {
    let mut hash: u32 = 0x811c_9dc5;
    for byte in term.bytes() {
        hash ^= u32::from(byte);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    hash as usize % shards
}

/// The index terms of a text: lowercased, then cut into runs of letters
/// and digits, each at most [`MAX_TERM_CHARS`] long, in order (with
/// repeats). The client lowercases and splits queries in the same order.
pub fn terms(text: &str) -> Vec<String> {
    split_terms(&text.to_lowercase())
        .map(str::to_string)
        .collect()
}

/// The terms of an already lowercased text.
fn split_terms(lowercase: &str) -> impl Iterator<Item = &str> {
    lowercase
        .split(|c: char| !c.is_alphanumeric())
        // No more bytes than the limit means no more characters either.
        .filter(|word| {
            !word.is_empty()
                && (word.len() <= MAX_TERM_CHARS || word.chars().count() <= MAX_TERM_CHARS)
        })
}

/// The site's whole index, built once per build and cut into files.
pub(super) struct SearchIndex {
    /// For each shard, its terms in byte order, each with its postings:
    /// `(document id << 1) | heading`, ascending, where `heading` says the
    /// term is in the document's title, authors or tags.
    shards: Vec<Vec<(String, Vec<u32>)>>,
    /// Every document's shown fields, by id.
    docs: Vec<ShownDoc>,
}

/// What a result shows of a document, as one JSON array:
/// `[url, title, by, date, text, kind]`.
#[derive(Debug, Serialize)]
struct ShownDoc(String, String, String, String, String, u8);

/// The kind of an article's document, as written in its shown fields.
const KIND_ARTICLE: u8 = 0;
/// The kind of a comment's document.
const KIND_COMMENT: u8 = 1;

/// A document before indexing: its heading text (title, authors, tags) and
/// its body text, both lowercased, and what results show of it.
struct Document {
    heading: String,
    body: String,
    shown: ShownDoc,
}

/// Postings are gathered in this many groups of shards in parallel.
const SHARD_GROUPS: usize = 64;

/// Articles (each with its comments) per batch when postings are collected.
const ARTICLES_PER_BATCH: usize = 128;

/// A term's postings as one batch of articles found them, ascending.
type TermPostings = (String, Vec<u32>);

/// What one batch of articles gives the index: the shown fields of its
/// documents, in id order, and its terms' postings by group of shards.
struct Batch {
    shown: Vec<ShownDoc>,
    groups: Vec<Vec<(u32, TermPostings)>>,
}

impl SearchIndex {
    /// The index of every article in `site` (the model already holds only
    /// what this build publishes: drafts and future articles only when asked
    /// for) and every comment of theirs.
    ///
    /// Batches of articles are indexed in parallel, each keeping only its
    /// terms' postings, so no document's text outlives its batch; then each
    /// group of shards joins its terms' postings batch by batch, in id order,
    /// so each list comes out ascending.
    pub(super) fn build(site: &Site) -> SearchIndex {
        let shard_total = shard_count(document_count(site));
        let first_ids = first_document_ids(site);
        let batches: Vec<Batch> = site
            .articles
            .par_chunks(ARTICLES_PER_BATCH)
            .zip(first_ids.par_chunks(ARTICLES_PER_BATCH))
            .map(|(articles, firsts)| index_batch(site, articles, firsts[0], shard_total))
            .collect();
        let mut docs = Vec::with_capacity(document_count(site));
        let mut by_group: Vec<Vec<Vec<(u32, TermPostings)>>> = vec![Vec::new(); SHARD_GROUPS];
        for batch in batches {
            docs.extend(batch.shown);
            for (group, postings) in batch.groups.into_iter().enumerate() {
                by_group[group].push(postings);
            }
        }
        let joined: Vec<Vec<(u32, TermPostings)>> =
            by_group.into_par_iter().map(join_batches).collect();
        let mut shards: Vec<Vec<TermPostings>> = vec![Vec::new(); shard_total];
        for (shard, term_postings) in joined.into_iter().flatten() {
            shards[shard as usize].push(term_postings);
        }
        shards
            .par_iter_mut()
            .for_each(|shard| shard.sort_unstable());
        SearchIndex { shards, docs }
    }

    /// `search/manifest.js`.
    pub(super) fn manifest_file(&self) -> String {
        let manifest = format!(
            "{{\"version\":{FORMAT_VERSION},\"shards\":{},\"chunk\":{DOCS_PER_CHUNK},\"documents\":{}}}",
            self.shards.len(),
            self.docs.len()
        );
        script("manifest", &manifest)
    }

    /// `search/terms/<shard>.js`: each term with its postings, each posting
    /// written as the difference from the one before it (ids ascend), which
    /// keeps the numbers short.
    pub(super) fn terms_file(&self, shard: usize) -> String {
        let mut json = String::from("{");
        for (n, (term, list)) in self.shards.get(shard).into_iter().flatten().enumerate() {
            if n > 0 {
                json.push(',');
            }
            json.push_str(&json_string(term));
            json.push_str(":[");
            let mut previous_id = 0;
            for (k, posting) in list.iter().enumerate() {
                let id = posting >> 1;
                let delta = ((id - previous_id) << 1) | (posting & 1);
                previous_id = id;
                if k > 0 {
                    json.push(',');
                }
                json.push_str(&delta.to_string());
            }
            json.push(']');
        }
        json.push('}');
        script(&format!("terms/{shard}"), &json)
    }

    /// `search/docs/<chunk>.js`: the shown fields of documents
    /// `chunk * DOCS_PER_CHUNK` onwards.
    pub(super) fn docs_file(&self, chunk: usize) -> String {
        let start = (chunk * DOCS_PER_CHUNK).min(self.docs.len());
        let end = (start + DOCS_PER_CHUNK).min(self.docs.len());
        let json = serde_json::to_string(&self.docs[start..end]).unwrap_or_else(|_| "[]".into());
        script(&format!("docs/{chunk}"), &json)
    }
}

/// The id of each article's document: its comments' ids follow it.
fn first_document_ids(site: &Site) -> Vec<u32> {
    let mut next = 0u32;
    site.articles
        .iter()
        .map(|article| {
            let first = next;
            let documents = 1 + article.thread.comments.len();
            next = next.saturating_add(u32::try_from(documents).unwrap_or(u32::MAX));
            first
        })
        .collect()
}

/// The documents of `articles`, whose first document has id `first`: their
/// shown fields, and each term's postings sent to its group of shards.
fn index_batch(site: &Site, articles: &[Article], first: u32, shard_total: usize) -> Batch {
    let mut postings: HashMap<String, Vec<u32>, foldhash::fast::RandomState> = HashMap::default();
    let mut shown = Vec::new();
    let documents = articles.iter().flat_map(|a| article_documents(site, a));
    for (id, document) in (first..).zip(documents) {
        // Heading terms come first, so a term's first posting for a
        // document is the one that knows whether the heading holds it.
        let heading = split_terms(&document.heading).map(|term| (term, 1));
        let body = split_terms(&document.body).map(|term| (term, 0));
        for (term, in_heading) in heading.chain(body) {
            let posting = (id << 1) | in_heading;
            match postings.get_mut(term) {
                Some(list) if list.last().is_some_and(|last| last >> 1 == id) => {}
                Some(list) => list.push(posting),
                None => {
                    postings.insert(term.to_string(), vec![posting]);
                }
            }
        }
        shown.push(document.shown);
    }
    let mut groups: Vec<Vec<(u32, TermPostings)>> = vec![Vec::new(); SHARD_GROUPS];
    for (term, list) in postings {
        let shard = shard_of(&term, shard_total);
        groups[shard % SHARD_GROUPS].push((shard as u32, (term, list)));
    }
    Batch { shown, groups }
}

/// One group of shards' postings from every batch (in batch order) joined
/// into one list per term.
fn join_batches(batches: Vec<Vec<(u32, TermPostings)>>) -> Vec<(u32, TermPostings)> {
    let mut lists: HashMap<String, (u32, Vec<u32>), foldhash::fast::RandomState> =
        HashMap::default();
    for batch in batches {
        for (shard, (term, list)) in batch {
            lists
                .entry(term)
                .or_insert_with(|| (shard, Vec::new()))
                .1
                .extend(list);
        }
    }
    lists
        .into_iter()
        .map(|(term, (shard, list))| (shard, (term, list)))
        .collect()
}

/// An index file: a script handing `json` to the page's loader under `key`.
fn script(key: &str, json: &str) -> String {
    format!("scholiaSearch.load(\"{key}\",{json});\n")
}

/// A JSON string literal of `s`.
fn json_string(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

/// An article's document followed by one per comment, in thread order.
fn article_documents<'s>(
    site: &'s Site,
    article: &'s Article,
) -> impl Iterator<Item = Document> + 's {
    let url = result_url(site, &article.permalink);
    let date = article.date.format("%Y-%m-%d").to_string();
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
    let body = html_text(&article.content_html);
    let article_doc = Document {
        heading: heading.to_lowercase(),
        shown: ShownDoc(
            url.clone(),
            article.title.clone(),
            authors.join(", "),
            date,
            shown_text(&body),
            KIND_ARTICLE,
        ),
        body: body.to_lowercase(),
    };
    let comments = article
        .thread
        .comments
        .iter()
        .map(move |comment| comment_document(article, &url, comment));
    std::iter::once(article_doc).chain(comments)
}

/// A comment's document: found by its author's name and its text, shown
/// under its article's title, linking to its anchor.
fn comment_document(article: &Article, article_url: &str, comment: &Comment) -> Document {
    let body = html_text(&comment.body_html);
    Document {
        heading: comment.author.to_lowercase(),
        shown: ShownDoc(
            format!("{article_url}#{}", anchor(&comment.id)),
            article.title.clone(),
            comment.author.clone(),
            comment.date.format("%Y-%m-%d").to_string(),
            shown_text(&body),
            KIND_COMMENT,
        ),
        body: body.to_lowercase(),
    }
}

/// The URL a result links to, relative to the site root (the script adds
/// the root it was loaded from), for the page at `permalink`: the portable
/// form (`/articles/a/` → `articles/a/index.html`), which opens from disk,
/// unless the site asks for site-root URLs (`articles/a/`).
fn result_url(site: &Site, permalink: &str) -> String {
    match site.config.build.urls {
        UrlStyle::Relative => output_path(permalink),
        UrlStyle::Root => permalink.trim_start_matches('/').to_string(),
    }
}

/// The start of a document's text, cut at a character boundary.
fn shown_text(text: &str) -> String {
    match text.char_indices().nth(SHOWN_TEXT_CHARS) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_string(),
    }
}

/// Inline elements: their tags do not separate words.
const INLINE_TAGS: &[&str] = &[
    "a", "abbr", "b", "code", "del", "em", "i", "ins", "kbd", "mark", "q", "s", "small", "span",
    "strong", "sub", "sup", "u",
];

/// The text of rendered (trusted or sanitized) HTML: tags dropped (a block
/// tag leaves a space, so that words of two paragraphs do not run together),
/// `script` and `style` contents dropped, entities decoded, whitespace
/// collapsed.
fn html_text(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        text.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = tag_end(after) else {
            rest = "";
            break;
        };
        let tag = &after[..close];
        // A custom element's name (`style-guide`) runs on past its letters.
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect::<String>()
            .to_ascii_lowercase();
        rest = &after[close + 1..];
        if !INLINE_TAGS.contains(&name.as_str()) {
            text.push(' ');
        }
        if (name == "script" || name == "style") && !tag.starts_with('/') {
            let end_tag = format!("</{name}");
            rest = match rest.to_ascii_lowercase().find(&end_tag) {
                Some(end) => &rest[end..],
                None => "",
            };
        }
    }
    text.push_str(rest);
    let decoded = html_escape::decode_html_entities(&text);
    decoded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Where the tag that `after` (the text after a `<`) opens ends: its `>`,
/// outside quoted attribute values (a sanitized `title="a>b"` keeps its `>`).
fn tag_end(after: &str) -> Option<usize> {
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
        assert_eq!(html_text(html), "One two three&four a");
    }

    #[test]
    fn text_of_html_skips_whole_tags_and_only_real_style_elements() {
        let html = r#"<p><a href="x" title="a>b">link</a> <img alt="c>d" src="y"></p><style-guide>kept</style-guide>"#;
        assert_eq!(html_text(html), "link kept");
    }

    #[test]
    fn terms_are_lowercase_runs_of_letters_and_digits() {
        let found = terms("Iran’s JCPOA, 2016-08 Ünïcode");
        assert_eq!(found, ["iran", "s", "jcpoa", "2016", "08", "ünïcode"]);
    }

    #[test]
    fn shards_match_fnv1a() {
        // FNV-1a 32 of "a" is 0xe40c292c.
        assert_eq!(shard_of("a", 1 << 16), 0x292c);
        assert_eq!(shard_count(0), 1);
        assert_eq!(shard_count(205_000), MAX_SHARDS);
    }

    #[test]
    fn shown_text_is_cut_on_a_character() {
        let long = "é".repeat(SHOWN_TEXT_CHARS + 5);
        assert_eq!(shown_text(&long).chars().count(), SHOWN_TEXT_CHARS + 1);
    }
}
