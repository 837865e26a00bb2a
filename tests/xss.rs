//! Comment bodies and commenter fields are written by the public: nothing in them
//! may run script, load active content or break the page around the thread.
//!
//! One fixture article carries every vector below, one per comment. The built page
//! is parsed as a browser would parse it and checked as a whole, so a vector that
//! gets through by any route (sanitizer, Markdown, template escaping) is caught,
//! and the failure names every comment it got through in.

mod common;
use common::*;

use scraper::ElementRef;

/// Comment bodies (Markdown with raw HTML), one comment each: (family, body).
const BODY_VECTORS: &[(&str, &str)] = &[
    // Plain scripts, case and whitespace variants.
    ("script", "<script>alert(1)</script>"),
    ("script upper", "<SCRIPT>alert(1)</SCRIPT>"),
    ("script mixed case", "<ScRiPt >alert(1)</sCrIpT >"),
    ("script newline", "<script\n>alert(1)</script\n>"),
    ("script form feed", "<script\u{c}>alert(1)</script>"),
    (
        "script src",
        "<script src=https://evil.example/x.js></script>",
    ),
    (
        "script slash src",
        "<script/src=\"https://evil.example/x.js\"></script>",
    ),
    (
        "script typed",
        "<script type=\"text/javascript\">alert(1)</script>",
    ),
    ("script unclosed", "<script>alert(1)"),
    ("script inline", "Hello <script>alert(1)</script> world"),
    (
        "script in div block",
        "<div><script>alert(1)</script></div>\n\nafter",
    ),
    // Broken and nested markup.
    ("double open", "<<script>alert(1)//<</script>"),
    ("split tag", "<scr<script>ipt>alert(1)</scr</script>ipt>"),
    (
        "empty quoted attrs",
        "<img \"\"\"><script>alert(1)</script>\">",
    ),
    ("end textarea", "</textarea><script>alert(1)</script>"),
    ("end title", "</title><script>alert(1)</script>"),
    ("end style", "</style><script>alert(1)</script>"),
    ("html comment", "<!--<script>alert(1)</script>-->"),
    ("comment break", "<!-- --!><script>alert(1)</script> -->"),
    (
        "conditional comment",
        "<!--[if gte IE 4]><script>alert(1)</script><![endif]-->",
    ),
    ("cdata", "<![CDATA[<script>alert(1)</script>]]>"),
    (
        "noscript attr",
        "<noscript><p title=\"</noscript><script>alert(1)</script>\">",
    ),
    ("template", "<template><script>alert(1)</script></template>"),
    ("xmp", "<xmp><script>alert(1)</script></xmp>"),
    ("plaintext", "<plaintext><script>alert(1)</script>"),
    (
        "unclosed attribute",
        "<a href=\"https://ok.example/ onclick=alert(1) x=\">x</a>",
    ),
    ("unclosed tag at end", "<img src=x onerror=\"alert(1)\"//"),
    (
        "closing the page",
        "</div></article></li></ol></section></main><script>alert(1)</script>",
    ),
    ("comment breakout", "--><script>alert(1)</script><!--"),
    // Images and event handlers of many names.
    ("img onerror", "<img src=x onerror=alert(1)>"),
    ("img case", "<IMG SRC=x OnErRoR=alert(1)>"),
    ("img slashes", "<img/src=x/onerror=alert(1)>"),
    (
        "img eval src",
        "<img src=x:alert(alt) onerror=eval(src) alt=0>",
    ),
    ("svg onload", "<svg onload=alert(1)>"),
    ("svg slash onload", "<svg/onload=alert(1)>"),
    ("body onload", "<body onload=alert(1)>"),
    ("body onpageshow", "<body onpageshow=alert(1)>"),
    (
        "div onmouseover",
        "<div onmouseover=\"alert(1)\">hover</div>",
    ),
    ("input autofocus", "<input autofocus onfocus=alert(1)>"),
    (
        "select autofocus",
        "<select autofocus onfocus=alert(1)></select>",
    ),
    (
        "textarea autofocus",
        "<textarea autofocus onfocus=alert(1)></textarea>",
    ),
    ("keygen autofocus", "<keygen autofocus onfocus=alert(1)>"),
    (
        "details ontoggle",
        "<details open ontoggle=alert(1)><summary>x</summary></details>",
    ),
    ("marquee onstart", "<marquee onstart=alert(1)>x</marquee>"),
    (
        "video source onerror",
        "<video><source onerror=alert(1)></video>",
    ),
    ("audio onerror", "<audio src=x onerror=alert(1)>"),
    (
        "onanimationstart",
        "<style>@keyframes x{}</style><b style=\"animation-name:x\" onanimationstart=\"alert(1)\">x</b>",
    ),
    (
        "pointer and transition",
        "<p onpointerenter=alert(1) ontransitionend=alert(1)>x</p>",
    ),
    (
        "allowed a with onclick",
        "<a href=\"https://ok.example/\" onclick=\"alert(1)\">click</a>",
    ),
    ("allowed b with handler", "<b onmouseover=alert(1)>bold</b>"),
    (
        "allowed blockquote focusin",
        "<blockquote onfocusin=alert(1) tabindex=0>q</blockquote>",
    ),
    (
        "table handlers",
        "<table background=\"javascript:alert(1)\"><tr><td onclick=alert(1)>x</td></tr></table>",
    ),
    (
        "handler space before =",
        "<a href=x onmouseover =alert(1)>x</a>",
    ),
    ("handler after slash", "<code/onclick=alert(1)>x</code>"),
    // SVG and MathML.
    (
        "svg animate onbegin",
        "<svg><animate onbegin=alert(1) attributeName=x dur=1s></svg>",
    ),
    (
        "svg animate href",
        "<svg><a><animate attributeName=href values=javascript:alert(1) /><text x=20 y=20>click</text></a></svg>",
    ),
    (
        "svg set href",
        "<svg><a><set attributeName=href to=\"javascript:alert(1)\"/><text>x</text></a></svg>",
    ),
    (
        "svg xlink href",
        "<svg><a xlink:href=\"javascript:alert(1)\"><text x=\"20\" y=\"20\">x</text></a></svg>",
    ),
    (
        "svg use data",
        "<svg><use href=\"data:image/svg+xml,&lt;svg id='x' xmlns='http://www.w3.org/2000/svg'&gt;&lt;image href='1' onerror='alert(1)'/&gt;&lt;/svg&gt;#x\"/></svg>",
    ),
    ("svg script", "<svg><script>alert(1)</script></svg>"),
    (
        "svg style img",
        "<svg><style><img src=x onerror=alert(1)></style></svg>",
    ),
    (
        "svg p style",
        "<svg></p><style><a id=\"</style><img src=1 onerror=alert(1)>\">",
    ),
    (
        "math mglyph style",
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    ),
    (
        "form math confusion",
        "<form><math><mtext></form><form><mglyph><style></math><img src onerror=alert(1)>",
    ),
    (
        "math xlink href",
        "<math><maction actiontype=\"statusline\" xlink:href=\"javascript:alert(1)\">x</maction></math>",
    ),
    (
        "math href",
        "<math href=\"javascript:alert(1)\"><mi>x</mi></math>",
    ),
    // Frames, objects, embeds.
    (
        "iframe javascript",
        "<iframe src=\"javascript:alert(1)\"></iframe>",
    ),
    (
        "iframe srcdoc",
        "<iframe srcdoc=\"&lt;script&gt;alert(1)&lt;/script&gt;\"></iframe>",
    ),
    (
        "iframe data",
        "<IFRAME SRC=data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==></IFRAME>",
    ),
    (
        "object javascript",
        "<object data=\"javascript:alert(1)\"></object>",
    ),
    (
        "object data url",
        "<object data=\"data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;\"></object>",
    ),
    ("embed javascript", "<embed src=\"javascript:alert(1)\">"),
    (
        "embed svg data",
        "<embed src=data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+>",
    ),
    (
        "applet",
        "<applet code=\"x.class\" codebase=\"javascript:alert(1)\"></applet>",
    ),
    (
        "frameset",
        "<frameset><frame src=\"javascript:alert(1)\"></frameset>",
    ),
    // Forms.
    (
        "form action",
        "<form action=\"javascript:alert(1)\"><input type=submit></form>",
    ),
    (
        "button formaction",
        "<form><button formaction=\"javascript:alert(1)\">go</button></form>",
    ),
    (
        "input formaction",
        "<input type=\"image\" src=\"x\" formaction=\"javascript:alert(1)\">",
    ),
    (
        "isindex",
        "<isindex action=javascript:alert(1) type=submit>",
    ),
    // Styles.
    (
        "style url",
        "<style>body{background:url(javascript:alert(1))}</style>",
    ),
    (
        "style import",
        "<style>@import 'https://evil.example/x.css';</style>",
    ),
    (
        "style attr expression",
        "<div style=\"width: expression(alert(1))\">x</div>",
    ),
    (
        "style attr url",
        "<p style=\"background-image:url('javascript:alert(1)')\">x</p>",
    ),
    (
        "style attr behavior",
        "<b style=\"behavior:url(x.htc)\">x</b>",
    ),
    (
        "link stylesheet",
        "<link rel=\"stylesheet\" href=\"javascript:alert(1)\">",
    ),
    // Document-level elements.
    (
        "meta refresh javascript",
        "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
    ),
    (
        "meta refresh data",
        "<meta http-equiv=\"refresh\" content=\"0;url=data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">",
    ),
    ("base javascript", "<base href=\"javascript:alert(1)//\">"),
    ("base elsewhere", "<base href=\"https://evil.example/\">"),
    (
        "link import",
        "<link rel=import href=\"https://evil.example/x.html\">",
    ),
    // Raw HTML links with hostile schemes.
    ("a javascript", "<a href=\"javascript:alert(1)\">x</a>"),
    ("a mixed case", "<a href=\"JaVaScRiPt:alert(1)\">x</a>"),
    ("a leading space", "<a href=\" javascript:alert(1)\">x</a>"),
    ("a hex entity", "<a href=\"jav&#x61;script:alert(1)\">x</a>"),
    (
        "a decimal entity",
        "<a href=\"&#106;avascript:alert(1)\">x</a>",
    ),
    (
        "a padded entities",
        "<a href=\"&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058alert(1)\">x</a>",
    ),
    ("a tab in scheme", "<a href=\"jav\tascript:alert(1)\">x</a>"),
    (
        "a tab entity",
        "<a href=\"jav&#x09;ascript:alert(1)\">x</a>",
    ),
    (
        "a newline in scheme",
        "<a href=\"java\nscript:alert(1)\">x</a>",
    ),
    (
        "a newline entity",
        "<a href=\"java&#x0A;script:alert(1)\">x</a>",
    ),
    (
        "a control prefix",
        "<a href=\"&#x01;javascript:alert(1)\">x</a>",
    ),
    (
        "a colon entity",
        "<a href=\"javascript&colon;alert(1)\">x</a>",
    ),
    ("a vbscript", "<a href=\"vbscript:msgbox(1)\">x</a>"),
    (
        "a data base64",
        "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">x</a>",
    ),
    (
        "a data upper",
        "<a href=\"DATA:text/html,&lt;script&gt;alert(1)&lt;/script&gt;\">x</a>",
    ),
    ("a unquoted", "<a href=javascript:alert(1)>unquoted</a>"),
    (
        "a single quoted",
        "<a href='javascript:alert(1)'>single</a>",
    ),
    ("a unclosed href", "<a href=\"javascript:alert(1)"),
    (
        "a target blank",
        "<a href=\"https://ok.example/\" target=\"_blank\">opens</a>",
    ),
    // Markdown links, autolinks, references, images.
    ("md link", "[x](javascript:alert(1))"),
    ("md link upper", "[x](JAVASCRIPT:alert(1))"),
    ("md link pointy", "[x](<javascript:alert(1)>)"),
    ("md link pointy space", "[x](< javascript:alert(1)>)"),
    ("md link colon entity", "[x](javascript&#58;alert(1))"),
    ("md link hex entity", "[x](&#x6A;avascript:alert(1))"),
    ("md link named entity", "[x](javascript&colon;alert(1))"),
    ("md link vbscript", "[x](vbscript:msgbox(1))"),
    (
        "md link data",
        "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    ),
    ("md autolink", "<javascript:alert(1)>"),
    ("md autolink upper", "<JAVASCRIPT:alert(1)>"),
    ("md autolink vbscript", "<vbscript:msgbox(1)>"),
    (
        "md autolink data",
        "<data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==>",
    ),
    ("md reference", "[x][evil]\n\n[evil]: javascript:alert(1)"),
    (
        "md reference pointy",
        "[x]\n\n[x]: <javascript:alert(1)> \"t\"",
    ),
    (
        "md collapsed reference",
        "[evil][]\n\n[evil]: vbscript:msgbox(1)",
    ),
    ("md image", "![x](javascript:alert(1))"),
    (
        "md image title",
        "![x](https://ok.example/i.png \"\\\" onerror=\\\"alert(1)\")",
    ),
    (
        "md image reference",
        "![x][img]\n\n[img]: data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+",
    ),
    (
        "md link title",
        "[x](https://ok.example/ \"\\\" onmouseover=\\\"alert(1)\")",
    ),
    (
        "md link text img",
        "[<img src=x onerror=alert(1)>](https://ok.example/)",
    ),
    ("md bare javascript", "javascript://%0Aalert(1)"),
    (
        "md bare with markup",
        "https://ok.example/\"><script>alert(1)</script>",
    ),
    ("md footnote", "x[^1]\n\n[^1]: <script>alert(1)</script>"),
    (
        "md table cell",
        "| a |\n|---|\n| <img src=x onerror=alert(1)> |",
    ),
    ("md task list", "- [x] <input onfocus=alert(1) autofocus>"),
    ("md heading id", "# <a id=x onclick=alert(1)>h</a>"),
];

/// Commenter websites, one comment each: (url, whether it is not http(s) at all and
/// so must not become a link). None may become a hostile link or attribute.
const URL_VECTORS: &[(&str, bool)] = &[
    ("javascript:alert(1)", true),
    ("JavaScript:alert(1)", true),
    ("  javascript:alert(1)", true),
    ("java\tscript:alert(1)", true),
    ("\u{1}javascript:alert(1)", true),
    ("vbscript:msgbox(1)", true),
    (
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        true,
    ),
    ("data:text/html,<script>alert(1)</script>", true),
    ("javascript:alert(1)//https://ok.example/", true),
    ("https://x\" onmouseover=\"alert(1)", false),
    ("https://x' onmouseover='alert(1)", false),
    ("https://x.example/\"><script>alert(1)</script>", false),
    ("http://ok.example/\njavascript:alert(1)", false),
];

/// Commenter names that are markup: shown as text, exactly as written.
const AUTHOR_VECTORS: &[&str] = &[
    "<script>alert(1)</script>",
    "\"><img src=x onerror=alert(1)>",
    "</span></header><script>alert(1)</script>",
];

/// A comment id that tries to break out of the `id` attribute (ids are kept as written).
const HOSTILE_ID: &str = "x\"><script>alert(1)</script>";

/// One `[[comment]]` table.
fn comment(id: &str, author: &str, url: Option<&str>, parent: Option<&str>, body: &str) -> String {
    let mut t = format!(
        "[[comment]]\nid = {}\nauthor = {}\ndate = 2021-03-04T05:06:07Z\n",
        toml_str(id),
        toml_str(author)
    );
    if let Some(url) = url {
        t.push_str(&format!("url = {}\n", toml_str(url)));
    }
    if let Some(parent) = parent {
        t.push_str(&format!("parent = {}\n", toml_str(parent)));
    }
    t.push_str(&format!("body = {}\n\n", toml_str(body)));
    t
}

/// Harmless comments whose text must survive: (id, body, expected text of the body).
const HARMLESS: &[(&str, &str, &str)] = &[
    ("ok-lt", "5 < 6 and 7 > 3", "5 < 6 and 7 > 3"),
    (
        "ok-amp",
        "Tom & Jerry &amp; friends",
        "Tom & Jerry & friends",
    ),
    (
        "ok-code",
        "Never write `<script>alert(1)</script>` in a comment.",
        "Never write <script>alert(1)</script> in a comment.",
    ),
    (
        "ok-escaped",
        "A literal \\<script> tag.",
        "A literal <script> tag.",
    ),
    (
        "ok-format",
        "**bold** and <em>raw em</em>",
        "bold and raw em",
    ),
    (
        "ok-link",
        "[the site](https://ok.example/page?a=1&b=2)",
        "the site",
    ),
];

/// Every vector, as (id, what it is), in the order written to the thread file.
fn fixture() -> (Site, Vec<(String, String)>) {
    let mut toml = String::new();
    let mut ids = Vec::new();
    for (i, (family, body)) in BODY_VECTORS.iter().enumerate() {
        let id = format!("{}", i + 1);
        toml.push_str(&comment(&id, &format!("Body {id}"), None, None, body));
        ids.push((id, format!("body vector `{family}`: {body:?}")));
    }
    for (i, (url, _)) in URL_VECTORS.iter().enumerate() {
        let id = format!("url-{}", i + 1);
        toml.push_str(&comment(
            &id,
            &format!("Url {id}"),
            Some(url),
            None,
            "A comment.",
        ));
        ids.push((id, format!("commenter url {url:?}")));
    }
    for (i, author) in AUTHOR_VECTORS.iter().enumerate() {
        let id = format!("author-{}", i + 1);
        toml.push_str(&comment(&id, author, None, None, "A comment."));
        ids.push((id, format!("commenter name {author:?}")));
    }
    toml.push_str(&comment(HOSTILE_ID, "Id", None, None, "A comment."));
    ids.push((HOSTILE_ID.to_string(), "hostile id".to_string()));
    toml.push_str(&comment(
        "reply-to-hostile",
        "Replier",
        None,
        Some(HOSTILE_ID),
        "A reply.",
    ));
    ids.push((
        "reply-to-hostile".to_string(),
        "reply to the hostile id".to_string(),
    ));
    for (id, body, _) in HARMLESS {
        toml.push_str(&comment(id, "Harmless", None, None, body));
        ids.push((id.to_string(), format!("harmless {body:?}")));
    }

    let site = Site::new();
    site.article("xss", "2021-03-01", "", "The article.");
    site.comments("xss", &toml);
    site.build();
    (site, ids)
}

const PAGE: &str = "articles/xss/index.html";

/// The id of the comment an element is (or is in), or "(outside the thread)".
fn owner(element: ElementRef<'_>) -> String {
    std::iter::once(element)
        .chain(element.ancestors().filter_map(ElementRef::wrap))
        .find(|e| e.value().name() == "li" && e.value().classes().any(|c| c == "comment"))
        .and_then(|li| li.value().id())
        .map(|id| id.strip_prefix("comment-").unwrap_or(id).to_string())
        .unwrap_or_else(|| "(outside the thread)".to_string())
}

/// What a browser would take as the scheme of a URL attribute, lowercased:
/// surrounding whitespace and control characters trimmed, tabs and newlines
/// anywhere removed.
fn scheme(url: &str) -> Option<String> {
    let cleaned: String = url
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect::<String>()
        .to_ascii_lowercase();
    let colon = cleaned.find(':')?;
    let candidate = &cleaned[..colon];
    let first_ok = candidate
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic());
    let ok = first_ok
        && candidate
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
    ok.then(|| candidate.to_string())
}

