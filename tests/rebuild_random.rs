//! Randomized proof that serve's rebuilds and a full build are one pipeline:
//! random sequences of edits are applied to a fixture site, and after each
//! one the output rebuilt in place through a `BuildCache` must be byte for
//! byte what a fresh full build writes for the same request and the same
//! `now` (or both must fail with the same errors, the served output left as
//! it was).
//!
//! Seeded and bounded: in CI it runs [`SEQUENCES`] sequences of
//! [`EDITS`] edits each (one sequence per combination of `--drafts` and
//! `--future`, twice), that is 96 rebuilds each checked against a full build.
//! `SCHOLIA_RANDOM_SEQUENCES=N` runs N sequences instead, for a longer hunt;
//! a failure names the seed and the edits that led to it.

mod common;
use common::*;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Duration, TimeZone, Utc};
use scholia::build::rebuild;
use scholia::incremental::BuildCache;
use scholia::site::BuildOptions;
use scholia::{BuildErrors, BuildRequest};

/// Sequences run in CI.
const SEQUENCES: u64 = 8;
/// Edits per sequence.
const EDITS: usize = 12;

/// A small xorshift generator: deterministic for a seed, and no dependency.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        // Never zero, and seeds close together start far apart.
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A number below `n`.
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// One of `items`.
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// True one time in `n`.
    fn one_in(&mut self, n: usize) -> bool {
        self.below(n) == 0
    }
}

/// The build's clock at the start of every sequence.
fn start_time() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 6, 1, 12, 0, 0).unwrap()
}

/// Article dates, in days from the start: some past, some soon to pass.
const DAY_OFFSETS: [i64; 8] = [-400, -30, -2, -1, 1, 2, 4, 30];
const TAGS: [&str; 5] = ["Iran", "IRAN", "Oil", "Gas", "Trade"];
const AUTHORS: [&str; 2] = ["ann", "bob"];

/// One article as the test wants it on disk.
#[derive(Debug, Clone)]
struct ArticleState {
    slug: String,
    bundle: bool,
    title: u32,
    day: i64,
    draft: bool,
    authors: Vec<&'static str>,
    tags: Vec<&'static str>,
    body: u32,
    comments: usize,
    asset: Option<u32>,
    /// Its front matter is broken on disk.
    broken: bool,
}

impl ArticleState {
    fn markdown_path(&self) -> String {
        if self.bundle {
            format!("content/articles/{}/index.md", self.slug)
        } else {
            format!("content/articles/{}.md", self.slug)
        }
    }

    fn thread_path(&self) -> String {
        if self.bundle {
            format!("content/articles/{}/comments.toml", self.slug)
        } else {
            format!("content/articles/{}.comments.toml", self.slug)
        }
    }

    fn asset_path(&self) -> Option<String> {
        self.bundle
            .then(|| format!("content/articles/{}/notes.txt", self.slug))
    }

    fn markdown(&self) -> String {
        if self.broken {
            return "+++\ntitle = \"Broken\"\n".into();
        }
        let date = (start_time() + Duration::days(self.day)).to_rfc3339();
        let list = |items: &[&str]| {
            let quoted: Vec<String> = items.iter().map(|i| format!("\"{i}\"")).collect();
            quoted.join(", ")
        };
        format!(
            "+++\ntitle = \"Title {} of {}\"\ndate = {date}\nauthors = [{}]\ntags = [{}]\ndraft = {}\n+++\nBody {} of {}, with *emphasis*.\n",
            self.title,
            self.slug,
            list(&self.authors),
            list(&self.tags),
            self.draft,
            self.body,
            self.slug
        )
    }

    fn thread(&self) -> String {
        let mut toml = String::new();
        for n in 1..=self.comments {
            let parent = if n > 1 && n % 2 == 0 {
                format!("parent = \"{}\"\n", n - 1)
            } else {
                String::new()
            };
            let _ = write!(
                toml,
                "[[comment]]\nid = \"{n}\"\n{parent}author = \"Reader {n}\"\ndate = 2024-0{}-1{}T00:00:00Z\nbody = \"Comment {n} on {}\"\n\n",
                1 + n % 5,
                n % 10,
                self.slug
            );
        }
        toml
    }
}

