//! The build, as a straight list of named, timed steps:
//! config → content → model → templates → render → copy → publish.
//!
//! Owns the order of the pipeline and the gathering of every error into one
//! report. It is the only driver: a one-off build, a build through the cache
//! on disk ([`build_cached`], what `scholia build` runs) and serve's rebuilds
//! run the same steps, the last two consulting a cache ([`StoredCache`],
//! [`BuildCache`]) to skip work, never to decide anything differently. It
//! prints nothing; the command layer does.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use chrono::{DateTime, Utc};
use rayon::prelude::*;

use crate::cache::StoredCache;
use crate::config::SiteConfig;
use crate::content::{CONTENT_DIR, find_articles, read_authors, read_pages};
use crate::error::{BuildErrors, Error, Warning};
use crate::incremental::{BuildCache, Pass, content_keys, search_keys};
use crate::output::{
    FileStamp, Linked, PreviousOutput, Staging, check_output_dir, content_hash, files_under,
    join_url_path,
};
use crate::render::search::SearchIndex;
use crate::render::{Plan, PlannedFile, load_templates, render_plan_with};
use crate::site::input_stamps::InputStamps;
use crate::site::{Article, ArticleCache, BuildOptions, Site, Sources, build_site};
use crate::steps::Steps;

/// The folder, under the site root, copied as-is to the output root.
pub const STATIC_DIR: &str = "static";

/// What to build and where.
#[derive(Debug, Clone)]
pub struct BuildRequest {
    /// The site root (holding site.toml).
    pub root: PathBuf,
    /// The output folder; default `[build] output_dir` under the root.
    pub output: Option<PathBuf>,
    /// Content choices (drafts, future articles).
    pub options: BuildOptions,
    /// Replaces `base_url` from site.toml (`serve` uses its own address).
    pub base_url: Option<String>,
    /// The time of the build: articles dated after it are left out (or, with
    /// `future`, marked scheduled). The clock is read once, by whoever makes
    /// the request, so that one build never sees two times.
    pub now: DateTime<Utc>,
}

impl Default for BuildRequest {
    /// A request for the site in the current folder, as of now.
    fn default() -> Self {
        BuildRequest {
            root: PathBuf::new(),
            output: None,
            options: BuildOptions::default(),
            base_url: None,
            now: Utc::now(),
        }
    }
}

/// What a successful build did.
#[derive(Debug)]
pub struct BuildReport {
    /// Articles built.
    pub articles: usize,
    /// Comments built.
    pub comments: usize,
    /// Files written or copied.
    pub files: usize,
    /// Of those, the files taken unchanged from the previous output (by a
    /// build through the cache on disk).
    pub reused: usize,
    /// The output folder.
    pub output: PathBuf,
    /// Each step's name and duration, in order.
    pub steps: Vec<(&'static str, Duration)>,
    /// Problems that did not stop the build.
    pub warnings: Vec<Warning>,
    /// The output this build replaced, still to be removed (on drop, unless
    /// handed over).
    pub previous_output: PreviousOutput,
}

impl BuildReport {
    /// Total time of all steps.
    pub fn total_time(&self) -> Duration {
        self.steps.iter().map(|(_, d)| *d).sum()
    }
}

/// Builds the site at `request.root`. On any error nothing in the output folder
/// changes and every error found is returned.
pub fn build(request: &BuildRequest) -> Result<BuildReport, BuildErrors> {
    run(request, Memory::None).map(|(report, _)| report)
}

/// [`build`] through the build cache in the site's [`crate::cache::CACHE_DIR`]:
/// articles whose files are unchanged since the last build are not read
/// again, and output files whose content is unchanged are taken from the
/// previous output (hard-linked into the staging folder) instead of rendered.
/// The output is always exactly what [`build`] writes for the same request,
/// published all or nothing; a missing or unreadable cache makes it a full
/// build, and the cache is saved only after the output is published.
pub fn build_cached(request: &BuildRequest) -> Result<BuildReport, BuildErrors> {
    // The cache knows articles and files by their paths under the root, so
    // it is given one spelling of the root: `.` and `/home/me/site` are one
    // site, not two that each miss the other's cache.
    let request = &BuildRequest {
        root: std::fs::canonicalize(&request.root).unwrap_or_else(|_| request.root.clone()),
        ..request.clone()
    };
    std::thread::scope(|scope| {
        let mut loading = LoadingCache {
            loading: Some(scope.spawn(|| StoredCache::load(&request.root))),
            loaded: None,
            input_stamps: StoredCache::load_input_stamps(&request.root),
        };
        let (mut report, site) = run(request, Memory::Stored(&mut loading))?;
        let cache = loading.get();
        let mut steps = Steps(Vec::new());
        steps.run("pack cache", || {
            cache.articles.pack_built(&request.root, site.articles);
        });
        let cache = std::mem::replace(cache, StoredCache::empty());
        let input_stamps = &loading.input_stamps;
        let warning = steps.run("save cache", || cache.save(&request.root, input_stamps));
        report.warnings.extend(warning);
        report.steps.append(&mut steps.0);
        Ok(report)
    })
}

/// The cache on disk, read on a thread of its own while the build's first
/// steps run: reading and hashing the content does not need it, only the
/// input stamps (read first, and replaced by the ones the hashing took).
struct LoadingCache<'s> {
    loading: Option<std::thread::ScopedJoinHandle<'s, StoredCache>>,
    loaded: Option<StoredCache>,
    input_stamps: InputStamps,
}

