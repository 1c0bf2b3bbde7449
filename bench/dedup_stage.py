#!/usr/bin/env python3
"""The dedup stage in one process against the same stage split into tasks, on one real backfill.

    .venv/bin/python bench/dedup_stage.py [--text-docs 100000] [--task-rows 25000] [--workers 2]

The text path's corpus of bench/throughput.py (flat texts of the ScrapingHub and WCXB dev pages,
copied with a marker so that near-duplicates abound) goes through `cleancorpus backfill
--no-prefect` twice: with `[dedup] task_rows = 0` (one process, in a child of its own) and with
`task_rows = --task-rows` (tasks on the pool). Reported for each: the dedup stage's wall seconds
(runs/ JSON), the peak RSS of the whole process tree and of its largest process while dedup ran
(one process: the main process and the dedup child; tasks: the main process and the pool's),
the main process's RSS when dedup (and the commit) began and its peak then (the growth is the
stage's own: split, the dedup step runs in the main process), and whether the two outputs hold
the same rows.
"""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

import pyarrow.dataset as ds

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import throughput as tp  # noqa: E402


def rows(out: Path, kind: str, cols: list[str]) -> list[tuple]:
    t = ds.dataset(str(out / kind), format="parquet", partitioning="hive").to_table(columns=cols)
    return sorted(zip(*(t.column(c).to_pylist() for c in cols)))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--text-docs", type=int, default=100_000)
    ap.add_argument("--task-rows", type=int, default=25_000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--work", type=Path, default=None, help="scratch folder (default: a temporary one)")
    a = ap.parse_args(argv)
    work = a.work or Path(tempfile.mkdtemp(prefix="dedup_stage_"))
    work.mkdir(parents=True, exist_ok=True)
    inp = work / "texts"
    if not inp.exists():
        pages = [p for d in (tp.DEFAULT_PAGES_DIR, tp.WCXB_PAGES_DIR) for p in tp.load_pages(d)]
        tp.build_text_jsonl(tp.flat_texts(pages), a.text_docs, inp)
    results = {}
    for name, task_rows in (("one process", 0), (f"tasks of {a.task_rows:,}", a.task_rows)):
        cfg = work / f"{task_rows}.toml"
        cfg.write_text(f"[dedup]\ntask_rows = {task_rows}\n")
        out = work / f"out-{task_rows}"
        shutil.rmtree(out, ignore_errors=True)
        cmd = [tp.PY, "-m", "cleancorpus.flows.cli", "backfill", str(inp), "--output", str(out), "--config", str(cfg),
               "--workers", str(a.workers), "--no-prefect"]
        r = tp.run_measured(cmd, work / f"log-{task_rows}")
        s = tp.run_summary(out)
        results[name] = (r, s, out)
        print(f"{name:>18}: dedup {s['seconds']['dedup']:.1f} s of {r['wall']:.1f} s, tasks {s['dedup'].get('tasks')}, "
              f"while dedup ran: tree peak {r['phase_peak_mb'].get('dedup', 0):.0f} MB, largest process "
              f"{r['phase_proc_peak_mb'].get('dedup', 0):.0f} MB, main process {r['phase_main_start_mb'].get('dedup', 0):.0f}"
              f" -> {r['phase_main_peak_mb'].get('dedup', 0):.0f} MB (commit {r['phase_main_start_mb'].get('commit', 0):.0f}"
              f" -> {r['phase_main_peak_mb'].get('commit', 0):.0f} MB); "
              f"pairs {s['dedup']['pairs_checked']:,}, duplicates {s['dedup']['duplicates']:,}", flush=True)
    (_, _, a_out), (_, _, b_out) = results.values()
    same = all(rows(a_out, k, c) == rows(b_out, k, c) for k, c in (
        ("documents", ["doc_id", "dup_cluster", "dup_cluster_size"]),
        ("rejects", ["doc_id", "reason", "duplicate_of", "similarity"])))
    print(f"same rows: {same}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
