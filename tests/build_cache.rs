//! A build through the cache on disk (what `scholia build` runs) reuses the
//! last build's articles and unchanged output files; after every kind of
//! change its output must be byte for byte what a clean build writes, and a
//! failed build must leave the previous output as it was.

mod common;
use common::*;

use std::path::Path;

use scholia::build::build_cached;
use scholia::cache::{CACHE_DIR, INPUTS_FILE, cache_file};
use scholia::{BuildReport, BuildRequest, site::BuildOptions};

/// Builds through the cache into `output`, checks the result against a clean
/// build of the same site, and returns the report.
fn cached_build_matches_clean_build(site: &Site, output: &Path) -> BuildReport {
    let report = build_cached(&build_request(site, output)).expect("cached build");
    let clean = tempfile::tempdir().unwrap();
    let clean_out = clean.path().join("site");
    scholia::build(&build_request(site, &clean_out)).expect("clean build");
    assert_same_files(output, &clean_out, "through the cache");
    report
}

/// The identity of the file at `relative` under `output`: the same inode
/// means the build took it from the previous output.
#[cfg(unix)]
fn inode(output: &Path, relative: &str) -> u64 {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(output.join(relative)).unwrap().ino()
}

fn three_articles() -> Site {
    let site = Site::new();
    site.article("a", "2020-01-01", "tags = [\"Iran\"]\n", "Alpha.");
    site.article("b", "2020-01-02", "tags = [\"Iran\", \"Oil\"]\n", "Beta.");
    site.bundle("c", "2020-01-03", "[extra]\nmood = \"calm\"\n", "Gamma.");
    site.file(
        "content/articles/c/comments.toml",
        &comment("1", None, "Hi"),
    );
    site.file("static/robots.txt", "User-agent: *\n");
    site
}

/// One `[[comment]]` of a comments.toml.
fn comment(id: &str, parent: Option<&str>, body: &str) -> String {
    let parent = parent.map_or(String::new(), |p| format!("parent = \"{p}\"\n"));
    format!(
        "[[comment]]\nid = \"{id}\"\n{parent}author = \"R\"\ndate = 2020-01-04T00:00:00Z\nbody = \"{body}\"\n\n"
    )
}

#[test]
fn a_second_build_reuses_what_did_not_change_and_matches_a_clean_build() {
    let site = three_articles();
    let out = tempfile::tempdir().unwrap();
    let output = out.path().join("site");
    let first = cached_build_matches_clean_build(&site, &output);
    assert_eq!(first.reused, 0, "nothing to reuse the first time");
    assert!(cache_file(site.root()).is_file(), "the cache is saved");

    let second = cached_build_matches_clean_build(&site, &output);
    assert!(
        second.reused > first.files / 2,
        "an unchanged site reuses its files: {} of {}",
        second.reused,
        second.files
    );
    assert_eq!(second.files, first.files);
}

#[cfg(unix)]
#[test]
fn a_new_comment_renders_its_article_again_and_links_the_others() {
    let site = three_articles();
    let out = tempfile::tempdir().unwrap();
    let output = out.path().join("site");
    cached_build_matches_clean_build(&site, &output);
    let (a, c) = ("articles/a/index.html", "articles/c/index.html");
    let (a_before, c_before) = (inode(&output, a), inode(&output, c));

    let thread = comment("1", None, "Hi") + &comment("2", Some("1"), "A reply");
    site.file("content/articles/c/comments.toml", &thread);
    let report = cached_build_matches_clean_build(&site, &output);
    assert!(report.reused > 0);
    assert_eq!(inode(&output, a), a_before, "an unchanged page is linked");
    assert_ne!(inode(&output, c), c_before, "the commented page is new");
    let page = parse_file(&output.join(c));
    assert!(
        texts(&page, ".comment")
            .iter()
            .any(|t| t.contains("A reply"))
    );
}

