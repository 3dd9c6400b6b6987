from django.apps import AppConfig


class ShellConfig(AppConfig):
    name = "iomhub.shell"
    label = "shell"
