//! Each article's model, from its files, through a cache keyed by the hash of
//! those files' bytes.
//!
//! Owns [`ArticleCache`]: what the model stage keeps of each article between
//! builds, and the hashing of an article's inputs. It decides nothing about
//! which articles are built ([`BuildOptions::includes`] does) nor how one is
//! resolved ([`resolve_article`] does): it only skips re-reading and
//! re-resolving an article whose inputs and context are the same as last time.
//! It renders nothing and writes nothing.
//!
//! Serve keeps the cache in memory, each article as a model cloned on reuse.
//! A cache that a build keeps on disk ([`ArticleCache::serialized`]) holds each
//! article serialized instead: decoded only when reused (its text only when a
//! page shows it: [`LazyText`]), and saved again as the same bytes, so an
//! unchanged article costs neither a clone nor a second encoding.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

use chrono::{DateTime, FixedOffset, Utc};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::article_text::{self, LazyText};
use super::input_stamps::{ArticleStamps, InputStamps, stamp_of, text_folder};
use super::{Article, BuildOptions, resolve_article};
use crate::config::SiteConfig;
use crate::content::article::{BUNDLE_INDEX, THREAD_SUFFIX};
use crate::content::{Route, article_inputs, display_path, load_article};
use crate::error::{Error, Warning};
use crate::markdown::Highlighting;

/// What resolving an article depends on besides its own files.
pub(crate) struct Context<'a> {
    /// The site root.
    pub(crate) root: &'a Path,
    /// `site.toml`.
    pub(crate) config: &'a SiteConfig,
    /// The ids of the authors that exist.
    pub(crate) known_authors: &'a HashSet<&'a str>,
    /// How code is highlighted (from `site.toml`).
    pub(crate) highlighting: &'a Highlighting,
    /// How the articles' folders were reached.
    pub(crate) article_folders: Route,
    /// Drafts, future articles.
    pub(crate) options: BuildOptions,
    /// The time of the build.
    pub(crate) now: DateTime<Utc>,
}

/// What the last builds learnt of each article. Empty for a one-off build.
/// Its entries are saved in shares (`ArticleCache::shares`), each
/// resolved article only if it is kept serialized; the hashes of the last
/// build's files are not, as each build finds them again.
#[derive(Debug, Default)]
pub struct ArticleCache {
    /// By Markdown file (absolute).
    entries: HashMap<PathBuf, Entry>,
    /// The input hash of every article file last seen, by Markdown file.
    hashes: BTreeMap<PathBuf, u64>,
    /// The stamps under which those hashes were taken, so that a file whose
    /// stamp is unchanged need not be read to be hashed.
    input_stamps: InputStamps,
    /// How resolved articles are kept for the next build (a cache read back
    /// from disk keeps them serialized).
    keep: Keep,
}

/// Some of an [`ArticleCache`]'s entries, as one file of the cache on disk
/// holds them: sorted by file, so that the same entries are always the same
/// bytes.
#[derive(Debug, Serialize)]
pub(crate) struct EntryShare<'a>(Vec<(&'a PathBuf, &'a Entry)>);

/// An [`EntryShare`] read back.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct ReadEntries(Vec<(PathBuf, Entry)>);

/// How an [`ArticleCache`] keeps the articles it resolves.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum Keep {
    /// As models, cloned on reuse (serve's series of builds).
    #[default]
    Models,
    /// Serialized, to be saved on disk (`scholia build`'s cache).
    Serialized,
    /// Not at all: a one-off build has no next one, and a copy of every
    /// article would double the model's memory (the largest part of a
    /// build's peak) for nothing.
    Nothing,
}

/// One article as last read.
#[derive(Debug, Serialize, Deserialize)]
struct Entry {
    /// The hash of its inputs and of its context (see [`context_hash`]).
    key: (u64, u64),
    /// Whether it is a draft, and its date: enough to tell whether it is built.
    draft: bool,
    date: DateTime<FixedOffset>,
    /// The article resolved, once it has been built.
    #[serde(with = "stored_only")]
    resolved: Option<Resolved>,
}