/// Fails listing every violation, each with the comment it came from.
fn report(what: &str, violations: Vec<String>, ids: &[(String, String)]) {
    if violations.is_empty() {
        return;
    }
    let described: Vec<String> = violations
        .iter()
        .map(|v| {
            let id = v.split(':').next().unwrap_or("");
            let origin = ids
                .iter()
                .find(|(i, _)| i == id)
                .map_or("", |(_, what)| what.as_str());
            format!("  comment {v}\n      from {origin}")
        })
        .collect();
    panic!(
        "{what}: {} found\n{}",
        violations.len(),
        described.join("\n")
    );
}

/// Elements that run script, load documents or change how the page resolves.
const FORBIDDEN_ANYWHERE: &[&str] = &[
    "script", "iframe", "frame", "frameset", "object", "embed", "applet", "form", "style", "svg",
    "math", "base", "template", "isindex", "portal",
];

/// Elements a comment may not contribute, on top of the above.
const FORBIDDEN_IN_COMMENTS: &[&str] = &[
    "meta", "link", "title", "head", "body", "html", "input", "button", "textarea", "select",
    "keygen", "video", "audio", "source", "track", "image", "use", "animate", "set",
];

/// Attributes holding a URL.
const URL_ATTRIBUTES: &[&str] = &[
    "href",
    "src",
    "action",
    "formaction",
    "data",
    "poster",
    "background",
    "codebase",
    "cite",
    "srcdoc",
    "to",
    "values",
    "from",
    "by",
    "ping",
];

