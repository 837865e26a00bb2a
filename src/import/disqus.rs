//! `scholia import disqus`: merges a Disqus export's comments into an
//! existing site's threads.
//!
//! Two streaming passes. The first reads the threads and a small digest of
//! each post, matches threads to articles (by link path against permalinks
//! and aliases, or by identifier) and decides which posts are new, which are
//! copies Disqus holds twice, and where each reply hangs. The second converts
//! the new posts and spools them per article; each thread file is then
//! rewritten once, atomically, with the new comments appended after the old
//! ones, which stay byte for byte as they were. Running the same import twice
//! changes nothing. Never reads an e-mail or IP address.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset};
use xxhash_rust::xxh3::Xxh3;

use super::html::{comment_markdown, plain_text};
use super::thread::kept_parents;
use super::write::{CommentFile, replace_atomically, thread_text};
use super::xml::{Element, Ns, RecordReader};
use super::{ImportError, ImportReport};
use crate::config::SiteConfig;
use crate::content::{ArticleSource, load_content, thread_file};
use crate::site::permalink;

/// The element whose children are a Disqus export's records.
const DISQUS: &[&str] = &["disqus"];
/// The prefix of every imported id, so Disqus ids never collide with others.
const ID_PREFIX: &str = "disqus-";
/// The name given to a comment that has none.
const ANONYMOUS: &str = "Anonymous";

/// Merges the comments of the Disqus export `export` into the site at `site`.
pub fn import(export: &Path, site: &Path) -> Result<ImportReport, ImportError> {
    let articles = SiteArticles::load(site)?;
    let mut report = ImportReport::default();
    report.count("threads matched", 0);
    report.count("comments", 0);
    let survey = survey(export, &articles, &mut report)?;
    let merge = Merge::plan(&survey, &articles, &mut report);
    let spool = tempfile::tempdir().map_err(|source| ImportError::Write {
        path: std::env::temp_dir(),
        source,
    })?;
    let spooled = spool_new_comments(export, &merge, &articles, spool.path(), &mut report)?;
    for article in spooled {
        let thread = site.join(thread_file(&articles.list[article].path));
        append_to_thread(&thread, &spool_file(spool.path(), article))?;
    }
    Ok(report)
}

/// The site's articles, with what a thread can be matched by.
struct SiteArticles {
    list: Vec<ArticleSource>,
    /// Permalinks and aliases, normalized, to article index.
    by_path: HashMap<String, usize>,
    /// Slugs and WordPress post ids to article index.
    by_identifier: HashMap<String, usize>,
    /// The path of the site's `base_url`, which old links may start with.
    base_path: String,
}

impl SiteArticles {
    fn load(site: &Path) -> Result<SiteArticles, ImportError> {
        let has_errors = |errors: Vec<crate::Error>| ImportError::SiteHasErrors {
            dir: site.to_path_buf(),
            errors: errors.into(),
        };
        let config = SiteConfig::load(site).map_err(has_errors)?;
        let (content, errors) = load_content(site);
        if !errors.is_empty() {
            return Err(has_errors(errors));
        }
        let mut by_path = HashMap::new();
        let mut by_identifier = HashMap::new();
        for (i, article) in content.articles.iter().enumerate() {
            let url = permalink::resolve(&config.build.permalink, &article.date, &article.slug);
            let aliases = article
                .aliases
                .iter()
                .filter_map(|(a, _)| permalink::normalize_alias(a).ok());
            for path in std::iter::once(url).chain(aliases) {
                by_path.entry(normalized_path(&path)).or_insert(i);
            }
            by_identifier.entry(article.slug.clone()).or_insert(i);
            if let Some(id) = article
                .extra
                .get("wordpress_id")
                .and_then(|v| v.as_integer())
            {
                by_identifier.entry(id.to_string()).or_insert(i);
            }
        }
        Ok(SiteArticles {
            list: content.articles,
            by_path,
            by_identifier,
            base_path: config.base_path().to_string(),
        })
    }

