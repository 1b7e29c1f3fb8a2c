"""The sign-in store contract: every store answers every step alike."""

from datetime import UTC, datetime, timedelta

import pytest

from ccroles.signin_rules import (
    LinkKind,
    LinkStatus,
    LinkUse,
    LoginState,
)
from tests.contract.conftest import Store

NOW = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
LOCK = timedelta(minutes=30)
EMAIL = "ap@acme.example"
CREDENTIALS = b"c1"


def fail(store: Store, times: int, now: datetime = NOW) -> LoginState:
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
        (6, LoginState(5, NOW + LOCK)),
    ],
)
def test_the_fifth_wrong_password_in_a_row_locks(
    store: Store, failures: int, expected: LoginState
) -> None:
    """The 5th wrong password locks for 30 minutes, the 4th not; none counts then."""
    fail(store, failures)
    assert store.state(EMAIL, NOW) == expected


def test_a_failure_during_the_lock_does_not_extend_it(store: Store) -> None:
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
    store: Store, after: timedelta, *, locked: bool
) -> None:
    """Locked until the end, not at the end; then the count starts again."""
    fail(store, 5)
    state = store.state(EMAIL, NOW + after)
    assert state.locked == locked
    assert state == (LoginState(5, NOW + LOCK) if locked else LoginState())


def test_after_a_lock_the_count_starts_again(store: Store) -> None:
    """The first wrong password after a lock is the first of a new run."""
    fail(store, 5)
    assert store.record_failure(EMAIL, NOW + LOCK, 5, LOCK) == LoginState(1)


def test_a_right_password_restarts_the_count(store: Store) -> None:
    """Four wrong, one right, four wrong: no lock."""
    fail(store, 4)
    assert store.record_success(EMAIL, NOW) == LoginState()
    assert fail(store, 4) == LoginState(4)


def test_a_right_password_during_the_lock_changes_nothing(store: Store) -> None:
    """While locked, even the right password keeps the lock."""
    fail(store, 5)
    assert store.record_success(EMAIL, NOW) == LoginState(5, NOW + LOCK)


def test_unlock_ends_the_lock_and_the_count(store: Store) -> None:
    """An administrator unlocks early."""
    fail(store, 5)
    store.unlock(EMAIL.upper())
    assert store.state(EMAIL, NOW) == LoginState()


def test_emails_match_ignoring_case(store: Store) -> None:
    """AP@ACME and ap@acme are one login."""
    store.record_failure("AP@ACME.example", NOW, 5, LOCK)
    assert store.state(EMAIL, NOW) == LoginState(1)


def test_logins_are_counted_apart(store: Store) -> None:
    """One login's failures are not another's."""
    fail(store, 5)
    assert store.state("other@acme.example", NOW) == LoginState()


# Links


def test_a_link_is_accepted_once_then_used(store: Store) -> None:
    """A link works once; using it ends the login's lock."""
    fail(store, 5)
    store.add_link(
        EMAIL, LinkKind.RESET, b"d1", NOW + LOCK, now=NOW, credentials=CREDENTIALS
    )
    accepted = LinkUse(LinkStatus.ACCEPTED, EMAIL, LinkKind.RESET, NOW + LOCK)
    assert store.peek_link(b"d1", NOW) == accepted
    assert store.use_link(b"d1", NOW, CREDENTIALS, CREDENTIALS) == accepted
    assert store.state(EMAIL, NOW) == LoginState()
    used = LinkUse(LinkStatus.USED, EMAIL, LinkKind.RESET, NOW + LOCK)
    assert store.use_link(b"d1", NOW, CREDENTIALS, CREDENTIALS) == used


@pytest.mark.parametrize(
    ("after", "status"),
    [
        (timedelta(minutes=60) - timedelta(microseconds=1), LinkStatus.ACCEPTED),
        (timedelta(minutes=60), LinkStatus.EXPIRED),
    ],
)
def test_a_link_expires(store: Store, after: timedelta, status: LinkStatus) -> None:
    """A link works until its expiry, not at it."""
    expires = NOW + timedelta(minutes=60)
    store.add_link(
        EMAIL, LinkKind.RESET, b"d1", expires, now=NOW, credentials=CREDENTIALS
    )
    assert store.use_link(b"d1", NOW + after, CREDENTIALS, CREDENTIALS).status is status


def test_an_expired_link_is_not_used_up(store: Store) -> None:
    """Refusing an expired link leaves the lock in place."""
    fail(store, 5)
    store.add_link(EMAIL, LinkKind.ACCESS, b"d1", NOW, now=NOW, credentials=CREDENTIALS)
    assert (
        store.use_link(b"d1", NOW, CREDENTIALS, CREDENTIALS).status
        is LinkStatus.EXPIRED
    )
    assert store.state(EMAIL, NOW).locked


