"""AppTest of the Burgerkrachtgenerator where users see it: the pilot page's tab (stepper,
records, forms with their refusals, versions and cleared add forms), the village dashboard's
section (steering members record conversations and contacts there), the overview (stage per
village, quiet groups in "Aandacht nodig") and the funder's counts."""


from dorp.repo import burgerkracht as bkg
from tests.conftest import (AS_OF, FUNDER, LEAD, STEERING, chart_data, chart_spec, form_widget,
                            pilot_tab, user_of)

PILOT = "pages/pilot.py"
DASHBOARD = "pages/dorpsdashboard.py"


def vid(db, name):
    return db.scalar("SELECT id FROM villages WHERE name = ?", [name])


def texts(elements) -> list[str]:
    return [str(e.value) for e in elements]


def pilot_page(app_as, db, village, user=LEAD, lang="nl"):
    """The pilot page of `village` on its Burgerkrachtgenerator tab (only the open tab is drawn)."""
    at = app_as(user, page=PILOT, lang=lang)
    pilot_tab(at, 5, run=False)
    next(s for s in at.selectbox if s.key == "pilot_village").set_value(vid(db, village)).run()
    assert not at.exception, at.exception
    return at


def dashboard_page(app_as, db, village, user=LEAD):
    at = app_as(user, page=DASHBOARD)
    if user == LEAD:
        at.selectbox(key="dd_village").set_value(vid(db, village)).run()
    assert not at.exception, at.exception
    return at


def submit(at, form):
    form_widget(at, "button", form).click().run()
    assert not at.exception, at.exception
    return at


def bkg_metrics(at) -> dict:
    return {m.label: m.value for m in at.metric if m.label in (
        "Kopgroep", "Groepsgesprekken", "Bewoners gehoord", "Thema's", "Actieve werkgroepen")}


def test_tab_shows_the_five_steps_and_their_records(app_as, demo_db):
    at = pilot_page(app_as, demo_db, "Vorden")
    assert len(at.tabs) == 7 and at.tabs[5].label == "Burgerkrachtgenerator"
    assert bkg_metrics(at) == {"Kopgroep": "6", "Groepsgesprekken": "6", "Bewoners gehoord": "33",
                               "Thema's": "4", "Actieve werkgroepen": "2"}
    captions = " ".join(texts(at.caption))
    assert "1 Kopgroep: gedaan" in captions and "5 Werkgroepen: nu" in captions
    specs = [chart_spec(c) for c in at.get("vega_lite_chart")]
    stepper = next(s for s in specs if "Werkgroepen" in str(s) and "Kopgroep" in str(s))
    assert stepper
    frames = [df.value for df in at.dataframe]
    groups = next(f for f in frames if "Werkgroep" in f.columns)
    assert set(groups["Werkgroep"]) == {"Werkgroep Samen aan tafel", "Werkgroep Dorpsvervoer",
                                        "Werkgroep Klusjesdienst"}
    assert set(groups["Stand"]) == {"Actief", "Klaar"}
    themes = next(f for f in frames if "Uit gesprek(ken)" in f.columns)
    assert themes.set_index("Thema").loc["Samen eten en ontmoeten", "Uit gesprek(ken)"] == "1, 2, 4"
    # the groups side by side on the matrix: every group with its scores
    matrix = next(c for c in at.get("vega_lite_chart") if "Bereidheid" in str(chart_spec(c))
                  and "name" in chart_data(c).columns)
    assert set(chart_data(matrix)["name"].dropna()) == set(groups["Werkgroep"])


def test_a_village_without_the_instrument_says_what_to_do_first(app_as, demo_db):
    at = pilot_page(app_as, demo_db, "Beesd")
    infos = " ".join(texts(at.info))
    assert "gebruikt de Burgerkrachtgenerator (nog) niet" in infos
    assert "hoort" not in infos and "instrument van stap 4" in infos
    assert "Nog geen kopgroep. Voeg de eerste leden toe" in infos
    assert form_widget(at, "text_input", "bkg_member", "name")


def test_kootwijkerbroek_lead_group_of_professionals_only_is_flagged(app_as, demo_db):
    at = pilot_page(app_as, demo_db, "Kootwijkerbroek")
    assert any("geen bewoner: alleen professionals" in e for e in texts(at.error))


