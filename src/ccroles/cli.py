"""The ``ccroles`` command line: questions about roles, answered from the model.

Usage::

    ccroles matrix [--format text|markdown|rst|html|csv|json] [--roles FILE]
    ccroles role NAME [--format ...] [--roles FILE]
    ccroles diff ROLE_A ROLE_B [--format ...] [--roles FILE]
    ccroles validate FILE...
    ccroles readme [--write] FILE

Bad arguments print one line on stderr and exit with status 2. ``validate``
prints ``FILE: ok`` or every problem of each file, and exits with status 1
when a file does not load.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple, NoReturn

from ccroles.exceptions import CCRolesError, DataFileError, UnknownRoleError
from ccroles.features import feature_matrix
from ccroles.render import (
    Format,
    diff_roles,
    embed_matrix,
    render_diff,
    render_matrix,
    render_role,
)
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
    return render_role(_find_role(args.name, _roles(args)), Format(args.format))


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
    _add_format_option(matrix)
    _add_roles_option(matrix)
    matrix.set_defaults(run=_matrix)
    role = commands.add_parser(
        "role", help="a role's levels, capabilities and features"
    )
    role.add_argument("name", help='a role name, e.g. "Customer Center"')
    _add_format_option(role)
    _add_roles_option(role)
    role.set_defaults(run=_role)
    _add_diff(commands)
    _add_validate(commands)
    _add_readme(commands)
    return parser


def _add_format_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--format",
        choices=[f.value for f in Format],
        default=Format.TEXT.value,
        help="output format (default: text)",
    )


def _diff(args: argparse.Namespace) -> str:
    roles = _roles(args)
    before = _find_role(args.role_a, roles)
    after = _find_role(args.role_b, roles)
    return render_diff(diff_roles(before, after), Format(args.format))


def _add_diff(commands: argparse._SubParsersAction[_Parser]) -> None:
    diff = commands.add_parser(
        "diff", help="what changes from one role to another: levels and features"
    )
    diff.add_argument("role_a", metavar="ROLE_A", help="the role compared from")
    diff.add_argument("role_b", metavar="ROLE_B", help="the role compared to")
    _add_format_option(diff)
    _add_roles_option(diff)
    diff.set_defaults(run=_diff)


class _TextFile(NamedTuple):
    path: Path
    text: str


def _text_file(name: str) -> _TextFile:
    """Read the file *name*; an OS error becomes a one-line argument error."""
    path = Path(name)
    try:
        return _TextFile(path, path.read_text(encoding="utf-8"))
    except OSError as error:
        message = f"cannot read {name!r}: {error.strerror or error}"
        raise argparse.ArgumentTypeError(message) from None


def _readme(args: argparse.Namespace) -> str:
    file: _TextFile = args.file
    document = embed_matrix(file.text, feature_matrix(BUILTIN_ROLES))
    if not args.write:
        return document.removesuffix("\n")
    if document == file.text:
        return f"{file.path}: the matrix is up to date"
    file.path.write_text(document, encoding="utf-8")
    return f"{file.path}: the matrix is refreshed"


def _add_readme(commands: argparse._SubParsersAction[_Parser]) -> None:
    readme = commands.add_parser(
        "readme",
        help="regenerate the matrix between the marker comments of a Markdown file",
    )
    readme.add_argument(
        "file", metavar="FILE", type=_text_file, help="a Markdown file, e.g. README.md"
    )
    readme.add_argument(
        "--write", action="store_true", help="rewrite FILE in place (default: print it)"
    )
    readme.set_defaults(run=_readme)


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
