//! The command line: one file per subcommand. This is the edge of the program:
//! it turns library results into terminal output and exit codes.

pub mod build;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

/// Exit code of a build that found errors in the site.
pub const EXIT_CONTENT_ERROR: u8 = 1;

/// scholia builds a static site from a commentary archive: articles, their reader
/// comment threads, authors and tags.
#[derive(Debug, Parser)]
#[command(name = "scholia", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the site into its output folder (default `public/`).
    Build(build::BuildArgs),
}

/// Where the site is, shared by subcommands.
#[derive(Debug, Clone, clap::Args)]
pub struct RootArg {
    /// The site's folder (the one holding site.toml).
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub root: PathBuf,
}
