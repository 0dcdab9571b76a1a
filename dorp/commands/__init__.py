"""Command modules of `dorp`; each has `register(subparsers)`."""

from dorp.commands import core
from dorp.commands import report
from dorp.commands import exchange, backup
from dorp.commands import users

COMMAND_MODULES = [core, report, exchange, backup, users]
