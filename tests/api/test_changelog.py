"""The schema's version is the newest entry of the changelog in docs/api.md (its "Changelog of the
schema"), so a client reading the version can find what changed: a schema change made without its
changelog entry, or an entry without the version raised, fails here."""

from __future__ import annotations

import re
from pathlib import Path

from django.test import Client

DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"


def test_schema_version_is_the_newest_changelog_entry() -> None:
    text = DOC.read_text(encoding="utf-8")
    changelog = text.split("## Changelog of the schema", 1)[1]
    entries = re.findall(r"^### (\d+\.\d+\.\d+)\b", changelog, flags=re.MULTILINE)
    assert entries, "docs/api.md has no changelog entries"
    schema = Client().get("/api/v1/schema?format=json").json()
    assert schema["info"]["version"] == entries[0]
    # newest first, each entry once
    as_tuples = [tuple(int(n) for n in e.split(".")) for e in entries]
    assert as_tuples == sorted(set(as_tuples), reverse=True)
