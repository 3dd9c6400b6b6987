from django.urls import path

from iomhub.reporting import views

app_name = "reporting"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("quarterly/", views.quarterly, name="quarterly"),
    path("quarterly.csv", views.quarterly_csv, name="quarterly-csv"),
    path("quarterly.xlsx", views.quarterly_xlsx, name="quarterly-xlsx"),
    path("quarterly.pdf", views.quarterly_pdf, name="quarterly-pdf"),
    path("quarterly/people/", views.people, name="people"),
    path("reoffending/", views.reoffending, name="reoffending"),
    path("comparison/", views.comparison, name="comparison"),
    path("evaluation-extract.zip", views.evaluation_extract, name="evaluation-extract"),
]
