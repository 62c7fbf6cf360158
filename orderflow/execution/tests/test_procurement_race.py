"""Two buyers record the last goods of a contract at the same instant (P5.2.2), and two
sweeps run at once: row locks keep receipt within the contract and the alert single.

Real threads, each with its own connection, committing for real (PostgreSQL).
"""

from decimal import Decimal
from functools import partial

import pytest
from django.db import connection

from orderflow.accounts.domain.organisation import Dept, Role
from orderflow.core.errors import ValidationFailed
from orderflow.execution.models import PurchaseContract, SupplierDelivery
from orderflow.execution.services import procurement as svc
from orderflow.notifications.models import Notification
from orderflow.testing.factories import make_user
from orderflow.testing.race import race

from .test_procurement_support import (  # noqa: F401 (the *_fixture are fixtures)
    day,
    english_fixture,
    line,
    lines_of,
    order_fixture,
    people_fixture,
    signed,
    supplier_fixture,
)

pytestmark = [
    pytest.mark.race,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="row locks and real concurrent writers need PostgreSQL"),
]


def test_two_deliveries_at_once_never_exceed_the_contract(order, people, supplier):
    # given a signed contract for 5, and two buyers each receiving 3
    contract = signed(order, people["procurement"], supplier, lines=[line()])
    item = lines_of(contract)[0]
    second_buyer = make_user(Dept.PROCUREMENT, Role.STAFF, username="procurement2")
    job = partial(svc.supplier_delivery_record, contract_id=contract.pk, received_on=day(),
                  lines=[{"contract_line_id": item.pk, "quantity": "3"}])
    # when both record at the same instant
    results = race([partial(job, actor=people["procurement"]),
                    partial(job, actor=second_buyer)])
    # then one delivery is written, the other is refused with the quantity left
    refused = [r for r in results if isinstance(r, ValidationFailed)]
    assert len(refused) == 1 and refused[0].errors == {
        "lines.0.quantity": ["More than contracted: at most 2 is still outstanding."]}
    assert SupplierDelivery.objects.count() == 1
    assert lines_of(contract)[0].received_quantity == Decimal("3")


def test_two_sweeps_at_once_alert_once(order, people, supplier):
    signed(order, people["procurement"], supplier, contract_date=day(-10),
           delivery_date=day(-1))
    results = race([svc.procurement_late_sweep, svc.procurement_late_sweep])
    assert sorted(results) == [0, 1]
    assert Notification.objects.filter(kind="procurement.contract_late").count() == 2
    assert PurchaseContract.objects.get().late_alerted_at is not None
