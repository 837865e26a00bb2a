//! The search index: every article and comment of the model as a document,
//! written as small script files that the search page loads only as a query
//! needs them.
//!
//! Owns the index format (docs/search.md) and the one tokenizer the index is
//! built with (in [`article_part`]); `templates/search.js` splits queries and decodes postings the
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
//! 1. [`entries_for`] ([`article_part`]): one article's part of the index
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

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::site::{Article, Site};

use super::plan::Job;

mod article_part;

pub use article_part::terms;
pub(crate) use article_part::{ArticleSearchEntries, entries_for};
use article_part::{json_string, push_number, shown_fields_of};

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
        .map(|article| 1 + article.comment_count)
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

/// What the build cache keeps of the search index for the next build. Its
/// parts are saved in shares ([`StoredIndex::shares`]), the rest as it is.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct StoredIndex {
    /// Each article's part, without its shown fields (which only the docs
    /// files of its own group need, made again when they change), by a key
    /// of everything [`entries_for`] read.
    #[serde(skip)]
    parts: HashMap<u64, ArticleSearchEntries>,
    /// The key of each article's part, by article number.
    numbers: Vec<u64>,
    /// The number of term shards.
    shards: usize,
    /// The content key of each index file, by name (`terms/3`).
    files: HashMap<String, u64>,
}

/// Some of a [`StoredIndex`]'s parts, as one file of the cache on disk holds
/// them: sorted by key, so that the same parts are always the same bytes.
#[derive(Debug, Serialize)]
pub(crate) struct PartShare<'a>(Vec<(u64, &'a ArticleSearchEntries)>);

/// A [`PartShare`] read back.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct ReadParts(Vec<(u64, ArticleSearchEntries)>);

impl StoredIndex {
    /// Its parts in `count` shares, each in share `key % count`.
    pub(crate) fn shares(&self, count: usize) -> Vec<PartShare<'_>> {
        let mut shares: Vec<PartShare<'_>> = (0..count).map(|_| PartShare(Vec::new())).collect();
        for (key, part) in &self.parts {
            shares[(*key % count as u64) as usize].0.push((*key, part));
        }
        for share in &mut shares {
            share.0.sort_unstable_by_key(|(key, _)| *key);
        }
        shares
    }

    /// Adds the parts of a share read back.
    pub(crate) fn extend(&mut self, read: ReadParts) {
        self.parts.extend(read.0);
    }
}

/// The site's index as the text of its files, made once per build: every
/// file, or (made through a build cache) only the files that changed since
/// the last build, with the content key of every file.
#[derive(Debug)]
pub struct SearchIndex {
    /// Each file made, by name (`manifest`, `terms/3`, `docs/12-0`), until
    /// it is taken to be written.
    made: Mutex<HashMap<String, HeldFile>>,
    /// The content key of every file, by name, when made through a cache:
    /// the same key means the same text.
    keys: HashMap<String, u64>,
}

