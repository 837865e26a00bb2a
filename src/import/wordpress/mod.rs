//! `scholia import wordpress`: a WordPress export (WXR 1.0–1.2) → a new site.
//!
//! Two streaming passes over the export. The first surveys it (links, dates,
//! names, authors, attachments); the [`plan`] then decides slugs, the
//! permalink pattern and author ids; the second pass converts posts, pages
//! and comments in parallel batches and writes them into a temporary folder
//! beside the target, which is moved into place only when all went well.
//! The full mapping is documented in `docs/import.md`.

mod comments;
mod plan;
mod records;

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset};
use rayon::prelude::*;

use self::comments::{ThreadInput, build_thread};
use self::plan::{Plan, Survey, resolve_date};
use self::records::{Author, Channel, Item, ItemKind};
use super::html::{ConversionNote, article_markdown, comment_markdown, plain_text};
use super::uploads::Uploads;
use super::write::{
    ArticleFile, AuthorFile, PageFile, SiteBuild, SiteFile, thread_text, write_new,
};
use super::xml::{Ns, RecordReader};
use super::{ImportError, ImportReport};
use crate::slug::slugify;

/// The element whose children are an export's records.
const CHANNEL: &[&str] = &["rss", "channel"];
/// Items converted together; bounds memory while keeping both cores busy.
const BATCH: usize = 256;
/// The base URL written when the export has no usable one.
const PLACEHOLDER_URL: &str = "https://example.org";

/// What `scholia import wordpress` may do besides the defaults.
#[derive(Debug, Clone, Default)]
pub struct WordpressOptions {
    /// A copy of the site's `wp-content/uploads`: referenced files are copied
    /// into their article's bundle.
    pub uploads: Option<PathBuf>,
    /// Keep pingbacks and trackbacks as comments.
    pub pingbacks: bool,
}

/// Imports `export` into the new site folder `into` (absent or empty).
pub fn import(
    export: &Path,
    into: &Path,
    options: &WordpressOptions,
) -> Result<ImportReport, ImportError> {
    check_target(into)?;
    let uploads = match &options.uploads {
        Some(dir) if dir.is_dir() => Some(Uploads::new(dir)),
        Some(dir) => return Err(ImportError::UploadsNotAFolder { dir: dir.clone() }),
        None => None,
    };
    let survey = survey(export)?;
    let plan = Plan::new(&survey);
    let staging = Staging::beside(into)?;
    let mut report = ImportReport::default();
    for kind in ["posts", "drafts", "pages", "authors", "comments"] {
        report.count(kind, 0);
    }
    let context = Context {
        survey: &survey,
        plan: &plan,
        uploads: uploads.as_ref(),
        pingbacks: options.pingbacks,
        root: staging.path(),
    };
    convert_items(export, &context, &mut report)?;
    write_authors(&context, &mut report)?;
    write_site_file(&context)?;
    report_plan(&plan, &mut report);
    staging.publish(into)?;
    Ok(report)
}

/// Refuses a target that already holds files.
fn check_target(into: &Path) -> Result<(), ImportError> {
    let not_empty = match std::fs::read_dir(into) {
        Ok(mut entries) => entries.next().is_some(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => false,
        Err(_) => into.exists(),
    };
    if not_empty {
        return Err(ImportError::TargetNotEmpty {
            dir: into.to_path_buf(),
        });
    }
    Ok(())
}

/// The first pass: everything the plan needs, and a check that the whole
/// export is well-formed before anything is written.
fn survey(export: &Path) -> Result<Survey, ImportError> {
    let mut reader = RecordReader::open(export, CHANNEL, "WordPress")?;
    let mut survey = Survey::default();
    while let Some(record) = reader.next_record()? {
        if record.is(Ns::Wp, "author") {
            survey.authors.push(Author::read(&record));
        } else if record.is(Ns::None, "item") {
            let item = Item::read(&record);
            match item.kind {
                ItemKind::Post | ItemKind::Page => survey.add_post(&item),
                ItemKind::Attachment => survey.add_attachment(&item),
                _ => {}
            }
        } else {
            survey.channel.read(&record);
        }
    }
    Ok(survey)
}

/// What converting one item needs.
struct Context<'a> {
    survey: &'a Survey,
    plan: &'a Plan,
    uploads: Option<&'a Uploads>,
    pingbacks: bool,
    /// The staging folder: the new site's root.
    root: &'a Path,
}

