"""One error tree: every error ccroles raises is a :class:`CCRolesError`.

Each concrete error also subclasses the fitting builtin (``ValueError`` for bad
values, ``KeyError``/``LookupError`` for unknown names), so callers can catch
either. Errors keep their facts as attributes; the message is one sentence
built from them. Near-twins form families with one base to catch:
:class:`UnknownNameError` (any name or reference that is not known),
:class:`DuplicateNameError` (anything given twice) and
:class:`InvalidValueError` (a value a field cannot take).

Every error is an attrs class (``@attrs.define``, which makes an exception
class's ``args`` its facts and leaves ``str()`` to the message). This module
is the bottom layer of the package: it imports nothing of ccroles, and
:class:`Problem` (one thing wrong with a file) lives here for
:class:`DataFileError`.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, ClassVar

import attrs

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = [
    "AdvancedPrintingForCustomerCenterError",
    "CCRolesError",
    "CapabilityNotOnRootError",
    "CenterTypeMismatchError",
    "CustomerAccessOffError",
    "DataFileError",
    "DecisionTruthinessError",
    "DuplicateNameError",
    "DuplicateReferenceError",
    "EscalationError",
    "ExternalFormForInternalRoleError",
    "FormNotAllowedError",
    "InvalidEmailError",
    "InvalidFieldError",
    "InvalidIdError",
    "InvalidLevelError",
    "InvalidNameError",
    "InvalidOriginError",
    "InvalidPermissionKeyError",
    "InvalidQuestionError",
    "InvalidValueError",
    "LevelAboveRootError",
    "MarkerError",
    "MatrixFileError",
    "MissingExtraError",
    "MissingNotificationSettingsError",
    "MissingRecordTypeError",
    "MissingValueError",
    "NoFormInEffectError",
    "NoLoginEmailError",
    "NonExternalFormForCustomerCenterError",
    "NotDescendedFromBuiltinError",
    "NotPermittedError",
    "OnlineFormNotStorableError",
    "OriginRoleMismatchError",
    "PasswordMismatchError",
    "PermissionNotOnRootError",
    "Problem",
    "SecondFactorNotAllowedError",
    "SessionWithoutSignInError",
    "SignInStoreError",
    "UnknownCapabilityError",
    "UnknownFeatureError",
    "UnknownLoginError",
    "UnknownNameError",
    "UnknownPermissionError",
    "UnknownRecordTypeError",
    "UnknownReferenceError",
    "UnknownRoleError",
    "UnknownWebsiteError",
    "UnreadableFileError",
    "UnsafeTemplateError",
    "UntranslatableRequirementError",
    "UnwritableRoleError",
    "WeakPasswordError",
    "WrongRecordTypeError",
]


class CCRolesError(Exception):
    """The root of every error ccroles raises.

    A subclass states its message once, as a template over its facts
    (``"unknown {self.kind} {self.name!r}"``); ``str()`` fills it in. Every
    error pickles with its message and facts (its attributes), so errors
    cross process boundaries (multiprocessing, parallel test runners) intact.

    >>> str(UnknownRoleError("Byer", ["Buyer"]))
    "unknown role 'Byer'; did you mean 'Buyer'?"
    """

    _message: ClassVar[str] = ""

    def __str__(self) -> str:
        """Return the message, one sentence built from the facts."""
        if not self._message:
            return super().__str__()
        return self._message.format(self=self)

    def __repr__(self) -> str:
        """Return the class and its facts (the known names left out)."""
        cls = type(self)
        if not attrs.has(cls):
            return super().__repr__()
        facts = (
            f"{field.name}={getattr(self, field.name)!r}"
            for field in attrs.fields(cls)
            if field.name != "known"
        )
        return f"{cls.__name__}({', '.join(facts)})"

    def __reduce__(self) -> tuple[object, ...]:
        """Rebuild from the arguments and the facts, without calling ``__init__``."""
        return (_rebuilt, (type(self), self.args, dict(self.__dict__)))


def _rebuilt(
    cls: type[CCRolesError], args: tuple[object, ...], facts: dict[str, object]
) -> CCRolesError:
    """An error of *cls* with *args* and the attributes *facts* (for pickle)."""
    error = cls.__new__(cls, *args)
    error.args = args
    error.__dict__.update(facts)
    return error


def _names(names: Iterable[str]) -> tuple[str, ...]:
    """*names* as a tuple (a converter cheaper for attrs to inspect than ``tuple``)."""
    return tuple(names)


def _problems(problems: Iterable[Problem]) -> tuple[Problem, ...]:
    """*problems* as a tuple."""
    return tuple(problems)


def _closest(name: object, known: Iterable[str]) -> str | None:
    """Return the known name closest to *name*, or ``None`` when none is close.

    >>> _closest("TRAN_CUSTPYM", ["TRAN_CUSTPYMT", "LIST_CASE"])
    'TRAN_CUSTPYMT'
    """
    if not isinstance(name, str):
        return None
    import difflib  # noqa: PLC0415 (only when an error is made)

    by_fold = {k.casefold(): k for k in known}
    matches = difflib.get_close_matches(name.casefold(), by_fold, n=1, cutoff=0.6)
    return by_fold[matches[0]] if matches else None


def _did_you_mean(suggestion: str | None, text: str) -> str:
    """*text* with the suggestion filled in, or nothing without one."""
    return text.format(suggestion) if suggestion is not None else ""


@attrs.frozen
class Problem:
    """One thing wrong with a file.

    Attributes:
        file: The file's name (``<string>`` for text given directly).
        message: What is wrong, in one sentence.
        path: Where in the document (``roles[1].levels.TRAN_CUSTPYMT``); empty
            for the document as a whole.
        line: The line of the problem (from 1), or ``None``.
        column: The column of a syntax error (from 1), or ``None``.

    >>> print(Problem("a.toml", "unknown role 'X'", path="customers[0].role"))
    a.toml: customers[0].role: unknown role 'X'
    >>> print(Problem("a.toml", "Invalid value", line=3, column=9))
    a.toml:3:9: Invalid value
    >>> print(Problem("a.ccroles.toml", "unknown key", path="extra", line=2))
    a.ccroles.toml:2: extra: unknown key
    """

    file: str
    message: str
    path: str = ""
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        """Return ``file[:line:column][: path]: message``, as compilers do."""
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            where += f":{self.column}" if self.column is not None else ""
        if self.path:
            where += f": {self.path}"
        return f"{where}: {self.message}"


# --- unknown names: one family -------------------------------------------


@attrs.define(auto_exc=True, slots=False, repr=False)
class UnknownNameError(CCRolesError, KeyError):
    """A name that is not in a catalogue, with the closest known name.

    The family of every "not known" error: catch it to catch them all.
    Subclasses ``KeyError`` so mappings raising it still behave as mappings
    (``in`` and ``.get`` work). ``str()`` is the plain sentence, not the quoted
    repr that ``KeyError`` would give.

    Attributes:
        name: The name that was looked up.
        known: The names that are known (the suggestion is picked from them).
        kind: What kind of thing was looked up (``"permission"``, ...).
        suggestion: The closest known name, or ``None``.
    """

    name: object
    known: tuple[str, ...] = attrs.field(default=(), converter=_names)
    kind: str = attrs.field(default="name", init=False)
    suggestion: str | None = attrs.field(default=None, init=False)
    _message = "unknown {self.kind} {self.name!r}{self._hint}"

    def __attrs_post_init__(self) -> None:
        """Pick the suggestion from the known names."""
        self.suggestion = _closest(self.name, self.known)

    @property
    def _hint(self) -> str:
        return _did_you_mean(self.suggestion, "; did you mean {!r}?")


@attrs.define(auto_exc=True, slots=False, repr=False)
class UnknownPermissionError(UnknownNameError):
    """A permission key that is not in the catalogue."""

    kind: str = attrs.field(default="permission", init=False)


@attrs.define(auto_exc=True, slots=False, repr=False)
class UnknownFeatureError(UnknownNameError):
    """A feature name that is not in the feature catalogue."""

    kind: str = attrs.field(default="feature", init=False)


@attrs.define(auto_exc=True, slots=False, repr=False)
class UnknownCapabilityError(UnknownNameError):
    """A capability name that ccroles does not know."""

    kind: str = attrs.field(default="capability", init=False)


@attrs.define(auto_exc=True, slots=False, repr=False)
class UnknownRoleError(UnknownNameError):
    """A role name that no known role carries."""

    kind: str = attrs.field(default="role", init=False)


@attrs.define(auto_exc=True, slots=False, repr=False)
class UnknownWebsiteError(UnknownNameError):
    """A website name the account lacks."""

    kind: str = attrs.field(default="website", init=False)


@attrs.define(auto_exc=True, slots=False, repr=False)
class UnknownRecordTypeError(UnknownNameError):
    """A record type name (or permission key) that names no record type."""

    kind: str = attrs.field(default="record type", init=False)


@attrs.define(auto_exc=True, slots=False, repr=False)
class UnknownLoginError(UnknownNameError):
    """An email that no login of the account has.

    No suggestion is made: suggesting another customer's email would leak it,
    so the known emails are never taken.
    """

    known: tuple[str, ...] = attrs.field(default=(), init=False)
    kind: str = attrs.field(default="login", init=False)


@attrs.define(auto_exc=True, slots=False, repr=False)
class UnknownReferenceError(UnknownNameError, ValueError):
    """A record names something the account lacks (a role, a website, ...).

    Attributes:
        kind: What was named (``"role"``, ``"website"``, ``"customer"``).
        name: The name that was given (also as ``value``).
        owner: Who named it (``customer 'ACME'``, ``contact 'c1' of ...``).
        known: The names the account has.
        suggestion: The closest known name, or ``None``.
    """

    kind: str
    name: object = attrs.field(alias="value")
    owner: str = attrs.field(kw_only=True)
    known: tuple[str, ...] = attrs.field(kw_only=True, converter=_names)
    _message = (
        "{self.owner} names {self.kind} {self.name!r}, which the account "
        "lacks{self._hint}"
    )

    @property
    def value(self) -> object:
        """The name that was given (the same as ``name``)."""
        return self.name


# --- names given twice: one family ---------------------------------------


@attrs.define(auto_exc=True, slots=False, repr=False)
class DuplicateNameError(CCRolesError, ValueError):
    """A name (or id, or email) given twice where it must be unique.

    The family of every "given twice" error: catch it to catch them all.

    Attributes:
        kind: What was named (``"role"``, ``"feature"``, ``"email"``, ...).
        name: The repeated name.
    """

    kind: str
    name: object
    _message = "{self.kind} {self.name!r} is given more than once"


@attrs.define(auto_exc=True, slots=False, repr=False)
class DuplicateReferenceError(DuplicateNameError):
    """An id, email or name of an account's record used twice.

    Attributes:
        kind: What is repeated (``"email"``, ``"internal id"``, ...).
        name: The repeated value (also as ``value``).
        owner: The second record that uses it.
    """

    name: object = attrs.field(alias="value")
    owner: str = attrs.field(kw_only=True)
    _message = "{self.owner} uses {self.kind} {self.name!r}, which is already taken"

    @property
    def value(self) -> object:
        """The repeated value (the same as ``name``)."""
        return self.name


# --- values a field cannot take: one family ------------------------------


@attrs.define(auto_exc=True, slots=False, repr=False)
class InvalidValueError(CCRolesError, ValueError):
    """A value that a name, an id, an email or a record's field cannot take.

    The family of every "this value is refused" error: catch it to catch
    them all.

    Attributes:
        field: The record's field that holds the value, when a record was
            built (set by the record's validator), else ``None``.
    """

    field: str | None = attrs.field(default=None, init=False)


@attrs.define(auto_exc=True, slots=False, repr=False)
class InvalidNameError(InvalidValueError):
    """A name that is empty, only white space, or not text UTF-8 can write.

    Attributes:
        kind: What was being named (``"role"``, ...).
        name: The name that was given.
    """

    kind: str
    name: object
    _message = "a {self.kind} name {self._rule}, got {self.name!r}"

    @property
    def _rule(self) -> str:
        blank = isinstance(self.name, str) and not self.name.strip()
        return "must not be blank" if blank else "must be text that UTF-8 can write"


@attrs.define(auto_exc=True, slots=False, repr=False)
class InvalidEmailError(InvalidValueError):
    """Text that cannot be a login email (see :mod:`ccroles.names`).

    Attributes:
        email: What was given.
        owner: Whose email it was to be.
    """

    email: object
    owner: str = attrs.field(kw_only=True)
    _message = (
        "{self.owner} cannot log in as {self.email!r}: an email is a local part, "
        "one '@' and a domain with a dot, without spaces or control characters, "
        "at most 254 characters"
    )


@attrs.define(auto_exc=True, slots=False, repr=False)
class InvalidIdError(InvalidValueError):
    """A value that cannot be an id (see :mod:`ccroles.names`).

    Attributes:
        what: Which id it was to be (``"customer internal_id"``, ...).
        value: What was given (for an over-long integer, only its kind).
        reason: Why it is refused.
    """

    what: str
    value: object
    reason: str
    _message = "{self.what} {self.value!r} is refused: {self.reason}"


@attrs.define(auto_exc=True, slots=False, repr=False)
class InvalidFieldError(InvalidValueError):
    """A field of a settings record or stored hash with a value it cannot take.

    Attributes:
        record: The kind of record (``"password hash"``, ...).
        field: The field that is wrong (``"algorithm"``, ``"n"``, ...).
        value: Its value (never a password: no such record holds one).
        expected: What the field accepts.
    """

    record: str
    field: str | None
    value: object
    expected: str = attrs.field(kw_only=True)
    _message = (
        "{self.record} {self.field} {self.value!r} is refused; expected {self.expected}"
    )


@attrs.define(auto_exc=True, slots=False, repr=False)
class MissingValueError(InvalidValueError):
    """A value that access needs is neither given nor on the record.

    Attributes:
        kind: What is missing (``"email"``, ``"role"``).
        owner: Whose value it is.
    """

    kind: str
    owner: str = attrs.field(kw_only=True)
    _message = "{self.owner} has no {self.kind}; give one to grant access"


@attrs.define(auto_exc=True, slots=False, repr=False)
class InvalidLevelError(InvalidValueError):
    """Text that is no spelling of a permission level.

    Attributes:
        text: The text that was given.
        valid: The spellings that are accepted (in any case).
        suggestion: The closest spelling, or ``None``.
    """

    text: object
    valid: tuple[str, ...] = attrs.field(converter=_names)
    suggestion: str | None = attrs.field(default=None, init=False)
    _message = (
        "{self.text!r} is not a permission level; {self._hint}expected one of "
        "{self._valid}"
    )

    def __attrs_post_init__(self) -> None:
        """Pick the suggestion from the valid spellings."""
        # The title-case spelling comes first in *valid*, so it wins its fold.
        self.suggestion = _closest(self.text, reversed(self.valid))

    @property
    def _hint(self) -> str:
        return _did_you_mean(self.suggestion, "did you mean {!r}? ")

    @property
    def _valid(self) -> str:
        """The words a person types, once each; the other spellings described."""
        words: dict[str, str] = {}
        for spelling in self.valid:
            words.setdefault(spelling.lstrip("_").casefold(), spelling.lstrip("_"))
        prefixed = [s for s in self.valid if s.startswith("_")]
        also = f"; {prefixed[0]!r} and the like are read too" if prefixed else ""
        return f"{', '.join(words.values())} (any case{also})"


@attrs.define(auto_exc=True, slots=False, repr=False)
class InvalidPermissionKeyError(InvalidValueError):
    """Text that is not of the form of a permission key.

    Attributes:
        key: The text that was given.
    """

    key: str
    _message = (
        "{self.key!r} is not a permission key; a key is a prefix (TRAN_, LIST_, "
        "REGT_, REPO_ or ADMI_) and an upper-case code"
    )


# --- roles ------------------------------------------------------------------


@attrs.define(auto_exc=True, slots=False, repr=False)
class EscalationError(CCRolesError, ValueError):
    """A custom role would grant more than the built-in role it descends from.

    The family of the three ways a copy may not exceed its root.

    Attributes:
        role: The name of the role being made.
        root: The name of its root built-in role.
    """

    role: str = attrs.field(kw_only=True)
    root: str = attrs.field(kw_only=True)


@attrs.define(auto_exc=True, slots=False, repr=False)
class PermissionNotOnRootError(EscalationError):
    """A copy asks for a permission its root built-in role lacks.

    Attributes:
        permission: The permission key asked for.
        requested: The level asked for.
    """

    permission: str = attrs.field(kw_only=True)
    requested: object = attrs.field(kw_only=True)
    _message = (
        "role {self.role!r} cannot add permission {self.permission!r} at "
        "{self.requested}: its root role {self.root!r} does not have it"
    )


@attrs.define(auto_exc=True, slots=False, repr=False)
class LevelAboveRootError(EscalationError):
    """A copy asks for a level above what its root built-in role holds.

    Attributes:
        permission: The permission key.
        root_level: The level the root role holds.
        requested: The level asked for.
    """

    permission: str = attrs.field(kw_only=True)
    root_level: object = attrs.field(kw_only=True)
    requested: object = attrs.field(kw_only=True)
    _message = (
        "role {self.role!r} cannot raise {self.permission!r} to {self.requested}: "
        "its root role {self.root!r} holds it at {self.root_level}"
    )


@attrs.define(auto_exc=True, slots=False, repr=False)
class CapabilityNotOnRootError(EscalationError):
    """A copy asks for a capability its root built-in role lacks.

    Attributes:
        capability: The capability asked for.
    """

    capability: object = attrs.field(kw_only=True)
    _message = (
        "role {self.role!r} cannot add capability {self._capability!r}: "
        "its root role {self.root!r} does not have it"
    )

    @property
    def _capability(self) -> str:
        return str(self.capability)


@attrs.define(auto_exc=True, slots=False, repr=False)
class CenterTypeMismatchError(CCRolesError, ValueError):
    """A copy of a role claims another center type than its root.

    Attributes:
        role: The name of the copy.
        root: The name of its root role.
        center_type: The center type the copy was given.
        root_center_type: The root role's center type.
    """

    role: str = attrs.field(kw_only=True)
    root: str = attrs.field(kw_only=True)
    center_type: object = attrs.field(kw_only=True)
    root_center_type: object = attrs.field(kw_only=True)
    _message = (
        "role {self.role!r} cannot be a {self.center_type} role: it is a copy of "
        "{self.root!r}, a {self.root_center_type} role"
    )


@attrs.define(auto_exc=True, slots=False, repr=False)
class NotDescendedFromBuiltinError(CCRolesError, ValueError):
    """A customer center role that does not descend from a built-in role object.

    A look-alike (a role with a built-in role's name but made anew, or a copy
    cut loose from its base) has no ceiling, so an account refuses it.

    Attributes:
        role: The role's name.
        root: The name of the role its chain of copies starts from.
    """

    role: str
    root: str
    _message = (
        "customer center role {self.role!r} {self._start} of a built-in role: make "
        "it with CUSTOMER_CENTER.customize(...) (or the premium or advanced role)"
    )

    @property
    def _start(self) -> str:
        if self.role == self.root:
            return "is no copy"
        return f"descends from {self.root!r}, no copy"


@attrs.define(auto_exc=True, slots=False, repr=False)
class SecondFactorNotAllowedError(CCRolesError, ValueError):
    """A second factor required for a customer center role.

    Two-factor authentication can be required for the other centers' roles,
    never for a customer center role: customers sign in to the customer
    center with their email and password alone.

    Attributes:
        role: The role's name.
        center_type: The role's center type.
    """

    role: str
    center_type: object
    _message = (
        "role {self.role!r} cannot require a second factor: it is a "
        "{self.center_type} role, and only other centers' roles may require one"
    )


# --- accounts, access and passwords ----------------------------------------


@attrs.define(auto_exc=True, slots=False, repr=False)
class CustomerAccessOffError(CCRolesError, ValueError):
    """Access was to be given while the account's Customer Access feature is off.

    Attributes:
        owner: Who was to get access (``customer 'ACME'``, ...).
    """

    owner: str
    _message = (
        "cannot give {self.owner} access: the Customer Access feature is off; "
        "switch it on at Setup > Company > Setup Tasks > Enable Features, "
        "Web Presence subtab, Customer Access (in ccroles: "
        "Account(customer_access=True))"
    )


@attrs.define(auto_exc=True, slots=False, repr=False)
class MissingNotificationSettingsError(CCRolesError, LookupError):
    """A notification was asked for but the account has no notification settings.

    Attributes:
        owner: Who the notification was for.
    """

    owner: str
    _message = (
        "cannot notify {self.owner}: the account has no notification settings "
        "(administrator email and customer center login address)"
    )


@attrs.define(auto_exc=True, slots=False, repr=False)
class PasswordMismatchError(CCRolesError, ValueError):
    """Password and Confirm Password differ (neither is ever part of the message).

    Attributes:
        owner: Whose password it was to be.
    """

    owner: str = attrs.field(kw_only=True)
    _message = "Password and Confirm Password for {self.owner} do not match"


@attrs.define(auto_exc=True, slots=False, repr=False)
class WeakPasswordError(CCRolesError, ValueError):
    """A password that is too short or easy to guess (never part of the message).

    Attributes:
        reason: Why it is refused, in words.
        owner: Whose password it was to be.
    """

    reason: str
    owner: str = attrs.field(kw_only=True)
    _message = "the password for {self.owner} is refused: {self.reason}"


@attrs.define(auto_exc=True, slots=False, repr=False)
class UnsafeTemplateError(CCRolesError, ValueError):
    """A notification template with a placeholder it may not use, or malformed.

    Attributes:
        placeholder: The refused placeholder, or ``None`` when the template
            is malformed (a ``$`` not followed by a name).
        allowed: The placeholders a template may use.
    """

    placeholder: str | None
    allowed: tuple[str, ...] = attrs.field(kw_only=True, converter=_names)
    _message = (
        "notification template refused: {self._what}; it may use {self._names} "
        "and never a password"
    )

    @property
    def _what(self) -> str:
        if self.placeholder is None:
            return "a '$' must start a placeholder (write '$$' for a dollar sign)"
        return f"placeholder ${self.placeholder} is not allowed"

    @property
    def _names(self) -> str:
        return ", ".join(f"${name}" for name in self.allowed)


@attrs.define(auto_exc=True, slots=False, repr=False)
class NoLoginEmailError(CCRolesError, ValueError):
    """A customer to preview has no email, so it has no login to log in as.

    Attributes:
        customer_id: The customer's customer id (``ACME``).
    """

    customer_id: str
    _message = (
        "customer {self.customer_id!r} has no email, so there is no login to preview"
    )


@attrs.define(auto_exc=True, slots=False, repr=False)
class SignInStoreError(CCRolesError, ValueError):
    """A sign-in store file that cannot be used: not a store, or a newer schema.

    Attributes:
        path: The store file.
        reason: What is wrong with it, in words.
    """

    path: object
    reason: str
    _message = "cannot use sign-in store {self._path!r}: {self.reason}"

    @property
    def _path(self) -> str:
        return str(self.path)


@attrs.define(auto_exc=True, slots=False, repr=False)
class NotPermittedError(CCRolesError, PermissionError):
    """An acting user whose role lacks what an act that changes access needs.

    Attributes:
        actor: The acting user's email.
        role: Their role.
        act: The act, in words.
        needs: What it needs (a role or a permission), in words.
        remedy: What to do.
    """

    actor: str
    role: str
    act: str
    needs: str
    remedy: str
    _message = (
        "{self.actor!r} (role {self.role!r}) may not {self.act}: it needs "
        "{self.needs}; {self.remedy}"
    )


# --- forms -----------------------------------------------------------------


@attrs.define(auto_exc=True, slots=False, repr=False)
class FormNotAllowedError(CCRolesError, ValueError):
    """A form that may not be marked preferred for a role.

    Each subclass names one rule: its ``reason`` and what is ``allowed``
    instead.

    Attributes:
        form: The form's name.
        role: The role's name.
        center_type: The role's center type.
        reason: Why the form is refused.
        allowed: What would be allowed instead, in words.
    """

    reason: ClassVar[str] = "the form breaks a preferred-form rule"
    allowed: ClassVar[str] = "a form the role may be given"
    form: str = attrs.field(kw_only=True)
    role: str = attrs.field(kw_only=True)
    center_type: object = attrs.field(kw_only=True)
    _message = (
        "form {self.form!r} cannot be preferred for {self.center_type} role "
        "{self.role!r}: {self.reason}; allowed instead: {self.allowed}"
    )


class ExternalFormForInternalRoleError(FormNotAllowedError):
    """An external form marked preferred for a role outside the customer center."""

    reason = "external forms are for customer center roles only"
    allowed = "a form whose name does not end with '(External)'"


class NonExternalFormForCustomerCenterError(FormNotAllowedError):
    """A form that is not external marked preferred for a customer center role."""

    reason = "it is not external"
    allowed = "a form with Basic printing whose name ends with '(External)'"


class AdvancedPrintingForCustomerCenterError(FormNotAllowedError):
    """A custom form with Advanced printing marked preferred for a customer role."""

    reason = "a custom form for a customer center role must use Basic printing"
    allowed = "an external form with Basic printing"


@attrs.define(auto_exc=True, slots=False, repr=False)
class WrongRecordTypeError(CCRolesError, ValueError):
    """A form put where a form for another record type is expected.

    Attributes:
        form: The form's name.
        record_type: The form's record type.
        expected: The record type the setting is for.
        setting: What needs the form (``"the account-wide preference"``, ...).
    """

    form: str = attrs.field(kw_only=True)
    record_type: object = attrs.field(kw_only=True)
    expected: object = attrs.field(kw_only=True)
    setting: str = attrs.field(kw_only=True)
    _message = (
        "form {self.form!r} is for {self.record_type} records, but {self.setting} "
        "needs a form for {self.expected} records"
    )


@attrs.define(auto_exc=True, slots=False, repr=False)
class NoFormInEffectError(CCRolesError, LookupError):
    """No form that may be stored on a record is in effect when it is saved.

    Attributes:
        record_type: The record type being saved.
        role: The name of the role saving it.
        origin: Where the record comes from.
    """

    record_type: object = attrs.field(kw_only=True)
    role: str = attrs.field(kw_only=True)
    origin: object = attrs.field(kw_only=True)
    _message = (
        "no {self.record_type} form that is not an online form is in effect for "
        "role {self.role!r} ({self.origin}); set a preferred {self.record_type} form"
    )


@attrs.define(auto_exc=True, slots=False, repr=False)
class InvalidOriginError(CCRolesError, ValueError):
    """A record origin with a website when it has none, or without one it needs.

    Attributes:
        channel: How the record was entered.
        website: The website given, or ``None``.
    """

    channel: object = attrs.field(kw_only=True)
    website: str | None = attrs.field(kw_only=True)
    _message = "an order {self.channel} {self._need}, got website {self.website!r}"

    @property
    def _need(self) -> str:
        return "needs a website name" if self.website is None else "has no website"


@attrs.define(auto_exc=True, slots=False, repr=False)
class OriginRoleMismatchError(CCRolesError, ValueError):
    """A record saved by a role that cannot have entered it that way.

    Attributes:
        origin: Where the record comes from.
        role: The name of the role saving it.
        center_type: The role's center type.
    """

    origin: object = attrs.field(kw_only=True)
    role: str = attrs.field(kw_only=True)
    center_type: object = attrs.field(kw_only=True)
    _message = (
        "an order {self.origin} cannot be saved by {self.center_type} role "
        "{self.role!r}"
    )


@attrs.define(auto_exc=True, slots=False, repr=False)
class OnlineFormNotStorableError(CCRolesError, ValueError):
    """An online (web) form given as the form a saved record keeps.

    Attributes:
        form: The online form's name.
    """

    form: str
    _message = (
        "form {self.form!r} is an online form and is never stored as a "
        "record's form; store the preferred form that is not online"
    )


@attrs.define(auto_exc=True, slots=False, repr=False)
class MissingRecordTypeError(CCRolesError, TypeError):
    """A record asked about has no record type, and none was given.

    Attributes:
        record: The name of the record's class.
    """

    record: str
    _message = (
        "a {self.record} record has no record_type; pass the record type asked about"
    )


# --- the engine ------------------------------------------------------------


@attrs.define(auto_exc=True, slots=False, repr=False)
class DecisionTruthinessError(CCRolesError, TypeError):
    """A decision was used as a truth value; read ``decision.allowed`` instead.

    A :class:`~ccroles.decisions.Decision` is always an object, so
    ``if decision:`` would always pass; it refuses instead of silently
    allowing.
    """

    _message = "a Decision has no truth value; write `decision.allowed` instead"


@attrs.define(auto_exc=True, slots=False, repr=False)
class InvalidQuestionError(CCRolesError, ValueError):
    """Arguments that ask the engine no question it answers.

    Deprecated, with the only helpers that raise it: the old
    ``ccroles.testing.assert_allowed`` and ``assert_denied`` (a level
    without a record, a record asked about with a feature, a login without an
    email). Their replacements, one per question, cannot be asked a
    malformed question; it goes with them in the next release.

    Attributes:
        subject: What was given (an action's repr, or a login's label).
        problem: Why the engine cannot be asked about it.
    """

    subject: str
    problem: str
    _message = "cannot ask the engine about {self.subject}: {self.problem}"


@attrs.define(auto_exc=True, slots=False, repr=False)
class SessionWithoutSignInError(CCRolesError, TypeError):
    """A guard got a session to check, but its gate has no sign-in rules.

    A session is checked by :meth:`~ccroles.signin.SignIn.decide_session`
    (has it ended?); a gate built without a ``SignIn`` cannot ask, and
    refuses to guess. A configuration error, raised on the first request.

    Attributes:
        login: The session's login.
    """

    login: str
    _message = (
        "the login function gave a session of {self.login!r}, but the gate has "
        "no SignIn to check it with; build the Gate with sign_in=..."
    )


# --- files -------------------------------------------------------------------


@attrs.define(auto_exc=True, slots=False, repr=False)
class DataFileError(CCRolesError, ValueError):
    """A role or account file that does not load, with every problem found.

    ``str()`` of one problem is that problem's line
    (``file[:line:column]: path: message``); of several, a first line naming
    the file and the number of problems, then one line per problem.

    Attributes:
        file: The file's name.
        problems: Every :class:`Problem` found, in document order (structure
            first, then references).
    """

    file: str
    problems: tuple[Problem, ...] = attrs.field(converter=_problems)

    def __str__(self) -> str:
        """Return the one problem's line, or a count and one line per problem."""
        if len(self.problems) == 1:
            return str(self.problems[0])
        lines = "".join(f"\n  {problem}" for problem in self.problems)
        return f"{self.file} does not load: {len(self.problems)} problems{lines}"


@attrs.define(auto_exc=True, slots=False, repr=False)
class UnreadableFileError(DataFileError):
    """A file that cannot be read at all: missing, a folder, no permission."""


@attrs.define(auto_exc=True, slots=False, repr=False)
class UnwritableRoleError(CCRolesError, ValueError):
    """A role that a file cannot hold as the role it copies plus changed levels.

    Attributes:
        role: The role's name.
        reason: Why it cannot be written.
    """

    role: str
    reason: str
    _message = "role {self.role!r} cannot be written to a file: {self.reason}"


@attrs.define(auto_exc=True, slots=False, repr=False)
class MarkerError(CCRolesError, ValueError):
    """A generated block's marker is missing, repeated or out of order.

    Attributes:
        marker: The marker line looked for.
        count: How often it was found where it was looked for.
        where: Where it was looked for (``"in the document"``, ...).
    """

    marker: str
    count: int
    where: str
    _message = (
        "expected the marker {self.marker!r} once {self.where}, "
        "found it {self.count} times"
    )


@attrs.define(auto_exc=True, slots=False, repr=False)
class MatrixFileError(DataFileError):
    """A matrix test file of the pytest plugin that does not load.

    Read like a role or account file, it carries every problem found; each
    problem also names its line (``cases.toml:4: case[0].login: ...``).
    """


@attrs.define(auto_exc=True, slots=False, repr=False)
class MissingExtraError(CCRolesError, ImportError):
    """Something needs an optional extra that is not installed.

    Attributes:
        extra: The extra to install (``toml``).
        package: The package it brings (``tomli-w``).
        purpose: What needs it (``writing TOML``).
    """

    extra: str
    package: str
    purpose: str
    _message = (
        "{self.purpose} needs {self.package!r} (the {self.extra!r} extra): "
        "{self.install}"
    )

    @property
    def install(self) -> str:
        """The command that installs the package into the running Python."""
        import shlex  # noqa: PLC0415 (only for this message; start-up stays small)

        python = sys.executable or "python3"
        return f"{shlex.quote(python)} -m pip install {shlex.quote(self.package)}"


@attrs.define(auto_exc=True, slots=False, repr=False, init=False)
class UntranslatableRequirementError(CCRolesError, TypeError):
    """A feature requirement of a kind the Cedar export cannot write.

    The export writes the predicates of :mod:`ccroles.features` (``AtLeast``,
    ``Has`` and their ``&``, ``|``, ``~``); a requirement of another class
    has no Cedar form.

    Attributes:
        requirement: The requirement's name.
        kind: Its class's name.
    """

    requirement: str
    kind: str
    _message = (
        "requirement {self.requirement!r} of kind {self.kind!r} has no Cedar form"
    )

    def __init__(self, requirement: object) -> None:
        self.__attrs_init__(str(requirement), type(requirement).__name__)
