from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "iomhub.documents"
    label = "documents"
    verbose_name = "Documents"
