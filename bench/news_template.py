#!/usr/bin/env python3
"""Article texts inside a news page as sites built them in the 2000s: what is lost, what leaks.

    .venv/bin/python bench/news_template.py [--set scrapinghub] [--step 2] [--parts pag,rel,com] [--br] [--flat]
        [--fold-models DIR]

The dev pages are of 2019-26; the review's L3S-GN1 is news of 2008. Here each article truth of a
dev set (its lines of 8+ words as paragraphs) is put in one made-up template of that time: a
table layout with no class or id, a left column of 20 section links, the headline in <font>, a
byline and a date, the story in <font> as <p>s (or one run of <br><br>, --br), then what --parts
names: page links ("Pages: 1 2 Next »", pag), a "Related Stories" list of five headlines (rel),
three readers' comments under "3 Comments" (--comments-heading) and a "Post a comment" form (com); a tools row
("Print | E-mail | Digg this | del.icio.us") and a copyright footer always. No URL is given, as
for files in a folder. Each page goes through the whole HTML path (default config), or with --flat
is rendered to flat text first (bench/flatten.py) and goes through the text path.

Printed: the story's paragraphs lost (pages with a loss, first and last paragraph lost), and on
how many pages each piece of the template is still in the text. Made up, so a check of kinds
of markup and furniture, not a figure of quality: nothing is tuned on it.
"""
from __future__ import annotations

import argparse
import html as H
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "train"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
import boilerplate as B  # noqa: E402
from flatten import flatten_html  # noqa: E402

from cleancorpus.pipeline.cleaning.cleaner import Cleaner  # noqa: E402
from cleancorpus.pipeline.config import load_config  # noqa: E402
from cleancorpus.pipeline.model import RawRecord, SourceMeta  # noqa: E402

SECTIONS = ["Home", "News", "Local", "Nation", "World", "Business", "Sports", "Entertainment", "Lifestyle",
            "Opinion", "Weather", "Traffic", "Obituaries", "Classifieds", "Jobs", "Cars", "Real Estate",
            "Contact Us", "Advertise", "Archives"]
RELATED = ["Council approves new budget after long debate", "Police seek witnesses to weekend crash",
           "School board names interim superintendent", "Storm knocks out power to thousands",
           "Local team wins state championship in overtime"]
COMMENTS = [("jimbo72", "This is exactly what I have been saying for years. Nobody in charge ever listens to the "
                        "people who actually live here and pay the taxes."),
            ("concerned_mom", "I read this twice and I still do not understand how they plan to pay for any of it. "
                              "Somebody should ask them at the next meeting."),
            ("Tom R.", "Great reporting as always. Thanks for staying on top of this story when the others moved "
                       "on to something else.")]
# a piece of the template, and a string of it that its leak leaves in the text
PIECES = {"section links": "Obituaries", "byline": "Staff Writer", "tools row": "Digg this",
          "page links": "Next »", "related stories": "Police seek witnesses", "comments heading": "3 Comments",
          "commenter": "jimbo72", "comments": "Nobody in charge", "comment form": "Post a comment",
          "copyright": "All rights reserved"}