/// A fixture site and the state the test keeps of it.
struct Fixture {
    site: Site,
    articles: Vec<ArticleState>,
    next_slug: usize,
    now: DateTime<Utc>,
    /// What was done, for the failure message.
    log: Vec<String>,
    /// The article template override is broken.
    template_broken: bool,
    /// The paths touched by the last edit that was not a rewrite of one
    /// article's files.
    pending: Vec<PathBuf>,
}

impl Fixture {
    fn new(rng: &mut Rng) -> Fixture {
        let site = Site::new();
        site.file(
            "site.toml",
            &format!("{SITE_TOML}\n[pagination]\nper_page = 2\n\n[feeds]\nlimit = 2\n"),
        );
        site.file(
            "content/authors/bob.md",
            "+++\nname = \"Bob Writer\"\n+++\nBob writes too.\n",
        );
        site.file(
            "content/pages/about.md",
            "+++\ntitle = \"About\"\n+++\nAbout us.\n",
        );
        let mut fixture = Fixture {
            site,
            articles: Vec::new(),
            next_slug: 0,
            now: start_time(),
            log: Vec::new(),
            template_broken: false,
            pending: Vec::new(),
        };
        for _ in 0..6 {
            fixture.add_article(rng);
        }
        fixture
    }

    /// Writes `relative` and returns its absolute path.
    fn write(&self, relative: &str, contents: &str) -> PathBuf {
        self.site.file(relative, contents);
        self.site.root().join(relative)
    }

    /// Removes `relative` (if there) and returns its absolute path.
    fn remove(&self, relative: &str) -> PathBuf {
        let path = self.site.root().join(relative);
        let _ = std::fs::remove_file(&path);
        path
    }

    /// Writes every file of article `i`; returns their paths.
    fn write_article(&self, i: usize) -> Vec<PathBuf> {
        let article = &self.articles[i];
        let mut changed = vec![self.write(&article.markdown_path(), &article.markdown())];
        changed.push(if article.comments > 0 {
            self.write(&article.thread_path(), &article.thread())
        } else {
            self.remove(&article.thread_path())
        });
        if let Some(asset) = article.asset_path() {
            changed.push(match article.asset {
                Some(n) => self.write(&asset, &format!("notes, version {n}")),
                None => self.remove(&asset),
            });
        }
        changed
    }

    fn add_article(&mut self, rng: &mut Rng) -> Vec<PathBuf> {
        let bundle = rng.one_in(3);
        let article = ArticleState {
            slug: format!("article-{}", self.next_slug),
            bundle,
            title: 0,
            day: *rng.pick(&DAY_OFFSETS),
            draft: rng.one_in(4),
            authors: vec![*rng.pick(&AUTHORS)],
            tags: vec![*rng.pick(&TAGS)],
            body: 0,
            comments: rng.below(3),
            asset: (bundle && rng.one_in(2)).then_some(0),
            broken: false,
        };
        self.next_slug += 1;
        self.articles.push(article);
        self.write_article(self.articles.len() - 1)
    }

    /// Applies one random edit; returns the paths it touched, as a watcher
    /// would report them.
    fn edit(&mut self, rng: &mut Rng) -> Vec<PathBuf> {
        let kinds = [
            "text", "title", "date", "draft", "comments", "authors", "tags", "asset", "break",
            "time", "time", "template", "author", "page", "add", "delete", "rename",
        ];
        let mut kind = *rng.pick(&kinds);
        // Broken files are mostly fixed soon after, as when editing for real,
        // so that most steps compare whole outputs rather than errors.
        if self.template_broken && rng.below(3) > 0 {
            kind = "template";
        } else if let Some(i) = self.articles.iter().position(|a| a.broken)
            && rng.below(3) > 0
        {
            return self.logged_on("text", i, rng);
        }
        if self.articles.is_empty() && !matches!(kind, "time" | "template" | "author" | "page") {
            return self.logged("add", rng);
        }
        self.logged(kind, rng)
    }

    fn logged(&mut self, kind: &str, rng: &mut Rng) -> Vec<PathBuf> {
        let i = rng.below(self.articles.len().max(1));
        self.logged_on(kind, i, rng)
    }

    /// Applies an edit of `kind` (to article `i`, for the edits of one
    /// article), logs it, and returns the paths it touched.
    fn logged_on(&mut self, kind: &str, i: usize, rng: &mut Rng) -> Vec<PathBuf> {
        let what = self.apply(kind, i, rng);
        self.log.push(format!("{kind}: {what}"));
        match kind {
            "time" | "template" | "author" | "page" | "add" | "delete" | "rename" => {
                std::mem::take(&mut self.pending)
            }
            _ => self.write_article(i),
        }
    }

