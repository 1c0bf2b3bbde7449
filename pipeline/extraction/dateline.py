"""The publication day a page shows by its headline, and the day it shows as its last update
(datelines), and the day in its URL (url_date): the metadata's date choice falls back on them
when the JSON-LD and meta tags name no publication date, and checks a "stamped" one against
the first.
"""
from __future__ import annotations

import re

from lxml.html import HtmlElement

from cleancorpus.pipeline.extraction.dates import (
    DASH_DAY_RE,
    DATE,
    DATE_LABEL,
    DATE_RE,
    LABEL_LINKS,
    PUBLISHED_WORDS,
    UPDATED_WORDS,
    alternation,
    days_apart,
    has_digit,
    iso_day,
    label,
)
from cleancorpus.pipeline.extraction.page_zone import CLASS_PARTS, Zone, in_chrome

_DATE_PARTS = frozenset({"date", "time", "published", "publish", "pubdate", "posted", "dateline", "timestamp",
                         "datetime", "created", "publication"})
# the words by a date that say which day it is (dates.py's lists, in each language it reads), and a
# few that only say it near a date ("edited", "reviewed"; "created", "released", "date")
_UPDATED = re.compile(r"\b(?:" + alternation(UPDATED_WORDS + ("last edited", "edited", "reviewed")) + r")\b", re.I)
_PUBLISHED = re.compile(r"\b(?:" + alternation(PUBLISHED_WORDS + ("created", "released", "date")) + r")\b", re.I)
_PUBLISHED_LINE = re.compile(r"^\W*" + label(PUBLISHED_WORDS) + r"(?:\s+the)?\W*" + DATE, re.I)
_URL_DATE = re.compile(r"/((?:19|20)\d{2})[/-](0?[1-9]|1[0-2])[/-](0?[1-9]|[12]\d|3[01])(?:[/-]|\.html?|$)")
# a sentence that says which day the text was first published ("This article was originally
# published on 26 Sep 2019 but has been updated ..."), wherever it stands
_ORIGINAL = re.compile(r"\b(?:originally|first)\s+(?:published|posted)(?:\s+on)?\W*" + DATE, re.I)
_DATE_TEXT = re.compile(r"^\W*(?:(?:" + DATE_LABEL + r"|(?:created|date)(?:\s+on)?)\W*)?"
                        + DATE + r"\W*$", re.I)


def url_date(url: str | None) -> str | None:
    """The day in a URL's path (/2025/09/04/slug), YYYY-MM-DD."""
    if not url:
        return None
    m = _URL_DATE.search(url)
    if not m:
        return None
    y, mo, d = int(m[1]), int(m[2]), int(m[3])
    return f"{y:04d}-{mo:02d}-{d:02d}"


