import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import attrs
import pytest

from ccroles import (
    CUSTOMER_CENTER,
    Account,
    CenterType,
    Contact,
    Customer,
    Decision,
    Engine,
    MemorySignInStore,
    Password,
    PasswordMismatchError,
    ReasonCode,
    Role,
    Session,
    SignIn,
    SignInSettings,
    SignInStore,
    SQLiteSignInStore,
    WeakPasswordError,
    explain,
    grant_access,
)
from ccroles.access_emails import Notification
from ccroles.access_values import Grant, LoginId, SendNotification
from ccroles.audit import AuditEvent, AuditKind, AuditOutcome
from ccroles.decisions import Reason, SignInQuestion
from ccroles.exceptions import (
    DecisionTruthinessError,
    InvalidFieldError,
    SecondFactorNotAllowedError,
    UnknownWebsiteError,
)
from ccroles.passwords import hash_password
from ccroles.signin import DEFAULT_SIGN_IN, Attempt
from ccroles.signin_links import Link, credentials_digest, token_digest
from ccroles.signin_store import LinkKind, LinkUse, LoginState
from tests.access_fixtures import CHEAP_SCRYPT, NOW, SETTINGS

RIGHT = "plum-tractor-44"
NEW = "walnut-harbour-17"
EMAIL = "ap@acme.example"
LOCK = timedelta(minutes=30)
SALES = Role("Sales", center_type=CenterType.SALES, second_factor=True)


def make_account(*, second_factor: bool = False) -> Account:
    """ACME with a password; LINE has no password; STAFF has a staff role."""
    return Account(
        roles=[SALES.requiring_second_factor(required=second_factor)],
        notification=SETTINGS,
        customers=[
            Customer(
                "101",
                "ACME",
                email=EMAIL,
                give_access=True,
                role="Customer Center",
                password_hash=hash_password(Password(RIGHT), CHEAP_SCRYPT),
            ),
            Customer(
                "102",
                "LINE",
                email="line@line.example",
                give_access=True,
                role="Customer Center",
            ),
            Customer(
                "103",
                "STAFF",
                email="staff@staff.example",
                give_access=True,
                role="Sales",
                password_hash=hash_password(Password(RIGHT), CHEAP_SCRYPT),
            ),
        ],
    )


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        """The time the test set."""
        return self.now


def sign_in_for(
    store: SignInStore | None = None,
    account: Account | None = None,
    clock: Clock | None = None,
    settings: SignInSettings = DEFAULT_SIGN_IN,
) -> SignIn:
    """A SignIn over ACME's account and a fresh store, at NOW."""
    return SignIn(
        Engine(account or make_account()),
        store or MemorySignInStore(),
        settings,
        clock=clock or Clock(),
        scrypt=CHEAP_SCRYPT,
    )


def codes(decision: Decision) -> list[ReasonCode]:
    """The reason codes of *decision*, in order."""
    return [reason.code for reason in decision.reasons]


def wrong(sign_in: SignIn, times: int, email: str = EMAIL) -> Attempt:
    """*times* wrong passwords; the last attempt."""
    attempt = None
    for _ in range(times):
        attempt = sign_in.attempt(email, Password("wrong-password-1"))
    assert attempt is not None
    return attempt


# Settings


def test_the_defaults_are_domain_section_6() -> None:
    """5 wrong passwords, 30 minutes locked, a reset link for 60 minutes."""
    assert attrs.astuple(DEFAULT_SIGN_IN) == (
        5,
        timedelta(minutes=30),
        timedelta(minutes=60),
        timedelta(days=365),
    )


@pytest.mark.parametrize(
    "changes",
    [
        {"max_failures": 0},
        {"lock_duration": timedelta(0)},
        {"reset_link_validity": timedelta(seconds=-1)},
    ],
)
def test_settings_refuse_nonsense(changes: dict[str, object]) -> None:
    """No count below 1, no duration that is not positive."""
    with pytest.raises(InvalidFieldError):
        SignInSettings(**changes)  # type: ignore[arg-type]


# Attempts


def test_the_right_password_signs_in() -> None:
    """The right password, no lock: allowed, and the state is clean."""
    attempt = sign_in_for().attempt(EMAIL, Password(RIGHT))
    assert (attempt.allowed, attempt.state) == (True, LoginState())
    assert attempt.decision == Decision(SignInQuestion())


