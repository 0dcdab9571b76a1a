"""The architecture stays easy to see: only dorp/ui imports Streamlit, pages hold no SQL,
no raw HTML anywhere."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            out.add(node.module.split(".")[0])
    return out


def test_only_ui_imports_streamlit():
    offenders = [p for p in (ROOT / "dorp").rglob("*.py")
                 if "streamlit" in imports(p) and "ui" not in p.relative_to(ROOT / "dorp").parts]
    assert offenders == []


def test_domain_package_imports_without_streamlit():
    import subprocess, sys
    mods = sorted(".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
                  for p in (ROOT / "dorp").rglob("*.py")
                  if "ui" not in p.relative_to(ROOT / "dorp").parts and p.name != "bench.py")
    code = ("import sys, importlib\n"
            f"for m in {mods!r}:\n"
            "    importlib.import_module(m)\n"
            "assert 'streamlit' not in sys.modules, 'streamlit imported'\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr


SQL = re.compile(r"\b(SELECT|INSERT INTO|UPDATE \w+ SET|DELETE FROM)\b")


def test_pages_hold_no_sql():
    for p in [ROOT / "app.py", *(ROOT / "pages").rglob("*.py")]:
        assert not SQL.search(p.read_text(encoding="utf-8")), p


def test_no_raw_html():
    for p in [ROOT / "app.py", *(ROOT / "pages").rglob("*.py"), *(ROOT / "dorp").rglob("*.py")]:
        text = p.read_text(encoding="utf-8")
        assert "unsafe_allow_html" not in text, p
        assert "st.html(" not in text and "components.html" not in text, p


def test_every_page_guards_itself_first():
    for p in (ROOT / "pages").glob("*.py"):
        tree = ast.parse(p.read_text(encoding="utf-8"))
        body = [n for n in tree.body if not isinstance(n, (ast.Import, ast.ImportFrom))
                and not (isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant))]
        assert "ui.guard" in ast.unparse(body[0]), f"{p.name}: first statement is not ui.guard"



def test_pages_build_forms_only_with_ui_form():
    """Every edit or add form is a ui.Form (keys per record, the version shown, messages in
    place: docs/ARCHITECTURE.md "Forms"); a page never builds a bare st.form."""
    pages = list((ROOT / "pages").rglob("*.py"))
    assert len(pages) > 10
    for p in pages:
        text = p.read_text(encoding="utf-8")
        assert "st.form(" not in text and "form_submit_button" not in text, p
