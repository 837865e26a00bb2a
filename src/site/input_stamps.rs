//! What tells, without reading them, that an article's files are the ones
//! last hashed: a stamp of each (its path, length, times and inode), as git's
//! index tells an unchanged working file from its stat data.
//!
//! Owns [`InputStamps`]: each article's stamp with the input hash taken under
//! it, and for a bundle holding nothing but its text, its folder's stamp, so
//! that the folder need not be listed again to find its files. `scholia build` keeps it in a small file of its own beside the build
//! cache ([`crate::cache`]), read before the content is hashed while the
//! large cache is still being read. This module reads files' metadata only;
//! it decides nothing about an article: every hash it hands back is one that
//! reading the same files gave.
//!
//! A stamp is recorded only when every file it covers last changed well
//! before the stamp was taken. A file written twice within its file system's
//! time granularity keeps its times (git calls such a file "racily clean"),
//! so a stamp taken between the two writes could not tell them apart; a
//! file that changed so recently is read every time until it is older.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use serde::{Deserialize, Serialize};

use crate::content::article::{BUNDLE_FILES, BUNDLE_INDEX, bundle_folder};

/// How long before a stamp is taken its files must have last changed for it
/// to be recorded: above the coarsest common file-time granularity (FAT's 2
/// seconds), so that a later write always shows in the times.
const SETTLED: Duration = Duration::from_secs(3);

/// Each article's stamp with the hash of its inputs, by Markdown file.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct InputStamps {
    by_article: HashMap<PathBuf, StampedHash>,
}

/// An article's input hash, with the stamp its files had when it was taken.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
struct StampedHash {
    stamp: u64,
    hash: u64,
    /// Its bundle's folder, when that held nothing but the article's text.
    folder: Option<TextFolder>,
}

/// An article's stamp and its bundle folder's, each where one was taken.
pub(crate) type ArticleStamps = (Option<u64>, Option<TextFolder>);

/// A bundle's folder as stamped while it held nothing but its article's
/// text: while the folder keeps its stamp, no entry was added to it,
/// removed or renamed, so its files are still those, and need no walk to
/// be found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct TextFolder {
    stamp: u64,
    /// Whether the text included a thread.
    with_thread: bool,
}

impl InputStamps {
    /// The hash recorded for `article` if its files still have `stamp`.
    pub(crate) fn known_hash(&self, article: &Path, stamp: Option<u64>) -> Option<u64> {
        let recorded = self.by_article.get(article)?;
        (Some(recorded.stamp) == stamp).then_some(recorded.hash)
    }

    /// The recorded stamps of `article` if they were taken with `hash`:
    /// still true of files that, as the watcher tells, have not changed since.
    pub(crate) fn stamps_of_hash(&self, article: &Path, hash: u64) -> ArticleStamps {
        match self.by_article.get(article) {
            Some(recorded) if recorded.hash == hash => (Some(recorded.stamp), recorded.folder),
            _ => (None, None),
        }
    }

    /// The files of `article` (as [`crate::content::article_inputs`] finds them), known
    /// without a walk when it is a bundle recorded as holding nothing but
    /// its text and its folder keeps its stamp at `now`; with that stamp.
    pub(crate) fn known_inputs(
        &self,
        article: &Path,
        now: SystemTime,
    ) -> Option<(Vec<PathBuf>, TextFolder)> {
        let recorded = self.by_article.get(article)?.folder?;
        let folder = bundle_folder(article)?;
        let inputs = text_inputs(folder, recorded.with_thread);
        (folder_stamp(folder, now)? == recorded.stamp).then_some((inputs, recorded))
    }

    /// Records `hash` for `article` under `stamp`, when there is one, with
    /// its bundle's `folder` if that held nothing but its text.
    pub(crate) fn record(
        &mut self,
        article: &Path,
        stamp: Option<u64>,
        hash: u64,
        folder: Option<TextFolder>,
    ) {
        if let Some(stamp) = stamp {
            let article = article.to_path_buf();
            let recorded = StampedHash {
                stamp,
                hash,
                folder,
            };
            self.by_article.insert(article, recorded);
        }
    }
}

