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
import hashlib
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
    """Keys the bench config sets beyond its intended overrides (it overlays the defaults, so
    any other key it sets makes the bench measure something other than what users run)."""
    if config.resolve() != DEFAULT_CONFIG:
        return []
    b = tomllib.loads(config.read_text(encoding="utf-8"))
    return [f"[{sec}] {k} = {v!r}" for sec, keys in sorted(b.items()) if isinstance(keys, dict)
            for k, v in sorted(keys.items()) if (sec, k) not in CONFIG_OVERRIDES]

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


def run_trafilatura(ids, ds, meta, pred_root: Path, jobs: int, use_cache: bool = True):
    """Write pred_root/<variant>/ID.txt; outputs cached by trafilatura version and page bytes."""
    import trafilatura
    version = getattr(trafilatura, "__version__", "?")
    for name in TRAF_VARIANTS:
        (pred_root / name).mkdir(parents=True, exist_ok=True)
    cdir = _cache_dir().parent / "trafilatura" / version
    results, todo = {}, []
    for i in ids:
        path = ds / "html" / f"{i}.html"
        enc = meta.get(i, {}).get("encoding")
        key = hashlib.sha256(path.read_bytes() + repr((enc, sorted(TRAF_VARIANTS.items()))).encode()
                             ).hexdigest()[:32] if use_cache else None
        cf = cdir / f"{key}.json" if key else None
        if cf and cf.exists():
            try:
                results[i] = json.loads(cf.read_text(encoding="utf-8"))
                continue
            except (OSError, ValueError):
                pass
        todo.append((i, cf, (str(path), enc)))
    if todo:
        with ProcessPoolExecutor(max(1, jobs)) as ex:
            for (i, cf, _), res in zip(todo, ex.map(_traf_one, [t[2] for t in todo], chunksize=8)):
                results[i] = res
                if cf and not any(k.endswith("_error") for k in res):
                    try:
                        cf.parent.mkdir(parents=True, exist_ok=True)
                        cf.write_text(json.dumps(res), encoding="utf-8")
                    except OSError:
                        pass
    errors = 0
    for i in ids:
        for name in TRAF_VARIANTS:
            (pred_root / name / f"{i}.txt").write_text(results[i][name], encoding="utf-8")
            errors += (name + "_error") in results[i]
    return errors, len(ids) - len(todo)


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
    if r.returncode and workers and "No such option: --workers" in log.read_text(errors="replace"):
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
    rows_of, notes = defaultdict(list), []
    for row in docs:
        i = _stem(row.get("source_uri"))
        if i not in wanted:
            notes.append(f"document from unexpected source {row.get('source_uri')!r}")
            continue
        rows_of[i].append(row)
    by_id = {}
    for i, rows in rows_of.items():
        if len(rows) > 1:
            notes.append(f"{i[:16]}: {len(rows)} documents from one page, scored the longest")
        by_id[i] = max(rows, key=lambda r: len(r.get("text") or ""))
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


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "cleancorpus-bench" / "scores"


def _score_key(scorer: Path, metric: str, ids, truth: Path, pred: Path) -> str:
    """Hash of everything a score depends on: scorer source, metric, truth and prediction texts."""
    h = hashlib.sha256(scorer.read_bytes())
    h.update(metric.encode() + b"\0")
    for i in ids:
        h.update(i.encode() + b"\0" + (truth / f"{i}.txt").read_bytes() + b"\0")
        pf = pred / f"{i}.txt"
        h.update(pf.read_bytes() + b"\1" if pf.exists() else b"\2")
    return h.hexdigest()[:32]


