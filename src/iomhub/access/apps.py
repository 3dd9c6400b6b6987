from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "iomhub.access"
    label = "access"
    verbose_name = "Access and audit"

    def ready(self) -> None:
        from iomhub.access.api_times import write_timestamps_in_utc

        write_timestamps_in_utc()  # the API's one timestamp style (issue 17)
