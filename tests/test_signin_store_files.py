"""A sign-in store never changes a file it does not own, and every failure is clear."""

import contextlib
import hashlib
import inspect
import os
import re
import sqlite3
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from ccroles import SQLiteSignInStore, signin_store_sqlite
from ccroles._sql_store import Cursor
from ccroles.exceptions import SignInStoreError
from ccroles.signin_rules import LoginState
from ccroles.signin_store_sqlite import APPLICATION_ID, check_file
from tests.cli_run import run

NOW = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
LOCK = timedelta(minutes=30)
EMAIL = "ap@acme.example"


def digest(path: Path) -> str:
    """The SHA-256 of the file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def database(path: Path, *statements: str) -> Path:
    """A SQLite file made by *statements* (in rollback-journal mode)."""
    connection = sqlite3.connect(path)
    for statement in statements:
        connection.execute(statement)
    connection.commit()
    connection.close()
    return path


def users_table(path: Path) -> Path:
    """Another program's database."""
    return database(
        path,
        "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)",
        "INSERT INTO users (name) VALUES ('ada')",
    )


def own_logins_table(path: Path) -> Path:
    """Another program's database that happens to have a logins table."""
    return database(path, "CREATE TABLE logins (name TEXT)")


def newer_schema(path: Path) -> Path:
    """A store written by a later ccroles."""
    return database(
        path,
        "CREATE TABLE logins (email TEXT)",
        "CREATE TABLE links (digest BLOB)",
        "PRAGMA user_version = 4",
        f"PRAGMA application_id = {APPLICATION_ID}",
    )


def other_application(path: Path) -> Path:
    """A database another program marked as its own."""
    return database(
        path,
        "CREATE TABLE logins (email TEXT)",
        "CREATE TABLE links (digest BLOB)",
        "PRAGMA user_version = 1",
        "PRAGMA application_id = 42",
    )


def text_file(path: Path) -> Path:
    """Not a database at all."""
    path.write_text("format = 1\n" * 200, encoding="utf-8")
    return path


def corrupt_store(path: Path) -> Path:
    """A store whose second page was overwritten."""
    with SQLiteSignInStore(path) as store:
        for i in range(200):
            store.record_failure(f"login{i}@acme.example", NOW, 5, LOCK)
    data = bytearray(path.read_bytes())
    data[4096:8192] = b"\xff" * 4096
    path.write_bytes(bytes(data))
    return path


FOREIGN: list[tuple[Callable[[Path], Path], str]] = [
    (users_table, "it is a SQLite database but not a sign-in store (tables: users)"),
    (own_logins_table, "not a sign-in store (tables: logins)"),
    (newer_schema, "its schema version is 4; this ccroles knows versions up to 3"),
    (other_application, "it is another program's SQLite database (application id 42)"),
    (text_file, "it is not a SQLite database"),
    (corrupt_store, "it is corrupt; restore it from a backup"),
]


@pytest.mark.parametrize("create", [True, False])
@pytest.mark.parametrize(("make", "reason"), FOREIGN)
def test_a_foreign_file_is_refused_and_left_byte_for_byte(
    tmp_path: Path, make: Callable[[Path], Path], reason: str, *, create: bool
) -> None:
    """Refused with the path and the reason; the file's bytes are unchanged."""
    path = make(tmp_path / "file.db")
    before = digest(path)
    with pytest.raises(SignInStoreError, match=re.escape(reason)) as caught:
        SQLiteSignInStore(path, create=create)
    assert caught.value.path == path
    assert digest(path) == before


@pytest.mark.parametrize("command", ["sign-in-status", "unlock"])
@pytest.mark.parametrize(("make", "reason"), FOREIGN)
def test_the_cli_refuses_a_foreign_file_with_status_2(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    make: Callable[[Path], Path],
    reason: str,
    command: str,
) -> None:
    """One line on stderr naming the file, status 2, no traceback, bytes unchanged."""
    path = make(tmp_path / "file.db")
    before = digest(path)
    status, out, err = run(capsys, command, str(path), EMAIL)
    assert (status, out) == (2, "")
    assert err.startswith(f"ccroles: error: cannot use sign-in store {str(path)!r}: ")
    assert reason in err
    assert err.count("\n") == 1
    assert digest(path) == before


