"""Order review over the JSON API (P3): rounds, opinions, attachments, the major-order
panel and the review report; error mapping (422 field by field, 403, 404, 409).

The helpers here (people, an order in review, passing opinions) are shared by the
approval and inbox API tests.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from orderflow.accounts.domain.organisation import Dept, Role
from orderflow.audit.models import AuditEvent
from orderflow.orders.models import Order
from orderflow.orders.tests.support import make_order, put_in_state
from orderflow.review.models import MajorOrderRule, ReviewOpinion, ReviewReport
from orderflow.review.services import report_render, review_route_set
from orderflow.testing.factories import make_user

from .conftest import Api, written

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY_9 = dt.datetime(2030, 3, 4, 9, 0, tzinfo=SHANGHAI)   # a working Monday
REVIEWING = ("technology", "production", "quality", "procurement", "finance")
# A valid, passing opinion per department (P3.2.1-P3.2.5).
PASSING = {
    "technology": {"feasibility": "feasible"},
    "production": {"capacity": "sufficient", "resources": "二号线，两班倒"},
    "quality": {"standards": "GB/T 19001-2016"},
    "procurement": {"materials": "304不锈钢板", "lead_time_days": 15},
    "finance": {"estimated_cost": "3100.00", "margin_percent": "22.5"},
}


# -- shared given-steps --------------------------------------------------------------

@pytest.fixture(name="frozen")
def frozen_fixture():
    with time_machine.travel(MONDAY_9, tick=False) as traveller:
        yield traveller


@pytest.fixture(name="plain_rule")
def plain_rule_fixture(db):
    """Orders of a new customer are not major (P3.1.2) unless a test says otherwise."""
    MajorOrderRule.objects.filter(pk=1).update(new_customer=False)


def make_reviewers(role: Role = Role.STAFF, depts=REVIEWING) -> dict:
    return {d: make_user(Dept(d), role, username=f"{d}-{role}") for d in depts}


@pytest.fixture(name="reviewers")
def reviewers_fixture(db):
    return make_reviewers()


@pytest.fixture(name="finance_head")
def finance_head_fixture(db):
    return make_user(Dept.FINANCE, Role.DEPT_HEAD, username="financehead", full_name="赵敏")


def in_review(salesperson, customer, products, **overrides) -> Order:
    """Given a checked order, Sales starts the review through the API (P3.1.1)."""
    order = put_in_state(make_order(salesperson, customer, products, **overrides), "checked")
    started = Api(salesperson).post(f"/api/orders/{order.pk}/actions/start_review")
    assert started.status_code == 200, started.json()
    assert started.json()["status"] == "in_review"
    return order


def opinion_ids(order) -> dict[str, int]:
    """{department code: opinion id} of the order's open round."""
    return dict(ReviewOpinion.objects.filter(review__order=order, review__status="open")
                .values_list("department__code", "pk"))


def give(user, opinion_id: int, dept: str, conclusion: str = "pass", **extra):
    return Api(user).post(f"/api/review-opinions/{opinion_id}",
                          {"conclusion": conclusion, "details": PASSING[dept], **extra})


def pass_review(order, people: dict) -> None:
    """Every department gives a passing opinion through the API."""
    for dept, opinion_id in opinion_ids(order).items():
        response = give(people[dept], opinion_id, dept)
        assert response.status_code == 200, response.json()


def at(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value)


# -- rounds and opinions ---------------------------------------------------------------

def test_started_review_shows_every_department_with_its_deadline(
        frozen, plain_rule, salesperson, customer, products):
    order = in_review(salesperson, customer, products)

    response = Api(salesperson).get(f"/api/orders/{order.pk}/reviews")

    assert response.status_code == 200, response.json()
    [review] = response.json()
    assert (review["round"], review["status"], review["is_major"], review["chair"],
            review["conclusion"], review["report"]) == (1, "open", False, None, "", None)
    assert review["started_by"]["username"] == "sales1"
    assert [op["department"]["code"] for op in review["opinions"]] == list(REVIEWING)
    first = review["opinions"][0]
    assert (first["status"], first["status_label"], first["reviewer"], first["given_at"],
            first["conclusion"], first["details"], first["attachments"]) == \
        ("pending", "Waiting", None, None, "", {}, [])
    # P3.3.2: 16 working hours from Monday 09:00 (7.5 + 8 + 0.5) end Wednesday 09:00.
    assert at(first["due_at"]) == dt.datetime(2030, 3, 6, 9, 0, tzinfo=SHANGHAI)
    assert (first["hours_left"], first["overdue"]) == ("16.00", False)


