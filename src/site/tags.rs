//! Tags: their URL slugs and the merging of tags that slug alike.

use std::collections::BTreeMap;

use super::{Article, Tag};
use crate::slug::tag_slug;

/// Every tag used by `articles`, one per slug, sorted by slug. Spellings that
/// slug alike merge; the most used spelling names the tag (ties: the first in
/// sort order), so the name does not change with each new article. Tags with
/// nothing to slug were refused when their article was resolved.
pub fn collect_tags(articles: &[Article]) -> Vec<Tag> {
    let mut spellings: BTreeMap<String, BTreeMap<&str, usize>> = BTreeMap::new();
    for name in articles.iter().flat_map(|a| &a.tag_names) {
        let slug = tag_slug(name);
        if !slug.is_empty() {
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