def test_an_empty_file_becomes_a_store_only_when_asked(tmp_path: Path) -> None:
    """0 bytes: a new store for create=True; refused otherwise, and by the CLI."""
    path = tmp_path / "new.db"
    path.touch()
    with pytest.raises(SignInStoreError) as caught:
        SQLiteSignInStore(path, create=False)
    assert (caught.value.path, caught.value.reason) == (
        path,
        "it is empty, not a sign-in store",
    )
    assert path.stat().st_size == 0
    with SQLiteSignInStore(path) as store:
        assert store.state(EMAIL, NOW) == LoginState()
    assert path.stat().st_size > 0


def test_the_cli_never_makes_a_store_of_an_empty_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """`ccroles unlock` on a 0-byte file: status 2, still 0 bytes."""
    path = tmp_path / "new.db"
    path.touch()
    status, _, err = run(capsys, "unlock", str(path), EMAIL)
    assert status == 2
    assert "it is empty, not a sign-in store" in err
    assert path.stat().st_size == 0


def test_an_empty_database_becomes_a_store_only_when_asked(tmp_path: Path) -> None:
    """A SQLite file with nothing in it: new for create=True, refused otherwise."""
    path = database(tmp_path / "empty.db", "CREATE TABLE t (x)", "DROP TABLE t")
    before = digest(path)
    with pytest.raises(SignInStoreError, match="an empty SQLite database"):
        SQLiteSignInStore(path, create=False)
    assert digest(path) == before
    SQLiteSignInStore(path).close()
    SQLiteSignInStore(path, create=False).close()


def test_a_version_1_store_is_migrated_with_its_state(tmp_path: Path) -> None:
    """The first schema's counts and links survive the migration to version 3."""
    path = database(
        tmp_path / "v1.db",
        "CREATE TABLE logins (email TEXT PRIMARY KEY, failures INTEGER NOT NULL, "
        "locked_until TEXT)",
        "CREATE TABLE links (digest BLOB PRIMARY KEY, email TEXT NOT NULL, "
        "kind TEXT NOT NULL, expires TEXT NOT NULL, state TEXT NOT NULL)",
        "INSERT INTO logins VALUES "  # noqa: S608 (fixed test values)
        f"('{EMAIL}', 5, '{(NOW + LOCK).isoformat()}')",
        "PRAGMA user_version = 1",
    )
    with SQLiteSignInStore(path, create=False) as store:
        assert store.state(EMAIL, NOW) == LoginState(5, NOW + LOCK)
    connection = sqlite3.connect(path)
    versions = [
        connection.execute(f"PRAGMA {name}").fetchone()[0]
        for name in ("user_version", "application_id")
    ]
    connection.close()
    assert versions == [3, APPLICATION_ID]


# Every failure of the store: one clear error naming the path


def test_a_store_in_a_missing_folder_is_refused(tmp_path: Path) -> None:
    """The folder must exist: say so, create nothing."""
    path = tmp_path / "missing" / "signin.db"
    with pytest.raises(SignInStoreError) as caught:
        SQLiteSignInStore(path)
    assert (caught.value.path, caught.value.reason) == (
        path,
        "its folder does not exist; create it first",
    )
    assert not path.parent.exists()


def test_a_folder_is_refused(tmp_path: Path) -> None:
    """A folder given as the store: say it."""
    with pytest.raises(SignInStoreError, match="it is a folder") as caught:
        SQLiteSignInStore(tmp_path)
    assert str(tmp_path) in str(caught.value)


