"""The Quality API (P5.3, P5.4.2): happy paths and the error mapping (422, 403, 404, 409)."""

import pytest
from django.utils import translation

from orderflow.accounts.domain.organisation import Dept, Role
from orderflow.api.tests.conftest import Api
from orderflow.audit.models import AuditEvent
from orderflow.core import clock
from orderflow.execution.models.quality import InspectionRecord, InspectionReport
from orderflow.testing.execution import members, released_order
from orderflow.testing.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def people():
    return members("quality", "production", "procurement")


@pytest.fixture
def order(salesperson, sales_head, customer, products, people):
    return released_order(salesperson, customer, products, sales_head,
                          departments=["production", "quality"])


def ok(response, status=200):
    assert response.status_code == status, response.content.decode()[:2000]
    return response.json()


def inspection(order, line_position=1, passed="2", failed="0", **extra):
    line = order.lines.get(position=line_position)
    total = str(int(passed) + int(failed))
    return {"order_line_id": line.pk, "stage": "final", "inspected_on": clock.today().isoformat(),
            "quantity_inspected": total, "quantity_passed": passed, "quantity_failed": failed,
            "findings": "划痕" if failed != "0" else "", **extra}


def test_plan_inspect_report_and_pdf_over_the_api(order, people,
                                                  django_capture_on_commit_callbacks):
    api = Api(people["quality"])
    item = ok(api.post(f"/api/orders/{order.pk}/inspection-plan",
                       {"item": "外形尺寸", "method": "卡尺", "frequency": "每批"}), 201)
    assert ok(api.get(f"/api/orders/{order.pk}/inspection-plan"))[0]["id"] == item["id"]
    record = ok(api.post(f"/api/orders/{order.pk}/inspections",
                         inspection(order, plan_item_id=item["id"])), 201)
    assert record["result"] == "pass" and record["report"] is None
    with django_capture_on_commit_callbacks(execute=True):
        report = ok(api.post(f"/api/inspections/{record['id']}/report",
                             {"conclusion": "合格"}), 201)
    # issued at once; the worker renders the PDF after the commit
    assert report["number"].startswith("IR-") and report["pdf_url"] is None
    rendered = ok(api.get(f"/api/inspections/{record['id']}"))["report"]
    assert rendered["number"] == report["number"] and rendered["pdf_url"]
    pdf = api.get(rendered["pdf_url"])
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    listed = ok(api.get(f"/api/orders/{order.pk}/inspections"))
    assert listed[0]["report"]["number"] == report["number"]
    # a second report: 409
    assert api.post(f"/api/inspections/{record['id']}/report",
                    {"conclusion": "x"}).status_code == 409


def test_bad_inspection_is_422_field_by_field_and_nothing_written(order, people):
    api = Api(people["quality"])
    events = AuditEvent.objects.count()
    body = ok(api.post(f"/api/orders/{order.pk}/inspections", {
        **inspection(order), "quantity_inspected": "3", "quantity_passed": "-1",
        "inspected_on": "2999-01-01"}), 422)
    assert set(body["errors"]) == {"quantity_passed", "inspected_on"}
    assert not InspectionRecord.objects.exists() and AuditEvent.objects.count() == events


@pytest.mark.parametrize("dept", ["production", "procurement", "sales"])
def test_only_quality_issues_reports_and_notices_403(order, people, salesperson, dept):
    quality = Api(people["quality"])
    passed = ok(quality.post(f"/api/orders/{order.pk}/inspections", inspection(order)), 201)
    failed = ok(quality.post(f"/api/orders/{order.pk}/inspections",
                             inspection(order, passed="1", failed="1")), 201)
    other = Api(salesperson if dept == "sales" else people[dept])
    events = AuditEvent.objects.count()
    assert other.post(f"/api/inspections/{passed['id']}/report",
                      {"conclusion": "x"}).status_code == 403
    assert other.post(f"/api/inspections/{failed['id']}/nonconformance",
                      {"description": "x", "quantity": "1"}).status_code == 403
    assert not InspectionReport.objects.exists() and AuditEvent.objects.count() == events


def test_notice_to_closure_and_statistics_over_the_api(order, people):
    quality, production = Api(people["quality"]), Api(people["production"])
    failed = ok(quality.post(f"/api/orders/{order.pk}/inspections",
                             inspection(order, passed="1", failed="1")), 201)
    nc = ok(quality.post(f"/api/inspections/{failed['id']}/nonconformance",
                         {"description": "划痕", "quantity": "1"}), 201)
    assert [n["id"] for n in ok(quality.get("/api/nonconformances"))] == [nc["id"]]
    assert ok(production.post(f"/api/nonconformances/{nc['id']}/close",
                              {"reinspection_record_id": failed["id"]}), 403)
    acted = ok(production.post(f"/api/nonconformances/{nc['id']}/action",
                               {"cause": "刀具磨损", "corrective_action": "更换刀具"}))
    assert acted["status"] == "corrective_action"
    again = ok(quality.post(f"/api/orders/{order.pk}/inspections",
                            inspection(order, passed="1", reinspection_of_id=nc["id"])), 201)
    closed = ok(quality.post(f"/api/nonconformances/{nc['id']}/close",
                             {"reinspection_record_id": again["id"]}))
    assert closed["status"] == "closed"
    assert ok(quality.get("/api/nonconformances")) == []
    assert len(ok(quality.get("/api/nonconformances", status="all", limit=5))) == 1
    assert quality.get("/api/nonconformances", status="shut").status_code == 422
    rows = ok(quality.get("/api/quality/nonconformance-statistics"))
    assert (rows[0]["notices"], rows[0]["closed"]) == (1, 1)
    assert ok(quality.get("/api/quality/nonconformance-statistics", **{"from": "x"}),
              422)["errors"] == {"from": ["Enter a valid date (YYYY-MM-DD)."]}
    assert Api(order.salesperson).get("/api/quality/nonconformance-statistics").status_code \
        == 403


def test_concessions_over_the_api(order, people, salesperson, division_leader):
    line = order.lines.get(position=1)
    sales = Api(salesperson)
    concession = ok(sales.post(f"/api/orders/{order.pk}/concessions", {
        "order_line_id": line.pk, "quantity": "1", "reason": "客户同意"}), 201)
    assert ok(sales.get(f"/api/orders/{order.pk}/concessions"))[0]["status"] == "requested"
    # neither the requester nor a Quality staff member decides: 403
    for user in (salesperson, people["quality"]):
        assert Api(user).post(f"/api/concessions/{concession['id']}/decide",
                              {"approve": True}).status_code == 403
    leader = Api(division_leader)
    assert ok(leader.post(f"/api/concessions/{concession['id']}/decide",
                          {"approve": False}), 422)["errors"]["note"]
    decided = ok(leader.post(f"/api/concessions/{concession['id']}/decide",
                             {"approve": True}))
    assert decided["status"] == "approved" and decided["decided_by"]["id"] == division_leader.pk
    assert leader.post(f"/api/concessions/{concession['id']}/decide",
                       {"approve": True}).status_code == 409


def test_an_invisible_order_is_404(order, people):
    stranger = Api(make_user(Dept.SALES, Role.STAFF, username="sales9"))
    for path in ("inspection-plan", "inspections", "concessions"):
        assert stranger.get(f"/api/orders/{order.pk}/{path}").status_code == 404
    assert stranger.post(f"/api/orders/{order.pk}/concessions", {
        "order_line_id": order.lines.first().pk, "quantity": "1",
        "reason": "r"}).status_code == 404
