from django.contrib import admin

from .models import (
    Activity,
    AnnualProgram,
    AreaObjective,
    Beneficiary,
    MonthlyTarget,
    ProgramNode,
    UnitOfMeasure,
)


@admin.register(UnitOfMeasure)
class UnitOfMeasureAdmin(admin.ModelAdmin):
    list_display = ["name", "institution"]
    list_filter = ["institution"]
    search_fields = ["name"]


@admin.register(AnnualProgram)
class AnnualProgramAdmin(admin.ModelAdmin):
    list_display = ["institution", "year", "name"]
    list_filter = ["institution", "year"]


@admin.register(ProgramNode)
class ProgramNodeAdmin(admin.ModelAdmin):
    list_display = ["key", "name", "depth", "area", "program"]
    list_filter = ["program", "depth"]
    search_fields = ["key", "name"]
    raw_id_fields = ["parent"]


class MonthlyTargetInline(admin.TabularInline):
    model = MonthlyTarget
    extra = 0


class BeneficiaryInline(admin.TabularInline):
    model = Beneficiary
    extra = 0


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ["key", "description", "unit", "annual_target", "area", "program"]
    list_filter = ["program", "area"]
    search_fields = ["key", "description"]
    raw_id_fields = ["node"]
    filter_horizontal = ["lines_of_action"]
    inlines = [MonthlyTargetInline, BeneficiaryInline]


@admin.register(AreaObjective)
class AreaObjectiveAdmin(admin.ModelAdmin):
    list_display = ["row_number", "area", "objective", "unit", "year", "institution"]
    list_filter = ["institution", "year", "area"]
    search_fields = ["objective", "indicator"]
