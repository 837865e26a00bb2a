//! What each fuzz target does with one input, shared by the targets in
//! `fuzz_targets/` and by `tests/fuzz_regressions.rs`, so a saved crash input
//! replays through exactly the code that found it.
//!
//! Each function takes the raw bytes libFuzzer hands over, drives one part of
//! scholia the way a build or an import would, and panics only when scholia
//! breaks a promise: a panic inside scholia itself, or a property checked here
//! (a sanitized comment that could run script, an import whose result does not
//! load). Ordinary errors (bad TOML, malformed XML) are the expected answer to
//! most inputs and are simply returned from.
//!
//! The folders the targets need are made once per process and reused, so an
//! iteration costs a file write or two rather than a new site.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use scholia::BuildRequest;
use scholia::config::{CommentsConfig, SiteConfig};
use scholia::content::comments::load_thread;
use scholia::content::{Route, load_article, load_authors, load_content};
use scholia::import::disqus;
use scholia::import::wordpress::{self, WordpressOptions};
use scholia::markdown::{
    Highlighting, absolute_urls, absolute_urls_by_rewriter, may_link_into_site, render_untrusted,
    render_untrusted_by_sanitizer,
};
use scholia::render::chars::remove_unwritable;
use scholia::render::relative::{Linker, relative_page, relative_urls};
use scholia::render::{Plan, Templates, load_templates, render_plan};
use scholia::site::thread::build_thread;
use scholia::site::{BuildOptions, assemble, resolve_article, resolve_authors};
use scraper::{Html, node::Node};
use tempfile::TempDir;

/// Writes `files` (path relative to `root`, contents) under `root`.
fn write_files(root: &Path, files: &[(&str, &str)]) {
    for (relative, contents) in files {
        let path = root.join(relative);
        std::fs::create_dir_all(path.parent().expect("a file has a folder")).expect("mkdir");
        std::fs::write(path, contents).expect("write fixture file");
    }
}

/// A folder that lives as long as this process: a fuzzing process ends with
/// `exit`, which drops no static, so its folder is named for its process id
/// and removed by a later process once that id is gone. Each iteration's own
/// files are removed as it ends.
fn process_dir(kind: &str) -> TempDir {
    let prefix = format!("scholia-fuzz-{kind}-");
    sweep_dead(&prefix);
    tempfile::Builder::new()
        .prefix(&format!("{prefix}{}-", std::process::id()))
        .tempdir()
        .expect("temp dir")
}

/// Removes the folders `process_dir` left for processes no longer running
/// (known from `/proc`; where there is none, nothing is removed).
fn sweep_dead(prefix: &str) {
    if !Path::new("/proc/self").exists() {
        return;
    }
    let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .and_then(|n| n.strip_prefix(prefix))
            .and_then(|rest| rest.split('-').next())
            .filter(|pid| !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()))
        else {
            continue;
        };
        if !Path::new("/proc").join(pid).exists() {
            // Another process may be sweeping the same folder: losing is fine.
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// A site folder for the article and thread targets: one author, `ann`, and a
/// place for the fuzzed file. Locked, because the regression tests call the
/// same functions from several threads.
struct Scratch {
    dir: TempDir,
    config: SiteConfig,
    templates: Templates,
}

fn scratch() -> &'static Mutex<Scratch> {
    static SCRATCH: OnceLock<Mutex<Scratch>> = OnceLock::new();
    SCRATCH.get_or_init(|| {
        let dir = process_dir("scratch");
        write_files(
            dir.path(),
            &[(
                "content/authors/ann.md",
                "+++\nname = \"Ann Author\"\n+++\nAnn writes.\n",
            )],
        );
        // No `templates/` folder: the built-in theme, as most sites use it.
        let templates = load_templates(dir.path()).expect("the built-in templates load");
        Mutex::new(Scratch {
            dir,
            config: SiteConfig::default(),
            templates,
        })
    })
}

