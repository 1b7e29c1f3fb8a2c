r"""The same rules for Cedar: a schema, policies and entities written from an account.

`Cedar <https://www.cedarpolicy.com>`_ is a policy language with an
open-source engine; :func:`to_cedar` writes an account's rules in it, so that
services in any language (or a managed authorization service) can answer the
questions :class:`~ccroles.policy.Engine` answers, and get the same answers:

- the **schema** declares the entity types (``Account``, ``Website``,
  ``Customer``, ``Contact``, ``Role``, ``Login``, ``Record``) and one action
  per question: ``sign in``, ``feature: NAME`` for each feature of the
  matrix, and ``record at LEVEL`` for each permission level; in Cedar's
  human-readable form and in its JSON form, optionally in a namespace;
- the **policies** are the rules, one policy per rule with an ``@id`` naming
  it: a ``permit`` for signing in, for each feature (its requirement and its
  area's, translated from the :class:`~ccroles.features.Requirement`
  predicates) and for each record level, each carrying every check a login
  must pass; and a ``forbid`` per check (the Customer Access switch, Give
  Access, active customer and contact, a customer center role, a known and
  assigned website, a record of its own customer), which names the rule
  that denied;
- the **entities** are the account read through its own rules: its
  websites, customers, contacts, roles and logins, every reference resolved
  to the account's own entity by the lookups the engine uses (a role or an
  Assigned Website named in another case is the account's role or website).

Deny by default holds, and fails closed: a ``permit`` applies only when
every check holds, and Cedar skips a policy whose evaluation errors, so an
entity or attribute missing from a request denies the question (an unknown
login, feature, website or record owner included). Nothing here needs Cedar
itself; the text is written by this module and checked by Cedar's own
validator in the tests (``pip install 'ccroles[cedar]'`` brings ``cedarpy``).

A login is the entity ``Login::"<email>"`` with the email's key
(:func:`ccroles.names.email_key`), so that Cedar, which compares ids
exactly, finds it in any case; the login of
:class:`~ccroles.accounts.LoginFacts` is ``Login::"customer <internal id>"``
or ``Login::"contact <contact id>"`` (no email has a space).
:func:`sign_in_question`, :func:`feature_question` and
:func:`record_question` build the requests, reading names as the engine
does; :func:`login_entities` gives the entities one login's questions need.

>>> from ccroles.accounts import Account, Customer
>>> account = Account(customers=[Customer("101", "ACME", email="AP@acme.example",
...                                       give_access=True, role="customer center")])
>>> export = to_cedar(account)
>>> print(export.policy("deny: Customer Access off"))
@id("deny: Customer Access off")
@rule("the account's Customer Access feature must be on")
forbid (principal, action, resource)
unless { principal.customer.account.customer_access };
>>> feature_question(account, "AP@acme.example", "make a payment").request["action"]
{'type': 'Action', 'id': 'feature: Make a Payment'}
"""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Literal

import attrs

from ccroles.accounts import LoginFacts
from ccroles.exceptions import (
    DuplicateNameError,
    InvalidFieldError,
    UntranslatableRequirementError,
)
from ccroles.features import FEATURES, AllOf, AnyOf, AtLeast, Has, Not
from ccroles.names import email_key, owner_id
from ccroles.permissions import PERMISSIONS, Level
from ccroles.writing import write_atomically

if TYPE_CHECKING:
    import os
    from collections.abc import Iterable, Iterator, Mapping

    from ccroles.accounts import Account, Customer
    from ccroles.features import Feature, FeatureCatalogue, Requirement
    from ccroles.permissions import Permission
    from ccroles.records import OwnedRecord
    from ccroles.roles import Role

__all__ = [
    "ACCOUNT_ID",
    "ENTITIES_FILE",
    "POLICIES_DIRECTORY",
    "POLICIES_FILE",
    "SCHEMA_FILE",
    "SCHEMA_JSON_FILE",
    "SIGN_IN",
    "CedarExport",
    "CedarQuestion",
    "SchemaFormat",
    "export_cedar",
    "feature_action",
    "feature_question",
    "login_entities",
    "login_id",
    "policy_file_id",
    "record_action",
    "record_question",
    "sign_in_question",
    "to_cedar",
]

