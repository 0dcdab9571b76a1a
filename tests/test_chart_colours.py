"""One colour language across the charts (issue 17, section 3): a colour means the same thing
in every chart (dorp/charts/palette.py), and a colour that carries meaning has a legend."""

import re
from datetime import date
from pathlib import Path

import pandas as pd

from dorp.charts import STATUS_COLOURS, funder, lines, palette, steps
from dorp.charts import burgerkracht as bkg

ROOT = Path(__file__).resolve().parent.parent
JUDGING = {c.upper() for c in palette.JUDGEMENTS}


def test_judgement_colours_are_only_set_in_the_palette():
    """Green, orange and vermilion are spelled out only in palette.py: every chart takes them
    from there, under their meaning (done/chosen/completed, attention, stopped)."""
    for p in (ROOT / "dorp" / "charts").glob("*.py"):
        if p.name == "palette.py":
            continue
        text = p.read_text(encoding="utf-8").upper()
        found = {c for c in re.findall(r"#[0-9A-F]{6}", text) if c in JUDGING}
        if p.name == "__init__.py":   # the Okabe-Ito list itself, and STATUS_COLOURS (below)
            continue
        assert not found, f"{p.name} spells judgement colours itself: {found}"
    assert STATUS_COLOURS == palette.STATUS


def test_categories_never_use_a_judgement_colour():
    for name, colours in [("STEP", palette.STEP.values()), ("PARTY", palette.PARTY.values()),
                          ("CATEGORIES", palette.CATEGORIES), ("SOURCE", palette.SOURCE.values())]:
        assert not {c.upper() for c in colours} & JUDGING, name


def test_each_judgement_colour_has_one_meaning():
    assert palette.STATUS["completed"] == palette.STATE["done"] == palette.VOTE["chosen"] == palette.GOOD
    assert palette.STATUS["paused"] == palette.STATE["skipped"] == palette.VOTE["tied"] == palette.ATTENTION
    assert palette.STATUS["stopped"] == palette.MODE["discourage"] == palette.BAD
    assert palette.STATUS["active"] == palette.STATE["now"] == palette.CURRENT


def _scales(spec) -> list[dict]:
    """Every colour encoding of a Vega-Lite spec (layers included)."""
    out = []
    if isinstance(spec, dict):
        enc = spec.get("encoding", {})
        if isinstance(enc, dict) and isinstance(enc.get("color"), dict):
            out.append(enc["color"])
        for v in spec.values():
            out += _scales(v)
    elif isinstance(spec, list):
        for v in spec:
            out += _scales(v)
    return out


def test_same_mode_same_colour_in_matrix_and_timeline():
    """The working modes had other colours in the groups' timeline than in the matrix beside
    it (the timeline took the Okabe-Ito list in order)."""
    groups = pd.DataFrame({"name": ["Vervoer", "Eten"],
                           "started_on": [date(2026, 1, 5), date(2026, 2, 5)]})
    modes = pd.DataFrame({"group_name": ["Vervoer", "Eten"], "mode": ["motivate", "facilitate"],
                          "started_on": [date(2026, 2, 1), date(2026, 3, 1)],
                          "ended_on": [None, None], "reason": ["", ""]})
    chart = bkg.modes_over_time(modes, groups, date(2026, 11, 29), "nl")
    spec = chart if isinstance(chart, dict) else chart.to_dict()
    scale = [c for c in _scales(spec) if c.get("field") == "mode_label"][0]["scale"]
    timeline = dict(zip(scale["domain"], scale["range"]))
    from dorp import i18n
    for mode, colour in bkg.QUADRANT_COLOURS.items():
        if mode in ("facilitate", "motivate", "support"):
            assert timeline[i18n.label("mode", mode, "nl")] == colour == palette.MODE[mode]


def test_colours_that_carry_meaning_have_a_legend():
    """Pilots per step by status, the satisfaction of both parties and the funder's stages: the
    colour is explained by a legend (not legend=None)."""
    overview = pd.DataFrame({"step": [1, 2, 2], "status": ["active", "paused", "active"]})
    from dorp import charts
    meetings = pd.DataFrame({"held_on": [date(2026, 3, 1), date(2026, 6, 1)],
                             "municipality_satisfaction": [3, 4], "community_satisfaction": [2, 4]})
    for chart in [charts.pipeline(overview, "nl"), lines.satisfaction(meetings, "nl")]:
        for enc in _scales(chart.to_dict()):
            if enc.get("scale") is not None and enc.get("field") not in ("ink",):
                assert enc.get("legend", {}) is not None, enc
