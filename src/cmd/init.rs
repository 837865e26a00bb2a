//! `scholia init`.

use std::path::PathBuf;
use std::process::ExitCode;

use scholia::scaffold::{CiHost, SCHOLIA_REPOSITORY};

use super::EXIT_CONTENT_ERROR;

/// Arguments of `scholia init`.
#[derive(Debug, clap::Args)]
pub(crate) struct InitArgs {
    /// The folder to create the site in (new, or empty).
    #[arg(value_name = "DIR")]
    dir: PathBuf,
    /// Also write a CI workflow that builds the site and publishes it to this
    /// host's Pages on every push to the default branch.
    #[arg(long, value_name = "HOST")]
    ci: Option<Ci>,
}

/// The hosts `--ci` knows.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Ci {
    /// GitHub Actions → GitHub Pages (.github/workflows/pages.yml).
    Github,
    /// GitLab CI → GitLab Pages (.gitlab-ci.yml).
    Gitlab,
}

impl From<Ci> for CiHost {
    fn from(ci: Ci) -> CiHost {
        match ci {
            Ci::Github => CiHost::GitHub,
            Ci::Gitlab => CiHost::GitLab,
        }
    }
}

/// Writes the scaffold and says what to do next.
pub(crate) fn run(args: InitArgs) -> ExitCode {
    let ci = args.ci.map(CiHost::from);
    match scholia::scaffold::create_site(&args.dir, ci) {
        Ok(files) => {
            for file in &files {
                println!("  created {}", file.display());
            }
            if let Some(host) = ci
                && SCHOLIA_REPOSITORY.is_empty()
            {
                println!(
                    "Set SCHOLIA_GIT in {} to the git URL you install scholia from (this build of scholia does not know it).",
                    host.workflow_path()
                );
            }
            println!(
                "New site in {dir}. Next: scholia serve --root {dir}   (or: scholia build --root {dir})",
                dir = args.dir.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(EXIT_CONTENT_ERROR)
        }
    }
}