#[test]
fn no_script_or_active_element_survives() {
    let (site, ids) = fixture();
    let page = site.page(PAGE);
    let mut found = Vec::new();
    for element in select(&page, "*") {
        let name = element.value().name();
        if FORBIDDEN_ANYWHERE.contains(&name) {
            found.push(format!("{}: <{name}>", owner(element)));
        }
    }
    for element in select(&page, "meta[http-equiv]") {
        found.push(format!("{}: <meta http-equiv>", owner(element)));
    }
    for element in select(&page, "#comments *") {
        let name = element.value().name();
        if FORBIDDEN_IN_COMMENTS.contains(&name) {
            found.push(format!("{}: <{name}>", owner(element)));
        }
    }
    report("forbidden elements", found, &ids);
}

#[test]
fn no_event_handler_or_style_attribute_survives_in_the_thread() {
    let (site, ids) = fixture();
    let page = site.page(PAGE);
    let mut found = Vec::new();
    for element in select(&page, "#comments, #comments *") {
        for (name, value) in element.value().attrs() {
            let lower = name.to_ascii_lowercase();
            if lower.starts_with("on") || lower == "style" || lower == "srcdoc" {
                found.push(format!(
                    "{}: <{} {name}={value:?}>",
                    owner(element),
                    element.value().name()
                ));
            }
        }
    }
    report("event handler or style attributes", found, &ids);
}