def _score_one(scorer: Path, metric: str, truth: Path, pred: Path, per_page: Path, ids, use_cache: bool):
    key = _score_key(scorer, metric, ids, truth, pred) if use_cache else None
    cfile = _cache_dir() / f"{key}.json" if key else None
    if cfile and cfile.exists():
        try:
            d = json.loads(cfile.read_text(encoding="utf-8"))
            per_page.write_text("".join(json.dumps(x) + "\n" for x in d["per_page"]), encoding="utf-8")
            return d["summary"], d["per_page"], True
        except (OSError, ValueError, KeyError):
            pass
    cmd = [sys.executable, str(scorer), "--truth", str(truth), "--pred", str(pred),
           "--metric", metric, "--json", "--per-page", str(per_page)]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode:
        raise RuntimeError(f"scorer failed on {pred}: {r.stderr.strip()[-500:]}")
    summary = json.loads(r.stdout)
    per = [json.loads(line) for line in per_page.open(encoding="utf-8") if line.strip()]
    if cfile:
        try:
            cfile.parent.mkdir(parents=True, exist_ok=True)
            tmpf = cfile.with_suffix(f".tmp{os.getpid()}")
            tmpf.write_text(json.dumps({"summary": summary, "per_page": per}), encoding="utf-8")
            os.replace(tmpf, cfile)
        except OSError:
            pass
    return summary, per, False


def run_scorer(scorer: Path, truth: Path, pred: Path, per_page: Path, ids, metrics=("all",),
               use_cache=True) -> dict:
    """Shared scorer on one prediction folder; summary as printed by it plus per-page F1s."""
    t0 = time.perf_counter()
    summary, per_id, cached = {}, defaultdict(dict), True
    for m in metrics:
        pp = per_page.with_name(per_page.stem + f".{m}.jsonl")
        s_, per, c = _score_one(scorer, m, truth, pred, pp, ids, use_cache)
        cached &= c
        summary.update(s_)
        for d in per:
            per_id[d["id"]].update(d)
    pages = {}
    for i, d in per_id.items():
        e = {}
        if "rouge_lsum" in d:
            e["rouge"] = d["rouge_lsum"][2]
        if "shingle4_tp_fp_fn" in d:
            tp, fp, fn = d["shingle4_tp_fp_fn"]
            p = 1.0 if fp == 0 and fn == 0 else (tp / (tp + fp) if tp + fp else 0.0)
            rc = 1.0 if fp == 0 and fn == 0 else (tp / (tp + fn) if tp + fn else 0.0)
            e.update(sh4=2 * p * rc / (p + rc) if p + rc else 0.0, sh4_p=p, sh4_r=rc)
        if "word_f1" in d:
            e.update(word=d["word_f1"][2], word_p=d["word_f1"][0], word_r=d["word_f1"][1])
        pages[i] = e
    return {"summary": summary, "pages": pages, "cached": cached,
            "seconds": time.perf_counter() - t0}

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


def page_errors(truth: str, pred: str, removed=None, unknown="no removed entry"):
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
        out_missing.append((u, rule or unknown))
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
            if t and len(t) >= 3 and tref.coverage(t) >= 0.8:
                a["content_entries"] += 1
                a["content_words"] += len(t)
                if len(a["examples"]) < 3:
                    a["examples"].append(_short(r.get("text") or "", 100))
    return dict(sorted(agg.items(), key=lambda kv: -kv[1]["content_words"]))


def _mean_f1(page):
    return (page["sh4"] + page["word"]) / 2


