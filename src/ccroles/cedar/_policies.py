"""The Cedar policies of the export: one ``permit`` or ``forbid`` per rule.

A ``permit`` for signing in, for each feature (its requirement and its
area's) and for each record level, each carrying every check a login must
pass; and a ``forbid`` per check, which names the rule that denied.
"""

from __future__ import annotations

import itertools
import re
from typing import TYPE_CHECKING, Final

from ccroles.cedar._syntax import (
    SIGN_IN,
    CedarNames,
    cedar_string,
    feature_action,
    record_action,
)
from ccroles.exceptions import UntranslatableRequirementError
from ccroles.features import AllOf, AnyOf, AtLeast, Has, Not
from ccroles.permissions import Level

if TYPE_CHECKING:
    from collections.abc import Iterable

    from ccroles.features import Feature, FeatureCatalogue, Requirement

__all__ = ["policy_file_id", "policy_texts"]


def _holds(level: Level, key: str) -> str:
    """The role holds the permission *key* (a Cedar expression) at *level*."""
    return f"principal.role.at_least[{cedar_string(str(level))}].contains({key})"


def _condition(requirement: Requirement) -> str:
    """*requirement* as a Cedar expression over ``principal.role``."""
    if isinstance(requirement, AtLeast):
        return _holds(requirement.level, cedar_string(requirement.permission))
    if isinstance(requirement, Has):
        capability = cedar_string(str(requirement.capability))
        return f"principal.role.capabilities.contains({capability})"
    if isinstance(requirement, Not):
        return f"!({_condition(requirement.part)})"
    if isinstance(requirement, AllOf | AnyOf):
        joint = " && " if isinstance(requirement, AllOf) else " || "
        return "(" + joint.join(_condition(part) for part in requirement.parts) + ")"
    raise UntranslatableRequirementError(requirement)


def _implies(requirement: Requirement, area: Requirement) -> bool:
    """Whether *requirement* is one of *area*'s alternatives (so meets it too)."""
    return requirement == area or (
        isinstance(area, AnyOf) and requirement in area.parts
    )


def _when(requirement: Requirement) -> str:
    """A ``when`` clause; an ``or`` of several parts has one part a line."""
    if isinstance(requirement, AnyOf):
        parts = " ||\n  ".join(_condition(part) for part in requirement.parts)
        return f"when {{\n  {parts}\n}}"
    return f"when {{ {_condition(requirement)} }}"


def _policy(rule_id: str, rule: str, head: str, clauses: Iterable[str] = ()) -> str:
    lines = [f"@id({cedar_string(rule_id)})", f"@rule({cedar_string(rule)})", head]
    lines.extend(clauses)
    return "\n".join(lines) + ";"


# What a login must meet to be allowed anything: every permit carries it all,
# so that a check whose entity or attribute is missing (an error, which makes
# Cedar skip the policy) denies. The forbids below say which check denied.
_MAY_SIGN_IN: Final = (
    "when { principal.customer.account.customer_access }",
    "when { principal.give_access }",
    "when { principal.customer.active }",
    (
        "when {\n"
        "  !principal.of_contact ||\n"
        "  (principal has contact && principal.contact.active)\n"
        "}"
    ),
    "when { principal has role && principal.role.customer_center }",
    (
        "unless {\n"
        "  context has website &&\n"
        "  !(context.website in principal.customer.account)\n"
        "}"
    ),
    (
        "unless {\n"
        "  context has website &&\n"
        "  !(principal.customer.all_websites ||\n"
        "    (principal.customer has assigned_website &&\n"
        "     context.website == principal.customer.assigned_website))\n"
        "}"
    ),
)

