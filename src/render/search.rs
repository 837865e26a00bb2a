//! The search index: every article and comment of the model as a document,
//! written as small script files that the search page loads only as a query
//! needs them.
//!
//! Owns the index format (docs/search.md) and the one tokenizer the index is
//! built with; `templates/search.js` splits queries and decodes postings the
//! same way and must follow any change here. Every index file is a
//! JavaScript file that hands its data to `scholiaSearch.load(key, data)`,
//! so it loads through a `<script>` tag, from any static host and from
//! `file://` (where `fetch()` of a data file is refused). Builds from the
//! model only: it never reads pages back, and it renders nothing but its own
//! files.
//!
//! The files, under `search/`:
//! - `manifest.js`: the format version and how the rest is cut up;
//! - `terms/<n>.js`: the terms whose hash falls in shard `n`, each with its
//!   postings (a query loads only the shards of its terms);
//! - `docs/<g>-<p>.js`: the shown fields of the documents of
//!   [`ARTICLES_PER_CHUNK`] articles, at most [`DOCS_PER_CHUNK`] of each, each
//!   article's URL and title once per file (a query loads only the chunks of
//!   the results it shows).
//!
//! A document is addressed by its article's number, counted from the oldest
//! article, and its place in that article (0 the article, `n` its `n`th
//! comment), never by a count of the documents before it: a new comment
//! (last in its thread, as a newer top-level comment is) changes only its
//! article's chunk and the shards of its own terms, and a new article (the
//! newest) only its own chunk and shards, so that a build cache can take
//! every other index file as it was. The shard count, set by the number of
//! documents, is the exception: when it changes, every shard does.
//!
//! The build is in two stages, so that a cache can skip the first for an
//! unchanged article:
//! 1. [`entries_for`]: one article's part of the index
//!    ([`ArticleSearchEntries`]: its documents' shown fields and its terms'
//!    postings, with ids local to the article). A pure function of the
//!    article, the names of its authors and tags, and `[build] urls`; it can
//!    be stored (serde) under a key of those and reused.
//! 2. The merge: every article's part, by number, into the index files. It
//!    only writes each article's number before its postings and copies; it
//!    reads no text of a document. Through a cache
//!    ([`SearchIndex::build_reusing`]) it makes only the files that a changed
//!    part touches (found by comparing the part with the last build's) and
//!    keys the others as the last build did.

use std::collections::{BTreeMap, HashMap, HashSet};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::config::UrlStyle;
use crate::site::{Article, Comment, Site};

use super::plan::{Job, output_path};

/// The folder, under the output root, of the index files.
pub const SEARCH_DIR: &str = "search";

/// The version of the index format, written in the manifest; the client
/// refuses an index of another version.
const FORMAT_VERSION: u32 = 3;

/// Articles per file of shown fields. A file's content depends only on its
/// own articles, so that a new comment changes one file; two articles hold
/// about 40 documents on the benchmark archive (a mean of 20 documents an
/// article), what one file held when files were cut every 40 documents.
const ARTICLES_PER_CHUNK: usize = 2;

/// At most this many documents of one article per file of shown fields: a
/// long thread is cut into several files, so that no file grows past about
/// `ARTICLES_PER_CHUNK * DOCS_PER_CHUNK` documents. The results of one query
/// (20 of them) may fall in 20 files, so a file must stay small.
const DOCS_PER_CHUNK: usize = 40;

/// At most this many term shards, whatever the site's size.
const MAX_SHARDS: usize = 4096;

/// Aimed-for documents per term shard, which sets the shard count. A query
/// loads its words' shards whole, other terms' postings included: fewer,
/// bigger shards would cut files but make a rare word's query pay for a
/// common word it shares a shard with.
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

/// The files of shown fields of a site whose articles, by number (oldest
/// first), have these numbers of documents: `(g, p)` for `docs/<g>-<p>.js`,
/// in order. Group `g` holds articles `g * ARTICLES_PER_CHUNK` onwards, and
/// part `p` their documents `p * DOCS_PER_CHUNK` onwards.
fn chunks(documents_by_number: &[usize]) -> Vec<(usize, usize)> {
    documents_by_number
        .chunks(ARTICLES_PER_CHUNK)
        .enumerate()
        .flat_map(|(group, counts)| {
            let parts = counts.iter().max().copied().unwrap_or(1);
            (0..parts.div_ceil(DOCS_PER_CHUNK)).map(move |part| (group, part))
        })
        .collect()
}

