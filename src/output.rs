//! Writing the output folder, all or nothing.
//!
//! Owns the output folder: a build writes into a staging folder beside it and
//! swaps it in only when everything succeeded, so a failed build leaves the
//! previous output untouched. It copies `static/` and bundle assets. It renders
//! nothing and knows nothing of content.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::UNIX_EPOCH;

use rayon::prelude::*;
use walkdir::WalkDir;

use crate::error::Error;

/// A staging folder that becomes the output folder on [`Staging::publish`], and is
/// removed if dropped unpublished.
#[derive(Debug)]
pub struct Staging {
    output: PathBuf,
    dir: PathBuf,
    files: AtomicUsize,
    published: bool,
}

impl Staging {
    /// Creates an empty staging folder beside `output`.
    pub fn create(output: &Path) -> Result<Staging, Error> {
        let parent = output
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let name = output
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "public".into());
        let dir = parent.join(format!(".{name}.staging-{}", std::process::id()));
        let write_error = |source| Error::Write {
            path: dir.clone(),
            source,
        };
        if dir.exists() {
            std::fs::remove_dir_all(&dir).map_err(write_error)?;
        }
        std::fs::create_dir_all(&dir).map_err(write_error)?;
        Ok(Staging {
            output: output.to_path_buf(),
            dir,
            files: AtomicUsize::new(0),
            published: false,
        })
    }

    /// Creates every folder that the files at `paths` (`/`-separated, under
    /// the output) sit in, each once and parents first, so that writing and
    /// copying them creates none: one `mkdir` a folder, and none that fails
    /// because the folder is already there.
    pub fn create_folders<'p>(
        &self,
        paths: impl IntoIterator<Item = &'p str>,
    ) -> Result<(), Error> {
        for level in folders_by_depth(paths) {
            // A level's parents exist once the level above is done.
            level.par_iter().try_for_each(|folder| {
                std::fs::create_dir(self.dir.join(folder)).map_err(|source| Error::Write {
                    path: self.output.join(folder),
                    source,
                })
            })?;
        }
        Ok(())
    }

    /// Writes one file at `relative` (a `/`-separated path) under the output,
    /// in a folder made by [`Staging::create_folders`].
    pub fn write(&self, relative: &str, bytes: &[u8]) -> Result<(), Error> {
        std::fs::write(self.dir.join(relative), bytes).map_err(|source| Error::Write {
            path: self.output.join(relative),
            source,
        })?;
        self.files.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    /// Copies files: (source, `/`-separated destination under the output),
    /// into folders made by [`Staging::create_folders`].
    pub fn copy_files(&self, files: &[(PathBuf, String)]) -> Vec<Error> {
        files
            .par_iter()
            .filter_map(|(from, to)| {
                self.files.fetch_add(1, Ordering::Relaxed);
                std::fs::copy(from, self.dir.join(to))
                    .map_err(|source| Error::Write {
                        path: self.output.join(to),
                        source,
                    })
                    .err()
            })
            .collect()
    }

    /// Puts the file `from` (a previous output's) at `relative` under the
    /// output, in a folder made by [`Staging::create_folders`]: as a hard link
    /// where the file system allows, else as a copy (which some file systems
    /// make a reflink). The two outputs then share the file, so neither may
    /// ever be written in place: nothing here writes into a file that exists
    /// (see [`write_file`]). Returns how the file got there, if it did.
    pub fn link(&self, from: &Path, relative: &str) -> Option<Linked> {
        let to = self.dir.join(relative);
        let linked = if std::fs::hard_link(from, &to).is_ok() {
            Linked::Same
        } else {
            std::fs::copy(from, &to).ok()?;
            Linked::Copied
        };
        self.files.fetch_add(1, Ordering::Relaxed);
        Some(linked)
    }

    /// The stamp of the file at `relative` as it is in the staging folder,
    /// which it keeps once published (publishing renames the folder).
    pub fn stamp(&self, relative: &str) -> Option<FileStamp> {
        FileStamp::of(&std::fs::symlink_metadata(self.dir.join(relative)).ok()?)
    }

    /// How many files were written or copied.
    pub fn file_count(&self) -> usize {
        self.files.load(Ordering::Relaxed)
    }

    /// Replaces the output folder with the staging folder. The previous
    /// output is moved aside, not yet removed: see [`PreviousOutput`].
    pub fn publish(mut self) -> Result<PreviousOutput, Error> {
        let write_error = |path: &Path| {
            let path = path.to_path_buf();
            move |source| Error::Write { path, source }
        };
        let mut old_name = self.dir.file_name().unwrap_or_default().to_os_string();
        old_name.push("-old");
        let old = self.dir.with_file_name(old_name);
        if self.output.exists() {
            // Left by an earlier build of the same process id, still being
            // removed or never removed: the name must be free.
            if old.exists() {
                std::fs::remove_dir_all(&old).map_err(write_error(&old))?;
            }
            std::fs::rename(&self.output, &old).map_err(write_error(&self.output))?;
        }
        if let Err(e) = std::fs::rename(&self.dir, &self.output) {
            // Put the previous output back before reporting.
            let _ = std::fs::rename(&old, &self.output);
            return Err(write_error(&self.output)(e));
        }
        self.published = true;
        Ok(PreviousOutput(old.exists().then_some(old)))
    }
}

