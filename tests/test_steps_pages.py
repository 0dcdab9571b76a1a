"""AppTest of the pilot page (status and the four step tabs) and the start meeting page:
entering data, refusing bad data next to the form, the gate message, overrides with and
without a reason, and what a steering member may do."""

from datetime import timedelta

import pytest

from dorp.repo import moves, steps
from tests.conftest import AS_OF, LEAD, STEERING, form_widget, pilot_tab, user_of

PILOT = "pages/pilot.py"
START = "pages/startbijeenkomst.py"


def vid(db, name):
    return db.scalar("SELECT id FROM villages WHERE name = ?", [name])


def texts(elements) -> list[str]:
    return [str(e.value) for e in elements]


def facts_shown(at) -> dict[str, str]:
    """The pilot's facts as the tabs show them: a caption (the label) followed by its value
    in bold (text that wraps, not an st.metric that cuts it off)."""
    out = {}
    for block in at.main.get("column") if hasattr(at.main, "get") else []:
        kids = [k for k in block.children.values()]
        for cap, val in zip(kids, kids[1:]):
            if cap.type == "caption" and getattr(val, "type", "") == "markdown" \
                    and str(val.value).startswith("**"):
                out.setdefault(cap.value, str(val.value).strip("*").replace("\\", ""))
    return out


def pilot_page(app_as, db, village: str, user: str = LEAD, lang: str = "nl"):
    at = app_as(user, page=PILOT, lang=lang)
    box = next(s for s in at.selectbox if s.label == "Pilot")
    box.set_value(vid(db, village)).run()
    assert not at.exception, at.exception
    assert at.title[0].value.startswith(village)
    return at


def open_tab(at, n: int):
    return pilot_tab(at, n)


def forms_shown(at) -> set[str]:
    return {b.key.split(":")[1] for b in at.button if b.key and b.key.startswith("form:")}


def submit(at, form):
    form_widget(at, "button", form).click().run()
    assert not at.exception, at.exception
    return at


def click(at, key):
    at.button(key=key).click().run()
    assert not at.exception, at.exception
    return at


def test_status_tab_shows_stage_gate_and_alerts_in_plain_dutch(app_as, demo_db):
    at = pilot_page(app_as, demo_db, "Beesd")
    md = " ".join(texts(at.markdown))
    assert "Instemming van de dorpsgemeenschap is niet vastgelegd" in md
    assert "Het dorp is niet gekozen" not in md           # Beesd was chosen by the vote
    warnings = " ".join(texts(at.warning))
    assert "**Lang niets vastgelegd**: Al 144 dagen niets vastgelegd \\(laatst op 8 jul 2026" \
        in warnings
    assert facts_shown(at)["Stap"] == "1 · Willen" and facts_shown(at)["Status"] == "Actief"
    assert len(at.tabs) == 7          # status, the four steps, Burgerkrachtgenerator, De Vonk


def test_only_the_open_tab_is_drawn_and_a_link_opens_its_tab(app_as, demo_db):
    at = pilot_page(app_as, demo_db, "Beesd")
    assert [t.label for t in at.tabs] == ["Stand van zaken", "1 · Willen", "2 · Businesscase (mBc)",
                                          "3 · Stuurgroep", "4 · Uitvoering",
                                          "Burgerkrachtgenerator", "De Vonk"]
    assert forms_shown(at) == {"move", "stop"}        # the status tab only
    assert not at.get("vega_lite_chart")
    assert forms_shown(open_tab(at, 1)) == {"consent"}
    assert len(at.get("vega_lite_chart")) == 1        # the vote of the start meeting
    assert forms_shown(open_tab(at, 3)) >= {"member", "meeting"}
    assert not forms_shown(at) & {"move", "stop", "consent"}
    bkg_forms = forms_shown(open_tab(at, 5))          # the Burgerkrachtgenerator
    assert bkg_forms and all(f.startswith("bkg_") for f in bkg_forms)
    assert forms_shown(open_tab(at, 6)) == {"vonk_contest_new"}   # De Vonk: none yet here
    # "Aandacht nodig" links to ?tab=N: that tab opens, once (switching back is not undone)
    at.query_params["tab"] = "2"
    at.run()
    assert forms_shown(at) >= {"mbc"} and "tab" not in at.query_params
    open_tab(at, 0)
    at.run()
    assert forms_shown(at) == {"move", "stop"}


