from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "iomhub.web"
    label = "web"
