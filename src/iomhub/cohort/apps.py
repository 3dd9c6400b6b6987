from django.apps import AppConfig


class CohortConfig(AppConfig):
    name = "iomhub.cohort"
    label = "cohort"
