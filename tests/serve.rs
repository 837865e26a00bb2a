//! `scholia serve` end to end: the real binary serves a fixture site on a free
//! port; the tests talk raw HTTP/1.1 to it, read its reload event stream, edit
//! and break the sources and watch what it serves.
//!
//! Every wait is bounded by a deadline; a server is stopped when its guard drops.

mod common;
use common::*;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use scraper::Html;

/// The longest any one wait may take (the machine is shared and may be slow).
const DEADLINE: Duration = Duration::from_secs(20);
/// Between two polls.
const POLL: Duration = Duration::from_millis(50);
/// How long one save may go unnoticed before it is written again: the
/// watcher starts before the first build, but the test cannot tell when the
/// binary has got that far, so a save made before it can be missed.
const RESAVE: Duration = Duration::from_secs(2);

/// A port that was free a moment ago.
fn free_port() -> u16 {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind an ephemeral port");
    listener.local_addr().expect("local address").port()
}

/// What a child wrote to one of its pipes so far, collected by a thread (an
/// unread pipe would fill up and block the server).
type Captured = Arc<Mutex<String>>;

fn capture(stream: impl Read + Send + 'static) -> (Captured, JoinHandle<()>) {
    let captured = Captured::default();
    let sink = Arc::clone(&captured);
    let reader = std::thread::spawn(move || {
        let mut reader = BufReader::new(stream);
        let mut line = Vec::new();
        while reader.read_until(b'\n', &mut line).unwrap_or(0) > 0 {
            sink.lock()
                .unwrap()
                .push_str(&String::from_utf8_lossy(&line));
            line.clear();
        }
    });
    (captured, reader)
}

/// A running `scholia serve`, stopped on drop.
struct Server {
    child: Child,
    port: u16,
    stdout: Captured,
    stderr: Captured,
    /// The threads reading the pipes, until the process has exited and they
    /// are joined (then the captures are complete).
    readers: Vec<JoinHandle<()>>,
}

/// How a start attempt ended.
enum Start {
    Ready,
    /// Exited before serving, saying the port is in use.
    PortTaken,
}

impl Server {
    /// Runs `scholia serve --root ROOT --port PORT EXTRA…` without waiting.
    fn spawn(root: &Path, port: u16, extra: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_scholia"))
            .arg("serve")
            .arg("--root")
            .arg(root)
            .arg("--port")
            .arg(port.to_string())
            .args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start scholia serve");
        let (stdout, out_reader) = capture(child.stdout.take().unwrap());
        let (stderr, err_reader) = capture(child.stderr.take().unwrap());
        Server {
            child,
            port,
            stdout,
            stderr,
            readers: vec![out_reader, err_reader],
        }
    }

    /// Serves `site` on a free port, once its first build is served.
    fn start(site: &Site) -> Server {
        Server::start_with(site, &[])
    }

    fn start_with(site: &Site, extra: &[&str]) -> Server {
        let mut last = String::new();
        // Another process may take the free port between the probe and the bind.
        for _ in 0..5 {
            let mut server = Server::spawn(site.root(), free_port(), extra);
            match server.wait_ready() {
                Start::Ready => return server,
                Start::PortTaken => last = server.output(),
            }
        }
        panic!("no free port for scholia serve after 5 tries; last attempt:\n{last}");
    }

    /// Waits until the server answers and has reported its first build: the
    /// line "Serving …" comes after the first build's outcome is published, so
    /// an event stream opened afterwards hears only later builds.
    fn wait_ready(&mut self) -> Start {
        let deadline = Instant::now() + DEADLINE;
        loop {
            if let Some(status) = self.child.try_wait().expect("poll scholia serve") {
                self.read_to_end();
                if self.stderr.lock().unwrap().contains("in use") {
                    return Start::PortTaken;
                }
                panic!(
                    "scholia serve exited ({status}) before serving:\n{}",
                    self.output()
                );
            }
            let answered = get(self.port, "/").is_ok_and(|r| r.status == 200);
            if answered && self.stdout.lock().unwrap().contains("Serving") {
                return Start::Ready;
            }
            assert!(
                Instant::now() < deadline,
                "scholia serve did not answer on port {} within {DEADLINE:?}:\n{}",
                self.port,
                self.output()
            );
            std::thread::sleep(POLL);
        }
    }

