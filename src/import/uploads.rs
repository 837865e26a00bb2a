//! `--uploads`: copying the files a post uses from a local copy of the
//! site's `wp-content/uploads` into the post's bundle, and pointing the HTML
//! at them, so the archive no longer depends on the old host. Decides file
//! names and rewrites references; the importer does the copying. Never reads
//! outside the uploads folder.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

use percent_encoding::{AsciiSet, CONTROLS, percent_decode_str, utf8_percent_encode};

/// Where an uploaded file's path starts in a URL.
const UPLOADS_MARKER: &str = "/wp-content/uploads/";
/// WordPress.com serves uploads from `NAME.files.wordpress.com/YYYY/MM/…`.
const WPCOM_FILES_HOST: &str = ".files.wordpress.com/";
/// What a file name needs escaped to be a URL path segment.
const SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'(')
    .add(b')');

/// A local copy of a WordPress site's `wp-content/uploads` folder.
#[derive(Debug)]
pub(crate) struct Uploads {
    root: PathBuf,
}

/// HTML whose references to uploaded files now point into the bundle.
#[derive(Debug, Default)]
pub(crate) struct Localized {
    /// The HTML, rewritten.
    pub(crate) html: String,
    /// Files to copy: (absolute source, file name in the bundle).
    pub(crate) files: Vec<(PathBuf, String)>,
    /// References to uploads that are not in the folder, kept as they were.
    pub(crate) missing: Vec<String>,
}

impl Uploads {
    /// The uploads folder at `root`.
    pub(crate) fn new(root: &Path) -> Uploads {
        Uploads {
            root: root.canonicalize().unwrap_or_else(|_| root.to_path_buf()),
        }
    }

    /// Rewrites every reference in `html` (or Markdown) to a file of this
    /// folder (in any attribute, `srcset` included) to a name in the bundle.
    pub(crate) fn localize(&self, html: &str) -> Localized {
        let mut out = Localized::default();
        let mut names: HashMap<PathBuf, String> = HashMap::new();
        let mut rest = html;
        while let Some((start, end, relative)) = next_reference(rest) {
            out.html.push_str(&rest[..start]);
            let url = &rest[start..end];
            match self.find(&relative) {
                Some(source) => {
                    let name = names.entry(source.clone()).or_insert_with(|| {
                        let name = bundle_name(&source, &relative, &out.files);
                        out.files.push((source.clone(), name.clone()));
                        name
                    });
                    out.html
                        .push_str(&utf8_percent_encode(name, SEGMENT).to_string());
                }
                None => {
                    if !out.missing.iter().any(|m| m == url) {
                        out.missing.push(url.to_string());
                    }
                    out.html.push_str(url);
                }
            }
            rest = &rest[end..];
        }
        out.html.push_str(rest);
        out
    }

    /// The file a reference names, or its original when a resized copy
    /// (`photo-300x200.jpg`) is missing; `None` outside the folder.
    fn find(&self, relative: &str) -> Option<PathBuf> {
        let decoded = percent_decode_str(relative).decode_utf8_lossy();
        let path = Path::new(decoded.as_ref());
        if !path.components().all(|c| matches!(c, Component::Normal(_))) {
            return None;
        }
        let exact = self.root.join(path);
        let candidates = [Some(exact.clone()), without_size_suffix(&exact)];
        candidates.into_iter().flatten().find_map(|candidate| {
            let real = candidate.canonicalize().ok()?;
            (real.starts_with(&self.root) && real.is_file()).then_some(real)
        })
    }
}

/// The next reference to an upload in `text`: its byte range and its path
/// below the uploads folder.
fn next_reference(text: &str) -> Option<(usize, usize, String)> {
    let mut search_from = 0;
    loop {
        let rest = &text[search_from..];
        let (at, marker) = [UPLOADS_MARKER, WPCOM_FILES_HOST]
            .iter()
            .filter_map(|m| rest.find(m).map(|i| (i, *m)))
            .min()?;
        let marker_start = search_from + at;
        let start = text[..marker_start]
            .rfind(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '(' | '=' | ',' | '>'))
            .map_or(0, |i| i + 1);
        let path_start = marker_start + marker.len();
        let end = text[path_start..]
            .find(|c: char| {
                c.is_whitespace() || matches!(c, '"' | '\'' | ')' | '<' | '>' | ',' | '?' | '#')
            })
            .map_or(text.len(), |i| path_start + i);
        let url = &text[start..marker_start];
        let is_url = url.is_empty()
            || url.starts_with("http://")
            || url.starts_with("https://")
            || url.starts_with("//");
        let relative = &text[path_start..end];
        if is_url && !relative.is_empty() {
            // Drop a query (`?w=300`) with the URL: the copy is the file itself.
            let end = text[end..].strip_prefix('?').map_or(end, |q| {
                end + 1 + q.find(['"', '\'', ' ', ')', '<', ',']).unwrap_or(q.len())
            });
            return Some((start, end, relative.to_string()));
        }
        search_from = path_start;
    }
}

