"""Named boilerplate rules, loaded from the rule packs in config/rules/.

Rules are data so users can add a pack for their sources without touching code, and every
line a rule removes carries "pack.rule" into the `removed` column. Patterns run under the
`regex` module's timeout so a catastrophic pattern costs a skipped match, not a hung run.

Asking ~50 backtracking patterns about every line costs ~7 ms per page of new text, more than
everything else in the plain-text path together. So all patterns are first asked at once by
RE2 sets (linear-time automata; the alternatives anchored at the line's start in one, the rest
in another: Prefilter): each pattern is widened into one RE2 accepts (word boundaries and
lookarounds dropped, \\w and \\d made Unicode), so the sets can only say "maybe", never miss a
line; the few lines they name are then checked by the exact `regex` patterns.
"""
from __future__ import annotations

import tomllib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import re2
import regex

from cleancorpus.pipeline.cleaning.lineshape import ends_sentence, is_body_line
from cleancorpus.pipeline.extraction.dates import DATE, DATE_LABEL, TIME
from cleancorpus.pipeline.reasons import PAGE_TYPES

MATCH_KINDS = ("line", "footer", "heading_list")
_CACHE_LINES = 50_000
_UNSEEN = object()
# a line under a "Read more" heading is prose, not a headline, when it ends a sentence on one of
# these (not "?": headlines ask questions), maybe followed by these closing quotes or brackets
_LIST_STOPS, _LIST_CLOSERS = ".!;", "'\"”’)]"
# a line that is a number alone: a table's cell ("+13.1%", "1,465", "$20", "11.9×") or a list's "2."
_NUMBER_LINE = regex.compile(r"[-+−$€£¥]?\s?\d[\d.,\s]*\s?[%×]?")


class RuleError(ValueError):
    pass


_LOOKAROUNDS = ("(?=", "(?!", "(?<=", "(?<!")
_COUNTED = regex.compile(r"\{\d*,?\d*\}")
_UNICODE_CLASS = {"w": r"\pL\pN\pM_", "d": r"\pN", "s": r"\s\pZ"}


def widen_for_re2(pattern: str) -> str:
    """A pattern RE2 compiles that matches at least every string `pattern` matches.

    RE2's \\b and \\w are ASCII-only and it has no lookarounds: drop word boundaries and
    lookarounds (fewer constraints only widen), spell \\w and \\d as Unicode classes, and turn
    named groups into plain ones (rule patterns reuse names across alternatives). Counted
    repeats become `*`: `.{0,60}` multiplies the automaton's states, and a cold automaton costs
    ~15 us a line against ~2 us when they are gone (measured on 80,000 lines).
    """
    out: list[str] = []
    i, in_class = 0, False
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            esc = pattern[i + 1:i + 2]
            if esc in _UNICODE_CLASS:
                out.append(_UNICODE_CLASS[esc] if in_class else f"[{_UNICODE_CLASS[esc]}]")
            elif in_class or esc not in ("b", "B"):
                out.append(pattern[i:i + 2])
            i += 2
        elif in_class:
            in_class = c != "]"
            out.append(c)
            i += 1
        elif c == "[":
            in_class = True
            j = i + 1 + (pattern[i + 1:i + 2] == "^")
            j += pattern[j:j + 1] == "]"  # a leading ] is a literal
            out.append(pattern[i:j])
            i = j
        elif c == "{" and (rep := _COUNTED.match(pattern, i)):
            out.append("*")
            i = rep.end()
        elif pattern.startswith("(?P<", i):
            out.append("(?:")
            i = pattern.index(">", i) + 1
        elif pattern.startswith(_LOOKAROUNDS, i):
            i = _group_end(pattern, i)
        else:
            out.append(c)
            i += 1
    return "".join(out)


def _structure(pattern: str, start: int = 0) -> Iterator[tuple[int, str]]:
    """Index and character of each character of `pattern` from `start` on that stands outside an
    escape and a character class: the ones that make its groups and alternatives."""
    i = start
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            i += 2
            continue
        if c == "[":
            i += 1 + (pattern[i + 1:i + 2] == "^")
            i += pattern[i:i + 1] == "]"  # a leading ] is a literal
            while i < len(pattern) and pattern[i] != "]":
                i += 2 if pattern[i] == "\\" else 1
            i += 1
            continue
        yield i, c
        i += 1


