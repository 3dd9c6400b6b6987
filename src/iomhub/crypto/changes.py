"""The audit log's before/after of an encrypted field, sealed too (ADR 0039).

An audit event of a change records what changed, field by field. For the fields that are encrypted
in their own table, the value recorded in ``AuditEvent.changes`` is sealed the same way (the JSON of
the value, as ``enc:v1:<key id>:…``), so the audit log holds no special-category text in clear
either. Which keys are sealed is read from the models: every encrypted field of a model whose
audit events carry its ``AUDIT_TYPE`` (or, without one, its model name, as for the person).
``open_changes`` opens them again for the one page that shows changes (the IG lead's audit log).
"""

from __future__ import annotations

import functools
import json
from typing import Any

from django.apps import apps

from iomhub.crypto.fields import EncryptedTextField
from iomhub.crypto.keys import decrypt, encrypt, sealed_with


@functools.cache
def sealed_keys() -> dict[str, frozenset[str]]:
    """Audit object type -> the change keys whose values are sealed."""
    found: dict[str, set[str]] = {}
    for model in apps.get_models():
        names = {f.name for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)}
        if names:
            kind = str(getattr(model, "AUDIT_TYPE", None) or model._meta.model_name)
            found.setdefault(kind, set()).update(names)
    return {kind: frozenset(names) for kind, names in found.items()}


def seal_changes(object_type: str, changes: dict[str, Any]) -> dict[str, Any]:
    keys = sealed_keys().get(object_type)
    if not keys:
        return changes
    return {k: encrypt(json.dumps(v)) if k in keys and v not in (None, "", [], {}) else v for k, v in changes.items()}


def open_changes(changes: dict[str, Any]) -> dict[str, Any]:
    return {k: json.loads(decrypt(v)) if isinstance(v, str) and sealed_with(v) else v for k, v in changes.items()}