/// Target `article`: the bytes as one article file (front matter + Markdown),
/// loaded, resolved against a site with one author, and rendered with the
/// built-in theme into every page and feed that shows it.
///
/// A whole `build` would also copy, hash and publish an output folder for each
/// input; this goes through the same stages in memory, so the fuzzer spends its
/// time in parsing and rendering.
pub fn article(data: &[u8]) {
    let scratch = scratch().lock().unwrap_or_else(|e| e.into_inner());
    let root = scratch.dir.path();
    let path = root.join("content/articles/fuzzed.md");
    std::fs::create_dir_all(path.parent().expect("has a folder")).expect("mkdir");
    std::fs::write(&path, data).expect("write article");
    let Ok(source) = load_article(root, &path, Route::Unknown) else {
        return;
    };
    let highlighting =
        Highlighting::of(&scratch.config.highlight.theme).expect("the default theme exists");
    let authors = resolve_authors(
        load_authors(root, &root.join("content/authors"))
            .expect("the authors folder reads")
            .into_iter()
            .map(|a| a.unwrap_or_else(|_| panic!("the fixed author loads")))
            .collect(),
        &highlighting,
    );
    let known: HashSet<&str> = authors.iter().map(|a| a.id.as_str()).collect();
    let Ok((resolved, _warnings)) = resolve_article(source, &scratch.config, &known, &highlighting)
    else {
        return;
    };
    let now = BuildRequest::default().now;
    let site = assemble(
        scratch.config.clone(),
        authors,
        vec![resolved],
        Vec::new(),
        now,
    );
    // A plan can refuse a site (an alias onto another page's URL): a user error.
    let Ok(plan) = Plan::new(&site) else {
        return;
    };
    // Rendering a site the model accepted must not fail: the built-in
    // templates have to cope with whatever an article holds.
    if let Err(errors) = render_plan(&site, &scratch.templates, &plan, &|_| true, &|_, _| Ok(())) {
        panic!("a valid article failed to render: {errors:?}");
    }
    let article = &site.articles[0];
    for html in [&article.text().content_html, &article.summary_html] {
        check_content_links(html);
        check_feed_links(html);
    }
    // Raw HTML as an author may paste it, not only as Markdown's writer gives it.
    if let Ok(html) = std::str::from_utf8(data) {
        check_content_links(html);
        check_feed_links(html);
    }
}

/// Panics unless HTML made absolute for a feed comes out as the tokenizer
/// writes it: the check on that pass's way round the tokenizer.
fn check_feed_links(html: &str) {
    let base = url::Url::parse("https://example.org/articles/a/").expect("a valid URL");
    assert_eq!(
        absolute_urls(html, &base),
        absolute_urls_by_rewriter(html, &base),
        "{html:?} made absolute differs from the tokenizer's"
    );
}

/// Panics unless content shown on a page gets the links the whole-page
/// rewriter would give it, on a page at the root and one three folders down
/// under a base path: the check on the link pass's way round the rewriter.
fn check_content_links(html: &str) {
    let writable = remove_unwritable(html);
    for (page, base_path) in [("index.html", ""), ("a/b/c/index.html", "/b")] {
        let linker = Linker::relative_to(page, base_path);
        let Ok(content) = linker.content(html) else {
            continue;
        };
        let rewriter = relative_page(&writable, page, base_path).expect("the rewriter never fails");
        assert_eq!(
            remove_unwritable(&content),
            rewriter,
            "the links of {html:?} on {page} differ from the rewriter's"
        );
    }
}

/// Target `thread`: the bytes as an article's `comments.toml`, read by the
/// loader and then checked and ordered by the model, with the shape of the
/// result checked: every comment shown once, replies after their parents,
/// depths within the configured limit.
pub fn thread(data: &[u8]) {
    let scratch = scratch().lock().unwrap_or_else(|e| e.into_inner());
    let root = scratch.dir.path();
    let path = root.join("content/articles/fuzzed.comments.toml");
    std::fs::create_dir_all(path.parent().expect("has a folder")).expect("mkdir");
    std::fs::write(&path, data).expect("write thread");
    let Ok(source) = load_thread(root, &path, Route::Unknown) else {
        return;
    };
    let config = CommentsConfig::default();
    let mut warnings = Vec::new();
    // The loader has checked the thread whole: what it accepts, the model orders.
    let thread = build_thread(&source, &config, &mut warnings);
    assert_eq!(
        thread.len(),
        source.comments.len(),
        "a valid thread shows every comment"
    );
    let mut seen = HashSet::new();
    for (i, comment) in thread.comments.iter().enumerate() {
        assert!(
            seen.insert(&comment.id),
            "comment {} shown twice",
            comment.id
        );
        assert!(
            (1..=config.max_depth).contains(&(comment.depth as usize)),
            "depth {} out of range",
            comment.depth
        );
        match comment.parent {
            Some(p) => assert!(
                (p as usize) < i,
                "reply {} shown before its parent",
                comment.id
            ),
            None => assert_eq!(comment.depth, 1, "a top-level comment is at depth 1"),
        }
    }
}

/// Attributes whose value a browser follows or loads as a URL.
const URL_ATTRIBUTES: &[&str] = &[
    "action",
    "background",
    "cite",
    "codebase",
    "data",
    "formaction",
    "href",
    "icon",
    "longdesc",
    "lowsrc",
    "manifest",
    "ping",
    "poster",
    "src",
    "srcset",
    "usemap",
    "xlink:href",
];

