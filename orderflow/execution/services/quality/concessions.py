"""Concessions (P5.4.2): shipping without a passed final inspection, decided by the
Quality head or management, never by the one who asked; and the completion guard (P5)."""


from django.db import transaction
from django.db.models import OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from orderflow.accounts.domain.organisation import Dept
from orderflow.accounts.models import User
from orderflow.accounts.permissions import is_management
from orderflow.accounts.selectors import acting_for, department_head
from orderflow.audit import services as audit
from orderflow.core import clock
from orderflow.core.errors import NotPermitted, TransitionNotAllowed
from orderflow.core.validation import Errors
from orderflow.notifications.services import notify
from orderflow.orders.models import OrderLine
from orderflow.orders.permissions import is_order_owner
from orderflow.release.permissions import package_authority

from ...domain.quality import ZERO, is_covered
from ...models.quality import (
    Concession,
    ConcessionStatus,
    InspectionRecord,
    InspectionStage,
    NCStatus,
    NonconformanceNotice,
)
from ..common import lock_package, order_of
from ._common import (
    _QTY,
    DEPT,
    MAX_TEXT,
    _line,
    _package_url,
)

# P5.4.2 concessions

def _total(qs, field: str):
    return Coalesce(Subquery(qs.values("order_line").annotate(s=Sum(field)).values("s")),
                    Value(ZERO), output_field=_QTY)


def lines_with_cover(order_id: int):
    """The order's lines with what is covered or asked for: passed at final inspection
    (any result: passed pieces are passed), approved and requested concessions (P5.4.2).
    One query; Logistics ships at most passed + approved per line."""
    concessions = Concession.objects.filter(order_line=OuterRef("pk"))
    finals = InspectionRecord.objects.filter(order_line=OuterRef("pk"),
                                             stage=InspectionStage.FINAL)
    return (OrderLine.objects.filter(order_id=order_id).select_related("product")
            .annotate(passed=_total(finals, "quantity_passed"),
                      approved=_total(concessions.filter(status=ConcessionStatus.APPROVED),
                                      "quantity"),
                      requested=_total(concessions.filter(status=ConcessionStatus.REQUESTED),
                                       "quantity")))


def _requester_authority(actor, locked) -> tuple[bool, int | None]:
    """P5.4.2: the order's salesperson (or Sales head, or their deputy) or Quality."""
    if is_order_owner(actor, locked.order):
        return True, None
    may, principal = acting_for(actor, [locked.order.salesperson_id], on=clock.today())
    if may:
        return may, principal
    return package_authority(actor, locked.package)


@transaction.atomic
def concession_request(*, order_id: int, actor, order_line_id, quantity, reason: str,
                       nonconformance_id=None) -> Concession:
    """Ask to ship a quantity of a line without a passed final inspection (P5.4.2); the
    Quality head is told. At most what is neither passed nor conceded nor asked for.

    Raises:
        NotFound, NotPermitted (not the salesperson nor Quality), TransitionNotAllowed,
        ValidationFailed.
    """
    errors = Errors()
    line_id = errors.integer("order_line_id", order_line_id)
    quantity = errors.decimal("quantity", quantity, positive=True, places=3)
    reason = errors.text("reason", reason, required=True, max_length=MAX_TEXT)
    nc_id = errors.integer("nonconformance_id", nonconformance_id, required=False)
    locked = lock_package(order_id, DEPT, actor, member=False)
    may, principal_id = _requester_authority(actor, locked)
    if not may:
        raise NotPermitted(_("Only the order's salesperson or Quality asks for a "
                             "concession."))
    line = _line(errors, "order_line_id", locked.order, line_id)
    notice = (NonconformanceNotice.objects.select_related("record")
              .filter(pk=nc_id, order_id=locked.order.pk).first() if nc_id else None)
    if nc_id is not None and (notice is None or line is None
                              or notice.record.order_line_id != line.pk):
        errors.add("nonconformance_id", _("Select a notice about this order line."))
    if line is not None and quantity is not None and not errors.errors.get("quantity"):
        cover = lines_with_cover(locked.order.pk).get(pk=line.pk)
        left = max(ZERO, line.quantity - cover.passed - cover.approved - cover.requested)
        if quantity > left:
            errors.add("quantity", _("At most the quantity neither passed nor conceded nor "
                                     "asked for (%(n)s).") % {"n": left.normalize()})
    errors.raise_if_any()
    principal = User.objects.get(pk=principal_id) if principal_id else None
    concession = Concession.objects.create(
        order=locked.order, order_line=line, nonconformance=notice, quantity=quantity,
        reason=reason, requested_by=actor, requested_at=clock.now())
    audit.record(actor, "quality.concession_requested", concession, on_behalf_of=principal,
                 to_state=ConcessionStatus.REQUESTED,
                 data={"order": locked.order.number, "order_line": line.pk,
                       "quantity": str(quantity), "reason": reason,
                       **({"nonconformance": notice.number} if notice else {})})
    notify(recipients=[department_head(Dept.QUALITY)], kind="quality.concession_requested",
           body=reason, url=_package_url(locked),
           title=gettext_lazy("Concession requested on order %(order)s"),
           params={"order": locked.order.number})
    return concession


