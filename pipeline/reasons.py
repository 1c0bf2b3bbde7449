"""The stages a reject can come from and the reasons it can give: the values of the `stage`
and `reason` columns of rejects/. StrEnums, so a member is the string written to Parquet;
tests/test_schema.py checks the README lists exactly these."""
from __future__ import annotations

from enum import StrEnum


class Stage(StrEnum):
    READ = "read"
    EXTRACT = "extract"
    CLEAN = "clean"
    FILTER = "filter"
    DEDUP = "dedup"


# what an HTML page is, as the page-type model names it (article first: its decision leans there)
PAGE_TYPES = ("article", "listing", "collection", "forum", "product", "documentation", "service")


class RejectReason(StrEnum):
    UNSUPPORTED = "unsupported"  # not an input type cleancorpus reads
    EMPTY = "empty"  # no bytes, or an empty html/text field
    UNDECODABLE = "undecodable"  # binary, or no encoding decodes it
    UNREADABLE = "unreadable"  # the file could not be read (permissions, IO error, broken archive)
    BAD_JSON = "bad_json"  # a JSONL line that is not JSON
    NOT_AN_OBJECT = "not_an_object"  # a JSONL line that is JSON but not an object
    NO_CONTENT = "no_content"  # extraction found no text
    TOO_LARGE = "too_large"  # a record over the size limit
    EXTRACTION_TIMEOUT = "extraction_timeout"  # extraction over [extract] timeout_seconds
    EXTRACTION_ERROR = "extraction_error"  # the extractor raised
    WORKER_CRASHED = "worker_crashed"  # the worker process died on this record twice
    ALL_BOILERPLATE = "all_boilerplate"  # every line was removed as boilerplate
    TOO_SHORT = "too_short"  # fewer words than [filter] min_words
    LANGUAGE = "language"  # not in [filter] languages
    PAGE_TYPE = "page_type"  # not in [filter] page_types
    EXACT_DUPLICATE = "exact_duplicate"  # the same text as a kept document
    NEAR_DUPLICATE = "near_duplicate"  # confirmed near-duplicate of a kept document
