"""LightGBM's Booster, for the boilerplate, page-type and line models, imported without pandas.

pandas is no dependency of cleancorpus and the models never see a DataFrame, but where it is
installed (a data team's environment, this project's dev extras) lightgbm imports it with
itself, and pyarrow on its first conversion of a Python list. The process that forks the
shard workers loads both before it forks, so every worker's resident memory carried pandas
and its compiled extensions, for nothing it uses (bench/README).
"""
from __future__ import annotations

import importlib.abc
import sys
from collections.abc import Iterator
from contextlib import contextmanager


class _NoPandas(importlib.abc.MetaPathFinder):
    def find_spec(self, name: str, path: object = None, target: object = None) -> None:
        if name == "pandas" or name.startswith("pandas."):
            raise ModuleNotFoundError(f"no module named {name!r} (left out: boosters.without_pandas)", name=name)
        return None


@contextmanager
def without_pandas() -> Iterator[None]:
    """While inside, `import pandas` fails as if it were not installed, so lightgbm and
    pyarrow take their paths without it; nothing changes where pandas is already imported.
    After it, pandas imports as usual: lightgbm then still takes no DataFrame, and pyarrow's
    list conversions do not look for pandas objects, but `Table.to_pandas()` and
    `Table.from_pandas()` import it when called."""
    if "pandas" in sys.modules:
        yield
        return
    finder = _NoPandas()
    sys.meta_path.insert(0, finder)
    try:
        yield
    finally:
        sys.meta_path.remove(finder)


with without_pandas():
    from lightgbm import Booster

__all__ = ["Booster", "without_pandas"]
