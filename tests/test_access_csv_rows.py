"""The bulk access CSV, cell by cell: what each row and header cell makes of it.

Each test names the rule of the import it holds: how a header is read, which
cells are trimmed, which rows are skipped, what a problem quotes and hides,
and what the report counts, logs and sends.
"""

import io
import logging
from collections.abc import Iterable
from datetime import UTC, datetime

import pytest

from ccroles import Account, import_access, render_report
from ccroles.access_report import ImportReport
from tests.access_fixtures import CHEAP_SCRYPT, NOW, account

GOOD = "plum-tractor-44"
ID_GIVE = "Internal ID,Give Access"
NOTIFY = "Send New Access Notification Email"
MANUAL = "Manually Assign or Change Password"
ACCEPTED = "accepted: TRUE, YES, T, Y, FALSE, NO, F, N (any case)"


def run(
    lines: Iterable[str], target: Account | None = None, *, apply: bool = False
) -> ImportReport:
    """Import *lines* into the test account (or *target*), at the tests' time."""
    return import_access(
        target or account(), lines, apply=apply, scrypt=CHEAP_SCRYPT, now=NOW
    )


def problems(lines: Iterable[str], target: Account | None = None) -> list[str]:
    """The problems of a dry run of *lines*, as the report words them."""
    return [str(problem) for problem in run(lines, target).problems]


# The header


@pytest.mark.parametrize("separator", [";", "\t", "|"])
def test_a_header_split_by_another_separator_is_one_problem(separator: str) -> None:
    """A header of known columns split by ; tab or | says so, and ends the file."""
    lines = [f"Internal ID{separator}Give Access", f"101{separator}yes"]
    assert problems(lines) == [
        (
            f"line 1: the header is separated by {separator!r}, not by commas: "
            "save the file as 'CSV UTF-8 (comma delimited)'"
        )
    ]


def test_a_header_of_one_known_column_is_no_other_separator() -> None:
    """A one-cell header without a separator is read as a header that lacks a column."""
    assert problems(["Give Access", "yes"]) == [
        (
            "line 1, column 'Internal ID': the header lacks a column to find "
            "customers: 'Internal ID' (preferred) or 'Customer ID'"
        )
    ]


def test_a_header_with_a_nul_is_utf16_and_ends_the_file() -> None:
    """A NUL in the header means UTF-16 text: one problem on its line, no rows read."""
    lines = ["", "Internal ID,Give\0 Access", "101,yes,extra"]
    assert problems(lines) == [
        (
            "line 2: the file is UTF-16 text, not UTF-8: save it as "
            "'CSV UTF-8 (comma delimited)'"
        )
    ]


@pytest.mark.parametrize("bom", [b"\xff\xfe", b"\xfe\xff"], ids=["le", "be"])
def test_a_utf16_file_of_either_byte_order_is_named(bom: bytes) -> None:
    """A file opened as UTF-8 that starts with a UTF-16 byte order mark says so."""
    codec = "utf-16-le" if bom == b"\xff\xfe" else "utf-16-be"
    data = bom + f"{ID_GIVE}\r\n101,yes\r\n".encode(codec)
    lines = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", newline="")
    assert problems(lines) == [
        (
            "line 1: the file is UTF-16 text, not UTF-8: save it as "
            "'CSV UTF-8 (comma delimited)'"
        )
    ]


# "rolexy" matches "role" with a ratio of 0.8 (8 of 10 characters), the least
# a typo needs; "rolexyz" with 0.73 (8 of 11), below it: an ignored column.
@pytest.mark.parametrize(
    ("cell", "found", "ignored"),
    [
        (
            "rolexy",
            [
                (
                    "line 1, column 'rolexy': column 3 of the header is no known "
                    "column; did you mean 'Role'? (fix the header)"
                )
            ],
            (),
        ),
        ("rolexyz", [], ("rolexyz",)),
    ],
)
def test_a_header_cell_is_a_typo_from_a_likeness_of_0_8(
    cell: str, found: list[str], ignored: tuple[str, ...]
) -> None:
    """A cell 0.8 alike a column is a typo of it; a less alike one is ignored."""
    report = run([f"{ID_GIVE},{cell}", "103,no,"])
    assert [str(problem) for problem in report.problems] == found
    assert report.ignored_columns == ignored


