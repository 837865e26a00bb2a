//! Previewing unpublished work and starting and checking a site: drafts and
//! future-dated articles with `--drafts` and `--future`, `scholia init`, and
//! `scholia check`'s link and anchor report.

mod common;
use common::*;

use std::path::Path;

use scraper::Html;

/// The titles listed on a listing page.
fn listed_titles(page: &Html) -> Vec<String> {
    texts(page, ".article-list .article-item h2 a")
}

/// The `<loc>`s of a sitemap.
fn sitemap_locs(xml: &str) -> Vec<String> {
    xml.split("<loc>")
        .skip(1)
        .filter_map(|rest| rest.split_once("</loc>"))
        .map(|(loc, _)| loc.trim().to_string())
        .collect()
}

/// The alternate links of a feed's entries.
fn feed_links(xml: &str) -> Vec<String> {
    let feed = feed_rs::parser::parse(xml.as_bytes()).expect("a valid feed");
    feed.entries
        .iter()
        .flat_map(|entry| entry.links.iter().map(|link| link.href.clone()))
        .collect()
}

/// A public article `pub` and an unpublished one `wip`, both by `ann`, tagged
/// "Shared" and with an alias each. `hidden` is `wip`'s date and extra front
/// matter.
fn site_with_unpublished(date: &str, front: &str) -> Site {
    let site = Site::new();
    site.article(
        "pub",
        "2020-01-01",
        "tags = [\"Shared\"]\naliases = [\"/old/pub/\"]\n",
        "Out in the open.",
    );
    site.article(
        "wip",
        date,
        &format!("tags = [\"Shared\"]\naliases = [\"/old/wip/\"]\n{front}"),
        "Not ready yet.",
    );
    site
}

/// Without the flag, `wip` is nowhere: no page, no alias, not on any listing,
/// feed or sitemap, not mentioned in any file.
fn assert_left_out(site: &Site) {
    assert!(site.output("articles/pub/index.html").is_file());
    assert!(!site.output("articles/wip").exists());
    assert!(!site.output("old/wip").exists());
    assert_eq!(listed_titles(&site.page("index.html")), ["Title of pub"]);
    for (path, bytes) in site.output_files() {
        let contents = String::from_utf8_lossy(&bytes);
        assert!(
            !contents.contains("wip"),
            "{} mentions the unpublished article:\n{contents}",
            path.display()
        );
    }
}

/// With the flag, `wip` has its page (with a banner saying `banner`) and is
/// listed, but it is in no feed, no sitemap, no `_redirects`, and its alias has
/// no redirect page.
fn assert_previewed(site: &Site, banner: &str) {
    let page = site.page("articles/wip/index.html");
    assert_eq!(text(one(&page, "article h1")), "Title of wip");
    let shown = text(one(&page, ".draft-banner"));
    assert!(shown.contains(banner), "banner `{shown}` lacks `{banner}`");
    let public = site.page("articles/pub/index.html");
    assert!(select(&public, ".draft-banner").is_empty());

    let mut listed = listed_titles(&site.page("index.html"));
    listed.sort();
    assert_eq!(listed, ["Title of pub", "Title of wip"]);
    assert!(
        texts(&site.page("tags/shared/index.html"), ".article-list h2 a")
            .iter()
            .any(|t| t == "Title of wip")
    );

    for feed in ["atom.xml", "authors/ann/atom.xml", "tags/shared/atom.xml"] {
        let links = feed_links(&site.read(feed));
        assert!(
            links.contains(&"https://example.org/articles/pub/".to_string()),
            "{feed}: {links:?}"
        );
        assert!(
            !links.iter().any(|l| l.contains("wip")),
            "{feed} has the unpublished article: {links:?}"
        );
    }
    let locs = sitemap_locs(&site.read("sitemap.xml"));
    assert!(
        locs.contains(&"https://example.org/articles/pub/".to_string()),
        "{locs:?}"
    );
    assert!(
        !locs.iter().any(|l| l.contains("wip")),
        "the sitemap has the unpublished article: {locs:?}"
    );
    let redirects = site.read("_redirects");
    assert!(
        redirects
            .lines()
            .any(|l| l.split_whitespace().collect::<Vec<_>>()
                == ["/old/pub/", "/articles/pub/", "301"]),
        "_redirects:\n{redirects}"
    );
    assert!(
        !redirects.contains("wip"),
        "_redirects has the unpublished article:\n{redirects}"
    );
    assert!(!site.output("old/wip").exists());
    assert!(site.output("old/pub/index.html").is_file());
}

