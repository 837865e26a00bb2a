//! `scholia import wordpress`: a WordPress export (WXR) becomes a site that
//! builds, keeping comment ids, threads and old URLs, leaving out what was never
//! public, and never writing a commenter's e-mail or IP address.
//!
//! The fixture `tests/fixtures/import/wordpress.xml` is a hand-written export of
//! `https://blog.example.org` (US Eastern time, so `post_date_gmt` is four hours
//! after `post_date`). What it holds, by post id:
//!
//! - 101 "Disappointment with the Deal" (jdoe): `<!--more-->`, and the thread
//!   5011 ← 5012 ← 5013 ← 5014 ← 5015 (five levels), 5030 ← 5011; spam 5020 ← 5012
//!   answered by 5021; spam 5022 (top level) answered by 5023; unapproved 5024,
//!   trash 5025, pingback 5026, trackback 5027; 5013 exported twice.
//! - 102 `Tom &amp;amp; Jerry` (jdoe): content split over CDATA sections (one
//!   split holding `]]]]><![CDATA[>`), comments closed, comment 5040.
//! - 103 an Arabic title with a percent-encoded UTF-8 `post_name`, comment 5050.
//! - 104 "Late Summer in the City" (m.karimi): a `[caption]` around an uploaded
//!   image, posted 22:30 on 31 August local time (already 1 September in UTC),
//!   comment 5060.
//! - 105 a draft (no `post_name`, `post_date_gmt` all zeros), 106 a private post,
//!   107 the page "about", 7201 an attachment, 7301 a menu item, 7302 a revision.
//!
//! `wordpress-com.xml` is a WordPress.com export: an undeclared `atom:` prefix and
//! a permalink structure (`/%category%/%postname%/`) scholia cannot express.

mod common;
use common::*;

use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset};
use percent_encoding::percent_decode_str;
use scraper::{ElementRef, Html};
use tempfile::TempDir;

/// The published posts of `wordpress.xml`: old URL path and title.
const POSTS: [(&str, &str); 4] = [
    (
        "/2016/08/disappointment-with-the-deal/",
        "Disappointment with the Deal",
    ),
    ("/2016/08/tom-jerry/", "Tom & Jerry"),
    (
        "/2016/09/%d8%a5%d9%8a%d8%b1%d8%a7%d9%86-%d9%88%d8%a7%d9%84%d8%a7%d8%aa%d9%81%d8%a7%d9%82/",
        "إيران والاتفاق النووي",
    ),
    ("/2016/08/late-summer/", "Late Summer in the City"),
];

const DEAL: &str = "/2016/08/disappointment-with-the-deal/";
const TOM: &str = "/2016/08/tom-jerry/";
const ARABIC: &str =
    "/2016/09/%d8%a5%d9%8a%d8%b1%d8%a7%d9%86-%d9%88%d8%a7%d9%84%d8%a7%d8%aa%d9%81%d8%a7%d9%82/";
const SUMMER: &str = "/2016/08/late-summer/";

/// The uploaded image of post 104, as the export links it.
const PHOTO_URL: &str = "https://blog.example.org/wp-content/uploads/2016/08/photo.png";

/// A 1×1 transparent PNG.
const PNG: [u8; 67] = [
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4,
    0x89, 0x00, 0x00, 0x00, 0x0A, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x00, 0x01, 0x00, 0x00,
    0x05, 0x00, 0x01, 0x0D, 0x0A, 0x2D, 0xB4, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE,
    0x42, 0x60, 0x82,
];

/// A site made by the importer, in a temporary folder.
struct Imported {
    _tmp: TempDir,
    /// The `--into` folder.
    dir: PathBuf,
    /// The import's own run (its report).
    report: Run,
}

/// Runs `scholia import wordpress <fixture> --into <new folder> FLAGS`,
/// asserting success.
fn import(fixture: &str, flags: &[&str]) -> Imported {
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = tmp.path().join("site");
    let report = run_import(fixture, &dir, flags);
    assert_eq!(
        report.code,
        Some(0),
        "import failed:\n{}{}",
        report.stdout,
        report.stderr
    );
    Imported {
        _tmp: tmp,
        dir,
        report,
    }
}

fn run_import(fixture: &str, dir: &Path, flags: &[&str]) -> Run {
    let export = import_fixture(fixture);
    let mut args = vec![
        "import",
        "wordpress",
        export.to_str().unwrap(),
        "--into",
        dir.to_str().unwrap(),
    ];
    args.extend_from_slice(flags);
    scholia(&args)
}

impl Imported {
    /// Runs `scholia build --root <dir> FLAGS`, asserting success.
    fn build(&self, flags: &[&str]) -> Run {
        let mut args = vec!["build", "--root", self.dir.to_str().unwrap()];
        args.extend_from_slice(flags);
        let run = scholia(&args);
        assert_eq!(
            run.code,
            Some(0),
            "build of the imported site failed:\n{}{}",
            run.stdout,
            run.stderr
        );
        run
    }