SCHEMA_FILE: Final = "ccroles.cedarschema"
"""The schema's file name in the export directory (Cedar's schema text)."""
SCHEMA_JSON_FILE: Final = "ccroles.cedarschema.json"
"""The schema's file name when written in Cedar's JSON schema form."""
POLICIES_FILE: Final = "ccroles.cedar"
"""The file of all the policies in the export directory."""
POLICIES_DIRECTORY: Final = "policies"
"""The folder of the export directory holding one file per policy."""
ENTITIES_FILE: Final = "entities.json"
"""The entities' file name in the export directory."""

ACCOUNT_ID: Final = "account"
"""The id of the one ``Account`` entity, the resource of sign-in and features."""
SIGN_IN: Final = "sign in"
"""The action of the sign-in question."""

SchemaFormat = Literal["cedar", "json"]
"""The forms the schema is written in: Cedar's schema text, or its JSON form."""

_HEADER: Final = (
    "// Generated by ccroles from the account, its roles and the feature\n"
    "// requirements: do not edit; regenerate with `ccroles export cedar`.\n"
)

# A Cedar name: identifiers joined by "::"; the words Cedar reserves are none.
_IDENTIFIER: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_RESERVED: Final = frozenset(
    {"true", "false", "if", "then", "else", "in", "is", "like", "has", "__cedar"}
)


def _check_namespace(namespace: str | None) -> str | None:
    """*namespace* when it is a Cedar name (``Shop``, ``Acme::Shop``), or ``None``.

    Raises:
        InvalidFieldError: *namespace* is not a Cedar name.
    """
    if namespace is None:
        return None
    given: object = namespace  # a caller may pass anything: only text is a name
    parts = given.split("::") if isinstance(given, str) else [""]
    if not all(_IDENTIFIER.fullmatch(part) and part not in _RESERVED for part in parts):
        raise InvalidFieldError(
            "Cedar export",
            "namespace",
            namespace,
            expected="a Cedar name: identifiers (letters, digits, _) joined by ::",
        )
    return namespace


def record_action(level: Level | str) -> str:
    """The action of reaching a record at *level*.

    Raises:
        InvalidLevelError: *level* spells no level.

    >>> record_action("edit")
    'record at Edit'
    """
    return f"record at {Level.parse(level)}"


def feature_action(feature: str) -> str:
    """The action of using the feature named *feature*.

    Feature actions carry a prefix, so that no feature name (known or not)
    is ever taken for the sign-in or a record action.

    >>> feature_action("Make a Payment")
    'feature: Make a Payment'
    """
    return f"feature: {feature}"


def _string(text: str) -> str:
    """*text* as a Cedar string literal (quotes, backslashes, controls escaped)."""
    out = []
    for char in text:
        if char in '"\\':
            out.append("\\" + char)
        elif char.isprintable():
            out.append(char)
        else:
            out.append(f"\\u{{{ord(char):x}}}")
    return '"' + "".join(out) + '"'


# --- the schema -------------------------------------------------------------
#
# One description, in Cedar's JSON schema form; the schema text is written
# from it, so the two forms cannot differ.

_BOOL: Final = {"type": "Boolean"}
_TEXT: Final = {"type": "String"}
_TEXTS: Final = {"type": "Set", "element": _TEXT}


def _of(name: str) -> dict[str, str]:
    return {"type": "Entity", "name": name}


def _optional(kind: Mapping[str, object]) -> dict[str, object]:
    return {**kind, "required": False}


def _shape(attributes: Mapping[str, object]) -> dict[str, object]:
    return {"type": "Record", "attributes": dict(attributes)}


