"""One error tree: every error ccroles raises is a :class:`CCRolesError`.

Each concrete error also subclasses the fitting builtin (``ValueError`` for bad
values, ``KeyError``/``LookupError`` for unknown names), so callers can catch
either. Errors keep their facts as attributes; the message is one sentence
built from them.
"""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from ccroles.serialization import Problem

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
    "LevelAboveRootError",
    "MarkerError",
    "MissingExtraError",
    "MissingNotificationSettingsError",
    "MissingRecordTypeError",
    "MissingValueError",
    "NoFormInEffectError",
    "NoLoginEmailError",
    "NonExternalFormForCustomerCenterError",
    "NotDescendedFromBuiltinError",
    "OnlineFormNotStorableError",
    "OriginRoleMismatchError",
    "PasswordMismatchError",
    "PermissionNotOnRootError",
    "SecondFactorNotAllowedError",
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

    Every error pickles with its message and facts (its attributes), whatever
    its ``__init__`` takes, so errors cross process boundaries (multiprocessing,
    parallel test runners) intact.
    """

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


def _closest(name: str, known: Iterable[str]) -> str | None:
    """Return the known name closest to *name*, or ``None`` when none is close.

    >>> _closest("TRAN_CUSTPYM", ["TRAN_CUSTPYMT", "LIST_CASE"])
    'TRAN_CUSTPYMT'
    """
    by_fold = {k.casefold(): k for k in known}
    matches = difflib.get_close_matches(name.casefold(), by_fold, n=1, cutoff=0.6)
    return by_fold[matches[0]] if matches else None


class InvalidLevelError(CCRolesError, ValueError):
    """Text that is no spelling of a permission level.

    Attributes:
        text: The text that was given.
        valid: The spellings that are accepted (in any case).
        suggestion: The closest spelling, or ``None``.
    """

    def __init__(self, text: object, valid: tuple[str, ...]) -> None:
        self.text = text
        self.valid = valid
        # The title-case spelling comes first in *valid*, so it wins its fold.
        spellings = reversed(valid)
        self.suggestion = _closest(text, spellings) if isinstance(text, str) else None
        hint = f"did you mean {self.suggestion!r}? " if self.suggestion else ""
        super().__init__(
            f"{text!r} is not a permission level; {hint}expected one of "
            f"{', '.join(valid)} (any case)"
        )


class InvalidNameError(CCRolesError, ValueError):
    """A name that is empty, only white space, or not text UTF-8 can write.

    Attributes:
        kind: What was being named (``"role"``, ...).
        name: The name that was given.
    """

    def __init__(self, kind: str, name: object) -> None:
        self.kind = kind
        self.name = name
        blank = isinstance(name, str) and not name.strip()
        rule = "must not be blank" if blank else "must be text that UTF-8 can write"
        super().__init__(f"a {kind} name {rule}, got {name!r}")


class InvalidPermissionKeyError(CCRolesError, ValueError):
    """Text that is not of the form of a permission key.

    Attributes:
        key: The text that was given.
    """

    def __init__(self, key: str) -> None:
        self.key = key
        super().__init__(
            f"{key!r} is not a permission key; a key is a prefix (TRAN_, LIST_, "
            "REGT_, REPO_ or ADMI_) and an upper-case code"
        )


class UnknownNameError(CCRolesError, KeyError):
    """A name that is not in a catalogue, with the closest known name.

    Subclasses ``KeyError`` so mappings raising it still behave as mappings
    (``in`` and ``.get`` work). ``str()`` is the plain sentence, not the quoted
    repr that ``KeyError`` would give.

    Attributes:
        kind: What kind of thing was looked up (``"permission"``, ...).
        name: The name that was looked up.
        suggestion: The closest known name, or ``None``.
    """

    kind = "name"

    def __init__(self, name: object, known: Iterable[str]) -> None:
        self.name = name
        self.suggestion = _closest(name, known) if isinstance(name, str) else None
        hint = f"; did you mean {self.suggestion!r}?" if self.suggestion else ""
        self.message = f"unknown {self.kind} {name!r}{hint}"
        super().__init__(self.message)

    def __str__(self) -> str:
        """Return the message without ``KeyError``'s quoting."""
        return self.message


class UnknownPermissionError(UnknownNameError):
    """A permission key that is not in the catalogue."""

    kind = "permission"


class UnknownFeatureError(UnknownNameError):
    """A feature name that is not in the feature catalogue."""

    kind = "feature"


class UnknownCapabilityError(UnknownNameError):
    """A capability name that ccroles does not know."""

    kind = "capability"


class UnknownRoleError(UnknownNameError):
    """A role name that no known role carries."""

    kind = "role"


