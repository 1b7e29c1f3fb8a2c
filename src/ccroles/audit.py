"""The login audit trail: who signed in, was refused, locked, unlocked, and when.

Every sign-in store keeps a trail of :class:`AuditEvent` values beside the
sign-in state. :class:`~ccroles.signin.SignIn` appends one for each attempt
(with its outcome and reason codes), lock, unlock, link issued, redeemed,
refused or expired, and session refused; a portal appends the changes of
access it makes (a password set, a grant, a revocation, a bulk import) with
:meth:`~ccroles.signin.SignIn.record`. An event holds its time, its kind,
the login, the outcome, the reason codes, the acting administrator where
there is one and the client address where the portal gives it: never a
password, a token or any other free text.

The trail is append-only through the public API: a store adds events and
answers queries; the only removal is
:meth:`~ccroles.signin_store.SignInStore.prune_events`, which forgets
the events older than the retention
(:attr:`~ccroles.signin.SignInSettings.audit_retention`).

>>> from datetime import UTC, datetime
>>> event = AuditEvent(
...     datetime(2026, 1, 5, 9, 0, tzinfo=UTC), AuditKind.SIGN_IN, "ap@acme.example",
...     AuditOutcome.DENIED, ("wrong_password",))
>>> event.matches(AuditQuery(email="AP@acme.example", kinds=(AuditKind.SIGN_IN,)))
True
"""

from __future__ import annotations

import enum
import ipaddress
import json
from datetime import UTC, datetime
from typing import Final

import attrs

from ccroles.exceptions import InvalidFieldError
from ccroles.names import email_key

__all__ = [
    "AuditEvent",
    "AuditKind",
    "AuditOutcome",
    "AuditQuery",
    "render_events",
]


class AuditKind(enum.Enum):
    """What happened."""

    SIGN_IN = "sign_in"
    """A sign-in attempt (allowed or denied, with its reason codes)."""
    LOCK = "lock"
    """An attempt locked the login."""
    UNLOCK = "unlock"
    """The login was unlocked early."""
    LINK_ISSUED = "link_issued"
    """A set-password or forgotten-password link was issued."""
    LINK_REDEEMED = "link_redeemed"
    """A link was used: the password is set."""
    LINK_REFUSED = "link_refused"
    """A link was refused (unknown, used, replaced or closed)."""
    LINK_EXPIRED = "link_expired"
    """A link was refused because its validity had ended."""
    SESSION_REFUSED = "session_refused"
    """A session no longer held."""
    PASSWORD_CHANGE = "password_change"  # noqa: S105 (a kind, no password)
    """A login's password was set by an administrator or the portal."""
    GRANT = "grant"
    """Access was given."""
    REVOCATION = "revocation"
    """Access was revoked."""
    BULK_IMPORT = "bulk_import"
    """Access was changed by a CSV import."""
    CUSTOMER_ACCESS = "customer_access"
    """The Customer Access feature was turned on or off."""
    PREVIEW = "preview"
    """An administrator previewed the center as a customer."""


class AuditOutcome(enum.Enum):
    """How it ended."""

    ALLOWED = "allowed"
    """A sign-in or session allowed."""
    DENIED = "denied"
    """Refused; the event's reasons say why."""
    DONE = "done"
    """A change made (a lock, an unlock, a link, a grant, ...)."""


def _aware(_: object, attribute: attrs.Attribute[datetime], value: datetime) -> None:
    given: object = value
    if not isinstance(given, datetime) or given.utcoffset() is None:
        raise InvalidFieldError(
            "audit event", attribute.name, value, expected="an aware datetime"
        )


def _maybe_aware(
    _: object, attribute: attrs.Attribute[datetime | None], value: datetime | None
) -> None:
    if value is not None:
        _aware(_, attribute, value)  # type: ignore[arg-type]


def _client(value: str | None) -> str | None:
    """A client address as an IP address writes it; anything else refused."""
    if value is None:
        return None
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        raise InvalidFieldError(
            "audit event", "client", value, expected="an IP address"
        ) from None


def _login(value: str | None) -> str | None:
    return None if value is None else email_key(value)


_REASON_CHARACTERS: Final = frozenset("abcdefghijklmnopqrstuvwxyz_0123456789")


def _reasons(value: tuple[str, ...]) -> tuple[str, ...]:
    """Reason codes only (lower-case words): no free text reaches the trail."""
    given: object = value
    codes = tuple(given) if isinstance(given, (tuple, list)) else None
    if codes is None or not all(
        isinstance(code, str) and code and set(code) <= _REASON_CHARACTERS
        for code in codes
    ):
        raise InvalidFieldError(
            "audit event", "reasons", value, expected="reason codes (snake_case words)"
        )
    return codes


