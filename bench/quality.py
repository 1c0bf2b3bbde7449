#!/usr/bin/env python3
"""Extraction / cleaning quality of cleancorpus on a benchmark of real pages.

    python bench/quality.py DATASET_DIR [--title-in-truth] [--limit N] [--json]

DATASET_DIR holds html/ID.html and truth/ID.txt (optional meta.jsonl with id,
url). Predictions are made five ways and scored with the shared scorer
(score.py --metric all):

  trafilatura alone        trafilatura.extract(html), default options (and
                           favor_precision / favor_recall variants)
  cleancorpus HTML path    `cleancorpus backfill html/ --config bench/quality.toml`
  flat text uncleaned      bench/flatten.py: every visible text block a line,
                           menus / footers / share bars kept
  cleancorpus text path    `cleancorpus backfill txt/ --config bench/quality.toml`
                           on that flat text

then the worst pages of each cleancorpus path are shown with the lines kept
wrongly (mostly not in the truth) and removed wrongly (truth sentences missing
from the prediction), with the rule that removed them when the `removed`
column says so, and a per-rule audit of what cleaning removed.

A page rejected by the pipeline scores as an empty prediction.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from collections import Counter, defaultdict
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from flatten import decode_html, flatten_html  # noqa: E402

DEFAULT_CONFIG = HERE / "quality.toml"
DEFAULT_SCORER = ROOT.parent / "shared" / "bench" / "extraction" / "score.py"
# keys bench/quality.toml changes on purpose (see its header)
CONFIG_OVERRIDES = {("clean", "rules_dir"), ("dedup", "spelling_variants"),
                    ("filter", "min_words"), ("dedup", "enabled")}

TRAF_VARIANTS = {"traf": {}, "traf_precision": {"favor_precision": True},
                 "traf_recall": {"favor_recall": True}}
ROWS = [  # key, label
    ("traf", "trafilatura alone"),
    ("traf_precision", "  trafilatura favor_precision"),
    ("traf_recall", "  trafilatura favor_recall"),
    ("cc_html", "cleancorpus HTML path"),
    ("flat", "flat text uncleaned"),
    ("cc_txt", "cleancorpus plain-text path"),
]
CC_PATHS = {"cc_html": "html", "cc_txt": "txt"}

_W = re.compile(r"\w+")
_SENT = re.compile(r'(?<=[.!?])["\')\]\u201d\u2019]*\s+(?=[A-Z0-9"\'(\[\u201c\u2018])')

QUIET = False


def say(*a):
    print(*a, file=sys.stderr if QUIET else sys.stdout, flush=True)


class Timer:
    def __init__(self):
        self.steps: list[tuple[str, float]] = []

    def __call__(self, name):
        timer = self

        class _T:
            def __enter__(self):
                self.t = time.perf_counter()
                return self

            def __exit__(self, *exc):
                dt = time.perf_counter() - self.t
                timer.steps.append((name, dt))
                say(f"  [{dt:6.1f}s] {name}")
        return _T()

# ------------------------------------------------------------------ inputs ---


def load_ids(ds: Path, limit: int | None) -> list[str]:
    html = {p.stem for p in (ds / "html").glob("*.html")}
    truth = {p.stem for p in (ds / "truth").glob("*.txt")}
    ids = sorted(html & truth)
    if not ids:
        sys.exit(f"no ID with both html/ID.html and truth/ID.txt under {ds}")
    for name, only in (("html", html - truth), ("truth", truth - html)):
        if only:
            say(f"warning: {len(only)} IDs only in {name}/, ignored")
    return ids[:limit] if limit else ids


def load_meta(ds: Path) -> dict[str, dict]:
    meta = {}
    p = ds / "meta.jsonl"
    if p.exists():
        for line in p.open(encoding="utf-8"):
            if line.strip():
                d = json.loads(line)
                meta[d["id"]] = d
    return meta


def check_config_drift(config: Path) -> list[str]:
    """Keys where bench config and config/default.toml differ beyond the intended overrides."""
    default = ROOT / "config" / "default.toml"
    if config.resolve() != DEFAULT_CONFIG or not default.exists():
        return []
    a = tomllib.loads(default.read_text(encoding="utf-8"))
    b = tomllib.loads(config.read_text(encoding="utf-8"))
    out = []
    for sec in sorted(set(a) | set(b)):
        sa, sb = a.get(sec, {}), b.get(sec, {})
        if not isinstance(sa, dict) or not isinstance(sb, dict):
            if sa != sb:
                out.append(sec)
            continue
        for k in sorted(set(sa) | set(sb)):
            if (sec, k) not in CONFIG_OVERRIDES and sa.get(k, "<missing>") != sb.get(k, "<missing>"):
                out.append(f"[{sec}] {k}: default={sa.get(k, '<missing>')!r} bench={sb.get(k, '<missing>')!r}")
    return out

# ------------------------------------------------------------ trafilatura ---


def _traf_one(args):
    path, enc = args
    import trafilatura
    html = decode_html(Path(path).read_bytes(), enc)
    out = {}
    for name, kw in TRAF_VARIANTS.items():
        try:
            out[name] = trafilatura.extract(html, **kw) or ""
        except Exception as e:  # a crash is an empty prediction, as for the pipeline
            out[name] = ""
            out[name + "_error"] = repr(e)
    return out


def run_trafilatura(ids, ds, meta, pred_root: Path, jobs: int):
    for name in TRAF_VARIANTS:
        (pred_root / name).mkdir(parents=True, exist_ok=True)
    work = [(str(ds / "html" / f"{i}.html"), meta.get(i, {}).get("encoding")) for i in ids]
    errors = 0
    with ProcessPoolExecutor(jobs) as ex:
        for i, res in zip(ids, ex.map(_traf_one, work, chunksize=8)):
            for name in TRAF_VARIANTS:
                (pred_root / name / f"{i}.txt").write_text(res[name], encoding="utf-8")
                errors += (name + "_error") in res
    return errors

# --------------------------------------------------------------- pipeline ---


def find_cli() -> str | None:
    exe = Path(sys.executable).parent / "cleancorpus"
    if exe.exists():
        return str(exe)
    return shutil.which("cleancorpus")


def run_backfill(cli, inp: Path, out: Path, config: Path, workers: int, log: Path):
    base = [cli, "backfill", str(inp), "--output", str(out), "--config", str(config)]
    cmd = base + (["--workers", str(workers)] if workers else [])
    with log.open("w") as f:
        f.write("$ " + " ".join(cmd) + "\n")
        f.flush()
        r = subprocess.run(cmd, stdout=f, stderr=subprocess.STDOUT, cwd=str(ROOT))
    if r.returncode and workers and "--workers" in log.read_text(errors="replace").split("$", 2)[-1] \
            and "No such option" in log.read_text(errors="replace"):
        with log.open("a") as f:           # CLI without --workers: run again without it
            f.write("$ " + " ".join(base) + "\n")
            f.flush()
            r = subprocess.run(base, stdout=f, stderr=subprocess.STDOUT, cwd=str(ROOT))
    return r.returncode


def _read_table(path: Path, columns=None):
    import pyarrow.dataset as pads
    if not path.exists() or not any(path.rglob("*.parquet")):
        return None
    d = pads.dataset(str(path), format="parquet", partitioning="hive")
    cols = [c for c in (columns or d.schema.names) if c in d.schema.names]
    return d.to_table(columns=cols).to_pylist()


def _stem(uri: str | None) -> str:
    if not uri:
        return ""
    name = uri.rstrip("/").rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[0] if "." in name else name


def collect_pipeline(out: Path, ids, pred: Path, title_in_truth: bool):
    """Write pred/ID.txt from documents/; return (docs by id, rejects by id, notes)."""
    pred.mkdir(parents=True, exist_ok=True)
    wanted = set(ids)
    docs = _read_table(out / "documents", ["source_uri", "text", "title", "removed", "n_words"]) or []
    rejects = _read_table(out / "rejects", ["source_uri", "stage", "reason", "detail"]) or []
    by_id, notes = {}, []
    for row in docs:
        i = _stem(row.get("source_uri"))
        if i not in wanted:
            notes.append(f"document from unexpected source {row.get('source_uri')!r}")
            continue
        if i in by_id:
            notes.append(f"{i}: {1 + by_id[i].get('_n', 1)} documents, kept the longest")
            if len(row.get("text") or "") <= len(by_id[i].get("text") or ""):
                by_id[i]["_n"] = by_id[i].get("_n", 1) + 1
                continue
        by_id[i] = row
    rej = {}
    for row in rejects:
        rej.setdefault(_stem(row.get("source_uri")), row)
    for i in ids:
        row = by_id.get(i)
        text = ""
        if row is not None:
            text = row.get("text") or ""
            if title_in_truth and row.get("title"):
                text = row["title"] + "\n\n" + text
        (pred / f"{i}.txt").write_text(text, encoding="utf-8")
    lost = [i for i in ids if i not in by_id and i not in rej]
    if lost:
        notes.append(f"{len(lost)} inputs neither in documents/ nor in rejects/ (contract invariant!): "
                     + ", ".join(x[:12] for x in lost[:5]))
    return by_id, rej, notes

# ---------------------------------------------------------------- scoring ---


def run_scorer(scorer: Path, truth: Path, pred: Path, per_page: Path) -> dict:
    cmd = [sys.executable, str(scorer), "--truth", str(truth), "--pred", str(pred),
           "--metric", "all", "--json", "--per-page", str(per_page)]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode:
        raise RuntimeError(f"scorer failed on {pred}: {r.stderr.strip()[-500:]}")
    summary = json.loads(r.stdout)
    pages = {}
    for line in per_page.open(encoding="utf-8"):
        d = json.loads(line)
        tp, fp, fn = d["shingle4_tp_fp_fn"]
        p = 1.0 if fp == 0 and fn == 0 else (tp / (tp + fp) if tp + fp else 0.0)
        rc = 1.0 if fp == 0 and fn == 0 else (tp / (tp + fn) if tp + fn else 0.0)
        pages[d["id"]] = {"rouge": d["rouge_lsum"][2], "sh4": 2 * p * rc / (p + rc) if p + rc else 0.0,
                          "sh4_p": p, "sh4_r": rc, "word": d["word_f1"][2],
                          "word_p": d["word_f1"][0], "word_r": d["word_f1"][1]}
    return {"summary": summary, "pages": pages}

# ------------------------------------------------------- error analysis ---


def _toks(s: str) -> list[str]:
    return _W.findall(s.lower())


class Ref:
    """n-gram sets (n = 1..3) of a text, to test whether a line's words are in it."""

    def __init__(self, text: str):
        t = _toks(text)
        self.ng = {n: {tuple(t[k:k + n]) for k in range(len(t) - n + 1)} for n in (1, 2, 3)}

    def coverage(self, toks: list[str]) -> float:
        if not toks:
            return 1.0
        n = min(3, len(toks))
        hit = [False] * len(toks)
        grams = self.ng[n]
        for k in range(len(toks) - n + 1):
            if tuple(toks[k:k + n]) in grams:
                for j in range(k, k + n):
                    hit[j] = True
        return sum(hit) / len(toks)


