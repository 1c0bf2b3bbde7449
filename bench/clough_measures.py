#!/usr/bin/env python3
"""Issue #15, second look: do the measures plagiarism detection uses separate Clough's cut and
light revisions (joined with their Wikipedia source) from its independent answers?

    .venv/bin/python bench/dedup_quality.py --only clough --keep /tmp/clough
    .venv/bin/python bench/clough_measures.py /tmp/clough [--web] [--json FILE]

Texts: "raw" is what the user gave (clough.jsonl), "clean" the pipeline's cleaned text of the
same document (the `[dedup] enabled = false` run the quality bench keeps: every document, with
its `removed` lines), "view" the article view of the clean text dedup compares (view.py). All
are folded with the pipeline's fold() and split into words.

Measures of x against y (directional: how much of x is in y):
  uni      word-type containment |W(x) & W(y)| / |W(x)|
  bi, tri  word 2-gram / 3-gram set containment
  lcs      longest common subsequence of words / len(x)  (bit-parallel, exact)
  gstK     Greedy String Tiling: share of x's words in tiles (maximal common runs, each word
           in one tile on either side) of at least K words, K = 3, 5, 8
  sentU/B  share of x's sentences with a near match in y: some sentence of y holds >= 70% of
           its word types (U) / >= 50% of its word 2-grams (B)

Pairs: "copy" = each cut/light answer with its task's source (38); "non" = each independent
answer with every other document of its task (the source and the 19 other answers), both ways
round, since dedup may drop either. A pair's score is the larger direction (either document could
be the one dropped): the measure a symmetric rule would see. For each measure: the highest non
score, and the cut+light pairs above it (recall at 0 independent merges); then leave-one-task-out:
the threshold just above the highest non score of 4 tasks, applied to the 5th (copies joined /
independent answers merged in the held-out task); then every OR of 1-3 measures the same way, the
sentence alignment's threshold window, and its match parameters (n-grams of 1 or 2 words, a share
of 0.5-0.9 of them in one sentence): is 0.7 of words a lucky choice? With --web, different pages
of the extraction sets scored on all of these against their Clough bars (web_check).
Also: what cleaning removed from each document (is the compared text what the user gave?).
"""
from __future__ import annotations

import argparse
import collections
import itertools
import json
import re
import sys
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import dedup_quality as dq  # noqa: E402

from cleancorpus.pipeline.config import load_config  # noqa: E402
from cleancorpus.pipeline.dedup.signatures import fold  # noqa: E402
from cleancorpus.pipeline.dedup.view import article_view  # noqa: E402
from cleancorpus.pipeline.run.process import variants_for  # noqa: E402

SENT = re.compile(r"(?<=[.!?;:])\s+|\n\s*\n")


def ngrams(w: list[str], n: int) -> set:
    return set(zip(*(w[i:] for i in range(n)))) if len(w) >= n else set()


def contain(a: set, b: set) -> float:
    return len(a & b) / len(a) if a else 0.0


def lcs(a: list[str], b: list[str]) -> int:
    """Length of the longest common subsequence (Hyyro's bit-parallel algorithm over a)."""
    if not a or not b:
        return 0
    pm: dict[str, int] = {}
    for i, t in enumerate(a):
        pm[t] = pm.get(t, 0) | (1 << i)
    full = (1 << len(a)) - 1
    v = full
    for t in b:
        m = pm.get(t, 0)
        v = ((v + (v & m)) | (v & ~m)) & full
    return len(a) - bin(v).count("1")


def gst(a: list[str], b: list[str], k: int) -> tuple[int, int]:
    """Greedy String Tiling (Wise): words of a and of b covered by tiles of >= k words."""
    if len(a) < k or len(b) < k:
        return 0, 0
    vocab = {t: i for i, t in enumerate(set(a) | set(b))}
    x = np.array([vocab[t] for t in a])
    y = np.array([vocab[t] for t in b])
    eq = x[:, None] == y[None, :]
    ma = np.zeros(len(x), bool)
    mb = np.zeros(len(y), bool)
    while True:
        e = eq & ~ma[:, None] & ~mb[None, :]
        L = np.zeros((len(x) + 1, len(y) + 1), np.int32)
        for i in range(len(x)):
            L[i + 1, 1:] = (L[i, :-1] + 1) * e[i]
        top = int(L.max())
        if top < k:
            break
        # every maximal match of that length that does not overlap a tile laid in this pass
        for i, j in zip(*np.nonzero(L == top)):
            s, t = i - top, j - top  # L is offset by one
            if not ma[s:i].any() and not mb[t:j].any():
                ma[s:i] = True
                mb[t:j] = True
    return int(ma.sum()), int(mb.sum())


