"""What signing in and its links share: the clock, a login's key, the trail.

A login is keyed by its folded email; a log line shows that key, escaped to
one ASCII line; every event of the login audit trail is built here, with the
reason codes of the decision it records.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from ccroles.audit import AuditEvent, AuditKind, AuditOutcome
from ccroles.exceptions import InvalidEmailError, InvalidFieldError
from ccroles.names import check_email, email_key

if TYPE_CHECKING:
    from collections.abc import Callable

    from ccroles.decisions import Decision
    from ccroles.signin_store import SignInStore

__all__ = [
    "decision_event",
    "is_aware",
    "login_key",
    "read_clock",
    "record_event",
    "shown",
    "utc_now",
]


def utc_now() -> datetime:
    """The current time in UTC: the clock of sign-in by default."""
    return datetime.now(UTC)


def is_aware(value: object) -> bool:
    """Whether *value* is a datetime with a time zone."""
    return isinstance(value, datetime) and value.utcoffset() is not None


def read_clock(clock: Callable[[], datetime]) -> datetime:
    """The *clock*'s time; a naive or odd one is refused, never stored.

    Raises:
        InvalidFieldError: The clock gave no aware datetime.
    """
    now = clock()
    if not is_aware(now):
        raise InvalidFieldError(
            "sign-in", "clock", now, expected="an aware datetime (with a time zone)"
        )
    return now


def login_key(email: object) -> str | None:
    """The key of *email* when it is an email, else ``None`` (never stored)."""
    try:
        return email_key(check_email(email))
    except InvalidEmailError:
        return None


def shown(key: str | None) -> str:
    """A login as a log line shows it: its key, or that it was no email.

    A key is an email, which holds no control character; anything beyond
    ASCII is escaped all the same, so a line is always one line.
    """
    if key is None:
        return "(not an email)"
    return key.encode("ascii", "backslashreplace").decode("ascii")


def decision_event(
    kind: AuditKind,
    key: str | None,
    now: datetime,
    decision: Decision,
    client: str | None,
) -> AuditEvent:
    """The trail's event for *decision*: allowed or denied, with its reason codes."""
    outcome = AuditOutcome.ALLOWED if decision.allowed else AuditOutcome.DENIED
    reasons = tuple(reason.code.value for reason in decision.reasons)
    return AuditEvent(now, kind, key, outcome, reasons, client=client)


def record_event(  # noqa: PLR0913 (an event's facts)
    store: SignInStore,
    kind: AuditKind,
    key: str | None,
    now: datetime,
    *,
    outcome: AuditOutcome = AuditOutcome.DONE,
    reasons: tuple[str, ...] = (),
    actor: str | None = None,
    client: str | None = None,
) -> None:
    """Append an event with these facts to *store*'s login audit trail."""
    store.record_event(
        AuditEvent(now, kind, key, outcome, reasons, actor=actor, client=client)
    )