def test_a_read_only_file_is_refused_at_open(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Refused when opened, not at the first sign-in (permissions as the OS says)."""
    path = tmp_path / "signin.db"
    SQLiteSignInStore(path).close()
    monkeypatch.setattr(os, "access", lambda _, mode: mode != os.W_OK)
    with pytest.raises(SignInStoreError, match="it is read-only; give this process"):
        SQLiteSignInStore(path)


def test_a_new_store_in_a_read_only_folder_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Nowhere to create the file: say so."""
    monkeypatch.setattr(os, "access", lambda _, mode: mode != os.W_OK)
    path = tmp_path / "signin.db"
    with pytest.raises(SignInStoreError) as caught:
        SQLiteSignInStore(path)
    assert (caught.value.path, caught.value.reason) == (
        path,
        "its folder is read-only; give this process write access to it",
    )


def test_an_unreadable_file_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file the process may not read: say so."""
    path = tmp_path / "signin.db"
    SQLiteSignInStore(path).close()

    def refuse(*_: object, **__: object) -> object:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "open", refuse)
    with pytest.raises(
        SignInStoreError, match=r"it cannot be read \(Permission denied\)"
    ) as caught:
        SQLiteSignInStore(path)
    assert caught.value.path == path


def test_a_store_that_becomes_read_only_fails_clearly(tmp_path: Path) -> None:
    """A write refused by SQLite is one SignInStoreError naming the file."""
    path = tmp_path / "signin.db"
    store = SQLiteSignInStore(path)
    store._connection.close()  # the file as a read-only mount shows it
    store._connection = sqlite3.connect(
        f"{path.as_uri()}?mode=ro",
        uri=True,
        isolation_level=None,
        check_same_thread=False,
    )
    with pytest.raises(SignInStoreError, match="it is read-only") as caught:
        store.record_failure(EMAIL, NOW, 5, LOCK)
    assert caught.value.path == path
    store.close()


def test_a_store_held_by_another_writer_times_out_clearly(tmp_path: Path) -> None:
    """Another process holding the write lock beyond the timeout: say what to do."""
    path = tmp_path / "signin.db"
    SQLiteSignInStore(path).close()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(
            SignInStoreError, match=r"held it locked for more than 0\.05"
        ):
            SQLiteSignInStore(path, timeout=0.05)
    finally:
        holder.rollback()
    with SQLiteSignInStore(path, timeout=0.05) as store:
        holder.execute("BEGIN IMMEDIATE")
        try:
            with pytest.raises(SignInStoreError, match="held it locked"):
                store.unlock(EMAIL)
        finally:
            holder.rollback()
            holder.close()


def test_a_store_corrupted_while_open_fails_clearly(tmp_path: Path) -> None:
    """A page damaged under an open store: reads fail with the path and the remedy."""
    path = tmp_path / "signin.db"
    with SQLiteSignInStore(path) as store:
        for i in range(200):
            store.record_failure(f"login{i}@acme.example", NOW, 5, LOCK)
    with SQLiteSignInStore(path) as store:
        data = bytearray(path.read_bytes())
        data[4096:] = b"\xff" * (len(data) - 4096)
        path.write_bytes(bytes(data))
        with pytest.raises(SignInStoreError, match="it is corrupt"):
            store.state("login150@acme.example", NOW)


def test_an_unexpected_sqlite_failure_is_named_too() -> None:
    """Any other SQLite error: its own words, with the path."""
    store = SQLiteSignInStore(":memory:")
    store.close()
    with pytest.raises(
        SignInStoreError, match="SQLite failed: Cannot operate on a closed"
    ):
        store.state(EMAIL, NOW)


def test_unlock_of_a_login_the_store_never_saw_is_status_1(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A misspelt email: says so, exit 1, and the real login stays locked."""
    path = tmp_path / "signin.db"
    with SQLiteSignInStore(path) as store:
        for _ in range(5):
            store.record_failure(EMAIL, NOW, 5, LOCK)
    typo = "ap@acme.exmaple"
    expected = f"{typo}: the store has no record of this login; nothing unlocked\n"
    assert run(capsys, "unlock", str(path), typo) == (1, expected, "")
    with SQLiteSignInStore(path) as store:
        assert store.state(EMAIL, NOW).locked


def damaged_inside(path: Path) -> Path:
    """A store-shaped file whose rows break its own constraints."""
    database(
        path,
        "CREATE TABLE logins (email TEXT)",
        "CREATE TABLE links (digest BLOB)",
        "INSERT INTO logins VALUES (NULL)",
        "PRAGMA user_version = 2",
        f"PRAGMA application_id = {APPLICATION_ID}",
    )
    return database(
        path,
        "PRAGMA writable_schema = ON",
        "UPDATE sqlite_master SET sql = 'CREATE TABLE logins (email TEXT NOT NULL)' "
        "WHERE name = 'logins'",
    )


def test_damage_the_check_reports_is_refused_as_corrupt(tmp_path: Path) -> None:
    """A check that finds damage (not an error raised) refuses the file too."""
    path = damaged_inside(tmp_path / "file.db")
    before = digest(path)
    with pytest.raises(SignInStoreError, match="it is corrupt"):
        SQLiteSignInStore(path)
    assert digest(path) == before


def test_a_file_made_newer_after_the_check_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The version is read again in the migration's transaction."""
    path = newer_schema(tmp_path / "file.db")
    monkeypatch.setattr(signin_store_sqlite, "check_file", lambda *_, **__: None)
    with pytest.raises(SignInStoreError) as caught:
        SQLiteSignInStore(path)
    assert (caught.value.path, caught.value.reason) == (
        path,
        "its schema version is 4; this ccroles knows versions up to 3",
    )


class _Racing(SQLiteSignInStore):
    """A store whose change another process records between its read and its write."""

    other: SQLiteSignInStore | None = None

    @contextlib.contextmanager
    def _transaction(self, *keys: str) -> Iterator[Cursor]:
        if self.other is not None:
            self.other.observe(EMAIL, NOW, b"new")
            self.other = None
        with super()._transaction(*keys) as cursor:
            yield cursor


def test_a_change_recorded_meanwhile_is_recorded_once(tmp_path: Path) -> None:
    """Two processes seeing the same change: the first records it, links close once."""
    path = tmp_path / "signin.db"
    with SQLiteSignInStore(path) as store:
        store.observe(EMAIL, NOW, b"old")
    racing = _Racing(path)
    racing.other = SQLiteSignInStore(path)
    later = NOW + timedelta(minutes=1)
    assert racing.observe(EMAIL, later, b"new") == NOW
    racing.close()


LOCKED = (
    "another process has held it locked for more than 0.05 seconds; "
    "try again, or stop the process that holds it"
)
READ_ONLY = "it is read-only; give this process write access to it and its folder"
CORRUPT = (
    "it is corrupt; restore it from a backup, or move it away to start "
    "with no sign-in state"
)


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        ("database is locked", LOCKED),
        ("database is busy", LOCKED),
        ("attempt to write a readonly database", READ_ONLY),
        ("read-only file system", READ_ONLY),
        ("database disk image is malformed", CORRUPT),
        ("file is not a database", CORRUPT),
        ("disk I/O error", "SQLite failed: disk I/O error"),
    ],
)
def test_each_sqlite_failure_is_said_with_what_to_do(error: str, reason: str) -> None:
    """SQLite's words become the store's reason, and its remedy."""
    failure = sqlite3.OperationalError(error)
    assert signin_store_sqlite._failure(failure, 0.05) == reason


