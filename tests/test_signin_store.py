"""The memory and SQLite stores: the file, and every step run in this process."""

import contextlib
import inspect
import sqlite3
from collections.abc import Iterator
from contextlib import AbstractContextManager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import attrs
import pytest

from ccroles import MemorySignInStore, SQLiteSignInStore
from ccroles._sql_store import STATEMENTS, Cursor
from ccroles.audit import AuditEvent, AuditKind, AuditOutcome, AuditQuery
from ccroles.exceptions import SignInStoreError
from ccroles.signin_rules import (
    LinkKind,
    LinkStatus,
    LinkUse,
    LoginState,
    Reservation,
)
from ccroles.signin_store import SignInStore
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


# Every step of the memory and SQLite stores (the PostgreSQL store runs the
# same steps in tests/contract)

LATER = NOW + timedelta(minutes=1)
NOBODY = "nobody@nowhere.example"


@pytest.fixture(params=["memory", "sqlite"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """Each store run in the test process, fresh."""
    made: Store
    if request.param == "memory":
        made = MemorySignInStore()
    else:
        made = SQLiteSignInStore(tmp_path / "signin.sqlite3")
    yield made
    made.close()


def test_a_right_password_restarts_a_count_below_the_limit(store: Store) -> None:
    """Four wrong, then right (any case): the next wrong one is the first again."""
    fail(store, 4)
    assert store.record_success(EMAIL.upper(), NOW) == LoginState()
    assert fail(store, 1) == LoginState(1)


def test_a_right_password_as_the_lock_ends_restarts_the_count(store: Store) -> None:
    """At the end of a lock the right password finds no lock and no count."""
    fail(store, 5)
    assert store.record_success(EMAIL, NOW + LOCK) == LoginState()


def test_settling_appends_its_event_in_the_same_step(store: Store) -> None:
    """The event is made from the state after; no event without a maker."""
    event = AuditEvent(NOW, AuditKind.SIGN_IN, EMAIL, AuditOutcome.ALLOWED)
    seen: list[LoginState] = []

    def make(state: LoginState) -> AuditEvent:
        seen.append(state)
        return event

    assert store.settle(EMAIL, NOW, LoginState(), right=True, event=make) == (
        LoginState()
    )
    assert store.settle(EMAIL, NOW, LoginState(), right=False) == LoginState()
    assert seen == [LoginState()]
    assert store.events() == (event,)
    assert store.unlock(EMAIL) is False


def trail() -> list[AuditEvent]:
    """Four events of two logins, every field used, in time order."""
    return [
        AuditEvent(NOW, AuditKind.SIGN_IN, EMAIL, AuditOutcome.ALLOWED),
        AuditEvent(NOW + timedelta(minutes=1), AuditKind.UNLOCK, NOBODY, actor=EMAIL),
        AuditEvent(
            NOW + timedelta(minutes=2),
            AuditKind.SIGN_IN,
            EMAIL,
            AuditOutcome.DENIED,
            ("wrong_password", "locked"),
            client="203.0.113.7",
        ),
        AuditEvent(NOW + timedelta(minutes=3), AuditKind.LOCK, EMAIL),
    ]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (AuditQuery(), [0, 1, 2, 3]),
        (AuditQuery(email=EMAIL.upper()), [0, 2, 3]),
        (
            AuditQuery(
                since=NOW + timedelta(minutes=1), until=NOW + timedelta(minutes=3)
            ),
            [1, 2],
        ),
        (AuditQuery(kinds=(AuditKind.UNLOCK, AuditKind.LOCK)), [1, 3]),
        (AuditQuery(outcome=AuditOutcome.DENIED), [2]),
    ],
)
def test_the_trail_answers_in_time_order(
    store: Store, query: AuditQuery, expected: list[int]
) -> None:
    """Appended out of order, read back oldest first, field for field."""
    every = trail()
    for i in (2, 0, 3, 1):
        store.record_event(every[i])
    assert store.events(query) == tuple(every[i] for i in expected)


def test_pruning_forgets_the_events_before_the_limit(store: Store) -> None:
    """An event at the limit stays; pruning again forgets nothing."""
    every = trail()
    for event in every:
        store.record_event(event)
    assert store.prune_events(NOW + timedelta(minutes=1)) == 1
    assert store.events() == tuple(every[1:])
    assert store.prune_events(NOW + timedelta(minutes=1)) == 0


def test_observing_records_a_change_of_credentials_once(store: Store) -> None:
    """The same credentials are no change; other ones, or changed=True, are."""
    store.add_link(
        EMAIL, LinkKind.RESET, b"d1", NOW + LOCK, now=NOW, credentials=CREDENTIALS
    )
    assert store.observe(EMAIL.upper(), LATER, CREDENTIALS) == NOW
    assert store.peek_link(b"d1", LATER).status is LinkStatus.ACCEPTED
    assert store.observe(EMAIL, LATER, CREDENTIALS, changed=True) == LATER
    assert store.peek_link(b"d1", LATER).status is LinkStatus.CLOSED