/// The stamp at `now` of the folder of `article`, if it is a bundle whose
/// files (`inputs`, as [`crate::content::article_inputs`] found them) are only its text.
pub(crate) fn text_folder(
    article: &Path,
    inputs: &[PathBuf],
    now: SystemTime,
) -> Option<TextFolder> {
    let folder = bundle_folder(article)?;
    let with_thread = [true, false]
        .into_iter()
        .find(|&with_thread| inputs == text_inputs(folder, with_thread))?;
    let stamp = folder_stamp(folder, now)?;
    Some(TextFolder { stamp, with_thread })
}

/// The files of a bundle in `folder` that holds nothing but its text, in
/// the order [`crate::content::article_inputs`] gives them.
fn text_inputs(folder: &Path, with_thread: bool) -> Vec<PathBuf> {
    let mut names = BUNDLE_FILES.to_vec();
    names.sort_unstable();
    names.retain(|&name| with_thread || name == BUNDLE_INDEX);
    names.into_iter().map(|name| folder.join(name)).collect()
}

/// The stamp of `folder` at `now` (see [`stamp_of`]), if it is one.
fn folder_stamp(folder: &Path, now: SystemTime) -> Option<u64> {
    let meta = std::fs::metadata(folder)
        .ok()
        .filter(|meta| meta.is_dir())?;
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    stamp_metadata(&mut hasher, &meta, now)?;
    Some(hasher.digest())
}

/// The stamp of the files `inputs`, taken at `now`: a hash of each one's
/// path, length, modification and change times and inode (a file that does
/// not exist is stamped as absent). `None` when it cannot be trusted: a file
/// changed less than [`SETTLED`] before `now`, a file that is not a regular
/// one, or metadata that cannot be read.
pub(crate) fn stamp_of(inputs: &[PathBuf], now: SystemTime) -> Option<u64> {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    for input in inputs {
        hasher.update(input.as_os_str().as_encoded_bytes());
        match std::fs::metadata(input) {
            Ok(meta) if meta.is_file() => stamp_metadata(&mut hasher, &meta, now)?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => hasher.update(b"\0absent"),
            _ => return None,
        }
    }
    Some(hasher.digest())
}

/// Adds to `hasher` what tells a write to the file or folder of `meta`: its
/// length, times and inode; `None` if it changed less than [`SETTLED`]
/// before `now`.
fn stamp_metadata(
    hasher: &mut xxhash_rust::xxh3::Xxh3,
    meta: &std::fs::Metadata,
    now: SystemTime,
) -> Option<()> {
    let settled = now.checked_sub(SETTLED)?;
    let (times, inode) = write_marks(meta)?;
    if times.iter().any(|time| *time >= settled) {
        return None;
    }
    hasher.update(&meta.len().to_le_bytes());
    for time in times {
        let since = time.duration_since(SystemTime::UNIX_EPOCH).ok()?;
        hasher.update(&since.as_secs().to_le_bytes());
        hasher.update(&since.subsec_nanos().to_le_bytes());
    }
    hasher.update(&inode.to_le_bytes());
    Some(())
}

/// What of a file's metadata tells a write: its modification time, its
/// change time and its inode. The kernel sets the change time on every write
/// and on every change of the modification time, so a file whose
/// modification time was set back still shows that it changed; a file
/// replaced by another has another inode.
#[cfg(unix)]
fn write_marks(meta: &std::fs::Metadata) -> Option<([SystemTime; 2], u64)> {
    use std::os::unix::fs::MetadataExt;
    let changed = Duration::new(
        u64::try_from(meta.ctime()).ok()?,
        u32::try_from(meta.ctime_nsec()).ok()?,
    );
    let times = [meta.modified().ok()?, SystemTime::UNIX_EPOCH + changed];
    Some((times, meta.ino()))
}

