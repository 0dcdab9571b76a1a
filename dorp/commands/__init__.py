"""Command modules of `dorp`; each has `register(subparsers)`."""

from dorp.commands import core

COMMAND_MODULES = [core]
