"""Where a sample document's removed lines stood among its kept ones.

`removed` records what went and why, not where. For the few documents the report shows
whole, the source is read again (when it is still there and small) and cleaned with a trace by
the shard's own Cleaner, only for the order of its lines; each line's verdict is the stored
one (the `removed` entry, or kept text), so corpus-learned lines the plain Cleaner does not
know still show as removed by their rule. A page's lines then follow its blocks' order, so what
the boilerplate model cut under the article shows under it. Without the source, removed lines are
listed first.
"""
from __future__ import annotations

import os
from typing import Any

from cleancorpus.pipeline.cleaning.cleaner import Cleaner
from cleancorpus.pipeline.config import load_config
from cleancorpus.pipeline.inputs.discover import InputFile
from cleancorpus.pipeline.inputs.readers import read_file
from cleancorpus.pipeline.model import RawRecord

MAX_SOURCE_BYTES = 20_000_000  # a bigger source (a WARC, a JSONL of thousands) is not read again


def placed_lines(doc: dict[str, Any], cleaner: Cleaner | None = None) -> list[tuple[str, str | None]] | None:
    """(line, rule or None for kept) in the document's order, or None when its source is gone."""
    uri = doc["source_uri"]
    if "://" in uri or not os.path.isfile(uri) or os.path.getsize(uri) > MAX_SOURCE_BYTES:
        return None
    rec = next((r for r in read_file(InputFile(uri, os.path.getsize(uri), os.path.getmtime(uri)))
                if isinstance(r, RawRecord) and r.doc_id.split(".")[0] == doc["doc_id"].split(".")[0]), None)
    if rec is None:
        return None
    res = (cleaner or Cleaner(load_config(), trace=True)).process(rec)
    removed: dict[str, list[str]] = {}
    for item in doc["removed"] or ():
        removed.setdefault(item["text"], []).append(item["rule"])
    kept = {p for p in doc["text"].split("\n\n")}
    out: list[tuple[str, str | None]] = []
    for t in res.trace:
        if t.text in removed and removed[t.text]:
            out.append((t.text, removed[t.text].pop(0)))
        elif t.text in kept:
            out.append((t.text, None))
            kept.discard(t.text)
    out += [(text, rule) for text, rules in removed.items() for rule in rules]  # lines the trace did not meet
    return _in_page_order(out, rec.html) if rec.html else out


def _in_page_order(out: list[tuple[str, str | None]], html: str) -> list[tuple[str, str | None]]:
    """The lines in the order their blocks stand on the page. A trace lists what extraction cut
    (the boilerplate model's blocks, page copies, comments) before the text's lines, so a related
    list under the article would show above it. A line no block matches keeps its place after
    the line before it."""
    from cleancorpus.pipeline.extraction.blocks import page_blocks
    from cleancorpus.pipeline.extraction.parse import load_html

    tree = load_html(html)
    if tree is None:
        return out
    where: dict[str, int] = {}
    for i, b in enumerate(page_blocks(tree)):
        where.setdefault(" ".join(b.text.split()), i)
    keyed, last = [], -1
    for n, (text, rule) in enumerate(out):
        at = where.get(" ".join(text.split()))
        last = at if at is not None else last
        keyed.append((last, n, text, rule))
    return [(text, rule) for _, _, text, rule in sorted(keyed, key=lambda k: (k[0], k[1]))]
