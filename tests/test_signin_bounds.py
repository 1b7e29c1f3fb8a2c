"""Every sign-in setting and input is bounded; hostile input is never kept as typed."""

import logging
from datetime import datetime, timedelta
from typing import Any

import attrs
import pytest

from ccroles import (
    Account,
    Customer,
    Engine,
    MemorySignInStore,
    Password,
    ReasonCode,
    SignIn,
    SignInSettings,
    WeakPasswordError,
    grant_access,
    passwords,
)
from ccroles.access import set_password
from ccroles.access_emails import link_url
from ccroles.access_values import Grant, LoginId, SendNotification
from ccroles.exceptions import InvalidFieldError
from ccroles.passwords import hash_password
from ccroles.signin_links import Link
from ccroles.signin_store import LinkKind, LoginState
from tests.access_fixtures import CHEAP_SCRYPT, NOW, SETTINGS

RIGHT = "plum-tractor-44"
EMAIL = "ap@acme.example"


def make_account() -> Account:
    """ACME with a password; LINE with access and none yet; BOLT without access."""
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
            ),
            Customer("102", "LINE", email="line@line.example", role="Customer Center"),
        ],
    )


def sign_in_for(
    store: MemorySignInStore | None = None, account: Account | None = None
) -> SignIn:
    """A SignIn over ACME's account at NOW."""
    return SignIn(
        Engine(account or make_account()),
        store or MemorySignInStore(),
        clock=lambda: NOW,
        scrypt=CHEAP_SCRYPT,
    )


# Settings: at the limit, and one step beyond


@pytest.mark.parametrize(
    ("field", "value", "allowed"),
    [
        ("max_failures", 1, True),
        ("max_failures", 0, False),
        ("max_failures", 100, True),
        ("max_failures", 101, False),
        ("max_failures", True, False),
        ("lock_duration", timedelta(days=365), True),
        ("lock_duration", timedelta(days=365, microseconds=1), False),
        ("lock_duration", timedelta.max, False),
        ("lock_duration", timedelta(microseconds=1), True),
        ("lock_duration", timedelta(0), False),
        ("reset_link_validity", timedelta(days=31), True),
        ("reset_link_validity", timedelta(days=31, microseconds=1), False),
        ("reset_link_validity", timedelta(days=3_000_000), False),
        ("reset_link_validity", timedelta(seconds=-1), False),
        ("lock_duration", 30, False),
        ("reset_link_validity", None, False),
    ],
)
def test_settings_are_bounded(field: str, value: object, *, allowed: bool) -> None:
    """Counts from 1 to 100, locks up to 365 days, links up to 31 days."""
    if allowed:
        assert getattr(SignInSettings(**{field: value}), field) == value  # type: ignore[arg-type]
    else:
        with pytest.raises(InvalidFieldError, match=f"sign-in settings {field}"):
            SignInSettings(**{field: value})  # type: ignore[arg-type]


def test_the_longest_lock_locks_without_overflow() -> None:
    """The 5th wrong password locks for the longest lock allowed: no overflow."""
    settings = SignInSettings(lock_duration=timedelta(days=365))
    sign_in = SignIn(
        Engine(make_account()),
        MemorySignInStore(),
        settings,
        clock=lambda: NOW,
        scrypt=CHEAP_SCRYPT,
    )
    for _ in range(5):
        attempt = sign_in.attempt(EMAIL, Password("wrong-password-1"))
    assert attempt.state == LoginState(5, NOW + timedelta(days=365))


@pytest.mark.parametrize("moment", [NOW.replace(tzinfo=None), NOW.timestamp()])
def test_a_naive_clock_is_refused_at_the_first_use(moment: object) -> None:
    """A clock without a time zone is a clear error, before anything is stored."""
    store = MemorySignInStore()
    clock: Any = lambda: moment  # noqa: E731 (a clock that breaks the contract)
    sign_in = SignIn(Engine(make_account()), store, clock=clock)
    with pytest.raises(InvalidFieldError, match="sign-in clock"):
        sign_in.attempt(EMAIL, Password("wrong-password-1"))
    assert repr(store) == "MemorySignInStore(<0 logins>)"


# Passwords: at the limit, and one step beyond


