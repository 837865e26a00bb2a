//! The build, as a straight list of named, timed steps:
//! config → content → model → templates → render → copy → publish.
//!
//! Owns the order of the pipeline and the gathering of every error into one
//! report. It prints nothing; the command layer does.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::config::SiteConfig;
use crate::content::load_content;
use crate::error::{BuildErrors, Error, Warning};
use crate::output::{Staging, check_output_dir, files_under, join_url_path};
use crate::render::{load_templates, render_site};
use crate::site::{Article, BuildOptions, Site, build_site};

/// The folder, under the site root, copied as-is to the output root.
pub const STATIC_DIR: &str = "static";

/// What to build and where.
#[derive(Debug, Clone, Default)]
pub struct BuildRequest {
    /// The site root (holding site.toml).
    pub root: PathBuf,
    /// The output folder; default `[build] output_dir` under the root.
    pub output: Option<PathBuf>,
    /// Content choices (drafts, future articles).
    pub options: BuildOptions,
    /// Replaces `base_url` from site.toml (`serve` uses its own address).
    pub base_url: Option<String>,
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
    /// The output folder.
    pub output: PathBuf,
    /// Each step's name and duration, in order.
    pub steps: Vec<(&'static str, Duration)>,
    /// Problems that did not stop the build.
    pub warnings: Vec<Warning>,
}

impl BuildReport {
    /// Total time of all steps.
    pub fn total_time(&self) -> Duration {
        self.steps.iter().map(|(_, d)| *d).sum()
    }
}

/// Times each step of a build.
pub(crate) struct Steps(pub(crate) Vec<(&'static str, Duration)>);

impl Steps {
    /// Runs `step`, recording its time under `name`.
    pub(crate) fn run<T>(&mut self, name: &'static str, step: impl FnOnce() -> T) -> T {
        let start = Instant::now();
        let result = step();
        self.0.push((name, start.elapsed()));
        result
    }
}

/// Builds the site at `request.root`. On any error nothing in the output folder
/// changes and every error found is returned.
pub fn build(request: &BuildRequest) -> Result<BuildReport, BuildErrors> {
    full_build(request, false).map(|done| done.report)
}

/// A finished full build, with what a later incremental build starts from.
pub(crate) struct FullBuild {
    /// What it did.
    pub(crate) report: BuildReport,
    /// The site it built.
    pub(crate) site: Site,
    /// Each output file with the hash of its bytes (empty unless recorded).
    pub(crate) outputs: HashMap<String, u64>,
}

/// Builds everything into a staging folder and swaps it in. With
/// `record_outputs`, also hashes every file written, for incremental builds.
pub(crate) fn full_build(
    request: &BuildRequest,
    record_outputs: bool,
) -> Result<FullBuild, BuildErrors> {
    let root = &request.root;
    let mut steps = Steps(Vec::new());
    let mut errors: Vec<Error> = Vec::new();

    let config = steps
        .run("config", || load_config(request))
        .unwrap_or_else(|mut found| {
            errors.append(&mut found);
            SiteConfig::default() // go on, so content errors are reported in the same run
        });
    let (content, mut found) = steps.run("content", || load_content(root));
    errors.append(&mut found);
    let output = output_dir(request, &config);
    let model = steps.run("model", || build_site(config, content, request.options));
    let templates = steps.run("templates", || load_templates(root));
    let (site, warnings, tera) = match (model, templates) {
        (Ok((site, warnings)), Ok(tera)) if errors.is_empty() => (site, warnings, tera),
        (model, templates) => {
            errors.extend(model.err().into_iter().flatten());
            errors.extend(templates.err().into_iter().flatten());
            return Err(BuildErrors(errors));
        }
    };
    check_output_dir(root, &output)?;

    let staging = Staging::create(&output)?;
    let outputs = Mutex::new(HashMap::new());
    let write = |path: &str, bytes: &[u8]| {
        if record_outputs {
            outputs
                .lock()
                .expect("outputs lock")
                .insert(path.to_string(), content_hash(bytes));
        }
        staging.write(path, bytes)
    };
    steps
        .run("render", || render_site(&site, &tera, &write))
        .map_err(BuildErrors)?;
    let copies = copied_files(root, &site)?;
    let copy_errors = steps.run("copy", || staging.copy_files(&copies));
    if !copy_errors.is_empty() {
        return Err(BuildErrors(copy_errors));
    }
    let mut outputs = outputs.into_inner().expect("outputs lock");
    if record_outputs {
        outputs.extend(copies.into_iter().map(|(_, to)| (to, COPIED)));
    }
    let files = staging.file_count();
    steps.run("publish", || staging.publish())?;
    let report = BuildReport {
        articles: site.articles.len(),
        comments: site.comment_count(),
        files,
        output,
        steps: steps.0,
        warnings,
    };
    Ok(FullBuild {
        report,
        site,
        outputs,
    })
}

/// The hash recorded for a copied file (its bytes are not read).
pub(crate) const COPIED: u64 = 0;

/// A fast hash of a file's bytes, to tell whether a rebuild changed it.
pub(crate) fn content_hash(bytes: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_64(bytes)
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
