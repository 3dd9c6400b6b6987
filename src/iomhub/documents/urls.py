"""The Documents tab, included under people/<person_id>/documents/ (namespace people:documents)."""

from django.urls import path

from iomhub.documents import views

app_name = "documents"
urlpatterns = [
    path("", views.documents, name="list"),
    path("new/", views.upload, name="upload"),
    path("<int:document_id>/", views.download, name="download"),
]
