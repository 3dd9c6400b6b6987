from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "iomhub.casework"
    label = "casework"
