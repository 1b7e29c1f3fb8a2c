"""The administrator's bulk access import: ``import-access``, and its emails."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from ccroles.cli._common import (
    EXIT_PROBLEMS,
    Parser,
    add_account_argument,
    cannot,
    report_error,
    say,
)
from ccroles.policy import Engine
from ccroles.serialization import load_account

if TYPE_CHECKING:
    import argparse
    from collections.abc import Sequence

    from ccroles.access_emails import Notification, SetUpNotification
    from ccroles.access_report import ImportReport
    from ccroles.accounts import Account

__all__ = ["add_import_access"]

# _LAZY: a command imports what only it uses when it runs (see ccroles.cli._main).


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
    from ccroles.signin_store_sqlite import SQLiteSignInStore  # noqa: PLC0415 (see _LAZY)

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
        return report_error(problem)
    account = load_account(args.account)
    try:
        with Path(args.csv).open(encoding="utf-8-sig", newline="") as lines:
            report = import_access(account, lines, apply=args.apply)
    except OSError as error:
        return report_error(cannot("read", args.csv, error))
    if report.account is None:
        say(render_report(report))
        if not report.problems:
            say(_dry_run_hint(args))
        return EXIT_PROBLEMS if report.problems else 0
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
            return report_error(
                f"cannot write {output!r}: {reason}; nothing was changed"
            )
    if args.sign_in_store is not None:
        _register(args.sign_in_store, account, report)
    emails: list[Notification | SetUpNotification] = [
        *report.notifications,
        *report.set_up_notifications,
    ]
    written = _write_emails(args.emails, emails) if args.emails is not None else []
    if args.emails != "-":
        say(render_report(report))
        for message in emails:
            say(f"to send: {message.recipient}: {message.subject}")
        for path in written:
            say(f"wrote {path}")
        say(_applied_note(args, report))
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
    from ccroles.signin_store_sqlite import SQLiteSignInStore  # noqa: PLC0415 (see _LAZY)

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
            say(json.dumps(_email_fields(email), ensure_ascii=False))
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


def add_import_access(commands: argparse._SubParsersAction[Parser]) -> None:
    """Add ``import-access``."""
    command = commands.add_parser(
        "import-access",
        help="give or revoke access from a CSV file: a dry run unless --apply",
    )
    add_account_argument(command)
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
