#!/usr/bin/env python3
"""A/B timing of two cleancorpus commands on the same inputs (e.g. before/after a refactor).

    .venv/bin/python bench/ab.py --a /tmp/orig/cc --b .venv/bin/cleancorpus INPUT... \
        [--pairs 3] [--workers 2] [--json FILE]

Each run is ``CMD backfill INPUT... --output FRESH_DIR --workers W --no-prefect`` into a fresh
empty output dir under /tmp (deleted afterwards). Runs alternate A,B then B,A then A,B ... so
that slow drift of the machine's speed cancels within the pairs. Per run: wall time, CPU time
(user+sys of the command and all its reaped descendants, from os.wait4), peak RSS (ru_maxrss
from wait4: the largest single process, not the sum over the tree) and the documents/rejects
counts from the output's runs/*.json. At the end: the medians of A and B, the ratios B/A and
each pair's ratio. Input paths are made absolute (the commands may change directory); commands
are split with shlex and run from the current directory. Keep the machine otherwise idle.
"""
from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def run_once(cmd: list[str], inputs: list[str], workers: int, log_prefix: Path) -> dict:
    """One backfill into a fresh dir: wall, user, sys, cpu, maxrss (MiB), counts, rc."""
    out = Path(tempfile.mkdtemp(prefix="ab_out_", dir="/tmp"))
    argv = cmd + ["backfill", *inputs, "--output", str(out), "--workers", str(workers), "--no-prefect"]
    try:
        with open(f"{log_prefix}.out", "wb") as so, open(f"{log_prefix}.err", "wb") as se:
            load = os.getloadavg()[0]
            t0 = time.perf_counter()
            proc = subprocess.Popen(argv, stdout=so, stderr=se)
            _, status, ru = os.wait4(proc.pid, 0)
            wall = time.perf_counter() - t0
            proc.returncode = os.waitstatus_to_exitcode(status)
        counts: dict = {}
        for f in sorted((out / "runs").glob("*.json")):
            counts = json.loads(f.read_text()).get("counts", {})
        return {"wall": wall, "user": ru.ru_utime, "sys": ru.ru_stime, "cpu": ru.ru_utime + ru.ru_stime,
                "maxrss_mib": ru.ru_maxrss / 1024, "rc": proc.returncode, "load1": load,
                "docs": counts.get("documents"), "rejects": counts.get("rejects"),
                "inputs_seen": counts.get("inputs_seen"), "after_dedup": counts.get("after_dedup")}
    finally:
        shutil.rmtree(out, ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--a", required=True, help="command A (e.g. the old version)")
    ap.add_argument("--b", required=True, help="command B (e.g. the new version)")
    ap.add_argument("inputs", nargs="+")
    ap.add_argument("--pairs", type=int, default=3)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--logs", default=None, help="folder for each run's stdout/stderr (default: a temp dir)")
    ap.add_argument("--json", default=None, help="also write all runs and the summary here")
    args = ap.parse_args()

    cmds = {"A": shlex.split(args.a), "B": shlex.split(args.b)}
    inputs = [str(Path(p).resolve()) for p in args.inputs]
    logs = Path(args.logs or tempfile.mkdtemp(prefix="ab_logs_", dir="/tmp"))
    logs.mkdir(parents=True, exist_ok=True)
    print(f"A = {args.a}\nB = {args.b}\ninputs = {' '.join(inputs)}\nworkers = {args.workers}, pairs = {args.pairs}, "
          f"logs in {logs}", flush=True)
    hdr = f"{'#':>3} {'pair':>4} {'ver':>3} {'wall s':>8} {'user s':>8} {'sys s':>7} {'cpu s':>8} " \
          f"{'maxRSS MiB':>10} {'docs':>7} {'rejects':>7} {'rc':>3} {'load1':>5}"
    print(hdr, flush=True)
    runs: list[dict] = []
    for p in range(args.pairs):
        for ver in ("AB" if p % 2 == 0 else "BA"):
            n = len(runs) + 1
            r = {"n": n, "pair": p + 1, "ver": ver,
                 **run_once(cmds[ver], inputs, args.workers, logs / f"{n:02d}_{ver}")}
            runs.append(r)
            print(f"{n:>3} {p + 1:>4} {ver:>3} {r['wall']:8.2f} {r['user']:8.2f} {r['sys']:7.2f} {r['cpu']:8.2f} "
                  f"{r['maxrss_mib']:10.0f} {r['docs']!s:>7} {r['rejects']!s:>7} {r['rc']:>3} {r['load1']:5.2f}",
                  flush=True)

    def med(ver: str, key: str) -> float:
        return statistics.median(r[key] for r in runs if r["ver"] == ver)

    summary = {k: {"A": med("A", k), "B": med("B", k), "B/A": med("B", k) / med("A", k)}
               for k in ("wall", "cpu", "maxrss_mib")}
    pairs = []
    for p in range(1, args.pairs + 1):
        a, b = (next(r for r in runs if r["pair"] == p and r["ver"] == v) for v in "AB")
        pairs.append({"pair": p, "wall_B/A": b["wall"] / a["wall"], "cpu_B/A": b["cpu"] / a["cpu"]})
    print("\nmedians        A          B      B/A")
    for k, v in summary.items():
        print(f"{k:<10} {v['A']:10.2f} {v['B']:10.2f} {v['B/A']:8.3f}")
    print("per pair B/A:  " + "  ".join(f"#{q['pair']} wall {q['wall_B/A']:.3f} cpu {q['cpu_B/A']:.3f}" for q in pairs))
    same = {(r["docs"], r["rejects"]) for r in runs}
    print(f"(docs, rejects) over all runs: {sorted(same, key=str)}"
          + ("  -- same for A and B" if len(same) == 1 else "  -- DIFFER"))
    if any(r["rc"] for r in runs):
        print("WARNING: some runs exited non-zero; see the logs", file=sys.stderr)
    if args.json:
        Path(args.json).write_text(json.dumps({"a": args.a, "b": args.b, "inputs": inputs, "workers": args.workers,
                                               "runs": runs, "medians": summary, "pairs": pairs}, indent=2))


if __name__ == "__main__":
    main()
