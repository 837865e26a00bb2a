//! What an import did, told to the user: what came in, what was left out and
//! what had to be repaired, each by reason. Items name posts and comments by
//! title and id only, never by a commenter's address.

use std::collections::BTreeMap;
use std::fmt;

/// The outcome of an import: counts of what was written, and every item
/// skipped or repaired, grouped by reason.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ImportReport {
    /// What was written, by kind (`posts`, `comments`, …), in the order first counted.
    pub imported: Vec<(&'static str, usize)>,
    /// Items left out, by reason.
    pub skipped: BTreeMap<String, Vec<String>>,
    /// Items changed so that they could be imported, by what was done.
    pub repaired: BTreeMap<String, Vec<String>>,
}

impl ImportReport {
    /// Adds `n` to the count of `kind`.
    pub fn count(&mut self, kind: &'static str, n: usize) {
        match self.imported.iter_mut().find(|(k, _)| *k == kind) {
            Some((_, total)) => *total += n,
            None => self.imported.push((kind, n)),
        }
    }

    /// The count of `kind` (0 when never counted).
    pub fn imported(&self, kind: &str) -> usize {
        self.imported
            .iter()
            .find(|(k, _)| *k == kind)
            .map_or(0, |(_, n)| *n)
    }

    /// Records that `item` was left out, and why.
    pub fn skip(&mut self, reason: impl Into<String>, item: impl Into<String>) {
        self.skipped
            .entry(reason.into())
            .or_default()
            .push(item.into());
    }

    /// Records that `item` was changed so it could be imported, and how.
    pub fn repair(&mut self, what: impl Into<String>, item: impl Into<String>) {
        self.repaired
            .entry(what.into())
            .or_default()
            .push(item.into());
    }

    /// Adds everything `other` recorded to this report.
    pub fn merge(&mut self, other: ImportReport) {
        for (kind, n) in other.imported {
            self.count(kind, n);
        }
        for (reason, mut items) in other.skipped {
            self.skipped.entry(reason).or_default().append(&mut items);
        }
        for (what, mut items) in other.repaired {
            self.repaired.entry(what).or_default().append(&mut items);
        }
    }

    /// The report as text: counts by reason, and with `verbose` every item.
    pub fn render(&self, verbose: bool) -> String {
        let mut out = String::new();
        let counts: Vec<String> = self
            .imported
            .iter()
            .map(|(kind, n)| format!("{n} {kind}"))
            .collect();
        out.push_str(&format!(
            "Imported: {}\n",
            if counts.is_empty() {
                "nothing".to_string()
            } else {
                counts.join(", ")
            }
        ));
        section(&mut out, "Skipped", &self.skipped, verbose);
        section(&mut out, "Repaired", &self.repaired, verbose);
        out
    }
}

fn section(out: &mut String, title: &str, groups: &BTreeMap<String, Vec<String>>, verbose: bool) {
    if groups.is_empty() {
        return;
    }
    let total: usize = groups.values().map(Vec::len).sum();
    out.push_str(&format!("{title} ({total}):\n"));
    for (reason, items) in groups {
        out.push_str(&format!("  {:>6}  {reason}\n", items.len()));
        if verbose {
            for item in items {
                out.push_str(&format!("          - {item}\n"));
            }
        }
    }
}

impl fmt::Display for ImportReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(false))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_by_reason_and_lists_items_when_verbose() {
        let mut report = ImportReport::default();
        report.count("posts", 2);
        report.count("posts", 1);
        report.count("comments", 4);
        report.skip("spam comments", "comment 7 on “A”");
        report.skip("spam comments", "comment 9 on “A”");
        report.repair("empty author named Anonymous", "comment 3 on “B”");
        let short = report.render(false);
        assert!(
            short.starts_with("Imported: 3 posts, 4 comments\n"),
            "{short}"
        );
        assert!(
            short.contains("Skipped (2):\n       2  spam comments\n"),
            "{short}"
        );
        assert!(!short.contains("comment 7"), "{short}");
        let long = report.render(true);
        assert!(long.contains("- comment 7 on “A”"), "{long}");
        assert!(long.contains("Repaired (1):"), "{long}");
    }
}
