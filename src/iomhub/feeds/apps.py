from django.apps import AppConfig


class FeedsConfig(AppConfig):
    name = "iomhub.feeds"
    label = "feeds"

    def ready(self) -> None:
        from iomhub.feeds import signals  # noqa: F401  (a Red Alert when a warrant is recorded)
