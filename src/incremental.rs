//! Fast rebuilds while serving: what one build leaves for the next.
//!
//! Owns [`BuildCache`]. The first build, and any build after a change to
//! site.toml, templates, authors, pages or static files, is a full one. After
//! that, a change to articles reloads and resolves only the articles whose
//! files changed, re-renders their pages plus every listing and feed, and
//! writes in place only the files whose bytes changed. Errors are found before
//! anything is written, so a failed rebuild leaves the last good output served.
//! Used by `serve` only: `build` always starts afresh and publishes atomically.

use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::mem;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::UNIX_EPOCH;

use rayon::prelude::*;
use walkdir::WalkDir;

use crate::build::{
    BuildReport, BuildRequest, COPIED, STATIC_DIR, Steps, article_assets, content_hash,
    copied_files, full_build, load_config, output_dir,
};
use crate::config::CONFIG_FILE;
use crate::content::article::{BUNDLE_INDEX, THREAD_SUFFIX};
use crate::content::{CONTENT_DIR, article_inputs, display_path, find_articles, load_article};
use crate::error::{BuildErrors, Error, Warning};
use crate::output::{copy_file, write_file};
use crate::render::templates::TEMPLATES_DIR;
use crate::render::{Plan, load_templates, render_plan};
use crate::site::{Article, Site, assemble, resolve_article};

/// What the last good build left for the next one. Empty until a build succeeds.
#[derive(Default)]
pub struct BuildCache {
    last: Option<LastBuild>,
}

/// The last good build.
struct LastBuild {
    /// Fingerprint of everything but the articles (see [`site_fingerprint`]).
    fingerprint: u64,
    /// Where it was written.
    output: PathBuf,
    /// The site it built.
    site: Site,
    /// Each article file (as shown, relative to the root) with the stamp of its inputs.
    stamps: HashMap<PathBuf, u64>,
    /// Each rendered file's content key (see [`Plan::content_keys`]).
    keys: HashMap<String, u64>,
    /// Each output file with the hash of its bytes ([`COPIED`] for copies).
    outputs: HashMap<String, u64>,
}

/// A failed incremental build: its errors, and the last build if still intact.
struct Failure {
    errors: Vec<Error>,
    last: Option<Box<LastBuild>>,
}

/// A changed article file, read again: resolved, left out (a draft), or broken.
type Reloaded = Result<Option<(Article, Vec<Warning>)>, Vec<Error>>;

impl BuildCache {
    /// Builds `request`, incrementally when the last build allows it, finding
    /// changed articles by looking at every article's files.
    pub fn build(&mut self, request: &BuildRequest) -> Result<BuildReport, BuildErrors> {
        self.build_after(request, None)
    }

    /// Like [`BuildCache::build`], told which paths changed (by a file
    /// watcher), so that only those articles' files are looked at.
    pub fn build_after(
        &mut self,
        request: &BuildRequest,
        changed: Option<&[PathBuf]>,
    ) -> Result<BuildReport, BuildErrors> {
        let fingerprint = site_fingerprint(request);
        if let Some(last) = self.last.take()
            && last.fingerprint == fingerprint
            && last.output.is_dir()
        {
            return match incremental(request, last, changed) {
                Ok((report, last)) => {
                    self.last = Some(last);
                    Ok(report)
                }
                Err(failure) => {
                    self.last = failure.last.map(|last| *last);
                    Err(BuildErrors(failure.errors))
                }
            };
        }
        let done = full_build(request, true)?;
        let stamps = article_stamps(request)?;
        let plan = Plan::new(&done.site)?;
        self.last = Some(LastBuild {
            fingerprint,
            output: done.report.output.clone(),
            keys: content_keys(&done.site, &plan, &stamps),
            site: done.site,
            stamps,
            outputs: done.outputs,
        });
        Ok(done.report)
    }
}

