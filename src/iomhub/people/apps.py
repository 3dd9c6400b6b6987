from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "iomhub.people"
    label = "people"

    def ready(self) -> None:
        # The audit log's viewer hides restricted people from readers not named on them; which
        # people are restricted is the people app's record, so it installs the reader (ADR 0032).
        from iomhub.access import subjects
        from iomhub.people.selectors import restricted_among

        subjects.install(restricted=restricted_among)