/// An article resolved, with the warnings its thread raised.
#[derive(Debug)]
enum Resolved {
    /// As a model, cloned on each reuse (serve).
    Model(Box<(Article, Vec<Warning>)>),
    /// Serialized with postcard and compressed ([`pack`]), decoded on
    /// reuse (a cache kept on disk): all but its text, and its text apart,
    /// which is decoded only if a page shows it ([`LazyText`]).
    Serialized(PackedArticle),
    /// Resolved by this build, with the warnings its thread raised: to be
    /// serialized from the site's model once the pages are written
    /// ([`ArticleCache::pack_built`]), so that a first build does not hold
    /// every article twice while it renders. Never saved as it is.
    Pending(Vec<Warning>),
}

/// An article as [`pack`] makes it.
#[derive(Debug)]
struct PackedArticle {
    /// The model without its text, its warnings, and the hash of `text`.
    head: Vec<u8>,
    /// Its [`super::ArticleText`], shared with the models that reuse it.
    text: Arc<[u8]>,
}

/// One article through the model stage.
enum Outcome {
    /// Built, with the warnings its thread raised.
    Built(Box<Article>, Vec<Warning>),
    /// Left out (a draft, or dated after the build's `now`).
    Left,
    /// Broken.
    Failed(Vec<Error>),
}

/// Resolved articles, the warnings they raised, and every error met.
type Modelled = (Vec<Article>, Vec<Warning>, Vec<Error>);

impl ArticleCache {
    /// An empty cache that keeps each article serialized, to be saved.
    pub(crate) fn serialized() -> Self {
        ArticleCache {
            keep: Keep::Serialized,
            ..ArticleCache::default()
        }
    }