def sentences(text: str, variants) -> list[list[str]]:
    out = []
    for s in SENT.split(text):
        w = fold(s, variants).split()
        if len(w) >= 3:
            out.append(w)
    return out


def sent_share(sx: list[list[str]], sy: list[list[str]], n: int, th: float) -> float:
    """Share of sx's sentences with some sentence of sy holding at least th of its n-grams."""
    if not sx:
        return 0.0
    where: dict = collections.defaultdict(set)
    for j, t in enumerate(sy):
        for g in ngrams(t, n):
            where[g].add(j)
    hit = 0
    for s in sx:
        g = ngrams(s, n)
        count = collections.Counter(j for x in g for j in where.get(x, ()))
        if g and count and max(count.values()) >= th * len(g):
            hit += 1
    return hit / len(sx)


SENT_VARIANTS = [(n, share) for n in (1, 2) for share in (0.5, 0.6, 0.7, 0.8, 0.9)]
MEASURES = ["uni", "bi", "tri", "lcs", "gst3", "gst5", "gst8", "sentU", "sentB"]


def measures(a: dict, b: dict, order_from: float = 0.0) -> dict[str, tuple[float, float]]:
    """Each measure as (a in b, b in a); the order measures (lcs, gst) only when the 2-gram
    containment reaches order_from either way (0 elsewhere), as they cost a DP each."""
    wa, wb = a["w"], b["w"]
    out = {}
    for name, n in (("uni", 1), ("bi", 2), ("tri", 3)):
        ga, gb = a[name], b[name]
        inter = len(ga & gb)
        out[name] = (inter / len(ga) if ga else 0.0, inter / len(gb) if gb else 0.0)
    if max(out["bi"]) < order_from:
        out.update({m: (0.0, 0.0) for m in ("lcs", "gst3", "gst5", "gst8")})
        out["sentU"] = (sent_share(a["s"], b["s"], 1, 0.7), sent_share(b["s"], a["s"], 1, 0.7))
        out["sentB"] = (sent_share(a["s"], b["s"], 2, 0.5), sent_share(b["s"], a["s"], 2, 0.5))
        return out
    c = lcs(wa, wb)
    out["lcs"] = (c / max(len(wa), 1), c / max(len(wb), 1))
    for k in (3, 5, 8):
        ca, cb = gst(wa, wb, k)
        out[f"gst{k}"] = (ca / max(len(wa), 1), cb / max(len(wb), 1))
    out["sentU"] = (sent_share(a["s"], b["s"], 1, 0.7), sent_share(b["s"], a["s"], 1, 0.7))
    out["sentB"] = (sent_share(a["s"], b["s"], 2, 0.5), sent_share(b["s"], a["s"], 2, 0.5))
    return out


def prepare(text: str, variants) -> dict:
    w = fold(text, variants).split()
    return {"w": w, "uni": set(w), "bi": ngrams(w, 2), "tri": ngrams(w, 3), "s": sentences(text, variants)}