def _group_end(pattern: str, start: int) -> int:
    """Index just past the group opening at `start`."""
    depth = 0
    for i, c in _structure(pattern, start):
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return i + 1
    raise RuleError(f"unbalanced group in pattern: {pattern[start:start + 40]}")


def split_alternatives(pattern: str) -> list[str] | None:
    """The top-level alternatives of an RE2 pattern: it matches a string where one of them does.
    None where this reading would not be sure of them.

    A pattern with an inline flag group, \\Q quoting or a POSIX class is kept whole: a flag set
    before a `|` reaches the alternatives after it, a quoted `|` is a literal, and `[[:alpha:]|]`
    would end its class early here."""
    if "[:" in pattern or "\\Q" in pattern:
        return None
    out: list[str] = []
    depth, start = 0, 0
    for i, c in _structure(pattern):
        if c == "(":
            if pattern.startswith("(?", i) and not pattern.startswith("(?:", i):
                return None
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "|" and depth == 0:
            out.append(pattern[start:i])
            start = i + 1
    out.append(pattern[start:])
    return out


def _alternatives(wide: str, opts: re2.Options) -> list[tuple[str, bool]]:
    """A widened pattern's alternatives, each with whether it is anchored at the start (begins
    with ^); the whole pattern, searched for, where it cannot be split surely."""
    alts = split_alternatives(wide)
    try:
        for alt in alts or ():
            re2.compile(alt, opts)
    except re2.error:
        alts = None
    if alts is None:
        return [(wide, False)]
    return [(alt, alt.startswith("^")) for alt in alts]


@dataclass(frozen=True)
class Prefilter:
    """Which rules may match a line, from RE2 sets over it.

    Each widened pattern is split into its top-level alternatives. Those that start with `^` go to
    a set anchored at the line's start, the others to a search set. In one search set every
    `^...` alternative would be carried as threads begun at every position of the line beside the
    unanchored ones, and with the `.*` of many patterns the automaton's states multiply: on text it
    has not seen it keeps building states and its cache (max_mem) keeps filling and starting over.
    Anchored, those alternatives only follow the threads begun at position 0, which die within a
    few characters on most lines. A rule is a candidate when any of its alternatives matches,
    exactly as when its whole pattern is asked.
    """

    starts: re2.Set | None  # alternatives that begin with ^, matched at the line's start
    anywhere: re2.Set | None  # the other alternatives, searched for
    start_rule: tuple[int, ...]  # index in `starts` -> rule index
    anywhere_rule: tuple[int, ...]  # index in `anywhere` -> rule index
    always: tuple[int, ...]  # rules RE2 cannot express: checked on every line

    @classmethod
    def build(cls, rules: tuple["Rule", ...]) -> "Prefilter":
        opts = re2.Options()
        opts.case_sensitive = False
        opts.max_mem = 32 << 20  # the automaton's cache; 32 MB is as fast as 256 MB on 520k lines
        starts, anywhere = re2.Set.MatchSet(opts), re2.Set.SearchSet(opts)
        start_rule: list[int] = []
        anywhere_rule: list[int] = []
        always: list[int] = []
        for k, rule in enumerate(rules):
            try:
                wide = widen_for_re2(rule.pattern.pattern)
                re2.compile(wide, opts)
            except (re2.error, RuleError):
                always.append(k)
                continue
            for alt, anchored in _alternatives(wide, opts):
                into, numbers = (starts, start_rule) if anchored else (anywhere, anywhere_rule)
                if into.Add(alt) != len(numbers):
                    raise RuleError("RE2 set numbering out of step")
                numbers.append(k)
        try:
            for s, numbers in ((starts, start_rule), (anywhere, anywhere_rule)):
                if numbers:
                    s.Compile()
        except re2.error:  # too big for RE2: every rule is checked on every line
            return cls(None, None, (), (), tuple(range(len(rules))))
        return cls(starts if start_rule else None, anywhere if anywhere_rule else None, tuple(start_rule),
                   tuple(anywhere_rule), tuple(always))

    def candidates(self, line: str) -> list[int]:
        """The rules that may match, in rule order (each once)."""
        data = line.encode("utf-8")  # once for both sets (google-re2 encodes a str on every call)
        first = self.starts.Match(data) if self.starts is not None else None
        other = self.anywhere.Match(data) if self.anywhere is not None else None
        if not first and not other:
            return list(self.always)
        found = {self.start_rule[i] for i in first or ()}
        found.update(self.anywhere_rule[i] for i in other or ())
        found.update(self.always)
        return sorted(found)


