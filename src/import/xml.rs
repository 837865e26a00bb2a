//! A streaming reader for export files: hands out one record (an `<item>`, a
//! `<post>`) at a time as a small owned tree, so memory stays flat however
//! large the export is.
//!
//! It is forgiving where real exports are messy and strict where they are
//! broken. Names are matched by namespace URI where the export declares it
//! and by the usual prefix where it does not (WordPress.com writes `atom:`
//! without declaring it). Text split across several CDATA sections is joined.
//! Entities are never expanded from a DTD and nothing is fetched (no XXE, no
//! "billion laughs"): only XML's own entities and character references are
//! resolved, and an HTML entity name (`&nbsp;`) is decoded as HTML would.
//! Control characters that XML forbids are dropped. Malformed XML is an error
//! with its line and column. It knows nothing of WordPress or Disqus beyond
//! their namespaces.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use quick_xml::NsReader;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;

use super::ImportError;

/// The namespaces the importers look at, whatever prefix or version an export uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ns {
    /// No namespace (RSS's own elements, unprefixed attributes).
    None,
    /// WordPress's `wp:` (export 1.0, 1.1 and 1.2).
    Wp,
    /// `content:` (`content:encoded`).
    Content,
    /// WordPress's `excerpt:`.
    Excerpt,
    /// Dublin Core, `dc:` (`dc:creator`).
    Dc,
    /// Atom, `atom:`.
    Atom,
    /// Disqus's default namespace.
    Disqus,
    /// Disqus's internals, `dsq:` (`dsq:id`).
    DisqusInternals,
    /// Any other namespace.
    Other,
}

impl Ns {
    /// The namespace of a declared URI.
    fn from_uri(uri: &[u8]) -> Ns {
        let uri = String::from_utf8_lossy(uri);
        let uri = uri.trim_end_matches('/');
        if let Some(rest) = uri.strip_prefix("http://wordpress.org/export/") {
            return if rest.ends_with("/excerpt") {
                Ns::Excerpt
            } else {
                Ns::Wp
            };
        }
        match uri {
            "http://purl.org/rss/1.0/modules/content" => Ns::Content,
            "http://purl.org/dc/elements/1.1" => Ns::Dc,
            "http://www.w3.org/2005/Atom" => Ns::Atom,
            "http://disqus.com" => Ns::Disqus,
            "http://disqus.com/disqus-internals" => Ns::DisqusInternals,
            _ => Ns::Other,
        }
    }

    /// The namespace an undeclared prefix conventionally stands for.
    fn from_prefix(prefix: &[u8]) -> Ns {
        match prefix {
            b"wp" => Ns::Wp,
            b"content" => Ns::Content,
            b"excerpt" => Ns::Excerpt,
            b"dc" => Ns::Dc,
            b"atom" => Ns::Atom,
            b"dsq" => Ns::DisqusInternals,
            _ => Ns::Other,
        }
    }

    fn resolve(result: ResolveResult<'_>) -> Ns {
        match result {
            ResolveResult::Unbound => Ns::None,
            ResolveResult::Bound(ns) => Ns::from_uri(ns.as_ref()),
            ResolveResult::Unknown(prefix) => Ns::from_prefix(&prefix),
        }
    }
}

/// One element of a record, with its text and children.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Element {
    /// Its namespace.
    pub(crate) ns: Ns,
    /// Its local name.
    pub(crate) name: String,
    /// Its attributes: namespace, local name, value.
    pub(crate) attrs: Vec<(Ns, String, String)>,
    /// Its text, CDATA sections and entities included, joined.
    pub(crate) text: String,
    /// Its child elements, in order.
    pub(crate) children: Vec<Element>,
}

impl Element {
    fn new(ns: Ns, start: &BytesStart<'_>, reader: &NsReader<impl BufRead>) -> Element {
        let mut attrs = Vec::new();
        for attr in start.attributes().with_checks(false).flatten() {
            let (ns, local) = reader.resolver().resolve_attribute(attr.key);
            let raw = String::from_utf8_lossy(&attr.value);
            attrs.push((
                Ns::resolve(ns),
                String::from_utf8_lossy(local.as_ref()).into_owned(),
                unescape(&raw),
            ));
        }
        Element {
            ns,
            name: String::from_utf8_lossy(start.local_name().as_ref()).into_owned(),
            attrs,
            text: String::new(),
            children: Vec::new(),
        }
    }

