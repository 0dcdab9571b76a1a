"""The one way to build an edit or add form (docs/ARCHITECTURE.md, "Forms").

    fm = ui.Form("safeguarding", scope=village_id, record=plan)
    with fm:
        exit_date = st.date_input(label, value=..., key=fm.key("exit_date"))
        fm.err("exit_date")
        fm.submit(t("steps.save"), lambda v, version: repo.save(..., v["exit_date"], version),
                  success=t("steps.saved"))

What it guarantees, so a page cannot get it wrong:
- Keys: every widget key starts with the form's name, its scope (the pilot) and its record id,
  so switching pilot or record never shows (or saves) another record's text.
- Version: the record's version is captured when the form is first shown and kept while it
  stays on screen; the save gets *that* version, so a change made meanwhile by someone else is
  refused (StaleVersion) instead of silently overwritten. After a refusal the form keeps the
  user's input, says who changed it when, and takes the new version: saving again is then a
  deliberate choice.
- The save runs in the submit button's callback, before the page is drawn again: the page then
  shows the saved state in one run, with the message in place beside the button.
- After a successful save the form's widgets get fresh keys (a new "generation"): an add form
  is empty again and an edit form shows the stored values. A second click on the old button
  (a double click) belongs to the old generation and is ignored, also when Streamlit cut the
  first click's callback short after the record was stored (_SAVED, _SAVING below).
- Refusals (Invalid) are shown next to their fields until the next submit, on the record they
  were about only (switching record never shows another record's refusal); a write that needs
  explicit confirmation (NeedsConfirm) asks in the form and is saved when confirmed.
- Destructive actions use confirm_button(): the question says what goes, only the second click
  runs it; a record that is gone afterwards leaves its message in a flash() place.
"""

from __future__ import annotations

import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import Any

import streamlit as st

from dorp.access import AccessDenied
from dorp.db import StaleVersion
from dorp.errors import Invalid, NeedsConfirm

CONFIRM = "confirmed"   # the values key of the confirmation checkbox

# One save at a time in this process: with a double click Streamlit may start the second run
# (and its callback, on another thread) while the first is still saving; the second waits
# here and then finds the first one's save (_SAVED below). Found by
# tests/test_browser_saves.py: two meetings 3 ms apart before this lock.
_SAVING = threading.Lock()


def _t(key: str, **kw) -> str:
    from dorp import ui
    return ui.t(key, **kw)


def _after_write() -> None:
    from dorp import ui
    ui.after_write()


