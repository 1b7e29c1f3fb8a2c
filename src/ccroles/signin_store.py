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
>>> store.reserve("ap@acme.example", now, 5, timedelta(minutes=30)).granted
False
>>> store.state("AP@acme.example", now + timedelta(minutes=30))
LoginState(failures=0, locked_until=None)
"""  # noqa: E501

from __future__ import annotations

import contextlib
import enum
import os
import sqlite3
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Final, Protocol, Self

import attrs

from ccroles.exceptions import SignInStoreError
from ccroles.names import email_key

if TYPE_CHECKING:
    from collections.abc import Iterator
    from datetime import timedelta

__all__ = [
    "APPLICATION_ID",
    "SCHEMA_VERSION",
    "LinkKind",
    "LinkStatus",
    "LinkUse",
    "LoginState",
    "MemorySignInStore",
    "Reservation",
    "SQLiteSignInStore",
    "SignInStore",
]


@attrs.frozen
class LoginState:
    """A login's sign-in state at a moment.

    Attributes:
        failures: Wrong passwords in a row (since the last right password, the
            last unlock, or the end of the last lock); an attempt being
            checked counts as wrong until it is found right.
        locked_until: When the lock ends, while the login is locked; else
            ``None``.
    """

    failures: int = 0
    locked_until: datetime | None = None

    @property
    def locked(self) -> bool:
        """Whether the login is locked (the state is read at a moment)."""
        return self.locked_until is not None


@attrs.frozen
class Reservation:
    """The answer to reserving an attempt.

    Attributes:
        granted: Whether the password may be checked: false while the login
            is locked (the attempt was not counted).
        state: The login's state after the reservation (the attempt counted
            as a wrong password, and the lock it set, if any).
    """

    granted: bool
    state: LoginState


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
    CLOSED = "closed"
    """The login's credentials changed after the link was issued."""


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
        self, email: str, now: datetime, reserved: LoginState, *, right: bool
    ) -> LoginState:
        """End a granted attempt, *reserved* being its reservation's state.

        A right password restarts the count, unless the login is locked:
        the lock holds, unless this very attempt set it and nothing was
        counted since (the right password was the last one allowed).
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

    def close(self) -> None:
        """Release the store's resources."""


# --- the rules every store applies (pure, shared) --------------------------


@attrs.frozen
class _Row:
    """What a store keeps of one login."""

    failures: int = 0
    locked_until: datetime | None = None
    credentials: bytes | None = None
    changed: datetime | None = None
    expires: datetime | None = None  # for a login no account has

    @property
    def state(self) -> LoginState:
        return LoginState(self.failures, self.locked_until)


_NEW: Final = _Row()


def _current(row: _Row, now: datetime) -> _Row:
    """*row* read at *now*: an ended lock is no lock and a new count.

    The row of a login no account has is forgotten when it expires.
    """
    if row.expires is not None and now >= row.expires:
        return _NEW
    if row.locked_until is not None and now >= row.locked_until:
        return attrs.evolve(row, failures=0, locked_until=None)
    return row


def _observed(
    row: _Row, now: datetime, credentials: bytes | None, *, changed: bool = False
) -> tuple[_Row, bool]:
    """*row* with *credentials* recorded; whether that is a change (links close)."""
    if not changed and row.credentials == credentials and row.changed is not None:
        return row, False
    if not changed and credentials is None and row.credentials is None:
        return row, False  # an email no login has: nothing to record
    return attrs.evolve(row, credentials=credentials, changed=now, expires=None), True


def _reserved(
    row: _Row, now: datetime, max_failures: int, lock_for: timedelta
) -> tuple[_Row, bool]:
    """*row* after reserving an attempt; whether the password may be checked."""
    row = _current(row, now)
    if row.locked_until is not None:
        return row, False
    failures = row.failures + 1
    locked_until = now + lock_for if failures >= max_failures else None
    expires = None
    if row.credentials is None:
        expires = locked_until if locked_until is not None else now + lock_for
    row = attrs.evolve(
        row, failures=failures, locked_until=locked_until, expires=expires
    )
    return row, True


def _settled(row: _Row, now: datetime, reserved: LoginState, *, right: bool) -> _Row:
    row = _current(row, now)
    if right and (row.locked_until is None or row.state == reserved):
        return attrs.evolve(row, failures=0, locked_until=None)
    return row


_OPEN: Final = "open"
_USED: Final = "used"
_REPLACED: Final = "replaced"
_CLOSED: Final = "closed"
_ENDED: Final = {
    _USED: LinkStatus.USED,
    _REPLACED: LinkStatus.REPLACED,
    _CLOSED: LinkStatus.CLOSED,
}


