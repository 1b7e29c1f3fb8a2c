"""The rules for names and emails (:mod:`ccroles.names`), at their edges.

The email rule is checked in one regular expression for ASCII text (the
common case, on the hot path of loading accounts) and in full otherwise; a
property test holds the two to the rule, written out here.
"""

import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ccroles.exceptions import InvalidEmailError, InvalidIdError
from ccroles.names import (
    MAX_EMAIL_LENGTH,
    as_id,
    ascii_email,
    check_email,
    email_key,
    fold,
    owner_id,
)

# The limits, written as numbers: a test never reads the constant it checks.
LONGEST_EMAIL = 254
LONGEST_LOCAL_PART = 64


def by_the_rule(text: str) -> bool:
    """The email rule, spelt out as :mod:`ccroles.names` states it.

    One "@", a local part of 1 to 64 characters, a domain of at least two
    non-empty labels, nothing but printable characters and no space, at most
    254 characters in all.
    """
    if text.count("@") != 1 or len(text) > LONGEST_EMAIL:
        return False
    local, domain = text.split("@")
    labels = domain.split(".")
    return (
        1 <= len(local) <= LONGEST_LOCAL_PART
        and len(labels) >= 2
        and all(labels)
        and all(c.isprintable() and c != " " for c in text)
    )


def accepted(text: str) -> bool:
    """Whether :func:`check_email` accepts *text*."""
    try:
        check_email(text)
    except InvalidEmailError:
        return False
    return True


PARTS = st.text(alphabet="a.@ -~\t\x7fZ\x00é", max_size=6)
LOCAL = st.sampled_from([1, 63, 64, 65]).map(lambda n: "a" * n)


@given(st.lists(PARTS | LOCAL, max_size=5).map("".join))
def test_the_email_rule_is_the_one_domain_states(text: str) -> None:
    """ASCII or not, plain or long, the rule accepts exactly the emails."""
    assert accepted(text) == by_the_rule(text)


@given(
    st.integers(min_value=1, max_value=70),
    st.integers(min_value=180, max_value=200),
)
def test_the_length_limits_hold_at_their_boundaries(local: int, domain: int) -> None:
    """64 characters before the "@", 254 in all: at each limit and one over."""
    text = "a" * local + "@" + "b" * domain + ".example"
    assert accepted(text) == (
        local <= LONGEST_LOCAL_PART and len(text) <= LONGEST_EMAIL
    )


def test_the_longest_email_constant_is_254() -> None:
    """The documented limit is the one the rule applies: 254 characters."""
    assert MAX_EMAIL_LENGTH == 254


@pytest.mark.parametrize(
    ("domain", "length", "expected"),
    [
        ("b" * 236 + ".example", 254, True),
        ("b" * 237 + ".example", 255, False),
        ("é" * 236 + ".example", 254, True),
        ("é" * 237 + ".example", 255, False),
    ],
)
def test_an_email_of_254_characters_is_accepted_and_of_255_refused(
    domain: str, length: int, *, expected: bool
) -> None:
    """At the limit and one over, on the ASCII fast path and the full check."""
    text = "a" * 9 + "@" + domain
    assert len(text) == length
    assert accepted(text) is expected


def test_an_email_beyond_ascii_is_an_email() -> None:
    """Internationalised addresses pass the full check."""
    assert check_email("zoë@bücher.example") == "zoë@bücher.example"


def test_an_email_in_a_text_subclass_is_returned_as_plain_text() -> None:
    """An email is kept as plain text, whatever class it came in."""

    class Loud(str):
        __slots__ = ()

    got = check_email(Loud("ap@acme.example"))
    assert type(got) is str
    assert got == "ap@acme.example"


@pytest.mark.parametrize("char", [c for c in string.printable if c not in "@."])
def test_every_printable_ascii_character_may_stand_in_a_local_part(char: str) -> None:
    """Each of the pattern's ranges, character by character (a space may not)."""
    expected = char.isprintable() and char != " "
    for text in (f"a{char}b@x.example", f"ap@x{char}y.example", f"ap@x.ex{char}y"):
        assert accepted(text) == expected
        assert (ascii_email(text) is not None) == expected


def fast_path(text: str) -> bool:
    """Whether the one-pattern fast path accepts *text* (ASCII, at most 254)."""
    return len(text) <= LONGEST_EMAIL and ascii_email(text) is not None


@given(
    st.lists(st.text(alphabet="a.@ -~\t\x7fZ\x00", max_size=6) | LOCAL, max_size=5).map(
        "".join
    )
)
def test_the_fast_path_is_the_rule_for_ascii_text(text: str) -> None:
    """For ASCII text the pattern alone decides, exactly as the rule does."""
    assert fast_path(text) == by_the_rule(text)


