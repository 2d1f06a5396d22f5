from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "passport.organisations"
    label = "organisations"
    verbose_name = "Organisations"
