from django.apps import AppConfig


class FundingConfig(AppConfig):
    name = "passport.funding"
    label = "funding"
    verbose_name = "School-group funding and commissions"
