"""The page's headline without the site's name.

<title>, og:title / twitter:title and the JSON-LD headline are cut into segments at " | ",
" - ", " — ", " / ", "Site: " ...; segments at either end that name the site (og:site_name,
application-name, the JSON-LD publisher / WebSite / Organization names, the host name's labels
or their initials, an <h1> that is the title's last segment) are dropped, and a short last
segment after a separator even when nothing names it. The meta title the other sources back
is the candidate; the page's <h1> (the visible headline) replaces it when the two share most
of their words, when another meta source says the <h1>'s words, or on an article when the <h1>
reads as a sentence (Rules.title_*).
"""
from __future__ import annotations

import re

from lxml.html import HtmlElement

from cleancorpus.pipeline.extraction.dates import DATE
from cleancorpus.pipeline.extraction.metadata.page import SPACE, Page, ld_text, overlap
from cleancorpus.pipeline.extraction.metadata.rules import Rules
from cleancorpus.pipeline.extraction.metadata.sites import Sites, compact
from cleancorpus.pipeline.extraction.page_zone import CLASS_PARTS

# separators between a headline and a site or section name
_SEP = re.compile(r"\s+(?:\||\|\||-{1,2}|–|—|·|•|»|::|~|/|›|:)\s+|\s*(?:\||•|·|»)\s*")
_COLON_PREFIX = re.compile(r"^([^:]{2,40}):\s+(?=\S)")
_PIPE_LIKE = frozenset({"|", "||", "·", "•", "»", "›", "::"})
_PERMALINK = re.compile(r"\s*[¶#🔗]+\s*$")


def _segments(t: str) -> tuple[list[str], list[str]]:
    """A title cut at its separators (none at its very start or end): the segments, and the
    separators between them."""
    parts, seps, last = [], [], 0
    for m in _SEP.finditer(t):
        if m.start() == 0 or m.end() == len(t):
            continue
        parts.append(t[last:m.start()])
        seps.append(m.group(0).strip())
        last = m.end()
    parts.append(t[last:])
    return parts, seps


def _named_tail(parts: list[str], seps: list[str], sites: Sites) -> int:
    """How many segments at the end name the site (0: none)."""
    for k in range(1, len(parts)):
        tail = parts[-k] if k == 1 else " ".join(parts[-k:])
        if sites.named(tail) and (k == 1 or sites.exact(tail)):
            return k
    return 0


def _named_head(parts: list[str], seps: list[str], sites: Sites) -> int:
    for k in range(1, len(parts)):
        head = parts[0] if k == 1 else " ".join(parts[:k])
        if sites.named(head, loose=False) and (k == 1 or sites.exact(head)):
            return k
    return 0


def strip_site(title: str | None, sites: Sites, unknown_suffix: str = "pipe") -> str | None:
    """The title without segments at either end that name the site."""
    if not title:
        return None
    t = SPACE.sub(" ", title).strip()
    parts, seps = _segments(t)
    if len(parts) > 1:
        # the site's name at the end, "Headline | Site" (or over several segments, "Headline -
        # Site — US Edition"), then at the start, "Site | Headline"
        while len(parts) > 1 and (k := _named_tail(parts, seps, sites)):
            del parts[-k:], seps[-k:]
        while len(parts) > 1 and (k := _named_head(parts, seps, sites)):
            del parts[:k], seps[:k]
        if len(parts) > 1 and unknown_suffix != "none":
            last, sep = parts[-1], seps[-1]
            rest = sum(len(p) for p in parts[:-1])
            if (sep in _PIPE_LIKE or unknown_suffix == "dash") and len(last.split()) <= 4 and len(last) < rest:
                parts.pop()
                seps.pop()
        t = parts[0] + "".join(f" {s} {p}" if s not in (":", ",") else f"{s} {p}" for s, p in zip(seps, parts[1:]))
    m = _COLON_PREFIX.match(t)
    if m and sites.named(m.group(1), loose=False) and len(t) - m.end() >= 3:
        t = t[m.end():]
    # "[LWN.net]" at the end, "example.com Headline" at the start
    m = _BRACKETED_END.search(t)
    if m and m.start() > 0 and sites.named(m.group(1)):
        t = t[:m.start()]
    m = _HOST_START.match(t)
    if m and len(t) > m.end() and sites.named(m.group(1), loose=False):
        t = t[m.end():]
    return clean_headline(t)


# what kind of page it is, said before the headline ("Thread: ...", "View topic - ...")
_KIND_PREFIX = re.compile(r"^(?:thread|topic|view topic|blog|blog post|post|article|collection|category|title|"
                          r"question|discussion)\s*[:|\-–—]\s*(?=\S)", re.I)
