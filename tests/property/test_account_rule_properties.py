"""Issue 11: whatever the entry point, a login gets no more than its built-in root.

Accounts are reached through each entry point (the constructor, a data file,
a grant, a CSV import) from hostile roles: look-alike roots that carry a
built-in role's name, copies of them, copies cut loose from their base, roots
of their own, and honest copies. Whatever is accepted keeps the rule: every
customer center login's role descends from one of the three built-in role
objects, holds nothing above it, and the engine grants its logins only
features that built-in role has.

The four tests run 10,500 examples together in the default (CI) profile.
"""

import io
import json

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ccroles import (
    BUILTIN_ROLES,
    FEATURES,
    Account,
    CCRolesError,
    Customer,
    Engine,
    FileFormat,
    Grant,
    Level,
    LoginId,
    Role,
    SendNotification,
    grant_access,
    import_access,
    loads_account,
)
from ccroles.testing import (
    accounts,
    builtin_roles,
    capability_sets,
    custom_roles,
    levels,
    permission_keys,
    role_names,
)
from tests.access_fixtures import CHEAP_SCRYPT, SETTINGS

EXAMPLES = settings().max_examples

any_levels = st.dictionaries(permission_keys(), levels(), max_size=6)


def _look_alike(base: Role, name: str | None, changed: dict[str, str]) -> Role:
    """A new root with a built-in role's name (or *name*) and raised levels."""
    levels: dict[str, Level | str] = {**base.levels, **changed}
    return attrs.evolve(base, name=base.name if name is None else name, levels=levels)


look_alikes = st.builds(
    _look_alike,
    builtin_roles(),
    st.none() | role_names(),
    st.dictionaries(permission_keys(), st.just("Full"), max_size=4),
)

hostile_roles = st.one_of(
    custom_roles(max_depth=2),
    look_alikes,
    st.builds(lambda root, name: root.customize(name), look_alikes, role_names()),
    st.builds(lambda role: attrs.evolve(role, base=None), custom_roles(max_depth=2)),
    st.builds(Role, role_names(), levels=any_levels, capabilities=capability_sets()),
)


def _builtin_root(role: Role) -> Role:
    """The built-in role object *role* descends from; fails for any other."""
    root = role.lineage[0]
    matches = [builtin for builtin in BUILTIN_ROLES if builtin is root]
    assert matches, f"{role!r} descends from {root!r}, no built-in role object"
    return matches[0]


def assert_within_roots(account: Account, *, ask_the_engine: bool = True) -> None:
    """Every customer center login gets no more than its built-in root.

    The levels and capabilities are checked against the built-in role object;
    the features granted are the engine's answers, or (to keep the most
    numerous test fast) the role's own features.
    """
    engine = Engine(account) if ask_the_engine else None
    for login in account.logins():
        if login.role is None or login.email is None:
            continue
        role = account.role(login.role)
        if not role.center_type.is_customer_center:
            continue
        root = _builtin_root(role)
        for key, level in role.levels.items():
            held = root.levels.get(key)
            assert held is not None
            assert level <= held
        assert role.capabilities <= root.capabilities
        if engine is None:
            granted = set(FEATURES.feature_names_of(role))
        else:
            granted = {name for name in FEATURES if engine.allows(login.email, name)}
        assert granted <= set(FEATURES.feature_names_of(root))


def names_of(roles: list[Role]) -> list[str]:
    """The names customers may name: the roles', the built-ins', in other cases."""
    names = [role.name for role in (*BUILTIN_ROLES, *roles)]
    return [*names, *(name.upper() for name in names)]


