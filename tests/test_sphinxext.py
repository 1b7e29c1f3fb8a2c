"""The Sphinx directives, built in a small project of their own."""

import io
from pathlib import Path

import pytest
from sphinx.application import Sphinx
from sphinx.util.console import strip_colors
from sphinx.util.docutils import docutils_namespace

from ccroles import (
    BUILTIN_ROLES,
    CUSTOMER_CENTER,
    PREMIUM_CUSTOMER_CENTER,
    FileFormat,
    OutputFormat,
    Role,
    diff_roles,
    feature_matrix,
    loads_roles,
    render_diff,
    render_matrix,
    render_role,
)
from ccroles._exports import EXPORTS
from ccroles.sphinxext import setup
from tests.markup import html_rows, rst_tables

CONF = 'extensions = ["myst_parser", "ccroles.sphinxext"]\nhtml_theme = "basic"\n'

PAGES = {
    "index.md": """# Tables

```{toctree}
rst_page
bad
```

```{ccroles-matrix}
```
""",
    "rst_page.rst": """Tables in reST
==============

.. ccroles-role:: Premium Customer Center

.. ccroles-diff::
   :from: Customer Center
   :to: Premium Customer Center
""",
    "bad.md": """# Bad names

```{ccroles-role} Premium Customer Centre
```

```{ccroles-diff}
:from: Customer Center
```

```{ccroles-diff}
:from: Customer Center
:to: Nobody
```
""",
}


def build(root: Path, pages: dict[str, str]) -> tuple[Path, list[str]]:
    """Build *pages* as HTML; return the output folder and the warnings."""
    source = root / "source"
    source.mkdir(exist_ok=True)
    (source / "conf.py").write_text(CONF, encoding="utf-8")
    for name, text in pages.items():
        (source / name).write_text(text, encoding="utf-8")
    return root / "html", rebuild(root, freshenv=True)


def rebuild(root: Path, *, freshenv: bool = False) -> list[str]:
    """Build the project in *root* again (incrementally); return the warnings."""
    source = root / "source"
    warnings = io.StringIO()
    with docutils_namespace():
        app = Sphinx(
            source,
            source,
            root / "html",
            root / "doctrees",
            "html",
            status=None,
            warning=warnings,
            freshenv=freshenv,
        )
        app.build()
    return strip_colors(warnings.getvalue()).splitlines()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """The small project, built once for the module."""
    return build(tmp_path_factory.mktemp("sphinx"), PAGES)


def expected_rows(rst: str) -> list[list[str]]:
    """The rows of every table in the renderer's reStructuredText."""
    return [row for table in rst_tables(rst) for row in table]


def test_matrix_directive_renders_the_matrix_in_myst(
    built: tuple[Path, list[str]],
) -> None:
    """`{ccroles-matrix}` in MyST gives the renderer's matrix, cell for cell."""
    html, _ = built
    rows = html_rows((html / "index.html").read_text(encoding="utf-8"))
    assert rows == expected_rows(render_matrix(feature_matrix(), OutputFormat.RST))


def test_role_and_diff_directives_work_in_rst(built: tuple[Path, list[str]]) -> None:
    """`.. ccroles-role::` and `.. ccroles-diff::` give the renderer's tables."""
    html, _ = built
    text = (html / "rst_page.html").read_text(encoding="utf-8")
    role = render_role(PREMIUM_CUSTOMER_CENTER, OutputFormat.RST)
    diff = render_diff(
        diff_roles(CUSTOMER_CENTER, PREMIUM_CUSTOMER_CENTER), OutputFormat.RST
    )
    assert html_rows(text) == expected_rows(role) + expected_rows(diff)
    assert "<li><p>copied from: none (built-in role)</p></li>" in text
    assert "<li><p>from: Customer Center</p></li>" in text


