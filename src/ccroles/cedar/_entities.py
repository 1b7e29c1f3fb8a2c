"""The Cedar entities of the export: the account read through its own rules.

Its websites, customers, contacts, roles and logins, every reference
resolved to the account's own entity by the lookups the engine uses; or only
the entities one login's questions need.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from ccroles.cedar._syntax import ACCOUNT_ID, CedarNames, check_namespace
from ccroles.logins import LoginFacts
from ccroles.names import email_key
from ccroles.permissions import Level

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Mapping

    from ccroles.accounts import Account, Customer
    from ccroles.roles import Role

__all__ = ["all_entities", "json_lines", "login_entities", "login_id"]


def _role_entity(names: CedarNames, role: Role) -> dict[str, object]:
    at_least = {
        str(level): sorted(key for key, held in role.levels.items() if held >= level)
        for level in Level
    }
    return names.entity(
        "Role",
        role.name,
        {
            "customer_center": role.center_type.is_customer_center,
            "at_least": at_least,
            "capabilities": sorted(str(c) for c in role.capabilities),
        },
    )


def _customer_entity(  # noqa: PLR0913 (a customer's fields)
    names: CedarNames,
    account: Account,
    *,
    internal_id: str,
    customer_id: str,
    active: bool,
    assigned_website: str | None,
) -> dict[str, object]:
    attributes: dict[str, object] = {
        "account": names.ref("Account", ACCOUNT_ID),
        "customer_id": customer_id,
        "active": active,
        "all_websites": assigned_website is None,
    }
    if assigned_website is not None:
        # the account's own website, however the customer spells it
        website = account.website(assigned_website)
        attributes["assigned_website"] = names.ref("Website", website)
    return names.entity("Customer", internal_id, attributes)


def _contact_entity(
    names: CedarNames,
    contact_id: str,
    internal_id: str,
    active: bool,  # noqa: FBT001 (a field)
) -> dict[str, object]:
    return names.entity(
        "Contact",
        contact_id,
        {"customer": names.ref("Customer", internal_id), "active": active},
    )


def _login_entity(
    names: CedarNames, account: Account, facts: LoginFacts, entity_id: str
) -> dict[str, object]:
    attributes: dict[str, object] = {
        "customer": names.ref("Customer", facts.internal_id),
        "of_contact": facts.contact_id is not None,
        "give_access": facts.give_access,
    }
    if facts.contact_id is not None:
        attributes["contact"] = names.ref("Contact", facts.contact_id)
    if facts.role is not None:
        # the account's own role, however the login spells it
        attributes["role"] = names.ref("Role", account.role(facts.role).name)
    return names.entity("Login", entity_id, attributes)


def _account_entities(names: CedarNames, account: Account) -> list[dict[str, object]]:
    account_uid = names.uid("Account", ACCOUNT_ID)
    return [
        names.entity(
            "Account", ACCOUNT_ID, {"customer_access": account.customer_access}
        ),
        *(
            names.entity("Website", name, {}, [account_uid])
            for name in account.websites
        ),
    ]


def _customer_entities(
    names: CedarNames, account: Account, customer: Customer
) -> Iterator[dict[str, object]]:
    yield _customer_entity(
        names,
        account,
        internal_id=customer.internal_id,
        customer_id=customer.customer_id,
        active=customer.active,
        assigned_website=customer.assigned_website,
    )
    for contact in customer.contacts:
        yield _contact_entity(names, contact.id, customer.internal_id, contact.active)


def all_entities(names: CedarNames, account: Account) -> list[dict[str, object]]:
    """Every entity of *account*: itself, its websites, roles, customers, logins."""
    entities = [
        *_account_entities(names, account),
        *(_role_entity(names, role) for role in account.all_roles),
    ]
    for customer in account.customers:
        entities.extend(_customer_entities(names, account, customer))
    entities.extend(
        _login_entity(names, account, LoginFacts.of(login), email_key(login.email))
        for login in account.logins()
    )
    return entities


def json_lines(entities: Iterable[Mapping[str, object]]) -> str:
    """Cedar's entities JSON, one entity a line."""
    lines = (json.dumps(e, ensure_ascii=False, separators=(",", ":")) for e in entities)
    return "[\n" + ",\n".join(lines) + "\n]\n"


def login_id(login: str | LoginFacts | None) -> str:
    """The id of the ``Login`` entity that *login* is.

    An email's login is its key (:func:`ccroles.names.email_key`, so any
    case finds it); the facts of a portal's login are its customer's or its
    contact's (``customer 101``, ``contact c1``: no email has a space).
    ``None`` or anything that is not an email is ``""``, which no login is.

    >>> login_id("AP@Acme.example"), login_id(LoginFacts("101", None)), login_id(None)
    ('ap@acme.example', 'customer 101', '')
    """
    if type(login) is LoginFacts:
        if login.contact_id is not None:
            return f"contact {login.contact_id}"
        return f"customer {login.internal_id}"
    return email_key(login)


def login_entities(
    account: Account,
    login: str | LoginFacts | None,
    *,
    namespace: str | None = None,
) -> list[dict[str, object]]:
    """The entities that any question about *login* needs, and no others.

    The account, its websites, the login, its customer, its contact (when
    a contact logs in) and its role: Cedar answers every question about
    *login* from these as from the whole account's entities (a record
    question adds its record, :attr:`CedarQuestion.entities`). A central
    service sends them with each request.

    *login* is an email of the account's (any case), or the facts of a
    login that a portal holds in its own database
    (:class:`~ccroles.logins.LoginFacts`): then the account needs no
    customers. An email no login has gives the account and its websites
    only, and every question about it is denied.

    Raises:
        UnknownRoleError: The facts name a role the account lacks.
        UnknownWebsiteError: The facts name an Assigned Website the account
            lacks.
        InvalidFieldError: *namespace* is not a Cedar name.

    >>> from ccroles.accounts import Account
    >>> facts = LoginFacts("101", "customer center", give_access=True)
    >>> [e["uid"]["id"] for e in login_entities(Account(), facts)]
    ['account', '101', 'customer 101', 'Customer Center']
    """
    names = CedarNames(check_namespace(namespace))
    entities = _account_entities(names, account)
    if type(login) is LoginFacts:
        facts = login
    else:
        found = account.find_login(email_key(login))
        if found is None:
            return entities
        facts = LoginFacts.of(found)
    entities.append(
        _customer_entity(
            names,
            account,
            internal_id=facts.internal_id,
            customer_id=(
                facts.internal_id if facts.customer_id is None else facts.customer_id
            ),
            active=facts.active,
            assigned_website=facts.assigned_website,
        )
    )
    if facts.contact_id is not None:
        entities.append(
            _contact_entity(
                names, facts.contact_id, facts.internal_id, facts.contact_active
            )
        )
    entities.append(_login_entity(names, account, facts, login_id(login)))
    if facts.role is not None:
        entities.append(_role_entity(names, account.role(facts.role)))
    return entities
