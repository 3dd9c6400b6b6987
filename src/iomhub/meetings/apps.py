from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "iomhub.meetings"
    label = "meetings"
