"""Corpus-learned boilerplate: a short paragraph that a source repeats across its documents.

A paragraph of at most `[clean] repeated_max_words` words found in at least
`[clean] repeated_min_docs` documents of one source (its domain, else its folder) is that
source's boilerplate and is removed as `repeated:<source>`. Counts are per window of documents
plus what earlier runs learned (`state/lines/`), so later runs benefit; an exact copy of a
document never counts its own lines twice.
"""
from __future__ import annotations

import hashlib
import posixpath
from collections import Counter
from collections.abc import Sequence

from cleancorpus.pipeline.model import Document, text_hash

LineCounts = dict[tuple[str, int], int]  # (source key, line hash) -> documents holding the line

_LINE_HASHES: dict[int, dict[str, int]] = {}  # max words -> short paragraph -> its line hash
_LINE_HASHES_MAX = 50_000


def line_hash(line: str) -> int:
    return int.from_bytes(hashlib.blake2b(" ".join(line.lower().split()).encode(), digest_size=8).digest(), "little")


def repeat_key(p: str, max_words: int) -> int:
    """The hash that counts a paragraph's repeats across a source, 0 for one of more than
    max_words words (too long to be boilerplate). Boilerplate is what repeats, so most
    paragraphs asked about were asked before: a dict lookup instead of lower, split, join and
    blake2b; a new one is measured by its length or by splitting off at most max_words words."""
    cache = _LINE_HASHES.get(max_words)
    if cache is None:
        cache = _LINE_HASHES[max_words] = {}
    h = cache.get(p)
    if h is None:
        if len(p) >= 2 * max_words and len(p.split(None, max_words)) > max_words:
            return 0  # shorter than 2 * max_words characters, it cannot hold more words
        if len(cache) >= _LINE_HASHES_MAX:
            cache.clear()
        h = cache[p] = line_hash(p)
    return h


def source_key(doc: Document) -> str:
    """What "the same source" means for repeated lines: the domain, else the input's folder."""
    if doc.domain:
        return doc.domain
    return posixpath.dirname(doc.source_uri) or doc.source_uri


def boilerplate_hashes(counts: Counter[tuple[str, int]], learned: LineCounts, min_docs: int) -> dict[str, set[int]]:
    """Per source, the hashes of the paragraphs that repeat in at least min_docs of its documents,
    this window and earlier runs together. Every paragraph of the window is in counts, so this
    is decided once per distinct paragraph, not once per paragraph of every document."""
    out: dict[str, set[int]] = {}
    for (key, h), n in counts.items():
        if n + learned.get((key, h), 0) >= min_docs:
            out.setdefault(key, set()).add(h)
    return out


def drop_repeated_lines(docs: Sequence[Document], learned: LineCounts, min_docs: int, max_words: int,
                        counted: Counter[tuple[str, int]]) -> list[tuple[str, int, str]]:
    """Remove each source's repeated paragraphs from a window of documents, in place.

    Adds the window's paragraph counts to `counted` (what the run will learn) and returns,
    per document, its source key, its number of paragraphs left and the hash of its text.
    """
    per_doc: list[tuple[str, list[str], list[int], str]] = []
    counts: Counter[tuple[str, int]] = Counter()
    seen_texts: set[str] = set()
    for d in docs:
        key = source_key(d)
        paras = d.text.split("\n\n")
        hs = [repeat_key(p, max_words) for p in paras]
        th = text_hash(d.text)
        per_doc.append((key, paras, hs, th))
        if th in seen_texts:
            continue  # an exact copy must not make its own lines look like boilerplate
        seen_texts.add(th)
        for h in set(hs) - {0}:
            counts[(key, h)] += 1
    counted.update(counts)
    boiler = boilerplate_hashes(counts, learned, min_docs)
    out: list[tuple[str, int, str]] = []
    for d, (key, paras, hs, th) in zip(docs, per_doc):
        n_paras = len(paras)
        repeated = boiler.get(key)
        if repeated is not None and not repeated.isdisjoint(hs):
            keep: list[str] = []
            for p, h in zip(paras, hs):
                if h in repeated:
                    d.remove(f"repeated:{key}", p)
                else:
                    keep.append(p)
            d.text = "\n\n".join(keep)
            th = text_hash(d.text)
            n_paras = len(keep)
        out.append((key, n_paras, th))
    return out
