"""The outbox's routes in the JSON API (``/api/v1/outbox``) and a person's agreement to reminders by
text (``/api/v1/people/{id}/text-reminders``), included by ``config.api_urls``."""

from django.urls import path

from iomhub.notifications import api

urlpatterns = [
    path("outbox", api.OutboxView.as_view(), name="api-outbox"),
    path("outbox/<int:notification_id>/retry", api.OutboxRetryView.as_view(), name="api-outbox-retry"),
    path("people/<int:person_id>/text-reminders", api.TextRemindersView.as_view(), name="api-text-reminders"),
]
