#!/usr/bin/env python3
"""Render an HTML page to flat text the way a scraper with no extractor would.

Every visible text block goes on its own line: navigation menus, footers,
share bars, cookie notices and related-article lists are all KEPT. This is
the "plain text still full of boilerplate" input that cleancorpus' text path
has to clean.

Rules:
  * parse with lxml.html; drop the contents of head, script, style, noscript,
    template, svg, math, iframe, object, canvas, select/option (not visible),
    comments and processing instructions, and of elements marked hidden
    (``hidden`` attribute, inline ``display:none`` / ``visibility:hidden``);
  * block-level elements (p, div, li, h1-h6, td, th, pre, blockquote, section,
    article, header, footer, nav, aside, figcaption, dt, dd, ...) start and
    end a line; ``br`` and ``hr`` break the line;
  * a link that stands alone (its parent holds no text of its own, as in a
    menu ``<div><a>Home</a><a>News</a></div>``) gets its own line, a link
    inside running text stays inline;
  * whitespace collapsed inside a line (``pre`` keeps its line breaks), empty
    lines dropped.

Usage:
  python bench/flatten.py PAGE.html                 # flat text to stdout
  python bench/flatten.py DIR_OR_FILES... -o OUTDIR # OUTDIR/<stem>.txt each
"""
from __future__ import annotations

import argparse
import codecs
import re
import sys
from pathlib import Path

import lxml.html
from lxml import etree

__all__ = ["flatten_html", "decode_html"]

# contents never rendered as text
SKIP_TAGS = frozenset({
    "head", "script", "style", "noscript", "template", "svg", "math",
    "iframe", "object", "embed", "canvas", "select", "option", "optgroup",
    "datalist", "audio", "video", "source", "track", "map", "area", "title",
    "meta", "link", "base",
})

# elements that start and end a line of their own
BLOCK_TAGS = frozenset({
    "html", "body", "address", "article", "aside", "blockquote", "center",
    "dd", "details", "dialog", "dir", "div", "dl", "dt", "fieldset",
    "figcaption", "figure", "footer", "form", "frame", "frameset", "h1", "h2",
    "h3", "h4", "h5", "h6", "header", "hgroup", "legend", "li", "main", "menu",
    "nav", "noframes", "ol", "p", "pre", "section", "summary", "table",
    "caption", "thead", "tbody", "tfoot", "tr", "td", "th", "ul", "textarea",
    "listing", "plaintext", "xmp", "output", "search",
})

BREAK_TAGS = frozenset({"br", "hr"})

_WS = re.compile(r"\s+")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.I)


def _is_hidden(el) -> bool:
    if el.get("hidden") is not None:
        return True
    style = el.get("style")
    return bool(style and _HIDDEN_STYLE.search(style))


def _standalone_link(el) -> bool:
    """A link whose parent has no running text of its own (menus, link lists)."""
    parent = el.getparent()
    if parent is None:
        return True
    if parent.text and parent.text.strip():
        return False
    for sib in parent:
        if sib.tail and sib.tail.strip():
            return False
    return True


class _Lines:
    def __init__(self):
        self.lines: list[str] = []
        self.buf: list[str] = []

    def add(self, text: str | None, pre: bool) -> None:
        if not text:
            return
        if pre and "\n" in text:
            parts = text.split("\n")
            for part in parts[:-1]:
                self.buf.append(part)
                self.flush()
            self.buf.append(parts[-1])
        else:
            self.buf.append(text)

    def flush(self) -> None:
        if self.buf:
            line = _WS.sub(" ", "".join(self.buf)).strip()
            self.buf = []
            if line:
                self.lines.append(line)


def _parse(html: str):
    data = html.encode("utf-8", "surrogatepass") if isinstance(html, str) else html
    parser = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True,
                                  remove_pis=True, huge_tree=True)
    try:
        return lxml.html.document_fromstring(data, parser=parser)
    except (etree.ParserError, ValueError):
        return None


def flatten_html(html: str) -> str:
    """Flat text of a page: one visible text block a line, boilerplate included."""
    root = _parse(html)
    if root is None:
        return ""
    out = _Lines()
    pre_depth = 0
    # explicit stack instead of recursion: some pages nest thousands deep
    stack: list[tuple[object, bool]] = [(root, True)]
    while stack:
        el, opening = stack.pop()
        tag = el.tag if isinstance(el.tag, str) else None
        if tag is not None:
            tag = tag.lower()
            if ":" in tag:                      # e.g. <fb:like>, <o:p>
                tag = tag.rsplit(":", 1)[1]
        if opening:
            if tag is None or tag in SKIP_TAGS or _is_hidden(el):
                # comment / PI / skipped subtree: only its tail is visible
                out.add(el.tail, pre_depth > 0)
                continue
            block = tag in BLOCK_TAGS or (tag == "a" and _standalone_link(el))
            if block or tag in BREAK_TAGS:
                out.flush()
            if tag in ("pre", "textarea", "listing", "xmp", "plaintext"):
                pre_depth += 1
            out.add(el.text, pre_depth > 0)
            stack.append((el, False))
            for child in reversed(el):
                stack.append((child, True))
        else:
            if tag in ("pre", "textarea", "listing", "xmp", "plaintext"):
                pre_depth -= 1
            if tag in BLOCK_TAGS or (tag == "a" and _standalone_link(el)):
                out.flush()
            out.add(el.tail, pre_depth > 0)
    out.flush()
    return "\n".join(out.lines) + ("\n" if out.lines else "")


def decode_html(data: bytes, default: str | None = None) -> str:
    """Bytes of a page to str: BOM, then <meta charset>, then UTF-8, then cp1252."""
    for bom, enc in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                     (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            return data[len(bom):].decode(enc, "replace")
    candidates = []
    if default:
        candidates.append(default)
    m = _META_CHARSET.search(data[:8192])
    if m:
        candidates.append(m.group(1).decode("ascii", "ignore"))
    candidates.append("utf-8")
    for enc in candidates:
        try:
            return data.decode(enc)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("cp1252", "replace")


def _inputs(paths):
    for p in map(Path, paths):
        if p.is_dir():
            yield from sorted(q for q in p.rglob("*") if q.suffix.lower() in (".html", ".htm"))
        else:
            yield p


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("inputs", nargs="+", help="HTML files or folders of them")
    ap.add_argument("-o", "--output", help="folder for <stem>.txt files (default: stdout)")
    a = ap.parse_args(argv)
    files = list(_inputs(a.inputs))
    if a.output:
        out = Path(a.output)
        out.mkdir(parents=True, exist_ok=True)
        for f in files:
            (out / (f.stem + ".txt")).write_text(flatten_html(decode_html(f.read_bytes())),
                                                 encoding="utf-8")
        print(f"{len(files)} pages flattened into {out}", file=sys.stderr)
    else:
        for f in files:
            if len(files) > 1:
                sys.stdout.write(f"==> {f} <==\n")
            sys.stdout.write(flatten_html(decode_html(f.read_bytes())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
