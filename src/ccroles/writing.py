"""Writing role and account files: whole or not at all.

:func:`dumps_account` and :func:`dumps_roles` give a file's text;
:func:`dump_account` and :func:`dump_roles` write it with
:func:`write_atomically` (a temporary file beside the target, renamed into
place), so a reader sees the old file or the new one; :func:`can_write`
checks, before any work, that a file can be written.

>>> from ccroles.accounts import Account
>>> print(dumps_account(Account(websites=["Main"]), FileFormat.TOML), end="")
format = 1
customer_access = true
websites = [
    "Main",
]
"""

from __future__ import annotations

import functools
import json
import json.decoder
import json.scanner
import os
import stat
import tempfile
import typing
from pathlib import Path
from typing import TYPE_CHECKING, Final

from ccroles.converter import make_converter, unstructure_roles
from ccroles.documents import FORMAT_VERSION
from ccroles.exceptions import DataFileError, MissingExtraError, Problem
from ccroles.formats import FileFormat

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    import cattrs

    from ccroles.accounts import Account
    from ccroles.roles import Role


__all__ = [
    "can_write",
    "dump_account",
    "dump_roles",
    "dumps_account",
    "dumps_roles",
    "write_atomically",
]


@functools.cache
def _converter(*, include_secrets: bool) -> cattrs.Converter:
    """The converters files are written with, built once."""
    return make_converter(include_secrets=include_secrets)


def _text(document: object, fmt: FileFormat) -> str:
    if fmt is FileFormat.JSON:
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    return _toml_writer()(typing.cast("dict[str, object]", document))


def _toml_writer() -> Callable[[dict[str, object]], str]:
    """``tomli_w.dumps``, from the ``toml`` extra.

    Raises:
        MissingExtraError: The extra is not installed.
    """
    try:
        import tomli_w  # noqa: PLC0415 (an optional extra)
    except ImportError:
        raise MissingExtraError("toml", "tomli-w", "writing TOML") from None
    return tomli_w.dumps


def dumps_account(
    account: Account, fmt: FileFormat, *, include_secrets: bool = False
) -> str:
    """Return *account* as the text of an account file in *fmt*.

    Secret fields are left out unless *include_secrets* is true.

    Raises:
        UnwritableRoleError: A custom role copies a role that is neither built
            in nor one of the account's roles.
        MissingExtraError: TOML is asked for without the ``toml`` extra.

    >>> from ccroles.accounts import Account
    >>> print(dumps_account(Account(websites=["Main"]), FileFormat.JSON))
    {
      "format": 1,
      "customer_access": true,
      "websites": [
        "Main"
      ]
    }
    <BLANKLINE>
    """
    converter = _converter(include_secrets=include_secrets)
    return _text(converter.unstructure(account), fmt)


def dumps_roles(roles: Iterable[Role], fmt: FileFormat) -> str:
    """Return the text of a roles file holding the custom *roles* in *fmt*.

    Raises:
        UnwritableRoleError: A role is not a copy, or copies a role that is
            neither built in nor among *roles*.
        MissingExtraError: TOML is asked for without the ``toml`` extra.

    >>> from ccroles import CUSTOMER_CENTER
    >>> buyer = CUSTOMER_CENTER.customize("Buyer", {"TRAN_CUSTPYMT": "None"})
    >>> print(dumps_roles([buyer], FileFormat.TOML))
    format = 1
    roles = [
        { name = "Buyer", base = "Customer Center", levels = { TRAN_CUSTPYMT = "None" } },
    ]
    <BLANKLINE>
    """  # noqa: E501
    document = {"format": FORMAT_VERSION, "roles": unstructure_roles(list(roles))}
    return _text(document, fmt)


def dump_account(
    account: Account,
    path: str | os.PathLike[str],
    *,
    include_secrets: bool = False,
) -> None:
    """Write *account* to *path*, as TOML or JSON by the file's suffix.

    Raises:
        DataFileError: The suffix is neither ``.toml`` nor ``.json``.
        UnwritableRoleError: See :func:`dumps_account`.
        MissingExtraError: See :func:`dumps_account`.
    """
    text = dumps_account(account, FileFormat.of(path), include_secrets=include_secrets)
    write_atomically(path, text)


def dump_roles(roles: Iterable[Role], path: str | os.PathLike[str]) -> None:
    """Write the custom *roles* to *path*, as TOML or JSON by the file's suffix.

    Raises:
        DataFileError: The suffix is neither ``.toml`` nor ``.json``.
        UnwritableRoleError: See :func:`dumps_roles`.
        MissingExtraError: See :func:`dumps_roles`.
    """
    write_atomically(path, dumps_roles(roles, FileFormat.of(path)))


_NEW_FILE_MODE: Final = 0o600
"""The permission bits of a file :func:`write_atomically` creates: owner only."""


def write_atomically(path: str | os.PathLike[str], text: str) -> None:
    """Write *text* to *path* whole, or leave whatever was there untouched.

    The text is encoded first (text that cannot be written as UTF-8 raises
    before any file is touched), written to a temporary file beside *path*,
    flushed to disk and renamed into place, so a reader sees the old file or
    the new one, never a part. On any failure the temporary file is removed
    and an existing file at *path* is byte for byte as it was.

    An existing file keeps its permission bits (a README stays readable by
    all). A new file is readable and writable by its owner only (mode
    ``0o600``), since account files may hold password hashes: widen it with
    ``chmod`` to share it.

    Raises:
        OSError: The directory cannot be written to, or the disk is full.
        UnicodeEncodeError: *text* holds a lone surrogate.
    """
    target = Path(path)
    data = text.encode("utf-8")
    try:
        mode = stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        mode = _NEW_FILE_MODE
    handle, temporary = tempfile.mkstemp(
        prefix=f".{target.name}.", suffix=".tmp", dir=target.parent
    )
    try:
        Path(temporary).chmod(mode)  # before any byte is written
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        Path(temporary).replace(target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def can_write(path: str | os.PathLike[str]) -> None:
    """Check, before any work, that a file of *path*'s kind can be written there.

    Raises:
        DataFileError: The suffix is neither ``.toml`` nor ``.json``, or the
            folder is missing or not writable, or *path* is a folder.
        MissingExtraError: TOML is asked for without the ``toml`` extra.
    """
    fmt = FileFormat.of(path)
    if fmt is FileFormat.TOML:
        _toml_writer()
    target = Path(path)
    folder = target.parent
    problem = None
    if target.is_dir():
        problem = "is a folder, not a file"
    elif not folder.is_dir():
        problem = f"cannot be written: the folder {str(folder)!r} does not exist"
    elif not os.access(folder, os.W_OK):
        problem = f"cannot be written: the folder {str(folder)!r} is not writable"
    if problem is not None:
        raise DataFileError(str(path), [Problem(str(path), problem)])