@pytest.mark.parametrize(
    ("failures", "expected"),
    [
        (4, [ReasonCode.WRONG_PASSWORD]),
        (5, [ReasonCode.LOCKED]),
    ],
)
def test_the_fifth_wrong_password_locks(
    failures: int, expected: list[ReasonCode]
) -> None:
    """The attempt that locks says so, and when the lock ends."""
    attempt = wrong(sign_in_for(), failures)
    assert codes(attempt.decision) == expected
    assert attempt.state.failures == failures


def test_while_locked_the_right_password_is_refused() -> None:
    """During the lock even the right password is refused, with the lock's end."""
    clock = Clock()
    sign_in = sign_in_for(clock=clock)
    wrong(sign_in, 5)
    clock.now += LOCK - timedelta(seconds=1)
    attempt = sign_in.attempt(EMAIL, Password(RIGHT))
    assert codes(attempt.decision) == [ReasonCode.LOCKED]
    locked = attempt.decision.reasons[0]
    assert locked.until == NOW + LOCK
    assert locked.fact == (
        "the login is locked after too many wrong passwords in a row, "
        "until 2026-03-01 10:00 UTC"
    )
    assert locked.remedy == (
        "wait until 2026-03-01 10:00 UTC, or have an administrator unlock the login"
    )
    clock.now += timedelta(seconds=1)
    assert sign_in.attempt(EMAIL, Password(RIGHT)).allowed


def test_a_right_password_before_the_fifth_restarts_the_count() -> None:
    """4 wrong, 1 right, 4 wrong: never locked."""
    sign_in = sign_in_for()
    wrong(sign_in, 4)
    assert sign_in.attempt(EMAIL, Password(RIGHT)).allowed
    assert not wrong(sign_in, 4).state.locked


def test_an_administrator_unlocks() -> None:
    """After unlock the right password signs in again."""
    sign_in = sign_in_for()
    wrong(sign_in, 5)
    sign_in.unlock(EMAIL)
    assert sign_in.status(EMAIL) == LoginState()
    assert sign_in.attempt(EMAIL, Password(RIGHT)).allowed


@pytest.mark.parametrize(
    "email", ["nobody@nowhere.example", "line@line.example", EMAIL]
)
def test_unknown_login_and_wrong_password_answer_alike(email: str) -> None:
    """An unknown email, a login without a password, a wrong one: the same answer."""
    sign_in = sign_in_for()
    attempts = [sign_in.attempt(email, Password("wrong-password-1")) for _ in "12345"]
    assert [codes(a.decision) for a in attempts] == [
        [ReasonCode.WRONG_PASSWORD]
    ] * 4 + [[ReasonCode.LOCKED]]
    assert attempts[0].decision.reasons[0].fact == "the email or the password is wrong"


def test_a_right_password_gets_the_engines_other_reasons() -> None:
    """Once the password is right, access and website are checked as before."""
    account = make_account()
    revoked = attrs.evolve(account.customer("101"), give_access=False)
    changed = attrs.evolve(account, customers=[revoked, *account.customers[1:]])
    attempt = sign_in_for(account=changed).attempt(EMAIL, Password(RIGHT))
    assert codes(attempt.decision) == [ReasonCode.NO_ACCESS]


def test_settings_are_per_account() -> None:
    """An account with 3 tries and 5 minutes locks accordingly."""
    settings = SignInSettings(max_failures=3, lock_duration=timedelta(minutes=5))
    attempt = wrong(sign_in_for(settings=settings), 3)
    assert attempt.state == LoginState(3, NOW + timedelta(minutes=5))


def test_decide_includes_the_lock() -> None:
    """For a running session: the engine's decision, lock included."""
    sign_in = sign_in_for()
    assert sign_in.decide_sign_in(EMAIL).allowed
    wrong(sign_in, 5)
    assert codes(sign_in.decide_sign_in(EMAIL)) == [ReasonCode.LOCKED]


def test_an_attempt_has_no_truth_value() -> None:
    """As with decisions: read .allowed."""
    attempt = sign_in_for().attempt(EMAIL, Password(RIGHT))
    with pytest.raises(DecisionTruthinessError):
        bool(attempt)


