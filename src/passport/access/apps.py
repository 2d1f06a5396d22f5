from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "passport.access"
    label = "access"
    verbose_name = "Access"
