"""The ``ccroles`` command line: questions about roles, answered from the model.

Usage::

    ccroles matrix [--format text|markdown|csv|json]
    ccroles role NAME

Bad arguments print one line on stderr and exit with status 2.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, NoReturn

from ccroles.exceptions import CCRolesError, UnknownRoleError
from ccroles.features import feature_matrix
from ccroles.render import Format, render_matrix, render_role
from ccroles.roles import BUILTIN_ROLES, Role

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

__all__ = ["main"]

_EXIT_USAGE = 2


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line, without the usage block."""

    def error(self, message: str) -> NoReturn:
        """Print ``ccroles: error: MESSAGE`` and exit with status 2."""
        self.exit(_EXIT_USAGE, f"{self.prog}: error: {message}\n")


def _find_role(name: str, roles: Sequence[Role]) -> Role:
    """The role called *name*, exactly or else ignoring case."""
    for wanted in (name, name.casefold()):
        for role in roles:
            if wanted in (role.name, role.name.casefold()):
                return role
    raise UnknownRoleError(name, [role.name for role in roles])


def _matrix(args: argparse.Namespace) -> str:
    return render_matrix(feature_matrix(BUILTIN_ROLES), Format(args.format))


def _role(args: argparse.Namespace) -> str:
    return render_role(_find_role(args.name, BUILTIN_ROLES))


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="ccroles",
        description="Customer-center roles, permissions and features.",
    )
    commands = parser.add_subparsers(
        dest="command", required=True, metavar="COMMAND", parser_class=_Parser
    )
    matrix = commands.add_parser("matrix", help="the feature matrix of the roles")
    matrix.add_argument(
        "--format",
        choices=[f.value for f in Format],
        default=Format.TEXT.value,
        help="output format (default: text)",
    )
    matrix.set_defaults(run=_matrix)
    role = commands.add_parser(
        "role", help="a role's levels, capabilities and features"
    )
    role.add_argument("name", help='a role name, e.g. "Customer Center"')
    role.set_defaults(run=_role)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with *argv* (default: ``sys.argv[1:]``).

    Returns:
        The exit status: 0 on success, 2 for bad arguments.
    """
    parser = _parser()
    args = parser.parse_args(argv)
    run: Callable[[argparse.Namespace], str] = args.run
    try:
        output = run(args)
    except CCRolesError as error:
        parser.error(str(error))
    sys.stdout.write(output + "\n")
    return 0
