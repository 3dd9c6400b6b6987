from django.urls import path

from iomhub.access import account_views, agreement_views, views

app_name = "access"
urlpatterns = [
    path("sign-in/", views.sign_in, name="sign-in"),
    path("sign-in/two-factor/", views.two_factor, name="two-factor"),
    path("sign-in/two-factor/set-up/", views.two_factor_setup, name="two-factor-setup"),
    path("sign-in/set-up-link/<str:secret>/", views.enrolment_link_open, name="enrolment-link"),
    path("sign-out/", views.sign_out, name="sign-out"),
    path("audit/", views.audit_log, name="audit"),
    path("audit/people/<int:person_id>/viewers.csv", views.audit_viewers_csv, name="audit-viewers"),
    path("users/", views.users, name="users"),
    path("users/new/", account_views.user_add, name="user-add"),
    path("users/<int:user_id>/", account_views.user_detail, name="user"),
    path("users/<int:user_id>/change/", account_views.user_change, name="user-change"),
    path("users/<int:user_id>/status/", account_views.user_status, name="user-status"),
    path("users/<int:user_id>/sign-in-reset/", account_views.user_sign_in_reset, name="user-sign-in-reset"),
    path("users/<int:user_id>/set-up-link/", views.user_enrolment_link, name="user-enrolment-link"),
    path("organisations/", views.organisations, name="organisations"),
    path("sharing-agreements/", agreement_views.agreement_list, name="agreements"),
    path("sharing-agreements/<int:organisation_id>/", agreement_views.agreement_edit, name="agreement"),
    path("account/api-tokens/", views.api_tokens, name="api-tokens"),
    path("account/api-tokens/<int:token_id>/revoke/", views.api_token_revoke, name="api-token-revoke"),
]
