from django.contrib import admin

from .models import Area, AreaAlias, Institution, Membership


class AreaInline(admin.TabularInline):
    model = Area
    extra = 0
    fields = ["code", "code_provisional", "name", "parent"]


@admin.register(Institution)
class InstitutionAdmin(admin.ModelAdmin):
    list_display = ["code", "short_name", "name"]
    search_fields = ["code", "name"]
    inlines = [AreaInline]


class AreaAliasInline(admin.TabularInline):
    model = AreaAlias
    extra = 0
    fields = ["alias", "institution"]


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ["code", "code_provisional", "name", "institution", "parent"]
    list_filter = ["institution", "code_provisional"]
    search_fields = ["code", "name", "aliases__alias"]
    inlines = [AreaAliasInline]


@admin.register(AreaAlias)
class AreaAliasAdmin(admin.ModelAdmin):
    list_display = ["alias", "area", "institution"]
    list_filter = ["institution"]
    search_fields = ["alias", "area__name"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "institution", "role", "area"]
    list_filter = ["institution", "role"]
    search_fields = ["user__username"]