def test_give_opinion_records_reviewer_time_and_typed_details(
        frozen, plain_rule, salesperson, reviewers, customer, products):
    order = in_review(salesperson, customer, products)
    opinion_id = opinion_ids(order)["procurement"]

    response = give(reviewers["procurement"], opinion_id, "procurement", "conditional",
                    conditions="客户同意分批交货", text="钢材需提前备料",
                    details={"materials": "304不锈钢板", "lead_time_days": "20",
                             "risks": "钢价波动", "countermeasures": "锁价采购"})

    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["id"], body["status"], body["conclusion"], body["conclusion_label"]) == \
        (opinion_id, "submitted", "conditional", "Pass with conditions")
    assert (body["conditions"], body["text"]) == ("客户同意分批交货", "钢材需提前备料")
    assert body["reviewer"]["username"] == "procurement-staff"
    assert body["on_behalf_of"] is None
    assert at(body["given_at"]) == MONDAY_9
    assert body["details"]["lead_time_days"] == 20
    assert (body["hours_left"], body["overdue"]) == (None, False)


def test_opinion_errors_come_field_by_field_and_nothing_is_written(
        frozen, plain_rule, salesperson, reviewers, customer, products):
    order = in_review(salesperson, customer, products)
    opinion_id = opinion_ids(order)["technology"]
    before = written()

    response = Api(reviewers["technology"]).post(
        f"/api/review-opinions/{opinion_id}",
        {"conclusion": "conditional", "details": {"feasibility": "maybe", "colour": "红"}})

    assert response.status_code == 422, response.json()
    body = response.json()
    assert body["code"] == "validation_error"
    assert body["errors"] == {
        "conditions": ["A pass with conditions needs the conditions."],
        "details.feasibility": ["Select a valid choice."],
        "details.colour": ["Not a field of this department's opinion."]}
    assert written() == before
    assert ReviewOpinion.objects.get(pk=opinion_id).status == "pending"


def test_schema_errors_name_the_field(frozen, plain_rule, salesperson, reviewers, customer,
                                      products):
    order = in_review(salesperson, customer, products)
    opinion_id = opinion_ids(order)["technology"]

    response = Api(reviewers["technology"]).post(
        f"/api/review-opinions/{opinion_id}", {"conclusion": "pass", "details": "feasible"})

    assert response.status_code == 422
    assert response.json()["errors"] == {"details": ["Input should be a valid dictionary"]}


def test_another_departments_opinion_is_refused(frozen, plain_rule, salesperson, reviewers,
                                                customer, products):
    # P3.2: a Production reviewer cannot give the Finance opinion.
    order = in_review(salesperson, customer, products)
    opinion_id = opinion_ids(order)["finance"]
    before = written()

    response = give(reviewers["production"], opinion_id, "finance")

    assert response.status_code == 403
    assert response.json()["code"] == "not_permitted"
    assert written() == before
    assert ReviewOpinion.objects.get(pk=opinion_id).status == "pending"


def test_invisible_order_answers_404(frozen, plain_rule, salesperson, customer, products):
    order = in_review(salesperson, customer, products)
    stranger = Api(make_user(Dept.SALES, Role.STAFF, username="sales2"))
    opinion_id = opinion_ids(order)["technology"]
    before = written()

    reviews = stranger.get(f"/api/orders/{order.pk}/reviews")
    given = stranger.post(f"/api/review-opinions/{opinion_id}",
                          {"conclusion": "pass", "details": PASSING["technology"]})
    missing = stranger.get("/api/orders/999999999/reviews")

    assert (reviews.status_code, given.status_code, missing.status_code) == (404, 404, 404)
    assert reviews.json()["code"] == "not_found"
    assert written() == before


