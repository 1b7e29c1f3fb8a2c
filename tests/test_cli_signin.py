from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from ccroles import SQLiteSignInStore
from tests.cli_run import run

EMAIL = "ap@acme.example"


def store_with_failures(path: Path, failures: int) -> datetime:
    """A store where the login has *failures* wrong passwords now; the time."""
    now = datetime.now(UTC)
    with SQLiteSignInStore(path) as store:
        for _ in range(failures):
            store.record_failure(EMAIL, now, 5, timedelta(minutes=30))
    return now


@pytest.mark.parametrize(
    ("failures", "expected"),
    [
        (0, f"{EMAIL}: not locked; 0 wrong passwords in a row\n"),
        (1, f"{EMAIL}: not locked; 1 wrong password in a row\n"),
        (4, f"{EMAIL}: not locked; 4 wrong passwords in a row\n"),
    ],
)
def test_sign_in_status_of_an_unlocked_login_is_status_0(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, failures: int, expected: str
) -> None:
    """Not locked: the count so far, status 0."""
    path = tmp_path / "signin.sqlite3"
    store_with_failures(path, failures)
    assert run(capsys, "sign-in-status", str(path), EMAIL) == (0, expected, "")


def test_sign_in_status_of_a_locked_login_is_status_1(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Locked: until when, and the count, status 1 (the answer is no)."""
    path = tmp_path / "signin.sqlite3"
    now = store_with_failures(path, 5)
    until = (now + timedelta(minutes=30)).strftime("%Y-%m-%d %H:%M UTC")
    expected = f"{EMAIL.upper()}: locked until {until}; 5 wrong passwords in a row\n"
    assert run(capsys, "sign-in-status", str(path), EMAIL.upper()) == (1, expected, "")


def test_unlock_ends_the_lock(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """`ccroles unlock` ends the lock; the status then says so."""
    path = tmp_path / "signin.sqlite3"
    store_with_failures(path, 5)
    assert run(capsys, "unlock", str(path), EMAIL) == (0, f"{EMAIL}: unlocked\n", "")
    status, out, _ = run(capsys, "sign-in-status", str(path), EMAIL)
    assert (status, out) == (0, f"{EMAIL}: not locked; 0 wrong passwords in a row\n")


@pytest.mark.parametrize("command", ["sign-in-status", "unlock"])
def test_a_missing_store_is_status_2_and_not_created(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, command: str
) -> None:
    """A wrong path is an error on stderr, and no file appears."""
    path = tmp_path / "missing.sqlite3"
    status, out, err = run(capsys, command, str(path), EMAIL)
    assert (status, out) == (2, "")
    reason = "there is no such file"
    assert err == f"ccroles: error: cannot use sign-in store {str(path)!r}: {reason}\n"
    assert not path.exists()


def test_a_file_that_is_not_a_store_is_status_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Another file is refused, on stderr."""
    path = tmp_path / "account.toml"
    path.write_text("format = 1\n" * 200, encoding="utf-8")
    status, _, err = run(capsys, "sign-in-status", str(path), EMAIL)
    assert status == 2
    assert "it is not a SQLite database" in err
