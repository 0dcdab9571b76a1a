"""`dorp user add|disable|enable|reset-password|list`: Dutch help, stdin passwords, exit codes."""

import io
import subprocess
import sys

import pytest

from dorp import cli
from dorp.db import open_db
from dorp.repo import users

pytestmark = pytest.mark.both_stores


def run(monkeypatch, capsys, argv, stdin=""):
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = cli.main(argv)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_first_lead_then_disable_enable_reset(db_path, monkeypatch, capsys):
    code, out, _ = run(monkeypatch, capsys, ["user", "list"])
    assert code == 0 and "dorp user add NAAM --role lead --password-stdin" in out
    code, out, _ = run(monkeypatch, capsys,
                       ["user", "add", "anna", "--role", "lead", "--password-stdin"],
                       "een-sterk-wachtwoord\n")
    assert code == 0 and "anna" in out
    code, _, err = run(monkeypatch, capsys, ["user", "disable", "anna"])
    assert code == 0
    db = open_db(db_path)
    assert users.authenticate(db, "anna", "een-sterk-wachtwoord") is None
    db.con.close()
    assert run(monkeypatch, capsys, ["user", "enable", "anna"])[0] == 0
    assert run(monkeypatch, capsys, ["user", "reset-password", "anna", "--password-stdin"],
               "nog-een-wachtwoord\n")[0] == 0
    db = open_db(db_path)
    assert users.authenticate(db, "anna", "nog-een-wachtwoord").role == "lead"
    db.con.close()
    code, out, _ = run(monkeypatch, capsys, ["user", "list"])
    assert "anna" in out and "lead" in out and "actief" in out


def test_refusals_exit_1_with_dutch_reasons(db_path, monkeypatch, capsys):
    code, _, err = run(monkeypatch, capsys,
                       ["user", "add", "bob", "--role", "steering", "--village", "Atlantis",
                        "--password-stdin"], "kort\n")
    assert code == 1
    assert "minstens 8 tekens" in err and "Atlantis" in err and "Traceback" not in err
    code, _, err = run(monkeypatch, capsys, ["user", "add", "bob", "--role", "lead",
                                             "--password-stdin"], "")
    assert code == 1 and "standaardinvoer" in err
    code, _, err = run(monkeypatch, capsys, ["user", "disable", "niemand"])
    assert code == 1 and "bestaat niet" in err


def test_wrong_usage_exits_2(db_path, monkeypatch, capsys):
    with pytest.raises(SystemExit) as e:
        run(monkeypatch, capsys, ["user", "add", "bob", "--role", "baas", "--password-stdin"])
    assert e.value.code == 2
    with pytest.raises(SystemExit) as e:   # never a password on the command line
        run(monkeypatch, capsys, ["user", "add", "bob", "--role", "lead", "--password", "x"])
    assert e.value.code == 2


@pytest.mark.parametrize("argv", [["user"], ["user", "add"], ["user", "disable"],
                                  ["user", "enable"], ["user", "reset-password"],
                                  ["user", "list"]])
def test_help_is_dutch(argv):
    r = subprocess.run([sys.executable, "-m", "dorp.cli", *argv, "--help"],
                       capture_output=True, text=True)
    assert r.returncode == 0
    assert "toon deze hulp en stop" in r.stdout and "opties" in r.stdout
    assert "show this help" not in r.stdout
