"""Django admin for approvals: read-only. Chains change through chain_save (validated and
audited, on the approval chain screen); rounds, tasks and sign-offs change only through
the approval services."""

from django.contrib import admin

from orderflow.core.admin import ReadOnly

from .models import ApprovalChain, ApprovalRequest, ApprovalStage, ApprovalStep, SignOff


class StepInline(ReadOnly, admin.TabularInline):
    model = ApprovalStep
    fields = ["position", "name", "assignee_kind", "role", "department", "user", "mode",
              "conditions", "cc", "time_limit_hours"]
    readonly_fields = fields
    extra = 0


@admin.register(ApprovalChain)
class ApprovalChainAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["subject_kind", "name", "updated_at", "updated_by"]
    inlines = [StepInline]


class StageInline(ReadOnly, admin.TabularInline):
    model = ApprovalStage
    fields = ["position", "name", "mode", "status", "skip_reason", "activated_at", "due_at",
              "completed_at"]
    readonly_fields = fields
    extra = 0


@admin.register(ApprovalRequest)
class ApprovalRequestAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["order", "subject_kind", "round", "status", "current_position",
                    "started_at", "finished_at"]
    list_filter = ["status", "subject_kind"]
    list_select_related = ["order"]
    search_fields = ["order__number"]
    show_full_result_count = False
    inlines = [StageInline]


@admin.register(SignOff)
class SignOffAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["order", "signed_by", "on_behalf_of", "signed_at", "content_hash"]
    list_select_related = ["order", "signed_by", "on_behalf_of"]
    search_fields = ["order__number"]
