"""What every command of the ``ccroles`` command line shares.

Its exit statuses, its one-line argument errors, writing on stdout and
stderr without a crash, and the arguments several commands take.
"""

from __future__ import annotations

import argparse
import sys
from typing import NoReturn, TextIO

__all__ = [
    "EXIT_DENIED",
    "EXIT_PROBLEMS",
    "EXIT_USAGE",
    "Parser",
    "UsageError",
    "add_account_argument",
    "cannot",
    "report_error",
    "say",
    "write",
]

EXIT_USAGE = 2
"""The status of bad arguments or input."""
EXIT_PROBLEMS = 1
"""The status of a file or import with problems, or nothing done."""
EXIT_DENIED = 1
"""The status of a denied question, or a locked login."""


class UsageError(Exception):
    """Bad arguments, as the one line :func:`ccroles.cli.main` prints on stderr."""


class Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line, without the usage block."""

    def error(self, message: str) -> NoReturn:
        """Raise ``ccroles: error: MESSAGE`` for :func:`main` to print."""
        raise UsageError(f"{self.prog}: error: {message}")


def write(stream: TextIO, text: str) -> None:
    """Write *text*, escaping what the stream cannot encode (never a crash)."""
    encoding = stream.encoding or "utf-8"
    stream.write(text.encode(encoding, "backslashreplace").decode(encoding))


def say(text: str) -> None:
    """Write *text* and a newline on stdout."""
    write(sys.stdout, text + "\n")


def report_error(message: str) -> int:
    """Write ``ccroles: error: MESSAGE`` on stderr; return the usage status, 2."""
    write(sys.stderr, f"ccroles: error: {message}\n")
    return EXIT_USAGE


def add_account_argument(parser: argparse.ArgumentParser) -> None:
    """Add the ``ACCOUNT_FILE`` argument: the account the command reads."""
    parser.add_argument(
        "account", metavar="ACCOUNT_FILE", help="an account file (.toml, .json)"
    )


def cannot(verb: str, name: str, error: OSError) -> str:
    """``cannot read 'x.csv': No such file or directory``."""
    return f"cannot {verb} {name!r}: {error.strerror or error}"
