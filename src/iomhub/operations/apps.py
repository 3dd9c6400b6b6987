from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _install_retention_rules(sender: Any, **kwargs: Any) -> None:
    """The default retention rules (ADR 0021), where none exists yet; a rule the IG lead changed is
    left as it is. Runs after ``migrate`` and ``flush`` like the offence catalogue."""
    from iomhub.operations.retention_rules import ensure_default_rules

    ensure_default_rules()


class OperationsConfig(AppConfig):
    name = "iomhub.operations"
    label = "operations"
    verbose_name = "Operations"

    def ready(self) -> None:
        post_migrate.connect(_install_retention_rules, sender=self, dispatch_uid="iomhub-retention-rules")
