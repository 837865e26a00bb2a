//! URL slugs, for tags and heading anchors.

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
    use super::slugify;

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
}