def _decider_authority(actor) -> tuple[bool, int | None]:
    """P5.4.2: the Quality head (or their deputy today), a division leader or the GM."""
    if is_management(actor):
        return True, None
    head = department_head(Dept.QUALITY)
    if head is None:
        return False, None
    return acting_for(actor, [head.pk], on=clock.today())


@transaction.atomic
def concession_decide(*, concession_id: int, actor, approve: bool,
                      note: str = "") -> Concession:
    """Approve or reject a concession (P5.4.2); never by whoever asked; a rejection says
    why. The requester is told.

    Raises:
        NotFound, NotPermitted, TransitionNotAllowed (already decided), ValidationFailed.
    """
    errors = Errors()
    note = errors.text("note", note, required=not approve, max_length=MAX_TEXT)
    locked = lock_package(order_of(Concession, concession_id), DEPT, actor, member=False)
    concession = (Concession.objects.select_for_update(of=("self",))
                  .select_related("requested_by").get(pk=concession_id,
                                                      order_id=locked.order.pk))
    may, principal_id = _decider_authority(actor)
    if not may or concession.requested_by_id == actor.pk:
        raise NotPermitted(_("The Quality head or management decides a concession, never "
                             "the one who asked for it."))
    errors.raise_if_any()
    if concession.status != ConcessionStatus.REQUESTED:
        raise TransitionNotAllowed(_("This concession is already decided."))
    status = ConcessionStatus.APPROVED if approve else ConcessionStatus.REJECTED
    principal = User.objects.get(pk=principal_id) if principal_id else None
    concession.status, concession.decision_note = status, note
    concession.decided_by, concession.on_behalf_of = actor, principal
    concession.decided_at = clock.now()
    concession.save(update_fields=["status", "decision_note", "decided_by", "on_behalf_of",
                                   "decided_at"])
    audit.record(actor, f"quality.concession_{status}", concession, on_behalf_of=principal,
                 from_state=ConcessionStatus.REQUESTED, to_state=status,
                 data={"order": locked.order.number, "quantity": str(concession.quantity),
                       "note": note})
    notify(recipients=[concession.requested_by], kind="quality.concession_decided",
           body=note, url=_package_url(locked),
           title=(gettext_lazy("Concession approved on order %(order)s") if approve else
                  gettext_lazy("Concession rejected on order %(order)s")),
           params={"order": locked.order.number})
    return concession


# The completion guard (P5)

def completion_blockers(package) -> list[str]:
    """Why Quality cannot finish yet: a line not covered by passed final inspections plus
    approved concessions (P5.3.2, P5.4.2), a notice not closed, a concession undecided."""
    reasons = []
    for line in lines_with_cover(package.order_id):
        if not is_covered(line.quantity, line.passed, line.approved):
            reasons.append(_("line %(position)s (%(product)s): %(done)s of %(qty)s passed "
                             "final inspection or conceded")
                           % {"position": line.position, "product": line.product.name,
                              "done": (line.passed + line.approved).normalize(),
                              "qty": line.quantity.normalize()})
    numbers = list(NonconformanceNotice.objects.filter(order_id=package.order_id)
                   .exclude(status=NCStatus.CLOSED).values_list("number", flat=True))
    if numbers:
        reasons.append(_("nonconformance notices not closed: %(numbers)s")
                       % {"numbers": ", ".join(numbers)})
    waiting = Concession.objects.filter(order_id=package.order_id,
                                        status=ConcessionStatus.REQUESTED).count()
    if waiting:
        reasons.append(_("%(n)s concession request(s) awaiting a decision") % {"n": waiting})
    return reasons
