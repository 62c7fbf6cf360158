"""Production (P5.1): the plan's tasks, progress reports, problems, the completion guard
and the order page's summary, through the services and selectors."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from orderflow.accounts.domain.organisation import Dept, Role
from orderflow.accounts.models import Delegation
from orderflow.audit.models import AuditEvent
from orderflow.core import clock
from orderflow.core.errors import Conflict, NotPermitted, TransitionNotAllowed, ValidationFailed
from orderflow.execution.domain.production import is_latest, plan_percent, task_status_for
from orderflow.execution.models.production import (
    ProductionProblem,
    ProductionTask,
    ProgressReport,
)
from orderflow.execution.selectors import production as selectors
from orderflow.execution.services.production import (
    completion_blockers,
    production_problem_raise,
    production_problem_resolve,
    production_task_add,
    production_task_update,
    progress_report_add,
)
from orderflow.notifications.models import Notification
from orderflow.release.services import package_complete, package_start
from orderflow.testing.execution import members, package_of, released_order
from orderflow.testing.factories import make_user

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


def today():
    return clock.today()


def add_task(order, actor, **overrides):
    values = {"name": "机加工", "starts_on": today(), "ends_on": today() + dt.timedelta(days=5),
              "team": "一车间", "equipment": "数控车床", "materials": "钢材 Q235",
              "qc_requirements": "首件检验"}
    values.update(overrides)
    return production_task_add(order_id=order.pk, actor=actor, **values)


def nothing_written(before_counts, action_prefix):
    assert (ProductionTask.objects.count(), ProgressReport.objects.count(),
            ProductionProblem.objects.count()) == before_counts
    assert not AuditEvent.objects.filter(action__startswith=action_prefix).exists()


def counts():
    return (ProductionTask.objects.count(), ProgressReport.objects.count(),
            ProductionProblem.objects.count())


# -- pure rules ----------------------------------------------------------------------

@pytest.mark.parametrize(("percent", "status"), [(0, "planned"), (1, "in_progress"),
                                                 (99, "in_progress"), (100, "done")])
def test_a_reports_percent_sets_the_task_status_p5_1_4(percent, status):
    assert task_status_for(percent) == status


def test_the_plan_percent_is_the_simple_average_p5_1_4():
    assert plan_percent([]) is None
    assert plan_percent([100, 50, 0]) == 50
    assert plan_percent([33, 34]) == 34  # rounded


def test_a_back_dated_report_is_not_the_latest():
    day = dt.date(2030, 3, 4)
    assert is_latest(day, None) and is_latest(day, day)
    assert not is_latest(day, day + dt.timedelta(days=1))


# -- the plan (P5.1.1-2) --------------------------------------------------------------

def test_production_adds_numbered_tasks_to_its_plan_p5_1_1(order, people):
    line = order.lines.order_by("position").first()
    first = add_task(order, people["production"], order_line_id=line.pk,
                     planned_quantity="10")
    second = add_task(order, people["production"], name="装配")
    assert (first.position, second.position) == (1, 2)
    assert first.planned_quantity == Decimal("10.000") and first.order_line_id == line.pk
    assert first.status == "planned" and first.package_id == package_of(order, "production").pk
    event = AuditEvent.objects.filter(action="production_task.added").order_by("id").first()
    assert event.object_id == str(first.pk) and event.data["position"] == 1


def test_bad_task_input_is_refused_field_by_field_and_nothing_is_written_p5_1_1(
        order, people, salesperson, sales_head, customer, products):
    before = counts()
    with pytest.raises(ValidationFailed) as caught:
        add_task(order, people["production"], name="", team="", starts_on="2030-13-01",
                 ends_on="", planned_quantity="-1", order_line_id="abc")
    assert set(caught.value.errors) == {"name", "team", "starts_on", "ends_on",
                                        "planned_quantity", "order_line_id"}
    assert caught.value.errors["planned_quantity"] == ["Must be greater than zero."]
    nothing_written(before, "production_task.")


def test_a_task_cannot_end_before_it_starts_p5_1_1(order, people):
    before = counts()
    with pytest.raises(ValidationFailed) as caught:
        add_task(order, people["production"], starts_on=today(),
                 ends_on=today() - dt.timedelta(days=1))
    assert caught.value.errors == {"ends_on": ["The end must not be before the start."]}
    nothing_written(before, "production_task.")


def test_the_order_line_must_belong_to_the_order(order, people, salesperson, sales_head,
                                                 customer, products):
    other = released_order(salesperson, customer, products, sales_head,
                           departments=["production"])
    foreign = other.lines.first()
    with pytest.raises(ValidationFailed) as caught:
        add_task(order, people["production"], order_line_id=foreign.pk)
    assert caught.value.errors == {"order_line_id": ["Select a line of this order."]}


def test_a_quality_member_cannot_add_a_production_task_p5_1_1(order, people):
    before = counts()
    with pytest.raises(NotPermitted):
        add_task(order, people["quality"])
    nothing_written(before, "production_task.")


def test_a_deputy_adds_a_task_on_behalf_of_the_member(order, people):
    deputy = make_user(Dept.QUALITY, Role.STAFF, username="deputy")
    Delegation.objects.create(principal=people["production"], deputy=deputy,
                              starts_on=today(), ends_on=today(),
                              created_by=people["production"], created_at=clock.now())
    task = add_task(order, deputy)
    assert (task.created_by_id, task.on_behalf_of_id) == (deputy.pk, people["production"].pk)
    event = AuditEvent.objects.get(action="production_task.added")
    assert (event.actor_id, event.on_behalf_of_id) == (deputy.pk, people["production"].pk)


def test_a_task_is_changed_until_it_is_done_p5_1_1(order, people):
    task = add_task(order, people["production"])
    changed = production_task_update(task_id=task.pk, actor=people["production"],
                                     team="二车间", planned_quantity="5")
    assert (changed.team, changed.planned_quantity, changed.name) == ("二车间",
                                                                     Decimal("5.000"), "机加工")
    event = AuditEvent.objects.get(action="production_task.updated")
    assert event.data["before"] == {"team": "一车间", "planned_quantity": None}
    # the new end must not fall before the kept start
    with pytest.raises(ValidationFailed) as caught:
        production_task_update(task_id=task.pk, actor=people["production"],
                               ends_on=task.starts_on - dt.timedelta(days=1))
    assert list(caught.value.errors) == ["ends_on"]
    progress_report_add(task_id=task.pk, actor=people["production"], reported_on=today(),
                        quantity_done="5", percent_done=100)
    with pytest.raises(TransitionNotAllowed):
        production_task_update(task_id=task.pk, actor=people["production"], team="三车间")
    assert ProductionTask.objects.get(pk=task.pk).team == "二车间"


# -- progress (P5.1.4) ------------------------------------------------------------------

def test_progress_updates_the_task_and_its_status_p5_1_4(order, people):
    task = add_task(order, people["production"])
    progress_report_add(task_id=task.pk, actor=people["production"],
                        reported_on=today() - dt.timedelta(days=1), quantity_done="3",
                        percent_done=30, note="首件合格")
    task.refresh_from_db()
    assert (task.status, task.percent_done, task.quantity_done) == ("in_progress", 30,
                                                                    Decimal("3.000"))
    # a back-dated report is history: it does not overwrite the newer figures
    progress_report_add(task_id=task.pk, actor=people["production"],
                        reported_on=today() - dt.timedelta(days=3), quantity_done="1",
                        percent_done=10)
    task.refresh_from_db()
    assert task.percent_done == 30
    progress_report_add(task_id=task.pk, actor=people["production"], reported_on=today(),
                        quantity_done="10", percent_done="100")
    task.refresh_from_db()
    assert (task.status, task.percent_done) == ("done", 100)
    event = AuditEvent.objects.filter(action="production_progress.reported").order_by(
        "-id").first()
    assert (event.from_state, event.to_state) == ("in_progress", "done")
    [listed] = selectors.tasks_for(order)
    assert listed.latest_on == today()
    assert [r.percent_done for r in selectors.reports_for(task.pk)] == [100, 30, 10]


@pytest.mark.parametrize(("field", "value", "message"), [
    ("percent_done", 101, "Must be at most 100."),
    ("percent_done", -1, "Must be at least 0."),
    ("percent_done", "abc", "Enter a whole number."),
    ("percent_done", "50.5", "Enter a whole number."),
    ("percent_done", "", "This field is required."),
    ("quantity_done", "-2", "Must be at least 0."),
    ("quantity_done", "x", "Enter a number."),
    ("reported_on", "tomorrow", "The date must not be in the future."),
])
def test_bad_progress_is_refused_and_nothing_is_written_p5_1_4(order, people, field, value,
                                                                 message):
    task = add_task(order, people["production"])
    before = counts()
    values = {"reported_on": today(), "quantity_done": "1", "percent_done": 10}
    values[field] = today() + dt.timedelta(days=1) if value == "tomorrow" else value
    with pytest.raises(ValidationFailed) as caught:
        progress_report_add(task_id=task.pk, actor=people["production"], **values)
    assert caught.value.errors == {field: [message]}
    nothing_written(before, "production_progress.")
    task.refresh_from_db()
    assert (task.percent_done, task.status) == (0, "planned")


def test_every_bad_progress_field_is_reported_at_once(order, people):
    task = add_task(order, people["production"])
    with pytest.raises(ValidationFailed) as caught:
        progress_report_add(task_id=task.pk, actor=people["production"], reported_on="",
                            quantity_done="-1", percent_done="abc")
    assert set(caught.value.errors) == {"reported_on", "quantity_done", "percent_done"}


def test_only_production_reports_progress(order, people):
    task = add_task(order, people["production"])
    with pytest.raises(NotPermitted):
        progress_report_add(task_id=task.pk, actor=people["technology"], reported_on=today(),
                            quantity_done="1", percent_done=10)
    assert not ProgressReport.objects.exists()


# -- problems (P5.1.3-4) --------------------------------------------------------------

def raise_problem(order, actor, **overrides):
    values = {"kind": "equipment_failure", "description": "数控车床主轴故障",
              "owner_id": actor.pk, "due_date": today() + dt.timedelta(days=2),
              "corrective_action": "联系厂家维修"}
    values.update(overrides)
    return production_problem_raise(order_id=order.pk, actor=actor, **values)


def overdue(problem):
    """Given: the problem's due date has passed (a new one cannot be due in the past)."""
    ProductionProblem.objects.filter(pk=problem.pk).update(
        due_date=today() - dt.timedelta(days=1))