/// The files of shown fields of `site` (see [`chunks`]).
pub(super) fn site_chunks(site: &Site) -> Vec<(usize, usize)> {
    let counts: Vec<usize> = site
        .articles
        .iter()
        .rev()
        .map(|article| 1 + article.thread.comments.len())
        .collect();
    chunks(&counts)
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

/// The first character of a final digit of an encoded number (`'0'`, then
/// on through `'O'` for 31).
const FINAL_DIGIT: u32 = 0x30;

/// The first character of a digit that more digits follow (`'^'`, then on
/// through `'}'` for 31). Neither range holds `"` or `\`, so an encoded
/// list is a JSON string as it is.
const MORE_DIGIT: u32 = 0x5e;

/// Appends `value` to `out` as base-32 digits, most significant first, the
/// last from the final range: numbers need no separator.
fn push_number(out: &mut String, value: u32) {
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
fn numbers(encoded: &str) -> impl Iterator<Item = u32> + '_ {
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
fn push_local_postings(out: &mut String, postings: &[u32]) {
    let mut previous = 0;
    for (n, &posting) in postings.iter().enumerate() {
        let id = posting >> 1;
        let last = u32::from(n + 1 == postings.len());
        push_number(out, ((((id - previous) << 1) | (posting & 1)) << 1) | last);
        previous = id;
    }
}

/// One article's part of the index: what [`SearchIndex::merge`] needs of
/// it, with document ids local to the article (0 is the article, `n` its
/// `n`th comment in thread order). Made by [`entries_for`]; a cache may
/// store it, keyed by what that reads, and hand it back to the merge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct ArticleSearchEntries {
    /// The article's URL and title, as the two JSON array items that every
    /// file of shown fields holding one of its documents lists once.
    article: String,
    /// The number of documents: the article and its comments.
    documents: usize,
    /// Each document's own shown fields, as JSON array items without the
    /// brackets: `"by","date","text"`, plus `,"id"` for a comment. Dropped
    /// once the docs files are made (and in the build cache).
    shown: Vec<String>,
    /// Each term of the article's documents once, in byte order, each
    /// followed by a space.
    terms: String,
    /// For each term of `terms`, its shard among [`MAX_SHARDS`]: its shard
    /// among any smaller count (a power of two, dividing it) is this modulo
    /// that count. Kept so that finding the terms of a few shards, in a
    /// build through a cache, hashes no term.
    residues: Vec<u16>,
    /// For each term of `terms`, its postings within the article (local ids,
    /// encoded as the index files write them after the article's number),
    /// each list followed by a space.
    postings: String,
}

impl ArticleSearchEntries {
    /// The number of documents: the article and its comments.
    fn documents(&self) -> usize {
        self.documents
    }

    /// Each term with its encoded local postings, and where both start in
    /// `terms` and `postings`.
    fn term_lists(&self) -> impl Iterator<Item = (usize, usize, &str)> {
        let terms = self.terms.split_terminator(' ');
        let lists = self.postings.split_terminator(' ');
        let (mut term_at, mut list_at) = (0, 0);
        terms.zip(lists).map(move |(term, list)| {
            let found = (term_at, list_at, term);
            term_at += term.len() + 1;
            list_at += list.len() + 1;
            found
        })
    }

    /// The term starting at byte `at` of `terms`.
    fn term_at(&self, at: usize) -> &str {
        until_space(&self.terms[at..])
    }

    /// The shards of the article's terms, for `shards` shards.
    fn shards(&self, shards: usize) -> impl Iterator<Item = usize> + '_ {
        self.residues
            .iter()
            .map(move |&residue| usize::from(residue) % shards)
    }

    /// Each term with its shard among `shards` and where the term and its
    /// list start in `terms` and `postings`.
    fn term_lists_in(&self, shards: usize) -> impl Iterator<Item = (usize, usize, usize)> + '_ {
        self.term_lists()
            .zip(self.shards(shards))
            .map(|((term_at, list_at, _), shard)| (shard, term_at, list_at))
    }

    /// The encoded list starting at byte `at` of `postings`.
    fn list_at(&self, at: usize) -> &str {
        until_space(&self.postings[at..])
    }
}

/// `text` up to its first space.
fn until_space(text: &str) -> &str {
    text.split(' ').next().unwrap_or("")
}

