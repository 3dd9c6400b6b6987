"""Every row in the database about a person, found by model metadata (issue 13 §3, §4).

Like the merge (``people.merging.person_links``), nothing here names an app: starting from the
person, every model with a foreign key (or one-to-one) to a row already found contributes its rows
that point there, recursively, so an offence found through the person brings its court outcome, a
registration its RAG history and deregistration, and a model another app adds later is included
without changing this module. Only *reverse* relations are followed (rows pointing at what was
found), never forward ones (an arrest's custody suite organisation is not about the person).
A duplicate merged into the person is the same human, so it and its rows are included too.

The audit log refers to people by id, not by foreign key: it is read separately (``person_id``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import models

from iomhub.people.models import Person

CHUNK = 500  # ids per IN (...) clause: inside SQLite's and PostgreSQL's parameter limits


@dataclass
class PersonRows:
    """Primary keys by model, in the order the models were reached (parents before children)."""

    rows: dict[type[models.Model], list[Any]] = field(default_factory=dict)

    def add(self, model: type[models.Model], pks: Iterable[Any]) -> list[Any]:
        known = set(self.rows.get(model, []))
        new = sorted({pk for pk in pks if pk not in known}, key=str)
        if new:
            self.rows.setdefault(model, []).extend(new)
        return new

    def counts(self) -> dict[str, int]:
        return {model._meta.label_lower: len(pks) for model, pks in self.rows.items()}

    @property
    def total(self) -> int:
        return sum(len(pks) for pks in self.rows.values())


def reverse_links(model: type[models.Model]) -> list[tuple[type[models.Model], str]]:
    """(model, field) for every foreign key or one-to-one that points at ``model``, hidden ones and
    many-to-many tables included."""
    links = []
    for rel in model._meta.get_fields(include_hidden=True):
        if not (rel.is_relation and rel.auto_created and not rel.concrete) or rel.many_to_many:
            continue
        related: Any = rel.related_model
        links.append((related, rel.field.name))  # type: ignore[union-attr]
    return sorted(links, key=lambda link: (link[0]._meta.label_lower, link[1]))


def _chunks(values: list[Any]) -> Iterable[list[Any]]:
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


def rows_about(person_ids: Iterable[int]) -> PersonRows:
    """Every row about the given people: the people themselves and everything reached from them."""
    found = PersonRows()
    queue: list[tuple[type[models.Model], list[Any]]] = [(Person, found.add(Person, person_ids))]
    while queue:
        model, pks = queue.pop(0)
        for related, field_name in reverse_links(model):
            for chunk in _chunks(pks):
                hits = related._base_manager.filter(**{f"{field_name}__in": chunk}).values_list("pk", flat=True)
                new = found.add(related, list(hits))
                if new:
                    queue.append((related, new))
    return found
