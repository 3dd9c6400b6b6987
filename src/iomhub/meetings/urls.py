from django.urls import path

from iomhub.meetings import views

app_name = "meetings"
urlpatterns = [
    path("", views.meetings, name="list"),
    path("new/", views.meeting_new, name="new"),
    path("<int:meeting_id>/", views.agenda, name="agenda"),
    path("<int:meeting_id>/attendees/new/", views.attendee_new, name="attendee-new"),
    path("<int:meeting_id>/circulated/", views.circulated, name="circulated"),
]
