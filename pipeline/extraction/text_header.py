"""Header lines of already-extracted text: title, byline and date become metadata.

Scraped text usually starts with site chrome, then the headline, then date and byline lines,
then the body. The header zone is everything before the first line shaped like body prose;
inside it the parser takes the headline, the first date and the byline out of the text.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import regex

from cleancorpus.pipeline.cleaning.lineshape import ends_sentence, is_body_line
from cleancorpus.pipeline.cleaning.normalize import strip_controls
from cleancorpus.pipeline.cleaning.rule_packs import RuleSet
from cleancorpus.pipeline.extraction.dates import DATE, DATE_LABEL, find_date

_DATE_PREFIX = regex.compile(r"^\W{0,3}(?:(?:" + DATE_LABEL + r"|date|dated|on)\s*:?\s*)?(?P<d>" + DATE + r")\s*[:|–—-]?\s+(?=\S)", regex.I)
_TITLE_SUFFIX = regex.compile(r"\s+(?:\||—|–|::)\s+[^|—–]{2,60}$")
HEAD_MAX_LINES = 14
_BULLET = regex.compile(r"^\s*([-*•·–]|\d{1,2}[.)])\s")


@dataclass
class HeaderResult:
    title: str | None = None
    author: str | None = None
    published: date | None = None
    removed_prefix: str | None = None  # a date cut from the start of the first paragraph


def clean_title(title: str | None) -> str | None:
    """Drop a trailing " | Section" or " – Site" part; keep the title if that would leave too little."""
    if not title:
        return None
    t = " ".join(strip_controls(title).split())
    m = _TITLE_SUFFIX.search(t)
    if m and len(t[: m.start()].split()) >= 3 and len(m.group(0).split()) <= 7:
        t = t[: m.start()]
    return t or None


def _title_shaped(line: str) -> bool:
    words = len(line.split())
    if not 3 <= words <= 30 or line.endswith(":"):
        return False
    return not line.endswith(".") or line.isupper()


def parse_header(lines: list[str], marks: list[str | None], rules: RuleSet, date_order: str,
                 find_title: bool = True) -> HeaderResult:
    """Mark header lines removed (with header.* rule names) and return the metadata they held.

    find_title is off for extractor output that came with a title of its own: there the first
    short line is more often a subheading or a lead fragment than the headline. Lines come as
    normalize_lines gives them (no spaces at either end).
    """
    res = HeaderResult()
    live = [i for i, (s, m) in enumerate(zip(lines, marks)) if m is None and s]
    if not live:
        return res
    # the header zone: the lines just above the first body paragraph (navigation before them
    # is the classifier's business; the headline, date and byline sit right above the text)
    first_body = next((k for k, i in enumerate(live) if is_body_line(lines[i])), len(live))
    head = live[max(0, first_body - HEAD_MAX_LINES):first_body]
    date_rule, byline, reading = rules.get("header.date_line"), rules.get("header.byline"), rules.get("header.reading_time")
    for i in head:
        s = lines[i]
        hits = rules.header_hits(s)
        if date_rule and date_rule.name in hits:
            marks[i] = date_rule.name
            res.published = res.published or find_date(s, date_order)
        elif byline and byline.name in hits:
            marks[i] = byline.name
            m = byline.pattern.search(s)
            if m and res.author is None:
                res.author = m.group("author").strip()
            res.published = res.published or find_date(s, date_order)
        elif reading and reading.name in hits:
            marks[i] = reading.name
    if res.author is None and byline and first_body:
        # a "Written by Jane Doe" line above the text that credits.closing_byline (meant for the
        # bylines under an article) took out of the body is still this header's byline
        lo = live[first_body - HEAD_MAX_LINES] if first_body > HEAD_MAX_LINES else 0
        for i in range(lo, live[first_body] if first_body < len(live) else len(lines)):
            if marks[i] == "credits.closing_byline" and (m := byline.pattern.search(lines[i])):
                marks[i] = byline.name
                res.author = m.group("author").strip()
                res.published = res.published or find_date(lines[i], date_order)
                break
    if res.published is None and head:
        # a date line the structure rules already took out of the body still dates the article
        stop = live[first_body] if first_body < len(live) else len(lines)
        for i in range(head[0], stop):
            if marks[i] == "structure.timestamp_line":
                res.published = find_date(lines[i], date_order)
                if res.published:
                    break
    # a text with no line of body prose has no headline to find: nothing marks where its header
    # ends, and the zone above is then its last lines, where a title-shaped footer line ("Spotted
    # a mistake? Report a typo", a related link) would be taken for the headline and every line
    # above it removed as header.above_title (whole product pages and listings cleaned away)
    rest = [i for i in head if marks[i] is None] if find_title and first_body < len(live) else []
    # the headline is the title-shaped line nearest the body: navigation and promos come first
    title_i = next((i for i in reversed(rest) if _title_shaped(lines[i]) and len(lines[i].split()) >= 4), None)
    if title_i is None:
        title_i = next((i for i in rest if _title_shaped(lines[i])), None)
    if title_i is not None:
        res.title = clean_title(lines[title_i])
        marks[title_i] = "header.title"
        for i in rest:
            if i < title_i:
                marks[i] = "header.above_title"
            elif i > title_i and len(lines[i].split()) <= 6 and not ends_sentence(lines[i]) \
                    and not _BULLET.match(lines[i]):
                marks[i] = "header.meta"
    # a date glued to the start of the first body paragraph ("date 2022-07-01 Western sanctions ...")
    first = next((i for i in live if marks[i] is None), None)
    if first is not None:
        m = _DATE_PREFIX.match(lines[first])
        if m and len(lines[first][m.end():].split()) >= 5:
            d = find_date(m.group("d"), date_order)
            if d is not None:
                res.published = res.published or d
                res.removed_prefix = m.group(0).strip()
                lines[first] = lines[first][m.end():]
    return res