    /// The article a thread belongs to: by its link's path (host, query and
    /// a trailing slash ignored), else by its identifier — a URL or path, a
    /// WordPress post id (the plugin writes `123 https://…`), or a slug.
    fn match_thread(&self, link: &str, identifier: &str) -> Option<usize> {
        let by_url = |url: &str| {
            let path = normalized_path(&url_path(url));
            let below_base = path
                .strip_prefix(self.base_path.as_str())
                .filter(|rest| rest.is_empty() || rest.starts_with('/'))
                .map(|rest| if rest.is_empty() { "/" } else { rest });
            below_base
                .and_then(|p| self.by_path.get(p))
                .or_else(|| self.by_path.get(&path))
                .copied()
        };
        if let Some(found) = Some(link).filter(|l| !l.is_empty()).and_then(by_url) {
            return Some(found);
        }
        let identifier = identifier.trim();
        if identifier.contains("://") || identifier.starts_with('/') {
            return by_url(identifier);
        }
        let first = identifier.split_whitespace().next()?;
        self.by_identifier.get(first).copied()
    }
}

/// The path of a URL (or of a path), without query or fragment.
fn url_path(url: &str) -> String {
    let path = match url.split_once("://") {
        Some((_, rest)) => rest.find('/').map_or("/", |i| &rest[i..]),
        None => url,
    };
    path.split(['?', '#']).next().unwrap_or("/").to_string()
}

/// A path decoded, without a trailing slash (`/` for the root).
fn normalized_path(path: &str) -> String {
    let decoded = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
    let trimmed = decoded.trim_end_matches('/');
    if trimmed.is_empty() {
        "/".to_string()
    } else if trimmed.starts_with('/') {
        trimmed.to_string()
    } else {
        format!("/{trimmed}")
    }
}

/// A child in Disqus's namespace (or none, when the export declares none).
fn field<'a>(element: &'a Element, name: &str) -> Option<&'a Element> {
    element
        .children
        .iter()
        .find(|c| c.name == name && matches!(c.ns, Ns::Disqus | Ns::None))
}

/// The trimmed text of [`field`]; `""` when absent.
fn field_text<'a>(element: &'a Element, name: &str) -> &'a str {
    field(element, name).map_or("", |c| c.text.trim())
}

/// The `dsq:id` of an element or of its child `name`, trimmed. Disqus's ids
/// are numbers: one with a space or line break inside is damage, and is no
/// id, since it could not be a comment's (its `#comment-` anchor).
fn dsq_id<'a>(element: &'a Element, name: Option<&str>) -> Option<&'a str> {
    let element = match name {
        Some(name) => field(element, name)?,
        None => element,
    };
    element
        .attr(Ns::DisqusInternals, "id")
        .map(str::trim)
        .filter(|id| !id.is_empty() && !id.contains(char::is_whitespace))
}

/// What the first pass keeps of a post: enough to decide, not its text.
struct PostDigest {
    dsq_id: String,
    thread: String,
    parent: Option<String>,
    deleted: bool,
    spam: bool,
    /// Whether its message has any text.
    has_text: bool,
    /// A hash of its identity as the reader saw it (`<id>`, author, time,
    /// text): two posts with the same are one comment held twice.
    identity: u64,
}

impl PostDigest {
    fn read(post: &Element) -> Option<PostDigest> {
        let message = field_text(post, "message");
        let mut identity = Xxh3::new();
        for part in [
            field_text(post, "id"),
            field(post, "author").map_or("", |a| field_text(a, "name")),
            field_text(post, "createdAt"),
            message,
        ] {
            identity.update(part.as_bytes());
            identity.update(&[0]);
        }
        Some(PostDigest {
            dsq_id: dsq_id(post, None)?.to_string(),
            thread: dsq_id(post, Some("thread"))?.to_string(),
            parent: dsq_id(post, Some("parent")).map(str::to_string),
            deleted: field_text(post, "isDeleted") == "true",
            spam: field_text(post, "isSpam") == "true",
            has_text: !plain_text(message).is_empty(),
            identity: identity.digest(),
        })
    }
}