#[test]
fn no_url_attribute_anywhere_has_a_script_or_data_scheme() {
    let (site, ids) = fixture();
    let page = site.page(PAGE);
    let mut found = Vec::new();
    let mut checked = 0;
    for element in select(&page, "*") {
        for (name, value) in element.value().attrs() {
            if !URL_ATTRIBUTES.contains(&name.to_ascii_lowercase().as_str()) {
                continue;
            }
            checked += 1;
            if let Some(s) = scheme(value)
                && ["javascript", "vbscript", "data", "livescript"].contains(&s.as_str())
            {
                found.push(format!(
                    "{}: <{} {name}={value:?}>",
                    owner(element),
                    element.value().name()
                ));
            }
        }
    }
    // The checks ran over real links: the theme's and the comments' own.
    assert!(checked > 20, "only {checked} URL attributes on the page");
    report("hostile URLs", found, &ids);
}

#[test]
fn every_link_in_a_comment_is_nofollow_ugc_noopener() {
    let (site, ids) = fixture();
    let page = site.page(PAGE);
    let links = select(
        &page,
        "#comments .comment > article > div a, #comments .comment > article > header > b > a",
    );
    assert!(
        !links.is_empty(),
        "the fixture has ordinary links in comment bodies; none rendered"
    );
    let mut found = Vec::new();
    for link in links {
        let rel: Vec<&str> = attr(link, "rel").unwrap_or("").split_whitespace().collect();
        for needed in ["nofollow", "ugc", "noopener"] {
            if !rel.contains(&needed) {
                found.push(format!("{}: <a rel={rel:?}> lacks {needed}", owner(link)));
            }
        }
    }
    report("links without the comment rel", found, &ids);
}

