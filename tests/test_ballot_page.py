"""The lead's Stemronde page (AppTest): open a round, make codes (PDF), turnout without
results while open, close with confirmation, the result carried into the start meeting."""

from __future__ import annotations

from datetime import date

from conftest import LEAD, STEERING, FUNDER, chart_data, chart_spec, form_widget, user_of

from dorp.repo import ballot, steps

PAGE = "pages/stemronde.py"


def _meeting(db) -> int:
    lead = user_of(db, LEAD)
    mid = steps.add_start_meeting(db, lead, "Stemgemeente", date(2026, 11, 28), 30, 1, None,
                                  date(2026, 11, 29))
    for v in ("Appeldorp", "Beekdorp", "Cederdorp"):
        steps.add_pitch(db, lead, mid, v, None)
    return mid


def test_only_leads(demo_db):
    """Not in their menu, and the page itself (a deep link) refuses."""
    from conftest import page_as
    for who in (FUNDER, STEERING, None):
        at = page_as(demo_db, PAGE, who)
        assert not at.metric and not at.selectbox


def test_open_codes_turnout_close_result(app_as, demo_db):
    mid = _meeting(demo_db)
    at = app_as(LEAD, page=PAGE)
    assert not at.exception
    subject = form_widget(at, "selectbox", "round_open", "subject")
    pick = next(i for i, lab in enumerate(subject.options) if "Stemgemeente" in lab)
    subject.set_value(pick)
    form_widget(at, "button", "round_open").click().run()
    assert not at.exception
    assert any("geopend" in s.value for s in at.success)
    lead = user_of(demo_db, LEAD)
    rid = ballot.open_round_for(demo_db, lead, meeting_id=mid)["id"]

    n = form_widget(at, "number_input", "round_codes", "n")
    n.set_value(12)
    form_widget(at, "button", "round_codes").click().run()
    assert not at.exception
    downloads = at.get("download_button")
    assert downloads and "12 codes" in downloads[0].proto.label
    # turnout, never the counts, while open
    assert [m.value for m in at.metric] == ["0 van 12"]
    codes = ballot.issue_codes(demo_db, lead, rid, 3)
    b = ballot.ballot_for_code(demo_db, codes[0], "t")
    ballot.cast(demo_db, codes[0], [b.options[1][0]], "t")
    ballot.cast(demo_db, codes[1], [b.options[1][0]], "t")
    ballot.cast(demo_db, codes[2], [b.options[0][0]], "t")
    at.run()
    assert [m.value for m in at.metric] == ["3 van 15"]
    assert not at.get("vega_lite_chart") and not at.get("arrow_vega_lite_chart")

    # closing asks first
    at.button(key=f"round_close:{rid}").click().run()
    assert any("Stemming sluiten?" in w.value for w in at.warning)
    at.button(key=f"round_close:{rid}:yes").click().run()
    assert not at.exception
    charts = at.get("vega_lite_chart")
    data = chart_data(charts[0]).sort_values("votes", ascending=False)
    assert list(data["label"])[:1] == ["Beekdorp"] and list(data["votes"]) == [2, 1, 0]
    # its text alternative is the result in words: the chart's name, and under it
    in_words = "Beekdorp 2 (gekozen); Appeldorp 1 (niet gekozen); Cederdorp 0 (niet gekozen)"
    assert in_words in chart_spec(charts[0])["description"]
    assert any(in_words in c.value.replace("\\", "") for c in at.caption)   # escaped markdown
    assert any("Beekdorp" in s.value for s in at.success)
    pit = steps.pitches(demo_db, lead, mid).set_index("village")
    assert pit.loc["Beekdorp", "votes"] == 2 and bool(pit.loc["Beekdorp", "chosen"])
    assert not bool(pit.loc["Appeldorp", "chosen"])
