"""The ``ccroles`` command line: questions about roles, answered from the model.

Usage::

    ccroles matrix [--format text|markdown|rst|html|csv|json] [--roles FILE]
    ccroles role NAME [--format ...] [--roles FILE]
    ccroles diff ROLE_A ROLE_B [--format ...] [--roles FILE]
    ccroles validate FILE...
    ccroles readme [--write] FILE
    ccroles check ACCOUNT_FILE EMAIL FEATURE [--website W]
    ccroles explain ACCOUNT_FILE EMAIL FEATURE [--website W]
    ccroles import-access ACCOUNT_FILE CSV_FILE [--apply [--output NEW_FILE]]
    ccroles sign-in-status STORE EMAIL
    ccroles unlock STORE EMAIL
    ccroles export cedar ACCOUNT_FILE [--roles ROLES_FILE] [--namespace NAME]
                         [--schema-format cedar|json] --out DIR

Each command writes its own output and returns its exit status: 0 for yes
(or done), 1 for no (a denied question, a file or import with problems), 2
for bad arguments or input. Bad arguments print one line on stderr; a file
that does not load prints every problem it has. ``validate`` prints
``FILE: ok`` or every problem of each file. ``check`` prints ``allowed`` or
``denied:`` and the first reason; ``explain`` prints the whole explanation.
``import-access`` prints the import's report and, with ``--apply`` and no
problem, saves the new account to ``--output``. ``sign-in-status`` prints
whether a login of a sign-in store (a SQLite file) is locked, until when, and
its wrong passwords in a row (status 1 while locked); ``unlock`` ends a lock
(status 1 when the store has no record of the login, a misspelt email say).
``export cedar`` writes the account's rules as a Cedar schema (Cedar's text
or, with ``--schema-format json``, its JSON form), policies (in one file, and
one file per policy) and entities into ``--out``, in the Cedar namespace
``--namespace`` if given, and prints the paths written (the policy files as
one line; status 1 when a file has problems).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple, NoReturn, TextIO

import attrs

from ccroles.decisions import Decision, explain
from ccroles.exceptions import (
    CCRolesError,
    DataFileError,
    DuplicateReferenceError,
    UnreadableFileError,
)
from ccroles.features import feature_matrix
from ccroles.names import fold, is_encodable
from ccroles.policy import Engine
from ccroles.roles import BUILTIN_ROLES, RoleCatalogue
from ccroles.serialization import load_account, load_roles
from ccroles.wording import time_text

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from ccroles.render import Format


__all__ = ["main"]

# _LAZY: a command imports the modules only it uses (the renderers, the CSV
# import, the sign-in store, the Cedar export, the writers, datetime) when it
# runs, so that a question (`ccroles check`) starts without them.

_EXIT_USAGE = 2
_EXIT_PROBLEMS = 1
_EXIT_DENIED = 1


class _UsageError(Exception):
    """Bad arguments, as the one line :func:`main` prints on stderr."""


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line, without the usage block."""

    def error(self, message: str) -> NoReturn:
        """Raise ``ccroles: error: MESSAGE`` for :func:`main` to print."""
        raise _UsageError(f"{self.prog}: error: {message}")


def _write(stream: TextIO, text: str) -> None:
    """Write *text*, escaping what the stream cannot encode (never a crash)."""
    encoding = stream.encoding or "utf-8"
    stream.write(text.encode(encoding, "backslashreplace").decode(encoding))


def _say(text: str) -> None:
    """Write *text* and a newline on stdout."""
    _write(sys.stdout, text + "\n")


def _error(message: str) -> int:
    """Write ``ccroles: error: MESSAGE`` on stderr; return the usage status, 2."""
    _write(sys.stderr, f"ccroles: error: {message}\n")
    return _EXIT_USAGE


def _unwritable_argument(args: argparse.Namespace) -> str | None:
    """The first argument that is not UTF-8 text (an undecodable byte), if any."""
    for value in vars(args).values():
        if isinstance(value, str) and not is_encodable(value):
            return ascii(value)
    return None


