from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "passport.audit"
    label = "audit"
    verbose_name = "Audit trail"

    def ready(self) -> None:
        from passport.audit.sign_ins import record_sign_in
        from passport.people.services import sign_in_attempted

        sign_in_attempted.connect(record_sign_in, dispatch_uid="audit-sign-ins")