/// The part of the index of `article` (with its comments) in `site`: its
/// documents' shown fields and its terms' postings. Reads only the article,
/// its thread, the names of its authors and tags, and `[build] urls`.
pub(crate) fn entries_for(site: &Site, article: &Article) -> ArticleSearchEntries {
    let documents: Vec<Document> = article_documents(site, article).collect();
    // Borrowed from `documents`: no term is copied until it is written.
    let mut lists: HashMap<&str, Vec<u32>, foldhash::fast::RandomState> = HashMap::default();
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
    let mut sorted: Vec<(&str, Vec<u32>)> = lists.into_iter().collect();
    sorted.sort_unstable_by(|a, b| a.0.cmp(b.0));
    let mut terms = String::new();
    let mut postings = String::new();
    let mut residues = Vec::with_capacity(sorted.len());
    for (term, list) in sorted {
        residues.push(u16::try_from(shard_of(term, MAX_SHARDS)).unwrap_or(0));
        terms.push_str(term);
        terms.push(' ');
        push_local_postings(&mut postings, &list);
        postings.push(' ');
    }
    let url = result_url(site, &article.permalink);
    // Parts are kept until the merge: no spare capacity.
    terms.shrink_to_fit();
    postings.shrink_to_fit();
    let shown: Vec<String> = documents.into_iter().map(|d| d.shown).collect();
    ArticleSearchEntries {
        documents: shown.len(),
        residues,
        article: format!("{},{}", json_string(&url), json_string(&article.title)),
        shown,
        terms,
        postings,
    }
}

/// What the build cache keeps of the search index for the next build.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct StoredIndex {
    /// Each article's part, without its shown fields (which only the docs
    /// files of its own group need, made again when they change), by a key
    /// of everything [`entries_for`] read.
    parts: HashMap<u64, ArticleSearchEntries>,
    /// The key of each article's part, by article number.
    numbers: Vec<u64>,
    /// The number of term shards.
    shards: usize,
    /// The content key of each index file, by name (`terms/3`).
    files: HashMap<String, u64>,
}

/// The site's index as the text of its files, made once per build: every
/// file, or (made through a build cache) only the files that changed since
/// the last build, with the content key of every file.
#[derive(Debug)]
pub struct SearchIndex {
    /// The text of each file made, by name (`manifest`, `terms/3`,
    /// `docs/12-0`).
    made: HashMap<String, String>,
    /// The content key of every file, by name, when made through a cache:
    /// the same key means the same text.
    keys: HashMap<String, u64>,
}

impl SearchIndex {
    /// Makes every file of the index of `site` (the model already holds
    /// only what this build publishes: drafts and future articles only when
    /// asked for) and hands each to `each` with its name as it is made, from
    /// several threads: each article's part is made in parallel, then
    /// merged. No file is kept: beside the model, a whole index held at once
    /// would be the most a build holds.
    pub(super) fn write_whole(site: &Site, each: &(dyn Fn(&str, &str) + Sync)) {
        let by_number: Vec<&Article> = site.articles.iter().rev().collect();
        // A group's docs files are made as soon as its parts are, and their
        // shown text dropped: it is the biggest part of a part, and only
        // its own group's files need it.
        let groups: Vec<Vec<ArticleSearchEntries>> = by_number
            .par_chunks(ARTICLES_PER_CHUNK)
            .enumerate()
            .map(|(group, articles)| {
                let mut parts: Vec<ArticleSearchEntries> = articles
                    .iter()
                    .map(|article| entries_for(site, article))
                    .collect();
                let group_parts: Vec<&ArticleSearchEntries> = parts.iter().collect();
                let counts: Vec<usize> = parts.iter().map(|part| part.documents()).collect();
                for (_, part) in chunks(&counts) {
                    let name = format!("docs/{group}-{part}");
                    each(&name, &docs_file(&group_parts, (group, part)));
                }
                for part in &mut parts {
                    part.shown = Vec::new();
                }
                parts
            })
            .collect();
        let parts: Vec<ArticleSearchEntries> = groups.into_iter().flatten().collect();
        let parts_by_number: Vec<&ArticleSearchEntries> = parts.iter().collect();
        terms_files(&parts_by_number, None).for_each(|(name, text)| each(&name, &text));
        each(MANIFEST, &manifest(&parts));
    }

