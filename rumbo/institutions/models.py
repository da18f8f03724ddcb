"""Institutions, their areas (with the spellings seen in documents) and memberships."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from rumbo.core.models import TimeStamped
from rumbo.core.text import normalize


class Institution(TimeStamped):
    code = models.CharField("clave", max_length=20, unique=True)
    name = models.CharField("nombre", max_length=255)
    short_name = models.CharField("nombre corto", max_length=60, blank=True)
    web_domains = models.JSONField(
        "dominios web",
        default=list,
        blank=True,
        help_text="Dominios oficiales; un hipervínculo fuera de ellos es sospechoso.",
    )
    # The reports' letterhead and signature block (rumbo/institutions/letterhead.py).
    logo = models.FileField("logotipo", upload_to="institutions/logos/", blank=True)
    prepared_by_name = models.CharField("elaboró (nombre)", max_length=150, blank=True)
    prepared_by_position = models.CharField("elaboró (cargo)", max_length=200, blank=True)
    reviewed_by_name = models.CharField("revisó (nombre)", max_length=150, blank=True)
    reviewed_by_position = models.CharField("revisó (cargo)", max_length=200, blank=True)
    authorized_by_name = models.CharField("autorizó (nombre)", max_length=150, blank=True)
    authorized_by_position = models.CharField("autorizó (cargo)", max_length=200, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = "institución"
        verbose_name_plural = "instituciones"
        constraints = [
            models.CheckConstraint(condition=~Q(code=""), name="institution_code_not_empty"),
        ]

    def __str__(self) -> str:
        return self.code


class Area(TimeStamped):
    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="areas")
    name = models.CharField("nombre", max_length=255)
    code = models.CharField("siglas", max_length=30)
    # An import that met the area only by its name (a PAA prints no acronyms) made its code
    # up from the initials: the first real acronym read later replaces it.
    code_provisional = models.BooleanField(
        "siglas provisionales",
        default=False,
        help_text="Formadas con las iniciales del nombre; las reemplazan las siglas reales "
        "cuando un documento las trae.",
    )
    normalized_name = models.CharField(max_length=255, editable=False)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )

    class Meta:
        ordering = ["institution", "name"]
        verbose_name = "área"
        verbose_name_plural = "áreas"
        constraints = [
            models.UniqueConstraint(fields=["institution", "code"], name="area_code_unique"),
            models.UniqueConstraint(
                fields=["institution", "normalized_name"], name="area_name_unique"
            ),
            models.CheckConstraint(condition=~Q(code=""), name="area_code_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def save(self, *args, **kwargs):
        # Derived matching key only; business rules live in services.
        self.normalized_name = normalize(self.name)
        super().save(*args, **kwargs)


class AreaAlias(models.Model):
    """A spelling of an area seen in a document, resolved to its canonical area."""

    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="+")
    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="aliases")
    alias = models.CharField(max_length=255)
    normalized = models.CharField(max_length=255, editable=False)

    class Meta:
        ordering = ["alias"]
        verbose_name = "alias de área"
        verbose_name_plural = "alias de áreas"
        constraints = [
            models.UniqueConstraint(fields=["institution", "normalized"], name="area_alias_unique"),
        ]

    def __str__(self) -> str:
        return self.alias

    def save(self, *args, **kwargs):
        self.normalized = normalize(self.alias)
        super().save(*args, **kwargs)


class Role(models.TextChoices):
    PLANEACION = "planeacion", "Planeación"
    ENLACE = "enlace", "Enlace de área"
    REVISOR = "revisor", "Revisor / validador"
    CONSULTA = "consulta", "Consulta"
    # Oversight (contraloría interna, comisión): reads everything of its institution,
    # evidence and the audit trail included; writes nothing.
    FISCALIZACION = "fiscalizacion", "Fiscalización"


class Membership(TimeStamped):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField("rol", max_length=20, choices=Role.choices)
    area = models.ForeignKey(Area, null=True, blank=True, on_delete=models.CASCADE)

    class Meta:
        verbose_name = "membresía"
        verbose_name_plural = "membresías"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "institution", "role", "area"],
                condition=Q(area__isnull=False),
                name="membership_unique_with_area",
            ),
            models.UniqueConstraint(
                fields=["user", "institution", "role"],
                condition=Q(area__isnull=True),
                name="membership_unique_without_area",
            ),
            models.CheckConstraint(
                condition=~Q(role="enlace") | Q(area__isnull=False),
                name="membership_enlace_has_area",
            ),
        ]

    def __str__(self) -> str:
        suffix = f" · {self.area.code}" if self.area_id and self.area else ""
        return f"{self.user} · {self.institution} · {self.get_role_display()}{suffix}"
