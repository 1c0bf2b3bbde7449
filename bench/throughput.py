#!/usr/bin/env python3
"""Throughput and memory of cleancorpus against trafilatura alone.

    .venv/bin/python bench/throughput.py [--pages 2000] [--text-docs 100000] [--quick]
                                         [--profile] [--keep] [--json FILE]

Inputs are the pages of the ScrapingHub and WCXB dev benchmarks (../shared/bench/extraction/
{scrapinghub,wcxb-dev}/html: 1,678 pages of 1,300 sites, news of 2019 and seven page types of
2025-26; --dataset for others), repeated to --pages pages. Every copy is made distinct twice over: a unique HTML comment
(distinct bytes, so distinct ledger entries and doc_ids) and a unique token
"(bench copy NNNNNN)" spliced into the longest <p> of the page, so that the extracted text
differs too and repeats are mostly *near* duplicates rather than exact ones (a page whose
longest <p> is not in trafilatura's main text still comes out as an exact duplicate; the
table reports both counts).

Measured, each in a fresh subprocess (so peak RSS belongs to that measurement only):

1. trafilatura alone, one process: ``trafilatura.extract(html_bytes)`` over all pages, each
   read from disk;
2. trafilatura alone on ``multiprocessing.Pool(2)`` (chunksize 20): the ceiling on 2 workers;
3. ``cleancorpus backfill DIR --output OUT --workers 1|2 --no-prefect`` on the pages as files
   in a folder, and on the same pages as ONE uncompressed WARC file (response records,
   Content-Type text/html, WARC-Target-URI distinct per copy; the run splits the big file into
   shards, each reading the records that start in its share of the bytes). ``--workers 2`` runs
   right after the ceiling, so the main ratio compares two neighbouring measurements (this
   machine's speed drifts by 10% within minutes); ``--ratio-runs N`` adds N alternating pairs;
4. the plain-text path: --text-docs flat-text documents (``bench/flatten.py`` of the pages,
   same per-copy token appended to the longest line) as ``{"id","text"}`` JSONL, split into 20
   files, backfill ``--workers 2``; and the same at 10,000 documents (memory flatness: peak RSS
   at 10,000 vs --text-docs, target within 20%, dedup index aside);
5. fixed cost: ``backfill --help`` (interpreter + CLI import), a backfill of 10 pages, and of
   the five seed files in ../shared/seeds.

Items/s for backfill is over the wall time of the whole CLI call (startup included); for
trafilatura it is over the extraction loop (after imports), with the wall time of the whole
subprocess shown too. Peak RSS: "tree" is the largest sum of RSS over the process and all its
descendants, sampled every 0.1 s with psutil (shared pages of forked workers are counted once
per process, so it over-states); "1 proc" is the exact peak RSS of the largest single process:
the VmHWM (/proc/PID/status, the high-water mark since its exec) of every process in the tree,
read at each sample. Not the child's ru_maxrss: Linux keeps in it the RSS the child had before
its exec, a copy of this script holding every page in memory (274 MB at 2,000 pages), which
hid the peak of trafilatura's own processes (100-130 MB) up to stop 46. For backfill the stage
boundaries are read from the progress lines on stderr, giving the time to the end of each
stage and the peak tree RSS while processing shards vs while deduplicating/writing.

``--profile`` also runs one ``--workers 1`` HTML backfill (--profile-pages pages) under
cProfile (``python -m cProfile -o ... -m cleancorpus.flows.cli backfill ...``; with one worker the shards
run in the main process) and lists the top functions by cumulative time inside pipeline/.

Everything is written under a temp dir in /tmp, removed at the end (``--keep`` keeps it).
No network.
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from peak_rss import high_water  # bench/, this script's folder

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DEFAULT_PAGES_DIR = ROOT.parent / "shared" / "bench" / "extraction" / "scrapinghub"
WCXB_PAGES_DIR = ROOT.parent / "shared" / "bench" / "extraction" / "wcxb-dev"
SEEDS_DIR = ROOT.parent / "shared" / "seeds"
PY = sys.executable

_STAGE_LINE = re.compile(r"^(\w+)\s+(\d+)/(\d+) shards\b")
_P_ELEMENT = re.compile(rb"<p\b[^>]*>(.{0,40000}?)</p\s*>", re.S | re.I)
_TAG = re.compile(rb"<[^>]+>")


# ---------------------------------------------------------------- inputs

def load_pages(dataset: Path) -> list[tuple[str, bytes, str | None, str]]:
    """(id, bytes, url, encoding) of every page of the dataset, sorted by id."""
    meta: dict[str, dict] = {}
    mfile = dataset / "meta.jsonl"
    if mfile.exists():
        for line in mfile.read_text(encoding="utf-8").splitlines():
            if line.strip():
                obj = json.loads(line)
                meta[obj["id"]] = obj
    out = []
    for p in sorted((dataset / "html").glob("*.htm*")):
        stem = p.name.split(".")[0]
        m = meta.get(stem, {})
        data = gzip.decompress(p.read_bytes()) if p.suffix == ".gz" else p.read_bytes()
        out.append((stem, data, m.get("url"), m.get("encoding") or "utf-8"))
    if not out:
        sys.exit(f"no pages in {dataset / 'html'}")
    return out


def token_position(data: bytes) -> int | None:
    """Byte offset just before the closing tag of the <p> holding the most text, if any."""
    best, pos = 0, None
    for m in _P_ELEMENT.finditer(data):
        n = len(_TAG.sub(b"", m.group(1)).strip())
        if n > best:
            best, pos = n, m.start() + m.group(0).rfind(b"</")
    return pos


def html_copies(pages, n: int):
    """Yield (i, base_id, url, encoding, bytes) for n distinct copies of the pages."""
    positions = [token_position(b) if enc.lower().replace("_", "-") in ("utf-8", "ascii", "latin-1", "iso-8859-1",
                                                                          "cp1252", "windows-1252") else None
                 for _, b, _, enc in pages]
    for i in range(n):
        j = i % len(pages)
        pid, data, url, enc = pages[j]
        tok = f" (bench copy {i:06d})".encode()
        pos = positions[j]
        if pos is not None:
            data = data[:pos] + tok + data[pos:]
        data = data + f"\n<!-- bench copy {i:06d} of {pid} -->\n".encode()
        yield i, pid, url, enc, data


def build_html_dir(pages, n: int, out: Path) -> int:
    out.mkdir(parents=True)
    total = 0
    for i, pid, _, _, data in html_copies(pages, n):
        (out / f"{i:06d}_{pid[:16]}.html").write_bytes(data)
        total += len(data)
    return total


def copy_url(url: str | None, pid: str, i: int) -> str:
    base = url or f"https://bench.invalid/{pid}"
    base = base.split("#", 1)[0]
    return f"{base}{'&' if '?' in base else '?'}bench_copy={i:06d}"


def build_warc(pages, n: int, out: Path, gz: bool = False, crawler: bool = False) -> int:
    """One WARC of n response records (Content-Type text/html). crawler=True writes it as a crawler
    does: a warcinfo record first, then request, response and metadata records for every page."""
    from io import BytesIO

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "wb") as fh:
        w = WARCWriter(fh, gzip=gz)
        if crawler:
            w.write_record(w.create_warcinfo_record(out.name, {"software": "cleancorpus bench/throughput.py"}))
        for i, pid, url, enc, data in html_copies(pages, n):
            uri = copy_url(url, pid, i)
            if crawler:
                req = StatusAndHeaders("GET / HTTP/1.1", [("User-Agent", "bench"), ("Host", "bench.invalid")],
                                       is_http_request=True)
                w.write_record(w.create_warc_record(uri, "request", http_headers=req))
            headers = StatusAndHeaders("200 OK", [("Content-Type", f"text/html; charset={enc}"),
                                                  ("Content-Length", str(len(data)))], protocol="HTTP/1.1")
            rec = w.create_warc_record(uri, "response", payload=BytesIO(data), http_headers=headers)
            w.write_record(rec)
            if crawler:
                w.write_record(w.create_warc_record(uri, "metadata", payload=BytesIO(b"fetchTimeMs: 100\r\n"),
                                                    warc_content_type="application/warc-fields"))
    return out.stat().st_size


def flat_texts(pages) -> list[tuple[str, list[str], int]]:
    """(id, lines, index of the longest line) of each page's flat text."""
    sys.path.insert(0, str(HERE))
    try:
        from flatten import decode_html, flatten_html
    except ImportError:  # bench/flatten.py missing: a tiny stand-in (visible text blocks, one a line)
        decode_html, flatten_html = _tiny_decode, _tiny_flatten
    out = []
    for pid, data, _, enc in pages:
        lines = [ln for ln in flatten_html(decode_html(data, enc)).splitlines() if ln.strip()]
        if not lines:
            continue
        longest = max(range(len(lines)), key=lambda k: len(lines[k]))
        out.append((pid, lines, longest))
    return out


