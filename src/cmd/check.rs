//! `scholia check`.

use std::process::ExitCode;

use scholia::BuildRequest;
use scholia::check::check_site;

use super::build::{print_errors, summary};
use super::{BaseUrlArg, EXIT_CONTENT_ERROR, SiteArgs};

/// Arguments of `scholia check`.
#[derive(Debug, clap::Args)]
pub(crate) struct CheckArgs {
    #[command(flatten)]
    site: SiteArgs,
    #[command(flatten)]
    base_url: BaseUrlArg,
}

/// Builds into a temporary folder (the output folder is not touched) and checks
/// every internal link and anchor, naming where each broken one is written.
pub(crate) fn run(args: CheckArgs) -> ExitCode {
    let scratch = match tempfile::tempdir() {
        Ok(dir) => dir,
        Err(e) => {
            eprintln!("error: cannot create a temporary folder to build into: {e}");
            return ExitCode::from(EXIT_CONTENT_ERROR);
        }
    };
    let output = scratch.path().join("site");
    let request = BuildRequest {
        root: args.site.root.clone(),
        output: Some(output.clone()),
        options: args.site.options(),
        base_url: args.base_url.base_url,
        now: chrono::Utc::now(),
    };
    let report = match check_site(&request) {
        Ok(report) => report,
        Err(errors) => {
            print_errors(&errors);
            return ExitCode::from(EXIT_CONTENT_ERROR);
        }
    };
    for warning in &report.build.warnings {
        eprintln!("warning: {warning}");
    }
    eprintln!("{}", summary(&report.build));
    let broken = &report.broken;
    if broken.is_empty() {
        println!("All internal links and anchors resolve.");
        return ExitCode::SUCCESS;
    }
    for link in broken {
        println!("broken: {link}");
    }
    println!(
        "{} broken link{}",
        broken.len(),
        if broken.len() == 1 { "" } else { "s" }
    );
    ExitCode::from(EXIT_CONTENT_ERROR)
}
