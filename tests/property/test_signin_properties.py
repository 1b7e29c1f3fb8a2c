import functools
from datetime import datetime, timedelta

import attrs
from hypothesis import example, given
from hypothesis import strategies as st

from ccroles import (
    Account,
    Customer,
    Engine,
    MemorySignInStore,
    Password,
    ReasonCode,
    SignIn,
    SignInStore,
    SQLiteSignInStore,
)
from ccroles.passwords import hash_password
from ccroles.signin_store import LoginState
from tests.access_fixtures import CHEAP_SCRYPT, NOW

EMAIL = "ap@acme.example"
FIRST = "plum-tractor-44"
MAX_FAILURES = 5
LOCK = timedelta(minutes=30)
RESET = timedelta(minutes=60)


@functools.cache
def engine(password: str) -> Engine:
    """The engine of an account with one login, whose password is *password*."""
    return Engine(account(password))


def account(password: str) -> Account:
    """One login with *password*."""
    return Account(
        customers=[
            Customer(
                "101",
                "ACME",
                email=EMAIL,
                give_access=True,
                role="Customer Center",
                password_hash=hash_password(Password(password), CHEAP_SCRYPT),
            )
        ]
    )


@attrs.define
class Model:
    """The sign-in rules as plainly as they can be written."""

    now: datetime = NOW
    failures: int = 0
    locked_until: datetime | None = None
    password: str = FIRST
    # Each link issued: [expires, "open" | "used" | "replaced"].
    links: list[list[object]] = attrs.field(factory=list)

    def locked(self) -> bool:
        """Whether the login is locked now."""
        return self.locked_until is not None and self.now < self.locked_until

    def settle(self) -> None:
        """An ended lock is no lock and a new count."""
        if self.locked_until is not None and not self.locked():
            self.failures, self.locked_until = 0, None

    def attempt(self, *, right: bool) -> list[ReasonCode]:
        """A sign-in attempt: the reason codes expected."""
        self.settle()
        if self.locked():
            return [ReasonCode.LOCKED]
        if right:
            self.failures = 0
            return []
        self.failures += 1
        if self.failures == MAX_FAILURES:
            self.locked_until = self.now + LOCK
            return [ReasonCode.LOCKED]
        return [ReasonCode.WRONG_PASSWORD]

    def issue(self) -> None:
        """A new reset link; the older ones are replaced."""
        for link in self.links:
            if link[1] == "open":
                link[1] = "replaced"
        self.links.append([self.now + RESET, "open"])

    def redeem(self, index: int, password: str) -> list[ReasonCode]:
        """Use the *index*-th link issued: the reason codes expected."""
        if index >= len(self.links):
            return [ReasonCode.LINK_UNKNOWN]
        expires, status = self.links[index]
        if status == "used":
            return [ReasonCode.LINK_USED]
        if status == "replaced":
            return [ReasonCode.LINK_REPLACED]
        assert isinstance(expires, datetime)
        if self.now >= expires:
            return [ReasonCode.LINK_EXPIRED]
        self.links[index][1] = "used"
        self.failures, self.locked_until, self.password = 0, None, password
        return []

    def state(self) -> LoginState:
        """The state a store should report now."""
        self.settle()
        return LoginState(self.failures, self.locked_until)


# Wrong passwords come often enough to reach a lock; waits hit the boundaries.
STEPS: list[tuple[object, ...]] = [
    *[("wrong",)] * 6,
    ("right",),
    ("unlock",),
    ("issue",),
    *[("wait", minutes) for minutes in (1, 10, 29, 30, 59, 60)],
    *[("redeem", index) for index in range(4)],
]
OPERATIONS = st.lists(st.sampled_from(STEPS), max_size=30)


@given(operations=OPERATIONS, kind=st.sampled_from(["memory", "sqlite"]))
@example(operations=[("wrong",)] * 5 + [("wait", 30), ("wrong",)], kind="sqlite")
@example(operations=[("issue",), ("wait", 60), ("redeem", 0)], kind="memory")
def test_sign_in_follows_the_rules_of_domain_section_6(
    operations: list[tuple[object, ...]], kind: str
) -> None:
    """Any sequence of attempts, waits, unlocks and links obeys the simple model.

    5 wrong passwords in a row lock for 30 minutes; a right one resets the
    count; while locked nothing gets in; a reset link works once, for 60
    minutes, until a newer one replaces it, and clears the lock.
    """
    model = Model()
    store: SignInStore = (
        MemorySignInStore() if kind == "memory" else SQLiteSignInStore(":memory:")
    )

    def build(password: str) -> SignIn:
        return SignIn(
            engine(password),
            store,
            clock=lambda: model.now,
            scrypt=CHEAP_SCRYPT,
        )

    sign_in = build(FIRST)
    tokens: list[str] = []
    for step, (name, *args) in enumerate(operations):
        if name in {"right", "wrong"}:
            given_password = model.password if name == "right" else "wrong-password-9"
            attempt = sign_in.attempt(EMAIL, Password(given_password))
            expected = model.attempt(right=name == "right")
            assert [r.code for r in attempt.decision.reasons] == expected
        elif name == "wait":
            (minutes,) = args
            assert isinstance(minutes, int)
            model.now += timedelta(minutes=minutes)
        elif name == "unlock":
            sign_in.unlock(EMAIL)
            model.failures, model.locked_until = 0, None
        elif name == "issue":
            link = sign_in.issue_reset_link(EMAIL)
            assert link is not None
            tokens.append(link.token)
            model.issue()
        else:
            (index,) = args
            assert isinstance(index, int)
            token = tokens[index] if index < len(tokens) else f"unknown-{index}"
            new = f"walnut-harbour-{step}"
            redeemed = sign_in.redeem(token, Password(new), Password(new))
            expected = model.redeem(index, new)
            assert [r.code for r in redeemed.decision.reasons] == expected
            if redeemed.account is not None:
                sign_in = build(new)
        assert sign_in.status(EMAIL) == model.state()
    store.close()
