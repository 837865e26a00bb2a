//! `sitemap.xml` (sitemaps.org protocol) and `robots.txt`.

use chrono::{DateTime, FixedOffset};
use percent_encoding::{CONTROLS, utf8_percent_encode};
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};

/// One canonical page: its absolute URL and, when known, when it last changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SitemapEntry {
    /// Absolute URL.
    pub url: String,
    /// Last modification.
    pub lastmod: Option<DateTime<FixedOffset>>,
}

/// The sitemap listing `entries` in the order given.
pub fn sitemap(entries: &[SitemapEntry]) -> String {
    let mut writer = Writer::new_with_indent(Vec::new(), b' ', 2);
    let written: std::io::Result<()> = (|| {
        writer.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
        writer
            .create_element("urlset")
            .with_attribute(("xmlns", "http://www.sitemaps.org/schemas/sitemap/0.9"))
            .write_inner_content(|w| {
                for entry in entries {
                    w.create_element("url").write_inner_content(|w| {
                        // The protocol wants URLs escaped: non-ASCII paths (tags in
                        // other scripts) are percent-encoded here.
                        let loc = utf8_percent_encode(&entry.url, CONTROLS).to_string();
                        w.create_element("loc")
                            .write_text_content(BytesText::new(&loc))?;
                        if let Some(lastmod) = entry.lastmod {
                            w.create_element("lastmod")
                                .write_text_content(BytesText::new(&lastmod.to_rfc3339()))?;
                        }
                        Ok(())
                    })?;
                }
                Ok(())
            })?;
        Ok(())
    })();
    written.expect("writing XML to memory cannot fail");
    String::from_utf8(writer.into_inner()).expect("quick-xml writes UTF-8")
}

/// A robots.txt that allows everything and points at the sitemap.
pub fn robots_txt(base_url: &str) -> String {
    format!("User-agent: *\nAllow: /\n\nSitemap: {base_url}/sitemap.xml\n")
}