    fn public(&self) -> PathBuf {
        self.dir.join("public")
    }

    /// The page served at an old URL path, following a redirect page: its own
    /// URL path and its HTML.
    fn resolve(&self, old_path: &str) -> (String, Html) {
        let file = served_file(&self.public(), old_path);
        assert!(
            file.is_file(),
            "the old URL {old_path} is not served: {} does not exist",
            file.display()
        );
        let html = parse_file(&file);
        let Some(target) = refresh_target(&html) else {
            return (old_path.to_string(), html);
        };
        // The target is relative to the redirect page's own file.
        let page = file.strip_prefix(self.public()).expect("under public/");
        let path = url_path(&leads_to(&page.to_string_lossy(), &target));
        let file = served_file(&self.public(), &path);
        assert!(
            file.is_file(),
            "the old URL {old_path} redirects to {target}, which is not served: {} does not exist",
            file.display()
        );
        let html = parse_file(&file);
        assert_eq!(
            refresh_target(&html),
            None,
            "{old_path} redirects to {target}, which redirects again"
        );
        (path, html)
    }

    /// The article page served at an old URL path.
    fn page(&self, old_path: &str) -> Html {
        self.resolve(old_path).1
    }

    /// The folder of the imported article titled `title` (a bundle).
    fn article_dir(&self, title: &str) -> PathBuf {
        let articles = self.dir.join("content/articles");
        let found: Vec<PathBuf> = files_in(&articles)
            .into_keys()
            .filter(|p| p.file_name().is_some_and(|n| n == "index.md"))
            .map(|p| articles.join(p))
            .filter(|p| front_matter(p).get("title").and_then(|t| t.as_str()) == Some(title))
            .collect();
        assert_eq!(
            found.len(),
            1,
            "expected one article titled {title:?} under {}, found {found:?}",
            articles.display()
        );
        found[0].parent().unwrap().to_path_buf()
    }

    /// The `[[comment]]` tables of the imported article titled `title`.
    fn thread(&self, title: &str) -> Vec<toml::Table> {
        let path = self.article_dir(title).join("comments.toml");
        read_toml(&path)
            .get("comment")
            .and_then(|c| c.as_array())
            .unwrap_or_else(|| panic!("{}: no [[comment]]", path.display()))
            .iter()
            .map(|c| c.as_table().expect("a comment is a table").clone())
            .collect()
    }
}

/// The file a URL path is served from: `index.html` in the folder, unless the
/// last segment names a file (has a dot).
fn served_file(public: &Path, url_path: &str) -> PathBuf {
    let decoded = percent_decode_str(url_path)
        .decode_utf8()
        .unwrap_or_else(|e| panic!("{url_path}: {e}"));
    let relative = decoded.trim_start_matches('/');
    let last = relative.rsplit('/').next().unwrap_or("");
    if relative.is_empty() || relative.ends_with('/') || !last.contains('.') {
        public.join(relative).join("index.html")
    } else {
        public.join(relative)
    }
}

