from django.apps import AppConfig


class CohortConfig(AppConfig):
    name = "iomhub.cohort"
    label = "cohort"

    def ready(self) -> None:
        # The Justice tab's offending chart draws the person's IOM registrations, cohort's record,
        # without justice naming cohort (it sits below it): cohort installs the reader (ADR 0032).
        from iomhub.cohort.selectors import registration_periods
        from iomhub.justice import selectors as justice

        justice.install(registration_periods=registration_periods)
