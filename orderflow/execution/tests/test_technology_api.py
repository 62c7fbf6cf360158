"""The technology API (P5.4.1): Production asks, Technology answers, the request is
resolved; 422/403/404/409 mapped; the list across orders is bounded."""

import pytest

from orderflow.accounts.domain.organisation import Dept, Role
from orderflow.api.tests.conftest import Api
from orderflow.execution.models.technology import SupportRequest
from orderflow.testing.execution import members, released_order
from orderflow.testing.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(db):
    return members("production", "quality", "technology")


@pytest.fixture
def order(salesperson, sales_head, customer, products, people):
    return released_order(salesperson, customer, products, sales_head,
                          departments=["production", "quality", "technology"])


def test_ask_answer_resolve_over_the_api_p5_4_1(order, people):
    production, technology = Api(people["production"]), Api(people["technology"])
    created = production.post(f"/api/orders/{order.pk}/support-requests", {
        "subject": "工艺参数确认", "description": "请确认热处理温度", "urgency": "urgent"})
    assert created.status_code == 201, created.content
    request = created.json()
    assert (request["status"], request["urgency"], request["created_by"]["id"]) == (
        "open", "urgent", people["production"].pk)
    assert [r["id"] for r in technology.get("/api/support-requests").json()] == [request["id"]]
    early = production.post(f"/api/support-requests/{request['id']}/resolve",
                            {"resolution": "x"})
    assert early.status_code == 409
    assert production.post(f"/api/support-requests/{request['id']}/answer",
                           {"answer": "x"}).status_code == 403
    answered = technology.post(f"/api/support-requests/{request['id']}/answer",
                               {"answer": "按 850℃ 保温 2 小时"})
    assert answered.status_code == 200 and answered.json()["status"] == "answered"
    assert technology.get("/api/support-requests").json() == []  # none waiting for an answer
    assert len(technology.get("/api/support-requests", status="unresolved").json()) == 1
    resolved = production.post(f"/api/support-requests/{request['id']}/resolve",
                               {"resolution": "已按答复执行"})
    assert resolved.status_code == 200 and resolved.json()["status"] == "resolved"
    listed = Api(people["quality"]).get(f"/api/orders/{order.pk}/support-requests").json()
    assert [r["status"] for r in listed] == ["resolved"]


def test_bad_input_403_and_404(order, people):
    production = Api(people["production"])
    bad = production.post(f"/api/orders/{order.pk}/support-requests",
                          {"subject": "", "description": "", "urgency": "panic"})
    assert bad.status_code == 422
    assert set(bad.json()["errors"]) == {"subject", "description", "urgency"}
    assert Api(people["quality"]).post(f"/api/orders/{order.pk}/support-requests", {
        "subject": "s", "description": "d"}).status_code == 403
    assert not SupportRequest.objects.exists()
    stranger = make_user(Dept.SALES, Role.STAFF, username="sales2")
    assert Api(stranger).get(f"/api/orders/{order.pk}/support-requests").status_code == 404
    request = production.post(f"/api/orders/{order.pk}/support-requests",
                              {"subject": "s", "description": "d"}).json()
    assert Api(stranger).get(f"/api/support-requests/{request['id']}").status_code == 404
    assert production.get(f"/api/support-requests/{request['id']}").json()["subject"] == "s"
    assert Api(stranger).post(f"/api/support-requests/{request['id']}/answer",
                              {"answer": "x"}).status_code == 404
    empty = Api(people["technology"]).post(f"/api/support-requests/{request['id']}/answer",
                                           {"answer": ""})
    assert empty.status_code == 422 and list(empty.json()["errors"]) == ["answer"]
    assert production.get("/api/support-requests", status="bogus").status_code == 422
    assert production.get("/api/support-requests", limit=0).status_code == 422
