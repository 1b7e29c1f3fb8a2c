"""Passwords: the secret type, its salted scrypt hash, and the password rules.

A :class:`Password` is a secret: it never shows in ``repr``, ``str``,
messages, logs or notifications. Only its salted scrypt hash, a
:class:`PasswordHash`, is stored; :class:`ScryptParams` is the cost of new
hashes. The cost's rules live once, in :func:`check_scrypt_cost`, which both
classes apply when built, so both refuse a cost alike; a hash's salt must
be bytes and its key the 32 bytes scrypt derives.
:func:`password_problems` gives every reason to refuse a new password.

>>> stored = hash_password(Password("plum-tractor-44"), ScryptParams(n=16))
>>> stored.verify("plum-tractor-44"), stored
(True, PasswordHash(algorithm='scrypt', n=16, r=8, p=1))
"""

from __future__ import annotations

import functools
import itertools
import os
from typing import TYPE_CHECKING, Final, NoReturn

import attrs

from ccroles.exceptions import (
    InvalidFieldError,
    PasswordMismatchError,
    WeakPasswordError,
)
from ccroles.names import email_key, email_parts, is_encodable

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = [
    "DEFAULT_SCRYPT",
    "MAX_PASSWORD_LENGTH",
    "MAX_SCRYPT_MEMORY",
    "MAX_SCRYPT_N",
    "MAX_SCRYPT_P",
    "MAX_SCRYPT_R",
    "MAX_SCRYPT_WORK",
    "MIN_PASSWORD_LENGTH",
    "Password",
    "PasswordHash",
    "ScryptParams",
    "check_scrypt_cost",
    "hash_password",
    "is_common_password",
    "password_problems",
]

# _OPENSSL: hashlib and hmac (which loads OpenSSL) are imported where a
# password is hashed or compared, so that loading accounts and answering
# questions (a portal, `ccroles check`) starts without them.

MAX_SCRYPT_N: Final = 2**17
"""The highest scrypt cost ``n`` accepted (8 times the default 2**14)."""

MAX_SCRYPT_R: Final = 32
"""The highest scrypt block size ``r`` accepted."""

MAX_SCRYPT_P: Final = 16
"""The highest scrypt parallelism ``p`` accepted."""

MAX_SCRYPT_MEMORY: Final = 128 * 2**20
"""The most memory one hash may need, ``128 * r * n`` bytes: 128 MiB."""

MAX_SCRYPT_WORK: Final = 2**20
"""The most work one hash may cost, ``n * r * p`` (8 times the default)."""


def check_scrypt_cost(n: object, r: object, p: object, *, record: str) -> None:
    """Refuse scrypt parameters outside the documented bounds.

    ``n`` is a power of 2 from 2 to :data:`MAX_SCRYPT_N`, ``r`` from 1 to
    :data:`MAX_SCRYPT_R`, ``p`` from 1 to :data:`MAX_SCRYPT_P`, needing at
    most :data:`MAX_SCRYPT_MEMORY` bytes and :data:`MAX_SCRYPT_WORK` work:
    a stored hash cannot make a sign-in take seconds and gigabytes. *record*
    names what holds them in the error (``"password hash"``).

    Raises:
        InvalidFieldError: A parameter is not an integer or out of bounds.

    >>> check_scrypt_cost(2**20, 8, 1, record="password hash")
    Traceback (most recent call last):
    ...
    ccroles.exceptions.InvalidFieldError: password hash n 1048576 is refused; expected a power of 2 from 2 to 131072
    """  # noqa: E501
    limits = (
        ("n", n, 2, MAX_SCRYPT_N),
        ("r", r, 1, MAX_SCRYPT_R),
        ("p", p, 1, MAX_SCRYPT_P),
    )
    cost: dict[str, int] = {}
    for name, value, least, most in limits:
        if type(value) is not int or not least <= value <= most:
            kind = "a power of 2" if name == "n" else "an integer"
            expected = f"{kind} from {least} to {most}"
            raise InvalidFieldError(record, name, value, expected=expected)
        if name == "n" and value & (value - 1):
            expected = f"a power of 2 from {least} to {most}"
            raise InvalidFieldError(record, name, value, expected=expected)
        cost[name] = value
    if 128 * cost["r"] * cost["n"] > MAX_SCRYPT_MEMORY:
        expected = f"128 * r * n of at most {MAX_SCRYPT_MEMORY} bytes"
        raise InvalidFieldError(record, "r", r, expected=expected)
    if cost["n"] * cost["r"] * cost["p"] > MAX_SCRYPT_WORK:
        expected = f"n * r * p of at most {MAX_SCRYPT_WORK}"
        raise InvalidFieldError(record, "p", p, expected=expected)


