"""In real Chromium: five departments review an order, three approvers approve it and the
Sales head signs it off (P3, P4.1, P4.1.2).

Each person works in their own browser context (their own session cookie). Assertions
use data attributes and the database, not translated text.
"""

import datetime as dt

import pytest
from django.utils import formats, timezone, translation

from orderflow.accounts.domain.organisation import Dept, Role
from orderflow.accounts.models import Department
from orderflow.approval.models import ApprovalRequest, ApprovalTask, SignOff
from orderflow.intake.services.check import order_check
from orderflow.orders.domain.lifecycle import State
from orderflow.orders.models import Order
from orderflow.orders.services import order_create
from orderflow.orders.services.content import content_hash
from orderflow.orders.tests.support import put_in_state
from orderflow.review.models import Review, ReviewOpinion, ReviewReport
from orderflow.testing.audit import verify_chain
from orderflow.testing.factories import CustomerFactory, ProductFactory, make_user, order_payload

from .session import settle, signed_in

pytestmark = [pytest.mark.browser, pytest.mark.e2e,
              pytest.mark.django_db(transaction=True, serialized_rollback=True)]

REVIEWING = ("technology", "production", "quality", "procurement", "finance")
LEAD_TIME_DAYS = 20   # P3.2.4: within the 60 days left to the delivery date (rule S2)


def opinion_inputs(delivery: dt.date) -> dict[str, dict[str, str]]:
    """What each department types into its opinion form (P3.2.1-P3.2.5)."""
    return {
        "technology": {"feasibility": "feasible", "difficulties": "焊接变形控制"},
        "production": {"capacity": "sufficient", "resources": "二号线，两班倒；下月排产",
                       "feasible_delivery_date": delivery.isoformat()},
        "quality": {"standards": "GB/T 19001-2016", "control_measures": "首件检验，出厂全检"},
        "procurement": {"materials": "304不锈钢板、轴承", "suppliers": "宝钢、人本",
                        "lead_time_days": str(LEAD_TIME_DAYS)},
        "finance": {"estimated_cost": "2800.00", "margin_percent": "30.00"},
    }


def expected_details(delivery: dt.date) -> dict[str, dict]:
    """The opinions' details as stored: every field of the department, cleaned."""
    typed = opinion_inputs(delivery)
    return {
        "technology": {**typed["technology"], "solutions": ""},
        "production": {**typed["production"], "plan_changes": ""},
        "quality": {**typed["quality"], "special_requirements": ""},
        "procurement": {**typed["procurement"], "lead_time_days": LEAD_TIME_DAYS,
                        "risks": "", "countermeasures": ""},
        "finance": {**typed["finance"], "proposals": ""},
    }


# -- given ----------------------------------------------------------------------------

def given_people() -> dict:
    """The salesperson, the five reviewers and the three approvers of the default chain
    (P4.1.1: Sales head -> division leader -> Finance head); the heads are named on their
    departments."""
    people = {
        "sales": make_user(Dept.SALES, Role.STAFF, username="sales1", full_name="张伟"),
        "sales_head": make_user(Dept.SALES, Role.DEPT_HEAD, username="saleshead",
                                full_name="李娜"),
        "leader": make_user(Dept.MANAGEMENT, Role.DIVISION_LEADER, username="leader",
                            full_name="王强"),
        "finance_head": make_user(Dept.FINANCE, Role.DEPT_HEAD, username="financehead",
                                  full_name="赵敏"),
    }
    names = {"technology": "陈技术", "production": "刘生产", "quality": "杨质量",
             "procurement": "黄采购", "finance": "周财务"}
    for code in REVIEWING:
        people[code] = make_user(Dept(code), Role.STAFF, username=f"{code}1",
                                 full_name=names[code])
    Department.objects.filter(code=Dept.SALES).update(head=people["sales_head"])
    Department.objects.filter(code=Dept.FINANCE).update(head=people["finance_head"])
    return people


def given_checked_order(salesperson) -> Order:
    """A checked order (P2.3.1) of a customer with an earlier order, so the default major
    rule (P3.1.2: first order of a new customer) does not make it major."""
    customer = CustomerFactory(name="上海精工机械有限公司")
    products = [ProductFactory(name="液压泵"), ProductFactory(name="齿轮箱")]
    earlier = order_create(actor=salesperson, **order_payload(customer, products))
    put_in_state(earlier, State.SETTLED)
    order = order_create(actor=salesperson, **order_payload(customer, products))
    order = order_check(order_id=order.pk, actor=salesperson)
    assert order.status == State.CHECKED
    return order


