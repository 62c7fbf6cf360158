"""Goods from the supplier (P5.2.2, P5.2.3): deliveries, the communication log,
incoming inspection, returns and exchanges."""

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from orderflow.accounts.domain.organisation import Dept
from orderflow.accounts.models import User
from orderflow.accounts.selectors import users_with
from orderflow.audit import services as audit
from orderflow.core import clock
from orderflow.core.errors import Conflict, NotFound, NotPermitted, TransitionNotAllowed
from orderflow.core.validation import Errors
from orderflow.notifications.services import notify
from orderflow.release.permissions import package_authority

from ...domain import procurement as rules
from ...models import (
    CommunicationChannel,
    CommunicationTopic,
    IncomingInspection,
    PurchaseContract,
    PurchaseContractLine,
    ReturnKind,
    ReturnStatus,
    SupplierCommunication,
    SupplierDelivery,
    SupplierDeliveryLine,
    SupplierReturn,
)
from ..common import Locked, lock_package, order_of
from ._common import (
    DEPT,
    MAX_LINES,
    MAX_QUANTITY,
    MAX_TEXT,
    RECEIVED_TITLE,
    _id,
    _lock_contract,
    _moment,
    _not_future,
    _order_of,
    _require_state,
)

# -- deliveries and the communication log (P5.2.2) ---------------------------------------

def _clean_receipts(errors: Errors, lines) -> list[tuple[int, int | None, Decimal | None]]:
    lines = [line for line in (lines or []) if isinstance(line, dict)]
    if not lines:
        errors.add("lines", _("Enter at least one item."))
    elif len(lines) > MAX_LINES:
        errors.add("lines", _("At most %(n)s items.") % {"n": MAX_LINES})
    return [(i, _id(errors, f"lines.{i}.contract_line_id", line.get("contract_line_id")),
             errors.decimal(f"lines.{i}.quantity", line.get("quantity"), positive=True,
                            max_value=MAX_QUANTITY, places=3))
            for i, line in enumerate(lines[:MAX_LINES])]


def _check_receipts(errors: Errors, receipts, contract_lines: dict) -> None:
    """P5.2.2: each item is one of the contract's, once, and cumulative receipt stays
    within the contracted quantity."""
    seen = set()
    for i, line_id, quantity in receipts:
        if line_id is None:
            continue
        line = contract_lines.get(line_id)
        if line is None:
            errors.add(f"lines.{i}.contract_line_id", _("Choose an item of this contract."))
        elif line_id in seen:
            errors.add(f"lines.{i}.contract_line_id", _("This item is listed twice."))
        elif quantity is not None and line.received_quantity + quantity > line.quantity:
            errors.add(f"lines.{i}.quantity",
                       _("More than contracted: at most %(n)s is still outstanding.")
                       % {"n": rules.outstanding(line.quantity, line.received_quantity)
                          .normalize()})
        seen.add(line_id)


@transaction.atomic
def supplier_delivery_record(*, contract_id: int, actor, received_on, lines: list[dict],
                             note: str = "") -> SupplierDelivery:
    """Goods received against a signed contract (P5.2.2); raises each line's received.

    Raises: ValidationFailed (`received_on` in the future or before the contract date,
    `lines.N.quantity` <= 0 or more than outstanding), NotFound, NotPermitted,
    TransitionNotAllowed (contract not signed).
    """
    errors = Errors()
    received_on = errors.date("received_on", received_on)
    _not_future(errors, "received_on", received_on)
    note = errors.text("note", note, max_length=MAX_TEXT)
    receipts = _clean_receipts(errors, lines)
    locked, contract = _lock_contract(contract_id, actor)
    _require_state(contract, "deliver")
    if received_on and received_on < contract.contract_date:
        errors.add("received_on", _("Goods cannot be received before the contract date."))
    contract_lines = {line.pk: line for line in PurchaseContractLine.objects
                      .select_for_update().filter(contract_id=contract.pk)}
    _check_receipts(errors, receipts, contract_lines)
    errors.raise_if_any()
    delivery = SupplierDelivery.objects.create(
        contract=contract, received_on=received_on, note=note, created_by=actor,
        on_behalf_of=locked.principal, created_at=clock.now())
    SupplierDeliveryLine.objects.bulk_create(
        SupplierDeliveryLine(delivery=delivery, contract_line_id=line_id, quantity=quantity)
        for _i, line_id, quantity in receipts)
    for _i, line_id, quantity in receipts:
        line = contract_lines[line_id]
        line.received_quantity += quantity
        line.save(update_fields=["received_quantity"])
    audit.record(actor, "purchase_contract.delivery_recorded", contract, data={
        "order": locked.order.number, "delivery": delivery.pk, "received_on": received_on,
        "lines": [{"line": line_id, "quantity": quantity} for _i, line_id, quantity in receipts]},
        on_behalf_of=locked.principal)
    # P5.2.3: Quality inspects what came in.
    notify(recipients=list(users_with(dept=Dept.QUALITY)), kind="procurement.goods_received",
           title=RECEIVED_TITLE, params={"number": contract.number,
                                         "order": locked.order.number},
           url=f"/work-packages/{contract.package_id}/#contract-{contract.pk}")
    return delivery


