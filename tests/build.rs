//! Building fixture sites: articles as files and bundles, threads, static files,
//! pages, listings, drafts, template overrides and the Markdown dialect.

mod common;
use common::*;

use scraper::Html;

const THREAD: &str = r#"
[[comment]]
id = "1"
author = "Alice"
date = 2020-01-03T10:00:00Z
body = "First."

[[comment]]
id = "2"
parent = "1"
author = "Bob"
date = 2020-01-03T11:00:00Z
body = "A reply."
"#;

/// The titles listed on a listing page, in order.
fn listed_titles(page: &Html) -> Vec<String> {
    texts(page, ".article-list .article-item :is(h2, h3) a")
}

/// `href` of the one element matching `css`.
fn href<'a>(page: &'a Html, css: &str) -> &'a str {
    attr(one(page, css), "href").unwrap_or_else(|| panic!("`{css}` has no href"))
}

/// A site with five articles a1..a5, dated 1..5 January 2020.
fn five_articles(site_toml_extra: &str) -> Site {
    let site = Site::new();
    site.file("site.toml", &format!("{SITE_TOML}{site_toml_extra}"));
    for n in 1..=5 {
        site.article(&format!("a{n}"), &format!("2020-01-0{n}"), "", "Body.");
    }
    site
}

#[test]
fn single_file_article_is_built_at_its_permalink() {
    let site = Site::new();
    site.article("hello", "2020-01-02", "", "Hello **world**.");
    site.build();
    let page = site.page("articles/hello/index.html");
    assert_eq!(text(one(&page, "h1")), "Title of hello");
    assert_eq!(texts(&page, ".article-body p strong"), ["world"]);
}

#[test]
fn bundle_is_built_with_its_thread() {
    let site = Site::new();
    site.bundle("trip", "2020-01-02", "", "See the map.");
    site.file("content/articles/trip/comments.toml", THREAD);
    site.build();
    let page = site.page("articles/trip/index.html");
    assert_eq!(text(one(&page, "h1")), "Title of trip");
    assert_eq!(texts(&page, ".article-body p"), ["See the map."]);
    assert_eq!(texts(&page, "#comment-1 > article > div"), ["First."]);
}

#[test]
fn bundle_assets_are_copied_beside_the_page() {
    let site = Site::new();
    site.bundle("trip", "2020-01-02", "", "![map](map.png)");
    site.file("content/articles/trip/map.png", "not really a png");
    site.file("content/articles/trip/img/detail.png", "detail");
    site.build();
    assert_eq!(site.read("articles/trip/map.png"), "not really a png");
    assert_eq!(site.read("articles/trip/img/detail.png"), "detail");
    assert!(!site.output("articles/trip/index.md").exists());
    assert!(!site.output("articles/trip/comments.toml").exists());
}

#[test]
fn reply_nests_under_its_parent() {
    let site = Site::new();
    site.article("talk", "2020-01-02", "", "Body.");
    site.comments("talk", THREAD);
    site.build();
    let page = site.page("articles/talk/index.html");
    one(&page, "ol.comment-list > li#comment-1");
    one(&page, "li#comment-1 > ol > li#comment-2");
    assert_eq!(
        text(one(&page, "#comment-2 > article > header > span > a")),
        "Alice",
        "the reply names its parent's author"
    );
}

#[test]
fn static_files_are_copied_to_the_output_root() {
    let site = Site::new();
    site.file("static/robots.txt", "User-agent: *\n");
    site.file("static/img/logo.svg", "<svg/>");
    site.build();
    assert_eq!(site.read("robots.txt"), "User-agent: *\n");
    assert_eq!(site.read("img/logo.svg"), "<svg/>");
}

#[test]
fn page_is_built_at_its_slug() {
    let site = Site::new();
    site.file(
        "content/pages/about.md",
        "+++\ntitle = \"About us\"\n+++\nWho we are.\n",
    );
    site.build();
    let page = site.page("about/index.html");
    assert_eq!(text(one(&page, "h1")), "About us");
    assert_eq!(texts(&page, ".page-body p"), ["Who we are."]);
    let home = site.page("index.html");
    assert_eq!(
        text(one(&home, ".site-nav a[href='about/index.html']")),
        "About us"
    );
}