/// The target of a page's `<meta http-equiv="refresh">`, if it has one.
fn refresh_target(html: &Html) -> Option<String> {
    let meta = select(html, r#"meta[http-equiv="refresh"]"#);
    let content = attr(*meta.first()?, "content").expect("a refresh has content");
    let (_, url) = content
        .split_once("url=")
        .unwrap_or_else(|| panic!("refresh without url: {content:?}"));
    Some(url.trim().to_string())
}

/// The path of a URL (`https://host/a/b/?q` → `/a/b/`).
fn url_path(url: &str) -> String {
    let path = match url.split_once("://") {
        Some((_, rest)) => rest.find('/').map_or("/", |i| &rest[i..]),
        None => url,
    };
    path.split(['?', '#']).next().unwrap().to_string()
}

/// Resolves a link `src` found on the page at `page_path` to a URL path.
fn resolve_link(page_path: &str, src: &str) -> String {
    let joined = if src.starts_with('/') {
        src.to_string()
    } else {
        let folder = &page_path[..=page_path.rfind('/').unwrap()];
        format!("{folder}{src}")
    };
    let mut segments: Vec<&str> = Vec::new();
    for segment in joined.split('/').skip(1) {
        match segment {
            "." => {}
            ".." => {
                segments.pop();
            }
            s => segments.push(s),
        }
    }
    format!("/{}", segments.join("/"))
}

fn rfc3339(text: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(text).unwrap_or_else(|e| panic!("`{text}`: {e}"))
}

/// Every HTML file of a built site whose `<h1>` reads `title`.
fn pages_titled(public: &Path, title: &str) -> Vec<PathBuf> {
    files_in(public)
        .into_keys()
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
        .filter(|p| {
            texts(&parse_file(&public.join(p)), "h1")
                .iter()
                .any(|h| h == title)
        })
        .collect()
}

fn comment_ids(page: &Html) -> Vec<String> {
    comment_tree(page).into_iter().map(|(id, _)| id).collect()
}

/// The text of a comment's own body (not its replies).
fn comment_body(page: &Html, id: &str) -> String {
    let li = one(page, &format!("li#comment-{id}"));
    let article = li
        .children()
        .filter_map(ElementRef::wrap)
        .find(|e| e.value().name() == "article")
        .unwrap_or_else(|| panic!("comment {id} has no article"));
    let body: Vec<ElementRef> = article.select(&sel(":scope > div")).collect();
    assert_eq!(body.len(), 1, "comment {id} has {} bodies", body.len());
    text(body[0])
}

// ------------------------------------------------------------ import and build

#[test]
fn the_import_reports_posts_and_comments_and_the_site_builds() {
    let site = import("wordpress.xml", &[]);
    let counts = imported_counts(&site.report.stdout);
    assert_eq!(counts.get("posts"), Some(&4), "{}", site.report.stdout);
    // 8 on post 101 (5013 once), one each on 102, 103 and 104.
    assert_eq!(counts.get("comments"), Some(&11), "{}", site.report.stdout);
    for (kind, n) in [("drafts", 2), ("pages", 1), ("authors", 2)] {
        if let Some(got) = counts.get(kind) {
            assert_eq!(*got, n, "{kind}: {}", site.report.stdout);
        }
    }
    site.build(&[]);
    assert!(site.public().join("index.html").is_file());
}

#[test]
fn site_toml_keeps_the_title_the_base_url_and_the_permalink_pattern() {
    let site = import("wordpress.xml", &[]);
    let config = read_toml(&site.dir.join("site.toml"));
    assert_eq!(
        config.get("title").and_then(|v| v.as_str()),
        Some("Example Commentary")
    );
    let base = config
        .get("base_url")
        .and_then(|v| v.as_str())
        .expect("base_url");
    assert_eq!(base.trim_end_matches('/'), "https://blog.example.org");
    // Every published post's link is /{year}/{month}/{slug}/ of its local date,
    // including 104 (31 August local, 1 September UTC) and the Arabic slug.
    let permalink = config
        .get("build")
        .and_then(|b| b.get("permalink"))
        .and_then(|v| v.as_str());
    assert_eq!(permalink, Some("/{year}/{month}/{slug}/"));
}

#[test]
fn dates_keep_their_instant() {
    let site = import("wordpress.xml", &[]);
    site.build(&[]);
    let page = site.page(DEAL);
    let published = attr(
        one(&page, r#"meta[property="article:published_time"]"#),
        "content",
    )
    .unwrap();
    assert_eq!(rfc3339(published), rfc3339("2016-08-22T13:30:00Z"));
    let time = one(&page, "li#comment-5011 > article time");
    assert_eq!(
        rfc3339(attr(time, "datetime").unwrap()),
        rfc3339("2016-08-22T15:02:00Z")
    );
}

// ------------------------------------------------------------------- threads

#[test]
fn approved_comments_appear_once_each_nested_under_their_parents() {
    let site = import("wordpress.xml", &[]);
    site.build(&[]);
    let page = site.page(DEAL);
    let mut tree = comment_tree(&page);
    tree.sort();
    let expected: Vec<(String, Option<String>)> = [
        ("5011", None),
        ("5012", Some("5011")),
        ("5013", Some("5012")),
        ("5014", Some("5013")),
        ("5015", Some("5014")),
        ("5021", Some("5012")),
        ("5023", None),
        ("5030", Some("5011")),
    ]
    .into_iter()
    .map(|(id, parent)| (id.to_string(), parent.map(str::to_string)))
    .collect();
    assert_eq!(tree, expected);
    assert_eq!(
        comment_body(&page, "5014"),
        "The part about sanctions relief: it came late and in pieces."
    );
    let author = one(&page, "li#comment-5011 > article > header > b a");
    assert_eq!(text(author), "A. Reader");
    assert_eq!(attr(author, "href"), Some("https://reader.example.com/"));

    for (path, id) in [(TOM, "5040"), (ARABIC, "5050"), (SUMMER, "5060")] {
        assert_eq!(
            comment_tree(&site.page(path)),
            [(id.to_string(), None)],
            "{path}"
        );
    }
}

#[test]
fn a_reply_to_spam_moves_up_to_the_nearest_kept_ancestor() {
    let site = import("wordpress.xml", &[]);
    // In the thread file: 5021 answered spam 5020, itself a reply to 5012;
    // 5023 answered spam 5022, which was top level.
    let thread = site.thread("Disappointment with the Deal");
    let parent_of = |id: &str| {
        let found: Vec<&toml::Table> = thread
            .iter()
            .filter(|c| c.get("id").and_then(|v| v.as_str()) == Some(id))
            .collect();
        assert_eq!(found.len(), 1, "comment {id} in comments.toml");
        found[0]
            .get("parent")
            .map(|p| p.as_str().expect("parent is a string").to_string())
    };
    assert_eq!(parent_of("5021").as_deref(), Some("5012"));
    assert_eq!(parent_of("5023"), None);

    site.build(&[]);
    let tree = comment_tree(&site.page(DEAL));
    assert!(
        tree.contains(&("5021".into(), Some("5012".into()))),
        "{tree:?}"
    );
    assert!(tree.contains(&("5023".into(), None)), "{tree:?}");
}

#[test]
fn a_comment_exported_twice_is_imported_once() {
    let site = import("wordpress.xml", &[]);
    let thread = site.thread("Disappointment with the Deal");
    let copies = thread
        .iter()
        .filter(|c| c.get("id").and_then(|v| v.as_str()) == Some("5013"))
        .count();
    assert_eq!(copies, 1);
    site.build(&[]);
    assert_eq!(select(&site.page(DEAL), "li#comment-5013").len(), 1);
}

#[test]
fn spam_unapproved_trashed_comments_and_pingbacks_are_left_out() {
    let site = import("wordpress.xml", &[]);
    site.build(&[]);
    let page = site.page(DEAL);
    let ids = comment_ids(&page);
    for id in ["5020", "5022", "5024", "5025", "5026", "5027"] {
        assert!(
            !ids.contains(&id.to_string()),
            "comment {id} shown: {ids:?}"
        );
    }
    let content = files_in(&site.dir.join("content"));
    for words in [
        "Buy watches",
        "Win big tonight",
        "Held for moderation",
        "Moved to the trash",
        "disappointment grew on both sides",
        "Deal roundup",
    ] {
        for (path, bytes) in &content {
            assert!(
                !String::from_utf8_lossy(bytes).contains(words),
                "{words:?} written into content/{}",
                path.display()
            );
        }
    }
}

#[test]
fn pingbacks_and_trackbacks_are_kept_with_the_flag() {
    let site = import("wordpress.xml", &["--pingbacks"]);
    assert_eq!(
        imported_counts(&site.report.stdout).get("comments"),
        Some(&13),
        "{}",
        site.report.stdout
    );
    site.build(&[]);
    let page = site.page(DEAL);
    let tree = comment_tree(&page);
    for id in ["5026", "5027"] {
        assert!(tree.contains(&(id.to_string(), None)), "{id}: {tree:?}");
    }
    // The pingback's author is the linking page's title, HTML-escaped in the export.
    assert_eq!(
        text(one(&page, "li#comment-5026 > article > header > b")),
        "Other Blog » A reply to the deal"
    );
    // Still no spam, unapproved or trash.
    for id in ["5020", "5022", "5024", "5025"] {
        assert!(tree.iter().all(|(shown, _)| shown != id), "{id}: {tree:?}");
    }
}

#[test]
fn a_closed_thread_says_so_and_keeps_its_comments() {
    let site = import("wordpress.xml", &[]);
    assert_eq!(
        front_matter(&site.article_dir("Tom & Jerry").join("index.md"))
            .get("comments_closed")
            .and_then(|v| v.as_bool()),
        Some(true)
    );
    site.build(&[]);
    let closed = site.page(TOM);
    assert_eq!(select(&closed, ".comments-closed").len(), 1);
    assert_eq!(comment_ids(&closed), ["5040"]);
    assert!(select(&site.page(DEAL), ".comments-closed").is_empty());
}

// ------------------------------------------------------------------ privacy

#[test]
fn no_email_or_ip_address_is_written_anywhere() {
    // The scanner finds what the export holds...
    let export = std::fs::read_to_string(import_fixture("wordpress.xml")).unwrap();
    let in_export = addresses(&export);
    for address in [
        "jdoe@example.org",
        "reader@example.org",
        "kathleen@example.com",
        "192.0.2.10",
        "198.51.100.23",
        "203.0.113.7",
    ] {
        assert!(
            in_export.iter().any(|a| a == address),
            "{address} not found in the export: {in_export:?}"
        );
    }
    // ...and none of it in the site, its build, or the report.
    let tmp = tempfile::tempdir().unwrap();
    let uploads = tmp.path().join("uploads");
    std::fs::create_dir_all(uploads.join("2016/08")).unwrap();
    std::fs::write(uploads.join("2016/08/photo.png"), PNG).unwrap();
    let site = import(
        "wordpress.xml",
        &[
            "--verbose",
            "--pingbacks",
            "--uploads",
            uploads.to_str().unwrap(),
        ],
    );
    site.build(&[]);
    assert!(site.public().join("index.html").is_file());
    assert_no_addresses_under(&site.dir);
    let said = format!("{}{}", site.report.stdout, site.report.stderr);
    assert_eq!(
        addresses(&said),
        Vec::<String>::new(),
        "in the report:\n{said}"
    );
}

// ---------------------------------------------------------------- old URLs

#[test]
fn every_old_permalink_resolves_to_its_article() {
    let site = import("wordpress.xml", &[]);
    site.build(&[]);
    for (old, title) in POSTS {
        let (path, page) = site.resolve(old);
        assert_eq!(
            texts(&page, "article.article h1"),
            [title],
            "{old} (served at {path})"
        );
    }
}

#[test]
fn the_page_is_built_at_its_slug() {
    let site = import("wordpress.xml", &[]);
    site.build(&[]);
    let page = parse_file(&site.public().join("about/index.html"));
    assert_eq!(texts(&page, "article.page h1"), ["About this archive"]);
    assert!(text(one(&page, ".page-body")).contains("This archive collects commentary"));
}

// ----------------------------------------------------------- drafts, private

#[test]
fn a_draft_is_left_out_unless_built_with_drafts() {
    let site = import("wordpress.xml", &[]);
    let draft = site.article_dir("Notes for a future piece");
    assert_eq!(
        front_matter(&draft.join("index.md"))
            .get("draft")
            .and_then(|v| v.as_bool()),
        Some(true)
    );
    site.build(&[]);
    assert_eq!(
        pages_titled(&site.public(), "Notes for a future piece"),
        Vec::<PathBuf>::new()
    );
    site.build(&["--drafts"]);
    assert_eq!(
        pages_titled(&site.public(), "Notes for a future piece").len(),
        1
    );
}

#[test]
fn a_private_post_becomes_a_draft() {
    let site = import("wordpress.xml", &[]);
    let private = site.article_dir("Private memo");
    assert_eq!(
        front_matter(&private.join("index.md"))
            .get("draft")
            .and_then(|v| v.as_bool()),
        Some(true)
    );
    site.build(&[]);
    assert_eq!(
        pages_titled(&site.public(), "Private memo"),
        Vec::<PathBuf>::new()
    );
    assert!(!site.public().join("2016/07/private-memo").exists());
}

// ------------------------------------------------------------------ authors

#[test]
fn authors_get_pages_with_their_display_names() {
    let site = import("wordpress.xml", &[]);
    assert_eq!(
        front_matter(&site.dir.join("content/authors/jdoe.md"))
            .get("name")
            .and_then(|v| v.as_str()),
        Some("Jane Doe")
    );
    site.build(&[]);
    let jdoe = parse_file(&site.public().join("authors/jdoe/index.html"));
    assert_eq!(texts(&jdoe, "h1"), ["Jane Doe"]);
    let all = parse_file(&site.public().join("authors/index.html"));
    let names = texts(&all, ".author-list h2 a");
    assert!(names.contains(&"Jane Doe".to_string()), "{names:?}");
    assert!(names.contains(&"Mehdi Karimi".to_string()), "{names:?}");
    let byline: Vec<String> = texts(&site.page(DEAL), ".byline a[rel=author]");
    assert_eq!(byline, ["Jane Doe"]);
    assert_eq!(
        texts(&site.page(SUMMER), ".byline a[rel=author]"),
        ["Mehdi Karimi"]
    );
}

// ------------------------------------------------------------- text fidelity

#[test]
fn a_doubly_escaped_title_is_decoded_to_plain_text() {
    let site = import("wordpress.xml", &[]);
    let dir = site.article_dir("Tom & Jerry");
    assert_eq!(
        front_matter(&dir.join("index.md"))
            .get("title")
            .and_then(|v| v.as_str()),
        Some("Tom & Jerry")
    );
    site.build(&[]);
    let page = site.page(TOM);
    assert_eq!(texts(&page, "article.article h1"), ["Tom & Jerry"]);
    let title = text(one(&page, "title"));
    assert!(title.starts_with("Tom & Jerry"), "{title}");
}

#[test]
fn a_value_split_across_cdata_sections_is_joined() {
    let site = import("wordpress.xml", &[]);
    site.build(&[]);
    let body = text(one(&site.page(TOM), ".article-body"));
    assert!(
        body.contains("the first half ends here, and the second half begins here."),
        "{body}"
    );
    assert!(
        body.contains(
            "In XML a CDATA section ends with ]]>, so WordPress splits the section there."
        ),
        "{body}"
    );
}

#[test]
fn non_ascii_titles_slugs_and_comments_survive() {
    let site = import("wordpress.xml", &[]);
    site.build(&[]);
    let (path, page) = site.resolve(ARABIC);
    assert_eq!(texts(&page, "article.article h1"), ["إيران والاتفاق النووي"]);
    let decoded = percent_decode_str(&path)
        .decode_utf8()
        .unwrap()
        .into_owned();
    assert!(
        decoded.contains("إيران-والاتفاق"),
        "the article's URL path {decoded:?} lost its slug"
    );
    assert!(text(one(&page, ".article-body")).contains("این یک مقاله‌ی آزمایشی"));
    assert_eq!(comment_body(&page, "5050"), "مقاله‌ی خوبی بود.");
    assert_eq!(
        text(one(&page, "li#comment-5050 > article > header > b")),
        "علی رضایی"
    );
}

#[test]
fn a_caption_becomes_a_figure_with_its_caption() {
    let site = import("wordpress.xml", &[]);
    site.build(&[]);
    let page = site.page(SUMMER);
    let figure = one(&page, ".article-body figure");
    let images: Vec<ElementRef> = figure.select(&sel("img")).collect();
    assert_eq!(images.len(), 1);
    assert_eq!(attr(images[0], "alt"), Some("A quiet street"));
    let captions: Vec<String> = figure.select(&sel("figcaption")).map(text).collect();
    assert_eq!(captions, ["A quiet street in late August"]);
    let body = text(one(&page, ".article-body"));
    assert!(!body.contains("[caption"), "{body}");
    assert!(!body.contains("[/caption]"), "{body}");
}

#[test]
fn the_listing_shows_only_the_part_before_more() {
    let site = import("wordpress.xml", &[]);
    site.build(&[]);
    let home = parse_file(&site.public().join("index.html"));
    let item = select(&home, ".article-item")
        .into_iter()
        .find(|item| {
            item.select(&sel("h2"))
                .map(text)
                .any(|t| t == "Disappointment with the Deal")
        })
        .expect("the post is listed on the home page");
    let summary: Vec<String> = item.select(&sel(".summary")).map(text).collect();
    assert_eq!(summary.len(), 1);
    assert!(
        summary[0].contains("Both sides expected more from it than it could give."),
        "{}",
        summary[0]
    );
    assert!(!summary[0].contains("After the break"), "{}", summary[0]);
    // The whole text is on the article page.
    let body = text(one(&site.page(DEAL), ".article-body"));
    assert!(body.contains("After the break"), "{body}");
    assert!(
        body.contains("A final paragraph about what comes next."),
        "{body}"
    );
}

// ------------------------------------------------------------------- report

/// The sum of the counts of the reasons that mention any of `words`.
fn skipped(reasons: &[ReportReason], words: &[&str]) -> usize {
    reasons
        .iter()
        .filter(|r| {
            let reason = r.reason.to_lowercase();
            words.iter().any(|w| reason.contains(w))
        })
        .map(|r| r.count)
        .sum()
}

const SKIPPED: [(&[&str], usize); 7] = [
    (&["attachment"], 1),
    (&["menu"], 1),
    (&["revision"], 1),
    (&["spam"], 2),
    (
        &[
            "unapproved",
            "not approved",
            "pending",
            "moderation",
            "awaiting",
        ],
        1,
    ),
    (&["trash"], 1),
    (&["pingback", "trackback"], 2),
];

#[test]
fn the_report_counts_what_was_skipped_by_reason() {
    let site = import("wordpress.xml", &[]);
    let report = &site.report.stdout;
    let (total, reasons) = report_section(report, "Skipped");
    assert!(!reasons.is_empty(), "no Skipped section:\n{report}");
    for (words, n) in SKIPPED {
        assert_eq!(skipped(&reasons, words), n, "{words:?} in:\n{report}");
    }
    assert_eq!(
        total,
        reasons.iter().map(|r| r.count).sum::<usize>(),
        "{report}"
    );
    assert!(
        reasons.iter().all(|r| r.items.is_empty()),
        "items listed without --verbose:\n{report}"
    );
}

#[test]
fn verbose_lists_every_skipped_item() {
    let site = import("wordpress.xml", &["--verbose"]);
    let report = &site.report.stdout;
    let (_, reasons) = report_section(report, "Skipped");
    for reason in &reasons {
        assert_eq!(
            reason.items.len(),
            reason.count,
            "`{}` lists {} items:\n{report}",
            reason.reason,
            reason.items.len()
        );
    }
    let words: Vec<&str> = reasons
        .iter()
        .flat_map(|r| &r.items)
        .flat_map(|item| item.split(|c: char| !c.is_alphanumeric()))
        .collect();
    for id in [
        "5020", "5022", "5024", "5025", "5026", "5027", "7201", "7301", "7302",
    ] {
        assert!(words.contains(&id), "item {id} not listed:\n{report}");
    }
}

// ------------------------------------------------------------------ refusals

#[test]
fn malformed_xml_fails_with_its_line_and_creates_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("site");
    let run = run_import("wordpress-malformed.xml", &dir, &[]);
    assert_eq!(run.code, Some(1), "{}{}", run.stdout, run.stderr);
    // The mismatched end tag is on line 46.
    let line = run
        .stderr
        .lines()
        .find(|l| l.contains("wordpress-malformed.xml:46:"))
        .unwrap_or_else(|| panic!("no `wordpress-malformed.xml:46:` in:\n{}", run.stderr));
    assert!(line.contains("malformed XML"), "{line}");
    assert!(!dir.exists(), "{} was created", dir.display());
}

#[test]
fn a_non_empty_target_folder_is_refused_and_left_alone() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("site");
    std::fs::create_dir_all(dir.join("notes")).unwrap();
    std::fs::write(dir.join("notes/keep.txt"), "mine\n").unwrap();
    let before = snapshot(&dir);
    let run = run_import("wordpress.xml", &dir, &[]);
    assert_eq!(run.code, Some(1), "{}{}", run.stdout, run.stderr);
    assert!(run.stderr.contains("not empty"), "{}", run.stderr);
    assert_eq!(snapshot(&dir), before);
    let entries: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(entries, ["notes"]);
}

