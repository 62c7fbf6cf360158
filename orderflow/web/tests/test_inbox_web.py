"""The inbox (待办, P3.3.2, P4.1): what waits for the user with deadlines and overdue marks,
one-click approval through htmx, the workbench counters and the navigation badge."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from orderflow.accounts.domain.organisation import Dept, Role
from orderflow.accounts.models import Delegation
from orderflow.approval.models import ApprovalTask, SignOff
from orderflow.approval.services import task_approve
from orderflow.audit.models import AuditEvent
from orderflow.orders.domain.lifecycle import State
from orderflow.orders.models import Order
from orderflow.testing.factories import make_user

from .test_approval_web import in_approval, pending
from .test_review_web import (  # noqa: F401  (fixtures)
    MONDAY_9,
    approvers_fixture,
    frozen_fixture,
    in_review,
    opinion,
    plain_rule_fixture,
    reviewers_fixture,
)

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def rows(html: str) -> list[tuple[str, str]]:
    """(row key, urgency) of each inbox row."""
    return re.findall(r'data-inbox-row="([\w-]+)" data-kind="\w+" data-urgency="(\w*)"', html)


def row_html(html: str, key: str) -> str:
    match = re.search(rf'<tr id="row-{key}".*?</tr>', html, re.S)
    return match[0] if match else ""


@pytest.fixture(name="order")
def order_fixture(frozen, plain_rule, salesperson, reviewers, approvers, customer, products):
    return in_approval(salesperson, reviewers, customer, products)


# -- what waits ------------------------------------------------------------------------

def test_reviewer_sees_the_opinion_with_deadline_and_time_left(
        frozen, plain_rule, client_as, salesperson, reviewers, customer, products):
    review = in_review(salesperson, customer, products)
    wanted = opinion(review, "technology")

    html = client_as(reviewers["technology"]).get("/inbox/").content.decode()

    assert rows(html) == [(f"opinion-{wanted.pk}", "")]
    row = row_html(html, f"opinion-{wanted.pk}")
    assert review.order.number in row and review.order.customer.name in row
    assert "Review opinion: Technology" in row
    assert "16 working h left" in row
    assert f'href="/orders/{review.order_id}/review/opinions/{wanted.pk}/"' in row


def test_due_soon_is_orange_and_overdue_is_red(
        frozen, plain_rule, client_as, salesperson, reviewers, customer, products):
    review = in_review(salesperson, customer, products)
    wanted = opinion(review, "quality")

    # (logged in afresh after each jump: a session lasts 8 hours)
    frozen.move_to(wanted.remind_at + dt.timedelta(minutes=1))
    soon = client_as(reviewers["quality"]).get("/inbox/").content.decode()
    frozen.move_to(wanted.due_at + dt.timedelta(days=1))
    late = client_as(reviewers["quality"]).get("/inbox/").content.decode()

    assert rows(soon) == [(f"opinion-{wanted.pk}", "soon")]
    assert 'class="badge bg-orange' in row_html(soon, f"opinion-{wanted.pk}")
    assert rows(late) == [(f"opinion-{wanted.pk}", "overdue")]
    assert 'class="badge bg-red' in row_html(late, f"opinion-{wanted.pk}")
    assert 'data-testid="overdue-alert"' in late


def test_approver_and_deputy_see_the_task(order, client_as, approvers):
    deputy = make_user(Dept.SALES, Role.STAFF, username="deputy", full_name="钱七")
    Delegation.objects.create(principal=approvers[1], deputy=deputy,
                              starts_on=MONDAY_9.date(), ends_on=MONDAY_9.date(),
                              created_by=approvers[1], created_at=MONDAY_9)
    task = pending(order, 1)

    own = client_as(approvers[1]).get("/inbox/").content.decode()
    held = client_as(deputy).get("/inbox/").content.decode()

    assert [key for key, _u in rows(own)] == [f"task-{task.pk}"]
    assert "data-acting-for" not in row_html(own, f"task-{task.pk}")
    deputy_row = row_html(held, f"task-{task.pk}")
    assert f'data-acting-for="{approvers[1].pk}"' in deputy_row
    assert f"for {approvers[1].display_name}" in deputy_row
    assert f'name="seen_version" value="{order.version}"' in deputy_row


def test_nothing_waiting_shows_the_empty_state(client_as, salesperson):
    html = client_as(salesperson).get("/inbox/").content.decode()

    assert rows(html) == []
    assert "Nothing is waiting for you." in html


# -- acting in one click (htmx) -----------------------------------------------------------

def test_htmx_approve_returns_the_row_done(order, client_as, approvers):
    task = pending(order, 1)

    response = client_as(approvers[1]).post(
        f"/approvals/tasks/{task.pk}/approve/",
        {"comment": "同意", "seen_version": str(order.version)}, **HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith(f'<tr id="row-task-{task.pk}"')
    assert "<html" not in html
    assert 'data-result="approve"' in html and "Approved" in html
    task.refresh_from_db()
    assert (task.status, task.comment) == ("approved", "同意")


def test_htmx_reject_opens_a_form_and_needs_a_reason(order, client_as, approvers):
    task = pending(order, 1)
    client = client_as(approvers[1])
    events = AuditEvent.objects.count()

    form = client.get(f"/approvals/tasks/{task.pk}/reject/", **HTMX).content.decode()
    empty = client.post(f"/approvals/tasks/{task.pk}/reject/", {"reason": ""}, **HTMX)

    assert 'name="reason"' in form and "<html" not in form
    assert empty.status_code == 200   # htmx swaps the row with the message in it
    assert 'data-error-for="reason"' in empty.content.decode()
    assert ApprovalTask.objects.get(pk=task.pk).status == "pending"
    assert AuditEvent.objects.count() == events

    done = client.post(f"/approvals/tasks/{task.pk}/reject/", {"reason": "毛利过低"}, **HTMX)

    assert 'data-result="reject"' in done.content.decode()
    assert Order.objects.get(pk=order.pk).status == State.APPROVAL_REJECTED


def test_htmx_refusal_is_shown_in_the_row_in_the_users_language(order, client_as, approvers):
    task = pending(order, 1)
    client = client_as(approvers[1])
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"

    response = client.post(f"/approvals/tasks/{task.pk}/approve/",
                           {"seen_version": str(order.version - 1)}, **HTMX)

    html = response.content.decode()
    error = re.search(r"data-row-error>([^<]*)<", html)
    assert response.status_code == 200
    assert error and error[1] != ""
    assert 'data-act="approve"' in html   # the buttons stay to try again
    assert ApprovalTask.objects.get(pk=task.pk).status == "pending"


def test_sales_head_signs_off_from_the_inbox(order, client_as, approvers):
    for position in (1, 2, 3):
        task_approve(task_id=pending(order, position).pk, actor=approvers[position])
    client = client_as(approvers[1])

    html = client.get("/inbox/").content.decode()
    response = client.post(f"/orders/{order.pk}/sign-off/", {"comment": "好"}, **HTMX)

    assert [key for key, _u in rows(html)] == [f"signoff-{order.pk}"]
    assert 'data-result="sign_off"' in response.content.decode()
    assert SignOff.objects.get(order=order).signed_by == approvers[1]


# -- counters and badge ---------------------------------------------------------------------

def test_counters_and_badge(frozen, plain_rule, client_as, salesperson, reviewers, customer,
                            products):
    review = in_review(salesperson, customer, products)
    in_review(salesperson, customer, products)
    frozen.move_to(opinion(review, "technology").due_at + dt.timedelta(hours=1))
    client = client_as(reviewers["technology"])

    workbench = client.get("/").content.decode()
    counters = client.get("/inbox/counters/", **HTMX).content.decode()
    badge = client.get("/inbox/badge/", **HTMX).content.decode()

    assert 'hx-get="/inbox/counters/"' in workbench
    assert re.findall(r'data-counter="(\w+)".*?data-count>(\d+)<', counters, re.S) == [
        ("opinions", "2"), ("approvals", "0"), ("overdue", "2")]
    assert 'data-count="2"' in badge and "bg-red" in badge


# -- query counts -------------------------------------------------------------------------

def test_inbox_queries_do_not_grow_with_the_items(
        frozen, plain_rule, client_as, salesperson, reviewers, approvers, customer, products):
    for _ in range(2):
        in_approval(salesperson, reviewers, customer, products)
        in_review(salesperson, customer, products)
    client = client_as(approvers[1])
    reviewer = client_as(reviewers["technology"])
    reviewer.get("/inbox/")
    with CaptureQueriesContext(connection) as two_opinions:
        reviewer.get("/inbox/")
    client = client_as(approvers[1])
    with CaptureQueriesContext(connection) as two_tasks:
        client.get("/inbox/")

    for _ in range(4):
        in_approval(salesperson, reviewers, customer, products)
        in_review(salesperson, customer, products)
    with CaptureQueriesContext(connection) as six_tasks:
        html = client.get("/inbox/").content.decode()
    reviewer = client_as(reviewers["technology"])
    with CaptureQueriesContext(connection) as six_opinions:
        opinions_html = reviewer.get("/inbox/").content.decode()

    assert len(rows(html)) == 6 and len(rows(opinions_html)) == 6
    assert len(six_tasks) == len(two_tasks)
    assert len(six_opinions) == len(two_opinions)
