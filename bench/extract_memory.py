"""Peak RSS of one process cleaning WCXB dev pages, with the boilerplate model or the path before it.

    .venv/bin/python bench/extract_memory.py default   # the shipped model
    .venv/bin/python bench/extract_memory.py off       # trafilatura alone (favor_precision), as before the model

Run each in a fresh process (ru_maxrss is the process's peak) and compare.
"""
from __future__ import annotations

import gzip
import resource
import sys
from pathlib import Path

from cleancorpus.pipeline.cleaning.cleaner import Cleaner
from cleancorpus.pipeline.config import load_config
from cleancorpus.pipeline.model import RawRecord, SourceMeta

PAGES = Path(__file__).resolve().parents[1].parent / "shared" / "bench" / "extraction" / "wcxb-dev" / "html"


def main(model: str, n: int = 400) -> None:
    env = ({"CLEANCORPUS_EXTRACT__BOILERPLATE_MODEL": '""', "CLEANCORPUS_EXTRACT__FAVOR_PRECISION": "true"}
           if model == "off" else {"CLEANCORPUS_EXTRACT__BOILERPLATE_MODEL": f'"{model}"'})
    cleaner = Cleaner(load_config(environ=env))
    for f in sorted(PAGES.glob("*.html.gz"))[:n]:
        html = gzip.open(f, "rt", errors="replace").read()
        cleaner.process(RawRecord(source_uri=str(f), source_record=None, source_format="html", html=html,
                                  meta=SourceMeta()))
    print(f"{model}: peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB over {n} pages")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "default")
