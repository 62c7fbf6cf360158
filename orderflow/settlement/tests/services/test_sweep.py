"""Overdue reminders (P7.2.3) with a frozen clock: each overdue instalment is reminded to
the salesperson and Finance once a day at most; paid ones never."""

import datetime as dt

import pytest
import time_machine
from django.core import mail

from orderflow.audit.models import AuditEvent
from orderflow.core import clock
from orderflow.notifications.models import Notification
from orderflow.settlement.models import Instalment
from orderflow.settlement.services import overdue_sweep, receipt_record
from orderflow.settlement.tasks import sweep_overdue_instalments
from orderflow.testing.settlement import audited

pytestmark = pytest.mark.django_db


def _overdue_notes():
    return Notification.objects.filter(kind="settlement.overdue")


def test_reminded_once_per_day_not_twice(statement, salesperson, finance,
                                         django_capture_on_commit_callbacks):
    audited(statement, salesperson, finance["staff"])
    first, second = Instalment.objects.filter(statement=statement).order_by("position")
    # the first instalment (30% on order) is due at the order date; pay it in part
    receipt_record(instalment_id=first.pk, actor=finance["staff"], received_on=clock.today(),
                   amount="100.00", method="cash")
    later = dt.datetime.combine(second.due_date + dt.timedelta(days=1), dt.time(9),
                                tzinfo=dt.UTC)
    with time_machine.travel(later, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            assert overdue_sweep() == 2
        assert overdue_sweep() == 0
        recipients = set(_overdue_notes().values_list("recipient__username", flat=True))
        assert recipients == {"sales1", "finance1", "finance2", "financehead"}
        assert _overdue_notes().count() == 8
        assert len(mail.outbox) == 8
        assert AuditEvent.objects.filter(action="settlement.overdue_reminded").count() == 2
    with time_machine.travel(later + dt.timedelta(days=1), tick=False):
        assert sweep_overdue_instalments.call() == {"reminded": 2}
        assert sweep_overdue_instalments.call() == {"reminded": 0}
    assert _overdue_notes().count() == 16


def test_paid_or_not_yet_due_instalments_are_not_reminded(statement, salesperson, finance):
    audited(statement, salesperson, finance["staff"])
    first, second = Instalment.objects.filter(statement=statement).order_by("position")
    receipt_record(instalment_id=first.pk, actor=finance["staff"], received_on=clock.today(),
                   amount=str(first.amount), method="cash")
    assert overdue_sweep() == 0         # the second is due in 30 days
    later = dt.datetime.combine(second.due_date, dt.time(9), tzinfo=dt.UTC)
    with time_machine.travel(later, tick=False):
        assert overdue_sweep() == 0     # due today is not overdue yet
    assert not _overdue_notes().exists()
