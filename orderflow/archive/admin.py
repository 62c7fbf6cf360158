"""Django admin for the archive: read-only. Dossiers and documents are never changed
(P9.1.1); query requests, grants and settings change only through the services."""

from django.contrib import admin

from orderflow.core.admin import ReadOnly

from .models import (
    AccessLog,
    ArchiveSettings,
    Dossier,
    DossierCheck,
    DossierDocument,
    QueryRequest,
)


class DocumentInline(ReadOnly, admin.TabularInline):
    model = DossierDocument
    fields = ["position", "kind", "title", "file", "size", "sha256", "holds_prices"]


@admin.register(Dossier)
class DossierAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["number", "order_number", "customer", "year", "month", "order_type",
                    "product_kind", "amount", "archived_at", "archived_by"]
    list_filter = ["year", "order_type", "product_kind"]
    list_select_related = ["customer", "archived_by"]
    search_fields = ["number", "order_number"]
    inlines = [DocumentInline]


@admin.register(QueryRequest)
class QueryRequestAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["order", "requester", "status", "wanted_until", "granted_until",
                    "created_at", "decided_by"]
    list_filter = ["status"]
    list_select_related = ["order", "requester", "decided_by"]


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["at", "user", "dossier", "document", "action"]
    list_select_related = ["user", "dossier", "document"]


@admin.register(ArchiveSettings)
class ArchiveSettingsAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["price_departments", "max_grant_days", "updated_at", "updated_by"]


@admin.register(DossierCheck)
class DossierCheckAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["dossier", "checked_at", "intact"]
    list_filter = ["intact"]
    list_select_related = ["dossier"]
