"""Production refuses to start without a field key of its own (ADR 0039); development uses a
published key that says what it is."""

from __future__ import annotations

from iomhub.crypto.keys import DEVELOPMENT_KEY, new_key
from tests.access.test_safe_defaults import refused, settings_with

PRODUCTION = {"SECRET_KEY": "x" * 50}


def _production(tmp_path, **env):
    return settings_with(tmp_path, DATABASE_URL=f"sqlite:///{tmp_path / 'x.sqlite3'}", **PRODUCTION, **env)


def test_production_refuses_to_start_without_a_field_key(tmp_path):
    assert refused(_production(tmp_path), "IOMHUB_FIELD_KEY must be set")


def test_production_refuses_the_published_development_key(tmp_path):
    assert refused(_production(tmp_path, IOMHUB_FIELD_KEY=DEVELOPMENT_KEY), "published development key")


def test_a_key_that_is_not_a_key_is_refused_by_name(tmp_path):
    assert refused(_production(tmp_path, IOMHUB_FIELD_KEY="not-a-key"), "IOMHUB_FIELD_KEY is not a key")
    assert refused(
        _production(tmp_path, IOMHUB_FIELD_KEY=new_key(), IOMHUB_FIELD_PREVIOUS_KEYS="short"), "IOMHUB_FIELD_PREVIOUS_KEYS is not a key"
    )


def test_production_starts_with_a_key_and_development_needs_none(tmp_path):
    assert _production(tmp_path, IOMHUB_FIELD_KEY=new_key()).returncode == 0
    assert settings_with(tmp_path, IOMHUB_ENV="dev").returncode == 0