#[test]
fn hostile_commenter_urls_do_not_become_links() {
    let (site, ids) = fixture();
    let page = site.page(PAGE);
    let mut found = Vec::new();
    for (i, (url, not_http)) in URL_VECTORS.iter().enumerate() {
        let id = format!("url-{}", i + 1);
        let li = one(&page, &format!("li#comment-{id}"));
        let author = li
            .select(&sel(":scope > article > header > b"))
            .next()
            .unwrap_or_else(|| panic!("comment {id} has no commenter"));
        assert_eq!(
            text(author),
            format!("Url {id}"),
            "comment {id}: the name is still shown"
        );
        if let Some(link) = author.select(&sel("a")).next()
            && *not_http
        {
            found.push(format!("{id}: {url:?} linked to {:?}", attr(link, "href")));
        }
    }
    report("commenter urls that became links", found, &ids);
}

#[test]
fn markup_in_commenter_names_and_ids_is_shown_as_text() {
    let (site, _) = fixture();
    let page = site.page(PAGE);
    for (i, name) in AUTHOR_VECTORS.iter().enumerate() {
        let li = one(&page, &format!("li#comment-author-{}", i + 1));
        let author = li
            .select(&sel(":scope > article > header > b"))
            .next()
            .expect("an author");
        assert_eq!(text(author), *name, "the name is shown as written");
        assert_eq!(
            author.children().filter_map(ElementRef::wrap).count(),
            0,
            "the name {name:?} became markup"
        );
    }
    let hostile_anchor = format!("comment-{HOSTILE_ID}");
    let by_id: Vec<ElementRef> = select(&page, "li.comment")
        .into_iter()
        .filter(|li| li.value().id() == Some(hostile_anchor.as_str()))
        .collect();
    assert_eq!(
        by_id.len(),
        1,
        "the comment with a hostile id keeps its id as written"
    );
    let reply = one(
        &page,
        "li#comment-reply-to-hostile > article > header > span > a",
    );
    assert_eq!(
        attr(reply, "href"),
        Some(format!("#{hostile_anchor}").as_str())
    );
}

