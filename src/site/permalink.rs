//! Article URLs from the `[build] permalink` pattern.

use chrono::{DateTime, FixedOffset};

use crate::error::{AliasProblem, PermalinkProblem, SlugProblem};

/// The tokens a permalink pattern may use.
const TOKENS: &[&str] = &["{year}", "{month}", "{day}", "{slug}"];

/// Checks a pattern: it starts and ends with `/`, names `{slug}`, and uses no
/// token other than `{year}`, `{month}`, `{day}`, `{slug}`.
pub fn validate_pattern(pattern: &str) -> Result<(), PermalinkProblem> {
    if !pattern.starts_with('/') || !pattern.ends_with('/') {
        return Err(PermalinkProblem::NotSlashed);
    }
    if !pattern.contains("{slug}") {
        return Err(PermalinkProblem::NoSlug);
    }
    let mut rest = pattern;
    while let Some(open) = rest.find('{') {
        let close = rest[open..].find('}').ok_or(PermalinkProblem::Unclosed)?;
        let token = &rest[open..open + close + 1];
        if !TOKENS.contains(&token) {
            return Err(PermalinkProblem::UnknownToken(token.to_string()));
        }
        rest = &rest[open + close + 1..];
    }
    Ok(())
}

/// The URL path of an article (starting and ending with `/`).
pub fn resolve(pattern: &str, date: &DateTime<FixedOffset>, slug: &str) -> String {
    pattern
        .replace("{year}", &date.format("%Y").to_string())
        .replace("{month}", &date.format("%m").to_string())
        .replace("{day}", &date.format("%d").to_string())
        .replace("{slug}", slug)
}

/// The longest name, in UTF-8 bytes, that a folder or file of the output
/// may have: what ext4, XFS, Btrfs and APFS allow (NTFS counts 255 UTF-16
/// units, never fewer characters). A URL segment longer than this cannot be
/// written as a folder.
pub const MAX_SEGMENT_BYTES: usize = 255;

/// Checks that a slug can be one folder of a URL path: not empty, no `/`, `\`,
/// `?`, `#`, not `.` or `..` (which would escape the output folder), and at
/// most [`MAX_SEGMENT_BYTES`] long.
pub fn validate_slug(slug: &str) -> Result<(), SlugProblem> {
    if slug.is_empty() || slug == "." || slug == ".." {
        return Err(SlugProblem::NotASegment);
    }
    if slug.len() > MAX_SEGMENT_BYTES {
        return Err(SlugProblem::TooLong(slug.len()));
    }
    match slug
        .chars()
        .find(|c| matches!(c, '/' | '\\' | '?' | '#') || c.is_control())
    {
        Some(c) => Err(SlugProblem::Character(c)),
        None => Ok(()),
    }
}

/// An alias as a site-root path: a leading `/` is added if missing. Full URLs,
/// `..` segments, query strings, fragments and segments longer than
/// [`MAX_SEGMENT_BYTES`] are refused, since a static host can serve none of
/// them as a redirect page.
pub fn normalize_alias(alias: &str) -> Result<String, AliasProblem> {
    let alias = alias.trim();
    if alias.contains("://") {
        return Err(AliasProblem::FullUrl);
    }
    if alias.contains(['?', '#', '\\']) || alias.split('/').any(|s| s == ".." || s == ".") {
        return Err(AliasProblem::NotAPlainPath);
    }
    let path = if alias.starts_with('/') {
        alias.to_string()
    } else {
        format!("/{alias}")
    };
    if path == "/" {
        return Err(AliasProblem::SiteRoot);
    }
    if let Some(long) = path.split('/').find(|s| s.len() > MAX_SEGMENT_BYTES) {
        return Err(AliasProblem::SegmentTooLong(long.len()));
    }
    if path.rsplit('/').next().is_some_and(is_host_file) {
        return Err(AliasProblem::HostFile);
    }
    Ok(path)
}