def web_check(bar: dict[str, float], sent_bars: dict, variants) -> None:
    """Different pages of the extraction sets (truth bodies, another site, sharing >= 3 word
    4-grams that at most 50 pages hold, true 3-gram containment < 0.4: what dedup_wcxb.py counts
    as a false merge): which reach the raw-text Clough bar (the highest independent pair) of a
    measure? Same-site pairs are left out: dedup compares them by Jaccard and title only. LCS and
    GST only where the 2-gram containment reaches 0.2 either way (every bar but uni's is above it)."""
    import dedup_wcxb as dw
    print("\n== web pages of different content (truth bodies, other sites) at or above the raw Clough bar")
    print("   bar: " + " ".join(f"{m} {v:.3f}" for m, v in bar.items()))
    for name, set_dir in dw.SETS.items():
        texts = {q.stem: q.read_text() for q in sorted((set_dir / "truth").glob("*.txt"))}
        texts = {k: v for k, v in texts.items() if v.strip()}
        site = {r["id"]: urlsplit(r.get("url") or "").netloc.removeprefix("www.")
                for r in dq.read_jsonl(set_dir / "meta.jsonl")}
        held: dict = collections.defaultdict(set)
        for k, v in texts.items():
            for g in ngrams(fold(v, variants).split(), 4):
                held[g].add(k)
        shared = collections.Counter(p for ds in held.values() if 2 <= len(ds) <= 50
                                     for p in itertools.combinations(sorted(ds), 2))
        pairs = [p for p, c in shared.items() if c >= 3 and site.get(p[0]) != site.get(p[1])
                 and (dw.overlap(texts[p[0]], texts[p[1]])[0] or 0.0) < dw.FALSE_MERGE]
        prep = {k: prepare(texts[k], variants) for k in {x for p in pairs for x in p}}
        over: dict = collections.defaultdict(list)
        for p in pairs:
            sc = measures(prep[p[0]], prep[p[1]], order_from=0.2)
            for m in MEASURES:
                if max(sc[m]) > bar[m]:
                    over[m].append((round(max(sc[m]), 3), p[0][:10], p[1][:10]))
        for p in pairs:
            for (n, share), b in sent_bars.items():
                sa, sb = prep[p[0]]["s"], prep[p[1]]["s"]
                v = max(sent_share(sa, sb, n, share), sent_share(sb, sa, n, share))
                if v > b:
                    over[f"sent {n}-gram {share}"].append((round(v, 3), p[0][:10], p[1][:10]))
        print(f"  {name}: {len(texts)} pages, {len(pairs)} cross-site pairs of different pages sharing text")
        for m in MEASURES + [f"sent {n}-gram {share}" for n, share in sent_bars]:
            top = sorted(over[m], reverse=True)[:3]
            print(f"    {m:6} {len(over[m]):4} pairs above the bar  {top}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("work", type=Path, help="the --keep dir of `dedup_quality.py --only clough`")
    ap.add_argument("--config", type=Path, default=HERE / "dedup.toml")
    ap.add_argument("--json", type=Path, help="write every pair's scores here")
    ap.add_argument("--web", action="store_true", help="also score different pages of the extraction sets' truth "
                    "texts (ScrapingHub, WCXB dev) on every measure, against the Clough thresholds")
    a = ap.parse_args(argv)
    cfg = load_config(a.config)
    variants = variants_for(cfg)
    recs = [json.loads(line) for line in (a.work / "clough.jsonl").open()]
    order = [r["id"] for r in recs]
    raw = {r["id"]: r["text"] for r in recs}
    meta = {r["id"]: r for r in dq.read_jsonl(dq.CLOUGH / "clusters.jsonl")}
    clean, removed = {}, {}
    for r in dq.read_table(a.work / "clough.nodedup.out" / "documents"):
        i = order[int(str(r["source_record"]).split(":")[1]) - 1]
        clean[i] = r["text"]
        removed[i] = r["removed"] or []
    missing = sorted(set(raw) - set(clean))
    task = {i: i.split("_")[1] for i in raw}
    cat = {i: "orig" if i.startswith("orig") else meta[i]["category"] for i in raw}

    print("== what cleaning removed (raw words -> clean words, rules), documents losing any line")
    for i in sorted(clean, key=lambda i: len(clean[i].split()) / len(raw[i].split())):
        if not removed[i]:
            continue
        rules = collections.Counter(r["rule"].split(":")[0] for r in removed[i])
        print(f"  {i:12} {cat[i]:5} {len(raw[i].split()):4} -> {len(clean[i].split()):4}  {dict(rules)}")
    print(f"  not in the no-dedup output: {missing}")
    copy_removed = sum(1 for i in clean if cat[i] in ("cut", "light", "orig") and removed[i])
    print(f"  cut/light/source documents with a removed line: {copy_removed}/43")

    texts = {"raw": raw, "clean": {i: clean.get(i, "") for i in raw},
             "view": {i: article_view(clean.get(i, "")) for i in raw}}
    copies = [(i, f"orig_{task[i]}") for i in sorted(raw) if cat[i] in ("cut", "light")]
    heavy = [(i, f"orig_{task[i]}") for i in sorted(raw) if cat[i] == "heavy"]
    nons = sorted({tuple(sorted((x, y))) for x in raw if cat[x] == "non" for y in raw if y != x and task[y] == task[x]})
    dump: dict = {}
    results: dict = {}
    for kind, tx in texts.items():
        prep = {i: prepare(t, variants) for i, t in tx.items()}
        score = {p: measures(prep[p[0]], prep[p[1]]) for p in copies + heavy + nons}
        dump[kind] = {f"{x}|{y}": v for (x, y), v in score.items()}
        print(f"\n== {kind} texts: measure, highest non pair (both ways), cut+light above it /38 "
              f"(answer-in-source direction only), heavy above it /19, leave-one-task-out")
        res = {}
        for m in MEASURES:
            def sym(p):
                return max(score[p][m])

            def worst(pairs):
                return max(pairs, key=sym)

            wn = worst(nons)
            top = sym(wn)
            got = sum(sym(p) > top for p in copies)
            got_dir = sum(score[p][m][0] > top for p in copies)
            hv = sum(sym(p) > top for p in heavy)
            # leave one task out: threshold above the 4 others' highest non pair
            loto = []
            for t in sorted(set(task.values())):
                th = max(sym(p) for p in nons if task[p[0]] != t)
                cj = sum(sym(p) > th for p in copies if task[p[0]] == t)
                nc = sum(1 for p in copies if task[p[0]] == t)
                nm = {x for p in nons if task[p[0]] == t and sym(p) > th for x in p if cat[x] == "non"}
                loto.append((t, round(th, 3), f"{cj}/{nc}", len(nm)))
            cj_all = sum(int(x[2].split("/")[0]) for x in loto)
            nm_all = sum(x[3] for x in loto)
            copy_vals = sorted(sym(p) for p in copies)
            res[m] = {"non_max": round(top, 3), "non_pair": wn, "copies_above": got, "copies_above_dir": got_dir,
                      "heavy_above": hv, "loto": loto, "loto_copies": cj_all, "loto_non_merged": nm_all,
                      "copy_min": round(copy_vals[0], 3), "copy_median": round(copy_vals[len(copy_vals) // 2], 3)}
            print(f"  {m:6} non max {top:.3f} ({wn[0]}~{wn[1]}: {score[wn][m][0]:.2f}/{score[wn][m][1]:.2f})"
                  f"  cut+light {got}/38 (dir {got_dir})  heavy {hv}/19  copies min/median "
                  f"{copy_vals[0]:.2f}/{copy_vals[len(copy_vals) // 2]:.2f}  held-out: {cj_all}/38 joined, "
                  f"{nm_all} independent merged  {[(t, th, c, n) for t, th, c, n in loto]}")
        # the independent pairs that set the bar: the top 3 for a few measures
        for m in ("bi", "lcs", "gst5", "sentB"):
            tops = sorted(nons, key=lambda p: -max(score[p][m]))[:3]
            print(f"  top non pairs by {m}: " + "; ".join(
                f"{x}({cat[x]})~{y}({cat[y]}) {score[(x, y)][m][0]:.2f}/{score[(x, y)][m][1]:.2f}" for x, y in tops))
        results[kind] = res
    # OR of 1-3 measures, each at its own highest independent pair: zero merges by construction
    # in-sample, so only the held-out check says anything (129 rules, chosen on the 5 tasks)
    tasks = sorted(set(task.values()))
    print("\n== OR of 1-3 measures, each threshold just above its highest non pair")
    combos = [c for r in (1, 2, 3) for c in itertools.combinations(MEASURES, r)]
    for kind in texts:
        sc = {tuple(k.split("|")): {m: max(v[m]) for m in MEASURES} for k, v in dump[kind].items()}

        def run(combo, train, test):
            th = {m: max(sc[p][m] for p in nons if task[p[0]] in train) for m in combo}
            joined = sum(any(sc[p][m] > th[m] for m in combo) for p in copies if task[p[0]] in test)
            merged = {x for p in nons if task[p[0]] in test and any(sc[p][m] > th[m] for m in combo)
                      for x in p if cat[x] == "non"}
            return joined, len(merged)

        rows = []
        for combo in combos:
            ins = run(combo, tasks, tasks)[0]
            held = [run(combo, [t for t in tasks if t != u], [u]) for u in tasks]
            rows.append((ins, sum(j for j, _ in held), sum(n for _, n in held), "+".join(combo)))
        top = max(rows)
        fewest = min(r[2] for r in rows)
        best_held = max((r for r in rows if r[2] == fewest), key=lambda r: (r[1], r[0]))
        zero = [r for r in rows if r[2] == 0]
        print(f"  {kind:5}: best in-sample {top[3]} {top[0]}/38 (held out: {top[1]}/38 joined, {top[2]} merged); "
              f"fewest held-out merges {fewest} ({best_held[3]}: {best_held[1]}/38 joined); "
              f"rules merging none held out: {len(zero)}"
              + (f", best {max(zero)[3]} {max(zero)[1]}/38" if zero else ""))
        results[kind]["or_rules"] = {"best_in_sample": top, "fewest_held_out_merges": best_held, "zero_held_out": len(zero)}
    # the best measure's threshold window: where >= 0.8 holds with no independent answer merged
    print("\n== sentence alignment by threshold (score >= t): cut+light joined /38, independent answers merged")
    for kind in texts:
        for m in ("sentU", "sentB"):
            sc = {tuple(k.split("|")): max(v[m]) for k, v in dump[kind].items()}
            cells = []
            for th in (0.35, 0.4, 0.45, 0.5, 0.55, 0.6):
                merged = {x for p in nons if sc[p] >= th for x in p if cat[x] == "non"}
                cells.append(f"{th}: {sum(sc[p] >= th for p in copies)} / {len(merged)}")
            print(f"  {kind:5} {m}: " + "  ".join(cells))
    # the sentence alignment's own parameters: does another match rule separate them?
    print("\n== sentence alignment by match rule (n-gram, share in one sentence): bar = highest non pair, "
          "cut+light above it /38, held out (choose on 4 tasks) joined / independent merged")
    variant_bars: dict = {}
    for kind in ("raw", "clean"):
        sents = {i: sentences(t, variants) for i, t in texts[kind].items()}
        for n, share in SENT_VARIANTS:
            def sc(p, n=n, share=share):
                return max(sent_share(sents[p[0]], sents[p[1]], n, share), sent_share(sents[p[1]], sents[p[0]], n, share))
            cs, ns = {p: sc(p) for p in copies}, {p: sc(p) for p in nons}
            bar = max(ns.values())
            held_j = held_n = 0
            for u in tasks:
                b = max(v for p, v in ns.items() if task[p[0]] != u)
                held_j += sum(v > b for p, v in cs.items() if task[p[0]] == u)
                held_n += len({x for p, v in ns.items() if task[p[0]] == u and v > b for x in p if cat[x] == "non"})
            if kind == "raw":
                variant_bars[(n, share)] = bar
            print(f"  {kind:5} {n}-gram {share}: bar {bar:.3f}  {sum(v > bar for v in cs.values())}/38  "
                  f"held out {held_j}/38, {held_n} merged")
    # copies that no measure joins on raw text: what are they?
    print("\n== cut/light answers below the highest non pair on every raw measure")
    for p in copies:
        s = dump["raw"][f"{p[0]}|{p[1]}"]
        if all(max(s[m]) <= results["raw"][m]["non_max"] for m in MEASURES):
            print(f"  {p[0]:12} {cat[p[0]]:5} " + " ".join(f"{m} {s[m][0]:.2f}" for m in MEASURES))
    if a.web:
        web_check({m: results["raw"][m]["non_max"] for m in MEASURES}, variant_bars, variants)
    if a.json:
        a.json.write_text(json.dumps({"results": results, "pairs": dump}, indent=1, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
