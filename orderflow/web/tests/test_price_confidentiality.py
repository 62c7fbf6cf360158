"""Prices, costs and margins only for the roles allowed to see them (P9.2.2): Sales,
Finance and Management by default, configurable by a system admin; in the order pages,
the order API and the settlement alike. Production sees the order, not its prices."""

from decimal import Decimal

import pytest

from orderflow.accounts.domain.organisation import Dept, Role
from orderflow.api.tests.conftest import Api
from orderflow.archive.services.settings import archive_settings_update
from orderflow.orders.tests.support import make_order, put_in_state
from orderflow.testing.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(salesperson, customer, products):
    return put_in_state(make_order(salesperson, customer, products), "in_review")


@pytest.fixture
def production():
    return make_user(Dept.PRODUCTION, Role.STAFF, username="production1")


def _money(order) -> list[str]:
    """How the order's amounts are written on a page (¥1,234.56 without the symbol)."""
    return [f"{value:,.2f}" for value in (order.total_gross, order.total_net,
                                          order.lines.first().unit_price)]


def test_production_sees_the_order_without_its_prices(client_as, order, production):
    page = client_as(production).get(f"/orders/{order.pk}/").content.decode()
    assert order.number in page and 'data-testid="prices-withheld"' in page
    assert not any(amount in page for amount in _money(order))
    listing = client_as(production).get("/orders/").content.decode()
    assert order.number in listing and _money(order)[0] not in listing


def test_sales_sees_the_prices(client_as, order, salesperson):
    page = client_as(salesperson).get(f"/orders/{order.pk}/").content.decode()
    assert all(amount in page for amount in _money(order))
    assert 'data-testid="prices-withheld"' not in page


def test_the_api_withholds_prices_from_production(order, production, salesperson):
    hidden = Api(production).get(f"/api/orders/{order.pk}").json()
    assert (hidden["total_gross"], hidden["total_net"], hidden["total_tax"]) == \
        (None, None, None)
    assert {(line["unit_price"], line["amount"]) for line in hidden["lines"]} == {(None, None)}
    assert Api(production).get("/api/orders").json()["items"][0]["total_gross"] is None
    shown = Api(salesperson).get(f"/api/orders/{order.pk}").json()
    assert Decimal(shown["total_gross"]) == order.total_gross


def test_an_admin_may_let_production_see_prices(client_as, order, production):
    admin = make_user(Dept.MANAGEMENT, Role.SYSTEM_ADMIN, username="sysadmin")
    archive_settings_update(actor=admin, price_departments=["sales", "finance", "management",
                                                            "production"],
                            max_grant_days=30)
    body = Api(production).get(f"/api/orders/{order.pk}").json()
    assert Decimal(body["total_gross"]) == order.total_gross
    page = client_as(production).get(f"/orders/{order.pk}/").content.decode()
    assert _money(order)[0] in page


def test_the_settlement_is_not_shown_to_production(client_as, salesperson, customer, products,
                                                   sales_head, production, finance):
    from orderflow.testing.settlement import executed_order, settled_in_full

    order = executed_order(salesperson, customer, products, sales_head)
    record = settled_in_full(order, salesperson, finance)
    assert Api(production).get(f"/api/orders/{order.pk}/settlement").status_code == 403
    assert Api(salesperson).get(f"/api/orders/{order.pk}/settlement").status_code == 200
    # the record exists and Sales sees it; Production sees none of it (P9.2.2)
    shown = Api(salesperson).get("/api/settlement-records").json()
    assert [(r["order"]["number"], r["amount"]) for r in shown] == \
        [(order.number, f"{record.amount:.2f}")]
    assert Api(production).get("/api/settlement-records").json() == []
    assert order.number in client_as(salesperson).get("/settlement/records/").content.decode()
    page = client_as(production).get("/settlement/records/")
    assert page.status_code == 200 and order.number not in page.content.decode()


def test_costs_and_margins_only_for_who_may_see_prices(client_as, salesperson, sales_head,
                                                       customer, products, production):
    from orderflow.testing.execution import package_of, released_order

    order = released_order(salesperson, customer, products, sales_head,
                           departments=["finance", "production"])
    package = package_of(order, "finance")
    assert Api(production).get(f"/api/orders/{order.pk}/margin").status_code == 403
    assert Api(production).get(f"/api/orders/{order.pk}/costs").status_code == 403
    assert Api(salesperson).get(f"/api/orders/{order.pk}/margin").status_code == 200
    page = client_as(production).get(f"/work-packages/{package.pk}/").content.decode()
    assert 'data-testid="prices-withheld"' in page and 'data-testid="margin-card"' not in page
    finance = make_user(Dept.FINANCE, Role.STAFF, username="finance1")
    page = client_as(finance).get(f"/work-packages/{package.pk}/").content.decode()
    assert 'data-testid="margin-card"' in page


def test_who_may_not_see_amounts_cannot_narrow_the_list_by_them(client_as, order, production,
                                                                 salesperson):
    # an amount range that excludes the order: ignored for Production (no inference)
    above = {"amount_min": str(order.total_gross + 1)}
    assert [o["number"] for o in Api(production).get("/api/orders", **above).json()[
        "items"]] == [order.number]
    assert Api(salesperson).get("/api/orders", **above).json()["items"] == []
    assert 'name="amount_min"' not in client_as(production).get("/orders/").content.decode()
