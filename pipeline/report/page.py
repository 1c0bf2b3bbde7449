"""The report as one self-contained HTML file: inline CSS, a few lines of script for the rule
filter, SVG charts. People judge a cleaner by what it removed and what it merged, so those two
come with real examples: removed lines struck through beside the rule that removed them, and a
duplicate cluster's kept document and member side by side."""
from __future__ import annotations

from datetime import datetime, timezone
from html import escape
from typing import Any

from cleancorpus.pipeline.dedup.why import paragraph_pairs, paragraphs
from cleancorpus.pipeline.report.data import MAX_RULES, ReportData
from cleancorpus.pipeline.report.svg import bars, stacked

CSS = """
body{font:14px/1.45 system-ui,sans-serif;margin:0 auto;max-width:1100px;padding:0 18px;color:#1a202c}
h1{margin:18px 0 4px}h2{margin-top:34px;border-bottom:2px solid #e2e8f0}nav a{margin-right:12px}
table{border-collapse:collapse;width:100%;margin:8px 0}td,th{border-bottom:1px solid #e2e8f0;padding:4px 6px;
text-align:left;vertical-align:top}th{background:#f7fafc}.num{text-align:right;font-variant-numeric:tabular-nums}
.chart text{font-size:11px;fill:#2d3748}.legend .key{margin-right:10px;font-size:12px}
.legend i{display:inline-block;width:10px;height:10px;margin-right:4px}.cards{display:flex;gap:12px}
.card{background:#f7fafc;border-radius:6px;padding:8px 14px}.card b{font-size:22px;display:block}
del{color:#9b2c2c}.rule{font-size:11px;color:#718096;margin-left:6px}.ex{color:#4a5568;font-size:12px}
.diff td{width:50%;font-size:12px}.same{background:#f0fff4}.close{background:#fffff0}.only{background:#fff5f5}
.doc{border:1px solid #e2e8f0;border-radius:6px;padding:8px 12px;margin:10px 0}.doc p{margin:4px 0}
input#rule-filter{padding:4px 8px;width:280px}.empty{color:#718096}
"""
SCRIPT = """
document.getElementById('rule-filter').addEventListener('input', function (e) {
  var q = e.target.value.toLowerCase(), shown = 0;
  document.querySelectorAll('#rules tbody tr').forEach(function (tr) {
    var on = tr.dataset.rule.toLowerCase().indexOf(q) >= 0;
    tr.style.display = on ? '' : 'none'; if (on) shown++;
  });
  document.getElementById('rules-shown').textContent = shown;
});
"""


def render(r: ReportData, title: str | None = None) -> str:
    title = title or f"cleancorpus report: {r.root}"
    sections = [_overview(r), _runs(r), _sources(r), _rules(r), _duplicates(r), _distributions(r), _documents(r)]
    made = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return (f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{escape(title)}</title>"
            f"<style>{CSS}</style></head><body><h1>{escape(title)}</h1><p class='ex'>made {made}</p>"
            "<nav><a href='#runs'>runs</a><a href='#sources'>sources</a><a href='#rules'>rules</a>"
            "<a href='#duplicates'>duplicates</a><a href='#distributions'>distributions</a>"
            "<a href='#documents'>documents</a></nav>"
            f"{''.join(sections)}<script>{SCRIPT}</script></body></html>")


def _overview(r: ReportData) -> str:
    dup = sum(r.reasons.get(k, 0) for k in ("exact_duplicate", "near_duplicate"))
    cards = [("inputs", r.documents + r.rejects), ("documents kept", r.documents), ("rejected", r.rejects),
             ("duplicates", dup), ("runs", len(r.runs))]
    return ("<div class='cards' id='overview'>" + "".join(
        f"<div class='card' data-card='{escape(k)}'><b>{v:,}</b>{escape(k)}</div>" for k, v in cards) + "</div>"
            + "<h3>rejected by reason</h3>" + bars("reasons", r.reasons.most_common()))


def _runs(r: ReportData) -> str:
    reasons = sorted({k for run in r.runs for k in run.get("rejects_by_reason", {})})
    cols = [(run["run_id"][:19], {"kept": run["counts"]["documents"], **run.get("rejects_by_reason", {})})
            for run in r.runs]
    rows = "".join(
        f"<tr><td>{escape(run['run_id'])}</td><td class='num'>{run['counts']['inputs_seen']}</td>"
        f"<td class='num'>{run['counts']['documents']}</td><td class='num'>{run['counts']['rejects']}</td>"
        f"<td class='num'>{_seconds(run)}</td><td class='num'>{escape(_stages(run))}</td><td>{escape(', '.join(f'{k} {v}' for k, v in (run.get('models') or {}).items()))}</td></tr>"
        for run in r.runs)
    return ("<h2 id='runs'>Runs over time</h2><p>Inputs kept and rejected per reason, one column per run.</p>"
            + stacked("runs", cols, ["kept", *reasons])
            + "<table><thead><tr><th>run</th><th>inputs</th><th>kept</th><th>rejected</th><th>seconds</th>"
            f"<th>by stage</th><th>models</th></tr></thead><tbody>{rows}</tbody></table>")


def _seconds(run: dict[str, Any]) -> str:
    try:
        t = datetime.fromisoformat(run["finished_at"]) - datetime.fromisoformat(run["started_at"])
        return f"{t.total_seconds():.1f}"
    except (KeyError, TypeError, ValueError):
        return ""


def _stages(run: dict[str, Any]) -> str:
    return " · ".join(f"{k} {v:.1f}" for k, v in (run.get("seconds") or {}).items())