class _LockingStore(MemorySignInStore):
    """A store where another process locks the login between check and record."""

    def settle(
        self,
        email: str,
        now: datetime,
        reserved: LoginState,
        *,
        right: bool,
        event: Callable[[LoginState], AuditEvent] | None = None,
    ) -> LoginState:
        for _ in range(5):
            self.record_failure(email, now, 5, LOCK)
        return super().settle(email, now, reserved, right=right, event=event)


def test_a_lock_set_meanwhile_by_another_process_wins() -> None:
    """The store's answer to the right password decides, not the earlier read."""
    attempt = sign_in_for(store=_LockingStore()).attempt(EMAIL, Password(RIGHT))
    assert codes(attempt.decision) == [ReasonCode.LOCKED]


# The second factor


def test_a_customer_center_role_cannot_require_a_second_factor() -> None:
    """Required for other centers' roles, never a customer center's."""
    with pytest.raises(SecondFactorNotAllowedError) as caught:
        CUSTOMER_CENTER.customize("Buyer").requiring_second_factor()
    assert (caught.value.role, caught.value.center_type) == (
        "Buyer",
        CenterType.CUSTOMER,
    )
    with pytest.raises(SecondFactorNotAllowedError):
        Role("Portal", second_factor=True)


def test_a_copy_keeps_its_bases_second_factor() -> None:
    """A copy of a role requiring a second factor requires one too."""
    assert SALES.customize("Inside Sales").second_factor
    assert not SALES.requiring_second_factor(required=False).second_factor


@pytest.mark.parametrize("required", [True, False])
def test_a_role_needing_a_second_factor_never_signs_in(*, required: bool) -> None:
    """Only other centers' roles may need one, and they never sign in here.

    So the right password answers with the role's center alone, whether the
    role needs a second factor or not: the customer center never asks for one.
    """
    sign_in = sign_in_for(account=make_account(second_factor=required))
    attempt = sign_in.attempt("staff@staff.example", Password(RIGHT))
    assert codes(attempt.decision) == [ReasonCode.NOT_CUSTOMER_CENTER_ROLE]
    assert "second factor" not in explain(attempt.decision)


def test_sign_in_takes_no_second_factor() -> None:
    """The engine and sign-in have no second-factor switch to forget."""
    sign_in = sign_in_for()
    with pytest.raises(TypeError, match="second_factor_verified"):
        sign_in.attempt(  # type: ignore[call-arg]
            EMAIL, Password(RIGHT), second_factor_verified=True
        )
    assert not hasattr(Attempt, "needs_second_factor")
    assert "SECOND_FACTOR_REQUIRED" not in ReasonCode.__members__


# Links


def test_a_reset_link_sets_the_password_and_clears_the_lock() -> None:
    """The forgotten-password flow: locked, link, new password, signed in."""
    clock = Clock()
    sign_in = sign_in_for(clock=clock)
    wrong(sign_in, 5)
    link = sign_in.issue_reset_link(EMAIL)
    assert link is not None
    assert (link.kind, link.expires) == (LinkKind.RESET, NOW + timedelta(minutes=60))
    redeemed = sign_in.redeem(link.token, Password(NEW), Password(NEW))
    assert (redeemed.allowed, redeemed.email) == (True, EMAIL)
    assert redeemed.account is not None
    after = SignIn(
        Engine(redeemed.account), sign_in.store, clock=clock, scrypt=CHEAP_SCRYPT
    )
    assert after.status(EMAIL) == LoginState()
    assert after.attempt(EMAIL, Password(NEW)).allowed
    assert not after.attempt(EMAIL, Password(RIGHT)).allowed


@pytest.mark.parametrize(
    ("after", "code"),
    [
        (timedelta(minutes=60) - timedelta(seconds=1), None),
        (timedelta(minutes=60), ReasonCode.LINK_EXPIRED),
    ],
)
def test_a_reset_link_works_for_60_minutes(
    after: timedelta, code: ReasonCode | None
) -> None:
    """A forgotten-password link works 60 minutes, not a second more."""
    clock = Clock()
    sign_in = sign_in_for(clock=clock)
    link = sign_in.issue_reset_link(EMAIL)
    assert link is not None
    clock.now += after
    redeemed = sign_in.redeem(link.token, Password(NEW), Password(NEW))
    assert codes(redeemed.decision) == ([] if code is None else [code])


