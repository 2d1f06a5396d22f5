from django.apps import AppConfig


class ChildrenConfig(AppConfig):
    name = "passport.children"
    label = "children"
    verbose_name = "Children"