    /// Waits for the process to end on its own; `None` if it is still running
    /// at the deadline.
    fn wait_exit(&mut self) -> Option<i32> {
        let deadline = Instant::now() + DEADLINE;
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait().expect("poll scholia serve") {
                self.read_to_end();
                return Some(status.code().unwrap_or(-1));
            }
            std::thread::sleep(POLL);
        }
        None
    }

    /// Once the process has exited: waits until all it wrote is captured.
    fn read_to_end(&mut self) {
        for reader in self.readers.drain(..) {
            let _ = reader.join();
        }
    }

    /// Sends SIGINT (Ctrl-C); false if it could not be sent.
    fn interrupt(&self) -> bool {
        Command::new("kill")
            .arg("-INT")
            .arg(self.child.id().to_string())
            .status()
            .is_ok_and(|s| s.success())
    }

    /// What the server printed so far, for failure messages.
    fn output(&self) -> String {
        format!(
            "--- stdout\n{}--- stderr\n{}",
            self.stdout.lock().unwrap(),
            self.stderr.lock().unwrap()
        )
    }

    /// GET `path`, which must answer.
    fn get(&self, path: &str) -> Response {
        get(self.port, path).unwrap_or_else(|e| panic!("GET {path}: {e}\n{}", self.output()))
    }

    /// GET `path` until `ready` holds for the response, within the deadline.
    fn get_until(&self, path: &str, what: &str, ready: impl Fn(&Response) -> bool) -> Response {
        let deadline = Instant::now() + DEADLINE;
        loop {
            let response = self.get(path);
            if ready(&response) {
                return response;
            }
            assert!(
                Instant::now() < deadline,
                "GET {path}: no {what} within {DEADLINE:?}; last answer {} with:\n{}\n{}",
                response.status,
                response.body,
                self.output()
            );
            std::thread::sleep(POLL);
        }
    }

    /// Opens the reload event stream.
    fn events(&self) -> Events {
        Events::open(self.port)
    }

    /// Makes `change` and waits for an event of `kind`, making the change again
    /// every RESAVE until the deadline.
    fn change_until(&self, events: &Events, kind: &str, change: impl Fn()) -> Event {
        let deadline = Instant::now() + DEADLINE;
        let mut seen = Vec::new();
        loop {
            change();
            let until = (Instant::now() + RESAVE).min(deadline);
            while let Some(event) = events.next_before(until) {
                if event.kind == kind {
                    return event;
                }
                seen.push(event);
            }
            assert!(
                Instant::now() < deadline,
                "no `event: {kind}` within {DEADLINE:?}; saw {seen:?}\n{}",
                self.output()
            );
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            // Ctrl-C first, so the server can clean up; then for certain.
            let interrupted = self.interrupt();
            let deadline = Instant::now() + Duration::from_secs(5);
            while interrupted && Instant::now() < deadline {
                if let Ok(Some(_)) = self.child.try_wait() {
                    return;
                }
                std::thread::sleep(POLL);
            }
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}

/// An HTTP response.
#[derive(Debug)]
struct Response {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Response {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn html(&self) -> Html {
        Html::parse_document(&self.body)
    }
}

/// One GET over a fresh connection.
fn get(port: u16, path: &str) -> std::io::Result<Response> {
    let mut stream = TcpStream::connect((Ipv4Addr::LOCALHOST, port))?;
    stream.set_read_timeout(Some(DEADLINE))?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
    )?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw)?;
    parse_response(&raw).ok_or_else(|| {
        std::io::Error::other(format!(
            "not an HTTP response: {}",
            String::from_utf8_lossy(&raw)
        ))
    })
}

/// The position just after the blank line ending an HTTP head.
fn end_of_head(raw: &[u8]) -> Option<usize> {
    raw.windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|at| at + 4)
}

/// Status and headers of an HTTP head.
fn parse_head(head: &str) -> Option<(u16, Vec<(String, String)>)> {
    let mut lines = head.split("\r\n");
    let status = lines.next()?.split_whitespace().nth(1)?.parse().ok()?;
    let headers = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    Some((status, headers))
}

