#!/usr/bin/env python3
"""Near-duplicate detection quality of the real pipeline, end to end.

    .venv/bin/python bench/dedup_quality.py [--json] [--only clough,syndication,seeds]
        [--config bench/dedup.toml] [--seed 7] [--no-crossrun] [--keep DIR] [--max-cases 15]

For each dataset the docs are written as pipeline input (JSONL records with id, text,
url, published_at where the dataset has them; the five seeds as .txt files), the real
CLI runs (`cleancorpus backfill INPUT --output OUT --config CONFIG`, the `cleancorpus`
next to sys.executable), and the predicted clustering is rebuilt from the output:

  * every row of documents/ is a cluster representative (dup_cluster = its doc_id);
  * a rejects/ row with reason exact_duplicate / near_duplicate joins the cluster of
    its duplicate_of;
  * any other reject (too_short, language, ...) is a singleton, and is reported.

Pipeline rows are mapped back to dataset ids by source_record (record id, line number or
byte offset), doc_id, url, or the .txt file name, whichever matches. The clustering is
scored with /work/shared/bench/dedup/score.py (pairwise P/R/F1, ARI).

Datasets:
  clough       Clough & Stevenson short answers; gold = cluster_nearcopy (cut/light copies
               with their source; heavy revisions and independent answers are singletons)
  syndication  bench/make_syndication.py output (generated into a temp dir); plus the
               cross-run check: the same docs split into three files, three successive
               backfills into one output dir, compared with the single run
  seeds        /work/shared/seeds: 000+001 one cluster, 002, 003, 004 singletons
"""
from __future__ import annotations

import argparse
import collections
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SHARED = Path(os.environ.get("CLEANCORPUS_SHARED", "/work/shared"))
CLOUGH = SHARED / "bench/dedup/clough-stevenson-short-answers"
SCORER = SHARED / "bench/dedup/score.py"
SEEDS = SHARED / "seeds"
SEED_GOLD = {"000": "A", "001": "A", "002": "002", "003": "003", "004": "004"}
DUP_REASONS = {"exact_duplicate", "near_duplicate"}

sys.path.insert(0, str(HERE))
import make_syndication  # noqa: E402


def _load_scorer():
    spec = importlib.util.spec_from_file_location("dedup_score", SCORER)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


# ------------------------------------------------------------------ utilities

def read_jsonl(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(l) for l in f if l.strip()]


