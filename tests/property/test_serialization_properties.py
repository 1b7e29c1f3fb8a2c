import copy
import json
import random
from datetime import timedelta
from pathlib import Path

import attrs
import tomli_w
from hypothesis import given, settings
from hypothesis import strategies as st

from ccroles import (
    BUILTIN_ROLES,
    PERMISSIONS,
    Account,
    Capability,
    Contact,
    Customer,
    DataFileError,
    FileFormat,
    NotificationSettings,
    RecordType,
    Role,
    account_problems,
    dumps_account,
    dumps_roles,
    load_account,
    loads_account,
    loads_roles,
)
from ccroles.converter import make_converter
from ccroles.names import fold
from ccroles.passwords import PasswordHash
from ccroles.testing import (
    accounts,
    contacts,
    custom_roles,
    customers,
    form_preferences,
    transaction_forms,
)

# The fuzz tests run 12 times the profile's examples each: 3 x 3,600 = 10,800
# documents in the thorough (CI) profile, 3 x 300 with FAST=1.
FUZZ = settings(max_examples=settings().max_examples * 12)

CONVERTER = make_converter()


@given(accounts(), st.sampled_from(FileFormat))
def test_an_account_survives_a_round_trip(account: Account, fmt: FileFormat) -> None:
    """Issue 5: load(dump(x)) == x for any account, in both formats."""
    assert loads_account(dumps_account(account, fmt), fmt) == account


def notification_settings() -> st.SearchStrategy[NotificationSettings]:
    """Notification settings with any allowed link validity and placeholders."""
    return st.builds(
        NotificationSettings,
        administrator_email=st.just("admin@shop.example"),
        login_url=st.just("https://shop.example/cc"),
        set_password_url=st.just("https://shop.example/cc/password"),
        staff_login_url=st.none() | st.just("https://shop.example/staff"),
        subject=st.sampled_from(["Access", "Access for $customer_id"]),
        link_validity=st.timedeltas(
            min_value=timedelta(microseconds=1), max_value=timedelta(days=31)
        ),
    )


def password_hashes() -> st.SearchStrategy[PasswordHash]:
    """Hashes with any scrypt parameters, salt and key (not computed: cheap)."""
    return st.builds(
        PasswordHash,
        algorithm=st.just("scrypt"),
        n=st.sampled_from([2, 16, 2**14]),
        r=st.integers(1, 8),
        p=st.integers(1, 2),
        salt=st.binary(min_size=1, max_size=16),
        hash=st.binary(min_size=32, max_size=32),
    )


@st.composite
def full_accounts(draw: st.DrawFn) -> Account:
    """Accounts with forms, preferences, notification settings and hashes."""
    account = draw(accounts(max_customers=3))
    kinds = (RecordType.SALES_ORDER, RecordType.INVOICE, RecordType.ESTIMATE)
    forms = draw(
        st.lists(
            transaction_forms(record_types=kinds),
            min_size=1,
            max_size=4,
            unique_by=lambda f: fold(f.name),
        )
    )
    preferences = draw(
        form_preferences(
            roles=account.all_roles, forms=forms, websites=account.websites
        )
    )
    hashed = [
        attrs.evolve(
            customer,
            password_hash=draw(st.none() | password_hashes()),
            contacts=[
                attrs.evolve(contact, password_hash=draw(st.none() | password_hashes()))
                for contact in customer.contacts
            ],
        )
        for customer in account.customers
    ]
    return attrs.evolve(
        account,
        customers=hashed,
        forms=forms,
        form_preferences=preferences,
        notification=draw(st.none() | notification_settings()),
    )


def without_hashes(account: Account) -> Account:
    """*account* with every password hash cleared."""
    return attrs.evolve(
        account,
        customers=[
            attrs.evolve(
                customer,
                password_hash=None,
                contacts=[
                    attrs.evolve(contact, password_hash=None)
                    for contact in customer.contacts
                ],
            )
            for customer in account.customers
        ],
    )


