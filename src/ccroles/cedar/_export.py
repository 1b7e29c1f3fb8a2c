"""The export itself: an account's schema, policies and entities, and its files."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Final

import attrs

from ccroles.cedar._entities import all_entities, json_lines
from ccroles.cedar._policies import policy_file_id, policy_texts
from ccroles.cedar._schema import SCHEMA_FORMATS, schema_json, schema_text
from ccroles.cedar._syntax import HEADER, CedarNames, check_namespace
from ccroles.exceptions import DuplicateNameError, InvalidFieldError
from ccroles.features import FEATURES
from ccroles.writing import write_atomically

if TYPE_CHECKING:
    import os

    from ccroles.accounts import Account
    from ccroles.cedar._schema import SchemaFormat
    from ccroles.features import FeatureCatalogue

__all__ = [
    "ENTITIES_FILE",
    "POLICIES_DIRECTORY",
    "POLICIES_FILE",
    "SCHEMA_FILE",
    "SCHEMA_JSON_FILE",
    "CedarExport",
    "export_cedar",
    "to_cedar",
]

SCHEMA_FILE: Final = "ccroles.cedarschema"
"""The schema's file name in the export directory (Cedar's schema text)."""
SCHEMA_JSON_FILE: Final = "ccroles.cedarschema.json"
"""The schema's file name when written in Cedar's JSON schema form."""
POLICIES_FILE: Final = "ccroles.cedar"
"""The file of all the policies in the export directory."""
POLICIES_DIRECTORY: Final = "policies"
"""The folder of the export directory holding one file per policy."""
ENTITIES_FILE: Final = "entities.json"
"""The entities' file name in the export directory."""


@attrs.frozen
class CedarExport:
    """An account's rules in Cedar: schema (two forms), policies, entities.

    Attributes:
        schema: The Cedar schema (human-readable schema format).
        schema_json: The same schema in Cedar's JSON schema form.
        policies: The Cedar policies, one per rule, each with an ``@id``.
        entities: The account's entities, as Cedar's entities JSON (one
            entity a line).
        policy_texts: Each policy's ``@id`` and text, in the order of
            :attr:`policies`.
    """

    schema: str
    schema_json: str
    policies: str
    entities: str
    policy_texts: tuple[tuple[str, str], ...]

    def policy(self, rule_id: str) -> str:
        """The text of the policy whose ``@id`` is *rule_id*.

        Raises:
            KeyError: No policy has that id.
        """
        return dict(self.policy_texts)[rule_id]

    def policy_files(self) -> dict[str, str]:
        """Each policy's stable id (:func:`policy_file_id`) to its text.

        Raises:
            DuplicateNameError: Two policies get the same id (two features
                whose names differ only in punctuation).
        """
        files: dict[str, str] = {}
        for rule_id, text in self.policy_texts:
            file_id = policy_file_id(rule_id)
            if file_id in files:
                raise DuplicateNameError("Cedar policy id", file_id)
            files[file_id] = HEADER + "\n" + text + "\n"
        return files

    def files(self, schema_format: SchemaFormat = "cedar") -> dict[str, str]:
        """File path (relative to the export directory) to text, as written.

        The schema in *schema_format*, all the policies in one file and each
        in its own under :data:`POLICIES_DIRECTORY`, and the entities.

        Raises:
            InvalidFieldError: *schema_format* is not one of
                :data:`SCHEMA_FORMATS`.
            DuplicateNameError: See :meth:`policy_files`.
        """
        given: object = schema_format  # a caller may pass anything
        if not (isinstance(given, str) and given in SCHEMA_FORMATS):
            raise InvalidFieldError(
                "Cedar export",
                "schema_format",
                given,
                expected=" or ".join(map(repr, SCHEMA_FORMATS)),
            )
        schema = (
            {SCHEMA_JSON_FILE: self.schema_json}
            if schema_format == "json"
            else {SCHEMA_FILE: self.schema}
        )
        return {
            **schema,
            POLICIES_FILE: self.policies,
            **{
                f"{POLICIES_DIRECTORY}/{file_id}.cedar": text
                for file_id, text in self.policy_files().items()
            },
            ENTITIES_FILE: self.entities,
        }

    def write(
        self,
        directory: str | os.PathLike[str],
        *,
        schema_format: SchemaFormat = "cedar",
    ) -> tuple[Path, ...]:
        """Write the files of :meth:`files` into *directory* (created if missing).

        Each file is written beside its target and renamed over it
        (:func:`ccroles.writing.write_atomically`), so a reader never sees
        half a file.

        Returns:
            The paths written, in the order of :meth:`files`.

        Raises:
            OSError: The directory or a file cannot be written.
            InvalidFieldError: See :meth:`files`; nothing is written.
            DuplicateNameError: See :meth:`policy_files`.
        """
        folder = Path(directory)
        files = self.files(schema_format)
        (folder / POLICIES_DIRECTORY).mkdir(parents=True, exist_ok=True)
        written = []
        for name, text in files.items():
            path = folder / name
            write_atomically(path, text)
            written.append(path)
        return tuple(written)


def to_cedar(
    account: Account,
    features: FeatureCatalogue = FEATURES,
    *,
    namespace: str | None = None,
) -> CedarExport:
    """Write *account*'s rules in Cedar: schema, policies and entities.

    The output depends only on the account, *features* and *namespace*:
    exporting twice gives identical text. With a *namespace* (``Shop``),
    every entity type and action is declared in it and named with it
    (``Shop::Login``, ``Shop::Action::"sign in"``).

    Raises:
        UntranslatableRequirementError: A feature's requirement is of a kind
            the export cannot write in Cedar.
        InvalidFieldError: *namespace* is not a Cedar name.
    """
    namespace = check_namespace(namespace)
    names = CedarNames(namespace)
    policies = policy_texts(names, features)
    return CedarExport(
        schema=schema_text(features, namespace),
        schema_json=schema_json(features, namespace),
        policies="\n\n".join([HEADER.rstrip("\n"), *(t for _, t in policies)]) + "\n",
        entities=json_lines(all_entities(names, account)),
        policy_texts=policies,
    )


def export_cedar(
    account: Account,
    directory: str | os.PathLike[str],
    features: FeatureCatalogue = FEATURES,
    *,
    namespace: str | None = None,
    schema_format: SchemaFormat = "cedar",
) -> CedarExport:
    """Write *account*'s rules in Cedar into *directory*, and return them.

    The files are those of :meth:`CedarExport.files`; see :func:`to_cedar`
    and :meth:`CedarExport.write`.

    Raises:
        UntranslatableRequirementError: See :func:`to_cedar`.
        InvalidFieldError: *namespace* is not a Cedar name, or
            *schema_format* is not a schema format (nothing is written).
        OSError: The directory or a file cannot be written.
    """
    export = to_cedar(account, features, namespace=namespace)
    export.write(directory, schema_format=schema_format)
    return export