def test_a_reservation_with_new_credentials_closes_the_links(store: Store) -> None:
    """The change is recorded at the reservation's time, and the links close."""
    store.add_link(
        EMAIL, LinkKind.RESET, b"d1", NOW + LOCK, now=NOW, credentials=CREDENTIALS
    )
    assert store.reserve(EMAIL, LATER, 5, LOCK, b"c2") == Reservation(
        granted=True, state=LoginState(1)
    )
    assert store.peek_link(b"d1", LATER).status is LinkStatus.CLOSED
    assert store.observe(EMAIL, LATER + LOCK, b"c2") == LATER


@pytest.mark.parametrize(
    ("credentials", "status"),
    [(CREDENTIALS, LinkStatus.REPLACED), (b"c2", LinkStatus.CLOSED)],
)
def test_a_new_link_replaces_the_old_one_or_closes_it_after_a_change(
    store: Store, credentials: bytes, status: LinkStatus
) -> None:
    """The same credentials: the old link is replaced; other ones: it is closed."""
    store.add_link(
        EMAIL, LinkKind.RESET, b"old", NOW + LOCK, now=NOW, credentials=CREDENTIALS
    )
    store.add_link(
        EMAIL, LinkKind.ACCESS, b"new", NOW + LOCK, now=NOW, credentials=credentials
    )
    assert store.peek_link(b"old", NOW).status is status
    assert store.peek_link(b"new", NOW) == LinkUse(
        LinkStatus.ACCEPTED, EMAIL, LinkKind.ACCESS, NOW + LOCK
    )


def test_unlock_keeps_a_known_login_and_forgets_an_unknown_one(store: Store) -> None:
    """No record: False. A known login keeps its credentials; an unknown one goes."""
    assert store.unlock(EMAIL) is False
    store.reserve(EMAIL, NOW, 5, LOCK, CREDENTIALS)
    store.reserve(NOBODY, NOW, 5, LOCK)
    assert store.unlock(EMAIL) is True
    assert store.unlock(NOBODY) is True
    assert store.observe(EMAIL, LATER, CREDENTIALS) == NOW
    assert store.unlock(NOBODY) is False


@pytest.mark.parametrize(
    ("after", "kept"),
    [(LOCK - timedelta(microseconds=1), True), (LOCK, False)],
)
def test_an_unknown_login_is_forgotten_at_its_expiry(
    store: Store, after: timedelta, *, kept: bool
) -> None:
    """A reservation forgets the unknown logins whose time is up, not before."""
    store.reserve(NOBODY, NOW, 5, LOCK)
    store.reserve(EMAIL, NOW + after, 5, LOCK, CREDENTIALS)
    assert store.unlock(NOBODY) is kept


def test_an_accepted_link_is_used_and_records_the_new_credentials(
    store: Store,
) -> None:
    """The lock ends, the link reads as used, the change is dated at its use."""
    fail(store, 5)
    store.add_link(
        EMAIL, LinkKind.RESET, b"d1", NOW + LOCK, now=NOW, credentials=CREDENTIALS
    )
    accepted = LinkUse(LinkStatus.ACCEPTED, EMAIL, LinkKind.RESET, NOW + LOCK)
    assert store.use_link(b"d1", LATER, CREDENTIALS, b"c2") == accepted
    assert store.state(EMAIL, LATER) == LoginState()
    assert store.peek_link(b"d1", LATER) == LinkUse(
        LinkStatus.USED, EMAIL, LinkKind.RESET, NOW + LOCK
    )
    assert store.observe(EMAIL, LATER + LOCK, b"c2") == LATER


def test_a_link_whose_credentials_changed_is_closed_and_the_change_kept(
    store: Store,
) -> None:
    """Refused as closed; the change is dated at the attempt; nothing else set."""
    fail(store, 2)
    store.add_link(
        EMAIL, LinkKind.RESET, b"d1", NOW + LOCK, now=NOW, credentials=CREDENTIALS
    )
    closed = LinkUse(LinkStatus.CLOSED, EMAIL, LinkKind.RESET, NOW + LOCK)
    assert store.use_link(b"d1", LATER, b"c2", b"c3") == closed
    assert store.peek_link(b"d1", LATER) == closed
    assert store.state(EMAIL, LATER) == LoginState(2)
    assert store.observe(EMAIL, LATER + LOCK, b"c2") == LATER


