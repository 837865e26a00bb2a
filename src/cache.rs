//! What `scholia build` keeps on disk for the next build, so that a second
//! build over a little-changed site is quick.
//!
//! Owns the build cache's files (in `.scholia-cache/` under the site root)
//! and what they hold: each article's model, serialized and keyed by the hash
//! of its files and context (an [`ArticleCache`]); each article's part of the
//! search index, keyed by what it was made from (so that an unchanged
//! article is not tokenized again); a record of the output
//! folder the last build published (each rendered file's content key, and a
//! stamp of the file as written); the stamps of the input files
//! ([`InputStamps`]). The build (`build.rs`) consults it and decides
//! nothing differently for it: this module only says which articles need no
//! reading and which output files can be taken as they are.
//!
//! The articles and search parts, nearly all of the cache's bytes, are kept
//! in shards: files each holding the ones whose key falls to it. A build
//! writes again only the shards whose bytes changed, so a new comment
//! rewrites a few megabytes, not the whole cache. Each file holds nothing
//! that another must agree with (every entry is keyed by what it was made
//! from), so files of different builds mixed by a build stopped while saving
//! give a cache that is partly stale, never a wrong one.
//!
//! The cache is never trusted blindly. A file that is missing, unreadable,
//! corrupt, or written by another scholia binary (its version, its size and
//! time, and its hasher must all match) is ignored whole: the build then
//! reads again what it held, and never fails or goes wrong for it. A
//! recorded output file is reused only while it is still exactly as written
//! (its length, modification time and inode unchanged), so an output folder
//! edited or replaced by hand is rendered again.
//!
//! The format is postcard: compact, quick, and serde's, with a documented
//! wire format that its maintainers keep stable. It does not describe its own
//! types, so each file starts with a header checked before the rest is read.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::error::{Location, Warning};
use crate::output::FileStamp;
use crate::render::search::{PartShare, ReadParts, StoredIndex};
use crate::site::ArticleCache;
use crate::site::articles::{EntryShare, ReadEntries};
use crate::site::input_stamps::InputStamps;

/// The folder, under the site root, that holds the build cache. Never part
/// of the output; `scholia init` lists it in `.gitignore`.
pub const CACHE_DIR: &str = ".scholia-cache";

/// The build cache's file, in [`CACHE_DIR`].
pub const CACHE_FILE: &str = "build.bin";

/// The file of the input stamps, in [`CACHE_DIR`]: small, and read before
/// the content is hashed, while the rest is still being read.
pub const INPUTS_FILE: &str = "inputs.bin";

/// The folder, in [`CACHE_DIR`], of the shard files (`0.bin`, `1.bin`, …).
const SHARDS_DIR: &str = "shards";

/// Changed whenever what the file holds changes shape, so that an older
/// file is ignored rather than misread (the version check alone would miss
/// a change between two builds of one version).
const FORMAT: u32 = 5;

/// What the file starts with: who wrote it. All of it must match this
/// binary's, or the rest is not read.
#[derive(Debug, PartialEq, Eq, Serialize, Deserialize)]
struct Header {
    /// Always `b"scholia\0"`: the file is a build cache at all.
    magic: [u8; 8],
    /// [`FORMAT`].
    format: u32,
    /// The scholia version.
    version: String,
    /// The stamp of the binary: a rebuilt binary may render differently
    /// under the same version (the built-in theme, a fix).
    binary: Option<FileStamp>,
    /// A hash of a fixed text with the standard hasher, which content keys
    /// use and which may change between Rust releases.
    hasher: u64,
}

/// What the main cache file holds besides its header.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Body {
    output: Option<OutputRecord>,
    /// Without its parts, which are in the shards.
    search: StoredIndex,
    /// How many shard files the build wrote.
    shards: usize,
}

/// What a shard file holds besides its header, as written.
#[derive(Serialize)]
struct ShardToWrite<'a> {
    articles: EntryShare<'a>,
    search: PartShare<'a>,
}

/// What a shard file holds besides its header, as read.
#[derive(Deserialize)]
struct ReadShard {
    articles: ReadEntries,
    search: ReadParts,
}

/// The build cache as read from a site's cache folder, used by one build and
/// saved after it publishes.
#[derive(Debug)]
pub struct StoredCache {
    /// Each article as last modelled, kept serialized.
    pub(crate) articles: ArticleCache,
    /// The output folder as the last build published it, if it did.
    pub(crate) output: Option<OutputRecord>,
    /// The search index as the last build made it: each article's part, by
    /// a key of what it was made from, and each file's content key.
    pub(crate) search: StoredIndex,
    /// A hash of each shard file's bytes as read, by number (none for a
    /// file not read): a shard that would be written with the same bytes is
    /// not written again.
    shards_read: Vec<Option<u64>>,
}

/// The output folder a build published: each rendered file (not one a copy
/// replaced) with its content key and its stamp.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct OutputRecord {
    /// The folder, absolute.
    folder: PathBuf,
    /// By `/`-separated path under the folder.
    files: HashMap<String, RecordedFile>,
}