def test_page_titles_are_left_to_the_page(built: tuple[Path, list[str]]) -> None:
    """The directives add no headings: the page keeps its own one title."""
    html, _ = built
    text = (html / "rst_page.html").read_text(encoding="utf-8")
    assert text.count("<h1>") == 1
    assert "<h2>" not in text


def test_bad_names_are_build_warnings_that_suggest(
    built: tuple[Path, list[str]],
) -> None:
    """Unknown roles and a missing option are warnings naming the problem."""
    _, warnings = built
    messages = [line.split(" ERROR: ", 1)[1] for line in warnings]
    assert messages == [
        (
            "ccroles-role: unknown role 'Premium Customer Centre'; "
            "did you mean 'Premium Customer Center'? [docutils]"
        ),
        "ccroles-diff: give both :from: and :to: role names [docutils]",
        "ccroles-diff: unknown role 'Nobody' [docutils]",
    ]
    assert all("bad.md:" in line for line in warnings)


def test_bad_renderer_output_is_a_warning_not_a_crash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Should the renderer give broken reST, the build says so and goes on."""
    monkeypatch.setattr(
        "ccroles.sphinxext.render_matrix", lambda *_: "an `unclosed literal"
    )
    _, warnings = build(tmp_path, {"index.md": "# M\n\n```{ccroles-matrix}\n```\n"})
    assert len(warnings) == 1
    assert "ccroles-matrix: the renderer gave bad reStructuredText" in warnings[0]


def test_setup_declares_parallel_safety() -> None:
    """The extension registers its directives and is safe in parallel builds."""

    class App:
        def __init__(self) -> None:
            self.directives: list[str] = []

        def add_directive(self, name: str, _: object) -> None:
            self.directives.append(name)

    app = App()
    metadata = setup(app)  # type: ignore[arg-type]
    assert app.directives == [
        "ccroles-matrix",
        "ccroles-role",
        "ccroles-diff",
        "ccroles-exports",
    ]
    assert metadata["parallel_read_safe"] is True
    assert metadata["parallel_write_safe"] is True


# --- custom roles from a file (:roles:) --------------------------------------

ROLES_TOML = """format = 1

[[roles]]
name = "Accountant"
base = "Customer Center"
levels = { TRAN_SALESORD = "None", TRAN_RTNAUTH = "None" }

[[roles]]
name = "Auditor"
base = "Accountant"
levels = { TRAN_CUSTPYMT = "View" }
"""

BROKEN_TOML = """format = 1

[[roles]]
name = "Payer"
base = "Customer Center"
levels = { TRAN_CUSTPYMT = "Full" }

[[roles]]
name = "Buyer"
base = "Premium Customer Centre"
"""

CUSTOM_PAGES = {
    "index.md": """# Custom roles

```{toctree}
guide/page
broken
```

```{ccroles-matrix}
:roles: roles.toml
```
""",
    "guide/page.rst": """Custom roles in reST
====================

.. ccroles-role:: Auditor
   :roles: ../roles.toml

.. ccroles-diff::
   :roles: /roles.toml
   :from: Accountant
   :to: Auditor
""",
    "broken.md": """# Broken files

```{ccroles-matrix}
:roles: broken.toml
```

```{ccroles-role} Auditor
:roles: missing.toml
```