fn parse_response(raw: &[u8]) -> Option<Response> {
    let body_at = end_of_head(raw)?;
    let (status, headers) = parse_head(&String::from_utf8_lossy(&raw[..body_at]))?;
    let mut response = Response {
        status,
        headers,
        body: String::new(),
    };
    let mut body = raw[body_at..].to_vec();
    if response
        .header("Transfer-Encoding")
        .is_some_and(|v| v.eq_ignore_ascii_case("chunked"))
    {
        body = unchunk(&body)?;
    } else if let Some(length) = response.header("Content-Length") {
        body.truncate(length.parse().ok()?);
    }
    response.body = String::from_utf8_lossy(&body).into_owned();
    Some(response)
}

/// Decodes a chunked body.
fn unchunk(mut raw: &[u8]) -> Option<Vec<u8>> {
    let mut body = Vec::new();
    loop {
        let line_end = raw.windows(2).position(|w| w == b"\r\n")?;
        let size_text = String::from_utf8_lossy(&raw[..line_end]);
        let size = usize::from_str_radix(size_text.split(';').next()?.trim(), 16).ok()?;
        raw = &raw[line_end + 2..];
        if size == 0 {
            return Some(body);
        }
        body.extend_from_slice(raw.get(..size)?);
        raw = raw.get(size + 2..)?;
    }
}

/// One server-sent event.
#[derive(Debug)]
struct Event {
    kind: String,
    /// The `data:` lines, joined with newlines.
    data: String,
}

fn parse_event(block: &str) -> Event {
    let mut kind = String::from("message");
    let mut data = Vec::new();
    for line in block.lines() {
        if let Some(value) = line.strip_prefix("event:") {
            kind = value.trim().to_string();
        } else if let Some(value) = line.strip_prefix("data:") {
            data.push(value.strip_prefix(' ').unwrap_or(value).to_string());
        }
    }
    Event {
        kind,
        data: data.join("\n"),
    }
}

/// An open `GET /__scholia/events`, read by a thread.
struct Events {
    events: Receiver<Event>,
    // Held so the connection stays open; the reading thread has a clone.
    _stream: TcpStream,
}

impl Events {
    fn open(port: u16) -> Events {
        let mut stream =
            TcpStream::connect((Ipv4Addr::LOCALHOST, port)).expect("connect to the event stream");
        stream.set_read_timeout(Some(DEADLINE)).unwrap();
        write!(
            stream,
            "GET /__scholia/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept: text/event-stream\r\n\r\n"
        )
        .unwrap();
        // The head comes at once.
        let mut raw = Vec::new();
        let mut chunk = [0u8; 4096];
        let body_at = loop {
            if let Some(at) = end_of_head(&raw) {
                break at;
            }
            let n = stream
                .read(&mut chunk)
                .expect("read the event stream's head");
            assert!(n > 0, "event stream closed before its head");
            raw.extend_from_slice(&chunk[..n]);
        };
        let head = String::from_utf8_lossy(&raw[..body_at]).into_owned();
        let (status, headers) = parse_head(&head).expect("an HTTP head");
        assert_eq!(status, 200, "{head}");
        let content_type = headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case("Content-Type"))
            .map(|(_, v)| v.as_str());
        assert_eq!(content_type, Some("text/event-stream"), "{head}");

        let (sender, events) = channel();
        let mut reader = stream.try_clone().unwrap();
        // No read timeout for the thread: it ends when the server closes.
        reader.set_read_timeout(None).unwrap();
        let mut pending = raw[body_at..].to_vec();
        std::thread::spawn(move || {
            loop {
                while let Some(end) = pending.windows(2).position(|w| w == b"\n\n") {
                    let block = String::from_utf8_lossy(&pending[..end]).into_owned();
                    pending.drain(..end + 2);
                    if sender.send(parse_event(&block)).is_err() {
                        return;
                    }
                }
                match reader.read(&mut chunk) {
                    Ok(0) | Err(_) => return,
                    Ok(n) => pending.extend_from_slice(&chunk[..n]),
                }
            }
        });
        Events {
            events,
            _stream: stream,
        }
    }

    /// The next event, if one comes before `until`.
    fn next_before(&self, until: Instant) -> Option<Event> {
        let left = until.saturating_duration_since(Instant::now());
        // Timed out, or the server closed the stream.
        self.events.recv_timeout(left).ok()
    }
}

/// An article `a` with the given title, by `ann`.
fn article_titled(title: &str) -> String {
    format!("+++\ntitle = \"{title}\"\ndate = 2020-01-01\nauthors = [\"ann\"]\n+++\nThe body.\n")
}

