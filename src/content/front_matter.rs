//! Splitting a content file into its TOML front matter and its Markdown body.

use std::path::Path;

use serde::de::DeserializeOwned;

use crate::error::{Error, Location, toml_error};

/// The fence line that opens and closes front matter.
const FENCE: &str = "+++";

/// A content file split at its front matter fences.
#[derive(Debug)]
pub struct SplitFile<'a> {
    /// The TOML between the fences.
    pub front: &'a str,
    /// The 1-based line of the file on which `front` starts.
    pub front_line: usize,
    /// Everything after the closing fence.
    pub body: &'a str,
}

/// Splits `text` (the contents of `path`) at its `+++` fences.
pub fn split<'a>(path: &Path, text: &'a str) -> Result<SplitFile<'a>, Error> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text.split_inclusive('\n');
    let opening = lines.next().unwrap_or("");
    if opening.trim_end() != FENCE {
        return Err(Error::FrontMatterMissing {
            at: Location::line(path, 1),
        });
    }
    let front_start = opening.len();
    let mut offset = front_start;
    for line in lines {
        if line.trim_end() == FENCE {
            return Ok(SplitFile {
                front: &text[front_start..offset],
                front_line: 2,
                body: &text[offset + line.len()..],
            });
        }
        offset += line.len();
    }
    Err(Error::FrontMatterUnclosed {
        at: Location::line(path, 1),
    })
}

/// Parses front matter TOML into `T`, reporting errors at their line in the file.
pub fn parse<T: DeserializeOwned>(path: &Path, split: &SplitFile<'_>) -> Result<T, Error> {
    toml::from_str(split.front).map_err(|e| toml_error(path, split.front, split.front_line, &e))
}

/// An `[extra]` table as templates should see it: TOML dates become their
/// text (`2016-08-22`), which templates can print and compare, instead of the
/// internal object a TOML datetime serializes to.
pub fn extra_for_templates(table: toml::Table) -> toml::Table {
    table
        .into_iter()
        .map(|(key, value)| (key, plain_value(value)))
        .collect()
}

fn plain_value(value: toml::Value) -> toml::Value {
    match value {
        toml::Value::Datetime(date) => toml::Value::String(date.to_string()),
        toml::Value::Array(items) => {
            toml::Value::Array(items.into_iter().map(plain_value).collect())
        }
        toml::Value::Table(table) => toml::Value::Table(extra_for_templates(table)),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_front_matter_and_body() {
        let file = split(Path::new("a.md"), "+++\ntitle = \"x\"\n+++\nBody\n").unwrap();
        assert_eq!(file.front, "title = \"x\"\n");
        assert_eq!(file.body, "Body\n");
    }

    #[test]
    fn unclosed_front_matter_is_an_error() {
        let err = split(Path::new("a.md"), "+++\ntitle = \"x\"\n").unwrap_err();
        assert!(matches!(err, Error::FrontMatterUnclosed { .. }), "{err}");
    }

    #[test]
    fn extra_dates_become_text() {
        let table: toml::Table =
            toml::from_str("when = 2016-08-22\n[nested]\nat = [2020-01-01T10:00:00Z]").unwrap();
        let plain = extra_for_templates(table);
        assert_eq!(plain["when"].as_str(), Some("2016-08-22"));
        assert_eq!(
            plain["nested"]["at"][0].as_str(),
            Some("2020-01-01T10:00:00Z")
        );
    }

    #[test]
    fn missing_front_matter_is_an_error() {
        let err = split(Path::new("a.md"), "# Hello").unwrap_err();
        assert!(matches!(err, Error::FrontMatterMissing { .. }), "{err}");
    }
}
