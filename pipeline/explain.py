"""`cleancorpus explain`: one input as the pipeline sees it, through the shard's own code path.

The records are read, cleaned, passed through repeated-line removal and the filters by the
same functions a shard runs (run/process.py), in the same order and as one window. With an
output folder, the corpus's learned repeated lines are used and the dedup decision is made
against its index (run/deduplicate.py), so the answer is what a backfill into that folder
would do: kept, rejected and why, or folded into which document at what similarity.
"""
from __future__ import annotations

from collections import Counter
from pathlib import Path

from cleancorpus.pipeline.cleaning.cleaner import Cleaner, CleanResult
from cleancorpus.pipeline.config import Config, load_config
from cleancorpus.pipeline.dedup.decisions import Decision
from cleancorpus.pipeline.inputs.discover import InputFile, discover
from cleancorpus.pipeline.inputs.readers import read_file
from cleancorpus.pipeline.model import Document, RawRecord, Reject
from cleancorpus.pipeline.run.deduplicate import DEDUP_COLUMNS, decide, run_candidates
from cleancorpus.pipeline.run.process import WINDOW, clean_window, sign
from cleancorpus.pipeline.run.staging import staged_table
from cleancorpus.pipeline.run.state import Layout, load_ledger, load_line_counts
from cleancorpus.pipeline.stats import first_row, open_dataset


def _input(path: str) -> InputFile:
    """The file as a backfill would name it (its URI is part of the doc_id and source key)."""
    files, _ = discover([path])
    return files[0] if len(files) == 1 else InputFile(path, 0, 0)


def _corpus(output: str | None) -> tuple[Path | None, str | None]:
    """The local folder holding the corpus's state, and the remote URL when it is one."""
    if not output:
        return None, None
    from cleancorpus.pipeline.inputs.remote import Remote, is_remote, local_root_for

    if is_remote(output):
        local = local_root_for(output)
        Layout(local).state.mkdir(parents=True, exist_ok=True)
        Remote(output).sync_state(Layout(local).state)
        return local, output
    return Path(output), None


def explain_file(path: str, config_path: str | None = None, limit: int = 3, output: str | None = None) -> str:
    cfg = load_config(config_path)
    root, remote = _corpus(output)
    if root is not None and not (root / "state").exists():
        raise FileNotFoundError(f"{output} is not a cleancorpus output (no state/ folder)")
    cleaner = Cleaner(cfg, trace=True)
    learned = load_line_counts(Layout(root)) if root is not None else {}
    records: list[RawRecord | Reject] = []
    for item in read_file(_input(path)):
        records.append(item)
        if len(records) >= WINDOW:  # a shard's first window: what the pipeline would do with them together
            break
    results: list[CleanResult | Reject] = [r if isinstance(r, Reject) else cleaner.process(r) for r in records]
    window = [(i, r.doc) for i, r in enumerate(results) if isinstance(r, CleanResult) and r.doc is not None]
    kept, filtered = clean_window(window, cfg, learned, Counter())
    late_rejects = dict(filtered)
    decisions = _dedup(cfg, kept, root, remote) if root is not None and cfg.dedup.enabled and kept else {}
    out: list[str] = []
    note = _already_processed(root, path)
    if note:
        out += [note, ""]
    for i, (rec, res) in enumerate(zip(records, results)):
        if i >= limit:
            out.append(f"... ({len(records) - limit} more records; --limit N shows more)")
            break
        out.extend(_explain_one(rec, res, late_rejects.get(i), decisions.get(i), root, cfg))
    return "\n".join(out)


def _already_processed(root: Path | None, path: str) -> str | None:
    """A file the corpus's ledger holds unchanged is skipped by a backfill: say so, since what
    follows treats it as new (its own lines count among the learned ones, its own text is in
    the index)."""
    if root is None:
        return None
    f = _input(path)
    prev = load_ledger(Layout(root)).get(f.uri)
    if prev is None or prev[0] != f.size or abs(prev[1] - f.mtime) >= 1e-3:
        return None
    return (f"NOTE: {f.uri} is already in {root} (unchanged): a backfill skips it. Below, it is explained as if it "
            "were a new input: its own lines count among the learned ones and its own text is in the index.")


def _explain_one(rec: RawRecord | Reject, res: CleanResult | Reject, late: Reject | None, decision: Decision | None,
                 root: Path | None, cfg: Config) -> list[str]:
    if isinstance(res, Reject):
        return [f"== {res.source_uri} {res.source_record or ''}", f"REJECTED at {res.stage}: {res.reason} ({res.detail})", ""]
    assert isinstance(rec, RawRecord)
    out = [f"== {rec.source_uri} {rec.source_record or ''}  [{rec.source_format}, {res.method}]"]
    if res.reject is not None:
        out.append(f"REJECTED at {res.reject.stage}: {res.reject.reason} ({res.reject.detail})")
    d: Document | None = res.doc
    if d is not None:
        out.append(f"title:     {d.title}\nauthor:    {d.author}\npublished: {d.published_at}\nurl:       {d.url}\n"
                   f"domain:    {d.domain}\nlanguage:  {d.language}\nwords:     {d.n_words}")
    out.append("")
    for t in res.trace:
        tag = "KEEP" if t.kept else "DROP"
        out.append(f"{tag} {('[' + t.rule + ']') if t.rule else '':<34} {t.text[:160]}")
    if d is not None:
        for rule, line in zip(d.removed_rules, d.removed_lines):
            if rule.startswith("repeated:"):  # learned from the corpus: decided over the window, after the lines above
                out.append(f"DROP {'[' + rule + ']':<34} {line[:160]}")
        out.append("")
        if late is not None:
            out.append(f"REJECTED at {late.stage}: {late.reason} ({late.detail})")
        else:
            out.append(_dedup_line(decision, root, cfg))
    out.append("")
    return out


def _dedup(cfg: Config, kept: list[tuple[int, Document, str]], root: Path, remote: str | None) -> dict[int, Decision]:
    """The dedup decision for each kept record, against the window and the corpus's index."""
    signed = sign([d for _, d, _ in kept], cfg)
    t = staged_table(kept, signed.sigs, signed.n_shingles).select(DEDUP_COLUMNS)
    result, _ = decide(root, remote, cfg, run_candidates(t, cfg.dedup.num_perm), signed.compared, lambda x: 0)
    return {seq: dec for (seq, _, _), dec in zip(kept, result.decisions)}


def _dedup_line(decision: Decision | None, root: Path | None, cfg: Config) -> str:
    if not cfg.dedup.enabled:
        return "DEDUP off ([dedup] enabled = false): KEPT"
    if decision is None:
        return "KEPT (dedup not checked: give --output DIR to check against that corpus)"
    if decision.status == "kept":
        grew = f", joining {decision.cluster_size - 1} earlier cop{'y' if decision.cluster_size == 2 else 'ies'}" \
            if decision.cluster_size > 1 else ""
        return f"KEPT: no duplicate in {root}{grew}"
    return (f"REJECTED at dedup: {decision.status} of {decision.duplicate_of} (similarity {decision.similarity}, "
            f"cluster of {decision.cluster_size}){_title_of(root, decision.duplicate_of)}")


def _title_of(root: Path | None, doc_id: str | None) -> str:
    if root is None or not doc_id:
        return ""
    row = first_row(open_dataset(str(root / "documents")), "doc_id", doc_id, ["title", "url"])
    if row is None:
        return ""
    return f"\n  kept document: {row['title'] or '(no title)'}" + (f" <{row['url']}>" if row["url"] else "")
