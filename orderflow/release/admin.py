"""Django admin for release: read-only. Routes, the email template and the company profile
change through their services (validated and audited); packages, prints and
confirmations only through the release services."""

from django.contrib import admin

from orderflow.core.admin import ReadOnly

from .models import (
    CompanyProfile,
    CustomerConfirmation,
    CustomerEmailTemplate,
    OrderPrint,
    ReleaseRoute,
    WorkPackage,
)


@admin.register(ReleaseRoute)
class ReleaseRouteAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["order_type", "departments", "updated_at", "updated_by"]


@admin.register(WorkPackage)
class WorkPackageAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["order", "department", "status", "revision", "due_date", "released_at",
                    "started_at", "done_at", "updated_at"]
    list_filter = ["status", "department"]
    list_select_related = ["order", "department"]
    search_fields = ["order__number"]
    show_full_result_count = False


@admin.register(CompanyProfile)
class CompanyProfileAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["name", "name_en", "phone", "seal_sha256", "updated_at"]


@admin.register(OrderPrint)
class OrderPrintAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["order", "revision", "copy_number", "sealed", "code", "printed_by",
                    "printed_at"]
    list_filter = ["sealed"]
    list_select_related = ["order", "printed_by"]
    search_fields = ["order__number", "code"]
    show_full_result_count = False


@admin.register(CustomerConfirmation)
class CustomerConfirmationAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["order", "revision", "channel", "contact_name", "email_to",
                    "recorded_by", "recorded_at"]
    list_select_related = ["order", "recorded_by"]
    search_fields = ["order__number"]
    show_full_result_count = False


@admin.register(CustomerEmailTemplate)
class CustomerEmailTemplateAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["subject", "updated_at", "updated_by"]
