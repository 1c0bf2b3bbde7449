"""WARC archives: every response record with an HTML content type is a page.

A big uncompressed WARC split into parts is read a stretch at a time: part k reads only the
records that start in its k-th of the bytes (found by a scan of the record heads), so no part
reads the whole archive.
"""
from __future__ import annotations

import os
from bisect import bisect_left
from collections.abc import Iterator
from typing import IO

from cleancorpus.pipeline.extraction.dates import parse_iso_datetime
from cleancorpus.pipeline.inputs.encoding import Undecodable, decode_bytes
from cleancorpus.pipeline.inputs.limits import MAX_FILE_BYTES
from cleancorpus.pipeline.inputs.limits import file_reject as _file_reject
from cleancorpus.pipeline.model import RawRecord, Reject, SourceMeta, make_doc_id
from cleancorpus.pipeline.reasons import RejectReason, Stage


def _seekable_warc(uri: str) -> bool:
    """A local, uncompressed WARC: its parts can each read their own stretch of it."""
    return "://" not in uri and uri.lower().endswith(".warc")


def _warc_heads(f: IO[bytes]) -> list[tuple[int, bool]] | None:
    """(offset, is a response) of every record of an uncompressed WARC, found by reading each
    record's header block and seeking past its content. None when the file does not walk
    cleanly to its end (its parts then take every n-th response, reading all of it).

    Every part walks the whole file, so all parts agree on which way the file is read."""
    heads: list[tuple[int, bool]] = []
    size = f.seek(0, os.SEEK_END)
    pos = 0
    while pos < size:
        f.seek(pos)
        head = f.read(8192)
        end = head.find(b"\r\n\r\n")
        while end < 0 and len(head) < 1 << 20:
            more = f.read(65536)
            if not more:
                return None
            head += more
            end = head.find(b"\r\n\r\n")
        if end < 0 or not head.startswith(b"WARC/"):
            return None
        length, response = None, False
        for line in head[:end].split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                try:
                    length = int(value.strip())
                except ValueError:
                    return None
            elif name == b"warc-type":
                response = value.strip() == b"response"
        if length is None or length < 0:
            return None
        heads.append((pos, response))
        pos += end + 4 + length + 4  # the header block, its blank line, the content, two CRLFs
    return heads if pos == size else None


def _read_warc_stretch(uri: str, raw: IO[bytes], heads: list[tuple[int, bool]], part: int,
                       nparts: int) -> Iterator[RawRecord | Reject]:
    """The records that start in this part's nparts-th of the file's bytes. A split WARC used to
    be read whole by every part (22 parts of a 333 MB file read 7 GB); each now reads its own."""
    size = raw.seek(0, os.SEEK_END)
    lo, hi = part * size // nparts, (part + 1) * size // nparts
    offsets = [o for o, _ in heads]
    first, stop = bisect_left(offsets, lo), bisect_left(offsets, hi)
    if first >= stop:
        return
    raw.seek(offsets[first])
    # responses before the stretch: a record without a WARC-Record-ID is named by its number
    k0 = sum(1 for _, response in heads[:first] if response)
    yield from _read_warc(uri, raw, k0=k0, records=stop - first)


def _read_warc(uri: str, f: IO[bytes], mine=lambda k: True, k0: int = 0,  # type: ignore[no-untyped-def]
               records: int | None = None) -> Iterator[RawRecord | Reject]:
    """The HTML responses of a WARC from where f stands: all, or the next `records` records;
    k0 responses come before it."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    k = k0 - 1  # number of the response record: parts split the responses evenly, whatever else the file holds
    try:
        for i, rec in enumerate(ArchiveIterator(f, arc2warc=True)):
            if records is not None and i >= records:
                break
            if rec.rec_type != "response":
                continue
            k += 1
            if not mine(k):
                continue
            ctype = (rec.http_headers.get_header("Content-Type") if rec.http_headers else "") or ""
            if "html" not in ctype.lower():
                continue
            url = rec.rec_headers.get_header("WARC-Target-URI")
            rid = rec.rec_headers.get_header("WARC-Record-ID") or f"record:{k}"
            fetched = parse_iso_datetime(rec.rec_headers.get_header("WARC-Date"))
            body = rec.content_stream().read(MAX_FILE_BYTES)
            declared = None
            if "charset=" in ctype.lower():
                declared = ctype.lower().split("charset=", 1)[1].split(";")[0].strip().strip("\"'") or None
            meta = SourceMeta(url=url, fetched_at=fetched)
            doc_id = make_doc_id(url, uri, rid)
            if not body.strip():
                yield Reject(doc_id=doc_id, source_uri=uri, source_record=rid, stage=Stage.READ, reason=RejectReason.EMPTY,
                             detail="WARC response with an empty body", url=url)
                continue
            try:
                html, _ = decode_bytes(body, is_html=True, declared=declared, url=url)
            except (Undecodable, LookupError) as e:
                yield Reject(doc_id=doc_id, source_uri=uri, source_record=rid, stage=Stage.READ, reason=RejectReason.UNDECODABLE,
                             detail=str(e), url=url)
                continue
            yield RawRecord(source_uri=uri, source_record=rid, source_format="warc", html=html, meta=meta)
    except ArchiveLoadFailed as e:
        yield _file_reject(uri, "unreadable", f"not a readable WARC file: {e}", record="tail")
