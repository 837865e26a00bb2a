//! Portable output: every link of a page into the site is relative to the
//! page and names a file that exists (so the folder works from `file://` and
//! from any sub-path of any host), while what must be absolute stays absolute;
//! `[build] urls = "root"` brings back site-root links.

mod common;
use common::*;

use std::path::Path;

use scraper::Html;

/// A site under a sub-path with a bit of everything that links: listings over
/// several pages, tags, two authors, an alias, a page, a bundle with an image,
/// and Markdown and raw HTML links written from the site root.
fn full_site(extra_config: &str) -> Site {
    let site = Site::new();
    site.file(
        "site.toml",
        &format!(
            "title = \"Test Archive\"\nbase_url = \"https://example.org/blog/\"\n\
             [pagination]\nper_page = 1\n{extra_config}"
        ),
    );
    site.file(
        "content/authors/bob.md",
        "+++\nname = \"Bob Writer\"\navatar = \"/img/bob.png\"\n\
         links = { Archive = \"/blog/archive/\", Elsewhere = \"https://bob.example/\" }\n+++\n\
         Bob writes [about us](/blog/about/) too.\n",
    );
    site.file("static/img/bob.png", "not really a png");
    site.file("static/img/wide.png", "not really a png");
    site.file(
        "content/pages/about.md",
        "+++\ntitle = \"About\"\naliases = [\"/about-us.html\"]\n+++\nAbout [the latest](/blog/).\n",
    );
    site.article(
        "a",
        "2020-01-01",
        "tags = [\"Iran\", \"Oil\"]\naliases = [\"/2020/01/old-a/\"]\n",
        "Alpha.",
    );
    site.comments(
        "a",
        "[[comment]]\nid = \"1\"\nauthor = \"Reader\"\ndate = 2020-01-02\n\
         body = \"See [the tag](/blog/tags/oil/) and [b](/blog/articles/b/#comment-2).\"\n",
    );
    site.file(
        "content/articles/b/index.md",
        "+++\ntitle = \"Title of b\"\ndate = 2020-01-02\nauthors = [\"ann\", \"bob\"]\n\
         tags = [\"Iran\"]\n+++\n\
         Beta, with [a](/blog/articles/a/#comment-1) and ![a map](map.png) \
         and ![wide](/blog/img/wide.png).\n\n\
         <img alt=\"both\" src=\"/blog/img/wide.png\" srcset=\"/blog/img/wide.png 1x, map.png 2x\">\n\n\
         [up](../a/) and [search](/blog/archive/?q=x#main).\n\n\
         ```html\n<a href=\"/blog/kept/\">code</a>\n```\n\n\
         <script>const kept = \"/blog/kept/\";</script>\n",
    );
    site.file("content/articles/b/map.png", "not really a png");
    site.file(
        "content/articles/b/comments.toml",
        "[[comment]]\nid = \"1\"\nauthor = \"A\"\ndate = 2020-01-03\nbody = \"One.\"\n\n\
         [[comment]]\nid = \"2\"\nparent = \"1\"\nauthor = \"B\"\ndate = 2020-01-04\nbody = \"Two.\"\n",
    );
    site.article("c", "2020-01-03", "tags = [\"Oil\"]\n", "Gamma.");
    site
}

/// The file under `public` that the relative `url` on the page at `page`
/// names, as a browser resolves it from disk: `None` if it climbs out of
/// the folder or names a folder rather than a file.
fn file_named(page: &str, url: &str) -> Option<String> {
    let path = url.split(['?', '#']).next().unwrap_or_default();
    if path.is_empty() {
        return Some(page.to_string());
    }
    let mut segments: Vec<&str> = page.split('/').collect();
    segments.pop(); // the page's own file name
    let parts: Vec<&str> = path.split('/').collect();
    for (i, part) in parts.iter().enumerate() {
        match *part {
            "." => {}
            ".." => {
                segments.pop()?;
            }
            "" if i + 1 == parts.len() => return None, // a folder
            other => segments.push(other),
        }
    }
    let joined = segments.join("/");
    let decoded = percent_encoding::percent_decode_str(&joined).decode_utf8_lossy();
    Some(decoded.into_owned())
}

