from django.apps import AppConfig


class CohortConfig(AppConfig):
    name = "iomhub.cohort"
    label = "cohort"

    def ready(self) -> None:
        # Apps below cohort read its registrations without naming it (ADR 0032): the Justice tab's
        # offending chart draws them, the one-referral-at-a-time rule asks who is on IOM now.
        # Cohort installs the readers.
        from iomhub.cohort.selectors import current_registrations, registration_periods
        from iomhub.justice import selectors as justice
        from iomhub.referrals import selectors as referrals

        justice.install(registration_periods=registration_periods)
        referrals.install(current_registrations=current_registrations)