/// A site with one article, `a`, titled "First title".
fn one_article_site() -> Site {
    let site = Site::new();
    site.file("content/articles/a.md", &article_titled("First title"));
    site
}

/// The article's heading on a page.
fn heading(page: &Html) -> String {
    text(one(page, "article h1"))
}

/// Whether a page has a script that listens for reloads.
fn has_reload_script(page: &Html) -> bool {
    select(page, "script").into_iter().any(|script| {
        script
            .text()
            .collect::<String>()
            .contains("/__scholia/events")
    })
}

#[test]
fn serves_the_article_with_the_reload_script_that_built_pages_lack() {
    let site = one_article_site();
    let server = Server::start(&site);

    let response = server.get("/articles/a/");
    assert_eq!(response.status, 200, "{}", response.body);
    assert_eq!(
        response.header("Content-Type"),
        Some("text/html; charset=utf-8")
    );
    let page = response.html();
    assert_eq!(heading(&page), "First title");
    assert_eq!(text(one(&page, "title")), "First title · Test Archive");
    assert!(
        has_reload_script(&page),
        "no reload script in the served page:\n{}",
        response.body
    );
    // The script goes at the end of the body, not into the head.
    assert!(select(&page, "head script").is_empty());

    // Serving builds into a folder of its own, never into the site's.
    assert!(
        !site.root().join("public").exists(),
        "serve wrote into the site's public/"
    );
    drop(server);

    site.build();
    let built = site.page("articles/a/index.html");
    assert_eq!(heading(&built), "First title");
    assert_eq!(
        select(&built, "script").len(),
        0,
        "a built page has a script element:\n{}",
        site.read("articles/a/index.html")
    );
}

#[test]
fn editing_an_article_sends_reload_and_serves_the_new_title() {
    let site = one_article_site();
    let server = Server::start(&site);
    assert_eq!(heading(&server.get("/articles/a/").html()), "First title");

    let events = server.events();
    let reload = server.change_until(&events, "reload", || {
        site.file("content/articles/a.md", &article_titled("Second title"));
    });
    assert_eq!(reload.kind, "reload");

    // The reload comes after the new build is in place (a later build, started
    // by a repeated save, may be swapping folders: poll within the deadline).
    let response = server.get_until("/articles/a/", "new title", |r| {
        r.status == 200 && heading(&r.html()) == "Second title"
    });
    assert!(has_reload_script(&response.html()));
}

#[test]
fn a_broken_file_sends_build_error_and_the_last_good_build_stays_served() {
    let site = one_article_site();
    let server = Server::start(&site);
    let events = server.events();

    // Front matter opened and never closed.
    let broken =
        "+++\ntitle = \"Broken\"\ndate = 2020-01-02\nauthors = [\"ann\"]\nNo closing line.\n";
    let error = server.change_until(&events, "build-error", || {
        site.file("content/articles/broken.md", broken);
    });
    assert!(
        error.data.contains("broken.md"),
        "the error does not name the file:\n{}",
        error.data
    );

    // The last good build is still served, as it was.
    let response = server.get("/articles/a/");
    assert_eq!(response.status, 200, "{}", response.body);
    assert_eq!(heading(&response.html()), "First title");
    assert_eq!(server.get("/articles/broken/").status, 404);

    // A page opened now hears the current error first.
    let late = server.events();
    let first = late
        .next_before(Instant::now() + DEADLINE)
        .expect("a page connecting during a failed build hears the error");
    assert_eq!(first.kind, "build-error");
    assert!(first.data.contains("broken.md"), "{}", first.data);

    // Fixed: reload, and the fixed article is served.
    let fixed =
        "+++\ntitle = \"Mended\"\ndate = 2020-01-02\nauthors = [\"ann\"]\n+++\nNow closed.\n";
    server.change_until(&events, "reload", || {
        site.file("content/articles/broken.md", fixed);
    });
    let response = server.get_until("/articles/broken/", "fixed article", |r| r.status == 200);
    assert_eq!(heading(&response.html()), "Mended");
    assert_eq!(heading(&server.get("/articles/a/").html()), "First title");
}

