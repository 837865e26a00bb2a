//! `scholia check`.

use std::process::ExitCode;

use scholia::BuildRequest;
use scholia::check::check_links;

use super::build::{print_errors, summary};
use super::{EXIT_CONTENT_ERROR, SiteArgs};

/// Arguments of `scholia check`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    #[command(flatten)]
    site: SiteArgs,
}

/// Builds into a temporary folder (the output folder is not touched) and checks
/// every internal link and anchor.
pub fn run(args: CheckArgs) -> ExitCode {
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
        base_url: None,
        now: chrono::Utc::now(),
    };
    let report = match scholia::build(&request) {
        Ok(report) => report,
        Err(errors) => {
            print_errors(&errors);
            return ExitCode::from(EXIT_CONTENT_ERROR);
        }
    };
    for warning in &report.warnings {
        eprintln!("warning: {warning}");
    }
    eprintln!("{}", summary(&report));
    let base_url = scholia::config::SiteConfig::load(&args.site.root)
        .map(|c| c.base_url)
        .unwrap_or_default();
    match check_links(&output, &base_url) {
        Ok(broken) if broken.is_empty() => {
            println!("All internal links and anchors resolve.");
            ExitCode::SUCCESS
        }
        Ok(broken) => {
            for link in &broken {
                println!("broken: {link}");
            }
            println!(
                "{} broken link{}",
                broken.len(),
                if broken.len() == 1 { "" } else { "s" }
            );
            ExitCode::from(EXIT_CONTENT_ERROR)
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(EXIT_CONTENT_ERROR)
        }
    }
}