/// How [`Staging::link`] put a file in the staging folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Linked {
    /// As the same file (a hard link): its stamp is the one it had.
    Same,
    /// As a copy, a new file.
    Copied,
}

/// The output folder a publish replaced, moved aside beside the new one.
/// Removing a large tree takes seconds and nothing waits for it, so it is
/// left to the caller: dropping this removes it there and then, while
/// [`PreviousOutput::hand_over`] leaves it to someone else (`scholia build`
/// gives it to a process of its own that outlives the command).
#[derive(Debug, Default)]
pub struct PreviousOutput(Option<PathBuf>);

impl PreviousOutput {
    /// The folder to remove, if there was a previous output; from now on
    /// its removal is the caller's.
    pub fn hand_over(mut self) -> Option<PathBuf> {
        self.0.take()
    }
}

impl Drop for PreviousOutput {
    fn drop(&mut self) {
        if let Some(old) = self.0.take() {
            // The new output is in place; a leftover folder beside it is
            // not worth failing for.
            let _ = std::fs::remove_dir_all(old);
        }
    }
}

/// Whether `path` is a previous output that [`Staging::publish`] moved
/// aside (`.public.staging-123-old`), the only kind of folder that may be
/// removed on a caller's word.
pub fn is_previous_output(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    let Some(rest) = name.strip_prefix('.').and_then(|n| n.strip_suffix("-old")) else {
        return false;
    };
    rest.rsplit_once(".staging-")
        .is_some_and(|(_, pid)| !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()))
        && path.is_dir()
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.published {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// The folders that the files at `paths` sit in (every ancestor, each
/// once), grouped by depth: the top level's first.
fn folders_by_depth<'p>(paths: impl IntoIterator<Item = &'p str>) -> Vec<Vec<String>> {
    let mut seen: HashSet<String> = HashSet::new();
    let mut by_depth: Vec<Vec<String>> = Vec::new();
    for path in paths {
        // `a//b` is the folder `a/b` to the file system: one name for it.
        let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        let Some((_, folders)) = segments.split_last() else {
            continue;
        };
        // Deepest first: once a folder is known, so are all of its ancestors.
        for depth in (1..=folders.len()).rev() {
            let folder = folders[..depth].join("/");
            if !seen.insert(folder.clone()) {
                break;
            }
            if by_depth.len() < depth {
                by_depth.resize_with(depth, Vec::new);
            }
            by_depth[depth - 1].push(folder);
        }
    }
    by_depth
}

/// What tells that a file is still the one that was written: its length,
/// modification time and (on Unix) inode. Any write, and any replacement,
/// changes one of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FileStamp {
    len: u64,
    modified: (u64, u32),
    inode: u64,
}

impl FileStamp {
    /// The stamp of a file's metadata, if its time can be read.
    pub fn of(meta: &std::fs::Metadata) -> Option<FileStamp> {
        let modified = meta.modified().ok()?.duration_since(UNIX_EPOCH).ok()?;
        Some(FileStamp {
            len: meta.len(),
            modified: (modified.as_secs(), modified.subsec_nanos()),
            inode: inode(meta),
        })
    }
}

#[cfg(unix)]
fn inode(meta: &std::fs::Metadata) -> u64 {
    std::os::unix::fs::MetadataExt::ino(meta)
}

#[cfg(not(unix))]
fn inode(_: &std::fs::Metadata) -> u64 {
    0
}

/// A fast hash of a file's bytes, to tell whether writing it again would
/// change it.
pub fn content_hash(bytes: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_64(bytes)
}

/// Writes `bytes` at `relative` under `dir`, creating folders as needed.
/// The file is replaced, never written in place: a build may have made it a
/// hard link shared with an older output (see [`Staging::link`]).
pub fn write_file(dir: &Path, relative: &str, bytes: &[u8]) -> Result<(), Error> {
    replace_file(dir, relative, |temporary| std::fs::write(temporary, bytes))
}

/// Copies `from` to `relative` under `dir`, creating folders as needed,
/// replacing the file there as [`write_file`] does.
pub fn copy_file(from: &Path, dir: &Path, relative: &str) -> Result<(), Error> {
    replace_file(dir, relative, |temporary| {
        std::fs::copy(from, temporary).map(|_| ())
    })
}

