"""Paths: where in an account or a data file a value is, written as people read it.

A path is a tuple of keys and positions, outermost first, as the account
rules and the data file loaders give it with each problem:
``("customers", 3, "email")``. :func:`format_path` writes it the way a
reader of the file finds the value: ``customers[3].email``.
"""

from __future__ import annotations

import re

__all__ = ["format_path"]


def format_path(path: tuple[str | int, ...]) -> str:
    """Write *path* as people read it.

    >>> format_path(("customers", 3, "contacts", 0, "email"))
    'customers[3].contacts[0].email'
    >>> format_path(("form_preferences", "role_forms", "Sales Rep"))
    'form_preferences.role_forms["Sales Rep"]'
    """
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        elif re.fullmatch(r"[A-Za-z_][A-Za-z0-9_-]*", part):
            text += f".{part}" if text else part
        else:
            import json  # noqa: PLC0415 (only for an odd key, in a message)

            text += f"[{json.dumps(part, ensure_ascii=False)}]"
    return text