def test_conversation_of_eight_refused_with_the_reason_then_saved_and_cleared(app_as, demo_db):
    at = pilot_page(app_as, demo_db, "Laren")
    form_widget(at, "number_input", "bkg_conversation", "participants").set_value(8)
    form_widget(at, "text_area", "bkg_conversation", "summary").input("Vervoer naar de markt")
    submit(at, "bkg_conversation")
    errors = " ".join(texts(at.error))
    assert "8 deelnemers kan niet" in errors and "minimaal 4 en maximaal 7 bewoners" in errors
    # nothing written; the input is still there
    assert len(bkg.conversations(demo_db, user_of(demo_db, LEAD), vid(demo_db, "Laren"))) == 2
    assert form_widget(at, "text_area", "bkg_conversation", "summary").value == "Vervoer naar de markt"
    form_widget(at, "number_input", "bkg_conversation", "participants").set_value(6)
    submit(at, "bkg_conversation")
    assert "Opgeslagen." in texts(at.success)
    conv = bkg.conversations(demo_db, user_of(demo_db, LEAD), vid(demo_db, "Laren"))
    assert list(conv.participants) == [5, 6, 6] and conv.iloc[-1].summary == "Vervoer naar de markt"
    # the add form is empty again, with the method's central question as default
    assert form_widget(at, "number_input", "bkg_conversation", "participants").value is None
    assert form_widget(at, "text_area", "bkg_conversation", "summary").value == ""
    assert form_widget(at, "text_area", "bkg_conversation", "question").value.startswith(
        "Wat heeft u zowel nu als in de toekomst nodig")
    assert bkg_metrics(at)["Bewoners gehoord"] == "17"


def test_theme_naming_a_resident_is_refused_and_says_why(app_as, demo_db):
    at = pilot_page(app_as, demo_db, "Laren")
    form_widget(at, "text_input", "bkg_theme", "theme").input("Vervoer, zegt Wout Hengeveld")
    own = bkg.conversations(demo_db, user_of(demo_db, LEAD), vid(demo_db, "Laren"))
    form_widget(at, "multiselect", "bkg_theme", "conversations").set_value(
        [int(i) for i in own.id])
    submit(at, "bkg_theme")
    errors = " ".join(texts(at.error))
    assert "Het thema noemt 'Wout Hengeveld'" in errors and "geanonimiseerd" in errors
    assert bkg_metrics(at)["Thema's"] == "0"
    form_widget(at, "text_input", "bkg_theme", "theme").input("Vervoer naar Lochem")
    submit(at, "bkg_theme")
    assert "Opgeslagen." in texts(at.success)
    assert bkg_metrics(at)["Thema's"] == "1"


def test_group_edit_keeps_the_version_it_was_shown_with(app_as, demo_db):
    lead = user_of(demo_db, LEAD)
    at = pilot_page(app_as, demo_db, "Vorden")
    gid = int(at.selectbox(key=f"bkg_group_pick:{vid(demo_db, 'Vorden')}").value)
    form_widget(at, "selectbox", "bkg_group", "status").set_value("done")
    # someone else changes the group meanwhile
    bkg.update_group(demo_db, lead, gid, "active", 5, 5, None, 1, AS_OF)
    submit(at, "bkg_group")
    assert any("intussen gewijzigd" in w for w in texts(at.warning))
    assert form_widget(at, "selectbox", "bkg_group", "status").value == "done"   # input kept
    assert demo_db.scalar("SELECT status FROM working_groups WHERE id = ?", [gid]) == "active"
    submit(at, "bkg_group")                                                    # deliberate
    assert demo_db.scalar("SELECT status FROM working_groups WHERE id = ?", [gid]) == "done"


def test_steering_member_records_only_conversations_and_contacts(app_as, demo_db):
    at = pilot_page(app_as, demo_db, "Vorden", user=STEERING)
    keys = {e.key for kind in ("button",) for e in getattr(at, kind) if e.key}
    assert any(k.startswith("form:bkg_conversation:") for k in keys)
    assert any(k.startswith("form:bkg_contact:") for k in keys)
    for lead_only in ("bkg_member", "bkg_theme", "bkg_meeting", "bkg_group_new", "bkg_group",
                      "bkg_mode"):
        assert not any(k.startswith(f"form:{lead_only}:") for k in keys), lead_only


def test_dashboard_section_for_the_steering_group(app_as, demo_db):
    at = dashboard_page(app_as, demo_db, "Vorden", user=STEERING)
    assert "Burgerkrachtgenerator" in texts(at.header)
    assert bkg_metrics(at)["Bewoners gehoord"] == "33"
    md = " ".join(texts(at.markdown))
    assert "Samen eten en ontmoeten" in md and "11 vrijwilliger(s)" in md
    frames = [df.value for df in at.dataframe]
    groups = next(f for f in frames if "Laatste contact" in f.columns)
    assert set(groups["Werkgroep"]) >= {"Werkgroep Dorpsvervoer"}
    charts = [chart_spec(c) for c in at.get("vega_lite_chart")]
    assert any("Werkwijze" in str(s) and "Werkgroep Dorpsvervoer" in str(s) for s in charts) \
        or any("Werkgroep Dorpsvervoer" in chart_data(c).to_csv()
               for c in at.get("vega_lite_chart"))
    # a contact recorded by the steering member
    form_widget(at, "selectbox", "bkg_contact", "kind").set_value("return_meeting")
    form_widget(at, "text_area", "bkg_contact", "note").input("Terugkombijeenkomst in de kerk")
    submit(at, "bkg_contact")
    assert "Opgeslagen." in texts(at.success)
    contacts = bkg.contacts(demo_db, user_of(demo_db, STEERING), vid(demo_db, "Vorden"))
    assert contacts.iloc[0].note == "Terugkombijeenkomst in de kerk"
    assert demo_db.scalar("SELECT updated_by FROM working_group_contacts ORDER BY id DESC LIMIT 1") \
        == STEERING