    /// Whether this is the element `ns:name`.
    pub(crate) fn is(&self, ns: Ns, name: &str) -> bool {
        self.ns == ns && self.name == name
    }

    /// The first child `ns:name`.
    pub(crate) fn child(&self, ns: Ns, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.is(ns, name))
    }

    /// Every child `ns:name`.
    pub(crate) fn children_named<'a>(
        &'a self,
        ns: Ns,
        name: &'a str,
    ) -> impl Iterator<Item = &'a Element> + 'a {
        self.children.iter().filter(move |c| c.is(ns, name))
    }

    /// The text of the first child `ns:name`, trimmed; `""` when absent.
    pub(crate) fn text_of(&self, ns: Ns, name: &str) -> &str {
        self.child(ns, name).map_or("", |c| c.text.trim())
    }

    /// The value of attribute `ns:name`.
    pub(crate) fn attr(&self, ns: Ns, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(n, local, _)| *n == ns && local == name)
            .map(|(_, _, value)| value.as_str())
    }
}

/// Reads the records of an export one at a time: the children of the element
/// at `container` (for WordPress `rss/channel`, for Disqus `disqus`).
pub(crate) struct RecordReader {
    reader: NsReader<BufReader<File>>,
    file: PathBuf,
    container: &'static [&'static str],
    /// Local names of the elements open above the current position.
    open: Vec<String>,
    buf: Vec<u8>,
}

impl RecordReader {
    /// Opens `file`, whose root element must be `container[0]`; `kind` names
    /// the export for the error when it is not.
    pub(crate) fn open(
        file: &Path,
        container: &'static [&'static str],
        kind: &'static str,
    ) -> Result<RecordReader, ImportError> {
        let handle = File::open(file).map_err(|source| ImportError::Read {
            path: file.to_path_buf(),
            source,
        })?;
        let mut reader = NsReader::from_reader(BufReader::with_capacity(1 << 16, handle));
        // Real exports are machine-written; check what the XML spec requires.
        let config = reader.config_mut();
        config.check_end_names = true;
        config.expand_empty_elements = false;
        let mut records = RecordReader {
            reader,
            file: file.to_path_buf(),
            container,
            open: Vec::new(),
            buf: Vec::new(),
        };
        records.expect_root(kind)?;
        Ok(records)
    }

    /// Reads up to the root element and checks its name.
    fn expect_root(&mut self, kind: &'static str) -> Result<(), ImportError> {
        loop {
            self.buf.clear();
            let event = self.reader.read_event_into(&mut self.buf);
            match event {
                Ok(Event::Start(start)) | Ok(Event::Empty(start)) => {
                    let name = String::from_utf8_lossy(start.local_name().as_ref()).into_owned();
                    if name != self.container[0] {
                        return Err(ImportError::NotAnExport {
                            file: self.file.clone(),
                            expected: kind,
                            found: name,
                        });
                    }
                    self.open.push(name);
                    return Ok(());
                }
                Ok(Event::Eof) => {
                    return Err(self.malformed("the file holds no XML element".into()));
                }
                Ok(_) => {}
                Err(e) => return Err(self.malformed(e.to_string())),
            }
        }
    }

    /// The next record, or `None` at the end of the file (after checking that
    /// the whole file is well-formed).
    pub(crate) fn next_record(&mut self) -> Result<Option<Element>, ImportError> {
        loop {
            self.buf.clear();
            let (ns, event) = match self.reader.read_resolved_event_into(&mut self.buf) {
                Ok((ns, event)) => (Ns::resolve(ns), event.into_owned()),
                Err(e) => return Err(self.malformed(e.to_string())),
            };
            match event {
                Event::Start(start) => {
                    let element = Element::new(ns, &start, &self.reader);
                    if self.in_container() {
                        return self.read_subtree(element).map(Some);
                    }
                    self.open.push(element.name);
                }
                Event::Empty(start) if self.in_container() => {
                    return Ok(Some(Element::new(ns, &start, &self.reader)));
                }
                Event::End(_) => {
                    self.open.pop();
                }
                Event::Eof => {
                    return match self.open.last() {
                        Some(name) => Err(self
                            .malformed(format!("the file ends inside <{name}>: it was cut short"))),
                        None => Ok(None),
                    };
                }
                _ => {}
            }
        }
    }

    /// Whether the element being read is directly inside the container.
    fn in_container(&self) -> bool {
        self.open.len() == self.container.len()
            && self.open.iter().zip(self.container).all(|(a, b)| a == b)
    }

    /// Reads the rest of `top` (whose start tag was just read) into a tree.
    fn read_subtree(&mut self, top: Element) -> Result<Element, ImportError> {
        let mut stack = vec![top];
        loop {
            self.buf.clear();
            let (ns, event) = match self.reader.read_resolved_event_into(&mut self.buf) {
                Ok((ns, event)) => (Ns::resolve(ns), event),
                Err(e) => return Err(self.malformed(e.to_string())),
            };
            let current = stack.last_mut().expect("the stack holds the record");
            match event {
                Event::Start(start) => {
                    let element = Element::new(ns, &start, &self.reader);
                    stack.push(element);
                }
                Event::Empty(start) => {
                    let element = Element::new(ns, &start, &self.reader);
                    current.children.push(element);
                }
                Event::Text(text) => push_text(&mut current.text, &text.decode_lossy()),
                Event::CData(data) => push_text(&mut current.text, &data.decode_lossy()),
                Event::GeneralRef(reference) => {
                    current
                        .text
                        .push_str(&resolve_reference(&reference.decode_lossy()));
                }
                Event::End(_) => {
                    let done = stack.pop().expect("the stack holds the record");
                    match stack.last_mut() {
                        Some(parent) => parent.children.push(done),
                        None => return Ok(done),
                    }
                }
                Event::Eof => {
                    return Err(self.malformed(format!(
                        "the file ends inside <{}>: it was cut short",
                        stack.last().map_or("", |e| e.name.as_str())
                    )));
                }
                _ => {}
            }
        }
    }

    /// The error for malformed XML at the reader's error position.
    fn malformed(&self, message: String) -> ImportError {
        // A parse error has its own position; a file cut short ends where reading stopped.
        let offset = match self.reader.error_position() {
            0 => self.reader.buffer_position(),
            at => at,
        };
        let (line, column) = line_and_column(&self.file, offset).unwrap_or((0, 0));
        ImportError::MalformedXml {
            file: self.file.clone(),
            line,
            column,
            message,
        }
    }
}

