"""What the report shows, read from a corpus's Parquet and runs/ like any consumer would.

Aggregates come from the columns alone (no text), so 100,000 documents stay cheap; the few
documents shown whole are a deterministic sample (smallest hash of doc_id), so the same corpus
gives the same report.
"""
from __future__ import annotations

import hashlib
import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from cleancorpus.pipeline.cleaning.cleaner import domain_of
from cleancorpus.pipeline.stats import open_dataset

DUPLICATE = ("exact_duplicate", "near_duplicate")
WORD_BINS = ((0, 50), (50, 100), (100, 200), (200, 500), (500, 1000), (1000, 2000), (2000, 5000), (5000, None))


@dataclass
class ReportData:
    root: str
    documents: int = 0
    rejects: int = 0
    reasons: Counter[str] = field(default_factory=Counter)
    runs: list[dict[str, Any]] = field(default_factory=list)
    sources: list[dict[str, Any]] = field(default_factory=list)
    rules: list[dict[str, Any]] = field(default_factory=list)
    words: list[tuple[str, int]] = field(default_factory=list)
    languages: list[tuple[str, int]] = field(default_factory=list)
    page_types: list[tuple[str, int]] = field(default_factory=list)
    months: list[tuple[str, int]] = field(default_factory=list)
    clusters: list[dict[str, Any]] = field(default_factory=list)
    samples: list[dict[str, Any]] = field(default_factory=list)
    reject_samples: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


def _rank(doc_id: str) -> str:
    return hashlib.blake2b(doc_id.encode(), digest_size=8).hexdigest()


def _runs(root: str, run_id: str | None) -> list[dict[str, Any]]:
    import fsspec

    fs, p = fsspec.core.url_to_fs(f"{root.rstrip('/')}/runs")
    if not fs.exists(p):
        return []
    out = []
    for f in sorted(fs.glob(f"{p}/*.json")):
        with fs.open(f) as fh:
            run = json.load(fh)
        if run_id is None or run["run_id"] == run_id:
            out.append(run)
    return out


def _table(root: str, sub: str, columns: list[str], run_id: str | None) -> pa.Table | None:
    d = open_dataset(f"{root.rstrip('/')}/{sub}")
    if d is None:
        return None
    return d.to_table(columns=columns, filter=(pc.field("run_id") == run_id) if run_id else None)


def gather(root: str, run_id: str | None = None, examples: int = 3, top: int = 25) -> ReportData:
    r = ReportData(root=root, runs=_runs(root, run_id))
    docs = _table(root, "documents", ["doc_id", "domain", "n_words", "language", "page_type", "published_at",
                                      "removed"], run_id)
    rej = _table(root, "rejects", ["doc_id", "source_uri", "reason", "detail", "duplicate_of", "url", "title"], run_id)
    r.documents = len(docs) if docs is not None else 0
    r.rejects = len(rej) if rej is not None else 0
    if rej is not None:
        r.reasons = Counter(rej.column("reason").to_pylist())
        _rejects(r, rej, examples)
    if docs is not None and len(docs):
        _distributions(r, docs)
        _sources_and_rules(r, docs, rej, examples, top)
        _samples(r, root, docs, run_id)
    if rej is not None and docs is not None:
        _clusters(r, root, rej)
    return r


def _rejects(r: ReportData, rej: pa.Table, examples: int) -> None:
    rows = sorted(rej.to_pylist(), key=lambda x: _rank(x["doc_id"]))
    for row in rows:
        bucket = r.reject_samples.setdefault(row["reason"], [])
        if len(bucket) < examples:
            bucket.append(row)


def _distributions(r: ReportData, docs: pa.Table) -> None:
    words = docs.column("n_words").to_pylist()
    for lo, hi in WORD_BINS:
        label = f"{lo}-{hi}" if hi else f"{lo}+"
        r.words.append((label, sum(1 for w in words if w >= lo and (hi is None or w < hi))))
    r.languages = Counter(x or "unknown" for x in docs.column("language").to_pylist()).most_common(12)
    r.page_types = Counter(x or "none (text)" for x in docs.column("page_type").to_pylist()).most_common()
    months = Counter(d.strftime("%Y-%m") for d in docs.column("published_at").to_pylist() if d is not None)
    r.months = sorted(months.items())[-24:]


