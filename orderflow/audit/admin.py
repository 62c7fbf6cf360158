from django.contrib import admin

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the audit log is append-only."""

    list_display = ["seq", "occurred_at", "actor", "action", "object_type", "object_id",
                    "from_state", "to_state"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_id", "object_repr", "request_id"]
    list_select_related = ["actor"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