/// Rebuilds after article changes only. Until the old site is taken apart, a
/// failure hands the last build back intact.
fn incremental(
    request: &BuildRequest,
    mut last: LastBuild,
    changed: Option<&[PathBuf]>,
) -> Result<(BuildReport, LastBuild), Failure> {
    let root = &request.root;
    let mut steps = Steps(Vec::new());
    let keep = |errors: Vec<Error>, last: LastBuild| Failure {
        errors,
        last: Some(Box::new(last)),
    };

    let hinted = changed.and_then(|paths| restamp(root, &last.stamps, paths));
    let stamps = match steps.run("content", || {
        hinted.map_or_else(|| article_stamps(request), Ok)
    }) {
        Ok(stamps) => stamps,
        Err(e) => return Err(keep(vec![e], last)),
    };
    let config = match load_config(request) {
        Ok(config) => config,
        Err(errors) => return Err(keep(errors, last)),
    };
    let changed: Vec<&PathBuf> = stamps
        .iter()
        .filter(|(path, stamp)| last.stamps.get(*path) != Some(stamp))
        .map(|(path, _)| path)
        .collect();
    let known_authors: HashSet<&str> = last.site.authors.iter().map(|a| a.id.as_str()).collect();
    let resolved: Vec<Reloaded> = steps.run("model", || {
        changed
            .par_iter()
            .map(|shown| {
                let source = load_article(root, &root.join(shown))?;
                if !request.options.includes(&source) {
                    return Ok(None);
                }
                resolve_article(source, &config, &known_authors).map(Some)
            })
            .collect()
    });
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    let mut fresh = Vec::new();
    for result in resolved {
        match result {
            Ok(Some((article, mut found))) => {
                warnings.append(&mut found);
                fresh.push(article);
            }
            Ok(None) => {}
            Err(mut found) => errors.append(&mut found),
        }
    }
    let tera = match steps.run("templates", || load_templates(root)) {
        Ok(tera) => tera,
        Err(mut found) => {
            errors.append(&mut found);
            return Err(keep(errors, last));
        }
    };
    if !errors.is_empty() {
        return Err(keep(errors, last));
    }

    // From here the old site is taken apart: a failure drops the cache, and
    // the next build is a full one.
    let changed: HashSet<&PathBuf> = changed.into_iter().collect();
    let mut reused: HashMap<PathBuf, Article> = mem::take(&mut last.site.articles)
        .into_iter()
        .filter(|a| stamps.contains_key(&a.source_path) && !changed.contains(&a.source_path))
        .map(|a| (a.source_path.clone(), a))
        .collect();
    let reused_paths: HashSet<PathBuf> = reused.keys().cloned().collect();
    let mut articles: Vec<Article> = reused.drain().map(|(_, a)| a).collect();
    articles.extend(fresh);
    let authors = mem::take(&mut last.site.authors);
    let pages = mem::take(&mut last.site.pages);
    let site = assemble(config, authors, articles, pages);
    let drop_cache = |errors: Vec<Error>| Failure { errors, last: None };

    let plan = Plan::new(&site).map_err(drop_cache)?;
    let keys: Vec<Option<u64>> = plan.content_keys(&site, &|a| article_key(&site, a, &stamps));
    // A file whose key is unchanged and which is still on disk is still right.
    let still_right: HashSet<&str> = plan
        .files()
        .zip(&keys)
        .filter(|(file, key)| {
            key.is_some_and(|k| last.keys.get(file.path) == Some(&k))
                && last.outputs.contains_key(file.path)
        })
        .map(|(file, _)| file.path)
        .collect();
    let rendered = Mutex::new(Vec::new());
    steps
        .run("render", || {
            render_plan(
                &site,
                &tera,
                &plan,
                &|file| !still_right.contains(file.path),
                &|path, bytes| {
                    let mut rendered = rendered.lock().expect("rendered lock");
                    rendered.push((path.to_string(), bytes.to_vec()));
                    Ok(())
                },
            )
        })
        .map_err(drop_cache)?;

    let output = output_dir(request, &site.config);
    let mut outputs: HashMap<String, u64> = still_right
        .iter()
        .filter_map(|path| Some((path.to_string(), *last.outputs.get(*path)?)))
        .collect();
    let written = steps
        .run("write", || {
            let rendered = rendered.into_inner().expect("rendered lock");
            let written = write_changed(&output, rendered, &last.outputs, &mut outputs)?;
            let copied = copy_changed_assets(root, &output, &site, &reused_paths, &mut outputs)?;
            remove_stale(&output, &last.outputs, &outputs);
            Ok::<usize, Error>(written + copied)
        })
        .map_err(|e| drop_cache(vec![e]))?;
    let report = BuildReport {
        articles: site.articles.len(),
        comments: site.comment_count(),
        files: written,
        output: output.clone(),
        steps: steps.0,
        warnings,
    };
    let keys = plan
        .files()
        .zip(keys)
        .filter_map(|(file, key)| Some((file.path.to_string(), key?)))
        .collect();
    let fingerprint = last.fingerprint;
    Ok((
        report,
        LastBuild {
            fingerprint,
            output,
            site,
            stamps,
            keys,
            outputs,
        },
    ))
}

/// Writes the rendered files whose bytes differ from the last build's; returns
/// how many.
fn write_changed(
    output: &Path,
    rendered: Vec<(String, Vec<u8>)>,
    before: &HashMap<String, u64>,
    outputs: &mut HashMap<String, u64>,
) -> Result<usize, Error> {
    let hashed: Vec<(String, Vec<u8>, u64)> = rendered
        .into_par_iter()
        .map(|(path, bytes)| {
            let hash = content_hash(&bytes);
            (path, bytes, hash)
        })
        .collect();
    let changed: Vec<&(String, Vec<u8>, u64)> = hashed
        .iter()
        .filter(|(path, _, hash)| before.get(path) != Some(hash))
        .collect();
    changed
        .par_iter()
        .try_for_each(|(path, bytes, _)| write_file(output, path, bytes))?;
    let written = changed.len();
    outputs.extend(hashed.into_iter().map(|(path, _, hash)| (path, hash)));
    Ok(written)
}

