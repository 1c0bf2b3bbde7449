"""Page-type features of the URL: its shape (how deep, how long its last segment, a date in
it) and the words of common CMSs' URL schemes it uses (/tag/, /product/, /forum/, docs.).

A URL says a lot about a page's template before its HTML is read, and the words here are the
schemes' words, not any page's, so they carry from one corpus to the next.
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit

# Path segments (lowercased, extension dropped) that hint at a type, by group. Each group is one
# feature: is any segment in it. Words of the URL scheme of common CMSs, not of any page.
_URL_TOKENS: dict[str, frozenset[str]] = {
    "article": frozenset(
        "news blog blogs article articles post posts story stories opinion press insights features "
        "magazine pulse editorial column columns politics world business".split()
    ),
    "listing": frozenset("tag tags category categories topics archive archives author authors search".split()),
    "product": frozenset("product products p dp item items buy sku model".split()),
    "collection": frozenset("collection collections c shop store catalog catalogue department browse brands".split()),
    "docs": frozenset(
        "docs doc documentation manual guide guides reference api wiki tutorial tutorials handbook "
        "usersguide userguide latest stable html book chapter".split()
    ),
    "forum": frozenset(
        "forum forums thread threads t questions question q discussion discussions community topic "
        "r comments viewtopic showthread d".split()
    ),
    "service": frozenset(
        "services service pricing plans about contact programs program courses course solutions "
        "training certificate certification locations booking membership".split()
    ),
}
_HOST_TOKENS: dict[str, frozenset[str]] = {
    "docs": frozenset("docs doc developer developers devdocs wiki learn help support manual api".split()),
    "forum": frozenset("forum forums community discuss discussion discourse answers ask talk users".split()),
    "shop": frozenset("shop store buy".split()),
    "news": frozenset("news blog blogs".split()),
}
_DATE_IN_PATH = re.compile(
    r"(?:^|/)(?:19|20)\d\d[/-](?:0?[1-9]|1[0-2])(?:/|-|$)|(?:19|20)\d\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"
)
_YEAR_SEGMENT = re.compile(r"(?:^|/)(?:19|20)\d\d(?:/|$)")
_DIGIT_RUN = re.compile(r"\d+")
_PAGE_EXT = re.compile(r"\.(?:html?|php|aspx?|jsp|cfm|shtml)$")

URL_FEATURES = (
    "url_missing", "url_depth", "url_path_len", "url_query", "url_query_params", "url_trailing_slash",
    "url_page_ext", "url_date", "url_year_segment", "url_digit_run", "url_numeric_segment",
    "url_last_len", "url_last_hyphens", "url_max_hyphens", "url_max_segment_len",
    *(f"url_tok_{g}" for g in _URL_TOKENS), *(f"url_host_{g}" for g in _HOST_TOKENS), "url_host_labels",
)


def _segments(path: str) -> list[str]:
    """Non-empty path segments, lowercased, with a page extension (.html, .php) dropped."""
    return [_PAGE_EXT.sub("", s) for s in path.lower().split("/") if s]


def url_features(url: str | None) -> dict[str, float]:
    """The URL's shape: how deep, how long its last segment, what words of CMS schemes it uses."""
    f = dict.fromkeys(URL_FEATURES, 0.0)
    if not url:
        f["url_missing"] = 1.0
        return f
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        f["url_missing"] = 1.0
        return f
    path = parts.path or "/"
    segs = _segments(path)
    last = segs[-1] if segs else ""
    runs = _DIGIT_RUN.findall(path)
    f.update(
        url_depth=len(segs), url_path_len=len(path), url_query=float(bool(parts.query)),
        url_query_params=parts.query.count("&") + 1 if parts.query else 0,
        url_trailing_slash=float(path.endswith("/") and bool(segs)),
        url_page_ext=float(bool(_PAGE_EXT.search(path.lower()))),
        url_date=float(bool(_DATE_IN_PATH.search(path))), url_year_segment=float(bool(_YEAR_SEGMENT.search(path))),
        url_digit_run=max(map(len, runs), default=0), url_numeric_segment=float(any(s.isdigit() for s in segs)),
        url_last_len=len(last), url_last_hyphens=last.count("-") + last.count("_"),
        url_max_hyphens=max((s.count("-") + s.count("_") for s in segs), default=0),
        url_max_segment_len=max(map(len, segs), default=0),
    )
    words = set(segs)
    for group, tokens in _URL_TOKENS.items():
        f[f"url_tok_{group}"] = float(not words.isdisjoint(tokens))
    labels = (parts.hostname or "").split(".")
    sub = set(labels[:-2]) - {"www"}
    for group, tokens in _HOST_TOKENS.items():
        f[f"url_host_{group}"] = float(not sub.isdisjoint(tokens))
    f["url_host_labels"] = len(labels)
    return f