def test_consent_refused_without_who_then_saved(app_as, demo_db):
    at = open_tab(pilot_page(app_as, demo_db, "Beesd"), 1)
    form_widget(at, "selectbox", "consent", "party").set_value("community")
    form_widget(at, "date_input", "consent", "given_on").set_value(AS_OF + timedelta(days=10))
    submit(at, "consent")
    errors = " ".join(texts(at.error))
    assert "Niet opgeslagen" in errors and "toekomst" in errors and "Vul in wie" in errors
    assert len(steps.consent(demo_db, user_of(demo_db, LEAD), vid(demo_db, "Beesd"))) == 1
    form_widget(at, "date_input", "consent", "given_on").set_value(AS_OF)
    form_widget(at, "text_input", "consent", "given_by").input("Dorpsraad Beesd")
    submit(at, "consent")
    assert "Opgeslagen." in texts(at.success)
    cons = steps.consent(demo_db, user_of(demo_db, LEAD), vid(demo_db, "Beesd"))
    assert set(cons.party) == {"municipality", "community"}
    open_tab(at, 0)
    assert "Instemming van de dorpsgemeenschap is niet vastgelegd" not in " ".join(texts(at.markdown))


def test_move_refused_by_the_gate_then_asked_as_an_exception(app_as, demo_db):
    v = vid(demo_db, "Beesd")
    at = pilot_page(app_as, demo_db, "Beesd")
    radio = form_widget(at, "radio", "move", "action")
    assert radio.value == "advance"
    assert "Stoppen" not in radio.options          # stopping is a form of its own
    submit(at, "move")                             # no reason: what is unmet, and why a reason
    assert any("alleen als uitzondering" in e and "dorpsgemeenschap" in e
               for e in texts(at.error)), texts(at.error)
    assert moves.pilot_record(demo_db, user_of(demo_db, LEAD), v)["step"] == 1
    form_widget(at, "text_area", "move", "reason").input("Dorpsraad stemde mondeling in; brief volgt")
    submit(at, "move")                             # with a reason: it asks first
    question = " ".join(texts(at.warning))
    assert "Nog niet vervuld: Instemming van de dorpsgemeenschap is niet vastgelegd" in question
    assert "als uitzondering" in question
    assert moves.pilot_record(demo_db, user_of(demo_db, LEAD), v)["step"] == 1
    form_widget(at, "checkbox", "move", "__confirm").check()
    submit(at, "move")
    assert "De pilot is verplaatst." in texts(at.success)
    assert moves.pilot_record(demo_db, user_of(demo_db, LEAD), v)["step"] == 2
    last = moves.timeline(demo_db, user_of(demo_db, LEAD), v).iloc[0]
    assert bool(last.override) and last.moved_by == LEAD
    # the timeline on the page shows the exception
    frames = [df.value for df in at.dataframe]
    assert any("ja, met reden" in set(f.get("Uitzondering", [])) for f in frames)


def test_stopping_is_apart_and_asks_first(app_as, demo_db):
    v = vid(demo_db, "Beesd")
    at = pilot_page(app_as, demo_db, "Beesd")
    form_widget(at, "text_area", "stop", "reason").input("Gemeente trekt zich terug")
    submit(at, "stop")
    assert any("definitief wilt stoppen" in e for e in texts(at.error))
    assert moves.pilot_record(demo_db, user_of(demo_db, LEAD), v)["status"] == "active"
    form_widget(at, "checkbox", "stop", "sure").check()
    submit(at, "stop")
    assert "De pilot is gestopt." in texts(at.success)
    assert moves.pilot_record(demo_db, user_of(demo_db, LEAD), v)["status"] == "stopped"


def test_mbc_refused_without_may_then_no_go_offers_to_close(app_as, demo_db):
    v = vid(demo_db, "Beesd")
    at = open_tab(pilot_page(app_as, demo_db, "Beesd"), 2)
    form_widget(at, "selectbox", "mbc", "w").set_value(2)
    form_widget(at, "selectbox", "mbc", "a").set_value(7 if False else 2)
    submit(at, "mbc")
    errors = " ".join(texts(at.error))
    assert "mag dit?" in errors and "bron" in errors
    form_widget(at, "radio", "mbc", "may").set_value(True)
    form_widget(at, "selectbox", "mbc", "w_src").set_value("residents")
    form_widget(at, "selectbox", "mbc", "a_src").set_value("statistics")
    form_widget(at, "text_area", "mbc", "opp").input("Dorpshuis\nKerk")
    submit(at, "mbc")
    assert "Opgeslagen." in texts(at.success)
    assert "Niet kansrijk: de methode kan hier niet worden toegepast" in texts(at.error)
    charts = at.get("vega_lite_chart")
    assert len(charts) == 1 and "willingness" in charts[0].proto.spec   # the matrix only:
    # the vote's chart is on the tab of step 1, which is not drawn while closed
    # the no-go offers to close the pilot with a reason
    submit(at, "close_no_go")
    assert moves.pilot_record(demo_db, user_of(demo_db, LEAD), v)["status"] == "stopped"
    last = moves.timeline(demo_db, user_of(demo_db, LEAD), v).iloc[0]
    assert last.to_status == "stopped" and "niet kansrijk" in last.reason


