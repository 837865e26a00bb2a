//! What tells, without reading them, that an article's files are the ones
//! last hashed: a stamp of each (its path, length, times and inode), as git's
//! index tells an unchanged working file from its stat data.
//!
//! Owns [`InputStamps`]: each article's stamp with the input hash taken under
//! it. `scholia build` keeps it in a small file of its own beside the build
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
}

impl InputStamps {
    /// The hash recorded for `article` if its files still have `stamp`.
    pub(crate) fn known_hash(&self, article: &Path, stamp: Option<u64>) -> Option<u64> {
        let recorded = self.by_article.get(article)?;
        (Some(recorded.stamp) == stamp).then_some(recorded.hash)
    }

    /// The stamp recorded for `article` with `hash`, if there is one: still
    /// true of a file that, as the watcher tells, has not changed since.
    pub(crate) fn stamp_of_hash(&self, article: &Path, hash: u64) -> Option<u64> {
        let recorded = self.by_article.get(article)?;
        (recorded.hash == hash).then_some(recorded.stamp)
    }

    /// Records `hash` for `article` under `stamp`, when there is one.
    pub(crate) fn record(&mut self, article: &Path, stamp: Option<u64>, hash: u64) {
        if let Some(stamp) = stamp {
            let article = article.to_path_buf();
            self.by_article.insert(article, StampedHash { stamp, hash });
        }
    }
}

/// The stamp of the files `inputs`, taken at `now`: a hash of each one's
/// path, length, modification and change times and inode (a file that does
/// not exist is stamped as absent). `None` when it cannot be trusted: a file
/// changed less than [`SETTLED`] before `now`, a file that is not a regular
/// one, or metadata that cannot be read.
pub(crate) fn stamp_of(inputs: &[PathBuf], now: SystemTime) -> Option<u64> {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    let settled = now.checked_sub(SETTLED)?;
    for input in inputs {
        hasher.update(input.as_os_str().as_encoded_bytes());
        let meta = match std::fs::metadata(input) {
            Ok(meta) if meta.is_file() => meta,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                hasher.update(b"\0absent");
                continue;
            }
            _ => return None,
        };
        let (times, inode) = write_marks(&meta)?;
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
    }
    Some(hasher.digest())
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
        stamps.record(Path::new("a.md"), Some(1), 10);
        stamps.record(Path::new("b.md"), None, 20);
        assert_eq!(stamps.known_hash(Path::new("a.md"), Some(1)), Some(10));
        assert_eq!(stamps.known_hash(Path::new("a.md"), Some(2)), None);
        assert_eq!(stamps.known_hash(Path::new("a.md"), None), None);
        // An untrusted stamp is not recorded at all.
        assert_eq!(stamps.known_hash(Path::new("b.md"), None), None);
        assert_eq!(stamps.known_hash(Path::new("c.md"), Some(1)), None);
        assert_eq!(stamps.stamp_of_hash(Path::new("a.md"), 10), Some(1));
        assert_eq!(stamps.stamp_of_hash(Path::new("a.md"), 11), None);
    }
}
