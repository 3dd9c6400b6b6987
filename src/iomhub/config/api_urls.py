"""The JSON API, version 1, with its OpenAPI schema and rendered documentation."""

from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.urls import include, path
from drf_spectacular.views import SpectacularSwaggerSplitView

from iomhub.access import account_api, agreement_api
from iomhub.access import api as access_api
from iomhub.access.routes import public
from iomhub.assessments import api as assessments_api
from iomhub.casework import api as casework_api
from iomhub.casework import api_caseloads as caseloads_api
from iomhub.casework import api_plan, api_timeline
from iomhub.cohort import api as cohort_api
from iomhub.cohort import api_candidates as cohort_candidates_api
from iomhub.config.api_schema import CachedSchemaView
from iomhub.documents import api as documents_api
from iomhub.feeds import api as feeds_api
from iomhub.feeds import api_reviews as feeds_reviews_api
from iomhub.interventions import api as interventions_api
from iomhub.justice import api as justice_api
from iomhub.justice import api_events as justice_events_api
from iomhub.justice import api_sentences as justice_sentences_api
from iomhub.meetings import api as meetings_api
from iomhub.operations import retention_api, sar_api
from iomhub.people import api as people_api
from iomhub.referrals import api as referrals_api
from iomhub.reporting import api as reporting_api
from iomhub.reporting import api_budget as budget_api

# The schema and its documentation describe the API, not anyone's data: readable without a token,
# so integrators can build against it. Generated once per process (api_schema).
schema_view = public(CachedSchemaView.as_view())
# Swagger UI (from drf-spectacular-sidecar, no CDN) with its start-up script served as a file,
# so scripts stay nonce/self only; it sets inline styles, allowed on this page alone.
# Redoc is not offered: it loads web fonts from a CDN.
docs_view = public(csp_update({"style-src": [UNSAFE_INLINE]})(SpectacularSwaggerSplitView.as_view(url_name="api-schema")))

