//! The floor a build is quoted against: writes a tree with the same files,
//! the same sizes and the same folders as a built output, through the same
//! staging folder, folder creation, writes and publish as `scholia build`,
//! with the same parallelism — and nothing else (no reading, no rendering).
//!
//!     cargo bench --bench floor -- BUILT_OUTPUT DESTINATION [RUNS] [--remove-each]
//!
//! Lists BUILT_OUTPUT first (not timed), then RUNS times (default 3) writes
//! a fresh DESTINATION-<run> and prints each run's time and the median.
//! The trees are removed only after the last run: on ext4 without a journal
//! the kernel passes over recently freed inodes when it allocates new ones,
//! so a run after a deletion would pay for it (benches/README.md). With
//! `--remove-each` (for tmpfs, which has no such cost), each tree is removed
//! as soon as its run is timed: a tree kept in memory makes the next run
//! write into memory the virtual machine has not handed out yet, which on
//! this project's machines costs several times the writing itself.
//! `benches/lean.py` runs it beside real builds and prints the ratio.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use rayon::prelude::*;
use scholia::output::Staging;
use walkdir::WalkDir;

/// One file of the tree: its `/`-separated path and its size.
struct Shape {
    path: String,
    size: usize,
}

fn main() -> ExitCode {
    // `cargo bench` passes `--bench`; the rest are ours.
    let mut args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let remove_each = args.iter().any(|a| a == "--remove-each");
    args.retain(|a| a != "--remove-each");
    let (Some(built), Some(destination)) = (args.first(), args.get(1)) else {
        eprintln!(
            "usage: cargo bench --bench floor -- BUILT_OUTPUT DESTINATION [RUNS] [--remove-each]"
        );
        return ExitCode::from(2);
    };
    let runs: usize = args.get(2).and_then(|r| r.parse().ok()).unwrap_or(3);
    let shape = match shape_of(Path::new(built)) {
        Ok(shape) => shape,
        Err(e) => {
            eprintln!("floor: cannot list {built}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let bytes: usize = shape.iter().map(|f| f.size).sum();
    let largest = shape.iter().map(|f| f.size).max().unwrap_or(0);
    let filler = vec![b'x'; largest];
    let mut times = Vec::new();
    let mut written = Vec::new();
    for run in 1..=runs {
        let destination = PathBuf::from(format!("{destination}-{run}"));
        let _ = std::fs::remove_dir_all(&destination);
        let result = write_tree(&shape, &filler, &destination);
        if remove_each {
            let _ = std::fs::remove_dir_all(&destination);
        }
        written.push(destination);
        match result {
            Ok(time) => {
                println!("floor run {run}: {} ms", time.as_millis());
                times.push(time);
            }
            Err(e) => {
                eprintln!("floor: {e}");
                break;
            }
        }
    }
    for tree in &written {
        let _ = std::fs::remove_dir_all(tree);
    }
    if times.len() < runs {
        return ExitCode::FAILURE;
    }
    times.sort();
    println!(
        "floor: {} files, {bytes} bytes, median {} ms over {runs} runs",
        shape.len(),
        times[times.len() / 2].as_millis()
    );
    ExitCode::SUCCESS
}

/// Every file under `dir`, with its size, in a stable order.
fn shape_of(dir: &Path) -> Result<Vec<Shape>, walkdir::Error> {
    let mut shape = Vec::new();
    for entry in WalkDir::new(dir).sort_by_file_name() {
        let entry = entry?;
        if entry.file_type().is_file() {
            let relative = entry.path().strip_prefix(dir).expect("under dir");
            shape.push(Shape {
                path: relative.to_string_lossy().replace('\\', "/"),
                size: entry.metadata()?.len() as usize,
            });
        }
    }
    Ok(shape)
}

/// Writes the tree as a build does: a staging folder, its folders once,
/// the files in parallel, then the swap. Returns the time it took.
fn write_tree(
    shape: &[Shape],
    filler: &[u8],
    destination: &Path,
) -> Result<Duration, scholia::Error> {
    let start = Instant::now();
    let staging = Staging::create(destination)?;
    staging.create_folders(shape.iter().map(|f| f.path.as_str()))?;
    shape
        .par_iter()
        .try_for_each(|f| staging.write(&f.path, &filler[..f.size]))?;
    staging.publish()?;
    Ok(start.elapsed())
}
