"""HTML to body text and metadata: the boilerplate model over trafilatura and the page's blocks,
with a DOM-text fallback.

Neither the model nor trafilatura finds anything on some pages that do have a body (unusual
markup, very short articles); those go down the plain-text path over the page's visible text
blocks (blocks.py, the same walk the model reads) instead of ending as no_content.
"""
from __future__ import annotations

import inspect
import signal
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime

import trafilatura
from lxml import etree
from lxml.html import HtmlElement
from trafilatura.core import trafilatura_sequence
from trafilatura.settings import DEFAULT_CONFIG, Extractor
from trafilatura.settings import Document as TrafDocument
from trafilatura.xml import xmltotxt

from cleancorpus.pipeline.config import ExtractConfig
from cleancorpus.pipeline.extraction.blocks import Block, names_roles, page_blocks
from cleancorpus.pipeline.extraction.boilerplate_model import BARE_VERSION, BoilerplateModel, load_model
from cleancorpus.pipeline.extraction.breaks import paragraphs_from_breaks
from cleancorpus.pipeline.extraction.comments import RULE as COMMENTS_RULE
from cleancorpus.pipeline.extraction.comments import trailing_comments
from cleancorpus.pipeline.extraction.contents import RULE as CONTENTS_RULE
from cleancorpus.pipeline.extraction.contents import contents_items, link_keys
from cleancorpus.pipeline.extraction.copies import RULE as COPY_RULE
from cleancorpus.pipeline.extraction.copies import second_copies
from cleancorpus.pipeline.extraction.dates import parse_iso_datetime
from cleancorpus.pipeline.extraction.dialogs import RULE as DIALOG_RULE
from cleancorpus.pipeline.extraction.dialogs import in_dialogs
from cleancorpus.pipeline.extraction.layout import block_lines
from cleancorpus.pipeline.extraction.menus import ABOVE_RULE, lone_labels_above, lone_menu_items
from cleancorpus.pipeline.extraction.menus import RULE as MENU_RULE
from cleancorpus.pipeline.extraction.metadata import page_metadata_site_later
from cleancorpus.pipeline.extraction.page_end import closing_prose
from cleancorpus.pipeline.extraction.page_type import decide, page_type_model
from cleancorpus.pipeline.extraction.parse import deep_recursion, load_html
from cleancorpus.pipeline.extraction.related import RULE as RELATED_RULE
from cleancorpus.pipeline.extraction.related import trailing_links
from cleancorpus.pipeline.extraction.traf_sequence import fast_sequence, in_step
from cleancorpus.pipeline.extraction.traf_xpaths import install as _answer_traf_xpaths_in_python
from cleancorpus.pipeline.model import Removed

_answer_traf_xpaths_in_python()


