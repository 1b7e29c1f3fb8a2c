"""The sign-in store in PostgreSQL: one lockout count for several web servers.

:class:`PostgresSignInStore` keeps exactly what
:class:`~ccroles.signin_store_sqlite.SQLiteSignInStore` keeps, under the same
rules (:mod:`ccroles.signin_rules`) and the same steps, in a PostgreSQL database that
several web servers share. It needs the ``ccroles[postgres]`` extra
(psycopg 3).

Its tables live in a schema of their own (``ccroles_signin`` by default),
so a database that holds other tables is used only there. The schema is
made, or brought up to date, by ``ccroles sign-in-store init URL``
(:meth:`PostgresSignInStore.init`), which may be run again at any time; a
store opened on a database where the schema is missing, or newer than this
ccroles knows, is refused with :class:`~ccroles.exceptions.SignInStoreError`
and nothing in the database is changed.

Every change is one transaction that first takes a transaction-level
advisory lock on the login (``pg_advisory_xact_lock``), so two web servers
changing the same login wait for each other, and an attempt's reservation
reads and raises the count in one step. Logins are independent: attempts
for different logins never wait for each other.
"""

from __future__ import annotations

import contextlib
import re
import threading
from typing import TYPE_CHECKING, Any, Final

from ccroles._sql_store import STATEMENTS, SQLSignInStore
from ccroles.exceptions import SignInStoreError

if TYPE_CHECKING:
    from collections.abc import Iterator
    from datetime import datetime

    import psycopg

    from ccroles._sql_store import Cursor

__all__ = ["DEFAULT_SCHEMA", "PG_SCHEMA_VERSION", "PostgresSignInStore"]

DEFAULT_SCHEMA: Final = "ccroles_signin"
"""The PostgreSQL schema a store's tables live in, unless another is named."""

PG_SCHEMA_VERSION: Final = 2
"""The version of the tables :class:`PostgresSignInStore` writes."""

_SCHEMA_NAME: Final = re.compile(r"[a-z_][a-z0-9_]{0,62}")