/// Every HTML file of the output, as paths under it.
fn html_pages(public: &Path) -> Vec<String> {
    files_in(public)
        .into_keys()
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .collect()
}

#[test]
fn every_link_of_every_page_is_relative_and_names_a_file_that_exists() {
    let site = full_site("");
    site.build();
    let public = site.root().join("public");
    let pages = html_pages(&public);
    // The fixture has what the test is about: several listing pages, a
    // redirect page per alias and per listing's page/1/.
    for expected in [
        "page/2/index.html",
        "tags/oil/page/2/index.html",
        "2020/01/old-a/index.html",
        "about-us.html",
        "page/1/index.html",
        "articles/b/index.html",
    ] {
        assert!(pages.contains(&expected.to_string()), "no {expected}");
    }
    let mut checked = 0;
    for page in pages.iter().filter(|p| *p != "404.html") {
        let html = site.page(page);
        for (what, url) in urls_on(&html) {
            if url.contains("://") || url.starts_with("mailto:") {
                continue; // another site, or an absolute URL checked below
            }
            assert!(
                !url.starts_with('/'),
                "{page}: {what} `{url}` is not relative"
            );
            let file = file_named(page, &url)
                .unwrap_or_else(|| panic!("{page}: {what} `{url}` names no file"));
            assert!(
                public.join(&file).is_file(),
                "{page}: {what} `{url}` leads to {file}, which does not exist"
            );
            // A fragment lands on an element of the page it names.
            if let Some((_, fragment)) = url.split_once('#')
                && file.ends_with(".html")
            {
                let target = site.page(&file);
                assert_eq!(
                    select(&target, &format!("[id='{fragment}']")).len(),
                    1,
                    "{page}: `{url}`: {file} has no #{fragment}"
                );
            }
            checked += 1;
        }
    }
    assert!(checked > 200, "only {checked} links checked");
}