#[test]
fn a_draft_is_left_out_unless_building_drafts() {
    let site = site_with_unpublished("2020-01-02", "draft = true\n");
    site.build();
    assert_left_out(&site);
    // --future is about dates, not drafts.
    site.build_with(&["--future"]);
    assert_left_out(&site);

    site.build_with(&["--drafts"]);
    assert_previewed(&site, "Draft");
}

#[test]
fn a_future_article_is_left_out_unless_building_the_future() {
    let site = site_with_unpublished("2999-01-01", "");
    site.build();
    assert_left_out(&site);
    site.build_with(&["--drafts"]);
    assert_left_out(&site);

    site.build_with(&["--future"]);
    assert_previewed(&site, "Scheduled");
}

#[test]
fn a_future_draft_needs_both_flags() {
    let site = site_with_unpublished("2999-01-01", "draft = true\n");
    for flags in [&[][..], &["--drafts"], &["--future"]] {
        site.build_with(flags);
        assert_left_out(&site);
    }
    site.build_with(&["--drafts", "--future"]);
    assert_previewed(&site, "Draft");
}

#[test]
fn a_draft_page_is_left_out_unless_building_drafts() {
    let site = Site::new();
    site.article("pub", "2020-01-01", "", "Body.");
    site.file(
        "content/pages/secret.md",
        "+++\ntitle = \"Secret\"\ndraft = true\n+++\nNot yet.\n",
    );
    site.build();
    assert!(!site.output("secret").exists());
    assert!(
        texts(&site.page("index.html"), ".site-nav a")
            .iter()
            .all(|t| t != "Secret")
    );

    site.build_with(&["--drafts"]);
    let page = site.page("secret/index.html");
    assert_eq!(text(one(&page, "h1")), "Secret");
    assert!(text(one(&page, ".draft-banner")).contains("Draft"));
}

#[test]
fn a_draft_page_is_never_in_the_sitemap() {
    let site = Site::new();
    site.article("pub", "2020-01-01", "", "Body.");
    site.file(
        "content/pages/secret.md",
        "+++\ntitle = \"Secret\"\ndraft = true\n+++\nNot yet.\n",
    );
    site.build_with(&["--drafts"]);
    assert!(site.output("secret/index.html").is_file());
    let locs = sitemap_locs(&site.read("sitemap.xml"));
    assert!(
        locs.contains(&"https://example.org/articles/pub/".to_string()),
        "{locs:?}"
    );
    assert!(
        !locs.iter().any(|l| l.contains("secret")),
        "the sitemap has the draft page: {locs:?}"
    );
}

// ---------------------------------------------------------------- init

/// The names directly in a folder, sorted.
fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn init_creates_a_site_that_builds_and_checks_clean() {
    let parent = tempfile::tempdir().unwrap();
    let dir = parent.path().join("archive");
    let dir_arg = dir.to_str().unwrap();

    let init = scholia(&["init", dir_arg]);
    assert_eq!(init.code, Some(0), "{}{}", init.stdout, init.stderr);
    assert!(dir.join("site.toml").is_file());

    let build = scholia(&["build", "--root", dir_arg]);
    assert_eq!(build.code, Some(0), "{}{}", build.stdout, build.stderr);
    assert!(
        build.stderr.lines().all(|l| !l.starts_with("warning")),
        "{}",
        build.stderr
    );
    let index = parse_file(&dir.join("public/index.html"));
    assert_eq!(listed_titles(&index), ["Welcome to the archive"]);
    let article = parse_file(&dir.join("public/articles/welcome/index.html"));
    assert_eq!(text(one(&article, "article h1")), "Welcome to the archive");
    assert_eq!(select(&article, ".comment").len(), 2);

    let check = scholia(&["check", "--root", dir_arg]);
    assert_eq!(check.code, Some(0), "{}{}", check.stdout, check.stderr);
}

