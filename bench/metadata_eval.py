#!/usr/bin/env python3
"""Page metadata (title, author, publication date) against the WCXB dev labels.

    .venv/bin/python bench/metadata_eval.py [--old REV] [--tune] [--examples N]
        [--example-folds 0,1,2,3] [--limit N] [--json OUT]

Systems, each on its own parse of the page (trafilatura.utils.load_html) and timed alone:

  new          cleancorpus.pipeline.extraction.metadata.page_metadata (the working tree)
  trafilatura  trafilatura.extract_metadata(tree, default_url=url), its defaults
  old          with --old REV: page_metadata and the extraction modules it imports (byline,
               dates ...) as committed at REV (read with `git show`, nothing in the repository changes)

Scores per fold (/work/shared/bench/extraction/folds.json, no site in two folds) and pooled,
on all pages and on article pages only. The definitions are printed with the tables.

--tune: the choices page_metadata leaves open (metadata.VARIANTS) are chosen by
cross-validation: for each fold the variant best on the other four folds (sum of the three
fields' right counts, all pages) is applied to that fold, and the held-out figures are those.

Examples of misses are printed by category, from --example-folds only (default 0-3: fold 4
is kept out of sight while rules are written, a last check nobody looked at).
"""
from __future__ import annotations

import argparse
import gzip
import hashlib
import importlib
import importlib.machinery
import importlib.util
import json
import re
import subprocess
import sys
import time
import types
import unicodedata
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DATA = Path("/work/shared/bench/extraction/wcxb-dev")
FOLDS = Path("/work/shared/bench/extraction/folds.json")
FIELDS = ("title", "author", "date")

DEFINITIONS = """\
right, strict:
  title   prediction == label after normalisation: Unicode NFKC, casefold, typographic quotes and
          dashes folded to ' " -, whitespace collapsed, trailing punctuation (.,;:!?…|-·) stripped
  author  label empty => right only when the prediction is empty; else the two, split on
          "," " and " "&" ";" into names and each name normalised as above, are equal as sets
  date    label empty => right only when the prediction is empty; else the same calendar day
          (YYYY-MM-DD; a label given to the month only, YYYY-MM, needs the same month)
right, lenient:
  title   the normalised label is contained in the normalised prediction or vice versa
          (both non-empty), or strictly right (an empty label and an empty prediction)
  author  the name sets share at least one name (or both empty)
  date    within one day of the label (time zones), or strictly right
date, labelled pages ("dated" column):
  the strict date verdict above, over the pages whose label gives a date only (a page labelled
  undated counts for nothing, whatever is predicted): the share of dated pages given their day"""

_QUOTES = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "`": "'", "\u00b4": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"', "\u00ab": '"', "\u00bb": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-", "\u2212": "-",
    "\u00a0": " ",
})
_TRAIL = ".,;:!?\u2026|-\u00b7 "
_AUTHOR_SPLIT = re.compile(r"\s*(?:,|;|&|\band\b)\s*", re.I)


def norm(s: str | None) -> str:
    if not s:
        return ""
    s = unicodedata.normalize("NFKC", str(s)).translate(_QUOTES).casefold()
    s = " ".join(s.split())
    return s.rstrip(_TRAIL).lstrip()


def authors(s: str | None) -> frozenset[str]:
    if not s:
        return frozenset()
    s = unicodedata.normalize("NFKC", str(s)).translate(_QUOTES)
    return frozenset(n for n in (norm(p) for p in _AUTHOR_SPLIT.split(s)) if n)


def day(s: Any) -> str:
    """YYYY-MM-DD (or YYYY-MM) of a date string, '' when there is none."""
    if not s:
        return ""
    m = re.match(r"\s*(\d{4})-(\d{2})(?:-(\d{2}))?", str(s))
    if not m:
        return ""
    return "-".join(g for g in m.groups() if g)


def dated(field: str, label: Any) -> bool:
    """Does the page count for the "dated" figure: a date field whose label gives a day (or a
    month)? The figure is judge's strict verdict over those pages alone."""
    return field == "date" and bool(day(label))


