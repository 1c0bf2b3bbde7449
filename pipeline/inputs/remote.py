"""Output on object storage (s3://, gs://, ...): a local working copy, published with a journal.

Object stores have no rename and no lock, so a remote output is worked on in a local folder
(state cache, staging, the lock) and published at commit. The remote is the source of truth:
every run starts by rolling back a half-published run (a journal left in the remote's
state/) and by downloading the remote's state segments. A run publishes in this order:
journal listing every key it will write, data files, state segments, run summary, then the
journal is deleted. A run killed while publishing is rolled back by the next run, on any
machine, and its inputs are processed again, so nothing is lost and nothing is doubled.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path
from typing import IO, Any

import fsspec

STATE_KINDS = ("ledger", "lines", "dedup", "dedup_growth")
JOURNAL = "state/publish-journal.json"


def is_remote(output: str) -> bool:
    proto = output.split("://", 1)[0] if "://" in output else "file"
    return proto not in ("file", "local")


def local_root_for(output: str) -> Path:
    """Where a remote output's working copy lives (CLEANCORPUS_WORK_DIR overrides the cache dir)."""
    base = Path(os.environ.get("CLEANCORPUS_WORK_DIR") or Path.home() / ".cache" / "cleancorpus")
    return base / hashlib.sha256(output.rstrip("/").encode()).hexdigest()[:16]


class Remote:
    def __init__(self, url: str, storage_options: dict[str, Any] | None = None) -> None:
        self.url = url.rstrip("/")
        self.fs, self.root = fsspec.core.url_to_fs(self.url, **(storage_options or {}))

    def _key(self, rel: str) -> str:
        return f"{self.root}/{rel}"

    def rollback(self) -> int:
        """Delete what a half-published run wrote; returns how many objects went."""
        j = self._key(JOURNAL)
        if not self.fs.exists(j):
            return 0
        with self.fs.open(j, "rb") as f:
            rels = json.loads(f.read())
        gone = 0
        for rel in rels:
            if self.fs.exists(self._key(rel)):
                self.fs.rm(self._key(rel))
                gone += 1
        self.fs.rm(j)
        return gone

    def sync_state(self, local_state: Path) -> int:
        """Replace the local state cache by the remote's committed segments."""
        n = 0
        for kind in STATE_KINDS:
            folder = local_state / kind
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True, exist_ok=True)
            prefix = self._key(f"state/{kind}")
            if not self.fs.exists(prefix):
                continue
            for key in sorted(self.fs.find(prefix)):
                if key.endswith(".parquet"):
                    self.fs.get(key, str(folder / key.rsplit("/", 1)[1]))
                    n += 1
        return n

    def publish(self, local_root: Path, rels: list[str]) -> None:
        """Upload files (relative to local_root) in the given order under a journal."""
        self.fs.makedirs(self._key("state"), exist_ok=True)
        with self.fs.open(self._key(JOURNAL), "wb") as f:
            f.write(json.dumps(rels).encode())
        for rel in rels:
            self.fs.put(str(local_root / rel), self._key(rel))
        self.fs.rm(self._key(JOURNAL))

    def open(self, rel: str) -> IO[bytes]:
        return self.fs.open(self._key(rel), "rb")
