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
  :attr:`~ccroles.notifications.NotificationSettings.link_validity` (24 hours by
  default). A new link makes the login's older ones useless. Using a link sets
  the password under the usual password rules and ends the lock.
- Any change of the login's credentials (a password set by any path, access
  revoked or given again) closes its open links and ends every
  :class:`Session` started before it (:meth:`SignIn.decide_session`).

Links (issuing, registering, redeeming them, and the digests a store keeps
in place of tokens and credentials) live in :mod:`ccroles.signin_links`.

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
import logging
import secrets
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Final

import attrs

from ccroles._deprecation import moved_names, warn_renamed
from ccroles._signin_common import (
    decision_event,
    is_aware,
    login_key,
    read_clock,
    record_event,
    shown,
    utc_now,
)
from ccroles.audit import AuditKind, AuditOutcome
from ccroles.decisions import Decision, Reason, ReasonCode, SignInQuestion
from ccroles.exceptions import InvalidFieldError
from ccroles.names import check_email, email_key
from ccroles.notifications import MAX_LINK_VALIDITY
from ccroles.passwords import (
    DEFAULT_SCRYPT,
    MAX_PASSWORD_LENGTH,
    Password,
    ScryptParams,
    hash_password,
)
from ccroles.signin_links import SignInLinks, credentials_digest
from ccroles.signin_store import LoginState

if TYPE_CHECKING:
    from collections.abc import Callable

    from ccroles.access_emails import Notification
    from ccroles.accounts import Account
    from ccroles.passwords import PasswordHash
    from ccroles.policy import Engine
    from ccroles.signin_links import Link, Redeemed
    from ccroles.signin_store import SignInStore

__all__ = [
    "DEFAULT_SIGN_IN",
    "MAX_AUDIT_RETENTION",
    "MAX_FAILURES",
    "MAX_LOCK_DURATION",
    "Attempt",
    "Session",
    "SignIn",
    "SignInSettings",
]

__getattr__ = moved_names(
    __name__,
    {
        "Link": "ccroles.signin_links",
        "Redeemed": "ccroles.signin_links",
        "token_digest": "ccroles.signin_links",
    },
)

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
    the account's :class:`~ccroles.notifications.NotificationSettings` (24 hours by
    default), not from here.

    Attributes:
        max_failures: Wrong passwords in a row that lock the login (5; at
            most :data:`MAX_FAILURES`).
        lock_duration: How long a lock lasts (30 minutes; at most
            :data:`MAX_LOCK_DURATION`).
        reset_link_validity: How long a forgotten-password link works (60
            minutes; at most :data:`~ccroles.notifications.MAX_LINK_VALIDITY`).
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


def _aware(_: object, attribute: attrs.Attribute[datetime], value: datetime) -> None:
    if not is_aware(value):
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


_WRONG_PASSWORD: Final = Reason(ReasonCode.WRONG_PASSWORD)
_SESSION_ENDED: Final = Reason(ReasonCode.SESSION_ENDED)


@functools.cache
def _decoy(params: ScryptParams) -> PasswordHash:
    """A hash to check unknown logins against, so they take as long as known ones."""
    return hash_password(Password(secrets.token_urlsafe(16)), params)


def _stored_hash(account: Account, key: str) -> PasswordHash | None:
    """The password hash of the login *key*, if it is a login and has one."""
    login = account.find_login(key)
    if login is None:
        return None
    record = login.contact if login.contact is not None else login.customer
    return record.password_hash


