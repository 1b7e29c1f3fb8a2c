"""The SQLite store's file: made, versioned, refused when it is not a store."""

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from ccroles import MemorySignInStore, SQLiteSignInStore
from ccroles.exceptions import SignInStoreError
from ccroles.signin_rules import LinkKind, LinkStatus, LoginState
from ccroles.signin_store_sqlite import SCHEMA_VERSION

NOW = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
LOCK = timedelta(minutes=30)
EMAIL = "ap@acme.example"
Store = MemorySignInStore | SQLiteSignInStore
CREDENTIALS = b"c1"


def fail(store: Store, times: int, now: datetime = NOW) -> LoginState:
    """Record *times* wrong passwords; return the last state."""
    state = LoginState()
    for _ in range(times):
        state = store.record_failure(EMAIL, now, 5, LOCK)
    return state


# The SQLite file


def test_the_state_survives_closing_and_reopening(tmp_path: Path) -> None:
    """A lock and a link outlive the process that made them."""
    path = tmp_path / "signin.sqlite3"
    with SQLiteSignInStore(path) as first:
        fail(first, 5)
        first.add_link(
            EMAIL, LinkKind.RESET, b"d1", NOW + LOCK, now=NOW, credentials=CREDENTIALS
        )
    with SQLiteSignInStore(path, create=False) as second:
        assert second.state(EMAIL, NOW) == LoginState(5, NOW + LOCK)
        assert (
            second.use_link(b"d1", NOW, CREDENTIALS, CREDENTIALS).status
            is LinkStatus.ACCEPTED
        )


def test_a_new_file_gets_the_schema_version(tmp_path: Path) -> None:
    """The file records its schema version in SQLite's user_version."""
    path = tmp_path / "signin.sqlite3"
    SQLiteSignInStore(path).close()
    with sqlite3.connect(path) as connection:
        (version,) = connection.execute("PRAGMA user_version").fetchone()
    connection.close()
    assert version == SCHEMA_VERSION == 3


def test_a_newer_schema_is_refused(tmp_path: Path) -> None:
    """A file written by a later ccroles is not touched."""
    path = tmp_path / "signin.sqlite3"
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA user_version = 4")
    connection.close()
    with pytest.raises(SignInStoreError, match="schema version is 4"):
        SQLiteSignInStore(path)


def test_a_file_that_is_not_a_database_is_refused(tmp_path: Path) -> None:
    """Some other file is not mistaken for a store."""
    path = tmp_path / "notes.txt"
    path.write_text("not a database\n" * 100, encoding="utf-8")
    with pytest.raises(SignInStoreError, match="not a SQLite database"):
        SQLiteSignInStore(path)


def test_a_missing_file_is_refused_unless_created(tmp_path: Path) -> None:
    """create=False is for readers such as `ccroles sign-in-status`."""
    path = tmp_path / "missing.sqlite3"
    with pytest.raises(SignInStoreError, match="no such file"):
        SQLiteSignInStore(path, create=False)
    assert not path.exists()


def test_the_stores_show_no_state_in_their_repr(tmp_path: Path) -> None:
    """Repr names the store, not the logins."""
    memory = MemorySignInStore()
    fail(memory, 1)
    assert repr(memory) == "MemorySignInStore(<1 logins>)"
    path = tmp_path / "s.sqlite3"
    with SQLiteSignInStore(path) as sqlite:
        assert repr(sqlite) == f"SQLiteSignInStore({str(path)!r})"
