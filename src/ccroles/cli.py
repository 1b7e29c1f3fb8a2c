"""The ``ccroles`` command line: questions about roles, answered from the model.

Usage::

    ccroles --version
    ccroles matrix [--format text|markdown|rst|html|csv|json] [--roles FILE]
        [--role NAME]...
    ccroles role NAME [--format ...] [--roles FILE]
    ccroles diff ROLE_A ROLE_B [--format ...] [--roles FILE]
    ccroles validate FILE...
    ccroles readme [--write] [--roles FILE] FILE
    ccroles check ACCOUNT_FILE EMAIL FEATURE [--website W]
    ccroles explain ACCOUNT_FILE EMAIL FEATURE [--website W]
    ccroles import-access ACCOUNT_FILE CSV_FILE [--apply] [--output NEW_FILE]
        [--emails DIR|-] [--sign-in-store STORE]
    ccroles sign-in-status STORE EMAIL
    ccroles unlock STORE EMAIL
    ccroles sign-in-store init URL [--schema NAME]
    ccroles audit STORE [--email E] [--since T] [--kind K] [--outcome O]
                        [--format table|json]
    ccroles export cedar ACCOUNT_FILE [--roles ROLES_FILE] [--namespace NAME]
                         [--schema-format cedar|json] --out DIR

Each command writes its own output and returns its exit status: 0 for yes
(or done), 1 for no (a denied question, a file or import with problems), 2
for bad arguments or input. Bad arguments print one line on stderr; a file
that does not load prints every problem it has. ``validate`` prints
``FILE: ok`` or every problem of each file. ``check`` prints ``allowed`` or
``denied:`` and the first reason; ``explain`` prints the whole explanation.
``import-access`` checks every place it would write (and the writer each
needs) first, then prints the import's report; with ``--apply`` and no
problem it saves the new account to ``--output``, registers the emails'
set-password links with the ``--sign-in-store`` and writes the whole emails
into ``--emails`` (``.eml`` files, mode 0600; ``-``: JSON lines on stdout).
``sign-in-status`` prints
whether a login of a sign-in store (a SQLite file, or a PostgreSQL database
given as a ``postgresql://`` URL) is locked, until when, and
its wrong passwords in a row (status 1 while locked); ``unlock`` ends a lock
(status 1 when the store has no record of the login, a misspelt email say).
``sign-in-store init`` creates the sign-in store's tables in a PostgreSQL
database (in their own schema), or brings them up to date; running it again
changes nothing. ``audit`` prints the login audit trail of a store, oldest
first, as a table or JSON, only the events of ``--email``, at or after
``--since`` (ISO 8601; UTC when no zone is given), of a ``--kind`` (may be
repeated) or an ``--outcome``.
``export cedar`` writes the account's rules as a Cedar schema (Cedar's text
or, with ``--schema-format json``, its JSON form), policies (in one file, and
one file per policy) and entities into ``--out``, in the Cedar namespace
``--namespace`` if given, and prints the paths written (the policy files as
one line; status 1 when a file has problems).
"""

from __future__ import annotations

import argparse
import os
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

    from ccroles.access_emails import Notification, SetUpNotification
    from ccroles.access_report import ImportReport
    from ccroles.accounts import Account
    from ccroles.render import Format
    from ccroles.roles import Role
    from ccroles.signin_store import SQLiteSignInStore
    from ccroles.signin_store_pg import PostgresSignInStore


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
        for text in value if isinstance(value, list) else [value]:
            if isinstance(text, str) and not is_encodable(text):
                return ascii(text)
    return None


def _roles(args: argparse.Namespace) -> RoleCatalogue:
    """The built-in roles, then the custom roles of the ``--roles`` file."""
    custom = load_roles(args.roles) if args.roles is not None else ()
    return RoleCatalogue((*BUILTIN_ROLES, *custom))


