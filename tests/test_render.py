import csv
import io
import json

from ccroles import (
    BUILTIN_ROLES,
    CUSTOMER_CENTER,
    Format,
    feature_matrix,
    render_matrix,
    render_role,
)
from tests.expected import source_matrix


def test_json_matrix_has_the_documented_shape() -> None:
    """JSON: roles, then features with name, parent and allowed per role."""
    document = json.loads(render_matrix(feature_matrix(), Format.JSON))
    assert document["roles"] == [role.name for role in BUILTIN_ROLES]
    assert document["features"][1] == {
        "name": "Make a Payment",
        "parent": "Billing",
        "allowed": {
            "Customer Center": True,
            "Premium Customer Center": True,
            "Advanced Customer Center": False,
        },
    }
    cells = {
        (f["name"], role): allowed
        for f in document["features"]
        for role, allowed in f["allowed"].items()
    }
    assert source_matrix() == cells


def test_csv_matrix_has_one_row_per_feature() -> None:
    """CSV: a header and 22 rows of Yes/No, parents in their own column."""
    rows = list(csv.reader(io.StringIO(render_matrix(feature_matrix(), Format.CSV))))
    assert rows[0] == ["feature", "parent", *(r.name for r in BUILTIN_ROLES)]
    assert rows[-1] == ["Mapping Store Locations", "", "No", "No", "Yes"]
    assert len(rows) == 23


def test_markdown_matrix_reproduces_the_source_rows() -> None:
    """Markdown: the source's rows, children marked with a dash."""
    lines = render_matrix(feature_matrix(), Format.MARKDOWN).splitlines()
    assert lines[0].split(" | ") == [
        "| feature",
        "Customer Center",
        "Premium Customer Center",
        "Advanced Customer Center |",
    ]
    assert lines[1] == "| --- | --- | --- | --- |"
    assert lines[10] == "| — Quote Request and Approval | No | Yes | No |"


def test_markdown_escapes_cell_text() -> None:
    """A role name with a pipe or angle bracket does not break the table."""
    odd = CUSTOMER_CENTER.customize("A|B <C>")
    header = render_matrix(feature_matrix([odd]), Format.MARKDOWN).splitlines()[0]
    assert header == "| feature | A\\|B &lt;C> |"


def test_text_matrix_aligns_columns() -> None:
    """Text: columns aligned under their headers, no trailing spaces."""
    lines = render_matrix(feature_matrix()).splitlines()
    assert lines[0].startswith("feature")
    assert set(lines[1]) == {"-", " "}
    column = lines[0].index("Premium")
    assert lines[10][column:].startswith("Yes")
    assert all(line == line.rstrip() for line in lines)


def test_rendering_is_deterministic() -> None:
    """The same matrix renders to the same text in every format."""
    for fmt in Format:
        assert render_matrix(feature_matrix(), fmt) == render_matrix(
            feature_matrix(), fmt
        )
    assert str(Format.CSV) == "csv"


def test_role_page_of_a_copy_names_its_base_and_root() -> None:
    """A custom role's page says what it was copied from and its root."""
    copy = CUSTOMER_CENTER.customize("A", levels={"TRAN_CUSTPYMT": "None"}).customize(
        "B"
    )
    page = render_role(copy).splitlines()
    assert page[:4] == [
        "B",
        "center: Customer Center",
        "copied from: A (root: Customer Center)",
        "capabilities: website",
    ]
    assert any(
        line.split() == ["TRAN_CUSTPYMT", "Customer", "Payment", "None"]
        for line in page
    )
    assert any(line.split() == ["—", "Make", "a", "Payment", "No"] for line in page)
