"""A throw-away PostgreSQL server for the tests: a real one, never a mock.

:func:`start` makes a cluster with Debian's ``postgresql`` binaries in a
fresh temporary folder, listening only on a unix socket in that folder (no
TCP port, so nothing else on the machine can reach it or clash with it),
and :meth:`Server.stop` stops it and removes the folder. ``initdb`` refuses
to run as root: as root, the server runs as the ``postgres`` user (or
``nobody``) and owns its folder. Without the binaries the tests that need
the server skip, saying what to install.
"""

import contextlib
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

import attrs
import pytest

INSTALL = "PostgreSQL is not installed: apt-get install postgresql"


def binaries() -> Path | None:
    """The folder of ``initdb`` and ``pg_ctl`` (the newest Debian one first)."""
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda path: (
            int(path.parent.parent.name) if path.parent.parent.name.isdigit() else 0
        ),
    )
    if found:
        return found[-1].parent
    initdb = shutil.which("initdb")
    return None if initdb is None else Path(initdb).parent


@attrs.frozen
class Server:
    """A running throw-away server: its connection string and folder."""

    conninfo: str
    folder: Path
    pg_ctl: Path
    user: list[str]

    def stop(self) -> None:
        """Stop the server at once and remove its folder."""
        with contextlib.suppress(subprocess.CalledProcessError):
            subprocess.run(  # noqa: S603 (our own arguments)
                [
                    *self.user,
                    str(self.pg_ctl),
                    "-D",
                    str(self.folder / "data"),
                    "-m",
                    "immediate",
                    "-w",
                    "stop",
                ],
                check=True,
                capture_output=True,
            )
        shutil.rmtree(self.folder, ignore_errors=True)


def _runner() -> tuple[list[str], int | None]:
    """The command prefix that runs as an unprivileged user, and its uid."""
    if os.geteuid() != 0:
        return [], None
    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            entry = pwd.getpwnam(name)
            return ["runuser", "-u", name, "--"], entry.pw_uid
    pytest.skip("no unprivileged user to run PostgreSQL as")  # pragma: no cover


def start() -> Server:
    """Start a fresh server; skip when PostgreSQL is not installed."""
    folder_of_binaries = binaries()
    if folder_of_binaries is None:
        pytest.skip(INSTALL)
    user, uid = _runner()
    folder = Path(tempfile.mkdtemp(prefix="ccroles-pg-"))
    if uid is not None:
        os.chown(folder, uid, -1)
    data = folder / "data"
    try:
        subprocess.run(  # noqa: S603 (our own arguments)
            [
                *user,
                str(folder_of_binaries / "initdb"),
                "-D",
                str(data),
                "-A",
                "trust",
                "-U",
                "ccroles",
                "--no-sync",
                "-E",
                "UTF8",
            ],
            check=True,
            capture_output=True,
        )
        options = (
            f"-k {folder} -c listen_addresses='' -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=100"
        )
        subprocess.run(  # noqa: S603 (our own arguments)
            [
                *user,
                str(folder_of_binaries / "pg_ctl"),
                "-D",
                str(data),
                "-o",
                options,
                "-l",
                str(folder / "log"),
                "-w",
                "start",
            ],
            check=True,
            capture_output=True,
        )
    except (
        subprocess.CalledProcessError
    ) as error:  # pragma: no cover (a broken install)
        log = folder / "log"
        shutil.rmtree(folder, ignore_errors=True)
        detail = error.stderr.decode(errors="replace") if error.stderr else ""
        raise RuntimeError(f"PostgreSQL did not start: {detail} {log}") from None
    return Server(
        f"host={folder} port=5432 user=ccroles dbname=postgres",
        folder,
        folder_of_binaries / "pg_ctl",
        user,
    )