    /// The index files of `parts`, one per article in site order (newest
    /// first; articles are numbered from the oldest, the last part, up).
    /// Cheap beside [`entries_for`]: it copies shown fields and postings,
    /// writing only each article's number before its postings.
    #[cfg(test)]
    fn merge(parts: &[ArticleSearchEntries]) -> SearchIndex {
        let by_number: Vec<&ArticleSearchEntries> = parts.iter().rev().collect();
        let mut made: HashMap<String, String> = docs_files(&by_number, None).collect();
        made.extend(terms_files(&by_number, None).collect::<Vec<_>>());
        made.insert(MANIFEST.into(), manifest(parts));
        SearchIndex {
            made,
            keys: HashMap::new(),
        }
    }

    /// The index of `site` through what the last build left in `stored`
    /// (updated for the next): each article whose part's key (in `keys`, in
    /// site order) is unchanged is not read again, and only the files that
    /// hold a changed article's documents or terms are made; every other
    /// file keeps its key. With no last build, or another shard count,
    /// every file is made.
    pub(crate) fn build_reusing(
        site: &Site,
        keys: &[u64],
        stored: &mut StoredIndex,
    ) -> SearchIndex {
        let numbers: Vec<u64> = keys.iter().rev().copied().collect();
        let shards = shard_count(document_count(site));
        let by_number = |number: usize| &site.articles[numbers.len() - 1 - number];
        let same_layout = stored.shards == shards && !stored.files.is_empty();
        let mut earlier = std::mem::take(&mut stored.parts);
        let found: Vec<Option<ArticleSearchEntries>> = numbers
            .iter()
            .map(|key| earlier.remove(key).filter(|_| same_layout))
            .collect();
        let mut parts: Vec<ArticleSearchEntries> = found
            .into_par_iter()
            .enumerate()
            .map(|(number, found)| found.unwrap_or_else(|| entries_for(site, by_number(number))))
            .collect();
        let changed = changed_numbers(&stored.numbers, &numbers);
        let dirty = same_layout.then(|| {
            let old_part = |n: usize| earlier.get(stored.numbers.get(n)?);
            Dirty {
                shards: changed
                    .iter()
                    .flat_map(|&n| changed_shards(old_part(n), parts.get(n), shards))
                    .collect(),
                groups: changed.iter().map(|n| n / ARTICLES_PER_CHUNK).collect(),
            }
        });
        drop(earlier);
        // A docs file to make needs the shown fields of its group's articles.
        if let Some(dirty) = &dirty {
            let groups = &dirty.groups;
            parts.par_iter_mut().enumerate().for_each(|(number, part)| {
                if groups.contains(&(number / ARTICLES_PER_CHUNK)) && part.shown.is_empty() {
                    part.shown = shown_fields_of(site, by_number(number));
                }
            });
        }
        let by_number: Vec<&ArticleSearchEntries> = parts.iter().collect();
        let mut made: HashMap<String, String> = docs_files(&by_number, dirty.as_ref()).collect();
        // As in a build without cache: the shown text is in the docs files
        // now, and the next build does not need it.
        for part in &mut parts {
            part.shown = Vec::new();
        }
        let by_number: Vec<&ArticleSearchEntries> = parts.iter().collect();
        made.extend(terms_files(&by_number, dirty.as_ref()).collect::<Vec<_>>());
        made.insert(MANIFEST.into(), manifest_of(&by_number));
        let plan: Vec<String> = file_names(&parts, shards);
        let keys: HashMap<String, u64> = plan
            .into_par_iter()
            .filter_map(|name| {
                let key = match made.get(&name) {
                    Some(text) => file_key(&name, text),
                    None => *stored.files.get(&name)?,
                };
                Some((name, key))
            })
            .collect();
        *stored = StoredIndex {
            parts: numbers.iter().copied().zip(parts).collect(),
            numbers,
            shards,
            files: keys.clone(),
        };
        SearchIndex { made, keys }
    }

    /// The text of the index file that `job` writes, if it was made.
    pub(super) fn file(&self, job: &Job) -> Option<&str> {
        self.made.get(&file_name(job)?).map(String::as_str)
    }

    /// The content key of the index file that `job` writes, when the index
    /// was made through a cache and knows it.
    pub(super) fn key(&self, job: &Job) -> Option<u64> {
        self.keys.get(&file_name(job)?).copied()
    }
}

/// The name of the manifest file.
const MANIFEST: &str = "manifest";

