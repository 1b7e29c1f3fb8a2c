"""What the SQL sign-in stores share: every step, written once over SQL.

:class:`SQLSignInStore` holds the steps of the
:class:`~ccroles.signin_store.SignInStore` contract for a database reached
through a DB-API cursor: each step reads a login's record, lets
:mod:`ccroles.signin_rules` decide the change, and writes it back, in one
transaction. A dialect (:class:`~ccroles.signin_store_sqlite.SQLiteSignInStore`,
:class:`~ccroles.signin_store_pg.PostgresSignInStore`) gives the hooks: its
statements (:class:`Statements`, with its placeholder), how a transaction
starts and what it locks, how times are kept, and how expired records are
forgotten. Opening, creating and migrating a database are the dialect's own.
"""

from __future__ import annotations

import abc
from typing import TYPE_CHECKING, Any, Final, Protocol, Self

import attrs

from ccroles.audit import AuditEvent, AuditKind, AuditOutcome, AuditQuery
from ccroles.names import email_key
from ccroles.signin_rules import (
    LINK_CLOSED,
    LINK_OPEN,
    LINK_REPLACED,
    LINK_USED,
    NO_RECORD,
    LinkKind,
    LinkRecord,
    LinkStatus,
    LinkUse,
    LoginRecord,
    LoginState,
    Reservation,
    current,
    link_use,
    observed,
    redeemed,
    reserved,
    settled,
)

if TYPE_CHECKING:
    from collections.abc import Callable
    from contextlib import AbstractContextManager
    from datetime import datetime, timedelta

__all__ = [
    "STATEMENTS",
    "Cursor",
    "SQLSignInStore",
    "Statements",
    "event_columns",
    "event_from_columns",
    "query_parameters",
]


class Cursor(Protocol):
    """The part of a DB-API cursor the stores use (sqlite3's and psycopg's)."""

    @property
    def rowcount(self) -> int:
        """How many rows the last statement changed."""

    def execute(self, statement: Any, parameters: Any = ..., /) -> Any:
        """Run *statement* with *parameters*; the cursor, to fetch from."""


@attrs.frozen
class Statements:
    """The statements of the steps, in one dialect's positional placeholder.

    :data:`STATEMENTS` are written with ``?``; :meth:`with_mark` gives them
    with another. Each statement's parameters are named in its docstring.
    """

    read_login: str
    """Read a login's record (email)."""
    write_login: str
    """Write a login's record (email, then its five columns)."""
    forget_unknown: str
    """Delete the record of an email no login has (email)."""
    unlock_login: str
    """End a login's lock and restart its count (email)."""
    close_links: str
    """Give a login's open links another state (new state, email, open)."""
    add_link: str
    """Keep a link (digest, email, kind, expires, state)."""
    find_link: str
    """Read a link (digest)."""
    use_link: str
    """Give one link a state (state, digest)."""
    insert_event: str
    """Append an event (its time, then :func:`event_columns`)."""
    prune_events: str
    """Delete the events older than a time (the time)."""

    def with_mark(self, mark: str) -> Statements:
        """The same statements with *mark* (``%s``) as the placeholder for ``?``."""
        return Statements(
            *(statement.replace("?", mark) for statement in attrs.astuple(self))
        )


