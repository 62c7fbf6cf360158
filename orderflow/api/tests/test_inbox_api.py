"""The inbox over the JSON API: what waits for each reviewer and approver, with deadline,
working hours left and the overdue mark (P3.3.2, P3.1.2, P4.1.1, P4.1.2)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from orderflow.accounts.domain.organisation import Dept, Role
from orderflow.orders.models import Order
from orderflow.testing.factories import make_user

from .conftest import Api
from .test_approval_api import (  # noqa: F401  (fixtures)
    approve,
    approvers_fixture,
    in_approval_fixture,
    pending_task,
)
from .test_review_api import (  # noqa: F401  (fixtures)
    SHANGHAI,
    at,
    finance_head_fixture,
    frozen_fixture,
    give,
    in_review,
    make_reviewers,
    opinion_ids,
    pass_review,
    plain_rule_fixture,
    reviewers_fixture,
)

pytestmark = pytest.mark.django_db

EMPTY = {"opinions": [], "panels": [], "approvals": [], "signoffs": []}


def test_reviewer_sees_the_opinion_to_give_with_its_deadline(
        frozen, plain_rule, salesperson, reviewers, customer, products):
    order = in_review(salesperson, customer, products)

    response = Api(reviewers["finance"]).get("/api/inbox")

    assert response.status_code == 200, response.json()
    body = response.json()
    [item] = body["opinions"]
    assert (item["id"], item["round"], item["department"]["code"], item["is_major"],
            item["acting_for"]) == (opinion_ids(order)["finance"], 1, "finance", False, None)
    assert (item["order"]["id"], item["order"]["number"], item["order"]["status"],
            item["order"]["customer_name"]) == (order.pk, order.number, "in_review",
                                                order.customer.name)
    assert at(item["due_at"]) == dt.datetime(2030, 3, 6, 9, 0, tzinfo=SHANGHAI)
    assert (item["hours_left"], item["overdue"]) == ("16.00", False)
    assert (body["panels"], body["approvals"], body["signoffs"]) == ([], [], [])


def test_overdue_opinion_is_marked(frozen, plain_rule, salesperson, reviewers, customer,
                                   products):
    in_review(salesperson, customer, products)
    # Wednesday 10:30: 1.5 working hours past the deadline, Wednesday 09:00.
    frozen.move_to(dt.datetime(2030, 3, 6, 10, 30, tzinfo=SHANGHAI))

    [item] = Api(reviewers["quality"]).get("/api/inbox").json()["opinions"]

    assert (item["hours_left"], item["overdue"]) == ("-1.50", True)


def test_given_opinion_leaves_the_inbox(frozen, plain_rule, salesperson, reviewers, customer,
                                        products):
    order = in_review(salesperson, customer, products)
    assert len(Api(reviewers["quality"]).get("/api/inbox").json()["opinions"]) == 1

    assert give(reviewers["quality"], opinion_ids(order)["quality"], "quality").status_code \
        == 200

    assert Api(reviewers["quality"]).get("/api/inbox").json() == EMPTY
    assert len(Api(reviewers["finance"]).get("/api/inbox").json()["opinions"]) == 1


def test_chair_sees_the_panel_to_conclude(frozen, salesperson, division_leader, customer,
                                          products):
    order = in_review(salesperson, customer, products, order_type="customised")
    pass_review(order, make_reviewers(Role.DEPT_HEAD))

    [panel] = Api(division_leader).get("/api/inbox").json()["panels"]

    assert (panel["id"], panel["round"], panel["order"]["id"]) == \
        (order.reviews.get().pk, 1, order.pk)
    assert {"code": "customised", "label": "Customised product"} in panel["major_reasons"]
    assert (panel["due_at"], panel["hours_left"], panel["overdue"]) == (None, None, False)


def test_approver_sees_the_task_and_a_deputy_sees_it_for_them(in_approval, sales_head):
    deputy = make_user(Dept.SALES, Role.STAFF, username="deputy", full_name="周杰")
    Api(sales_head).post("/api/delegations", {"deputy_id": deputy.pk,
                                              "starts_on": "2030-03-04",
                                              "ends_on": "2030-03-08"})

    [own] = Api(sales_head).get("/api/inbox").json()["approvals"]
    [held] = Api(deputy).get("/api/inbox").json()["approvals"]

    task = pending_task(in_approval, 1)
    assert (own["id"], own["step"], own["step_name"], own["mode"], own["round"],
            own["acting_for"]) == (task.pk, 1, "销售部负责人审核", "single", 1, None)
    assert (own["hours_left"], own["overdue"], own["order"]["id"]) == \
        ("8.00", False, in_approval.pk)
    assert (held["id"], held["acting_for"]["username"]) == (task.pk, "saleshead")


def test_sales_head_sees_the_sign_off_waiting(in_approval, sales_head, approvers):
    for position in (1, 2, 3):
        assert approve(approvers[position], in_approval, position).status_code == 200

    body = Api(sales_head).get("/api/inbox").json()

    [waiting] = body["signoffs"]
    assert (waiting["order"]["id"], waiting["order"]["status"]) == \
        (in_approval.pk, "awaiting_signoff")
    assert body["approvals"] == []


def test_inbox_needs_login():
    response = Api().get("/api/inbox")

    assert response.status_code == 401


# -- query count: constant in the number of items -------------------------------------

def _inbox_queries(user) -> tuple[int, dict]:
    api = Api(user)   # logged in before counting
    with CaptureQueriesContext(connection) as ctx:
        response = api.get("/api/inbox")
    assert response.status_code == 200
    return len(ctx), response.json()


def test_inbox_query_count_is_constant_in_items(frozen, plain_rule, salesperson, reviewers,
                                                approvers, sales_head, customer, products):
    first = in_review(salesperson, customer, products)
    pass_review(first, {**reviewers})
    in_review(salesperson, customer, products)
    one_queries, one = _inbox_queries(sales_head)
    tech_one_queries, tech_one = _inbox_queries(reviewers["technology"])

    for _ in range(2):
        order = in_review(salesperson, customer, products)
        pass_review(order, reviewers)
        in_review(salesperson, customer, products)
    three_queries, three = _inbox_queries(sales_head)
    tech_three_queries, tech_three = _inbox_queries(reviewers["technology"])

    assert (len(one["approvals"]), len(three["approvals"])) == (1, 3)
    assert (len(tech_one["opinions"]), len(tech_three["opinions"])) == (1, 3)
    assert three_queries == one_queries
    assert tech_three_queries == tech_one_queries
    assert Order.objects.filter(status="in_approval").count() == 3