def _password_is_right(
    stored: PasswordHash | None, password: Password, scrypt: ScryptParams
) -> bool:
    """Whether *password* matches *stored*, taking as long for no hash at all.

    Without a hash the decoy is checked, so an unknown login or one without
    a password takes as long as a known one; a password longer than
    :data:`~ccroles.passwords.MAX_PASSWORD_LENGTH` is never hashed.
    """
    if len(password) > MAX_PASSWORD_LENGTH:
        return False
    checked = stored if stored is not None else _decoy(scrypt)
    return checked.verify(password.reveal()) and stored is not None


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
    clock: Callable[[], datetime] = attrs.field(default=utc_now, kw_only=True)
    scrypt: ScryptParams = attrs.field(default=DEFAULT_SCRYPT, kw_only=True)

    def _now(self) -> datetime:
        """The clock's time; a naive or odd one is refused, never stored."""
        return read_clock(self.clock)

    def _credentials(self, email: str) -> bytes | None:
        return credentials_digest(self.engine.account, email)

    def status(self, email: str) -> LoginState:
        """The login's state now: wrong passwords in a row, lock end if locked."""
        return self.store.state(email, self._now())

    def decide_sign_in(self, email: str, website: str | None = None) -> Decision:
        """May the login sign in now (its lock included), without a password?

        To ask whether a session already started still holds, use
        :meth:`decide_session`.
        """
        state = self.status(email)
        return self.engine.decide_sign_in(
            email, website, locked_until=state.locked_until
        )

    def decide(self, email: str, website: str | None = None) -> Decision:
        """Deprecated: :meth:`decide_sign_in`, its new name."""
        warn_renamed("SignIn.decide", "SignIn.decide_sign_in")
        return self.decide_sign_in(email, website)

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
        key = login_key(email)
        if key is None:  # nothing to count: no login can have it
            _password_is_right(None, password, self.scrypt)  # as long as a check
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
            record_event(self.store, AuditKind.LOCK, key, now, client=client)
        stored = _stored_hash(self.engine.account, key)
        right = _password_is_right(stored, password, self.scrypt)
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
            event=lambda settled: decision_event(
                AuditKind.SIGN_IN, key, now, answer(settled), client
            ),
        )
        decision = answer(state)
        _log.info("sign-in by %s: %s", shown(key), _codes(decision))
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
        _log.info("sign-in by %s: %s", shown(key), _codes(decision))
        self.store.record_event(
            decision_event(AuditKind.SIGN_IN, key, now, decision, client)
        )
        return Attempt(decision, state)

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
        record_event(self.store, kind, key, self._now(), actor=acting, client=client)

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
        key = login_key(session.login)
        changed = None
        if key is not None:
            changed = self.store.observe(key, now, self._credentials(key))
        if changed is None or session.started < changed:
            reasons = (_SESSION_ENDED, *reasons)
        answer = Decision(decision.question, reasons)
        if not answer.allowed:
            event = decision_event(AuditKind.SESSION_REFUSED, key, now, answer, client)
            self.store.record_event(event)
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
        key = login_key(email)
        known = key is not None and self.store.unlock(key)
        acting = None if actor is None else email_key(check_email(actor))
        record_event(
            self.store,
            AuditKind.UNLOCK,
            key,
            self._now(),
            outcome=AuditOutcome.DONE if known else AuditOutcome.DENIED,
            reasons=() if known else ("no_record",),
            actor=acting,
            client=client,
        )
        _log.info("unlocked %s: %s", shown(key), "done" if known else "no record")
        return known

    def _links(self) -> SignInLinks:
        """This sign-in's links: its engine, store, clock and reset link validity."""
        return SignInLinks(
            self.engine,
            self.store,
            self.settings.reset_link_validity,
            clock=self.clock,
            scrypt=self.scrypt,
        )

    def issue_reset_link(self, email: str, *, client: str | None = None) -> Link | None:
        """A forgotten-password link for the login, or ``None`` if it may not sign in.

        The login's older links stop working. Whatever the answer, the portal
        shows the same page ("if this email has access, a link is on its
        way"), so the form does not tell who has access. Issuing a link
        ends no session: anyone may ask for one.
        """
        return self._links().issue_reset_link(email, client=client)

    def register(self, notification: Notification) -> None:
        """Keep the set-password link of an access notification (its digest).

        Call it when sending the notification, on a :class:`SignIn` built
        with the account the grant returned: its link then works until the
        notification's expiry, once, and the login's older links stop
        working.

        Raises:
            InvalidFieldError: The notification's expiry is not aware, or
                more than :data:`~ccroles.notifications.MAX_LINK_VALIDITY` away;
                or its login has no access in this sign-in's account (build the
                :class:`SignIn` with the granted account).
        """
        self._links().register(notification)

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
        return self._links().redeem(token, password, confirm, client=client)


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
