//! Putting a built site on a static host: `.nojekyll`, a site built with
//! `--base-url` and served under a sub-path over real HTTP, the CI workflows
//! `init --ci` writes, and what `check` says before publishing.

mod common;
use common::*;

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::thread::JoinHandle;

use percent_encoding::percent_decode_str;
use quick_xml::Reader;
use quick_xml::events::Event;
use scraper::Html;
use url::Url;
use yaml_rust2::{Yaml, YamlLoader};

// ------------------------------------------------------------------ .nojekyll

#[test]
fn every_build_has_an_empty_nojekyll_at_the_output_root() {
    let example = built_example();
    let file = example.path().join(".nojekyll");
    assert_eq!(std::fs::read(&file).expect(".nojekyll in the example"), b"");

    let site = Site::new();
    site.article("a", "2020-01-01", "", "Body.");
    site.build_with(&["--base-url", "https://example.github.io/archive/"]);
    assert_eq!(std::fs::read(site.output(".nojekyll")).unwrap(), b"");
}

#[test]
fn a_static_nojekyll_is_copied_over_the_generated_one() {
    // A site's own file wins over a generated one, as for robots.txt.
    let site = Site::new();
    site.file("static/.nojekyll", "kept\n");
    site.build();
    assert_eq!(site.read(".nojekyll"), "kept\n");
}

// ------------------------------------------------------------------ redirect pages

#[test]
fn a_redirect_page_works_without_javascript_and_names_its_canonical_page() {
    let site = Site::new();
    site.article(
        "a",
        "2020-01-01",
        "aliases = [\"/2020/01/a.html\"]\n",
        "Body.",
    );
    site.build_with(&["--base-url", "https://example.github.io/archive/"]);
    let page = site.page("2020/01/a.html");

    let refresh = attr(one(&page, "meta[http-equiv=refresh]"), "content").unwrap();
    assert_eq!(refresh, "0; url=../../articles/a/index.html");
    let links: Vec<&str> = hrefs(&page, "body a[href]");
    assert_eq!(links, ["../../articles/a/index.html"], "one visible link");
    assert_eq!(
        attr(one(&page, "link[rel=canonical]"), "href"),
        Some("https://example.github.io/archive/articles/a/")
    );
    assert!(select(&page, "script").is_empty(), "needs no script");
}

#[test]
fn the_output_holds_nothing_a_host_would_run_or_read_as_its_configuration() {
    let out = built_example();
    let files = files_in(out.path());
    let host_files = [
        "_worker.js",
        "_routes.json",
        "_headers",
        "netlify.toml",
        ".htaccess",
    ];
    for path in files.keys() {
        let name = path.file_name().unwrap().to_str().unwrap();
        let extension = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        assert!(!host_files.contains(&name), "{}", path.display());
        assert!(
            !["php", "cgi", "pl", "py", "asp", "aspx", "jsp", "shtml"].contains(&extension),
            "{}",
            path.display()
        );
        assert!(!path.starts_with("functions"), "{}", path.display());
    }
}

// ------------------------------------------------------------------ --base-url

#[test]
fn base_url_replaces_site_toml_for_one_build() {
    let site = Site::new();
    site.article("a", "2020-01-01", "aliases = [\"/old/a/\"]\n", "Body.");
    site.build_with(&["--base-url", "https://example.github.io/archive/"]);

    let page = site.page("articles/a/index.html");
    assert_eq!(
        attr(one(&page, "link[rel=canonical]"), "href"),
        Some("https://example.github.io/archive/articles/a/")
    );
    // _redirects is read from the domain root: its paths carry the base path.
    assert_eq!(
        site.read("_redirects"),
        "/archive/old/a/ /archive/articles/a/ 301\n"
    );
    // site.toml itself is not changed.
    let toml = std::fs::read_to_string(site.root().join("site.toml")).unwrap();
    assert!(
        toml.contains("base_url = \"https://example.org\""),
        "{toml}"
    );
}

#[test]
fn base_url_that_is_not_an_http_address_is_a_usage_error() {
    let site = Site::new();
    for bad in [
        "example.org/archive/",
        "ftp://example.org/",
        "https://x.org/?a=1",
    ] {
        let run = site.run(&["build", "--base-url", bad]);
        assert_eq!(run.code, Some(2), "{bad}: {}", run.stderr);
        assert!(run.stderr.contains(bad), "{bad}: {}", run.stderr);
        assert!(!site.output("index.html").exists(), "{bad} built");
    }
}

