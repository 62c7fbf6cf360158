"""A department works its package (P5): the state machine, the services, the workspace."""

import datetime as dt

import pytest
from django.utils import translation

from orderflow.accounts.domain.organisation import Dept, Role
from orderflow.accounts.models import Delegation
from orderflow.audit.models import AuditEvent
from orderflow.core.errors import NotFound, NotPermitted, TransitionNotAllowed, ValidationFailed
from orderflow.notifications.models import Notification
from orderflow.orders.domain.lifecycle import State
from orderflow.orders.models import Order
from orderflow.release.domain.packages import (
    IllegalPackageTransition,
    Package,
    PackageAction,
    is_late,
    package_actions,
    package_target,
    progress_summary_zh,
)
from orderflow.release.models import WorkPackage
from orderflow.release.selectors import package_for, packages_for, workspace
from orderflow.release.services import (
    package_block,
    package_complete,
    package_start,
    package_unblock,
)
from orderflow.release.tests.test_release import members, released_order
from orderflow.testing.factories import make_user

# -- the state machine (pure) -------------------------------------------------------

ALLOWED = {
    (Package.PLANNED, PackageAction.START): Package.IN_PROGRESS,
    (Package.PLANNED, PackageAction.BLOCK): Package.BLOCKED,
    (Package.IN_PROGRESS, PackageAction.BLOCK): Package.BLOCKED,
    (Package.IN_PROGRESS, PackageAction.COMPLETE): Package.DONE,
    (Package.BLOCKED, PackageAction.UNBLOCK): Package.IN_PROGRESS,
}


@pytest.mark.parametrize("state", list(Package))
@pytest.mark.parametrize("action", list(PackageAction))
def test_every_state_and_action(state, action):
    if (state, action) in ALLOWED:
        assert package_target(state, action, started=True) == ALLOWED[(state, action)]
    else:
        with pytest.raises(IllegalPackageTransition):
            package_target(state, action, started=True)


def test_unblocking_a_package_never_started_returns_it_to_planned():
    assert package_target("blocked", "unblock", started=False) == Package.PLANNED
    assert package_target("blocked", "unblock", started=True) == Package.IN_PROGRESS


def test_unknown_states_and_actions_are_illegal():
    for state, action in (("lost", "start"), ("planned", "explode")):
        with pytest.raises(IllegalPackageTransition):
            package_target(state, action)


def test_the_buttons_come_from_the_table():
    assert package_actions("planned") == ["start", "block"]
    assert package_actions("in_progress") == ["block", "complete"]
    assert package_actions("blocked") == ["unblock"]
    assert package_actions("done") == []


def test_late_means_past_due_and_not_done():
    today = dt.date(2026, 3, 10)
    assert is_late(status="in_progress", due_date=dt.date(2026, 3, 9), today=today)
    assert not is_late(status="done", due_date=dt.date(2026, 3, 9), today=today)
    assert not is_late(status="planned", due_date=today, today=today)
    assert not is_late(status="planned", due_date=None, today=today)


def test_progress_summary_in_chinese():
    statuses = ["done", "done", "in_progress", "in_progress", "in_progress", "planned"]
    assert progress_summary_zh(statuses) == "6 个部门中 2 个已完成，3 个进行中，1 个待开始"
    assert progress_summary_zh(["done", "blocked"]) == (
        "2 个部门中 1 个已完成，0 个进行中，1 个暂停处理中")
    assert progress_summary_zh([]) == "订单尚未下达到各部门"


# -- the services ---------------------------------------------------------------------


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def people(db):
    return members("production", "quality")


@pytest.fixture
def order(salesperson, sales_head, customer, products, people):
    return released_order(salesperson, customer, products, sales_head,
                          departments=["production", "quality"])


def package_of(order, code) -> WorkPackage:
    return WorkPackage.objects.get(order=order, department__code=code)


def status_of(order) -> str:
    return Order.objects.get(pk=order.pk).status