@given(full_accounts(), st.sampled_from(FileFormat))
def test_forms_preferences_notifications_and_hashes_survive_a_round_trip(
    account: Account, fmt: FileFormat
) -> None:
    """Issues 5 and 6: everything round-trips; hashes only when asked for."""
    assert loads_account(dumps_account(account, fmt, include_secrets=True), fmt) == (
        account
    )
    assert loads_account(dumps_account(account, fmt), fmt) == without_hashes(account)


def _writable(role: Role) -> bool:
    """Whether the account rules accept *role*'s lineage (names unique, any case)."""
    return not account_problems(roles=role.lineage[1:])


@given(custom_roles(max_depth=4).filter(_writable), st.sampled_from(FileFormat))
def test_custom_roles_survive_a_round_trip(role: Role, fmt: FileFormat) -> None:
    """Issue 5: a chain of copies is written as bases plus changes, and read back."""
    chain = list(role.lineage[1:])
    assert list(loads_roles(dumps_roles(chain, fmt), fmt)) == chain


@given(customers(roles=["Customer Center"], websites=["Main"]), contacts())
def test_customers_and_contacts_survive_the_converter(
    customer: Customer, contact: Contact
) -> None:
    """The converter turns customers and contacts into plain data and back."""
    assert CONVERTER.structure(CONVERTER.unstructure(customer), Customer) == customer
    assert CONVERTER.structure(CONVERTER.unstructure(contact), Contact) == contact


# --- fuzz: whatever the input, a whole account or DataFileError --------------


def assert_sound(account: Account) -> None:
    """No role loaded grants more than its root built-in role (no escalation)."""
    for role in account.custom_roles:
        root = role.root
        assert root in BUILTIN_ROLES
        assert role.capabilities <= root.capabilities
        for key, level in role.levels.items():
            assert level <= root.levels[key]


def load_or_refuse(text: str | bytes, fmt: FileFormat) -> None:
    """Loading either returns a sound account or raises DataFileError."""
    try:
        account = loads_account(text, fmt, source="fuzz")
    except DataFileError as error:
        refused = error
    else:
        assert_sound(account)
        return
    assert refused.problems
    assert all(problem.file == "fuzz" for problem in refused.problems)


_WORDS = [
    *PERMISSIONS,
    *(role.name for role in BUILTIN_ROLES),
    *(c.value for c in Capability),
    "None",
    "View",
    "Full",
    "_edit",
    "format",
    "roles",
    "customers",
    "contacts",
    "websites",
    "name",
    "base",
    "levels",
    "capabilities",
    "internal_id",
    "customer_id",
    "email",
    "role",
    "give_access",
    "assigned_website",
    "forms",
    "record_type",
    "printing",
    "online",
    "fields",
    "screen",
    "print_email",
    "Sales Order",
    "Sales Order (External)",
    "form_preferences",
    "account_forms",
    "role_forms",
    "website_order_forms",
    "notification",
    "link_validity",
    "hours",
    "password_hash",
    "salt",
]


# Documents are built from one seeded random generator per example: drawing
# deep structures through strategies costs ten times more, and 10,000 of them
# must run well within a minute. Hypothesis still picks, records and replays
# the seeds.


def _random_text(rnd: random.Random) -> str:
    alphabet = "aZ _-.@'\"\\\n\t\x00é€😀"
    return "".join(rnd.choice(alphabet) for _ in range(rnd.randrange(6)))


def _random_scalar(rnd: random.Random) -> object:
    return rnd.choice(
        [
            None,
            True,
            False,
            0,
            1,
            -7,
            2**70,
            1.5,
            -0.0,
            _random_text(rnd),
            rnd.choice(_WORDS),
            rnd.choice(_WORDS),
        ]
    )


def _random_value(rnd: random.Random, depth: int = 0) -> object:
    """A random JSON value, biased towards the words and keys of the format."""
    shape = rnd.randrange(4 if depth < 3 else 1)
    if shape == 1:
        return [_random_value(rnd, depth + 1) for _ in range(rnd.randrange(4))]
    if shape == 2:
        return {
            rnd.choice(_WORDS) if rnd.random() < 0.8 else _random_text(rnd): (
                _random_value(rnd, depth + 1)
            )
            for _ in range(rnd.randrange(5))
        }
    return _random_scalar(rnd)


