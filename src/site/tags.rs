//! Tags: their URL slugs and the merging of tags that slug alike.

use std::collections::BTreeMap;

use crate::content::ArticleSource;
use crate::error::{Error, Location};

use super::Tag;

/// The URL slug of a tag: transliterated to ASCII, lowercased, with runs of other
/// characters turned into single hyphens ("Türkiye" → "turkiye").
pub fn slugify_tag(name: &str) -> String {
    slug::slugify(name)
}

/// Every tag used by `articles`, one per slug (the first spelling met names it),
/// sorted by slug. A tag with nothing to make a slug from is an error.
pub fn collect_tags(articles: &[ArticleSource], errors: &mut Vec<Error>) -> Vec<Tag> {
    let mut by_slug: BTreeMap<String, String> = BTreeMap::new();
    for article in articles {
        for name in &article.tags {
            let slug = slugify_tag(name);
            if slug.is_empty() {
                errors.push(Error::InvalidValue {
                    at: Location::file(&article.path),
                    message: format!(
                        "tag `{name}` has no letters or digits to make a URL from; rename it"
                    ),
                });
                continue;
            }
            by_slug.entry(slug).or_insert_with(|| name.clone());
        }
    }
    by_slug
        .into_iter()
        .map(|(slug, name)| Tag {
            permalink: format!("/tags/{slug}/"),
            name,
            slug,
            articles: Vec::new(),
        })
        .collect()
}
