//! `scholia import`: bring a WordPress or Disqus export in.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Subcommand;
use scholia::import::{ImportError, ImportReport, disqus, wordpress};

use super::EXIT_CONTENT_ERROR;

/// Arguments of `scholia import`.
#[derive(Debug, clap::Args)]
pub(crate) struct ImportArgs {
    /// Where the export comes from.
    #[command(subcommand)]
    source: ImportSource,
}

/// The exports scholia reads.
#[derive(Debug, Subcommand)]
enum ImportSource {
    /// Turn a WordPress export (Tools → Export, WXR 1.0–1.2) into a new site.
    Wordpress {
        /// The export file.
        #[arg(value_name = "EXPORT.xml")]
        export: PathBuf,
        /// The new site's folder: absent or empty.
        #[arg(long, value_name = "DIR")]
        into: PathBuf,
        /// A copy of the site's wp-content/uploads: images the posts use are
        /// copied into their articles, so the archive no longer needs the old host.
        #[arg(long, value_name = "PATH")]
        uploads: Option<PathBuf>,
        /// Keep pingbacks and trackbacks as comments.
        #[arg(long)]
        pingbacks: bool,
        /// List every skipped or repaired item, not only the counts.
        #[arg(long)]
        verbose: bool,
    },
    /// Merge a Disqus export's comments into an existing site's threads.
    Disqus {
        /// The export file.
        #[arg(value_name = "EXPORT.xml")]
        export: PathBuf,
        /// The site's folder (the one holding site.toml).
        #[arg(long, value_name = "SITE")]
        into: PathBuf,
        /// List every skipped or repaired item, not only the counts.
        #[arg(long)]
        verbose: bool,
    },
}

/// Runs the import and prints its report.
pub(crate) fn run(args: ImportArgs) -> ExitCode {
    match args.source {
        ImportSource::Wordpress {
            export,
            into,
            uploads,
            pingbacks,
            verbose,
        } => {
            let options = wordpress::WordpressOptions { uploads, pingbacks };
            finish(
                wordpress::import(&export, &into, &options),
                &into,
                verbose,
                "scholia build --root",
            )
        }
        ImportSource::Disqus {
            export,
            into,
            verbose,
        } => finish(
            disqus::import(&export, &into),
            &into,
            verbose,
            "scholia check --root",
        ),
    }
}

fn finish(
    result: Result<ImportReport, ImportError>,
    into: &Path,
    verbose: bool,
    next: &str,
) -> ExitCode {
    match result {
        Ok(report) => {
            // A closed pipe (`| head`) must not turn a finished import into a panic.
            let _ = writeln!(
                std::io::stdout(),
                "{}Next: {next} {}",
                report.render(verbose),
                into.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(EXIT_CONTENT_ERROR)
        }
    }
}