#[test]
fn a_second_server_on_the_same_port_fails_and_says_so() {
    let site = one_article_site();
    let first = Server::start(&site);

    let mut second = Server::spawn(site.root(), first.port, &[]);
    let code = second.wait_exit();
    let output = second.output();
    assert_eq!(
        code,
        Some(1),
        "a second serve on port {} did not exit with 1 in time:\n{output}",
        first.port
    );
    let stderr = second.stderr.lock().unwrap().clone();
    assert!(
        stderr.contains(&first.port.to_string()) && stderr.contains("in use"),
        "the message does not say the port is in use:\n{output}"
    );
    // The first one still serves.
    assert_eq!(first.get("/articles/a/").status, 200);
}

#[test]
fn an_unknown_path_is_404_with_the_sites_not_found_page() {
    let site = one_article_site();
    let server = Server::start(&site);

    let response = server.get("/no/such/page/");
    assert_eq!(response.status, 404);
    let page = response.html();
    assert_eq!(text(one(&page, "main h1")), "Page not found");

    assert_eq!(server.get("/articles/a/missing.png").status, 404);
    // Nothing outside the build folder.
    assert_eq!(server.get("/../site.toml").status, 404);
    assert_eq!(server.get("/%2e%2e/site.toml").status, 404);
}

#[test]
fn served_pages_link_to_the_server_itself() {
    let site = one_article_site();
    let server = Server::start(&site);
    let origin = format!("http://127.0.0.1:{}", server.port);

    let page = server.get("/articles/a/").html();
    let canonical = attr(one(&page, "link[rel=canonical]"), "href").unwrap();
    assert_eq!(canonical, format!("{origin}/articles/a/"));
}

#[test]
fn a_site_under_a_sub_path_is_served_with_working_links() {
    let site = one_article_site();
    site.file(
        "site.toml",
        "title = \"Test Archive\"\nbase_url = \"https://example.org/blog/\"\n",
    );
    let server = Server::start(&site);

    let page = server.get("/articles/a/").html();
    let stylesheet = attr(
        one(&page, "link[rel=stylesheet][href$='style.css']"),
        "href",
    )
    .unwrap()
    .to_string();
    // Relative to the page, as a browser resolves it.
    let served = url::Url::parse("http://127.0.0.1/articles/a/")
        .and_then(|page| page.join(&stylesheet))
        .expect("a URL");
    let response = server.get(served.path());
    assert_eq!(
        response.status, 200,
        "the served page's stylesheet `{stylesheet}` is not served"
    );
}

#[test]
fn ctrl_c_stops_the_server() {
    let site = one_article_site();
    let mut server = Server::start(&site);
    assert!(server.interrupt(), "cannot send SIGINT with `kill`");
    let code = server.wait_exit();
    assert_eq!(code, Some(0), "after Ctrl-C:\n{}", server.output());
    assert!(
        server.stdout.lock().unwrap().contains("Stopped."),
        "{}",
        server.output()
    );
    assert!(
        get(server.port, "/").is_err(),
        "the port still answers after the server stopped"
    );
}

#[test]
fn ctrl_c_removes_the_temporary_build_folder() {
    let site = one_article_site();
    let mut server = Server::start(&site);
    // The summary of the first build names the folder: "Built … → <dir>".
    let stdout = server.stdout.lock().unwrap().clone();
    let built_into = stdout
        .lines()
        .find_map(|line| line.strip_prefix("Built ")?.split_once(" → "))
        .map(|(_, dir)| std::path::PathBuf::from(dir.trim()))
        .unwrap_or_else(|| panic!("no build summary naming the folder:\n{stdout}"));
    assert!(built_into.join("articles/a/index.html").is_file());

    assert!(server.interrupt(), "cannot send SIGINT with `kill`");
    assert_eq!(server.wait_exit(), Some(0), "{}", server.output());
    assert!(
        !built_into.exists(),
        "{} is left behind after Ctrl-C",
        built_into.display()
    );
}

