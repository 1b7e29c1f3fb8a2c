"""The policy engine's old names warn for one release and answer as the new ones."""

import importlib

import pytest

from ccroles import (
    Account,
    Customer,
    Engine,
    FormField,
    Origin,
    RecordType,
    SavedOrder,
    TransactionForm,
)
from ccroles.records import OwnedRecord

FORM = TransactionForm(
    "Sales Order (External)",
    RecordType.SALES_ORDER,
    fields=[FormField("Total", print_email=True), FormField("Margin")],
)
ENGINE = Engine(
    Account(
        customers=[
            Customer(
                "101",
                "ACME",
                email="ap@acme.example",
                give_access=True,
                role="Customer Center",
            )
        ],
        forms=[FORM],
    )
)
OWN = SavedOrder("101", Origin.staff(), FORM)
OTHER = SavedOrder("102", Origin.staff(), FORM)


@pytest.mark.parametrize("record", [OWN, OTHER], ids=["own", "another's"])
def test_engine_decide_form_warns_and_answers_as_form_answer(
    record: SavedOrder,
) -> None:
    """Engine.decide_form is Engine.form_answer, with a DeprecationWarning."""
    with pytest.warns(DeprecationWarning, match=r"Engine\.form_answer"):
        old = ENGINE.decide_form("ap@acme.example", record)
    assert ENGINE.form_answer("ap@acme.example", record) == old


@pytest.mark.parametrize("record", [OWN, OTHER], ids=["own", "another's"])
def test_preview_decide_form_warns_and_answers_as_form_answer(
    record: SavedOrder,
) -> None:
    """Preview.decide_form is Preview.form_answer, with a DeprecationWarning."""
    preview = ENGINE.preview("101")
    with pytest.warns(DeprecationWarning, match=r"Preview\.form_answer"):
        old = preview.decide_form(record, RecordType.SALES_ORDER)
    assert preview.form_answer(record, RecordType.SALES_ORDER) == old


def test_owned_record_from_policy_warns_and_is_the_records_one() -> None:
    """ccroles.policy.OwnedRecord is ccroles.records.OwnedRecord, with a warning."""
    policy = importlib.import_module("ccroles.policy")
    with pytest.warns(DeprecationWarning, match=r"ccroles\.records\.OwnedRecord"):
        old = policy.OwnedRecord
    assert old is OwnedRecord


def test_an_unknown_policy_name_still_raises_attribute_error() -> None:
    """The module's __getattr__ finds moved names only."""
    policy = importlib.import_module("ccroles.policy")
    with pytest.raises(AttributeError, match="no attribute 'Nothing'"):
        policy.Nothing  # noqa: B018
