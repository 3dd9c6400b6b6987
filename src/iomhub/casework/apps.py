from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "iomhub.casework"
    label = "casework"

    def ready(self) -> None:
        # The policy reads whom a partner organisation is involved with from casework's record
        # without naming casework (it sits below it): casework installs the reader (ADR 0032).
        from iomhub.access import subjects
        from iomhub.casework.selectors import involved_with

        subjects.install(involved=involved_with)
