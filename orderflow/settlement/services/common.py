"""What every settlement service shares: the order's live statement, delivered quantities,
the permission and state checks, and the statement's content hash."""

import hashlib
import json
from decimal import Decimal

from django.db.models import Sum
from django.utils.translation import gettext as _

from orderflow.accounts.selectors import users_with
from orderflow.core import clock
from orderflow.core.errors import NotPermitted, TransitionNotAllowed
from orderflow.core.validation import Errors
from orderflow.execution.models import ShipmentLine, ShipmentStatus
from orderflow.notifications.services import notify
from orderflow.orders.domain.lifecycle import State
from orderflow.orders.models import OrderLine
from orderflow.release.models import WorkPackage

from ..models import PaymentMethod, SettlementStatement, StatementStatus
from ..permissions import may_work_finance_side, may_work_sales_side, require_settlement_view

MAX_TEXT = 2000
MAX_AMOUNT = Decimal("99999999999999.99")


def require_sales(actor, order) -> None:
    require_settlement_view(actor)          # its amounts (P9.2.2), before who does what
    if not may_work_sales_side(actor, order):
        raise NotPermitted(_("Only the order's salesperson or the Sales head does this."))


def require_finance(actor) -> None:
    require_settlement_view(actor)
    if not may_work_finance_side(actor):
        raise NotPermitted(_("Only Finance does this."))


def require_in_settlement(order) -> None:
    if order.status != State.IN_SETTLEMENT:
        raise TransitionNotAllowed(_("The order is not in settlement."))


def live_statement(order, *, lock: bool = False) -> SettlementStatement | None:
    """The order's statement that is not superseded (draft, in audit or audited)."""
    qs = SettlementStatement.objects.live().filter(order_id=order.pk)
    if lock:
        qs = qs.select_for_update()
    return qs.first()


def audited_statement(order) -> SettlementStatement:
    """The audited statement of an order in settlement (invoices, receipts need it).

    Raises:
        TransitionNotAllowed: not in settlement, or the statement not audited yet.
    """
    require_in_settlement(order)
    statement = live_statement(order)
    if statement is None or statement.status != StatementStatus.AUDITED:
        raise TransitionNotAllowed(_("Finance has not audited the settlement statement "
                                     "yet."))
    return statement


def delivered_quantities(order_id: int) -> dict[int, Decimal]:
    """{order line id: quantity delivered} over the order's delivered shipments (P7.1.1).
    An order released without a logistics package (nothing to ship, e.g. a service) was
    delivered as ordered once executed."""
    if not WorkPackage.objects.filter(order_id=order_id, department__code="logistics").exists():
        return dict(OrderLine.objects.filter(order_id=order_id)
                    .values_list("pk", "quantity"))
    rows = (ShipmentLine.objects.filter(shipment__order_id=order_id,
                                        shipment__status=ShipmentStatus.DELIVERED)
            .values("order_line_id").annotate(total=Sum("quantity")))
    return {row["order_line_id"]: row["total"] for row in rows}


def statement_content(statement: SettlementStatement, reconciliation=None) -> dict:
    """What the audit is bound to: lines, totals, the reconciliation confirmed."""
    lines = [[ln.order_line_id, f"{ln.quantity}", f"{ln.unit_price}", f"{ln.amount}",
              f"{ln.tax_rate}", f"{ln.tax}", f"{ln.total}"]
             for ln in statement.lines.order_by("position")]
    content = {"number": statement.number, "currency": statement.currency, "lines": lines,
               "totals": [f"{statement.total_net}", f"{statement.total_tax}",
                          f"{statement.total_gross}"]}
    if reconciliation is not None:
        content["reconciliation"] = [reconciliation.pk, f"{reconciliation.confirmed_amount}",
                                     reconciliation.payment_method]
    return content


def content_sha256(content: dict) -> str:
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def finance_members() -> list:
    return list(users_with(dept="finance"))


def tell(recipients, order, *, kind: str, title, params: dict | None = None, body="",
         exclude=None) -> None:
    """Notify people about an order's settlement, each in their own language."""
    skip = getattr(exclude, "pk", None)
    people = [u for u in recipients if u is not None and u.pk != skip]
    if people:
        notify(recipients=people, kind=kind, title=title,
               params={"number": order.number, **(params or {})}, body=body,
               url=f"/orders/{order.pk}/settlement/")


def money_received_values(errors: Errors, *, order_date, received_on, amount, method,
                          bank_reference, note) -> dict:
    """The fields of a receipt or an advance payment (P7.2.2), checked field by field:
    a date neither in the future nor before the order date, a positive amount, a known
    method."""
    values = money_moved_values(errors, date_field="received_on", day=received_on,
                                amount=amount, method=method, bank_reference=bank_reference,
                                note=note)
    day = values["received_on"]
    if day and "received_on" not in errors.errors and day < order_date:
        errors.add("received_on", _("The date cannot be before the order date "
                                    "(%(date)s).") % {"date": order_date.isoformat()})
    return values


def money_moved_values(errors: Errors, *, date_field: str, day, amount, method,
                       bank_reference, note) -> dict:
    """Money received or paid back: its date (under `date_field`) not in the future, a
    positive amount, a known method, the bank's reference and a note."""
    values = {
        date_field: errors.date(date_field, day),
        "amount": errors.decimal("amount", amount, positive=True, max_value=MAX_AMOUNT),
        "method": errors.choice("method", method, PaymentMethod.choices),
        "bank_reference": errors.text("bank_reference", bank_reference, max_length=64),
        "note": errors.text("note", note, max_length=MAX_TEXT),
    }
    if values[date_field] and values[date_field] > clock.today():
        errors.add(date_field, _("The date cannot be in the future."))
    return values
