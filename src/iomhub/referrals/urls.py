from django.urls import path

from iomhub.referrals import views

app_name = "referrals"
urlpatterns = [
    path("", views.referral_list, name="list"),
    path("new/", views.referral_new, name="new"),
    path("<int:referral_id>/", views.referral_detail, name="detail"),
    path("<int:referral_id>/check/", views.referral_check, name="check"),
    path("<int:referral_id>/decide/", views.referral_decide, name="decide"),
    path("<int:referral_id>/<slug:step>/", views.referral_step, name="step"),
]
