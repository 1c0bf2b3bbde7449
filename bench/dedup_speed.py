"""Signature throughput beside rensa, and the persistent index: bytes per document and lookup time.

    python bench/dedup_speed.py [--docs 2376] [--index 1000000] [--lookups 10000] [--perm 112 --k 5]

Texts: the ScrapingHub truth texts (../shared/bench/extraction/scrapinghub/truth), repeated to --docs.
Both sides get the same folded texts and the same parameters (by default those of the issue's
reference measurement: 112 permutations, word 5-grams); rensa's shingles are joined in Python,
which is how its users call it. The index part uses the pipeline's configured bands.
"""
from __future__ import annotations

import argparse
import io
import sys
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from cleancorpus.pipeline.dedup.index import IndexView  # noqa: E402
from cleancorpus.pipeline.dedup.signatures import fold, index_band_keys, signatures  # noqa: E402
from cleancorpus.pipeline.schema import index_schema  # noqa: E402

TRUTH = Path(__file__).resolve().parents[2] / "shared" / "bench" / "extraction" / "scrapinghub" / "truth"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=2376)
    ap.add_argument("--index", type=int, default=1_000_000)
    ap.add_argument("--lookups", type=int, default=10_000)
    ap.add_argument("--perm", type=int, default=112)
    ap.add_argument("--k", type=int, default=5)
    a = ap.parse_args()
    from cleancorpus.pipeline.config import load_config

    cfg = load_config().dedup
    base = [p.read_text() for p in sorted(TRUTH.glob("*.txt"))]
    texts = [base[i % len(base)] + f" copy {i}" for i in range(a.docs)]
    kb = sum(map(len, texts)) / len(texts) / 1024
    t = time.perf_counter()
    folded = [fold(x) for x in texts]
    t_fold = time.perf_counter() - t
    signatures(folded[:200], a.perm, a.k, 1)  # warm-up: per-process tables, as a long run has them
    t = time.perf_counter()
    sig, _ = signatures(folded, a.perm, a.k, 1)
    t_sig = time.perf_counter() - t
    print(f"{a.docs} texts, {kb:.1f} KB each, {a.perm} permutations, word {a.k}-grams")
    print(f"cleancorpus numpy: fold {a.docs / t_fold:,.0f} docs/s; shingle+signature {a.docs / t_sig:,.0f} docs/s; "
          f"together {a.docs / (t_fold + t_sig):,.0f} docs/s")
    try:
        import rensa

        t = time.perf_counter()
        for f in folded:
            w = f.split()
            m = rensa.RMinHash(num_perm=a.perm, seed=1)
            m.update([" ".join(w[i:i + a.k]) for i in range(max(1, len(w) - a.k + 1))])
            m.digest()
        t_r = time.perf_counter() - t
        print(f"rensa RMinHash (same folded text, Python shingling): {a.docs / t_r:,.0f} docs/s  "
              f"-> cleancorpus/rensa = {t_r / t_sig:.2f}x on signatures")
        print(f"text to signature, both with the same folding: cleancorpus {a.docs / (t_fold + t_sig):,.0f} docs/s, "
              f"rensa {a.docs / (t_fold + t_r):,.0f} docs/s -> {(t_fold + t_r) / (t_fold + t_sig):.2f}x")
    except ImportError:
        print("rensa not installed: pip install rensa")
    # index: synthetic signatures for --index documents, stored as the pipeline stores them
    rng = np.random.default_rng(7)
    m, nb = a.index, cfg.bands
    bands = rng.integers(0, 2**32, size=(m, nb), dtype=np.uint32)
    ids = [f"{x:020x}" for x in rng.integers(0, 2**63, size=m, dtype=np.uint64)]  # random, like real ids
    tbl = pa.table({
        "doc_id": ids, "hash64": pa.array(rng.integers(0, 2**63, size=m, dtype=np.uint64), pa.uint64()),
        "bands": pa.FixedSizeListArray.from_arrays(pa.array(bands.reshape(-1), pa.uint32()), nb),
        "cluster_size": pa.array(np.ones(m, np.int32)), "doc_file": ["documents/ingest_date=2026-01-01/part-x-00000.parquet"] * m,
        "rep": pa.nulls(m, pa.string()),  # all kept documents
    }, schema=index_schema(nb))
    buf = io.BytesIO()
    pq.write_table(tbl, buf, compression="zstd")
    print(f"index of {m:,} documents ({nb} bands of {cfg.rows} rows): {buf.tell() / m:.0f} bytes per document on disk")
    view = IndexView(np.array(ids, dtype=object), tbl.column("hash64").to_numpy(), bands, np.ones(m, np.int32))
    t = time.perf_counter()
    view.prepare()
    t_prep = time.perf_counter() - t
    qs = signatures(folded[: a.lookups] * (a.lookups // max(len(folded), 1) + 1), cfg.num_perm, cfg.shingle_size, 1)[0][: a.lookups]
    keys32 = index_band_keys(qs, nb)
    keys32[:100] = bands[:100]  # 100 real hits
    t = time.perf_counter()
    hits = view.band_hits(keys32)
    ex = view.exact(rng.integers(0, 2**63, size=a.lookups, dtype=np.uint64))
    t_look = time.perf_counter() - t
    print(f"lookup of {a.lookups:,} new documents against {m:,}: {t_look:.2f} s (+ {t_prep:.1f} s to sort the index once per run); "
          f"{len(hits)} candidate pairs, {(ex >= 0).sum()} exact hits")


if __name__ == "__main__":
    main()