/// The name of the index file that `job` writes (its path under `search/`
/// without `.js`, the key it loads under), if it writes one.
pub(super) fn file_name(job: &Job) -> Option<String> {
    match job {
        Job::SearchManifest => Some(MANIFEST.into()),
        Job::SearchTerms(shard) => Some(format!("terms/{shard}")),
        Job::SearchDocs(group, part) => Some(format!("docs/{group}-{part}")),
        _ => None,
    }
}

/// The name of every index file of `parts` (by number).
fn file_names(parts: &[ArticleSearchEntries], shards: usize) -> Vec<String> {
    let counts: Vec<usize> = parts.iter().map(ArticleSearchEntries::documents).collect();
    let docs = chunks(&counts)
        .into_iter()
        .map(|(group, part)| format!("docs/{group}-{part}"));
    let terms = (0..shards).map(|shard| format!("terms/{shard}"));
    std::iter::once(MANIFEST.to_string())
        .chain(terms)
        .chain(docs)
        .collect()
}

/// The content key of the index file `name` with `text`.
fn file_key(name: &str, text: &str) -> u64 {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    hasher.update(name.as_bytes());
    hasher.update(b"\0");
    hasher.update(text.as_bytes());
    hasher.digest()
}

/// The article numbers whose part's key differs between the last build's
/// `before` and this one's `after`, including numbers only one of them has.
fn changed_numbers(before: &[u64], after: &[u64]) -> Vec<usize> {
    (0..before.len().max(after.len()))
        .filter(|&n| before.get(n) != after.get(n))
        .collect()
}

/// The shards (of `shards`) of the terms whose postings differ between
/// `before` and `after`, two parts at one article number (either may be
/// missing): the shards whose files may have changed with the article.
fn changed_shards(
    before: Option<&ArticleSearchEntries>,
    after: Option<&ArticleSearchEntries>,
    shards: usize,
) -> Vec<usize> {
    let (before, after) = (term_lists_of(before, shards), term_lists_of(after, shards));
    let (mut b, mut a) = (before.iter().peekable(), after.iter().peekable());
    let mut changed = Vec::new();
    // Both are in term order: walked side by side.
    loop {
        match (b.peek(), a.peek()) {
            (None, None) => break,
            (Some(old), Some(new)) if old.0 == new.0 => {
                if old.1 != new.1 {
                    changed.push(new.2);
                }
                b.next();
                a.next();
            }
            (Some(old), Some(new)) if old.0 < new.0 => {
                changed.push(old.2);
                b.next();
            }
            (Some(old), None) => {
                changed.push(old.2);
                b.next();
            }
            (_, Some(new)) => {
                changed.push(new.2);
                a.next();
            }
        }
    }
    changed
}

/// Each term of `part` (none if missing) with its encoded list and its
/// shard among `shards`, in term order.
fn term_lists_of(part: Option<&ArticleSearchEntries>, shards: usize) -> Vec<(&str, &str, usize)> {
    let Some(part) = part else {
        return Vec::new();
    };
    part.term_lists()
        .zip(part.shards(shards))
        .map(|((_, list_at, term), shard)| (term, part.list_at(list_at), shard))
        .collect()
}

/// The index files that a build through a cache makes: the term shards and
/// the groups of docs files that hold a changed article's terms or
/// documents. The rest are as the last build made them.
struct Dirty {
    shards: HashSet<usize>,
    groups: HashSet<usize>,
}

/// The shown fields of each of `article`'s documents (see
/// [`ArticleSearchEntries::shown`]).
fn shown_fields_of(site: &Site, article: &Article) -> Vec<String> {
    article_documents(site, article).map(|d| d.shown).collect()
}

/// `search/manifest.js` of an index of `parts` (in site order).
fn manifest(parts: &[ArticleSearchEntries]) -> String {
    manifest_of(&parts.iter().collect::<Vec<_>>())
}

/// [`manifest`], of borrowed parts.
fn manifest_of(parts: &[&ArticleSearchEntries]) -> String {
    let documents: usize = parts.iter().map(|part| part.documents()).sum();
    let json = format!(
        "{{\"version\":{FORMAT_VERSION},\"shards\":{},\
         \"chunk_articles\":{ARTICLES_PER_CHUNK},\"chunk_docs\":{DOCS_PER_CHUNK},\
         \"articles\":{},\"documents\":{documents}}}",
        shard_count(documents),
        parts.len()
    );
    script(MANIFEST, &json)
}

