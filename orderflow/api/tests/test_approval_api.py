"""Approval over the JSON API (P4.1): the chain's rounds, approve / reject / return,
sign-off, delegations, duplicating an order; and the whole process end to end.
"""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from orderflow.accounts.domain.organisation import Dept, Role
from orderflow.accounts.models import Delegation
from orderflow.approval.models import ApprovalTask, SignOff
from orderflow.orders.models import Order
from orderflow.orders.services.content import content_hash
from orderflow.testing.factories import make_user

from .conftest import Api, written
from .test_review_api import (  # noqa: F401  (fixtures)
    MONDAY_9,
    REVIEWING,
    at,
    finance_head_fixture,
    frozen_fixture,
    give,
    in_review,
    pass_review,
    plain_rule_fixture,
    reviewers_fixture,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(name="approvers")
def approvers_fixture(sales_head, division_leader, finance_head):
    """Step 1 Sales head, step 2 division leader, step 3 Finance head (P4.1.1)."""
    return {1: sales_head, 2: division_leader, 3: finance_head}


@pytest.fixture(name="in_approval")
def in_approval_fixture(frozen, plain_rule, salesperson, reviewers, approvers, customer, products):
    """An order whose review passed: the approval chain has started."""
    order = in_review(salesperson, customer, products)
    pass_review(order, reviewers)
    assert Order.objects.get(pk=order.pk).status == "in_approval"
    return order


def pending_task(order, position: int, user=None) -> ApprovalTask:
    """The waiting task of a step: the user's own if they have one, else the only one."""
    tasks = ApprovalTask.objects.filter(order=order, status="pending", request__status=
                                        "in_progress", stage__position=position)
    return tasks.filter(assignee=user).first() or tasks.get()


def approve(user, order, position: int, **payload):
    task = pending_task(order, position, user)
    return Api(user).post(f"/api/approval-tasks/{task.pk}/approve", payload)


def test_approvals_show_the_chain_after_the_review_passed(in_approval, salesperson):
    response = Api(salesperson).get(f"/api/orders/{in_approval.pk}/approvals")

    assert response.status_code == 200, response.json()
    [request] = response.json()
    assert (request["round"], request["status"], request["current_position"],
            request["content_hash"], request["sign_off"]) == \
        (1, "in_progress", 1, content_hash(in_approval), None)
    assert [(s["position"], s["name"], s["mode"], s["status"]) for s in request["stages"]] == [
        (1, "销售部负责人审核", "single", "active"),
        (2, "事业部领导审批", "any", "waiting"),
        (3, "财务部审核", "single", "waiting")]
    first = request["stages"][0]
    assert [(t["assignee"]["username"], t["status"], t["acted_by"]) for t in first["tasks"]] \
        == [("saleshead", "pending", None)]
    # An 8-working-hour step started Monday 09:00 is due Tuesday 08:30 + 0.5h.
    assert at(first["due_at"]) == dt.datetime(2030, 3, 5, 9, 0, tzinfo=MONDAY_9.tzinfo)
    assert (first["hours_left"], first["overdue"]) == ("8.00", False)
    assert request["stages"][1]["hours_left"] is None


def test_approve_with_comment_moves_to_the_next_step(in_approval, sales_head):
    version = Order.objects.get(pk=in_approval.pk).version

    response = approve(sales_head, in_approval, 1, comment="价格合理", seen_version=version)

    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["status"], body["comment"], body["acted_by"]["username"],
            body["on_behalf_of"]) == ("approved", "价格合理", "saleshead", None)
    assert (body["order"]["id"], body["order"]["status"]) == (in_approval.pk, "in_approval")
    stages = Api(sales_head).get(f"/api/orders/{in_approval.pk}/approvals").json()[0]["stages"]
    assert [s["status"] for s in stages] == ["approved", "active", "waiting"]


