"""HTML to body text and metadata: trafilatura, with a DOM-text fallback.

trafilatura returns nothing for some pages that do have a body (unusual markup, very short
articles); those go down the plain-text path over the page's visible text instead of ending
as no_content.
"""
from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

import lxml.html
import trafilatura
from trafilatura.settings import set_date_params

from .config import ExtractConfig
from .dates import parse_iso_datetime


class ExtractionTimeout(Exception):
    pass


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Interrupt the block after `seconds` with SIGALRM (main thread only; elsewhere no limit).

    A timer signal, not a subprocess per document: the check costs nothing on the happy path.
    """
    if seconds <= 0 or threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def _raise(signum, frame):  # type: ignore[no-untyped-def]
        raise ExtractionTimeout(f"extraction took longer than {seconds:g} s")

    old = signal.signal(signal.SIGALRM, _raise)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


@dataclass
class Extracted:
    text: str
    title: str | None = None
    author: str | None = None
    published_at: datetime | None = None
    url: str | None = None
    sitename: str | None = None
    method: str = "trafilatura"


_SKIP = {"script", "style", "noscript", "template", "svg", "head", "iframe", "object", "canvas"}
_BLOCK = {
    "p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "tr", "table", "pre", "blockquote",
    "section", "article", "header", "footer", "nav", "aside", "figcaption", "figure", "dt", "dd", "dl", "main",
    "form", "address", "br", "hr", "title", "body", "center", "caption",
}


def dom_lines(html: str) -> list[str]:
    """Every visible text block of a page on its own line (what a scraper without an extractor sees)."""
    try:
        root = lxml.html.document_fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return []
    out: list[str] = []
    buf: list[str] = []

    def flush() -> None:
        s = " ".join("".join(buf).split())
        if s:
            out.append(s)
        buf.clear()

    def walk(el) -> None:  # type: ignore[no-untyped-def]
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag in _SKIP:
            if el.tail:
                buf.append(el.tail)
            return
        block = tag in _BLOCK
        if block:
            flush()
        if el.text and tag:
            buf.append(el.text)
        for child in el:
            walk(child)
        if block:
            flush()
        if el.tail:
            buf.append(el.tail)

    body = root.find("body")
    walk(body if body is not None else root)
    flush()
    return out


def extract_html(html: str, url: str | None, cfg: ExtractConfig) -> Extracted | None:
    """trafilatura first; None when neither it nor the DOM fallback finds any text."""
    with time_limit(cfg.timeout_seconds):
        doc = trafilatura.bare_extraction(
            html, url=url, with_metadata=True, include_comments=cfg.include_comments,
            include_tables=cfg.include_tables, favor_precision=cfg.favor_precision,
            favor_recall=cfg.favor_recall, deduplicate=False,
            date_extraction_params=set_date_params(cfg.extensive_date_search),
        )
        text = (doc.text or "") if doc is not None else ""
        if text.strip():
            return Extracted(
                text=text, title=doc.title, author=doc.author, published_at=parse_iso_datetime(doc.date),
                url=doc.url, sitename=doc.sitename, method="trafilatura",
            )
        if not cfg.fallback:
            return None
        lines = dom_lines(html)
    if not lines:
        return None
    meta_title = doc.title if doc is not None else None
    return Extracted(text="\n".join(lines), title=meta_title, url=doc.url if doc is not None else None,
                     sitename=doc.sitename if doc is not None else None, method="dom_fallback")