def _tiny_decode(data: bytes, enc: str | None = None) -> str:
    return data.decode(enc or "utf-8", "replace")


def _tiny_flatten(html: str) -> str:
    import lxml.html

    root = lxml.html.fromstring(html)
    for el in root.xpath("//script|//style|//noscript|//head|//template|//svg"):
        el.drop_tree()
    blocks = root.xpath("//p|//li|//h1|//h2|//h3|//h4|//h5|//h6|//td|//th|//div[not(.//p|.//div|.//li)]|//a")
    lines = [" ".join(b.text_content().split()) for b in blocks]
    return "\n".join(ln for ln in lines if ln)


def build_text_jsonl(flats, n: int, out: Path, files: int = 20) -> int:
    out.mkdir(parents=True)
    per = -(-n // files)
    total = 0
    fh = None
    for i in range(n):
        if i % per == 0:
            if fh:
                fh.close()
            fh = open(out / f"part-{i // per:03d}.jsonl", "w", encoding="utf-8")
        pid, lines, k = flats[i % len(flats)]
        lines = list(lines)
        lines[k] = lines[k] + f" (bench copy {i:06d})"
        line = json.dumps({"id": f"doc-{i:06d}", "text": "\n".join(lines)}, ensure_ascii=False) + "\n"
        fh.write(line)
        total += len(line.encode())
    if fh:
        fh.close()
    return total


# ---------------------------------------------------------------- measuring a subprocess

class Measured(dict):
    pass


def run_measured(cmd: list[str], log: Path, cwd: Path = ROOT) -> Measured:
    """Run cmd; wall time, peak tree RSS (psutil sampling), exact max single-process RSS
    (each process's VmHWM), stage times and per-phase tree peaks from the progress lines on stderr."""
    import psutil

    env = dict(os.environ)
    env.setdefault("PYTHONUNBUFFERED", "1")
    load0 = os.getloadavg()[0]
    t0 = time.perf_counter()
    with open(log.with_suffix(".out"), "wb") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.PIPE, cwd=cwd, env=env)
        state = {"phase": "process"}
        stage_end: dict[str, float] = {}
        err_lines: list[str] = []

        def reader() -> None:
            assert proc.stderr is not None
            for raw in proc.stderr:
                line = raw.decode("utf-8", "replace").rstrip("\r\n")
                for part in line.split("\r"):
                    err_lines.append(part)
                    m = _STAGE_LINE.match(part.strip())
                    if not m:
                        continue
                    stage, done, total = m.group(1), int(m.group(2)), int(m.group(3))
                    if done >= total:
                        stage_end[stage] = time.perf_counter() - t0
                        state["phase"] = {"process": "dedup", "dedup": "write", "write": "commit"}.get(stage, "exit")

        th = threading.Thread(target=reader, daemon=True)
        th.start()
        peak_tree = 0
        phase_peak: dict[str, int] = {}
        pid_peak: dict[int, int] = {}
        proc_peak: dict[str, int] = {}  # largest single process in each phase
        main_start: dict[str, int] = {}  # the main process's RSS at its first sample in each phase
        main_peak: dict[str, int] = {}  # and its peak in each phase: the growth is the phase's own
        shard_proc_peak = 0  # largest single process while shards are processed (the dedup child comes later)
        try:
            root = psutil.Process(proc.pid)
        except psutil.NoSuchProcess:
            root = None
        rusage = None
        status = 0
        while True:
            pid, status, ru = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                rusage = ru
                break
            if root is not None:
                tot = 0
                try:
                    procs = [root] + root.children(recursive=True)
                except psutil.NoSuchProcess:
                    procs = []
                for p in procs:
                    try:
                        rss = p.memory_info().rss
                    except psutil.Error:
                        continue
                    tot += rss
                    hwm = high_water(p.pid) or rss
                    pid_peak[p.pid] = max(pid_peak.get(p.pid, 0), hwm)
                    proc_peak[state["phase"]] = max(proc_peak.get(state["phase"], 0), rss)
                    if p.pid == proc.pid:
                        main_start.setdefault(state["phase"], rss)
                        main_peak[state["phase"]] = max(main_peak.get(state["phase"], 0), rss)
                    if state["phase"] == "process":
                        shard_proc_peak = max(shard_proc_peak, hwm)
                peak_tree = max(peak_tree, tot)
                ph = state["phase"]
                phase_peak[ph] = max(phase_peak.get(ph, 0), tot)
            time.sleep(0.1)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        th.join(timeout=5)
    log.with_suffix(".err").write_text("\n".join(err_lines), encoding="utf-8")
    r = Measured(cmd=cmd, wall=wall, rc=proc.returncode, peak_tree_mb=peak_tree / 2**20,
                 max_proc_mb=max(pid_peak.values(), default=0) / 2**20,
                 cpu=(rusage.ru_utime + rusage.ru_stime if rusage else float("nan")),
                 load=(load0, os.getloadavg()[0]),
                 stage_end=stage_end, phase_peak_mb={k: v / 2**20 for k, v in phase_peak.items()},
                 phase_proc_peak_mb={k: v / 2**20 for k, v in proc_peak.items()},
                 phase_main_start_mb={k: v / 2**20 for k, v in main_start.items()},
                 phase_main_peak_mb={k: v / 2**20 for k, v in main_peak.items()},
                 pid_peak_mb=[round(pid_peak[k] / 2**20) for k in sorted(pid_peak)],
                 shard_proc_peak_mb=shard_proc_peak / 2**20,
                 stderr_tail="\n".join(err_lines[-5:]))
    if proc.returncode != 0:
        print(f"  !! exit {proc.returncode}: {' '.join(cmd)}\n{r['stderr_tail']}", file=sys.stderr)
    return r


