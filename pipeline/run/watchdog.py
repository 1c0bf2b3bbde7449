"""A time limit that holds inside C code: the kernel ends a worker stuck on one record.

The per-document limit in extraction (`[extract] timeout_seconds`) is a timer signal, which
Python acts on only between bytecodes: a regex or a parser stuck in C, holding the GIL, ignores
it (and so would any watchdog thread). So while a pool worker cleans a record, its CPU-time
limit (RLIMIT_CPU) is set to `HARD_FACTOR` times the soft limit from now; a record that uses it
up gets SIGXCPU from the kernel, which ends the worker. The pool reruns the shard, and a record
that ends a worker twice is rejected (run/runner.py), as extraction_timeout when it had run past
the limit (the shard's progress file says when it started).
"""
from __future__ import annotations

import math
import resource
import time

HARD_FACTOR = 3.0  # the kernel acts at this many times the soft limit (which rejects cleanly)

_limit = {"seconds": 0}  # 0: not a pool worker, or no limit


def enable(soft_limit: float) -> None:
    """In a pool worker: from now on, every record is limited to HARD_FACTOR x soft_limit of CPU."""
    _limit["seconds"] = max(1, math.ceil(HARD_FACTOR * soft_limit))
    resource.setrlimit(resource.RLIMIT_CORE, (0, resource.getrlimit(resource.RLIMIT_CORE)[1]))  # no core file


def hard_limit() -> int:
    return _limit["seconds"]


def begin() -> float:
    """A record starts: its CPU budget runs from now. Returns the wall clock, for the progress mark."""
    seconds = _limit["seconds"]
    if seconds:
        used = resource.getrusage(resource.RUSAGE_SELF)
        resource.setrlimit(resource.RLIMIT_CPU, (math.ceil(used.ru_utime + used.ru_stime) + seconds,
                                                 resource.getrlimit(resource.RLIMIT_CPU)[1]))
    return time.time()


def end() -> None:
    """The record is done: the rest of the shard's work (windows, signatures) has no limit."""
    if _limit["seconds"]:
        resource.setrlimit(resource.RLIMIT_CPU, (resource.RLIM_INFINITY, resource.getrlimit(resource.RLIMIT_CPU)[1]))
