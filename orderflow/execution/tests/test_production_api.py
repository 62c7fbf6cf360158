"""The production API (P5.1): plan, progress, problems; 201/200 happy paths, 422 field by
field with nothing written, 403 for other departments, 404 for invisible orders, 409 for
wrong states; the problems list across orders is bounded."""

import datetime as dt

import pytest

from orderflow.accounts.domain.organisation import Dept, Role
from orderflow.api.tests.conftest import Api
from orderflow.audit.models import AuditEvent
from orderflow.core import clock
from orderflow.execution.models.production import ProductionProblem, ProductionTask
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


def day(offset=0) -> str:
    return (clock.today() + dt.timedelta(days=offset)).isoformat()


def task_body(**overrides):
    body = {"name": "机加工", "starts_on": day(), "ends_on": day(5), "team": "一车间",
            "qc_requirements": "首件检验", "planned_quantity": "10"}
    body.update(overrides)
    return body


def test_the_plan_progress_and_problems_over_the_api_p5_1(order, people, salesperson):
    api = Api(people["production"])
    line = order.lines.order_by("position").first()
    created = api.post(f"/api/orders/{order.pk}/production-tasks",
                       task_body(order_line_id=line.pk))
    assert created.status_code == 201, created.content
    task = created.json()
    assert (task["position"], task["status"], task["order_line_id"]) == (1, "planned", line.pk)
    assert task["planned_quantity"] == "10.000"
    patched = api.client.patch(f"/api/production-tasks/{task['id']}", {"team": "二车间"},
                               content_type="application/json")
    assert patched.status_code == 200 and patched.json()["team"] == "二车间"
    assert patched.json()["name"] == "机加工"  # untouched
    assert api.get(f"/api/production-tasks/{task['id']}").json()["team"] == "二车间"
    report = api.post(f"/api/production-tasks/{task['id']}/progress",
                      {"reported_on": day(), "quantity_done": "5", "percent_done": 50})
    assert report.status_code == 201 and report.json()["percent_done"] == 50
    listed = api.get(f"/api/orders/{order.pk}/production-tasks").json()
    assert (listed[0]["status"], listed[0]["percent_done"]) == ("in_progress", 50)
    assert listed[0]["latest_on"] == day()
    reports = api.get(f"/api/production-tasks/{task['id']}/progress").json()
    assert [r["quantity_done"] for r in reports] == ["5.000"]
    problem = api.post(f"/api/orders/{order.pk}/production-problems", {
        "kind": "material_late", "description": "钢材晚到 3 天", "owner_id": people[
            "production"].pk, "due_date": day(), "task_id": task["id"]})
    assert problem.status_code == 201, problem.content
    problem_id = problem.json()["id"]
    assert problem.json()["late"] is False
    # given: its due date has passed; Sales sees it late (P6.1.1)
    ProductionProblem.objects.update(due_date=clock.today() - dt.timedelta(days=1))
    [seen] = Api(salesperson).get(f"/api/orders/{order.pk}/production-problems").json()
    assert (seen["id"], seen["late"], seen["task"]["id"]) == (problem_id, True, task["id"])
    across = api.get("/api/production-problems", status="open").json()
    assert [p["order"]["number"] for p in across] == [order.number]
    resolved = api.post(f"/api/production-problems/{problem_id}/resolve",
                        {"resolution": "供应商加急"})
    assert resolved.status_code == 200 and resolved.json()["status"] == "resolved"
    assert api.get("/api/production-problems").json() == []
    assert api.get(f"/api/production-problems/{problem_id}").json()["resolution"] == "供应商加急"
    assert len(api.get("/api/production-problems", status="resolved").json()) == 1
    again = api.post(f"/api/production-problems/{problem_id}/resolve",
                     {"resolution": "x"})
    assert again.status_code == 409


def test_bad_input_gets_422_field_by_field_and_writes_nothing(order, people):
    api = Api(people["production"])
    bad = api.post(f"/api/orders/{order.pk}/production-tasks",
                   task_body(name="", ends_on=day(-1), planned_quantity="0"))
    assert bad.status_code == 422
    assert set(bad.json()["errors"]) == {"name", "ends_on", "planned_quantity"}
    task = api.post(f"/api/orders/{order.pk}/production-tasks", task_body()).json()
    events = AuditEvent.objects.count()
    for percent in (101, -1, "abc"):
        response = api.post(f"/api/production-tasks/{task['id']}/progress",
                            {"reported_on": day(), "quantity_done": "-1",
                             "percent_done": percent})
        assert response.status_code == 422
        assert set(response.json()["errors"]) == {"quantity_done", "percent_done"}
    problem = api.post(f"/api/orders/{order.pk}/production-problems", {
        "kind": "other", "description": "x", "due_date": day()})
    assert problem.status_code == 422 and list(problem.json()["errors"]) == ["owner_id"]
    assert AuditEvent.objects.count() == events
    assert ProductionTask.objects.get().percent_done == 0
    assert not ProductionProblem.objects.exists()
    assert api.get("/api/production-problems", status="bogus").status_code == 422


def test_other_departments_get_403_and_strangers_404(order, people):
    refused = Api(people["quality"]).post(f"/api/orders/{order.pk}/production-tasks",
                                          task_body())
    assert refused.status_code == 403
    assert not ProductionTask.objects.exists()
    stranger = make_user(Dept.SALES, Role.STAFF, username="sales2")
    assert Api(stranger).get(f"/api/orders/{order.pk}/production-tasks").status_code == 404
    assert Api(stranger).post(f"/api/orders/{order.pk}/production-tasks",
                              task_body()).status_code == 404
    task = Api(people["production"]).post(f"/api/orders/{order.pk}/production-tasks",
                                          task_body()).json()
    assert Api(stranger).get(f"/api/production-tasks/{task['id']}/progress").status_code == 404
    assert Api(stranger).get(f"/api/production-tasks/{task['id']}").status_code == 404
    assert Api(people["production"]).get("/api/production-tasks/999999/progress"
                                          ).status_code == 404


def test_a_done_task_cannot_be_patched_409(order, people):
    api = Api(people["production"])
    task = api.post(f"/api/orders/{order.pk}/production-tasks", task_body()).json()
    api.post(f"/api/production-tasks/{task['id']}/progress",
             {"reported_on": day(), "quantity_done": "10", "percent_done": 100})
    response = api.client.patch(f"/api/production-tasks/{task['id']}", {"team": "x"},
                                content_type="application/json")
    assert response.status_code == 409


def test_the_problems_list_is_bounded(order, people):
    api = Api(people["production"])
    for n in range(3):
        api.post(f"/api/orders/{order.pk}/production-problems", {
            "kind": "other", "description": f"问题 {n}", "owner_id": people["production"].pk,
            "due_date": day(n)})
    assert len(api.get("/api/production-problems", limit=2).json()) == 2
    assert api.get("/api/production-problems", limit=1000).status_code == 422


def test_the_endpoints_are_documented_in_the_openapi_schema():
    paths = Api().get("/api/openapi.json").json()["paths"]
    for path in ("/api/orders/{order_id}/production-tasks", "/api/production-tasks/{task_id}",
                 "/api/production-tasks/{task_id}/progress",
                 "/api/orders/{order_id}/production-problems", "/api/production-problems",
                 "/api/production-problems/{problem_id}/resolve",
                 "/api/orders/{order_id}/support-requests", "/api/support-requests",
                 "/api/support-requests/{request_id}/answer",
                 "/api/support-requests/{request_id}/resolve"):
        assert path in paths, path
    assert set(paths["/api/production-tasks/{task_id}"]) == {"get", "patch"}