@pytest.mark.parametrize(
    ("expires", "status"), [(NOW, LinkStatus.EXPIRED), (NOW + LOCK, LinkStatus.USED)]
)
def test_a_link_refused_changes_nothing(
    store: Store, expires: datetime, status: LinkStatus
) -> None:
    """An expired or used link leaves the lock and the credentials as they were."""
    store.add_link(
        EMAIL, LinkKind.RESET, b"d1", expires, now=NOW, credentials=CREDENTIALS
    )
    if status is LinkStatus.USED:
        store.use_link(b"d1", NOW, CREDENTIALS, CREDENTIALS)
    fail(store, 5)
    assert store.use_link(b"d1", NOW, CREDENTIALS, b"c2").status is status
    assert store.state(EMAIL, NOW).locked
    assert store.observe(EMAIL, LATER, CREDENTIALS) == NOW


def test_a_link_of_a_login_without_a_record_is_accepted(store: Store) -> None:
    """A set-password link outlives the record of its login, ended by unlock."""
    store.add_link(EMAIL, LinkKind.ACCESS, b"d1", NOW + LOCK, now=NOW, credentials=None)
    store.unlock(EMAIL)
    assert store.use_link(b"d1", NOW, None, CREDENTIALS).status is LinkStatus.ACCEPTED
    assert store.observe(EMAIL, LATER, CREDENTIALS) == NOW


def test_the_statements_take_another_placeholder() -> None:
    """with_mark replaces every ``?`` of every statement, and nothing else."""
    marked = STATEMENTS.with_mark("%s")
    assert marked.read_login == (
        "SELECT failures, locked_until, credentials, changed, expires "
        "FROM logins WHERE email = %s"
    )
    assert marked.prune_events == "DELETE FROM events WHERE at < %s"
    statements = attrs.astuple(marked)
    assert [statement.count("%s") for statement in statements] == [
        1, 6, 1, 1, 3, 5, 1, 2, 7, 1,
    ]  # fmt: skip
    assert not any("?" in statement for statement in statements)


class _Recording(SQLiteSignInStore):
    """A SQLite store that notes the logins and links each change locks."""

    def __init__(self, path: Path) -> None:
        self.locked: list[tuple[str | bytes, ...]] = []
        super().__init__(path)

    @contextlib.contextmanager
    def _transaction(self, *keys: str) -> Iterator[Cursor]:
        self.locked.append(keys)
        with super()._transaction(*keys) as cursor:
            yield cursor

    def _locking_link(self, digest: bytes) -> AbstractContextManager[Cursor]:
        self.locked.append((digest,))
        return super()._locking_link(digest)


def test_each_change_locks_the_login_it_names(tmp_path: Path) -> None:
    """The lock taken is the login's key (the PostgreSQL store locks that row)."""
    with _Recording(tmp_path / "signin.sqlite3") as store:
        store.locked.clear()
        store.record_failure(EMAIL.upper(), NOW, 5, LOCK)
        store.add_link(
            EMAIL.upper(),
            LinkKind.RESET,
            b"d1",
            NOW + LOCK,
            now=NOW,
            credentials=CREDENTIALS,
        )
        store.use_link(b"d1", NOW, CREDENTIALS, CREDENTIALS)
        store.unlock(EMAIL.upper())
        store.observe(EMAIL.upper(), NOW, b"c2")
        assert store.locked == [(EMAIL,), (EMAIL,), (b"d1",), (), (EMAIL,), (EMAIL,)]


@pytest.mark.parametrize("kind", [SignInStore, MemorySignInStore, SQLiteSignInStore])
def test_observe_records_no_change_unless_told(kind: type[SignInStore]) -> None:
    """By default observe's changed is False, in the protocol and in each store."""
    parameters = inspect.signature(kind.observe).parameters
    assert parameters["changed"].default is False


def test_a_change_to_no_credentials_is_remembered(store: Store) -> None:
    """A login whose credentials went (access revoked) keeps when that happened."""
    assert store.observe(EMAIL, NOW, None, changed=True) == NOW
    assert store.observe(EMAIL, LATER, None) == NOW


def test_reservations_count_to_the_lock_and_a_right_password_ends_its_own(
    store: Store,
) -> None:
    """Four wrong passwords count 1 to 4; the fifth locks, the sixth is refused.

    A right password settled for the reservation that set the lock ends that
    lock (the attempt was counted before its password was checked).
    """
    counts = []
    for _ in range(4):
        reservation = store.reserve("a@x.example", NOW, 5, LOCK, b"c")
        counts.append(reservation.state)
        store.settle("a@x.example", NOW, reservation.state, right=False)
    assert counts == [LoginState(n) for n in (1, 2, 3, 4)]
    fifth = store.reserve("a@x.example", NOW, 5, LOCK, b"c")
    assert fifth == Reservation(granted=True, state=LoginState(5, NOW + LOCK))
    assert store.settle("a@x.example", NOW, fifth.state, right=True) == LoginState()
    for _ in range(5):
        last = store.reserve("a@x.example", NOW, 5, LOCK, b"c")
        store.settle("a@x.example", NOW, last.state, right=False)
    assert store.reserve("a@x.example", NOW, 5, LOCK, b"c") == Reservation(
        granted=False, state=LoginState(5, NOW + LOCK)
    )