def _units(text: str) -> list[str]:
    """Lines of a text, long lines split into sentences."""
    out = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        out.extend(s.strip() for s in (_SENT.split(line) if len(line) > 200 else [line]) if s.strip())
    return out


def _short(s: str, n: int = 120) -> str:
    s = " ".join(s.split())
    return s if len(s) <= n else s[:n - 1] + "…"


def _norm_line(s: str) -> str:
    return " ".join(_toks(s))


def page_errors(truth: str, pred: str, removed=None):
    """Lines kept wrongly and truth units removed wrongly (with the removing rule if known)."""
    tref, pref = Ref(truth), Ref(pred)
    kept = [ln for ln in (x.strip() for x in pred.splitlines())
            if ln and _toks(ln) and tref.coverage(_toks(ln)) < 0.5]
    missing = [u for u in _units(truth) if _toks(u) and pref.coverage(_toks(u)) < 0.5]
    rm = []
    if removed:
        rm = [(r.get("rule") or "?", Ref(r.get("text") or "")) for r in removed]
    out_missing = []
    for u in missing:
        rule = None
        for name, ref in rm:
            if ref.coverage(_toks(u)) >= 0.5:
                rule = name
                break
        out_missing.append((u, rule))
    return kept, out_missing


def rule_audit(docs_by_id, truths):
    """Per rule: removed entries, words, and how many of them were truth content."""
    agg = defaultdict(lambda: {"entries": 0, "words": 0, "content_entries": 0, "content_words": 0,
                               "examples": []})
    for i, row in docs_by_id.items():
        tref = Ref(truths[i])
        for r in row.get("removed") or []:
            t = _toks(r.get("text") or "")
            a = agg[r.get("rule") or "?"]
            a["entries"] += 1
            a["words"] += len(t)
            if t and len(t) >= 3 and tref.coverage(t) >= 0.5:
                a["content_entries"] += 1
                a["content_words"] += len(t)
                if len(a["examples"]) < 3:
                    a["examples"].append(_short(r.get("text") or "", 100))
    return dict(sorted(agg.items(), key=lambda kv: -kv[1]["content_words"]))


