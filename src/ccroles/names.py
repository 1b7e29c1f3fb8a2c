"""The rules for names, ids and emails: one rule each, used at every entry point.

Constructors, data files, the CSV import, grants, the command line and the
engine's questions all go through these functions, so a value is read the
same way wherever it comes in.

**Names** (roles, features, websites, forms, permission keys, levels,
capabilities, record types, output formats) match ignoring letter case and
surrounding white space: :func:`fold` gives the key they are compared by. Two
names with the same key are the same name, so an account cannot hold both
``Buyer`` and ``buyer``. A name that matches nothing is refused with the
closest known name as a suggestion.

**Ids** (internal ids, customer ids, contact ids, the owner of a record) are
text compared exactly. An integer is taken as its decimal text, since that is
what most database libraries return: ``101`` and ``"101"`` are the same id.
Anything else (a bool, a float, ``None``, blank text) is refused.

**Emails** (login names) have one ``@`` between a local part and a domain
with a dot, no white space or control characters, at most 254 characters;
they match ignoring case.

Text that cannot be written as UTF-8 (a lone surrogate, which is what an
undecodable byte becomes) is refused wherever it comes in.

>>> fold("  Customer CENTER ")
'customer center'
>>> as_id(101), as_id("ACME-1")
('101', 'ACME-1')
>>> check_email("AP@acme.example")
'AP@acme.example'
"""

from __future__ import annotations

import re
from typing import Final

from ccroles.exceptions import InvalidEmailError, InvalidIdError, InvalidNameError

__all__ = [
    "MAX_EMAIL_LENGTH",
    "as_id",
    "ascii_email",
    "check_email",
    "check_name",
    "email_key",
    "email_parts",
    "fold",
    "is_encodable",
    "owner_id",
]

MAX_EMAIL_LENGTH: Final = 254
"""The longest email accepted, in characters (the limit of SMTP paths)."""

_MAX_LOCAL_PART: Final = 64

# The quantifiers are possessive (no backtracking: no class holds the
# character that ends its run), which matches the same text a little faster.
ascii_email: Final = re.compile(
    r"[!-?A-~]{1,64}+@[!-\-/-?A-~]++(?:\.[!-\-/-?A-~]++)++"
).fullmatch
"""The email rule of :func:`check_email` for ASCII text, as one pattern.

Printable characters but space and ``@``, up to 64 before the ``@``, and
labels without ``.`` after it, at least two; the length limit is checked
apart. :func:`check_email` takes this fast path for ASCII text (tests check
the two agree); it returns the match, or ``None``.

>>> ascii_email("ap@acme.example") is not None, ascii_email("ap@acme")
(True, None)
"""


def fold(name: object) -> str:
    """Return the key *name* is compared by: no surrounding white space, casefolded.

    Anything but text folds to ``""``, which no name has (names are never
    blank), so looking it up finds nothing.

    >>> fold("Make a Payment") == fold("make a payment ")
    True
    >>> fold(None)
    ''
    """
    return str.casefold(str.strip(name)) if isinstance(name, str) else ""


def check_name(value: object, kind: str) -> str:
    r"""Return *value* when it can be a name: text, not blank, writable as UTF-8.

    *kind* says what is named (``"form"``, ``"website"``), for the error.
    The name is returned as given (a ``str`` subclass as plain text); it is
    compared by :func:`fold`.

    Raises:
        InvalidNameError: *value* is not text, is blank (white space only),
            or holds text that cannot be written as UTF-8.

    >>> check_name(" Main Store ", "website")
    ' Main Store '
    >>> check_name("bad\udcff", "form")
    Traceback (most recent call last):
    ...
    ccroles.exceptions.InvalidNameError: a form name must be text that UTF-8 can write, got 'bad\udcff'
    """  # noqa: E501
    if (
        not isinstance(value, str)
        or not value.strip()
        or not is_encodable(text := str.__str__(value))
    ):
        raise InvalidNameError(kind, value)
    return text


def email_key(email: object) -> str:
    """Return the key an email is compared by: casefolded (``""`` for non-text).

    The key is always plain text. An email written folded is its own key
    (the same string, not a copy), so an index of emails keeps one string
    per email.

    >>> email_key("AP@Acme.example"), email_key(None)
    ('ap@acme.example', '')
    >>> email = "ap@acme.example"
    >>> email_key(email) is email
    True
    """
    if type(email) is str:  # the common case first
        key = email.casefold()
        return email if key == email else key
    return str.casefold(email) if isinstance(email, str) else ""


