"""`cleancorpus stats`: what a written corpus holds, read with pyarrow.dataset like any consumer."""
from __future__ import annotations

from collections import Counter
from typing import Any

import pyarrow.compute as pc
import pyarrow.dataset as ds


def open_dataset(path: str) -> ds.Dataset | None:
    """A Parquet dataset of a corpus (local or fsspec URL), or None when there is none."""
    import fsspec

    fs, p = fsspec.core.url_to_fs(path)
    try:
        if not fs.exists(p):
            return None
        return ds.dataset(p, filesystem=fs, format="parquet", partitioning="hive")
    except (FileNotFoundError, OSError):
        return None


def first_row(d: ds.Dataset | None, column: str, value: str, columns: list[str]) -> dict[str, Any] | None:
    """The first row whose column holds value (a doc_id, a source file, a URL), or None."""
    if d is None:
        return None
    t = d.to_table(columns=columns, filter=pc.field(column) == value)
    return t.slice(0, 1).to_pylist()[0] if len(t) else None


def corpus_stats(root: str, top: int = 5) -> str:
    docs = open_dataset(f"{root}/documents")
    rej = open_dataset(f"{root}/rejects")
    out: list[str] = []
    d = docs.to_table(columns=["doc_id", "title", "n_words", "language", "dup_cluster", "dup_cluster_size", "run_id", "domain"]) if docs else None
    r = rej.to_table(columns=["reason", "duplicate_of", "run_id"]) if rej else None
    nd, nr = (len(d) if d is not None else 0), (len(r) if r is not None else 0)
    runs = set(d.column("run_id").to_pylist() if d is not None else []) | set(r.column("run_id").to_pylist() if r is not None else [])
    out.append(f"corpus {root}: {nd + nr} inputs over {len(runs)} run(s): {nd} documents kept, {nr} rejected")
    if r is not None and nr:
        out.append("rejected by reason:")
        for k, v in Counter(r.column("reason").to_pylist()).most_common():
            out.append(f"  {k:<20} {v}")
    if d is not None and nd:
        words = d.column("n_words")
        out.append(f"words per document: min {pc.min(words).as_py()}, median {int(pc.approximate_median(words).as_py())}, "
                   f"max {pc.max(words).as_py()}, total {pc.sum(words).as_py()}")
        langs = Counter(x or "unknown" for x in d.column("language").to_pylist())
        out.append("languages: " + ", ".join(f"{k} {v}" for k, v in langs.most_common(10)))
        doms = Counter(x or "(none)" for x in d.column("domain").to_pylist())
        out.append("domains: " + ", ".join(f"{k} {v}" for k, v in doms.most_common(5)))
        dup_counts: Counter[str] = Counter()
        if r is not None:
            dup_counts.update(x for x in r.column("duplicate_of").to_pylist() if x)
        titles = dict(zip(d.column("doc_id").to_pylist(), d.column("title").to_pylist()))
        clusters = [(1 + dup_counts.get(k, 0), k) for k in titles if dup_counts.get(k)]
        out.append(f"duplicate clusters: {len(clusters)} with more than one member, "
                   f"{sum(dup_counts.values())} duplicates rejected")
        for size, k in sorted(clusters, key=lambda x: (-x[0], x[1]))[:top]:
            out.append(f"  {size:>4} docs  kept {k}  {(titles.get(k) or '')[:70]}")
    return "\n".join(out)