def _link_use(
    row: tuple[str, LinkKind, datetime, str] | None, now: datetime
) -> LinkUse:
    """The answer for a link found as *row* (email, kind, expires, state)."""
    if row is None:
        return LinkUse(LinkStatus.UNKNOWN)
    email, kind, expires, state = row
    status = _ENDED.get(state, LinkStatus.ACCEPTED)
    if status is LinkStatus.ACCEPTED and now >= expires:
        status = LinkStatus.EXPIRED
    return LinkUse(status, email, kind, expires)


# --- in memory -------------------------------------------------------------


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
        self._rows: dict[str, _Row] = {}
        self._links: dict[bytes, tuple[str, LinkKind, datetime, str]] = {}

    def __repr__(self) -> str:
        """Show how many logins have a state, nothing of them."""
        return f"MemorySignInStore(<{len(self._rows)} logins>)"

    def _forget_expired(self, now: datetime) -> None:
        for key, row in list(self._rows.items()):
            if row.expires is not None and now >= row.expires:
                del self._rows[key]

    def _close_links(self, key: str, state: str) -> None:
        for digest, (holder, kind, expires, old) in list(self._links.items()):
            if holder == key and old == _OPEN:
                self._links[digest] = (holder, kind, expires, state)

    def state(self, email: str, now: datetime) -> LoginState:
        """See :meth:`SignInStore.state`."""
        with self._lock:
            row = self._rows.get(email_key(email), _NEW)
            return _current(row, now).state

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
            row, changed = _observed(self._rows.get(key, _NEW), now, credentials)
            if changed:
                self._close_links(key, _CLOSED)
            row, granted = _reserved(row, now, max_failures, lock_for)
            self._rows[key] = row
            return Reservation(granted, row.state)

    def settle(
        self, email: str, now: datetime, reserved: LoginState, *, right: bool
    ) -> LoginState:
        """See :meth:`SignInStore.settle`."""
        key = email_key(email)
        with self._lock:
            row = _settled(self._rows.get(key, _NEW), now, reserved, right=right)
            if key in self._rows:
                self._rows[key] = row
            return row.state

    def record_failure(
        self, email: str, now: datetime, max_failures: int, lock_for: timedelta
    ) -> LoginState:
        """Count one wrong password (a reservation found wrong); the state after.

        The login's recorded credentials are left as they are.
        """
        key = email_key(email)
        with self._lock:
            row, _ = _reserved(self._rows.get(key, _NEW), now, max_failures, lock_for)
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
            row, closes = _observed(
                self._rows.get(key, _NEW), now, credentials, changed=changed
            )
            if closes:
                self._close_links(key, _CLOSED)
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
                self._rows[key] = attrs.evolve(row, failures=0, locked_until=None)
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
            row, changed = _observed(self._rows.get(key, _NEW), now, credentials)
            self._rows[key] = row
            self._close_links(key, _CLOSED if changed else _REPLACED)
            self._links[digest] = (key, kind, expires, _OPEN)

    def peek_link(self, digest: bytes, now: datetime) -> LinkUse:
        """See :meth:`SignInStore.peek_link`."""
        with self._lock:
            return _link_use(self._links.get(digest), now)

    def use_link(
        self, digest: bytes, now: datetime, before: bytes | None, after: bytes | None
    ) -> LinkUse:
        """See :meth:`SignInStore.use_link`."""
        with self._lock:
            link = self._links.get(digest)
            use = _link_use(link, now)
            if link is None or use.status is not LinkStatus.ACCEPTED:
                return use
            key = link[0]
            row, closes = _observed(self._rows.get(key, _NEW), now, before)
            if closes:
                self._rows[key] = row
                self._close_links(key, _CLOSED)
                return attrs.evolve(use, status=LinkStatus.CLOSED)
            self._links[digest] = (key, link[1], link[2], _USED)
            self._close_links(key, _CLOSED)
            self._rows[key] = attrs.evolve(
                row, failures=0, locked_until=None, credentials=after, changed=now
            )
            return use

    def close(self) -> None:
        """Nothing to release."""


# --- SQLite ----------------------------------------------------------------

SCHEMA_VERSION: Final = 2
"""The schema version :class:`SQLiteSignInStore` writes (SQLite ``user_version``)."""

APPLICATION_ID: Final = 0x63637273
"""The SQLite ``application_id`` of a sign-in store file (``"ccrs"``)."""

