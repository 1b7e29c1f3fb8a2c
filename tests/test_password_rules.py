"""The password rules, each pinned at its edge and with its exact words.

``password_problems`` answers with every reason a password is refused; the
words are what a customer reads, so a test compares them whole.
"""

import pickle

import pytest

from ccroles.exceptions import InvalidFieldError, WeakPasswordError
from ccroles.passwords import (
    MIN_PASSWORD_LENGTH,
    Password,
    PasswordHash,
    ScryptParams,
    check_scrypt_cost,
    hash_password,
    is_common_password,
    password_problems,
)

STRONG = "Zq7#Lm2p"  # eight characters, none of the patterns below
SHORT = f"it has fewer than {MIN_PASSWORD_LENGTH} characters"
COMMON = "it is one of the most common passwords"
EMAIL = "it is the login email or the part before its '@'"
NAME = "it is the customer's id or email with a few characters added"
SPACE = "it is only white space"
RUN = "it is one character repeated, or a run of letters or digits"
UTF8 = "it holds characters that cannot be written as UTF-8"


def reasons(
    text: str,
    *,
    emails: tuple[str, ...] = (),
    names: tuple[str, ...] = (),
) -> list[str]:
    """The reasons *text* is refused, confirmed as typed, for "the login"."""
    prefix = "the password for the login is refused: "
    found = password_problems(
        Password(text), Password(text), emails=emails, names=names
    )
    assert all(str(problem).startswith(prefix) for problem in found)
    return [str(problem).removeprefix(prefix) for problem in found]


def test_the_examples_are_not_common_passwords() -> None:
    """The patterns below are tried on text the common list lacks."""
    for text in (STRONG, "mnopqrst", "tsrqponm", "kkkkkkkk", "acegikmo", " " * 8):
        assert not is_common_password(text), text


def test_length_at_the_minimum_passes_and_one_less_is_refused() -> None:
    """Eight characters pass; seven are refused, with the minimum named."""
    assert len(STRONG) == MIN_PASSWORD_LENGTH
    assert reasons(STRONG) == []
    assert reasons(STRONG[:-1]) == [SHORT]
    assert SHORT == "it has fewer than 8 characters"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mnopqrst", [RUN]),  # up by one
        ("tsrqponm", [RUN]),  # down by one
        ("kkkkkkkk", [RUN]),  # repeated
        ("acegikmo", []),  # up by two: no run
        ("mnopqrsz", []),  # a run but for its end
        ("12345678", [COMMON, RUN]),  # both rules name themselves
    ],
)
def test_runs_and_repeats(text: str, expected: list[str]) -> None:
    """Steps of -1, 0 or +1 all the way are a run; anything else is not."""
    assert reasons(text) == expected


def test_white_space_only_is_named_once() -> None:
    """Spaces are refused as white space (not also as a repeated character)."""
    assert reasons(" " * 8) == [SPACE]


def test_the_login_email_and_its_local_part() -> None:
    """The whole email or the part before its '@', in any case."""
    emails = ("Jane.Doe@globex.example",)
    assert reasons("jane.doe@GLOBEX.example", emails=emails) == [EMAIL]
    assert reasons("JANE.DOE", emails=emails) == [EMAIL]
    assert reasons("jane.doe1", emails=emails) == [NAME]  # one added: a name rule


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("GLOBEX1", [SHORT, NAME]),
        ("globex12", [NAME]),
        ("Globex123", [NAME]),  # three added: still guessable
        ("Globex1234", []),  # four added: no longer
        ("12globex3", [NAME]),  # added anywhere
    ],
)
def test_a_name_with_at_most_three_characters_added(
    text: str, expected: list[str]
) -> None:
    """The customer's id with up to three characters added, in any case."""
    assert reasons(text, names=("GLOBEX",)) == expected


def test_name_parts_of_three_characters_count_and_shorter_do_not() -> None:
    """A three-character name is a part a guesser tries; a two-character one not."""
    assert reasons("xqz987", names=("XQZ",)) == [SHORT, NAME]
    assert reasons("xq9", names=("XQ",)) == [SHORT]