/// The `search/docs/<g>-<p>.js` files of `parts` (by number), each with
/// its name: every one, or only those of the `dirty` groups.
fn docs_files<'p>(
    parts: &'p [&'p ArticleSearchEntries],
    dirty: Option<&'p Dirty>,
) -> impl ParallelIterator<Item = (String, String)> + 'p {
    let counts: Vec<usize> = parts.iter().map(|part| part.documents()).collect();
    chunks(&counts)
        .into_par_iter()
        .filter(move |(group, _)| dirty.is_none_or(|dirty| dirty.groups.contains(group)))
        .map(|(group, part)| {
            let name = format!("docs/{group}-{part}");
            let first = group * ARTICLES_PER_CHUNK;
            let articles = &parts[first..parts.len().min(first + ARTICLES_PER_CHUNK)];
            let text = docs_file(articles, (group, part));
            (name, text)
        })
}

/// The `search/terms/<n>.js` files of `parts` (by number), each with its
/// name: every one, or only the `dirty` shards.
fn terms_files<'p>(
    parts: &'p [&'p ArticleSearchEntries],
    dirty: Option<&'p Dirty>,
) -> impl ParallelIterator<Item = (String, String)> + 'p {
    let documents: usize = parts.iter().map(|part| part.documents()).sum();
    let shard_total = shard_count(documents);
    let wanted = move |shard: usize| dirty.is_none_or(|dirty| dirty.shards.contains(&shard));
    let entries = match dirty {
        None => shard_entries(parts, shard_total),
        Some(dirty) if dirty.shards.is_empty() => Vec::new(),
        Some(_) => few_shard_entries(parts, shard_total, &wanted),
    };
    entries
        .into_par_iter()
        .enumerate()
        .filter(move |(shard, _)| wanted(*shard))
        .map(|(shard, entries)| (format!("terms/{shard}"), terms_file(parts, shard, entries)))
}

/// Where one term of one article is: the article's number, and where the
/// term and its list start in the article's `terms` and `postings`.
type TermEntry = (u32, u32, u32);

/// Every article's terms in a `wanted` shard (a few of them), sent to
/// their shards, in article number order. Each part's terms are found by
/// their stored shards, and only as far as its last wanted one is its text
/// walked.
fn few_shard_entries(
    parts: &[&ArticleSearchEntries],
    shard_total: usize,
    wanted: &(dyn Fn(usize) -> bool + Sync),
) -> Vec<Vec<TermEntry>> {
    let found: Vec<Vec<(usize, TermEntry)>> = parts
        .par_iter()
        .enumerate()
        .map(|(article, part)| {
            let (at, shards): (Vec<usize>, Vec<usize>) = part
                .shards(shard_total)
                .enumerate()
                .filter(|(_, shard)| wanted(*shard))
                .unzip();
            let terms = item_starts(&part.terms, &at);
            let lists = item_starts(&part.postings, &at);
            let entries = terms
                .into_iter()
                .zip(lists)
                .map(|(term_at, list_at)| (narrow(article), narrow(term_at), narrow(list_at)));
            shards.into_iter().zip(entries).collect()
        })
        .collect();
    let mut shards: Vec<Vec<TermEntry>> = vec![Vec::new(); shard_total];
    for (shard, entry) in found.into_iter().flatten() {
        shards[shard].push(entry);
    }
    shards
}

/// Where the items numbered `wanted` (ascending) of a list of items each
/// followed by a space start in `text`.
fn item_starts(text: &str, wanted: &[usize]) -> Vec<usize> {
    let mut starts = Vec::with_capacity(wanted.len());
    let mut wanted = wanted.iter().copied().peekable();
    let mut item = 0;
    let mut start = 0;
    for (at, byte) in text.bytes().enumerate() {
        let Some(&next) = wanted.peek() else {
            break;
        };
        if next == item {
            starts.push(start);
            wanted.next();
        }
        if byte == b' ' {
            item += 1;
            start = at + 1;
        }
    }
    starts
}

/// Every article's terms, sent to their shards, in article number order.
fn shard_entries(parts: &[&ArticleSearchEntries], shard_total: usize) -> Vec<Vec<TermEntry>> {
    // Counted first, so that no list holds spare room: these are the
    // merge's biggest lists.
    let counts = parts
        .par_iter()
        .fold(
            || vec![0usize; shard_total],
            |mut counts, part| {
                for shard in part.shards(shard_total) {
                    counts[shard] += 1;
                }
                counts
            },
        )
        .reduce(
            || vec![0usize; shard_total],
            |mut a, b| {
                a.iter_mut().zip(b).for_each(|(a, b)| *a += b);
                a
            },
        );
    let mut shards: Vec<Vec<TermEntry>> = counts.into_iter().map(Vec::with_capacity).collect();
    for (article, part) in parts.iter().enumerate() {
        for (shard, term_at, list_at) in part.term_lists_in(shard_total) {
            shards[shard].push((narrow(article), narrow(term_at), narrow(list_at)));
        }
    }
    shards
}