#[test]
fn every_comment_is_still_on_the_page_in_its_own_item() {
    let (site, ids) = fixture();
    let page = site.page(PAGE);
    let rendered: Vec<String> = select(&page, "li.comment")
        .into_iter()
        .map(|li| {
            li.value()
                .id()
                .expect("a comment item has an id")
                .strip_prefix("comment-")
                .expect("ids start comment-")
                .to_string()
        })
        .collect();
    let expected: Vec<String> = ids.iter().map(|(id, _)| id.clone()).collect();
    let missing: Vec<&String> = expected
        .iter()
        .filter(|id| !rendered.contains(id))
        .collect();
    assert!(
        missing.is_empty(),
        "comments missing from the page: {missing:?}"
    );
    assert_eq!(
        rendered.len(),
        expected.len(),
        "extra comment items: {rendered:?}"
    );
    assert_eq!(
        texts(&page, "#comments-title"),
        [format!("{} comments", expected.len())]
    );

    // Nothing a comment wrote closed the thread's lists: every top-level comment
    // is a direct item of the one comment list, and each has one body and one author.
    let list = one(&page, "#comments > ol.comment-list");
    let top_level: Vec<String> = list
        .children()
        .filter_map(ElementRef::wrap)
        .filter_map(|li| li.value().id().map(str::to_string))
        .collect();
    assert_eq!(
        top_level.len(),
        expected.len() - 1, // all but the one reply
        "top-level items of ol.comment-list: {top_level:?}"
    );
    for li in select(&page, "li.comment") {
        let article = li
            .children()
            .filter_map(ElementRef::wrap)
            .find(|e| e.value().name() == "article")
            .unwrap_or_else(|| panic!("{} has no article", owner(li)));
        assert_eq!(
            article.select(&sel(":scope > div")).count(),
            1,
            "comment {} has one body",
            owner(li)
        );
        assert_eq!(
            article.select(&sel(":scope > header > b")).count(),
            1,
            "comment {} has one author",
            owner(li)
        );
    }
}

