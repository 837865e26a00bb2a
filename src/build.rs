//! The build, as a straight list of named, timed steps:
//! config → content → model → templates → render → copy → publish.
//!
//! Owns the order of the pipeline and the gathering of every error into one
//! report. It prints nothing; the command layer does.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::config::SiteConfig;
use crate::content::load_content;
use crate::error::{BuildErrors, Error, Warning};
use crate::output::{Staging, check_output_dir, files_under, join_url_path};
use crate::render::{load_templates, render_site};
use crate::site::{BuildOptions, Site, build_site};

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
struct Steps(Vec<(&'static str, Duration)>);

impl Steps {
    fn run<T>(&mut self, name: &'static str, step: impl FnOnce() -> T) -> T {
        let start = Instant::now();
        let result = step();
        self.0.push((name, start.elapsed()));
        result
    }
}

/// Builds the site at `request.root`. On any error nothing in the output folder
/// changes and every error found is returned.
pub fn build(request: &BuildRequest) -> Result<BuildReport, BuildErrors> {
    let root = &request.root;
    let mut steps = Steps(Vec::new());
    let mut errors: Vec<Error> = Vec::new();

    let mut config = steps
        .run("config", || SiteConfig::load(root))
        .unwrap_or_else(|mut found| {
            errors.append(&mut found);
            SiteConfig::default() // go on, so content errors are reported in the same run
        });
    if let Some(base_url) = &request.base_url {
        config.base_url.clone_from(base_url);
    }
    let (content, mut found) = steps.run("content", || load_content(root));
    errors.append(&mut found);
    let output = request.output.clone().unwrap_or_else(|| {
        if root == Path::new(".") {
            config.build.output_dir.clone()
        } else {
            root.join(&config.build.output_dir)
        }
    });
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
    steps
        .run("render", || {
            render_site(&site, &tera, &|path, bytes| staging.write(path, bytes))
        })
        .map_err(BuildErrors)?;
    let copy_errors = steps.run("copy", || copy_files(root, &site, &staging));
    if !copy_errors.is_empty() {
        return Err(BuildErrors(copy_errors));
    }
    let files = staging.file_count();
    steps.run("publish", || staging.publish())?;
    Ok(BuildReport {
        articles: site.articles.len(),
        comments: site.comment_count(),
        files,
        output,
        steps: steps.0,
        warnings,
    })
}

/// Copies `static/` to the output root and each bundle's assets beside its page.
/// Static files are copied last, so a site's file wins over a generated one.
fn copy_files(root: &Path, site: &Site, staging: &Staging) -> Vec<Error> {
    let assets: Vec<(PathBuf, String)> =
        site.articles
            .iter()
            .flat_map(|article| {
                article.assets.iter().map(|(from, relative)| {
                    (from.clone(), join_url_path(&article.permalink, relative))
                })
            })
            .collect();
    let mut errors = staging.copy_files(&assets);
    match files_under(&root.join(STATIC_DIR), "") {
        Ok(files) => errors.extend(staging.copy_files(&files)),
        Err(e) => errors.push(e),
    }
    errors
}
