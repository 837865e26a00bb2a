//! No byte can break a page or a feed (issue 9, part 3): control characters
//! never reach the output, every URL in a feed is absolute, and inputs at the
//! edges (huge, deeply nested, linked, not UTF-8) build or fail with a clear
//! error.

mod common;
use common::*;

use std::path::Path;

use quick_xml::events::Event;

/// Characters that must never be written: C0 controls, vertical tab and form
/// feed, DEL, a C1 control and the noncharacters XML 1.0 forbids.
const BAD: &str = "\u{1}\u{8}\u{b}\u{c}\u{1b}\u{1f}\u{7f}\u{85}\u{fffe}\u{ffff}";

/// Whether `c` is a character XML 1.0 allows (the `Char` production).
fn xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..)
}

/// Parses `xml` to its end with quick-xml, unescaping every text and
/// attribute, and checks that every character is one XML allows: together, a
/// well-formedness check of what scholia writes.
fn assert_well_formed_xml(name: &Path, xml: &str) {
    if let Some(bad) = xml.chars().find(|&c| !xml_char(c)) {
        panic!("{}: holds {bad:?}, which XML 1.0 forbids", name.display());
    }
    let mut reader = quick_xml::Reader::from_str(xml);
    reader.config_mut().check_end_names = true;
    let mut depth = 0usize;
    loop {
        match reader.read_event() {
            Ok(Event::Eof) => break,
            Ok(Event::Start(e)) => {
                depth += 1;
                for attr in e.attributes() {
                    let attr = attr.unwrap_or_else(|e| panic!("{}: {e}", name.display()));
                    attr.normalized_value(quick_xml::XmlVersion::Explicit1_0)
                        .unwrap_or_else(|e| panic!("{}: {e}", name.display()));
                }
            }
            Ok(Event::End(_)) => depth -= 1,
            // `&#1;` is as forbidden as the character itself.
            Ok(Event::GeneralRef(r)) => {
                if let Ok(Some(c)) = r.resolve_char_ref() {
                    assert!(xml_char(c), "{}: refers to {c:?}", name.display());
                }
            }
            Ok(Event::Text(t)) => {
                t.decode()
                    .unwrap_or_else(|e| panic!("{}: {e}", name.display()));
            }
            Ok(_) => {}
            Err(e) => panic!("{}: not well-formed: {e}", name.display()),
        }
    }
    assert_eq!(depth, 0, "{}: unclosed elements", name.display());
}

