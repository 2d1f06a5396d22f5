from django.apps import AppConfig


class TransitionsConfig(AppConfig):
    name = "passport.transitions"
    label = "transitions"
    verbose_name = "Transitions"