// ------------------------------------------------------------------ uploads

#[test]
fn uploads_are_copied_into_the_bundle_and_linked_locally() {
    let tmp = tempfile::tempdir().unwrap();
    let uploads = tmp.path().join("uploads");
    std::fs::create_dir_all(uploads.join("2016/08")).unwrap();
    std::fs::write(uploads.join("2016/08/photo.png"), PNG).unwrap();
    let site = import("wordpress.xml", &["--uploads", uploads.to_str().unwrap()]);

    let bundle = site.article_dir("Late Summer in the City");
    let copies: Vec<PathBuf> = files_in(&bundle)
        .into_iter()
        .filter(|(_, bytes)| bytes[..] == PNG[..])
        .map(|(path, _)| path)
        .collect();
    assert_eq!(
        copies.len(),
        1,
        "the image in {}: {copies:?}",
        bundle.display()
    );

    site.build(&[]);
    let (path, page) = site.resolve(SUMMER);
    let img = one(&page, ".article-body figure img");
    let src = attr(img, "src").expect("src");
    assert!(!src.contains("blog.example.org"), "{src}");
    assert!(!src.contains("://"), "{src}");
    let target = resolve_link(&path, src);
    let file = served_file(&site.public(), &target);
    assert_eq!(
        std::fs::read(&file).unwrap_or_else(|e| panic!("{src} → {}: {e}", file.display())),
        PNG
    );
}