_SCHEMA: Final = (
    (  # version 1
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
    ),
    (  # version 2: credentials and their last change; expiring unknown logins
        "ALTER TABLE logins ADD COLUMN credentials BLOB",
        "ALTER TABLE logins ADD COLUMN changed TEXT",
        "ALTER TABLE logins ADD COLUMN expires TEXT",
        "CREATE INDEX logins_by_expiry ON logins (expires)",
    ),
)
"""The migrations: the statements that make version *i* + 1 from version *i*."""

_TABLES: Final = frozenset({"logins", "links"})
_HEADER: Final = b"SQLite format 3\x00"


def _text(moment: datetime) -> str:
    """*moment* in UTC, written so that text order is time order."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")


def _moment(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _maybe_text(moment: datetime | None) -> str | None:
    return None if moment is None else _text(moment)


def _maybe_moment(text: str | None) -> datetime | None:
    return None if text is None else _moment(text)


def _failure(error: sqlite3.Error, timeout: float) -> str:
    """What a SQLite error means for the store's file, and what to do."""
    message = str(error).lower()
    if "locked" in message or "busy" in message:
        return (
            f"another process has held it locked for more than {timeout:g} "
            "seconds; try again, or stop the process that holds it"
        )
    if "readonly" in message or "read-only" in message:
        return "it is read-only; give this process write access to it and its folder"
    if "malformed" in message or "not a database" in message:
        return (
            "it is corrupt; restore it from a backup, or move it away to start "
            "with no sign-in state"
        )
    return f"SQLite failed: {error}"


def _inspect(path: Path, *, create: bool) -> None:  # noqa: C901, PLR0912 (a check a case)
    """Refuse *path* unless it is a new file or a store this ccroles reads.

    Nothing here writes: the file is read as bytes, then through a
    read-only connection.

    Raises:
        SignInStoreError: What is wrong, and what to do.
    """
    if path.is_dir():
        raise SignInStoreError(path, "it is a folder; give the path of a store file")
    if not path.exists():
        if not path.parent.is_dir():
            raise SignInStoreError(path, "its folder does not exist; create it first")
        if not create:
            raise SignInStoreError(path, "there is no such file")
        if not os.access(path.parent, os.W_OK):
            raise SignInStoreError(
                path, "its folder is read-only; give this process write access to it"
            )
        return
    try:
        with path.open("rb") as file:
            header = file.read(len(_HEADER))
    except OSError as error:
        raise SignInStoreError(path, f"it cannot be read ({error.strerror})") from None
    if not header:
        if create:
            return
        raise SignInStoreError(path, "it is empty, not a sign-in store")
    if header != _HEADER:
        raise SignInStoreError(path, "it is not a SQLite database")
    try:
        reader = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as error:  # pragma: no cover (opening reads nothing yet)
        raise SignInStoreError(path, _failure(error, 0)) from None
    try:
        (check,) = reader.execute("PRAGMA quick_check").fetchone()
        if check != "ok":  # damage found inside a page rather than raised
            raise sqlite3.DatabaseError(f"malformed: {check}")
        (version,) = reader.execute("PRAGMA user_version").fetchone()
        (application,) = reader.execute("PRAGMA application_id").fetchone()
        tables = {
            name
            for (name,) in reader.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'"
            )
        }
    except sqlite3.Error as error:
        raise SignInStoreError(path, _failure(error, 0)) from None
    finally:
        reader.close()
    if version > SCHEMA_VERSION:
        raise SignInStoreError(
            path,
            f"its schema version is {version}; this ccroles knows versions up "
            f"to {SCHEMA_VERSION}",
        )
    if application not in {0, APPLICATION_ID}:
        raise SignInStoreError(
            path,
            f"it is another program's SQLite database (application id {application})",
        )
    if not tables and version == 0 and application == 0:
        if create:
            return
        raise SignInStoreError(
            path, "it is an empty SQLite database, not a sign-in store"
        )
    if tables != _TABLES or version == 0:
        names = ", ".join(sorted(tables)) or "none"
        raise SignInStoreError(
            path, f"it is a SQLite database but not a sign-in store (tables: {names})"
        )
    if not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK):
        raise SignInStoreError(
            path, "it is read-only; give this process write access to it and its folder"
        )