def test_steering_composition_and_member_without_party(app_as, demo_db):
    at = open_tab(pilot_page(app_as, demo_db, "Kootwijkerbroek"), 3)   # no municipality member
    assert any("niemand namens de gemeente" in e for e in texts(at.error))
    form_widget(at, "text_input", "member", "name").input("Wim Wethouder")
    submit(at, "member")
    assert any("Kies namens welke partij" in e for e in texts(at.error))
    form_widget(at, "selectbox", "member", "party").set_value("municipality")
    submit(at, "member")
    assert "Opgeslagen." in texts(at.success)
    assert not any("niemand namens de gemeente" in e for e in texts(at.error))
    assert any("stuurgroep is compleet" in s for s in texts(at.success))


def test_meeting_in_the_future_is_refused_and_a_good_one_saved(app_as, demo_db):
    v = vid(demo_db, "Doornspijk")
    n = len(steps.meetings(demo_db, user_of(demo_db, LEAD), v))
    at = open_tab(pilot_page(app_as, demo_db, "Doornspijk"), 3)
    form_widget(at, "date_input", "meeting", "on").set_value(AS_OF + timedelta(days=30))
    form_widget(at, "selectbox", "meeting", "ms").set_value(4)
    submit(at, "meeting")
    errors = " ".join(texts(at.error))
    assert "toekomst" in errors and "tevredenheid van de dorpsgemeenschap" in errors
    form_widget(at, "date_input", "meeting", "on").set_value(AS_OF)
    form_widget(at, "selectbox", "meeting", "cs").set_value(3)
    submit(at, "meeting")
    assert len(steps.meetings(demo_db, user_of(demo_db, LEAD), v)) == n + 1


def test_execution_tab_modes_initiatives_and_safeguarding(app_as, demo_db):
    v = vid(demo_db, "Heteren")                        # step 4, advised: motivate
    at = open_tab(pilot_page(app_as, demo_db, "Heteren"), 4)
    facts = facts_shown(at)
    assert facts["Geadviseerde werkwijze"] == "Motiveren"
    assert "Motiveren" in facts["Werkwijzen in gebruik"]
    form_widget(at, "selectbox", "mode", "mode").set_value("facilitate")
    submit(at, "mode")
    assert any("waarom deze werkwijze past" in e for e in texts(at.error))
    form_widget(at, "text_area", "mode", "reason").input("Werkgroep vervoer draait zelfstandig")
    submit(at, "mode")
    assert "facilitate" in set(steps.modes(demo_db, user_of(demo_db, LEAD), v)["mode"])
    form_widget(at, "text_input", "initiative", "name").input("Boodschappenbus")
    form_widget(at, "selectbox", "initiative", "phase").set_value("idea")
    submit(at, "initiative")
    assert "Boodschappenbus" in set(steps.initiatives(demo_db, user_of(demo_db, LEAD), v).name)
    submit(at, "safeguarding")                   # empty plan: refused
    assert any("exitdatum" in e for e in texts(at.error))


def test_steering_member_sees_own_village_adds_a_meeting_and_cannot_move(app_as, demo_db):
    at = app_as(STEERING, page=PILOT)
    assert not at.exception
    box = next(s for s in at.selectbox if s.label == "Pilot")
    assert box.options == ["Vorden"]
    forms = set()
    for n in range(5):
        forms |= forms_shown(open_tab(at, n))
    assert {"meeting", "action"} <= forms
    assert not forms & {"move", "consent", "mbc", "member", "mode", "safeguarding"}
    open_tab(at, 3)
    form_widget(at, "selectbox", "meeting", "ms").set_value(4)
    form_widget(at, "selectbox", "meeting", "cs").set_value(5)
    form_widget(at, "text_area", "meeting", "decisions").input("Doorgaan met de werkgroepen")
    submit(at, "meeting")
    assert "Opgeslagen." in texts(at.success)


