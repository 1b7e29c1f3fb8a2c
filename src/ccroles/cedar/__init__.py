r"""The same rules for Cedar: a schema, policies and entities written from an account.

`Cedar <https://www.cedarpolicy.com>`_ is a policy language with an
open-source engine; :func:`to_cedar` writes an account's rules in it, so that
services in any language (or a managed authorization service) can answer the
questions :class:`~ccroles.policy.Engine` answers, and get the same answers:

- the **schema** declares the entity types (``Account``, ``Website``,
  ``Customer``, ``Contact``, ``Role``, ``Login``, ``Record``) and one action
  per question: ``sign in``, ``feature: NAME`` for each feature of the
  matrix, and ``record at LEVEL`` for each permission level; in Cedar's
  human-readable form and in its JSON form, optionally in a namespace;
- the **policies** are the rules, one policy per rule with an ``@id`` naming
  it: a ``permit`` for signing in, for each feature (its requirement and its
  area's, translated from the :class:`~ccroles.features.Requirement`
  predicates) and for each record level, each carrying every check a login
  must pass; and a ``forbid`` per check (the Customer Access switch, Give
  Access, active customer and contact, a customer center role, a known and
  assigned website, a record of its own customer), which names the rule
  that denied;
- the **entities** are the account read through its own rules: its
  websites, customers, contacts, roles and logins, every reference resolved
  to the account's own entity by the lookups the engine uses (a role or an
  Assigned Website named in another case is the account's role or website).

Deny by default holds, and fails closed: a ``permit`` applies only when
every check holds, and Cedar skips a policy whose evaluation errors, so an
entity or attribute missing from a request denies the question (an unknown
login, feature, website or record owner included). Nothing here needs Cedar
itself; the text is written by this package and checked by Cedar's own
validator in the tests (``pip install 'ccroles[cedar]'`` brings ``cedarpy``).

A login is the entity ``Login::"<email>"`` with the email's key
(:func:`ccroles.names.email_key`), so that Cedar, which compares ids
exactly, finds it in any case; the login of
:class:`~ccroles.logins.LoginFacts` is ``Login::"customer <internal id>"``
or ``Login::"contact <contact id>"`` (no email has a space).
:func:`sign_in_question`, :func:`feature_question` and
:func:`record_question` build the requests, reading names as the engine
does; :func:`login_entities` gives the entities one login's questions need.

>>> from ccroles.accounts import Account, Customer
>>> account = Account(customers=[Customer("101", "ACME", email="AP@acme.example",
...                                       give_access=True, role="customer center")])
>>> export = to_cedar(account)
>>> print(export.policy("deny: Customer Access off"))
@id("deny: Customer Access off")
@rule("the account's Customer Access feature must be on")
forbid (principal, action, resource)
unless { principal.customer.account.customer_access };
>>> feature_question(account, "AP@acme.example", "make a payment").request["action"]
{'type': 'Action', 'id': 'feature: Make a Payment'}
"""

from typing import Final, TypeAlias

from ccroles.cedar import _export, _schema, _syntax
from ccroles.cedar._entities import login_entities, login_id
from ccroles.cedar._export import CedarExport, export_cedar, to_cedar
from ccroles.cedar._policies import policy_file_id
from ccroles.cedar._questions import (
    CedarQuestion,
    feature_question,
    record_question,
    sign_in_question,
)
from ccroles.cedar._syntax import feature_action, record_action

__all__ = [
    "ACCOUNT_ID",
    "ENTITIES_FILE",
    "POLICIES_DIRECTORY",
    "POLICIES_FILE",
    "SCHEMA_FILE",
    "SCHEMA_FORMATS",
    "SCHEMA_JSON_FILE",
    "SIGN_IN",
    "CedarExport",
    "CedarQuestion",
    "SchemaFormat",
    "export_cedar",
    "feature_action",
    "feature_question",
    "login_entities",
    "login_id",
    "policy_file_id",
    "record_action",
    "record_question",
    "sign_in_question",
    "to_cedar",
]

# The constants are bound here, where they are documented: Sphinx reads a
# constant's docstring in the module that assigns it.

SCHEMA_FILE: Final = _export.SCHEMA_FILE
"""The schema's file name in the export directory (Cedar's schema text)."""
SCHEMA_JSON_FILE: Final = _export.SCHEMA_JSON_FILE
"""The schema's file name when written in Cedar's JSON schema form."""
POLICIES_FILE: Final = _export.POLICIES_FILE
"""The file of all the policies in the export directory."""
POLICIES_DIRECTORY: Final = _export.POLICIES_DIRECTORY
"""The folder of the export directory holding one file per policy."""
ENTITIES_FILE: Final = _export.ENTITIES_FILE
"""The entities' file name in the export directory."""

ACCOUNT_ID: Final = _syntax.ACCOUNT_ID
"""The id of the one ``Account`` entity, the resource of sign-in and features."""
SIGN_IN: Final = _syntax.SIGN_IN
"""The action of the sign-in question."""

SchemaFormat: TypeAlias = _schema.SchemaFormat
"""The forms the schema is written in: Cedar's schema text, or its JSON form."""
SCHEMA_FORMATS: Final = _schema.SCHEMA_FORMATS
"""Every :data:`SchemaFormat`, the default (``"cedar"``) first."""
