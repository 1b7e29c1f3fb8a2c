"""Issue 13: bad input loses nothing and leaks nothing.

Each item of the issue is a regression test here: CSV columns, passwords in
errors, atomic writes, located errors, hash costs, exit statuses, CSV files
from spreadsheets and easy passwords.
"""

import io
import logging
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from ccroles import (
    Account,
    AssignPassword,
    Customer,
    DataFileError,
    FileFormat,
    Grant,
    LoginId,
    Password,
    WeakPasswordError,
    dump_account,
    grant_access,
    import_access,
    load_account,
    loads_account,
    render_report,
)
from ccroles.exceptions import (
    InvalidFieldError,
    MissingExtraError,
    UnreadableFileError,
)
from ccroles.passwords import (
    MAX_SCRYPT_N,
    MAX_SCRYPT_P,
    MAX_SCRYPT_R,
    PasswordHash,
    ScryptParams,
    hash_password,
    is_common_password,
    password_problems,
)
from ccroles.writing import write_atomically
from tests.access_fixtures import CHEAP_SCRYPT, account
from tests.cli_run import run

EXAMPLE = Path("examples/account.toml")
FULL_HEADER = (
    "Internal ID,Customer ID,Give Access,Role,Email,"
    "Send New Access Notification Email,Manually Assign or Change Password,"
    "Password,Confirm Password\n"
)
SECRET = "Tangerine-Kettle-47"  # noqa: S105 (a known password, to find in outputs)


def report_of(text: str, target: Account | None = None) -> str:
    """The rendered report of importing *text* (a dry run)."""
    return render_report(import_access(target or account(), io.StringIO(text)))


# --- 1. a misspelt CSV column is refused, other columns are listed ---------


@pytest.mark.parametrize(
    ("header_cell", "suggested"),
    [("Emial", "Email"), ("Give  Access", "Give Access"), ("Rol", "Role")],
)
def test_a_column_close_to_a_known_one_is_refused(
    header_cell: str, suggested: str
) -> None:
    """Item 1: a typo in a column name would drop its values silently."""
    header = ["Internal ID", "Give Access", "Role", "Email"]
    header[header.index(suggested)] = header_cell
    text = ",".join(header) + "\n101,yes,Customer Center,new@acme.example\n"
    report = import_access(account(), io.StringIO(text), apply=True)
    assert report.account is None
    assert f"did you mean {suggested!r}? (fix the header)" in render_report(report)


