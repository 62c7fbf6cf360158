"""Issue 5 acceptance: one order through the whole policy over the JSON API, each step by
the people the policy names: a trade-show lead (P2.1.3) converted by Sales, checked
(P2.3.1), reviewed by five departments (P3), approved in three steps and signed (P4.1),
released and executed by six departments (P4.2, P5), settled — statement, reconciliation,
Finance's audit, invoice, collection (P7) —, archived with its dossier (P9.1), then looked
up by Production through an approved query until the grant expires (P9.2). On PostgreSQL
and again on SQLite (e2e)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from orderflow.accounts.domain.organisation import Dept, Role
from orderflow.api.tests.conftest import Api
from orderflow.api.tests.flows import approve_and_sign_off, ok, release_and_execute
from orderflow.api.tests.test_approval_api import approvers_fixture  # noqa: F401
from orderflow.api.tests.test_review_api import (  # noqa: F401  (fixtures)
    finance_head_fixture,
    frozen_fixture,
    pass_review,
    plain_rule_fixture,
    reviewers_fixture,
)
from orderflow.archive.models import AccessLog
from orderflow.masterdata.models import Customer
from orderflow.orders.models import Order
from orderflow.testing.audit import verify_chain
from orderflow.testing.factories import make_user, order_payload

pytestmark = [pytest.mark.e2e, pytest.mark.django_db]

SHANGHAI = ZoneInfo("Asia/Shanghai")
LEAD = {"channel": "trade_show", "source_detail": "2030 上海工博会 B12 展位",
        "company_name": "苏州精工机械有限公司", "contact_name": "陈工",
        "contact_phone": "13900001111", "need": "液压泵，年中交货",
        "estimated_amount": "180000"}


def lead_to_order(salesperson, sales_head, customer, products) -> int:
    """P2: Marketing captures the lead, the Sales head assigns it, Sales converts it."""
    lead = ok(Api(make_user(Dept.MARKETING, Role.STAFF)).post("/api/leads", LEAD), 201)
    ok(Api(sales_head).post(f"/api/leads/{lead['id']}/assign",
                            {"assigned_to_id": salesperson.pk}))
    payload = order_payload(customer, products)
    del payload["channel"]                           # the lead's channel is kept (P2.1.3)
    order = ok(Api(salesperson).post(f"/api/leads/{lead['id']}/convert", payload), 201)
    assert order["channel"] == "trade_show"
    return order["id"]


def settle(order_id: int, sales: Api, finance: Api) -> None:
    """P7: statement from the deliveries, reconciliation, audit, invoice, collection."""
    assert ok(sales.post(f"/api/orders/{order_id}/actions/start_settlement"))["status"] == \
        "in_settlement"
    statement = ok(sales.get(f"/api/orders/{order_id}/settlement"))["statement"]
    today = "2030-03-04"                              # the frozen clock's Monday
    ok(sales.post(f"/api/statements/{statement['id']}/reconciliation", {
        "channel": "phone", "contact_name": "陈工", "confirmed_on": today,
        "confirmed_amount": statement["total_gross"], "payment_method": "bank_transfer"}),
        201)
    assert ok(sales.post(f"/api/statements/{statement['id']}/submit"))["status"] == \
        "in_audit"
    [task] = [t for t in ok(finance.get("/api/inbox"))["approvals"]
              if t["subject_kind"] == "statement"]
    ok(finance.post(f"/api/approval-tasks/{task['id']}/approve", {"comment": "审核通过"}))
    view = ok(finance.get(f"/api/orders/{order_id}/settlement"))
    audited = view["statement"]
    assert audited["status"] == "audited"
    ok(finance.post(f"/api/orders/{order_id}/invoices", {
        "kind": "vat_special", "number": "44010001", "issued_on": today,
        "net_amount": audited["total_net"], "tax_amount": audited["total_tax"]}), 201)
    for instalment in view["instalments"]:
        ok(finance.post(f"/api/instalments/{instalment['id']}/receipts", {
            "received_on": today, "amount": instalment["amount"],
            "method": "bank_transfer", "bank_reference": f"ICBC-{instalment['id']}"}), 201)
    view = ok(sales.get(f"/api/orders/{order_id}/settlement"))
    assert (view["order_status"], view["outstanding"]) == ("settled", "0.00")
    assert view["record"]["amount"] == audited["total_gross"]


def test_one_order_from_lead_to_archive_and_an_approved_query(
        frozen, plain_rule, reviewers, approvers, salesperson, sales_head, customer,
        products):
    receivables_before = Customer.objects.get(pk=customer.pk).receivables_outstanding
    order_id = lead_to_order(salesperson, sales_head, customer, products)
    sales = Api(salesperson)
    assert ok(sales.post(f"/api/orders/{order_id}/actions/check"))["status"] == "checked"
    assert ok(sales.post(f"/api/orders/{order_id}/actions/start_review"))["status"] == \
        "in_review"
    pass_review(Order.objects.get(pk=order_id), reviewers)
    head = approve_and_sign_off(order_id, approvers, sales_head)
    release_and_execute(order_id, head, reviewers)
    settle(order_id, sales, Api(reviewers["finance"]))
    assert Customer.objects.get(pk=customer.pk).receivables_outstanding == \
        receivables_before

    # P9.1: the salesperson archives it; the dossier holds every step's documents
    assert ok(sales.post(f"/api/orders/{order_id}/actions/archive"))["status"] == "archived"
    dossier = ok(sales.get(f"/api/orders/{order_id}/dossier"))
    kinds = {d["kind"] for d in dossier["documents"]}
    assert {"order", "execution", "settlement", "audit_trail"} <= kinds, kinds
    assert all(len(d["sha256"]) == 64 for d in dossier["documents"]) and dossier["intact"]
    call_command("archive_verify", order=dossier["order_number"], verbosity=0)

    # P9.2: Production no longer sees it, asks, its head approves, until the grant ends
    production = reviewers["production"]
    production_head = make_user(Dept.PRODUCTION, Role.DEPT_HEAD, username="prodhead")
    mine = Api(production)
    assert mine.get(f"/api/orders/{order_id}").status_code == 404
    query = ok(mine.post("/api/archive/queries", {
        "order_number": dossier["order_number"], "purpose": "售后维修需要查看技术要求",
        "wanted_until": "2030-03-08"}), 201)
    ok(Api(production_head).post(f"/api/archive/queries/{query['id']}/approve",
                                 {"comment": "同意"}))
    granted = ok(mine.get(f"/api/orders/{order_id}/dossier"))
    assert granted["amount"] is None                      # P9.2.2: no prices for Production
    frozen.move_to(dt.datetime(2030, 3, 9, 0, 0, 1, tzinfo=SHANGHAI))
    mine = Api(production)                                # a new session after the expiry
    assert mine.get(f"/api/orders/{order_id}/dossier").status_code == 404
    assert mine.get(f"/api/orders/{order_id}").status_code == 404
    assert AccessLog.objects.filter(user=production, action="view").count() == 1
    assert verify_chain().ok
