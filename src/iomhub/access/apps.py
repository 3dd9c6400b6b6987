from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "iomhub.access"
    label = "access"
    verbose_name = "Access and audit"
