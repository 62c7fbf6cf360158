"""The department workspace lists the open items of the department's records across
orders, next to its packages (P6.1.2): Production's open problems, Procurement's late
supplier deliveries, Technology's unresolved requests."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from orderflow.core import clock
from orderflow.execution.selectors.overview import workspace_items
from orderflow.execution.services import procurement, production, technology
from orderflow.masterdata.models import Supplier
from orderflow.testing.execution import members, package_of, released_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(db):
    return members("production", "procurement", "technology", "quality")


@pytest.fixture
def order(people, salesperson, sales_head, customer, products):
    return released_order(salesperson, customer, products, sales_head,
                          departments=["production", "procurement", "technology"])


def test_each_department_sees_its_open_items_linked_to_the_package(
        client, order, people, django_assert_max_num_queries):
    today = clock.today()
    problem = production.production_problem_raise(
        order_id=order.pk, actor=people["production"], kind="equipment_failure",
        description="主轴异响", owner_id=people["production"].pk,
        due_date=today + dt.timedelta(days=1))
    request = technology.support_request_raise(
        order_id=order.pk, actor=people["production"], subject="工艺参数", description="请确认")
    supplier = Supplier.objects.create(code="S9", name="苏州精工")
    contract = procurement.purchase_contract_create(
        order_id=order.pk, actor=people["procurement"], supplier_id=supplier.pk,
        contract_date=today, delivery_date=today + dt.timedelta(days=2),
        lines=[{"description": "钢材", "quantity": Decimal("5"), "unit": "吨",
                "unit_price": Decimal("4200")}])
    procurement.purchase_contract_sign(contract_id=contract.pk, actor=people["procurement"])

    # Production: the open problem, linked to the production package
    [item] = workspace_items(people["production"], "production")
    assert "主轴异响" in item.text and not item.late
    assert item.url == f"/work-packages/{package_of(order, 'production').pk}/"
    # Technology: the unresolved request
    [item] = workspace_items(people["technology"], "technology")
    assert "工艺参数" in item.text and item.url.endswith(
        f"/{package_of(order, 'technology').pk}/")
    assert request.status == "open"
    # Procurement: nothing late yet; three days on, the contract is late
    assert workspace_items(people["procurement"], "procurement") == []
    with time_machine.travel(dt.datetime.combine(today + dt.timedelta(days=3),
                                                 dt.time(10)).astimezone(), tick=False):
        [item] = workspace_items(people["procurement"], "procurement")
        assert contract.number in item.text and item.late
        # the page shows it, in a bounded number of queries
        client.force_login(people["procurement"])
        with django_assert_max_num_queries(25):
            html = client.get("/workspace/?dept=procurement",
                              headers={"Accept-Language": "en"}).content.decode()
        assert 'data-testid="workspace-items"' in html and contract.number in html
    # a department without such records lists nothing
    assert workspace_items(people["quality"], "finance") == []
    problem.refresh_from_db()
    assert problem.status == "open"
