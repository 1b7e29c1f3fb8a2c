"""Where sign-in state lives: failed attempts, locks and link hashes.

A :class:`SignInStore` keeps, per login email (any case), the wrong passwords
in a row and the end of a lock, and the links issued (set-password and reset
links). It never holds a password or a token: links are kept as the SHA-256
digest of their token. Each change is one atomic step, so two processes
recording wrong passwords for the same login at once lose neither.

Two stores: :class:`MemorySignInStore` (tests, one process) and
:class:`SQLiteSignInStore`, the persistent default (one SQLite file through the
standard library, created and migrated on first use; its schema version is
SQLite's ``user_version``). The time is always passed in, so tests never sleep.

>>> from datetime import UTC, datetime, timedelta
>>> store = SQLiteSignInStore(":memory:")
>>> now = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
>>> for _ in range(5):
...     state = store.record_failure("ap@acme.example", now, 5, timedelta(minutes=30))
>>> state
LoginState(failures=5, locked_until=datetime.datetime(2026, 1, 5, 9, 30, tzinfo=datetime.timezone.utc))
>>> store.state("AP@acme.example", now + timedelta(minutes=30))
LoginState(failures=0, locked_until=None)
"""  # noqa: E501

from __future__ import annotations

import contextlib
import enum
import sqlite3
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Final, Protocol, Self

import attrs

from ccroles.exceptions import SignInStoreError

if TYPE_CHECKING:
    import os
    from collections.abc import Iterator
    from datetime import timedelta

__all__ = [
    "SCHEMA_VERSION",
    "LinkKind",
    "LinkStatus",
    "LinkUse",
    "LoginState",
    "MemorySignInStore",
    "SQLiteSignInStore",
    "SignInStore",
]


@attrs.frozen
class LoginState:
    """A login's sign-in state at a moment.

    Attributes:
        failures: Wrong passwords in a row (since the last right password, the
            last unlock, or the end of the last lock).
        locked_until: When the lock ends, while the login is locked; else
            ``None``.
    """

    failures: int = 0
    locked_until: datetime | None = None

    @property
    def locked(self) -> bool:
        """Whether the login is locked (the state is read at a moment)."""
        return self.locked_until is not None


class LinkKind(enum.Enum):
    """What a link is for."""

    ACCESS = "access"
    """The access notification's set-password link (24 hours by default)."""
    RESET = "reset"
    """A forgotten-password link (60 minutes by default)."""


class LinkStatus(enum.Enum):
    """What a store found when a link was used."""

    ACCEPTED = "accepted"
    """The link was open and valid; it is now used."""
    UNKNOWN = "unknown"
    """No link has this token."""
    EXPIRED = "expired"
    """The link's validity has ended."""
    USED = "used"
    """The link was used already."""
    REPLACED = "replaced"
    """A newer link was issued for the same login."""


@attrs.frozen
class LinkUse:
    """The answer to using (or looking up) a link.

    Attributes:
        status: Whether it is accepted, or why not.
        email: The login the link is for (casefolded); ``None`` when unknown.
        kind: What the link is for; ``None`` when unknown.
        expires: When the link stops (or stopped) working; ``None`` when unknown.
    """

    status: LinkStatus
    email: str | None = None
    kind: LinkKind | None = None
    expires: datetime | None = None


class SignInStore(Protocol):
    """What :class:`ccroles.signin.SignIn` needs of a store.

    Emails match ignoring case. Each method is one atomic step. *now* is
    always given by the caller (an aware datetime).
    """

    def state(self, email: str, now: datetime) -> LoginState:
        """The login's state at *now* (an ended lock reads as no lock)."""

    def record_failure(
        self, email: str, now: datetime, max_failures: int, lock_for: timedelta
    ) -> LoginState:
        """Count a wrong password; the *max_failures*-th in a row locks the login."""

    def record_success(self, email: str, now: datetime) -> LoginState:
        """Count a right password: the count restarts, unless the login is locked."""

    def unlock(self, email: str) -> None:
        """End the login's lock and restart its count (an administrator's act)."""

    def add_link(
        self, email: str, kind: LinkKind, digest: bytes, expires: datetime
    ) -> None:
        """Keep a new link's digest; the login's older links are replaced."""

    def peek_link(self, digest: bytes, now: datetime) -> LinkUse:
        """What using the link would find, without using it."""

    def use_link(self, digest: bytes, now: datetime) -> LinkUse:
        """Use the link: when accepted, it is used and the login's lock cleared."""

    def close(self) -> None:
        """Release the store's resources."""


