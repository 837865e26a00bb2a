//! The command line: one file per subcommand. This is the edge of the program:
//! it turns library results into terminal output and exit codes.

pub(crate) mod build;
pub(crate) mod check;
pub(crate) mod import;
pub(crate) mod init;
pub(crate) mod serve;

use std::path::PathBuf;

use clap::{Parser, Subcommand};
use scholia::site::BuildOptions;

/// Exit code of a run that found errors in the site (or broken links).
pub(crate) const EXIT_CONTENT_ERROR: u8 = 1;

/// Exit code of a command given what it cannot work with (as clap's own
/// usage errors).
pub(crate) const EXIT_USAGE: u8 = 2;

/// scholia builds a static site from a commentary archive: articles, their reader
/// comment threads, authors and tags.
#[derive(Debug, Parser)]
#[command(name = "scholia", version, about, long_about = None)]
pub(crate) struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Build the site into its output folder (default `public/`).
    Build(build::BuildArgs),
    /// Build, serve on 127.0.0.1, rebuild on change and reload open pages.
    Serve(serve::ServeArgs),
    /// Build, then check every internal link and anchor of the output.
    Check(check::CheckArgs),
    /// Create a new site in DIR, ready to build.
    Init(init::InitArgs),
    /// Bring an archive in: a WordPress export as a new site, or Disqus comments into a site.
    Import(import::ImportArgs),
    /// Remove a previous output that `build` moved aside (run by `build`
    /// itself, in the background; not for people).
    #[command(hide = true)]
    RemovePreviousOutput(build::RemovePreviousOutputArgs),
}

/// Which site, and which of its content, shared by build, serve and check.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct SiteArgs {
    /// The site's folder (the one holding site.toml).
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub root: PathBuf,
    /// Include articles and pages marked `draft = true`.
    #[arg(long)]
    pub drafts: bool,
    /// Include articles dated in the future.
    #[arg(long)]
    pub future: bool,
}

/// `--base-url URL`, shared by build and check: the site's public URL for one
/// run, instead of `base_url` in site.toml.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct BaseUrlArg {
    /// Use URL as the site's public address for this run instead of `base_url`
    /// in site.toml (a deploy preview, a project site under /<repo>/).
    #[arg(long, value_name = "URL", value_parser = parse_base_url)]
    pub base_url: Option<String>,
}

/// Accepts an absolute http(s) URL without query or fragment, as `base_url`
/// must be; a usage error otherwise.
fn parse_base_url(text: &str) -> Result<String, String> {
    let url = url::Url::parse(text).map_err(|e| {
        format!("`{text}` is not a URL ({e}); give the full address, e.g. https://example.github.io/archive/")
    })?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(format!(
            "`{text}` must start with http:// or https:// and name a host, e.g. https://example.github.io/archive/"
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(format!(
            "`{text}` has a `?` query or `#` fragment; give only the address of the site's top folder"
        ));
    }
    Ok(text.to_string())
}

impl SiteArgs {
    /// The content choices these flags make.
    pub(crate) fn options(&self) -> BuildOptions {
        BuildOptions {
            drafts: self.drafts,
            future: self.future,
        }
    }
}
