"""Nonconformance notices for failed product, followed to closure: cause, corrective
action, a passed re-inspection (P5.3.2)."""


from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from orderflow.accounts.domain.organisation import Dept
from orderflow.accounts.models import User
from orderflow.accounts.selectors import delegators_of, users_with
from orderflow.audit import services as audit
from orderflow.core import clock
from orderflow.core.errors import NotPermitted, TransitionNotAllowed
from orderflow.core.validation import Errors
from orderflow.notifications.services import notify
from orderflow.release.permissions import package_authority

from ...domain.quality import ZERO
from ...models.quality import (
    InspectionRecord,
    InspectionResult,
    NCStatus,
    NonconformanceNotice,
)
from ..common import lock_package, next_number, order_of
from ._common import (
    DEPT,
    MAX_TEXT,
    _locked_record,
    _package_url,
)

# P5.3.2 nonconformance notices (failed product), followed to closure

@transaction.atomic
def nonconformance_issue(*, record_id: int, actor, description: str,
                         quantity) -> NonconformanceNotice:
    """Quality issues a nonconformance notice for failed product (P5.3.2), numbered
    NC-YYYY-NNNNN; Production's members and the salesperson are told.

    Raises:
        NotFound, NotPermitted (only Quality), TransitionNotAllowed (inspection passed),
        ValidationFailed (no description, quantity beyond what failed).
    """
    errors = Errors()
    description = errors.text("description", description, required=True, max_length=MAX_TEXT)
    quantity = errors.decimal("quantity", quantity, positive=True, places=3)
    locked, record = _locked_record(record_id, actor)
    if record.result != InspectionResult.FAIL:
        errors.raise_if_any()
        raise TransitionNotAllowed(_("A nonconformance notice is issued for a failed "
                                     "inspection only."))
    noticed = (NonconformanceNotice.objects.filter(record_id=record.pk)
               .aggregate(s=Sum("quantity"))["s"]) or ZERO
    left = record.quantity_failed - noticed
    if quantity is not None and not errors.errors.get("quantity") and quantity > left:
        errors.add("quantity", _("At most the failed quantity not yet noticed (%(n)s).")
                   % {"n": left.normalize()})
    errors.raise_if_any()
    notice = NonconformanceNotice.objects.create(
        record=record, order=locked.order, product=record.order_line.product,
        number=next_number("NC", clock.today().year), description=description,
        quantity=quantity, issued_by=actor, on_behalf_of=locked.principal,
        issued_at=clock.now())
    audit.record(actor, "quality.nonconformance_issued", notice, to_state=NCStatus.OPEN,
                 on_behalf_of=locked.principal,
                 data={"order": locked.order.number, "number": notice.number,
                       "record": record.pk, "quantity": str(quantity)})
    notify(recipients=[*users_with(dept=Dept.PRODUCTION), locked.order.salesperson],
           kind="quality.nonconformance", body=description, url=_package_url(locked),
           title=gettext_lazy("Nonconformance %(number)s on order %(order)s"),
           params={"number": notice.number, "order": locked.order.number})
    return notice


def _production_principal(actor) -> tuple[bool, int | None]:
    """P5.1.3: Production's members fix what failed (or their deputy today)."""
    if actor.dept_code == Dept.PRODUCTION:
        return True, None
    principals = delegators_of(actor, on=clock.today())
    principal = (User.objects.filter(pk__in=principals, is_active=True,
                                     department__code=Dept.PRODUCTION)
                 .order_by("id").values_list("pk", flat=True).first()) if principals else None
    return principal is not None, principal


def _locked_notice(nc_id: int, actor):
    locked = lock_package(order_of(NonconformanceNotice, nc_id), DEPT, actor, member=False)
    notice = (NonconformanceNotice.objects.select_for_update(of=("self",))
              .select_related("record").get(pk=nc_id, order_id=locked.order.pk))
    return locked, notice


