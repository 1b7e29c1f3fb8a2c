"""The Cedar schema of the export: entity types and actions, in two forms.

One description, in Cedar's JSON schema form; the schema text is written
from it, so the two forms cannot differ.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Final, Literal, get_args

from ccroles.cedar._syntax import (
    HEADER,
    SIGN_IN,
    cedar_string,
    feature_action,
    record_action,
)
from ccroles.permissions import Level

if TYPE_CHECKING:
    from collections.abc import Mapping

    from ccroles.features import FeatureCatalogue

__all__ = ["SCHEMA_FORMATS", "SchemaFormat", "schema_json", "schema_text"]

SchemaFormat = Literal["cedar", "json"]
"""The forms the schema is written in: Cedar's schema text, or its JSON form."""
SCHEMA_FORMATS: Final[tuple[SchemaFormat, ...]] = get_args(SchemaFormat)
"""Every :data:`SchemaFormat`, the default (``"cedar"``) first."""

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


def schema_json(features: FeatureCatalogue, namespace: str | None) -> str:
    """The schema in Cedar's JSON schema form, in *namespace* if given."""
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
            f"{cedar_string(key)}{'' if value.get('required', True) else '?'}: "
            f"{_cedar_type(value, inner)}"
            for key, value in attributes.items()
        ]
        if inner is None:
            return "{ " + ", ".join(lines) + " }"
        return "{" + "".join(f"\n{inner}{line}," for line in lines) + f"\n{indent}}}"
    return str(name)  # String


def schema_text(features: FeatureCatalogue, namespace: str | None) -> str:
    """The schema in Cedar's human-readable schema form (from the JSON form)."""
    indent = "  " if namespace else ""
    lines = [HEADER]
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
        f"{indent}action {cedar_string(action)} appliesTo {{ principal: Login,"
        f" resource: {_resource(action)}, context: {context} }};"
        for action in _actions(features)
    )
    if namespace:
        lines.append("}")
    return "\n".join(lines) + "\n"