impl SearchIndex {
    /// Makes every file of the index of `site` (the model already holds
    /// only what this build publishes: drafts and future articles only when
    /// asked for) and hands each to `each` with its name as it is made, from
    /// several threads: the parts of each group of articles are made in
    /// parallel, with the group's docs files, then merged into term files. No file is kept: beside the model, a whole index held at once
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
                for (name, text) in group_docs_files(group, &parts) {
                    each(&name, &text);
                }
                drop_shown(&mut parts);
                parts
            })
            .collect();
        let parts: Vec<ArticleSearchEntries> = groups.into_iter().flatten().collect();
        let parts_by_number: Vec<&ArticleSearchEntries> = parts.iter().collect();
        terms_files(&parts_by_number, None).for_each(|(name, text)| each(&name, &text));
        each(MANIFEST, &manifest(&parts_by_number));
    }

    /// The index files of `parts`, one per article in site order (newest
    /// first; articles are numbered from the oldest, the last part, up).
    /// Cheap beside [`entries_for`]: it copies shown fields and postings,
    /// writing only each article's number before its postings.
    #[cfg(test)]
    fn merge(parts: &[ArticleSearchEntries]) -> HashMap<String, String> {
        let in_order: Vec<ArticleSearchEntries> = parts.iter().rev().cloned().collect();
        let mut made: HashMap<String, String> = in_order
            .chunks(ARTICLES_PER_CHUNK)
            .enumerate()
            .flat_map(|(group, parts)| group_docs_files(group, parts))
            .collect();
        let by_number: Vec<&ArticleSearchEntries> = parts.iter().rev().collect();
        made.par_extend(terms_files(&by_number, None));
        made.insert(MANIFEST.into(), manifest(&by_number));
        made
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
        let mut found: Vec<Option<ArticleSearchEntries>> = numbers
            .iter()
            .map(|key| earlier.remove(key).filter(|_| same_layout))
            .collect();
        let changed = changed_numbers(&stored.numbers, &numbers);
        // The groups whose docs files are made: all of them, without a
        // last build to keep files from.
        let groups: Option<HashSet<usize>> =
            same_layout.then(|| changed.iter().map(|n| n / ARTICLES_PER_CHUNK).collect());
        // As in a build without cache, each group's docs files are made with
        // its parts and their shown text dropped at once: the next build
        // does not need it, and all of it held at once would be the peak.
        let (parts, docs): (Vec<Vec<ArticleSearchEntries>>, Vec<Vec<Held>>) = found
            .par_chunks_mut(ARTICLES_PER_CHUNK)
            .enumerate()
            .map(|(group, found)| {
                let first = group * ARTICLES_PER_CHUNK;
                let articles: Vec<&Article> = (first..first + found.len()).map(by_number).collect();
                let docs = groups.as_ref().is_none_or(|groups| groups.contains(&group));
                group_through_cache(site, group, &articles, found, docs)
            })
            .unzip();
        let parts: Vec<ArticleSearchEntries> = parts.into_iter().flatten().collect();
        let mut made: HashMap<String, HeldFile> = docs.into_iter().flatten().collect();
        let dirty = same_layout.then(|| {
            let old_part = |n: usize| earlier.get(stored.numbers.get(n)?);
            let found = changed
                .iter()
                .flat_map(|&n| changed_shards(old_part(n), parts.get(n), shards));
            Dirty::new(found, shards)
        });
        drop(earlier);
        let by_number: Vec<&ArticleSearchEntries> = parts.iter().collect();
        made.par_extend(terms_files(&by_number, dirty.as_ref()).map(hold));
        made.extend([hold((MANIFEST.into(), manifest(&by_number)))]);
        let plan: Vec<String> = file_names(&parts, shards);
        let keys: HashMap<String, u64> = plan
            .into_par_iter()
            .filter_map(|name| {
                let key = match made.get(&name) {
                    Some(held) => held.key,
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
        SearchIndex {
            made: Mutex::new(made),
            keys,
        }
    }

    /// Whether the index file that `job` writes was made (and not taken).
    pub(super) fn has_file(&self, job: &Job) -> bool {
        file_name(job).is_some_and(|name| self.made.lock().unwrap().contains_key(&name))
    }

    /// The text of the index file that `job` writes, if it was made, handed
    /// over once: each file is written once, and the whole index held
    /// through the rendering of the pages would add its size to the build's
    /// peak memory.
    pub(super) fn take_file(&self, job: &Job) -> Option<String> {
        let held = self.made.lock().unwrap().remove(&file_name(job)?)?;
        let bytes = lz4_flex::decompress_size_prepended(&held.packed)
            .expect("an index file this build compressed decompresses");
        Some(String::from_utf8(bytes).expect("an index file is the UTF-8 it was made from"))
    }

    /// The content key of the index file that `job` writes, when the index
    /// was made through a cache and knows it.
    pub(super) fn key(&self, job: &Job) -> Option<u64> {
        self.keys.get(&file_name(job)?).copied()
    }
}

/// The parts of one `group` of `articles` (by number) through a cache:
/// each taken from `found`, else made; with `docs`, the group's docs files
/// too, held. The parts' shown text is dropped either way.
fn group_through_cache(
    site: &Site,
    group: usize,
    articles: &[&Article],
    found: &mut [Option<ArticleSearchEntries>],
    docs: bool,
) -> (Vec<ArticleSearchEntries>, Vec<Held>) {
    let mut parts: Vec<ArticleSearchEntries> = found
        .iter_mut()
        .zip(articles)
        .map(|(found, article)| found.take().unwrap_or_else(|| entries_for(site, article)))
        .collect();
    let mut files = Vec::new();
    if docs {
        for (part, article) in parts.iter_mut().zip(articles) {
            if part.shown.is_empty() {
                part.shown = shown_fields_of(site, article);
            }
        }
        files = group_docs_files(group, &parts)
            .into_iter()
            .map(hold)
            .collect();
    }
    drop_shown(&mut parts);
    (parts, files)
}

/// An index file made through a cache, held until the render writes it.
#[derive(Debug)]
struct HeldFile {
    /// Its content key ([`file_key`]).
    key: u64,
    /// Its text, compressed with LZ4: the files a first build makes, held
    /// as text beside the model, would be the most the build holds at once.
    packed: Vec<u8>,
}

/// An index file's name, and the file held until it is written.
type Held = (String, HeldFile);

/// The file `name` with `text`, to be held until it is written.
fn hold((name, text): (String, String)) -> Held {
    let held = HeldFile {
        key: file_key(&name, &text),
        packed: lz4_flex::compress_prepend_size(text.as_bytes()),
    };
    (name, held)
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
    // Both are in the same order (by class and term): walked side by side.
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

/// A term with its class, its encoded list and its shard.
type ClassTermList<'p> = ((usize, &'p str), &'p str, usize);

/// Each term of `part` (none if missing), with its class, its encoded list
/// and its shard among `shards`, in the part's order (by class and term).
fn term_lists_of(part: Option<&ArticleSearchEntries>, shards: usize) -> Vec<ClassTermList<'_>> {
    let Some(part) = part else {
        return Vec::new();
    };
    part.term_lists()
        .zip(part.classes())
        .zip(part.shards(shards))
        .map(|(((_, list_at, term), class), shard)| ((class, term), part.list_at(list_at), shard))
        .collect()
}

/// The term files that a build through a cache makes: the shards that hold
/// a changed article's terms. The rest are as the last build made them.
struct Dirty {
    /// Whether each shard, by number, is one of them.
    marked: Vec<bool>,
}

impl Dirty {
    /// The `shards` among `total`.
    fn new(shards: impl IntoIterator<Item = usize>, total: usize) -> Dirty {
        let mut marked = vec![false; total];
        for shard in shards {
            if let Some(mark) = marked.get_mut(shard) {
                *mark = true;
            }
        }
        Dirty { marked }
    }

    /// Whether `shard` is one of them.
    fn contains(&self, shard: usize) -> bool {
        self.marked.get(shard).is_some_and(|&marked| marked)
    }

    /// Their numbers, in order.
    #[cfg(test)]
    fn shards(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.marked.len()).filter(|&shard| self.marked[shard])
    }
}

