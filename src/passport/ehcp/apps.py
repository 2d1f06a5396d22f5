from django.apps import AppConfig


class EhcpConfig(AppConfig):
    name = "passport.ehcp"
    label = "ehcp"
    verbose_name = "EHC needs assessments and plans"