# --- the rules every store applies (pure, shared) --------------------------


def _current(state: LoginState, now: datetime) -> LoginState:
    """*state* read at *now*: an ended lock is no lock and a new count."""
    if state.locked_until is not None and now >= state.locked_until:
        return LoginState()
    return state


def _after_failure(
    state: LoginState, now: datetime, max_failures: int, lock_for: timedelta
) -> LoginState:
    state = _current(state, now)
    failures = state.failures + 1
    locked_until = state.locked_until
    if locked_until is None and failures >= max_failures:
        locked_until = now + lock_for
    return LoginState(failures, locked_until)


def _after_success(state: LoginState, now: datetime) -> LoginState:
    state = _current(state, now)
    return state if state.locked else LoginState()


_OPEN: Final = "open"
_USED: Final = "used"
_REPLACED: Final = "replaced"
_CLOSED: Final = {_USED: LinkStatus.USED, _REPLACED: LinkStatus.REPLACED}


def _link_use(
    row: tuple[str, LinkKind, datetime, str] | None, now: datetime
) -> LinkUse:
    """The answer for a link found as *row* (email, kind, expires, state)."""
    if row is None:
        return LinkUse(LinkStatus.UNKNOWN)
    email, kind, expires, state = row
    status = _CLOSED.get(state, LinkStatus.ACCEPTED)
    if status is LinkStatus.ACCEPTED and now >= expires:
        status = LinkStatus.EXPIRED
    return LinkUse(status, email, kind, expires)


def _key(email: str) -> str:
    return email.casefold()


# --- in memory -------------------------------------------------------------


