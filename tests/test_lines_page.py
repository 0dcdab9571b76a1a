"""AppTest of the scoring page (Metingen): choices carry the meaning of each level, a moment
is saved, bad input is refused in Dutch, a score is corrected with its version and audit."""

from datetime import timedelta

from dorp.access import SYSTEM
from dorp.repo import lines
from tests.conftest import AS_OF, LEAD, STEERING, form_widget, user_of


def vid(db, name):
    return db.scalar("SELECT id FROM villages WHERE name = ?", [name])


def open_for(app_as, db, village, who=LEAD):
    at = app_as(who, page="pages/metingen.py")
    if who == LEAD:
        at.selectbox(key="mt_village").set_value(vid(db, village)).run()
    assert not at.exception
    return at


def test_score_choices_carry_the_written_meaning_of_each_level(app_as, demo_db):
    at = open_for(app_as, demo_db, "Doornspijk")
    box = form_widget(at, "selectbox", "moment", "broad_support.score")
    assert box.options[0] == "— niet gescoord —"
    assert box.options[3].startswith("3 – Bewoners worden op meer manieren bereikt")
    assert form_widget(at, "selectbox", "moment", "safeguarding.score").options[5].startswith("5 – Een solide basis")
    assert len(at.number_input) == 0             # never a typed number
    assert "Nog geen metingen voor dit dorp" in " ".join(i.value for i in at.info)


def test_a_moment_is_saved_from_the_form(app_as, demo_db):
    at = open_for(app_as, demo_db, "Doornspijk")
    form_widget(at, "selectbox", "moment", "broad_support.score").set_value(4)
    form_widget(at, "text_area", "moment", "broad_support.note").input("Drukke bewonersavond")
    form_widget(at, "text_input", "moment", "broad_support.evidence").input("https://example.nl/verslag")
    form_widget(at, "selectbox", "moment", "broad_support.source").set_value("residents")
    form_widget(at, "selectbox", "moment", "informal_formal.score").set_value(2)
    form_widget(at, "button", "moment").click().run()
    assert not at.exception
    rows = demo_db.rows("SELECT line, score, note, evidence, source, scored_on FROM line_scores"
                        " WHERE village_id = ? ORDER BY line", [vid(demo_db, "Doornspijk")])
    assert [(r["line"], r["score"]) for r in rows] == [("broad_support", 4), ("informal_formal", 2)]
    assert rows[0]["note"] == "Drukke bewonersavond" and rows[0]["source"] == "residents"
    assert rows[0]["scored_on"] == AS_OF
    assert "Meting opgeslagen." in [s.value for s in at.success]
    assert len(at.dataframe) == 1 and len(at.dataframe[0].value) == 2


def test_an_empty_moment_is_refused_and_nothing_saved(app_as, demo_db):
    at = open_for(app_as, demo_db, "Doornspijk")
    form_widget(at, "button", "moment").click().run()
    assert any("minstens één lijn" in e.value for e in at.error)
    assert demo_db.scalar("SELECT count(*) FROM line_scores WHERE village_id = ?",
                          [vid(demo_db, "Doornspijk")]) == 0


def test_a_score_is_corrected_with_version_and_audit_trail(app_as, demo_db):
    v = vid(demo_db, "Doornspijk")
    [sid] = lines.add_moment(demo_db, SYSTEM, v, AS_OF - timedelta(days=5),
                             {"village_strength": {"score": 2}}, AS_OF)
    at = open_for(app_as, demo_db, "Doornspijk")
    form_widget(at, "selectbox", "score", "score").set_value(3)
    [save] = [b for b in at.button if b.label == "Verbetering opslaan"]
    save.click().run()
    assert not at.exception
    r = lines.get(demo_db, SYSTEM, sid)
    assert (r["score"], r["version"]) == (3, 2)
    md = " ".join(m.value for m in at.markdown)
    assert "toegevoegd" in md and "verbeterd" in md
    assert any("score: 2 → 3" in c.value for c in at.caption)


def test_a_stale_correction_is_refused(app_as, demo_db):
    v = vid(demo_db, "Doornspijk")
    [sid] = lines.add_moment(demo_db, SYSTEM, v, AS_OF, {"village_strength": {"score": 2}}, AS_OF)
    at = open_for(app_as, demo_db, "Doornspijk")
    lines.correct(demo_db, SYSTEM, sid, {"score": 5}, 1, AS_OF)     # someone else, meanwhile
    form_widget(at, "selectbox", "score", "score").set_value(3)
    [b for b in at.button if b.label == "Verbetering opslaan"][0].click().run()
    assert any("intussen gewijzigd" in w.value for w in at.warning)
    assert lines.get(demo_db, SYSTEM, sid)["score"] == 5


def test_steering_member_scores_only_own_village(app_as, demo_db):
    at = app_as(STEERING, page="pages/metingen.py")
    assert not at.exception
    assert at.selectbox(key="mt_village").options == ["Vorden"]
    at.query_params["village_id"] = str(vid(demo_db, "Laren"))
    at.run()
    assert at.selectbox(key="mt_village").value == vid(demo_db, "Vorden")
    assert len(at.dataframe) == 1    # Vorden's history, never Laren's
    history = at.dataframe[0].value
    assert len(history) == 60 and set(history["score"]) <= {1, 2, 3, 4, 5}
