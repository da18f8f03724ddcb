"""When each person last looked at «Mis pendientes»: oversight reads what was approved
since the visit before the current one (``services.visit_record``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Visit(models.Model):
    """A person's visits to «Mis pendientes»: the current one and the one before it.

    A visit is a run of views less than ``VISIT_GAP`` apart (``services.py``), so reloading
    the page does not move «desde tu última visita»."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="worklist_visit"
    )
    seen_at = models.DateTimeField("vista por última vez")
    previous_seen_at = models.DateTimeField("visita anterior", null=True, blank=True)

    class Meta:
        verbose_name = "visita a «Mis pendientes»"
        verbose_name_plural = "visitas a «Mis pendientes»"

    def __str__(self) -> str:
        return f"{self.user} · {self.seen_at:%d/%m/%Y %H:%M}"