    /// Changes the state for one edit of `kind` (to article `i`, for the
    /// edits of one article); says what it did.
    fn apply(&mut self, kind: &str, i: usize, rng: &mut Rng) -> String {
        let n = rng.next() as u32 % 1000;
        match kind {
            "time" => {
                // Far enough, often, to cross an article's date.
                self.now += Duration::hours(12 + rng.below(60) as i64);
                self.pending = Vec::new();
                return format!("now = {}", self.now);
            }
            "template" => return self.edit_template(rng),
            "author" => {
                let path = self.write(
                    "content/authors/bob.md",
                    &format!("+++\nname = \"Bob {n}\"\n+++\nBob, version {n}.\n"),
                );
                self.pending = vec![path];
                return format!("bob renamed Bob {n}");
            }
            "page" => {
                let path = self.write(
                    "content/pages/about.md",
                    &format!("+++\ntitle = \"About {n}\"\n+++\nAbout us, {n}.\n"),
                );
                self.pending = vec![path];
                return format!("page titled About {n}");
            }
            "add" => {
                self.pending = self.add_article(rng);
                return format!("added {}", self.articles.last().unwrap().slug);
            }
            "delete" => {
                let article = self.articles.remove(i);
                self.pending = self.delete_files(&article);
                return format!("deleted {}", article.slug);
            }
            "rename" => return self.rename(i),
            _ => {}
        }
        let article = &mut self.articles[i];
        article.broken = false;
        match kind {
            "text" => article.body = n,
            "title" => article.title = n,
            "date" => article.day = *rng.pick(&DAY_OFFSETS),
            "draft" => article.draft = !article.draft,
            "comments" => article.comments = rng.below(4),
            "authors" => {
                article.authors = match rng.below(3) {
                    0 => vec!["ann"],
                    1 => vec!["bob"],
                    _ => vec!["bob", "ann"],
                }
            }
            "tags" => {
                article.tags = TAGS.iter().copied().filter(|_| rng.one_in(3)).collect();
            }
            "asset" => article.asset = if rng.one_in(3) { None } else { Some(n) },
            "break" => article.broken = true,
            other => unreachable!("no edit {other}"),
        }
        format!("{} of {}", kind, article.slug)
    }

    /// Removes an article's files (and a bundle's folder); returns them.
    fn delete_files(&self, article: &ArticleState) -> Vec<PathBuf> {
        let mut gone = vec![
            self.remove(&article.markdown_path()),
            self.remove(&article.thread_path()),
        ];
        if let Some(asset) = article.asset_path() {
            gone.push(self.remove(&asset));
            let folder = self
                .site
                .root()
                .join(format!("content/articles/{}", article.slug));
            let _ = std::fs::remove_dir_all(&folder);
            gone.push(folder);
        }
        gone
    }

    /// Gives article `i` a new slug by moving its files (a bundle's folder at once).
    fn rename(&mut self, i: usize) -> String {
        let old = self.articles[i].clone();
        let slug = format!("article-{}", self.next_slug);
        self.next_slug += 1;
        let root = self.site.root().to_path_buf();
        let moved = |from: String, to: String| {
            if root.join(&from).exists() {
                std::fs::rename(root.join(&from), root.join(&to)).unwrap();
            }
            vec![root.join(from), root.join(to)]
        };
        self.articles[i].slug = slug.clone();
        let new = &self.articles[i];
        self.pending = if old.bundle {
            moved(
                format!("content/articles/{}", old.slug),
                format!("content/articles/{}", new.slug),
            )
        } else {
            let mut paths = moved(old.markdown_path(), new.markdown_path());
            paths.extend(moved(old.thread_path(), new.thread_path()));
            paths
        };
        format!("renamed {} to {slug}", old.slug)
    }