def run_summary(out_dir: Path) -> dict:
    runs = sorted((out_dir / "runs").glob("*.json")) if (out_dir / "runs").exists() else []
    if not runs:
        return {}
    return json.loads(runs[-1].read_text(encoding="utf-8"))


def backfill(inputs: list[Path], out_dir: Path, workers: int, log: Path) -> Measured:
    if out_dir.exists():
        shutil.rmtree(out_dir)
    cmd = [PY, "-m", "cleancorpus.flows.cli", "backfill", *map(str, inputs), "--output", str(out_dir),
           "--workers", str(workers), "--no-prefect"]
    r = run_measured(cmd, log)
    s = run_summary(out_dir)
    r["summary"] = s
    r["shards"] = s.get("shards")
    c = s.get("counts", {})
    r["inputs_seen"] = c.get("inputs_seen")
    r["kept"] = c.get("documents")
    rb = s.get("rejects_by_reason", {})
    r["exact"] = rb.get("exact_duplicate", 0)
    r["near"] = rb.get("near_duplicate", 0)
    r["other_rejects"] = {k: v for k, v in rb.items() if k not in ("exact_duplicate", "near_duplicate")}
    r["dedup"] = s.get("dedup", {})
    return r


# ---------------------------------------------------------------- trafilatura alone (worker mode)