class EscalationError(CCRolesError, ValueError):
    """A custom role would grant more than the built-in role it descends from.

    Attributes:
        role: The name of the role being made.
        root: The name of its root built-in role.
    """

    def __init__(self, message: str, *, role: str, root: str) -> None:
        self.role = role
        self.root = root
        super().__init__(message)


class PermissionNotOnRootError(EscalationError):
    """A copy asks for a permission its root built-in role lacks.

    Attributes:
        permission: The permission key asked for.
        requested: The level asked for.
    """

    def __init__(
        self, *, role: str, root: str, permission: str, requested: object
    ) -> None:
        self.permission = permission
        self.requested = requested
        super().__init__(
            f"role {role!r} cannot add permission {permission!r} at {requested}: "
            f"its root role {root!r} does not have it",
            role=role,
            root=root,
        )


class LevelAboveRootError(EscalationError):
    """A copy asks for a level above what its root built-in role holds.

    Attributes:
        permission: The permission key.
        root_level: The level the root role holds.
        requested: The level asked for.
    """

    def __init__(
        self,
        *,
        role: str,
        root: str,
        permission: str,
        root_level: object,
        requested: object,
    ) -> None:
        self.permission = permission
        self.root_level = root_level
        self.requested = requested
        super().__init__(
            f"role {role!r} cannot raise {permission!r} to {requested}: "
            f"its root role {root!r} holds it at {root_level}",
            role=role,
            root=root,
        )


class CapabilityNotOnRootError(EscalationError):
    """A copy asks for a capability its root built-in role lacks.

    Attributes:
        capability: The capability asked for.
    """

    def __init__(self, *, role: str, root: str, capability: object) -> None:
        self.capability = capability
        super().__init__(
            f"role {role!r} cannot add capability {str(capability)!r}: "
            f"its root role {root!r} does not have it",
            role=role,
            root=root,
        )


class CenterTypeMismatchError(CCRolesError, ValueError):
    """A copy of a role claims another center type than its root.

    Attributes:
        role: The name of the copy.
        root: The name of its root role.
        center_type: The center type the copy was given.
        root_center_type: The root role's center type.
    """

    def __init__(
        self, *, role: str, root: str, center_type: object, root_center_type: object
    ) -> None:
        self.role = role
        self.root = root
        self.center_type = center_type
        self.root_center_type = root_center_type
        super().__init__(
            f"role {role!r} cannot be a {center_type} role: it is a copy of "
            f"{root!r}, a {root_center_type} role"
        )


class DuplicateNameError(CCRolesError, ValueError):
    """A name (or id, or email) given twice where it must be unique.

    Attributes:
        kind: What was named (``"role"``, ``"feature"``, ``"email"``, ...).
        name: The repeated name.
    """

    def __init__(self, kind: str, name: object) -> None:
        self.kind = kind
        self.name = name
        super().__init__(f"{kind} {name!r} is given more than once")


class UnknownWebsiteError(UnknownNameError):
    """A website name the account lacks."""

    kind = "website"


class UnknownLoginError(UnknownNameError):
    """An email that no login of the account has.

    No suggestion is made: suggesting another customer's email would leak it.
    """

    kind = "login"

    def __init__(self, email: object) -> None:
        super().__init__(email, ())


class UnknownReferenceError(CCRolesError, ValueError):
    """A record names something the account lacks (a role, a website, ...).

    Attributes:
        kind: What was named (``"role"``, ``"website"``, ``"customer"``).
        value: The name that was given.
        owner: Who named it (``customer 'ACME'``, ``contact 'c1' of ...``).
        suggestion: The closest known name, or ``None``.
    """

    def __init__(
        self, kind: str, value: str, *, owner: str, known: Iterable[str]
    ) -> None:
        self.kind = kind
        self.value = value
        self.owner = owner
        self.suggestion = _closest(value, known)
        hint = f"; did you mean {self.suggestion!r}?" if self.suggestion else ""
        super().__init__(
            f"{owner} names {kind} {value!r}, which the account lacks{hint}"
        )


class DuplicateReferenceError(CCRolesError, ValueError):
    """An id, email or name used twice where it must be unique.

    Attributes:
        kind: What is repeated (``"email"``, ``"internal id"``, ...).
        value: The repeated value.
        owner: The second record that uses it.
    """

    def __init__(self, kind: str, value: str, *, owner: str) -> None:
        self.kind = kind
        self.value = value
        self.owner = owner
        super().__init__(f"{owner} uses {kind} {value!r}, which is already taken")


