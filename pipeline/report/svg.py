"""Charts as inline SVG: the report opens offline, from a file or an object store, with no script
library. Every bar carries its label and value as data attributes and prints its value, so
what a reader (or a test) sees can be checked against the Parquet."""
from __future__ import annotations

from html import escape

PALETTE = ("#2b6cb0", "#dd6b20", "#38a169", "#d53f8c", "#805ad5", "#d69e2e", "#319795", "#e53e3e", "#718096",
           "#2c5282", "#9c4221", "#276749")


def bars(chart: str, items: list[tuple[str, int]], width: int = 640, bar: int = 18) -> str:
    """Horizontal bars, one per (label, value), largest scale to the full width."""
    if not items:
        return "<p class='empty'>nothing to show</p>"
    top = max(v for _, v in items) or 1
    label_w, h = 190, bar + 6
    rows = []
    for i, (label, value) in enumerate(items):
        y = i * h
        w = max(1, round((width - label_w - 70) * value / top))
        rows.append(
            f"<g class='bar' data-label='{escape(label, quote=True)}' data-value='{value}'>"
            f"<text x='{label_w - 6}' y='{y + bar - 4}' text-anchor='end'>{escape(_short(label))}</text>"
            f"<rect x='{label_w}' y='{y}' width='{w}' height='{bar}' fill='{PALETTE[0]}'><title>{escape(label)}: {value}</title></rect>"
            f"<text class='value' x='{label_w + w + 4}' y='{y + bar - 4}'>{value}</text></g>")
    return (f"<svg class='chart' data-chart='{chart}' width='{width}' height='{len(items) * h}' "
            f"role='img'>{''.join(rows)}</svg>")


def stacked(chart: str, columns: list[tuple[str, dict[str, int]]], keys: list[str], width: int = 640,
            height: int = 220) -> str:
    """Vertical stacked bars, one per (label, {key: value}), with a legend of the keys."""
    if not columns:
        return "<p class='empty'>nothing to show</p>"
    top = max(sum(c.values()) for _, c in columns) or 1
    step = max(14, min(60, (width - 40) // len(columns)))
    parts = []
    for i, (label, counts) in enumerate(columns):
        x, y = 30 + i * step, height
        segs = []
        for k, key in enumerate(keys):
            v = counts.get(key, 0)
            if not v:
                continue
            h = max(1, round((height - 20) * v / top))
            y -= h
            segs.append(f"<rect class='seg' data-key='{escape(key, quote=True)}' data-value='{v}' x='{x}' y='{y}' "
                        f"width='{step - 4}' height='{h}' fill='{PALETTE[k % len(PALETTE)]}'>"
                        f"<title>{escape(label)} {escape(key)}: {v}</title></rect>")
        total = sum(counts.values())
        parts.append(f"<g class='column' data-label='{escape(label, quote=True)}' data-total='{total}'>{''.join(segs)}"
                     f"<text class='value' x='{x}' y='{max(10, y - 3)}'>{total}</text></g>")
    legend = "".join(f"<span class='key'><i style='background:{PALETTE[k % len(PALETTE)]}'></i>{escape(key)}</span>"
                     for k, key in enumerate(keys))
    return (f"<svg class='chart' data-chart='{chart}' width='{30 + len(columns) * step + 10}' height='{height + 4}' "
            f"role='img'>{''.join(parts)}</svg><div class='legend'>{legend}</div>")


def _short(s: str, n: int = 28) -> str:
    return s if len(s) <= n else s[: n - 1] + "…"