#[test]
fn links_written_in_content_lead_to_the_same_place_from_every_depth() {
    let site = full_site("");
    site.build();
    let article = site.page("articles/b/index.html");
    let body: Vec<String> = select(&article, ".article-body a, .article-body img")
        .into_iter()
        .map(|e| {
            attr(e, "href")
                .or_else(|| attr(e, "src"))
                .unwrap_or_default()
                .to_string()
        })
        .collect();
    assert_eq!(
        body,
        [
            "../a/index.html#comment-1",
            "map.png",
            "../../img/wide.png",
            "../../img/wide.png",
            "../a/index.html",
            "../../archive/index.html?q=x#main",
        ]
    );
    let srcset = attr(one(&article, "img[srcset]"), "srcset").unwrap();
    assert_eq!(srcset, "../../img/wide.png 1x, map.png 2x");
    // A comment's links too, on its article's page.
    let a = site.page("articles/a/index.html");
    assert_eq!(
        links_on(&a, "articles/a/index.html", ".comment > article > div a"),
        ["/tags/oil/", "/articles/b/#comment-2"]
    );
    // The same summary link from pages at other depths, and the avatar.
    let about = site.page("about/index.html");
    assert_eq!(hrefs(&about, ".page-body a"), ["../index.html"]);
    let authors = site.page("authors/index.html");
    assert_eq!(
        attr(one(&authors, "img.avatar"), "src"),
        Some("../img/bob.png")
    );
    // Code and script text are not links: kept as written.
    assert!(text(one(&article, "pre")).contains(r#"href="/blog/kept/""#));
    let raw = site.read("articles/b/index.html");
    assert!(raw.contains(r#"<script>const kept = "/blog/kept/";</script>"#));
}

#[test]
fn a_slug_with_an_apostrophe_is_linked_to_its_own_file() {
    // Templates write `'` as `&#39;`: the `#` in it is not a fragment.
    let site = Site::new();
    site.article("don't-panic", "2020-01-01", "", "Calm.");
    site.article(
        "guide",
        "2020-01-02",
        "",
        "See [the calm one](/articles/don't-panic/).",
    );
    site.build();
    let public = site.root().join("public");
    for (page, css) in [
        ("index.html", ".article-list :is(h2, h3) a"),
        ("articles/guide/index.html", ".article-body a"),
    ] {
        let html = site.page(page);
        let targets: Vec<Option<String>> = select(&html, css)
            .into_iter()
            .map(|a| file_named(page, attr(a, "href").unwrap()))
            .collect();
        assert!(
            targets.contains(&Some("articles/don't-panic/index.html".to_string())),
            "{page}: {targets:?}"
        );
    }
    assert!(public.join("articles/don't-panic/index.html").is_file());
}

#[test]
fn redirect_pages_lead_relatively_and_keep_an_absolute_canonical() {
    let site = full_site("");
    site.build();
    for (file, target, canonical) in [
        (
            "2020/01/old-a/index.html",
            "../../../articles/a/index.html",
            "https://example.org/blog/articles/a/",
        ),
        (
            "about-us.html",
            "about/index.html",
            "https://example.org/blog/about/",
        ),
        (
            "page/1/index.html",
            "../../index.html",
            "https://example.org/blog/",
        ),
    ] {
        let html = site.page(file);
        let refresh = attr(one(&html, r#"meta[http-equiv="refresh"]"#), "content");
        assert_eq!(refresh, Some(format!("0; url={target}").as_str()), "{file}");
        let links = select(&html, "body a[href]");
        assert!(
            links.iter().any(|a| attr(*a, "href") == Some(target)),
            "{file}: no visible link to {target}"
        );
        assert_eq!(
            attr(one(&html, "link[rel=canonical]"), "href"),
            Some(canonical),
            "{file}"
        );
    }
}

#[test]
fn canonical_social_feeds_sitemap_and_redirects_stay_absolute() {
    let site = full_site("");
    site.build();
    let base = "https://example.org/blog/";
    for (page, url) in [
        ("index.html", base.to_string()),
        ("page/2/index.html", format!("{base}page/2/")),
        ("articles/b/index.html", format!("{base}articles/b/")),
        ("tags/oil/index.html", format!("{base}tags/oil/")),
    ] {
        let html = site.page(page);
        assert_eq!(
            attr(one(&html, "link[rel=canonical]"), "href"),
            Some(url.as_str())
        );
        assert_eq!(
            attr(one(&html, r#"meta[property="og:url"]"#), "content"),
            Some(url.as_str())
        );
    }
    // Feeds are read far from the pages: every URL in them is absolute.
    for feed in [
        "atom.xml",
        "tags/iran/atom.xml",
        "authors/bob/atom.xml",
        "articles/a/comments.xml",
    ] {
        let parsed = feed_rs::parser::parse(site.read(feed).as_bytes())
            .unwrap_or_else(|e| panic!("{feed}: {e}"));
        let mut urls: Vec<String> = parsed.links.iter().map(|l| l.href.clone()).collect();
        for entry in &parsed.entries {
            urls.extend(entry.links.iter().map(|l| l.href.clone()));
            let content = entry.content.as_ref().and_then(|c| c.body.clone());
            let html = Html::parse_fragment(&content.unwrap_or_default());
            urls.extend(urls_on(&html).into_iter().map(|(_, url)| url));
        }
        assert!(urls.len() > 2, "{feed}: {urls:?}");
        for url in urls {
            assert!(url.starts_with(base), "{feed}: `{url}` is not absolute");
        }
    }
    let sitemap = site.read("sitemap.xml");
    let locs: Vec<&str> = sitemap
        .split("<loc>")
        .skip(1)
        .filter_map(|s| s.split("</loc>").next())
        .collect();
    assert!(locs.len() > 5, "{sitemap}");
    assert!(locs.iter().all(|l| l.starts_with(base)), "{locs:?}");
    assert!(
        site.read("robots.txt")
            .contains("Sitemap: https://example.org/blog/sitemap.xml")
    );
    // Hosts read `_redirects` as paths from the domain's root.
    assert_eq!(
        site.read("_redirects"),
        "/blog/2020/01/old-a/ /blog/articles/a/ 301\n/blog/about-us.html /blog/about/ 301\n"
    );
}

#[test]
fn the_not_found_page_keeps_site_root_links() {
    // A host serves 404.html at whatever path was missing, so a link
    // relative to it would lead somewhere else from each of them.
    let site = full_site("");
    site.build();
    let html = site.page("404.html");
    let stylesheet = attr(one(&html, r#"link[href$="style.css"]"#), "href");
    assert_eq!(stylesheet, Some("/blog/style.css"));
}

#[test]
fn urls_root_gives_site_root_links_with_the_base_path() {
    let site = full_site("[build]\nurls = \"root\"\n");
    site.build();
    let article = site.page("articles/b/index.html");
    assert_eq!(
        attr(
            one(&article, r#"link[rel=stylesheet][href$="style.css"]"#),
            "href"
        ),
        Some("/blog/style.css")
    );
    assert_eq!(
        hrefs(&article, ".site-nav a"),
        [
            "/blog/",
            "/blog/authors/",
            "/blog/tags/",
            "/blog/archive/",
            "/blog/search/",
            "/blog/about/"
        ]
    );
    let body: Vec<&str> = hrefs(&article, ".article-body a");
    assert_eq!(
        body,
        [
            "/blog/articles/a/#comment-1",
            "../a/",
            "/blog/archive/?q=x#main"
        ]
    );
    let index = site.page("index.html");
    assert_eq!(
        attr(one(&index, "a[rel=next]"), "href"),
        Some("/blog/page/2/")
    );
    let redirect = site.page("2020/01/old-a/index.html");
    assert_eq!(
        attr(one(&redirect, r#"meta[http-equiv="refresh"]"#), "content"),
        Some("0; url=/blog/articles/a/")
    );
    // Every link of every page is from the site root, under the base path.
    let public = site.root().join("public");
    for page in html_pages(&public) {
        for (what, url) in urls_on(&site.page(&page)) {
            let site_root = url.starts_with("/blog/");
            let kept = url.contains("://") || url.starts_with('#') || !url.starts_with('/');
            assert!(site_root || kept, "{page}: {what} `{url}`");
        }
    }
}

#[test]
fn the_built_in_theme_links_exactly_as_the_whole_page_rewrite_would() {
    // The built-in theme's pages get their links relative from their views
    // and are not rewritten as a whole: the rewrite run over any of them
    // must find nothing left to change, on every page at every depth (links
    // in templates, listings, bios, author links, avatars, comments, bodies).
    let site = full_site("");
    site.build();
    let public = site.root().join("public");
    let pages = html_pages(&public);
    assert!(pages.len() > 20, "{pages:?}");
    for page in pages.iter().filter(|p| *p != "404.html") {
        let html = site.read(page);
        let rewritten = scholia::render::relative::relative_urls(&html, page, "/blog").unwrap();
        assert_eq!(rewritten, html, "{page} still had links to make relative");
    }
    let author = site.page("authors/bob/index.html");
    let links: Vec<&str> = hrefs(&author, ".author-links a");
    assert_eq!(links, ["../../archive/index.html", "https://bob.example/"]);
}

#[test]
fn links_in_odd_or_unfinished_html_of_an_author_are_made_relative_as_a_browser_reads_them() {
    // A vertical tab (pasted from a word processor) is a space on the page,
    // so the link after it is a link; and an unfinished last tag takes in the
    // markup after it, so its `src` is an attribute the page has.
    let site = full_site("");
    site.article(
        "odd",
        "2020-01-04",
        "",
        "Odd.\n\n<div>\n<a\u{b}href=\"/blog/tags/oil/\">tab</a>\n<a href=\"\u{b}/blog/about/\">lead</a>\n</div>\n\n\
         <div><img alt=\"x\" src=\"/blog/img/wide.png\"",
    );
    site.build();
    let article = site.page("articles/odd/index.html");
    // The unfinished tag takes the page's markup after it in: only the two
    // links written before it are the article's.
    let links: Vec<&str> = select(&article, ".article-body a")
        .into_iter()
        .filter(|a| ["tab", "lead"].contains(&a.text().collect::<String>().as_str()))
        .filter_map(|a| attr(a, "href"))
        .collect();
    assert_eq!(
        links,
        ["../../tags/oil/index.html", "../../about/index.html"]
    );
    assert_eq!(
        attr(one(&article, ".article-body img"), "src"),
        Some("../../img/wide.png")
    );
}

#[test]
fn the_search_page_links_relatively_for_readers_without_javascript() {
    // `<noscript>` holds text for a parser with scripting on (the
    // whole-page rewrite left its links from the site root); a browser with
    // JavaScript off reads it as markup and follows them.
    let site = full_site("");
    site.build();
    let search = site.page("search/index.html");
    let markup: String = one(&search, "noscript").text().collect();
    let noscript = Html::parse_fragment(&markup);
    let links: Vec<&str> = hrefs(&noscript, "a");
    assert_eq!(links, ["../archive/index.html", "../tags/index.html"]);
}

#[test]
fn a_site_template_of_its_own_has_its_site_root_links_made_relative() {
    let site = full_site("");
    site.file(
        "templates/page.html",
        "{% extends \"base.html\" %}{% block content %}\
         <a class=\"mine\" href=\"{{ site.base_path }}/archive/\">all</a>\
         <a class=\"own\" href=\"{{ page.url }}\">here</a>{% endblock content %}",
    );
    site.build();
    let about = site.page("about/index.html");
    assert_eq!(
        attr(one(&about, "a.mine"), "href"),
        Some("../archive/index.html")
    );
    assert_eq!(attr(one(&about, "a.own"), "href"), Some("index.html"));
    // Every page, not only the overridden template's, is still relative.
    let article = site.page("articles/b/index.html");
    assert_eq!(
        attr(
            one(&article, r#"link[rel=stylesheet][href$="style.css"]"#),
            "href"
        ),
        Some("../../style.css")
    );
}

#[test]
fn an_unchanged_copy_of_a_built_in_template_builds_the_same_site() {
    let site = full_site("");
    site.build();
    let built_in = site.output_files();
    site.file(
        "templates/base.html",
        include_str!("../templates/base.html"),
    );
    site.file(
        "templates/partials/comments.html",
        include_str!("../templates/partials/comments.html"),
    );
    site.build();
    let copied = site.output_files();
    let differing: Vec<_> = built_in
        .keys()
        .chain(copied.keys())
        .filter(|path| built_in.get(*path) != copied.get(*path))
        .collect();
    assert!(differing.is_empty(), "the copies changed {differing:?}");
}

#[test]
fn relative_output_is_the_same_bytes_on_every_build() {
    let site = full_site("");
    site.build();
    let first = site.output_files();
    site.build();
    assert_eq!(first, site.output_files());
}

#[test]
fn an_unknown_urls_value_is_an_error_at_its_line() {
    let site = full_site("[build]\nurls = \"portable\"\n");
    let stderr = site.build_fails();
    assert!(stderr.contains("site.toml:6"), "{stderr}");
    assert!(
        stderr.contains("portable") && stderr.contains("relative") && stderr.contains("root"),
        "{stderr}"
    );
}
