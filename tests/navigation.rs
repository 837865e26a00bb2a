//! Finding things: permalinks, aliases, pagination, tags, authors, the archive
//! and sites served from a sub-folder.

mod common;
use common::*;

use scraper::Html;

/// site.toml with extra lines appended.
fn site_toml(extra: &str) -> String {
    format!("{SITE_TOML}{extra}")
}

/// The titles linked from a listing page, in order.
fn listed_titles(html: &Html) -> Vec<String> {
    texts(html, ".article-list .article-item :is(h2, h3) a")
}

/// The target of a redirect page's `<meta http-equiv="refresh" content="0; url=X">`.
fn refresh_target(html: &Html) -> String {
    let meta = one(html, r#"meta[http-equiv="refresh"]"#);
    let content = attr(meta, "content").expect("refresh has content");
    let (delay, url) = content
        .split_once(';')
        .unwrap_or_else(|| panic!("no `;` in refresh content `{content}`"));
    assert_eq!(delay.trim(), "0", "refresh delay in `{content}`");
    let url = url.trim();
    let url = url
        .strip_prefix("url=")
        .or_else(|| url.strip_prefix("URL="))
        .unwrap_or_else(|| panic!("no `url=` in refresh content `{content}`"));
    url.trim_matches(['\'', '"']).to_string()
}

/// Checks that `file` is a redirect page to `target` (a link path), whose
/// canonical URL is `canonical`.
fn assert_redirect(site: &Site, file: &str, target: &str, canonical: &str) {
    let html = site.page(file);
    assert_eq!(
        leads_to(file, &refresh_target(&html)),
        target,
        "refresh target of {file}"
    );
    assert_eq!(
        attr(one(&html, r#"link[rel="canonical"]"#), "href"),
        Some(canonical),
        "canonical of {file}"
    );
    let links = links_on(&html, file, "body a[href]");
    assert!(
        links.iter().any(|h| h == target),
        "{file} has no plain link to {target}: {links:?}"
    );
}

/// Writes an article with any front matter (no fixture defaults).
fn raw_article(site: &Site, file: &str, front: &str, body: &str) {
    site.file(
        &format!("content/articles/{file}"),
        &format!("+++\n{front}+++\n{body}\n"),
    );
}

/// Parses an Atom feed file.
fn feed(site: &Site, relative: &str) -> feed_rs::model::Feed {
    let xml = site.read(relative);
    feed_rs::parser::parse(xml.as_bytes()).unwrap_or_else(|e| panic!("{relative}: {e}"))
}

/// The alternate links of a feed's entries, in order.
fn entry_links(feed: &feed_rs::model::Feed) -> Vec<String> {
    feed.entries
        .iter()
        .map(|e| e.links.first().map(|l| l.href.clone()).unwrap_or_default())
        .collect()
}

// ---------------------------------------------------------------- permalinks

const DATE_PERMALINK: &str = "[build]\npermalink = \"/{year}/{month}/{day}/{slug}/\"\n";

#[test]
fn a_date_permalink_pattern_places_the_article_by_its_date() {
    let site = Site::new();
    site.file("site.toml", &site_toml(DATE_PERMALINK));
    site.article(
        "jcpoa",
        "2016-08-02T09:30:00Z",
        "tags = [\"Iran\"]\n",
        "Body.",
    );
    site.build();

    assert!(site.output("2016/08/02/jcpoa/index.html").is_file());
    assert!(!site.output("articles/jcpoa/index.html").exists());
    let page = site.page("2016/08/02/jcpoa/index.html");
    assert_eq!(text(one(&page, "h1")), "Title of jcpoa");
    assert_eq!(
        attr(one(&page, r#"link[rel="canonical"]"#), "href"),
        Some("https://example.org/2016/08/02/jcpoa/")
    );

    for listing in [
        "index.html",
        "tags/iran/index.html",
        "authors/ann/index.html",
    ] {
        let html = site.page(listing);
        assert_eq!(
            links_on(&html, listing, ".article-list :is(h2, h3) a"),
            ["/2016/08/02/jcpoa/"],
            "link from {listing}"
        );
    }
    let archive = site.page("archive/index.html");
    assert_eq!(
        links_on(&archive, "archive/index.html", ".archive-month li a"),
        ["/2016/08/02/jcpoa/"]
    );
}

#[test]
fn a_date_permalink_uses_the_date_as_written_not_utc() {
    let site = Site::new();
    site.file("site.toml", &site_toml(DATE_PERMALINK));
    // 23:30 at UTC-5 is already the 3rd in UTC; the URL keeps the author's day.
    site.article("late", "2016-08-02T23:30:00-05:00", "", "Body.");
    site.build();
    assert!(site.output("2016/08/02/late/index.html").is_file());
}

#[test]
fn a_permalink_pattern_with_an_unknown_token_is_a_config_error() {
    let site = Site::new();
    site.file(
        "site.toml",
        &site_toml("[build]\npermalink = \"/{year}/{hour}/{slug}/\"\n"),
    );
    site.article("a", "2016-08-02", "", "Body.");
    let stderr = site.build_fails();
    assert!(stderr.contains("site.toml"), "{stderr}");
    assert!(stderr.contains("{hour}"), "{stderr}");
    assert!(!site.output("index.html").exists());
}

#[test]
fn two_articles_with_the_same_slug_are_an_error_naming_both() {
    let site = Site::new();
    site.article("first", "2016-08-02", "slug = \"same\"\n", "One.");
    site.article("second", "2017-01-01", "slug = \"same\"\n", "Two.");
    let stderr = site.build_fails();
    for name in [
        "content/articles/first.md",
        "content/articles/second.md",
        "/articles/same/",
    ] {
        assert!(stderr.contains(name), "`{name}` missing from:\n{stderr}");
    }
}

#[test]
fn a_bundle_and_a_single_file_of_one_name_are_an_error_naming_both() {
    let site = Site::new();
    site.article("twin", "2016-08-02", "", "Single.");
    raw_article(
        &site,
        "twin/index.md",
        "title = \"Bundle\"\ndate = 2016-08-03\nauthors = [\"ann\"]\n",
        "Bundle.",
    );
    let stderr = site.build_fails();
    for name in ["content/articles/twin.md", "content/articles/twin/index.md"] {
        assert!(stderr.contains(name), "`{name}` missing from:\n{stderr}");
    }
}

#[test]
fn same_date_and_slug_under_a_date_pattern_is_an_error_naming_both() {
    let site = Site::new();
    site.file("site.toml", &site_toml(DATE_PERMALINK));
    site.article("morning", "2016-08-02T08:00:00Z", "slug = \"news\"\n", "A.");
    site.article("evening", "2016-08-02T20:00:00Z", "slug = \"news\"\n", "B.");
    let stderr = site.build_fails();
    for name in [
        "content/articles/morning.md",
        "content/articles/evening.md",
        "/2016/08/02/news/",
    ] {
        assert!(stderr.contains(name), "`{name}` missing from:\n{stderr}");
    }
}

#[test]
fn same_slug_on_different_days_under_a_date_pattern_is_fine() {
    let site = Site::new();
    site.file("site.toml", &site_toml(DATE_PERMALINK));
    site.article("monday", "2016-08-01", "slug = \"news\"\n", "A.");
    site.article("tuesday", "2016-08-02", "slug = \"news\"\n", "B.");
    site.build();
    assert_eq!(
        text(one(&site.page("2016/08/01/news/index.html"), "h1")),
        "Title of monday"
    );
    assert_eq!(
        text(one(&site.page("2016/08/02/news/index.html"), "h1")),
        "Title of tuesday"
    );
}

// ------------------------------------------------------------------- aliases

#[test]
fn each_alias_gets_a_redirect_page_to_the_article() {
    let site = Site::new();
    site.article(
        "new",
        "2016-08-22",
        "aliases = [\"/2016/08/22/old-slug/\", \"/old.html\", \"legacy/path\"]\n",
        "Body.",
    );
    site.build();
    let canonical = "https://example.org/articles/new/";
    assert_redirect(
        &site,
        "2016/08/22/old-slug/index.html",
        "/articles/new/",
        canonical,
    );
    assert_redirect(&site, "old.html", "/articles/new/", canonical);
    assert!(!site.output("old.html/index.html").exists());
    // An alias without a leading slash is a site-root path too.
    assert_redirect(&site, "legacy/path/index.html", "/articles/new/", canonical);
    // The article itself is still a full page.
    assert_eq!(
        text(one(&site.page("articles/new/index.html"), "h1")),
        "Title of new"
    );
}

#[test]
fn redirects_file_lists_every_alias_sorted() {
    let site = Site::new();
    site.article(
        "zeta",
        "2016-08-22",
        "aliases = [\"/z-old/\", \"/a-old/\"]\n",
        "Z.",
    );
    site.article("alpha", "2015-01-01", "aliases = [\"/m-old.html\"]\n", "A.");
    site.article("plain", "2015-02-01", "", "No aliases.");
    site.build();
    let file = site.read("_redirects");
    let lines: Vec<&str> = file.lines().collect();
    assert_eq!(
        lines,
        [
            "/a-old/ /articles/zeta/ 301",
            "/m-old.html /articles/alpha/ 301",
            "/z-old/ /articles/zeta/ 301",
        ]
    );
}

#[test]
fn a_page_alias_redirects_to_the_page_and_is_listed_unless_draft() {
    let site = Site::new();
    site.file(
        "content/pages/team.md",
        "+++\ntitle = \"Team\"\naliases = [\"/about/team/\"]\n+++\nWho we are.\n",
    );
    site.file(
        "content/pages/plans.md",
        "+++\ntitle = \"Plans\"\ndraft = true\naliases = [\"/about/plans/\"]\n+++\nSoon.\n",
    );
    site.build();
    assert_redirect(
        &site,
        "about/team/index.html",
        "/team/",
        "https://example.org/team/",
    );
    assert_eq!(site.read("_redirects"), "/about/team/ /team/ 301\n");
    assert!(!site.output("about/plans/index.html").exists());
}

#[test]
fn a_page_alias_onto_a_generated_page_is_an_error() {
    let site = Site::new();
    site.file(
        "content/pages/team.md",
        "+++\ntitle = \"Team\"\naliases = [\"/tags/\"]\n+++\nWho we are.\n",
    );
    let stderr = site.build_fails();
    assert!(
        stderr.contains("content/pages/team.md (alias `/tags/`)"),
        "{stderr}"
    );
}

#[test]
fn an_alias_given_as_a_full_url_is_an_error() {
    let site = Site::new();
    site.article(
        "moved",
        "2016-08-22",
        "aliases = [\"https://lobelog.com/old-slug/\"]\n",
        "Body.",
    );
    let stderr = site.build_fails();
    assert!(stderr.contains("content/articles/moved.md"), "{stderr}");
    assert!(stderr.contains("https://lobelog.com/old-slug/"), "{stderr}");
}

#[test]
fn an_alias_a_host_would_run_or_obey_is_an_error_and_its_folder_form_works() {
    let site = Site::new();
    site.article(
        "moved",
        "2016-08-22",
        "aliases = [\"/_worker.js\", \"/old/index.php\"]\n",
        "Body.",
    );
    let stderr = site.build_fails();
    for alias in ["/_worker.js", "/old/index.php"] {
        let line = stderr
            .lines()
            .find(|line| line.contains(&format!("`{alias}`")))
            .unwrap_or_else(|| panic!("no error for {alias}: {stderr}"));
        assert!(line.contains("content/articles/moved.md"), "{line}");
        assert!(line.contains("end it with `/`"), "{line}");
    }
    assert!(!site.output("_worker.js").exists());

    site.article(
        "moved",
        "2016-08-22",
        "aliases = [\"/old/index.php/\"]\n",
        "Body.",
    );
    site.build();
    let page = site.page("old/index.php/index.html");
    let refresh = attr(one(&page, r#"meta[http-equiv="refresh"]"#), "content").unwrap();
    assert!(refresh.contains("articles/moved/"), "{refresh}");
}

#[test]
fn an_alias_equal_to_another_articles_permalink_is_an_error_naming_both() {
    let site = Site::new();
    site.article(
        "taker",
        "2016-08-22",
        "aliases = [\"/articles/owner/\"]\n",
        "T.",
    );
    site.article("owner", "2016-08-01", "", "O.");
    let stderr = site.build_fails();
    for name in [
        "content/articles/taker.md",
        "content/articles/owner.md",
        "/articles/owner/",
    ] {
        assert!(stderr.contains(name), "`{name}` missing from:\n{stderr}");
    }
}

#[test]
fn an_alias_without_trailing_slash_onto_another_article_is_an_error() {
    // `/articles/owner` is written to articles/owner/index.html, the very file
    // of the article `owner`: one of the two pages is lost, whichever the
    // parallel render happens to write last.
    let site = Site::new();
    site.article(
        "taker",
        "2016-08-22",
        "aliases = [\"/articles/owner\"]\n",
        "T.",
    );
    site.article("owner", "2016-08-01", "", "O.");
    let stderr = site.build_fails();
    for name in ["content/articles/taker.md", "content/articles/owner.md"] {
        assert!(stderr.contains(name), "`{name}` missing from:\n{stderr}");
    }
}

#[test]
fn an_alias_on_a_tag_page_is_an_error() {
    let site = Site::new();
    site.article(
        "taker",
        "2016-08-22",
        "tags = [\"Iran\"]\naliases = [\"/tags/iran/\"]\n",
        "T.",
    );
    let stderr = site.build_fails();
    assert!(stderr.contains("content/articles/taker.md"), "{stderr}");
    assert!(stderr.contains("/tags/iran/"), "{stderr}");
}

#[test]
fn an_alias_on_the_home_page_file_is_an_error() {
    let site = Site::new();
    site.article("taker", "2016-08-22", "aliases = [\"/index.html\"]\n", "T.");
    let stderr = site.build_fails();
    assert!(stderr.contains("content/articles/taker.md"), "{stderr}");
}

// ---------------------------------------------------------------- pagination

const PER_PAGE_3: &str = "[pagination]\nper_page = 3\n";

/// A site with `n` articles by ann, all tagged "x", with per_page = 3. Article
/// `a{i}` is dated day `i` of January 2020, so `a{n}` is the newest.
fn paginated_site(n: usize) -> Site {
    let site = Site::new();
    site.file("site.toml", &site_toml(PER_PAGE_3));
    for i in 1..=n {
        site.article(
            &format!("a{i}"),
            &format!("2020-01-{i:02}"),
            "tags = [\"x\"]\n",
            "Body.",
        );
    }
    site.build();
    site
}

/// Titles of `a{i}` for each i.
fn titles(numbers: &[usize]) -> Vec<String> {
    numbers.iter().map(|i| format!("Title of a{i}")).collect()
}

#[test]
fn an_empty_site_has_one_index_page_and_no_page_links() {
    let site = paginated_site(0);
    let index = site.page("index.html");
    assert!(listed_titles(&index).is_empty());
    assert_eq!(select(&index, ".article-list .empty").len(), 1);
    assert!(select(&index, "nav.pagination").is_empty());
    assert!(select(&index, "a[rel=prev], a[rel=next]").is_empty());
    assert!(!site.output("page/2/index.html").exists());
}

#[test]
fn one_article_is_one_page_without_page_links() {
    let site = paginated_site(1);
    let index = site.page("index.html");
    assert_eq!(listed_titles(&index), titles(&[1]));
    assert!(select(&index, "a[rel=prev], a[rel=next]").is_empty());
    assert!(select(&index, "nav.pagination").is_empty());
    assert!(!site.output("page/2/index.html").exists());
}

#[test]
fn exactly_per_page_articles_is_one_page() {
    let site = paginated_site(3);
    let index = site.page("index.html");
    assert_eq!(listed_titles(&index), titles(&[3, 2, 1]));
    assert!(select(&index, "a[rel=prev], a[rel=next]").is_empty());
    assert!(select(&index, "nav.pagination").is_empty());
    assert!(!site.output("page/2/index.html").exists());
    assert!(!site.output("tags/x/page/2/index.html").exists());
    assert!(!site.output("authors/ann/page/2/index.html").exists());
}

#[test]
fn one_more_than_per_page_makes_a_second_page_with_prev_and_next_links() {
    let site = paginated_site(4);

    let first = site.page("index.html");
    assert_eq!(listed_titles(&first), titles(&[4, 3, 2]));
    assert!(select(&first, "a[rel=prev]").is_empty());
    assert_eq!(links_on(&first, "index.html", "a[rel=next]"), ["/page/2/"]);
    assert_eq!(
        texts(&first, r#"nav.pagination [aria-current="page"]"#),
        ["1"]
    );
    assert_eq!(
        links_on(&first, "index.html", "nav.pagination ol a"),
        ["/page/2/"]
    );
    assert_eq!(texts(&first, "nav.pagination ol a"), ["2"]);

    let second = site.page("page/2/index.html");
    assert_eq!(listed_titles(&second), titles(&[1]));
    assert_eq!(links_on(&second, "page/2/index.html", "a[rel=prev]"), ["/"]);
    assert!(select(&second, "a[rel=next]").is_empty());
    assert_eq!(
        texts(&second, r#"nav.pagination [aria-current="page"]"#),
        ["2"]
    );
    assert_eq!(
        links_on(&second, "page/2/index.html", "nav.pagination ol a"),
        ["/"]
    );
    assert_eq!(texts(&second, "nav.pagination ol a"), ["1"]);
    assert_eq!(
        attr(one(&second, r#"link[rel="canonical"]"#), "href"),
        Some("https://example.org/page/2/")
    );

    assert!(!site.output("page/3/index.html").exists());
}

#[test]
fn page_one_redirects_to_the_listing_itself() {
    let site = paginated_site(4);
    assert_redirect(&site, "page/1/index.html", "/", "https://example.org/");
    assert_redirect(
        &site,
        "tags/x/page/1/index.html",
        "/tags/x/",
        "https://example.org/tags/x/",
    );
    assert_redirect(
        &site,
        "authors/ann/page/1/index.html",
        "/authors/ann/",
        "https://example.org/authors/ann/",
    );
}

#[test]
fn tag_and_author_listings_paginate_like_the_index() {
    let site = paginated_site(4);
    for base in ["/tags/x/", "/authors/ann/"] {
        let dir = base.trim_start_matches('/');
        let first = site.page(&format!("{dir}index.html"));
        assert_eq!(listed_titles(&first), titles(&[4, 3, 2]), "{base}");
        assert!(select(&first, "a[rel=prev]").is_empty(), "{base}");
        assert_eq!(
            links_on(&first, &format!("{dir}index.html"), "a[rel=next]"),
            [format!("{base}page/2/")],
            "{base}"
        );
        assert_eq!(
            links_on(&first, &format!("{dir}index.html"), "nav.pagination ol a"),
            [format!("{base}page/2/")],
            "{base}"
        );

        let second = site.page(&format!("{dir}page/2/index.html"));
        assert_eq!(listed_titles(&second), titles(&[1]), "{base}");
        assert_eq!(
            links_on(&second, &format!("{dir}page/2/index.html"), "a[rel=prev]"),
            [base],
            "{base}"
        );
        assert!(select(&second, "a[rel=next]").is_empty(), "{base}");
        assert!(!site.output(&format!("{dir}page/3/index.html")).exists());
    }
}

// ---------------------------------------------------------------------- tags

#[test]
fn non_ascii_tags_get_readable_slugs() {
    let site = Site::new();
    site.article(
        "ties",
        "2016-08-22",
        "tags = [\"Türkiye\", \"إيران\", \"Россия\"]\n",
        "Body.",
    );
    site.build();

    let mut folders: Vec<String> = std::fs::read_dir(site.output("tags"))
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().unwrap().is_dir())
        .map(|e| e.file_name().into_string().unwrap())
        .collect();
    folders.sort();
    let mut expected = vec!["turkiye", "إيران", "россия"];
    expected.sort();
    assert_eq!(folders, expected);

    for (name, slug) in [
        ("Türkiye", "turkiye"),
        ("إيران", "إيران"),
        ("Россия", "россия"),
    ] {
        let page = site.page(&format!("tags/{slug}/index.html"));
        assert!(text(one(&page, "h1")).contains(name), "{slug}");
        assert_eq!(listed_titles(&page), ["Title of ties"], "{slug}");
    }

    let article = site.page("articles/ties/index.html");
    assert_eq!(
        links_on(
            &article,
            "articles/ties/index.html",
            ".article-footer .tags a"
        ),
        ["/tags/turkiye/", "/tags/إيران/", "/tags/россия/"]
    );
    assert_eq!(
        texts(&article, ".article-footer .tags a"),
        ["Türkiye", "إيران", "Россия"]
    );
}

#[test]
fn a_tag_too_long_for_a_folder_name_gets_a_shortened_slug_and_keeps_its_name() {
    // 150 Cyrillic letters: a 300-byte slug, past the 255 a folder name may be.
    let name = "ж".repeat(150);
    let site = Site::new();
    site.article(
        "long",
        "2016-08-22",
        &format!("tags = [\"{name}\"]\n"),
        "L.",
    );
    site.build();

    let slug = "ж".repeat(100);
    let page = site.page(&format!("tags/{slug}/index.html"));
    assert!(text(one(&page, "h1")).contains(&name));
    assert_eq!(listed_titles(&page), ["Title of long"]);
    let article = site.page("articles/long/index.html");
    assert_eq!(
        links_on(
            &article,
            "articles/long/index.html",
            ".article-footer .tags a"
        ),
        [format!("/tags/{slug}/")]
    );
    assert_eq!(texts(&article, ".article-footer .tags a"), [name]);
}
#[test]
fn tags_that_slug_alike_merge_into_one_tag_page() {
    let site = Site::new();
    site.article("newer", "2016-08-22", "tags = [\"Middle East\"]\n", "N.");
    site.article("older", "2016-08-01", "tags = [\"middle-east\"]\n", "O.");
    site.article(
        "both",
        "2016-07-01",
        "tags = [\"Middle East\", \"middle-east\"]\n",
        "B.",
    );
    site.build();

    let page = site.page("tags/middle-east/index.html");
    assert_eq!(
        listed_titles(&page),
        ["Title of newer", "Title of older", "Title of both"]
    );
    let tags = site.page("tags/index.html");
    assert_eq!(
        links_on(&tags, "tags/index.html", ".tag-cloud a"),
        ["/tags/middle-east/"]
    );
    assert_eq!(texts(&tags, ".tag-cloud .count"), ["3"]);
    // Listed once on the article that names both spellings.
    let both = site.page("articles/both/index.html");
    assert_eq!(
        links_on(&both, "articles/both/index.html", ".article-footer .tags a"),
        ["/tags/middle-east/"]
    );
}

#[test]
fn the_tags_page_lists_every_tag_with_its_count() {
    let site = Site::new();
    site.article("a", "2016-08-03", "tags = [\"Iran\", \"Russia\"]\n", "A.");
    site.article("b", "2016-08-02", "tags = [\"Iran\"]\n", "B.");
    site.article("c", "2016-08-01", "tags = [\"Iran\", \"JCPOA\"]\n", "C.");
    site.article("d", "2016-07-01", "", "Untagged.");
    site.build();

    let tags = site.page("tags/index.html");
    let mut rows: Vec<(String, String, String)> = select(&tags, ".tag-cloud li")
        .into_iter()
        .map(|li| {
            let html = Html::parse_fragment(&li.html());
            let link = one(&html, "a");
            (
                text(link),
                leads_to("tags/index.html", attr(link, "href").unwrap_or_default()),
                text(one(&html, ".count")),
            )
        })
        .collect();
    rows.sort();
    let expected: Vec<(String, String, String)> = [
        ("Iran", "/tags/iran/", "3"),
        ("JCPOA", "/tags/jcpoa/", "1"),
        ("Russia", "/tags/russia/", "1"),
    ]
    .into_iter()
    .map(|(a, b, c)| (a.into(), b.into(), c.into()))
    .collect();
    assert_eq!(rows, expected);
}

#[test]
fn each_tag_has_a_feed_of_exactly_its_articles() {
    let site = Site::new();
    site.article("a", "2016-08-03", "tags = [\"Iran\", \"Russia\"]\n", "A.");
    site.article("b", "2016-08-02", "tags = [\"Russia\"]\n", "B.");
    site.article("c", "2016-08-01", "tags = [\"Iran\"]\n", "C.");
    site.build();

    let iran = feed(&site, "tags/iran/atom.xml");
    assert_eq!(
        entry_links(&iran),
        [
            "https://example.org/articles/a/",
            "https://example.org/articles/c/"
        ]
    );
    let russia = feed(&site, "tags/russia/atom.xml");
    assert_eq!(
        entry_links(&russia),
        [
            "https://example.org/articles/a/",
            "https://example.org/articles/b/"
        ]
    );
    let page = site.page("tags/iran/index.html");
    let alternate = select(
        &page,
        r#"link[rel="alternate"][type="application/atom+xml"]"#,
    );
    let feeds: Vec<&str> = alternate.iter().filter_map(|l| attr(*l, "href")).collect();
    assert!(feeds.contains(&"atom.xml"), "{feeds:?}");
}

// ------------------------------------------------------------------- authors

const ANN_WITH_BIO: &str = "+++\nname = \"Ann Author\"\navatar = \"/img/ann.jpg\"\n+++\n\
First paragraph about Ann.\n\nSecond paragraph, only on her page.\n";
const BOB: &str = "+++\nname = \"Bob Writer\"\n+++\nBob's bio.\n";

/// The `.author-entry` of the authors page whose heading names `name`.
fn author_entry(page: &Html, name: &str) -> Html {
    let entry = select(page, ".author-entry")
        .into_iter()
        .find(|e| {
            let html = Html::parse_fragment(&e.html());
            select(&html, "h2 a").into_iter().any(|a| text(a) == name)
        })
        .unwrap_or_else(|| panic!("no author entry for {name}"));
    Html::parse_fragment(&entry.html())
}

#[test]
fn the_authors_page_shows_first_bio_paragraph_photo_and_count() {
    let site = Site::new();
    site.file("content/authors/ann.md", ANN_WITH_BIO);
    site.file("content/authors/bob.md", BOB);
    site.article("a1", "2016-08-03", "", "A1.");
    site.article("a2", "2016-08-02", "", "A2.");
    raw_article(
        &site,
        "b1.md",
        "title = \"By Bob\"\ndate = 2016-08-01\nauthors = [\"bob\"]\n",
        "B1.",
    );
    site.build();

    let page = site.page("authors/index.html");
    assert_eq!(
        links_on(&page, "authors/index.html", ".author-entry h2 a"),
        ["/authors/ann/", "/authors/bob/"]
    );

    let ann = author_entry(&page, "Ann Author");
    let bio = text(one(&ann, ".bio"));
    assert!(bio.contains("First paragraph about Ann."), "{bio}");
    assert!(!bio.contains("Second paragraph"), "{bio}");
    assert_eq!(attr(one(&ann, "img"), "src"), Some("../img/ann.jpg"));
    assert_eq!(text(one(&ann, ".count")), "2 articles");

    let bob = author_entry(&page, "Bob Writer");
    assert!(select(&bob, "img").is_empty());
    assert_eq!(text(one(&bob, ".count")), "1 article");
}

#[test]
fn an_author_page_has_the_full_bio_their_articles_and_a_feed() {
    let site = Site::new();
    site.file("content/authors/ann.md", ANN_WITH_BIO);
    site.file("content/authors/bob.md", BOB);
    site.article("a1", "2016-08-03", "", "A1.");
    site.article("a2", "2016-08-01", "", "A2.");
    raw_article(
        &site,
        "b1.md",
        "title = \"By Bob\"\ndate = 2016-08-02\nauthors = [\"bob\"]\n",
        "B1.",
    );
    site.build();

    let page = site.page("authors/ann/index.html");
    assert_eq!(text(one(&page, "h1")), "Ann Author");
    let bio = text(one(&page, ".bio"));
    assert!(bio.contains("First paragraph about Ann."), "{bio}");
    assert!(bio.contains("Second paragraph, only on her page."), "{bio}");
    assert_eq!(listed_titles(&page), ["Title of a1", "Title of a2"]);
    let feeds = links_on(
        &page,
        "authors/ann/index.html",
        r#"link[rel="alternate"][type="application/atom+xml"]"#,
    );
    assert!(
        feeds.iter().any(|h| h == "/authors/ann/atom.xml"),
        "{feeds:?}"
    );

    let ann_feed = feed(&site, "authors/ann/atom.xml");
    assert_eq!(
        entry_links(&ann_feed),
        [
            "https://example.org/articles/a1/",
            "https://example.org/articles/a2/"
        ]
    );
    let bob_feed = feed(&site, "authors/bob/atom.xml");
    assert_eq!(entry_links(&bob_feed), ["https://example.org/articles/b1/"]);
}

#[test]
fn a_co_written_article_is_on_both_author_pages_and_links_both_names() {
    let site = Site::new();
    site.file("content/authors/bob.md", BOB);
    raw_article(
        &site,
        "joint.md",
        "title = \"Joint\"\ndate = 2016-08-22\nauthors = [\"ann\", \"bob\"]\n",
        "Together.",
    );
    site.article("solo", "2016-08-01", "", "Alone.");
    site.build();

    assert_eq!(
        listed_titles(&site.page("authors/ann/index.html")),
        ["Joint", "Title of solo"]
    );
    assert_eq!(
        listed_titles(&site.page("authors/bob/index.html")),
        ["Joint"]
    );

    let article = site.page("articles/joint/index.html");
    let byline = ".byline a[href]";
    assert_eq!(
        links_on(&article, "articles/joint/index.html", byline),
        ["/authors/ann/", "/authors/bob/"]
    );
    assert_eq!(texts(&article, byline), ["Ann Author", "Bob Writer"]);
    assert_eq!(select(&article, ".author-box").len(), 2);
}

// ------------------------------------------------------------------- archive

#[test]
fn the_archive_groups_by_year_then_month_newest_first() {
    let site = Site::new();
    site.article("march15", "2015-03-10", "", "M.");
    site.article("jan16", "2016-01-05", "", "J.");
    site.article("aug02", "2016-08-02", "", "A.");
    site.article("aug22", "2016-08-22", "", "B.");
    site.build();

    let page = site.page("archive/index.html");
    let years = select(&page, ".archive-year");
    let year_titles: Vec<String> = years
        .iter()
        .map(|y| {
            let html = Html::parse_fragment(&y.html());
            text(one(&html, "h2"))
        })
        .collect();
    assert_eq!(year_titles, ["2016", "2015"]);

    let y2016 = Html::parse_fragment(&years[0].html());
    let months: Vec<String> = texts(&y2016, ".archive-month h3");
    assert_eq!(months, ["August 2016", "January 2016"]);
    let august = Html::parse_fragment(&select(&y2016, ".archive-month")[0].html());
    assert_eq!(texts(&august, "li a"), ["Title of aug22", "Title of aug02"]);
    let y2015 = Html::parse_fragment(&years[1].html());
    assert_eq!(texts(&y2015, ".archive-month h3"), ["March 2015"]);

    let links = links_on(&page, "archive/index.html", ".archive-month li a");
    assert_eq!(
        links,
        [
            "/articles/aug22/",
            "/articles/aug02/",
            "/articles/jan16/",
            "/articles/march15/"
        ]
    );
    for link in &links {
        let file = format!("{}index.html", link.trim_start_matches('/'));
        assert!(site.output(&file).is_file(), "{link} goes nowhere");
    }
}

// ----------------------------------------------------------------- base path

const SUB_FOLDER: &str = "title = \"Test Archive\"\nbase_url = \"https://example.org/archive/\"\n\
[pagination]\nper_page = 1\n";

#[test]
fn a_site_in_a_sub_folder_links_within_itself_and_keeps_output_paths() {
    let site = Site::new();
    site.file("site.toml", SUB_FOLDER);
    site.article(
        "x",
        "2016-08-22",
        "tags = [\"Iran\"]\naliases = [\"/old-x/\"]\n",
        "X.",
    );
    site.article("y", "2016-08-01", "", "Y.");
    site.build();

    // Output stays at the root of public/.
    assert!(site.output("articles/x/index.html").is_file());
    assert!(site.output("index.html").is_file());
    assert!(site.output("page/2/index.html").is_file());
    assert!(!site.output("archive/articles/x/index.html").exists());

    // Links are relative, so they hold no base path: each leads, from the
    // page's own file, to the file the site root path names (canonical and
    // feeds keep it; `urls = "root"` puts it in links, see portable.rs).
    let article = site.page("articles/x/index.html");
    assert_eq!(
        links_on(&article, "articles/x/index.html", ".byline a"),
        ["/authors/ann/"]
    );
    assert_eq!(
        links_on(&article, "articles/x/index.html", ".article-footer .tags a"),
        ["/tags/iran/"]
    );
    assert_eq!(
        attr(one(&article, r#"link[rel="canonical"]"#), "href"),
        Some("https://example.org/archive/articles/x/")
    );
    assert_eq!(
        links_on(&article, "articles/x/index.html", ".site-nav a"),
        ["/", "/authors/", "/tags/", "/archive/", "/search/"]
    );
    assert_eq!(
        links_on(
            &article,
            "articles/x/index.html",
            r#"link[rel="stylesheet"]"#
        ),
        ["/style.css", "/syntax.css"]
    );

    let index = site.page("index.html");
    assert_eq!(
        links_on(&index, "index.html", ".article-list :is(h2, h3) a"),
        ["/articles/x/"]
    );
    assert_eq!(links_on(&index, "index.html", "a[rel=next]"), ["/page/2/"]);
    let second = site.page("page/2/index.html");
    assert_eq!(links_on(&second, "page/2/index.html", "a[rel=prev]"), ["/"]);

    assert_redirect(
        &site,
        "old-x/index.html",
        "/articles/x/",
        "https://example.org/archive/articles/x/",
    );
    let archive = site.page("archive/index.html");
    assert_eq!(
        links_on(&archive, "archive/index.html", ".archive-month li a"),
        ["/articles/x/", "/articles/y/"]
    );
}

#[test]
fn a_site_in_a_sub_folder_prefixes_avatar_paths() {
    // FORMAT.md writes avatars as site-root paths (`/img/hunter.jpg`, served
    // from static/img/); under a base path they must lead to that file like
    // every other site-root path (made relative, so without the prefix), or
    // the photo is a 404.
    let site = Site::new();
    site.file("site.toml", SUB_FOLDER);
    site.file("content/authors/ann.md", ANN_WITH_BIO);
    site.file("static/img/ann.jpg", "not really a jpeg");
    site.article("x", "2016-08-22", "", "X.");
    site.build();
    assert!(site.output("img/ann.jpg").is_file());
    let authors = site.page("authors/index.html");
    assert_eq!(
        attr(one(&authors, ".author-entry img"), "src"),
        Some("../img/ann.jpg")
    );
}
