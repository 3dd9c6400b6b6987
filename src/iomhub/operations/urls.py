from django.urls import path

from iomhub.operations import retention_views, sar_views

app_name = "operations"
urlpatterns = [
    path("retention/", retention_views.rule_list, name="retention"),
    path("retention/<int:rule_id>/", retention_views.rule_edit, name="retention-rule"),
    path("subject-access/", sar_views.request_list, name="sars"),
    path("subject-access/new/", sar_views.request_new, name="sar-new"),
    path("subject-access/<int:sar_id>/", sar_views.request_detail, name="sar"),
    path("subject-access/<int:sar_id>/decide/", sar_views.request_decide, name="sar-decide"),
    path("subject-access/<int:sar_id>/pack.pdf", sar_views.pack_pdf, name="sar-pdf"),
    path("subject-access/<int:sar_id>/pack.json", sar_views.pack_json, name="sar-json"),
]