def judge(field: str, label: Any, pred: Any) -> tuple[bool, bool, str]:
    """(strict right, lenient right, miss category)."""
    if field == "title":
        lab, prd = norm(label), norm(pred)
        if lab == prd:
            return True, True, "right"
        if not prd:
            return False, False, "empty prediction"
        if not lab:
            return False, False, "title where the label has none"
        if lab in prd:
            return False, True, "prediction longer (site name or more kept)"
        if prd in lab:
            return False, True, "prediction shorter (cut too much)"
        return False, False, "another title"
    if field == "author":
        lab, prd = authors(label), authors(pred)
        if lab == prd:
            return True, True, "right"
        if not prd:
            return False, False, "missed (no prediction)"
        if not lab:
            return False, False, "spurious (label has none)"
        if lab & prd:
            return False, True, "some names right"
        if any(a in b or b in a for a in lab for b in prd):
            return False, False, "name inside a longer string (or part of it)"
        return False, False, "another name"
    lab, prd = day(label), day(pred)
    if lab == prd:
        return True, True, "right"
    if len(lab) == 7 and prd[:7] == lab:
        return True, True, "right"
    if not prd:
        return False, False, "missed (no prediction)"
    if not lab:
        return False, False, "spurious (label has none)"
    from cleancorpus.pipeline.extraction.dates import days_apart  # imported late, as the others: see load_old

    apart = days_apart(lab, prd) if len(lab) == 10 else None
    if apart is not None and apart <= 1:
        return False, True, "one day off (time zone)"
    if prd > lab:
        return False, False, "later date (modified, crawl, comment)"
    return False, False, "earlier date"


# ---------------------------------------------------------------- systems


EXTRACTION = "cleancorpus.pipeline.extraction"


def _git(*args: str) -> str:
    return subprocess.run(["git", "-C", str(ROOT), *args], check=True, capture_output=True, text=True).stdout


class _AtRevision:
    """Imports the modules below cleancorpus.pipeline.extraction as committed at a revision
    (`git show`, nothing in the repository changes), whatever their layout there: metadata.py
    or the metadata/ package, byline.py whole or in parts."""

    def __init__(self, rev: str) -> None:
        self.rev = rev
        self.paths: dict[str, str] = {}  # module name -> its file at rev
        for path in _git("ls-tree", "-r", "--name-only", rev, "pipeline/extraction/").split():
            rel = path.removeprefix("pipeline/extraction/").removesuffix(".py")
            if path.endswith(".py") and rel != "__init__":
                self.paths[f"{EXTRACTION}.{rel.removesuffix('/__init__').replace('/', '.')}"] = path

    def find_spec(self, name: str, path: Any, target: Any = None) -> importlib.machinery.ModuleSpec | None:
        if name not in self.paths:
            return None
        return importlib.util.spec_from_loader(name, self, origin=f"{self.rev}:{self.paths[name]}",
                                               is_package=self.paths[name].endswith("/__init__.py"))

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> None:
        return None

    def exec_module(self, module: types.ModuleType) -> None:
        origin = module.__spec__.origin
        exec(compile(_git("show", origin), origin, "exec"), module.__dict__)  # noqa: S102 - our own committed source


def load_old(rev: str) -> Callable[..., Any]:
    """page_metadata as committed at REV, with the extraction modules of that commit it imports
    (byline, dates ...). The working tree's extraction modules are set aside while REV's are
    imported, then put back: both page_metadata live side by side in one process."""
    package = importlib.import_module(EXTRACTION)
    saved = {n: m for n, m in sys.modules.items() if n.startswith(EXTRACTION + ".")}
    attrs = {n: getattr(package, n) for n in dir(package) if f"{EXTRACTION}.{n}" in saved}
    finder = _AtRevision(rev)
    for n in saved:
        del sys.modules[n]
    sys.meta_path.insert(0, finder)
    try:
        return importlib.import_module(f"{EXTRACTION}.metadata").page_metadata
    finally:
        sys.meta_path.remove(finder)
        for n in [n for n in sys.modules if n.startswith(EXTRACTION + ".")]:
            del sys.modules[n]
        sys.modules.update(saved)
        for n in [n for n in vars(package) if f"{EXTRACTION}.{n}" in finder.paths and n not in attrs]:
            delattr(package, n)
        for n, m in attrs.items():
            setattr(package, n, m)


def _fields(doc: Any) -> dict[str, Any]:
    if doc is None:
        return {"title": None, "author": None, "date": None}
    return {"title": doc.title, "author": doc.author, "date": doc.date}


