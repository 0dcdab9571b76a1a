"""The Burgerkrachtgenerator's rules (dorp/burgerkracht.py), with their boundaries: the stage,
the 4-7 rule, names kept out of what the village sees, the lead group's make-up, quiet working
groups (60 days), a group's advised mode, and how the pilot's facts take the instrument in."""

from datetime import date, timedelta

import pytest

from dorp import burgerkracht as bk, i18n, rules
from dorp.rules import PilotFacts, Records

TODAY = date(2026, 11, 29)


def group(**kw) -> bk.Group:
    base = dict(name="Werkgroep dorpshuis", theme="Het dorpshuis", status="active",
                started_on=TODAY - timedelta(days=100))
    base.update(kw)
    return bk.Group(**base)


def pilot(has_exit_plan: bool = True, **kw) -> PilotFacts:
    base = dict(village="Laren", municipality="Lochem", step=4, status="active",
                now=Records(on=TODAY, has_exit_plan=has_exit_plan),
                last_activity=TODAY - timedelta(days=5))
    base.update(kw)
    return PilotFacts(**base)


# --- the stage ------------------------------------------------------------------------------------

@pytest.mark.parametrize("facts, stage", [
    (bk.Facts(), None),
    (bk.Facts(lead_roles=("resident",)), "lead_group"),
    (bk.Facts(lead_roles=("resident",), conversations=2, residents_heard=11), "conversations"),
    (bk.Facts(themes=1), "analysis"),   # the furthest step with a record, even if one is missing
    (bk.Facts(lead_roles=("adviser",), conversations=1, themes=2, meetings=1), "village_meeting"),
    (bk.Facts(groups=(group(),)), "working_groups"),
])
def test_stage_is_the_furthest_step_with_a_record(facts, stage):
    assert facts.stage == stage
    assert facts.used == (stage is not None)


def test_stepper_marks_done_now_not_yet_and_skipped_steps():
    f = bk.Facts(lead_roles=("resident",), themes=1)
    assert bk.stepper(f.stage, f) == [("lead_group", "done"), ("conversations", "skipped"),
                                      ("analysis", "now"), ("village_meeting", "todo"),
                                      ("working_groups", "todo")]
    assert [s for _, s in bk.stepper(None)] == ["todo"] * 5
    assert bk.next_stage(None) == "lead_group"
    assert bk.next_stage("analysis") == "village_meeting"
    assert bk.next_stage("working_groups") is None


def test_status_object_has_exactly_the_promised_fields_and_no_names():
    f = bk.Facts(lead_roles=("resident", "adviser"), conversations=3, residents_heard=17, themes=2,
                 groups=(group(willingness=4, ability=2), group(name="B", theme="Vervoer",
                                                               status="done")))
    assert bk.status(f) == {
        "stage": "working_groups", "conversations": 3, "residents_heard": 17, "themes": 2,
        "working_groups": [{"theme": "Het dorpshuis", "status": "active", "advised_mode": "support"},
                           {"theme": "Vervoer", "status": "done", "advised_mode": None}]}
    assert bk.status(bk.Facts()) is None and bk.status(None) is None


# --- 4 to 7 residents per conversation --------------------------------------------------------------

@pytest.mark.parametrize("n", [4, 5, 6, 7])
def test_four_to_seven_participants_are_allowed(n):
    assert bk.participants_problem(n) is None


@pytest.mark.parametrize("n", [0, 3, 8, 12, -1, None, 5.5, True])
def test_other_numbers_are_refused_with_the_methods_reason(n):
    msg = bk.participants_problem(n)
    assert msg is not None
    if n is not None:
        assert "minimaal 4 en maximaal 7 bewoners" in msg and "de regel van de methode" in msg


# --- names stay out of themes and summaries ---------------------------------------------------------

KNOWN = ["Anneke de Vries", "Henk Jansen", "José Bakker", "Jan Bos", "[persoon verwijderd]"]


@pytest.mark.parametrize("text, found", [
    ("Anneke de Vries vertelde over eenzaamheid", ["Anneke de Vries"]),
    ("ANNEKE  DE VRIES", ["Anneke de Vries"]),
    ("Volgens mevrouw De Vries is er te weinig vervoer", ["Anneke de Vries"]),
    ("Jansen wil koken", ["Henk Jansen"]),
    ("jose bakker", ["José Bakker"]),                # accents do not hide a name
    ("Jan Bos en Henk Jansen", ["Henk Jansen", "Jan Bos"]),
])
def test_known_names_are_found(text, found):
    assert bk.names_in(text, KNOWN) == found


@pytest.mark.parametrize("text", [
    "de vries en de boer",               # ordinary Dutch words in lower case
    "Wandelen in het bos",               # a short surname alone is an ordinary word
    "Januari: samen eten",               # a first name alone is not searched for
    "Bakkerij en Jansens winkel",        # a name inside another word
    "",
])
def test_ordinary_words_are_not_taken_for_names(text):
    assert bk.names_in(text, KNOWN) == []


