from django.urls import path

from iomhub.cohort import views

app_name = "cohort"
urlpatterns = [
    path("", views.outstanding, name="outstanding"),
    path("registrations/<int:registration_id>/", views.registration, name="registration"),
    path("registrations/<int:registration_id>/checklist/", views.checklist, name="checklist"),
    path("registrations/<int:registration_id>/rag/", views.rag, name="rag"),
    path("registrations/<int:registration_id>/review/", views.review, name="review"),
    path("registrations/<int:registration_id>/circumstances/", views.circumstances, name="circumstances"),
    path("registrations/<int:registration_id>/deregister/", views.deregister, name="deregister"),
    path("registrations/<int:registration_id>/removal/", views.removal, name="removal"),
    path("red-alerts/", views.red_alerts, name="red-alerts"),
    path("transfers/", views.transfers, name="transfers"),
    path("transfers/<int:transfer_id>/", views.transfer, name="transfer"),
    path("transfers/<int:transfer_id>/<slug:transfer_step>/", views.transfer_step, name="transfer-step"),
    path("people/<int:person_id>/transfers/new/", views.transfer_new, name="transfer-new"),
    path("candidates/", views.candidates, name="candidates"),
    path("area/", views.area, name="area"),
    path("area/teams/<int:team_id>/", views.area_team, name="area-team"),
    path("people/<int:person_id>/screening/", views.screening, name="screening"),
]