#[cfg(not(unix))]
fn write_marks(meta: &std::fs::Metadata) -> Option<([SystemTime; 2], u64)> {
    let modified = meta.modified().ok()?;
    Some(([modified, modified], 0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::article_inputs;

    const LATER: Duration = Duration::from_secs(60);

    #[test]
    fn a_stamp_changes_with_any_write_and_is_none_while_recent() {
        let dir = tempfile::tempdir().unwrap();
        let (text, thread) = (dir.path().join("a.md"), dir.path().join("a.comments.toml"));
        std::fs::write(&text, "one").unwrap();
        let inputs = [text.clone(), thread.clone()];
        // Just written: not yet settled.
        assert_eq!(stamp_of(&inputs, SystemTime::now()), None);
        let later = || SystemTime::now() + LATER;
        let first = stamp_of(&inputs, later()).expect("a settled stamp");
        assert_eq!(stamp_of(&inputs, later()), Some(first));
        // Creating the thread, rewriting the text with as many bytes, and
        // renaming an input each change the stamp.
        std::fs::write(&thread, "").unwrap();
        let with_thread = stamp_of(&inputs, later()).unwrap();
        assert_ne!(with_thread, first);
        std::fs::write(&text, "two").unwrap();
        let rewritten = stamp_of(&inputs, later()).unwrap();
        assert_ne!(rewritten, with_thread);
        let renamed = [dir.path().join("b.md"), thread.clone()];
        std::fs::rename(&text, &renamed[0]).unwrap();
        assert_ne!(stamp_of(&renamed, later()), Some(rewritten));
        // A folder where a file should be is never trusted.
        std::fs::create_dir(&text).unwrap();
        assert_eq!(stamp_of(&inputs, later()), None);
    }

    #[test]
    fn a_hash_is_known_only_under_its_stamp() {
        let mut stamps = InputStamps::default();
        stamps.record(Path::new("a.md"), Some(1), 10, None);
        stamps.record(Path::new("b.md"), None, 20, None);
        assert_eq!(stamps.known_hash(Path::new("a.md"), Some(1)), Some(10));
        assert_eq!(stamps.known_hash(Path::new("a.md"), Some(2)), None);
        assert_eq!(stamps.known_hash(Path::new("a.md"), None), None);
        // An untrusted stamp is not recorded at all.
        assert_eq!(stamps.known_hash(Path::new("b.md"), None), None);
        assert_eq!(stamps.known_hash(Path::new("c.md"), Some(1)), None);
        assert_eq!(
            stamps.stamps_of_hash(Path::new("a.md"), 10),
            (Some(1), None)
        );
        assert_eq!(stamps.stamps_of_hash(Path::new("a.md"), 11), (None, None));
    }

    #[test]
    fn a_bundle_of_text_alone_is_known_by_its_folder_until_an_entry_changes() {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("a");
        std::fs::create_dir(&folder).unwrap();
        let article = folder.join("index.md");
        std::fs::write(&article, "text").unwrap();
        let later = || SystemTime::now() + LATER;
        for with_thread in [false, true] {
            // What a walk finds is what the folder's stamp stands for.
            let walked = article_inputs(&article);
            assert_eq!(walked, text_inputs(&folder, with_thread));
            let text = text_folder(&article, &walked, later()).expect("text alone");
            assert_eq!(text.with_thread, with_thread);
            assert_eq!(
                text_folder(&article, &walked, SystemTime::now()),
                None,
                "recent"
            );
            let mut stamps = InputStamps::default();
            stamps.record(&article, Some(1), 10, Some(text));
            assert_eq!(
                stamps.known_inputs(&article, later()),
                Some((walked.clone(), text))
            );
            // A thread added, then one removed and another renamed in: each
            // changes the folder.
            let thread = folder.join("comments.toml");
            if with_thread {
                std::fs::remove_file(&thread).unwrap();
                assert_eq!(stamps.known_inputs(&article, later()), None, "removed");
                std::fs::write(folder.join("new.toml"), "").unwrap();
                stamps.record(
                    &article,
                    Some(1),
                    10,
                    text_folder(&article, &walked, later()),
                );
                std::fs::rename(folder.join("new.toml"), &thread).unwrap();
                assert_eq!(stamps.known_inputs(&article, later()), None, "renamed");
            } else {
                std::fs::write(&thread, "").unwrap();
                assert_eq!(stamps.known_inputs(&article, later()), None, "added");
            }
        }
        // A folder with anything else is walked every time.
        std::fs::write(folder.join("map.png"), "").unwrap();
        let walked = article_inputs(&article);
        assert_eq!(walked.len(), 3);
        assert_eq!(text_folder(&article, &walked, later()), None);
        // A single-file article has no folder of its own.
        let single = dir.path().join("b.md");
        std::fs::write(&single, "text").unwrap();
        assert_eq!(
            text_folder(&single, &article_inputs(&single), later()),
            None
        );
    }
}