@pytest.mark.django_db
def test_the_first_start_puts_the_order_in_execution(order, people):
    production = package_of(order, "production")

    package = package_start(package_id=production.pk, actor=people["production"])

    assert (package.status, package.updated_by_id) == ("in_progress", people["production"].pk)
    assert package.started_at is not None
    assert status_of(order) == State.IN_EXECUTION
    event = AuditEvent.objects.get(action="package.start")
    assert (event.object_id, event.from_state, event.to_state, event.data) == (
        str(production.pk), "planned", "in_progress",
        {"order": order.number, "department": "production"})
    # a second department starting does not move the order again
    package_start(package_id=package_of(order, "quality").pk, actor=people["quality"])
    assert AuditEvent.objects.filter(action="order.start_execution").count() == 1


@pytest.mark.django_db
@pytest.mark.usefixtures("without_completion_guards")
def test_the_last_package_done_makes_the_order_executed(order, people, salesperson):
    for code in ("production", "quality"):
        package_start(package_id=package_of(order, code).pk, actor=people[code])
    package_complete(package_id=package_of(order, "production").pk,
                     actor=people["production"])
    assert status_of(order) == State.IN_EXECUTION

    package = package_complete(package_id=package_of(order, "quality").pk,
                               actor=people["quality"])

    assert (package.status, package.done_at is not None) == ("done", True)
    assert status_of(order) == State.EXECUTED
    event = AuditEvent.objects.get(action="order.complete_execution")
    assert (event.actor_id, event.data) == (people["quality"].pk,
                                            {"last_department": "quality"})
    note = Notification.objects.get(kind="release.executed")
    assert note.recipient_id == salesperson.pk


@pytest.mark.django_db
def test_block_needs_a_reason_and_tells_sales(order, people, salesperson):
    production = package_of(order, "production")
    with pytest.raises(ValidationFailed) as caught:
        package_block(package_id=production.pk, actor=people["production"], reason="  ")
    assert caught.value.errors == {"reason": ["This field is required."]}
    assert package_of(order, "production").status == "planned"

    package = package_block(package_id=production.pk, actor=people["production"],
                            reason="钢材未到货")

    assert (package.status, package.blocked_reason) == ("blocked", "钢材未到货")
    assert status_of(order) == State.RELEASED  # blocking from planned starts nothing
    note = Notification.objects.get(kind="release.blocked")
    assert (note.recipient_id, note.body) == (salesperson.pk, "钢材未到货")
    # unblocked before it ever started: back to planned, the reason cleared
    package = package_unblock(package_id=production.pk, actor=people["production"])
    assert (package.status, package.blocked_reason) == ("planned", "")


@pytest.mark.django_db
def test_a_started_package_blocks_and_resumes(order, people):
    production = package_of(order, "production")
    package_start(package_id=production.pk, actor=people["production"])
    package_block(package_id=production.pk, actor=people["production"], reason="设备故障")

    package = package_unblock(package_id=production.pk, actor=people["production"])

    assert package.status == "in_progress"
    assert [e.action for e in AuditEvent.objects.filter(object_type="release.workpackage")
            .order_by("id")] == ["package.start", "package.block", "package.unblock"]


@pytest.mark.django_db
def test_only_the_departments_members_work_on_its_package(order, people, salesperson):
    production = package_of(order, "production")
    before = list(WorkPackage.objects.values_list("id", "status", "updated_at"))
    for outsider in (people["quality"], salesperson):
        with pytest.raises((NotPermitted, NotFound)):
            package_start(package_id=production.pk, actor=outsider)
    assert list(WorkPackage.objects.values_list("id", "status", "updated_at")) == before
    assert status_of(order) == State.RELEASED
    assert not AuditEvent.objects.filter(action__startswith="package.").exists()


@pytest.mark.django_db
def test_a_deputy_works_for_the_member_on_their_behalf(order, people):
    deputy = make_user(Dept.TECHNOLOGY, Role.STAFF, username="deputy")
    today = dt.date.today()
    Delegation.objects.create(principal=people["production"], deputy=deputy, starts_on=today,
                              ends_on=today, created_by=people["production"],
                              created_at=dt.datetime.now(dt.UTC))

    package_start(package_id=package_of(order, "production").pk, actor=deputy)

    event = AuditEvent.objects.get(action="package.start")
    assert (event.actor_id, event.on_behalf_of_id) == (deputy.pk, people["production"].pk)


