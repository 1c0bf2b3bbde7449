"""What a line looks like, shared by the rule engine, the header parser and the classifier.

Plain string tests, not `$`-anchored regexes: a regex search for an end anchor tries every
position of the line, and these run on every line of every document.
"""
from __future__ import annotations

FULL_STOPS = ".!?"
CLAUSE_ENDS = ".!?…:;"  # what may end a block of prose, a list lead-in or a quote included
_CLOSERS = "'\"”’»)]"


def ends_sentence(line: str, stops: str = FULL_STOPS, closers: str = _CLOSERS) -> bool:
    """Ends in one of `stops`, maybe followed by closing quotes or brackets (`closers`)."""
    tail = line.rstrip(closers)
    return bool(tail) and tail[-1] in stops


def is_body_line(line: str) -> bool:
    """Shaped like article prose: long, or a full sentence of some length."""
    words = len(line.split())
    return words >= 30 or (words >= 14 and ends_sentence(line))
