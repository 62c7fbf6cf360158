"""Review pages (P3): the order's review board, the opinion form, the panel chair's
conclusion and the report PDF, through the client. The given-steps here are shared by
the approval and inbox page tests."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from orderflow.accounts.domain.organisation import Dept, Role
from orderflow.audit.models import AuditEvent
from orderflow.intake.services.check import order_check
from orderflow.orders.domain.lifecycle import State
from orderflow.orders.models import Order
from orderflow.orders.tests.support import make_order
from orderflow.review.models import MajorOrderRule, OpinionAttachment, ReviewOpinion
from orderflow.review.services import (
    opinion_submit,
    report_render,
    review_route_set,
    review_start,
)
from orderflow.testing.factories import make_user
from orderflow.workcal.selectors import working_hours_between

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY_9 = dt.datetime(2030, 3, 4, 9, 0, tzinfo=SHANGHAI)   # a working Monday
REVIEWING = ("technology", "production", "quality", "procurement", "finance")
PASSING = {
    "technology": {"feasibility": "feasible"},
    "production": {"capacity": "sufficient", "resources": "二号线，两班倒"},
    "quality": {"standards": "GB/T 19001-2016", "control_measures": "首件检验"},
    "procurement": {"materials": "304不锈钢板", "lead_time_days": 15},
    "finance": {"estimated_cost": "3100.00", "margin_percent": "22.5"},
}


# -- shared given-steps ------------------------------------------------------------------

@pytest.fixture(name="frozen")
def frozen_fixture():
    with time_machine.travel(MONDAY_9, tick=False) as traveller:
        yield traveller


@pytest.fixture(name="plain_rule")
def plain_rule_fixture(db):
    """No criterion makes an order major unless a test says so (P3.1.2)."""
    MajorOrderRule.objects.update_or_create(pk=1, defaults={
        "amount_threshold": None, "customised": False, "new_customer": False,
        "special_requirements": False})


@pytest.fixture(name="reviewers")
def reviewers_fixture(db):
    return {d: make_user(Dept(d), Role.STAFF, username=f"{d}-staff") for d in REVIEWING}


@pytest.fixture(name="approvers")
def approvers_fixture(sales_head, division_leader):
    """The default chain (P4.1.1): 1 Sales head, 2 division leader, 3 Finance head."""
    finance_head = make_user(Dept.FINANCE, Role.DEPT_HEAD, username="financehead",
                             full_name="赵敏")
    return {1: sales_head, 2: division_leader, 3: finance_head}


@pytest.fixture(name="admin")
def admin_fixture(db):
    return make_user(Dept.MANAGEMENT, Role.SYSTEM_ADMIN, username="admin", full_name="管理员")


def in_review(salesperson, customer, products, **overrides):
    """Given a checked order, Sales started its review (P3.1.1): the open round."""
    order = make_order(salesperson, customer, products, **overrides)
    order_check(order_id=order.pk, actor=salesperson)
    return review_start(order_id=order.pk, actor=salesperson)


def opinion(review, dept: str) -> ReviewOpinion:
    return review.opinions.get(department__code=dept)


def give(review, dept: str, actor, conclusion="pass", **fields):
    return opinion_submit(opinion_id=opinion(review, dept).pk, actor=actor,
                          conclusion=conclusion, details=PASSING[dept], **fields)


def pass_all(review, people: dict) -> Order:
    for dept in REVIEWING:
        if review.opinions.filter(department__code=dept, status="pending").exists():
            give(review, dept, people[dept])
    return Order.objects.get(pk=review.order_id)


def board_row(html: str, dept: str) -> str:
    match = re.search(rf'<tr data-opinion="{dept}".*?</tr>', html, re.S)
    return match[0] if match else ""


def error_for(html: str, path: str) -> str:
    match = re.search(rf'data-error-for="{re.escape(path)}">([^<]*)<', html)
    return match[1] if match else ""


# -- the review board on the order page ------------------------------------------------

def test_board_shows_every_department_waiting_with_its_time_left(
        frozen, plain_rule, client_as, salesperson, reviewers, customer, products):
    review = in_review(salesperson, customer, products)

    html = client_as(reviewers["technology"]).get(f"/orders/{review.order_id}/").content.decode()

    board = html[html.index('data-testid="review-board"'):]
    assert re.findall(r'<tr data-opinion="(\w+)" data-status="(\w+)"', board) == [
        (d, "pending") for d in REVIEWING]
    # P3.3.2: 16 working hours from Monday 09:00.
    assert "16 working h left" in board_row(board, "finance")
    # Only the technology reviewer's own opinion has the button.
    assert f'/orders/{review.order_id}/review/opinions/{opinion(review, "technology").pk}/' \
        in board_row(board, "technology")
    assert 'data-testid="give-opinion"' not in board_row(board, "finance")


def test_overdue_opinion_is_marked_red(frozen, plain_rule, client_as, salesperson, reviewers,
                                       customer, products):
    review = in_review(salesperson, customer, products)
    due = opinion(review, "quality").due_at
    frozen.move_to(dt.datetime(2030, 3, 6, 10, 0, tzinfo=SHANGHAI))  # Wednesday 10:00
    over = -working_hours_between(dt.datetime(2030, 3, 6, 10, 0, tzinfo=SHANGHAI), due)

    html = client_as(salesperson).get(f"/orders/{review.order_id}/").content.decode()

    row = board_row(html, "quality")
    assert over > 0
    assert 'data-urgency="overdue"' in row
    assert f"Overdue by {over.normalize():f} working h" in row


# -- the opinion form ---------------------------------------------------------------------

def test_opinion_form_shows_the_order_requirements_findings_and_typed_fields(
        frozen, plain_rule, client_as, salesperson, reviewers, customer, products):
    review = in_review(salesperson, customer, products, special_requirements=[
        {"kind": "packaging", "description": "出口木箱包装，防潮"}])
    url = f"/orders/{review.order_id}/review/opinions/{opinion(review, 'technology').pk}/"

    response = client_as(reviewers["technology"]).get(url)

    html = response.content.decode()
    assert response.status_code == 200
    assert "出口木箱包装，防潮" in html[html.index('data-testid="special-requirements"'):]
    assert 'data-testid="check-findings"' in html and "data-finding=" in html  # P3.3.1
    form = html[html.index('data-testid="opinion-form"'):]
    assert re.findall(r'name="(details\.\w+)"', form) == [
        "details.feasibility", "details.feasibility", "details.feasibility",
        "details.difficulties", "details.solutions"]
    assert "Feasible with solutions" in form
    assert re.findall(r'name="conclusion" value="(\w+)"', form) == ["pass", "conditional",
                                                                    "fail"]


def test_give_opinion_with_typed_fields_and_a_file(
        frozen, plain_rule, client_as, salesperson, reviewers, customer, products):
    review = in_review(salesperson, customer, products)
    target = opinion(review, "procurement")
    client = client_as(reviewers["procurement"])

    response = client.post(f"/orders/{review.order_id}/review/opinions/{target.pk}/", {
        "conclusion": "conditional", "conditions": "客户同意分批交货", "text": "钢材需提前备料",
        "details.materials": "304不锈钢板", "details.suppliers": "",
        "details.lead_time_days": "20", "details.risks": "钢价波动",
        "details.countermeasures": "锁价采购",
        "files": [SimpleUploadedFile("报价单.pdf", b"%PDF-1.4 quote", "application/pdf")]})

    assert response.status_code == 302
    assert response["Location"] == f"/orders/{review.order_id}/"
    target.refresh_from_db()
    assert (target.status, target.conclusion, target.conditions, target.reviewer) == (
        "submitted", "conditional", "客户同意分批交货", reviewers["procurement"])
    assert target.details["lead_time_days"] == 20
    assert [a.original_name for a in target.attachments.all()] == ["报价单.pdf"]
    row = board_row(client.get(response["Location"]).content.decode(), "procurement")
    assert 'data-conclusion="conditional"' in row
    assert "客户同意分批交货" in row and "锁价采购" in row
    assert "报价单.pdf" in row


def test_bad_opinion_shows_messages_next_to_the_inputs_and_keeps_nothing(
        frozen, plain_rule, client_as, salesperson, reviewers, customer, products):
    review = in_review(salesperson, customer, products)
    target = opinion(review, "technology")
    events = AuditEvent.objects.count()

    response = client_as(reviewers["technology"]).post(
        f"/orders/{review.order_id}/review/opinions/{target.pk}/", {
            "conclusion": "conditional", "conditions": "", "text": "需要试制",
            "details.feasibility": "",
            "files": [SimpleUploadedFile("图纸.pdf", b"%PDF-1.4 drawing", "application/pdf")]})

    html = response.content.decode()
    assert response.status_code == 422
    assert error_for(html, "details.feasibility") == "This field is required."
    assert error_for(html, "conditions") != ""
    assert "需要试制" in html  # what was typed stays
    target.refresh_from_db()
    assert target.status == "pending"
    assert OpinionAttachment.objects.count() == 0   # the file went with the refusal
    assert AuditEvent.objects.count() == events


def test_another_department_cannot_give_the_opinion(
        frozen, plain_rule, client_as, salesperson, reviewers, customer, products):
    review = in_review(salesperson, customer, products)
    target = opinion(review, "finance")
    url = f"/orders/{review.order_id}/review/opinions/{target.pk}/"
    client = client_as(reviewers["production"])

    page = client.get(url).content.decode()
    posted = client.post(url, {"conclusion": "pass", "details.estimated_cost": "1",
                               "details.margin_percent": "10"})

    assert 'data-testid="opinion-readonly"' in page and 'data-testid="opinion-form"' not in page
    assert posted.status_code == 403
    target.refresh_from_db()
    assert target.status == "pending"


def test_opinion_of_an_invisible_order_is_not_found(
        frozen, plain_rule, client_as, salesperson, reviewers, customer, products):
    review = in_review(salesperson, customer, products)
    stranger = client_as(make_user(Dept.SALES, Role.STAFF, username="sales2"))
    target = opinion(review, "technology")

    assert stranger.get(f"/orders/{review.order_id}/review/opinions/{target.pk}/") \
        .status_code == 404
    # an opinion of another order under this order's address is not found either
    other = in_review(salesperson, customer, products)
    assert client_as(reviewers["technology"]).get(
        f"/orders/{other.order_id}/review/opinions/{target.pk}/").status_code == 404


# -- the major-order panel (P3.1.2) -------------------------------------------------------

def test_major_order_panel_is_marked_and_the_chair_concludes(
        frozen, plain_rule, client_as, salesperson, sales_head, division_leader, customer,
        products):
    MajorOrderRule.objects.filter(pk=1).update(customised=True)
    heads = {d: make_user(Dept(d), Role.DEPT_HEAD, username=f"{d}-head") for d in REVIEWING}
    review = in_review(salesperson, customer, products, order_type="customised")
    pass_all(review, heads)
    conclude_url = f"/orders/{review.order_id}/review/{review.pk}/conclude/"
    refused = client_as(salesperson).get(conclude_url)
    chair = client_as(division_leader)   # the same client, now the chair

    html = chair.get(f"/orders/{review.order_id}/").content.decode()
    panel = html[html.index('data-testid="major-panel"'):]
    assert "Customised product" in panel[:800]
    assert division_leader.display_name in panel[:800]
    assert conclude_url in panel[:1500]

    bad = chair.post(conclude_url, {"conclusion": "maybe"})
    done = chair.post(conclude_url, {"conclusion": "pass", "text": "同意承接"})

    assert refused.status_code == 403
    assert bad.status_code == 422 and error_for(bad.content.decode(), "conclusion") != ""
    assert done.status_code == 302
    review.refresh_from_db()
    assert (review.status, review.conclusion, review.concluded_by) == (
        "passed", "pass", division_leader)
    assert Order.objects.get(pk=review.order_id).status == State.IN_APPROVAL


# -- the report PDF (P3.3.3, P3.4.2) --------------------------------------------------------

def test_report_pdf_is_served_to_those_who_see_the_order(
        frozen, plain_rule, client_as, salesperson, reviewers, approvers, customer, products):
    review = in_review(salesperson, customer, products)
    pass_all(review, reviewers)
    report = report_render(report_id=review.report.pk)
    client = client_as(salesperson)

    html = client.get(f"/orders/{review.order_id}/").content.decode()
    response = client.get(f"/reviews/reports/{report.pk}/pdf")
    stranger = client_as(make_user(Dept.SALES, Role.STAFF, username="sales2"))

    assert f'href="/reviews/reports/{report.pk}/pdf"' in html
    assert report.number in html
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert stranger.get(f"/reviews/reports/{report.pk}/pdf").status_code == 404


# -- query counts -----------------------------------------------------------------------

def test_order_page_queries_do_not_grow_with_the_departments(
        frozen, plain_rule, admin, client_as, salesperson, reviewers, customer, products):
    review_route_set(actor=admin, order_type="sample", departments=["technology", "finance"])
    two = in_review(salesperson, customer, products, order_type="sample")
    five = in_review(salesperson, customer, products)
    give(two, "technology", reviewers["technology"])
    give(five, "technology", reviewers["technology"])
    give(five, "quality", reviewers["quality"])
    client = client_as(reviewers["finance"])
    client.get(f"/orders/{two.order_id}/")

    with CaptureQueriesContext(connection) as small:
        client.get(f"/orders/{two.order_id}/")
    with CaptureQueriesContext(connection) as large:
        html = client.get(f"/orders/{five.order_id}/").content.decode()

    assert len(re.findall(r'<tr data-opinion="', html)) == 5
    assert len(large) == len(small)
