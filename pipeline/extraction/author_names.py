"""Names out of author strings: what a meta tag, a JSON-LD author or a byline's text says,
without "By", roles, dates and what follows them, several names split.

Shared by the byline search (byline.find_byline reads the names out of a byline's text nodes)
and the metadata's author choice (the JSON-LD and meta-tag authors are cleaned the same way).
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from html import unescape

from trafilatura import metadata as tmeta

from cleancorpus.pipeline.extraction.dates import DATE_RE, TIME, find_date

# the words a byline starts with ("By", "Written by", "Author:"), and a text node saying only that
# ("This post was written by Jane Doe, Head of Marketing": an author's note, below the post or as
# its description)
_PREFIX_WORDS = (r"(?:(?:this\s+(?:post|article|blog\s+post|piece|story)\s+(?:was\s+)?)?(?:originally\s+)?"
                 r"(?:written|posted|published|authored|reported|compiled|created|submitted|story|words|text|"
                 r"article|reporting|recipe|updated|post)\s+by|by|(?:topic\s+)?"
                 r"author(?:ed|s|\(s\))?|writer|via|von|par|por)")
BY_PREFIX = re.compile(r"^\s*" + _PREFIX_WORDS + r"(?:\b|(?<=\)))\s*[:\-–—]?\s*", re.I)
BY_PREFIX_ALONE = re.compile(r"^\W*" + _PREFIX_WORDS + r"\W*$", re.I)
# a reviewer's or an editor's line: when it names the only person shown, that is the author; after
# an author's name it ends the names (not a prefix word of BY_PREFIX_ALONE)
_REVIEWED_BY = re.compile(r"^\s*(?:medically\s+)?(?:reviewed|edited|fact[- ]checked)\s+by\b\s*:?\s*", re.I)
LEAD_JOINER = re.compile(r"^\s*(?:,|&|;|and\b|und\b|et\b)\s*", re.I)
_CUT = re.compile(
    r"\s*(?:[|•·]|\s[-–—]\s|\bupdated\b|\bpublished\b|\bposted\b|\blast (?:updated|modified)\b|\bon\s+(?="
    r"\w+\s+\d)|\d+\s*min(?:ute)?s?\s+read\b|\breviewed by\b|\bfact[- ]checked\b|\bmedically\b|"
    r"\bon behalf of\b|\bfollow\b|\bview (?:all|profile)\b|\bshare\b|\s(?:is|was|has|writes|covers)\s)",
    re.I)
_SPLIT = re.compile(r"\s*(?:,|;|&|\s(?:and|und|et|y)\s)\s*", re.I)
_UI = re.compile(
    r"\b(?:share|comments?|subscribe|read more|view all|view profile|all (?:posts|articles|stories)|posts by|articles by|"
    r"more (?:from|by|articles|stories|about)|log ?in|log ?out|sign (?:in|up)|menu|search|home ?page|contact us|about (?:us|me)|"
    r"newsletter|cookies?|privacy|advertis\w*|click|loading|minutes? read|min read|related|latest|offline|online|"
    r"learn more|see more|show more|skip to|copyright|all rights|terms|account|register|license|visit|"
    r"on (?:facebook|twitter|instagram|linkedin|youtube|tiktok|pinterest))\b|"
    r"https?:|www\.|\.(?:com|org|net)\b/", re.I)
# what parts a date from the name that follows it in a byline
_SEPARATOR = re.compile(r"\s*[·|•–—]\s*")
_LETTER = re.compile(r"[^\W\d_]")
# what a byline says between a name and its date ("Jane Doe on", "Jane Doe | Updated")
_DANGLING_END = re.compile(r"(?:[\s,:|•·\-–—]+|\b(?:on|at|updated|published|posted|last updated)\b)*$", re.I)
# letters after a name: degrees and certifications ("MS", "RD", "Ph.D.", "M.D.", "CFP®")
_CREDENTIAL = re.compile(r"^(?:[A-Z]\.?){2,6}\W*$|^(?:Ph\.?\s?D|M\.?\s?D|Ed\.?\s?D|Pharm\.?\s?D|D\.?O)\.?\W*$|"
                         r"^[A-Z]{1,4}(?:-[A-Z]{2,5})+(?:\s\d{2,3})?$")  # "E-RYT 200": a hyphenated one, its hours
_TIME_RE = re.compile(r"\b" + TIME, re.I)
_PLACEHOLDER = re.compile(r"^(?:undefined|null|none|n/?a|nan|unknown|profile|author|webmaster|"
                          r"admin(?:istrator)?|\{\{.*|"
                          r"[a-z]+(?:\.[a-z]+){2,})$", re.I)
# lowercase words a name may hold ("Ludwig van Beethoven", "the Lavazza Team"); more lowercase
# words than these make a phrase ("Try 14 days for free")
_PARTICLES = frozenset({"van", "der", "den", "de", "la", "le", "du", "da", "di", "von", "bin", "al", "el", "y", "of",
                        "the", "and", "for", "dos", "das", "del", "ter", "te", "zu", "st", "ibn"})
_DANGLING = frozenset({"from", "and", "at", "on", "in", "of", "by", "to", "the", "for", "with", "or", "is", "a"})
# a role or title after a name ("Jane Doe, Senior Editor", "John Roe, DVM")
ROLE = re.compile(
    r"\b(?:expert|editor|editorial|writer|reporter|correspondent|director|manager|officer|attorney|lawyer|"
    r"coordinator|specialist|consultant|analyst|engineer|developer|founder|co-?founder|ceo|cto|cfo|coo|president|"
    r"professor|contributor|columnist|student|intern|photographer|producer|host|designer|strategist|scientist|"
    r"researcher|nutritionist|dietitian|therapist|physician|nurse|advisor|adviser|planner|marketer|marketing|"
    r"lead|head|chief|senior|sr|jr|md|phd|dvm|rn|mba|cpa|cfp|lpc|lcsw|do|dds|esq|years?|covering)\b", re.I)


# a full stop after a word longer than an initial or a title ("Hello. My name"; not "Jeff T. Kaufman",
# "Dr. Ana Lopez", "Prof. Li")
_SENTENCE_END = re.compile(r"[^\W\d_]{5,}\.\s+\w")
# a social network's name: the byline's "follow" links
_NETWORK = re.compile(r"^(?:facebook|youtube|twitter|x\.com|instagram|linkedin|pinterest|tiktok|threads|"
                      r"bluesky|mastodon|reddit|medium|substack)$", re.I)
# what no name is, however a byline holds it: a word that stands for a name but is none ("my" in a
# "user" link's "I want to explore my career path"), a question ("How can ... help?", a banner's
# heading), a price ("or $50/mo"), a button's call ("Get started free", "Try Percy Now")
_FUNCTION_WORD = frozenset({"my", "our", "your", "their", "his", "her", "its", "me", "us", "you", "we", "they", "it",
                            "this", "that", "these", "those", "a", "an", "the", "or", "and", "but", "if"})
_QUESTION = re.compile(r"^(?:how|what|why|when|where|which)\s+\w", re.I)
_PRICE = re.compile(r"[$€£¥]\s?\d|\d\s?[$€£¥]")
_CALL = re.compile(r"\b(?:get\s+started|free\s+trial|try\s+(?:\w+\s+){0,2}(?:now|free|today)|buy\s+now|shop\s+now|"
                   r"order\s+now|book\s+(?:a\s+)?demo|request\s+(?:a\s+)?demo|download\s+now)\b", re.I)


def name_like(s: str) -> bool:
    """Could this be a person's, team's or user's name (not a date, a sentence or a button)?"""
    if not 2 <= len(s) <= 80 or not _LETTER.search(s) or _PLACEHOLDER.match(s) or s.startswith("@"):
        return False
    words = s.split()
    if len(words) > 7 or _UI.search(s) or "@" in s[1:] or s.endswith((":", "?", "!")) or BY_PREFIX_ALONE.match(s):
        return False
    if sum(ch.isdigit() for ch in s) > 2 and len(words) > 1:  # a date or a count, not a handle
        return False
    if len(words) > 1 and words[-1] in _DANGLING:  # (a capitalised one is the name's: "Audiophile On")
        return False
    if len(words) >= 3 and sum(w[:1].islower() and w.lower() not in _PARTICLES for w in words) >= 2:
        return False
    if _SENTENCE_END.search(s) or _NETWORK.match(s):  # "Hello. My name", a "YouTube" link
        return False
    if no_byline(s):
        return False
    return find_date(s) is None