def datelines(tree: HtmlElement, order: str = "DMY", near: int = 250, zone: Zone | None = None,
              explain: list | None = None, text_near: int = 0,  # type: ignore[type-arg]
              above_weight: int = 0, published_far: int = 0, updated_gap: int = 0,
              link_near: int = 0, icon_text: bool = False) -> tuple[str | None, str | None]:
    """The publication day shown by the headline and the day shown as its last update,
    YYYY-MM-DD or None: a <time> element, an element whose class says date, time, published or
    posted, or one holding a date and nothing else, within 60 elements above the headline's <h1>
    and `near` below it (a page without an <h1>: its first elements), outside page chrome;
    failing those, with `text_near`, a short text (an element's own text or the text after it)
    saying little more than a date within that many elements of the <h1> ("By Jane Doe - Mar 27,
    2024", "December 18, 2025 · 3 min read"): page builders' CSS classes say nothing of dates.
    A date the text calls updated or modified is the second day. By the headline, an <aside> or
    a "sidebar" or "share" class is the post's own (page_zone.in_chrome, Zone.by_headline).
    The candidates are read nearest first, an element above the <h1> counting `above_weight`
    times its distance (0: all those below it first): a date just above the headline is the
    post's, one far below it often a related post's. Failing all those, a line that says it
    is the publication date ("Published on: 15 August 2025", "Posted on April 13, 2023") counts
    up to `published_far` elements below the <h1>: what it says needs no nearness. Before all
    those, a sentence saying the text was "originally" or "first published on <date>", anywhere
    up to `published_far` below the <h1>: the page's own word for its first day. With
    `updated_gap`, a date read as published more than that many elements further from the <h1>
    than the first date the text calls updated is a related post's card: the page then shows
    only its update (0: no such limit). With `link_near`, a date inside a link to another page
    more than that many elements from the <h1> is a card's or an embedded post's. With
    `icon_text`, the text after an icon (<svg>, <img>) by the headline counts as a short text."""
    zone = zone or Zone(tree, 60, max(near, published_far))
    cands: list[tuple[int, HtmlElement, str | None]] = []  # (offset from the <h1>, element, its text)
    texts: list[tuple[int, HtmlElement, str | None]] = []
    stated: list[tuple[int, HtmlElement, str | None]] = []  # "Published on ..." beyond `near`
    original: list[tuple[int, HtmlElement, str | None]] = []  # "originally published on ..."
    for off, e in zone.items:
        tag = e.tag
        if (t := e.text) and ("riginally" in t or "irst p" in t or "IRST P" in t) and (m := _ORIGINAL.search(t)):
            original.append((off, e, m[0]))
        if off > published_far:
            if off > near:
                break
        else:
            for t in (e.text, e.tail):
                if t and len(t) < 80 and ("ublish" in t or "osted" in t or "UBLISH" in t or "OSTED" in t) and \
                        _PUBLISHED_LINE.match(t):
                    stated.append((off, e, t))
        if off > near:
            continue
        if tag in _NOT_DATELINE_TAGS:
            if icon_text and tag in _ICON_TAGS and -_TEXT_ABOVE <= off <= text_near and (t := e.tail) and _short_date_text(t):
                texts.append((off, e, t))  # the date after a calendar icon
            continue
        if tag == "time" or (e.get("itemprop") or "").startswith("date"):
            cands.append((off, e, None))
            continue
        attrs = (e.get("class") or "") + " " + (e.get("id") or "")
        low = attrs.lower()
        if ("dat" in low or "tim" in low or "pub" in low or "post" in low or "creat" in low) and any(
                p.lower() in _DATE_PARTS for p in CLASS_PARTS.split(attrs) if p):
            cands.append((off, e, None))
        elif (t := e.text) and len(t) < 60 and len(e) == 0 and has_digit(t) and _DATE_TEXT.match(t):
            cands.append((off, e, None))  # an element holding a date and nothing else
        elif -_TEXT_ABOVE <= off <= text_near:
            texts.extend((off, e, t) for t in (e.text, e.tail) if t and _short_date_text(t))
    found = _first_day(_nearest_first(cands, above_weight), zone, order, explain, updated_gap=updated_gap,
                       link_near=link_near)
    if found[0] is None and texts:
        found = _first_day(_nearest_first(texts, above_weight), zone, order, explain, last_update=found[1],
                           link_near=link_near)
    if found[0] is None and stated:
        found = _first_day(stated, zone, order, explain, last_update=found[1])
    if original and (first := _first_day(original, zone, order, explain)[0]):
        return first, found[1]
    return found


def _nearest_first(cands: list[tuple[int, HtmlElement, str | None]],
                   above_weight: int) -> list[tuple[int, HtmlElement, str | None]]:
    """Candidates nearest the <h1> first, a distance above it counting above_weight times (0:
    those below it in document order, then those above it, nearest first)."""
    if above_weight:
        return sorted(cands, key=lambda c: c[0] if c[0] > 0 else -c[0] * above_weight)
    return [c for c in cands if c[0] > 0] + [c for c in cands if c[0] <= 0][::-1]


_NOT_DATELINE_TAGS = frozenset({"script", "style", "svg", "path", "img", "noscript", "template", "h1"})
_ICON_TAGS = frozenset({"svg", "img"})
_TEXT_ABOVE = 3  # a text date may stand just above the headline too (a kicker line)
# what a short line may say besides its date: "By Jane Doe -", "· 3 min read", "Posted on"
_SHORT_TEXT_WORDS = 5
_WORDS = re.compile(r"[^\W\d_]{2,}")
_FILLER = frozenset({"by", "am", "pm", "min", "mins", "minute", "minutes", "read", "last", "date", "created", "written",
                     "por", "par", "von", "door", "de", "às", "um", "uhr"}
                    | {w for words in PUBLISHED_WORDS + UPDATED_WORDS + LABEL_LINKS for w in words.split()})


