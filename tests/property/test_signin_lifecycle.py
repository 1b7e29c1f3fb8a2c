"""The sign-in lifecycle against a small model, in any interleaving.

Attempts (right and wrong), waits, unlocks, an administrator's password,
revocations, grants (by notification or with a password), reset links,
redemptions and session checks, run against ``SignIn`` over each store and
against a plain model of the rules: 5 wrong passwords in a row lock for 30
minutes and nothing is checked while locked; a right password restarts the
count; any change of the credentials (password, access) closes open links
and ends sessions started before the store saw it; a newer link replaces
older ones; access given again starts with no password.
"""

import os
from datetime import datetime, timedelta

import attrs
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from ccroles import (
    Account,
    Customer,
    Engine,
    MemorySignInStore,
    Password,
    ReasonCode,
    Session,
    SignIn,
    SignInStore,
    SQLiteSignInStore,
    grant_access,
    revoke_access,
)
from ccroles.access import set_password
from ccroles.access_values import AssignPassword, Grant, LoginId, SendNotification
from ccroles.passwords import hash_password
from ccroles.signin_store import LoginState
from tests.access_fixtures import CHEAP_SCRYPT, NOW, SETTINGS

EMAIL = "ap@acme.example"
FIRST = "plum-tractor-44"
NO_PASSWORD = "nothing-was-set-0"  # noqa: S105 (a guess for a login with none)
WRONG = "wrong-password-9"
LOCK = timedelta(minutes=30)
RESET = timedelta(minutes=60)
ACCESS_LINK = timedelta(hours=24)


def first_account() -> Account:
    """ACME's own login with access and the password FIRST."""
    return Account(
        notification=SETTINGS,
        customers=[
            Customer(
                "101",
                "ACME",
                email=EMAIL,
                give_access=True,
                role="Customer Center",
                password_hash=hash_password(Password(FIRST), CHEAP_SCRYPT),
            )
        ],
    )


@attrs.define
class ModelLink:
    """A link as the model sees it."""

    token: str
    expires: datetime
    status: str = "open"  # "open" | "used" | "replaced" | "closed"


@attrs.define
class Model:
    """The rules, as plainly as they can be written."""

    now: datetime = NOW
    failures: int = 0
    locked_until: datetime | None = None
    access: bool = True
    password: str | None = FIRST
    version: int = 1  # a new number for each password hash set; 0: none
    hashes: int = 1  # how many hashes were set: each new one is another
    seen: tuple[bool, int] | None = None  # the credentials the store last saw
    changed: datetime | None = None  # when the store last saw them change
    links: list[ModelLink] = attrs.field(factory=list)
    sessions: list[datetime] = attrs.field(factory=list)

    @property
    def credentials(self) -> tuple[bool, int]:
        """What the store's digest covers: access and the password hash."""
        return (self.access, self.version)

    def settle(self) -> None:
        """An ended lock is no lock and a new count."""
        if self.locked_until is not None and self.now >= self.locked_until:
            self.failures, self.locked_until = 0, None

    def observe(self) -> None:
        """The store compares the credentials with those it saw last."""
        if self.seen != self.credentials:
            self.seen, self.changed = self.credentials, self.now
            self.close_links("closed")

    def close_links(self, status: str) -> None:
        """Every open link gets *status*."""
        for link in self.links:
            if link.status == "open":
                link.status = status

    def new_password(self, text: str | None) -> None:
        """A password hash set (or forgotten, for None)."""
        self.password = text
        if text is not None:
            self.hashes += 1
        self.version = 0 if text is None else self.hashes

    def attempt(self, *, right: bool) -> list[ReasonCode]:
        """A sign-in attempt: the reason codes expected."""
        self.settle()
        if self.locked_until is not None:
            return [ReasonCode.LOCKED]
        self.observe()
        self.failures += 1
        if right and self.password is not None:
            self.failures = 0
            self.locked_until = None
            if not self.access:  # a password set on a revoked login
                return [ReasonCode.NO_ACCESS]
            self.sessions.append(self.now)
            return []
        if self.failures >= 5:
            self.locked_until = self.now + LOCK
            return [ReasonCode.LOCKED]
        return [ReasonCode.WRONG_PASSWORD]

    def redeem(self, index: int, text: str) -> list[ReasonCode]:
        """Use the *index*-th link: the reason codes expected."""
        if index >= len(self.links):
            return [ReasonCode.LINK_UNKNOWN]
        link = self.links[index]
        codes = {
            "used": ReasonCode.LINK_USED,
            "replaced": ReasonCode.LINK_REPLACED,
            "closed": ReasonCode.LINK_CLOSED,
        }
        if link.status in codes:
            return [codes[link.status]]
        if self.now >= link.expires:
            return [ReasonCode.LINK_EXPIRED]
        if self.seen != self.credentials:
            self.observe()
            return [ReasonCode.LINK_CLOSED]
        link.status = "used"
        self.close_links("closed")
        self.new_password(text)
        self.seen, self.changed = self.credentials, self.now
        self.failures, self.locked_until = 0, None
        return []

    def session(self, started: datetime) -> list[ReasonCode]:
        """Does a session started at *started* hold: the reason codes expected."""
        self.observe()
        ended = self.changed is None or started < self.changed
        return [ReasonCode.SESSION_ENDED] * ended + [ReasonCode.NO_ACCESS] * (
            not self.access
        )