def _roles(args: argparse.Namespace) -> RoleCatalogue:
    """The built-in roles, then the custom roles of the ``--roles`` file."""
    custom = load_roles(args.roles) if args.roles is not None else ()
    return RoleCatalogue((*BUILTIN_ROLES, *custom))


def _matrix(args: argparse.Namespace) -> int:
    from ccroles.render import render_matrix  # noqa: PLC0415 (see _LAZY)

    _say(render_matrix(feature_matrix(_roles(args).values()), args.format))
    return 0


def _role(args: argparse.Namespace) -> int:
    from ccroles.render import render_role  # noqa: PLC0415 (see _LAZY)

    _say(render_role(_roles(args)[args.name], args.format))
    return 0


def _add_roles_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--roles",
        metavar="FILE",
        help="a roles or account file (.toml, .json) whose custom roles to add",
    )


def _validate(args: argparse.Namespace) -> int:
    """Load each file; print ``ok`` or its problems; exit 1 if any fails."""
    status = 0
    for path in args.files:
        try:
            load_account(path)
        except UnreadableFileError as error:
            status = _error(str(error))
        except DataFileError as error:
            _say("\n".join(map(str, error.problems)))
            status = max(status, _EXIT_PROBLEMS)
        else:
            _say(f"{path}: ok")
    return status


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
    _add_check(commands)
    _add_explain(commands)
    _add_import_access(commands)
    _add_sign_in_commands(commands)
    _add_export(commands)
    return parser


def _format(name: str) -> Format:
    """The output format called *name*, matched as every name is (any case)."""
    from ccroles.render import Format  # noqa: PLC0415 (see _LAZY)

    for candidate in Format:
        if fold(candidate.value) == fold(name):
            return candidate
    choices = ", ".join(repr(f.value) for f in Format)
    message = f"invalid choice: {name!r} (choose from {choices})"
    raise argparse.ArgumentTypeError(message)


# The formats' names for the help, without importing the renderers; a test
# checks that they are the values of ccroles.render.Format.
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

    _say(render_diff(diff_roles(roles[args.role_a], roles[args.role_b]), args.format))
    return 0


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


def _cannot(verb: str, name: str, error: OSError) -> str:
    """``cannot read 'x.csv': No such file or directory``."""
    return f"cannot {verb} {name!r}: {error.strerror or error}"


def _text_file(name: str) -> _TextFile:
    """Read the file *name*; an OS error becomes a one-line argument error."""
    path = Path(name)
    try:
        return _TextFile(path, path.read_text(encoding="utf-8"))
    except OSError as error:
        raise argparse.ArgumentTypeError(_cannot("read", name, error)) from None


def _readme(args: argparse.Namespace) -> int:
    from ccroles.render import embed_matrix  # noqa: PLC0415 (see _LAZY)
    from ccroles.writing import write_atomically  # noqa: PLC0415 (see _LAZY)

    file: _TextFile = args.file
    document = embed_matrix(file.text, feature_matrix(BUILTIN_ROLES))
    if not args.write:
        _say(document.removesuffix("\n"))
    elif document == file.text:
        _say(f"{file.path}: the matrix is up to date")
    else:
        write_atomically(file.path, document)
        _say(f"{file.path}: the matrix is refreshed")
    return 0


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


def _add_account_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "account", metavar="ACCOUNT_FILE", help="an account file (.toml, .json)"
    )


def _add_question_arguments(parser: argparse.ArgumentParser) -> None:
    _add_account_argument(parser)
    parser.add_argument("email", metavar="EMAIL", help="the login's email (any case)")
    parser.add_argument(
        "feature", metavar="FEATURE", help='a feature, e.g. "Make a Payment"'
    )
    parser.add_argument(
        "--website",
        metavar="W",
        help="the website asked through (default: the customer center itself)",
    )


def _decide(args: argparse.Namespace) -> Decision:
    """Load the account and decide the question of *args*.

    Names are matched as everywhere (any case); an unknown feature or website
    raises with the closest name, and an email no login has is denied.
    """
    account = load_account(args.account)
    return Engine(account).decide(args.email, args.feature, args.website)