#[test]
fn a_control_character_in_every_kind_of_text_never_reaches_the_output() {
    let site = Site::new();
    let bad = |word: &str| format!("{word}{BAD}Text");
    site.file(
        "site.toml",
        &format!(
            "title = {}\ndescription = {}\nbase_url = \"https://example.org\"\n[extra]\nnote = {}\n",
            toml_str(&bad("Site")),
            toml_str(&bad("About")),
            toml_str(&bad("Extra")),
        ),
    );
    site.file(
        "content/authors/ann.md",
        &format!(
            "+++\nname = {}\ntitle = {}\n+++\nBio{BAD}text.\n",
            toml_str(&bad("Ann")),
            toml_str(&bad("Fellow"))
        ),
    );
    site.file(
        "content/articles/ctl.md",
        &format!(
            "+++\ntitle = {}\ndate = 2020-01-02\nauthors = [\"ann\"]\ntags = [{}]\nsummary = {}\n[extra]\nnote = {}\n+++\nBody{BAD}text with a [link{BAD}](https://example.org/{BAD}x).\n\n# Head{BAD}ing\n",
            toml_str(&bad("Title")),
            toml_str(&bad("Tag")),
            toml_str(&bad("Summary")),
            toml_str(&bad("Note")),
        ),
    );
    site.comments(
        "ctl",
        &format!(
            "[[comment]]\nid = \"1\"\nauthor = {}\ndate = 2020-01-03\nbody = {}\n",
            toml_str(&bad("Reader")),
            toml_str(&bad("Comment"))
        ),
    );
    site.file(
        "content/pages/about.md",
        &format!(
            "+++\ntitle = {}\ndescription = {}\n+++\nPage{BAD}body.\n",
            toml_str(&bad("Page")),
            toml_str(&bad("Described"))
        ),
    );
    site.build();

    let files = site.output_files();
    let mut xml_files = 0;
    for (path, bytes) in &files {
        let text = std::str::from_utf8(bytes)
            .unwrap_or_else(|e| panic!("{}: not UTF-8: {e}", path.display()));
        if let Some(c) = text.chars().find(|c| BAD.contains(*c)) {
            panic!("{} holds {c:?}", path.display());
        }
        if path.extension().is_some_and(|e| e == "xml") {
            assert_well_formed_xml(path, text);
            xml_files += 1;
        }
    }
    // The site, tag and author feeds, the comment feed and the sitemap.
    assert_eq!(xml_files, 5, "{:?}", files.keys().collect::<Vec<_>>());

    // The text around each character is kept; a vertical tab and a form feed
    // (line and page breaks in word processors) keep words apart.
    let spaced = |word: &str| format!("{word} Text");
    let collapsed = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let article = site.page("articles/ctl/index.html");
    assert_eq!(text(one(&article, ".article-header h1")), spaced("Title"));
    assert_eq!(
        text(one(&article, ".comment > article > header > b")),
        spaced("Reader")
    );
    assert_eq!(
        text(one(&article, ".comment > article > div")),
        spaced("Comment")
    );
    assert!(text(one(&article, "title")).contains(&spaced("Site")));
    let page = site.page("about/index.html");
    assert_eq!(text(one(&page, "main h1")), spaced("Page"));

    let feed = feed_rs::parser::parse(site.read("atom.xml").as_bytes()).expect("a valid feed");
    assert_eq!(collapsed(&feed.title.unwrap().content), spaced("Site"));
    let entry = &feed.entries[0];
    assert_eq!(
        collapsed(&entry.title.as_ref().unwrap().content),
        spaced("Title")
    );
    assert_eq!(
        collapsed(&entry.authors[0].name.clone().unwrap_or_default()),
        spaced("Ann")
    );
    assert_eq!(
        collapsed(entry.categories[0].label.as_deref().unwrap()),
        spaced("Tag")
    );
    let comments = feed_rs::parser::parse(site.read("articles/ctl/comments.xml").as_bytes())
        .expect("a valid comment feed");
    assert_eq!(
        collapsed(
            &comments.entries[0].authors[0]
                .name
                .clone()
                .unwrap_or_default()
        ),
        spaced("Reader")
    );
}

#[test]
fn a_bundles_relative_urls_are_absolute_in_every_feed() {
    let site = Site::new();
    site.file(
        "site.toml",
        &format!("{SITE_TOML}[feeds]\nlisting_content = \"full\"\n"),
    );
    site.bundle(
        "photos",
        "2020-01-02",
        "tags = [\"Iran\"]\n",
        "![x](photo.jpg)\n\n[other](other/) [root](/root-relative) [away](https://b.example/x) [note](#n)\n\n<img src=\"raw.png\" srcset=\"small.png 1x, /big.png 2x\">\n",
    );
    site.file("content/articles/photos/photo.jpg", "jpeg");
    site.file(
        "content/articles/photos/comments.toml",
        "[[comment]]\nid = \"1\"\nauthor = \"R\"\ndate = 2020-01-03\nbody = \"See [this](reply/).\"\n",
    );
    site.build();

    let page_url = "https://example.org/articles/photos/";
    let expected_links = [
        format!("{page_url}other/"),
        "https://example.org/root-relative".to_string(),
        "https://b.example/x".to_string(),
        format!("{page_url}#n"),
    ];
    for feed_file in ["atom.xml", "tags/iran/atom.xml", "authors/ann/atom.xml"] {
        let feed = feed_rs::parser::parse(site.read(feed_file).as_bytes())
            .unwrap_or_else(|e| panic!("{feed_file}: {e}"));
        let body = feed.entries[0]
            .content
            .as_ref()
            .and_then(|c| c.body.clone())
            .unwrap_or_else(|| panic!("{feed_file}: no content"));
        let html = scraper::Html::parse_fragment(&body);
        let images: Vec<_> = select(&html, "img")
            .into_iter()
            .map(|img| (attr(img, "src"), attr(img, "srcset")))
            .collect();
        assert_eq!(
            images,
            [
                (Some(&*format!("{page_url}photo.jpg")), None),
                (
                    Some(&*format!("{page_url}raw.png")),
                    Some(&*format!(
                        "{page_url}small.png 1x, https://example.org/big.png 2x"
                    ))
                ),
            ],
            "{feed_file}"
        );
        let links: Vec<_> = hrefs(&html, "a");
        assert_eq!(links, expected_links, "{feed_file}");
    }

    let comments = feed_rs::parser::parse(site.read("articles/photos/comments.xml").as_bytes())
        .expect("a valid comment feed");
    let body = comments.entries[0]
        .content
        .as_ref()
        .unwrap()
        .body
        .clone()
        .unwrap();
    let html = scraper::Html::parse_fragment(&body);
    assert_eq!(
        attr(one(&html, "a"), "href"),
        Some(&*format!("{page_url}reply/"))
    );

    // The page itself keeps the links as written: they resolve right there.
    let page = site.page("articles/photos/index.html");
    assert_eq!(
        attr(one(&page, "article img[alt=x]"), "src"),
        Some("photo.jpg")
    );
}

