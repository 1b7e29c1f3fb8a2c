"""Render the feature matrix, role pages and role diffs for people and tools.

Every table a person reads comes from here, built from the same objects the
engine decides with. Output is deterministic: the same input gives the same
text, byte for byte. Each format escapes what it must, so a role named
``A|B <C>`` cannot break a Markdown table, a reStructuredText list table or
an HTML fragment.

>>> from ccroles.features import feature_matrix
>>> print(render_matrix(feature_matrix(), OutputFormat.MARKDOWN).splitlines()[2])
| Billing | Yes | Yes | No |
"""

from __future__ import annotations

import csv
import enum
import html
import io
import json
import re
import unicodedata
from typing import TYPE_CHECKING, Final

import attrs

from ccroles._deprecation import moved_names
from ccroles.exceptions import MarkerError
from ccroles.features import FEATURES, Feature, FeatureCatalogue, FeatureMatrix
from ccroles.permissions import PERMISSIONS

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from ccroles.permissions import Level
    from ccroles.roles import Capability, Role

__all__ = [
    "MATRIX_BEGIN",
    "MATRIX_END",
    "LevelChange",
    "OutputFormat",
    "RoleDiff",
    "diff_roles",
    "embed_matrix",
    "render_diff",
    "render_matrix",
    "render_role",
    "text_table",
]

_CHILD_MARK = "— "
_NOT_HELD = "not held"

MATRIX_BEGIN: Final = "<!-- ccroles-matrix: generated from the role definitions -->"
"""The line after which :func:`embed_matrix` writes the matrix."""

MATRIX_END: Final = "<!-- /ccroles-matrix -->"
"""The line before which :func:`embed_matrix` stops."""


class OutputFormat(enum.Enum):
    """A format pages and tables are rendered in (files are read in a FileFormat)."""

    TEXT = "text"
    MARKDOWN = "markdown"
    RST = "rst"
    HTML = "html"
    CSV = "csv"
    JSON = "json"

    def __str__(self) -> str:
        """Return the format's name, as given on the command line."""
        return self.value


@attrs.frozen
class LevelChange:
    """A permission whose level differs between two roles.

    Attributes:
        permission: The permission key.
        before: The level the first role holds, or ``None`` if it lacks it.
        after: The level the second role holds, or ``None`` if it lacks it.
    """

    permission: str
    before: Level | None
    after: Level | None


@attrs.frozen
class RoleDiff:
    """What changes from one role to another, as data.

    Build it with :func:`diff_roles`; render it with :func:`render_diff`.

    Attributes:
        before: The role compared from.
        after: The role compared to.
        levels: The permissions whose levels differ, in catalogue order.
        capabilities_gained: Capabilities *after* has and *before* lacks.
        capabilities_lost: Capabilities *before* has and *after* lacks.
        features_gained: Features *after* has and *before* lacks, in matrix order.
        features_lost: Features *before* has and *after* lacks, in matrix order.
        catalogue: The features compared (by default the 22 features).
    """

    before: Role
    after: Role
    levels: tuple[LevelChange, ...]
    capabilities_gained: tuple[Capability, ...]
    capabilities_lost: tuple[Capability, ...]
    features_gained: tuple[str, ...]
    features_lost: tuple[str, ...]
    catalogue: FeatureCatalogue = attrs.field(
        default=FEATURES, eq=False, repr=False, kw_only=True
    )

    @property
    def unchanged(self) -> bool:
        """Whether the two roles grant exactly the same."""
        return not (
            self.levels
            or self.capabilities_gained
            or self.capabilities_lost
            or self.features_gained
            or self.features_lost
        )


def diff_roles(
    before: Role, after: Role, features: FeatureCatalogue = FEATURES
) -> RoleDiff:
    """Compare *before* with *after*: levels changed, capabilities and features.

    The features are those of *features* (by default the 22 features), as in
    an :class:`~ccroles.policy.Engine` built with that catalogue.

    >>> from ccroles.roles import CUSTOMER_CENTER, PREMIUM_CUSTOMER_CENTER
    >>> diff = diff_roles(CUSTOMER_CENTER, PREMIUM_CUSTOMER_CENTER)
    >>> [(c.permission, str(c.before), str(c.after)) for c in diff.levels]
    [('TRAN_ESTIMATE', 'View', 'Create')]
    >>> diff.features_gained
    ('Quote Request and Approval', 'Scriptable Cart', 'Wish Lists')
    """
    changes = tuple(
        LevelChange(key, before.levels.get(key), after.levels.get(key))
        for key in PERMISSIONS
        if before.levels.get(key) != after.levels.get(key)
    )
    has_before = [features.allows(before, f) for f in features.values()]
    has_after = [features.allows(after, f) for f in features.values()]
    rows = list(zip(features, has_before, has_after, strict=True))
    return RoleDiff(
        before=before,
        after=after,
        levels=changes,
        capabilities_gained=_sorted(after.capabilities - before.capabilities),
        capabilities_lost=_sorted(before.capabilities - after.capabilities),
        features_gained=tuple(name for name, old, new in rows if new and not old),
        features_lost=tuple(name for name, old, new in rows if old and not new),
        catalogue=features,
    )