/// A thread as matched: its article, if any, and whether Disqus deleted it.
struct ThreadMatch {
    article: Option<usize>,
    deleted: bool,
}

/// What the first pass gathers.
struct Survey {
    threads: HashMap<String, ThreadMatch>,
    /// Every `<post>`, in export order (`None`: unreadable, reported).
    posts: Vec<Option<PostDigest>>,
}

/// The first pass: threads matched, posts digested; the whole export is
/// checked to be well-formed before anything is written.
fn survey(
    export: &Path,
    articles: &SiteArticles,
    report: &mut ImportReport,
) -> Result<Survey, ImportError> {
    let mut reader = RecordReader::open(export, DISQUS, "Disqus")?;
    let mut survey = Survey {
        threads: HashMap::new(),
        posts: Vec::new(),
    };
    while let Some(record) = reader.next_record()? {
        match record.name.as_str() {
            "thread" => read_thread(&record, articles, &mut survey, report),
            "post" => {
                let digest = PostDigest::read(&record);
                if digest.is_none() {
                    report.skip(
                        "posts without a usable id or a thread",
                        format!("post {}", survey.posts.len() + 1),
                    );
                }
                survey.posts.push(digest);
            }
            _ => {}
        }
    }
    Ok(survey)
}

fn read_thread(
    record: &Element,
    articles: &SiteArticles,
    survey: &mut Survey,
    report: &mut ImportReport,
) {
    let Some(id) = dsq_id(record, None) else {
        return;
    };
    let link = field_text(record, "link");
    let article = articles.match_thread(link, field_text(record, "id"));
    if article.is_none() {
        let title = plain_text(field_text(record, "title"));
        report.skip(
            "threads that match no article (their comments are not imported)",
            format!("“{title}” {link}"),
        );
    }
    survey.threads.insert(
        id.to_string(),
        ThreadMatch {
            article,
            deleted: field_text(record, "isDeleted") == "true",
        },
    );
}

/// The decisions of the merge.
struct Merge {
    /// For each post (by position) that becomes a new comment: its article
    /// and its parent's id.
    new: HashMap<usize, (usize, Option<String>)>,
}

impl Merge {
    fn plan(survey: &Survey, articles: &SiteArticles, report: &mut ImportReport) -> Merge {
        let existing: Vec<HashSet<&str>> = articles
            .list
            .iter()
            .map(|a| {
                a.thread
                    .iter()
                    .flat_map(|t| t.comments.iter().map(|c| c.id.as_str()))
                    .collect()
            })
            .collect();
        // A copy's id → the id of the comment it copies.
        let mut copy_of: HashMap<&str, String> = HashMap::new();
        let mut first_by_identity: HashMap<(usize, u64), String> = HashMap::new();
        // Disqus ids are unique; a damaged export may still repeat one on a
        // different comment, which could not share its `#comment-` anchor.
        let mut taken: HashSet<&str> = HashSet::new();
        let mut fates: Vec<(usize, usize, String)> = Vec::new();
        let mut matched = BTreeSet::new();
        for (i, post) in survey.posts.iter().enumerate() {
            let Some(post) = post else { continue };
            let id = format!("{ID_PREFIX}{}", post.dsq_id);
            let Some(article) = post_article(post, survey, &id, report) else {
                continue;
            };
            matched.insert(article);
            if let Some(first) = first_by_identity.get(&(article, post.identity)) {
                report.repair(
                    "comments Disqus holds twice (a thread imported again), imported once",
                    format!("{id} = {first}"),
                );
                copy_of.insert(&post.dsq_id, first.clone());
                continue;
            }
            first_by_identity.insert((article, post.identity), id.clone());
            if !taken.insert(&post.dsq_id) {
                report.skip(
                    "comments whose Disqus id an earlier, different comment has (a damaged export)",
                    id,
                );
            } else if let Some(reason) = skip_reason(post) {
                report.skip(reason, id);
            } else if existing[article].contains(id.as_str()) {
                report.skip("comments already in the site, left as they are", id);
            } else {
                fates.push((i, article, id));
            }
        }
        report.count("threads matched", matched.len());
        let new = resolve_parents(survey, &copy_of, &existing, fates, report);
        Merge { new }
    }
}