def page(title: str, paras: list[str], parts: set[str], br: bool, comments_heading: str = "3 Comments") -> str:
    nav = "".join(f'<tr><td><font face="Arial" size="2"><a href="/{s.lower().replace(" ", "")}/">{s}</a>'
                  "</font></td></tr>" for s in SECTIONS)
    body = "<br><br>".join(map(H.escape, paras)) if br else "".join(f"<p>{H.escape(p)}</p>" for p in paras)
    tools = '<p><a href="#">Print</a> | <a href="#">E-mail</a> | <a href="#">Digg this</a> | <a href="#">del.icio.us</a></p>'
    pages = '<p>Pages: <b>1</b> <a href="?page=2">2</a> <a href="?page=2">Next &raquo;</a></p>' if "pag" in parts else ""
    related = ("<p><b>Related Stories</b></p><ul>" + "".join(f'<li><a href="/news/{i}.html">{r}</a></li>'
                                                          for i, r in enumerate(RELATED)) + "</ul>") if "rel" in parts else ""
    comments = (f"<p><b>{H.escape(comments_heading)}</b></p>" + "".join(f"<p><b>{u}</b> wrote on Nov 20, 2008 10:1{i} PM:<br>{H.escape(t)}</p>"
                                                   for i, (u, t) in enumerate(COMMENTS))
                + '<p>Post a comment</p><form><textarea></textarea><input type="submit" value="Submit"></form>'
                ) if "com" in parts else ""
    footer = ('<p><font size="1">Copyright &copy; 2008 The Daily Example. All rights reserved. '
              '<a href="/privacy">Privacy Policy</a> | <a href="/terms">Terms of Use</a></font></p>')
    return (f'<html><head><title>{H.escape(title)} - The Daily Example</title></head><body bgcolor="#ffffff">'
            '<table width="780" border="0" cellpadding="0" cellspacing="0"><tr><td colspan="2">'
            '<img src="/img/logo.gif" alt="The Daily Example"></td></tr>'
            f'<tr><td width="150" valign="top"><table>{nav}</table></td><td valign="top">'
            f'<font face="Georgia" size="5"><b>{H.escape(title)}</b></font><br>'
            '<font size="2">By Jane Doe, Staff Writer<br>November 20, 2008</font><br><br>'
            f'<font face="Arial" size="2">{body}</font>{pages}{tools}{related}{comments}</td></tr></table>'
            f"{footer}</body></html>")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--set", default="scrapinghub", choices=("scrapinghub", "wcxb-dev"))
    ap.add_argument("--step", type=int, default=2, help="every STEP-th article page of the set")
    ap.add_argument("--parts", default="pag,rel,com", help="template parts: pag, rel, com (comma-separated)")
    ap.add_argument("--br", action="store_true", help="the story's paragraphs as one run of <br><br>")
    ap.add_argument("--examples", action="store_true", help="print each page that lost a paragraph")
    ap.add_argument("--comments-heading", default="3 Comments", metavar="TEXT",
                    help="the comments' heading (news pages wrote \"Comments (3)\", \"User comments\", ...)")
    ap.add_argument("--flat", action="store_true",
                    help="the page rendered to flat text first (bench/flatten.py), through the text path")
    ap.add_argument("--fold-models", type=Path, metavar="DIR",
                    help="clean each page with its fold's models, held out (DIR/fold<k>.json and DIR/bare<k>.json, "
                         "as train/boilerplate.py --pipeline --bare-model writes them beside its cache), not the "
                         "shipped ones, which were trained on these texts' pages")
    a = ap.parse_args(argv)
    parts = set(a.parts.split(",")) - {""}
    shipped = Cleaner(load_config(None))
    stats, leaks = Counter(), Counter()
    for p in [p for p in B.load_pages() if p.dataset == a.set and p.page_type == "article"][::a.step]:
        paras = B.paragraphs(p)
        cleaner = shipped if a.fold_models is None else B.held_out_cleaner(a.fold_models, p.fold)
        if len(paras) < 3:
            continue
        html = page(p.meta.get("title") or paras[0][:60], paras, parts, a.br, a.comments_heading)
        rec = RawRecord(source_uri="x.txt", source_record=None, source_format="text", text=flatten_html(html),
                        meta=SourceMeta()) if a.flat else \
            RawRecord(source_uri="x.html", source_record=None, source_format="html", html=html, meta=SourceMeta())
        res = cleaner.process(rec)
        text = " ".join(res.doc.text.split()) if res.doc is not None else ""
        lost = [i for i, x in enumerate(paras) if x[:60] not in text]
        stats.update(pages=1, paragraphs=len(paras), lost=len(lost), pages_with_loss=bool(lost),
                     first_lost=0 in lost, last_lost=len(paras) - 1 in lost)
        leaks.update(name for name, probe in {**PIECES, "comments heading": a.comments_heading}.items() if probe in text)
        if a.examples and lost:
            print(" ", p.key[:24], f"{len(lost)}/{len(paras)} lost, at", lost[:8], "|", paras[lost[-1]][:90])
    print(f"{a.set}, parts {sorted(parts)}{', <br><br>' if a.br else ''}{', flat text' if a.flat else ''}"
          f"{', fold models' if a.fold_models else ''}: {dict(stats)}")
    print("  still in the text, pages:", {name: leaks[name] for name in PIECES})
    return 0


if __name__ == "__main__":
    sys.exit(main())