@dataclass(frozen=True)
class Rule:
    name: str  # "pack.rule"
    match: str
    pattern: regex.Pattern[str]
    max_words: int = 0  # 0 = no limit
    list_max_words: int = 25
    list_max_items: int = 12
    # spare a line whose nearest non-blank neighbour either side is a number alone: a date or a
    # "2 days ago" beside the figures of a table's row or a list's numbers is the table's data
    # (on a page's DOM blocks only: RuleSet.apply)
    keep_beside_numbers: bool = False
    # page types (page_type.py) whose lines the rule leaves: on a forum thread the comments are the
    # page, on a listing the "Most read" list is
    not_on: frozenset[str] = frozenset()

    def hits(self, line: str, timeout: float, words: int | None = None) -> bool:
        if self.max_words and (len(line.split()) if words is None else words) > self.max_words:
            return False
        try:
            return self.pattern.search(line, timeout=timeout) is not None
        except TimeoutError:
            return False


# what a pattern may name rather than spell out: a date and a time of day as dates.py reads them,
# and the words that label a date ("Published on", "Publicado em", "Mis à jour le")
PLACEHOLDERS = {"DATE": DATE, "TIME": TIME, "DATE_LABEL": DATE_LABEL}
# a name in braces: not a quantifier ("{2,5}"), an escaped brace ("\\{") nor a Unicode property or
# character name ("\\p{Lu}", "\\N{EM DASH}")
_NAMED = regex.compile(r"(?<!\\)(?<!\\[pPN])\{([A-Za-z_]\w*)\}")


def _compile_names(what: str, pattern: str, known: dict[str, str]) -> str:
    def spell(m: regex.Match[str]) -> str:
        if m.group(1) not in known:
            raise RuleError(f"{what}: unknown {{{m.group(1)}}}: neither a placeholder "
                            f"({', '.join(PLACEHOLDERS)}) nor one of the pack's [fragments]")
        return known[m.group(1)]

    return _NAMED.sub(spell, pattern)


def _compile(pack: str, name: str, pattern: str, fragments: dict[str, str] | None = None) -> regex.Pattern[str]:
    """The pattern with its pack's fragments and the placeholders spelled out; a name neither
    knows is refused, not matched as the literal text "{name}"."""
    pattern = _compile_names(f"rule {pack}.{name}", pattern, PLACEHOLDERS | (fragments or {}))
    try:
        return regex.compile(pattern, regex.I | regex.V0)
    except regex.error as e:
        raise RuleError(f"rule {pack}.{name}: bad pattern: {e}") from None


def _fragments(path: Path, data: dict) -> dict[str, str]:
    """A pack's [fragments]: alternations two of its rules share (WordPress's "Leave a Reply" in
    six languages is a footer heading to one rule and a prompt's start to another), written once.
    A fragment may use the placeholders, not another fragment."""
    fragments = data.get("fragments", {})
    if not isinstance(fragments, dict):
        raise RuleError(f"rule pack {path}: [fragments] must be a table of name = pattern")
    out = {}
    for key, value in fragments.items():
        if not isinstance(value, str) or not regex.fullmatch(r"[a-z_]\w*", key):
            raise RuleError(f"rule pack {path}: fragment {key!r} must be a lowercase name and a pattern")
        out[key] = _compile_names(f"rule pack {path}: fragment {key}", value, PLACEHOLDERS)
    return out


