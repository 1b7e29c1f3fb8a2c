"""Signing in: wrong passwords and locks, links, sessions that end.

:class:`SignIn` is what a portal's sign-in handler calls. It joins the
account's :class:`~ccroles.policy.Engine` (may this login sign in at all?) to
a :class:`~ccroles.signin_store.SignInStore` (how many wrong passwords in a
row, locked until when, which links are open, when the credentials last
changed), with the defaults of :class:`SignInSettings`:

- 5 wrong passwords in a row lock the login for 30 minutes; a right password
  before that starts the count again; while locked even the right password is
  refused (it is not even checked); an administrator can unlock early. An
  attempt is counted before its password is checked, so however many
  arrive at once, at most 5 wrong passwords are ever checked.
- A forgotten-password link works once, for 60 minutes; the access
  notification's set-password link for the account's
  :attr:`~ccroles.accounts.NotificationSettings.link_validity` (24 hours by
  default). A new link makes the login's older ones useless. Using a link sets
  the password under the usual password rules and ends the lock.
- Any change of the login's credentials (a password set by any path, access
  revoked or given again) closes its open links and ends every
  :class:`Session` started before it (:meth:`SignIn.decide_session`).

Tokens come from :mod:`secrets`; the store keeps only their SHA-256 digest and
looks them up by it (a digest of a 256-bit random token cannot be guessed,
and the lookup compares digests, never tokens).

>>> from datetime import UTC, datetime
>>> from ccroles.accounts import Account, Customer
>>> from ccroles.passwords import Password, ScryptParams, hash_password
>>> from ccroles.policy import Engine
>>> from ccroles.signin_store import MemorySignInStore
>>> cheap = ScryptParams(n=16)
>>> account = Account(customers=[Customer(
...     "101", "ACME", email="ap@acme.example", give_access=True,
...     role="Customer Center",
...     password_hash=hash_password(Password("plum-tractor-44"), cheap),
... )])
>>> now = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
>>> sign_in = SignIn(Engine(account), MemorySignInStore(), clock=lambda: now,
...                  scrypt=cheap)
>>> sign_in.attempt("ap@acme.example", Password("plum-tractor-44")).allowed
True
>>> attempt = sign_in.attempt("ap@acme.example", Password("guess"))
>>> [reason.code.value for reason in attempt.decision.reasons], attempt.state.failures
(['wrong_password'], 1)
"""

from __future__ import annotations

import functools
import hashlib
import logging
import secrets
import types
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Final

import attrs

from ccroles.access import set_password
from ccroles.access_emails import link_url
from ccroles.access_values import LoginId
from ccroles.accounts import MAX_LINK_VALIDITY
from ccroles.audit import AuditEvent, AuditKind, AuditOutcome
from ccroles.decisions import Decision, Reason, ReasonCode, SignInQuestion
from ccroles.exceptions import InvalidEmailError, InvalidFieldError
from ccroles.names import check_email, email_key
from ccroles.passwords import (
    DEFAULT_SCRYPT,
    MAX_PASSWORD_LENGTH,
    Password,
    ScryptParams,
    hash_password,
)
from ccroles.signin_store import LinkKind, LinkStatus, LinkUse, LoginState

if TYPE_CHECKING:
    from collections.abc import Callable

    from ccroles.access_emails import Notification
    from ccroles.accounts import Account
    from ccroles.passwords import PasswordHash
    from ccroles.policy import Engine
    from ccroles.signin_store import SignInStore

__all__ = [
    "DEFAULT_SIGN_IN",
    "MAX_AUDIT_RETENTION",
    "MAX_FAILURES",
    "MAX_LOCK_DURATION",
    "Attempt",
    "Link",
    "Redeemed",
    "Session",
    "SignIn",
    "SignInSettings",
    "credentials_digest",
    "token_digest",
]

_log = logging.getLogger(__name__)