def test_each_refused_link_has_its_own_reason() -> None:
    """Used, replaced, unknown and expired links are told apart."""
    clock = Clock()
    sign_in = sign_in_for(clock=clock)
    first = sign_in.issue_reset_link(EMAIL)
    second = sign_in.issue_reset_link(EMAIL)
    assert first is not None
    assert second is not None
    answers = [
        sign_in.redeem(token, Password(NEW), Password(NEW))
        for token in (first.token, second.token, second.token, "made-up-token")
    ]
    assert [codes(a.decision) for a in answers] == [
        [ReasonCode.LINK_REPLACED],
        [],
        [ReasonCode.LINK_USED],
        [ReasonCode.LINK_UNKNOWN],
    ]
    assert [a.decision.reasons[0].fact for a in answers if a.decision.reasons] == [
        "a newer link was sent for this login",
        "the link was used already",
        "no link has this token",
    ]
    third = sign_in.issue_reset_link(EMAIL)
    assert third is not None
    clock.now += timedelta(hours=2)
    expired = sign_in.redeem(third.token, Password(NEW), Password(NEW))
    reason = expired.decision.reasons[0]
    assert (reason.fact, reason.until, reason.remedy) == (
        "the link expired at 2026-03-01 10:30 UTC",
        NOW + timedelta(minutes=60),
        "ask for a new link",
    )
    assert expired.account is None


def test_a_refused_password_leaves_the_link_working() -> None:
    """The password rules run first: a weak password does not use up the link."""
    sign_in = sign_in_for()
    link = sign_in.issue_reset_link(EMAIL)
    assert link is not None
    with pytest.raises(WeakPasswordError):
        sign_in.redeem(link.token, Password("short"), Password("short"))
    with pytest.raises(PasswordMismatchError):
        sign_in.redeem(link.token, Password(NEW), Password(RIGHT))
    assert sign_in.redeem(link.token, Password(NEW), Password(NEW)).allowed


class _RacingStore(MemorySignInStore):
    """A store where another process uses the link between peek and use."""

    def __init__(self, account: Account) -> None:
        super().__init__()
        self.credentials = credentials_digest(account, EMAIL)

    def peek_link(self, digest: bytes, now: datetime) -> LinkUse:
        found = super().peek_link(digest, now)
        self.use_link(digest, now, self.credentials, self.credentials)
        return found


def test_a_link_used_meanwhile_by_another_process_is_refused() -> None:
    """Only one of two simultaneous uses of a link wins."""
    account = make_account()
    sign_in = sign_in_for(store=_RacingStore(account), account=account)
    link = sign_in.issue_reset_link(EMAIL)
    assert link is not None
    redeemed = sign_in.redeem(link.token, Password(NEW), Password(NEW))
    assert (codes(redeemed.decision), redeemed.account) == (
        [ReasonCode.LINK_USED],
        None,
    )


@pytest.mark.parametrize("email", ["nobody@nowhere.example", "staff@staff.example"])
def test_no_reset_link_for_a_login_that_may_not_sign_in(email: str) -> None:
    """Unknown, revoked or staff logins get no link (the page says the same)."""
    assert sign_in_for().issue_reset_link(email) is None


def test_the_access_notification_link_is_valid_24_hours() -> None:
    """A registered set-password link works until the notification's expiry."""
    account = make_account()
    granted = grant_access(account, Grant(LoginId("102"), SendNotification()), now=NOW)
    mail = granted.notification
    assert mail is not None
    clock = Clock()
    sign_in = sign_in_for(account=granted.account, clock=clock)
    sign_in.register(mail)
    clock.now += timedelta(hours=24)
    late = sign_in.redeem(mail.token, Password(NEW), Password(NEW))
    assert codes(late.decision) == [ReasonCode.LINK_EXPIRED]
    clock.now -= timedelta(seconds=1)
    assert sign_in.redeem(mail.token, Password(NEW), Password(NEW)).allowed


def test_a_reset_link_replaces_the_access_link() -> None:
    """A new link of any kind makes the login's older links useless."""
    granted = grant_access(
        make_account(), Grant(LoginId("102"), SendNotification()), now=NOW
    )
    mail = granted.notification
    assert mail is not None
    sign_in = sign_in_for(account=granted.account)
    sign_in.register(mail)
    assert sign_in.issue_reset_link("line@line.example") is not None
    old = sign_in.redeem(mail.token, Password(NEW), Password(NEW))
    assert codes(old.decision) == [ReasonCode.LINK_REPLACED]