#[test]
fn without_uploads_images_keep_their_absolute_url() {
    let site = import("wordpress.xml", &[]);
    site.build(&[]);
    let page = site.page(SUMMER);
    let img = one(&page, ".article-body figure img");
    assert_eq!(attr(img, "src"), Some(PHOTO_URL));
}

// -------------------------------------------------------- WordPress.com export

#[test]
fn an_undeclared_atom_prefix_does_not_stop_the_import() {
    let site = import("wordpress-com.xml", &[]);
    let counts = imported_counts(&site.report.stdout);
    assert_eq!(counts.get("posts"), Some(&2), "{}", site.report.stdout);
    assert_eq!(counts.get("comments"), Some(&1), "{}", site.report.stdout);
    site.build(&[]);
}

#[test]
fn the_base_url_is_the_blogs_own_not_wordpress_coms() {
    let site = import("wordpress-com.xml", &[]);
    let config = read_toml(&site.dir.join("site.toml"));
    let base = config
        .get("base_url")
        .and_then(|v| v.as_str())
        .expect("base_url");
    assert_eq!(base.trim_end_matches('/'), "https://commentary.example.com");
}

#[test]
fn links_that_fit_no_pattern_still_resolve() {
    let site = import("wordpress-com.xml", &[]);
    site.build(&[]);
    for (old, title) in [
        ("/science/pi-day/", "Pi Day"),
        ("/culture/spring-notes/", "Spring Notes"),
    ] {
        let (path, page) = site.resolve(old);
        assert_eq!(
            texts(&page, "article.article h1"),
            [title],
            "{old} (served at {path})"
        );
    }
    assert_eq!(comment_ids(&site.page("/science/pi-day/")), ["31"]);
}