/// An index or offset as stored in a [`TermEntry`]; no article's text
/// reaches 4 GiB.
fn narrow(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// `search/terms/<shard>.js`: each term of the shard, in byte order, with
/// the postings of each article holding it, in article number order, each
/// article's headed by the gap from the number before it (the first from 0).
fn terms_file(parts: &[&ArticleSearchEntries], shard: usize, entries: Vec<TermEntry>) -> String {
    // Entries come in article order, and each term's keep it.
    let mut by_term: BTreeMap<&str, Vec<(u32, u32)>> = BTreeMap::new();
    for (article, term_at, list_at) in entries {
        let term = parts[article as usize].term_at(term_at as usize);
        by_term.entry(term).or_default().push((article, list_at));
    }
    let mut json = String::from("{");
    for (n, (term, lists)) in by_term.into_iter().enumerate() {
        if n > 0 {
            json.push(',');
        }
        json.push_str(&json_string(term));
        json.push_str(":\"");
        let mut previous = 0;
        for (article, list_at) in lists {
            push_number(&mut json, article - previous);
            json.push_str(parts[article as usize].list_at(list_at as usize));
            previous = article;
        }
        json.push('"');
    }
    json.push('}');
    script(&format!("terms/{shard}"), &json)
}

/// `search/docs/<group>-<part>.js`: for each of `articles`, the group's
/// parts by number, `null` when it has no document in the part, else `[url, title,
/// docs]` with the shown fields of its documents `part * DOCS_PER_CHUNK`
/// onwards, each `[by,date,text]` (an article) or `[by,date,text,id]` (a
/// comment).
fn docs_file(articles: &[&ArticleSearchEntries], (group, part): (usize, usize)) -> String {
    let mut json = String::from("{\"articles\":[");
    for (n, article) in articles.iter().enumerate() {
        if n > 0 {
            json.push(',');
        }
        let shown = article.shown.iter().skip(part * DOCS_PER_CHUNK);
        let shown: Vec<&String> = shown.take(DOCS_PER_CHUNK).collect();
        if shown.is_empty() {
            json.push_str("null");
            continue;
        }
        json.push('[');
        json.push_str(&article.article);
        json.push_str(",[");
        for (n, fields) in shown.into_iter().enumerate() {
            if n > 0 {
                json.push(',');
            }
            json.push('[');
            json.push_str(fields);
            json.push(']');
        }
        json.push_str("]]");
    }
    json.push_str("]}");
    script(&format!("docs/{group}-{part}"), &json)
}

/// A document before indexing: its heading text (title, authors, tags) and
/// its body text, both lowercased, and its own shown fields (see
/// [`ArticleSearchEntries::shown`]).
struct Document {
    heading: String,
    body: String,
    shown: String,
}

/// An index file: a script handing `json` to the page's loader under `key`.
fn script(key: &str, json: &str) -> String {
    format!("scholiaSearch.load(\"{key}\",{json});\n")
}

/// A JSON string literal of `s`.
fn json_string(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

/// A document's own shown fields: who, when, and the start of its text.
fn shown_fields(by: &str, date: &str, text: &str) -> String {
    format!(
        "{},{},{}",
        json_string(by),
        json_string(date),
        json_string(&shown_text(text))
    )
}

/// An article's document followed by one per comment, in thread order.
fn article_documents<'s>(
    site: &'s Site,
    article: &'s Article,
) -> impl Iterator<Item = Document> + 's {
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
        shown: {
            let mut shown = shown_fields(&authors.join(", "), &date, &body);
            shown.shrink_to_fit();
            shown
        },
        body: body.to_lowercase(),
    };
    let comments = article.thread.comments.iter().map(comment_document);
    std::iter::once(article_doc).chain(comments)
}