def test_a_header_with_a_typo_and_another_problem_reads_no_row() -> None:
    """A typo and a second header problem: no row is read, no column listed ignored."""
    report = run(["Internal ID,Give Acess,Role,Role,Notes", "101,maybe,,,x"])
    assert [str(problem) for problem in report.problems] == [
        (
            "line 1, column 'Give Acess': column 2 of the header is no known column; "
            "did you mean 'Give Access'? (fix the header)"
        ),
        "line 1, column 'Role': the header has this column twice (columns 3 and 4)",
    ]
    assert (report.rows, report.ignored_columns) == (0, ())


# Rows and cells


def test_a_line_of_blank_cells_is_skipped() -> None:
    """A line of commas only is no row, like a blank line."""
    report = run([ID_GIVE, ",", "", "103,no"])
    assert (report.rows, report.revocations, report.problems) == (1, 1, ())


def test_blank_cells_beyond_the_header_are_no_shift() -> None:
    """A row longer than the header only by blank cells is read as it is."""
    report = run([ID_GIVE, "103,no,,"])
    assert (report.rows, report.revocations, report.problems) == (1, 1, ())


def test_cells_are_read_without_their_surrounding_spaces() -> None:
    """Spaces around a true/false, an id or a role do not count."""
    lines = [f"{ID_GIVE},Role,{NOTIFY}", " 101 , yes , Customer Center , y "]
    report = run(lines, apply=True)
    assert report.account is not None
    acme = report.account.customer("101")
    assert (acme.give_access, acme.role) == (True, "Customer Center")


def test_password_cells_keep_their_spaces() -> None:
    """A Password cell is the password as typed: its spaces are part of it."""
    lines = [
        f"{ID_GIVE},Role,{MANUAL},Password,Confirm Password",
        f"101,yes,Customer Center,yes, {GOOD} , {GOOD} ",
    ]
    report = run(lines, apply=True)
    assert report.account is not None
    stored = report.account.customer("101").password_hash
    assert stored is not None
    assert stored.verify(f" {GOOD} ")
    assert not stored.verify(GOOD)


def test_a_row_that_names_no_customer_faults_the_one_id_column() -> None:
    """With only a Customer ID column, a row naming no customer faults that column."""
    assert problems(["Customer ID,Give Access", ",no"]) == [
        (
            "line 2, column 'Customer ID': the row names no customer: fill in "
            "'Internal ID' or 'Customer ID'"
        )
    ]


@pytest.mark.parametrize(
    ("row", "found"),
    [
        (
            "103,no,,yes",
            [
                (
                    f"line 2, column {MANUAL!r}: revoking access sends no notification "
                    "and sets no password"
                )
            ],
        ),
        (
            "104,yes,yes,maybe",
            [
                (
                    f"line 2, column {MANUAL!r}: 'maybe' is not a true/false value; "
                    f"{ACCEPTED}"
                )
            ],
        ),
    ],
    ids=["revoking-with-manual", "manual-not-a-flag"],
)
def test_the_manual_column_is_checked_on_its_line(row: str, found: list[str]) -> None:
    """Manually Assign is a true/false cell, and a revoking row leaves it blank."""
    assert problems([f"{ID_GIVE},{NOTIFY},{MANUAL}", row]) == found


def test_a_row_of_an_unknown_customer_has_its_cells_worded() -> None:
    """Email and Role of a row whose login is unknown: the full problem, its line."""
    lines = ["", f"{ID_GIVE},Email,Role", "999,maybe,bad email,Acountant"]
    assert problems(lines) == [
        (
            "line 3, column 'Internal ID': no customer has internal id '999'; an "
            "import only updates existing customers"
        ),
        f"line 3, column 'Give Access': 'maybe' is not a true/false value; {ACCEPTED}",
        (
            "line 3, column 'Email': the login of line 3 cannot log in as 'bad email': "
            "an email is a local part, one '@' and a domain with a dot, without spaces "
            "or control characters, at most 254 characters"
        ),
        "line 3, column 'Role': unknown role 'Acountant'; did you mean 'Accountant'?",
    ]


def test_a_good_email_and_role_of_an_unknown_customer_are_no_problem() -> None:
    """Only the unknown customer is a problem when its Email and Role are good."""
    lines = [f"{ID_GIVE},Email,Role", "999,no,new@acme.example,Accountant"]
    assert problems(lines) == [
        (
            "line 2, column 'Internal ID': no customer has internal id '999'; an "
            "import only updates existing customers"
        )
    ]


# Passwords are hidden