_BRACKETED_END = re.compile(r"\s*[\[(]([^\[\]()]{2,40})[\])]\s*$")
_HOST_START = re.compile(r"^([\w-]+(?:\.[\w-]+)+)\s+(?=\S)")
_DATE_START = re.compile(r"^\s*(?:" + DATE + r")\s*[:|\-–—]?\s*(?=\S)", re.I)


def clean_headline(t: str | None) -> str | None:
    """A headline without the page kind or a date before it, or separators at its ends."""
    if not t:
        return None
    t = _KIND_PREFIX.sub("", t, count=1)
    t = _DATE_START.sub("", t, count=1)
    return t.strip(" -|–—·•:") or None


def _same(a: str | None, b: str | None) -> bool:
    return bool(a and b) and compact(a) == compact(b)  # type: ignore[arg-type]


def title_candidates(page: Page, sites: Sites, rules: Rules) -> dict[str, str | None]:
    """The page's headline as each source gives it, site names cut off: "title" (<title>),
    "og" (og:title and the like), "ld" (the JSON-LD article's headline), "h1"."""
    og = page.first_meta("og:title", "twitter:title", "parsely-title", "sailthru.title", "headline", "dc.title")
    ld = None
    if page.article:
        ld = ld_text(page.article.get("headline")) or ld_text(page.article.get("name"))
    raw = {"title": page.title, "og": og, "ld": ld}
    _h1_as_site_name(page, sites, [r for r in raw.values() if r])
    out: dict[str, str | None] = {k: strip_site(v, sites, rules.title_unknown_suffix) for k, v in raw.items()}
    out["h1"] = _headline_h1(page, sites, [v for v in out.values() if v], loose=rules.title_h1_site == "loose")
    return out


def _h1_as_site_name(page: Page, sites: Sites, titles: list[str]) -> None:
    """An <h1> that is the last segment of a meta title ("Headline | Site") is the site's name,
    not a headline: added to `sites`. Not when a meta title starts with the site's name ("Site |
    Headline": <title> "NASA SVS | Impact of ...", og:title "NASA Scientific Visualization Studio |
    Impact of ..."): its last segment, the <h1>'s, is then the headline."""
    cut = [p for p in (_segments(t)[0] for t in titles) if len(p) > 1]
    if any(sites.named(p[0], loose=False) for p in cut):
        return
    for parts in cut:
        for h in page.h1s[:3]:
            if _same(_text(h), parts[-1]):
                sites.add(parts[-1])


def decide_title(c: dict[str, str | None], rules: Rules, article: bool = False) -> str | None:
    """One headline out of the sources': the meta title the others back (else the first in
    Rules.title_meta_order), then the <h1> wording when the <h1> is the same headline. On a
    page that says it is an article (`article`), an <h1> that reads as a sentence is its headline
    even when it shares few words with the meta title (Rules.title_unrelated_words)."""
    order = ("title", "og", "ld") if rules.title_meta_order == "title" else ("og", "ld", "title")
    metas = [c[k] for k in order if c.get(k)]
    h1 = c.get("h1")
    if not metas:
        return h1
    meta = metas[0]
    if rules.title_vote:
        pool = [m for m in metas] + ([h1] if h1 else [])
        best = max(metas, key=lambda m: sum(_same(m, x) for x in pool))
        if sum(_same(best, x) for x in pool) > sum(_same(meta, x) for x in pool):
            meta = best
    if not h1:
        return meta
    ch, cm = compact(h1), compact(meta)
    if ch == cm:
        return h1
    if _damaged(h1, meta):
        return meta
    if rules.title_agreed == "meta" and sum(_same(meta, m) for m in metas) > 1:
        return meta  # two meta sources say the same: that is the headline, whatever the <h1> says
    if rules.title_nested != "off" and len(ch) >= 8 and len(cm) >= 8 and (ch.startswith(cm) or cm.startswith(ch)):
        if rules.title_nested == "continued" and len(ch) > len(cm):
            return meta if _TAGLINE_START.match(_after(h1, len(cm))) else h1
        if rules.title_year and len(cm) > len(ch) and _YEAR_ONLY.match(_after(meta, len(ch))):
            return meta  # "Best Travel Insurance for Seniors" + " in 2025": the year is the headline's
        if rules.title_nested in ("shorter", "continued"):
            return h1 if len(ch) < len(cm) else meta
        return h1 if rules.title_nested == "h1" else meta
    if overlap(h1, meta) >= rules.title_overlap:
        return h1 if rules.title_similar == "h1" else meta
    if rules.title_backed_h1 and any(_same(h1, m) for m in metas):
        return h1  # another meta source says the <h1>'s words (the JSON-LD headline, against og:title)
    if article and rules.title_unrelated_words and len(h1.split()) >= rules.title_unrelated_words:
        return h1
    return h1 if rules.title_unrelated_h1 == "h1" else meta


