"""Procurement execution (P5.2): purchase contracts with suppliers (P5.2.1), supplier
deliveries and the communication log (P5.2.2), incoming inspection and returns or
exchanges (P5.2.3), the late-delivery sweep and the package's completion guard.

Every write: validate, lock the order then the procurement package (common.lock_package),
check who, lock the contract, check its state (domain.procurement.CONTRACT_ACTIONS),
write, audit. Only the members of the order's procurement package (or a deputy of one)
write here; incoming inspection may also be recorded by any Quality member (P5.2.3).
"""

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from orderflow.accounts.domain.organisation import Dept
from orderflow.accounts.models import User
from orderflow.accounts.selectors import users_with
from orderflow.audit import services as audit
from orderflow.core import clock
from orderflow.core.errors import Conflict, NotFound, NotPermitted, TransitionNotAllowed
from orderflow.core.validation import Errors
from orderflow.masterdata.models import Product, Supplier
from orderflow.notifications.services import notify
from orderflow.release.permissions import package_authority

from ..domain import procurement as rules
from ..models import (
    CommunicationChannel,
    CommunicationTopic,
    ContractStatus,
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
from .common import Locked, lock_package, next_number, order_id_of

DEPT = Dept.PROCUREMENT.value
MAX_LINES = 100
MAX_LISTED = 10          # contract numbers named in a completion blocker
MAX_TEXT = 4000
MAX_QUANTITY = Decimal("99999999999.999")   # max_digits=14, decimal_places=3
MAX_PRICE = Decimal("999999999999.99")      # max_digits=14, decimal_places=2
_STATUS_LABELS = dict(ContractStatus.choices)
RECEIVED_TITLE = gettext_lazy("Goods received on purchase contract %(number)s (order "
                              "%(order)s): incoming inspection needed.")
LATE_TITLE = gettext_lazy("Purchase contract %(number)s (order %(order)s) is late: "
                          "delivery was due on %(due)s.")


# -- shared steps -----------------------------------------------------------------------

def _lock_contract(contract_id: int, actor, *, member: bool = True) -> tuple[Locked,
                                                                           PurchaseContract]:
    """Lock the contract's order, its procurement package (checking the actor works on it
    unless member=False), then the contract."""
    locked = lock_package(order_id_of(PurchaseContract, contract_id), DEPT, actor,
                          member=member)
    contract = (PurchaseContract.objects.select_for_update(of=("self",))
                .select_related("supplier").filter(pk=contract_id, order_id=locked.order.pk)
                .first())
    if contract is None:
        raise NotFound(_("Purchase contract not found."))
    contract.order = locked.order
    return locked, contract


def _require_state(contract: PurchaseContract, action: str) -> None:
    if not rules.allows(contract.status, action):
        raise TransitionNotAllowed(
            _("This is not possible while the purchase contract is “%(state)s”.")
            % {"state": _STATUS_LABELS.get(contract.status, contract.status)})


def _order_of(model, pk: int, path: str) -> int:
    """The order (or contract) id of a record below a contract, found along `path`."""
    order_id = model.objects.filter(pk=pk).values_list(path, flat=True).first()
    if order_id is None:
        raise NotFound(_("%(what)s not found.") % {"what": model._meta.verbose_name})
    return order_id


def _not_future(errors: Errors, field: str, day: dt.date | None) -> None:
    if day is not None and day > clock.today():
        errors.add(field, _("This date cannot be in the future."))


def _moment(errors: Errors, field: str, value) -> dt.datetime | None:
    """A date and time (ISO text or datetime; naive means company time), not in the future."""
    if value in (None, ""):
        errors.add(field, _("This field is required."))
        return None
    if isinstance(value, dt.datetime):
        moment = value
    else:
        try:
            moment = dt.datetime.fromisoformat(str(value).strip())
        except ValueError:
            errors.add(field, _("Enter a valid date and time (YYYY-MM-DD HH:MM)."))
            return None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    if moment > clock.now() + dt.timedelta(minutes=5):
        errors.add(field, _("This moment cannot be in the future."))
    return moment


def _id(errors: Errors, field: str, value) -> int | None:
    number = errors.integer(field, value, min_value=1)
    if number is not None and number >= 2**63:
        errors.add(field, _("Select a valid choice."))
        return None
    return number


# -- purchase contracts (P5.2.1) ---------------------------------------------------------

def _clean_line(errors: Errors, i: int, line: dict) -> dict:
    prefix = f"lines.{i}."
    row = {"description": errors.text(prefix + "description", line.get("description"),
                                      required=True, max_length=200),
           "specification": errors.text(prefix + "specification", line.get("specification"),
                                        max_length=200),
           "quantity": errors.decimal(prefix + "quantity", line.get("quantity"), positive=True,
                                      max_value=MAX_QUANTITY, places=3),
           "unit": errors.text(prefix + "unit", line.get("unit"), required=True,
                               max_length=16),
           "unit_price": errors.decimal(prefix + "unit_price", line.get("unit_price"),
                                        min_value=0, max_value=MAX_PRICE, places=2),
           "product_id": None}
    if line.get("product_id") not in (None, ""):
        row["product_id"] = _id(errors, prefix + "product_id", line.get("product_id"))
    return row


def _clean_contract(errors: Errors, *, supplier_id, contract_date, delivery_date, lines,
                    note) -> dict:
    clean = {"supplier_id": _id(errors, "supplier_id", supplier_id),
             "contract_date": errors.date("contract_date", contract_date),
             "delivery_date": errors.date("delivery_date", delivery_date),
             "note": errors.text("note", note, max_length=MAX_TEXT)}
    if clean["supplier_id"] is not None and not Supplier.objects.filter(
            pk=clean["supplier_id"], is_active=True).exists():
        errors.add("supplier_id", _("Choose an active supplier."))
    if (clean["contract_date"] and clean["delivery_date"]
            and clean["delivery_date"] < clean["contract_date"]):
        errors.add("delivery_date", _("The delivery date cannot be before the contract date."))
    lines = [line for line in (lines or []) if isinstance(line, dict)]
    if not lines:
        errors.add("lines", _("Enter at least one item."))
    elif len(lines) > MAX_LINES:
        errors.add("lines", _("At most %(n)s items.") % {"n": MAX_LINES})
    rows = [_clean_line(errors, i, line) for i, line in enumerate(lines[:MAX_LINES])]
    products = {r["product_id"] for r in rows if r["product_id"]}
    known = set(Product.objects.filter(pk__in=products).values_list("pk", flat=True))
    for i, row in enumerate(rows):
        if row["product_id"] and row["product_id"] not in known:
            errors.add(f"lines.{i}.product_id", _("Choose an existing product."))
    clean["lines"] = rows
    return clean


@transaction.atomic
def purchase_contract_create(*, order_id: int, actor, supplier_id, contract_date,
                             delivery_date, lines: list[dict], note: str = "") -> PurchaseContract:
    """A draft purchase contract for the order (P5.2.1): supplier, items with quantity and
    price, agreed delivery date; numbered PC-YYYY-NNNNN, total = sum of the amounts.

    Raises:
        ValidationFailed (field paths like `delivery_date`, `lines.0.quantity`),
        NotFound, NotPermitted (not Procurement), TransitionNotAllowed.
    """
    errors = Errors()
    clean = _clean_contract(errors, supplier_id=supplier_id, contract_date=contract_date,
                            delivery_date=delivery_date, lines=lines, note=note)
    errors.raise_if_any()
    locked = lock_package(order_id, DEPT, actor)
    now = clock.now()
    rows = [{**r, "amount": rules.line_amount(r["quantity"], r["unit_price"])}
            for r in clean.pop("lines")]
    contract = PurchaseContract.objects.create(
        order=locked.order, package=locked.package, created_by=actor,
        on_behalf_of=locked.principal, created_at=now, updated_at=now,
        number=next_number("PC", clock.today().year),
        total_amount=sum((r["amount"] for r in rows), Decimal("0")), **clean)
    PurchaseContractLine.objects.bulk_create(
        PurchaseContractLine(contract=contract, position=i, **row)
        for i, row in enumerate(rows, start=1))
    audit.record(actor, "purchase_contract.created", contract, to_state=contract.status,
                 data={"order": locked.order.number, "supplier": contract.supplier_id,
                       "total": contract.total_amount, "lines": len(rows),
                       "delivery_date": contract.delivery_date},
                 on_behalf_of=locked.principal)
    return contract


def _move(contract: PurchaseContract, action: str, actor, locked: Locked, data: dict,
          **fields) -> PurchaseContract:
    from_state = contract.status
    contract.status = rules.CONTRACT_TARGETS[action]
    contract.updated_at = clock.now()
    for name, value in fields.items():
        setattr(contract, name, value)
    contract.save(update_fields=["status", "updated_at", *fields])
    audit.record(actor, f"purchase_contract.{contract.status}", contract,
                 from_state=from_state, to_state=contract.status,
                 data={"order": locked.order.number, **data}, on_behalf_of=locked.principal)
    return contract


@transaction.atomic
def purchase_contract_sign(*, contract_id: int, actor) -> PurchaseContract:
    """Procurement signs the draft contract (P5.2.1): only a member of the order's
    procurement package, or a deputy of one, signs.

    Raises: NotFound, NotPermitted, TransitionNotAllowed (not a draft).
    """
    locked, contract = _lock_contract(contract_id, actor)
    _require_state(contract, "sign")
    return _move(contract, "sign", actor, locked, {"total": contract.total_amount},
                 signed_by=actor, signed_at=clock.now())


@transaction.atomic
def purchase_contract_cancel(*, contract_id: int, actor, reason: str) -> PurchaseContract:
    """Cancel a draft or signed contract against which nothing was received.

    Raises: ValidationFailed (no reason), NotFound, NotPermitted, TransitionNotAllowed.
    """
    errors = Errors()
    reason = errors.text("reason", reason, required=True, max_length=MAX_TEXT)
    errors.raise_if_any()
    locked, contract = _lock_contract(contract_id, actor)
    _require_state(contract, "cancel")
    if SupplierDelivery.objects.filter(contract_id=contract.pk).exists():
        raise TransitionNotAllowed(_("Goods were already received against this contract; "
                                     "it cannot be cancelled."))
    return _move(contract, "cancel", actor, locked, {"reason": reason})


def _close_reasons(contract: PurchaseContract) -> list[str]:
    lines = list(PurchaseContractLine.objects.filter(contract_id=contract.pk)
                 .values_list("quantity", "received_quantity"))
    uninspected = SupplierDeliveryLine.objects.filter(
        delivery__contract_id=contract.pk, inspection__isnull=True).count()
    open_returns = SupplierReturn.objects.filter(contract_id=contract.pk,
                                                 status=ReturnStatus.OPEN).count()
    words = {"not_received": _("not everything has been received"),
             "not_inspected": _("delivered items awaiting incoming inspection: %(n)s")
             % {"n": uninspected},
             "open_returns": _("returns or exchanges still open: %(n)s") % {"n": open_returns}}
    return [words[code] for code in rules.close_blockers(
        lines=lines, uninspected=uninspected, open_returns=open_returns)]


@transaction.atomic
def purchase_contract_close(*, contract_id: int, actor) -> PurchaseContract:
    """Close a signed contract: everything received and inspected, no open return (P5.2).

    Raises: NotFound, NotPermitted, TransitionNotAllowed (wrong state or not finished).
    """
    locked, contract = _lock_contract(contract_id, actor)
    _require_state(contract, "close")
    reasons = _close_reasons(contract)
    if reasons:
        raise TransitionNotAllowed(_("The contract cannot be closed yet: %(reasons)s.")
                                   % {"reasons": "；".join(reasons)})
    return _move(contract, "close", actor, locked, {}, closed_at=clock.now())


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
    order_id = _order_of(SupplierDeliveryLine, delivery_line_id, "delivery__contract__order_id")
    locked = lock_package(order_id, DEPT, actor, member=False)
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


# -- the late-delivery sweep (P5.2.2) and the completion guard (P5) -----------------------

def _late_candidates():
    owed = PurchaseContractLine.objects.filter(contract_id=OuterRef("pk"),
                                               received_quantity__lt=F("quantity"))
    return PurchaseContract.objects.filter(
        Exists(owed), status=ContractStatus.SIGNED, delivery_date__lt=clock.today(),
        late_alerted_at__isnull=True)


def _alert_one(pk: int, procurement: list) -> bool:
    """Claim one late contract (SKIP LOCKED), stamp it, tell Procurement and the order's
    salesperson. False if another worker has it or it is no longer late."""
    with transaction.atomic():
        contract = (_late_candidates().select_for_update(of=("self",), skip_locked=True)
                    .select_related("order", "order__salesperson").filter(pk=pk).first())
        if contract is None:
            return False
        now = clock.now()
        contract.late_alerted_at = now
        contract.save(update_fields=["late_alerted_at"])
        recipients = [*procurement, contract.order.salesperson]
        notify(recipients=recipients, kind="procurement.contract_late", title=LATE_TITLE,
               params={"number": contract.number, "order": contract.order.number,
                       "due": contract.delivery_date.isoformat()},
               url=f"/work-packages/{contract.package_id}/#contract-{contract.pk}")
        audit.record(None, "purchase_contract.late_alerted", contract, data={
            "order": contract.order.number, "delivery_date": contract.delivery_date,
            "notified": sorted({r.pk for r in recipients if r is not None and r.is_active})})
        return True


def procurement_late_sweep(*, limit: int = 500) -> int:
    """P5.2.2: alert once for each signed contract whose delivery date has passed with
    goods still owed; safe on several workers. Returns how many alerts went out."""
    ids = list(_late_candidates().order_by("delivery_date", "pk")
               .values_list("pk", flat=True)[:max(limit, 0)])
    if not ids:
        return 0
    procurement = list(users_with(dept=DEPT))
    return sum(_alert_one(pk, procurement) for pk in ids)


def completion_blockers(package) -> list[str]:
    """Why the procurement package cannot be done yet (empty: it can): contracts still in
    draft or signed but not closed, returns or exchanges still open (P5.2)."""
    unfinished = list(PurchaseContract.objects.filter(
        package_id=package.pk, status__in=[ContractStatus.DRAFT, ContractStatus.SIGNED])
        .order_by("number").values_list("status", "number")[:MAX_LISTED + 1])
    open_returns = SupplierReturn.objects.filter(contract__package_id=package.pk,
                                                 status=ReturnStatus.OPEN).count()
    reasons = []
    for status, message in (
            (ContractStatus.DRAFT, _("purchase contracts still in draft (sign or cancel "
                                     "them): %(numbers)s")),
            (ContractStatus.SIGNED, _("signed purchase contracts not closed: %(numbers)s"))):
        numbers = [number for state, number in unfinished if state == status]
        if numbers:
            reasons.append(message % {"numbers": "、".join(numbers[:MAX_LISTED])})
    if open_returns:
        reasons.append(_("returns or exchanges still open: %(n)s") % {"n": open_returns})
    return reasons
