"""Orders over the JSON API: the intake flow (P2.2.1, P2.2.2, P2.3.1, P2.3.2) end to end."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from orderflow.accounts.domain.organisation import Dept, Role
from orderflow.audit.models import AuditEvent
from orderflow.core import clock
from orderflow.intake.models import CustomerCommunication
from orderflow.orders.models import Order
from orderflow.orders.services import order_create
from orderflow.testing.factories import CustomerFactory, ProductFactory, make_user, order_payload

from .conftest import Api, token_api, written

pytestmark = pytest.mark.django_db

SPECIAL = {"kind": "packaging", "description": "木箱包装，防潮"}


def _payload(customer, products, **overrides):
    return order_payload(customer, products, special_requirements=[SPECIAL], **overrides)


@pytest.mark.e2e
def test_create_check_and_refuse_second_check_with_token(salesperson, customer, products):
    # P2.2.1, P2.2.2, P2.3.1: the acceptance flow over the API with token auth.
    api = token_api(salesperson)

    created = api.post("/api/orders", _payload(customer, products))

    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["number"] == f"SO-{clock.today().year}-000001"
    assert body["status"] == "draft"
    assert body["status_label"] == "Draft"
    assert [ln["quantity"] for ln in body["lines"]] == ["2.000", "2.000"]
    assert [ln["product"]["id"] for ln in body["lines"]] == [p.pk for p in products]
    assert (body["total_net"], body["total_tax"], body["total_gross"]) == \
        ("4000.00", "520.00", "4520.00")
    assert body["has_special_requirements"] is True
    assert [(r["kind"], r["description"]) for r in body["special_requirements"]] == \
        [("packaging", "木箱包装，防潮")]
    assert [(i["percent"], i["trigger"], i["days"]) for i in body["instalments"]] == \
        [("30.00", "on_order", 0), ("70.00", "after_delivery", 30)]
    assert body["allowed_actions"] == ["check", "cancel"]
    assert body["actions"][0] == {"action": "check", "label": "Run preliminary check",
                                  "needs_reason": False}

    checked = api.post(f"/api/orders/{body['id']}/actions/check")

    assert checked.status_code == 200, checked.json()
    assert checked.json()["status"] == "checked"
    assert checked.json()["allowed_actions"] == ["reopen", "start_review", "cancel"]

    reports = api.get(f"/api/orders/{body['id']}/check-reports").json()
    assert len(reports) == 1
    assert reports[0]["outcome"] == "passed"
    findings = {f["code"]: f for f in reports[0]["findings"]}
    assert set(findings) == {"complete", "credit_ok", "delivery_ok"}
    assert findings["complete"]["message"] == "All required information is present."
    assert findings["credit_ok"]["message"] == (
        "Credit rating A; outstanding 0.00 + this order 4,520.00 = 4,520.00, within the limit "
        "1,000,000.00.")
    assert findings["credit_ok"]["severity_label"] == "OK"

    events = AuditEvent.objects.count()
    again = api.post(f"/api/orders/{body['id']}/actions/check")

    assert again.status_code == 409
    assert again.json()["code"] == "transition_not_allowed"
    assert Order.objects.get(pk=body["id"]).status == "checked"
    assert AuditEvent.objects.count() == events


def test_session_auth_detail_and_timeline(sales_api, customer, products):
    created = sales_api.post("/api/orders", _payload(customer, products)).json()
    sales_api.post(f"/api/orders/{created['id']}/actions/check")

    detail = sales_api.get(f"/api/orders/{created['id']}")
    timeline = sales_api.get(f"/api/orders/{created['id']}/timeline")

    assert detail.status_code == 200
    assert detail.json()["customer"] == {"id": customer.pk, "code": customer.code,
                                         "name": customer.name}
    assert [(e["action"], e["from_state"], e["to_state"]) for e in timeline.json()] == [
        ("order.check", "draft", "checked"), ("order.created", "", "draft")]
    assert timeline.json()[0]["actor"]["username"] == "sales1"
    assert timeline.json()[0]["to_state_label"] == "Checked"


def test_update_records_changes_and_checks_version(sales_api, customer, products):
    created = sales_api.post("/api/orders", _payload(customer, products)).json()
    lines = [{"product_id": products[0].pk, "quantity": "5", "unit_price": "1000.00"}]
    url = f"/api/orders/{created['id']}"

    stale = sales_api.put(url, _payload(customer, products, lines=lines, expected_version=7))
    assert stale.status_code == 409
    assert stale.json()["code"] == "conflict"
    assert Order.objects.get(pk=created["id"]).total_net == 4000

    updated = sales_api.put(url, _payload(customer, products, lines=lines, expected_version=1))

    assert updated.status_code == 200, updated.json()
    assert (updated.json()["version"], updated.json()["total_net"]) == (2, "5000.00")
    changes = sales_api.get(f"{url}/timeline").json()[0]["changes"]
    assert {"field": "lines.1.quantity", "old": "2.000", "new": "5.000"} in changes
    assert {"field": "lines.2.product", "old": products[1].pk, "new": None} in changes


def test_list_filters_and_pages(salesperson, sales_api, customer, products):
    other = CustomerFactory(name="远东机械有限公司")
    for _ in range(3):
        order_create(actor=salesperson, **order_payload(customer, products))
    special = order_create(actor=salesperson, **_payload(other, products))

    first = sales_api.get("/api/orders", page_size=2).json()
    second = sales_api.get("/api/orders", page_size=2, page=2).json()
    filtered = sales_api.get("/api/orders", special_only="true").json()
    searched = sales_api.get("/api/orders", q="远东").json()

    assert (first["page"], first["page_size"], first["has_next"]) == (1, 2, True)
    assert first["items"][0]["id"] == special.pk
    assert first["items"][0]["total_gross"] == "4520.00"
    assert (len(second["items"]), second["has_next"]) == (2, False)
    assert [o["id"] for o in filtered["items"]] == [special.pk]
    assert [o["id"] for o in searched["items"]] == [special.pk]
    assert sales_api.get("/api/orders", page_size=201).status_code == 422


@pytest.mark.e2e
def test_incomplete_order_waits_for_customer_then_communication(sales_api, customer,
                                                                products):
    # P2.3.2: a missing delivery place -> awaiting customer; Sales logs the contact.
    created = sales_api.post("/api/orders", _payload(customer, products, delivery_place=""))
    order_id = created.json()["id"]

    checked = sales_api.post(f"/api/orders/{order_id}/actions/check")
    logged = sales_api.post(f"/api/orders/{order_id}/communications",
                            {"channel": "phone", "summary": "客户确认送货地址：苏州工业园区"})

    assert checked.json()["status"] == "awaiting_customer"
    report = sales_api.get(f"/api/orders/{order_id}/check-reports").json()[0]
    missing = [f for f in report["findings"] if f["severity"] == "missing"]
    assert [(f["code"], f["message"]) for f in missing] == [
        ("field_missing", "delivery place is missing: ask the customer.")]
    assert logged.status_code == 201, logged.json()
    assert logged.json()["channel_label"] == "Phone"
    assert CustomerCommunication.objects.filter(order_id=order_id).count() == 1
    log = sales_api.get(f"/api/orders/{order_id}/communications").json()
    assert [c["summary"] for c in log] == ["客户确认送货地址：苏州工业园区"]


def test_communication_without_summary_writes_nothing(sales_api, customer, products):
    order_id = sales_api.post("/api/orders", _payload(customer, products)).json()["id"]
    before = written()

    response = sales_api.post(f"/api/orders/{order_id}/communications", {"channel": "pigeon"})

    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"channel", "summary"}
    assert written() == before
    assert CustomerCommunication.objects.count() == 0


def _escalated_order(salesperson):
    poor = CustomerFactory(credit_rating="D")
    order = order_create(actor=salesperson, **order_payload(poor, [ProductFactory()]))
    Api(salesperson).post(f"/api/orders/{order.pk}/actions/check")
    order.refresh_from_db()
    assert order.status == "escalated"
    return order


def test_management_decides_escalation_with_reason(salesperson, division_leader):
    # P2.3.2: poor credit -> management accepts or declines, with a reason.
    order = _escalated_order(salesperson)
    leader = Api(division_leader)

    no_reason = leader.post(f"/api/orders/{order.pk}/escalation/decision", {"accept": True})
    accepted = leader.post(f"/api/orders/{order.pk}/escalation/decision",
                           {"accept": True, "reason": "老客户，预付款30%已到账"})

    assert no_reason.status_code == 422
    assert no_reason.json()["errors"] == {"reason": ["Please give a reason."]}
    assert accepted.status_code == 200, accepted.json()
    assert accepted.json()["status"] == "checked"


def test_salesperson_cannot_accept_escalation(salesperson):
    order = _escalated_order(salesperson)
    api = Api(salesperson)
    before = written()

    by_decision = api.post(f"/api/orders/{order.pk}/escalation/decision",
                           {"accept": True, "reason": "我自己批准"})
    by_action = api.post(f"/api/orders/{order.pk}/actions/accept_escalation",
                         {"reason": "我自己批准"})

    assert (by_decision.status_code, by_action.status_code) == (403, 403)
    assert by_decision.json()["code"] == "not_permitted"
    assert written() == before
    order.refresh_from_db()
    assert order.status == "escalated"


def test_cancel_needs_a_reason(sales_api, customer, products):
    order_id = sales_api.post("/api/orders", _payload(customer, products)).json()["id"]

    refused = sales_api.post(f"/api/orders/{order_id}/actions/cancel")
    cancelled = sales_api.post(f"/api/orders/{order_id}/actions/cancel",
                               {"reason": "客户取消采购计划"})

    assert refused.status_code == 422
    assert cancelled.json()["status"] == "cancelled"
    assert cancelled.json()["allowed_actions"] == []


def test_unknown_action_is_404_and_unimplemented_is_409(sales_api, customer, products):
    order_id = sales_api.post("/api/orders", _payload(customer, products)).json()["id"]

    assert sales_api.post(f"/api/orders/{order_id}/actions/teleport").status_code == 404
    assert sales_api.post(f"/api/orders/{order_id}/actions/settle").status_code == 409


def test_attachment_upload_and_remove(sales_api, customer, products):
    from django.core.files.uploadedfile import SimpleUploadedFile

    order_id = sales_api.post("/api/orders", _payload(customer, products)).json()["id"]
    scan = SimpleUploadedFile("PO-8841.pdf", b"%PDF-1.4 test", content_type="application/pdf")

    added = sales_api.upload(f"/api/orders/{order_id}/attachments", file=scan,
                             kind="purchase_order")

    assert added.status_code == 201, added.json()
    assert (added.json()["original_name"], added.json()["size"], added.json()["kind"]) == \
        ("PO-8841.pdf", 13, "purchase_order")
    detail = sales_api.get(f"/api/orders/{order_id}").json()
    assert [a["id"] for a in detail["attachments"]] == [added.json()["id"]]

    removed = sales_api.delete(f"/api/orders/{order_id}/attachments/{added.json()['id']}")

    assert removed.status_code == 204
    assert sales_api.get(f"/api/orders/{order_id}").json()["attachments"] == []


def _line(product):
    return {"product_id": product.pk, "quantity": "3", "unit_price": "99.50"}


def test_create_query_count_is_constant_in_lines(salesperson, customer):
    # Benchmark requirement: queries per order do not grow with the number of lines.
    products = [ProductFactory() for _ in range(10)]
    api = token_api(salesperson)
    api.post("/api/orders", order_payload(customer, products[:1]))  # warm caches and counters

    counts = []
    for count in (1, 10):
        with CaptureQueriesContext(connection) as queries:
            response = api.post("/api/orders",
                                order_payload(customer, [], lines=[_line(p) for p in
                                                                   products[:count]]))
        assert response.status_code == 201
        assert len(response.json()["lines"]) == count
        counts.append(len(queries))

    assert counts[0] == counts[1]


def test_production_user_cannot_create(customer, products):
    production = make_user(Dept.PRODUCTION, Role.STAFF)
    before = written()

    response = Api(production).post("/api/orders", order_payload(customer, products))

    assert response.status_code == 403
    assert response.json()["code"] == "not_permitted"
    assert written() == before


def test_invisible_order_is_404(salesperson, customer, products):
    order = order_create(actor=salesperson, **order_payload(customer, products))
    stranger = Api(make_user(Dept.SALES, Role.STAFF))
    production = Api(make_user(Dept.PRODUCTION, Role.STAFF))  # drafts stay inside Sales
    before = written()

    responses = [
        stranger.get(f"/api/orders/{order.pk}"),
        stranger.get(f"/api/orders/{order.pk}/timeline"),
        stranger.get(f"/api/orders/{order.pk}/check-reports"),
        stranger.put(f"/api/orders/{order.pk}", order_payload(customer, products)),
        stranger.post(f"/api/orders/{order.pk}/actions/check"),
        stranger.post(f"/api/orders/{order.pk}/communications",
                      {"channel": "phone", "summary": "x"}),
        production.get(f"/api/orders/{order.pk}"),
    ]

    assert [r.status_code for r in responses] == [404] * 7
    assert responses[0].json()["code"] == "not_found"
    assert written() == before
    assert stranger.get("/api/orders").json()["items"] == []


def test_dates_are_iso(sales_api, customer, products):
    delivery = dt.date(2031, 5, 20)
    body = sales_api.post("/api/orders", _payload(customer, products,
                                                  delivery_date="2031-05-20")).json()

    assert body["delivery_date"] == delivery.isoformat()
    assert body["order_date"] == dt.date.today().isoformat()


def test_list_query_count_is_constant_in_rows(salesperson, customer, products):
    # Hot path: one page of the list costs the same queries for 1 row or 12.
    api = token_api(salesperson)
    order_create(actor=salesperson, **order_payload(customer, products))
    api.get("/api/orders")  # warm-up

    counts = []
    for extra in (0, 11):
        for _ in range(extra):
            order_create(actor=salesperson, **order_payload(CustomerFactory(), products))
        with CaptureQueriesContext(connection) as queries:
            rows = api.get("/api/orders", page_size=50).json()["items"]
        counts.append((len(rows), len(queries)))

    assert [rows for rows, _ in counts] == [1, 12]
    assert counts[0][1] == counts[1][1] <= 4