    /// The number of articles it holds.
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    /// Its entries in `count` shares, each file's in share `share_of(file)`.
    pub(crate) fn shares(
        &self,
        count: usize,
        share_of: impl Fn(&Path) -> usize,
    ) -> Vec<EntryShare<'_>> {
        let mut shares: Vec<EntryShare<'_>> = (0..count).map(|_| EntryShare(Vec::new())).collect();
        for (file, entry) in &self.entries {
            shares[share_of(file) % count].0.push((file, entry));
        }
        for share in &mut shares {
            share.0.sort_unstable_by_key(|(file, _)| *file);
        }
        shares
    }

    /// Adds the entries of a share read back.
    pub(crate) fn extend(&mut self, read: ReadEntries) {
        self.entries.extend(read.0);
    }

    /// A cache for one build only: it keeps no article.
    pub(crate) fn one_off() -> Self {
        ArticleCache {
            keep: Keep::Nothing,
            ..ArticleCache::default()
        }
    }

    /// The built articles among `files` (each with its input hash), reusing
    /// the ones whose inputs and context are unchanged, and every error met.
    pub(crate) fn model(&mut self, context: &Context<'_>, files: &[(PathBuf, u64)]) -> Modelled {
        let context_key = context_hash(context);
        let outcomes: Vec<(Outcome, Option<Entry>)> = files
            .par_iter()
            .map(|(file, hash)| self.outcome(context, file, (*hash, context_key)))
            .collect();
        // Sized for every file: the articles are kept until the pages are
        // written, and growing by doubling would hold up to twice the room.
        let mut articles = Vec::with_capacity(outcomes.len());
        let (mut warnings, mut errors) = (Vec::new(), Vec::new());
        self.hashes = files.iter().cloned().collect();
        self.entries
            .retain(|file, _| self.hashes.contains_key(file));
        for ((outcome, entry), (file, _)) in outcomes.into_iter().zip(files) {
            if let Some(entry) = entry {
                self.entries.insert(file.clone(), entry);
            }
            match outcome {
                Outcome::Built(article, mut found) => {
                    warnings.append(&mut found);
                    articles.push(*article);
                }
                Outcome::Left => {}
                Outcome::Failed(mut found) => errors.append(&mut found),
            }
        }
        (articles, warnings, errors)
    }

    /// One article: from the cache when its entry has `key` and holds what is
    /// needed, else read and resolved (with the entry to keep, if any).
    fn outcome(
        &self,
        context: &Context<'_>,
        file: &Path,
        key: (u64, u64),
    ) -> (Outcome, Option<Entry>) {
        let includes = |draft, date| context.options.includes(draft, date, context.now);
        if let Some(entry) = self.entries.get(file).filter(|e| e.key == key) {
            if !includes(entry.draft, entry.date) {
                return (Outcome::Left, None);
            }
            if let Some(built) = entry.resolved.as_ref().and_then(Resolved::built) {
                return (built, None);
            }
        }
        let source = match load_article(context.root, file, context.article_folders) {
            Ok(source) => source,
            // Not kept: a broken article is read again, so its errors show every time.
            Err(errors) => return (Outcome::Failed(errors), None),
        };
        let (draft, date) = (source.draft, source.date);
        let mut entry = Entry {
            key,
            draft,
            date,
            resolved: None,
        };
        if !includes(draft, date) {
            return (Outcome::Left, Some(entry));
        }
        match resolve_article(
            source,
            context.config,
            context.known_authors,
            context.highlighting,
        ) {
            Ok((article, warnings)) => {
                entry.resolved = self.kept(&article, &warnings);
                (Outcome::Built(Box::new(article), warnings), Some(entry))
            }
            Err(errors) => (Outcome::Failed(errors), None),
        }
    }

    /// What to keep of a resolved article: a clone (serve), or its warnings
    /// until its bytes are packed once the build is done (a cache on disk).
    fn kept(&self, article: &Article, warnings: &[Warning]) -> Option<Resolved> {
        match self.keep {
            Keep::Serialized => Some(Resolved::Pending(warnings.to_vec())),
            Keep::Models => Some(Resolved::Model(Box::new((
                article.clone(),
                warnings.to_vec(),
            )))),
            Keep::Nothing => None,
        }
    }

    /// Serializes each article this build resolved (see
    /// [`Resolved::Pending`]) from its model among `articles`, the site's,
    /// once its pages are written, dropping each model as it goes. An
    /// article not found there is resolved again next time. The links the
    /// site set (authors, tags, scheduled) are set again whenever an article
    /// is reused.
    pub(crate) fn pack_built(&mut self, root: &Path, articles: Vec<Article>) {
        let pending: HashMap<PathBuf, &[Warning]> = self
            .entries
            .iter()
            .filter_map(|(file, entry)| match &entry.resolved {
                Some(Resolved::Pending(warnings)) => {
                    Some((display_path(root, file), warnings.as_slice()))
                }
                _ => None,
            })
            .collect();
        let mut packed: HashMap<PathBuf, PackedArticle> = articles
            .into_par_iter()
            .filter_map(|article| {
                let warnings = pending.get(&article.source_path)?;
                Some((article.source_path.clone(), pack(&article, warnings)?))
            })
            .collect();
        for (file, entry) in &mut self.entries {
            if let Some(Resolved::Pending(_)) = entry.resolved {
                entry.resolved = packed
                    .remove(&display_path(root, file))
                    .map(Resolved::Serialized);
            }
        }
    }

    /// The earliest article date after `now`: when the site next changes by
    /// itself (an article comes out, or stops being scheduled).
    pub(crate) fn next_date_after(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.entries
            .values()
            .map(|e| e.date.with_timezone(&Utc))
            .filter(|date| *date > now)
            .min()
    }

    /// Each of `files` (absolute Markdown files) with the hash of its inputs
    /// (0 in a one-off cache, which compares nothing). An article whose files
    /// have the stamp they had when last hashed is not read again; nor, when
    /// the watcher named the `changed` paths, is one they do not touch.
    pub(crate) fn input_hashes(
        &mut self,
        articles_dir: &Path,
        files: Vec<PathBuf>,
        changed: Option<&[PathBuf]>,
    ) -> Vec<(PathBuf, u64)> {
        self.input_hashes_at(articles_dir, files, changed, SystemTime::now())
    }

    /// [`ArticleCache::input_hashes`] with the clock read at `now` (the
    /// real time, not the build's: stamps are trusted against the times the
    /// file system writes).
    fn input_hashes_at(
        &mut self,
        articles_dir: &Path,
        files: Vec<PathBuf>,
        changed: Option<&[PathBuf]>,
        now: SystemTime,
    ) -> Vec<(PathBuf, u64)> {
        if self.keep == Keep::Nothing {
            // A one-off build has no earlier one to compare with: hashing
            // would read every file of the site once more than the model does.
            return files.into_iter().map(|file| (file, 0)).collect();
        }
        let touched = changed.and_then(|paths| touched_articles(articles_dir, paths));
        let recorded = &self.input_stamps;
        let hashed: Vec<(PathBuf, ArticleStamps, u64)> = files
            .into_par_iter()
            .map(|file| {
                let known = self.hashes.get(&file).copied();
                if let (Some(touched), Some(hash)) = (&touched, known)
                    && !touched.contains(&file)
                {
                    let stamps = recorded.stamps_of_hash(&file, hash);
                    return (file, stamps, hash);
                }
                let (inputs, folder) = match recorded.known_inputs(&file, now) {
                    Some((inputs, folder)) => (inputs, Some(folder)),
                    None => {
                        let inputs = article_inputs(&file);
                        let folder = text_folder(&file, &inputs, now);
                        (inputs, folder)
                    }
                };
                let stamp = stamp_of(&inputs, now);
                let hash = recorded
                    .known_hash(&file, stamp)
                    .unwrap_or_else(|| input_hash(&inputs));
                (file, (stamp, folder), hash)
            })
            .collect();
        let mut stamps = InputStamps::default();
        let hashes = hashed
            .into_iter()
            .map(|(file, (stamp, folder), hash)| {
                stamps.record(&file, stamp, hash, folder);
                (file, hash)
            })
            .collect();
        self.input_stamps = stamps;
        hashes
    }

    /// A cache that hashes through `input_stamps`, recorded by an earlier
    /// build.
    pub(crate) fn with_input_stamps(input_stamps: InputStamps) -> Self {
        ArticleCache {
            input_stamps,
            ..ArticleCache::default()
        }
    }

    /// The stamps of the last hashing, to be kept for the next build.
    pub(crate) fn take_input_stamps(&mut self) -> InputStamps {
        std::mem::take(&mut self.input_stamps)
    }

    /// Every article file (relative to `root`) with its input hash, for the
    /// keys of the pages that show it.
    pub(crate) fn hashes_by_source(&self, root: &Path) -> HashMap<PathBuf, u64> {
        self.hashes
            .iter()
            .map(|(file, hash)| (display_path(root, file), *hash))
            .collect()
    }
}

