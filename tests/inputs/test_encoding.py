"""Bytes to text on the pages the web's older years left: legacy encodings declared by no one,
or lied about, and UTF-8 pages with a few bytes of another encoding in them."""
from __future__ import annotations

from pathlib import Path

import pytest

from cleancorpus.pipeline.inputs.encoding import decode_bytes, top_level_domain

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "sample"

# the users' own articles (the seeds): a general-purpose detector read the first, written in
# windows-1252 with no charset, as cp932 (Japanese), the second as cp775 (Baltic)
SEEDS = ("000_c60606e2771e8801.txt", "003_67da33f0694345ce.txt")


def _in_cp1252(text: str) -> str:
    """The text as a windows-1252 page writes it: what that charset lacks as character references."""
    return text.encode("cp1252", errors="xmlcharrefreplace").decode("cp1252")


def _page(text: str, charset: str | None = None) -> str:
    head = f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">' if charset else ""
    paragraphs = "".join(f"<p>{p}</p>" for p in text.split("\n\n") if p.strip())
    return f"<html><head>{head}<title>Story</title></head><body>{paragraphs}</body></html>"


@pytest.mark.parametrize("name", SEEDS)
def test_a_windows_1252_article_that_declares_nothing_reads_as_written(name):
    text = _in_cp1252((SAMPLE / name).read_text(encoding="utf-8"))
    raw = text.encode("cp1252")
    assert not raw.isascii()
    assert decode_bytes(raw)[0] == text
    page = _page(text)
    assert decode_bytes(page.encode("cp1252"), is_html=True)[0] == page


@pytest.mark.parametrize("name", SEEDS)
def test_a_windows_1252_page_that_says_utf8_reads_as_written(name):
    page = _page(_in_cp1252((SAMPLE / name).read_text(encoding="utf-8")), charset="utf-8")
    assert decode_bytes(page.encode("cp1252"), is_html=True)[0] == page


def test_a_utf8_page_with_a_windows_1252_footer_keeps_both():
    """A template in UTF-8 around a footer or an ad included in windows-1252: was rejected
    `undecodable` (the detector said UTF-8, which then failed), or read whole as a legacy
    encoding, turning every UTF-8 character into two or three."""
    page = _page((SAMPLE / SEEDS[1]).read_text(encoding="utf-8"))
    footer = "<p>Copyright \u00a9 2008 Smith\u2019s Caf\u00e9 \u2014 all rights reserved.</p>"
    raw = page.encode("utf-8").replace(b"</body>", footer.encode("cp1252") + b"</body>", 1)
    assert not page.isascii()
    text, encoding = decode_bytes(raw, is_html=True)
    assert text == page.replace("</body>", footer + "</body>", 1)
    assert encoding == "utf-8+cp1252"
    # a template that says latin-1 around UTF-8 text: the bytes outweigh the label
    said = raw.replace(b"<head>", b'<head><meta charset="iso-8859-1">', 1)
    assert decode_bytes(said, is_html=True)[0] == text.replace("<head>", '<head><meta charset="iso-8859-1">', 1)


LEGACY = {
    "cp1250": "Praha je hlavní a největší město České republiky. Leží ve středu Čech na řece Vltavě. "
              "Žije zde přibližně 1,3 milionu obyvatel. Historické centrum Prahy bylo v roce 1992 zapsáno "
              "na seznam světového dědictví. Mezi nejznámější památky patří Pražský hrad a Karlův most.",
    "cp1251": "Москва - столица России и крупнейший по численности населения город страны. Город стоит "
              "на реке Москве в центре Восточно-Европейской равнины. Здесь находятся Кремль, Красная "
              "площадь и Большой театр, а также множество музеев и библиотек.",
    "koi8-r": "Санкт-Петербург - второй по численности населения город России. Он был основан Петром "
              "Первым в 1703 году на берегах Невы. В городе находятся Эрмитаж, Исаакиевский собор и "
              "Петропавловская крепость.",
    "cp1253": "Η Αθήνα είναι η πρωτεύουσα και μεγαλύτερη πόλη της Ελλάδας. Είναι μία από τις αρχαιότερες "
              "πόλεις του κόσμου, με καταγεγραμμένη ιστορία που εκτείνεται σε περισσότερα από 3.400 χρόνια.",
    "shift_jis": "東京は日本の首都であり、世界で最も人口の多い都市圏の一つです。江戸時代には将軍の城下町として"
                 "栄え、明治時代に首都となりました。現在は政治、経済、文化の中心地です。",
}


