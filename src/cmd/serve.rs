//! `scholia serve`.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use scholia::serve::{Preview, Rebuild, ServeRequest};

use super::build::{print_errors, print_report};
use super::{EXIT_CONTENT_ERROR, SiteArgs};

/// The port tried first when none is given.
const DEFAULT_PORT: u16 = 8111;

/// Arguments of `scholia serve`.
#[derive(Debug, clap::Args)]
pub(crate) struct ServeArgs {
    #[command(flatten)]
    site: SiteArgs,
    /// Port on 127.0.0.1 (default 8111, or the next free one).
    #[arg(long, short)]
    port: Option<u16>,
    /// Open the site in the default browser.
    #[arg(long)]
    open: bool,
}

/// Serves until Ctrl-C.
pub(crate) fn run(args: ServeArgs) -> ExitCode {
    let request = ServeRequest {
        root: args.site.root.clone(),
        port: args.port.unwrap_or(DEFAULT_PORT),
        port_fallback: args.port.is_none(),
        options: args.site.options(),
    };
    let preview = match Preview::start(request.clone()) {
        Ok(preview) => preview,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(EXIT_CONTENT_ERROR);
        }
    };
    let stop = Arc::new(AtomicBool::new(false));
    {
        let (stop, stopper) = (Arc::clone(&stop), preview.stopper());
        let handler = ctrlc::set_handler(move || {
            stop.store(true, Ordering::SeqCst);
            stopper.stop();
        });
        if let Err(e) = handler {
            eprintln!("warning: Ctrl-C will not stop the server cleanly: {e}");
        }
    }
    if preview.port() != request.port {
        eprintln!(
            "Port {} is in use; using {} instead.",
            request.port,
            preview.port()
        );
    }
    // Watching starts first, so that an edit made during the first build
    // causes a rebuild rather than being lost.
    let watching = match preview.watch_sources() {
        Ok(watching) => watching,
        Err(e) => {
            eprintln!("error: cannot watch the site's files: {e}");
            preview.shutdown();
            return ExitCode::from(EXIT_CONTENT_ERROR);
        }
    };
    let report = |changed: &[PathBuf], outcome: &Rebuild| report(&preview, changed, outcome);
    report(&[], &preview.rebuild(None));
    println!(
        "Serving {} at {}  (Ctrl-C to stop)",
        display_root(&request.root),
        preview.url()
    );
    if args.open
        && let Err(e) = opener::open(preview.url())
    {
        eprintln!("warning: could not open a browser: {e}");
    }
    preview.watch(watching, &stop, report);
    println!("Stopped.");
    ExitCode::SUCCESS
}

/// Prints what changed (relative to the site root) and how the rebuild went.
fn report(preview: &Preview, changed: &[PathBuf], outcome: &Rebuild) {
    if let Some(first) = changed.first() {
        let first = preview.relative_path(first);
        let more = if changed.len() > 1 {
            format!(" and {} more", changed.len() - 1)
        } else {
            String::new()
        };
        eprintln!("Changed: {}{more}", first.display());
    }
    match outcome {
        Ok(report) => print_report(report),
        Err(errors) => {
            print_errors(errors);
            if preview.has_good_build() {
                eprintln!("Still serving the last good build.");
            } else {
                eprintln!(
                    "There is no good build yet: pages show these errors until the site builds."
                );
            }
        }
    }
}

fn display_root(root: &std::path::Path) -> String {
    std::fs::canonicalize(root)
        .unwrap_or_else(|_| root.to_path_buf())
        .display()
        .to_string()
}