/// A static host serving `dir` under `/archive/` on 127.0.0.1, as GitHub
/// Pages serves a project site: `/archive/x/` answers `x/index.html`,
/// `/archive/x` answers 301 to `/archive/x/` when `x` is a folder, a missing
/// path under `/archive/` answers the site's `404.html` with status 404, and
/// anything outside `/archive/` is a bare 404.
struct Host {
    server: Arc<tiny_http::Server>,
    thread: Option<JoinHandle<()>>,
    port: u16,
}

const SUB_PATH: &str = "/archive/";

impl Host {
    /// Listens now (so the site can be built for its port); serves `dir`
    /// once [`Host::serve`] is called.
    fn listen() -> Host {
        let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").expect("a free port"));
        let port = server.server_addr().to_ip().expect("an IP address").port();
        Host {
            server,
            thread: None,
            port,
        }
    }

    fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}{SUB_PATH}", self.port)
    }

    fn serve(&mut self, dir: PathBuf) {
        let server = Arc::clone(&self.server);
        self.thread = Some(std::thread::spawn(move || {
            for request in server.incoming_requests() {
                let (status, headers, body) = answer(&dir, request.url());
                let mut response = tiny_http::Response::from_data(body).with_status_code(status);
                for (name, value) in headers {
                    response.add_header(
                        tiny_http::Header::from_bytes(name.as_bytes(), value.as_bytes()).unwrap(),
                    );
                }
                let _ = request.respond(response);
            }
        }));
    }
}

impl Drop for Host {
    fn drop(&mut self) {
        self.server.unblock();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// The host's answer to a request for `target` (path and query).
fn answer(dir: &Path, target: &str) -> (u16, Vec<(&'static str, String)>, Vec<u8>) {
    let path = target.split(['?', '#']).next().unwrap_or("");
    let decoded = percent_decode_str(path).decode_utf8_lossy().into_owned();
    let not_found = |body: Vec<u8>| (404, vec![("Content-Type", "text/html".into())], body);
    if decoded == SUB_PATH.trim_end_matches('/') {
        return (301, vec![("Location", SUB_PATH.into())], Vec::new());
    }
    let Some(inside) = decoded.strip_prefix(SUB_PATH) else {
        return not_found(b"outside the site".to_vec());
    };
    if inside.split('/').any(|segment| segment == "..") {
        return not_found(b"no".to_vec());
    }
    let file = dir.join(inside);
    if file.is_dir() && !decoded.ends_with('/') && !decoded.is_empty() {
        let query = &target[path.len()..];
        return (
            301,
            vec![("Location", format!("{path}/{query}"))],
            Vec::new(),
        );
    }
    let file = if file.is_dir() {
        file.join("index.html")
    } else {
        file
    };
    match std::fs::read(&file) {
        Ok(bytes) => {
            let kind = mime_guess::from_path(&file).first_or_octet_stream();
            (200, vec![("Content-Type", kind.to_string())], bytes)
        }
        Err(_) => not_found(std::fs::read(dir.join("404.html")).unwrap_or_default()),
    }
}

/// What a fetched URL answered.
#[derive(Debug)]
enum Answer {
    Ok { content_type: String, body: String },
    Moved(String),
    Status(u16),
}

fn fetch(agent: &ureq::Agent, url: &str) -> Answer {
    let mut response = agent
        .get(url)
        .call()
        .unwrap_or_else(|e| panic!("GET {url}: {e}"));
    let status = response.status().as_u16();
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string()
    };
    match status {
        200 => {
            let content_type = header("content-type");
            let body = response.body_mut().read_to_string().unwrap_or_default();
            Answer::Ok { content_type, body }
        }
        301 => Answer::Moved(header("location")),
        other => Answer::Status(other),
    }
}

/// An HTTP client that reports redirects and error statuses instead of
/// following or failing on them.
fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .max_redirects(0)
        .http_status_as_error(false)
        .build()
        .into()
}

/// Every URL a page points to (see `urls_on`): links, stylesheets,
/// scripts, images, forms, the canonical link and the target of a refresh.
fn links_of(html: &str) -> Vec<String> {
    urls_on(&Html::parse_document(html))
        .into_iter()
        .map(|(_, url)| url.trim().to_string())
        .collect()
}

/// The text of every element named `name` of an XML document (`loc` of a
/// sitemap).
fn xml_texts(xml: &str, name: &[u8]) -> Vec<String> {
    let mut reader = Reader::from_str(xml);
    let (mut inside, mut found) = (false, Vec::new());
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Start(e) if e.local_name().as_ref() == name => inside = true,
            Event::End(e) if e.local_name().as_ref() == name => inside = false,
            Event::Text(t) if inside => found.push(t.decode().unwrap().into_owned()),
            Event::Eof => return found,
            _ => {}
        }
    }
}

