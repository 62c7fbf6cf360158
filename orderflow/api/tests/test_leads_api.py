"""Leads over the JSON API (P2.1.2, P2.1.3): capture, assign, follow up, convert or drop."""

import pytest

from orderflow.accounts.domain.organisation import Dept, Role
from orderflow.intake.models import Lead
from orderflow.testing.factories import make_user, order_payload

from .conftest import Api, token_api, written

pytestmark = pytest.mark.django_db

LEAD = {"channel": "trade_show", "source_detail": "2026 上海工博会 B12 展位",
        "company_name": "苏州精工机械有限公司", "contact_name": "陈工",
        "contact_phone": "13900001111", "need": "液压泵 20 台，年底交货",
        "estimated_amount": "180000"}


@pytest.fixture
def marketing(db):
    return make_user(Dept.MARKETING, Role.STAFF, username="mkt1")


def _captured(marketing, **extra) -> dict:
    response = Api(marketing).post("/api/leads", {**LEAD, **extra})
    assert response.status_code == 201, response.json()
    return response.json()


@pytest.mark.e2e
def test_capture_assign_follow_up_convert(marketing, sales_head, salesperson, customer,
                                          products):
    lead = _captured(marketing)
    assert (lead["number"][:3], lead["status"], lead["channel_label"]) == \
        ("LD-", "new", "Trade show")
    assert lead["estimated_amount"] == "180000.00"
    assert lead["created_by"]["username"] == "mkt1"

    assigned = Api(sales_head).post(f"/api/leads/{lead['id']}/assign",
                                    {"assigned_to_id": salesperson.pk})
    assert assigned.status_code == 200, assigned.json()
    assert (assigned.json()["status"], assigned.json()["assigned_to"]["id"]) == \
        ("assigned", salesperson.pk)

    sales = token_api(salesperson)
    followed = sales.post(f"/api/leads/{lead['id']}/follow-ups",
                          {"note": "电话沟通，客户要求报价", "next_action_on": "2030-01-15"})
    assert followed.status_code == 201, followed.json()
    assert followed.json()["next_action_on"] == "2030-01-15"
    detail = sales.get(f"/api/leads/{lead['id']}").json()
    assert detail["status"] == "following_up"
    assert [f["note"] for f in detail["follow_ups"]] == ["电话沟通，客户要求报价"]

    payload = order_payload(customer, products)
    del payload["channel"]  # P2.1.3: the lead's channel is kept on the order
    converted = sales.post(f"/api/leads/{lead['id']}/convert", payload)

    assert converted.status_code == 201, converted.json()
    order = converted.json()
    assert (order["status"], order["channel"], order["lead_id"]) == \
        ("draft", "trade_show", lead["id"])
    assert Lead.objects.get(pk=lead["id"]).status == "converted"
    assert sales.get(f"/api/orders/{order['id']}").status_code == 200


def test_convert_with_bad_order_writes_nothing(marketing, sales_head, customer, products):
    lead = _captured(marketing)
    head = Api(sales_head)
    before = written()

    response = head.post(f"/api/leads/{lead['id']}/convert",
                         order_payload(customer, products, lines=[]))

    assert response.status_code == 422
    assert response.json()["errors"] == {"lines": ["Add at least one line."]}
    assert written() == before
    assert Lead.objects.get(pk=lead["id"]).status == "new"


def test_drop_needs_a_reason(marketing, sales_head):
    lead = _captured(marketing)
    head = Api(sales_head)

    refused = head.post(f"/api/leads/{lead['id']}/drop", {})
    dropped = head.post(f"/api/leads/{lead['id']}/drop", {"reason": "客户已选其他供应商"})
    again = head.post(f"/api/leads/{lead['id']}/drop", {"reason": "再次放弃"})

    assert refused.status_code == 422
    assert refused.json()["errors"] == {"reason": ["This field is required."]}
    assert (dropped.json()["status"], dropped.json()["drop_reason"]) == \
        ("dropped", "客户已选其他供应商")
    assert again.status_code == 409


def test_update_and_bad_capture(marketing):
    lead = _captured(marketing)
    api = Api(marketing)

    updated = api.put(f"/api/leads/{lead['id']}", {**LEAD, "need": "液压泵 30 台"})
    bad = api.post("/api/leads", {"channel": "carrier_pigeon", "contact_email": "nobody"})

    assert updated.status_code == 200, updated.json()
    assert updated.json()["need"] == "液压泵 30 台"
    assert bad.status_code == 422
    assert set(bad.json()["errors"]) == {"channel", "company_name", "contact_email"}
    assert Lead.objects.count() == 1


def test_list_shows_only_visible_leads(marketing, salesperson):
    _captured(marketing)
    mine = _captured(make_user(Dept.SALES, Role.STAFF), company_name="杭州某公司")

    listing = Api(marketing).get("/api/leads", page_size=1)
    own = Api(salesperson).get("/api/leads")

    assert (len(listing.json()["items"]), listing.json()["has_next"]) == (1, True)
    assert listing.json()["items"][0]["id"] == mine["id"]
    assert own.json()["items"] == []
    assert Api(salesperson).get(f"/api/leads/{mine['id']}").status_code == 404


def test_salesperson_cannot_assign(marketing, salesperson):
    # P2.1.2: Sales heads and Marketing hand leads out, not the salesperson.
    own = _captured(salesperson, company_name="自己找到的客户")
    others = _captured(marketing)
    api = Api(salesperson)
    before = written()

    forbidden = api.post(f"/api/leads/{own['id']}/assign", {"assigned_to_id": salesperson.pk})
    invisible = api.post(f"/api/leads/{others['id']}/assign",
                         {"assigned_to_id": salesperson.pk})

    assert (forbidden.status_code, invisible.status_code) == (403, 404)
    assert written() == before
    assert list(Lead.objects.values_list("assigned_to_id", flat=True)) == [None, None]
