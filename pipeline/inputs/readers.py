"""Finding inputs and reading them as a stream of raw records.

URLs (s3://, gs://, memory://, ...) go through fsspec, so they read the same way as local
folders (which are opened directly: fsspec's open costs five times as much). Readers yield
either a RawRecord or a Reject: a bad file or line becomes a reject with a
reason, never an exception that ends the shard.
"""
from __future__ import annotations

import errno
import gzip
import hashlib
import io
import json
import os
import stat
from collections.abc import Iterator
from typing import IO, Any

import fsspec

from cleancorpus.pipeline.extraction.dates import parse_iso_datetime
from cleancorpus.pipeline.inputs.discover import (
    InputFile,
    input_format,
)
from cleancorpus.pipeline.inputs.encoding import Undecodable, decode_bytes
from cleancorpus.pipeline.inputs.limits import MAX_FILE_BYTES, MAX_RECORD_CHARS
from cleancorpus.pipeline.inputs.limits import file_reject as _file_reject
from cleancorpus.pipeline.inputs.warc import _read_warc, _read_warc_stretch, _seekable_warc, _warc_heads
from cleancorpus.pipeline.model import RawRecord, Reject, SourceMeta, make_doc_id
from cleancorpus.pipeline.reasons import RejectReason, Stage


def _open(uri: str, storage_options: dict[str, Any] | None) -> IO[bytes]:
    if "://" not in uri:  # a local path: the built-in open costs 30 us, fsspec's 150
        f: IO[bytes] = open(uri, "rb")  # noqa: SIM115 - closed by read_file
    else:
        f = fsspec.open(uri, "rb", **(storage_options or {})).open()
    if uri.lower().endswith(".gz"):
        return gzip.GzipFile(fileobj=f)  # type: ignore[return-value]
    return f


def _read_limited(f: IO[bytes]) -> bytes:
    """The whole file, up to the limit, in 1 MiB reads: read(limit) would allocate the
    limit (64 MiB) for every page, 90 us of a 170 KB page's read."""
    chunks: list[bytes] = []
    size = 0
    while chunk := f.read(1 << 20):
        size += len(chunk)
        if size > MAX_FILE_BYTES:
            raise ValueError(f"larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB")
        chunks.append(chunk)
    return b"".join(chunks)


class ContentHasher:
    """Hashes the raw bytes of a file as they are read, for the ledger."""

    def __init__(self, f: IO[bytes], hashing: bool = True) -> None:
        self._f = f
        self.h = hashlib.blake2b(digest_size=16) if hashing else None

    def read(self, n: int = -1) -> bytes:
        b = self._f.read(n)
        if self.h is not None:
            self.h.update(b)
        return b

    def readline(self, n: int = -1) -> bytes:
        b = self._f.readline(n)
        if self.h is not None:
            self.h.update(b)
        return b

    def __iter__(self) -> Iterator[bytes]:
        while True:
            line = self.readline()
            if not line:
                return
            yield line

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        self._f.close()


_KINDS = ((stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISDIR, "a folder"))


def _not_a_regular_file(uri: str) -> tuple[str, str] | None:
    """(reason, detail) for a local path that is not a regular file, told by stat alone."""
    if "://" in uri:
        return None
    try:
        st = os.stat(uri)
    except FileNotFoundError:
        if os.path.islink(uri):
            return "unreadable", f"dangling symbolic link (to {os.readlink(uri)})"
        return "unreadable", "the file disappeared before it was read"
    except OSError as e:
        if e.errno == errno.ELOOP:
            return "unreadable", "symbolic link loop"
        return "unreadable", f"cannot stat: {e}"
    if stat.S_ISREG(st.st_mode):
        return None
    kind = next((name for test, name in _KINDS if test(st.st_mode)), "not a regular file")
    return "unsupported", f"not a regular file: {kind}"


def content_hash(uri: str, storage_options: dict[str, Any] | None = None) -> str | None:
    """The hash read_file records in the ledger (of the decompressed bytes), without parsing
    anything; None when the file cannot be read (read_file then says why)."""
    try:
        with _open(uri, storage_options) as raw:
            hasher = ContentHasher(raw)
            while hasher.read(1 << 20):
                pass
    except (OSError, EOFError, gzip.BadGzipFile, ValueError):
        return None
    return hasher.h.hexdigest() if hasher.h is not None else None


def read_file(inp: InputFile, storage_options: dict[str, Any] | None = None,
              hasher_out: list[str] | None = None) -> Iterator[RawRecord | Reject]:
    """Stream the records of one input file (or of one part of it). Appends the content hash
    to hasher_out when done; without hasher_out the bytes are not hashed (each part of a big
    file reads all of it: hashing 350 MB in every one of 22 parts cost a WARC run 7 s).
    File-level rejects come from part 0 only, so they count once."""
    fmt = input_format(inp.uri)
    first = inp.part == 0
    if fmt is None:
        if first:
            yield _file_reject(inp.uri, "unsupported", "not a supported input type (.html .htm .txt .jsonl .warc .parquet, optionally .gz)")
        return
    special = _not_a_regular_file(inp.uri)
    if special is not None:  # never opened: a FIFO would block the reader forever
        if first:
            yield _file_reject(inp.uri, *special)
        return
    try:
        raw = _open(inp.uri, storage_options)
    except (OSError, ValueError) as e:
        if first:
            yield _file_reject(inp.uri, "unreadable", f"cannot open: {e}")
        return
    hasher = ContentHasher(raw, hashing=hasher_out is not None)
    mine = _part_filter(inp.part, inp.nparts)
    try:
        if fmt in ("html", "text"):
            yield from _read_single(inp.uri, fmt, hasher)
        elif fmt == "jsonl":
            yield from _read_jsonl(inp.uri, hasher, mine)
        elif fmt == "warc":
            heads = _warc_heads(raw) if inp.nparts > 1 and _seekable_warc(inp.uri) else None
            if heads is None:
                yield from _read_warc(inp.uri, hasher, mine)
            else:  # this part's stretch of the file only; the hash, when asked for, reads it all
                yield from _read_warc_stretch(inp.uri, raw, heads, inp.part, inp.nparts)
                if hasher.h is not None:
                    raw.seek(0)
                    while hasher.read(1 << 20):
                        pass
        elif fmt == "parquet":
            yield from _read_parquet(inp.uri, raw, hasher, mine)
    except (OSError, EOFError, gzip.BadGzipFile, ValueError) as e:
        if first:
            yield _file_reject(inp.uri, "unreadable", f"read failed part-way: {type(e).__name__}: {e}", record="tail")
    finally:
        try:
            raw.close()
        except Exception:  # noqa: BLE001 - closing a broken stream must not mask the reject
            pass
    if hasher_out is not None and hasher.h is not None:
        hasher_out.append(hasher.h.hexdigest())


