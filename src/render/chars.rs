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

/// Whether `text` holds a character [`is_unwritable`] refuses. Every output
/// file passes here, so it scans bytes, and decodes a character only where
/// a byte may start one of them (never a continuation byte: always at a
/// character boundary).
fn holds_unwritable(text: &str) -> bool {
    // A block is looked at byte by byte only when one of its bytes may start
    // such a character: the test over a whole block of known length has no
    // early exit, so the compiler does it many bytes at a time.
    const BLOCK: usize = 64;
    let bytes = text.as_bytes();
    let blocks = bytes.chunks_exact(BLOCK);
    let tail = blocks.remainder();
    let holds_at = |start: usize, block: &[u8]| {
        block.iter().enumerate().any(|(i, &b)| {
            may_start_unwritable(b) != 0
                && text[start + i..].chars().next().is_some_and(is_unwritable)
        })
    };
    for (n, block) in blocks.enumerate() {
        // Always a whole block: `chunks_exact` gives no other.
        let may = <&[u8; BLOCK]>::try_from(block).map_or(1, |block| {
            block
                .iter()
                .fold(0, |any, &b| any | may_start_unwritable(b))
        });
        if may != 0 && holds_at(n * BLOCK, block) {
            return true;
        }
    }
    holds_at(bytes.len() - tail.len(), tail)
}

/// 1 if `b` may begin, in UTF-8, a character [`is_unwritable`] refuses, else
/// 0: C0 controls but tab, line feed and carriage return; DEL; 0xC2 (the C1
/// controls are U+0080–U+009F); 0xEF (U+FDD0–U+FDEF, U+FFFE, U+FFFF); and
/// the lead bytes of the other planes (0xF0–0xF4), whose last two code points
/// are noncharacters. Arithmetic on bytes rather than a table or branches, so
/// that it vectorizes.
fn may_start_unwritable(b: u8) -> u8 {
    let kept_control = u8::from(b == b'\t') | u8::from(b == b'\n') | u8::from(b == b'\r');
    (u8::from(b < 0x20) & !kept_control)
        | u8::from(b == 0x7f)
        | u8::from(b == 0xc2)
        | u8::from(b == 0xef)
        | u8::from(b >= 0xf0)
}

/// `text` without the characters no output file may hold. A vertical tab or a
/// form feed (a word processor's line and page breaks) becomes a space, so
/// the words on either side stay apart; every other one is removed.
pub fn remove_unwritable(text: &str) -> Cow<'_, str> {
    if !holds_unwritable(text) {
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
        // Bytes that only may start one: kept, borrowed.
        assert!(matches!(
            remove_unwritable("\u{a0}·\u{fffd}\u{1f600}"),
            Cow::Borrowed(_)
        ));
        assert_eq!(remove_unwritable("·\u{85}·\u{10ffff}"), "··");
    }

    #[test]
    fn one_is_found_in_any_block_the_last_one_short() {
        let long = "x".repeat(200);
        for at in [0, 63, 64, 130, 200] {
            let mut text = long.clone();
            text.insert(at, '\u{1}');
            assert_eq!(remove_unwritable(&text), long, "at {at}");
        }
    }

    #[test]
    fn the_lead_byte_test_covers_every_unwritable_character() {
        let every = (0..=0x10ffff).filter_map(char::from_u32);
        for c in every.filter(|&c| is_unwritable(c)) {
            let mut buffer = [0; 4];
            let first = c.encode_utf8(&mut buffer).as_bytes()[0];
            assert_eq!(may_start_unwritable(first), 1, "{:?}", c);
        }
    }
}
