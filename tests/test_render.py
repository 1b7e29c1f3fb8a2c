import csv
import io
import json
from pathlib import Path

import pytest
from docutils import nodes

from ccroles import (
    ADVANCED_CUSTOMER_CENTER,
    BUILTIN_ROLES,
    CUSTOMER_CENTER,
    PREMIUM_CUSTOMER_CENTER,
    Capability,
    Level,
    OutputFormat,
    diff_roles,
    embed_matrix,
    feature_matrix,
    render_diff,
    render_matrix,
    render_role,
)
from ccroles.exceptions import MarkerError, UnknownFeatureError
from ccroles.features import FEATURES, AtLeast, Feature, FeatureCatalogue, Has
from ccroles.render import MATRIX_BEGIN, MATRIX_END, LevelChange
from tests.cli_run import run
from tests.expected import source_feature_order, source_matrix
from tests.markup import html_rows, rst_doctree, rst_tables


def test_json_matrix_has_the_documented_shape() -> None:
    """JSON: roles, then features with name, parent and allowed per role."""
    document = json.loads(render_matrix(feature_matrix(), OutputFormat.JSON))
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
    rows = list(
        csv.reader(io.StringIO(render_matrix(feature_matrix(), OutputFormat.CSV)))
    )
    assert rows[0] == ["feature", "parent", *(r.name for r in BUILTIN_ROLES)]
    assert rows[-1] == ["Mapping Store Locations", "", "No", "No", "Yes"]
    assert len(rows) == 23


def test_markdown_matrix_reproduces_the_written_out_rows() -> None:
    """Markdown: the written-out rows, children marked with a dash."""
    lines = render_matrix(feature_matrix(), OutputFormat.MARKDOWN).splitlines()
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
    header = render_matrix(feature_matrix([odd]), OutputFormat.MARKDOWN).splitlines()[0]
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
    for fmt in OutputFormat:
        assert render_matrix(feature_matrix(), fmt) == render_matrix(
            feature_matrix(), fmt
        )
    assert str(OutputFormat.CSV) == "csv"


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
    assert page[4] == "root capabilities: website"
    rows = [line.split() for line in page]
    assert ["TRAN_CUSTPYMT", "Customer", "Payment", "None", "Edit", "*"] in rows
    assert ["TRAN_CUSTINVC", "Invoice", "View", "View"] in rows
    assert ["—", "Make", "a", "Payment", "No", "Yes"] in rows


# The formats added with the documentation issue: reST, HTML, role pages and
# diffs in every format, the README's generated block, and the command line.


ODD = CUSTOMER_CENTER.customize("A|B <C>", levels={"TRAN_CUSTPYMT": "None"})
BUYER = CUSTOMER_CENTER.customize(
    "Buyer", levels={"TRAN_CUSTPYMT": "None", "TRAN_STATEMENT": "None"}
)
MATRIX_ROWS = [
    [feature if not child else f"— {feature}"]
    + ["Yes" if source_matrix()[feature, role.name] else "No" for role in BUILTIN_ROLES]
    for feature, child in source_feature_order()
]


def test_rst_matrix_is_a_list_table_of_the_written_out_rows() -> None:
    """reST: a list table that docutils parses, cell for cell the written-out matrix."""
    (table,) = rst_tables(render_matrix(feature_matrix(), OutputFormat.RST))
    assert table[0] == ["feature", *(role.name for role in BUILTIN_ROLES)]
    assert table[1:] == MATRIX_ROWS


def test_html_matrix_is_a_table_of_the_written_out_rows() -> None:
    """HTML: one table of the written-out matrix, row headers per feature."""
    text = render_matrix(feature_matrix(), OutputFormat.HTML)
    assert text.startswith('<table class="ccroles-matrix">\n<thead>')
    assert text.endswith("</tbody>\n</table>")
    assert html_rows(text)[1:] == MATRIX_ROWS
    assert '<tr><th scope="row">Billing</th><td>Yes</td><td>Yes</td>' in text


@pytest.mark.parametrize(
    ("fmt", "header"),
    [
        (OutputFormat.MARKDOWN, "| feature | A\\|B &lt;C> |"),
        (
            OutputFormat.HTML,
            '<tr><th scope="col">feature</th><th scope="col">A|B &lt;C&gt;',
        ),
        (OutputFormat.RST, "     - A\\|B \\<C\\>"),
    ],
)
def test_matrix_escapes_role_names(fmt: OutputFormat, header: str) -> None:
    """A role named `A|B <C>` is escaped in Markdown, reST and HTML headers."""
    assert header in render_matrix(feature_matrix([ODD]), fmt)


