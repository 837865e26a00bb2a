//! `scholia build`.

use std::path::PathBuf;
use std::process::ExitCode;

use scholia::{BuildErrors, BuildReport, BuildRequest};

use super::{EXIT_CONTENT_ERROR, SiteArgs};

/// Arguments of `scholia build`.
#[derive(Debug, clap::Args)]
pub(crate) struct BuildArgs {
    #[command(flatten)]
    site: SiteArgs,
    /// Write the site here instead of `[build] output_dir`.
    #[arg(long, short, value_name = "DIR")]
    output: Option<PathBuf>,
}

/// Runs the build and reports it.
pub(crate) fn run(args: BuildArgs) -> ExitCode {
    let request = BuildRequest {
        root: args.site.root.clone(),
        output: args.output,
        options: args.site.options(),
        base_url: None,
        now: chrono::Utc::now(),
    };
    match scholia::build(&request) {
        Ok(report) => {
            print_report(&report);
            ExitCode::SUCCESS
        }
        Err(errors) => {
            print_errors(&errors);
            ExitCode::from(EXIT_CONTENT_ERROR)
        }
    }
}

/// Prints a failed build's errors.
pub(crate) fn print_errors(errors: &BuildErrors) {
    eprintln!("{errors}");
    eprintln!("Nothing was written: the output folder is as it was before this build.");
}

/// Prints warnings, the time of each step and the one-line summary.
pub(crate) fn print_report(report: &BuildReport) {
    for warning in &report.warnings {
        eprintln!("warning: {warning}");
    }
    let steps: Vec<String> = report
        .steps
        .iter()
        .map(|(name, time)| format!("{name} {}", millis(*time)))
        .collect();
    eprintln!("  steps: {}", steps.join(", "));
    println!("{}", summary(report));
}

/// "Built 3 articles, 12 comments, 40 files in 25 ms → public".
pub(crate) fn summary(report: &BuildReport) -> String {
    format!(
        "Built {} article{}, {} comment{}, {} files in {} → {}",
        report.articles,
        plural(report.articles),
        report.comments,
        plural(report.comments),
        report.files,
        millis(report.total_time()),
        report.output.display()
    )
}

fn millis(time: std::time::Duration) -> String {
    format!("{} ms", time.as_millis())
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
