"""The rules of a sign-in store: what each step does to a login's record.

A store (in memory, SQLite or PostgreSQL) keeps one :class:`LoginRecord` per
login and the links issued; the functions here decide every change, the same
for every store, so that a store only reads, locks and writes. They are pure:
the time is passed in, and a record is a frozen value.

An attempt is two steps: :func:`reserved` counts it as a wrong password
before its password is checked (and locks the login when that count reaches
the limit); :func:`settled` forgets the count when the password was right
and the login is not locked, unless this very attempt set the lock.

>>> from datetime import UTC, datetime, timedelta
>>> now = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
>>> record, granted = reserved(NO_RECORD, now, 1, timedelta(minutes=30))
>>> granted, record.state.locked
(True, True)
>>> settled(record, now, record.state, right=True).state
LoginState(failures=0, locked_until=None)
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING, Final, TypeAlias

import attrs

if TYPE_CHECKING:
    from datetime import timedelta

__all__ = [
    "LINK_CLOSED",
    "LINK_OPEN",
    "LINK_REPLACED",
    "LINK_USED",
    "NO_RECORD",
    "LinkKind",
    "LinkRecord",
    "LinkStatus",
    "LinkUse",
    "LoginRecord",
    "LoginState",
    "Reservation",
    "current",
    "link_use",
    "observed",
    "redeemed",
    "reserved",
    "settled",
    "unlocked",
]


@attrs.frozen
class LoginState:
    """A login's sign-in state at a moment.

    Attributes:
        failures: Wrong passwords in a row (since the last right password, the
            last unlock, or the end of the last lock); an attempt being
            checked counts as wrong until it is found right.
        locked_until: When the lock ends, while the login is locked; else
            ``None``.
    """

    failures: int = 0
    locked_until: datetime | None = None

    @property
    def locked(self) -> bool:
        """Whether the login is locked (the state is read at a moment)."""
        return self.locked_until is not None


@attrs.frozen
class Reservation:
    """The answer to reserving an attempt.

    Attributes:
        granted: Whether the password may be checked: false while the login
            is locked (the attempt was not counted).
        state: The login's state after the reservation (the attempt counted
            as a wrong password, and the lock it set, if any).
    """

    granted: bool
    state: LoginState


class LinkKind(enum.Enum):
    """What a link is for."""

    ACCESS = "access"
    """The access notification's set-password link (24 hours by default)."""
    RESET = "reset"
    """A forgotten-password link (60 minutes by default)."""


class LinkStatus(enum.Enum):
    """What a store found when a link was used."""

    ACCEPTED = "accepted"
    """The link was open and valid; it is now used."""
    UNKNOWN = "unknown"
    """No link has this token."""
    EXPIRED = "expired"
    """The link's validity has ended."""
    USED = "used"
    """The link was used already."""
    REPLACED = "replaced"
    """A newer link was issued for the same login."""
    CLOSED = "closed"
    """The login's credentials changed after the link was issued."""


@attrs.frozen
class LinkUse:
    """The answer to using (or looking up) a link.

    Attributes:
        status: Whether it is accepted, or why not.
        email: The login the link is for (casefolded); ``None`` when unknown.
        kind: What the link is for; ``None`` when unknown.
        expires: When the link stops (or stopped) working; ``None`` when unknown.
    """

    status: LinkStatus
    email: str | None = None
    kind: LinkKind | None = None
    expires: datetime | None = None


@attrs.frozen
class LoginRecord:
    """What a store keeps of one login.

    Attributes:
        failures: Wrong passwords in a row (see :class:`LoginState`).
        locked_until: When the lock ends, while the login is locked.
        credentials: The digest of the login's credentials, as last seen;
            ``None`` for an email no login has.
        changed: When the credentials last changed; ``None`` if never seen.
        expires: When the record of an email no login has is forgotten.
    """

    failures: int = 0
    locked_until: datetime | None = None
    credentials: bytes | None = None
    changed: datetime | None = None
    expires: datetime | None = None

    @property
    def state(self) -> LoginState:
        """The login's sign-in state kept in this record."""
        return LoginState(self.failures, self.locked_until)


