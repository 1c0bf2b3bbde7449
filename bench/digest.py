"""A digest of every output row, for refactors that must not change a row.

Runs `cleancorpus backfill INPUT -o OUT --workers 2 --no-prefect` (unless --output names an
existing corpus) and prints one sha256 per table over every column but run_id and ingested_at
(rows serialized and sorted), so two code versions can be compared on the same inputs. source_uri
is in the digest: compare runs over the same input paths.

    python bench/digest.py ../shared/seeds [--config FILE] [--cleancorpus PATH]
"""
from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import pyarrow.dataset as ds

SKIP = {"run_id", "ingested_at"}


def table_digest(path: Path) -> tuple[int, str]:
    if not path.exists():
        return 0, "-"
    t = ds.dataset(path, format="parquet", partitioning="hive").to_table()
    cols = sorted(c for c in t.column_names if c not in SKIP and c != "ingest_date")
    rows = sorted(json.dumps([row[c] for c in cols], default=str, sort_keys=True)
                  for row in t.select(cols).to_pylist())
    h = hashlib.sha256("\n".join([",".join(cols), *rows]).encode())
    return len(rows), h.hexdigest()[:16]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("inputs", nargs="*")
    ap.add_argument("--config")
    ap.add_argument("--cleancorpus", default=str(Path(sys.executable).parent / "cleancorpus"))
    ap.add_argument("--output", help="digest this corpus instead of running a backfill")
    args = ap.parse_args()
    if not args.inputs and not args.output:
        ap.error("give input paths, or --output CORPUS")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(args.output or Path(tmp) / "out")
        if not args.output:
            cmd = [args.cleancorpus, "backfill", *args.inputs, "-o", str(out), "--workers", "2", "--no-prefect"]
            if args.config:
                cmd += ["--config", args.config]
            subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        for table in ("documents", "rejects"):
            n, h = table_digest(out / table)
            print(f"{table}: {n} rows {h}")


if __name__ == "__main__":
    main()