#[test]
fn index_lists_articles_newest_first() {
    let site = Site::new();
    site.article("middle", "2020-02-01", "", "B.");
    site.article("oldest", "2019-12-31", "", "A.");
    site.article("newest", "2021-06-01T08:00:00Z", "", "C.");
    site.build();
    assert_eq!(
        listed_titles(&site.page("index.html")),
        ["Title of newest", "Title of middle", "Title of oldest"]
    );
}

#[test]
fn index_is_paginated() {
    let site = five_articles("[pagination]\nper_page = 2\n");
    site.build();
    assert_eq!(
        listed_titles(&site.page("index.html")),
        ["Title of a5", "Title of a4"]
    );
    assert_eq!(
        listed_titles(&site.page("page/2/index.html")),
        ["Title of a3", "Title of a2"]
    );
    assert_eq!(
        listed_titles(&site.page("page/3/index.html")),
        ["Title of a1"]
    );
    assert!(!site.output("page/4/index.html").exists());
    // page/1/ exists only as a redirect to the first page.
    let redirect = site.page("page/1/index.html");
    let refresh = one(&redirect, r#"meta[http-equiv="refresh"]"#);
    assert_eq!(attr(refresh, "content"), Some("0; url=../../index.html"));
}

#[test]
fn index_pages_link_to_previous_and_next() {
    let site = five_articles("[pagination]\nper_page = 2\n");
    site.build();
    let first = site.page("index.html");
    assert!(select(&first, "a[rel=prev]").is_empty());
    // Relative to each page, naming the index.html a folder URL stands for.
    assert_eq!(href(&first, "a[rel=next]"), "page/2/index.html");
    let middle = site.page("page/2/index.html");
    assert_eq!(href(&middle, "a[rel=prev]"), "../../index.html");
    assert_eq!(href(&middle, "a[rel=next]"), "../3/index.html");
    let last = site.page("page/3/index.html");
    assert_eq!(href(&last, "a[rel=prev]"), "../2/index.html");
    assert!(select(&last, "a[rel=next]").is_empty());
}

#[test]
fn tags_page_lists_every_tag_with_its_count() {
    let site = Site::new();
    site.article("one", "2020-01-01", "tags = [\"Iran\", \"Oil\"]\n", "1.");
    site.article("two", "2020-01-02", "tags = [\"Iran\"]\n", "2.");
    site.article(
        "three",
        "2020-01-03",
        "tags = [\"Iran\", \"Gulf States\"]\n",
        "3.",
    );
    site.build();
    let page = site.page("tags/index.html");
    let tags: Vec<(String, String, String)> = select(&page, ".tag-cloud li")
        .into_iter()
        .map(|li| {
            let a = li.select(&sel("a")).next().expect("tag link");
            let count = li.select(&sel(".count")).next().expect("tag count");
            (text(a), attr(a, "href").unwrap().to_string(), text(count))
        })
        .collect();
    let expected = [
        ("Gulf States", "gulf-states/index.html", "1"),
        ("Iran", "iran/index.html", "3"),
        ("Oil", "oil/index.html", "1"),
    ]
    .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()));
    assert_eq!(tags, expected);
}

#[test]
fn tag_page_lists_exactly_the_articles_with_that_tag() {
    let site = Site::new();
    site.article("one", "2020-01-01", "tags = [\"Iran\", \"Oil\"]\n", "1.");
    site.article("two", "2020-01-02", "tags = [\"Oil\"]\n", "2.");
    site.article("three", "2020-01-03", "tags = [\"Iran\"]\n", "3.");
    site.article("four", "2020-01-04", "", "4.");
    site.build();
    assert_eq!(
        listed_titles(&site.page("tags/iran/index.html")),
        ["Title of three", "Title of one"]
    );
    assert_eq!(
        listed_titles(&site.page("tags/oil/index.html")),
        ["Title of two", "Title of one"]
    );
}