/// The second pass: converts posts and pages in batches, writing each
/// batch's files in export order.
fn convert_items(
    export: &Path,
    context: &Context<'_>,
    report: &mut ImportReport,
) -> Result<(), ImportError> {
    let mut reader = RecordReader::open(export, CHANNEL, "WordPress")?;
    let mut batch = Vec::with_capacity(BATCH);
    let mut ordinal = 0;
    while let Some(record) = reader.next_record()? {
        if !record.is(Ns::None, "item") {
            continue;
        }
        let item = Item::read(&record);
        match &item.kind {
            ItemKind::Post | ItemKind::Page => {
                batch.push((ordinal, item));
                ordinal += 1;
            }
            ItemKind::Attachment => report.skip(
                "attachments (media library entries; files that posts use are copied with --uploads)",
                item.label(),
            ),
            ItemKind::MenuItem => report.skip("navigation menu items", item.label()),
            ItemKind::Revision => report.skip("revisions", item.label()),
            ItemKind::Other(kind) => {
                report.skip(format!("items of post type `{kind}`"), item.label())
            }
        }
        if batch.len() == BATCH {
            write_batch(std::mem::take(&mut batch), context, report)?;
        }
    }
    write_batch(batch, context, report)
}

/// Converts a batch in parallel, then writes it in order.
fn write_batch(
    batch: Vec<(usize, Item)>,
    context: &Context<'_>,
    report: &mut ImportReport,
) -> Result<(), ImportError> {
    let outputs: Vec<ItemOutput> = batch
        .into_par_iter()
        .map(|(ordinal, item)| convert_item(ordinal, &item, context))
        .collect();
    for output in outputs {
        for (path, text) in &output.files {
            write_new(&context.root.join(path), text)?;
        }
        for (from, to) in &output.copies {
            copy(from, &context.root.join(to))?;
        }
        report.merge(output.report);
    }
    Ok(())
}

/// The files one item becomes, and what the report should say of it.
#[derive(Default)]
struct ItemOutput {
    /// (path under the site root, text).
    files: Vec<(PathBuf, String)>,
    /// (source, path under the site root).
    copies: Vec<(PathBuf, PathBuf)>,
    report: ImportReport,
}

/// One post or page → its files.
fn convert_item(ordinal: usize, item: &Item, context: &Context<'_>) -> ItemOutput {
    let mut out = ItemOutput::default();
    let label = item.label();
    let draft = match item.status.as_str() {
        "publish" if item.protected => {
            out.report
                .repair("password-protected posts, imported as drafts", &label);
            true
        }
        "publish" => false,
        "trash" => {
            out.report.skip("trashed posts", label);
            return out;
        }
        "auto-draft" => {
            out.report.skip(
                "auto-drafts (empty drafts WordPress saved on its own)",
                label,
            );
            return out;
        }
        _ => true,
    };
    let Some(slug) = context.plan.slugs[ordinal].clone() else {
        out.report.skip(
            "items repeated in the export (same post id), imported once",
            label,
        );
        return out;
    };
    let title = if item.title.is_empty() {
        out.report
            .repair("posts without a title, titled “Untitled”", &label);
        "Untitled".to_string()
    } else {
        item.title.clone()
    };
    if item.kind == ItemKind::Page {
        let aliases = context.plan.aliases[ordinal].iter().cloned().collect();
        convert_page(item, slug, title, draft, aliases, context, &mut out);
    } else {
        convert_post(ordinal, item, slug, title, draft, context, &mut out);
    }
    out
}

/// A page → `content/pages/<slug>.md`. Pages have no threads, so their
/// comments are reported, not imported.
fn convert_page(
    item: &Item,
    slug: String,
    title: String,
    draft: bool,
    aliases: Vec<String>,
    context: &Context<'_>,
    out: &mut ItemOutput,
) {
    // Pages are single files: their uploads go to static/<slug>/, which is
    // published beside the page at /<slug>/.
    let body = body_markdown(item, &Path::new("static").join(&slug), context, out);
    for comment in &item.comments {
        out.report.skip(
            "comments on pages (scholia pages have no comment threads)",
            format!("comment {} on {}", comment.id, item.label()),
        );
    }
    let page = PageFile {
        title,
        draft,
        aliases,
        body,
    };
    out.files.push((
        Path::new("content/pages").join(format!("{slug}.md")),
        page.to_text(),
    ));
    out.report.count("pages", 1);
}