```{ccroles-role} Auditor
```
""",
    "roles.toml": ROLES_TOML,
    "broken.toml": BROKEN_TOML,
}


@pytest.fixture(scope="module")
def custom(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """A project whose pages load custom roles from files, built once."""
    root = tmp_path_factory.mktemp("custom")
    (root / "source" / "guide").mkdir(parents=True)
    return build(root, CUSTOM_PAGES)


def custom_roles() -> tuple[Role, ...]:
    """The roles of ROLES_TOML, loaded as the directives load them."""
    return loads_roles(ROLES_TOML, FileFormat.TOML)


def test_matrix_directive_adds_the_roles_of_a_file(
    custom: tuple[Path, list[str]],
) -> None:
    """`:roles: FILE` adds a column per custom role of the file to the matrix."""
    html, _ = custom
    rows = html_rows((html / "index.html").read_text(encoding="utf-8"))
    matrix = feature_matrix((*BUILTIN_ROLES, *custom_roles()))
    assert rows == expected_rows(render_matrix(matrix, OutputFormat.RST))
    assert rows[0][-2:] == ["Accountant", "Auditor"]


def test_role_and_diff_directives_know_the_roles_of_a_file(
    custom: tuple[Path, list[str]],
) -> None:
    """The path is relative to the page's folder, or to the source with `/`."""
    html, _ = custom
    text = (html / "guide" / "page.html").read_text(encoding="utf-8")
    accountant, auditor = custom_roles()
    role = render_role(auditor, OutputFormat.RST)
    diff = render_diff(diff_roles(accountant, auditor), OutputFormat.RST)
    assert html_rows(text) == expected_rows(role) + expected_rows(diff)
    assert "copied from: Accountant (root: Customer Center)" in text


def test_a_roles_file_is_a_dependency_of_the_page(tmp_path: Path) -> None:
    """Changing the roles file rebuilds the page that uses it, with the change."""
    pages = {
        "index.md": "# R\n\n```{ccroles-role} Auditor\n:roles: roles.toml\n```\n",
        "roles.toml": ROLES_TOML,
    }
    html, warnings = build(tmp_path, pages)
    assert warnings == []
    page = html / "index.html"
    assert "Customer Payment</p></td>\n<td><p>View" in page.read_text(encoding="utf-8")
    roles = tmp_path / "source" / "roles.toml"
    roles.write_text(ROLES_TOML.replace('"View"', '"None"'), encoding="utf-8")
    rebuild(tmp_path)
    assert "Customer Payment</p></td>\n<td><p>None" in page.read_text(encoding="utf-8")


def test_a_roles_file_that_does_not_load_is_a_warning_with_every_problem(
    custom: tuple[Path, list[str]],
) -> None:
    """A broken or missing file: one error per directive, naming each problem."""
    _, warnings = custom
    text = "\n".join(warnings)
    assert text.count(" ERROR: ") == 3
    assert "ccroles-matrix: " in text
    assert "broken.toml does not load: 2 problems" in text
    assert "roles[0].levels.TRAN_CUSTPYMT: role 'Payer' cannot raise" in text
    assert "roles[1].base: unknown role 'Premium Customer Centre'" in text
    assert "missing.toml: cannot be read: No such file or directory" in text
    # Without :roles: the directive knows the built-in roles only.
    assert "ccroles-role: unknown role 'Auditor'" in text


EXPORTS_PAGE = """# Names

```{toctree}
api
```

```{ccroles-exports} documentation writer
```

```{ccroles-exports} nobody
```
"""


def test_exports_directive_lists_a_readers_names_with_links(tmp_path: Path) -> None:
    """`{ccroles-exports}` lists the table's topics, each name linked once."""
    topics = EXPORTS["documentation writer"]
    (topic,) = topics
    targets = "".join(
        f".. py:{'class' if name[0].isupper() else 'function'}:: {module}.{name}\n\n"
        for module, names in topics[topic].items()
        for name in names
    )
    pages = {"index.md": EXPORTS_PAGE, "api.rst": f"API\n===\n\n{targets}"}
    html, warnings = build(tmp_path, pages)
    text = (html / "index.html").read_text(encoding="utf-8")
    assert f"<li><p>{topic}: " in text
    for module, names in topics[topic].items():
        for name in names:
            assert f'href="api.html#{module}.{name}"' in text
    assert [line.split(" ERROR: ", 1)[1] for line in warnings] == [
        (
            "ccroles-exports: no reader 'nobody'; known: 'portal developer', "
            "'test writer', 'documentation writer' [docutils]"
        )
    ]
