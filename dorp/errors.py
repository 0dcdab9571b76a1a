"""Errors that end in a plain Dutch message for the user, never a traceback."""


class Refused(Exception):
    """The input was refused; the message lists every problem (CLI exit code 1)."""


class Invalid(ValueError):
    """Form or record input refused by the server-side checks.

    `problems` maps a field name to a Dutch message, shown next to that field; nothing was
    written."""

    def __init__(self, problems: dict[str, str]):
        self.problems = problems
        super().__init__("; ".join(f"{k}: {v}" for k, v in problems.items()))


class NeedsConfirm(Exception):
    """A write that is allowed but unusual (a second meeting on the same date): nothing was
    written; the message asks the user to confirm, and the write is repeated confirmed."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field   # the form field the question is about (asked right there)
