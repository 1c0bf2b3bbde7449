"""The document filters that run after cleaning: `no_content`, `too_short` and `language`.

A document's word count, text hash and language are settled here, once its text is final
(after repeated lines are removed), and the `[filter]` settings decide whether it goes on to
dedup or to rejects/.
"""
from __future__ import annotations

from cleancorpus.pipeline.cleaning.language import detect_language
from cleancorpus.pipeline.config import FilterConfig
from cleancorpus.pipeline.model import Document, Reject
from cleancorpus.pipeline.reasons import RejectReason, Stage
from cleancorpus.pipeline.words import count_words


def settle(d: Document, n_paras: int, th: str) -> None:
    """Word count, text hash and language of a document whose text is final."""
    # len(text.split()) without making the words: a text is single-spaced lines joined by
    # blank lines, with no other whitespace (normalize_lines; both tested)
    d.n_words = count_words(d.text, d.text.count(" ") + n_paras)
    d.text_hash = th
    if d.language is None:  # the classifier identifies it for flat text, from the same prose
        d.language = detect_language(d.text)[0]


def filter_reject(d: Document, cfg: FilterConfig) -> Reject | None:
    """The reject for a document the filters do not keep, else None."""
    if d.n_words == 0:
        reason, detail = RejectReason.NO_CONTENT, "nothing left after removing repeated boilerplate"
    elif d.n_words < cfg.min_words:
        reason, detail = RejectReason.TOO_SHORT, f"{d.n_words} words, minimum is {cfg.min_words}"
    elif cfg.languages and d.language not in cfg.languages:
        reason, detail = RejectReason.LANGUAGE, f"language {d.language} not in {list(cfg.languages)}"
    elif cfg.page_types and d.page_type is not None and d.page_type not in cfg.page_types:
        reason, detail = RejectReason.PAGE_TYPE, f"page type {d.page_type} not in {list(cfg.page_types)}"
    else:
        return None
    return Reject(doc_id=d.doc_id, source_uri=d.source_uri, source_record=d.source_record, stage=Stage.FILTER,
                  reason=reason, detail=detail, title=d.title, url=d.url)