# what an <h1> says after the meta title when it is a tagline, not more of the headline
_TAGLINE_START = re.compile(r"^['\"’”)\].!?]*\s*(?:[|/·•»~+(\[]|[-–—]\s)")


# what a meta title says after the <h1>'s headline when it only dates it (" 2025", " in 2025", " (2026)")
_YEAR_ONLY = re.compile(r"^\s*(?:(?:in|of|for)\s+)?[(\[]?(?:19|20)\d\d[)\]]?\W*$", re.I)


def _damaged(h1: str, meta: str) -> bool:
    """Is the <h1> the meta title with "?" or U+FFFD where the meta title has other characters
    ("Event Planning? Beginner? Guide" for "Event Planning: Beginner's Guide")? Its page was
    saved in the wrong encoding; the meta title, an attribute or the <head>, was not."""
    if "?" not in h1 and "\ufffd" not in h1:
        return False
    pattern = "".join(".{1,2}" if ch in "?\ufffd" else re.escape(ch) for ch in h1.casefold())
    return re.fullmatch(pattern, meta.casefold()) is not None and "?" not in meta


def _after(text: str, n: int) -> str:
    """What `text` says after its first n letters and digits (as compact counts them)."""
    seen = 0
    for i, ch in enumerate(text):
        if seen >= n:
            return text[i:]
        if compact(ch):
            seen += 1
    return ""


def choose_title(page: Page, sites: Sites, rules: Rules) -> str | None:
    """The page's headline: each source's, site names cut off, then one of them decided."""
    return decide_title(title_candidates(page, sites, rules), rules, article=page.says_article())


def _headline_h1(page: Page, sites: Sites, metas: list[str], loose: bool = False) -> str | None:
    """The visible headline: of the first six <h1>s that do not name the site, the one sharing
    most words with the meta titles (the first when there is one, or no meta title). An <h1>
    names the site when it is the site's name, a good part of it or its initials; one that says
    more ("Amazon Best Sellers", "The Go Blog") is the page's heading (with `loose`, a short <h1>
    starting or ending with the site's name names it too)."""
    texts = []
    for h in page.h1s[:6]:
        t = clean_headline(_PERMALINK.sub("", _text(h, headline=True))) or ""
        if 2 <= len(t) <= 300 and not sites.named(t, loose=loose):
            texts.append(t)
    if not texts:
        return None
    if metas and len(texts) > 1:
        return max(texts, key=lambda t: max(overlap(t, m) for m in metas))
    return texts[0]


# elements whose text stands apart from their neighbours' (a space either side)
_BLOCKS = frozenset({"div", "p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "header", "ul",
                     "ol", "table", "tr", "td", "th", "dd", "dt", "figure", "figcaption", "blockquote"})


# what themes put inside a headline's <h1> that is not the headline: the post's byline and date
# ("Posted on <date> by <name>"), its comment count (class parts, as page_zone.CLASS_PARTS splits them)
_NOT_HEADLINE_PARTS = frozenset({"byline", "author", "date", "posted", "postedon", "comment", "comments",
                                 "commentcount"})
_HEADINGS = frozenset({"h2", "h3", "h4", "h5", "h6"})


def _aside_in_headline(c: HtmlElement, tag: str) -> bool:
    """A heading nested in the <h1> (a theme's date line in an <h3> inside it) or an element whose
    class says byline, date or comments: not part of the headline."""
    if tag in _HEADINGS:
        return True
    cls = c.get("class")
    return bool(cls) and any(p.lower() in _NOT_HEADLINE_PARTS for p in CLASS_PARTS.split(cls))


def _text(e: HtmlElement, headline: bool = False) -> str:
    """Visible text of an element: <br> and block children are spaces, scripts and styles left out;
    with `headline` (an <h1>), also a nested heading or a byline, date or comment count in it."""
    parts: list[str] = []

    def walk(el: HtmlElement) -> None:
        for c in el:
            tag = c.tag if isinstance(c.tag, str) else ""
            if tag in ("script", "style", "noscript", "template", "svg", "button", "time") or (
                    headline and tag and _aside_in_headline(c, tag)):
                pass
            elif tag == "br":
                parts.append(" ")
            else:
                block = tag in _BLOCKS
                if block:
                    parts.append(" ")
                if c.text:
                    parts.append(c.text)
                walk(c)
                if block:
                    parts.append(" ")
            if c.tail:
                parts.append(c.tail)

    if e.text:
        parts.append(e.text)
    walk(e)
    return SPACE.sub(" ", "".join(parts)).strip()
