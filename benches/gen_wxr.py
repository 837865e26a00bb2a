#!/usr/bin/env python3
"""Write a synthetic WordPress export (WXR 1.2) of about N MB, for import benchmarks.

    python3 benches/gen_wxr.py --size-mb 10 --out /tmp/blog.xml [--seed 1] [--check]

The file looks like what WordPress 6's Tools > Export > All content writes for a
commentary blog at https://blog.example.org that has run since 2006: a channel
header (about 20 authors, categories, tags, the menu), then items in post-id
order. About 85 % of the items are posts: mostly published, a few drafts (GMT
date `0000-00-00 00:00:00`, empty `post_name`, `?p=ID` link), a few private and
password-protected ones. The rest are pages, attachments (after the post they
were uploaded to), menu items and, for a few posts, revisions (a plain export
leaves those out; some plugins keep them). Bodies are classic-editor HTML
(paragraphs split by blank lines, `<!--more-->`, links, emphasis, quotes, lists,
`[caption]` around `<img>`, now and then `[gallery]`, Arabic or Cyrillic words);
posts from 2019 on are sometimes block-editor markup. Each post has 0-60
comments (about 20 on average) with nested replies, some unapproved, spam or
trashed, a few pingbacks; commenters' e-mails are at example.org and their IPs
in 192.0.2.0/24 and 198.51.100.0/24 only (documentation ranges).

The file is written as it is made, one item at a time, and stops at the first
item boundary past N x 1,000,000 bytes. Output is a pure function of
(--size-mb, --seed). Python 3 standard library only. A summary goes to stdout
(--json: one JSON object); --check reads the file back with
xml.etree.ElementTree.iterparse and compares what it finds with the summary.
"""
import argparse
import hashlib
import json
import random
import sys
import time
import unicodedata
from datetime import datetime, timedelta, timezone
from urllib.parse import quote

GENERATOR_VERSION = "1"
SITE = "https://blog.example.org"
SITE_TITLE = "Street Level"
SITE_DESCRIPTION = "Notes on cities, transport and the books about them"
EXPORTED = datetime(2025, 11, 3, 9, 14, 52, tzinfo=timezone.utc)
FIRST_POST = datetime(2006, 3, 1, 9, 0, tzinfo=timezone.utc)
LAST_POST = datetime(2025, 6, 1, 18, 0, tzinfo=timezone.utc)
# Bytes an average post adds to the file (its item, comments, attachments and
# revisions), measured on this generator; spreads the dates over the years.
BYTES_PER_POST = 32_000
ZERO_DATE = "0000-00-00 00:00:00"

# --------------------------------------------------------------------------
# Vocabulary
# --------------------------------------------------------------------------

CITIES = [
    "Vienna", "Lyon", "Porto", "Leipzig", "Bologna", "Gdańsk", "Utrecht", "Bilbao",
    "Marseille", "Glasgow", "Tallinn", "Turin", "Ghent", "Seville", "Kraków",
    "Rotterdam", "Zurich", "Valencia", "Brno", "Aarhus", "Tbilisi", "Izmir",
    "Casablanca", "Montreal", "Portland", "Curitiba", "Medellín", "Osaka",
]
THINGS = [
    "the tram network", "the ring road", "the old harbour", "the bus depot",
    "the housing cooperative", "the covered market", "the cycle lanes",
    "the parking levy", "the zoning code", "the riverfront", "the night buses",
    "the new library", "the suburban rail line", "the pedestrian zone",
    "the land-value tax", "the school run", "the rent cap", "the metro extension",
    "the tree canopy", "the freight yard", "the ferry service", "the street grid",
    "the public baths", "the allotment gardens", "the congestion charge",
]
ACTORS = [
    "the city council", "the transport authority", "local shopkeepers",
    "the planning department", "residents", "the mayor", "commuters",
    "developers", "the regional government", "the cycling lobby",
    "the chamber of commerce", "neighbourhood associations", "the unions",
    "urbanists", "the national ministry", "tenants", "the press",
]
VERBS = [
    "quietly rebuilt", "argued for years about", "underestimated",
    "finally paid for", "tried to sell", "learned to love", "kept postponing",
    "fell out over", "copied", "measured", "rerouted", "voted down",
    "made a mess of", "doubled", "handed back", "opened up",
]
TAILS = [
    "and nobody noticed for a decade", "long before it was fashionable",
    "at roughly half the usual cost", "against the advice of every consultant",
    "in a single summer", "without a master plan", "while the budget shrank",
    "after a referendum nobody expected to pass", "and ridership tripled",
    "which says more about the politics than the engineering",
]
OPENERS = [
    "Still,", "In fairness,", "Meanwhile,", "For a while,", "Oddly,", "Of course,",
    "On the ground,", "By the numbers,", "To be fair,", "Put bluntly,",
]
SHORT = [
    "That is the whole trick.", "It worked.", "Nobody planned this.",
    "The numbers are modest.", "Maps lie, a little.", "This matters more than it sounds.",
]
# Words a writer quotes in the original: (script, word, gloss).
FOREIGN = [
    ("ar", "مدينة", "city"), ("ar", "شارع", "street"), ("ar", "سوق", "market"),
    ("ar", "حيّ", "quarter"), ("ar", "ميدان", "square"),
    ("ru", "город", "city"), ("ru", "улица", "street"), ("ru", "трамвай", "tram"),
    ("ru", "двор", "courtyard"), ("ru", "микрорайон", "micro-district"),
]
BOOKS = [
    "The Death and Life of Great American Cities", "Walkable City",
    "Happy City", "Human Transit", "The High Cost of Free Parking",
    "Triumph of the City", "Order Without Design", "Streetfight",
]
HEADINGS = ["What changed", "The numbers", "Why it worked", "What it cost",
            "A detour", "Objections", "What comes next", "Elsewhere"]
