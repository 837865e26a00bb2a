//! A small fixture API for the integration tests: write a site into a temp dir,
//! run the real `scholia` binary on it, and parse what it wrote.
#![allow(dead_code)] // each test file uses a different part of it

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use scraper::{ElementRef, Html, Selector};
use tempfile::TempDir;

/// A minimal valid site.toml.
pub(crate) const SITE_TOML: &str = "title = \"Test Archive\"\nbase_url = \"https://example.org\"\n";

/// A site in a temporary folder.
pub(crate) struct Site {
    dir: TempDir,
}

/// The outcome of one run of the binary.
pub(crate) struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl From<Output> for Run {
    fn from(out: Output) -> Self {
        Run {
            code: out.status.code(),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }
}

impl Site {
    /// An empty site with the minimal site.toml and one author, `ann`.
    pub(crate) fn new() -> Site {
        let site = Site {
            dir: tempfile::tempdir().expect("temp dir"),
        };
        site.file("site.toml", SITE_TOML);
        site.file(
            "content/authors/ann.md",
            "+++\nname = \"Ann Author\"\n+++\nAnn writes.\n",
        );
        site
    }

    /// The site's folder.
    pub(crate) fn root(&self) -> &Path {
        self.dir.path()
    }

    /// Writes a file (creating folders), relative to the site root.
    pub(crate) fn file(&self, relative: &str, contents: &str) -> &Site {
        let path = self.root().join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, contents).unwrap();
        self
    }

    /// Writes a single-file article by `ann` with the given extra front matter lines.
    pub(crate) fn article(&self, slug: &str, date: &str, front: &str, body: &str) -> &Site {
        self.file(
            &format!("content/articles/{slug}.md"),
            &format!(
                "+++\ntitle = \"Title of {slug}\"\ndate = {date}\nauthors = [\"ann\"]\n{front}+++\n{body}\n"
            ),
        )
    }

    /// Writes the comment thread of a single-file article.
    pub(crate) fn comments(&self, slug: &str, toml: &str) -> &Site {
        self.file(&format!("content/articles/{slug}.comments.toml"), toml)
    }

    /// Runs `scholia ARGS --root <site>`.
    pub(crate) fn run(&self, args: &[&str]) -> Run {
        Command::new(env!("CARGO_BIN_EXE_scholia"))
            .args(args)
            .arg("--root")
            .arg(self.root())
            .output()
            .expect("run scholia")
            .into()
    }

    /// Builds, asserting success.
    pub(crate) fn build(&self) -> Run {
        let run = self.run(&["build"]);
        assert_eq!(run.code, Some(0), "build failed:\n{}", run.stderr);
        run
    }

    /// Builds, asserting failure with exit code 1; returns stderr.
    pub(crate) fn build_fails(&self) -> String {
        let run = self.run(&["build"]);
        assert_eq!(
            run.code,
            Some(1),
            "expected a content error, got:\n{}{}",
            run.stdout,
            run.stderr
        );
        run.stderr
    }

    /// The path of an output file.
    pub(crate) fn output(&self, relative: &str) -> PathBuf {
        self.root().join("public").join(relative)
    }

    /// Reads an output file.
    pub(crate) fn read(&self, relative: &str) -> String {
        let path = self.output(relative);
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    /// Parses an output HTML file.
    pub(crate) fn page(&self, relative: &str) -> Html {
        Html::parse_document(&self.read(relative))
    }
}

/// Parses a CSS selector (panicking on a typo in the test).
pub(crate) fn sel(css: &str) -> Selector {
    Selector::parse(css).unwrap_or_else(|e| panic!("bad selector {css}: {e:?}"))
}

/// The elements matching `css`.
pub(crate) fn select<'a>(html: &'a Html, css: &str) -> Vec<ElementRef<'a>> {
    html.select(&sel(css)).collect()
}

/// The `href` of every element matching `css` that has one, as written.
pub(crate) fn hrefs<'a>(html: &'a Html, css: &str) -> Vec<&'a str> {
    select(html, css)
        .into_iter()
        .filter_map(|e| attr(e, "href"))
        .collect()
}

