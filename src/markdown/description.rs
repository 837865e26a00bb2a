//! A page description (`<meta name="description">`, `og:description`) cut from
//! plain text: whole sentences up to about [`DESCRIPTION_LENGTH`] characters,
//! never a word cut in two.
//!
//! Search engines and link previews show about that much; a whole first
//! paragraph is cut by them wherever it happens to end.

/// About how many characters a description holds (counted as characters, not
/// bytes, so other scripts get as many letters as English).
const DESCRIPTION_LENGTH: usize = 160;

/// A sentence that ends before this many characters is too short to stand for
/// the text: cutting mid-sentence after more words says more.
const SHORTEST_SENTENCE_CUT: usize = DESCRIPTION_LENGTH / 3;

/// Marks the end of a shortened sentence.
const ELLIPSIS: char = '…';

/// Words whose full stop does not end a sentence.
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "st", "sen", "rep", "gen", "gov", "jr", "sr", "vs", "etc",
    "e.g", "i.e", "no", "inc", "ltd", "co",
];

/// `text` (plain, whitespace collapsed) as a description: itself when it is
/// short enough; else the whole sentences that fit in about
/// [`DESCRIPTION_LENGTH`] characters; else as many whole words as fit, with an
/// ellipsis to say the sentence goes on.
pub fn description(text: &str) -> String {
    let text = text.trim();
    if text.chars().count() <= DESCRIPTION_LENGTH {
        return text.to_string();
    }
    // Byte offset of the character just past the limit: everything kept is before it.
    let limit = text
        .char_indices()
        .nth(DESCRIPTION_LENGTH)
        .map_or(text.len(), |(i, _)| i);
    // One character more, so that a sentence ending right at the limit is
    // seen with the space that ends it.
    let with_next = text
        .char_indices()
        .nth(DESCRIPTION_LENGTH + 1)
        .map_or(text.len(), |(i, _)| i);
    if let Some(end) = last_sentence_end(&text[..with_next])
        && text[..end].chars().count() >= SHORTEST_SENTENCE_CUT
    {
        return text[..end].to_string();
    }
    // A space among the first DESCRIPTION_LENGTH characters leaves at most one
    // less before it: room for the ellipsis.
    let words = match text[..limit].rfind(char::is_whitespace) {
        Some(space) => &text[..space],
        // One word longer than the whole description: cut it rather than
        // make a description of nothing.
        None => {
            let room = text
                .char_indices()
                .nth(DESCRIPTION_LENGTH - 1)
                .map_or(text.len(), |(i, _)| i);
            &text[..room]
        }
    };
    let words = words.trim_end_matches(|c: char| {
        c.is_whitespace() || matches!(c, ',' | ';' | ':' | '-' | '–' | '—' | '(' | '“' | '"')
    });
    format!("{words}{ELLIPSIS}")
}

/// The byte offset just past the last sentence that ends within `text` and is
/// followed by white space there (so the next sentence starts after it): its
/// `.`, `!`, `?` or `…`, with any closing quote or bracket after it.
fn last_sentence_end(text: &str) -> Option<usize> {
    let mut last = None;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if !matches!(c, '.' | '!' | '?' | '…') {
            continue;
        }
        let mut end = i + c.len_utf8();
        while let Some(&(j, closing)) = chars.peek() {
            if !matches!(closing, '"' | '\'' | '”' | '’' | ')' | ']' | '»') {
                break;
            }
            end = j + closing.len_utf8();
            chars.next();
        }
        let followed_by_space = text[end..].starts_with(char::is_whitespace);
        if followed_by_space && !(c == '.' && is_abbreviation(&text[..i])) {
            last = Some(end);
        }
    }
    last
}

/// Whether the word that ends `before` (the text up to a full stop) is an
/// abbreviation or an initial ("Dr", "U.S", "J"), whose stop ends no sentence.
fn is_abbreviation(before: &str) -> bool {
    let word = before
        .rsplit(|c: char| c.is_whitespace() || c == '(' || c == '“' || c == '"')
        .next()
        .unwrap_or("");
    let is_initial = word.chars().count() == 1 && word.chars().all(char::is_uppercase);
    is_initial || word.contains('.') || ABBREVIATIONS.contains(&word.to_lowercase().as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sentence_ending_exactly_at_the_limit_is_kept_whole() {
        let first = format!("{}.", "a".repeat(DESCRIPTION_LENGTH - 1));
        let text = format!("{first} And more after it.");
        assert_eq!(description(&text), first);
    }

    fn chars(s: &str) -> usize {
        s.chars().count()
    }

    #[test]
    fn short_text_is_kept_whole() {
        assert_eq!(description("  One sentence.  "), "One sentence.");
    }

    #[test]
    fn long_text_ends_at_the_last_sentence_that_fits() {
        let first = "The first sentence says what the article is about in seventy characters.";
        let second = "A second one adds a detail that still fits well under the limit.";
        let third =
            "A third would run far past the limit, so it is left out of the description entirely.";
        let text = format!("{first} {second} {third}");
        assert_eq!(description(&text), format!("{first} {second}"));
    }

    #[test]
    fn one_long_sentence_is_cut_between_words_with_an_ellipsis() {
        let text = "word ".repeat(60);
        let cut = description(&text);
        assert!(cut.ends_with("word…"), "{cut}");
        assert!(chars(&cut) <= DESCRIPTION_LENGTH, "{cut}");
        assert!(chars(&cut) > DESCRIPTION_LENGTH - 10, "{cut}");
    }

    #[test]
    fn a_short_first_sentence_is_not_all_there_is() {
        let text = format!("Why? {}", "Because of many reasons, ".repeat(10));
        let cut = description(&text);
        assert!(cut.starts_with("Why? Because"), "{cut}");
        assert!(cut.ends_with("reasons…"), "{cut}");
    }

    #[test]
    fn abbreviations_and_initials_end_no_sentence() {
        let text = format!(
            "A long opening clause that goes on for quite a while about the U.S. Congress and Mr. Smith. {}",
            "More text follows here. ".repeat(8)
        );
        let cut = description(&text);
        assert!(!cut.ends_with("U.S."), "{cut}");
        assert!(!cut.ends_with("Mr."), "{cut}");
    }

    #[test]
    fn counts_characters_not_bytes() {
        let text = "é".repeat(100) + " " + &"ü".repeat(100);
        let cut = description(&text);
        assert_eq!(cut, "é".repeat(100) + "…");
    }

    #[test]
    fn closing_quotes_stay_with_their_sentence() {
        let text = format!(
            "He said “this is the end of a quoted sentence that is long enough.” {}",
            "Then the text goes on and on and on. ".repeat(5)
        );
        let cut = description(&text);
        assert!(cut.contains("enough.”"), "{cut}");
        assert!(cut.ends_with('.') || cut.ends_with('”'), "{cut}");
    }
}