/// `search/manifest.js` of an index of `parts` (in any order).
fn manifest(parts: &[&ArticleSearchEntries]) -> String {
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

/// The `search/docs/<group>-<part>.js` files of one group of articles (its
/// `parts`, by number, with their shown fields), each with its name.
fn group_docs_files(group: usize, parts: &[ArticleSearchEntries]) -> Vec<(String, String)> {
    let parts: Vec<&ArticleSearchEntries> = parts.iter().collect();
    let counts: Vec<usize> = parts.iter().map(|part| part.documents()).collect();
    chunks(&counts)
        .into_iter()
        .map(|(_, part)| {
            let name = format!("docs/{group}-{part}");
            (name, docs_file(&parts, (group, part)))
        })
        .collect()
}

/// Drops the shown fields of `parts`, once their docs files are made.
fn drop_shown(parts: &mut [ArticleSearchEntries]) {
    for part in parts {
        part.shown = Vec::new();
    }
}

/// How many batches a whole index's term files are made in, at most: the
/// shards equal modulo the number of batches, whose terms are one class of
/// each article's (see [`article_part::term_class`]).
const TERM_BATCHES: usize = article_part::TERM_CLASSES;

/// The `search/terms/<n>.js` files of `parts` (by number), each with its
/// name: every one, or only the `dirty` shards. Made in batches of shards,
/// as many at once as there are threads.
fn terms_files<'p>(
    parts: &'p [&'p ArticleSearchEntries],
    dirty: Option<&'p Dirty>,
) -> impl ParallelIterator<Item = (String, String)> + 'p {
    let documents: usize = parts.iter().map(|part| part.documents()).sum();
    let shard_total = shard_count(documents);
    let batches = TERM_BATCHES.min(shard_total);
    (0..batches).into_par_iter().flat_map_iter(move |batch| {
        let wanted = |shard: usize| {
            shard % batches == batch && dirty.is_none_or(|dirty| dirty.contains(shard))
        };
        batch_terms_files(parts, (batch, batches), shard_total, &wanted)
    })
}