def _short_date_text(t: str) -> bool:
    """Does this text say little more than a date (a name, "min read", a time)?"""
    if len(t) > 100 or not has_digit(t):
        return False
    m = DATE_RE.search(t)
    if not m:
        return False
    rest = [w for w in _WORDS.findall(t[:m.start()] + " " + t[m.end():]) if w.lower() not in _FILLER]
    return len(rest) <= _SHORT_TEXT_WORDS


def _shown_day(attribute: str | None, text: str | None) -> str | None:
    """An element's day: its datetime / content attribute's, but the day its text shows when
    the two are a day apart (the attribute in UTC, "2019-11-20T00:53Z", the text in the site's
    time, "Nov 19, 2019, 7:53pm EST": the page's own day is the one it shows)."""
    if attribute and text and attribute != text:
        apart = days_apart(attribute, text)
        if apart is None:
            return attribute
        return text if apart == 1 else attribute
    return attribute or text


# a heading or label that says the date after it is the publication's ("<h4>Published</h4>")
_PUBLISHED_LABEL = re.compile(r"^\W*(?:published|publish(?:ed)? date|date published|publication date|posted)\W*$",
                              re.I)


def _labelled_published(before: HtmlElement | None) -> bool:
    """Is the element before a date a label saying "Published"? Such a date is the post's own
    even in a "sidebar" of the page (its facts column: "Published", "Category", "Share"), as
    one by the headline is (page_zone.in_chrome's `by_headline`)."""
    if before is None or not isinstance(before.tag, str):
        return False
    return bool(_PUBLISHED_LABEL.match(before.text_content()))


def _links_away(e: HtmlElement) -> bool:
    """Is e inside a link to another page (not to a part of this one, a forum post's "#p123"
    permalink)?"""
    a = e if e.tag == "a" else next(e.iterancestors("a"), None)
    return a is not None and "#" not in (a.get("href") or "#")


def _first_day(cands: list[tuple[int, HtmlElement, str | None]], zone: Zone, order: str,
               explain: list | None, last_update: str | None = None,  # type: ignore[type-arg]
               updated_gap: int = 0, link_near: int = 0) -> tuple[str | None, str | None]:
    """The day of the first candidate outside page chrome that the text does not call updated,
    and the first that it does: (published, updated); with `updated_gap`, no published day
    more than that many elements further from the <h1> than the first updated one."""
    main = zone.main
    updated_at: int | None = None  # the distance from the <h1> of the first updated day
    for off, e, own in cands[:30]:
        text = " ".join((own if own is not None else e.text_content()).split())
        if len(text) > 120:
            continue
        value = e.get("datetime") or e.get("content") if own is None else None
        day = _shown_day(iso_day(value, order) if value else None,
                         iso_day(text, order) if text and (DATE_RE.search(text) or (
                             "-" in text and DASH_DAY_RE.search(text))) else None)
        if not day:
            continue
        parent, before = e.getparent(), e.getprevious()
        if link_near and abs(off) > link_near and _links_away(e):
            continue  # a date linking to another page, away from the headline: a card's, an embedded post's
        if in_chrome(e, main, by_headline=zone.by_headline(off, e) or _labelled_published(before)):
            continue
        if explain is not None:
            explain.append((off, e.tag, text[:60], day))
        # "Updated ..." in the element, its parent's own text or the text just before it
        context = " ".join((text, parent.text or "" if parent is not None else "",
                            before.text_content() if before is not None and isinstance(before.tag, str) else ""))
        if _UPDATED.search(context) and not _PUBLISHED.search(context):
            if last_update is None:
                updated_at = abs(off)
            last_update = last_update or day  # a modification date
            continue
        if updated_gap and updated_at is not None and abs(off) - updated_at > updated_gap:
            return None, last_update
        return day, last_update
    return None, last_update