# The most examples of all, in two halves that parallel workers run side by side.
@pytest.mark.parametrize("half", ["first", "second"])
@settings(max_examples=EXAMPLES * 21 // 2)
@given(roles=st.lists(hostile_roles, max_size=3), data=st.data())
def test_the_constructor_keeps_every_login_within_its_root(
    half: str, roles: list[Role], data: st.DataObject
) -> None:
    """Account(...): a hostile role is refused, or grants only what its root has."""
    assert half in {"first", "second"}
    customers = [
        Customer(
            str(number),
            f"C{number}",
            email=f"c{number}@x.example",
            give_access=True,
            role=data.draw(st.sampled_from(names_of(roles))),
        )
        for number in range(3)
    ]
    try:
        account = Account(roles=roles, customers=customers)
    except CCRolesError:
        return
    assert_within_roots(account, ask_the_engine=False)


base_names = st.sampled_from(
    [
        *(role.name for role in BUILTIN_ROLES),
        *(role.name.casefold() for role in BUILTIN_ROLES),
        "Custom 0",
        "Custom 1",
        "Nobody",
    ]
)
role_entries = st.lists(
    st.fixed_dictionaries(
        {"base": base_names, "levels": any_levels},
        optional={
            "capabilities": st.lists(st.sampled_from(["website", "store_locator"]))
        },
    ),
    max_size=3,
)


@settings(max_examples=EXAMPLES * 8)
@given(entries=role_entries, data=st.data())
def test_a_data_file_keeps_every_login_within_its_root(
    entries: list[dict[str, object]], data: st.DataObject
) -> None:
    """load_account: a file's roles are refused, or grant only what their root has."""
    roles = [
        {"name": f"Custom {number}", **entry} for number, entry in enumerate(entries)
    ]
    names = [str(role["name"]) for role in roles] + [r.name for r in BUILTIN_ROLES]
    document = {
        "format": 1,
        "roles": [
            {**role, "levels": {k: str(v) for k, v in role["levels"].items()}}  # type: ignore[attr-defined]
            for role in roles
        ],
        "customers": [
            {
                "internal_id": str(number),
                "customer_id": f"C{number}",
                "email": f"c{number}@x.example",
                "give_access": True,
                "role": data.draw(st.sampled_from(names)),
            }
            for number in range(3)
        ],
    }
    try:
        account = loads_account(json.dumps(document), FileFormat.JSON)
    except CCRolesError:
        return
    assert_within_roots(account)


ACCOUNTS = accounts(max_roles=2, max_depth=2, max_customers=3, customer_access=True)


@settings(max_examples=EXAMPLES * 3)
@given(account=ACCOUNTS, data=st.data())
def test_a_grant_keeps_every_login_within_its_root(
    account: Account, data: st.DataObject
) -> None:
    """grant_access: the account it makes keeps the rule."""
    if not account.customers:
        return
    account = attrs.evolve(account, notification=SETTINGS)
    customer = data.draw(st.sampled_from(account.customers))
    role = data.draw(st.sampled_from([*names_of(list(account.custom_roles)), "Nobody"]))
    grant = Grant(
        LoginId(customer.internal_id),
        SendNotification(),
        email=f"new-{customer.customer_id.encode().hex()}@x.example",
        role=role,
    )
    try:
        granted = grant_access(account, grant, scrypt=CHEAP_SCRYPT)
    except CCRolesError:
        return
    assert_within_roots(granted.account)


@settings(max_examples=EXAMPLES * 3)
@given(account=ACCOUNTS, data=st.data())
def test_an_import_keeps_every_login_within_its_root(
    account: Account, data: st.DataObject
) -> None:
    """import_access: the account it makes keeps the rule."""
    names = [*names_of(list(account.custom_roles)), "Nobody"]
    out = io.StringIO()
    out.write("Internal ID,Give Access,Role,Manually Assign or Change Password,")
    out.write("Password,Confirm Password\n")
    for customer in account.customers:
        role = data.draw(st.sampled_from(names)).replace('"', "")
        internal_id = customer.internal_id.replace('"', '""')
        out.write(f'"{internal_id}",yes,"{role}",yes,plum-tractor-44,plum-tractor-44\n')
    out.seek(0)
    report = import_access(account, out, apply=True, scrypt=CHEAP_SCRYPT)
    if report.account is not None:
        assert_within_roots(report.account)


def test_the_hostile_roles_are_drawn() -> None:
    """The strategies reach every kind of hostile role (else the tests prove little)."""
    kinds: set[str] = set()

    @settings(max_examples=200, database=None)
    @given(hostile_roles)
    def classify(role: Role) -> None:
        root = role.lineage[0]
        if any(root is builtin for builtin in BUILTIN_ROLES):
            kinds.add("honest" if role.base is not None else "built-in")
        elif root.name in {builtin.name for builtin in BUILTIN_ROLES}:
            kinds.add("look-alike")
        else:
            kinds.add("own root")

    classify()
    assert {"honest", "look-alike", "own root"} <= kinds
