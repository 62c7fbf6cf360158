"""Issue 4 acceptance: one order from sign-off through release and every department's
execution records to "executed", over the JSON API as each department's users do it
(P4.1.2, P4.2.1, P5.1-P5.4), on PostgreSQL (and again on SQLite in the e2e run)."""

import pytest

from orderflow.accounts.domain.organisation import Dept, Role
from orderflow.audit.models import AuditEvent
from orderflow.audit.selectors import verify_chain
from orderflow.orders.models import Order
from orderflow.testing.factories import make_user

from .conftest import Api
from .test_approval_api import approvers_fixture, in_approval_fixture  # noqa: F401
from .test_review_api import (  # noqa: F401  (fixtures)
    finance_head_fixture,
    frozen_fixture,
    plain_rule_fixture,
    reviewers_fixture,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db]

TODAY = "2030-03-04"  # MONDAY_9 of the frozen clock


def ok(response, status=200):
    assert response.status_code == status, response.content.decode()[:2000]
    return response.json()


def test_signed_off_order_released_executed_by_six_departments(
        in_approval, approvers, sales_head, salesperson, reviewers):
    order_id = in_approval.pk
    for position in (1, 2, 3):
        [task] = Api(approvers[position]).get("/api/inbox").json()["approvals"]
        ok(Api(approvers[position]).post(f"/api/approval-tasks/{task['id']}/approve",
                                         {"comment": "同意",
                                          "seen_version": task["order"]["version"]}))
    head = Api(sales_head)
    assert ok(head.post(f"/api/orders/{order_id}/actions/sign_off",
                        {"comment": "同意下达"}))["status"] == "approved"

    # P4.2.1: the Sales head releases it; six packages, one per department.
    assert ok(head.post(f"/api/orders/{order_id}/actions/release"))["status"] == "released"
    packages = {p["department"]["code"]: p for p in
                ok(head.get(f"/api/orders/{order_id}/work-packages"))}
    assert sorted(packages) == sorted(["production", "procurement", "quality", "technology",
                                       "logistics", "finance"])
    people = {**reviewers, "logistics": make_user(Dept.LOGISTICS, Role.STAFF,
                                                  username="logistics-staff")}
    api = {dept: Api(user) for dept, user in people.items()}
    for dept, package in packages.items():
        ok(api[dept].post(f"/api/work-packages/{package['id']}/start"))
    assert Order.objects.get(pk=order_id).status == "in_execution"
    lines = [(line.pk, str(line.quantity)) for line in in_approval.lines.order_by("position")]

    # P5.1: Production plans a task per line and reports it done; asks Technology once.
    for line_id, quantity in lines:
        task = ok(api["production"].post(f"/api/orders/{order_id}/production-tasks", {
            "name": "机加工与装配", "starts_on": TODAY, "ends_on": "2030-03-20",
            "team": "一车间", "equipment": "数控车床", "materials": "钢材 Q235",
            "qc_requirements": "首件检验", "order_line_id": line_id,
            "planned_quantity": quantity}), 201)
        ok(api["production"].post(f"/api/production-tasks/{task['id']}/progress", {
            "reported_on": TODAY, "quantity_done": quantity, "percent_done": 100}), 201)
    request = ok(api["production"].post(f"/api/orders/{order_id}/support-requests", {
        "subject": "工艺参数确认", "description": "请确认热处理温度"}), 201)
    # P5.4.1: Technology answers; Production confirms it is solved.
    ok(api["technology"].post(f"/api/support-requests/{request['id']}/answer",
                              {"answer": "按 850℃ 保温 2 小时"}))
    ok(api["production"].post(f"/api/support-requests/{request['id']}/resolve",
                              {"resolution": "已按答复执行"}))

    # P5.2: Procurement buys from a supplier, signs, receives; the goods pass inspection.
    supplier = ok(api["procurement"].post("/api/suppliers", {
        "code": "S001", "name": "苏州精工钢材有限公司"}), 201)
    contract = ok(api["procurement"].post(f"/api/orders/{order_id}/purchase-contracts", {
        "supplier_id": supplier["id"], "contract_date": TODAY, "delivery_date": "2030-03-10",
        "lines": [{"description": "钢材 Q235", "quantity": "5", "unit": "吨",
                   "unit_price": "4200"}]}), 201)
    ok(api["procurement"].post(f"/api/purchase-contracts/{contract['id']}/sign"))
    delivery = ok(api["procurement"].post(
        f"/api/purchase-contracts/{contract['id']}/deliveries",
        {"received_on": TODAY, "lines": [{"contract_line_id": contract["lines"][0]["id"],
                                          "quantity": "5"}]}), 201)
    ok(api["quality"].post(f"/api/supplier-delivery-lines/{delivery['lines'][0]['id']}"
                           "/inspection", {"inspected_on": TODAY, "accepted_quantity": "5",
                                           "rejected_quantity": "0"}), 201)
    ok(api["procurement"].post(f"/api/purchase-contracts/{contract['id']}/close"))

    # P5.3: Quality plans, inspects each line finally, issues the reports.
    ok(api["quality"].post(f"/api/orders/{order_id}/inspection-plan", {
        "item": "外形尺寸", "method": "游标卡尺测量", "frequency": "每批抽检 10%"}), 201)
    for line_id, quantity in lines:
        record = ok(api["quality"].post(f"/api/orders/{order_id}/inspections", {
            "order_line_id": line_id, "stage": "final", "inspected_on": TODAY,
            "quantity_inspected": quantity, "quantity_passed": quantity,
            "quantity_failed": "0"}), 201)
        ok(api["quality"].post(f"/api/inspections/{record['id']}/report",
                               {"conclusion": "检验合格"}), 201)

    # P5.4.2: Logistics ships everything and records the delivery.
    shipment = ok(api["logistics"].post(f"/api/orders/{order_id}/shipments", {
        "carrier": "顺丰速运", "tracking_number": "SF1234567890", "packages_count": 2,
        "shipped_on": TODAY, "lines": [{"order_line_id": line_id, "quantity": quantity}
                                       for line_id, quantity in lines]}), 201)
    delivered = api["logistics"].client.post(
        f"/api/shipments/{shipment['id']}/deliver",
        {"delivered_on": TODAY, "received_by": "王经理"})
    assert delivered.status_code == 200, delivered.content.decode()[:2000]

    # P5.4.3: Finance records the costs and sees the margin against the estimate.
    for category, amount in (("materials", "900"), ("labour", "300")):
        ok(api["finance"].post(f"/api/orders/{order_id}/costs", {
            "category": category, "amount": amount, "incurred_on": TODAY,
            "description": "按实际归集"}), 201)
    margin = ok(api["finance"].get(f"/api/orders/{order_id}/margin"))
    assert margin["actual_cost"] in ("1200.00", "1200", 1200)

    # P5: every department finishes; the last one makes the order executed.
    for dept, package in packages.items():
        ok(api[dept].post(f"/api/work-packages/{package['id']}/complete"))
    assert ok(head.get(f"/api/orders/{order_id}"))["status"] == "executed"
    events = set(AuditEvent.objects.filter(object_id=str(order_id))
                 .values_list("action", flat=True))
    assert {"order.release", "order.start_execution", "order.complete_execution"} <= events
    assert verify_chain().ok
