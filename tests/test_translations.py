"""Every message the library can say is found by ``pybabel extract``.

The words go through :mod:`gettext` at run time; a translator builds a
catalogue from what ``pybabel extract`` finds in the source. So this test
says every message it can reach, through a translations object that records
each message it is asked for, and checks the extracted catalogue holds each
one: a message built with an f-string, or a table entry left unmarked, is
asked for at run time but missing from the catalogue.
"""

from __future__ import annotations

import gettext
import itertools
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ccroles import wording
from ccroles.decisions import (
    Decision,
    FeatureQuestion,
    FormQuestion,
    Reason,
    ReasonCode,
    RecordQuestion,
    SignInQuestion,
)
from ccroles.forms import RecordType
from ccroles.permissions import Level
from ccroles.roles import Capability

SOURCE = Path(wording.__file__).parent


class Recorder(gettext.NullTranslations):
    """Translations that keep every message asked for, untranslated."""

    def __init__(self) -> None:
        super().__init__()
        self.asked: set[str] = set()

    def gettext(self, message: str) -> str:
        """Keep *message*, and say it as written."""
        self.asked.add(message)
        return message


def reasons() -> list[Reason]:
    """Every code with every variant its words depend on."""
    variants = list(
        itertools.product(
            [None, Level.VIEW],  # held
            [None, "Customer Center"],  # root
            [(), ("Advanced Customer Center",)],  # alternatives
            [None, datetime(2026, 3, 1, 9, 30, tzinfo=UTC)],  # until
            [True, False],  # signed_in
            [True, False],  # covered
        )
    )
    return [
        Reason(
            code,
            permission="TRAN_CUSTINVC",
            required=Level.EDIT,
            held=held,
            capability=next(iter(Capability)),
            feature="Transactions",
            website="Shop",
            until=until,
            customer="ACME",
            contact="c1",
            owner="102",
            assigned="Outlet",
            role="Buyer",
            center="Sales",
            root=root,
            alternatives=alternatives,
            requirement="View on Invoices",
            record_type=RecordType.SALES_ORDER,
            covered=covered,
            signed_in=signed_in,
        )
        for code in ReasonCode
        for held, root, alternatives, until, signed_in, covered in variants
    ]


QUESTIONS: list[FeatureQuestion | RecordQuestion | SignInQuestion | FormQuestion] = [
    FeatureQuestion("Wish Lists"),
    FeatureQuestion("Wish Lists", website="Shop"),
    SignInQuestion(),
    FormQuestion(RecordType.SALES_ORDER, owner="101"),
    *(RecordQuestion("TRAN_CUSTINVC", level, owner="101") for level in Level),
]


def said() -> set[str]:
    """Every message the words ask gettext for, over every reason and question."""
    recorder = Recorder()
    every = reasons()
    for reason in every:
        wording.fact(reason, recorder)
        wording.remedy(reason, recorder)
    for asked in QUESTIONS:
        for decision in (Decision(asked), *(Decision(asked, (r,)) for r in every)):
            wording.explain(decision, translations=recorder)
            wording.customer_message(decision, recorder)
    return recorder.asked


def extracted(tmp_path: Path) -> set[str]:
    """The messages ``pybabel extract`` finds in the library's source."""
    pybabel = shutil.which("pybabel", path=str(Path(sys.executable).parent))
    assert pybabel is not None, "Babel is a test dependency (pyproject.toml)"
    catalogue = tmp_path / "ccroles.pot"
    subprocess.run(  # noqa: S603 (our own virtual environment's pybabel)
        [pybabel, "extract", "--no-location", "-o", str(catalogue), str(SOURCE)],
        check=True,
        capture_output=True,
    )
    from babel.messages.pofile import read_po  # noqa: PLC0415

    with catalogue.open("rb") as file:
        return {str(message.id) for message in read_po(file) if message.id}


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    """The extracted catalogue, once for this module."""
    return extracted(tmp_path_factory.mktemp("messages"))


def test_every_message_said_is_in_the_catalogue(catalogue: set[str]) -> None:
    """A translator's catalogue holds every message the library can say."""
    asked = said()
    assert len(asked) > 80
    assert sorted(asked - catalogue) == []


def test_every_message_in_the_catalogue_can_be_said(catalogue: set[str]) -> None:
    """No message in the catalogue is dead: each one is said for some reason."""
    assert sorted(catalogue - said()) == []