def _sources_and_rules(r: ReportData, docs: pa.Table, rej: pa.Table | None, examples: int, top: int) -> None:
    kept: Counter[str] = Counter(x or "(none)" for x in docs.column("domain").to_pylist())
    dropped: Counter[str] = Counter()
    if rej is not None:
        dropped.update(domain_of(u) or "(none)" for u in rej.column("url").to_pylist())
    words_kept: Counter[str] = Counter()
    words_removed: Counter[str] = Counter()
    rules_by_source: dict[str, Counter[str]] = defaultdict(Counter)
    per_rule: Counter[str] = Counter()
    rule_words: Counter[str] = Counter()
    rule_examples: dict[str, list[str]] = defaultdict(list)
    for dom, n, removed in zip(docs.column("domain").to_pylist(), docs.column("n_words").to_pylist(),
                               docs.column("removed").to_pylist()):
        dom = dom or "(none)"
        words_kept[dom] += n
        for item in removed or ():
            rule, text = item["rule"], item["text"]
            w = len(text.split())
            words_removed[dom] += w
            rules_by_source[dom][rule] += 1
            per_rule[rule] += 1
            rule_words[rule] += w
            ex = rule_examples[rule]
            if len(ex) < examples and text not in ex:
                ex.append(text)
    for dom in sorted(set(kept) | set(dropped), key=lambda d: (-(kept[d] + dropped[d]), d))[:top]:
        total = words_kept[dom] + words_removed[dom]
        r.sources.append({"domain": dom, "pages": kept[dom] + dropped[dom], "kept": kept[dom],
                          "share_kept": kept[dom] / ((kept[dom] + dropped[dom]) or 1),
                          "share_removed": words_removed[dom] / (total or 1),
                          "top_rules": rules_by_source[dom].most_common(3)})
    r.rules = [{"rule": rule, "pack": rule.split(".", 1)[0].split(":", 1)[0], "lines": n, "words": rule_words[rule],
                "examples": rule_examples[rule]} for rule, n in sorted(per_rule.items(), key=lambda x: (-x[1], x[0]))]


def _samples(r: ReportData, root: str, docs: pa.Table, run_id: str | None, n: int = 6) -> None:
    ids = sorted(docs.column("doc_id").to_pylist(), key=_rank)[:n]
    d = open_dataset(f"{root.rstrip('/')}/documents")
    t = d.to_table(columns=["doc_id", "title", "url", "source_uri", "text", "removed", "page_type"],
                   filter=pc.field("doc_id").isin(ids))
    rows = {row["doc_id"]: row for row in t.to_pylist()}
    r.samples = [rows[i] for i in ids if i in rows]


def _clusters(r: ReportData, root: str, rej: pa.Table, n: int = 5) -> None:
    """The largest duplicate clusters: the kept document and one dropped member, both texts."""
    from cleancorpus.pipeline.stats import first_row

    members: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rej.to_pylist():
        if row["reason"] in DUPLICATE and row["duplicate_of"]:
            members[row["duplicate_of"]].append(row)
    docs = open_dataset(f"{root.rstrip('/')}/documents")
    texts = open_dataset(f"{root.rstrip('/')}/state/dedup_texts")
    for kept_id, rows in sorted(members.items(), key=lambda x: (-len(x[1]), x[0]))[:n]:
        member = min(rows, key=lambda x: _rank(x["doc_id"]))
        kept = first_row(docs, "doc_id", kept_id, ["doc_id", "title", "text", "url", "source_uri"])
        dropped = first_row(texts, "doc_id", member["doc_id"], ["doc_id", "text"])
        sim = first_row(open_dataset(f"{root.rstrip('/')}/rejects"), "doc_id", member["doc_id"], ["similarity"])
        r.clusters.append({"kept": kept, "kept_id": kept_id, "size": 1 + len(rows), "member": member,
                           "member_text": dropped["text"] if dropped else None,
                           "similarity": sim["similarity"] if sim else None})
