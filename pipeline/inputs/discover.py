"""Finding inputs: files, folders, globs and fsspec URLs expanded into a sorted list.

URLs (s3://, gs://, memory://, ...) are listed through fsspec; local paths directly. Which
files are new or changed is the ledger's business (run/plan.py), not this module's.
"""

import posixpath
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import fsspec

HTML_EXT = (".html", ".htm", ".xhtml")
TEXT_EXT = (".txt", ".text", ".md")




@dataclass(frozen=True, slots=True)
class InputFile:
    """An input as found on the file system; size and mtime let the ledger skip unchanged files."""

    uri: str
    size: int
    mtime: float
    part: int = 0  # a big record file is read by nparts shards, each taking every nparts-th record
    nparts: int = 1


def _protocol(fs: fsspec.AbstractFileSystem) -> str:
    p = fs.protocol
    return p[0] if isinstance(p, (tuple, list)) else p


def _uri(fs: fsspec.AbstractFileSystem, path: str) -> str:
    proto = _protocol(fs)
    return path if proto in ("file", "local") else fs.unstrip_protocol(path)


def _mtime(info: dict[str, Any]) -> float:
    for key in ("mtime", "LastModified", "last_modified", "updated", "created", "modified"):
        v = info.get(key)
        if v is None:
            continue
        if isinstance(v, datetime):
            return v.timestamp()
        if isinstance(v, (int, float)):
            return float(v)
        try:
            return datetime.fromisoformat(str(v).replace("Z", "+00:00")).timestamp()
        except ValueError:
            continue
    return 0.0


def discover(inputs: list[str], storage_options: dict[str, Any] | None = None) -> tuple[list[InputFile], list[str]]:
    """Expand files, folders, globs and URLs into a sorted, de-duplicated list of files.

    Returns (files, problems): a path that does not exist is reported, not raised, so one
    typo among many inputs does not stop a scheduled run.
    """
    found: dict[str, InputFile] = {}
    problems: list[str] = []
    for spec in inputs:
        fs, path = fsspec.core.url_to_fs(spec, **(storage_options or {}))
        try:
            if any(ch in path for ch in "*?["):
                paths = fs.glob(path, detail=True)
                infos = [(p, i) for p, i in paths.items()]
            elif fs.isdir(path):
                infos = list(fs.find(path, detail=True).items())
            elif fs.exists(path):
                infos = [(path, fs.info(path))]
            else:
                problems.append(f"{spec}: no such file or folder")
                continue
        except (OSError, ValueError) as e:
            problems.append(f"{spec}: {e}")
            continue
        for p, info in infos:
            if info.get("type") == "directory":
                continue
            name = posixpath.basename(p)
            if name.startswith(".") or name.endswith((".tmp", ".part")):
                continue
            uri = _uri(fs, p)
            found[uri] = InputFile(uri=uri, size=int(info.get("size") or 0), mtime=_mtime(info))
    return sorted(found.values(), key=lambda f: f.uri), problems


def input_format(uri: str) -> str | None:
    name = uri.lower()
    if name.endswith(".gz"):
        name = name[:-3]
    if name.endswith(HTML_EXT):
        return "html"
    if name.endswith(TEXT_EXT):
        return "text"
    if name.endswith(".jsonl") or name.endswith(".ndjson"):
        return "jsonl"
    if name.endswith((".warc", ".arc")):
        return "warc"
    if name.endswith(".parquet"):
        return "parquet"
    return None

