"""Sessions end, and links close, when a login's credentials change."""

from collections.abc import Callable
from datetime import datetime, timedelta

import attrs
import pytest

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
from ccroles.access_csv import import_access
from ccroles.access_values import AssignPassword, Grant, LoginId, SendNotification
from ccroles.decisions import Decision
from ccroles.exceptions import InvalidFieldError
from ccroles.passwords import hash_password
from ccroles.signin_links import Link
from tests.access_fixtures import CHEAP_SCRYPT, NOW, SETTINGS

RIGHT = "plum-tractor-44"
NEW = "walnut-harbour-17"
OTHER = "copper-lantern-58"
EMAIL = "ap@acme.example"
MINUTE = timedelta(minutes=1)


def make_account() -> Account:
    """ACME's own login, with access and a password."""
    return Account(
        notification=SETTINGS,
        customers=[
            Customer(
                "101",
                "ACME",
                email=EMAIL,
                give_access=True,
                role="Customer Center",
                password_hash=hash_password(Password(RIGHT), CHEAP_SCRYPT),
            )
        ],
    )


@attrs.define
class Portal:
    """A portal's view: the saved account, one store, a clock it moves by hand."""

    account: Account = attrs.field(factory=make_account)
    store: SignInStore = attrs.field(factory=MemorySignInStore)
    now: datetime = NOW

    def sign_in(self) -> SignIn:
        """The SignIn a request builds, over the saved account."""
        return SignIn(
            Engine(self.account),
            self.store,
            clock=lambda: self.now,
            scrypt=CHEAP_SCRYPT,
        )

    def start(self, password: str = RIGHT) -> Session:
        """Sign in; the session."""
        attempt = self.sign_in().attempt(EMAIL, Password(password))
        assert attempt.session is not None
        return attempt.session

    def later(self) -> None:
        """A minute passes."""
        self.now += MINUTE

    def reset_link(self) -> Link:
        """A forgotten-password link for ACME."""
        link = self.sign_in().issue_reset_link(EMAIL)
        assert link is not None
        return link

    def redeem(self, token: str, password: str = NEW) -> Decision:
        """Use a link; the portal saves the account it returns."""
        redeemed = self.sign_in().redeem(token, Password(password), Password(password))
        if redeemed.account is not None:
            self.account = redeemed.account
        return redeemed.decision


def store_of(kind: str) -> SignInStore:
    """A fresh store of *kind*."""
    return MemorySignInStore() if kind == "memory" else SQLiteSignInStore(":memory:")


def codes(decision: Decision) -> list[ReasonCode]:
    """The reason codes of *decision*, in order."""
    return [reason.code for reason in decision.reasons]


def test_an_allowed_attempt_starts_a_session_at_the_clocks_time() -> None:
    """The session names the login as given and the moment it signed in."""
    portal = Portal()
    attempt = portal.sign_in().attempt("AP@acme.example", Password(RIGHT))
    assert attempt.session == Session("AP@acme.example", NOW)


@pytest.mark.parametrize("password", ["wrong-password-1", "x" * 4097])
def test_a_refused_attempt_starts_no_session(password: str) -> None:
    """No session without the right password."""
    assert Portal().sign_in().attempt(EMAIL, Password(password)).session is None


def test_a_fresh_session_holds() -> None:
    """Right after the sign-in, and an hour later, the session holds."""
    portal = Portal()
    session = portal.start()
    assert portal.sign_in().decide_session(session) == Decision(
        portal.sign_in().decide_session(session).question
    )
    portal.now += timedelta(hours=1)
    assert portal.sign_in().allows_session(session)


def set_by_administrator(portal: Portal) -> None:
    """The administrator sets a new password (access.set_password)."""
    login = LoginId.of(portal.account.login(EMAIL))
    portal.account = set_password(
        portal.account, login, Password(NEW), Password(NEW), scrypt=CHEAP_SCRYPT
    )


def set_by_reset_link(portal: Portal) -> None:
    """The customer uses a forgotten-password link."""
    assert portal.redeem(portal.reset_link().token).allowed


def set_by_access_link(portal: Portal) -> None:
    """The access notification is sent again and its link used."""
    granted = grant_access(
        portal.account, Grant(LoginId("101"), SendNotification()), now=NOW
    )
    assert granted.notification is not None
    portal.account = granted.account
    portal.sign_in().register(granted.notification)
    assert portal.redeem(granted.notification.token).allowed


def set_by_csv_import(portal: Portal) -> None:
    """A bulk access CSV assigns a new password."""
    header = "Internal ID,Give Access,Manually Assign or Change Password"
    lines = [f"{header},Password,Confirm Password\n", f"101,yes,yes,{NEW},{NEW}\n"]
    report = import_access(portal.account, lines, apply=True, scrypt=CHEAP_SCRYPT)
    assert report.account is not None
    portal.account = report.account


def set_by_grant(portal: Portal) -> None:
    """A grant with an assigned password changes it."""
    procedure = AssignPassword(Password(NEW), Password(NEW))
    grant = Grant(LoginId("101"), procedure)
    portal.account = grant_access(portal.account, grant, scrypt=CHEAP_SCRYPT).account


def revoked(portal: Portal) -> None:
    """Access is revoked."""
    portal.account = revoke_access(portal.account, LoginId("101")).account


def revoked_and_granted_again(portal: Portal) -> None:
    """Access is revoked and given again with an assigned password."""
    revoked(portal)
    set_by_grant(portal)


CHANGES: list[Callable[[Portal], None]] = [
    set_by_administrator,
    set_by_reset_link,
    set_by_access_link,
    set_by_csv_import,
    set_by_grant,
    revoked,
    revoked_and_granted_again,
]