impl LoadingCache<'_> {
    /// The cache, once read: empty (a full build) if its thread failed.
    fn get(&mut self) -> &mut StoredCache {
        if let Some(loading) = self.loading.take() {
            self.loaded = Some(loading.join().unwrap_or_else(|_| StoredCache::empty()));
        }
        self.loaded.get_or_insert_with(StoredCache::empty)
    }
}

/// [`build`], also returning the model it built (for `check`, which traces
/// each broken link back to the files the page was made from, and for a
/// command that ends right after and need not free it).
pub fn build_with_model(request: &BuildRequest) -> Result<(BuildReport, Site), BuildErrors> {
    run(request, Memory::None)
}

/// Builds the site at `request.root` through `cache`, which keeps what this
/// build learns for the next (as `serve` does): articles whose files are
/// unchanged are reused, and after the first build only the files whose
/// content could have changed are rendered and only the ones whose bytes
/// changed are written, in place. When the watcher named the `changed` paths,
/// only the articles they belong to are read again. The output is always
/// exactly what [`build`] writes for the same request; a failed build leaves
/// the output as it was.
pub fn rebuild(
    request: &BuildRequest,
    cache: &mut BuildCache,
    changed: Option<&[PathBuf]>,
) -> Result<BuildReport, BuildErrors> {
    run(request, Memory::Serve(cache, changed)).map(|(report, _)| report)
}

/// What a build knows of earlier builds.
enum Memory<'c, 's> {
    /// Nothing: a one-off build.
    None,
    /// Serve's cache, with the paths the watcher saw change, if it named them.
    Serve(&'c mut BuildCache, Option<&'c [PathBuf]>),
    /// The cache on disk, as it is being read.
    Stored(&'c mut LoadingCache<'s>),
}

