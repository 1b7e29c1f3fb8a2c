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

__all__ = ["Format", "render_matrix", "render_role"]

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


def _table(header: list[str], rows: list[list[str]]) -> str:
    """Plain text columns, left-aligned, two spaces apart."""
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
    return _table(["feature", *roles], rows)


def render_role(role: Role, *, show_root: bool = False) -> str:
    """Render a role's page as plain text: origin, capabilities, levels, features.

    With *show_root*, a custom role's levels and features are shown next to
    its root's, and each level that differs from the root's is marked ``*``.

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
    if show_root and role.base is not None:
        return _role_page_with_root(role, origin, capabilities)
    levels = _table(
        ["permission", "label", "level"],
        [
            [key, PERMISSIONS[key].label, str(level)]
            for key, level in role.levels.items()
        ],
    )
    features = _table(
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


def _role_page_with_root(role: Role, origin: str, capabilities: str) -> str:
    """A custom role's page, its levels and features next to its root's."""
    root = role.root
    root_capabilities = ", ".join(sorted(map(str, root.capabilities))) or "none"
    levels = _table(
        ["permission", "label", "level", "root", "changed"],
        [
            [
                key,
                PERMISSIONS[key].label,
                str(level),
                str(root.levels[key]),
                "*" if level != root.levels[key] else "",
            ]
            for key, level in role.levels.items()
        ],
    )
    features = _table(
        ["feature", "has", "root"],
        [
            [
                (_CHILD_MARK if f.parent else "") + f.name,
                _yes_no(FEATURES.allows(role, f)),
                _yes_no(FEATURES.allows(root, f)),
            ]
            for f in FEATURES.values()
        ],
    )
    return "\n".join(
        [
            role.name,
            f"center: {role.center_type}",
            origin,
            f"capabilities: {capabilities} (root: {root_capabilities})",
            "",
            levels,
            "",
            features,
        ]
    )