def write_jsonl(path: Path, rows) -> None:
    with open(path, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")


_TOK = re.compile(r"\w+", re.UNICODE)


def shingles(text: str, k: int = 5) -> set:
    toks = [t.lower() for t in _TOK.findall(text or "")]
    if len(toks) < k:
        return {tuple(toks)} if toks else set()
    return {tuple(toks[i:i + k]) for i in range(len(toks) - k + 1)}


def sim(a: str, b: str) -> dict:
    sa, sb = shingles(a), shingles(b)
    if not sa or not sb:
        return {"jaccard": 0.0, "containment": 0.0}
    inter = len(sa & sb)
    return {"jaccard": round(inter / len(sa | sb), 3), "containment": round(inter / min(len(sa), len(sb)), 3)}


from cleancorpus.pipeline.dedup.decisions import UnionFind  # noqa: E402  (the pipeline's own)


def cleancorpus_exe() -> str:
    if os.environ.get("CLEANCORPUS_BIN"):  # for testing the glue with a stand-in
        return os.environ["CLEANCORPUS_BIN"]
    exe = Path(sys.executable).parent / "cleancorpus"
    if exe.exists():
        return str(exe)
    found = shutil.which("cleancorpus")
    if not found:
        raise SystemExit("cleancorpus CLI not found next to sys.executable nor on PATH")
    return found


def run_backfill(inputs: list[Path], out: Path, config: Path | None, log: Path) -> dict:
    cmd = [cleancorpus_exe(), "backfill", *map(str, inputs), "--output", str(out)]
    if config:
        cmd += ["--config", str(config)]
    t0 = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    log.write_text(f"$ {' '.join(cmd)}\nexit {p.returncode}\n--- stdout\n{p.stdout}\n--- stderr\n{p.stderr}",
                   encoding="utf-8")
    if p.returncode != 0:
        tail = (p.stderr or p.stdout).strip().splitlines()[-5:]
        raise RuntimeError(f"backfill failed (exit {p.returncode}): {' | '.join(tail)}  [log: {log}]")
    return {"cmd": " ".join(cmd), "wall_s": round(wall, 2), "returncode": p.returncode}


def read_table(path: Path) -> list[dict]:
    if not path.exists() or not any(path.rglob("*.parquet")):
        return []
    import pyarrow.dataset as ds

    d = ds.dataset(str(path), format="parquet", partitioning="hive")
    return d.to_table().to_pylist()


# ------------------------------------------------------- mapping output -> ids

class SourceIndex:
    """What was fed to the pipeline, so output rows can be traced back to dataset ids."""

    def __init__(self):
        self.jsonl: dict[str, dict] = {}   # file name -> {"ids": [...], "offsets": {byte: id}}
        self.txt: dict[str, str] = {}      # file name / stem -> id
        self.urls: dict[str, str] = {}
        self.ids: set[str] = set()

    def add_jsonl(self, path: Path, records: list[dict]) -> None:
        write_jsonl(path, records)
        offsets, pos = {}, 0
        with open(path, "rb") as f:
            for i, line in enumerate(f):
                offsets[pos] = records[i]["id"]
                pos += len(line)
        self.jsonl[path.name] = {"ids": [r["id"] for r in records], "offsets": offsets}
        for r in records:
            self.ids.add(r["id"])
            if r.get("url"):
                self.urls[r["url"]] = r["id"]

    def add_txt(self, path: Path, doc_id: str) -> None:
        self.txt[path.name] = doc_id
        self.ids.add(doc_id)

    def map_rows(self, rows: list[dict]) -> tuple[dict, list[str]]:
        """rows: all documents+rejects rows. Returns (row index -> dataset id, notes)."""
        notes = collections.Counter()
        out: dict[int, str] = {}
        # line-number base per source file, from the record numbers actually seen
        ints = collections.defaultdict(list)
        for k, r in enumerate(rows):
            m = re.search(r"(\d+)\s*$", str(r.get("source_record") or ""))
            if m:
                ints[Path(str(r.get("source_uri") or "")).name].append(int(m.group(1)))
        base = {}
        for name, vals in ints.items():
            info = self.jsonl.get(name)
            if not info:
                continue
            n = len(info["ids"])
            if all(v in info["offsets"] for v in vals) and max(vals, default=0) >= n:
                base[name] = "offset"
            elif min(vals, default=0) == 0:
                base[name] = 0
            else:
                base[name] = 1
        for k, r in enumerate(rows):
            rec = r.get("source_record")
            name = Path(str(r.get("source_uri") or "")).name
            if rec is not None and str(rec) in self.ids:
                out[k] = str(rec)
                notes["source_record=id"] += 1
            elif r.get("doc_id") in self.ids:
                out[k] = r["doc_id"]
                notes["doc_id=id"] += 1
            elif name in self.txt:
                out[k] = self.txt[name]
                notes["txt file name"] += 1
            elif r.get("url") and r["url"] in self.urls:
                out[k] = self.urls[r["url"]]
                notes["url"] += 1
            elif name in base and rec is not None and re.search(r"(\d+)\s*$", str(rec)):
                v = int(re.search(r"(\d+)\s*$", str(rec)).group(1))
                info = self.jsonl[name]
                if base[name] == "offset":
                    out[k] = info["offsets"].get(v)
                else:
                    i = v - base[name]
                    out[k] = info["ids"][i] if 0 <= i < len(info["ids"]) else None
                notes[f"source_record line ({base[name]})"] += 1
            else:
                notes["UNMAPPED"] += 1
            if k in out and out[k] is None:
                del out[k]
                notes["UNMAPPED"] += 1
        return out, [f"{v} by {k}" for k, v in notes.items()]


def rebuild_clusters(out_dir: Path, index: SourceIndex) -> dict:
    docs = read_table(out_dir / "documents")
    rej = read_table(out_dir / "rejects")
    rows = [dict(r, _table="documents") for r in docs] + [dict(r, _table="rejects") for r in rej]
    rowmap, notes = index.map_rows(rows)
    docid2id = {}
    for k, r in enumerate(rows):
        if k in rowmap and r.get("doc_id"):
            docid2id.setdefault(r["doc_id"], rowmap[k])
    uf = UnionFind()
    problems = []
    kept, texts, other_rejects, reasons = {}, {}, {}, collections.Counter()
    dup_rejects = {}
    seen = collections.Counter()
    for k, r in enumerate(rows):
        i = rowmap.get(k)
        if i is None:
            problems.append(f"unmapped {r['_table']} row doc_id={r.get('doc_id')} source={r.get('source_uri')}"
                            f"#{r.get('source_record')}")
            continue
        seen[i] += 1
        if r["_table"] == "documents":
            kept[i] = r
            texts[i] = r.get("text") or ""
            rep = r.get("dup_cluster")
            if rep and rep != r.get("doc_id"):
                if rep in docid2id:
                    uf.union(i, docid2id[rep])
                else:
                    problems.append(f"kept {i}: dup_cluster {rep} not found in output")
        else:
            reasons[r.get("reason")] += 1
            if r.get("reason") in DUP_REASONS:
                tgt = r.get("duplicate_of")
                dup_rejects[i] = {"of": docid2id.get(tgt, tgt), "similarity": r.get("similarity"),
                                  "reason": r.get("reason")}
                if tgt in docid2id:
                    uf.union(i, docid2id[tgt])
                else:
                    problems.append(f"reject {i}: duplicate_of {tgt!r} not found in output")
            else:
                other_rejects[i] = {"reason": r.get("reason"), "detail": r.get("detail"), "stage": r.get("stage")}
    missing = sorted(index.ids - set(seen))
    multi = sorted(i for i, c in seen.items() if c > 1)
    if missing:
        problems.append(f"{len(missing)} inputs have no output row (invariant broken): {missing[:5]}")
    if multi:
        problems.append(f"{len(multi)} inputs have more than one output row: {multi[:5]}")
    pred = {i: uf.find(i) for i in sorted(index.ids)}
    runs = sorted({r.get("run_id") for r in rows if r.get("run_id")})
    per_run = collections.Counter(r.get("run_id") for r in rows)
    return {"pred": pred, "kept": kept, "texts": texts, "dup_rejects": dup_rejects,
            "other_rejects": other_rejects, "reject_reasons": dict(reasons), "problems": problems,
            "mapping": notes, "n_documents": len(docs), "n_rejects": len(rej), "runs": runs,
            "rows_per_run": dict(per_run)}


def score(gold_path: Path, field: str, pred: dict, work: Path, name: str) -> dict:
    pred_path = work / f"{name}.pred.jsonl"
    write_jsonl(pred_path, ({"id": i, "cluster": c} for i, c in pred.items()))
    p = subprocess.run([sys.executable, str(SCORER), "--clusters", str(gold_path), "--field", field,
                        "--pred", str(pred_path), "--json"], capture_output=True, text=True, check=True)
    return json.loads(p.stdout)


def pair_errors(gold: dict, pred: dict) -> tuple[list, list]:
    """(missed pairs, wrongly merged pairs) over ids in gold."""
    missed, merged = [], []
    by_gold = collections.defaultdict(list)
    by_pred = collections.defaultdict(list)
    for i in gold:
        by_gold[gold[i]].append(i)
        by_pred[pred.get(i, ("single", i))].append(i)
    for members in by_gold.values():
        for a_i, a in enumerate(members):
            for b in members[a_i + 1:]:
                if pred.get(a, a) != pred.get(b, b):
                    missed.append((a, b))
    for members in by_pred.values():
        for a_i, a in enumerate(members):
            for b in members[a_i + 1:]:
                if gold[a] != gold[b]:
                    merged.append((a, b))
    return missed, merged


# ---------------------------------------------------------------- diagnostics

def nodedup_config(config: Path | None, work: Path) -> Path:
    """The bench config with [dedup] enabled = false, to see every document's cleaned text."""
    text = config.read_text() if config else ""
    m = re.search(r"(?ms)^\[dedup\]\s*$(.*?)(?=^\[|\Z)", text)
    if m and re.search(r"(?m)^enabled\s*=", m.group(1)):
        body = re.sub(r"(?m)^enabled\s*=.*$", "enabled = false", m.group(1), count=1)
        text = text[:m.start(1)] + body + text[m.end(1):]
    elif m:
        text = text[:m.start(1)] + "\nenabled = false\n" + text[m.start(1):]
    else:
        text += "\n[dedup]\nenabled = false\n"
    out = work / "nodedup.toml"  # rules_dir / variants resolve to config/ as for the bench config
    out.write_text(text)
    return out


class PairJudge:
    """Judges pairs on the pipeline's own terms: its folding, shingles, thresholds and LSH bands."""

    def __init__(self, config: Path | None, texts: dict[str, str]):
        from cleancorpus.pipeline.config import load_config
        from cleancorpus.pipeline.dedup import signatures as mh

        self.cfg = load_config(config).dedup
        variants = mh.load_variants(str(load_config(config).resolve(self.cfg.spelling_variants))) \
            if self.cfg.spelling_variants else {}
        self.ids = sorted(texts)
        self.pos = {i: k for k, i in enumerate(self.ids)}
        folded = [mh.fold(texts[i], variants) for i in self.ids]
        self.sets = [mh.shingle_set(f, self.cfg.shingle_size) for f in folded]
        sig, _ = mh.signatures(folded, self.cfg.num_perm, self.cfg.shingle_size, self.cfg.seed)
        self.sig = sig
        self.keys = mh.band_keys(sig, self.cfg.bands)
        self.jc = mh.jaccard_containment
        self.floor = min(self.cfg.jaccard_threshold, self.cfg.lsh_threshold) * 0.6

    def judge(self, a: str, b: str) -> dict | None:
        if a not in self.pos or b not in self.pos:
            return None
        x, y = self.pos[a], self.pos[b]
        j, c = self.jc(self.sets[x], self.sets[y])
        passes = j >= self.cfg.jaccard_threshold or c >= self.cfg.containment_threshold
        band = bool((self.keys[x] == self.keys[y]).any())
        est = float((self.sig[x] == self.sig[y]).mean())
        return {"J": round(j, 3), "C": round(c, 3), "passes_threshold": passes,
                "lsh_candidate": band and est >= self.floor}

    def verdict(self, a: str, b: str, rejected: dict) -> str:
        for x in (a, b):
            if x in rejected:
                return f"{'a' if x == a else 'b'} rejected: {rejected[x]}"
        d = self.judge(a, b)
        if d is None:
            return "no cleaned text"
        if not d["passes_threshold"]:
            return "below threshold after cleaning"
        if not d["lsh_candidate"]:
            return "passes threshold but not an LSH candidate"
        return "passes and is a candidate (lost to cluster/representative logic)"


def threshold_sweep(judge: "PairJudge", gold: dict, extra=None) -> dict:
    """Exact all-pairs clustering of the cleaned texts (no LSH) for a grid of thresholds.

    An upper bound of what the dedup stage can reach with this cleaning: documents without
    cleaned text are singletons. extra(pred) may add figures per grid point.
    """
    scorer = _load_scorer()
    ids = [i for i in judge.ids if i in gold]
    pairs = []
    for x, a in enumerate(ids):
        sa = judge.sets[judge.pos[a]]
        for b in ids[x + 1:]:
            j, c = judge.jc(sa, judge.sets[judge.pos[b]])
            if j >= 0.3 or c >= 0.3:
                pairs.append((a, b, j, c))
    grid = {}
    for jt in (0.5, 0.6, 0.7, 0.8, 0.9):
        for ct in (0.5, 0.6, 0.7, 0.8, 0.9, None):
            uf = UnionFind()
            for a, b, j, c in pairs:
                if j >= jt or (ct is not None and c >= ct):
                    uf.union(a, b)
            pred = {i: uf.find(i) for i in gold}
            sc = scorer.cluster_scores(gold, pred)
            row = {"P": round(sc["pairwise_precision"], 3), "R": round(sc["pairwise_recall"], 3),
                   "F1": round(sc["pairwise_f1"], 3), "ARI": round(sc["ari"], 3)}
            if extra:
                row.update(extra(pred))
            grid[f"J>={jt} or C>={ct if ct is not None else 'off'}"] = row
    cur = f"J>={judge.cfg.jaccard_threshold} or C>={judge.cfg.containment_threshold}"
    jt0, ct0 = judge.cfg.jaccard_threshold, judge.cfg.containment_threshold
    vary_c = {k: v for k, v in grid.items() if k.startswith(f"J>={jt0} ")}
    vary_j = {k: v for k, v in grid.items() if k.endswith(f"C>={ct0}") or k.endswith("C>=off")}
    best = sorted(grid.items(), key=lambda kv: (-kv[1]["F1"], kv[0]))[:1]
    return {"current_thresholds_exact_pairs": {cur: grid.get(cur)}, "best_F1": dict(best),
            "slices": {**vary_c, **vary_j}, "grid": grid}


def diagnostic_run(name: str, inputs: list[Path], index: SourceIndex, work: Path, config: Path | None) -> dict:
    """Same input with dedup off: every document's cleaned text."""
    out = work / f"{name}.nodedup.out"
    if out.exists():
        shutil.rmtree(out)
    run = run_backfill(inputs, out, nodedup_config(config, work), work / f"{name}.nodedup.log")
    res = rebuild_clusters(out, index)
    res["run"] = run
    return res


# ------------------------------------------------------------------- datasets

def run_dataset(name: str, inputs: list[Path], index: SourceIndex, work: Path, config: Path | None) -> dict:
    out = work / f"{name}.out"
    if out.exists():
        shutil.rmtree(out)
    run = run_backfill(inputs, out, config, work / f"{name}.log")
    res = rebuild_clusters(out, index)
    res["run"] = run
    res["out_dir"] = str(out)
    return res


def eval_clough(work: Path, config: Path | None, max_cases: int) -> dict:
    docs = read_jsonl(CLOUGH / "docs.jsonl")
    labels = {r["id"]: r for r in read_jsonl(CLOUGH / "clusters.jsonl")}
    index = SourceIndex()
    recs = []
    for d in docs:
        r = {"id": d["id"], "text": d["text"]}
        for f in ("url", "title", "published_at"):
            if d.get(f):
                r[f] = d[f]
        recs.append(r)
    inp = work / "clough.jsonl"
    index.add_jsonl(inp, recs)
    res = run_dataset("clough", [inp], index, work, config)
    pred = res["pred"]
    sc = score(CLOUGH / "clusters.jsonl", "cluster_nearcopy", pred, work, "clough")
    sc_lenient = score(CLOUGH / "clusters.jsonl", "cluster", pred, work, "clough-lenient")
    raw = {d["id"]: d["text"] for d in docs}
    cat = {i: labels[i]["category"] for i in labels}
    csize = collections.Counter(pred.values())
    # per-category: joined with the source text of its task?
    by_cat = collections.defaultdict(lambda: [0, 0])
    for i, l in labels.items():
        if l["category"] == "orig":
            continue
        src = f"orig_task{docs_task(i)}"
        by_cat[l["category"]][0] += pred[i] == pred.get(src)
        by_cat[l["category"]][1] += 1
    non_fp = [i for i in labels if cat[i] == "non" and csize[pred[i]] > 1]
    gold = {i: labels[i]["cluster_nearcopy"] for i in labels}
    missed, merged = pair_errors(gold, pred)

    def describe(a, b):
        d = {"a": a, "b": b, "cat": f"{cat[a]}/{cat[b]}", "raw": sim(raw[a], raw[b])}
        if a in res["texts"] and b in res["texts"]:
            d["clean"] = sim(res["texts"][a], res["texts"][b])
        for x in (a, b):
            if x in res["dup_rejects"]:
                d[f"{x} rejected as"] = res["dup_rejects"][x]
            if x in res["other_rejects"]:
                d[f"{x} rejected as"] = res["other_rejects"][x]["reason"]
        return d

    cl_words = {i: len(res["texts"][i].split()) for i in res["texts"]}
    diag = diagnostic_run("clough", [inp], index, work, config)
    judge = PairJudge(config, diag["texts"])
    rejected = {i: v["reason"] for i, v in diag["other_rejects"].items()}
    src_pairs = collections.defaultdict(list)
    verdicts = collections.Counter()
    for i, l in sorted(labels.items()):
        if l["category"] in ("cut", "light", "heavy", "non"):
            src = f"orig_task{docs_task(i)}"
            d = judge.judge(i, src) or {}
            d.update(id=i, category=l["category"], joined=pred[i] == pred[src])
            src_pairs[l["category"]].append(d)
            if l["category"] in ("cut", "light") and not d["joined"]:
                verdicts[judge.verdict(i, src, rejected)] += 1
    vs_source = {}
    for k, v in src_pairs.items():
        js = sorted(x.get("J", 0) for x in v)
        cs = sorted(x.get("C", 0) for x in v)
        vs_source[k] = {"n": len(v), "median_J": js[len(js) // 2], "median_C": cs[len(cs) // 2],
                        "pass_threshold": sum(bool(x.get("passes_threshold")) for x in v),
                        "lsh_candidate": sum(bool(x.get("lsh_candidate")) for x in v),
                        "joined": sum(x["joined"] for x in v)}
    missed_src = [x for k in ("cut", "light") for x in src_pairs[k] if not x["joined"]]

    def clough_extra(p):
        joined = sum(p[i] == p[f"orig_task{docs_task(i)}"] for i in labels if cat[i] in ("cut", "light"))
        size = collections.Counter(p.values())
        return {"cut+light joined": joined, "non in a cluster": sum(1 for i in labels
                                                                    if cat[i] == "non" and size[p[i]] > 1),
                "heavy joined": sum(p[i] == p[f"orig_task{docs_task(i)}"] for i in labels if cat[i] == "heavy")}

    sweep = threshold_sweep(judge, gold, clough_extra)
    return {
        "scores": sc, "scores_vs_cluster_incl_heavy": sc_lenient, "run": res["run"],
        "kept": res["n_documents"], "rejects": res["reject_reasons"],
        "non_dup_rejects": {i: v["reason"] for i, v in res["other_rejects"].items()},
        "independent_answers_false_positive": {"count": len(non_fp), "of": sum(c == "non" for c in cat.values()),
                                               "ids": non_fp},
        "joined_with_source_by_category": {k: f"{v[0]}/{v[1]}" for k, v in sorted(by_cat.items())},
        "recall_cut_light": _ratio(by_cat["cut"][0] + by_cat["light"][0], by_cat["cut"][1] + by_cat["light"][1]),
        "missed_pairs": len(missed), "wrong_pairs": len(merged),
        "missed_examples": [describe(a, b) for a, b in missed[:max_cases]],
        "wrong_examples": [describe(a, b) for a, b in merged[:max_cases]],
        "clean_words_min_median": _minmed(list(cl_words.values())),
        "answer_vs_source_on_cleaned_text": vs_source,
        "cut_light_not_joined_because": dict(verdicts.most_common()),
        "cut_light_not_joined": missed_src[:max_cases],
        "threshold_sweep_exact_pairs": sweep,
        "diagnostic_run_wall_s": diag["run"]["wall_s"],
        "problems": res["problems"], "mapping": res["mapping"],
    }


def docs_task(i: str) -> str:
    return i.rsplit("task", 1)[1]


def _ratio(a, b):
    return round(a / b, 4) if b else None


def _minmed(v):
    if not v:
        return None
    v = sorted(v)
    return [v[0], v[len(v) // 2]]


def syndication_inputs(gen_dir: Path, work: Path, seed: int):
    docs, clusters, copies = make_syndication.build(make_syndication.DEFAULT_TRUTH, seed)
    gen_dir.mkdir(parents=True, exist_ok=True)
    make_syndication.write_jsonl(gen_dir / "docs.jsonl", docs)
    make_syndication.write_jsonl(gen_dir / "clusters.jsonl", clusters)
    make_syndication.write_jsonl(gen_dir / "copies.jsonl", copies)
    return docs, clusters, copies


def eval_syndication(work: Path, config: Path | None, seed: int, max_cases: int, crossrun: bool) -> dict:
    gen = work / "syndication"
    docs, clusters, copies = syndication_inputs(gen, work, seed)
    lab = {c["id"]: c for c in clusters}
    cp = {c["id"]: c for c in copies}
    raw = {d["id"]: d["text"] for d in docs}
    urls = {d["id"]: d["url"] for d in docs}

    index = SourceIndex()
    inp = work / "syndication.jsonl"
    index.add_jsonl(inp, docs)
    res = run_dataset("syndication", [inp], index, work, config)
    pred = res["pred"]
    sc = score(gen / "clusters.jsonl", "cluster", pred, work, "syndication")
    gold = {c["id"]: c["cluster"] for c in clusters}

    # per-copy recall: copy joined with its original, by transform kind
    by_kind = collections.defaultdict(lambda: [0, 0])
    by_ntrans = collections.defaultdict(lambda: [0, 0])
    for c in copies:
        hit = pred[c["id"]] == pred[c["of"]]
        kinds = {t.split(":")[0] for t in c["transforms"]}
        for k in kinds:
            by_kind[k][0] += hit
            by_kind[k][1] += 1
        by_ntrans[len(kinds)][0] += hit
        by_ntrans[len(kinds)][1] += 1
    copies_joined = sum(pred[c["id"]] == pred[c["of"]] for c in copies)

    diag = diagnostic_run("syndication", [inp], index, work, config)
    clean = diag["texts"]  # cleaned text of every document (dedup off)
    judge = PairJudge(config, clean)
    rejected = {i: v["reason"] for i, v in diag["other_rejects"].items()}

    def tag(x):
        return x[:16] + x[64:]

    def residue(i):
        if i not in cp or i not in clean:
            return None
        return [l for l in cp[i]["added_lines"] if l.strip() and l.strip() in clean[i]]

    def describe(a, b):
        d = {"a": tag(a), "b": tag(b), "a_url": urls[a], "b_url": urls[b],
             "transforms": {tag(x): lab[x]["transforms"] for x in (a, b) if lab[x]["transforms"]},
             "cleaned": judge.judge(a, b), "verdict": judge.verdict(a, b, rejected)}
        for x in (a, b):
            if x in res["dup_rejects"]:
                r = res["dup_rejects"][x]
                d[f"{tag(x)} dup_of"] = {**r, "of": tag(r["of"])}
            r = residue(x)
            if r:
                d[f"{tag(x)} boilerplate_left"] = r
        return d

    missed, merged = pair_errors(gold, pred)
    # copy vs its original, on cleaned text
    copy_rows, verdicts = [], collections.Counter()
    for c in copies:
        d = judge.judge(c["id"], c["of"]) or {}
        joined = pred[c["id"]] == pred[c["of"]]
        row = {"copy": tag(c["id"]), "transforms": c["transforms"], **d, "joined": joined}
        if not joined:
            row["verdict"] = judge.verdict(c["id"], c["of"], rejected)
            verdicts[row["verdict"]] += 1
            r = residue(c["id"])
            if r:
                row["boilerplate_left"] = r
        copy_rows.append(row)
    # boilerplate residue over every copy that survived cleaning
    cleaned_copies = [c["id"] for c in copies if c["id"] in clean]
    resid = {i: residue(i) or [] for i in cleaned_copies}
    resid_lines = collections.Counter(l for v in resid.values() for l in v)
    resid_kind = collections.Counter()
    for i in cleaned_copies:
        for l in resid[i]:
            kind = "readmore" if any(l == x for x in cp[i]["added_lines"][:4] if "readmore" in cp[i]["transforms"]) \
                else "added line"
            resid_kind[kind] += 1
    total_added = sum(len([l for l in cp[i]["added_lines"] if l.strip()]) for i in cleaned_copies)
    # first paragraph of an original/single (truth text, no headline) taken as a title?
    first_as_title = []
    for i, row in diag["kept"].items():
        if lab[i]["category"] == "copy":
            continue
        first = raw[i].strip().splitlines()[0].strip() if raw[i].strip() else ""
        for rm in row.get("removed") or []:
            if rm.get("text", "").strip() == first and len(first.split()) >= 8:
                first_as_title.append((tag(i), rm.get("rule"), len(first.split())))
                break
    removed_rules = collections.Counter()
    for i, row in diag["kept"].items():
        if lab[i]["category"] != "copy":
            for rm in row.get("removed") or []:
                removed_rules[rm.get("rule")] += 1
    out = {
        "docs": len(docs), "originals": sum(c["category"] == "original" for c in clusters),
        "copies": len(copies), "scores": sc, "run": res["run"], "kept": res["n_documents"],
        "rejects": res["reject_reasons"],
        "non_dup_rejects": {tag(i): v["reason"] for i, v in res["other_rejects"].items()},
        "non_dup_rejects_by_category": {f"{k[0]}:{k[1]}": v for k, v in collections.Counter(
            (lab[i]["category"], v["reason"]) for i, v in res["other_rejects"].items()).items()},
        "copies_joined_with_original": f"{copies_joined}/{len(copies)}",
        "copy_recall_by_transform": {k: f"{v[0]}/{v[1]}" for k, v in sorted(by_kind.items())},
        "copy_recall_by_number_of_transforms": {k: f"{v[0]}/{v[1]}" for k, v in sorted(by_ntrans.items())},
        "copy_vs_original_on_cleaned_text": {
            "both_cleaned": sum(1 for r in copy_rows if "J" in r),
            "pass_threshold": sum(1 for r in copy_rows if r.get("passes_threshold")),
            "lsh_candidate": sum(1 for r in copy_rows if r.get("lsh_candidate")),
            "min_J": min((r["J"] for r in copy_rows if "J" in r), default=None),
            "min_C": min((r["C"] for r in copy_rows if "C" in r), default=None)},
        "copies_not_joined_because": dict(verdicts.most_common()),
        "copies_not_joined": [r for r in copy_rows if not r["joined"]][:max_cases],
        "boilerplate_residue_in_cleaned_copies": {
            "copies": len(cleaned_copies), "added_lines": total_added,
            "lines_left": sum(len(v) for v in resid.values()), "copies_with_residue":
            sum(1 for v in resid.values() if v), "most_common_left": resid_lines.most_common(12)},
        "originals_singles_first_paragraph_removed_as_header": {
            "count": len(first_as_title), "of": sum(1 for i in diag["kept"] if lab[i]["category"] != "copy"),
            "examples": first_as_title[:8]},
        "rules_removing_lines_from_truth_texts": dict(removed_rules.most_common(12)),
        "threshold_sweep_exact_pairs": threshold_sweep(judge, gold),
        "missed_pairs": len(missed), "wrong_pairs": len(merged),
        "missed_examples": [describe(a, b) for a, b in _spread(missed, max_cases)],
        "wrong_examples": [describe(a, b) for a, b in merged[:max_cases]],
        "diagnostic_run_wall_s": diag["run"]["wall_s"],
        "problems": res["problems"], "mapping": res["mapping"],
    }
    if crossrun:
        try:
            out["crossrun"] = crossrun_check(work, config, docs, gold, res, sc, judge)
        except (RuntimeError, subprocess.CalledProcessError) as e:
            out["crossrun"] = {"error": str(e)}
    return out


def _spread(pairs, k):
    """At most one example per gold cluster first, so examples are not all one story."""
    seen, first, rest = set(), [], []
    for a, b in pairs:
        key = a.split("-copy")[0]
        (rest if key in seen else first).append((a, b))
        seen.add(key)
    return (first + rest)[:k]


def crossrun_check(work: Path, config: Path | None, docs: list[dict], gold: dict, single: dict,
                   single_scores: dict, judge: "PairJudge | None" = None) -> dict:
    scorer = _load_scorer()
    parts = [[d for j, d in enumerate(docs) if j % 3 == p] for p in range(3)]
    index = SourceIndex()
    paths = []
    for p, recs in enumerate(parts, 1):
        path = work / f"syndication.part{p}.jsonl"
        index.add_jsonl(path, recs)
        paths.append(path)
    out = work / "syndication-crossrun.out"
    if out.exists():
        shutil.rmtree(out)
    runs = []
    for p, path in enumerate(paths, 1):
        runs.append(run_backfill([path], out, config, work / f"syndication-crossrun.{p}.log"))
    res = rebuild_clusters(out, index)
    multi_pred = res["pred"]
    sc = score(work / "syndication" / "clusters.jsonl", "cluster", multi_pred, work, "syndication-crossrun")
    agree = scorer.cluster_scores(single["pred"], multi_pred)
    # differences: pairs together in one clustering but not the other
    only_single, only_multi = [], []
    ids = sorted(gold)
    groups_s = collections.defaultdict(list)
    for i in ids:
        groups_s[single["pred"][i]].append(i)
    for members in groups_s.values():
        for x, a in enumerate(members):
            for b in members[x + 1:]:
                if multi_pred[a] != multi_pred[b]:
                    only_single.append((a, b))
    groups_m = collections.defaultdict(list)
    for i in ids:
        groups_m[multi_pred[i]].append(i)
    for members in groups_m.values():
        for x, a in enumerate(members):
            for b in members[x + 1:]:
                if single["pred"][a] != single["pred"][b]:
                    only_multi.append((a, b))
    part_of = {d["id"]: p + 1 for p, recs in enumerate(parts) for d in recs}

    def tag(i):
        return f"{i[:16]}{i[64:]}(part{part_of[i]},{gold[i] == i and 'orig/single' or 'copy'})"

    # why a document left its single-run cluster: which documents it matches, and were they
    # kept (in the persistent index) when it arrived?
    split_docs = sorted({x for p in only_single for x in p})
    why = []
    if judge:
        for x in split_docs:
            if single["pred"][x] == multi_pred[x] and any(multi_pred[y] == multi_pred[x] for y in ids if y != x):
                continue
            matches = []
            for y in ids:
                if y == x or single["pred"][y] != single["pred"][x]:
                    continue
                d = judge.judge(x, y)
                if d and d["passes_threshold"]:
                    matches.append(f"{tag(y)} kept={y in res['kept']} J={d['J']} C={d['C']}")
            why.append({"doc": tag(x), "matches_over_threshold": matches,
                        "three_run_dup_of": (res["dup_rejects"].get(x) or {}).get("of", "kept")[:16]})
    kept_s, kept_m = set(single["kept"]), set(res["kept"])
    rep_changed = sum(1 for i in ids if (i in kept_s) != (i in kept_m))
    # invariant per run: rows written by each run == records in that part
    per_run = [res["rows_per_run"].get(r, 0) for r in res["runs"]]
    return {
        "runs": runs, "wall_s_total": round(sum(r["wall_s"] for r in runs), 2),
        "parts": [len(p) for p in parts], "rows_per_run": per_run,
        "kept_single_run": single["n_documents"], "kept_three_runs": res["n_documents"],
        "rejects_three_runs": res["reject_reasons"],
        "ari_vs_single_run": round(agree["ari"], 4),
        "pairwise_f1_vs_single_run": round(agree["pairwise_f1"], 4),
        "scores_vs_gold": sc,
        "delta_vs_single_f1": round(sc["pairwise_f1"] - single_scores["pairwise_f1"], 4),
        "pairs_only_in_single_run": len(only_single), "pairs_only_in_three_runs": len(only_multi),
        "examples_only_single": [(tag(a), tag(b), gold[a] == gold[b]) for a, b in only_single[:10]],
        "examples_only_three_runs": [(tag(a), tag(b), gold[a] == gold[b]) for a, b in only_multi[:10]],
        "docs_kept_in_one_but_not_other": rep_changed,
        "split_off_docs": why,
        "problems": res["problems"], "mapping": res["mapping"],
    }


def eval_seeds(work: Path, config: Path | None) -> dict:
    index = SourceIndex()
    inp = work / "seeds.in"
    if inp.exists():
        shutil.rmtree(inp)
    inp.mkdir()
    for f in sorted(SEEDS.glob("*.txt")):
        dst = inp / f.name
        shutil.copyfile(f, dst)
        index.add_txt(dst, f.name[:3])
    gold_path = work / "seeds.gold.jsonl"
    write_jsonl(gold_path, ({"id": k, "cluster": v} for k, v in SEED_GOLD.items()))
    res = run_dataset("seeds", [inp], index, work, config)
    sc = score(gold_path, "cluster", res["pred"], work, "seeds")
    groups = collections.defaultdict(list)
    for i, c in res["pred"].items():
        groups[c].append(i)
    pairs = {}
    ids = sorted(res["texts"])
    for x, a in enumerate(ids):
        for b in ids[x + 1:]:
            pairs[f"{a}-{b}"] = sim(res["texts"][a], res["texts"][b])
    return {"scores": sc, "run": res["run"], "kept": res["n_documents"], "clusters": sorted(groups.values()),
            "dup_rejects": res["dup_rejects"], "non_dup_rejects": res["other_rejects"],
            "kept_words": {i: len(t.split()) for i, t in sorted(res["texts"].items())},
            "clean_similarity_of_kept": pairs, "problems": res["problems"], "mapping": res["mapping"]}


# -------------------------------------------------------------------- report

def fmt_scores(s: dict) -> str:
    return (f"P={s['pairwise_precision']:.3f} R={s['pairwise_recall']:.3f} F1={s['pairwise_f1']:.3f} "
            f"ARI={s['ari']:.3f}  (gold pairs {s['gold_dup_pairs']}, predicted {s['pred_dup_pairs']}, "
            f"tp {s['true_positive_pairs']}; clusters gold {s['gold_nontrivial_clusters']} / "
            f"pred {s['pred_nontrivial_clusters']} non-trivial)")


def print_report(results: dict) -> None:
    for name, r in results.items():
        print(f"\n=== {name}")
        if "error" in r:
            print(f"  ERROR: {r['error']}")
            continue
        print(f"  {fmt_scores(r['scores'])}")
        print(f"  pipeline wall time {r['run']['wall_s']}s   [{r['run']['cmd']}]")
        skip = {"scores", "run", "missed_examples", "wrong_examples", "crossrun"}
        for k, v in r.items():
            if k in skip:
                continue
            if k == "threshold_sweep_exact_pairs":
                print("  threshold sweep, exact all-pairs on cleaned text (no LSH):")
                for kk, vv in v["current_thresholds_exact_pairs"].items():
                    print(f"    current  {kk}: {json.dumps(vv)}")
                for kk, vv in v["best_F1"].items():
                    print(f"    best     {kk}: {json.dumps(vv)}")
                for kk, vv in v["slices"].items():
                    print(f"             {kk}: {json.dumps(vv)}")
                continue
            if k in ("copies_not_joined", "cut_light_not_joined") and v:
                print(f"  {k}:")
                for e in v:
                    print(f"    - {json.dumps(e, ensure_ascii=False, default=str)}")
                continue
            if k == "scores_vs_cluster_incl_heavy":
                print(f"  vs `cluster` (heavy revisions count as copies): {fmt_scores(v)}")
                continue
            print(f"  {k}: {json.dumps(v, ensure_ascii=False, default=str)}")
        for k in ("missed_examples", "wrong_examples"):
            if r.get(k):
                print(f"  {k}:")
                for e in r[k]:
                    print(f"    - {json.dumps(e, ensure_ascii=False, default=str)}")
        if "crossrun" in r:
            c = r["crossrun"]
            print("  --- cross-run (3 successive backfills into one output dir)")
            if "error" in c:
                print(f"  ERROR: {c['error']}")
                continue
            print(f"  vs gold: {fmt_scores(c['scores_vs_gold'])}")
            for k, v in c.items():
                if k not in ("scores_vs_gold", "runs"):
                    print(f"  {k}: {json.dumps(v, ensure_ascii=False, default=str)}")


def print_summary(results: dict) -> None:
    print("\n=== summary")
    print(f"  {'dataset':<24}{'P':>7}{'R':>7}{'F1':>7}{'ARI':>7}{'kept':>6}{'wall s':>8}")
    rows = []
    for name, r in results.items():
        if "error" in r:
            print(f"  {name:<24} ERROR {r['error'][:80]}")
            continue
        rows.append((name, r["scores"], r.get("kept", "-"), r["run"]["wall_s"]))
        c = r.get("crossrun")
        if c and "error" not in c:
            rows.append((f"{name} (3 runs)", c["scores_vs_gold"], c["kept_three_runs"], c["wall_s_total"]))
    for name, s, kept, wall in rows:
        print(f"  {name:<24}{s['pairwise_precision']:>7.3f}{s['pairwise_recall']:>7.3f}{s['pairwise_f1']:>7.3f}"
              f"{s['ari']:>7.3f}{kept:>6}{wall:>8}")
    if "clough" in results and "error" not in results["clough"]:
        c = results["clough"]
        fp = c["independent_answers_false_positive"]
        print(f"  clough: cut+light joined with their source {c['recall_cut_light']} "
              f"({c['joined_with_source_by_category']}); independent answers merged {fp['count']}/{fp['of']}")
    if "syndication" in results and "crossrun" in results["syndication"]:
        c = results["syndication"]["crossrun"]
        if "error" not in c:
            print(f"  syndication cross-run: kept {c['kept_single_run']} (1 run) vs {c['kept_three_runs']} (3 runs), "
                  f"ARI between them {c['ari_vs_single_run']}, pairs only in 1 run {c['pairs_only_in_single_run']}, "
                  f"only in 3 runs {c['pairs_only_in_three_runs']}")


def config_drift(config: Path | None) -> str | None:
    """Say which settings the bench config sets besides [filter] (it overlays the defaults, so
    any other key makes the bench measure something other than what users run)."""
    import tomllib

    if not config or config == (ROOT / "config" / "default.toml").resolve():
        return None
    b = tomllib.loads(config.read_text())
    diffs = [f"[{sec}] {k} = {v!r}" for sec, keys in sorted(b.items()) if sec != "filter" and isinstance(keys, dict)
             for k, v in sorted(keys.items())]
    return f"{config.name} sets more than [filter]: " + "; ".join(diffs) if diffs else None


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--json", action="store_true", help="print one JSON object with every figure")
    ap.add_argument("--only", default="clough,syndication,seeds")
    ap.add_argument("--config", type=Path, default=HERE / "dedup.toml")
    ap.add_argument("--seed", type=int, default=7, help="syndication generator seed")
    ap.add_argument("--no-crossrun", action="store_true")
    ap.add_argument("--keep", type=Path, help="work dir to keep (inputs, outputs, logs); default a temp dir")
    ap.add_argument("--max-cases", type=int, default=15)
    args = ap.parse_args(argv)
    config = args.config.resolve() if args.config else None
    if config and not config.exists():
        raise SystemExit(f"config not found: {config}")
    tmp = None
    if args.keep:
        work = args.keep.resolve()
        work.mkdir(parents=True, exist_ok=True)
    else:
        tmp = tempfile.TemporaryDirectory(prefix="dedup-quality-")
        work = Path(tmp.name)
    results = {}
    drift = config_drift(config)
    if drift:
        print(f"note: {drift}", file=sys.stderr)
    try:
        for name in [n.strip() for n in args.only.split(",") if n.strip()]:
            try:
                if name == "clough":
                    results[name] = eval_clough(work, config, args.max_cases)
                elif name == "syndication":
                    results[name] = eval_syndication(work, config, args.seed, args.max_cases,
                                                     not args.no_crossrun)
                elif name == "seeds":
                    results[name] = eval_seeds(work, config)
                else:
                    raise SystemExit(f"unknown dataset {name}")
            except (RuntimeError, subprocess.CalledProcessError) as e:
                results[name] = {"error": str(e)}
            if not args.json:
                print_report({name: results[name]})
                sys.stdout.flush()
        if not args.json:
            print_summary(results)
    finally:
        if tmp:
            tmp.cleanup()
    if args.json:
        print(json.dumps(results, ensure_ascii=False, default=str))
    return 1 if any("error" in r for r in results.values()) else 0


if __name__ == "__main__":
    raise SystemExit(main())