def no_byline(text: str) -> bool:
    """A text no byline holds: a word that stands for a name but is none, a question, a price, a
    button's call. An element whose text reads so is something else (a banner, a pricing table, a
    link's sentence), and what follows in it is no name either."""
    t = text.strip(" .,;:!?")
    return t.lower() in _FUNCTION_WORD or bool(_QUESTION.match(t) or _PRICE.search(t) or _CALL.search(t))


def _lower_after_name(name: str, out: list[str]) -> bool:
    """A lowercase word after a capitalised name's comma is its role ("Jane Doe, gastroenterologist")."""
    return name[:1].islower() and bool(out) and out[-1][:1].isupper()


class OneName(str):
    """An author string that is one name however it reads: an organization's ("Morgan & Morgan",
    "Center for Drug Evaluation and Research"), never split at "and", "&" or ","."""


def clean_authors(raw: Iterable[str]) -> list[str]:
    """Names out of author strings: "By", dates and what follows them cut off, several names
    split (but a OneName), roles after a name ("Jane Doe, Senior Editor") dropped."""
    out: list[str] = []
    for s in raw:
        if not isinstance(s, str):
            continue
        whole = isinstance(s, OneName)
        s = " ".join(tmeta.HTML_STRIP_TAGS.sub(" ", unescape(s)).split())
        s = BY_PREFIX.sub("", _REVIEWED_BY.sub("", s, count=1), count=1)
        if (d := DATE_RE.match(s)) and (sep := _SEPARATOR.match(s, d.end())):
            s = s[sep.end():]  # "Dec. 19, 2025 · Jane Doe": the date before the name
        cut = min((m.start() for m in (DATE_RE.search(s), _TIME_RE.search(s)) if m), default=None)
        if cut is not None:
            s = _DANGLING_END.sub("", s[:cut])
        m = _CUT.search(s)
        if m and m.start() > 0:
            s = s[:m.start()]
        for k, name in enumerate([s] if whole else _SPLIT.split(s)):
            name = BY_PREFIX.sub("", name.strip(" .,;:|-–—/•·\u200b\"'“”"), count=1).strip(" ,;:|-–—/•·\"'“”")
            name = LEAD_JOINER.sub("", name)
            if k and out and _CREDENTIAL.match(name):
                out[-1] += ", " + name  # "Jane Doe, MS, RD": letters after a name stay with it
                continue
            if k and (ROLE.search(name) or name[:1].isdigit() or _lower_after_name(name, out)):
                break
            if name and name_like(name) and name not in out:
                out.append(name)
    return [n for n in out if not any(n != m and n in m for m in out)]