@pytest.mark.parametrize(
    ("secret", "shown"),
    [("abcd1234", "'x(hidden)y'"), ("abc1234", "'xabc1234y'")],
    ids=["8-characters", "7-characters"],
)
def test_a_password_of_8_characters_is_hidden_inside_other_text(
    secret: str, shown: str
) -> None:
    """A password of 8 characters is hidden inside a cell; one of 7 only whole."""
    lines = [
        f"{ID_GIVE},{MANUAL},Password,Confirm Password",
        f"101,x{secret}y,yes,{secret},{secret}",
    ]
    assert problems(lines) == [
        f"line 2, column 'Give Access': {shown} is not a true/false value; {ACCEPTED}"
    ]


def test_a_long_password_is_hidden_with_its_quotes() -> None:
    """A password quoted whole by a problem is hidden quotes and all."""
    secret = "Tr0ub4dor-and-more-words-7"  # noqa: S105 (a known password, to hide)
    lines = [f"{ID_GIVE},Password", f"{secret},no,{secret}"]
    assert problems(lines)[0] == (
        "line 2, column 'Internal ID': no customer has internal id (hidden); an "
        "import only updates existing customers"
    )


@pytest.mark.parametrize("cells", ["Zq9!x,", ",Zq9!x"], ids=["password", "confirm"])
def test_one_filled_password_cell_is_hidden(cells: str) -> None:
    """Password or Confirm Password alone is hidden where another cell quotes it."""
    lines = [f"{ID_GIVE},{MANUAL},Password,Confirm Password", f"101,Zq9!x,yes,{cells}"]
    assert problems(lines) == [
        f"line 2, column 'Give Access': (hidden) is not a true/false value; {ACCEPTED}"
    ]


# What the import counts, reports, sends and logs


def test_a_notification_row_with_a_password_is_one_problem() -> None:
    """Its procedure is unclear: no fault of the notification it would need."""
    lines = [
        f"{ID_GIVE},Role,{NOTIFY},Password",
        f"101,yes,Customer Center,yes,{GOOD}",
    ]
    assert problems(lines, account(notification=None)) == [
        (
            f"line 2, column 'Password': must be blank with {NOTIFY!r}: a password is "
            "never emailed"
        )
    ]


def test_a_row_with_a_problem_is_no_grant() -> None:
    """A granting row with a problem (a second row of one customer) is no grant."""
    lines = [f"{ID_GIVE},Role,{NOTIFY}", "101,yes,Customer Center,yes"]
    lines.append("101,yes,Customer Center,yes")
    assert render_report(run(lines)).splitlines()[0] == (
        "dry run: 2 rows, 1 grant, 0 revocations, 1 notification; 1 problem, "
        "nothing changed"
    )


def test_each_revoking_row_is_counted() -> None:
    """Two revoking rows are two revocations."""
    assert run([ID_GIVE, "103,no", "104,no"]).revocations == 2


def test_later_rows_keep_their_faults_when_customer_access_is_off() -> None:
    """Later rows skip the Customer Access problem but keep their other faults."""
    lines = [f"{ID_GIVE},Role,{NOTIFY}", "101,yes,Customer Center,yes"]
    lines.append("104,yes,Acountant,yes")
    found = problems(lines, account(customer_access=False))
    assert [line.split(":")[0] for line in found] == [
        "line 2, column 'Give Access'",
        "line 3, column 'Role'",
    ]


def test_a_set_up_email_is_not_sent_when_a_later_row_fails() -> None:
    """All or nothing: a problem below keeps the set-up emails of rows above."""
    lines = [
        f"{ID_GIVE},Role,{NOTIFY},{MANUAL},Password,Confirm Password",
        f"101,yes,Customer Center,yes,yes,{GOOD},{GOOD}",
        "104,maybe,,,,,",
    ]
    report = run(lines, apply=True)
    assert (report.account, report.set_up_notifications) == (None, ())


def test_a_link_sent_by_an_import_starts_at_the_time_given() -> None:
    """The import passes its time on: a one-day link expires a day after it."""
    lines = [f"{ID_GIVE},Role,{NOTIFY}", "101,yes,Customer Center,yes"]
    [notification] = run(lines, apply=True).notifications
    assert notification.expires == datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def test_an_import_logs_each_problem_and_its_summary_in_words(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Each problem is logged at DEBUG, then the summary at INFO, as sentences."""
    caplog.set_level(logging.DEBUG, logger="ccroles.access_csv")
    run([ID_GIVE, "101,maybe"])
    assert [record.getMessage() for record in caplog.records] == [
        (
            "access import problem: line 2, column 'Give Access': 'maybe' is not a "
            f"true/false value; {ACCEPTED}"
        ),
        (
            "access import: dry run: 1 row, 0 grants, 0 revocations, 0 notifications; "
            "1 problem, nothing changed"
        ),
    ]