class MemorySignInStore:
    """A store in memory: for tests and a single process; lost when it ends.

    Safe to share between threads.

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
        self._states: dict[str, LoginState] = {}
        self._links: dict[bytes, tuple[str, LinkKind, datetime, str]] = {}

    def __repr__(self) -> str:
        """Show how many logins have a state, nothing of them."""
        return f"MemorySignInStore(<{len(self._states)} logins>)"

    def state(self, email: str, now: datetime) -> LoginState:
        """See :meth:`SignInStore.state`."""
        with self._lock:
            return _current(self._states.get(_key(email), LoginState()), now)

    def record_failure(
        self, email: str, now: datetime, max_failures: int, lock_for: timedelta
    ) -> LoginState:
        """See :meth:`SignInStore.record_failure`."""
        key = _key(email)
        with self._lock:
            state = self._states.get(key, LoginState())
            state = _after_failure(state, now, max_failures, lock_for)
            self._states[key] = state
            return state

    def record_success(self, email: str, now: datetime) -> LoginState:
        """See :meth:`SignInStore.record_success`."""
        key = _key(email)
        with self._lock:
            state = _after_success(self._states.get(key, LoginState()), now)
            self._states[key] = state
            return state

    def unlock(self, email: str) -> None:
        """See :meth:`SignInStore.unlock`."""
        with self._lock:
            self._states.pop(_key(email), None)

    def add_link(
        self, email: str, kind: LinkKind, digest: bytes, expires: datetime
    ) -> None:
        """See :meth:`SignInStore.add_link`."""
        key = _key(email)
        with self._lock:
            for other, (holder, other_kind, other_expires, state) in list(
                self._links.items()
            ):
                if holder == key and state == _OPEN:
                    self._links[other] = (holder, other_kind, other_expires, _REPLACED)
            self._links[digest] = (key, kind, expires, _OPEN)

    def peek_link(self, digest: bytes, now: datetime) -> LinkUse:
        """See :meth:`SignInStore.peek_link`."""
        with self._lock:
            return _link_use(self._links.get(digest), now)

    def use_link(self, digest: bytes, now: datetime) -> LinkUse:
        """See :meth:`SignInStore.use_link`."""
        with self._lock:
            row = self._links.get(digest)
            use = _link_use(row, now)
            if row is not None and use.status is LinkStatus.ACCEPTED:
                email, kind, expires, _ = row
                self._links[digest] = (email, kind, expires, _USED)
                self._states.pop(email, None)
            return use

    def close(self) -> None:
        """Nothing to release."""


# --- SQLite ----------------------------------------------------------------

SCHEMA_VERSION: Final = 1
"""The schema version :class:`SQLiteSignInStore` writes (SQLite ``user_version``)."""

_SCHEMA: Final = (
    """CREATE TABLE logins (
        email TEXT PRIMARY KEY,
        failures INTEGER NOT NULL,
        locked_until TEXT
    )""",
    """CREATE TABLE links (
        digest BLOB PRIMARY KEY,
        email TEXT NOT NULL,
        kind TEXT NOT NULL,
        expires TEXT NOT NULL,
        state TEXT NOT NULL
    )""",
    "CREATE INDEX links_by_email ON links (email, state)",
)
"""The migrations: version 1 is the first list (a later version adds a list)."""


def _text(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


def _moment(text: str) -> datetime:
    return datetime.fromisoformat(text)


class SQLiteSignInStore:
    """The persistent store: one SQLite file, correct across processes.

    The file is created and migrated on first use. Every change is one
    ``BEGIN IMMEDIATE`` transaction, so processes sharing the file wait for
    each other (up to *timeout* seconds) and no update is lost. The file
    uses SQLite's write-ahead log (``journal_mode=WAL``,
    ``synchronous=NORMAL``): a commit costs no disk flush, and a power cut
    may lose the last commits but never corrupts the file. One store object
    may be shared between threads. Times are kept in UTC.

    Args:
        path: The store file, or ``":memory:"`` for a private in-memory one.
        create: Create the file when it is missing (else refuse).
        timeout: How long to wait for another process's transaction.

    Raises:
        SignInStoreError: The file is missing (and *create* is false), is not
            a SQLite database, or has a newer schema than this ccroles knows.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        create: bool = True,
        timeout: float = 30.0,
    ) -> None:
        self.path = path
        if not create and str(path) != ":memory:" and not Path(path).is_file():
            raise SignInStoreError(path, "there is no such file")
        self._lock = threading.Lock()
        self._connection = sqlite3.connect(
            path, timeout=timeout, isolation_level=None, check_same_thread=False
        )
        try:
            # Write-ahead logging: readers do not wait for the writer, and a
            # commit appends to the log without an fsync (synchronous=NORMAL
            # keeps the file consistent; a power cut may lose the last
            # commits, never corrupt them).
            self._connection.execute("PRAGMA journal_mode = WAL")
            self._connection.execute("PRAGMA synchronous = NORMAL")
            self._migrate()
        except sqlite3.DatabaseError:
            self._connection.close()
            raise SignInStoreError(path, "it is not a SQLite database") from None
        except SignInStoreError:
            self._connection.close()
            raise

    def __repr__(self) -> str:
        """Show the file."""
        return f"SQLiteSignInStore({str(self.path)!r})"

    def __enter__(self) -> Self:
        """Use the store in a ``with`` block; it is closed at the end."""
        return self

    def __exit__(self, *_: object) -> None:
        """Close the store."""
        self.close()

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[sqlite3.Cursor]:
        with self._lock:
            cursor = self._connection.cursor()
            cursor.execute("BEGIN IMMEDIATE")
            try:
                yield cursor
            except BaseException:
                self._connection.rollback()  # a no-op if SQLite ended it already
                raise
            cursor.execute("COMMIT")

    def _migrate(self) -> None:
        with self._transaction() as cursor:
            (version,) = cursor.execute("PRAGMA user_version").fetchone()
            if version > SCHEMA_VERSION:
                raise SignInStoreError(
                    self.path,
                    f"its schema version is {version}; this ccroles knows "
                    f"versions up to {SCHEMA_VERSION}",
                )
            if version < SCHEMA_VERSION:
                for statement in _SCHEMA:
                    cursor.execute(statement)
                cursor.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    @contextlib.contextmanager
    def _reading(self) -> Iterator[sqlite3.Cursor]:
        """A read of one statement: no transaction, no write lock taken."""
        with self._lock:
            yield self._connection.cursor()

    @staticmethod
    def _read(cursor: sqlite3.Cursor, key: str) -> LoginState:
        row = cursor.execute(
            "SELECT failures, locked_until FROM logins WHERE email = ?", (key,)
        ).fetchone()
        if row is None:
            return LoginState()
        failures, locked_until = row
        return LoginState(
            failures, None if locked_until is None else _moment(locked_until)
        )

    @staticmethod
    def _write(cursor: sqlite3.Cursor, key: str, state: LoginState) -> None:
        until = None if state.locked_until is None else _text(state.locked_until)
        cursor.execute(
            "INSERT INTO logins (email, failures, locked_until) VALUES (?, ?, ?) "
            "ON CONFLICT (email) DO UPDATE SET "
            "failures = excluded.failures, locked_until = excluded.locked_until",
            (key, state.failures, until),
        )

    def state(self, email: str, now: datetime) -> LoginState:
        """See :meth:`SignInStore.state`."""
        with self._reading() as cursor:
            return _current(self._read(cursor, _key(email)), now)

    def record_failure(
        self, email: str, now: datetime, max_failures: int, lock_for: timedelta
    ) -> LoginState:
        """See :meth:`SignInStore.record_failure`."""
        key = _key(email)
        with self._transaction() as cursor:
            state = self._read(cursor, key)
            state = _after_failure(state, now, max_failures, lock_for)
            self._write(cursor, key, state)
            return state

    def record_success(self, email: str, now: datetime) -> LoginState:
        """See :meth:`SignInStore.record_success`."""
        key = _key(email)
        with self._transaction() as cursor:
            state = _after_success(self._read(cursor, key), now)
            self._write(cursor, key, state)
            return state

    def unlock(self, email: str) -> None:
        """See :meth:`SignInStore.unlock`."""
        with self._transaction() as cursor:
            cursor.execute("DELETE FROM logins WHERE email = ?", (_key(email),))

    def add_link(
        self, email: str, kind: LinkKind, digest: bytes, expires: datetime
    ) -> None:
        """See :meth:`SignInStore.add_link`."""
        key = _key(email)
        with self._transaction() as cursor:
            cursor.execute(
                "UPDATE links SET state = ? WHERE email = ? AND state = ?",
                (_REPLACED, key, _OPEN),
            )
            cursor.execute(
                "INSERT OR REPLACE INTO links (digest, email, kind, expires, state) "
                "VALUES (?, ?, ?, ?, ?)",
                (digest, key, kind.value, _text(expires), _OPEN),
            )

    @staticmethod
    def _find(
        cursor: sqlite3.Cursor, digest: bytes
    ) -> tuple[str, LinkKind, datetime, str] | None:
        row = cursor.execute(
            "SELECT email, kind, expires, state FROM links WHERE digest = ?",
            (digest,),
        ).fetchone()
        if row is None:
            return None
        email, kind, expires, state = row
        return email, LinkKind(kind), _moment(expires), state

    def peek_link(self, digest: bytes, now: datetime) -> LinkUse:
        """See :meth:`SignInStore.peek_link`."""
        with self._reading() as cursor:
            return _link_use(self._find(cursor, digest), now)

    def use_link(self, digest: bytes, now: datetime) -> LinkUse:
        """See :meth:`SignInStore.use_link`."""
        with self._transaction() as cursor:
            use = _link_use(self._find(cursor, digest), now)
            if use.status is LinkStatus.ACCEPTED:
                cursor.execute(
                    "UPDATE links SET state = ? WHERE digest = ?", (_USED, digest)
                )
                cursor.execute("DELETE FROM logins WHERE email = ?", (use.email,))
            return use

    def close(self) -> None:
        """Close the file; the store cannot be used afterwards."""
        self._connection.close()