/// One rendered file of the output.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
struct RecordedFile {
    /// Its content key: the same key means the same bytes.
    key: u64,
    /// The file as written.
    stamp: FileStamp,
}

impl StoredCache {
    /// An empty cache: a full build, which then fills it.
    pub fn empty() -> StoredCache {
        StoredCache {
            articles: ArticleCache::serialized(),
            output: None,
            search: StoredIndex::default(),
            shards_read: Vec::new(),
        }
    }

    /// The cache of the site at `root`: empty when there is none that this
    /// binary wrote, without what a shard file that is missing or does not
    /// read whole held. The shards are read in parallel.
    pub fn load(root: &Path) -> StoredCache {
        let Some(body) = read_checked::<Body>(&cache_file(root)) else {
            return StoredCache::empty();
        };
        let shards: Vec<Option<(ReadShard, u64)>> = (0..body.shards.min(MAX_SHARDS))
            .into_par_iter()
            .map(|number| {
                let bytes = std::fs::read(shard_file(root, number)).ok()?;
                let shard = decode::<ReadShard>(&bytes)?;
                Some((shard, xxhash_rust::xxh3::xxh3_64(&bytes)))
            })
            .collect();
        let mut cache = StoredCache {
            output: body.output,
            search: body.search,
            ..StoredCache::empty()
        };
        for shard in shards {
            let read = shard.map(|(shard, digest)| {
                cache.articles.extend(shard.articles);
                cache.search.extend(shard.search);
                digest
            });
            cache.shards_read.push(read);
        }
        cache
    }

    /// The input stamps the last build of the site at `root` recorded, or
    /// none when there are none that this binary wrote and can read whole.
    pub fn load_input_stamps(root: &Path) -> InputStamps {
        read_checked(&root.join(CACHE_DIR).join(INPUTS_FILE)).unwrap_or_default()
    }

