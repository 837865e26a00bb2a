//! Tags: their URL slugs and the merging of tags that slug alike.

use std::collections::BTreeMap;

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use crate::content::ArticleSource;
use crate::error::{Error, Location};

use super::Tag;

/// The URL slug of a tag.
///
/// Letters and digits are kept, lowercased; every run of anything else becomes
/// one hyphen. Latin letters with accents fold to plain ASCII ("Türkiye" →
/// `turkiye`, as people type it), while other scripts stay as they are ("إيران"
/// → `إيران`, "Россия" → `россия`): transliterating them is lossy and could
/// merge distinct tags. Text is normalized (NFC) first, so "Türkiye" typed with
/// a combining diaeresis slugs the same; combining marks are kept where they
/// belong to another script (Arabic hamza, Devanagari vowel signs).
pub fn slugify_tag(name: &str) -> String {
    let mut slug = String::with_capacity(name.len());
    let mut pending_hyphen = false;
    let mut after_other_script = false;
    for c in name.nfc() {
        if is_combining_mark(c) {
            if after_other_script {
                slug.push(c);
            }
        } else if c.is_alphanumeric() {
            if pending_hyphen && !slug.is_empty() {
                slug.push('-');
            }
            pending_hyphen = false;
            after_other_script = !c.is_ascii() && !is_latin(c);
            push_folded(&mut slug, c);
        } else {
            pending_hyphen = true;
            after_other_script = false;
        }
    }
    slug
}

/// Pushes a letter or digit, lowercased, folding Latin letters to ASCII.
fn push_folded(slug: &mut String, c: char) {
    if c.is_ascii() {
        slug.push(c.to_ascii_lowercase());
    } else if is_latin(c) {
        let folded = deunicode::deunicode_char(c).unwrap_or("");
        slug.extend(
            folded
                .chars()
                .filter(char::is_ascii_alphanumeric)
                .map(|c| c.to_ascii_lowercase()),
        );
    } else {
        slug.extend(c.to_lowercase());
    }
}

/// Latin letters outside ASCII (Latin-1 Supplement, Extended-A/B, Extended Additional).
fn is_latin(c: char) -> bool {
    matches!(c, '\u{00C0}'..='\u{024F}' | '\u{1E00}'..='\u{1EFF}')
}

/// Every tag used by `articles`, one per slug, sorted by slug. Spellings that
/// slug alike merge; the most used spelling names the tag (ties: the first in
/// sort order), so the name does not change with each new article. A tag with
/// nothing to make a slug from is an error.
pub fn collect_tags(articles: &[ArticleSource], errors: &mut Vec<Error>) -> Vec<Tag> {
    let mut spellings: BTreeMap<String, BTreeMap<&str, usize>> = BTreeMap::new();
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

#[cfg(test)]
mod tests {
    use super::slugify_tag;

    #[test]
    fn slugs() {
        for (name, slug) in [
            ("Iran", "iran"),
            ("Middle East", "middle-east"),
            ("U.S. Foreign Policy", "u-s-foreign-policy"),
            ("Türkiye", "turkiye"),
            ("Tu\u{308}rkiye", "turkiye"),
            ("Ælfred", "aelfred"),
            ("إيران", "إيران"),
            ("Россия", "россия"),
            ("हिन्दी", "हिन्दी"),
            ("  C++ / Rust!  ", "c-rust"),
            ("!!!", ""),
        ] {
            assert_eq!(slugify_tag(name), slug, "{name}");
        }
    }
}
