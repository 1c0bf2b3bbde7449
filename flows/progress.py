"""Progress of a run on stderr: a rich bar per stage, advancing as shards finish.

Counts shards and the inputs they held, with the rate in inputs a second and the time left.
On a non-terminal stderr (a log file, CI, a supervisor) it writes one plain line per finished
shard instead (`process  3/8 shards  6,000 inputs`), which logs keep and scripts can read.
"""
from __future__ import annotations

import sys
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)


class StageProgress:
    """The runner's progress callback (stage, shards done, shards in all, the finished shard's stats)."""

    # what a finished shard reports it handled, per stage
    _COUNTED = {"process": ("inputs",), "write": ("documents", "rejects")}

    def __init__(self, live: bool | None = None) -> None:
        console = Console(stderr=True)
        self.live = console.is_terminal if live is None else live
        self.console = console
        self.bars = Progress(
            TextColumn("{task.description:<8}"), BarColumn(), MofNCompleteColumn(), TextColumn("shards"),
            TextColumn("{task.fields[info]}"),
            TimeElapsedColumn(), TimeRemainingColumn(), console=console,
        )
        self.tasks: dict[str, TaskID] = {}
        self.items: dict[str, int] = {}

    def __enter__(self) -> "StageProgress":
        return self

    def __exit__(self, *exc: object) -> None:
        if self.tasks and self.live:  # started by the first shard: a run that fails before one prints no empty bars
            self.bars.stop()

    def __call__(self, stage: str, done: int, total: int, result: dict[str, Any] | None = None) -> None:
        if not self.tasks and self.live:
            self.bars.start()
        if stage not in self.tasks:
            self.tasks[stage] = self.bars.add_task(stage, total=total, info="")
            self.items[stage] = 0
        self.items[stage] += sum(int((result or {}).get(k, 0)) for k in self._COUNTED.get(stage, ()))
        task = self.tasks[stage]
        elapsed = self.bars.tasks[task].elapsed or 0.0
        info = ""
        if stage in self._COUNTED:
            rate = self.items[stage] / elapsed if elapsed > 0 else 0.0
            info = f"{self.items[stage]:>9,} inputs {rate:>8,.0f}/s"
        self.bars.update(task, completed=done, info=info)
        if not self.live and done:
            sys.stderr.write(f"{stage:<8} {done}/{total} shards {info}".rstrip() + "\n")
            sys.stderr.flush()