def pages(limit: int | None) -> list[dict[str, Any]]:
    folds = json.loads(FOLDS.read_text())
    rows = [json.loads(line) for line in (DATA / "meta.jsonl").open()]
    for r in rows:
        r["fold"] = folds[f"wcxb-dev/{r['id']}"]["fold"]
        r["domain"] = folds[f"wcxb-dev/{r['id']}"]["domain"]
    return rows[:limit] if limit else rows


def read_html(pid: str) -> str:
    from cleancorpus.pipeline.inputs.encoding import decode_bytes
    return decode_bytes(gzip.decompress((DATA / "html" / f"{pid}.html.gz").read_bytes()), is_html=True)[0]


def run_system(name: str, fn: Callable[[Any, str], Any], rows: list[dict[str, Any]]) -> tuple[dict[str, dict], float]:
    """{id: fields}, mean ms of CPU per page (the call alone, not the parse; CPU time, not wall
    time, so that other processes on the machine do not count)."""
    from trafilatura.utils import load_html
    out, total = {}, 0.0
    for r in rows:
        tree = load_html(read_html(r["id"]))
        t0 = time.process_time()
        try:
            doc = fn(tree, r["url"])
        except Exception as e:  # noqa: BLE001 - a crash is a miss, reported
            print(f"  {name} {r['id']}: {type(e).__name__}: {e}", file=sys.stderr)
            doc = None
        total += time.process_time() - t0
        out[r["id"]] = _fields(doc)
    return out, 1000 * total / max(1, len(rows))


def cached(cache: Path, key: str, make: Callable[[], tuple[dict, float]]) -> tuple[dict, float]:
    path = cache / f"{hashlib.sha1(key.encode()).hexdigest()[:16]}.json"
    if path.exists():
        d = json.loads(path.read_text())
        return d["preds"], d["ms"]
    preds, ms = make()
    cache.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"key": key, "preds": preds, "ms": ms}))
    return preds, ms


# ---------------------------------------------------------------- scoring

LABEL = {"title": "title", "author": "author", "date": "publish_date"}


def verdicts(rows: list[dict], preds: dict[str, dict]) -> dict[str, dict[str, tuple[bool, bool, str]]]:
    return {r["id"]: {f: judge(f, r.get(LABEL[f]), preds[r["id"]][f]) for f in FIELDS} for r in rows}


def dated_right(rows: list[dict], ver: dict[str, dict]) -> tuple[int, int]:
    """(right, pages) of the "dated" figure: judge's strict date verdict on the pages whose
    label gives a date (dated)."""
    rs = [r for r in rows if dated("date", r.get(LABEL["date"]))]
    return sum(ver[r["id"]]["date"][0] for r in rs), len(rs)


def table(rows: list[dict], systems: dict[str, dict[str, dict]], articles: bool) -> str:
    sel = [r for r in rows if not articles or r["page_type"] == "article"]
    lines = [f"{'system':<22}{'fold':>5}{'pages':>6}  " + "  ".join(f"{f:>6}{'(lenient)':>9}" for f in FIELDS)
             + f"  {'dated':>6}{'pages':>6}"]
    for name, ver in systems.items():
        for fold in [0, 1, 2, 3, 4, "all"]:
            rs = [r for r in sel if fold == "all" or r["fold"] == fold]
            if not rs:
                continue
            cells = []
            for f in FIELDS:
                strict = sum(ver[r["id"]][f][0] for r in rs) / len(rs)
                lenient = sum(ver[r["id"]][f][1] for r in rs) / len(rs)
                cells.append(f"{strict:6.3f}  ({lenient:5.3f})")
            right, n = dated_right(rs, ver)
            cells.append(f"{right / max(1, n):6.3f}{n:>6}")
            lines.append(f"{name if fold == min(r['fold'] for r in sel) else '':<22}{fold:>5}{len(rs):>6}  "
                         + "  ".join(cells))
    return "\n".join(lines)


