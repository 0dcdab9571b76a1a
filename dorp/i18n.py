"""Translations and Dutch/English formatting.

Catalogs: one TOML file per area per language, dorp/locales/<lang>/<area>.toml; keys are
"<table>.<key>" (e.g. "line.broad_support"). A test checks that every key exists in every
language. Dates, numbers and money go through babel.
"""

from __future__ import annotations

import tomllib
from datetime import date, datetime
from functools import lru_cache
from importlib import resources

from babel.dates import format_date, format_datetime
from babel.numbers import format_currency, format_decimal, format_percent

LANGS = ("nl", "en")
DEFAULT_LANG = "nl"
LOCALES = {"nl": "nl_NL", "en": "en_GB"}


def _flatten(d: dict, prefix: str = "") -> dict[str, str]:
    out = {}
    for k, v in d.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict):
            out.update(_flatten(v, key + "."))
        else:
            out[key] = str(v)
    return out


@lru_cache(maxsize=None)
def catalog(lang: str) -> dict[str, str]:
    out: dict[str, str] = {}
    folder = resources.files("dorp.locales").joinpath(lang)
    for f in sorted(folder.iterdir(), key=lambda f: f.name):
        if f.name.endswith(".toml"):
            out.update(_flatten(tomllib.loads(f.read_text(encoding="utf-8"))))
    return out


def t(key: str, lang: str = DEFAULT_LANG, **kwargs) -> str:
    """The text for `key`; a missing key shows as the key itself (and fails the tests)."""
    text = catalog(lang).get(key) or catalog(DEFAULT_LANG).get(key) or key
    return text.format(**kwargs) if kwargs else text


def label(kind: str, code, lang: str = DEFAULT_LANG) -> str:
    """Label of a method code, e.g. label("line", "broad_support")."""
    return t(f"{kind}.{code}", lang)


def fmt_date(d: date | datetime | None, lang: str = DEFAULT_LANG, fmt: str = "medium") -> str:
    if d is None or (isinstance(d, float)) or d != d:   # None, NaN, NaT
        return "–"
    if isinstance(d, datetime) and (d.hour, d.minute, d.second, d.microsecond) == (0, 0, 0, 0):
        d = d.date()   # a day stored as a timestamp (a DataFrame's datetime64): no "00:00"
    if isinstance(d, datetime):
        return format_datetime(d, "d MMM y HH:mm", locale=LOCALES[lang])
    return _fmt_day(d, lang, fmt)


@lru_cache(maxsize=16384)
def _fmt_day(d: date, lang: str, fmt: str) -> str:
    """A day in words (babel takes a quarter of a millisecond each: pages with ten years of
    history format the same days on every run)."""
    return format_date(d, fmt, locale=LOCALES[lang])


def fmt_number(x, lang: str = DEFAULT_LANG, decimals: int | None = None) -> str:
    if x is None:
        return "–"
    pattern = None if decimals is None else "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(x, format=pattern, locale=LOCALES[lang])


def fmt_money(x, lang: str = DEFAULT_LANG) -> str:
    return "–" if x is None else format_currency(x, "EUR", locale=LOCALES[lang])


def fmt_percent(x, lang: str = DEFAULT_LANG) -> str:
    return "–" if x is None else format_percent(x, locale=LOCALES[lang])
