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

from cleancorpus.pipeline.cleaning.cleaner import Cleaner, domain_of
from cleancorpus.pipeline.config import load_config
from cleancorpus.pipeline.report.placing import placed_lines
from cleancorpus.pipeline.stats import first_row, open_dataset

DUPLICATE = ("exact_duplicate", "near_duplicate")
MAX_RULES = 300  # rules shown; corpus-learned rules are one per source, so a big corpus has thousands
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
    rej = _table(root, "rejects", ["doc_id", "source_uri", "reason", "detail", "duplicate_of", "similarity", "url",
                                   "title"], run_id)
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
    """Per source and per rule, from the `removed` lists flattened by Arrow: a big corpus holds
    millions of removed lines, too many to walk in Python."""
    domains = pc.fill_null(docs.column("domain").combine_chunks(), "(none)")
    kept: Counter[str] = Counter(domains.to_pylist())
    dropped: Counter[str] = Counter()
    if rej is not None:
        dropped.update(domain_of(u) or "(none)" for u in rej.column("url").to_pylist())
    removed = docs.column("removed").combine_chunks()
    flat = pc.list_flatten(removed)
    lines = pa.table({
        "rule": flat.field("rule"), "text": flat.field("text"),
        "domain": pc.take(domains, pc.list_parent_indices(removed)),
        "words": pc.add(pc.count_substring(flat.field("text"), " "), 1),
    })
    words_kept = _sums(pa.table({"domain": domains, "n": docs.column("n_words")}), "domain", "n")
    words_removed = _sums(lines, "domain", "words")
    by_source: dict[str, Counter[str]] = defaultdict(Counter)
    for row in lines.group_by(["domain", "rule"]).aggregate([("words", "count")]).to_pylist():
        by_source[row["domain"]][row["rule"]] = row["words_count"]
    for dom in sorted(set(kept) | set(dropped), key=lambda d: (-(kept[d] + dropped[d]), d))[:top]:
        total = words_kept.get(dom, 0) + words_removed.get(dom, 0)
        r.sources.append({"domain": dom, "pages": kept[dom] + dropped[dom], "kept": kept[dom],
                          "share_kept": kept[dom] / ((kept[dom] + dropped[dom]) or 1),
                          "share_removed": words_removed.get(dom, 0) / (total or 1),
                          "top_rules": sorted(by_source[dom].items(), key=lambda x: (-x[1], x[0]))[:3]})
    per_rule = lines.group_by("rule").aggregate([("words", "count"), ("words", "sum")]).to_pylist()
    per_rule.sort(key=lambda x: (-x["words_count"], x["rule"]))
    shown = [x["rule"] for x in per_rule[:MAX_RULES]]
    found = _examples(lines, shown, examples)
    r.rules = [{"rule": x["rule"], "pack": x["rule"].split(".", 1)[0].split(":", 1)[0], "lines": x["words_count"],
                "words": x["words_sum"], "examples": found.get(x["rule"], [])} for x in per_rule]


def _sums(t: pa.Table, key: str, value: str) -> dict[str, int]:
    return {row[key]: row[f"{value}_sum"] for row in t.group_by(key).aggregate([(value, "sum")]).to_pylist()}


def _examples(lines: pa.Table, rules: list[str], n: int, scan: int = 50_000) -> dict[str, list[str]]:
    """Up to n different lines of each rule: the first ones in the corpus, looked for in a first
    slice and then, for the rules still short of examples, among that rule's own lines."""
    out: dict[str, list[str]] = defaultdict(list)
    wanted = set(rules)

    def take(rule_col: list[str], text_col: list[str]) -> None:
        for rule, text in zip(rule_col, text_col):
            ex = out[rule]
            if rule in wanted and len(ex) < n and text not in ex:
                ex.append(text)

    head = lines.slice(0, scan)
    take(head.column("rule").to_pylist(), head.column("text").to_pylist())
    short = [x for x in rules if len(out[x]) < n]
    if short and len(lines) > scan:
        rest = lines.slice(scan).filter(pc.is_in(lines.slice(scan).column("rule"), pa.array(short)))
        for rule in short:
            mine = rest.filter(pc.equal(rest.column("rule"), rule)).slice(0, 10 * n)
            take(mine.column("rule").to_pylist(), mine.column("text").to_pylist())
    return out


def _samples(r: ReportData, root: str, docs: pa.Table, run_id: str | None, n: int = 6) -> None:
    ids = sorted(docs.column("doc_id").to_pylist(), key=_rank)[:n]
    d = open_dataset(f"{root.rstrip('/')}/documents")
    t = d.to_table(columns=["doc_id", "title", "url", "source_uri", "text", "removed", "page_type"],
                   filter=pc.field("doc_id").isin(ids))
    rows = {row["doc_id"]: row for row in t.to_pylist()}
    r.samples = [rows[i] for i in ids if i in rows]
    cleaner = Cleaner(load_config(), trace=True)
    for d in r.samples:
        try:
            d["placed"] = placed_lines(d, cleaner)
        except Exception:  # noqa: BLE001 - a source that changed or fails to read: the lines are listed instead
            d["placed"] = None


def _clusters(r: ReportData, root: str, rej: pa.Table, n: int = 5) -> None:
    """The largest duplicate clusters: the kept document and one dropped member, both texts."""
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
        r.clusters.append({"kept": kept, "kept_id": kept_id, "size": 1 + len(rows), "member": member,
                           "member_text": dropped["text"] if dropped else None, "similarity": member["similarity"]})
