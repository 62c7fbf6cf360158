"""Settlement rules found in review: amounts only for who may see prices, even in writes and
reminders (P9.2.2); an archived order's disputes are read-only (P9.1.1); Finance keeps the
settlement records of archived orders (P7.3.2); the receivables export is complete; an odd
line key is a field error, not a crash."""

import datetime as dt
import importlib
import io

import pytest
import time_machine
from openpyxl import load_workbook

from orderflow.accounts.domain.organisation import Dept, Role
from orderflow.accounts.models import User
from orderflow.archive.services.settings import archive_settings_update
from orderflow.core import clock
from orderflow.core.errors import NotPermitted, TransitionNotAllowed, ValidationFailed
from orderflow.documents.services import export_request
from orderflow.notifications.models import Notification
from orderflow.orders.tests.support import put_in_state
from orderflow.settlement.models import Dispute, Instalment, Reconciliation
from orderflow.settlement.selectors.receivables import receivables, records_queryset
from orderflow.settlement.services import (
    dispute_log,
    dispute_open,
    receipt_record,
    statement_set_quantities,
)
from orderflow.settlement.services.sweep import overdue_sweep
from orderflow.testing.factories import make_user
from orderflow.testing.settlement import audited, executed_order, in_settlement, reconcile

pytestmark = pytest.mark.django_db


def _sales_without_prices():
    admin = make_user(Dept.MANAGEMENT, Role.SYSTEM_ADMIN, username="sysadmin")
    archive_settings_update(actor=admin, price_departments=["finance", "management"],
                            max_grant_days=30)


def test_sales_that_may_not_see_prices_may_not_reconcile(statement, salesperson):
    _sales_without_prices()
    with pytest.raises(NotPermitted):
        reconcile(statement, User.objects.get(pk=salesperson.pk))   # a fresh request's user
    assert not Reconciliation.objects.exists()


def test_overdue_reminders_go_only_to_who_may_see_the_amounts(statement, salesperson,
                                                              finance):
    audited(statement, salesperson, finance["staff"])
    _sales_without_prices()
    first = Instalment.objects.filter(statement=statement).order_by("position").first()
    later = dt.datetime.combine(first.due_date + dt.timedelta(days=40), dt.time(9),
                                tzinfo=dt.UTC)
    with time_machine.travel(later, tick=False):
        assert overdue_sweep() >= 1
    told = set(Notification.objects.filter(kind="settlement.overdue")
               .values_list("recipient__username", flat=True))
    assert told == {"finance1", "finance2", "financehead"}


def test_an_archived_order_s_dispute_is_read_only(statement, salesperson):
    dispute = dispute_open(order_id=statement.order_id, actor=salesperson,
                           reason="尾款争议", disputed_amount="100")
    put_in_state(statement.order, "archived")
    with pytest.raises(TransitionNotAllowed):
        dispute_log(dispute_id=dispute.pk, actor=salesperson, happened_on=clock.today(),
                    channel="phone", summary="电话沟通")
    assert not Dispute.objects.get(pk=dispute.pk).entries.exists()


def test_finance_keeps_the_settlement_records_of_archived_orders(
        salesperson, sales_head, customer, products, finance):
    order = executed_order(salesperson, customer, products, sales_head)
    statement = audited(in_settlement(order, salesperson), salesperson, finance["staff"])
    from orderflow.settlement.services import invoice_issue

    invoice_issue(order_id=order.pk, actor=finance["staff"], kind="vat_special",
                  number="12345678", issued_on=clock.today(), net_amount=statement.total_net,
                  tax_amount=statement.total_tax)
    for instalment in Instalment.objects.filter(order=order):
        receipt_record(instalment_id=instalment.pk, actor=finance["staff"],
                       received_on=clock.today(), amount=instalment.amount, method="cash")
    put_in_state(order, "archived")
    assert [r.order_id for r in records_queryset(finance["staff"])] == [order.pk]


def test_the_receivables_export_has_every_open_instalment(
        statement, salesperson, finance, monkeypatch, django_capture_on_commit_callbacks):
    audited(statement, salesperson, finance["staff"])
    page_module = importlib.import_module("orderflow.settlement.selectors.receivables")
    monkeypatch.setattr(page_module, "MAX_ROWS", 1)              # the page's bound
    assert sum(len(g.instalments) for g in receivables(finance["head"])) == 1
    with django_capture_on_commit_callbacks(execute=True):
        job = export_request(kind="receivables", params={}, actor=finance["head"])
    job.refresh_from_db()
    sheet = load_workbook(io.BytesIO(job.file.read())).active
    assert sheet.max_row - 1 == Instalment.objects.filter(statement=statement).count() == 2


def test_an_odd_line_key_is_a_field_error(statement, salesperson):
    with pytest.raises(ValidationFailed) as exc:
        statement_set_quantities(statement_id=statement.pk, actor=salesperson,
                                 quantities={"²": "1"})
    assert list(exc.value.errors) == ["lines.²"]
    assert not Reconciliation.objects.exists()


def test_a_superscript_customer_filter_is_refused_not_a_crash(finance, client):
    from orderflow.settlement.selectors.exports import clean_receivable_filters

    with pytest.raises(ValidationFailed) as exc:
        clean_receivable_filters(finance["head"], {"customer": "²"})
    assert list(exc.value.errors) == ["customer"]
    client.force_login(finance["head"])
    assert client.get("/settlement/receivables/", {"customer": "²"}).status_code == 200
    assert client.get("/settlement/records/", {"customer": "²"}).status_code == 200
