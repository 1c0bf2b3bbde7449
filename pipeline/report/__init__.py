"""`cleancorpus report`: one self-contained HTML file of what a corpus's runs kept, removed and merged."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from cleancorpus.pipeline.report.data import gather
from cleancorpus.pipeline.report.page import render


def write_report(root: str, out: str | None = None, run_id: str | None = None) -> str:
    """Build the report of the corpus at root into out (default ROOT/report.html): a local file is
    replaced atomically, an object-store URL (s3://...) written in one put."""
    target = out or f"{root.rstrip('/')}/report.html"
    html = render(gather(root, run_id))
    if "://" in target:
        import fsspec

        with fsspec.open(target, "w", encoding="utf-8") as f:
            f.write(html)
        return target
    path = Path(target)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".report-", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(html)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)
    return str(path)