def examples(rows: list[dict], ver: dict, preds: dict, folds: set[int], n: int, field: str) -> str:
    by_cat: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        if r["fold"] not in folds:
            continue
        ok, _, cat = ver[r["id"]][field]
        if not ok:
            by_cat[cat].append(r)
    out = []
    for cat, rs in sorted(by_cat.items(), key=lambda kv: -len(kv[1])):
        out.append(f"  [{field}] {cat}: {len(rs)}")
        for r in rs[:n]:
            out.append(f"     {r['id']} {r['page_type'][:4]} {r['domain'][:28]:<28} label={r.get(LABEL[field])!r}"
                       f"  got={preds[r['id']][field]!r}")
    return "\n".join(out)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter, epilog=DEFINITIONS)
    ap.add_argument("--old", metavar="REV", help="also score page_metadata as committed at this git revision")
    ap.add_argument("--no-trafilatura", action="store_true", help="skip the trafilatura.extract_metadata baseline")
    ap.add_argument("--tune", action="store_true", help="cross-validate the variants in metadata.VARIANTS")
    ap.add_argument("--examples", type=int, default=6, help="misses shown per category (0: none)")
    ap.add_argument("--example-folds", default="0,1,2,3", help="folds misses are shown from")
    ap.add_argument("--example-system", default="new", help="system whose misses are shown")
    ap.add_argument("--limit", type=int, help="first N pages only")
    ap.add_argument("--folds", default="0,1,2,3,4", help="score these folds only (e.g. 0,1,2,3 while writing rules)")
    ap.add_argument("--cache", type=Path, default=Path("/tmp/metadata_eval_cache"),
                    help="predictions of trafilatura and --old are kept here (keyed by version / commit)")
    ap.add_argument("--json", type=Path, help="write per-page predictions and verdicts here")
    ap.add_argument("--timing", type=int, metavar="N", help=(
        "only time page_metadata (and --old's) on N pages spread over the set, one process, the two calls "
        "alternating on each parsed page, 3 rounds; prints ms of CPU per page"))
    args = ap.parse_args()

    import trafilatura
    from trafilatura import extract_metadata

    from cleancorpus.pipeline.config import load_config
    from cleancorpus.pipeline.extraction import metadata as md

    cfg = load_config(None).extract
    keep = {int(f) for f in args.folds.split(",") if f}
    rows = [r for r in pages(None) if r["fold"] in keep][:args.limit] if args.limit else [
        r for r in pages(None) if r["fold"] in keep]
    ids = hashlib.sha1(",".join(r["id"] for r in rows).encode()).hexdigest()[:12]
    if args.timing:
        return timing(rows, cfg, md, args.old, args.timing)
    preds: dict[str, dict] = {}
    ms: dict[str, float] = {}
    if args.old:
        commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", args.old], check=True,
                                capture_output=True, text=True).stdout.strip()
        old = load_old(commit)
        preds["old " + commit[:7]], ms["old " + commit[:7]] = cached(
            args.cache, f"old {commit} {ids} {cfg.model_dump_json()}",
            lambda: run_system("old", lambda t, u: old(t, u, cfg), rows))
    if not args.no_trafilatura:
        preds["trafilatura"], ms["trafilatura"] = cached(
            args.cache, f"trafilatura {trafilatura.__version__} {ids}",
            lambda: run_system("trafilatura", lambda t, u: extract_metadata(t, default_url=u), rows))
    preds["new"], ms["new"] = run_system("new", lambda t, u: md.page_metadata(t, u, cfg), rows)
    ver = {name: verdicts(rows, p) for name, p in preds.items()}

    if args.tune:
        tune(rows, cfg, md, ver, preds)

    print(DEFINITIONS)
    print(f"\n{len(rows)} WCXB dev pages; each cell: strict (lenient) share right; dated: the strict date "
          "verdict on the pages labelled with a date, and how many")
    print("\nall pages\n" + table(rows, ver, articles=False))
    print("\narticle pages only\n" + table(rows, ver, articles=True))
    print("\nms per page (the metadata call alone, one process): "
          + ", ".join(f"{k} {v:.2f}" for k, v in ms.items()))
    if args.examples:
        folds = {int(f) for f in args.example_folds.split(",") if f}
        name = args.example_system
        print(f"\nmisses of {name}, folds {sorted(folds)}, by category")
        for f in FIELDS:
            print(examples(rows, ver[name], preds[name], folds, args.examples, f))
    if args.json:
        args.json.write_text(json.dumps({"rows": rows, "preds": preds, "verdicts": ver, "ms": ms}, default=list))
    return 0