STATEMENTS: Final = Statements(
    read_login="SELECT failures, locked_until, credentials, changed, expires "
    "FROM logins WHERE email = ?",
    write_login="INSERT INTO logins "
    "(email, failures, locked_until, credentials, changed, expires) "
    "VALUES (?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (email) DO UPDATE SET "
    "failures = excluded.failures, locked_until = excluded.locked_until, "
    "credentials = excluded.credentials, changed = excluded.changed, "
    "expires = excluded.expires",
    forget_unknown="DELETE FROM logins WHERE email = ? AND credentials IS NULL",
    unlock_login="UPDATE logins SET failures = 0, locked_until = NULL WHERE email = ?",
    close_links="UPDATE links SET state = ? WHERE email = ? AND state = ?",
    add_link="INSERT INTO links (digest, email, kind, expires, state) "
    "VALUES (?, ?, ?, ?, ?) "
    "ON CONFLICT (digest) DO UPDATE SET email = excluded.email, "
    "kind = excluded.kind, expires = excluded.expires, state = excluded.state",
    find_link="SELECT email, kind, expires, state FROM links WHERE digest = ?",
    use_link="UPDATE links SET state = ? WHERE digest = ?",
    insert_event="INSERT INTO events "
    "(at, kind, login, outcome, reasons, actor, client) "
    "VALUES (?, ?, ?, ?, ?, ?, ?)",
    prune_events="DELETE FROM events WHERE at < ?",
)
"""The statements with SQLite's ``?`` placeholder (see :meth:`Statements.with_mark`)."""


def event_columns(
    event: AuditEvent,
) -> tuple[str, str | None, str, str, str | None, str | None]:
    """The columns of *event* after its time: kind, login, outcome, reasons, ..."""
    return (
        event.kind.value,
        event.login,
        event.outcome.value,
        ",".join(event.reasons),
        event.actor,
        event.client,
    )


def event_from_columns(  # noqa: PLR0913, PLR0917 (the columns of one event, as read)
    at: datetime,
    kind: str,
    login: str | None,
    outcome: str,
    reasons: str,
    actor: str | None,
    client: str | None,
) -> AuditEvent:
    """An event read back from its columns."""
    return AuditEvent(
        at,
        AuditKind(kind),
        login,
        AuditOutcome(outcome),
        tuple(reasons.split(",")) if reasons else (),
        actor=actor,
        client=client,
    )


def query_parameters(query: AuditQuery) -> dict[str, object]:
    """A query's conditions, but its times, as the named parameters of the SQL."""
    return {
        "email": None if query.email is None else email_key(query.email),
        "kinds": "," + ",".join(kind.value for kind in query.kinds) + ","
        if query.kinds
        else None,
        "outcome": None if query.outcome is None else query.outcome.value,
    }


_EVERY_EVENT: Final = AuditQuery()