/// The term files of the `wanted` shards (of `shard_total`) equal to `batch`
/// modulo `batches`: each term of a shard, in byte order, with the postings
/// of each article holding it, in article number order, each article's
/// headed by the gap from the number before it (the first from 0).
///
/// Made in one pass over the articles' terms of the classes that hold the
/// batch, each term's postings copied out as soon as they are read: the
/// parts of 10,000 articles are far larger than any cache, and reading them
/// again in another order costs a cache miss per term.
fn batch_terms_files(
    parts: &[&ArticleSearchEntries],
    (batch, batches): (usize, usize),
    shard_total: usize,
    wanted: &dyn Fn(usize) -> bool,
) -> Vec<(String, String)> {
    let mut shards: Vec<Option<ShardTerms>> = (0..shard_total)
        .map(|shard| wanted(shard).then(ShardTerms::default))
        .collect();
    if shards.iter().all(Option::is_none) {
        return Vec::new();
    }
    let classes: Vec<usize> = (0..article_part::TERM_CLASSES)
        .filter(|class| class % batches == batch)
        .collect();
    for (article, part) in (0u32..).zip(parts) {
        for &class in &classes {
            for (item, term, list) in part.class_terms(class) {
                if let Some(terms) = &mut shards[part.shard_at(item, shard_total)] {
                    terms.push(term, article, list);
                }
            }
        }
    }
    (0..shard_total)
        .zip(shards)
        .filter_map(|(shard, terms)| {
            let name = format!("terms/{shard}");
            let file = script(&name, &terms?.into_json());
            Some((name, file))
        })
        .collect()
}

/// One shard's terms, each with its postings, as they are read.
#[derive(Default)]
struct ShardTerms {
    /// Keyed by a copy: a key borrowed from the first article holding the
    /// term would be read back at every lookup.
    by_term: HashMap<Box<str>, TermPostings, foldhash::fast::FixedState>,
}

impl ShardTerms {
    /// Adds `term`'s `list` in article number `article`, later than any
    /// before.
    fn push(&mut self, term: &str, article: u32, list: &str) {
        match self.by_term.get_mut(term) {
            Some(postings) => postings.push(article, list),
            None => {
                let mut postings = TermPostings::default();
                postings.push(article, list);
                self.by_term.insert(term.into(), postings);
            }
        }
    }

    /// The JSON object of the terms, in byte order, and their postings.
    fn into_json(self) -> String {
        let mut by_term: Vec<(Box<str>, TermPostings)> = self.by_term.into_iter().collect();
        by_term.sort_unstable_by(|(a, _), (b, _)| a.cmp(b));
        let mut json = String::from("{");
        for (n, (term, postings)) in by_term.into_iter().enumerate() {
            if n > 0 {
                json.push(',');
            }
            json.push_str(&json_string(&term));
            json.push_str(":\"");
            json.push_str(&postings.encoded);
            json.push('"');
        }
        json.push('}');
        json
    }
}

/// One term's postings in a term file, as they are read, article by article.
#[derive(Default)]
struct TermPostings {
    /// The number of the last article added.
    last: u32,
    /// Each article's gap from the one before, then its encoded list.
    encoded: String,
}

impl TermPostings {
    /// Adds the `list` of article number `article`, later than any before.
    fn push(&mut self, article: u32, list: &str) {
        push_number(&mut self.encoded, article - self.last);
        self.encoded.push_str(list);
        self.last = article;
    }
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

/// An index file: a script handing `json` to the page's loader under `key`.
fn script(key: &str, json: &str) -> String {
    format!("scholiaSearch.load(\"{key}\",{json});\n")
}

#[cfg(test)]
mod tests {
    use super::article_part::TermIndex;
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn shards_match_fnv1a() {
        // FNV-1a 32 of "a" is 0xe40c292c.
        assert_eq!(shard_of("a", 1 << 16), 0x292c);
        assert_eq!(shard_count(0), 1);
        assert_eq!(shard_count(205_000), MAX_SHARDS);
    }

    /// A part of two documents: `term` in both (in the second's heading),
    /// `only` in the first.
    fn part(url: &str, term: &str) -> ArticleSearchEntries {
        part_with(url, [(term, vec![0, 3]), ("only", vec![0])])
    }

    /// A part of two documents with these terms and local postings.
    fn part_with<'t>(
        url: &str,
        lists: impl IntoIterator<Item = (&'t str, Vec<u32>)>,
    ) -> ArticleSearchEntries {
        let index = TermIndex::of(lists);
        ArticleSearchEntries {
            article: format!("\"{url}\",\"T\""),
            documents: 2,
            shown: vec!["\"a\",\"d\",\"x\"".into(), "\"b\",\"d\",\"y\",\"7\"".into()],
            residues: index.residues,
            terms: index.terms,
            postings: index.postings,
            class_starts: index.class_starts,
        }
    }

    /// Forty parts of 30 terms each, spread over every class, each part
    /// counted as `documents` documents.
    fn parts_of_many_terms(documents: usize) -> Vec<ArticleSearchEntries> {
        (0..40)
            .map(|n| {
                let terms: Vec<String> = (0..30).map(|t| format!("t{}", n * 7 + t)).collect();
                let lists = terms.iter().map(|term| (term.as_str(), vec![0, 3]));
                let mut part = part_with(&format!("u{n}"), lists);
                part.documents = documents;
                part
            })
            .collect()
    }

