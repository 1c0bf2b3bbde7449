"""The `cleancorpus` command. Every command here is a thin shell over pipeline/ and flows/."""
from __future__ import annotations

import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Clean web text into a deduplicated Parquet corpus (see README.md).")
_DEBUG = {"on": False}


@app.callback()
def _options(debug: Annotated[bool, typer.Option("--debug", help="Show the traceback of an unexpected error.")] = False) -> None:
    _DEBUG["on"] = debug


def _fail(msg: str) -> None:
    typer.echo(f"cleancorpus: {msg}", err=True)
    raise typer.Exit(2)


def _config(config: Optional[Path]) -> Any:
    """The config a command runs with, or its one-line error."""
    from cleancorpus.pipeline.config import ConfigError, load_config

    try:
        return load_config(str(config) if config else None)
    except ConfigError as e:
        _fail(str(e))


def _date(s: Optional[str], name: str) -> Optional[datetime]:
    if not s:
        return None
    try:
        d = datetime.fromisoformat(s)
    except ValueError:
        _fail(f"{name} must be an ISO date like 2024-05-01, got {s!r}")
    return d if d.tzinfo else d.replace(tzinfo=timezone.utc)


def _disk_full(output: str) -> str | None:
    """Say so when the output's disk is full: writers (pyarrow's among them) report it as a short write."""
    import shutil

    p = Path(output)
    while not p.exists() and p != p.parent:
        p = p.parent
    try:
        free = shutil.disk_usage(p).free
    except OSError:
        return None
    return f"no space left on the disk of {output} ({free // 1024} KB free); nothing of this run was published" \
        if free < 1024 * 1024 else None


def _print_summary(s: dict, output: str, seconds: float) -> None:
    left = (s.get("recovered") or {}).get("taken_over_from")
    if left:
        typer.echo(f"Took over {output} from a run that did not finish ({left}); what it had committed is kept, "
                   "the rest is redone.")
    if s.get("nothing_to_do"):
        typer.echo(f"Nothing new: {s.get('inputs_skipped_unchanged', 0)} input file(s) already processed "
                   f"(use --reprocess to do them again). Output: {output}")
        for p in s.get("input_problems", []):
            typer.echo(f"  input problem: {p}")
        return
    c = s["counts"]
    typer.echo(f"\nRun {s['run_id']} finished in {seconds:.1f} s")
    again = f", records already in the corpus: {s['records_skipped_unchanged']}" if s.get("records_skipped_unchanged") else ""
    typer.echo(f"  inputs    {c['inputs_seen']}  (skipped unchanged files: {s['inputs_skipped_unchanged']}{again})")
    typer.echo(f"  kept      {c['documents']}")
    typer.echo(f"  rejected  {c['rejects']}" + "".join(f"\n    {k:<18} {v}" for k, v in s["rejects_by_reason"].items()))
    d = s.get("dedup", {})
    typer.echo(f"  duplicate clusters: {d.get('duplicates', 0)} document(s) folded into kept ones; "
               f"index held {d.get('index_size', 0)} earlier document(s)")
    for p in s.get("input_problems", []):
        typer.echo(f"  input problem: {p}")
    typer.echo(f"  output    {Path(output).resolve()}  (documents/, rejects/, runs/{s['run_id']}.json)")
    py = Path(sys.executable)
    shown = py.relative_to(Path.cwd()) if py.is_relative_to(Path.cwd()) else py
    glob = f"{output}/documents/**/*.parquet"
    import importlib.util

    if importlib.util.find_spec("duckdb"):
        typer.echo(f"  look at it:\n    {shown} -c \"import duckdb; duckdb.sql(\\\"SELECT title, n_words, language, url FROM "
                   f"read_parquet('{glob}', hive_partitioning=true) LIMIT 10\\\").show()\"")
    else:  # an install without the dev extras: pyarrow is always there
        typer.echo(f"  look at it:\n    {shown} -c \"import pyarrow.dataset as ds; print(ds.dataset('{output}/documents', "
                   f"partitioning='hive').to_table(columns=['title', 'n_words', 'language', 'url']).slice(0, 10))\"")


