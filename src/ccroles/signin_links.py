"""Links: the set-password and forgotten-password links, issued and redeemed.

A forgotten-password link works once, for the account's
:attr:`~ccroles.signin.SignInSettings.reset_link_validity` (60 minutes by
default); the access notification's set-password link for the account's
:attr:`~ccroles.accounts.NotificationSettings.link_validity` (24 hours by
default). A new link makes the login's older ones useless. Using a link sets
the password under the usual password rules and ends the lock. Any change of
the login's credentials closes its open links.

Tokens come from :mod:`secrets`; the store keeps only their SHA-256 digest
(:func:`token_digest`) and looks them up by it (a digest of a 256-bit random
token cannot be guessed, and the lookup compares digests, never tokens).

A portal calls these through :class:`~ccroles.signin.SignIn`
(:meth:`~ccroles.signin.SignIn.issue_reset_link`,
:meth:`~ccroles.signin.SignIn.register`,
:meth:`~ccroles.signin.SignIn.redeem`), which builds a :class:`SignInLinks`
with its own engine, store, clock and settings.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import types
from typing import TYPE_CHECKING, Final

import attrs

from ccroles._deprecation import warn_renamed
from ccroles._signin_common import (
    is_aware,
    login_key,
    read_clock,
    record_event,
    shown,
    utc_now,
)
from ccroles.access import set_password
from ccroles.access_emails import link_url
from ccroles.access_values import LoginId
from ccroles.audit import AuditKind, AuditOutcome
from ccroles.decisions import Decision, Reason, ReasonCode, SignInQuestion
from ccroles.exceptions import InvalidFieldError
from ccroles.names import email_key
from ccroles.notifications import MAX_LINK_VALIDITY
from ccroles.passwords import DEFAULT_SCRYPT, ScryptParams
from ccroles.signin_store import LinkKind, LinkStatus, LinkUse

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import datetime, timedelta

    from ccroles.access_emails import Notification
    from ccroles.accounts import Account
    from ccroles.passwords import Password
    from ccroles.policy import Engine
    from ccroles.signin_store import SignInStore

__all__ = [
    "Link",
    "Redeemed",
    "SignInLinks",
    "credentials_digest",
    "token_digest",
]

_log = logging.getLogger("ccroles.signin")  # one logger for all of sign-in


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
    def allowed(self) -> bool:
        """Whether the link was accepted and the password set."""
        return self.decision.allowed

    @property
    def accepted(self) -> bool:
        """Deprecated: :attr:`allowed`, its new name."""
        warn_renamed("Redeemed.accepted", "Redeemed.allowed")
        return self.allowed


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


@attrs.frozen
class SignInLinks:
    """An account's links over a sign-in store: issue, register, redeem.

    :class:`~ccroles.signin.SignIn` builds one for each of its link methods;
    their documentation is there.

    Attributes:
        engine: The account's engine (of the account as saved).
        store: Where the links live (their digests only).
        reset_link_validity: How long a forgotten-password link works.
        clock: Returns the current time (aware).
        scrypt: The cost of hashing passwords set through links.
    """

    engine: Engine
    store: SignInStore
    reset_link_validity: timedelta
    clock: Callable[[], datetime] = attrs.field(default=utc_now, kw_only=True)
    scrypt: ScryptParams = attrs.field(default=DEFAULT_SCRYPT, kw_only=True)

    def _credentials(self, email: str) -> bytes | None:
        return credentials_digest(self.engine.account, email)

    def issue_reset_link(self, email: str, *, client: str | None = None) -> Link | None:
        """A forgotten-password link, or ``None`` if the login may not sign in.

        See :meth:`ccroles.signin.SignIn.issue_reset_link`.
        """
        key = login_key(email)
        if key is None or not self.engine.allows_sign_in(key):
            _log.info("no reset link for %s: it may not sign in", shown(key))
            return None
        now = read_clock(self.clock)
        token = secrets.token_urlsafe(32)
        expires = now + self.reset_link_validity
        self.store.add_link(
            key,
            LinkKind.RESET,
            token_digest(token),
            expires,
            now=now,
            credentials=self._credentials(key),
        )
        _log.info("issued a reset link for %s, valid until %s", shown(key), expires)
        record_event(self.store, AuditKind.LINK_ISSUED, key, now, client=client)
        return Link(email, LinkKind.RESET, token, expires)

    def register(self, notification: Notification) -> None:
        """Keep the set-password link of an access notification (its digest).

        See :meth:`ccroles.signin.SignIn.register`.

        Raises:
            InvalidFieldError: The expiry is not aware or too far away, or
                the login has no access in this account.
        """
        now = read_clock(self.clock)
        expires = notification.expires
        if not is_aware(expires):
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
        record_event(self.store, AuditKind.LINK_ISSUED, key, now)
        _log.info(
            "registered the set-password link for %s, valid until %s",
            shown(key),
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

        See :meth:`ccroles.signin.SignIn.redeem`.

        Raises:
            WeakPasswordError: The password is too short or easy to guess.
            PasswordMismatchError: Password and Confirm Password differ.
            UnknownLoginError: The link's login is no longer in the account.
        """
        now = read_clock(self.clock)
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
                _log.info("a link set the password of %s", shown(use.email))
                record_event(
                    self.store, AuditKind.LINK_REDEEMED, use.email, now, client=client
                )
                return Redeemed(Decision(question), account, use.email)
        _log.info("a link was refused: %s", use.status.value)
        reason = _link_reason(use)
        record_event(
            self.store,
            AuditKind.LINK_EXPIRED
            if use.status is LinkStatus.EXPIRED
            else AuditKind.LINK_REFUSED,
            use.email,
            now,
            outcome=AuditOutcome.DENIED,
            reasons=(reason.code.value,),
            client=client,
        )
        return Redeemed(Decision(question, (reason,)))