def _not_in(notice, status: str, message) -> None:
    if notice.status != status:
        raise TransitionNotAllowed(message)


@transaction.atomic
def nonconformance_action(*, nc_id: int, actor, cause: str,
                          corrective_action: str) -> NonconformanceNotice:
    """Record the cause and the corrective action of a notice (P5.3.2, P5.1.3): open ->
    corrective action. Quality or Production (who fix it) may record it.

    Raises:
        NotFound, NotPermitted, TransitionNotAllowed (not open), ValidationFailed.
    """
    errors = Errors()
    cause = errors.text("cause", cause, required=True, max_length=MAX_TEXT)
    action = errors.text("corrective_action", corrective_action, required=True,
                         max_length=MAX_TEXT)
    locked, notice = _locked_notice(nc_id, actor)
    may, principal_id = package_authority(actor, locked.package)
    if not may:
        may, principal_id = _production_principal(actor)
    if not may:
        raise NotPermitted(_("Only Quality or Production records the corrective action."))
    errors.raise_if_any()
    _not_in(notice, NCStatus.OPEN, _("The corrective action is recorded on an open notice."))
    principal = User.objects.get(pk=principal_id) if principal_id else None
    notice.cause, notice.corrective_action = cause, action
    notice.status, notice.action_by, notice.action_at = (NCStatus.CORRECTIVE_ACTION, actor,
                                                         clock.now())
    notice.save(update_fields=["cause", "corrective_action", "status", "action_by",
                               "action_at"])
    audit.record(actor, "quality.nonconformance_action", notice, from_state=NCStatus.OPEN,
                 to_state=NCStatus.CORRECTIVE_ACTION, on_behalf_of=principal,
                 data={"number": notice.number, "cause": cause, "corrective_action": action})
    notify(recipients=[notice.issued_by], kind="quality.nonconformance_action",
           body=action, url=_package_url(locked),
           title=gettext_lazy("Corrective action on %(number)s: re-inspect"),
           params={"number": notice.number})
    return notice


@transaction.atomic
def nonconformance_close(*, nc_id: int, actor, reinspection_record_id) -> NonconformanceNotice:
    """Quality closes a notice on a passed re-inspection of the same line (P5.3.2).

    Raises:
        NotFound, NotPermitted (only Quality), TransitionNotAllowed (no corrective action
        yet, or closed), ValidationFailed (the re-inspection does not fit).
    """
    errors = Errors()
    record_id = errors.integer("reinspection_record_id", reinspection_record_id)
    locked, notice = _locked_notice(nc_id, actor)
    may, principal_id = package_authority(actor, locked.package)
    if not may:
        raise NotPermitted(_("Only Quality closes a nonconformance notice."))
    errors.raise_if_any()
    _not_in(notice, NCStatus.CORRECTIVE_ACTION,
            _("A notice is closed after its corrective action, once only."))
    record = InspectionRecord.objects.filter(pk=record_id, order_id=locked.order.pk).first()
    if record is None:
        errors.add("reinspection_record_id", _("Select an inspection of this order."))
    elif (record.reinspection_of_id != notice.pk
          or record.order_line_id != notice.record.order_line_id):
        errors.add("reinspection_record_id", _("Select the re-inspection recorded for this "
                                               "notice."))
    elif record.result != InspectionResult.PASS:
        errors.add("reinspection_record_id", _("The re-inspection did not pass."))
    errors.raise_if_any()
    principal = User.objects.get(pk=principal_id) if principal_id else None
    notice.status, notice.closed_by, notice.closed_at = NCStatus.CLOSED, actor, clock.now()
    notice.save(update_fields=["status", "closed_by", "closed_at"])
    audit.record(actor, "quality.nonconformance_closed", notice,
                 from_state=NCStatus.CORRECTIVE_ACTION, to_state=NCStatus.CLOSED,
                 on_behalf_of=principal,
                 data={"number": notice.number, "reinspection": record.pk})
    return notice
