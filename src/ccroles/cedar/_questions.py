"""Questions to ask Cedar: the requests the engine's questions become."""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

from ccroles.cedar._entities import login_id
from ccroles.cedar._syntax import (
    ACCOUNT_ID,
    SIGN_IN,
    CedarNames,
    check_namespace,
    feature_action,
    record_action,
)
from ccroles.features import FEATURES
from ccroles.names import owner_id
from ccroles.permissions import PERMISSIONS, Level

if TYPE_CHECKING:
    from collections.abc import Mapping

    from ccroles.accounts import Account
    from ccroles.features import Feature, FeatureCatalogue
    from ccroles.logins import LoginFacts
    from ccroles.permissions import Permission
    from ccroles.records import OwnedRecord

__all__ = [
    "CedarQuestion",
    "feature_question",
    "record_question",
    "sign_in_question",
]


@attrs.frozen
class CedarQuestion:
    """A question to ask Cedar: the request, and any entities it brings.

    Attributes:
        request: The request: ``principal``, ``action``, ``resource`` (each
            ``{"type": ..., "id": ...}``) and ``context``, as ``cedarpy``
            and Cedar's JSON interfaces take it.
        entities: Entities to add to the login's (or the account's) for
            this request (the record asked about), in Cedar's entities JSON
            form.
    """

    request: Mapping[str, object]
    entities: tuple[Mapping[str, object], ...] = ()


def _request(  # noqa: PLR0913 (a request's parts)
    names: CedarNames,
    account: Account,
    login: str | LoginFacts | None,
    *,
    action: str,
    resource: dict[str, str],
    website: str | None,
) -> dict[str, object]:
    context: dict[str, object] = {}
    if website is not None:
        # the account's own website, however it is spelt; unknown: raises
        context["website"] = names.ref("Website", account.website(website))
    return {
        "principal": names.uid("Login", login_id(login)),
        "action": names.uid("Action", action),
        "resource": resource,
        "context": context,
    }


def sign_in_question(
    account: Account,
    login: str | LoginFacts | None,
    website: str | None = None,
    *,
    namespace: str | None = None,
) -> CedarQuestion:
    """May *login* sign in (through *website*, if given)?

    *login* is an email (any case), login facts, or ``None`` (no login:
    denied); *website* one of the account's, in any case.

    Raises:
        UnknownWebsiteError: *website* is not one of the account's.
        InvalidFieldError: *namespace* is not a Cedar name.

    >>> from ccroles.accounts import Account
    >>> sign_in_question(Account(), "AP@acme.example").request["principal"]
    {'type': 'Login', 'id': 'ap@acme.example'}
    """
    names = CedarNames(check_namespace(namespace))
    resource = names.uid("Account", ACCOUNT_ID)
    return CedarQuestion(
        _request(
            names, account, login, action=SIGN_IN, resource=resource, website=website
        )
    )


def feature_question(  # noqa: PLR0913 (the engine's feature question, and names)
    account: Account,
    login: str | LoginFacts | None,
    feature: str | Feature,
    website: str | None = None,
    *,
    features: FeatureCatalogue = FEATURES,
    namespace: str | None = None,
) -> CedarQuestion:
    """May *login* use *feature* (through *website*, if given)?

    *feature* is read as the engine reads it (any case, spaces around).

    Raises:
        UnknownFeatureError: *feature* is not a feature of *features*.
        UnknownWebsiteError: *website* is not one of the account's.
        InvalidFieldError: *namespace* is not a Cedar name.
    """
    names = CedarNames(check_namespace(namespace))
    action = feature_action(features.resolve(feature).name)
    resource = names.uid("Account", ACCOUNT_ID)
    return CedarQuestion(
        _request(
            names, account, login, action=action, resource=resource, website=website
        )
    )


def record_question(  # noqa: PLR0913, PLR0917 (the engine's record question, and names)
    account: Account,
    login: str | LoginFacts | None,
    permission: str | Permission,
    record: OwnedRecord,
    level: Level | str = Level.VIEW,
    website: str | None = None,
    *,
    record_id: str = "record",
    namespace: str | None = None,
) -> CedarQuestion:
    """May *login* reach *record* of *permission* at *level*?

    The record is the entity ``Record::"<record_id>"``, brought with the
    question: its owner (read by the id rule: ``101`` is ``"101"``) and
    permission key. Questions asked in one batch need distinct record ids.

    Raises:
        UnknownPermissionError: *permission* is not in the catalogue.
        InvalidLevelError: *level* spells no level.
        UnknownWebsiteError: *website* is not one of the account's.
        InvalidIdError: The record's owner id is neither text nor an integer.
        InvalidFieldError: *namespace* is not a Cedar name.
    """
    names = CedarNames(check_namespace(namespace))
    key = PERMISSIONS.key_of(permission)
    action = record_action(level)
    entity = names.entity(
        "Record",
        record_id,
        {
            "owner": names.ref("Customer", owner_id(record.customer_internal_id)),
            "permission": key,
        },
    )
    resource = names.uid("Record", record_id)
    return CedarQuestion(
        _request(
            names, account, login, action=action, resource=resource, website=website
        ),
        (entity,),
    )
