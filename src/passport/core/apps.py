from django.apps import AppConfig
from django.core.exceptions import ImproperlyConfigured


class CoreConfig(AppConfig):
    name = "passport.core"
    label = "core"

    def ready(self) -> None:
        from passport.core.policy import PolicyPackError, current_pack

        try:
            current_pack()
        except PolicyPackError as exc:
            raise ImproperlyConfigured(f"Refusing to start: {exc}") from exc
