"""The Timeline, Plan and Assessments tabs, included under people/<person_id>/ (namespace
people:casework)."""

from django.urls import path

from iomhub.casework import views

app_name = "casework"
urlpatterns = [
    path("plan/", views.plan, name="plan"),
    path("plan/people/", views.case_people, name="case-people"),
    path("plan/safeguarding/", views.safeguarding, name="safeguarding"),
    path("plan/agencies/new/", views.agency_new, name="agency-new"),
    path("plan/agencies/<int:involvement_id>/contacts/new/", views.contact_new, name="contact-new"),
    path("plan/agencies/<int:involvement_id>/end/", views.agency_end, name="agency-end"),
    path("plan/actions/new/", views.action_new, name="action-new"),
    path("plan/actions/<int:action_id>/", views.action_update, name="action-update"),
    path("assessments/", views.assessments, name="assessments"),
    path("assessments/new/", views.assessment_new, name="assessment-new"),
    path("timeline/", views.timeline, name="timeline"),
    path("timeline/new/", views.entry_new, name="entry-new"),
    path("timeline/<int:entry_id>/outcome/", views.entry_outcome, name="entry-outcome"),
]