/// Schemes that run script or smuggle a document in a URL.
const DANGEROUS_SCHEMES: &[&str] = &["javascript:", "vbscript:", "data:"];

/// A URL as a browser reads its scheme: tabs and newlines anywhere are
/// dropped, leading and trailing controls and spaces trimmed, case ignored.
fn scheme_view(url: &str) -> String {
    url.chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect::<String>()
        .trim_matches(|c: char| c <= ' ')
        .to_ascii_lowercase()
}

/// Target `sanitizer`: the bytes (as text) as a comment body, rendered by the
/// comment renderer; its output, parsed as an HTML5 fragment the way a browser
/// would parse it inside the page, must hold no `<script>`, no event handler
/// attribute, no `style` attribute and no `javascript:`, `vbscript:` or
/// `data:` URL. And when the output is said not to link into the site,
/// the pass that makes a page's links relative must leave it unchanged.
pub fn sanitizer(data: &[u8]) {
    let Ok(markdown) = std::str::from_utf8(data) else {
        return;
    };
    let html = render_untrusted(markdown);
    // Written without the sanitizer or through it, a comment comes out the same.
    assert_eq!(
        html,
        render_untrusted_by_sanitizer(markdown),
        "written without the sanitizer, {markdown:?} came out otherwise"
    );
    check_safe_html(&html);
    check_feed_links(&html);
    if !may_link_into_site(&html) {
        let page = "articles/a/index.html";
        let relative = relative_urls(&html, page, "").expect("the rewriter never fails");
        assert_eq!(relative, html, "a link into the site was missed");
    }
}

/// Panics, naming the problem and the HTML, if `html` could run script.
pub fn check_safe_html(html: &str) {
    let fragment = Html::parse_fragment(html);
    for node in fragment.tree.nodes() {
        let Node::Element(element) = node.value() else {
            continue;
        };
        let name = element.name();
        assert!(
            !name.eq_ignore_ascii_case("script"),
            "<script> survived: {html}"
        );
        for (attribute, value) in element.attrs() {
            let attribute = attribute.to_ascii_lowercase();
            assert!(
                !attribute.starts_with("on"),
                "event handler `{attribute}` on <{name}> survived: {html}"
            );
            assert!(
                attribute != "style",
                "style attribute on <{name}> survived: {html}"
            );
            if URL_ATTRIBUTES.contains(&attribute.as_str()) {
                let url = scheme_view(value);
                assert!(
                    !DANGEROUS_SCHEMES.iter().any(|s| url.starts_with(s)),
                    "`{attribute}=\"{value}\"` on <{name}> survived: {html}"
                );
            }
        }
    }
}

/// Target `wordpress`: the bytes as a WordPress export, imported into a new
/// site; when the import succeeds, the site it wrote must load and resolve
/// without errors (drafts and future articles included), as the importer
/// promises a site that builds as it is. Each iteration's folder is removed.
pub fn wordpress(data: &[u8]) {
    let dir = tempfile::Builder::new()
        .prefix("scholia-fuzz-wp-")
        .tempdir()
        .expect("temp dir");
    let export = dir.path().join("export.xml");
    std::fs::write(&export, data).expect("write export");
    let into = dir.path().join("site");
    if wordpress::import(&export, &into, &WordpressOptions::default()).is_err() {
        return;
    }
    assert_site_builds(&into, "the WordPress import");
}

/// Panics if the site at `root` has errors a build would report before
/// rendering (configuration, content, the model).
fn assert_site_builds(root: &Path, what: &str) {
    let config =
        SiteConfig::load(root).unwrap_or_else(|e| panic!("{what} wrote a bad site.toml: {e:?}"));
    drop(config);
    let (_, errors) = load_content(root);
    assert!(
        errors.is_empty(),
        "{what} wrote content that does not load: {errors:?}"
    );
    let output = TempDir::new().expect("an output folder");
    let request = BuildRequest {
        root: root.to_path_buf(),
        output: Some(output.path().join("site")),
        options: BuildOptions {
            drafts: true,
            future: true,
        },
        ..BuildRequest::default()
    };
    if let Err(errors) = scholia::build(&request) {
        panic!("{what} wrote a site with errors: {errors}");
    }
}

/// The site Disqus exports are merged into, made once per process: shaped
/// like one the WordPress importer writes, with articles whose URLs the seed
/// exports link to, one of them with a thread already.
struct DisqusSite {
    dir: TempDir,
    /// Each thread file of the site and what it held at the start (`None`:
    /// absent), put back after every iteration.
    threads: Vec<(PathBuf, Option<Vec<u8>>)>,
}

