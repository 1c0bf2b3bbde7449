"""What a model file was trained with, written into it beside its version.

A model's trees depend on more than this repository's code: lxml's parse and trafilatura's text
make the block features, numpy and lightgbm the trees. Retrained in another environment at the
same commit, the trees came out different (stop 51), and nothing in the file said what the
shipped one was trained with. So every writer in train/ records it.
"""
from __future__ import annotations

import platform
from importlib.metadata import PackageNotFoundError, version

PACKAGES = ("lightgbm", "numpy", "scipy", "lxml", "trafilatura", "regex", "ftfy")


def environment() -> dict[str, str]:
    """Python's version and each of PACKAGES' ("" for one not installed)."""
    def of(name: str) -> str:
        try:
            return version(name)
        except PackageNotFoundError:
            return ""
    return {"python": platform.python_version(), **{name: of(name) for name in PACKAGES}}