def _answer(decision: Decision) -> int:
    return 0 if decision.allowed else _EXIT_DENIED


def _check(args: argparse.Namespace) -> int:
    decision = _decide(args)
    _say("allowed" if decision.allowed else f"denied: {decision.reasons[0]}")
    return _answer(decision)


def _add_check(commands: argparse._SubParsersAction[_Parser]) -> None:
    check = commands.add_parser(
        "check",
        help="may a login use a feature: allowed (status 0) or denied (status 1)",
    )
    _add_question_arguments(check)
    check.set_defaults(run=_check)


def _explain(args: argparse.Namespace) -> int:
    decision = _decide(args)
    _say(explain(decision, who=args.email))
    return _answer(decision)


def _add_explain(commands: argparse._SubParsersAction[_Parser]) -> None:
    explain_ = commands.add_parser(
        "explain",
        help="why a login may or may not use a feature, and what would allow it",
    )
    _add_question_arguments(explain_)
    explain_.set_defaults(run=_explain)


def _import_access(args: argparse.Namespace) -> int:
    """Import the CSV; print the report; save the new account if asked to."""
    from ccroles.access_csv import import_access, render_report  # noqa: PLC0415 (_LAZY)
    from ccroles.writing import can_write, dump_account  # noqa: PLC0415 (see _LAZY)

    output: str | None = args.output
    if output is not None and not args.apply:
        return _error("--output needs --apply: a dry run saves nothing")
    if output is not None:
        can_write(output)  # a bad suffix, folder or missing writer: before any work
    account = load_account(args.account)
    try:
        with Path(args.csv).open(encoding="utf-8-sig", newline="") as lines:
            report = import_access(account, lines, apply=args.apply)
    except OSError as error:
        return _error(_cannot("read", args.csv, error))
    if report.account is not None and output is not None:
        try:
            # The new account file is where the portal keeps its logins, so it
            # keeps their password hashes (salted scrypt; never a password).
            dump_account(report.account, output, include_secrets=True)
        except (OSError, UnicodeEncodeError) as error:
            reason = error if isinstance(error, OSError) else "text UTF-8 cannot write"
            return _error(f"cannot write {output!r}: {reason}; nothing was changed")
    _say(render_report(report))
    for notification in report.notifications:
        _say(f"to send: {notification.recipient}: {notification.subject}")
    if report.account is None:
        return _EXIT_PROBLEMS if report.problems else 0
    if output is None:
        _say("not saved: give --output FILE to save the new account")
    else:
        _say(f"saved the new account to {output}")
    return 0


def _add_import_access(commands: argparse._SubParsersAction[_Parser]) -> None:
    command = commands.add_parser(
        "import-access",
        help="give or revoke access from a CSV file: a dry run unless --apply",
    )
    _add_account_argument(command)
    command.add_argument("csv", metavar="CSV_FILE", help="the bulk access CSV file")
    command.add_argument(
        "--apply",
        action="store_true",
        help="make the changes when the file has no problem (all or nothing)",
    )
    command.add_argument(
        "--output",
        metavar="NEW_ACCOUNT_FILE",
        help="with --apply: save the new account there (.toml, .json), "
        "password hashes included",
    )
    command.set_defaults(run=_import_access)


def _sign_in_status(args: argparse.Namespace) -> int:
    """Print the login's lock and count; status 1 while it is locked."""
    from datetime import UTC, datetime  # noqa: PLC0415 (see _LAZY)

    from ccroles.signin_store import SQLiteSignInStore  # noqa: PLC0415 (see _LAZY)

    with SQLiteSignInStore(args.store, create=False) as store:
        state = store.state(args.email, datetime.now(UTC))
    count = f"{state.failures} wrong password{'' if state.failures == 1 else 's'}"
    if state.locked_until is None:
        _say(f"{args.email}: not locked; {count} in a row")
        return 0
    until = time_text(state.locked_until)
    _say(f"{args.email}: locked until {until}; {count} in a row")
    return _EXIT_DENIED