#[test]
fn static_files_templates_and_site_toml_are_watched_even_when_created_later() {
    // No static/ and no templates/ folder when the server starts.
    let site = one_article_site();
    let server = Server::start(&site);
    let events = server.events();
    assert_eq!(server.get("/notes.txt").status, 404);

    server.change_until(&events, "reload", || {
        site.file("static/notes.txt", "hello from static\n");
    });
    let notes = server.get_until("/notes.txt", "static file", |r| r.status == 200);
    assert_eq!(notes.body, "hello from static\n");
    assert_eq!(notes.header("Content-Type"), Some("text/plain"));

    let not_found =
        "{% extends \"base.html\" %}{% block content %}<h1>Lost at sea</h1>{% endblock content %}";
    server.change_until(&events, "reload", || {
        site.file("templates/404.html", not_found);
    });
    let missing = server.get_until("/nowhere/", "overridden 404 page", |r| {
        select(&r.html(), "main h1")
            .first()
            .is_some_and(|h| text(*h) == "Lost at sea")
    });
    assert_eq!(missing.status, 404);

    server.change_until(&events, "reload", || {
        site.file(
            "site.toml",
            "title = \"Renamed Archive\"\nbase_url = \"https://example.org\"\n",
        );
    });
    let index = server.get_until("/", "new site title", |r| {
        text(one(&r.html(), "title")) == "Renamed Archive"
    });
    assert!(has_reload_script(&index.html()));
}

/// An article whose file is a link to a file elsewhere in the site (which
/// the loader follows) is rebuilt when that file changes, though it is
/// outside the watched source folders.
#[cfg(unix)]
#[test]
fn a_file_linked_from_the_sources_is_watched_where_it_lives() {
    let site = one_article_site();
    site.file("drafts/b.md", &article_titled("Linked first"));
    std::os::unix::fs::symlink(
        site.root().join("drafts/b.md"),
        site.root().join("content/articles/b.md"),
    )
    .unwrap();
    let server = Server::start(&site);
    assert_eq!(heading(&server.get("/articles/b/").html()), "Linked first");

    let events = server.events();
    server.change_until(&events, "reload", || {
        site.file("drafts/b.md", &article_titled("Linked second"));
    });
    server.get_until("/articles/b/", "the linked file's new title", |r| {
        r.status == 200 && heading(&r.html()) == "Linked second"
    });

    // A bundle that is a link to a folder elsewhere, added while serving.
    site.file("drafts/c/index.md", &article_titled("Folder first"));
    server.change_until(&events, "reload", || {
        let link = site.root().join("content/articles/c");
        if !link.exists() {
            std::os::unix::fs::symlink(site.root().join("drafts/c"), link).unwrap();
        }
    });
    server.get_until("/articles/c/", "the linked bundle", |r| {
        r.status == 200 && heading(&r.html()) == "Folder first"
    });
    server.change_until(&events, "reload", || {
        site.file("drafts/c/index.md", &article_titled("Folder second"));
    });
    server.get_until("/articles/c/", "the linked bundle's new title", |r| {
        r.status == 200 && heading(&r.html()) == "Folder second"
    });
}

/// In-process: the watcher starts before the first build, so a save made
/// while that build runs causes a rebuild instead of being lost.
#[test]
fn a_save_during_the_first_build_is_not_lost() {
    use scholia::serve::{Preview, ServeRequest};
    use std::sync::atomic::{AtomicBool, Ordering};

    let site = one_article_site();
    let preview = Preview::start(ServeRequest {
        root: site.root().to_path_buf(),
        port: 0,
        port_fallback: false,
        options: Default::default(),
    })
    .expect("start the preview");
    let watching = preview.watch_sources().expect("watch");
    // The save lands after watching began and before the first build ends.
    site.article("hello", "2020-01-01", "", "Saved during the first build.");
    preview.rebuild(None).expect("first build");
    let stop = AtomicBool::new(false);
    let (seen, rebuilt) = channel();
    std::thread::scope(|scope| {
        scope.spawn(|| {
            preview.watch(watching, &stop, |changed, outcome| {
                let _ = seen.send((changed.to_vec(), outcome.is_ok()));
            })
        });
        let heard = rebuilt.recv_timeout(DEADLINE);
        stop.store(true, Ordering::SeqCst);
        let (changed, ok) = heard.expect("a rebuild for the save made during the first build");
        assert!(ok, "the rebuild failed");
        assert!(
            changed.iter().any(|p| p.ends_with("hello.md")),
            "{changed:?}"
        );
    });
    preview.shutdown();
}

/// Waits until the server has printed `what` on stdout or stderr.
fn wait_for_output(server: &Server, what: &str) {
    let deadline = Instant::now() + DEADLINE;
    while !server.output().contains(what) {
        assert!(
            Instant::now() < deadline,
            "no `{what}` within {DEADLINE:?}:\n{}",
            server.output()
        );
        std::thread::sleep(POLL);
    }
}

