"""What a line looks like, shared by the rule engine and the header parser."""
from __future__ import annotations

import regex

SENT_END = regex.compile(r"[.!?]['\"”’)]*$")


def is_body_line(line: str) -> bool:
    """Shaped like article prose: long, or a full sentence of some length."""
    words = len(line.split())
    return words >= 30 or (words >= 14 and bool(SENT_END.search(line)))