#[test]
fn init_into_an_empty_folder_works() {
    let dir = tempfile::tempdir().unwrap();
    let init = scholia(&["init", dir.path().to_str().unwrap()]);
    assert_eq!(init.code, Some(0), "{}{}", init.stdout, init.stderr);
    assert!(dir.path().join("site.toml").is_file());
    let build = scholia(&["build", "--root", dir.path().to_str().unwrap()]);
    assert_eq!(build.code, Some(0), "{}", build.stderr);
}

#[test]
fn init_refuses_a_folder_that_is_not_empty_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let notes = dir.path().join("notes.txt");
    std::fs::write(&notes, "my notes\n").unwrap();

    let init = scholia(&["init", dir.path().to_str().unwrap()]);
    assert_ne!(init.code, Some(0), "{}{}", init.stdout, init.stderr);
    assert!(
        init.stderr.contains("not empty"),
        "the error does not say why:\n{}",
        init.stderr
    );
    assert_eq!(names_in(dir.path()), ["notes.txt"]);
    assert_eq!(std::fs::read_to_string(&notes).unwrap(), "my notes\n");
}

// ---------------------------------------------------------------- check

const ONE_COMMENT: &str = r#"
[[comment]]
id = "1"
author = "Alice"
date = 2020-01-03T10:00:00Z
body = "First."
"#;

/// The lines of check's report that name `page`.
fn reported_on<'a>(run: &'a Run, page: &str) -> Vec<&'a str> {
    run.stdout
        .lines()
        .filter(|line| line.starts_with("broken:") && line.contains(page))
        .collect()
}

#[test]
fn check_reports_a_missing_page_and_a_missing_anchor_on_the_page_holding_them() {
    let site = Site::new();
    site.article("a", "2020-01-01", "", "Alpha.");
    site.comments("a", ONE_COMMENT);
    site.article(
        "b",
        "2020-01-02",
        "",
        "Intro.\n\n<!-- more -->\n\nSee [x](/nowhere/) and [y](/articles/a/#comment-99).",
    );

    let run = site.run(&["check"]);
    assert_eq!(run.code, Some(1), "{}{}", run.stdout, run.stderr);
    let on_b = reported_on(&run, "articles/b/index.html");
    assert_eq!(on_b.len(), 2, "report:\n{}", run.stdout);
    assert!(
        on_b.iter().any(|l| l.contains("`/nowhere/`")),
        "no report of /nowhere/:\n{}",
        run.stdout
    );
    assert!(
        on_b.iter()
            .any(|l| l.contains("`/articles/a/#comment-99`") && l.contains("comment-99")),
        "no report of #comment-99:\n{}",
        run.stdout
    );
    // Only the article holds the links (its summary stops before them).
    let broken: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| l.starts_with("broken:"))
        .collect();
    assert_eq!(broken, on_b, "report:\n{}", run.stdout);
    assert!(run.stdout.contains("2 broken links"), "{}", run.stdout);

    // Checking builds elsewhere: the site's output folder is not written.
    assert!(!site.root().join("public").exists());
}