@pytest.mark.django_db
def test_wrong_package_state_is_refused_and_changes_nothing(order, people):
    production = package_of(order, "production")
    with pytest.raises(TransitionNotAllowed) as caught:
        package_complete(package_id=production.pk, actor=people["production"])
    assert str(caught.value) == "This is not possible while the package is “Planned”."
    assert package_of(order, "production").status == "planned"
    assert status_of(order) == State.RELEASED


@pytest.mark.django_db
def test_no_package_work_once_the_order_left_execution(order, people):
    Order.objects.filter(pk=order.pk).update(status=State.CHANGE_REVIEW)
    with pytest.raises(TransitionNotAllowed):
        package_start(package_id=package_of(order, "production").pk,
                      actor=people["production"])
    assert package_of(order, "production").status == "planned"


@pytest.mark.django_db
def test_unknown_package_is_not_found(people):
    with pytest.raises(NotFound):
        package_start(package_id=999999, actor=people["production"])


# -- selectors ------------------------------------------------------------------------


@pytest.mark.django_db
def test_workspace_shows_late_first_then_blocked(salesperson, sales_head, customer, products,
                                                 people):
    today = dt.date.today()
    orders = [released_order(salesperson, customer, products, sales_head,
                             departments=["production"],
                             delivery_date=today + dt.timedelta(days=d)) for d in (30, 20, 10)]
    on_time, blocked, late = (package_of(o, "production") for o in orders)
    WorkPackage.objects.filter(pk=late.pk).update(due_date=today - dt.timedelta(days=1))
    package_block(package_id=blocked.pk, actor=people["production"], reason="缺料")

    listed = workspace(people["production"])

    assert [p.pk for p in listed] == [late.pk, blocked.pk, on_time.pk]
    assert [(p.is_late, p.is_blocked, p.may_act) for p in listed] == [
        (True, False, True), (False, True, True), (False, False, True)]
    assert [p.pk for p in workspace(people["production"], status="blocked")] == [blocked.pk]
    assert workspace(people["quality"]) == []
    with pytest.raises(NotPermitted):
        workspace(people["quality"], dept="production")
    with pytest.raises(ValidationFailed):
        workspace(people["production"], status="lost")
    assert [p.pk for p in workspace(sales_head, dept="production")] == [late.pk, blocked.pk,
                                                                        on_time.pk]


@pytest.mark.django_db
def test_packages_for_and_package_for(order, people, salesperson):
    listed = packages_for(people["quality"], order)
    assert [(p.department.code, p.may_act, p.actions) for p in listed] == [
        ("production", False, []), ("quality", True, ["start", "block"])]
    package = package_for(people["quality"], listed[0].pk)
    assert package.order_id == order.pk
    outsider = make_user(Dept.SALES, Role.STAFF, username="other_sales")
    with pytest.raises(NotFound):
        package_for(outsider, listed[0].pk)


def test_a_department_with_unfinished_records_cannot_complete(order, people, monkeypatch):
    """P5: completing asks the department's guard (registered by execution) under the
    order lock; its reasons come back as one Conflict and nothing is written."""
    from orderflow.core.errors import Conflict
    from orderflow.release.services import packages as package_services

    monkeypatch.setattr(package_services, "COMPLETION_GUARDS",
                        {"production": lambda package: ["2 tasks are not done",
                                                        "1 problem is open"]})
    package = package_of(order, "production")
    package_start(package_id=package.pk, actor=people["production"])
    events = AuditEvent.objects.count()
    with pytest.raises(Conflict, match="2 tasks are not done；1 problem is open"):
        package_complete(package_id=package.pk, actor=people["production"])
    assert package_of(order, "production").status == "in_progress"
    assert AuditEvent.objects.count() == events
    # a department without a guard completes
    quality = package_of(order, "quality")
    package_start(package_id=quality.pk, actor=people["quality"])
    assert package_complete(package_id=quality.pk, actor=people["quality"]).status == "done"
