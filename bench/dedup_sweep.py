#!/usr/bin/env python3
"""Sweep near-duplicate parameters on exact shingle sets of cleaned text, then size LSH for them.

    .venv/bin/python bench/dedup_sweep.py [--seeds 1-7] [--no-repeated] [--cache DIR] [--json FILE]
        [--choose K,J,C] [--top N]

Every document is cleaned the way the pipeline cleans it (``Cleaner(load_config()).process``
on the same RawRecord the reader builds, then -- unless --no-repeated -- the corpus-learned
repeated-line removal of ``cleaning/repeated_lines.drop_repeated_lines`` with the dataset as one window and an empty
learned table), folded with ``dedup.signatures.fold`` and the spelling variants, and cut into exact
shingle sets (``dedup.signatures.shingle_set``) for k in 2..5. True Jaccard J and containment C
(``dedup.signatures.jaccard_containment`` semantics: C = |A∩B| / min(|A|,|B|)) are computed for ALL pairs
(a sparse doc x shingle product; spot-checked against ``jaccard_containment``). The length
filter (min_words) is not applied: every document takes part.

Datasets and pass criteria:
  syndication  make_syndication.build(seed) for each seed; gold = cluster. Pooled pairwise
               precision >= 0.99 and recall >= 0.95 (score.py's cluster_scores per seed, summed).
  clough       Clough & Stevenson short answers: no 'non' answer in a non-singleton cluster,
               and >= 80% of cut+light answers in their orig_task source's cluster.
  seeds        /work/shared/seeds: 000+001 one cluster; 002, 003, 004 apart from each other and
               from 000/001.

Clustering: union-find over pairs with J >= j or C >= c (what dedup.py confirms). The LSH part
takes the chosen (k, j, c), the direct true-copy pairs that pass it (copy<->original, answer
<->source, 000<->001), and for num_perm x rows gives the expected misses of the candidate
step, P(candidate) = 1 - (1 - J^r)^b, plus a Monte Carlo that also applies dedup.py's
signature-estimate floor (est >= min(jaccard_threshold, lsh_threshold) * 0.6, in-run pairs),
and the misses of the real signatures (dedup.signatures.signatures, seed 1).
"""
from __future__ import annotations

import argparse
import collections
import hashlib
import importlib.util
import itertools
import json
import pickle
import sys
import time
from pathlib import Path

import numpy as np
from scipy import sparse

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

import make_syndication  # noqa: E402

from cleancorpus.pipeline.cleaning.cleaner import Cleaner  # noqa: E402
from cleancorpus.pipeline.cleaning.repeated_lines import line_hash as _line_hash  # noqa: E402
from cleancorpus.pipeline.cleaning.repeated_lines import source_key
from cleancorpus.pipeline.config import load_config  # noqa: E402
from cleancorpus.pipeline.dedup.signatures import (  # noqa: E402
    band_keys,
    fold,
    jaccard_containment,
    load_variants,
    shingle_set,
    signatures,
)
from cleancorpus.pipeline.inputs.encoding import decode_bytes  # noqa: E402
from cleancorpus.pipeline.inputs.readers import _record_from_obj  # noqa: E402
from cleancorpus.pipeline.model import RawRecord  # noqa: E402

SHARED = Path("/work/shared")
CLOUGH = SHARED / "bench/dedup/clough-stevenson-short-answers"
SEEDS = SHARED / "seeds"
SCORER = SHARED / "bench/dedup/score.py"
KS = (2, 3, 4, 5)
JS = (0.5, 0.6, 0.7, 0.8)
CS = (0.4, 0.5, 0.6, 0.7, 0.8)
NUM_PERMS = (112, 114, 120, 128)
ROWS = (2, 3, 4)
MAX_INDEX_BYTES = 200


def _load_scorer():
    spec = importlib.util.spec_from_file_location("dedup_score", SCORER)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


score = _load_scorer()


def read_jsonl(p: Path) -> list[dict]:
    return [json.loads(l) for l in p.read_text(encoding="utf-8").splitlines() if l.strip()]


# ------------------------------------------------------------------ cleaning as the pipeline does


