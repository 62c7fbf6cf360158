"""Overdue reminders (P7.2.3): the salesperson and Finance hear of each overdue
instalment at most once a day. Safe on several workers: each instalment is claimed with
SKIP LOCKED and stamped with the day it was reminded."""

from django.db import transaction
from django.db.models import F, Q
from django.utils.translation import gettext_lazy

from orderflow.archive.permissions import may_see_prices
from orderflow.audit import services as audit
from orderflow.core import clock
from orderflow.notifications.services import notify
from orderflow.orders.domain.lifecycle import State

from ..domain.money import money_text
from ..models import Instalment
from .common import finance_members

OVERDUE_TITLE = gettext_lazy("Order %(number)s: instalment %(position)s of %(amount)s was "
                             "due on %(due)s and is not paid in full")


def _overdue(today):
    return Instalment.objects.filter(
        Q(reminded_on__isnull=True) | Q(reminded_on__lt=today),
        paid_amount__lt=F("amount"), due_date__lt=today,
        order__status=State.IN_SETTLEMENT)


def _remind_one(pk: int, finance: list, today) -> bool:
    with transaction.atomic():
        instalment = (_overdue(today).select_for_update(of=("self",), skip_locked=True)
                      .select_related("order", "order__salesperson").filter(pk=pk).first())
        if instalment is None:
            return False
        instalment.reminded_on = today
        instalment.save(update_fields=["reminded_on"])
        order = instalment.order
        # only who may see the amounts is told them (P9.2.2)
        recipients = [p for p in (order.salesperson, *finance) if p and may_see_prices(p)]
        notify(recipients=recipients, kind="settlement.overdue", title=OVERDUE_TITLE,
               params={"number": order.number, "position": instalment.position,
                       "amount": money_text(instalment.amount - instalment.paid_amount),
                       "due": instalment.due_date.isoformat()},
               url=f"/orders/{order.pk}/settlement/#instalment-{instalment.pk}")
        audit.record(None, "settlement.overdue_reminded", instalment, data={
            "order": order.number, "due_date": instalment.due_date,
            "owed": str(instalment.amount - instalment.paid_amount),
            "notified": sorted({r.pk for r in recipients if r is not None and r.is_active})})
        return True


def overdue_sweep(*, limit: int = 500) -> int:
    """Remind once per day of every overdue instalment; returns how many reminders."""
    today = clock.today()
    ids = list(_overdue(today).order_by("due_date", "pk").values_list("pk", flat=True)
               [:max(limit, 0)])
    if not ids:
        return 0
    finance = finance_members()
    return sum(_remind_one(pk, finance, today) for pk in ids)
