"""The administrator's sign-in store commands: status, unlock, init and audit."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ccroles.cli._common import EXIT_DENIED, EXIT_PROBLEMS, Parser, report_error, say
from ccroles.wording import time_text

if TYPE_CHECKING:
    import argparse

    from ccroles.signin_store_pg import PostgresSignInStore
    from ccroles.signin_store_sqlite import SQLiteSignInStore

__all__ = ["add_sign_in_commands"]

# _LAZY: a command imports what only it uses when it runs (see ccroles.cli._main).


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
    from ccroles.signin_store_sqlite import SQLiteSignInStore  # noqa: PLC0415 (see _LAZY)

    return SQLiteSignInStore(target, create=False)


def _sign_in_status(args: argparse.Namespace) -> int:
    """Print the login's lock and count; status 1 while it is locked."""
    from datetime import UTC, datetime  # noqa: PLC0415 (see _LAZY)

    with _open_store(args.store, args.schema) as store:
        state = store.state(args.email, datetime.now(UTC))
    count = f"{state.failures} wrong password{'' if state.failures == 1 else 's'}"
    if state.locked_until is None:
        say(f"{args.email}: not locked; {count} in a row")
        return 0
    until = time_text(state.locked_until)
    say(f"{args.email}: locked until {until}; {count} in a row")
    return EXIT_DENIED


def _unlock(args: argparse.Namespace) -> int:
    with _open_store(args.store, args.schema) as store:
        known = store.unlock(args.email)
    if not known:
        say(f"{args.email}: the store has no record of this login; nothing unlocked")
        return EXIT_PROBLEMS
    say(f"{args.email}: unlocked")
    return 0


def add_sign_in_commands(commands: argparse._SubParsersAction[Parser]) -> None:
    """Add ``sign-in-status``, ``unlock``, ``sign-in-store init``, ``audit``."""
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
        dest="action", metavar="ACTION", required=True, parser_class=Parser
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
            return report_error(f"--since {args.since!r} is not an ISO 8601 time")
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
    say(render_events(events, args.format))
    return 0


def _add_audit(commands: argparse._SubParsersAction[Parser]) -> None:
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


def _add_schema_option(command: Parser) -> None:
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
        say(f"schema {schema!r}: already at version {PG_SCHEMA_VERSION}")
    elif before == 0:
        say(f"schema {schema!r}: created at version {PG_SCHEMA_VERSION}")
    else:  # pragma: no cover (there is one version so far)
        say(f"schema {schema!r}: updated from {before} to {PG_SCHEMA_VERSION}")
    return 0
