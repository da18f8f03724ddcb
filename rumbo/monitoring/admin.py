from django.contrib import admin

from .models import (
    ActivityBands,
    Evidence,
    MonitoringPolicy,
    PeriodReport,
    ProgressEntry,
    WindowExtension,
)


@admin.register(MonitoringPolicy)
class MonitoringPolicyAdmin(admin.ModelAdmin):
    list_display = ["institution", "close_day", "green_low", "green_high", "evidence_max_mb"]


@admin.register(ActivityBands)
class ActivityBandsAdmin(admin.ModelAdmin):
    list_display = ["activity", "yellow_low", "green_low", "green_high", "yellow_high"]
    raw_id_fields = ["activity"]


@admin.register(WindowExtension)
class WindowExtensionAdmin(admin.ModelAdmin):
    list_display = ["institution", "year", "month", "area", "until", "created_by"]
    list_filter = ["institution", "year"]


@admin.register(PeriodReport)
class PeriodReportAdmin(admin.ModelAdmin):
    list_display = ["program", "area", "month", "state", "submitted_at", "decided_at"]
    list_filter = ["state", "program"]


@admin.register(ProgressEntry)
class ProgressEntryAdmin(admin.ModelAdmin):
    list_display = ["activity", "month", "achieved", "version", "updated_at"]
    raw_id_fields = ["activity"]


@admin.register(Evidence)
class EvidenceAdmin(admin.ModelAdmin):
    list_display = ["original_name", "entry", "content_type", "size", "uploaded_at"]
    raw_id_fields = ["entry"]
