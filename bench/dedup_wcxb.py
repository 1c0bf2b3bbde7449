#!/usr/bin/env python3
"""Deduplication quality on the extraction benchmark pages (WCXB dev, ScrapingHub).

    .venv/bin/python bench/dedup_wcxb.py [--only pages,syndication] [--sets wcxb,scrapinghub]
        [--config bench/dedup.toml] [--pages-config FILE] [--seed 7] [--work /tmp/dedup_wcxb] [--max-cases 25] [--json]

Two measurements per set, one backfill at a time
(`cleancorpus backfill INPUT -o OUT --workers 2 --no-prefect [--config ...]`):

pages        "no planted copies": the default config (no --config) over every HTML page of
             the set. Each duplicate reject (exact_duplicate / near_duplicate) is traced to its
             page id (source_uri file name) and to the page of the kept document it was folded
             into (duplicate_of -> documents/ doc_id -> source_uri). The TRUE bodies of the two
             pages (truth/ID.txt) are compared: word 3-grams (lowercase \\w+ tokens), containment
             = |A & B| / min(|A|, |B|), and Jaccard. Containment < 0.4 = false merge (different
             pages); an empty truth text leaves the overlap undefined (reported apart).
syndication  bench/make_syndication.py --seed SEED over the set's truth texts (empty truth files
             are left out: the generator cannot copy an empty text; its 432 site names are cycled
             when more copies are needed), a backfill with --config over docs.jsonl, the predicted
             clustering rebuilt with bench/dedup_quality.py's helpers and scored by /work/shared/bench/dedup/score.py against clusters.jsonl (pairwise P/R/F1,
             ARI). Every predicted pair of docs made from DIFFERENT originals is checked on the
             originals' truth bodies as above; containment < 0.4 = false merge. Every missed
             pair is put down to where it was lost (miss_causes: one side cleaned away, the
             cleaned texts apart, partial overlap, or dedup's representative order), and the
             edits of the copies left apart are counted against all copies.

False merges are listed with ids, similarity, true overlap, snippets and the head of
`cleancorpus why OUT DOC`. Everything is also written to WORK/results.json.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import dedup_quality as dq
import make_syndication

EXTRACTION = Path("/work/shared/bench/extraction")
SETS = {"wcxb": EXTRACTION / "wcxb-dev", "scrapinghub": EXTRACTION / "scrapinghub"}
CLI = str(Path(sys.executable).parent / "cleancorpus")
FALSE_MERGE = 0.4
_TOK = re.compile(r"\w+")


def grams(text: str, k: int = 3) -> set[tuple[str, ...]]:
    toks = [t.lower() for t in _TOK.findall(text or "")]
    return {tuple(toks[i:i + k]) for i in range(len(toks) - k + 1)}


def overlap(a: str, b: str) -> tuple[float | None, float | None]:
    """(containment of the smaller 3-gram set in the larger, Jaccard); None if either is empty."""
    sa, sb = grams(a), grams(b)
    if not sa or not sb:
        return None, None
    inter = len(sa & sb)
    return round(inter / min(len(sa), len(sb)), 3), round(inter / len(sa | sb), 3)


def snippet(text: str, n: int = 220) -> str:
    t = " ".join((text or "").split())
    return t[:n] + ("..." if len(t) > n else "")


def backfill(inputs: list[Path], out: Path, config: Path | None) -> dict:
    if out.exists():
        shutil.rmtree(out)
    cmd = [CLI, "backfill", *map(str, inputs), "-o", str(out), "--workers", "2", "--no-prefect"]
    cmd += ["--config", str(config)] if config else []
    t0 = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True, check=False)
    wall = round(time.perf_counter() - t0, 1)
    (out.parent / f"{out.name}.log").write_text(p.stdout + "\n--- stderr\n" + p.stderr)
    if p.returncode:
        raise SystemExit(f"backfill failed ({p.returncode}): {' '.join(cmd)}\n{p.stderr[-2000:]}")
    return {"cmd": " ".join(cmd), "wall_s": wall}


def code_state() -> str:
    """HEAD plus a hash of the uncommitted changes to tracked files: the code the figures are for."""
    git = ["git", "-C", str(HERE.parent)]
    head = subprocess.run(git + ["rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False).stdout.strip()
    diff = subprocess.run(git + ["diff", "HEAD"], capture_output=True, check=False).stdout
    files = subprocess.run(git + ["diff", "HEAD", "--name-only"], capture_output=True, text=True, check=False).stdout.split()
    return f"{head} + diff sha1 {hashlib.sha1(diff).hexdigest()[:10]} ({', '.join(files) or 'clean'})"


def why(out: Path, doc: str, lines: int) -> list[str]:
    p = subprocess.run([CLI, "why", str(out), doc], capture_output=True, text=True, check=False)
    return (p.stdout or p.stderr).rstrip().splitlines()[:lines]


def page_id(uri: str | None) -> str | None:
    return Path(uri).name.split(".")[0] if uri else None


def read_meta(set_dir: Path) -> dict[str, dict]:
    return {r["id"]: r for r in dq.read_jsonl(set_dir / "meta.jsonl")}


def read_truth(set_dir: Path) -> dict[str, str]:
    return {f.stem: f.read_text(encoding="utf-8") for f in sorted((set_dir / "truth").glob("*.txt"))}


# ------------------------------------------------------------ 1. no planted copies

def eval_pages(name: str, set_dir: Path, work: Path, why_lines: int, config: Path | None = None) -> dict:
    out = work / f"{name}-pages.out"
    run = backfill([set_dir / "html"], out, config.resolve() if config else None)
    docs, rejects = dq.read_table(out / "documents"), dq.read_table(out / "rejects")
    by_doc = {d["doc_id"]: d for d in docs}
    meta, truth = read_meta(set_dir), read_truth(set_dir)
    merges = []
    for r in rejects:
        if r["reason"] not in dq.DUP_REASONS:
            continue
        a = page_id(r["source_uri"])
        kept = by_doc.get(r["duplicate_of"])
        b = page_id(kept["source_uri"]) if kept else None
        c, j = overlap(truth.get(a, ""), truth.get(b, "")) if b else (None, None)
        merges.append({"dropped": a, "kept": b, "page_types": [meta.get(x, {}).get("page_type") for x in (a, b)],
                       "kept_clean_words": kept["n_words"] if kept else None,
                       "reason": r["reason"], "similarity": r["similarity"],
                       "true_containment": c, "true_jaccard": j, "doc_id": r["doc_id"],
                       "duplicate_of": r["duplicate_of"]})
    merges.sort(key=lambda m: (m["true_containment"] is not None, m["true_containment"] or 0))
    flagged = [m for m in merges if m["true_containment"] is None or m["true_containment"] < FALSE_MERGE]
    for m in flagged:
        for side in ("dropped", "kept"):
            i = m[side]
            m[side + "_info"] = {"url": meta.get(i, {}).get("url"), "page_type": meta.get(i, {}).get("page_type"),
                                 "truth_words": len(truth.get(i, "").split()), "truth": snippet(truth.get(i, ""))}
        m["why"] = why(out, m["doc_id"], why_lines)
    urls: dict[str, list[str]] = {}
    for i, r in meta.items():
        if r.get("url"):  # four WCXB pages have an empty url
            urls.setdefault(r["url"], []).append(i)
    return {"run": run, "pages": len(meta), "kept": len(docs), "rejects": len(rejects),
            "dup_rejects": len(merges),
            "false_merges": sum(m["true_containment"] is not None and m["true_containment"] < FALSE_MERGE
                                for m in merges),
            "undefined_empty_truth": sum(m["true_containment"] is None for m in merges),
            "all_dup_rejects": [{k: m[k] for k in ("dropped", "kept", "page_types", "reason", "similarity",
                                                   "true_containment", "true_jaccard", "kept_clean_words")}
                                for m in merges],
            "flagged": flagged, "meta_shared_urls": [v for v in urls.values() if len(v) > 1]}


# ------------------------------------------------------------ 2. syndication set

class CyclingSites(make_syndication.SiteFactory):
    """make_syndication has 24 x 18 = 432 site names, fewer than WCXB needs copies: reuse them
    in the same shuffled order (domains stay distinct; same rng draws, so a set that needs at most
    432 copies comes out byte-identical)."""

    def __init__(self, rng) -> None:
        super().__init__(rng)
        self.names = self.names * 8

def eval_syndication(name: str, set_dir: Path, work: Path, config: Path, seed: int,
                     max_cases: int, why_lines: int) -> dict:
    truth = read_truth(set_dir)
    src = work / f"{name}-truth"  # the generator reads SRC/truth/*.txt and SRC/meta.jsonl
    if src.exists():
        shutil.rmtree(src)
    (src / "truth").mkdir(parents=True)
    shutil.copyfile(set_dir / "meta.jsonl", src / "meta.jsonl")
    empty = sorted(i for i, t in truth.items() if not t.strip())
    for i, t in truth.items():
        if t.strip():
            shutil.copyfile(set_dir / "truth" / f"{i}.txt", src / "truth" / f"{i}.txt")
    gen = work / f"{name}-syndication"
    gen_cmd = f"{sys.executable} {HERE / 'make_syndication.py'} --truth {src / 'truth'} --out {gen} --seed {seed}  (in-process, site names cycled)"
    make_syndication.SiteFactory = CyclingSites
    make_syndication.main(["--truth", str(src / "truth"), "--out", str(gen), "--seed", str(seed)])
    docs = dq.read_jsonl(gen / "docs.jsonl")
    clusters = dq.read_jsonl(gen / "clusters.jsonl")
    before = (gen / "docs.jsonl").read_bytes()
    index = dq.SourceIndex()
    index.add_jsonl(gen / "docs.jsonl", docs)  # rewrites the same bytes, records the offsets
    assert (gen / "docs.jsonl").read_bytes() == before, "docs.jsonl changed"
    index.urls = {}  # WCXB has pages sharing a URL: map by source_record ("line:N") instead
    out = work / f"{name}-syndication.out"
    run = backfill([gen / "docs.jsonl"], out, config)
    res = dq.rebuild_clusters(out, index)
    pred, gold = res["pred"], {c["id"]: c["cluster"] for c in clusters}
    sc = dq.score(gen / "clusters.jsonl", "cluster", pred, work, f"{name}-syndication")
    score_cmd = (f"{sys.executable} {dq.SCORER} --clusters {gen / 'clusters.jsonl'} "
                 f"--pred {work / (name + '-syndication.pred.jsonl')}")
    missed, wrong = dq.pair_errors(gold, pred)
    text = {d["id"]: d["text"] for d in docs}
    # check the line mapping on the URLs; rejects' doc_ids for `cleancorpus why`
    rej_doc, url_mismatch = {}, 0
    for table in ("documents", "rejects"):
        for r in dq.read_table(out / table):
            d = docs[int(str(r["source_record"]).split(":")[1]) - 1]
            url_mismatch += r.get("url") is not None and r["url"] != d["url"]
            if table == "rejects":
                rej_doc[d["id"]] = r["doc_id"]
    wrong_rows, false = [], []
    for a, b in wrong:
        c, j = overlap(truth[gold[a]], truth[gold[b]])
        row = {"a": a, "b": b, "orig_a": gold[a], "orig_b": gold[b], "true_containment": c, "true_jaccard": j}
        wrong_rows.append(dict(row))
        if c is not None and c < FALSE_MERGE:
            false.append(row)
    explained = set()
    for row in false[:max_cases]:
        for s in ("a", "b"):
            i = row[s]
            d = res["dup_rejects"].get(i)
            row[s + "_status"] = (f"{d['reason']} of {d['of']} sim {d['similarity']}" if d else
                                  f"kept ({res['kept'][i]['n_words']} words cleaned)" if i in res["kept"]
                                  else res["other_rejects"].get(i))
            row[s + "_input_words"] = len(text[i].split())
            row[s + "_text"] = snippet(text[i])
            row[s + "_orig_truth"] = snippet(truth[gold[i]])
            if d and i in rej_doc and i not in explained:  # `why` once per dropped doc
                explained.add(i)
                row[s + "_why"] = why(out, rej_doc[i], why_lines)
    n_orig = sum(c["category"] == "original" for c in clusters)
    causes = miss_causes(out, docs, gold, res, missed, config)
    return {"miss_causes": causes, "transforms_of_missed": transforms_of_missed(clusters, missed, res),
            "gen_cmd": gen_cmd, "run": run, "score_cmd": score_cmd, "scores": sc,
            "docs": len(docs), "originals": n_orig, "copies": sum(c["category"] == "copy" for c in clusters),
            "empty_truth_left_out": empty, "kept": res["n_documents"], "reject_reasons": res["reject_reasons"],
            "missed_pairs": len(missed), "wrong_pairs": len(wrong), "false_merges": len(false),
            "wrong_pairs_truth_overlap": sorted(wrong_rows, key=lambda r: r["true_containment"] or 0),
            "false_merge_cases": false[:max_cases], "problems": res["problems"], "mapping": res["mapping"], "url_mismatch": url_mismatch}


def miss_causes(out: Path, docs: list[dict], gold: dict[str, str], res: dict, missed: list[tuple[str, str]],
                config: Path) -> dict:
    """Each missed pair by where it was lost, on the texts dedup compared (the cleaned ones, as the
    pipeline views, folds and shingles them):

    cleaned_away   one side was rejected before dedup (e.g. all_boilerplate): nothing to compare
    cleaned_apart  the two cleaned texts share under 10% of the smaller one's shingles: the
                   cleaner kept different parts of the same body
    partial        they share more, but neither is confirmed a duplicate of the other (the
                   numbers: Jaccard, each side's share in the other, sizes, whole-text shares)
    order          one is confirmed a duplicate of the other, yet each joined a different
                   representative: dedup's no-chains, directional rule (a copy joins only a
                   representative that holds most of its own text)
    """
    from cleancorpus.pipeline.config import load_config
    from cleancorpus.pipeline.dedup.compare import confirm
    from cleancorpus.pipeline.dedup.signatures import jaccard_containment
    from cleancorpus.pipeline.run.deduplicate import compared_from_text
    from cleancorpus.pipeline.run.process import variants_for

    cfg = load_config(config)
    variants = variants_for(cfg)
    dropped = {r["doc_id"]: r["text"] for r in dq.read_table(out / "state" / "dedup_texts")}
    row_of: dict[str, dict] = {}
    for table in ("documents", "rejects"):
        for r in dq.read_table(out / table):
            row_of[docs[int(str(r["source_record"]).split(":")[1]) - 1]["id"]] = dict(r, table=table)
    sets: dict[str, object] = {}

    def compared(i: str) -> object:
        if i not in sets:
            r = row_of[i]
            text = r["text"] if r["table"] == "documents" else dropped.get(r["doc_id"], "")
            sets[i] = compared_from_text(text or "", cfg, variants, r.get("domain"), r.get("title"))
        return sets[i]

    counts: dict[str, int] = {k: 0 for k in ("cleaned_away", "cleaned_apart", "partial", "order")}
    cases: list[dict] = []
    for a, b in missed:
        gone = [f"{i} {res['other_rejects'][i]['reason']}" for i in (a, b) if i in res["other_rejects"]]
        if gone:
            counts["cleaned_away"] += 1
            cases.append({"a": a, "b": b, "cause": "cleaned_away", "detail": ", ".join(gone)})
            continue
        x, y = compared(a), compared(b)
        j, c = jaccard_containment(x.shingles, y.shingles)
        shared = c * min(len(x.shingles), len(y.shingles))
        detail = (f"J {j:.2f}, {a} in {b} {shared / max(len(x.shingles), 1):.2f}, {b} in {a} "
                  f"{shared / max(len(y.shingles), 1):.2f}; shingles {len(x.shingles)}/{len(y.shingles)}, "
                  f"whole-text shares {x.view_share:.2f}/{y.view_share:.2f}")
        cause = ("order" if confirm(x, y, cfg.dedup) is not None or confirm(y, x, cfg.dedup) is not None
                 else "cleaned_apart" if c < 0.1 else "partial")
        counts[cause] += 1
        cases.append({"a": a, "b": b, "cause": cause, "detail": detail})
    return {"counts": counts, "cases": cases}


def transforms_of_missed(clusters: list[dict], missed: list[tuple[str, str]],
                         res: dict) -> dict[str, tuple[int, int, int, int]]:
    """How often each edit of make_syndication appears among the copies that ended apart from
    their original, against all copies: an edit far more common among them points at what the
    cleaning or dedup does not withstand."""
    copy = {c["id"]: c for c in clusters if c["category"] == "copy"}
    apart = {i for p in missed for i in p if i in copy and res["pred"].get(i) != res["pred"].get(copy[i]["cluster"])}
    out = {}
    for t in ("truncate", "drop", "readmore", "header", "headline", "footer", "spelling", "quotes"):
        def has(i: str, t: str = t) -> bool:
            return any(x.split(":")[0] == t for x in copy[i]["transforms"])
        out[t] = (sum(map(has, apart)), len(apart), sum(map(has, copy)), len(copy))
    return out


# ------------------------------------------------------------------ report

def report(results: dict, max_cases: int = 25) -> None:
    for key, r in results.items():
        print(f"\n=== {key}")
        print(f"  backfill {r['run']['wall_s']} s: {r['run']['cmd']}")
        if key.endswith("pages"):
            print(f"  pages {r['pages']}, kept {r['kept']}, rejects {r['rejects']}, duplicate rejects "
                  f"{r['dup_rejects']}, false merges (true containment < {FALSE_MERGE}) {r['false_merges']}, "
                  f"undefined (empty truth) {r['undefined_empty_truth']}")
            print(f"  ids sharing a URL in meta.jsonl: {r['meta_shared_urls']}")
            for m in r["all_dup_rejects"]:
                print(f"    {json.dumps(m)}")
            for m in r["flagged"]:
                print(f"  --- flagged: {m['dropped']} -> {m['kept']} ({m['reason']}, sim {m['similarity']}, "
                      f"true C {m['true_containment']} J {m['true_jaccard']})")
                for s in ("dropped", "kept"):
                    print(f"    {s}: {json.dumps(m[s + '_info'], ensure_ascii=False)}")
                print("    " + "\n    ".join(m["why"]))
        else:
            s = r["scores"]
            print(f"  generate: {r['gen_cmd']}\n  score:    {r['score_cmd']}")
            print(f"  docs {r['docs']} ({r['originals']} originals, {r['copies']} copies; empty truth left out: "
                  f"{len(r['empty_truth_left_out'])}), kept {r['kept']}, rejects {r['reject_reasons']}")
            print(f"  P={s['pairwise_precision']:.4f} R={s['pairwise_recall']:.4f} F1={s['pairwise_f1']:.4f} "
                  f"ARI={s['ari']:.4f}  gold pairs {s['gold_dup_pairs']}, predicted {s['pred_dup_pairs']}, "
                  f"tp {s['true_positive_pairs']}")
            print(f"  missed pairs {r['missed_pairs']}, wrongly merged pairs {r['wrong_pairs']}, of which false "
                  f"merges (originals' true containment < {FALSE_MERGE}) {r['false_merges']}")
            print(f"  mapping {r['mapping']}, rows whose url differs from the mapped doc's {r['url_mismatch']}, "
                  f"problems {r['problems']}")
            mc = r["miss_causes"]
            print(f"  missed pairs by cause: {mc['counts']}")
            for c in [c for c in mc["cases"] if c["cause"] != "cleaned_away"][:max_cases]:
                print(f"    {c['cause']:13s} {c['a']} + {c['b']}: {c['detail']}")
            print("  edits of the copies left apart from their original, against all copies: " + ", ".join(
                f"{t} {n}/{m} vs {a}/{b}" for t, (n, m, a, b) in r["transforms_of_missed"].items()))
            for w in r["wrong_pairs_truth_overlap"]:
                print(f"    {json.dumps(w)}")
            for c in r["false_merge_cases"]:
                print(f"  --- false merge {c['a']} + {c['b']} (true C {c['true_containment']} J {c['true_jaccard']})")
                for k, v in c.items():
                    if k[:2] in ("a_", "b_") and not k.endswith("_why"):
                        print(f"    {k}: {v}")
                for k in ("a_why", "b_why"):
                    if k in c:
                        print("    " + "\n    ".join(c[k]))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", default="pages,syndication")
    ap.add_argument("--sets", default="wcxb,scrapinghub")
    ap.add_argument("--config", type=Path, default=HERE / "dedup.toml", help="config for the syndication runs")
    ap.add_argument("--pages-config", type=Path, default=None,
                    help="config for the pages runs (default: none, the defaults), to try a setting there too")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--work", type=Path, default=Path("/tmp/dedup_wcxb"))
    ap.add_argument("--max-cases", type=int, default=25)
    ap.add_argument("--why-lines", type=int, default=40)
    ap.add_argument("--json", action="store_true", help="print the results as JSON instead of the report")
    args = ap.parse_args(argv)
    work = args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    results: dict[str, dict] = {}
    state = code_state()
    print(f"code: {state}", file=sys.stderr)
    for name in args.sets.split(","):
        for what in args.only.split(","):
            if what == "pages":
                results[f"{name} pages"] = eval_pages(name, SETS[name], work, args.why_lines, args.pages_config)
            elif what == "syndication":
                results[f"{name} syndication"] = eval_syndication(name, SETS[name], work, args.config.resolve(),
                                                                  args.seed, args.max_cases, args.why_lines)
            else:
                raise SystemExit(f"unknown measurement {what}")
            if not args.json:
                report({f"{name} {what}": results[f"{name} {what}"]}, args.max_cases)
                sys.stdout.flush()
    if code_state() != state:
        print(f"WARNING: the code changed during the measurement, now {code_state()}", file=sys.stderr)
    results["code"] = {"state": state, "unchanged_during_run": code_state() == state}
    (work / "results.json").write_text(json.dumps(results, ensure_ascii=False, indent=1, default=str))
    if args.json:
        print(json.dumps(results, ensure_ascii=False, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