/// Makes the file at `relative` under `dir` with `make`, beside it under a
/// temporary name, then renames it over whatever is there.
fn replace_file(
    dir: &Path,
    relative: &str,
    make: impl FnOnce(&Path) -> std::io::Result<()>,
) -> Result<(), Error> {
    let path = dir.join(relative);
    let mut temporary_name = std::ffi::OsString::from(".");
    temporary_name.push(path.file_name().unwrap_or_default());
    temporary_name.push(format!(".scholia-{}", std::process::id()));
    let temporary = path.with_file_name(temporary_name);
    let made = path
        .parent()
        .map_or(Ok(()), std::fs::create_dir_all)
        .and_then(|()| make(&temporary))
        .and_then(|()| std::fs::rename(&temporary, &path));
    made.map_err(|source| {
        let _ = std::fs::remove_file(&temporary);
        Error::Write { path, source }
    })
}

/// Every file under `dir` as (source, `/`-separated path under `prefix`).
pub fn files_under(dir: &Path, prefix: &str) -> Result<Vec<(PathBuf, String)>, Error> {
    let mut files = Vec::new();
    if !dir.is_dir() {
        return Ok(files);
    }
    for entry in WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.map_err(|e| Error::Read {
            path: e.path().unwrap_or(dir).to_path_buf(),
            source: e.into(),
        })?;
        if entry.file_type().is_file() {
            let relative = entry.path().strip_prefix(dir).unwrap_or(entry.path());
            files.push((entry.path().to_path_buf(), join_url_path(prefix, relative)));
        }
    }
    Ok(files)
}

/// `prefix` + a relative path, with `/` separators.
pub fn join_url_path(prefix: &str, relative: &Path) -> String {
    let mut out = prefix.trim_start_matches('/').to_string();
    for part in relative.components() {
        if !out.is_empty() && !out.ends_with('/') {
            out.push('/');
        }
        out.push_str(&part.as_os_str().to_string_lossy());
    }
    out
}

/// Refuses an output folder whose replacement would destroy the site's own files:
/// the site root itself, a folder holding it, or one inside its sources.
pub fn check_output_dir(root: &Path, output: &Path) -> Result<(), Error> {
    let canonical = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let root = canonical(root);
    let output_abs = match (output.parent(), output.file_name()) {
        (Some(parent), Some(name)) if parent.exists() => canonical(parent).join(name),
        _ => canonical(output),
    };
    let protected = ["content", "templates", "static"].map(|d| root.join(d));
    if root.starts_with(&output_abs) || protected.iter().any(|p| output_abs.starts_with(p)) {
        return Err(Error::OutputOverlapsSources {
            path: output.to_path_buf(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_folder_comes_once_after_its_parent() {
        let files = [
            "a/b/c.html",
            "a/b/d.html",
            "a/e.html",
            "x.html",
            "f/g/h/i.txt",
            "a/b/feed.xml",
            // Found by the wordpress fuzz target: an alias with `//` in it.
            "a//b/e.html",
        ];
        let expected: Vec<Vec<String>> = [vec!["a", "f"], vec!["a/b", "f/g"], vec!["f/g/h"]]
            .iter()
            .map(|level| level.iter().map(|f| f.to_string()).collect())
            .collect();
        let mut found = folders_by_depth(files);
        found.iter_mut().for_each(|level| level.sort());
        assert_eq!(found, expected);
    }

    #[test]
    fn only_a_folder_moved_aside_by_publish_is_a_previous_output() {
        let root = tempfile::tempdir().unwrap();
        for name in [".public.staging-42-old", ".site.out.staging-7-old"] {
            std::fs::create_dir(root.path().join(name)).unwrap();
            assert!(is_previous_output(&root.path().join(name)), "{name}");
        }
        for name in [
            "public",
            ".public.staging-42",
            ".public.staging--old",
            "a.staging-1-old",
        ] {
            std::fs::create_dir(root.path().join(name)).unwrap();
            assert!(!is_previous_output(&root.path().join(name)), "{name}");
        }
        // A file of the right name is not a folder to remove.
        std::fs::write(root.path().join(".f.staging-1-old"), "x").unwrap();
        assert!(!is_previous_output(&root.path().join(".f.staging-1-old")));
    }

    #[test]
    fn staged_files_land_in_the_folders_made_for_them() {
        let root = tempfile::tempdir().unwrap();
        let output = root.path().join("public");
        let staging = Staging::create(&output).unwrap();
        let files = ["index.html", "tags/iran/index.html", "tags/iran/atom.xml"];
        staging.create_folders(files).unwrap();
        for file in files {
            staging.write(file, file.as_bytes()).unwrap();
        }
        staging.publish().unwrap();
        for file in files {
            assert_eq!(std::fs::read_to_string(output.join(file)).unwrap(), file);
        }
    }
}