def test_a_problem_is_raised_and_its_owner_and_sales_are_told_p5_1_4_p6_1_1(
        order, people, salesperson, settings):
    settings.LANGUAGE_CODE = "en"
    owner = people["technology"]
    task = add_task(order, people["production"])
    problem = raise_problem(order, people["production"], owner_id=owner.pk, task_id=task.pk)
    assert (problem.status, problem.owner_id, problem.task_id) == ("open", owner.pk, task.pk)
    notes = Notification.objects.filter(kind="production.problem")
    assert {n.recipient_id for n in notes} == {owner.pk, salesperson.pk}
    assert notes.first().title == (f"Production problem on order {order.number}: "
                                   "Equipment failure")
    assert AuditEvent.objects.filter(action="production_problem.raised",
                                     object_id=str(problem.pk)).exists()


@pytest.mark.parametrize(("overrides", "field"), [
    ({"owner_id": None}, "owner_id"),
    ({"owner_id": 99999999}, "owner_id"),
    ({"kind": "flood"}, "kind"),
    ({"description": " "}, "description"),
    ({"due_date": "soon"}, "due_date"),
    ({"due_date": dt.date(2020, 1, 1)}, "due_date"),
    ({"task_id": 99999999}, "task_id"),
])
def test_bad_problem_input_is_refused_and_nothing_is_written_p5_1_4(order, people, overrides,
                                                                    field):
    before = counts()
    with pytest.raises(ValidationFailed) as caught:
        raise_problem(order, people["production"], **overrides)
    assert list(caught.value.errors) == [field]
    nothing_written(before, "production_problem.")
    assert not Notification.objects.filter(kind="production.problem").exists()


