"""Logistics (P5.4.2): shipments of an order, partial ones allowed, and their delivery
with the proof of delivery. Per order line, everything shipped stays within the ordered
quantity plus the company's tolerance, and within what passed final inspection plus the
approved concessions; the order row lock makes two shipments decide one after the other.
"""

from decimal import Decimal
from pathlib import PurePath

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from orderflow.audit import services as audit
from orderflow.core import clock
from orderflow.core.errors import TransitionNotAllowed, ValidationFailed
from orderflow.core.validation import Errors
from orderflow.documents.uploads import validate_upload
from orderflow.notifications.services import notify
from orderflow.orders.models import OrderLine

from ..domain.shipping import LineFacts, ShipLine, check_delivery, check_shipment
from ..models import (
    Concession,
    ConcessionStatus,
    InspectionRecord,
    InspectionStage,
    Shipment,
    ShipmentLine,
    ShipmentStatus,
)
from .common import lock_package, next_number, order_of
from .settings import execution_settings_get

DEPT = "logistics"
MAX_NOTES = 2000
MAX_LINES = 500
MAX_PACKAGES = 100000


def _shipment_problem(code: str, params: dict) -> str:
    messages = {
        "not_on_order": _("This line is not on the order."),
        "duplicate_line": _("Line %(line)s appears twice in this shipment."),
        "over_shipment": _("Over-shipment: line %(line)s has %(ordered)s ordered, at most "
                           "%(max)s may be shipped and %(shipped)s was already shipped."),
        "not_inspected": _("Line %(line)s: only %(allowed)s passed final inspection or has "
                           "an approved concession, and %(shipped)s was already shipped."),
    }
    return messages[code] % {k: _number(v) for k, v in params.items()}


def _number(value):
    """3.000 -> 3, 1.250 -> 1.25 in messages."""
    if isinstance(value, Decimal):
        text = f"{value:f}"
        return text.rstrip("0").rstrip(".") if "." in text else text
    return value


def _parse_lines(errors: Errors, lines) -> list[ShipLine]:
    """The requested lines, field by field (lines.N.order_line_id, lines.N.quantity)."""
    if not isinstance(lines, list | tuple) or not lines:
        errors.add("lines", _("Ship at least one line."))
        return []
    if len(lines) > MAX_LINES:
        errors.add("lines", _("At most %(n)s lines.") % {"n": MAX_LINES})
        return []
    parsed = []
    for index, line in enumerate(lines):
        line = line if isinstance(line, dict) else {}
        line_id = errors.integer(f"lines.{index}.order_line_id", line.get("order_line_id"),
                                 min_value=1)
        quantity = errors.decimal(f"lines.{index}.quantity", line.get("quantity"),
                                  positive=True, places=3, max_value=Decimal("99999999999"))
        if line_id is not None and quantity is not None and quantity > 0:
            parsed.append(ShipLine(index, line_id, quantity))
    return parsed


def _line_facts(order_id: int) -> dict[int, LineFacts]:
    """Per order line: ordered, shipped so far, passed final inspection, approved
    concessions (read under the order's row lock, so never stale for the decision)."""
    shipped = dict(ShipmentLine.objects.filter(shipment__order_id=order_id)
                   .values("order_line_id").annotate(q=Sum("quantity"))
                   .values_list("order_line_id", "q"))
    passed = dict(InspectionRecord.objects.filter(order_id=order_id,
                                                  stage=InspectionStage.FINAL)
                  .values("order_line_id").annotate(q=Sum("quantity_passed"))
                  .values_list("order_line_id", "q"))
    conceded = dict(Concession.objects.filter(order_id=order_id,
                                              status=ConcessionStatus.APPROVED)
                    .values("order_line_id").annotate(q=Sum("quantity"))
                    .values_list("order_line_id", "q"))
    zero = Decimal(0)
    return {pk: LineFacts(position, quantity, shipped.get(pk) or zero,
                          passed.get(pk) or zero, conceded.get(pk) or zero)
            for pk, position, quantity in OrderLine.objects.filter(order_id=order_id)
            .values_list("pk", "position", "quantity")}


