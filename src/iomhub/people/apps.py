from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "iomhub.people"
    label = "people"