def test_the_refusal_says_who_and_why():
    msg = bk.name_problem("Henk Jansen wil koken", KNOWN, "het thema")
    assert msg.startswith("Het thema noemt 'Henk Jansen'")
    assert "geanonimiseerd" in msg and "laat namen van bewoners weg" in msg
    assert bk.name_problem("Samen koken", KNOWN, "het thema") is None


# --- the lead group ---------------------------------------------------------------------------------

@pytest.mark.parametrize("roles, warnings", [
    ([], []),
    (["resident", "resident", "adviser"], []),
    (["adviser", "welfare"], ["no_resident"]),
    (["civil_servant"], ["no_resident", "no_adviser"]),
    (["resident", "adviser", "welfare", "civil_servant"], ["professionals_majority"]),
    (["resident", "adviser", "welfare"], ["professionals_majority"]),
    (["resident", "resident", "adviser", "welfare"], []),
    (["resident", "resident"], ["no_adviser"]),
])
def test_lead_group_warnings(roles, warnings):
    assert bk.lead_group_warnings(roles) == warnings


def test_every_code_has_a_label_in_both_languages():
    kinds = {"bkg.stage": bk.STAGES, "bkg.stage_long": bk.STAGES, "bkg.rule": bk.STAGES,
             "bkg.next": bk.STAGES, "bkg.empty": bk.STAGES, "bkg.role": bk.LEAD_ROLES,
             "bkg.contact": bk.CONTACT_KINDS, "bkg.group_status": bk.GROUP_STATUSES,
             "bkg.warn": ("no_resident", "professionals_majority", "no_adviser"),
             "bkg.state": ("done", "skipped", "now", "todo")}
    for lang in i18n.LANGS:
        for kind, codes in kinds.items():
            for code in codes:
                assert f"{kind}.{code}" in i18n.catalog(lang), (lang, kind, code)
        assert "alert.working_group_quiet" in i18n.catalog(lang)


# --- quiet working groups: 60 days, counting from the start ----------------------------------------

@pytest.mark.parametrize("started, contact, status, quiet", [
    (61, None, "active", True),        # started 61 days ago, never contacted
    (60, None, "active", False),       # exactly 60 days: not yet
    (59, None, "active", False),
    (200, 61, "active", True),
    (200, 60, "active", False),
    (200, 10, "active", False),
    (200, None, "done", False),        # only active groups
    (200, None, "stopped", False),
    (-5, None, "active", False),       # starts in the future
])
def test_quiet_group_boundaries(started, contact, status, quiet):
    g = group(started_on=TODAY - timedelta(days=started), status=status,
              last_contact=None if contact is None else TODAY - timedelta(days=contact))
    assert g.is_quiet(TODAY) is quiet


def test_quiet_alert_only_for_active_pilots_and_sorted_with_the_others():
    quiet = bk.Facts(groups=(group(started_on=TODAY - timedelta(days=90)),))
    calm = bk.Facts(groups=(group(last_contact=TODAY - timedelta(days=3)),))
    assert "working_group_quiet" in rules.alerts(pilot(burgerkracht=quiet), TODAY)
    assert "working_group_quiet" not in rules.alerts(pilot(burgerkracht=calm), TODAY)
    assert "working_group_quiet" not in rules.alerts(pilot(), TODAY)
    for status in ("paused", "stopped", "completed"):
        assert "working_group_quiet" not in rules.alerts(pilot(status=status, burgerkracht=quiet),
                                                         TODAY), status
    codes = rules.alerts(pilot(burgerkracht=quiet, has_exit_plan=False), TODAY)
    assert codes == sorted(codes) and {"no_exit_plan", "working_group_quiet"} <= set(codes)


# --- a working group's own advised mode ---------------------------------------------------------

@pytest.mark.parametrize("w, a, mode", [
    (4, 4, "facilitate"), (3, 3, "facilitate"), (2, 4, "motivate"), (4, 2, "support"),
    (2, 2, "none"), (1, 1, "none"), (None, 4, None), (4, None, None), (None, None, None),
])
def test_group_advised_mode_follows_the_matrix(w, a, mode):
    assert bk.group_advised_mode(w, a) == mode
    assert group(willingness=w, ability=a).advised_mode == mode


# --- the pilot takes its instrument in -------------------------------------------------------------

def test_attach_adds_the_groups_modes_and_activity_to_the_pilot():
    g1 = group(modes=("support", "facilitate"), last_contact=TODAY - timedelta(days=2))
    g2 = group(name="B", modes=("motivate",), status="done")     # a done group's modes do not count
    f = bk.attach(pilot(modes=["facilitate"], last_activity=TODAY - timedelta(days=40)),
                  bk.Facts(groups=(g1, g2), last_activity=TODAY - timedelta(days=2)))
    assert f.modes == ["facilitate", "support"]
    assert f.last_activity == TODAY - timedelta(days=2)
    again = bk.attach(pilot(modes=["motivate"]), None)
    assert again.modes == ["motivate"] and again.burgerkracht is None
