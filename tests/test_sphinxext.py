"""The Sphinx directives, built in a small project of their own."""

import io
from pathlib import Path

import pytest
from sphinx.application import Sphinx
from sphinx.util.console import strip_colors
from sphinx.util.docutils import docutils_namespace

from ccroles import (
    CUSTOMER_CENTER,
    PREMIUM_CUSTOMER_CENTER,
    Format,
    diff_roles,
    feature_matrix,
    render_diff,
    render_matrix,
    render_role,
)
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
    source.mkdir()
    (source / "conf.py").write_text(CONF, encoding="utf-8")
    for name, text in pages.items():
        (source / name).write_text(text, encoding="utf-8")
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
            freshenv=True,
        )
        app.build()
    return root / "html", strip_colors(warnings.getvalue()).splitlines()


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
    assert rows == expected_rows(render_matrix(feature_matrix(), Format.RST))


def test_role_and_diff_directives_work_in_rst(built: tuple[Path, list[str]]) -> None:
    """`.. ccroles-role::` and `.. ccroles-diff::` give the renderer's tables."""
    html, _ = built
    text = (html / "rst_page.html").read_text(encoding="utf-8")
    role = render_role(PREMIUM_CUSTOMER_CENTER, Format.RST)
    diff = render_diff(diff_roles(CUSTOMER_CENTER, PREMIUM_CUSTOMER_CENTER), Format.RST)
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
    assert app.directives == ["ccroles-matrix", "ccroles-role", "ccroles-diff"]
    assert metadata["parallel_read_safe"] is True
    assert metadata["parallel_write_safe"] is True
