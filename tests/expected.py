"""Expected values copied from the domain reference, for the tests to compare."""

from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).parent / "data"

COLUMNS = {
    "Standard": "Customer Center",
    "Premium": "Premium Customer Center",
    "Advanced": "Advanced Customer Center",
}


def source_matrix() -> dict[tuple[str, str], bool]:
    """The written-out feature matrix: (feature, role name) to Yes/No."""
    lines = (DATA / "feature_matrix.md").read_text(encoding="utf-8").splitlines()
    rows = [
        [cell.strip() for cell in line.strip("|").split("|")]
        for line in lines
        if line.startswith("|")
    ]
    header, _, *body = rows
    roles = [COLUMNS[name] for name in header[1:]]
    return {
        (feature.removeprefix("— "), role): cell == "Yes"
        for feature, *cells in body
        for role, cell in zip(roles, cells, strict=True)
    }


def source_feature_order() -> list[tuple[str, bool]]:
    """The features in the written-out order, with whether each is a child row."""
    lines = (DATA / "feature_matrix.md").read_text(encoding="utf-8").splitlines()
    names = [
        line.strip("|").split("|")[0].strip() for line in lines if line.startswith("|")
    ]
    return [(name.removeprefix("— "), name.startswith("— ")) for name in names[2:]]


LEVEL_ORDER = ("None", "View", "Create", "Edit", "Full")
"""The five levels, lowest first."""


@dataclass(frozen=True)
class Requirement:
    """One requirement as the written-out table gives it: every part must hold.

    ``levels`` maps a permission key to the lowest level that meets it;
    ``capabilities`` are the capabilities it needs.
    """

    levels: dict[str, str]
    capabilities: frozenset[str]


def _tables(name: str) -> list[list[list[str]]]:
    """The Markdown tables of a data file, each a list of rows of cells."""
    tables: list[list[list[str]]] = []
    current: list[list[str]] = []
    for line in (DATA / name).read_text(encoding="utf-8").splitlines():
        if line.startswith("|"):
            current.append([cell.strip() for cell in line.strip("|").split("|")])
        elif current:
            tables.append(current)
            current = []
    if current:
        tables.append(current)
    return [table[2:] for table in tables]  # no header, no rule


def source_requirements() -> tuple[dict[str, Requirement], dict[str, Requirement]]:
    """The requirement table: (features, areas' extra conditions) by feature name."""
    requirements, labels = _tables("feature_requirements.md")
    keys = {row[0]: row[1] for row in labels}
    features: dict[str, Requirement] = {}
    also: dict[str, Requirement] = {}
    for feature, text in requirements:
        levels: dict[str, str] = {}
        capabilities: set[str] = set()
        for part in text.removeprefix("also shown when ").split(" and "):
            if part.startswith("`"):
                capabilities.add(part.strip("`"))
            else:
                label, level = part.split(" ≥ ")
                levels[keys[label]] = level
        requirement = Requirement(levels, frozenset(capabilities))
        if feature.endswith(" (area)"):
            also[feature.removesuffix(" (area)")] = requirement
        else:
            features[feature] = requirement
    return features, also


def source_permissions() -> list[tuple[str, str, str]]:
    """The permissions and Locations: (key, label, standard default)."""
    (rows,) = _tables("permissions.md")
    return [(key, label, default) for key, label, default in rows]