/// A hash of everything resolving an article reads besides its files: the
/// whole configuration (through its `Debug` form, so that no field can be
/// forgotten), the authors that exist, and the build's choices.
fn context_hash(context: &Context<'_>) -> u64 {
    let mut hasher = std::hash::DefaultHasher::new();
    format!("{:?}", context.config).hash(&mut hasher);
    let mut authors: Vec<&&str> = context.known_authors.iter().collect();
    authors.sort();
    authors.hash(&mut hasher);
    (context.options.drafts, context.options.future).hash(&mut hasher);
    hasher.finish()
}

/// A hash of the bytes of every file an article is read from (its
/// `inputs`), with their paths; a missing file hashes as absent, so creating
/// it changes the hash.
fn input_hash(inputs: &[PathBuf]) -> u64 {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    for input in inputs {
        hasher.update(input.as_os_str().as_encoded_bytes());
        // Only regular files are read: reading a pipe would block the build
        // forever (the loader reports it as an error).
        if !std::fs::metadata(input).is_ok_and(|m| m.is_file()) {
            hasher.update(b"\0not a file");
            continue;
        }
        match std::fs::read(input) {
            Ok(bytes) => {
                hasher.update(&(bytes.len() as u64).to_le_bytes());
                hasher.update(&bytes);
            }
            Err(_) => hasher.update(b"\0absent"),
        }
    }
    hasher.digest()
}

