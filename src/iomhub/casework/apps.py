from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "iomhub.casework"
    label = "casework"

    def ready(self) -> None:
        # Apps below casework read its record without naming it (ADR 0032): the policy whom a
        # partner organisation is involved with, cohort the timeline's evidence for the RAG regime
        # and the deregistration rules and the agencies an exit plan may keep. Casework installs the
        # readers, and the steps of the workflows that reach into the case: leaving IOM ends the
        # agencies' involvements; adoption opens the registration and carries the referral into the
        # case (``adoption``).
        from iomhub.access import holdings, subjects
        from iomhub.casework import adoption, agencies, selectors
        from iomhub.cohort import agencies as cohort_agencies
        from iomhub.cohort import evidence
        from iomhub.referrals import adoption as referrals_adoption

        subjects.install(involved=selectors.involved_with)
        holdings.install(holdings=selectors.held_by)
        evidence.install(last_home_visits=selectors.last_home_visits, deregistration_facts_many=selectors.deregistration_facts_many)
        cohort_agencies.install(involved=selectors.agencies_involved_by_name, end_on_exit=agencies.involvements_end_on_exit)
        referrals_adoption.install(adopted=adoption.referral_adopted)