def clean_docs(recs: list[tuple[str, RawRecord]], cfg, repeated: bool) -> dict[str, str]:
    """id -> cleaned text (doc.text after Cleaner and, optionally, repeated-line removal)."""
    cleaner = Cleaner(cfg)
    docs = []
    for did, rec in recs:
        res = cleaner.process(rec)
        if res.doc is None:
            print(f"  warning: {did} rejected by cleaner ({res.reject.reason}); empty text", file=sys.stderr)
            continue
        docs.append((did, res.doc))
    if repeated:  # cleaning/repeated_lines.drop_repeated_lines, one window, nothing learned before
        maxw = cfg.clean.repeated_max_words
        counts: collections.Counter = collections.Counter()
        per = []
        seen = set()
        for did, d in docs:
            key = source_key(d)
            paras = d.text.split("\n\n")
            hs = [_line_hash(p) if len(p.split()) <= maxw else 0 for p in paras]
            per.append((key, paras, hs))
            th = hashlib.sha256(d.text.encode()).hexdigest()
            if th in seen:
                continue
            seen.add(th)
            for h in set(hs) - {0}:
                counts[(key, h)] += 1
        for (did, d), (key, paras, hs) in zip(docs, per):
            d.text = "\n\n".join(p for p, h in zip(paras, hs) if not (h and counts[(key, h)] >= cfg.clean.repeated_min_docs))
    return {did: d.text for did, d in docs}


def code_fingerprint() -> str:
    h = hashlib.sha256()
    for p in sorted(list((ROOT / "pipeline").glob("*.py")) + list((ROOT / "config").rglob("*")) + [HERE / "make_syndication.py"]):
        if p.is_file():
            h.update(p.name.encode())
            h.update(p.read_bytes())
    return h.hexdigest()[:12]


def load_datasets(seeds: list[int], repeated: bool, cache: Path | None) -> dict[str, dict]:
    """name -> {"texts": {id: cleaned}, "gold": {id: cluster}, "meta": {...}}"""
    key = f"{code_fingerprint()}-{'rep' if repeated else 'norep'}"
    cfile = cache / f"cleaned-{key}.pkl" if cache else None
    want = {f"syn{s}" for s in seeds} | {"clough", "seeds"}
    data: dict[str, dict] = {}
    if cfile and cfile.exists():
        data = pickle.loads(cfile.read_bytes())
    if want <= set(data):
        return {k: data[k] for k in want}
    cfg = load_config()
    t0 = time.time()
    for s in seeds:
        name = f"syn{s}"
        if name in data:
            continue
        docs, clusters, copies = make_syndication.build(make_syndication.DEFAULT_TRUTH, s)
        recs = [(d["id"], _record_from_obj("syndication.jsonl", f"line:{i}", "jsonl", d)) for i, d in enumerate(docs, 1)]
        texts = clean_docs(recs, cfg, repeated)
        gold = {c["id"]: c["cluster"] for c in clusters}
        copy_of = {c["id"]: c["of"] for c in copies}
        data[name] = {"texts": texts, "gold": gold, "copy_of": copy_of,
                      "transforms": {c["id"]: c["transforms"] for c in copies}}
        print(f"  cleaned syndication seed {s}: {len(texts)} docs ({time.time() - t0:.0f}s)", file=sys.stderr)
    if "clough" not in data:
        docs = read_jsonl(CLOUGH / "docs.jsonl")
        labels = {r["id"]: r for r in read_jsonl(CLOUGH / "clusters.jsonl")}
        recs = []
        for i, d in enumerate(docs, 1):
            r = {"id": d["id"], "text": d["text"]}
            for f in ("url", "title", "published_at"):
                if d.get(f):
                    r[f] = d[f]
            recs.append((d["id"], _record_from_obj("clough.jsonl", f"line:{i}", "jsonl", r)))
        texts = clean_docs(recs, cfg, repeated)
        data["clough"] = {"texts": texts, "gold": {i: l["cluster_nearcopy"] for i, l in labels.items()},
                          "category": {i: l["category"] for i, l in labels.items()},
                          "task": {d["id"]: d.get("task") for d in docs}}
    if "seeds" not in data:
        recs = []
        for f in sorted(SEEDS.glob("*.txt")):
            text, _ = decode_bytes(f.read_bytes(), is_html=False)
            recs.append((f.name[:3], RawRecord(str(f), None, "text", text=text)))
        data["seeds"] = {"texts": clean_docs(recs, cfg, repeated),
                         "gold": {"000": "A", "001": "A", "002": "002", "003": "003", "004": "004"}}
    if cfile:
        cfile.parent.mkdir(parents=True, exist_ok=True)
        cfile.write_bytes(pickle.dumps(data))
    return {k: data[k] for k in want}


