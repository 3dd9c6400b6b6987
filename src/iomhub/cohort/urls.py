from django.urls import path

from iomhub.cohort import views

app_name = "cohort"
urlpatterns = [
    path("", views.outstanding, name="outstanding"),
    path("registrations/<int:registration_id>/checklist/", views.checklist, name="checklist"),
    path("candidates/", views.candidates, name="candidates"),
    path("people/<int:person_id>/screening/", views.screening, name="screening"),
]