/// The one pipeline, for a one-off build (no cache), a build through the
/// cache on disk, and serve's builds.
fn run(
    request: &BuildRequest,
    mut memory: Memory<'_, '_>,
) -> Result<(BuildReport, Site), BuildErrors> {
    let root = &request.root;
    let mut steps = Steps(Vec::new());
    let mut errors: Vec<Error> = Vec::new();
    let mut one_off = ArticleCache::one_off();
    // Hashing the content needs no earlier build's hashes unless serve's
    // watcher named what changed, only the stamps they were taken under:
    // the rest of the cache on disk is still being read.
    let mut hashing = ArticleCache::default();
    let (reading, changed) = match &mut memory {
        Memory::None => (&mut one_off, None),
        Memory::Serve(cache, changed) => (&mut cache.articles, *changed),
        Memory::Stored(loading) => {
            hashing = ArticleCache::with_input_stamps(std::mem::take(&mut loading.input_stamps));
            (&mut hashing, None)
        }
    };

    let config = steps
        .run("config", || load_config(request))
        .unwrap_or_else(|mut found| {
            errors.append(&mut found);
            SiteConfig::default() // go on, so content errors are reported in the same run
        });
    let (sources, mut found) = steps.run("content", || load_sources(root, reading, changed));
    errors.append(&mut found);
    let articles = match &mut memory {
        Memory::None => &mut one_off,
        Memory::Serve(cache, _) => &mut cache.articles,
        Memory::Stored(loading) => {
            loading.input_stamps = hashing.take_input_stamps();
            &mut steps.run("cache", || loading.get()).articles
        }
    };
    let output = output_dir(request, &config);
    let choice = (request.options, request.now);
    let model = steps.run("model", || {
        build_site(root, config, sources, choice, articles)
    });
    let templates = steps.run("templates", || load_templates(root));
    let (site, warnings, templates) = match (model, templates) {
        (Ok((site, warnings)), Ok(templates)) if errors.is_empty() => (site, warnings, templates),
        (model, templates) => {
            errors.extend(model.err().into_iter().flatten());
            errors.extend(templates.err().into_iter().flatten());
            return Err(BuildErrors(errors));
        }
    };
    check_output_dir(root, &output)?;
    let plan = Plan::new(&site).map_err(BuildErrors)?;
    let copies = copied_files(root, &site)?;
    let pass = Pass {
        site: &site,
        templates: &templates,
        plan: &plan,
        copies: &copies,
        output: &output,
        search: None,
    };
    let (staged, previous_output) = match memory {
        Memory::None => {
            let (staged, previous, _) = write_staged(&pass, &mut steps, None, None)?;
            (staged, previous)
        }
        Memory::Serve(cache, _) => write_through(cache, request, &pass, &mut steps)?,
        Memory::Stored(loading) => write_reusing(loading.get(), request, &pass, &mut steps)?,
    };
    let report = BuildReport {
        articles: site.articles.len(),
        comments: site.comment_count(),
        files: staged.files,
        reused: staged.reused,
        output,
        steps: steps.0,
        warnings,
        previous_output,
    };
    Ok((report, site))
}

/// The output stage of a build through `cache`: in place when the last
/// build's output is there, else through a staging folder, recording what
/// was written either way. Returns how many files were written, and the
/// output a staging folder replaced.
fn write_through(
    cache: &mut BuildCache,
    request: &BuildRequest,
    pass: &Pass<'_>,
    steps: &mut Steps,
) -> Result<(Staged, PreviousOutput), BuildErrors> {
    let choices = (request.options, request.base_url.as_deref());
    let keys = cache.content_keys(&request.root, choices, pass.site, pass.plan);
    if let Some(written) = cache.write_in_place(pass, &keys, steps)? {
        let staged = Staged {
            files: written,
            reused: 0,
        };
        return Ok((staged, PreviousOutput::default()));
    }
    let hashes = Mutex::new(HashMap::new());
    let (staged, previous, _) = write_staged(pass, steps, Some(&hashes), None)?;
    cache.record_staged(pass, &keys, hashes.into_inner().expect("record lock"))?;
    Ok((staged, previous))
}

