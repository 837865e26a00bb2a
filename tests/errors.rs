//! Bad input: every problem is reported with its file (and line, where it has one),
//! all of them in one run, with exit code 1; usage errors exit 2; a failed build
//! leaves the previous output untouched.

mod common;
use common::*;

/// Asserts that `stderr` holds a line starting `error: <prefix>` and containing
/// every one of `parts`.
#[track_caller]
fn assert_error(stderr: &str, prefix: &str, parts: &[&str]) {
    let found = stderr
        .lines()
        .filter_map(|line| line.strip_prefix("error: "))
        .any(|line| line.starts_with(prefix) && parts.iter().all(|p| line.contains(p)));
    assert!(
        found,
        "no error starting `{prefix}` containing {parts:?} in:\n{stderr}"
    );
}

/// A thread whose comment `2` (header on line 7) names a parent that does not exist.
const UNKNOWN_PARENT: &str = "\
[[comment]]
id = \"1\"
author = \"Alice\"
date = 2020-01-03
body = \"First.\"

[[comment]]
id = \"2\"
parent = \"9\"
author = \"Bob\"
date = 2020-01-04
body = \"Reply to nothing.\"
";

/// A thread whose comments on lines 7 and 13 share the id `7`.
const DUPLICATE_ID: &str = "\
[[comment]]
id = \"1\"
author = \"Alice\"
date = 2020-01-03
body = \"First.\"

[[comment]]
id = \"7\"
author = \"Bob\"
date = 2020-01-04
body = \"Second.\"

[[comment]]
id = \"7\"
author = \"Carol\"
date = 2020-01-05
body = \"Third.\"
";

#[test]
fn bad_front_matter_toml_names_the_file_and_line() {
    let site = Site::new();
    site.file(
        "content/articles/bad.md",
        "+++\ntitle = \"Bad\"\ndate = 2020-01-01\nsummary = \"never closed\nauthors = [\"ann\"]\n+++\nBody.\n",
    );
    let stderr = site.build_fails();
    assert_error(&stderr, "content/articles/bad.md:4:", &[]);
}

#[test]
fn bad_comment_thread_toml_names_the_file_and_line() {
    let site = Site::new();
    site.article("talk", "2020-01-01", "", "Body.");
    site.comments(
        "talk",
        "[[comment]]\nid = \"1\"\nauthor = \"A\"\ndate = 2020-01-02\nbody = unquoted\n",
    );
    let stderr = site.build_fails();
    assert_error(&stderr, "content/articles/talk.comments.toml:5:", &[]);
}

#[test]
fn unknown_front_matter_key_names_the_file_line_and_key() {
    let site = Site::new();
    site.file(
        "content/articles/typo.md",
        "+++\ndate = 2020-01-01\ntitel = \"Typo\"\nauthors = [\"ann\"]\n+++\nBody.\n",
    );
    let stderr = site.build_fails();
    assert_error(&stderr, "content/articles/typo.md:3:", &["`titel`"]);
}

#[test]
fn missing_author_names_the_file_line_and_author() {
    let site = Site::new();
    site.file(
        "content/articles/who.md",
        "+++\ntitle = \"Who\"\ndate = 2020-01-01\nauthors = [\n  \"ann\",\n  \"nobody\",\n]\n+++\nBody.\n",
    );
    let stderr = site.build_fails();
    assert_error(&stderr, "content/articles/who.md:6:", &["`nobody`"]);
}

/// Builds a one-article site with `thread` and returns the error output.
fn thread_errors(thread: &str) -> String {
    let site = Site::new();
    site.article("talk", "2020-01-01", "", "Body.");
    site.comments("talk", thread);
    site.build_fails()
}

#[test]
fn unknown_parent_names_the_thread_file_its_line_and_the_comment() {
    let stderr = thread_errors(UNKNOWN_PARENT);
    assert_error(
        &stderr,
        "content/articles/talk.comments.toml:7:",
        &["comment `2`", "\"9\""],
    );
}

#[test]
fn duplicate_comment_id_names_the_file_and_the_lines_of_both_comments() {
    let stderr = thread_errors(DUPLICATE_ID);
    assert_error(
        &stderr,
        "content/articles/talk.comments.toml:13:",
        &["comment `7`", "already used", "line 7"],
    );
}

#[test]
fn unknown_site_toml_key_names_the_line_and_key() {
    let site = Site::new();
    site.file("site.toml", &format!("{SITE_TOML}titel = \"Typo\"\n"));
    let stderr = site.build_fails();
    assert_error(&stderr, "site.toml:3:", &["`titel`"]);
}

