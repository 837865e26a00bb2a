//! The `scholia` binary: parses the command line and runs a subcommand.

mod cmd;

use std::process::ExitCode;

use clap::Parser;

use cmd::{Cli, Command};

// Builds allocate many small strings from several threads at once; mimalloc
// handles that with far less contention than the system allocator. Its
// `no_thp` feature (Cargo.toml) keeps it from asking Linux for transparent
// huge pages: each fault then zeroed 2 MiB, a tenth of a large build's CPU,
// and held ~130 MiB more at the peak.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse(); // exits with code 2 on a usage error
    match cli.command {
        Command::Build(args) => cmd::build::run(args),
        Command::Serve(args) => cmd::serve::run(args),
        Command::Check(args) => cmd::check::run(args),
        Command::Init(args) => cmd::init::run(args),
        Command::Import(args) => cmd::import::run(args),
        Command::RemovePreviousOutput(args) => cmd::build::remove_previous_output(args),
    }
}