def worst_pages(key, scores, ids, truths, preds, docs_by_id, rejects, domains, n=10, vs=None):
    pages = scores[key]["pages"]
    if vs is None:
        order = sorted(ids, key=lambda i: (pages[i]["sh4"] + pages[i]["word"]) / 2)
    else:
        base = scores[vs]["pages"]
        order = sorted(ids, key=lambda i: -((base[i]["sh4"] + base[i]["word"]) / 2
                                            - (pages[i]["sh4"] + pages[i]["word"]) / 2))
    out = []
    for i in order[:n]:
        row = docs_by_id.get(i) or {}
        kept, missing = page_errors(truths[i], preds[key].get(i, ""), row.get("removed"))
        d = {"id": i, "domain": domains.get(i, ""), "sh4_f1": pages[i]["sh4"], "word_f1": pages[i]["word"],
             "sh4_p": pages[i]["sh4_p"], "sh4_r": pages[i]["sh4_r"],
             "kept_wrongly": {"lines": len(kept), "words": sum(len(_toks(x)) for x in kept),
                              "examples": [_short(x) for x in kept[:5]]},
             "removed_wrongly": {"units": len(missing), "words": sum(len(_toks(u)) for u, _ in missing),
                                 "by_rule": dict(Counter(r or "no removed entry" for _, r in missing)),
                                 "examples": [[_short(u), r] for u, r in missing[:5]]}}
        if i in rejects:
            d["rejected"] = f"{rejects[i].get('reason')}: {_short(rejects[i].get('detail') or '', 80)}"
        if vs is not None:
            b = scores[vs]["pages"][i]
            d["vs"] = {"key": vs, "sh4_f1": b["sh4"], "word_f1": b["word"]}
        out.append(d)
    return out


