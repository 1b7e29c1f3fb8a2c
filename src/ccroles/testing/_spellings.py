"""Spellings: every way of writing a name, an email or an id that the rules accept.

Also the texts, ids and emails of any script that the other strategies
draw from.
"""

from __future__ import annotations

import functools
import math
from typing import TYPE_CHECKING, Final

from hypothesis import strategies as st

if TYPE_CHECKING:
    import random

__all__ = [
    "SPACES",
    "any_emails",
    "any_ids",
    "any_names",
    "cases_of",
    "email_spellings",
    "id_spellings",
    "lookalike_ids",
    "respell",
    "spellings",
    "spelt",
]


# Text that str.strip() removes: what the rules ignore around a name.
SPACES: Final = (" ", "\t", "\n", "\u00a0", "\u3000")


@functools.cache  # asked for every character of every name spelt
def cases_of(char: str) -> tuple[str, ...]:
    """The ways *char* may be written that keep its casefold."""
    written = dict.fromkeys((char, char.lower(), char.upper(), char.swapcase()))
    return tuple(each for each in written if each.casefold() == char.casefold())


def spellings(name: str) -> st.SearchStrategy[str]:
    """Every way of writing *name* that the rules read as *name*.

    Each character in any case that keeps its casefold, with any white space
    around the whole (names are compared by :func:`ccroles.names.fold`). A
    suite that draws names from here meets the spellings a person types, not
    only the one the code writes.

    >>> from hypothesis import given
    >>> from ccroles.names import as_id, fold
    >>> @given(spellings("Straße Portal"))
    ... def test_same_name(spelt):
    ...     assert fold(spelt) == fold("Straße Portal")
    >>> test_same_name()
    """
    spell = functools.partial(_spell, name)
    return st.builds(spell, _case_numbers(name), _AROUND, _AROUND)


# Around a name: up to two characters that str.strip() removes.
_AROUND: Final = st.text(st.sampled_from(SPACES), max_size=2)
# Picks every character's case at once (see _spell): shrinks to 0, as written.
# 256 bits pick among 2**256 spellings: every case of names of 160 characters
# with three cases each (a name longer still keeps its tail as written).
_CASE_NUMBER: Final = st.integers(min_value=0, max_value=2**256 - 1)


def _case_numbers(name: str) -> st.SearchStrategy[int]:
    """The numbers :func:`_spell` reads as *name*'s spellings, each once."""
    return st.integers(0, math.prod(len(cases_of(char)) for char in name) - 1)


def _spell(name: str, number: int, before: str, after: str) -> str:
    """*name* with each character in the case *number* picks, inside *before*/*after*.

    *number* is read as one digit a character, in the base of that
    character's number of cases (:func:`cases_of`): 0 is the name as written.
    """
    chars = []
    for char in name:
        options = cases_of(char)
        number, pick = divmod(number, len(options))
        chars.append(options[pick])
    return before + "".join(chars) + after


