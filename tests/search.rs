//! Search: the index written under `search/` and the search page.
//!
//! The tests read the written index files with a small reader of the index
//! format (docs/search.md) and run the lookup the page's script runs: find
//! each query word's shard, intersect the postings, read the results' shown
//! fields from their chunks.

mod common;
use common::*;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use scholia::render::search::{shard_of, terms};
use serde_json::Value;

/// One result of a lookup: a document's shown fields.
#[derive(Debug, Clone, PartialEq)]
struct Hit {
    url: String,
    title: String,
    by: String,
    date: String,
    text: String,
    comment: bool,
}

/// The data an index file hands to `scholiaSearch.load`, checking that the
/// file is that one call with its own key and nothing else.
fn load(output: &Path, key: &str) -> Value {
    let path = output.join("search").join(format!("{key}.js"));
    let file = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let prefix = format!("scholiaSearch.load(\"{key}\",");
    let json = file
        .strip_prefix(&prefix)
        .and_then(|rest| rest.strip_suffix(");\n"))
        .unwrap_or_else(|| panic!("{key}.js is not one load call: {file}"));
    serde_json::from_str(json).unwrap_or_else(|e| panic!("{key}.js: {e}"))
}

/// A document's address in the index: its article's number (from the
/// oldest) and its place in the article (0 the article, `n` its `n`th
/// comment).
type Address = (u64, u64);

/// The postings of an encoded list (docs/search.md): numbers in base 32, a
/// digit that more follow from `^` on, the last from `0` on. For each
/// article, the gap from the article number before, then its documents,
/// each the gap from the place before, doubled, plus the heading bit,
/// doubled again, plus 1 on the article's last. Returns `(address, in
/// heading)` pairs.
fn decode_postings(encoded: &str) -> Vec<(Address, bool)> {
    let mut found = Vec::new();
    let (mut article, mut place, mut value) = (0u64, 0u64, 0u64);
    let mut in_article = false;
    for byte in encoded.bytes() {
        let byte = u64::from(byte);
        if byte >= 0x5e {
            value = value * 32 + byte - 0x5e;
            continue;
        }
        assert!((0x30..0x50).contains(&byte), "not a digit: {encoded:?}");
        value = value * 32 + byte - 0x30;
        if in_article {
            place += value >> 2;
            found.push(((article, place), value & 2 == 2));
            in_article = value & 1 == 0;
        } else {
            article += value;
            place = 0;
            in_article = true;
        }
        value = 0;
    }
    assert_eq!(value, 0, "a list ends mid-number: {encoded:?}");
    assert!(!in_article, "a list ends inside an article: {encoded:?}");
    found
}

/// The documents holding every word of `query`, as the page's script finds
/// them (before it orders them).
fn search(output: &Path, query: &str) -> Vec<Hit> {
    let manifest = load(output, "manifest");
    assert_eq!(manifest["version"], 3);
    let shards = manifest["shards"].as_u64().unwrap() as usize;
    let words: BTreeSet<String> = terms(query).into_iter().collect();
    assert!(!words.is_empty(), "query {query:?} has no words");
    let mut found: Option<BTreeSet<Address>> = None;
    for word in &words {
        let shard = load(output, &format!("terms/{}", shard_of(word, shards)));
        let encoded = shard[word.as_str()].as_str().unwrap_or("");
        let ids: BTreeSet<Address> = decode_postings(encoded)
            .into_iter()
            .map(|(address, _)| address)
            .collect();
        found = Some(match found {
            None => ids,
            Some(before) => before.intersection(&ids).copied().collect(),
        });
    }
    found
        .unwrap_or_default()
        .into_iter()
        .map(|address| shown(output, &manifest, address))
        .collect()
}

