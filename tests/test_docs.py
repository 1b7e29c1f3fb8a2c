"""The documentation: the README's matrix, the examples, and the built site."""

import io
import os
import re
import shlex
import shutil
import struct
import subprocess
import tomllib
import zlib
from pathlib import Path
from warnings import catch_warnings, filterwarnings

import attrs
import pytest
from sphinx.application import Sphinx
from sphinx.deprecation import RemovedInSphinx11Warning
from sphinx.util.console import strip_colors
from sphinx.util.docutils import docutils_namespace

from ccroles import embed_matrix, feature_matrix
from ccroles.cli import main
from ccroles.customers import Contact, Customer
from ccroles.documents import Document, PreferencesEntry, RoleEntry
from ccroles.forms import FormField, TransactionForm
from ccroles.notifications import NotificationSettings
from ccroles.render import MATRIX_BEGIN
from tests.expected import COLUMNS, source_matrix
from tests.markup import html_rows

ROOT = Path(__file__).parent.parent
DOCS = ROOT / "docs"
README = ROOT / "README.md"
PAGES = sorted([README, *DOCS.rglob("*.md")])
CHROMIUM = shutil.which("chromium")
REFRESH = "make readme  (or: ccroles readme --write README.md)"

_FENCE = re.compile(r"(`{3,})([^`\s]*)([^`]*)$")


def fenced_blocks(path: Path) -> list[tuple[str, int, str]]:
    """The fenced code blocks of a Markdown file: (language, line, text).

    A block whose info string says ``no-run`` (```` ```python no-run ````) is
    left out: a sketch that needs files or services the tests do not have.
    """
    blocks: list[tuple[str, int, str]] = []
    lines = path.read_text(encoding="utf-8").splitlines()
    index = 0
    while index < len(lines):
        opening = _FENCE.match(lines[index])
        index += 1
        if opening is None:
            continue
        fence, language, start = opening.group(1), opening.group(2), index
        while not re.fullmatch(f"{fence}`*\\s*", lines[index]):
            index += 1
        if "no-run" not in opening.group(3).split():
            blocks.append((language, start + 1, "\n".join(lines[start:index])))
        index += 1
    return blocks


def test_readme_matrix_is_fresh() -> None:
    """The README's matrix is the one the roles give today."""
    text = README.read_text(encoding="utf-8")
    assert MATRIX_BEGIN in text
    assert embed_matrix(text, feature_matrix()) == text, (
        f"the feature matrix in README.md is stale; refresh it with: {REFRESH}"
    )


