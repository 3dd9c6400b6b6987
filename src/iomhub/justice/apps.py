from django.apps import AppConfig


class JusticeConfig(AppConfig):
    name = "iomhub.justice"
    label = "justice"
    verbose_name = "Justice record"
