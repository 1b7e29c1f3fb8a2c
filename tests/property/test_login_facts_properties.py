"""The facts a portal holds about a login get the answers its email gets.

An engine built from the account's roles and settings alone (no customers)
answers about :class:`LoginFacts` exactly as an engine built from the whole
account answers about the login's email: every question, every reason.
"""

import attrs
from hypothesis import given
from hypothesis import strategies as st

from ccroles import (
    FEATURES,
    Account,
    CenterType,
    Engine,
    Level,
    LoginFacts,
    RecordType,
    Role,
)
from ccroles.names import fold
from ccroles.testing import (
    accounts,
    levels,
    owned_records,
    permission_keys,
    records_owned_by_others,
)

STAFF = Role("Staff", center_type=CenterType.SALES, levels={"TRAN_SALESORD": "Full"})
ACCOUNTS = accounts(max_roles=2, max_depth=1, max_customers=3, extra_roles=[STAFF])


def sites(account: Account) -> list[str | None]:
    """No website, each of the account's websites, and the first one folded."""
    return [None, *account.websites, *map(fold, account.websites[:1])]


@given(ACCOUNTS, permission_keys(), levels(), st.data())
def test_login_facts_get_the_answers_and_reasons_of_the_email(
    account: Account, key: str, level: Level, data: st.DataObject
) -> None:
    """Every question, asked as facts and as a Login, of both engines: the same."""
    full = Engine(account)
    bare = Engine(attrs.evolve(account, customers=()))
    for login in account.logins():
        email = login.email
        assert email is not None
        facts = LoginFacts.of(login)
        own = data.draw(owned_records(login.customer))
        other = data.draw(records_owned_by_others(login.customer, account=account))
        for engine in (full, bare):
            for site in sites(account):
                for feature in FEATURES:
                    expected = full.decide(email, feature, site)
                    assert engine.decide(facts, feature, site) == expected
                    assert engine.allows(facts, feature, site) == expected.allowed
                    # the library's own Login is a login the engine takes too
                    assert engine.allows(login, feature, site) == expected.allowed
                for record in (own, other):
                    expected = full.decide_record(email, key, record, level, site)
                    got = engine.decide_record(facts, key, record, level, site)
                    assert got == expected
                    assert engine.allows_record(
                        facts, key, record, level, site
                    ) == full.allows_record(email, key, record, level, site)
                    answer = engine.form_answer(facts, record, RecordType.INVOICE, site)
                    assert answer == full.form_answer(
                        email, record, RecordType.INVOICE, site
                    )
                    assert engine.form_view(
                        facts, record, RecordType.INVOICE, site
                    ) == full.form_view(email, record, RecordType.INVOICE, site)
                assert list(
                    engine.filter_records(facts, key, [own, other], level, site)
                ) == list(full.filter_records(email, key, [own, other], level, site))
                assert engine.decide_sign_in(facts, site) == full.decide_sign_in(
                    email, site
                )
                assert engine.decide_sign_in(login, site) == full.decide_sign_in(
                    email, site
                )
                assert engine.decide_record(login, key, own, level, site) == (
                    full.decide_record(email, key, own, level, site)
                )
                assert engine.allows_sign_in(facts, site) == full.allows_sign_in(
                    email, site
                )