/// `rel="tag"` says the tag applies to the page it is on (HTML's link types),
/// so only an article's own page marks its tag links with it: on a listing or
/// the tag index the tags belong to the articles listed, not to the page.
#[test]
fn only_an_articles_own_page_marks_its_tags_rel_tag() {
    let site = Site::new();
    site.article("one", "2020-01-01", "tags = [\"Iran\", \"Oil\"]\n", "1.");
    site.build();
    let article = site.page("articles/one/index.html");
    assert_eq!(
        hrefs(&article, "a[rel~=tag]"),
        ["../../tags/iran/index.html", "../../tags/oil/index.html"]
    );
    for listing in [
        "index.html",
        "tags/index.html",
        "tags/iran/index.html",
        "authors/ann/index.html",
    ] {
        let page = site.page(listing);
        assert!(
            !select(
                &page,
                "a[href*='tags/oil/'], a[href*='../oil/'], a[href='oil/index.html']"
            )
            .is_empty(),
            "{listing} links the tag"
        );
        assert!(
            select(&page, "a[rel~=tag]").is_empty(),
            "{listing} marks a tag rel=tag"
        );
    }
}

#[test]
fn author_page_lists_the_authors_articles() {
    let site = Site::new();
    site.file(
        "content/authors/bob.md",
        "+++\nname = \"Bob Writer\"\n+++\nBob's bio.\n",
    );
    site.article("by-ann", "2020-01-01", "", "1.");
    site.article("by-ann-later", "2020-01-05", "", "2.");
    site.file(
        "content/articles/by-bob.md",
        "+++\ntitle = \"Bob's piece\"\ndate = 2020-01-03\nauthors = [\"bob\"]\n+++\nB.\n",
    );
    site.build();
    let ann = site.page("authors/ann/index.html");
    assert_eq!(text(one(&ann, "h1")), "Ann Author");
    assert_eq!(
        listed_titles(&ann),
        ["Title of by-ann-later", "Title of by-ann"]
    );
    let bob = site.page("authors/bob/index.html");
    assert_eq!(listed_titles(&bob), ["Bob's piece"]);
    assert_eq!(texts(&bob, ".bio p"), ["Bob's bio."]);
}

#[test]
fn draft_is_left_out_without_the_drafts_flag() {
    let site = Site::new();
    site.article("public", "2020-01-01", "", "P.");
    site.article("unfinished", "2020-01-02", "draft = true\n", "D.");
    site.build();
    assert!(site.output("articles/public/index.html").is_file());
    assert!(!site.output("articles/unfinished/index.html").exists());
    assert_eq!(listed_titles(&site.page("index.html")), ["Title of public"]);
}

#[test]
fn draft_is_built_with_the_drafts_flag() {
    let site = Site::new();
    site.article("public", "2020-01-01", "", "P.");
    site.article("unfinished", "2020-01-02", "draft = true\n", "D.");
    site.build_with(&["--drafts"]);
    let page = site.page("articles/unfinished/index.html");
    assert_eq!(text(one(&page, "h1")), "Title of unfinished");
    one(&page, ".draft-banner");
    assert_eq!(
        listed_titles(&site.page("index.html")),
        ["Title of unfinished", "Title of public"]
    );
    assert_eq!(texts(&site.page("index.html"), ".draft-label"), ["Draft"]);
}

#[test]
fn site_template_overrides_the_built_in_one() {
    let site = Site::new();
    site.article("hello", "2020-01-02", "", "Body.");
    site.file(
        "templates/article.html",
        "{% extends \"base.html\" %}{% block content %}<h1 class=\"mine\">{{ article.title }}</h1>{% endblock content %}",
    );
    site.build();
    let page = site.page("articles/hello/index.html");
    assert_eq!(text(one(&page, "h1.mine")), "Title of hello");
    assert!(
        select(&page, ".article-body").is_empty(),
        "built-in article.html was used"
    );
    one(&page, "header.site-header"); // still the built-in base
}

#[test]
fn site_without_templates_folder_uses_the_built_in_theme() {
    let site = Site::new();
    site.article("hello", "2020-01-02", "", "Body.");
    assert!(!site.root().join("templates").exists());
    site.build();
    let page = site.page("articles/hello/index.html");
    assert_eq!(texts(&page, "article.article .article-body p"), ["Body."]);
    one(&page, "header.site-header");
    assert!(site.output("style.css").is_file());
}

