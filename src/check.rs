//! Checking a built site's internal links and anchors.
//!
//! [`check_links`] reads an output folder and reports every `href`/`src` into
//! the site that names no file, and every fragment that names no element
//! (`#comment-3`, a heading's id), and every target of `_redirects` that
//! names no file. External links are not fetched.
//! [`check_site`] builds a site, checks it, and reports each broken link once,
//! where it is written: the Markdown file or comment thread and its line, or
//! the template when no content holds it. It also warns when `base_url` is
//! still the placeholder `init` wrote, or not set at all.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};

use percent_encoding::percent_decode_str;
use pulldown_cmark::{Event, Options, Parser, Tag};
use rayon::prelude::*;
use scraper::{Html, Selector};
use walkdir::WalkDir;

use crate::build::{BuildReport, BuildRequest, build_with_model};
use crate::config::{CONFIG_FILE, SiteConfig};
use crate::content::CONTENT_DIR;
use crate::error::{BuildErrors, Error, LineIndex, Location, TemplateFile, Warning};
use crate::render::Plan;
use crate::render::templates::{BUILTIN_TEMPLATES, TEMPLATES_DIR, template_file};
use crate::scaffold::PLACEHOLDER_BASE_URL;

/// One link that leads nowhere.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokenLink {
    /// Where the link is written.
    pub at: LinkSource,
    /// A page it is on, as a path under the output folder (the first, by path).
    pub page: String,
    /// The link as written.
    pub link: String,
    /// What is missing.
    pub problem: LinkProblem,
}

/// Where a broken link is written, and so where to fix it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum LinkSource {
    /// In content: a Markdown file or a comment thread, at a line.
    Content(Location),
    /// In a template: no content the page shows holds the link.
    Template {
        /// The template's file.
        template: TemplateFile,
        /// The line that holds the link as written, when one does (a link
        /// built from variables is not found, and only the file is named).
        line: Option<usize>,
    },
    /// In a file of the site copied as it is (`static/_redirects`), at a line.
    Static(Location),
    /// Not known: only the built page is (a check of an output folder alone).
    BuiltPage,
}

impl fmt::Display for LinkSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LinkSource::Content(at) | LinkSource::Static(at) => write!(f, "{at}"),
            LinkSource::Template {
                template,
                line: Some(line),
            } => write!(f, "{template}:{line}"),
            LinkSource::Template { template, .. } => write!(f, "{template}"),
            LinkSource::BuiltPage => f.write_str("(built page)"),
        }
    }
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
    /// A relative path that climbs above the site's top folder (more `../`
    /// than the page is deep).
    AboveSiteRoot,
}

impl fmt::Display for BrokenLink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (at, link, page) = (&self.at, &self.link, &self.page);
        match &self.problem {
            LinkProblem::MissingFile(path) => write!(
                f,
                "{at}: `{link}` leads nowhere: the built site has no {path} (seen on {page}); fix the link, or add what it names"
            ),
            LinkProblem::MissingAnchor(id) => write!(
                f,
                "{at}: `{link}` names no element: that page has no id=\"{id}\" (seen on {page}); fix the part after `#`"
            ),
            LinkProblem::OutsideBasePath => write!(
                f,
                "{at}: `{link}` is outside the site's base path (seen on {page}); make it relative, or start it with the base path"
            ),
            LinkProblem::AboveSiteRoot => write!(
                f,
                "{at}: `{link}` climbs above the site's top folder (seen on {page}); opened from disk or under a sub-path it leads nowhere: remove a `../`"
            ),
        }
    }
}

/// A site built and checked.
#[derive(Debug)]
pub struct CheckReport {
    /// What the build did.
    pub build: BuildReport,
    /// Each broken link once, at the place it is written, in order of place.
    pub broken: Vec<BrokenLink>,
}