_MIGRATIONS: Final = (
    (  # version 1
        """CREATE TABLE logins (
            email TEXT PRIMARY KEY,
            failures INTEGER NOT NULL,
            locked_until TIMESTAMPTZ,
            credentials BYTEA,
            changed TIMESTAMPTZ,
            expires TIMESTAMPTZ
        )""",
        "CREATE INDEX logins_by_expiry ON logins (expires)",
        """CREATE TABLE links (
            digest BYTEA PRIMARY KEY,
            email TEXT NOT NULL,
            kind TEXT NOT NULL,
            expires TIMESTAMPTZ NOT NULL,
            state TEXT NOT NULL
        )""",
        "CREATE INDEX links_by_email ON links (email, state)",
    ),
    (  # version 2: the login audit trail
        """CREATE TABLE events (
            id BIGSERIAL PRIMARY KEY,
            at TIMESTAMPTZ NOT NULL,
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
"""The statements that make version *i* + 1 from version *i* (in the schema)."""

_SQL: Final = STATEMENTS.with_mark("%s")

_SELECT_EVENTS: Final = (
    "SELECT at, kind, login, outcome, reasons, actor, client "
    "FROM events WHERE "
    "(%(email)s::text IS NULL OR login = %(email)s) "
    "AND (%(since)s::timestamptz IS NULL OR at >= %(since)s) "
    "AND (%(until)s::timestamptz IS NULL OR at < %(until)s) "
    "AND (%(kinds)s::text IS NULL "
    "OR strpos(%(kinds)s, ',' || kind || ',') > 0) "
    "AND (%(outcome)s::text IS NULL OR outcome = %(outcome)s) "
    "ORDER BY at, id"
)

_INIT_LOCK: Final = 0x6363_7273_0000_0001
"""The advisory lock that makes two ``init`` runs at once take turns."""


def _psycopg() -> Any:
    try:
        import psycopg  # noqa: PLC0415 (an optional extra)
    except ImportError:  # pragma: no cover (the test extra installs it)
        raise SignInStoreError(
            "postgresql",
            "psycopg is not installed; install the extra: "
            "pip install 'ccroles[postgres]'",
        ) from None
    return psycopg


def _check_schema(schema: str) -> str:
    given: object = schema  # whatever a caller passed, text or not
    if not isinstance(given, str) or not _SCHEMA_NAME.fullmatch(given):
        raise SignInStoreError(
            "postgresql",
            f"the schema name {schema!r} is refused; give lower-case letters, "
            "digits and underscores (at most 63, not starting with a digit)",
        )
    return schema


def _shown_address(conninfo: str) -> str:
    """The database a connection string names, without its password."""
    psycopg = _psycopg()
    try:
        parts = psycopg.conninfo.conninfo_to_dict(conninfo)
    except psycopg.ProgrammingError:
        return "postgresql (an unreadable connection string)"
    host = parts.get("host") or "localhost"
    port = parts.get("port") or "5432"
    dbname = parts.get("dbname") or parts.get("user") or ""
    return f"postgresql://{host}:{port}/{dbname}"


class PostgresSignInStore(SQLSignInStore):
    """A sign-in store in PostgreSQL, shared by several processes and machines.

    Args:
        conninfo: A libpq connection string or ``postgresql://`` URL (its
            password is never shown: ``repr`` and errors name the host,
            port and database only).
        schema: The schema of the store's tables.
        pool: A ``psycopg_pool.ConnectionPool`` to borrow a connection from
            for each step, where the portal has one; else the store keeps
            one connection of its own (shared by threads, one step at a
            time).
        timeout: How long to wait for the server to answer a connection.

    Raises:
        SignInStoreError: The database cannot be reached, its store schema
            is missing (run ``ccroles sign-in-store init URL``) or newer
            than this ccroles knows.
    """

    _SQL = _SQL
    _SELECT_EVENTS = _SELECT_EVENTS

    def __init__(
        self,
        conninfo: str,
        *,
        schema: str = DEFAULT_SCHEMA,
        pool: Any = None,
        timeout: float = 30.0,
    ) -> None:
        self.schema = _check_schema(schema)
        self.address = _shown_address(conninfo)
        self._pool = pool
        self._lock = threading.Lock()
        self._connection: psycopg.Connection[Any] | None = None
        if pool is None:
            self._connection = self._connect(conninfo, timeout)
        try:
            version = self._version()
        except SignInStoreError:
            self.close()
            raise
        if version != PG_SCHEMA_VERSION:
            self.close()
            raise SignInStoreError(self.address, self._version_problem(version))

    def _connect(self, conninfo: str, timeout: float) -> psycopg.Connection[Any]:
        psycopg = _psycopg()
        try:
            return psycopg.connect(  # type: ignore[no-any-return]
                conninfo,
                connect_timeout=max(1, round(timeout)),
                autocommit=True,
                options="-c TimeZone=UTC",
            )
        except psycopg.Error as error:
            raise SignInStoreError(self.address, _failure(error)) from None

    def _version_problem(self, version: int | None) -> str:
        if version is None:
            return (
                f"it has no sign-in store in schema {self.schema!r}; create it "
                "with: ccroles sign-in-store init URL"
            )
        return (
            f"its sign-in store schema version is {version}; this ccroles "
            f"knows versions up to {PG_SCHEMA_VERSION}"
        )

    @classmethod
    def init(
        cls,
        conninfo: str,
        *,
        schema: str = DEFAULT_SCHEMA,
        timeout: float = 30.0,
    ) -> int:
        """Create the store's schema, or bring it up to date; safe to repeat.

        Nothing outside the schema is touched, and a schema of a newer
        version is refused untouched.

        Returns:
            The schema version the database had before (0: none).

        Raises:
            SignInStoreError: The database cannot be reached, or holds a
                newer version.
        """
        _check_schema(schema)
        psycopg = _psycopg()
        address = _shown_address(conninfo)
        try:
            connection = psycopg.connect(
                conninfo, connect_timeout=max(1, round(timeout)), autocommit=True
            )
        except psycopg.Error as error:
            raise SignInStoreError(address, _failure(error)) from None
        try:
            with connection.transaction():
                connection.execute("SELECT pg_advisory_xact_lock(%s)", (_INIT_LOCK,))
                before = _read_version(connection, schema) or 0
                if before > PG_SCHEMA_VERSION:
                    raise SignInStoreError(
                        address,
                        f"its sign-in store schema version is {before}; this "
                        f"ccroles knows versions up to {PG_SCHEMA_VERSION}",
                    )
                if before == 0:
                    _refuse_others(connection, schema, address)
                    connection.execute(
                        psycopg.sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(
                            psycopg.sql.Identifier(schema)
                        )
                    )
                _use_schema(connection, schema)
                if before == 0:
                    connection.execute(
                        "CREATE TABLE version (version INTEGER NOT NULL)"
                    )
                    connection.execute("INSERT INTO version VALUES (0)")
                for statements in _MIGRATIONS[before:]:
                    for statement in statements:
                        connection.execute(statement)
                connection.execute(
                    "UPDATE version SET version = %s", (PG_SCHEMA_VERSION,)
                )
        except psycopg.Error as error:
            raise SignInStoreError(address, _failure(error)) from None
        finally:
            connection.close()
        return before

    def __repr__(self) -> str:
        """Show the database and schema, never the password."""
        return f"PostgresSignInStore({self.address!r}, schema={self.schema!r})"

    @contextlib.contextmanager
    def _connected(self) -> Iterator[psycopg.Connection[Any]]:
        if self._pool is not None:
            with self._pool.connection() as connection:
                yield connection
            return
        assert self._connection is not None  # noqa: S101 (set when there is no pool)
        with self._lock:
            yield self._connection

    @contextlib.contextmanager
    def _transaction(self, *keys: str) -> Iterator[Cursor]:
        """One transaction, holding the advisory lock of each login in *keys*."""
        psycopg = _psycopg()
        try:
            with self._connected() as connection, connection.transaction():
                cursor = connection.cursor()
                _use_schema(connection, self.schema)
                for key in sorted(set(keys)):
                    cursor.execute(
                        "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))",
                        (f"{self.schema}:{key}",),
                    )
                yield cursor
        except psycopg.Error as error:
            raise SignInStoreError(self.address, _failure(error)) from None

    def _version(self) -> int | None:
        psycopg = _psycopg()
        try:
            with self._connected() as connection, connection.transaction():
                return _read_version(connection, self.schema)
        except psycopg.Error as error:
            raise SignInStoreError(self.address, _failure(error)) from None

    def _reading(self) -> contextlib.AbstractContextManager[Cursor]:
        """A transaction that takes no login's lock."""
        return self._transaction()

    @contextlib.contextmanager
    def _locking_link(self, digest: bytes) -> Iterator[Cursor]:
        """A transaction holding the lock of the login of the link *digest*.

        The link's login is read first (it never changes), so that its lock
        is taken before anything of the login is read or written.
        """
        with self._transaction() as cursor:
            found = self._find(cursor, digest)
        with self._transaction(*(found[:1] if found else ())) as cursor:
            yield cursor

    def _forget_expired(self, cursor: Cursor, key: str, now: datetime) -> None:
        """Forget the expired records of emails no login has, but *key*'s.

        Rows another transaction holds are left for a later attempt (no
        waiting).
        """
        cursor.execute(
            "DELETE FROM logins WHERE email IN ("
            "SELECT email FROM logins WHERE expires <= %s "
            "AND email <> %s FOR UPDATE SKIP LOCKED)",
            (now, key),
        )

    def _column(self, moment: datetime) -> datetime:
        """*moment* as it is (a ``TIMESTAMPTZ``)."""
        return moment

    def _moment(self, value: datetime) -> datetime:
        """A ``TIMESTAMPTZ`` as read (in UTC, the session's time zone)."""
        return value

    def _maybe_column(self, moment: datetime | None) -> datetime | None:
        """*moment* as it is, or ``None``."""
        return moment

    def _maybe_moment(self, value: datetime | None) -> datetime | None:
        """A ``TIMESTAMPTZ`` as read, or ``None``."""
        return value

    def close(self) -> None:
        """Close the store's own connection (a pool is the portal's to close)."""
        if self._connection is not None:
            self._connection.close()


def _read_version(connection: psycopg.Connection[Any], schema: str) -> int | None:
    """The store's schema version in *schema*; ``None`` when there is none."""
    found = connection.execute(
        "SELECT 1 FROM information_schema.tables "
        "WHERE table_schema = %s AND table_name = 'version'",
        (schema,),
    ).fetchone()
    if found is None:
        return None
    _use_schema(connection, schema)
    row = connection.execute("SELECT max(version) FROM version").fetchone()
    return None if row is None or row[0] is None else int(row[0])


def _refuse_others(
    connection: psycopg.Connection[Any], schema: str, address: str
) -> None:
    """Refuse to make a store in a schema that already holds other tables."""
    tables = [
        name
        for (name,) in connection.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = %s ORDER BY table_name",
            (schema,),
        )
    ]
    if tables:
        raise SignInStoreError(
            address,
            f"its schema {schema!r} holds other tables ({', '.join(tables)}); "
            "name a schema of the store's own",
        )


def _use_schema(connection: psycopg.Connection[Any], schema: str) -> None:
    """Name the store's tables without their schema for the rest of the transaction."""
    connection.execute("SELECT set_config('search_path', %s, true)", (schema,))


def _failure(error: Exception) -> str:
    """What a PostgreSQL error means for the store, in one line, no secret."""
    first = str(error).strip().splitlines()[0] if str(error).strip() else ""
    return f"PostgreSQL failed: {first or type(error).__name__}"
