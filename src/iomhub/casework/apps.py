from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "iomhub.casework"
    label = "casework"

    def ready(self) -> None:
        # Apps below casework read its record without naming it (ADR 0032): the policy whom a
        # partner organisation is involved with, cohort the timeline's evidence for the RAG regime
        # and the deregistration rules. Casework installs the readers.
        from iomhub.access import subjects
        from iomhub.casework import selectors
        from iomhub.cohort import evidence

        subjects.install(involved=selectors.involved_with)
        evidence.install(last_home_visits=selectors.last_home_visits, deregistration_facts_many=selectors.deregistration_facts_many)
