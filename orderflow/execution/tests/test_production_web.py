"""The production section of the work-package page (P5.1, P5.4.1): it renders for
members with its forms, the forms write through the services, errors come back as 422
with the field marked, others see no forms and their posts are refused."""

import datetime as dt

import pytest
from django.utils import translation

from orderflow.audit.models import AuditEvent
from orderflow.core import clock
from orderflow.execution.models.production import (
    ProductionProblem,
    ProductionTask,
    ProgressReport,
)
from orderflow.execution.models.technology import SupportRequest
from orderflow.execution.services.production import production_task_add
from orderflow.execution.services.technology import support_request_answer
from orderflow.testing.execution import members, package_of, released_order

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def people(db):
    return members("production", "quality", "technology")


@pytest.fixture
def order(salesperson, sales_head, customer, products, people):
    return released_order(salesperson, customer, products, sales_head,
                          departments=["production", "quality", "technology"])


@pytest.fixture
def page(order):
    return f"/work-packages/{package_of(order, 'production').pk}/"


def task_form(**overrides):
    today = clock.today()
    values = {"name": "机加工", "starts_on": today.isoformat(),
              "ends_on": (today + dt.timedelta(days=3)).isoformat(), "team": "一车间",
              "equipment": "", "materials": "", "qc_requirements": "首件检验",
              "order_line_id": "", "planned_quantity": "10"}
    values.update(overrides)
    return values


def add_task(order, people):
    today = clock.today()
    return production_task_add(order_id=order.pk, actor=people["production"], name="装配",
                               starts_on=today, ends_on=today, team="二车间")


def test_members_see_the_plan_and_its_forms(client, order, people, page):
    add_task(order, people)
    client.force_login(people["production"])
    response = client.get(page)
    assert response.status_code == 200
    html = response.content.decode()
    for marker in ('data-testid="production-plan"', 'data-testid="task-form"',
                   'data-testid="progress-form"', 'data-testid="problem-form"',
                   'data-testid="ask-form"', "装配"):
        assert marker in html


def test_others_see_the_plan_without_forms(client, order, people, page):
    add_task(order, people)
    client.force_login(people["quality"])
    html = client.get(page).content.decode()
    assert "装配" in html and 'data-testid="task-form"' not in html
    assert 'data-testid="progress-form"' not in html


def test_adding_a_task_redirects_to_the_page(client, order, people, page):
    client.force_login(people["production"])
    response = client.post(f"{page}production/tasks/", task_form())
    assert response.status_code == 302 and response["Location"] == page
    task = ProductionTask.objects.get()
    assert (task.name, task.team, str(task.planned_quantity)) == ("机加工", "一车间", "10.000")
    assert "The task was added to the production plan." in client.get(page).content.decode()


def test_a_bad_task_is_shown_again_with_its_errors_and_nothing_saved(client, order, people,
                                                                     page):
    client.force_login(people["production"])
    today = clock.today()
    response = client.post(f"{page}production/tasks/", task_form(
        name="", ends_on=(today - dt.timedelta(days=1)).isoformat()))
    assert response.status_code == 422
    html = response.content.decode()
    assert 'data-error-for="name"' in html and 'data-error-for="ends_on"' in html
    assert "The end must not be before the start." in html
    assert 'value="一车间"' in html  # what was typed is kept
    assert not ProductionTask.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="production_task.").exists()


def test_a_quality_member_cannot_post_a_task(client, order, people, page):
    client.force_login(people["quality"])
    assert client.post(f"{page}production/tasks/", task_form()).status_code == 403
    assert not ProductionTask.objects.exists()


@pytest.mark.parametrize("percent", ["101", "-1", "abc"])
def test_bad_progress_comes_back_with_the_percent_marked(client, order, people, page,
                                                         percent):
    task = add_task(order, people)
    client.force_login(people["production"])
    response = client.post(f"{page}production/tasks/{task.pk}/progress/", {
        "reported_on": clock.today().isoformat(), "quantity_done": "1",
        "percent_done": percent})
    assert response.status_code == 422
    assert 'data-error-for="percent_done"' in response.content.decode()
    assert not ProgressReport.objects.exists()