fn disqus_site() -> &'static Mutex<DisqusSite> {
    static SITE: OnceLock<Mutex<DisqusSite>> = OnceLock::new();
    SITE.get_or_init(|| {
        let dir = process_dir("disqus");
        let article = |title: &str, date: &str, extra: &str| {
            format!("+++\ntitle = \"{title}\"\ndate = {date}\nauthors = [\"ann\"]\n{extra}+++\nText.\n")
        };
        write_files(
            dir.path(),
            &[
                (
                    "site.toml",
                    "title = \"Example Commentary\"\nbase_url = \"https://blog.example.org\"\n\n[build]\npermalink = \"/{year}/{month}/{slug}/\"\n",
                ),
                ("content/authors/ann.md", "+++\nname = \"Ann Author\"\n+++\nAnn writes.\n"),
                (
                    "content/articles/disappointment-with-the-deal/index.md",
                    &article(
                        "The deal",
                        "2016-08-22T09:30:00-04:00",
                        "aliases = [\"/old/deal/\"]\n[extra]\nwordpress_id = 5\n",
                    ),
                ),
                (
                    "content/articles/disappointment-with-the-deal/comments.toml",
                    "[[comment]]\nid = \"5011\"\nauthor = \"A. Reader\"\ndate = 2016-08-22T11:02:00-04:00\nbody = \"An analysis.\"\n\n[[comment]]\nid = \"5012\"\nparent = \"5011\"\nauthor = \"Kathleen\"\ndate = 2016-08-22T12:10:00-04:00\nbody = \"I agree.\"\n",
                ),
                (
                    "content/articles/tom-jerry.md",
                    &article("Tom", "2016-08-25T16:00:00-04:00", ""),
                ),
                (
                    "content/articles/إيران-والاتفاق/index.md",
                    &article("Iran", "2016-09-05T08:15:00-04:00", ""),
                ),
            ],
        );
        let threads = [
            "content/articles/disappointment-with-the-deal/comments.toml",
            "content/articles/tom-jerry.comments.toml",
            "content/articles/إيران-والاتفاق/comments.toml",
        ]
        .iter()
        .map(|relative| {
            let path = dir.path().join(relative);
            let original = std::fs::read(&path).ok();
            (path, original)
        })
        .collect();
        // A fault in the fixture must not pass for one of the importer's.
        assert_site_builds(dir.path(), "the fixed site");
        Mutex::new(DisqusSite { dir, threads })
    })
}

impl DisqusSite {
    /// The bytes of every thread file now.
    fn snapshot(&self) -> Vec<Option<Vec<u8>>> {
        self.threads
            .iter()
            .map(|(path, _)| std::fs::read(path).ok())
            .collect()
    }

    /// Puts every thread file back as it was at the start.
    fn restore(&self) {
        for (path, original) in &self.threads {
            match original {
                Some(bytes) => std::fs::write(path, bytes).expect("restore thread"),
                None => match std::fs::remove_file(path) {
                    Ok(()) => {}
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                    Err(e) => panic!("cannot remove {}: {e}", path.display()),
                },
            }
        }
    }
}

/// Target `disqus`: the bytes as a Disqus export, merged into a small fixed
/// site. When the merge succeeds the site must still load and resolve (new
/// comments have unique ids and known parents), and merging the same export
/// again must change no file, as the importer promises. The site's threads are
/// put back after each iteration.
pub fn disqus(data: &[u8]) {
    let site = disqus_site().lock().unwrap_or_else(|e| e.into_inner());
    let spool = tempfile::Builder::new()
        .prefix("scholia-fuzz-dsq-")
        .tempdir()
        .expect("temp dir");
    let export = spool.path().join("export.xml");
    std::fs::write(&export, data).expect("write export");
    let root = site.dir.path();
    // Restore even when a check below panics, so one failure does not leak
    // into the next input (the regression tests run several in a process).
    struct Restore<'a>(&'a DisqusSite);
    impl Drop for Restore<'_> {
        fn drop(&mut self) {
            self.0.restore();
        }
    }
    let _restore = Restore(&site);
    if disqus::import(&export, root).is_err() {
        assert_eq!(
            site.snapshot(),
            site.threads
                .iter()
                .map(|(_, o)| o.clone())
                .collect::<Vec<_>>(),
            "a failed merge changed a thread file"
        );
        return;
    }
    assert_site_builds(root, "the Disqus merge");
    let merged = site.snapshot();
    disqus::import(&export, root).expect("a merge that worked once works again");
    assert!(
        site.snapshot() == merged,
        "merging the same export twice changed a thread file"
    );
}
