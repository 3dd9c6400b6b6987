import importlib
from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _ensure_system_account(sender: Any, **kwargs: Any) -> None:
    """The ``system-feeds`` account (ADR 0014 §5), made by migration 0004; made again, the same
    way and with its audit event, after ``flush`` empties the tables (as the offence catalogue and
    the retention rules are), so it is there whenever the database is."""
    migration = importlib.import_module("iomhub.feeds.migrations.0004_system_feeds_account")
    migration.make_account(kwargs.get("apps") or sender.apps, None)


class FeedsConfig(AppConfig):
    name = "iomhub.feeds"
    label = "feeds"

    def ready(self) -> None:
        from iomhub.feeds import signals  # noqa: F401  (a Red Alert when a warrant is recorded)
        from iomhub.feeds.provenance import sources_for
        from iomhub.justice import selectors as justice

        justice.install_sources(sources=sources_for)  # where each record a feed wrote came from (ADR 0032)

        post_migrate.connect(_ensure_system_account, sender=self, dispatch_uid="iomhub-feeds-system-account")
