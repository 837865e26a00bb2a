//! Rebuilds while serving reuse the last build; their output must be exactly
//! what a fresh full build of the same files writes.

mod common;
use common::*;

use std::path::{Path, PathBuf};

use scholia::build::rebuild;
use scholia::incremental::BuildCache;

/// Rebuilds with `cache`, checks the result against a full build, and says
/// whether the rebuild was incremental.
fn rebuild_matches_full_build(site: &Site, cache: &mut BuildCache, served: &Path) -> bool {
    rebuild_after(site, cache, served, None)
}

/// The same, told which files changed (as `serve`'s watcher tells it).
fn rebuild_after(
    site: &Site,
    cache: &mut BuildCache,
    served: &Path,
    changed: Option<&[&str]>,
) -> bool {
    let changed: Option<Vec<PathBuf>> =
        changed.map(|files| files.iter().map(|f| site.root().join(f)).collect());
    let report = rebuild(&build_request(site, served), cache, changed.as_deref()).expect("rebuild");
    let fresh = tempfile::tempdir().unwrap();
    let fresh_out = fresh.path().join("site");
    scholia::build(&build_request(site, &fresh_out)).expect("full build");
    assert_same_files(served, &fresh_out, "after the rebuild");
    // The first build publishes a staging folder; later ones write in place.
    report.steps.iter().any(|(step, _)| *step == "write")
}

fn three_articles() -> Site {
    let site = Site::new();
    site.article("a", "2020-01-01", "tags = [\"Iran\"]\n", "Alpha.");
    site.article("b", "2020-01-02", "tags = [\"Iran\", \"Oil\"]\n", "Beta.");
    site.article("c", "2020-01-03", "", "Gamma.");
    site.comments(
        "b",
        "[[comment]]\nid = \"1\"\nauthor = \"R\"\ndate = 2020-01-03T00:00:00Z\nbody = \"Hi\"\n",
    );
    site
}

#[test]
fn edits_additions_and_deletions_rebuild_exactly() {
    let site = three_articles();
    let out = tempfile::tempdir().unwrap();
    let served = out.path().join("site");
    let mut cache = BuildCache::default();
    assert!(
        !rebuild_matches_full_build(&site, &mut cache, &served),
        "the first build is full"
    );

    // An edit to one article's title and body.
    site.article(
        "b",
        "2020-01-02",
        "tags = [\"Iran\", \"Oil\"]\n",
        "Beta, edited.",
    );
    assert!(
        rebuild_matches_full_build(&site, &mut cache, &served),
        "an edit is incremental"
    );
    // A new comment.
    site.comments(
        "b",
        "[[comment]]\nid = \"1\"\nauthor = \"R\"\ndate = 2020-01-03T00:00:00Z\nbody = \"Hi\"\n\n[[comment]]\nid = \"2\"\nparent = \"1\"\nauthor = \"S\"\ndate = 2020-01-04T00:00:00Z\nbody = \"Yo\"\n",
    );
    rebuild_matches_full_build(&site, &mut cache, &served);
    // A new article, a new tag, a moved date.
    site.article("d", "2020-02-01", "tags = [\"Gas\"]\n", "Delta.");
    site.article("a", "2021-01-01", "tags = [\"Iran\"]\n", "Alpha moved.");
    rebuild_matches_full_build(&site, &mut cache, &served);
    // A deleted article (its tag disappears with it).
    std::fs::remove_file(site.root().join("content/articles/d.md")).unwrap();
    rebuild_matches_full_build(&site, &mut cache, &served);
    // A change outside articles: every page is rendered again, in place.
    site.file(
        "content/authors/ann.md",
        "+++\nname = \"Ann Other\"\n+++\nNew bio.\n",
    );
    rebuild_matches_full_build(&site, &mut cache, &served);
    // A tag spelling that changes the tag's name shown on other articles.
    site.article("c", "2020-01-03", "tags = [\"IRAN\"]\n", "Gamma.");
    site.article("d", "2020-01-04", "tags = [\"IRAN\"]\n", "Delta.");
    rebuild_matches_full_build(&site, &mut cache, &served);
}

#[test]
fn a_broken_edit_keeps_the_last_good_output_and_a_fix_recovers() {
    let site = three_articles();
    let out = tempfile::tempdir().unwrap();
    let served = out.path().join("site");
    let mut cache = BuildCache::default();
    rebuild_matches_full_build(&site, &mut cache, &served);
    let before = files_in(&served);

    site.file("content/articles/b.md", "+++\ntitle = \"Broken\"\n");
    let errors = rebuild(&build_request(&site, &served), &mut cache, None).unwrap_err();
    assert!(
        errors.to_string().contains("content/articles/b.md"),
        "{errors}"
    );
    assert!(files_in(&served) == before, "the served output changed");

    site.article("b", "2020-01-02", "", "Fixed.");
    rebuild_matches_full_build(&site, &mut cache, &served);
}

