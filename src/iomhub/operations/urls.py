from django.urls import path

from iomhub.operations import retention_views

app_name = "operations"
urlpatterns = [
    path("retention/", retention_views.rule_list, name="retention"),
    path("retention/<int:rule_id>/", retention_views.rule_edit, name="retention-rule"),
]