def email_parts(email: str) -> tuple[str, str]:
    """Return an email's local part and domain, each by :func:`email_key`.

    The email is split at its last ``@``: a domain never holds one, while a
    quoted local part (``"jo@home"@x.example``) may. A login email has only
    one, so for it the first and the last are the same.

    >>> email_parts("AP@Acme.example")
    ('ap', 'acme.example')
    """
    local, _, domain = email_key(email).rpartition("@")
    return local, domain


def is_encodable(text: str) -> bool:
    r"""Whether *text* can be written as UTF-8 (it holds no lone surrogate).

    >>> is_encodable("Zürich"), is_encodable("bad\udcff")
    (True, False)
    """
    if text.isascii():
        return True
    try:
        text.encode()
    except UnicodeEncodeError:
        return False
    return True


def as_id(value: object, what: str = "id", *, field: str | None = None) -> str:
    """Return the id *value* stands for: its text, or an integer's decimal text.

    *what* names the id in the error (``"customer internal_id"``), and
    *field* the record's field that holds it, if any (the error's
    ``field``). A ``str`` subclass is read as plain text, so an id never
    compares by overridden methods.

    Raises:
        InvalidIdError: *value* is blank, not text or an integer (a bool, a
            float, ``None``), an integer too long to write, or text that
            cannot be written as UTF-8.

    >>> as_id(True)
    Traceback (most recent call last):
    ...
    ccroles.exceptions.InvalidIdError: id True is refused: an id is text or an integer
    """
    if type(value) is str and value.isascii() and value.strip():
        return value  # the common case, decided without the checks below
    try:
        return _as_id(value, what)
    except InvalidIdError as error:
        error.field = field
        raise


def _as_id(value: object, what: str) -> str:
    """:func:`as_id` but for the common case, which it decides first."""
    if isinstance(value, str):
        text = str.__str__(value)  # plain text, whatever the subclass overrides
    elif isinstance(value, int) and not isinstance(value, bool):
        try:
            text = int.__repr__(value)
        except ValueError:  # more digits than Python writes
            raise InvalidIdError(what, "an integer", "it has too many digits") from None
    else:
        raise InvalidIdError(what, value, "an id is text or an integer")
    if not text.strip():
        raise InvalidIdError(what, text, "an id must not be blank")
    if not is_encodable(text):
        raise InvalidIdError(what, text, "it holds text that is not UTF-8")
    return text


def owner_id(value: object) -> str:
    """The internal id a record's owner stands for, read by the id rule.

    The engine's record questions and the Cedar export read a record's
    ``customer_internal_id`` through this. Text is taken as it is (a blank
    owner is no customer's, so the record is denied); anything else goes
    through :func:`as_id`: an integer is its decimal text, other values are
    refused.

    Raises:
        InvalidIdError: *value* is neither text nor an integer.

    >>> owner_id(101), owner_id("")
    ('101', '')
    """
    return value if type(value) is str else as_id(value, "record owner id")


def check_email(value: object, owner: str = "a login") -> str:
    """Return *value* when it is a login email; refuse it otherwise.

    *owner* names whose email it is in the error (``customer 'ACME'``).

    Raises:
        InvalidEmailError: *value* is not text, or not an email by the rule
            above (an empty string included).

    >>> check_email("", owner="customer 'ACME'")
    Traceback (most recent call last):
    ...
    ccroles.exceptions.InvalidEmailError: customer 'ACME' cannot log in as '': ...
    """
    if (
        type(value) is str
        and value.isascii()
        and len(value) <= MAX_EMAIL_LENGTH
        and ascii_email(value) is not None
    ):
        return value  # the common case, in one match: the same rule for ASCII
    if not isinstance(value, str):
        raise InvalidEmailError(value, owner=owner)
    text = str.__str__(value)
    local, at, domain = text.partition("@")
    labels = domain.split(".")
    if (
        not at
        or not local
        or len(local) > _MAX_LOCAL_PART
        or len(text) > MAX_EMAIL_LENGTH
        or "@" in domain
        or len(labels) < 2  # noqa: PLR2004 (a domain has a dot)
        or not all(labels)
        or " " in text
        or not text.isprintable()
    ):
        raise InvalidEmailError(text, owner=owner)
    return text