class CustomerAccessOffError(CCRolesError, ValueError):
    """Access was to be given while the account's Customer Access feature is off.

    Attributes:
        owner: Who was to get access (``customer 'ACME'``, ...).
    """

    def __init__(self, owner: str) -> None:
        self.owner = owner
        super().__init__(
            f"cannot give {owner} access: the Customer Access feature is off; "
            "switch it on at Setup > Company > Setup Tasks > Enable Features, "
            "Web Presence subtab, Customer Access (in ccroles: "
            "Account(customer_access=True))"
        )


class InvalidEmailError(CCRolesError, ValueError):
    """Text that cannot be a login email (see :mod:`ccroles.names`).

    Attributes:
        email: What was given.
        owner: Whose email it was to be.
        field: The record's field that holds it, when a record was built.
    """

    field: str | None = None

    def __init__(self, email: object, *, owner: str) -> None:
        self.email = email
        self.owner = owner
        super().__init__(
            f"{owner} cannot log in as {email!r}: an email is a local part, one "
            "'@' and a domain with a dot, without spaces or control characters, "
            "at most 254 characters"
        )


class InvalidIdError(CCRolesError, ValueError):
    """A value that cannot be an id (see :mod:`ccroles.names`).

    Attributes:
        what: Which id it was to be (``"customer internal_id"``, ...).
        value: What was given (for an over-long integer, only its kind).
        reason: Why it is refused.
        field: The record's field that holds it, when a record was built.
    """

    field: str | None = None

    def __init__(self, what: str, value: object, reason: str) -> None:
        self.what = what
        self.value = value
        self.reason = reason
        super().__init__(f"{what} {value!r} is refused: {reason}")


class NotDescendedFromBuiltinError(CCRolesError, ValueError):
    """A customer center role that does not descend from a built-in role object.

    A look-alike (a role with a built-in role's name but made anew, or a copy
    cut loose from its base) has no ceiling, so an account refuses it.

    Attributes:
        role: The role's name.
        root: The name of the role its chain of copies starts from.
    """

    def __init__(self, role: str, root: str) -> None:
        self.role = role
        self.root = root
        start = "is no copy" if role == root else f"descends from {root!r}, no copy"
        super().__init__(
            f"customer center role {role!r} {start} of a built-in role: make it "
            "with CUSTOMER_CENTER.customize(...) (or the premium or advanced role)"
        )


class InvalidFieldError(CCRolesError, ValueError):
    """A field of a settings record or stored hash with a value it cannot take.

    Attributes:
        record: The kind of record (``"password hash"``, ...).
        field: The field that is wrong (``"algorithm"``, ``"n"``, ...).
        value: Its value (never a password: no such record holds one).
        expected: What the field accepts.
    """

    def __init__(
        self, record: str, field: str, value: object, *, expected: str
    ) -> None:
        self.record = record
        self.field = field
        self.value = value
        self.expected = expected
        super().__init__(f"{record} {field} {value!r} is refused; expected {expected}")


class MissingNotificationSettingsError(CCRolesError, LookupError):
    """A notification was asked for but the account has no notification settings.

    Attributes:
        owner: Who the notification was for.
    """

    def __init__(self, owner: str) -> None:
        self.owner = owner
        super().__init__(
            f"cannot notify {owner}: the account has no notification settings "
            "(administrator email and customer center login address)"
        )


class MissingValueError(CCRolesError, ValueError):
    """A value that access needs is neither given nor on the record.

    Attributes:
        kind: What is missing (``"email"``, ``"role"``).
        owner: Whose value it is.
    """

    def __init__(self, kind: str, *, owner: str) -> None:
        self.kind = kind
        self.owner = owner
        super().__init__(f"{owner} has no {kind}; give one to grant access")


class PasswordMismatchError(CCRolesError, ValueError):
    """Password and Confirm Password differ (neither is ever part of the message).

    Attributes:
        owner: Whose password it was to be.
    """

    def __init__(self, *, owner: str) -> None:
        self.owner = owner
        super().__init__(f"Password and Confirm Password for {owner} do not match")


class UnsafeTemplateError(CCRolesError, ValueError):
    """A notification template with a placeholder it may not use, or malformed.

    Attributes:
        placeholder: The refused placeholder, or ``None`` when the template
            is malformed (a ``$`` not followed by a name).
        allowed: The placeholders a template may use.
    """

    def __init__(self, placeholder: str | None, *, allowed: Iterable[str]) -> None:
        self.placeholder = placeholder
        self.allowed = tuple(allowed)
        names = ", ".join(f"${name}" for name in self.allowed)
        what = (
            f"placeholder ${placeholder} is not allowed"
            if placeholder is not None
            else "a '$' must start a placeholder (write '$$' for a dollar sign)"
        )
        super().__init__(
            f"notification template refused: {what}; it may use {names} "
            "and never a password"
        )