def test_an_inactive_owner_is_refused(order, people):
    gone = make_user(Dept.PRODUCTION, Role.STAFF, username="gone", is_active=False)
    with pytest.raises(ValidationFailed) as caught:
        raise_problem(order, people["production"], owner_id=gone.pk)
    assert caught.value.errors == {"owner_id": ["Select an active user."]}


def test_a_problem_is_resolved_once_with_its_resolution_p5_1_3(order, people):
    owner = people["technology"]
    problem = raise_problem(order, people["production"], owner_id=owner.pk)
    with pytest.raises(ValidationFailed) as caught:
        production_problem_resolve(problem_id=problem.pk, actor=owner, resolution="")
    assert list(caught.value.errors) == ["resolution"]
    with pytest.raises(NotPermitted):  # neither Production nor the owner
        production_problem_resolve(problem_id=problem.pk, actor=people["quality"],
                                   resolution="好了")
    # the owner (from another department) resolves it
    done = production_problem_resolve(problem_id=problem.pk, actor=owner,
                                      resolution="更换轴承", corrective_action="每周点检")
    assert (done.status, done.resolved_by_id, done.corrective_action) == ("resolved", owner.pk,
                                                                          "每周点检")
    with pytest.raises(TransitionNotAllowed):
        production_problem_resolve(problem_id=problem.pk, actor=people["production"],
                                   resolution="again")
    assert AuditEvent.objects.filter(action="production_problem.resolved").count() == 1