/// Builds the site of `request` (into `request.output`, which the caller
/// chooses: a check should not replace the site's own output) and checks its
/// links, reporting each broken one where it is written.
pub fn check_site(request: &BuildRequest) -> Result<CheckReport, BuildErrors> {
    let (mut report, site) = build_with_model(request)?;
    report
        .warnings
        .extend(base_url_warning(&site.config.base_url));
    let plan = Plan::new(&site)?;
    let (in_redirects, found): (Vec<BrokenLink>, Vec<BrokenLink>) =
        check_links(&report.output, &site.config.base_url)?
            .into_iter()
            .partition(|link| link.page == REDIRECTS_FILE);
    let origins: HashMap<&str, _> = plan
        .origins(&site)
        .into_iter()
        .map(|origin| (origin.path, origin))
        .collect();
    let texts = ContentTexts::read(&request.root);
    let templates = TemplateTexts::read(&request.root);
    let mut seen = HashSet::new();
    let mut broken = Vec::new();
    let base_url = site.config.base_url_trimmed();
    let base_path = site.config.base_path();
    // Where in content each link is written, if anywhere.
    let placed: Vec<(BrokenLink, String, Option<WrittenAt>)> = found
        .into_iter()
        .map(|link| {
            let own = origins
                .get(link.page.as_str())
                .map_or(&[][..], |o| &o.sources);
            let forms = written_forms(&link.page, &link.link, base_url, base_path);
            let in_content = |among: &[PathBuf]| {
                forms.iter().find_map(|form| {
                    let places = texts.find(form, among);
                    (!places.is_empty()).then(|| (form.clone(), places))
                })
            };
            let content = in_content(own).or_else(|| in_content(&texts.all));
            // Pages at different depths show one written link in different
            // relative forms; the file it names is the same.
            let named = named_file(&link.page, &link.link, base_url, base_path);
            (link, named, content)
        })
        .collect();
    let named_in_content: HashSet<&String> = placed
        .iter()
        .filter(|(_, _, content)| content.is_some())
        .map(|(_, named, _)| named)
        .collect();
    for (link, named, content) in &placed {
        let page_template = origins.get(link.page.as_str()).and_then(|o| o.template);
        let (written, sources): (String, Vec<LinkSource>) = if let Some((form, places)) = content {
            let sources = places.iter().cloned().map(LinkSource::Content).collect();
            (form.clone(), sources)
        } else if named_in_content.contains(named) {
            // Content written elsewhere, shown here in a form not found as
            // written (a summary's relative link, on a listing).
            continue;
        } else {
            let forms = written_forms(&link.page, &link.link, base_url, base_path);
            match forms
                .iter()
                .find_map(|form| Some((form, templates.find(form, page_template)?)))
            {
                Some((form, found)) => (form.clone(), vec![found]),
                None => {
                    let at = match page_template {
                        Some(name) => LinkSource::Template {
                            template: template_file(&request.root, name),
                            line: None,
                        },
                        None => LinkSource::BuiltPage,
                    };
                    (link.link.clone(), vec![at])
                }
            }
        };
        for at in sources {
            // The same link from one place shows on many pages (an article's
            // summary on every listing): it is one thing to fix.
            if seen.insert((at.clone(), named.clone())) {
                broken.push(BrokenLink {
                    at,
                    link: written.clone(),
                    ..link.clone()
                });
            }
        }
    }
    broken.extend(place_redirects(&request.root, &report.output, in_redirects));
    // Content first, by file and line; then templates.
    broken.sort_by_cached_key(|b| match &b.at {
        LinkSource::Content(at) | LinkSource::Static(at) => {
            (0, at.path.clone(), at.line, b.link.clone())
        }
        other => (1, PathBuf::from(other.to_string()), None, b.link.clone()),
    });
    Ok(CheckReport {
        build: report,
        broken,
    })
}

/// The file of redirect rules that Netlify-style hosts read, at the output root.
const REDIRECTS_FILE: &str = "_redirects";

/// A warning when `base_url` cannot be where the site is published: the
/// placeholder `init` wrote, or the default of a site.toml without it.
/// Canonical links, feeds and the sitemap would name that address.
fn base_url_warning(base_url: &str) -> Option<Warning> {
    let base_url = base_url.trim_end_matches('/');
    let what = if base_url == PLACEHOLDER_BASE_URL {
        format!("`base_url` is still `{base_url}`, the placeholder `scholia init` wrote")
    } else if base_url == SiteConfig::default().base_url {
        format!("`base_url` is not set, so it is `{base_url}`")
    } else {
        return None;
    };
    Some(Warning {
        at: Location::file(CONFIG_FILE),
        message: format!(
            "{what}: canonical links, feeds and the sitemap name that address; set it to the address the site is published at, or build with --base-url"
        ),
    })
}

