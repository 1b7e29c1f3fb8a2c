"""The ``ccroles`` command line: questions about roles, answered from the model.

Usage::

    ccroles matrix [--format text|markdown|csv|json] [--roles FILE]
    ccroles role NAME [--roles FILE]
    ccroles validate FILE...

Bad arguments print one line on stderr and exit with status 2. ``validate``
prints ``FILE: ok`` or every problem of each file, and exits with status 1
when a file does not load.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, NoReturn

from ccroles.exceptions import CCRolesError, DataFileError, UnknownRoleError
from ccroles.features import feature_matrix
from ccroles.render import Format, render_matrix, render_role
from ccroles.roles import BUILTIN_ROLES, Role
from ccroles.serialization import load_account, load_roles

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

__all__ = ["main"]

_EXIT_USAGE = 2
_EXIT_PROBLEMS = 1


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


def _roles(args: argparse.Namespace) -> tuple[Role, ...]:
    """The built-in roles, then the custom roles of the ``--roles`` file."""
    custom = load_roles(args.roles) if args.roles is not None else ()
    return (*BUILTIN_ROLES, *custom)


def _matrix(args: argparse.Namespace) -> str:
    return render_matrix(feature_matrix(_roles(args)), Format(args.format))


def _role(args: argparse.Namespace) -> str:
    return render_role(_find_role(args.name, _roles(args)), show_root=True)


def _add_roles_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--roles",
        metavar="FILE",
        help="a roles or account file (.toml, .json) whose custom roles to add",
    )


def _validate(args: argparse.Namespace) -> str:
    """Load each file; print ``ok`` or its problems; exit 1 if any fails."""
    lines: list[str] = []
    for path in args.files:
        try:
            load_account(path)
        except DataFileError as error:
            lines.extend(map(str, error.problems))
        else:
            lines.append(f"{path}: ok")
    output = "\n".join(lines)
    if any(not line.endswith(": ok") for line in lines):
        sys.stdout.write(output + "\n")
        raise SystemExit(_EXIT_PROBLEMS)
    return output


def _add_validate(commands: argparse._SubParsersAction[_Parser]) -> None:
    validate = commands.add_parser(
        "validate", help="check role and account files, listing every problem"
    )
    validate.add_argument(
        "files", nargs="+", metavar="FILE", help="a role or account file"
    )
    validate.set_defaults(run=_validate)


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
    _add_roles_option(matrix)
    matrix.set_defaults(run=_matrix)
    role = commands.add_parser(
        "role", help="a role's levels, capabilities and features"
    )
    role.add_argument("name", help='a role name, e.g. "Customer Center"')
    _add_roles_option(role)
    role.set_defaults(run=_role)
    _add_validate(commands)
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