/// The one element matching `css`.
pub(crate) fn one<'a>(html: &'a Html, css: &str) -> ElementRef<'a> {
    let found = select(html, css);
    assert_eq!(
        found.len(),
        1,
        "expected one `{css}`, found {}",
        found.len()
    );
    found[0]
}

/// An element's text, whitespace collapsed.
pub(crate) fn text(element: ElementRef<'_>) -> String {
    element
        .text()
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The texts of all elements matching `css`.
pub(crate) fn texts(html: &Html, css: &str) -> Vec<String> {
    select(html, css).into_iter().map(text).collect()
}

/// An attribute of an element.
pub(crate) fn attr<'a>(element: ElementRef<'a>, name: &str) -> Option<&'a str> {
    element.value().attr(name)
}

/// The repository root: the example site.
pub(crate) fn example_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The example site (this repository), built into a temporary folder.
pub(crate) fn built_example() -> tempfile::TempDir {
    built_example_with(&[])
}

/// The example site built into a temporary folder with `extra` flags.
pub(crate) fn built_example_with(extra: &[&str]) -> tempfile::TempDir {
    let out = tempfile::tempdir().unwrap();
    let root = example_root();
    let mut args = vec![
        "build",
        "--root",
        root.to_str().unwrap(),
        "--output",
        out.path().to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let run = scholia(&args);
    assert_eq!(run.code, Some(0), "the example builds:\n{}", run.stderr);
    out
}

/// Runs `scholia ARGS` as given (no `--root` added).
pub(crate) fn scholia(args: &[&str]) -> Run {
    Command::new(env!("CARGO_BIN_EXE_scholia"))
        .args(args)
        .output()
        .expect("run scholia")
        .into()
}

impl Site {
    /// Writes a bundle article `content/articles/<slug>/index.md` by `ann`.
    pub(crate) fn bundle(&self, slug: &str, date: &str, front: &str, body: &str) -> &Site {
        self.file(
            &format!("content/articles/{slug}/index.md"),
            &format!(
                "+++\ntitle = \"Title of {slug}\"\ndate = {date}\nauthors = [\"ann\"]\n{front}+++\n{body}\n"
            ),
        )
    }

    /// Runs `scholia build ARGS --root <site>`, asserting success.
    pub(crate) fn build_with(&self, args: &[&str]) -> Run {
        let mut all = vec!["build"];
        all.extend_from_slice(args);
        let run = self.run(&all);
        assert_eq!(run.code, Some(0), "build failed:\n{}", run.stderr);
        run
    }

    /// Builds into `output` with `threads` worker threads (rayon's
    /// `RAYON_NUM_THREADS`), asserting success.
    pub(crate) fn build_with_threads(&self, threads: &str, output: &Path) {
        let run = Command::new(env!("CARGO_BIN_EXE_scholia"))
            .args(["build", "--output"])
            .arg(output)
            .arg("--root")
            .arg(self.root())
            .env("RAYON_NUM_THREADS", threads)
            .output()
            .expect("run scholia");
        assert!(
            run.status.success(),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
    }

    /// Every file of the output folder with its bytes.
    pub(crate) fn output_files(&self) -> BTreeMap<PathBuf, Vec<u8>> {
        files_in(&self.root().join("public"))
    }
}

/// Every file under `dir`, by path relative to `dir`, with its bytes.
pub(crate) fn files_in(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|entry| entry.unwrap_or_else(|e| panic!("{}: {e}", dir.display())))
        .filter(|entry| entry.file_type().is_file())
        .map(|entry| {
            let relative = entry.path().strip_prefix(dir).unwrap().to_path_buf();
            (relative, std::fs::read(entry.path()).unwrap())
        })
        .collect()
}

/// Asserts that the folders `got` and `want` hold the same files with the
/// same bytes; `context` says what `got` is.
pub(crate) fn assert_same_files(got: &Path, want: &Path, context: &str) {
    let (got, want) = (files_in(got), files_in(want));
    let got_names: Vec<_> = got.keys().collect();
    let want_names: Vec<_> = want.keys().collect();
    assert_eq!(got_names, want_names, "{context}: the same files");
    for (path, bytes) in &want {
        assert!(got[path] == *bytes, "{} differs {context}", path.display());
    }
}

/// A request to build the site at `site` into `output`, now, with no options.
pub(crate) fn build_request(site: &Site, output: &Path) -> scholia::BuildRequest {
    scholia::BuildRequest {
        root: site.root().to_path_buf(),
        output: Some(output.to_path_buf()),
        options: scholia::site::BuildOptions::default(),
        base_url: None,
        now: chrono::Utc::now(),
    }
}

/// Every URL a page holds in a link, stylesheet, image, script, form or
/// refresh, with what it is.
pub(crate) fn urls_on(html: &Html) -> Vec<(String, String)> {
    let mut found = Vec::new();
    for (css, attribute) in [
        ("a[href]", "href"),
        ("link[href]", "href"),
        ("img[src]", "src"),
        ("script[src]", "src"),
        ("source[src]", "src"),
        ("form[action]", "action"),
    ] {
        for element in select(html, css) {
            let url = attr(element, attribute).unwrap_or_default().to_string();
            found.push((format!("{css} {attribute}"), url));
        }
    }
    for element in select(html, "img[srcset], source[srcset]") {
        let srcset = attr(element, "srcset").unwrap_or_default();
        for candidate in srcset.split(',') {
            let url = candidate.split_whitespace().next().unwrap_or_default();
            found.push(("srcset".into(), url.to_string()));
        }
    }
    for meta in select(html, r#"meta[http-equiv="refresh"]"#) {
        let content = attr(meta, "content").unwrap_or_default();
        let (_, url) = content.split_once("url=").expect("a refresh names its url");
        found.push(("refresh".into(), url.to_string()));
    }
    found
}

/// Parses an HTML file anywhere on disk.
pub(crate) fn parse_file(path: &Path) -> Html {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    Html::parse_document(&text)
}

/// A TOML basic string holding `s` exactly.
pub(crate) fn toml_str(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

// ------------------------------------------------------------------ importers

/// A fixture of the importer tests: `tests/fixtures/import/<name>`.
pub(crate) fn import_fixture(name: &str) -> PathBuf {
    example_root().join("tests/fixtures/import").join(name)
}

/// Every e-mail address and IP address (v4, and v6 with `::` or eight groups)
/// in `text`, in order of appearance.
pub(crate) fn addresses(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    // One past the run of `ok` characters starting at `from`.
    let run_end = |from: usize, ok: &dyn Fn(char) -> bool| -> usize {
        (from..chars.len())
            .find(|&i| !ok(chars[i]))
            .unwrap_or(chars.len())
    };
    // The first index of the run of `ok` characters ending just before `to`.
    let run_start = |to: usize, ok: &dyn Fn(char) -> bool| -> usize {
        (0..to).rev().find(|&i| !ok(chars[i])).map_or(0, |i| i + 1)
    };
    let mut found = Vec::new();
    // E-mail: a local part, `@`, and a host with a dotted top-level domain.
    let local = |c: char| c.is_ascii_alphanumeric() || "._%+-".contains(c);
    let domain = |c: char| c.is_ascii_alphanumeric() || ".-".contains(c);
    for at in (0..chars.len()).filter(|&i| chars[i] == '@') {
        let start = run_start(at, &local);
        let end = run_end(at + 1, &domain);
        let host: String = chars[at + 1..end].iter().collect();
        let host = host.trim_end_matches(['.', '-']);
        let has_tld = host.rsplit_once('.').is_some_and(|(name, tld)| {
            !name.is_empty() && tld.len() >= 2 && tld.chars().all(|c| c.is_ascii_alphabetic())
        });
        if start < at && has_tld {
            let local: String = chars[start..at].iter().collect();
            found.push(format!("{local}@{host}"));
        }
    }
    // IPv4: four dot-separated numbers 0-255 in a run of digits and dots.
    for token in text.split(|c: char| !(c.is_ascii_digit() || c == '.')) {
        let parts: Vec<&str> = token.split('.').collect();
        for window in parts.windows(4) {
            if window
                .iter()
                .all(|p| (1..=3).contains(&p.len()) && p.parse::<u16>().is_ok_and(|n| n <= 255))
            {
                found.push(window.join("."));
            }
        }
    }
    // IPv6: a run of hex digits and colons that is not part of a longer word.
    let hexish = |c: char| c.is_ascii_hexdigit() || c == ':';
    let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
    let mut i = 0;
    while i < chars.len() {
        if !hexish(chars[i]) {
            i += 1;
            continue;
        }
        let end = run_end(i, &hexish);
        let candidate: String = chars[i..end].iter().collect();
        let groups: Vec<&str> = candidate.split(':').collect();
        if !word(i.checked_sub(1).map(|j| chars[j]))
            && !word(chars.get(end).copied())
            && (candidate.contains("::") || groups.len() == 8)
            && groups.iter().filter(|g| !g.is_empty()).count() >= 2
            && groups.iter().all(|g| g.len() <= 4)
        {
            found.push(candidate);
        }
        i = end;
    }
    found
}

/// Panics, naming the file and what was found, if any file under `dir` holds an
/// e-mail or IP address.
pub(crate) fn assert_no_addresses_under(dir: &Path) {
    let files = files_in(dir);
    assert!(!files.is_empty(), "{} holds no files", dir.display());
    for (path, bytes) in files {
        let found = addresses(&String::from_utf8_lossy(&bytes));
        assert!(
            found.is_empty(),
            "{} holds addresses: {found:?}",
            dir.join(path).display()
        );
    }
}

/// The comments of a page as rendered, in document order: each comment's id
/// (from `li#comment-<id>`) and the id of the comment item it is nested in.
pub(crate) fn comment_tree(page: &Html) -> Vec<(String, Option<String>)> {
    let id_of = |li: ElementRef<'_>| -> String {
        let id = li.value().id().expect("a comment item has an id");
        id.strip_prefix("comment-")
            .unwrap_or_else(|| panic!("comment item id {id:?} does not start with comment-"))
            .to_string()
    };
    select(page, "#comments li.comment")
        .into_iter()
        .map(|li| {
            let parent = li
                .ancestors()
                .filter_map(ElementRef::wrap)
                .find(|e| e.value().name() == "li" && e.value().classes().any(|c| c == "comment"))
                .map(id_of);
            (id_of(li), parent)
        })
        .collect()
}

/// Every file under `dir` with its bytes and modification time.
pub(crate) fn snapshot(dir: &Path) -> BTreeMap<PathBuf, (Vec<u8>, std::time::SystemTime)> {
    files_in(dir)
        .into_iter()
        .map(|(path, bytes)| {
            let modified = std::fs::metadata(dir.join(&path))
                .and_then(|m| m.modified())
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            (path, (bytes, modified))
        })
        .collect()
}

/// The TOML front matter of a content file (between the two `+++` lines).
pub(crate) fn front_matter(path: &Path) -> toml::Table {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let text = text.trim_start_matches('\u{feff}');
    let rest = text
        .strip_prefix("+++\n")
        .or_else(|| text.strip_prefix("+++\r\n"))
        .unwrap_or_else(|| panic!("{}: no front matter", path.display()));
    let end = rest
        .find("\n+++")
        .unwrap_or_else(|| panic!("{}: front matter not closed", path.display()));
    rest[..end]
        .parse()
        .unwrap_or_else(|e| panic!("{}: front matter: {e}", path.display()))
}

/// Reads a TOML file.
pub(crate) fn read_toml(path: &Path) -> toml::Table {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.parse()
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The counts of an import report's `Imported:` line, by kind
/// (`Imported: 3 posts, 12 comments` → posts: 3, comments: 12).
pub(crate) fn imported_counts(report: &str) -> BTreeMap<String, usize> {
    let line = report
        .lines()
        .find_map(|l| l.trim().strip_prefix("Imported:"))
        .unwrap_or_else(|| panic!("no `Imported:` line in the report:\n{report}"));
    line.split(',')
        .filter_map(|part| {
            let (n, kind) = part.trim().split_once(' ')?;
            Some((kind.trim().to_string(), n.parse().ok()?))
        })
        .collect()
}

/// One reason of a report section (`Skipped`, `Repaired`): its count, its text,
/// and the `- item` lines under it (only with `--verbose`).
#[derive(Debug)]
pub(crate) struct ReportReason {
    pub count: usize,
    pub reason: String,
    pub items: Vec<String>,
}

/// The reasons of the report section `title` (`Skipped (N):` …), and its N;
/// none when the section is absent.
pub(crate) fn report_section(report: &str, title: &str) -> (usize, Vec<ReportReason>) {
    let mut lines = report.lines();
    let head = format!("{title} (");
    let Some(total) = lines.by_ref().find_map(|l| {
        l.trim()
            .strip_prefix(&head)
            .and_then(|rest| rest.split_once(')'))
            .map(|(n, _)| n.parse::<usize>().expect("a count in the section head"))
    }) else {
        return (0, Vec::new());
    };
    let mut reasons: Vec<ReportReason> = Vec::new();
    for line in lines {
        if !line.starts_with(char::is_whitespace) || line.trim().is_empty() {
            break;
        }
        let line = line.trim();
        if let Some(item) = line.strip_prefix("- ") {
            reasons
                .last_mut()
                .unwrap_or_else(|| panic!("an item before any reason in:\n{report}"))
                .items
                .push(item.to_string());
        } else {
            let (n, reason) = line
                .split_once(char::is_whitespace)
                .unwrap_or_else(|| panic!("`{line}` is not `COUNT REASON`"));
            reasons.push(ReportReason {
                count: n
                    .parse()
                    .unwrap_or_else(|_| panic!("`{line}` does not start with a count")),
                reason: reason.trim().to_string(),
                items: Vec::new(),
            });
        }
    }
    (total, reasons)
}

/// What an in-process build made: its report and its output folder.
pub(crate) struct InProcess {
    /// The build's report.
    pub(crate) report: scholia::BuildReport,
    /// Owns the output folder.
    _dir: TempDir,
}

impl InProcess {
    /// Reads a file of the output.
    pub(crate) fn read(&self, relative: &str) -> String {
        let path = self.report.output.join(relative);
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }
}

/// Builds the site at `root` through the library (no binary, no stderr to
/// parse) into a temporary folder, at a fixed `now` so that the output never
/// depends on the day the test runs. Returns the output, or the typed errors.
pub(crate) fn build_in_process(root: &Path) -> Result<InProcess, scholia::BuildErrors> {
    let dir = tempfile::tempdir().expect("temp dir");
    let request = scholia::BuildRequest {
        root: root.to_path_buf(),
        output: Some(dir.path().join("out")),
        now: chrono::DateTime::parse_from_rfc3339("2026-11-29T12:00:00Z")
            .expect("a fixed date")
            .to_utc(),
        ..scholia::BuildRequest::default()
    };
    scholia::build(&request).map(|report| InProcess { report, _dir: dir })
}

// ------------------------------------------------------------ where links lead

/// Where `href`, on the page written at `page` (a path under the output
/// folder, such as `tags/iran/index.html`), leads, as the site-root path that
/// templates write before the build makes links relative: `/tags/russia/` (a
/// folder's `index.html` named as the folder), with its query and fragment. A
/// site-root or absolute `href` is returned as it is, and so is a link to this
/// same page by fragment alone (`#comments`). The site is taken to be at a
/// domain's root: a sub-folder site's links carry no base path once relative.
pub(crate) fn leads_to(page: &str, href: &str) -> String {
    if href.starts_with('/') || href.starts_with('#') || href.contains(':') {
        return href.to_string();
    }
    let base = url::Url::parse("http://site.invalid/")
        .and_then(|root| root.join(page))
        .expect("a page path");
    let url = base
        .join(href)
        .unwrap_or_else(|e| panic!("`{href}` on {page}: {e}"));
    let path = percent_encoding::percent_decode_str(url.path()).decode_utf8_lossy();
    let path = path.strip_suffix("index.html").unwrap_or(&path);
    let query = url.query().map(|q| format!("?{q}")).unwrap_or_default();
    let fragment = url.fragment().map(|f| format!("#{f}")).unwrap_or_default();
    format!("{path}{query}{fragment}")
}

/// The `href` of every element matching `css` on the page written at `file`,
/// each as [`leads_to`] gives it.
pub(crate) fn links_on(html: &Html, file: &str, css: &str) -> Vec<String> {
    select(html, css)
        .into_iter()
        .map(|e| leads_to(file, attr(e, "href").unwrap_or_default()))
        .collect()
}