/// Where each broken target of `_redirects` is written: the line of the
/// site's own `static/_redirects` when it has one (it replaces the generated
/// file), else the built file (generated from aliases, whose targets are
/// always built).
fn place_redirects(root: &Path, output: &Path, broken: Vec<BrokenLink>) -> Vec<BrokenLink> {
    let own = Path::new(crate::build::STATIC_DIR).join(REDIRECTS_FILE);
    let text = std::fs::read_to_string(root.join(&own)).ok();
    let built = std::fs::read_to_string(output.join(REDIRECTS_FILE)).unwrap_or_default();
    broken
        .into_iter()
        .map(|link| {
            let line = redirect_rules(&built)
                .find(|rule| rule.to == link.link)
                .map(|rule| rule.line);
            let at = match (&text, line) {
                (Some(_), Some(line)) => LinkSource::Static(Location::line(&own, line)),
                (Some(_), None) => LinkSource::Static(Location::file(&own)),
                (None, _) => LinkSource::BuiltPage,
            };
            BrokenLink { at, ..link }
        })
        .collect()
}

/// One rule of a `_redirects` file.
struct RedirectRule<'t> {
    /// Its 1-based line.
    line: usize,
    /// Where it sends the reader.
    to: &'t str,
}

/// The rules of a `_redirects` file: each line `from to [status]`, without
/// blank lines and `#` comments.
fn redirect_rules(text: &str) -> impl Iterator<Item = RedirectRule<'_>> {
    text.lines().enumerate().filter_map(|(i, line)| {
        let mut fields = line.split_whitespace();
        let from = fields.next().filter(|from| !from.starts_with('#'))?;
        let to = fields.next().unwrap_or(from);
        Some(RedirectRule { line: i + 1, to })
    })
}

/// Whether a redirect target is filled in by the host per request (a splat
/// `:splat` or a placeholder `:year`), and so names no one file.
fn is_dynamic_target(to: &str) -> bool {
    to.contains('*') || to.split('/').any(|segment| segment.starts_with(':'))
}

/// A link as found written in content: the form it is written in, and where.
type WrittenAt = (String, Vec<Location>);

/// The text of every content file, to find where a link is written.
struct ContentTexts {
    /// Every Markdown file and comment thread, relative to the site root.
    all: Vec<PathBuf>,
    /// Each file, by path.
    files: HashMap<PathBuf, ContentText>,
}

/// One content file's text, its line index, and for Markdown the destination
/// of each link and image with its line.
struct ContentText {
    text: String,
    lines: LineIndex,
    destinations: Vec<(String, usize)>,
}

impl ContentTexts {
    fn read(root: &Path) -> ContentTexts {
        let mut all = Vec::new();
        let mut files = HashMap::new();
        for entry in WalkDir::new(root.join(CONTENT_DIR))
            .sort_by_file_name()
            .into_iter()
            .flatten()
        {
            let path = entry.path();
            let is_text = path.extension().is_some_and(|e| e == "md" || e == "toml");
            if !entry.file_type().is_file() || !is_text {
                continue;
            }
            // The build has just read every content file; one that cannot be
            // read now only leaves its links unplaced.
            let Ok(text) = std::fs::read_to_string(path) else {
                continue;
            };
            let lines = LineIndex::new(&text);
            let destinations = if path.extension().is_some_and(|e| e == "md") {
                markdown_links(&text, &lines)
            } else {
                Vec::new()
            };
            let relative = path.strip_prefix(root).unwrap_or(path).to_path_buf();
            all.push(relative.clone());
            files.insert(
                relative,
                ContentText {
                    text,
                    lines,
                    destinations,
                },
            );
        }
        ContentTexts { all, files }
    }

