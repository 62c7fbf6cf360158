"""The procurement API (P5.2): contracts, actions, deliveries, communications,
inspection, returns, late list; 422 field errors, 403, 404, 409."""

import pytest
from django.test import Client

from orderflow.execution.models import PurchaseContract, SupplierDeliveryLine

from .test_procurement_support import (  # noqa: F401 (the *_fixture are fixtures)
    counts,
    day,
    draft,
    english_fixture,
    order_fixture,
    people_fixture,
    signed,
    supplier_fixture,
)

pytestmark = pytest.mark.django_db


class Api:
    def __init__(self, user):
        self.client = Client(headers={"Accept-Language": "en"})
        self.client.force_login(user)

    def get(self, url, **params):
        return self.client.get(f"/api{url}", params)

    def post(self, url, data=None):
        return self.client.post(f"/api{url}", data or {}, content_type="application/json")

    def patch(self, url, data):
        return self.client.patch(f"/api{url}", data, content_type="application/json")


def ok(response, status=200):
    assert response.status_code == status, response.content.decode()[:1500]
    return response.json()


def test_a_contract_from_draft_to_closed_over_the_api_p5_2(order, people, supplier):
    proc, quality = Api(people["procurement"]), Api(people["quality"])
    contract = ok(proc.post(f"/orders/{order.pk}/purchase-contracts", {
        "supplier_id": supplier.pk, "contract_date": str(day()),
        "delivery_date": str(day(5)), "note": "含税",
        "lines": [{"description": "钢材", "quantity": "5", "unit": "吨",
                   "unit_price": "4200"}]}), 201)
    assert contract["status"] == "draft" and contract["total_amount"] == "21000.00"
    assert contract["actions"] == ["sign", "cancel", "communicate"]
    cid = contract["id"]
    assert ok(proc.post(f"/purchase-contracts/{cid}/sign"))["status"] == "signed"
    delivery = ok(proc.post(f"/purchase-contracts/{cid}/deliveries", {
        "received_on": str(day()),
        "lines": [{"contract_line_id": contract["lines"][0]["id"], "quantity": "5"}]}), 201)
    item = delivery["lines"][0]
    assert item["quantity"] == "5.000" and item["inspection"] is None
    inspection = ok(quality.post(f"/supplier-delivery-lines/{item['id']}/inspection", {
        "inspected_on": str(day()), "accepted_quantity": "4", "rejected_quantity": "1",
        "reason": "锈蚀"}), 201)
    ret = ok(proc.post(f"/incoming-inspections/{inspection['id']}/returns",
                       {"kind": "exchange", "quantity": "1", "reason": "锈蚀"}), 201)
    note = ok(proc.post(f"/purchase-contracts/{cid}/communications", {
        "channel": "phone", "topic": "quality", "occurred_at": str(day(-1)) + "T16:00",
        "summary": "要求换货"}), 201)
    assert note["topic"] == "quality"
    assert ok(proc.post(f"/purchase-contracts/{cid}/close"), 409)["code"] == \
        "transition_not_allowed"
    closed = ok(proc.post(f"/supplier-returns/{ret['id']}/close", {
        "resolution": "已换货", "replacement_received_on": str(day())}))
    assert closed["status"] == "closed"
    final = ok(proc.post(f"/purchase-contracts/{cid}/close"))
    assert final["status"] == "closed"
    detail = ok(Api(people["finance"]).get(f"/purchase-contracts/{cid}"))
    assert detail["lines"][0]["accepted_quantity"] == "4.000"
    assert detail["deliveries"][0]["lines"][0]["inspection"]["rejected_quantity"] == "1.000"
    assert len(detail["returns"]) == 1 and len(detail["communications"]) == 1
    listed = ok(proc.get(f"/orders/{order.pk}/purchase-contracts"))
    assert [c["number"] for c in listed] == [contract["number"]]


