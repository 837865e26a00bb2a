//! URL slugs, for tags, heading anchors and the slugs and ids an import makes.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// The URL slug of a name (a tag, a heading).
///
/// Letters and digits are kept, lowercased; every run of anything else becomes
/// one hyphen. Latin letters with accents fold to plain ASCII ("Türkiye" →
/// `turkiye`, as people type it), while other scripts stay as they are ("إيران"
/// → `إيران`, "Россия" → `россия`): transliterating them is lossy and could
/// merge distinct tags. Text is normalized (NFC) first, so "Türkiye" typed with
/// a combining diaeresis slugs the same; combining marks are kept where they
/// belong to another script (Arabic hamza, Devanagari vowel signs).
pub fn slugify(name: &str) -> String {
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

/// The longest slug made from a name, in bytes (WordPress's own limit for a
/// slug). It leaves room for a `-<n>` that makes a slug unique within the
/// longest folder or file name a file system allows (255 bytes), and a name
/// can be any length.
pub const MAX_SLUG_BYTES: usize = 200;

/// The slug of a tag name: [`slugify`], cut to [`MAX_SLUG_BYTES`]. The tag's
/// pages live in a folder of that name, so a longer one could not be written.
pub fn tag_slug(name: &str) -> String {
    let mut slug = slugify(name);
    let end = shortened(&slug).len();
    slug.truncate(end);
    slug
}

/// `slug` cut to at most [`MAX_SLUG_BYTES`] at a character boundary, without
/// a hyphen left at the end.
pub fn shortened(slug: &str) -> &str {
    let mut end = slug.len().min(MAX_SLUG_BYTES);
    while !slug.is_char_boundary(end) {
        end -= 1;
    }
    slug[..end].trim_end_matches('-')
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

#[cfg(test)]
mod tests {
    use super::{MAX_SLUG_BYTES, slugify, tag_slug};

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
            assert_eq!(slugify(name), slug, "{name}");
        }
    }

    #[test]
    fn tag_slugs_are_cut_at_a_character_boundary_without_a_trailing_hyphen() {
        assert_eq!(tag_slug("Middle East"), "middle-east");
        // 199 bytes, then a hyphen at byte 200, then more.
        let name = format!("{} {}", "a".repeat(199), "b".repeat(100));
        assert_eq!(tag_slug(&name), "a".repeat(199));
        // Two-byte letters: 200 bytes is exactly 100 of them.
        let cyrillic = "ж".repeat(150);
        assert_eq!(tag_slug(&cyrillic), "ж".repeat(100));
        // Three-byte letters: 200 is not a boundary, so 198 bytes are kept.
        let devanagari = "क".repeat(100);
        let slug = tag_slug(&devanagari);
        assert_eq!(slug, "क".repeat(66));
        assert!(slug.len() <= MAX_SLUG_BYTES);
    }
}
