"""One raw record to one cleaned document (or a reject), with a trace of every line.

The order matters: normalize first so rules see one kind of space and quote; then the
named rules; then the header parser on what is left; then the classifier for flat text,
where nothing upstream has separated content from chrome, unless the text-kind model calls the
text an extractor's (text_kind.py): then the rules' cuts alone stand.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from itertools import compress
from urllib.parse import urlsplit

from cleancorpus.pipeline.cleaning.language import detect_language
from cleancorpus.pipeline.cleaning.line_classifier import BAD, NAMES, ClassifierParams, classify_lines, fallback
from cleancorpus.pipeline.cleaning.line_model import LineModel, active_line_model, live_lines
from cleancorpus.pipeline.cleaning.normalize import (
    link_dump,
    normalize_lines,
    plain_markdown,
    rejoin_inline_breaks,
    split_list_marks,
    unwrap_hard_wrapped,
)
from cleancorpus.pipeline.cleaning.rule_packs import RuleSet
from cleancorpus.pipeline.cleaning.text_kind import TextKindModel, active_text_kind, text_features
from cleancorpus.pipeline.config import CleanConfig, Config
from cleancorpus.pipeline.extraction.copies import TEXT_RULE, second_copy_lines
from cleancorpus.pipeline.extraction.dates import to_utc
from cleancorpus.pipeline.extraction.html import Extracted, ExtractionTimeout, extract_html
from cleancorpus.pipeline.extraction.text_header import clean_title, parse_header
from cleancorpus.pipeline.model import Document, RawRecord, Reject, Removed
from cleancorpus.pipeline.reasons import RejectReason, Stage

# a script in the page, or one it loads or preloads (a saved page may have lost its <script>s but
# not its <link rel="preload" as="script">)
_SCRIPTS = re.compile(r"<script\b|\bas=[\"']?script\b|\.js[\"'?]", re.I)


def no_text_detail(html: str) -> str:
    """Why a page gave no text, as far as its HTML tells: a page whose text its scripts write when a
    browser runs them (a forum thread saved as Discourse's shell, a single-page app) holds none."""
    if not _SCRIPTS.search(html):
        return "no text found in the page"
    return (f"no text found in the page ({len(html) // 1024:,} KB of HTML that runs scripts: text its "
            "JavaScript writes in a browser is not in the HTML; save the page as rendered)")


# rule names whose lines mark the start of a reader comment
_COMMENT_FURNITURE = {"comments.comment_meta", "comments.comment_reply"}
# rule names whose lines separate the items of a list (teasers, comments, live-blog entries)
_ITEM_FURNITURE = {"structure.timestamp_line"}
# the classifier's signals as removal reasons, made once
_SIGNALS = {code: f"classifier.{name}" for code, name in NAMES.items()}
FALLBACK_RULE = "classifier.fallback_keep_all"  # what the classifier's keep-all fallback kept: train/lines.py reads it


@dataclass
class LineTrace:
    text: str
    kept: bool
    rule: str | None  # rule or signal that removed it, or the classifier's verdict for kept lines


@dataclass
class CleanResult:
    doc: Document | None = None
    reject: Reject | None = None
    trace: list[LineTrace] = field(default_factory=list)
    method: str = ""
    # a flat text's text_kind features, when the gate read them or a trace was asked (train/text_kind.py)
    kind_features: list[float] | None = None


def record_reject(rec: RawRecord, stage: str, reason: str, detail: str, title: str | None = None) -> Reject:
    """The reject of a record that is not kept, with what is known of it."""
    return Reject(doc_id=rec.doc_id, source_uri=rec.source_uri, source_record=rec.source_record, stage=stage,
                  reason=reason, detail=detail, title=title or rec.meta.title, url=rec.meta.url)


def classifier_params(c: CleanConfig) -> ClassifierParams:
    """The line classifier's parameters that the [clean] config sets."""
    return ClassifierParams(main_gap=c.main_block_gap, list_run=c.list_run, item_share=c.item_share,
                            join_blocks=c.main_block_join, fallback_words=c.fallback_words)


class Cleaner:
    """Holds the compiled rules so a shard compiles them once, not once per document."""

    def __init__(self, cfg: Config, trace: bool = False) -> None:
        self.cfg = cfg
        self.trace = trace  # keep every line's verdict, for `cleancorpus explain`
        self.rules = RuleSet.from_files(cfg.rule_pack_files(), cfg.clean.regex_timeout)
        self.params = classifier_params(cfg.clean)  # one object for the run: the classifier caches under it
        self.line_model: LineModel | None = active_line_model(cfg.clean)
        self.text_kind: TextKindModel | None = active_text_kind(cfg.clean)

    def process(self, rec: RawRecord) -> CleanResult:
        try:
            return self._process(rec)
        except ExtractionTimeout as e:
            return CleanResult(reject=record_reject(rec, Stage.EXTRACT, RejectReason.EXTRACTION_TIMEOUT, str(e)))
        except (ValueError, TypeError, AttributeError, LookupError, RecursionError, MemoryError) as e:
            # a defect in one page's parse must cost that page, not the shard
            return CleanResult(reject=record_reject(rec, Stage.EXTRACT, RejectReason.EXTRACTION_ERROR, f"{type(e).__name__}: {e}"))


    def _process(self, rec: RawRecord) -> CleanResult:
        meta = rec.meta
        title, author, published, url = meta.title, meta.author, meta.published_at, meta.url
        ex: Extracted | None = None
        page_type = None
        if rec.html is not None:
            ex = extract_html(rec.html, meta.url, self.cfg.extract)
            if ex is None:
                return CleanResult(reject=record_reject(rec, Stage.EXTRACT, RejectReason.NO_CONTENT, no_text_detail(rec.html)))
            raw_text, method = ex.text, ex.method
            model_removed = list(ex.removed)
            page_type = ex.page_type
            title, author = title or ex.title, author or ex.author
            published, url = published or ex.published_at, url or ex.url
            flat = method == "dom_fallback"
        else:
            raw_text, method, flat = rec.text or "", "text", True
            model_removed = []
        lines = normalize_lines(raw_text, self.cfg.clean.straighten_quotes)
        list_marks: list[str] | None = None  # a kept line's list mark, put back after cleaning
        if not flat:
            lines, list_marks = split_list_marks(lines)
        references: int | None = None  # the lines from here on: a terminal browser's list of the links' addresses
        if flat:
            dump = link_dump(lines) if self.cfg.clean.link_dump else None
            if dump is None:
                lines = unwrap_hard_wrapped(lines)
            else:
                body = dump.plain(unwrap_hard_wrapped(lines[:dump.start]))
                references, lines = len(body), body + lines[dump.start:]
            if self.cfg.clean.markdown:
                lines = plain_markdown(lines)
            if self.cfg.clean.inline_breaks:
                body = rejoin_inline_breaks(lines[:references])
                if references is not None:
                    body, references = body + lines[references:], len(body)
                lines = body
        marks: list[str | None] = [None] * len(lines)
        if references is not None:
            marks[references:] = ["dump.references" if s else None for s in lines[references:]]
        self.rules.apply(lines, marks, blocks=not flat, page_type=page_type)
        head = parse_header(lines, marks, self.rules, self.cfg.extract.date_order, find_title=flat)
        extra_removed: list[Removed] = model_removed
        if head.removed_prefix:
            extra_removed.append(("header.date_prefix", head.removed_prefix))
        if title and rec.html is not None:
            self._drop_repeated_title(lines, marks, title)
        title = clean_title(title or head.title)
        author = author or head.author
        published = published or to_utc(head.published)
        verdicts: dict[int, str] = {}
        language = None
        kind_features: list[float] | None = None
        if flat and self.cfg.clean.classifier:
            by_rules = marks.copy()
            verdicts, language, fell_back = self._classify(lines, marks)
            if self.line_model is not None and rec.html is None and language is not None:
                self._second_opinion(self.line_model, lines, marks, verdicts, extra_removed, fell_back)
            if rec.html is None and (self.text_kind is not None or self.trace):
                kind_features = self._kind_features(lines, by_rules, marks, fell_back)
            if self.text_kind is not None and kind_features is not None and self.text_kind.extracted(kind_features):
                # an extractor's text: the rules' cuts alone stand
                marks[:] = by_rules
                verdicts = {i: self.text_kind.method for i, m in enumerate(marks) if lines[i] and m is None} if self.trace else {}
                method = self.text_kind.method
            elif self.cfg.clean.copies:
                for i in second_copy_lines(lines, [i for i, (s, m) in enumerate(zip(lines, marks)) if s and m is None]):
                    marks[i] = TEXT_RULE
        kept = [s for s, m in zip(lines, marks) if s and m is None] if list_marks is None else \
            [lm + s for s, m, lm in zip(lines, marks, list_marks) if s and m is None]
        rules, removed = _removals(lines, marks, extra_removed)
        trace = self._trace(lines, marks, verdicts, extra_removed) if self.trace else []
        text = "\n\n".join(kept)
        doc = Document(
            doc_id=rec.doc_id, text=text, source_uri=rec.source_uri, source_record=rec.source_record,
            source_format=rec.source_format, title=title, author=author, published_at=published, url=url,
            domain=domain_of(url) or _site_domain(ex), removed_rules=rules,
            removed_lines=removed,
            language=language, page_type=page_type,
        )
        if not text.strip():
            reason = RejectReason.NO_CONTENT if not removed else RejectReason.ALL_BOILERPLATE
            return CleanResult(reject=record_reject(rec, Stage.CLEAN, reason, "nothing left after cleaning", title), trace=trace, method=method)
        return CleanResult(doc=doc, trace=trace, method=method, kind_features=kind_features)

    @staticmethod
    def _trace(lines: list[str], marks: list[str | None], verdicts: dict[int, str],
               extra_removed: list[Removed]) -> list[LineTrace]:
        trace = [LineTrace(text, False, rule) for rule, text in extra_removed]
        trace += [LineTrace(s, m is None, verdicts.get(i) if m is None else m)
                  for i, (s, m) in enumerate(zip(lines, marks)) if s]
        return trace

    @staticmethod
    def _drop_repeated_title(lines: list[str], marks: list[str | None], title: str) -> None:
        t = " ".join(title.split()).lower()
        for i, s in enumerate(lines):
            if s and marks[i] is None:
                if s.lower() == t:
                    marks[i] = "header.title"
                return

    @staticmethod
    def _kind_features(lines: list[str], by_rules: list[str | None], marks: list[str | None],
                       fell_back: bool) -> list[float]:
        """text_kind's features of the text's lines: which the rules removed (`by_rules`, the
        marks before the classifier) and which the classifier and the line model removed after."""
        idx = [i for i, s in enumerate(lines) if s]
        return text_features([lines[i] for i in idx], [by_rules[i] is not None for i in idx],
                             [by_rules[i] is None and marks[i] is not None for i in idx], fell_back)

    def _classify(self, lines: list[str], marks: list[str | None]) -> tuple[dict[int, str], str | None, bool]:
        """Verdicts for the lines left by the rules, the document's language, and whether the
        classifier found too little prose and fell back to keeping the text but for its menus.

        The language is identified once, from the prose-length lines (menus say little about
        it), and serves twice: it picks the classifier's stoplist and fills the column.
        """
        live = [i for i, s in enumerate(lines) if s and marks[i] is None]
        if not live:
            return {}, None, False
        lang = _language([lines[i] for i in live])
        comment_start = _after_marks(live, marks, _COMMENT_FURNITURE, lookback=3)
        # a timestamp line removed between two kept lines starts a new item: a teaser, a comment
        item_start = _after_marks(live, marks, _ITEM_FURNITURE)
        texts = [lines[i] for i in live]
        final, initial = classify_lines(texts, lang, self.params, comment_start, item_start)
        kept_all = fallback(texts, lang, final, initial, self.params)
        # little or nothing looked like prose to the classifier, yet there is text: a kind of
        # page it does not know (docs, listings, specs, score tables). Keep it but for its menus.
        verdict = final if kept_all is None else kept_all
        for k, (f, c) in enumerate(zip(verdict, initial)):
            if f == BAD:
                marks[live[k]] = _SIGNALS[c]
        if kept_all is not None:
            return {i: FALLBACK_RULE for i, f in zip(live, kept_all) if f != BAD}, lang, True
        # the kept lines' verdicts are for `cleancorpus explain` only
        verdicts = {i: _SIGNALS[c] for i, f, c in zip(live, final, initial) if f != BAD} if self.trace else {}
        return verdicts, lang, False

    def _second_opinion(self, model: LineModel, lines: list[str], marks: list[str | None], verdicts: dict[int, str],
                        extra_removed: list[Removed], fell_back: bool) -> None:
        """The line model's say on the classifier's verdict (line_model.Policy: alone where the
        classifier found little prose, else only dropping short lines the classifier kept). Its
        input is the trace's lines in order, as train/lines.py reads them."""
        idx = [i for i, s in enumerate(lines) if s]
        live = list(compress(idx, live_lines([marks[i] for i in idx])))
        extra = [(r, t) for r, t in extra_removed if t]
        keep = model.keep([t for _, t in extra] + [lines[i] for i in idx], [r for r, _ in extra] + [marks[i] for i in idx],
                          [False] * len(extra) + [marks[i] is None for i in idx], fell_back,
                          self.cfg.clean.fallback_words)
        if keep is None:
            return
        verdict = dict(zip(idx, keep[len(extra):]))
        for i in live:
            if not verdict[i]:
                if marks[i] is None:
                    marks[i] = model.rule
                    verdicts.pop(i, None)
            elif marks[i] is not None:
                marks[i] = None
                if self.trace:
                    verdicts[i] = model.rule

def _removals(lines: list[str], marks: list[str | None], extra: list[Removed]) -> tuple[list[str], list[str]]:
    """The rules and the lines they removed, `extra` first; a marked blank line is no removal.

    Marks are rule names (never empty) or None, so filter() and compress() pick them out in C.
    """
    rules, removed = list(filter(None, marks)), list(compress(lines, marks))
    if "" in removed:  # no rule marks a blank line today; should one, it is dropped as before
        pairs = [(m, s) for s, m in zip(lines, marks) if s and m is not None]
        rules, removed = [m for m, _ in pairs], [s for _, s in pairs]
    return [r for r, _ in extra] + rules, [t for _, t in extra] + removed


def _after_marks(live: list[int], marks: list[str | None], names: set[str], lookback: int = 0) -> list[bool]:
    """For each live line: does a line removed by one of these rules sit just above it (within
    `lookback` lines, or, with 0, anywhere since the previous live line)? The few marked lines
    are found by list.index and each flags the live lines just below it, so nothing walks
    every line in Python."""
    flags = [False] * len(live)
    if names.isdisjoint(marks):
        return flags
    for j in _positions(marks, names):
        k = bisect_right(live, j)  # the first live line below j
        if lookback:
            while k < len(live) and live[k] - lookback <= j:
                flags[k] = True
                k += 1
        elif 0 < k < len(live):  # a live line above j too: j sits between two live lines
            flags[k] = True
    return flags


def _positions(items: list[str | None], values: set[str]) -> list[int]:
    """Indexes of the items equal to one of the values, in order."""
    found: list[int] = []
    for v in values:
        j = -1
        try:
            while True:
                j = items.index(v, j + 1)
                found.append(j)
        except ValueError:
            pass
    return sorted(found)


# The first 600 characters of prose name a text's language but on pages that open with a mix: an
# English news site's front page whose headlines include its Spanish edition's read as Spanish at
# 0.41, and the classifier then judged English prose with a Spanish stoplist. Below this
# confidence the language is read again from more of the text.
SURE = 0.9
WIDE_SAMPLE = 3000


def _language(lines: list[str]) -> str | None:
    """The language of a text's prose lines: from a short sample, or a wide one when the short is unsure."""
    short = _prose_sample(lines)
    lang, confidence = detect_language(short)
    if confidence < SURE:
        wide = _prose_sample(lines, WIDE_SAMPLE)
        if len(wide) > len(short):
            lang = detect_language(wide, max_chars=WIDE_SAMPLE)[0]
    return lang


def _prose_sample(lines: list[str], max_chars: int = 600) -> str:
    """The first long lines of a text, for language identification; all lines if none is long."""
    picked, size = [], 0
    for line in lines:
        if len(line) >= 40:
            picked.append(line)
            size += len(line) + 1
            if size >= max_chars:
                break
    return " ".join(picked or lines)


def _site_domain(ex: Extracted | None) -> str | None:
    """The domain of a page whose URL gives none: its site name, lowercased (read only then:
    the site name costs a metadata pass)."""
    sitename = ex.sitename if ex is not None else None
    return sitename.strip().lower() if sitename else None


def domain_of(url: str | None) -> str | None:
    if not url:
        return None
    try:
        host = urlsplit(url if "//" in url else "//" + url).hostname
    except ValueError:
        return None
    if not host:
        return None
    host = host.lower().rstrip(".")
    for prefix in ("www.", "m.", "amp."):
        if host.startswith(prefix) and host.count(".") > 1:
            host = host[len(prefix):]
    return host