def test_an_emails_domain_and_local_part_are_names() -> None:
    """The first label of the domain and the local part, with a few added."""
    emails = ("pay@initech.example",)
    assert reasons("initech1", emails=emails) == [NAME]
    assert reasons("example1", emails=emails) == []  # not the first label
    assert reasons("marta123", emails=("marta@x.example",)) == [NAME]


def test_text_that_is_not_utf8_is_refused_before_anything_else() -> None:
    """A lone surrogate: one reason only, and nothing of the text quoted."""
    assert reasons("bad\udcff") == [UTF8]
    with pytest.raises(WeakPasswordError) as refused:
        hash_password(Password("bad\udcff"), ScryptParams(n=16))
    assert str(refused.value) == f"the password for the login is refused: {UTF8}"


def test_the_owner_is_named_and_a_mismatch_reported() -> None:
    """Every problem names its owner; a confirmation that differs is one more."""
    found = password_problems(
        Password("short"), Password("Short"), owner="customer 'ACME'"
    )
    assert [str(problem) for problem in found] == [
        "the password for customer 'ACME' is refused: it has fewer than 8 characters",
        "Password and Confirm Password for customer 'ACME' do not match",
    ]


def test_a_hash_records_every_scrypt_parameter() -> None:
    """n, r and p of the parameters used are the hash's own."""
    stored = hash_password(Password(STRONG), ScryptParams(n=16, r=2, p=3))
    assert (stored.n, stored.r, stored.p) == (16, 2, 3)
    assert stored.verify(STRONG)
    assert not stored.verify(STRONG.upper())


def test_the_local_part_is_what_comes_before_the_last_at_sign() -> None:
    """Both email rules split at the last '@' (a quoted local part may hold one)."""
    emails = ('"jo@home"@x.example',)
    assert reasons('"JO@HOME"', emails=emails) == [EMAIL]
    assert reasons('"jo@home"1', emails=emails) == [NAME]
    assert reasons("home1234", emails=emails) == []


def test_a_password_never_pickles_and_compares_by_its_text() -> None:
    """Pickling refuses in words; lone surrogates compare as the text they are."""
    with pytest.raises(TypeError, match=r"^a Password cannot be pickled$"):
        pickle.dumps(Password(STRONG))
    odd = Password("bad\udcff text")
    assert odd == Password("bad\udcff text")
    assert odd != Password("bad\udcfe text")
    assert odd != "bad\udcff text"


def test_a_hash_has_the_documented_defaults_and_refuses_odd_text() -> None:
    """r=8 and p=1 unless given; a password that is not UTF-8 never verifies."""
    stored = PasswordHash.of(STRONG, salt=b"0123456789abcdef", n=16)
    assert (stored.r, stored.p) == (8, 1)
    assert not stored.verify("bad\udcff")


def test_scrypt_parameters_are_named_in_their_refusal() -> None:
    """Refused parameters name the record they belong to."""
    with pytest.raises(InvalidFieldError) as refused:
        ScryptParams(n=3)
    assert str(refused.value).startswith("scrypt parameters n 3 is refused")


def test_a_hash_refuses_a_key_of_the_wrong_size_naming_only_its_length() -> None:
    """The key's refusal names the record and field, and the length, never bytes."""
    with pytest.raises(InvalidFieldError) as refused:
        PasswordHash(
            algorithm="scrypt", salt=b"0123456789abcdef", hash=b"short", n=16, r=8, p=1
        )
    error = refused.value
    assert (error.record, error.field, error.value) == (
        "password hash",
        "hash",
        "5 bytes",
    )
    assert str(error) == (
        "password hash hash '5 bytes' is refused; "
        "expected the 32 bytes of an scrypt key"
    )


def test_too_much_work_is_refused_at_p_with_its_value() -> None:
    """N * r * p above the bound: p is named, with the value given."""
    with pytest.raises(InvalidFieldError) as refused:
        check_scrypt_cost(2**14, 8, 16, record="password hash")
    error = refused.value
    assert (error.field, error.value) == ("p", 16)
    assert error.expected == "n * r * p of at most 1048576"


def test_too_much_memory_is_refused_at_r_with_its_value() -> None:
    """128 * r * n above the bound: r is named, with the value given."""
    with pytest.raises(InvalidFieldError) as refused:
        check_scrypt_cost(2**17, 16, 1, record="password hash")
    assert (refused.value.field, refused.value.value) == ("r", 16)