# ------------------------------------------------------------------ exact J / C for all pairs


def all_pairs(folded: list[str], k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """i, j (i<j), J, C for every pair, from exact shingle sets."""
    sets = [shingle_set(t, k) for t in folded]
    sizes = np.array([len(s) for s in sets], dtype=np.int64)
    allsh = np.concatenate(sets) if sets else np.zeros(0, np.uint64)
    _, col = np.unique(allsh, return_inverse=True)
    row = np.repeat(np.arange(len(sets)), sizes)
    m = sparse.csr_matrix((np.ones(len(col), np.int32), (row, col)), shape=(len(sets), int(col.max()) + 1 if len(col) else 0))
    inter = (m @ m.T).toarray()
    i, j = np.triu_indices(len(sets), 1)
    it = inter[i, j].astype(np.float64)
    si, sj = sizes[i], sizes[j]
    ok = (si > 0) & (sj > 0)
    J = np.where(ok, it / np.maximum(si + sj - it, 1), 0.0)
    C = np.where(ok, it / np.maximum(np.minimum(si, sj), 1), 0.0)
    # spot check against the pipeline's function
    rng = np.random.default_rng(0)
    for p in rng.choice(len(i), size=min(5, len(i)), replace=False):
        jj, cc = jaccard_containment(sets[i[p]], sets[j[p]])
        assert abs(jj - J[p]) < 1e-9 and abs(cc - C[p]) < 1e-9, (jj, J[p], cc, C[p])
    return i, j, J, C


from cleancorpus.pipeline.dedup.decisions import UnionFind as UF  # noqa: E402  (the pipeline's own)


def cluster(n, i, j, J, C, jt, ct) -> list[int]:
    uf = UF()
    for a, b in zip(i[(J >= jt) | (C >= ct)], j[(J >= jt) | (C >= ct)]):
        uf.union(int(a), int(b))
    return [uf.find(x) for x in range(n)]


# ------------------------------------------------------------------ per-dataset evaluation


class Prepared:
    def __init__(self, name: str, d: dict, variants: dict, k: int):
        self.name, self.d = name, d
        self.ids = sorted(d["gold"])
        self.pos = {x: n for n, x in enumerate(self.ids)}
        self.folded = [fold(d["texts"].get(x, ""), variants) for x in self.ids]
        self.i, self.j, self.J, self.C = all_pairs(self.folded, k)
        g = [d["gold"][x] for x in self.ids]
        self.same_gold = np.array([g[a] == g[b] for a, b in zip(self.i, self.j)])
        self.direct = self._direct()  # mask of the pairs that must be confirmed (copy <-> original)

    def _direct(self) -> np.ndarray:
        ids, d = self.ids, self.d
        if self.name.startswith("syn"):
            co = d["copy_of"]
            return np.array([co.get(ids[a]) == ids[b] or co.get(ids[b]) == ids[a] for a, b in zip(self.i, self.j)])
        if self.name == "clough":
            cat, task = d["category"], d["task"]

            def src(x):
                return x.startswith("orig_task")

            def is_copy(x):
                return cat[x] in ("cut", "light")
            return np.array([(src(ids[a]) and is_copy(ids[b]) and task[ids[a]] == task[ids[b]])
                             or (src(ids[b]) and is_copy(ids[a]) and task[ids[a]] == task[ids[b]])
                             for a, b in zip(self.i, self.j)])
        return np.array([{ids[a], ids[b]} == {"000", "001"} for a, b in zip(self.i, self.j)])

    def evaluate(self, jt: float, ct: float) -> dict:
        roots = cluster(len(self.ids), self.i, self.j, self.J, self.C, jt, ct)
        pred = {x: roots[n] for n, x in enumerate(self.ids)}
        sc = score.cluster_scores(self.d["gold"], pred)
        out = {"tp": sc["true_positive_pairs"], "pred_pairs": sc["pred_dup_pairs"], "gold_pairs": sc["gold_dup_pairs"],
               "P": sc["pairwise_precision"], "R": sc["pairwise_recall"]}
        if self.name == "clough":
            cat, task = self.d["category"], self.d["task"]
            size = collections.Counter(roots)
            out["non_joined"] = sum(1 for x in self.ids if cat[x] == "non" and size[pred[x]] > 1)
            src = {task[x]: x for x in self.ids if x.startswith("orig_task")}
            cl = [x for x in self.ids if cat[x] in ("cut", "light")]
            out["cutlight_recall"] = sum(pred[x] == pred[src[task[x]]] for x in cl) / len(cl)
            out["heavy_joined"] = sum(1 for x in self.ids if cat[x] == "heavy" and pred[x] == pred[src[task[x]]])
        if self.name == "seeds":
            p = pred  # 000 and 001 together, 002, 003 and 004 each apart
            out["ok"] = p["000"] == p["001"] and len({p["000"], p["002"], p["003"], p["004"]}) == 4
        return out

    def margins(self, jt: float, ct: float) -> dict:
        """Smallest J/C among direct true-copy pairs, largest among non-copy pairs."""
        pos, neg = self.direct, ~self.same_gold
        res = {}
        if pos.any():
            res["copy_min_J"] = float(self.J[pos].min())
            res["copy_min_C"] = float(self.C[pos].min())
            res["copy_min_max(J/jt,C/ct)"] = float(np.maximum(self.J[pos] / jt, self.C[pos] / ct).min())
            res["copy_missed"] = int((~((self.J[pos] >= jt) | (self.C[pos] >= ct))).sum())
            res["copy_pairs"] = int(pos.sum())
        if self.name == "clough":  # independent answers against anything
            cat = self.d["category"]
            nonm = np.array([cat[self.ids[a]] == "non" or cat[self.ids[b]] == "non" for a, b in zip(self.i, self.j)])
            neg = neg & nonm
        if neg.any():
            res["noncopy_max_J"] = float(self.J[neg].max())
            res["noncopy_max_C"] = float(self.C[neg].max())
            res["noncopy_max_max(J/jt,C/ct)"] = float(np.maximum(self.J[neg] / jt, self.C[neg] / ct).max())
        return res

    def describe_pair(self, p: int) -> str:
        return f"{self.ids[self.i[p]]}~{self.ids[self.j[p]]} J={self.J[p]:.3f} C={self.C[p]:.3f}"


# ------------------------------------------------------------------ LSH sizing


def lsh_table(pairs_J: dict[str, np.ndarray], real: dict[str, dict], jt: float, mc_trials: int = 4000) -> list[dict]:
    rows_out = []
    rng = np.random.default_rng(12345)
    for num_perm, r in [(p, r) for p in NUM_PERMS for r in ROWS] + list(EXTRA_LSH):
        if True:
            if num_perm % r:
                rows_out.append({"num_perm": num_perm, "rows": r, "bands": None, "note": f"{num_perm}/{r} not an integer"})
                continue
            b = num_perm // r
            lsh_thr = (1.0 / b) ** (1.0 / r)
            floor = min(jt, lsh_thr) * 0.6
            row = {"num_perm": num_perm, "rows": r, "bands": b, "bytes_per_doc": b * 4 + 20, "off_grid": (num_perm, r) in EXTRA_LSH,
                   "fits": b * 4 + 20 <= MAX_INDEX_BYTES, "lsh_threshold": round(lsh_thr, 3), "est_floor": round(floor, 3)}
            for name, s in pairs_J.items():
                if len(s) == 0:
                    row[name] = {"pairs": 0}
                    continue
                pc = 1 - (1 - s ** r) ** b
                # Monte Carlo: per-permutation collisions ~ Bernoulli(J), candidate if some band all collides,
                # then dedup.py's estimate floor on the share of equal signature entries
                miss_mc = 0.0
                for sv in s:
                    eq = rng.random((mc_trials, num_perm)) < sv
                    cand = eq.reshape(mc_trials, b, r).all(axis=2).any(axis=1)
                    ok = cand & (eq.mean(axis=1) >= floor)
                    miss_mc += 1 - ok.mean()
                m = float((1 - pc).sum())
                row[name] = {"pairs": int(len(s)), "exp_miss": round(m, 3), "cand_recall": round(1 - m / len(s), 4),
                             "exp_miss_with_floor": round(miss_mc, 3), "recall_with_floor": round(1 - miss_mc / len(s), 4)}
                rr = real.get(name)
                if rr is not None:
                    row[name]["real_miss"] = real_misses(rr, num_perm, b, floor)
            rows_out.append(row)
    return rows_out


def real_misses(rr: dict, num_perm: int, bands: int, floor: float) -> int:
    """Misses with the pipeline's own signatures (seed 1): no shared band key, or estimate under the floor."""
    sig, _ = signatures(rr["folded"], num_perm, rr["k"], 1)
    keys = band_keys(sig, bands) & np.uint64(0xFFFFFFFF)
    miss = 0
    for a, b in rr["pairs"]:
        cand = bool((keys[a] == keys[b]).any())
        est = float((sig[a] == sig[b]).mean())
        miss += not (cand and est >= floor)
    return miss


EXTRA_LSH = ((90, 2), (88, 2), (60, 1), (45, 1))  # off-grid, within 200 bytes, for comparison


def end_to_end(prep: dict, names: list[str], seeds: list[int], jt: float, ct: float, trials: int = 200) -> list[dict]:
    """Monte Carlo of the whole thing: every pair passing (J>=jt or C>=ct) is found only if LSH makes it a
    candidate and its signature estimate clears dedup.py's floor; cluster; score. Also the load: expected
    candidates that fail the thresholds (wasted confirmations) per 1000 docs."""
    rng = np.random.default_rng(7)
    print(f"\n== end to end with LSH (MC, {trials} trials; mean metric, share of trials meeting the bar) ==")
    print("  perm rows bands bytes |  syn_P   syn_R  P(syn ok) | cl_cut+light_R P(>=.8) non_joined | seeds_ok | false cand./1k docs")
    rows = []
    settings = [(p, r) for p in NUM_PERMS for r in ROWS if p % r == 0] + list(EXTRA_LSH)
    for num_perm, r in settings:
        b = num_perm // r
        floor = min(jt, (1.0 / b) ** (1.0 / r)) * 0.6
        agg = collections.defaultdict(list)
        load = 0.0
        ndocs = 0
        per = {}
        for n in names:
            q = prep[n]
            sel = np.flatnonzero((q.J >= jt) | (q.C >= ct))
            s = q.J[sel]
            # P(found) per pair: candidate and estimate over the floor, by simulation per pair
            eq = rng.random((len(sel), 400, num_perm)) < s[:, None, None] if len(sel) else np.zeros((0, 400, num_perm), bool)
            found = eq.reshape(len(sel), 400, b, r).all(axis=3).any(axis=2) & (eq.mean(axis=2) >= floor)
            per[n] = (sel, found.mean(axis=1) if len(sel) else np.zeros(0))
            rest = np.flatnonzero(~((q.J >= jt) | (q.C >= ct)))
            load += float((1 - (1 - q.J[rest] ** r) ** b).sum())
            ndocs += len(q.ids)
        for _ in range(trials):
            ev = {}
            for n in names:
                q = prep[n]
                sel, pf = per[n]
                keep = sel[rng.random(len(sel)) < pf]
                roots = cluster(len(q.ids), q.i[keep], q.j[keep], np.ones(len(keep)), np.ones(len(keep)), 0.5, 0.5)
                pred = {x: roots[m] for m, x in enumerate(q.ids)}
                sc = score.cluster_scores(q.d["gold"], pred)
                e = {"tp": sc["true_positive_pairs"], "pp": sc["pred_dup_pairs"], "gp": sc["gold_dup_pairs"]}
                if n == "clough":
                    cat, task = q.d["category"], q.d["task"]
                    size = collections.Counter(roots)
                    src = {task[x]: x for x in q.ids if x.startswith("orig_task")}
                    cl = [x for x in q.ids if cat[x] in ("cut", "light")]
                    e["clr"] = sum(pred[x] == pred[src[task[x]]] for x in cl) / len(cl)
                    e["non"] = sum(1 for x in q.ids if cat[x] == "non" and size[pred[x]] > 1)
                if n == "seeds":
                    e["ok"] = pred["000"] == pred["001"] and len({pred[x] for x in ("000", "002", "003", "004")}) == 4
                ev[n] = e
            syn = [ev[f"syn{s}"] for s in seeds]
            tp, pp, gp = (sum(e[x] for e in syn) for x in ("tp", "pp", "gp"))
            agg["syn_P"].append(tp / pp if pp else 1.0)
            agg["syn_R"].append(tp / gp)
            agg["cl_R"].append(ev["clough"]["clr"])
            agg["non"].append(ev["clough"]["non"])
            agg["seeds"].append(ev["seeds"]["ok"])
        m = {x: float(np.mean(v)) for x, v in agg.items()}
        syn_ok = float(np.mean([(p >= 0.99) and (rr >= 0.95) for p, rr in zip(agg["syn_P"], agg["syn_R"])]))
        cl_ok = float(np.mean([v >= 0.8 for v in agg["cl_R"]]))
        row = {"num_perm": num_perm, "rows": r, "bands": b, "bytes_per_doc": b * 4 + 20, **m, "P_syn_ok": syn_ok,
               "P_clough_ok": cl_ok, "false_cand_per_1k_docs": 1000 * load / ndocs,
               "off_grid": (num_perm, r) in EXTRA_LSH}
        rows.append(row)
        print(f"  {num_perm:4d} {r:4d} {b:5d} {b * 4 + 20:5d} | {m['syn_P']:.4f} {m['syn_R']:.4f} {syn_ok:6.2f}    | "
              f"{m['cl_R']:.4f}       {cl_ok:5.2f}  {m['non']:.2f}       | {m['seeds']:.2f}     | {1000 * load / ndocs:8.1f}"
              f"{'   (off-grid)' if row['off_grid'] else ''}")
    return rows


# ------------------------------------------------------------------ main


def parse_seeds(s: str) -> list[int]:
    out = []
    for part in s.split(","):
        if "-" in part:
            lo, hi = part.split("-")
            out.extend(range(int(lo), int(hi) + 1))
        else:
            out.append(int(part))
    return out


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seeds", default="1-7")
    ap.add_argument("--no-repeated", action="store_true", help="skip the corpus-learned repeated-line removal")
    ap.add_argument("--cache", default="/tmp/dedup_sweep_cache", help="cache of cleaned texts ('' to disable)")
    ap.add_argument("--choose", help="K,J,C for the margins / LSH part (default: best passing setting)")
    ap.add_argument("--top", type=int, default=12)
    ap.add_argument("--json", help="write all results here")
    args = ap.parse_args(argv)
    seeds = parse_seeds(args.seeds)
    cfg = load_config()
    variants = load_variants(str(cfg.resolve(cfg.dedup.spelling_variants))) if cfg.dedup.spelling_variants else {}
    data = load_datasets(seeds, not args.no_repeated, Path(args.cache) if args.cache else None)
    names = [f"syn{s}" for s in seeds] + ["clough", "seeds"]

    results = []
    prepared: dict[int, dict[str, Prepared]] = {}
    for k in KS:
        prepared[k] = {n: Prepared(n, data[n], variants, k) for n in names}
        for jt, ct in itertools.product(JS, CS):
            ev = {n: prepared[k][n].evaluate(jt, ct) for n in names}
            syn = [ev[f"syn{s}"] for s in seeds]
            tp, pp, gp = (sum(e[x] for e in syn) for x in ("tp", "pred_pairs", "gold_pairs"))
            row = {"k": k, "j": jt, "c": ct,
                   "syn_P": tp / pp if pp else 1.0, "syn_R": tp / gp if gp else 1.0,
                   "syn_P_min": min(e["P"] for e in syn), "syn_R_min": min(e["R"] for e in syn),
                   "syn_FP": pp - tp, "syn_FN": gp - tp,
                   "cl_non_joined": ev["clough"]["non_joined"], "cl_cutlight_R": ev["clough"]["cutlight_recall"],
                   "cl_heavy_joined": ev["clough"]["heavy_joined"], "cl_P": ev["clough"]["P"], "cl_R": ev["clough"]["R"],
                   "seeds_ok": ev["seeds"]["ok"]}
            row["pass_syn"] = row["syn_P"] >= 0.99 and row["syn_R"] >= 0.95
            row["pass_cl"] = row["cl_non_joined"] == 0 and row["cl_cutlight_R"] >= 0.8
            row["pass"] = row["pass_syn"] and row["pass_cl"] and row["seeds_ok"]
            results.append(row)

    # seeds: all pair similarities per k
    print("\n== seeds: J / C per pair (cleaned, folded) ==")
    sp = prepared[KS[0]]["seeds"]
    print("pair        " + "  ".join(f"k={k}: J     C    " for k in KS))
    for p in range(len(sp.i)):
        cells = []
        for k in KS:
            q = prepared[k]["seeds"]
            cells.append(f"{q.J[p]:.3f} {q.C[p]:.3f}")
        print(f"{sp.ids[sp.i[p]]}~{sp.ids[sp.j[p]]}     " + "    ".join(cells))

    def sort_key(r):
        return (not r["pass"], -(r["pass_syn"] + r["pass_cl"] + r["seeds_ok"]),
                -(min(r["syn_P"] - 0.99, 0) + min(r["syn_R"] - 0.95, 0) + min(r["cl_cutlight_R"] - 0.8, 0) - r["cl_non_joined"]),
                -(r["syn_R"] + r["cl_cutlight_R"]), -r["syn_P"])

    results.sort(key=sort_key)
    hdr = ("k", "j", "c", "syn_P", "syn_R", "syn_P_min", "syn_R_min", "syn_FP", "syn_FN", "cl_non_joined", "cl_cutlight_R",
           "cl_heavy_joined", "cl_P", "cl_R", "seeds_ok", "pass")
    print(f"\n== sweep ({len(results)} settings; {sum(r['pass'] for r in results)} pass all) -- best first ==")

    def show(rows):
        print("  ".join(f"{h:>9}" for h in hdr))
        for r in rows:
            print("  ".join(f"{r[h]:>9.4f}" if isinstance(r[h], float) else f"{str(r[h]):>9}" for h in hdr))
    show(results[: args.top])
    for crit in ("pass_syn", "pass_cl", "seeds_ok"):
        print(f"  settings meeting {crit}: {sum(r[crit] for r in results)}")
    print("\n  per k: settings passing syn / clough / seeds / all")
    for k in KS:
        rs = [r for r in results if r["k"] == k]
        print(f"  k={k}: {sum(r['pass_syn'] for r in rs)} / {sum(r['pass_cl'] for r in rs)} / {sum(r['seeds_ok'] for r in rs)} / {sum(r['pass'] for r in rs)}")

    # feasible containment window per k (J test off: with j >= c it is implied by C >= c, since C >= J always)
    print("\n== containment window per k (j disabled; C >= J always, so any j >= c changes nothing) ==")
    print("   k   c_low(prec: syn P>=.99, no clough 'non', seeds apart)   c_high(recall: syn R>=.95, clough cut+light>=.8)")
    windows = {}
    fine = np.round(np.arange(0.20, 0.901, 0.01), 2)
    for k in KS:
        ok_prec, ok_rec = [], []
        for ct in fine:
            ev = {n: prepared[k][n].evaluate(1.01, ct) for n in names}
            syn = [ev[f"syn{s}"] for s in seeds]
            tp, pp, gp = (sum(e[x] for e in syn) for x in ("tp", "pred_pairs", "gold_pairs"))
            if (tp / pp if pp else 1) >= 0.99 and ev["clough"]["non_joined"] == 0 and ev["seeds"]["ok"]:
                ok_prec.append(float(ct))
            if tp / gp >= 0.95 and ev["clough"]["cutlight_recall"] >= 0.8:
                ok_rec.append(float(ct))
        lo = min(ok_prec) if ok_prec else None
        hi = max(ok_rec) if ok_rec else None
        windows[k] = (lo, hi)
        print(f"   {k}   {lo}   {hi}   {'feasible' if lo is not None and hi is not None and lo <= hi else 'EMPTY'}")

    # Pareto front over (syn_P, syn_R, cl_cutlight_R, -cl_non_joined, seeds_ok)
    def vec(r):
        return (r["syn_P"], r["syn_R"], r["cl_cutlight_R"], -r["cl_non_joined"], int(r["seeds_ok"]))
    front = [r for r in results if not any(all(a >= b for a, b in zip(vec(o), vec(r))) and vec(o) != vec(r) for o in results)]
    print(f"\n== Pareto front ({len(front)}) ==")
    show(front)

    if args.choose:
        k, jt, ct = args.choose.split(",")
        chosen = {"k": int(k), "j": float(jt), "c": float(ct)}
    else:
        chosen = results[0]
    k, jt, ct = chosen["k"], chosen["j"], chosen["c"]
    print(f"\n== margins at k={k} j={jt} c={ct} (direct copy pairs; non-copy = different gold cluster,"
          f" clough: pairs with a 'non' answer) ==")
    margins = {}
    for n in names:
        q = prepared[k][n]
        margins[n] = q.margins(jt, ct)
        print(f"  {n:7s} " + "  ".join(f"{a}={v:.3f}" if isinstance(v, float) else f"{a}={v}" for a, v in margins[n].items()))
    # hardest cases
    for n in ["clough", "seeds"] + [f"syn{s}" for s in seeds]:
        q = prepared[k][n]
        passed = (q.J >= jt) | (q.C >= ct)
        fn = np.flatnonzero(q.direct & ~passed)
        fp = np.flatnonzero(~q.same_gold & passed)
        if len(fn) or len(fp):
            print(f"  {n}: missed copy pairs: {[q.describe_pair(p) for p in fn[:6]]}{' ...' if len(fn) > 6 else ''}")
            print(f"  {n}: false pairs: {[q.describe_pair(p) for p in fp[:6]]}{' ...' if len(fp) > 6 else ''}")
    cq = prepared[k]["clough"]
    cat = cq.d["category"]
    heavy = np.array([(cat[cq.ids[a]] == "heavy" and cq.ids[b].startswith("orig_task") and cq.d["task"][cq.ids[a]] == cq.d["task"][cq.ids[b]])
                      or (cat[cq.ids[b]] == "heavy" and cq.ids[a].startswith("orig_task") and cq.d["task"][cq.ids[a]] == cq.d["task"][cq.ids[b]])
                      for a, b in zip(cq.i, cq.j)])
    for lab, msk in (("cut", "cut"), ("light", "light"), ("heavy", "heavy"), ("non", "non")):
        m = np.array([(cq.ids[b].startswith("orig_task") and cat[cq.ids[a]] == msk and cq.d["task"][cq.ids[a]] == cq.d["task"][cq.ids[b]])
                      or (cq.ids[a].startswith("orig_task") and cat[cq.ids[b]] == msk and cq.d["task"][cq.ids[a]] == cq.d["task"][cq.ids[b]])
                      for a, b in zip(cq.i, cq.j)])
        if m.any():
            print(f"  clough {lab:5s} vs own source: J {np.percentile(cq.J[m], [0, 50, 100]).round(3).tolist()} "
                  f"C {np.percentile(cq.C[m], [0, 50, 100]).round(3).tolist()}  (min/median/max)")
    del heavy

    # LSH sizing for the direct copy pairs that pass the thresholds
    pairs_J, real = {}, {}
    syn_J = []
    syn_real = {"folded": [], "pairs": [], "k": k}
    for n in names:
        q = prepared[k][n]
        sel = q.direct & ((q.J >= jt) | (q.C >= ct))
        if n.startswith("syn"):
            syn_J.append(q.J[sel])
            off = len(syn_real["folded"])
            syn_real["folded"].extend(q.folded)
            syn_real["pairs"].extend((off + int(a), off + int(b)) for a, b in zip(q.i[sel], q.j[sel]))
        else:
            pairs_J[n] = q.J[sel]
            real[n] = {"folded": q.folded, "pairs": list(zip(q.i[sel].tolist(), q.j[sel].tolist())), "k": k}
    pairs_J = {"syndication": np.concatenate(syn_J), **pairs_J}
    real["syndication"] = syn_real
    print(f"\n== LSH for k={k} j={jt} c={ct}: expected candidate misses among passing direct copy pairs ==")
    for n, s in pairs_J.items():
        print(f"  {n}: {len(s)} pairs, J min {s.min() if len(s) else float('nan'):.3f}, J<0.3: {int((s < 0.3).sum())}, J<0.5: {int((s < 0.5).sum())}")
    lsh = lsh_table(pairs_J, real, jt)
    print("  perm rows bands bytes fits  thr   floor | " + " | ".join(f"{n}: miss(formula) recall / miss(+floor) / real" for n in pairs_J))
    for row in lsh:
        if row.get("bands") is None:
            print(f"  {row['num_perm']:4d} {row['rows']:4d}   n/a ({row['note']})")
            continue
        cells = []
        for n in pairs_J:
            c = row[n]
            cells.append(f"{c.get('exp_miss', 0):6.2f} {c.get('cand_recall', 1):.4f} / {c.get('exp_miss_with_floor', 0):6.2f} / {c.get('real_miss', '-')}")
        print(f"  {row['num_perm']:4d} {row['rows']:4d} {row['bands']:5d} {row['bytes_per_doc']:5d} {str(row['fits']):5s} "
              f"{row['lsh_threshold']:.3f} {row['est_floor']:.3f} | " + " | ".join(cells))
    e2e = end_to_end(prepared[k], names, seeds, jt, ct)
    out = {"sweep": results, "pareto": front, "chosen": {"k": k, "j": jt, "c": ct}, "margins": margins, "lsh": lsh, "end_to_end": e2e, "c_windows": windows}
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=1, default=float))
    return out


if __name__ == "__main__":
    main()
