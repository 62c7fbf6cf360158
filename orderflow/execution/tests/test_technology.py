"""Technology (P5.4.1): Production asks for technical support, Technology answers, the
request is resolved; the completion guard and the summary."""

import datetime as dt

import pytest
from django.utils import translation

from orderflow.accounts.domain.organisation import Dept, Role
from orderflow.accounts.models import Delegation
from orderflow.audit.models import AuditEvent
from orderflow.core import clock
from orderflow.core.errors import (
    Conflict,
    NotFound,
    NotPermitted,
    TransitionNotAllowed,
    ValidationFailed,
)
from orderflow.execution.models.technology import SupportRequest
from orderflow.execution.selectors import technology as selectors
from orderflow.execution.services.production import production_problem_raise
from orderflow.execution.services.technology import (
    completion_blockers,
    support_request_answer,
    support_request_raise,
    support_request_resolve,
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


def ask(order, actor, **overrides):
    values = {"subject": "工艺参数确认", "description": "请确认热处理温度",
              "urgency": "urgent", "needed_by": clock.today() + dt.timedelta(days=1)}
    values.update(overrides)
    return support_request_raise(order_id=order.pk, actor=actor, **values)


def deputy_for(principal, username="deputy"):
    deputy = make_user(Dept.QUALITY, Role.STAFF, username=username)
    Delegation.objects.create(principal=principal, deputy=deputy, starts_on=clock.today(),
                              ends_on=clock.today(), created_by=principal,
                              created_at=clock.now())
    return deputy


def test_production_asks_technology_which_is_told_p5_4_1(order, people, settings):
    settings.LANGUAGE_CODE = "en"
    second = make_user(Dept.TECHNOLOGY, Role.STAFF, username="technology2")
    request = ask(order, people["production"])
    assert request.package_id == package_of(order, "technology").pk
    assert (request.status, request.created_by_id) == ("open", people["production"].pk)
    notes = Notification.objects.filter(kind="technology.request")
    assert {n.recipient_id for n in notes} == {people["technology"].pk, second.pk}
    assert notes.first().title.startswith("Urgent technical support needed on order ")
    assert AuditEvent.objects.filter(action="support_request.raised",
                                     object_id=str(request.pk)).exists()


def test_a_request_may_name_a_production_problem_of_the_order(order, people):
    problem = production_problem_raise(
        order_id=order.pk, actor=people["production"], kind="quality_problem",
        description="表面粗糙度超差", owner_id=people["technology"].pk,
        due_date=clock.today())
    assert ask(order, people["production"], problem_id=problem.pk).problem_id == problem.pk
    with pytest.raises(ValidationFailed) as caught:
        ask(order, people["production"], problem_id=problem.pk + 1000)
    assert list(caught.value.errors) == ["problem_id"]


def test_bad_request_input_is_refused_and_nothing_is_written(order, people):
    with pytest.raises(ValidationFailed) as caught:
        ask(order, people["production"], subject="", description="", urgency="panic",
            needed_by=clock.today() - dt.timedelta(days=1))
    assert set(caught.value.errors) == {"subject", "description", "urgency", "needed_by"}
    assert not SupportRequest.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="support_request.").exists()
    assert not Notification.objects.filter(kind="technology.request").exists()


@pytest.mark.parametrize("who", ["quality", "technology"])
def test_only_production_asks_p5_4_1(order, people, who):
    with pytest.raises(NotPermitted):
        ask(order, people[who])
    assert not SupportRequest.objects.exists()


def test_an_order_without_technology_package_takes_no_request(
        salesperson, sales_head, customer, products, people):
    order = released_order(salesperson, customer, products, sales_head,
                           departments=["production"])
    with pytest.raises(NotFound):
        ask(order, people["production"])


def test_a_deputy_of_production_asks_on_behalf_of_the_member(order, people):
    deputy = deputy_for(people["production"])
    request = ask(order, deputy)
    assert (request.created_by_id, request.on_behalf_of_id) == (deputy.pk,
                                                                people["production"].pk)
    event = AuditEvent.objects.get(action="support_request.raised")
    assert event.on_behalf_of_id == people["production"].pk