#[test]
fn every_kind_of_change_gives_a_clean_builds_output() {
    let site = three_articles();
    let out = tempfile::tempdir().unwrap();
    let output = out.path().join("site");
    cached_build_matches_clean_build(&site, &output);

    // An article edited: its title, which every listing shows.
    site.article("b", "2020-01-02", "tags = [\"Oil\"]\n", "Beta, edited.");
    cached_build_matches_clean_build(&site, &output);
    // A template changed: a site override of one built-in template.
    let article_template = std::fs::read_to_string(example_root().join("templates/article.html"))
        .unwrap()
        .replace("<h1>", "<h1 class=\"overridden\">");
    site.file("templates/article.html", &article_template);
    let report = cached_build_matches_clean_build(&site, &output);
    let page = parse_file(&output.join("articles/a/index.html"));
    assert_eq!(select(&page, "h1.overridden").len(), 1);
    // The search index is made from the model alone: its files, with bytes
    // unchanged, are the only ones reused.
    let search_files = files_in(&output.join("search"))
        .keys()
        .filter(|path| path.extension().is_some_and(|e| e == "js"))
        .count();
    assert!(search_files > 0);
    assert_eq!(
        report.reused, search_files,
        "a template may change any page"
    );
    // The configuration changed.
    site.file(
        "site.toml",
        &format!("{SITE_TOML}description = \"Now described.\"\n"),
    );
    cached_build_matches_clean_build(&site, &output);
    // An article deleted: its pages, and its tag's, are gone.
    std::fs::remove_file(site.root().join("content/articles/b.md")).unwrap();
    cached_build_matches_clean_build(&site, &output);
    assert!(!output.join("articles/b").exists());
    assert!(!output.join("tags/oil").exists());
    // An author's bio changed.
    site.file(
        "content/authors/ann.md",
        "+++\nname = \"Ann Other\"\n+++\nNew bio.\n",
    );
    cached_build_matches_clean_build(&site, &output);
    // A static file replaced.
    site.file("static/robots.txt", "User-agent: *\nDisallow: /x\n");
    cached_build_matches_clean_build(&site, &output);
}

#[test]
fn a_corrupt_or_missing_cache_means_a_full_build() {
    let site = three_articles();
    let out = tempfile::tempdir().unwrap();
    let output = out.path().join("site");
    cached_build_matches_clean_build(&site, &output);
    let file = cache_file(site.root());
    let saved = std::fs::read(&file).unwrap();
    let inputs = site.root().join(CACHE_DIR).join(INPUTS_FILE);

    for broken in [
        saved[..saved.len() / 2].to_vec(),
        b"scholia\0 but not a cache".to_vec(),
        Vec::new(),
    ] {
        std::fs::write(&file, &broken).unwrap();
        std::fs::write(&inputs, &broken).unwrap();
        site.article("a", "2020-01-01", "tags = [\"Iran\"]\n", "Alpha, again.");
        let report = cached_build_matches_clean_build(&site, &output);
        assert_eq!(report.reused, 0, "a broken cache is not used");
    }
    // A cache with every byte flipped past its header reads as broken or
    // not at all, never as something else.
    let mut flipped = std::fs::read(&file).unwrap();
    for byte in flipped.iter_mut().skip(40) {
        *byte = !*byte;
    }
    std::fs::write(&file, &flipped).unwrap();
    cached_build_matches_clean_build(&site, &output);

    std::fs::remove_dir_all(site.root().join(CACHE_DIR)).unwrap();
    let report = cached_build_matches_clean_build(&site, &output);
    assert_eq!(report.reused, 0);
    assert!(file.is_file(), "the cache is made again");
}

#[test]
fn files_stamped_as_unchanged_are_trusted_and_every_edit_still_shows() {
    let site = three_articles();
    let out = tempfile::tempdir().unwrap();
    let output = out.path().join("site");
    cached_build_matches_clean_build(&site, &output);
    // Files are stamped as unchanged only once they are a few seconds old.
    std::thread::sleep(std::time::Duration::from_millis(3200));
    cached_build_matches_clean_build(&site, &output);
    assert!(site.root().join(CACHE_DIR).join(INPUTS_FILE).is_file());
    // Edits that keep the file's length, one right after the other, as an
    // editor saving twice within the file system's time granularity would.
    for body in ["Ho", "Hu"] {
        site.file(
            "content/articles/c/comments.toml",
            &comment("1", None, body),
        );
        cached_build_matches_clean_build(&site, &output);
        let page = parse_file(&output.join("articles/c/index.html"));
        assert_eq!(texts(&page, "#comment-1 > article > div"), [body]);
    }
}