def test_tokens_are_unguessable_and_stored_as_digests(tmp_path: Path) -> None:
    """Tokens are 43 URL-safe characters from secrets; the store has only digests."""
    path = tmp_path / "signin.sqlite3"
    with SQLiteSignInStore(path) as store:
        sign_in = sign_in_for(store=store)
        links = [sign_in.issue_reset_link(EMAIL) for _ in range(3)]
    tokens = [link.token for link in links if link is not None]
    assert len(set(tokens)) == 3
    assert all(len(token) == 43 for token in tokens)
    raw = path.read_bytes()
    for token in tokens:
        assert token.encode() not in raw
        assert token_digest(token) in raw
    assert "token" not in repr(links[0])


def test_a_link_url_adds_the_token() -> None:
    """The token is the link's only query parameter it adds."""
    link = Link(EMAIL, LinkKind.RESET, "t0k", NOW)
    assert (
        link.url("https://shop.example/reset") == "https://shop.example/reset?token=t0k"
    )


def test_sign_in_events_are_logged_without_secrets(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Each attempt, lock, unlock and link is logged at INFO, never a secret."""
    caplog.set_level(logging.INFO, logger="ccroles.signin")
    sign_in = sign_in_for()
    wrong(sign_in, 5)
    sign_in.unlock(EMAIL)
    link = sign_in.issue_reset_link(EMAIL)
    assert link is not None
    sign_in.redeem(link.token, Password(NEW), Password(NEW))
    sign_in.redeem(link.token, Password(NEW), Password(NEW))
    sign_in.issue_reset_link("nobody@nowhere.example")
    messages = [record.getMessage() for record in caplog.records]
    assert messages[4] == ("sign-in by ap@acme.example: denied (locked)")
    assert "unlocked ap@acme.example: done" in messages
    assert "a link was refused: used" in messages
    for message in messages:
        assert link.token not in message
        assert NEW not in message


def test_without_a_clock_the_time_is_now() -> None:
    """The default clock is the current UTC time."""
    sign_in = SignIn(Engine(make_account()), MemorySignInStore(), scrypt=CHEAP_SCRYPT)
    before = datetime.now(UTC)
    link = sign_in.issue_reset_link(EMAIL)
    after = datetime.now(UTC)
    assert link is not None
    assert before + timedelta(minutes=60) <= link.expires <= after + timedelta(hours=1)


# What each refusal says, and what the log and the trail keep


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"max_failures": 0},
            (
                "sign-in settings max_failures 0 is refused; "
                "expected a whole number from 1 to 100"
            ),
        ),
        (
            {"lock_duration": timedelta(0)},
            (
                "sign-in settings lock_duration datetime.timedelta(0) is refused; "
                "expected a positive duration of at most 365 days"
            ),
        ),
        (
            {"reset_link_validity": timedelta(days=32)},
            (
                "sign-in settings reset_link_validity datetime.timedelta(days=32) is "
                "refused; expected a positive duration of at most 31 days"
            ),
        ),
        (
            {"audit_retention": timedelta(days=3654)},
            (
                "sign-in settings audit_retention datetime.timedelta(days=3654) is "
                "refused; expected a positive duration of at most 3653 days"
            ),
        ),
    ],
    ids=["max_failures", "lock_duration", "reset_link_validity", "audit_retention"],
)
def test_a_refused_setting_names_itself_its_value_and_its_range(
    changes: dict[str, object], message: str
) -> None:
    """The refusal names the setting, shows the value given and what is allowed."""
    with pytest.raises(InvalidFieldError) as caught:
        SignInSettings(**changes)  # type: ignore[arg-type]
    assert str(caught.value) == message


def test_an_attempt_while_locked_is_logged_and_kept_with_the_login_and_client(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Refused as locked: log and trail name the login, the trail the client."""
    store = MemorySignInStore()
    sign_in = sign_in_for(store)
    wrong(sign_in, 5)
    caplog.set_level(logging.INFO, logger="ccroles.signin")
    sign_in.attempt(EMAIL, Password(RIGHT), client="192.0.2.7")
    assert [record.getMessage() for record in caplog.records] == [
        "sign-in by ap@acme.example: denied (locked)"
    ]
    assert store.events()[-1] == AuditEvent(
        NOW,
        AuditKind.SIGN_IN,
        EMAIL,
        AuditOutcome.DENIED,
        ("locked",),
        client="192.0.2.7",
    )


def test_an_unlock_is_logged_and_kept_with_whether_the_login_was_known(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A known login is unlocked (done); an email never seen has no record (denied)."""
    store = MemorySignInStore()
    sign_in = sign_in_for(store)
    wrong(sign_in, 1)
    caplog.set_level(logging.INFO, logger="ccroles.signin")
    assert sign_in.unlock(EMAIL) is True
    assert sign_in.unlock("nobody@nowhere.example") is False
    assert [record.getMessage() for record in caplog.records] == [
        "unlocked ap@acme.example: done",
        "unlocked nobody@nowhere.example: no record",
    ]
    assert store.events()[-2:] == (
        AuditEvent(NOW, AuditKind.UNLOCK, EMAIL),
        AuditEvent(
            NOW,
            AuditKind.UNLOCK,
            "nobody@nowhere.example",
            AuditOutcome.DENIED,
            ("no_record",),
        ),
    )


def test_a_reset_link_is_logged_and_kept_with_the_login_and_client(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The link names the email as asked; log and trail name the login's key."""
    caplog.set_level(logging.INFO, logger="ccroles.signin")
    store = MemorySignInStore()
    sign_in = sign_in_for(store)
    link = sign_in.issue_reset_link("AP@acme.example", client="192.0.2.7")
    assert link is not None
    assert (link.email, link.kind, link.expires) == (
        "AP@acme.example",
        LinkKind.RESET,
        NOW + timedelta(minutes=60),
    )
    assert sign_in.issue_reset_link("nobody@nowhere.example") is None
    assert [record.getMessage() for record in caplog.records] == [
        (
            "issued a reset link for ap@acme.example, "
            "valid until 2026-03-01 10:30:00+00:00"
        ),
        "no reset link for nobody@nowhere.example: it may not sign in",
    ]
    assert store.events() == (
        AuditEvent(NOW, AuditKind.LINK_ISSUED, EMAIL, client="192.0.2.7"),
    )


def test_a_used_link_is_logged_and_kept_with_the_login_and_client(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Accepted, then refused as used: both with the login and the client's address."""
    store = MemorySignInStore()
    sign_in = sign_in_for(store)
    link = sign_in.issue_reset_link(EMAIL)
    assert link is not None
    caplog.set_level(logging.INFO, logger="ccroles.signin")
    first = sign_in.redeem(link.token, Password(NEW), Password(NEW), client="192.0.2.7")
    again = sign_in.redeem(link.token, Password(NEW), Password(NEW), client="192.0.2.8")
    assert (first.allowed, first.email) == (True, EMAIL)
    assert again.decision.reasons == (Reason(ReasonCode.LINK_USED),)
    assert [record.getMessage() for record in caplog.records] == [
        "a link set the password of ap@acme.example",
        "a link was refused: used",
    ]
    assert store.events()[1:] == (
        AuditEvent(NOW, AuditKind.LINK_REDEEMED, EMAIL, client="192.0.2.7"),
        AuditEvent(
            NOW,
            AuditKind.LINK_REFUSED,
            EMAIL,
            AuditOutcome.DENIED,
            ("link_used",),
            client="192.0.2.8",
        ),
    )


def test_an_expired_link_is_refused_before_the_passwords_are_read() -> None:
    """Expired: refused as expired even when the two passwords differ, and kept so."""
    clock = Clock()
    store = MemorySignInStore()
    sign_in = sign_in_for(store, clock=clock)
    link = sign_in.issue_reset_link(EMAIL)
    assert link is not None
    clock.now += timedelta(minutes=60)
    late = sign_in.redeem(
        link.token, Password(NEW), Password("copper-lantern-58"), client="192.0.2.7"
    )
    assert late.decision.reasons == (
        Reason(ReasonCode.LINK_EXPIRED, until=NOW + timedelta(minutes=60)),
    )
    assert store.events()[-1] == AuditEvent(
        NOW + timedelta(minutes=60),
        AuditKind.LINK_EXPIRED,
        EMAIL,
        AuditOutcome.DENIED,
        ("link_expired",),
        client="192.0.2.7",
    )


def test_a_password_set_through_a_link_is_hashed_at_the_sign_ins_cost() -> None:
    """The new hash uses the scrypt parameters the SignIn was given (n=2, r=1, p=1)."""
    sign_in = sign_in_for()
    link = sign_in.issue_reset_link(EMAIL)
    assert link is not None
    redeemed = sign_in.redeem(link.token, Password(NEW), Password(NEW))
    assert redeemed.account is not None
    login = redeemed.account.find_login(EMAIL)
    assert login is not None
    stored = login.customer.password_hash
    assert stored is not None
    assert (stored.n, stored.r, stored.p) == (2, 1, 1)


def test_a_session_started_as_a_link_set_the_password_holds() -> None:
    """The store keeps the new credentials: the change is the link's moment."""
    clock = Clock()
    store = MemorySignInStore()
    sign_in = sign_in_for(store, clock=clock)
    link = sign_in.issue_reset_link(EMAIL)
    assert link is not None
    redeemed = sign_in.redeem(link.token, Password(NEW), Password(NEW))
    assert redeemed.account is not None
    clock.now += timedelta(minutes=1)
    later = sign_in_for(store, account=redeemed.account, clock=clock)
    assert later.decide_session(Session(EMAIL, NOW)) == Decision(SignInQuestion())


def notification_for_line() -> tuple[Account, Notification]:
    """LINE granted access with a set-password link: the account and the email."""
    granted = grant_access(
        make_account(), Grant(LoginId("102"), SendNotification()), now=NOW
    )
    assert granted.notification is not None
    return granted.account, granted.notification


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"expires": datetime(2026, 3, 2, 9, 30)},  # noqa: DTZ001 (naive on purpose)
            (
                "notification expires datetime.datetime(2026, 3, 2, 9, 30) is refused; "
                "expected an aware datetime"
            ),
        ),
        (
            {"expires": datetime(2026, 4, 1, 9, 30, 0, 1, tzinfo=UTC)},
            (
                "notification expires datetime.datetime(2026, 4, 1, 9, 30, 0, 1, "
                "tzinfo=datetime.timezone.utc) is refused; "
                "expected at most 31 days from now"
            ),
        ),
        (
            {"recipient": "nobody@nowhere.example"},
            (
                "notification recipient 'nobody@nowhere.example' is refused; expected "
                "a login with access in the sign-in's account "
                "(build the SignIn with the account the grant returned)"
            ),
        ),
    ],
    ids=["naive expiry", "expiry too far", "recipient without access"],
)
def test_a_refused_notification_says_what_is_wrong(
    changes: dict[str, object], message: str
) -> None:
    """A naive or too distant expiry, a recipient without access: each says so."""
    account, mail = notification_for_line()
    with pytest.raises(InvalidFieldError) as caught:
        sign_in_for(account=account).register(attrs.evolve(mail, **changes))  # type: ignore[arg-type]
    assert str(caught.value) == message


