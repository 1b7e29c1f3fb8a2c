"""The commands that read roles: matrix, role, diff, validate and readme."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from ccroles.cli._common import (
    EXIT_PROBLEMS,
    Parser,
    cannot,
    report_error,
    say,
)
from ccroles.exceptions import DataFileError, UnreadableFileError
from ccroles.features import feature_matrix
from ccroles.names import fold
from ccroles.roles import BUILTIN_ROLES, RoleCatalogue
from ccroles.serialization import load_account, load_roles

if TYPE_CHECKING:
    from ccroles.render import OutputFormat
    from ccroles.roles import Role

__all__ = ["add_role_commands"]

# _LAZY: a command imports what only it uses when it runs (see ccroles.cli._main).


def _roles(args: argparse.Namespace) -> RoleCatalogue:
    """The built-in roles, then the custom roles of the ``--roles`` file."""
    custom = load_roles(args.roles) if args.roles is not None else ()
    return RoleCatalogue((*BUILTIN_ROLES, *custom))


def _add_roles_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--roles",
        metavar="FILE",
        help="a roles or account file (.toml, .json) whose custom roles to add",
    )


def _chosen_roles(args: argparse.Namespace) -> list[Role]:
    """The roles named by ``--role`` (any case, in order), else every role."""
    roles = _roles(args)
    if not args.role:
        return list(roles.values())
    chosen = [roles[name] for name in args.role]
    return list({role.name: role for role in chosen}.values())  # each once


def _matrix(args: argparse.Namespace) -> int:
    from ccroles.render import render_matrix  # noqa: PLC0415 (see _LAZY)

    say(render_matrix(feature_matrix(_chosen_roles(args)), args.format))
    return 0


def _role(args: argparse.Namespace) -> int:
    from ccroles.render import render_role  # noqa: PLC0415 (see _LAZY)

    say(render_role(_roles(args)[args.name], args.format))
    return 0


def _validate(args: argparse.Namespace) -> int:
    """Load each file; print ``ok`` or its problems; exit 1 if any fails."""
    status = 0
    for path in args.files:
        try:
            load_account(path)
        except UnreadableFileError as error:
            status = report_error(str(error))
        except DataFileError as error:
            say("\n".join(map(str, error.problems)))
            status = max(status, EXIT_PROBLEMS)
        else:
            say(f"{path}: ok")
    return status


def _add_validate(commands: argparse._SubParsersAction[Parser]) -> None:
    validate = commands.add_parser(
        "validate", help="check role and account files, listing every problem"
    )
    validate.add_argument(
        "files", nargs="+", metavar="FILE", help="a role or account file"
    )
    validate.set_defaults(run=_validate)


def _format(name: str) -> OutputFormat:
    """The output format called *name*, matched as every name is (any case)."""
    from ccroles.render import OutputFormat  # noqa: PLC0415 (see _LAZY)

    for candidate in OutputFormat:
        if fold(candidate.value) == fold(name):
            return candidate
    choices = ", ".join(repr(f.value) for f in OutputFormat)
    message = f"invalid choice: {name!r} (choose from {choices})"
    raise argparse.ArgumentTypeError(message)


# The formats' names for the help, without importing the renderers; a test
# checks that they are the values of ccroles.render.OutputFormat.
_FORMATS = ("text", "markdown", "rst", "html", "csv", "json")


def _add_format_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--format",
        type=_format,
        default="text",  # argparse passes a text default through _format
        metavar="{" + ",".join(_FORMATS) + "}",
        help="output format, any case (default: text)",
    )


def _diff(args: argparse.Namespace) -> int:
    roles = _roles(args)
    from ccroles.render import diff_roles, render_diff  # noqa: PLC0415 (see _LAZY)

    say(render_diff(diff_roles(roles[args.role_a], roles[args.role_b]), args.format))
    return 0


def _add_diff(commands: argparse._SubParsersAction[Parser]) -> None:
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
        raise argparse.ArgumentTypeError(cannot("read", name, error)) from None


def _readme(args: argparse.Namespace) -> int:
    from ccroles.render import embed_matrix  # noqa: PLC0415 (see _LAZY)
    from ccroles.writing import write_atomically  # noqa: PLC0415 (see _LAZY)

    file: _TextFile = args.file
    document = embed_matrix(file.text, feature_matrix(_roles(args).values()))
    if not args.write:
        say(document.removesuffix("\n"))
    elif document == file.text:
        say(f"{file.path}: the matrix is up to date")
    else:
        write_atomically(file.path, document)
        say(f"{file.path}: the matrix is refreshed")
    return 0


def _add_readme(commands: argparse._SubParsersAction[Parser]) -> None:
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
    _add_roles_option(readme)
    readme.set_defaults(run=_readme)


def add_role_commands(commands: argparse._SubParsersAction[Parser]) -> None:
    """Add ``matrix``, ``role``, ``diff``, ``validate`` and ``readme``."""
    matrix = commands.add_parser("matrix", help="the feature matrix of the roles")
    _add_format_option(matrix)
    _add_roles_option(matrix)
    matrix.add_argument(
        "--role",
        action="append",
        metavar="NAME",
        help="a role to show (repeatable; default: every role)",
    )
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
