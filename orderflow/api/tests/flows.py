"""Carrying an order over the JSON API as each department's users do it: the approval
steps and sign-off (P4.1), release and every department's execution records (P4.2, P5).
Shared by the execution acceptance test and the whole-lifecycle test (tests/e2e)."""

from orderflow.accounts.domain.organisation import Dept, Role
from orderflow.orders.models import Order
from orderflow.testing.factories import make_user

from .conftest import Api

TODAY = "2030-03-04"  # MONDAY_9 of the frozen clock


def ok(response, status=200):
    assert response.status_code == status, response.content.decode()[:2000]
    return response.json()


def approve_and_sign_off(order_id: int, approvers: dict, sales_head) -> Api:
    """Each approval step from the approver's inbox, then the Sales head signs (P4.1)."""
    for position in sorted(approvers):
        [task] = Api(approvers[position]).get("/api/inbox").json()["approvals"]
        ok(Api(approvers[position]).post(f"/api/approval-tasks/{task['id']}/approve",
                                         {"comment": "同意",
                                          "seen_version": task["order"]["version"]}))
    head = Api(sales_head)
    assert ok(head.post(f"/api/orders/{order_id}/actions/sign_off",
                        {"comment": "同意下达"}))["status"] == "approved"
    return head


def release_and_execute(order_id: int, head: Api, reviewers: dict) -> dict:
    """The Sales head releases; six departments keep their records and finish (P4.2, P5).
    Returns each department's API client."""
    order = Order.objects.get(pk=order_id)
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
    lines = [(line.pk, str(line.quantity)) for line in order.lines.order_by("position")]

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
    return api
