//! `scholia build`.

use std::path::PathBuf;
use std::process::ExitCode;

use scholia::site::BuildOptions;
use scholia::{BuildReport, BuildRequest};

use super::{EXIT_CONTENT_ERROR, RootArg};

/// Arguments of `scholia build`.
#[derive(Debug, clap::Args)]
pub struct BuildArgs {
    #[command(flatten)]
    site: RootArg,
    /// Write the site here instead of `[build] output_dir`.
    #[arg(long, short, value_name = "DIR")]
    output: Option<PathBuf>,
    /// Include articles and pages marked `draft = true`.
    #[arg(long)]
    drafts: bool,
}

/// Runs the build and reports it.
pub fn run(args: BuildArgs) -> ExitCode {
    let request = BuildRequest {
        root: args.site.root,
        output: args.output,
        options: BuildOptions {
            drafts: args.drafts,
        },
    };
    match scholia::build(&request) {
        Ok(report) => {
            print_report(&report);
            ExitCode::SUCCESS
        }
        Err(errors) => {
            eprintln!("{errors}");
            eprintln!("Nothing was written: the output folder is as it was before this build.");
            ExitCode::from(EXIT_CONTENT_ERROR)
        }
    }
}

fn print_report(report: &BuildReport) {
    for warning in &report.warnings {
        eprintln!("warning: {warning}");
    }
    let steps: Vec<String> = report
        .steps
        .iter()
        .map(|(name, time)| format!("{name} {}", millis(*time)))
        .collect();
    eprintln!("  steps: {}", steps.join(", "));
    println!(
        "Built {} article{}, {} comment{}, {} files in {} → {}",
        report.articles,
        plural(report.articles),
        report.comments,
        plural(report.comments),
        report.files,
        millis(report.total_time()),
        report.output.display()
    );
}

fn millis(time: std::time::Duration) -> String {
    format!("{} ms", time.as_millis())
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