def _random_document(rnd: random.Random) -> dict[str, object]:
    document: dict[str, object] = {
        "format": 1 if rnd.random() < 0.9 else _random_scalar(rnd)
    }
    for key in (
        "customer_access",
        "websites",
        "roles",
        "forms",
        "form_preferences",
        "customers",
        "notification",
        "extra",
    ):
        if rnd.random() < 0.5:
            document[key] = _random_value(rnd, 1 if key == "extra" else 0)
    return document


@FUZZ
@given(st.randoms(use_true_random=False))
def test_fuzz_random_structures(rnd: random.Random) -> None:
    """Random JSON structures load whole or raise DataFileError, never else."""
    load_or_refuse(json.dumps(_random_document(rnd)), FileFormat.JSON)


def _positions(value: object) -> list[tuple[dict[str, object] | list[object], object]]:
    """Every (container, key or index) in a plain document."""
    found: list[tuple[dict[str, object] | list[object], object]] = []
    if isinstance(value, dict):
        for key, item in value.items():
            found.append((value, key))
            found.extend(_positions(item))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found.append((value, index))
            found.extend(_positions(item))
    return found


EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
# Valid documents to mutate: the examples (roles copying roles, contacts with
# custom roles, websites) and one written from code. Fresh accounts() would be
# better seeds but cost 20 ms each to build; the round-trip tests cover them.
_SEEDS = [
    CONVERTER.unstructure(load_account(EXAMPLES / name))
    for name in ("account.toml", "roles.toml")
] + [
    {
        "format": 1,
        "websites": ["A", "B"],
        "roles": [
            {"name": "X", "base": "Premium Customer Center", "capabilities": []},
            {"name": "Y", "base": "X", "levels": {"TRAN_ESTIMATE": "Create"}},
        ],
        "customers": [
            {
                "internal_id": "1",
                "customer_id": "C1",
                "role": "Y",
                "assigned_website": "B",
                "contacts": [{"id": "k", "email": "k@c.example", "role": "X"}],
            }
        ],
    }
]


def _near_valid(rnd: random.Random) -> dict[str, object]:
    """A valid account's document with one mutation."""
    document: dict[str, object] = copy.deepcopy(rnd.choice(_SEEDS))
    container, key = rnd.choice(_positions(document))
    action = rnd.choice(["delete", "replace", "add", "duplicate", "raise"])
    if isinstance(container, dict):
        assert isinstance(key, str)
        if action == "delete":
            del container[key]
        elif action == "add":
            container[rnd.choice(_WORDS)] = _random_value(rnd, 2)
        elif action == "raise":
            container[key] = rnd.choice(["Full", "Edit", "_full", "CREATE"])
        else:
            container[key] = _random_value(rnd, 2)
    else:
        assert isinstance(key, int)
        if action == "delete":
            del container[key]
        elif action == "duplicate":
            container.append(container[key])
        else:
            container[key] = _random_value(rnd, 2)
    return document


@FUZZ
@given(st.randoms(use_true_random=False), st.sampled_from(FileFormat))
def test_fuzz_near_valid_files(rnd: random.Random, fmt: FileFormat) -> None:
    """A valid file with one mutation loads whole or raises DataFileError."""
    document = _near_valid(rnd)
    try:
        text = tomli_w.dumps(document) if fmt is FileFormat.TOML else ""
    except TypeError:  # TOML has no null: write the mutation as JSON instead
        fmt = FileFormat.JSON
    if fmt is FileFormat.JSON:
        text = json.dumps(document)
    load_or_refuse(text, fmt)


@FUZZ
@given(
    st.binary(max_size=120)
    | st.builds(
        lambda head, noise: head + noise,
        st.sampled_from([b"format = 1\n", b'{"format": 1, "roles": [']),
        st.binary(max_size=60),
    ),
    st.sampled_from(FileFormat),
)
def test_fuzz_random_bytes(data: bytes, fmt: FileFormat) -> None:
    """Random bytes load whole or raise DataFileError, never anything else."""
    load_or_refuse(data, fmt)