#[test]
fn check_passes_when_every_link_and_anchor_resolves() {
    let site = Site::new();
    site.article("a", "2020-01-01", "", "Alpha.");
    site.comments("a", ONE_COMMENT);
    site.article(
        "b",
        "2020-01-02",
        "",
        "Intro.\n\n<!-- more -->\n\nSee [the comment](/articles/a/#comment-1), \
         [relative](../a/), [its thread](../a/#comments), [top](#main), \
         [feed](/atom.xml) and [away](https://elsewhere.example/x/#nope).",
    );

    let run = site.run(&["check"]);
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
    assert!(!run.stdout.contains("broken"), "{}", run.stdout);
    assert!(!site.root().join("public").exists());

    // The links are in the built page, made relative, so the check did see
    // them in the form it resolves.
    site.build();
    let page = site.page("articles/b/index.html");
    let hrefs: Vec<&str> = hrefs(&page, ".article-body a");
    assert!(hrefs.contains(&"../a/index.html#comment-1"), "{hrefs:?}");
    assert!(hrefs.contains(&"../a/index.html"), "{hrefs:?}");
    assert!(hrefs.contains(&"../../atom.xml"), "{hrefs:?}");
    let target = site.page("articles/a/index.html");
    one(&target, "#comment-1");
    one(&target, "#comments");
    one(&page, "#main");
}

#[test]
fn check_fails_on_a_relative_link_to_nothing() {
    let site = Site::new();
    site.article(
        "a",
        "2020-01-01",
        "",
        "Intro.\n\n<!-- more -->\n\n[gone](../zzz/)",
    );
    let run = site.run(&["check"]);
    assert_eq!(run.code, Some(1), "{}{}", run.stdout, run.stderr);
    let on_a = reported_on(&run, "articles/a/index.html");
    assert_eq!(on_a.len(), 1, "{}", run.stdout);
    assert!(on_a[0].contains("`../zzz/`"), "{}", run.stdout);
}

#[test]
fn check_knows_a_site_under_a_sub_path() {
    let site = Site::new();
    site.file(
        "site.toml",
        "title = \"Test Archive\"\nbase_url = \"https://example.org/blog/\"\n",
    );
    site.article("a", "2020-01-01", "", "Alpha.");
    site.comments("a", ONE_COMMENT);
    site.article(
        "b",
        "2020-01-02",
        "",
        "Intro.\n\n<!-- more -->\n\n[in](/blog/articles/a/#comment-1), \
         [full](https://example.org/blog/articles/a/) and [out](/articles/a/).",
    );
    let run = site.run(&["check"]);
    assert_eq!(run.code, Some(1), "{}{}", run.stdout, run.stderr);
    let broken: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| l.starts_with("broken:"))
        .collect();
    assert_eq!(broken.len(), 1, "{}", run.stdout);
    assert!(
        broken[0].contains("articles/b/index.html")
            && broken[0].contains("`/articles/a/`")
            && broken[0].contains("base path"),
        "{}",
        run.stdout
    );
}

#[test]
fn check_reports_content_errors_like_build() {
    let site = Site::new();
    site.file("content/articles/bad.md", "+++\ntitle = \"Bad\"\n");
    let run = site.run(&["check"]);
    assert_eq!(run.code, Some(1), "{}{}", run.stdout, run.stderr);
    assert!(run.stderr.contains("bad.md"), "{}", run.stderr);
}

#[test]
fn the_example_site_checks_clean_without_writing_into_the_repo() {
    let root = example_root();
    let public = root.join("public");
    let had_public = public.exists();

    let run = scholia(&["check", "--root", root.to_str().unwrap()]);
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
    assert!(!run.stdout.contains("broken"), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("All internal links and anchors resolve"),
        "{}",
        run.stdout
    );
    if !had_public {
        assert!(!public.exists(), "check wrote {}", public.display());
    }
}

// ------------------------------------- check, through the library: where to fix

use scholia::check::{BrokenLink, LinkProblem, LinkSource, check_site};
use scholia::error::{Location, TemplateFile};

/// Checks `site` in-process (building into a temporary folder); returns the
/// broken links.
fn broken_links(site: &Site) -> Vec<BrokenLink> {
    let scratch = tempfile::tempdir().unwrap();
    let request = scholia::BuildRequest {
        root: site.root().to_path_buf(),
        output: Some(scratch.path().join("site")),
        ..scholia::BuildRequest::default()
    };
    check_site(&request)
        .unwrap_or_else(|e| panic!("the build failed:\n{e}"))
        .broken
}

