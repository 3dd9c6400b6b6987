from django.urls import path

from iomhub.feeds import views

app_name = "feeds"
urlpatterns = [
    path("arrests/", views.arrests_upload, name="arrests"),
    path("imports/<int:run_id>/", views.run_result, name="run"),
    path("imports/<int:run_id>/errors.csv", views.run_errors, name="run-errors"),
    path("review/", views.review, name="review"),
    path("review/<int:review_id>/", views.review_decide, name="review-decide"),
]