/// The output stage of a build through the cache on disk: a staging folder
/// into which the files whose content key is unchanged (and which are still
/// as the last build wrote them) are linked from the previous output and only
/// the others are rendered; once published, it is recorded in the cache.
/// The search index is made first, from the parts of unchanged articles that
/// the cache kept, so that its files are keyed by their text.
fn write_reusing(
    cache: &mut StoredCache,
    request: &BuildRequest,
    pass: &Pass<'_>,
    steps: &mut Steps,
) -> Result<(Staged, PreviousOutput), BuildErrors> {
    let choices = (request.options, request.base_url.as_deref());
    let index = steps.run("search", || {
        let keys = search_keys(&cache.articles, &request.root, choices, pass.site);
        SearchIndex::build_reusing(pass.site, &keys, &mut cache.search)
    });
    let pass = &Pass {
        search: Some(&index),
        ..*pass
    };
    let keys = content_keys(
        &cache.articles,
        &request.root,
        choices,
        pass.site,
        pass.plan,
        pass.search,
    );
    let reuse = Reuse { cache, keys: &keys };
    let (staged, previous, stamps) = write_staged(pass, steps, None, Some(&reuse))?;
    cache.record_output(pass.output, stamps);
    Ok((staged, previous))
}

/// How many files a staging folder held, and how many of them came from the
/// previous output.
struct Staged {
    files: usize,
    reused: usize,
}

/// Each keyed file of an output: its path, its content key and its stamp.
type Stamped = Vec<(String, u64, FileStamp)>;

/// What lets a staged build take files from the previous output: the cache
/// that recorded it, and each planned file's content key, in plan order.
struct Reuse<'a> {
    cache: &'a StoredCache,
    keys: &'a [Option<u64>],
}

/// Renders every planned file (or, with `reuse`, links the unchanged ones
/// from the previous output) and copies every file into a staging folder,
/// then swaps it in; returns how many files it holds, the output it
/// replaced and, with `reuse`, each keyed file's path, key and stamp as
/// published. With `record`, also keeps the hash of each rendered file's
/// bytes, by path.
fn write_staged(
    pass: &Pass<'_>,
    steps: &mut Steps,
    record: Option<&Mutex<HashMap<String, u64>>>,
    reuse: Option<&Reuse<'_>>,
) -> Result<(Staged, PreviousOutput, Stamped), BuildErrors> {
    let staging = Staging::create(pass.output)?;
    let planned = pass.plan.files().map(|file| file.path);
    let copied = pass.copies.iter().map(|(_, to)| to.as_str());
    steps.run("folders", || staging.create_folders(planned.chain(copied)))?;
    let reused: HashMap<&str, Option<FileStamp>> = match reuse {
        Some(reuse) => steps.run("reuse", || link_unchanged(&staging, pass, reuse)),
        None => HashMap::new(),
    };
    let write = |path: &str, bytes: &[u8]| {
        if let Some(record) = record {
            let hash = content_hash(bytes);
            record
                .lock()
                .expect("record lock")
                .insert(path.to_string(), hash);
        }
        staging.write(path, bytes)
    };
    let wanted = |file: PlannedFile<'_>| !reused.contains_key(file.path);
    steps
        .run("render", || {
            render_plan_with(
                pass.site,
                pass.templates,
                pass.plan,
                pass.search,
                &wanted,
                &write,
            )
        })
        .map_err(BuildErrors)?;
    let copy_errors = steps.run("copy", || staging.copy_files(pass.copies));
    if !copy_errors.is_empty() {
        return Err(BuildErrors(copy_errors));
    }
    let stamps = match reuse {
        Some(reuse) => steps.run("stamps", || stamps(&staging, pass, reuse.keys, &reused)),
        None => Vec::new(),
    };
    let staged = Staged {
        files: staging.file_count(),
        reused: reused.len(),
    };
    let previous_output = steps.run("publish", || staging.publish())?;
    Ok((staged, previous_output, stamps))
}

