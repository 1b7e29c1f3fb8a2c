"""The field converters and metadata shared by the account's value classes.

Customers, contacts and the login facts a portal holds take their ids by the
same rules (:func:`ccroles.names.as_id`: text, or an integer taken as its
decimal text); the data file writers read the metadata marking secret fields
and id fields.
"""

from __future__ import annotations

from typing import Final

from ccroles.names import as_id

__all__ = [
    "ID",
    "SECRET",
    "contact_id",
    "customer_id",
    "internal_id",
]

SECRET: Final = {"secret": True}
"""Metadata of fields a serializer leaves out unless told otherwise."""

ID: Final = {"id": True}
"""Metadata of id fields: files may write them as text or as integers."""


def internal_id(value: object) -> str:
    """A customer's internal id: text, or an integer taken as its decimal text.

    >>> internal_id(101)
    '101'
    """
    return as_id(value, "customer internal id", field="internal_id")


def customer_id(value: object) -> str:
    """A customer's entity id (``ACME``), by the same rule as an internal id."""
    return as_id(value, "customer id", field="customer_id")


def contact_id(value: object) -> str:
    """A contact's id, by the same rule as an internal id."""
    return as_id(value, "contact id", field="id")