    /// Where `link` is written in `among`: as the destination of a Markdown
    /// link or image, else anywhere in the text (raw HTML, a comment's body
    /// in its thread file).
    fn find(&self, link: &str, among: &[PathBuf]) -> Vec<Location> {
        let decoded = percent_decode_str(link).decode_utf8_lossy();
        let mut places = Vec::new();
        for path in among {
            let Some(ContentText {
                text,
                lines,
                destinations,
            }) = self.files.get(path)
            else {
                continue;
            };
            let mut here: Vec<usize> = destinations
                .iter()
                .filter(|(dest, _)| {
                    dest == link || percent_decode_str(dest).decode_utf8_lossy() == decoded
                })
                .map(|(_, line)| *line)
                .collect();
            if here.is_empty() {
                here = text
                    .match_indices(link)
                    .chain(text.match_indices(decoded.as_ref()))
                    .map(|(offset, _)| lines.line(offset))
                    .collect();
            }
            here.sort_unstable();
            here.dedup();
            places.extend(here.into_iter().map(|line| Location::line(path, line)));
        }
        places
    }
}

/// The text of every template in use: the site's own, and the built-in ones
/// it does not replace.
struct TemplateTexts(Vec<(String, TemplateFile, String)>);

impl TemplateTexts {
    fn read(root: &Path) -> TemplateTexts {
        let mut found: Vec<(String, TemplateFile, String)> = BUILTIN_TEMPLATES
            .iter()
            .map(|(name, text)| {
                let file = template_file(root, name);
                let text = match &file {
                    TemplateFile::Site(path) => {
                        std::fs::read_to_string(root.join(path)).unwrap_or_default()
                    }
                    TemplateFile::BuiltIn(_) => text.to_string(),
                };
                (name.to_string(), file, text)
            })
            .collect();
        let dir = root.join(TEMPLATES_DIR);
        for entry in WalkDir::new(&dir).sort_by_file_name().into_iter().flatten() {
            let relative = entry.path().strip_prefix(root).unwrap_or(entry.path());
            let name = entry.path().strip_prefix(&dir).unwrap_or(entry.path());
            let name = name.to_string_lossy().replace('\\', "/");
            let known = found.iter().any(|(n, _, _)| *n == name);
            if entry.file_type().is_file()
                && !known
                && let Ok(text) = std::fs::read_to_string(entry.path())
            {
                found.push((name, TemplateFile::Site(relative.to_path_buf()), text));
            }
        }
        TemplateTexts(found)
    }

    /// The template and line where `link` is written as it is, looking first
    /// in the page's own template (`first`), then in all the others.
    fn find(&self, link: &str, first: Option<&str>) -> Option<LinkSource> {
        let own = self
            .0
            .iter()
            .filter(|(name, _, _)| Some(name.as_str()) == first);
        let others = self
            .0
            .iter()
            .filter(|(name, _, _)| Some(name.as_str()) != first);
        own.chain(others).find_map(|(_, file, text)| {
            let offset = text.find(link)?;
            Some(LinkSource::Template {
                template: file.clone(),
                line: Some(crate::error::line_of_offset(text, offset)),
            })
        })
    }
}

/// The destination of every link and image of a Markdown text, with its line.
fn markdown_links(text: &str, lines: &LineIndex) -> Vec<(String, usize)> {
    Parser::new_ext(text, Options::all())
        .into_offset_iter()
        .filter_map(|(event, range)| match event {
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
                Some((dest_url.into_string(), lines.line(range.start)))
            }
            _ => None,
        })
        .collect()
}

/// The forms `link`, found on `page`, may be written in where it comes from,
/// most likely first: as on the page; for a relative link to a folder's
/// `index.html`, without it (`../a/`), as an author writes it; then from the
/// site root, without and with a folder's `index.html` (`/a/`, `/a`,
/// `/a/index.html`), as templates and Markdown write links before the build
/// makes them relative. The last form is the same for every page the link is
/// on. Query and fragment are kept.
fn written_forms(page: &str, link: &str, base_url: &str, base_path: &str) -> Vec<String> {
    let link = link.trim();
    let path = link.split(['?', '#']).next().unwrap_or("");
    let suffix = &link[path.len()..];
    let mut forms = vec![link.to_string()];
    let is_relative = !path.starts_with('/') && !path.contains(':');
    if is_relative && (path == "index.html" || path.ends_with("/index.html")) {
        forms.push(format!("{}{suffix}", path.trim_end_matches("index.html")));
    }
    if is_relative
        && !path.is_empty()
        && let Some(Ok(inside)) = site_path(page, path, base_url, base_path)
    {
        let folder = (inside == "index.html" || inside.ends_with("/index.html"))
            .then(|| inside.trim_end_matches("index.html"));
        if let Some(folder) = folder {
            forms.push(format!("{base_path}/{folder}{suffix}"));
            if !folder.is_empty() {
                let bare = folder.trim_end_matches('/');
                forms.push(format!("{base_path}/{bare}{suffix}"));
            }
        }
        forms.push(format!("{base_path}/{inside}{suffix}"));
    }
    let mut seen = HashSet::new();
    forms.retain(|form| seen.insert(form.clone()));
    forms
}

