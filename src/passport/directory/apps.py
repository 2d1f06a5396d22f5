from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "passport.directory"
    label = "directory"
    verbose_name = "Service directory (Open Referral UK)"
