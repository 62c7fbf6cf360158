"""Helpers shared by the order and intake tests (given-steps and 'nothing changed' snapshots)."""

from orderflow.audit.models import AuditEvent
from orderflow.intake.models import CheckReport, CustomerCommunication, Escalation
from orderflow.notifications.models import Notification
from orderflow.orders.models import (
    Order,
    OrderLine,
    OrderSequence,
    PaymentInstalment,
    SpecialRequirement,
)
from orderflow.orders.services import order_create
from orderflow.testing.factories import order_payload

WRITTEN_MODELS = (Order, OrderLine, PaymentInstalment, SpecialRequirement, AuditEvent,
                  CheckReport, CustomerCommunication, Escalation, Notification)


def row_counts() -> dict:
    """How many rows each written table holds, plus the order number counters."""
    counts = {model.__name__: model.objects.count() for model in WRITTEN_MODELS}
    counts["sequences"] = sorted(OrderSequence.objects.values_list("year", "last_number"))
    return counts


def order_state(order_id: int) -> dict:
    """Everything about one order that a refused action must leave alone."""
    order = Order.objects.get(pk=order_id)
    return {
        "row": {f.attname: getattr(order, f.attname) for f in Order._meta.concrete_fields},
        "lines": list(order.lines.values_list("position", "product_id", "quantity",
                                              "unit_price", "amount")),
        "instalments": list(order.instalments.values_list("position", "percent", "trigger",
                                                          "days")),
        "requirements": list(order.special_requirements.values_list("kind", "description")),
        "events": list(AuditEvent.objects.filter(object_type="orders.order",
                                                 object_id=str(order_id))
                       .values_list("id", flat=True)),
        "escalations": list(order.escalations.values_list("decision", "decided_by_id")),
        "reports": order.check_reports.count(),
    }


def make_order(actor, customer, products, **overrides) -> Order:
    return order_create(actor=actor, **order_payload(customer, products, **overrides))


def put_in_state(order: Order, status: str, resume_status: str = "") -> Order:
    """Given: the order already went that far (later capabilities drive these steps)."""
    Order.objects.filter(pk=order.pk).update(status=status, resume_status=resume_status)
    order.refresh_from_db()
    return order