def test_stale_seen_version_is_a_conflict(in_approval, sales_head):
    # P4.1: approvals are bound to the content the approver saw.
    version = Order.objects.get(pk=in_approval.pk).version
    before = written()

    response = approve(sales_head, in_approval, 1, seen_version=version - 1)

    assert response.status_code == 409
    assert response.json()["code"] == "conflict"
    assert written() == before
    assert pending_task(in_approval, 1).status == "pending"


def test_someone_elses_task_is_refused(in_approval, division_leader):
    before = written()

    response = approve(division_leader, in_approval, 1)

    assert response.status_code == 403
    assert response.json()["message"] == \
        "This approval task is neither yours nor, today, of someone you are deputy for."
    assert written() == before
    assert pending_task(in_approval, 1).acted_by_id is None


def test_invisible_task_answers_404(in_approval):
    stranger = Api(make_user(Dept.SALES, Role.STAFF, username="sales2"))
    task = pending_task(in_approval, 1)

    acted = stranger.post(f"/api/approval-tasks/{task.pk}/approve", {})
    listed = stranger.get(f"/api/orders/{in_approval.pk}/approvals")

    assert (acted.status_code, listed.status_code) == (404, 404), acted.content
    assert ApprovalTask.objects.get(pk=task.pk).status == "pending"


def test_reject_needs_a_reason(in_approval, sales_head):
    task = pending_task(in_approval, 1)
    before = written()

    response = Api(sales_head).post(f"/api/approval-tasks/{task.pk}/reject", {"reason": " "})

    assert response.status_code == 422
    assert response.json()["errors"] == {"reason": ["This field is required."]}
    assert written() == before


def test_reject_sends_the_order_back_to_sales(in_approval, sales_head):
    task = pending_task(in_approval, 1)

    response = Api(sales_head).post(f"/api/approval-tasks/{task.pk}/reject",
                                    {"reason": "付款条件需重新谈判"})

    assert response.status_code == 200, response.json()
    assert (response.json()["status"], response.json()["order"]["status"]) == \
        ("rejected", "approval_rejected")
    [request] = Api(sales_head).get(f"/api/orders/{in_approval.pk}/approvals").json()
    assert (request["status"], request["outcome_reason"]) == ("rejected", "付款条件需重新谈判")


def test_return_to_an_earlier_step(in_approval, sales_head, division_leader):
    assert approve(sales_head, in_approval, 1).status_code == 200
    task = pending_task(in_approval, 2)

    response = Api(division_leader).post(f"/api/approval-tasks/{task.pk}/return",
                                         {"to_position": 1, "reason": "请补充成本说明"})

    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "returned"
    stages = Api(sales_head).get(f"/api/orders/{in_approval.pk}/approvals").json()[0]["stages"]
    assert [s["status"] for s in stages] == ["active", "waiting", "waiting"]
    assert [t["status"] for t in stages[1]["tasks"]] == ["returned"]


def test_return_to_a_later_step_is_refused(in_approval, sales_head):
    task = pending_task(in_approval, 1)
    before = written()

    response = Api(sales_head).post(f"/api/approval-tasks/{task.pk}/return",
                                    {"to_position": 3, "reason": "x"})

    assert response.status_code == 422
    assert response.json()["errors"] == {
        "to_position": ["Choose an earlier step of this approval that was not skipped."]}
    assert written() == before


def test_sign_off_records_the_comment(in_approval, sales_head, approvers):
    for position in (1, 2, 3):
        assert approve(approvers[position], in_approval, position).status_code == 200
    assert Order.objects.get(pk=in_approval.pk).status == "awaiting_signoff"

    signed = Api(sales_head).post(f"/api/orders/{in_approval.pk}/actions/sign_off",
                                  {"comment": "同意下达"})

    assert signed.status_code == 200, signed.json()
    assert signed.json()["status"] == "approved"
    sign_off = SignOff.objects.get(order=in_approval)
    assert (sign_off.comment, sign_off.signed_by_id) == ("同意下达", sales_head.pk)
    [request] = Api(sales_head).get(f"/api/orders/{in_approval.pk}/approvals").json()
    assert request["sign_off"]["signed_by"]["username"] == "saleshead"
    assert request["sign_off"]["content_hash"] == content_hash(in_approval)
    assert request["sign_off"]["comment"] == "同意下达"
    assert at(request["sign_off"]["signed_at"]) == MONDAY_9


