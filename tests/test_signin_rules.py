"""The store rules, on their own: what each step does to a login's record."""

from datetime import UTC, datetime, timedelta

from ccroles.signin_rules import (
    LINK_CLOSED,
    LINK_OPEN,
    LINK_REPLACED,
    LINK_USED,
    NO_RECORD,
    LinkKind,
    LinkStatus,
    LinkUse,
    LoginRecord,
    LoginState,
    current,
    link_use,
    observed,
    redeemed,
    reserved,
    settled,
)

NOW = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
LOCK = timedelta(minutes=30)


def test_an_ended_lock_reads_as_no_lock_and_a_new_count() -> None:
    """At the end of its lock a login has no failures and no lock."""
    locked = LoginRecord(5, NOW + LOCK, b"c", NOW)
    assert current(locked, NOW) == locked
    assert current(locked, NOW + LOCK) == LoginRecord(0, None, b"c", NOW)


def test_the_record_of_an_unknown_email_is_forgotten_when_it_expires() -> None:
    """An email no login has keeps its count only until its record expires."""
    record, granted = reserved(NO_RECORD, NOW, 5, LOCK)
    assert granted
    assert record == LoginRecord(1, None, None, None, NOW + LOCK)
    assert current(record, NOW + LOCK) == NO_RECORD


def test_an_email_that_becomes_a_login_is_no_longer_forgotten() -> None:
    """Credentials observed for an unknown email's record end its expiry."""
    record, _ = reserved(NO_RECORD, NOW, 5, LOCK)
    known, changed = observed(record, NOW, b"c")
    assert changed
    assert known == LoginRecord(1, None, b"c", NOW, None)
    assert current(known, NOW + 2 * LOCK) == known


def test_the_last_allowed_wrong_password_locks() -> None:
    """The max_failures-th reservation locks; the next is not granted."""
    record, _ = reserved(LoginRecord(4, credentials=b"c", changed=NOW), NOW, 5, LOCK)
    assert record.state == LoginState(5, NOW + LOCK)
    assert reserved(record, NOW, 5, LOCK) == (record, False)


def test_a_right_password_keeps_a_lock_another_attempt_set() -> None:
    """Settling right clears the lock this attempt set, and no other."""
    record, _ = reserved(LoginRecord(4, credentials=b"c", changed=NOW), NOW, 5, LOCK)
    assert settled(record, NOW, record.state, right=True).state == LoginState()
    assert settled(record, NOW, LoginState(4), right=True) == record
    assert settled(record, NOW, record.state, right=False) == record


def test_other_credentials_are_a_change_and_the_same_are_not() -> None:
    """Observing credentials records a change once; an unknown email stays as it is."""
    record, changed = observed(NO_RECORD, NOW, b"c")
    assert changed
    assert record == LoginRecord(credentials=b"c", changed=NOW)
    assert observed(record, NOW + LOCK, b"c") == (record, False)
    assert observed(NO_RECORD, NOW, None) == (NO_RECORD, False)
    assert observed(record, NOW + LOCK, b"c", changed=True)[0].changed == NOW + LOCK


def test_a_used_link_unlocks_and_records_the_new_credentials() -> None:
    """Redeeming a link clears the lock and records the credentials after."""
    locked = LoginRecord(5, NOW + LOCK, b"old", NOW)
    assert redeemed(locked, NOW, b"new") == LoginRecord(0, None, b"new", NOW)


def test_a_link_is_found_by_its_state_and_its_end() -> None:
    """Each stored state answers its status; an open link past its end is expired."""
    end = NOW + LOCK
    expected = {
        LINK_OPEN: LinkStatus.ACCEPTED,
        LINK_USED: LinkStatus.USED,
        LINK_REPLACED: LinkStatus.REPLACED,
        LINK_CLOSED: LinkStatus.CLOSED,
    }
    for state, status in expected.items():
        found = ("ap@acme.example", LinkKind.RESET, end, state)
        assert link_use(found, NOW) == LinkUse(
            status, "ap@acme.example", LinkKind.RESET, end
        )
    open_link = ("ap@acme.example", LinkKind.RESET, end, LINK_OPEN)
    assert link_use(open_link, end).status is LinkStatus.EXPIRED
    assert link_use(None, NOW) == LinkUse(LinkStatus.UNKNOWN)
