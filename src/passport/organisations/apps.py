from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "passport.organisations"
    label = "organisations"
    verbose_name = "Organisations"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from passport.core.schooldays import forget_calendars, set_local_term_dates_source
        from passport.organisations import checks  # noqa: F401  (registers the system check)
        from passport.organisations.models import SchoolTerm
        from passport.organisations.services.term_dates import local_terms

        # core counts school days but sits below this room: tell it where LAs' own terms are,
        # and when they change.
        set_local_term_dates_source(local_terms)
        for signal in (post_save, post_delete):
            signal.connect(forget_calendars, sender=SchoolTerm, dispatch_uid=f"terms_{signal}")
