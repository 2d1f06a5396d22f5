from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "passport.organisations"
    label = "organisations"
    verbose_name = "Organisations"

    def ready(self) -> None:
        from passport.core.schooldays import set_local_term_dates_source
        from passport.organisations import checks  # noqa: F401  (registers the system check)
        from passport.organisations.services.term_dates import local_terms

        # core counts school days but sits below this room: tell it where LAs' own terms are.
        set_local_term_dates_source(local_terms)
