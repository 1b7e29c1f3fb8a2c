"""Records a customer owns, and records others own, for the record questions."""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs
from hypothesis import strategies as st

from ccroles.names import as_id
from ccroles.testing._spellings import any_ids

if TYPE_CHECKING:
    from ccroles.accounts import Account, Customer

__all__ = [
    "Record",
    "owned_records",
    "records_owned_by_others",
]


@attrs.frozen
class Record:
    """A record owned by a customer: the least a portal's record has.

    It is an :class:`ccroles.records.OwnedRecord`, so the engine's record
    questions (``decide_record``, ``filter_records``) take it.

    Attributes:
        customer_internal_id: The internal id of the customer owning it (an
            integer is read as its decimal text).
        number: Tells records of one customer apart.
    """

    customer_internal_id: str | int
    number: int = 0


def _owner_id(customer: Customer | str) -> str:
    return customer if isinstance(customer, str) else customer.internal_id


def _numbers() -> st.SearchStrategy[int]:
    return st.integers(min_value=0, max_value=10**6)


def _spelt_id(internal_id: str) -> st.SearchStrategy[str | int]:
    """*internal_id*, and the integer it is the decimal text of, if any."""
    if internal_id.isascii() and internal_id.lstrip("-").isdigit():
        number = int(internal_id)
        if str(number) == internal_id:
            return st.sampled_from((internal_id, number))
    return st.just(internal_id)


def owned_records(customer: Customer | str) -> st.SearchStrategy[Record]:
    """Records owned by *customer* (a customer, or its internal id).

    An owner whose id is an integer's decimal text is drawn as that integer
    too, as a database library gives it.
    """
    return st.builds(Record, _spelt_id(_owner_id(customer)), _numbers())


def records_owned_by_others(
    customer: Customer | str, *, account: Account | None = None
) -> st.SearchStrategy[Record]:
    """Records owned by anyone but *customer* (a customer, or its internal id).

    The owners are the other customers of *account*, when given, and internal
    ids that no customer has.

    >>> from hypothesis import given
    >>> @given(records_owned_by_others("101"))
    ... def test_not_mine(record):
    ...     assert record.customer_internal_id != "101"
    >>> test_not_mine()
    """
    own = _owner_id(customer)
    known = [] if account is None else [c.internal_id for c in account.customers]
    others = [internal_id for internal_id in known if internal_id != own]
    taken = {own, *known}
    strangers = any_ids().filter(lambda internal_id: as_id(internal_id) not in taken)
    owners = st.sampled_from(others) | strangers if others else strangers
    return st.builds(Record, owners, _numbers())
