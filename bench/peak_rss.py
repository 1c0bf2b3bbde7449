"""A process's exact peak RSS, for the benchmarks that report one.

VmHWM (/proc/PID/status) is the high-water mark of the process's memory since its exec.
getrusage's ru_maxrss is not: Linux carries into it the RSS of the process that forked it,
so a child started by a benchmark holding its inputs in memory reads as at least that big.
"""
from __future__ import annotations


def high_water(pid: int | str = "self") -> int | None:
    """The peak RSS in bytes of process `pid` (this one by default); None once it is gone."""
    try:
        with open(f"/proc/{pid}/status", "rb") as fh:
            for line in fh:
                if line.startswith(b"VmHWM:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None
