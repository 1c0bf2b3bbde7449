#!/usr/bin/env python3
"""Pages in the encodings the web's older years used: are they read as written?

    .venv/bin/python bench/legacy_encodings.py [--english 300]

Every dev page is UTF-8, so none tests what `pipeline/inputs/encoding.py` does with other bytes.
Here each dev page with non-ASCII text (WCXB dev and ScrapingHub; the first --english English
ones and every page in another language, by py3langid on its truth) is written again, its
charset declarations removed, in the legacy encodings of its language (English, Portuguese,
French ...: windows-1252; Russian: windows-1251 and KOI8-R; Japanese: Shift_JIS and EUC-JP;
Korean: EUC-KR; a character the charset lacks as a character reference, as such pages write
it), and read back by `decode_bytes` three ways:

  undeclared     the legacy bytes, no charset anywhere
  says utf-8     the same bytes under <meta charset="utf-8"> (a template's lie)
  mixed          the page as published (UTF-8) with a footer in windows-1252 bytes, as an ad or
                 an include of another encoding leaves it

A page counts as right when the text read is the text written, character for character.
Printed: right / pages for each way and language, and the CPU time a page takes to read.
"""
from __future__ import annotations

import argparse
import re
import sys
import time
from collections import Counter
from pathlib import Path

import py3langid

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "train"))
import boilerplate as B  # noqa: E402

from cleancorpus.pipeline.inputs.encoding import Undecodable, decode_bytes  # noqa: E402

_META = re.compile(r"<meta[^>]*charset[^>]*>", re.I)
LEGACY = {"en": ("cp1252",), "pt": ("cp1252",), "fr": ("cp1252",), "it": ("cp1252",), "de": ("cp1252",),
          "es": ("cp1252",), "nl": ("cp1252",), "ru": ("cp1251", "koi8-r"), "ja": ("shift_jis", "euc-jp"),
          "ko": ("euc-kr",)}
# as browsers decode them (the Encoding Standard): Shift_JIS is Windows' cp932, EUC-KR its cp949
AS_BROWSERS_READ = {"shift_jis": "cp932", "euc-kr": "cp949"}
FOOTER = "<p>Copyright \u00a9 2008 Smith\u2019s Caf\u00e9 \u2014 all rights reserved.</p>"


def cases(english: int) -> list[tuple[str, str, bytes, str]]:
    """(way, language, bytes, the text they should read as) for every page and encoding."""
    out, n_english = [], 0
    for p in B.load_pages():
        html = B.read_html(p.html)
        if html.isascii():
            continue
        lang = py3langid.classify(p.truth_text()[:3000])[0]
        lang = lang if lang in LEGACY else "en"  # a short English truth is sometimes called Afrikaans
        if lang == "en":
            n_english += 1
            if n_english > english:
                continue
        body = _META.sub("", html)
        for enc in LEGACY[lang]:
            raw = body.encode(enc, errors="xmlcharrefreplace")
            if raw.isascii():
                continue
            written = raw.decode(AS_BROWSERS_READ.get(enc, enc))
            out.append(("undeclared", f"{lang} {enc}", raw, written))
            lie = '<meta charset="utf-8">'
            if "<head>" in body:
                said = body.replace("<head>", "<head>" + lie, 1).encode(enc, errors="xmlcharrefreplace")
                out.append(("says utf-8", f"{lang} {enc}", said, said.decode(AS_BROWSERS_READ.get(enc, enc))))
        if "</body>" in html:
            mixed = html.encode("utf-8").replace(b"</body>", FOOTER.encode("cp1252") + b"</body>", 1)
            out.append(("mixed", lang, mixed, html.replace("</body>", FOOTER + "</body>", 1)))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--english", type=int, default=300, help="English pages used (all other languages are)")
    a = ap.parse_args(argv)
    right, total, cpu = Counter(), Counter(), Counter()
    for way, lang, raw, written in cases(a.english):
        t0 = time.process_time()
        try:
            text = decode_bytes(raw, is_html=True)[0]
        except Undecodable:
            text = None
        cpu[way] += time.process_time() - t0
        total[(way, lang)] += 1
        right[(way, lang)] += text == written
    for way in ("undeclared", "says utf-8", "mixed"):
        keys = sorted(k for k in total if k[0] == way)
        n = sum(total[k] for k in keys)
        print(f"{way:11} {sum(right[k] for k in keys)} / {n} right, {1000 * cpu[way] / max(n, 1):.1f} ms a page: "
              + ", ".join(f"{k[1]} {right[k]}/{total[k]}" for k in keys))
    return 0


if __name__ == "__main__":
    sys.exit(main())
