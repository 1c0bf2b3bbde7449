"""trafilatura's extraction cascade for the options the pipeline uses, without its unused copy.

trafilatura_sequence keeps a copy of the cleaned tree as a "backup" for the two steps that read
it: the comparison with readability and jusText (off in fast mode) and the comment capture of
a thread-forum page (off without comments). With both off, which is how the boilerplate model
asks for trafilatura's text, the copy is made and thrown away on every page: a whole-tree copy
and its freeing. `fast_sequence` is trafilatura_sequence's own steps for those options, the
copy left out.

trafilatura_sequence is internal to trafilatura (its docstring says so) and may change in any
release. The steps here are the ones of the source that was read; `in_step` compares a digest
of that source with trafilatura's code at import, and on any difference every page goes
through trafilatura_sequence itself (same text, with the copy). tests/extraction/test_html.py
compares this path's text with bare_extraction's page by page. The steps are trafilatura's
(Apache-2.0), written out here for these options.
"""
from __future__ import annotations

import hashlib
import inspect
from copy import copy

import trafilatura.core as tcore
from lxml.etree import Element, _Element
from lxml.html import HtmlElement
from trafilatura.baseline import baseline, html2txt
from trafilatura.htmlprocessing import convert_tags, prune_unwanted_nodes, tree_cleaning
from trafilatura.main_extractor import extract_content
from trafilatura.settings import Extractor
from trafilatura.xpaths import RAW_TREE_PRUNE_XPATH, REMOVE_COMMENTS_AND_LISTS_XPATH, REMOVE_COMMENTS_XPATH

# sha256 (first 16 hex digits) of the source of trafilatura.core's trafilatura_sequence,
# _prepare_tree and _extract_and_compare as read for fast_sequence (trafilatura 2.3.1)
_READ_SOURCE = "b5af9771cdf69390"


def _source_digest() -> str:
    """The digest of the trafilatura code fast_sequence repeats, as installed."""
    try:
        src = "".join(inspect.getsource(f) for f in (tcore.trafilatura_sequence, tcore._prepare_tree,
                                                      tcore._extract_and_compare))
    except (AttributeError, OSError, TypeError):
        return ""
    return hashlib.sha256(src.encode()).hexdigest()[:16]


SAME_SOURCE = _source_digest() == _READ_SOURCE


def in_step(options: Extractor) -> bool:
    """Whether fast_sequence gives trafilatura_sequence's result for these options: the
    installed trafilatura is the one read, in fast mode, without comments."""
    return SAME_SOURCE and options.fast and not options.comments


def fast_sequence(tree: HtmlElement, options: Extractor, url: str | None = None) -> tuple[_Element, str, _Element, str]:
    """trafilatura_sequence(tree, options, url) for options that in_step accepts, without the
    backup copy of the cleaned tree that only the comparison and the comment capture read.

    The stages as trafilatura runs them: the raw-tree prunes, cleaning and tag conversion on a
    copy, the main extractor, the baseline rescue on the raw tree, the recall escalation (its
    jusText candidate belongs to the comparison, off here). Prunes the tree it is given."""
    is_forum = tcore._forum_thread_page(tree)
    tree = prune_unwanted_nodes(tree, RAW_TREE_PRUNE_XPATH)
    if options.focus == "precision" or not is_forum:
        tree = prune_unwanted_nodes(tree, REMOVE_COMMENTS_AND_LISTS_XPATH)
    cleaned_tree = convert_tags(tree_cleaning(copy(tree), options), options, url)
    if options.focus == "precision" and not is_forum:
        cleaned_tree = prune_unwanted_nodes(cleaned_tree, REMOVE_COMMENTS_XPATH)

    postbody, temp_text = extract_content(cleaned_tree, options)

    if len(temp_text) < options.min_extracted_size and options.focus != "precision":
        b_body, b_text, b_len = baseline(tree)
        if b_len > len(temp_text):
            postbody, temp_text = b_body, b_text

    if (
        options.focus == "balanced"
        and 0 < len(temp_text) < tcore.ESCALATION_MAX_LENGTH
        and len(temp_text) < tcore.ESCALATION_PAGE_SHARE * len(html2txt(tree))
    ):
        r_options = copy(options)
        r_options.focus = "recall"
        r_text = ""
        try:
            r_body, r_text = tcore._recall_retry(tree, r_options, url)
        except Exception as err:  # noqa: BLE001 - as trafilatura_sequence: a failed retry keeps the text
            tcore.LOGGER.warning("recall retry failed: %s %s", err, url)
        r_len = len(r_text)
        if r_len >= options.min_extracted_size and r_len > tcore.ESCALATION_ACCEPT_RATIO * len(temp_text):
            postbody, temp_text = r_body, r_text

    return postbody, temp_text, Element("body"), ""