@pytest.mark.parametrize(
    "name", ["A|B <C>", "1. Buyer", "- Buyer", "A. Smith", "*x* `y` _z_", "経理 |x|"]
)
def test_rst_cells_and_titles_read_literally(name: str) -> None:
    """Names that look like reST markup or lists come back as the same text."""
    role = CUSTOMER_CENTER.customize(name)
    (table,) = rst_tables(render_matrix(feature_matrix([role]), OutputFormat.RST))
    assert table[0] == ["feature", name]
    page = rst_doctree(render_role(role, OutputFormat.RST))
    title = next(iter(page.findall(nodes.title)))
    assert title.astext() == name


def test_html_role_page_escapes_and_parses_back() -> None:
    """HTML: a role page's text comes back unchanged after parsing."""
    text = render_role(ODD, OutputFormat.HTML)
    assert "<h2>A|B &lt;C&gt;</h2>" in text
    assert "<" not in text.replace("<", "").replace("&lt;", "")  # only tags
    rows = html_rows(text)
    assert ["TRAN_CUSTPYMT", "Customer Payment", "None", "Edit", "*"] in rows
    assert ["— Make a Payment", "No", "Yes"] in rows


def test_markdown_role_page_escapes_the_title_and_tables() -> None:
    """Markdown: the title and every cell are escaped."""
    lines = render_role(ODD, OutputFormat.MARKDOWN).splitlines()
    assert lines[0] == "# A\\|B &lt;C>"
    assert "- copied from: Customer Center (root: Customer Center)" in lines
    assert "## Permission levels" in lines
    assert "| TRAN\\_CUSTPYMT | Customer Payment | None | Edit | \\* |" in lines


def test_rst_role_page_has_its_facts_and_two_tables() -> None:
    """reST: a role page parses into its levels table and its features table."""
    levels, features = rst_tables(
        render_role(ADVANCED_CUSTOMER_CENTER, OutputFormat.RST)
    )
    assert levels == [
        ["permission", "label", "level"],
        ["LIST_LOCATION", "Locations", "View"],
    ]
    assert features[-1] == ["Mapping Store Locations", "Yes"]
    assert len(features) == 23


def test_role_json_has_the_documented_shape() -> None:
    """JSON: name, center, base, root, capabilities, levels and features."""
    document = json.loads(render_role(BUYER, OutputFormat.JSON))
    assert document["name"] == "Buyer"
    assert document["center_type"] == "Customer Center"
    assert (document["base"], document["root"]) == ("Customer Center",) * 2
    assert document["capabilities"] == ["website"]
    assert document["levels"]["TRAN_CUSTPYMT"] == "None"
    assert list(document["levels"]) == list(CUSTOMER_CENTER.levels)
    assert document["features"]["Make a Payment"] is False
    assert json.loads(render_role(CUSTOMER_CENTER, OutputFormat.JSON))["base"] is None


def test_role_csv_is_section_name_value_rows() -> None:
    """CSV: `section,name,value` rows for the role, capabilities, levels, features."""
    rows = list(
        csv.reader(io.StringIO(render_role(PREMIUM_CUSTOMER_CENTER, OutputFormat.CSV)))
    )
    assert rows[:5] == [
        ["section", "name", "value"],
        ["role", "name", "Premium Customer Center"],
        ["role", "center", "Customer Center"],
        ["role", "base", ""],
        ["role", "root", "Premium Customer Center"],
    ]
    assert ["capability", "quote_requests", "Yes"] in rows
    assert ["level", "TRAN_ESTIMATE", "Create"] in rows
    assert ["feature", "Wish Lists", "Yes"] in rows
    assert len(rows) == 5 + 4 + 22 + 22


