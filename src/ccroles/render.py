"""Render the feature matrix and role pages for people and tools.

Every table a person reads comes from here, built from the same objects the
engine decides with. Output is deterministic: the same input gives the same
text, byte for byte.

>>> from ccroles.features import feature_matrix
>>> print(render_matrix(feature_matrix(), Format.MARKDOWN).splitlines()[2])
| Billing | Yes | Yes | No |
"""

from __future__ import annotations

import csv
import enum
import io
import json
from typing import TYPE_CHECKING

from ccroles.features import FEATURES, FeatureMatrix
from ccroles.permissions import PERMISSIONS

if TYPE_CHECKING:
    from ccroles.roles import Role

__all__ = ["Format", "render_matrix", "render_role", "text_table"]

_CHILD_MARK = "— "


class Format(enum.Enum):
    """An output format."""

    TEXT = "text"
    MARKDOWN = "markdown"
    CSV = "csv"
    JSON = "json"

    def __str__(self) -> str:
        """Return the format's name, as given on the command line."""
        return self.value


def _yes_no(allowed: bool) -> str:  # noqa: FBT001 (a cell is a bool)
    return "Yes" if allowed else "No"


def text_table(header: list[str], rows: list[list[str]]) -> str:
    """Plain text columns, left-aligned, two spaces apart, under a rule.

    >>> print(text_table(["role", "has"], [["Customer Center", "Yes"]]))
    role             has
    ---------------  ---
    Customer Center  Yes
    """
    widths = [
        max(len(cell) for cell in column) for column in zip(header, *rows, strict=True)
    ]
    lines = [header, ["-" * w for w in widths], *rows]
    return "\n".join(
        "  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip()
        for line in lines
    )


def _md_cell(text: str) -> str:
    """Escape what would break a Markdown table cell."""
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;")


def _markdown(header: list[str], rows: list[list[str]]) -> str:
    lines = [header, ["---"] * len(header), *rows]
    return "\n".join("| " + " | ".join(map(_md_cell, line)) + " |" for line in lines)


def _csv(header: list[str], rows: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().rstrip("\n")


def render_matrix(matrix: FeatureMatrix, fmt: Format = Format.TEXT) -> str:
    """Render *matrix* as text, Markdown, CSV or JSON (no trailing newline).

    The JSON form is ``{"roles": [...], "features": [{"name", "parent",
    "allowed": {role: bool}}]}`` in the table's order.
    """
    roles = [role.name for role in matrix.roles]
    if fmt is Format.JSON:
        document = {
            "roles": roles,
            "features": [
                {
                    "name": feature.name,
                    "parent": feature.parent,
                    "allowed": dict(zip(roles, row, strict=True)),
                }
                for feature, row in zip(matrix.features, matrix.cells, strict=True)
            ],
        }
        return json.dumps(document, indent=2, ensure_ascii=False)
    if fmt is Format.CSV:
        return _csv(
            ["feature", "parent", *roles],
            [
                [feature.name, feature.parent or "", *map(_yes_no, row)]
                for feature, row in zip(matrix.features, matrix.cells, strict=True)
            ],
        )
    rows = [
        [(_CHILD_MARK if feature.parent else "") + feature.name, *map(_yes_no, row)]
        for feature, row in zip(matrix.features, matrix.cells, strict=True)
    ]
    if fmt is Format.MARKDOWN:
        return _markdown(["feature", *roles], rows)
    return text_table(["feature", *roles], rows)


def render_role(role: Role) -> str:
    """Render a role's page as plain text: origin, capabilities, levels, features.

    >>> from ccroles.roles import ADVANCED_CUSTOMER_CENTER
    >>> page = render_role(ADVANCED_CUSTOMER_CENTER).splitlines()
    >>> for line in page[:8]:
    ...     print(line)
    Advanced Customer Center
    center: Customer Center
    built-in role
    capabilities: store_locator
    <BLANKLINE>
    permission     label      level
    -------------  ---------  -----
    LIST_LOCATION  Locations  View
    >>> page[-1]
    'Mapping Store Locations       Yes'
    """
    if role.base is None:
        origin = "built-in role"
    else:
        origin = f"copied from: {role.base.name} (root: {role.root.name})"
    capabilities = ", ".join(sorted(map(str, role.capabilities))) or "none"
    levels = text_table(
        ["permission", "label", "level"],
        [
            [key, PERMISSIONS[key].label, str(level)]
            for key, level in role.levels.items()
        ],
    )
    features = text_table(
        ["feature", "has"],
        [
            [
                (_CHILD_MARK if f.parent else "") + f.name,
                _yes_no(FEATURES.allows(role, f)),
            ]
            for f in FEATURES.values()
        ],
    )
    return "\n".join(
        [
            role.name,
            f"center: {role.center_type}",
            origin,
            f"capabilities: {capabilities}",
            "",
            levels,
            "",
            features,
        ]
    )
