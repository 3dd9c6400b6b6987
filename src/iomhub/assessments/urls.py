"""The health and substance-misuse instruments, under people/<person_id>/health/ (namespace
assessments; issue 12 part 1)."""

from django.urls import path

from iomhub.assessments import views

app_name = "assessments"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("alcohol/new/", views.alcohol_new, name="alcohol-new"),
    path("alcohol/<int:screening_id>/", views.alcohol, name="alcohol"),
    path("brief-advice/new/", views.advice_new, name="advice-new"),
    path("dash/new/", views.dash_new, name="dash-new"),
    path("dash/<int:checklist_id>/", views.dash, name="dash"),
    path("dash/<int:checklist_id>/marac/", views.marac_new, name="marac-new"),
    path("top/new/", views.top_new, name="top-new"),
]