urlpatterns = [
    path("schema", schema_view, name="api-schema"),
    path("docs", docs_view, name="api-docs"),
    path("people", people_api.PeopleView.as_view(), name="api-people"),
    path("people/<int:person_id>", people_api.PersonView.as_view(), name="api-person"),
    path("people/<int:person_id>/export", people_api.PersonExportView.as_view(), name="api-person-export"),
    path("people/<int:person_id>/justice", justice_api.JusticeRecordView.as_view(), name="api-justice"),
    path("people/<int:person_id>/justice/sentences", justice_sentences_api.SentencesView.as_view(), name="api-justice-sentences"),
    path("people/<int:person_id>/justice/overrides", justice_sentences_api.SentenceOverridesView.as_view(), name="api-justice-overrides"),
    path("people/<int:person_id>/justice/recalls", justice_api.RecallsView.as_view(), name="api-justice-recalls"),
    path("people/<int:person_id>/justice/breaches", justice_api.BreachesView.as_view(), name="api-justice-breaches"),
    path("people/<int:person_id>/justice/conditions", justice_sentences_api.ConditionsView.as_view(), name="api-justice-conditions"),
    # The rest of the justice record, the candidate list, screening and caseloads (issue 11 §4)
    path("people/<int:person_id>/justice/arrests", justice_events_api.ArrestsView.as_view(), name="api-justice-arrests"),
    path("people/<int:person_id>/justice/offences", justice_events_api.OffencesView.as_view(), name="api-justice-offences"),
    path("people/<int:person_id>/justice/outcomes", justice_events_api.CourtOutcomesView.as_view(), name="api-justice-outcomes"),
    path("people/<int:person_id>/justice/custody", justice_events_api.CustodyPeriodsView.as_view(), name="api-justice-custody"),
    path("people/<int:person_id>/justice/warrants", justice_events_api.WarrantsView.as_view(), name="api-justice-warrants"),
    path(
        "people/<int:person_id>/justice/warrants/<int:warrant_id>",
        justice_events_api.WarrantView.as_view(),
        name="api-justice-warrant",
    ),
    path("people/<int:person_id>/justice/mappa", justice_events_api.MappaView.as_view(), name="api-justice-mappa"),
    path("people/<int:person_id>/screening", cohort_candidates_api.ScreeningView.as_view(), name="api-person-screening"),
    path("candidates", cohort_candidates_api.CandidatesView.as_view(), name="api-candidates"),
    path("caseload", caseloads_api.CaseloadView.as_view(), name="api-caseload"),
    path("people/<int:person_id>/case", casework_api.CaseView.as_view(), name="api-case"),
    path("people/<int:person_id>/case/people", casework_api.CasePeopleView.as_view(), name="api-case-people"),
    path("people/<int:person_id>/case/safeguarding", casework_api.SafeguardingView.as_view(), name="api-case-safeguarding"),
    path(
        "people/<int:person_id>/case/agencies/<int:involvement_id>/end",
        casework_api.AgencyEndView.as_view(),
        name="api-case-agency-end",
    ),
    path("people/<int:person_id>/plan-actions", api_plan.PlanActionsView.as_view(), name="api-plan-actions"),
    path("people/<int:person_id>/plan-actions/<int:action_id>", api_plan.PlanActionView.as_view(), name="api-plan-action"),
    path("people/<int:person_id>/pathway-assessments", api_plan.AssessmentsView.as_view(), name="api-pathway-assessments"),
    path("people/<int:person_id>/timeline", api_timeline.TimelineView.as_view(), name="api-timeline"),
    path("people/<int:person_id>/drug-tests", interventions_api.DrugTestsView.as_view(), name="api-drug-tests"),
    path("people/<int:person_id>/treatment-orders", interventions_api.OrdersView.as_view(), name="api-treatment-orders"),
    path("people/<int:person_id>/treatment-orders/<int:order_id>", interventions_api.OrderView.as_view(), name="api-treatment-order"),
    path(
        "people/<int:person_id>/treatment-orders/<int:order_id>/reviews",
        interventions_api.OrderReviewsView.as_view(),
        name="api-treatment-order-reviews",
    ),
    path(
        "people/<int:person_id>/treatment-orders/<int:order_id>/report",
        interventions_api.OrderReportView.as_view(),
        name="api-treatment-order-report",
    ),
    path("people/<int:person_id>/documents", documents_api.DocumentsView.as_view(), name="api-documents"),
    path("people/<int:person_id>/documents/<int:document_id>", documents_api.DocumentView.as_view(), name="api-document"),
    path("people/<int:person_id>/documents/<int:document_id>/file", documents_api.DocumentFileView.as_view(), name="api-document-file"),
    # The health and substance-misuse instruments (issue 12 part 1)
    path("people/<int:person_id>/alcohol-screenings", assessments_api.ScreeningsView.as_view(), name="api-alcohol-screenings"),
    path("people/<int:person_id>/brief-advice", assessments_api.AdviceView.as_view(), name="api-brief-advice"),
    path("people/<int:person_id>/dash-checklists", assessments_api.ChecklistsView.as_view(), name="api-dash-checklists"),
    path(
        "people/<int:person_id>/dash-checklists/<int:checklist_id>/marac-referral",
        assessments_api.MaracView.as_view(),
        name="api-marac-referral",
    ),
    path(
        "people/<int:person_id>/treatment-outcomes-profiles",
        assessments_api.ProfilesView.as_view(),
        name="api-treatment-outcomes-profiles",
    ),
    path("referrals", referrals_api.ReferralsView.as_view(), name="api-referrals"),
    path("referrals/<int:referral_id>", referrals_api.ReferralView.as_view(), name="api-referral"),
    path("referrals/<int:referral_id>/decision", referrals_api.ReferralDecisionView.as_view(), name="api-referral-decision"),
    path("registrations/<int:registration_id>", cohort_api.RegistrationView.as_view(), name="api-registration"),
    path("registrations/<int:registration_id>/rag", cohort_api.RagView.as_view(), name="api-registration-rag"),
    path("registrations/<int:registration_id>/reviews", cohort_api.ReviewsView.as_view(), name="api-registration-reviews"),
    path("registrations/<int:registration_id>/deregistration", cohort_api.DeregistrationView.as_view(), name="api-deregistration"),
    path("registrations/<int:registration_id>/removal", cohort_api.RemovalChecklistView.as_view(), name="api-removal"),
    path("people/<int:person_id>/transfers", cohort_api.PersonTransfersView.as_view(), name="api-person-transfers"),
    path("transfers/<int:transfer_id>", cohort_api.TransferView.as_view(), name="api-transfer"),
    path("red-alerts", cohort_api.RedAlertsView.as_view(), name="api-red-alerts"),
    path("organisations", access_api.OrganisationsView.as_view(), name="api-organisations"),
    path("organisations/<int:organisation_id>", access_api.OrganisationView.as_view(), name="api-organisation"),
    path(
        "organisations/<int:organisation_id>/sharing-agreement",
        agreement_api.AgreementView.as_view(),
        name="api-sharing-agreement",
    ),
    path("retention-rules", retention_api.RetentionRulesView.as_view(), name="api-retention-rules"),
    path("retention-rules/<int:rule_id>", retention_api.RetentionRuleView.as_view(), name="api-retention-rule"),
    path("subject-access-requests", sar_api.RequestsView.as_view(), name="api-sars"),
    path("subject-access-requests/<int:sar_id>", sar_api.RequestView.as_view(), name="api-sar"),
    path("subject-access-requests/<int:sar_id>/pack", sar_api.PackView.as_view(), name="api-sar-pack"),
    path("subject-access-requests/<int:sar_id>/decisions", sar_api.DecisionsView.as_view(), name="api-sar-decisions"),
    path("users", account_api.UsersView.as_view(), name="api-users"),
    path("users/me", access_api.MeView.as_view(), name="api-me"),
    path("users/<int:user_id>", account_api.UserView.as_view(), name="api-user"),
    path("users/<int:user_id>/disable", account_api.UserDisableView.as_view(), name="api-user-disable"),
    path("users/<int:user_id>/enable", account_api.UserEnableView.as_view(), name="api-user-enable"),
    path("users/<int:user_id>/sign-in-reset", account_api.UserSignInResetView.as_view(), name="api-user-sign-in-reset"),
    path("tokens", access_api.ApiTokensView.as_view(), name="api-tokens"),
    path("tokens/<int:token_id>", access_api.ApiTokenView.as_view(), name="api-token"),
    path("reports/overview", reporting_api.OverviewView.as_view(), name="api-report-overview"),
    path("reports/quarterly", reporting_api.QuarterlyView.as_view(), name="api-report-quarterly"),
    path("reports/reoffending", reporting_api.ReoffendingView.as_view(), name="api-report-reoffending"),
    path("reports/comparison", reporting_api.ComparisonView.as_view(), name="api-report-comparison"),
    path("reports/runs", reporting_api.RunsView.as_view(), name="api-report-runs"),
    path("reports/runs/<int:run_id>", reporting_api.RunView.as_view(), name="api-report-run"),
    path("reports/budget-returns", budget_api.BudgetReturnsView.as_view(), name="api-budget-returns"),
    path("reports/budget-returns/<int:return_id>", budget_api.BudgetReturnView.as_view(), name="api-budget-return"),
    # Feed imports, in the background (issue 11 §1, §7)
    path("imports", feeds_api.ImportsView.as_view(), name="api-imports"),
    path("imports/<int:import_run_id>", feeds_api.ImportView.as_view(), name="api-import"),
    path("imports/<int:import_run_id>/errors", feeds_api.ImportErrorsView.as_view(), name="api-import-errors"),
    # The linkage review queue (issue 11 §3)
    path("link-reviews", feeds_reviews_api.LinkReviewsView.as_view(), name="api-link-reviews"),
    path("link-reviews/<int:link_review_id>", feeds_reviews_api.LinkReviewView.as_view(), name="api-link-review"),
    path(
        "link-reviews/<int:link_review_id>/decision",
        feeds_reviews_api.LinkReviewDecisionView.as_view(),
        name="api-link-review-decision",
    ),
    # The outbox of failed messages, for administrators (issue 11 §6)
    path("", include("iomhub.notifications.api_urls")),
    path("meetings/<int:meeting_id>/record", meetings_api.RecordView.as_view(), name="api-meeting-record"),
    path("meetings/<int:meeting_id>/record-sheets", meetings_api.SheetsView.as_view(), name="api-meeting-sheets"),
    path("meetings/<int:meeting_id>/decisions", meetings_api.DecisionsView.as_view(), name="api-meeting-decisions"),
    path("meetings/<int:meeting_id>/actions", meetings_api.ActionsView.as_view(), name="api-meeting-actions"),
    path("meetings/<int:meeting_id>/written-updates", meetings_api.WrittenUpdatesView.as_view(), name="api-meeting-written-updates"),
    path("meetings/<int:meeting_id>/close", meetings_api.CloseView.as_view(), name="api-meeting-close"),
]