class Form:
    """An st.form keyed by (name, scope, record id) that carries the version it was shown with."""

    def __init__(self, name: str, *, scope: Any = None, record: Mapping | None = None,
                 version: Any = None, clear_on_success: bool = True, border: bool = True):
        rid = record.get("id") if record else None
        self._outcome_key = f"form:{name}:{scope}:outcome"   # the form's place on the page
        self.base = f"form:{name}:{scope}:{'new' if rid is None else rid}"
        if rid is not None:
            # Someone else created the record while this user filled in the form for a record
            # not made yet, and the save was refused: the user's input stays on screen (the
            # "new" form, now based on the version the other made) until saved or left.
            first = f"form:{name}:{scope}:new"
            before = st.session_state.get(self._outcome_key)
            gen = st.session_state.get(first + ":gen", 0)
            if before and before[0] == "stale" and before[-1] == first \
                    and f"{first}:{gen}:__submit" in st.session_state:
                self.base = first
        self._session = st.session_state.setdefault("form:session", uuid.uuid4().hex)
        self._gen_key = self.base + ":gen"
        self.gen = st.session_state.get(self._gen_key, 0)
        self.prefix = f"{self.base}:{self.gen}"
        self._version_key = self.base + ":version"
        self.clear_on_success = clear_on_success
        self.border = border
        self.fields: list[str] = []
        self._inline: set[str] = set()
        current = record.get("version") if record and version is None else version
        # First shown (or shown again after leaving the screen: Streamlit drops the state of
        # widgets that were not drawn): the version on screen is the record's version now.
        if self.key("__submit") not in st.session_state:
            st.session_state[self._version_key] = _plain(current)
        elif isinstance(current, Mapping):   # a chooser: records that appeared since, as now
            st.session_state[self._version_key] = {**_plain(current),
                                                   **st.session_state[self._version_key]}
        outcome = st.session_state.get(self._outcome_key)
        # A refusal belongs to the record it was about; "saved" is said once wherever the form
        # stands now (a plan saved for the first time has an id only afterwards).
        if outcome and outcome[0] != "saved" and outcome[-1] != self.base:
            outcome = None
        self._outcome = outcome
        self._ctx = None

    # --- layout ---------------------------------------------------------------------------
    @property
    def version(self) -> Any:
        """The version this form was shown with (what a save must be based on)."""
        return st.session_state.get(self._version_key)

    def key(self, field: str) -> str:
        """The widget key of `field` in this form (and its record and generation)."""
        if not field.startswith("__") and field not in self.fields:
            self.fields.append(field)
        return f"{self.prefix}:{field}"

    def __enter__(self) -> "Form":
        self._ctx = st.form(self.prefix, border=self.border)
        self._ctx.__enter__()
        kind = self._outcome[0] if self._outcome else None
        if kind == "invalid":
            st.error(_t("app.invalid"))
        elif kind in ("stale", "denied"):
            st.warning(self._outcome[1])
        return self

    def __exit__(self, *exc) -> None:
        self._ctx.__exit__(*exc)

    def err(self, field: str) -> None:
        """The server's message for `field`, right under it (after a refused save)."""
        if self._outcome and self._outcome[0] == "invalid" and field in self._outcome[1]:
            st.error(self._outcome[1][field])
            self._inline.add(field)

    def submit(self, label: str, save: Callable[[dict, Any], Any],
               success: str | Callable[[Any], str] | None = None,
               type: str = "secondary", disabled: bool = False) -> None:
        """The submit button; `save(values, version)` runs in its callback. `values` maps each
        field given to key() to its widget's value (plus CONFIRM when the form asked).
        `success` is the message after a save, or a function of what `save` returned."""
        kind = self._outcome[0] if self._outcome else None
        if kind == "invalid":   # problems that have no field of their own in this form
            for field, message in self._outcome[1].items():
                if field not in self._inline:
                    st.error(message)
        if kind == "confirm":
            st.warning(self._outcome[1])
            st.checkbox(_t("app.confirm_save"), key=self.key("__confirm"))
        st.form_submit_button(label, key=self.key("__submit"), type=type, disabled=disabled,
                              on_click=self._on_submit, args=(save, success, self.gen))
        if kind == "saved":
            st.success(self._outcome[1])
            st.session_state.pop(self._outcome_key, None)   # said once

    # --- the save ---------------------------------------------------------------------------
    def values(self) -> dict:
        out = {f: st.session_state.get(f"{self.prefix}:{f}") for f in self.fields}
        out[CONFIRM] = bool(st.session_state.get(f"{self.prefix}:__confirm"))
        return out

    def _on_submit(self, save, success, gen) -> None:
        with _SAVING:
            done = (self._session, self.prefix)
            if done in _SAVED:   # saved already, but that run was cut short: finish it
                self._saved(success, gen, _SAVED[done])
                return
            if st.session_state.get(self._gen_key, 0) != gen:
                return   # a second click on a form that was already saved
            self._save(save, success, gen)

    def _save(self, save, success, gen) -> None:
        shown = self.version
        values = self.values()
        done = (self._session, self.prefix)
        outcome, saved = run(lambda: save(values, shown),
                             committed=lambda result: _remember(done, result))
        if saved:
            self._saved(success, gen, outcome[1])
            return
        if outcome[0] == "stale":   # saving again is deliberate: based on the version now
            _, message, current, record_id = outcome
            st.session_state[self._version_key] = (
                {**shown, record_id: current} if isinstance(shown, Mapping) else current)
            outcome = ("stale", message)
        st.session_state[self._outcome_key] = (*outcome, self.base)

    def _saved(self, success, gen, result) -> None:
        """After a save: the next generation (empty add form, stored values in an edit form)
        and the confirmation under the button. Safe to repeat."""
        message = success(result) if callable(success) else success
        if self.clear_on_success:
            st.session_state[self._gen_key] = gen + 1
        st.session_state.pop(self._version_key, None)
        st.session_state[self._outcome_key] = ("saved", message or _t("app.saved"), self.base)