#[cfg(unix)]
#[test]
fn only_a_changed_shard_of_the_cache_is_written_again_and_a_broken_one_is_read_again() {
    let site = three_articles();
    let out = tempfile::tempdir().unwrap();
    let output = out.path().join("site");
    cached_build_matches_clean_build(&site, &output);
    // A site this small keeps its articles in one shard.
    let shard = site.root().join(CACHE_DIR).join("shards/0.bin");
    let identity = |file: &Path| {
        use std::os::unix::fs::MetadataExt;
        std::fs::metadata(file).unwrap().ino()
    };
    let written = identity(&shard);
    cached_build_matches_clean_build(&site, &output);
    assert_eq!(identity(&shard), written, "an unchanged shard is kept");
    site.file(
        "content/articles/c/comments.toml",
        &(comment("1", None, "Hi") + &comment("2", None, "More")),
    );
    cached_build_matches_clean_build(&site, &output);
    let rewritten = identity(&shard);
    assert_ne!(rewritten, written, "a changed shard is written again");

    // A shard cut short loses its articles, not the rest of the cache: the
    // output files are still taken from the last build.
    let bytes = std::fs::read(&shard).unwrap();
    std::fs::write(&shard, &bytes[..bytes.len() / 2]).unwrap();
    let report = cached_build_matches_clean_build(&site, &output);
    assert!(report.reused > 0, "the record of the output is kept");
    assert_eq!(
        std::fs::read(&shard).unwrap(),
        bytes,
        "the shard is made again"
    );
}

#[test]
fn a_cache_that_cannot_be_saved_is_a_warning_not_a_failure() {
    let site = three_articles();
    let out = tempfile::tempdir().unwrap();
    let output = out.path().join("site");
    // A file where the cache folder should be: nothing can be saved in it.
    site.file(CACHE_DIR, "not a folder");
    let report = cached_build_matches_clean_build(&site, &output);
    let warned: Vec<String> = report.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(warned.len(), 1, "one warning for all its files: {warned:?}");
    assert!(
        warned[0].contains(CACHE_DIR)
            && warned[0].contains("could not save the build cache")
            && warned[0].contains("and 2 more of its files"),
        "{warned:?}"
    );
    std::fs::remove_file(site.root().join(CACHE_DIR)).unwrap();
    let report = cached_build_matches_clean_build(&site, &output);
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    assert!(cache_file(site.root()).is_file());
}

#[test]
fn a_failed_build_leaves_the_previous_output_and_a_fix_recovers() {
    let site = three_articles();
    let out = tempfile::tempdir().unwrap();
    let output = out.path().join("site");
    cached_build_matches_clean_build(&site, &output);
    cached_build_matches_clean_build(&site, &output);
    let before = files_in(&output);

    site.file("content/articles/b.md", "+++\ntitle = \"Broken\"\n");
    let errors = build_cached(&build_request(&site, &output)).unwrap_err();
    assert!(
        errors.to_string().contains("content/articles/b.md"),
        "{errors}"
    );
    assert!(files_in(&output) == before, "the output changed");
    // A template that fails while rendering, after files were linked.
    site.article("b", "2020-01-02", "", "Fixed.");
    site.file("templates/tag.html", "{{ no_such_thing.at_all }}");
    build_cached(&build_request(&site, &output)).unwrap_err();
    assert!(files_in(&output) == before, "the output changed");

    std::fs::remove_file(site.root().join("templates/tag.html")).unwrap();
    cached_build_matches_clean_build(&site, &output);
}

#[test]
fn an_output_file_edited_by_hand_is_written_again() {
    let site = three_articles();
    let out = tempfile::tempdir().unwrap();
    let output = out.path().join("site");
    cached_build_matches_clean_build(&site, &output);
    let page = output.join("articles/a/index.html");
    let text = std::fs::read_to_string(&page).unwrap();
    std::fs::write(&page, text.replace("Alpha", "Omega")).unwrap();
    cached_build_matches_clean_build(&site, &output);
}

#[test]
fn a_build_into_another_folder_reuses_nothing_from_the_first() {
    let site = three_articles();
    let out = tempfile::tempdir().unwrap();
    cached_build_matches_clean_build(&site, &out.path().join("one"));
    let report = cached_build_matches_clean_build(&site, &out.path().join("two"));
    assert_eq!(report.reused, 0);
    assert!(
        out.path().join("one/index.html").is_file(),
        "the first is kept"
    );
}