def test_a_registered_link_is_logged_and_kept_with_its_login(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Registering the notification's link is logged and kept as a link issued."""
    account, mail = notification_for_line()
    store = MemorySignInStore()
    caplog.set_level(logging.INFO, logger="ccroles.signin")
    sign_in_for(store, account=account).register(mail)
    assert [record.getMessage() for record in caplog.records] == [
        (
            "registered the set-password link for line@line.example, "
            "valid until 2026-03-02 09:30:00+00:00"
        )
    ]
    assert store.events() == (
        AuditEvent(NOW, AuditKind.LINK_ISSUED, "line@line.example"),
    )


def test_a_change_without_an_actor_is_kept_without_one() -> None:
    """A change no administrator made (a user's own password) names no actor."""
    store = MemorySignInStore()
    sign_in_for(store).record(AuditKind.PASSWORD_CHANGE, "AP@acme.example")
    assert store.events() == (AuditEvent(NOW, AuditKind.PASSWORD_CHANGE, EMAIL),)


def test_a_naive_clock_is_refused_in_words() -> None:
    """The refusal names the clock, shows its time and asks for a time zone."""
    naive = datetime(2026, 3, 1, 9, 30)  # noqa: DTZ001 (naive on purpose)
    sign_in = SignIn(Engine(make_account()), MemorySignInStore(), clock=lambda: naive)
    with pytest.raises(InvalidFieldError) as caught:
        sign_in.status(EMAIL)
    assert str(caught.value) == (
        "sign-in clock datetime.datetime(2026, 3, 1, 9, 30) is refused; "
        "expected an aware datetime (with a time zone)"
    )


def test_a_naive_session_start_is_refused_in_words() -> None:
    """The refusal names the session's start, shows it and asks for a time zone."""
    naive = datetime(2026, 3, 1, 9, 30)  # noqa: DTZ001 (naive on purpose)
    with pytest.raises(InvalidFieldError) as caught:
        Session(EMAIL, naive)
    assert str(caught.value) == (
        "session started datetime.datetime(2026, 3, 1, 9, 30) is refused; "
        "expected an aware datetime"
    )


def test_each_answer_is_logged_with_its_codes(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """An allowed attempt logs ``allowed``; a denied one lists every reason's code."""
    caplog.set_level(logging.INFO, logger="ccroles.signin")
    account = make_account()
    revoked = attrs.evolve(account.customer("101"), give_access=False, role=None)
    changed = attrs.evolve(account, customers=[revoked, *account.customers[1:]])
    sign_in_for().attempt(EMAIL, Password(RIGHT))
    sign_in_for(account=changed).attempt(EMAIL, Password(RIGHT))
    assert [record.getMessage() for record in caplog.records] == [
        "sign-in by ap@acme.example: allowed",
        "sign-in by ap@acme.example: denied (no_access, no_role)",
    ]


def test_a_contact_signs_in_with_its_own_password() -> None:
    """A contact's password is the contact's, not its customer's."""
    account = make_account()
    contact = Contact(
        "c1",
        "books@acme.example",
        give_access=True,
        role="Customer Center",
        password_hash=hash_password(Password(NEW), CHEAP_SCRYPT),
    )
    acme = attrs.evolve(account.customer("101"), contacts=[contact])
    changed = attrs.evolve(account, customers=[acme, *account.customers[1:]])
    sign_in = sign_in_for(account=changed)
    assert sign_in.attempt("books@acme.example", Password(NEW)).allowed
    assert not sign_in.attempt("books@acme.example", Password(RIGHT)).allowed


def test_an_attempt_by_no_email_is_answered_and_kept_like_any_other() -> None:
    """Not an email: the question asked (website included) and the client are kept."""
    store = MemorySignInStore()
    attempt = sign_in_for(store).attempt(
        "not an email", Password(RIGHT), "Main Store", client="192.0.2.8"
    )
    assert attempt.decision.question == SignInQuestion("Main Store")
    assert codes(attempt.decision) == [ReasonCode.WRONG_PASSWORD]
    assert store.events()[-1] == AuditEvent(
        NOW,
        AuditKind.SIGN_IN,
        None,
        AuditOutcome.DENIED,
        ("wrong_password",),
        client="192.0.2.8",
    )


def test_every_answer_keeps_the_website_asked_and_the_lock_its_client() -> None:
    """Each attempt asks about the website given; the lock keeps its client.

    Wrong, locking and locked attempts carry the question with its website;
    the lock is kept in the trail with the login and the client; a right
    password is checked against that website.
    """
    store = MemorySignInStore()
    sign_in = sign_in_for(store)
    asked = SignInQuestion("Main Store")
    answers = [
        sign_in.attempt(
            EMAIL, Password("wrong-password-1"), "Main Store", client="192.0.2.5"
        )
        for _ in range(6)
    ]
    assert {answer.decision.question for answer in answers} == {asked}
    assert [codes(answer.decision) for answer in answers[3:]] == [
        [ReasonCode.WRONG_PASSWORD],
        [ReasonCode.LOCKED],
        [ReasonCode.LOCKED],
    ]
    assert AuditEvent(NOW, AuditKind.LOCK, EMAIL, client="192.0.2.5") in store.events()
    with pytest.raises(UnknownWebsiteError, match=r"^unknown website 'Main Store'$"):
        sign_in_for().attempt(EMAIL, Password(RIGHT), "Main Store")