def test_diff_lists_levels_capabilities_and_features() -> None:
    """A diff holds the changed levels and the capabilities and features moved."""
    diff = diff_roles(PREMIUM_CUSTOMER_CENTER, BUYER)
    assert diff.levels == (
        LevelChange("TRAN_CUSTPYMT", Level.EDIT, Level.NONE),
        LevelChange("TRAN_ESTIMATE", Level.CREATE, Level.VIEW),
        LevelChange("TRAN_STATEMENT", Level.CREATE, Level.NONE),
    )
    assert diff.capabilities_gained == ()
    assert [str(c) for c in diff.capabilities_lost] == [
        "quote_requests",
        "scriptable_cart",
        "wish_lists",
    ]
    assert diff.features_gained == ()
    assert diff.features_lost == (
        "Make a Payment",
        "Print a Statement",
        "Quote Request and Approval",
        "Scriptable Cart",
        "Wish Lists",
    )
    assert not diff.unchanged


def test_diff_shows_a_permission_one_role_lacks_as_not_held() -> None:
    """A permission only one role has is `not held` on the other side."""
    diff = diff_roles(ADVANCED_CUSTOMER_CENTER, CUSTOMER_CENTER)
    assert diff.levels[-1] == LevelChange("LIST_LOCATION", Level.VIEW, None)
    assert diff.features_gained[0] == "Billing"
    assert diff.features_lost == ("Mapping Store Locations",)
    assert list(diff.capabilities_gained) == [Capability.WEBSITE]
    text = render_diff(diff).splitlines()
    assert ["LIST_LOCATION", "Locations", "View", "not", "held"] in [
        line.split() for line in text
    ]
    rows = list(csv.reader(io.StringIO(render_diff(diff, OutputFormat.CSV))))
    assert ["level", "LIST_LOCATION", "View", ""] in rows
    assert ["level", "TRAN_CUSTPYMT", "", "Edit"] in rows
    document = json.loads(render_diff(diff, OutputFormat.JSON))
    assert document["levels"][0]["from"] is None


def test_diff_of_equal_roles_says_none() -> None:
    """Two roles granting the same give an empty diff and say so."""
    diff = diff_roles(CUSTOMER_CENTER, CUSTOMER_CENTER.customize("Copy"))
    assert diff.unchanged
    assert render_diff(diff).splitlines() == [
        "Customer Center → Copy",
        "from: Customer Center",
        "to: Copy",
        "differences: none",
    ]
    assert "<table" not in render_diff(diff, OutputFormat.HTML)


def test_diff_json_and_csv_have_the_documented_shape() -> None:
    """JSON and CSV list the same changes, gained and lost."""
    diff = diff_roles(CUSTOMER_CENTER, PREMIUM_CUSTOMER_CENTER)
    assert json.loads(render_diff(diff, OutputFormat.JSON)) == {
        "from": "Customer Center",
        "to": "Premium Customer Center",
        "levels": [
            {
                "permission": "TRAN_ESTIMATE",
                "label": "Estimate",
                "from": "View",
                "to": "Create",
            }
        ],
        "capabilities": {
            "gained": ["quote_requests", "scriptable_cart", "wish_lists"],
            "lost": [],
        },
        "features": {
            "gained": ["Quote Request and Approval", "Scriptable Cart", "Wish Lists"],
            "lost": [],
        },
    }
    back = diff_roles(PREMIUM_CUSTOMER_CENTER, CUSTOMER_CENTER)
    assert list(csv.reader(io.StringIO(render_diff(back, OutputFormat.CSV)))) == [
        ["section", "name", "from", "to"],
        ["role", "name", "Premium Customer Center", "Customer Center"],
        ["level", "TRAN_ESTIMATE", "Create", "View"],
        ["capability", "quote_requests", "Yes", "No"],
        ["capability", "scriptable_cart", "Yes", "No"],
        ["capability", "wish_lists", "Yes", "No"],
        ["feature", "Quote Request and Approval", "Yes", "No"],
        ["feature", "Scriptable Cart", "Yes", "No"],
        ["feature", "Wish Lists", "Yes", "No"],
    ]


@pytest.mark.parametrize(
    "fmt", [OutputFormat.MARKDOWN, OutputFormat.RST, OutputFormat.HTML]
)
def test_diff_pages_escape_role_names(fmt: OutputFormat) -> None:
    """The diff's title and column headers escape a role named `A|B <C>`."""
    text = render_diff(diff_roles(CUSTOMER_CENTER, ODD), fmt)
    assert "A|B <C>" not in text
    if fmt is OutputFormat.RST:
        tables = rst_tables(text)
        assert [t[0][-1] for t in tables] == ["A|B <C>", "A|B <C>"]
    if fmt is OutputFormat.HTML:
        assert html_rows(text)[0] == [
            "permission",
            "label",
            "Customer Center",
            "A|B <C>",
        ]


