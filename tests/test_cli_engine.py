"""The command line's questions to the engine (check, explain) and access import."""

import email
import email.policy
import json
import os
import re
import stat
import sys
from pathlib import Path

import pytest

from ccroles import (
    Engine,
    Password,
    SignIn,
    explain,
    import_access,
    load_account,
    render_report,
)
from ccroles.signin_store_sqlite import SQLiteSignInStore
from tests.cli_run import run

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
ACCOUNT = str(EXAMPLES / "account.toml")
BROKEN_ACCOUNT = str(EXAMPLES / "broken-account.toml")
ACCESS = str(EXAMPLES / "access.csv")
BROKEN_ACCESS = str(EXAMPLES / "broken-access.csv")


# --- check and explain -------------------------------------------------------


@pytest.mark.parametrize(
    ("email", "feature", "status", "line"),
    [
        ("ap@acme.example", "Make a Payment", 0, "allowed"),
        ("AP@ACME.example", "make a payment", 0, "allowed"),
        (
            "books@acme.example",
            "Enter an Order",
            1,
            "denied: role 'Accountant' holds Sales Order at None, below Create",
        ),
        (
            "billing@initech.example",
            "See Orders",
            1,
            "denied: customer 'INITECH' is inactive",
        ),
        (
            "nobody@example.com",
            "Wish Lists",
            1,
            "denied: no customer or contact has this email",
        ),
    ],
)
def test_check_prints_allowed_or_the_first_reason(
    capsys: pytest.CaptureFixture[str], email: str, feature: str, status: int, line: str
) -> None:
    """`ccroles check` prints one line; status 0 when allowed, 1 when denied."""
    assert run(capsys, "check", ACCOUNT, email, feature) == (status, line + "\n", "")


@pytest.mark.parametrize(
    ("email", "feature", "website"),
    [
        ("purchasing@acme.example", "Wish Lists", None),
        ("books@acme.example", "Enter an Order", None),
        ("office@globex.example", "Make a Payment", None),
        ("orders@umbrella.example", "Wish Lists", "Wholesale Portal"),
        ("orders@umbrella.example", "Wish Lists", "Main Store"),
    ],
)
def test_explain_prints_the_decisions_explanation(
    capsys: pytest.CaptureFixture[str], email: str, feature: str, website: str | None
) -> None:
    """`ccroles explain` prints `explain(decision, who=EMAIL)` for the question."""
    decision = Engine(load_account(ACCOUNT)).decide(email, feature, website)
    argv = ["explain", ACCOUNT, email, feature]
    argv += [] if website is None else ["--website", website]
    status, out, err = run(capsys, *argv)
    assert (status, out, err) == (
        0 if decision.allowed else 1,
        explain(decision, who=email) + "\n",
        "",
    )


