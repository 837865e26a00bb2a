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

// ------------------------------------------------- typed errors, through the library

use scholia::error::{
    AliasProblem, CommentProblem, ConfigProblem, Location, SlugProblem, TemplateFile,
};
use scholia::{BuildRequest, Error};

/// Builds `site` in-process, expecting it to fail; returns its errors.
fn errors_of(site: &Site) -> Vec<Error> {
    let request = BuildRequest {
        root: site.root().to_path_buf(),
        ..BuildRequest::default()
    };
    match scholia::build(&request) {
        Ok(_) => panic!("the build succeeded; errors were expected"),
        Err(errors) => errors.0,
    }
}

/// `file:line`, as a [`Location`] shows it.
fn at(path: &str, line: usize) -> Location {
    Location::line(path, line)
}

/// A comment problem at a line of a thread file, as the build reports it.
fn comment(path: &str, line: usize, id: &str, problem: CommentProblem) -> String {
    format!("{} comment {id}: {problem:?}", at(path, line))
}

/// One error's kind and data as a line that can be compared with an expected
/// set (the kinds hold an `io::Error`, so `Error` itself is not comparable).
fn key(error: &Error) -> String {
    match error {
        Error::Comment { at, id, problem } => format!("{at} comment {id}: {problem:?}"),
        Error::Toml { at, .. } => format!("{at} toml"),
        Error::MissingAuthor { at, author } => format!("{at} missing author {author}"),
        Error::InvalidSlug { at, slug, problem } => format!("{at} slug {slug}: {problem:?}"),
        Error::InvalidAlias { at, alias, problem } => {
            format!("{at} alias {alias}: {problem:?}")
        }
        Error::UnsluggableTag { at, tag } => format!("{at} tag {tag}"),
        Error::InvalidConfig {
            at, key, problem, ..
        } => format!("{at} {key}: {problem:?}"),
        Error::TemplateRender {
            template,
            line,
            first_page,
            pages,
            ..
        } => format!("{template}:{line:?} render on {first_page} and {pages} pages in all"),
        Error::TemplateSyntax { template, line, .. } => format!("{template}:{line:?} syntax"),
        other => format!("unexpected: {other}"),
    }
}

/// Asserts that `errors` are exactly `expected`, in any order, each once.
#[track_caller]
fn assert_exactly(errors: &[Error], expected: &[String]) {
    let mut found: Vec<String> = errors.iter().map(key).collect();
    let mut expected = expected.to_vec();
    found.sort();
    expected.sort();
    assert_eq!(found, expected, "errors: {errors:#?}");
}

/// A thread with one of each problem a thread can have as a whole, and comment
/// by comment: line 1 `a`; 6 `a` again; 11 `b` replying to `zz`; 17 `c` and
/// 23 `d` replying to each other; 29 `e` without author, date or body.
const EVERY_THREAD_PROBLEM: &str = "\
[[comment]]
id = \"a\"
author = \"A\"
date = 2020-01-02
body = \"One.\"
[[comment]]
id = \"a\"
author = \"B\"
date = 2020-01-03
body = \"Same id.\"
[[comment]]
id = \"b\"
parent = \"zz\"
author = \"C\"
date = 2020-01-04
body = \"Reply to nothing.\"
[[comment]]
id = \"c\"
parent = \"d\"
author = \"D\"
date = 2020-01-05
body = \"Round…\"
[[comment]]
id = \"d\"
parent = \"c\"
author = \"E\"
date = 2020-01-06
body = \"…and round.\"
[[comment]]
id = \"e\"
body = \"\"
";

/// The errors [`EVERY_THREAD_PROBLEM`] must produce, for the thread at `path`.
fn every_thread_problem(path: &str) -> Vec<String> {
    vec![
        comment(path, 6, "a", CommentProblem::DuplicateId { first_line: 1 }),
        comment(path, 11, "b", CommentProblem::UnknownParent("zz".into())),
        comment(
            path,
            17,
            "c",
            CommentProblem::Cycle(vec!["c".into(), "d".into(), "c".into()]),
        ),
        comment(path, 29, "e", CommentProblem::Missing("author")),
        comment(path, 29, "e", CommentProblem::Missing("date")),
        comment(path, 29, "e", CommentProblem::EmptyBody),
    ]
}

