"""Approval on the order page (P4.1, P4.1.2): the panel of rounds and stages, approve /
reject / return as plain forms, sign-off, duplicating an order; error mapping."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from orderflow.accounts.domain.organisation import Dept, Role
from orderflow.approval.models import ApprovalTask, SignOff
from orderflow.approval.services import chain_save, task_approve
from orderflow.audit.models import AuditEvent
from orderflow.orders.domain.lifecycle import State
from orderflow.orders.models import Order
from orderflow.orders.services.content import content_hash
from orderflow.testing.factories import make_user

from .test_review_web import (  # noqa: F401  (fixtures)
    admin_fixture,
    approvers_fixture,
    frozen_fixture,
    in_review,
    pass_all,
    plain_rule_fixture,
    reviewers_fixture,
)

pytestmark = pytest.mark.django_db


def in_approval(salesperson, reviewers, customer, products, **overrides) -> Order:
    """An order whose review passed: the approval chain started (P4.1.1)."""
    order = pass_all(in_review(salesperson, customer, products, **overrides), reviewers)
    assert order.status == State.IN_APPROVAL
    return order


@pytest.fixture(name="order")
def order_fixture(frozen, plain_rule, salesperson, reviewers, approvers, customer, products):
    return in_approval(salesperson, reviewers, customer, products)


def pending(order, position: int) -> ApprovalTask:
    return ApprovalTask.objects.get(order=order, status="pending", stage__position=position,
                                    request__status="in_progress")


def panel(html: str) -> str:
    return html[html.index('data-testid="approval-panel"'):]


def stage_html(html: str, position: int) -> str:
    match = re.search(rf'<li class="list-group-item" data-stage="{position}".*?</li>\s*</ul>',
                      html, re.S)
    return match[0] if match else ""


def test_panel_shows_each_step_and_the_approvers_form(order, client_as, approvers):
    html = client_as(approvers[1]).get(f"/orders/{order.pk}/").content.decode()

    board = panel(html)
    assert re.findall(r'data-stage="(\d)" data-stage-status="(\w+)"', board) == [
        ("1", "active"), ("2", "waiting"), ("3", "waiting")]
    assert 'data-mode="any"' in stage_html(board, 2)
    assert approvers[1].display_name in stage_html(board, 1)
    mine = board[board.index('data-testid="my-task"'):]
    assert f'action="/approvals/tasks/{pending(order, 1).pk}/approve/"' in mine
    # P4.1: the approval is bound to the version the approver saw.
    assert f'name="seen_version" value="{order.version}"' in mine


def test_approve_with_a_comment_moves_to_the_next_step(order, client_as, approvers):
    task = pending(order, 1)
    client = client_as(approvers[1])

    response = client.post(f"/approvals/tasks/{task.pk}/approve/",
                           {"comment": "价格合理", "seen_version": str(order.version)})

    assert response.status_code == 302
    assert response["Location"] == f"/orders/{order.pk}/"
    task.refresh_from_db()
    assert (task.status, task.comment, task.acted_by) == ("approved", "价格合理", approvers[1])
    html = client.get(response["Location"]).content.decode()
    assert "You approved order" in html
    assert "“价格合理”" in stage_html(panel(html), 1)
    assert re.findall(r'data-stage-status="(\w+)"', panel(html)) == [
        "approved", "active", "waiting"]


def test_stale_version_is_refused_with_a_message(order, client_as, approvers):
    task = pending(order, 1)
    events = AuditEvent.objects.count()

    response = client_as(approvers[1]).post(f"/approvals/tasks/{task.pk}/approve/",
                                            {"seen_version": str(order.version - 1)},
                                            follow=True)

    assert response.status_code == 200
    html = response.content.decode()
    assert "The order changed since you opened it" in html
    assert 'class="alert alert-danger' in html
    assert pending(order, 1).pk == task.pk
    assert AuditEvent.objects.count() == events


def test_someone_elses_task_is_forbidden(order, client_as, approvers):
    task = pending(order, 1)

    response = client_as(approvers[2]).post(f"/approvals/tasks/{task.pk}/approve/", {})

    assert response.status_code == 403
    task.refresh_from_db()
    assert task.status == "pending"


def test_task_of_an_invisible_order_is_not_found(order, client_as):
    task = pending(order, 1)
    stranger = client_as(make_user(Dept.SALES, Role.STAFF, username="sales2"))

    assert stranger.post(f"/approvals/tasks/{task.pk}/approve/", {}).status_code == 404
    assert stranger.get(f"/approvals/tasks/{task.pk}/reject/").status_code == 404
    task.refresh_from_db()
    assert task.status == "pending"


def test_reject_needs_a_reason_then_sends_the_order_back(order, client_as, approvers):
    task = pending(order, 1)
    client = client_as(approvers[1])

    page = client.get(f"/approvals/tasks/{task.pk}/reject/")
    empty = client.post(f"/approvals/tasks/{task.pk}/reject/", {"reason": " "})
    task.refresh_from_db()
    status_after_empty = task.status
    done = client.post(f"/approvals/tasks/{task.pk}/reject/", {"reason": "价格低于底价"})

    assert page.status_code == 200 and 'data-testid="decide-form"' in page.content.decode()
    assert empty.status_code == 422
    assert 'data-error-for="reason"' in empty.content.decode()
    assert status_after_empty == "pending"
    assert done.status_code == 302
    task.refresh_from_db()
    assert (task.status, task.comment) == ("rejected", "价格低于底价")
    assert Order.objects.get(pk=order.pk).status == State.APPROVAL_REJECTED


def test_return_to_an_earlier_step(order, client_as, approvers):
    task_approve(task_id=pending(order, 1).pk, actor=approvers[1])
    task = pending(order, 2)
    client = client_as(approvers[2])
    html = client.get(f"/orders/{order.pk}/").content.decode()
    assert f'action="/approvals/tasks/{task.pk}/return/"' in html

    response = client.post(f"/approvals/tasks/{task.pk}/return/",
                           {"to_position": "1", "reason": "请补充客户资信说明"})

    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == "returned"
    assert pending(order, 1).assignee == approvers[1]


def test_sign_off_after_the_last_step(order, client_as, approvers):
    for position in (1, 2, 3):
        task_approve(task_id=pending(order, position).pk, actor=approvers[position])
    client = client_as(approvers[1])   # the Sales head signs (P4.1.2)
    html = client.get(f"/orders/{order.pk}/").content.decode()
    assert 'data-testid="sign-off-form"' in html
    assert 'data-action="sign_off"' not in html   # not also among the plain buttons

    response = client.post(f"/orders/{order.pk}/sign-off/", {"comment": "同意下达"})

    assert response.status_code == 302
    signed = SignOff.objects.get(order=order)
    order.refresh_from_db()
    assert (order.status, signed.signed_by, signed.comment) == (
        State.APPROVED, approvers[1], "同意下达")
    page = client.get(f"/orders/{order.pk}/").content.decode()
    block = page[page.index('data-testid="sign-off"'):]
    assert f'data-hash="{content_hash(order)}"' in block
    assert f">{content_hash(order)[:12]}</code>" in block


def test_sign_off_by_someone_else_is_forbidden(order, client_as, approvers, salesperson):
    for position in (1, 2, 3):
        task_approve(task_id=pending(order, position).pk, actor=approvers[position])

    response = client_as(approvers[2]).post(f"/orders/{order.pk}/sign-off/", {})

    assert response.status_code == 403
    assert not SignOff.objects.filter(order=order).exists()


# -- duplicating an order --------------------------------------------------------------

def test_duplicate_makes_a_new_draft(order, client_as, salesperson):
    client = client_as(salesperson)
    assert 'data-testid="duplicate-order"' in client.get(f"/orders/{order.pk}/").content.decode()

    response = client.post(f"/orders/{order.pk}/duplicate/")

    copy = Order.objects.exclude(pk=order.pk).get()
    assert response.status_code == 302
    assert response["Location"] == f"/orders/{copy.pk}/"
    assert (copy.status, copy.total_gross, copy.customer_id) == (
        State.DRAFT, order.total_gross, order.customer_id)


def test_only_sales_duplicates(order, client_as, approvers):
    client = client_as(approvers[2])   # the division leader sees the order

    html = client.get(f"/orders/{order.pk}/").content.decode()
    response = client.post(f"/orders/{order.pk}/duplicate/")

    assert 'data-testid="duplicate-order"' not in html
    assert response.status_code == 403
    assert Order.objects.count() == 1


# -- query counts -----------------------------------------------------------------------

def chain_of(admin, steps: int) -> None:
    """Sales head, division leaders (或签), Finance head; each informs the admin (CC)."""
    common = {"time_limit_hours": 8, "cc": [{"kind": "user", "user": admin.pk}]}
    chain_save(actor=admin, subject_kind="order", name=f"{steps}步审批", steps=[
        {"name": "销售部负责人审核", "assignee_kind": "dept_head", "department": "sales",
         **common},
        *({"name": f"领导审批{i}", "assignee_kind": "role", "role": "division_leader",
           "mode": "any", **common} for i in range(steps - 2)),
        {"name": "财务部审核", "assignee_kind": "dept_head", "department": "finance",
         **common}])


def test_order_page_queries_do_not_grow_with_the_steps(
        frozen, plain_rule, admin, client_as, salesperson, reviewers, approvers, customer,
        products):
    chain_of(admin, 3)
    three = in_approval(salesperson, reviewers, customer, products)
    chain_of(admin, 6)
    six = in_approval(salesperson, reviewers, customer, products)
    client = client_as(salesperson)
    client.get(f"/orders/{three.pk}/")

    with CaptureQueriesContext(connection) as small:
        client.get(f"/orders/{three.pk}/")
    with CaptureQueriesContext(connection) as large:
        html = client.get(f"/orders/{six.pk}/").content.decode()

    assert len(re.findall(r'data-stage="\d"', html)) == 6
    assert html.count(f"CC: {admin.display_name}") == 6
    assert len(large) == len(small)