def test_the_typo_example_of_the_issue_changes_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Item 1: `Emial` exits 1 and saves nothing, instead of dropping the email."""
    csv_path, output = tmp_path / "typo.csv", tmp_path / "applied.json"
    csv_path.write_text(
        "Internal ID,Give Access,Role,Emial,Send New Access Notification Email\n"
        "105,yes,Customer Center,new@hooli.example,yes\n",
        encoding="utf-8",
    )
    argv = ["import-access", str(EXAMPLE), str(csv_path), "--apply"]
    status, out, _ = run(capsys, *argv, "--output", str(output))
    assert status == 1
    assert "did you mean 'Email'?" in out
    assert not output.exists()


def test_other_columns_are_listed_as_ignored() -> None:
    """A CSV file may hold other columns; the report names them."""
    text = "Internal ID,Give Access,Notes,Phone Number\n103,no,x,y\n"
    assert report_of(text).splitlines()[1] == (
        "ignored columns: 'Notes', 'Phone Number'"
    )


def test_a_header_that_is_a_row_of_values_lists_nothing() -> None:
    """A first row of values (no header) shows none of them, a password included."""
    report = report_of(f"103,no,{SECRET},{SECRET}\n")
    assert SECRET not in report
    assert "ignored columns" not in report


# --- 2. writing loses nothing ---------------------------------------------


def test_an_interrupted_write_leaves_the_old_file_intact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Item 2: a write that fails before the rename leaves the file as it was."""
    target = tmp_path / "account.json"
    dump_account(load_account(EXAMPLE), target)
    before = target.read_bytes()

    def interrupted(_: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        dump_account(Account(), target)
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["account.json"]


def test_text_that_cannot_be_encoded_leaves_the_old_file_intact(
    tmp_path: Path,
) -> None:
    """Item 2: an encoding error is raised before any file is touched."""
    target = tmp_path / "notes.txt"
    target.write_bytes(b"old")
    with pytest.raises(UnicodeEncodeError):
        write_atomically(target, "new \udcff")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_output_is_checked_before_any_work(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Item 2: no writer for TOML: status 2, nothing reported as applied."""
    import ccroles.writing  # noqa: PLC0415 (patched here)

    def no_writer() -> None:
        raise MissingExtraError("toml", "tomli-w", "writing TOML")

    monkeypatch.setattr(ccroles.writing, "_toml_writer", no_writer)
    existing = tmp_path / "new.toml"
    existing.write_bytes(b"keep me")
    argv = ["import-access", str(EXAMPLE), "examples/access.csv", "--apply"]
    status, out, err = run(capsys, *argv, "--output", str(existing))
    assert (status, out) == (2, "")
    assert "tomli-w" in err
    assert existing.read_bytes() == b"keep me"


def test_a_failed_save_reports_no_success(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Item 2: a write failing after the checks: status 2, the old file intact."""
    existing = tmp_path / "new.json"
    existing.write_bytes(b"keep me")

    def full_disk(*_: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    argv = ["import-access", str(EXAMPLE), "examples/access.csv", "--apply"]
    status, out, err = run(capsys, *argv, "--output", str(existing))
    assert (status, out) == (2, "")
    assert "No space left on device; nothing was changed" in err
    assert existing.read_bytes() == b"keep me"


# --- 3 to 5. secrets never leak ---------------------------------------------


def test_a_shifted_row_never_shows_its_password(
    caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Item 3: one missing cell moves the password; no output shows it."""
    caplog.set_level(logging.DEBUG)
    row = f"102,GLOBEX,yes,Accountant,,yes,{SECRET},{SECRET}\n"
    csv_path = tmp_path / "shifted.csv"
    csv_path.write_text(FULL_HEADER + row, encoding="utf-8")
    status, out, err = run(capsys, "import-access", str(EXAMPLE), str(csv_path))
    assert status == 1
    report = report_of(FULL_HEADER + row)
    assert "a cell is missing" in report
    for text in (out, err, report, caplog.text):
        assert SECRET not in text


def test_a_password_in_another_cell_of_its_row_is_hidden() -> None:
    """Item 3: a password typed into another column too is never quoted."""
    row = f"102,GLOBEX,{SECRET},Accountant,,no,yes,{SECRET},{SECRET}\n"
    report = report_of(FULL_HEADER + row)
    assert "(hidden) is not a true/false value" in report
    assert SECRET not in report


def test_a_lone_surrogate_password_is_refused_quoting_nothing() -> None:
    """Item 4: no UnicodeEncodeError carrying the password; a CCRolesError."""
    password = Password(SECRET + "\udcff")
    procedure = AssignPassword(password, password)
    grant = Grant(LoginId("102"), procedure, email="it@bolt.example", role="Accountant")
    with pytest.raises(WeakPasswordError) as caught:
        grant_access(account(), grant, scrypt=CHEAP_SCRYPT)
    assert "cannot be written as UTF-8" in str(caught.value)
    assert not any(SECRET in str(arg) for arg in caught.value.args)
    assert caught.value.__context__ is None
    with pytest.raises(WeakPasswordError) as hashed:
        hash_password(password, CHEAP_SCRYPT)
    assert hashed.value.__context__ is None
    stored = hash_password(Password(SECRET), CHEAP_SCRYPT)
    assert not stored.verify(SECRET + "\udcff")
    assert password != Password(SECRET)


# --- 6. text that cannot be encoded, on the command line ------------------


def test_an_undecodable_argument_is_one_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Item 6: a non-UTF-8 byte in an argument is refused, no traceback."""
    argv = ["explain", str(EXAMPLE), "\udcff@x.example", "Make a Payment"]
    status, out, err = run(capsys, *argv)
    assert (status, out) == (2, "")
    assert err == "ccroles: error: the argument '\\udcff@x.example' is not UTF-8 text\n"


def test_a_role_file_with_a_lone_surrogate_is_located(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Item 6: `matrix --roles` and `validate` locate the text; no crash."""
    path = tmp_path / "roles.json"
    path.write_text(
        '{"format": 1, "roles": [{"name": "A\\ud800", "base": "Customer Center"}]}',
        encoding="utf-8",
    )
    status, _, err = run(capsys, "matrix", "--roles", str(path))
    assert status == 2
    assert "roles[0].name: text that cannot be written as UTF-8" in err
    status, out, _ = run(capsys, "validate", str(path))
    assert status == 1
    assert "roles[0].name" in out


# --- 8. password hash costs are bounded ---------------------------------------


KEY = bytes(32)
"""A key of scrypt's length, for hashes built directly."""

ENTRY_POINTS: dict[str, Callable[[int, int, int], PasswordHash | ScryptParams]] = {
    "password hash": lambda n, r, p: PasswordHash("scrypt", n, r, p, b"salt", KEY),
    "scrypt parameters": ScryptParams,
}
"""The two records that hold a scrypt cost, built from n, r and p."""


@pytest.mark.parametrize(
    ("cost", "field", "expected"),
    [
        ((1, 1, 1), "n", "a power of 2 from 2 to 131072"),  # one step below 2
        ((3, 1, 1), "n", "a power of 2 from 2 to 131072"),  # no power of 2
        ((MAX_SCRYPT_N * 2, 1, 1), "n", "a power of 2 from 2 to 131072"),
        ((MAX_SCRYPT_N + 1, 1, 1), "n", "a power of 2 from 2 to 131072"),
        ((2**64, 8, 1), "n", "a power of 2 from 2 to 131072"),
        ((2.0, 1, 1), "n", "a power of 2 from 2 to 131072"),
        ((16, 0, 1), "r", "an integer from 1 to 32"),
        ((16, MAX_SCRYPT_R + 1, 1), "r", "an integer from 1 to 32"),
        ((16, True, 1), "r", "an integer from 1 to 32"),
        ((16, 8, 0), "p", "an integer from 1 to 16"),
        ((16, 8, MAX_SCRYPT_P + 1), "p", "an integer from 1 to 16"),
        # 128 * 9 * 2**17 bytes: one step of r over 128 MiB
        ((MAX_SCRYPT_N, 9, 1), "r", "128 * r * n of at most 134217728 bytes"),
        # n * r * p = 2**20 + 2**17: one step of p over the work bound
        ((2**14, 8, 9), "p", "n * r * p of at most 1048576"),
    ],
)
@pytest.mark.parametrize("record", ENTRY_POINTS)
def test_scrypt_costs_outside_the_bounds_are_refused(
    record: str, cost: tuple[int, int, int], field: str, expected: str
) -> None:
    """Item 8: a hash and new-hash parameters refuse a cost alike, one step out."""
    with pytest.raises(InvalidFieldError) as caught:
        ENTRY_POINTS[record](*cost)
    refused = caught.value
    assert (refused.record, refused.field, refused.expected) == (
        record,
        field,
        expected,
    )


@pytest.mark.parametrize(
    ("n", "r", "p"),
    [
        (2, 1, 1),
        (MAX_SCRYPT_N, 1, 1),
        (16, MAX_SCRYPT_R, 1),
        (16, 8, MAX_SCRYPT_P),
        (MAX_SCRYPT_N, 8, 1),  # 128 MiB and 2**20 work: both bounds, exactly
        (2**14, 8, 8),  # n * r * p = 2**20
    ],
)
@pytest.mark.parametrize("record", ENTRY_POINTS)
def test_scrypt_costs_at_the_bounds_are_accepted(
    record: str, n: int, r: int, p: int
) -> None:
    """Item 8: the bounds themselves are allowed, by both records."""
    built = ENTRY_POINTS[record](n, r, p)
    assert (built.n, built.r, built.p) == (n, r, p)


@pytest.mark.parametrize(
    ("salt", "key", "field", "shown", "expected"),
    [
        (b"", KEY, "salt", "0 bytes", "bytes, at least one"),
        ("salt", KEY, "salt", "str", "bytes, at least one"),
        (b"s", KEY[:-1], "hash", "31 bytes", "the 32 bytes of an scrypt key"),
        (b"s", KEY + b"!", "hash", "33 bytes", "the 32 bytes of an scrypt key"),
        (b"s", "k" * 32, "hash", "str", "the 32 bytes of an scrypt key"),
    ],
)
def test_a_salt_or_key_a_hash_cannot_use_is_refused_unshown(
    salt: object, key: object, field: str, shown: str, expected: str
) -> None:
    """A salt of no byte or a key of another length: named, never quoted."""
    with pytest.raises(InvalidFieldError) as caught:
        PasswordHash("scrypt", 2, 1, 1, salt, key)  # type: ignore[arg-type]
    refused = caught.value
    assert (refused.field, refused.value, refused.expected) == (field, shown, expected)


def test_a_salt_of_one_byte_and_a_key_of_32_are_accepted() -> None:
    """One step inside the salt and key rules: the smallest salt, the exact key."""
    assert PasswordHash("scrypt", 2, 1, 1, b"s", KEY).salt == b"s"


def test_a_file_with_an_unbounded_cost_is_a_located_problem() -> None:
    """Item 8: refused at load, with the path; the salt and hash are not shown."""
    text = (
        '{"format": 1, "customers": [{"internal_id": "1", "customer_id": "A", '
        '"password_hash": {"algorithm": "scrypt", "n": 1048576, "r": 8, "p": 1, '
        '"salt": "c2FsdHNhbHQ=", "hash": "aGFzaGhhc2g="}}]}'
    )
    with pytest.raises(DataFileError) as caught:
        loads_account(text, FileFormat.JSON)
    [problem] = caught.value.problems
    assert problem.path == "customers[0].password_hash"
    assert problem.message.startswith("password hash n 1048576 is refused")
    assert "c2FsdHNhbHQ" not in str(caught.value)


# --- 9. unreadable files and exit statuses -----------------------------------


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("a\x00.toml", "a file name holds no NUL"),
        ("examples", "it is a folder, not a file"),
        ("missing.toml", "No such file or directory"),
    ],
)
def test_an_unreadable_file_is_one_line(path: str, message: str) -> None:
    """Item 9: no ValueError, no 'unknown file type' for a folder: one line."""
    with pytest.raises(UnreadableFileError) as caught:
        load_account(path)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_validate_on_a_missing_file_is_status_2_on_stderr(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Item 9: 'could not run' is status 2 and stderr, as for every command."""
    status, out, err = run(capsys, "validate", str(EXAMPLE), "missing.toml")
    assert status == 2
    assert out == f"{EXAMPLE}: ok\n"
    assert err == (
        "ccroles: error: missing.toml: cannot be read: No such file or directory\n"
    )


# --- 10. CSV files from spreadsheets -----------------------------------------


def test_a_semicolon_separated_file_says_so() -> None:
    """Item 10: the delimiter is named, with how to fix it."""
    report = report_of("Internal ID;Give Access\n101;yes\n")
    assert "the header is separated by ';', not by commas" in report
    assert "'CSV UTF-8 (comma delimited)'" in report


@pytest.mark.parametrize(
    ("encoding", "message"),
    [
        ("utf-16", "the file is UTF-16 text, not UTF-8"),
        ("latin-1", "it looks like Latin-1 or Windows-1252"),
    ],
)
def test_a_file_in_another_encoding_says_which(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, encoding: str, message: str
) -> None:
    """Item 10: Latin-1 and UTF-16 files are named, not just 'not UTF-8'."""
    path = tmp_path / "access.csv"
    path.write_text("Internal ID,Give Access,Role\n105,yes,Café\n", encoding=encoding)
    status, out, _ = run(capsys, "import-access", str(EXAMPLE), str(path))
    assert status == 1
    assert message in out
    assert "save it as 'CSV UTF-8 (comma delimited)'" in out


def test_a_utf16_file_without_a_byte_order_mark_says_so() -> None:
    """Item 10: read as UTF-8, UTF-16 text shows NUL characters."""
    text = "Internal ID,Give Access\n".encode("utf-16-le").decode("utf-8")
    assert "the file is UTF-16 text, not UTF-8" in report_of(text)


# --- 11. easy passwords -------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        " " * 8,
        "\t" * 10,
        "aaaaaaaa",
        "abcdefgh",
        "87654321",
        "GLOBEX12",
        "globex123",  # three characters added: still the customer's id
        "ITGLOBEX1",  # the email's local part and the id, one character added
        "globex-co",  # the email's domain with three characters added
        "dragon",
        "qwertyuiop",
    ],
)
def test_easy_passwords_are_refused(text: str) -> None:
    """Item 11: white space, runs, names with a few characters added, common ones."""
    login = account(
        customers=[Customer("102", "GLOBEX", email="it@globex.example")]
    ).customer("102")
    problems = password_problems(
        Password(text),
        Password(text),
        emails=[login.email or ""],
        names=[login.customer_id],
    )
    assert any(isinstance(problem, WeakPasswordError) for problem in problems)
    assert all(text not in str(problem) for problem in problems if text.strip())


@pytest.mark.parametrize("text", ["globex1234", "abcdefgi", "aaaaaaab", "Plum-Tractor"])
def test_passwords_one_step_past_the_rules_are_accepted(text: str) -> None:
    """Item 11: four characters added, a broken run: no longer easy by these rules."""
    problems = password_problems(Password(text), Password(text), names=["GLOBEX"])
    assert problems == ()


def test_the_common_password_list_has_ten_thousand_entries() -> None:
    """Item 11: at least 10,000 common passwords, checked as a set (any case)."""
    listed = Path("src/ccroles/common_passwords.txt").read_text(encoding="utf-8")
    entries = [line for line in listed.splitlines() if line and line[0] != "#"]
    assert len(entries) >= 10_000
    assert is_common_password(entries[-1].upper())
    assert not is_common_password("Tangerine-Kettle-47")


def test_a_grant_refuses_the_customers_id_with_digits() -> None:
    """Item 11: grants use the rule with the customer's id and emails."""
    password = Password("GLOBEX12")
    procedure = AssignPassword(password, password)
    grant = Grant(LoginId("1"), procedure, email="ap@globex.example", role="Accountant")
    target = account(customers=[Customer("1", "GLOBEX")])
    with pytest.raises(WeakPasswordError, match="customer's id or email"):
        grant_access(target, grant, scrypt=CHEAP_SCRYPT)


def test_a_long_value_is_cut_and_its_length_given() -> None:
    """A value over 20 characters shows its first 20 and its length."""
    long = "x" * 21
    report = report_of(f"Internal ID,Give Access\n103,{long}\n")
    assert f"'{'x' * 20}'... (21 characters) is not a true/false value" in report
    assert long not in report
    assert "'xxxxxxxxxxxxxxxxxxxx' is not" in report_of(
        f"Internal ID,Give Access\n103,{'x' * 20}\n"
    )


@pytest.mark.parametrize("header", ["Notes", "a;b|c", "x\ty"])
def test_a_one_cell_header_of_no_known_column_is_no_separator(header: str) -> None:
    """Item 10: only a header whose parts are known columns names a separator."""
    report = report_of(f"{header}\n1\n")
    assert "separated by" not in report
    assert "lacks this required column" in report


def test_a_tab_separated_header_says_so() -> None:
    """Item 10: tabs are named too."""
    assert "separated by '\\t'" in report_of("Internal ID\tGive Access\n")


def test_export_of_an_unreadable_account_is_status_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Item 9: could not run: status 2 and one line on stderr."""
    status, out, err = run(
        capsys, "export", "cedar", "missing.toml", "--out", str(tmp_path)
    )
    assert (status, out) == (2, "")
    assert err == (
        "ccroles: error: missing.toml: cannot be read: No such file or directory\n"
    )


def test_output_to_a_folder_or_an_unwritable_one_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Item 2: can_write names a folder, and a folder that cannot be written."""
    from ccroles.writing import can_write  # noqa: PLC0415 (only here)

    (tmp_path / "out.json").mkdir()
    with pytest.raises(DataFileError, match="is a folder, not a file"):
        can_write(tmp_path / "out.json")
    monkeypatch.setattr(os, "access", lambda *_: False)
    with pytest.raises(DataFileError, match="is not writable"):
        can_write(tmp_path / "new.json")


def test_quoted_text_does_not_count_as_nesting() -> None:
    """Item 7: brackets inside TOML strings (either quotes, escapes) are skipped."""
    text = 'a = "[[\\"[[" \nb = \'[[[\'\nz = [[1]]\nc = ' + "[" * 5_000 + "]" * 5_000
    with pytest.raises(DataFileError) as caught:
        loads_account(text, FileFormat.TOML)
    [problem] = caught.value.problems
    assert (problem.line, problem.column) == (4, 5_004)


def test_the_default_notification_reads_word_for_word() -> None:
    """The default access email, whole: its words are what customers read."""
    from datetime import UTC, datetime  # noqa: PLC0415 (only here)

    from ccroles import NotificationSettings  # noqa: PLC0415
    from ccroles.access_emails import Notification  # noqa: PLC0415

    settings = NotificationSettings(
        "admin@shop.example", "https://shop.example/cc", "https://shop.example/pw"
    )
    expires = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
    mail = Notification("ap@acme.example", "ACME", "t0k3n", expires, settings)
    assert mail.subject == "Your customer center access"
    assert mail.body == (
        "Hello,\n\nYou now have access to our customer center.\n\n"
        "Log in at: https://shop.example/cc\nYour login email: ap@acme.example\n\n"
        "Set your password with this link (valid until 2026-03-02 09:30 UTC):\n"
        "https://shop.example/pw?token=t0k3n\n\n"
        "Questions? Write to admin@shop.example.\n"
    )


# --- issue 29: messages that say what was typed ------------------------------


def test_a_misspelt_header_is_one_problem_quoting_the_typo() -> None:
    """The typed header is shown, once: no second 'lacks this column' problem."""
    text = "Internal ID,Give Acess\n101,no\n"
    assert report_of(text).splitlines()[1:] == [
        (
            "line 1, column 'Give Acess': column 2 of the header is no known column; "
            "did you mean 'Give Access'? (fix the header)"
        )
    ]


def test_rows_are_checked_under_a_misspelt_header() -> None:
    """A misspelt column is read as the one meant: its rows' problems show too."""
    text = "Internal ID,Give Acess,Emial\n103,maybe,not an email\n"
    report = import_access(account(), io.StringIO(text), apply=True)
    assert report.account is None
    assert [problem.column for problem in report.problems] == [
        "Give Acess",
        "Emial",
        "Give Access",
        "Email",
    ]


def test_a_typed_header_is_escaped_and_cut() -> None:
    """A misspelt header cell is quoted escaped, its first 20 characters only."""
    cell = "Send New Access\tNotification Emial"
    report = report_of(f"Internal ID,Give Access,{cell}\n101,no,\n")
    assert "column 'Send New Access\\tNoti'... (34 characters):" in report


def test_a_long_row_hides_whole_cells_not_letters() -> None:
    """A one-letter cell of a shifted row leaves the words of the message whole."""
    row = "102,GLOBEX,t,yes,Accountant,,yes,t,t,t,t,t\n"
    assert report_of(FULL_HEADER + row).splitlines()[1] == (
        "line 2: the row has 12 cells where the header has 9: a cell is extra, so "
        "values may have moved into other columns (none of them is shown; fix the "
        "row's commas)"
    )


def test_a_short_row_says_why_no_value_is_shown_once() -> None:
    """One cell missing: one problem saying so, no '(hidden)' value problems."""
    row = "102,GLOBEX,yes,Accountant,,yes,pass,pass\n"
    assert report_of(FULL_HEADER + row).splitlines()[1:] == [
        (
            "line 2: the row has 8 cells where the header has 9: a cell is missing, "
            "so values may have moved into other columns (none of them is shown; "
            "fix the row's commas)"
        )
    ]


def test_a_row_of_an_unknown_customer_has_its_email_and_role_checked() -> None:
    """Every problem of a row in one run: the Email and Role cells too."""
    row = "999,,bad email,maybe,Acountant,,,,\n"
    columns = [
        problem.column
        for problem in import_access(account(), io.StringIO(FULL_HEADER + row)).problems
    ]
    assert columns == ["Internal ID", "Give Access", "Email", "Role"]


def test_a_password_is_hidden_where_it_is_quoted_cut() -> None:
    """A long password typed into another cell is hidden, whole or cut."""
    secret = SECRET + "-and-more-words"
    row = f"102,GLOBEX,{secret},Accountant,,no,yes,{secret},{secret}\n"
    report = report_of(FULL_HEADER + row)
    assert "(hidden) is not a true/false value" in report
    assert SECRET[:15] not in report


# --- issue 29: no traceback from any argument, file name or file content -----


@pytest.mark.parametrize(
    "argv",
    [
        [b"check", b"examples/roles.toml", b"ap@acme.example", b"Advanced", b"\xff"],
        [b"check", b"examples/account.toml", b"\xff@acme.example", b"Wish Lists"],
        [b"validate", b"examples/account.toml", b"\xff.toml"],
        [b"matrix", b"--roles", b"\xff.toml"],
    ],
)
def test_a_non_utf8_argument_is_one_line_under_strict_utf8(argv: list[bytes]) -> None:
    """A byte that is not UTF-8, echoed back, is escaped: no UnicodeEncodeError."""
    env = {**os.environ, "PYTHONIOENCODING": "utf-8:strict"}
    result = subprocess.run(  # noqa: S603 (our own command line, fixed arguments)
        [sys.executable.encode(), b"-m", b"ccroles", *argv],
        capture_output=True,
        env=env,
        check=False,
    )
    assert result.returncode == 2
    assert b"Traceback" not in result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert b"\\udcff" in result.stderr


def test_a_file_name_too_long_is_a_data_file_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A 300-character file name: DataFileError from load_account, one CLI line."""
    name = "a" * 296 + ".toml"
    with pytest.raises(DataFileError) as caught:
        load_account(name)
    assert str(caught.value).endswith(": cannot be read: File name too long")
    status, out, err = run(capsys, "validate", name)
    assert (status, out) == (2, "")
    assert err == f"ccroles: error: {name}: cannot be read: File name too long\n"


def test_a_nul_in_a_file_name_is_shown_escaped(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A NUL (or another character that does not print) is shown as an escape."""
    status, _, err = run(capsys, "validate", "a\0b.toml", "c\x01d.toml")
    assert status == 2
    assert err.splitlines() == [
        "ccroles: error: a\\x00b.toml: cannot be read: a file name holds no NUL",
        "ccroles: error: c\\x01d.toml: cannot be read: No such file or directory",
    ]


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ("format = 1\nx = " + "9" * 5_000, 2, 5),
        (
            'format = 1\nname = "' + "9" * 5_000 + '"\n[t]\nx = -' + "1_2" * 3_000,
            4,
            6,
        ),
    ],
)
def test_a_5000_digit_integer_has_its_path_and_line(
    text: str, line: int, column: int
) -> None:
    """An integer longer than Python reads is a problem with the file and place."""
    with pytest.raises(DataFileError) as caught:
        loads_account(text, FileFormat.TOML, source="big.toml")
    [problem] = caught.value.problems
    assert (problem.file, problem.line, problem.column) == ("big.toml", line, column)
    assert "digits, more than Python reads" in problem.message
