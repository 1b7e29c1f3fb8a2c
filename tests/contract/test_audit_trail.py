"""The login audit trail's contract: every store keeps and answers it alike."""

from datetime import UTC, datetime, timedelta

import pytest

from ccroles.audit import AuditEvent, AuditKind, AuditOutcome, AuditQuery
from tests.contract.conftest import Store

NOW = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
EMAIL = "ap@acme.example"
OTHER = "books@acme.example"


def events() -> list[AuditEvent]:
    """Four events of two logins over three minutes, every field used."""
    return [
        AuditEvent(NOW, AuditKind.SIGN_IN, EMAIL, AuditOutcome.ALLOWED),
        AuditEvent(
            NOW + timedelta(minutes=1),
            AuditKind.SIGN_IN,
            OTHER,
            AuditOutcome.DENIED,
            ("wrong_password",),
            client="203.0.113.7",
        ),
        AuditEvent(
            NOW + timedelta(minutes=2),
            AuditKind.UNLOCK,
            EMAIL.upper(),
            actor="Admin@acme.example",
            client="2001:db8::1",
        ),
        AuditEvent(
            NOW + timedelta(minutes=3),
            AuditKind.SIGN_IN,
            None,
            AuditOutcome.DENIED,
            ("wrong_password", "locked"),
        ),
    ]


@pytest.fixture
def filled(store: Store) -> Store:
    """A store holding :func:`events`, appended in order."""
    for event in events():
        store.record_event(event)
    return store


def test_every_field_is_kept(filled: Store) -> None:
    """What goes in comes back, in time order, field for field."""
    assert filled.events() == tuple(events())


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (AuditQuery(email="AP@ACME.example"), [0, 2]),
        (AuditQuery(since=NOW + timedelta(minutes=1)), [1, 2, 3]),
        (AuditQuery(since=NOW + timedelta(minutes=1, microseconds=1)), [2, 3]),
        (AuditQuery(until=NOW + timedelta(minutes=2)), [0, 1]),
        (AuditQuery(kinds=(AuditKind.UNLOCK,)), [2]),
        (AuditQuery(kinds=(AuditKind.UNLOCK, AuditKind.SIGN_IN)), [0, 1, 2, 3]),
        (AuditQuery(kinds=(AuditKind.LOCK,)), []),
        (AuditQuery(outcome=AuditOutcome.DENIED), [1, 3]),
        (AuditQuery(email=EMAIL, outcome=AuditOutcome.ALLOWED), [0]),
        (AuditQuery(email="nobody@acme.example"), []),
    ],
)
def test_queries_by_login_time_kind_and_outcome(
    filled: Store, query: AuditQuery, expected: list[int]
) -> None:
    """Each condition narrows the answer; together, all must hold."""
    every = events()
    assert filled.events(query) == tuple(every[i] for i in expected)


@pytest.mark.parametrize(
    ("before", "pruned", "kept"),
    [
        (NOW, 0, 4),
        (NOW + timedelta(microseconds=1), 1, 3),
        (NOW + timedelta(minutes=3), 3, 1),
        (NOW + timedelta(days=1), 4, 0),
    ],
)
def test_pruning_forgets_only_the_older_events(
    filled: Store, before: datetime, pruned: int, kept: int
) -> None:
    """Events before the limit go; one at the limit stays."""
    assert filled.prune_events(before) == pruned
    assert len(filled.events()) == kept


def test_events_of_equal_time_keep_their_order(store: Store) -> None:
    """A lock and its attempt share a time: they come back as appended."""
    first = AuditEvent(NOW, AuditKind.LOCK, EMAIL)
    second = AuditEvent(NOW, AuditKind.SIGN_IN, EMAIL, AuditOutcome.DENIED)
    store.record_event(first)
    store.record_event(second)
    assert store.events() == (first, second)
