"""Expected values copied from the domain reference, for the tests to compare."""

from pathlib import Path

DATA = Path(__file__).parent / "data"

COLUMNS = {
    "Standard": "Customer Center",
    "Premium": "Premium Customer Center",
    "Advanced": "Advanced Customer Center",
}


def source_matrix() -> dict[tuple[str, str], bool]:
    """The source's feature matrix: (feature, role name) to Yes/No."""
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
    """The features in the source's order, with whether each is a child row."""
    lines = (DATA / "feature_matrix.md").read_text(encoding="utf-8").splitlines()
    names = [
        line.strip("|").split("|")[0].strip() for line in lines if line.startswith("|")
    ]
    return [(name.removeprefix("— "), name.startswith("— ")) for name in names[2:]]
