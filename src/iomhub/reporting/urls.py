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
    path("runs/", views.runs, name="runs"),
    path("budget/", views.budget_return, name="budget"),
    path("budget-template.xlsx", views.budget_template, name="budget-template"),
    path("runs/<int:run_id>/", views.run, name="run"),
    path("runs/<int:run_id>/download", views.run_download, name="run-download"),
    path("evaluation-extract.zip", views.evaluation_extract, name="evaluation-extract"),
]