def store_shaped(path: Path, version: int, *tables: str) -> Path:
    """A file marked as a store of *version*, holding *tables*."""
    return database(
        path,
        *(f"CREATE TABLE {table} (x)" for table in tables),
        f"PRAGMA user_version = {version}",
        f"PRAGMA application_id = {APPLICATION_ID}",
    )


@pytest.mark.parametrize(
    ("version", "tables", "names"),
    [
        (3, ("logins", "links"), "links, logins"),
        (2, (), "none"),
        (1, ("links",), "links"),
    ],
)
def test_a_store_missing_its_version_s_tables_is_refused(
    tmp_path: Path, version: int, tables: tuple[str, ...], names: str
) -> None:
    """Marked as a store, but not the tables of its version: refused, tables named."""
    path = store_shaped(tmp_path / "file.db", version, *tables)
    with pytest.raises(SignInStoreError) as caught:
        SQLiteSignInStore(path)
    assert caught.value.path == path
    assert caught.value.reason == (
        f"it is a SQLite database but not a sign-in store (tables: {names})"
    )


def test_an_empty_database_is_refused_with_its_path(tmp_path: Path) -> None:
    """create=False: the file and the reason, in full."""
    path = database(tmp_path / "empty.db", "CREATE TABLE t (x)", "DROP TABLE t")
    with pytest.raises(SignInStoreError) as caught:
        SQLiteSignInStore(path, create=False)
    assert (caught.value.path, caught.value.reason) == (
        path,
        "it is an empty SQLite database, not a sign-in store",
    )