def load_pack(path: Path) -> list[Rule]:
    pack = path.stem
    try:
        data = tomllib.loads(path.read_text())
    except tomllib.TOMLDecodeError as e:
        raise RuleError(f"rule pack {path}: not valid TOML: {e}") from None
    rules = []
    fragments = _fragments(path, data)
    for i, r in enumerate(data.get("rules", [])):
        name = r.get("name")
        if not name or "pattern" not in r:
            raise RuleError(f"rule pack {path}: rule #{i + 1} needs a name and a pattern")
        match = r.get("match", "line")
        if match not in MATCH_KINDS:
            raise RuleError(f"rule {pack}.{name}: match must be one of {MATCH_KINDS}")
        not_on = r.get("not_on", [])
        if not isinstance(not_on, list) or not set(not_on) <= set(PAGE_TYPES):
            raise RuleError(f"rule {pack}.{name}: not_on must be a list of page types, of {PAGE_TYPES}")
        beside_numbers = r.get("keep_beside_numbers", False)
        if not isinstance(beside_numbers, bool):
            raise RuleError(f"rule {pack}.{name}: keep_beside_numbers must be true or false")
        rules.append(Rule(
            name=f"{pack}.{name}", match=match, pattern=_compile(pack, name, r["pattern"], fragments),
            max_words=int(r.get("max_words", 0)), list_max_words=int(r.get("list_max_words", 25)),
            list_max_items=int(r.get("list_max_items", 12)),
            keep_beside_numbers=beside_numbers, not_on=frozenset(not_on),
        ))
    return rules


