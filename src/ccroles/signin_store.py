"""Where sign-in state lives: attempts, locks, credential changes and links.

A :class:`SignInStore` keeps, per login email (any case), the wrong passwords
in a row and the end of a lock, a fingerprint of the login's credentials and
when they last changed, and the links issued (set-password and reset
links). It never holds a password or a token: links are kept as the SHA-256
digest of their token, credentials as a digest of the password hash and the
access flag. Each method is one atomic step.

An attempt is two steps: :meth:`~SignInStore.reserve` counts it as a wrong
password *before* the password is checked (and sets the lock when that count
reaches the limit), so however many attempts arrive at once, at most the
limit are ever checked; :meth:`~SignInStore.settle` then forgets the count
when the password was right and the login is not locked.

Three stores, under the same rules (:mod:`ccroles.signin_rules`, which also
holds the values they answer with): :class:`MemorySignInStore` (tests, one
process), :class:`~ccroles.signin_store_sqlite.SQLiteSignInStore`, the
persistent default (one SQLite file), and
:class:`~ccroles.signin_store_pg.PostgresSignInStore` (one database for
several web servers). The time is always passed in, so tests never sleep.

>>> from datetime import UTC, datetime, timedelta
>>> store = MemorySignInStore()
>>> now = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
>>> for _ in range(5):
...     state = store.record_failure("ap@acme.example", now, 5, timedelta(minutes=30))
>>> state.locked
True
>>> store.reserve("ap@acme.example", now, 5, timedelta(minutes=30)).granted
False
>>> store.state("AP@acme.example", now + timedelta(minutes=30))
LoginState(failures=0, locked_until=None)
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Final, Protocol

import attrs

from ccroles._deprecation import moved_names
from ccroles.audit import AuditEvent, AuditQuery
from ccroles.names import email_key
from ccroles.signin_rules import (
    LINK_CLOSED,
    LINK_OPEN,
    LINK_REPLACED,
    LINK_USED,
    NO_RECORD,
    LinkRecord,
    LoginRecord,
    current,
    link_use,
    observed,
    redeemed,
    reserved,
    settled,
    unlocked,
)

# The values a store answers with live in ccroles.signin_rules; this module
# names them in its protocol, and so keeps them importable from here.
from ccroles.signin_rules import LinkKind as LinkKind  # noqa: PLC0414 (re-exported)
from ccroles.signin_rules import LinkStatus as LinkStatus  # noqa: PLC0414 (re-exported)
from ccroles.signin_rules import LinkUse as LinkUse  # noqa: PLC0414 (re-exported)
from ccroles.signin_rules import LoginState as LoginState  # noqa: PLC0414 (re-exported)
from ccroles.signin_rules import Reservation as Reservation  # noqa: PLC0414 (re-exported)

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import datetime, timedelta

__all__ = ["MemorySignInStore", "SignInStore"]

__getattr__ = moved_names(
    __name__,
    {
        "APPLICATION_ID": "ccroles.signin_store_sqlite",
        "SCHEMA_VERSION": "ccroles.signin_store_sqlite",
        "SQLiteSignInStore": "ccroles.signin_store_sqlite",
    },
)


class SignInStore(Protocol):
    """What :class:`ccroles.signin.SignIn` needs of a store.

    Emails match ignoring case. Each method is one atomic step. *now* is
    always given by the caller (an aware datetime). *credentials* is the
    digest of a login's credentials (``None`` for an email no login has): a
    value other than the one the store holds means they changed at *now*,
    which closes the login's open links.
    """

    def state(self, email: str, now: datetime) -> LoginState:
        """The login's state at *now* (an ended lock reads as no lock)."""

    def reserve(
        self,
        email: str,
        now: datetime,
        max_failures: int,
        lock_for: timedelta,
        credentials: bytes | None = None,
    ) -> Reservation:
        """Count an attempt as a wrong password before its password is checked.

        While the login is locked nothing is counted and the reservation is
        not granted. Else the count goes up by one, and the *max_failures*-th
        in a row locks the login for *lock_for*. A login no account has
        (*credentials* ``None``) is forgotten when its lock ends, or
        *lock_for* after its last wrong password.
        """

    def settle(
        self,
        email: str,
        now: datetime,
        reserved: LoginState,
        *,
        right: bool,
        event: Callable[[LoginState], AuditEvent] | None = None,
    ) -> LoginState:
        """End a granted attempt, *reserved* being its reservation's state.

        A right password restarts the count, unless the login is locked:
        the lock holds, unless this very attempt set it and nothing was
        counted since (the right password was the last one allowed).
        *event*, given the state after, makes the attempt's audit event,
        appended in the same step.
        """

    def observe(
        self,
        email: str,
        now: datetime,
        credentials: bytes | None,
        *,
        changed: bool = False,
    ) -> datetime | None:
        """When the login's credentials last changed, recording *credentials*.

        Credentials other than those recorded (or *changed*) are a change
        at *now*, which closes the login's open links. ``None`` when the
        store has no record of the login and *credentials* is ``None``.
        """

    def unlock(self, email: str) -> bool:
        """End the login's lock and restart its count; whether it had a record."""

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
        """Keep a new link's digest; the login's older links are replaced."""

    def peek_link(self, digest: bytes, now: datetime) -> LinkUse:
        """What using the link would find, without using it."""

    def use_link(
        self, digest: bytes, now: datetime, before: bytes | None, after: bytes | None
    ) -> LinkUse:
        """Use the link, if its login's credentials are still *before*.

        When accepted, the link is used, the login's lock cleared, and its
        credentials recorded as *after*, changed at *now* (its other links
        close). When the credentials are no longer *before*, the change is
        recorded and the link is refused as closed.
        """

    def record_event(self, event: AuditEvent) -> None:
        """Append *event* to the login audit trail."""

    def events(self, query: AuditQuery = ...) -> tuple[AuditEvent, ...]:
        """The trail's events that answer *query*, oldest first."""

    def prune_events(self, before: datetime) -> int:
        """Forget the events older than *before*; how many were forgotten."""

    def close(self) -> None:
        """Release the store's resources."""


