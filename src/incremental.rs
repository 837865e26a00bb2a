//! What one build keeps for the next, so that serve's rebuilds skip work.
//!
//! Owns [`BuildCache`]: the articles as last modelled (an
//! [`ArticleCache`], keyed by the hash of each article's files) and a record of
//! the output folder (each rendered file's content key and the hash of its
//! bytes, each copied file's source hash). The build (`build.rs`) is the only
//! driver and consults it; this module knows nothing of the build's order and
//! imports nothing from it. It decides nothing about what a page shows (the
//! plan does, for both paths): it only chooses which planned files need
//! rendering and which bytes need writing in place. When there is no record
//! (the first build, or after a failed write) the build publishes a staging
//! folder, as a one-off build does, and records it here.

use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use chrono::{DateTime, Utc};
use rayon::prelude::*;
use walkdir::WalkDir;

use crate::config::CONFIG_FILE;
use crate::content::CONTENT_DIR;
use crate::error::{BuildErrors, Error};
use crate::output::{content_hash, copy_file, write_file};
use crate::render::search::SearchIndex;
use crate::render::templates::TEMPLATES_DIR;
use crate::render::{Plan, Templates, render_plan_with};
use crate::site::{Article, ArticleCache, BuildOptions, Site};
use crate::steps::Steps;

/// What the last builds left for the next one. Empty until a build runs.
#[derive(Debug, Default)]
pub struct BuildCache {
    /// Each article as last modelled.
    pub(crate) articles: ArticleCache,
    /// The output folder as the last good build left it.
    output: Option<OutputRecord>,
}

/// What is in the output folder.
#[derive(Debug)]
struct OutputRecord {
    /// The folder.
    folder: PathBuf,
    /// Each rendered file still in place: its content key (if it has one) and
    /// the hash of its bytes.
    rendered: HashMap<String, (Option<u64>, u64)>,
    /// Each copied file with the hash of its source's bytes.
    copied: HashMap<String, u64>,
}

impl BuildCache {
    /// The earliest article date after `now`: a build from then on shows a
    /// different site even if no file changes, so `serve` rebuilds at it.
    pub fn next_date_after(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.articles.next_date_after(now)
    }

    /// Writes `pass` in place over the last build's output, if it is there
    /// (else `None`: the caller publishes a staging folder and records it with
    /// [`BuildCache::record_staged`]). Returns how many files were written.
    pub(crate) fn write_in_place(
        &mut self,
        pass: &Pass<'_>,
        keys: &[Option<u64>],
        steps: &mut Steps,
    ) -> Result<Option<usize>, BuildErrors> {
        // Until this build has written everything, the record is unknown.
        let Some(last) = self
            .output
            .take()
            .filter(|last| last.folder == pass.output && pass.output.is_dir())
        else {
            return Ok(None);
        };
        match write_in_place(pass, keys, last, steps) {
            Ok((written, record)) => {
                self.output = Some(record);
                Ok(Some(written))
            }
            Err((errors, last)) => {
                self.output = last.map(|last| *last);
                Err(errors)
            }
        }
    }

    /// Records what a build published through a staging folder: `hashes`
    /// holds each rendered file's bytes' hash.
    pub(crate) fn record_staged(
        &mut self,
        pass: &Pass<'_>,
        keys: &[Option<u64>],
        hashes: HashMap<String, u64>,
    ) -> Result<(), Error> {
        self.output = Some(record_of(pass, keys, |path| hashes.get(path).copied())?);
        Ok(())
    }

    /// Each planned file's content key, in plan order, for a build of the
    /// site at `root` with these choices (options, replaced `base_url`).
    pub(crate) fn content_keys(
        &self,
        root: &Path,
        choices: (BuildOptions, Option<&str>),
        site: &Site,
        plan: &Plan,
    ) -> Vec<Option<u64>> {
        content_keys(&self.articles, root, choices, site, plan, None)
    }
}

/// Each planned file's content key, in plan order, for a build of the site
/// at `root` with these choices (options, replaced `base_url`), whose
/// articles went through `articles`: the same key means the same bytes.
/// Files without one (`None`) are rendered every time; the files of an
/// already made `search` index are keyed by their text. Serve's rebuilds and
/// the build cache on disk both key files here.
pub(crate) fn content_keys(
    articles: &ArticleCache,
    root: &Path,
    choices: (BuildOptions, Option<&str>),
    site: &Site,
    plan: &Plan,
    search: Option<&SearchIndex>,
) -> Vec<Option<u64>> {
    let hashes = articles.hashes_by_source(root);
    let site_key = site_key(root, choices, site);
    let article_key = |article: &Article| article_key(site, article, &hashes);
    plan.content_keys(site, site_key, &article_key, search)
}

