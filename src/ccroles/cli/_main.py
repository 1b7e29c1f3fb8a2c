"""The ``ccroles`` command line's parser, and the dispatch to its commands."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, NoReturn

from ccroles.cli._access import add_import_access
from ccroles.cli._cedar import add_export_commands
from ccroles.cli._common import EXIT_USAGE, Parser, UsageError, report_error, say, write
from ccroles.cli._questions import add_question_commands
from ccroles.cli._readers import add_role_commands
from ccroles.cli._signin import add_sign_in_commands
from ccroles.exceptions import CCRolesError
from ccroles.names import is_encodable

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

__all__ = ["main"]

# _LAZY: a command imports the modules only it uses (the renderers, the CSV
# import, the sign-in store, the Cedar export, the writers, datetime) when it
# runs, so that a question (`ccroles check`) starts without them.


def _unwritable_argument(args: argparse.Namespace) -> str | None:
    """The first argument that is not UTF-8 text (an undecodable byte), if any."""
    for value in vars(args).values():
        for text in value if isinstance(value, list) else [value]:
            if isinstance(text, str) and not is_encodable(text):
                return ascii(text)
    return None


class _Version(argparse.Action):
    """``--version``: print ``ccroles VERSION`` and exit 0, as ``--help`` does."""

    def __call__(self, parser: argparse.ArgumentParser, *_: object) -> NoReturn:
        from importlib.metadata import version  # noqa: PLC0415 (see _LAZY)

        say(f"ccroles {version('ccroles')}")
        parser.exit()


def _parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="ccroles",
        description="Customer-center roles, permissions and features.",
    )
    parser.add_argument(
        "--version", action=_Version, nargs=0, help="print the version and exit"
    )
    commands = parser.add_subparsers(
        dest="command", required=True, metavar="COMMAND", parser_class=Parser
    )
    add_role_commands(commands)
    add_question_commands(commands)
    add_import_access(commands)
    add_sign_in_commands(commands)
    add_export_commands(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with *argv* (default: ``sys.argv[1:]``).

    ``--help`` and ``--version`` print and exit (``SystemExit``, status 0),
    as argparse does; everything else returns.

    Returns:
        The exit status: 0 for yes or done, 1 for no (denied, or problems
        found), 2 for bad arguments or input.
    """
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except UsageError as error:
        write(sys.stderr, f"{error}\n")
        return EXIT_USAGE
    unwritable = _unwritable_argument(args)
    if unwritable is not None:
        return report_error(f"the argument {unwritable} is not UTF-8 text")
    run: Callable[[argparse.Namespace], int] = args.run
    try:
        return run(args)
    except CCRolesError as error:
        return report_error(str(error))