def _chosen_roles(args: argparse.Namespace) -> list[Role]:
    """The roles named by ``--role`` (any case, in order), else every role."""
    roles = _roles(args)
    if not args.role:
        return list(roles.values())
    chosen = [roles[name] for name in args.role]
    return list({role.name: role for role in chosen}.values())  # each once


def _matrix(args: argparse.Namespace) -> int:
    from ccroles.render import render_matrix  # noqa: PLC0415 (see _LAZY)

    _say(render_matrix(feature_matrix(_chosen_roles(args)), args.format))
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


class _Version(argparse.Action):
    """``--version``: print ``ccroles VERSION`` and exit 0, as ``--help`` does."""

    def __call__(self, parser: argparse.ArgumentParser, *_: object) -> NoReturn:
        from importlib.metadata import version  # noqa: PLC0415 (see _LAZY)

        _say(f"ccroles {version('ccroles')}")
        parser.exit()


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="ccroles",
        description="Customer-center roles, permissions and features.",
    )
    parser.add_argument(
        "--version", action=_Version, nargs=0, help="print the version and exit"
    )
    commands = parser.add_subparsers(
        dest="command", required=True, metavar="COMMAND", parser_class=_Parser
    )
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
    document = embed_matrix(file.text, feature_matrix(_roles(args).values()))
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
    _add_roles_option(readme)
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


def _writable(folder: Path) -> str | None:
    """Why files cannot be made in *folder*, if they cannot."""
    if not folder.is_dir():
        return f"the folder {str(folder)!r} does not exist"
    if not os.access(folder, os.W_OK | os.X_OK):
        return f"the folder {str(folder)!r} is not writable"
    return None


def _folder_problem(name: str) -> str | None:
    """Why emails cannot be written into the folder *name* (made if missing)."""
    folder = Path(name)
    if folder.exists() and not folder.is_dir():
        return f"{name!r} is not a folder"
    return _writable(folder if folder.exists() else folder.parent)


def _store_problem(name: str) -> str | None:
    """Why the sign-in store *name* cannot be used, if it cannot."""
    from ccroles.exceptions import SignInStoreError  # noqa: PLC0415 (see _LAZY)
    from ccroles.signin_store import SQLiteSignInStore  # noqa: PLC0415 (see _LAZY)

    store = Path(name)
    if not store.exists():
        return _writable(store.parent)
    try:
        SQLiteSignInStore(store, create=False).close()
    except SignInStoreError as error:
        return str(error)
    return None


def _check_destinations(args: argparse.Namespace) -> str | None:
    """Check every place the import will write, and what it needs, before work."""
    from ccroles.writing import can_write  # noqa: PLC0415 (see _LAZY)

    if args.output is not None:
        can_write(args.output)  # a bad suffix, folder or missing writer
    if args.emails not in {None, "-"}:
        problem = _folder_problem(args.emails)
        if problem is not None:
            return f"--emails: {problem}"
    if args.sign_in_store is not None:
        problem = _store_problem(args.sign_in_store)
        if problem is not None:
            return f"--sign-in-store: {problem}"
    return None


def _import_access(args: argparse.Namespace) -> int:
    """Import the CSV; print the report; save and deliver what it made if asked."""
    from ccroles.access_csv import import_access  # noqa: PLC0415 (see _LAZY)
    from ccroles.access_report import render_report  # noqa: PLC0415 (see _LAZY)

    problem = _check_destinations(args)
    if problem is not None:
        return _error(problem)
    account = load_account(args.account)
    try:
        with Path(args.csv).open(encoding="utf-8-sig", newline="") as lines:
            report = import_access(account, lines, apply=args.apply)
    except OSError as error:
        return _error(_cannot("read", args.csv, error))
    if report.account is None:
        _say(render_report(report))
        if not report.problems:
            _say(_dry_run_hint(args))
        return _EXIT_PROBLEMS if report.problems else 0
    return _deliver(args, report, report.account)