#[test]
fn every_error_of_a_site_is_reported_in_one_run() {
    let site = Site::new();
    site.file("site.toml", &format!("{SITE_TOML}titel = \"Typo\"\n"));
    site.file(
        "content/articles/bad.md",
        "+++\ntitle = \"Bad\"\ndate = 2020-01-01\nsummary = \"never closed\n+++\nBody.\n",
    );
    site.file(
        "content/articles/typo.md",
        "+++\ndate = 2020-01-01\ntitel = \"Typo\"\n+++\nBody.\n",
    );
    site.file(
        "content/articles/who.md",
        "+++\ntitle = \"Who\"\ndate = 2020-01-01\nauthors = [\"nobody\"]\n+++\nBody.\n",
    );
    site.article("orphan", "2020-01-01", "", "Body.");
    site.comments("orphan", UNKNOWN_PARENT);
    site.article("twice", "2020-01-01", "", "Body.");
    site.comments("twice", DUPLICATE_ID);
    site.article("broken", "2020-01-01", "", "Body.");
    site.comments("broken", "[[comment]]\nid = \"1\"\nbody = unquoted\n");
    let stderr = site.build_fails();
    assert_error(&stderr, "site.toml:3:", &["`titel`"]);
    assert_error(&stderr, "content/articles/bad.md:4:", &[]);
    assert_error(&stderr, "content/articles/typo.md:3:", &["`titel`"]);
    assert_error(&stderr, "content/articles/who.md:4:", &["`nobody`"]);
    assert_error(
        &stderr,
        "content/articles/orphan.comments.toml:",
        &["comment `2`", "\"9\""],
    );
    assert_error(
        &stderr,
        "content/articles/twice.comments.toml:",
        &["comment `7`", "already used"],
    );
    assert_error(&stderr, "content/articles/broken.comments.toml:3:", &[]);
    assert!(stderr.contains("7 errors found"), "{stderr}");
}

#[test]
fn errors_in_an_article_and_its_own_thread_are_reported_together() {
    let site = Site::new();
    site.file(
        "content/articles/both.md",
        "+++\ndate = 2020-01-01\ntitel = \"Typo\"\n+++\nBody.\n",
    );
    site.comments("both", "[[comment]]\nid = \"1\"\nbody = unquoted\n");
    let stderr = site.build_fails();
    assert_error(&stderr, "content/articles/both.md:3:", &["`titel`"]);
    assert_error(&stderr, "content/articles/both.comments.toml:3:", &[]);
}

#[test]
fn usage_error_exits_with_code_2() {
    let run = scholia(&["build", "--no-such-flag"]);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(run.stderr.contains("--no-such-flag"), "{}", run.stderr);
}

#[test]
fn help_exits_with_code_0() {
    for args in [&["--help"][..], &["build", "--help"]] {
        let run = scholia(args);
        assert_eq!(run.code, Some(0), "scholia {args:?}: {}", run.stderr);
        assert!(
            run.stdout.contains("Usage:"),
            "scholia {args:?}: {}",
            run.stdout
        );
    }
}

#[test]
fn failed_build_leaves_the_previous_output_untouched() {
    let site = Site::new();
    site.article("hello", "2020-01-01", "", "First version.");
    site.build();
    let before = site.output_files();
    assert!(!before.is_empty());
    site.article(
        "hello",
        "2020-01-01",
        "titel = \"oops\"\n",
        "Second version.",
    );
    site.build_fails();
    assert!(
        site.output_files() == before,
        "public/ changed after a failed build"
    );
}

#[test]
fn failed_render_leaves_the_previous_output_untouched() {
    let site = Site::new();
    site.article("hello", "2020-01-01", "", "First version.");
    site.build();
    let before = site.output_files();
    site.article("hello", "2020-01-01", "", "Second version.");
    site.file(
        "templates/article.html",
        "{% extends \"base.html\" %}{% block content %}{{ article.no_such_field.at_all }}{% endblock content %}",
    );
    let stderr = site.build_fails();
    assert_error(&stderr, "templates/article.html:1:", &["no_such_field"]);
    assert!(
        site.output_files() == before,
        "public/ changed after a failed build"
    );
    let leftovers: Vec<_> = std::fs::read_dir(site.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.contains("staging"))
        .collect();
    assert!(leftovers.is_empty(), "staging left behind: {leftovers:?}");
}

#[test]
fn unclosed_front_matter_is_reported() {
    let site = Site::new();
    site.file(
        "content/articles/open.md",
        "+++\ntitle = \"Open\"\ndate = 2020-01-01\nBody, but no closing fence.\n",
    );
    let stderr = site.build_fails();
    assert_error(&stderr, "content/articles/open.md:1:", &["never closed"]);
}

#[test]
fn stray_comment_thread_is_an_error() {
    let site = Site::new();
    site.comments(
        "ghost",
        "[[comment]]\nid = \"1\"\nauthor = \"A\"\ndate = 2020-01-02\nbody = \"Hi\"\n",
    );
    let stderr = site.build_fails();
    assert_error(
        &stderr,
        "content/articles/ghost.comments.toml",
        &["ghost.md"],
    );
}

#[test]
fn stray_bundle_thread_is_an_error() {
    let site = Site::new();
    site.file(
        "content/articles/trip/article.md",
        "+++\ntitle = \"Trip\"\ndate = 2020-01-01\n+++\nBody.\n",
    );
    site.file(
        "content/articles/trip/comments.toml",
        "[[comment]]\nid = \"1\"\nauthor = \"A\"\ndate = 2020-01-02\nbody = \"Hi\"\n",
    );
    let stderr = site.build_fails();
    assert_error(&stderr, "content/articles/trip/comments.toml", &[]);
}