@pytest.mark.parametrize("kind", ["memory", "sqlite"])
@pytest.mark.parametrize("change", CHANGES)
def test_every_change_of_credentials_ends_older_sessions(
    change: Callable[[Portal], None], kind: str
) -> None:
    """A session started before any password change, revocation or new grant ends."""
    portal = Portal(store=store_of(kind))
    session = portal.start()
    portal.later()
    change(portal)
    portal.later()
    decision = portal.sign_in().decide_session(session)
    assert codes(decision)[0] is ReasonCode.SESSION_ENDED
    assert decision.reasons[0].fact == (
        "the session started before the login's password or access last changed"
    )


@pytest.mark.parametrize("kind", ["memory", "sqlite"])
@pytest.mark.parametrize("change", CHANGES)
def test_every_change_of_credentials_closes_open_links(
    change: Callable[[Portal], None], kind: str
) -> None:
    """A reset link issued before any change of credentials no longer works."""
    portal = Portal(store=store_of(kind))
    link = portal.reset_link()
    portal.later()
    change(portal)
    portal.later()
    assert codes(portal.redeem(link.token, OTHER)) in (
        [ReasonCode.LINK_CLOSED],
        [ReasonCode.LINK_REPLACED],  # the change itself issued a newer link
    )


@pytest.mark.parametrize(
    "change", [set_by_administrator, set_by_csv_import, revoked, set_by_grant]
)
def test_a_change_the_store_was_not_told_of_closes_the_link(
    change: Callable[[Portal], None],
) -> None:
    """The link closes because the credentials differ, not because of a newer link."""
    portal = Portal()
    link = portal.reset_link()
    change(portal)
    assert codes(portal.redeem(link.token, OTHER)) == [ReasonCode.LINK_CLOSED]


def test_a_session_after_the_change_holds() -> None:
    """Sign in again after the change: the new session holds."""
    portal = Portal()
    portal.start()
    portal.later()
    set_by_administrator(portal)
    portal.later()
    session = portal.start(NEW)
    assert portal.sign_in().allows_session(session)


def test_a_revoked_login_is_refused_with_the_engines_reason_too() -> None:
    """No access: the session ended, and the login may no longer sign in."""
    portal = Portal()
    session = portal.start()
    portal.later()
    revoked(portal)
    assert codes(portal.sign_in().decide_session(session)) == [
        ReasonCode.SESSION_ENDED,
        ReasonCode.NO_ACCESS,
    ]


def test_an_inactive_customer_ends_the_session_by_the_engines_reason() -> None:
    """Not a credential change, but the login may no longer sign in."""
    portal = Portal()
    session = portal.start()
    customer = attrs.evolve(portal.account.customer("101"), active=False)
    portal.account = portal.account.with_customer(customer)
    assert codes(portal.sign_in().decide_session(session)) == [ReasonCode.INACTIVE]


def test_a_newer_link_ends_no_session() -> None:
    """Anyone may ask for a link: that alone signs no one out, but replaces links."""
    portal = Portal()
    session = portal.start()
    first = portal.reset_link()
    portal.later()
    portal.reset_link()
    assert portal.sign_in().allows_session(session)
    assert codes(portal.redeem(first.token)) == [ReasonCode.LINK_REPLACED]


def test_a_lock_ends_no_session() -> None:
    """A guesser locking the login does not sign its owner out."""
    portal = Portal()
    session = portal.start()
    for _ in range(5):
        portal.sign_in().attempt(EMAIL, Password("wrong-password-1"))
    assert portal.sign_in().status(EMAIL).locked
    assert portal.sign_in().allows_session(session)


def test_a_session_the_store_never_saw_is_refused() -> None:
    """A session from another store (or a forged one) holds nothing: refused."""
    portal = Portal()
    session = Session(EMAIL, NOW)
    portal.later()
    assert codes(portal.sign_in().decide_session(session)) == [ReasonCode.SESSION_ENDED]


@pytest.mark.parametrize("login", ["nobody@nowhere.example", "not an email", ""])
def test_a_session_of_no_login_is_refused(login: str) -> None:
    """An email no login has, or no email: refused, and nothing stored."""
    portal = Portal()
    decision = portal.sign_in().decide_session(Session(login, NOW))
    assert codes(decision)[0] is ReasonCode.SESSION_ENDED
    assert not decision.allowed
    assert repr(portal.store) == "MemorySignInStore(<0 logins>)"


def test_a_session_needs_an_aware_start() -> None:
    """A naive start time is refused where the session is built."""
    with pytest.raises(InvalidFieldError, match="session started"):
        Session(EMAIL, NOW.replace(tzinfo=None))


def test_the_session_boundary_is_the_moment_of_the_change() -> None:
    """Started at the change the store saw: holds; one microsecond before: ended."""
    portal = Portal()
    portal.start()
    portal.later()
    set_by_administrator(portal)
    sign_in = portal.sign_in()
    changed = portal.now  # the store learns of the change at this question
    micro = timedelta(microseconds=1)
    assert not sign_in.allows_session(Session(EMAIL, changed - micro))
    assert sign_in.allows_session(Session(EMAIL, changed))


def test_access_given_again_starts_with_no_password() -> None:
    """Revoked, then given access again by notification: the old password is gone."""
    account = revoke_access(make_account(), LoginId("101")).account
    regranted = grant_access(
        account, Grant(LoginId("101"), SendNotification()), now=NOW
    )
    assert regranted.account.customer("101").password_hash is None
    hashed = attrs.evolve(
        account.customer("101"),
        password_hash=hash_password(Password(RIGHT), CHEAP_SCRYPT),
    )
    from_file = account.with_customer(hashed)  # no access, yet a hash kept
    again = grant_access(from_file, Grant(LoginId("101"), SendNotification()), now=NOW)
    assert again.account.customer("101").password_hash is None
