"""Every catalog key in both languages; every method code has a label; Dutch formats."""

from datetime import date

from dorp import i18n, method


def test_every_key_in_every_language():
    keys = {lang: set(i18n.catalog(lang)) for lang in i18n.LANGS}
    for lang in i18n.LANGS:
        for other in i18n.LANGS:
            assert keys[lang] - keys[other] == set(), f"in {lang}, missing in {other}"


def test_method_codes_have_labels():
    kinds = {"step": [*method.STEPS, "completed"], "status": method.STATUSES, "line": method.LINES,
             "mode": method.MODES, "party": method.MEMBER_PARTIES, "source": method.SOURCES,
             "phase": method.PHASES, "role": method.ROLES, "alert": method.ALERTS}
    for lang in i18n.LANGS:
        for kind, codes in kinds.items():
            for code in codes:
                assert f"{kind}.{code}" in i18n.catalog(lang), (lang, kind, code)


def test_dutch_formats():
    assert i18n.fmt_date(date(2026, 3, 5), "nl") == "5 mrt 2026"
    assert i18n.fmt_number(1234.5, "nl") == "1.234,5"
    assert i18n.fmt_money(12.5, "nl").replace("\xa0", " ") == "€ 12,50"
    assert i18n.fmt_date(date(2026, 3, 5), "en") == "5 Mar 2026"
