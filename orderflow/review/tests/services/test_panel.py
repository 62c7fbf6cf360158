"""Major or complex orders (P3.1.2): the department heads give their opinions, the
chair (the division leader, or the chair's deputy) records the panel's conclusion."""

import pytest

from orderflow.accounts.domain.organisation import Dept, Role
from orderflow.approval.models import ApprovalRequest
from orderflow.audit.models import AuditEvent
from orderflow.core.errors import NotFound, NotPermitted, TransitionNotAllowed, ValidationFailed
from orderflow.notifications.models import Notification
from orderflow.orders.domain.lifecycle import State
from orderflow.review.models import ReviewReport, ReviewStatus
from orderflow.review.services import review_conclude
from orderflow.review.tests.support import (
    FROZEN,
    delegate,
    give,
    ordinary_rule,
    review_state,
    started_review,
)
from orderflow.testing.factories import make_user

pytestmark = pytest.mark.django_db

FIVE = ["technology", "production", "quality", "procurement", "finance"]


@pytest.fixture
def panel(org, customer, products):
    review = started_review(org["salesperson"], customer, products)  # a first order: major
    assert (review.is_major, review.chair) == (True, org["division_leader"])
    return review


def heads_give(org, review, conclusions=None):
    conclusions = conclusions or {}
    for dept in FIVE:
        give(review, dept, org["reviewers"][dept]["head"], conclusions.get(dept, "pass"))


def test_all_opinions_in_the_panel_waits_for_its_chair(org, panel):
    heads_give(org, panel)
    panel.refresh_from_db()
    assert (panel.status, panel.order.status) == (ReviewStatus.OPEN, State.IN_REVIEW)
    assert not ReviewReport.objects.filter(review=panel).exists()
    note = Notification.objects.get(kind="review.panel_ready")
    assert note.recipient == org["division_leader"]


def test_the_chair_concludes_and_the_order_goes_to_approval(org, panel):
    heads_give(org, panel, {"quality": "conditional"})
    review = review_conclude(review_id=panel.pk, actor=org["division_leader"],
                             conclusion="conditional", text="同意", conditions="分两批交货")
    review.refresh_from_db()
    assert (review.status, review.conclusion, review.conclusion_text, review.concluded_by,
            review.concluded_at) == (ReviewStatus.PASSED, "conditional", "同意",
                                     org["division_leader"], FROZEN)
    assert review.order.status == State.IN_APPROVAL
    assert ApprovalRequest.objects.filter(order=review.order).count() == 1
    report = review.report
    assert report.content["panel"] == {
        "concluded_by": {"id": org["division_leader"].pk,
                         "name": org["division_leader"].display_name},
        "on_behalf_of": None, "text": "同意", "conditions": "分两批交货"}
    assert (report.conclusion, report.content["conditions"]) == ("conditional", "分两批交货")
    event = AuditEvent.objects.get(action="review.concluded")
    assert (event.actor, event.to_state, event.data["conclusion"]) == (
        org["division_leader"], "passed", "conditional")


def test_the_chair_s_fail_sends_the_order_back_to_sales(org, panel):
    heads_give(org, panel)
    review_conclude(review_id=panel.pk, actor=org["division_leader"], conclusion="fail",
                    text="战略上不接此类订单")
    panel.refresh_from_db()
    assert (panel.status, panel.conclusion, panel.order.status) == (
        ReviewStatus.FAILED, "fail", State.REVIEW_FAILED)
    assert not ApprovalRequest.objects.filter(order=panel.order).exists()


def test_overruling_a_department_s_fail_needs_the_panel_s_reasons(org, panel):
    heads_give(org, panel, {"technology": "fail"})
    before = review_state(panel.order_id)
    with pytest.raises(ValidationFailed) as exc:
        review_conclude(review_id=panel.pk, actor=org["division_leader"], conclusion="pass")
    assert set(exc.value.errors) == {"text"}
    assert review_state(panel.order_id) == before
    review_conclude(review_id=panel.pk, actor=org["division_leader"], conclusion="pass",
                    text="小组评估技术风险可控，由技术部驻厂支持")
    panel.refresh_from_db()
    assert (panel.status, panel.conclusion) == (ReviewStatus.PASSED, "pass")