@pytest.mark.parametrize("read_only", ["file", "folder"])
def test_a_store_is_refused_when_its_file_or_its_folder_is_read_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, read_only: str
) -> None:
    """SQLite writes beside the file too: both must be writable."""
    path = tmp_path / "signin.db"
    SQLiteSignInStore(path).close()
    refused = path if read_only == "file" else tmp_path

    def access(where: object, mode: int) -> bool:
        return not (mode == os.W_OK and Path(str(where)) == refused)

    monkeypatch.setattr(os, "access", access)
    with pytest.raises(SignInStoreError) as caught:
        SQLiteSignInStore(path)
    assert (caught.value.path, caught.value.reason) == (path, READ_ONLY)


@pytest.mark.parametrize("refused", ["the check", "the store"])
def test_a_file_sqlite_cannot_open_is_refused_with_its_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, refused: str
) -> None:
    """SQLite fails to open the file, for the check or after it: path and words."""
    path = tmp_path / "signin.db"
    SQLiteSignInStore(path).close()
    connect = sqlite3.connect

    def refuse(database: str, **kwargs: Any) -> sqlite3.Connection:
        if refused == "the store" and kwargs.get("uri"):
            return connect(database, uri=True)
        raise sqlite3.OperationalError("unable to open database file")

    monkeypatch.setattr(sqlite3, "connect", refuse)
    with pytest.raises(SignInStoreError) as caught:
        SQLiteSignInStore(path)
    assert (caught.value.path, caught.value.reason) == (
        path,
        "SQLite failed: unable to open database file",
    )


class _LockedReader:
    """A read-only connection to a file another process holds locked."""

    def execute(self, *_: object) -> sqlite3.Cursor:
        raise sqlite3.OperationalError("database is locked")

    def close(self) -> None:
        """Nothing to close."""


def test_a_file_locked_during_its_check_is_refused_with_the_wait(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The check waits SQLite's 5 seconds for another writer, and says so."""
    path = tmp_path / "signin.db"
    SQLiteSignInStore(path).close()
    monkeypatch.setattr(sqlite3, "connect", lambda *_, **__: _LockedReader())
    with pytest.raises(SignInStoreError) as caught:
        SQLiteSignInStore(path)
    assert (caught.value.path, caught.value.reason) == (
        path,
        (
            "another process has held it locked for more than 5 seconds; "
            "try again, or stop the process that holds it"
        ),
    )


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (text_file, "it is not a SQLite database"),
        (lambda path: path.parent, "it is a folder; give the path of a store file"),
    ],
    ids=["text", "folder"],
)
def test_what_is_not_a_store_file_is_refused_in_these_words(
    tmp_path: Path, make: Callable[[Path], Path], reason: str
) -> None:
    """The whole reason, and the path given."""
    path = make(tmp_path / "file.db")
    with pytest.raises(SignInStoreError) as caught:
        check_file(path)
    assert (caught.value.path, caught.value.reason) == (path, reason)


def test_the_check_lets_a_missing_or_empty_file_become_a_store(tmp_path: Path) -> None:
    """By default a new or 0-byte file may be created; the check writes nothing."""
    missing = tmp_path / "new.db"
    check_file(missing)
    assert not missing.exists()
    empty = tmp_path / "empty.db"
    empty.touch()
    check_file(empty)
    assert empty.stat().st_size == 0


def test_a_store_waits_30_seconds_for_another_writer_by_default() -> None:
    """The documented default of timeout."""
    parameters = inspect.signature(SQLiteSignInStore).parameters
    assert parameters["timeout"].default == 30.0


def test_a_private_in_memory_store_needs_no_file() -> None:
    """A private in-memory store is no file: nothing is checked, even create=False."""
    with SQLiteSignInStore(":memory:", create=False) as store:
        assert store.record_failure(EMAIL, NOW, 5, LOCK) == LoginState(1)


def test_a_store_waits_only_its_timeout_for_another_writer(tmp_path: Path) -> None:
    """timeout=0.05 is obeyed: the refusal comes long before SQLite's own 5 seconds."""
    path = tmp_path / "signin.db"
    SQLiteSignInStore(path).close()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    start = time.monotonic()
    try:
        with pytest.raises(SignInStoreError, match="held it locked"):
            SQLiteSignInStore(path, timeout=0.05)
    finally:
        holder.rollback()
        holder.close()
    assert time.monotonic() - start < 4
