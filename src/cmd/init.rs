//! `scholia init`.

use std::path::PathBuf;
use std::process::ExitCode;

use super::EXIT_CONTENT_ERROR;

/// Arguments of `scholia init`.
#[derive(Debug, clap::Args)]
pub(crate) struct InitArgs {
    /// The folder to create the site in (new, or empty).
    #[arg(value_name = "DIR")]
    dir: PathBuf,
}

/// Writes the scaffold and says what to do next.
pub(crate) fn run(args: InitArgs) -> ExitCode {
    match scholia::scaffold::create_site(&args.dir) {
        Ok(files) => {
            for file in &files {
                println!("  created {}", file.display());
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