def test_diff_capabilities_table_lists_gains_and_losses() -> None:
    """Human formats show each capability moved, with Yes/No on each side."""
    gained = diff_roles(ADVANCED_CUSTOMER_CENTER, PREMIUM_CUSTOMER_CENTER)
    rows = html_rows(render_diff(gained, OutputFormat.HTML))
    assert ["store_locator", "Yes", "No"] in rows
    assert ["wish_lists", "No", "Yes"] in rows


@pytest.mark.parametrize("fmt", list(OutputFormat))
def test_every_page_renders_the_same_bytes_twice(fmt: OutputFormat) -> None:
    """Role pages and diffs are deterministic in every format."""

    def render() -> tuple[str, ...]:
        return (
            render_role(BUYER, fmt),
            render_diff(diff_roles(PREMIUM_CUSTOMER_CENTER, BUYER), fmt),
            render_matrix(feature_matrix([*BUILTIN_ROLES, BUYER]), fmt),
        )

    first = render()
    assert first == render()
    assert all(text == text.rstrip("\n") for text in first)


def test_embed_matrix_replaces_only_the_marked_block() -> None:
    """Text outside the markers is kept; embedding twice changes nothing."""
    document = f"# Title\n\nbefore\n{MATRIX_BEGIN}\nstale\n{MATRIX_END}\nafter\n"
    once = embed_matrix(document, feature_matrix())
    assert once.startswith(f"# Title\n\nbefore\n{MATRIX_BEGIN}\n\n| feature |")
    assert once.endswith(
        f"| Mapping Store Locations | No | No | Yes |\n\n{MATRIX_END}\nafter\n"
    )
    assert embed_matrix(once, feature_matrix()) == once


@pytest.mark.parametrize(
    ("document", "marker", "count"),
    [
        ("no markers", MATRIX_BEGIN, 0),
        (f"{MATRIX_BEGIN}\n{MATRIX_BEGIN}\n{MATRIX_END}", MATRIX_BEGIN, 2),
        (f"{MATRIX_BEGIN}\n", MATRIX_END, 0),
        (f"{MATRIX_END}\n{MATRIX_BEGIN}\n", MATRIX_END, 0),
        (f"{MATRIX_BEGIN}\n{MATRIX_END}{MATRIX_END}", MATRIX_END, 2),
    ],
)
def test_embed_matrix_refuses_bad_markers(
    document: str, marker: str, count: int
) -> None:
    """A missing, repeated or misplaced marker is a MarkerError naming it."""
    with pytest.raises(MarkerError) as caught:
        embed_matrix(document, feature_matrix())
    assert (caught.value.marker, caught.value.count) == (marker, count)
    assert isinstance(caught.value, ValueError)
    assert repr(marker) in str(caught.value)


# The command line's rendering commands.


@pytest.mark.parametrize("fmt", list(OutputFormat))
def test_cli_role_and_diff_print_the_renderers_output(
    capsys: pytest.CaptureFixture[str], fmt: OutputFormat
) -> None:
    """`ccroles role` and `ccroles diff` print exactly what the renderers give."""
    assert run(capsys, "role", "Customer Center", "--format", fmt.value) == (
        0,
        render_role(CUSTOMER_CENTER, fmt) + "\n",
        "",
    )
    diff = diff_roles(CUSTOMER_CENTER, ADVANCED_CUSTOMER_CENTER)
    argv = ("diff", "customer center", "Advanced Customer Center", "--format", str(fmt))
    assert run(capsys, *argv) == (0, render_diff(diff, fmt) + "\n", "")