#[test]
fn a_bundle_with_broken_front_matter_still_has_its_thread_checked() {
    let site = Site::new();
    site.file(
        "content/articles/trip/index.md",
        "+++\ntitle = \"Trip\"\ntitel = \"typo\"\ndate = 2020-01-01\n+++\nBody.\n",
    );
    site.file("content/articles/trip/comments.toml", EVERY_THREAD_PROBLEM);
    let mut expected = every_thread_problem("content/articles/trip/comments.toml");
    expected.push(format!("{} toml", at("content/articles/trip/index.md", 3)));
    assert_exactly(&errors_of(&site), &expected);
}

#[test]
fn a_single_file_article_with_unclosed_front_matter_still_has_its_thread_checked() {
    let site = Site::new();
    site.file(
        "content/articles/talk.md",
        "+++\ntitle = \"Talk\"\ndate = 2020-01-01\nBody, no closing fence.\n",
    );
    site.comments("talk", EVERY_THREAD_PROBLEM);
    let errors = errors_of(&site);
    let unclosed: Vec<&Error> = errors
        .iter()
        .filter(|e| matches!(e, Error::FrontMatterUnclosed { at } if at.path.ends_with("talk.md")))
        .collect();
    assert_eq!(unclosed.len(), 1, "{errors:#?}");
    let thread: Vec<&Error> = errors
        .iter()
        .filter(|e| !matches!(e, Error::FrontMatterUnclosed { .. }))
        .collect();
    let mut found: Vec<String> = thread.iter().map(|e| key(e)).collect();
    let mut expected = every_thread_problem("content/articles/talk.comments.toml");
    found.sort();
    expected.sort();
    assert_eq!(found, expected);
}

#[test]
fn a_broken_author_file_is_one_error_not_one_per_article() {
    let site = Site::new();
    site.file(
        "content/authors/bob.md",
        "+++\nname = \"Bob\"\nnmae = \"typo\"\n+++\nBob writes.\n",
    );
    for slug in ["one", "two", "three"] {
        site.file(
            &format!("content/articles/{slug}.md"),
            "+++\ntitle = \"T\"\ndate = 2020-01-01\nauthors = [\"ann\", \"bob\"]\n+++\nBody.\n",
        );
    }
    // An author with no file at all is still reported, article by article.
    site.file(
        "content/articles/four.md",
        "+++\ntitle = \"T\"\ndate = 2020-01-01\nauthors = [\"bob\", \"nobody\"]\n+++\nBody.\n",
    );
    assert_exactly(
        &errors_of(&site),
        &[
            format!("{} toml", at("content/authors/bob.md", 3)),
            format!(
                "{} missing author nobody",
                at("content/articles/four.md", 4)
            ),
        ],
    );
}

#[test]
fn a_broken_base_template_is_one_error_naming_its_file_and_line() {
    let site = Site::new();
    for slug in ["a", "b", "c"] {
        site.article(slug, "2020-01-01", "tags = [\"t\"]\n", "Body.");
    }
    let base = BUILTIN_BASE.replacen("</body>", "{{ no_such_value.at_all }}\n</body>", 1);
    let line = base
        .lines()
        .position(|l| l.contains("no_such_value"))
        .unwrap()
        + 1;
    site.file("templates/base.html", &base);
    let errors = errors_of(&site);
    assert_eq!(errors.len(), 1, "{errors:#?}");
    let Error::TemplateRender {
        template,
        line: found_line,
        first_page,
        pages,
        ..
    } = &errors[0]
    else {
        panic!("not a template error: {errors:#?}");
    };
    assert_eq!(template, &TemplateFile::Site("templates/base.html".into()));
    assert_eq!(*found_line, Some(line));
    assert_eq!(first_page, "404.html");
    // 3 articles, 1 author, 1 tag: their pages, the home page, the archive,
    // the lists of authors and tags, the 404 page, the search page.
    assert_eq!(*pages, 3 + 1 + 1 + 1 + 1 + 2 + 1 + 1);
}