/// Every URL an Atom feed points to: its own links and each entry's.
fn feed_links(xml: &str) -> Vec<String> {
    let feed = feed_rs::parser::parse(xml.as_bytes()).expect("a valid feed");
    let entries = feed.entries.iter().flat_map(|e| e.links.iter());
    feed.links
        .iter()
        .chain(entries)
        .map(|link| link.href.clone())
        .collect()
}

/// The pages the search index of the search page at `search_page` links
/// to, as its script makes them: the site root (the folder of `search.js`)
/// joined with each document's URL.
fn search_result_urls(agent: &ureq::Agent, search_html: &str, search_page: &Url) -> Vec<String> {
    let page = Html::parse_document(search_html);
    let script = attr(one(&page, "script[src$='search.js']"), "src").unwrap();
    let root = search_page.join(script).unwrap().join("./").unwrap();
    // Some(the file's JSON), or None when the file is not there.
    let load = |key: &str| -> Option<serde_json::Value> {
        let url = root.join(&format!("search/{key}.js")).unwrap();
        let body = match fetch(agent, url.as_str()) {
            Answer::Ok { body, .. } => body,
            Answer::Status(404) => return None,
            _ => panic!("{url} answers neither 200 nor 404"),
        };
        let prefix = format!("scholiaSearch.load(\"{key}\",");
        let json = body
            .trim()
            .strip_prefix(&prefix)
            .and_then(|rest| rest.strip_suffix(");"))
            .unwrap_or_else(|| panic!("{url}: {body}"));
        Some(serde_json::from_str(json).unwrap())
    };
    let manifest = load("manifest").expect("search/manifest.js is served");
    let number = |key: &str| manifest[key].as_u64().unwrap();
    let (articles, documents) = (number("articles"), number("documents"));
    let mut urls = Vec::new();
    // Format 3: docs files per group of articles, in as many parts as the
    // group's longest thread needs; a comment's result is its article's
    // URL with its anchor (as search.js makes it).
    for group in 0..articles.div_ceil(number("chunk_articles")) {
        let parts = (0..).map_while(|part| load(&format!("docs/{group}-{part}")));
        for file in parts {
            let entries = file["articles"].as_array().unwrap();
            // An article with no document in this part is null.
            for entry in entries.iter().filter(|a| !a.is_null()) {
                let (url, docs) = (entry[0].as_str().unwrap(), &entry[2]);
                for doc in docs.as_array().unwrap() {
                    let url = match doc.get(3).and_then(|id| id.as_str()) {
                        Some(id) => format!("{url}#comment-{id}"),
                        None => url.to_string(),
                    };
                    urls.push(root.join(&url).unwrap().to_string());
                }
            }
        }
    }
    assert_eq!(
        urls.len() as u64,
        documents,
        "every document of the index has a URL"
    );
    urls
}

/// Fetches `start` and everything reachable from it on the same host, and
/// returns what each URL (without fragment) answered.
fn crawl(agent: &ureq::Agent, start: Vec<String>) -> BTreeMap<String, String> {
    let origin = Url::parse(&start[0]).unwrap().origin();
    let mut queue: VecDeque<String> = start.into();
    let mut seen = BTreeSet::new();
    let mut answers = BTreeMap::new();
    while let Some(url) = queue.pop_front() {
        let mut parsed = Url::parse(&url).unwrap_or_else(|e| panic!("{url}: {e}"));
        parsed.set_fragment(None);
        if parsed.origin() != origin || !seen.insert(parsed.to_string()) {
            continue;
        }
        let mut next = Vec::new();
        let answer = match fetch(agent, parsed.as_str()) {
            Answer::Ok { content_type, body } => {
                if content_type.starts_with("text/html") {
                    next.extend(links_of(&body));
                    let path = parsed.path();
                    if path.ends_with("/search/") || path.ends_with("/search/index.html") {
                        next.extend(search_result_urls(agent, &body, &parsed));
                    }
                } else if parsed.path().ends_with(".xml") && body.contains("<feed") {
                    next.extend(feed_links(&body));
                } else if parsed.path().ends_with("sitemap.xml") {
                    next.extend(xml_texts(&body, b"loc"));
                }
                "200".to_string()
            }
            Answer::Moved(location) => {
                next.push(location.clone());
                format!("301 {location}")
            }
            Answer::Status(status) => status.to_string(),
        };
        for link in next {
            queue.push_back(parsed.join(&link).unwrap().to_string());
        }
        answers.insert(parsed.to_string(), answer);
    }
    answers
}

