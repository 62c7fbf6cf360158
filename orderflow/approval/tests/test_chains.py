"""Configuring approval chains (P4.1.1): system administrators, validated, atomic, audited."""

import pytest
from django.utils import translation

from orderflow.accounts.domain.organisation import Dept, Role
from orderflow.approval.models import ApprovalChain, ApprovalStage, ApprovalStep
from orderflow.approval.selectors import chains
from orderflow.approval.services import chain_save, task_approve
from orderflow.audit.models import AuditEvent
from orderflow.core.errors import NotPermitted, ValidationFailed
from orderflow.testing.factories import make_user

from .conftest import pending

pytestmark = pytest.mark.django_db

STEPS = [
    {"name": "销售部负责人审核", "assignee_kind": "dept_head", "department": "sales"},
    {"name": "大额领导审批", "assignee_kind": "role", "role": "division_leader", "mode": "any",
     "conditions": [{"field": "amount", "op": "gte", "value": "500000"}],
     "cc": [{"kind": "dept_head", "department": "finance"}], "time_limit_hours": "16"},
]


@pytest.fixture
def admin(db):
    return make_user(Dept.MANAGEMENT, Role.SYSTEM_ADMIN, username="admin")


def stored_steps(kind="order"):
    return list(ApprovalStep.objects.filter(chain__subject_kind=kind).order_by("position")
                .values("position", "name", "assignee_kind", "role", "department", "user_id",
                        "mode", "conditions", "cc", "time_limit_hours"))


def test_an_admin_replaces_the_steps(admin):
    chain = chain_save(actor=admin, subject_kind="order", name="订单审批（新）", steps=STEPS)
    assert (chain.name, chain.updated_by) == ("订单审批（新）", admin)
    assert stored_steps() == [
        {"position": 1, "name": "销售部负责人审核", "assignee_kind": "dept_head", "role": "",
         "department": "sales", "user_id": None, "mode": "single", "conditions": [],
         "cc": [], "time_limit_hours": 0},
        {"position": 2, "name": "大额领导审批", "assignee_kind": "role",
         "role": "division_leader", "department": "", "user_id": None, "mode": "any",
         "conditions": [{"field": "amount", "op": "gte", "value": "500000"}],
         "cc": [{"kind": "dept_head", "role": "", "department": "finance", "user": None}],
         "time_limit_hours": 16},
    ]
    event = AuditEvent.objects.get(action="approval.chain_saved")
    assert (event.actor, len(event.data["before"]["steps"]),
            len(event.data["after"]["steps"])) == (admin, 3, 2)
    # other subjects (archive queries, settlement statements...) seed chains of their own
    order_chain = next(c for c in chains() if c.subject_kind == "order")
    assert [s.name for s in order_chain.steps.all()] == ["销售部负责人审核", "大额领导审批"]


def test_a_named_user_step(admin):
    person = make_user(Dept.QUALITY, Role.STAFF, username="q1")
    chain_save(actor=admin, subject_kind="order", name="x", steps=[
        {"name": "质量", "assignee_kind": "user", "user_id": str(person.pk),
         "cc": [{"kind": "user", "user_id": person.pk}]}])
    assert stored_steps()[0]["user_id"] == person.pk
    assert stored_steps()[0]["cc"] == [{"kind": "user", "role": "", "department": "",
                                        "user": person.pk}]


@pytest.mark.parametrize("who", ["sales_head", "division_leader", "salesperson"])
def test_only_system_admins_configure_chains(who, request):
    actor = request.getfixturevalue(who)
    before = stored_steps()
    with pytest.raises(NotPermitted):
        chain_save(actor=actor, subject_kind="order", name="x", steps=STEPS)
    assert stored_steps() == before