_KEY_BYTES: Final = 32
"""The length of the scrypt key a password hash stores (``dklen``)."""


def _described(value: object) -> str:
    """Bytes as their length, anything else as its type: never the bytes."""
    return f"{len(value)} bytes" if type(value) is bytes else type(value).__name__


def _check_salt_and_key(salt: object, key: object) -> None:
    """Refuse a salt that is empty or no bytes, and a key that is no scrypt key.

    >>> _check_salt_and_key(b"", bytes(32))
    Traceback (most recent call last):
    ...
    ccroles.exceptions.InvalidFieldError: password hash salt '0 bytes' is refused; expected bytes, at least one
    """  # noqa: E501
    if type(salt) is not bytes or not salt:
        expected = "bytes, at least one"
        raise InvalidFieldError(
            "password hash", "salt", _described(salt), expected=expected
        )
    if type(key) is not bytes or len(key) != _KEY_BYTES:
        expected = f"the {_KEY_BYTES} bytes of an scrypt key"
        raise InvalidFieldError(
            "password hash", "hash", _described(key), expected=expected
        )


def _check_algorithm(_: object, __: attrs.Attribute[str], value: str) -> None:
    if value != "scrypt":
        raise InvalidFieldError(
            "password hash", "algorithm", value, expected="'scrypt'"
        )


@attrs.frozen
class PasswordHash:
    """What a portal needs to check a password: a salted scrypt hash, never the text.

    The scrypt parameters are recorded with the hash, so hashes made with
    other parameters still verify. Salt and hash stay out of ``repr``.

    Attributes:
        algorithm: Always ``"scrypt"`` (``hashlib.scrypt``).
        n: scrypt's CPU/memory cost, a power of 2.
        r: scrypt's block size.
        p: scrypt's parallelism.
        salt: The random salt, at least one byte.
        hash: The derived key, 32 bytes.

    Raises:
        InvalidFieldError: An unknown algorithm, a cost outside the bounds of
            :func:`check_scrypt_cost` (the rules of :class:`ScryptParams`),
            a salt that is empty or no bytes, or a key of another length
            than scrypt's 32 bytes (the error shows lengths, never bytes).

    >>> stored = PasswordHash.of("correct horse", salt=b"0123456789abcdef", n=16)
    >>> stored.verify("correct horse"), stored.verify("wrong horse")
    (True, False)
    >>> stored
    PasswordHash(algorithm='scrypt', n=16, r=8, p=1)
    """

    algorithm: str = attrs.field(validator=_check_algorithm)
    n: int
    r: int
    p: int
    salt: bytes = attrs.field(repr=False)
    hash: bytes = attrs.field(repr=False)

    def __attrs_post_init__(self) -> None:
        """Refuse a cost, then a salt or key, that the rules refuse."""
        check_scrypt_cost(self.n, self.r, self.p, record="password hash")
        _check_salt_and_key(self.salt, self.hash)

    @classmethod
    def of(
        cls, password: str, *, salt: bytes, n: int, r: int = 8, p: int = 1
    ) -> PasswordHash:
        """Hash *password* with scrypt, *salt* and the cost parameters."""
        return cls("scrypt", n, r, p, salt, _scrypt(password, salt, n, r, p))

    def verify(self, password: str) -> bool:
        """Whether *password* is the one hashed, compared in constant time.

        Text that cannot be written as UTF-8 is no password: ``False``.
        """
        if not is_encodable(password):
            return False
        key = _scrypt(password, self.salt, self.n, self.r, self.p)
        import hmac  # noqa: PLC0415 (see _OPENSSL)

        return hmac.compare_digest(key, self.hash)


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    """Derive the scrypt key; OpenSSL needs 128 * r * (n + p + 2) bytes.

    Raises:
        WeakPasswordError: *password* cannot be written as UTF-8 (the error
            quotes nothing of it).
    """
    if not is_encodable(password):
        reason = "it holds characters that cannot be written as UTF-8"
        raise WeakPasswordError(reason, owner="the login")
    import hashlib  # noqa: PLC0415 (see _OPENSSL)

    maxmem = 128 * r * (n + p + 2) + 1024 * 1024
    return hashlib.scrypt(
        password.encode(), salt=salt, n=n, r=r, p=p, maxmem=maxmem, dklen=_KEY_BYTES
    )


