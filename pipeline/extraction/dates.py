"""Dates in metadata fields and in text header lines.

A small parser for the formats news headers actually use (ISO, 01/07/2022, 1 July 2022,
July 1, 2022, weekday prefixes), because a general NLP date parser is slow and guesses. Month
and weekday names are those of the languages most of the web's European pages are written in
(English, German, French, Spanish, Portuguese, Italian, Dutch), in full (an abbreviation such as
Portuguese "out" is an English word), with the "22 de outubro de 2010" and "1er janvier" forms;
and the year-month-day of Chinese, Japanese and Korean pages ("2018年8月25日", "2018년 8월 25일").
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime, timezone
from typing import Any

import regex

_ASCII_DIGIT = re.compile(r"[0-9]")


def has_digit(s: str) -> bool:
    """Does s hold a character str.isdigit() takes? One search in C for an ASCII string (class
    names, short element texts: called on many elements of every page), a C loop otherwise."""
    return bool(_ASCII_DIGIT.search(s)) if s.isascii() else any(map(str.isdigit, s))


MONTHS = {
    m: i
    for i, names in enumerate(
        [
            ("january", "jan", "januar", "janvier", "enero", "jänner", "janeiro", "gennaio", "januari"),
            ("february", "feb", "februar", "février", "fevrier", "febrero", "fevereiro", "febbraio", "februari"),
            ("march", "mar", "märz", "maerz", "mars", "marzo", "março", "maart"),
            ("april", "apr", "avril", "abril", "aprile"),
            ("may", "mai", "mayo", "maio", "maggio", "mei"),
            ("june", "jun", "juni", "juin", "junio", "junho", "giugno"),
            ("july", "jul", "juli", "juillet", "julio", "julho", "luglio"),
            ("august", "aug", "août", "aout", "agosto", "augustus"),
            ("september", "sep", "sept", "septembre", "septiembre", "setembro", "settembre"),
            ("october", "oct", "oktober", "octobre", "octubre", "outubro", "ottobre"),
            ("november", "nov", "novembre", "noviembre", "novembro"),
            ("december", "dec", "dezember", "décembre", "decembre", "diciembre", "dezembro", "dicembre"),
        ],
        start=1,
    )
    for m in names
}


def alternation(words: Iterable[str]) -> str:
    """Words as one regex alternation, longest first. Not escaped: the words are letters, hyphens
    and spaces, and the rule packs' prefilter (RE2) refuses an escaped space."""
    return "|".join(sorted(words, key=len, reverse=True))


_MONTH = r"(?P<month>" + alternation(MONTHS) + r")\.?"
_WEEKDAYS = (
    "montag", "dienstag", "mittwoch", "donnerstag", "freitag", "samstag", "sonntag",
    "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
    "lunes", "martes", "miércoles", "miercoles", "jueves", "viernes", "sábado", "sabado", "domingo",
    "segunda-feira", "terça-feira", "terca-feira", "quarta-feira", "quinta-feira", "sexta-feira",
    "lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato", "domenica",
    "maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag",
)
_WEEKDAY = (r"(?:(?:(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day|sday|nesday|rsday|urday)?|"
            + alternation(_WEEKDAYS) + r")\.?,?\s+)?")
# "at 8:59 pm", "às 20:13", "à 20h13", "um 20:13 Uhr", "a las 20:13", "alle 20:13", "om 20:13"
TIME = (r"(?:(?:at|às|à|a las|alle|um|om)\s+)?\d{1,2}[:.h]\d{2}(?::\d{2})?\s*(?:am|pm|a\.m\.|p\.m\.|uhr)?"
        r"(?:\s*(?:utc|gmt|[a-z]{2,4}t|[+-]\d{2}:?\d{2}))?")
DATE = (
    r"(?:" + _WEEKDAY + r"(?:"
    r"(?P<iy>\d{4})-(?P<im>\d{1,2})-(?P<id>\d{1,2})(?:[t ]\d{2}:\d{2}(?::\d{2})?(?:\.\d+)?(?:z|[+-]\d{2}:?\d{2})?)?"
    r"|(?P<n1>\d{1,2})[/.](?P<n2>\d{1,2})[/.](?P<ny>\d{4})"
    # year first with dots or slashes, as Korean, Japanese and Chinese pages and many blogs write it
    # ("2025.12.17", "2019/09/29"); month and day in two digits, so "2024.1.2" stays a version
    r"|(?P<sy>\d{4})[./](?P<sm>0[1-9]|1[0-2])[./](?P<sd>0[1-9]|[12]\d|3[01])(?![\d.]\d)"
    r"|(?P<dd>\d{1,2})(?:st|nd|rd|th|er|º|ª)?\.?\s+(?:de\s+)?" + _MONTH + r",?\s+(?:(?:de|del)\s+)?(?P<dy>\d{4})"
    r"|" + _MONTH.replace("month", "month2") + r"\s+(?P<md>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<my>\d{4})"
    r"|(?P<cy>\d{4})\s*[年년]\s*(?P<cm>\d{1,2})\s*[月월]\s*(?P<cd>\d{1,2})\s*[日일]"  # Chinese, Japanese, Korean
    r"))"
)
DATE_RE = regex.compile(DATE, regex.I)

# The words that label a date as the day a text was first published or last changed, in the
# languages whose month names are read above ("Published on", "Publicado em", "Veröffentlicht am";
# "Updated", "Mis à jour le", "Aktualisiert am"), and the words that join a label to its date.
# One list for the HTML dateline finder (dateline.py) and the rule packs' {DATE_LABEL}.
PUBLISHED_WORDS = ("published", "posted", "first published", "publicado", "publicada", "publié", "publiée",
                   "veröffentlicht", "pubblicato", "pubblicata", "gepubliceerd")
