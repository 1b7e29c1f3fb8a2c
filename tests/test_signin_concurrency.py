"""Parallel guessing: at most 5 wrong passwords are ever checked.

Every test here makes the password check slow (a sleep around the real
scrypt check) so that, without the reservation, every guess of a burst
would be checked before the first one is recorded.
"""

import collections
import json
import os
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest

from ccroles import (
    Account,
    Customer,
    Engine,
    MemorySignInStore,
    Password,
    ReasonCode,
    SignIn,
    SQLiteSignInStore,
)
from ccroles.passwords import PasswordHash
from ccroles.signin import Attempt
from ccroles.signin_rules import LoginState
from ccroles.signin_store_pg import PostgresSignInStore
from tests.access_fixtures import CHEAP_SCRYPT, NOW

EMAIL = "ap@acme.example"
RIGHT = "plum-tractor-44"
WRONG = "wrong-password-1"
SALT = b"0123456789abcdef"
LOCKED_UNTIL = NOW + timedelta(minutes=30)


def make_account(*emails: str) -> Account:
    """Logins with access and the password RIGHT (the same hash in every process)."""
    stored = PasswordHash.of(RIGHT, salt=SALT, n=2, r=1, p=1)
    return Account(
        customers=[
            Customer(
                str(100 + i),
                f"C{i}",
                email=email,
                give_access=True,
                role="Customer Center",
                password_hash=stored,
            )
            for i, email in enumerate(emails or (EMAIL,))
        ]
    )


# 32 processes against one SQLite file, or one PostgreSQL database

_WORKER = """
import json, sys, time
from datetime import datetime
from ccroles import Account, Customer, Engine, Password, SignIn, SQLiteSignInStore
from ccroles.passwords import PasswordHash, ScryptParams
from ccroles.signin_store_pg import PostgresSignInStore

path, email, guess, now, salt, schema = sys.argv[1:7]
stored = PasswordHash.of("plum-tractor-44", salt=salt.encode(), n=2, r=1, p=1)
account = Account(customers=[Customer(
    "100", "C0", email=email, give_access=True, role="Customer Center",
    password_hash=stored,
)])
checked = 0
real = PasswordHash.verify

def slow(self, text):
    global checked
    checked += 1
    time.sleep(0.2)  # the window a burst needs to get every guess checked
    return real(self, text)

PasswordHash.verify = slow
moment = datetime.fromisoformat(now)
if schema == "-":
    store = SQLiteSignInStore(path, create=False)
else:  # a connection of its own, as a separate web server has
    store = PostgresSignInStore(path, schema=schema)
sign_in = SignIn(Engine(account), store, clock=lambda: moment,
                 scrypt=ScryptParams(n=2, r=1, p=1))
print("ready", flush=True)
sys.stdin.readline()  # every process starts when the test says so
attempt = sign_in.attempt(email, Password(guess))
codes = [reason.code.value for reason in attempt.decision.reasons]
print(  # noqa: T201 (the counts belong in the run's output)
    json.dumps([checked, attempt.allowed, codes]), flush=True)
store.close()
"""