# Each entity type: its comment, its parents, its attributes. An attribute
# that may be absent has a required Bool beside it saying whether it should
# be there, so that removing it denies rather than allows.
_ENTITY_TYPES: Final[
    tuple[tuple[str, str, tuple[str, ...], dict[str, object]], ...]
] = (
    (
        "Account",
        "The account: its Customer Access switch. Its websites belong to it.",
        (),
        {"customer_access": _BOOL},
    ),
    ("Website", "", ("Account",), {}),
    (
        "Customer",
        (
            "A customer record; its logins reach only the records it owns.\n"
            "all_websites: it has no Assigned Website."
        ),
        (),
        {
            "account": _of("Account"),
            "customer_id": _TEXT,
            "active": _BOOL,
            "all_websites": _BOOL,
            "assigned_website": _optional(_of("Website")),
        },
    ),
    ("Contact", "", (), {"customer": _of("Customer"), "active": _BOOL}),
    (
        "Role",
        (
            "A role: for each level, the permission keys held at that level or\n"
            "higher; and its capabilities."
        ),
        (),
        {
            "customer_center": _BOOL,
            "at_least": _shape({str(level): _TEXTS for level in Level}),
            "capabilities": _TEXTS,
        },
    ),
    (
        "Login",
        (
            "A login: a customer's own, or one of its contacts' (of_contact).\n"
            "Its id is the email's key (casefolded)."
        ),
        (),
        {
            "customer": _of("Customer"),
            "of_contact": _BOOL,
            "contact": _optional(_of("Contact")),
            "give_access": _BOOL,
            "role": _optional(_of("Role")),
        },
    ),
    (
        "Record",
        "A record asked about: the customer owning it and its permission key.",
        (),
        {"owner": _of("Customer"), "permission": _TEXT},
    ),
)

# The website a request comes through; none: the customer center itself.
_CONTEXT: Final = _shape({"website": _optional(_of("Website"))})


def _actions(features: FeatureCatalogue) -> tuple[str, ...]:
    """Every action: sign in, the features, the record levels."""
    return (
        SIGN_IN,
        *(feature_action(name) for name in features),
        *(record_action(level) for level in Level),
    )


def _resource(action: str) -> str:
    return "Record" if action.startswith("record at ") else "Account"


def _schema_json(features: FeatureCatalogue, namespace: str | None) -> str:
    entity_types: dict[str, object] = {}
    for name, _, parents, attributes in _ENTITY_TYPES:
        entity: dict[str, object] = {}
        if parents:
            entity["memberOfTypes"] = list(parents)
        if attributes:
            entity["shape"] = _shape(attributes)
        entity_types[name] = entity
    actions = {
        action: {
            "appliesTo": {
                "principalTypes": ["Login"],
                "resourceTypes": [_resource(action)],
                "context": _CONTEXT,
            }
        }
        for action in _actions(features)
    }
    schema = {namespace or "": {"entityTypes": entity_types, "actions": actions}}
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def _cedar_type(kind: Mapping[str, Any], indent: str | None) -> str:
    """A type of the JSON form as Cedar's schema text writes it.

    A record has one attribute a line, indented from *indent*; all on one
    line when *indent* is ``None``.
    """
    name = kind["type"]
    if name == "Boolean":
        return "Bool"
    if name == "Set":
        return f"Set<{_cedar_type(kind['element'], indent)}>"
    if name == "Entity":
        return str(kind["name"])
    if name == "Record":
        attributes: Mapping[str, Mapping[str, Any]] = kind["attributes"]
        inner = None if indent is None else indent + "  "
        lines = [
            f"{_string(key)}{'' if value.get('required', True) else '?'}: "
            f"{_cedar_type(value, inner)}"
            for key, value in attributes.items()
        ]
        if inner is None:
            return "{ " + ", ".join(lines) + " }"
        return "{" + "".join(f"\n{inner}{line}," for line in lines) + f"\n{indent}}}"
    return str(name)  # String


def _schema_text(features: FeatureCatalogue, namespace: str | None) -> str:
    indent = "  " if namespace else ""
    lines = [_HEADER]
    if namespace:
        lines.append(f"namespace {namespace} {{")
    for name, comment, parents, attributes in _ENTITY_TYPES:
        lines.extend(f"{indent}// {line}" for line in comment.splitlines())
        head = f"{indent}entity {name}"
        if parents:
            head += " in [" + ", ".join(parents) + "]"
        if attributes:
            head += " = " + _cedar_type(_shape(attributes), indent)
        lines.append(head + ";")
    lines.append(f"{indent}// The website a request comes through; none: the center.")
    context = _cedar_type(_CONTEXT, None)
    lines.extend(
        f"{indent}action {_string(action)} appliesTo {{ principal: Login,"
        f" resource: {_resource(action)}, context: {context} }};"
        for action in _actions(features)
    )
    if namespace:
        lines.append("}")
    return "\n".join(lines) + "\n"


# --- the policies -----------------------------------------------------------


def _holds(level: Level, key: str) -> str:
    """The role holds the permission *key* (a Cedar expression) at *level*."""
    return f"principal.role.at_least[{_string(str(level))}].contains({key})"