UPDATED_WORDS = ("updated", "last updated", "modified", "last modified", "atualizado", "atualizada", "actualizado",
                 "actualizada", "mis à jour", "mise à jour", "aktualisiert", "aggiornato", "aggiornata", "bijgewerkt")
LABEL_LINKS = ("on", "at", "em", "el", "le", "am", "il", "op")


def label(words: tuple[str, ...]) -> str:
    """A label of these words and its joining word, as a whole: "Publicado em", "Last updated on"."""
    return rf"(?:(?:{alternation(words)})(?:\s+(?:{alternation(LABEL_LINKS)}))?)"


DATE_LABEL = label(PUBLISHED_WORDS + UPDATED_WORDS)


def _mk(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _numeric(y: int, a: int, b: int, order: str) -> date | None:
    """The day of a numeric date a/b/y: day first when a > 12, month first when b > 12, else as
    `order` says."""
    if a > 12:
        return _mk(y, b, a)
    if b > 12:
        return _mk(y, a, b)
    return _mk(y, b, a) if order == "DMY" else _mk(y, a, b)


def match_to_date(m: regex.Match[str], order: str = "DMY") -> date | None:
    g = m.groupdict()
    if g.get("iy"):
        return _mk(int(g["iy"]), int(g["im"]), int(g["id"]))
    if g.get("ny"):
        return _numeric(int(g["ny"]), int(g["n1"]), int(g["n2"]), order)
    if g.get("dy"):
        return _mk(int(g["dy"]), MONTHS[g["month"].lower()], int(g["dd"]))
    if g.get("my"):
        return _mk(int(g["my"]), MONTHS[g["month2"].lower()], int(g["md"]))
    if g.get("cy"):
        return _mk(int(g["cy"]), int(g["cm"]), int(g["cd"]))
    if g.get("sy"):
        return _mk(int(g["sy"]), int(g["sm"]), int(g["sd"]))
    return None


def find_date(text: str, order: str = "DMY") -> date | None:
    m = DATE_RE.search(text)
    return match_to_date(m, order) if m else None


def days_apart(a: str, b: str) -> int | None:
    """How many days two YYYY-MM-DD days are apart; None when either is no such day."""
    try:
        return abs((date.fromisoformat(a) - date.fromisoformat(b)).days)
    except ValueError:
        return None


def to_utc(d: date | datetime | None) -> datetime | None:
    if d is None:
        return None
    if isinstance(d, datetime):
        return d.astimezone(timezone.utc) if d.tzinfo else d.replace(tzinfo=timezone.utc)
    return datetime(d.year, d.month, d.day, tzinfo=timezone.utc)


def parse_iso_datetime(v: Any) -> datetime | None:
    """Parse an ISO 8601 string (or date/datetime) from metadata; anything else is None."""
    if v is None or v == "":
        return None
    if isinstance(v, (datetime, date)):
        return to_utc(v)
    if isinstance(v, (int, float)):
        try:
            return datetime.fromtimestamp(float(v), tz=timezone.utc)
        except (OverflowError, OSError, ValueError):
            return None
    s = str(v).strip()
    try:
        return to_utc(datetime.fromisoformat(s.replace("Z", "+00:00")))
    except ValueError:
        d = find_date(s)
        return to_utc(d)


_ISO_DAY = regex.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})")
# a numeric day written with hyphens, day and month first, "02-12-2025", "11-29-2024, 09:03 AM"
# (a <time>'s datetime, a dated element's text, a meta tag's value): read by iso_day only, not
# by DATE, which text headers, bylines and titles read too
DASH_DAY_RE = regex.compile(r"(?<![\d/.-])(\d{1,2})-(\d{1,2})-(\d{4})(?![\d-])")
_SLASH_YMD = regex.compile(r"^\s*(\d{4})[/.](\d{1,2})[/.](\d{1,2})\b")
_COMPACT_YMD = regex.compile(r"^\s*(\d{4})(\d{2})(\d{2})(?:$|[T ]\d)")
# "2023 Jan 7", "2024 Jun 30": PubMed's and Google Scholar's citation_publication_date
_YEAR_MONTH_DAY = regex.compile(r"^\s*(\d{4})\s+" + _MONTH + r"\s+(\d{1,2})\b", regex.I)


def iso_day(v: Any, order: str = "DMY") -> str | None:
    """The calendar day a metadata date value names, YYYY-MM-DD, as written (a time and its
    zone are dropped, not converted: the page's own day); None when it names none."""
    if v is None or v == "":
        return None
    if isinstance(v, (datetime, date)):
        return v.strftime("%Y-%m-%d")
    s = str(v).strip()
    if regex.fullmatch(r"\d{10}(?:\d{3})?", s):  # a Unix timestamp, seconds or milliseconds
        try:
            return datetime.fromtimestamp(int(s[:10]), tz=timezone.utc).strftime("%Y-%m-%d")
        except (OverflowError, OSError, ValueError):
            return None
    m = _ISO_DAY.match(s) or _SLASH_YMD.match(s) or _COMPACT_YMD.match(s)
    if m:
        d = _mk(int(m[1]), int(m[2]), int(m[3]))
    elif m := _YEAR_MONTH_DAY.match(s):
        d = _mk(int(m[1]), MONTHS[m["month"].lower()], int(m[3]))
    else:
        d = find_date(s, order)
        if d is None and "-" in s and (m := DASH_DAY_RE.search(s)):
            d = _numeric(int(m[3]), int(m[1]), int(m[2]), order)
    return d.strftime("%Y-%m-%d") if d else None
