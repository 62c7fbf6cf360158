"""Procurement reads and the late-delivery sweep (P5.2.2): contracts with everything
under them in bounded queries, late contracts, the order page's summary, and the sweep
alerting once on a frozen clock."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from orderflow.audit.models import AuditEvent
from orderflow.execution.models import PurchaseContract
from orderflow.execution.selectors import procurement as selectors
from orderflow.execution.services import procurement as svc
from orderflow.execution.tasks import sweep_late_purchase_contracts
from orderflow.notifications.models import Notification

from .test_procurement_support import (  # noqa: F401 (the *_fixture are fixtures)
    day,
    draft,
    english_fixture,
    inspect_all,
    line,
    lines_of,
    order_fixture,
    package_of,
    people_fixture,
    receive_all,
    signed,
    supplier_fixture,
)

pytestmark = pytest.mark.django_db

START = timezone.make_aware(dt.datetime(2030, 3, 4, 9, 0))   # a Monday


def _busy_order(order, people, supplier, n=3):
    """Given: n signed contracts, each received, inspected with a rejection, a return
    opened, and a communication logged."""
    for _i in range(n):
        contract = signed(order, people["procurement"], supplier)
        delivery = receive_all(contract, people["procurement"])
        inspection = inspect_all(delivery, people["quality"], rejected=Decimal("1"))[0]
        svc.supplier_return_open(inspection_id=inspection.pk, actor=people["procurement"],
                                 kind="return", quantity="1", reason="锈蚀")
        svc.supplier_communication_log(contract_id=contract.pk, actor=people["procurement"],
                                       channel="email", topic="quality",
                                       occurred_at=timezone.now(), summary="通知退货")


def test_contracts_for_an_order_in_a_fixed_number_of_queries(order, people, supplier,
                                                             django_assert_num_queries):
    _busy_order(order, people, supplier, n=1)
    with django_assert_num_queries(6):
        one = selectors.contracts_for(order)
    _busy_order(order, people, supplier, n=3)
    with django_assert_num_queries(6):
        contracts = selectors.contracts_for(order)
        for contract in contracts:  # everything a page or the API shows: no more queries
            [ln.outstanding for ln in contract.lines.all()]
            for d in contract.deliveries.all():
                [(i.contract_line.unit, i.inspection_or_none) for i in d.lines.all()]
            [(r.created_by, r.status) for r in contract.returns.all()]
            [c.created_by for c in contract.communications.all()]
    assert len(one) == 1 and len(contracts) == 4
    contract = contracts[0]
    assert contract.complete and not contract.is_late and len(contract.open_returns) == 1
    assert contract.uninspected == 0


def test_contract_detail_is_not_found_for_an_order_one_cannot_see(order, people, supplier):
    from orderflow.core.errors import NotFound

    contract = draft(order, people["procurement"], supplier)
    assert selectors.contract_detail(people["procurement"], contract.pk) == contract
    with pytest.raises(NotFound):
        selectors.contract_detail(people["sales2"], contract.pk)


def test_the_summary_counts_received_contracts_late_ones_and_open_returns_in_two_queries(
        order, people, supplier, django_assert_max_num_queries):
    package = package_of(order, "procurement")
    with django_assert_max_num_queries(2):
        assert selectors.summary(order, package).headline == "No purchase contracts yet"
    with time_machine.travel(START, tick=False):
        late = signed(order, people["procurement"], supplier, lines=[line(quantity="10")],
                      delivery_date=day(2))
        svc.supplier_delivery_record(
            contract_id=late.pk, actor=people["procurement"], received_on=day(),
            lines=[{"contract_line_id": lines_of(late)[0].pk, "quantity": "4"}])
        done = signed(order, people["procurement"], supplier, lines=[line(quantity="10")])
        [inspection] = inspect_all(receive_all(done, people["procurement"]),
                                   people["quality"], rejected=Decimal("2"))
        svc.supplier_return_open(inspection_id=inspection.pk, actor=people["procurement"],
                                 kind="exchange", quantity="2", reason="锈蚀")
        draft(order, people["procurement"], supplier)   # a draft counts, not received
    with time_machine.travel(START + dt.timedelta(days=5), tick=False), \
            django_assert_max_num_queries(2):
        summary = selectors.summary(order, package)
    assert summary.headline == "3 contracts, 1 received"
    assert summary.percent == 31   # (4 + 10 + 0) of (10 + 10 + 5 + 20) = 14 / 45
    texts = [item.text for item in summary.open_items]
    assert texts == [f"Contract {late.number} is late",
                     f"Exchange open on contract {done.number}"]
    assert summary.open_items[0].late and summary.open_items[0].due == dt.date(2030, 3, 6)


def test_the_late_sweep_alerts_procurement_and_the_salesperson_once_p5_2_2(
        order, people, supplier, salesperson):
    with time_machine.travel(START, tick=False):
        late = signed(order, people["procurement"], supplier, delivery_date=day(2))
        on_time = signed(order, people["procurement"], supplier, delivery_date=day(2))
        receive_all(on_time, people["procurement"])
        draft(order, people["procurement"], supplier, delivery_date=day(1))  # unsigned
        assert svc.procurement_late_sweep() == 0   # not late yet
    with time_machine.travel(START + dt.timedelta(days=3), tick=False):
        assert [c.pk for c in selectors.late_contracts(people["procurement"])] == [late.pk]
        assert selectors.late_contracts(people["sales2"]) == []
        assert svc.procurement_late_sweep() == 1
        notes = Notification.objects.filter(kind="procurement.contract_late")
        assert sorted(n.recipient.username for n in notes) == ["procurement1", "sales1"]
        assert notes[0].title == (f"Purchase contract {late.number} (order {order.number}) "
                                  "is late: delivery was due on 2030-03-06.")
        assert PurchaseContract.objects.get(pk=late.pk).late_alerted_at is not None
        assert AuditEvent.objects.filter(action="purchase_contract.late_alerted").count() == 1
        # the next sweep (and the task) find nothing new: the alert went once
        assert svc.procurement_late_sweep() == 0
        assert sweep_late_purchase_contracts.call() == {"late_contracts": 0}
        assert notes.count() == 2
        # the contract stays late on the page until the goods come
        assert selectors.contracts_for(order)[-1].is_late
