"""Errors that end in a plain Dutch message for the user, never a traceback."""


class Refused(Exception):
    """The input was refused; the message lists every problem (CLI exit code 1)."""