@app.command()
def backfill(
    inputs: Annotated[list[str], typer.Argument(help="Files, folders, globs or fsspec URLs (s3://, gs://, file://, memory://).")],
    output: Annotated[str, typer.Option("--output", "-o", help="Output folder: documents/, rejects/, runs/, state/.")],
    config: Annotated[Optional[Path], typer.Option("--config", "-c", help="TOML config overlaid on the defaults (cleancorpus init-config writes them).")] = None,
    since: Annotated[Optional[str], typer.Option(help="Only input files modified at or after this ISO date/time (UTC).")] = None,
    until: Annotated[Optional[str], typer.Option(help="Only input files modified before this ISO date/time (UTC).")] = None,
    workers: Annotated[int, typer.Option(help="Shards processed in parallel; 0 = number of cores (or \\[run] workers).")] = 0,
    reprocess: Annotated[bool, typer.Option("--reprocess", help="Process inputs again even if the ledger has them.")] = False,
    wait: Annotated[bool, typer.Option("--wait", help="Wait for a run holding the output lock instead of exiting.")] = False,
    prefect: Annotated[Optional[bool], typer.Option("--prefect/--no-prefect", help="Run as a Prefect flow run. Default: only when a Prefect API is configured (PREFECT_API_URL or profile).")] = None,
    dask_address: Annotated[Optional[str], typer.Option("--dask-address", help="Run shard tasks on this Dask scheduler (tcp://host:8786) with Prefect's DaskTaskRunner; needs a Prefect server.")] = None,
    dask: Annotated[bool, typer.Option("--dask", help="Run shard tasks on a local Dask cluster of --workers processes (DaskTaskRunner); needs a Prefect server.")] = False,
) -> None:
    """One-off run over INPUTS into OUTPUT: new and changed inputs only (ledger in OUTPUT/state)."""
    from cleancorpus.pipeline.config import ConfigError, load_config
    from cleancorpus.pipeline.run.runner import WorkerDied
    from cleancorpus.pipeline.run.state import LockHeld, StateError
    from cleancorpus.pipeline.run.workers import Stopped

    from .prefect_env import configured_api_url

    t0 = time.perf_counter()
    cfg_path = str(config) if config else None
    try:
        cfg = load_config(cfg_path)
    except (ConfigError, ValueError) as e:
        _fail(str(e))
    n = workers or cfg.run.workers
    s_since, s_until = _date(since, "--since"), _date(until, "--until")
    use_prefect = prefect if prefect is not None else bool(configured_api_url())
    on_dask = bool(dask_address or dask)
    if on_dask and not configured_api_url():
        _fail("the Dask path runs as Prefect tasks and needs a Prefect server (PREFECT_API_URL); without one, "
              "--workers N already runs shards in parallel on a local process pool")
    try:
        if use_prefect or on_dask:
            from .backfill import cleancorpus_flow, dask_flow

            fl = dask_flow(dask_address, n) if on_dask else cleancorpus_flow
            state = fl(inputs=list(inputs), output=output, config_path=cfg_path, reprocess=reprocess,
                       since=s_since, until=s_until, workers=n, wait=wait, on_dask=on_dask, return_state=True)
            if not state.is_completed():
                _fail(f"flow run {state.name}: {state.message or 'failed'}")
            summary = state.result()
        else:
            from cleancorpus.pipeline.run.runner import LocalDispatcher, default_workers
            from cleancorpus.pipeline.run.runner import backfill as run_backfill
            from cleancorpus.pipeline.run.workers import stop_on_signals

            from .progress import StageProgress

            with stop_on_signals(), StageProgress() as bars:
                dispatch = LocalDispatcher(n or default_workers(), progress=bars)
                try:
                    summary = run_backfill(list(inputs), output, dispatch, cfg_path, reprocess, s_since, s_until, wait)
                finally:
                    dispatch.close(kill=True)
    except Stopped as e:
        typer.echo(f"cleancorpus: {e}: nothing of this run was published; run the same command again to continue",
                   err=True)
        raise typer.Exit(e.exit_code) from None
    except (LockHeld, StateError, WorkerDied) as e:
        _fail(str(e))
    except (ConfigError, OSError) as e:
        _fail(f"cannot run: {_disk_full(output) or e}")
    _print_summary(summary, output, time.perf_counter() - t0)


