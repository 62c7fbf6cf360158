"""Read-only views of review records for system admins; every change goes through the
services (the review screens and API), so the admin neither adds, changes nor deletes."""

from django.contrib import admin

from orderflow.core.admin import ReadOnly

from .models import Review, ReviewOpinion, ReviewReport


@admin.register(Review)
class ReviewAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["order", "round", "status", "is_major", "chair", "started_at",
                    "conclusion", "concluded_at"]
    list_filter = ["status", "is_major", "conclusion"]
    list_select_related = ["order", "chair"]
    search_fields = ["order__number"]


@admin.register(ReviewOpinion)
class ReviewOpinionAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["review", "department", "status", "reviewer", "on_behalf_of", "due_at",
                    "submitted_at", "conclusion"]
    list_filter = ["status", "department", "conclusion"]
    list_select_related = ["review", "department", "reviewer", "on_behalf_of"]
    search_fields = ["review__order__number"]


@admin.register(ReviewReport)
class ReviewReportAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["number", "conclusion", "issued_at", "issued_by", "rendered_at"]
    list_filter = ["conclusion"]
    list_select_related = ["issued_by"]
    search_fields = ["number"]
