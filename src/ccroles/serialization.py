"""Reading role and account files: the file format, and every problem with its place.

A file's text becomes plain data in :mod:`ccroles.formats` (TOML or JSON,
syntax errors with their line and column), plain data becomes an account in
:mod:`ccroles.documents` with the one cattrs converter
(:mod:`ccroles.converter`); :mod:`ccroles.writing` writes files back.

A file is one table (a JSON object)::

    format = 1                      # required; see documents.READABLE_VERSIONS
    customer_access = true          # optional, default true
    websites = ["Main Store"]       # optional

    [[roles]]                       # custom roles: the role copied, plus changes
    name = "Accountant"
    base = "Customer Center"        # a built-in role or another role of the file
    levels = { TRAN_SALESORD = "None" }
    capabilities = ["website"]      # optional: replaces the base's set

    [[customers]]                   # the fields of Customer; contacts nested
    internal_id = "101"
    customer_id = "ACME"

    [[forms]]                       # the fields of TransactionForm
    name = "Sales Order (External)"
    record_type = "Sales Order"     # a display name or a permission key
    fields = [{ name = "Total", print_email = true }]

    [form_preferences]              # roles, forms and websites by name
    account_forms = { "Sales Order" = "Standard Sales Order" }
    role_forms = { "Customer Center" = { "Sales Order" = "Sales Order (External)" } }
    website_order_forms = { "Main Store" = "Web Sales Order" }

    [notification]                  # the fields of NotificationSettings
    administrator_email = "admin@shop.example"
    login_url = "https://shop.example/cc"
    set_password_url = "https://shop.example/cc/password"
    link_validity = { hours = 24 }  # days, hours, minutes, seconds, microseconds

A *roles file* is the same document with only ``format`` and ``roles``. Roles
are rebuilt with :meth:`Role.customize`, so the no-escalation rule is applied on
load exactly as in code. A file loads whole or raises one
:class:`~ccroles.exceptions.DataFileError` carrying every problem found, each
with the file, the path inside it (``roles[1].levels.TRAN_CUSTPYMT``) and, for
syntax errors, the line and column.

>>> account = loads_account(
...     '''
... format = 1
... [[roles]]
... name = "Accountant"
... base = "Customer Center"
... levels = { TRAN_SALESORD = "None" }
... ''',
...     FileFormat.TOML,
... )
>>> from ccroles.features import FEATURES
>>> FEATURES.allows(account.custom_roles[0], "Enter an Order")
False
>>> loads_roles('{"format": 1, "roles": [{"name": "X", "base": "Customr Center"}]}',
...     FileFormat.JSON, source="roles.json")
Traceback (most recent call last):
...
ccroles.exceptions.DataFileError: roles.json: roles[0].base: unknown role 'Customr Center'; did you mean 'Customer Center'?
"""  # noqa: E501

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING

from ccroles.converter import make_converter
from ccroles.documents import load_document
from ccroles.exceptions import Problem, UnreadableFileError
from ccroles.formats import FileFormat, parse

if TYPE_CHECKING:
    import os

    import cattrs

    from ccroles.accounts import Account
    from ccroles.roles import Role

__all__ = [
    "load_account",
    "load_roles",
    "loads_account",
    "loads_roles",
]


@functools.cache
def _converter() -> cattrs.Converter:
    """The converter files are read with, built once."""
    return make_converter()


def loads_account(
    text: str | bytes, fmt: FileFormat, *, source: str = "<string>"
) -> Account:
    """Read an account from the text of an account file in *fmt*.

    *source* names the text in problems (a file name).

    Raises:
        DataFileError: The text does not load; it carries every problem found.
    """
    return load_document(parse(text, fmt, source), source, _converter())


def loads_roles(
    text: str | bytes, fmt: FileFormat, *, source: str = "<string>"
) -> tuple[Role, ...]:
    """Read the custom roles of a roles (or account) file's text in *fmt*.

    Raises:
        DataFileError: The text does not load; it carries every problem found.
    """
    return loads_account(text, fmt, source=source).custom_roles


def _readable(name: str) -> str:
    """A file name as problems show it: characters that do not print escaped."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in name)


def _read(path: str | os.PathLike[str]) -> tuple[bytes, FileFormat]:
    name = _readable(str(path))
    if "\0" in str(path):
        problem = Problem(name, "cannot be read: a file name holds no NUL")
        raise UnreadableFileError(name, [problem])
    try:
        if Path(path).is_dir():
            problem = Problem(name, "cannot be read: it is a folder, not a file")
            raise UnreadableFileError(name, [problem])
        fmt = FileFormat.of(path)
        return Path(path).read_bytes(), fmt
    except OSError as error:  # missing, no permission, a name too long, ...
        problem = Problem(name, f"cannot be read: {error.strerror or error}")
        raise UnreadableFileError(name, [problem]) from None


def load_account(path: str | os.PathLike[str]) -> Account:
    """Read the account file at *path* (``.toml`` or ``.json``).

    Raises:
        DataFileError: The file cannot be read or does not load; it carries
            every problem found.
    """
    text, fmt = _read(path)
    return loads_account(text, fmt, source=_readable(str(path)))


def load_roles(path: str | os.PathLike[str]) -> tuple[Role, ...]:
    """Read the custom roles of the roles (or account) file at *path*.

    Raises:
        DataFileError: The file cannot be read or does not load; it carries
            every problem found.
    """
    text, fmt = _read(path)
    return loads_roles(text, fmt, source=_readable(str(path)))