def test_opinion_given_twice_is_a_conflict(frozen, plain_rule, salesperson, reviewers,
                                           customer, products):
    order = in_review(salesperson, customer, products)
    opinion_id = opinion_ids(order)["quality"]
    assert give(reviewers["quality"], opinion_id, "quality").status_code == 200
    before = written()

    again = give(reviewers["quality"], opinion_id, "quality", "fail", text="重新考虑")

    assert again.status_code == 409
    assert again.json()["code"] in {"transition_not_allowed", "conflict"}
    assert written() == before
    assert ReviewOpinion.objects.get(pk=opinion_id).conclusion == "pass"


def test_opinion_attachment_is_uploaded_and_listed(frozen, plain_rule, salesperson,
                                                   reviewers, customer, products):
    order = in_review(salesperson, customer, products)
    opinion_id = opinion_ids(order)["technology"]
    upload = SimpleUploadedFile("工艺方案.pdf", b"%PDF-1.4 test", "application/pdf")

    response = Api(reviewers["technology"]).upload(
        f"/api/review-opinions/{opinion_id}/attachments", file=upload)

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["original_name"], body["content_type"], body["size"]) == \
        ("工艺方案.pdf", "application/pdf", 13)
    listed = Api(salesperson).get(f"/api/orders/{order.pk}/reviews").json()[0]["opinions"]
    assert [a["id"] for a in listed[0]["attachments"]] == [body["id"]]


def test_opinion_attachment_without_file_is_refused(frozen, plain_rule, salesperson,
                                                    reviewers, customer, products):
    order = in_review(salesperson, customer, products)
    opinion_id = opinion_ids(order)["technology"]
    before = written()

    response = Api(reviewers["technology"]).upload(
        f"/api/review-opinions/{opinion_id}/attachments")

    assert response.status_code == 422
    assert response.json()["errors"] == {"file": ["Choose a file."]}
    assert written() == before


def test_opinion_fields_of_a_department(salesperson):
    api = Api(salesperson)

    fields = api.get("/api/reviews/opinion-fields/production")
    unknown = api.get("/api/reviews/opinion-fields/marketing")

    assert fields.status_code == 200
    assert [(f["name"], f["kind"], f["required"]) for f in fields.json()] == [
        ("capacity", "choice", True), ("resources", "text", True),
        ("plan_changes", "text", False), ("feasible_delivery_date", "date", False)]
    assert fields.json()[0]["label"] == "Capacity against quantity and delivery date"
    assert fields.json()[0]["choices"][2] == {"value": "insufficient", "label": "Insufficient"}
    assert unknown.status_code == 404


# -- the major-order panel and the report (P3.1.2, P3.3.3) -----------------------------

@pytest.fixture
def panel(frozen, salesperson, sales_head, division_leader, customer, products):
    """A customised order in a panel review whose five department heads all passed it
    (the Sales head is there for the approval that follows)."""
    heads = make_reviewers(Role.DEPT_HEAD)
    order = in_review(salesperson, customer, products, order_type="customised")
    pass_review(order, heads)
    return order


def test_major_order_is_a_panel_chaired_by_the_division_leader(panel, salesperson):
    [review] = Api(salesperson).get(f"/api/orders/{panel.pk}/reviews").json()

    assert (review["is_major"], review["chair"]["username"], review["status"]) == \
        (True, "leader", "open")
    assert {"code": "customised", "label": "Customised product"} in review["major_reasons"]
    assert {op["status"] for op in review["opinions"]} == {"submitted"}
    assert review["opinions"][0]["reviewer"]["username"] == "technology-dept_head"


def test_only_the_chair_concludes_the_panel(panel, salesperson, sales_head):
    review_id = panel.reviews.get().pk
    before = written()

    refused = Api(sales_head).post(f"/api/reviews/{review_id}/conclusion",
                                   {"conclusion": "pass"})

    assert refused.status_code == 403
    assert written() == before
    assert panel.reviews.get().status == "open"


def test_panel_conclusion_errors_are_named(panel, division_leader):
    review_id = panel.reviews.get().pk

    response = Api(division_leader).post(f"/api/reviews/{review_id}/conclusion",
                                         {"conclusion": "conditional"})

    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["conditions"]