NO_RECORD: Final = LoginRecord()
"""The record of a login a store has never seen."""


def current(record: LoginRecord, now: datetime) -> LoginRecord:
    """*record* read at *now*: an ended lock is no lock and a new count.

    The record of a login no account has is forgotten when it expires.
    """
    if record.expires is not None and now >= record.expires:
        return NO_RECORD
    if record.locked_until is not None and now >= record.locked_until:
        return attrs.evolve(record, failures=0, locked_until=None)
    return record


def observed(
    record: LoginRecord,
    now: datetime,
    credentials: bytes | None,
    *,
    changed: bool = False,
) -> tuple[LoginRecord, bool]:
    """*record* with *credentials* recorded; whether that is a change.

    A change (other credentials, or *changed*) happens at *now*, and closes
    the login's open links.
    """
    same = record.credentials == credentials and record.changed is not None
    if not changed and same:
        return record, False
    if not changed and credentials is None and record.credentials is None:
        return record, False  # an email no login has: nothing to record
    record = attrs.evolve(record, credentials=credentials, changed=now, expires=None)
    return record, True


def reserved(
    record: LoginRecord, now: datetime, max_failures: int, lock_for: timedelta
) -> tuple[LoginRecord, bool]:
    """*record* after reserving an attempt; whether the password may be checked.

    While the login is locked nothing is counted. Else the count goes up by
    one, and the *max_failures*-th in a row locks the login for *lock_for*.
    A login no account has expires when its lock ends, or *lock_for* after
    its last wrong password.
    """
    record = current(record, now)
    if record.locked_until is not None:
        return record, False
    failures = record.failures + 1
    locked_until = now + lock_for if failures >= max_failures else None
    # A lock set now ends at now + lock_for too: one expiry for both cases.
    expires = now + lock_for if record.credentials is None else None
    record = attrs.evolve(
        record, failures=failures, locked_until=locked_until, expires=expires
    )
    return record, True


def settled(
    record: LoginRecord, now: datetime, reserved: LoginState, *, right: bool
) -> LoginRecord:
    """*record* after a granted attempt ends, *reserved* its reservation's state.

    A right password restarts the count, unless the login is locked: the
    lock holds, unless this very attempt set it and nothing was counted
    since.
    """
    record = current(record, now)
    if right and (record.locked_until is None or record.state == reserved):
        return unlocked(record)
    return record


def unlocked(record: LoginRecord) -> LoginRecord:
    """*record* with its lock ended and its count restarted."""
    return attrs.evolve(record, failures=0, locked_until=None)


def redeemed(
    record: LoginRecord, now: datetime, credentials: bytes | None
) -> LoginRecord:
    """*record* after one of its links was used: unlocked, new *credentials*."""
    return attrs.evolve(unlocked(record), credentials=credentials, changed=now)


LINK_OPEN: Final = "open"
"""A stored link's state while it may be used."""
LINK_USED: Final = "used"
"""A stored link's state once used."""
LINK_REPLACED: Final = "replaced"
"""A stored link's state once a newer link was issued for its login."""
LINK_CLOSED: Final = "closed"
"""A stored link's state once its login's credentials changed."""
_ENDED: Final = {
    LINK_USED: LinkStatus.USED,
    LINK_REPLACED: LinkStatus.REPLACED,
    LINK_CLOSED: LinkStatus.CLOSED,
}

LinkRecord: TypeAlias = tuple[str, LinkKind, datetime, str]
"""What a store keeps of a link: its login's email, kind, end and state."""


def link_use(found: LinkRecord | None, now: datetime) -> LinkUse:
    """The answer for a link found as *found* (``None``: no such link) at *now*."""
    if found is None:
        return LinkUse(LinkStatus.UNKNOWN)
    email, kind, expires, state = found
    status = _ENDED.get(state, LinkStatus.ACCEPTED)
    if status is LinkStatus.ACCEPTED and now >= expires:
        status = LinkStatus.EXPIRED
    return LinkUse(status, email, kind, expires)