# -- the browser ----------------------------------------------------------------------





def start_review(browser, live_server, order: Order) -> None:
    """Sales starts the review of the checked order from the order page (P3.1.1)."""
    with signed_in(browser, live_server, "sales1") as page:
        page.goto(f"{live_server.url}/orders/{order.pk}/")
        page.click("[data-testid=order-actions] [data-action=start_review]")
        page.wait_for_selector("[data-testid=order-status] [data-state=in_review]")
        board = page.locator("[data-testid=review-board]")
        for code in REVIEWING:
            assert board.locator(f"tr[data-opinion={code}]").get_attribute(
                "data-status") == "pending"


def pick(form, name: str, value: str) -> None:
    """Choose a radio of a select group by clicking its label (the input is hidden)."""
    radio = f'input[name="{name}"][value="{value}"]'
    form.locator(f"label.form-selectgroup-item:has({radio})").click()
    assert form.locator(radio).is_checked()


def give_opinion(browser, live_server, order: Order, reviewer, inputs: dict) -> None:
    """A department's reviewer follows the inbox row to the form, fills the department's
    typed fields, concludes pass and submits (P3.2.x, P3.4.1)."""
    code = reviewer.dept_code
    opinion = ReviewOpinion.objects.get(review__order=order, department__code=code)
    with signed_in(browser, live_server, reviewer.username) as page:
        page.goto(f"{live_server.url}/inbox/")
        page.click(f"tr[data-inbox-row=opinion-{opinion.pk}] [data-act=opinion]")
        page.wait_for_url(f"{live_server.url}/orders/{order.pk}/review/opinions/"
                          f"{opinion.pk}/")
        form = page.locator("[data-testid=opinion-form]")
        for name, value in inputs.items():
            if form.locator(f'input[type=radio][name="details.{name}"]').count():
                pick(form, f"details.{name}", value)
            else:
                form.locator(f'[name="details.{name}"]').fill(value)
        pick(form, "conclusion", "pass")
        form.locator("[data-testid=submit-opinion]").click()
        # Then the order page shows the opinion given, by them, with its typed details
        page.wait_for_url(f"{live_server.url}/orders/{order.pk}/")
        row = page.locator(f"[data-testid=opinions-1] tr[data-opinion={code}]")
        assert row.get_attribute("data-status") == "submitted"
        assert row.locator("[data-conclusion]").get_attribute("data-conclusion") == "pass"
        assert reviewer.display_name in row.inner_text()
        shown = {name: row.locator(f"[data-detail={name}]").inner_text().strip()
                 for name in inputs if name not in ("feasibility", "capacity")}
        assert shown == {name: value for name, value in inputs.items() if name in shown}


def assert_review_passed(browser, live_server, order: Order) -> ReviewReport:
    """After the fifth opinion the review passed with a report and the order went to
    approval (P3.3.3): in the database and on the order's review board."""
    order.refresh_from_db()
    assert order.status == State.IN_APPROVAL
    review = Review.objects.get(order=order)
    assert (review.round, review.status, review.is_major, review.conclusion) == (
        1, "passed", False, "pass")
    report = ReviewReport.objects.get(review=review)
    assert report.conclusion == "pass" and report.number
    with signed_in(browser, live_server, "sales1") as page:
        page.goto(f"{live_server.url}/orders/{order.pk}/")
        assert page.locator("[data-testid=order-status] [data-state]").get_attribute(
            "data-state") == State.IN_APPROVAL
        head = page.locator("[data-testid=review-board] [data-review-round='1']")
        assert head.locator("[data-review-status]").get_attribute(
            "data-review-status") == "passed"
        assert head.locator("[data-conclusion]").get_attribute("data-conclusion") == "pass"
        assert head.locator("[data-report]").get_attribute("data-report") == report.number
        assert report.number in head.locator("[data-report]").inner_text()
        stages = page.locator("[data-testid=approval-panel] [data-testid=stages-1]")
        assert [stages.locator(f"[data-stage='{n}']").get_attribute("data-stage-status")
                for n in (1, 2, 3)] == ["active", "waiting", "waiting"]
    return report