# Form generations saved, per (session, form generation), with what the save returned.
# Streamlit may interrupt a callback at any access to st.session_state when the next click
# arrives (a double click): the record is stored, but the new generation and the message
# are not. The next callback for that generation finds it here and finishes the job instead
# of saving the same record again. Plain Python (no session state): it cannot be interrupted.
_SAVED: "OrderedDict[tuple, Any]" = OrderedDict()


def _remember(done: tuple, result: Any) -> None:
    _SAVED[done] = result
    while len(_SAVED) > 2000:
        _SAVED.popitem(last=False)


def _plain(v: Any) -> Any:
    """A version as a plain value (numpy ints from DataFrames become int)."""
    if isinstance(v, Mapping):
        return {_plain(k): _plain(x) for k, x in v.items()}
    try:
        return int(v)
    except (TypeError, ValueError):
        return v


def run(action: Callable[[], Any],
        committed: Callable[[Any], None] | None = None) -> tuple[tuple, bool]:
    """Run a data-layer write: ((kind, details...), saved). Kinds: saved (the write's result),
    invalid (problems), stale (message, current version, record id), denied (message),
    confirm (question). `committed(result)` runs right after a successful write, before
    anything that Streamlit could interrupt."""
    try:
        result = action()
        if committed:
            committed(result)
    except Invalid as e:
        return ("invalid", e.problems), False
    except StaleVersion as e:
        return ("stale", str(e), e.current_version, e.record_id), False
    except NeedsConfirm as e:
        return ("confirm", str(e)), False
    except AccessDenied as e:
        return ("denied", str(e)), False
    _after_write()
    return ("saved", result), True


def confirm_button(label: str, question: str, action: Callable[[], Any], *, key: str,
                   success: str | None = None, confirm_label: str | None = None,
                   flash: str | None = None) -> None:
    """A destructive action that asks first: the first click shows `question` (say what
    goes) with a confirm and a cancel button; only the confirm runs `action`. `key` names the
    record (e.g. f"score_delete:{score_id}"), so a question never moves to another record.
    With `flash`, the success message goes to the page's ui.flash(flash) place instead (for
    a delete: the button is gone with its record)."""
    ask_key = key + ":ask"
    outcome_key = key + ":outcome"
    outcome = st.session_state.pop(outcome_key, None)
    session = st.session_state.setdefault("form:session", uuid.uuid4().hex)
    asked = st.session_state.get(ask_key)   # the question on screen (a token), or None
    if not asked:
        st.button(label, key=key,
                  on_click=lambda: st.session_state.__setitem__(ask_key, uuid.uuid4().hex))
    else:
        st.warning(question)
        c1, c2 = st.columns(2)
        done = (session, key, asked)

        def answered(result) -> None:
            message = success or _t("app.saved")
            if result[0] == "saved" and flash:
                st.session_state[_FLASH + flash] = message
            else:
                st.session_state[outcome_key] = ("saved", message) \
                    if result[0] == "saved" else result[:2]
            st.session_state[ask_key] = None

        def yes():
            with _SAVING:
                if done in _SAVED:   # done already, but that run was cut short: finish it
                    answered(("saved", _SAVED[done]))
                elif st.session_state.get(ask_key) == asked:
                    answered(run(action, committed=lambda r: _remember(done, r))[0])

        c1.button(confirm_label or label, key=key + ":yes", type="primary", on_click=yes)
        c2.button(_t("app.cancel"), key=key + ":no",
                  on_click=lambda: st.session_state.__setitem__(ask_key, None))
    if outcome:
        if outcome[0] == "saved":
            st.success(outcome[1])
        elif outcome[0] == "invalid":
            for message in outcome[1].values():
                st.error(message)
        else:
            st.warning(outcome[1])


_FLASH = "flash:"


def flash(place: str) -> None:
    """Where a message of an action whose form or button went away is shown (once)."""
    message = st.session_state.pop(_FLASH + place, None)
    if message:
        st.success(message)


def form_message(name: str, *, scope: Any = None) -> None:
    """The outcome of a form's last save, for when the form itself went away (a move that
    closed the pilot; the last open action closed, here or by someone else meanwhile): said
    once, where the form stood."""
    outcome = st.session_state.pop(f"form:{name}:{scope}:outcome", None)
    if not outcome:
        return
    if outcome[0] == "saved":
        st.success(outcome[1])
    elif outcome[0] == "invalid":
        for message in outcome[1].values():
            st.error(message)
    elif outcome[0] in ("stale", "denied", "confirm"):
        st.warning(outcome[1])
