"""`dorp demo` and `dorp status --json` against INTERFACES.md."""

import json
import subprocess
import sys

import pytest

from dorp.method import ADVISED_MODES, ALERTS, LINES, MODES

AS_OF = "2026-11-29"


def run(env, *args, input=None):
    return subprocess.run([sys.executable, "-m", "dorp.cli", *args], env=env, input=input,
                          capture_output=True, text=True)


@pytest.fixture(scope="module", params=["duckdb", "postgresql"])
def status(request, tmp_path_factory):
    if request.param == "postgresql":
        target = request.getfixturevalue("pg_server").create_db()
    else:
        target = tmp_path_factory.mktemp("cli") / "d.duckdb"
    env = {"DORP_DB": str(target), "DORP_TODAY": AS_OF,
           "DORP_BACKUP_DIR": str(tmp_path_factory.mktemp("cli-backups"))}
    r = run(env, "demo")
    assert r.returncode == 0, r.stderr
    assert "leider / demo-leider" in r.stdout
    r = run(env, "status", "--json", "--as-of", AS_OF)
    assert r.returncode == 0, r.stderr
    return env, json.loads(r.stdout)


def test_schema_matches_interfaces(status):
    _, data = status
    assert set(data) == {"programme", "pilots"}
    assert data["programme"]["pilots"] == len(data["pilots"]) == 10
    for p in data["pilots"]:
        assert set(p) == {"village", "municipality", "step", "status", "mbc", "advised_mode",
                          "modes", "steering_group", "lines", "burgerkracht", "alerts"}
        assert p["step"] in (1, 2, 3, 4)
        assert p["status"] in ("active", "paused", "stopped", "completed")
        assert set(p["mbc"]) == {"willingness", "ability", "may", "verdict"}
        assert p["mbc"]["verdict"] in ("go", "no_go", "pending")
        assert p["mbc"]["may"] in (True, False, None)
        assert p["advised_mode"] in (*ADVISED_MODES, None)
        assert all(m in MODES for m in p["modes"])
        assert set(p["steering_group"]) == {"has_municipality", "has_community", "both_satisfied"}
        assert set(p["lines"]) == set(LINES)
        assert p["alerts"] == sorted(p["alerts"]) and set(p["alerts"]) <= set(ALERTS)
        bkg = p["burgerkracht"]
        if bkg is not None:
            assert set(bkg) == {"stage", "conversations", "residents_heard", "themes",
                                "working_groups"}
            assert bkg["stage"] in ("lead_group", "conversations", "analysis", "village_meeting",
                                    "working_groups")
            for g in bkg["working_groups"]:
                assert set(g) == {"theme", "status", "advised_mode"}
                assert g["status"] in ("active", "done", "stopped")
                assert g["advised_mode"] in ("facilitate", "motivate", "support", "none", None)


def test_burgerkracht_in_the_demo(status):
    """The demo's villages stand at different stages of the Burgerkrachtgenerator."""
    _, data = status
    by = {p["village"]: p for p in data["pilots"]}
    assert by["Beesd"]["burgerkracht"] is None                       # not used
    assert by["Kootwijkerbroek"]["burgerkracht"]["stage"] == "lead_group"
    laren = by["Laren"]["burgerkracht"]
    assert (laren["stage"], laren["conversations"], laren["residents_heard"]) == \
        ("conversations", 2, 11)
    vorden = by["Vorden"]["burgerkracht"]
    assert vorden["stage"] == "working_groups" and vorden["themes"] == 4
    assert vorden["residents_heard"] == 33
    assert {g["status"] for g in vorden["working_groups"]} == {"active", "done"}
    assert "working_group_quiet" not in by["Vorden"]["alerts"]
    heteren = by["Heteren"]["burgerkracht"]
    assert {(g["theme"], g["advised_mode"]) for g in heteren["working_groups"]} == {
        ("Het dorpshuis weer van iedereen", "motivate"),
        ("Eenzaamheid onder ouderen", "facilitate")}
    assert "working_group_quiet" in by["Heteren"]["alerts"]
    # the pilot's modes in use include its groups' (Heteren: facilitate comes from a group)
    assert by["Heteren"]["modes"] == ["facilitate", "motivate", "support"]


def test_demo_spreads_over_steps_and_trips_alerts(status):
    _, data = status
    assert {p["step"] for p in data["pilots"]} == {1, 2, 3, 4}
    tripped = {a for p in data["pilots"] for a in p["alerts"]}
    assert {"mbc_no_go", "consent_missing", "gate_unmet", "steering_incomplete",
            "steering_dissatisfied", "line_low", "line_declining", "no_exit_plan", "stale"} <= tripped
    by = {p["village"]: p for p in data["pilots"]}
    assert by["Dinxperlo"]["mbc"] == {"willingness": 2, "ability": 2, "may": True,
                                      "verdict": "no_go"}
    # "mag dit?" = nee: no go and discourage, whatever the scores (willing 4, able 2)
    assert by["Gendringen"]["mbc"] == {"willingness": 4, "ability": 2, "may": False,
                                       "verdict": "no_go"}
    assert by["Gendringen"]["advised_mode"] == "discourage"
    assert "mbc_no_go" in by["Gendringen"]["alerts"]
    assert by["Winssen"]["status"] == "completed" and by["Winssen"]["alerts"] == []
    assert by["Vorden"]["advised_mode"] == "facilitate" and by["Vorden"]["alerts"] == []
    assert by["Laren"]["lines"]["broad_support"] == 2


def test_no_personal_data_in_status(status):
    env, data = status
    r = run(env, "status", "--json")  # without --as-of too: names of demo people must not leak
    assert r.returncode == 0, r.stderr
    for text in (json.dumps(data, ensure_ascii=False), r.stdout):
        assert "Vorden" in text                       # the output is really there
        for person in ("Kamphuis", "@example.nl", "Besproken", "Keukentafel", "Stichting Zorg",
                       "Past binnen de wet", "Hoogland", "Bep", "Ouderen willen elkaar",
                       "koffieochtend", "Kuipers"):
            assert person not in text


def test_as_of_moves_today(status):
    env, _ = status
    later = json.loads(run(env, "status", "--json", "--as-of", "2027-12-31").stdout)
    assert all("stale" in p["alerts"] for p in later["pilots"] if p["status"] == "active")


def test_usage_errors_exit_2_without_traceback(status):
    env, _ = status
    for args in (["status"], ["status", "--json", "--as-of", "gisteren"], ["bestaatniet"]):
        r = run(env, *args)
        assert r.returncode == 2, args
        assert "Traceback" not in r.stderr


def test_demo_refuses_non_empty_database(status):
    env, _ = status
    r = run(env, "demo")
    assert r.returncode == 1 and "niet leeg" in r.stderr
    assert run(env, "demo", "--if-empty").returncode == 0


def test_help_and_usage_errors_are_dutch(status):
    env, _ = status
    r = run(env, "--help")
    assert r.returncode == 0
    assert "gebruik: dorp" in r.stdout and "opties:" in r.stdout and "usage:" not in r.stdout
    for cmd in ("init", "demo", "status", "template", "export", "import", "report", "backup",
                "restore", "user"):
        assert cmd in r.stdout
    r = run(env, "status")
    assert r.returncode == 2 and "deze argumenten ontbreken: --json" in r.stderr