/// `n` paragraphs of about 100 bytes, the last one marked.
fn paragraphs(bytes: usize) -> String {
    let paragraph = "Lorem ipsum dolor sit amet, *consectetur* adipiscing elit, [a link](other/) sed do eiusmod.\n\n";
    let mut text = paragraph.repeat(bytes / paragraph.len());
    text.push_str("The last paragraph.\n");
    text
}

/// A big article builds whole, and its feeds stay well-formed. 2 MB keeps the
/// debug test suite fast; benches/README.md gives the figures for 50 MB.
#[test]
fn a_big_article_builds() {
    let site = Site::new();
    site.article(
        "big",
        "2020-01-02",
        "tags = [\"Long\"]\n",
        &paragraphs(2 << 20),
    );
    site.build();
    let page = site.read("articles/big/index.html");
    assert!(page.contains("<p>The last paragraph.</p>"));
    let feed = site.read("atom.xml");
    assert_well_formed_xml(Path::new("atom.xml"), &feed);
    assert!(feed.contains("The last paragraph."));
}

#[test]
fn a_one_megabyte_comment_builds() {
    let site = Site::new();
    site.article("talk", "2020-01-02", "", "Body.").comments(
        "talk",
        &format!(
            "[[comment]]\nid = \"1\"\nauthor = \"R\"\ndate = 2020-01-03\nbody = {}\n",
            toml_str(&paragraphs(1 << 20))
        ),
    );
    site.build();
    let page = site.page("articles/talk/index.html");
    let body = one(&page, ".comment > article > div");
    assert!(text(body).ends_with("The last paragraph."));
    assert!(select(&page, ".comment > article > div p").len() > 10_000);
}

/// How deep `css` elements nest in `html` at most.
fn max_nesting(html: &scraper::Html, css: &str) -> usize {
    select(html, css)
        .into_iter()
        .map(|e| {
            e.ancestors()
                .filter_map(scraper::ElementRef::wrap)
                .filter(|a| a.value().name() == e.value().name())
                .count()
                + 1
        })
        .max()
        .unwrap_or(0)
}

/// 10,000 nested blockquotes and 10,000 nested list levels, in an article and
/// in a comment. The article keeps them (its HTML is trusted, rendered without
/// a tree); the comment is unwrapped below the cap, since the sanitizer's
/// parser takes time quadratic in the depth.
#[test]
fn ten_thousand_nested_quotes_and_lists_build() {
    let depth = 10_000;
    let cases = [
        ("quotes", "> ".repeat(depth), "<blockquote>", "blockquote"),
        ("bullets", "- ".repeat(depth), "<ul>", "ul"),
        ("numbers", "1. ".repeat(depth), "<ol>", "ol"),
    ];
    let site = Site::new();
    for (slug, markdown, _, _) in &cases {
        let body = format!("{markdown}deep {slug}\n");
        site.article(slug, "2020-01-02", "", &body).comments(
            slug,
            &format!(
                "[[comment]]\nid = \"1\"\nauthor = \"R\"\ndate = 2020-01-03\nbody = {}\n",
                toml_str(&body)
            ),
        );
    }
    site.build();
    for (slug, _, open_tag, element) in &cases {
        let page_text = site.read(&format!("articles/{slug}/index.html"));
        let article_html = &page_text[..page_text.find("id=\"comments\"").unwrap()];
        // The page's own markup may hold a few more (a navigation list).
        let opened = article_html.matches(open_tag).count();
        assert!((depth..depth + 10).contains(&opened), "{slug}: {opened}");
        let comment_start = page_text.find("<li class=\"comment\"").unwrap();
        let comment = scraper::Html::parse_fragment(&page_text[comment_start..]);
        let nesting = max_nesting(&comment, element);
        assert!(
            (2..=32).contains(&nesting),
            "{slug}: comment nests {nesting} deep"
        );
        assert!(text(one(&comment, ".comment > article > div")).contains(&format!("deep {slug}")));
    }
    assert_well_formed_xml(Path::new("atom.xml"), &site.read("atom.xml"));
}