    /// Overrides the article template (showing the author boxes' article
    /// counts), breaks it, or removes the override.
    fn edit_template(&mut self, rng: &mut Rng) -> String {
        let path = "templates/article.html";
        let builtin = include_str!("../templates/article.html");
        let variant = rng.below(6);
        self.template_broken = variant == 1;
        let (file, what) = match variant {
            0 => (self.remove(path), "template override removed".to_string()),
            1 => (
                self.write(
                    path,
                    "{% extends \"base.html\" %}{% block content %}{% if %}",
                ),
                "template broken".to_string(),
            ),
            n => {
                let marker = format!(
                    "<!-- v{n} -->{{% for b in article.author_boxes %}}{{{{ b.article_count }}}}{{% endfor %}}</article>"
                );
                (
                    self.write(path, &builtin.replace("</article>", &marker)),
                    format!("template v{n}"),
                )
            }
        };
        self.pending = vec![file];
        what
    }
}

/// What a build left: every file with its bytes, or the errors.
type Outcome = Result<BTreeMap<PathBuf, Vec<u8>>, String>;

fn request(root: &Path, output: &Path, options: BuildOptions, now: DateTime<Utc>) -> BuildRequest {
    BuildRequest {
        root: root.to_path_buf(),
        output: Some(output.to_path_buf()),
        options,
        base_url: None,
        now,
    }
}

fn errors_of(errors: BuildErrors) -> String {
    errors.to_string()
}

/// Runs one sequence; panics with its history on the first difference.
fn run_sequence(seed: u64) {
    let mut rng = Rng::new(seed);
    let options = BuildOptions {
        drafts: seed & 1 == 1,
        future: seed & 2 == 2,
    };
    let mut fixture = Fixture::new(&mut rng);
    let served_dir = tempfile::tempdir().unwrap();
    let served = served_dir.path().join("site");
    let mut cache = BuildCache::default();
    let mut last_good: Option<BTreeMap<PathBuf, Vec<u8>>> = None;
    for step in 0..=EDITS {
        let changed = if step == 0 {
            Vec::new()
        } else {
            fixture.edit(&mut rng)
        };
        // As serve does: the watcher's paths, or (after lost events) none.
        let hints = (step > 0 && !rng.one_in(4)).then_some(changed.as_slice());
        let root = fixture.site.root();
        let rebuilt: Outcome = rebuild(
            &request(root, &served, options, fixture.now),
            &mut cache,
            hints,
        )
        .map(|_| files_in(&served))
        .map_err(errors_of);
        let fresh_dir = tempfile::tempdir().unwrap();
        let fresh = fresh_dir.path().join("site");
        let full: Outcome = scholia::build(&request(root, &fresh, options, fixture.now))
            .map(|_| files_in(&fresh))
            .map_err(errors_of);
        let history = || {
            format!(
                "seed {seed} ({options:?}), after edit {step}:\n  {}",
                fixture.log.join("\n  ")
            )
        };
        match (&rebuilt, &full) {
            (Ok(got), Ok(want)) => {
                assert_same_files(got, want, &history);
                last_good = Some(got.clone());
            }
            (Err(got), Err(want)) => {
                assert_eq!(got, want, "different errors; {}", history());
                if let Some(before) = &last_good {
                    assert!(
                        files_in(&served) == *before,
                        "a failed rebuild changed the served output; {}",
                        history()
                    );
                }
            }
            _ => panic!(
                "rebuild {} but full build {}; {}",
                describe(&rebuilt),
                describe(&full),
                history()
            ),
        }
    }
}

fn describe(outcome: &Outcome) -> String {
    match outcome {
        Ok(_) => "succeeded".into(),
        Err(errors) => format!("failed with:\n{errors}\n"),
    }
}

/// Panics naming the first file that differs, with both versions.
fn assert_same_files(
    got: &BTreeMap<PathBuf, Vec<u8>>,
    want: &BTreeMap<PathBuf, Vec<u8>>,
    history: &dyn Fn() -> String,
) {
    let names = |files: &BTreeMap<PathBuf, Vec<u8>>| files.keys().cloned().collect::<Vec<_>>();
    assert_eq!(names(got), names(want), "not the same files; {}", history());
    for (path, bytes) in want {
        if got[path] != *bytes {
            panic!(
                "{} differs from a full build's; {}\n--- rebuilt\n{}\n--- full build\n{}",
                path.display(),
                history(),
                String::from_utf8_lossy(&got[path]),
                String::from_utf8_lossy(bytes)
            );
        }
    }
}

#[test]
fn random_edit_sequences_rebuild_exactly_what_a_full_build_writes() {
    let sequences = std::env::var("SCHOLIA_RANDOM_SEQUENCES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(SEQUENCES);
    for seed in 0..sequences {
        run_sequence(seed);
    }
}
