from django.urls import path

from iomhub.notifications import views

app_name = "notifications"
urlpatterns = [
    path("outbox/", views.outbox, name="outbox"),
    path("outbox/<int:notification_id>/retry/", views.retry, name="retry"),
]