/// Bytes decoded as UTF-8, invalid sequences replaced.
trait DecodeLossy {
    fn decode_lossy(&self) -> String;
}

impl<T: std::ops::Deref<Target = [u8]>> DecodeLossy for T {
    fn decode_lossy(&self) -> String {
        let text = String::from_utf8_lossy(self);
        // XML normalizes line ends to \n.
        if text.contains('\r') {
            text.replace("\r\n", "\n").replace('\r', "\n")
        } else {
            text.into_owned()
        }
    }
}

/// Appends text, dropping the control characters XML forbids (they arrive in
/// text pasted from word processors and break every page and feed).
fn push_text(into: &mut String, text: &str) {
    into.extend(text.chars().filter(|&c| !is_forbidden_control(c)));
}

/// C0 controls other than tab, newline and carriage return.
fn is_forbidden_control(c: char) -> bool {
    c.is_control() && (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r')
}

/// The text an entity reference (`amp`, `#8217`, `nbsp`) stands for. Unknown
/// names are kept as written, so no text is lost.
fn resolve_reference(name: &str) -> String {
    let resolved = if let Some(number) = name.strip_prefix('#') {
        let code = match number.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok(),
            None => number.parse().ok(),
        };
        code.and_then(char::from_u32).map(String::from)
    } else {
        match name {
            "lt" => Some("<".into()),
            "gt" => Some(">".into()),
            "amp" => Some("&".into()),
            "apos" => Some("'".into()),
            "quot" => Some("\"".into()),
            _ => {
                let written = format!("&{name};");
                let decoded = html_escape::decode_html_entities(&written);
                (decoded != written).then(|| decoded.into_owned())
            }
        }
    };
    match resolved {
        Some(text) => text.chars().filter(|&c| !is_forbidden_control(c)).collect(),
        None => format!("&{name};"),
    }
}

