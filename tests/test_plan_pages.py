"""AppTest of the plan in the app: the Programmaplan page (ui.Form: the version shown, Dutch
refusals under the field, add forms empty again), the plan on the funder page (the summary
at the top with the lead's explanation, the check before sending for leads only), the pilot
page and "Aandacht nodig"."""

from datetime import date, timedelta

from dorp.repo import funder
from tests.conftest import AS_OF, FUNDER, LEAD, STEERING, form_widget, user_of

PLAN = "pages/plan.py"
D = timedelta(days=1)


def vid(db, name):
    return db.scalar("SELECT id FROM villages WHERE name = ?", [name])


def texts(elements) -> str:
    return " ".join(str(e.value) for e in elements)


def submit(at, form):
    form_widget(at, "button", form).click().run()
    assert not at.exception, at.exception
    return at


def plan_page(app_as, db, village="Beesd", lang="nl"):
    at = app_as(LEAD, page=PLAN, lang=lang)
    assert not at.exception, at.exception
    at.selectbox(key="plan_pilot").set_value(vid(db, village)).run()
    assert not at.exception, at.exception
    return at


def test_plan_page_shows_where_the_pilots_stand(app_as, demo_db):
    at = plan_page(app_as, demo_db)
    assert at.title[0].value == "Programmaplan"
    standing = at.dataframe[0].value.set_index("Dorp")
    assert standing.loc["Beesd", "Ten opzichte van het plan"] == \
        "90 dagen achter: stap 2 was gepland op 31 aug 2026"
    assert standing.loc["Vorden", "Ten opzichte van het plan"] == "Op schema"
    # the chosen pilot's dates in the form, and its steps planned against reached
    assert form_widget(at, "date_input", "plan_steps", "step_2_on").value == date(2026, 8, 31)
    steps = next(d.value for d in at.dataframe if "Resultaat" in d.value.columns
                 and "Stap" in d.value.columns)
    assert steps["Resultaat"].tolist()[:2] == ["op tijd", "nog niet bereikt, 90 dagen over tijd"]


def test_saving_a_pilots_plan_and_a_stale_save(app_as, demo_db):
    at = plan_page(app_as, demo_db)
    form_widget(at, "date_input", "plan_steps", "step_2_on").set_value(AS_OF + 14 * D)
    submit(at, "plan_steps")            # after step 3's planned date: refused, input kept
    assert "ligt vóór de geplande datum van stap 2" in texts(at.error)
    assert form_widget(at, "date_input", "plan_steps", "step_2_on").value == AS_OF + 14 * D
    form_widget(at, "date_input", "plan_steps", "step_3_on").set_value(AS_OF + 60 * D)
    form_widget(at, "text_area", "plan_steps", "explanation").input(
        "De dorpsraad kiest eerst een nieuw bestuur.")
    submit(at, "plan_steps")
    assert "Planning opgeslagen." in texts(at.success)
    beesd = vid(demo_db, "Beesd")
    row = demo_db.one("SELECT step_2_on, explanation, version FROM plan_steps WHERE village_id = ?",
                      [beesd])
    assert row["step_2_on"] == AS_OF + 14 * D and row["explanation"].startswith("De dorpsraad")
    # the alert is gone and the overview of standings follows at once
    assert at.dataframe[0].value.set_index("Dorp").loc["Beesd", "Ten opzichte van het plan"] == \
        "Op schema"
    # someone else saves meanwhile: this form's save is refused, the input stays
    with demo_db.tx("iemand-anders") as tx:
        tx.update("plan_steps", demo_db.scalar("SELECT id FROM plan_steps WHERE village_id = ?",
                                               [beesd]), {"explanation": "Andere tekst"},
                  row["version"])
    form_widget(at, "text_area", "plan_steps", "explanation").input("Mijn tekst")
    submit(at, "plan_steps")
    assert "gewijzigd door iemand-anders" in texts(at.warning)
    assert form_widget(at, "text_area", "plan_steps", "explanation").value == "Mijn tekst"
    assert demo_db.scalar("SELECT explanation FROM plan_steps WHERE village_id = ?",
                          [beesd]) == "Andere tekst"


def test_refusals_stand_under_their_field(app_as, demo_db):
    at = plan_page(app_as, demo_db)
    form_widget(at, "date_input", "plan_steps", "step_3_on").set_value(date(2026, 1, 1))
    submit(at, "plan_steps")
    errors = texts(at.error)
    assert "Deze datum ligt vóór de geplande datum van stap 2" in errors
    form_widget(at, "text_input", "plan_spend_add", "planned").input("veel")
    submit(at, "plan_spend_add")
    assert "Vul een bedrag in euro's in" in texts(at.error)


