//! Inputs the fuzz targets (`fuzz/`) once failed on, replayed through the very
//! functions the targets call (`fuzz/src/lib.rs`, included below), so each
//! fixed crash stays fixed without nightly or libFuzzer.
//!
//! `tests/fixtures/fuzz/<target>/` holds the saved inputs, one file each, named
//! for what they broke; the targets' seed inputs (`fuzz/seeds/<target>/`) are
//! replayed too, so the properties the targets check hold for them in every
//! `cargo test`.

#[allow(dead_code)] // the fuzz crate's library, used here only in part
// The fuzz crate's public API, private here.
#[allow(unreachable_pub)]
#[path = "../fuzz/src/lib.rs"]
mod harness;

use std::path::Path;

/// Every file in `dir`, sorted; none when the folder does not exist.
fn inputs(dir: &Path) -> Vec<std::path::PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<_> = entries
        .map(|e| e.expect("read fixture folder").path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

/// Feeds every saved input and seed of `target` to `run`, naming the file
/// that fails.
fn replay(target: &str, run: fn(&[u8])) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let files: Vec<_> = [
        root.join("tests/fixtures/fuzz").join(target),
        root.join("fuzz/seeds").join(target),
    ]
    .iter()
    .flat_map(|dir| inputs(dir))
    .collect();
    assert!(!files.is_empty(), "no inputs for `{target}`");
    for file in files {
        let data = std::fs::read(&file).expect("read input");
        let outcome = std::panic::catch_unwind(|| run(&data));
        assert!(outcome.is_ok(), "`{target}` fails on {}", file.display());
    }
}

#[test]
fn article_inputs() {
    replay("article", harness::article);
}

#[test]
fn thread_inputs() {
    replay("thread", harness::thread);
}

#[test]
fn sanitizer_inputs() {
    replay("sanitizer", harness::sanitizer);
}

#[test]
fn wordpress_inputs() {
    replay("wordpress", harness::wordpress);
}

#[test]
fn disqus_inputs() {
    replay("disqus", harness::disqus);
}

/// The sanitizer target's check must itself catch what it looks for, or a
/// green fuzz run would prove nothing.
#[test]
fn the_sanitizer_check_catches_each_kind_of_script() {
    for html in [
        "<script>alert(1)</script>",
        "<p onclick=\"x\">p</p>",
        "<b style=\"color:red\">b</b>",
        "<a href=\" java\tscript:alert(1)\">a</a>",
        "<a href=\"&#106;avascript:alert(1)\">a</a>",
        "<a href=\"VBScript:x\">a</a>",
        "<img src=\"data:image/svg+xml,x\">",
        "<svg><a xlink:href=\"javascript:x\">s</a></svg>",
    ] {
        let caught = std::panic::catch_unwind(|| harness::check_safe_html(html));
        assert!(caught.is_err(), "not caught: {html}");
    }
    harness::check_safe_html("<p><a href=\"https://ok.example/\" rel=\"nofollow\">ok</a></p>");
}
