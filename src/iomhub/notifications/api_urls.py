"""The outbox's routes in the JSON API (``/api/v1/outbox``), included by ``config.api_urls``."""

from django.urls import path

from iomhub.notifications import api

urlpatterns = [
    path("outbox", api.OutboxView.as_view(), name="api-outbox"),
    path("outbox/<int:notification_id>/retry", api.OutboxRetryView.as_view(), name="api-outbox-retry"),
]
