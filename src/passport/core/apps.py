from django.apps import AppConfig
from django.core.exceptions import ImproperlyConfigured


class CoreConfig(AppConfig):
    name = "passport.core"
    label = "core"

    def ready(self) -> None:
        from django.core.signals import request_started

        from passport.core import deploy_checks  # noqa: F401  (registers `check --deploy`)
        from passport.core.policy import PolicyPackError, current_pack
        from passport.core.schooldays import forget_calendars

        # A calendar is remembered for one request at most (see core.schooldays.calendar_for).
        request_started.connect(forget_calendars, dispatch_uid="forget_term_calendars")
        try:
            current_pack()
        except PolicyPackError as exc:
            raise ImproperlyConfigured(f"Refusing to start: {exc}") from exc