def common_kept(key, ids, truths, preds, top=15):
    """Lines kept wrongly on most pages (boilerplate that slips through)."""
    pages_with, words = Counter(), Counter()
    example = {}
    for i in ids:
        tref = Ref(truths[i])
        seen = set()
        for ln in preds[key].get(i, "").splitlines():
            t = _toks(ln)
            if not t or tref.coverage(t) >= 0.5:
                continue
            k = " ".join(t)[:80]
            words[k] += len(t)
            if k not in seen:
                seen.add(k)
                pages_with[k] += 1
                example.setdefault(k, ln.strip())
    ranked = sorted(pages_with, key=lambda k: (-pages_with[k], -words[k]))
    return [{"pages": pages_with[k], "line": _short(example[k], 100)} for k in ranked[:top]
            if pages_with[k] > 1]

# ------------------------------------------------------------------ report ---


def fmt_table(scores):
    head = (f"{'':32} {'ROUGE-LSum':^20} | {'shingle4 (ScrapingHub)':^20} | {'word-f1 (WCXB)':^20} | empty\n"
            f"{'':32} {'P':>6} {'R':>6} {'F1':>6} | {'P':>6} {'R':>6} {'F1':>6} | {'P':>6} {'R':>6} {'F1':>6} |")
    lines = [head]
    for key, label in ROWS:
        if key not in scores:
            continue
        s = scores[key]["summary"]
        r, sh, w = s["rouge-lsum"], s["shingle4"], s["word-f1"]
        empty = scores[key].get("empty", 0)
        lines.append(f"{label:32} {r['precision']:6.3f} {r['recall']:6.3f} {r['f1']:6.3f} | "
                     f"{sh['precision']:6.3f} {sh['recall']:6.3f} {sh['f1']:6.3f} | "
                     f"{w['precision']:6.3f} {w['recall']:6.3f} {w['f1']:6.3f} | {empty:5d}")
    return "\n".join(lines)