/// The lines of `html` outside `<pre>` elements that start with a space or
/// a tab.
fn indented_lines(html: &str) -> Vec<String> {
    let mut outside = String::new();
    let mut rest = html;
    while let Some(open) = rest.find("<pre") {
        outside.push_str(&rest[..open]);
        rest = rest[open..]
            .split_once("</pre>")
            .map_or("", |(_, after)| after);
    }
    outside.push_str(rest);
    outside
        .lines()
        .filter(|line| line.starts_with([' ', '\t']))
        .map(str::to_string)
        .collect()
}

#[test]
fn the_built_in_theme_writes_no_indentation_and_code_keeps_its_own() {
    let site = Site::new();
    let code = "fn main() {\n    println!(\"indented\");\n}";
    site.article(
        "hello",
        "2020-01-02",
        "tags = [\"a\"]\n",
        &format!("Body.\n\n```\n{code}\n```"),
    );
    site.comments("hello", THREAD);
    site.build();
    for page in [
        "articles/hello/index.html",
        "index.html",
        "tags/a/index.html",
        "archive/index.html",
    ] {
        let html = site.read(page);
        assert_eq!(indented_lines(&html), Vec::<String>::new(), "{page}");
    }
    let page = site.page("articles/hello/index.html");
    let shown: String = one(&page, ".article-body pre").text().collect();
    assert_eq!(shown.trim_end(), code);
    // A site's own template is written as it is.
    site.file(
        "templates/page.html",
        "{% extends \"base.html\" %}{% block content %}\n  <p class=\"mine\">{{ page.title }}</p>\n{% endblock content %}",
    );
    site.file(
        "content/pages/about.md",
        "+++\ntitle = \"About\"\n+++\nText.\n",
    );
    site.build();
    assert_eq!(
        indented_lines(&site.read("about/index.html")),
        ["  <p class=\"mine\">About</p>"]
    );
}

#[test]
fn overriding_a_partial_keeps_the_built_in_base() {
    let site = Site::new();
    site.article("talk", "2020-01-02", "", "Body.");
    site.comments("talk", THREAD);
    site.file(
        "templates/partials/comments.html",
        "<section class=\"my-comments\">{{ article.comments | length }} replies</section>",
    );
    site.build();
    let page = site.page("articles/talk/index.html");
    assert_eq!(text(one(&page, "section.my-comments")), "2 replies");
    assert!(
        select(&page, "ol.comment-list").is_empty(),
        "built-in partial was used"
    );
    one(&page, "header.site-header");
    assert_eq!(texts(&page, ".article-body p"), ["Body."]);
}

#[test]
fn markdown_tables_footnotes_strikethrough_and_task_lists() {
    let site = Site::new();
    site.article(
        "md",
        "2020-01-02",
        "",
        "| Country | Capital |\n|---|---|\n| Iran | Tehran |\n\n\
         A claim.[^src] ~~Withdrawn~~ text.\n\n[^src]: The source.\n\n\
         - [x] done\n- [ ] open\n",
    );
    site.build();
    let page = site.page("articles/md/index.html");
    assert_eq!(
        texts(&page, ".article-body table th"),
        ["Country", "Capital"]
    );
    assert_eq!(texts(&page, ".article-body table td"), ["Iran", "Tehran"]);
    assert_eq!(texts(&page, ".article-body del"), ["Withdrawn"]);
    let note_ref = one(&page, ".article-body sup.footnote-reference a");
    let target = attr(note_ref, "href").unwrap().trim_start_matches('#');
    let note = one(&page, &format!(".article-body [id='{target}']"));
    assert!(
        text(note).contains("The source."),
        "footnote: {}",
        text(note)
    );
    let boxes = select(&page, ".article-body li input[type=checkbox]");
    assert_eq!(boxes.len(), 2);
    assert!(attr(boxes[0], "checked").is_some(), "[x] is checked");
    assert!(attr(boxes[1], "checked").is_none(), "[ ] is not checked");
}

