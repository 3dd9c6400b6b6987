from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _sync_offence_catalogue(sender: AppConfig, using: str = "default", **kwargs: Any) -> None:
    """Keep the offence catalogue (reference data shipped in ``offence_codes.csv``) in the database
    after every ``migrate`` and after every test flush, as Django does for content types. A data
    migration alone runs once, so a database emptied by ``flush`` (transactional tests) would
    lose it."""
    from iomhub.justice import catalogue
    from iomhub.justice.models import OffenceCode

    catalogue.sync(OffenceCode, using=using)


class JusticeConfig(AppConfig):
    name = "iomhub.justice"
    label = "justice"
    verbose_name = "Justice record"

    def ready(self) -> None:
        post_migrate.connect(_sync_offence_catalogue, sender=self, dispatch_uid="iomhub.justice.catalogue")
