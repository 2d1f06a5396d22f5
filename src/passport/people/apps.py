from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "passport.people"
    label = "people"
    verbose_name = "People"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from passport.people.middleware import start_session_clock

        user_logged_in.connect(start_session_clock, dispatch_uid="passport-session-clock")