/// The article a post goes to; `None` (reported) when its thread is unknown,
/// unmatched or deleted.
fn post_article(
    post: &PostDigest,
    survey: &Survey,
    id: &str,
    report: &mut ImportReport,
) -> Option<usize> {
    match survey.threads.get(&post.thread) {
        Some(ThreadMatch {
            article: Some(_),
            deleted: true,
        }) => {
            report.skip("comments in threads Disqus deleted", id);
            None
        }
        Some(ThreadMatch {
            article: Some(article),
            ..
        }) => Some(*article),
        Some(_) => {
            report.skip("comments of threads that match no article", id);
            None
        }
        None => {
            report.skip("comments whose thread is not in the export", id);
            None
        }
    }
}

/// Why a post is left out, if it is.
fn skip_reason(post: &PostDigest) -> Option<&'static str> {
    if post.spam {
        Some("spam comments")
    } else if post.deleted {
        Some("deleted comments")
    } else if !post.has_text {
        Some("empty comments")
    } else {
        None
    }
}

/// Each new comment's parent: its nearest ancestor that is in the thread
/// (new, or already there from an earlier import), through copies.
fn resolve_parents(
    survey: &Survey,
    copy_of: &HashMap<&str, String>,
    existing: &[HashSet<&str>],
    fates: Vec<(usize, usize, String)>,
    report: &mut ImportReport,
) -> HashMap<usize, (usize, Option<String>)> {
    let canonical = |dsq: &str| {
        copy_of
            .get(dsq)
            .cloned()
            .unwrap_or_else(|| format!("{ID_PREFIX}{dsq}"))
    };
    let mut parents: HashMap<String, Option<String>> = HashMap::new();
    let originals = survey.posts.iter().flatten();
    for post in originals.filter(|p| !copy_of.contains_key(p.dsq_id.as_str())) {
        // The first post of an id is the one kept (see `Merge::plan`).
        parents
            .entry(canonical(&post.dsq_id))
            .or_insert_with(|| post.parent.as_deref().map(canonical));
    }
    let mut by_article: HashMap<usize, Vec<(usize, String)>> = HashMap::new();
    for (i, article, id) in fates {
        by_article.entry(article).or_default().push((i, id));
    }
    let mut new = HashMap::new();
    for (article, comments) in by_article {
        let already = existing[article]
            .iter()
            .filter(|id| id.starts_with(ID_PREFIX))
            .map(|id| id.to_string());
        let kept: Vec<String> = comments
            .iter()
            .map(|(_, id)| id.clone())
            .chain(already)
            .collect();
        let resolved = kept_parents(&parents, &kept);
        for ((i, id), parent) in comments.into_iter().zip(resolved) {
            if parents.get(&id).cloned().flatten() != parent {
                report.repair(
                    "replies whose parent was left out or missing, moved to the nearest kept ancestor",
                    id,
                );
            }
            new.insert(i, (article, parent));
        }
    }
    new
}

