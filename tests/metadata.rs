//! What a page tells search engines, link previews and feed readers about
//! itself: its description, its picture, the sitemap's dates, reply entries in
//! comment feeds, and `noindex` on preview builds.

mod common;
use common::*;

use scraper::Html;

/// The `content` of the one `<meta>` matching `css`.
fn meta(page: &Html, css: &str) -> String {
    attr(one(page, css), "content").unwrap().to_string()
}

const LONG_OPENING: &str = "The first sentence of this article sets out the question it asks in words. \
The second sentence adds a detail that a reader would want to see in a preview. \
The third sentence would carry the description well past its limit of characters. \
A fourth one follows.";

#[test]
fn the_description_is_whole_sentences_of_about_160_characters() {
    let site = Site::new();
    site.article("long", "2020-01-01", "", LONG_OPENING);
    site.build();
    let page = site.page("articles/long/index.html");
    let description = meta(&page, r#"meta[name="description"]"#);
    assert_eq!(
        description,
        "The first sentence of this article sets out the question it asks in words. \
         The second sentence adds a detail that a reader would want to see in a preview."
    );
    assert_eq!(
        meta(&page, r#"meta[property="og:description"]"#),
        description
    );
    // Cards read the Open Graph tags; the same text is not written twice.
    assert!(
        select(
            &page,
            r#"meta[name="twitter:description"], meta[name="twitter:title"]"#
        )
        .is_empty()
    );
}

#[test]
fn one_long_sentence_is_cut_between_words_with_an_ellipsis() {
    let sentence = format!(
        "An opening that never stops {} and ends here.",
        "and goes on ".repeat(20)
    );
    let site = Site::new();
    site.article("run-on", "2020-01-01", "", &sentence);
    site.build();
    let page = site.page("articles/run-on/index.html");
    let description = meta(&page, r#"meta[name="description"]"#);
    assert!(description.chars().count() <= 160, "{description}");
    let words = description.strip_suffix('…').expect("an ellipsis");
    assert!(sentence.starts_with(words), "{description}");
    // Cut between words: what follows in the text is a space.
    assert!(sentence[words.len()..].starts_with(' '), "{description}");
}

#[test]
fn an_explicit_description_wins() {
    let site = Site::new();
    site.article(
        "given",
        "2020-01-01",
        "description = \"Written by hand.\"\n",
        LONG_OPENING,
    );
    site.build();
    let page = site.page("articles/given/index.html");
    assert_eq!(
        meta(&page, r#"meta[name="description"]"#),
        "Written by hand."
    );
}

#[test]
fn og_image_comes_from_the_image_field_relative_to_the_article() {
    let site = Site::new();
    site.bundle(
        "pictured",
        "2020-01-01",
        "image = \"cover.jpg\"\n",
        "Text.\n\n![first](/img/inline.png)",
    );
    site.file("content/articles/pictured/cover.jpg", "jpeg");
    site.build();
    let page = site.page("articles/pictured/index.html");
    assert_eq!(
        meta(&page, r#"meta[property="og:image"]"#),
        "https://example.org/articles/pictured/cover.jpg"
    );
    assert_eq!(
        meta(&page, r#"meta[name="twitter:card"]"#),
        "summary_large_image"
    );
}

#[test]
fn og_image_falls_back_to_the_first_image_as_the_page_resolves_it() {
    let site = Site::new();
    site.file(
        "site.toml",
        "title = \"T\"\nbase_url = \"https://example.org/archive\"\n",
    );
    site.article(
        "inline",
        "2020-01-01",
        "",
        "Text.\n\n![first](/img/a.png)\n\n![second](b.png)",
    );
    site.article("rooted", "2020-01-02", "image = \"/img/c.png\"\n", "Text.");
    site.article("plain", "2020-01-03", "", "No picture.");
    site.build();

    // The body's image, as a browser on the page (and a feed) resolves it.
    let inline = site.page("articles/inline/index.html");
    assert_eq!(
        meta(&inline, r#"meta[property="og:image"]"#),
        "https://example.org/img/a.png"
    );
    // A site-root `image` is under the base path, as an `avatar` is.
    let rooted = site.page("articles/rooted/index.html");
    assert_eq!(
        meta(&rooted, r#"meta[property="og:image"]"#),
        "https://example.org/archive/img/c.png"
    );
    let plain = site.page("articles/plain/index.html");
    assert!(select(&plain, r#"meta[property="og:image"]"#).is_empty());
    assert_eq!(meta(&plain, r#"meta[name="twitter:card"]"#), "summary");
    // Listings have no picture of their own.
    assert!(select(&site.page("index.html"), r#"meta[property="og:image"]"#).is_empty());
}

/// The `<lastmod>` of `url` in the sitemap.
fn lastmod(sitemap: &str, url: &str) -> Option<String> {
    let at = sitemap.find(&format!("<loc>{url}</loc>"))?;
    let entry = &sitemap[at..sitemap[at..].find("</url>")? + at];
    let start = entry.find("<lastmod>")? + "<lastmod>".len();
    Some(entry[start..entry.find("</lastmod>")?].to_string())
}

#[test]
fn the_sitemap_lastmod_counts_the_newest_comment() {
    let site = Site::new();
    site.article(
        "talk",
        "2020-01-01",
        "updated = 2020-02-01T00:00:00Z\n",
        "Body.",
    )
    .comments(
        "talk",
        "[[comment]]\nid = \"1\"\nauthor = \"A\"\ndate = 2021-05-01T10:00:00Z\nbody = \"x\"\n\n\
             [[comment]]\nid = \"2\"\nauthor = \"B\"\ndate = 2020-06-01T10:00:00Z\nbody = \"y\"\n",
    );
    site.article(
        "quiet",
        "2020-01-02",
        "updated = 2020-03-01T00:00:00Z\n",
        "Body.",
    );
    site.build();
    let sitemap = site.read("sitemap.xml");
    let talk = lastmod(&sitemap, "https://example.org/articles/talk/");
    assert_eq!(talk.as_deref(), Some("2021-05-01T10:00:00+00:00"));
    let quiet = lastmod(&sitemap, "https://example.org/articles/quiet/");
    assert_eq!(quiet.as_deref(), Some("2020-03-01T00:00:00+00:00"));
    // The front page lists both: it changed when the comment came.
    let front = lastmod(&sitemap, "https://example.org/");
    assert_eq!(front.as_deref(), Some("2021-05-01T10:00:00+00:00"));
}

#[test]
fn a_reply_feed_entry_names_and_links_the_comment_it_answers() {
    let site = Site::new();
    site.article("talk", "2020-01-01", "", "Body.").comments(
        "talk",
        "[[comment]]\nid = \"1\"\nauthor = \"<b>Ann</b> & co\"\ndate = 2020-01-02T10:00:00Z\nbody = \"First.\"\n\n\
         [[comment]]\nid = \"2\"\nparent = \"1\"\nauthor = \"Bo\"\ndate = 2020-01-03T10:00:00Z\nbody = \"Reply.\"\n",
    );
    site.build();
    let xml = site.read("articles/talk/comments.xml");
    let feed = feed_rs::parser::parse(xml.as_bytes()).expect("a valid Atom feed");
    let entry = |id: &str| {
        feed.entries
            .iter()
            .find(|e| e.id.ends_with(&format!("#comment-{id}")))
            .unwrap()
    };
    let reply = entry("2");
    assert_eq!(
        reply.title.as_ref().unwrap().content,
        "Bo replied to <b>Ann</b> & co on Title of talk"
    );
    let content = reply.content.as_ref().unwrap().body.as_ref().unwrap();
    let html = Html::parse_fragment(content);
    let link = one(&html, "p a");
    assert_eq!(
        attr(link, "href"),
        Some("https://example.org/articles/talk/#comment-1")
    );
    // The name is text, not markup.
    assert_eq!(text(link), "<b>Ann</b> & co");
    assert!(select(&html, "b").is_empty(), "{content}");

    let top = entry("1");
    assert_eq!(
        top.title.as_ref().unwrap().content,
        "Comment by <b>Ann</b> & co on Title of talk"
    );
    let top_content = top.content.as_ref().unwrap().body.as_ref().unwrap();
    assert!(!top_content.contains("In reply to"), "{top_content}");
}

/// Every HTML page under the output folder, with its path.
fn html_pages(site: &Site) -> Vec<(std::path::PathBuf, Html)> {
    files_in(&site.root().join("public"))
        .into_iter()
        .filter(|(path, _)| path.extension().is_some_and(|e| e == "html"))
        .map(|(path, bytes)| {
            (
                path,
                Html::parse_document(&String::from_utf8(bytes).unwrap()),
            )
        })
        .collect()
}

#[test]
fn preview_builds_ask_not_to_be_indexed_on_every_page() {
    let site = Site::new();
    site.article("out", "2020-01-01", "tags = [\"t\"]\n", "Body.");
    site.article("wip", "2020-01-02", "draft = true\n", "Body.");
    site.file(
        "content/pages/about.md",
        "+++\ntitle = \"About\"\n+++\nAbout.\n",
    );

    site.build();
    let public = html_pages(&site);
    assert!(public.len() > 5);
    for (path, page) in &public {
        assert!(
            select(page, r#"meta[name="robots"]"#).is_empty(),
            "{} asks not to be indexed in a public build",
            path.display()
        );
    }

    for flag in ["--drafts", "--future"] {
        site.build_with(&[flag]);
        let pages = html_pages(&site);
        assert_eq!(pages.len(), public.len() + usize::from(flag == "--drafts"));
        for (path, page) in &pages {
            assert_eq!(
                meta(page, r#"meta[name="robots"]"#),
                "noindex",
                "{} with {flag}",
                path.display()
            );
        }
    }
}