class ExtractionTimeout(BaseException):
    """A page over its time limit. A BaseException, as KeyboardInterrupt is: trafilatura runs some
    steps under `except Exception` (its recall retry), which would take the interruption for that
    step's failure and go on with the page."""


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Interrupt the block after `seconds` with SIGALRM (main thread only; elsewhere no limit).

    A timer signal, not a subprocess per document: the check costs nothing on the happy path.
    """
    if seconds <= 0 or threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def _raise(signum, frame):  # type: ignore[no-untyped-def]
        raise ExtractionTimeout(f"extraction took longer than {seconds:g} s")

    old = signal.signal(signal.SIGALRM, _raise)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


# trafilatura reads a page's paragraphs' text with one XPath (`//p//text()`), which libxml2 answers
# in time growing with the square of the <p> count: about this many seconds per <p> squared on the
# machines here (20,000 paragraphs: 6.6 s), in C, where no timer signal gets in until it returns
_PARAGRAPH_SCAN_SECONDS = 1e-8
_PARAGRAPHS = etree.XPath("count(//p)")  # compiled once: it runs on every page


def _check_paragraph_scan(tree: HtmlElement, seconds: float) -> None:
    """Reject at once a page whose paragraph scan alone would outlast the time limit, which could
    only interrupt it after the scan had run its whole course."""
    if seconds <= 0:
        return
    paragraphs = int(_PARAGRAPHS(tree))
    if _PARAGRAPH_SCAN_SECONDS * paragraphs * paragraphs > seconds:
        raise ExtractionTimeout(f"{paragraphs} paragraphs: trafilatura's paragraph scan grows with their square "
                                f"and would outlast the {seconds:g} s limit")


@dataclass
class Extracted:
    text: str
    title: str | None = None
    author: str | None = None
    published_at: datetime | None = None
    url: str | None = None
    method: str = "trafilatura"
    # lines that would have been kept, with the rule that removed each: the boilerplate model's
    # (what trafilatura kept and the model did not), page.menu_item's, page.contents_list's,
    # page.comments', page.related_links', page.label_above's, page.dialog's and page.copy's
    removed: list[Removed] = field(default_factory=list)
    page_type: str | None = None
    # gives the site name (metadata.page_metadata_site_later): read only by those who ask
    site: Callable[[], str | None] | None = field(default=None, repr=False)

    @property
    def sitename(self) -> str | None:
        """trafilatura's name of the site, read when first asked: the pipeline asks only for
        a page whose URL gives no domain."""
        return self.site() if self.site is not None else None


_ALWAYS = 10**9  # compare_below_chars at or above this: always compare, in one pass


def _trafilatura(tree: HtmlElement, url: str | None, cfg: ExtractConfig, fast: bool) -> TrafDocument | None:
    """trafilatura's body extraction on its own copy of the tree (it prunes what it reads).

    fast=True skips its comparison with readability and jusText, a third of its time. That
    comparison rescues pages whose main extraction comes out far too short (no <p> markup,
    a body split over odd containers); a full-length body is kept as it is (6 of 181 benchmark
    pages differ, 5 of them under 1,000 characters), so the pipeline asks for the comparison
    only when the fast result is short: `extract.compare_below_chars`.
    """
    return trafilatura.bare_extraction(tree, url=url, options=_options(url, cfg, fast))


def _options(url: str | None, cfg: ExtractConfig, fast: bool) -> Extractor:
    """trafilatura's settings for the body extraction the config asks for (text only: no metadata,
    no deduplication), for bare_extraction and for its sequence run in place alike."""
    return Extractor(
        config=DEFAULT_CONFIG, output_format="python", fast=fast, precision=cfg.favor_precision,
        recall=cfg.favor_recall, comments=cfg.include_comments, tables=cfg.include_tables, dedup=False, url=url,
    )


def trafilatura_text(tree: HtmlElement, url: str | None, cfg: ExtractConfig) -> str:
    """trafilatura's body text as the boilerplate model sees it (fast mode, the config's options)."""
    doc = _trafilatura(tree, url, cfg, fast=True)
    return (doc.text or "") if doc is not None else ""


def _sequence_as_checked() -> bool:
    """Whether trafilatura's internals are still the ones trafilatura_text_in_place repeats:
    trafilatura_sequence(tree, options, url), and no output tree size limit in its default
    settings (bare_extraction's only step between that sequence and the text it returns)."""
    params = list(inspect.signature(trafilatura_sequence).parameters)
    return params == ["tree", "options", "url"] and Extractor(config=DEFAULT_CONFIG).max_tree_size is None


_IN_PLACE = _sequence_as_checked()


def trafilatura_text_in_place(tree: HtmlElement, url: str | None, cfg: ExtractConfig) -> str:
    """trafilatura_text on the tree itself, which it prunes: only for a caller done reading the tree.

    bare_extraction copies a tree it is handed, whole, because it prunes what it reads; when
    nothing reads the page after trafilatura, that copy is waste. This is bare_extraction's own
    path for the options trafilatura_text passes (no metadata, language, XPath pruning or
    deduplication): trafilatura_sequence (as traf_sequence.fast_sequence, without its unused
    copy, where it applies), the minimum output size, the text serializer, with its exceptions
    meaning "nothing found". trafilatura_sequence is internal to trafilatura (its
    docstring says so), so this falls back to the public path when its signature or the size
    setting differ from what was checked, and tests/extraction/test_html.py compares both
    paths' texts page by page.
    """
    if not _IN_PLACE:
        return trafilatura_text(tree, url, cfg)
    options = _options(url, cfg, fast=True)
    sequence = fast_sequence if in_step(options) else trafilatura_sequence
    try:
        body, text, _, comments = sequence(tree, options, url)
    except (TypeError, ValueError):
        return ""
    if len(text) < options.min_output_size and len(comments) < options.min_output_comm_size:
        return ""
    return xmltotxt(body, options.formatting) or ""


def model_input_text(tree: HtmlElement, url: str | None, cfg: ExtractConfig) -> str:
    """trafilatura's text as the boilerplate model reads it: the fast pass over the tree with the
    paragraphs it writes between <br> pairs made <p> first (breaks.py). Prunes the tree: only for
    a caller done reading it."""
    paragraphs_from_breaks(tree)
    return trafilatura_text_in_place(tree, url, cfg)


def extract_html(html: str, url: str | None, cfg: ExtractConfig) -> Extracted | None:
    """The article of a page; None when neither the model, trafilatura nor the DOM fallback finds text.

    The page is parsed once: metadata, the page type and the blocks are read from the tree
    first, because with the boilerplate model trafilatura then extracts from the tree itself
    and prunes it (without the model it extracts from its own copy, and the DOM fallback
    reads the tree after it).
    """
    with time_limit(cfg.timeout_seconds), deep_recursion():
        tree = load_html(html)
        if tree is None:
            return None
        _check_paragraph_scan(tree, cfg.timeout_seconds)
        md, site = page_metadata_site_later(tree, url, cfg)
        page_url = url or md.url
        blocks: list[Block] | None = None
        if cfg.boilerplate_model:
            # the blocks' walk over the <body> reads its class values and text nodes for the
            # page-type features too
            classes: list[str] = []
            texts: list[str] = []
            blocks = page_blocks(tree, classes, texts)
            types = page_type_model()
            # and the page-type features' walk reads the links to the page's own anchors
            fragment_links: list[str] = []
            if tree.find("body") is not None:
                probs = types.probabilities(tree, page_url, classes, texts, fragment_links)
            else:
                probs = types.probabilities(tree, page_url, fragment_links=fragment_links)
            page_type = decide(probs, types.threshold)
            ex = _with_model(tree, blocks, page_url, cfg, model_for(blocks, page_type, cfg), probs,
                             sure_article=float(probs[0]) > cfg.comments_min_article,
                             fragment_links=link_keys(fragment_links))
        else:
            page_type = page_type_model().predict(tree, page_url)
            ex = _trafilatura_alone(tree, page_url, cfg)
        if ex is None:
            if not cfg.fallback:
                return None
            lines = [b.text for b in (page_blocks(tree) if blocks is None else blocks)]
            if not lines:
                return None
            ex = Extracted(text="\n".join(lines), method="dom_fallback")
    ex.title, ex.url, ex.site = md.title, md.url, site
    ex.page_type = page_type
    if ex.method != "dom_fallback":
        ex.author, ex.published_at = md.author, parse_iso_datetime(md.date)
    return ex


def model_for(blocks: list[Block], page_type: str, cfg: ExtractConfig) -> BoilerplateModel:
    """The bare model for an article whose markup names no role in any class or id: the main
    model, trained on pages that mostly do, leans on those words and is then little better than
    trafilatura there. Other pages keep the main model: without names, the bare model cannot tell
    a listing's or collection's links from menus and drops them (bench/README, the bare-model row)."""
    if cfg.bare_model and page_type == "article" and blocks and not names_roles(blocks):
        return load_model(cfg.bare_model, BARE_VERSION)
    return load_model(cfg.boilerplate_model)


def _with_model(tree: HtmlElement, blocks: list[Block], url: str | None, cfg: ExtractConfig,
                model: BoilerplateModel, page_probs: Sequence[float], sure_article: bool = False,
                fragment_links: frozenset[str] = frozenset()) -> Extracted | None:
    """The blocks (page_blocks of the tree) the model keeps, but for a menu's items kept alone
    (menus.py), a table of contents (contents.py), reader comments, links to other pages and dialogs under
    an article and labels kept alone above it (sure_article: comments.py, related.py, dialogs.py, menus.py) and second copies
    of a passage (copies.py); trafilatura's text when it keeps none, or fewer words than
    cfg.model_min_words and than trafilatura.
    page_probs: the page-type probabilities, which the model reads with each block;
    fragment_links: the keys of the texts of the page's links to its own anchors (contents.link_keys).
    trafilatura prunes the tree: nothing may read it after this."""
    traf = model_input_text(tree, url, cfg)
    keep, in_traf = model.keep(blocks, traf, page_probs)
    keep = [k or c for k, c in zip(keep, closing_prose(blocks, keep, in_traf))]
    cut: list[Removed] = [(model.rule, b.text) for b, k, t in zip(blocks, keep, in_traf) if t and not k]
    keep = _without(MENU_RULE, blocks, keep, lone_menu_items(blocks, keep), cut)
    keep = _without(CONTENTS_RULE, blocks, keep, contents_items(blocks, keep, fragment_links), cut)
    if sure_article:
        keep = _without(COMMENTS_RULE, blocks, keep, trailing_comments(blocks, keep), cut)
        keep = _without(RELATED_RULE, blocks, keep, trailing_links(blocks, keep), cut)
        keep = _without(ABOVE_RULE, blocks, keep, lone_labels_above(blocks, keep), cut)
        keep = _without(DIALOG_RULE, blocks, keep, in_dialogs(blocks, keep), cut)
    copy = second_copies(blocks, keep)
    kept = [b for b, k, c in zip(blocks, keep, copy) if k and not c]
    kept_words = sum(len(b.text.split()) for b in kept)
    if kept and (kept_words >= cfg.model_min_words or len(traf.split()) <= kept_words):
        cut += [(COPY_RULE, b.text) for b, k, c in zip(blocks, keep, copy) if k and c]
        return Extracted(text="\n".join(block_lines(kept)), method=model.rule, removed=cut)
    return Extracted(text=traf, method="trafilatura") if traf.strip() else None


def _without(rule: str, blocks: list[Block], keep: list[bool], drop: list[bool], cut: list[Removed]) -> list[bool]:
    """keep without the blocks `drop` marks, whose texts are added to `cut` under `rule`."""
    cut += [(rule, b.text) for b, d in zip(blocks, drop) if d]
    return [k and not d for k, d in zip(keep, drop)]


def _trafilatura_alone(tree: HtmlElement, url: str | None, cfg: ExtractConfig) -> Extracted | None:
    fast = cfg.compare_below_chars < _ALWAYS
    doc = _trafilatura(tree, url, cfg, fast=fast)
    if fast and len((doc.text or "") if doc is not None else "") < cfg.compare_below_chars:
        doc = _trafilatura(tree, url, cfg, fast=False)
    text = (doc.text or "") if doc is not None else ""
    return Extracted(text=text, method="trafilatura") if text.strip() else None