/// A key for each article's part of the search index, in site order, for
/// the same build as [`content_keys`]: what its page is keyed by (the
/// article's own key and the site's), which covers all that the part is
/// made from (its files, its authors' and tags' names, the configuration).
pub(crate) fn search_keys(
    articles: &ArticleCache,
    root: &Path,
    choices: (BuildOptions, Option<&str>),
    site: &Site,
) -> Vec<u64> {
    let hashes = articles.hashes_by_source(root);
    let site_key = site_key(root, choices, site);
    site.articles
        .par_iter()
        .map(|article| {
            let mut hasher = std::hash::DefaultHasher::new();
            (site_key, article_key(site, article, &hashes)).hash(&mut hasher);
            hasher.finish()
        })
        .collect()
}

/// What the output stage of one build works from.
#[derive(Clone, Copy)]
pub(crate) struct Pass<'a> {
    /// The model.
    pub(crate) site: &'a Site,
    /// The templates.
    pub(crate) templates: &'a Templates,
    /// Every file to render.
    pub(crate) plan: &'a Plan,
    /// Every file to copy: (source, path under the output folder).
    pub(crate) copies: &'a [(PathBuf, String)],
    /// The output folder.
    pub(crate) output: &'a Path,
    /// The search index, when the caller made it (else the render makes it
    /// if one of its files is to be written).
    pub(crate) search: Option<&'a SearchIndex>,
}

/// A failed write in place: its errors, and the record if the folder is
/// still as it describes (nothing was written yet).
type Unwritten = (BuildErrors, Option<Box<OutputRecord>>);

/// Renders the files whose key changed, writes the ones whose bytes changed,
/// copies the files whose source changed and removes the files the site no
/// longer has. Everything is rendered before anything is written, so a render
/// error leaves the output as it was and hands the record back; an error
/// while writing drops it.
fn write_in_place(
    pass: &Pass<'_>,
    keys: &[Option<u64>],
    last: OutputRecord,
    steps: &mut Steps,
) -> Result<(usize, OutputRecord), Unwritten> {
    let copied: HashSet<&str> = pass.copies.iter().map(|(_, to)| to.as_str()).collect();
    let key_of: HashMap<&str, Option<u64>> = pass
        .plan
        .files()
        .zip(keys)
        .map(|(file, key)| (file.path, *key))
        .collect();
    // A file a copy replaces is not written; a file whose key is unchanged is
    // still right.
    let wanted = |path: &str| {
        !copied.contains(path)
            && !matches!(
                (key_of.get(path), last.rendered.get(path)),
                (Some(Some(key)), Some((Some(was), _))) if key == was
            )
    };
    let rendered = Mutex::new(Vec::new());
    let result = steps.run("render", || {
        render_plan_with(
            pass.site,
            pass.templates,
            pass.plan,
            pass.search,
            &|file| wanted(file.path),
            &|path, bytes| {
                let hash = content_hash(bytes);
                rendered.lock().expect("rendered lock").push((
                    path.to_string(),
                    bytes.to_vec(),
                    hash,
                ));
                Ok(())
            },
        )
    });
    if let Err(errors) = result {
        return Err((BuildErrors(errors), Some(Box::new(last))));
    }
    let rendered = rendered.into_inner().expect("rendered lock");
    let new_hashes: HashMap<String, u64> =
        rendered.iter().map(|(p, _, h)| (p.clone(), *h)).collect();
    // From here the folder changes: on a failure the record is dropped and the
    // next build starts from a staging folder.
    let dropped = |e: Error| (BuildErrors(vec![e]), None);
    let written = steps
        .run("write", || write_changed(pass, &last, rendered))
        .map_err(dropped)?;
    let record = record_of(pass, keys, |path| {
        new_hashes
            .get(path)
            .copied()
            .or_else(|| last.rendered.get(path).map(|(_, hash)| *hash))
    })
    .map_err(dropped)?;
    let copies = steps
        .run("copy", || copy_changed(pass, &last, &record))
        .map_err(dropped)?;
    remove_stale(pass.output, &last, &record);
    Ok((written + copies, record))
}

/// Writes the rendered files whose bytes differ from what is there; returns
/// how many.
fn write_changed(
    pass: &Pass<'_>,
    last: &OutputRecord,
    rendered: Vec<(String, Vec<u8>, u64)>,
) -> Result<usize, Error> {
    let changed: Vec<&(String, Vec<u8>, u64)> = rendered
        .iter()
        .filter(|(path, _, hash)| last.rendered.get(path).map(|(_, h)| h) != Some(hash))
        .collect();
    changed
        .par_iter()
        .try_for_each(|(path, bytes, _)| write_file(pass.output, path, bytes))?;
    Ok(changed.len())
}

