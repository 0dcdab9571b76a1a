"""Every catalog key in both languages; every method code has a label; Dutch formats."""

from datetime import date

from dorp import i18n, method


def test_every_key_in_every_language():
    keys = {lang: set(i18n.catalog(lang)) for lang in i18n.LANGS}
    for lang in i18n.LANGS:
        for other in i18n.LANGS:
            assert keys[lang] - keys[other] == set(), f"in {lang}, missing in {other}"


def test_method_codes_have_labels():
    """Every code list of dorp.method (and the rules' codes) has a label in both languages,
    under the key the pages use for it."""
    from dorp import attention
    keys = {
        "step.{}": [*method.STEPS, "completed"], "step_long.{}": [*method.STEPS, "completed"],
        "step_named.{}": [*method.STEPS, "completed"], "status.{}": method.STATUSES,
        "line.{}": method.LINES, "mode.{}": method.ALL_MODES,
        "mode_help.{}": method.ALL_MODES, "party.{}": method.MEMBER_PARTIES,
        "source.{}": method.SOURCES, "phase.{}": method.PHASES, "role.{}": method.ROLES,
        "alert.{}": method.ALERTS, "alert_text.{}": method.ALERTS,
        "partner.{}": method.PARTNER_TYPES, "investment.{}": method.INVESTMENT_KINDS,
        "funder.source_{}": method.BUDGET_SOURCES, "gate.{}": list(attention.CAUSE_OF_GATE),
        "cause.{}": list(attention.CAUSES), "verdict.{}": ("go", "no_go", "pending"),
        "verdict_short.{}": ("go", "no_go", "pending"), "dimension.{}": ("willingness", "ability"),
        "dashboard.fix.{}": list(attention.PAGES),
    }
    assert set(method.ADVISED_MODES) | set(method.MODES) == set(method.ALL_MODES)
    missing = [(lang, pattern.format(code)) for lang in i18n.LANGS
               for pattern, codes in keys.items() for code in codes
               if not i18n.catalog(lang).get(pattern.format(code))]
    assert missing == []


def test_every_gate_code_of_the_rules_has_a_cause():
    """rules.missing_for's codes are all explained by "Aandacht nodig"."""
    import inspect
    import re
    from dorp import attention, rules
    codes = set(re.findall(r'missing.append\("([a-z_]+)"\)|return \["([a-z_]+)"\]',
                           inspect.getsource(rules.missing_for)))
    codes = {a or b for a, b in codes}
    assert codes == set(attention.CAUSE_OF_GATE)


def test_dutch_formats():
    assert i18n.fmt_date(date(2026, 3, 5), "nl") == "5 mrt 2026"
    assert i18n.fmt_number(1234.5, "nl") == "1.234,5"
    assert i18n.fmt_money(12.5, "nl").replace("\xa0", " ") == "€ 12,50"
    assert i18n.fmt_date(date(2026, 3, 5), "en") == "5 Mar 2026"