def test_adding_a_milestone_empties_the_form(app_as, demo_db):
    at = plan_page(app_as, demo_db)
    before = demo_db.scalar("SELECT count(*) FROM plan_milestones")
    form_widget(at, "selectbox", "plan_milestone_add", "village_id").set_value(vid(demo_db, "Laren"))
    form_widget(at, "text_input", "plan_milestone_add", "name").input("Dorpsfeest")
    form_widget(at, "date_input", "plan_milestone_add", "planned_on").set_value(AS_OF + 30 * D)
    submit(at, "plan_milestone_add")
    assert "Mijlpaal toegevoegd." in texts(at.success)
    assert demo_db.scalar("SELECT count(*) FROM plan_milestones") == before + 1
    assert form_widget(at, "text_input", "plan_milestone_add", "name").value == ""
    milestones = next(d.value for d in at.dataframe if "Mijlpaal" in d.value.columns)
    assert "Dorpsfeest" in milestones["Mijlpaal"].tolist()


def test_plan_page_in_english(app_as, demo_db):
    at = plan_page(app_as, demo_db, lang="en")
    assert at.title[0].value == "Programme plan"
    assert "90 days behind" in at.dataframe[0].value.to_string()


# --- the funder page -----------------------------------------------------------------------------

def test_funder_page_starts_with_the_plain_summary(app_as, demo_db):
    at = app_as(FUNDER)
    at.radio(key="funder_kind").set_value("half").run()
    assert not at.exception
    md = texts(at.markdown).replace("\\", "")
    assert ("Stand op 29 november 2026: van de 10 pilots liggen er 5 op schema, 4 achter en 1 "
            "voor op de planning.") in md
    assert "Besteed in 2e helft 2026: " in md
    assert "Zes van de tien pilots liggen op of voor schema" in md     # the lead's explanation
    assert not at.warning or "Controleer" not in texts(at.warning)   # not for the funder
    # period figures beside cumulative ones, per source
    user = user_of(demo_db, FUNDER)
    prog = demo_db.one("SELECT start_date, end_date FROM programme")
    half = funder.periods("half", prog["start_date"], AS_OF)[0]
    view = funder.view(demo_db, user, half, AS_OF)
    assert {m.label: m.value for m in at.metric} == dict(view.summary_rows())
    budget = next(d.value for d in at.dataframe if "source" in d.value.columns
                  and "spent_period" in d.value.columns)
    assert list(budget["source"]) == ["Provincie", "Gemeente", "Overig", "Totaal"]
    spend = next(d.value for d in at.dataframe if "Gepland t/m peildatum" in d.value.columns)
    assert list(spend["Bron"]) == ["Provincie", "Gemeente", "Overig", "Totaal"]
    per_pilot = next(d.value for d in at.dataframe if "Ten opzichte van het plan" in d.value.columns)
    assert len(per_pilot) == 10


def test_the_lead_sees_the_check_before_sending(app_as):
    at = app_as(LEAD, page="pages/financiers.py")
    assert not at.exception
    assert "Controleer vóór verzending: 21 punt(en)" in texts(at.warning)
    check = next(d.value for d in at.dataframe if "Wat er niet klopt" in d.value.columns)
    winssen = check[check["Pilot"] == "Winssen"]["Wat er niet klopt"].tolist()
    assert "De pilot is afgerond, maar de tekst zegt 'in stap 4'." in winssen
    assert "(nog geen tekst)" in " ".join(check["Wat er niet klopt"])
    at = app_as(LEAD, page="pages/begroting.py")
    assert "Controleer vóór verzending: 21 punt(en)" in texts(at.warning)


def test_one_pilot_on_the_funder_page(app_as, demo_db):
    at = app_as(FUNDER)
    at.selectbox(key="funder_village").set_value(vid(demo_db, "Laren")).run()
    md = texts(at.markdown).replace("\\", "")
    assert "Laren: 45 dagen achter: de afronding was gepland op 15 okt 2026." in md
    assert "De afronding schuift op" in md


# --- the lead's pages ------------------------------------------------------------------------------

def test_pilot_page_shows_the_alert_and_the_plan(app_as, demo_db):
    at = app_as(LEAD, page="pages/pilot.py")
    next(s for s in at.selectbox if s.label == "Pilot").set_value(vid(demo_db, "Laren")).run()
    assert not at.exception
    warnings = texts(at.warning).replace("\\", "")
    assert ("**Planning**: De afronding was gepland op 15 okt 2026: dat is 45 dagen geleden, "
            "en de pilot staat nog in stap 4.") in warnings
    assert "45 dagen achter: de afronding was gepland op 15 okt 2026" in warnings
    assert "Planning" in [s.value for s in at.subheader]


def test_steering_sees_their_pilots_plan_read_only(app_as, demo_db):
    at = app_as(STEERING, page="pages/pilot.py")
    assert not at.exception
    assert "Planning" in [s.value for s in at.subheader]
    assert "Op schema" in texts(at.info).replace("\\", "")
    assert not [b for b in at.button if (b.key or "").startswith("form:plan")]


def test_attention_needed_explains_behind_plan(app_as):
    at = app_as(LEAD)        # lands on the programme overview
    md = texts(at.markdown).replace("\\", "")
    assert ("**Planning**: Stap 4 was gepland vanaf 30 sep 2026: dat is 60 dagen geleden, "
            "en de pilot staat nog in stap 3.") in md