@pytest.mark.parametrize(("steps", "errors"), [
    ([], {"steps"}),
    ("nope", {"steps"}),
    ([{}], {"steps.0.name", "steps.0.assignee_kind"}),
    ([{"name": "x", "assignee_kind": "boss"}], {"steps.0.assignee_kind"}),
    ([{"name": "x", "assignee_kind": "role", "role": "king"}], {"steps.0.role"}),
    ([{"name": "x", "assignee_kind": "role", "role": "staff", "department": "moon"}],
     {"steps.0.department"}),
    ([{"name": "x", "assignee_kind": "dept_head"}], {"steps.0.department"}),
    ([{"name": "x", "assignee_kind": "user", "user_id": 999999}], {"steps.0.user_id"}),
    ([{"name": "x", "assignee_kind": "user"}], {"steps.0.user_id"}),
    ([{"name": "x", "assignee_kind": "dept_head", "department": "sales", "mode": "most"}],
     {"steps.0.mode"}),
    ([{"name": "x", "assignee_kind": "dept_head", "department": "sales",
       "time_limit_hours": -1}], {"steps.0.time_limit_hours"}),
    ([{"name": "x", "assignee_kind": "dept_head", "department": "sales",
       "time_limit_hours": 5000}], {"steps.0.time_limit_hours"}),
    ([{"name": "x", "assignee_kind": "dept_head", "department": "sales",
       "conditions": [{"field": "amount", "op": "in", "value": "1"},
                      {"field": "colour", "op": "eq", "value": "red"}]}],
     {"steps.0.conditions.0.op", "steps.0.conditions.1.field"}),
    ([{"name": "x", "assignee_kind": "dept_head", "department": "sales",
       "cc": [{"kind": "role"}, {"kind": "user", "user": "abc"}]}],
     {"steps.0.cc.0.role", "steps.0.cc.1.user_id"}),
    ([{"name": "x", "assignee_kind": "dept_head", "department": "sales", "cc": "all"}],
     {"steps.0.cc"}),
    ([{"name": "x", "assignee_kind": "dept_head", "department": "sales"}] * 21, {"steps"}),
])
def test_steps_are_validated_field_by_field(steps, errors, admin):
    before = stored_steps()
    with pytest.raises(ValidationFailed) as exc:
        chain_save(actor=admin, subject_kind="order", name="x", steps=steps)
    assert set(exc.value.errors) == errors
    assert stored_steps() == before
    assert not AuditEvent.objects.filter(action="approval.chain_saved").exists()


def test_condition_messages_are_clear(admin):
    with pytest.raises(ValidationFailed) as exc, translation.override("en"):
        chain_save(actor=admin, subject_kind="order", name="x", steps=[
            {"name": "x", "assignee_kind": "dept_head", "department": "sales",
             "conditions": [{"field": "major", "op": "gt", "value": True},
                            {"field": "customer_rating", "op": "eq", "value": "Z"}]}])
    assert exc.value.errors == {
        "steps.0.conditions.0.op": [
            "The operator “gt” does not apply to “major”; use one of: eq, ne."],
        "steps.0.conditions.1.value": ["Choose from: A, B, C, D."],
    }


def test_unknown_subject_and_missing_name(admin):
    with pytest.raises(ValidationFailed) as exc:
        chain_save(actor=admin, subject_kind="invoice", name=" ", steps=STEPS)
    assert set(exc.value.errors) == {"subject_kind", "name"}
    assert not ApprovalChain.objects.filter(subject_kind="invoice").exists()


def test_a_round_under_way_keeps_its_snapshot(started, chain_people, admin):
    # given a round started with the default chain
    order, request = started
    # when the admin replaces the chain with a single Finance step
    chain_save(actor=admin, subject_kind="order", name="x", steps=[
        {"name": "只需财务", "assignee_kind": "dept_head", "department": "finance"}])
    # then the round keeps its three steps and runs through them
    assert list(ApprovalStage.objects.filter(request=request).order_by("position")
                .values_list("name", flat=True)) == ["销售部负责人审核", "事业部领导审批",
                                                     "财务部审核"]
    for position in (1, 2, 3):
        task = pending(order, position)[0]
        task_approve(task_id=task.pk, actor=task.assignee)
    request.refresh_from_db()
    assert request.status == "approved"