class WeakPasswordError(CCRolesError, ValueError):
    """A password that is too short or easy to guess (never part of the message).

    Attributes:
        owner: Whose password it was to be.
        reason: Why it is refused, in words.
    """

    def __init__(self, reason: str, *, owner: str) -> None:
        self.owner = owner
        self.reason = reason
        super().__init__(f"the password for {owner} is refused: {reason}")


class FormNotAllowedError(CCRolesError, ValueError):
    """A form that may not be marked preferred for a role (DOMAIN §8).

    Each subclass names one rule: its ``reason`` and what is ``allowed``
    instead.

    Attributes:
        form: The form's name.
        role: The role's name.
        center_type: The role's center type.
        reason: Why the form is refused.
        allowed: What would be allowed instead, in words.
    """

    reason = "the form breaks a preferred-form rule"
    allowed = "a form the role may be given"

    def __init__(self, *, form: str, role: str, center_type: object) -> None:
        self.form = form
        self.role = role
        self.center_type = center_type
        super().__init__(
            f"form {form!r} cannot be preferred for {center_type} role {role!r}: "
            f"{self.reason}; allowed instead: {self.allowed}"
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


class WrongRecordTypeError(CCRolesError, ValueError):
    """A form put where a form for another record type is expected.

    Attributes:
        form: The form's name.
        record_type: The form's record type.
        expected: The record type the setting is for.
        setting: What needs the form (``"the account-wide preference"``, ...).
    """

    def __init__(
        self, *, form: str, record_type: object, expected: object, setting: str
    ) -> None:
        self.form = form
        self.record_type = record_type
        self.expected = expected
        self.setting = setting
        super().__init__(
            f"form {form!r} is for {record_type} records, but {setting} needs "
            f"a form for {expected} records"
        )


class NoFormInEffectError(CCRolesError, LookupError):
    """No form that may be stored on a record is in effect when it is saved.

    Attributes:
        record_type: The record type being saved.
        role: The name of the role saving it.
        origin: Where the record comes from.
    """

    def __init__(self, *, record_type: object, role: str, origin: object) -> None:
        self.record_type = record_type
        self.role = role
        self.origin = origin
        super().__init__(
            f"no {record_type} form that is not an online form is in effect for "
            f"role {role!r} ({origin}); set a preferred {record_type} form"
        )


class InvalidOriginError(CCRolesError, ValueError):
    """A record origin with a website when it has none, or without one it needs.

    Attributes:
        channel: How the record was entered.
        website: The website given, or ``None``.
    """

    def __init__(self, *, channel: object, website: str | None) -> None:
        self.channel = channel
        self.website = website
        need = "needs a website name" if website is None else "has no website"
        super().__init__(f"an order {channel} {need}, got website {website!r}")


class OriginRoleMismatchError(CCRolesError, ValueError):
    """A record saved by a role that cannot have entered it that way.

    Attributes:
        origin: Where the record comes from.
        role: The name of the role saving it.
        center_type: The role's center type.
    """

    def __init__(self, *, origin: object, role: str, center_type: object) -> None:
        self.origin = origin
        self.role = role
        self.center_type = center_type
        super().__init__(
            f"an order {origin} cannot be saved by {center_type} role {role!r}"
        )


class OnlineFormNotStorableError(CCRolesError, ValueError):
    """An online (web) form given as the form a saved record keeps.

    Attributes:
        form: The online form's name.
    """

    def __init__(self, form: str) -> None:
        self.form = form
        super().__init__(
            f"form {form!r} is an online form and is never stored as a "
            "record's form; store the preferred form that is not online"
        )


class MarkerError(CCRolesError, ValueError):
    """A generated block's marker is missing, repeated or out of order.

    Attributes:
        marker: The marker line looked for.
        count: How often it was found where it was looked for.
        where: Where it was looked for (``"in the document"``, ...).
    """

    def __init__(self, marker: str, count: int, where: str) -> None:
        self.marker = marker
        self.count = count
        self.where = where
        super().__init__(
            f"expected the marker {marker!r} once {where}, found it {count} times"
        )


class DataFileError(CCRolesError, ValueError):
    """A role or account file that does not load, with every problem found.

    ``str()`` of one problem is that problem's line
    (``file[:line:column]: path: message``); of several, a first line naming
    the file and the number of problems, then one line per problem.

    Attributes:
        file: The file's name.
        problems: Every :class:`~ccroles.serialization.Problem` found, in
            document order (structure first, then references).
    """

    def __init__(self, file: str, problems: Sequence[Problem]) -> None:
        self.file = file
        self.problems = tuple(problems)
        count = len(self.problems)
        lines = "".join(f"\n  {problem}" for problem in self.problems)
        super().__init__(
            str(self.problems[0])
            if count == 1
            else f"{file} does not load: {count} problems{lines}"
        )


class UnreadableFileError(DataFileError):
    """A file that cannot be read at all: missing, a folder, no permission."""


class UnwritableRoleError(CCRolesError, ValueError):
    """A role that a file cannot hold as the role it copies plus changed levels.

    Attributes:
        role: The role's name.
        reason: Why it cannot be written.
    """

    def __init__(self, role: str, reason: str) -> None:
        self.role = role
        self.reason = reason
        super().__init__(f"role {role!r} cannot be written to a file: {reason}")


class MissingExtraError(CCRolesError, ImportError):
    """Something needs an optional extra that is not installed.

    Attributes:
        extra: The extra to install (``toml``).
        package: The package it brings (``tomli-w``).
        purpose: What needs it (``writing TOML``).
    """

    def __init__(self, extra: str, package: str, purpose: str) -> None:
        self.extra = extra
        self.package = package
        self.purpose = purpose
        super().__init__(f"{purpose} needs {package!r}: pip install 'ccroles[{extra}]'")


class DecisionTruthinessError(CCRolesError, TypeError):
    """A decision was used as a truth value; read ``decision.allowed`` instead.

    A :class:`~ccroles.policy.Decision` is always an object, so ``if decision:``
    would always pass; it refuses instead of silently allowing.
    """

    def __init__(self) -> None:
        super().__init__(
            "a Decision has no truth value; write `decision.allowed` instead"
        )


class NoLoginEmailError(CCRolesError, ValueError):
    """A customer to preview has no email, so it has no login to log in as.

    Attributes:
        customer_id: The customer's customer id (``ACME``).
    """

    def __init__(self, customer_id: str) -> None:
        self.customer_id = customer_id
        super().__init__(
            f"customer {customer_id!r} has no email, so there is no login to preview"
        )


class UnknownRecordTypeError(UnknownNameError):
    """A record type name (or permission key) that names no record type."""

    kind = "record type"


class MissingRecordTypeError(CCRolesError, TypeError):
    """A record asked about has no record type, and none was given.

    Attributes:
        record: The name of the record's class.
    """

    def __init__(self, record: str) -> None:
        self.record = record
        super().__init__(
            f"a {record} record has no record_type; pass the record type asked about"
        )


class InvalidQuestionError(CCRolesError, ValueError):
    """Arguments that ask the engine no question it answers.

    Raised by the assertion helpers of :mod:`ccroles.testing`: a level
    without a record, a record asked about with a feature, a login without an
    email.

    Attributes:
        subject: What was given (an action's repr, or a login's label).
        problem: Why the engine cannot be asked about it.
    """

    def __init__(self, subject: str, problem: str) -> None:
        self.subject = subject
        self.problem = problem
        super().__init__(f"cannot ask the engine about {subject}: {problem}")


class SecondFactorNotAllowedError(CCRolesError, ValueError):
    """A second factor required for a customer center role (DOMAIN §6 forbids it).

    Two-factor authentication can be required for the other centers' roles,
    never for a customer center role.

    Attributes:
        role: The role's name.
        center_type: The role's center type.
    """

    def __init__(self, role: str, center_type: object) -> None:
        self.role = role
        self.center_type = center_type
        super().__init__(
            f"role {role!r} cannot require a second factor: it is a "
            f"{center_type} role, and only other centers' roles may require one"
        )


class SignInStoreError(CCRolesError, ValueError):
    """A sign-in store file that cannot be used: not a store, or a newer schema.

    Attributes:
        path: The store file.
        reason: What is wrong with it, in words.
    """

    def __init__(self, path: object, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"cannot use sign-in store {str(path)!r}: {reason}")


class UntranslatableRequirementError(CCRolesError, TypeError):
    """A feature requirement of a kind the Cedar export cannot write.

    The export writes the predicates of :mod:`ccroles.features` (``AtLeast``,
    ``Has`` and their ``&``, ``|``, ``~``); a requirement of another class
    has no Cedar form.

    Attributes:
        requirement: The requirement's name.
        kind: Its class's name.
    """

    def __init__(self, requirement: object) -> None:
        self.requirement = str(requirement)
        self.kind = type(requirement).__name__
        super().__init__(
            f"requirement {self.requirement!r} of kind {self.kind!r} has no Cedar form"
        )