#[test]
fn a_site_built_for_a_sub_path_works_served_there() {
    let mut host = Host::listen();
    let base = host.base_url();
    let out = built_example_with(&["--base-url", &base]);
    host.serve(out.path().to_path_buf());

    let agent = agent();
    // A missing page answers the 404 page with status 404; its links (from
    // the site root, with the base path) must lead into the site.
    let missing = format!("{base}no/such/page/");
    let mut response = agent.get(&missing).call().unwrap();
    assert_eq!(response.status().as_u16(), 404);
    let not_found = response.body_mut().read_to_string().unwrap();
    let missing_url = Url::parse(&missing).unwrap();
    let from_404: Vec<String> = links_of(&not_found)
        .iter()
        .filter(|link| !link.starts_with('#')) // the skip link, on the page itself
        .map(|link| missing_url.join(link).unwrap().to_string())
        .collect();
    assert!(!from_404.is_empty(), "the 404 page links nowhere");

    // Where old links land, as a host that reads _redirects sends them.
    let redirects = std::fs::read_to_string(out.path().join("_redirects")).unwrap();
    let origin = format!("http://127.0.0.1:{}", host.port);
    let mut start = vec![base.clone(), format!("{base}sitemap.xml")];
    for line in redirects.lines() {
        let fields: Vec<&str> = line.split_whitespace().collect();
        start.push(format!("{origin}{}", fields[0]));
        start.push(format!("{origin}{}", fields[1]));
    }
    start.extend(from_404);
    let answers = crawl(&agent, start);

    let failed: Vec<(&String, &String)> = answers
        .iter()
        .filter(|(_, answer)| answer.as_str() != "200")
        .filter(|(_, answer)| {
            // A 301 is fine when it leads to a page that answers 200.
            let target = answer.strip_prefix("301 ");
            target.is_none_or(|to| {
                let to = Url::parse(&origin).unwrap().join(to).unwrap().to_string();
                answers.get(&to).is_none_or(|a| a != "200")
            })
        })
        .collect();
    assert!(failed.is_empty(), "not answered: {failed:#?}");

    // The crawl reached every kind of file, so the check above means something.
    let article = "articles/disappointment-with-jcpoa-behind-irans-closer-ties-with-russia/";
    for expected in [
        format!("{base}index.html"),
        format!("{base}{article}index.html"),
        format!("{base}disappointment-with-jcpoa-behind-irans-closer-ties-with-russia/"),
        format!("{base}atom.xml"),
        format!("{base}style.css"),
        format!("{base}search.js"),
        format!("{base}tags/iran/index.html"),
        format!("{base}authors/shireen-hunter/atom.xml"),
        format!("{base}about/index.html"),
        format!("{base}{article}"),
    ] {
        assert_eq!(
            answers.get(&expected).map(String::as_str),
            Some("200"),
            "{expected} was not reached: {:#?}",
            answers.keys()
        );
    }
    let outside: Vec<&String> = answers
        .keys()
        .filter(|url| !url.starts_with(&base))
        .collect();
    assert!(outside.is_empty(), "links outside {SUB_PATH}: {outside:?}");
}

// ------------------------------------------------------------------ init --ci

/// Parses the one YAML document of a file.
fn yaml_file(path: &Path) -> Yaml {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut docs = YamlLoader::load_from_str(&text)
        .unwrap_or_else(|e| panic!("{} is not YAML: {e}", path.display()));
    assert_eq!(docs.len(), 1, "{}", path.display());
    docs.remove(0)
}

