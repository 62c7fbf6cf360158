"""Django admin for execution (P5): read-only. Every record changes only through the
execution services (validated, locked, audited)."""

from django.contrib import admin

from orderflow.core.admin import ReadOnly

from .models import (
    Concession,
    CostRecord,
    ExecutionSettings,
    InspectionRecord,
    InspectionReport,
    NonconformanceNotice,
    ProductionProblem,
    ProductionTask,
    PurchaseContract,
    Shipment,
    SupplierReturn,
    SupportRequest,
)

_ORDER = {"list_select_related": ["order"], "search_fields": ["order__number"]}


def _read_only(model, columns, filters=(), **options):
    attrs = {"list_display": columns, "list_filter": list(filters), **options}
    admin.site.register(model, type(f"{model.__name__}Admin", (ReadOnly, admin.ModelAdmin),
                                    attrs))


_read_only(ExecutionSettings, ["shipment_tolerance_percent", "updated_at", "updated_by"])
_read_only(ProductionTask, ["order", "position", "name", "starts_on", "ends_on", "team",
                            "status", "percent_done"], ["status"], **_ORDER)
_read_only(ProductionProblem, ["order", "kind", "owner", "due_date", "status"],
           ["status", "kind"], **_ORDER)
_read_only(SupportRequest, ["order", "subject", "urgency", "status", "created_at"],
           ["status", "urgency"], **_ORDER)
_read_only(PurchaseContract, ["number", "order", "supplier", "contract_date", "delivery_date",
                              "status", "total_amount"], ["status"],
           list_select_related=["order", "supplier"],
           search_fields=["number", "order__number", "supplier__name"])
_read_only(SupplierReturn, ["contract", "kind", "quantity", "status", "created_at"],
           ["status", "kind"], list_select_related=["contract"],
           search_fields=["contract__number"])
_read_only(InspectionRecord, ["order", "order_line", "stage", "inspected_on", "result",
                              "quantity_inspected", "quantity_passed", "quantity_failed"],
           ["stage", "result"], **_ORDER)
_read_only(InspectionReport, ["number", "record", "issued_by", "issued_at"],
           search_fields=["number"])
_read_only(NonconformanceNotice, ["number", "order", "product", "quantity", "status",
                                  "issued_at", "closed_at"], ["status"],
           list_select_related=["order", "product"], search_fields=["number", "order__number"])
_read_only(Concession, ["order", "order_line", "quantity", "status", "requested_by",
                        "decided_by"], ["status"], **_ORDER)
_read_only(Shipment, ["number", "order", "carrier", "tracking_number", "shipped_on",
                      "delivered_on", "status"], ["status"],
           list_select_related=["order"], search_fields=["number", "order__number",
                                                         "tracking_number"])
_read_only(CostRecord, ["order", "category", "amount", "incurred_on", "reference",
                        "created_by"], ["category"], **_ORDER)