def test_dashboard_warns_of_a_quiet_group(app_as, demo_db):
    at = dashboard_page(app_as, demo_db, "Heteren")
    warnings = " ".join(texts(at.warning))
    assert "Werkgroep 'Werkgroep Dorpshuis' had al 77 dagen geen contact" in warnings
    # also among the pilot's signals, as its own cause
    assert "**Werkgroepen van de Burgerkrachtgenerator** (Stap 4" in warnings


def test_overview_shows_the_stage_per_village_and_quiet_groups(app_as, demo_db):
    at = app_as(LEAD, page="pages/overzicht.py")
    assert not at.exception
    table = next(df.value for df in at.dataframe if "bkg" in df.value.columns)
    stage = dict(zip(table["village"], table["bkg"]))
    assert stage["Vorden"] == "Werkgroepen" and stage["Laren"] == "Groepsgesprekken"
    assert stage["Kootwijkerbroek"] == "Kopgroep" and stage["Beesd"] == "–"
    md = " ".join(texts(at.markdown))
    assert "**Werkgroepen van de Burgerkrachtgenerator** (Stap 4 · Projectuitvoering): " \
           "Werkgroep 'Werkgroep Dorpshuis' had al 77 dagen geen contact" in md
    # the cause links to the pilot's Burgerkrachtgenerator tab
    links = [(e.proto.page, dict(e.proto.query_string and [kv.split("=") for kv in
                                                          e.proto.query_string.split("&")] or []))
             for e in at.get("page_link")]
    heteren = str(vid(demo_db, "Heteren"))
    assert any(q.get("village_id") == heteren and q.get("tab") == "5" for _p, q in links), links


def test_funder_sees_counts_only(app_as, demo_db):
    at = app_as(FUNDER, page="pages/financiers.py")
    assert not at.exception
    figures = {m.label: m.value for m in at.metric}
    assert figures["Burgerkrachtgenerator: groepsgesprekken"] == "12"
    assert figures["Burgerkrachtgenerator: bewoners gehoord"] == "66"
    # "<5" only for counts of people (issue 18, point 4): groups are counted like initiatives
    assert figures["Burgerkrachtgenerator: actieve werkgroepen"] == "4"


def test_english(app_as, demo_db):
    at = pilot_page(app_as, demo_db, "Vorden", lang="en")
    assert at.tabs[5].label == "Burgerkrachtgenerator"
    assert "Residents heard" in [m.label for m in at.metric]
    assert "5 Working groups: now" in " ".join(texts(at.caption))


def test_funder_report_and_excel_carry_the_same_counts(demo_db):
    import io

    from openpyxl import load_workbook
    from pypdf import PdfReader

    from dorp import report
    from dorp.repo import funder
    u = user_of(demo_db, FUNDER)
    prog = demo_db.one("SELECT start_date, end_date FROM programme")
    period = funder.periods("programme", prog["start_date"], AS_OF, prog["end_date"])[0]
    view = funder.view(demo_db, u, period, AS_OF)
    pdf = " ".join(p.extract_text() or "" for p in
                   PdfReader(io.BytesIO(report.build_pdf(view, "nl"))).pages)
    assert "Burgerkrachtgenerator: bewoners gehoord" in pdf
    wb = load_workbook(io.BytesIO(report.build_xlsx(view, "nl")))
    rows = {r[0]: r[1] for ws in wb.worksheets for r in ws.iter_rows(values_only=True)
            if r and isinstance(r[0], str) and r[0].startswith("Burgerkrachtgenerator")}
    assert rows == {"Burgerkrachtgenerator: groepsgesprekken": "12",
                    "Burgerkrachtgenerator: bewoners gehoord": "66",
                    "Burgerkrachtgenerator: thema's": "7",
                    "Burgerkrachtgenerator: actieve werkgroepen": "4"}
    # one village: Laren's two conversations, eleven residents
    laren = funder.view(demo_db, u, period, AS_OF, vid(demo_db, "Laren")).figures()
    assert (laren["bkg_conversations"], laren["bkg_residents_heard"]) == (2, 11)
