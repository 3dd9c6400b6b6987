from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "iomhub.reporting"
    label = "reporting"