def _condition(requirement: Requirement) -> str:
    """*requirement* as a Cedar expression over ``principal.role``."""
    if isinstance(requirement, AtLeast):
        return _holds(requirement.level, _string(requirement.permission))
    if isinstance(requirement, Has):
        capability = _string(str(requirement.capability))
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


@attrs.frozen
class _Names:
    """How the policies and requests name types: in the namespace, if any."""

    namespace: str | None = None

    def type(self, kind: str) -> str:
        return f"{self.namespace}::{kind}" if self.namespace else kind

    def uid(self, kind: str, entity_id: str) -> dict[str, str]:
        return {"type": self.type(kind), "id": entity_id}

    def ref(self, kind: str, entity_id: str) -> dict[str, dict[str, str]]:
        return {"__entity": self.uid(kind, entity_id)}

    def entity(
        self,
        kind: str,
        entity_id: str,
        attributes: Mapping[str, object],
        parents: Iterable[dict[str, str]] = (),
    ) -> dict[str, object]:
        return {
            "uid": self.uid(kind, entity_id),
            "attrs": dict(attributes),
            "parents": list(parents),
        }


def _policy(rule_id: str, rule: str, head: str, clauses: Iterable[str] = ()) -> str:
    lines = [f"@id({_string(rule_id)})", f"@rule({_string(rule)})", head]
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


def _head(names: _Names, action: str, resource: str) -> str:
    return (
        f"permit (principal is {names.type('Login')},"
        f" action == {names.type('Action')}::{_string(action)},"
        f" resource is {names.type(resource)})"
    )


