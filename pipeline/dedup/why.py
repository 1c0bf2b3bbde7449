"""`cleancorpus why DIR DOC`: why a document was dropped as a duplicate, from the output alone.

A near-duplicate reject is text the user never sees again, so the decision must be checkable:
this shows the rejected document and the kept one it was folded into, the similarity that was
recorded, and the two texts paragraph by paragraph, side by side: what both hold, what only
the dropped one had, what only the kept one has. The dropped text comes from
`state/dedup_texts/` (written for every duplicate), the kept one from `documents/`.
"""
from __future__ import annotations

import difflib
import textwrap
from typing import Any

import pyarrow.dataset as ds

from cleancorpus.pipeline.dedup.signatures import fold
from cleancorpus.pipeline.stats import first_row, open_dataset

WIDTH = 60  # characters a column


def _dataset(root: str, sub: str) -> ds.Dataset | None:
    return open_dataset(f"{root.rstrip('/')}/{sub}")


def _reject(root: str, key: str) -> dict[str, Any] | None:
    """The reject row of a doc_id, or of a source file / record the user names instead."""
    rejects = _dataset(root, "rejects")
    cols = ["doc_id", "source_uri", "source_record", "reason", "detail", "duplicate_of", "similarity", "dup_cluster_size",
            "title", "url", "run_id"]
    for column in ("doc_id", "source_uri", "source_record", "url"):
        row = first_row(rejects, column, key, cols)
        if row is not None:
            return row
    return None


def paragraphs(text: str | None) -> list[str]:
    return [p for p in (text or "").split("\n\n") if p.strip()]


def paragraph_pairs(left: list[str], right: list[str]) -> list[tuple[str, str, str, str]]:
    """(mark, dropped paragraph, mark, kept paragraph) rows: `=` the same in both (as dedup
    compares text: case, accents, punctuation and spelling variants folded), `~` mostly the same
    words, `<` only in the dropped one, `>` only in the kept one."""
    out: list[tuple[str, str, str, str]] = []
    norm = [fold(p) for p in left], [fold(p) for p in right]
    for tag, a0, a1, b0, b1 in difflib.SequenceMatcher(None, norm[0], norm[1], autojunk=False).get_opcodes():
        if tag == "equal":
            out.extend(("=", left[i], "=", right[j]) for i, j in zip(range(a0, a1), range(b0, b1)))
            continue
        lhs, rhs = list(range(a0, a1)), list(range(b0, b1))
        for k in range(max(len(lhs), len(rhs))):
            i, j = (lhs[k] if k < len(lhs) else None), (rhs[k] if k < len(rhs) else None)
            close = i is not None and j is not None and difflib.SequenceMatcher(
                None, norm[0][i].split(), norm[1][j].split(), autojunk=False).ratio() >= 0.8
            out.append(("~" if close else "<", left[i] if i is not None else "",
                        "~" if close else ">", right[j] if j is not None else ""))
    return out


def _side_by_side(left: list[str], right: list[str]) -> list[str]:
    return [line for row in paragraph_pairs(left, right) for line in _row(*row)]


def _row(lmark: str, ltext: str, rmark: str, rtext: str) -> list[str]:
    lw = textwrap.wrap(ltext, WIDTH) or [""]
    rw = textwrap.wrap(rtext, WIDTH) or [""]
    rows = []
    for i in range(max(len(lw), len(rw))):
        lt = lw[i] if i < len(lw) else ""
        rt = rw[i] if i < len(rw) else ""
        lm = lmark if i == 0 and ltext else " "
        rm = rmark if i == 0 and rtext else " "
        rows.append(f"{lm} {lt:<{WIDTH}} | {rm} {rt}".rstrip())
    return rows


def explain_duplicate(root: str, key: str) -> str:
    """The report for one rejected duplicate, named by doc_id, source file, record or URL."""
    rej = _reject(root, key)
    if rej is None:
        raise LookupError(f"{key} is not a rejected document of {root} (give a doc_id, source file or URL from rejects/)")
    if rej["reason"] not in ("exact_duplicate", "near_duplicate"):
        raise LookupError(f"{rej['doc_id']} was rejected as {rej['reason']} ({rej['detail']}), not as a duplicate")
    kept_id = rej["duplicate_of"]
    dropped = first_row(_dataset(root, "state/dedup_texts"), "doc_id", rej["doc_id"], ["doc_id", "text"])
    kept = first_row(_dataset(root, "documents"), "doc_id", kept_id, ["doc_id", "text", "title", "url", "source_uri"])
    out = [f"dropped  {rej['doc_id']}: {rej['reason']} of {kept_id}, similarity {rej['similarity']} to it "
           f"(cluster of {rej['dup_cluster_size']} when it arrived, run {rej['run_id']})",
           f"         {rej['title'] or '(no title)'}  {rej['source_uri']}" + (f" #{rej['source_record']}" if rej["source_record"] else "")]
    if kept is None:
        out.append(f"kept     {kept_id}: not in documents/ (the output was edited by hand?)")
        return "\n".join(out)
    out.append(f"kept     {kept_id}: {kept['title'] or '(no title)'}  {kept['url'] or kept['source_uri']}")
    if dropped is None:
        out.append("the dropped text is not in state/dedup_texts/ (written by versions before it existed)")
        return "\n".join(out)
    left, right = paragraphs(dropped["text"]), paragraphs(kept["text"])
    rows = _side_by_side(left, right)
    both = sum(1 for r in rows if r.startswith("="))
    close = sum(1 for r in rows if r.startswith("~"))
    only_l = sum(1 for r in rows if r.startswith("<"))
    only_r = sum(1 for r in rows if "| >" in r)
    out += ["", f"paragraphs: {both} the same in both, {close} mostly the same, {only_l} only in the dropped one, "
            f"{only_r} only in the kept one", "",
            f"  {'dropped':<{WIDTH}} |   kept", f"  {'-' * WIDTH} | {'-' * WIDTH}", *rows]
    return "\n".join(out)