def _traf_one(path: str) -> int:
    import trafilatura

    with open(path, "rb") as fh:
        data = fh.read()
    return 1 if trafilatura.extract(data) else 0


def _traf_meta_one(path: str) -> int:
    """What the pipeline asks of trafilatura (default config): cleancorpus.pipeline.extraction.html.extract_html, i.e.
    one parse, trafilatura's metadata steps for the kept fields, fast extraction and the
    readability/jusText comparison for short bodies, on the decoded page."""
    from cleancorpus.pipeline.extraction.html import extract_html
    from cleancorpus.pipeline.inputs.encoding import decode_bytes

    with open(path, "rb") as fh:
        data = fh.read()
    ex = extract_html(decode_bytes(data, is_html=True)[0], None, _extract_config())
    return 1 if ex is not None and ex.text.strip() else 0


def _extract_config():  # type: ignore[no-untyped-def]
    global _EXTRACT_CONFIG
    if _EXTRACT_CONFIG is None:
        from cleancorpus.pipeline.config import load_config

        _EXTRACT_CONFIG = load_config().extract
    return _EXTRACT_CONFIG


_EXTRACT_CONFIG = None


def traf_worker(pages_dir: str, procs: int, chunksize: int, meta: bool = False) -> None:
    import trafilatura  # noqa: F401 - imported before the clock starts (and before the fork)

    if meta:  # the pipeline's imports and config, also before the clock
        sys.path.insert(0, str(ROOT))
        import cleancorpus.pipeline.extraction.html  # noqa: F401

        _extract_config()

    one = _traf_meta_one if meta else _traf_one
    paths = sorted(str(p) for p in Path(pages_dir).iterdir())
    t0 = time.perf_counter()
    if procs <= 1:
        nonempty = sum(one(p) for p in paths)
    else:
        from multiprocessing import Pool

        with Pool(procs) as pool:
            nonempty = sum(pool.imap_unordered(one, paths, chunksize=chunksize))
    dt = time.perf_counter() - t0
    print(json.dumps({"n": len(paths), "seconds": dt, "nonempty": nonempty}))


def trafilatura_alone(pages_dir: Path, procs: int, log: Path, meta: bool = False) -> Measured:
    cmd = [PY, str(Path(__file__).resolve()), "--_traf-worker", str(pages_dir), "--_procs", str(procs)]
    if meta:
        cmd.append("--_meta")
    r = run_measured(cmd, log)
    try:
        res = json.loads(log.with_suffix(".out").read_text().strip().splitlines()[-1])
    except (IndexError, ValueError):
        res = {"n": 0, "seconds": float("nan"), "nonempty": 0}
    r.update(loop_seconds=res["seconds"], n=res["n"], nonempty=res["nonempty"])
    return r


# ---------------------------------------------------------------- profile