/// The file under the output folder that `link` on `page` names, with its
/// query and fragment (a folder named as its `index.html`); the link itself
/// when it names none.
fn named_file(page: &str, link: &str, base_url: &str, base_path: &str) -> String {
    let link = link.trim();
    let path = link.split(['?', '#']).next().unwrap_or("");
    let suffix = &link[path.len()..];
    match site_path(page, path, base_url, base_path) {
        Some(Ok(inside)) if inside.is_empty() || inside.ends_with('/') => {
            format!("{inside}index.html{suffix}")
        }
        Some(Ok(inside)) => format!("{inside}{suffix}"),
        _ => link.to_string(),
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
                    at: LinkSource::BuiltPage,
                    page: page.clone(),
                    link: link.clone(),
                    problem,
                })
            })
        })
        .collect();
    broken.extend(check_redirects_file(output, parsed, base_url, base_path));
    broken.sort_by(|a, b| (&a.page, &a.link).cmp(&(&b.page, &b.link)));
    broken.dedup();
    Ok(broken)
}

/// Every target of the output's `_redirects` that leads nowhere in the
/// output, as a link on the page `_redirects`. Targets on other hosts and
/// ones the host fills in per request are not checked.
fn check_redirects_file(
    output: &Path,
    pages: &HashMap<String, PageLinks>,
    base_url: &str,
    base_path: &str,
) -> Vec<BrokenLink> {
    let Ok(text) = std::fs::read_to_string(output.join(REDIRECTS_FILE)) else {
        return Vec::new();
    };
    redirect_rules(&text)
        .filter(|rule| !is_dynamic_target(rule.to))
        .filter_map(|rule| {
            let problem = check_link(output, pages, REDIRECTS_FILE, rule.to, base_url, base_path)?;
            Some(BrokenLink {
                at: LinkSource::BuiltPage,
                page: REDIRECTS_FILE.to_string(),
                link: rule.to.to_string(),
                problem,
            })
        })
        .collect()
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
        ("form[action]", "action"),
    ] {
        links.extend(
            html.select(&selector(css))
                .filter_map(|e| e.value().attr(attribute))
                .map(str::to_string),
        );
    }
    // Each image candidate of a srcset (`a.jpg 1x, b.jpg 2x`).
    links.extend(
        html.select(&selector("img[srcset], source[srcset]"))
            .filter_map(|e| e.value().attr("srcset"))
            .flat_map(|srcset| srcset.split(','))
            .filter_map(|candidate| candidate.split_whitespace().next())
            .map(str::to_string),
    );
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
        // From a folder on disk, a `../` too many leads out of the site;
        // only a host at a domain's root forgives it.
        let dir = page.rsplit_once('/').map_or("", |(dir, _)| dir);
        return Some(normalize(&format!("/{dir}/{link}"), false).ok_or(LinkProblem::AboveSiteRoot));
    };
    Some(Ok(normalize(&rooted, true).unwrap_or_default()))
}

/// Resolves `.` and `..` segments; keeps a trailing `/`. A `..` at the top
/// stays there when `clamp` (as browsers read a site-root path), else makes
/// the path `None`.
fn normalize(path: &str, clamp: bool) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() && !clamp {
                    return None;
                }
            }
            other => parts.push(other),
        }
    }
    let mut out = parts.join("/");
    let folder = path.ends_with('/') || path.ends_with("/.") || path.ends_with("/..");
    if folder && !out.is_empty() {
        out.push('/');
    }
    Some(out)
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
