"""Every read of a case goes through here: authorised by the one policy and audited.

The reads are split by what they read (ADR 0034): ``case`` (the case, its agencies and the needs
assessments), ``plan`` (the plan's actions a reader may see), ``timeline``, ``evidence`` (the
timeline's evidence for the RAG regime and the deregistration rules) and ``caseload`` (the
dashboard's people and actions, and the work an account holds); this package is their one public
name, ``iomhub.casework.selectors``.
"""

from iomhub.casework.selectors.case import (
    CaseView,
    PathwayChange,
    agencies_involved,
    agencies_involved_by_name,
    assessments_for,
    case_for,
    case_record_or_new,
    involved_with,
    involvement_for,
    leads_case,
    pathway_changes,
    person_for_change,
)
from iomhub.casework.selectors.caseload import (
    COORDINATING_ROLES,
    actions_due,
    actions_later,
    appointments_ahead,
    held_by,
    lead_worker_problems,
    lead_worker_problems_among,
    open_actions,
    overdue_actions,
    people_led_by,
    people_without_lead,
    safeguarding_completeness,
)
from iomhub.casework.selectors.evidence import deregistration_facts, deregistration_facts_many, last_home_visit, last_home_visits
from iomhub.casework.selectors.plan import (
    active_organisation,
    agencies_for_actions,
    plan_action_for,
    plan_action_shown,
    plan_actions_shown,
    plan_for,
)
from iomhub.casework.selectors.timeline import (
    DRUG_TEST_HEALTH_FIELDS,
    own_force_number,
    project_entries,
    timeline_entry_for,
    timeline_for,
)

__all__ = [
    "COORDINATING_ROLES",
    "DRUG_TEST_HEALTH_FIELDS",
    "CaseView",
    "PathwayChange",
    "actions_due",
    "actions_later",
    "active_organisation",
    "agencies_for_actions",
    "agencies_involved",
    "agencies_involved_by_name",
    "appointments_ahead",
    "assessments_for",
    "case_for",
    "case_record_or_new",
    "deregistration_facts",
    "deregistration_facts_many",
    "held_by",
    "involved_with",
    "involvement_for",
    "last_home_visit",
    "last_home_visits",
    "lead_worker_problems",
    "lead_worker_problems_among",
    "leads_case",
    "open_actions",
    "overdue_actions",
    "own_force_number",
    "pathway_changes",
    "people_led_by",
    "people_without_lead",
    "person_for_change",
    "plan_action_for",
    "plan_action_shown",
    "plan_actions_shown",
    "plan_for",
    "project_entries",
    "safeguarding_completeness",
    "timeline_entry_for",
    "timeline_for",
]