/// The articles that the paths the watcher saw change belong to, or `None`
/// when one of them may belong to any.
fn touched_articles(articles_dir: &Path, changed: &[PathBuf]) -> Option<HashSet<PathBuf>> {
    // The watcher may name paths through another spelling of the root.
    let canonical_dir = canonical(articles_dir);
    changed
        .iter()
        .map(|p| canonical(p))
        .filter(|p| p.starts_with(&canonical_dir))
        .map(|p| owning_article(articles_dir, p.strip_prefix(&canonical_dir).ok()?))
        .collect()
}

/// `path` with its folder resolved (the file itself may be gone).
fn canonical(path: &Path) -> PathBuf {
    let resolved = |p: &Path| std::fs::canonicalize(p).ok();
    match (path.parent().and_then(resolved), path.file_name()) {
        (Some(parent), Some(name)) => parent.join(name),
        _ => resolved(path).unwrap_or_else(|| path.to_path_buf()),
    }
}

/// The Markdown file of the article that a path under `content/articles`
/// belongs to: the bundle holding it, else the single file it is or whose
/// thread it is. `None` for anything else (a folder, a stray file), when every
/// article must be looked at.
fn owning_article(articles: &Path, within: &Path) -> Option<PathBuf> {
    let mut folder = articles.to_path_buf();
    let mut parts = within.components().peekable();
    while let Some(part) = parts.next() {
        if parts.peek().is_none() {
            break;
        }
        folder.push(part);
        if folder.join(BUNDLE_INDEX).is_file() {
            return Some(folder.join(BUNDLE_INDEX));
        }
    }
    let name = within.file_name()?.to_str()?;
    if let Some(stem) = name.strip_suffix(THREAD_SUFFIX) {
        Some(folder.join(format!("{stem}.md")))
    } else if name.ends_with(".md") {
        Some(folder.join(name))
    } else {
        None
    }
}

impl Resolved {
    /// The article as built, or `None` when its bytes do not decode (then it
    /// is read again from its files, never shown wrong).
    fn built(&self) -> Option<Outcome> {
        let (article, warnings) = match self {
            Resolved::Model(model) => model.as_ref().clone(),
            Resolved::Serialized(packed) => unpack(packed)?,
            Resolved::Pending(_) => return None,
        };
        Some(Outcome::Built(Box::new(article), warnings))
    }
}

/// An article and its warnings serialized and compressed with LZ4, its
/// text apart. A reused article's bytes are held through the whole build,
/// until the cache is saved: as they are (mostly HTML) they weigh 236 MB for
/// the 10,000 articles of the benchmark archive, in memory and on disk;
/// compressed, 83 MB, for a few milliseconds a megabyte each way.
fn pack(article: &Article, warnings: &[Warning]) -> Option<PackedArticle> {
    let (text, text_hash) = article_text::pack(article.text())?;
    let head = postcard::to_stdvec(&(article, warnings, text_hash)).ok()?;
    Some(PackedArticle {
        head: lz4_flex::compress_prepend_size(&head),
        text: text.into(),
    })
}

/// What [`pack`] made, read back, its text left packed; none if it is not
/// that (a damaged file), text included: its bytes must have the hash they
/// were packed with.
fn unpack(packed: &PackedArticle) -> Option<(Article, Vec<Warning>)> {
    let head = article_text::decompress(&packed.head)?;
    let (mut article, warnings, text_hash): (Article, Vec<Warning>, u64) =
        postcard::from_bytes(&head).ok()?;
    if article_text::packed_hash(&packed.text) != text_hash {
        return None;
    }
    article.text = LazyText::packed(packed.text.clone());
    Some((article, warnings))
}

/// Serializes an entry's resolved article only when it is kept as bytes (a
/// model kept in memory is not saved, and is resolved again next time).
mod stored_only {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use serde_bytes::{ByteBuf, Bytes};

    use super::{PackedArticle, Resolved};

