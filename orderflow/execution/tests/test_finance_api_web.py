"""Finance over the JSON API and on the work-package page (P5.4.3): cost records,
corrections and the margin card."""
# ruff: noqa: F811 (fixtures imported from the support module are parameters here)

from decimal import Decimal

import pytest

from orderflow.accounts.domain.organisation import Dept, Role
from orderflow.api.tests.conftest import Api
from orderflow.core import clock
from orderflow.execution.models import CostRecord
from orderflow.testing.execution import package_of
from orderflow.testing.factories import make_user

from .test_finance import add, finance_opinion, order  # noqa: F401 (fixture)
from .test_logistics_support import counts, english, people  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db
TODAY = clock.today  # read at each use: a run may cross midnight in the company's time


def _cost(**overrides):
    data = {"category": "labour", "amount": "150.00", "incurred_on": TODAY().isoformat(),
            "description": "装配工时", "reference": "GS-7"}
    data.update(overrides)
    return data


def test_api_costs_and_margin(order, people, salesperson):
    finance_opinion(order, 1, cost="700.00", percent="30.00")
    api = Api(people["finance"])
    created = api.post(f"/api/orders/{order.pk}/costs", _cost())
    assert created.status_code == 201, created.content
    assert (created.json()["category_label"], Decimal(created.json()["amount"])) == \
        ("Labour", Decimal(150))
    fix = api.post(f"/api/orders/{order.pk}/costs",
                   _cost(amount="-50", corrects_id=created.json()["id"]))
    assert fix.status_code == 201 and fix.json()["corrects_id"] == created.json()["id"]
    listed = Api(salesperson).get(f"/api/orders/{order.pk}/costs").json()
    assert {c["id"] for c in listed} == {created.json()["id"], fix.json()["id"]}
    margin = Api(salesperson).get(f"/api/orders/{order.pk}/margin").json()
    assert Decimal(margin["actual_cost"]) == Decimal(100)
    assert Decimal(margin["actual_margin_percent"]) == Decimal(90)
    assert Decimal(margin["estimated_margin_percent"]) == Decimal(30)
    assert Decimal(margin["margin_percent_difference"]) == Decimal(60)
    assert margin["by_category"][0]["code"] == "labour" and not margin["below_estimate"]


def test_api_errors_422_403_404(order, people):
    before = counts()
    bad = Api(people["finance"]).post(f"/api/orders/{order.pk}/costs",
                                      _cost(amount="-5", category="x", description=""))
    assert bad.status_code == 422
    assert set(bad.json()["errors"]) == {"category", "corrects_id", "description"}
    assert Api(people["logistics"]).post(f"/api/orders/{order.pk}/costs",
                                         _cost()).status_code == 403
    stranger = make_user(Dept.SALES, Role.STAFF, username="sales9")
    assert Api(stranger).get(f"/api/orders/{order.pk}/costs").status_code == 404
    assert Api(stranger).get(f"/api/orders/{order.pk}/margin").status_code == 404
    assert Api(stranger).post(f"/api/orders/{order.pk}/costs", _cost()).status_code == 404
    assert counts() == before


def test_the_finance_section_records_costs_and_shows_the_margin(client, order, people):
    finance_opinion(order, 1, cost="700.00", percent="30.00")
    package = package_of(order, "finance")
    client.force_login(people["finance"])
    page = client.get(f"/work-packages/{package.pk}/")
    html = page.content.decode()
    assert page.status_code == 200 and 'data-testid="cost-form"' in html
    assert 'data-estimated-percent>30%' in html
    posted = client.post(f"/work-packages/{package.pk}/costs/", {
        "category": "materials", "amount": "730", "incurred_on": TODAY().isoformat(),
        "description": "钢材", "reference": "", "corrects_id": ""})
    assert posted.status_code == 302 and posted["Location"] == f"/work-packages/{package.pk}/"
    record = CostRecord.objects.get(order=order)
    html = client.get(f"/work-packages/{package.pk}/").content.decode()
    assert f'data-cost="{record.pk}"' in html and "data-actual-percent>27%" in html
    assert 'bg-red-lt" data-percent-difference' in html
    # a correction from the form
    posted = client.post(f"/work-packages/{package.pk}/costs/", {
        "category": "materials", "amount": "-30", "incurred_on": TODAY().isoformat(),
        "description": "退料", "corrects_id": str(record.pk)})
    assert posted.status_code == 302
    assert CostRecord.objects.get(corrects=record).amount == Decimal("-30.00")


def test_the_cost_form_shows_errors_and_keeps_the_input(client, order, people):
    package = package_of(order, "finance")
    client.force_login(people["finance"])
    before = counts()
    page = client.post(f"/work-packages/{package.pk}/costs/", {
        "category": "materials", "amount": "-10", "incurred_on": TODAY().isoformat(),
        "description": "退料", "corrects_id": ""})
    assert page.status_code == 422
    html = page.content.decode()
    assert 'data-error-for="corrects_id"' in html and 'value="-10"' in html
    assert counts() == before


def test_others_see_the_costs_without_the_form(client, order, people, salesperson):
    add(order, people["finance"])
    package = package_of(order, "finance")
    client.force_login(salesperson)
    html = client.get(f"/work-packages/{package.pk}/").content.decode()
    assert 'data-testid="costs"' in html and 'data-testid="cost-form"' not in html
    client.force_login(people["logistics"])
    refused = client.post(f"/work-packages/{package.pk}/costs/", _cost())
    assert refused.status_code == 403 and CostRecord.objects.count() == 1
