"""The payment schedule (P7.2.2), built when Finance audits the statement."""

from django.db.models import Max, Min
from django.utils import timezone

from orderflow.approval.models import SignOff
from orderflow.core import clock
from orderflow.execution.models import Shipment, ShipmentStatus

from ..domain.schedule import Milestones, Term, plan_schedule
from ..models import Instalment, SettlementStatement


def milestones(order, statement: SettlementStatement) -> Milestones:
    """The dates the payment terms count from (P7.2.2)."""
    signed = (SignOff.objects.filter(order_id=order.pk).order_by("signed_at")
              .values_list("signed_at", flat=True).first())
    first_shipped = (Shipment.objects.filter(order_id=order.pk)
                     .aggregate(first=Min("shipped_on"))["first"])
    delivered = (Shipment.objects.filter(order_id=order.pk, status=ShipmentStatus.DELIVERED)
                 .aggregate(last=Max("delivered_on"))["last"])
    reconciled = (statement.reconciliations.order_by("-recorded_at", "-id")
                  .values_list("confirmed_on", flat=True).first())
    return Milestones(audited_on=clock.today(), order_date=order.order_date,
                      signed_on=timezone.localdate(signed) if signed else None,
                      first_shipped_on=first_shipped, delivery_date=order.delivery_date,
                      last_delivered_on=delivered, reconciled_on=reconciled)


def schedule_build(order, statement: SettlementStatement) -> list[Instalment]:
    """Instalments of the audited statement from the order's payment terms."""
    terms = [Term(p.percent, p.trigger, p.days) for p in order.instalments.order_by("position")]
    planned = plan_schedule(statement.total_gross, terms, milestones(order, statement))
    return Instalment.objects.bulk_create([
        Instalment(order=order, statement=statement, position=p.position, percent=p.percent,
                   trigger=p.trigger, days=p.days, amount=p.amount, due_date=p.due_date)
        for p in planned])