def test_bad_input_answers_422_field_by_field_and_writes_nothing(order, people, supplier):
    proc = Api(people["procurement"])
    before = counts()
    body = ok(proc.post(f"/orders/{order.pk}/purchase-contracts", {
        "supplier_id": supplier.pk, "contract_date": str(day()),
        "delivery_date": str(day(-3)),
        "lines": [{"description": "钢材", "quantity": "-1", "unit": "吨",
                   "unit_price": "1"}]}), 422)
    assert set(body["errors"]) == {"delivery_date", "lines.0.quantity"}
    contract = signed(order, people["procurement"], supplier)
    before = counts()
    line = contract.lines.order_by("position").first()
    body = ok(proc.post(f"/purchase-contracts/{contract.pk}/deliveries", {
        "received_on": str(day()),
        "lines": [{"contract_line_id": line.pk, "quantity": "6"}]}), 422)
    assert body["errors"] == {"lines.0.quantity": [
        "More than contracted: at most 5 is still outstanding."]}
    assert counts() == before


def test_a_mismatched_inspection_is_422_and_sales_gets_403(order, people, supplier,
                                                            salesperson):
    contract = signed(order, people["procurement"], supplier)
    line = contract.lines.order_by("position").first()
    ok(Api(people["procurement"]).post(f"/purchase-contracts/{contract.pk}/deliveries", {
        "received_on": str(day()), "lines": [{"contract_line_id": line.pk, "quantity": "5"}]}),
        201)
    item = SupplierDeliveryLine.objects.get()
    before = counts()
    body = ok(Api(people["quality"]).post(f"/supplier-delivery-lines/{item.pk}/inspection", {
        "inspected_on": str(day()), "accepted_quantity": "5", "rejected_quantity": "1",
        "reason": "x"}), 422)
    assert set(body["errors"]) == {"accepted_quantity", "rejected_quantity"}
    ok(Api(salesperson).post(f"/supplier-delivery-lines/{item.pk}/inspection", {
        "inspected_on": str(day()), "accepted_quantity": "5", "rejected_quantity": "0"}), 403)
    assert counts() == before


@pytest.mark.parametrize("who", ["finance", "salesperson"])
def test_only_procurement_signs_finance_and_sales_get_403(order, people, supplier,
                                                          salesperson, who):
    contract = draft(order, people["procurement"], supplier)
    user = salesperson if who == "salesperson" else people[who]
    assert ok(Api(user).post(f"/purchase-contracts/{contract.pk}/sign"), 403)["code"] == \
        "not_permitted"
    assert PurchaseContract.objects.get(pk=contract.pk).status == "draft"


def test_an_invisible_order_or_contract_is_404(order, people, supplier):
    contract = draft(order, people["procurement"], supplier)
    outsider = Api(people["sales2"])
    ok(outsider.get(f"/orders/{order.pk}/purchase-contracts"), 404)
    ok(outsider.get(f"/purchase-contracts/{contract.pk}"), 404)
    ok(outsider.post(f"/purchase-contracts/{contract.pk}/sign"), 404)
    ok(Api(people["procurement"]).get("/purchase-contracts/999999"), 404)


def test_the_late_list_is_bounded_and_visible_only(order, people, supplier):
    contract = signed(order, people["procurement"], supplier, contract_date=day(-10),
                      delivery_date=day(-1))
    late = ok(Api(people["procurement"]).get("/purchase-contracts/late", limit=10))
    assert [c["number"] for c in late] == [contract.number]
    assert late[0]["order_number"] == order.number
    assert ok(Api(people["sales2"]).get("/purchase-contracts/late")) == []
    ok(Api(people["procurement"]).get("/purchase-contracts/late", limit=100000), 422)


def test_suppliers_over_the_api_p5_2_1(people):
    proc = Api(people["procurement"])
    created = ok(proc.post("/suppliers", {"code": "s100", "name": "无锡轴承厂",
                                          "email": "sales@wxbearing.cn"}), 201)
    assert created["code"] == "S100" and created["is_active"]
    assert ok(proc.post("/suppliers", {"code": "S100", "name": ""}), 422)["errors"] == {
        "code": ["A supplier with this code already exists."],
        "name": ["This field is required."]}
    ok(Api(people["finance"]).post("/suppliers", {"code": "S200", "name": "x"}), 403)
    edited = ok(proc.patch(f"/suppliers/{created['id']}", {"is_active": False,
                                                           "phone": "0510-1234567"}))
    assert (edited["is_active"], edited["phone"]) == (False, "0510-1234567")
    page = ok(Api(people["finance"]).get("/suppliers", q="轴承", status="all"))
    assert [s["code"] for s in page["items"]] == ["S100"] and not page["has_next"]
    assert ok(proc.get("/suppliers"))["items"] == []   # active only by default
    ok(proc.get("/suppliers/999999"), 404)