@pytest.mark.parametrize("encoding", sorted(LEGACY))
def test_pages_in_other_legacy_encodings_are_not_read_as_windows_1252(encoding):
    page = _page(LEGACY[encoding])
    assert decode_bytes(page.encode(encoding), is_html=True)[0] == page


def test_a_declared_charset_is_taken_when_the_bytes_fit_it():
    page = _page(LEGACY["cp1251"], charset="windows-1251")
    assert decode_bytes(page.encode("cp1251"), is_html=True) == (page, "cp1251")
    # latin-1 as every browser reads it: windows-1252, whose curly quotes latin-1 lacks
    page = _page("It\u2019s the \u201cend\u201d.", charset="ISO-8859-1")
    assert decode_bytes(page.encode("cp1252"), is_html=True) == (page, "cp1252")


# a page declaring an ISO or East Asian standard charset in the bytes of its Windows superset, as
# browsers read it (latin-1's case: the test above): before, a Turkish page's apostrophes and quotes became C1 controls, which the
# cleaning then dropped ("İstanbul’da" came out "İstanbulda")
SUPERSETS = [
    ("iso-8859-9", "cp1254", "İstanbul’da “güzel” bir gün – Çarşamba, şehir için ağır bir sınav olacak."),
    ("tis-620", "cp874", "ภาษาไทย “ข่าว” – วันนี้ฝนตกหนักในกรุงเทพมหานคร"),
    ("shift_jis", "cp932", "①東京の天気は晴れです。㈱日本語の文章です。"),
    ("euc-kr", "cp949", "똠방각하, 서울의 날씨는 맑습니다."),
    ("gb2312", "gb18030", "中文文章，今天天气很好。朱镕基，陶喆。"),
    ("x-sjis", "cp932", "東京の天気は晴れです。"),
]


@pytest.mark.parametrize("label, codec, text", SUPERSETS)
def test_a_declared_charset_is_read_as_browsers_read_it(label, codec, text):
    page = _page(text, charset=label)
    assert decode_bytes(page.encode(codec), is_html=True) == (page, codec)


def test_a_page_that_declares_utf16_in_its_bytes_is_not_read_as_utf16():
    """UTF-16 bytes were read before the declaration; a page whose <meta> says UTF-16 is ASCII
    bytes and the declaration lies. Read as UTF-16 its text would be CJK nonsense."""
    page = _page("It\u2019s the \u201cend\u201d \u2014 Café.", charset="utf-16")
    assert decode_bytes(page.encode("cp1252"), is_html=True)[0] == page


@pytest.mark.parametrize("label", ["hex", "base64", "unicode_escape", "raw_unicode_escape", "undefined", "utf-7",
                                   "idna", "no-such-charset"])
def test_a_label_python_knows_but_no_page_is_written_in_is_passed_over(label):
    """Python's transforms and escapes are codecs too: "hex" raised LookupError at decode, and
    unicode_escape would read the bytes as backslash escapes. Such a page is read as undeclared."""
    page = _page("It\u2019s the \u201cend\u201d \u2014 Café.", charset=label)
    assert decode_bytes(page.encode("cp1252"), is_html=True) == (page, "cp1252")


def test_the_transport_charset_comes_before_the_page_s_own():
    page = _page(LEGACY["koi8-r"], charset="windows-1251")
    assert decode_bytes(page.encode("koi8-r"), is_html=True, declared="KOI8-R")[0] == page


@pytest.mark.parametrize("url, tld", [
    ("https://www.idnes.cz/zpravy/domaci", b"cz"),
    ("http://user@NEWS.Example.RU:8080/a?b", b"ru"),
    ("//example.com./", b"com"),
    ("http://192.168.0.1/page", None),
    ("news.html", None),
    (None, None),
])
def test_top_level_domain(url, tld):
    assert top_level_domain(url) == tld


def test_a_page_whose_only_non_ascii_bytes_are_symbols_is_windows_1252():
    """Nothing to guess from: chardetng named windows-1250 or ISO-8859-2 for such pages of the
    dev sets ("©" read as "Š", "®" as "Ž", "£" as "Ł")."""
    text = ("The kettle costs \u00a345 and boils a litre in 90 seconds; the toaster is \u00a329. Our review "
            "team tested both for a month in a busy office kitchen and found them quick, quiet and easy to clean.")
    page = _page(text)
    assert decode_bytes(page.encode("cp1252"), is_html=True) == (page, "cp1252")
