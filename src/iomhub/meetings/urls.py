from django.urls import path

from iomhub.meetings import close_views, sheet_views, views

app_name = "meetings"
urlpatterns = [
    path("", views.meetings, name="list"),
    path("new/", views.meeting_new, name="new"),
    path("<int:meeting_id>/", views.agenda, name="agenda"),
    path("<int:meeting_id>/attendees/new/", views.attendee_new, name="attendee-new"),
    path("<int:meeting_id>/circulated/", views.circulated, name="circulated"),
    path("<int:meeting_id>/people/<int:person_id>/", sheet_views.record_sheet, name="sheet"),
    path("<int:meeting_id>/people/<int:person_id>/<slug:part>/", sheet_views.sheet_part, name="sheet-part"),
    path("<int:meeting_id>/actions/<int:action_id>/", sheet_views.action_review, name="action-review"),
    path("<int:meeting_id>/referrals/<int:referral_id>/", sheet_views.referral_decision, name="referral-decision"),
    path("<int:meeting_id>/transfers/<int:transfer_id>/", sheet_views.transfer_decision, name="transfer-decision"),
    path("<int:meeting_id>/written-updates/<int:person_id>/", sheet_views.written_update, name="written-update"),
    path("<int:meeting_id>/close/", close_views.close, name="close"),
    path("<int:meeting_id>/pack/", close_views.pack, name="pack"),
]