/// A document's shown fields, from its chunk: its article's URL and title
/// and its own fields.
fn shown(output: &Path, manifest: &Value, (article, place): Address) -> Hit {
    let per_chunk = manifest["chunk_articles"].as_u64().unwrap();
    let docs_per_chunk = manifest["chunk_docs"].as_u64().unwrap();
    let key = format!("docs/{}-{}", article / per_chunk, place / docs_per_chunk);
    let docs = load(output, &key);
    let entry = &docs["articles"][(article % per_chunk) as usize];
    let d = entry[2][(place % docs_per_chunk) as usize]
        .as_array()
        .unwrap();
    let field = |value: &Value| value.as_str().unwrap().to_string();
    let comment = d.len() == 4;
    Hit {
        url: match comment {
            true => format!("{}#comment-{}", field(&entry[0]), field(&d[3])),
            false => field(&entry[0]),
        },
        title: field(&entry[1]),
        by: field(&d[0]),
        date: field(&d[1]),
        text: field(&d[2]),
        comment,
    }
}

/// A site with two articles (one tagged, one with a thread), a second
/// author, and a draft.
fn fixture() -> Site {
    let site = Site::new();
    site.file(
        "content/authors/bo.md",
        "+++\nname = \"Bo Quillfeather\"\n+++\nBo writes too.\n",
    );
    site.file(
        "content/articles/sanctions.md",
        "+++\ntitle = \"Sanctions and Their Discontents\"\ndate = 2020-01-02T10:00:00Z\n\
         authors = [\"bo\"]\ntags = [\"Economics\", \"Trade Policy\"]\n+++\n\
         The sanctions regime hit exporters *hard* in the second quarter.\n",
    );
    site.article(
        "harbour",
        "2020-03-04T10:00:00Z",
        "",
        "A piece about the harbour and its cranes.",
    );
    site.comments(
        "harbour",
        "[[comment]]\nid = \"7\"\nauthor = \"Cy Reader\"\ndate = 2020-03-05T10:00:00Z\n\
         body = \"The cranes were painted orange before the storm.\"\n\n\
         [[comment]]\nid = \"9\"\nauthor = \"Di Reader\"\ndate = 2020-03-06T10:00:00Z\n\
         body = \"I remember a purple lighthouse beyond the breakwater.\"\n",
    );
    site.article(
        "secret",
        "2020-05-06T10:00:00Z",
        "draft = true\n",
        "An unpublished zeppelin manifesto.",
    );
    site
}

#[test]
fn a_phrase_only_in_one_comment_finds_that_comment() {
    let site = fixture();
    site.build();
    let hits = search(&site.root().join("public"), "purple lighthouse");
    assert_eq!(hits.len(), 1, "{hits:?}");
    let hit = &hits[0];
    assert_eq!(hit.url, "articles/harbour/index.html#comment-9");
    assert!(hit.comment);
    assert_eq!(hit.by, "Di Reader");
    assert_eq!(hit.title, "Title of harbour");
    assert_eq!(hit.date, "2020-03-06");
    assert!(hit.text.contains("purple lighthouse beyond"));
    // The anchor the result links to is on the article page.
    let page = site.page("articles/harbour/index.html");
    one(&page, "#comment-9");
}

#[test]
fn every_word_must_occur() {
    let site = fixture();
    site.build();
    let output = site.root().join("public");
    let cranes: BTreeSet<String> = search(&output, "cranes")
        .into_iter()
        .map(|h| h.url)
        .collect();
    assert_eq!(
        cranes,
        BTreeSet::from([
            "articles/harbour/index.html".to_string(),
            "articles/harbour/index.html#comment-7".to_string(),
        ])
    );
    let both = search(&output, "cranes orange");
    assert_eq!(both.len(), 1);
    assert_eq!(both[0].url, "articles/harbour/index.html#comment-7");
    assert!(search(&output, "cranes lighthouse").is_empty());
}

#[test]
fn titles_tags_authors_and_text_are_searchable() {
    let site = fixture();
    site.build();
    let output = site.root().join("public");
    for query in [
        "discontents",
        "trade policy",
        "quillfeather",
        "exporters quarter",
        "HARD",
    ] {
        let hits = search(&output, query);
        assert_eq!(hits.len(), 1, "{query}: {hits:?}");
        assert_eq!(hits[0].url, "articles/sanctions/index.html", "{query}");
        assert!(!hits[0].comment);
        assert_eq!(hits[0].by, "Bo Quillfeather");
        assert_eq!(hits[0].title, "Sanctions and Their Discontents");
    }
    // A comment is found by its author's name.
    let hits = search(&output, "cy reader");
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].url, "articles/harbour/index.html#comment-7");
}