def _unlock(args: argparse.Namespace) -> int:
    from ccroles.signin_store import SQLiteSignInStore  # noqa: PLC0415 (see _LAZY)

    with SQLiteSignInStore(args.store, create=False) as store:
        known = store.unlock(args.email)
    if not known:
        _say(f"{args.email}: the store has no record of this login; nothing unlocked")
        return _EXIT_PROBLEMS
    _say(f"{args.email}: unlocked")
    return 0


def _add_sign_in_commands(commands: argparse._SubParsersAction[_Parser]) -> None:
    status = commands.add_parser(
        "sign-in-status",
        help="is a login locked, until when, and its wrong passwords in a row "
        "(status 1 while locked)",
    )
    unlock = commands.add_parser(
        "unlock", help="end a login's lock and its count of wrong passwords"
    )
    for command, run in ((status, _sign_in_status), (unlock, _unlock)):
        command.add_argument("store", metavar="STORE", help="a sign-in store file")
        command.add_argument("email", metavar="EMAIL", help="the login email")
        command.set_defaults(run=run)


def _export_cedar(args: argparse.Namespace) -> int:
    """Load the account (and roles); write the Cedar files; print their paths."""
    from ccroles.cedar import (  # noqa: PLC0415 (see _LAZY)
        POLICIES_DIRECTORY,
        to_cedar,
    )

    try:
        account = load_account(args.account)
        extra = load_roles(args.roles) if args.roles is not None else ()
    except UnreadableFileError as error:
        return _error(str(error))
    except DataFileError as error:
        _say("\n".join(map(str, error.problems)))
        return _EXIT_PROBLEMS
    own = set(account.roles)
    added = tuple(role for role in extra if role not in own)
    try:
        account = attrs.evolve(account, roles=(*account.roles, *added))
    except DuplicateReferenceError as error:
        _say(f"{args.roles}: {error}")
        return _EXIT_PROBLEMS
    try:
        export = to_cedar(account, namespace=args.namespace)
        written = export.write(args.out, schema_format=args.schema_format)
    except OSError as error:
        return _error(_cannot("write", args.out, error))
    policies = [path for path in written if path.parent.name == POLICIES_DIRECTORY]
    for path in written:
        if path not in policies:
            _say(f"wrote {path}")
        elif path == policies[0]:  # one line for the folder of policy files
            _say(f"wrote {len(policies)} policies, one a file, into {path.parent}")
    return 0


def _add_export(commands: argparse._SubParsersAction[_Parser]) -> None:
    export = commands.add_parser(
        "export", help="write the account's rules for another policy engine"
    )
    engines = export.add_subparsers(
        dest="engine", required=True, metavar="ENGINE", parser_class=_Parser
    )
    cedar = engines.add_parser(
        "cedar", help="a Cedar schema, policies and entities, into --out"
    )
    _add_account_argument(cedar)
    cedar.add_argument(
        "--roles",
        metavar="ROLES_FILE",
        help="a roles file (.toml, .json) whose custom roles to add to the account",
    )
    cedar.add_argument(
        "--namespace",
        metavar="NAME",
        help="the Cedar namespace of the entity types and actions (Shop)",
    )
    cedar.add_argument(
        "--schema-format",
        choices=["cedar", "json"],
        default="cedar",
        help="the schema as Cedar's schema text (default) or its JSON form",
    )
    cedar.add_argument(
        "--out", metavar="DIR", required=True, help="the directory to write into"
    )
    cedar.set_defaults(run=_export_cedar)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with *argv* (default: ``sys.argv[1:]``).

    ``--help`` prints the help and exits (``SystemExit``, status 0), as
    argparse does; everything else returns.

    Returns:
        The exit status: 0 for yes or done, 1 for no (denied, or problems
        found), 2 for bad arguments or input.
    """
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except _UsageError as error:
        sys.stderr.write(f"{error}\n")
        return _EXIT_USAGE
    unwritable = _unwritable_argument(args)
    if unwritable is not None:
        return _error(f"the argument {unwritable} is not UTF-8 text")
    run: Callable[[argparse.Namespace], int] = args.run
    try:
        return run(args)
    except CCRolesError as error:
        return _error(str(error))