def test_chair_concludes_and_the_report_is_issued(panel, salesperson, division_leader):
    review_id = panel.reviews.get().pk

    response = Api(division_leader).post(f"/api/reviews/{review_id}/conclusion",
                                         {"conclusion": "pass", "text": "同意接单"})

    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["status"], body["conclusion"], body["conclusion_text"]) == \
        ("passed", "pass", "同意接单")
    assert body["concluded_by"]["username"] == "leader"
    report = ReviewReport.objects.get(review_id=review_id)
    assert body["report"]["id"] == report.pk
    assert body["report"]["number"] == report.number
    assert body["report"]["conclusion"] == "pass"
    assert Order.objects.get(pk=panel.pk).status == "in_approval"


def test_report_pdf_is_served_once_rendered_and_only_to_who_sees_the_order(
        panel, salesperson, division_leader):
    review_id = panel.reviews.get().pk
    Api(division_leader).post(f"/api/reviews/{review_id}/conclusion", {"conclusion": "pass"})
    report = ReviewReport.objects.get(review_id=review_id)
    url = f"/api/review-reports/{report.pk}/pdf"
    ReviewReport.objects.filter(pk=report.pk).update(file="", file_sha256="")

    pending = Api(salesperson).get(url)
    listed = Api(salesperson).get(f"/api/orders/{panel.pk}/reviews").json()[0]["report"]
    report_render(report_id=report.pk)
    served = Api(salesperson).get(url)
    stranger = Api(make_user(Dept.SALES, Role.STAFF, username="sales2")).get(url)

    assert (pending.status_code, listed["pdf_url"]) == (404, None)
    assert served.status_code == 200
    assert served["Content-Type"] == "application/pdf"
    assert b"".join(served.streaming_content).startswith(b"%PDF")
    assert stranger.status_code == 404
    assert Api(salesperson).get(f"/api/orders/{panel.pk}/reviews").json()[0][
        "report"]["pdf_url"] == url


# -- query counts (hot path) -----------------------------------------------------------

def _reviews_queries(api, order) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = api.get(f"/api/orders/{order.pk}/reviews")
    assert response.status_code == 200
    return len(queries)


def test_reviews_query_count_is_constant_in_departments_and_opinions(
        frozen, plain_rule, salesperson, sales_head, reviewers, customer, products):
    admin = make_user(Dept.MANAGEMENT, Role.SYSTEM_ADMIN, username="admin")
    review_route_set(actor=admin, order_type="sample", departments=["technology", "finance"])
    small = in_review(salesperson, customer, products, order_type="sample")
    large = in_review(salesperson, customer, products)
    for order in (small, large):
        ids = opinion_ids(order)
        for name in ("方案.pdf", "图纸.pdf")[:1 if order is small else 2]:
            assert Api(reviewers["technology"]).upload(
                f"/api/review-opinions/{ids['technology']}/attachments",
                file=SimpleUploadedFile(name, b"%PDF-1.4", "application/pdf")
            ).status_code == 201
        assert give(reviewers["technology"], ids["technology"], "technology").status_code == 200
    for dept in ("finance", "quality", "production"):
        assert give(reviewers[dept], opinion_ids(large)[dept], dept).status_code == 200
    api = Api(sales_head)

    assert _reviews_queries(api, small) == _reviews_queries(api, large)


def test_reviews_keep_every_round(frozen, plain_rule, salesperson, reviewers, customer,
                                  products):
    # P3.3.3: a failed review, renegotiation and round 2 keep round 1.
    order = in_review(salesperson, customer, products)
    ids = opinion_ids(order)
    assert give(reviewers["finance"], ids["finance"], "finance", "fail",
                text="毛利过低").status_code == 200
    for dept in ("technology", "production", "quality", "procurement"):
        give(reviewers[dept], ids[dept], dept)
    assert Order.objects.get(pk=order.pk).status == "review_failed"
    api = Api(salesperson)
    assert api.post(f"/api/orders/{order.pk}/actions/renegotiate").status_code == 200
    assert api.post(f"/api/orders/{order.pk}/actions/check").json()["status"] == "checked"
    events = AuditEvent.objects.count()
    assert api.post(f"/api/orders/{order.pk}/actions/start_review").status_code == 200

    rounds = api.get(f"/api/orders/{order.pk}/reviews").json()

    assert AuditEvent.objects.count() > events
    assert [(r["round"], r["status"], r["conclusion"]) for r in rounds] == [
        (2, "open", ""), (1, "failed", "fail")]
    assert rounds[1]["report"]["conclusion"] == "fail"
