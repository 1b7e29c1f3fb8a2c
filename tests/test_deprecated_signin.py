"""The old sign-in names keep working for one release, each with a warning."""

from __future__ import annotations

import importlib

import pytest

from ccroles import Password, ReasonCode, signin_links
from ccroles.exceptions import UnknownWebsiteError
from tests.test_signin import EMAIL, NEW, sign_in_for, wrong


def test_sign_in_decide_warns_and_answers_as_decide_sign_in() -> None:
    """`SignIn.decide` is `SignIn.decide_sign_in`: it asks about sign-in."""
    sign_in = sign_in_for()
    wrong(sign_in, 5)
    with pytest.warns(DeprecationWarning, match=r"SignIn\.decide is deprecated"):
        old = sign_in.decide(EMAIL)
    new = sign_in.decide_sign_in(EMAIL)
    assert old == new
    assert [reason.code for reason in new.reasons] == [ReasonCode.LOCKED]


def test_sign_in_decide_names_the_new_method_and_passes_the_website() -> None:
    """The warning names both methods; the website asked about reaches the engine."""
    sign_in = sign_in_for()
    with (
        pytest.warns(DeprecationWarning, match=r"^SignIn\.decide ") as caught,
        pytest.raises(UnknownWebsiteError, match="'Outlet'"),
    ):
        sign_in.decide(EMAIL, "Outlet")
    assert [str(warning.message) for warning in caught] == [
        (
            "SignIn.decide is deprecated, use SignIn.decide_sign_in; "
            "the old name goes in the next release"
        )
    ]


def test_redeemed_accepted_warns_and_answers_as_allowed() -> None:
    """`Redeemed.accepted` is `Redeemed.allowed`, an answer's truth attribute."""
    sign_in = sign_in_for()
    link = sign_in.issue_reset_link(EMAIL)
    assert link is not None
    redeemed = sign_in.redeem(link.token, Password(NEW), Password(NEW))
    refused = sign_in.redeem("no such token", Password(NEW), Password(NEW))
    for answer, expected in ((redeemed, True), (refused, False)):
        with pytest.warns(DeprecationWarning, match=r"Redeemed\.accepted is depr"):
            old = answer.accepted
        assert (old, answer.allowed) == (expected, expected)


@pytest.mark.parametrize("name", ["Link", "Redeemed", "token_digest"])
def test_a_link_name_moved_out_of_signin_warns_and_is_the_same(name: str) -> None:
    """Links moved to ccroles.signin_links; the old import path still finds them."""
    signin = importlib.import_module("ccroles.signin")
    with pytest.warns(DeprecationWarning, match=rf"ccroles\.signin\.{name} is depr"):
        old = getattr(signin, name)
    assert old is getattr(signin_links, name)