@pytest.mark.parametrize(
    "text",
    [
        "a b@x.example",
        " ab@x.example",
        "ab@x.example ",
        "ab@x y.example",
        "ab@x..example",
        "ab@.x.example",
        "ab@x.example.",
        "ab@example",
        "@x.example",
        "ab@@x.example",
        "a@b@x.example",
        "a.b@x.example",
        ".ab@x.example",
        "a@x.example",
        "a" * 64 + "@x.example",
        "a" * 65 + "@x.example",
    ],
)
def test_the_fast_path_at_the_rules_edges(text: str) -> None:
    """Spaces, dots, "@"s and the local part's limit, one at a time."""
    assert fast_path(text) == by_the_rule(text) == accepted(text)


def test_names_and_emails_fold_whatever_a_subclass_overrides() -> None:
    """A text subclass cannot change the key it is compared by."""

    class Sly(str):
        __slots__ = ()

        def casefold(self) -> str:
            return "customer center"

        def strip(self, chars: str | None = None) -> str:
            return "customer center" if chars is None else chars

    assert fold(Sly(" Staff ")) == "staff"
    assert email_key(Sly("AP@acme.example")) == "ap@acme.example"


# Ids: the words of each refusal, and what an owner id keeps as it is.


@pytest.mark.parametrize(
    ("value", "words"),
    [
        (10**5000, "id 'an integer' is refused: it has too many digits"),
        ("bad\udcff", "id 'bad\\udcff' is refused: it holds text that is not UTF-8"),
        (True, "id True is refused: an id is text or an integer"),
        (" ", "id ' ' is refused: an id must not be blank"),
    ],
    ids=["huge integer", "lone surrogate", "bool", "blank"],
)
def test_as_id_refuses_with_words_naming_the_id(value: object, words: str) -> None:
    """Each refusal names the id ("id" unless told) and why, word for word."""
    with pytest.raises(InvalidIdError) as caught:
        as_id(value)
    assert str(caught.value) == words
    assert caught.value.field is None


def test_as_id_names_what_it_reads_and_the_field() -> None:
    """*what* and *field* reach the error."""
    with pytest.raises(InvalidIdError) as caught:
        as_id("bad\udcff", "customer internal_id", field="Internal ID")
    assert str(caught.value).startswith("customer internal_id 'bad\\udcff' is refused")
    assert caught.value.field == "Internal ID"


@pytest.mark.parametrize("text", ["", "  ", "Zü", "bad\udcff", "101"])
def test_owner_id_keeps_text_as_it_is(text: str) -> None:
    """A record's owner written as text is taken as written, even blank."""
    assert owner_id(text) == text


def test_owner_id_reads_integers_and_refuses_the_rest_by_name() -> None:
    """An integer owner is its decimal text; anything else names the owner id."""
    assert owner_id(101) == "101"
    with pytest.raises(InvalidIdError) as caught:
        owner_id(1.5)
    assert str(caught.value) == (
        "record owner id 1.5 is refused: an id is text or an integer"
    )


def test_anything_but_text_folds_to_nothing() -> None:
    """Fold and email_key give the empty key, which no name or email has."""
    assert [fold(None), fold(5), email_key(None), email_key(b"ap@x.example")] == [
        "",
        "",
        "",
        "",
    ]


RULE = (
    "an email is a local part, one '@' and a domain with a dot, without "
    "spaces or control characters, at most 254 characters"
)


@pytest.mark.parametrize(
    ("value", "shown"), [("x", "'x'"), (5, "5")], ids=["no @", "not text"]
)
def test_check_email_names_a_login_unless_told_whose(value: object, shown: str) -> None:
    """The refusal says whose email it is: "a login" by default."""
    with pytest.raises(InvalidEmailError) as caught:
        check_email(value)
    assert str(caught.value) == f"a login cannot log in as {shown}: {RULE}"
    with pytest.raises(InvalidEmailError) as caught:
        check_email(value, owner="customer 'ACME'")
    assert str(caught.value).startswith(f"customer 'ACME' cannot log in as {shown}:")


def test_a_local_part_beyond_ascii_holds_64_characters_not_65() -> None:
    """The full rule (text beyond ASCII) pins the local part at 64."""
    assert check_email("é" + "a" * 63 + "@x.example").startswith("éa")
    with pytest.raises(InvalidEmailError):
        check_email("é" + "a" * 64 + "@x.example")