def test_the_chair_waits_for_every_opinion(org, panel):
    for dept in FIVE[:-1]:
        give(panel, dept, org["reviewers"][dept]["head"])
    before = review_state(panel.order_id)
    with pytest.raises(TransitionNotAllowed):
        review_conclude(review_id=panel.pk, actor=org["division_leader"], conclusion="pass")
    assert review_state(panel.order_id) == before


@pytest.mark.parametrize("who", ["other_leader", "finance_head", "salesperson", "sales_head"])
def test_only_the_chair_concludes(org, panel, who):
    heads_give(org, panel)
    actor = {"other_leader": lambda: make_user(Dept.MANAGEMENT, Role.DIVISION_LEADER,
                                               username="leader2"),
             "finance_head": lambda: org["reviewers"]["finance"]["head"],
             "salesperson": lambda: org["salesperson"],
             "sales_head": lambda: org["sales_head"]}[who]()
    before = review_state(panel.order_id)
    with pytest.raises(NotPermitted):
        review_conclude(review_id=panel.pk, actor=actor, conclusion="pass")
    assert review_state(panel.order_id) == before


def test_a_hidden_order_s_panel_is_not_found(org, panel):
    heads_give(org, panel)
    with pytest.raises(NotFound):
        review_conclude(review_id=panel.pk, actor=org["other_sales"], conclusion="pass")
    with pytest.raises(NotFound):
        review_conclude(review_id=987654, actor=org["division_leader"], conclusion="pass")


@pytest.mark.parametrize(("window", "allowed"), [((0, 0), True), ((1, 3), False),
                                                 ((-3, -1), False)])
def test_the_chair_s_deputy_concludes_within_the_delegation(org, panel, window, allowed):
    import datetime as dt

    heads_give(org, panel)
    deputy = make_user(Dept.SALES, Role.STAFF, username="chair_deputy")
    today = FROZEN.date()
    delegate(org["division_leader"], deputy, starts_on=today + dt.timedelta(days=window[0]),
             ends_on=today + dt.timedelta(days=window[1]))
    before = review_state(panel.order_id)
    if not allowed:
        with pytest.raises(NotFound):  # outside the dates the deputy does not see it
            review_conclude(review_id=panel.pk, actor=deputy, conclusion="pass")
        assert review_state(panel.order_id) == before
        return
    review_conclude(review_id=panel.pk, actor=deputy, conclusion="pass")
    panel.refresh_from_db()
    assert (panel.status, panel.concluded_by) == (ReviewStatus.PASSED, deputy)
    event = AuditEvent.objects.get(action="review.concluded")
    assert (event.actor, event.on_behalf_of) == (deputy, org["division_leader"])
    assert panel.report.content["panel"]["on_behalf_of"]["id"] == org["division_leader"].pk


def test_an_ordinary_review_has_no_chair_to_conclude(org, customer, products):
    ordinary_rule()
    review = started_review(org["salesperson"], customer, products)
    for dept in FIVE[:-1]:
        give(review, dept, org["reviewers"][dept]["staff"])
    before = review_state(review.order_id)
    with pytest.raises(NotPermitted):
        review_conclude(review_id=review.pk, actor=org["division_leader"], conclusion="pass")
    assert review_state(review.order_id) == before


def test_a_concluded_panel_is_not_concluded_again(org, panel):
    heads_give(org, panel)
    review_conclude(review_id=panel.pk, actor=org["division_leader"], conclusion="fail",
                    text="不接")
    before = review_state(panel.order_id)
    with pytest.raises(TransitionNotAllowed):
        review_conclude(review_id=panel.pk, actor=org["division_leader"], conclusion="pass",
                        text="改主意")
    assert review_state(panel.order_id) == before
