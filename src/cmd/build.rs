//! `scholia build`.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};

use scholia::output::{PreviousOutput, is_previous_output};
use scholia::{BuildErrors, BuildReport, BuildRequest};

use super::{BaseUrlArg, EXIT_CONTENT_ERROR, EXIT_USAGE, SiteArgs};

/// Arguments of `scholia build`.
#[derive(Debug, clap::Args)]
pub(crate) struct BuildArgs {
    #[command(flatten)]
    site: SiteArgs,
    /// Write the site here instead of `[build] output_dir`.
    #[arg(long, short, value_name = "DIR")]
    output: Option<PathBuf>,
    #[command(flatten)]
    base_url: BaseUrlArg,
    /// Build everything from scratch: neither read nor save the build cache
    /// (`.scholia-cache/` in the site root).
    #[arg(long)]
    no_cache: bool,
}

/// Runs the build and reports it.
pub(crate) fn run(args: BuildArgs) -> ExitCode {
    let request = BuildRequest {
        root: args.site.root.clone(),
        output: args.output,
        options: args.site.options(),
        base_url: args.base_url.base_url,
        now: chrono::Utc::now(),
    };
    let built = if args.no_cache {
        scholia::build::build_with_model(&request).map(|(report, site)| {
            // The process ends right after: freeing the model (every article
            // and comment, one allocation at a time, on one thread) would
            // only delay the exit, as the system takes the memory back at
            // once. About 70 ms on the 10,000-article benchmark archive.
            std::mem::forget(site);
            report
        })
    } else {
        scholia::build::build_cached(&request)
    };
    match built {
        Ok(mut report) => {
            let previous = std::mem::take(&mut report.previous_output);
            print_report(&report);
            remove_in_background(previous);
            ExitCode::SUCCESS
        }
        Err(errors) => {
            print_errors(&errors);
            ExitCode::from(EXIT_CONTENT_ERROR)
        }
    }
}

/// Arguments of the hidden `scholia remove-previous-output`.
#[derive(Debug, clap::Args)]
pub(crate) struct RemovePreviousOutputArgs {
    /// The folder a build moved aside (`.public.staging-123-old`).
    path: PathBuf,
}

/// Removes the output this build replaced without making the command wait:
/// a tree of tens of thousands of files takes seconds to delete, and the new
/// output is already in place. A process of our own does it and outlives
/// this one; if it cannot be started, the removal happens here.
fn remove_in_background(previous: PreviousOutput) {
    let Some(path) = previous.hand_over() else {
        return;
    };
    let started = std::env::current_exe().and_then(|exe| {
        Command::new(exe)
            .arg("remove-previous-output")
            .arg(&path)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
    });
    if started.is_err() {
        let _ = std::fs::remove_dir_all(&path);
    }
}

/// `scholia remove-previous-output PATH`: removes PATH if, and only if, it
/// is a previous output that a build moved aside.
pub(crate) fn remove_previous_output(args: RemovePreviousOutputArgs) -> ExitCode {
    if !is_previous_output(&args.path) {
        eprintln!(
            "error: {} is not a previous output moved aside by `scholia build`; nothing removed",
            args.path.display()
        );
        return ExitCode::from(EXIT_USAGE);
    }
    match std::fs::remove_dir_all(&args.path) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: could not remove {}: {e}", args.path.display());
            ExitCode::FAILURE
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

/// "Built 3 articles, 12 comments, 40 files in 25 ms → public", with
/// "(38 unchanged)" after the files when some were reused.
pub(crate) fn summary(report: &BuildReport) -> String {
    let reused = match report.reused {
        0 => String::new(),
        n => format!(" ({n} unchanged)"),
    };
    format!(
        "Built {} article{}, {} comment{}, {} files{reused} in {} → {}",
        report.articles,
        plural(report.articles),
        report.comments,
        plural(report.comments),
        report.files,
        millis(report.total_time()),
        shown_path(&report.output).display()
    )
}

/// `path` as the user would write it from here: relative to the current
/// folder when it is under it (a build through the cache names the output
/// from the site's full path).
fn shown_path(path: &Path) -> &Path {
    std::env::current_dir()
        .ok()
        .and_then(|here| path.strip_prefix(here).ok())
        .filter(|relative| !relative.as_os_str().is_empty())
        .unwrap_or(path)
}

fn millis(time: std::time::Duration) -> String {
    format!("{} ms", time.as_millis())
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
