#!/usr/bin/env python3
"""One hash of what the text path makes of the dev pages: to show a change that should not move a
line did not.

    .venv/bin/python bench/flat_digest.py [--per-page FILE]

Every dev page (WCXB dev and ScrapingHub) is flattened to text (bench/flatten.py) and cleaned with
the default config and a trace; so is its truth text, as already extracted text. The cleaned text
(or "REJ") and each line's verdict and rule go into one SHA-1, printed with the page count;
--per-page writes each page's own (flattened, truth), so two runs' files diff to the pages that
changed. The HTML path's counterpart is bench/extract_digest.py.
"""
from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "train"))

import boilerplate as B  # noqa: E402
from flatten import flatten_html  # noqa: E402

from cleancorpus.pipeline.cleaning.cleaner import Cleaner  # noqa: E402
from cleancorpus.pipeline.config import load_config  # noqa: E402
from cleancorpus.pipeline.model import RawRecord  # noqa: E402


def _outcome(cleaner: Cleaner, text: str) -> bytes:
    res = cleaner.process(RawRecord("mem://x.txt", None, "text", text=text))
    return (res.doc.text if res.doc else "REJ").encode() + repr([(t.kept, t.rule) for t in res.trace]).encode()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--per-page", type=Path, metavar="FILE", help="one line per page: its id and the hash of each text")
    a = ap.parse_args()
    cleaner = Cleaner(load_config(None), trace=True)
    digest, pages, lines = hashlib.sha1(), 0, []
    for page in B.load_pages():
        truth = page.truth_text()
        outcomes = [_outcome(cleaner, text) for text in (flatten_html(B.read_html(page.html)), truth)]
        for o in outcomes:
            digest.update(o)
        lines.append(f"{page.key} " + " ".join(hashlib.sha1(o).hexdigest()[:12] for o in outcomes))
        pages += 1
    if a.per_page:
        a.per_page.write_text("\n".join(lines) + "\n")
    print(pages, digest.hexdigest()[:16])


if __name__ == "__main__":
    main()