def test_approvals_query_count_is_constant_in_steps_and_tasks(in_approval, sales_head,
                                                              approvers):
    api = Api(sales_head)

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert api.get(f"/api/orders/{in_approval.pk}/approvals").status_code == 200
        return len(ctx)

    one_step = queries()
    make_user(Dept.MANAGEMENT, Role.DIVISION_LEADER, username="leader2")
    assert approve(approvers[1], in_approval, 1, comment="同意").status_code == 200
    assert approve(approvers[2], in_approval, 2, comment="同意").status_code == 200
    stages = Api(sales_head).get(f"/api/orders/{in_approval.pk}/approvals").json()[0]["stages"]
    assert [len(s["tasks"]) for s in stages] == [1, 2, 1]

    assert queries() == one_step


# -- duplicating an order ----------------------------------------------------------------

def test_duplicate_is_a_new_draft(in_approval, salesperson):
    response = Api(salesperson).post(f"/api/orders/{in_approval.pk}/duplicate")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["status"], body["version"]) == ("draft", 1)
    assert body["id"] != in_approval.pk
    assert body["total_gross"] == str(in_approval.total_gross)
    assert body["allowed_actions"] == ["check", "cancel"]


def test_duplicate_of_an_invisible_order_is_404(in_approval):
    stranger = Api(make_user(Dept.SALES, Role.STAFF, username="sales2"))
    before = written()

    response = stranger.post(f"/api/orders/{in_approval.pk}/duplicate")

    assert response.status_code == 404
    assert written() == before


# -- delegations (P4.1) ------------------------------------------------------------------

def test_delegation_lifecycle(frozen, sales_head):
    deputy = make_user(Dept.SALES, Role.STAFF, username="deputy", full_name="周杰")
    api = Api(sales_head)

    created = api.post("/api/delegations", {"deputy_id": deputy.pk, "starts_on": "2030-03-04",
                                            "ends_on": "2030-03-08", "reason": "出差"})

    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["principal"]["username"], body["deputy"]["username"], body["starts_on"],
            body["ends_on"], body["reason"], body["active"]) == \
        ("saleshead", "deputy", "2030-03-04", "2030-03-08", "出差", True)
    assert [d["id"] for d in Api(deputy).get("/api/delegations").json()] == [body["id"]]

    revoked = api.post(f"/api/delegations/{body['id']}/revoke")

    assert revoked.status_code == 200, revoked.json()
    assert (revoked.json()["active"], revoked.json()["revoked_by"]["username"]) == \
        (False, "saleshead")
    assert at(revoked.json()["revoked_at"]) == MONDAY_9


def test_delegation_errors_are_named(frozen, sales_head):
    before = (written(), Delegation.objects.count())

    response = Api(sales_head).post("/api/delegations", {
        "deputy_id": sales_head.pk, "starts_on": "2030-03-08", "ends_on": "2030-03-04"})

    assert response.status_code == 422, response.json()
    assert response.json()["errors"] == {
        "deputy_id": ["A person cannot be their own deputy."],
        "ends_on": ["The last day cannot be before the first day."]}
    assert (written(), Delegation.objects.count()) == before


def test_everyones_delegations_are_for_admins(frozen, sales_head):
    admin = make_user(Dept.MANAGEMENT, Role.SYSTEM_ADMIN, username="admin")
    deputy = make_user(Dept.SALES, Role.STAFF, username="deputy")
    Api(sales_head).post("/api/delegations", {"deputy_id": deputy.pk,
                                              "starts_on": "2030-03-04",
                                              "ends_on": "2030-03-08"})

    refused = Api(sales_head).get("/api/delegations", all="true")
    listed = Api(admin).get("/api/delegations", all="true")

    assert refused.status_code == 403
    assert [(d["principal"]["username"], d["deputy"]["username"]) for d in listed.json()] == \
        [("saleshead", "deputy")]


