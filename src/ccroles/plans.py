"""What each customer center role of an account may do, worked out once.

A :class:`RolePlan` holds, for one role, the features it has, why it lacks
each of the others and the decision for each; :class:`RolePlans` holds the
plans of every customer center role of an account. The
:class:`~ccroles.policy.Engine` builds them when it is built: their cost
depends on the roles, not on the number of customers, and every login of a
role that may sign in shares its role's plan.

>>> from ccroles.accounts import Account
>>> plans = RolePlans.of(Account())
>>> plan = plans.by_name["customer center"]
>>> "Make a Payment" in plan.features
True
>>> [role.name for role in plans.roots]
['Customer Center', 'Premium Customer Center', 'Advanced Customer Center']
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

from ccroles.decisions import Decision, FeatureQuestion
from ccroles.features import FEATURES
from ccroles.names import fold
from ccroles.reasons import feature_reasons

if TYPE_CHECKING:
    from collections.abc import Mapping

    from ccroles.accounts import Account
    from ccroles.decisions import Reason
    from ccroles.features import Feature, FeatureCatalogue
    from ccroles.roles import Role

__all__ = ["RolePlan", "RolePlans"]


@attrs.frozen
class RolePlan:
    """What a customer center role may do, worked out once per engine.

    Attributes:
        role: The role.
        features: The names of the features it has.
        feature_reasons: Feature name to why the role lacks it (empty: has it).
        decisions: Feature name (or a Feature, which misses) to the decision
            for a login of this role that may sign in, asked without a website.
    """

    role: Role
    features: frozenset[str]
    feature_reasons: Mapping[str, tuple[Reason, ...]]
    decisions: Mapping[str | Feature, Decision]

    @classmethod
    def of(
        cls,
        role: Role,
        catalogue: FeatureCatalogue,
        alternatives: Mapping[str, tuple[str, ...]],
        questions: Mapping[str | Feature, FeatureQuestion],
    ) -> RolePlan:
        """Work out the plan of *role* for every feature of *catalogue*.

        Args:
            role: The role.
            catalogue: The feature catalogue.
            alternatives: Feature name to the built-in roles that have it.
            questions: Feature name to its question (without a website).
        """
        reasons = {
            name: feature_reasons(role, catalogue, feature, alternatives[name])
            for name, feature in catalogue.items()
        }
        return cls(
            role=role,
            features=frozenset(name for name, why in reasons.items() if not why),
            feature_reasons=reasons,
            decisions={
                name: Decision(questions[name], why) for name, why in reasons.items()
            },
        )


@attrs.frozen
class RolePlans:
    """The plans of an account's customer center roles, and what they share.

    Attributes:
        by_name: Each role's plan, under its name as written and folded.
        roots: The built-in customer center roles, which a denial suggests
            instead when a role cannot be changed to allow.
        questions: Each feature's question (asked without a website), by
            name; typed wider so that a :class:`~ccroles.features.Feature`
            can be looked up (it misses).
    """

    by_name: Mapping[str | None, RolePlan]
    roots: tuple[Role, ...]
    questions: Mapping[str | Feature, FeatureQuestion]

    @classmethod
    def of(cls, account: Account, features: FeatureCatalogue = FEATURES) -> RolePlans:
        """Work out the plan of each customer center role of *account*."""
        roles = [r for r in account.all_roles if r.center_type.is_customer_center]
        roots = tuple(r for r in roles if not r.is_custom)
        alternatives = {
            name: tuple(r.name for r in roots if features.allows(r, feature))
            for name, feature in features.items()
        }
        questions: dict[str | Feature, FeatureQuestion] = {
            name: FeatureQuestion(name) for name in features
        }
        plans: dict[str | None, RolePlan] = {}
        for role in roles:
            plan = RolePlan.of(role, features, alternatives, questions)
            plans[role.name] = plans[fold(role.name)] = plan
        return cls(plans, roots, questions)
