from django.apps import AppConfig


class FundingConfig(AppConfig):
    name = "passport.funding"
    label = "funding"
    verbose_name = "School-group funding and commissions"

    def ready(self) -> None:
        from passport.funding.services import commissions_for_child
        from passport.passports.extensions import add_delivered_support_source

        add_delivered_support_source(commissions_for_child)
