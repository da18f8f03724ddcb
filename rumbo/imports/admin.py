from django.contrib import admin

from .models import ImportRun, QualityFinding


@admin.register(QualityFinding)
class QualityFindingAdmin(admin.ModelAdmin):
    list_display = ["code", "severity", "status", "source_file", "source_line", "object_label"]
    list_filter = ["institution", "code", "severity", "status"]
    search_fields = ["message", "object_label"]
    readonly_fields = ["fingerprint", "content_type", "object_id"]


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "source_file", "institution", "actor"]
    list_filter = ["institution", "kind"]
    readonly_fields = ["summary", "sha256"]
