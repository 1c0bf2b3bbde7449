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
import socket
import time
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

import fsspec

STATE_KINDS = ("ledger", "lines", "dedup", "dedup_bands", "dedup_growth")
JOURNAL = "state/publish-journal.json"
LEASE = "state/lease.json"


def _protocol(fs: fsspec.AbstractFileSystem) -> str:
    p = fs.protocol
    return p[0] if isinstance(p, (tuple, list)) else p


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

    def sync_state(self, local_state: Path, kinds: Sequence[str] = STATE_KINDS) -> int:
        """Replace the local state cache by the remote's committed segments (of `kinds`)."""
        n = 0
        for kind in kinds:
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

    # ---------------------------------------------------------------- the lease

    def acquire_lease(self, seconds: float, wait: bool = False) -> str | None:
        """Take the output's lease (state/lease.json, created only if absent: S3's conditional
        put), so that a second machine cannot write into it at the same time. A lease past its
        time is taken over (its holder died); returns that holder, else None. Raises LockHeld
        when another writer holds it and `wait` is off."""
        from cleancorpus.pipeline.run.state import LockHeld

        key = self._key(LEASE)
        self.fs.makedirs(self._key("state"), exist_ok=True)
        while True:
            me = {"holder": f"{socket.gethostname()} pid {os.getpid()}", "until": time.time() + seconds,
                  "token": os.urandom(8).hex()}
            try:
                self._create(key, json.dumps(me).encode())
                self._lease = me
                return None
            except FileExistsError:
                pass
            try:
                cur = json.loads(self.fs.cat_file(key))
            except (FileNotFoundError, ValueError):
                continue  # released (or half-written) meanwhile: try again
            if cur.get("until", 0) < time.time():  # its holder died: one taker wins the conditional create
                self.fs.rm_file(key)
                try:
                    self._create(key, json.dumps(me).encode())
                    self._lease = me
                    return str(cur.get("holder"))
                except FileExistsError:
                    continue
            if not wait:
                until = time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(cur.get("until", 0)))
                raise LockHeld(f"output {self.url} is being written by {cur.get('holder')} (lease until {until}); "
                               "wait for it or use --wait")
            time.sleep(2.0)

    def holds_lease(self) -> bool:
        try:
            cur = json.loads(self.fs.cat_file(self._key(LEASE)))
        except (FileNotFoundError, ValueError):
            return False
        return cur.get("token") == getattr(self, "_lease", {}).get("token")

    def release_lease(self) -> None:
        if getattr(self, "_lease", None) and self.holds_lease():
            self.fs.rm_file(self._key(LEASE))
        self._lease = None

    def _create(self, key: str, data: bytes) -> None:
        """Write key only if it does not exist (FileExistsError if it does): a conditional put on
        S3; elsewhere a check then a write (one writer per output, as before leases)."""
        if _protocol(self.fs) in ("s3", "s3a"):
            self.fs.pipe_file(key, data, mode="create")
            return
        if self.fs.exists(key):
            raise FileExistsError(key)
        self.fs.pipe_file(key, data)

    def open(self, rel: str) -> IO[bytes]:
        return self.fs.open(self._key(rel), "rb")