def _sorted(capabilities: Iterable[Capability]) -> tuple[Capability, ...]:
    return tuple(sorted(capabilities, key=str))


# A format-neutral page: a title, facts ("label: value") and tables. The
# text, Markdown, reST and HTML writers below turn it into their syntax.


@attrs.frozen
class _Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    caption: str | None = None


@attrs.frozen
class _Page:
    kind: str
    title: str
    facts: tuple[tuple[str, str], ...]
    tables: tuple[_Table, ...]


def _yes_no(allowed: bool) -> str:  # noqa: FBT001 (a cell is a bool)
    return "Yes" if allowed else "No"


def _level(level: Level | None) -> str:
    return _NOT_HELD if level is None else str(level)


def _feature_label(feature: Feature) -> str:
    return (_CHILD_MARK if feature.parent else "") + feature.name


# Plain text.


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


def _text_table(table: _Table) -> str:
    return text_table(list(table.header), [list(row) for row in table.rows])


def _text_page(page: _Page) -> str:
    head = [page.title, *(f"{label}: {value}" for label, value in page.facts)]
    return "\n\n".join(["\n".join(head), *map(_text_table, page.tables)])


# Markdown (CommonMark with GFM tables).

_MD_SPECIAL = re.compile(r"([\\`*_\[\]|#])")


def _one_line(text: str) -> str:
    """Fold line breaks, which no table cell or heading can hold, into spaces."""
    return " ".join(text.splitlines())


def _md(text: str) -> str:
    """Escape Markdown syntax so *text* reads literally."""
    text = _MD_SPECIAL.sub(r"\\\1", _one_line(text))
    return text.replace("&", "&amp;").replace("<", "&lt;")


def _md_table(table: _Table) -> str:
    lines = [table.header, ("---",) * len(table.header), *table.rows]
    rows = "\n".join("| " + " | ".join(map(_md, line)) + " |" for line in lines)
    return rows if table.caption is None else f"## {_md(table.caption)}\n\n{rows}"


def _md_page(page: _Page) -> str:
    facts = "\n".join(f"- {_md(label)}: {_md(value)}" for label, value in page.facts)
    return "\n\n".join([f"# {_md(page.title)}", facts, *map(_md_table, page.tables)])


# reStructuredText.

_RST_SPECIAL = re.compile(r"([\\`*_\[\]|<>:])")
# Text that would start a list, an enumerated list, a comment or a directive.
_RST_BLOCK_START = re.compile(r"[^\w\s]|\d|[A-Za-z]{1,4}[.)](\s|$)")


def _rst(text: str) -> str:
    """Escape reStructuredText markup so *text* reads literally."""
    text = _one_line(text).strip()
    escaped = _RST_SPECIAL.sub(r"\\\1", text)
    if _RST_BLOCK_START.match(text) and not escaped.startswith("\\"):
        return "\\" + escaped
    return escaped


def _rst_table(table: _Table) -> str:
    title = "" if table.caption is None else " " + _rst(table.caption)
    lines = [f".. list-table::{title}", "   :header-rows: 1", ""]
    for row in (table.header, *table.rows):
        first, *rest = map(_rst, row)
        lines.append(f"   * - {first}")
        lines.extend(f"     - {cell}" for cell in rest)
    return "\n".join(lines)


