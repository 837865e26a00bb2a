//! Tags: their URL slugs and the merging of tags that slug alike.

use std::collections::BTreeMap;

use crate::content::ArticleSource;
use crate::error::{Error, Location};

use super::Tag;
use crate::slug::slugify;

/// Every tag used by `articles`, one per slug, sorted by slug. Spellings that
/// slug alike merge; the most used spelling names the tag (ties: the first in
/// sort order), so the name does not change with each new article. A tag with
/// nothing to make a slug from is an error.
pub fn collect_tags(articles: &[ArticleSource], errors: &mut Vec<Error>) -> Vec<Tag> {
    let mut spellings: BTreeMap<String, BTreeMap<&str, usize>> = BTreeMap::new();
    for article in articles {
        for name in &article.tags {
            let slug = slugify(name);
            if slug.is_empty() {
                errors.push(Error::InvalidValue {
                    at: Location::file(&article.path),
                    message: format!(
                        "tag `{name}` has no letters or digits to make a URL from; rename it"
                    ),
                });
                continue;
            }
            *spellings.entry(slug).or_default().entry(name).or_default() += 1;
        }
    }
    spellings
        .into_iter()
        .map(|(slug, names)| {
            let most_used = names.iter().max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)));
            Tag {
                permalink: format!("/tags/{slug}/"),
                name: most_used
                    .map(|(name, _)| name.to_string())
                    .unwrap_or_default(),
                slug,
                articles: Vec::new(),
            }
        })
        .collect()
}
