"""Named boilerplate rules, loaded from the rule packs in config/rules/.

Rules are data so users can add a pack for their sources without touching code, and every
line a rule removes carries "pack.rule" into the `removed` column. Patterns run under the
`regex` module's timeout so a catastrophic pattern costs a skipped match, not a hung run.
"""
from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import regex

from .dates import DATE, TIME
from .lineshape import is_body_line

MATCH_KINDS = ("line", "footer", "heading_list")
_CACHE_LINES = 50_000
_SENTENCE_END = regex.compile(r"[.!;]['\"”’)\]]*$")


class RuleError(ValueError):
    pass


@dataclass(frozen=True)
class Rule:
    name: str  # "pack.rule"
    match: str
    pattern: regex.Pattern[str]
    max_words: int = 0  # 0 = no limit
    list_max_words: int = 25
    list_max_items: int = 12

    def hits(self, line: str, timeout: float, words: int | None = None) -> bool:
        if self.max_words and (len(line.split()) if words is None else words) > self.max_words:
            return False
        try:
            return self.pattern.search(line, timeout=timeout) is not None
        except TimeoutError:
            return False


def _compile(pack: str, name: str, pattern: str) -> regex.Pattern[str]:
    pattern = pattern.replace("{DATE}", DATE).replace("{TIME}", TIME)
    try:
        return regex.compile(pattern, regex.I | regex.V0)
    except regex.error as e:
        raise RuleError(f"rule {pack}.{name}: bad pattern: {e}") from None


def load_pack(path: Path) -> list[Rule]:
    pack = path.stem
    try:
        data = tomllib.loads(path.read_text())
    except tomllib.TOMLDecodeError as e:
        raise RuleError(f"rule pack {path}: not valid TOML: {e}") from None
    rules = []
    for i, r in enumerate(data.get("rules", [])):
        name = r.get("name")
        if not name or "pattern" not in r:
            raise RuleError(f"rule pack {path}: rule #{i + 1} needs a name and a pattern")
        match = r.get("match", "line")
        if match not in MATCH_KINDS:
            raise RuleError(f"rule {pack}.{name}: match must be one of {MATCH_KINDS}")
        rules.append(Rule(
            name=f"{pack}.{name}", match=match, pattern=_compile(pack, name, r["pattern"]),
            max_words=int(r.get("max_words", 0)), list_max_words=int(r.get("list_max_words", 25)),
            list_max_items=int(r.get("list_max_items", 12)),
        ))
    return rules


@dataclass(frozen=True)
class RuleSet:
    rules: tuple[Rule, ...]
    timeout: float = 0.05

    @classmethod
    def load(cls, rules_dir: Path, packs: Iterable[str], timeout: float = 0.05) -> "RuleSet":
        rules: list[Rule] = []
        for pack in packs:
            rules.extend(load_pack(rules_dir / f"{pack}.toml"))
        return cls(tuple(rules), timeout)

    def get(self, name: str) -> Rule | None:
        return next((r for r in self.rules if r.name == name), None)

    @cached_property
    def body_rules(self) -> tuple[Rule, ...]:
        """Rules applied to body lines; the header pack is read by the header parser instead."""
        return tuple(r for r in self.rules if not r.name.startswith("header."))

    @cached_property
    def _line_cache(self) -> dict[str, Rule | None]:
        """First matching body rule per distinct line. Boilerplate repeats (every page of a site
        has the same menu and footer), so a long run asks the patterns about each line once."""
        return {}

    def first_match(self, line: str) -> Rule | None:
        cache = self._line_cache
        if line in cache:
            return cache[line]
        words = len(line.split())
        hit = next((r for r in self.body_rules if r.hits(line, self.timeout, words)), None)
        if len(cache) >= _CACHE_LINES:
            cache.clear()
        cache[line] = hit
        return hit

    def apply(self, lines: list[str], marks: list[str | None]) -> None:
        """Mark lines removed in place: marks[i] becomes the rule name. Blank lines are skipped.

        A footer rule cuts to the end only from the second half of the text and after some
        article prose; elsewhere (a disclosure above the article, a "15 comments" link next to
        the headline) it removes just its own line.
        """
        n = len(lines)
        live = [k for k, s in enumerate(lines) if s.strip()]
        first_body = next((k for k in live if is_body_line(lines[k])), n)
        tail_start = max(live[len(live) // 2] if live else 0, first_body + 1)
        i = 0
        while i < n:
            line = lines[i]
            if marks[i] is not None or not line.strip():
                i += 1
                continue
            rule = self.first_match(line)
            if rule is not None:
                marks[i] = rule.name
                if rule.match == "footer" and i >= tail_start and self._prose_above(lines, marks, i):
                    for j in range(i + 1, n):
                        if lines[j].strip() and marks[j] is None:
                            marks[j] = rule.name
                    i = n
                elif rule.match == "heading_list":
                    i = self._mark_list(lines, marks, i, rule)
            i += 1

    @staticmethod
    def _prose_above(lines: list[str], marks: list[str | None], i: int) -> bool:
        """Article prose above line i that no rule removed: a cookie notice or a disclosure
        above the article is prose-shaped but is not the article a footer closes."""
        return any(marks[k] is None and lines[k].strip() and is_body_line(lines[k]) for k in range(i))

    @staticmethod
    def _mark_list(lines: list[str], marks: list[str | None], start: int, rule: Rule) -> int:
        """Mark the headline-shaped lines under a "Read more"-style heading; return the last index."""
        items, blanks, last = 0, 0, start
        for j in range(start + 1, len(lines)):
            s = lines[j].strip()
            if not s:
                blanks += 1
                if blanks > 1:
                    break
                continue
            if items >= rule.list_max_items or len(s.split()) > rule.list_max_words or (
                _SENTENCE_END.search(s) and len(s.split()) > 12
            ):
                break
            marks[j] = rule.name
            items, blanks, last = items + 1, 0, j
        return last
