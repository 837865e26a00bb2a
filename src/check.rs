//! Checking a built site's internal links and anchors.
//!
//! Reads an output folder (never the sources) and reports every `href`/`src`
//! into the site that names no file, and every fragment that names no element
//! (`#comment-3`, a heading's id). External links are not fetched.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::path::Path;

use percent_encoding::percent_decode_str;
use rayon::prelude::*;
use scraper::{Html, Selector};
use walkdir::WalkDir;

use crate::error::Error;

/// One link that leads nowhere.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokenLink {
    /// The page it is on, as a path under the output folder.
    pub page: String,
    /// The link as written.
    pub link: String,
    /// What is missing.
    pub problem: LinkProblem,
}

/// Why a link is broken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkProblem {
    /// No file at the path.
    MissingFile(String),
    /// The file exists but has no element with that id.
    MissingAnchor(String),
    /// A site-root path that is not under the site's base path.
    OutsideBasePath,
}

impl fmt::Display for BrokenLink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.problem {
            LinkProblem::MissingFile(path) => {
                write!(
                    f,
                    "{}: `{}` leads nowhere (no file {path})",
                    self.page, self.link
                )
            }
            LinkProblem::MissingAnchor(id) => write!(
                f,
                "{}: `{}` names no element (no id=\"{id}\" on that page)",
                self.page, self.link
            ),
            LinkProblem::OutsideBasePath => {
                write!(
                    f,
                    "{}: `{}` is outside the site's base path",
                    self.page, self.link
                )
            }
        }
    }
}

/// What a page holds that the check needs: its links and its ids.
struct PageLinks {
    links: Vec<String>,
    ids: HashSet<String>,
}

/// Checks every HTML page under `output`. `base_url` is the site's public URL:
/// absolute links under it count as internal.
pub fn check_links(output: &Path, base_url: &str) -> Result<Vec<BrokenLink>, Error> {
    let base_url = base_url.trim_end_matches('/');
    let base_path = base_url
        .split_once("://")
        .and_then(|(_, rest)| rest.find('/').map(|i| &rest[i..]))
        .unwrap_or("");
    let pages = html_files(output)?;
    let parsed: HashMap<String, PageLinks> = pages
        .par_iter()
        .map(|relative| {
            let text = std::fs::read_to_string(output.join(relative)).unwrap_or_default();
            (relative.clone(), read_page(&text))
        })
        .collect();
    let parsed = &parsed;
    let mut broken: Vec<BrokenLink> = parsed
        .par_iter()
        .flat_map_iter(|(page, found)| {
            found.links.iter().filter_map(move |link| {
                let problem = check_link(output, parsed, page, link, base_url, base_path)?;
                Some(BrokenLink {
                    page: page.clone(),
                    link: link.clone(),
                    problem,
                })
            })
        })
        .collect();
    broken.sort_by(|a, b| (&a.page, &a.link).cmp(&(&b.page, &b.link)));
    broken.dedup();
    Ok(broken)
}

/// Every `.html` file under `output`, as `/`-separated relative paths.
fn html_files(output: &Path) -> Result<Vec<String>, Error> {
    let mut files = Vec::new();
    for entry in WalkDir::new(output).sort_by_file_name() {
        let entry = entry.map_err(|e| Error::Read {
            path: output.to_path_buf(),
            source: e.into(),
        })?;
        let is_html = entry.path().extension().is_some_and(|e| e == "html");
        if entry.file_type().is_file() && is_html {
            let relative = entry.path().strip_prefix(output).unwrap_or(entry.path());
            files.push(crate::output::join_url_path("", relative));
        }
    }
    Ok(files)
}

fn read_page(text: &str) -> PageLinks {
    let html = Html::parse_document(text);
    let selector = |css| Selector::parse(css).expect("a valid selector");
    let mut links = Vec::new();
    for (css, attribute) in [
        ("a[href]", "href"),
        ("link[href]", "href"),
        ("img[src]", "src"),
        ("script[src]", "src"),
        ("source[src]", "src"),
    ] {
        links.extend(
            html.select(&selector(css))
                .filter_map(|e| e.value().attr(attribute))
                .map(str::to_string),
        );
    }
    // A redirect page's target is a link too.
    links.extend(
        html.select(&selector("meta[http-equiv=refresh]"))
            .filter_map(|e| e.value().attr("content"))
            .filter_map(|content| {
                content
                    .split_once("url=")
                    .map(|(_, url)| url.trim().to_string())
            }),
    );
    let ids = html
        .select(&selector("[id], a[name]"))
        .filter_map(|e| e.value().attr("id").or_else(|| e.value().attr("name")))
        .map(str::to_string)
        .collect();
    PageLinks { links, ids }
}

/// What is wrong with `link` on `page`, if anything.
fn check_link(
    output: &Path,
    pages: &HashMap<String, PageLinks>,
    page: &str,
    link: &str,
    base_url: &str,
    base_path: &str,
) -> Option<LinkProblem> {
    let link = link.trim();
    let (before_fragment, fragment) = link.split_once('#').unwrap_or((link, ""));
    let path_part = before_fragment.split('?').next().unwrap_or("");
    let target = if path_part.is_empty() {
        page.to_string() // same page
    } else {
        match site_path(page, path_part, base_url, base_path)? {
            Err(problem) => return Some(problem),
            Ok(path) => match resolve_file(output, &path) {
                Ok(file) => file,
                Err(missing) => return Some(LinkProblem::MissingFile(missing)),
            },
        }
    };
    let fragment = percent_decode_str(fragment).decode_utf8_lossy();
    if fragment.is_empty() || !target.ends_with(".html") {
        return None;
    }
    let has_id = pages
        .get(&target)
        .is_some_and(|p| p.ids.contains(fragment.as_ref()));
    (!has_id).then(|| LinkProblem::MissingAnchor(fragment.into_owned()))
}

/// The path under the output folder that a link points to, `None` for an
/// external link, or a problem.
fn site_path(
    page: &str,
    link: &str,
    base_url: &str,
    base_path: &str,
) -> Option<Result<String, LinkProblem>> {
    let decoded = percent_decode_str(link).decode_utf8_lossy();
    let link = decoded.as_ref();
    let rooted = if let Some(rest) = link.strip_prefix(base_url) {
        format!("/{}", rest.trim_start_matches('/'))
    } else if link.starts_with("//") || link.contains(':') {
        return None; // another site, mailto:, …
    } else if let Some(rest) = link.strip_prefix('/') {
        match format!("/{rest}").strip_prefix(base_path) {
            Some(inside)
                if base_path.is_empty() || inside.is_empty() || inside.starts_with('/') =>
            {
                format!("/{}", inside.trim_start_matches('/'))
            }
            _ => return Some(Err(LinkProblem::OutsideBasePath)),
        }
    } else {
        let dir = page.rsplit_once('/').map_or("", |(dir, _)| dir);
        format!("/{dir}/{link}")
    };
    Some(Ok(normalize(&rooted)))
}

/// Resolves `.` and `..` segments; keeps a trailing `/`.
fn normalize(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    let mut out = parts.join("/");
    if path.ends_with('/') && !out.is_empty() {
        out.push('/');
    }
    out
}

/// The file a site path names: itself, or `index.html` inside it.
fn resolve_file(output: &Path, path: &str) -> Result<String, String> {
    let candidates = if path.is_empty() || path.ends_with('/') {
        vec![format!("{path}index.html")]
    } else {
        vec![path.to_string(), format!("{path}/index.html")]
    };
    candidates
        .into_iter()
        .find(|c| output.join(c).is_file())
        .ok_or_else(|| path.to_string())
}