_DENY_RULES: Final = (
    (
        "deny: Customer Access off",
        "the account's Customer Access feature must be on",
        "forbid (principal, action, resource)",
        ["unless { principal.customer.account.customer_access }"],
    ),
    (
        "deny: Give Access not ticked",
        "the login must have Give Access ticked",
        "forbid (principal, action, resource)",
        ["unless { principal.give_access }"],
    ),
    (
        "deny: customer inactive",
        "the login's customer must be active",
        "forbid (principal, action, resource)",
        ["unless { principal.customer.active }"],
    ),
    (
        "deny: contact inactive",
        "a contact's login needs the contact active",
        "forbid (principal, action, resource)",
        ["when { principal has contact && !principal.contact.active }"],
    ),
    (
        "deny: no customer center role",
        "the login must have a customer center role",
        "forbid (principal, action, resource)",
        ["unless { principal has role && principal.role.customer_center }"],
    ),
    (
        "deny: unknown website",
        "a request through a website must name one of the account's websites",
        "forbid (principal, action, resource)",
        [
            "when {",
            "  context has website &&",
            "  !(context.website in principal.customer.account)",
            "}",
        ],
    ),
    (
        "deny: website not assigned",
        "a customer with an Assigned Website uses no other website",
        "forbid (principal, action, resource)",
        [
            "when {",
            "  context has website &&",
            "  principal.customer has assigned_website &&",
            "  context.website != principal.customer.assigned_website",
            "}",
        ],
    ),
    (
        "deny: not own record",
        "a customer center login reaches only its own customer's records",
        "forbid (principal, action, resource is {Record})",
        ["unless { resource.owner == principal.customer }"],
    ),
)


def _head(names: CedarNames, action: str, resource: str) -> str:
    return (
        f"permit (principal is {names.type('Login')},"
        f" action == {names.type('Action')}::{cedar_string(action)},"
        f" resource is {names.type(resource)})"
    )


def _feature_policy(
    names: CedarNames, features: FeatureCatalogue, feature: Feature
) -> tuple[str, str]:
    chain = [feature]
    while chain[-1].parent is not None:
        chain.append(features[chain[-1].parent])
    rules = [f"{feature.name}: {feature.requires.name}"]
    clauses = [*_MAY_SIGN_IN, _when(feature.requires)]
    for child, area in itertools.pairwise(chain):
        if _implies(child.requires, area.requires):
            rules.append(f"its area {area.name} holds whenever this does")
        else:
            rules.append(f"its area {area.name}: {area.requires.name}")
            clauses.append(_when(area.requires))
    rule_id = f"feature: {feature.name}"
    head = _head(names, feature_action(feature.name), "Account")
    return rule_id, _policy(rule_id, "; ".join(rules), head, clauses)


def _record_policy(names: CedarNames, level: Level) -> tuple[str, str]:
    rule_id = record_action(level)
    return rule_id, _policy(
        rule_id,
        f"a login reaches a record of its own customer at {level} when its role"
        f" holds the record's permission at {level} or higher",
        _head(names, record_action(level), "Record"),
        [
            *_MAY_SIGN_IN,
            "when { resource.owner == principal.customer }",
            f"when {{ {_holds(level, 'resource.permission')} }}",
        ],
    )


def policy_texts(
    names: CedarNames, features: FeatureCatalogue
) -> tuple[tuple[str, str], ...]:
    """Each policy's ``@id`` and text: the forbids, sign-in, features, records."""
    denies = tuple(
        (
            rule_id,
            _policy(rule_id, rule, head.format(Record=names.type("Record")), body),
        )
        for rule_id, rule, head, body in _DENY_RULES
    )
    sign_in = _policy(
        SIGN_IN,
        "a login that passes every check may sign in",
        _head(names, SIGN_IN, "Account"),
        _MAY_SIGN_IN,
    )
    return (
        *denies,
        (SIGN_IN, sign_in),
        *(_feature_policy(names, features, feature) for feature in features.values()),
        *(_record_policy(names, level) for level in Level),
    )


def policy_file_id(rule_id: str) -> str:
    """The stable id of the policy *rule_id* (its ``@id``), as its file is named.

    Lower-case letters and digits, words joined by ``-``: the same rule
    always gets the same id.

    >>> policy_file_id("feature: Make a Payment"), policy_file_id("record at Edit")
    ('feature-make-a-payment', 'record-at-edit')
    """
    words = re.split(r"[^0-9a-z]+", rule_id.casefold())
    return "-".join(word for word in words if word)
