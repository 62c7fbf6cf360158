"""Execution records (P5) as workbooks for the dossier: a sheet per department's record
type; purchases and costs (which hold prices, P9.2.2) in a workbook of their own."""

import datetime as dt

from django.db.models import Value
from django.utils import timezone, translation

from orderflow.documents.xlsx import XLSX_CONTENT_TYPE, SheetSpec, write_workbook
from orderflow.execution import models as execution

from . import ArchiveFile

# (sheet title, model): each model has an `order` foreign key.
RECORDS = [
    ("生产部-生产任务", execution.ProductionTask),
    ("生产部-进度", execution.ProgressReport),
    ("生产部-问题", execution.ProductionProblem),
    ("技术部-技术支持", execution.SupportRequest),
    ("质量部-检验计划", execution.InspectionPlanItem),
    ("质量部-检验记录", execution.InspectionRecord),
    ("质量部-不合格通知", execution.NonconformanceNotice),
    ("质量部-让步接收", execution.Concession),
    ("物流部-发货", execution.Shipment),
]
PRICED_RECORDS = [
    ("采购部-采购合同", execution.PurchaseContract),
    ("财务部-成本", execution.CostRecord),
]


def _cell(value):
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) \
            else value
    if isinstance(value, list | dict):
        return str(value)
    return value


def _sheet(title: str, model, order_id: int) -> SheetSpec | None:
    fields = [f for f in model._meta.concrete_fields]
    rows = [[_cell(v) for v in row] for row in model.objects.filter(order_id=order_id)
            .order_by("pk").values_list(*[f.attname for f in fields])]
    if not rows:
        return None
    headers = [str(f.verbose_name) for f in fields]
    return SheetSpec(title=title, headers=headers, rows=rows)


def _with_records(order_id: int) -> set[int]:
    """Indexes into RECORDS + PRICED_RECORDS of the record types the order has, in one
    query (most orders have few; an order without execution records costs no more)."""
    everything = RECORDS + PRICED_RECORDS
    parts = [model.objects.filter(order_id=order_id).order_by()
             .annotate(archive_record_type=Value(i))
             .values_list("archive_record_type", flat=True)
             for i, (_title, model) in enumerate(everything)]
    return set(parts[0].union(*parts[1:]).order_by())


def _workbook(records, order_id: int) -> bytes | None:
    if not records:
        return None
    with translation.override("zh-hans"):
        sheets = [s for s in (_sheet(t, m, order_id) for t, m in records) if s is not None]
    return write_workbook(sheets) if sheets else None


def execution_files(order) -> list[ArchiveFile]:
    files, present = [], _with_records(order.pk)
    offset = len(RECORDS)
    plain = _workbook([r for i, r in enumerate(RECORDS) if i in present], order.pk)
    if plain is not None:
        files.append(ArchiveFile(
            kind="execution", title="执行记录", name="execution-records.xlsx", content=plain,
            content_type=XLSX_CONTENT_TYPE, source=f"execution:order={order.pk}"))
    priced = _workbook([r for i, r in enumerate(PRICED_RECORDS) if i + offset in present],
                       order.pk)
    if priced is not None:
        files.append(ArchiveFile(
            kind="execution", title="采购与成本记录", name="purchases-and-costs.xlsx",
            content=priced, content_type=XLSX_CONTENT_TYPE,
            source=f"execution.priced:order={order.pk}", holds_prices=True))
    return files