def test_english_pilot_page_has_no_missing_labels(app_as, demo_db):
    at = pilot_page(app_as, demo_db, "Laren", lang="en")
    shown = texts(at.markdown) + texts(at.subheader) + texts(at.warning) + texts(at.caption)
    assert not [s for s in shown if "steps." in s or "pilot." in s or "alert_text." in s]
    assert "Where it stands" in [t.label for t in at.tabs]


# --- the start meeting page ----------------------------------------------------------------------

def test_start_meeting_pitches_vote_tie_and_new_pilot(app_as, demo_db):
    at = app_as(LEAD, page=START)
    assert not at.exception and at.title[0].value == "Startbijeenkomst"
    form_widget(at, "selectbox", "start_meeting", "municipality").set_value("Bronckhorst")
    form_widget(at, "date_input", "start_meeting", "date").set_value(AS_OF + timedelta(days=2))
    submit(at, "start_meeting")
    assert any("toekomst" in e for e in texts(at.error))
    # refused: the input is still there
    assert form_widget(at, "selectbox", "start_meeting", "municipality").value == "Bronckhorst"
    form_widget(at, "date_input", "start_meeting", "date").set_value(AS_OF - timedelta(days=1))
    form_widget(at, "number_input", "start_meeting", "present").set_value(42)
    submit(at, "start_meeting")
    assert "Startbijeenkomst vastgelegd." in texts(at.success)
    # saved: the form is empty again, and the new meeting is the one shown
    assert form_widget(at, "selectbox", "start_meeting", "municipality").value is None
    assert at.subheader[0].value.startswith("Bronckhorst")
    for village in ("Toldijk", "Zelhem"):
        box = form_widget(at, "selectbox", "pitch", "village")
        if village not in box.options:
            # a new village typed into the box (accept_new_options): the browser sends the string
            box.options.append(village)
        box.set_value(village)
        form_widget(at, "text_area", "pitch", "note").input(f"{village} wil samen zorgen")
        submit(at, "pitch")
        assert form_widget(at, "text_area", "pitch", "note").value == ""
    assert vid(demo_db, "Toldijk") is not None          # a new village was created
    nums = [n for n in at.number_input if n.key.startswith("form:votes:") and ":votes_" in n.key]
    assert len(nums) == 2
    for n in nums:
        n.set_value(17)
    submit(at, "votes")
    assert any("Gelijke stand" in w for w in texts(at.warning))
    assert at.get("vega_lite_chart")
    submit(at, "tie")                                   # nothing chosen, no reason
    assert any("Kies precies 1 dorp" in e for e in texts(at.error))
    form_widget(at, "multiselect", "tie", "pick").set_value([vid(demo_db, "Toldijk")])
    form_widget(at, "text_area", "tie", "reason").input("Loting door de notaris in de zaal")
    submit(at, "tie")
    assert any("Gekozen: Toldijk" in s for s in texts(at.success))
    assert "Beslissing vastgelegd." in texts(at.success)
    lead = user_of(demo_db, LEAD)
    rec = moves.pilot_record(demo_db, lead, vid(demo_db, "Toldijk"))
    assert rec["step"] == 1 and rec["status"] == "active"
    assert moves.pilot_record(demo_db, lead, vid(demo_db, "Zelhem")) is None


def test_start_meeting_page_is_lead_only(demo_db):
    """Opened directly (a deep link runs the page without app.py): steering members and
    visitors get no programme data."""
    from streamlit.testing.v1 import AppTest
    from tests.conftest import ROOT
    for who in (STEERING, "provincie", None):
        at = AppTest.from_file(str(ROOT / START), default_timeout=60)
        if who:
            at.session_state["user"] = user_of(demo_db, who)
        at.run()
        assert not at.exception
        assert "Startbijeenkomst" not in texts(at.title)
        assert not at.get("vega_lite_chart") and not at.dataframe


def test_every_demo_pilot_opens_and_switching_keeps_working(app_as, demo_db):
    at = app_as(LEAD, page=PILOT)
    box = next(s for s in at.selectbox if s.label == "Pilot")
    names = list(box.options)
    assert len(names) == 10
    for name in names + names[:2]:
        box = next(s for s in at.selectbox if s.label == "Pilot")
        box.set_value(vid(demo_db, name)).run()
        assert not at.exception, (name, at.exception)
        assert at.title[0].value.startswith(name)


def test_start_meeting_page_in_english(app_as):
    at = app_as(LEAD, page=START, lang="en")
    assert not at.exception
    assert at.title[0].value == "Start meeting"
    shown = texts(at.markdown) + texts(at.subheader) + texts(at.caption)
    assert not [s for s in shown if "start." in s or "steps." in s]
