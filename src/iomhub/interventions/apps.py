from django.apps import AppConfig


class InterventionsConfig(AppConfig):
    name = "iomhub.interventions"
    label = "interventions"
    verbose_name = "Drug tests, DRR and ATR"

    def ready(self) -> None:
        from iomhub.interventions import signals  # noqa: F401 - connects the receiver