def _read_single(uri: str, fmt: str, f: ContentHasher) -> Iterator[RawRecord | Reject]:
    try:
        data = _read_limited(f)  # type: ignore[arg-type]
    except (OSError, EOFError, gzip.BadGzipFile, ValueError) as e:
        yield _file_reject(uri, "unreadable", f"cannot read: {e}")
        return
    if not data.strip():
        yield _file_reject(uri, "empty", "the file is empty or whitespace only")
        return
    try:
        text, _enc = decode_bytes(data, is_html=fmt == "html")
    except Undecodable as e:
        yield _file_reject(uri, "undecodable", str(e))
        return
    rec = RawRecord(source_uri=uri, source_record=None, source_format=fmt)
    if fmt == "html":
        rec.html = text
    else:
        rec.text = text
    yield rec


def _str(v: Any) -> str | None:
    if v is None:
        return None
    s = str(v).strip()
    return s or None


def _meta_from(obj: dict[str, Any]) -> SourceMeta:
    return SourceMeta(
        id=_str(obj.get("id")),
        url=_str(obj.get("url")),
        title=_str(obj.get("title")),
        author=_str(obj.get("author")),
        published_at=parse_iso_datetime(obj.get("published_at")),
        fetched_at=parse_iso_datetime(obj.get("fetched_at")),
    )


def _record_from_obj(uri: str, record: str, fmt: str, obj: Any) -> RawRecord | Reject:
    if not isinstance(obj, dict):
        return _file_reject(uri, "not_an_object", f"{record} is a JSON {type(obj).__name__}, not an object", record)
    html, text = obj.get("html"), obj.get("text")
    if not isinstance(html, str) and not isinstance(text, str):
        return _file_reject(uri, "no_content", f"{record} has neither an 'html' nor a 'text' string field", record)
    meta = _meta_from(obj)
    body = html if isinstance(html, str) and html.strip() else text
    if not isinstance(body, str) or not body.strip():
        return Reject(doc_id=make_doc_id(meta.url, uri, meta.id or record), source_uri=uri, source_record=record,
                      stage=Stage.READ, reason=RejectReason.EMPTY, detail="empty html/text field", title=meta.title, url=meta.url)
    if len(body) > MAX_RECORD_CHARS:
        return _file_reject(uri, "too_large", f"{record} holds {len(body)} characters", record)
    rec = RawRecord(source_uri=uri, source_record=record, source_format=fmt, meta=meta)
    if isinstance(html, str) and html.strip():
        rec.html = html
    else:
        rec.text = text
    return rec


def _part_filter(part: int, nparts: int):  # type: ignore[no-untyped-def]
    """Which record numbers (0-based) belong to this part: every nparts-th, from part."""
    return lambda k: k % nparts == part


def _read_jsonl(uri: str, f: ContentHasher, mine=lambda k: True) -> Iterator[RawRecord | Reject]:  # type: ignore[no-untyped-def]
    for lineno, line in enumerate(f, start=1):
        if not mine(lineno - 1) or not line.strip():
            continue
        record = f"line:{lineno}"
        try:
            obj = json.loads(line)
        except (json.JSONDecodeError, UnicodeDecodeError) as e:
            yield _file_reject(uri, "bad_json", f"{record}: {e}", record)
            continue
        yield _record_from_obj(uri, record, "jsonl", obj)


def _read_parquet(uri: str, raw: IO[bytes], f: ContentHasher, mine=lambda k: True) -> Iterator[RawRecord | Reject]:  # type: ignore[no-untyped-def]
    import pyarrow as pa
    import pyarrow.parquet as pq

    data = f.read()
    try:
        pf = pq.ParquetFile(io.BytesIO(data))
    except Exception as e:  # noqa: BLE001 - pyarrow raises several types for a corrupt file
        yield _file_reject(uri, "unreadable", f"not a readable Parquet file: {e}")
        return
    cols = [c for c in ("id", "url", "title", "author", "published_at", "fetched_at", "html", "text") if c in pf.schema_arrow.names]
    if "html" not in cols and "text" not in cols:
        yield _file_reject(uri, "no_content", "Parquet file has neither an 'html' nor a 'text' column")
        return
    row = 0
    for batch in pf.iter_batches(batch_size=1000, columns=cols):
        n = batch.num_rows
        picked = [k for k in range(n) if mine(row + k)]
        if len(picked) < n:  # one part of a split file: only its rows become Python objects
            batch = batch.take(pa.array(picked, pa.int64()))
        for k, obj in zip(picked, batch.to_pylist()):
            yield _record_from_obj(uri, f"row:{row + k}", "parquet", obj)
        row += n