@transaction.atomic
def supplier_communication_log(*, contract_id: int, actor, channel, topic, occurred_at,
                               summary, outcome: str = "") -> SupplierCommunication:
    """Log a talk with the supplier about a delay or a quality problem (P5.2.2).

    Raises: ValidationFailed, NotFound, NotPermitted, TransitionNotAllowed (cancelled).
    """
    errors = Errors()
    clean = {"channel": errors.choice("channel", channel, CommunicationChannel.choices),
             "topic": errors.choice("topic", topic, CommunicationTopic.choices),
             "occurred_at": _moment(errors, "occurred_at", occurred_at),
             "summary": errors.text("summary", summary, required=True, max_length=MAX_TEXT),
             "outcome": errors.text("outcome", outcome, max_length=MAX_TEXT)}
    errors.raise_if_any()
    locked, contract = _lock_contract(contract_id, actor)
    _require_state(contract, "communicate")
    note = SupplierCommunication.objects.create(contract=contract, created_by=actor,
                                                created_at=clock.now(), **clean)
    audit.record(actor, "purchase_contract.communication_logged", contract, data={
        "order": locked.order.number, "communication": note.pk, "channel": note.channel,
        "topic": note.topic}, on_behalf_of=locked.principal)
    return note


# -- incoming inspection, returns and exchanges (P5.2.3) ----------------------------------

def _inspector(actor, locked: Locked) -> User | None:
    """P5.2.3: the procurement package's workers (their principal for a deputy), or any
    Quality member. Raises NotPermitted."""
    may, principal_id = package_authority(actor, locked.package)
    if may:
        return User.objects.get(pk=principal_id) if principal_id else None
    if getattr(actor, "dept_code", None) == Dept.QUALITY:
        return None
    raise NotPermitted(_("Only Procurement or Quality may record an incoming inspection."))


@transaction.atomic
def incoming_inspection_record(*, delivery_line_id: int, actor, inspected_on,
                               accepted_quantity, rejected_quantity,
                               reason: str = "") -> IncomingInspection:
    """Inspect a delivered item (P5.2.3): accepted + rejected = delivered, a reason for
    any rejection; once per delivered item; adds to the contract line's counts.

    Raises: ValidationFailed, NotFound, NotPermitted, TransitionNotAllowed, Conflict
    (already inspected).
    """
    errors = Errors()
    inspected_on = errors.date("inspected_on", inspected_on)
    _not_future(errors, "inspected_on", inspected_on)
    accepted = errors.decimal("accepted_quantity", accepted_quantity, min_value=0,
                              max_value=MAX_QUANTITY, places=3)
    rejected = errors.decimal("rejected_quantity", rejected_quantity, min_value=0,
                              max_value=MAX_QUANTITY, places=3)
    reason = errors.text("reason", reason, required=bool(rejected and rejected > 0),
                         max_length=MAX_TEXT)
    locked = lock_package(order_of(SupplierDeliveryLine, delivery_line_id,
                                   "delivery__contract__order_id"), DEPT, actor, member=False)
    principal = _inspector(actor, locked)
    item = (SupplierDeliveryLine.objects.select_related("delivery")
            .filter(pk=delivery_line_id).first())
    contract = PurchaseContract.objects.select_for_update(of=("self",)).get(
        pk=item.delivery.contract_id)
    _require_state(contract, "inspect")
    if IncomingInspection.objects.filter(delivery_line_id=item.pk).exists():
        raise Conflict(_("This delivered item has already been inspected."))
    if inspected_on and inspected_on < item.delivery.received_on:
        errors.add("inspected_on", _("The inspection cannot be before the goods were "
                                     "received."))
    if accepted is not None and rejected is not None and accepted + rejected != item.quantity:
        message = (_("Accepted and rejected together must equal the delivered quantity "
                     "(%(n)s).") % {"n": item.quantity.normalize()})
        errors.add("accepted_quantity", message)
        errors.add("rejected_quantity", message)
    errors.raise_if_any()
    inspection = IncomingInspection.objects.create(
        delivery_line=item, inspected_on=inspected_on, accepted_quantity=accepted,
        rejected_quantity=rejected, reason=reason, inspector=actor, created_at=clock.now())
    line = PurchaseContractLine.objects.select_for_update().get(pk=item.contract_line_id)
    line.accepted_quantity += accepted
    line.rejected_quantity += rejected
    line.save(update_fields=["accepted_quantity", "rejected_quantity"])
    audit.record(actor, "incoming_inspection.recorded", inspection, data={
        "order": locked.order.number, "contract": contract.number, "accepted": accepted,
        "rejected": rejected, **({"reason": reason} if reason else {})},
        on_behalf_of=principal)
    return inspection