MAX_FAILURES: Final = 100
"""The most wrong passwords in a row a setting may allow before the lock."""

MAX_LOCK_DURATION: Final = timedelta(days=365)
"""The longest lock a setting may ask for."""

MAX_AUDIT_RETENTION: Final = timedelta(days=3653)
"""The longest the login audit trail may keep an event (ten years)."""


def _check_count(_: object, attribute: attrs.Attribute[int], value: int) -> None:
    if type(value) is not int or not 1 <= value <= MAX_FAILURES:
        raise InvalidFieldError(
            "sign-in settings",
            attribute.name,
            value,
            expected=f"a whole number from 1 to {MAX_FAILURES}",
        )


def _duration_check(
    limit: timedelta,
) -> Callable[[object, attrs.Attribute[timedelta], timedelta], None]:
    def check(
        _: object, attribute: attrs.Attribute[timedelta], value: timedelta
    ) -> None:
        given: object = value  # whatever a caller passed, a timedelta or not
        if not (isinstance(given, timedelta) and timedelta(0) < given <= limit):
            raise InvalidFieldError(
                "sign-in settings",
                attribute.name,
                value,
                expected=f"a positive duration of at most {limit.days} days",
            )

    return check


@attrs.frozen
class SignInSettings:
    """An account's sign-in rules; the defaults are those of the customer center.

    The set-password link of the access notification takes its validity from
    the account's :class:`~ccroles.accounts.NotificationSettings` (24 hours by
    default), not from here.

    Attributes:
        max_failures: Wrong passwords in a row that lock the login (5; at
            most :data:`MAX_FAILURES`).
        lock_duration: How long a lock lasts (30 minutes; at most
            :data:`MAX_LOCK_DURATION`).
        reset_link_validity: How long a forgotten-password link works (60
            minutes; at most :data:`~ccroles.accounts.MAX_LINK_VALIDITY`).
        audit_retention: How long the login audit trail keeps an event
            (365 days; at most :data:`MAX_AUDIT_RETENTION`):
            :meth:`SignIn.prune_audit` forgets the older ones.

    Raises:
        InvalidFieldError: A count or a duration outside its bounds.

    >>> SignInSettings(max_failures=0)
    Traceback (most recent call last):
    ...
    ccroles.exceptions.InvalidFieldError: sign-in settings max_failures 0 is refused; expected a whole number from 1 to 100
    """  # noqa: E501

    max_failures: int = attrs.field(default=5, validator=_check_count)
    lock_duration: timedelta = attrs.field(
        default=timedelta(minutes=30), validator=_duration_check(MAX_LOCK_DURATION)
    )
    reset_link_validity: timedelta = attrs.field(
        default=timedelta(minutes=60), validator=_duration_check(MAX_LINK_VALIDITY)
    )
    audit_retention: timedelta = attrs.field(
        default=timedelta(days=365), validator=_duration_check(MAX_AUDIT_RETENTION)
    )


DEFAULT_SIGN_IN: Final = SignInSettings()
"""5 wrong passwords lock for 30 minutes; a reset link works 60 minutes."""


def token_digest(token: str) -> bytes:
    """The SHA-256 digest a store keeps in place of a link's *token*.

    >>> len(token_digest("a token")), token_digest("a") == token_digest("a")
    (32, True)
    """
    return hashlib.sha256(token.encode()).digest()


def credentials_digest(account: Account, email: str) -> bytes | None:
    """The digest a store keeps of the login *email*'s credentials.

    It covers the login's password hash (salt included) and whether it has
    access, so any password change, a revocation and a grant of access
    again each give another digest. ``None`` when no login has *email*.

    >>> from ccroles.accounts import Account, Customer
    >>> account = Account(customers=[Customer("101", "ACME", email="ap@acme.example")])
    >>> len(credentials_digest(account, "AP@acme.example"))
    32
    >>> credentials_digest(account, "who@acme.example") is None
    True
    """
    login = account.find_login(email)
    if login is None:
        return None
    record = login.contact if login.contact is not None else login.customer
    stored = record.password_hash
    digest = hashlib.sha256(b"ccroles credentials 1\0")
    digest.update(b"access\0" if login.give_access else b"no access\0")
    if stored is not None:
        digest.update(f"{stored.algorithm}:{stored.n}:{stored.r}:{stored.p}\0".encode())
        digest.update(len(stored.salt).to_bytes(4, "big") + stored.salt + stored.hash)
    return digest.digest()