def test_open_problems_late_first_for_production_and_owned_for_others(order, people):
    owner = people["technology"]
    later = raise_problem(order, people["production"], owner_id=owner.pk)
    late = raise_problem(order, people["production"], due_date=today())
    overdue(late)
    listed = selectors.open_problems(people["production"])
    assert [p.pk for p in listed] == [late.pk, later.pk] and listed[0].is_late
    assert [p.pk for p in selectors.open_problems(owner)] == [later.pk]
    assert selectors.open_problems(people["quality"]) == []
    with pytest.raises(ValidationFailed):
        selectors.production_problems(people["production"], status="bogus")


# -- the completion guard (P5) and the summary (P6.1.2) ------------------------------------

def test_production_cannot_complete_before_its_plan_is_done_and_problems_resolved(
        order, people):
    package = package_of(order, "production")
    package_start(package_id=package.pk, actor=people["production"])
    assert completion_blockers(package) == ["The production plan has no tasks yet."]
    task = add_task(order, people["production"])
    problem = raise_problem(order, people["production"])
    with pytest.raises(Conflict) as caught:
        package_complete(package_id=package.pk, actor=people["production"])
    assert "Tasks not done: 1." in str(caught.value)
    assert "Open production problems: 1." in str(caught.value)
    progress_report_add(task_id=task.pk, actor=people["production"], reported_on=today(),
                        quantity_done="1", percent_done=100)
    production_problem_resolve(problem_id=problem.pk, actor=people["production"],
                               resolution="已修复")
    assert package_complete(package_id=package.pk, actor=people["production"]).status == "done"
    # a done package takes no more records
    with pytest.raises(TransitionNotAllowed):
        add_task(order, people["production"])


def test_the_summary_counts_tasks_and_lists_open_problems_in_two_queries(
        order, people, django_assert_max_num_queries):
    package = package_of(order, "production")
    assert selectors.summary(order, package).headline == "No production plan yet"
    first = add_task(order, people["production"])
    add_task(order, people["production"])
    progress_report_add(task_id=first.pk, actor=people["production"], reported_on=today(),
                        quantity_done="1", percent_done=100)
    overdue(raise_problem(order, people["production"]))
    with django_assert_max_num_queries(2):
        summary = selectors.summary(order, package)
    assert (summary.headline, summary.percent) == ("1 of 2 tasks done", 50)
    [item] = summary.open_items
    assert item.late and item.text.startswith("Equipment failure: ")
    assert item.url == f"/work-packages/{package.pk}/"