def _dry_run_hint(args: argparse.Namespace) -> str:
    """What ``--apply`` would do with the places given (all checked already)."""
    places = [
        f"{option} {value}"
        for option, value in (
            ("--output", args.output),
            ("--emails", args.emails),
            ("--sign-in-store", args.sign_in_store),
        )
        if value is not None
    ]
    if not places:
        return "checked: give --apply with --output FILE and --emails DIR to apply"
    return f"checked, for --apply: {', '.join(places)}"


def _deliver(args: argparse.Namespace, report: ImportReport, account: Account) -> int:
    """Save the new account, register the links, write the emails: in order."""
    from ccroles.access_report import render_report  # noqa: PLC0415 (see _LAZY)
    from ccroles.writing import dump_account  # noqa: PLC0415 (see _LAZY)

    output: str | None = args.output
    if output is not None:
        try:
            # The new account file is where the portal keeps its logins, so it
            # keeps their password hashes (salted scrypt; never a password).
            dump_account(account, output, include_secrets=True)
        except (OSError, UnicodeEncodeError) as error:
            reason = error if isinstance(error, OSError) else "text UTF-8 cannot write"
            return _error(f"cannot write {output!r}: {reason}; nothing was changed")
    if args.sign_in_store is not None:
        _register(args.sign_in_store, account, report)
    emails: list[Notification | SetUpNotification] = [
        *report.notifications,
        *report.set_up_notifications,
    ]
    written = _write_emails(args.emails, emails) if args.emails is not None else []
    if args.emails != "-":
        _say(render_report(report))
        for message in emails:
            _say(f"to send: {message.recipient}: {message.subject}")
        for path in written:
            _say(f"wrote {path}")
        _say(_applied_note(args, report))
    return 0


def _applied_note(args: argparse.Namespace, report: ImportReport) -> str:
    """Where the new account went, and what is left to do with the links."""
    lines = [
        "not saved: give --output FILE to save the new account"
        if args.output is None
        else f"saved the new account to {args.output}"
    ]
    if report.notifications and args.sign_in_store is None:
        lines.append(
            "note: the set-password links are registered with no sign-in store "
            "(give --sign-in-store FILE): the portal will not accept them"
        )
    elif report.notifications:
        lines.append(f"registered the set-password links with {args.sign_in_store}")
    if (report.notifications or report.set_up_notifications) and args.emails is None:
        lines.append("note: the emails were not written (give --emails DIR)")
    return "\n".join(lines)


def _register(name: str, account: Account, report: ImportReport) -> None:
    """Keep each notification's set-password link in the sign-in store *name*."""
    from ccroles.signin import SignIn  # noqa: PLC0415 (see _LAZY)
    from ccroles.signin_store import SQLiteSignInStore  # noqa: PLC0415 (see _LAZY)

    with SQLiteSignInStore(name) as store:
        sign_in = SignIn(Engine(account), store)
        for notification in report.notifications:
            sign_in.register(notification)


def _write_emails(
    destination: str, emails: Sequence[Notification | SetUpNotification]
) -> list[Path]:
    """Write each email: ``.eml`` files (mode 0600) into a folder, or JSON lines.

    With ``-`` each email is one JSON object on stdout (``from``, ``to``,
    ``subject``, ``body``); else one file per email, ``NNNN-RECIPIENT.eml``,
    readable by its owner only (a link sets a password), never replacing one.
    """
    import json  # noqa: PLC0415 (see _LAZY)

    if destination == "-":
        for email in emails:
            _say(json.dumps(_email_fields(email), ensure_ascii=False))
        return []
    folder = Path(destination)
    folder.mkdir(mode=0o700, exist_ok=True)
    written = []
    for number, email in enumerate(emails, 1):
        path = folder / f"{number:04d}-{_file_name(email.recipient)}.eml"
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as out:
            out.write(_eml(email))
        written.append(path)
    return written