def spelt(names: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """Each name of *names* in any spelling the rules read as it (:func:`spellings`).

    One strategy for any name: it draws the name, then one number for the
    case of every character and the white space around, rather than building
    a strategy for each name drawn (as ``names.flatmap(spellings)`` would), so
    suites that draw many names stay fast.

    >>> from hypothesis import given, strategies as st
    >>> from ccroles.names import fold
    >>> @given(spelt(st.sampled_from(["Buyer", "Straße Portal"])))
    ... def test_a_known_name(name):
    ...     assert fold(name) in {"buyer", "strasse portal"}
    >>> test_a_known_name()
    """
    return st.builds(_spell, names, _CASE_NUMBER, _AROUND, _AROUND)


def any_names(max_size: int = 30) -> st.SearchStrategy[str]:
    """Names of any text UTF-8 can write: any script, case and inner spacing."""
    return st.text(st.characters(codec="utf-8"), min_size=1, max_size=max_size).filter(
        str.strip
    )


def _id_texts() -> st.SearchStrategy[str]:
    """Non-blank ids of any text UTF-8 can write (any script, quotes, spaces)."""
    return any_names(max_size=10)


def any_ids() -> st.SearchStrategy[str | int]:
    """Ids as the id rule takes them: text, or an integer (its decimal text)."""
    return _id_texts() | st.integers(min_value=-(10**12), max_value=10**12)


# An email's parts: letters and digits of any script, and a few marks.
_EMAIL_CHARACTERS: Final = st.characters(
    codec="utf-8", categories=("Lu", "Ll", "Lt", "Lo", "Nd"), include_characters="._-+"
)
_LABEL_CHARACTERS: Final = st.characters(
    codec="utf-8", categories=("Lu", "Ll", "Lt", "Lo", "Nd")
)
_CASES: Final = (str, str.lower, str.upper, str.swapcase, str.title)


def any_emails() -> st.SearchStrategy[str]:
    """Emails the email rule accepts, in any script and any Unicode case.

    Every case mapping of these characters is again printable letters or
    digits (no space, "@" or "."), and at most three characters long, so each
    email drawn stays within the rule's limits without a filter.
    """
    local = st.text(_EMAIL_CHARACTERS, min_size=1, max_size=10)
    domain = st.lists(
        st.text(_LABEL_CHARACTERS, min_size=1, max_size=8), min_size=1, max_size=2
    ).map(".".join)
    email = st.builds("{}@{}.example".format, local, domain)
    return st.builds(lambda case, text: case(text), st.sampled_from(_CASES), email)


def email_spellings(email: str) -> st.SearchStrategy[str]:
    """The ways of writing *email* that find the same login: any case.

    >>> from hypothesis import given
    >>> from ccroles.names import email_key
    >>> @given(email_spellings("AP@acme.example"))
    ... def test_same_login(spelt):
    ...     assert email_key(spelt) == email_key("AP@acme.example")
    >>> test_same_login()
    """
    return _case_numbers(email).map(lambda number: _spell(email, number, "", ""))


def id_spellings(internal_id: str) -> st.SearchStrategy[str | int]:
    """The ways a portal may pass the id *internal_id*: its text, or its integer.

    An integer is offered only when *internal_id* is the integer's decimal
    text (``"101"``, not ``"0101"``): what a database library returns.
    """
    same: list[str | int] = [internal_id]
    if internal_id.isascii() and internal_id.isdigit():
        number = int(internal_id)
        if str(number) == internal_id:
            same.append(number)
    return st.sampled_from(same)


def lookalike_ids(internal_id: str) -> st.SearchStrategy[str]:
    """Ids that look like *internal_id* and are not it (ids compare exactly).

    White space around it, a leading zero, another case, full-width digits
    (each that differs from it; a space before it always does): a record
    owned by one of these is another customer's.

    >>> from hypothesis import given
    >>> @given(lookalike_ids("101"))
    ... def test_not_the_id(lookalike):
    ...     assert lookalike != "101"
    >>> test_not_the_id()
    """
    fullwidth = internal_id.translate(
        {ord(d): chr(ord(d) - ord("0") + 0xFF10) for d in "0123456789"}
    )
    candidates = [
        f" {internal_id}",
        f"{internal_id} ",
        f"0{internal_id}",
        internal_id.swapcase(),
        internal_id.upper(),
        fullwidth,
    ]
    return st.sampled_from([c for c in candidates if c != internal_id])


def respell(rnd: random.Random, name: str) -> str:
    """One way of writing *name* that the rules read as *name*, picked by *rnd*.

    The spellings of :func:`spellings`, for a test that needs very many: a
    generator seeded by one drawn integer spells them all, much faster than
    a draw each.

    >>> import random
    >>> from ccroles.names import fold
    >>> fold(respell(random.Random(1), "Make a Payment"))
    'make a payment'
    """
    body = "".join(rnd.choice(cases_of(char)) for char in name)
    before, after = ("".join(rnd.choices(SPACES, k=rnd.randrange(3))) for _ in range(2))
    return before + body + after
