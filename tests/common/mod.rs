//! A small fixture API for the integration tests: write a site into a temp dir,
//! run the real `scholia` binary on it, and parse what it wrote.
#![allow(dead_code)] // each test file uses a different part of it

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use scraper::{ElementRef, Html, Selector};
use tempfile::TempDir;

/// A minimal valid site.toml.
pub const SITE_TOML: &str = "title = \"Test Archive\"\nbase_url = \"https://example.org\"\n";

/// A site in a temporary folder.
pub struct Site {
    dir: TempDir,
}

/// The outcome of one run of the binary.
pub struct Run {
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
    pub fn new() -> Site {
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
    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// Writes a file (creating folders), relative to the site root.
    pub fn file(&self, relative: &str, contents: &str) -> &Site {
        let path = self.root().join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, contents).unwrap();
        self
    }

    /// Writes a single-file article by `ann` with the given extra front matter lines.
    pub fn article(&self, slug: &str, date: &str, front: &str, body: &str) -> &Site {
        self.file(
            &format!("content/articles/{slug}.md"),
            &format!(
                "+++\ntitle = \"Title of {slug}\"\ndate = {date}\nauthors = [\"ann\"]\n{front}+++\n{body}\n"
            ),
        )
    }

    /// Writes the comment thread of a single-file article.
    pub fn comments(&self, slug: &str, toml: &str) -> &Site {
        self.file(&format!("content/articles/{slug}.comments.toml"), toml)
    }

    /// Runs `scholia ARGS --root <site>`.
    pub fn run(&self, args: &[&str]) -> Run {
        Command::new(env!("CARGO_BIN_EXE_scholia"))
            .args(args)
            .arg("--root")
            .arg(self.root())
            .output()
            .expect("run scholia")
            .into()
    }

    /// Builds, asserting success.
    pub fn build(&self) -> Run {
        let run = self.run(&["build"]);
        assert_eq!(run.code, Some(0), "build failed:\n{}", run.stderr);
        run
    }

    /// Builds, asserting failure with exit code 1; returns stderr.
    pub fn build_fails(&self) -> String {
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
    pub fn output(&self, relative: &str) -> PathBuf {
        self.root().join("public").join(relative)
    }

    /// Reads an output file.
    pub fn read(&self, relative: &str) -> String {
        let path = self.output(relative);
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    /// Parses an output HTML file.
    pub fn page(&self, relative: &str) -> Html {
        Html::parse_document(&self.read(relative))
    }
}

/// Parses a CSS selector (panicking on a typo in the test).
pub fn sel(css: &str) -> Selector {
    Selector::parse(css).unwrap_or_else(|e| panic!("bad selector {css}: {e:?}"))
}

/// The elements matching `css`.
pub fn select<'a>(html: &'a Html, css: &str) -> Vec<ElementRef<'a>> {
    html.select(&sel(css)).collect()
}

/// The one element matching `css`.
pub fn one<'a>(html: &'a Html, css: &str) -> ElementRef<'a> {
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
pub fn text(element: ElementRef<'_>) -> String {
    element
        .text()
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The texts of all elements matching `css`.
pub fn texts(html: &Html, css: &str) -> Vec<String> {
    select(html, css).into_iter().map(text).collect()
}

/// An attribute of an element.
pub fn attr<'a>(element: ElementRef<'a>, name: &str) -> Option<&'a str> {
    element.value().attr(name)
}

/// The repository root: the example site.
pub fn example_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `scholia ARGS` as given (no `--root` added).
pub fn scholia(args: &[&str]) -> Run {
    Command::new(env!("CARGO_BIN_EXE_scholia"))
        .args(args)
        .output()
        .expect("run scholia")
        .into()
}

impl Site {
    /// Writes a bundle article `content/articles/<slug>/index.md` by `ann`.
    pub fn bundle(&self, slug: &str, date: &str, front: &str, body: &str) -> &Site {
        self.file(
            &format!("content/articles/{slug}/index.md"),
            &format!(
                "+++\ntitle = \"Title of {slug}\"\ndate = {date}\nauthors = [\"ann\"]\n{front}+++\n{body}\n"
            ),
        )
    }

    /// Runs `scholia build ARGS --root <site>`, asserting success.
    pub fn build_with(&self, args: &[&str]) -> Run {
        let mut all = vec!["build"];
        all.extend_from_slice(args);
        let run = self.run(&all);
        assert_eq!(run.code, Some(0), "build failed:\n{}", run.stderr);
        run
    }

    /// Every file of the output folder with its bytes.
    pub fn output_files(&self) -> BTreeMap<PathBuf, Vec<u8>> {
        files_in(&self.root().join("public"))
    }
}

/// Every file under `dir`, by path relative to `dir`, with its bytes.
pub fn files_in(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
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

/// Parses an HTML file anywhere on disk.
pub fn parse_file(path: &Path) -> Html {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    Html::parse_document(&text)
}

/// A TOML basic string holding `s` exactly.
pub fn toml_str(s: &str) -> String {
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
