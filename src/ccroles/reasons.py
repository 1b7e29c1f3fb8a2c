"""Why a login may not do something: the engine's rules, as reasons.

Each function here is pure: it reads a login's facts, a role or the feature
catalogue and gives the failing checks as :class:`~ccroles.decisions.Reason`
values (none when nothing fails), each carrying the smallest change that
would allow it. The :class:`~ccroles.policy.Engine` works them out once per
role (:mod:`ccroles.plans`) or per login (:mod:`ccroles.login_book`) and keeps
them.

>>> from ccroles.features import FEATURES
>>> from ccroles.roles import CUSTOMER_CENTER
>>> accountant = CUSTOMER_CENTER.customize(
...     "Accountant", levels={"TRAN_CUSTPYMT": "None"}
... )
>>> (reason,) = feature_reasons(
...     accountant, FEATURES, FEATURES["Make a Payment"], ("Customer Center",)
... )
>>> print(reason.remedy)
raise Customer Payment from None to Create on role 'Accountant'
>>> feature_reasons(CUSTOMER_CENTER, FEATURES, FEATURES["Make a Payment"], ())
()
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import attrs

from ccroles.decisions import Reason, ReasonCode
from ccroles.features import MissingCapability, Shortfall
from ccroles.names import fold

if TYPE_CHECKING:
    from collections.abc import Collection, Iterable, Mapping
    from datetime import datetime

    from ccroles.accounts import Account
    from ccroles.features import Feature, FeatureCatalogue, Unmet
    from ccroles.forms import RecordType
    from ccroles.logins import LoginFacts
    from ccroles.permissions import Level
    from ccroles.roles import Capability, Role

__all__ = [
    "allows_level",
    "allows_sign_in",
    "feature_reasons",
    "level_reasons",
    "locked",
    "login_reasons",
    "no_form",
    "not_own_record",
    "unknown_login",
    "website_reason",
]


# --- Reasons that depend on the login ------------------------------------

_ACCESS_OFF: Final = Reason(ReasonCode.CUSTOMER_ACCESS_OFF)
_UNKNOWN_LOGIN: Final = Reason(ReasonCode.UNKNOWN_LOGIN)


def allows_sign_in(login: LoginFacts, *, customer_access: bool) -> bool:
    """Whether *login* may sign in, its role aside: the one rule, as a boolean.

    Customer Access is on, Give Access is ticked, and the customer and the
    contact (when a contact logs in) are active. The role must then be one
    of the account's customer center roles. :func:`login_reasons` gives
    the same rule as reasons: it finds none exactly when this holds and the
    role is one.
    """
    return (
        customer_access
        and login.give_access
        and login.active
        and (login.contact_id is None or login.contact_active)
    )


def _customer(login: LoginFacts) -> str:
    """How reasons name the login's customer: its customer id, else internal id."""
    return login.internal_id if login.customer_id is None else login.customer_id


def login_reasons(
    account: Account, login: LoginFacts, centers: Collection[str | None]
) -> tuple[Reason, ...]:
    """The failing checks of *login* that do not depend on the question.

    Args:
        account: The account the login signs in to.
        login: The login's facts.
        centers: The names of the account's customer center roles, folded.

    Raises:
        UnknownRoleError: The login's role is not the account's.
    """
    customer, contact = _customer(login), login.contact_id
    reasons: list[Reason] = []
    if not account.customer_access:
        reasons.append(_ACCESS_OFF)
    if not login.give_access:
        reasons.append(Reason(ReasonCode.NO_ACCESS, customer=customer, contact=contact))
    reasons.extend(
        # login.inactive names the customer, then the contact, when inactive
        Reason(
            ReasonCode.INACTIVE,
            customer=customer,
            contact=None if name == login.customer_label else contact,
        )
        for name in login.inactive
    )
    if login.role is None:
        reasons.append(Reason(ReasonCode.NO_ROLE, customer=customer, contact=contact))
    elif fold(login.role) not in centers:
        center = account.role(login.role).center_type
        reasons.append(
            Reason(
                ReasonCode.NOT_CUSTOMER_CENTER_ROLE,
                role=login.role,
                center=str(center),
                customer=customer,
                contact=contact,
            )
        )
    return tuple(reasons)


def unknown_login(*, customer_access: bool) -> tuple[Reason, ...]:
    """Why a login no one has is denied (and Customer Access, when it is off)."""
    if customer_access:
        return (_UNKNOWN_LOGIN,)
    return (_ACCESS_OFF, _UNKNOWN_LOGIN)


def locked(until: datetime) -> Reason:
    """The login is locked out of signing in until *until*."""
    return Reason(ReasonCode.LOCKED, until=until)