/// File names that a host would not serve as a page: its own settings
/// (Apache, IIS, PHP, Netlify, Cloudflare Pages, GitHub Pages) and programs
/// it runs (Cloudflare's `_worker.js`, server-side scripts). An alias whose
/// last segment has a dot is written as a file of that name, and a redirect
/// page there would break the host or be run (or offered as a download)
/// instead of shown. Compared without case, as Windows hosts and Apache's
/// handler mapping do.
fn is_host_file(name: &str) -> bool {
    const SETTINGS: &[&str] = &[
        ".htaccess",
        ".htpasswd",
        ".user.ini",
        "web.config",
        "_worker.js",
        "_headers",
        "_redirects",
        "_routes.json",
        "netlify.toml",
        ".nojekyll",
    ];
    const PROGRAMS: &[&str] = &[
        "php", "php3", "php4", "php5", "php7", "php8", "phtml", "phar", "cgi", "pl", "asp", "aspx",
        "jsp", "shtml",
    ];
    let name = name.to_ascii_lowercase();
    SETTINGS.contains(&name.as_str())
        || name
            .rsplit_once('.')
            .is_some_and(|(_, extension)| PROGRAMS.contains(&extension))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_date_tokens() {
        let date = DateTime::parse_from_rfc3339("2016-08-02T09:30:00Z").unwrap();
        assert_eq!(
            resolve("/{year}/{month}/{day}/{slug}/", &date, "x"),
            "/2016/08/02/x/"
        );
    }

    #[test]
    fn rejects_bad_patterns() {
        assert!(validate_pattern("/articles/{slug}/").is_ok());
        assert!(validate_pattern("articles/{slug}/").is_err());
        assert!(validate_pattern("/articles/").is_err());
        assert_eq!(
            validate_pattern("/{hour}/{slug}/"),
            Err(PermalinkProblem::UnknownToken("{hour}".into()))
        );
    }

    #[test]
    fn aliases_are_root_paths() {
        assert_eq!(normalize_alias("2016/08/x/").unwrap(), "/2016/08/x/");
        assert_eq!(normalize_alias("/old.html").unwrap(), "/old.html");
        assert_eq!(
            normalize_alias("https://a.org/x/"),
            Err(AliasProblem::FullUrl)
        );
        assert_eq!(normalize_alias("/../x/"), Err(AliasProblem::NotAPlainPath));
        assert_eq!(normalize_alias("/"), Err(AliasProblem::SiteRoot));
    }

    #[test]
    fn aliases_that_hosts_would_run_or_obey_are_refused() {
        for alias in [
            "/_worker.js",
            "/.htaccess",
            "/blog/Old.PHP",
            "/x/web.config",
            "/_redirects",
        ] {
            assert_eq!(
                normalize_alias(alias),
                Err(AliasProblem::HostFile),
                "{alias}"
            );
        }
        // As folders they are pages like any other; and a dot elsewhere is fine.
        for alias in [
            "/old.php/",
            "/blog/index.html",
            "/2016/08/post.htm",
            "/php/x/",
        ] {
            assert!(normalize_alias(alias).is_ok(), "{alias}");
        }
    }

    #[test]
    fn a_segment_too_long_for_a_file_name_is_refused() {
        let longest = "é".repeat(MAX_SEGMENT_BYTES / 2) + "x";
        let long = "é".repeat(MAX_SEGMENT_BYTES / 2 + 1);
        assert_eq!(longest.len(), MAX_SEGMENT_BYTES);
        assert!(validate_slug(&longest).is_ok());
        assert_eq!(validate_slug(&long), Err(SlugProblem::TooLong(256)));
        assert!(normalize_alias(&format!("/2016/{longest}/")).is_ok());
        assert_eq!(
            normalize_alias(&format!("/2016/{long}/x/")),
            Err(AliasProblem::SegmentTooLong(256))
        );
    }

    #[test]
    fn rejects_slugs_that_escape() {
        assert!(validate_slug("..").is_err());
        assert_eq!(validate_slug("a/b"), Err(SlugProblem::Character('/')));
        assert!(validate_slug("ok-slug").is_ok());
    }
}