TITLES = [
    "What {C} Got Right About {T}", "{C} and the Politics of {T}",
    "Notes from {C}: {T}", "Why {T} Keeps Failing (and When It Doesn't)",
    "{C}, Revisited", "A Walk Through {C}", "The Quiet Success of {T} in {C}",
    "Reading List: {T}", "Is {T} Worth It? Lessons from {C}",
    "{C} vs. {D} on {T}", "Q&A: {T} in {C}", "Links & Notes, {C} Edition",
    "Small Things in {C}", "On {T}", "Letter from {C}",
]
TOPICS = [
    "Trams", "Parking", "Zoning", "Bike Lanes", "Housing", "Night Buses",
    "Street Trees", "Rent Control", "Markets", "Ferries", "Density",
    "Pedestrian Streets", "Metro Lines", "Public Space", "Road Pricing",
]
CATEGORIES = [  # (name as WordPress stores it, parent index or None)
    ("Uncategorized", None), ("Transport", None), ("Trams &amp; Light Rail", 1),
    ("Buses", 1), ("Cycling", 1), ("Walking", 1), ("Housing", None),
    ("Rent &amp; Tenancy", 6), ("Planning", None), ("Zoning", 8), ("History", None),
    ("Books", None), ("Reviews", 11), ("Travel", None), ("Letters", None),
    ("Links", None), ("Data", None), ("Maps", 16), ("Meta", None),
    ("Guest Posts", None), ("Elections", None), ("Europe", 13), ("Americas", 13),
    ("Middle East &amp; North Africa", 13),
]
FIRST = ["Anna", "Ben", "Clara", "David", "Elif", "Farid", "Greta", "Hugo", "Ines",
         "Jonas", "Karin", "Leila", "Marek", "Nadia", "Omar", "Paula", "Rui",
         "Sofia", "Tomás", "Una", "Viktor", "Yasmin", "Zoltan", "Mei", "Kwame"]
LAST = ["Albers", "Bianchi", "Costa", "Dubois", "Eriksen", "Fischer", "García",
        "Haddad", "Ivanova", "Jensen", "Kowalski", "Lindqvist", "Moreau", "Novak",
        "Okafor", "Petrov", "Quinn", "Rossi", "Schmidt", "Tanaka", "Van Dijk",
        "Weber", "Yilmaz", "Zhou"]
NON_LATIN_NAMES = ["Алексей", "Мария Смирнова", "محمد", "ليلى ح.", "Дмитрий К."]
HANDLES = ["tramfan", "urbanist", "cyclist", "streetwise", "planner", "pedestrian",
           "commuter", "mapnerd"]
COMMENT_OPENERS = [
    "Great piece.", "I'm not sure this holds up.", "Thanks for writing this.",
    "Having lived there for years, I can confirm.", "Counterpoint:",
    "This is a bit rosy.", "Exactly this.", "Minor correction:",
]
REPLIES = ["Fair point.", "I disagree, and here is why.", "Source?",
           "That was my experience too.", "Not quite.", "Good question."]
SPAM = ["cheap flights", "replica watches", "casino bonus", "SEO services",
        "crypto signals", "essay writing"]

# --------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------


def sub_rng(seed, *parts):
    """An RNG of its own for each part, so one change does not reshuffle the rest."""
    key = ":".join(str(p) for p in (seed,) + parts)
    return random.Random(hashlib.sha256(key.encode()).digest())


