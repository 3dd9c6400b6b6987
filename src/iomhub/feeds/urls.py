from django.urls import path

from iomhub.feeds import views

app_name = "feeds"
urlpatterns = [
    path("arrests/", views.upload, {"feed": "arrests"}, name="arrests"),
    path("releases/", views.upload, {"feed": "releases"}, name="releases"),
    path("court-outcomes/", views.upload, {"feed": "court-outcomes"}, name="court-outcomes"),
    path("offending-history/", views.upload, {"feed": "offending-history"}, name="offending-history"),
    path("imports/<int:run_id>/", views.run_result, name="run"),
    path("imports/<int:run_id>/errors.csv", views.run_errors, name="run-errors"),
    path("review/", views.review, name="review"),
    path("review/<int:review_id>/", views.review_decide, name="review-decide"),
]