def test_only_technology_answers_and_the_requester_is_told_p5_4_1(order, people):
    request = ask(order, people["production"])
    for who in ("production", "quality"):
        with pytest.raises(NotPermitted):
            support_request_answer(request_id=request.pk, actor=people[who], answer="x")
    with pytest.raises(ValidationFailed) as caught:
        support_request_answer(request_id=request.pk, actor=people["technology"], answer=" ")
    assert caught.value.errors == {"answer": ["This field is required."]}
    assert SupportRequest.objects.get(pk=request.pk).status == "open"
    answered = support_request_answer(request_id=request.pk, actor=people["technology"],
                                      answer="按 850℃ 保温 2 小时")
    assert (answered.status, answered.answered_by_id) == ("answered", people["technology"].pk)
    assert Notification.objects.filter(kind="technology.answered",
                                       recipient=people["production"]).exists()
    with pytest.raises(TransitionNotAllowed):
        support_request_answer(request_id=request.pk, actor=people["technology"], answer="y")


def test_a_technology_deputy_answers_on_behalf_of_the_member(order, people):
    request = ask(order, people["production"])
    deputy = deputy_for(people["technology"])
    support_request_answer(request_id=request.pk, actor=deputy, answer="见工艺卡")
    event = AuditEvent.objects.get(action="support_request.answered")
    assert (event.actor_id, event.on_behalf_of_id) == (deputy.pk, people["technology"].pk)


def test_production_resolves_only_an_answered_request_technology_also_an_open_one(
        order, people):
    first = ask(order, people["production"])
    with pytest.raises(TransitionNotAllowed):  # Production: not answered yet
        support_request_resolve(request_id=first.pk, actor=people["production"],
                                resolution="自行解决")
    with pytest.raises(NotPermitted):
        support_request_resolve(request_id=first.pk, actor=people["quality"], resolution="x")
    with pytest.raises(ValidationFailed):
        support_request_resolve(request_id=first.pk, actor=people["technology"],
                                resolution="")
    done = support_request_resolve(request_id=first.pk, actor=people["technology"],
                                   resolution="现场指导已解决")
    assert (done.status, done.resolved_by_id) == ("resolved", people["technology"].pk)
    event = AuditEvent.objects.get(action="support_request.resolved")
    assert (event.from_state, event.to_state) == ("open", "resolved")
    second = ask(order, people["production"])
    support_request_answer(request_id=second.pk, actor=people["technology"], answer="答复")
    support_request_resolve(request_id=second.pk, actor=people["production"],
                            resolution="已按答复执行")
    assert Notification.objects.filter(kind="technology.resolved",
                                       recipient=people["technology"]).exists()
    with pytest.raises(TransitionNotAllowed):
        support_request_resolve(request_id=second.pk, actor=people["technology"],
                                resolution="again")


def test_technology_cannot_complete_with_unresolved_requests(order, people):
    package = package_of(order, "technology")
    package_start(package_id=package.pk, actor=people["technology"])
    request = ask(order, people["production"])
    assert completion_blockers(package) == ["Support requests not resolved: 1."]
    with pytest.raises(Conflict):
        package_complete(package_id=package.pk, actor=people["technology"])
    support_request_resolve(request_id=request.pk, actor=people["technology"],
                            resolution="已解决")
    assert completion_blockers(package) == []
    package_complete(package_id=package.pk, actor=people["technology"])
    with pytest.raises(TransitionNotAllowed):  # Technology is done: no more requests
        ask(order, people["production"])


def test_summary_and_open_requests(order, people, django_assert_max_num_queries):
    package = package_of(order, "technology")
    assert selectors.summary(order, package).headline == "No open requests"
    late = ask(order, people["production"], urgency="normal", needed_by=None)
    SupportRequest.objects.filter(pk=late.pk).update(
        needed_by=clock.today() - dt.timedelta(days=1))
    other = ask(order, people["production"])
    support_request_answer(request_id=other.pk, actor=people["technology"], answer="答复")
    with django_assert_max_num_queries(2):
        summary = selectors.summary(order, package)
    assert summary.headline == "Open requests: 2"
    assert [i.late for i in summary.open_items] == [True, False]
    assert summary.open_items[1].text.endswith("(answered)")
    assert [r.pk for r in selectors.open_requests(people["technology"])] == [late.pk]
    assert [r.pk for r in selectors.support_requests(people["technology"],
                                                     status="unresolved")] == [late.pk,
                                                                                other.pk]
    assert selectors.open_requests(people["quality"]) == []
    assert [r.status for r in selectors.requests_for(order)] == ["open", "answered"]
