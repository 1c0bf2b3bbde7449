"""Time and size of `cleancorpus report` on a big corpus: N flat-text documents (the ScrapingHub
pages flattened, each copy made distinct, as bench/throughput.py builds them), backfilled once.

    .venv/bin/python bench/report_speed.py [--docs 100000] [--keep DIR]
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from throughput import DEFAULT_PAGES_DIR, build_text_jsonl, flat_texts, load_pages  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=100_000)
    ap.add_argument("--keep", type=Path, help="work here and keep it")
    ap.add_argument("--dedup", action="store_true",
                    help="keep dedup on (the copies then fold into 181 clusters); off by default, so every "
                         "document is kept and the report aggregates N rows")
    a = ap.parse_args(argv)
    work = a.keep or Path(tempfile.mkdtemp(prefix="cc-report-"))
    out = work / "out"
    if not out.exists():
        build_text_jsonl(flat_texts(load_pages(DEFAULT_PAGES_DIR)), a.docs, work / "in")
        cfg = work / "config.toml"
        cfg.write_text(f"[dedup]\nenabled = {'true' if a.dedup else 'false'}\n")
        t = time.time()
        subprocess.run([sys.executable, "-m", "cleancorpus.flows.cli", "backfill", str(work / "in"), "-o", str(out),
                        "--workers", "2", "--no-prefect", "-c", str(cfg)], check=True, capture_output=True)
        print(f"backfill of {a.docs:,} documents: {time.time() - t:.0f} s")
    from cleancorpus.pipeline.report import write_report

    t0, c0 = time.time(), time.process_time()
    path = Path(write_report(str(out), str(work / "report.html")))
    print(f"report: {time.time() - t0:.1f} s wall, {time.process_time() - c0:.1f} s CPU, "
          f"{path.stat().st_size / 1e6:.2f} MB ({path})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
