"""The Justice tab, included under people/<person_id>/justice/ (namespace people:justice)."""

from django.urls import path

from iomhub.justice import views

app_name = "justice"
urlpatterns = [
    path("", views.record, name="record"),
    path("<slug:kind>/new/", views.event_new, name="new"),
    path("warrants/<int:warrant_id>/executed/", views.warrant_executed, name="warrant-executed"),
    path("sentences/<int:sentence_id>/<slug:action>/", views.sentence_step, name="sentence-step"),
]
