from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "iomhub.notifications"
    label = "notifications"