/// Copies the assets of articles that changed (those of unchanged articles and
/// static files are already in place); returns how many.
fn copy_changed_assets(
    root: &Path,
    output: &Path,
    site: &Site,
    reused: &HashSet<PathBuf>,
    outputs: &mut HashMap<String, u64>,
) -> Result<usize, Error> {
    let mut copied = 0;
    for article in site
        .articles
        .iter()
        .filter(|a| !reused.contains(&a.source_path))
    {
        for (from, to) in article_assets(article) {
            copy_file(&from, output, &to)?;
            copied += 1;
        }
    }
    outputs.extend(
        copied_files(root, site)?
            .into_iter()
            .map(|(_, to)| (to, COPIED)),
    );
    Ok(copied)
}

/// Removes the files the last build wrote that this one no longer has.
fn remove_stale(output: &Path, before: &HashMap<String, u64>, now: &HashMap<String, u64>) {
    for path in before.keys().filter(|path| !now.contains_key(*path)) {
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

/// Each planned file's content key, by path (files always rendered have none).
fn content_keys(site: &Site, plan: &Plan, stamps: &HashMap<PathBuf, u64>) -> HashMap<String, u64> {
    plan.files()
        .zip(plan.content_keys(site, &|a| article_key(site, a, stamps)))
        .filter_map(|(file, key)| Some((file.path.to_string(), key?)))
        .collect()
}

/// A key for everything an article shows of itself: its files (by their
/// stamp), where it is, its flags, its authors, and its tags' names and URLs (a
/// tag's name can change when another article spells it differently).
fn article_key(site: &Site, article: &Article, stamps: &HashMap<PathBuf, u64>) -> u64 {
    let mut hasher = std::hash::DefaultHasher::new();
    stamps.get(&article.source_path).hash(&mut hasher);
    (&article.permalink, article.draft, article.scheduled).hash(&mut hasher);
    for &t in &article.tags {
        (&site.tags[t].name, &site.tags[t].permalink).hash(&mut hasher);
    }
    article.authors.hash(&mut hasher);
    hasher.finish()
}

/// The last stamps updated for the articles that `changed` paths belong to;
/// `None` when a path is not plainly part of an article (then every article is
/// looked at).
fn restamp(
    root: &Path,
    stamps: &HashMap<PathBuf, u64>,
    changed: &[PathBuf],
) -> Option<HashMap<PathBuf, u64>> {
    let articles = root.join(CONTENT_DIR).join("articles");
    let mut stamps = stamps.clone();
    for path in changed {
        let within = path.strip_prefix(&articles).ok()?;
        let article = owning_article(&articles, within)?;
        let shown = display_path(root, &article);
        if article.is_file() {
            stamps.insert(shown, stamp(&article_inputs(&article)));
        } else {
            stamps.remove(&shown);
        }
    }
    Some(stamps)
}

/// The Markdown file of the article that a path under `content/articles`
/// belongs to: the bundle holding it, else the single file it is or whose
/// thread it is. `None` for anything else (a folder, a stray file).
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

/// Every article file (relative to the root) with a stamp of its inputs.
fn article_stamps(request: &BuildRequest) -> Result<HashMap<PathBuf, u64>, Error> {
    let root = &request.root;
    let (files, errors) = find_articles(root, &root.join(CONTENT_DIR).join("articles"));
    if let Some(error) = errors.into_iter().next() {
        return Err(error);
    }
    Ok(files
        .par_iter()
        .map(|file| (display_path(root, file), stamp(&article_inputs(file))))
        .collect())
}

/// A fingerprint of everything a build reads besides articles: the request,
/// site.toml, templates, authors, pages and static files. Any change to it
/// makes the next build a full one.
fn site_fingerprint(request: &BuildRequest) -> u64 {
    let root = &request.root;
    let mut files = vec![root.join(CONFIG_FILE)];
    for dir in [
        root.join(TEMPLATES_DIR),
        root.join(STATIC_DIR),
        root.join(CONTENT_DIR).join("authors"),
        root.join(CONTENT_DIR).join("pages"),
    ] {
        files.extend(
            WalkDir::new(dir)
                .sort_by_file_name()
                .into_iter()
                .flatten()
                .filter(|e| e.file_type().is_file())
                .map(|e| e.into_path()),
        );
    }
    let mut hasher = std::hash::DefaultHasher::new();
    (
        request.options.drafts,
        request.options.future,
        &request.base_url,
        &request.output,
        stamp(&files),
    )
        .hash(&mut hasher);
    hasher.finish()
}

/// A stamp of files: their paths, sizes and modification times. A missing file
/// stamps as absent, so creating it changes the stamp.
fn stamp(files: &[PathBuf]) -> u64 {
    let mut hasher = std::hash::DefaultHasher::new();
    for file in files {
        file.hash(&mut hasher);
        if let Ok(meta) = std::fs::metadata(file) {
            meta.len().hash(&mut hasher);
            let modified = meta
                .modified()
                .ok()
                .and_then(|t| t.duration_since(UNIX_EPOCH).ok());
            modified.hash(&mut hasher);
        }
    }
    hasher.finish()
}