/// Every string in a YAML tree.
fn strings(yaml: &Yaml) -> Vec<&str> {
    match yaml {
        Yaml::String(s) => vec![s.as_str()],
        Yaml::Array(items) => items.iter().flat_map(strings).collect(),
        Yaml::Hash(map) => map
            .iter()
            .flat_map(|(k, v)| [strings(k), strings(v)].concat())
            .collect(),
        _ => Vec::new(),
    }
}

/// Runs `scholia init --ci HOST` into a new folder.
fn init_with_ci(host: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let run = scholia(&["init", "--ci", host, dir.path().to_str().unwrap()]);
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
    dir
}

/// The `cargo install` command of a workflow: pinned to a tag, locked.
fn assert_pinned_install(all: &[&str]) {
    let install = all
        .iter()
        .find(|s| s.contains("cargo") && s.contains("install scholia"))
        .expect("a cargo install of scholia");
    for flag in [
        "--git \"$SCHOLIA_GIT\"",
        "--tag \"$SCHOLIA_TAG\"",
        "--locked",
    ] {
        assert!(install.contains(flag), "{flag} in {install}");
    }
    let version = env!("CARGO_PKG_VERSION");
    assert!(
        all.contains(&format!("v{version}").as_str()),
        "the tag is v{version}"
    );
}

#[test]
fn init_ci_github_writes_a_pages_workflow() {
    let dir = init_with_ci("github");
    let workflow = yaml_file(&dir.path().join(".github/workflows/pages.yml"));
    let all = strings(&workflow);
    assert!(!workflow["on"]["push"].is_badvalue(), "runs on push");
    let build = &workflow["jobs"]["build"];
    assert_eq!(
        build["if"].as_str(),
        Some("github.ref_name == github.event.repository.default_branch"),
        "publishes from the default branch only"
    );
    let steps = build["steps"].as_vec().expect("build steps");
    let runs: Vec<&str> = steps.iter().filter_map(|s| s["run"].as_str()).collect();
    assert!(
        runs.iter()
            .any(|r| r.starts_with("scholia build --output public --base-url")),
        "{runs:?}"
    );
    let uses: Vec<&str> = workflow["jobs"]
        .as_hash()
        .unwrap()
        .values()
        .flat_map(|job| job["steps"].as_vec().unwrap())
        .filter_map(|s| s["uses"].as_str())
        .collect();
    for action in [
        "actions/checkout",
        "actions/configure-pages",
        "actions/cache",
        "actions/upload-pages-artifact",
        "actions/deploy-pages",
    ] {
        let used = uses.iter().find(|u| u.starts_with(&format!("{action}@")));
        let version = used.and_then(|u| u.split_once("@v")).map(|(_, v)| v);
        assert!(
            version.is_some_and(|v| v.parse::<u32>().is_ok()),
            "{action} pinned to a version: {uses:?}"
        );
    }
    let cache = steps
        .iter()
        .find(|s| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("actions/cache@"))
        })
        .unwrap();
    assert_eq!(cache["with"]["path"].as_str(), Some("~/.cargo/bin/scholia"));
    assert_eq!(
        workflow["jobs"]["deploy"]["needs"].as_str(),
        Some("build"),
        "deploys what was built"
    );
    assert_pinned_install(&all);
    assert_eq!(
        workflow["env"]["RUST_TOOLCHAIN"].as_str(),
        Some(env!("CARGO_PKG_RUST_VERSION"))
    );
}

#[test]
fn init_ci_gitlab_writes_a_pages_job() {
    let dir = init_with_ci("gitlab");
    let ci = yaml_file(&dir.path().join(".gitlab-ci.yml"));
    let pages = &ci["pages"];
    assert_eq!(
        pages["image"].as_str(),
        Some(format!("rust:{}", env!("CARGO_PKG_RUST_VERSION")).as_str())
    );
    assert_eq!(
        pages["rules"][0]["if"].as_str(),
        Some("$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH")
    );
    let artifacts: Vec<&str> = strings(&pages["artifacts"]["paths"]);
    assert_eq!(artifacts, ["public"]);
    assert_eq!(strings(&pages["cache"]["paths"]), [".scholia/"]);
    let script: Vec<&str> = strings(&pages["script"]);
    assert!(
        script
            .iter()
            .any(|line| line.starts_with(".scholia/bin/scholia build --output public --base-url")),
        "{script:?}"
    );
    assert_pinned_install(&strings(&ci));
}

