import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from ccroles import MemorySignInStore, SignInStore, SQLiteSignInStore
from ccroles.exceptions import SignInStoreError
from ccroles.signin_store import (
    SCHEMA_VERSION,
    LinkKind,
    LinkStatus,
    LinkUse,
    LoginState,
)

NOW = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
LOCK = timedelta(minutes=30)
EMAIL = "ap@acme.example"


@pytest.fixture(params=["memory", "sqlite"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SignInStore]:
    """Each store, fresh."""
    made: SignInStore = (
        MemorySignInStore()
        if request.param == "memory"
        else SQLiteSignInStore(tmp_path / "signin.sqlite3")
    )
    yield made
    made.close()


def fail(store: SignInStore, times: int, now: datetime = NOW) -> LoginState:
    """Record *times* wrong passwords; return the last state."""
    state = LoginState()
    for _ in range(times):
        state = store.record_failure(EMAIL, now, 5, LOCK)
    return state


# Wrong passwords and locks


@pytest.mark.parametrize(
    ("failures", "expected"),
    [
        (0, LoginState()),
        (1, LoginState(1)),
        (4, LoginState(4)),
        (5, LoginState(5, NOW + LOCK)),
        (6, LoginState(6, NOW + LOCK)),
    ],
)
def test_the_fifth_wrong_password_in_a_row_locks(
    store: SignInStore, failures: int, expected: LoginState
) -> None:
    """DOMAIN §6: the 5th wrong password locks for 30 minutes; the 4th does not."""
    fail(store, failures)
    assert store.state(EMAIL, NOW) == expected


def test_a_failure_during_the_lock_does_not_extend_it(store: SignInStore) -> None:
    """A lock ends 30 minutes after the failure that set it."""
    fail(store, 5)
    later = NOW + timedelta(minutes=10)
    assert store.record_failure(EMAIL, later, 5, LOCK).locked_until == NOW + LOCK


@pytest.mark.parametrize(
    ("after", "locked"),
    [
        (LOCK - timedelta(microseconds=1), True),
        (LOCK, False),
    ],
)
def test_a_lock_ends_after_its_duration(
    store: SignInStore, after: timedelta, *, locked: bool
) -> None:
    """Locked until the end, not at the end; then the count starts again."""
    fail(store, 5)
    state = store.state(EMAIL, NOW + after)
    assert state.locked == locked
    assert state == (LoginState(5, NOW + LOCK) if locked else LoginState())


def test_after_a_lock_the_count_starts_again(store: SignInStore) -> None:
    """The first wrong password after a lock is the first of a new run."""
    fail(store, 5)
    assert store.record_failure(EMAIL, NOW + LOCK, 5, LOCK) == LoginState(1)


def test_a_right_password_restarts_the_count(store: SignInStore) -> None:
    """Four wrong, one right, four wrong: no lock."""
    fail(store, 4)
    assert store.record_success(EMAIL, NOW) == LoginState()
    assert fail(store, 4) == LoginState(4)


def test_a_right_password_during_the_lock_changes_nothing(store: SignInStore) -> None:
    """While locked, even the right password keeps the lock."""
    fail(store, 5)
    assert store.record_success(EMAIL, NOW) == LoginState(5, NOW + LOCK)


def test_unlock_ends_the_lock_and_the_count(store: SignInStore) -> None:
    """An administrator unlocks early."""
    fail(store, 5)
    store.unlock(EMAIL.upper())
    assert store.state(EMAIL, NOW) == LoginState()


def test_emails_match_ignoring_case(store: SignInStore) -> None:
    """AP@ACME and ap@acme are one login."""
    store.record_failure("AP@ACME.example", NOW, 5, LOCK)
    assert store.state(EMAIL, NOW) == LoginState(1)


def test_logins_are_counted_apart(store: SignInStore) -> None:
    """One login's failures are not another's."""
    fail(store, 5)
    assert store.state("other@acme.example", NOW) == LoginState()


# Links


def test_a_link_is_accepted_once_then_used(store: SignInStore) -> None:
    """A link works once; using it ends the login's lock."""
    fail(store, 5)
    store.add_link(EMAIL, LinkKind.RESET, b"d1", NOW + LOCK)
    accepted = LinkUse(LinkStatus.ACCEPTED, EMAIL, LinkKind.RESET, NOW + LOCK)
    assert store.peek_link(b"d1", NOW) == accepted
    assert store.use_link(b"d1", NOW) == accepted
    assert store.state(EMAIL, NOW) == LoginState()
    used = LinkUse(LinkStatus.USED, EMAIL, LinkKind.RESET, NOW + LOCK)
    assert store.use_link(b"d1", NOW) == used


@pytest.mark.parametrize(
    ("after", "status"),
    [
        (timedelta(minutes=60) - timedelta(microseconds=1), LinkStatus.ACCEPTED),
        (timedelta(minutes=60), LinkStatus.EXPIRED),
    ],
)
def test_a_link_expires(
    store: SignInStore, after: timedelta, status: LinkStatus
) -> None:
    """A link works until its expiry, not at it."""
    expires = NOW + timedelta(minutes=60)
    store.add_link(EMAIL, LinkKind.RESET, b"d1", expires)
    assert store.use_link(b"d1", NOW + after).status is status


def test_an_expired_link_is_not_used_up(store: SignInStore) -> None:
    """Refusing an expired link leaves the lock in place."""
    fail(store, 5)
    store.add_link(EMAIL, LinkKind.ACCESS, b"d1", NOW)
    assert store.use_link(b"d1", NOW).status is LinkStatus.EXPIRED
    assert store.state(EMAIL, NOW).locked


def test_a_new_link_replaces_the_older_ones(store: SignInStore) -> None:
    """Only the newest link of a login works; other logins' links still do."""
    store.add_link(EMAIL, LinkKind.ACCESS, b"old", NOW + LOCK)
    store.add_link("other@acme.example", LinkKind.RESET, b"theirs", NOW + LOCK)
    store.add_link(EMAIL.upper(), LinkKind.RESET, b"new", NOW + LOCK)
    assert store.use_link(b"old", NOW).status is LinkStatus.REPLACED
    assert store.use_link(b"new", NOW).status is LinkStatus.ACCEPTED
    assert store.use_link(b"theirs", NOW).status is LinkStatus.ACCEPTED


def test_an_unknown_link_is_refused(store: SignInStore) -> None:
    """A digest no link has is unknown, and nothing else is said."""
    assert store.use_link(b"nothing", NOW) == LinkUse(LinkStatus.UNKNOWN)


# The SQLite file


def test_the_state_survives_closing_and_reopening(tmp_path: Path) -> None:
    """A lock and a link outlive the process that made them."""
    path = tmp_path / "signin.sqlite3"
    with SQLiteSignInStore(path) as first:
        fail(first, 5)
        first.add_link(EMAIL, LinkKind.RESET, b"d1", NOW + LOCK)
    with SQLiteSignInStore(path, create=False) as second:
        assert second.state(EMAIL, NOW) == LoginState(5, NOW + LOCK)
        assert second.use_link(b"d1", NOW).status is LinkStatus.ACCEPTED


def test_a_new_file_gets_the_schema_version(tmp_path: Path) -> None:
    """The file records its schema version in SQLite's user_version."""
    path = tmp_path / "signin.sqlite3"
    SQLiteSignInStore(path).close()
    with sqlite3.connect(path) as connection:
        (version,) = connection.execute("PRAGMA user_version").fetchone()
    connection.close()
    assert version == SCHEMA_VERSION == 1


def test_a_newer_schema_is_refused(tmp_path: Path) -> None:
    """A file written by a later ccroles is not touched."""
    path = tmp_path / "signin.sqlite3"
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA user_version = 2")
    connection.close()
    with pytest.raises(SignInStoreError, match="schema version is 2"):
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


# Eight processes at once

_WORKER = """
import json, sys
from datetime import datetime, timedelta
from ccroles.signin_store import SQLiteSignInStore
path, email, count, now = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
store = SQLiteSignInStore(path)
sys.stdin.readline()  # every process starts when the test says so
moment = datetime.fromisoformat(now)
for _ in range(count):
    state = store.record_failure(email, moment, 5, timedelta(minutes=30))
    print(json.dumps([state.failures, state.locked]), flush=True)
store.close()
"""


def test_eight_processes_lose_no_failure_and_lock_at_the_fifth(tmp_path: Path) -> None:
    """Concurrent wrong passwords: each one counted, the lock set at exactly the 5th."""
    path = tmp_path / "signin.sqlite3"
    SQLiteSignInStore(path).close()
    processes, per_process = 8, 10
    # The store's code is measured in this process; measuring eight more
    # interpreters would only slow the test down.
    env = {k: v for k, v in os.environ.items() if not k.startswith("COVERAGE_")}
    workers = [
        subprocess.Popen(  # noqa: S603 (our own interpreter and script)
            [
                sys.executable,
                "-c",
                _WORKER,
                str(path),
                EMAIL,
                str(per_process),
                NOW.isoformat(),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        for _ in range(processes)
    ]
    for worker in workers:
        assert worker.stdin is not None
        worker.stdin.write("go\n")
        worker.stdin.flush()
    results = []
    for worker in workers:
        out, _ = worker.communicate(timeout=60)
        assert worker.returncode == 0
        results += [json.loads(line) for line in out.splitlines()]
    total = processes * per_process
    assert sorted(failures for failures, _ in results) == list(range(1, total + 1))
    assert all(locked == (failures >= 5) for failures, locked in results)
    with SQLiteSignInStore(path) as store:
        assert store.state(EMAIL, NOW) == LoginState(total, NOW + LOCK)