/// A comment's document: found by its author's name and its text, shown
/// under its article's title, linking to its anchor (`#comment-<id>`).
fn comment_document(comment: &Comment) -> Document {
    let body = html_text(&comment.body_html);
    let date = comment.date.format("%Y-%m-%d").to_string();
    Document {
        heading: comment.author.to_lowercase(),
        shown: {
            let mut shown = shown_fields(&comment.author, &date, &body);
            shown.push(',');
            shown.push_str(&json_string(&comment.id));
            shown.shrink_to_fit();
            shown
        },
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

    /// A part of two documents: `term` in both (in the second's heading),
    /// `only` in the first.
    fn part(url: &str, term: &str) -> ArticleSearchEntries {
        let mut postings = String::new();
        push_local_postings(&mut postings, &[0, 3]);
        postings.push(' ');
        push_local_postings(&mut postings, &[0]);
        postings.push(' ');
        ArticleSearchEntries {
            article: format!("\"{url}\",\"T\""),
            documents: 2,
            shown: vec!["\"a\",\"d\",\"x\"".into(), "\"b\",\"d\",\"y\",\"7\"".into()],
            residues: [term, "only"]
                .map(|t| u16::try_from(shard_of(t, MAX_SHARDS)).unwrap())
                .to_vec(),
            terms: format!("{term} only "),
            postings,
        }
    }

    #[test]
    fn merging_numbers_articles_from_the_oldest() {
        // In site order: u1 is the newer, number 1.
        let parts = vec![part("u1", "word"), part("u2", "word")];
        let index = SearchIndex::merge(&parts);
        let shard = &index.made[&format!("terms/{}", shard_of("word", 1))];
        // Article 0 (gap 0), local ids 0 and 1 (heading, last): 0, then
        // (1 * 2 + 1) * 2 + 1 = 7; then article 1 (gap 1), the same.
        assert!(shard.contains("\"word\":\"007107\""), "{shard}");
        assert!(shard.contains("\"only\":\"0111\""), "{shard}");
        assert_eq!(
            index.made["docs/0-0"],
            "scholiaSearch.load(\"docs/0-0\",{\"articles\":[\
             [\"u2\",\"T\",[[\"a\",\"d\",\"x\"],[\"b\",\"d\",\"y\",\"7\"]]],\
             [\"u1\",\"T\",[[\"a\",\"d\",\"x\"],[\"b\",\"d\",\"y\",\"7\"]]]]});\n"
        );
    }

    #[test]
    fn long_threads_are_cut_into_parts_and_groups_hold_their_articles() {
        let counts = [1, DOCS_PER_CHUNK + 1, 3, 1, 2];
        assert_eq!(chunks(&counts), [(0, 0), (0, 1), (1, 0), (2, 0)]);
        assert_eq!(chunks(&[]), Vec::<(usize, usize)>::new());
    }

    #[test]
    fn a_stored_part_merges_to_the_same_bytes() {
        let parts = vec![part("u1", "word"), part("u2", "other")];
        let stored = serde_json::to_string(&parts).unwrap();
        let restored: Vec<ArticleSearchEntries> = serde_json::from_str(&stored).unwrap();
        let (before, after) = (SearchIndex::merge(&parts), SearchIndex::merge(&restored));
        assert_eq!(before.made, after.made);
    }

    #[test]
    fn items_are_found_by_number() {
        assert_eq!(item_starts("ab c def ", &[0, 2]), [0, 5]);
        assert_eq!(item_starts("ab c def ", &[1]), [3]);
        assert!(item_starts("ab ", &[]).is_empty());
    }

    #[test]
    fn only_the_shards_of_terms_whose_postings_differ_change() {
        let before = part("u1", "word");
        let mut after = part("u1", "word");
        // `only` now in both documents; `word` as it was.
        let mut postings = String::new();
        push_local_postings(&mut postings, &[0, 3]);
        postings.push(' ');
        push_local_postings(&mut postings, &[0, 2]);
        postings.push(' ');
        after.postings = postings;
        let shards = MAX_SHARDS;
        let only = shard_of("only", shards);
        assert_eq!(changed_shards(Some(&before), Some(&after), shards), [only]);
        assert!(changed_shards(Some(&before), Some(&before), shards).is_empty());
        let mut gone = changed_shards(Some(&before), None, shards);
        gone.sort_unstable();
        let mut both = vec![shard_of("word", shards), only];
        both.sort_unstable();
        assert_eq!(gone, both);
    }

    #[test]
    fn shown_text_is_cut_on_a_character() {
        let long = "é".repeat(SHOWN_TEXT_CHARS + 5);
        assert_eq!(shown_text(&long).chars().count(), SHOWN_TEXT_CHARS + 1);
    }
}
