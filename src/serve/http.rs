//! The preview HTTP server: static files from the last good build, with the
//! reload script injected into HTML, and the reload event stream.

use std::io::Write;
use std::net::{Ipv4Addr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use percent_encoding::{CONTROLS, percent_decode_str, utf8_percent_encode};
use tiny_http::{Header, Request, Response, Server, StatusCode};

use super::reload::{EVENTS_PATH, ReloadHub, inject_script};
use crate::render::feeds::{ARTICLE_FEED_FILE, COMMENT_FEED_FILE};

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum BindError {
    /// The port asked for is taken.
    #[error("port {0} is already in use; pass another --port, or stop the program using it")]
    PortInUse(u16),
    /// No port of the range tried was free.
    #[error("ports {0} to {1} are all in use; pass a free one with --port")]
    NoFreePort(u16, u16),
    /// Anything else.
    #[error("cannot listen on 127.0.0.1:{0}: {1}")]
    Other(u16, String),
}

/// How many ports after the default one to try.
const PORT_TRIES: u16 = 20;

/// Binds 127.0.0.1 on `port`; if `fallback`, tries the next ports when it is taken.
pub(super) fn bind(port: u16, fallback: bool) -> Result<(Server, u16), BindError> {
    let last = if fallback {
        port.saturating_add(PORT_TRIES)
    } else {
        port
    };
    for candidate in port..=last {
        match TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, candidate))) {
            Ok(listener) => {
                let actual = listener.local_addr().map_or(candidate, |a| a.port());
                let server = Server::from_listener(listener, None)
                    .map_err(|e| BindError::Other(candidate, e.to_string()))?;
                return Ok((server, actual));
            }
            Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => continue,
            Err(e) => return Err(BindError::Other(candidate, e.to_string())),
        }
    }
    Err(if fallback {
        BindError::NoFreePort(port, last)
    } else {
        BindError::PortInUse(port)
    })
}

/// Answers requests until the server is unblocked, one thread per request (the
/// event streams stay open).
pub(super) fn run(server: Arc<Server>, site_dir: PathBuf, hub: Arc<ReloadHub>) {
    for request in server.incoming_requests() {
        let site_dir = site_dir.clone();
        let hub = Arc::clone(&hub);
        std::thread::spawn(move || respond(request, &site_dir, &hub));
    }
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("a valid header")
}

fn respond(request: Request, site_dir: &Path, hub: &ReloadHub) {
    let url = request
        .url()
        .split(['?', '#'])
        .next()
        .unwrap_or("/")
        .to_string();
    if url == EVENTS_PATH {
        stream_events(request, hub);
        return;
    }
    if let Some(location) = slash_redirect(site_dir, request.url()) {
        // A page's relative links and images resolve against its folder, so
        // `/articles/x` must become `/articles/x/` in the address bar too.
        let response = Response::empty(StatusCode(301))
            .with_header(header("Location", &location))
            .with_header(header("Cache-Control", "no-store"));
        let _ = request.respond(response);
        return;
    }
    let (status, file) = match resolve(site_dir, &url) {
        Some(file) => (200, file),
        None => (404, site_dir.join("404.html")),
    };
    let response = match std::fs::read(&file) {
        Ok(bytes) if is_html(&file) => {
            let html = inject_script(&String::from_utf8_lossy(&bytes));
            Response::from_data(html.into_bytes())
                .with_header(header("Content-Type", "text/html; charset=utf-8"))
        }
        Ok(bytes) => {
            Response::from_data(bytes).with_header(header("Content-Type", &content_type(&file)))
        }
        // No page, not even a 404.html (the first build failed): still a page
        // with the reload script, so it shows the errors and reloads once fixed.
        Err(_) => Response::from_data(
            inject_script("<!DOCTYPE html><title>Not found</title><body><p>Not found.</p></body>")
                .into_bytes(),
        )
        .with_header(header("Content-Type", "text/html; charset=utf-8")),
    };
    let _ = request.respond(
        response
            .with_status_code(StatusCode(status))
            .with_header(header("Cache-Control", "no-store")),
    );
}

