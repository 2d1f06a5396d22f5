from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "passport.audit"
    label = "audit"
    verbose_name = "Audit trail"
