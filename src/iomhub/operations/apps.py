from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "iomhub.operations"
    label = "operations"
    verbose_name = "Operations"