MIN_PASSWORD_LENGTH: Final = 8
"""The fewest characters a password may have."""

MAX_PASSWORD_LENGTH: Final = 4096
"""The most characters a password may have (far above the 64 NIST asks to allow).

A longer one is refused when set, and a sign-in attempt with one is a wrong
password, refused before any hashing: a huge password costs no time.
"""

_MASK: Final = "********"


class Password:
    """A password: a secret that shows only as ``********``.

    ``repr``, ``str`` and formatting mask it; it cannot be pickled; two
    passwords compare in constant time. Only :meth:`reveal` gives the text.

    >>> secret = Password("correct horse battery")
    >>> secret, f"{secret}", len(secret)
    (Password('********'), '********', 21)
    """

    __slots__ = ("_text",)

    def __init__(self, text: str) -> None:
        self._text = text

    def reveal(self) -> str:
        """Return the clear text, for hashing it; never log or show it."""
        return self._text

    def __len__(self) -> int:
        """Return the number of characters."""
        return len(self._text)

    def __repr__(self) -> str:
        """Return a mask, never the password."""
        return f"Password({_MASK!r})"

    def __str__(self) -> str:
        """Return a mask, never the password."""
        return _MASK

    def __eq__(self, other: object) -> bool:
        """Compare two passwords in constant time (any text, even unwritable)."""
        if not isinstance(other, Password):
            return NotImplemented
        mine = self._text.encode("utf-8", "surrogatepass")
        theirs = other._text.encode("utf-8", "surrogatepass")
        import hmac  # noqa: PLC0415 (see _OPENSSL)

        return hmac.compare_digest(mine, theirs)

    __hash__ = None  # type: ignore[assignment]  # a secret is no dictionary key

    def __reduce__(self) -> NoReturn:
        """Refuse pickling: a password is never serialized."""
        msg = "a Password cannot be pickled"
        raise TypeError(msg)


@attrs.frozen
class ScryptParams:
    """The scrypt cost used for new password hashes.

    The default is n=2**14, r=8, p=1 (16 MiB, tens of milliseconds); tests
    pass a cheaper set. Hashes record their parameters, so changing them
    later keeps old hashes verifiable.

    Attributes:
        n: CPU/memory cost, a power of 2.
        r: Block size.
        p: Parallelism.

    Raises:
        InvalidFieldError: A cost outside the bounds of
            :func:`check_scrypt_cost`, refused as a :class:`PasswordHash`
            refuses it.
    """

    n: int = 2**14
    r: int = 8
    p: int = 1

    def __attrs_post_init__(self) -> None:
        """Refuse costs outside the bounds of :func:`check_scrypt_cost`."""
        check_scrypt_cost(self.n, self.r, self.p, record="scrypt parameters")


DEFAULT_SCRYPT: Final = ScryptParams()
"""The scrypt parameters used unless a caller passes others."""

_SALT_BYTES: Final = 16


def hash_password(
    password: Password, params: ScryptParams = DEFAULT_SCRYPT
) -> PasswordHash:
    """Hash *password* with scrypt and a fresh random salt.

    >>> stored = hash_password(Password("correct horse"), ScryptParams(n=16))
    >>> stored.verify("correct horse")
    True
    """
    return PasswordHash.of(
        password.reveal(),
        salt=os.urandom(_SALT_BYTES),
        n=params.n,
        r=params.r,
        p=params.p,
    )


@functools.cache
def _common_passwords() -> frozenset[str]:
    import importlib.resources  # noqa: PLC0415 (loaded with the list, when first used)

    text = (
        importlib.resources.files("ccroles")
        .joinpath("common_passwords.txt")
        .read_text(encoding="utf-8")
    )
    lines = (line.strip() for line in text.splitlines())
    return frozenset(
        line.casefold() for line in lines if line and not line.startswith("#")
    )


