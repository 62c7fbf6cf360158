"""The demo's archive step (orderflow/demo/archive.py), on the demo's people."""

import pytest

from orderflow.accounts.domain.organisation import Dept, Role
from orderflow.archive.models import Dossier, QueryRequest
from orderflow.archive.services import dossier_open
from orderflow.core import clock
from orderflow.core.errors import NotFound
from orderflow.demo.archive import archive_some
from orderflow.orders.domain.lifecycle import State
from orderflow.orders.models import Order
from orderflow.testing.factories import make_user

from .conftest import settled_order

pytestmark = pytest.mark.django_db


def test_archive_some(salesperson, customer, products, division_leader):
    users = {name: make_user(dept, role, username=name) for name, dept, role in [
        ("archive1", Dept.ARCHIVE, Role.STAFF),
        ("production1", Dept.PRODUCTION, Role.STAFF),
        ("productionhead", Dept.PRODUCTION, Role.DEPT_HEAD),
        ("quality1", Dept.QUALITY, Role.STAFF), ("qualityhead", Dept.QUALITY, Role.DEPT_HEAD),
        ("logistics1", Dept.LOGISTICS, Role.STAFF),
        ("logisticshead", Dept.LOGISTICS, Role.DEPT_HEAD)]}
    orders = [settled_order(salesperson, customer, products) for _ in range(4)]
    outcome = archive_some(users)
    assert outcome == {"archived": 3, "approved": 1, "declined": 1, "expired": 1}
    assert Order.objects.get(pk=orders[-1].pk).status == State.SETTLED
    assert Dossier.objects.count() == 3
    statuses = dict(QueryRequest.objects.values_list("requester__username", "status"))
    assert statuses == {"production1": "approved", "quality1": "declined",
                        "logistics1": "approved"}
    expired = QueryRequest.objects.get(requester__username="logistics1")
    assert expired.granted_until < clock.now()
    assert dossier_open(actor=users["production1"], order_id=orders[0].pk)   # granted
    with pytest.raises(NotFound):                                            # expired
        dossier_open(actor=users["logistics1"], order_id=orders[2].pk)