def test_revoking_someone_elses_delegation_is_refused(frozen, sales_head):
    deputy = make_user(Dept.SALES, Role.STAFF, username="deputy")
    created = Api(sales_head).post("/api/delegations", {
        "deputy_id": deputy.pk, "starts_on": "2030-03-04", "ends_on": "2030-03-08"}).json()
    other = make_user(Dept.FINANCE, Role.STAFF, username="other")

    response = Api(other).post(f"/api/delegations/{created['id']}/revoke")

    assert response.status_code in {403, 404}
    assert Delegation.objects.get(pk=created["id"]).revoked_at is None


def test_deputy_approves_for_the_principal(in_approval, sales_head):
    deputy = make_user(Dept.SALES, Role.STAFF, username="deputy", full_name="周杰")
    Api(sales_head).post("/api/delegations", {"deputy_id": deputy.pk,
                                              "starts_on": "2030-03-04",
                                              "ends_on": "2030-03-08"})

    response = approve(deputy, in_approval, 1, comment="代签")

    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["acted_by"]["username"], body["on_behalf_of"]["username"],
            body["assignee"]["username"]) == ("deputy", "saleshead", "saleshead")


# -- the whole process over the API (every action has an endpoint) ----------------------

@pytest.mark.e2e
def test_review_by_five_departments_three_approvals_and_sign_off(
        frozen, plain_rule, salesperson, reviewers, approvers, sales_head, customer,
        products):
    sales = Api(salesperson)
    created = sales.post("/api/orders", {
        "customer_id": customer.pk, "channel": "phone", "contact_name": "王经理",
        "contact_phone": "13812345678", "delivery_date": "2030-05-06",
        "delivery_place": "上海市浦东新区张江路100号",
        "lines": [{"product_id": p.pk, "quantity": "2", "unit_price": "1000.00"}
                  for p in products],
        "instalments": [{"percent": "100", "trigger": "after_delivery", "days": 30}]})
    assert created.status_code == 201, created.json()
    order_id = created.json()["id"]
    assert sales.post(f"/api/orders/{order_id}/actions/check").json()["status"] == "checked"
    assert sales.post(f"/api/orders/{order_id}/actions/start_review").json()["status"] == \
        "in_review"

    # P3: five departments, each from its own inbox.
    for dept in REVIEWING:
        [item] = Api(reviewers[dept]).get("/api/inbox").json()["opinions"]
        assert item["order"]["id"] == order_id
        assert give(reviewers[dept], item["id"], dept).status_code == 200
    [review] = sales.get(f"/api/orders/{order_id}/reviews").json()
    assert (review["status"], review["conclusion"]) == ("passed", "pass")
    assert review["report"]["number"]

    # P4.1.1: three steps, each approver from their inbox, with the version they saw.
    for position in (1, 2, 3):
        approver = Api(approvers[position])
        [task] = approver.get("/api/inbox").json()["approvals"]
        assert task["step"] == position
        approved = approver.post(f"/api/approval-tasks/{task['id']}/approve",
                                 {"comment": "同意",
                                  "seen_version": task["order"]["version"]})
        assert approved.status_code == 200, approved.json()

    # P4.1.2: the Sales head signs.
    head = Api(sales_head)
    [waiting] = head.get("/api/inbox").json()["signoffs"]
    assert waiting["order"]["id"] == order_id
    signed = head.post(f"/api/orders/{order_id}/actions/sign_off", {"comment": "同意下达"})

    assert signed.status_code == 200, signed.json()
    assert signed.json()["status"] == "approved"
    [request] = sales.get(f"/api/orders/{order_id}/approvals").json()
    assert [s["status"] for s in request["stages"]] == ["approved"] * 3
    assert request["status"] == "approved"
    assert request["sign_off"]["signed_by"]["username"] == "saleshead"