@transaction.atomic
def shipment_create(*, order_id: int, actor, carrier, packages_count, shipped_on, lines,
                    tracking_number="", damage_notes="") -> Shipment:
    """Ship (part of) an order (P5.4.2): "SH-YYYY-NNNNN", partial shipments allowed.

    Raises:
        NotFound, NotPermitted (not Logistics or its deputy), TransitionNotAllowed (order
        not in execution, package done), ValidationFailed field by field (carrier,
        packages_count, shipped_on in the future, lines.N.quantity not positive, line not
        on the order or twice, over-shipment beyond the tolerance, more than passed final
        inspection plus approved concessions).
    """
    errors = Errors()
    carrier = errors.text("carrier", carrier, required=True, max_length=100)
    tracking_number = errors.text("tracking_number", tracking_number, max_length=64)
    damage_notes = errors.text("damage_notes", damage_notes, max_length=MAX_NOTES)
    count = errors.integer("packages_count", packages_count, min_value=1)
    if count is not None and count > MAX_PACKAGES:
        errors.add("packages_count", _("Must be at most %(v)s.") % {"v": MAX_PACKAGES})
    shipped_on = errors.date("shipped_on", shipped_on)
    if shipped_on and shipped_on > clock.today():
        errors.add("shipped_on", _("The shipping date cannot be in the future."))
    requested = _parse_lines(errors, lines)
    # Lock first (P5.4.2): a second shipment waits here and then sees this one's lines.
    locked = lock_package(order_id, DEPT, actor)
    order = locked.order
    tolerance = execution_settings_get().shipment_tolerance_percent
    for problem in check_shipment(requested, _line_facts(order.pk), tolerance):
        errors.add(problem.field, _shipment_problem(problem.code, problem.params))
    errors.raise_if_any()
    number = next_number("SH", clock.today().year)
    shipment = Shipment.objects.create(
        order=order, package=locked.package, created_by=actor, on_behalf_of=locked.principal,
        created_at=clock.now(), number=number, carrier=carrier,
        tracking_number=tracking_number, packages_count=count, shipped_on=shipped_on,
        damage_notes=damage_notes)
    ShipmentLine.objects.bulk_create([
        ShipmentLine(shipment=shipment, order_line_id=line.order_line_id,
                     quantity=line.quantity) for line in requested])
    audit.record(actor, "shipment.created", shipment, to_state=ShipmentStatus.SHIPPED,
                 data={"order": order.number, "carrier": carrier,
                       "shipped_on": shipped_on.isoformat(), "packages": count,
                       "lines": {str(line.order_line_id): str(line.quantity)
                                 for line in requested}},
                 on_behalf_of=locked.principal)
    return shipment


def _check_proof(errors: Errors, upload) -> None:
    """The company's file limits (documents.uploads), reported on proof_of_delivery."""
    if upload is None:
        return
    try:
        validate_upload(upload)
    except ValidationFailed as exc:
        for message in exc.errors.get("file", []):
            errors.add("proof_of_delivery", message)


def _delivery_problem(code: str, params: dict) -> str:
    if code == "in_future":
        return _("The delivery date cannot be in the future.")
    return _("The delivery date cannot be before the shipping date (%(date)s).") % {
        "date": params["shipped_on"].isoformat()}