def test_explain_gives_every_reason_and_remedy(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A denial is explained with its facts and the change that would allow it."""
    argv = ["explain", ACCOUNT, "orders@umbrella.example", "Wish Lists"]
    status, out, _ = run(capsys, *argv, "--website", "Main Store")
    assert status == 1
    assert out == (
        "orders@umbrella.example may not use Wish Lists on website 'Main Store': "
        "customer 'UMBRELLA' is assigned website 'Wholesale Portal', not "
        "'Main Store'. To allow it: set the Assigned Website of customer "
        "'UMBRELLA' to 'Main Store', or clear it.\n"
    )


@pytest.mark.parametrize("command", ["check", "explain"])
@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            [ACCOUNT, "ap@acme.example", "Make a Paymnt"],
            (
                "ccroles: error: unknown feature 'Make a Paymnt'; "
                "did you mean 'Make a Payment'?"
            ),
        ),
        (
            [ACCOUNT, "ap@acme.example", "Wish Lists", "--website", "Main Stor"],
            ("ccroles: error: unknown website 'Main Stor'; did you mean 'Main Store'?"),
        ),
        (
            ["/nonexistent/account.toml", "ap@acme.example", "Wish Lists"],
            (
                "ccroles: error: /nonexistent/account.toml: cannot be read: No such "
                "file or directory"
            ),
        ),
        (
            [ACCOUNT, "ap@acme.example"],
            "the following arguments are required: FEATURE",
        ),
    ],
)
def test_bad_input_is_status_2(
    capsys: pytest.CaptureFixture[str], command: str, argv: list[str], message: str
) -> None:
    """An unknown feature or website, or no such file: status 2, said on stderr."""
    status, out, err = run(capsys, command, *argv)
    assert (status, out) == (2, "")
    assert message in err.splitlines()[0]


@pytest.mark.parametrize("command", ["check", "explain"])
def test_a_broken_account_file_lists_every_problem(
    capsys: pytest.CaptureFixture[str], command: str
) -> None:
    """A file that does not load: status 2 and each of its problems on stderr."""
    status, out, err = run(
        capsys, command, BROKEN_ACCOUNT, "ap@acme.example", "Billing"
    )
    assert (status, out) == (2, "")
    lines = err.splitlines()
    assert lines[0] == f"ccroles: error: {BROKEN_ACCOUNT} does not load: 8 problems"
    assert len(lines) == 9
    assert lines[-1].endswith("did you mean 'Accountant'?")


# --- import-access -----------------------------------------------------------


def expected_report(csv_path: str, *, apply: bool = False) -> str:
    """The report import_access gives for the example account and *csv_path*."""
    with Path(csv_path).open(encoding="utf-8-sig", newline="") as lines:
        return render_report(import_access(load_account(ACCOUNT), lines, apply=apply))


def test_import_access_dry_run_prints_the_report(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Without --apply: the report of a dry run, status 0 when it has no problem."""
    status, out, err = run(capsys, "import-access", ACCOUNT, ACCESS)
    hint = "checked: give --apply with --output FILE and --emails DIR to apply"
    assert (status, out, err) == (0, f"{expected_report(ACCESS)}\n{hint}\n", "")
    assert out.startswith("dry run: 3 rows, 2 grants, 1 revocation, 1 notification;")


def test_import_access_problems_are_status_1(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A CSV with problems: every problem, with line and column; status 1."""
    status, out, err = run(capsys, "import-access", ACCOUNT, BROKEN_ACCESS)
    assert (status, out, err) == (1, expected_report(BROKEN_ACCESS) + "\n", "")
    lines = out.splitlines()
    assert lines[0].endswith("7 problems, nothing changed")
    assert lines[4].startswith("line 3, column 'Give Access': 'maybe' is not")


@pytest.mark.parametrize("suffix", [".json", ".toml"])
def test_import_access_apply_saves_the_new_account(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, suffix: str
) -> None:
    """With --apply and --output, the new account is saved in the suffix's format."""
    new = tmp_path / f"new{suffix}"
    status, out, err = run(
        capsys, "import-access", ACCOUNT, ACCESS, "--apply", "--output", str(new)
    )
    assert (status, err) == (0, "")
    assert out.splitlines() == [
        *expected_report(ACCESS, apply=True).splitlines(),
        "to send: ap@hooli.example: Your customer center access",
        f"saved the new account to {new}",
        (
            "note: the set-password links are registered with no sign-in store "
            "(give --sign-in-store FILE): the portal will not accept them"
        ),
        "note: the emails were not written (give --emails DIR)",
    ]
    account = load_account(new)
    globex = account.customer("102")
    assert (globex.give_access, globex.role) == (True, "Accountant")
    assert globex.password_hash is not None
    assert globex.password_hash.verify("Tangerine-Kettle-47")
    assert "Tangerine-Kettle-47" not in new.read_text(encoding="utf-8")
    hooli = account.customer("105")
    assert (hooli.give_access, hooli.role) == (True, "Customer Center")
    assert account.customer("104").give_access is False
    assert account.customer("101") == load_account(ACCOUNT).customer("101")


def test_import_access_reads_a_spreadsheet_export(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A byte order mark and CRLF line ends are read as any other file."""
    csv_path = tmp_path / "revoke.csv"
    # A spreadsheet's export: a byte order mark and CRLF line ends.
    csv_path.write_bytes(b"\xef\xbb\xbfCustomer ID,Give Access\r\nACME,no\r\n")
    new = tmp_path / "new.json"
    argv = ["import-access", ACCOUNT, str(csv_path), "--apply", "--output", str(new)]
    status, out, _ = run(capsys, *argv)
    assert status == 0
    assert out.splitlines()[-1] == f"saved the new account to {new}"
    assert load_account(new).customer("101").give_access is False


def test_import_access_apply_with_problems_saves_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """All or nothing: any problem and no file is written; status 1."""
    new = tmp_path / "new.json"
    argv = ["import-access", ACCOUNT, BROKEN_ACCESS, "--apply", "--output", str(new)]
    status, out, _ = run(capsys, *argv)
    assert status == 1
    assert out.startswith("not applied: 5 rows")
    assert not new.exists()


def test_import_access_apply_without_output_says_nothing_is_saved(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """--apply alone checks and applies in memory, and says it saved nothing."""
    status, out, _ = run(capsys, "import-access", ACCOUNT, ACCESS, "--apply")
    assert status == 0
    assert out.splitlines()[0].startswith("applied: 3 rows")
    assert "not saved: give --output FILE to save the new account" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            [ACCESS, "--output", "new.txt"],
            (
                "ccroles: error: new.txt: unknown file type; expected a .toml or .json "
                "file"
            ),
        ),
        ([ACCESS, "--emails", "missing/mail"], "the folder 'missing' does not exist"),
        ([ACCESS, "--sign-in-store", "missing/s.db"], "'missing' does not exist"),
        (
            [ACCESS, "--apply", "--output", "new.txt"],
            (
                "ccroles: error: new.txt: unknown file type; expected a .toml or .json "
                "file"
            ),
        ),
        (
            ["/nonexistent/access.csv"],
            (
                "ccroles: error: cannot read '/nonexistent/access.csv': "
                "No such file or directory"
            ),
        ),
        ([], "the following arguments are required: CSV_FILE"),
    ],
)
def test_import_access_bad_arguments_are_status_2(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    argv: list[str],
    message: str,
) -> None:
    """Bad arguments are refused before any import: status 2, nothing written."""
    monkeypatch.chdir(tmp_path)
    status, out, err = run(capsys, "import-access", ACCOUNT, *argv)
    assert (status, out) == (2, "")
    assert err.splitlines()[0].endswith(message)
    assert list(tmp_path.iterdir()) == []


def test_import_access_unwritable_output_is_status_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """An output file that cannot be written: one line on stderr, status 2."""
    new = tmp_path / "missing" / "new.json"
    argv = ["import-access", ACCOUNT, ACCESS, "--apply", "--output", str(new)]
    status, out, err = run(capsys, *argv)
    assert (status, out) == (2, "")  # checked before any work: nothing reported
    assert err == (
        f"ccroles: error: {new}: cannot be written: the folder "
        f"{str(new.parent)!r} does not exist\n"
    )


def test_import_access_apply_delivers_emails_whose_links_work(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """--emails writes each whole email (mode 0600); the store accepts its link."""
    new, mail, store = tmp_path / "new.json", tmp_path / "mail", tmp_path / "s.db"
    argv = ["import-access", ACCOUNT, ACCESS, "--apply", "--output", str(new)]
    argv += ["--emails", str(mail), "--sign-in-store", str(store)]
    status, out, err = run(capsys, *argv)
    assert (status, err) == (0, "")
    [eml] = mail.iterdir()
    assert eml.name == "0001-ap@hooli.example.eml"
    assert stat.S_IMODE(eml.stat().st_mode) == 0o600
    assert f"wrote {eml}" in out
    assert f"registered the set-password links with {store}" in out
    message = email.message_from_bytes(eml.read_bytes(), policy=email.policy.SMTP)
    assert (message["To"], message["From"]) == (
        "ap@hooli.example",
        "admin@shop.example",
    )
    assert message["Subject"] == "Your customer center access"
    body = message.get_body()
    assert body is not None
    token = re.findall(r"\?token=(\S+)", body.get_content())[0]
    with SQLiteSignInStore(store, create=False) as opened:
        sign_in = SignIn(Engine(load_account(new)), opened)
        password = Password("Quiet-Harbour-58")
        assert sign_in.redeem(token, password, password).allowed


def test_import_access_emails_as_json_lines(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """--emails - prints one JSON object per email on stdout, and nothing else."""
    status, out, _ = run(
        capsys, "import-access", ACCOUNT, ACCESS, "--apply", "--emails", "-"
    )
    assert status == 0
    [line] = out.splitlines()
    sent = json.loads(line)
    assert sorted(sent) == ["body", "from", "subject", "to"]
    assert sent["to"] == "ap@hooli.example"
    assert "https://shop.example/set-password?token=" in sent["body"]


def test_a_dry_run_checks_the_toml_writer_first(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A dry run with --output new.toml and no tomli-w fails before any report."""
    monkeypatch.setitem(sys.modules, "tomli_w", None)
    status, out, err = run(
        capsys, "import-access", ACCOUNT, ACCESS, "--output", "new.toml"
    )
    assert (status, out) == (2, "")
    assert "-m pip install tomli-w" in err


@pytest.mark.parametrize(
    ("option", "message"),
    [("--emails", "--emails: '{}' is not a folder"), ("--sign-in-store", "it is not")],
)
def test_import_access_unusable_places_are_status_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, option: str, message: str
) -> None:
    """A file for --emails, a store that is not SQLite: refused before any work."""
    place = tmp_path / "place"
    place.write_text("not a database, not a folder", encoding="utf-8")
    status, out, err = run(capsys, "import-access", ACCOUNT, ACCESS, option, str(place))
    assert (status, out) == (2, "")
    assert message.format(place) in err


def test_an_unwritable_emails_folder_is_status_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A folder the user cannot write into is refused before any work."""
    monkeypatch.setattr(os, "access", lambda *_: False)  # as root would not see
    argv = ["import-access", ACCOUNT, ACCESS, "--emails", str(tmp_path)]
    status, out, err = run(capsys, *argv)
    assert (status, out) == (2, "")
    assert f"--emails: the folder {str(tmp_path)!r} is not writable" in err


def test_a_dry_run_checks_every_place_and_writes_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A dry run names the places it checked for --apply; it creates none."""
    store = tmp_path / "s.db"
    SQLiteSignInStore(store).close()
    before = sorted(tmp_path.iterdir())
    new, mail = tmp_path / "new.json", tmp_path / "mail"
    argv = ["import-access", ACCOUNT, ACCESS, "--output", str(new)]
    argv += ["--emails", str(mail), "--sign-in-store", str(store)]
    status, out, _ = run(capsys, *argv)
    assert status == 0
    assert out.splitlines()[-1] == (
        f"checked, for --apply: --output {new}, --emails {mail}, "
        f"--sign-in-store {store}"
    )
    assert sorted(tmp_path.iterdir()) == before
