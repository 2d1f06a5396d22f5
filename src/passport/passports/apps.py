from django.apps import AppConfig


class PassportsConfig(AppConfig):
    name = "passport.passports"
    label = "passports"
    verbose_name = "Support passports"
