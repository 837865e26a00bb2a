//! What `scholia build` keeps on disk for the next build, so that a second
//! build over a little-changed site is quick.
//!
//! Owns the build cache file (`.scholia-cache/build.bin` under the site root)
//! and what it holds: each article's model, serialized and keyed by the hash
//! of its files and context (an [`ArticleCache`]); each article's part of the
//! search index, keyed by what it was made from (so that an unchanged
//! article is not tokenized again); a record of the output
//! folder the last build published (each rendered file's content key, and a
//! stamp of the file as written). The build (`build.rs`) consults it and decides
//! nothing differently for it: this module only says which articles need no
//! reading and which output files can be taken as they are.
//!
//! The cache is never trusted blindly. A file that is missing, unreadable,
//! corrupt, or written by another scholia binary (its version, its size and
//! time, and its hasher must all match) is ignored whole: the build is then a
//! full one, never a failed or a wrong one. A recorded output file is reused
//! only while it is still exactly as written (its length, modification time
//! and inode unchanged), so an output folder edited or replaced by hand is
//! rendered again.
//!
//! The format is postcard: compact, quick, and serde's, with a documented
//! wire format that its maintainers keep stable. It does not describe its own
//! types, so the file starts with a header checked before the rest is read.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::error::{Location, Warning};
use crate::output::FileStamp;
use crate::render::search::StoredIndex;
use crate::site::ArticleCache;
use crate::site::input_stamps::InputStamps;

/// The folder, under the site root, that holds the build cache. Never part
/// of the output; `scholia init` lists it in `.gitignore`.
pub const CACHE_DIR: &str = ".scholia-cache";

/// The build cache's file, in [`CACHE_DIR`].
pub const CACHE_FILE: &str = "build.bin";

/// The file of the input stamps, in [`CACHE_DIR`]: small, and read before
/// the content is hashed, while [`CACHE_FILE`] is still being read.
pub const INPUTS_FILE: &str = "inputs.bin";

/// Changed whenever what the file holds changes shape, so that an older
/// file is ignored rather than misread (the version check alone would miss
/// a change between two builds of one version).
const FORMAT: u32 = 3;

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

/// Everything the build cache holds besides its header.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Body {
    articles: ArticleCache,
    output: Option<OutputRecord>,
    search: StoredIndex,
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
        }
    }

    /// The cache of the site at `root`, or an empty one when there is none
    /// that this binary wrote and can read whole.
    pub fn load(root: &Path) -> StoredCache {
        match read_checked::<Body>(&cache_file(root)) {
            Some(body) => StoredCache {
                articles: body.articles,
                output: body.output,
                search: body.search,
            },
            None => StoredCache::empty(),
        }
    }

    /// The input stamps the last build of the site at `root` recorded, or
    /// none when there are none that this binary wrote and can read whole.
    pub fn load_input_stamps(root: &Path) -> InputStamps {
        read_checked(&root.join(CACHE_DIR).join(INPUTS_FILE)).unwrap_or_default()
    }

    /// Saves the cache, and the input stamps this build recorded, for the
    /// site at `root`, replacing each file at once (a build that stops
    /// half-way leaves the old file or none, never half of one; each file
    /// holds nothing that the other must agree with). A failure is a
    /// warning: the next build is then a full one.
    pub(crate) fn save(self, root: &Path, input_stamps: &InputStamps) -> Vec<Warning> {
        let body = Body {
            articles: self.articles,
            output: self.output,
            search: self.search,
        };
        let inputs = root.join(CACHE_DIR).join(INPUTS_FILE);
        [
            write_atomically(&inputs, input_stamps).map_err(|e| (inputs, e)),
            write_atomically(&cache_file(root), &body).map_err(|e| (cache_file(root), e)),
        ]
        .into_iter()
        .filter_map(Result::err)
        .map(|(file, e)| Warning {
            at: Location::file(&file),
            message: format!(
                "could not save the build cache ({e}); the next build will be a full one"
            ),
        })
        .collect()
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

/// The build cache file of the site at `root`.
pub fn cache_file(root: &Path) -> PathBuf {
    root.join(CACHE_DIR).join(CACHE_FILE)
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
        // The cache file is large (144 MB for the benchmark archive):
        // written a megabyte at a time, not in 8 KiB calls.
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