/// `photo-300x200.jpg` → `photo.jpg`, when the name has such a suffix.
fn without_size_suffix(path: &Path) -> Option<PathBuf> {
    let stem = path.file_stem()?.to_str()?;
    let (base, size) = stem.rsplit_once('-')?;
    let (w, h) = size.split_once('x')?;
    let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    if !digits(w) || !digits(h) {
        return None;
    }
    let name = match path.extension() {
        Some(ext) => format!("{base}.{}", ext.to_string_lossy()),
        None => base.to_string(),
    };
    Some(path.with_file_name(name))
}

/// The file's name in the bundle: its own, or, when another file already
/// took it, prefixed with its folders (`2017-01-photo.jpg`).
fn bundle_name(source: &Path, relative: &str, taken: &[(PathBuf, String)]) -> String {
    let name = source
        .file_name()
        .map_or_else(|| "file".to_string(), |n| n.to_string_lossy().into_owned());
    // A bundle's own files keep their names.
    let is_taken = |candidate: &str| {
        crate::content::BUNDLE_FILES.contains(&candidate)
            || taken.iter().any(|(_, n)| n == candidate)
    };
    if !is_taken(&name) {
        return name;
    }
    let decoded = percent_decode_str(relative)
        .decode_utf8_lossy()
        .into_owned();
    let folders: Vec<&str> = decoded.split('/').collect();
    let prefix = folders[..folders.len().saturating_sub(1)].join("-");
    let mut candidate = format!("{prefix}-{name}");
    let mut n = 2;
    while is_taken(&candidate) {
        candidate = format!("{prefix}-{n}-{name}");
        n += 1;
    }
    candidate
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folder() -> (tempfile::TempDir, Uploads) {
        let dir = tempfile::tempdir().unwrap();
        for file in [
            "2016/08/photo.jpg",
            "2017/01/photo.jpg",
            "2016/08/big picture.png",
        ] {
            let path = dir.path().join(file);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, file).unwrap();
        }
        let uploads = Uploads::new(dir.path());
        (dir, uploads)
    }

    #[test]
    fn references_anywhere_become_bundle_names() {
        let (_dir, uploads) = folder();
        let html = r#"<a href="https://old.example.org/wp-content/uploads/2016/08/photo.jpg"><img src="//old.example.org/wp-content/uploads/2016/08/photo-300x200.jpg?w=300" srcset="/wp-content/uploads/2017/01/photo.jpg 2x"></a> <img src="https://blog.files.wordpress.com/2016/08/big%20picture.png">"#;
        let out = uploads.localize(html);
        assert_eq!(
            out.html,
            r#"<a href="photo.jpg"><img src="photo.jpg" srcset="2017-01-photo.jpg 2x"></a> <img src="big%20picture.png">"#
        );
        let names: Vec<&str> = out.files.iter().map(|(_, n)| n.as_str()).collect();
        assert_eq!(names, ["photo.jpg", "2017-01-photo.jpg", "big picture.png"]);
        assert!(out.missing.is_empty());
    }

    #[test]
    fn missing_and_escaping_references_stay_as_they_were() {
        let (_dir, uploads) = folder();
        let html = r#"<img src="https://x.example.org/wp-content/uploads/2016/09/gone.jpg"> <img src="https://x.example.org/wp-content/uploads/../../etc/passwd">"#;
        let out = uploads.localize(html);
        assert_eq!(out.html, html);
        assert_eq!(out.missing.len(), 2);
        assert!(out.files.is_empty());
    }

    #[test]
    fn markdown_references_are_rewritten_and_bundle_files_keep_their_names() {
        let (dir, uploads) = folder();
        std::fs::write(dir.path().join("2016/08/index.md"), "not an article").unwrap();
        let markdown = "![A](https://x.example.org/wp-content/uploads/2016/08/photo.jpg) and [file](/wp-content/uploads/2016/08/index.md)";
        let out = uploads.localize(markdown);
        assert_eq!(out.html, "![A](photo.jpg) and [file](2016-08-index.md)");
    }

    #[test]
    fn text_that_only_mentions_the_folder_is_left_alone() {
        let (_dir, uploads) = folder();
        let html = "Files live in wp-content/uploads/ on the server.";
        assert_eq!(uploads.localize(html).html, html);
    }
}