class SignInLifecycle(RuleBasedStateMachine):
    """SignIn and the model, step by step."""

    def __init__(self) -> None:
        super().__init__()
        self.model = Model()
        self.account = first_account()
        self.store: SignInStore = MemorySignInStore()
        self.step = 0

    @initialize(kind=st.sampled_from(["memory", "sqlite"]))
    def choose_store(self, kind: str) -> None:
        """Each run uses one store."""
        if kind == "sqlite":
            self.store = SQLiteSignInStore(":memory:")

    def teardown(self) -> None:
        """Close the store."""
        self.store.close()

    def sign_in(self) -> SignIn:
        """The SignIn a request builds, over the saved account."""
        return SignIn(
            Engine(self.account),
            self.store,
            clock=lambda: self.model.now,
            scrypt=CHEAP_SCRYPT,
        )

    def fresh(self) -> str:
        """A new valid password."""
        self.step += 1
        return f"walnut-harbour-{self.step}"

    @rule(right=st.booleans())
    def attempt(self, *, right: bool) -> None:
        """A sign-in with the right or a wrong password."""
        given = (self.model.password or NO_PASSWORD) if right else WRONG
        attempt = self.sign_in().attempt(EMAIL, Password(given))
        expected = self.model.attempt(right=right)
        assert [r.code for r in attempt.decision.reasons] == expected
        assert (attempt.session is not None) == (expected == [])

    @rule(minutes=st.sampled_from([1, 29, 30, 59, 60, 24 * 60]))
    def wait(self, minutes: int) -> None:
        """Time passes."""
        self.model.now += timedelta(minutes=minutes)

    @rule()
    def unlock(self) -> None:
        """An administrator unlocks the login."""
        self.sign_in().unlock(EMAIL)
        self.model.failures, self.model.locked_until = 0, None

    @rule()
    def administrator_sets_a_password(self) -> None:
        """The administrator sets a new password."""
        text = self.fresh()
        login = LoginId.of(self.account.login(EMAIL))
        self.account = set_password(
            self.account, login, Password(text), Password(text), scrypt=CHEAP_SCRYPT
        )
        self.model.new_password(text)

    @rule()
    def revoke(self) -> None:
        """Access is revoked; the password is forgotten."""
        self.account = revoke_access(self.account, LoginId("101")).account
        self.model.access = False
        if self.model.password is not None:
            self.model.new_password(None)

    @rule()
    def grant_by_notification(self) -> None:
        """Access given (again) by a notification, whose link is registered."""
        granted = grant_access(
            self.account, Grant(LoginId("101"), SendNotification()), now=self.model.now
        )
        if not self.model.access and self.model.password is not None:
            self.model.new_password(None)  # given again: no password kept
        self.account = granted.account
        self.model.access = True
        assert granted.notification is not None
        self.sign_in().register(granted.notification)
        self.model.observe()
        self.model.close_links("replaced")
        self.model.links.append(
            ModelLink(granted.notification.token, self.model.now + ACCESS_LINK)
        )

    @rule()
    def grant_with_a_password(self) -> None:
        """Access given (again) with a password the administrator assigns."""
        text = self.fresh()
        procedure = AssignPassword(Password(text), Password(text))
        grant = Grant(LoginId("101"), procedure)
        self.account = grant_access(self.account, grant, scrypt=CHEAP_SCRYPT).account
        self.model.access = True
        self.model.new_password(text)

    @rule()
    def issue_reset_link(self) -> None:
        """A forgotten-password link, for a login that may sign in."""
        link = self.sign_in().issue_reset_link(EMAIL)
        assert (link is not None) == self.model.access
        if link is not None:
            self.model.observe()
            self.model.close_links("replaced")
            self.model.links.append(ModelLink(link.token, self.model.now + RESET))

    @rule(index=st.integers(0, 5))
    def redeem(self, index: int) -> None:
        """Use a link (one issued, or one that never was)."""
        text = self.fresh()
        links = self.model.links
        token = links[index].token if index < len(links) else f"unknown-{index}"
        redeemed = self.sign_in().redeem(token, Password(text), Password(text))
        expected = self.model.redeem(index, text)
        assert [r.code for r in redeemed.decision.reasons] == expected
        if redeemed.account is not None:
            self.account = redeemed.account

    @precondition(lambda self: self.model.sessions)
    @rule(data=st.data())
    def check_a_session(self, data: st.DataObject) -> None:
        """A session started earlier: does it still hold?"""
        started = data.draw(st.sampled_from(self.model.sessions))
        decision = self.sign_in().decide_session(Session(EMAIL, started))
        expected = self.model.session(started)
        assert [r.code for r in decision.reasons] == expected

    @invariant()
    def the_state_matches(self) -> None:
        """The store's count and lock are the model's."""
        self.model.settle()
        state = self.sign_in().status(EMAIL)
        assert state == LoginState(self.model.failures, self.model.locked_until)


# Cheap in the default (CI) profile; `make test-long` (LONG=1) runs 50 times more.
LONG = os.environ.get("LONG") == "1"

SignInLifecycle.TestCase.settings = settings(
    settings.default,
    max_examples=1000 if LONG else 20,
    stateful_step_count=50 if LONG else 25,
)
test_the_sign_in_lifecycle_follows_the_model = SignInLifecycle.TestCase
