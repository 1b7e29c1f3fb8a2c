"""The persistent sign-in store: one SQLite file, correct across processes.

:class:`SQLiteSignInStore` keeps what every
:class:`~ccroles.signin_store.SignInStore` keeps, under the same rules
(:mod:`ccroles.signin_rules`), in one SQLite file through the standard
library, created and migrated on first use; its schema version is SQLite's
``user_version``. The time is always passed in, so tests never sleep.

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
import os
import sqlite3
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Final

from ccroles._sql_store import STATEMENTS, SQLSignInStore
from ccroles.exceptions import SignInStoreError

if TYPE_CHECKING:
    from collections.abc import Iterator

    from ccroles._sql_store import Cursor

__all__ = ["APPLICATION_ID", "SCHEMA_VERSION", "SQLiteSignInStore", "check_file"]

SCHEMA_VERSION: Final = 3
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
    (  # version 3: the login audit trail
        """CREATE TABLE events (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            kind TEXT NOT NULL,
            login TEXT,
            outcome TEXT NOT NULL,
            reasons TEXT NOT NULL,
            actor TEXT,
            client TEXT
        )""",
        "CREATE INDEX events_by_time ON events (at)",
        "CREATE INDEX events_by_login ON events (login, at)",
    ),
)
"""The migrations: the statements that make version *i* + 1 from version *i*."""

_TABLES: Final[tuple[frozenset[str], ...]] = (
    frozenset(),
    frozenset({"logins", "links"}),
    frozenset({"logins", "links"}),
    frozenset({"logins", "links", "events"}),
)
"""The tables of a store of each schema version."""
_HEADER: Final = b"SQLite format 3\x00"
_CHECK_TIMEOUT: Final = 5.0
"""How long the check's reader waits for another process's write, in seconds.

It is sqlite3's own default: the reader is opened without a timeout.
"""


def _text(moment: datetime) -> str:
    """*moment* in UTC, written so that text order is time order."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")


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


def check_file(path: Path, *, create: bool = True) -> None:
    """Refuse *path* unless it is a new file or a store this ccroles reads.

    :class:`SQLiteSignInStore` checks its file so before it writes
    anything. Nothing here writes: the file is read as bytes, then through
    a read-only connection.

    Args:
        path: The store file.
        create: Whether a missing or empty file may become a store.

    Raises:
        SignInStoreError: What is wrong, and what to do.
    """
    if path.is_dir():
        raise SignInStoreError(path, "it is a folder; give the path of a store file")
    if not path.exists():
        _check_new(path, create=create)
        return
    header = _read_header(path)
    if not header:
        if create:
            return
        raise SignInStoreError(path, "it is empty, not a sign-in store")
    if header != _HEADER:
        raise SignInStoreError(path, "it is not a SQLite database")
    version, application, tables = _read_facts(path)
    _check_store(path, version, application, tables, create=create)


def _check_new(path: Path, *, create: bool) -> None:
    """Refuse to create the missing file *path* where that cannot be done."""
    if not path.parent.is_dir():
        raise SignInStoreError(path, "its folder does not exist; create it first")
    if not create:
        raise SignInStoreError(path, "there is no such file")
    if not os.access(path.parent, os.W_OK):
        raise SignInStoreError(
            path, "its folder is read-only; give this process write access to it"
        )


def _read_header(path: Path) -> bytes:
    """The first bytes of the file *path*: SQLite's header, in a database."""
    try:
        with path.open("rb") as file:
            return file.read(len(_HEADER))
    except OSError as error:
        raise SignInStoreError(path, f"it cannot be read ({error.strerror})") from None


def _read_facts(path: Path) -> tuple[int, int, frozenset[str]]:
    """The SQLite database's schema version, application id and tables.

    It is read through a read-only connection, after a quick check of its
    pages.
    """
    try:
        reader = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as error:  # pragma: no cover (opening reads nothing yet)
        raise SignInStoreError(path, _failure(error, _CHECK_TIMEOUT)) from None
    try:
        (check,) = reader.execute("PRAGMA quick_check").fetchone()
        if check != "ok":  # damage found inside a page rather than raised
            raise sqlite3.DatabaseError(f"malformed: {check}")
        (version,) = reader.execute("PRAGMA user_version").fetchone()
        (application,) = reader.execute("PRAGMA application_id").fetchone()
        tables = frozenset(
            name
            for (name,) in reader.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'"
            )
        )
    except sqlite3.Error as error:
        raise SignInStoreError(path, _failure(error, _CHECK_TIMEOUT)) from None
    finally:
        reader.close()
    return version, application, tables


def _check_store(
    path: Path,
    version: int,
    application: int,
    tables: frozenset[str],
    *,
    create: bool,
) -> None:
    """Refuse the SQLite database *path* unless it is empty or a store we read."""
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
    if version == 0 or tables != _TABLES[version]:
        names = ", ".join(sorted(tables)) or "none"
        raise SignInStoreError(
            path, f"it is a SQLite database but not a sign-in store (tables: {names})"
        )
    if not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK):
        raise SignInStoreError(
            path, "it is read-only; give this process write access to it and its folder"
        )


_SELECT_EVENTS: Final = (
    "SELECT at, kind, login, outcome, reasons, actor, client "
    "FROM events WHERE "
    "(:email IS NULL OR login = :email) "
    "AND (:since IS NULL OR at >= :since) "
    "AND (:until IS NULL OR at < :until) "
    "AND (:kinds IS NULL OR instr(:kinds, ',' || kind || ',') > 0) "
    "AND (:outcome IS NULL OR outcome = :outcome) "
    "ORDER BY at, id"
)


class SQLiteSignInStore(SQLSignInStore):
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

    _SQL = STATEMENTS
    _SELECT_EVENTS = _SELECT_EVENTS

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
            check_file(Path(path), create=create)
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

    @contextlib.contextmanager
    def _transaction(self, *keys: str) -> Iterator[Cursor]:
        """One ``BEGIN IMMEDIATE`` transaction: it locks the whole file."""
        del keys  # every transaction takes the file's one write lock
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
    def _reading(self) -> Iterator[Cursor]:
        """A read of one statement: no transaction, no write lock taken."""
        with self._lock:
            try:
                yield self._connection.cursor()
            except sqlite3.Error as error:
                raise SignInStoreError(
                    self.path, _failure(error, self._timeout)
                ) from None

    def _locking_link(self, digest: bytes) -> contextlib.AbstractContextManager[Cursor]:
        """The transaction of a link's use (the file's lock covers its login)."""
        del digest
        return self._transaction()

    def _forget_expired(self, cursor: Cursor, key: str, now: datetime) -> None:
        """Forget every record of an email no login has that expired by *now*."""
        del key
        cursor.execute("DELETE FROM logins WHERE expires <= ?", (_text(now),))

    def _column(self, moment: datetime) -> str:
        """*moment* as text in UTC (text order is time order)."""
        return _text(moment)

    def _moment(self, value: str) -> datetime:
        """A time read back from its text."""
        return datetime.fromisoformat(value)

    def _maybe_column(self, moment: datetime | None) -> str | None:
        """*moment* as text, or ``None``."""
        return None if moment is None else _text(moment)

    def _maybe_moment(self, value: str | None) -> datetime | None:
        """A time read back from its text, or ``None``."""
        return None if value is None else datetime.fromisoformat(value)

    def close(self) -> None:
        """Close the file; the store cannot be used afterwards."""
        self._connection.close()