def _is_aware(value: object) -> bool:
    """Whether *value* is a datetime with a time zone."""
    return isinstance(value, datetime) and value.utcoffset() is not None


def _aware(_: object, attribute: attrs.Attribute[datetime], value: datetime) -> None:
    if not _is_aware(value):
        raise InvalidFieldError(
            "session", attribute.name, value, expected="an aware datetime"
        )


@attrs.frozen
class Session:
    """A signed-in session: the login's email and when the sign-in succeeded.

    A portal keeps both (in its signed session cookie, say) and asks
    :meth:`SignIn.decide_session` on each request whether the session still
    holds.

    Attributes:
        login: The email, as the sign-in got it.
        started: When the sign-in succeeded (timezone-aware).

    Raises:
        InvalidFieldError: *started* is not an aware datetime.
    """

    login: str
    started: datetime = attrs.field(validator=_aware)


@attrs.frozen
class Link:
    """A link just issued: the token goes into an email, never into a store or log.

    Attributes:
        email: The login it is for.
        kind: What it is for.
        token: The secret token (not in ``repr``).
        expires: When it stops working.
    """

    email: str
    kind: LinkKind
    token: str = attrs.field(repr=False)
    expires: datetime

    def url(self, base: str) -> str:
        """The link: *base* with the token (:func:`~ccroles.access_emails.link_url`).

        Raises:
            InvalidFieldError: *base* is not an absolute ``https`` address
                (``http`` is allowed on localhost only).

        >>> from datetime import UTC, datetime
        >>> link = Link("a@b.example", LinkKind.RESET, "t0k", datetime.now(UTC))
        >>> link.url("https://shop.example/reset?lang=en")
        'https://shop.example/reset?lang=en&token=t0k'
        """
        return link_url(base, self.token)


@attrs.frozen
class Attempt:
    """The answer to a sign-in attempt, and the login's state after it.

    Like a decision, an attempt has no truth value: read :attr:`allowed`.

    Attributes:
        decision: May the login sign in, and every reason if not.
        state: The login's state after the attempt.
        session: The session started, when the attempt is allowed.
    """

    decision: Decision
    state: LoginState
    session: Session | None = None

    @property
    def allowed(self) -> bool:
        """Whether the login is signed in."""
        return self.decision.allowed

    def __bool__(self) -> bool:
        """Refuse: an attempt is not a truth value."""
        return self.decision.__bool__()


@attrs.frozen
class Redeemed:
    """The answer to using a link.

    Attributes:
        decision: Whether the link was accepted, and why not.
        account: The account with the login's new password, when accepted.
        email: The login the link was for, when accepted.
    """

    decision: Decision
    account: Account | None = attrs.field(default=None, repr=False)
    email: str | None = None

    @property
    def accepted(self) -> bool:
        """Whether the link was accepted and the password set."""
        return self.decision.allowed


_WRONG_PASSWORD: Final = Reason(ReasonCode.WRONG_PASSWORD)
_SESSION_ENDED: Final = Reason(ReasonCode.SESSION_ENDED)

_LINK_CODES: Final = types.MappingProxyType(
    {
        LinkStatus.UNKNOWN: ReasonCode.LINK_UNKNOWN,
        LinkStatus.EXPIRED: ReasonCode.LINK_EXPIRED,
        LinkStatus.USED: ReasonCode.LINK_USED,
        LinkStatus.REPLACED: ReasonCode.LINK_REPLACED,
        LinkStatus.CLOSED: ReasonCode.LINK_CLOSED,
    }
)