def cdata(text):
    """What WordPress's wxr_cdata writes: one CDATA section, split around `]]>`."""
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def esc(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def slug(text):
    """WordPress's sanitize_title: ASCII kept, other letters percent-encoded."""
    out, dash = [], False
    for ch in text.replace("&amp;", "").replace("&", "").lower():
        if ch.isascii() and ch.isalnum():
            out.append(ch)
            dash = False
        elif not ch.isascii() and ch.isalpha():
            out.append(quote(ch).lower())
            dash = False
        elif not dash:
            out.append("-")
            dash = True
    return "".join(out).strip("-") or "untitled"


def local(dt):
    """UTC to the blog's time zone (Central European, with summer time)."""
    def last_sunday(month):
        d = datetime(dt.year, month, 31 if month in (3, 10) else 30, 1, tzinfo=timezone.utc)
        return d - timedelta(days=(d.weekday() + 1) % 7)
    summer = last_sunday(3) <= dt < last_sunday(10)
    return dt + timedelta(hours=2 if summer else 1)


def mysql(dt):
    return dt.strftime("%Y-%m-%d %H:%M:%S")


def rfc822(dt):
    days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    return "%s, %02d %s %04d %s +0000" % (days[dt.weekday()], dt.day, months[dt.month - 1],
                                          dt.year, dt.strftime("%H:%M:%S"))


def php_serialize(value):
    """Enough of PHP's serialize() for post and comment meta."""
    if isinstance(value, bool):
        return "b:%d;" % value
    if isinstance(value, int):
        return "i:%d;" % value
    if isinstance(value, float):
        return "d:%s;" % repr(value)
    if isinstance(value, str):
        return 's:%d:"%s";' % (len(value.encode()), value)
    items = value.items() if isinstance(value, dict) else enumerate(value)
    body = "".join(php_serialize(k) + php_serialize(v) for k, v in items)
    return "a:%d:{%s}" % (len(value), body)


def meta(tag, key, value, indent="\t\t"):
    return ("%s<wp:%s>\n%s\t<wp:meta_key>%s</wp:meta_key>\n%s\t<wp:meta_value>%s</wp:meta_value>\n%s</wp:%s>\n"
            % (indent, tag, indent, cdata(key), indent, cdata(value), indent, tag))


def weighted_index(rng, cum):
    return rng.choices(range(len(cum)), cum_weights=cum)[0]


def zipf(n, s):
    cum, total = [], 0.0
    for k in range(n):
        total += 1.0 / (k + 1) ** s
        cum.append(total)
    return cum


# --------------------------------------------------------------------------
# The blog: authors, terms, commenters
# --------------------------------------------------------------------------


class Blog:
    def __init__(self, seed):
        r = sub_rng(seed, "blog")
        names = [(f, l) for f in FIRST for l in LAST]
        r.shuffle(names)
        self.authors = []
        for i, (f, l) in enumerate(names[:20]):
            login = "admin" if i == 0 else (f[0] + l).lower().replace(" ", "").replace("á", "a").replace("í", "i")
            self.authors.append({"id": i + 1, "login": login, "first": f, "last": l,
                                 "display": "%s %s" % (f, l), "email": "%s@example.org" % login})
        self.author_cum = zipf(len(self.authors), 1.1)
        self.categories = []
        for i, (name, parent) in enumerate(CATEGORIES):
            self.categories.append({"id": i + 1, "name": name, "slug": slug(name), "parent": parent})
        tags, seen = [], set()
        pool = (list(TOPICS) + CITIES + ["%s %s" % (c, t) for c in CITIES for t in TOPICS]
                + ["Q&amp;A", "Before &amp; After", "метро", "двор", "سوق"])
        r.shuffle(pool)
        for name in pool[:400]:
            if slug(name) not in seen:
                seen.add(slug(name))
                tags.append({"id": 100 + len(tags), "name": name, "slug": slug(name)})
        self.tags = tags
        self.tag_cum = zipf(len(tags), 0.9)
        self.commenters = []
        for i in range(800):
            x = r.random()
            if x < 0.4:
                name = "%s %s" % (r.choice(FIRST), r.choice(LAST))
            elif x < 0.65:
                name = r.choice(FIRST)
            elif x < 0.9:
                name = "%s%d" % (r.choice(HANDLES), r.randint(1, 999))
            elif x < 0.95:
                name = r.choice(NON_LATIN_NAMES)
            else:
                name = "%s &amp; %s" % (r.choice(FIRST), r.choice(FIRST))
            ascii_name = unicodedata.normalize("NFKD", name.replace("&amp;", "and")).encode("ascii", "ignore").decode()
            mailbox = slug(ascii_name)[:20] if ascii_name.strip(" .") else "reader"
            url = "https://example.com/~%s-%d/" % (mailbox, i) if r.random() < 0.3 else ""
            ip = "%s.%d" % (r.choice(["192.0.2", "198.51.100"]), r.randint(1, 254))
            self.commenters.append({"name": name, "email": "%s.%d@example.org" % (mailbox, i),
                                    "url": url, "ip": ip})
        self.commenter_cum = zipf(len(self.commenters), 0.7)

    def header(self):
        out = ['<?xml version="1.0" encoding="UTF-8" ?>\n',
               "<!-- This is a WordPress eXtended RSS file generated by WordPress as an export of your site. -->\n"
               "<!-- It contains information about your site's posts, pages, comments, categories, and other content. -->\n"
               "<!-- You may use this file to transfer that content from one site to another. -->\n"
               "<!-- This file is not intended to serve as a complete backup of your site. -->\n\n"
               "<!-- generator=\"WordPress/6.4.3\" created=\"%s\" -->\n" % EXPORTED.strftime("%Y-%m-%d %H:%M"),
               '<rss version="2.0"\n'
               '\txmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"\n'
               '\txmlns:content="http://purl.org/rss/1.0/modules/content/"\n'
               '\txmlns:wfw="http://wellformedweb.org/CommentAPI/"\n'
               '\txmlns:dc="http://purl.org/dc/elements/1.1/"\n'
               '\txmlns:wp="http://wordpress.org/export/1.2/"\n>\n\n<channel>\n',
               "\t<title>%s</title>\n\t<link>%s</link>\n\t<description>%s</description>\n"
               "\t<pubDate>%s</pubDate>\n\t<language>en-GB</language>\n"
               "\t<wp:wxr_version>1.2</wp:wxr_version>\n"
               "\t<wp:base_site_url>%s</wp:base_site_url>\n\t<wp:base_blog_url>%s</wp:base_blog_url>\n\n"
               % (esc(SITE_TITLE), SITE, esc(SITE_DESCRIPTION), rfc822(EXPORTED), SITE, SITE)]
        for a in self.authors:
            out.append("\t\t<wp:author><wp:author_id>%d</wp:author_id><wp:author_login>%s</wp:author_login>"
                       "<wp:author_email>%s</wp:author_email><wp:author_display_name>%s</wp:author_display_name>"
                       "<wp:author_first_name>%s</wp:author_first_name><wp:author_last_name>%s</wp:author_last_name>"
                       "</wp:author>\n\n" % (a["id"], cdata(a["login"]), cdata(a["email"]), cdata(a["display"]),
                                             cdata(a["first"]), cdata(a["last"])))
        for c in self.categories:
            parent = self.categories[c["parent"]]["slug"] if c["parent"] is not None else ""
            out.append("\t<wp:category>\n\t\t<wp:term_id>%d</wp:term_id>\n\t\t<wp:category_nicename>%s"
                       "</wp:category_nicename>\n\t\t<wp:category_parent>%s</wp:category_parent>\n"
                       "\t\t<wp:cat_name>%s</wp:cat_name>\n\t</wp:category>\n"
                       % (c["id"], cdata(c["slug"]), cdata(parent), cdata(c["name"])))
        for t in self.tags:
            out.append("\t<wp:tag>\n\t\t<wp:term_id>%d</wp:term_id>\n\t\t<wp:tag_slug>%s</wp:tag_slug>\n"
                       "\t\t<wp:tag_name>%s</wp:tag_name>\n\t</wp:tag>\n"
                       % (t["id"], cdata(t["slug"]), cdata(t["name"])))
        out.append("\t<wp:term>\n\t\t<wp:term_id>90</wp:term_id>\n\t\t<wp:term_taxonomy>%s</wp:term_taxonomy>\n"
                   "\t\t<wp:term_slug>%s</wp:term_slug>\n\t\t<wp:term_parent>%s</wp:term_parent>\n"
                   "\t\t<wp:term_name>%s</wp:term_name>\n\t</wp:term>\n"
                   % (cdata("nav_menu"), cdata("main-menu"), cdata(""), cdata("Main menu")))
        out.append("\n\t<generator>https://wordpress.org/?v=6.4.3</generator>\n\n")
        return "".join(out)


# --------------------------------------------------------------------------
# Prose (classic-editor HTML)
# --------------------------------------------------------------------------


class Prose:
    def __init__(self, rng):
        self.r = rng

    def thing(self):
        r = self.r
        t = r.choice(THINGS)
        x = r.random()
        if x < 0.04:
            return '<a href="https://example.com/%s/%s">%s</a>' % (slug(r.choice(CITIES)), slug(t), t)
        if x < 0.07:
            return "<em>%s</em>" % t
        if x < 0.08:
            return "<strong>%s</strong>" % t
        if x < 0.085:
            script, word, gloss = r.choice(FOREIGN)
            return '%s (<em lang="%s">%s</em>, &#8220;%s&#8221;)' % (t, script, word, gloss)
        return t

    def sentence(self):
        r = self.r
        x = r.random()
        if x < 0.45:
            s = "%s %s %s %s." % (r.choice(ACTORS), r.choice(VERBS), self.thing(), r.choice(TAILS))
        elif x < 0.7:
            s = "%s %s in %s %s %s." % (r.choice(OPENERS), r.choice(ACTORS), r.choice(CITIES),
                                        r.choice(VERBS), self.thing())
        elif x < 0.85:
            s = "In %s, %s %s %s, and %s %s it." % (r.choice(CITIES), r.choice(ACTORS), r.choice(VERBS),
                                                   self.thing(), r.choice(ACTORS), r.choice(VERBS))
        elif x < 0.93:
            s = "Why did %s wait so long before %s %s?" % (r.choice(ACTORS), r.choice(["touching", "fixing", "funding"]),
                                                         self.thing())
        else:
            s = r.choice(SHORT)
        return s[0].upper() + s[1:] if not s.startswith("<") else s

    def paragraph(self, lo=3, hi=7):
        return " ".join(self.sentence() for _ in range(self.r.randint(lo, hi)))


def caption(att, rng):
    w, h = att["width"], att["height"]
    img = ('<img class="size-large wp-image-%d" src="%s" alt="%s" width="%d" height="%d" />'
           % (att["id"], att["url"], esc(att["alt"]), min(w, 1024), min(w, 1024) * h // w))
    link = '<a href="%s">%s</a>' % (att["url"], img) if rng.random() < 0.5 else img
    return ('[caption id="attachment_%d" align="align%s" width="%d"]%s %s[/caption]'
            % (att["id"], rng.choice(["center", "none", "left", "right"]), min(w, 1024), link, att["caption"]))


def post_body(rng, images, gallery, blocks):
    """HTML body of a post: a list of blocks joined by blank lines (classic editor)."""
    p = Prose(rng)
    out = [p.paragraph(2, 4)]
    if rng.random() < 0.6:
        out.append("<!--more-->")
    n = rng.choices([3, 5, 8, 12, 20], weights=[15, 35, 30, 15, 5])[0]
    image_at = {rng.randint(1, n): img for img in images}
    for i in range(1, n + 1):
        if i % 4 == 0 and rng.random() < 0.5:
            out.append("<h2>%s</h2>" % rng.choice(HEADINGS))
        x = rng.random()
        if x < 0.07:
            out.append("<blockquote>%s</blockquote>" % p.paragraph(1, 3))
        elif x < 0.12:
            out.append("<ul>\n" + "\n".join("\t<li>%s</li>" % p.thing() for _ in range(rng.randint(2, 5))) + "\n</ul>")
        elif x < 0.14:
            out.append('I have been re-reading <em>%s</em>; see <a href="%s/?s=%s">earlier posts</a>.'
                       % (rng.choice(BOOKS), SITE, quote(rng.choice(TOPICS).lower())))
        out.append(p.paragraph())
        if i in image_at:
            out.append(caption(image_at[i], rng))
    if gallery:
        out.append('[gallery ids="%s"]' % ",".join(str(a["id"]) for a in gallery))
    if rng.random() < 0.01:  # someone pasted CDATA-looking text: WordPress splits the section
        out.append("<code>&lt;![CDATA[ x ]]&gt;</code> and a raw ]]> in the text.")
    if blocks:
        out = [block_markup(b) for b in out]
    return "\n\n".join(out)


def block_markup(block):
    """One classic-editor block as the block editor stores it."""
    if block == "<!--more-->":
        return "<!-- wp:more -->\n<!--more-->\n<!-- /wp:more -->"
    if block.startswith("["):
        return "<!-- wp:shortcode -->\n%s\n<!-- /wp:shortcode -->" % block
    if block.startswith("<h2>"):
        return '<!-- wp:heading -->\n<h2 class="wp-block-heading">%s\n<!-- /wp:heading -->' % block[4:]
    if block.startswith("<"):
        return "<!-- wp:html -->\n%s\n<!-- /wp:html -->" % block
    return "<!-- wp:paragraph -->\n<p>%s</p>\n<!-- /wp:paragraph -->" % block


# --------------------------------------------------------------------------
# Items
# --------------------------------------------------------------------------


def item(f):
    """One <item>, from a dict of fields, in the order WordPress 6 writes them."""
    out = ["\t<item>\n\t\t<title>%s</title>\n\t\t<link>%s</link>\n\t\t<pubDate>%s</pubDate>\n"
           "\t\t<dc:creator>%s</dc:creator>\n\t\t<guid isPermaLink=\"false\">%s</guid>\n"
           "\t\t<description></description>\n\t\t<content:encoded>%s</content:encoded>\n"
           "\t\t<excerpt:encoded>%s</excerpt:encoded>\n\t\t<wp:post_id>%d</wp:post_id>\n"
           "\t\t<wp:post_date>%s</wp:post_date>\n\t\t<wp:post_date_gmt>%s</wp:post_date_gmt>\n"
           "\t\t<wp:post_modified>%s</wp:post_modified>\n\t\t<wp:post_modified_gmt>%s</wp:post_modified_gmt>\n"
           "\t\t<wp:comment_status>%s</wp:comment_status>\n\t\t<wp:ping_status>%s</wp:ping_status>\n"
           "\t\t<wp:post_name>%s</wp:post_name>\n\t\t<wp:status>%s</wp:status>\n"
           "\t\t<wp:post_parent>%d</wp:post_parent>\n\t\t<wp:menu_order>%d</wp:menu_order>\n"
           "\t\t<wp:post_type>%s</wp:post_type>\n\t\t<wp:post_password>%s</wp:post_password>\n"
           "\t\t<wp:is_sticky>%d</wp:is_sticky>\n"
           % (cdata(f["title"]), esc(f["link"]), f["pubdate"], cdata(f["creator"]), esc(f["guid"]),
              cdata(f["content"]), cdata(f.get("excerpt", "")), f["id"], cdata(f["date"]),
              cdata(f["date_gmt"]), cdata(f["modified"]), cdata(f["modified_gmt"]),
              cdata(f.get("comment_status", "open")), cdata(f.get("ping_status", "open")),
              cdata(f["name"]), cdata(f["status"]), f.get("parent", 0), f.get("menu_order", 0),
              cdata(f["type"]), cdata(f.get("password", "")), f.get("sticky", 0))]
    if "attachment_url" in f:
        out.append("\t\t<wp:attachment_url>%s</wp:attachment_url>\n" % cdata(f["attachment_url"]))
    for domain, nicename, name in f.get("terms", ()):
        out.append('\t\t<category domain="%s" nicename="%s">%s</category>\n' % (domain, esc(nicename), cdata(name)))
    for key, value in f.get("meta", ()):
        out.append(meta("postmeta", key, value))
    out.extend(f.get("comments", ()))
    out.append("\t</item>\n")
    return "".join(out)


def dates(utc, modified_utc):
    return {"date": mysql(local(utc)), "date_gmt": mysql(utc), "pubdate": rfc822(utc),
            "modified": mysql(local(modified_utc)), "modified_gmt": mysql(modified_utc)}


def comment_xml(c):
    out = ["\t\t<wp:comment>\n\t\t\t<wp:comment_id>%d</wp:comment_id>\n"
           "\t\t\t<wp:comment_author>%s</wp:comment_author>\n"
           "\t\t\t<wp:comment_author_email>%s</wp:comment_author_email>\n"
           "\t\t\t<wp:comment_author_url>%s</wp:comment_author_url>\n"
           "\t\t\t<wp:comment_author_IP>%s</wp:comment_author_IP>\n"
           "\t\t\t<wp:comment_date>%s</wp:comment_date>\n\t\t\t<wp:comment_date_gmt>%s</wp:comment_date_gmt>\n"
           "\t\t\t<wp:comment_content>%s</wp:comment_content>\n"
           "\t\t\t<wp:comment_approved>%s</wp:comment_approved>\n\t\t\t<wp:comment_type>%s</wp:comment_type>\n"
           "\t\t\t<wp:comment_parent>%d</wp:comment_parent>\n\t\t\t<wp:comment_user_id>%d</wp:comment_user_id>\n"
           % (c["id"], cdata(c["author"]), cdata(c["email"]), esc(c["url"]).replace("&amp;", "&#038;"),
              cdata(c["ip"]), cdata(mysql(local(c["date"]))), cdata(mysql(c["date"])), cdata(c["content"]),
              cdata(c["approved"]), cdata(c["type"]), c["parent"], c["user_id"])]
    for key, value in c["meta"]:
        out.append(meta("commentmeta", key, value, "\t\t\t"))
    out.append("\t\t</wp:comment>\n")
    return "".join(out)


class Writer:
    """Makes the items in post-id order and counts what it wrote."""

    def __init__(self, blog, seed, target_posts):
        self.blog, self.seed = blog, seed
        self.step = (LAST_POST - FIRST_POST) / max(target_posts, 1)
        self.next_id = 1
        self.next_comment_id = 1
        self.slugs = set()
        self.pages = []  # (id, path) of published pages
        self.counts = {"post": 0, "page": 0, "attachment": 0, "nav_menu_item": 0, "revision": 0}
        self.status = {}
        self.comments = {"total": 0, "approved": 0, "unapproved": 0, "spam": 0, "trash": 0,
                         "pingback": 0, "replies": 0, "max_depth": 0, "max_per_item": 0}

    def new_id(self, rng, gap=0.2):
        # ids skip now and then: auto-drafts and deleted posts leave holes
        self.next_id += 1 + (rng.randint(1, 6) if rng.random() < gap else 0)
        return self.next_id - 1

    def unique_slug(self, base):
        s, n = base, 2
        while s in self.slugs:
            s = "%s-%d" % (base, n)
            n += 1
        self.slugs.add(s)
        return s

    def author(self, rng):
        return self.blog.authors[weighted_index(rng, self.blog.author_cum)]

    # -- comments --------------------------------------------------------

    def thread(self, rng, count, posted, author):
        made, depth = [], {}
        t = posted + timedelta(minutes=rng.randint(3, 300))
        for _ in range(count):
            t += timedelta(minutes=int(rng.expovariate(1 / (90 if len(made) < 15 else 2000))) + 1)
            self.next_comment_id += 1 + (rng.randint(1, 40) if rng.random() < 0.1 else 0)
            cid = self.next_comment_id - 1
            x = rng.random()
            approved, ctype = "1", "comment"
            if x < 0.02:
                ctype = "pingback"
            elif x < 0.10:
                approved = "spam"
            elif x < 0.12:
                approved = "trash"
            elif x < 0.16:
                approved = "0"
            if rng.random() < 0.15 and t.year < 2020:
                ctype = ""  # WordPress before 5.5 left comment_type empty
            parent = 0
            live = [c for c in made if c["approved"] in ("1", "trash") and c["type"] != "pingback"]
            if ctype != "pingback" and approved != "spam" and live and rng.random() < 0.4:
                pool = live[-4:] if rng.random() < 0.6 else live
                parent = rng.choice(pool)["id"]
            p = Prose(rng)
            user_id = 0
            if ctype == "pingback":
                who = {"name": "%s &raquo; %s" % (rng.choice(["Transit Notes", "City Observatory Digest",
                                                              "Кварталы", "Mapping Matters"]), rng.choice(TOPICS)),
                       "email": "", "url": "https://example.net/%d/%s/" % (t.year, slug(rng.choice(TOPICS))),
                       "ip": "198.51.100.%d" % rng.randint(1, 254)}
                content = "[&#8230;] %s [&#8230;]" % p.sentence()
            elif approved == "spam":
                who = dict(rng.choice(self.blog.commenters))
                who["url"] = "https://spam.example.com/%s?ref=%d&id=%d" % (slug(rng.choice(SPAM)), cid, rng.randint(1, 99))
                links = " ".join('<a href="https://spam.example.com/%d">%s</a>' % (rng.randint(1, 9999), rng.choice(SPAM))
                                 for _ in range(rng.randint(1, 6)))
                content = "Nice post! Check %s" % links
            else:
                if parent and rng.random() < 0.2:
                    user_id = author["id"]
                    who = {"name": author["display"], "email": author["email"],
                           "url": SITE, "ip": "192.0.2.10"}
                else:
                    who = self.blog.commenters[weighted_index(rng, self.blog.commenter_cum)]
                paras = []
                for j in range(rng.choices([1, 2, 3, 4], weights=[40, 30, 20, 10])[0]):
                    s = " ".join(p.sentence() for _ in range(rng.randint(1, 4)))
                    if j == 0:
                        s = "%s %s" % (rng.choice(REPLIES if parent else COMMENT_OPENERS), s)
                    paras.append(s)
                if rng.random() < 0.06:
                    paras.insert(0, "<blockquote>%s</blockquote>" % p.sentence())
                if rng.random() < 0.05:
                    paras.append("Fish &amp; chips aside, 3 &lt; 5 still holds. 👍")
                content = "\n\n".join(paras)
            meta = []
            if ctype != "pingback" and rng.random() < 0.5:
                meta.append(("akismet_result", "true" if approved == "spam" else "false"))
                meta.append(("akismet_history", php_serialize({
                    "time": round(t.timestamp() + rng.random(), 4),
                    "event": "check-spam" if approved == "spam" else "check-ham",
                    "user": ""})))
            c = {"id": cid, "author": who["name"], "email": who["email"], "url": who["url"], "ip": who["ip"],
                 "date": t, "content": content, "approved": approved, "type": ctype, "parent": parent,
                 "user_id": user_id, "meta": meta}
            made.append(c)
            depth[cid] = depth.get(parent, 0) + 1
            k = self.comments
            k["total"] += 1
            k["pingback"] += ctype == "pingback"
            k["replies"] += parent != 0
            k[{"1": "approved", "0": "unapproved"}.get(approved, approved)] += 1
            k["max_depth"] = max(k["max_depth"], depth[cid])
        self.comments["max_per_item"] = max(self.comments["max_per_item"], len(made))
        return [comment_xml(c) for c in made]

    def comment_count(self, rng):
        if rng.random() < 0.1:
            return 0
        return min(60, int(rng.gammavariate(2.0, 11.5)))

    # -- items -----------------------------------------------------------

    def post(self, n):
        """Post number n, followed by its attachments and revisions."""
        rng = sub_rng(self.seed, "post", n)
        pid = self.new_id(rng)
        posted = FIRST_POST + self.step * n + timedelta(seconds=int(rng.random() * 0.9 * self.step.total_seconds()))
        posted = posted.replace(microsecond=0)
        x = rng.random()
        status = "publish"
        if x < 0.03:
            status = "draft"
        elif x < 0.045:
            status = "private"
        author = self.author(rng)
        cities = rng.sample(CITIES, 2)
        topic = rng.choice(TOPICS)
        if rng.random() < 0.01:
            word = rng.choice([f for f in FOREIGN if f[0] == "ru"])[1]
            title = "%s: %s" % (word.capitalize(), rng.choice(["заметки", "итоги", "вопросы"]))
        else:
            title = rng.choice(TITLES).replace("{C}", cities[0]).replace("{D}", cities[1]).replace("{T}", topic)
            title = title.replace("&", "&amp;") if rng.random() < 0.5 else title
        name = "" if status == "draft" else self.unique_slug(slug(title)[:190])

        # attachments take the ids after the post's: uploaded while it was written
        images = []
        n_images = rng.choices([0, 1, 2], weights=[91, 7, 2])[0]
        gallery = rng.random() < 0.01 and status == "publish"
        for k in range(n_images + (3 if gallery else 0)):
            aid = self.new_id(rng, gap=0)
            lp = local(posted)
            base = "%s-%d" % (slug(rng.choice(CITIES)), rng.randint(100, 9999))
            ext = rng.choice(["jpg", "jpg", "jpg", "png", "webp"])
            w = rng.choice([1200, 1600, 2048, 4032, 800])
            images.append({"id": aid, "base": base, "ext": ext, "width": w, "height": w * rng.choice([2, 3, 4]) // rng.choice([3, 4]),
                           "url": "%s/wp-content/uploads/%04d/%02d/%s.%s" % (SITE, lp.year, lp.month, base, ext),
                           "file": "%04d/%02d/%s.%s" % (lp.year, lp.month, base, ext),
                           "alt": "%s in %s" % (rng.choice(THINGS).capitalize(), rng.choice(CITIES)),
                           "caption": "%s, %d." % (rng.choice(THINGS).capitalize(), lp.year)})
        blocks = posted.year >= 2019 and rng.random() < 0.25
        body = post_body(rng, images[:n_images], images[n_images:], blocks)

        lp = local(posted)
        link = "%s/%04d/%02d/%s/" % (SITE, lp.year, lp.month, name) if name else "%s/?p=%d" % (SITE, pid)
        modified = posted + timedelta(minutes=rng.randint(0, 20)) if rng.random() < 0.7 else \
            posted + timedelta(days=rng.randint(1, 900))
        modified = min(modified, EXPORTED - timedelta(days=1))
        f = {"title": title, "link": link, "creator": author["login"], "guid": "%s/?p=%d" % (SITE, pid),
             "content": body, "id": pid, "name": name, "status": status, "type": "post",
             "comment_status": "closed" if posted.year < 2012 and rng.random() < 0.3 else "open"}
        f.update(dates(posted, modified))
        if status == "draft":
            f["date_gmt"] = ZERO_DATE
            f["pubdate"] = "Sat, 30 Nov -0001 00:00:00 +0000"
        if rng.random() < 0.2:
            f["excerpt"] = Prose(rng).sentence()
        if status == "publish" and rng.random() < 0.005:
            f["password"] = "letmein"
        if status == "publish" and rng.random() < 0.002:
            f["sticky"] = 1
        cats = [self.blog.categories[i] for i in rng.sample(range(1, len(self.blog.categories)), rng.choice([1, 1, 2]))]
        terms = [("category", c["slug"], c["name"]) for c in cats]
        tags = {weighted_index(rng, self.blog.tag_cum) for _ in range(rng.randint(0, 8))}
        terms += [("post_tag", self.blog.tags[i]["slug"], self.blog.tags[i]["name"]) for i in sorted(tags)]
        f["terms"] = terms
        f["meta"] = [("_edit_last", str(author["id"]))]
        if images[:n_images]:
            f["meta"].append(("_thumbnail_id", str(images[0]["id"])))
        if name and rng.random() < 0.05:
            f["meta"].append(("_wp_old_slug", slug(title.split(":")[0])[:60] + "-draft"))
        if status != "draft":
            nc = self.comment_count(rng) if status == "publish" else 0
            f["comments"] = self.thread(rng, nc, posted, author)
        self.counts["post"] += 1
        self.status[status] = self.status.get(status, 0) + 1
        parts = [item(f)]

        for img in images:
            attached = posted - timedelta(minutes=rng.randint(1, 60))
            a = {"title": img["base"], "link": "%s%s/" % (link, img["base"]) if name else "%s/?attachment_id=%d" % (SITE, img["id"]),
                 "creator": author["login"], "guid": img["url"], "content": "", "excerpt": img["caption"],
                 "id": img["id"], "name": img["base"], "status": "inherit", "type": "attachment",
                 "parent": pid, "ping_status": "closed", "attachment_url": img["url"]}
            a.update(dates(attached, attached))
            sizes = {s: {"file": "%s-%dx%d.%s" % (img["base"], w, w * img["height"] // img["width"], img["ext"]),
                         "width": w, "height": w * img["height"] // img["width"],
                         "mime-type": "image/jpeg" if img["ext"] == "jpg" else "image/" + img["ext"]}
                     for s, w in (("thumbnail", 150), ("medium", 300), ("medium_large", 768), ("large", 1024))}
            a["meta"] = [("_wp_attached_file", img["file"]),
                         ("_wp_attachment_metadata", php_serialize({
                             "width": img["width"], "height": img["height"], "file": img["file"],
                             "filesize": rng.randint(80_000, 4_000_000), "sizes": sizes,
                             "image_meta": {"aperture": "0", "credit": "", "camera": "", "caption": "",
                                            "created_timestamp": "0", "copyright": "", "focal_length": "0",
                                            "iso": "0", "shutter_speed": "0", "title": "", "orientation": "0",
                                            "keywords": []}})),
                         ("_wp_attachment_image_alt", img["alt"])]
            self.counts["attachment"] += 1
            parts.append(item(a))

        if status == "publish" and rng.random() < 0.02:
            for v in range(1, rng.randint(2, 3)):
                rid = self.new_id(rng, gap=0)
                when = posted - timedelta(minutes=rng.randint(5, 600)) if v == 1 else modified
                r = {"title": title, "link": "%s/?p=%d" % (SITE, rid), "creator": author["login"],
                     "guid": "%s/?p=%d" % (SITE, rid), "content": body if v > 1 else body[: len(body) * 2 // 3],
                     "id": rid, "name": "%d-revision-v1" % pid, "status": "inherit", "type": "revision",
                     "parent": pid, "comment_status": "closed", "ping_status": "closed"}
                r.update(dates(when, when))
                self.counts["revision"] += 1
                parts.append(item(r))
        return "".join(parts)

    def page(self, n, posted):
        rng = sub_rng(self.seed, "page", n)
        pid = self.new_id(rng)
        title = ["About", "Contact", "Comment policy", "Archives", "Reading list", "Maps",
                 "Talks &amp; Interviews", "Newsletter", "Colophon", "Support"][n % 10]
        if n >= 10:
            title = "%s (%d)" % (title, n // 10 + 1)
        parent_id, path = 0, ""
        if self.pages and rng.random() < 0.3:
            parent_id, path = rng.choice(self.pages)
        name = self.unique_slug(slug(title))
        link = "%s/%s%s/" % (SITE, path, name)
        self.pages.append((pid, "%s%s/" % (path, name)))
        author = self.blog.authors[0]
        p = Prose(rng)
        f = {"title": title, "link": link, "creator": author["login"], "guid": "%s/?page_id=%d" % (SITE, pid),
             "content": "\n\n".join(p.paragraph() for _ in range(rng.randint(2, 6))), "id": pid, "name": name,
             "status": "publish", "type": "page", "parent": parent_id, "menu_order": n,
             "comment_status": "open" if rng.random() < 0.3 else "closed", "ping_status": "closed"}
        f.update(dates(posted, posted + timedelta(days=rng.randint(0, 400))))
        f["meta"] = [("_edit_last", "1"), ("_wp_page_template", "default")]
        f["comments"] = self.thread(rng, rng.randint(0, 15) if f["comment_status"] == "open" else 0,
                                    posted, author)
        self.counts["page"] += 1
        return item(f), pid

    def menu_item(self, n, posted, target_id):
        """A menu entry: a page (post_type) or a custom link."""
        rng = sub_rng(self.seed, "menu", n)
        mid = self.new_id(rng, gap=0)
        custom = target_id is None
        f = {"title": "Elsewhere" if custom else "", "link": "%s/?p=%d" % (SITE, mid), "creator": "admin",
             "guid": "%s/?p=%d" % (SITE, mid), "content": "", "id": mid, "name": str(mid),
             "status": "publish", "type": "nav_menu_item", "menu_order": n + 1,
             "comment_status": "closed", "ping_status": "closed",
             "terms": [("nav_menu", "main-menu", "Main menu")]}
        f.update(dates(posted, posted))
        f["meta"] = [("_menu_item_type", "custom" if custom else "post_type"),
                     ("_menu_item_menu_item_parent", "0"),
                     ("_menu_item_object_id", str(mid if custom else target_id)),
                     ("_menu_item_object", "custom" if custom else "page"),
                     ("_menu_item_target", ""), ("_menu_item_classes", php_serialize([""])),
                     ("_menu_item_xfn", ""), ("_menu_item_url", "https://example.com/blogroll/" if custom else "")]
        self.counts["nav_menu_item"] += 1
        return item(f)


# --------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------


def generate(size_mb, out, seed):
    target = int(size_mb * 1_000_000)
    blog = Blog(seed)
    w = Writer(blog, seed, max(1, target // BYTES_PER_POST))
    closing = "</channel>\n</rss>\n"
    written = 0
    pages = menus = 0
    with open(out, "wb") as fh:
        def put(text):
            nonlocal written
            data = text.encode("utf-8")
            fh.write(data)
            written += len(data)

        put(blog.header())
        n = 0
        while written + len(closing) < target or n == 0:
            # now and then a page, then a menu entry for it; early on the site's first pages
            if n in (0, 2, 5) or sub_rng(seed, "page?", n).random() < 0.003:
                when = FIRST_POST + w.step * n - timedelta(hours=3)
                text, page_id = w.page(pages, when)
                put(text)
                put(w.menu_item(menus, when + timedelta(minutes=5), page_id))
                pages += 1
                menus += 1
                if pages == 3:
                    put(w.menu_item(menus, when + timedelta(minutes=6), None))
                    menus += 1
            put(w.post(n))
            n += 1
        put(closing)
    items = sum(w.counts.values())
    return {"generator_version": GENERATOR_VERSION, "seed": seed, "size_mb": size_mb, "bytes": written,
            "items": items, "posts": w.counts["post"], "post_status": w.status, "pages": w.counts["page"],
            "attachments": w.counts["attachment"], "nav_menu_items": w.counts["nav_menu_item"],
            "revisions": w.counts["revision"], "post_share": round(w.counts["post"] / items, 3),
            "comments": w.comments, "authors": len(blog.authors), "tags": len(blog.tags),
            "categories": len(blog.categories)}


def check(path, summary):
    """Read the file back with iterparse (streaming) and compare with the summary."""
    import xml.etree.ElementTree as ET
    wp = "{http://wordpress.org/export/1.2/}"
    types, comments, problems = {}, 0, []
    for _event, el in ET.iterparse(path, events=("end",)):
        if el.tag != "item":
            continue
        kind = el.findtext(wp + "post_type")
        types[kind] = types.get(kind, 0) + 1
        comments += len(el.findall(wp + "comment"))
        if kind == "post" and el.findtext(wp + "status") == "publish":
            date, name = el.findtext(wp + "post_date"), el.findtext(wp + "post_name")
            want = "%s/%s/%s/%s/" % (SITE, date[:4], date[5:7], name)
            if el.findtext("link") != want and len(problems) < 5:
                problems.append("post %s: link %s, expected %s" % (el.findtext(wp + "post_id"), el.findtext("link"), want))
        el.clear()
    expected = {"post": summary["posts"], "page": summary["pages"], "attachment": summary["attachments"],
                "nav_menu_item": summary["nav_menu_items"], "revision": summary["revisions"]}
    expected = {k: v for k, v in expected.items() if v}
    if types != expected:
        problems.append("item types %s, summary says %s" % (types, expected))
    if comments != summary["comments"]["total"]:
        problems.append("%d comments, summary says %d" % (comments, summary["comments"]["total"]))
    return problems


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size-mb", type=float, required=True, help="target size, in units of 1,000,000 bytes")
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--json", action="store_true", help="print the summary as one JSON object")
    ap.add_argument("--check", action="store_true", help="parse the result with ElementTree.iterparse and compare")
    args = ap.parse_args(argv)
    if args.size_mb <= 0:
        ap.error("--size-mb must be > 0")
    start = time.perf_counter()
    summary = generate(args.size_mb, args.out, args.seed)
    summary["seconds"] = round(time.perf_counter() - start, 1)
    if args.check:
        problems = check(args.out, summary)
        for p in problems:
            print("check: " + p, file=sys.stderr)
        if problems:
            return 1
        summary["checked"] = True
    if args.json:
        print(json.dumps(summary, sort_keys=True))
    else:
        c = summary["comments"]
        print("%s: %s bytes, %d items (%d posts %s, %d pages, %d attachments, %d menu items, %d revisions)"
              % (args.out, format(summary["bytes"], ","), summary["items"], summary["posts"],
                 summary["post_status"], summary["pages"], summary["attachments"], summary["nav_menu_items"],
                 summary["revisions"]))
        print("%d comments (%d approved, %d unapproved, %d spam, %d trash, %d pingbacks; %d replies, "
              "max depth %d, max %d on one item); %.1f s%s"
              % (c["total"], c["approved"], c["unapproved"], c["spam"], c["trash"], c["pingback"], c["replies"],
                 c["max_depth"], c["max_per_item"], summary["seconds"], "; iterparse check passed" if args.check else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
