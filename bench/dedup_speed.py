"""Signature throughput beside rensa, and the persistent index: bytes per document and lookup time.

    python bench/dedup_speed.py [--docs 2376] [--rounds 7] [--index 1000000] [--lookups 10000] [--perm 112 --k 5]

Texts: the ScrapingHub truth texts (../shared/bench/extraction/scrapinghub/truth), repeated to --docs.
Both sides get the same folded texts and the same parameters (by default those of the issue's
reference measurement: 112 permutations, word 5-grams); rensa's shingles are joined in Python,
which is how its users call it. Both sides run once before timing, then take turns for --rounds
rounds; the ratios are per round (wall and CPU time). The index part uses the pipeline's
configured bands.
"""
from __future__ import annotations

import argparse
import importlib.util
import io
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from cleancorpus.pipeline.dedup.index import IndexView  # noqa: E402
from cleancorpus.pipeline.dedup.signatures import fold, index_band_keys, signatures  # noqa: E402
from cleancorpus.pipeline.schema import index_schema  # noqa: E402

TRUTH = Path(__file__).resolve().parents[2] / "shared" / "bench" / "extraction" / "scrapinghub" / "truth"


def _rensa(rensa: object, folded: list[str], perm: int, k: int) -> None:
    """rensa's signatures as its users make them: shingles joined in Python, one RMinHash a text."""
    for f in folded:
        w = f.split()
        m = rensa.RMinHash(num_perm=perm, seed=1)
        m.update([" ".join(w[i:i + k]) for i in range(max(1, len(w) - k + 1))])
        m.digest()


def _load(path: str) -> ModuleType:
    """A module from a file, beside the installed one."""
    spec = importlib.util.spec_from_file_location("compared_signatures", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _alternate(sides: dict[str, Callable[[], object]], rounds: int) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Wall and CPU seconds of each side per round, the sides taking turns to go first: the
    machine's speed drifts within minutes, so only rounds side by side compare."""
    wall: dict[str, list[float]] = {k: [] for k in sides}
    cpu: dict[str, list[float]] = {k: [] for k in sides}
    for r in range(rounds):
        order = list(sides)[r % len(sides):] + list(sides)[:r % len(sides)]
        for name in order:
            t, c = time.perf_counter(), time.process_time()
            sides[name]()
            wall[name].append(time.perf_counter() - t)
            cpu[name].append(time.process_time() - c)
    return {k: (np.array(wall[k]), np.array(cpu[k])) for k in sides}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=2376)
    ap.add_argument("--index", type=int, default=1_000_000)
    ap.add_argument("--lookups", type=int, default=10_000)
    ap.add_argument("--perm", type=int, default=112)
    ap.add_argument("--k", type=int, default=5)
    ap.add_argument("--rounds", type=int, default=7, help="alternating timed rounds of each side")
    ap.add_argument("--compare", metavar="FILE", help="a signatures.py of another commit (git show "
                    "REF:pipeline/dedup/signatures.py > FILE): timed as a third side, its output checked equal")
    a = ap.parse_args()
    from cleancorpus.pipeline.config import load_config

    cfg = load_config().dedup
    base = [p.read_text() for p in sorted(TRUTH.glob("*.txt"))]
    texts = [base[i % len(base)] + f" copy {i}" for i in range(a.docs)]
    kb = sum(map(len, texts)) / len(texts) / 1024
    t = time.perf_counter()
    folded = [fold(x) for x in texts]
    t_fold = time.perf_counter() - t
    print(f"{a.docs} texts, {kb:.1f} KB each, {a.perm} permutations, word {a.k}-grams; "
          f"fold {a.docs / t_fold:,.0f} docs/s")
    sides = {"cleancorpus": lambda: signatures(folded, a.perm, a.k, 1)}
    if a.compare:
        other = _load(a.compare)
        sides["compare"] = lambda: other.signatures(folded, a.perm, a.k, 1)
        same = all(np.array_equal(x, y) for x, y in zip(signatures(folded, a.perm, a.k, 1), sides["compare"]()))
        print(f"--compare {a.compare}: {'the same' if same else 'DIFFERENT'} signatures and shingle counts")
    try:
        import rensa

        sides["rensa"] = lambda: _rensa(rensa, folded, a.perm, a.k)
    except ImportError:
        print("rensa not installed: pip install rensa")
    for run in sides.values():
        run()  # warm-up: the per-process tables of every batch size, as a long run has them
    times = _alternate(sides, a.rounds)
    for name, (wall, cpu) in times.items():
        print(f"{name:12s} shingle+signature: median {a.docs / np.median(wall):,.0f} docs/s "
              f"({a.docs / np.median(cpu):,.0f} per CPU-second) over {a.rounds} alternating rounds")
    if "rensa" in times:
        (w, c), (rw, rc) = times["cleancorpus"], times["rensa"]
        print(f"cleancorpus/rensa on signatures, per round: wall {' '.join(f'{x:.2f}' for x in rw / w)} "
              f"(median {np.median(rw / w):.2f}x); CPU {' '.join(f'{x:.2f}' for x in rc / c)} (median {np.median(rc / c):.2f}x)")
        print(f"text to signature, both with the same folding (medians): "
              f"{(t_fold + np.median(rw)) / (t_fold + np.median(w)):.2f}x")
    if "compare" in times:
        (w, c), (ow, oc) = times["cleancorpus"], times["compare"]
        print(f"cleancorpus/compare, per round: wall median {np.median(ow / w):.2f}x, CPU median {np.median(oc / c):.2f}x")
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