#[test]
fn rebuilds_told_what_changed_match_full_builds() {
    let site = three_articles();
    let out = tempfile::tempdir().unwrap();
    let served = out.path().join("site");
    let mut cache = BuildCache::default();
    rebuild_after(&site, &mut cache, &served, None);

    site.article("b", "2020-01-02", "tags = [\"Oil\"]\n", "Beta, edited.");
    assert!(rebuild_after(
        &site,
        &mut cache,
        &served,
        Some(&["content/articles/b.md"])
    ));
    site.comments(
        "b",
        "[[comment]]\nid = \"9\"\nauthor = \"Z\"\ndate = 2020-01-05T00:00:00Z\nbody = \"New\"\n",
    );
    assert!(rebuild_after(
        &site,
        &mut cache,
        &served,
        Some(&["content/articles/b.comments.toml"])
    ));
    site.bundle("e", "2020-03-01", "", "Epsilon.");
    site.file("content/articles/e/map.txt", "a map");
    assert!(rebuild_after(
        &site,
        &mut cache,
        &served,
        Some(&["content/articles/e/index.md", "content/articles/e/map.txt"])
    ));
    std::fs::remove_file(site.root().join("content/articles/a.md")).unwrap();
    assert!(rebuild_after(
        &site,
        &mut cache,
        &served,
        Some(&["content/articles/a.md"])
    ));
}

// Regression tests for the drifts of issue 9 (part 1), each found in the
// second driver that serve's rebuilds used to be.

#[test]
fn an_edit_of_the_same_size_and_time_is_seen() {
    let site = three_articles();
    let out = tempfile::tempdir().unwrap();
    let served = out.path().join("site");
    let mut cache = BuildCache::default();
    rebuild_matches_full_build(&site, &mut cache, &served);

    // Same length, same modification time: only the bytes tell.
    let file = site.root().join("content/articles/c.md");
    let modified = std::fs::metadata(&file).unwrap().modified().unwrap();
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, text.replace("Gamma.", "Gamm4.")).unwrap();
    std::fs::File::options()
        .write(true)
        .open(&file)
        .unwrap()
        .set_modified(modified)
        .unwrap();
    rebuild_matches_full_build(&site, &mut cache, &served);
    assert!(
        std::fs::read_to_string(served.join("articles/c/index.html"))
            .unwrap()
            .contains("Gamm4.")
    );
}

#[test]
fn a_future_article_comes_out_when_its_date_passes_while_serving() {
    let site = three_articles();
    site.article("later", "2030-01-01T09:00:00Z", "", "Not yet.");
    let out = tempfile::tempdir().unwrap();
    let served = out.path().join("site");
    let mut cache = BuildCache::default();
    let before: chrono::DateTime<chrono::Utc> = "2029-12-31T00:00:00Z".parse().unwrap();
    let mut at = build_request(&site, &served);
    at.now = before;
    rebuild(&at, &mut cache, None).unwrap();
    assert!(!served.join("articles/later/index.html").exists());
    let due = cache.next_date_after(before).expect("the article's date");
    assert_eq!(due.to_rfc3339(), "2030-01-01T09:00:00+00:00");

    // No file changed; only the clock moved past the date.
    at.now = due;
    rebuild(&at, &mut cache, Some(&[])).unwrap();
    assert!(served.join("articles/later/index.html").exists());
    let fresh = tempfile::tempdir().unwrap();
    at.output = Some(fresh.path().join("site"));
    scholia::build(&at).unwrap();
    assert!(files_in(&served) == files_in(&fresh.path().join("site")));
}

#[test]
fn a_rebuild_reports_every_layout_error() {
    let site = three_articles();
    let out = tempfile::tempdir().unwrap();
    let served = out.path().join("site");
    let mut cache = BuildCache::default();
    rebuild_matches_full_build(&site, &mut cache, &served);

    site.file("content/articles/x.comments.toml", "");
    site.file("content/articles/y.comments.toml", "");
    let errors = rebuild(&build_request(&site, &served), &mut cache, None)
        .unwrap_err()
        .to_string();
    for stray in ["x.comments.toml", "y.comments.toml"] {
        assert!(errors.contains(stray), "{stray} missing from:\n{errors}");
    }
}
