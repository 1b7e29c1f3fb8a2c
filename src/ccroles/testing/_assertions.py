"""Assertions that ask the engine one question each, in its own words.

Each question has its pair, named after the engine's: :func:`assert_allows`
and :func:`assert_denies` (a feature, as :meth:`Engine.allows
<ccroles.policy.Engine.allows>`), :func:`assert_allows_record` and
:func:`assert_denies_record` (a record, as :meth:`Engine.allows_record
<ccroles.policy.Engine.allows_record>`), :func:`assert_allows_sign_in` and
:func:`assert_denies_sign_in` (signing in, as :meth:`Engine.allows_sign_in
<ccroles.policy.Engine.allows_sign_in>`). Login first, then what it asks.
Each returns the engine's :class:`~ccroles.decisions.Decision`, and raises
:class:`UnexpectedDecisionError`, with the engine's explanation, when the
answer is not the one expected.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ccroles.permissions import Level
from ccroles.testing._matrix import record_cell
from ccroles.wording import explain

if TYPE_CHECKING:
    from ccroles.decisions import Decision, ReasonCode
    from ccroles.features import Feature
    from ccroles.logins import Login
    from ccroles.permissions import Permission
    from ccroles.policy import Engine
    from ccroles.records import OwnedRecord

__all__ = [
    "UnexpectedDecisionError",
    "assert_allows",
    "assert_allows_record",
    "assert_allows_sign_in",
    "assert_denies",
    "assert_denies_record",
    "assert_denies_sign_in",
]


class UnexpectedDecisionError(AssertionError):
    """The engine's answer is not the one a test expected.

    The message says what was expected and what the engine answered, then
    gives its full explanation (:func:`ccroles.explain`); when a denial has
    the wrong reasons, the codes expected and found.

    Attributes:
        email: The login asked about: its email (a login without one, its
            label).
        decision: The engine's decision.
        expected_reason: The reason code the test expected, or ``None``.
    """

    def __init__(
        self, email: str, decision: Decision, expected_reason: ReasonCode | None
    ) -> None:
        self.email = email
        self.decision = decision
        self.expected_reason = expected_reason
        explanation = explain(decision, email)
        if decision.allowed:
            super().__init__(f"expected a denial, got allowed: {explanation}")
            return
        if expected_reason is None:
            super().__init__(f"expected allowed, got a denial: {explanation}")
            return
        found = ", ".join(dict.fromkeys(r.code.name for r in decision.reasons))
        super().__init__(
            f"expected the reason {expected_reason.name}, found {found}: {explanation}"
        )


def _asked(login: Login | str) -> Login | str:
    """What the engine is asked about: an email, or a login without one.

    A :class:`~ccroles.logins.Login` is asked about by its email, so the
    engine answers for the login of its own account (a login drawn from
    another version of the account answers as that account has it now);
    a login without an email is asked about as itself.
    """
    if isinstance(login, str) or login.email is None:
        return login
    return login.email


def _who(login: Login | str) -> str:
    """How a message names *login*: its email, or its label when it has none."""
    if isinstance(login, str):
        return login
    return login.email if login.email is not None else login.label


def _allowed(login: Login | str, decision: Decision) -> Decision:
    """*decision*, when it allows; else the error that explains it."""
    if not decision.allowed:
        raise UnexpectedDecisionError(_who(login), decision, None)
    return decision


def _denied(
    login: Login | str, decision: Decision, reason: ReasonCode | None
) -> Decision:
    """*decision*, when it denies (for *reason*, if given); else the error."""
    if decision.allowed or (
        reason is not None and reason not in {r.code for r in decision.reasons}
    ):
        raise UnexpectedDecisionError(_who(login), decision, reason)
    return decision


def _decide_feature(
    engine: Engine, login: Login | str, feature: str | Feature, website: str | None
) -> Decision:
    """Ask *engine* about *feature*; note its cell in the current log."""
    asked = _asked(login)
    decision = engine.decide(asked, feature, website)
    found = engine.account.find_login(asked) if isinstance(asked, str) else asked
    # The cell is covered only when the answer turned on the role: the login
    # may sign in (an inactive customer is denied whatever its role has).
    turned_on_role = engine.allows_sign_in(asked, website)
    if found is not None and found.role is not None and turned_on_role:
        role = engine.account.role(found.role).name
        record_cell(role, engine.features.resolve(feature).name)
    return decision


def assert_allows(
    engine: Engine,
    login: Login | str,
    feature: str | Feature,
    *,
    website: str | None = None,
) -> Decision:
    """Assert the engine allows *login* the *feature*; return the decision.

    Args:
        engine: The engine asked.
        login: The login's email, or the :class:`~ccroles.logins.Login`
            (asked about by its email, as the engine's account has it).
        feature: The feature, or its name.
        website: The website asked through, or ``None``.

    The role-by-feature cell of the login's role is noted in the current
    :class:`~ccroles.testing.CellLog`.

    Raises:
        UnexpectedDecisionError: The engine denies it; the message is the
            engine's explanation, with every reason and remedy.

    >>> from ccroles import Account, Customer, Engine
    >>> engine = Engine(Account(customers=[
    ...     Customer("101", "ACME", email="ap@acme.example", give_access=True,
    ...              role="Customer Center", active=False),
    ... ]))
    >>> assert_allows(engine, "ap@acme.example", "Make a Payment")
    Traceback (most recent call last):
    ...
    ccroles.testing.UnexpectedDecisionError: expected allowed, got a denial: ap@acme.example may not use Make a Payment: customer 'ACME' is inactive. To allow it: make customer 'ACME' active.
    """  # noqa: E501
    return _allowed(login, _decide_feature(engine, login, feature, website))


def assert_denies(
    engine: Engine,
    login: Login | str,
    feature: str | Feature,
    *,
    reason: ReasonCode | None = None,
    website: str | None = None,
) -> Decision:
    """Assert the engine denies *login* the *feature*, for *reason* if given.

    The arguments are those of :func:`assert_allows`; *reason* must be
    among the decision's reason codes (a denial may have several).

    Raises:
        UnexpectedDecisionError: The engine allows it, or denies it without
            *reason*; the message is the engine's explanation.

    >>> from ccroles import Account, Customer, Engine, ReasonCode
    >>> engine = Engine(Account(customers=[
    ...     Customer("101", "ACME", email="ap@acme.example", give_access=True,
    ...              role="Advanced Customer Center"),
    ... ]))
    >>> decision = assert_denies(
    ...     engine, "ap@acme.example", "Wish Lists",
    ...     reason=ReasonCode.MISSING_CAPABILITY,
    ... )
    """
    decision = _decide_feature(engine, login, feature, website)
    return _denied(login, decision, reason)


def assert_allows_record(  # noqa: PLR0913 (the engine's record question, in full)
    engine: Engine,
    login: Login | str,
    permission: str | Permission,
    record: OwnedRecord,
    *,
    level: Level | str = Level.VIEW,
    website: str | None = None,
) -> Decision:
    """Assert the engine lets *login* reach *record* at *level*.

    Args:
        engine: The engine asked.
        login: The login's email, or the login (asked about by its email).
        permission: The permission the record falls under (its key, or the
            :class:`~ccroles.permissions.Permission`).
        record: The record (any :class:`~ccroles.records.OwnedRecord`).
        level: The level it is reached at (View by default).
        website: The website asked through, or ``None``.

    Raises:
        UnexpectedDecisionError: The engine denies it; the message is the
            engine's explanation.

    >>> from ccroles import Account, Customer, Engine
    >>> from ccroles.testing import Record
    >>> engine = Engine(Account(customers=[
    ...     Customer("101", "ACME", email="ap@acme.example", give_access=True,
    ...              role="Customer Center"),
    ... ]))
    >>> decision = assert_allows_record(
    ...     engine, "ap@acme.example", "TRAN_CUSTINVC", Record("101")
    ... )
    """
    decision = engine.decide_record(_asked(login), permission, record, level, website)
    return _allowed(login, decision)


def assert_denies_record(  # noqa: PLR0913 (the engine's record question, in full)
    engine: Engine,
    login: Login | str,
    permission: str | Permission,
    record: OwnedRecord,
    *,
    level: Level | str = Level.VIEW,
    reason: ReasonCode | None = None,
    website: str | None = None,
) -> Decision:
    """Assert the engine keeps *login* from *record* at *level*, for *reason*.

    The arguments are those of :func:`assert_allows_record`; *reason*, when
    given, must be among the decision's reason codes.

    Raises:
        UnexpectedDecisionError: The engine allows it, or denies it without
            *reason*; the message is the engine's explanation.
    """
    decision = engine.decide_record(_asked(login), permission, record, level, website)
    return _denied(login, decision, reason)


def assert_allows_sign_in(
    engine: Engine, login: Login | str, *, website: str | None = None
) -> Decision:
    """Assert the engine lets *login* sign in (to *website*, if given).

    Raises:
        UnexpectedDecisionError: The engine refuses; the message is the
            engine's explanation.
    """
    return _allowed(login, engine.decide_sign_in(_asked(login), website))


def assert_denies_sign_in(
    engine: Engine,
    login: Login | str,
    *,
    reason: ReasonCode | None = None,
    website: str | None = None,
) -> Decision:
    """Assert the engine refuses *login* signing in, for *reason* if given.

    Raises:
        UnexpectedDecisionError: The engine lets it sign in, or refuses
            without *reason*; the message is the engine's explanation.

    >>> from ccroles import Account, Customer, Engine
    >>> engine = Engine(Account(customers=[
    ...     Customer("101", "ACME", email="ap@acme.example", give_access=True,
    ...              role="Advanced Customer Center"),
    ... ]))
    >>> assert_denies_sign_in(engine, "ap@acme.example")
    Traceback (most recent call last):
    ...
    ccroles.testing.UnexpectedDecisionError: expected a denial, got allowed: ap@acme.example may sign in.
    """  # noqa: E501
    return _denied(login, engine.decide_sign_in(_asked(login), website), reason)
