"""Shared steps of the quality services (P5.3): constants, an order line of the order,
the inspection quantities, locking a record (order first)."""


from django.db.models import DecimalField
from django.utils.translation import gettext as _

from orderflow.core.validation import Errors
from orderflow.orders.models import OrderLine

from ...domain.quality import split_adds_up
from ...models.quality import (
    InspectionRecord,
    NCStatus,
    NonconformanceNotice,
)
from ..common import lock_package, order_of

DEPT = "quality"
MAX_TEXT = 4000
REPORT_TEMPLATE = "execution/quality/report_pdf.html"
_QTY = DecimalField(max_digits=16, decimal_places=3)


def _line(errors: Errors, field: str, order, line_id) -> OrderLine | None:
    line = (OrderLine.objects.select_related("product").filter(pk=line_id, order_id=order.pk)
            .first() if line_id is not None else None)
    if line_id is not None and line is None:
        errors.add(field, _("Select a line of this order."))
    return line


def _package_url(locked) -> str:
    return f"/work-packages/{locked.package.pk}/"


def _check_quantities(errors: Errors, inspected, passed, failed) -> None:
    if None in (inspected, passed, failed):
        return
    if any(errors.errors.get(f) for f in ("quantity_inspected", "quantity_passed",
                                           "quantity_failed")):
        return
    if not split_adds_up(inspected, passed, failed):
        errors.add("quantity_failed", _("Passed and failed must add up to the quantity "
                                        "inspected (%(n)s).") % {"n": inspected.normalize()})


def _reinspected_notice(errors: Errors, order, line, nc_id) -> NonconformanceNotice | None:
    """A re-inspection follows a corrective action on the same line (P5.3.2)."""
    if nc_id is None:
        return None
    notice = (NonconformanceNotice.objects.select_related("record")
              .filter(pk=nc_id, order_id=order.pk).first())
    if notice is None:
        errors.add("reinspection_of_id", _("Select a nonconformance notice of this order."))
    elif line is not None and notice.record.order_line_id != line.pk:
        errors.add("reinspection_of_id", _("The notice is about another order line."))
    elif notice.status != NCStatus.CORRECTIVE_ACTION:
        errors.add("reinspection_of_id", _("Re-inspect once the corrective action is "
                                           "recorded and before the notice is closed."))
    return notice


def _locked_record(record_id: int, actor):
    locked = lock_package(order_of(InspectionRecord, record_id), DEPT, actor)
    record = (InspectionRecord.objects.select_for_update(of=("self",))
              .select_related("order_line", "order_line__product")
              .get(pk=record_id, order_id=locked.order.pk))
    return locked, record