def _email_fields(email: Notification | SetUpNotification) -> dict[str, str]:
    return {
        "from": email.settings.administrator_email,
        "to": email.recipient,
        "subject": email.subject,
        "body": email.body,
    }


def _eml(email: Notification | SetUpNotification) -> bytes:
    """The email as an RFC 5322 message (what a mail client or sendmail reads)."""
    from email.message import EmailMessage  # noqa: PLC0415 (see _LAZY)
    from email.policy import SMTP  # noqa: PLC0415 (see _LAZY)

    fields = _email_fields(email)
    message = EmailMessage(policy=SMTP)
    message["From"] = fields["from"]
    message["To"] = fields["to"]
    message["Subject"] = fields["subject"]
    body = fields["body"]
    message.set_content(body, cte="7bit" if body.isascii() else "8bit")  # links whole
    return message.as_bytes()


def _file_name(email: str) -> str:
    """An email as a file name: letters, digits, ``@``, ``.``, ``-``, ``_``."""
    safe = "".join(
        c if c.isascii() and (c.isalnum() or c in "@._-") else "_" for c in email
    )
    return safe.lstrip(".")[:100] or "email"


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
        "password hashes included (a dry run checks it can)",
    )
    command.add_argument(
        "--emails",
        metavar="DIR",
        help="with --apply: write each email into DIR as a .eml file (mode 0600), "
        "or as JSON lines on stdout with '-'",
    )
    command.add_argument(
        "--sign-in-store",
        metavar="FILE",
        help="with --apply: register the set-password links with this sign-in "
        "store (a SQLite file, created if missing), so that they work",
    )
    command.set_defaults(run=_import_access)


_POSTGRES_PREFIXES = ("postgresql://", "postgres://")


def _open_store(
    target: str, schema: str | None
) -> SQLiteSignInStore | PostgresSignInStore:
    """The store *target* names: a PostgreSQL URL, else a SQLite file."""
    if target.startswith(_POSTGRES_PREFIXES):
        from ccroles.signin_store_pg import (  # noqa: PLC0415 (see _LAZY)
            DEFAULT_SCHEMA,
            PostgresSignInStore,
        )

        return PostgresSignInStore(target, schema=schema or DEFAULT_SCHEMA)
    from ccroles.signin_store import SQLiteSignInStore  # noqa: PLC0415 (see _LAZY)

    return SQLiteSignInStore(target, create=False)


def _sign_in_status(args: argparse.Namespace) -> int:
    """Print the login's lock and count; status 1 while it is locked."""
    from datetime import UTC, datetime  # noqa: PLC0415 (see _LAZY)

    with _open_store(args.store, args.schema) as store:
        state = store.state(args.email, datetime.now(UTC))
    count = f"{state.failures} wrong password{'' if state.failures == 1 else 's'}"
    if state.locked_until is None:
        _say(f"{args.email}: not locked; {count} in a row")
        return 0
    until = time_text(state.locked_until)
    _say(f"{args.email}: locked until {until}; {count} in a row")
    return _EXIT_DENIED


def _unlock(args: argparse.Namespace) -> int:
    with _open_store(args.store, args.schema) as store:
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
        command.add_argument(
            "store",
            metavar="STORE",
            help="a sign-in store file, or a postgresql:// URL",
        )
        command.add_argument("email", metavar="EMAIL", help="the login email")
        _add_schema_option(command)
        command.set_defaults(run=run)
    store = commands.add_parser(
        "sign-in-store", help="set up a sign-in store in PostgreSQL"
    )
    actions = store.add_subparsers(
        dest="action", metavar="ACTION", required=True, parser_class=_Parser
    )
    init = actions.add_parser(
        "init",
        help="create the store's tables in their own schema, or bring them up "
        "to date (running it again changes nothing)",
    )
    init.add_argument(
        "url",
        metavar="URL",
        help="the database, as a postgresql:// URL or libpq connection string",
    )
    _add_schema_option(init)
    init.set_defaults(run=_init_store)
    _add_audit(commands)