#[test]
fn fenced_rust_code_is_highlighted_with_classes() {
    let site = Site::new();
    site.article(
        "code",
        "2020-01-02",
        "",
        "```rust\nfn main() { let x = 1; }\n```\n",
    );
    site.build();
    let page = site.page("articles/code/index.html");
    let code = one(&page, ".article-body pre code.language-rust");
    assert_eq!(text(code), "fn main() { let x = 1; }");
    let spans: Vec<scraper::ElementRef> = code
        .descendants()
        .skip(1)
        .filter_map(scraper::ElementRef::wrap)
        .collect();
    let classes: std::collections::BTreeSet<&str> =
        spans.iter().flat_map(|e| e.value().classes()).collect();
    assert!(
        !classes.is_empty() && classes.iter().all(|c| c.starts_with("hl-")),
        "{}",
        code.html()
    );
    // Every class the code uses is styled by syntax.css.
    let css = site.read("syntax.css");
    for class in &classes {
        assert!(css.contains(&format!(".{class} {{")), "no rule for {class}");
    }
    // The keyword has a colour of its own; and there is one span per run of
    // one style, not one per scope (syntect's own HTML nests a dozen here).
    let keyword = spans
        .iter()
        .find(|e| text(**e).trim() == "fn")
        .expect("fn in a span of its own");
    assert!(
        keyword.value().classes().any(|c| c
            .strip_prefix("hl-")
            .is_some_and(|n| n.parse::<u32>().is_ok())),
        "{}",
        keyword.html()
    );
    assert!(spans.len() < 10, "{}", code.html());
}

#[test]
fn smart_punctuation_is_off() {
    let site = Site::new();
    site.article("quotes", "2020-01-02", "", "He said \"no\" -- it's over...");
    site.build();
    let page = site.page("articles/quotes/index.html");
    assert_eq!(
        texts(&page, ".article-body p"),
        ["He said \"no\" -- it's over..."]
    );
}

#[test]
fn extra_dates_reach_templates_as_text() {
    let site = Site::new();
    site.article(
        "dated",
        "2020-01-02",
        "[extra]\nrevisited = 2021-05-06\n",
        "Body.",
    );
    site.file(
        "templates/article.html",
        "<html><body><p id=\"revisited\">{{ article.extra.revisited }}</p></body></html>",
    );
    site.build();
    let page = site.page("articles/dated/index.html");
    assert_eq!(text(one(&page, "#revisited")), "2021-05-06");
}

/// The names in the site's folder that a build left beside its output.
fn leftovers(site: &Site) -> Vec<String> {
    std::fs::read_dir(site.root())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.contains(".staging-"))
        .collect()
}

#[test]
fn a_rebuild_replaces_the_output_and_the_old_one_goes_away() {
    let site = Site::new();
    site.article("first", "2020-01-01", "", "One.");
    site.build();
    site.article("second", "2020-01-02", "", "Two.");
    site.build();
    // The new output is in place when the command returns...
    let index = site.page("index.html");
    assert_eq!(listed_titles(&index), ["Title of second", "Title of first"]);
    // ...and the old one, moved aside, is removed after it, in the
    // background: give a loaded machine time.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while !leftovers(&site).is_empty() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert_eq!(leftovers(&site), Vec::<String>::new());
}

#[test]
fn the_background_remover_removes_nothing_but_a_previous_output() {
    let site = Site::new();
    site.article("first", "2020-01-01", "", "One.");
    site.build();
    for victim in ["public", "content", ".public.staging-12-new", ".x-old"] {
        let run = scholia(&[
            "remove-previous-output",
            site.root().join(victim).to_str().unwrap(),
        ]);
        assert_eq!(run.code, Some(2), "{victim}: {}", run.stderr);
        assert!(run.stderr.contains("nothing removed"), "{}", run.stderr);
    }
    assert!(site.root().join("public/index.html").is_file());
    assert!(site.root().join("content").is_dir());

    let aside = site.root().join(".public.staging-12-old");
    std::fs::create_dir_all(aside.join("articles")).unwrap();
    let run = scholia(&["remove-previous-output", aside.to_str().unwrap()]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(!aside.exists());
}

#[test]
fn a_static_file_where_the_site_needs_a_folder_fails_and_keeps_the_output() {
    let site = Site::new();
    site.article("first", "2020-01-01", "tags = [\"t\"]\n", "One.");
    site.build();
    let before = files_in(&site.root().join("public"));
    // `tags/` is the tag index's folder; a file cannot be both.
    site.file("static/tags", "not a folder");
    let stderr = site.build_fails();
    assert!(stderr.contains("public/tags"), "{stderr}");
    assert_eq!(files_in(&site.root().join("public")), before);
    // The failed build's staging folder is gone too.
    assert_eq!(leftovers(&site), Vec::<String>::new());
}