@transaction.atomic
def supplier_return_open(*, inspection_id: int, actor, kind, quantity,
                         reason) -> SupplierReturn:
    """Send rejected goods back, or ask for an exchange (P5.2.3); at most the rejected
    quantity not yet returned.

    Raises: ValidationFailed, NotFound, NotPermitted, TransitionNotAllowed.
    """
    errors = Errors()
    kind = errors.choice("kind", kind, ReturnKind.choices)
    quantity = errors.decimal("quantity", quantity, positive=True, max_value=MAX_QUANTITY,
                              places=3)
    reason = errors.text("reason", reason, required=True, max_length=MAX_TEXT)
    contract_id = _order_of(IncomingInspection, inspection_id,
                            "delivery_line__delivery__contract_id")
    locked, contract = _lock_contract(contract_id, actor)
    inspection = IncomingInspection.objects.get(pk=inspection_id)
    _require_state(contract, "return")
    returned = sum(SupplierReturn.objects.filter(inspection_id=inspection.pk)
                   .values_list("quantity", flat=True), Decimal("0"))
    left = rules.returnable(inspection.rejected_quantity, returned)
    if quantity is not None and quantity > left:
        errors.add("quantity", _("At most the rejected quantity not yet returned (%(n)s).")
                   % {"n": left.normalize()})
    errors.raise_if_any()
    ret = SupplierReturn.objects.create(inspection=inspection, contract=contract, kind=kind,
                                        quantity=quantity, reason=reason, created_by=actor,
                                        created_at=clock.now())
    audit.record(actor, "supplier_return.opened", ret, to_state=ret.status, data={
        "order": locked.order.number, "contract": contract.number, "kind": kind,
        "quantity": quantity, "reason": reason}, on_behalf_of=locked.principal)
    return ret


@transaction.atomic
def supplier_return_close(*, return_id: int, actor, resolution,
                          replacement_received_on=None) -> SupplierReturn:
    """The supplier took the goods back or replaced them (P5.2.3); an exchange needs the
    date the replacement arrived.

    Raises: ValidationFailed, NotFound, NotPermitted, TransitionNotAllowed (not open).
    """
    errors = Errors()
    resolution = errors.text("resolution", resolution, required=True, max_length=MAX_TEXT)
    replacement = errors.date("replacement_received_on", replacement_received_on,
                              required=False)
    _not_future(errors, "replacement_received_on", replacement)
    contract_id = (SupplierReturn.objects.filter(pk=return_id)
                   .values_list("contract_id", flat=True).first())
    if contract_id is None:
        raise NotFound(_("Return not found."))
    locked, contract = _lock_contract(contract_id, actor)
    ret = SupplierReturn.objects.select_for_update().get(pk=return_id)
    if ret.status != ReturnStatus.OPEN:
        raise TransitionNotAllowed(_("This return is already closed."))
    if ret.kind == ReturnKind.EXCHANGE and replacement is None and \
            "replacement_received_on" not in errors.errors:
        errors.add("replacement_received_on",
                   _("Enter when the replacement was received."))
    if ret.kind == ReturnKind.RETURN and replacement is not None:
        errors.add("replacement_received_on", _("Only an exchange has a replacement."))
    if replacement and replacement < ret.created_at.date():
        errors.add("replacement_received_on",
                   _("The replacement cannot arrive before the exchange was asked for."))
    errors.raise_if_any()
    ret.status, ret.resolution, ret.replacement_received_on = (
        ReturnStatus.CLOSED, resolution, replacement)
    ret.closed_by, ret.closed_at = actor, clock.now()
    ret.save(update_fields=["status", "resolution", "replacement_received_on", "closed_by",
                            "closed_at"])
    audit.record(actor, "supplier_return.closed", ret, from_state=ReturnStatus.OPEN,
                 to_state=ret.status, data={"order": locked.order.number,
                                            "contract": contract.number,
                                            "resolution": resolution,
                                            "replacement_received_on": replacement},
                 on_behalf_of=locked.principal)
    return ret
