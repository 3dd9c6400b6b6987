from django.apps import AppConfig


class FeedsConfig(AppConfig):
    name = "iomhub.feeds"
    label = "feeds"