    /// Saves the cache, and the input stamps this build recorded, for the
    /// site at `root`: each shard whose bytes changed, then the main file
    /// and the stamps. Each file is replaced at once (a build that stops
    /// half-way leaves the old file or none, never half of one). A failure
    /// is a warning, one for all the files: the next build then reads again
    /// what they would have held.
    pub(crate) fn save(self, root: &Path, input_stamps: &InputStamps) -> Option<Warning> {
        let count = shard_count(self.articles.len());
        let articles = self.articles.shares(count, |file| {
            xxhash_rust::xxh3::xxh3_64(file.as_os_str().as_encoded_bytes()) as usize
        });
        let shards: Vec<(usize, ShardToWrite<'_>)> = articles
            .into_iter()
            .zip(self.search.shares(count))
            .map(|(articles, search)| ShardToWrite { articles, search })
            .enumerate()
            .collect();
        let mut failed: Vec<(PathBuf, String)> = shards
            .into_par_iter()
            .filter(|(number, shard)| {
                let read = self.shards_read.get(*number).copied().flatten();
                read.is_none() || read != digest(shard)
            })
            .filter_map(|(number, shard)| {
                let file = shard_file(root, number);
                write_atomically(&file, &shard).err().map(|e| (file, e))
            })
            .collect();
        // Shards past the new count hold nothing this build wrote.
        for number in count..self.shards_read.len() {
            let _ = std::fs::remove_file(shard_file(root, number));
        }
        let body = Body {
            output: self.output,
            search: self.search,
            shards: count,
        };
        let inputs = root.join(CACHE_DIR).join(INPUTS_FILE);
        for (file, written) in [
            (cache_file(root), write_atomically(&cache_file(root), &body)),
            (inputs.clone(), write_atomically(&inputs, input_stamps)),
        ] {
            failed.extend(written.err().map(|e| (file, e)));
        }
        // One warning: a folder that cannot be written fails every file.
        let others = failed.len().saturating_sub(1);
        let (file, e) = failed.into_iter().next()?;
        let also = match others {
            0 => String::new(),
            n => format!(", and {n} more of its files"),
        };
        Some(Warning {
            at: Location::file(&file),
            message: format!(
                "could not save the build cache ({e}{also}); the next build will read again what it held"
            ),
        })
    }

    /// The last output's file at `path`, with its stamp, if the record has
    /// it with `key` and it is still as written; `None` when it must be
    /// rendered.
    pub(crate) fn unchanged_file(
        &self,
        output: &Path,
        path: &str,
        key: u64,
    ) -> Option<(PathBuf, FileStamp)> {
        let record = self.output.as_ref()?;
        let recorded = record.files.get(path).filter(|f| f.key == key)?;
        let file = output.join(path);
        let now = std::fs::symlink_metadata(&file).ok()?;
        (now.is_file() && FileStamp::of(&now) == Some(recorded.stamp))
            .then_some((file, recorded.stamp))
    }

    /// Whether the record is of the folder `output`, so that its files may
    /// be reused.
    pub(crate) fn has_output(&self, output: &Path) -> bool {
        self.output
            .as_ref()
            .is_some_and(|record| record.folder == absolute(output) && output.is_dir())
    }

    /// Records what a build published at `output`: each rendered file's key
    /// and stamp.
    pub(crate) fn record_output(&mut self, output: &Path, files: Vec<(String, u64, FileStamp)>) {
        let files = files
            .into_iter()
            .map(|(path, key, stamp)| (path, RecordedFile { key, stamp }))
            .collect();
        self.output = Some(OutputRecord {
            folder: absolute(output),
            files,
        });
    }
}

/// The build cache's main file for the site at `root`.
pub fn cache_file(root: &Path) -> PathBuf {
    root.join(CACHE_DIR).join(CACHE_FILE)
}

/// Shard file `number` of the build cache of the site at `root`.
fn shard_file(root: &Path, number: usize) -> PathBuf {
    root.join(CACHE_DIR)
        .join(SHARDS_DIR)
        .join(format!("{number}.bin"))
}

/// The most shard files a cache is kept in.
const MAX_SHARDS: usize = 64;

/// How many shard files the cache of `articles` articles is kept in: about
/// 150 articles each (some 2 MB on the benchmark archive), at most
/// [`MAX_SHARDS`].
fn shard_count(articles: usize) -> usize {
    (articles / 150).clamp(1, MAX_SHARDS)
}

/// A hash of the bytes that [`write_atomically`] would write for `body`,
/// made without holding them.
fn digest(body: &impl Serialize) -> Option<u64> {
    /// A writer that hashes what it is given, and keeps nothing.
    struct Digest(xxhash_rust::xxh3::Xxh3);
    impl Write for Digest {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.update(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut out = BufWriter::with_capacity(64 << 10, Digest(xxhash_rust::xxh3::Xxh3::new()));
    postcard::to_io(&header(), &mut out).ok()?;
    postcard::to_io(body, &mut out).ok()?;
    Some(out.into_inner().ok()?.0.digest())
}

/// This binary's header.
fn header() -> Header {
    let binary = std::env::current_exe()
        .and_then(std::fs::metadata)
        .ok()
        .and_then(|meta| FileStamp::of(&meta));
    let mut hasher = std::hash::DefaultHasher::new();
    "scholia build cache".hash(&mut hasher);
    Header {
        magic: *b"scholia\0",
        format: FORMAT,
        version: env!("CARGO_PKG_VERSION").to_string(),
        binary,
        hasher: hasher.finish(),
    }
}

/// What `file` holds, if this binary wrote it and it reads whole.
fn read_checked<T: DeserializeOwned>(file: &Path) -> Option<T> {
    decode(&std::fs::read(file).ok()?)
}

/// What `bytes` hold, if this binary wrote them and they read whole.
fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Option<T> {
    let (found, rest) = postcard::take_from_bytes::<Header>(bytes).ok()?;
    if found != header() {
        return None;
    }
    let (body, rest) = postcard::take_from_bytes::<T>(rest).ok()?;
    rest.is_empty().then_some(body)
}

/// Writes the header and `body` to a file beside `file`, then renames it
/// over `file`.
fn write_atomically(file: &Path, body: &impl Serialize) -> Result<(), String> {
    let folder = file.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(folder).map_err(|e| e.to_string())?;
    let name = file.file_name().unwrap_or_default().to_string_lossy();
    let temporary = folder.join(format!(".{name}.{}", std::process::id()));
    let written = (|| {
        // A shard holds about 2 MB, the main file 3 MB on the benchmark
        // archive: written a megabyte at a time, not in 8 KiB calls.
        let created = std::fs::File::create(&temporary).map_err(|e| e.to_string())?;
        let mut out = BufWriter::with_capacity(1 << 20, created);
        postcard::to_io(&header(), &mut out).map_err(|e| e.to_string())?;
        postcard::to_io(body, &mut out).map_err(|e| e.to_string())?;
        out.flush().map_err(|e| e.to_string())?;
        std::fs::rename(&temporary, file).map_err(|e| e.to_string())
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    written
}

/// `path` made absolute with its folder resolved (it may not exist yet), so
/// that two spellings of one output folder are one.
fn absolute(path: &Path) -> PathBuf {
    let resolved = |p: &Path| std::fs::canonicalize(p).ok();
    if let Some(whole) = resolved(path) {
        return whole;
    }
    match (path.parent().and_then(resolved), path.file_name()) {
        (Some(parent), Some(name)) => parent.join(name),
        _ => std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_of_another_binary_or_cut_short_is_no_cache() {
        let mut body = Vec::new();
        postcard::to_io(&Body::default(), &mut body).unwrap();
        let mut mine = postcard::to_stdvec(&header()).unwrap();
        mine.extend_from_slice(&body);
        assert!(decode::<Body>(&mine).is_some());
        let other = Header {
            version: "0.0.0-other".into(),
            ..header()
        };
        let mut theirs = postcard::to_stdvec(&other).unwrap();
        theirs.extend_from_slice(&body);
        assert!(decode::<Body>(&theirs).is_none());
        assert!(decode::<Body>(&mine[..mine.len() - 1]).is_none());
        assert!(decode::<Body>(b"not a cache at all").is_none());
        assert!(decode::<Body>(b"").is_none());
    }
}