/// A post → the bundle `content/articles/<slug>/` with its thread and files.
fn convert_post(
    ordinal: usize,
    item: &Item,
    slug: String,
    title: String,
    draft: bool,
    context: &Context<'_>,
    out: &mut ItemOutput,
) {
    let label = item.label();
    let bundle = Path::new("content/articles").join(&slug);
    let date = post_date(item, context, &label, &mut out.report);
    let body = body_markdown(item, &bundle, context, out);
    let thread = build_thread(
        &ThreadInput {
            comments: &item.comments,
            label: &label,
            post_date: date,
            site_offset: context.plan.site_offset,
            pingbacks: context.pingbacks,
        },
        &mut out.report,
    );
    let article = ArticleFile {
        title,
        date,
        authors: post_authors(item, context),
        tags: post_tags(item, &mut out.report),
        summary: Some(comment_markdown(&item.excerpt).markdown).filter(|s| !s.trim().is_empty()),
        draft,
        comments_closed: item.comments_closed,
        aliases: context.plan.aliases[ordinal].iter().cloned().collect(),
        extra: item
            .id
            .map(|id| toml::Table::from_iter([("wordpress_id".into(), (id as i64).into())]))
            .unwrap_or_default(),
        body,
    };
    out.files.push((bundle.join("index.md"), article.to_text()));
    if !thread.is_empty() {
        out.files
            .push((bundle.join("comments.toml"), thread_text(&thread)));
    }
    out.report.count(if draft { "drafts" } else { "posts" }, 1);
    out.report.count("comments", thread.len());
}

/// An item's body as Markdown. With `--uploads`, the files it uses are
/// copied into `folder` (which is published beside the page) and the body
/// points at them.
fn body_markdown(
    item: &Item,
    folder: &Path,
    context: &Context<'_>,
    out: &mut ItemOutput,
) -> String {
    let label = item.label();
    let converted = article_markdown(&item.content, item.id.unwrap_or(0), &context.survey.media);
    note_conversion(&converted.notes, &label, &mut out.report);
    let Some(uploads) = context.uploads else {
        return converted.markdown;
    };
    // After converting, so that a gallery's images, which come from the
    // media library rather than the body, are copied too.
    let localized = uploads.localize(&converted.markdown);
    for (source, name) in localized.files {
        out.copies.push((source, folder.join(name)));
    }
    for url in localized.missing {
        out.report.repair(
            "images not found in --uploads, kept at their old address",
            format!("{url} in {label}"),
        );
    }
    localized.html
}

/// The post's date: from its GMT and local dates, else its `pubDate`, else
/// when it was last modified, else when the export was made.
fn post_date(
    item: &Item,
    context: &Context<'_>,
    label: &str,
    report: &mut ImportReport,
) -> DateTime<FixedOffset> {
    let offset = context.plan.site_offset;
    if let Some(date) = resolve_date(item.date_local, item.date_gmt, offset) {
        return date;
    }
    let fallback = item
        .pub_date
        .or_else(|| resolve_date(None, item.modified_gmt, offset))
        .or(context.survey.channel.exported)
        .unwrap_or_default();
    report.repair(
        "posts without a date, dated by their feed date, last change or the export",
        label,
    );
    fallback
}

/// The post's authors: its creator, then any co-authors (`domain="author"`).
fn post_authors(item: &Item, context: &Context<'_>) -> Vec<String> {
    let logins = std::iter::once(item.creator.as_str()).chain(
        item.terms
            .iter()
            .filter(|(domain, _, _)| domain == "author")
            .map(|(_, _, name)| name.as_str()),
    );
    let mut authors: Vec<String> = Vec::new();
    for login in logins {
        if let Some(id) = context.plan.author_ids.get(login)
            && !authors.contains(id)
        {
            authors.push(id.clone());
        }
    }
    authors
}

/// Categories and tags, as tags (scholia has one kind of label), without
/// WordPress's default "Uncategorized" and without repeats.
fn post_tags(item: &Item, report: &mut ImportReport) -> Vec<String> {
    let mut seen = HashSet::new();
    let mut tags = Vec::new();
    for (domain, nicename, name) in &item.terms {
        if domain != "category" && domain != "post_tag" {
            continue;
        }
        if domain == "category" && nicename == "uncategorized" {
            report.skip("the default category “Uncategorized”", item.label());
            continue;
        }
        if !name.is_empty() && seen.insert(slugify(name)) {
            tags.push(name.clone());
        }
    }
    tags
}

/// Puts what a conversion noticed into the report.
fn note_conversion(notes: &[ConversionNote], label: &str, report: &mut ImportReport) {
    for note in notes {
        match note {
            ConversionNote::UnknownShortcode(name) => {
                report.repair(format!("unknown shortcode [{name}], kept as text"), label)
            }
            ConversionNote::KeptAsHtml => report.repair(
                "bodies kept as HTML, since Markdown would have lost text",
                label,
            ),
            ConversionNote::EmptyGallery => report.repair(
                "galleries whose images are not in the export, kept as text",
                label,
            ),
        }
    }
}

