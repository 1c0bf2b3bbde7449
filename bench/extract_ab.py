#!/usr/bin/env python3
"""CPU of extract_html in two checkouts (before/after a change), in alternating batches.

    .venv/bin/python bench/extract_ab.py --a /tmp/old/.venv/bin/python --b .venv/bin/python [--step 3] [--reps 1]

Each side is a worker process started with that checkout's Python (so it imports that
checkout's cleancorpus), holding the pages extract_ratio.py times (every --step-th WCXB dev page
and every ScrapingHub page, no URL). The driver asks them for batch after batch of 20 pages, one
worker busy at a time, alternating which goes first, so drift and other jobs on the machine fall
on both sides alike; each worker reports the CPU time of its batch. Prints ms of CPU per page on
each side and B/A, with the load average before and after.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

_BATCH = 20


def worker(step: int) -> None:
    """Serve batches: read a batch number a line, run extract_html over it, print its CPU seconds."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from throughput import DEFAULT_PAGES_DIR, WCXB_PAGES_DIR, load_pages

    from cleancorpus.pipeline.config import load_config
    from cleancorpus.pipeline.extraction.boilerplate_model import load_model
    from cleancorpus.pipeline.extraction.html import extract_html
    from cleancorpus.pipeline.extraction.page_type import page_type_model

    chosen = load_pages(WCXB_PAGES_DIR)[::step] + load_pages(DEFAULT_PAGES_DIR)
    docs = [data.decode("utf-8", "replace") for _, data, _, _ in chosen]
    cfg = load_config(None).extract
    load_model(cfg.boilerplate_model)
    page_type_model()
    for page in docs[:_BATCH]:  # warm caches on both sides alike
        extract_html(page, None, cfg)
    print(len(docs), flush=True)
    for line in sys.stdin:
        k = int(line)
        t = time.process_time()
        for page in docs[k * _BATCH:(k + 1) * _BATCH]:
            extract_html(page, None, cfg)
        print(time.process_time() - t, flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--a", required=True, help="Python of checkout A (e.g. the old one's .venv/bin/python)")
    ap.add_argument("--b", required=True, help="Python of checkout B")
    ap.add_argument("--step", type=int, default=3, help="every STEP-th WCXB dev page")
    ap.add_argument("--reps", type=int, default=1, help="passes over the pages")
    ap.add_argument("--_worker", dest="worker", action="store_true", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.worker:
        worker(a.step)
        return
    me = str(Path(__file__).resolve())
    procs = {}
    for side, py in (("A", a.a), ("B", a.b)):
        # run from /tmp so that neither side imports anything from the current directory
        # an absolute path, not a resolved one: a venv's python is a link that must keep its name
        p = subprocess.Popen([os.path.abspath(py), me, "--step", str(a.step), "--_worker", "--a", "", "--b", ""],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd="/tmp")
        procs[side] = (p, int(p.stdout.readline()))
    n = procs["A"][1]
    if procs["B"][1] != n:
        raise SystemExit("the two sides hold different pages")
    cpu = {"A": 0.0, "B": 0.0}
    load = os.getloadavg()[0]
    for r in range(a.reps):
        for k in range((n + _BATCH - 1) // _BATCH):
            for side in ("A", "B") if (k + r) % 2 == 0 else ("B", "A"):
                p = procs[side][0]
                p.stdin.write(f"{k}\n")
                p.stdin.flush()
                cpu[side] += float(p.stdout.readline())
    for p, _ in procs.values():
        p.stdin.close()
        p.wait()
    pages = n * a.reps
    print(f"{n} pages x{a.reps}: A {cpu['A'] / pages * 1000:.2f} ms, B {cpu['B'] / pages * 1000:.2f} ms of CPU a page; "
          f"B/A {cpu['B'] / cpu['A']:.3f} (load {load:.2f} -> {os.getloadavg()[0]:.2f})")


if __name__ == "__main__":
    main()
