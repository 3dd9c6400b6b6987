from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "iomhub.referrals"
    label = "referrals"