def profile_backfill(inputs: Path, out_dir: Path, log: Path, top: int = 25) -> str:
    import pstats

    prof = log.with_suffix(".prof")
    if out_dir.exists():
        shutil.rmtree(out_dir)
    cmd = [PY, "-m", "cProfile", "-o", str(prof), "-m", "cleancorpus.flows.cli", "backfill", str(inputs),
           "--output", str(out_dir), "--workers", "1", "--no-prefect"]
    r = run_measured(cmd, log)
    st = pstats.Stats(str(prof))
    total = st.total_tt  # type: ignore[attr-defined]
    rows = []
    for (fname, line, func), (cc, nc, tt, ct, callers) in st.stats.items():  # type: ignore[attr-defined]
        if f"{os.sep}pipeline{os.sep}" in fname and str(ROOT) in fname:
            rows.append((ct, tt, nc, f"pipeline/{Path(fname).name}:{line}({func})"))
    rows.sort(reverse=True)
    outside = []
    for (fname, line, func), (cc, nc, tt, ct, callers) in st.stats.items():  # type: ignore[attr-defined]
        outside.append((tt, ct, nc, f"{_short(fname)}:{line}({func})"))
    outside.sort(reverse=True)
    lines = [f"cProfile of: python {' '.join(cmd[1:])}",
             f"  wall {r['wall']:.1f} s under cProfile, profiled total {total:.1f} s",
             "  top functions in pipeline/ by cumulative time:",
             f"  {'cum s':>8} {'cum %':>6} {'self s':>8} {'calls':>9}  function"]
    for ct, tt, nc, name in rows[:top]:
        lines.append(f"  {ct:8.2f} {100 * ct / total:6.1f} {tt:8.2f} {nc:9d}  {name}")
    lines.append("  top functions anywhere by self time:")
    lines.append(f"  {'self s':>8} {'self %':>6} {'cum s':>8} {'calls':>9}  function")
    for tt, ct, nc, name in outside[:15]:
        lines.append(f"  {tt:8.2f} {100 * tt / total:6.1f} {ct:8.2f} {nc:9d}  {name}")
    return "\n".join(lines)


def _short(fname: str) -> str:
    for marker in ("site-packages" + os.sep, str(ROOT) + os.sep):
        if marker in fname:
            return fname.split(marker, 1)[1]
    return fname


# ---------------------------------------------------------------- report

def fmt_stages(r: Measured) -> str:
    se = r.get("stage_end", {})
    if not se:
        return ""
    parts, prev = [], 0.0
    for st in ("process", "dedup", "write", "commit"):
        if st in se:
            parts.append(f"{st} {se[st] - prev:.1f}")
            prev = se[st]
    parts.append(f"exit {r['wall'] - prev:.1f}")
    return " | ".join(parts)