@pytest.mark.parametrize(("length", "right"), [(4096, True), (4097, False)])
def test_a_password_up_to_4096_characters_is_checked(
    length: int, *, right: bool
) -> None:
    """4,096 characters sign in; 4,097 are a wrong password, never hashed."""
    text = "ab" * (length // 2) + "c" * (length % 2)
    account = make_account()
    account = set_password(
        account,
        LoginId.of(account.login(EMAIL)),
        Password(text[:4096]),
        Password(text[:4096]),
        scrypt=CHEAP_SCRYPT,
    )
    attempt = sign_in_for(account=account).attempt(EMAIL, Password(text))
    assert attempt.allowed is right
    if not right:
        assert [r.code for r in attempt.decision.reasons] == [ReasonCode.WRONG_PASSWORD]
        assert attempt.state == LoginState(1)


def test_a_huge_password_is_never_hashed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Known login or not, a password beyond the limit costs no scrypt at all."""
    sign_in = sign_in_for()
    calls: list[int] = []
    monkeypatch.setattr(passwords, "_scrypt", lambda text, *_: calls.append(len(text)))
    huge = Password("x" * 4097)
    for email in ("nobody@nowhere.example", EMAIL, "not an email"):
        assert not sign_in.attempt(email, huge).allowed
    assert calls == []


@pytest.mark.parametrize(("length", "refused"), [(4096, False), (4097, True)])
def test_a_password_set_is_at_most_4096_characters(
    length: int, *, refused: bool
) -> None:
    """Setting one beyond the limit is refused, saying the limit, not the password."""
    text = ("plum-tractor-" * 400)[:length]
    account = make_account()
    login = LoginId.of(account.login(EMAIL))
    if not refused:
        set_password(
            account, login, Password(text), Password(text), scrypt=CHEAP_SCRYPT
        )
        return
    with pytest.raises(WeakPasswordError, match="more than 4096 characters") as caught:
        set_password(account, login, Password(text), Password(text))
    assert text not in str(caught.value)


# Emails that are not emails


@pytest.mark.parametrize(
    "typed",
    ["plum-tractor-44", "ap@acme.example\nsign-in by admin: allowed", "", "a@b"],
)
def test_an_email_that_is_not_an_email_is_never_stored_nor_logged(
    caplog: pytest.LogCaptureFixture, typed: str
) -> None:
    """A password typed as the email, a forged log line: refused alike, kept nowhere."""
    caplog.set_level(logging.INFO, logger="ccroles.signin")
    store = MemorySignInStore()
    attempt = sign_in_for(store).attempt(typed, Password("wrong-password-1"))
    assert [r.code for r in attempt.decision.reasons] == [ReasonCode.WRONG_PASSWORD]
    assert repr(store) == "MemorySignInStore(<0 logins>)"
    assert [r.getMessage() for r in caplog.records] == [
        "sign-in by (not an email): denied (wrong_password)"
    ]


def test_a_non_ascii_email_is_logged_escaped(caplog: pytest.LogCaptureFixture) -> None:
    """Log lines stay ASCII, one line each."""
    caplog.set_level(logging.INFO, logger="ccroles.signin")
    sign_in_for().attempt("zoë@zürich.example", Password("wrong-password-1"))
    assert [r.getMessage() for r in caplog.records] == [
        "sign-in by zo\\xeb@z\\xfcrich.example: denied (wrong_password)"
    ]


def test_an_unknown_email_is_forgotten_when_its_count_expires() -> None:
    """2,000 sprayed emails leave no row once their counts expire (30 minutes)."""
    now = [NOW]
    store = MemorySignInStore()
    sign_in = SignIn(
        Engine(make_account()), store, clock=lambda: now[0], scrypt=CHEAP_SCRYPT
    )
    for i in range(2000):
        sign_in.attempt(f"spray{i}@nowhere.example", Password("wrong-password-1"))
    assert repr(store) == "MemorySignInStore(<2000 logins>)"
    now[0] += timedelta(minutes=30) - timedelta(microseconds=1)
    sign_in.attempt(EMAIL, Password("wrong-password-1"))
    assert repr(store) == "MemorySignInStore(<2001 logins>)"
    now[0] += timedelta(microseconds=1)
    sign_in.attempt(EMAIL, Password("wrong-password-1"))
    assert repr(store) == "MemorySignInStore(<1 logins>)"


def test_no_reset_link_for_an_email_that_is_not_one() -> None:
    """Nothing stored, nothing sent."""
    store = MemorySignInStore()
    assert sign_in_for(store).issue_reset_link("ap@acme.example\n") is None
    assert repr(store) == "MemorySignInStore(<0 logins>)"


def test_unlock_says_whether_the_store_knew_the_login() -> None:
    """A misspelt email is no record: False, and nothing stored."""
    store = MemorySignInStore()
    sign_in = sign_in_for(store)
    sign_in.attempt(EMAIL, Password("wrong-password-1"))
    sign_in.attempt("nobody@nowhere.example", Password("wrong-password-1"))
    assert sign_in.unlock(EMAIL.upper()) is True
    assert sign_in.unlock("nobody@nowhere.example") is True
    assert sign_in.unlock("ap@acme.exmaple") is False
    assert sign_in.unlock("not an email") is False
    assert repr(store) == "MemorySignInStore(<1 logins>)"


# Registered links


def test_a_notification_is_registered_with_the_granted_account_only() -> None:
    """The account before the grant has the login without access: refused, say why."""
    granted = grant_access(
        make_account(), Grant(LoginId("102"), SendNotification()), now=NOW
    )
    assert granted.notification is not None
    with pytest.raises(InvalidFieldError, match="the account the grant returned"):
        sign_in_for().register(granted.notification)


@pytest.mark.parametrize(
    ("expires", "allowed"),
    [
        (NOW + timedelta(days=31), True),
        (NOW + timedelta(days=31, microseconds=1), False),
    ],
)
def test_a_registered_link_works_at_most_31_days(
    expires: datetime, *, allowed: bool
) -> None:
    """A notification valid longer than the limit is refused when registered."""
    granted = grant_access(
        make_account(), Grant(LoginId("102"), SendNotification()), now=NOW
    )
    assert granted.notification is not None
    mail = granted.notification
    late = attrs.evolve(mail, expires=expires)
    sign_in = sign_in_for(account=granted.account)
    if allowed:
        sign_in.register(late)
    else:
        with pytest.raises(InvalidFieldError, match="at most 31 days"):
            sign_in.register(late)


def test_a_naive_notification_expiry_is_refused() -> None:
    """An expiry without a time zone cannot be compared: refused."""
    granted = grant_access(
        make_account(), Grant(LoginId("102"), SendNotification()), now=NOW
    )
    assert granted.notification is not None
    naive = attrs.evolve(granted.notification, expires=NOW.replace(tzinfo=None))
    with pytest.raises(InvalidFieldError, match="aware"):
        sign_in_for(account=granted.account).register(naive)


# Link addresses


@pytest.mark.parametrize(
    ("base", "expected"),
    [
        ("https://shop.example/reset", "https://shop.example/reset?token=t0k"),
        (
            "https://shop.example/reset?lang=en",
            "https://shop.example/reset?lang=en&token=t0k",
        ),
        ("https://shop.example/reset?", "https://shop.example/reset?token=t0k"),
        ("http://localhost:5000/reset", "http://localhost:5000/reset?token=t0k"),
        ("http://127.0.0.1/reset", "http://127.0.0.1/reset?token=t0k"),
        ("http://[::1]:8000/reset", "http://[::1]:8000/reset?token=t0k"),
    ],
)
def test_a_link_is_built_on_a_secure_base(base: str, expected: str) -> None:
    """An https address anywhere, http on this machine only."""
    assert link_url(base, "t0k") == expected
    assert Link(EMAIL, LinkKind.RESET, "t0k", NOW).url(base) == expected


@pytest.mark.parametrize(
    "base",
    [
        "http://shop.example/reset",
        "http://localhost.evil.example/reset",
        "http://10.0.0.1/reset",
        "/reset",
        "shop.example/reset",
        "https:///reset",
        "ftp://shop.example/reset",
        "javascript:alert(1)",
        "https://shop.example/reset#top",
        "https://shop.example/re\nset",
        "http://[::1/reset",
        "",
    ],
)
def test_a_link_is_never_built_on_another_base(base: str) -> None:
    """Not absolute, not https, a fragment, a broken host: a clear error naming it."""
    with pytest.raises(InvalidFieldError, match="link base URL") as caught:
        link_url(base, "t0k")
    assert caught.value.value == base
    assert "t0k" not in str(caught.value)


def test_a_token_is_quoted_in_the_link() -> None:
    """Whatever the token holds, it stays one query value."""
    assert (
        link_url("https://shop.example/r", "a&b=c")
        == "https://shop.example/r?token=a%26b%3Dc"
    )


def test_the_notification_link_refuses_an_insecure_address() -> None:
    """The access email's link is built by the same rule."""
    insecure = "http://shop.example/pw"
    settings = attrs.evolve(SETTINGS, set_password_url=insecure)
    account = attrs.evolve(make_account(), notification=settings)
    granted = grant_access(account, Grant(LoginId("102"), SendNotification()), now=NOW)
    assert granted.notification is not None
    with pytest.raises(InvalidFieldError, match="link base URL"):
        _ = granted.notification.link