def _feature_policy(
    names: _Names, features: FeatureCatalogue, feature: Feature
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


def _record_policy(names: _Names, level: Level) -> tuple[str, str]:
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


def _policies(names: _Names, features: FeatureCatalogue) -> tuple[tuple[str, str], ...]:
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


# --- the entities -----------------------------------------------------------


def _role_entity(names: _Names, role: Role) -> dict[str, object]:
    at_least = {
        str(level): sorted(key for key, held in role.levels.items() if held >= level)
        for level in Level
    }
    return names.entity(
        "Role",
        role.name,
        {
            "customer_center": role.center_type.is_customer_center,
            "at_least": at_least,
            "capabilities": sorted(str(c) for c in role.capabilities),
        },
    )


def _customer_entity(  # noqa: PLR0913 (a customer's fields)
    names: _Names,
    account: Account,
    *,
    internal_id: str,
    customer_id: str,
    active: bool,
    assigned_website: str | None,
) -> dict[str, object]:
    attributes: dict[str, object] = {
        "account": names.ref("Account", ACCOUNT_ID),
        "customer_id": customer_id,
        "active": active,
        "all_websites": assigned_website is None,
    }
    if assigned_website is not None:
        # the account's own website, however the customer spells it
        website = account.website(assigned_website)
        attributes["assigned_website"] = names.ref("Website", website)
    return names.entity("Customer", internal_id, attributes)


def _contact_entity(
    names: _Names,
    contact_id: str,
    internal_id: str,
    active: bool,  # noqa: FBT001 (a field)
) -> dict[str, object]:
    return names.entity(
        "Contact",
        contact_id,
        {"customer": names.ref("Customer", internal_id), "active": active},
    )


def _login_entity(
    names: _Names, account: Account, facts: LoginFacts, entity_id: str
) -> dict[str, object]:
    attributes: dict[str, object] = {
        "customer": names.ref("Customer", facts.internal_id),
        "of_contact": facts.contact_id is not None,
        "give_access": facts.give_access,
    }
    if facts.contact_id is not None:
        attributes["contact"] = names.ref("Contact", facts.contact_id)
    if facts.role is not None:
        # the account's own role, however the login spells it
        attributes["role"] = names.ref("Role", account.role(facts.role).name)
    return names.entity("Login", entity_id, attributes)


def _account_entities(names: _Names, account: Account) -> list[dict[str, object]]:
    account_uid = names.uid("Account", ACCOUNT_ID)
    return [
        names.entity(
            "Account", ACCOUNT_ID, {"customer_access": account.customer_access}
        ),
        *(
            names.entity("Website", name, {}, [account_uid])
            for name in account.websites
        ),
    ]


def _customer_entities(
    names: _Names, account: Account, customer: Customer
) -> Iterator[dict[str, object]]:
    yield _customer_entity(
        names,
        account,
        internal_id=customer.internal_id,
        customer_id=customer.customer_id,
        active=customer.active,
        assigned_website=customer.assigned_website,
    )
    for contact in customer.contacts:
        yield _contact_entity(names, contact.id, customer.internal_id, contact.active)


def _entities(names: _Names, account: Account) -> list[dict[str, object]]:
    entities = [
        *_account_entities(names, account),
        *(_role_entity(names, role) for role in account.all_roles),
    ]
    for customer in account.customers:
        entities.extend(_customer_entities(names, account, customer))
    entities.extend(
        _login_entity(names, account, LoginFacts.of(login), email_key(login.email))
        for login in account.logins()
    )
    return entities


def _json_lines(entities: Iterable[Mapping[str, object]]) -> str:
    """Cedar's entities JSON, one entity a line."""
    lines = (json.dumps(e, ensure_ascii=False, separators=(",", ":")) for e in entities)
    return "[\n" + ",\n".join(lines) + "\n]\n"


def login_id(login: str | LoginFacts | None) -> str:
    """The id of the ``Login`` entity that *login* is.

    An email's login is its key (:func:`ccroles.names.email_key`, so any
    case finds it); the facts of a portal's login are its customer's or its
    contact's (``customer 101``, ``contact c1``: no email has a space).
    ``None`` or anything that is not an email is ``""``, which no login is.

    >>> login_id("AP@Acme.example"), login_id(LoginFacts("101", None)), login_id(None)
    ('ap@acme.example', 'customer 101', '')
    """
    if type(login) is LoginFacts:
        if login.contact_id is not None:
            return f"contact {login.contact_id}"
        return f"customer {login.internal_id}"
    return email_key(login)


def login_entities(
    account: Account,
    login: str | LoginFacts | None,
    *,
    namespace: str | None = None,
) -> list[dict[str, object]]:
    """The entities that any question about *login* needs, and no others.

    The account, its websites, the login, its customer, its contact (when
    a contact logs in) and its role: Cedar answers every question about
    *login* from these as from the whole account's entities (a record
    question adds its record, :attr:`CedarQuestion.entities`). A central
    service sends them with each request.

    *login* is an email of the account's (any case), or the facts of a
    login that a portal holds in its own database
    (:class:`~ccroles.accounts.LoginFacts`): then the account needs no
    customers. An email no login has gives the account and its websites
    only, and every question about it is denied.

    Raises:
        UnknownRoleError: The facts name a role the account lacks.
        UnknownWebsiteError: The facts name an Assigned Website the account
            lacks.
        InvalidFieldError: *namespace* is not a Cedar name.

    >>> from ccroles.accounts import Account
    >>> facts = LoginFacts("101", "customer center", give_access=True)
    >>> [e["uid"]["id"] for e in login_entities(Account(), facts)]
    ['account', '101', 'customer 101', 'Customer Center']
    """
    names = _Names(_check_namespace(namespace))
    entities = _account_entities(names, account)
    if type(login) is LoginFacts:
        facts = login
    else:
        found = account.find_login(email_key(login))
        if found is None:
            return entities
        facts = LoginFacts.of(found)
    entities.append(
        _customer_entity(
            names,
            account,
            internal_id=facts.internal_id,
            customer_id=(
                facts.internal_id if facts.customer_id is None else facts.customer_id
            ),
            active=facts.active,
            assigned_website=facts.assigned_website,
        )
    )
    if facts.contact_id is not None:
        entities.append(
            _contact_entity(
                names, facts.contact_id, facts.internal_id, facts.contact_active
            )
        )
    entities.append(_login_entity(names, account, facts, login_id(login)))
    if facts.role is not None:
        entities.append(_role_entity(names, account.role(facts.role)))
    return entities


# --- the export -------------------------------------------------------------


@attrs.frozen
class CedarExport:
    """An account's rules in Cedar: schema (two forms), policies, entities.

    Attributes:
        schema: The Cedar schema (human-readable schema format).
        schema_json: The same schema in Cedar's JSON schema form.
        policies: The Cedar policies, one per rule, each with an ``@id``.
        entities: The account's entities, as Cedar's entities JSON (one
            entity a line).
        policy_texts: Each policy's ``@id`` and text, in the order of
            :attr:`policies`.
    """

    schema: str
    schema_json: str
    policies: str
    entities: str
    policy_texts: tuple[tuple[str, str], ...]

    def policy(self, rule_id: str) -> str:
        """The text of the policy whose ``@id`` is *rule_id*.

        Raises:
            KeyError: No policy has that id.
        """
        return dict(self.policy_texts)[rule_id]

    def policy_files(self) -> dict[str, str]:
        """Each policy's stable id (:func:`policy_file_id`) to its text.

        Raises:
            DuplicateNameError: Two policies get the same id (two features
                whose names differ only in punctuation).
        """
        files: dict[str, str] = {}
        for rule_id, text in self.policy_texts:
            file_id = policy_file_id(rule_id)
            if file_id in files:
                raise DuplicateNameError("Cedar policy id", file_id)
            files[file_id] = _HEADER + "\n" + text + "\n"
        return files

    def files(self, schema_format: SchemaFormat = "cedar") -> dict[str, str]:
        """File path (relative to the export directory) to text, as written.

        The schema in *schema_format*, all the policies in one file and each
        in its own under :data:`POLICIES_DIRECTORY`, and the entities.

        Raises:
            DuplicateNameError: See :meth:`policy_files`.
        """
        schema = (
            {SCHEMA_JSON_FILE: self.schema_json}
            if schema_format == "json"
            else {SCHEMA_FILE: self.schema}
        )
        return {
            **schema,
            POLICIES_FILE: self.policies,
            **{
                f"{POLICIES_DIRECTORY}/{file_id}.cedar": text
                for file_id, text in self.policy_files().items()
            },
            ENTITIES_FILE: self.entities,
        }

    def write(
        self,
        directory: str | os.PathLike[str],
        *,
        schema_format: SchemaFormat = "cedar",
    ) -> tuple[Path, ...]:
        """Write the files of :meth:`files` into *directory* (created if missing).

        Each file is written beside its target and renamed over it
        (:func:`ccroles.writing.write_atomically`), so a reader never sees
        half a file.

        Returns:
            The paths written, in the order of :meth:`files`.

        Raises:
            OSError: The directory or a file cannot be written.
            DuplicateNameError: See :meth:`policy_files`.
        """
        folder = Path(directory)
        files = self.files(schema_format)
        (folder / POLICIES_DIRECTORY).mkdir(parents=True, exist_ok=True)
        written = []
        for name, text in files.items():
            path = folder / name
            write_atomically(path, text)
            written.append(path)
        return tuple(written)


def to_cedar(
    account: Account,
    features: FeatureCatalogue = FEATURES,
    *,
    namespace: str | None = None,
) -> CedarExport:
    """Write *account*'s rules in Cedar: schema, policies and entities.

    The output depends only on the account, *features* and *namespace*:
    exporting twice gives identical text. With a *namespace* (``Shop``),
    every entity type and action is declared in it and named with it
    (``Shop::Login``, ``Shop::Action::"sign in"``).

    Raises:
        UntranslatableRequirementError: A feature's requirement is of a kind
            this module cannot write in Cedar.
        InvalidFieldError: *namespace* is not a Cedar name.
    """
    namespace = _check_namespace(namespace)
    names = _Names(namespace)
    policies = _policies(names, features)
    return CedarExport(
        schema=_schema_text(features, namespace),
        schema_json=_schema_json(features, namespace),
        policies="\n\n".join([_HEADER.rstrip("\n"), *(t for _, t in policies)]) + "\n",
        entities=_json_lines(_entities(names, account)),
        policy_texts=policies,
    )


def export_cedar(
    account: Account,
    directory: str | os.PathLike[str],
    features: FeatureCatalogue = FEATURES,
    *,
    namespace: str | None = None,
    schema_format: SchemaFormat = "cedar",
) -> CedarExport:
    """Write *account*'s rules in Cedar into *directory*, and return them.

    The files are those of :meth:`CedarExport.files`; see :func:`to_cedar`
    and :meth:`CedarExport.write`.

    Raises:
        UntranslatableRequirementError: See :func:`to_cedar`.
        InvalidFieldError: *namespace* is not a Cedar name.
        OSError: The directory or a file cannot be written.
    """
    export = to_cedar(account, features, namespace=namespace)
    export.write(directory, schema_format=schema_format)
    return export


# --- questions --------------------------------------------------------------


@attrs.frozen
class CedarQuestion:
    """A question to ask Cedar: the request, and any entities it brings.

    Attributes:
        request: The request: ``principal``, ``action``, ``resource`` (each
            ``{"type": ..., "id": ...}``) and ``context``, as ``cedarpy``
            and Cedar's JSON interfaces take it.
        entities: Entities to add to the login's (or the account's) for
            this request (the record asked about), in Cedar's entities JSON
            form.
    """

    request: Mapping[str, object]
    entities: tuple[Mapping[str, object], ...] = ()


def _request(  # noqa: PLR0913 (a request's parts)
    names: _Names,
    account: Account,
    login: str | LoginFacts | None,
    *,
    action: str,
    resource: dict[str, str],
    website: str | None,
) -> dict[str, object]:
    context: dict[str, object] = {}
    if website is not None:
        # the account's own website, however it is spelt; unknown: raises
        context["website"] = names.ref("Website", account.website(website))
    return {
        "principal": names.uid("Login", login_id(login)),
        "action": names.uid("Action", action),
        "resource": resource,
        "context": context,
    }


def sign_in_question(
    account: Account,
    login: str | LoginFacts | None,
    website: str | None = None,
    *,
    namespace: str | None = None,
) -> CedarQuestion:
    """May *login* sign in (through *website*, if given)?

    *login* is an email (any case), login facts, or ``None`` (no login:
    denied); *website* one of the account's, in any case.

    Raises:
        UnknownWebsiteError: *website* is not one of the account's.
        InvalidFieldError: *namespace* is not a Cedar name.

    >>> from ccroles.accounts import Account
    >>> sign_in_question(Account(), "AP@acme.example").request["principal"]
    {'type': 'Login', 'id': 'ap@acme.example'}
    """
    names = _Names(_check_namespace(namespace))
    resource = names.uid("Account", ACCOUNT_ID)
    return CedarQuestion(
        _request(
            names, account, login, action=SIGN_IN, resource=resource, website=website
        )
    )


def feature_question(  # noqa: PLR0913 (the engine's feature question, and names)
    account: Account,
    login: str | LoginFacts | None,
    feature: str | Feature,
    website: str | None = None,
    *,
    features: FeatureCatalogue = FEATURES,
    namespace: str | None = None,
) -> CedarQuestion:
    """May *login* use *feature* (through *website*, if given)?

    *feature* is read as the engine reads it (any case, spaces around).

    Raises:
        UnknownFeatureError: *feature* is not a feature of *features*.
        UnknownWebsiteError: *website* is not one of the account's.
        InvalidFieldError: *namespace* is not a Cedar name.
    """
    names = _Names(_check_namespace(namespace))
    action = feature_action(features.resolve(feature).name)
    resource = names.uid("Account", ACCOUNT_ID)
    return CedarQuestion(
        _request(
            names, account, login, action=action, resource=resource, website=website
        )
    )


def record_question(  # noqa: PLR0913, PLR0917 (the engine's record question, and names)
    account: Account,
    login: str | LoginFacts | None,
    permission: str | Permission,
    record: OwnedRecord,
    level: Level | str = Level.VIEW,
    website: str | None = None,
    *,
    record_id: str = "record",
    namespace: str | None = None,
) -> CedarQuestion:
    """May *login* reach *record* of *permission* at *level*?

    The record is the entity ``Record::"<record_id>"``, brought with the
    question: its owner (read by the id rule: ``101`` is ``"101"``) and
    permission key. Questions asked in one batch need distinct record ids.

    Raises:
        UnknownPermissionError: *permission* is not in the catalogue.
        InvalidLevelError: *level* spells no level.
        UnknownWebsiteError: *website* is not one of the account's.
        InvalidIdError: The record's owner id is neither text nor an integer.
        InvalidFieldError: *namespace* is not a Cedar name.
    """
    names = _Names(_check_namespace(namespace))
    key = PERMISSIONS.key_of(permission)
    action = record_action(level)
    entity = names.entity(
        "Record",
        record_id,
        {
            "owner": names.ref("Customer", owner_id(record.customer_internal_id)),
            "permission": key,
        },
    )
    resource = names.uid("Record", record_id)
    return CedarQuestion(
        _request(
            names, account, login, action=action, resource=resource, website=website
        ),
        (entity,),
    )