// ------------------------------------------------------------ child pages

/// Writes `export` into `tmp`, imports it into `tmp/site` with `flags`, and
/// builds that site; asserts both succeed and returns the site's folder.
fn import_and_build(tmp: &Path, export: &str, flags: &[&str]) -> PathBuf {
    let file = tmp.join("export.xml");
    std::fs::write(&file, export).unwrap();
    let dir = tmp.join("site");
    let mut args = vec!["import", "wordpress", file.to_str().unwrap()];
    args.extend(["--into", dir.to_str().unwrap()]);
    args.extend(flags);
    let run = scholia(&args);
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
    let built = scholia(&["build", "--root", dir.to_str().unwrap()]);
    assert_eq!(built.code, Some(0), "{}", built.stderr);
    dir
}

/// A one-page export: "Team", a child of "About", showing an uploaded image.
const CHILD_PAGE_EXPORT: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
  <title>Pages</title>
  <link>https://blog.example.org</link>
  <wp:base_blog_url>https://blog.example.org</wp:base_blog_url>
  <item>
    <title>Team</title>
    <link>https://blog.example.org/about/team/</link>
    <dc:creator><![CDATA[jdoe]]></dc:creator>
    <content:encoded><![CDATA[Who we are.

<img src="https://blog.example.org/wp-content/uploads/2016/08/team.png" alt="The team" />]]></content:encoded>
    <wp:post_id>12</wp:post_id>
    <wp:post_date>2016-08-01 10:00:00</wp:post_date>
    <wp:post_date_gmt>2016-08-01 14:00:00</wp:post_date_gmt>
    <wp:post_name>team</wp:post_name>
    <wp:status>publish</wp:status>
    <wp:post_parent>11</wp:post_parent>
    <wp:post_type>page</wp:post_type>
  </item>
