//! Characters no output file may hold.
//!
//! Control characters other than tab, line feed and carriage return make an
//! XML document ill-formed (XML 1.0 forbids them even as `&#1;`) and are
//! parse errors in HTML; so are the noncharacters (U+FFFE, U+FFFF, U+FDD0…).
//! Archives contain them: text pasted from word processors carries vertical
//! tabs and page breaks, and old exports carry stray C1 bytes.
//!
//! They are removed from each rendered file as it is handed to the output,
//! the one place every written text passes through: titles, names, tags,
//! bodies, comments, `[extra]` values, `site.toml` strings and template text
//! alike, on full builds and rebuilds, so no new field or template can bring
//! them back. Copied files (bundle assets, `static/`) are not text and are
//! left alone.

use std::borrow::Cow;

/// Whether `c` may not appear in an output file.
pub fn is_unwritable(c: char) -> bool {
    match c {
        '\t' | '\n' | '\r' => false,
        // C0 controls, DEL and the C1 controls.
        '\0'..='\u{1f}' | '\u{7f}'..='\u{9f}' => true,
        // Noncharacters: U+FDD0–U+FDEF and the last two code points of every plane.
        '\u{fdd0}'..='\u{fdef}' => true,
        c => (c as u32) & 0xfffe == 0xfffe,
    }
}

/// `text` without the characters no output file may hold. A vertical tab or a
/// form feed (a word processor's line and page breaks) becomes a space, so
/// the words on either side stay apart; every other one is removed.
pub fn remove_unwritable(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unwritable) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars()
            .filter_map(|c| match c {
                '\u{b}' | '\u{c}' => Some(' '),
                c if is_unwritable(c) => None,
                c => Some(c),
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removes_controls_and_noncharacters_only() {
        let text =
            "a\u{1}b\u{b}c\u{c}d\u{7f}\u{85}\u{fffe}\u{ffff}\u{1fffe}\u{fdd0}e\tf\r\ng é \u{fffd}";
        assert_eq!(remove_unwritable(text), "ab c de\tf\r\ng é \u{fffd}");
        assert!(matches!(remove_unwritable("plain é"), Cow::Borrowed(_)));
    }
}