def test_a_new_link_replaces_the_older_ones(store: Store) -> None:
    """Only the newest link of a login works; other logins' links still do."""
    store.add_link(
        EMAIL, LinkKind.ACCESS, b"old", NOW + LOCK, now=NOW, credentials=CREDENTIALS
    )
    store.add_link(
        "other@acme.example",
        LinkKind.RESET,
        b"theirs",
        NOW + LOCK,
        now=NOW,
        credentials=CREDENTIALS,
    )
    store.add_link(
        EMAIL.upper(),
        LinkKind.RESET,
        b"new",
        NOW + LOCK,
        now=NOW,
        credentials=CREDENTIALS,
    )
    assert (
        store.use_link(b"old", NOW, CREDENTIALS, CREDENTIALS).status
        is LinkStatus.REPLACED
    )
    assert (
        store.use_link(b"new", NOW, CREDENTIALS, CREDENTIALS).status
        is LinkStatus.ACCEPTED
    )
    assert (
        store.use_link(b"theirs", NOW, CREDENTIALS, CREDENTIALS).status
        is LinkStatus.ACCEPTED
    )


def test_an_unknown_link_is_refused(store: Store) -> None:
    """A digest no link has is unknown, and nothing else is said."""
    assert store.use_link(b"nothing", NOW, CREDENTIALS, CREDENTIALS) == LinkUse(
        LinkStatus.UNKNOWN
    )


def test_a_right_password_for_a_login_never_seen_stores_nothing(store: Store) -> None:
    """Nothing to restart: no row appears."""
    assert store.record_success(EMAIL, NOW) == LoginState()
    assert store.unlock(EMAIL) is False


def test_a_link_for_a_login_without_credentials_stores_no_login(store: Store) -> None:
    """A link for an email with no credentials on record adds no login row."""
    store.add_link(EMAIL, LinkKind.RESET, b"d1", NOW + LOCK, now=NOW, credentials=None)
    assert store.unlock(EMAIL) is False
    assert store.peek_link(b"d1", NOW).status is LinkStatus.ACCEPTED


@pytest.mark.parametrize(
    ("after", "kept"),
    [(LOCK - timedelta(microseconds=1), True), (LOCK, False)],
)
def test_an_unknown_login_is_forgotten_lock_duration_after_its_last_failure(
    store: Store, after: timedelta, *, kept: bool
) -> None:
    """Rows of emails no account has expire; those of known logins stay."""
    store.reserve("nobody@nowhere.example", NOW, 5, LOCK)
    store.reserve(EMAIL, NOW, 5, LOCK, CREDENTIALS)
    store.reserve("other@nowhere.example", NOW + after, 5, LOCK)
    assert store.unlock("nobody@nowhere.example") is kept
    assert store.unlock(EMAIL) is True


def test_a_locked_unknown_login_is_forgotten_when_its_lock_ends(store: Store) -> None:
    """The row lasts as long as the lock, not longer."""
    for _ in range(5):
        store.reserve("nobody@nowhere.example", NOW, 5, LOCK)
    later = NOW + LOCK
    assert store.state("nobody@nowhere.example", later) == LoginState()
    store.reserve(EMAIL, later, 5, LOCK)
    assert store.unlock("nobody@nowhere.example") is False


def test_recording_a_failure_leaves_the_credentials_as_they_were(store: Store) -> None:
    """record_failure counts; it is no sign that the login's credentials changed."""
    changed = store.observe(EMAIL, NOW, CREDENTIALS)
    store.add_link(
        EMAIL, LinkKind.RESET, b"d1", NOW + LOCK, now=NOW, credentials=CREDENTIALS
    )
    later = NOW + timedelta(minutes=1)
    assert store.record_failure(EMAIL, later, 5, LOCK) == LoginState(1)
    assert store.observe(EMAIL, later, CREDENTIALS) == changed == NOW
    assert store.peek_link(b"d1", later).status is LinkStatus.ACCEPTED


def test_a_link_after_a_change_of_credentials_is_closed(store: Store) -> None:
    """Credentials other than those the link saw: refused as closed, nothing set."""
    store.add_link(
        EMAIL, LinkKind.RESET, b"d1", NOW + LOCK, now=NOW, credentials=CREDENTIALS
    )
    use = store.use_link(b"d1", NOW, b"c2", b"c3")
    assert use == LinkUse(LinkStatus.CLOSED, EMAIL, LinkKind.RESET, NOW + LOCK)
    assert store.observe(EMAIL, NOW, b"c2") == NOW
    assert store.peek_link(b"d1", NOW).status is LinkStatus.CLOSED