def approve_in_inbox(browser, live_server, order: Order, approver, position: int) -> None:
    """The approver of a step approves from the inbox in one click with a comment; htmx
    swaps the row in place, without a page load (P4.1)."""
    task = ApprovalTask.objects.get(order=order, stage__position=position, status="pending")
    assert task.assignee == approver
    with signed_in(browser, live_server, approver.username) as page:
        page.goto(f"{live_server.url}/inbox/")
        url = page.url
        page.evaluate("window.__sameDocument = true")
        row = page.locator(f"tr[data-inbox-row=task-{task.pk}]")
        row.locator("input[name=comment]").fill(f"同意（第{position}步）")
        row.locator("[data-act=approve]").click()
        done = page.locator(f"tr[data-inbox-row=task-{task.pk}][data-done]")
        done.wait_for()
        assert done.locator("[data-result]").get_attribute("data-result") == "approve"
        assert page.url == url
        assert page.evaluate("window.__sameDocument === true")


def sign_off(browser, live_server, order: Order, sales_head) -> None:
    """The Sales head signs the approved order on its page (P4.1.2); the approval panel
    shows who signed, when, and the content hash."""
    with signed_in(browser, live_server, sales_head.username) as page:
        page.goto(f"{live_server.url}/orders/{order.pk}/")
        assert page.locator("[data-testid=order-status] [data-state]").get_attribute(
            "data-state") == State.AWAITING_SIGNOFF
        form = page.locator("[data-testid=sign-off-form]")
        form.locator("input[name=comment]").fill("同意签发")
        form.locator("[data-act=sign_off]").click()
        page.wait_for_selector("[data-testid=order-status] [data-state=approved]")
        assert page.url == f"{live_server.url}/orders/{order.pk}/"
        settle(page)
        signed = SignOff.objects.get(order=order)
        panel = page.locator("[data-testid=approval-panel]")
        assert panel.locator("[data-request-status]").get_attribute(
            "data-request-status") == "approved"
        shown = panel.locator("[data-testid=sign-off]")
        with translation.override("zh-hans"):
            when = formats.date_format(timezone.localtime(signed.signed_at),
                                       "DATETIME_FORMAT")
        text = shown.inner_text()
        assert sales_head.display_name in text and when in text and "同意签发" in text
        assert shown.locator("[data-hash]").get_attribute("data-hash") == signed.content_hash


def assert_recorded(order: Order, people: dict) -> None:
    """The database holds the whole story, and the audit chain verifies."""
    order.refresh_from_db()
    assert order.status == State.APPROVED
    given = ReviewOpinion.objects.filter(review__order=order).select_related("department")
    assert {(o.department.code, o.status, o.reviewer_id, o.on_behalf_of_id, o.conclusion)
            for o in given} == {(code, "submitted", people[code].pk, None, "pass")
                                for code in REVIEWING}
    assert {o.department.code: o.details for o in given} == expected_details(
        order.delivery_date)
    tasks = ApprovalTask.objects.filter(order=order).order_by("stage__position")
    assert [(t.stage.position, t.status, t.acted_by_id, t.on_behalf_of_id, t.comment)
            for t in tasks] == [
        (1, "approved", people["sales_head"].pk, None, "同意（第1步）"),
        (2, "approved", people["leader"].pk, None, "同意（第2步）"),
        (3, "approved", people["finance_head"].pk, None, "同意（第3步）")]
    request = ApprovalRequest.objects.get(order=order)
    signed = SignOff.objects.get(order=order)
    assert (signed.request_id, signed.signed_by_id, signed.on_behalf_of_id) == (
        request.pk, people["sales_head"].pk, None)
    assert signed.content_hash == content_hash(order) == request.content_hash
    report = verify_chain()
    assert report.ok, report


# -- the test -------------------------------------------------------------------------

@pytest.mark.usefixtures("one_request_at_a_time")
def test_five_departments_review_three_steps_approve_and_sales_head_signs(live_server,
                                                                         browser):
    # Given the people of the review and the default approval chain, and a checked order
    people = given_people()
    order = given_checked_order(people["sales"])
    # When Sales starts the review (P3.1.1)
    start_review(browser, live_server, order)
    # ... and each department gives its opinion, passing the order (P3.2.1-P3.2.5)
    inputs = opinion_inputs(order.delivery_date)
    for code in REVIEWING:
        give_opinion(browser, live_server, order, people[code], inputs[code])
    # Then the review passed with a report and the order is in approval (P3.3.3)
    assert_review_passed(browser, live_server, order)
    # When the three steps approve from their inboxes (P4.1.1)
    for position, who in ((1, "sales_head"), (2, "leader"), (3, "finance_head")):
        approve_in_inbox(browser, live_server, order, people[who], position)
    order.refresh_from_db()
    assert order.status == State.AWAITING_SIGNOFF
    # ... and the Sales head signs off (P4.1.2)
    sign_off(browser, live_server, order, people["sales_head"])
    # Then the order is approved, with every opinion, approval and the signature recorded
    assert_recorded(order, people)
