import json
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest

from ccroles.cli import main
from tests.cli_run import run


def test_matrix_json(capsys: pytest.CaptureFixture[str]) -> None:
    """`ccroles matrix --format json` prints the documented JSON document."""
    status, out, _ = run(capsys, "matrix", "--format", "json")
    assert status == 0
    assert (
        json.loads(out)["features"][-1]["allowed"]["Advanced Customer Center"] is True
    )


def test_matrix_text_is_the_default(capsys: pytest.CaptureFixture[str]) -> None:
    """Without --format the matrix is a text table."""
    status, out, _ = run(capsys, "matrix")
    assert status == 0
    assert out.splitlines()[2].split() == ["Billing", "Yes", "Yes", "No"]


def test_role_page(capsys: pytest.CaptureFixture[str]) -> None:
    """`ccroles role NAME` prints the role's page; names match ignoring case."""
    status, out, _ = run(capsys, "role", "premium customer center")
    assert status == 0
    assert out.startswith("Premium Customer Center\n")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["role", "Customer Centre"], "unknown role 'Customer Centre'; did you mean"),
        (["matrix", "--format", "xml"], "invalid choice: 'xml'"),
        (["frobnicate"], "invalid choice: 'frobnicate'"),
        ([], "the following arguments are required: COMMAND"),
    ],
)
def test_bad_arguments_are_one_line_and_status_2(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    """Bad arguments give one line on stderr, exit status 2, no traceback."""
    status, out, err = run(capsys, *argv)
    assert status == 2
    assert out == ""
    assert len(err.splitlines()) == 1
    assert err.startswith("ccroles")
    assert message in err


def test_python_dash_m() -> None:
    """`python -m ccroles` runs the same command line (in a real subprocess)."""
    result = subprocess.run(
        [sys.executable, "-m", "ccroles", "matrix", "--format", "csv"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0
    assert result.stdout.startswith("feature,parent,")


def test_help_lists_every_command_and_exits_0(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`ccroles --help` lists the commands and exits with status 0, as argparse does."""
    with pytest.raises(SystemExit) as exit_:
        main(["--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    for command in ("matrix", "role", "diff", "validate", "readme", "check", "explain"):
        assert command in out
    for command in ("import-access", "sign-in-status", "unlock"):
        assert command in out


def test_bad_arguments_are_returned_not_raised(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """main() returns status 2 for bad arguments instead of raising SystemExit."""
    assert main(["check", "examples/account.toml"]) == 2
    assert capsys.readouterr().err.startswith("ccroles check: error: ")


def test_help_names_every_output_format(capsys: pytest.CaptureFixture[str]) -> None:
    """The --format help, written without the renderers, names every OutputFormat."""
    from ccroles.render import OutputFormat  # noqa: PLC0415

    with pytest.raises(SystemExit):
        main(["matrix", "--help"])
    names = ",".join(f.value for f in OutputFormat)
    assert f"  --format {{{names}}}\n" in capsys.readouterr().out


def test_version_prints_the_installed_version_and_exits_0(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`ccroles --version` prints `ccroles VERSION` (the package's), status 0."""
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out == f"ccroles {version('ccroles')}\n"


def test_matrix_role_shows_the_named_roles_in_order(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`--role NAME` (repeatable, any case) chooses the matrix's columns."""
    argv = ["matrix", "--format", "csv", "--roles", "examples/roles.toml"]
    argv += ["--role", "auditor", "--role", "CUSTOMER CENTER", "--role", "Auditor"]
    status, out, _ = run(capsys, *argv)
    assert status == 0
    assert out.splitlines()[0] == "feature,parent,Auditor,Customer Center"


def test_matrix_role_unknown_is_status_2(capsys: pytest.CaptureFixture[str]) -> None:
    """An unknown --role is one line with the closest name."""
    status, out, err = run(capsys, "matrix", "--role", "Premium Customer Centre")
    assert (status, out) == (2, "")
    assert "did you mean 'Premium Customer Center'?" in err


def test_readme_roles_puts_the_custom_roles_in_the_matrix(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """`ccroles readme --roles FILE` writes the custom roles' columns too."""
    page = tmp_path / "page.md"
    page.write_text(
        "<!-- ccroles-matrix: generated from the role definitions -->\n"
        "<!-- /ccroles-matrix -->\n",
        encoding="utf-8",
    )
    argv = ["readme", "--write", "--roles", "examples/roles.toml", str(page)]
    assert run(capsys, *argv)[0] == 0
    header = page.read_text(encoding="utf-8").splitlines()[2]
    assert "| Auditor |" in header
    assert "Advanced Customer Center" in header