#[test]
fn drafts_are_searchable_only_in_a_draft_build() {
    let site = fixture();
    site.build();
    let output = site.root().join("public");
    assert!(search(&output, "zeppelin").is_empty());
    let written = site.output_files();
    let everything: Vec<u8> = written.values().flatten().copied().collect();
    assert!(
        !String::from_utf8_lossy(&everything).contains("zeppelin"),
        "a draft's words are in the output"
    );
    site.build_with(&["--drafts"]);
    let hits = search(&output, "zeppelin");
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].url, "articles/secret/index.html");
}

#[test]
fn comment_text_stays_data() {
    let site = Site::new();
    site.article("a", "2020-01-01T00:00:00Z", "", "Body.");
    // The sanitizer drops a raw script element; a code span keeps its text.
    let hostile = "Quoting \"x\" and `</script><script>alert(1)</script>` \\ \u{2028} end";
    site.comments(
        "a",
        &format!(
            "[[comment]]\nid = \"1\"\nauthor = \"</script>\"\ndate = 2020-01-02T00:00:00Z\nbody = {}\n",
            toml_str(hostile)
        ),
    );
    site.build();
    let hits = search(&site.root().join("public"), "alert quoting");
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].by, "</script>");
    let text = &hits[0].text;
    assert!(
        text.contains(r#""x" and </script><script>alert(1)</script> \"#),
        "{text}"
    );
}

#[test]
fn the_index_is_the_same_bytes_whatever_the_thread_count() {
    let site = fixture();
    // Enough documents for several shards, and chunks that cut threads.
    for n in 0..40 {
        site.article(
            &format!("extra-{n:02}"),
            "2019-06-01T00:00:00Z",
            "",
            &format!("Filler number {n} with words like harbour, policy and cranes."),
        );
        let thread: String = (0..8)
            .map(|c| {
                format!(
                    "[[comment]]\nid = \"{c}\"\nauthor = \"R{c}\"\ndate = 2019-06-02T00:00:00Z\nbody = \"Reply {c} to {n} about cranes.\"\n\n"
                )
            })
            .collect();
        site.comments(&format!("extra-{n:02}"), &thread);
    }
    let build_with_threads = |threads: &str, output: &Path| {
        site.build_with_threads(threads, output);
        search_files(output)
    };
    let temp = tempfile::tempdir().unwrap();
    let one = build_with_threads("1", &temp.path().join("one"));
    let four = build_with_threads("4", &temp.path().join("four"));
    assert!(
        one.len() > 4,
        "expected several index files: {:?}",
        one.keys()
    );
    assert_eq!(one, four);
    let manifest = load(&temp.path().join("one"), "manifest");
    // Two public articles, their two comments, and the extra ones.
    assert_eq!(manifest["documents"], 2 + 2 + 40 * 9);
    assert!(manifest["shards"].as_u64().unwrap() > 1);
}

#[test]
fn results_in_chunks_that_cut_threads_keep_their_article() {
    let site = Site::new();
    // 46 documents an article: more than one file holds of an article, so
    // threads are cut.
    for n in 0..12 {
        site.article(&format!("a{n:02}"), "2019-06-01T00:00:00Z", "", "Opening.");
        let thread: String = (0..45)
            .map(|c| {
                format!(
                    "[[comment]]\nid = \"c{c}\"\nauthor = \"R\"\ndate = 2019-06-02T00:00:00Z\nbody = \"Reply {c} under a{n:02}.\"\n\n"
                )
            })
            .collect();
        site.comments(&format!("a{n:02}"), &thread);
    }
    site.build();
    let hits = search(&site.root().join("public"), "reply");
    assert_eq!(hits.len(), 12 * 45);
    for hit in hits {
        let (article, comment) = hit.url.split_once("/index.html#comment-c").unwrap();
        let slug = article.strip_prefix("articles/").unwrap();
        assert_eq!(hit.title, format!("Title of {slug}"));
        assert_eq!(hit.text, format!("Reply {comment} under {slug}."));
        assert!(hit.comment);
    }
}

