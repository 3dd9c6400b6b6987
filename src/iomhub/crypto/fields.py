"""Model fields whose values are encrypted in the database (ADR 0039).

The column is text holding ``enc:v1:<key id>:<token>``; the model, the forms, the serializers and
every page see the clear text. A sealed value is different every time it is written (a fresh IV),
so the database cannot compare, search or sort on it: the only lookups allowed are "is empty"
(``field=""``) and ``isnull``; anything else raises ``FieldError`` naming the field rather than
silently matching nothing.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import FieldError
from django.db import models
from django.db.models.lookups import Exact, IsNull

from iomhub.crypto.keys import decrypt, encrypt


class _EmptyOnly(Exact):  # type: ignore[type-arg]
    """``field=""`` (the empty string is stored as itself); any other value cannot be matched."""

    def get_prep_lookup(self) -> Any:
        if self.rhs != "":
            raise FieldError(f"{self.lhs.target.model.__name__}.{self.lhs.target.name} is encrypted: it can be compared only with ''")
        return super().get_prep_lookup()


class EncryptedTextField(models.TextField):  # type: ignore[type-arg]
    description = "Text encrypted at rest (ADR 0039)"

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        return value if not value else decrypt(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        return value if not value else encrypt(value)

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name == "exact":
            return _EmptyOnly
        if lookup_name == "isnull":
            return IsNull
        raise FieldError(f"{self.model.__name__}.{self.name} is encrypted: it cannot be searched or compared ({lookup_name})")


class EncryptedCharField(EncryptedTextField):
    """The same, shown as a one-line input (what a ``CharField`` was) by a model form."""

    def formfield(self, form_class: Any = None, choices_form_class: Any = None, **kwargs: Any) -> Any:
        return super().formfield(form_class=form_class, choices_form_class=choices_form_class, **{"widget": forms.TextInput, **kwargs})