#[test]
fn check_names_the_markdown_file_and_line_of_a_broken_link() {
    let site = Site::new();
    // Body lines start at 6: +++, title, date, authors, +++.
    site.article(
        "b",
        "2020-01-02",
        "",
        "Intro.\n\n<!-- more -->\n\nSee [x](/nowhere/).",
    );
    assert_eq!(
        broken_links(&site),
        [BrokenLink {
            at: LinkSource::Content(Location::line("content/articles/b.md", 10)),
            page: "articles/b/index.html".into(),
            link: "/nowhere/".into(),
            problem: LinkProblem::MissingFile("nowhere/index.html".into()),
        }]
    );
}

#[test]
fn a_broken_relative_link_is_reported_once_at_its_line_as_written() {
    let site = Site::new();
    // In the summary, so on the article (as `../gone/index.html#top`), the
    // home page and the author's page (from the article's folder, in other
    // relative forms): reported once, as written.
    site.article("a", "2020-01-02", "", "Line one.\nSee [x](../gone/#top).");
    let broken = broken_links(&site);
    assert_eq!(
        broken,
        [BrokenLink {
            at: LinkSource::Content(Location::line("content/articles/a.md", 7)),
            page: "articles/a/index.html".into(),
            link: "../gone/#top".into(),
            problem: LinkProblem::MissingFile("articles/gone/index.html".into()),
        }]
    );
}

#[test]
fn a_relative_link_above_the_site_folder_is_broken() {
    let site = Site::new();
    site.article("a", "2020-01-02", "", "Body.\n\n[up](../../../index.html)");
    let broken = broken_links(&site);
    assert_eq!(broken.len(), 1, "{broken:#?}");
    assert_eq!(
        broken[0].at,
        LinkSource::Content(Location::line("content/articles/a.md", 8))
    );
    assert_eq!(broken[0].problem, LinkProblem::AboveSiteRoot);
}

#[test]
fn a_broken_link_shown_on_many_pages_is_reported_once_at_its_line() {
    let site = Site::new();
    // In the summary, so on the article, the home page and the author's page.
    site.article("a", "2020-01-02", "", "Line one.\nSee [x](/gone/).");
    let broken = broken_links(&site);
    assert_eq!(broken.len(), 1, "{broken:#?}");
    assert_eq!(
        broken[0].at,
        LinkSource::Content(Location::line("content/articles/a.md", 7))
    );
}

#[test]
fn check_names_the_thread_line_of_a_broken_link_in_a_comment() {
    let site = Site::new();
    site.article("a", "2020-01-02", "", "Body.");
    site.comments(
        "a",
        "[[comment]]\nid = \"1\"\nauthor = \"A\"\ndate = 2020-01-03\nbody = \"\"\"\nFirst.\n\nSee [here](/articles/a/#comment-7).\n\"\"\"\n",
    );
    let broken = broken_links(&site);
    assert_eq!(broken.len(), 1, "{broken:#?}");
    assert_eq!(
        broken[0].at,
        LinkSource::Content(Location::line("content/articles/a.comments.toml", 8))
    );
    assert_eq!(
        broken[0].problem,
        LinkProblem::MissingAnchor("comment-7".into())
    );
}

#[test]
fn check_names_the_template_of_a_broken_link_no_content_holds() {
    let site = Site::new();
    site.article("a", "2020-01-02", "", "Body.");
    let base = include_str!("../templates/base.html").replacen(
        "</body>",
        "<a href=\"/no-such-page/\">x</a></body>",
        1,
    );
    let line = base
        .lines()
        .position(|l| l.contains("/no-such-page/"))
        .unwrap()
        + 1;
    site.file("templates/base.html", &base);
    // On every page, but written once: in base.html.
    let broken = broken_links(&site);
    assert_eq!(broken.len(), 1, "{broken:#?}");
    assert_eq!(
        broken[0].at,
        LinkSource::Template {
            template: TemplateFile::Site("templates/base.html".into()),
            line: Some(line),
        }
    );
}