def explain_drops(cli, path: Path, config: Path) -> list[dict]:
    """`cleancorpus explain`'s DROP lines of one input, as removed entries (rule, text)."""
    try:
        r = subprocess.run([cli, "explain", str(path), "--config", str(config)], capture_output=True,
                           text=True, cwd=str(ROOT), timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return []
    out = []
    for line in r.stdout.splitlines():
        m = re.match(r"\s*DROP \[([^\]]+)\]\s+(.*)", line)
        if m:
            out.append({"rule": m.group(1), "text": m.group(2)})
    return out


def worst_pages(key, scores, ids, truths, preds, docs_by_id, rejects, domains, n=10, vs=None,
                explained=None):
    pages = scores[key]["pages"]
    if vs is None:
        order = sorted(ids, key=lambda i: _mean_f1(pages[i]))
    else:
        base = scores[vs]["pages"]
        loss = {i: _mean_f1(base[i]) - _mean_f1(pages[i]) for i in ids}
        order = [i for i in sorted(ids, key=lambda i: -loss[i]) if loss[i] > 0.005]
    unknown = "not in extraction" if key == "cc_html" else "no removed entry"
    out = []
    for i in order[:n]:
        row = docs_by_id.get(i) or {}
        removed = row.get("removed")
        if i in rejects:
            removed = (explained or {}).get((key, i))
            unknown = "rejected, rule not shown"
        kept, missing = page_errors(truths[i], preds[key].get(i, ""), removed, unknown)
        d = {"id": i, "domain": domains.get(i, ""), "sh4_f1": pages[i]["sh4"], "word_f1": pages[i]["word"],
             "sh4_p": pages[i]["sh4_p"], "sh4_r": pages[i]["sh4_r"],
             "kept_wrongly": {"lines": len(kept), "words": sum(len(_toks(x)) for x in kept),
                              "examples": [_short(x) for x in kept[:5]]},
             "removed_wrongly": {"units": len(missing), "words": sum(len(_toks(u)) for u, _ in missing),
                                 "by_rule": dict(Counter(r for _, r in missing)),
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


def folded_chars(preds, key, ids, truths, min_count=30):
    """Punctuation that the truth sentences a prediction kept use, but the prediction (nearly)
    never does: normalization at work (quote folding...), which costs ROUGE-LSum (whitespace tokens)."""
    tc, kc = Counter(), Counter()
    for i in ids:
        pred = preds[key].get(i, "")
        if not pred.strip():
            continue
        pref = Ref(pred)
        kc.update(ch for ch in pred if not ch.isalnum() and not ch.isspace())
        for u in _units(truths[i]):
            if pref.coverage(_toks(u)) >= 0.5:
                tc.update(ch for ch in u if not ch.isalnum() and not ch.isspace())
    return [{"char": ch, "in_kept_truth": tc[ch], "in_prediction": kc[ch]}
            for ch, _ in tc.most_common() if tc[ch] >= min_count and kc[ch] < 0.2 * tc[ch]]


def fmt_table(scores):
    head = (f"{'':32} {'ROUGE-LSum':^20} | {'shingle4 (ScrapingHub)':^20} | {'word-f1 (WCXB)':^20} | empty\n"
            f"{'':32} {'P':>6} {'R':>6} {'F1':>6} | {'P':>6} {'R':>6} {'F1':>6} | {'P':>6} {'R':>6} {'F1':>6} |")
    lines = [head]

    def cells(d):
        if not d:
            return f"{'-':>6} {'-':>6} {'-':>6}"
        return f"{d['precision']:6.3f} {d['recall']:6.3f} {d['f1']:6.3f}"
    for key, label in ROWS:
        if key not in scores:
            continue
        s = scores[key]["summary"]
        lines.append(f"{label:32} {cells(s.get('rouge-lsum'))} | {cells(s.get('shingle4'))} | "
                     f"{cells(s.get('word-f1'))} | {scores[key].get('empty', 0):5d}")
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
                say(f"      - {u}   [{r}]")


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
    ap.add_argument("--variants-rouge", action="store_true",
                    help="ROUGE-LSum for the favor_precision / favor_recall rows too (+~20 s CPU)")
    ap.add_argument("--no-cache", action="store_true",
                    help="always run trafilatura and the scorer (default: reuse trafilatura output of "
                         "identical pages and scores of identical truth+prediction sets, from "
                         "~/.cache/cleancorpus-bench)")
    ap.add_argument("--sequential", action="store_true",
                    help="no scoring while the pipeline runs (cleaner per-step times, longer total)")
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
            notes.append("bench/quality.toml sets keys beyond its overrides (it should hold only those): "
                         + "; ".join(drift))

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
            errs, cached = run_trafilatura(ids, ds, meta, tmp / "pred", a.jobs, not a.no_cache)
            if cached:
                say(f"    trafilatura output of {cached} pages from the cache")
            if errs:
                notes.append(f"trafilatura raised on {errs} page/variant pairs (scored empty)")

        pred_dirs = {k: tmp / "pred" / k for k in TRAF_VARIANTS}
        pred_dirs["flat"] = tmp / "txt"
        light = ("shingle4", "word-f1")     # ROUGE-LSum is ~95% of the scorer's time

        def metrics_of(k):
            return light if k in ("traf_precision", "traf_recall") and not a.variants_rouge else ("all",)

        pool = ThreadPoolExecutor(max(1, a.jobs))
        score_futs, explain_futs = {}, {}

        def submit_score(k):
            score_futs[k] = pool.submit(run_scorer, a.scorer, tmp / "truth", pred_dirs[k],
                                        tmp / "logs" / f"perpage_{k}.jsonl", ids, metrics_of(k), not a.no_cache)

        baselines = ["flat", "traf", "traf_precision", "traf_recall"]   # slowest first
        if not a.sequential:                 # score the baselines while the pipeline runs
            for k in baselines:
                submit_score(k)
        docs, rejs = {}, {}
        cli = None if a.no_pipeline else find_cli()
        if not a.no_pipeline and cli is None:
            notes.append("cleancorpus CLI not found next to the interpreter nor on PATH: pipeline paths skipped")
        if cli:
            for key, sub in CC_PATHS.items():
                out = tmp / f"out_{sub}"
                log = tmp / "logs" / f"backfill_{sub}.log"
                with timer(f"cleancorpus backfill {sub}/ ({len(ids)} files)"
                           + ("" if a.sequential else ", baselines scored meanwhile")):
                    rc = run_backfill(cli, tmp / sub, out, config, a.workers, log)
                if rc:
                    tail = log.read_text(errors="replace").strip().splitlines()[-8:]
                    notes.append(f"backfill {sub}/ exited {rc}; path skipped. Log tail:\n      "
                                 + "\n      ".join(tail))
                    continue
                docs[key], rejs[key], n = collect_pipeline(out, ids, tmp / "pred" / key, a.title_in_truth)
                notes.extend(f"{key}: {x}" for x in n)
                pred_dirs[key] = tmp / "pred" / key
        if a.sequential:
            for k in baselines:
                submit_score(k)
        for k in ("cc_txt", "cc_html"):
            if k in pred_dirs:
                submit_score(k)
        # rejected pages score 0, so they head the worst lists: ask `explain` which rules emptied them
        if a.worst:
            for key, sub in CC_PATHS.items():
                if key not in rejs:
                    continue
                rej_ids = [i for i in ids if i in rejs[key]]
                ext = ".html" if sub == "html" else ".txt"
                for i in rej_ids[:2 * a.worst]:
                    explain_futs[(key, i)] = pool.submit(explain_drops, cli, tmp / sub / f"{i}{ext}", config)
                if len(rej_ids) > 2 * a.worst:
                    notes.append(f"{key}: `explain` run on the first {2 * a.worst} of {len(rej_ids)} rejected pages only")

        what = f"score {len(score_futs)} prediction sets" + (f", explain {len(explain_futs)} rejected pages"
                                                             if explain_futs else "")
        with timer(what + ("" if a.sequential else " (rest after the backfills)")):
            scores = {k: f.result() for k, f in score_futs.items()}
            explained = {k: f.result() for k, f in explain_futs.items()}
            pool.shutdown()
            preds = {k: {i: (pred_dirs[k] / f"{i}.txt").read_text(encoding="utf-8")
                         if (pred_dirs[k] / f"{i}.txt").exists() else "" for i in ids} for k in pred_dirs}
            for k in scores:
                scores[k]["empty"] = sum(1 for i in ids if not preds[k][i].strip())
        say("    scorer runs: " + ", ".join(f"{k} {v['seconds']:.1f}s" + (" (cached)" if v["cached"] else "")
                                           for k, v in scores.items()))

        with timer("error analysis"):
            worst, audits, commons, reject_counts, versus, folded = {}, {}, {}, {}, {}, {}
            for key in CC_PATHS:
                if key not in scores:
                    continue
                worst[key] = worst_pages(key, scores, ids, truths, preds, docs[key], rejs[key], domains,
                                         a.worst, explained=explained)
                if key == "cc_html":
                    worst["cc_html_vs_traf"] = worst_pages(key, scores, ids, truths, preds, docs[key],
                                                           rejs[key], domains, a.worst, vs="traf",
                                                           explained=explained)
                    cc, tr = scores[key]["pages"], scores["traf"]["pages"]
                    d = {i: _mean_f1(cc[i]) - _mean_f1(tr[i]) for i in ids}
                    versus["cc_html_vs_traf"] = {"better": sum(v > 0.01 for v in d.values()),
                                                 "worse": sum(v < -0.01 for v in d.values()),
                                                 "same": sum(abs(v) <= 0.01 for v in d.values())}
                if key == "cc_txt":
                    cc, fl = scores[key]["pages"], scores["flat"]["pages"]
                    d = {i: _mean_f1(cc[i]) - _mean_f1(fl[i]) for i in ids}
                    versus["cc_txt_vs_flat"] = {"better": sum(v > 0.01 for v in d.values()),
                                                "worse": sum(v < -0.01 for v in d.values()),
                                                "same": sum(abs(v) <= 0.01 for v in d.values())}
                audits[key] = rule_audit(docs[key], truths)
                folded[key] = folded_chars(preds, key, ids, truths)
                commons[key] = common_kept(key, ids, truths, preds)
                reject_counts[key] = {"total": len(rejs[key]),
                                      "by_reason": dict(Counter(r.get("reason") for r in rejs[key].values())),
                                      "ids": {i[:16]: f"{r.get('reason')}: {_short(r.get('detail') or '', 80)}"
                                              for i, r in rejs[key].items()}}
    finally:
        total = time.perf_counter() - t_all
        if not a.keep:
            shutil.rmtree(tmp, ignore_errors=True)

    splitter = next((v["summary"]["rouge-lsum"].get("sentence_splitter", "") for v in scores.values()
                     if "rouge-lsum" in v["summary"]), "")
    if a.json:
        print(json.dumps({
            "dataset": str(ds), "pages": len(ids), "config": str(config), "title_in_truth": a.title_in_truth,
            "sentence_splitter": splitter,
            "scores": {k: {**v["summary"], "empty_predictions": v["empty"]} for k, v in scores.items()},
            "per_page_vs_baseline": versus, "rejects": reject_counts, "worst": worst, "rule_audit": audits,
            "common_kept_wrongly": commons, "folded_chars": folded,
            "timings_s": {**{n: round(t, 2) for n, t in timer.steps}, "total": round(total, 2)},
            "scorer_runs": {k: {"seconds": round(v["seconds"], 2), "cached": v["cached"]} for k, v in scores.items()},
            "notes": notes}, indent=1, ensure_ascii=False))
        return 0

    say(f"\n=== {ds.name}: {len(ids)} pages, config {config.relative_to(ROOT) if config.is_relative_to(ROOT) else config}"
        f"{', title prepended' if a.title_in_truth else ''} ===")
    say(fmt_table(scores))
    say("shingle4 F1 = F1 of mean P and mean R (ScrapingHub); ROUGE/word: mean over pages. "
        "empty = pages with an empty prediction (rejected, or extraction gave nothing)."
        + ("" if a.variants_rouge else " '-': not computed (--variants-rouge computes it)."))
    if splitter.startswith("regex"):
        say("ROUGE-LSum sentence splitter: regex fallback (approximate, ~0.0001)")
    for k, v in versus.items():
        a_, b_ = k.split("_vs_")
        say(f"pages where {a_} beats {b_} (mean of shingle4 and word F1, by > 0.01): better {v['better']}, "
            f"worse {v['worse']}, same {v['same']}")
    for key, rows in folded.items():
        if rows:
            say(f"{key} folds characters the truth it kept has: " + ", ".join(
                f"{d['char']!r} {d['in_kept_truth']}->{d['in_prediction']}" for d in rows)
                + " (ROUGE-LSum compares whitespace tokens case- and character-exactly: this costs ROUGE)")
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
        say(f"\n--- what cleaning removed, {key} (content = >=3 words, >=80% found in the truth) ---")
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