def _sources(r: ReportData) -> str:
    rows = "".join(
        f"<tr><td>{escape(s['domain'])}</td><td class='num'>{s['pages']}</td><td class='num'>{s['share_kept']:.0%}</td>"
        f"<td class='num'>{s['share_removed']:.0%}</td>"
        f"<td>{escape(', '.join(f'{k} ({v})' for k, v in s['top_rules']))}</td></tr>" for s in r.sources)
    return ("<h2 id='sources'>Sources</h2><table><thead><tr><th>domain</th><th>pages</th><th>kept</th>"
            "<th>text removed</th><th>top rules</th></tr></thead>"
            f"<tbody>{rows}</tbody></table>")


def _rules(r: ReportData) -> str:
    rows = "".join(
        f"<tr data-rule='{escape(x['rule'], quote=True)}'><td>{escape(x['rule'])}</td><td>{escape(x['pack'])}</td>"
        f"<td class='num'>{x['lines']}</td><td class='num'>{x['words']}</td><td class='ex'>"
        + "<br>".join(f"<del>{escape(_cut(e))}</del>" for e in x["examples"]) + "</td></tr>" for x in r.rules[:MAX_RULES])
    return ("<h2 id='rules'>Rules</h2><p>Every line cleaning removed, by the rule that removed it. Filter: "
            "<input id='rule-filter' placeholder='rule or pack, e.g. social'> "
            f"<span id='rules-shown'>{min(len(r.rules), MAX_RULES)}</span> rules shown"
            f"{f' (the {MAX_RULES} that removed most of {len(r.rules)})' if len(r.rules) > MAX_RULES else ''}.</p>"
            + bars("rules", [(x["rule"], x["lines"]) for x in r.rules[:20]])
            + "<table id='rules'><thead><tr><th>rule</th><th>pack</th><th>lines</th><th>words</th><th>examples</th>"
            f"</tr></thead><tbody>{rows}</tbody></table>")


def _duplicates(r: ReportData) -> str:
    out = ["<h2 id='duplicates'>Duplicates</h2><p>The largest clusters: the kept document beside one member "
           "that was dropped, paragraph by paragraph (green: in both, yellow: mostly the same, red: in one only).</p>"]
    if not r.clusters:
        out.append("<p class='empty'>no duplicate was rejected</p>")
    for c in r.clusters:
        kept = c["kept"] or {}
        sim = f"{c['similarity']:.3f}" if c["similarity"] is not None else "?"
        out.append(f"<div class='cluster' data-size='{c['size']}'><h3>{escape(kept.get('title') or c['kept_id'])}</h3>"
                   f"<p>cluster of {c['size']}; member {escape(c['member']['doc_id'])} ({escape(c['member']['reason'])}), "
                   f"similarity {sim} to the kept document</p>")
        if c["member_text"] is None or not kept:
            out.append("<p class='empty'>texts not in this output</p></div>")
            continue
        rows = paragraph_pairs(paragraphs(c["member_text"]), paragraphs(kept.get("text")))[:40]
        cls = {"=": "same", "~": "close", "<": "only", ">": "only"}
        out.append("<table class='diff'><thead><tr><th>dropped member</th><th>kept document</th></tr></thead><tbody>"
                   + "".join(f"<tr><td class='{cls.get(a, '') if b else ''}'>{escape(_cut(b, 400))}</td>"
                             f"<td class='{cls.get(c2, '') if d else ''}'>{escape(_cut(d, 400))}</td></tr>"
                             for a, b, c2, d in rows) + "</tbody></table></div>")
    return "".join(out)


def _distributions(r: ReportData) -> str:
    return ("<h2 id='distributions'>Distributions</h2><h3>words per document</h3>" + bars("words", r.words)
            + "<h3>languages</h3>" + bars("languages", r.languages)
            + "<h3>page types</h3>" + bars("page_types", r.page_types)
            + "<h3>publication month</h3>" + bars("months", r.months))


def _documents(r: ReportData) -> str:
    out = ["<h2 id='documents'>Documents</h2><p>A sample of kept documents (the same sample every time), with "
           "the lines cleaning removed struck through in place and the rule that removed them (listed first when "
           "the source is no longer there to tell their place).</p>"]
    for d in r.samples:
        if d.get("placed"):
            removed, body = "", "".join(
                f"<p class='removed'><del>{escape(_cut(t))}</del><span class='rule'>{escape(rule)}</span></p>" if rule
                else f"<p>{escape(_cut(t, 600))}</p>" for t, rule in d["placed"][:40])
        else:
            removed = "".join(f"<p class='removed'><del>{escape(_cut(x['text']))}</del><span class='rule'>"
                              f"{escape(x['rule'])}</span></p>" for x in (d["removed"] or [])[:12])
            body = "".join(f"<p>{escape(_cut(p, 600))}</p>" for p in paragraphs(d["text"])[:8])
        out.append(f"<div class='doc'><h3>{escape(d['title'] or d['doc_id'])}</h3>"
                   f"<p class='ex'>{escape(d['url'] or d['source_uri'])} · {escape(d['page_type'] or 'text')}</p>"
                   f"{removed}{body}</div>")
    out.append("<h3>Rejects, a few per reason</h3><table><thead><tr><th>reason</th><th>input</th><th>detail</th></tr>"
               "</thead><tbody>")
    for reason, rows in sorted(r.reject_samples.items()):
        out += [f"<tr><td>{escape(reason)}</td><td>{escape(x['source_uri'])}</td><td>{escape(_cut(x['detail'] or ''))}</td>"
                "</tr>" for x in rows]
    out.append("</tbody></table>")
    return "".join(out)


def _cut(s: str, n: int = 200) -> str:
    return s if len(s) <= n else s[: n - 1] + "…"