def timing(rows: list[dict], cfg: Any, md: Any, rev: str | None, n: int) -> int:
    """ms of CPU per page of page_metadata (and of REV's), the calls alternating on the same trees."""
    from trafilatura.utils import load_html

    step = max(1, len(rows) // n)
    sample = rows[::step][:n]
    htmls = [(read_html(r["id"]), r["url"]) for r in sample]
    fns = {"new": lambda t, u: md.page_metadata(t, u, cfg)}
    if rev:
        old = load_old(rev)
        fns[f"old {rev}"] = lambda t, u: old(t, u, cfg)
    totals = {k: [] for k in fns}
    for rnd in range(3):
        spent = dict.fromkeys(fns, 0.0)
        for i, (html, url) in enumerate(htmls):
            order = list(fns) if (i + rnd) % 2 == 0 else list(fns)[::-1]
            for k in order:
                tree = load_html(html)
                t0 = time.process_time()
                fns[k](tree, url)
                spent[k] += time.process_time() - t0
        for k in fns:
            totals[k].append(1000 * spent[k] / len(htmls))
    for k, v in totals.items():
        print(f"{k:<12} ms per page over {len(htmls)} pages, 3 rounds: " + " / ".join(f"{x:.2f}" for x in v)
              + f"  (median {sorted(v)[1]:.2f})")
    return 0


def tune(rows: list[dict], cfg: Any, md: Any, ver: dict, preds: dict) -> None:
    """Every variant of metadata.VARIANTS over every page (one parse per page); then, field by
    field (title, author and date come from separate rules, so each field's variant is chosen
    apart), for each fold the variant with the most right answers on the other four folds
    (ties: "default"), applied to that fold: "new, tuned (held out)"."""
    from trafilatura.utils import load_html

    variants: dict[str, dict[str, Any]] = getattr(md, "VARIANTS", {})
    if not variants:
        print("metadata.VARIANTS is empty: nothing to tune")
        return
    rules = {name: md.DEFAULT_RULES.replace(**over) for name, over in variants.items()}
    per: dict[str, dict[str, dict]] = {name: {} for name in variants}
    t0 = time.perf_counter()
    for r in rows:
        tree = load_html(read_html(r["id"]))
        for name, rl in rules.items():
            per[name][r["id"]] = _fields(md.page_metadata(tree, r["url"], cfg, rules=rl))
    print(f"{len(variants)} variants over {len(rows)} pages in {time.perf_counter() - t0:.0f} s")
    vv = {name: verdicts(rows, p) for name, p in per.items()}
    folds = sorted({r["fold"] for r in rows})
    score = {(name, f, k): sum(vv[name][r["id"]][f][0] for r in rows if r["fold"] == k)
             for name in variants for f in FIELDS for k in folds}
    print("right answers per fold (" + ", ".join(f"fold {k}" for k in folds) + "), each field, its variants:")
    own = {f: [n for n in variants if n == "default" or n.startswith(f + ":")] for f in FIELDS}
    for f in FIELDS:
        for name in own[f]:
            row = [score[name, f, k] for k in folds]
            print(f"  {f:<7}{name:<32}" + " ".join(f"{x:>5}" for x in row) + f"  {sum(row):>6}")
    articles = [r for r in rows if r["page_type"] == "article"]
    print("dated article pages given their day, per fold, the date variants (not what --tune chooses by):")
    for name in own["date"]:
        row = [dated_right([r for r in articles if r["fold"] == k], vv[name])[0] for k in folds]
        print(f"  {'date':<7}{name:<32}" + " ".join(f"{x:>5}" for x in row) + f"  {sum(row):>6}")
    tuned_ver: dict[str, dict] = {r["id"]: {} for r in rows}
    tuned_preds: dict[str, dict] = {r["id"]: {} for r in rows}
    print("chosen on the other folds:")
    for f in FIELDS:
        for k in folds:
            best = max(own[f], key=lambda n: (sum(score[n, f, j] for j in folds if j != k), n == "default"))
            print(f"  {f:<7} fold {k}: {best}")
            for r in rows:
                if r["fold"] == k:
                    tuned_ver[r["id"]][f] = vv[best][r["id"]][f]
                    tuned_preds[r["id"]][f] = per[best][r["id"]][f]
    ver["new, tuned (held out)"] = tuned_ver
    preds["new, tuned (held out)"] = tuned_preds


if __name__ == "__main__":
    raise SystemExit(main())