/// The built-in `base.html`, which a site may copy and change.
const BUILTIN_BASE: &str = include_str!("../templates/base.html");

#[test]
fn a_broken_article_template_is_one_error_for_all_its_pages() {
    let site = Site::new();
    for slug in ["a", "b", "c"] {
        site.article(slug, "2020-01-01", "", "Body.");
    }
    site.file(
        "templates/article.html",
        "{% extends \"base.html\" %}\n{% block content %}\n{{ article.no_such_field }}\n{% endblock content %}",
    );
    assert_exactly(
        &errors_of(&site),
        &[
            "templates/article.html:Some(3) render on articles/a/index.html and 3 pages in all"
                .to_string(),
        ],
    );
}

#[test]
fn a_template_that_does_not_compile_names_its_file_and_line() {
    let site = Site::new();
    site.article("a", "2020-01-01", "", "Body.");
    site.file("templates/partials/extra.html", "<p>\n{{ unclosed\n</p>\n");
    let errors = errors_of(&site);
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert!(
        matches!(
            &errors[0],
            Error::TemplateSyntax { template: TemplateFile::Site(path), line: Some(_), .. }
                if path == std::path::Path::new("templates/partials/extra.html")
        ),
        "{errors:#?}"
    );
}

#[test]
fn slug_alias_and_tag_errors_name_their_lines() {
    let site = Site::new();
    site.file(
        "content/articles/bad.md",
        "+++\ntitle = \"Bad\"\ndate = 2020-01-01\nslug = \"a/b\"\ntags = [\n  \"fine\",\n  \"!!!\",\n]\naliases = [\"/old/\", \"https://x.org/y/\"]\n+++\nBody.\n",
    );
    site.file(
        "content/pages/about.md",
        "+++\ntitle = \"About\"\n\nslug = \"..\"\n+++\nBody.\n",
    );
    // A segment longer than a file name may be could not be written.
    let long = "x".repeat(256);
    site.file(
        "content/articles/long.md",
        &format!(
            "+++\ntitle = \"Long\"\ndate = 2020-01-01\nslug = \"{long}\"\naliases = [\"/old/{long}/\"]\n+++\nBody.\n"
        ),
    );
    assert_exactly(
        &errors_of(&site),
        &[
            format!(
                "{} alias /old/{long}/: {:?}",
                at("content/articles/long.md", 5),
                AliasProblem::SegmentTooLong(256)
            ),
            format!(
                "{} slug {long}: {:?}",
                at("content/articles/long.md", 4),
                SlugProblem::TooLong(256)
            ),
            format!(
                "{} slug a/b: {:?}",
                at("content/articles/bad.md", 4),
                SlugProblem::Character('/')
            ),
            format!("{} tag !!!", at("content/articles/bad.md", 7)),
            format!(
                "{} alias https://x.org/y/: {:?}",
                at("content/articles/bad.md", 9),
                AliasProblem::FullUrl
            ),
            format!(
                "{} slug ..: {:?}",
                at("content/pages/about.md", 4),
                SlugProblem::NotASegment
            ),
        ],
    );
}

#[test]
fn site_toml_value_errors_name_the_line_of_their_key() {
    let site = Site::new();
    site.file(
        "site.toml",
        "title = \"T\"\nbase_url = \"ftp://example.org\"\n\n[build]\npermalink = \"/{year}/\"\n\n[pagination]\nper_page = 0\n",
    );
    let errors = errors_of(&site);
    assert_exactly(
        &errors,
        &[
            format!(
                "{} base_url: {:?}",
                at("site.toml", 2),
                ConfigProblem::NotHttp
            ),
            format!(
                "{} [build] permalink: {:?}",
                at("site.toml", 5),
                ConfigProblem::Permalink(scholia::error::PermalinkProblem::NoSlug)
            ),
            format!(
                "{} [pagination] per_page: {:?}",
                at("site.toml", 8),
                ConfigProblem::Zero
            ),
        ],
    );
    // The message says what to do.
    let shown: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert!(
        shown
            .iter()
            .any(|m| m.starts_with("site.toml:8: [pagination] per_page = 0: must be at least 1")),
        "{shown:#?}"
    );
}