#[test]
fn the_page_around_the_thread_is_intact() {
    let (site, _) = fixture();
    let page = site.page(PAGE);
    let comments = one(&page, "#comments");
    let main = one(&page, "main#main");
    assert!(
        comments.ancestors().any(|a| a.id() == main.id()),
        "#comments is inside main"
    );
    let footer = one(&page, "footer.site-footer");
    assert!(
        !footer.ancestors().any(|a| a.id() == comments.id()),
        "the site footer was swallowed by the thread"
    );
    assert!(
        !footer.ancestors().any(|a| a.id() == main.id()),
        "the site footer was swallowed by main"
    );
    let parent = footer
        .parent()
        .and_then(ElementRef::wrap)
        .expect("footer parent");
    assert_eq!(
        parent.value().name(),
        "body",
        "the footer is a child of body"
    );
    assert_eq!(text(footer), "Test Archive");
    assert_eq!(texts(&page, ".article-header h1"), ["Title of xss"]);
    // Exactly one page head and title: no comment added another.
    assert_eq!(select(&page, "head title").len(), 1);
    assert_eq!(select(&page, "body").len(), 1);
}

#[test]
fn harmless_text_survives() {
    let (site, _) = fixture();
    let page = site.page(PAGE);
    for (id, body, expected) in HARMLESS {
        let body_element = one(&page, &format!("li#comment-{id} > article > div"));
        assert_eq!(text(body_element), *expected, "comment {id} from {body:?}");
    }
    one(&page, "li#comment-ok-format > article > div strong");
    one(&page, "li#comment-ok-format > article > div em");
    let code = one(&page, "li#comment-ok-code > article > div code");
    assert_eq!(text(code), "<script>alert(1)</script>");
    let link = one(&page, "li#comment-ok-link > article > div a");
    assert_eq!(attr(link, "href"), Some("https://ok.example/page?a=1&b=2"));
}

#[test]
fn allowed_tags_keep_their_text_when_their_handlers_go() {
    let (site, _) = fixture();
    let page = site.page(PAGE);
    let index = |family: &str| {
        BODY_VECTORS
            .iter()
            .position(|(f, _)| *f == family)
            .map(|i| i + 1)
            .unwrap_or_else(|| panic!("no vector {family}"))
    };
    let b = one(
        &page,
        &format!(
            "li#comment-{} > article > div b",
            index("allowed b with handler")
        ),
    );
    assert_eq!(text(b), "bold");
    let a = one(
        &page,
        &format!(
            "li#comment-{} > article > div a",
            index("allowed a with onclick")
        ),
    );
    assert_eq!(attr(a, "href"), Some("https://ok.example/"));
    assert_eq!(text(a), "click");
    // A hostile link keeps its text but loses its target.
    let js = one(
        &page,
        &format!("li#comment-{} > article > div a", index("a javascript")),
    );
    assert_eq!(text(js), "x");
    assert_eq!(attr(js, "href"), None);
}