def test_cli_matrix_renders_html(capsys: pytest.CaptureFixture[str]) -> None:
    """`ccroles matrix --format html` prints the HTML table."""
    status, out, _ = run(capsys, "matrix", "--format", "html")
    assert (status, out) == (
        0,
        render_matrix(feature_matrix(), OutputFormat.HTML) + "\n",
    )


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["diff", "Customer Center", "Nope"], "unknown role 'Nope'"),
        (["diff", "Customer Center"], "the following arguments are required: ROLE_B"),
        (["role", "Customer Center", "--format", "pdf"], "invalid choice: 'pdf'"),
        (["readme", "/nonexistent/README.md"], "cannot read '/nonexistent/README.md'"),
    ],
)
def test_cli_bad_arguments_are_one_line(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    """Bad arguments to the new commands give one line on stderr and status 2."""
    status, out, err = run(capsys, *argv)
    assert (status, out) == (2, "")
    assert len(err.splitlines()) == 1
    assert message in err


def test_cli_readme_prints_writes_and_reports(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """`ccroles readme FILE` prints the refreshed file; `--write` rewrites it once."""
    path = tmp_path / "README.md"
    stale = f"# R\n{MATRIX_BEGIN}\nold\n{MATRIX_END}\n"
    path.write_text(stale, encoding="utf-8")
    fresh = embed_matrix(stale, feature_matrix())
    assert run(capsys, "readme", str(path)) == (0, fresh, "")
    assert path.read_text(encoding="utf-8") == stale
    assert run(capsys, "readme", "--write", str(path)) == (
        0,
        f"{path}: the matrix is refreshed\n",
        "",
    )
    assert path.read_text(encoding="utf-8") == fresh
    assert run(capsys, "readme", "--write", str(path))[1] == (
        f"{path}: the matrix is up to date\n"
    )


def test_cli_readme_without_markers_is_a_one_line_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A file without the markers is refused in one line, status 2."""
    path = tmp_path / "README.md"
    path.write_text("# no markers\n", encoding="utf-8")
    status, _, err = run(capsys, "readme", "--write", str(path))
    assert status == 2
    assert "expected the marker" in err
    assert path.read_text(encoding="utf-8") == "# no markers\n"


# One rule for the feature catalogue: renderers and roles take the engine's.

STORE = FeatureCatalogue(
    [
        Feature("Locations", Has("store_locator")),
        Feature("Map", Has("store_locator"), parent="Locations"),
        Feature("Payments", AtLeast("TRAN_CUSTPYMT", Level.EDIT)),
    ]
)


def test_a_role_page_shows_the_features_of_the_catalogue_given() -> None:
    """render_role with a catalogue lists its features, children marked."""
    page = json.loads(render_role(ADVANCED_CUSTOMER_CENTER, OutputFormat.JSON, STORE))
    assert page["features"] == {"Locations": True, "Map": True, "Payments": False}
    buyer = CUSTOMER_CENTER.customize("Buyer", levels={"TRAN_CUSTPYMT": "None"})
    text = render_role(buyer, OutputFormat.TEXT, STORE)
    assert text.split("\n\n")[-1].splitlines() == [
        "feature    has  root",
        "---------  ---  ----",
        "Locations  No   No",
        "— Map      No   No",
        "Payments   No   Yes",
    ]
    rows = list(csv.reader(io.StringIO(render_role(buyer, OutputFormat.CSV, STORE))))
    assert [row for row in rows if row[0] == "feature"] == [
        ["feature", "Locations", "No"],
        ["feature", "Map", "No"],
        ["feature", "Payments", "No"],
    ]


def test_a_diff_compares_the_features_of_the_catalogue_given() -> None:
    """diff_roles with a catalogue compares and renders its features, in order."""
    diff = diff_roles(CUSTOMER_CENTER, ADVANCED_CUSTOMER_CENTER, STORE)
    assert (diff.features_gained, diff.features_lost) == (
        ("Locations", "Map"),
        ("Payments",),
    )
    assert diff.catalogue is STORE
    assert render_diff(diff).split("\n\n")[-1].splitlines()[2:] == [
        "Locations  No               Yes",
        "— Map      No               Yes",
        "Payments   Yes              No",
    ]


def test_a_matrix_of_another_catalogue_renders() -> None:
    """A matrix derived with a catalogue renders its rows, children marked."""
    text = render_matrix(feature_matrix(BUILTIN_ROLES, STORE))
    assert [line.split("  ")[0] for line in text.splitlines()[2:]] == [
        "Locations",
        "— Map",
        "Payments",
    ]


def test_a_catalogue_answers_for_its_own_features() -> None:
    """Allows and feature_names_of answer from the catalogue asked; its names only."""
    assert STORE.feature_names_of(ADVANCED_CUSTOMER_CENTER) == ("Locations", "Map")
    assert STORE.allows(ADVANCED_CUSTOMER_CENTER, "map")
    assert not STORE.allows(CUSTOMER_CENTER, "Map")
    assert FEATURES.allows(CUSTOMER_CENTER, "Billing")
    with pytest.raises(UnknownFeatureError):
        STORE.allows(CUSTOMER_CENTER, "Billing")