def _link_reason(use: LinkUse) -> Reason:
    expired = use.status is LinkStatus.EXPIRED
    return Reason(_LINK_CODES[use.status], until=use.expires if expired else None)


def _utc_now() -> datetime:
    return datetime.now(UTC)


@functools.cache
def _decoy(params: ScryptParams) -> PasswordHash:
    """A hash to check unknown logins against, so they take as long as known ones."""
    return hash_password(Password(secrets.token_urlsafe(16)), params)


def _login_key(email: object) -> str | None:
    """The key of *email* when it is an email, else ``None`` (never stored)."""
    try:
        return email_key(check_email(email))
    except InvalidEmailError:
        return None


def _shown(key: str | None) -> str:
    """A login as a log line shows it: its key, or that it was no email.

    A key is an email, which holds no control character; anything beyond
    ASCII is escaped all the same, so a line is always one line.
    """
    if key is None:
        return "(not an email)"
    return key.encode("ascii", "backslashreplace").decode("ascii")


@attrs.frozen
class SignIn:
    """A portal's sign-in rules for one account, over a sign-in store.

    Build one per account (or per request: it is cheap) with the account's
    engine and settings. Nothing here keeps state of its own: the store does.

    Attributes:
        engine: The account's engine (of the account as saved: the store
            compares the login's credentials in it with those it saw last).
        store: Where the sign-in state lives.
        settings: The account's sign-in rules (the defaults by default).
        clock: Returns the current time (aware); tests pass a fixed one.
        scrypt: The cost of hashing passwords set through links, and of the
            decoy check made for an unknown login.
    """

    engine: Engine
    store: SignInStore
    settings: SignInSettings = DEFAULT_SIGN_IN
    clock: Callable[[], datetime] = attrs.field(default=_utc_now, kw_only=True)
    scrypt: ScryptParams = attrs.field(default=DEFAULT_SCRYPT, kw_only=True)

    def _now(self) -> datetime:
        """The clock's time; a naive or odd one is refused, never stored."""
        now = self.clock()
        if not _is_aware(now):
            raise InvalidFieldError(
                "sign-in", "clock", now, expected="an aware datetime (with a time zone)"
            )
        return now

    def _credentials(self, email: str) -> bytes | None:
        return credentials_digest(self.engine.account, email)

    def status(self, email: str) -> LoginState:
        """The login's state now: wrong passwords in a row, lock end if locked."""
        return self.store.state(email, self._now())

    def decide(self, email: str, website: str | None = None) -> Decision:
        """May the login sign in now (its lock included), without a password?

        To ask whether a session already started still holds, use
        :meth:`decide_session`.
        """
        state = self.status(email)
        return self.engine.decide_sign_in(
            email, website, locked_until=state.locked_until
        )

    def attempt(
        self,
        email: str,
        password: Password,
        website: str | None = None,
        *,
        client: str | None = None,
    ) -> Attempt:
        """Check *password* for the login *email* and record the outcome.

        The attempt is first counted as a wrong password (and the lock set
        when that count reaches the limit), then the password is checked:
        so at most ``max_failures`` wrong passwords in a row are ever
        checked, however many attempts arrive at once. Whenever the login
        is locked after the attempt, the answer is
        :attr:`~ccroles.decisions.ReasonCode.LOCKED` alone, the same for a
        right and a wrong password (a password sent during a lock is not
        even checked). A wrong password, an unknown email, something that
        is not an email, a password longer than
        :data:`~ccroles.passwords.MAX_PASSWORD_LENGTH` (never hashed) and a
        login without a password all answer
        :attr:`~ccroles.decisions.ReasonCode.WRONG_PASSWORD` alone, so the
        answer never tells a guesser whether an email exists. A right
        password starts the count again and answers with the engine's
        decision: access, activity, website. An allowed attempt carries its
        :class:`Session`.

        The attempt is appended to the login audit trail with its outcome
        and reason codes (and *client*, the client's IP address, when
        given), and so is the lock when this attempt set it.
        """
        now = self._now()
        question = SignInQuestion(website)
        key = _login_key(email)
        login = None if key is None else self.engine.account.find_login(key)
        record = None
        if login is not None:
            record = login.contact if login.contact is not None else login.customer
        stored = None if record is None else record.password_hash
        checkable = len(password) <= MAX_PASSWORD_LENGTH
        if key is None:  # nothing to count: no login can have it
            if checkable:
                _decoy(self.scrypt).verify(password.reveal())
            return self._refused(key, question, LoginState(), now, client)
        reservation = self.store.reserve(
            key,
            now,
            self.settings.max_failures,
            self.settings.lock_duration,
            self._credentials(key),
        )
        if not reservation.granted:
            return self._refused(key, question, reservation.state, now, client)
        if reservation.state.locked:  # this very attempt set the lock
            self._record(AuditKind.LOCK, key, now, client=client)
        right = False
        if checkable:  # else nothing is hashed, known login or not
            checked = stored if stored is not None else _decoy(self.scrypt)
            right = checked.verify(password.reveal()) and stored is not None
        granted = None
        if right:
            granted = self.engine.decide_sign_in(email, website)

        def answer(state: LoginState) -> Decision:
            if granted is None or state.locked:
                return _refusal(question, state)
            return granted

        # The attempt's event is written in the same step as its outcome.
        state = self.store.settle(
            key,
            now,
            reservation.state,
            right=right,
            event=lambda settled: self._event(
                AuditKind.SIGN_IN, key, now, answer(settled), client
            ),
        )
        decision = answer(state)
        _log.info("sign-in by %s: %s", _shown(key), _codes(decision))
        session = Session(email, now) if decision.allowed else None
        return Attempt(decision, state, session)

    def _refused(
        self,
        key: str | None,
        question: SignInQuestion,
        state: LoginState,
        now: datetime,
        client: str | None,
    ) -> Attempt:
        """A refused attempt: locked alone while locked, else a wrong password."""
        decision = _refusal(question, state)
        _log.info("sign-in by %s: %s", _shown(key), _codes(decision))
        self._record_decision(AuditKind.SIGN_IN, key, now, decision, client)
        return Attempt(decision, state)

    def _record(  # noqa: PLR0913 (an event's facts)
        self,
        kind: AuditKind,
        key: str | None,
        now: datetime,
        outcome: AuditOutcome = AuditOutcome.DONE,
        reasons: tuple[str, ...] = (),
        *,
        actor: str | None = None,
        client: str | None = None,
    ) -> None:
        self.store.record_event(
            AuditEvent(now, kind, key, outcome, reasons, actor=actor, client=client)
        )

    @staticmethod
    def _event(
        kind: AuditKind,
        key: str | None,
        now: datetime,
        decision: Decision,
        client: str | None,
    ) -> AuditEvent:
        outcome = AuditOutcome.ALLOWED if decision.allowed else AuditOutcome.DENIED
        reasons = tuple(reason.code.value for reason in decision.reasons)
        return AuditEvent(now, kind, key, outcome, reasons, client=client)

    def _record_decision(
        self,
        kind: AuditKind,
        key: str | None,
        now: datetime,
        decision: Decision,
        client: str | None,
    ) -> None:
        self.store.record_event(self._event(kind, key, now, decision, client))

    def record(
        self,
        kind: AuditKind,
        email: str,
        *,
        actor: str | None = None,
        client: str | None = None,
    ) -> None:
        """Append a change of access the portal made to the login audit trail.

        For what happens outside sign-in: a password set
        (:attr:`~ccroles.audit.AuditKind.PASSWORD_CHANGE`), a grant, a
        revocation, a bulk import (one event per login it changed). *actor*
        is the acting administrator's email, *client* their IP address.

        Raises:
            InvalidEmailError: *email* (or *actor*) is not an email.
            InvalidFieldError: *client* is not an IP address.
        """
        key = email_key(check_email(email))
        acting = None if actor is None else email_key(check_email(actor))
        self._record(kind, key, self._now(), actor=acting, client=client)

    def prune_audit(self) -> int:
        """Forget the trail's events older than the retention; how many.

        Call it now and then (daily, say): the trail keeps every event
        until then.
        """
        return self.store.prune_events(self._now() - self.settings.audit_retention)

    def decide_session(
        self, session: Session, *, client: str | None = None
    ) -> Decision:
        """Does *session* still hold?

        Refused with :attr:`~ccroles.decisions.ReasonCode.SESSION_ENDED`
        when it started before the login's credentials last changed (its
        password set by any means, its access revoked or given again), or
        when the store has no record of them; and with the engine's own
        reasons when the login may no longer sign in (no access, inactive,
        role no longer a customer center role, ...). A lock does not end a
        session: a guesser cannot sign the customer out. A refused session
        is appended to the login audit trail.
        """
        now = self._now()
        decision = self.engine.decide_sign_in(session.login)
        reasons = decision.reasons
        key = _login_key(session.login)
        changed = None
        if key is not None:
            changed = self.store.observe(key, now, self._credentials(key))
        if changed is None or session.started < changed:
            reasons = (_SESSION_ENDED, *reasons)
        answer = Decision(decision.question, reasons)
        if not answer.allowed:
            self._record_decision(AuditKind.SESSION_REFUSED, key, now, answer, client)
        return answer

    def allows_session(self, session: Session, *, client: str | None = None) -> bool:
        """Whether *session* still holds (:meth:`decide_session`'s answer)."""
        return self.decide_session(session, client=client).allowed

    def unlock(
        self, email: str, *, actor: str | None = None, client: str | None = None
    ) -> bool:
        """Unlock the login and start its count again (an administrator's act).

        The unlock is appended to the login audit trail (with *actor*, the
        administrator's email, and *client*, when given), also when the
        store had no record of the login.

        Returns:
            Whether the store had a record of the login (``False`` for an
            email it never saw, such as a misspelt one).
        """
        key = _login_key(email)
        known = key is not None and self.store.unlock(key)
        acting = None if actor is None else email_key(check_email(actor))
        self._record(
            AuditKind.UNLOCK,
            key,
            self._now(),
            AuditOutcome.DONE if known else AuditOutcome.DENIED,
            () if known else ("no_record",),
            actor=acting,
            client=client,
        )
        _log.info("unlocked %s: %s", _shown(key), "done" if known else "no record")
        return known

    def issue_reset_link(self, email: str, *, client: str | None = None) -> Link | None:
        """A forgotten-password link for the login, or ``None`` if it may not sign in.

        The login's older links stop working. Whatever the answer, the portal
        shows the same page ("if this email has access, a link is on its
        way"), so the form does not tell who has access. Issuing a link
        ends no session: anyone may ask for one.
        """
        key = _login_key(email)
        if key is None or not self.engine.allows_sign_in(key):
            _log.info("no reset link for %s: it may not sign in", _shown(key))
            return None
        now = self._now()
        token = secrets.token_urlsafe(32)
        expires = now + self.settings.reset_link_validity
        self.store.add_link(
            key,
            LinkKind.RESET,
            token_digest(token),
            expires,
            now=now,
            credentials=self._credentials(key),
        )
        _log.info("issued a reset link for %s, valid until %s", _shown(key), expires)
        self._record(AuditKind.LINK_ISSUED, key, now, client=client)
        return Link(email, LinkKind.RESET, token, expires)

    def register(self, notification: Notification) -> None:
        """Keep the set-password link of an access notification (its digest).

        Call it when sending the notification, on a :class:`SignIn` built
        with the account the grant returned: its link then works until the
        notification's expiry, once, and the login's older links stop
        working.

        Raises:
            InvalidFieldError: The notification's expiry is not aware, or
                more than :data:`~ccroles.accounts.MAX_LINK_VALIDITY` away;
                or its login has no access in this sign-in's account (build the
                :class:`SignIn` with the granted account).
        """
        now = self._now()
        expires = notification.expires
        if not _is_aware(expires):
            raise InvalidFieldError(
                "notification", "expires", expires, expected="an aware datetime"
            )
        if expires - now > MAX_LINK_VALIDITY:
            raise InvalidFieldError(
                "notification",
                "expires",
                expires,
                expected=f"at most {MAX_LINK_VALIDITY.days} days from now",
            )
        login = self.engine.account.find_login(notification.recipient)
        if login is None or not login.give_access:
            raise InvalidFieldError(
                "notification",
                "recipient",
                notification.recipient,
                expected="a login with access in the sign-in's account "
                "(build the SignIn with the account the grant returned)",
            )
        key = email_key(notification.recipient)
        self.store.add_link(
            key,
            LinkKind.ACCESS,
            token_digest(notification.token),
            expires,
            now=now,
            credentials=self._credentials(key),
        )
        self._record(AuditKind.LINK_ISSUED, key, now)
        _log.info(
            "registered the set-password link for %s, valid until %s",
            _shown(key),
            expires,
        )

    def redeem(
        self,
        token: str,
        password: Password,
        confirm: Password,
        *,
        client: str | None = None,
    ) -> Redeemed:
        """Use a link: set the login's password and end its lock.

        The password rules are checked before the link is used, so a refused
        password leaves the link working. An expired, used, replaced,
        closed or unknown link is refused with its own reason and changes
        nothing. A link is closed when the login's credentials changed
        after it was issued (a password set any other way, access revoked
        or given again). An accepted link is a change of credentials too:
        the login's other links close and its older sessions end.

        Returns:
            The decision and, when accepted, the account with the new
            password hash: the portal saves it.

        Raises:
            WeakPasswordError: The password is too short or easy to guess.
            PasswordMismatchError: Password and Confirm Password differ.
            UnknownLoginError: The link's login is no longer in the account.
        """
        now = self._now()
        digest = token_digest(token)
        question = SignInQuestion()
        use = self.store.peek_link(digest, now)
        if use.status is LinkStatus.ACCEPTED and use.email is not None:
            account = self.engine.account
            login = LoginId.of(account.login(use.email))
            account = set_password(
                account, login, password, confirm, scrypt=self.scrypt
            )
            use = self.store.use_link(
                digest,
                now,
                self._credentials(use.email),
                credentials_digest(account, use.email),
            )
            if use.status is LinkStatus.ACCEPTED:
                _log.info("a link set the password of %s", _shown(use.email))
                self._record(AuditKind.LINK_REDEEMED, use.email, now, client=client)
                return Redeemed(Decision(question), account, use.email)
        _log.info("a link was refused: %s", use.status.value)
        reason = _link_reason(use)
        self._record(
            AuditKind.LINK_EXPIRED
            if use.status is LinkStatus.EXPIRED
            else AuditKind.LINK_REFUSED,
            use.email,
            now,
            AuditOutcome.DENIED,
            (reason.code.value,),
            client=client,
        )
        return Redeemed(Decision(question, (reason,)))


def _refusal(question: SignInQuestion, state: LoginState) -> Decision:
    """A refused attempt's answer: locked alone while locked, else a wrong password."""
    reason = _WRONG_PASSWORD
    if state.locked_until is not None:
        reason = Reason(ReasonCode.LOCKED, until=state.locked_until)
    return Decision(question, (reason,))


def _codes(decision: Decision) -> str:
    if decision.allowed:
        return "allowed"
    return "denied (" + ", ".join(r.code.value for r in decision.reasons) + ")"