/// The second pass: converts each new comment and appends it to its
/// article's spool file. Returns the articles that got comments, in order.
fn spool_new_comments(
    export: &Path,
    merge: &Merge,
    articles: &SiteArticles,
    spool: &Path,
    report: &mut ImportReport,
) -> Result<BTreeSet<usize>, ImportError> {
    let mut reader = RecordReader::open(export, DISQUS, "Disqus")?;
    let mut spooled = BTreeSet::new();
    let mut position = 0;
    while let Some(record) = reader.next_record()? {
        if record.name != "post" {
            continue;
        }
        let i = position;
        position += 1;
        let Some((article, parent)) = merge.new.get(&i) else {
            continue;
        };
        let fallback = articles.list[*article].date;
        let comment = comment_file(&record, parent.clone(), fallback, report);
        append(&spool_file(spool, *article), &thread_text(&[comment]))?;
        spooled.insert(*article);
        report.count("comments", 1);
    }
    Ok(spooled)
}

/// A new comment from its `<post>`.
fn comment_file(
    post: &Element,
    parent: Option<String>,
    fallback_date: DateTime<FixedOffset>,
    report: &mut ImportReport,
) -> CommentFile {
    let id = format!("{ID_PREFIX}{}", dsq_id(post, None).unwrap_or_default());
    let date = DateTime::parse_from_rfc3339(field_text(post, "createdAt")).unwrap_or_else(|_| {
        report.repair("comments without a date, dated like their article", &id);
        fallback_date
    });
    let author = field(post, "author").map_or(String::new(), |a| plain_text(field_text(a, "name")));
    let author = if author.is_empty() {
        report.repair(
            format!("comments without a name, shown as “{ANONYMOUS}”"),
            &id,
        );
        ANONYMOUS.to_string()
    } else {
        author
    };
    let message = field_text(post, "message");
    let mut body = comment_markdown(message).markdown;
    if body.trim().is_empty() {
        // The survey saw text in it: keep that text rather than lose it.
        body = plain_text(message);
    }
    CommentFile {
        id,
        parent,
        author,
        date,
        url: None,
        body,
    }
}

fn spool_file(spool: &Path, article: usize) -> PathBuf {
    spool.join(format!("{article}.toml"))
}

/// Appends `text` to a spool file, creating it.
fn append(path: &Path, text: &str) -> Result<(), ImportError> {
    let error = |source| ImportError::Write {
        path: path.to_path_buf(),
        source,
    };
    let mut file = OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(error)?;
    file.write_all(text.as_bytes()).map_err(error)?;
    file.write_all(b"\n").map_err(error)
}

/// Rewrites `thread` (atomically) as its old text followed by the spooled comments.
fn append_to_thread(thread: &Path, spooled: &Path) -> Result<(), ImportError> {
    let read = |path: &Path| {
        std::fs::read_to_string(path).map_err(|source| ImportError::Read {
            path: path.to_path_buf(),
            source,
        })
    };
    let mut text = if thread.exists() {
        read(thread)?
    } else {
        String::new()
    };
    if !text.is_empty() {
        if !text.ends_with('\n') {
            text.push('\n');
        }
        text.push('\n');
    }
    text.push_str(read(spooled)?.trim_end());
    text.push('\n');
    replace_atomically(thread, &text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_ignore_host_query_and_trailing_slash() {
        assert_eq!(
            normalized_path(&url_path("http://old.example.org/2016/08/a?utm=x")),
            "/2016/08/a"
        );
        assert_eq!(
            normalized_path(&url_path("https://x.org/2016/08/a/")),
            "/2016/08/a"
        );
        assert_eq!(normalized_path(&url_path("https://x.org")), "/");
        assert_eq!(normalized_path("/%d8%a5/"), "/إ");
    }

    #[test]
    fn an_id_is_trimmed_and_one_with_a_space_inside_is_none() {
        let post = |id: &str| Element {
            ns: Ns::Disqus,
            name: "post".into(),
            attrs: vec![(Ns::DisqusInternals, "id".into(), id.into())],
            text: String::new(),
            children: Vec::new(),
        };
        assert_eq!(dsq_id(&post(" 8001\n"), None), Some("8001"));
        assert_eq!(dsq_id(&post("80\n01"), None), None);
        assert_eq!(dsq_id(&post("8 001"), None), None);
        assert_eq!(dsq_id(&post("  "), None), None);
    }
}