def test_progress_and_task_change_through_the_page(client, order, people, page):
    task = add_task(order, people)
    client.force_login(people["production"])
    response = client.post(f"{page}production/tasks/{task.pk}/progress/", {
        "reported_on": clock.today().isoformat(), "quantity_done": "4", "percent_done": "40",
        "note": "顺利"})
    assert response.status_code == 302
    task.refresh_from_db()
    assert (task.percent_done, task.status) == (40, "in_progress")
    form = task_form(name="装配与调试", team="三车间", planned_quantity="")
    assert client.post(f"{page}production/tasks/{task.pk}/", form).status_code == 302
    task.refresh_from_db()
    assert (task.name, task.team, task.planned_quantity) == ("装配与调试", "三车间", None)


def test_a_task_of_another_order_is_not_found(client, order, people, page, salesperson,
                                              sales_head, customer, products):
    other = released_order(salesperson, customer, products, sales_head,
                           departments=["production"])
    foreign = add_task(other, people)
    client.force_login(people["production"])
    response = client.post(f"{page}production/tasks/{foreign.pk}/progress/", {
        "reported_on": clock.today().isoformat(), "quantity_done": "1", "percent_done": "1"})
    assert response.status_code == 404


def test_problems_are_raised_and_resolved_on_the_page(client, order, people, page):
    client.force_login(people["production"])
    due = (clock.today() + dt.timedelta(days=1)).isoformat()
    bad = client.post(f"{page}production/problems/", {
        "kind": "staff_shortage", "description": "夜班缺 2 人", "owner_id": "",
        "due_date": due})
    assert bad.status_code == 422 and 'data-error-for="owner_id"' in bad.content.decode()
    assert not ProductionProblem.objects.exists()
    ok = client.post(f"{page}production/problems/", {
        "kind": "staff_shortage", "description": "夜班缺 2 人",
        "owner_id": str(people["production"].pk), "due_date": due,
        "corrective_action": "临时调配"})
    assert ok.status_code == 302
    problem = ProductionProblem.objects.get()
    unresolved = client.post(f"{page}production/problems/{problem.pk}/resolve/",
                             {"resolution": ""})
    assert unresolved.status_code == 422
    assert 'data-error-for="resolution"' in unresolved.content.decode()
    done = client.post(f"{page}production/problems/{problem.pk}/resolve/",
                       {"resolution": "已补员"})
    assert done.status_code == 302
    problem.refresh_from_db()
    assert (problem.status, problem.resolution) == ("resolved", "已补员")
    # resolving again is refused with a message, nothing changes
    again = client.post(f"{page}production/problems/{problem.pk}/resolve/",
                        {"resolution": "x"}, follow=True)
    assert "This problem is already resolved." in again.content.decode()


def test_production_asks_technology_and_sees_the_answer_then_resolves(client, order, people,
                                                                      page):
    client.force_login(people["production"])
    bad = client.post(f"{page}production/support-requests/", {"subject": "",
                                                              "description": "温度？",
                                                              "urgency": "normal"})
    assert bad.status_code == 422 and 'data-error-for="subject"' in bad.content.decode()
    assert client.post(f"{page}production/support-requests/", {
        "subject": "工艺参数", "description": "温度？", "urgency": "urgent"}).status_code == 302
    request = SupportRequest.objects.get()
    assert request.package_id == package_of(order, "technology").pk
    html = client.get(page).content.decode()
    assert f'data-request="{request.pk}"' in html and 'data-request-status="open"' in html
    assert 'data-testid="request-resolve-form"' not in html  # not answered yet
    support_request_answer(request_id=request.pk, actor=people["technology"], answer="850℃")
    html = client.get(page).content.decode()
    assert "850℃" in html and 'data-testid="request-resolve-form"' in html
    resolved = client.post(f"{page}support-requests/{request.pk}/resolve/",
                           {"resolution": "已执行"})
    assert resolved.status_code == 302 and resolved["Location"] == page
    assert SupportRequest.objects.get().status == "resolved"


def test_the_order_page_shows_production_and_technology_progress_p6_1_2(
        client, order, people, salesperson):
    task = add_task(order, people)
    client.force_login(people["production"])
    client.post(f"/work-packages/{package_of(order, 'production').pk}/production/tasks/"
                f"{task.pk}/progress/", {"reported_on": clock.today().isoformat(),
                                         "quantity_done": "1", "percent_done": "100"})
    client.post(f"/work-packages/{package_of(order, 'production').pk}/production/"
                "support-requests/", {"subject": "图纸", "description": "公差",
                                      "urgency": "normal"})
    client.force_login(salesperson)
    html = client.get(f"/orders/{order.pk}/").content.decode()
    assert "1 of 1 tasks done" in html and "Open requests: 1" in html