/// Copies the files whose source bytes changed (or that were not copied
/// there last time); returns how many.
fn copy_changed(pass: &Pass<'_>, last: &OutputRecord, now: &OutputRecord) -> Result<usize, Error> {
    let changed: Vec<&(PathBuf, String)> = pass
        .copies
        .iter()
        .filter(|(_, to)| {
            last.copied.get(to) != now.copied.get(to) || last.rendered.contains_key(to)
        })
        .collect();
    changed
        .par_iter()
        .try_for_each(|(from, to)| copy_file(from, pass.output, to))?;
    Ok(changed.len())
}

/// What the output folder holds once `pass` is written: the planned files
/// not replaced by a copy (with their keys, and the hash `hash_of` gives), and
/// the copies (with their source's hash).
fn record_of(
    pass: &Pass<'_>,
    keys: &[Option<u64>],
    hash_of: impl Fn(&str) -> Option<u64>,
) -> Result<OutputRecord, Error> {
    let copied: HashMap<String, u64> = pass
        .copies
        .par_iter()
        .map(|(from, to)| {
            let bytes = std::fs::read(from).map_err(|source| Error::Read {
                path: from.clone(),
                source,
            })?;
            Ok((to.clone(), content_hash(&bytes)))
        })
        .collect::<Result<_, Error>>()?;
    let rendered = pass
        .plan
        .files()
        .zip(keys)
        .filter(|(file, _)| !copied.contains_key(file.path))
        .filter_map(|(file, key)| Some((file.path.to_string(), (*key, hash_of(file.path)?))))
        .collect();
    Ok(OutputRecord {
        folder: pass.output.to_path_buf(),
        rendered,
        copied,
    })
}

/// Removes the files the last build left that this one does not have.
fn remove_stale(output: &Path, last: &OutputRecord, now: &OutputRecord) {
    let has = |path: &String| now.rendered.contains_key(path) || now.copied.contains_key(path);
    let before = last.rendered.keys().chain(last.copied.keys());
    for path in before.filter(|path| !has(path)) {
        let file = output.join(path);
        let _ = std::fs::remove_file(&file);
        // Drop folders left empty (an article that moved); stop at the first that is not.
        let mut folder = file.parent();
        while let Some(dir) = folder.filter(|d| *d != output) {
            if std::fs::remove_dir(dir).is_err() {
                break;
            }
            folder = dir.parent();
        }
    }
}

/// A key for everything every page may show besides articles: the request's
/// choices (options, replaced `base_url`), the configuration, and the bytes of the templates, authors and
/// pages. Static files are copied, not shown, so they are not part of it.
fn site_key(root: &Path, (options, base_url): (BuildOptions, Option<&str>), site: &Site) -> u64 {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    let mut std_hasher = std::hash::DefaultHasher::new();
    (options.drafts, options.future, base_url).hash(&mut std_hasher);
    format!("{:?}", site.config).hash(&mut std_hasher);
    hasher.update(&std_hasher.finish().to_le_bytes());
    let folders = [
        root.join(TEMPLATES_DIR),
        root.join(CONTENT_DIR).join("authors"),
        root.join(CONTENT_DIR).join("pages"),
    ];
    let files = folders.iter().flat_map(|dir| {
        WalkDir::new(dir)
            .sort_by_file_name()
            .into_iter()
            .flatten()
            .filter(|e| e.file_type().is_file())
            .map(|e| e.into_path())
    });
    for file in std::iter::once(root.join(CONFIG_FILE)).chain(files) {
        hasher.update(file.as_os_str().as_encoded_bytes());
        hasher.update(&std::fs::read(&file).unwrap_or_default());
        hasher.update(b"\0");
    }
    hasher.digest()
}

/// A key for everything an article shows of itself: its files (by their
/// hash), where it is, its flags (scheduled changes with the build's time), its
/// tags' names and URLs (a tag's name can change when another article spells
/// it differently) and its authors with their article counts (shown in the
/// author boxes).
fn article_key(site: &Site, article: &Article, hashes: &HashMap<PathBuf, u64>) -> u64 {
    let mut hasher = std::hash::DefaultHasher::new();
    hashes.get(&article.source_path).hash(&mut hasher);
    (&article.permalink, article.draft, article.scheduled).hash(&mut hasher);
    for &t in &article.tags {
        (&site.tags[t].name, &site.tags[t].permalink).hash(&mut hasher);
    }
    for &a in &article.authors {
        (&site.authors[a].id, site.authors[a].articles.len()).hash(&mut hasher);
    }
    hasher.finish()
}