@attrs.frozen
class AuditEvent:
    """One entry of the trail.

    Attributes:
        at: When it happened (aware).
        kind: What happened.
        login: The login's email (casefolded); ``None`` when the attempt
            named something that is not an email.
        outcome: Allowed, denied or done.
        reasons: The reason codes of a denial (``"wrong_password"``, ...).
        actor: The acting administrator's email, where there is one.
        client: The client's IP address, when the portal gives it.

    Raises:
        InvalidFieldError: A naive time, a client that is not an IP
            address, or reasons that are not codes.
    """

    at: datetime = attrs.field(validator=_aware)
    kind: AuditKind = attrs.field(validator=attrs.validators.instance_of(AuditKind))
    login: str | None = attrs.field(converter=_login)
    outcome: AuditOutcome = attrs.field(
        default=AuditOutcome.DONE,
        validator=attrs.validators.instance_of(AuditOutcome),
    )
    reasons: tuple[str, ...] = attrs.field(default=(), converter=_reasons)
    actor: str | None = attrs.field(default=None, converter=_login, kw_only=True)
    client: str | None = attrs.field(default=None, converter=_client, kw_only=True)

    def matches(self, query: AuditQuery) -> bool:
        """Whether the event answers *query*."""
        return (
            (query.email is None or self.login == email_key(query.email))
            and (query.since is None or self.at >= query.since)
            and (query.until is None or self.at < query.until)
            and (not query.kinds or self.kind in query.kinds)
            and (query.outcome is None or self.outcome is query.outcome)
        )

    def as_dict(self) -> dict[str, object]:
        """The event as JSON values (the time in ISO 8601, UTC)."""
        return {
            "at": self.at.astimezone(UTC).isoformat(),
            "kind": self.kind.value,
            "login": self.login,
            "outcome": self.outcome.value,
            "reasons": list(self.reasons),
            "actor": self.actor,
            "client": self.client,
        }


def _kinds(value: object) -> tuple[AuditKind, ...]:
    kinds = tuple(value) if isinstance(value, (tuple, list, frozenset, set)) else None
    if kinds is None or not all(isinstance(kind, AuditKind) for kind in kinds):
        raise InvalidFieldError(
            "audit query", "kinds", value, expected="a tuple of AuditKind"
        )
    return kinds


@attrs.frozen
class AuditQuery:
    """Which events to read: every condition given must hold.

    Attributes:
        email: Only this login's events (any case).
        since: Only events at or after this time.
        until: Only events before this time.
        kinds: Only events of these kinds (all when empty).
        outcome: Only events with this outcome.
    """

    email: str | None = None
    since: datetime | None = attrs.field(default=None, validator=_maybe_aware)
    until: datetime | None = attrs.field(default=None, validator=_maybe_aware)
    kinds: tuple[AuditKind, ...] = attrs.field(default=(), converter=_kinds)
    outcome: AuditOutcome | None = None


def render_events(events: tuple[AuditEvent, ...] | list[AuditEvent], fmt: str) -> str:
    """The events as a table (one line each) or JSON (a list of objects).

    Times are written in UTC, to the second in the table (ISO 8601).

    >>> from datetime import UTC, datetime
    >>> event = AuditEvent(datetime(2026, 1, 5, 9, 0, tzinfo=UTC), AuditKind.UNLOCK,
    ...                    "ap@acme.example", actor="admin@acme.example")
    >>> print(render_events([event], "table"))
    time                       kind    login            outcome  reasons  actor               client
    2026-01-05 09:00:00+00:00  unlock  ap@acme.example  done     -        admin@acme.example  -
    """  # noqa: E501
    if fmt == "json":
        return json.dumps([event.as_dict() for event in events], indent=2)
    rows = [("time", "kind", "login", "outcome", "reasons", "actor", "client")]
    rows.extend(
        (
            event.at.astimezone(UTC).isoformat(sep=" ", timespec="seconds"),
            event.kind.value,
            event.login or "(not an email)",
            event.outcome.value,
            ",".join(event.reasons) or "-",
            event.actor or "-",
            event.client or "-",
        )
        for event in events
    )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(
            cell.ljust(width) for cell, width in zip(row, widths, strict=True)
        ).rstrip()
        for row in rows
    )
