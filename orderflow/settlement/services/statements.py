"""The settlement statement (P7.1.1, P7.2.1): built from the order's agreed prices and the
quantities actually delivered when Sales starts the settlement; Sales may settle less than
delivered per line (e.g. excluding rejected goods), never more."""

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from orderflow.audit import services as audit
from orderflow.core import clock
from orderflow.core.errors import Conflict, TransitionNotAllowed
from orderflow.core.validation import Errors, as_id
from orderflow.orders.models import Order
from orderflow.orders.services import OrderOf, apply_transition, lock_order, register_action

from ..domain.money import line_money, quantity_problem, statement_totals
from ..models import SettlementStatement, StatementLine, StatementStatus
from .common import (
    delivered_quantities,
    finance_members,
    live_statement,
    require_in_settlement,
    require_sales,
    tell,
)


def build_statement(order: Order, actor, *, revision: int,
                    quantities: dict[int, Decimal] | None = None) -> SettlementStatement:
    """A draft statement of a locked order: one line per order line at the agreed price,
    the quantity delivered (or the given one, capped at delivered)."""
    delivered = delivered_quantities(order.pk)
    statement = SettlementStatement(
        order=order, revision=revision, number=f"JS-{order.number}-{revision}",
        currency=order.currency, tax_rate=order.tax_rate, created_by=actor,
        created_at=clock.now(), total_net=0, total_tax=0, total_gross=0)
    lines = []
    for ol in order.lines.select_related("product").order_by("position"):
        got = delivered.get(ol.pk, Decimal("0"))
        qty = min(got, (quantities or {}).get(ol.pk, got))
        lines.append(StatementLine(
            statement=statement, order_line=ol, position=ol.position,
            name=ol.description or ol.product.name,
            specification=ol.specification or ol.product.specification, unit=ol.unit,
            delivered_quantity=got, quantity=qty, unit_price=ol.unit_price,
            tax_rate=order.tax_rate, amount=0, tax=0, total=0))
    _price(statement, lines)
    statement.save()
    StatementLine.objects.bulk_create(lines)
    return statement


def _price(statement: SettlementStatement, lines: list[StatementLine]) -> None:
    """Line amounts, taxes and totals; the statement's totals are the sums of its lines."""
    moneys = []
    for line in lines:
        money = line_money(line.quantity, line.unit_price, line.tax_rate)
        line.amount, line.tax, line.total = money.amount, money.tax, money.total
        moneys.append(money)
    totals = statement_totals(moneys)
    statement.total_net, statement.total_tax = totals.net, totals.tax
    statement.total_gross = totals.gross


@register_action("start_settlement")
@transaction.atomic
def settlement_start(*, order_id: int, actor, **_ignored) -> Order:
    """Sales starts the settlement of an executed order (P7.1.2): the first statement is
    drafted from the deliveries (P7.1.1).

    Raises:
        NotFound, NotPermitted (not the Sales owner), TransitionNotAllowed (not executed),
        Conflict (nothing delivered).
    """
    order = lock_order(order_id, actor)
    apply_transition(order, "start_settlement", actor)
    statement = build_statement(order, actor, revision=1)
    if statement.total_gross <= 0:
        raise Conflict(_("Nothing of this order has been delivered: there is nothing to "
                         "settle."))
    audit.record(actor, "settlement.statement_drafted", statement, data={
        "order": order.number, "number": statement.number,
        "total": str(statement.total_gross)})
    tell(finance_members(), order, kind="settlement.started",
         title=gettext_lazy("Order %(number)s is in settlement"))
    return order


def _locked_statement(statement_id: int, actor) -> tuple[Order, SettlementStatement]:
    order = lock_order(OrderOf(SettlementStatement.objects.filter(pk=statement_id),
                               missing=_("Settlement statement not found.")), actor)
    statement = SettlementStatement.objects.select_for_update().get(pk=statement_id)
    return order, statement


def locked_draft(statement_id: int, actor) -> tuple[Order, SettlementStatement]:
    """(order, statement) locked, checked: the Sales owner, a draft of an order in
    settlement.

    Raises:
        NotFound, NotPermitted, TransitionNotAllowed.
    """
    order, statement = _locked_statement(statement_id, actor)
    require_sales(actor, order)
    require_in_settlement(order)
    if statement.status != StatementStatus.DRAFT:
        raise TransitionNotAllowed(_("Only a draft statement can be changed or submitted."))
    return order, statement


def _checked_quantities(errors: Errors, lines: dict[int, StatementLine], given) -> dict:
    """{order line id: quantity} validated field by field (lines.<order line id>)."""
    wanted = {}
    if not isinstance(given, dict) or not given:
        errors.add("lines", _("Give the quantity of at least one line."))
        return wanted
    for key, raw in given.items():
        field = f"lines.{key}"
        line_id = as_id(key)
        line = lines.get(line_id) if line_id is not None else None
        if line is None:
            errors.add(field, _("This is not a line of the order."))
            continue
        qty = errors.decimal(field, raw, places=3, min_value=Decimal("0"))
        if qty is None or field in errors.errors:
            continue
        if quantity_problem(qty, line.delivered_quantity) == "over_delivered":
            errors.add(field, _("At most the quantity delivered (%(delivered)s): a "
                                "statement cannot settle undelivered quantities.")
                       % {"delivered": f"{line.delivered_quantity.normalize():f}"})
            continue
        wanted[line.order_line_id] = qty
    return wanted


@transaction.atomic
def statement_set_quantities(*, statement_id: int, actor, quantities: dict
                             ) -> SettlementStatement:
    """Sales corrects the quantities settled per line (P7.1.1), keyed by order line id;
    never more than delivered, never negative.

    Raises:
        NotFound, NotPermitted, TransitionNotAllowed (not a draft), ValidationFailed
        ("lines.<order line id>": over delivered, negative, not a number).
    """
    order, statement = locked_draft(statement_id, actor)
    lines = {ln.order_line_id: ln for ln in statement.lines.order_by("position")}
    errors = Errors()
    wanted = _checked_quantities(errors, lines, quantities)
    errors.raise_if_any()
    before = {str(k): str(ln.quantity) for k, ln in lines.items()}
    for order_line_id, qty in wanted.items():
        lines[order_line_id].quantity = qty
    _price(statement, list(lines.values()))
    StatementLine.objects.bulk_update(list(lines.values()),
                                      ["quantity", "amount", "tax", "total"])
    statement.save(update_fields=["total_net", "total_tax", "total_gross"])
    audit.record(actor, "settlement.statement_changed", statement, data={
        "order": order.number, "before": before,
        "after": {str(k): str(ln.quantity) for k, ln in lines.items()},
        "total": str(statement.total_gross)})
    return statement


def supersede(order: Order, statement: SettlementStatement, actor,
              reason: str) -> SettlementStatement:
    """Finance returned the statement: keep it as returned, draft the next revision with
    the same quantities (capped at what is delivered now)."""
    statement.status, statement.returned_at = StatementStatus.RETURNED, clock.now()
    statement.returned_reason = reason
    statement.save(update_fields=["status", "returned_at", "returned_reason"])
    quantities = dict(statement.lines.values_list("order_line_id", "quantity"))
    return build_statement(order, actor, revision=statement.revision + 1,
                           quantities=quantities)


def current_statement(order: Order) -> SettlementStatement | None:
    return live_statement(order)