_EVERY_EVENT: Final = AuditQuery()


class MemorySignInStore:
    """A store in memory: for tests and a single process; lost when it ends.

    Safe to share between threads: each method holds one lock, so a
    reservation and the count it reads are one step.

    >>> from datetime import UTC, datetime, timedelta
    >>> store = MemorySignInStore()
    >>> now = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    >>> store.record_failure("ap@acme.example", now, 5, timedelta(minutes=30))
    LoginState(failures=1, locked_until=None)
    >>> store.record_success("ap@acme.example", now)
    LoginState(failures=0, locked_until=None)
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rows: dict[str, LoginRecord] = {}
        self._links: dict[bytes, LinkRecord] = {}
        self._events: list[AuditEvent] = []

    def __repr__(self) -> str:
        """Show how many logins have a state, nothing of them."""
        return f"MemorySignInStore(<{len(self._rows)} logins>)"

    def _forget_expired(self, now: datetime) -> None:
        for key, row in list(self._rows.items()):
            if row.expires is not None and now >= row.expires:
                del self._rows[key]

    def _close_links(self, key: str, state: str) -> None:
        for digest, (holder, kind, expires, old) in list(self._links.items()):
            if holder == key and old == LINK_OPEN:
                self._links[digest] = (holder, kind, expires, state)

    def state(self, email: str, now: datetime) -> LoginState:
        """See :meth:`SignInStore.state`."""
        with self._lock:
            row = self._rows.get(email_key(email), NO_RECORD)
            return current(row, now).state

    def reserve(
        self,
        email: str,
        now: datetime,
        max_failures: int,
        lock_for: timedelta,
        credentials: bytes | None = None,
    ) -> Reservation:
        """See :meth:`SignInStore.reserve`."""
        key = email_key(email)
        with self._lock:
            self._forget_expired(now)
            row, changed = observed(self._rows.get(key, NO_RECORD), now, credentials)
            if changed:
                self._close_links(key, LINK_CLOSED)
            row, granted = reserved(row, now, max_failures, lock_for)
            self._rows[key] = row
            return Reservation(granted, row.state)

    def settle(
        self,
        email: str,
        now: datetime,
        reserved: LoginState,
        *,
        right: bool,
        event: Callable[[LoginState], AuditEvent] | None = None,
    ) -> LoginState:
        """See :meth:`SignInStore.settle`."""
        key = email_key(email)
        with self._lock:
            row = settled(self._rows.get(key, NO_RECORD), now, reserved, right=right)
            if key in self._rows:
                self._rows[key] = row
            if event is not None:
                self._events.append(event(row.state))
            return row.state

    def record_failure(
        self, email: str, now: datetime, max_failures: int, lock_for: timedelta
    ) -> LoginState:
        """Count one wrong password (a reservation found wrong); the state after.

        The login's recorded credentials are left as they are.
        """
        key = email_key(email)
        with self._lock:
            row, _ = reserved(
                self._rows.get(key, NO_RECORD), now, max_failures, lock_for
            )
            self._rows[key] = row
            return row.state

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
        """See :meth:`SignInStore.observe`."""
        key = email_key(email)
        with self._lock:
            row, closes = observed(
                self._rows.get(key, NO_RECORD), now, credentials, changed=changed
            )
            if closes:
                self._close_links(key, LINK_CLOSED)
                self._rows[key] = row
            return row.changed

    def unlock(self, email: str) -> bool:
        """See :meth:`SignInStore.unlock`."""
        key = email_key(email)
        with self._lock:
            row = self._rows.get(key)
            if row is None:
                return False
            if row.credentials is None:
                del self._rows[key]
            else:
                self._rows[key] = unlocked(row)
            return True

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
        """See :meth:`SignInStore.add_link`."""
        key = email_key(email)
        with self._lock:
            row, changed = observed(self._rows.get(key, NO_RECORD), now, credentials)
            if changed:  # as the SQL stores: a login without credentials gets no row
                self._rows[key] = row
            self._close_links(key, LINK_CLOSED if changed else LINK_REPLACED)
            self._links[digest] = (key, kind, expires, LINK_OPEN)

    def peek_link(self, digest: bytes, now: datetime) -> LinkUse:
        """See :meth:`SignInStore.peek_link`."""
        with self._lock:
            return link_use(self._links.get(digest), now)

    def use_link(
        self, digest: bytes, now: datetime, before: bytes | None, after: bytes | None
    ) -> LinkUse:
        """See :meth:`SignInStore.use_link`."""
        with self._lock:
            link = self._links.get(digest)
            use = link_use(link, now)
            if link is None or use.status is not LinkStatus.ACCEPTED:
                return use
            key = link[0]
            row, closes = observed(self._rows.get(key, NO_RECORD), now, before)
            if closes:
                self._rows[key] = row
                self._close_links(key, LINK_CLOSED)
                return attrs.evolve(use, status=LinkStatus.CLOSED)
            self._links[digest] = (key, link[1], link[2], LINK_USED)
            self._close_links(key, LINK_CLOSED)
            self._rows[key] = redeemed(row, now, after)
            return use

    def record_event(self, event: AuditEvent) -> None:
        """See :meth:`SignInStore.record_event`."""
        with self._lock:
            self._events.append(event)

    def events(self, query: AuditQuery = _EVERY_EVENT) -> tuple[AuditEvent, ...]:
        """See :meth:`SignInStore.events`."""
        with self._lock:
            found = [event for event in self._events if event.matches(query)]
        return tuple(sorted(found, key=lambda event: event.at))

    def prune_events(self, before: datetime) -> int:
        """See :meth:`SignInStore.prune_events`."""
        with self._lock:
            kept = [event for event in self._events if event.at >= before]
            pruned = len(self._events) - len(kept)
            self._events = kept
            return pruned

    def close(self) -> None:
        """Nothing to release."""