#[test]
fn drafts_and_a_new_base_url_are_built_exactly() {
    let site = three_articles();
    site.article("d", "2020-01-05", "draft = true\n", "Delta.");
    let out = tempfile::tempdir().unwrap();
    let output = out.path().join("site");
    cached_build_matches_clean_build(&site, &output);
    let drafts = BuildRequest {
        options: BuildOptions {
            drafts: true,
            future: false,
        },
        ..build_request(&site, &output)
    };
    build_cached(&drafts).unwrap();
    assert!(output.join("articles/d/index.html").is_file());
    let moved = BuildRequest {
        base_url: Some("https://elsewhere.example/archive/".into()),
        ..build_request(&site, &output)
    };
    build_cached(&moved).unwrap();
    cached_build_matches_clean_build(&site, &output);
    assert!(!output.join("articles/d").exists(), "the draft is gone");
}

#[test]
fn the_command_keeps_a_cache_unless_told_not_to() {
    let site = three_articles();
    let run = site.run(&["build", "--no-cache"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(
        !site.root().join(CACHE_DIR).exists(),
        "--no-cache saves none"
    );
    site.build();
    assert!(cache_file(site.root()).is_file());
    let run = site.build();
    assert!(run.stdout.contains(" unchanged)"), "{}", run.stdout);
}

#[test]
fn one_site_named_two_ways_shares_its_cache() {
    let site = three_articles();
    // From inside the site, with the default root `.`.
    let inside = std::process::Command::new(env!("CARGO_BIN_EXE_scholia"))
        .arg("build")
        .current_dir(site.root())
        .output()
        .expect("run scholia");
    let inside: Run = inside.into();
    assert_eq!(inside.code, Some(0), "{}", inside.stderr);
    assert!(
        inside.stdout.trim_end().ends_with("→ public"),
        "{}",
        inside.stdout
    );
    // From elsewhere, naming the same folder through a detour.
    let detour = site.root().join("content").join("..");
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_scholia"))
        .args(["build", "--root"])
        .arg(&detour)
        .output()
        .expect("run scholia");
    let run: Run = run.into();
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    // "Built 3 articles, 1 comment, 31 files (27 unchanged) in …"
    let number_before = |marker: &str, opening: char| -> usize {
        let before = run.stdout.split(marker).next().unwrap_or_default();
        let number = before.rsplit(opening).next().unwrap_or_default();
        number
            .parse()
            .unwrap_or_else(|_| panic!("no `{marker}`: {}", run.stdout))
    };
    let (reused, files) = (
        number_before(" unchanged)", '('),
        number_before(" files", ' '),
    );
    assert!(
        reused > files / 2,
        "{reused} of {files} reused: {}",
        run.stdout
    );
}

/// An archive big enough for many term shards and docs files: 100 articles
/// of 10 comments each. Article `n`'s thread is `archive_thread(n)`.
fn commented_archive() -> Site {
    let site = Site::new();
    for n in 0..100 {
        let slug = format!("a{n:03}");
        let body = format!("Article {n} on harbours, cranes and policy number {n}.");
        site.article(&slug, "2019-06-01", "", &body);
        site.comments(&slug, &archive_thread(n));
    }
    site
}

/// The ten comments of article `n` of [`commented_archive`].
fn archive_thread(n: usize) -> String {
    (0..10)
        .map(|c| {
            format!(
                "[[comment]]\nid = \"{c}\"\nauthor = \"Reader {c}\"\ndate = 2019-06-02T00:00:00Z\n\
                 body = \"Reply {c} to {n}: cranes {}.\"\n\n",
                n * 10 + c
            )
        })
        .collect()
}

/// The files of the search index (not the search page) under `output`, by
/// path under `search/`, with their bytes and inodes.
#[cfg(unix)]
fn search_index_files(output: &Path) -> std::collections::BTreeMap<String, (Vec<u8>, u64)> {
    files_in(&output.join("search"))
        .into_iter()
        .filter(|(path, _)| path.extension().is_some_and(|e| e == "js"))
        .map(|(path, bytes)| {
            let name = path.to_string_lossy().replace('\\', "/");
            let inode = inode(output, &format!("search/{name}"));
            (name, (bytes, inode))
        })
        .collect()
}

#[cfg(unix)]
#[test]
fn a_new_comment_changes_only_its_articles_docs_file_and_its_terms_shards() {
    use scholia::render::search::shard_of;

    let site = commented_archive();
    let out = tempfile::tempdir().unwrap();
    let output = out.path().join("site");
    cached_build_matches_clean_build(&site, &output);
    let before = search_index_files(&output);

    // The newest comment of its thread, so the last: a reader's new comment.
    let new_comment = "[[comment]]\nid = \"new\"\nauthor = \"Zed\"\n\
                       date = 2019-07-01T00:00:00Z\nbody = \"Zeppelin!\"\n";
    site.comments("a050", &(archive_thread(50) + new_comment));
    cached_build_matches_clean_build(&site, &output);
    let after = search_index_files(&output);

    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        after.keys().collect::<Vec<_>>(),
        "the same index files"
    );
    let manifest = String::from_utf8(after["manifest.js"].0.clone()).unwrap();
    let shards: usize = manifest
        .split("\"shards\":")
        .nth(1)
        .and_then(|rest| rest.split(',').next())
        .and_then(|n| n.parse().ok())
        .unwrap();
    assert!(shards >= 16, "enough shards to tell: {manifest}");
    let changed: Vec<&String> = after
        .iter()
        .filter(|(name, (bytes, _))| before[*name].0 != *bytes)
        .map(|(name, _)| name)
        .collect();
    let docs: Vec<&&String> = changed.iter().filter(|n| n.starts_with("docs/")).collect();
    assert_eq!(docs.len(), 1, "one docs file: {changed:?}");
    let docs_text = String::from_utf8(after[docs[0].as_str()].0.clone()).unwrap();
    assert!(docs_text.contains("\"Zed\""), "{docs_text}");
    let terms_of_comment: Vec<String> = ["zed", "zeppelin"]
        .iter()
        .map(|term| format!("terms/{}.js", shard_of(term, shards)))
        .collect();
    for name in &changed {
        assert!(
            name.as_str() == "manifest.js"
                || name.starts_with("docs/")
                || terms_of_comment.contains(name),
            "{name} changed, holding none of the new comment's terms"
        );
    }
    assert!(changed.len() <= 4, "{changed:?}");
    // And every other file was taken from the last output as it was.
    for (name, (_, inode)) in &after {
        if !changed.contains(&name) {
            assert_eq!(*inode, before[name].1, "{name} linked from the last output");
        }
    }
}

#[test]
fn an_index_file_edited_by_hand_is_written_again() {
    let site = commented_archive();
    let out = tempfile::tempdir().unwrap();
    let output = out.path().join("site");
    cached_build_matches_clean_build(&site, &output);
    // Not a file this build would make: nothing in the site changed.
    std::fs::write(output.join("search/terms/0.js"), "edited").unwrap();
    std::fs::remove_file(output.join("search/docs/0-0.js")).unwrap();
    cached_build_matches_clean_build(&site, &output);
}

#[cfg(unix)]
#[test]
fn a_bundle_file_linked_from_elsewhere_in_the_site_is_followed_when_it_changes() {
    let site = three_articles();
    let article = |body: &str| format!("+++\ntitle = \"Linked\"\ndate = 2020-01-05\n+++\n{body}\n");
    site.file("shared/linked.md", &article("First text."));
    std::fs::create_dir_all(site.root().join("content/articles/l")).unwrap();
    std::os::unix::fs::symlink(
        site.root().join("shared/linked.md"),
        site.root().join("content/articles/l/index.md"),
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    let output = out.path().join("site");
    cached_build_matches_clean_build(&site, &output);
    site.file("shared/linked.md", &article("Second text."));
    cached_build_matches_clean_build(&site, &output);
    let page = parse_file(&output.join("articles/l/index.html"));
    assert_eq!(texts(&page, ".article-body p"), ["Second text."]);
}

#[test]
fn shards_past_a_smaller_count_are_removed() {
    // About 150 articles a shard: 300 make two, 299 one.
    let site = Site::new();
    for n in 0..300 {
        site.article(&format!("a{n}"), "2020-01-01", "", "Text.");
    }
    let out = tempfile::tempdir().unwrap();
    let output = out.path().join("site");
    let shards = site.root().join(CACHE_DIR).join("shards");
    build_cached(&build_request(&site, &output)).expect("cached build");
    assert!(shards.join("1.bin").is_file(), "two shards");
    std::fs::remove_file(site.root().join("content/articles/a0.md")).unwrap();
    let report = cached_build_matches_clean_build(&site, &output);
    assert!(report.reused > 0);
    assert!(shards.join("0.bin").is_file());
    assert!(
        !shards.join("1.bin").exists(),
        "the second shard is removed"
    );
}