</channel>
</rss>
"#;

#[test]
fn a_child_page_keeps_its_old_url_and_its_uploaded_image() {
    let tmp = tempfile::tempdir().unwrap();
    let uploads = tmp.path().join("uploads");
    std::fs::create_dir_all(uploads.join("2016/08")).unwrap();
    std::fs::write(uploads.join("2016/08/team.png"), PNG).unwrap();
    let dir = import_and_build(
        tmp.path(),
        CHILD_PAGE_EXPORT,
        &["--uploads", uploads.to_str().unwrap()],
    );
    let public = dir.join("public");

    let old = parse_file(&public.join("about/team/index.html"));
    assert_eq!(
        refresh_target(&old)
            .map(|u| url_path(&leads_to("about/team/index.html", &u)))
            .as_deref(),
        Some("/team/")
    );
    let page = parse_file(&public.join("team/index.html"));
    let src = attr(one(&page, "article.page img"), "src").expect("src");
    assert!(!src.contains("://"), "{src}");
    let file = served_file(&public, &resolve_link("/team/", src));
    assert_eq!(std::fs::read(&file).unwrap(), PNG);
}

// ------------------------------------------------------- names of any length

/// An export whose author login and category name are each 300 bytes as a
/// slug (150 Cyrillic letters), past the 255 a file or folder name may be.
fn long_names_export(login: &str, category: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
  <title>Long names</title>
  <link>https://blog.example.org</link>
  <wp:base_blog_url>https://blog.example.org</wp:base_blog_url>
  <wp:author><wp:author_login><![CDATA[{login}]]></wp:author_login><wp:author_display_name><![CDATA[Long Login]]></wp:author_display_name></wp:author>
  <item>
    <title>Names</title>
    <link>https://blog.example.org/names/</link>
    <dc:creator><![CDATA[{login}]]></dc:creator>
    <content:encoded><![CDATA[A post by an author with a long login.]]></content:encoded>
    <wp:post_id>5</wp:post_id>
    <wp:post_date>2016-08-01 10:00:00</wp:post_date>
    <wp:post_date_gmt>2016-08-01 14:00:00</wp:post_date_gmt>
    <wp:post_name>names</wp:post_name>
    <wp:status>publish</wp:status>
    <wp:post_type>post</wp:post_type>
    <category domain="category" nicename="long"><![CDATA[{category}]]></category>
  </item>
</channel>
</rss>
"#
    )
}

#[test]
fn a_login_and_a_category_too_long_for_a_file_name_still_import_and_build() {
    let (login, category) = ("ж".repeat(150), "щ".repeat(150));
    let tmp = tempfile::tempdir().unwrap();
    let dir = import_and_build(tmp.path(), &long_names_export(&login, &category), &[]);

    let page = parse_file(&dir.join("public/names/index.html"));
    let author = one(&page, ".byline a[rel=author]");
    assert_eq!(text(author), "Long Login");
    let href = attr(author, "href").expect("href");
    let public = dir.join("public");
    let author_page = parse_file(&served_file(&public, &resolve_link("/names/", href)));
    assert!(text(one(&author_page, "h1")).contains("Long Login"));
    assert_eq!(texts(&page, ".article-footer .tags a"), [category]);
}