@app.command()
def serve(
    config: Annotated[Optional[Path], typer.Option("--config", "-c", help="TOML config; its \\[schedule] section gives cron, inputs and output.")] = None,
    name: Annotated[str, typer.Option(help="Deployment name shown in the Prefect UI.")] = "scheduled",
) -> None:
    """Serve the scheduled deployment of the backfill flow against the configured Prefect server."""
    from .prefect_env import configured_api_url

    cfg = _config(config)
    if not configured_api_url():
        _fail("no Prefect API configured: start one with `prefect server start` and set "
              "PREFECT_API_URL=http://127.0.0.1:4200/api (see README)")
    from .serve import serve_deployment

    serve_deployment(cfg, str(config) if config else None, name)


@app.command()
def explain(
    file: Annotated[str, typer.Argument(help="One input file (any supported format); records inside are shown in turn.")],
    config: Annotated[Optional[Path], typer.Option("--config", "-c", help="TOML config overlaid on the defaults.")] = None,
    output: Annotated[Optional[str], typer.Option("--output", "-o", help="A corpus written by backfill: use its learned repeated lines and say what its dedup index would decide.")] = None,
    limit: Annotated[int, typer.Option(help="At most this many records of a multi-record file.")] = 3,
) -> None:
    """Show an input as the pipeline sees it: every line kept or removed with the rule or signal, the filters and, with --output, the dedup decision."""
    from cleancorpus.pipeline.config import ConfigError
    from cleancorpus.pipeline.explain import explain_file
    from cleancorpus.pipeline.run.state import StateError

    try:
        typer.echo(explain_file(file, str(config) if config else None, limit, output))
    except (ConfigError, StateError, FileNotFoundError) as e:
        _fail(str(e))


@app.command()
def why(
    directory: Annotated[str, typer.Argument(help="An output folder written by backfill or serve.")],
    document: Annotated[str, typer.Argument(help="The rejected duplicate: its doc_id, source file, record id or URL.")],
) -> None:
    """Why a document was dropped as a duplicate: the kept document, the similarity, and both texts side by side."""
    from cleancorpus.pipeline.dedup.why import explain_duplicate

    try:
        typer.echo(explain_duplicate(directory, document))
    except LookupError as e:
        _fail(str(e).strip("'\""))


@app.command()
def report(
    directory: Annotated[str, typer.Argument(help="An output folder written by backfill or serve.")],
    out: Annotated[Optional[str], typer.Option("--out", "-o", help="The HTML file to write, a path or an object-store URL (default DIRECTORY/report.html).")] = None,
    run: Annotated[Optional[str], typer.Option("--run", help="Only this run's rows (a run_id from runs/).")] = None,
) -> None:
    """One self-contained HTML report of the corpus: runs, sources, rules with examples, duplicate clusters side by side, distributions, sample documents."""
    from cleancorpus.pipeline.report import write_report
    from cleancorpus.pipeline.stats import open_dataset

    if open_dataset(f"{directory.rstrip('/')}/documents") is None and open_dataset(f"{directory.rstrip('/')}/rejects") is None:
        _fail(f"{directory} holds no documents/ or rejects/: not a cleancorpus output")
    typer.echo(write_report(directory, out, run))