#[test]
fn impossible_date_names_the_file_and_line() {
    let site = Site::new();
    site.file(
        "content/articles/leap.md",
        "+++\ntitle = \"Leap\"\ndate = 2015-02-29\n+++\nBody.\n",
    );
    let stderr = site.build_fails();
    assert_error(&stderr, "content/articles/leap.md:3:", &[]);
}

#[test]
fn date_without_a_day_names_the_file_line_and_key() {
    let site = Site::new();
    site.file(
        "content/articles/when.md",
        "+++\ntitle = \"When\"\ndate = 09:30:00\n+++\nBody.\n",
    );
    let stderr = site.build_fails();
    assert_error(&stderr, "content/articles/when.md:3:", &["`date`"]);
}

#[test]
fn same_slug_twice_is_a_collision_naming_both_files() {
    let site = Site::new();
    site.article("first", "2020-01-01", "slug = \"shared\"\n", "1.");
    site.bundle("shared", "2020-01-02", "", "2.");
    let stderr = site.build_fails();
    assert_error(
        &stderr,
        "",
        &[
            "content/articles/first.md",
            "content/articles/shared/index.md",
            "/articles/shared/",
        ],
    );
}

#[test]
fn a_page_slug_that_leaves_its_folder_is_an_error() {
    let site = Site::new();
    site.file(
        "content/pages/sneaky.md",
        "+++\ntitle = \"Sneaky\"\nslug = \"../escaped\"\n+++\nBody.\n",
    );
    let stderr = site.build_fails();
    assert_error(&stderr, "content/pages/sneaky.md", &["../escaped"]);
    assert!(!site.root().join("escaped").exists());
}

#[test]
fn a_comment_id_with_spaces_is_an_error() {
    let site = Site::new();
    site.article("talk", "2020-01-02", "", "Body.").comments(
        "talk",
        "[[comment]]\nid = \"a b\"\nauthor = \"A\"\ndate = 2020-01-03T00:00:00Z\nbody = \"Hi\"\n",
    );
    let stderr = site.build_fails();
    assert_error(
        &stderr,
        "content/articles/talk.comments.toml:1:",
        &["`a b`", "without spaces"],
    );
}

#[test]
fn an_unknown_highlight_theme_is_reported_with_the_content_errors() {
    let site = Site::new();
    site.file(
        "site.toml",
        &format!("{SITE_TOML}[highlight]\ntheme = \"NoSuchTheme\"\n"),
    );
    site.file(
        "content/articles/bad.md",
        "+++\ntitle = \"Bad\"\ndate = 2020-01-02\nauthors = [\"nobody\"]\n+++\nBody.\n",
    );
    let stderr = site.build_fails();
    assert_error(&stderr, "site.toml", &["NoSuchTheme", "InspiredGitHub"]);
    assert_error(&stderr, "content/articles/bad.md", &["nobody"]);
}

#[test]
fn a_bundle_file_that_would_replace_its_page_is_an_error() {
    let site = Site::new();
    site.bundle("trip", "2020-01-02", "", "Body.");
    site.file("content/articles/trip/index.html", "<p>old export</p>");
    let stderr = site.build_fails();
    assert_error(
        &stderr,
        "",
        &[
            "content/articles/trip/index.md",
            "index.html",
            "/articles/trip/",
        ],
    );
}

#[test]
fn an_unknown_comment_key_gets_no_extra_hint() {
    let site = Site::new();
    site.article("talk", "2020-01-02", "", "Body.").comments(
        "talk",
        "[[comment]]\nid = \"1\"\nauthor = \"A\"\ndate = 2020-01-03T00:00:00Z\nbody = \"Hi\"\nemail = \"a@b.c\"\n",
    );
    let stderr = site.build_fails();
    assert_error(
        &stderr,
        "content/articles/talk.comments.toml:6:",
        &["email", "check the spelling"],
    );
    assert!(!stderr.contains("[extra]"), "{stderr}");
}

#[test]
fn an_output_folder_that_would_replace_the_sources_is_refused() {
    let site = Site::new();
    site.article("kept", "2020-01-02", "", "Body.");
    for output in [".", "content", "content/articles/out"] {
        let run = site.run(&[
            "build",
            "--output",
            &site.root().join(output).display().to_string(),
        ]);
        assert_eq!(
            run.code,
            Some(1),
            "--output {output} was accepted:\n{}",
            run.stderr
        );
        assert!(
            run.stderr.contains("would replace the site's own files"),
            "{}",
            run.stderr
        );
    }
    assert!(
        site.root().join("content/articles/kept.md").is_file(),
        "a source was lost"
    );
    assert!(
        site.root().join("site.toml").is_file(),
        "site.toml was lost"
    );
}

#[test]
fn a_folder_without_site_toml_says_where_it_looked() {
    let site = Site::new();
    std::fs::remove_file(site.root().join("site.toml")).unwrap();
    let stderr = site.build_fails();
    assert!(
        stderr.contains("site.toml") && stderr.contains("--root"),
        "{stderr}"
    );
}
