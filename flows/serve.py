"""`cleancorpus serve`: the scheduled deployment of the same flow the backfill runs."""
from __future__ import annotations

from cleancorpus.pipeline.config import Config

from .backfill import cleancorpus_flow


def serve_deployment(cfg: Config, config_path: str | None, name: str = "scheduled") -> None:
    s = cfg.schedule
    cleancorpus_flow.serve(
        name=name, cron=s.cron,
        parameters={"inputs": list(s.inputs), "output": s.output, "config_path": config_path, "wait": True},
        description=f"Pick up new inputs from {', '.join(s.inputs)} into {s.output} on cron {s.cron!r}",
        tags=["cleancorpus"],
    )