@app.command()
def verify(
    directory: Annotated[str, typer.Argument(help="An output folder written by backfill or serve.")],
    config: Annotated[Optional[Path], typer.Option("--config", "-c", help="The config the corpus was written with (its [dedup] bands).")] = None,
) -> None:
    """Check a corpus: state readable, every run's counts and invariant, no doc_id twice, index and ledger agreeing with the rows. Exit 1 when a check fails."""
    from cleancorpus.pipeline.run.verify import verify as run_checks

    bands = _config(config).dedup.bands
    try:
        checks = run_checks(directory, bands)
    except FileNotFoundError as e:
        _fail(str(e))
    for name, ok, detail in checks:
        typer.echo(f"{'ok  ' if ok else 'FAIL'} {name:<18} {detail}")
    failed = [name for name, ok, _ in checks if not ok]
    typer.echo(f"{directory}: " + (f"{len(failed)} check(s) failed: {', '.join(failed)}" if failed else "every check passed"))
    if failed:
        raise typer.Exit(1)


@app.command()
def repair(
    directory: Annotated[str, typer.Argument(help="An output folder written by backfill or serve.")],
    config: Annotated[Optional[Path], typer.Option("--config", "-c", help="The config the corpus was written with.")] = None,
) -> None:
    """Rebuild the dedup index and the ledger from the output's Parquet; old segments go to state/quarantine/."""
    from cleancorpus.pipeline.run.repair import repair as run_repair
    from cleancorpus.pipeline.run.state import LockHeld

    cfg = _config(config)
    try:
        for line in run_repair(directory, cfg):
            typer.echo(line)
    except (FileNotFoundError, LockHeld) as e:
        _fail(str(e))


@app.command("init-config")
def init_config(
    path: Annotated[Path, typer.Argument(help="Where to write the annotated defaults (a .toml file).")],
    force: Annotated[bool, typer.Option("--force", help="Overwrite PATH if it exists.")] = False,
    with_rules: Annotated[bool, typer.Option("--with-rules", help="Also copy the rule packs and spelling variants beside it, to edit them.")] = False,
) -> None:
    """Write every config key with its default and what it does, for you to edit and pass as --config."""
    import shutil

    from cleancorpus.config import DEFAULTS_DIR
    from cleancorpus.pipeline.config import defaults_toml

    if path.exists() and not force:
        _fail(f"{path} exists; use --force to overwrite it")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(defaults_toml())
        if with_rules:
            shutil.copytree(DEFAULTS_DIR / "rules", path.parent / "rules", dirs_exist_ok=force,
                            ignore=shutil.ignore_patterns("__pycache__"))
            shutil.copy2(DEFAULTS_DIR / "spelling_variants.txt", path.parent / "spelling_variants.txt")
    except (OSError, shutil.Error) as e:
        _fail(f"cannot write {path}: {e}")
    typer.echo(f"wrote {path}" + (" and rules/, spelling_variants.txt beside it" if with_rules else "")
               + f"; use it with --config {path}")


@app.command()
def stats(directory: Annotated[str, typer.Argument(help="An output folder written by backfill or serve.")],
          top: Annotated[int, typer.Option(help="How many of the largest duplicate clusters to list.")] = 5) -> None:
    """Counts, drop reasons, duplicate clusters, languages and sizes of a written corpus."""
    from cleancorpus.pipeline.stats import corpus_stats

    if not (Path(directory) / "documents").exists() and "://" not in directory:
        _fail(f"{directory} has no documents/ folder: not a cleancorpus output")
    typer.echo(corpus_stats(directory, top))


def main() -> None:
    """The console entry point: an error nobody expected is one line too (with --debug, or
    CLEANCORPUS_DEBUG=1, its traceback)."""
    import os

    # Arrow's default pool (mimalloc) keeps what a stage's tables freed for reuse, and every
    # worker's peak carried it; the system allocator is as fast here (bench/README). Read at
    # Arrow's first allocation, and inherited by the workers and by the flow-run processes
    # `serve` starts; a value the user set stays
    os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")
    try:
        app()
    except SystemExit:
        raise
    except KeyboardInterrupt:
        typer.echo("cleancorpus: interrupted", err=True)
        sys.exit(130)
    except Exception as e:  # noqa: BLE001 - the last line of defence: one line, exit 1
        if _DEBUG["on"] or os.environ.get("CLEANCORPUS_DEBUG"):
            raise
        typer.echo(f"cleancorpus: unexpected error: {type(e).__name__}: {e} (--debug shows where)", err=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
