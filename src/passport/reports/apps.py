from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "passport.reports"
    label = "reports"
    verbose_name = "Reports and statutory returns"
