"""Asking Cedar (through cedarpy) the questions of an exported account."""

from __future__ import annotations

import functools
import json
from typing import TYPE_CHECKING

import cedarpy

if TYPE_CHECKING:
    from collections.abc import Sequence

    from ccroles.cedar import CedarExport, CedarQuestion


@functools.cache
def _parsed(schema: str, policies: str) -> tuple[cedarpy.Schema, cedarpy.PolicySet]:
    """Schema and policies parsed once per text (every account shares them)."""
    return cedarpy.Schema.from_str(schema), cedarpy.PolicySet.from_str(policies)


class Cedar:
    """One exported account, loaded into Cedar: schema, policies, entities.

    The entities are checked against the schema when they are loaded, and the
    requests when they are asked (an unknown action is then refused, which
    Cedar reports as no decision: not allowed).
    """

    def __init__(self, export: CedarExport, *, validate_requests: bool = True) -> None:
        """Parse the export; ``ValueError`` when the entities break the schema."""
        self.schema, self.policies = _parsed(export.schema, export.policies)
        self.entities = cedarpy.Entities.from_json_str(export.entities, self.schema)
        self.request_schema = self.schema if validate_requests else None

    def results(self, questions: Sequence[CedarQuestion]) -> list[cedarpy.AuthzResult]:
        """Cedar's results for *questions*, in one batch."""
        brought = [entity for question in questions for entity in question.entities]
        entities = self.entities
        if brought:
            entities = entities.with_added_json_str(json.dumps(brought), self.schema)
        requests = [dict(question.request) for question in questions]
        return cedarpy.is_authorized_batch(
            requests, self.policies, entities, self.request_schema
        )

    def allows(self, questions: Sequence[CedarQuestion]) -> list[bool]:
        """Whether Cedar allows each of *questions* (one batch)."""
        return [result.allowed for result in self.results(questions)]

    def allows_one(self, question: CedarQuestion) -> bool:
        """Whether Cedar allows *question*."""
        return self.allows([question])[0]


def fired(result: cedarpy.AuthzResult) -> list[str]:
    """The ``@id`` of each policy that decided *result* (Cedar's own reasons)."""
    ids = result.diagnostics.id_annotations_by_reason
    return sorted(ids.get(reason, reason) for reason in result.diagnostics.reasons)