#[test]
fn a_file_that_is_not_utf8_is_an_error_naming_it_and_the_line() {
    let site = Site::new();
    let article = b"+++\ntitle = \"Latin-1\"\ndate = 2020-01-02\n+++\nCaf\xe9 au lait.\n";
    std::fs::create_dir_all(site.root().join("content/articles")).unwrap();
    std::fs::write(site.root().join("content/articles/latin1.md"), article).unwrap();
    site.article("ok", "2020-01-02", "", "Fine.");
    std::fs::write(
        site.root().join("content/articles/ok.comments.toml"),
        b"[[comment]]\nid = \"1\"\nauthor = \"Ren\xe9\"\n",
    )
    .unwrap();
    let stderr = site.build_fails();
    assert!(
        stderr.contains(
            "error: content/articles/latin1.md:5: not UTF-8 text: byte 47 of the file (0xe9)"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("error: content/articles/ok.comments.toml:3: not UTF-8 text: byte 34"),
        "{stderr}"
    );
    assert!(stderr.contains("save the file as UTF-8"), "{stderr}");
    assert!(stderr.contains("2 errors found"), "{stderr}");
}

#[cfg(unix)]
mod links {
    use super::*;
    use std::os::unix::fs::symlink;

    #[test]
    fn a_symbolic_link_loop_is_an_error_naming_the_link() {
        let site = Site::new();
        site.article("fine", "2020-01-02", "", "Fine.");
        let articles = site.root().join("content/articles");
        symlink(&articles, articles.join("again")).unwrap();
        symlink("self.md", articles.join("self.md")).unwrap();
        let stderr = site.build_fails();
        assert!(
            stderr.contains(
                "error: content/articles/again: symbolic link back to content/articles, which holds it"
            ),
            "{stderr}"
        );
        assert!(
            stderr
                .contains("error: content/articles/self.md: symbolic link that cannot be followed"),
            "{stderr}"
        );
        assert!(stderr.contains("2 errors found"), "{stderr}");
    }

    #[test]
    fn a_link_out_of_the_site_is_an_error_and_nothing_behind_it_is_read() {
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(
            outside.path().join("secret.md"),
            "+++\ntitle = \"Secret\"\ndate = 2020-01-02\n+++\nSECRET\n",
        )
        .unwrap();
        std::fs::write(outside.path().join("key.txt"), "SECRET").unwrap();
        let site = Site::new();
        let articles = site.root().join("content/articles");
        site.bundle("b", "2020-01-02", "", "Bundle.");
        symlink(outside.path().join("secret.md"), articles.join("secret.md")).unwrap();
        symlink(outside.path(), articles.join("elsewhere")).unwrap();
        symlink(outside.path().join("key.txt"), articles.join("b/key.txt")).unwrap();
        // A thread is read by name, not found by a walk.
        symlink(
            outside.path().join("key.txt"),
            articles.join("b/comments.toml"),
        )
        .unwrap();
        symlink(
            outside.path().join("secret.md"),
            site.root().join("content/authors/eve.md"),
        )
        .unwrap();
        let stderr = site.build_fails();
        assert_refused_unread(
            &site,
            &stderr,
            &[
                "content/articles/secret.md",
                "content/articles/elsewhere",
                "content/articles/b/key.txt",
                "content/articles/b/comments.toml",
                "content/authors/eve.md",
            ],
        );
        assert!(stderr.contains("5 errors found"), "{stderr}");
    }

    /// That the failed build named each of `files` as a link out of the
    /// site, showed nothing of what lies behind them (marked `SECRET`), and
    /// wrote nothing.
    fn assert_refused_unread(site: &Site, stderr: &str, files: &[&str]) {
        for file in files {
            assert!(
                stderr.contains(&format!("error: {file}: symbolic link to ")),
                "{file}: {stderr}"
            );
        }
        assert!(stderr.contains("outside the site's folder"), "{stderr}");
        assert!(!stderr.contains("SECRET"), "{stderr}");
        assert!(!site.output("").exists(), "nothing is written");
    }

    #[test]
    fn plain_bundles_behind_a_content_folder_linked_out_are_not_read() {
        // The loader skips its per-file link checks for bundles of two plain
        // files in plain folders; a link above the articles folder still counts.
        let site = Site::new();
        site.bundle("b", "2020-01-02", "", "SECRET text.");
        site.file(
            "content/articles/b/comments.toml",
            "[[comment]]\nid = \"1\"\nauthor = \"Bo\"\ndate = 2020-01-03\nbody = \"SECRET comment.\"\n",
        );
        let outside = tempfile::tempdir().unwrap();
        let moved = outside.path().join("content");
        std::fs::rename(site.root().join("content"), &moved).unwrap();
        symlink(&moved, site.root().join("content")).unwrap();
        let stderr = site.build_fails();
        assert_refused_unread(
            &site,
            &stderr,
            &[
                "content/articles/b/index.md",
                "content/articles/b/comments.toml",
            ],
        );
    }

    #[test]
    fn a_bundle_thread_linking_to_a_folder_or_nowhere_is_not_followed() {
        let outside = tempfile::tempdir().unwrap();
        // Walked, the folder would show this link, which leads out again.
        let further = tempfile::tempdir().unwrap();
        symlink(further.path(), outside.path().join("further")).unwrap();
        let site = Site::new();
        let articles = site.root().join("content/articles");
        site.bundle("folder", "2020-01-02", "", "Bundle.");
        site.bundle("nowhere", "2020-01-02", "", "Bundle.");
        symlink(outside.path(), articles.join("folder/comments.toml")).unwrap();
        symlink("missing.toml", articles.join("nowhere/comments.toml")).unwrap();
        let stderr = site.build_fails();
        assert!(
            stderr.contains("error: content/articles/folder/comments.toml: symbolic link to "),
            "{stderr}"
        );
        assert!(
            !stderr.contains("comments.toml/"),
            "the outside folder was walked: {stderr}"
        );
        let broken =
            "error: content/articles/nowhere/comments.toml: symbolic link that cannot be followed";
        assert_eq!(stderr.matches(broken).count(), 1, "{stderr}");
    }

    #[test]
    fn a_link_within_the_site_is_followed() {
        let site = Site::new();
        site.file(
            "shared/linked.md",
            "+++\ntitle = \"Linked\"\ndate = 2020-01-02\n+++\nShared text.\n",
        );
        site.bundle("b", "2020-01-02", "", "Bundle.");
        site.file("shared/map.png", "png");
        let articles = site.root().join("content/articles");
        symlink(
            site.root().join("shared/linked.md"),
            articles.join("linked.md"),
        )
        .unwrap();
        symlink(
            site.root().join("shared/map.png"),
            articles.join("b/map.png"),
        )
        .unwrap();
        site.build();
        assert!(
            site.read("articles/linked/index.html")
                .contains("Shared text.")
        );
        assert_eq!(site.read("articles/b/map.png"), "png");
    }

    #[test]
    fn a_pipe_named_like_an_article_is_an_error_not_a_hang() {
        let site = Site::new();
        let pipe = site.root().join("content/articles/pipe.md");
        std::fs::create_dir_all(pipe.parent().unwrap()).unwrap();
        let made = std::process::Command::new("mkfifo")
            .arg(&pipe)
            .status()
            .expect("mkfifo");
        assert!(made.success());
        let stderr = site.build_fails();
        assert!(
            stderr.contains("error: content/articles/pipe.md: not a regular file"),
            "{stderr}"
        );
    }
}