#[test]
fn a_site_made_with_ci_still_builds_and_publishes_no_workflow() {
    let dir = init_with_ci("github");
    let run = scholia(&["build", "--root", dir.path().to_str().unwrap()]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let public = files_in(&dir.path().join("public"));
    assert!(
        public.keys().all(|p| !p.starts_with(".github")),
        "{public:?}"
    );
}

#[test]
fn init_without_ci_writes_no_workflow() {
    let dir = tempfile::tempdir().unwrap();
    let run = scholia(&["init", dir.path().to_str().unwrap()]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(!dir.path().join(".github").exists());
    assert!(!dir.path().join(".gitlab-ci.yml").exists());
}

#[test]
fn init_refuses_an_unknown_ci_host() {
    let dir = tempfile::tempdir().unwrap();
    let run = scholia(&["init", "--ci", "bitbucket", dir.path().to_str().unwrap()]);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(
        run.stderr.contains("github") && run.stderr.contains("gitlab"),
        "{}",
        run.stderr
    );
    assert!(!dir.path().join("site.toml").exists());
}

// ------------------------------------------------------------------ check

#[test]
fn check_reports_a_redirects_line_that_leads_nowhere_at_its_line() {
    let site = Site::new();
    site.article("a", "2020-01-01", "", "Body.");
    site.file(
        "static/_redirects",
        "# moved by hand\n/old/a/ /articles/a/ 301\n\n/old/b/ /articles/b/ 301\n/news/* /articles/:splat 301\n/away https://example.net/ 302\n",
    );
    let run = site.run(&["check"]);
    assert_eq!(run.code, Some(1), "{}{}", run.stdout, run.stderr);
    let broken: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| l.starts_with("broken:"))
        .collect();
    assert_eq!(broken.len(), 1, "{broken:?}");
    assert!(
        broken[0].starts_with("broken: static/_redirects:4: `/articles/b/` leads nowhere"),
        "{}",
        broken[0]
    );
}

#[test]
fn check_accepts_the_generated_redirects_of_a_sub_path_site() {
    let site = Site::new();
    site.file(
        "site.toml",
        "title = \"T\"\nbase_url = \"https://example.github.io/archive/\"\n",
    );
    site.article(
        "a",
        "2020-01-01",
        "aliases = [\"/2020/01/a.html\"]\n",
        "Body.",
    );
    let run = site.run(&["check"]);
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
    assert!(!run.stderr.contains("warning"), "{}", run.stderr);
}

#[test]
fn check_reports_a_redirect_page_whose_target_is_missing() {
    // A theme's redirect page that sends readers to the wrong place.
    let site = Site::new();
    site.article("a", "2020-01-01", "aliases = [\"/old/a/\"]\n", "Body.");
    site.file(
        "templates/redirect.html",
        "<!DOCTYPE html><html><head><title>Moved</title><meta http-equiv=\"refresh\" content=\"0; url={{ target_url }}gone/\"></head><body><a href=\"{{ target_url }}\">here</a></body></html>\n",
    );
    let run = site.run(&["check"]);
    assert_eq!(run.code, Some(1), "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("articles/a/gone/"),
        "the refresh target is not reported:\n{}",
        run.stdout
    );
}

#[test]
fn check_warns_while_base_url_is_the_placeholder_init_wrote() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().to_str().unwrap();
    assert_eq!(scholia(&["init", root]).code, Some(0));

    let run = scholia(&["check", "--root", root]);
    assert_eq!(
        run.code,
        Some(0),
        "a warning, not a failure: {}",
        run.stderr
    );
    let warnings: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.starts_with("warning:"))
        .collect();
    assert_eq!(warnings.len(), 1, "{}", run.stderr);
    assert!(
        warnings[0].starts_with("warning: site.toml: `base_url` is still `https://example.org`"),
        "{}",
        warnings[0]
    );

    let real = scholia(&[
        "check",
        "--root",
        root,
        "--base-url",
        "https://me.github.io/a/",
    ]);
    assert_eq!(real.code, Some(0), "{}", real.stderr);
    assert!(!real.stderr.contains("warning:"), "{}", real.stderr);
}

#[test]
fn check_warns_when_base_url_is_not_set() {
    let site = Site::new();
    site.file("site.toml", "title = \"T\"\n");
    let run = site.run(&["check"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("warning: site.toml: `base_url` is not set"),
        "{}",
        run.stderr
    );
}