class SQLiteSignInStore:
    """The persistent store: one SQLite file, correct across processes.

    Before anything is written the file is checked, read-only: it must be
    missing or empty (then it is created, unless *create* is false), or a
    sign-in store of a schema version this ccroles reads (then it is
    migrated). Anything else (another program's database, a newer schema, a
    corrupt or unreadable file, a folder, a read-only file) is refused with
    :class:`~ccroles.exceptions.SignInStoreError` and its bytes are left as
    they were.

    Every change is one ``BEGIN IMMEDIATE`` transaction, so processes
    sharing the file wait for each other (up to *timeout* seconds) and no
    update is lost: a reservation reads and raises the count in the same
    transaction. The file uses SQLite's write-ahead log
    (``journal_mode=WAL``, ``synchronous=NORMAL``): a commit costs no disk
    flush, and a power cut may lose the last commits but never corrupts the
    file. One store object may be shared between threads. Times are kept in
    UTC. Every SQLite failure is raised as a ``SignInStoreError`` naming
    the file.

    Args:
        path: The store file, or ``":memory:"`` for a private in-memory one.
        create: Create the file when it is missing or empty (else refuse).
        timeout: How long to wait for another process's transaction.

    Raises:
        SignInStoreError: The file cannot be used as a store; the message
            says why and what to do.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        create: bool = True,
        timeout: float = 30.0,
    ) -> None:
        self.path = path
        self._timeout = timeout
        if str(path) != ":memory:":
            _inspect(Path(path), create=create)
        self._lock = threading.Lock()
        try:
            self._connection = sqlite3.connect(
                path, timeout=timeout, isolation_level=None, check_same_thread=False
            )
        except sqlite3.Error as error:  # pragma: no cover (checked just before)
            raise SignInStoreError(path, _failure(error, timeout)) from None
        try:
            # Write-ahead logging: readers do not wait for the writer, and a
            # commit appends to the log without an fsync (synchronous=NORMAL
            # keeps the file consistent; a power cut may lose the last
            # commits, never corrupt them).
            with self._reading() as cursor:
                cursor.execute("PRAGMA journal_mode = WAL")
                cursor.execute("PRAGMA synchronous = NORMAL")
            self._migrate()
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
            try:
                cursor = self._connection.cursor()
                cursor.execute("BEGIN IMMEDIATE")
                try:
                    yield cursor
                except BaseException:
                    self._connection.rollback()  # a no-op if SQLite ended it already
                    raise
                cursor.execute("COMMIT")
            except sqlite3.Error as error:
                raise SignInStoreError(
                    self.path, _failure(error, self._timeout)
                ) from None

    def _migrate(self) -> None:
        with self._transaction() as cursor:
            (version,) = cursor.execute("PRAGMA user_version").fetchone()
            if version > SCHEMA_VERSION:  # made newer since it was checked
                raise SignInStoreError(
                    self.path,
                    f"its schema version is {version}; this ccroles knows "
                    f"versions up to {SCHEMA_VERSION}",
                )
            for statements in _SCHEMA[version:]:
                for statement in statements:
                    cursor.execute(statement)
            cursor.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            cursor.execute(f"PRAGMA application_id = {APPLICATION_ID}")

    @contextlib.contextmanager
    def _reading(self) -> Iterator[sqlite3.Cursor]:
        """A read of one statement: no transaction, no write lock taken."""
        with self._lock:
            try:
                yield self._connection.cursor()
            except sqlite3.Error as error:
                raise SignInStoreError(
                    self.path, _failure(error, self._timeout)
                ) from None

    @staticmethod
    def _read(cursor: sqlite3.Cursor, key: str) -> _Row | None:
        found = cursor.execute(
            "SELECT failures, locked_until, credentials, changed, expires "
            "FROM logins WHERE email = ?",
            (key,),
        ).fetchone()
        if found is None:
            return None
        failures, locked_until, credentials, changed, expires = found
        return _Row(
            failures,
            _maybe_moment(locked_until),
            credentials,
            _maybe_moment(changed),
            _maybe_moment(expires),
        )

    @staticmethod
    def _write(cursor: sqlite3.Cursor, key: str, row: _Row) -> None:
        cursor.execute(
            "INSERT INTO logins "
            "(email, failures, locked_until, credentials, changed, expires) "
            "VALUES (?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (email) DO UPDATE SET "
            "failures = excluded.failures, locked_until = excluded.locked_until, "
            "credentials = excluded.credentials, changed = excluded.changed, "
            "expires = excluded.expires",
            (
                key,
                row.failures,
                _maybe_text(row.locked_until),
                row.credentials,
                _maybe_text(row.changed),
                _maybe_text(row.expires),
            ),
        )

    @staticmethod
    def _close_links(cursor: sqlite3.Cursor, key: str, state: str) -> None:
        cursor.execute(
            "UPDATE links SET state = ? WHERE email = ? AND state = ?",
            (state, key, _OPEN),
        )

    def state(self, email: str, now: datetime) -> LoginState:
        """See :meth:`SignInStore.state`."""
        with self._reading() as cursor:
            row = self._read(cursor, email_key(email)) or _NEW
            return _current(row, now).state

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
        with self._transaction() as cursor:
            cursor.execute("DELETE FROM logins WHERE expires <= ?", (_text(now),))
            row, changed = _observed(self._read(cursor, key) or _NEW, now, credentials)
            if changed:
                self._close_links(cursor, key, _CLOSED)
            row, granted = _reserved(row, now, max_failures, lock_for)
            self._write(cursor, key, row)
            return Reservation(granted, row.state)

    def settle(
        self, email: str, now: datetime, reserved: LoginState, *, right: bool
    ) -> LoginState:
        """See :meth:`SignInStore.settle`."""
        key = email_key(email)
        with self._transaction() as cursor:
            found = self._read(cursor, key)
            row = _settled(found or _NEW, now, reserved, right=right)
            if found is not None and row != found:
                self._write(cursor, key, row)
            return row.state

    def record_failure(
        self, email: str, now: datetime, max_failures: int, lock_for: timedelta
    ) -> LoginState:
        """Count one wrong password (a reservation found wrong); the state after.

        The login's recorded credentials are left as they are.
        """
        key = email_key(email)
        with self._transaction() as cursor:
            found = self._read(cursor, key) or _NEW
            row, _ = _reserved(found, now, max_failures, lock_for)
            self._write(cursor, key, row)
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
        with self._reading() as cursor:
            found = self._read(cursor, key) or _NEW
        _, closes = _observed(found, now, credentials, changed=changed)
        if not closes:  # the usual answer, read without a write lock
            return found.changed
        with self._transaction() as cursor:
            row, closes = _observed(
                self._read(cursor, key) or _NEW, now, credentials, changed=changed
            )
            if closes:
                self._close_links(cursor, key, _CLOSED)
                self._write(cursor, key, row)
            return row.changed

    def unlock(self, email: str) -> bool:
        """See :meth:`SignInStore.unlock`."""
        key = email_key(email)
        with self._transaction() as cursor:
            cursor.execute(
                "DELETE FROM logins WHERE email = ? AND credentials IS NULL", (key,)
            )
            if cursor.rowcount:
                return True
            cursor.execute(
                "UPDATE logins SET failures = 0, locked_until = NULL WHERE email = ?",
                (key,),
            )
            return bool(cursor.rowcount)

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
        with self._transaction() as cursor:
            row, changed = _observed(self._read(cursor, key) or _NEW, now, credentials)
            if changed:
                self._write(cursor, key, row)
            self._close_links(cursor, key, _CLOSED if changed else _REPLACED)
            cursor.execute(
                "INSERT OR REPLACE INTO links (digest, email, kind, expires, state) "
                "VALUES (?, ?, ?, ?, ?)",
                (digest, key, kind.value, _text(expires), _OPEN),
            )

    @staticmethod
    def _find(
        cursor: sqlite3.Cursor, digest: bytes
    ) -> tuple[str, LinkKind, datetime, str] | None:
        found = cursor.execute(
            "SELECT email, kind, expires, state FROM links WHERE digest = ?",
            (digest,),
        ).fetchone()
        if found is None:
            return None
        email, kind, expires, state = found
        return email, LinkKind(kind), _moment(expires), state

    def peek_link(self, digest: bytes, now: datetime) -> LinkUse:
        """See :meth:`SignInStore.peek_link`."""
        with self._reading() as cursor:
            return _link_use(self._find(cursor, digest), now)

    def use_link(
        self, digest: bytes, now: datetime, before: bytes | None, after: bytes | None
    ) -> LinkUse:
        """See :meth:`SignInStore.use_link`."""
        with self._transaction() as cursor:
            use = _link_use(self._find(cursor, digest), now)
            if use.status is not LinkStatus.ACCEPTED or use.email is None:
                return use
            key = use.email
            row, closes = _observed(self._read(cursor, key) or _NEW, now, before)
            self._close_links(cursor, key, _CLOSED)
            if closes:
                self._write(cursor, key, row)
                return attrs.evolve(use, status=LinkStatus.CLOSED)
            cursor.execute(
                "UPDATE links SET state = ? WHERE digest = ?", (_USED, digest)
            )
            self._write(
                cursor,
                key,
                attrs.evolve(
                    row, failures=0, locked_until=None, credentials=after, changed=now
                ),
            )
            return use

    def close(self) -> None:
        """Close the file; the store cannot be used afterwards."""
        self._connection.close()