def _audit(args: argparse.Namespace) -> int:
    """Print the trail's events that answer the options."""
    from datetime import UTC, datetime  # noqa: PLC0415 (see _LAZY)

    from ccroles.audit import (  # noqa: PLC0415 (see _LAZY)
        AuditKind,
        AuditOutcome,
        AuditQuery,
        render_events,
    )

    since = None
    if args.since is not None:
        try:
            since = datetime.fromisoformat(args.since)
        except ValueError:
            return _error(f"--since {args.since!r} is not an ISO 8601 time")
        if since.utcoffset() is None:
            since = since.replace(tzinfo=UTC)
    query = AuditQuery(
        email=args.email,
        since=since,
        kinds=tuple(AuditKind(kind) for kind in args.kind or ()),
        outcome=None if args.outcome is None else AuditOutcome(args.outcome),
    )
    with _open_store(args.store, args.schema) as store:
        events = store.events(query)
    _say(render_events(events, args.format))
    return 0


def _add_audit(commands: argparse._SubParsersAction[_Parser]) -> None:
    from ccroles.audit import AuditKind, AuditOutcome  # noqa: PLC0415 (see _LAZY)

    audit = commands.add_parser(
        "audit", help="the login audit trail of a sign-in store, oldest first"
    )
    audit.add_argument(
        "store", metavar="STORE", help="a sign-in store file, or a postgresql:// URL"
    )
    audit.add_argument("--email", metavar="E", help="only this login's events")
    audit.add_argument(
        "--since",
        metavar="T",
        help="only events at or after this time (ISO 8601; UTC without a zone)",
    )
    audit.add_argument(
        "--kind",
        metavar="K",
        action="append",
        choices=[kind.value for kind in AuditKind],
        help="only events of this kind (may be repeated)",
    )
    audit.add_argument(
        "--outcome",
        metavar="O",
        choices=[outcome.value for outcome in AuditOutcome],
        help="only events with this outcome (allowed, denied, done)",
    )
    audit.add_argument("--format", choices=("table", "json"), default="table")
    _add_schema_option(audit)
    audit.set_defaults(run=_audit)


def _add_schema_option(command: _Parser) -> None:
    command.add_argument(
        "--schema",
        metavar="NAME",
        help="with PostgreSQL: the schema of the store's tables "
        "(default: ccroles_signin)",
    )


def _init_store(args: argparse.Namespace) -> int:
    """Create or update the PostgreSQL store's schema; say what was done."""
    from ccroles.signin_store_pg import (  # noqa: PLC0415 (see _LAZY)
        DEFAULT_SCHEMA,
        PG_SCHEMA_VERSION,
        PostgresSignInStore,
    )

    schema = args.schema or DEFAULT_SCHEMA
    before = PostgresSignInStore.init(args.url, schema=schema)
    if before == PG_SCHEMA_VERSION:
        _say(f"schema {schema!r}: already at version {PG_SCHEMA_VERSION}")
    elif before == 0:
        _say(f"schema {schema!r}: created at version {PG_SCHEMA_VERSION}")
    else:  # pragma: no cover (there is one version so far)
        _say(f"schema {schema!r}: updated from {before} to {PG_SCHEMA_VERSION}")
    return 0


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

    ``--help`` and ``--version`` print and exit (``SystemExit``, status 0),
    as argparse does; everything else returns.

    Returns:
        The exit status: 0 for yes or done, 1 for no (denied, or problems
        found), 2 for bad arguments or input.
    """
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except _UsageError as error:
        _write(sys.stderr, f"{error}\n")
        return _EXIT_USAGE
    unwritable = _unwritable_argument(args)
    if unwritable is not None:
        return _error(f"the argument {unwritable} is not UTF-8 text")
    run: Callable[[argparse.Namespace], int] = args.run
    try:
        return run(args)
    except CCRolesError as error:
        return _error(str(error))
