"""The Interventions tab, included under people/<person_id>/interventions/ (namespace people:interventions)."""

from django.urls import path

from iomhub.interventions import views

app_name = "interventions"
urlpatterns = [
    path("", views.interventions, name="list"),
    path("drug-tests/new/", views.drug_test_new, name="drug-test-new"),
    path("drug-tests/<int:test_id>/", views.drug_test, name="drug-test"),
    path("orders/new/", views.order_new, name="order-new"),
    path("orders/<int:order_id>/", views.order, name="order"),
    path("orders/<int:order_id>/reviews/new/", views.review_new, name="review-new"),
    path("orders/<int:order_id>/report/", views.report_new, name="report-new"),
]