def is_common_password(text: str) -> bool:
    """Whether *text* is on the shipped list of very common passwords (any case).

    >>> is_common_password("Password1"), is_common_password("plum-tractor-44")
    (True, False)
    """
    return text.casefold() in _common_passwords()


_FEW_ADDED: Final = 3
"""How many characters added to a name or an email part still make it guessable."""


def _is_easy_to_guess(text: str, emails: Iterable[str]) -> bool:
    """Whether *text* is one of *emails* or an email's local part (any case)."""
    folded = text.casefold()
    return any(folded in (email_key(email), email_parts(email)[0]) for email in emails)


def _name_parts(names: Iterable[str], emails: Iterable[str]) -> set[str]:
    """The parts of the customer's names and emails a guesser would try first."""
    parts = {name.casefold() for name in names}
    for email in emails:
        local, domain = email_parts(email)
        parts.update((local, domain.split(".")[0]))
    return {part for part in parts if len(part) >= _FEW_ADDED}


def _is_a_name_with_a_few_added(text: str, parts: Iterable[str]) -> bool:
    """Whether *text* is one of *parts* with at most a few characters added."""
    folded = text.casefold()
    return any(
        part in folded and len(folded) - len(part) <= _FEW_ADDED for part in parts
    )


def _is_a_run(text: str) -> bool:
    """Whether *text* is one character repeated, or a run like ``abcdefgh``."""
    steps = {ord(b) - ord(a) for a, b in itertools.pairwise(text.casefold())}
    return len(steps) == 1 and steps <= {-1, 0, 1}


def password_problems(
    password: Password,
    confirm: Password,
    *,
    emails: Iterable[str] = (),
    names: Iterable[str] = (),
    owner: str = "the login",
) -> tuple[WeakPasswordError | PasswordMismatchError, ...]:
    """Every reason to refuse *password*, none of them quoting it.

    A password needs :data:`MIN_PASSWORD_LENGTH` characters, at most
    :data:`MAX_PASSWORD_LENGTH` (refused before any other check), and must equal
    *confirm*. It is refused when easy to guess: white space only, one
    character repeated or a run (``abcdefgh``, ``87654321``), one of the
    10,000 most common passwords (:func:`is_common_password`), one of
    *emails* or its local part, or one of the customer's *names* (its
    customer id, say) or its emails' local parts and domains with at most
    three characters added (``GLOBEX12``). Text that cannot be written as
    UTF-8 (a lone surrogate, what an undecodable byte becomes) is refused
    before anything else.

    >>> for problem in password_problems(Password("acme"), Password("acme!")):
    ...     print(problem)
    the password for the login is refused: it has fewer than 8 characters
    Password and Confirm Password for the login do not match
    """
    problems: list[WeakPasswordError | PasswordMismatchError] = []
    text = password.reveal()
    if not is_encodable(text):
        reason = "it holds characters that cannot be written as UTF-8"
        return (WeakPasswordError(reason, owner=owner),)
    if len(text) > MAX_PASSWORD_LENGTH:
        reason = f"it has more than {MAX_PASSWORD_LENGTH} characters"
        return (WeakPasswordError(reason, owner=owner),)
    emails = tuple(emails)
    if len(text) < MIN_PASSWORD_LENGTH:
        reason = f"it has fewer than {MIN_PASSWORD_LENGTH} characters"
        problems.append(WeakPasswordError(reason, owner=owner))
    if is_common_password(text):
        reason = "it is one of the most common passwords"
        problems.append(WeakPasswordError(reason, owner=owner))
    if _is_easy_to_guess(text, emails):
        reason = "it is the login email or the part before its '@'"
        problems.append(WeakPasswordError(reason, owner=owner))
    elif _is_a_name_with_a_few_added(text, _name_parts(names, emails)):
        reason = "it is the customer's id or email with a few characters added"
        problems.append(WeakPasswordError(reason, owner=owner))
    if not text.strip():
        problems.append(WeakPasswordError("it is only white space", owner=owner))
    elif _is_a_run(text):
        reason = "it is one character repeated, or a run of letters or digits"
        problems.append(WeakPasswordError(reason, owner=owner))
    if password != confirm:
        problems.append(PasswordMismatchError(owner=owner))
    return tuple(problems)