def run_processes(
    path: Path | str, guesses: list[str], schema: str = "-"
) -> list[tuple[int, bool, list[str]]]:
    """A process per guess, released at once; each one's (checked, allowed, codes).

    *path* is a SQLite file, or with a *schema* a PostgreSQL connection string.
    """
    # The store's code is measured in this process; measuring 32 more
    # interpreters would only slow the test down.
    env = {k: v for k, v in os.environ.items() if not k.startswith("COVERAGE_")}
    workers = [
        subprocess.Popen(  # noqa: S603 (our own interpreter and script)
            [
                sys.executable,
                "-c",
                _WORKER,
                str(path),
                EMAIL,
                guess,
                NOW.isoformat(),
                SALT.decode(),
                schema,
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        for guess in guesses
    ]
    for worker in workers:  # every one imported and waiting, then all at once
        assert worker.stdout is not None
        assert worker.stdout.readline() == "ready\n"
    for worker in workers:
        assert worker.stdin is not None
        worker.stdin.write("go\n")
        worker.stdin.flush()
    results = []
    for worker in workers:
        out, _ = worker.communicate(timeout=120)
        assert worker.returncode == 0
        checked, allowed, codes = json.loads(out)
        results.append((checked, allowed, codes))
    return results


def check_32_processes(results: list[tuple[int, bool, list[str]]], kind: str) -> None:
    """5 wrong passwords checked of 32, none allowed, every answer a refusal."""
    checked = sum(count for count, _, _ in results)
    answers = collections.Counter(tuple(codes) for _, _, codes in results)
    print(  # noqa: T201 (the counts belong in the run's output)
        f"32 processes ({kind}): {checked} wrong passwords checked; "
        f"answers {dict(answers)}"
    )
    assert checked == 5
    assert not any(allowed for _, allowed, _ in results)
    # The checked guesses answer wrong_password, or locked when the lock
    # was set by the time their check ended; the others answer locked.
    assert set(answers) <= {("wrong_password",), ("locked",)}
    assert answers[("wrong_password",)] <= 4


def test_32_processes_get_exactly_5_wrong_passwords_checked(tmp_path: Path) -> None:
    """32 processes, one wrong guess each, at once: 5 checked, 27 refused unchecked."""
    path = tmp_path / "signin.sqlite3"
    SQLiteSignInStore(path).close()
    check_32_processes(run_processes(path, [WRONG] * 32), "sqlite")
    with SQLiteSignInStore(path) as store:
        assert store.state(EMAIL, NOW) == LoginState(5, LOCKED_UNTIL)


def test_32_web_servers_on_postgresql_get_exactly_5_wrong_passwords_checked(
    postgres: str, pg_schema: str
) -> None:
    """32 processes, each on its own connection to one database: 5 checked."""
    PostgresSignInStore.init(postgres, schema=pg_schema)
    check_32_processes(run_processes(postgres, [WRONG] * 32, pg_schema), "postgresql")
    with PostgresSignInStore(postgres, schema=pg_schema) as store:
        assert store.state(EMAIL, NOW) == LoginState(5, LOCKED_UNTIL)


# 32 threads sharing one SignIn


@pytest.fixture
def slow_checks(monkeypatch: pytest.MonkeyPatch) -> collections.Counter[str]:
    """Make each password check slow; count the checks made."""
    counts: collections.Counter[str] = collections.Counter()
    lock = threading.Lock()
    real = PasswordHash.verify

    def slow(self: PasswordHash, text: str) -> bool:
        with lock:
            counts[text] += 1
        time.sleep(0.02)
        return real(self, text)

    monkeypatch.setattr(PasswordHash, "verify", slow)
    return counts


def burst(sign_in: SignIn, attempts: list[tuple[str, str]]) -> list[object]:
    """Run each (email, password) attempt in its own thread, all released at once."""
    barrier = threading.Barrier(len(attempts))
    answers: list[object] = [None] * len(attempts)

    def attempt(index: int, email: str, password: str) -> None:
        barrier.wait()
        answers[index] = sign_in.attempt(email, Password(password))

    threads = [
        threading.Thread(target=attempt, args=(i, email, password))
        for i, (email, password) in enumerate(attempts)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


@pytest.mark.parametrize("kind", ["memory", "sqlite"])
def test_32_threads_get_exactly_5_wrong_passwords_checked(
    slow_checks: collections.Counter[str], tmp_path: Path, kind: str
) -> None:
    """32 threads, one SignIn, one wrong guess each: 5 checked."""
    store = (
        MemorySignInStore()
        if kind == "memory"
        else SQLiteSignInStore(tmp_path / "signin.sqlite3")
    )
    sign_in = SignIn(
        Engine(make_account()), store, clock=lambda: NOW, scrypt=CHEAP_SCRYPT
    )
    burst(sign_in, [(EMAIL, WRONG)] * 32)
    print(  # noqa: T201 (the counts belong in the run's output)
        f"32 threads ({kind}): {slow_checks[WRONG]} wrong passwords checked"
    )
    assert slow_checks[WRONG] == 5
    assert sign_in.status(EMAIL) == LoginState(5, LOCKED_UNTIL)
    store.close()


def test_16_threads_spraying_16_logins_get_5_checked_per_login(
    slow_checks: collections.Counter[str],
) -> None:
    """Each login's own limit holds when guesses for many logins interleave."""
    emails = [f"login{i}@acme.example" for i in range(16)]
    store = MemorySignInStore()
    sign_in = SignIn(
        Engine(make_account(*emails)), store, clock=lambda: NOW, scrypt=CHEAP_SCRYPT
    )
    per_thread = [
        (email, f"guess-{i}-{j}") for j, email in enumerate(emails) for i in range(16)
    ]
    burst(sign_in, per_thread)
    checked = collections.Counter(
        text.split("-")[2] for text in slow_checks for _ in range(slow_checks[text])
    )
    print(  # noqa: T201 (the counts belong in the run's output)
        f"16x16 spray: checked per login {sorted(checked.values())}"
    )
    assert sorted(checked.values()) == [5] * 16
    assert all(sign_in.status(email).failures == 5 for email in emails)


def test_after_a_burst_the_right_password_is_refused_like_a_wrong_one(
    slow_checks: collections.Counter[str],
) -> None:
    """Locked: the right and a wrong password get equal answers, neither is checked."""
    sign_in = SignIn(
        Engine(make_account()),
        MemorySignInStore(),
        clock=lambda: NOW,
        scrypt=CHEAP_SCRYPT,
    )
    burst(sign_in, [(EMAIL, WRONG)] * 8)
    right = sign_in.attempt(EMAIL, Password(RIGHT))
    wrong = sign_in.attempt(EMAIL, Password(WRONG))
    assert right == wrong
    assert [r.code for r in right.decision.reasons] == [ReasonCode.LOCKED]
    assert slow_checks[RIGHT] == 0
    assert slow_checks[WRONG] == 5


def test_31_wrong_and_the_right_password_at_once(
    slow_checks: collections.Counter[str],
) -> None:
    """31 wrong and the right one at once: at most 5 checked before a lock or a reset.

    The right password gets in only when it was counted before the lock
    (then it restarts the count, as one sent first would); once the lock
    holds it is refused unchecked, like the wrong ones.
    """
    sign_in = SignIn(
        Engine(make_account()),
        MemorySignInStore(),
        clock=lambda: NOW,
        scrypt=CHEAP_SCRYPT,
    )
    answers = burst(sign_in, [(EMAIL, RIGHT)] + [(EMAIL, WRONG)] * 31)
    right = answers[0]
    assert isinstance(right, Attempt)
    codes = [r.code.value for r in right.decision.reasons]
    print(  # noqa: T201 (the counts belong in the run's output)
        f"31 wrong and 1 right at once: {slow_checks[WRONG]} wrong checked; the "
        f"right one checked {slow_checks[RIGHT]}, answered {codes or 'allowed'}"
    )
    if right.allowed:
        assert slow_checks[RIGHT] == 1
        assert slow_checks[WRONG] <= 4 + 5  # before it, and after the count restarted
    else:
        assert codes == ["locked"]
        assert slow_checks[RIGHT] + slow_checks[WRONG] <= 5