@transaction.atomic
def shipment_deliver(*, shipment_id: int, actor, delivered_on, received_by="",
                     damage_notes="", proof_of_delivery=None) -> Shipment:
    """The customer received the shipment (P5.4.2): shipped -> delivered, with who signed,
    any damage and the proof of delivery; the salesperson is told (P6.1.1).

    Raises:
        NotFound, NotPermitted (not Logistics), TransitionNotAllowed (already delivered,
        order not in execution), ValidationFailed (delivered_on missing, in the future or
        before shipped_on; bad proof file).
    """
    errors = Errors()
    delivered_on = errors.date("delivered_on", delivered_on)
    received_by = errors.text("received_by", received_by, max_length=64)
    damage_notes = errors.text("damage_notes", damage_notes, max_length=MAX_NOTES)
    _check_proof(errors, proof_of_delivery)
    locked = lock_package(order_of(Shipment, shipment_id), DEPT, actor)
    shipment = Shipment.objects.select_for_update().get(pk=shipment_id)
    if shipment.status != ShipmentStatus.SHIPPED:
        raise TransitionNotAllowed(_("Shipment %(number)s is already delivered.")
                                   % {"number": shipment.number})
    for problem in check_delivery(shipped_on=shipment.shipped_on, delivered_on=delivered_on,
                                  today=clock.today()):
        errors.add(problem.field, _delivery_problem(problem.code, problem.params))
    errors.raise_if_any()
    _write_delivery(shipment, actor, delivered_on, received_by, damage_notes,
                    proof_of_delivery)
    audit.record(actor, "shipment.delivered", shipment, from_state=ShipmentStatus.SHIPPED,
                 to_state=ShipmentStatus.DELIVERED,
                 data={"order": locked.order.number, "delivered_on": delivered_on.isoformat(),
                       "received_by": received_by, "damage_notes": damage_notes,
                       "proof": shipment.proof_of_delivery.name or ""},
                 on_behalf_of=locked.principal)
    _tell_sales(locked.order, shipment, damage_notes)
    return shipment


def _write_delivery(shipment, actor, delivered_on, received_by, damage_notes, proof) -> None:
    shipment.status, shipment.delivered_on = ShipmentStatus.DELIVERED, delivered_on
    shipment.received_by = received_by
    if damage_notes:
        shipment.damage_notes = "\n".join(filter(None, [shipment.damage_notes, damage_notes]))
    shipment.delivered_recorded_by, shipment.delivered_recorded_at = actor, clock.now()
    fields = ["status", "delivered_on", "received_by", "damage_notes",
              "delivered_recorded_by", "delivered_recorded_at"]
    if proof is not None:
        shipment.proof_of_delivery.save(PurePath(proof.name).name, proof, save=False)
        fields.append("proof_of_delivery")
    shipment.save(update_fields=fields)


def _tell_sales(order, shipment, damage_notes: str) -> None:
    """P6.1.1: Sales tracks the order; a damaged delivery is said in the title."""
    if damage_notes:
        title = gettext_lazy("Shipment %(shipment)s of order %(number)s was delivered "
                             "with damage")
    else:
        title = gettext_lazy("Shipment %(shipment)s of order %(number)s was delivered")
    notify(recipients=[order.salesperson], kind="logistics.delivered", title=title,
           params={"shipment": shipment.number, "number": order.number},
           body=damage_notes, url=f"/orders/{order.pk}/")


def completion_blockers(package) -> list[str]:
    """Why Logistics cannot finish yet (P5.4.2): a line shipped less than ordered, or a
    shipment not delivered yet. Called under the order lock."""
    facts = _line_facts(package.order_id)
    reasons = [_("line %(line)s: %(shipped)s of %(ordered)s shipped")
               % {"line": f.position, "shipped": _number(f.shipped),
                  "ordered": _number(f.ordered)}
               for f in sorted(facts.values(), key=lambda f: f.position)
               if f.shipped < f.ordered]
    open_numbers = list(Shipment.objects.filter(order_id=package.order_id,
                                                status=ShipmentStatus.SHIPPED)
                        .order_by("id").values_list("number", flat=True))
    if open_numbers:
        reasons.append(_("not delivered yet: %(numbers)s") % {"numbers": ", ".join(open_numbers)})
    return reasons