/// Holds the connection open and writes each event as it comes, flushing at
/// once (a buffered response body would hold events back).
fn stream_events(request: Request, hub: &ReloadHub) {
    let events = hub.subscribe();
    let mut writer = request.into_writer();
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n";
    if writer
        .write_all(head.as_bytes())
        .and_then(|()| writer.flush())
        .is_err()
    {
        return;
    }
    while let Some(event) = events.next_event() {
        if writer
            .write_all(event.as_bytes())
            .and_then(|()| writer.flush())
            .is_err()
        {
            return; // the page went away
        }
    }
}

/// The media type a file is served as. The site's feeds are Atom, which a
/// guess from `.xml` alone would call `text/xml`; a feed reader or browser
/// told so may not recognise them.
fn content_type(path: &Path) -> String {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if [ARTICLE_FEED_FILE, COMMENT_FEED_FILE].contains(&name) {
        return "application/atom+xml".to_string();
    }
    mime_guess::from_path(path)
        .first_or_octet_stream()
        .essence_str()
        .to_string()
}

/// Where a request for a folder without its trailing slash (`/articles/x`)
/// is sent: the same URL with the slash, and with its query string kept.
/// `None` for every other request.
fn slash_redirect(site_dir: &Path, request_url: &str) -> Option<String> {
    let (path, query) = match request_url.find(['?', '#']) {
        Some(at) => request_url.split_at(at),
        None => (request_url, ""),
    };
    let is_page_folder = locate(site_dir, path)
        .is_some_and(|folder| folder.is_dir() && folder.join("index.html").is_file());
    if path.ends_with('/') || !is_page_folder {
        return None;
    }
    let query = query.split('#').next().unwrap_or("");
    // A header is ASCII: a request for `/tags/café` may arrive unencoded.
    Some(utf8_percent_encode(&format!("{path}/{query}"), CONTROLS).to_string())
}

fn is_html(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "html")
}

/// The file a URL path names under `site_dir` (a folder's `index.html`),
/// refusing `..` segments.
fn resolve(site_dir: &Path, url: &str) -> Option<PathBuf> {
    let mut path = locate(site_dir, url)?;
    if path.is_dir() {
        path.push("index.html");
    }
    path.is_file().then_some(path)
}

/// The path a URL path names under `site_dir`, file or folder, whether or not
/// it exists; `None` for a `..` segment or a path that is not UTF-8.
fn locate(site_dir: &Path, url: &str) -> Option<PathBuf> {
    let decoded = percent_decode_str(url).decode_utf8().ok()?;
    let mut path = site_dir.to_path_buf();
    for segment in decoded.split('/').filter(|s| !s.is_empty()) {
        if segment == ".." || segment.contains('\\') {
            return None;
        }
        path.push(segment);
    }
    Some(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_page_folders_without_a_slash_are_redirected() {
        let site = tempfile::tempdir().unwrap();
        for folder in ["articles/x", "tags/café", "empty"] {
            std::fs::create_dir_all(site.path().join(folder)).unwrap();
        }
        std::fs::write(site.path().join("articles/x/index.html"), "x").unwrap();
        std::fs::write(site.path().join("tags/café/index.html"), "c").unwrap();
        std::fs::write(site.path().join("style.css"), "s").unwrap();
        let redirect = |url| slash_redirect(site.path(), url);
        assert_eq!(redirect("/articles/x").as_deref(), Some("/articles/x/"));
        assert_eq!(
            redirect("/articles/x?q=a&r=b#top").as_deref(),
            Some("/articles/x/?q=a&r=b")
        );
        assert_eq!(redirect("/tags/café").as_deref(), Some("/tags/caf%C3%A9/"));
        assert_eq!(
            redirect("/tags/caf%C3%A9").as_deref(),
            Some("/tags/caf%C3%A9/")
        );
        for kept in [
            "/articles/x/",
            "/style.css",
            "/empty",
            "/missing",
            "/",
            "/../x",
        ] {
            assert_eq!(redirect(kept), None, "{kept}");
        }
    }
}
