from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "passport.people"
    label = "people"
    verbose_name = "People"
