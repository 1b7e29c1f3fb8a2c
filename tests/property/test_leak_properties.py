"""Issue 13: no output ever holds a password, whatever a CSV row does.

Rows with passwords in their Password and Confirm Password cells go through
the import, its report, the command line and the DEBUG log, after a cell is
dropped or added anywhere (a shifted row moves the password into another
column), beside hostile text in the other cells.
"""

import contextlib
import csv
import io
import logging
import tempfile
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from ccroles import import_access, render_report
from ccroles.cli import main
from tests.access_fixtures import CHEAP_SCRYPT, NOW, account

HEADER = [
    "Internal ID",
    "Customer ID",
    "Give Access",
    "Role",
    "Email",
    "Send New Access Notification Email",
    "Manually Assign or Change Password",
    "Password",
    "Confirm Password",
]
EXAMPLE = "examples/account.toml"

passwords = st.from_regex(r"[A-Z][a-z]{3,7}-[A-Z][a-z]{3,7}-[0-9]{2}", fullmatch=True)
hostile = st.one_of(
    st.sampled_from(["", "yes", "no", "maybe", "101", "Accountant", "a@b.example"]),
    st.text(st.characters(codec="utf-8", exclude_characters="\r\n"), max_size=12),
)


@st.composite
def rows(draw: st.DrawFn) -> tuple[list[str], set[str]]:
    """A row with passwords in their cells, maybe shifted; and its passwords."""
    password, confirm = draw(passwords), draw(st.one_of(st.just(""), passwords))
    cells = [
        draw(st.sampled_from(["101", "102", "104", "105", "999"])),
        draw(hostile),
        draw(st.sampled_from(["yes", "no", "y", "maybe"])),
        draw(st.sampled_from(["Customer Center", "Accountant", "Acountant", ""])),
        draw(st.sampled_from(["", "new@hooli.example", "bad email"])),
        draw(st.sampled_from(["", "yes", "no"])),
        draw(st.sampled_from(["yes", "", "no"])),
        password,
        draw(st.sampled_from([password, confirm])),
    ]
    shift = draw(st.sampled_from(["none", "drop", "add"]))
    at = draw(st.integers(0, len(cells) - 1))
    if shift == "drop":
        del cells[at]
    elif shift == "add":
        cells.insert(at, draw(hostile))
    return cells, {password, *([confirm] if confirm else [])}


def _csv(table: list[list[str]]) -> str:
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(HEADER)
    writer.writerows(table)
    return out.getvalue()


def _command_line(text: str, *, apply: bool) -> str:
    """What `ccroles import-access` prints, stdout and stderr, for *text*."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "access.csv"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        out, err = io.StringIO(), io.StringIO()
        argv = ["import-access", EXAMPLE, str(path)] + (["--apply"] if apply else [])
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            main(argv)
        return out.getvalue() + err.getvalue()


@given(table=st.lists(rows(), min_size=1, max_size=4), apply=st.booleans())
def test_no_output_holds_a_password(
    table: list[tuple[list[str], set[str]]], *, apply: bool
) -> None:
    """Report, problems, notifications, the command line and the log: no password."""
    secrets = set().union(*(found for _, found in table))
    text = _csv([cells for cells, _ in table])
    log = io.StringIO()
    handler = logging.StreamHandler(log)
    logger = logging.getLogger("ccroles")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        report = import_access(
            account(), io.StringIO(text), apply=apply, scrypt=CHEAP_SCRYPT, now=NOW
        )
        outputs = [
            render_report(report),
            repr(report),
            *(str(problem) for problem in report.problems),
            *(mail.body + mail.subject for mail in report.notifications),
            _command_line(text, apply=apply),
        ]
    finally:
        logger.removeHandler(handler)
        logger.setLevel(logging.NOTSET)
    outputs.append(log.getvalue())
    for output in outputs:
        for secret in secrets:
            assert secret not in output, (secret, output)