def git_rev() -> str:
    """Commit of the checkout (with '+dirty' when pipeline/, flows/ or config/ have changes)."""
    try:
        rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                             timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "pipeline", "flows", "config"], cwd=ROOT,
                               capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "git ?"
    return f"git {rev or '?'}{'+dirty' if dirty else ''}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pages", type=int, default=2000, help="HTML pages (the dataset's pages repeated, each copy distinct)")
    ap.add_argument("--text-docs", type=int, default=100_000, help="flat-text documents for the text path")
    ap.add_argument("--text-small", type=int, default=10_000, help="smaller text run, for the memory comparison")
    ap.add_argument("--quick", action="store_true", help="small sizes: 400 pages, 5,000 / 1,000 text docs")
    ap.add_argument("--dataset", type=Path, action="append", help=(
        "page folder(s) with html/ (and meta.jsonl), mixed; default ScrapingHub (181 news pages of 2019) and "
        "WCXB dev (1,497 pages of 2025-26, seven page types): one set alone is not the mix a crawl brings"))
    ap.add_argument("--profile", action="store_true", help="also cProfile one --workers 1 HTML backfill")
    ap.add_argument("--profile-pages", type=int, default=400, help="HTML pages for --profile")
    ap.add_argument("--profile-text-docs", type=int, default=1000, help="text documents for --profile")
    ap.add_argument("--skip", default="", help="comma list of parts to skip: traf,html,warc,warcgz,text,fixed")
    ap.add_argument("--ratio-runs", type=int, default=3,
                    help="extra alternating runs of the ceiling and the 2-worker HTML backfill, for a median ratio "
                         "(this machine's speed drifts by 10%% within minutes; 0 = none)")
    ap.add_argument("--keep", action="store_true", help="keep the temp dir (inputs, outputs, logs)")
    ap.add_argument("--json", type=Path, help="write all measurements here as JSON")
    ap.add_argument("--_traf-worker", dest="traf_worker", help=argparse.SUPPRESS)
    ap.add_argument("--_procs", dest="procs", type=int, default=1, help=argparse.SUPPRESS)
    ap.add_argument("--_meta", dest="meta", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    if args.traf_worker:
        traf_worker(args.traf_worker, args.procs, 20, args.meta)
        return 0

    if args.quick:
        args.pages, args.text_docs, args.text_small = 400, 5_000, 1_000
        args.profile_pages = min(args.profile_pages, 200)
        args.profile_text_docs = min(args.profile_text_docs, 300)
    skip = {s.strip() for s in args.skip.split(",") if s.strip()}

    tmp = Path(tempfile.mkdtemp(prefix="cc-throughput-", dir="/tmp"))
    logs = tmp / "logs"
    logs.mkdir()
    results: dict[str, Measured] = {}
    notes: list[str] = []
    rows: list[tuple] = []
    try:
        import psutil

        print(f"cleancorpus throughput  ({time.strftime('%Y-%m-%d %H:%M:%S')}, {git_rev()}, {psutil.cpu_count()} CPUs, "
              f"affinity {len(os.sched_getaffinity(0))}, {psutil.virtual_memory().total / 2**30:.0f} GiB RAM, "
              f"python {sys.version.split()[0]}, temp {tmp})", flush=True)
        pages = [p for d in args.dataset or (DEFAULT_PAGES_DIR, WCXB_PAGES_DIR) for p in load_pages(d)]
        n = max(args.pages, len(pages))
        t = time.perf_counter()
        html_dir = tmp / "html"
        html_bytes = build_html_dir(pages, n, html_dir) if not {"traf", "html"} <= skip else 0
        warc = tmp / "warc" / "pages.warc"
        warc_bytes = build_warc(pages, n, warc) if "warc" not in skip else 0
        warcgz = tmp / "warcgz" / "pages.warc.gz"
        warcgz_bytes = build_warc(pages, n, warcgz, gz=True, crawler=True) if "warcgz" not in skip else 0
        print(f"built {n} pages from {len(pages)} ({html_bytes / 2**20:.0f} MiB as files, "
              f"{warc_bytes / 2**20:.0f} MiB as one WARC, {warcgz_bytes / 2**20:.0f} MiB as one crawler-style "
              f"WARC.gz) in {time.perf_counter() - t:.1f} s", flush=True)

        def show(key: str, r: Measured) -> None:
            results[key] = r
            extra = ""
            if "kept" in r:
                extra = (f" shards={r.get('shards')} seen={r.get('inputs_seen')} kept={r.get('kept')} "
                         f"exact={r.get('exact')} near={r.get('near')} other={r.get('other_rejects')} "
                         f"[{fmt_stages(r)}]")
            print(f"  {key}: wall {r['wall']:.1f} s, rc {r['rc']}, peak tree {r['peak_tree_mb']:.0f} MB, "
                  f"max 1 proc {r['max_proc_mb']:.0f} MB{extra}", flush=True)

        # 1-2: trafilatura alone; the ceiling last, so that the 2-worker HTML backfill runs right
        # after it: the machine's speed drifts within minutes, and the main ratio compares the two
        if "traf" not in skip:
            for procs in (1, 0, 2):
                key = f"traf_{procs}" if procs else "traf_meta_1"
                r = trafilatura_alone(html_dir, procs or 1, logs / key, meta=not procs)
                show(key, r)
                if not procs:
                    rows.append(("cleancorpus.pipeline.extraction.html.extract_html (trafilatura as called), 1 proc", r["n"],
                                 r["loop_seconds"], r["n"] / r["loop_seconds"], r, f"default config; wall {r['wall']:.1f} s"))
                    continue
                label = "trafilatura alone, 1 process" if procs == 1 else "trafilatura alone, Pool(2) = ceiling"
                rows.append((label, r["n"], r["loop_seconds"], r["n"] / r["loop_seconds"], r,
                             f"loop time; wall incl. startup {r['wall']:.1f} s = {r['n'] / r['wall']:.1f}/s; "
                             f"non-empty {r['nonempty']}"))

        # 3: backfill, HTML folder and one WARC, 2 workers first (next to the ceiling)
        for kind, inp in (("html", html_dir), ("warc", warc)):
            if kind in skip:
                continue
            for w in (2, 1):
                key = f"{kind}_w{w}"
                r = backfill([inp], tmp / "out" / key, w, logs / key)
                show(key, r)
                label = f"backfill {'HTML folder' if kind == 'html' else 'one WARC file'}, --workers {w}"
                rows.append((label, n, r["wall"], n / r["wall"], r,
                             f"shards {r.get('shards')}; kept {r.get('kept')}, exact dup {r.get('exact')}, "
                             f"near dup {r.get('near')}; {fmt_stages(r)}"))

        ratio_pairs: list[tuple[float, float, float]] = []
        if args.ratio_runs > 0 and not {"traf", "html"} & skip:
            for i in range(args.ratio_runs):
                c = trafilatura_alone(html_dir, 2, logs / f"ratio_traf_{i}")
                b = backfill([html_dir], tmp / "out" / f"ratio_html_{i}", 2, logs / f"ratio_html_{i}")
                pair = (c["loop_seconds"] / b["wall"], c["wall"] / b["wall"], c["cpu"] / b["cpu"])
                ratio_pairs.append(pair)
                print(f"  ratio run {i + 1}: ceiling loop {c['loop_seconds']:.1f} s (process {c['wall']:.1f} s, "
                      f"{c['cpu']:.1f} cpu s), backfill {b['wall']:.1f} s ({b['cpu']:.1f} cpu s): "
                      f"{pair[0]:.2f} / {pair[1]:.2f} incl. start-up / {pair[2]:.2f} per CPU-second", flush=True)

        if "warcgz" not in skip:
            key = "warcgz_w2"
            r = backfill([warcgz], tmp / "out" / key, 2, logs / key)
            show(key, r)
            rows.append(("backfill one crawler-style WARC.gz, --workers 2", n, r["wall"], n / r["wall"], r,
                         f"warcinfo + request/response/metadata per page; shards {r.get('shards')}; kept "
                         f"{r.get('kept')}, exact dup {r.get('exact')}, near dup {r.get('near')}; {fmt_stages(r)}"))

        # 4: plain text (JSONL)
        if "text" not in skip:
            t = time.perf_counter()
            flats = flat_texts(pages)
            sizes = []
            for nd in sorted({args.text_small, args.text_docs}):
                d = tmp / f"text_{nd}"
                b = build_text_jsonl(flats, nd, d)
                sizes.append(f"{nd} docs = {b / 2**20:.0f} MiB")
            print(f"built text JSONL ({', '.join(sizes)}, 20 files each) in {time.perf_counter() - t:.1f} s",
                  flush=True)
            for nd in sorted({args.text_small, args.text_docs}):
                d = tmp / f"text_{nd}"
                key = f"text_{nd}_w2"
                r = backfill([d], tmp / "out" / key, 2, logs / key)
                show(key, r)
                rows.append((f"backfill text JSONL {nd} docs, --workers 2", nd, r["wall"], nd / r["wall"], r,
                             f"shards {r.get('shards')}; kept {r.get('kept')}, exact dup {r.get('exact')}, "
                             f"near dup {r.get('near')}; {fmt_stages(r)}"))
                shutil.rmtree(tmp / "out" / key, ignore_errors=True)

        # 5: fixed cost
        if "fixed" not in skip:
            r = run_measured([PY, "-m", "cleancorpus.flows.cli", "backfill", "--help"], logs / "help")
            show("cli_help", r)
            rows.append(("fixed: backfill --help (startup)", 0, r["wall"], float("nan"), r, "interpreter + CLI import"))
            ten = tmp / "ten"
            ten.mkdir()
            for i, pid, _, _, data in html_copies(pages, 10):
                (ten / f"{i:06d}_{pid[:16]}.html").write_bytes(data)
            r = backfill([ten], tmp / "out" / "ten", 1, logs / "ten")
            show("fixed_10_pages", r)
            rows.append(("fixed: backfill 10 HTML pages, --workers 1", 10, r["wall"], 10 / r["wall"], r,
                         f"kept {r.get('kept')}; {fmt_stages(r)}"))
            r = backfill([SEEDS_DIR], tmp / "out" / "seeds", 1, logs / "seeds")
            show("fixed_seeds", r)
            ns = r.get("inputs_seen") or 5
            rows.append((f"fixed: backfill {SEEDS_DIR.name}/ ({ns} .txt), --workers 1", ns, r["wall"], ns / r["wall"], r,
                         f"kept {r.get('kept')}; {fmt_stages(r)}"))

        # table
        print("\n" + "=" * 140)
        print(f"{'measurement':<56} {'items':>7} {'seconds':>8} {'items/s':>8} {'cpu s':>7} {'items/cpu-s':>11} "
              f"{'tree MB':>8} {'1proc MB':>8} {'load':>9}  notes")
        print("-" * 140)
        for label, items, secs, rate, r, note in rows:
            if r["rc"] != 0:
                note = f"FAILED (exit {r['rc']}: {r['stderr_tail'].splitlines()[-1] if r['stderr_tail'] else ''}); " + note
            per_cpu = items / r["cpu"] if items and r["cpu"] else float("nan")
            print(f"{label:<56} {items:>7} {secs:>8.1f} {rate:>8.1f} {r['cpu']:>7.1f} {per_cpu:>11.1f} "
                  f"{r['peak_tree_mb']:>8.0f} {r['max_proc_mb']:>8.0f} {r['load'][0]:>4.1f}>{r['load'][1]:<4.1f}  {note}")
        print("=" * 140)
        print("seconds: extraction loop for trafilatura rows, whole CLI call for backfill rows; cpu s: user+sys of "
              "the process and its reaped children; load: 1-min load average before>after (the machine has "
              f"{os.cpu_count()} CPUs; load above that means other work competed for them)")

        ok = {k: r for k, r in results.items() if r["rc"] == 0}
        ceil = ok.get("traf_2")
        for kind in ("html", "warc"):
            b2 = ok.get(f"{kind}_w2")
            if ceil and b2:
                rate_c = ceil["n"] / ceil["loop_seconds"]
                rate_cw = ceil["n"] / ceil["wall"]
                rate_b = n / b2["wall"]
                print(f"ratio backfill {kind} --workers 2 / ceiling: {rate_b:.1f} / {rate_c:.1f} pages/s = "
                      f"{rate_b / rate_c:.2f}  (vs ceiling incl. its startup {rate_cw:.1f}/s: {rate_b / rate_cw:.2f}; "
                      f"per CPU-second {ceil['cpu'] / b2['cpu']:.2f})")
        if ratio_pairs:
            import statistics

            cols = list(zip(*ratio_pairs))
            print(f"ratio html over {len(ratio_pairs)} alternating runs, median (all): "
                  + "; ".join(f"{name} {statistics.median(v):.2f} ({', '.join(f'{x:.2f}' for x in v)})"
                              for name, v in zip(("vs loop", "vs process incl. start-up", "per CPU-second"), cols)))
        for kind in ("html", "warc"):
            b1, b2 = ok.get(f"{kind}_w1"), ok.get(f"{kind}_w2")
            if b1 and b2:
                print(f"speed-up --workers 2 vs 1 ({kind}): {b1['wall'] / b2['wall']:.2f}x")
        wr = ok.get("warc_w2") or ok.get("warc_w1")
        if wr is not None:
            if wr.get("shards") == 1:
                notes.append("the WARC is one input file and was planned as ONE shard: --workers 2 cannot split it; "
                             "process and write run on one worker")
            else:
                notes.append(f"the WARC is one input file, planned as {wr.get('shards')} shards (a big record file is "
                             "split: each shard of an uncompressed WARC reads the records that start in its share of "
                             "the bytes; a compressed one is read whole by each shard, which keeps every n-th record)")
        small, big = ok.get(f"text_{args.text_small}_w2"), ok.get(f"text_{args.text_docs}_w2")
        if small and big and small is not big:
            for what, a, b in (("tree (sum of processes)", small["peak_tree_mb"], big["peak_tree_mb"]),
                               ("largest single process (dedup child included)", small["max_proc_mb"], big["max_proc_mb"]),
                               ("largest single process while processing shards", small["shard_proc_peak_mb"],
                                big["shard_proc_peak_mb"]),
                               ("tree while processing shards", small["phase_peak_mb"].get("process", 0),
                                big["phase_peak_mb"].get("process", 0)),
                               ("tree during dedup+write+commit",
                                max((v for k, v in small["phase_peak_mb"].items() if k != "process"), default=0),
                                max((v for k, v in big["phase_peak_mb"].items() if k != "process"), default=0))):
                growth = (b / a - 1) * 100 if a else float("nan")
                verdict = "within 20%" if abs(growth) <= 20 else "NOT within 20%"
                print(f"peak RSS {what}: {args.text_small} docs {a:.0f} MB vs {args.text_docs} docs {b:.0f} MB "
                      f"({growth:+.0f}%, {verdict})")
        for k, r in results.items():
            if "phase_peak_mb" in r and r["phase_peak_mb"] and "kept" in r:
                pp = ", ".join(f"{ph} {v:.0f}" for ph, v in r["phase_peak_mb"].items())
                print(f"  peak tree MB by phase, {k}: {pp}; peak MB per process (parent first): {r['pid_peak_mb']}")
        for k, r in results.items():
            if r.get("dedup"):
                print(f"  dedup {k}: {r['dedup']}")
        for note in notes:
            print("note: " + note)
        print("note: copies carry a unique comment + token; a copy is an exact duplicate when its token fell "
              "outside the extracted/cleaned text, else a near duplicate of the other copies of its page")

        if args.profile:
            pdir = tmp / "profile_html"
            build_html_dir(pages, args.profile_pages, pdir)
            print("\n" + profile_backfill(pdir, tmp / "out" / "profile", logs / "profile"))
            tdir = tmp / "profile_text"
            build_text_jsonl(flat_texts(pages), args.profile_text_docs, tdir, files=1)
            print("\n" + profile_backfill(tdir, tmp / "out" / "profile_text", logs / "profile_text"))

        if args.json:
            args.json.write_text(json.dumps({k: dict(v) for k, v in results.items()}, indent=1, default=str))
    finally:
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