/// An attribute value with its entity references resolved.
fn unescape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(amp) = rest.find('&') {
        push_text(&mut out, &rest[..amp]);
        let after = &rest[amp + 1..];
        match after.find(';').filter(|&end| end > 0 && end <= 32) {
            Some(end) => {
                out.push_str(&resolve_reference(&after[..end]));
                rest = &after[end + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    push_text(&mut out, rest);
    out
}

/// The 1-based line and column (in characters) of byte `offset` of `file`.
fn line_and_column(file: &Path, offset: u64) -> Option<(usize, usize)> {
    let mut bytes = BufReader::new(File::open(file).ok()?).take(offset);
    let mut line = 1;
    let mut column = 1;
    let mut chunk = [0u8; 1 << 16];
    loop {
        let n = bytes.read(&mut chunk).ok()?;
        if n == 0 {
            return Some((line, column));
        }
        for &b in &chunk[..n] {
            if b == b'\n' {
                line += 1;
                column = 1;
            } else if b & 0xC0 != 0x80 {
                // Count characters, not UTF-8 continuation bytes.
                column += 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records(xml: &str, container: &'static [&'static str]) -> Result<Vec<Element>, ImportError> {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("export.xml");
        std::fs::write(&file, xml).unwrap();
        let mut reader = RecordReader::open(&file, container, "test")?;
        let mut all = Vec::new();
        while let Some(record) = reader.next_record()? {
            all.push(record);
        }
        Ok(all)
    }

    const RSS: &[&str] = &["rss", "channel"];

    #[test]
    fn reads_records_with_namespaces_by_uri_and_by_prefix() {
        let xml = r#"<?xml version="1.0"?>
<rss xmlns:wp="http://wordpress.org/export/1.1/">
<channel>
  <title>Blog</title>
  <atom:link rel="search" href="https://x.example.org/osd.xml"/>
  <item><title>A</title><wp:post_id>7</wp:post_id></item>
</channel>
</rss>"#;
        let all = records(xml, RSS).unwrap();
        assert_eq!(all.len(), 3);
        assert!(all[0].is(Ns::None, "title"));
        assert!(all[1].is(Ns::Atom, "link"));
        assert_eq!(all[1].attr(Ns::None, "rel"), Some("search"));
        assert_eq!(all[2].text_of(Ns::Wp, "post_id"), "7");
    }

    #[test]
    fn joins_split_cdata_and_resolves_entities() {
        let xml = "<rss><channel><item><t><![CDATA[one ]]]]><![CDATA[> two]]> &amp; &#8217; &nbsp;&bogus;</t></item></channel></rss>";
        let all = records(xml, RSS).unwrap();
        assert_eq!(
            all[0].text_of(Ns::None, "t"),
            "one ]]> two & \u{2019} \u{a0}&bogus;"
        );
    }

    #[test]
    fn never_expands_dtd_entities() {
        let xml = r#"<!DOCTYPE rss [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;"><!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<rss><channel><item><t>&lol2;&xxe;</t></item></channel></rss>"#;
        let all = records(xml, RSS).unwrap();
        assert_eq!(all[0].text_of(Ns::None, "t"), "&lol2;&xxe;");
    }

    #[test]
    fn drops_forbidden_control_characters() {
        let xml = "<rss><channel><item><t>a\u{0b}b\u{1}c\td &#x8;e</t></item></channel></rss>";
        let all = records(xml, RSS).unwrap();
        assert_eq!(all[0].text_of(Ns::None, "t"), "abc\td e");
    }

    #[test]
    fn malformed_xml_names_line_and_column() {
        let xml = "<rss>\n<channel>\n<item><title>A</titel></item>\n</channel></rss>";
        match records(xml, RSS) {
            Err(ImportError::MalformedXml { line, column, .. }) => {
                assert_eq!(line, 3);
                assert!(column > 1, "{column}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_file_cut_short_is_malformed() {
        let xml = "<rss><channel><item><title>A</title></item>";
        assert!(matches!(
            records(xml, RSS),
            Err(ImportError::MalformedXml { .. })
        ));
    }

    #[test]
    fn the_wrong_root_is_not_an_export() {
        assert!(matches!(
            records("<disqus/>", RSS),
            Err(ImportError::NotAnExport { .. })
        ));
    }
}
