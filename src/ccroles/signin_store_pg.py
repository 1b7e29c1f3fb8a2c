"""The sign-in store in PostgreSQL: one lockout count for several web servers.

:class:`PostgresSignInStore` keeps exactly what
:class:`~ccroles.signin_store.SQLiteSignInStore` keeps, under the same rules
(the same functions decide every change), in a PostgreSQL database that
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
from typing import TYPE_CHECKING, Any, Final, Self

import attrs

from ccroles.exceptions import SignInStoreError
from ccroles.names import email_key
from ccroles.signin_store import (
    _CLOSED,
    _EVERY_EVENT,
    _NEW,
    _OPEN,
    _REPLACED,
    _USED,
    LinkKind,
    LinkStatus,
    LinkUse,
    LoginState,
    Reservation,
    _current,
    _event,
    _event_row,
    _link_use,
    _observed,
    _query_parameters,
    _reserved,
    _Row,
    _settled,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from datetime import datetime, timedelta

    import psycopg

    from ccroles.audit import AuditEvent, AuditQuery

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


class PostgresSignInStore:
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

    def __enter__(self) -> Self:
        """Use the store in a ``with`` block; it is closed at the end."""
        return self

    def __exit__(self, *_: object) -> None:
        """Close the store."""
        self.close()

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
    def _transaction(self, *keys: str) -> Iterator[psycopg.Cursor[Any]]:
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

    def _read(self, cursor: psycopg.Cursor[Any], key: str) -> _Row | None:
        cursor.execute(
            "SELECT failures, locked_until, credentials, changed, expires "
            "FROM logins WHERE email = %s",
            (key,),
        )
        found = cursor.fetchone()
        if found is None:
            return None
        failures, locked_until, credentials, changed, expires = found
        return _Row(
            failures,
            locked_until,
            None if credentials is None else bytes(credentials),
            changed,
            expires,
        )

    def _write(self, cursor: psycopg.Cursor[Any], key: str, row: _Row) -> None:
        cursor.execute(
            "INSERT INTO logins "
            "(email, failures, locked_until, credentials, changed, expires) "
            "VALUES (%s, %s, %s, %s, %s, %s) "
            "ON CONFLICT (email) DO UPDATE SET "
            "failures = excluded.failures, locked_until = excluded.locked_until, "
            "credentials = excluded.credentials, changed = excluded.changed, "
            "expires = excluded.expires",
            (
                key,
                row.failures,
                row.locked_until,
                row.credentials,
                row.changed,
                row.expires,
            ),
        )

    def _close_links(self, cursor: psycopg.Cursor[Any], key: str, state: str) -> None:
        cursor.execute(
            "UPDATE links SET state = %s WHERE email = %s AND state = %s",
            (state, key, _OPEN),
        )

    def state(self, email: str, now: datetime) -> LoginState:
        """See :meth:`~ccroles.signin_store.SignInStore.state`."""
        key = email_key(email)
        with self._transaction() as cursor:
            row = self._read(cursor, key) or _NEW
            return _current(row, now).state

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
            # Forget the expired logins no account has; rows another
            # transaction holds are left for a later attempt (no waiting).
            cursor.execute(
                "DELETE FROM logins WHERE email IN ("
                "SELECT email FROM logins WHERE expires <= %s "
                "AND email <> %s FOR UPDATE SKIP LOCKED)",
                (now, key),
            )
            row, changed = _observed(self._read(cursor, key) or _NEW, now, credentials)
            if changed:
                self._close_links(cursor, key, _CLOSED)
            row, granted = _reserved(row, now, max_failures, lock_for)
            self._write(cursor, key, row)
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
        """See :meth:`~ccroles.signin_store.SignInStore.settle`."""
        key = email_key(email)
        with self._transaction(key) as cursor:
            found = self._read(cursor, key)
            row = _settled(found or _NEW, now, reserved, right=right)
            if found is not None and row != found:
                self._write(cursor, key, row)
            if event is not None:
                self._insert_event(cursor, event(row.state))
            return row.state

    def record_failure(
        self, email: str, now: datetime, max_failures: int, lock_for: timedelta
    ) -> LoginState:
        """Count one wrong password (a reservation found wrong); the state after.

        The login's recorded credentials are left as they are.
        """
        key = email_key(email)
        with self._transaction(key) as cursor:
            row, _ = _reserved(
                self._read(cursor, key) or _NEW, now, max_failures, lock_for
            )
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
        """See :meth:`~ccroles.signin_store.SignInStore.observe`."""
        key = email_key(email)
        with self._transaction(key) as cursor:
            row, closes = _observed(
                self._read(cursor, key) or _NEW, now, credentials, changed=changed
            )
            if closes:
                self._close_links(cursor, key, _CLOSED)
                self._write(cursor, key, row)
            return row.changed

    def unlock(self, email: str) -> bool:
        """See :meth:`~ccroles.signin_store.SignInStore.unlock`."""
        key = email_key(email)
        with self._transaction(key) as cursor:
            cursor.execute(
                "DELETE FROM logins WHERE email = %s AND credentials IS NULL",
                (key,),
            )
            if cursor.rowcount:
                return True
            cursor.execute(
                "UPDATE logins SET failures = 0, locked_until = NULL WHERE email = %s",
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
        """See :meth:`~ccroles.signin_store.SignInStore.add_link`."""
        key = email_key(email)
        with self._transaction(key) as cursor:
            row, changed = _observed(self._read(cursor, key) or _NEW, now, credentials)
            if changed:
                self._write(cursor, key, row)
            self._close_links(cursor, key, _CLOSED if changed else _REPLACED)
            cursor.execute(
                "INSERT INTO links "
                "(digest, email, kind, expires, state) VALUES (%s, %s, %s, %s, %s) "
                "ON CONFLICT (digest) DO UPDATE SET email = excluded.email, "
                "kind = excluded.kind, expires = excluded.expires, "
                "state = excluded.state",
                (digest, key, kind.value, expires, _OPEN),
            )

    def _find(
        self, cursor: psycopg.Cursor[Any], digest: bytes
    ) -> tuple[str, LinkKind, datetime, str] | None:
        cursor.execute(
            "SELECT email, kind, expires, state FROM links WHERE digest = %s",
            (digest,),
        )
        found = cursor.fetchone()
        if found is None:
            return None
        email, kind, expires, state = found
        return email, LinkKind(kind), expires, state

    def peek_link(self, digest: bytes, now: datetime) -> LinkUse:
        """See :meth:`~ccroles.signin_store.SignInStore.peek_link`."""
        with self._transaction() as cursor:
            return _link_use(self._find(cursor, digest), now)

    def use_link(
        self, digest: bytes, now: datetime, before: bytes | None, after: bytes | None
    ) -> LinkUse:
        """See :meth:`~ccroles.signin_store.SignInStore.use_link`."""
        # The link's login is read first (it never changes), so that its
        # lock is taken before anything of the login is read or written.
        with self._transaction() as cursor:
            found = self._find(cursor, digest)
        with self._transaction(*(found[:1] if found else ())) as cursor:
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
                "UPDATE links SET state = %s WHERE digest = %s",
                (_USED, digest),
            )
            self._write(
                cursor,
                key,
                attrs.evolve(
                    row, failures=0, locked_until=None, credentials=after, changed=now
                ),
            )
            return use

    @staticmethod
    def _insert_event(cursor: psycopg.Cursor[Any], event: AuditEvent) -> None:
        cursor.execute(
            "INSERT INTO events "
            "(at, kind, login, outcome, reasons, actor, client) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s)",
            (event.at, *_event_row(event)),
        )

    def record_event(self, event: AuditEvent) -> None:
        """See :meth:`~ccroles.signin_store.SignInStore.record_event`."""
        with self._transaction() as cursor:
            self._insert_event(cursor, event)

    def events(self, query: AuditQuery = _EVERY_EVENT) -> tuple[AuditEvent, ...]:
        """See :meth:`~ccroles.signin_store.SignInStore.events`."""
        parameters = _query_parameters(query)
        parameters["since"] = query.since
        parameters["until"] = query.until
        with self._transaction() as cursor:
            cursor.execute(
                "SELECT at, kind, login, outcome, reasons, actor, client "
                "FROM events WHERE "
                "(%(email)s::text IS NULL OR login = %(email)s) "
                "AND (%(since)s::timestamptz IS NULL OR at >= %(since)s) "
                "AND (%(until)s::timestamptz IS NULL OR at < %(until)s) "
                "AND (%(kinds)s::text IS NULL "
                "OR strpos(%(kinds)s, ',' || kind || ',') > 0) "
                "AND (%(outcome)s::text IS NULL OR outcome = %(outcome)s) "
                "ORDER BY at, id",
                parameters,
            )
            rows = cursor.fetchall()
        return tuple(_event(*row) for row in rows)

    def prune_events(self, before: datetime) -> int:
        """See :meth:`~ccroles.signin_store.SignInStore.prune_events`."""
        with self._transaction() as cursor:
            cursor.execute("DELETE FROM events WHERE at < %s", (before,))
            return cursor.rowcount

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
