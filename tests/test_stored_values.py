"""The words a sign-in store writes, pinned: a file outlives the code that wrote it.

A store file written by one release is read by the next, so the kinds and
states of links stored in it, and the names of the answers a store gives, are
part of its format. Each is written here as the text itself.
"""

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from ccroles.signin_rules import LinkKind, LinkStatus
from ccroles.signin_store_sqlite import SQLiteSignInStore

NOW = datetime(2026, 3, 1, 10, tzinfo=UTC)
HOUR = timedelta(hours=1)


def _rows(path: Path) -> list[tuple[bytes, str, str]]:
    with sqlite3.connect(path) as connection:
        rows = connection.execute(
            "SELECT digest, kind, state FROM links ORDER BY digest"
        )
        return list(rows)


def test_a_store_file_holds_each_link_kind_and_state_as_its_word(
    tmp_path: Path,
) -> None:
    """Each kind and state of a stored link is written as its own word."""
    path = tmp_path / "signin.db"
    store = SQLiteSignInStore(path)
    try:
        store.add_link(
            "a@x.example", LinkKind.ACCESS, b"1", NOW + HOUR, now=NOW, credentials=b"c"
        )
        store.add_link(
            "a@x.example", LinkKind.RESET, b"2", NOW + HOUR, now=NOW, credentials=b"c"
        )
        store.add_link(
            "b@x.example", LinkKind.RESET, b"3", NOW + HOUR, now=NOW, credentials=b"c"
        )
        store.add_link(
            "c@x.example", LinkKind.RESET, b"4", NOW + HOUR, now=NOW, credentials=b"c"
        )
        assert store.use_link(b"3", NOW, b"c", b"d").status is LinkStatus.ACCEPTED
        store.observe("c@x.example", NOW, b"changed")
    finally:
        store.close()
    assert _rows(path) == [
        (b"1", "access", "replaced"),
        (b"2", "reset", "open"),
        (b"3", "reset", "used"),
        (b"4", "reset", "closed"),
    ]


def test_link_kinds_and_answers_keep_their_names() -> None:
    """What users compare, store and log: the value of each kind and answer."""
    assert [kind.value for kind in LinkKind] == ["access", "reset"]
    assert [status.value for status in LinkStatus] == [
        "accepted",
        "unknown",
        "expired",
        "used",
        "replaced",
        "closed",
    ]
