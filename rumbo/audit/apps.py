from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "rumbo.audit"
    label = "audit"