@pytest.mark.parametrize("path", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_python_examples_run(path: Path) -> None:
    """Every ```python block runs, in order, sharing one namespace per page."""
    namespace: dict[str, object] = {"__name__": f"example:{path.name}"}
    for language, line, code in fenced_blocks(path):
        if language == "python":
            source = "\n" * (line - 1) + code  # tracebacks show the page's line
            exec(compile(source, str(path), "exec"), namespace)  # noqa: S102


@attrs.define
class ConsoleExample:
    """A `$ ccroles ...` line of a page, the output shown and the exit status."""

    argv: list[str]
    shown: list[str] = attrs.field(factory=list)
    status: int = 0


_STATUS = re.compile(r"\[exit status (\d+)\]")


def console_examples(path: Path) -> list[ConsoleExample]:
    """The `$ ccroles ...` commands of a page's ```console blocks, with output.

    A line ``[exit status N]`` after the output gives the status expected.
    """
    examples: list[ConsoleExample] = []
    for language, _, text in fenced_blocks(path):
        if language != "console":
            continue
        for line in text.splitlines():
            if line.startswith("$ "):
                argv = shlex.split(line[2:], comments=True)
                prefix = ["python", "-m", "ccroles"]
                argv = argv[3:] if argv[:3] == prefix else argv[1:]
                examples.append(ConsoleExample(argv))
            elif status := _STATUS.fullmatch(line):
                examples[-1].status = int(status.group(1))
            else:
                examples[-1].shown.append(line)
    return examples


@pytest.mark.parametrize("path", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_console_examples_run(
    path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Every `$ ccroles` line succeeds and prints the output shown under it."""
    (tmp_path / "README.md").write_text(
        README.read_text(encoding="utf-8"), encoding="utf-8"
    )
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    monkeypatch.chdir(tmp_path)  # commands that write files write copies
    for example in console_examples(path):
        try:
            status = main(example.argv)
        except SystemExit as exit_:
            status = int(exit_.code or 0)
        assert status == example.status, example.argv
        out = capsys.readouterr().out
        if example.shown:
            assert out.splitlines() == example.shown, example.argv


def test_blocks_marked_no_run_are_left_out(tmp_path: Path) -> None:
    """Only blocks without `no-run` in their info string are collected."""
    page = tmp_path / "page.md"
    page.write_text(
        "```python no-run\nopen('x')\n```\n\n````python\nx = 1\n````\n",
        encoding="utf-8",
    )
    assert fenced_blocks(page) == [("python", 6, "x = 1")]


def test_console_examples_are_found() -> None:
    """The console examples are read: commands, `python -m` and shown output."""
    examples = console_examples(README)
    assert examples[0] == ConsoleExample(["matrix", "--format", "markdown"])
    assert ["matrix"] in [example.argv for example in examples]
    assert any(example.status == 1 for example in examples)
    tutorial = DOCS / "tutorials" / "documentation-writer.md"
    assert any(example.shown for example in console_examples(tutorial))


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The documentation site, built as `make docs` builds it (warnings fail)."""
    root = tmp_path_factory.mktemp("site")
    warnings = io.StringIO()
    with docutils_namespace(), catch_warnings():
        # Napoleon and MyST still use interfaces Sphinx 9 deprecates (for 11).
        filterwarnings(
            "ignore",
            category=RemovedInSphinx11Warning,
            module=r"(sphinx\.ext\.napoleon|myst_parser)\b",
        )
        app = Sphinx(
            DOCS,
            DOCS,
            root / "html",
            root / "doctrees",
            "html",
            status=None,
            warning=warnings,
            freshenv=True,
        )
        app.build()
    assert strip_colors(warnings.getvalue()) == ""
    return root / "html"


def test_site_has_every_page(site: Path) -> None:
    """The site has the reference pages, the three tutorials, contributing."""
    pages = sorted(str(p.relative_to(site)) for p in site.rglob("*.html"))
    assert [p for p in pages if not p.startswith("_")] == [
        "api.html",
        "audit.html",
        "cedar.html",
        "contributing.html",
        "files.html",
        "forms.html",
        "genindex.html",
        "index.html",
        "installing.html",
        "matrix.html",
        "postgres.html",
        "py-modindex.html",
        "roles.html",
        "rules.html",
        "search.html",
        "sign-in.html",
        "tutorials/documentation-writer.html",
        "tutorials/portal-developer.html",
        "tutorials/test-writer.html",
    ]


def test_site_matrix_page_matches_the_written_out_matrix(site: Path) -> None:
    """The built matrix page is the written-out matrix, cell for cell."""
    header, *rows = html_rows((site / "matrix.html").read_text(encoding="utf-8"))
    assert header == ["feature", *COLUMNS.values()]
    cells = {
        (feature.removeprefix("— "), role): cell == "Yes"
        for feature, *row in rows
        for role, cell in zip(header[1:], row, strict=True)
    }
    assert cells == source_matrix()
    assert len(rows) == 22


def test_site_api_reference_documents_the_renderers(site: Path) -> None:
    """The API page is built from the docstrings, type hints included."""
    text = (site / "api.html").read_text(encoding="utf-8")
    assert 'id="ccroles.render.render_diff"' in text
    assert 'id="ccroles.sphinxext.setup"' in text
    assert "Render <em>diff</em>: the levels changed" in text


def test_site_renders_the_example_roles_file(site: Path) -> None:
    """The documentation writer's tutorial shows examples/roles.toml's roles."""
    page = site / "tutorials" / "documentation-writer.html"
    rows = html_rows(page.read_text(encoding="utf-8"))
    assert ["feature", *COLUMNS.values(), "Accountant", "Buyer", "Auditor"] in rows
    assert ["TRAN_CUSTPYMT", "Customer Payment", "View", "Edit", "*"] in rows


@pytest.mark.skipif(
    os.environ.get("CCROLES_SCREENSHOT") != "1" or CHROMIUM is None,
    reason="optional: needs chromium and CCROLES_SCREENSHOT=1 (make screenshot)",
)
def test_site_matrix_page_renders_in_a_browser(site: Path, tmp_path: Path) -> None:
    """Headless Chromium draws the matrix page: a full-size, non-blank picture."""
    png = Path(os.environ.get("CCROLES_SCREENSHOT_FILE", tmp_path / "matrix.png"))
    assert CHROMIUM is not None
    subprocess.run(  # noqa: S603 (a fixed command line on a file we built)
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--hide-scrollbars",
            f"--screenshot={png}",
            "--window-size=1200,1300",
            (site / "matrix.html").as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (1200, 1300)
    chunks = re.finditer(rb"IDAT", data)
    pixels = zlib.decompress(
        b"".join(
            data[
                m.end() : m.end()
                + struct.unpack(">I", data[m.start() - 4 : m.start()])[0]
            ]
            for m in chunks
        )
    )
    assert len(set(pixels)) > 16  # text and table rules, not a blank page


FILES_PAGE = DOCS / "files.md"


def test_the_file_format_pages_complete_example_validates(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The complete account file of the format page passes `ccroles validate`."""
    [example] = [
        code for language, _, code in fenced_blocks(FILES_PAGE) if language == "toml"
    ]
    path = tmp_path / "account.toml"
    path.write_text(example, encoding="utf-8")
    assert main(["validate", str(path)]) == 0
    assert capsys.readouterr().out == f"{path}: ok\n"
    data = tomllib.loads(example)
    assert sorted(data) == sorted(attrs.fields_dict(Document))


@pytest.mark.parametrize(
    "cls",
    [
        Document,
        RoleEntry,
        PreferencesEntry,
        Customer,
        Contact,
        NotificationSettings,
        TransactionForm,
        FormField,
    ],
    ids=lambda cls: cls.__name__,
)
def test_the_file_format_page_names_every_key(cls: type) -> None:
    """Each key a file may hold is in a table of the format page."""
    page = FILES_PAGE.read_text(encoding="utf-8")
    for name in attrs.fields_dict(cls):
        assert f"`{name}`" in page, name