class SQLSignInStore(abc.ABC):
    """The steps of a sign-in store over SQL; a dialect gives the hooks.

    Every change is one :meth:`_transaction`, holding the lock of the logins
    it names; a read that changes nothing is one :meth:`_reading`.
    """

    _SQL: Statements
    """The dialect's statements."""
    _SELECT_EVENTS: str
    """The events query, with the named parameters of :func:`query_parameters`
    and ``since``, ``until``."""

    @abc.abstractmethod
    def close(self) -> None:
        """Close the store's connections."""

    def __enter__(self) -> Self:
        """Use the store in a ``with`` block; it is closed at the end."""
        return self

    def __exit__(self, *_: object) -> None:
        """Close the store."""
        self.close()

    @abc.abstractmethod
    def _transaction(self, *keys: str) -> AbstractContextManager[Cursor]:
        """One transaction that holds the lock of each login in *keys*."""

    @abc.abstractmethod
    def _reading(self) -> AbstractContextManager[Cursor]:
        """A read that takes no login's lock."""

    @abc.abstractmethod
    def _locking_link(self, digest: bytes) -> AbstractContextManager[Cursor]:
        """One transaction that holds the lock of the link's login."""

    @abc.abstractmethod
    def _forget_expired(self, cursor: Cursor, key: str, now: datetime) -> None:
        """Forget the records of emails no login has that expired by *now*."""

    @abc.abstractmethod
    def _column(self, moment: datetime) -> object:
        """*moment* as the database keeps it."""

    @abc.abstractmethod
    def _moment(self, value: Any) -> datetime:
        """A time read back from the database."""

    @abc.abstractmethod
    def _maybe_column(self, moment: datetime | None) -> object:
        """:meth:`_column`, or ``None`` for ``None``."""

    @abc.abstractmethod
    def _maybe_moment(self, value: Any) -> datetime | None:
        """:meth:`_moment`, or ``None`` for ``None``."""

    def _read(self, cursor: Cursor, key: str) -> LoginRecord | None:
        found = cursor.execute(self._SQL.read_login, (key,)).fetchone()
        if found is None:
            return None
        failures, locked_until, credentials, changed, expires = found
        return LoginRecord(
            failures,
            self._maybe_moment(locked_until),
            None if credentials is None else bytes(credentials),
            self._maybe_moment(changed),
            self._maybe_moment(expires),
        )

    def _write(self, cursor: Cursor, key: str, record: LoginRecord) -> None:
        cursor.execute(
            self._SQL.write_login,
            (
                key,
                record.failures,
                self._maybe_column(record.locked_until),
                record.credentials,
                self._maybe_column(record.changed),
                self._maybe_column(record.expires),
            ),
        )

    def _close_links(self, cursor: Cursor, key: str, state: str) -> None:
        cursor.execute(self._SQL.close_links, (state, key, LINK_OPEN))

    def _find(self, cursor: Cursor, digest: bytes) -> LinkRecord | None:
        found = cursor.execute(self._SQL.find_link, (digest,)).fetchone()
        if found is None:
            return None
        email, kind, expires, state = found
        return email, LinkKind(kind), self._moment(expires), state

    def _insert_event(self, cursor: Cursor, event: AuditEvent) -> None:
        columns = (self._column(event.at), *event_columns(event))
        cursor.execute(self._SQL.insert_event, columns)

    def state(self, email: str, now: datetime) -> LoginState:
        """See :meth:`~ccroles.signin_store.SignInStore.state`."""
        with self._reading() as cursor:
            record = self._read(cursor, email_key(email)) or NO_RECORD
            return current(record, now).state

    def reserve(
        self,
        email: str,
        now: datetime,
        max_failures: int,
        lock_for: timedelta,
        credentials: bytes | None = None,
    ) -> Reservation:
        """See :meth:`~ccroles.signin_store.SignInStore.reserve`."""
        key = email_key(email)
        with self._transaction(key) as cursor:
            self._forget_expired(cursor, key, now)
            found = self._read(cursor, key) or NO_RECORD
            record, changed = observed(found, now, credentials)
            if changed:
                self._close_links(cursor, key, LINK_CLOSED)
            record, granted = reserved(record, now, max_failures, lock_for)
            self._write(cursor, key, record)
            return Reservation(granted, record.state)

    def settle(
        self,
        email: str,
        now: datetime,
        reserved: LoginState,
        *,
        right: bool,
        event: Callable[[LoginState], AuditEvent] | None = None,
    ) -> LoginState:
        """See :meth:`~ccroles.signin_store.SignInStore.settle`."""
        key = email_key(email)
        with self._transaction(key) as cursor:
            found = self._read(cursor, key)
            record = settled(found or NO_RECORD, now, reserved, right=right)
            if found is not None and record != found:
                self._write(cursor, key, record)
            if event is not None:
                self._insert_event(cursor, event(record.state))
            return record.state

    def record_failure(
        self, email: str, now: datetime, max_failures: int, lock_for: timedelta
    ) -> LoginState:
        """Count one wrong password (a reservation found wrong); the state after.

        The login's recorded credentials are left as they are.
        """
        key = email_key(email)
        with self._transaction(key) as cursor:
            found = self._read(cursor, key) or NO_RECORD
            record, _ = reserved(found, now, max_failures, lock_for)
            self._write(cursor, key, record)
            return record.state

    def record_success(self, email: str, now: datetime) -> LoginState:
        """Count one right password (:meth:`settle` with *right*)."""
        return self.settle(email, now, LoginState(), right=True)

    def observe(
        self,
        email: str,
        now: datetime,
        credentials: bytes | None,
        *,
        changed: bool = False,
    ) -> datetime | None:
        """See :meth:`~ccroles.signin_store.SignInStore.observe`."""
        key = email_key(email)
        with self._reading() as cursor:
            found = self._read(cursor, key) or NO_RECORD
        _, closes = observed(found, now, credentials, changed=changed)
        if not closes:  # the usual answer, read without a lock
            return found.changed
        with self._transaction(key) as cursor:
            found = self._read(cursor, key) or NO_RECORD
            record, closes = observed(found, now, credentials, changed=changed)
            if closes:
                self._close_links(cursor, key, LINK_CLOSED)
                self._write(cursor, key, record)
            return record.changed

    def unlock(self, email: str) -> bool:
        """See :meth:`~ccroles.signin_store.SignInStore.unlock`."""
        key = email_key(email)
        with self._transaction(key) as cursor:
            if cursor.execute(self._SQL.forget_unknown, (key,)).rowcount:
                return True
            return bool(cursor.execute(self._SQL.unlock_login, (key,)).rowcount)

    def add_link(  # noqa: PLR0913 (a link, the time and its login's credentials)
        self,
        email: str,
        kind: LinkKind,
        digest: bytes,
        expires: datetime,
        *,
        now: datetime,
        credentials: bytes | None,
    ) -> None:
        """See :meth:`~ccroles.signin_store.SignInStore.add_link`."""
        key = email_key(email)
        with self._transaction(key) as cursor:
            found = self._read(cursor, key) or NO_RECORD
            record, changed = observed(found, now, credentials)
            if changed:
                self._write(cursor, key, record)
            self._close_links(cursor, key, LINK_CLOSED if changed else LINK_REPLACED)
            cursor.execute(
                self._SQL.add_link,
                (digest, key, kind.value, self._column(expires), LINK_OPEN),
            )

    def peek_link(self, digest: bytes, now: datetime) -> LinkUse:
        """See :meth:`~ccroles.signin_store.SignInStore.peek_link`."""
        with self._reading() as cursor:
            return link_use(self._find(cursor, digest), now)

    def use_link(
        self, digest: bytes, now: datetime, before: bytes | None, after: bytes | None
    ) -> LinkUse:
        """See :meth:`~ccroles.signin_store.SignInStore.use_link`."""
        with self._locking_link(digest) as cursor:
            use = link_use(self._find(cursor, digest), now)
            if use.status is not LinkStatus.ACCEPTED or use.email is None:
                return use
            key = use.email
            found = self._read(cursor, key) or NO_RECORD
            record, closes = observed(found, now, before)
            self._close_links(cursor, key, LINK_CLOSED)
            if closes:
                self._write(cursor, key, record)
                return attrs.evolve(use, status=LinkStatus.CLOSED)
            cursor.execute(self._SQL.use_link, (LINK_USED, digest))
            self._write(cursor, key, redeemed(record, now, after))
            return use

    def record_event(self, event: AuditEvent) -> None:
        """See :meth:`~ccroles.signin_store.SignInStore.record_event`."""
        with self._transaction() as cursor:
            self._insert_event(cursor, event)

    def events(self, query: AuditQuery = _EVERY_EVENT) -> tuple[AuditEvent, ...]:
        """See :meth:`~ccroles.signin_store.SignInStore.events`."""
        parameters = query_parameters(query)
        parameters["since"] = self._maybe_column(query.since)
        parameters["until"] = self._maybe_column(query.until)
        with self._reading() as cursor:
            rows = cursor.execute(self._SELECT_EVENTS, parameters).fetchall()
        return tuple(event_from_columns(self._moment(at), *rest) for at, *rest in rows)

    def prune_events(self, before: datetime) -> int:
        """See :meth:`~ccroles.signin_store.SignInStore.prune_events`."""
        with self._transaction() as cursor:
            pruned = cursor.execute(self._SQL.prune_events, (self._column(before),))
            return int(pruned.rowcount)
