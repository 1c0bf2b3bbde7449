"""What a model file was trained with, written into it beside its version.

A model's trees depend on more than this repository's code: lxml's parse and trafilatura's text
make the block features, numpy and lightgbm the trees. Retrained in another environment at the
same commit, the trees may come out different, so every writer in train/ records the versions.

They also depend on the code that computes the model's inputs, which goes on changing after the
model is trained: page_type-3, shipped at 486f48b, was retrained byte for byte at that commit at
stop 52 and not at the commit then current, whose page features had changed since. So every
writer also records a digest of its model's inputs on a few pages every checkout holds
(tests/data), which tests/test_model_inputs.py recomputes with the code at hand.
"""
from __future__ import annotations

import gzip
import hashlib
import json
import platform
from collections.abc import Callable
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import numpy as np

PACKAGES = ("lightgbm", "numpy", "scipy", "lxml", "trafilatura", "regex", "ftfy")
CHECK_DIR = Path(__file__).resolve().parents[1] / "tests" / "data"
# the pages the digest is taken on: the test pages in HTML, as tests/data/README.md describes them
CHECK_PAGES = tuple(sorted(p.name for p in CHECK_DIR.glob("*.html.gz")))
# the address each is read under: one with a date and a slug, so that the URL's features count too
CHECK_URL = "https://www.example.com/news/2024/05/17/a-story-the-check-reads/"


def environment() -> dict[str, str]:
    """Python's version and each of PACKAGES' ("" for one not installed)."""
    def of(name: str) -> str:
        try:
            return version(name)
        except PackageNotFoundError:
            return ""
    return {"python": platform.python_version(), **{name: of(name) for name in PACKAGES}}


def _plain(x: Any) -> Any:
    """Numbers rounded to 6 decimals, arrays and tuples as lists, sets sorted: the same inputs
    give the same JSON, whatever containers the code returns them in."""
    if isinstance(x, np.ndarray):
        x = x.tolist()
    if isinstance(x, (list, tuple)):
        return [_plain(v) for v in x]
    if isinstance(x, (set, frozenset)):
        return sorted(_plain(v) for v in x)
    if isinstance(x, (float, np.floating)):
        return round(float(x), 6)
    if isinstance(x, np.integer):
        return int(x)
    return x


def inputs_check(inputs: Callable[[str, str], Any], pages: tuple[str, ...] = CHECK_PAGES) -> dict[str, Any]:
    """A digest of what `inputs` (a page's HTML and URL -> the model's inputs, as its train/
    script computes them) gives on each of `pages` in tests/data, read under CHECK_URL."""
    from cleancorpus.pipeline.inputs.encoding import decode_bytes

    digest = hashlib.sha256()
    for name in pages:
        html = decode_bytes(gzip.decompress((CHECK_DIR / name).read_bytes()), is_html=True)[0]
        digest.update(json.dumps(_plain(inputs(html, CHECK_URL))).encode())
    return {"pages": list(pages), "sha256": digest.hexdigest()}
