from django.contrib import admin

from .models import (
    GeneralProgram,
    LineOfAction,
    Policy,
    StrategicObjective,
    StrategicPlan,
    SwotItem,
)


class SwotInline(admin.TabularInline):
    model = SwotItem
    extra = 0


@admin.register(StrategicPlan)
class StrategicPlanAdmin(admin.ModelAdmin):
    list_display = ["name", "institution", "start_year", "end_year"]
    list_filter = ["institution"]
    inlines = [SwotInline]


@admin.register(Policy)
class PolicyAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "plan"]
    list_filter = ["plan"]


@admin.register(GeneralProgram)
class GeneralProgramAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "policy", "plan"]
    list_filter = ["plan"]


@admin.register(StrategicObjective)
class StrategicObjectiveAdmin(admin.ModelAdmin):
    list_display = ["code", "text", "program", "plan"]
    list_filter = ["plan"]


@admin.register(LineOfAction)
class LineOfActionAdmin(admin.ModelAdmin):
    list_display = ["code", "text", "objective", "plan"]
    list_filter = ["plan"]
    search_fields = ["code", "text"]


@admin.register(SwotItem)
class SwotItemAdmin(admin.ModelAdmin):
    list_display = ["kind", "order", "text", "plan"]
    list_filter = ["plan", "kind"]
