"""Signing in: wrong passwords and locks, reset and set-password links.

:class:`SignIn` is what a portal's sign-in handler calls. It joins the
account's :class:`~ccroles.policy.Engine` (may this login sign in at all?) to
a :class:`~ccroles.signin_store.SignInStore` (how many wrong passwords in a
row, locked until when, which links are open) under the rules of DOMAIN §6,
with the defaults of :class:`SignInSettings`:

- 5 wrong passwords in a row lock the login for 30 minutes; a right password
  before that starts the count again; while locked even the right password is
  refused (it is not even checked); an administrator can unlock early.
- A forgotten-password link works once, for 60 minutes; the access
  notification's set-password link for the account's
  :attr:`~ccroles.accounts.NotificationSettings.link_validity` (24 hours by
  default). A new link makes the login's older ones useless. Using a link sets
  the password under the usual password rules and ends the lock.
- A role may require a second factor (never a customer center role).

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
from ccroles.decisions import Decision, Reason, ReasonCode, SignInQuestion
from ccroles.exceptions import InvalidFieldError
from ccroles.passwords import DEFAULT_SCRYPT, Password, ScryptParams, hash_password
from ccroles.signin_store import LinkKind, LinkStatus, LinkUse, LoginState

if TYPE_CHECKING:
    from collections.abc import Callable

    from ccroles.access import Notification
    from ccroles.accounts import Account
    from ccroles.passwords import PasswordHash
    from ccroles.policy import Engine
    from ccroles.signin_store import SignInStore

__all__ = [
    "DEFAULT_SIGN_IN",
    "Attempt",
    "Link",
    "Redeemed",
    "SignIn",
    "SignInSettings",
    "token_digest",
]

_log = logging.getLogger(__name__)


def _positive_count(_: object, attribute: attrs.Attribute[int], value: int) -> None:
    if value < 1:
        raise InvalidFieldError(
            "sign-in settings", attribute.name, value, expected="at least 1"
        )


def _positive_duration(
    _: object, attribute: attrs.Attribute[timedelta], value: timedelta
) -> None:
    if value <= timedelta(0):
        raise InvalidFieldError(
            "sign-in settings", attribute.name, value, expected="a positive duration"
        )


@attrs.frozen
class SignInSettings:
    """An account's sign-in rules; the defaults are DOMAIN §6's.

    The set-password link of the access notification takes its validity from
    the account's :class:`~ccroles.accounts.NotificationSettings` (24 hours by
    default), not from here.

    Attributes:
        max_failures: Wrong passwords in a row that lock the login (5).
        lock_duration: How long a lock lasts (30 minutes).
        reset_link_validity: How long a forgotten-password link works (60
            minutes).

    Raises:
        InvalidFieldError: A count below 1 or a duration that is not positive.

    >>> SignInSettings(max_failures=0)
    Traceback (most recent call last):
    ...
    ccroles.exceptions.InvalidFieldError: sign-in settings max_failures 0 is refused; expected at least 1
    """  # noqa: E501

    max_failures: int = attrs.field(default=5, validator=_positive_count)
    lock_duration: timedelta = attrs.field(
        default=timedelta(minutes=30), validator=_positive_duration
    )
    reset_link_validity: timedelta = attrs.field(
        default=timedelta(minutes=60), validator=_positive_duration
    )


DEFAULT_SIGN_IN: Final = SignInSettings()
"""DOMAIN §6: 5 wrong passwords lock for 30 minutes; a reset link works 60 minutes."""


def token_digest(token: str) -> bytes:
    """The SHA-256 digest a store keeps in place of a link's *token*.

    >>> len(token_digest("a token")), token_digest("a") == token_digest("a")
    (32, True)
    """
    return hashlib.sha256(token.encode()).digest()


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
        """The link: *base* with the token as its ``token`` query parameter.

        >>> from datetime import UTC, datetime
        >>> link = Link("a@b.example", LinkKind.RESET, "t0k", datetime.now(UTC))
        >>> link.url("https://shop.example/reset?lang=en")
        'https://shop.example/reset?lang=en&token=t0k'
        """
        return f"{base}{'&' if '?' in base else '?'}token={self.token}"


@attrs.frozen
class Attempt:
    """The answer to a sign-in attempt, and the login's state after it.

    Like a decision, an attempt has no truth value: read :attr:`allowed`.

    Attributes:
        decision: May the login sign in, and every reason if not.
        state: The login's state after the attempt.
    """

    decision: Decision
    state: LoginState

    @property
    def allowed(self) -> bool:
        """Whether the login is signed in."""
        return self.decision.allowed

    @property
    def needs_second_factor(self) -> bool:
        """Whether the only thing missing is the second factor (ask for it now)."""
        codes = {reason.code for reason in self.decision.reasons}
        return codes == {ReasonCode.SECOND_FACTOR_REQUIRED}

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

_LINK_CODES: Final = types.MappingProxyType(
    {
        LinkStatus.UNKNOWN: ReasonCode.LINK_UNKNOWN,
        LinkStatus.EXPIRED: ReasonCode.LINK_EXPIRED,
        LinkStatus.USED: ReasonCode.LINK_USED,
        LinkStatus.REPLACED: ReasonCode.LINK_REPLACED,
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


@attrs.frozen
class SignIn:
    """A portal's sign-in rules for one account, over a sign-in store.

    Build one per account (or per request: it is cheap) with the account's
    engine and settings. Nothing here keeps state of its own: the store does.

    Attributes:
        engine: The account's engine.
        store: Where the sign-in state lives.
        settings: The account's sign-in rules (DOMAIN §6 by default).
        clock: Returns the current time (aware); tests pass a fixed one.
        scrypt: The cost of hashing passwords set through links, and of the
            decoy check made for an unknown login.
    """

    engine: Engine
    store: SignInStore
    settings: SignInSettings = DEFAULT_SIGN_IN
    clock: Callable[[], datetime] = attrs.field(default=_utc_now, kw_only=True)
    scrypt: ScryptParams = attrs.field(default=DEFAULT_SCRYPT, kw_only=True)

    def status(self, email: str) -> LoginState:
        """The login's state now: wrong passwords in a row, lock end if locked."""
        return self.store.state(email, self.clock())

    def decide(
        self,
        email: str,
        website: str | None = None,
        *,
        second_factor_verified: bool = False,
    ) -> Decision:
        """May the login sign in now (its lock included), without a password?

        For a session already started: the engine's decision with the lock.
        """
        state = self.status(email)
        return self.engine.decide_sign_in(
            email,
            website,
            locked_until=state.locked_until,
            second_factor_verified=second_factor_verified,
        )

    def attempt(
        self,
        email: str,
        password: Password,
        website: str | None = None,
        *,
        second_factor_verified: bool = False,
    ) -> Attempt:
        """Check *password* for the login *email* and record the outcome.

        While the login is locked the password is not checked and the answer
        is :attr:`~ccroles.decisions.ReasonCode.LOCKED`. A wrong password, an
        unknown email and a login without a password all answer
        :attr:`~ccroles.decisions.ReasonCode.WRONG_PASSWORD` alone (with
        ``LOCKED`` when that failure locks the login), and all count as wrong
        passwords, so the answer never tells a guesser whether an email
        exists. A right password starts the count again and answers with the
        engine's decision: access, activity, website, and
        :attr:`~ccroles.decisions.ReasonCode.SECOND_FACTOR_REQUIRED` while
        the role requires a second factor and *second_factor_verified* is
        false.
        """
        now = self.clock()
        question = SignInQuestion(website)
        state = self.store.state(email, now)
        if state.locked_until is not None:
            return self._refused(email, question, (), state)
        login = self.engine.account.find_login(email)
        stored = None
        if login is not None:
            record = login.contact if login.contact is not None else login.customer
            stored = record.password_hash
        checked = stored if stored is not None else _decoy(self.scrypt)
        right = checked.verify(password.reveal())
        if not (right and stored is not None):
            state = self.store.record_failure(
                email, now, self.settings.max_failures, self.settings.lock_duration
            )
            return self._refused(email, question, (_WRONG_PASSWORD,), state)
        state = self.store.record_success(email, now)
        if state.locked_until is not None:  # locked by another process meanwhile
            return self._refused(email, question, (), state)
        decision = self.engine.decide_sign_in(
            email, website, second_factor_verified=second_factor_verified
        )
        _log.info("sign-in by %s: %s", email, _codes(decision))
        return Attempt(decision, state)

    def _refused(
        self,
        email: str,
        question: SignInQuestion,
        reasons: tuple[Reason, ...],
        state: LoginState,
    ) -> Attempt:
        if state.locked_until is not None:
            locked = self.engine.decide_sign_in(
                email, locked_until=state.locked_until
            ).reasons[0]
            reasons = (locked, *reasons)
        decision = Decision(question, reasons)
        _log.info("sign-in by %s: %s", email, _codes(decision))
        return Attempt(decision, state)

    def unlock(self, email: str) -> None:
        """Unlock the login and start its count again (an administrator's act)."""
        self.store.unlock(email)
        _log.info("unlocked %s", email)

    def issue_reset_link(self, email: str) -> Link | None:
        """A forgotten-password link for the login, or ``None`` if it may not sign in.

        The login's older links stop working. Whatever the answer, the portal
        shows the same page ("if this email has access, a link is on its
        way"), so the form does not tell who has access.
        """
        if not self.engine.allows_sign_in(email):
            _log.info("no reset link for %s: it may not sign in", email)
            return None
        now = self.clock()
        token = secrets.token_urlsafe(32)
        expires = now + self.settings.reset_link_validity
        self.store.add_link(email, LinkKind.RESET, token_digest(token), expires)
        _log.info("issued a reset link for %s, valid until %s", email, expires)
        return Link(email, LinkKind.RESET, token, expires)

    def register(self, notification: Notification) -> None:
        """Keep the set-password link of an access notification (its digest).

        Call it when sending the notification: its link then works until the
        notification's expiry, once, and the login's older links stop working.
        """
        self.store.add_link(
            notification.recipient,
            LinkKind.ACCESS,
            token_digest(notification.token),
            notification.expires,
        )
        _log.info(
            "registered the set-password link for %s, valid until %s",
            notification.recipient,
            notification.expires,
        )

    def redeem(self, token: str, password: Password, confirm: Password) -> Redeemed:
        """Use a link: set the login's password and end its lock.

        The password rules are checked before the link is used, so a refused
        password leaves the link working. An expired, used, replaced or
        unknown link is refused with its own reason and changes nothing.

        Returns:
            The decision and, when accepted, the account with the new
            password hash: the portal saves it.

        Raises:
            WeakPasswordError: The password is too short or easy to guess.
            PasswordMismatchError: Password and Confirm Password differ.
            UnknownLoginError: The link's login is no longer in the account.
        """
        now = self.clock()
        digest = token_digest(token)
        question = SignInQuestion()
        use = self.store.peek_link(digest, now)
        if use.status is LinkStatus.ACCEPTED and use.email is not None:
            account = set_password(
                self.engine.account, use.email, password, confirm, scrypt=self.scrypt
            )
            use = self.store.use_link(digest, now)
            if use.status is LinkStatus.ACCEPTED:
                _log.info("a link set the password of %s", use.email)
                return Redeemed(Decision(question), account, use.email)
        _log.info("a link was refused: %s", use.status.value)
        return Redeemed(Decision(question, (_link_reason(use),)))


def _codes(decision: Decision) -> str:
    if decision.allowed:
        return "allowed"
    return "denied (" + ", ".join(r.code.value for r in decision.reasons) + ")"
