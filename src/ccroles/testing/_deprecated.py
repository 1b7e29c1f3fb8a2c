"""The assertion helpers that switched their question on their arguments.

:func:`assert_allowed` and :func:`assert_denied` asked about a feature, a
record (with ``record=``) or signing in (with :attr:`Action.SIGN_IN`), and
refused the mixes no question fits with
:class:`~ccroles.exceptions.InvalidQuestionError`. Each question now has its
own pair of helpers (:mod:`ccroles.testing._assertions`), which no argument
can turn into another question; these keep working, with a
:class:`DeprecationWarning`, until the next release.
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, cast

from ccroles._deprecation import warn_renamed
from ccroles.exceptions import InvalidQuestionError
from ccroles.features import Feature
from ccroles.permissions import Level, Permission
from ccroles.testing._assertions import (
    assert_allows,
    assert_allows_record,
    assert_allows_sign_in,
    assert_denies,
    assert_denies_record,
    assert_denies_sign_in,
)

if TYPE_CHECKING:
    from ccroles.decisions import Decision, ReasonCode
    from ccroles.logins import Login
    from ccroles.policy import Engine
    from ccroles.records import OwnedRecord

__all__ = ["Action", "assert_allowed", "assert_denied"]


class Action(enum.Enum):
    """Deprecated: what the old helpers asked besides a feature or a record.

    Ask :func:`~ccroles.testing.assert_allows_sign_in` or
    :func:`~ccroles.testing.assert_denies_sign_in` instead.
    """

    SIGN_IN = "sign in"
    """Signing in, as :meth:`Engine.decide_sign_in` decides."""


def _email(login: Login | str) -> str:
    """The email a login is asked about by."""
    if isinstance(login, str):
        return login
    if login.email is None:
        raise InvalidQuestionError(login.label, "it has no email, hence no login")
    return login.email


def _check_question(
    action: str | Feature | Permission | Action,
    record: OwnedRecord | None,
    level: Level | str | None,
) -> None:
    """Refuse the arguments that ask the engine no question it answers."""
    if record is not None:
        if isinstance(action, Feature | Action):
            raise InvalidQuestionError(
                repr(action), "a record is asked about with a permission key"
            )
        return
    if level is not None:
        raise InvalidQuestionError(
            repr(action), "a level is asked only of a record; pass record="
        )
    if isinstance(action, Permission):
        raise InvalidQuestionError(
            repr(action), "a permission is asked of a record; pass record="
        )


def assert_allowed(  # noqa: PLR0913 (the engine's question, in full)
    engine: Engine,
    login: Login | str,
    action: str | Feature | Permission | Action,
    *,
    record: OwnedRecord | None = None,
    level: Level | str | None = None,
    website: str | None = None,
) -> Decision:
    """Deprecated: :func:`~ccroles.testing.assert_allows` and its siblings.

    A feature is :func:`~ccroles.testing.assert_allows`, a record
    :func:`~ccroles.testing.assert_allows_record`, signing in
    :func:`~ccroles.testing.assert_allows_sign_in`.

    Raises:
        UnexpectedDecisionError: The engine denies it.
        InvalidQuestionError: The arguments ask no question the engine
            answers (a level without a record, a login without an email).
    """
    warn_renamed(
        "assert_allowed",
        "assert_allows, assert_allows_record or assert_allows_sign_in",
    )
    email = _email(login)
    _check_question(action, record, level)
    if record is not None:
        permission = cast("str | Permission", action)  # a Feature is refused
        needed = Level.VIEW if level is None else level
        return assert_allows_record(
            engine, email, permission, record, level=needed, website=website
        )
    if action is Action.SIGN_IN:
        return assert_allows_sign_in(engine, email, website=website)
    feature = cast("str | Feature", action)  # a Permission is refused
    return assert_allows(engine, email, feature, website=website)


def assert_denied(  # noqa: PLR0913 (the engine's question, in full)
    engine: Engine,
    login: Login | str,
    action: str | Feature | Permission | Action,
    *,
    reason: ReasonCode | None = None,
    record: OwnedRecord | None = None,
    level: Level | str | None = None,
    website: str | None = None,
) -> Decision:
    """Deprecated: :func:`~ccroles.testing.assert_denies` and its siblings.

    A feature is :func:`~ccroles.testing.assert_denies`, a record
    :func:`~ccroles.testing.assert_denies_record`, signing in
    :func:`~ccroles.testing.assert_denies_sign_in`.

    Raises:
        UnexpectedDecisionError: The engine allows it, or denies it without
            *reason*.
        InvalidQuestionError: The arguments ask no question the engine
            answers.
    """
    warn_renamed(
        "assert_denied",
        "assert_denies, assert_denies_record or assert_denies_sign_in",
    )
    email = _email(login)
    _check_question(action, record, level)
    if record is not None:
        permission = cast("str | Permission", action)  # a Feature is refused
        needed = Level.VIEW if level is None else level
        return assert_denies_record(
            engine,
            email,
            permission,
            record,
            level=needed,
            reason=reason,
            website=website,
        )
    if action is Action.SIGN_IN:
        return assert_denies_sign_in(engine, email, reason=reason, website=website)
    feature = cast("str | Feature", action)  # a Permission is refused
    return assert_denies(engine, email, feature, reason=reason, website=website)
