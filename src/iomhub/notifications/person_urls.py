"""The person's page for appointment reminders by text, under ``/people/<id>/text-reminders/``."""

from django.urls import path

from iomhub.notifications import views

app_name = "notifications-person"
urlpatterns = [path("", views.text_reminders, name="text-reminders")]