/// `content/authors/<id>.md` for every author the export lists or a post names.
fn write_authors(context: &Context<'_>, report: &mut ImportReport) -> Result<(), ImportError> {
    let listed: std::collections::HashMap<&str, &Author> = context
        .survey
        .authors
        .iter()
        .map(|a| (a.login.as_str(), a))
        .collect();
    let mut ids: Vec<(&String, &String)> = context.plan.author_ids.iter().collect();
    ids.sort_by(|a, b| a.1.cmp(b.1));
    for (login, id) in ids {
        let author = match listed.get(login.as_str()) {
            Some(author) => AuthorFile {
                name: Some(author.display_name.clone())
                    .filter(|n| !n.is_empty() && !n.contains('@'))
                    .unwrap_or_else(|| public_login(login, id)),
                bio: comment_markdown(&author.description).markdown,
            },
            None => {
                report.repair(
                    "authors named by posts but missing from the export's list, created",
                    id.as_str(),
                );
                AuthorFile {
                    name: public_login(login, id),
                    bio: String::new(),
                }
            }
        };
        write_new(
            &context
                .root
                .join("content/authors")
                .join(format!("{id}.md")),
            &author.to_text(),
        )?;
        report.count("authors", 1);
    }
    if context.plan.email_logins > 0 {
        report.repair(
            "authors whose login is an e-mail address (never written): id from the display name",
            format!("{} authors", context.plan.email_logins),
        );
    }
    Ok(())
}

/// A login fit to show as a name: never an e-mail address.
fn public_login(login: &str, id: &str) -> String {
    if login.contains('@') || login.is_empty() {
        id.to_string()
    } else {
        plain_text(login)
    }
}

/// `site.toml`: the blog's name, address and language, and the permalink
/// pattern that keeps its old URLs.
fn write_site_file(context: &Context<'_>) -> Result<(), ImportError> {
    let channel: &Channel = &context.survey.channel;
    let url = channel.url.trim();
    let site = SiteFile {
        title: Some(channel.title.clone())
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| "Imported archive".into()),
        base_url: if url.starts_with("http://") || url.starts_with("https://") {
            url.trim_end_matches('/').to_string()
        } else {
            PLACEHOLDER_URL.into()
        },
        description: channel.description.clone(),
        language: Some(channel.language.clone())
            .filter(|l| !l.is_empty())
            .unwrap_or_else(|| "en".into()),
        build: SiteBuild {
            permalink: context.plan.permalink.clone(),
        },
    };
    write_new(&context.root.join("site.toml"), &site.to_text())
}

/// What the plan decided that the user should know.
fn report_plan(plan: &Plan, report: &mut ImportReport) {
    for link in &plan.unkeepable_links {
        report.skip(
            "old URLs no static host can redirect (a query string such as ?p=N, or `..`, `\\`, `?` or `#` in the path, or a part too long for a file name)",
            link.as_str(),
        );
    }
    for path in &plan.taken_aliases {
        report.skip(
            "old URLs now taken by another article or page, or by a page scholia writes",
            path.as_str(),
        );
    }
    for alias in plan.aliases.iter().flatten() {
        report.repair(
            "old URLs off the permalink pattern, kept as aliases",
            alias.as_str(),
        );
    }
}

/// Copies an uploaded file into a bundle.
fn copy(from: &Path, to: &Path) -> Result<(), ImportError> {
    let error = |source| ImportError::Write {
        path: to.to_path_buf(),
        source,
    };
    if let Some(folder) = to.parent() {
        std::fs::create_dir_all(folder).map_err(error)?;
    }
    std::fs::copy(from, to).map(|_| ()).map_err(error)
}

/// The temporary folder a site is written into, beside its final place.
struct Staging(tempfile::TempDir);

impl Staging {
    fn beside(into: &Path) -> Result<Staging, ImportError> {
        let parent = match into.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        let error = |source| ImportError::Write {
            path: into.to_path_buf(),
            source,
        };
        std::fs::create_dir_all(parent).map_err(error)?;
        tempfile::Builder::new()
            .prefix(".scholia-import-")
            .tempdir_in(parent)
            .map(Staging)
            .map_err(error)
    }

    fn path(&self) -> &Path {
        self.0.path()
    }

    /// Moves the finished site to `into` (absent or an empty folder).
    fn publish(self, into: &Path) -> Result<(), ImportError> {
        let error = |source| ImportError::Write {
            path: into.to_path_buf(),
            source,
        };
        if into.is_dir() {
            std::fs::remove_dir(into).map_err(error)?;
        }
        std::fs::rename(self.0.path(), into).map_err(error)?;
        // Renamed away: there is nothing left for the guard to remove.
        let _ = self.0.keep();
        Ok(())
    }
}