    pub(super) fn serialize<S: Serializer>(
        resolved: &Option<Resolved>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        let bytes = match resolved {
            Some(Resolved::Serialized(packed)) => {
                Some((Bytes::new(&packed.head), Bytes::new(&packed.text)))
            }
            _ => None,
        };
        bytes.serialize(serializer)
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<Resolved>, D::Error> {
        let bytes: Option<(ByteBuf, ByteBuf)> = Deserialize::deserialize(deserializer)?;
        Ok(bytes.map(|(head, text)| {
            Resolved::Serialized(PackedArticle {
                head: head.into_vec(),
                text: text.into_vec().into(),
            })
        }))
    }
}

/// Serializes a TOML table as TOML text: a table's values can only be read
/// back by a format that describes its own types, which a compact binary one
/// does not.
pub(crate) mod toml_text {
    use serde::{Deserialize, Deserializer, Serializer, de::Error as _, ser::Error as _};

    pub(crate) fn serialize<S: Serializer>(
        table: &toml::Table,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        if table.is_empty() {
            return serializer.serialize_str("");
        }
        let text = toml::to_string(table).map_err(S::Error::custom)?;
        serializer.serialize_str(&text)
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<toml::Table, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(D::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A site with one bundle article by `ann`, with free-form values and a
    /// comment; returns its root and its Markdown file.
    fn one_article() -> (tempfile::TempDir, PathBuf) {
        let root = tempfile::tempdir().unwrap();
        let folder = root.path().join("content/articles/a");
        std::fs::create_dir_all(&folder).unwrap();
        let front = "title = \"A\"\ndate = 2020-01-01T10:00:00+03:30\nauthors = [\"ann\"]\n\
            [extra]\nmood = \"calm\"\nweights = [1.5, 2]\nwhen = 1999-01-01\n[extra.nested]\nx = { y = true }\n";
        std::fs::write(
            folder.join("index.md"),
            format!("+++\n{front}+++\nBody *here*.\n"),
        )
        .unwrap();
        let comment = "[[comment]]\nid = \"1\"\nauthor = \"R\"\ndate = 2020-01-02\nbody = \"Hi\"\n";
        std::fs::write(folder.join("comments.toml"), comment).unwrap();
        (root, folder.join("index.md"))
    }

    #[test]
    fn an_article_kept_serialized_is_decoded_as_it_was_built() {
        let (root, file) = one_article();
        let config = SiteConfig::default();
        let authors = HashSet::from(["ann"]);
        let context = Context {
            root: root.path(),
            config: &config,
            known_authors: &authors,
            highlighting: &Highlighting::plain(),
            article_folders: Route::Unknown,
            options: BuildOptions::default(),
            now: Utc::now(),
        };
        let files = [(file.clone(), 7)];
        let mut cache = ArticleCache::serialized();
        let (built, _, errors) = cache.model(&context, &files);
        assert!(errors.is_empty(), "{errors:?}");
        // Packed once the pages are written, then saved and read back, as a
        // build's cache on disk is.
        cache.pack_built(root.path(), built.clone());
        let [share] = &cache.shares(1, |_| 0)[..] else {
            panic!("one share");
        };
        let saved = postcard::to_stdvec(share).unwrap();
        let mut cache = ArticleCache::serialized();
        cache.extend(postcard::from_bytes(&saved).unwrap());
        // With its files gone, the article can only come from its bytes.
        std::fs::remove_dir_all(root.path().join("content")).unwrap();
        let (mut decoded, _, errors) = cache.model(&context, &files);
        assert!(errors.is_empty(), "not decoded: {errors:?}");
        assert!(!decoded[0].text.is_decoded(), "the text waits for a page");
        assert_eq!(decoded[0].text(), built[0].text());
        assert!(!decoded[0].text.is_unreadable());
        // The rest, with the texts (compared above) set alike.
        decoded[0].text = built[0].text.clone();
        assert_eq!(format!("{decoded:?}"), format!("{built:?}"));
        assert_eq!(decoded[0].extra["nested"]["x"]["y"].as_bool(), Some(true));

        // A text whose bytes are damaged is no article: it is read again.
        let mut damaged = ArticleCache::serialized();
        let mut entries: ReadEntries = postcard::from_bytes(&saved).unwrap();
        let Some(Resolved::Serialized(packed)) = &mut entries.0[0].1.resolved else {
            panic!("packed");
        };
        let mut text = packed.text.to_vec();
        let last = text.len() - 1;
        text[last] ^= 1;
        packed.text = text.into();
        damaged.extend(entries);
        let (_, _, errors) = damaged.model(&context, &files);
        assert!(!errors.is_empty(), "its files are gone, so reading fails");
    }

    #[test]
    fn files_with_their_recorded_stamp_are_not_read_again() {
        let (root, file) = one_article();
        let articles_dir = root.path().join("content/articles");
        let inputs = article_inputs(&file);
        // As seen well after the files were written, and just after.
        let settled = || SystemTime::now() + std::time::Duration::from_secs(60);
        let mut cache = ArticleCache::serialized();
        let hashed = cache.input_hashes_at(&articles_dir, vec![file.clone()], None, settled());
        assert_eq!(hashed, [(file.clone(), input_hash(&inputs))]);
        let recorded = cache.take_input_stamps();
        let stamp = stamp_of(&inputs, settled());
        assert_eq!(recorded.known_hash(&file, stamp), Some(hashed[0].1));

        // A recorded hash is taken as it is while the stamp holds: one that
        // no read could give shows that the files were not read.
        let mut planted = InputStamps::default();
        planted.record(&file, stamp, 42, None);
        let mut cache = ArticleCache::with_input_stamps(planted);
        let reused = cache.input_hashes_at(&articles_dir, vec![file.clone()], None, settled());
        assert_eq!(reused, [(file.clone(), 42)]);
        // Nor is a file that changed just now trusted, stamp or not.
        let recent =
            cache.input_hashes_at(&articles_dir, vec![file.clone()], None, SystemTime::now());
        assert_eq!(recent, [(file.clone(), input_hash(&inputs))]);

        // Nor is the folder of a bundle of text alone walked, until an
        // entry is added to it.
        let mut planted = InputStamps::default();
        let folder = text_folder(&file, &inputs, settled());
        assert!(folder.is_some(), "a bundle of text alone");
        planted.record(&file, stamp, 42, folder);
        let mut cache = ArticleCache::with_input_stamps(planted);
        let reused = cache.input_hashes_at(&articles_dir, vec![file.clone()], None, settled());
        assert_eq!(reused, [(file.clone(), 42)]);
        let asset = file.with_file_name("map.png");
        std::fs::write(&asset, "png").unwrap();
        let walked = cache.input_hashes_at(&articles_dir, vec![file.clone()], None, settled());
        assert_eq!(walked, [(file.clone(), input_hash(&article_inputs(&file)))]);
        std::fs::remove_file(asset).unwrap();

        // A new comment changes the stamp: the files are read.
        let mut planted = InputStamps::default();
        planted.record(&file, stamp, 42, None);
        let mut cache = ArticleCache::with_input_stamps(planted);
        let thread = file.with_file_name("comments.toml");
        let mut text = std::fs::read_to_string(&thread).unwrap();
        text.push_str(
            "[[comment]]\nid = \"2\"\nauthor = \"S\"\ndate = 2020-01-03\nbody = \"Yes\"\n",
        );
        std::fs::write(&thread, text).unwrap();
        let changed = cache.input_hashes_at(&articles_dir, vec![file.clone()], None, settled());
        assert_eq!(changed, [(file, input_hash(&inputs))]);
        assert_ne!(changed[0].1, hashed[0].1);
    }

    #[test]
    fn damaged_bytes_are_no_article() {
        let packed = |head: &[u8]| PackedArticle {
            head: head.to_vec(),
            text: Arc::from(&[][..]),
        };
        assert!(unpack(&packed(&[])).is_none());
        assert!(unpack(&packed(&[1, 2])).is_none());
        let garbage = lz4_flex::compress_prepend_size(b"not postcard");
        assert!(unpack(&packed(&garbage)).is_none());
    }
}