/// Links into `staging` every planned file that the previous output has
/// with the same content key, still as written; returns their paths, each
/// with its stamp when it is the same file (not a copy). A file that a copy
/// replaces is never linked: the copy would write into the previous
/// output's file.
fn link_unchanged<'p>(
    staging: &Staging,
    pass: &Pass<'p>,
    reuse: &Reuse<'_>,
) -> HashMap<&'p str, Option<FileStamp>> {
    if !reuse.cache.has_output(pass.output) {
        return HashMap::new();
    }
    let copied: HashSet<&str> = pass.copies.iter().map(|(_, to)| to.as_str()).collect();
    let files: Vec<(PlannedFile<'p>, u64)> = pass
        .plan
        .files()
        .zip(reuse.keys)
        .filter_map(|(file, key)| Some((file, (*key)?)))
        .filter(|(file, _)| !copied.contains(file.path))
        .collect();
    files
        .into_par_iter()
        .filter_map(|(file, key)| {
            let (previous, stamp) = reuse.cache.unchanged_file(pass.output, file.path, key)?;
            let linked = staging.link(&previous, file.path)?;
            Some((file.path, (linked == Linked::Same).then_some(stamp)))
        })
        .collect()
}

/// Each keyed planned file that a copy did not replace, with its key and its
/// stamp in `staging` (known already for a file linked as it was).
fn stamps(
    staging: &Staging,
    pass: &Pass<'_>,
    keys: &[Option<u64>],
    reused: &HashMap<&str, Option<FileStamp>>,
) -> Stamped {
    let copied: HashSet<&str> = pass.copies.iter().map(|(_, to)| to.as_str()).collect();
    let files: Vec<(&str, u64)> = pass
        .plan
        .files()
        .zip(keys)
        .filter_map(|(file, key)| Some((file.path, (*key)?)))
        .filter(|(path, _)| !copied.contains(path))
        .collect();
    files
        .into_par_iter()
        .filter_map(|(path, key)| {
            let stamp = reused.get(path).copied().flatten();
            Some((
                path.to_string(),
                key,
                stamp.or_else(|| staging.stamp(path))?,
            ))
        })
        .collect()
}

/// What the model is built from: authors and pages read, and every article
/// file with the hash of its inputs (read only where `changed` says, when it
/// says). Returns every error met.
fn load_sources(
    root: &Path,
    cache: &mut ArticleCache,
    changed: Option<&[PathBuf]>,
) -> (Sources, Vec<Error>) {
    let content = root.join(CONTENT_DIR);
    let articles_dir = content.join("articles");
    let (files, folders, mut errors) = find_articles(root, &articles_dir);
    let (authors, broken_authors) = read_authors(root, &mut errors);
    let pages = read_pages(root, &mut errors);
    let sources = Sources {
        authors,
        broken_authors,
        pages,
        articles: cache.input_hashes(&articles_dir, files, changed),
        article_folders: folders,
    };
    (sources, errors)
}

/// `site.toml`, with `base_url` replaced when the request says so.
pub(crate) fn load_config(request: &BuildRequest) -> Result<SiteConfig, Vec<Error>> {
    let mut config = SiteConfig::load(&request.root)?;
    if let Some(base_url) = &request.base_url {
        config.base_url.clone_from(base_url);
    }
    Ok(config)
}

/// Where the output goes: the request's folder, else `[build] output_dir`.
pub(crate) fn output_dir(request: &BuildRequest, config: &SiteConfig) -> PathBuf {
    request.output.clone().unwrap_or_else(|| {
        if request.root == Path::new(".") {
            config.build.output_dir.clone()
        } else {
            request.root.join(&config.build.output_dir)
        }
    })
}

/// The files copied as they are: each bundle's assets beside its page, then
/// `static/` at the output root (last, so a site's file wins over a generated
/// one).
pub(crate) fn copied_files(root: &Path, site: &Site) -> Result<Vec<(PathBuf, String)>, Error> {
    let mut files: Vec<(PathBuf, String)> = site.articles.iter().flat_map(article_assets).collect();
    files.extend(files_under(&root.join(STATIC_DIR), "")?);
    Ok(files)
}

/// An article's bundle files: (source, path under the output folder).
pub(crate) fn article_assets(article: &Article) -> impl Iterator<Item = (PathBuf, String)> + '_ {
    article
        .assets
        .iter()
        .map(|(from, relative)| (from.clone(), join_url_path(&article.permalink, relative)))
}