def _width(text: str) -> int:
    """Columns *text* takes: wide East Asian characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _rst_page(page: _Page) -> str:
    title = _rst(page.title)
    rule = "=" * _width(title)
    facts = "\n".join(f"- {_rst(label)}: {_rst(value)}" for label, value in page.facts)
    return "\n\n".join(
        [f"{rule}\n{title}\n{rule}", facts, *map(_rst_table, page.tables)]
    )


# HTML: a self-contained fragment.


def _h(text: str) -> str:
    return html.escape(text, quote=True)


def _html_table(table: _Table, css_class: str) -> str:
    lines = [f'<table class="{css_class}">']
    if table.caption is not None:
        lines.append(f"<caption>{_h(table.caption)}</caption>")
    header = "".join(f'<th scope="col">{_h(cell)}</th>' for cell in table.header)
    lines += ["<thead>", f"<tr>{header}</tr>", "</thead>", "<tbody>"]
    for first, *rest in table.rows:
        cells = "".join(f"<td>{_h(cell)}</td>" for cell in rest)
        lines.append(f'<tr><th scope="row">{_h(first)}</th>{cells}</tr>')
    lines += ["</tbody>", "</table>"]
    return "\n".join(lines)


def _html_page(page: _Page) -> str:
    facts = "".join(f"<dt>{_h(k)}</dt><dd>{_h(v)}</dd>" for k, v in page.facts)
    return "\n".join(
        [
            f'<section class="ccroles-{page.kind}">',
            f"<h2>{_h(page.title)}</h2>",
            f"<dl>{facts}</dl>",
            *(_html_table(table, "ccroles-table") for table in page.tables),
            "</section>",
        ]
    )


# CSV and JSON, for tools.


def _csv(header: Iterable[str], rows: Iterable[Iterable[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().rstrip("\n")


def _json(document: object) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False)


_TABLE_WRITERS: Final[dict[OutputFormat, Callable[[_Table], str]]] = {
    OutputFormat.TEXT: _text_table,
    OutputFormat.MARKDOWN: _md_table,
    OutputFormat.RST: _rst_table,
}

_PAGE_WRITERS: Final[dict[OutputFormat, Callable[[_Page], str]]] = {
    OutputFormat.TEXT: _text_page,
    OutputFormat.MARKDOWN: _md_page,
    OutputFormat.RST: _rst_page,
    OutputFormat.HTML: _html_page,
}


def render_matrix(matrix: FeatureMatrix, fmt: OutputFormat = OutputFormat.TEXT) -> str:
    """Render *matrix* in *fmt* (no trailing newline).

    Text, Markdown, reST and HTML give the source's table: one row per
    feature, children marked with a dash, ``Yes``/``No`` per role. CSV has a
    ``parent`` column instead of the dash. The JSON form is ``{"roles": [...],
    "features": [{"name", "parent", "allowed": {role: bool}}]}`` in the
    table's order.

    >>> from ccroles.features import feature_matrix
    >>> print(render_matrix(feature_matrix(), OutputFormat.HTML).splitlines()[0])
    <table class="ccroles-matrix">
    """
    roles = [role.name for role in matrix.roles]
    rows = zip(matrix.features, matrix.cells, strict=True)
    if fmt is OutputFormat.JSON:
        return _json(
            {
                "roles": roles,
                "features": [
                    {
                        "name": feature.name,
                        "parent": feature.parent,
                        "allowed": dict(zip(roles, row, strict=True)),
                    }
                    for feature, row in rows
                ],
            }
        )
    if fmt is OutputFormat.CSV:
        return _csv(
            ["feature", "parent", *roles],
            [[f.name, f.parent or "", *map(_yes_no, row)] for f, row in rows],
        )
    table = _Table(
        ("feature", *roles),
        tuple((_feature_label(f), *map(_yes_no, row)) for f, row in rows),
    )
    if fmt is OutputFormat.HTML:
        return _html_table(table, "ccroles-matrix")
    return _TABLE_WRITERS[fmt](table)


def _origin(role: Role) -> str:
    if role.base is None:
        return "none (built-in role)"
    return f"{role.base.name} (root: {role.root.name})"


def _role_page(role: Role, catalogue: FeatureCatalogue) -> _Page:
    """A role's page; a custom role's shows its root beside it, changes starred."""
    root = role.root
    facts = [
        ("center", str(role.center_type)),
        ("copied from", _origin(role)),
        ("capabilities", _capabilities(role)),
    ]
    if not role.is_custom:
        levels = _Table(
            ("permission", "label", "level"),
            tuple(
                (key, PERMISSIONS[key].label, str(level))
                for key, level in role.levels.items()
            ),
            caption="Permission levels",
        )
        features = _Table(
            ("feature", "has"),
            tuple(
                (_feature_label(f), _yes_no(catalogue.allows(role, f)))
                for f in catalogue.values()
            ),
            caption="Features",
        )
        return _Page("role", role.name, tuple(facts), (levels, features))
    facts.append(("root capabilities", _capabilities(root)))
    levels = _Table(
        ("permission", "label", "level", "root", "changed"),
        tuple(
            (
                key,
                PERMISSIONS[key].label,
                str(level),
                str(root.levels[key]),
                "*" if level != root.levels[key] else "",
            )
            for key, level in role.levels.items()
        ),
        caption="Permission levels",
    )
    features = _Table(
        ("feature", "has", "root"),
        tuple(
            (
                _feature_label(f),
                _yes_no(catalogue.allows(role, f)),
                _yes_no(catalogue.allows(root, f)),
            )
            for f in catalogue.values()
        ),
        caption="Features",
    )
    return _Page("role", role.name, tuple(facts), (levels, features))


def _capabilities(role: Role) -> str:
    return ", ".join(map(str, _sorted(role.capabilities))) or "none"


def render_role(
    role: Role,
    fmt: OutputFormat = OutputFormat.TEXT,
    features: FeatureCatalogue = FEATURES,
) -> str:
    """Render a role's page: origin, capabilities, levels and features.

    The features are those of *features* (by default the 22 features), as in
    an :class:`~ccroles.policy.Engine` built with that catalogue.

    CSV has the columns ``section,name,value`` (sections ``role``,
    ``capability``, ``level`` and ``feature``). JSON is ``{"name",
    "center_type", "base", "root", "capabilities", "levels": {key: level},
    "features": {name: bool}}``.

    >>> from ccroles.roles import ADVANCED_CUSTOMER_CENTER
    >>> page = render_role(ADVANCED_CUSTOMER_CENTER).splitlines()
    >>> for line in page[:8]:
    ...     print(line)
    Advanced Customer Center
    center: Customer Center
    copied from: none (built-in role)
    capabilities: store_locator
    <BLANKLINE>
    permission     label      level
    -------------  ---------  -----
    LIST_LOCATION  Locations  View
    >>> page[-1]
    'Mapping Store Locations       Yes'
    """
    if fmt is OutputFormat.JSON:
        return _json(
            {
                "name": role.name,
                "center_type": str(role.center_type),
                "base": None if role.base is None else role.base.name,
                "root": role.root.name,
                "capabilities": [str(c) for c in _sorted(role.capabilities)],
                "levels": {key: str(level) for key, level in role.levels.items()},
                "features": {name: features.allows(role, name) for name in features},
            }
        )
    if fmt is OutputFormat.CSV:
        base = "" if role.base is None else role.base.name
        return _csv(
            ["section", "name", "value"],
            [
                ["role", "name", role.name],
                ["role", "center", str(role.center_type)],
                ["role", "base", base],
                ["role", "root", role.root.name],
                *(["capability", str(c), "Yes"] for c in _sorted(role.capabilities)),
                *(["level", k, str(level)] for k, level in role.levels.items()),
                *(
                    ["feature", name, _yes_no(features.allows(role, name))]
                    for name in features
                ),
            ],
        )
    return _PAGE_WRITERS[fmt](_role_page(role, features))


def _diff_page(diff: RoleDiff) -> _Page:
    old, new = diff.before, diff.after
    capabilities = [(c, "No", "Yes") for c in diff.capabilities_gained] + [
        (c, "Yes", "No") for c in diff.capabilities_lost
    ]
    changed = set(diff.features_gained) | set(diff.features_lost)
    tables = (
        _Table(
            ("permission", "label", old.name, new.name),
            tuple(
                (
                    c.permission,
                    PERMISSIONS[c.permission].label,
                    _level(c.before),
                    _level(c.after),
                )
                for c in diff.levels
            ),
            caption="Levels changed",
        ),
        _Table(
            ("capability", old.name, new.name),
            tuple(
                (str(c), was, now)
                for c, was, now in sorted(capabilities, key=lambda row: str(row[0]))
            ),
            caption="Capabilities gained or lost",
        ),
        _Table(
            ("feature", old.name, new.name),
            tuple(
                (
                    _feature_label(f),
                    _yes_no(f.name in diff.features_lost),
                    _yes_no(f.name in diff.features_gained),
                )
                for f in diff.catalogue.values()
                if f.name in changed
            ),
            caption="Features gained or lost",
        ),
    )
    facts = [("from", old.name), ("to", new.name)]
    if diff.unchanged:
        facts.append(("differences", "none"))
    return _Page(
        kind="diff",
        title=f"{old.name} → {new.name}",
        facts=tuple(facts),
        tables=tuple(table for table in tables if table.rows),
    )


def render_diff(diff: RoleDiff, fmt: OutputFormat = OutputFormat.TEXT) -> str:
    """Render *diff*: the levels changed and the capabilities and features.

    Human formats show only what differs. CSV has the columns
    ``section,name,from,to`` (sections ``role``, ``level``, ``capability``
    and ``feature``; a lacked permission is an empty cell). JSON is
    ``{"from", "to", "levels": [{"permission", "label", "from", "to"}],
    "capabilities": {"gained", "lost"}, "features": {"gained", "lost"}}``.

    >>> from ccroles.roles import CUSTOMER_CENTER
    >>> buyer = CUSTOMER_CENTER.customize("Buyer", levels={"TRAN_CUSTPYMT": "None"})
    >>> print(render_diff(diff_roles(CUSTOMER_CENTER, buyer)))
    Customer Center → Buyer
    from: Customer Center
    to: Buyer
    <BLANKLINE>
    permission     label             Customer Center  Buyer
    -------------  ----------------  ---------------  -----
    TRAN_CUSTPYMT  Customer Payment  Edit             None
    <BLANKLINE>
    feature           Customer Center  Buyer
    ----------------  ---------------  -----
    — Make a Payment  Yes              No
    """
    if fmt is OutputFormat.JSON:
        return _json(
            {
                "from": diff.before.name,
                "to": diff.after.name,
                "levels": [
                    {
                        "permission": c.permission,
                        "label": PERMISSIONS[c.permission].label,
                        "from": None if c.before is None else str(c.before),
                        "to": None if c.after is None else str(c.after),
                    }
                    for c in diff.levels
                ],
                "capabilities": {
                    "gained": [str(c) for c in diff.capabilities_gained],
                    "lost": [str(c) for c in diff.capabilities_lost],
                },
                "features": {
                    "gained": list(diff.features_gained),
                    "lost": list(diff.features_lost),
                },
            }
        )
    if fmt is OutputFormat.CSV:
        gained, lost = diff.capabilities_gained, diff.capabilities_lost
        return _csv(
            ["section", "name", "from", "to"],
            [
                ["role", "name", diff.before.name, diff.after.name],
                *(
                    [
                        "level",
                        c.permission,
                        "" if c.before is None else str(c.before),
                        "" if c.after is None else str(c.after),
                    ]
                    for c in diff.levels
                ),
                *(["capability", str(c), "No", "Yes"] for c in gained),
                *(["capability", str(c), "Yes", "No"] for c in lost),
                *(["feature", name, "No", "Yes"] for name in diff.features_gained),
                *(["feature", name, "Yes", "No"] for name in diff.features_lost),
            ],
        )
    return _PAGE_WRITERS[fmt](_diff_page(diff))


def embed_matrix(document: str, matrix: FeatureMatrix) -> str:
    r"""Return Markdown *document* with *matrix* between the marker lines.

    Everything between :data:`MATRIX_BEGIN` and :data:`MATRIX_END` is
    replaced by the matrix as a Markdown table; the rest is kept as it is.
    Embedding twice gives the same document.

    Raises:
        MarkerError: A marker is missing, repeated, or the end comes first.

    >>> from ccroles.features import feature_matrix
    >>> readme = f"# Roles\n\n{MATRIX_BEGIN}\nold\n{MATRIX_END}\n"
    >>> print(embed_matrix(readme, feature_matrix()).splitlines()[6])
    | Billing | Yes | Yes | No |
    """
    head, begin, rest = _split_once(document, MATRIX_BEGIN, "in the document")
    _, end, tail = _split_once(rest, MATRIX_END, "after the begin marker")
    table = render_matrix(matrix, OutputFormat.MARKDOWN)
    return f"{head}{begin}\n\n{table}\n\n{end}{tail}"


def _split_once(text: str, marker: str, where: str) -> tuple[str, str, str]:
    count = text.count(marker)
    if count != 1:
        raise MarkerError(marker, count, where)
    return text.partition(marker)


# The old name of OutputFormat, kept for one release with a warning.
__getattr__ = moved_names(__name__, {"Format": (__name__, "OutputFormat")})