@dataclass(frozen=True)
class RuleSet:
    rules: tuple[Rule, ...]
    timeout: float = 0.05

    @classmethod
    def load(cls, rules_dir: Path, packs: Iterable[str], timeout: float = 0.05) -> "RuleSet":
        return cls.from_files([rules_dir / f"{pack}.toml" for pack in packs], timeout)

    @classmethod
    def from_files(cls, files: Iterable[Path], timeout: float = 0.05) -> "RuleSet":
        rules: list[Rule] = []
        for f in files:
            rules.extend(load_pack(f))
        return cls(tuple(rules), timeout)

    @cached_property
    def _by_name(self) -> dict[str, Rule]:
        return {r.name: r for r in reversed(self.rules)}  # the first rule of a name wins

    def get(self, name: str) -> Rule | None:
        return self._by_name.get(name)

    @cached_property
    def body_rules(self) -> tuple[Rule, ...]:
        """Rules applied to body lines; the header pack is read by the header parser instead."""
        return tuple(r for r in self.rules if not r.name.startswith("header."))

    @cached_property
    def header_rules(self) -> tuple[Rule, ...]:
        return tuple(r for r in self.rules if r.name.startswith("header."))

    @cached_property
    def _prefilter(self) -> Prefilter:
        return Prefilter.build(self.body_rules)

    @cached_property
    def _header_prefilter(self) -> Prefilter:
        return Prefilter.build(self.header_rules)

    @cached_property
    def _header_cache(self) -> dict[str, frozenset[str]]:
        return {}

    def header_hits(self, line: str) -> frozenset[str]:
        """Names of the header rules that match the line. The header parser asks this of a
        dozen lines per page; without the RE2 set, its date pattern alone was 7% of a run.
        Those lines are mostly a site's chrome, the same on its every page: asked once each."""
        cache = self._header_cache
        hits = cache.get(line)
        if hits is None:
            if len(cache) >= _CACHE_LINES:
                cache.clear()
            hits = cache[line] = frozenset(r.name for r in self._matching(self.header_rules, self._header_prefilter, line))
        return hits

    def _matching(self, rules: tuple[Rule, ...], prefilter: Prefilter, line: str) -> Iterator[Rule]:
        """The rules that match the line, in order: the RE2 set names the candidates, the exact
        patterns decide."""
        candidates = prefilter.candidates(line)
        if candidates:
            words = len(line.split())
            yield from (rules[k] for k in candidates if rules[k].hits(line, self.timeout, words))

    @cached_property
    def _line_cache(self) -> dict[str, Rule | None]:
        """First matching body rule per distinct line. Boilerplate repeats (every page of a site
        has the same menu and footer), so a long run asks the patterns about each line once."""
        return {}

    def first_match(self, line: str) -> Rule | None:
        cache = self._line_cache
        if line in cache:
            return cache[line]
        hit = next(self._matching(self.body_rules, self._prefilter, line), None)
        if len(cache) >= _CACHE_LINES:
            cache.clear()
        cache[line] = hit
        return hit

    def apply(self, lines: list[str], marks: list[str | None], blocks: bool = False,
              page_type: str | None = None) -> None:
        """Mark lines removed in place: marks[i] becomes the rule name. Blank lines are skipped.

        Lines come as normalize_lines gives them: no spaces at either end, a blank line empty.
        `blocks`: the lines are a page's DOM blocks (a table cell each), so a rule's
        keep_beside_numbers applies. Not on flat text: there the line classifier reads the rules'
        marks as context, and a table's dates left in made it take the table for the article's
        run of lines and drop the prose (bench/README). `page_type`: the page's type, which a rule's
        not_on may exempt (None: flat text, no type known).

        A footer rule cuts to the end only from the second half of the text and after some
        article prose; elsewhere (a disclosure above the article, a "15 comments" link next to
        the headline) it removes just its own line.
        """
        n = len(lines)
        live = [k for k, s in enumerate(lines) if s]
        tail_start = live[len(live) // 2] if live else 0
        prose_above = False  # a body line above the current one that no rule removed
        cached = self._line_cache.get  # most lines were asked about before: no call for those
        i = 0
        while i < n:
            line = lines[i]
            if marks[i] is not None or not line:
                i += 1
                continue
            rule = cached(line, _UNSEEN)
            if rule is _UNSEEN:
                rule = self.first_match(line)
            if rule is not None and (page_type in rule.not_on or (
                    blocks and rule.keep_beside_numbers and _beside_number(lines, i))):
                rule = None
            if rule is None:
                prose_above = prose_above or is_body_line(line)
            else:
                marks[i] = rule.name
                if rule.match == "footer" and i >= tail_start and prose_above:
                    for j in range(i + 1, n):
                        if lines[j] and marks[j] is None:
                            marks[j] = rule.name
                    i = n
                elif rule.match == "heading_list":
                    i = self._mark_list(lines, marks, i, rule, page_type)
            i += 1

    def _mark_list(self, lines: list[str], marks: list[str | None], start: int, rule: Rule,
                   page_type: str | None) -> int:
        """Mark the headline-shaped lines under a "Read more"-style heading; return the last index.

        The list ends at the heading of a section that runs to the end ("3 Comments" under a
        page's related stories): that heading's own rule takes it, and what is under it."""
        items, blanks, last = 0, 0, start
        for j in range(start + 1, len(lines)):
            s = lines[j]
            if not s:
                blanks += 1
                if blanks > 1:
                    break
                continue
            if items >= rule.list_max_items or len(s.split()) > rule.list_max_words or (
                ends_sentence(s, _LIST_STOPS, _LIST_CLOSERS) and len(s.split()) > 12
            ) or self._opens_section(s, page_type):
                break
            marks[j] = rule.name
            items, blanks, last = items + 1, 0, j
        return last

    def _opens_section(self, line: str, page_type: str | None) -> bool:
        """Whether a footer rule takes the line on this page: the heading of a section that runs
        to the end ("3 Comments"). Another list's heading ("Read More" under each teaser) is an
        item: the list goes on through it, as far as its own limits."""
        rule = self.first_match(line)
        return rule is not None and rule.match == "footer" and page_type not in rule.not_on


def _beside_number(lines: list[str], i: int) -> bool:
    """Whether the nearest non-blank line before or after lines[i] is a number alone."""
    for step in (-1, 1):
        j = i + step
        while 0 <= j < len(lines) and not lines[j]:
            j += step
        if 0 <= j < len(lines) and _NUMBER_LINE.fullmatch(lines[j]):
            return True
    return False