#[test]
fn a_page_folder_without_its_slash_is_moved_to_the_slash_form_with_its_query() {
    let site = one_article_site();
    let server = Server::start(&site);

    let moved = server.get("/articles/a?ref=feed&x=1");
    assert_eq!(moved.status, 301, "{moved:?}");
    assert_eq!(moved.header("Location"), Some("/articles/a/?ref=feed&x=1"));
    let moved = server.get("/articles/a");
    assert_eq!(moved.header("Location"), Some("/articles/a/"));

    // Files, slash forms and unknown paths are answered as before.
    assert_eq!(server.get("/articles/a/?ref=feed").status, 200);
    assert_eq!(server.get("/style.css").status, 200);
    assert_eq!(server.get("/articles/nothing").status, 404);
}

#[test]
fn feeds_are_served_as_atom() {
    let site = one_article_site();
    site.comments(
        "a",
        "[[comment]]\nid = \"1\"\nauthor = \"Reader\"\ndate = 2020-01-02\nbody = \"Hi.\"\n",
    );
    let server = Server::start(&site);
    for feed in ["/atom.xml", "/articles/a/comments.xml", "/tags/"] {
        let response = server.get(feed);
        assert_eq!(response.status, 200, "{feed}: {}", response.body);
        let expected = if feed.ends_with(".xml") {
            "application/atom+xml"
        } else {
            "text/html; charset=utf-8"
        };
        assert_eq!(response.header("Content-Type"), Some(expected), "{feed}");
    }
    // Other XML is not a feed.
    let sitemap = server.get("/sitemap.xml");
    assert_ne!(sitemap.header("Content-Type"), Some("application/atom+xml"));
}

#[test]
fn a_root_that_is_not_a_site_fails_before_serving() {
    let empty = tempfile::tempdir().unwrap();
    for root in [empty.path().join("missing"), empty.path().to_path_buf()] {
        let port = free_port();
        let mut server = Server::spawn(&root, port, &[]);
        let code = server.wait_exit();
        assert_eq!(code, Some(1), "{}", server.output());
        let stderr = server.stderr.lock().unwrap().clone();
        assert!(stderr.contains("no site.toml here"), "{stderr}");
        assert!(
            !server.stdout.lock().unwrap().contains("Serving"),
            "{}",
            server.output()
        );
        // Nothing was left listening.
        assert!(get(port, "/").is_err(), "port {port} answered");
    }
}

#[test]
fn a_failed_first_build_says_there_is_no_good_build_yet_and_names_files_from_the_root() {
    let site = Site::new();
    let broken =
        "+++\ntitle = \"Broken\"\ndate = 2020-01-02\nauthors = [\"ann\"]\nNo closing line.\n";
    site.file("content/articles/broken.md", broken);
    let server = Server::spawn(site.root(), free_port(), &[]);
    wait_for_output(&server, "Serving");
    let stderr = server.stderr.lock().unwrap().clone();
    assert!(stderr.contains("no good build yet"), "{stderr}");
    assert!(!stderr.contains("last good build"), "{stderr}");

    // A page opened now shows the same in its overlay.
    let events = server.events();
    let first = events
        .next_before(Instant::now() + DEADLINE)
        .expect("the current error");
    assert_eq!(first.kind, "build-error");
    assert!(first.data.contains("no good build yet"), "{}", first.data);

    // A change is reported relative to the site root.
    let second_broken = format!("{broken}Still not closed.\n");
    server.change_until(&events, "build-error", || {
        site.file("content/articles/broken.md", &second_broken);
    });
    wait_for_output(&server, "Changed: content/articles/broken.md");
    // (Only the "Serving <root>" line names the root in full.)
    let stderr = server.stderr.lock().unwrap().clone();
    assert!(
        !stderr.contains(&site.root().display().to_string()),
        "an absolute path in the rebuild messages:\n{stderr}"
    );

    // Once it builds, a later failure is over the last good build.
    server.change_until(&events, "reload", || {
        site.file("content/articles/broken.md", &article_titled("Mended"));
    });
    let again = server.change_until(&events, "build-error", || {
        site.file("content/articles/broken.md", broken);
    });
    assert!(again.data.contains("last good build"), "{}", again.data);
}