def website_reason(login: LoginFacts, assigned: str, website: str) -> Reason:
    """The login's Assigned Website, *assigned*, is not *website*."""
    return Reason(
        ReasonCode.WEBSITE_NOT_ASSIGNED,
        customer=_customer(login),
        assigned=assigned,
        website=website,
    )


def not_own_record(login: LoginFacts, owner: str) -> Reason:
    """The record is customer *owner*'s, not the login's own customer's."""
    return Reason(ReasonCode.NOT_OWN_RECORD, owner=owner, customer=_customer(login))


def no_form(role: Role, record_type: RecordType) -> Reason:
    """*role* has no form for *record_type*, neither its own nor the account's."""
    return Reason(ReasonCode.NO_FORM, role=role.name, record_type=record_type)


# --- Reasons that depend on the role --------------------------------------


def _shortfall_reason(
    role: Role, shortfall: Shortfall, alternatives: tuple[str, ...]
) -> Reason:
    key, required = shortfall.permission, shortfall.required
    ceiling = role.root.levels.get(key)
    fixable = role.is_custom and ceiling is not None and ceiling >= required
    return Reason(
        ReasonCode.LEVEL_TOO_LOW,
        permission=key,
        required=required,
        held=shortfall.held,
        role=role.name,
        root=None if fixable else role.root.name,
        alternatives=() if fixable else alternatives,
    )


def _capability_reason(
    role: Role, capability: Capability, alternatives: tuple[str, ...]
) -> Reason:
    fixable = role.is_custom and capability in role.root.capabilities
    return Reason(
        ReasonCode.MISSING_CAPABILITY,
        capability=capability,
        role=role.name,
        root=None if fixable else role.root.name,
        alternatives=() if fixable else alternatives,
    )


def _unmet_reason(role: Role, unmet: Unmet, alternatives: tuple[str, ...]) -> Reason:
    if isinstance(unmet, Shortfall):
        return _shortfall_reason(role, unmet, alternatives)
    if isinstance(unmet, MissingCapability):
        return _capability_reason(role, unmet.capability, alternatives)
    return Reason(
        ReasonCode.EXCLUDED, role=role.name, requirement=str(unmet.requirement)
    )


@attrs.frozen
class _Fixed:
    """A role's grants with some unmet requirements supposed fixed."""

    levels: Mapping[str, Level]
    capabilities: frozenset[Capability]

    def fix(self, unmet: Iterable[Unmet]) -> _Fixed:
        levels = dict(self.levels)
        capabilities = set(self.capabilities)
        for item in unmet:
            if isinstance(item, Shortfall):
                levels[item.permission] = item.required
            elif isinstance(item, MissingCapability):
                capabilities.add(item.capability)
        return _Fixed(levels, frozenset(capabilities))


def feature_reasons(
    role: Role,
    catalogue: FeatureCatalogue,
    feature: Feature,
    alternatives: tuple[str, ...],
) -> tuple[Reason, ...]:
    """Why *role* lacks *feature* (empty when it has it).

    A denied area adds :attr:`ReasonCode.PARENT_DENIED` and then only what the
    area still lacks once the feature's own reasons are fixed, so that the
    remedies together are the smallest change.

    Args:
        role: The role asked about.
        catalogue: The feature catalogue *feature* and its areas are in.
        feature: The feature.
        alternatives: The built-in roles that have *feature*, suggested when
            *role* cannot be changed to have it.
    """
    unmet = feature.requires.unmet(role)
    reasons = [_unmet_reason(role, u, alternatives) for u in unmet]
    fixed = _Fixed(role.levels, role.capabilities).fix(unmet)
    parent = feature.parent
    while parent is not None:
        area = catalogue[parent]
        if not area.requires(role):
            still = area.requires.unmet(fixed)
            reasons.append(
                Reason(ReasonCode.PARENT_DENIED, feature=area.name, covered=not still)
            )
            reasons.extend(_unmet_reason(role, u, alternatives) for u in still)
            fixed = fixed.fix(still)
        parent = area.parent
    return tuple(reasons)


def level_reasons(
    role: Role, key: str, level: Level, roots: tuple[Role, ...]
) -> tuple[Reason, ...]:
    """Why *role* does not hold *key* at *level* (empty when it does).

    *roots* are the built-in roles a denial suggests instead, those that
    hold *key* at *level*.
    """
    if allows_level(role, key, level):
        return ()
    alternatives = tuple(r.name for r in roots if allows_level(r, key, level))
    return (
        _shortfall_reason(
            role, Shortfall(key, level, role.levels.get(key)), alternatives
        ),
    )


def allows_level(role: Role, key: str, level: Level) -> bool:
    """Whether *role* holds the permission *key* at *level* or above."""
    held = role.levels.get(key)
    return held is not None and held >= level