/// The files of the search index in an output folder.
fn search_files(output: &Path) -> BTreeMap<std::path::PathBuf, Vec<u8>> {
    files_in(&output.join("search"))
}

#[test]
fn the_search_page_has_a_form_a_live_region_and_a_list() {
    let site = fixture();
    site.build();
    let page = site.page("search/index.html");
    let form = one(&page, "form[role=search]");
    assert_eq!(attr(form, "method"), Some("get"));
    assert_eq!(
        leads_to("search/index.html", attr(form, "action").unwrap()),
        "/search/",
        "the form sends its query to the search page itself"
    );
    let input = one(
        &page,
        "form[role=search] input[type=search][name=q]#search-input",
    );
    assert_eq!(attr(input, "id"), Some("search-input"));
    one(&page, "label[for=search-input]");
    let status = one(&page, "#search-status");
    assert_eq!(attr(status, "role"), Some("status"));
    assert_eq!(attr(status, "aria-live"), Some("polite"));
    one(&page, "ol#search-results");
    assert!(text(one(&page, "noscript")).contains("Search needs JavaScript"));
    let script = attr(one(&page, "main script"), "src").unwrap();
    assert_eq!(leads_to("search/index.html", script), "/search.js");
    assert_eq!(texts(&page, "h1"), ["Search"]);
    // Every page links to it.
    let home = site.page("index.html");
    assert!(links_on(&home, "index.html", ".site-nav a").contains(&"/search/".to_string()));
    let script = site.read("search.js");
    assert!(script.contains("document.currentScript"));
    assert!(!script.contains("{% raw %}"));
}

#[test]
fn with_site_root_urls_results_link_to_folder_urls() {
    let site = fixture();
    site.file(
        "site.toml",
        &format!("{SITE_TOML}\n[build]\nurls = \"root\"\n"),
    );
    site.build();
    let hits = search(&site.root().join("public"), "purple lighthouse");
    assert_eq!(
        hits.iter().map(|h| h.url.as_str()).collect::<Vec<_>>(),
        ["articles/harbour/#comment-9"]
    );
}

#[test]
fn a_site_can_override_the_search_page() {
    let site = fixture();
    site.file(
        "templates/search.html",
        "{% extends \"base.html\" %}{% block content %}<h1>Find</h1>{% endblock content %}",
    );
    site.build();
    assert_eq!(texts(&site.page("search/index.html"), "h1"), ["Find"]);
}

#[test]
fn a_rebuild_updates_the_index_when_a_comment_changes() {
    use scholia::BuildRequest;
    use scholia::build::rebuild;
    use scholia::incremental::BuildCache;

    let site = fixture();
    let served = tempfile::tempdir().unwrap();
    let request = BuildRequest {
        root: site.root().to_path_buf(),
        output: Some(served.path().to_path_buf()),
        ..BuildRequest::default()
    };
    let mut cache = BuildCache::default();
    rebuild(&request, &mut cache, None).expect("first build");
    assert_eq!(search(served.path(), "purple lighthouse").len(), 1);
    site.comments(
        "harbour",
        "[[comment]]\nid = \"7\"\nauthor = \"Cy Reader\"\ndate = 2020-03-05T10:00:00Z\n\
         body = \"Now it speaks of a green windmill.\"\n",
    );
    let changed = [site.root().join("content/articles/harbour.comments.toml")];
    rebuild(&request, &mut cache, Some(&changed)).expect("rebuild");
    assert!(search(served.path(), "purple lighthouse").is_empty());
    let hits = search(served.path(), "green windmill");
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].url, "articles/harbour/index.html#comment-7");
    // And it is what a full build writes.
    let full = tempfile::tempdir().unwrap();
    let full_request = BuildRequest {
        output: Some(full.path().to_path_buf()),
        ..request.clone()
    };
    scholia::build::build(&full_request).expect("full build");
    assert_eq!(search_files(served.path()), search_files(full.path()));
}
