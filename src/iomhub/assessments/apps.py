from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "iomhub.assessments"
    label = "assessments"
    verbose_name = "Health and substance-misuse instruments"