    /// Every term file of `parts`, made in one go another way: every class
    /// of every article read for each term, into a sorted map.
    fn term_files_at_once(
        parts: &[&ArticleSearchEntries],
        shards: usize,
    ) -> BTreeMap<String, String> {
        let mut files: Vec<BTreeMap<&str, (u32, String)>> = vec![BTreeMap::new(); shards];
        for (article, part) in (0u32..).zip(parts) {
            for class in 0..article_part::TERM_CLASSES {
                for (item, term, list) in part.class_terms(class) {
                    let (last, encoded) =
                        files[part.shard_at(item, shards)].entry(term).or_default();
                    push_number(encoded, article - *last);
                    encoded.push_str(list);
                    *last = article;
                }
            }
        }
        (0..shards)
            .zip(files)
            .map(|(shard, terms)| {
                let json: Vec<String> = terms
                    .into_iter()
                    .map(|(term, (_, encoded))| format!("{}:\"{encoded}\"", json_string(term)))
                    .collect();
                let name = format!("terms/{shard}");
                let file = script(&name, &format!("{{{}}}", json.join(",")));
                (name, file)
            })
            .collect()
    }

    #[test]
    fn term_files_of_batches_and_of_dirty_shards_are_those_made_at_once() {
        // 4,000 documents: 64 shards, eight batches; 200: four shards, four
        // batches of one, fewer than the classes.
        for (documents, shards, dirty) in [(100, 64, vec![1, 9, 40, 63]), (5, 4, vec![1, 2])] {
            let parts = parts_of_many_terms(documents);
            let by_number: Vec<&ArticleSearchEntries> = parts.iter().collect();
            assert_eq!(shard_count(40 * documents), shards);
            let at_once = term_files_at_once(&by_number, shards);
            let batched: BTreeMap<String, String> = terms_files(&by_number, None).collect();
            assert_eq!(batched, at_once, "{shards} shards, in batches");
            let dirty = Dirty::new(dirty, shards);
            let remade: BTreeMap<String, String> = terms_files(&by_number, Some(&dirty)).collect();
            let expected: BTreeMap<String, String> = at_once
                .into_iter()
                .filter(|(name, _)| dirty.shards().any(|s| *name == format!("terms/{s}")))
                .collect();
            assert_eq!(remade.len(), dirty.shards().count());
            assert_eq!(remade, expected, "{shards} shards, dirty");
        }
    }

    #[test]
    fn a_term_files_terms_are_in_byte_order() {
        // Terms `t0` to `t302`: made in number order, `t10` sorts before `t2`.
        // 200 documents: four shards.
        let parts = parts_of_many_terms(5);
        let by_number: Vec<&ArticleSearchEntries> = parts.iter().collect();
        let files: Vec<(String, String)> = terms_files(&by_number, None).collect();
        assert_eq!(files.len(), 4);
        for (name, file) in files {
            let json = file
                .strip_prefix(&format!("scholiaSearch.load(\"{name}\",{{\""))
                .and_then(|rest| rest.strip_suffix("\"});\n"))
                .unwrap_or_else(|| panic!("{file}"));
            // `"term":"list","term":"list"`: terms and lists have no quotes.
            let terms: Vec<&str> = json
                .split("\",\"")
                .map(|pair| pair.split_once("\":\"").unwrap().0)
                .collect();
            assert!(terms.len() > 50, "{name}: {terms:?}");
            assert!(terms.is_sorted(), "{name}: {terms:?}");
        }
    }

    #[test]
    fn merging_numbers_articles_from_the_oldest() {
        // In site order: u1 is the newer, number 1.
        let parts = vec![part("u1", "word"), part("u2", "word")];
        let index = SearchIndex::merge(&parts);
        let shard = &index[&format!("terms/{}", shard_of("word", 1))];
        // Article 0 (gap 0), local ids 0 and 1 (heading, last): 0, then
        // (1 * 2 + 1) * 2 + 1 = 7; then article 1 (gap 1), the same.
        assert!(shard.contains("\"word\":\"007107\""), "{shard}");
        assert!(shard.contains("\"only\":\"0111\""), "{shard}");
        assert_eq!(
            index["docs/0-0"],
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
        assert_eq!(before, after);
    }

    #[test]
    fn only_the_shards_of_terms_whose_postings_differ_change() {
        let before = part("u1", "word");
        // `only` now in both documents; `word` as it was.
        let after = part_with("u1", [("word", vec![0, 3]), ("only", vec![0, 2])]);
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
}