def print_worst(title, rows):
    say(f"\n--- {title} ---")
    for d in rows:
        extra = ""
        if "vs" in d:
            extra = f"   (trafilatura sh4 {d['vs']['sh4_f1']:.3f} word {d['vs']['word_f1']:.3f})"
        say(f"{d['id'][:16]}  {d['domain'][:28]:28} sh4 F1 {d['sh4_f1']:.3f} (P {d['sh4_p']:.2f} R {d['sh4_r']:.2f})"
            f"  word F1 {d['word_f1']:.3f}{extra}")
        if d.get("rejected"):
            say(f"    REJECTED {d['rejected']}")
        k, m = d["kept_wrongly"], d["removed_wrongly"]
        if k["lines"]:
            say(f"    kept wrongly: {k['lines']} lines, {k['words']} words")
            for x in k["examples"]:
                say(f"      + {x}")
        if m["units"]:
            rules = ", ".join(f"{r} {c}" for r, c in sorted(m["by_rule"].items(), key=lambda kv: -kv[1]))
            say(f"    removed wrongly: {m['units']} sentences, {m['words']} words  [{rules}]")
            for u, r in m["examples"]:
                say(f"      - {u}" + (f"   [{r}]" if r else ""))


def main(argv=None) -> int:
    global QUIET
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dataset", type=Path, help="folder with html/ID.html and truth/ID.txt")
    ap.add_argument("--title-in-truth", action="store_true",
                    help="the truth starts with the headline: prepend title + blank line to predictions")
    ap.add_argument("--limit", type=int, help="first N pages (sorted by ID) only")
    ap.add_argument("--json", action="store_true", help="print one JSON object (progress to stderr)")
    ap.add_argument("--config", type=Path, default=DEFAULT_CONFIG)
    ap.add_argument("--workers", type=int, default=2, help="backfill --workers (0: do not pass it)")
    ap.add_argument("--jobs", type=int, default=2, help="parallel trafilatura / scorer processes")
    ap.add_argument("--scorer", type=Path, default=Path(os.environ.get("CLEANCORPUS_SCORER", DEFAULT_SCORER)))
    ap.add_argument("--worst", type=int, default=10, help="worst pages shown per path")
    ap.add_argument("--no-pipeline", action="store_true", help="baselines only (no cleancorpus runs)")
    ap.add_argument("--keep", type=Path, help="work in this folder and keep it (default: temp, removed)")
    a = ap.parse_args(argv)
    QUIET = a.json
    t_all = time.perf_counter()
    timer = Timer()
    ds = a.dataset.resolve()
    config = a.config.resolve()
    if not a.scorer.exists():
        sys.exit(f"scorer not found: {a.scorer} (set --scorer or CLEANCORPUS_SCORER)")

    tmp = Path(tempfile.mkdtemp(prefix="ccquality-")) if not a.keep else a.keep.resolve()
    if a.keep:
        if tmp.exists():
            shutil.rmtree(tmp)
        tmp.mkdir(parents=True)
    notes: list[str] = []
    try:
        drift = check_config_drift(config)
        if drift:
            notes.append("bench/quality.toml differs from config/default.toml beyond its overrides; "
                         "re-copy it: " + "; ".join(drift))

        say(f"dataset {ds}  work dir {tmp}")
        with timer("prepare (links, read truth)"):
            ids = load_ids(ds, a.limit)
            meta = load_meta(ds)
            for sub in ("html", "truth", "txt", "pred", "logs"):
                (tmp / sub).mkdir()
            for i in ids:
                os.symlink(ds / "html" / f"{i}.html", tmp / "html" / f"{i}.html")
                os.symlink(ds / "truth" / f"{i}.txt", tmp / "truth" / f"{i}.txt")
            truths = {i: (ds / "truth" / f"{i}.txt").read_text(encoding="utf-8", errors="replace") for i in ids}
            domains = {i: (urlsplit(meta[i]["url"]).hostname or "").removeprefix("www.")
                       for i in ids if meta.get(i, {}).get("url")}
        say(f"{len(ids)} pages")

        with timer("flatten HTML -> txt/ (bench/flatten.py)"):
            for i in ids:
                html = decode_html((ds / "html" / f"{i}.html").read_bytes(), meta.get(i, {}).get("encoding"))
                (tmp / "txt" / f"{i}.txt").write_text(flatten_html(html), encoding="utf-8")

        with timer("trafilatura baselines (default, favor_precision, favor_recall)"):
            errs = run_trafilatura(ids, ds, meta, tmp / "pred", a.jobs)
            if errs:
                notes.append(f"trafilatura raised on {errs} page/variant pairs (scored empty)")

        pred_dirs = {k: tmp / "pred" / k for k in TRAF_VARIANTS}
        pred_dirs["flat"] = tmp / "txt"
        docs, rejs = {}, {}
        cli = None if a.no_pipeline else find_cli()
        if not a.no_pipeline and cli is None:
            notes.append("cleancorpus CLI not found next to the interpreter nor on PATH: pipeline paths skipped")
        if cli:
            for key, sub in CC_PATHS.items():
                out = tmp / f"out_{sub}"
                log = tmp / "logs" / f"backfill_{sub}.log"
                with timer(f"cleancorpus backfill {sub}/ ({len(ids)} files)"):
                    rc = run_backfill(cli, tmp / sub, out, config, a.workers, log)
                if rc:
                    tail = log.read_text(errors="replace").strip().splitlines()[-8:]
                    notes.append(f"backfill {sub}/ exited {rc}; path skipped. Log tail:\n      "
                                 + "\n      ".join(tail))
                    continue
                docs[key], rejs[key], n = collect_pipeline(out, ids, tmp / "pred" / key, a.title_in_truth)
                notes.extend(f"{key}: {x}" for x in n)
                pred_dirs[key] = tmp / "pred" / key

        with timer(f"score {len(pred_dirs)} prediction sets (score.py --metric all)"):
            order = sorted(pred_dirs, key=lambda k: k not in ("flat", "cc_txt"))  # slowest first
            with ThreadPoolExecutor(a.jobs) as ex:
                futs = {k: ex.submit(run_scorer, a.scorer, tmp / "truth", pred_dirs[k],
                                     tmp / "logs" / f"perpage_{k}.jsonl") for k in order}
                scores = {k: f.result() for k, f in futs.items()}
            preds = {k: {i: (pred_dirs[k] / f"{i}.txt").read_text(encoding="utf-8")
                         if (pred_dirs[k] / f"{i}.txt").exists() else "" for i in ids} for k in pred_dirs}
            for k in scores:
                scores[k]["empty"] = sum(1 for i in ids if not preds[k][i].strip())

        with timer("error analysis"):
            worst, audits, commons, reject_counts = {}, {}, {}, {}
            for key in CC_PATHS:
                if key not in scores:
                    continue
                worst[key] = worst_pages(key, scores, ids, truths, preds, docs[key], rejs[key], domains, a.worst)
                if key == "cc_html":
                    worst["cc_html_vs_traf"] = worst_pages(key, scores, ids, truths, preds, docs[key],
                                                           rejs[key], domains, a.worst, vs="traf")
                audits[key] = rule_audit(docs[key], truths)
                commons[key] = common_kept(key, ids, truths, preds)
                reject_counts[key] = {"total": len(rejs[key]),
                                      "by_reason": dict(Counter(r.get("reason") for r in rejs[key].values())),
                                      "ids": {i[:16]: f"{r.get('reason')}: {_short(r.get('detail') or '', 80)}"
                                              for i, r in rejs[key].items()}}
    finally:
        total = time.perf_counter() - t_all
        if not a.keep:
            shutil.rmtree(tmp, ignore_errors=True)

    splitter = next(iter(scores.values()))["summary"]["rouge-lsum"].get("sentence_splitter", "")
    if a.json:
        print(json.dumps({
            "dataset": str(ds), "pages": len(ids), "config": str(config), "title_in_truth": a.title_in_truth,
            "sentence_splitter": splitter,
            "scores": {k: {**v["summary"], "empty_predictions": v["empty"]} for k, v in scores.items()},
            "rejects": reject_counts, "worst": worst, "rule_audit": audits, "common_kept_wrongly": commons,
            "timings_s": {**{n: round(t, 2) for n, t in timer.steps}, "total": round(total, 2)},
            "notes": notes}, indent=1, ensure_ascii=False))
        return 0

    say(f"\n=== {ds.name}: {len(ids)} pages, config {config.relative_to(ROOT) if config.is_relative_to(ROOT) else config}"
        f"{', title prepended' if a.title_in_truth else ''} ===")
    say(fmt_table(scores))
    say("shingle4 F1 = F1 of mean P and mean R (ScrapingHub); ROUGE/word: mean over pages. "
        "empty = pages with an empty prediction (rejected, or extraction gave nothing).")
    if splitter.startswith("regex"):
        say("ROUGE-LSum sentence splitter: regex fallback (approximate, ~0.0001)")
    for key, rc in reject_counts.items():
        say(f"\n{key}: {rc['total']} of {len(ids)} rejected "
            + (", ".join(f"{r} {n}" for r, n in rc["by_reason"].items()) if rc["total"] else ""))
        for i, why in list(rc["ids"].items())[:10]:
            say(f"    {i}  {why}")
    for key, rows in worst.items():
        title = {"cc_html": "worst pages, cleancorpus HTML path (lowest mean of shingle4 F1 and word F1)",
                 "cc_html_vs_traf": "worst pages, cleancorpus HTML path vs trafilatura alone (largest loss)",
                 "cc_txt": "worst pages, cleancorpus plain-text path (lowest mean of shingle4 F1 and word F1)"}[key]
        print_worst(title, rows)
    for key, audit in audits.items():
        say(f"\n--- what cleaning removed, {key} (content = >=3 words, mostly found in the truth) ---")
        say(f"{'rule':24} {'removed':>8} {'words':>7} {'content':>8} {'c.words':>8}  example of content removed")
        for rule, d in audit.items():
            ex = d["examples"][0] if d["examples"] else ""
            say(f"{rule[:24]:24} {d['entries']:8d} {d['words']:7d} {d['content_entries']:8d} "
                f"{d['content_words']:8d}  {_short(ex, 70)}")
        if not audit:
            say("(no `removed` entries)")
    for key, rows in commons.items():
        say(f"\n--- boilerplate kept on most pages, {key} (pages: line) ---")
        for d in rows:
            say(f"{d['pages']:4d}: {d['line']}")
        if not rows:
            say("(no wrongly kept line on more than one page)")
    if notes:
        say("\nnotes:")
        for n in notes:
            say("  - " + n)
    say("\nwall time per step:")
    for n, t in timer.steps:
        say(f"  {t:6.1f}s  {n}")
    say(f"  {total:6.1f}s  total")
    return 0


if __name__ == "__main__":
    sys.exit(main())
